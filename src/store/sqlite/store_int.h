/*
 * store_int.h - private to the SQLite back end: the connection and its statement cache.
 */
#ifndef GR_STORE_SQLITE_INT_H
#define GR_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "../../base/buf.h"
#include "../../base/mem.h"
#include "../store.h"

#define STMT_CACHE 192
#define MAX_FIELDS 32

struct stmt_slot {
    char *sql;
    uint64_t hash; /* of sql: compared before the text */
    sqlite3_stmt *stmt;
    unsigned long used; /* clock for eviction */
};

struct anc_cache {
    int64_t id;
    struct gr_anc anc;
    enum gr_level level; /* for nodes */
};

struct gr_store {
    sqlite3 *db;
    char errmsg[256];
    bool bulk;
    int depth; /* transaction nesting: only the outermost begins and commits */
    unsigned long clock;
    struct stmt_slot slots[STMT_CACHE];
    struct anc_cache anc_cache[GR_N_KINDS];
    /* Hot statements per kind, prepared once: insert and ancestor lookup. */
    sqlite3_stmt *ins[GR_N_KINDS];
    sqlite3_stmt *anc_q[GR_N_KINDS];
    struct gr_value vals[MAX_FIELDS];
    /* Copies of the text of single reads (gr_store_get, users, topics), so that no
     * statement stays open between calls (an open read would pin an old snapshot). They
     * live until gr_store_release. */
    struct gr_arena copy;
    /* Bulk mode: the grids (or, negated, the communities) written to, for
     * gr_store_recount_touched. */
    int64_t *touched;
    size_t n_touched, cap_touched;
    /* The working calendar, loaded on first use and again after a change (cal_gen). */
    struct gr_calendar *cal;
    uint64_t cal_gen;
    unsigned changed; /* generations (bits) changed in the open transaction */
    /* Rollup deltas of the figures not yet written: summed in memory over a transaction
     * (and the current savepoint) and written once at commit (see cases.c). */
    struct stats_pending *stats;
};

/* A prepared statement for sql (cached; reset and unbound). NULL on error (errmsg set). */
sqlite3_stmt *gr_sq_prepare(struct gr_store *st, const char *sql);
/* Run one statement of no result through the statement cache (BEGIN, COMMIT, SAVEPOINT…):
 * hot ones are not parsed again each time. */
enum gr_err gr_sq_run(struct gr_store *st, const char *sql);
/* Step a write to its end (reset after): GR_OK or the error. */
enum gr_err gr_sq_done(struct gr_store *st, sqlite3_stmt *q);
/* Bind a text, NULL as SQL NULL; an id, 0 as SQL NULL. */
void gr_sq_bind_text(sqlite3_stmt *q, int at, const char *s);
void gr_sq_bind_id(sqlite3_stmt *q, int at, int64_t id);
/* Step a single-row read: GR_OK with the row (reset it after reading), GR_ENOTFOUND when
 * there is none (reset), or the error. */
enum gr_err gr_sq_row(struct gr_store *st, sqlite3_stmt *q);
/* End a listing whose last step answered rc: reset, and GR_OK unless rc is an error. */
enum gr_err gr_sq_each_end(struct gr_store *st, sqlite3_stmt *q, int rc);
/* A text column (valid until the statement moves on). */
const char *gr_sq_text(sqlite3_stmt *q, int c);
/* Map a SQLite result code to gr_err, recording the message. */
enum gr_err gr_sq_err(struct gr_store *st, int rc);
/* Copy len bytes (NUL-terminated) into the store's arena: valid until gr_store_release. */
const char *gr_sq_keep(struct gr_store *st, const char *s, size_t len);
/* Bulk mode: remember that the place of anc was written to. */
void gr_sq_touch(struct gr_store *st, const struct gr_anc *anc);
/* Recompute the counters of one grid and of its community. */
enum gr_err gr_sq_recount_grid(struct gr_store *st, int64_t grid_id);
/* The figures' pending deltas: written before the outermost commit, forgotten on
 * rollback; a savepoint's are kept or forgotten with it. */
enum gr_err gr_sq_stats_flush(struct gr_store *st);
void gr_sq_stats_discard(struct gr_store *st);
void gr_sq_stats_free(struct gr_store *st); /* at close */
void gr_sq_stats_savepoint(struct gr_store *st, bool begin, bool keep);
/* Generations of what connections of this process cache: a number that grows when the
 * thing changes, counted at the end of the transaction that changed it (at once outside
 * one), so that no connection caches the old state under the new number. */
enum gr_sq_gen { GR_GEN_CALENDAR = 0, GR_GEN_AUTH, GR_N_GENS };
uint64_t gr_sq_generation(enum gr_sq_gen g);
void gr_sq_changed(struct gr_store *st, enum gr_sq_gen g);
/* The end of a transaction: every generation it changed grows. */
void gr_sq_generations_end(struct gr_store *st);
/* Free the cached calendar (at close). */
void gr_sq_calendar_free(struct gr_store *st);
/* Current UTC time as ISO 8601 into buf (at least 32 bytes). */
void gr_sq_now(char *buf, size_t cap);

/* The VFS every connection uses (walbuf.c): the default one, with a commit's writes to
 * the log gathered into one. NULL when it cannot be registered (the default is used). */
#define GR_SQ_VFS "grassroots"
const char *gr_sq_vfs(void);

#endif
