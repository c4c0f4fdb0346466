/*
 * accounts.c - users, grants, sessions and API tokens.
 *
 * Secrets are never stored: sessions and tokens by the SHA-256 of their value, passwords
 * as argon2id hashes made by the caller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/buf.h"
#include "../../base/mem.h"
#include "store_int.h"

static const char *const anc_cols[GR_N_LEVELS + 1] = {NULL,        "city_id",      "district_id",
                                                      "street_id", "community_id", "grid_id"};

uint64_t gr_store_auth_generation(void)
{
    return gr_sq_generation(GR_GEN_AUTH);
}

enum gr_err gr_store_user_create(struct gr_store *st, const char *login, const char *name,
                                 const char *pw_hash, int64_t *out_id)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO users(login, name, pw_hash, created_at) VALUES (?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_text(q, 1, login, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 3, pw_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, now, -1, SQLITE_TRANSIENT);
    enum gr_err e = gr_sq_done(st, q);
    if (!e && out_id)
        *out_id = sqlite3_last_insert_rowid(st->db);
    return e;
}

static const char *keep_col(struct gr_store *st, sqlite3_stmt *q, int col)
{
    const char *t = (const char *)sqlite3_column_text(q, col);
    return gr_sq_keep(st, t ? t : "", (size_t)sqlite3_column_bytes(q, col));
}

static enum gr_err user_by(struct gr_store *st, const char *sql, const char *login, int64_t id,
                           struct gr_user *u)
{
    sqlite3_stmt *q = gr_sq_prepare(st, sql);
    if (!q)
        return GR_EDB;
    if (login)
        sqlite3_bind_text(q, 1, login, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(q, 1, id);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    u->id = sqlite3_column_int64(q, 0);
    u->disabled = sqlite3_column_int(q, 4) != 0;
    /* Copies, and the read closed: an open read would pin an old snapshot. */
    u->login = keep_col(st, q, 1);
    u->name = keep_col(st, q, 2);
    u->pw_hash = keep_col(st, q, 3);
    sqlite3_reset(q);
    return GR_OK;
}

enum gr_err gr_store_user_by_login(struct gr_store *st, const char *login, struct gr_user *u)
{
    return user_by(st, "SELECT id, login, name, pw_hash, disabled FROM users WHERE login = ?",
                   login, 0, u);
}

enum gr_err gr_store_user_get(struct gr_store *st, int64_t id, struct gr_user *u)
{
    return user_by(st, "SELECT id, login, name, pw_hash, disabled FROM users WHERE id = ?", NULL,
                   id, u);
}

enum gr_err gr_store_user_set_password(struct gr_store *st, int64_t id, const char *pw_hash)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "UPDATE users SET pw_hash = ? WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_text(q, 1, pw_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, id);
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        gr_sq_changed(st, GR_GEN_AUTH);
    return (!e && sqlite3_changes(st->db) == 0) ? GR_ENOTFOUND : e;
}

