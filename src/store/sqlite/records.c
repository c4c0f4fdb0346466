/*
 * records.c - generic create, read, update, delete and list for every kind of
 * schema.h, with SQL built from the descriptors.
 *
 * Ancestor ids are derived from the scope parent on insert (with a one-entry cache per
 * parent kind, since imports and the demo insert children grouped by parent). After a
 * write the derived counters of the affected grid are recomputed in the same
 * transaction, except in bulk mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/buf.h"
#include "../../base/mem.h"
#include "store_int.h"

static const char *const anc_cols[GR_N_LEVELS + 1] = {NULL,        "city_id",      "district_id",
                                                      "street_id", "community_id", "grid_id"};

static bool kind_has_field(const struct gr_kind *k, const char *name)
{
    return gr_kind_field(k, name, strlen(name)) >= 0;
}

/* Ancestor columns that are separate from the kind's own fields. */
static bool anc_col_separate(const struct gr_kind *k, int level)
{
    return !kind_has_field(k, anc_cols[level]);
}

static void bind_value(sqlite3_stmt *q, int at, const struct gr_field *f, const struct gr_value *v)
{
    if (!v->present || v->null) {
        sqlite3_bind_null(q, at);
        return;
    }
    switch (f->type) {
    case GR_FT_INT:
    case GR_FT_BOOL:
    case GR_FT_REF: sqlite3_bind_int64(q, at, v->i); break;
    case GR_FT_REAL: sqlite3_bind_double(q, at, v->d); break;
    default: sqlite3_bind_text(q, at, v->s, (int)v->len, SQLITE_TRANSIENT); break;
    }
}

static void read_value(sqlite3_stmt *q, int col, const struct gr_field *f, struct gr_value *v)
{
    memset(v, 0, sizeof(*v));
    if (sqlite3_column_type(q, col) == SQLITE_NULL) {
        v->null = true;
        return;
    }
    v->present = true;
    switch (f->type) {
    case GR_FT_INT:
    case GR_FT_BOOL:
    case GR_FT_REF: v->i = sqlite3_column_int64(q, col); break;
    case GR_FT_REAL: v->d = sqlite3_column_double(q, col); break;
    default:
        v->s = (const char *)sqlite3_column_text(q, col);
        v->len = (size_t)sqlite3_column_bytes(q, col);
        break;
    }
}

/* SELECT list: id, fields..., city_id..grid_id, updated_at. */
static void select_cols(struct gr_buf *b, const struct gr_kind *k)
{
    gr_buf_adds(b, "SELECT id");
    for (size_t i = 0; i < k->n_fields; i++)
        gr_buf_printf(b, ", %s", k->fields[i].name);
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        gr_buf_printf(b, ", %s", anc_cols[l]);
    gr_buf_printf(b, ", updated_at FROM %s", k->name);
}

static void read_row(struct gr_store *st, sqlite3_stmt *q, const struct gr_kind *k,
                     struct gr_row *row)
{
    row->id = sqlite3_column_int64(q, 0);
    int col = 1;
    for (size_t i = 0; i < k->n_fields; i++)
        read_value(q, col++, &k->fields[i], &st->vals[i]);
    row->anc.id[0] = 0;
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        row->anc.id[l] = sqlite3_column_int64(q, col++);
    row->updated_at = (const char *)sqlite3_column_text(q, col);
    row->vals = st->vals;
}

