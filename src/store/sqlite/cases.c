/*
 * cases.c - the responsibility list, the working calendar, cases and their events,
 * summoned departments, photos, notifications, Open311 keys and the figures' rollups.
 *
 * Every change of a case goes through gr_store_case_update: the row (if nobody changed it
 * meanwhile), its event, the rollup deltas and the notices, in the caller's transaction.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/calendar.h"
#include "../../core/case.h"
#include "../../core/figures.h"
#include "../../core/matter.h"
#include "store_int.h"

/* A text column copied into the store's arena (valid until gr_store_release). */
static const char *keep(struct gr_store *st, sqlite3_stmt *q, int c)
{
    const char *s = gr_sq_text(q, c);
    return s ? gr_sq_keep(st, s, (size_t)sqlite3_column_bytes(q, c)) : NULL;
}

static const char *const anc_cols[GR_N_LEVELS + 1] = {NULL,        "city_id",      "district_id",
                                                      "street_id", "community_id", "grid_id"};

/* ---- categories and power types ---- */

enum gr_err gr_store_category_put(struct gr_store *st, const struct gr_category_row *c)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO categories(code, parent_code, kind, name, "
                                        "name_en) VALUES (?, ?, ?, ?, ?) ON CONFLICT(code) DO "
                                        "UPDATE SET parent_code = excluded.parent_code, kind = "
                                        "excluded.kind, name = excluded.name, name_en = "
                                        "excluded.name_en");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, c->code);
    gr_sq_bind_text(q, 2, c->parent);
    gr_sq_bind_text(q, 3, c->kind);
    gr_sq_bind_text(q, 4, c->name);
    gr_sq_bind_text(q, 5, c->name_en);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_categories(struct gr_store *st, gr_category_fn fn, void *ctx)
{
    sqlite3_stmt *q =
        gr_sq_prepare(st, "SELECT code, parent_code, kind, name, name_en FROM categories "
                          "ORDER BY code");
    if (!q)
        return GR_EDB;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_category_row c = {gr_sq_text(q, 0), gr_sq_text(q, 1), gr_sq_text(q, 2),
                                    gr_sq_text(q, 3), gr_sq_text(q, 4)};
        if (fn(ctx, &c))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_power_type_put(struct gr_store *st, const char *code, const char *name,
                                    const char *name_en, int ord)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO power_types(code, name, name_en, ord) "
                                        "VALUES (?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET "
                                        "name = excluded.name, name_en = excluded.name_en, "
                                        "ord = excluded.ord");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, code);
    gr_sq_bind_text(q, 2, name);
    gr_sq_bind_text(q, 3, name_en);
    sqlite3_bind_int(q, 4, ord);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_power_types(struct gr_store *st, gr_power_type_fn fn, void *ctx)
{
    sqlite3_stmt *q =
        gr_sq_prepare(st, "SELECT code, name, name_en FROM power_types ORDER BY ord, code");
    if (!q)
        return GR_EDB;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (fn(ctx, gr_sq_text(q, 0), gr_sq_text(q, 1), gr_sq_text(q, 2)))
            break;
    return gr_sq_each_end(st, q, rc);
}

/* ---- the responsibility list ---- */

enum gr_err gr_store_matter_draft(struct gr_store *st, int *version)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT version FROM matter_lists WHERE status = 'draft'");
    if (!q)
        return GR_EDB;
    enum gr_err e = gr_sq_row(st, q);
    if (!e) {
        *version = sqlite3_column_int(q, 0);
        sqlite3_reset(q);
        return GR_OK;
    }
    if (e != GR_ENOTFOUND)
        return e;
    q = gr_sq_prepare(st, "SELECT coalesce(max(version), 0) FROM matter_lists");
    if (!q || (e = gr_sq_row(st, q)))
        return q ? e : GR_EDB;
    int last = sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    q = gr_sq_prepare(st, "INSERT INTO matter_lists(version, status) VALUES (?, 'draft')");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, last + 1);
    if ((e = gr_sq_done(st, q)))
        return e;
    q = gr_sq_prepare(st, "INSERT INTO matters SELECT ?, code, name, category_code, power_type, "
                          "list_kind, governance, owner_level, owner_dept, co_depts, "
                          "legal_basis, respond_limit, respond_unit, resolve_limit, "
                          "resolve_unit, urgent FROM matters WHERE version = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, last + 1);
    sqlite3_bind_int(q, 2, last);
    if ((e = gr_sq_done(st, q)))
        return e;
    *version = last + 1;
    return GR_OK;
}

enum gr_err gr_store_matter_lists(struct gr_store *st, gr_matter_list_fn fn, void *ctx)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT l.version, l.status, l.effective_at, l.published_at, l.published_by, "
            "(SELECT count(*) FROM matters m WHERE m.version = l.version) FROM matter_lists l "
            "ORDER BY l.version DESC");
    if (!q)
        return GR_EDB;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_matter_list l = {sqlite3_column_int(q, 0),   gr_sq_text(q, 1),
                                   sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3),
                                   sqlite3_column_int64(q, 4), sqlite3_column_int64(q, 5)};
        if (fn(ctx, &l))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_matter_publish(struct gr_store *st, int version, int64_t effective_at,
                                    int64_t by)
{
    sqlite3_stmt *q =
        gr_sq_prepare(st, "SELECT status, (SELECT count(*) FROM matters WHERE version = ?1) FROM "
                          "matter_lists WHERE version = ?1");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, version);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    bool draft = strcmp(gr_sq_text(q, 0), "draft") == 0;
    int64_t n = sqlite3_column_int64(q, 1);
    sqlite3_reset(q);
    if (!draft)
        return GR_ECONFLICT;
    if (n == 0)
        return GR_EINVAL;
    q = gr_sq_prepare(st, "UPDATE matter_lists SET status = 'published', effective_at = ?, "
                          "published_at = ?, published_by = ? WHERE version = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, effective_at);
    sqlite3_bind_int64(q, 2, (int64_t)time(NULL));
    gr_sq_bind_id(q, 3, by);
    sqlite3_bind_int(q, 4, version);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_matter_current(struct gr_store *st, int64_t now, int *version)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT version FROM matter_lists WHERE status = "
                                        "'published' AND effective_at <= ? ORDER BY version "
                                        "DESC LIMIT 1");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, now);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    *version = sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    return GR_OK;
}

static const char *level_name_or_null(enum gr_level l)
{
    return l == GR_LEVEL_NONE ? NULL : gr_level_name(l);
}

enum gr_err gr_store_matter_put(struct gr_store *st, int version, const struct gr_matter *m,
                                const char **field)
{
    *field = NULL;
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT status FROM matter_lists WHERE version = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, version);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    bool draft = strcmp(gr_sq_text(q, 0), "draft") == 0;
    sqlite3_reset(q);
    if (!draft)
        return GR_ECONFLICT;
    q = gr_sq_prepare(st, "SELECT (SELECT count(*) FROM categories WHERE code = ? AND "
                          "parent_code IS NOT NULL), (SELECT count(*) FROM power_types WHERE "
                          "code = ?)");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, m->category);
    gr_sq_bind_text(q, 2, m->power_type);
    if ((e = gr_sq_row(st, q)))
        return e;
    bool cat = sqlite3_column_int(q, 0) > 0, pt = sqlite3_column_int(q, 1) > 0;
    sqlite3_reset(q);
    if (!cat || !pt) {
        *field = !cat ? "category" : "power_type";
        return GR_ENOTFOUND;
    }
    char co[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < m->n_co && i < GR_MATTER_MAX_CO; i++) {
        int w = snprintf(co + len, sizeof(co) - len, "%s%s", i ? "|" : "", m->co_depts[i]);
        if (w < 0 || (size_t)w >= sizeof(co) - len)
            return GR_EINVAL;
        len += (size_t)w;
    }
    q = gr_sq_prepare(st, "INSERT OR REPLACE INTO matters(version, code, name, category_code, "
                          "power_type, list_kind, governance, owner_level, owner_dept, "
                          "co_depts, legal_basis, respond_limit, respond_unit, resolve_limit, "
                          "resolve_unit, urgent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                          "?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, version);
    gr_sq_bind_text(q, 2, m->code);
    gr_sq_bind_text(q, 3, m->name);
    gr_sq_bind_text(q, 4, m->category);
    gr_sq_bind_text(q, 5, m->power_type);
    gr_sq_bind_text(q, 6, gr_list_kind_name(m->list_kind));
    gr_sq_bind_text(q, 7, gr_governance_name(m->governance));
    gr_sq_bind_text(q, 8, level_name_or_null(m->owner_level));
    gr_sq_bind_text(q, 9, m->owner_dept);
    gr_sq_bind_text(q, 10, len ? co : NULL);
    gr_sq_bind_text(q, 11, m->legal_basis);
    sqlite3_bind_int(q, 12, m->respond_limit);
    gr_sq_bind_text(q, 13, gr_time_unit_name(m->respond_unit));
    sqlite3_bind_int(q, 14, m->resolve_limit);
    gr_sq_bind_text(q, 15, gr_time_unit_name(m->resolve_unit));
    sqlite3_bind_int(q, 16, m->urgent);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_matter_delete(struct gr_store *st, int version, const char *code)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "DELETE FROM matters WHERE version = ? AND code = ? AND "
                                        "version IN (SELECT version FROM matter_lists WHERE "
                                        "status = 'draft')");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, version);
    gr_sq_bind_text(q, 2, code);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    return sqlite3_changes(st->db) ? GR_OK : GR_ENOTFOUND;
}

