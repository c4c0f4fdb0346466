/*
 * cmd_sweep.c - `grassroots sweep`: the deadline sweep of api/case_ops.c run once, as of a
 * given moment (or now), for cron or for a look at what the server's own sweep would do.
 * Prints one line per escalated case and a summary line last.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../api/case_ops.h"
#include "../core/calendar.h"
#include "../store/store.h"
#include "cli.h"

static const char help[] =
    "usage: grassroots sweep --db FILE [--now TIME]\n"
    "\n"
    "Run the deadline sweep once: open cases past their deadline are escalated one level up\n"
    "(or marked red at the top), those due soon are marked yellow. Prints each escalation,\n"
    "then \"examined N, escalated N, red N, yellow N\".\n"
    "  --now TIME  sweep as of TIME, ISO 8601: 2026-11-26T10:00:00+08:00, ...Z, or without\n"
    "              an offset for the city's local time (+08:00); default: the current time\n";

/* Two digits at s, within [lo, hi]. */
static bool two(const char *s, int lo, int hi, int *out)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return *out >= lo && *out <= hi;
}

/* "YYYY-MM-DDTHH:MM:SS" then "Z", "+HH:MM", "-HH:MM" or nothing (+08:00, the city's). */
static bool parse_moment(const char *s, int64_t *out)
{
    char date[11];
    gr_ymd ymd;
    int h, mi, sec, oh = 8, om = 0, sign = 1;
    if (strlen(s) < 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return false;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!gr_ymd_parse(date, &ymd) || !two(s + 11, 0, 23, &h) || !two(s + 14, 0, 59, &mi) ||
        !two(s + 17, 0, 59, &sec))
        return false;
    const char *z = s + 19;
    if (strcmp(z, "Z") == 0) {
        oh = 0;
    } else if (*z == '+' || *z == '-') {
        sign = *z == '-' ? -1 : 1;
        if (strlen(z) != 6 || !two(z + 1, 0, 14, &oh) || z[3] != ':' || !two(z + 4, 0, 59, &om))
            return false;
    } else if (*z) {
        return false;
    }
    /* Midnight of the date at +00:00, then the clock and the offset. */
    struct gr_calendar utc;
    gr_cal_default(&utc);
    utc.utc_offset_min = 0;
    *out = gr_cal_midnight(&utc, ymd) + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
    return true;
}

static void escalated(void *ctx, const struct gr_case *c, const char *from_level,
                      const char *to_level)
{
    printf("case %lld escalated %s -> %s\n", (long long)c->id, from_level, to_level);
}

int gr_cmd_sweep(int argc, char **argv)
{
    const char *db = NULL, *now_text = NULL;
    const struct gr_opt opts[] = {
        {"--db", true, &db}, {"--now", true, &now_text}, {NULL, false, NULL}};
    int n_pos;
    bool want_help;
    if (!gr_cli_parse(argc, argv, opts, NULL, 0, &n_pos, &want_help))
        return GR_EXIT_USAGE;
    if (want_help) {
        fputs(help, stdout);
        return GR_EXIT_OK;
    }
    if (!db) {
        fprintf(stderr, "grassroots sweep: --db is required\n%s", help);
        return GR_EXIT_USAGE;
    }
    int64_t now = (int64_t)time(NULL);
    if (now_text && !parse_moment(now_text, &now)) {
        fprintf(stderr, "grassroots sweep: --now %s is not a time like 2026-11-26T10:00:00+08:00\n",
                now_text);
        return GR_EXIT_USAGE;
    }
    struct gr_store *st;
    enum gr_err e = gr_store_open(db, false, &st);
    if (e) {
        fprintf(stderr, "grassroots sweep: cannot open %s%s\n", db,
                e == GR_ENOTFOUND ? ": no such file" : "");
        return GR_EXIT_FAIL;
    }
    struct gr_sweep_report rep;
    e = gr_case_sweep(st, now, escalated, NULL, &rep);
    if (e) {
        fprintf(stderr, "grassroots sweep: failed: %s (%s)\n", gr_strerror(e), gr_store_errmsg(st));
        gr_store_close(st);
        return GR_EXIT_FAIL;
    }
    gr_store_close(st);
    printf("examined %lld, escalated %lld, red %lld, yellow %lld\n", (long long)rep.examined,
           (long long)rep.escalated, (long long)rep.red, (long long)rep.yellow);
    return GR_EXIT_OK;
}