enum gr_err gr_store_anc(struct gr_store *st, const struct gr_kind *k, int64_t id,
                         struct gr_anc *anc)
{
    struct anc_cache *c = &st->anc_cache[k->id];
    if (c->id == id && id) {
        *anc = c->anc;
        return GR_OK;
    }
    sqlite3_stmt *q = st->anc_q[k->id];
    if (!q) {
        char sql[200];
        snprintf(sql, sizeof(sql),
                 "SELECT city_id, district_id, street_id, community_id, grid_id%s FROM %s WHERE "
                 "id = ?",
                 k->id == GR_K_NODES ? ", depth" : "", k->name);
        int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q, NULL);
        if (rc != SQLITE_OK)
            return gr_sq_err(st, rc);
        st->anc_q[k->id] = q;
    }
    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, id);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    memset(anc, 0, sizeof(*anc));
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        anc->id[l] = sqlite3_column_int64(q, l - 1);
    c->level = k->id == GR_K_NODES ? (enum gr_level)sqlite3_column_int(q, 5) : GR_LEVEL_NONE;
    sqlite3_reset(q);
    c->id = id;
    c->anc = *anc;
    return GR_OK;
}

static enum gr_err verr(struct gr_verr *ve, const char *field, const char *msg, enum gr_err code)
{
    if (ve) {
        ve->field = field;
        ve->message = msg;
        ve->code = code;
    }
    return code;
}

static bool is_grid_worker(const struct gr_kind *k, const struct gr_value *vals)
{
    const struct gr_value *v = &vals[gr_kind_field(k, "kind", 4)];
    return v->present && !v->null && v->len == 11 && memcmp(v->s, "grid_worker", 11) == 0;
}

/* Check every present reference: the record exists and, for nodes, has the right level. */
static enum gr_err check_refs(struct gr_store *st, const struct gr_kind *k,
                              const struct gr_value *vals, struct gr_verr *ve)
{
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct gr_field *f = &k->fields[i];
        const struct gr_value *v = &vals[i];
        if (f->type != GR_FT_REF || !v->present || v->null)
            continue;
        const struct gr_kind *rk = gr_kind_find(f->ref_kind, strlen(f->ref_kind));
        struct gr_anc anc;
        enum gr_err e = gr_store_anc(st, rk, v->i, &anc);
        if (e == GR_ENOTFOUND)
            return verr(ve, f->name, "refers to a record that does not exist", GR_EINVAL);
        if (e)
            return e;
        if (rk->id == GR_K_NODES && f->ref_level && st->anc_cache[GR_K_NODES].level != f->ref_level)
            return verr(ve, f->name, "refers to a node of the wrong level", GR_EINVAL);
        /* A grid worker works in a grid: coverage counts grid workers by their grid. */
        if (k->id == GR_K_POSTS && rk->id == GR_K_NODES && is_grid_worker(k, vals) &&
            st->anc_cache[GR_K_NODES].level != GR_LEVEL_GRID)
            return verr(ve, f->name, "a grid worker's node must be a grid", GR_EINVAL);
    }
    return GR_OK;
}

/* Derive the ancestors of a new record from its first non-null scope field. Every other
 * scope field given must name a place that contains it (a building party group's
 * building lies under the group's node), or the record would sit in two places. */
static enum gr_err derive_anc(struct gr_store *st, const struct gr_kind *k,
                              const struct gr_value *vals, struct gr_anc *anc,
                              enum gr_level *parent_level, struct gr_verr *ve)
{
    memset(anc, 0, sizeof(*anc));
    *parent_level = GR_LEVEL_NONE;
    const char *first = NULL;
    for (const char *const *sf = k->scope_fields; *sf; sf++) {
        int i = gr_kind_field(k, *sf, strlen(*sf));
        if (i < 0 || !vals[i].present || vals[i].null)
            continue;
        const struct gr_field *f = &k->fields[i];
        const struct gr_kind *rk = gr_kind_find(f->ref_kind, strlen(f->ref_kind));
        struct gr_anc a;
        enum gr_err e = gr_store_anc(st, rk, vals[i].i, &a);
        if (e == GR_ENOTFOUND)
            return verr(ve, f->name, "refers to a record that does not exist", GR_EINVAL);
        if (e)
            return e;
        if (!first) {
            first = f->name;
            *anc = a;
            if (rk->id == GR_K_NODES)
                *parent_level = st->anc_cache[GR_K_NODES].level;
            continue;
        }
        for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
            if (a.id[l] && a.id[l] != anc->id[l])
                return verr(ve, f->name, "must contain the record's other place", GR_EINVAL);
    }
    if (first || k->id == GR_K_NODES)
        return GR_OK; /* no scope parent at all: a city */
    return verr(ve, k->scope_fields[0], "is required", GR_EINVAL);
}