#define MATTER_COLS                                                                                \
    "code, name, category_code, power_type, list_kind, governance, owner_level, owner_dept, "      \
    "co_depts, legal_basis, respond_limit, respond_unit, resolve_limit, resolve_unit, urgent"

/* Read a matter row; texts are copied into the arena so that they outlive the statement. */
static void read_matter(struct gr_store *st, sqlite3_stmt *q, struct gr_matter *m)
{
    memset(m, 0, sizeof(*m));
    m->code = keep(st, q, 0);
    m->name = keep(st, q, 1);
    m->category = keep(st, q, 2);
    m->power_type = keep(st, q, 3);
    m->list_kind = gr_list_kind_parse(gr_sq_text(q, 4));
    m->governance = gr_governance_parse(gr_sq_text(q, 5));
    const char *lv = gr_sq_text(q, 6);
    m->owner_level = lv ? gr_level_parse(lv, strlen(lv)) : GR_LEVEL_NONE;
    m->owner_dept = keep(st, q, 7);
    char *co = (char *)keep(st, q, 8);
    for (char *p = co; p && *p && m->n_co < GR_MATTER_MAX_CO;) {
        m->co_depts[m->n_co++] = p;
        char *bar = strchr(p, '|');
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    m->legal_basis = keep(st, q, 9);
    m->respond_limit = sqlite3_column_int(q, 10);
    m->respond_unit = gr_time_unit_parse(gr_sq_text(q, 11));
    m->resolve_limit = sqlite3_column_int(q, 12);
    m->resolve_unit = gr_time_unit_parse(gr_sq_text(q, 13));
    m->urgent = sqlite3_column_int(q, 14) != 0;
}

enum gr_err gr_store_matter_get(struct gr_store *st, int version, const char *code,
                                struct gr_matter *m)
{
    sqlite3_stmt *q =
        gr_sq_prepare(st, "SELECT " MATTER_COLS " FROM matters WHERE version = ? AND code = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, version);
    gr_sq_bind_text(q, 2, code);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    read_matter(st, q, m);
    sqlite3_reset(q);
    return GR_OK;
}

enum gr_err gr_store_matters(struct gr_store *st, int version, const char *after, int limit,
                             gr_matter_fn fn, void *ctx, bool *more)
{
    *more = false;
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT " MATTER_COLS " FROM matters WHERE version = ? "
                                        "AND code > ? ORDER BY code LIMIT ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, version);
    sqlite3_bind_text(q, 2, after ? after : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 3, limit + 1);
    int rc, n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        struct gr_matter m;
        read_matter(st, q, &m);
        if (fn(ctx, &m))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

/* ---- the working calendar ---- */

struct cal_cache {
    struct gr_calendar cal;
    struct gr_cal_day *days;
    char *names;
};

void gr_sq_calendar_free(struct gr_store *st)
{
    struct cal_cache *c = (struct cal_cache *)st->cal;
    if (!c)
        return;
    free(c->days);
    free(c->names);
    free(c);
    st->cal = NULL;
}

/* "08:30-12:00,14:00-17:30" into the calendar's periods. */
static bool parse_periods(const char *s, struct gr_calendar *c)
{
    c->n_periods = 0;
    while (s && *s) {
        int h1, m1, h2, m2, used = 0;
        if (c->n_periods == GR_CAL_MAX_PERIODS ||
            sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &used) != 4)
            return false;
        c->period_start[c->n_periods] = h1 * 60 + m1;
        c->period_end[c->n_periods] = h2 * 60 + m2;
        c->n_periods++;
        s += used;
        if (*s == ',')
            s++;
        else if (*s)
            return false;
    }
    return c->n_periods > 0;
}

static enum gr_err calendar_load(struct gr_store *st, struct cal_cache *c)
{
    gr_cal_default(&c->cal);
    char *periods = NULL;
    enum gr_err e = gr_store_setting_get(st, "work_periods", &periods);
    if (e && e != GR_ENOTFOUND)
        return e;
    if (periods && !parse_periods(periods, &c->cal))
        gr_cal_default(&c->cal); /* checked when set; a hand-edited value falls back */
    free(periods);
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT day, kind, name FROM calendar_days ORDER BY day");
    if (!q)
        return GR_EDB;
    size_t cap = 64, n = 0, names_len = 0, names_cap = 4096;
    c->days = malloc(cap * sizeof(*c->days));
    c->names = malloc(names_cap);
    size_t *name_at = malloc(cap * sizeof(size_t));
    if (!c->days || !c->names || !name_at) {
        free(name_at);
        sqlite3_reset(q);
        return GR_EINTERNAL;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        gr_ymd d;
        if (!gr_ymd_parse(gr_sq_text(q, 0), &d))
            continue;
        if (n == cap) {
            cap *= 2;
            void *a = realloc(c->days, cap * sizeof(*c->days));
            void *b = realloc(name_at, cap * sizeof(size_t));
            if (!a || !b) {
                free(a ? a : c->days);
                free(b ? b : name_at);
                c->days = NULL;
                sqlite3_reset(q);
                return GR_EINTERNAL;
            }
            c->days = a;
            name_at = b;
        }
        const char *name = gr_sq_text(q, 2);
        size_t len = name ? strlen(name) + 1 : 0;
        if (names_len + len > names_cap) {
            names_cap = (names_len + len) * 2;
            char *p = realloc(c->names, names_cap);
            if (!p) {
                free(name_at);
                sqlite3_reset(q);
                return GR_EINTERNAL;
            }
            c->names = p;
        }
        name_at[n] = name ? names_len : (size_t)-1;
        if (name) {
            memcpy(c->names + names_len, name, len);
            names_len += len;
        }
        c->days[n].ymd = d;
        c->days[n].kind =
            strcmp(gr_sq_text(q, 1), "workday") == 0 ? GR_DAY_WORKDAY : GR_DAY_HOLIDAY;
        n++;
    }
    sqlite3_reset(q);
    for (size_t i = 0; i < n; i++)
        c->days[i].name = name_at[i] == (size_t)-1 ? NULL : c->names + name_at[i];
    free(name_at);
    c->cal.days = c->days;
    c->cal.n_days = n;
    return (rc == SQLITE_DONE) ? GR_OK : gr_sq_err(st, rc);
}

/* A change of the calendar: this connection reads it again at once, the others once the
 * change is committed. */
static void calendar_changed(struct gr_store *st)
{
    gr_sq_calendar_free(st);
    gr_sq_changed(st, GR_GEN_CALENDAR);
}

enum gr_err gr_store_calendar(struct gr_store *st, const struct gr_calendar **cal)
{
    uint64_t gen = gr_sq_generation(GR_GEN_CALENDAR);
    if (st->cal && st->cal_gen == gen) {
        *cal = st->cal;
        return GR_OK;
    }
    gr_sq_calendar_free(st);
    struct cal_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return GR_EINTERNAL;
    enum gr_err e = calendar_load(st, c);
    if (e) {
        free(c->days);
        free(c->names);
        free(c);
        return e;
    }
    st->cal = &c->cal; /* the first member: the cache itself */
    st->cal_gen = gen;
    *cal = st->cal;
    return GR_OK;
}

enum gr_err gr_store_calendar_day_set(struct gr_store *st, const char *day, const char *kind,
                                      const char *name)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT OR REPLACE INTO calendar_days(day, kind, name) "
                                        "VALUES (?, ?, ?)");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, day);
    gr_sq_bind_text(q, 2, kind);
    gr_sq_bind_text(q, 3, name);
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        calendar_changed(st);
    return e;
}

enum gr_err gr_store_calendar_day_delete(struct gr_store *st, const char *day)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "DELETE FROM calendar_days WHERE day = ?");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, day);
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        calendar_changed(st);
    return e;
}

/* ---- the rollups ---- */

static void facts_of(const struct gr_case *c, struct gr_case_facts *f)
{
    memset(f, 0, sizeof(*f));
    if (!c)
        return;
    enum gr_cstatus s = gr_cstatus_parse(c->status);
    f->exists = true;
    f->open = gr_case_open(s);
    f->rejected = s == GR_CS_REJECTED;
    f->merged = s == GR_CS_MERGED;
    f->closed = s == GR_CS_CLOSED;
    f->created_at = c->created_at;
    f->accepted_at = c->accepted_at;
    f->responded_at = c->responded_at;
    f->resolved_at = c->resolved_at;
    f->closed_at = c->closed_at;
    f->respond_due = c->respond_due;
    f->promised_due = c->first_due;
    f->overdue = c->was_overdue;
    f->rated = c->rated_at != 0;
    f->resolved_answer = gr_resolved_parse(c->rated_resolved);
    f->satisfaction_answer = gr_satisfaction_parse(c->rated_satisfaction);
    f->reworks = c->reworks;
    f->extensions = c->extensions;
    f->escalations = c->escalations;
    f->reopens = c->reopens;
}

