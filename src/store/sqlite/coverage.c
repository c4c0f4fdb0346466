/*
 * coverage.c - derived counters, coverage of a subtree and its gaps, and boundaries.
 *
 * grid_stats keeps one row of counters per grid; the flags has_leader (buildings,
 * units) and n_links (households) are kept on the rows themselves. Both are recomputed
 * for one grid after every network write, or for a whole subtree after bulk loads, so
 * coverage of a district reads ~2,000 small rows however many households it has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/mem.h"
#include "store_int.h"

static const char *const anc_cols[GR_N_LEVELS + 1] = {NULL,        "city_id",      "district_id",
                                                      "street_id", "community_id", "grid_id"};

/* The statements that recompute a set of grids, each with one "?" bound to the scope id
 * and SCOPE standing for the scope column. */
static const char *const recount_sql[] = {
    "UPDATE buildings SET has_leader = EXISTS (SELECT 1 FROM posts p WHERE p.building_id = "
    "buildings.id AND p.kind = 'building_leader') WHERE SCOPE = ?",
    "UPDATE units SET has_leader = EXISTS (SELECT 1 FROM posts p WHERE p.unit_id = units.id "
    "AND p.kind = 'unit_leader') WHERE SCOPE = ?",
    "UPDATE households SET n_links = (SELECT count(*) FROM member_households m WHERE "
    "m.household_id = households.id) WHERE SCOPE = ?",
    "INSERT OR IGNORE INTO grid_stats(grid_id, city_id, district_id, street_id, community_id) "
    "SELECT id, city_id, district_id, street_id, community_id FROM nodes WHERE depth = 5 AND SCOPE "
    "= ?",
    "UPDATE grid_stats SET "
    "has_branch = EXISTS (SELECT 1 FROM party_orgs o WHERE o.node_id = grid_stats.grid_id AND "
    "o.kind IN ('branch', 'general_branch')), "
    "n_workers = (SELECT count(*) FROM posts p WHERE p.node_id = grid_stats.grid_id AND p.kind = "
    "'grid_worker'), "
    "buildings = (SELECT count(*) FROM buildings b WHERE b.grid_id = grid_stats.grid_id), "
    "buildings_led = (SELECT count(*) FROM buildings b WHERE b.grid_id = grid_stats.grid_id AND "
    "b.has_leader = 1), "
    "units = (SELECT count(*) FROM units u WHERE u.grid_id = grid_stats.grid_id), "
    "units_led = (SELECT count(*) FROM units u WHERE u.grid_id = grid_stats.grid_id AND "
    "u.has_leader = 1), "
    "households = (SELECT count(*) FROM households h WHERE h.grid_id = grid_stats.grid_id), "
    "households_linked = (SELECT count(*) FROM households h WHERE h.grid_id = grid_stats.grid_id "
    "AND h.n_links > 0), "
    "links = (SELECT count(*) FROM member_households m WHERE m.grid_id = grid_stats.grid_id), "
    "members = (SELECT count(*) FROM party_members pm WHERE pm.grid_id = grid_stats.grid_id), "
    "members_linking = (SELECT count(DISTINCT member_id) FROM member_households m WHERE "
    "m.grid_id = grid_stats.grid_id) "
    "WHERE SCOPE = ?",
};

/* The communities of the grids just counted (SCOPE as above), summed again whole. */
static const char rollup_sql[] =
    "INSERT OR REPLACE INTO community_stats SELECT n.id, n.city_id, n.district_id, n.street_id, "
    "count(g.grid_id), coalesce(sum(g.has_branch), 0), coalesce(sum(g.n_workers > 0), 0), "
    "coalesce(sum(g.n_workers), 0), coalesce(sum(g.buildings), 0), "
    "coalesce(sum(g.buildings_led), 0), coalesce(sum(g.units), 0), coalesce(sum(g.units_led), 0), "
    "coalesce(sum(g.households), 0), coalesce(sum(g.households_linked), 0), "
    "coalesce(sum(g.links), 0), coalesce(sum(g.members), 0) + (SELECT count(*) FROM "
    "party_members pm WHERE pm.community_id = n.id AND pm.grid_id IS NULL), "
    "coalesce(sum(g.members_linking), 0) FROM nodes n LEFT JOIN grid_stats g ON g.community_id = "
    "n.id WHERE n.depth = 4 AND n.id IN (SELECT community_id FROM nodes WHERE depth >= 4 AND "
    "SCOPE = ?) GROUP BY n.id";

static enum gr_err run_scoped(struct gr_store *st, const char *tmpl, const char *col, int64_t id)
{
    char sql[2048];
    /* "1 = ?" with id 1 selects everything. */
    const char *at = strstr(tmpl, "SCOPE");
    snprintf(sql, sizeof(sql), "%.*s%s%s", (int)(at - tmpl), tmpl, col, at + 5);
    sqlite3_stmt *q = gr_sq_prepare(st, sql);
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? GR_OK : gr_sq_err(st, rc);
}

