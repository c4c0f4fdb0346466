/*
 * test_demo.c - the synthetic city at small scale, caught by an in-memory sink: sizes,
 * every record valid and its references earlier, codes and numbers well formed, label points
 * inside, levels that tile, deliberate coverage gaps, the demo logins, and determinism.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/mem.h"
#include "base/text.h"
#include "core/demo.h"

/* What the sink remembers of each id (ids are handed out 1, 2, 3...). */
enum { F_BRANCH = 1, F_WORKER = 2, F_LEADER = 4, F_LINKED = 8 };

struct node_info {
    int64_t parent;
    enum gr_level level;
    double lat, lon;
    bool has_shape;
    struct gr_shape shape;
    char code[24];
};

struct point {
    int64_t grid;
    double lat, lon;
};

struct sink {
    int64_t next;
    size_t cap;
    uint8_t *kind;  /* kind of each id */
    uint8_t *flags; /* F_* of each id */
    struct node_info *nodes;
    size_t cap_nodes;
    struct point *buildings;
    size_t n_buildings, cap_buildings;
    char **codes; /* unique codes seen, as "kind:code" */
    size_t n_codes, cap_codes;
    uint64_t count[GR_N_KINDS];
    uint64_t invalid, bad_refs, bad_numbers, boundaries;
    uint64_t hash;
    uint64_t residents_in_service, members_in_service;
    char logins[16][16];
    enum gr_role roles[16];
    int64_t login_node[16], login_org[16];
    size_t n_logins;
    uint64_t fail_at; /* emit fails with GR_EDB at this record (0: never) */
    bool check;       /* validate and remember (off for the timing run) */
};

static void hash_bytes(struct sink *s, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        s->hash = (s->hash ^ b[i]) * 0x100000001b3ull;
}

static const struct gr_value *field(const struct gr_kind *k, const struct gr_value *v,
                                    const char *name)
{
    int i = gr_kind_field(k, name, strlen(name));
    assert_true(i >= 0);
    return v[i].present && !v[i].null ? &v[i] : NULL;
}

static bool is_text(const struct gr_value *v, const char *s)
{
    return v && v->len == strlen(s) && memcmp(v->s, s, v->len) == 0;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool id_number_ok(const struct gr_value *v)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    if (!v || v->len != 18 || !all_digits(v->s, 17) || memcmp(v->s, "36", 2) != 0)
        return false;
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (v->s[i] - '0') * w[i];
    char date[11] = {v->s[6],  v->s[7], v->s[8],  v->s[9],  '-', v->s[10],
                     v->s[11], '-',     v->s[12], v->s[13], '\0'};
    return v->s[17] == "10X98765432"[sum % 11] && gr_date_valid(date, 10);
}

static bool phone_ok(const struct gr_value *v)
{
    if (!v)
        return true;
    if (v->len == 11)
        return v->s[0] == '1' && all_digits(v->s, 11);
    return v->len == 13 && memcmp(v->s, "0791-", 5) == 0 && all_digits(v->s + 5, 8);
}

static void remember_code(struct sink *s, const struct gr_kind *k, const struct gr_value *v)
{
    if (!v)
        return;
    if (s->n_codes == s->cap_codes) {
        s->cap_codes = s->cap_codes ? 2 * s->cap_codes : 256;
        s->codes = gr_realloc(s->codes, s->cap_codes * sizeof(char *));
    }
    char buf[128];
    snprintf(buf, sizeof(buf), "%s:%.*s", k->name, (int)v->len, v->s);
    s->codes[s->n_codes++] = gr_strdup(buf);
}

/* References point to ids handed out before, of the right kind (and level for nodes). */
static void check_refs(struct sink *s, const struct gr_kind *k, const struct gr_value *vals)
{
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct gr_field *f = &k->fields[i];
        if (f->type != GR_FT_REF || !vals[i].present)
            continue;
        int64_t id = vals[i].i;
        const struct gr_kind *want = gr_kind_find(f->ref_kind, strlen(f->ref_kind));
        if (id <= 0 || id > s->next || s->kind[id] != want->id)
            s->bad_refs++;
        else if (want->id == GR_K_NODES && f->ref_level != GR_LEVEL_NONE &&
                 s->nodes[id].level != f->ref_level)
            s->bad_refs++;
    }
}