#define MAX_SUBJECTS 8

struct subjects {
    size_t n;
    char key[MAX_SUBJECTS][40];
};

static void subjects_of(const struct gr_case *c, struct subjects *s)
{
    s->n = 0;
    if (!c)
        return;
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        if (c->anc.id[l])
            snprintf(s->key[s->n++], sizeof(s->key[0]), "n:%lld", (long long)c->anc.id[l]);
    snprintf(s->key[s->n++], sizeof(s->key[0]), "m:%s", c->matter_code ? c->matter_code : "");
    if (c->owner_org_id)
        snprintf(s->key[s->n++], sizeof(s->key[0]), "o:%lld", (long long)c->owner_org_id);
}

static bool any_nonzero(const int64_t *d)
{
    for (int i = 0; i < GR_N_FIGS; i++)
        if (d[i])
            return true;
    return false;
}

/* Add d to the row of (subject, day). An UPDATE naming only the counters that change (a
 * new case changes two of the 22; its text, one per set of counters, is a cached
 * statement like any other), and an INSERT when the row is new: about half the work of
 * an upsert, which looks the row up twice and rewrites every counter. */
static enum gr_err stats_upsert(struct gr_store *st, const char *subject, const char *day,
                                const int64_t *d)
{
    char sql[1024];
    size_t len = (size_t)snprintf(sql, sizeof(sql), "UPDATE case_stats SET ");
    int n = 0;
    for (int i = 0; i < GR_N_FIGS; i++) {
        if (!d[i])
            continue;
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s%s = %s + ?%d", n ? ", " : "",
                                gr_fig_names[i], gr_fig_names[i], n + 3);
        n++;
    }
    if (!n)
        return GR_OK;
    snprintf(sql + len, sizeof(sql) - len, " WHERE subject = ?1 AND day = ?2");
    sqlite3_stmt *q = gr_sq_prepare(st, sql);
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, subject);
    gr_sq_bind_text(q, 2, day);
    for (int i = 0, at = 3; i < GR_N_FIGS; i++)
        if (d[i])
            sqlite3_bind_int64(q, at++, d[i]);
    enum gr_err e = gr_sq_done(st, q);
    if (e || sqlite3_changes(st->db) > 0)
        return e;
    q = gr_sq_prepare(
        st, "INSERT INTO case_stats(subject, day, total, accepted, rejected, merged, responded, "
            "responded_on_time, resolved, closed, closed_on_time, overdue_open, open, rated, "
            "rated_yes, rated_partly, rated_satisfied, rated_basic, reworks, reworked, "
            "extensions, escalations, reopens, handling_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, subject);
    gr_sq_bind_text(q, 2, day);
    for (int i = 0; i < GR_N_FIGS; i++)
        sqlite3_bind_int64(q, 3 + i, d[i]);
    return gr_sq_done(st, q);
}

/* Pending deltas: an open-addressing table per level (the transaction, and the current
 * savepoint), keyed by subject and day. A batch of cases in one district touches its
 * city, district and matter rows once instead of once per case. */
struct stat_entry {
    char subject[40];
    char day[11];
    bool used;
    int64_t v[GR_N_FIGS];
};

struct stats_level {
    struct stat_entry *e;
    size_t cap, n;
    size_t *used; /* the slots in use, in order of first use: cleared and walked in O(n) */
};

struct stats_pending {
    struct stats_level tx, sp;
    bool in_sp;
};

#define STATS_FLUSH_AT 65536 /* entries of the transaction's level before an early flush */

static uint64_t stat_hash(const char *subject, const char *day)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = subject; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (const char *p = day; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return h;
}

static bool level_grow(struct stats_level *l)
{
    size_t cap = l->cap ? l->cap * 2 : 256;
    struct stat_entry *e = calloc(cap, sizeof(*e));
    size_t *used = malloc(cap / 2 * sizeof(size_t));
    if (!e || !used) {
        free(e);
        free(used);
        return false;
    }
    for (size_t k = 0; k < l->n; k++) {
        struct stat_entry *x = &l->e[l->used[k]];
        size_t at = stat_hash(x->subject, x->day) & (cap - 1);
        while (e[at].used)
            at = (at + 1) & (cap - 1);
        e[at] = *x;
        used[k] = at;
    }
    free(l->e);
    free(l->used);
    l->e = e;
    l->used = used;
    l->cap = cap;
    return true;
}

static bool level_add(struct stats_level *l, const char *subject, const char *day, const int64_t *d)
{
    if ((l->n + 1) * 2 > l->cap && !level_grow(l))
        return false;
    size_t at = stat_hash(subject, day) & (l->cap - 1);
    while (l->e[at].used &&
           (strcmp(l->e[at].subject, subject) != 0 || strcmp(l->e[at].day, day) != 0))
        at = (at + 1) & (l->cap - 1);
    struct stat_entry *x = &l->e[at];
    if (!x->used) {
        x->used = true;
        snprintf(x->subject, sizeof(x->subject), "%s", subject);
        snprintf(x->day, sizeof(x->day), "%s", day);
        memset(x->v, 0, sizeof(x->v));
        l->used[l->n++] = at;
    }
    for (int i = 0; i < GR_N_FIGS; i++)
        x->v[i] += d[i];
    return true;
}

/* Empty the level, keeping its memory for the next transaction or savepoint. */
static void level_clear(struct stats_level *l)
{
    for (size_t k = 0; k < l->n; k++)
        l->e[l->used[k]].used = false;
    l->n = 0;
}

static void level_free(struct stats_level *l)
{
    free(l->e);
    free(l->used);
    memset(l, 0, sizeof(*l));
}

static enum gr_err level_flush(struct gr_store *st, struct stats_level *l)
{
    enum gr_err e = GR_OK;
    for (size_t k = 0; k < l->n && !e; k++) {
        struct stat_entry *x = &l->e[l->used[k]];
        e = stats_upsert(st, x->subject, x->day, x->v);
    }
    level_clear(l);
    return e;
}

enum gr_err gr_sq_stats_flush(struct gr_store *st)
{
    if (!st->stats)
        return GR_OK;
    enum gr_err e = level_flush(st, &st->stats->tx);
    level_clear(&st->stats->sp);
    st->stats->in_sp = false;
    return e;
}

void gr_sq_stats_discard(struct gr_store *st)
{
    if (!st->stats)
        return;
    level_clear(&st->stats->tx);
    level_clear(&st->stats->sp);
    st->stats->in_sp = false;
}

void gr_sq_stats_free(struct gr_store *st)
{
    if (!st->stats)
        return;
    level_free(&st->stats->tx);
    level_free(&st->stats->sp);
    free(st->stats);
    st->stats = NULL;
}

void gr_sq_stats_savepoint(struct gr_store *st, bool begin, bool keep)
{
    if (!st->stats && begin)
        st->stats = calloc(1, sizeof(*st->stats)); /* NULL: stats_add fails the write */
    struct stats_pending *p = st->stats;
    if (!p)
        return;
    if (!begin && keep)
        for (size_t k = 0; k < p->sp.n; k++) {
            struct stat_entry *x = &p->sp.e[p->sp.used[k]];
            level_add(&p->tx, x->subject, x->day, x->v);
        }
    level_clear(&p->sp);
    p->in_sp = begin;
}

/* Add a delta: summed in memory inside a transaction, written at once outside one. */
static enum gr_err stats_add(struct gr_store *st, const char *subject, const char *day,
                             const int64_t *d)
{
    if (!any_nonzero(d))
        return GR_OK;
    if (st->depth == 0)
        return stats_upsert(st, subject, day, d);
    if (!st->stats && (st->depth > 1 || !(st->stats = calloc(1, sizeof(*st->stats)))))
        return GR_EINTERNAL; /* no table, and a savepoint may be open: refuse */
    struct stats_pending *p = st->stats;
    if (!p->in_sp && p->tx.n >= STATS_FLUSH_AT) {
        enum gr_err e = level_flush(st, &p->tx);
        if (e)
            return e;
    }
    return level_add(p->in_sp ? &p->sp : &p->tx, subject, day, d) ? GR_OK : GR_EINTERNAL;
}

