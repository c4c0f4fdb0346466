/*
 * nodes.c - the administrative tree over HTTP: top nodes, children, boundaries, the map
 * layer, locate (point to grid) and coverage with its gaps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/log.h"
#include "../base/text.h"
#include "api.h"

static const struct gr_kind *nodes_kind(void)
{
    return gr_kind_get(GR_K_NODES);
}

json_t *gr_api_node_by_id(struct gr_req *r, int64_t id)
{
    struct gr_row row;
    if (gr_store_get(r->st, nodes_kind(), id, &row) != GR_OK)
        return NULL;
    return gr_api_node(&row);
}

/* The level at which a node is its own ancestor. */
static enum gr_level node_level(const struct gr_anc *anc, int64_t id)
{
    for (int l = GR_LEVEL_GRID; l >= GR_LEVEL_CITY; l--)
        if (anc->id[l] == id)
            return (enum gr_level)l;
    return GR_LEVEL_NONE;
}

/* [{"id","level","name"}...] from the city down to the node's parent. */
static json_t *ancestors(struct gr_req *r, const struct gr_anc *anc, int64_t self)
{
    json_t *a = json_array();
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++) {
        if (!anc->id[l] || anc->id[l] == self)
            continue;
        json_t *n = gr_api_node_by_id(r, anc->id[l]);
        if (n)
            json_array_append_new(a, n);
    }
    return a;
}

void gr_h_nodes_get(struct gr_req *r)
{
    int64_t id;
    struct gr_anc anc;
    if (!gr_req_id(r, 0, &id) || !gr_api_visible(r, nodes_kind(), id, &anc))
        return;
    json_t *n = gr_api_node_by_id(r, id);
    if (!n) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, NULL);
        return;
    }
    char *geo = NULL;
    gr_store_node_boundary_get(r->st, id, &geo);
    json_object_set_new(n, "has_boundary", json_boolean(geo != NULL));
    free(geo);
    json_object_set_new(n, "ancestors", ancestors(r, &anc, id));
    gr_reply_json(r, 200, n);
}

/* A query over nodes with one equality filter, for the caller's scope. */
static void node_query(struct gr_req *r, struct gr_query *q, const char *field, struct gr_value v)
{
    memset(q, 0, sizeof(*q));
    gr_api_scopes(r, GR_K_NODES, GR_ACT_READ, q);
    q->limit = 500;
    q->n_filters = 1;
    q->filter_field[0] = gr_kind_field(nodes_kind(), field, strlen(field));
    q->filter_value[0] = v;
}

void gr_h_nodes_list(struct gr_req *r)
{
    bool filtered = gr_req_query(r, "level") || gr_req_query(r, "under") || gr_req_query(r, "q") ||
                    gr_req_query(r, "parent_id");
    if (filtered) {
        gr_api_list(r, nodes_kind());
        return;
    }
    /* The top nodes of the caller: the cities for admin, else the nodes granted. */
    int limit;
    int64_t after;
    if (!gr_req_page(r, &limit, &after))
        return;
    if (gr_access_is_admin(&r->who)) {
        struct gr_query q;
        node_query(r, &q, "level", (struct gr_value){.present = true, .s = "city", .len = 4});
        q.limit = limit;
        q.after = after;
        gr_api_run_list(r, nodes_kind(), &q);
        return;
    }
    int64_t tops[GR_MAX_GRANTS];
    size_t n;
    gr_access_tops(&r->who, tops, &n);
    /* Ascending ids, so that the cursor works as it does for every list. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && tops[j - 1] > tops[j]; j--) {
            int64_t t = tops[j];
            tops[j] = tops[j - 1];
            tops[j - 1] = t;
        }
    json_t *items = json_array();
    int64_t last = 0;
    bool more = false;
    for (size_t i = 0; i < n; i++) {
        if (tops[i] <= after)
            continue;
        if ((int)json_array_size(items) == limit) {
            more = true;
            break;
        }
        json_t *node = gr_api_node_by_id(r, tops[i]);
        if (node) {
            json_array_append_new(items, node);
            last = tops[i];
        }
    }
    gr_reply_list(r, items, more, last);
}

void gr_h_nodes_children(struct gr_req *r)
{
    int64_t id;
    struct gr_anc anc;
    if (!gr_req_id(r, 0, &id) || !gr_api_visible(r, nodes_kind(), id, &anc))
        return;
    struct gr_query q;
    node_query(r, &q, "parent_id", (struct gr_value){.present = true, .i = id});
    int limit;
    if (!gr_req_page(r, &limit, &q.after))
        return;
    if (gr_req_query(r, "limit"))
        q.limit = limit;
    gr_api_run_list(r, nodes_kind(), &q);
}

/* The map caches every node: rebuild it after a node or a boundary changed. */
static void after_change(struct gr_req *r)
{
    enum gr_err e = gr_server_map_reload(r->srv, r->st);
    if (e)
        gr_log(GR_LOG_ERROR, "reloading the map failed: %s", gr_store_errmsg(r->st));
}

/* Validate a GeoJSON boundary and store it with its label point; replies on error. */
static bool set_boundary(struct gr_req *r, int64_t id, json_t *geo)
{
    struct gr_shape shape;
    const char *why = NULL;
    if (gr_geojson_shape(geo, &shape, &why) != GR_OK) {
        gr_reply_error(r, GR_EINVAL, "boundary", why);
        return false;
    }
    double x = 0, y = 0;
    enum gr_err e = gr_shape_label_point(&shape, &x, &y);
    size_t len = 0;
    void *blob = e ? NULL : gr_shape_pack(&shape, &len);
    gr_shape_cleanup(&shape);
    if (e) {
        gr_reply_error(r, GR_EINVAL, "boundary", "the polygon has no inside");
        return false;
    }
    /* Keep the geometry only: properties belong to the node. */
    json_t *g = json_is_string(json_object_get(geo, "type")) &&
                        strcmp(json_string_value(json_object_get(geo, "type")), "Feature") == 0
                    ? json_object_get(geo, "geometry")
                    : geo;
    char *text = json_dumps(g, JSON_COMPACT);
    e = gr_store_node_boundary_set(r->st, id, text, blob, len, y, x);
    free(text);
    free(blob);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return false;
    }
    return true;
}

