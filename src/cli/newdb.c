/* newdb.c - making a new database with its administrator. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../http/http.h"
#include "cli.h"
#include "cli_int.h"

bool gr_cli_password_ok(const char *opt, const char *pw)
{
    size_t n = strlen(pw);
    if (n < 8 || n > 128) {
        fprintf(stderr, "grassroots: %s must be 8 to 128 characters\n", opt);
        return false;
    }
    return true;
}

enum gr_err gr_cli_new_db(const char *path, const char *admin_password, struct gr_store **out)
{
    *out = NULL;
    if (!gr_cli_password_ok("--admin-password", admin_password))
        return GR_EINVAL;
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "grassroots: %s already exists; choose a new file\n", path);
        return GR_ECONFLICT;
    }
    struct gr_store *st;
    enum gr_err e = gr_store_open(path, true, &st);
    if (e)
        return e;
    char hash[256];
    int64_t id;
    e = gr_password_hash(admin_password, hash, sizeof(hash));
    if (!e)
        e = gr_store_begin(st);
    if (!e) {
        e = gr_store_user_create(st, "admin", "系统管理员", hash, &id);
        if (!e)
            e = gr_store_grant_add(st, id, GR_ROLE_ADMIN, 0, 0);
        e = gr_store_end(st, e);
    }
    if (e) {
        fprintf(stderr, "grassroots: cannot create the administrator: %s\n", gr_store_errmsg(st));
        gr_store_close(st);
        unlink(path);
        return e;
    }
    *out = st;
    return GR_OK;
}