/* Add contribution(after) − contribution(before) to every subject of either. */
static enum gr_err stats_apply(struct gr_store *st, const struct gr_case *before,
                               const struct gr_case *after)
{
    struct gr_case_facts fb, fa;
    int64_t cb[GR_N_FIGS], ca[GR_N_FIGS], d[GR_N_FIGS];
    facts_of(before, &fb);
    facts_of(after, &fa);
    gr_fig_contribution(&fb, cb);
    gr_fig_contribution(&fa, ca);
    struct subjects sb, sa;
    subjects_of(before, &sb);
    subjects_of(after, &sa);
    const char *day = after ? after->day : before->day;
    enum gr_err e = GR_OK;
    for (size_t i = 0; i < sa.n && !e; i++) {
        bool both = false;
        for (size_t j = 0; j < sb.n && !both; j++)
            both = strcmp(sa.key[i], sb.key[j]) == 0;
        for (int k = 0; k < GR_N_FIGS; k++)
            d[k] = ca[k] - (both ? cb[k] : 0);
        e = stats_add(st, sa.key[i], day, d);
    }
    for (size_t j = 0; j < sb.n && !e; j++) {
        bool both = false;
        for (size_t i = 0; i < sa.n && !both; i++)
            both = strcmp(sa.key[i], sb.key[j]) == 0;
        if (both)
            continue;
        for (int k = 0; k < GR_N_FIGS; k++)
            d[k] = -cb[k];
        e = stats_add(st, sb.key[j], day, d);
    }
    return e;
}

/* ---- cases ---- */

#define CASE_COLS                                                                                  \
    "id, status, channel, matter_version, matter_code, category_code, description, address, "      \
    "lat, lon, building_id, unit_id, city_id, district_id, street_id, community_id, grid_id, "     \
    "owner_level, owner_node_id, owner_org_id, requester_user_id, requester_name, "                \
    "requester_phone, requester_email, anonymous, urgent, api_key_id, token, created_at, "         \
    "updated_at, day, respond_due, resolve_due, first_due, accepted_at, dispatched_at, "           \
    "responded_at, resolved_at, closed_at, alarm, escalations, reworks, extensions, reopens, "     \
    "extension_asked, hold_review, merged_into, rated_resolved, rated_satisfaction, "              \
    "rated_comment, rated_at, public_note, was_overdue"
#define CASE_NCOLS 53

/* Read a case; with st, texts are copied into the arena (single reads), else they point
 * into the statement (listing callbacks). */
static void read_case(struct gr_store *st, sqlite3_stmt *q, struct gr_case *c)
{
#define T(i) (st ? keep(st, q, (i)) : gr_sq_text(q, (i)))
#define I(i) sqlite3_column_int64(q, (i))
    memset(c, 0, sizeof(*c));
    c->id = I(0);
    c->status = T(1);
    c->channel = T(2);
    c->matter_version = (int)I(3);
    c->matter_code = T(4);
    c->category_code = T(5);
    c->description = T(6);
    c->address = T(7);
    c->has_point = sqlite3_column_type(q, 8) != SQLITE_NULL;
    c->lat = sqlite3_column_double(q, 8);
    c->lon = sqlite3_column_double(q, 9);
    c->building_id = I(10);
    c->unit_id = I(11);
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        c->anc.id[l] = I(11 + l);
    c->owner_level = T(17);
    c->owner_node_id = I(18);
    c->owner_org_id = I(19);
    c->requester_user_id = I(20);
    c->requester_name = T(21);
    c->requester_phone = T(22);
    c->requester_email = T(23);
    c->anonymous = I(24) != 0;
    c->urgent = I(25) != 0;
    c->api_key_id = I(26);
    c->token = T(27);
    c->created_at = I(28);
    c->updated_at = I(29);
    c->day = T(30);
    c->respond_due = I(31);
    c->resolve_due = I(32);
    c->first_due = I(33);
    c->accepted_at = I(34);
    c->dispatched_at = I(35);
    c->responded_at = I(36);
    c->resolved_at = I(37);
    c->closed_at = I(38);
    c->alarm = (int)I(39);
    c->escalations = (int)I(40);
    c->reworks = (int)I(41);
    c->extensions = (int)I(42);
    c->reopens = (int)I(43);
    c->extension_asked = I(44);
    c->hold_review = T(45);
    c->merged_into = I(46);
    c->rated_resolved = T(47);
    c->rated_satisfaction = T(48);
    c->rated_comment = T(49);
    c->rated_at = I(50);
    c->public_note = T(51);
    c->was_overdue = I(52) != 0;
#undef T
#undef I
}

/* The columns written once, when the case is made (what it is about), and those its
 * workflow changes; an insert binds both, an update the second alone. */
#define FIXED_COLS                                                                                 \
    "channel, matter_version, matter_code, category_code, description, address, lat, lon, "        \
    "building_id, unit_id, city_id, district_id, street_id, community_id, grid_id, "               \
    "requester_user_id, requester_name, requester_phone, requester_email, anonymous, urgent, "     \
    "api_key_id, token, created_at, day"
#define WORK_COLS                                                                                  \
    "status, owner_level, owner_node_id, owner_org_id, updated_at, respond_due, resolve_due, "     \
    "first_due, accepted_at, dispatched_at, responded_at, resolved_at, closed_at, alarm, "         \
    "escalations, reworks, extensions, reopens, extension_asked, hold_review, merged_into, "       \
    "rated_resolved, rated_satisfaction, rated_comment, rated_at, public_note, was_overdue"
#define Q5 "?, ?, ?, ?, ?"
#define Q25 Q5 ", " Q5 ", " Q5 ", " Q5 ", " Q5
#define Q27 Q25 ", ?, ?"

static int bind_fixed(sqlite3_stmt *q, int at, const struct gr_case *c)
{
    gr_sq_bind_text(q, at++, c->channel);
    sqlite3_bind_int(q, at++, c->matter_version);
    gr_sq_bind_text(q, at++, c->matter_code);
    gr_sq_bind_text(q, at++, c->category_code);
    gr_sq_bind_text(q, at++, c->description);
    gr_sq_bind_text(q, at++, c->address);
    if (c->has_point) {
        sqlite3_bind_double(q, at++, c->lat);
        sqlite3_bind_double(q, at++, c->lon);
    } else {
        sqlite3_bind_null(q, at++);
        sqlite3_bind_null(q, at++);
    }
    gr_sq_bind_id(q, at++, c->building_id);
    gr_sq_bind_id(q, at++, c->unit_id);
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        gr_sq_bind_id(q, at++, c->anc.id[l]);
    gr_sq_bind_id(q, at++, c->requester_user_id);
    gr_sq_bind_text(q, at++, c->requester_name);
    gr_sq_bind_text(q, at++, c->requester_phone);
    gr_sq_bind_text(q, at++, c->requester_email);
    sqlite3_bind_int(q, at++, c->anonymous);
    sqlite3_bind_int(q, at++, c->urgent);
    gr_sq_bind_id(q, at++, c->api_key_id);
    gr_sq_bind_text(q, at++, c->token);
    sqlite3_bind_int64(q, at++, c->created_at);
    gr_sq_bind_text(q, at++, c->day);
    return at;
}

/* Bind the workflow's columns, in WORK_COLS order. */
static int bind_changes(sqlite3_stmt *q, int at, const struct gr_case *c)
{
    gr_sq_bind_text(q, at++, c->status);
    gr_sq_bind_text(q, at++, c->owner_level);
    sqlite3_bind_int64(q, at++, c->owner_node_id);
    gr_sq_bind_id(q, at++, c->owner_org_id);
    sqlite3_bind_int64(q, at++, c->updated_at);
    const int64_t moments[] = {c->respond_due,   c->resolve_due,  c->first_due,   c->accepted_at,
                               c->dispatched_at, c->responded_at, c->resolved_at, c->closed_at};
    for (size_t i = 0; i < sizeof(moments) / sizeof(moments[0]); i++)
        gr_sq_bind_id(q, at++, moments[i]);
    sqlite3_bind_int(q, at++, c->alarm);
    sqlite3_bind_int(q, at++, c->escalations);
    sqlite3_bind_int(q, at++, c->reworks);
    sqlite3_bind_int(q, at++, c->extensions);
    sqlite3_bind_int(q, at++, c->reopens);
    gr_sq_bind_id(q, at++, c->extension_asked);
    gr_sq_bind_text(q, at++, c->hold_review);
    gr_sq_bind_id(q, at++, c->merged_into);
    gr_sq_bind_text(q, at++, c->rated_resolved);
    gr_sq_bind_text(q, at++, c->rated_satisfaction);
    gr_sq_bind_text(q, at++, c->rated_comment);
    gr_sq_bind_id(q, at++, c->rated_at);
    gr_sq_bind_text(q, at++, c->public_note);
    sqlite3_bind_int(q, at++, c->was_overdue);
    return at;
}

static enum gr_err add_case_event(struct gr_store *st, int64_t case_id,
                                  const struct gr_case_event *ev)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO case_events(case_id, at, actor_user_id, "
                                        "action, from_status, to_status, note, data, public) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, case_id);
    sqlite3_bind_int64(q, 2, ev->at);
    gr_sq_bind_id(q, 3, ev->actor_user_id);
    gr_sq_bind_text(q, 4, ev->action);
    gr_sq_bind_text(q, 5, ev->from_status);
    gr_sq_bind_text(q, 6, ev->to_status);
    gr_sq_bind_text(q, 7, ev->note);
    gr_sq_bind_text(q, 8, ev->data);
    sqlite3_bind_int(q, 9, ev->public);
    return gr_sq_done(st, q);
}