/* Turn a UNIQUE failure message into the field at fault. */
static const char *unique_field(struct gr_store *st, const struct gr_kind *k)
{
    const char *msg = sqlite3_errmsg(st->db);
    const char *best = NULL;
    for (size_t i = 0; i < k->n_fields; i++) {
        char pat[80];
        snprintf(pat, sizeof(pat), "%s.%s", k->name, k->fields[i].name);
        if (strstr(msg, pat))
            best = k->fields[i].name; /* the last one named is the most specific */
    }
    return best ? best : "id";
}

static enum gr_err step_write(struct gr_store *st, sqlite3_stmt *q, const struct gr_kind *k,
                              struct gr_verr *ve)
{
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return GR_OK;
    enum gr_err e = gr_sq_err(st, rc);
    sqlite3_reset(q);
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return verr(ve, unique_field(st, k), "is already taken", GR_ECONFLICT);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return verr(ve, NULL, "is still referred to by other records", GR_ECONFLICT);
    return e;
}

static enum gr_err after_write(struct gr_store *st, const struct gr_kind *k, const struct gr_anc *a)
{
    if (st->bulk) {
        gr_sq_touch(st, a);
        return GR_OK;
    }
    /* A member serving a community above its grids changes only the community's rollup. */
    if (!a->id[GR_LEVEL_GRID] && a->id[GR_LEVEL_COMMUNITY] && k->id == GR_K_PARTY_MEMBERS)
        return gr_store_recount(st, GR_LEVEL_COMMUNITY, a->id[GR_LEVEL_COMMUNITY]);
    if (!a->id[GR_LEVEL_GRID])
        return GR_OK;
    switch (k->id) {
    case GR_K_BUILDINGS:
    case GR_K_UNITS:
    case GR_K_HOUSEHOLDS:
    case GR_K_POSTS:
    case GR_K_MEMBER_HOUSEHOLDS:
    case GR_K_PARTY_ORGS:
    case GR_K_PARTY_MEMBERS:
    case GR_K_NODES: return gr_sq_recount_grid(st, a->id[GR_LEVEL_GRID]);
    default: return GR_OK;
    }
}