static void grow_ids(struct sink *s)
{
    if ((size_t)s->next + 1 < s->cap)
        return;
    size_t cap = s->cap ? 2 * s->cap : 4096;
    s->kind = gr_realloc(s->kind, cap);
    s->flags = gr_realloc(s->flags, cap);
    memset(s->kind + s->cap, 0xff, cap - s->cap);
    memset(s->flags + s->cap, 0, cap - s->cap);
    s->cap = cap;
}

static void remember_node(struct sink *s, int64_t id, const struct gr_kind *k,
                          const struct gr_value *v)
{
    if ((size_t)id >= s->cap_nodes) {
        size_t cap = s->cap_nodes ? 2 * s->cap_nodes : 256;
        while (cap <= (size_t)id)
            cap *= 2;
        s->nodes = gr_realloc(s->nodes, cap * sizeof(*s->nodes));
        memset(s->nodes + s->cap_nodes, 0, (cap - s->cap_nodes) * sizeof(*s->nodes));
        s->cap_nodes = cap;
    }
    struct node_info *n = &s->nodes[id];
    const struct gr_value *parent = field(k, v, "parent_id"), *level = field(k, v, "level");
    const struct gr_value *code = field(k, v, "code");
    n->parent = parent ? parent->i : 0;
    n->level = gr_level_parse(level->s, level->len);
    n->lat = field(k, v, "lat")->d;
    n->lon = field(k, v, "lon")->d;
    snprintf(n->code, sizeof(n->code), "%.*s", (int)code->len, code->s);
}

/* Coverage flags and the checks that need a look at particular kinds. */
static void inspect(struct sink *s, const struct gr_kind *k, const struct gr_value *v)
{
    switch (k->id) {
    case GR_K_BUILDINGS:
        if (s->n_buildings == s->cap_buildings) {
            s->cap_buildings = s->cap_buildings ? 2 * s->cap_buildings : 256;
            s->buildings = gr_realloc(s->buildings, s->cap_buildings * sizeof(struct point));
        }
        s->buildings[s->n_buildings++] =
            (struct point){field(k, v, "grid_id")->i, field(k, v, "lat")->d, field(k, v, "lon")->d};
        break;
    case GR_K_RESIDENTS:
        if (!id_number_ok(field(k, v, "id_number")) || !phone_ok(field(k, v, "phone")))
            s->bad_numbers++;
        break;
    case GR_K_PARTY_ORGS:
        remember_code(s, k, field(k, v, "code"));
        if (is_text(field(k, v, "kind"), "branch"))
            s->flags[field(k, v, "node_id")->i] |= F_BRANCH;
        break;
    case GR_K_PARTY_MEMBERS:
        if (field(k, v, "in_service")->i) {
            s->members_in_service++;
            if (field(k, v, "work_unit") && field(k, v, "registered_on"))
                s->residents_in_service++;
        }
        break;
    case GR_K_POSTS: {
        const struct gr_value *kind = field(k, v, "kind");
        if (is_text(kind, "grid_worker"))
            s->flags[field(k, v, "node_id")->i] |= F_WORKER;
        else if (is_text(kind, "building_leader"))
            s->flags[field(k, v, "building_id")->i] |= F_LEADER;
        else if (is_text(kind, "unit_leader"))
            s->flags[field(k, v, "unit_id")->i] |= F_LEADER;
        if (!phone_ok(field(k, v, "phone")))
            s->bad_numbers++;
        break;
    }
    case GR_K_MEMBER_HOUSEHOLDS: s->flags[field(k, v, "household_id")->i] |= F_LINKED; break;
    case GR_K_ORGANISATIONS:
        remember_code(s, k, field(k, v, "code"));
        if (!phone_ok(field(k, v, "phone")))
            s->bad_numbers++;
        break;
    default: break;
    }
}