void gr_h_nodes_create(struct gr_req *r)
{
    static const char *const skip[] = {"boundary", NULL};
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    enum gr_err e = gr_store_begin(r->st);
    int64_t id = e ? 0 : gr_api_create(r, nodes_kind(), obj, skip);
    json_t *geo = json_object_get(obj, "boundary");
    if (id && geo && !json_is_null(geo) && !set_boundary(r, id, geo))
        id = 0;
    json_decref(obj);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    if (!id) {
        gr_store_rollback(r->st);
        return;
    }
    if ((e = gr_store_commit(r->st))) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    after_change(r);
    gr_reply_json(r, 201, gr_api_node_by_id(r, id));
}

void gr_h_nodes_update(struct gr_req *r)
{
    int64_t id;
    struct gr_anc anc;
    if (!gr_req_id(r, 0, &id) || !gr_api_visible(r, nodes_kind(), id, &anc))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    /* A node with a boundary has its centre computed from it (a point inside): set the
     * boundary instead. */
    char *geo = NULL;
    gr_store_node_boundary_get(r->st, id, &geo);
    const char *fixed = json_object_get(obj, "lat") ? "lat" : "lon";
    if (geo && (json_object_get(obj, "lat") || json_object_get(obj, "lon"))) {
        free(geo);
        json_decref(obj);
        gr_reply_error(r, GR_EINVAL, fixed,
                       "is computed from the node's boundary; change the boundary instead");
        return;
    }
    free(geo);
    gr_api_update(r, nodes_kind(), id, obj, NULL);
    json_decref(obj);
    if (r->status == 200)
        after_change(r);
}

void gr_h_nodes_delete(struct gr_req *r)
{
    int64_t id;
    if (gr_req_id(r, 0, &id)) {
        gr_api_delete(r, nodes_kind(), id);
        if (r->status == 204)
            after_change(r);
    }
}

void gr_h_nodes_boundary_get(struct gr_req *r)
{
    int64_t id;
    struct gr_anc anc;
    if (!gr_req_id(r, 0, &id) || !gr_api_visible(r, nodes_kind(), id, &anc))
        return;
    char *geo = NULL;
    gr_store_node_boundary_get(r->st, id, &geo);
    if (!geo) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "this node has no boundary");
        return;
    }
    struct gr_buf b;
    gr_buf_init(&b, (size_t)64 << 20);
    gr_buf_printf(&b,
                  "{\"type\":\"Feature\",\"id\":%lld,\"properties\":{\"id\":%lld},"
                  "\"geometry\":%s}",
                  (long long)id, (long long)id, geo);
    free(geo);
    size_t len;
    char *text = gr_buf_take(&b, &len);
    gr_reply_raw(r, 200, "application/geo+json", text, len);
}

