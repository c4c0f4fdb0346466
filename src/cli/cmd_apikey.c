/*
 * cmd_apikey.c - `grassroots apikey`: a new Open311 API key. The key is printed once and
 * alone on standard output (scripts capture it); the database keeps only its SHA-256.
 */
#include <stdio.h>
#include <string.h>

#include "../http/http.h"
#include "../store/store.h"
#include "cli.h"

static const char help[] =
    "usage: grassroots apikey --db FILE --name NAME\n"
    "\n"
    "Create an Open311 API key for the client NAME (1 to 100 characters) and print it alone\n"
    "on standard output: 64 hexadecimal digits, shown this once (the database keeps only its\n"
    "SHA-256). Clients send it as api_key when they post service requests.\n";

int gr_cmd_apikey(int argc, char **argv)
{
    const char *db = NULL, *name = NULL;
    const struct gr_opt opts[] = {
        {"--db", true, &db}, {"--name", true, &name}, {NULL, false, NULL}};
    int n_pos, done;
    if ((done = gr_cli_start(argc, argv, opts, NULL, 0, &n_pos, help)) >= 0)
        return done;
    if (!db || !name) {
        fprintf(stderr, "grassroots apikey: %s is required\n%s", !db ? "--db" : "--name", help);
        return GR_EXIT_USAGE;
    }
    size_t len = strlen(name);
    if (!gr_utf8_valid(name, len) || gr_utf8_len(name, len) < 1 || gr_utf8_len(name, len) > 100) {
        fprintf(stderr, "grassroots apikey: --name must be 1 to 100 characters of UTF-8\n");
        return GR_EXIT_USAGE;
    }
    struct gr_store *st;
    if (!gr_cli_open("apikey", db, &st))
        return GR_EXIT_FAIL;
    enum gr_err e;
    char key[65], hash[65];
    int64_t id;
    gr_random_hex(32, key);
    gr_sha256_hex(key, 64, hash);
    e = gr_store_begin(st);
    if (!e)
        e = gr_store_end(st, gr_store_api_key_create(st, name, hash, &id));
    if (e) {
        fprintf(stderr, "grassroots apikey: cannot store the key: %s\n", gr_store_errmsg(st));
        gr_store_close(st);
        return GR_EXIT_FAIL;
    }
    gr_store_close(st);
    printf("%s\n", key);
    return GR_EXIT_OK;
}