static void hash_record(struct sink *s, const struct gr_kind *k, const struct gr_value *v)
{
    hash_bytes(s, &k->id, sizeof(k->id));
    for (size_t i = 0; i < k->n_fields; i++) {
        hash_bytes(s, &v[i].present, sizeof(bool));
        if (!v[i].present)
            continue;
        switch (k->fields[i].type) {
        case GR_FT_REAL: hash_bytes(s, &v[i].d, sizeof(double)); break;
        case GR_FT_TEXT:
        case GR_FT_ENUM:
        case GR_FT_DATE: hash_bytes(s, v[i].s, v[i].len); break;
        default: hash_bytes(s, &v[i].i, sizeof(int64_t)); break;
        }
    }
}

static enum gr_err sink_emit(void *ctx, const struct gr_kind *k, const struct gr_value *vals,
                             int64_t *out_id)
{
    struct sink *s = ctx;
    if (s->fail_at && s->next + 1 == (int64_t)s->fail_at)
        return GR_EDB;
    s->count[k->id]++;
    hash_record(s, k, vals);
    if (s->check) {
        struct gr_verr ve;
        if (gr_record_check(k, vals, true, &ve) != GR_OK) {
            if (s->invalid++ < 5)
                print_message("invalid %s.%s: %s\n", k->name, ve.field, ve.message);
        }
        grow_ids(s);
        check_refs(s, k, vals);
        s->kind[s->next + 1] = (uint8_t)k->id;
        if (k->id == GR_K_NODES) {
            remember_node(s, s->next + 1, k, vals);
            remember_code(s, k, field(k, vals, "code"));
        }
        inspect(s, k, vals);
    }
    *out_id = ++s->next;
    return GR_OK;
}

static enum gr_err sink_boundary(void *ctx, int64_t node_id, const struct gr_shape *shape)
{
    struct sink *s = ctx;
    s->boundaries++;
    for (size_t r = 0; r < shape->n_rings; r++)
        hash_bytes(s, shape->rings[r].xy, shape->rings[r].n * 2 * sizeof(double));
    if (!s->check)
        return GR_OK;
    assert_true(node_id > 0 && node_id <= s->next && s->kind[node_id] == GR_K_NODES);
    const char *why = NULL;
    assert_int_equal(gr_shape_check(shape, &why), GR_OK);
    size_t len;
    void *blob = gr_shape_pack(shape, &len); /* the sink copies what it keeps */
    struct node_info *n = &s->nodes[node_id];
    assert_false(n->has_shape);
    assert_int_equal(gr_shape_unpack(blob, len, &n->shape), GR_OK);
    n->has_shape = true;
    free(blob);
    return GR_OK;
}

static enum gr_err sink_user(void *ctx, const char *login, const char *name, enum gr_role role,
                             int64_t node_id, int64_t organisation_id)
{
    struct sink *s = ctx;
    hash_bytes(s, login, strlen(login));
    hash_bytes(s, name, strlen(name));
    assert_true(s->n_logins < 16);
    assert_true(gr_utf8_valid(name, strlen(name)));
    size_t cp = gr_utf8_len(name, strlen(name));
    assert_true(cp >= 2 && cp <= 4);
    snprintf(s->logins[s->n_logins], sizeof(s->logins[0]), "%s", login);
    s->roles[s->n_logins] = role;
    s->login_node[s->n_logins] = node_id;
    s->login_org[s->n_logins] = organisation_id;
    s->n_logins++;
    return GR_OK;
}

static void sink_free(struct sink *s)
{
    for (size_t i = 0; i < s->cap_nodes; i++)
        if (s->nodes[i].has_shape)
            gr_shape_cleanup(&s->nodes[i].shape);
    for (size_t i = 0; i < s->n_codes; i++)
        free(s->codes[i]);
    free(s->codes);
    free(s->nodes);
    free(s->kind);
    free(s->flags);
    free(s->buildings);
}