static enum gr_err add_notices(struct gr_store *st, int64_t case_id, int64_t at,
                               const struct gr_notice *nt, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO notifications(target, case_id, kind, "
                                            "at) VALUES (?, ?, ?, ?)");
        if (!q)
            return GR_EDB;
        gr_sq_bind_text(q, 1, nt[i].target);
        sqlite3_bind_int64(q, 2, case_id);
        gr_sq_bind_text(q, 3, nt[i].kind);
        sqlite3_bind_int64(q, 4, at);
        enum gr_err e = gr_sq_done(st, q);
        if (e)
            return e;
    }
    return GR_OK;
}

enum gr_err gr_store_case_create(struct gr_store *st, const struct gr_case *c,
                                 const struct gr_case_event *ev, const struct gr_notice *nt,
                                 size_t n_nt, int64_t *out_id)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO cases(id, " FIXED_COLS ", " WORK_COLS
                                        ") VALUES (?, " Q25 ", " Q27 ")");
    if (!q)
        return GR_EDB;
    gr_sq_bind_id(q, 1, c->id);
    bind_changes(q, bind_fixed(q, 2, c), c);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    int64_t id = sqlite3_last_insert_rowid(st->db);
    if ((e = add_case_event(st, id, ev)) || (e = add_notices(st, id, ev->at, nt, n_nt)))
        return e;
    struct gr_case made = *c;
    made.id = id;
    if (!st->bulk && (e = stats_apply(st, NULL, &made)))
        return e;
    *out_id = id;
    return GR_OK;
}

enum gr_err gr_store_case_get(struct gr_store *st, int64_t id, struct gr_case *c)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT " CASE_COLS " FROM cases WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, id);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    read_case(st, q, c);
    sqlite3_reset(q);
    return GR_OK;
}

enum gr_err gr_store_case_update(struct gr_store *st, const struct gr_case *before,
                                 const struct gr_case *after, const struct gr_case_event *ev,
                                 const struct gr_notice *nt, size_t n_nt)
{
    /* Only the columns a change may touch: neither the key nor the place, the matter or the
     * requester, so that SQLite neither rechecks the references to the case (every
     * notification and merge) nor rewrites the place and requester index entries. */
    sqlite3_stmt *q = gr_sq_prepare(st, "UPDATE cases SET (" WORK_COLS ") = (" Q27
                                        ") WHERE id = ? AND status = ? AND updated_at = ?");
    if (!q)
        return GR_EDB;
    int at = bind_changes(q, 1, after);
    sqlite3_bind_int64(q, at++, before->id);
    gr_sq_bind_text(q, at++, before->status);
    sqlite3_bind_int64(q, at, before->updated_at);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    if (sqlite3_changes(st->db) == 0)
        return GR_ECONFLICT; /* changed by someone else meanwhile */
    if ((e = add_case_event(st, before->id, ev)) ||
        (e = add_notices(st, before->id, ev->at, nt, n_nt)))
        return e;
    return st->bulk ? GR_OK : stats_apply(st, before, after);
}

enum gr_err gr_store_case_events(struct gr_store *st, int64_t case_id, gr_case_event_fn fn,
                                 void *ctx)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT id, case_id, at, actor_user_id, action, "
                                        "from_status, to_status, note, data, public FROM "
                                        "case_events WHERE case_id = ? ORDER BY id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, case_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_case_event e = {
            .id = sqlite3_column_int64(q, 0),
            .case_id = sqlite3_column_int64(q, 1),
            .at = sqlite3_column_int64(q, 2),
            .actor_user_id = sqlite3_column_int64(q, 3),
            .action = gr_sq_text(q, 4),
            .from_status = gr_sq_text(q, 5),
            .to_status = gr_sq_text(q, 6),
            .note = gr_sq_text(q, 7),
            .data = gr_sq_text(q, 8),
            .public = sqlite3_column_int(q, 9) != 0,
        };
        if (fn(ctx, &e))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

static const char open_statuses[] =
    "('submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'on_hold')";

static const char *const all_statuses[] = {"submitted",  "accepted",    "rejected", "merged",
                                           "dispatched", "in_progress", "resolved", "verified",
                                           "closed",     "on_hold",     NULL};
static const char *const open_status_list[] = {"submitted", "accepted", "dispatched", "in_progress",
                                               "resolved",  "verified", "on_hold",    NULL};

/* A place condition on cases: parameter `param` holds the node's id. Cases have indexes
 * (level, status, id) by district and by street, and (community, status, grid, id) by
 * community, which serves grids too (the grid's community found from the node). */
static void place_cond(struct gr_buf *b, enum gr_level level, int param)
{
    if (level == GR_LEVEL_GRID)
        gr_buf_printf(b,
                      "(community_id = (SELECT community_id FROM nodes WHERE id = ?%d) AND "
                      "grid_id = ?%d)",
                      param, param);
    else
        gr_buf_printf(b, "%s = ?%d", anc_cols[level], param);
}

/* The filters on the case's own columns, parameters numbered from *at; bind_filters binds
 * them in the same order. */
static void filter_conds(struct gr_buf *b, const struct gr_case_query *cq, int *at)
{
    if (cq->owner_org_id)
        gr_buf_printf(b, " AND owner_org_id = ?%d", (*at)++);
    if (cq->requester_user_id)
        gr_buf_printf(b, " AND requester_user_id = ?%d", (*at)++);
    if (cq->category_code)
        gr_buf_printf(b, " AND category_code = ?%d", (*at)++);
    if (cq->matter_code)
        gr_buf_printf(b, " AND matter_code = ?%d", (*at)++);
    if (cq->from)
        gr_buf_printf(b, " AND created_at >= ?%d", (*at)++);
    if (cq->to)
        gr_buf_printf(b, " AND created_at < ?%d", (*at)++);
}

static void bind_filters(sqlite3_stmt *q, const struct gr_case_query *cq, int *at)
{
    if (cq->owner_org_id)
        sqlite3_bind_int64(q, (*at)++, cq->owner_org_id);
    if (cq->requester_user_id)
        sqlite3_bind_int64(q, (*at)++, cq->requester_user_id);
    if (cq->category_code)
        gr_sq_bind_text(q, (*at)++, cq->category_code);
    if (cq->matter_code)
        gr_sq_bind_text(q, (*at)++, cq->matter_code);
    if (cq->from)
        sqlite3_bind_int64(q, (*at)++, cq->from);
    if (cq->to)
        sqlite3_bind_int64(q, (*at)++, cq->to);
}

static enum gr_err run_cases(struct gr_store *st, sqlite3_stmt *q, int limit, gr_case_fn fn,
                             void *ctx, bool *more)
{
    int rc, n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        struct gr_case c;
        read_case(NULL, q, &c);
        if (fn(ctx, &c))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

/* The index each place is read by (the planner, without statistics, may prefer walking
 * the status index backwards over a million entries). */
static const char *const place_index[GR_N_LEVELS + 1] = {
    NULL, "cases_status", "cases_district", "cases_street", "cases_community", "cases_community"};

/* Newest first under one node (the filter, or the caller's one scope): for each status
 * asked (one, the open ones, or all), the newest ids of that status from the place's index
 * — a few index pages each, whatever the size of the node — then the newest of those, and
 * only their rows. Access scopes other than the place are row filters. */
static enum gr_err cases_by_place(struct gr_store *st, const struct gr_case_query *cq,
                                  struct gr_scope place, gr_case_fn fn, void *ctx, bool *more)
{
    const struct gr_query *qy = &cq->q;
    const char *one[2] = {cq->status, NULL};
    const char *const *statuses = !cq->status                       ? all_statuses
                                  : strcmp(cq->status, "open") == 0 ? open_status_list
                                                                    : one;
    if (cq->status && statuses == one && gr_cstatus_parse(cq->status) == GR_CS_NONE)
        return GR_EINVAL;
    int limit = qy->limit > 0 ? qy->limit : 50;
    /* ?1 the place, ?2 the cursor, ?3 the limit + 1, then the scopes, then the filters. */
    struct gr_buf access, b;
    gr_buf_init(&access, 1024);
    gr_buf_init(&b, 16384);
    int at = 4;
    if (!qy->all && !(qy->n_scopes == 1 && qy->scopes[0].level == place.level &&
                      qy->scopes[0].id == place.id)) {
        gr_buf_adds(&access, " AND (0");
        for (size_t i = 0; i < qy->n_scopes; i++) {
            gr_buf_adds(&access, " OR ");
            place_cond(&access, qy->scopes[i].level, at++);
        }
        if (cq->also_org)
            gr_buf_printf(&access,
                          " OR owner_org_id = ?%d OR id IN (SELECT case_id FROM case_tasks "
                          "WHERE org_id = ?%d)",
                          at, at);
        if (cq->also_org)
            at++;
        gr_buf_adds(&access, ")");
    }
    int first_filter = at;
    gr_buf_adds(&b, "SELECT " CASE_COLS " FROM cases WHERE id IN (");
    for (size_t k = 0; statuses[k]; k++) {
        int f = first_filter;
        gr_buf_printf(&b, "%sSELECT id FROM (SELECT id FROM cases INDEXED BY %s WHERE ",
                      k ? " UNION ALL " : "", place_index[place.level]);
        place_cond(&b, place.level, 1);
        gr_buf_printf(&b, " AND status = '%s' AND id < ?2", statuses[k]);
        if (access.len)
            gr_buf_add(&b, access.data, access.len);
        filter_conds(&b, cq, &f);
        gr_buf_adds(&b, " ORDER BY id DESC LIMIT ?3)");
    }
    gr_buf_adds(&b, ") ORDER BY id DESC LIMIT ?3");
    sqlite3_stmt *q = gr_sq_prepare(st, b.data);
    gr_buf_cleanup(&b);
    gr_buf_cleanup(&access);
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, place.id);
    sqlite3_bind_int64(q, 2, qy->after > 0 ? qy->after : INT64_MAX);
    sqlite3_bind_int(q, 3, limit + 1);
    at = 4;
    if (sqlite3_bind_parameter_count(q) >= 4 && first_filter > 4) {
        for (size_t i = 0; i < qy->n_scopes; i++)
            sqlite3_bind_int64(q, at++, qy->scopes[i].id);
        if (cq->also_org)
            sqlite3_bind_int64(q, at++, cq->also_org);
    }
    at = first_filter;
    bind_filters(q, cq, &at);
    return run_cases(st, q, limit, fn, ctx, more);
}