static enum gr_err recount_rollup(struct gr_store *st, int64_t community_id)
{
    return run_scoped(st, rollup_sql, "community_id", community_id);
}

static enum gr_err recount_scope(struct gr_store *st, const char *col, int64_t id)
{
    enum gr_err e = GR_OK;
    for (size_t i = 0; !e && i < sizeof(recount_sql) / sizeof(recount_sql[0]); i++)
        e = run_scoped(st, recount_sql[i], col, id);
    return e ? e : run_scoped(st, rollup_sql, col, id);
}

/* The counters of one grid, without its community's rollup. */
static enum gr_err recount_grid_only(struct gr_store *st, int64_t grid_id)
{
    enum gr_err e = GR_OK;
    for (size_t i = 0; !e && i < sizeof(recount_sql) / sizeof(recount_sql[0]); i++)
        e = run_scoped(st, recount_sql[i], "grid_id", grid_id);
    return e;
}

enum gr_err gr_sq_recount_grid(struct gr_store *st, int64_t grid_id)
{
    enum gr_err e = recount_grid_only(st, grid_id);
    return e ? e : run_scoped(st, rollup_sql, "grid_id", grid_id);
}

/* The grids under a node, into *ids (malloc'd). */
static enum gr_err grids_under(struct gr_store *st, enum gr_level level, int64_t node_id,
                               int64_t **ids, size_t *n)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT id FROM nodes WHERE depth = 5 AND %s = ? ORDER BY id",
             anc_cols[level]);
    sqlite3_stmt *q = gr_sq_prepare(st, sql);
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, node_id);
    size_t cap = 0;
    *ids = NULL;
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *ids = gr_realloc(*ids, gr_mul(cap, sizeof(**ids)));
        }
        (*ids)[(*n)++] = sqlite3_column_int64(q, 0);
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? GR_OK : gr_sq_err(st, rc);
}

enum gr_err gr_store_recount(struct gr_store *st, enum gr_level level, int64_t node_id)
{
    if (!node_id || level < GR_LEVEL_CITY || level > GR_LEVEL_GRID)
        return recount_scope(st, "1", 1); /* everything: set-wise, one pass per table */
    if (level == GR_LEVEL_GRID)
        return gr_sq_recount_grid(st, node_id);
    /* Grid by grid, along the grid indexes, then the communities themselves (a community
     * without grids still has a row, and members above its grids). */
    int64_t *ids = NULL;
    size_t n = 0;
    enum gr_err e = grids_under(st, level, node_id, &ids, &n);
    for (size_t i = 0; !e && i < n; i++)
        e = recount_grid_only(st, ids[i]);
    free(ids);
    if (!e)
        e = run_scoped(st, rollup_sql, anc_cols[level], node_id);
    return e;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void gr_sq_touch(struct gr_store *st, const struct gr_anc *anc)
{
    int64_t id = anc->id[GR_LEVEL_GRID] ? anc->id[GR_LEVEL_GRID] : -anc->id[GR_LEVEL_COMMUNITY];
    if (!id || (st->n_touched && st->touched[st->n_touched - 1] == id))
        return;
    if (st->n_touched == st->cap_touched) {
        st->cap_touched = st->cap_touched ? st->cap_touched * 2 : 256;
        st->touched = gr_realloc(st->touched, gr_mul(st->cap_touched, sizeof(*st->touched)));
    }
    st->touched[st->n_touched++] = id;
}

enum gr_err gr_store_recount_touched(struct gr_store *st)
{
    /* Grids are kept by their id, places above the grids by minus their community's id:
     * first every grid, then each community once. */
    if (st->n_touched == 0)
        return GR_OK;
    qsort(st->touched, st->n_touched, sizeof(*st->touched), cmp_id);
    enum gr_err e = GR_OK;
    size_t n = 0;
    int64_t prev = 0;
    for (size_t i = 0; !e && i < st->n_touched; i++) {
        int64_t id = st->touched[i];
        if (i && id == prev)
            continue;
        prev = id;
        if (id > 0) {
            struct gr_anc anc;
            e = recount_grid_only(st, id);
            if (!e)
                e = gr_store_anc(st, gr_kind_get(GR_K_NODES), id, &anc);
            id = e ? 0 : -anc.id[GR_LEVEL_COMMUNITY];
        }
        if (id)
            st->touched[n++] = id; /* reuse the array for the communities */
    }
    if (n)
        qsort(st->touched, n, sizeof(*st->touched), cmp_id);
    for (size_t i = 0; !e && i < n; i++)
        if (!i || st->touched[i] != st->touched[i - 1])
            e = recount_rollup(st, -st->touched[i]);
    st->n_touched = 0;
    return e;
}

/* One statement run with one id: a row of counters, or an error. */
static enum gr_err sum_row(struct gr_store *st, const char *sql, int64_t id, int64_t *out, int n)
{
    sqlite3_stmt *q = gr_sq_prepare(st, sql);
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    for (int i = 0; i < n; i++)
        out[i] = rc == SQLITE_ROW ? sqlite3_column_int64(q, i) : 0;
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? GR_OK : gr_sq_err(st, rc);
}

/* The counters of a subtree: of its grid, or summed over its communities' rollups, in the
 * order grids, with branch, with worker, workers, buildings, led, units, led, households,
 * linked, links, members, members linking. */
#define N_COUNTERS 13
static enum gr_err counters(struct gr_store *st, enum gr_level level, int64_t node_id,
                            int64_t c[N_COUNTERS])
{
    char sql[768];
    if (level == GR_LEVEL_GRID)
        return sum_row(st,
                       "SELECT 1, has_branch, n_workers > 0, n_workers, buildings, buildings_led, "
                       "units, units_led, households, households_linked, links, members, "
                       "members_linking FROM grid_stats WHERE grid_id = ?",
                       node_id, c, N_COUNTERS);
    snprintf(sql, sizeof(sql),
             "SELECT count(*), sum(grids), sum(grids_with_branch), sum(grids_with_worker), "
             "sum(n_workers), sum(buildings), sum(buildings_led), sum(units), sum(units_led), "
             "sum(households), sum(households_linked), sum(links), sum(members), "
             "sum(members_linking) FROM community_stats WHERE %s = ?",
             anc_cols[level]);
    int64_t row[N_COUNTERS + 1];
    enum gr_err e = sum_row(st, sql, node_id, row, N_COUNTERS + 1);
    if (e)
        return e;
    memcpy(c, row + 1, sizeof(int64_t) * N_COUNTERS);
    if (level == GR_LEVEL_COMMUNITY)
        return GR_OK;
    /* Party members serving above the communities (a street's own organisation...). */
    int64_t above;
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM party_members WHERE %s = ? AND community_id IS NULL",
             anc_cols[level]);
    if ((e = sum_row(st, sql, node_id, &above, 1)))
        return e;
    c[11] += above;
    return GR_OK;
}