static struct sink *run(uint64_t seed, bool check)
{
    struct sink *s = gr_calloc(1, sizeof(*s));
    s->hash = 0xcbf29ce484222325ull;
    s->check = check;
    struct gr_demo_sink sink = {s, sink_emit, sink_boundary, sink_user, NULL};
    struct gr_demo_opts o = {GR_DEMO_SMALL, seed};
    assert_int_equal(gr_demo_generate(&o, &sink), GR_OK);
    return s;
}

static void done(struct sink *s)
{
    sink_free(s);
    free(s);
}

/* ---- Tests. ---- */

static void test_sizes_and_validity(void **state)
{
    struct sink *s = run(1, true);
    uint64_t *c = s->count;
    assert_int_equal(s->invalid, 0);
    assert_int_equal(s->bad_refs, 0);
    assert_int_equal(s->bad_numbers, 0);
    assert_int_equal(c[GR_K_NODES], 1 + 2 + 4 + 12 + 96);
    assert_int_equal(s->boundaries, c[GR_K_NODES]);
    assert_in_range(c[GR_K_HOUSEHOLDS], 25000, 35000);
    assert_in_range(c[GR_K_RESIDENTS], 2.5 * c[GR_K_HOUSEHOLDS], 3.2 * c[GR_K_HOUSEHOLDS]);
    assert_in_range(c[GR_K_BUILDINGS], 96, 2000);
    assert_in_range(c[GR_K_UNITS], c[GR_K_BUILDINGS], 6 * c[GR_K_BUILDINGS]);
    /* Party members are 6-8% of residents, some of them in service and registered here. */
    assert_in_range(c[GR_K_PARTY_MEMBERS], c[GR_K_RESIDENTS] * 6 / 100,
                    c[GR_K_RESIDENTS] * 8 / 100);
    assert_true(s->members_in_service > c[GR_K_PARTY_MEMBERS] / 10);
    assert_int_equal(s->residents_in_service, s->members_in_service);
    assert_in_range(c[GR_K_ORGANISATIONS], 12 * 5, 1000);
    assert_true(c[GR_K_COBUILD_LINKS] >= 12);
    assert_true(c[GR_K_POSTS] > 96);
    done(s);
}

static void test_codes(void **state)
{
    struct sink *s = run(1, true);
    /* Codes are unique within their kind. */
    for (size_t i = 0; i < s->n_codes; i++)
        for (size_t j = i + 1; j < s->n_codes; j++)
            assert_string_not_equal(s->codes[i], s->codes[j]);
    /* Node codes: 12 digits down to communities, 15 for grids, each extending its parent's. */
    for (int64_t id = 1; id <= s->next && s->kind[id] == GR_K_NODES; id++) {
        const struct node_info *n = &s->nodes[id];
        size_t len = strlen(n->code);
        assert_int_equal(len, n->level == GR_LEVEL_GRID ? 15 : 12);
        assert_true(all_digits(n->code, len));
        assert_memory_equal(n->code, "3601", 4);
        if (n->level == GR_LEVEL_GRID)
            assert_memory_equal(n->code, s->nodes[n->parent].code, 12);
        else if (n->level == GR_LEVEL_COMMUNITY)
            assert_memory_equal(n->code, s->nodes[n->parent].code, 9);
        else if (n->level == GR_LEVEL_STREET)
            assert_memory_equal(n->code, s->nodes[n->parent].code, 6);
    }
    done(s);
}