enum gr_err gr_store_cases(struct gr_store *st, const struct gr_case_query *cq, gr_case_fn fn,
                           void *ctx, bool *more)
{
    *more = false;
    const struct gr_query *qy = &cq->q;
    /* One place to start from: the node filter, or the caller's single scope. */
    struct gr_scope place = qy->under;
    if (!place.id && !qy->all && qy->n_scopes == 1 && !cq->also_org)
        place = qy->scopes[0];
    if (place.id && place.level >= GR_LEVEL_DISTRICT && !cq->overdue_first &&
        (qy->all || qy->n_scopes || cq->also_org))
        return cases_by_place(st, cq, place, fn, ctx, more);
    /* Several scopes, a department's cases, a requester's own, the inbox's order: one
     * query with the conditions together. */
    struct gr_buf b;
    gr_buf_init(&b, 8192);
    gr_buf_adds(&b, "SELECT " CASE_COLS " FROM cases WHERE 1");
    /* Parameters are numbered: a place's id once, used twice where it names its parent. */
    int at = 1;
    int64_t ids[GR_MAX_SCOPES + 1];
    size_t n_ids = 0;
    int p_also = 0;
    if (!qy->all && !qy->n_scopes && !cq->also_org) {
        /* No scope: the requester's own cases, or nothing. */
        if (!cq->requester_user_id) {
            gr_buf_cleanup(&b);
            return GR_OK;
        }
    } else if (!qy->all) {
        gr_buf_adds(&b, " AND (0");
        for (size_t i = 0; i < qy->n_scopes; i++) {
            gr_buf_adds(&b, " OR ");
            place_cond(&b, qy->scopes[i].level, at++);
            ids[n_ids++] = qy->scopes[i].id;
        }
        if (cq->also_org) {
            p_also = at++;
            gr_buf_printf(&b,
                          " OR owner_org_id = ?%d OR id IN (SELECT case_id FROM case_tasks "
                          "WHERE org_id = ?%d)",
                          p_also, p_also);
        }
        gr_buf_adds(&b, ")");
    }
    if (qy->under.id) {
        gr_buf_adds(&b, " AND ");
        place_cond(&b, qy->under.level, at++);
        ids[n_ids++] = qy->under.id;
    }
    int p_status = 0, p_org = 0, p_req = 0, p_cat = 0, p_matter = 0, p_from = 0, p_to = 0,
        p_after = 0, p_limit;
    if (cq->status && strcmp(cq->status, "open") == 0)
        gr_buf_printf(&b, " AND status IN %s", open_statuses);
    else if (cq->status)
        gr_buf_printf(&b, " AND status = ?%d", p_status = at++);
    if (cq->owner_org_id)
        gr_buf_printf(&b, " AND owner_org_id = ?%d", p_org = at++);
    if (cq->requester_user_id)
        gr_buf_printf(&b, " AND requester_user_id = ?%d", p_req = at++);
    if (cq->category_code)
        gr_buf_printf(&b, " AND category_code = ?%d", p_cat = at++);
    if (cq->matter_code)
        gr_buf_printf(&b, " AND matter_code = ?%d", p_matter = at++);
    if (cq->from)
        gr_buf_printf(&b, " AND created_at >= ?%d", p_from = at++);
    if (cq->to)
        gr_buf_printf(&b, " AND created_at < ?%d", p_to = at++);
    if (cq->overdue_first) {
        gr_buf_printf(&b, " ORDER BY coalesce(resolve_due, 9e18), id LIMIT ?%d", p_limit = at++);
    } else {
        if (qy->after)
            gr_buf_printf(&b, " AND id < ?%d", p_after = at++);
        gr_buf_printf(&b, " ORDER BY id DESC LIMIT ?%d", p_limit = at++);
    }
    sqlite3_stmt *q = gr_sq_prepare(st, b.data);
    gr_buf_cleanup(&b);
    if (!q)
        return GR_EDB;
    /* The place ids took ?1.., in order, except the department's slot among them. */
    for (int i = 0, num = 1; i < (int)n_ids; i++, num++) {
        if (num == p_also)
            num++;
        sqlite3_bind_int64(q, num, ids[i]);
    }
    if (p_also)
        sqlite3_bind_int64(q, p_also, cq->also_org);
    if (p_status)
        gr_sq_bind_text(q, p_status, cq->status);
    if (p_org)
        sqlite3_bind_int64(q, p_org, cq->owner_org_id);
    if (p_req)
        sqlite3_bind_int64(q, p_req, cq->requester_user_id);
    if (p_cat)
        gr_sq_bind_text(q, p_cat, cq->category_code);
    if (p_matter)
        gr_sq_bind_text(q, p_matter, cq->matter_code);
    if (p_from)
        sqlite3_bind_int64(q, p_from, cq->from);
    if (p_to)
        sqlite3_bind_int64(q, p_to, cq->to);
    if (p_after)
        sqlite3_bind_int64(q, p_after, qy->after);
    int limit = qy->limit > 0 ? qy->limit : 50;
    sqlite3_bind_int(q, p_limit, limit + 1);
    int rc, n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        struct gr_case c;
        read_case(NULL, q, &c);
        if (fn(ctx, &c))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_cases_near(struct gr_store *st, int64_t community_id, const char *category,
                                double lat, double lon, double meters, int64_t since, int limit,
                                gr_case_fn fn, void *ctx)
{
    /* The community's open cases (its index), then the category, the time and the
     * distance; nearest first. */
    double coslat = cos(lat * 3.14159265358979323846 / 180.0);
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT " CASE_COLS " FROM cases WHERE community_id = ? AND status IN ('submitted', "
            "'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'on_hold') AND "
            "category_code = ? AND created_at >= ? AND lat IS NOT NULL ORDER BY (lat - ?) * "
            "(lat - ?) + (lon - ?) * (lon - ?) * ? LIMIT 200");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, community_id);
    gr_sq_bind_text(q, 2, category);
    sqlite3_bind_int64(q, 3, since);
    sqlite3_bind_double(q, 4, lat);
    sqlite3_bind_double(q, 5, lat);
    sqlite3_bind_double(q, 6, lon);
    sqlite3_bind_double(q, 7, lon);
    sqlite3_bind_double(q, 8, coslat * coslat);
    int rc = SQLITE_DONE, n = 0;
    while (n < limit && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_case c;
        read_case(NULL, q, &c);
        double dy = (c.lat - lat) * 111320.0, dx = (c.lon - lon) * 111320.0 * coslat;
        if (dy * dy + dx * dx > meters * meters)
            break; /* nearest first: the rest are farther */
        n++;
        if (fn(ctx, &c))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

/* The condition of the partial index cases_due, word for word, so that the planner may use
 * it (an IN list would do, but SQLite checks one by building a temporary table; see
 * migration 0005). */
#define CLOCK_RUNS "status = 'accepted' OR status = 'dispatched' OR status = 'in_progress'"

enum gr_err gr_store_cases_due(struct gr_store *st, int alarm, int64_t before, int64_t after_due,
                               int64_t after_id, int limit, gr_case_due_fn fn, void *ctx)
{
    /* Two ranges of the index, each found by a seek: the rest of the cursor's deadline
     * (many cases share one, the end of a working day), then the later deadlines. As one
     * condition, (resolve_due, id) > (?, ?), SQLite seeks by the deadline alone and steps
     * over the cases of that deadline already read: a page cost more the further it was. */
    static const char *const sql[2] = {
        "SELECT id, resolve_due, matter_version, matter_code FROM cases INDEXED BY cases_due "
        "WHERE (" CLOCK_RUNS ") AND alarm = ?1 AND resolve_due = ?2 AND id > ?3 "
        "ORDER BY id LIMIT ?5",
        "SELECT id, resolve_due, matter_version, matter_code FROM cases INDEXED BY cases_due "
        "WHERE (" CLOCK_RUNS ") AND alarm = ?1 AND resolve_due > ?2 AND resolve_due < ?4 "
        "ORDER BY resolve_due, id LIMIT ?5"};
    int n = 0, rc = SQLITE_DONE;
    enum gr_err e = GR_OK;
    for (int k = after_due < before ? 0 : 1; k < 2 && !e && n < limit && rc == SQLITE_DONE; k++) {
        sqlite3_stmt *q = gr_sq_prepare(st, sql[k]);
        if (!q)
            return GR_EDB;
        sqlite3_bind_int(q, 1, alarm);
        sqlite3_bind_int64(q, 2, after_due);
        if (k == 0)
            sqlite3_bind_int64(q, 3, after_id);
        else
            sqlite3_bind_int64(q, 4, before);
        sqlite3_bind_int(q, 5, limit - n);
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            struct gr_case_due c = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                                    sqlite3_column_int(q, 2),
                                    (const char *)sqlite3_column_text(q, 3)};
            n++;
            if (fn(ctx, &c)) {
                rc = SQLITE_OK; /* stopped by the caller */
                break;
            }
        }
        e = gr_sq_each_end(st, q, rc == SQLITE_OK ? SQLITE_DONE : rc);
    }
    return e;
}

