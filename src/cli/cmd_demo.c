/*
 * cmd_demo.c - `grassroots demo`: a new database holding the synthetic city of
 * core/demo.c, written in one bulk transaction, with one login per role.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../api/api.h"
#include "../core/demo.h"
#include "cli.h"
#include "cli_int.h"

static const char help[] =
    "usage: grassroots demo --db FILE [--scale small|city] [--seed N] [--cases N]\n"
    "                       [--admin-password PW] [--demo-password PW]\n"
    "\n"
    "Create FILE holding a deterministic synthetic city placed in Jiangxi: the administrative\n"
    "tree with grid boundaries, buildings, units, households and residents, the party network\n"
    "with deliberate coverage gaps, stakeholder organisations and one login per role; the\n"
    "published duty list with the working calendar, and a year of cases.\n"
    "  --scale small   ~100 grids, ~30,000 households (default; seconds)\n"
    "  --scale city    ~30,000 grids, ~3.5 million households, ~10 million residents\n"
    "  --seed N        the same seed gives the same city (default 1)\n"
    "  --cases N       N cases over the past year, in every status (default 2000 for small,\n"
    "                  0 for city), up to now: the same seed and moment give the same cases\n"
    "  --admin-password PW  password of `admin` (default admin-pass-2026)\n"
    "  --demo-password PW   password of every demo login (default demo-pass-2026)\n";

struct sink_ctx {
    struct gr_store *st;
    char hash[256]; /* one argon2id hash (own salt) shared by the demo logins */
    size_t n_users;
    char logins[16][128];
    uint64_t rows;
    struct gr_cli_demo_who who; /* the demo logins (the resident is linked to a household) */
    int64_t open_cases;
};

/* Remember the demo logins the cases need: the staff of each level, the grid worker, the
 * resident and the department handler (the first of each). */
static void remember(struct sink_ctx *c, int64_t id, enum gr_role role, int64_t node_id,
                     int64_t organisation_id)
{
    static const struct {
        enum gr_role role;
        enum gr_level level;
    } staff[] = {{GR_ROLE_CITY_STAFF, GR_LEVEL_CITY},
                 {GR_ROLE_DISTRICT_STAFF, GR_LEVEL_DISTRICT},
                 {GR_ROLE_STREET_STAFF, GR_LEVEL_STREET},
                 {GR_ROLE_COMMUNITY_STAFF, GR_LEVEL_COMMUNITY},
                 {GR_ROLE_GRID_WORKER, GR_LEVEL_GRID}};
    struct gr_cli_demo_who *w = &c->who;
    for (size_t i = 0; i < sizeof(staff) / sizeof(staff[0]); i++)
        if (role == staff[i].role && !w->user[staff[i].level]) {
            w->user[staff[i].level] = id;
            w->node[staff[i].level] = node_id;
        }
    if (role == GR_ROLE_RESIDENT && !w->resident) {
        w->resident = id;
        w->resident_grid = node_id;
    }
    if (role == GR_ROLE_DEPARTMENT_HANDLER && !w->dept_user) {
        w->dept_user = id;
        w->dept_org = organisation_id;
    }
}

static enum gr_err emit(void *ctx, const struct gr_kind *k, const struct gr_value *vals,
                        int64_t *out_id)
{
    struct sink_ctx *c = ctx;
    struct gr_verr ve = {0};
    enum gr_err e = gr_store_insert(c->st, k, 0, vals, out_id, &ve);
    if (e)
        fprintf(stderr, "\ngrassroots demo: %s.%s: %s (%s)\n", k->name, ve.field ? ve.field : "-",
                ve.message ? ve.message : gr_strerror(e), gr_store_errmsg(c->st));
    c->rows++;
    return e;
}

static enum gr_err boundary(void *ctx, int64_t node_id, const struct gr_shape *shape)
{
    struct sink_ctx *c = ctx;
    double x, y;
    enum gr_err e = gr_shape_label_point(shape, &x, &y);
    if (e)
        return e;
    size_t len;
    void *blob = gr_shape_pack(shape, &len);
    char *text = gr_geojson_text(shape);
    e = gr_store_node_boundary_set(c->st, node_id, text, blob, len, y, x);
    free(text);
    free(blob);
    return e;
}

