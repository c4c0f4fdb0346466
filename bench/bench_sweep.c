/*
 * bench_sweep.c - the deadline sweep (gr_case_sweep) over a backlog of open cases: first
 * as of now (it catches up: escalates the overdue, warns those due soon), again at once
 * (the steady state: little to do), and as of a day later (many cases fall due).
 *
 * usage: bench_sweep DB N   DB: a demo database (changed); N open cases to add first (0:
 * none). Each is filed (gr_case_intake, a grid-level matter of the published list, in
 * turn, at a random grid), accepted and dispatched (gr_case_act by the admin), at times
 * spread evenly over the 30 days before now, so that it is dispatched with its working-time
 * deadline: long past for most, due within 3 days or later for the newest. ~1000 cases a
 * transaction. Prints the adding rate, the open cases in the store by deadline, and per
 * sweep its seconds and report.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/case_ops.h"
#include "grids.h"
#include "store/store.h"

#define DAY_S 86400
#define BATCH 1000
#define MAX_MATTERS 64

/* The codes of the grid-level matters of a version (小事不出网格: they can climb the
 * whole ladder). */
struct matters {
    char code[MAX_MATTERS][32];
    size_t n;
    char last[32];
};

static int matter_row(void *ctx, const struct gr_matter *m)
{
    struct matters *ms = ctx;
    snprintf(ms->last, sizeof(ms->last), "%s", m->code);
    if (m->owner_level == GR_LEVEL_GRID && !m->owner_dept && ms->n < MAX_MATTERS)
        snprintf(ms->code[ms->n++], sizeof(ms->code[0]), "%s", m->code);
    return 0;
}

/* One integer from a query on the second connection (-1 on failure). */
static long long one(sqlite3 *db, const char *sql, long long a)
{
    sqlite3_stmt *q;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_sweep: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    if (sqlite3_bind_parameter_count(q) > 0)
        sqlite3_bind_int64(q, 1, a);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

#define OPEN "status IN ('accepted', 'dispatched', 'in_progress')"

/* The open cases of the store, and how they stand as of t. */
static void report_open(const char *path, int64_t t)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_sweep: %s: %s\n", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return;
    }
    sqlite3_busy_timeout(db, 5000);
    printf("cases stored: %lld\n", one(db, "SELECT count(*) FROM cases", 0));
    printf("cases open: %lld\n", one(db, "SELECT count(*) FROM cases WHERE " OPEN, 0));
    printf("open past deadline: %lld\n",
           one(db, "SELECT count(*) FROM cases WHERE " OPEN " AND resolve_due < ?", t));
    printf("open due within 3 days: %lld\n",
           one(db,
               "SELECT count(*) FROM cases WHERE " OPEN
               " AND resolve_due >= ?1 AND resolve_due < ?1 + 3 * 86400",
               t));
    printf(
        "open due later: %lld\n",
        one(db, "SELECT count(*) FROM cases WHERE " OPEN " AND resolve_due >= ? + 3 * 86400", t));
    printf("open marked yellow: %lld\n",
           one(db, "SELECT count(*) FROM cases WHERE " OPEN " AND alarm = 1", 0));
    printf("open marked red: %lld\n",
           one(db, "SELECT count(*) FROM cases WHERE " OPEN " AND alarm = 2", 0));
    sqlite3_close(db);
}

/* Take one action on a case as the admin. */
static int act(struct gr_store *st, const struct gr_principal *admin, const struct gr_case *c,
               enum gr_caction action, int64_t at)
{
    struct gr_case_act a = {.action = action};
    struct gr_case out;
    struct gr_case_fail f;
    unsigned actor = gr_case_actor(st, admin, c);
    if (gr_case_act(st, c->id, actor, admin->user_id, &a, at, &out, &f)) {
        fprintf(stderr, "bench_sweep: %s case %lld: %s %s\n", gr_caction_name(action),
                (long long)c->id, f.field ? f.field : "", f.why);
        return 1;
    }
    return 0;
}