/* ---- summoned departments ---- */

enum gr_err gr_store_task_add(struct gr_store *st, const struct gr_case_task *t, int64_t *out_id)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO case_tasks(case_id, org_id, summoned_by, "
                                        "summoned_at, report_due, handle_due) VALUES (?, ?, ?, "
                                        "?, ?, ?)");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, t->case_id);
    sqlite3_bind_int64(q, 2, t->org_id);
    gr_sq_bind_id(q, 3, t->summoned_by);
    sqlite3_bind_int64(q, 4, t->summoned_at);
    sqlite3_bind_int64(q, 5, t->report_due);
    sqlite3_bind_int64(q, 6, t->handle_due);
    enum gr_err e = gr_sq_done(st, q);
    if (!e && out_id)
        *out_id = sqlite3_last_insert_rowid(st->db);
    return e;
}

enum gr_err gr_store_task_report(struct gr_store *st, int64_t case_id, int64_t org_id, int64_t at,
                                 bool *late)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT reported_at, report_due FROM case_tasks WHERE "
                                        "case_id = ? AND org_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, case_id);
    sqlite3_bind_int64(q, 2, org_id);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    bool reported = sqlite3_column_type(q, 0) != SQLITE_NULL;
    int64_t due = sqlite3_column_int64(q, 1);
    sqlite3_reset(q);
    if (reported)
        return GR_ECONFLICT;
    *late = at > due;
    q = gr_sq_prepare(st, "UPDATE case_tasks SET reported_at = ?, late = ? WHERE case_id = ? AND "
                          "org_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, at);
    sqlite3_bind_int(q, 2, *late);
    sqlite3_bind_int64(q, 3, case_id);
    sqlite3_bind_int64(q, 4, org_id);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_task_done(struct gr_store *st, int64_t case_id, int64_t org_id, int64_t at)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT done_at FROM case_tasks WHERE case_id = ? AND "
                                        "org_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, case_id);
    sqlite3_bind_int64(q, 2, org_id);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    bool was = sqlite3_column_type(q, 0) != SQLITE_NULL;
    sqlite3_reset(q);
    if (was)
        return GR_ECONFLICT;
    q = gr_sq_prepare(st, "UPDATE case_tasks SET done_at = ?, reported_at = coalesce("
                          "reported_at, ?) WHERE case_id = ? AND org_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, at);
    sqlite3_bind_int64(q, 2, at);
    sqlite3_bind_int64(q, 3, case_id);
    sqlite3_bind_int64(q, 4, org_id);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_tasks(struct gr_store *st, int64_t case_id, gr_task_fn fn, void *ctx,
                           int *open)
{
    *open = 0;
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT t.id, t.case_id, t.org_id, t.summoned_by, t.summoned_at, t.report_due, "
            "t.reported_at, t.handle_due, t.done_at, t.late, o.name FROM case_tasks t JOIN "
            "organisations o ON o.id = t.org_id WHERE t.case_id = ? ORDER BY t.id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, case_id);
    int rc;
    bool stop = false;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_case_task t = {
            .id = sqlite3_column_int64(q, 0),
            .case_id = sqlite3_column_int64(q, 1),
            .org_id = sqlite3_column_int64(q, 2),
            .summoned_by = sqlite3_column_int64(q, 3),
            .summoned_at = sqlite3_column_int64(q, 4),
            .report_due = sqlite3_column_int64(q, 5),
            .reported_at = sqlite3_column_int64(q, 6),
            .handle_due = sqlite3_column_int64(q, 7),
            .done_at = sqlite3_column_int64(q, 8),
            .late = sqlite3_column_int(q, 9) != 0,
            .org_name = gr_sq_text(q, 10),
        };
        if (!t.done_at)
            (*open)++;
        if (!stop && fn && fn(ctx, &t))
            stop = true;
    }
    return gr_sq_each_end(st, q, rc);
}

/* ---- photos ---- */

enum gr_err gr_store_photo_add(struct gr_store *st, const struct gr_photo *p, int64_t *out_id)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO photos(case_id, event_id, mime, bytes, "
                                        "size, sha256, public, uploaded_by, created_at) VALUES "
                                        "(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    gr_sq_bind_id(q, 1, p->case_id);
    gr_sq_bind_id(q, 2, p->event_id);
    gr_sq_bind_text(q, 3, p->mime);
    sqlite3_bind_blob64(q, 4, p->bytes, (sqlite3_uint64)p->size, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, p->size);
    gr_sq_bind_text(q, 6, p->sha256);
    sqlite3_bind_int(q, 7, p->public);
    gr_sq_bind_id(q, 8, p->uploaded_by);
    sqlite3_bind_int64(q, 9, p->created_at);
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        *out_id = sqlite3_last_insert_rowid(st->db);
    return e;
}

enum gr_err gr_store_photo_get(struct gr_store *st, int64_t id, struct gr_photo *p)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT id, case_id, event_id, uploaded_by, created_at, "
                                        "size, mime, sha256, public, bytes FROM photos WHERE id "
                                        "= ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, id);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    memset(p, 0, sizeof(*p));
    p->id = sqlite3_column_int64(q, 0);
    p->case_id = sqlite3_column_int64(q, 1);
    p->event_id = sqlite3_column_int64(q, 2);
    p->uploaded_by = sqlite3_column_int64(q, 3);
    p->created_at = sqlite3_column_int64(q, 4);
    p->size = sqlite3_column_int64(q, 5);
    p->mime = keep(st, q, 6);
    p->sha256 = keep(st, q, 7);
    p->public = sqlite3_column_int(q, 8) != 0;
    const void *bytes = sqlite3_column_blob(q, 9);
    int n = sqlite3_column_bytes(q, 9);
    char *copy = gr_arena_alloc(&st->copy, (size_t)n + 1);
    if (!copy) {
        sqlite3_reset(q);
        return GR_EINTERNAL;
    }
    if (n)
        memcpy(copy, bytes, (size_t)n);
    p->bytes = copy;
    p->size = n;
    sqlite3_reset(q);
    return GR_OK;
}

enum gr_err gr_store_photo_public(struct gr_store *st, int64_t id, bool public)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "UPDATE photos SET public = ? WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, public);
    sqlite3_bind_int64(q, 2, id);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    return sqlite3_changes(st->db) ? GR_OK : GR_ENOTFOUND;
}

enum gr_err gr_store_photos(struct gr_store *st, int64_t case_id, gr_photo_fn fn, void *ctx,
                            int *count)
{
    *count = 0;
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT id, case_id, event_id, uploaded_by, created_at, "
                                        "size, mime, sha256, public FROM photos WHERE case_id = "
                                        "? ORDER BY id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, case_id);
    int rc;
    bool stop = false;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_photo p = {
            .id = sqlite3_column_int64(q, 0),
            .case_id = sqlite3_column_int64(q, 1),
            .event_id = sqlite3_column_int64(q, 2),
            .uploaded_by = sqlite3_column_int64(q, 3),
            .created_at = sqlite3_column_int64(q, 4),
            .size = sqlite3_column_int64(q, 5),
            .mime = gr_sq_text(q, 6),
            .sha256 = gr_sq_text(q, 7),
            .public = sqlite3_column_int(q, 8) != 0,
        };
        (*count)++;
        if (!stop && fn && fn(ctx, &p))
            stop = true;
    }
    return gr_sq_each_end(st, q, rc);
}

/* ---- notifications ---- */