void gr_h_nodes_boundary_put(struct gr_req *r)
{
    int64_t id;
    struct gr_anc anc;
    if (!gr_req_id(r, 0, &id) || !gr_api_visible(r, nodes_kind(), id, &anc))
        return;
    if (!gr_access_allows(&r->who, GR_K_NODES, &anc, GR_ACT_WRITE)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "you may not change this boundary");
        return;
    }
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    enum gr_err e = gr_store_begin(r->st);
    bool ok = !e && set_boundary(r, id, obj);
    json_decref(obj);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    if (!ok) {
        gr_store_rollback(r->st);
        return;
    }
    if ((e = gr_store_commit(r->st))) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    after_change(r);
    gr_h_nodes_boundary_get(r);
}

struct geo_ctx {
    struct gr_buf b;
    const char *level;
    int n;
};

static void json_str(struct gr_buf *b, const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *t = json_dumps(j, JSON_ENCODE_ANY);
    gr_buf_adds(b, t);
    free(t);
    json_decref(j);
}

static int geo_feature(void *ctx, int64_t id, const char *code, const char *name,
                       const char *geojson)
{
    struct geo_ctx *c = ctx;
    gr_buf_printf(&c->b,
                  "%s{\"type\":\"Feature\",\"id\":%lld,\"properties\":{\"id\":%lld,"
                  "\"level\":\"%s\",\"code\":",
                  c->n++ ? "," : "", (long long)id, (long long)id, c->level);
    json_str(&c->b, code);
    gr_buf_adds(&c->b, ",\"name\":");
    json_str(&c->b, name);
    gr_buf_printf(&c->b, "},\"geometry\":%s}", geojson);
    return 0;
}

void gr_h_geo(struct gr_req *r)
{
    int64_t under;
    struct gr_anc anc;
    if (!gr_req_int(r, "under", 1, INT64_MAX, 0, &under))
        return;
    if (!under) {
        gr_reply_error(r, GR_EINVAL, "under", "is required: the node whose area to draw");
        return;
    }
    if (!gr_api_visible(r, nodes_kind(), under, &anc))
        return;
    enum gr_level ul = node_level(&anc, under);
    const char *lv = gr_req_query(r, "level");
    enum gr_level level = lv ? gr_level_parse(lv, strlen(lv)) : (enum gr_level)(ul + 1);
    if (level == GR_LEVEL_NONE || level > GR_LEVEL_GRID || level < ul) {
        gr_reply_error(r, GR_EINVAL, "level", "must be a level at or below the node's");
        return;
    }
    struct geo_ctx c = {.level = gr_level_name(level)};
    gr_buf_init(&c.b, (size_t)256 << 20);
    gr_buf_adds(&c.b, "{\"type\":\"FeatureCollection\",\"features\":[");
    enum gr_err e =
        gr_store_each_boundary(r->st, (struct gr_scope){ul, under}, level, 5000, geo_feature, &c);
    gr_buf_adds(&c.b, "]}");
    if (e) {
        gr_buf_cleanup(&c.b);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    size_t len;
    char *text = gr_buf_take(&c.b, &len);
    gr_reply_raw(r, 200, "application/geo+json", text, len);
}

/*
 * The map: every node's JSON, its parent, and the grid polygons' index, so that locate
 * answers without touching the store. Built at start and after node changes.
 */
struct gr_map {
    struct gr_geoindex *gi;
    size_t n, cap;
    int64_t *ids; /* ascending: the store lists by id */
    int64_t *parent;
    char **json;
    char **name;
};

static int map_node(void *ctx, const struct gr_row *row)
{
    struct gr_map *m = ctx;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 1024;
        m->ids = gr_realloc(m->ids, gr_mul(m->cap, sizeof(*m->ids)));
        m->parent = gr_realloc(m->parent, gr_mul(m->cap, sizeof(*m->parent)));
        m->json = gr_realloc(m->json, gr_mul(m->cap, sizeof(*m->json)));
        m->name = gr_realloc(m->name, gr_mul(m->cap, sizeof(*m->name)));
    }
    json_t *j = gr_api_node(row);
    int pi = gr_kind_field(nodes_kind(), "parent_id", 9);
    int nf = gr_kind_field(nodes_kind(), "name", 4);
    m->ids[m->n] = row->id;
    m->name[m->n] = gr_strndup(row->vals[nf].s ? row->vals[nf].s : "", row->vals[nf].len);
    m->parent[m->n] = row->vals[pi].present ? row->vals[pi].i : 0;
    m->json[m->n] = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(j);
    m->n++;
    return 0;
}

