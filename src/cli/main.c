/*
 * main.c - the grassroots program: one binary, sub-commands.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/calendar.h"
#include "../http/http.h"
#include "../store/store.h"
#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *what;
} commands[] = {
    {"init", gr_cmd_init, "create an empty database with the user admin"},
    {"demo", gr_cmd_demo, "create a database holding a synthetic city in Jiangxi"},
    {"serve", gr_cmd_serve, "serve the API and the web app"},
    {"import", gr_cmd_import, "import CSV (network tables, the duty list, cases) or GeoJSON"},
    {"export", gr_cmd_export, "export CSV (network tables, the duty list) or GeoJSON"},
    {"apikey", gr_cmd_apikey, "create an Open311 API key and print it"},
    {"sweep", gr_cmd_sweep, "run the deadline sweep of cases once"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: grassroots COMMAND [OPTIONS]   (grassroots COMMAND --help for more)\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].what);
}

bool gr_cli_parse(int argc, char **argv, const struct gr_opt *opts, const char **pos, int max_pos,
                  int *n_pos, bool *help)
{
    *n_pos = 0;
    *help = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *help = true;
            return true;
        }
        if (strncmp(a, "--", 2) == 0) {
            const struct gr_opt *o = opts;
            while (o->name && strcmp(o->name, a) != 0)
                o++;
            if (!o->name) {
                fprintf(stderr, "grassroots %s: unknown option %s\n", argv[0], a);
                return false;
            }
            if (o->takes_value) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "grassroots %s: %s needs a value\n", argv[0], a);
                    return false;
                }
                *o->value = argv[++i];
            } else {
                *o->value = "1";
            }
            continue;
        }
        if (*n_pos == max_pos) {
            fprintf(stderr, "grassroots %s: unexpected argument %s\n", argv[0], a);
            return false;
        }
        pos[(*n_pos)++] = a;
    }
    return true;
}

bool gr_cli_int(const char *opt, const char *value, int64_t lo, int64_t hi, int64_t *out)
{
    int64_t v;
    if (gr_parse_i64(value, strlen(value), &v) != GR_OK || v < lo || v > hi) {
        fprintf(stderr, "grassroots: %s must be an integer from %lld to %lld\n", opt, (long long)lo,
                (long long)hi);
        return false;
    }
    *out = v;
    return true;
}

/* Two digits at s, within [lo, hi]. */
int gr_cli_start(int argc, char **argv, const struct gr_opt *opts, const char **pos, int max_pos,
                 int *n_pos, const char *help)
{
    bool want_help;
    if (!gr_cli_parse(argc, argv, opts, pos, max_pos, n_pos, &want_help))
        return GR_EXIT_USAGE;
    if (want_help) {
        fputs(help, stdout);
        return GR_EXIT_OK;
    }
    return -1;
}

bool gr_cli_open(const char *cmd, const char *db, struct gr_store **st)
{
    enum gr_err e = gr_store_open(db, false, st);
    if (e)
        fprintf(stderr, "grassroots %s: cannot open %s%s\n", cmd, db,
                e == GR_ENOTFOUND ? ": no such file" : "");
    return e == GR_OK;
}

bool gr_cli_time(const char *s, int64_t *out)
{
    return gr_time_parse(s, GR_TIME_OFFSET | GR_TIME_LOCAL, 480, out);
}

static struct timespec last_progress;
static bool progress_shown;

void gr_cli_progress(const char *phase, uint64_t done, uint64_t total)
{
    if (!isatty(STDERR_FILENO))
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - last_progress.tv_sec) +
                (double)(now.tv_nsec - last_progress.tv_nsec) / 1e9;
    if (dt < 0.2 && done != total)
        return;
    last_progress = now;
    progress_shown = true;
    if (total)
        fprintf(stderr, "\r%-24s %12llu / %llu (%3.0f%%)  ", phase, (unsigned long long)done,
                (unsigned long long)total, 100.0 * (double)done / (double)total);
    else
        fprintf(stderr, "\r%-24s %12llu  ", phase, (unsigned long long)done);
}

void gr_cli_progress_end(void)
{
    if (progress_shown && isatty(STDERR_FILENO))
        fprintf(stderr, "\n");
    progress_shown = false;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return GR_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return GR_EXIT_OK;
    }
    if (gr_crypto_init() != GR_OK) {
        fprintf(stderr, "grassroots: libsodium failed to start\n");
        return GR_EXIT_FAIL;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "grassroots: unknown command %s\n", argv[1]);
    usage(stderr);
    return GR_EXIT_USAGE;
}