static void test_geometry(void **state)
{
    struct sink *s = run(1, true);
    uint64_t seed = 99;
    /* Every node has its polygon and its label point inside it. */
    int64_t n_nodes = (int64_t)s->count[GR_K_NODES];
    for (int64_t id = 1; id <= n_nodes; id++) {
        const struct node_info *n = &s->nodes[id];
        assert_true(n->has_shape);
        assert_true(gr_shape_contains(&n->shape, n->lon, n->lat));
        assert_true(fabs(n->lat - 28.68) < 0.5 && fabs(n->lon - 115.89) < 0.5);
    }
    /* Children tile their parent: a random point in the parent's box lies in exactly one child
     * when it lies in the parent, and in none otherwise. */
    for (int64_t p = 1; p <= n_nodes; p++) {
        const struct node_info *pn = &s->nodes[p];
        if (pn->level == GR_LEVEL_GRID)
            continue;
        for (int k = 0; k < 300; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            double u = (double)(seed >> 11) * 0x1.0p-53;
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            double v = (double)(seed >> 11) * 0x1.0p-53;
            double x = pn->shape.min_x + u * (pn->shape.max_x - pn->shape.min_x);
            double y = pn->shape.min_y + v * (pn->shape.max_y - pn->shape.min_y);
            int hits = 0;
            for (int64_t c = 1; c <= n_nodes; c++)
                if (s->nodes[c].parent == p && gr_shape_contains(&s->nodes[c].shape, x, y))
                    hits++;
            assert_int_equal(hits, gr_shape_contains(&pn->shape, x, y) ? 1 : 0);
        }
    }
    /* Buildings stand inside their grid. */
    for (size_t b = 0; b < s->n_buildings; b++) {
        const struct point *pt = &s->buildings[b];
        assert_true(gr_shape_contains(&s->nodes[pt->grid].shape, pt->lon, pt->lat));
    }
    done(s);
}

static void test_gaps(void **state)
{
    struct sink *s = run(1, true);
    size_t grids = 0, branch = 0, worker = 0, bld = 0, bld_led = 0, units = 0, units_led = 0,
           hh = 0, linked = 0;
    for (int64_t id = 1; id <= s->next; id++) {
        uint8_t f = s->flags[id];
        switch (s->kind[id]) {
        case GR_K_NODES:
            if (s->nodes[id].level == GR_LEVEL_GRID) {
                grids++;
                branch += (f & F_BRANCH) != 0;
                worker += (f & F_WORKER) != 0;
            }
            break;
        case GR_K_BUILDINGS:
            bld++;
            bld_led += (f & F_LEADER) != 0;
            break;
        case GR_K_UNITS:
            units++;
            units_led += (f & F_LEADER) != 0;
            break;
        case GR_K_HOUSEHOLDS:
            hh++;
            linked += (f & F_LINKED) != 0;
            break;
        default: break;
        }
    }
    print_message("grids %zu branch %zu worker %zu; buildings %zu led %zu; units %zu led %zu; "
                  "households %zu linked %zu\n",
                  grids, branch, worker, bld, bld_led, units, units_led, hh, linked);
    /* Coverage is high but not whole: the gaps are there to be found. */
    assert_true(branch < grids && branch >= grids * 80 / 100);
    assert_true(worker <= grids && worker >= grids * 90 / 100);
    assert_true(bld_led < bld && bld_led >= bld * 70 / 100);
    assert_true(units_led < units && units_led >= units * 60 / 100);
    assert_in_range(linked, hh * 60 / 100, hh * 80 / 100);
    done(s);
}