static enum gr_err user(void *ctx, const char *login, const char *name, enum gr_role role,
                        int64_t node_id, int64_t organisation_id)
{
    struct sink_ctx *c = ctx;
    int64_t id;
    enum gr_err e = gr_store_user_create(c->st, login, name, c->hash, &id);
    if (!e)
        e = gr_store_grant_add(c->st, id, role, node_id, organisation_id);
    if (!e)
        remember(c, id, role, node_id, organisation_id);
    if (!e && c->n_users < 16)
        snprintf(c->logins[c->n_users++], sizeof(c->logins[0]), "%-10s %-20s %s", login,
                 gr_role_name(role), name);
    return e;
}

/* The demo logins as printed, and as `serve` prints them again at start. */
static const char *logins_text(struct sink_ctx *c, const char *demo_pw, const char *admin_pw)
{
    static char text[4096];
    size_t at = (size_t)snprintf(text, sizeof(text),
                                 "demo logins (password %s; admin's is %s):\n  %-10s %-20s %s\n",
                                 demo_pw, admin_pw, "admin", "admin", "系统管理员");
    for (size_t i = 0; i < c->n_users && at < sizeof(text); i++)
        at += (size_t)snprintf(text + at, sizeof(text) - at, "  %s\n", c->logins[i]);
    return text;
}

static int first_id(void *ctx, const struct gr_row *row)
{
    *(int64_t *)ctx = row->id;
    return 1;
}

/* The demo resident stands for the head of an occupied household of their grid and
 * represents it, so that they can vote as a household or an owner. */
static enum gr_err link_resident(struct sink_ctx *c)
{
    if (!c->who.resident)
        return GR_OK;
    const struct gr_kind *hk = gr_kind_get(GR_K_HOUSEHOLDS), *rk = gr_kind_get(GR_K_RESIDENTS);
    struct gr_query q = {.all = true, .limit = 1};
    q.under = (struct gr_scope){GR_LEVEL_GRID, c->who.resident_grid};
    q.n_filters = 1;
    q.filter_field[0] = gr_kind_field(hk, "occupancy", 9);
    q.filter_value[0] = (struct gr_value){.present = true, .s = "owner_occupied", .len = 14};
    int64_t household = 0, resident = 0;
    bool more;
    enum gr_err e = gr_store_list(c->st, hk, &q, first_id, &household, &more);
    if (e || !household)
        return e;
    struct gr_query rq = {.all = true, .limit = 1, .n_filters = 2};
    rq.filter_field[0] = gr_kind_field(rk, "household_id", 12);
    rq.filter_value[0] = (struct gr_value){.present = true, .i = household};
    rq.filter_field[1] = gr_kind_field(rk, "relation", 8);
    rq.filter_value[1] = (struct gr_value){.present = true, .s = "head", .len = 4};
    if ((e = gr_store_list(c->st, rk, &rq, first_id, &resident, &more)))
        return e;
    return gr_store_user_link(c->st, c->who.resident, resident, household, true);
}

static double since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The case catalogues and duty list, then n cases and the figures they make. */
static enum gr_err demo_cases(struct sink_ctx *c, uint64_t seed, int64_t n, double *secs,
                              double *recount_secs)
{
    struct gr_user admin;
    int64_t now = (int64_t)time(NULL);
    enum gr_err e = gr_store_user_by_login(c->st, "admin", &admin);
    if (!e)
        e = gr_cli_demo_catalogue(c->st, admin.id, now);
    gr_store_release(c->st);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!e && n)
        e = gr_cli_demo_cases(c->st, &c->who, seed, n, now, &c->open_cases);
    *secs = since(&t0);
    if (!e && n) {
        gr_cli_progress("counting the figures", 0, 0);
        e = gr_store_figures_recount(c->st);
    }
    *recount_secs = since(&t0) - *secs;
    return e;
}

static void progress(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
    gr_cli_progress(phase, done, total);
}