enum gr_err gr_store_insert(struct gr_store *st, const struct gr_kind *k, int64_t id,
                            const struct gr_value *vals, int64_t *out_id, struct gr_verr *ve)
{
    struct gr_anc anc;
    enum gr_level parent_level;
    enum gr_err e = check_refs(st, k, vals, ve);
    if (!e)
        e = derive_anc(st, k, vals, &anc, &parent_level, ve);
    if (e)
        return e;
    int depth = 0;
    if (k->id == GR_K_NODES) {
        int li = gr_kind_field(k, "level", 5);
        depth = gr_level_parse(vals[li].s, vals[li].len);
        if (depth != (int)parent_level + 1 && !(depth == GR_LEVEL_CITY && !parent_level))
            return verr(ve, "level", "must be one below the parent's level", GR_EINVAL);
    }

    sqlite3_stmt *q = st->ins[k->id];
    if (!q) {
        struct gr_buf b;
        gr_buf_init(&b, 4096);
        gr_buf_printf(&b, "INSERT INTO %s (id", k->name);
        for (size_t i = 0; i < k->n_fields; i++)
            gr_buf_printf(&b, ", %s", k->fields[i].name);
        for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
            if (anc_col_separate(k, l))
                gr_buf_printf(&b, ", %s", anc_cols[l]);
        gr_buf_adds(&b, k->id == GR_K_NODES ? ", depth, updated_at) VALUES (?"
                                            : ", updated_at) VALUES (?");
        for (size_t i = 0; i < k->n_fields; i++)
            gr_buf_adds(&b, ", ?");
        for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
            if (anc_col_separate(k, l))
                gr_buf_adds(&b, ", ?");
        gr_buf_adds(&b, k->id == GR_K_NODES ? ", ?, ?)" : ", ?)");
        int rc = sqlite3_prepare_v3(st->db, b.data, -1, SQLITE_PREPARE_PERSISTENT, &q, NULL);
        gr_buf_cleanup(&b);
        if (rc != SQLITE_OK)
            return gr_sq_err(st, rc);
        st->ins[k->id] = q;
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);

    int at = 1;
    if (id > 0)
        sqlite3_bind_int64(q, at, id);
    at++;
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct gr_field *f = &k->fields[i];
        if (f->flags & GR_FF_DERIVED) {
            sqlite3_bind_int(q, at++, 0);
            continue;
        }
        bind_value(q, at++, f, &vals[i]);
    }
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++) {
        if (!anc_col_separate(k, l))
            continue;
        if (anc.id[l])
            sqlite3_bind_int64(q, at, anc.id[l]);
        at++;
    }
    if (k->id == GR_K_NODES)
        sqlite3_bind_int(q, at++, depth);
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_text(q, at, now, -1, SQLITE_TRANSIENT);
    if ((e = step_write(st, q, k, ve)))
        return e;
    int64_t new_id = sqlite3_last_insert_rowid(st->db);
    sqlite3_reset(q);
    if (out_id)
        *out_id = new_id;

    if (k->id == GR_K_NODES) {
        /* A node is its own ancestor at its level. */
        char sql[96];
        snprintf(sql, sizeof(sql), "UPDATE nodes SET %s = ? WHERE id = ?", anc_cols[depth]);
        sqlite3_stmt *u = gr_sq_prepare(st, sql);
        if (!u)
            return GR_EDB;
        sqlite3_bind_int64(u, 1, new_id);
        sqlite3_bind_int64(u, 2, new_id);
        int rc = sqlite3_step(u);
        sqlite3_reset(u);
        if (rc != SQLITE_DONE)
            return gr_sq_err(st, rc);
        anc.id[depth] = new_id;
        /* A new grid or community gets its rows of counters (zeros). */
        if (depth >= GR_LEVEL_COMMUNITY && !st->bulk)
            return gr_store_recount(st, (enum gr_level)depth, new_id);
        if (depth >= GR_LEVEL_COMMUNITY)
            gr_sq_touch(st, &anc);
        return GR_OK;
    }
    return after_write(st, k, &anc);
}

enum gr_err gr_store_update(struct gr_store *st, const struct gr_kind *k, int64_t id,
                            const struct gr_value *vals, struct gr_verr *ve)
{
    struct gr_anc anc;
    enum gr_err e = gr_store_anc(st, k, id, &anc);
    if (e)
        return e;
    if ((e = check_refs(st, k, vals, ve)))
        return e;
    struct gr_buf b;
    gr_buf_init(&b, 4096);
    gr_buf_printf(&b, "UPDATE %s SET updated_at = ?", k->name);
    for (size_t i = 0; i < k->n_fields; i++)
        if (vals[i].present && !(k->fields[i].flags & GR_FF_DERIVED))
            gr_buf_printf(&b, ", %s = ?", k->fields[i].name);
    gr_buf_adds(&b, " WHERE id = ?");
    sqlite3_stmt *q = gr_sq_prepare(st, b.data);
    gr_buf_cleanup(&b);
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    int at = 1;
    sqlite3_bind_text(q, at++, now, -1, SQLITE_TRANSIENT);
    for (size_t i = 0; i < k->n_fields; i++)
        if (vals[i].present && !(k->fields[i].flags & GR_FF_DERIVED))
            bind_value(q, at++, &k->fields[i], &vals[i]);
    sqlite3_bind_int64(q, at, id);
    if ((e = step_write(st, q, k, ve)))
        return e;
    sqlite3_reset(q);
    return after_write(st, k, &anc);
}