/* Add n cases, dispatched, filed evenly over the 30 days before now. */
static int add_cases(struct gr_store *st, const char *path, long n, int64_t now)
{
    struct grids g = {0};
    if (!grids_load(st, &g)) {
        fprintf(stderr, "bench_sweep: no grids in %s\n", path);
        return 1;
    }
    int version;
    struct matters ms = {0};
    if (gr_store_matter_current(st, now - 30 * DAY_S, &version) != GR_OK) {
        fprintf(stderr, "bench_sweep: no responsibility list published 30 days ago\n");
        return 1;
    }
    bool more;
    do {
        if (gr_store_matters(st, version, *ms.last ? ms.last : NULL, 100, matter_row, &ms, &more) !=
            GR_OK)
            return 1;
    } while (more);
    gr_store_release(st);
    if (!ms.n) {
        fprintf(stderr, "bench_sweep: no grid-level matter in version %d\n", version);
        return 1;
    }
    fprintf(stderr, "bench_sweep: %zu grids, %zu grid-level matters (%s..%s)\n", g.n, ms.n,
            ms.code[0], ms.code[ms.n - 1]);
    /* The admin, as the API finds an account with an admin grant (the demo's user 1). */
    struct gr_principal admin = {.user_id = 1, .n_grants = 1, .grants = {{.role = GR_ROLE_ADMIN}}};
    /* Filed at from + i * step; accepted 5 and dispatched 10 minutes later, before now. */
    int64_t from = now - 30 * DAY_S;
    double step = (double)(30 * DAY_S - 600) / (double)n;
    unsigned seed = 7;
    double t0 = now_s();
    for (long done = 0; done < n;) {
        if (gr_store_begin(st) != GR_OK)
            return 1;
        for (long i = 0; i < BATCH && done < n; i++, done++) {
            int64_t at = from + (int64_t)((double)done * step);
            size_t where = (size_t)(rand_r(&seed) % (int)g.n);
            struct gr_intake in = {.channel = "web",
                                   .matter_code = ms.code[done % (long)ms.n],
                                   .description = "楼道口垃圾堆放，请清理",
                                   .has_point = true,
                                   .lat = g.lat[where],
                                   .lon = g.lon[where],
                                   .anc = g.anc[where],
                                   .requester_user_id = 1,
                                   .actor_user_id = 1,
                                   .now = at};
            struct gr_case c;
            struct gr_case_fail f;
            if (gr_case_intake(st, &in, &c, &f)) {
                fprintf(stderr, "bench_sweep: intake: %s %s\n", f.field ? f.field : "", f.why);
                return 1;
            }
            if (act(st, &admin, &c, GR_CA_ACCEPT, at + 300) ||
                act(st, &admin, &c, GR_CA_DISPATCH, at + 600))
                return 1;
        }
        if (gr_store_commit(st) != GR_OK) {
            fprintf(stderr, "bench_sweep: commit: %s\n", gr_store_errmsg(st));
            return 1;
        }
        gr_store_release(st);
        if (done % 100000 == 0 || done == n)
            fprintf(stderr, "bench_sweep: %ld cases added, %.0f s\n", done, now_s() - t0);
    }
    double total = now_s() - t0;
    printf("cases added: %ld (intake, accept, dispatch) in %.1f s\n", n, total);
    printf("adding cases/s: %.0f\n", (double)n / total);
    grids_free(&g);
    return 0;
}

/* One timed sweep as of t. */
static int sweep(struct gr_store *st, const char *name, int64_t t)
{
    struct gr_sweep_report rep;
    double a = now_s();
    enum gr_err e = gr_case_sweep(st, t, NULL, NULL, &rep);
    double s = now_s() - a;
    if (e) {
        fprintf(stderr, "bench_sweep: sweep %s failed: %s (%s)\n", name, gr_strerror(e),
                gr_store_errmsg(st));
        return 1;
    }
    printf("sweep %s seconds: %.3f (examined %lld, escalated %lld, red %lld, yellow %lld)\n", name,
           s, (long long)rep.examined, (long long)rep.escalated, (long long)rep.red,
           (long long)rep.yellow);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_sweep DB N\n");
        return 2;
    }
    long n = strtol(argv[2], NULL, 10);
    struct gr_store *st;
    if (gr_store_open(argv[1], false, &st) != GR_OK) {
        fprintf(stderr, "bench_sweep: cannot open %s\n", argv[1]);
        return 1;
    }
    if (n > 0 && add_cases(st, argv[1], n, (int64_t)time(NULL)))
        return 1;
    report_open(argv[1], (int64_t)time(NULL));
    fflush(stdout);
    int64_t now = (int64_t)time(NULL);
    if (sweep(st, "first", now) || sweep(st, "again", (int64_t)time(NULL)) ||
        sweep(st, "next day", (int64_t)time(NULL) + DAY_S))
        return 1;
    gr_store_close(st);
    return 0;
}
