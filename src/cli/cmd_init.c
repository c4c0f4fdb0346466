/* cmd_init.c - `grassroots init`: an empty database with the user admin. */
#include <stdio.h>
#include <string.h>

#include "../http/http.h"
#include "cli.h"
#include "cli_int.h"

static const char help[] =
    "usage: grassroots init --db FILE --admin-password PW\n"
    "\n"
    "Create an empty database at FILE (which must not exist) with the user `admin`.\n";

int gr_cmd_init(int argc, char **argv)
{
    const char *db = NULL, *pw = NULL;
    const struct gr_opt opts[] = {
        {"--db", true, &db}, {"--admin-password", true, &pw}, {NULL, false, NULL}};
    int n_pos, done;
    if ((done = gr_cli_start(argc, argv, opts, NULL, 0, &n_pos, help)) >= 0)
        return done;
    if (!db || !pw) {
        fprintf(stderr, "grassroots init: --db and --admin-password are required\n%s", help);
        return GR_EXIT_USAGE;
    }
    struct gr_store *st;
    if (gr_cli_new_db(db, pw, &st) != GR_OK)
        return GR_EXIT_FAIL;
    gr_store_close(st);
    printf("created %s with user admin\n", db);
    return GR_EXIT_OK;
}