enum gr_err gr_store_delete(struct gr_store *st, const struct gr_kind *k, int64_t id)
{
    struct gr_anc anc;
    enum gr_err e = gr_store_anc(st, k, id, &anc);
    if (e)
        return e;
    /* A grid's counters row refers to it: both go, or neither (a savepoint works inside
     * and outside the caller's transaction). */
    if (sqlite3_exec(st->db, "SAVEPOINT gr_delete", NULL, NULL, NULL) != SQLITE_OK)
        return gr_sq_err(st, sqlite3_errcode(st->db));
    if (k->id == GR_K_NODES) {
        static const char *const rows[] = {"DELETE FROM grid_stats WHERE grid_id = ?",
                                           "DELETE FROM community_stats WHERE community_id = ?"};
        for (int i = 0; i < 2; i++) {
            sqlite3_stmt *g = gr_sq_prepare(st, rows[i]);
            if (!g) {
                e = GR_EDB;
                goto out;
            }
            sqlite3_bind_int64(g, 1, id);
            int rc = sqlite3_step(g);
            sqlite3_reset(g);
            if (rc != SQLITE_DONE) {
                e = gr_sq_err(st, rc);
                goto out;
            }
        }
    }
    char sql[128];
    snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ?", k->name);
    sqlite3_stmt *q = gr_sq_prepare(st, sql);
    if (!q) {
        e = GR_EDB;
        goto out;
    }
    sqlite3_bind_int64(q, 1, id);
    if ((e = step_write(st, q, k, NULL)))
        goto out;
    sqlite3_reset(q);
    memset(&st->anc_cache[k->id], 0, sizeof(st->anc_cache[k->id]));
    if (k->id != GR_K_NODES)
        e = after_write(st, k, &anc);
    else if (anc.id[GR_LEVEL_GRID] == id && !st->bulk)
        e = gr_store_recount(st, GR_LEVEL_COMMUNITY, anc.id[GR_LEVEL_COMMUNITY]);
out:
    if (e)
        sqlite3_exec(st->db, "ROLLBACK TO gr_delete", NULL, NULL, NULL);
    sqlite3_exec(st->db, "RELEASE gr_delete", NULL, NULL, NULL);
    return e;
}

enum gr_err gr_store_get(struct gr_store *st, const struct gr_kind *k, int64_t id,
                         struct gr_row *row)
{
    struct gr_buf b;
    gr_buf_init(&b, 4096);
    select_cols(&b, k);
    gr_buf_adds(&b, " WHERE id = ?");
    sqlite3_stmt *q = gr_sq_prepare(st, b.data);
    gr_buf_cleanup(&b);
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return GR_ENOTFOUND;
    if (rc != SQLITE_ROW)
        return gr_sq_err(st, rc);
    read_row(st, q, k, row);
    /* Keep copies of the text and close the read, so that no snapshot outlives the call. */
    for (size_t i = 0; i < k->n_fields; i++)
        if (st->vals[i].s)
            st->vals[i].s = gr_sq_keep(st, st->vals[i].s, st->vals[i].len);
    row->updated_at =
        gr_sq_keep(st, row->updated_at, row->updated_at ? strlen(row->updated_at) : 0);
    sqlite3_reset(q);
    return GR_OK;
}

/* Append " AND (...)" restricting to the query's scopes. Returns false when the query
 * can match nothing (no scopes and not all). */