enum gr_err gr_store_coverage(struct gr_store *st, enum gr_level level, int64_t node_id,
                              struct gr_coverage *out)
{
    memset(out, 0, sizeof(*out));
    if (level < GR_LEVEL_CITY || level > GR_LEVEL_GRID)
        return GR_EINVAL;
    int64_t c[N_COUNTERS];
    enum gr_err e = counters(st, level, node_id, c);
    if (e)
        return e;
    out->grids = c[0];
    out->grids_with_branch = c[1];
    out->grids_with_worker = c[2];
    out->grid_workers = c[3];
    out->buildings = c[4];
    out->buildings_with_leader = c[5];
    out->units = c[6];
    out->units_with_leader = c[7];
    out->households = c[8];
    out->households_linked = c[9];
    out->links = c[10];
    out->party_members = c[11];
    out->members_linking = c[12];
    return GR_OK;
}

enum gr_err gr_store_gaps(struct gr_store *st, enum gr_level level, int64_t node_id, int limit,
                          gr_gap_fn fn, void *ctx)
{
    if (level < GR_LEVEL_CITY || level > GR_LEVEL_GRID)
        return GR_EINVAL;
    const char *col = anc_cols[level];
    char sql[4][640];
    snprintf(sql[0], sizeof(sql[0]),
             "SELECT g.grid_id, n.name, g.grid_id, n.name, 0, NULL FROM grid_stats g JOIN nodes n "
             "ON n.id = g.grid_id WHERE g.%s = ? AND g.has_branch = 0 ORDER BY g.grid_id LIMIT ?",
             level == GR_LEVEL_GRID ? "grid_id" : col);
    snprintf(sql[1], sizeof(sql[1]),
             "SELECT g.grid_id, n.name, g.grid_id, n.name, 0, NULL FROM grid_stats g JOIN nodes n "
             "ON n.id = g.grid_id WHERE g.%s = ? AND g.n_workers = 0 ORDER BY g.grid_id LIMIT ?",
             level == GR_LEVEL_GRID ? "grid_id" : col);
    snprintf(sql[2], sizeof(sql[2]),
             "SELECT b.id, b.number, b.grid_id, n.name, b.id, b.number FROM buildings b JOIN nodes "
             "n ON n.id = b.grid_id WHERE b.%s = ? AND b.has_leader = 0 ORDER BY b.id LIMIT ?",
             col);
    snprintf(sql[3], sizeof(sql[3]),
             "SELECT u.id, u.number, u.grid_id, n.name, b.id, b.number FROM units u JOIN buildings "
             "b ON b.id = u.building_id JOIN nodes n ON n.id = u.grid_id WHERE u.%s = ? AND "
             "u.has_leader = 0 ORDER BY u.id LIMIT ?",
             col);
    static const enum gr_gap_kind kinds[4] = {GR_GAP_GRID_NO_BRANCH, GR_GAP_GRID_NO_WORKER,
                                              GR_GAP_BUILDING_NO_LEADER, GR_GAP_UNIT_NO_LEADER};
    int left = limit;
    for (int i = 0; i < 4 && left > 0; i++) {
        sqlite3_stmt *q = gr_sq_prepare(st, sql[i]);
        if (!q)
            return GR_EDB;
        sqlite3_bind_int64(q, 1, node_id);
        sqlite3_bind_int(q, 2, left);
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            struct gr_gap g = {
                .kind = kinds[i],
                .id = sqlite3_column_int64(q, 0),
                .name = (const char *)sqlite3_column_text(q, 1),
                .grid_id = sqlite3_column_int64(q, 2),
                .grid_name = (const char *)sqlite3_column_text(q, 3),
                .building_id = sqlite3_column_int64(q, 4),
                .building_number = (const char *)sqlite3_column_text(q, 5),
            };
            left--;
            if (fn(ctx, &g)) {
                sqlite3_reset(q);
                return GR_OK;
            }
        }
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            return gr_sq_err(st, rc);
    }
    return GR_OK;
}