int gr_cmd_demo(int argc, char **argv)
{
    const char *db = NULL, *scale = "small", *seed = "1", *admin_pw = "admin-pass-2026",
               *demo_pw = "demo-pass-2026", *cases = NULL;
    const struct gr_opt opts[] = {{"--db", true, &db},
                                  {"--scale", true, &scale},
                                  {"--seed", true, &seed},
                                  {"--cases", true, &cases},
                                  {"--admin-password", true, &admin_pw},
                                  {"--demo-password", true, &demo_pw},
                                  {NULL, false, NULL}};
    int n_pos, done;
    if ((done = gr_cli_start(argc, argv, opts, NULL, 0, &n_pos, help)) >= 0)
        return done;
    int64_t seed_n, n_cases;
    struct gr_demo_opts o = {GR_DEMO_SMALL, 1};
    if (!db) {
        fprintf(stderr, "grassroots demo: --db is required\n%s", help);
        return GR_EXIT_USAGE;
    }
    if (strcmp(scale, "small") == 0)
        o.scale = GR_DEMO_SMALL;
    else if (strcmp(scale, "city") == 0)
        o.scale = GR_DEMO_CITY;
    else {
        fprintf(stderr, "grassroots demo: --scale must be small or city\n");
        return GR_EXIT_USAGE;
    }
    if (!gr_cli_int("--seed", seed, 0, INT64_MAX, &seed_n))
        return GR_EXIT_USAGE;
    o.seed = (uint64_t)seed_n;
    if (!cases)
        cases = o.scale == GR_DEMO_SMALL ? "2000" : "0";
    if (!gr_cli_int("--cases", cases, 0, 1000000000, &n_cases))
        return GR_EXIT_USAGE;
    if (!gr_cli_password_ok("--demo-password", demo_pw))
        return GR_EXIT_USAGE;

    struct timespec t0;
    double cases_secs = 0, recount_secs = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    static struct sink_ctx c;
    memset(&c, 0, sizeof(c));
    if (gr_cli_new_db(db, admin_pw, &c.st) != GR_OK)
        return GR_EXIT_FAIL;
    enum gr_err e = gr_password_hash(demo_pw, c.hash, sizeof(c.hash));
    struct gr_demo_sink sink = {&c, emit, boundary, user, progress};
    gr_store_bulk(c.st, true);
    if (!e)
        e = gr_store_begin(c.st);
    if (!e) {
        e = gr_demo_generate(&o, &sink);
        gr_cli_progress_end();
        if (!e)
            e = link_resident(&c);
        const struct gr_cli_demo_who *w = &c.who;
        if (!e && w->user[GR_LEVEL_COMMUNITY] && w->resident)
            e = gr_cli_demo_consult(c.st, w->node[GR_LEVEL_COMMUNITY], w->resident_grid,
                                    w->user[GR_LEVEL_COMMUNITY], w->resident);
        if (!e)
            e = demo_cases(&c, o.seed, n_cases, &cases_secs, &recount_secs);
        if (!e) {
            gr_cli_progress("counting coverage", 0, 0);
            e = gr_store_recount(c.st, GR_LEVEL_NONE, 0);
        }
        if (!e)
            e = gr_store_setting_set(c.st, "level_names",
                                     "{\"city\":\"市\",\"district\":\"区\",\"street\":\"街道\","
                                     "\"community\":\"社区\",\"grid\":\"网格\"}");
        if (!e)
            e = gr_store_setting_set(c.st, "demo_logins", logins_text(&c, demo_pw, admin_pw));
        if (!e)
            e = gr_store_commit(c.st);
        else
            gr_store_rollback(c.st);
    }
    gr_store_bulk(c.st, false);
    gr_cli_progress_end();
    if (e) {
        fprintf(stderr, "grassroots demo: failed: %s\n", gr_store_errmsg(c.st));
        gr_store_close(c.st);
        unlink(db);
        return GR_EXIT_FAIL;
    }
    gr_store_close(c.st);
    double secs = since(&t0);
    printf("created %s: %s city, seed %lld, %llu records in %.1f s\n", db, scale, (long long)seed_n,
           (unsigned long long)c.rows, secs);
    if (n_cases)
        printf("%lld cases (%lld still open) in %.1f s (%.0f/s), their figures in %.1f s\n",
               (long long)n_cases, (long long)c.open_cases, cases_secs,
               cases_secs > 0 ? (double)n_cases / cases_secs : 0.0, recount_secs);
    fputs(logins_text(&c, demo_pw, admin_pw), stdout);
    return GR_EXIT_OK;
}