enum gr_err gr_store_notifications(struct gr_store *st, const char *const *targets, size_t n,
                                   int64_t before, int limit, gr_notification_fn fn, void *ctx,
                                   bool *more)
{
    *more = false;
    if (!n)
        return GR_OK;
    struct gr_buf b;
    gr_buf_init(&b, 512);
    gr_buf_adds(&b, "SELECT id, case_id, at, target, kind, note, topic_id FROM notifications "
                    "WHERE target IN (?");
    for (size_t i = 1; i < n; i++)
        gr_buf_adds(&b, ", ?");
    gr_buf_adds(&b,
                before ? ") AND id < ? ORDER BY id DESC LIMIT ?" : ") ORDER BY id DESC LIMIT ?");
    sqlite3_stmt *q = gr_sq_prepare(st, b.data);
    gr_buf_cleanup(&b);
    if (!q)
        return GR_EDB;
    int at = 1;
    for (size_t i = 0; i < n; i++)
        gr_sq_bind_text(q, at++, targets[i]);
    if (before)
        sqlite3_bind_int64(q, at++, before);
    sqlite3_bind_int(q, at, limit + 1);
    int rc, k = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (k++ == limit) {
            *more = true;
            break;
        }
        struct gr_notification x = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                                    sqlite3_column_int64(q, 2), gr_sq_text(q, 3),
                                    gr_sq_text(q, 4),           gr_sq_text(q, 5),
                                    sqlite3_column_int64(q, 6)};
        if (fn(ctx, &x))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

/* ---- figures ---- */

#define ROW_COLS                                                                                   \
    "total, accepted, rejected, merged, responded, responded_on_time, resolved, closed, "          \
    "closed_on_time, overdue_open, open, rated, rated_yes, rated_partly, rated_satisfied, "        \
    "rated_basic, reworks, reworked, extensions, escalations, reopens, handling_seconds"

/* Each day of [from_day, to_day] that has a row for the subject, in order: one range of
 * the primary key (subject, day). */
static enum gr_err each_day(struct gr_store *st, const char *subject, const char *from_day,
                            const char *to_day, gr_figures_day_fn fn, void *ctx)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT day, " ROW_COLS " FROM case_stats WHERE "
                                        "subject = ? AND day BETWEEN ? AND ? ORDER BY day");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, subject);
    gr_sq_bind_text(q, 2, from_day);
    gr_sq_bind_text(q, 3, to_day);
    int rc;
    int64_t counts[GR_N_FIGS];
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int i = 0; i < GR_N_FIGS; i++)
            counts[i] = sqlite3_column_int64(q, 1 + i);
        if (fn(ctx, gr_sq_text(q, 0), counts))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

static int add_day(void *ctx, const char *day, const int64_t *counts)
{
    (void)day;
    int64_t *sums = ctx;
    for (int i = 0; i < GR_N_FIGS; i++)
        sums[i] += counts[i];
    return 0;
}

enum gr_err gr_store_figures(struct gr_store *st, const char *subject, const char *from_day,
                             const char *to_day, int64_t *sums)
{
    memset(sums, 0, sizeof(int64_t) * GR_N_FIGS);
    return each_day(st, subject, from_day, to_day, add_day, sums);
}

enum gr_err gr_store_figures_days(struct gr_store *st, const char *subject, const char *from_day,
                                  const char *to_day, gr_figures_day_fn fn, void *ctx)
{
    return each_day(st, subject, from_day, to_day, fn, ctx);
}

static int recount_one(void *ctx, const struct gr_case *c)
{
    struct gr_store *st = ctx;
    return stats_apply(st, NULL, c) != GR_OK;
}

/* Add every case's contribution, a page of cases at a time, reading into st->copy. */
static enum gr_err recount_pages(struct gr_store *st)
{
    enum gr_err e = GR_OK;
    int64_t after = 0;
    struct gr_case *page = malloc(2000 * sizeof(*page));
    if (!page)
        return GR_EINTERNAL;
    for (;;) {
        sqlite3_stmt *q = gr_sq_prepare(st, "SELECT " CASE_COLS " FROM cases WHERE id > ? ORDER "
                                            "BY id LIMIT 2000");
        if (!q) {
            e = GR_EDB;
            break;
        }
        sqlite3_bind_int64(q, 1, after);
        size_t n = 0;
        int rc;
        gr_arena_cleanup(&st->copy);
        while ((rc = sqlite3_step(q)) == SQLITE_ROW)
            read_case(st, q, &page[n++]);
        sqlite3_reset(q);
        if (rc != SQLITE_DONE) {
            e = gr_sq_err(st, rc);
            break;
        }
        for (size_t i = 0; i < n && !e; i++)
            e = recount_one(st, &page[i]) ? GR_EDB : GR_OK;
        if (e || n < 2000)
            break;
        after = page[n - 1].id;
    }
    free(page);
    return e;
}

enum gr_err gr_store_figures_recount(struct gr_store *st)
{
    gr_sq_stats_discard(st); /* the deltas so far are in the cases recounted */
    sqlite3_stmt *q = gr_sq_prepare(st, "DELETE FROM case_stats");
    if (!q)
        return GR_EDB;
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    /* Pages of cases are read into an arena of their own: what earlier reads handed out
     * stays valid until gr_store_release, as store.h promises. */
    struct gr_arena kept = st->copy;
    gr_arena_init(&st->copy);
    e = recount_pages(st);
    gr_arena_cleanup(&st->copy);
    st->copy = kept;
    return e;
}

/* ---- Open311 keys, departments ---- */

enum gr_err gr_store_api_key_create(struct gr_store *st, const char *name, const char *key_hash,
                                    int64_t *out_id)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO api_keys(name, key_hash, created_at) VALUES "
                                        "(?, ?, ?)");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, name);
    gr_sq_bind_text(q, 2, key_hash);
    sqlite3_bind_int64(q, 3, (int64_t)time(NULL));
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        *out_id = sqlite3_last_insert_rowid(st->db);
    return e;
}

enum gr_err gr_store_api_key_get(struct gr_store *st, const char *key_hash, int64_t *id)
{
    sqlite3_stmt *q =
        gr_sq_prepare(st, "SELECT id FROM api_keys WHERE key_hash = ? AND disabled = 0");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, key_hash);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    *id = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return GR_OK;
}

enum gr_err gr_store_department(struct gr_store *st, int64_t district_id, const char *dept,
                                int64_t *org_id)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT id FROM organisations WHERE node_id = ? AND kind = 'department' AND "
            "substr(name, -length(?2)) = ?2 ORDER BY id LIMIT 1");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, district_id);
    gr_sq_bind_text(q, 2, dept);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    *org_id = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return GR_OK;
}

/* ---- Open311 lookups: a case by its token, the events of a time window ---- */

enum gr_err gr_store_case_by_token(struct gr_store *st, const char *token, struct gr_case *c)
{
    if (!token)
        return GR_ENOTFOUND;
    /* token = ? implies token IS NOT NULL: the partial unique index cases_token answers. */
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT " CASE_COLS " FROM cases WHERE token = ?");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, token);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    read_case(st, q, c);
    sqlite3_reset(q);
    return GR_OK;
}

#define EVENT_COLS                                                                                 \
    "id, case_id, at, actor_user_id, action, from_status, to_status, note, data, public"

/* Public events come from the partial index case_events_at: the subquery reads only its
 * entries in [from, to) (each holds the id, and public = 1 is implied), keeps the first
 * limit + 1 ids after after_id, and only those rows are then read from the table; a
 * window's events are thus sorted as ids, never as rows. Private events have no index by
 * time: they are read by id from after_id, the time tested on each, until limit + 1 match,
 * which may walk the rest of the table when the window is old or sparse. */
enum gr_err gr_store_case_events_between(struct gr_store *st, int64_t from, int64_t to,
                                         bool public_only, int64_t after_id, int limit,
                                         gr_case_event_fn fn, void *ctx, bool *more)
{
    *more = false;
    if (limit < 0)
        return GR_EINVAL;
    sqlite3_stmt *q = gr_sq_prepare(
        st, public_only ? "SELECT " EVENT_COLS " FROM case_events WHERE id IN (SELECT id FROM "
                          "case_events WHERE public = 1 AND at >= ?1 AND at < ?2 AND id > ?3 "
                          "ORDER BY id LIMIT ?4) ORDER BY id"
                        : "SELECT " EVENT_COLS " FROM case_events WHERE id > ?3 AND at >= ?1 "
                          "AND at < ?2 ORDER BY id LIMIT ?4");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, from);
    sqlite3_bind_int64(q, 2, to);
    sqlite3_bind_int64(q, 3, after_id);
    sqlite3_bind_int64(q, 4, (int64_t)limit + 1);
    int rc, k = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (k++ == limit) {
            *more = true;
            break;
        }
        struct gr_case_event e = {
            .id = sqlite3_column_int64(q, 0),
            .case_id = sqlite3_column_int64(q, 1),
            .at = sqlite3_column_int64(q, 2),
            .actor_user_id = sqlite3_column_int64(q, 3),
            .action = gr_sq_text(q, 4),
            .from_status = gr_sq_text(q, 5),
            .to_status = gr_sq_text(q, 6),
            .note = gr_sq_text(q, 7),
            .data = gr_sq_text(q, 8),
            .public = sqlite3_column_int(q, 9) != 0,
        };
        if (fn(ctx, &e))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}
