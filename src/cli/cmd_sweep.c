/*
 * cmd_sweep.c - `grassroots sweep`: the deadline sweep of api/case_ops.c run once, as of a
 * given moment (or now), for cron or for a look at what the server's own sweep would do.
 * Prints one line per escalated case and a summary line last.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../api/case_ops.h"
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
    int n_pos, done;
    if ((done = gr_cli_start(argc, argv, opts, NULL, 0, &n_pos, help)) >= 0)
        return done;
    if (!db) {
        fprintf(stderr, "grassroots sweep: --db is required\n%s", help);
        return GR_EXIT_USAGE;
    }
    int64_t now = (int64_t)time(NULL);
    if (now_text && !gr_cli_time(now_text, &now)) {
        fprintf(stderr, "grassroots sweep: --now %s is not a time like 2026-11-26T10:00:00+08:00\n",
                now_text);
        return GR_EXIT_USAGE;
    }
    struct gr_store *st;
    if (!gr_cli_open("sweep", db, &st))
        return GR_EXIT_FAIL;
    enum gr_err e;
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