static void test_logins(void **state)
{
    struct sink *s = run(1, true);
    static const struct {
        const char *login;
        enum gr_role role;
        enum gr_level level; /* of the node, or NONE for the organisation grant */
    } want[] = {
        {"city", GR_ROLE_CITY_STAFF, GR_LEVEL_CITY},
        {"district", GR_ROLE_DISTRICT_STAFF, GR_LEVEL_DISTRICT},
        {"street", GR_ROLE_STREET_STAFF, GR_LEVEL_STREET},
        {"community", GR_ROLE_COMMUNITY_STAFF, GR_LEVEL_COMMUNITY},
        {"grid", GR_ROLE_GRID_WORKER, GR_LEVEL_GRID},
        {"grid2", GR_ROLE_GRID_WORKER, GR_LEVEL_GRID},
        {"building", GR_ROLE_BUILDING_LEADER, GR_LEVEL_GRID},
        {"unit", GR_ROLE_UNIT_LEADER, GR_LEVEL_GRID},
        {"resident", GR_ROLE_RESIDENT, GR_LEVEL_GRID},
        {"dept", GR_ROLE_DEPARTMENT_HANDLER, GR_LEVEL_NONE},
    };
    size_t n = sizeof(want) / sizeof(want[0]);
    assert_int_equal(s->n_logins, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(s->logins[i], want[i].login);
        assert_int_equal(s->roles[i], want[i].role);
        if (want[i].level == GR_LEVEL_NONE) {
            assert_int_equal(s->login_node[i], 0);
            assert_int_equal(s->kind[s->login_org[i]], GR_K_ORGANISATIONS);
        } else {
            assert_int_equal(s->login_org[i], 0);
            assert_int_equal(s->nodes[s->login_node[i]].level, want[i].level);
        }
    }
    /* The chain: district under the city, street under the district, and so on; grid and
     * grid2 are the first two grids of the community. */
    for (size_t i = 1; i <= 4; i++)
        assert_int_equal(s->nodes[s->login_node[i]].parent, s->login_node[i - 1]);
    assert_int_equal(s->nodes[s->login_node[5]].parent, s->login_node[3]);
    assert_int_equal(s->login_node[5], s->login_node[4] + 1);
    assert_int_equal(s->login_node[6], s->login_node[4]);
    /* The first grid has its branch and worker (the demo logins look at a whole grid). */
    assert_true(s->flags[s->login_node[4]] & F_BRANCH);
    assert_true(s->flags[s->login_node[4]] & F_WORKER);
    done(s);
}

static void test_determinism(void **state)
{
    struct sink *a = run(1, false), *b = run(1, false), *c = run(2, false);
    assert_true(a->hash == b->hash);
    assert_true(a->hash != c->hash);
    assert_int_equal(a->next, b->next);
    done(a);
    done(b);
    done(c);
}

static void test_errors(void **state)
{
    /* The sink's first error stops the run and comes back. */
    struct sink *s = gr_calloc(1, sizeof(*s));
    s->fail_at = 5000;
    struct gr_demo_sink sink = {s, sink_emit, sink_boundary, sink_user, NULL};
    struct gr_demo_opts o = {GR_DEMO_SMALL, 1};
    assert_int_equal(gr_demo_generate(&o, &sink), GR_EDB);
    assert_int_equal(s->next, 4999);
    done(s);
    /* Bad options and incomplete sinks. */
    struct gr_demo_opts bad = {(enum gr_demo_scale)7, 1};
    struct gr_demo_sink ok = {NULL, sink_emit, sink_boundary, sink_user, NULL};
    assert_int_equal(gr_demo_generate(&bad, &ok), GR_EINVAL);
    struct gr_demo_sink none = {NULL, sink_emit, NULL, sink_user, NULL};
    assert_int_equal(gr_demo_generate(&o, &none), GR_EINVAL);
}

struct counter {
    uint64_t calls;
    int64_t next;
};

static void progress(void *ctx, const char *phase, uint64_t done_n, uint64_t total)
{
    struct counter *c = ctx;
    assert_true(done_n <= total);
    assert_true(strcmp(phase, "nodes") == 0 || strcmp(phase, "grids") == 0);
    c->calls++;
}

static enum gr_err count_emit(void *ctx, const struct gr_kind *k, const struct gr_value *vals,
                              int64_t *out_id)
{
    struct counter *c = ctx;
    *out_id = ++c->next;
    return GR_OK;
}

static enum gr_err no_boundary(void *ctx, int64_t node_id, const struct gr_shape *shape)
{
    return GR_OK;
}

static enum gr_err no_user(void *ctx, const char *login, const char *name, enum gr_role role,
                           int64_t node_id, int64_t organisation_id)
{
    return GR_OK;
}

static void test_progress(void **state)
{
    struct counter c = {0, 0};
    struct gr_demo_sink sink = {&c, count_emit, no_boundary, no_user, progress};
    struct gr_demo_opts o = {GR_DEMO_SMALL, 3};
    assert_int_equal(gr_demo_generate(&o, &sink), GR_OK);
    assert_true(c.calls >= 10); /* every few thousand of ~150,000 records */
    assert_true(c.next > 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_and_validity),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_logins),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
