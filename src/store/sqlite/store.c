/*
 * store.c - the SQLite back end: opening, migrations, transactions, the statement cache,
 * settings.
 *
 * One connection per struct gr_store, used by one thread at a time. WAL, foreign keys
 * on, a busy timeout; migrations are the embedded src/store/migrations/NNNN_*.sql files,
 * applied in order inside one transaction each.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../base/mem.h"
#include "store_int.h"

struct gr_embedded {
    const char *path;
    const unsigned char *data;
    size_t size;
};
extern const struct gr_embedded gr_migrations[];

void gr_sq_now(char *buf, size_t cap)
{
    /* Formatted once a second per thread: imports stamp every row. */
    static _Thread_local time_t last;
    static _Thread_local char text[32];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec == last && text[0]) {
        snprintf(buf, cap, "%s", text);
        return;
    }
    gmtime_r(&ts.tv_sec, &tm);
    if (strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        text[0] = '\0';
    last = ts.tv_sec;
    snprintf(buf, cap, "%s", text);
}

enum gr_err gr_sq_err(struct gr_store *st, int rc)
{
    snprintf(st->errmsg, sizeof(st->errmsg), "%s", sqlite3_errmsg(st->db));
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return GR_OK;
    case SQLITE_CONSTRAINT: return GR_ECONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return GR_EBUSY;
    case SQLITE_TOOBIG: return GR_ETOOBIG;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL: return GR_EIO;
    default: return GR_EDB;
    }
}

const char *gr_store_errmsg(const struct gr_store *st)
{
    return st ? st->errmsg : "no store";
}

/* A cheap key for the statement cache: the length and the text's two ends (statements
 * are long and many share a beginning); a match is confirmed by comparing the text. */