static int map_shape(void *ctx, int64_t id, const void *blob, size_t len)
{
    struct gr_shape shape;
    if (gr_shape_unpack(blob, len, &shape) == GR_OK)
        gr_geoindex_add(ctx, id, &shape);
    return 0;
}

void gr_api_map_free(void *map)
{
    struct gr_map *m = map;
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->json[i]);
        free(m->name[i]);
    }
    free(m->name);
    free(m->ids);
    free(m->parent);
    free(m->json);
    gr_geoindex_free(m->gi);
    free(m);
}

size_t gr_api_map_count(const void *map)
{
    return gr_geoindex_count(((const struct gr_map *)map)->gi);
}

enum gr_err gr_api_map_load(struct gr_store *st, void **out)
{
    struct gr_map *m = gr_calloc(1, sizeof(*m));
    m->gi = gr_geoindex_new();
    struct gr_query q = {.all = true, .limit = 10000};
    bool more = true;
    enum gr_err e = GR_OK;
    while (!e && more) {
        q.after = m->n ? m->ids[m->n - 1] : 0;
        e = gr_store_list(st, nodes_kind(), &q, map_node, m, &more);
    }
    if (!e)
        e = gr_store_each_shape(st, GR_LEVEL_GRID, map_shape, m->gi);
    gr_store_release(st);
    if (e) {
        gr_api_map_free(m);
        return e;
    }
    gr_geoindex_build(m->gi);
    *out = m;
    return GR_OK;
}

static ssize_t map_find(const struct gr_map *m, int64_t id)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && m->ids[lo] == id ? (ssize_t)lo : -1;
}

const char *gr_api_node_name(struct gr_req *r, int64_t id, char *out, size_t cap)
{
    if (!cap)
        return NULL;
    const struct gr_map *m = gr_server_map_acquire(r->srv);
    ssize_t at = m ? map_find(m, id) : -1;
    if (at >= 0)
        snprintf(out, cap, "%s", m->name[at]);
    gr_server_map_release(r->srv);
    if (at >= 0)
        return out;
    /* Not in the map (a node made since it was built): from the store. */
    const struct gr_kind *k = gr_kind_get(GR_K_NODES);
    struct gr_row row;
    int nf = gr_kind_field(k, "name", 4);
    if (nf < 0 || !cap || gr_store_get(r->st, k, id, &row) != GR_OK || !row.vals[nf].s)
        return NULL;
    snprintf(out, cap, "%s", row.vals[nf].s);
    return out;
}

bool gr_api_locate(struct gr_req *r, double lat, double lon, struct gr_anc *anc)
{
    memset(anc, 0, sizeof(*anc));
    const struct gr_map *m = gr_server_map_acquire(r->srv);
    int64_t id = m ? gr_geoindex_find(m->gi, lon, lat) : 0;
    ssize_t at = id ? map_find(m, id) : -1;
    int level = GR_LEVEL_GRID;
    for (ssize_t p = at; p >= 0 && level >= GR_LEVEL_CITY; p = map_find(m, m->parent[p]))
        anc->id[level--] = m->ids[p];
    gr_server_map_release(r->srv);
    return at >= 0;
}

void gr_h_locate(struct gr_req *r)
{
    const char *la = gr_req_query(r, "lat"), *lo = gr_req_query(r, "lon");
    double lat, lon;
    if (!la || gr_parse_f64(la, strlen(la), &lat) != GR_OK || lat < -90 || lat > 90) {
        gr_reply_error(r, GR_EINVAL, "lat", "must be a latitude from -90 to 90");
        return;
    }
    if (!lo || gr_parse_f64(lo, strlen(lo), &lon) != GR_OK || lon < -180 || lon > 180) {
        gr_reply_error(r, GR_EINVAL, "lon", "must be a longitude from -180 to 180");
        return;
    }
    const struct gr_map *m = gr_server_map_acquire(r->srv);
    int64_t id = m ? gr_geoindex_find(m->gi, lon, lat) : 0;
    ssize_t at = id ? map_find(m, id) : -1;
    if (at < 0) {
        gr_server_map_release(r->srv);
        gr_reply_error(r, GR_ENOTFOUND, NULL, "the point lies outside every grid");
        return;
    }
    /* {"grid": NODE, "ancestors": [city, ..., community]} from the cached texts. */
    ssize_t chain[GR_N_LEVELS];
    size_t n = 0;
    for (ssize_t p = map_find(m, m->parent[at]); p >= 0 && n < GR_N_LEVELS;
         p = map_find(m, m->parent[p]))
        chain[n++] = p;
    struct gr_buf b;
    gr_buf_init(&b, 1u << 20);
    size_t need = 32 + strlen(m->json[at]);
    for (size_t i = 0; i < n; i++)
        need += strlen(m->json[chain[i]]) + 1;
    gr_buf_reserve(&b, need); /* one allocation for the whole answer */
    gr_buf_adds(&b, "{\"grid\":");
    gr_buf_adds(&b, m->json[at]);
    gr_buf_adds(&b, ",\"ancestors\":[");
    for (size_t i = n; i-- > 0;) {
        gr_buf_adds(&b, m->json[chain[i]]);
        if (i)
            gr_buf_addc(&b, ',');
    }
    gr_buf_adds(&b, "]}");
    gr_server_map_release(r->srv);
    size_t len;
    char *text = gr_buf_take(&b, &len);
    gr_reply_raw(r, 200, "application/json; charset=utf-8", text, len);
}