enum gr_err gr_store_gap_totals(struct gr_store *st, enum gr_level level, int64_t node_id,
                                int64_t totals[4])
{
    if (level < GR_LEVEL_CITY || level > GR_LEVEL_GRID)
        return GR_EINVAL;
    int64_t c[N_COUNTERS];
    enum gr_err e = counters(st, level, node_id, c);
    if (e)
        return e;
    totals[0] = c[0] - c[1];
    totals[1] = c[0] - c[2];
    totals[2] = c[4] - c[5];
    totals[3] = c[6] - c[7];
    return GR_OK;
}

enum gr_err gr_store_node_boundary_set(struct gr_store *st, int64_t node_id, const char *geojson,
                                       const void *shape, size_t shape_len, double center_lat,
                                       double center_lon)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "UPDATE nodes SET boundary = ?, shape = ?, lat = ?, lon = "
                                        "?, updated_at = ? WHERE id = ?");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_text(q, 1, geojson, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(q, 2, shape, (int)shape_len, SQLITE_TRANSIENT);
    sqlite3_bind_double(q, 3, center_lat);
    sqlite3_bind_double(q, 4, center_lon);
    sqlite3_bind_text(q, 5, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 6, node_id);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return gr_sq_err(st, rc);
    return sqlite3_changes(st->db) ? GR_OK : GR_ENOTFOUND;
}

enum gr_err gr_store_node_boundary_get(struct gr_store *st, int64_t node_id, char **geojson)
{
    *geojson = NULL;
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT boundary FROM nodes WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, node_id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
        *geojson = gr_strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return GR_ENOTFOUND;
    return rc == SQLITE_ROW ? GR_OK : gr_sq_err(st, rc);
}

enum gr_err gr_store_each_shape(struct gr_store *st, enum gr_level level, gr_shape_fn fn, void *ctx)
{
    sqlite3_stmt *q =
        gr_sq_prepare(st, "SELECT id, shape FROM nodes WHERE depth = ? AND shape IS NOT NULL "
                          "ORDER BY id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, (int)level);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (fn(ctx, sqlite3_column_int64(q, 0), sqlite3_column_blob(q, 1),
               (size_t)sqlite3_column_bytes(q, 1)))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_each_boundary(struct gr_store *st, struct gr_scope under, enum gr_level level,
                                   int limit, gr_boundary_fn fn, void *ctx)
{
    if (under.level < GR_LEVEL_CITY || under.level > GR_LEVEL_GRID)
        return GR_EINVAL;
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT id, code, name, boundary FROM nodes WHERE %s = ? AND depth = ? AND boundary "
             "IS NOT NULL ORDER BY id LIMIT ?",
             anc_cols[under.level]);
    sqlite3_stmt *q = gr_sq_prepare(st, sql);
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, under.id);
    sqlite3_bind_int(q, 2, (int)level);
    sqlite3_bind_int(q, 3, limit);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (fn(ctx, sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1),
               (const char *)sqlite3_column_text(q, 2), (const char *)sqlite3_column_text(q, 3)))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}
