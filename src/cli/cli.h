/*
 * cli.h - shared by the sub-commands: option parsing, progress, exit codes.
 *
 * Exit codes: 0 done, 1 failed, 2 usage. Every command answers --help.
 */
#ifndef GR_CLI_H
#define GR_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/text.h"

#define GR_EXIT_OK 0
#define GR_EXIT_FAIL 1
#define GR_EXIT_USAGE 2

struct gr_opt {
    const char *name; /* "--db" */
    bool takes_value;
    const char **value; /* where the value goes (or "1" for a flag) */
};

/* Parse argv[1..argc) against opts; positional arguments land in pos (at most max_pos).
 * Prints a message naming the problem and returns false on a usage error. Sets *help
 * when --help or -h is given. */
bool gr_cli_parse(int argc, char **argv, const struct gr_opt *opts, const char **pos, int max_pos,
                  int *n_pos, bool *help);
/* The start of every command: parse argv against opts (positional arguments into pos, at
 * most max_pos), print help for --help. Returns -1 to go on, else the exit code. */
int gr_cli_start(int argc, char **argv, const struct gr_opt *opts, const char **pos, int max_pos,
                 int *n_pos, const char *help);
struct gr_store;
/* Open the existing database db for command cmd ("import"); prints why not. */
bool gr_cli_open(const char *cmd, const char *db, struct gr_store **st);
/* Progress on a terminal (stderr), at most a few times a second; silent elsewhere. */
void gr_cli_progress(const char *phase, uint64_t done, uint64_t total);
void gr_cli_progress_end(void);
/* Parse a positive integer option; prints and returns false when invalid. */
bool gr_cli_int(const char *opt, const char *value, int64_t lo, int64_t hi, int64_t *out);

/* A moment in ISO 8601, "YYYY-MM-DDTHH:MM:SS" then "Z", "+HH:MM", "-HH:MM" or nothing
 * (the city's time, +08:00), to Unix seconds; false when s is not one. */
bool gr_cli_time(const char *s, int64_t *out);

int gr_cmd_init(int argc, char **argv);
int gr_cmd_demo(int argc, char **argv);
int gr_cmd_serve(int argc, char **argv);
int gr_cmd_import(int argc, char **argv);
int gr_cmd_export(int argc, char **argv);
int gr_cmd_apikey(int argc, char **argv);
int gr_cmd_sweep(int argc, char **argv);

#endif