static json_t *share(int64_t num, int64_t den)
{
    return den ? json_real((double)num / (double)den) : json_null();
}

static const char *const gap_names[] = {NULL, "grid_no_branch", "grid_no_worker",
                                        "building_no_leader", "unit_no_leader"};

static int gap_row(void *ctx, const struct gr_gap *g)
{
    json_t *o = json_pack("{s:s, s:I, s:s?, s:I, s:s?}", "kind", gap_names[g->kind], "id",
                          (json_int_t)g->id, "name", g->name, "grid_id", (json_int_t)g->grid_id,
                          "grid_name", g->grid_name);
    if (g->kind == GR_GAP_UNIT_NO_LEADER) {
        json_object_set_new(o, "building_id", json_integer(g->building_id));
        json_object_set_new(o, "building_number",
                            json_string(g->building_number ? g->building_number : ""));
    }
    json_array_append_new(ctx, o);
    return 0;
}

void gr_h_nodes_coverage(struct gr_req *r)
{
    int64_t id, max_gaps;
    struct gr_anc anc;
    if (!gr_req_id(r, 0, &id) || !gr_api_visible(r, nodes_kind(), id, &anc) ||
        !gr_req_int(r, "gaps", 0, 1000, 200, &max_gaps))
        return;
    enum gr_level level = node_level(&anc, id);
    struct gr_coverage c;
    int64_t totals[4];
    json_t *gaps = json_array();
    enum gr_err e = gr_store_coverage(r->st, level, id, &c);
    if (!e)
        e = gr_store_gap_totals(r->st, level, id, totals);
    if (!e && max_gaps)
        e = gr_store_gaps(r->st, level, id, (int)max_gaps, gap_row, gaps);
    if (e) {
        json_decref(gaps);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "node", gr_api_node_by_id(r, id));
    json_object_set_new(o, "grids", json_integer(c.grids));
    json_object_set_new(o, "grids_with_branch", json_integer(c.grids_with_branch));
    json_object_set_new(o, "grid_branch_share", share(c.grids_with_branch, c.grids));
    json_object_set_new(o, "grids_with_worker", json_integer(c.grids_with_worker));
    json_object_set_new(o, "grid_worker_share", share(c.grids_with_worker, c.grids));
    json_object_set_new(o, "buildings", json_integer(c.buildings));
    json_object_set_new(o, "buildings_with_leader", json_integer(c.buildings_with_leader));
    json_object_set_new(o, "building_leader_share", share(c.buildings_with_leader, c.buildings));
    json_object_set_new(o, "units", json_integer(c.units));
    json_object_set_new(o, "units_with_leader", json_integer(c.units_with_leader));
    json_object_set_new(o, "unit_leader_share", share(c.units_with_leader, c.units));
    json_object_set_new(o, "households", json_integer(c.households));
    json_object_set_new(o, "households_linked", json_integer(c.households_linked));
    json_object_set_new(o, "household_link_share", share(c.households_linked, c.households));
    json_object_set_new(o, "party_members", json_integer(c.party_members));
    json_object_set_new(o, "members_linking", json_integer(c.members_linking));
    json_object_set_new(o, "links", json_integer(c.links));
    json_object_set_new(o, "households_per_linking_member",
                        c.members_linking
                            ? json_real((double)c.households_linked / (double)c.members_linking)
                            : json_null());
    json_object_set_new(o, "gaps", gaps);
    json_object_set_new(o, "gaps_total",
                        json_pack("{s:I, s:I, s:I, s:I}", "grid_no_branch", (json_int_t)totals[0],
                                  "grid_no_worker", (json_int_t)totals[1], "building_no_leader",
                                  (json_int_t)totals[2], "unit_no_leader", (json_int_t)totals[3]));
    gr_reply_json(r, 200, o);
}