static uint64_t sql_hash(const char *s)
{
    size_t n = strlen(s);
    uint64_t h = 1469598103934665603ull ^ n;
    size_t head = n < 48 ? n : 48;
    for (size_t i = 0; i < head; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    for (size_t i = n > 48 ? n - 48 : n; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

sqlite3_stmt *gr_sq_prepare(struct gr_store *st, const char *sql)
{
    st->clock++;
    uint64_t h = sql_hash(sql);
    struct stmt_slot *victim = &st->slots[0];
    for (int i = 0; i < STMT_CACHE; i++) {
        struct stmt_slot *s = &st->slots[i];
        if (s->sql && s->hash == h && strcmp(s->sql, sql) == 0) {
            sqlite3_reset(s->stmt);
            sqlite3_clear_bindings(s->stmt);
            s->used = st->clock;
            return s->stmt;
        }
        if (!s->sql || (victim->sql && s->used < victim->used))
            victim = s;
    }
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK) {
        gr_sq_err(st, rc);
        return NULL;
    }
    if (victim->sql) {
        sqlite3_finalize(victim->stmt);
        free(victim->sql);
    }
    victim->sql = gr_strdup(sql);
    victim->hash = h;
    victim->stmt = stmt;
    victim->used = st->clock;
    return stmt;
}

enum gr_err gr_sq_run(struct gr_store *st, const char *sql)
{
    sqlite3_stmt *q = gr_sq_prepare(st, sql);
    if (!q)
        return GR_EDB;
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return gr_sq_err(st, rc);
}

static enum gr_err exec(struct gr_store *st, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(st->errmsg, sizeof(st->errmsg), "%s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return rc == SQLITE_BUSY ? GR_EBUSY : GR_EDB;
    }
    return GR_OK;
}

static int migration_number(const char *path)
{
    /* "0001_init.sql" -> 1; the embedder sorted them by name. */
    int v = 0;
    for (const char *c = path; *c >= '0' && *c <= '9' && v < 100000; c++)
        v = v * 10 + (*c - '0');
    return v;
}

static enum gr_err migrate(struct gr_store *st)
{
    enum gr_err e = exec(st, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                             "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    if (e)
        return e;
    for (const struct gr_embedded *m = gr_migrations; m->path; m++) {
        int version = migration_number(m->path);
        if ((e = exec(st, "BEGIN IMMEDIATE")))
            return e;
        sqlite3_stmt *q = gr_sq_prepare(st, "SELECT 1 FROM schema_migrations WHERE version = ?");
        if (!q) {
            exec(st, "ROLLBACK");
            return GR_EDB;
        }
        sqlite3_bind_int(q, 1, version);
        bool done = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_reset(q);
        if (!done) {
            char *sql = gr_strndup((const char *)m->data, m->size);
            e = exec(st, sql);
            free(sql);
            if (!e) {
                char now[32], ins[160];
                gr_sq_now(now, sizeof(now));
                snprintf(ins, sizeof(ins),
                         "INSERT INTO schema_migrations(version, applied_at) VALUES (%d, '%s')",
                         version, now);
                e = exec(st, ins);
            }
            if (e) {
                char why[sizeof(st->errmsg) + 64];
                snprintf(why, sizeof(why), "migration %s: %s", m->path, st->errmsg);
                exec(st, "ROLLBACK");
                snprintf(st->errmsg, sizeof(st->errmsg), "%.200s", why);
                return e;
            }
        }
        if ((e = exec(st, "COMMIT")))
            return e;
    }
    return GR_OK;
}

int gr_store_schema_version(struct gr_store *st)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT max(version) FROM schema_migrations");
    int v = 0;
    if (q && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    if (q)
        sqlite3_reset(q);
    return v;
}

enum gr_err gr_store_open(const char *path, bool create, struct gr_store **out)
{
    *out = NULL;
    if (!create && access(path, F_OK) != 0)
        return GR_ENOTFOUND;
    struct gr_store *st = gr_calloc(1, sizeof(*st));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &st->db, flags, gr_sq_vfs());
    if (rc != SQLITE_OK) {
        fprintf(stderr, "grassroots: cannot open %s: %s\n", path,
                st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        sqlite3_close(st->db);
        free(st);
        return GR_EIO;
    }
    sqlite3_busy_timeout(st->db, 5000);
    gr_arena_init(&st->copy);
    sqlite3_extended_result_codes(st->db, 1);
    /* FULL: a commit is on disk before it is acknowledged (NORMAL in WAL mode may lose the
     * last commits on power loss). Bulk loads are one transaction: one sync. */
    enum gr_err e = exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                             "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                             "PRAGMA cache_size=-65536;");
    if (!e)
        e = migrate(st);
    if (e) {
        fprintf(stderr, "grassroots: cannot prepare %s: %s\n", path, st->errmsg);
        gr_store_close(st);
        return e;
    }
    *out = st;
    return GR_OK;
}

void gr_store_close(struct gr_store *st)
{
    if (!st)
        return;
    for (int i = 0; i < STMT_CACHE; i++) {
        if (st->slots[i].sql) {
            sqlite3_finalize(st->slots[i].stmt);
            free(st->slots[i].sql);
        }
    }
    for (int i = 0; i < GR_N_KINDS; i++) {
        sqlite3_finalize(st->ins[i]);
        sqlite3_finalize(st->anc_q[i]);
    }
    sqlite3_close(st->db);
    gr_arena_cleanup(&st->copy);
    gr_sq_calendar_free(st);
    gr_sq_stats_free(st);
    free(st->touched);
    free(st);
}

static void reset_busy(struct gr_store *st)
{
    sqlite3_stmt *s = NULL;
    while ((s = sqlite3_next_stmt(st->db, s)))
        if (sqlite3_stmt_busy(s))
            sqlite3_reset(s);
}

void gr_store_release(struct gr_store *st)
{
    reset_busy(st);
    /* Other connections may have changed what the cache says: it lives for one unit of
     * work only, as do the copies handed out. */
    memset(st->anc_cache, 0, sizeof(st->anc_cache));
    gr_arena_cleanup(&st->copy);
}

enum gr_err gr_sq_done(struct gr_store *st, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? GR_OK : gr_sq_err(st, rc);
}

void gr_sq_bind_text(sqlite3_stmt *q, int at, const char *s)
{
    if (s)
        sqlite3_bind_text(q, at, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(q, at);
}

void gr_sq_bind_id(sqlite3_stmt *q, int at, int64_t id)
{
    if (id)
        sqlite3_bind_int64(q, at, id);
    else
        sqlite3_bind_null(q, at);
}

static atomic_uint_fast64_t generations[GR_N_GENS] = {1, 1};

uint64_t gr_sq_generation(enum gr_sq_gen g)
{
    return atomic_load(&generations[g]);
}

void gr_sq_changed(struct gr_store *st, enum gr_sq_gen g)
{
    if (st->depth)
        st->changed |= 1u << g;
    else
        atomic_fetch_add(&generations[g], 1);
}

void gr_sq_generations_end(struct gr_store *st)
{
    for (int g = 0; g < GR_N_GENS; g++)
        if (st->changed & (1u << g))
            atomic_fetch_add(&generations[g], 1);
    st->changed = 0;
}

enum gr_err gr_sq_row(struct gr_store *st, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        return GR_OK;
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? GR_ENOTFOUND : gr_sq_err(st, rc);
}

enum gr_err gr_sq_each_end(struct gr_store *st, sqlite3_stmt *q, int rc)
{
    sqlite3_reset(q);
    return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? GR_OK : gr_sq_err(st, rc);
}

const char *gr_sq_text(sqlite3_stmt *q, int c)
{
    return (const char *)sqlite3_column_text(q, c);
}

const char *gr_sq_keep(struct gr_store *st, const char *s, size_t len)
{
    return s ? gr_arena_strndup(&st->copy, s, len) : NULL;
}

enum gr_err gr_store_begin(struct gr_store *st)
{
    if (st->depth++ > 0)
        return GR_OK;
    /* An open read statement would hold an older snapshot that cannot become a write. */
    reset_busy(st);
    enum gr_err e = gr_sq_run(st, "BEGIN IMMEDIATE");
    if (e)
        st->depth = 0;
    return e;
}

enum gr_err gr_store_commit(struct gr_store *st)
{
    if (st->depth == 0)
        return GR_EINTERNAL;
    if (st->depth == 1) {
        enum gr_err f = gr_sq_stats_flush(st);
        if (f) {
            gr_store_rollback(st);
            return f;
        }
    }
    if (--st->depth > 0)
        return GR_OK;
    enum gr_err e = gr_sq_run(st, "COMMIT");
    if (e) {
        exec(st, "ROLLBACK");
        gr_sq_stats_discard(st);
    }
    gr_sq_generations_end(st);
    return e;
}

enum gr_err gr_store_end(struct gr_store *st, enum gr_err e)
{
    if (e) {
        gr_store_rollback(st);
        return e;
    }
    return gr_store_commit(st);
}

void gr_store_rollback(struct gr_store *st)
{
    if (st->depth == 0)
        return;
    st->depth = 0;
    exec(st, "ROLLBACK");
    gr_sq_stats_discard(st);
    gr_sq_generations_end(st); /* undone: the copies taken meanwhile are stale too */
    memset(st->anc_cache, 0, sizeof(st->anc_cache));
}

enum gr_err gr_store_savepoint(struct gr_store *st)
{
    enum gr_err e = gr_sq_run(st, "SAVEPOINT gr_job");
    if (!e)
        gr_sq_stats_savepoint(st, true, false);
    return e;
}

enum gr_err gr_store_savepoint_end(struct gr_store *st, bool keep)
{
    enum gr_err e = keep ? GR_OK : gr_sq_run(st, "ROLLBACK TO gr_job");
    enum gr_err r = gr_sq_run(st, "RELEASE gr_job");
    gr_sq_stats_savepoint(st, false, keep && !e && !r);
    memset(st->anc_cache, 0, sizeof(st->anc_cache));
    return e ? e : r;
}

enum gr_err gr_store_autocheckpoint(struct gr_store *st, int pages)
{
    int rc = sqlite3_wal_autocheckpoint(st->db, pages);
    return rc == SQLITE_OK ? GR_OK : gr_sq_err(st, rc);
}

enum gr_err gr_store_sync_commits(struct gr_store *st, bool sync)
{
    return exec(st, sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

const char *gr_store_log_path(struct gr_store *st)
{
    return sqlite3_filename_wal(sqlite3_db_filename(st->db, "main"));
}

enum gr_err gr_store_checkpoint(struct gr_store *st, bool restart, int *log, int *done)
{
    int rc = sqlite3_wal_checkpoint_v2(
        st->db, NULL, restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE, log, done);
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? GR_OK : gr_sq_err(st, rc);
}

void gr_store_bulk(struct gr_store *st, bool on)
{
    st->bulk = on;
    /* Bigger page cache while loading: the indexes of a city's tables. */
    exec(st, on ? "PRAGMA cache_size=-1048576" : "PRAGMA cache_size=-65536");
}

enum gr_err gr_store_setting_get(struct gr_store *st, const char *key, char **out)
{
    *out = NULL;
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT value FROM settings WHERE key = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    enum gr_err e = GR_ENOTFOUND;
    if (rc == SQLITE_ROW) {
        *out = gr_strdup((const char *)sqlite3_column_text(q, 0));
        e = GR_OK;
    } else if (rc != SQLITE_DONE) {
        e = gr_sq_err(st, rc);
    }
    sqlite3_reset(q);
    return e;
}

enum gr_err gr_store_setting_set(struct gr_store *st, const char *key, const char *value)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO settings(key, value) VALUES (?, ?) "
                                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!q)
        return GR_EDB;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? GR_OK : gr_sq_err(st, rc);
}