static bool add_scope(struct gr_buf *b, const struct gr_query *q)
{
    if (q->all)
        return true;
    if (q->n_scopes == 0)
        return false;
    gr_buf_adds(b, " AND (");
    for (size_t i = 0; i < q->n_scopes; i++)
        gr_buf_printf(b, "%s%s = ?", i ? " OR " : "", anc_cols[q->scopes[i].level]);
    gr_buf_adds(b, ")");
    return true;
}

static void escape_like(struct gr_buf *b, const char *s, size_t n)
{
    gr_buf_addc(b, '%');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            gr_buf_addc(b, '\\');
        gr_buf_addc(b, s[i]);
    }
    gr_buf_addc(b, '%');
}

enum gr_err gr_store_list(struct gr_store *st, const struct gr_kind *k, const struct gr_query *qy,
                          gr_row_fn fn, void *ctx, bool *more)
{
    *more = false;
    struct gr_buf b;
    gr_buf_init(&b, 16384);
    select_cols(&b, k);
    gr_buf_adds(&b, " WHERE id > ?");
    if (!add_scope(&b, qy)) {
        gr_buf_cleanup(&b);
        return GR_OK;
    }
    if (qy->under.id)
        gr_buf_printf(&b, " AND %s = ?", anc_cols[qy->under.level]);
    for (size_t i = 0; i < qy->n_filters; i++) {
        const struct gr_value *v = &qy->filter_value[i];
        gr_buf_printf(&b, " AND %s %s", k->fields[qy->filter_field[i]].name,
                      v->null ? "IS NULL" : "= ?");
    }
    bool searching = false;
    if (qy->q && qy->q_len) {
        bool first = true;
        for (size_t i = 0; i < k->n_fields; i++) {
            const struct gr_field *f = &k->fields[i];
            if (!(f->flags & GR_FF_SEARCH) || ((f->flags & GR_FF_PERSONAL) && !qy->search_personal))
                continue;
            gr_buf_printf(&b, "%s%s LIKE ? ESCAPE '\\'", first ? " AND (" : " OR ", f->name);
            first = false;
        }
        if (!first) {
            gr_buf_adds(&b, ")");
            searching = true;
        } else {
            gr_buf_adds(&b, " AND 0"); /* nothing the caller may search: nothing matches */
        }
    }
    gr_buf_adds(&b, " ORDER BY id LIMIT ?");
    sqlite3_stmt *q = gr_sq_prepare(st, b.data);
    gr_buf_cleanup(&b);
    if (!q)
        return GR_EDB;

    int at = 1;
    sqlite3_bind_int64(q, at++, qy->after);
    if (!qy->all)
        for (size_t i = 0; i < qy->n_scopes; i++)
            sqlite3_bind_int64(q, at++, qy->scopes[i].id);
    if (qy->under.id)
        sqlite3_bind_int64(q, at++, qy->under.id);
    for (size_t i = 0; i < qy->n_filters; i++)
        if (!qy->filter_value[i].null)
            bind_value(q, at++, &k->fields[qy->filter_field[i]], &qy->filter_value[i]);
    if (searching) {
        struct gr_buf pat;
        gr_buf_init(&pat, 1024);
        escape_like(&pat, qy->q, qy->q_len);
        for (size_t i = 0; i < k->n_fields; i++) {
            const struct gr_field *f = &k->fields[i];
            if (!(f->flags & GR_FF_SEARCH) || ((f->flags & GR_FF_PERSONAL) && !qy->search_personal))
                continue;
            sqlite3_bind_text(q, at++, pat.data, (int)pat.len, SQLITE_TRANSIENT);
        }
        gr_buf_cleanup(&pat);
    }
    int limit = qy->limit > 0 ? qy->limit : 50;
    sqlite3_bind_int(q, at, limit + 1);

    int n = 0, rc;
    enum gr_err e = GR_OK;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        struct gr_row row;
        read_row(st, q, k, &row);
        if (fn(ctx, &row))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        e = gr_sq_err(st, rc);
    sqlite3_reset(q);
    return e;
}