enum gr_err gr_store_grant_add(struct gr_store *st, int64_t user_id, enum gr_role role,
                               int64_t node_id, int64_t organisation_id)
{
    struct gr_anc anc;
    memset(&anc, 0, sizeof(anc));
    enum gr_err e = GR_OK;
    if (node_id)
        e = gr_store_anc(st, gr_kind_get(GR_K_NODES), node_id, &anc);
    else if (organisation_id)
        e = gr_store_anc(st, gr_kind_get(GR_K_ORGANISATIONS), organisation_id, &anc);
    if (e)
        return e;
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO grants(user_id, role, node_id, organisation_id, city_id, district_id, "
            "street_id, community_id, grid_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, user_id);
    sqlite3_bind_text(q, 2, gr_role_name(role), -1, SQLITE_STATIC);
    if (node_id)
        sqlite3_bind_int64(q, 3, node_id);
    if (organisation_id)
        sqlite3_bind_int64(q, 4, organisation_id);
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        if (anc.id[l])
            sqlite3_bind_int64(q, 4 + l, anc.id[l]);
    e = gr_sq_done(st, q);
    if (!e)
        gr_sq_changed(st, GR_GEN_AUTH);
    return e;
}

enum gr_err gr_store_grants(struct gr_store *st, int64_t user_id, struct gr_principal *p)
{
    memset(p, 0, sizeof(*p));
    p->user_id = user_id;
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT g.role, g.node_id, n.depth, g.organisation_id, o.node_id, on2.depth "
            "FROM grants g LEFT JOIN nodes n ON n.id = g.node_id "
            "LEFT JOIN organisations o ON o.id = g.organisation_id "
            "LEFT JOIN nodes on2 ON on2.id = o.node_id WHERE g.user_id = ? ORDER BY g.id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, user_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && p->n_grants < GR_MAX_GRANTS) {
        struct gr_grant *g = &p->grants[p->n_grants];
        const char *role = (const char *)sqlite3_column_text(q, 0);
        g->role = gr_role_parse(role, strlen(role));
        g->node_id = sqlite3_column_int64(q, 1);
        g->level = (enum gr_level)sqlite3_column_int(q, 2);
        g->organisation_id = sqlite3_column_int64(q, 3);
        g->org_node_id = sqlite3_column_int64(q, 4);
        g->org_node_level = (enum gr_level)sqlite3_column_int(q, 5);
        if (g->role != GR_ROLE_NONE)
            p->n_grants++;
    }
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_user_list(struct gr_store *st, const struct gr_query *qy, gr_user_fn fn,
                               void *ctx, bool *more)
{
    *more = false;
    struct gr_buf b;
    gr_buf_init(&b, 4096);
    gr_buf_adds(&b, "SELECT id, login, name, pw_hash, disabled FROM users u WHERE id > ?");
    if (!qy->all) {
        if (qy->n_scopes == 0) {
            gr_buf_cleanup(&b);
            return GR_OK;
        }
        gr_buf_adds(&b, " AND EXISTS (SELECT 1 FROM grants g WHERE g.user_id = u.id AND (");
        for (size_t i = 0; i < qy->n_scopes; i++)
            gr_buf_printf(&b, "%sg.%s = ?", i ? " OR " : "", anc_cols[qy->scopes[i].level]);
        gr_buf_adds(&b, "))");
    }
    gr_buf_adds(&b, " ORDER BY id LIMIT ?");
    /* The grants query below reuses the cache: copy the SQL-bound strings first. */
    sqlite3_stmt *q = gr_sq_prepare(st, b.data);
    gr_buf_cleanup(&b);
    if (!q)
        return GR_EDB;
    int at = 1;
    sqlite3_bind_int64(q, at++, qy->after);
    if (!qy->all)
        for (size_t i = 0; i < qy->n_scopes; i++)
            sqlite3_bind_int64(q, at++, qy->scopes[i].id);
    int limit = qy->limit > 0 ? qy->limit : 50;
    sqlite3_bind_int(q, at, limit + 1);
    int rc, n = 0;
    enum gr_err e = GR_OK;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        struct gr_user u = {
            .id = sqlite3_column_int64(q, 0),
            .login = (const char *)sqlite3_column_text(q, 1),
            .name = (const char *)sqlite3_column_text(q, 2),
            .pw_hash = NULL,
            .disabled = sqlite3_column_int(q, 4) != 0,
        };
        struct gr_principal p;
        if ((e = gr_store_grants(st, u.id, &p)))
            break;
        if (fn(ctx, &u, &p))
            break;
    }
    if (!e && rc != SQLITE_ROW && rc != SQLITE_DONE)
        e = gr_sq_err(st, rc);
    sqlite3_reset(q);
    return e;
}

enum gr_err gr_store_session_create(struct gr_store *st, const char *token_hash, int64_t user_id,
                                    const char *csrf, int64_t expires_at)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO sessions(token_hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    sqlite3_bind_text(q, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, user_id);
    sqlite3_bind_text(q, 3, csrf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 4, expires_at);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    /* Expired sessions go away as new ones come. */
    q = gr_sq_prepare(st, "DELETE FROM sessions WHERE expires_at < ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, expires_at - 60 * 60 * 24 * 30);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_session_get(struct gr_store *st, const char *token_hash, int64_t now,
                                 int64_t *user_id, char **csrf)
{
    *csrf = NULL;
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT user_id, csrf FROM sessions WHERE token_hash = ? AND expires_at > ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_text(q, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, now);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *user_id = sqlite3_column_int64(q, 0);
        *csrf = gr_strdup((const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return GR_ENOTFOUND;
    return rc == SQLITE_ROW ? GR_OK : gr_sq_err(st, rc);
}

enum gr_err gr_store_session_delete(struct gr_store *st, const char *token_hash)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "DELETE FROM sessions WHERE token_hash = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_text(q, 1, token_hash, -1, SQLITE_TRANSIENT);
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        gr_sq_changed(st, GR_GEN_AUTH);
    return e;
}

enum gr_err gr_store_token_create(struct gr_store *st, const char *token_hash, int64_t user_id,
                                  const char *name)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO api_tokens(token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_text(q, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, user_id);
    sqlite3_bind_text(q, 3, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, now, -1, SQLITE_TRANSIENT);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_token_get(struct gr_store *st, const char *token_hash, int64_t *user_id)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT user_id FROM api_tokens WHERE token_hash = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_text(q, 1, token_hash, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *user_id = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return GR_ENOTFOUND;
    return rc == SQLITE_ROW ? GR_OK : gr_sq_err(st, rc);
}
