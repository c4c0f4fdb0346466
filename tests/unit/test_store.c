/*
 * test_store.c - the store contract suite, written against src/store/store.h only so that
 * it runs unchanged against every back end: opening and migrations, the administrative
 * tree and its ancestors, references and unique keys, update and delete, listing with
 * scopes, filters, search and pagination, transactions, settings, coverage counters and
 * gaps (immediate and in bulk), boundaries, users and grants, sessions and tokens; cases:
 * the responsibility list, the working calendar, cases and their events, listings, the
 * figures' rollups through transactions and savepoints, summoned departments, photos,
 * notifications, Open311 keys and departments. The core headers included below only give
 * the layouts of what the store hands out (matters, the calendar, the figures' order).
 * Each test gets a fresh database file of its own, removed afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/calendar.h"
#include "core/figures.h"
#include "core/matter.h"
#include "store/store.h"
#include "tempdb.h"

/* ---- fixture: a fresh database per test ---- */

struct fx {
    char path[64];
    struct gr_store *st;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    if (tempdb_open("store", f->path, &f->st) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    tempdb_close(f->path, f->st);
    free(f);
    return 0;
}

static struct gr_store *store_of(void **state)
{
    return ((struct fx *)*state)->st;
}

/* ---- records built field by field ---- */

#define MAX_VALS 32

struct rec {
    const struct gr_kind *k;
    struct gr_value v[MAX_VALS];
    char text[MAX_VALS][128];
};

static void rec_init(struct rec *r, enum gr_kind_id id)
{
    memset(r, 0, sizeof(*r));
    r->k = gr_kind_get(id);
    assert_true(r->k->n_fields <= MAX_VALS);
}

static int field_index(const struct gr_kind *k, const char *name)
{
    int i = gr_kind_field(k, name, strlen(name));
    if (i < 0)
        fail_msg("kind %s has no field %s", k->name, name);
    return i;
}

static void set_text(struct rec *r, const char *name, const char *s)
{
    int i = field_index(r->k, name);
    snprintf(r->text[i], sizeof(r->text[i]), "%s", s);
    r->v[i] = (struct gr_value){.present = true, .s = r->text[i], .len = strlen(r->text[i])};
}

static void set_int(struct rec *r, const char *name, int64_t x)
{
    r->v[field_index(r->k, name)] = (struct gr_value){.present = true, .i = x};
}

static void set_null(struct rec *r, const char *name)
{
    r->v[field_index(r->k, name)] = (struct gr_value){.present = true, .null = true};
}

static int64_t insert_ok(struct gr_store *st, struct rec *r)
{
    struct gr_verr ve = {0};
    int64_t id = 0;
    enum gr_err e = gr_store_insert(st, r->k, 0, r->v, &id, &ve);
    if (e != GR_OK)
        fail_msg("insert into %s: %s (field %s: %s; %s)", r->k->name, gr_strerror(e),
                 ve.field ? ve.field : "-", ve.message ? ve.message : "-", gr_store_errmsg(st));
    assert_true(id > 0);
    return id;
}

/* Insert r expecting err with ve.field == field. */
static void insert_fails(struct gr_store *st, struct rec *r, enum gr_err err, const char *field)
{
    struct gr_verr ve = {0};
    int64_t id = 0;
    enum gr_err e = gr_store_insert(st, r->k, 0, r->v, &id, &ve);
    if (e != err)
        fail_msg("insert into %s: %s, expected %s", r->k->name, gr_strerror(e), gr_strerror(err));
    if (field && (!ve.field || strcmp(ve.field, field) != 0))
        fail_msg("insert into %s refused on field %s, expected %s", r->k->name,
                 ve.field ? ve.field : "(none)", field);
}

static int64_t add_node(struct gr_store *st, int64_t parent, const char *level, const char *code,
                        const char *name)
{
    struct rec r;
    rec_init(&r, GR_K_NODES);
    if (parent)
        set_int(&r, "parent_id", parent);
    set_text(&r, "level", level);
    set_text(&r, "code", code);
    set_text(&r, "name", name);
    return insert_ok(st, &r);
}

static int64_t add_building(struct gr_store *st, int64_t grid, const char *number)
{
    struct rec r;
    rec_init(&r, GR_K_BUILDINGS);
    set_int(&r, "grid_id", grid);
    set_text(&r, "number", number);
    return insert_ok(st, &r);
}

static int64_t add_unit(struct gr_store *st, int64_t building, const char *number)
{
    struct rec r;
    rec_init(&r, GR_K_UNITS);
    set_int(&r, "building_id", building);
    set_text(&r, "number", number);
    return insert_ok(st, &r);
}

static int64_t add_household(struct gr_store *st, int64_t unit, const char *room, const char *head)
{
    struct rec r;
    rec_init(&r, GR_K_HOUSEHOLDS);
    set_int(&r, "unit_id", unit);
    set_text(&r, "room", room);
    if (head)
        set_text(&r, "head_name", head);
    return insert_ok(st, &r);
}

static int64_t add_resident(struct gr_store *st, int64_t household, const char *name)
{
    struct rec r;
    rec_init(&r, GR_K_RESIDENTS);
    set_int(&r, "household_id", household);
    set_text(&r, "name", name);
    return insert_ok(st, &r);
}

static int64_t add_party_org(struct gr_store *st, int64_t node, const char *kind, const char *name)
{
    struct rec r;
    rec_init(&r, GR_K_PARTY_ORGS);
    set_int(&r, "node_id", node);
    set_text(&r, "kind", kind);
    set_text(&r, "name", name);
    return insert_ok(st, &r);
}

static int64_t add_member(struct gr_store *st, int64_t node, const char *name)
{
    struct rec r;
    rec_init(&r, GR_K_PARTY_MEMBERS);
    set_int(&r, "node_id", node);
    set_text(&r, "name", name);
    return insert_ok(st, &r);
}

/* A post of kind whose reference field ref is id. */
static int64_t add_post(struct gr_store *st, const char *kind, const char *ref, int64_t id)
{
    struct rec r;
    rec_init(&r, GR_K_POSTS);
    set_text(&r, "kind", kind);
    set_text(&r, "person_name", "赵六");
    set_int(&r, ref, id);
    return insert_ok(st, &r);
}

static int64_t add_link(struct gr_store *st, int64_t member, int64_t household)
{
    struct rec r;
    rec_init(&r, GR_K_MEMBER_HOUSEHOLDS);
    set_int(&r, "member_id", member);
    set_int(&r, "household_id", household);
    return insert_ok(st, &r);
}

static int64_t add_organisation(struct gr_store *st, int64_t node, const char *name)
{
    struct rec r;
    rec_init(&r, GR_K_ORGANISATIONS);
    set_int(&r, "node_id", node);
    set_text(&r, "kind", "department");
    set_text(&r, "name", name);
    return insert_ok(st, &r);
}

/* city > district > street > community 1 (grids 1, 2) and community 2 (grid 3). */
struct world {
    int64_t city, district, street, comm1, comm2, grid1, grid2, grid3;
};

static void build_world(struct gr_store *st, struct world *w)
{
    w->city = add_node(st, 0, "city", "3301", "杭州市");
    w->district = add_node(st, w->city, "district", "330102", "上城区");
    w->street = add_node(st, w->district, "street", "330102001", "湖滨街道");
    w->comm1 = add_node(st, w->street, "community", "330102001001", "东坡社区");
    w->comm2 = add_node(st, w->street, "community", "330102001002", "青年路社区");
    w->grid1 = add_node(st, w->comm1, "grid", "G1", "东坡一网格");
    w->grid2 = add_node(st, w->comm1, "grid", "G2", "东坡二网格");
    w->grid3 = add_node(st, w->comm2, "grid", "G3", "青年一网格");
}

static void assert_anc(struct gr_store *st, enum gr_kind_id kind, int64_t id, int64_t city,
                       int64_t district, int64_t street, int64_t community, int64_t grid)
{
    struct gr_anc a;
    memset(&a, 0xff, sizeof(a));
    assert_int_equal(gr_store_anc(st, gr_kind_get(kind), id, &a), GR_OK);
    assert_int_equal(a.id[GR_LEVEL_CITY], city);
    assert_int_equal(a.id[GR_LEVEL_DISTRICT], district);
    assert_int_equal(a.id[GR_LEVEL_STREET], street);
    assert_int_equal(a.id[GR_LEVEL_COMMUNITY], community);
    assert_int_equal(a.id[GR_LEVEL_GRID], grid);
}

static void assert_anc_grid(struct gr_store *st, const struct world *w, enum gr_kind_id kind,
                            int64_t id, int64_t community, int64_t grid)
{
    assert_anc(st, kind, id, w->city, w->district, w->street, community, grid);
}

/* The value of field name in row. */
static const struct gr_value *row_val(const struct gr_kind *k, const struct gr_row *row,
                                      const char *name)
{
    return &row->vals[field_index(k, name)];
}

static void assert_row_text(const struct gr_kind *k, const struct gr_row *row, const char *name,
                            const char *expect)
{
    const struct gr_value *v = row_val(k, row, name);
    if (!v->present || v->null)
        fail_msg("%s.%s is null, expected \"%s\"", k->name, name, expect);
    if (v->len != strlen(expect) || memcmp(v->s, expect, v->len) != 0)
        fail_msg("%s.%s is \"%.*s\", expected \"%s\"", k->name, name, (int)v->len, v->s, expect);
}

static int64_t get_int(struct gr_store *st, enum gr_kind_id kind, int64_t id, const char *name)
{
    const struct gr_kind *k = gr_kind_get(kind);
    struct gr_row row;
    assert_int_equal(gr_store_get(st, k, id, &row), GR_OK);
    const struct gr_value *v = row_val(k, &row, name);
    assert_true(v->present && !v->null);
    return v->i;
}

/* ---- listing ---- */

struct ids {
    int64_t id[256];
    size_t n;
    size_t stop_after; /* 0: never stop */
};

static int collect(void *ctx, const struct gr_row *row)
{
    struct ids *c = ctx;
    assert_true(c->n < 256);
    c->id[c->n++] = row->id;
    return c->stop_after && c->n >= c->stop_after;
}

static void query_init(struct gr_query *q)
{
    memset(q, 0, sizeof(*q));
    q->all = true;
    q->limit = 200;
}

static void list(struct gr_store *st, enum gr_kind_id kind, const struct gr_query *q,
                 struct ids *out, bool *more)
{
    memset(out, 0, sizeof(*out));
    bool m = false;
    assert_int_equal(gr_store_list(st, gr_kind_get(kind), q, collect, out, &m), GR_OK);
    if (more)
        *more = m;
}

static size_t count_all(struct gr_store *st, enum gr_kind_id kind)
{
    struct gr_query q;
    query_init(&q);
    struct ids out;
    list(st, kind, &q, &out, NULL);
    return out.n;
}

static void assert_ids(const struct ids *got, size_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    if (got->n != n)
        fail_msg("%zu rows, expected %zu", got->n, n);
    for (size_t i = 0; i < n; i++) {
        int64_t want = va_arg(ap, int64_t);
        if (got->id[i] != want)
            fail_msg("row %zu is id %lld, expected %lld", i, (long long)got->id[i],
                     (long long)want);
    }
    va_end(ap);
}

/* ---- opening ---- */

static void open_creates_and_migrates(void **state)
{
    struct fx *f = *state;
    int v = gr_store_schema_version(f->st);
    assert_true(v >= 1);
    /* Reopening applies nothing new and keeps the data. */
    struct world w;
    build_world(f->st, &w);
    gr_store_close(f->st);
    f->st = NULL;
    assert_int_equal(gr_store_open(f->path, false, &f->st), GR_OK);
    assert_non_null(f->st);
    assert_int_equal(gr_store_schema_version(f->st), v);
    assert_anc_grid(f->st, &w, GR_K_NODES, w.grid3, w.comm2, w.grid3);
}

static void open_missing_without_create(void **state)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/gr-test-missing-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct gr_store *st = (struct gr_store *)&fd; /* must be reset to NULL */
    assert_int_equal(gr_store_open(path, false, &st), GR_ENOTFOUND);
    assert_null(st);
    assert_int_equal(access(path, F_OK), -1); /* and not created */
    /* A directory that does not exist cannot be created into. */
    st = (struct gr_store *)&fd;
    assert_int_not_equal(gr_store_open("/nonexistent-gr-dir/x.db", true, &st), GR_OK);
    assert_null(st);
}

static void open_garbage_file_fails_cleanly(void **state)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/gr-test-garbage-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char junk[4096];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (char)(i * 31 + 7);
    assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
    close(fd);
    struct gr_store *st = (struct gr_store *)&fd;
    enum gr_err e = gr_store_open(path, false, &st);
    tempdb_remove(path);
    assert_int_not_equal(e, GR_OK);
    assert_null(st);
}

/* ---- the tree and ancestors ---- */

static void tree_ancestors(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    /* A node is its own ancestor at its level, and has none below it. */
    assert_anc(st, GR_K_NODES, w.city, w.city, 0, 0, 0, 0);
    assert_anc(st, GR_K_NODES, w.district, w.city, w.district, 0, 0, 0);
    assert_anc(st, GR_K_NODES, w.street, w.city, w.district, w.street, 0, 0);
    assert_anc(st, GR_K_NODES, w.comm1, w.city, w.district, w.street, w.comm1, 0);
    assert_anc(st, GR_K_NODES, w.grid1, w.city, w.district, w.street, w.comm1, w.grid1);
    assert_anc(st, GR_K_NODES, w.grid3, w.city, w.district, w.street, w.comm2, w.grid3);

    const struct gr_kind *k = gr_kind_get(GR_K_NODES);
    struct gr_row row;
    assert_int_equal(gr_store_get(st, k, w.grid2, &row), GR_OK);
    assert_int_equal(row.id, w.grid2);
    assert_row_text(k, &row, "level", "grid");
    assert_row_text(k, &row, "code", "G2");
    assert_row_text(k, &row, "name", "东坡二网格");
    assert_int_equal(row_val(k, &row, "parent_id")->i, w.comm1);
    assert_true(row_val(k, &row, "lat")->null);
    assert_int_equal(row.anc.id[GR_LEVEL_COMMUNITY], w.comm1);
    assert_int_equal(row.anc.id[GR_LEVEL_GRID], w.grid2);
    assert_non_null(row.updated_at);
    assert_true(strlen(row.updated_at) >= 10);
    assert_int_equal(gr_store_get(st, k, w.city, &row), GR_OK);
    assert_true(row_val(k, &row, "parent_id")->null);

    struct gr_anc a;
    assert_int_equal(gr_store_anc(st, k, 987654, &a), GR_ENOTFOUND);
    assert_int_equal(gr_store_get(st, k, 987654, &row), GR_ENOTFOUND);
}

static void node_wrong_level_refused(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    size_t before = count_all(st, GR_K_NODES);
    static const struct {
        const char *level;
        int which; /* 0 city, 1 district, 2 community, 3 grid, 4 no parent */
    } bad[] = {
        {"street", 0},   {"community", 0}, {"grid", 0},      {"city", 0},
        {"district", 1}, {"grid", 1},      {"community", 2}, {"street", 2},
        {"grid", 3},     {"district", 4},  {"grid", 4},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t parents[] = {w.city, w.district, w.comm1, w.grid1, 0};
        struct rec r;
        rec_init(&r, GR_K_NODES);
        if (parents[bad[i].which])
            set_int(&r, "parent_id", parents[bad[i].which]);
        set_text(&r, "level", bad[i].level);
        char code[16];
        snprintf(code, sizeof(code), "BAD%zu", i);
        set_text(&r, "code", code);
        set_text(&r, "name", "错层");
        insert_fails(st, &r, GR_EINVAL, "level");
    }
    assert_int_equal(count_all(st, GR_K_NODES), before);
    /* A second city, a root, is fine. */
    int64_t c2 = add_node(st, 0, "city", "3302", "宁波市");
    assert_anc(st, GR_K_NODES, c2, c2, 0, 0, 0, 0);
}

static void network_ancestors_derived(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t b = add_building(st, w.grid2, "1幢");
    int64_t u = add_unit(st, b, "1单元");
    int64_t h = add_household(st, u, "101", "张三");
    int64_t r = add_resident(st, h, "张小三");
    assert_anc_grid(st, &w, GR_K_BUILDINGS, b, w.comm1, w.grid2);
    assert_anc_grid(st, &w, GR_K_UNITS, u, w.comm1, w.grid2);
    assert_anc_grid(st, &w, GR_K_HOUSEHOLDS, h, w.comm1, w.grid2);
    assert_anc_grid(st, &w, GR_K_RESIDENTS, r, w.comm1, w.grid2);
    /* Records scoped at a node above the grids carry no grid. */
    int64_t po = add_party_org(st, w.comm2, "committee", "青年路社区党委");
    assert_anc_grid(st, &w, GR_K_PARTY_ORGS, po, w.comm2, 0);
    int64_t m = add_member(st, w.grid3, "钱七");
    assert_anc_grid(st, &w, GR_K_PARTY_MEMBERS, m, w.comm2, w.grid3);
    int64_t link = add_link(st, m, h); /* a link follows the household */
    assert_anc_grid(st, &w, GR_K_MEMBER_HOUSEHOLDS, link, w.comm1, w.grid2);
    int64_t p = add_post(st, "unit_leader", "unit_id", u);
    assert_anc_grid(st, &w, GR_K_POSTS, p, w.comm1, w.grid2);
    int64_t s = add_post(st, "secretary", "org_id", po);
    assert_anc_grid(st, &w, GR_K_POSTS, s, w.comm2, 0);
    int64_t o = add_organisation(st, w.district, "区民政局");
    assert_anc(st, GR_K_ORGANISATIONS, o, w.city, w.district, 0, 0, 0);
    /* The row read back carries the same ancestors and the parent field. */
    const struct gr_kind *k = gr_kind_get(GR_K_RESIDENTS);
    struct gr_row row;
    assert_int_equal(gr_store_get(st, k, r, &row), GR_OK);
    assert_int_equal(row.anc.id[GR_LEVEL_GRID], w.grid2);
    assert_int_equal(row.anc.id[GR_LEVEL_CITY], w.city);
    assert_int_equal(row_val(k, &row, "household_id")->i, h);
    assert_row_text(k, &row, "name", "张小三");
    assert_true(row_val(k, &row, "phone")->null);
}

static void explicit_ids_are_kept(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    struct rec r;
    rec_init(&r, GR_K_BUILDINGS);
    set_int(&r, "grid_id", w.grid1);
    set_text(&r, "number", "500幢");
    struct gr_verr ve = {0};
    int64_t id = 0;
    assert_int_equal(gr_store_insert(st, r.k, 500, r.v, &id, &ve), GR_OK);
    assert_int_equal(id, 500);
    assert_anc_grid(st, &w, GR_K_BUILDINGS, 500, w.comm1, w.grid1);
    set_text(&r, "number", "另一幢");
    assert_int_equal(gr_store_insert(st, r.k, 500, r.v, &id, &ve), GR_ECONFLICT);
}

static void missing_references_refused(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t b = add_building(st, w.grid1, "1幢");
    struct rec r;
    rec_init(&r, GR_K_BUILDINGS);
    set_int(&r, "grid_id", 99999);
    set_text(&r, "number", "9幢");
    insert_fails(st, &r, GR_EINVAL, "grid_id");
    rec_init(&r, GR_K_UNITS);
    set_int(&r, "building_id", 99999);
    set_text(&r, "number", "1");
    insert_fails(st, &r, GR_EINVAL, "building_id");
    rec_init(&r, GR_K_HOUSEHOLDS);
    set_int(&r, "unit_id", 99999);
    set_text(&r, "room", "101");
    insert_fails(st, &r, GR_EINVAL, "unit_id");
    rec_init(&r, GR_K_RESIDENTS);
    set_int(&r, "household_id", 99999);
    set_text(&r, "name", "无户");
    insert_fails(st, &r, GR_EINVAL, "household_id");
    rec_init(&r, GR_K_NODES);
    set_int(&r, "parent_id", 99999);
    set_text(&r, "level", "district");
    set_text(&r, "code", "X");
    set_text(&r, "name", "X");
    insert_fails(st, &r, GR_EINVAL, "parent_id");
    /* A reference that is not the scope parent is checked too. */
    rec_init(&r, GR_K_POSTS);
    set_text(&r, "kind", "building_leader");
    set_text(&r, "person_name", "孙八");
    set_int(&r, "building_id", b);
    set_int(&r, "member_id", 99999);
    insert_fails(st, &r, GR_EINVAL, "member_id");
    /* Nothing was written. */
    assert_int_equal(count_all(st, GR_K_UNITS), 0);
    assert_int_equal(count_all(st, GR_K_POSTS), 0);
    assert_int_equal(count_all(st, GR_K_BUILDINGS), 1);
    /* An update to a missing reference is refused as well. */
    int64_t m = add_member(st, w.grid1, "周九");
    rec_init(&r, GR_K_PARTY_MEMBERS);
    set_int(&r, "household_id", 99999);
    struct gr_verr ve = {0};
    assert_int_equal(gr_store_update(st, r.k, m, r.v, &ve), GR_EINVAL);
    assert_string_equal(ve.field, "household_id");
}

static void wrong_level_reference_refused(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t ids[] = {w.comm1, w.street, w.city};
    for (size_t i = 0; i < 3; i++) {
        struct rec r;
        rec_init(&r, GR_K_BUILDINGS);
        set_int(&r, "grid_id", ids[i]);
        set_text(&r, "number", "1幢");
        insert_fails(st, &r, GR_EINVAL, "grid_id");
    }
    assert_int_equal(count_all(st, GR_K_BUILDINGS), 0);
}

static void duplicate_unique_keys(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    struct rec r;
    rec_init(&r, GR_K_NODES);
    set_int(&r, "parent_id", w.comm1);
    set_text(&r, "level", "grid");
    set_text(&r, "code", "G1"); /* taken by grid 1 */
    set_text(&r, "name", "重复网格");
    insert_fails(st, &r, GR_ECONFLICT, "code");

    int64_t b = add_building(st, w.grid1, "1幢");
    rec_init(&r, GR_K_BUILDINGS);
    set_int(&r, "grid_id", w.grid1);
    set_text(&r, "number", "1幢");
    insert_fails(st, &r, GR_ECONFLICT, "number");
    add_building(st, w.grid2, "1幢"); /* the same number in another grid is fine */

    int64_t u = add_unit(st, b, "1单元");
    rec_init(&r, GR_K_UNITS);
    set_int(&r, "building_id", b);
    set_text(&r, "number", "1单元");
    insert_fails(st, &r, GR_ECONFLICT, "number");
    add_unit(st, add_building(st, w.grid1, "2幢"), "1单元");

    add_household(st, u, "101", NULL);
    rec_init(&r, GR_K_HOUSEHOLDS);
    set_int(&r, "unit_id", u);
    set_text(&r, "room", "101");
    insert_fails(st, &r, GR_ECONFLICT, "room");
    add_household(st, add_unit(st, b, "2单元"), "101", NULL);

    rec_init(&r, GR_K_PARTY_ORGS);
    set_int(&r, "node_id", w.comm1);
    set_text(&r, "kind", "committee");
    set_text(&r, "name", "党委");
    set_text(&r, "code", "P-001");
    insert_ok(st, &r);
    set_int(&r, "node_id", w.comm2);
    insert_fails(st, &r, GR_ECONFLICT, "code");

    int64_t m = add_member(st, w.grid1, "党员甲");
    int64_t h = add_household(st, add_unit(st, b, "3单元"), "301", NULL);
    add_link(st, m, h);
    rec_init(&r, GR_K_MEMBER_HOUSEHOLDS);
    set_int(&r, "member_id", m);
    set_int(&r, "household_id", h);
    insert_fails(st, &r, GR_ECONFLICT, NULL);

    /* An update into a taken code is refused the same way. */
    rec_init(&r, GR_K_NODES);
    set_text(&r, "code", "G2");
    struct gr_verr ve = {0};
    assert_int_equal(gr_store_update(st, r.k, w.grid1, r.v, &ve), GR_ECONFLICT);
    assert_string_equal(ve.field, "code");

    assert_int_equal(count_all(st, GR_K_BUILDINGS), 3);
    assert_int_equal(count_all(st, GR_K_UNITS), 4);
    assert_int_equal(count_all(st, GR_K_HOUSEHOLDS), 3);
    assert_int_equal(count_all(st, GR_K_NODES), 8);
    assert_int_equal(count_all(st, GR_K_MEMBER_HOUSEHOLDS), 1);
}

/* Wait until the wall clock enters a new second, so that timestamps differ. */
static void next_second(void)
{
    time_t t0 = time(NULL);
    while (time(NULL) == t0) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static void update_changes_fields_and_time(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t b = add_building(st, w.grid1, "1幢");
    add_building(st, w.grid1, "2幢");
    const struct gr_kind *k = gr_kind_get(GR_K_BUILDINGS);
    struct gr_row row;
    assert_int_equal(gr_store_get(st, k, b, &row), GR_OK);
    char before[64];
    snprintf(before, sizeof(before), "%s", row.updated_at);
    assert_true(row_val(k, &row, "floors")->null);

    next_second();
    struct rec r;
    rec_init(&r, GR_K_BUILDINGS);
    set_text(&r, "name", "和平楼");
    set_int(&r, "floors", 18);
    struct gr_verr ve = {0};
    assert_int_equal(gr_store_update(st, k, b, r.v, &ve), GR_OK);
    assert_int_equal(gr_store_get(st, k, b, &row), GR_OK);
    assert_row_text(k, &row, "name", "和平楼");
    assert_row_text(k, &row, "number", "1幢"); /* absent values are left alone */
    assert_int_equal(row_val(k, &row, "floors")->i, 18);
    assert_string_not_equal(row.updated_at, before);
    assert_true(strcmp(row.updated_at, before) > 0);
    assert_int_equal(row.anc.id[GR_LEVEL_GRID], w.grid1);

    /* An explicit null clears a field. */
    rec_init(&r, GR_K_BUILDINGS);
    set_null(&r, "floors");
    assert_int_equal(gr_store_update(st, k, b, r.v, &ve), GR_OK);
    assert_int_equal(gr_store_get(st, k, b, &row), GR_OK);
    assert_true(row_val(k, &row, "floors")->null);
    assert_row_text(k, &row, "name", "和平楼");

    /* A unique clash is refused and changes nothing. */
    rec_init(&r, GR_K_BUILDINGS);
    set_text(&r, "number", "2幢");
    set_text(&r, "name", "不该保存");
    memset(&ve, 0, sizeof(ve));
    assert_int_equal(gr_store_update(st, k, b, r.v, &ve), GR_ECONFLICT);
    assert_string_equal(ve.field, "number");
    assert_int_equal(gr_store_get(st, k, b, &row), GR_OK);
    assert_row_text(k, &row, "number", "1幢");
    assert_row_text(k, &row, "name", "和平楼");

    /* No such record. */
    rec_init(&r, GR_K_BUILDINGS);
    set_text(&r, "name", "x");
    assert_int_equal(gr_store_update(st, k, 99999, r.v, &ve), GR_ENOTFOUND);
}

static void delete_referred_record_conflicts(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t b = add_building(st, w.grid1, "1幢");
    int64_t u = add_unit(st, b, "1单元");
    int64_t h = add_household(st, u, "101", "张三");
    const struct gr_kind *kb = gr_kind_get(GR_K_BUILDINGS);
    const struct gr_kind *ku = gr_kind_get(GR_K_UNITS);
    const struct gr_kind *kn = gr_kind_get(GR_K_NODES);
    struct gr_row row;

    assert_int_equal(gr_store_delete(st, kb, b), GR_ECONFLICT);
    assert_int_equal(gr_store_get(st, kb, b, &row), GR_OK);
    assert_int_equal(gr_store_delete(st, ku, u), GR_ECONFLICT);
    assert_int_equal(gr_store_delete(st, kn, w.comm1), GR_ECONFLICT);
    assert_int_equal(gr_store_get(st, kn, w.comm1, &row), GR_OK);
    assert_int_equal(count_all(st, GR_K_UNITS), 1);

    /* Leaves first, then it goes. */
    assert_int_equal(gr_store_delete(st, gr_kind_get(GR_K_HOUSEHOLDS), h), GR_OK);
    assert_int_equal(gr_store_delete(st, ku, u), GR_OK);
    assert_int_equal(gr_store_delete(st, kb, b), GR_OK);
    assert_int_equal(gr_store_get(st, kb, b, &row), GR_ENOTFOUND);
    assert_int_equal(gr_store_delete(st, kb, b), GR_ENOTFOUND);
    struct gr_anc a;
    assert_int_equal(gr_store_anc(st, kb, b, &a), GR_ENOTFOUND);
    /* A deleted parent can no longer be referred to. */
    struct rec r;
    rec_init(&r, GR_K_UNITS);
    set_int(&r, "building_id", b);
    set_text(&r, "number", "2单元");
    insert_fails(st, &r, GR_EINVAL, "building_id");
    /* An empty grid can be deleted. */
    assert_int_equal(gr_store_delete(st, kn, w.grid3), GR_OK);
    assert_int_equal(gr_store_get(st, kn, w.grid3, &row), GR_ENOTFOUND);
}

static void delete_refused_grid_keeps_its_counters(void **state)
{
    /* "Nothing changes" when a delete is refused: the grid's coverage stays whole. */
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    add_building(st, w.grid1, "1幢");
    struct gr_coverage c;
    assert_int_equal(gr_store_coverage(st, GR_LEVEL_COMMUNITY, w.comm1, &c), GR_OK);
    assert_int_equal(c.grids, 2);
    assert_int_equal(c.buildings, 1);
    assert_int_equal(gr_store_delete(st, gr_kind_get(GR_K_NODES), w.grid1), GR_ECONFLICT);
    assert_int_equal(gr_store_coverage(st, GR_LEVEL_COMMUNITY, w.comm1, &c), GR_OK);
    assert_int_equal(c.grids, 2);
    assert_int_equal(c.buildings, 1);
    int64_t totals[4];
    assert_int_equal(gr_store_gap_totals(st, GR_LEVEL_COMMUNITY, w.comm1, totals), GR_OK);
    assert_int_equal(totals[GR_GAP_GRID_NO_BRANCH - 1], 2);
    assert_int_equal(totals[GR_GAP_BUILDING_NO_LEADER - 1], 1);
}

/* ---- listing ---- */

static void list_scopes_and_under(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t b1 = add_building(st, w.grid1, "1幢");
    int64_t b2 = add_building(st, w.grid2, "1幢");
    int64_t b3 = add_building(st, w.grid3, "1幢");
    int64_t b4 = add_building(st, w.grid1, "2幢");
    struct gr_query q;
    struct ids out;

    query_init(&q);
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 4, b1, b2, b3, b4);

    q.all = false; /* no scopes at all: nothing */
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_int_equal(out.n, 0);

    q.n_scopes = 1;
    q.scopes[0] = (struct gr_scope){GR_LEVEL_GRID, w.grid1};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 2, b1, b4);

    q.scopes[0] = (struct gr_scope){GR_LEVEL_COMMUNITY, w.comm1};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 3, b1, b2, b4);

    q.scopes[0] = (struct gr_scope){GR_LEVEL_STREET, w.street};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_int_equal(out.n, 4);

    q.n_scopes = 2; /* a union */
    q.scopes[0] = (struct gr_scope){GR_LEVEL_GRID, w.grid2};
    q.scopes[1] = (struct gr_scope){GR_LEVEL_COMMUNITY, w.comm2};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 2, b2, b3);

    /* `under` narrows inside the scopes. */
    q.n_scopes = 1;
    q.scopes[0] = (struct gr_scope){GR_LEVEL_COMMUNITY, w.comm1};
    q.under = (struct gr_scope){GR_LEVEL_GRID, w.grid1};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 2, b1, b4);
    q.under = (struct gr_scope){GR_LEVEL_GRID, w.grid3};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_int_equal(out.n, 0);
    query_init(&q);
    q.under = (struct gr_scope){GR_LEVEL_COMMUNITY, w.comm2};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 1, b3);

    /* Nodes are in their own subtree. */
    query_init(&q);
    q.all = false;
    q.n_scopes = 1;
    q.scopes[0] = (struct gr_scope){GR_LEVEL_COMMUNITY, w.comm1};
    list(st, GR_K_NODES, &q, &out, NULL);
    assert_ids(&out, 3, w.comm1, w.grid1, w.grid2);
}

static void list_filters(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    const struct gr_kind *k = gr_kind_get(GR_K_BUILDINGS);
    int64_t b1 = add_building(st, w.grid1, "1幢");
    int64_t b2 = add_building(st, w.grid1, "2幢");
    int64_t b3 = add_building(st, w.grid2, "1幢");
    struct rec r;
    rec_init(&r, GR_K_BUILDINGS);
    set_int(&r, "floors", 6);
    struct gr_verr ve;
    assert_int_equal(gr_store_update(st, k, b2, r.v, &ve), GR_OK);
    assert_int_equal(gr_store_update(st, k, b3, r.v, &ve), GR_OK);

    struct gr_query q;
    struct ids out;
    query_init(&q);
    q.n_filters = 1;
    q.filter_field[0] = field_index(k, "floors");
    q.filter_value[0] = (struct gr_value){.present = true, .i = 6};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 2, b2, b3);

    q.filter_value[0] = (struct gr_value){.present = true, .null = true};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 1, b1);

    q.filter_field[0] = field_index(k, "grid_id");
    q.filter_value[0] = (struct gr_value){.present = true, .i = w.grid1};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 2, b1, b2);

    q.n_filters = 2; /* filters combine */
    q.filter_field[1] = field_index(k, "number");
    q.filter_value[1] = (struct gr_value){.present = true, .s = "1幢", .len = strlen("1幢")};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 1, b1);

    q.filter_value[1] = (struct gr_value){.present = true, .s = "1", .len = 1};
    list(st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_int_equal(out.n, 0); /* equality, not substring */
}

static void list_search(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t u = add_unit(st, add_building(st, w.grid1, "1幢"), "1单元");
    int64_t h1 = add_household(st, u, "101", "张三丰");
    int64_t h2 = add_household(st, u, "202", "李四");
    int64_t h3 = add_household(st, u, "1_1", "王五");
    int64_t h4 = add_household(st, u, "121", "张无忌");
    struct gr_query q;
    struct ids out;
    query_init(&q);

    q.q = "张";
    q.q_len = strlen(q.q);
    q.search_personal = true;
    list(st, GR_K_HOUSEHOLDS, &q, &out, NULL);
    assert_ids(&out, 2, h1, h4);
    /* Without search_personal the head's name is not searched. */
    q.search_personal = false;
    list(st, GR_K_HOUSEHOLDS, &q, &out, NULL);
    assert_int_equal(out.n, 0);

    q.q = "20";
    q.q_len = 2;
    list(st, GR_K_HOUSEHOLDS, &q, &out, NULL);
    assert_ids(&out, 1, h2);

    /* LIKE wildcards in q are literal. */
    q.q = "_";
    q.q_len = 1;
    list(st, GR_K_HOUSEHOLDS, &q, &out, NULL);
    assert_ids(&out, 1, h3);
    q.q = "%";
    list(st, GR_K_HOUSEHOLDS, &q, &out, NULL);
    assert_int_equal(out.n, 0);

    /* q_len bounds q. */
    q.q = "1_1xyz";
    q.q_len = 3;
    list(st, GR_K_HOUSEHOLDS, &q, &out, NULL);
    assert_ids(&out, 1, h3);

    /* Node names and codes are searched. */
    q.q = "二网";
    q.q_len = strlen(q.q);
    list(st, GR_K_NODES, &q, &out, NULL);
    assert_ids(&out, 1, w.grid2);
    q.q = "G3";
    q.q_len = 2;
    list(st, GR_K_NODES, &q, &out, NULL);
    assert_ids(&out, 1, w.grid3);
}

static void list_all_terms_combined(void **state)
{
    /* Scopes, under, filters, search and paging in one query bind in the right order. */
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    const struct gr_kind *k = gr_kind_get(GR_K_HOUSEHOLDS);
    int64_t u1 = add_unit(st, add_building(st, w.grid1, "1幢"), "1单元");
    int64_t u2 = add_unit(st, add_building(st, w.grid2, "1幢"), "1单元");
    int64_t u3 = add_unit(st, add_building(st, w.grid3, "1幢"), "1单元");
    int64_t want[3];
    size_t n_want = 0;
    int64_t us[] = {u1, u2, u3};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) {
            char room[16];
            snprintf(room, sizeof(room), "%d0%d", j + 1, i + 1);
            int64_t h = add_household(st, us[i], room, j % 2 ? "张某" : "李某");
            if (i == 0 && j % 2)
                want[n_want++] = h;
        }
    struct gr_query q;
    struct ids out;
    bool more = false;
    query_init(&q);
    q.all = false;
    q.n_scopes = 2;
    q.scopes[0] = (struct gr_scope){GR_LEVEL_GRID, w.grid3};
    q.scopes[1] = (struct gr_scope){GR_LEVEL_COMMUNITY, w.comm1};
    q.under = (struct gr_scope){GR_LEVEL_GRID, w.grid1};
    q.n_filters = 1;
    q.filter_field[0] = field_index(k, "unit_id");
    q.filter_value[0] = (struct gr_value){.present = true, .i = u1};
    q.q = "张";
    q.q_len = strlen(q.q);
    q.search_personal = true;
    q.limit = 1;
    list(st, GR_K_HOUSEHOLDS, &q, &out, &more);
    assert_int_equal(n_want, 2);
    assert_ids(&out, 1, want[0]);
    assert_true(more);
    q.after = want[0];
    list(st, GR_K_HOUSEHOLDS, &q, &out, &more);
    assert_ids(&out, 1, want[1]);
    assert_false(more);
}

static void list_search_without_searchable_fields_matches_nothing(void **state)
{
    /* A resident is found only by name, a personal field: a caller who may not search
     * personal data must not get every resident back instead. */
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t h =
        add_household(st, add_unit(st, add_building(st, w.grid1, "1幢"), "1单元"), "101", NULL);
    int64_t r1 = add_resident(st, h, "张三");
    add_resident(st, h, "李四");
    struct gr_query q;
    struct ids out;
    query_init(&q);
    q.q = "张";
    q.q_len = strlen(q.q);
    q.search_personal = true;
    list(st, GR_K_RESIDENTS, &q, &out, NULL);
    assert_ids(&out, 1, r1);
    q.search_personal = false;
    list(st, GR_K_RESIDENTS, &q, &out, NULL);
    assert_int_equal(out.n, 0);
}

static void list_keyset_pagination(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t ids[7];
    for (int i = 0; i < 7; i++) {
        char num[16];
        snprintf(num, sizeof(num), "%d幢", i + 1);
        ids[i] = add_building(st, w.grid1, num);
    }
    struct gr_query q;
    struct ids out;
    bool more = false;
    query_init(&q);
    q.limit = 3;
    list(st, GR_K_BUILDINGS, &q, &out, &more);
    assert_ids(&out, 3, ids[0], ids[1], ids[2]);
    assert_true(more);
    q.after = out.id[2];
    list(st, GR_K_BUILDINGS, &q, &out, &more);
    assert_ids(&out, 3, ids[3], ids[4], ids[5]);
    assert_true(more);
    q.after = out.id[2];
    list(st, GR_K_BUILDINGS, &q, &out, &more);
    assert_ids(&out, 1, ids[6]);
    assert_false(more);
    q.after = ids[6];
    list(st, GR_K_BUILDINGS, &q, &out, &more);
    assert_int_equal(out.n, 0);
    assert_false(more);
    /* Exactly limit rows left: no more. */
    q.after = ids[3];
    list(st, GR_K_BUILDINGS, &q, &out, &more);
    assert_ids(&out, 3, ids[4], ids[5], ids[6]);
    assert_false(more);
    /* The callback may stop the listing early. */
    query_init(&q);
    memset(&out, 0, sizeof(out));
    out.stop_after = 2;
    more = true;
    assert_int_equal(gr_store_list(st, gr_kind_get(GR_K_BUILDINGS), &q, collect, &out, &more),
                     GR_OK);
    assert_int_equal(out.n, 2);
}

/* ---- transactions and settings ---- */

static void transaction_rollback_undoes(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    assert_int_equal(gr_store_begin(st), GR_OK);
    int64_t g = add_node(st, w.comm1, "grid", "GX", "临时网格");
    int64_t b = add_building(st, g, "1幢");
    gr_store_rollback(st);
    const struct gr_kind *kb = gr_kind_get(GR_K_BUILDINGS);
    struct gr_row row;
    assert_int_equal(gr_store_get(st, kb, b, &row), GR_ENOTFOUND);
    assert_int_equal(gr_store_get(st, gr_kind_get(GR_K_NODES), g, &row), GR_ENOTFOUND);
    assert_int_equal(count_all(st, GR_K_NODES), 8);
    /* The rolled-back grid is forgotten: nothing may refer to it any more. */
    struct rec r;
    rec_init(&r, GR_K_BUILDINGS);
    set_int(&r, "grid_id", g);
    set_text(&r, "number", "2幢");
    insert_fails(st, &r, GR_EINVAL, "grid_id");
    struct gr_coverage c;
    assert_int_equal(gr_store_coverage(st, GR_LEVEL_COMMUNITY, w.comm1, &c), GR_OK);
    assert_int_equal(c.grids, 2);
    assert_int_equal(c.buildings, 0);
    /* Its code is free again. */
    add_node(st, w.comm1, "grid", "GX", "新网格");
}

static void transaction_nesting(void **state)
{
    struct fx *f = *state;
    struct gr_store *st = f->st;
    struct world w;
    build_world(st, &w);
    assert_int_equal(gr_store_begin(st), GR_OK);
    int64_t b1 = add_building(st, w.grid1, "1幢");
    assert_int_equal(gr_store_begin(st), GR_OK);
    int64_t b2 = add_building(st, w.grid1, "2幢");
    assert_int_equal(gr_store_commit(st), GR_OK); /* inner: nothing final yet */
    int64_t b3 = add_building(st, w.grid1, "3幢");
    assert_int_equal(gr_store_commit(st), GR_OK);
    assert_int_not_equal(gr_store_commit(st), GR_OK); /* nothing open */

    /* An inner commit does not survive an outer rollback. */
    assert_int_equal(gr_store_begin(st), GR_OK);
    assert_int_equal(gr_store_begin(st), GR_OK);
    int64_t b4 = add_building(st, w.grid2, "4幢");
    assert_int_equal(gr_store_commit(st), GR_OK);
    gr_store_rollback(st);
    struct gr_row row;
    assert_int_equal(gr_store_get(st, gr_kind_get(GR_K_BUILDINGS), b4, &row), GR_ENOTFOUND);

    /* What was committed is on disk. */
    gr_store_close(st);
    f->st = NULL;
    assert_int_equal(gr_store_open(f->path, false, &f->st), GR_OK);
    struct gr_query q;
    struct ids out;
    query_init(&q);
    list(f->st, GR_K_BUILDINGS, &q, &out, NULL);
    assert_ids(&out, 3, b1, b2, b3);
}

static void settings_get_set(void **state)
{
    struct gr_store *st = store_of(state);
    char *v = (char *)state;
    assert_int_equal(gr_store_setting_get(st, "city_name", &v), GR_ENOTFOUND);
    assert_null(v);
    assert_int_equal(gr_store_setting_set(st, "city_name", "杭州市"), GR_OK);
    assert_int_equal(gr_store_setting_get(st, "city_name", &v), GR_OK);
    assert_string_equal(v, "杭州市");
    free(v);
    assert_int_equal(gr_store_setting_set(st, "city_name", ""), GR_OK);
    assert_int_equal(gr_store_setting_set(st, "level_names", "{\"grid\":\"网格\"}"), GR_OK);
    assert_int_equal(gr_store_setting_get(st, "city_name", &v), GR_OK);
    assert_string_equal(v, "");
    free(v);
    assert_int_equal(gr_store_setting_get(st, "level_names", &v), GR_OK);
    assert_string_equal(v, "{\"grid\":\"网格\"}");
    free(v);
}

/* ---- coverage and gaps ---- */

struct gaps {
    enum gr_gap_kind kind[64];
    int64_t id[64], grid[64], building[64];
    char name[64][64];
    size_t n;
};

static int collect_gap(void *ctx, const struct gr_gap *g)
{
    struct gaps *c = ctx;
    assert_true(c->n < 64);
    c->kind[c->n] = g->kind;
    c->id[c->n] = g->id;
    c->grid[c->n] = g->grid_id;
    c->building[c->n] = g->building_id;
    snprintf(c->name[c->n], sizeof(c->name[0]), "%s", g->name ? g->name : "");
    c->n++;
    return 0;
}

static void gaps_of(struct gr_store *st, enum gr_level level, int64_t node, int limit,
                    struct gaps *out)
{
    memset(out, 0, sizeof(*out));
    assert_int_equal(gr_store_gaps(st, level, node, limit, collect_gap, out), GR_OK);
}

static void assert_totals(struct gr_store *st, enum gr_level level, int64_t node, int64_t grids_nb,
                          int64_t grids_nw, int64_t buildings_nl, int64_t units_nl)
{
    int64_t t[4] = {-1, -1, -1, -1};
    assert_int_equal(gr_store_gap_totals(st, level, node, t), GR_OK);
    assert_int_equal(t[GR_GAP_GRID_NO_BRANCH - 1], grids_nb);
    assert_int_equal(t[GR_GAP_GRID_NO_WORKER - 1], grids_nw);
    assert_int_equal(t[GR_GAP_BUILDING_NO_LEADER - 1], buildings_nl);
    assert_int_equal(t[GR_GAP_UNIT_NO_LEADER - 1], units_nl);
}

static struct gr_coverage coverage(struct gr_store *st, enum gr_level level, int64_t node)
{
    struct gr_coverage c;
    assert_int_equal(gr_store_coverage(st, level, node, &c), GR_OK);
    return c;
}

/* The small network of the coverage tests: in grid 1, buildings b1 (units u1, u2) and b2;
 * households h1, h2 in u1. */
struct net {
    int64_t b1, b2, u1, u2, h1, h2;
};

static void build_net(struct gr_store *st, const struct world *w, struct net *n)
{
    n->b1 = add_building(st, w->grid1, "1幢");
    n->b2 = add_building(st, w->grid1, "2幢");
    n->u1 = add_unit(st, n->b1, "1单元");
    n->u2 = add_unit(st, n->b1, "2单元");
    n->h1 = add_household(st, n->u1, "101", "张三");
    n->h2 = add_household(st, n->u1, "102", "李四");
}

static void coverage_maintained_on_every_write(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    struct net n;
    build_net(st, &w, &n);

    struct gr_coverage c = coverage(st, GR_LEVEL_COMMUNITY, w.comm1);
    assert_int_equal(c.grids, 2);
    assert_int_equal(c.grids_with_branch, 0);
    assert_int_equal(c.grids_with_worker, 0);
    assert_int_equal(c.buildings, 2);
    assert_int_equal(c.buildings_with_leader, 0);
    assert_int_equal(c.units, 2);
    assert_int_equal(c.units_with_leader, 0);
    assert_int_equal(c.households, 2);
    assert_int_equal(c.households_linked, 0);
    assert_int_equal(c.links, 0);
    assert_int_equal(c.party_members, 0);
    assert_int_equal(c.grid_workers, 0);
    assert_totals(st, GR_LEVEL_COMMUNITY, w.comm1, 2, 2, 2, 2);
    assert_totals(st, GR_LEVEL_COMMUNITY, w.comm2, 1, 1, 0, 0);
    assert_totals(st, GR_LEVEL_CITY, w.city, 3, 3, 2, 2);

    struct gaps g;
    gaps_of(st, GR_LEVEL_COMMUNITY, w.comm1, 50, &g);
    assert_int_equal(g.n, 8); /* grids first, then buildings, then units */
    assert_int_equal(g.kind[0], GR_GAP_GRID_NO_BRANCH);
    assert_int_equal(g.id[0], w.grid1);
    assert_string_equal(g.name[0], "东坡一网格");
    assert_int_equal(g.kind[1], GR_GAP_GRID_NO_BRANCH);
    assert_int_equal(g.id[1], w.grid2);
    assert_int_equal(g.kind[2], GR_GAP_GRID_NO_WORKER);
    assert_int_equal(g.kind[4], GR_GAP_BUILDING_NO_LEADER);
    assert_int_equal(g.id[4], n.b1);
    assert_string_equal(g.name[4], "1幢");
    assert_int_equal(g.grid[4], w.grid1);
    assert_int_equal(g.kind[6], GR_GAP_UNIT_NO_LEADER);
    assert_int_equal(g.id[6], n.u1);
    assert_string_equal(g.name[6], "1单元");
    assert_int_equal(g.building[6], n.b1);
    assert_int_equal(g.grid[6], w.grid1);
    gaps_of(st, GR_LEVEL_COMMUNITY, w.comm1, 3, &g);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.kind[2], GR_GAP_GRID_NO_WORKER);

    /* A grid branch, a grid worker, a building leader and a unit leader. */
    int64_t branch = add_party_org(st, w.grid1, "branch", "东坡一网格党支部");
    int64_t worker = add_post(st, "grid_worker", "node_id", w.grid1);
    int64_t bl = add_post(st, "building_leader", "building_id", n.b1);
    add_post(st, "unit_leader", "unit_id", n.u1);
    int64_t m1 = add_member(st, w.grid1, "党员甲");
    add_member(st, w.grid1, "党员乙");
    add_link(st, m1, n.h1);
    int64_t l2 = add_link(st, m1, n.h2);
    int64_t l3 = add_link(st, add_member(st, w.grid3, "党员丙"), n.h2);
    assert_int_equal(coverage(st, GR_LEVEL_COMMUNITY, w.comm1).links, 3);
    assert_int_equal(get_int(st, GR_K_HOUSEHOLDS, n.h2, "n_links"), 2);
    assert_int_equal(gr_store_delete(st, gr_kind_get(GR_K_MEMBER_HOUSEHOLDS), l3), GR_OK);
    assert_int_equal(get_int(st, GR_K_HOUSEHOLDS, n.h2, "n_links"), 1);

    c = coverage(st, GR_LEVEL_COMMUNITY, w.comm1);
    assert_int_equal(c.grids, 2);
    assert_int_equal(c.grids_with_branch, 1);
    assert_int_equal(c.grids_with_worker, 1);
    assert_int_equal(c.grid_workers, 1);
    assert_int_equal(c.buildings_with_leader, 1);
    assert_int_equal(c.units_with_leader, 1);
    assert_int_equal(c.households_linked, 2);
    assert_int_equal(c.links, 2);
    assert_int_equal(c.members_linking, 1);
    assert_int_equal(c.party_members, 2);
    assert_int_equal(coverage(st, GR_LEVEL_STREET, w.street).party_members, 3);
    assert_int_equal(get_int(st, GR_K_BUILDINGS, n.b1, "has_leader"), 1);
    assert_int_equal(get_int(st, GR_K_BUILDINGS, n.b2, "has_leader"), 0);
    assert_int_equal(get_int(st, GR_K_UNITS, n.u1, "has_leader"), 1);
    assert_int_equal(get_int(st, GR_K_HOUSEHOLDS, n.h1, "n_links"), 1);
    assert_totals(st, GR_LEVEL_COMMUNITY, w.comm1, 1, 1, 1, 1);
    assert_totals(st, GR_LEVEL_GRID, w.grid1, 0, 0, 1, 1);
    gaps_of(st, GR_LEVEL_COMMUNITY, w.comm1, 50, &g);
    assert_int_equal(g.n, 4);
    assert_int_equal(g.id[0], w.grid2);
    assert_int_equal(g.id[1], w.grid2);
    assert_int_equal(g.id[2], n.b2);
    assert_int_equal(g.id[3], n.u2);

    /* Grid and city levels sum the same counters. */
    struct gr_coverage cg = coverage(st, GR_LEVEL_GRID, w.grid1);
    assert_int_equal(cg.grids, 1);
    assert_int_equal(cg.buildings, 2);
    assert_int_equal(cg.party_members, 2);
    struct gr_coverage cc = coverage(st, GR_LEVEL_CITY, w.city);
    assert_int_equal(cc.grids, 3);
    assert_int_equal(cc.households_linked, 2);
    struct gr_coverage c2 = coverage(st, GR_LEVEL_COMMUNITY, w.comm2);
    assert_int_equal(c2.grids, 1);
    assert_int_equal(c2.buildings, 0);
    assert_int_equal(c2.party_members,
                     1); /* the member of grid 3 who links a household in grid 1 */

    /* Deletes are counted at once too. */
    assert_int_equal(gr_store_delete(st, gr_kind_get(GR_K_POSTS), bl), GR_OK);
    assert_int_equal(gr_store_delete(st, gr_kind_get(GR_K_POSTS), worker), GR_OK);
    assert_int_equal(gr_store_delete(st, gr_kind_get(GR_K_PARTY_ORGS), branch), GR_OK);
    c = coverage(st, GR_LEVEL_COMMUNITY, w.comm1);
    assert_int_equal(c.buildings_with_leader, 0);
    assert_int_equal(c.grids_with_worker, 0);
    assert_int_equal(c.grids_with_branch, 0);
    assert_int_equal(c.units_with_leader, 1);
    assert_int_equal(get_int(st, GR_K_BUILDINGS, n.b1, "has_leader"), 0);
    assert_totals(st, GR_LEVEL_COMMUNITY, w.comm1, 2, 2, 2, 1);
    assert_int_equal(gr_store_delete(st, gr_kind_get(GR_K_MEMBER_HOUSEHOLDS), l2), GR_OK);
    c = coverage(st, GR_LEVEL_COMMUNITY, w.comm1);
    assert_int_equal(c.links, 1);
    assert_int_equal(c.households_linked, 1);
    assert_int_equal(get_int(st, GR_K_HOUSEHOLDS, n.h2, "n_links"), 0);

    /* So is an update that turns the branch into something else. */
    int64_t br2 = add_party_org(st, w.grid2, "branch", "东坡二网格党支部");
    assert_int_equal(coverage(st, GR_LEVEL_COMMUNITY, w.comm1).grids_with_branch, 1);
    struct rec r;
    rec_init(&r, GR_K_PARTY_ORGS);
    set_text(&r, "kind", "group");
    struct gr_verr ve;
    assert_int_equal(gr_store_update(st, r.k, br2, r.v, &ve), GR_OK);
    assert_int_equal(coverage(st, GR_LEVEL_COMMUNITY, w.comm1).grids_with_branch, 0);
}

static void coverage_in_bulk_after_recount(void **state)
{
    struct gr_store *st = store_of(state);
    gr_store_bulk(st, true);
    assert_int_equal(gr_store_begin(st), GR_OK);
    struct world w;
    build_world(st, &w);
    struct net n;
    build_net(st, &w, &n);
    add_party_org(st, w.grid1, "general_branch", "东坡一网格党总支");
    add_post(st, "grid_worker", "node_id", w.grid1);
    add_post(st, "grid_worker", "node_id", w.grid1);
    add_post(st, "building_leader", "building_id", n.b2);
    add_post(st, "unit_leader", "unit_id", n.u2);
    int64_t m = add_member(st, w.grid1, "党员甲");
    add_link(st, m, n.h2);
    assert_int_equal(gr_store_recount(st, GR_LEVEL_NONE, 0), GR_OK);
    assert_int_equal(gr_store_commit(st), GR_OK);
    gr_store_bulk(st, false);

    struct gr_coverage c = coverage(st, GR_LEVEL_COMMUNITY, w.comm1);
    assert_int_equal(c.grids, 2);
    assert_int_equal(c.grids_with_branch, 1);
    assert_int_equal(c.grids_with_worker, 1);
    assert_int_equal(c.grid_workers, 2);
    assert_int_equal(c.buildings, 2);
    assert_int_equal(c.buildings_with_leader, 1);
    assert_int_equal(c.units, 2);
    assert_int_equal(c.units_with_leader, 1);
    assert_int_equal(c.households, 2);
    assert_int_equal(c.households_linked, 1);
    assert_int_equal(c.links, 1);
    assert_int_equal(c.members_linking, 1);
    assert_int_equal(c.party_members, 1);
    assert_int_equal(get_int(st, GR_K_BUILDINGS, n.b2, "has_leader"), 1);
    assert_int_equal(get_int(st, GR_K_UNITS, n.u2, "has_leader"), 1);
    assert_int_equal(get_int(st, GR_K_HOUSEHOLDS, n.h2, "n_links"), 1);
    assert_int_equal(get_int(st, GR_K_HOUSEHOLDS, n.h1, "n_links"), 0);
    assert_totals(st, GR_LEVEL_CITY, w.city, 2, 2, 1, 1);
    assert_int_equal(coverage(st, GR_LEVEL_COMMUNITY, w.comm2).grids, 1);

    /* Out of bulk mode, writes are counted at once again. */
    add_post(st, "building_leader", "building_id", n.b1);
    assert_int_equal(coverage(st, GR_LEVEL_COMMUNITY, w.comm1).buildings_with_leader, 2);
}

static void recount_of_a_subtree(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    gr_store_bulk(st, true);
    int64_t g4 = add_node(st, w.comm2, "grid", "G4", "青年二网格");
    int64_t b = add_building(st, g4, "1幢");
    add_post(st, "building_leader", "building_id", b);
    add_party_org(st, g4, "branch", "青年二网格党支部");
    assert_int_equal(gr_store_recount(st, GR_LEVEL_COMMUNITY, w.comm2), GR_OK);
    gr_store_bulk(st, false);
    struct gr_coverage c = coverage(st, GR_LEVEL_COMMUNITY, w.comm2);
    assert_int_equal(c.grids, 2);
    assert_int_equal(c.grids_with_branch, 1);
    assert_int_equal(c.buildings, 1);
    assert_int_equal(c.buildings_with_leader, 1);
    assert_int_equal(get_int(st, GR_K_BUILDINGS, b, "has_leader"), 1);
    assert_totals(st, GR_LEVEL_STREET, w.street, 3, 4, 0, 0);
}

static void coverage_bad_level(void **state)
{
    struct gr_store *st = store_of(state);
    struct gr_coverage c;
    assert_int_equal(gr_store_coverage(st, GR_LEVEL_NONE, 1, &c), GR_EINVAL);
    struct gaps g;
    memset(&g, 0, sizeof(g));
    assert_int_equal(gr_store_gaps(st, GR_LEVEL_NONE, 1, 10, collect_gap, &g), GR_EINVAL);
}

/* ---- boundaries ---- */

struct shapes {
    int64_t id[8];
    unsigned char first[8];
    size_t len[8];
    char code[8][32], geo[8][128];
    size_t n;
};

static int collect_shape(void *ctx, int64_t node_id, const void *shape, size_t len)
{
    struct shapes *s = ctx;
    assert_true(s->n < 8);
    s->id[s->n] = node_id;
    s->len[s->n] = len;
    s->first[s->n] = len ? *(const unsigned char *)shape : 0;
    s->n++;
    return 0;
}

static int collect_boundary(void *ctx, int64_t id, const char *code, const char *name,
                            const char *geojson)
{
    struct shapes *s = ctx;
    assert_true(s->n < 8);
    assert_non_null(name);
    s->id[s->n] = id;
    snprintf(s->code[s->n], sizeof(s->code[0]), "%s", code);
    snprintf(s->geo[s->n], sizeof(s->geo[0]), "%s", geojson);
    s->n++;
    return 0;
}

static void boundaries(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    static const char geo1[] = "{\"type\":\"Polygon\",\"coordinates\":[[[120,30],[120.1,30],"
                               "[120.1,30.1],[120,30]]]}";
    static const char geo2[] = "{\"type\":\"Polygon\",\"coordinates\":[[[121,31],[121.1,31],"
                               "[121.1,31.1],[121,31]]]}";
    const unsigned char shape1[] = {0xA1, 0, 1, 2, 3, 0xFF, 0};
    const unsigned char shape2[] = {0xB2, 9, 9};
    assert_int_equal(
        gr_store_node_boundary_set(st, w.grid1, geo1, shape1, sizeof(shape1), 30.05, 120.05),
        GR_OK);
    assert_int_equal(
        gr_store_node_boundary_set(st, w.grid3, geo2, shape2, sizeof(shape2), 31.05, 121.05),
        GR_OK);
    assert_int_equal(gr_store_node_boundary_set(st, 99999, geo1, shape1, sizeof(shape1), 0, 0),
                     GR_ENOTFOUND);

    char *g = NULL;
    assert_int_equal(gr_store_node_boundary_get(st, w.grid1, &g), GR_OK);
    assert_non_null(g);
    assert_string_equal(g, geo1);
    free(g);
    g = (char *)state;
    assert_int_equal(gr_store_node_boundary_get(st, w.grid2, &g), GR_OK);
    assert_null(g); /* a node without a boundary */
    assert_int_equal(gr_store_node_boundary_get(st, 99999, &g), GR_ENOTFOUND);
    assert_null(g);

    struct shapes s;
    memset(&s, 0, sizeof(s));
    assert_int_equal(gr_store_each_shape(st, GR_LEVEL_GRID, collect_shape, &s), GR_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.id[0], w.grid1);
    assert_int_equal(s.len[0], sizeof(shape1));
    assert_int_equal(s.first[0], 0xA1);
    assert_int_equal(s.id[1], w.grid3);
    assert_int_equal(s.len[1], sizeof(shape2));
    memset(&s, 0, sizeof(s));
    assert_int_equal(gr_store_each_shape(st, GR_LEVEL_COMMUNITY, collect_shape, &s), GR_OK);
    assert_int_equal(s.n, 0);

    memset(&s, 0, sizeof(s));
    struct gr_scope under = {GR_LEVEL_COMMUNITY, w.comm1};
    assert_int_equal(gr_store_each_boundary(st, under, GR_LEVEL_GRID, 10, collect_boundary, &s),
                     GR_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.id[0], w.grid1);
    assert_string_equal(s.code[0], "G1");
    assert_string_equal(s.geo[0], geo1);
    memset(&s, 0, sizeof(s));
    under = (struct gr_scope){GR_LEVEL_CITY, w.city};
    assert_int_equal(gr_store_each_boundary(st, under, GR_LEVEL_GRID, 10, collect_boundary, &s),
                     GR_OK);
    assert_int_equal(s.n, 2);
    memset(&s, 0, sizeof(s));
    assert_int_equal(gr_store_each_boundary(st, under, GR_LEVEL_GRID, 1, collect_boundary, &s),
                     GR_OK);
    assert_int_equal(s.n, 1);
    memset(&s, 0, sizeof(s));
    assert_int_equal(
        gr_store_each_boundary(st, under, GR_LEVEL_COMMUNITY, 10, collect_boundary, &s), GR_OK);
    assert_int_equal(s.n, 0);

    /* Setting again replaces. */
    assert_int_equal(gr_store_node_boundary_set(st, w.grid1, geo2, shape2, sizeof(shape2), 31, 121),
                     GR_OK);
    assert_int_equal(gr_store_node_boundary_get(st, w.grid1, &g), GR_OK);
    assert_string_equal(g, geo2);
    free(g);
}

/* ---- users, grants, sessions, tokens ---- */

struct users {
    int64_t id[16];
    char login[16][32];
    size_t n_grants[16];
    struct gr_grant first[16];
    size_t n;
};

static int collect_user(void *ctx, const struct gr_user *u, const struct gr_principal *p)
{
    struct users *c = ctx;
    assert_true(c->n < 16);
    c->id[c->n] = u->id;
    snprintf(c->login[c->n], sizeof(c->login[0]), "%s", u->login);
    c->n_grants[c->n] = p->n_grants;
    if (p->n_grants)
        c->first[c->n] = p->grants[0];
    c->n++;
    return 0;
}

static int64_t add_user(struct gr_store *st, const char *login)
{
    int64_t id = 0;
    assert_int_equal(gr_store_user_create(st, login, "测试用户", "$argon2id$fake", &id), GR_OK);
    assert_true(id > 0);
    return id;
}

static void users_create_and_find(void **state)
{
    struct gr_store *st = store_of(state);
    int64_t u = add_user(st, "wang");
    int64_t other = 0;
    assert_int_equal(gr_store_user_create(st, "wang", "另一个", "$x", &other), GR_ECONFLICT);
    struct gr_user user;
    assert_int_equal(gr_store_user_by_login(st, "wang", &user), GR_OK);
    assert_int_equal(user.id, u);
    assert_string_equal(user.login, "wang");
    assert_string_equal(user.name, "测试用户");
    assert_string_equal(user.pw_hash, "$argon2id$fake");
    assert_false(user.disabled);
    assert_int_equal(gr_store_user_by_login(st, "Wang", &user), GR_ENOTFOUND);
    assert_int_equal(gr_store_user_by_login(st, "", &user), GR_ENOTFOUND);
    assert_int_equal(gr_store_user_get(st, u, &user), GR_OK);
    assert_string_equal(user.login, "wang");
    assert_int_equal(gr_store_user_get(st, u + 100, &user), GR_ENOTFOUND);
    assert_int_equal(gr_store_user_set_password(st, u, "$argon2id$new"), GR_OK);
    assert_int_equal(gr_store_user_get(st, u, &user), GR_OK);
    assert_string_equal(user.pw_hash, "$argon2id$new");
    assert_int_equal(gr_store_user_set_password(st, u + 100, "$x"), GR_ENOTFOUND);
}

static void grants_resolve_levels(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t org = add_organisation(st, w.district, "区民政局");
    int64_t u = add_user(st, "li");
    struct gr_principal p;
    assert_int_equal(gr_store_grants(st, u, &p), GR_OK);
    assert_int_equal(p.user_id, u);
    assert_int_equal(p.n_grants, 0);

    assert_int_equal(gr_store_grant_add(st, u, GR_ROLE_COMMUNITY_STAFF, w.comm1, 0), GR_OK);
    assert_int_equal(gr_store_grant_add(st, u, GR_ROLE_GRID_WORKER, w.grid3, 0), GR_OK);
    assert_int_equal(gr_store_grant_add(st, u, GR_ROLE_DEPARTMENT_HANDLER, 0, org), GR_OK);
    assert_int_not_equal(gr_store_grant_add(st, u, GR_ROLE_GRID_WORKER, 99999, 0), GR_OK);
    assert_int_equal(gr_store_grants(st, u, &p), GR_OK);
    assert_int_equal(p.n_grants, 3);
    assert_int_equal(p.grants[0].role, GR_ROLE_COMMUNITY_STAFF);
    assert_int_equal(p.grants[0].node_id, w.comm1);
    assert_int_equal(p.grants[0].level, GR_LEVEL_COMMUNITY);
    assert_int_equal(p.grants[0].organisation_id, 0);
    assert_int_equal(p.grants[1].role, GR_ROLE_GRID_WORKER);
    assert_int_equal(p.grants[1].node_id, w.grid3);
    assert_int_equal(p.grants[1].level, GR_LEVEL_GRID);
    assert_int_equal(p.grants[2].role, GR_ROLE_DEPARTMENT_HANDLER);
    assert_int_equal(p.grants[2].node_id, 0);
    assert_int_equal(p.grants[2].organisation_id, org);
    assert_int_equal(p.grants[2].org_node_id, w.district);
    assert_int_equal(p.grants[2].org_node_level, GR_LEVEL_DISTRICT);

    /* The grants as read work with the access rules. */
    struct gr_anc in_grid1 = {{0, w.city, w.district, w.street, w.comm1, w.grid1}};
    assert_true(gr_access_allows(&p, GR_K_HOUSEHOLDS, &in_grid1, GR_ACT_WRITE));
    struct gr_anc in_grid3 = {{0, w.city, w.district, w.street, w.comm2, w.grid3}};
    assert_true(gr_access_allows(&p, GR_K_HOUSEHOLDS, &in_grid3, GR_ACT_PERSONAL));
    assert_false(gr_access_allows(&p, GR_K_NODES, &in_grid3, GR_ACT_WRITE));

    /* Another user's grants are theirs. */
    int64_t v = add_user(st, "zhao");
    assert_int_equal(gr_store_grant_add(st, v, GR_ROLE_ADMIN, 0, 0), GR_OK);
    assert_int_equal(gr_store_grants(st, v, &p), GR_OK);
    assert_int_equal(p.n_grants, 1);
    assert_int_equal(p.grants[0].role, GR_ROLE_ADMIN);
    assert_true(gr_access_is_admin(&p));
}

static void user_list_scoped(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t a = add_user(st, "a_worker");
    int64_t b = add_user(st, "b_staff");
    int64_t c = add_user(st, "c_nogrant");
    int64_t d = add_user(st, "d_two");
    assert_int_equal(gr_store_grant_add(st, a, GR_ROLE_GRID_WORKER, w.grid1, 0), GR_OK);
    assert_int_equal(gr_store_grant_add(st, b, GR_ROLE_COMMUNITY_STAFF, w.comm2, 0), GR_OK);
    assert_int_equal(gr_store_grant_add(st, d, GR_ROLE_GRID_WORKER, w.grid1, 0), GR_OK);
    assert_int_equal(gr_store_grant_add(st, d, GR_ROLE_RESIDENT, w.grid2, 0), GR_OK);

    struct gr_query q;
    struct users out;
    bool more = true;
    query_init(&q);
    memset(&out, 0, sizeof(out));
    assert_int_equal(gr_store_user_list(st, &q, collect_user, &out, &more), GR_OK);
    assert_int_equal(out.n, 4);
    assert_false(more);
    assert_int_equal(out.id[2], c);
    assert_int_equal(out.n_grants[2], 0);
    assert_int_equal(out.n_grants[3], 2);

    q.all = false;
    q.n_scopes = 1;
    q.scopes[0] = (struct gr_scope){GR_LEVEL_COMMUNITY, w.comm1};
    memset(&out, 0, sizeof(out));
    assert_int_equal(gr_store_user_list(st, &q, collect_user, &out, &more), GR_OK);
    assert_int_equal(out.n, 2); /* each user once, however many grants match */
    assert_int_equal(out.id[0], a);
    assert_string_equal(out.login[0], "a_worker");
    assert_int_equal(out.first[0].role, GR_ROLE_GRID_WORKER);
    assert_int_equal(out.first[0].level, GR_LEVEL_GRID);
    assert_int_equal(out.id[1], d);
    assert_int_equal(out.n_grants[1], 2);

    q.scopes[0] = (struct gr_scope){GR_LEVEL_GRID, w.grid3};
    memset(&out, 0, sizeof(out));
    assert_int_equal(gr_store_user_list(st, &q, collect_user, &out, &more), GR_OK);
    assert_int_equal(out.n, 0); /* staff of community 2 are above grid 3, not in it */

    q.scopes[0] = (struct gr_scope){GR_LEVEL_STREET, w.street};
    q.limit = 2;
    memset(&out, 0, sizeof(out));
    assert_int_equal(gr_store_user_list(st, &q, collect_user, &out, &more), GR_OK);
    assert_int_equal(out.n, 2);
    assert_true(more);
    q.after = out.id[1];
    memset(&out, 0, sizeof(out));
    assert_int_equal(gr_store_user_list(st, &q, collect_user, &out, &more), GR_OK);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.id[0], d);
    assert_false(more);

    q.n_scopes = 0;
    memset(&out, 0, sizeof(out));
    assert_int_equal(gr_store_user_list(st, &q, collect_user, &out, &more), GR_OK);
    assert_int_equal(out.n, 0);
}

static void sessions_expire_and_delete(void **state)
{
    struct gr_store *st = store_of(state);
    int64_t u = add_user(st, "sun");
    const char *hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    assert_int_equal(gr_store_session_create(st, hash, u, "csrf-token-1", 2000000000), GR_OK);
    int64_t who = 0;
    char *csrf = NULL;
    assert_int_equal(gr_store_session_get(st, hash, 1999999000, &who, &csrf), GR_OK);
    assert_int_equal(who, u);
    assert_non_null(csrf);
    assert_string_equal(csrf, "csrf-token-1");
    free(csrf);
    csrf = (char *)state;
    assert_int_equal(gr_store_session_get(st, hash, 2000000001, &who, &csrf), GR_ENOTFOUND);
    assert_null(csrf);
    assert_int_equal(gr_store_session_get(st, "0000", 1, &who, &csrf), GR_ENOTFOUND);

    const char *hash2 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    assert_int_equal(gr_store_session_create(st, hash2, u, "csrf-2", 2000000000), GR_OK);
    assert_int_equal(gr_store_session_delete(st, hash), GR_OK);
    assert_int_equal(gr_store_session_get(st, hash, 1, &who, &csrf), GR_ENOTFOUND);
    /* Deleting one session leaves the others. */
    assert_int_equal(gr_store_session_get(st, hash2, 1, &who, &csrf), GR_OK);
    free(csrf);
    assert_int_equal(gr_store_session_delete(st, hash), GR_OK); /* again: harmless */
}

static void tokens(void **state)
{
    struct gr_store *st = store_of(state);
    int64_t u = add_user(st, "zhou");
    int64_t v = add_user(st, "wu");
    assert_int_equal(gr_store_token_create(st, "aaaa", u, "导入脚本"), GR_OK);
    assert_int_equal(gr_store_token_create(st, "bbbb", v, "报表"), GR_OK);
    int64_t who = 0;
    assert_int_equal(gr_store_token_get(st, "aaaa", &who), GR_OK);
    assert_int_equal(who, u);
    assert_int_equal(gr_store_token_get(st, "bbbb", &who), GR_OK);
    assert_int_equal(who, v);
    assert_int_equal(gr_store_token_get(st, "cccc", &who), GR_ENOTFOUND);
    assert_int_not_equal(gr_store_token_create(st, "aaaa", v, "dup"), GR_OK);
    assert_int_equal(gr_store_token_get(st, "aaaa", &who), GR_OK);
    assert_int_equal(who, u);
}

/* ---- the responsibility list ---- */

static void put_catalogue(struct gr_store *st)
{
    const struct gr_category_row major = {"01", NULL, "event", "市容环境", "City appearance"};
    const struct gr_category_row minor = {"0101", "01", "event", "暴露垃圾", "Exposed rubbish"};
    assert_int_equal(gr_store_category_put(st, &major), GR_OK);
    assert_int_equal(gr_store_category_put(st, &minor), GR_OK);
    assert_int_equal(gr_store_power_type_put(st, "comprehensive", "综合", "Comprehensive", 1),
                     GR_OK);
}

static struct gr_matter matter_of(const char *code, const char *name)
{
    struct gr_matter m;
    memset(&m, 0, sizeof(m));
    m.code = code;
    m.name = name;
    m.category = "0101";
    m.power_type = "comprehensive";
    m.list_kind = GR_LK_BASIC;
    m.governance = GR_GOV_GOVERNMENT;
    m.owner_level = GR_LEVEL_COMMUNITY;
    m.respond_limit = 2;
    m.respond_unit = GR_TU_HOURS;
    m.resolve_limit = 3;
    m.resolve_unit = GR_TU_DAYS;
    return m;
}

static void put_matter(struct gr_store *st, int version, const struct gr_matter *m)
{
    const char *field = "unset";
    enum gr_err e = gr_store_matter_put(st, version, m, &field);
    if (e != GR_OK)
        fail_msg("matter_put %s: %s (field %s; %s)", m->code, gr_strerror(e), field ? field : "-",
                 gr_store_errmsg(st));
}

struct codes {
    char code[16][16];
    int resolve_limit[16];
    size_t n;
};

static int collect_matter(void *ctx, const struct gr_matter *m)
{
    struct codes *c = ctx;
    assert_true(c->n < 16);
    snprintf(c->code[c->n], sizeof(c->code[0]), "%s", m->code);
    c->resolve_limit[c->n] = m->resolve_limit;
    c->n++;
    return 0;
}

static void matters_of(struct gr_store *st, int version, const char *after, int limit,
                       struct codes *out, bool *more)
{
    memset(out, 0, sizeof(*out));
    assert_int_equal(gr_store_matters(st, version, after, limit, collect_matter, out, more), GR_OK);
}

struct lists {
    int version[8];
    char status[8][16];
    int64_t effective_at[8], n_matters[8];
    size_t n;
};

static int collect_list(void *ctx, const struct gr_matter_list *l)
{
    struct lists *c = ctx;
    assert_true(c->n < 8);
    c->version[c->n] = l->version;
    snprintf(c->status[c->n], sizeof(c->status[0]), "%s", l->status);
    c->effective_at[c->n] = l->effective_at;
    c->n_matters[c->n] = l->n_matters;
    c->n++;
    return 0;
}

static int count_category(void *ctx, const struct gr_category_row *c)
{
    (void)c;
    (*(int *)ctx)++;
    return 0;
}

static int count_power_type(void *ctx, const char *code, const char *name, const char *name_en)
{
    (void)code;
    (void)name;
    (void)name_en;
    (*(int *)ctx)++;
    return 0;
}

static void matter_list_versions(void **state)
{
    struct gr_store *st = store_of(state);
    const int64_t at = INT64_C(1795658400); /* 2026-11-26 10:00 at +08:00 */
    int64_t admin = add_user(st, "admin");
    int v = 0;
    assert_int_equal(gr_store_matter_current(st, at, &v), GR_ENOTFOUND); /* no list at all */
    assert_int_equal(gr_store_matter_draft(st, &v), GR_OK);
    assert_int_equal(v, 1);
    int again = 0;
    assert_int_equal(gr_store_matter_draft(st, &again), GR_OK);
    assert_int_equal(again, 1); /* one draft at a time: the same one */
    assert_int_equal(gr_store_matter_publish(st, 1, at, admin), GR_EINVAL); /* empty */

    /* The vocabulary comes first: an unknown category or power type names itself. */
    struct gr_matter m1 = matter_of("M0101", "暴露垃圾");
    const char *field = NULL;
    assert_int_equal(gr_store_matter_put(st, 1, &m1, &field), GR_ENOTFOUND);
    assert_non_null(field);
    assert_string_equal(field, "category");
    put_catalogue(st);
    struct gr_matter bad = m1;
    bad.power_type = "no_such_power";
    field = NULL;
    assert_int_equal(gr_store_matter_put(st, 1, &bad, &field), GR_ENOTFOUND);
    assert_non_null(field);
    assert_string_equal(field, "power_type");
    int n_cat = 0, n_pt = 0;
    assert_int_equal(gr_store_categories(st, count_category, &n_cat), GR_OK);
    assert_int_equal(gr_store_power_types(st, count_power_type, &n_pt), GR_OK);
    assert_int_equal(n_cat, 2);
    assert_int_equal(n_pt, 1);

    put_matter(st, 1, &m1);
    struct gr_matter m2 = matter_of("M0102", "占道经营");
    m2.list_kind = GR_LK_COOPERATIVE;
    m2.governance = GR_GOV_CO_GOVERNANCE;
    m2.owner_level = GR_LEVEL_NONE;
    m2.owner_dept = "城市管理局";
    m2.co_depts[0] = "市场监督管理局";
    m2.co_depts[1] = "住房和城乡建设局";
    m2.n_co = 2;
    m2.legal_basis = "《城市市容和环境卫生管理条例》第十四条";
    m2.respond_limit = 1;
    m2.respond_unit = GR_TU_DAYS;
    m2.resolve_limit = 24;
    m2.resolve_unit = GR_TU_HOURS;
    m2.urgent = true;
    put_matter(st, 1, &m2);
    struct gr_matter m3 = matter_of("M0103", "绿化损毁");
    put_matter(st, 1, &m3);

    /* Not in effect before it is published. */
    assert_int_equal(gr_store_matter_current(st, at + 3600, &v), GR_ENOTFOUND);
    assert_int_equal(gr_store_matter_publish(st, 1, at, admin), GR_OK);
    assert_int_equal(gr_store_matter_publish(st, 1, at, admin), GR_ECONFLICT);
    assert_int_equal(gr_store_matter_current(st, at - 1, &v), GR_ENOTFOUND);
    v = 0;
    assert_int_equal(gr_store_matter_current(st, at, &v), GR_OK);
    assert_int_equal(v, 1);
    v = 0;
    assert_int_equal(gr_store_matter_current(st, at + 86400, &v), GR_OK);
    assert_int_equal(v, 1);

    /* A published version is frozen. */
    struct gr_matter changed = m1;
    changed.resolve_limit = 9;
    assert_int_equal(gr_store_matter_put(st, 1, &changed, &field), GR_ECONFLICT);

    /* Fields round-trip, the co-handling departments split again. */
    struct gr_matter got;
    assert_int_equal(gr_store_matter_get(st, 1, "M0102", &got), GR_OK);
    assert_string_equal(got.code, "M0102");
    assert_string_equal(got.name, "占道经营");
    assert_string_equal(got.category, "0101");
    assert_string_equal(got.power_type, "comprehensive");
    assert_int_equal(got.list_kind, GR_LK_COOPERATIVE);
    assert_int_equal(got.governance, GR_GOV_CO_GOVERNANCE);
    assert_int_equal(got.owner_level, GR_LEVEL_NONE);
    assert_string_equal(got.owner_dept, "城市管理局");
    assert_int_equal(got.n_co, 2);
    assert_string_equal(got.co_depts[0], "市场监督管理局");
    assert_string_equal(got.co_depts[1], "住房和城乡建设局");
    assert_string_equal(got.legal_basis, "《城市市容和环境卫生管理条例》第十四条");
    assert_int_equal(got.respond_limit, 1);
    assert_int_equal(got.respond_unit, GR_TU_DAYS);
    assert_int_equal(got.resolve_limit, 24);
    assert_int_equal(got.resolve_unit, GR_TU_HOURS);
    assert_true(got.urgent);
    assert_int_equal(gr_store_matter_get(st, 1, "M0101", &got), GR_OK);
    assert_int_equal(got.owner_level, GR_LEVEL_COMMUNITY);
    assert_null(got.owner_dept);
    assert_int_equal(got.n_co, 0);
    assert_null(got.legal_basis);
    assert_false(got.urgent);
    assert_int_equal(gr_store_matter_get(st, 1, "M9999", &got), GR_ENOTFOUND);
    assert_int_equal(gr_store_matter_get(st, 2, "M0101", &got), GR_ENOTFOUND);

    /* Paging by code. */
    struct codes out;
    bool more = false;
    matters_of(st, 1, NULL, 2, &out, &more);
    assert_int_equal(out.n, 2);
    assert_string_equal(out.code[0], "M0101");
    assert_string_equal(out.code[1], "M0102");
    assert_true(more);
    char last[16];
    snprintf(last, sizeof(last), "%s", out.code[1]);
    matters_of(st, 1, last, 2, &out, &more);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.code[0], "M0103");
    assert_false(more);
    matters_of(st, 1, NULL, 3, &out, &more);
    assert_int_equal(out.n, 3);
    assert_false(more); /* exactly the limit: nothing remains */

    /* A new draft copies the newest version; the old one stays in effect until the new
     * one is published and effective. */
    assert_int_equal(gr_store_matter_draft(st, &v), GR_OK);
    assert_int_equal(v, 2);
    matters_of(st, 2, NULL, 10, &out, &more);
    assert_int_equal(out.n, 3);
    assert_string_equal(out.code[0], "M0101");
    assert_string_equal(out.code[2], "M0103");
    assert_int_equal(gr_store_matter_get(st, 2, "M0102", &got), GR_OK);
    assert_int_equal(got.n_co, 2);
    assert_string_equal(got.co_depts[1], "住房和城乡建设局");
    put_matter(st, 2, &changed);
    assert_int_equal(gr_store_matter_delete(st, 2, "M0103"), GR_OK);
    assert_int_equal(gr_store_matter_delete(st, 2, "M0103"), GR_ENOTFOUND);
    struct gr_matter m4 = matter_of("M0104", "违规停车");
    put_matter(st, 2, &m4);
    assert_int_equal(gr_store_matter_current(st, at + 100, &v), GR_OK);
    assert_int_equal(v, 1);
    assert_int_equal(gr_store_matter_get(st, 1, "M0101", &got), GR_OK);
    assert_int_equal(got.resolve_limit, 3); /* the draft's change is its own */
    assert_int_equal(gr_store_matter_get(st, 1, "M0103", &got), GR_OK);
    assert_int_equal(gr_store_matter_publish(st, 2, at + 1000, admin), GR_OK);
    assert_int_equal(gr_store_matter_current(st, at + 999, &v), GR_OK);
    assert_int_equal(v, 1);
    assert_int_equal(gr_store_matter_current(st, at + 1000, &v), GR_OK);
    assert_int_equal(v, 2);
    matters_of(st, 2, NULL, 10, &out, &more);
    assert_int_equal(out.n, 3);
    assert_string_equal(out.code[0], "M0101");
    assert_int_equal(out.resolve_limit[0], 9);
    assert_string_equal(out.code[1], "M0102");
    assert_string_equal(out.code[2], "M0104");

    struct lists ls;
    memset(&ls, 0, sizeof(ls));
    assert_int_equal(gr_store_matter_lists(st, collect_list, &ls), GR_OK);
    assert_int_equal(ls.n, 2);
    assert_int_equal(ls.version[0], 2); /* newest first */
    assert_string_equal(ls.status[0], "published");
    assert_int_equal(ls.effective_at[0], at + 1000);
    assert_int_equal(ls.n_matters[0], 3);
    assert_int_equal(ls.version[1], 1);
    assert_int_equal(ls.effective_at[1], at);
    assert_int_equal(ls.n_matters[1], 3);
}

/* ---- the working calendar ---- */

static void calendar_days_refresh_the_cache(void **state)
{
    struct gr_store *st = store_of(state);
    const struct gr_calendar *cal = NULL;
    assert_int_equal(gr_store_calendar(st, &cal), GR_OK);
    assert_non_null(cal);
    assert_int_equal(cal->utc_offset_min, 480);
    assert_int_equal(cal->n_periods, 2);
    assert_int_equal(cal->period_start[0], 8 * 60 + 30);
    assert_int_equal(cal->period_end[0], 12 * 60);
    assert_int_equal(cal->period_start[1], 14 * 60);
    assert_int_equal(cal->period_end[1], 17 * 60 + 30);
    assert_int_equal(cal->n_days, 0);
    assert_true(gr_cal_is_workday(cal, 20261001));  /* a Thursday */
    assert_false(gr_cal_is_workday(cal, 20261010)); /* a Saturday */

    assert_int_equal(gr_store_calendar_day_set(st, "2026-10-01", "holiday", "国庆节"), GR_OK);
    assert_int_equal(gr_store_calendar(st, &cal), GR_OK);
    assert_int_equal(cal->n_days, 1);
    assert_int_equal(cal->days[0].ymd, 20261001);
    assert_int_equal(cal->days[0].kind, GR_DAY_HOLIDAY);
    assert_string_equal(cal->days[0].name, "国庆节");
    assert_false(gr_cal_is_workday(cal, 20261001));

    /* A make-up working day, earlier days sorted first, a day replaced in place. */
    assert_int_equal(gr_store_calendar_day_set(st, "2026-10-10", "workday", NULL), GR_OK);
    assert_int_equal(gr_store_calendar_day_set(st, "2026-09-30", "holiday", "中秋节"), GR_OK);
    assert_int_equal(gr_store_calendar_day_set(st, "2026-10-01", "holiday", "国庆"), GR_OK);
    assert_int_equal(gr_store_calendar(st, &cal), GR_OK);
    assert_int_equal(cal->n_days, 3);
    assert_int_equal(cal->days[0].ymd, 20260930);
    assert_int_equal(cal->days[1].ymd, 20261001);
    assert_string_equal(cal->days[1].name, "国庆");
    assert_int_equal(cal->days[2].ymd, 20261010);
    assert_int_equal(cal->days[2].kind, GR_DAY_WORKDAY);
    assert_null(cal->days[2].name);
    assert_true(gr_cal_is_workday(cal, 20261010));
    const char *why = NULL;
    assert_int_equal(gr_cal_check(cal, &why), GR_OK);

    assert_int_equal(gr_store_calendar_day_delete(st, "2026-10-01"), GR_OK);
    assert_int_equal(gr_store_calendar(st, &cal), GR_OK);
    assert_int_equal(cal->n_days, 2);
    assert_int_equal(cal->days[0].ymd, 20260930);
    assert_int_equal(cal->days[1].ymd, 20261010);
    assert_true(gr_cal_is_workday(cal, 20261001));
    assert_int_equal(gr_store_calendar_day_delete(st, "2026-10-01"), GR_OK); /* harmless */
}

/* A calendar day written and rolled back is gone from the connection's cached calendar. */
static void calendar_rollback_forgets_the_day(void **state)
{
    struct gr_store *st = store_of(state);
    const struct gr_calendar *cal = NULL;
    assert_int_equal(gr_store_calendar(st, &cal), GR_OK);
    assert_int_equal(gr_store_begin(st), GR_OK);
    assert_int_equal(gr_store_calendar_day_set(st, "2026-10-01", "holiday", "国庆节"), GR_OK);
    assert_int_equal(gr_store_calendar(st, &cal), GR_OK);
    assert_int_equal(cal->n_days, 1); /* its own write, inside the transaction */
    gr_store_rollback(st);
    assert_int_equal(gr_store_calendar(st, &cal), GR_OK);
    if (cal->n_days != 0)
        fail_msg("after the rollback the cached calendar still has %zu day(s)", cal->n_days);
    assert_true(gr_cal_is_workday(cal, 20261001));
}

/* Another connection that reads the calendar between a write and its commit sees the day
 * once it is committed (the server's readers compute deadlines with it). */
static void calendar_change_reaches_other_connections(void **state)
{
    struct fx *f = *state;
    struct gr_store *other = NULL;
    assert_int_equal(gr_store_open(f->path, false, &other), GR_OK);
    const struct gr_calendar *cal = NULL;
    assert_int_equal(gr_store_calendar(other, &cal), GR_OK);
    assert_int_equal(cal->n_days, 0);

    assert_int_equal(gr_store_begin(f->st), GR_OK);
    assert_int_equal(gr_store_calendar_day_set(f->st, "2026-10-01", "holiday", "国庆节"), GR_OK);
    assert_int_equal(gr_store_calendar(other, &cal), GR_OK);
    assert_int_equal(cal->n_days, 0); /* not committed yet: right */
    gr_store_release(other);
    assert_int_equal(gr_store_commit(f->st), GR_OK);

    assert_int_equal(gr_store_calendar(other, &cal), GR_OK);
    size_t n = cal->n_days;
    gr_store_release(other);
    gr_store_close(other);
    if (n != 1)
        fail_msg("the other connection still answers %zu calendar day(s) after the "
                 "commit, expected 1",
                 n);
}

/* ---- cases ---- */

#define NOV26 INT64_C(1795658400) /* 2026-11-26 10:00 at +08:00 */

/* A second district beside build_world's: district 2 > street 2 > community 3 > grid 4. */
struct world2 {
    int64_t district, street, comm, grid;
};

static void build_world2(struct gr_store *st, const struct world *w, struct world2 *o)
{
    o->district = add_node(st, w->city, "district", "330105", "拱墅区");
    o->street = add_node(st, o->district, "street", "330105001", "米市巷街道");
    o->comm = add_node(st, o->street, "community", "330105001001", "大塘巷社区");
    o->grid = add_node(st, o->comm, "grid", "G4", "大塘一网格");
}

static struct gr_anc anc_of(int64_t city, int64_t district, int64_t street, int64_t comm,
                            int64_t grid)
{
    struct gr_anc a = {{0, city, district, street, comm, grid}};
    return a;
}

static struct gr_anc anc_grid(const struct world *w, int64_t comm, int64_t grid)
{
    return anc_of(w->city, w->district, w->street, comm, grid);
}

/* A submitted case in anc's grid, owned by its community, at `at` on `day`. */
static struct gr_case new_case(struct gr_anc anc, int64_t at, const char *day)
{
    struct gr_case c;
    memset(&c, 0, sizeof(c));
    c.status = "submitted";
    c.channel = "web";
    c.matter_version = 1;
    c.matter_code = "M0101";
    c.category_code = "0101";
    c.description = "楼道堆放杂物";
    c.anc = anc;
    c.owner_level = "community";
    c.owner_node_id = anc.id[GR_LEVEL_COMMUNITY];
    c.created_at = at;
    c.updated_at = at;
    c.day = day;
    return c;
}

static int64_t create_case_n(struct gr_store *st, const struct gr_case *c,
                             const struct gr_notice *nt, size_t n_nt)
{
    struct gr_case_event ev = {.at = c->created_at,
                               .action = "submit",
                               .to_status = c->status,
                               .actor_user_id = c->requester_user_id,
                               .public = true};
    int64_t id = 0;
    enum gr_err e = gr_store_case_create(st, c, &ev, nt, n_nt, &id);
    if (e != GR_OK)
        fail_msg("case_create: %s (%s)", gr_strerror(e), gr_store_errmsg(st));
    assert_true(id > 0);
    return id;
}

static int64_t create_case(struct gr_store *st, const struct gr_case *c)
{
    return create_case_n(st, c, NULL, 0);
}

/* The case as stored (texts valid until gr_store_release). */
static struct gr_case get_case(struct gr_store *st, int64_t id)
{
    struct gr_case c;
    enum gr_err e = gr_store_case_get(st, id, &c);
    if (e != GR_OK)
        fail_msg("case_get %lld: %s", (long long)id, gr_strerror(e));
    return c;
}

static void update_case_n(struct gr_store *st, const struct gr_case *before,
                          const struct gr_case *after, const char *action,
                          const struct gr_notice *nt, size_t n_nt)
{
    struct gr_case_event ev = {.at = after->updated_at,
                               .action = action,
                               .from_status = before->status,
                               .to_status = after->status};
    enum gr_err e = gr_store_case_update(st, before, after, &ev, nt, n_nt);
    if (e != GR_OK)
        fail_msg("case_update %lld (%s): %s (%s)", (long long)before->id, action, gr_strerror(e),
                 gr_store_errmsg(st));
}

static void update_case(struct gr_store *st, const struct gr_case *before,
                        const struct gr_case *after, const char *action)
{
    update_case_n(st, before, after, action, NULL, 0);
}

static void assert_text_eq(const char *what, const char *got, const char *want)
{
    if (!got && !want)
        return;
    if (!got || !want || strcmp(got, want) != 0)
        fail_msg("%s is %s%s%s, expected %s%s%s", what, got ? "\"" : "", got ? got : "NULL",
                 got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

static void assert_case_eq(const struct gr_case *got, const struct gr_case *want)
{
#define TXT(f) assert_text_eq(#f, got->f, want->f)
#define NUM(f) assert_int_equal(got->f, want->f)
    NUM(id);
    TXT(status);
    TXT(channel);
    NUM(matter_version);
    TXT(matter_code);
    TXT(category_code);
    TXT(description);
    TXT(address);
    assert_int_equal(got->has_point, want->has_point);
    if (want->has_point) {
        assert_true(got->lat == want->lat);
        assert_true(got->lon == want->lon);
    }
    NUM(building_id);
    NUM(unit_id);
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        assert_int_equal(got->anc.id[l], want->anc.id[l]);
    TXT(owner_level);
    NUM(owner_node_id);
    NUM(owner_org_id);
    NUM(requester_user_id);
    TXT(requester_name);
    TXT(requester_phone);
    TXT(requester_email);
    NUM(anonymous);
    NUM(urgent);
    NUM(api_key_id);
    TXT(token);
    NUM(created_at);
    NUM(updated_at);
    TXT(day);
    NUM(respond_due);
    NUM(resolve_due);
    NUM(first_due);
    NUM(accepted_at);
    NUM(dispatched_at);
    NUM(responded_at);
    NUM(resolved_at);
    NUM(closed_at);
    NUM(alarm);
    NUM(escalations);
    NUM(reworks);
    NUM(extensions);
    NUM(reopens);
    NUM(extension_asked);
    TXT(hold_review);
    NUM(merged_into);
    TXT(rated_resolved);
    TXT(rated_satisfaction);
    TXT(rated_comment);
    NUM(rated_at);
    TXT(public_note);
    NUM(was_overdue);
#undef TXT
#undef NUM
}

struct events {
    int64_t id[16], at[16], actor[16];
    char action[16][24], from[16][16], to[16][16], note[16][64], data[16][64];
    bool public[16];
    size_t n;
};

static void copy_text(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "(null)");
}

static int collect_event(void *ctx, const struct gr_case_event *e)
{
    struct events *c = ctx;
    assert_true(c->n < 16);
    c->id[c->n] = e->id;
    c->at[c->n] = e->at;
    c->actor[c->n] = e->actor_user_id;
    copy_text(c->action[c->n], sizeof(c->action[0]), e->action);
    copy_text(c->from[c->n], sizeof(c->from[0]), e->from_status);
    copy_text(c->to[c->n], sizeof(c->to[0]), e->to_status);
    copy_text(c->note[c->n], sizeof(c->note[0]), e->note);
    copy_text(c->data[c->n], sizeof(c->data[0]), e->data);
    c->public[c->n] = e->public;
    c->n++;
    return 0;
}

static void events_of(struct gr_store *st, int64_t case_id, struct events *out)
{
    memset(out, 0, sizeof(*out));
    assert_int_equal(gr_store_case_events(st, case_id, collect_event, out), GR_OK);
}

static void cases_round_trip(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t org = add_organisation(st, w.district, "上城区城市管理局");
    int64_t u = add_user(st, "resident");
    int64_t b = add_building(st, w.grid1, "3幢");
    int64_t unit = add_unit(st, b, "2单元");
    int64_t key = 0;
    assert_int_equal(gr_store_api_key_create(st, "市民热线", "keyhash-1", &key), GR_OK);

    /* A bare case: unset texts stay NULL, unset moments 0, no point. */
    struct gr_case bare = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    int64_t id0 = create_case(st, &bare);
    struct gr_case got = get_case(st, id0);
    bare.id = id0;
    assert_case_eq(&got, &bare);
    assert_false(got.has_point);
    assert_null(got.address);
    assert_null(got.token);
    assert_int_equal(got.respond_due, 0);

    /* Every field set. */
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26 + 60, "2026-11-26");
    c.status = "in_progress";
    c.channel = "open311";
    c.matter_version = 3;
    c.matter_code = "M0102";
    c.category_code = "0102";
    c.description = "人行道上有人占道经营，堵塞通行";
    c.address = "浣纱路 10 号";
    c.has_point = true;
    c.lat = 30.2531;
    c.lon = 120.1649;
    c.building_id = b;
    c.unit_id = unit;
    c.owner_level = "district";
    c.owner_node_id = w.district;
    c.owner_org_id = org;
    c.requester_user_id = u;
    c.requester_name = "王五";
    c.requester_phone = "13800000000";
    c.requester_email = "wang@example.org";
    c.anonymous = true;
    c.urgent = true;
    c.api_key_id = key;
    c.token = "tok-7f3a";
    c.updated_at = NOV26 + 70;
    c.respond_due = NOV26 + 3600;
    c.resolve_due = NOV26 + 86400;
    c.first_due = NOV26 + 80000;
    c.accepted_at = NOV26 + 100;
    c.dispatched_at = NOV26 + 200;
    c.responded_at = NOV26 + 300;
    c.resolved_at = NOV26 + 400;
    c.closed_at = NOV26 + 500;
    c.alarm = 1;
    c.escalations = 2;
    c.reworks = 3;
    c.extensions = 4;
    c.reopens = 5;
    c.extension_asked = NOV26 + 172800;
    c.hold_review = "2026-12-01";
    c.merged_into = id0;
    c.rated_resolved = "partly";
    c.rated_satisfaction = "basically_satisfied";
    c.rated_comment = "还可以";
    c.rated_at = NOV26 + 600;
    c.public_note = "已转城管处理";
    c.was_overdue = true;
    int64_t id = create_case(st, &c);
    assert_true(id != id0);
    c.id = id;
    got = get_case(st, id);
    assert_case_eq(&got, &c);
    assert_int_equal(gr_store_case_get(st, id + 100, &got), GR_ENOTFOUND);

    /* A given id is kept. */
    struct gr_case kept = new_case(anc_grid(&w, w.comm2, w.grid3), NOV26, "2026-11-26");
    kept.id = 500;
    assert_int_equal(create_case(st, &kept), 500);
    got = get_case(st, 500);
    assert_case_eq(&got, &kept);
}

static void case_update_checks_before(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t u = add_user(st, "handler");
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    int64_t id = create_case(st, &c);
    struct gr_case before = get_case(st, id);
    struct gr_case after = before;
    after.status = "accepted";
    after.accepted_at = NOV26 + 600;
    after.updated_at = NOV26 + 600;
    after.respond_due = NOV26 + 7200;

    /* Stale: another updated_at, or another status. Nothing is written. */
    struct gr_case stale = before;
    stale.updated_at = NOV26 - 1;
    struct gr_case_event ev = {.at = NOV26 + 600, .action = "accept"};
    assert_int_equal(gr_store_case_update(st, &stale, &after, &ev, NULL, 0), GR_ECONFLICT);
    stale = before;
    stale.status = "accepted";
    assert_int_equal(gr_store_case_update(st, &stale, &after, &ev, NULL, 0), GR_ECONFLICT);
    struct gr_case now = get_case(st, id);
    assert_case_eq(&now, &before);
    struct events evs;
    events_of(st, id, &evs);
    assert_int_equal(evs.n, 1);

    /* Fresh: written. */
    struct gr_case_event ok = {.at = NOV26 + 600,
                               .actor_user_id = u,
                               .action = "accept",
                               .from_status = "submitted",
                               .to_status = "accepted",
                               .note = "属实，立案",
                               .data = "{\"respond_due\":1795665600}",
                               .public = true};
    assert_int_equal(gr_store_case_update(st, &before, &after, &ok, NULL, 0), GR_OK);
    now = get_case(st, id);
    assert_case_eq(&now, &after);
    /* The old `before` is stale now. */
    struct gr_case again = after;
    again.status = "rejected";
    assert_int_equal(gr_store_case_update(st, &before, &again, &ev, NULL, 0), GR_ECONFLICT);
    now = get_case(st, id);
    assert_string_equal(now.status, "accepted");

    struct gr_case after2 = after;
    after2.status = "dispatched";
    after2.dispatched_at = NOV26 + 900;
    after2.updated_at = NOV26 + 900;
    update_case(st, &after, &after2, "dispatch");

    /* Events in order, as written. */
    events_of(st, id, &evs);
    assert_int_equal(evs.n, 3);
    assert_true(evs.id[0] < evs.id[1] && evs.id[1] < evs.id[2]);
    assert_string_equal(evs.action[0], "submit");
    assert_string_equal(evs.from[0], "(null)");
    assert_string_equal(evs.to[0], "submitted");
    assert_int_equal(evs.at[0], NOV26);
    assert_string_equal(evs.action[1], "accept");
    assert_string_equal(evs.from[1], "submitted");
    assert_string_equal(evs.to[1], "accepted");
    assert_string_equal(evs.note[1], "属实，立案");
    assert_string_equal(evs.data[1], "{\"respond_due\":1795665600}");
    assert_int_equal(evs.actor[1], u);
    assert_int_equal(evs.at[1], NOV26 + 600);
    assert_true(evs.public[1]);
    assert_string_equal(evs.action[2], "dispatch");
    assert_string_equal(evs.to[2], "dispatched");
    assert_false(evs.public[2]);
    assert_int_equal(evs.actor[2], 0);
    events_of(st, id + 1, &evs);
    assert_int_equal(evs.n, 0);
}

struct case_ids {
    int64_t id[64];
    size_t n;
};

static int collect_case(void *ctx, const struct gr_case *c)
{
    struct case_ids *out = ctx;
    assert_true(out->n < 64);
    out->id[out->n++] = c->id;
    return 0;
}

/* The sweep's rows carry their matter: checked against the case they name. */
static int collect_due(void *ctx, const struct gr_case_due *c)
{
    struct case_ids *out = ctx;
    assert_true(out->n < 64);
    assert_non_null(c->matter_code);
    assert_string_equal(c->matter_code, "M0101");
    assert_int_equal(c->matter_version, 1);
    out->id[out->n++] = c->id;
    return 0;
}

static void case_query_init(struct gr_case_query *cq)
{
    memset(cq, 0, sizeof(*cq));
    cq->q.all = true;
    cq->q.limit = 50;
}

static void cases_list(struct gr_store *st, const struct gr_case_query *cq, struct case_ids *out,
                       bool *more)
{
    memset(out, 0, sizeof(*out));
    bool m = false;
    assert_int_equal(gr_store_cases(st, cq, collect_case, out, &m), GR_OK);
    if (more)
        *more = m;
}

static void assert_case_ids(const struct case_ids *got, size_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    if (got->n != n)
        fail_msg("%zu cases, expected %zu", got->n, n);
    for (size_t i = 0; i < n; i++) {
        int64_t want = va_arg(ap, int64_t);
        if (got->id[i] != want)
            fail_msg("case %zu is id %lld, expected %lld", i, (long long)got->id[i],
                     (long long)want);
    }
    va_end(ap);
}

static void cases_listing(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    struct world2 o;
    build_world(st, &w);
    build_world2(st, &w, &o);
    int64_t org = add_organisation(st, w.district, "上城区城市管理局");
    int64_t u = add_user(st, "resident");

    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    c.requester_user_id = u;
    int64_t c1 = create_case(st, &c);
    c = new_case(anc_grid(&w, w.comm2, w.grid3), NOV26 + 100, "2026-11-26");
    c.category_code = "0102";
    c.matter_code = "M0102";
    c.status = "dispatched";
    c.resolve_due = NOV26 + 9000;
    int64_t c2 = create_case(st, &c);
    c = new_case(anc_of(w.city, o.district, o.street, o.comm, o.grid), NOV26 + 200, "2026-11-26");
    c.status = "accepted";
    c.resolve_due = NOV26 + 5000;
    int64_t c3 = create_case(st, &c);
    c = new_case(anc_grid(&w, w.comm1, w.grid2), NOV26 + 300, "2026-11-26");
    c.status = "closed";
    c.closed_at = NOV26 + 300;
    c.owner_org_id = org;
    c.owner_level = "district";
    c.owner_node_id = w.district;
    c.requester_user_id = u;
    int64_t c4 = create_case(st, &c);

    struct gr_case_query cq;
    struct case_ids out;
    bool more = true;
    case_query_init(&cq);
    cases_list(st, &cq, &out, &more);
    assert_case_ids(&out, 4, c4, c3, c2, c1); /* newest first */
    assert_false(more);

    /* Scopes: a district sees its own, not the other district's. */
    cq.q.all = false;
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 0); /* no scope at all: nothing */
    cq.q.n_scopes = 1;
    cq.q.scopes[0] = (struct gr_scope){GR_LEVEL_DISTRICT, w.district};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 3, c4, c2, c1);
    cq.q.scopes[0] = (struct gr_scope){GR_LEVEL_DISTRICT, o.district};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c3);
    cq.q.scopes[0] = (struct gr_scope){GR_LEVEL_COMMUNITY, w.comm1};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 2, c4, c1);
    cq.q.n_scopes = 2;
    cq.q.scopes[1] = (struct gr_scope){GR_LEVEL_GRID, o.grid};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 3, c4, c3, c1);
    /* A department also sees what it owns outside its scopes. */
    cq.q.n_scopes = 1;
    cq.q.scopes[0] = (struct gr_scope){GR_LEVEL_DISTRICT, o.district};
    cq.also_org = org;
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 2, c4, c3);
    cq.q.under = (struct gr_scope){GR_LEVEL_STREET, w.street};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c4); /* and under a node at once */
    cq.status = "open";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 0);
    cq.status = NULL;
    cq.q.under = (struct gr_scope){GR_LEVEL_NONE, 0};
    cq.also_org = 0;
    /* Grids and streets, with and without a status. */
    cq.q.scopes[0] = (struct gr_scope){GR_LEVEL_GRID, w.grid2};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c4);
    cq.status = "closed";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c4);
    cq.status = "open";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 0);
    cq.q.scopes[0] = (struct gr_scope){GR_LEVEL_STREET, w.street};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 2, c2, c1);
    cq.status = NULL;
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 3, c4, c2, c1);
    cq.q.scopes[0] = (struct gr_scope){GR_LEVEL_DISTRICT, w.district};
    cq.q.under = (struct gr_scope){GR_LEVEL_COMMUNITY, w.comm1};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 2, c4, c1);
    cq.q.under = (struct gr_scope){GR_LEVEL_GRID, w.grid1};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c1);
    cq.q.under = (struct gr_scope){GR_LEVEL_GRID, o.grid};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 0); /* under a node outside the scope */

    /* The inbox: open cases by deadline, those without one last. */
    case_query_init(&cq);
    cq.status = "open";
    cq.overdue_first = true;
    cases_list(st, &cq, &out, &more);
    assert_case_ids(&out, 3, c3, c2, c1);
    assert_false(more);
    cq.q.limit = 1;
    cases_list(st, &cq, &out, &more);
    assert_case_ids(&out, 1, c3);
    assert_true(more);

    /* Filters, with full access. */
    case_query_init(&cq);
    cq.status = "open";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 3, c3, c2, c1);
    cq.status = "closed";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c4);
    cq.status = "submitted";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c1);
    cq.status = "dispatched";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c2);
    cq.status = "rejected";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 0);

    case_query_init(&cq);
    cq.q.under = (struct gr_scope){GR_LEVEL_STREET, w.street};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 3, c4, c2, c1);
    cq.q.under = (struct gr_scope){GR_LEVEL_GRID, w.grid3};
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c2);

    case_query_init(&cq);
    cq.owner_org_id = org;
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c4);
    case_query_init(&cq);
    cq.requester_user_id = u;
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 2, c4, c1);
    cq.status = "open";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c1);

    case_query_init(&cq);
    cq.category_code = "0102";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c2);
    case_query_init(&cq);
    cq.matter_code = "M0101";
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 3, c4, c3, c1);

    /* created_at within [from, to). */
    case_query_init(&cq);
    cq.from = NOV26 + 100;
    cq.to = NOV26 + 300;
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 2, c3, c2);
    cq.to = 0;
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 3, c4, c3, c2);
    cq.from = 0;
    cq.to = NOV26 + 1;
    cases_list(st, &cq, &out, NULL);
    assert_case_ids(&out, 1, c1);

    /* Paging newest first: the next page is the ids below the last one. */
    case_query_init(&cq);
    cq.q.limit = 2;
    cases_list(st, &cq, &out, &more);
    assert_case_ids(&out, 2, c4, c3);
    assert_true(more);
    cq.q.after = out.id[1];
    cases_list(st, &cq, &out, &more);
    assert_case_ids(&out, 2, c2, c1);
    assert_false(more);
    cq.q.after = c1;
    cases_list(st, &cq, &out, &more);
    assert_case_ids(&out, 0);
    assert_false(more);
}

/* A query with no scope and a requester lists the requester's own cases (a resident's
 * "my requests"). */
static void cases_requester_without_scopes(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t u = add_user(st, "resident");
    int64_t v = add_user(st, "neighbour");
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    c.requester_user_id = u;
    int64_t mine = create_case(st, &c);
    c.requester_user_id = v;
    c.created_at = c.updated_at = NOV26 + 10;
    create_case(st, &c);
    struct gr_case_query cq;
    case_query_init(&cq);
    cq.q.all = false;
    cq.requester_user_id = u;
    struct case_ids out;
    cases_list(st, &cq, &out, NULL);
    if (out.n != 1)
        fail_msg("a requester without scopes gets %zu of their cases, expected 1", out.n);
    assert_case_ids(&out, 1, mine);
}

static void near_of(struct gr_store *st, int64_t community, const char *category, double lat,
                    double lon, double meters, int64_t since, int limit, struct case_ids *out)
{
    memset(out, 0, sizeof(*out));
    assert_int_equal(gr_store_cases_near(st, community, category, lat, lon, meters, since, limit,
                                         collect_case, out),
                     GR_OK);
}

static void cases_near_a_point(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    const double lat = 30.2500, lon = 120.1700;
    /* Meters to degrees at this latitude. */
    const double m_lat = 1.0 / 111320.0, m_lon = 1.0 / (111320.0 * 0.864);
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    c.has_point = true;
    c.lat = lat + 20 * m_lat;
    c.lon = lon + 20 * m_lon;
    int64_t near = create_case(st, &c);
    /* Within 100 m on each axis but 113 m away. */
    c.lat = lat - 80 * m_lat;
    c.lon = lon - 80 * m_lon;
    c.created_at = c.updated_at = NOV26 + 10;
    int64_t corner = create_case(st, &c);
    /* Far away. */
    c.lat = lat + 1000 * m_lat;
    c.lon = lon;
    int64_t far = create_case(st, &c);
    /* Closed, at the very point. */
    c.lat = lat;
    c.lon = lon;
    c.status = "closed";
    c.closed_at = NOV26 + 100;
    create_case(st, &c);
    /* Another category at the very point. */
    c.status = "submitted";
    c.closed_at = 0;
    c.category_code = "0102";
    int64_t other = create_case(st, &c);
    /* No point at all. */
    c.has_point = false;
    c.category_code = "0101";
    create_case(st, &c);
    /* Another community (grid 2 is in community 1, grid 3 in community 2), at the point. */
    c = new_case(anc_grid(&w, w.comm2, w.grid3), NOV26, "2026-11-26");
    c.has_point = true;
    c.lat = lat;
    c.lon = lon;
    int64_t next_door = create_case(st, &c);

    struct case_ids out;
    near_of(st, w.comm1, "0101", lat, lon, 100, 0, 10, &out);
    assert_case_ids(&out, 1, near);
    near_of(st, w.comm1, "0101", lat, lon, 10, 0, 10, &out);
    assert_case_ids(&out, 0); /* 28 m away: outside 10 m */
    near_of(st, w.comm1, "0101", lat, lon, 100, NOV26 + 1, 10, &out);
    assert_case_ids(&out, 0); /* submitted before `since` */
    near_of(st, w.comm1, "0102", lat, lon, 100, 0, 10, &out);
    assert_case_ids(&out, 1, other);
    near_of(st, w.comm1, "0101", lat, lon, 2000, 0, 10, &out);
    assert_case_ids(&out, 3, near, corner, far); /* nearest first; the closed one never */
    near_of(st, w.comm1, "0101", lat, lon, 2000, 0, 2, &out);
    assert_case_ids(&out, 2, near, corner);
    near_of(st, w.comm2, "0101", lat, lon, 100, 0, 10, &out);
    assert_case_ids(&out, 1, next_door);
    near_of(st, w.street, "0101", lat, lon, 100, 0, 10, &out);
    assert_case_ids(&out, 0); /* a community's id, not any node's */
}

static void cases_due_for_the_sweep(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    c.status = "accepted";
    c.resolve_due = NOV26 + 1000;
    int64_t a = create_case(st, &c);
    c.status = "in_progress";
    c.resolve_due = NOV26 + 2000;
    c.alarm = 1;
    int64_t b = create_case(st, &c);
    c.status = "dispatched";
    c.resolve_due = NOV26 + 5000;
    c.alarm = 0;
    int64_t d = create_case(st, &c);
    c.status = "resolved"; /* the handler's part is done: not swept */
    c.resolve_due = NOV26 + 10;
    create_case(st, &c);
    c.status = "submitted"; /* no deadline yet */
    c.resolve_due = 0;
    create_case(st, &c);
    c.status = "dispatched";
    c.resolve_due = NOV26 + 20;
    c.alarm = 2; /* red already */
    int64_t red = create_case(st, &c);

    c.status = "accepted";
    c.resolve_due = NOV26 + 500; /* filed later, due sooner: comes first */
    c.alarm = 0;
    int64_t e = create_case(st, &c);

    struct case_ids out;
#define DUE(alarm, before, after_due, after_id, limit)                                             \
    memset(&out, 0, sizeof(out));                                                                  \
    assert_int_equal(                                                                              \
        gr_store_cases_due(st, alarm, before, after_due, after_id, limit, collect_due, &out),      \
        GR_OK)
    DUE(0, NOV26 + 3000, INT64_MIN, 0, 10);
    assert_case_ids(&out, 2, e, a); /* by deadline; neither resolved nor submitted */
    DUE(1, NOV26 + 3000, INT64_MIN, 0, 10);
    assert_case_ids(&out, 1, b);
    DUE(2, NOV26 + 3000, INT64_MIN, 0, 10);
    assert_case_ids(&out, 1, red);
    DUE(2, NOV26 + 20, INT64_MIN, 0, 10);
    assert_case_ids(&out, 0); /* before, strictly */
    DUE(0, NOV26 + 9000, INT64_MIN, 0, 10);
    assert_case_ids(&out, 3, e, a, d);
    /* Paging by (deadline, id). */
    DUE(0, NOV26 + 9000, INT64_MIN, 0, 2);
    assert_case_ids(&out, 2, e, a);
    DUE(0, NOV26 + 9000, NOV26 + 1000, a, 2);
    assert_case_ids(&out, 1, d);
    DUE(0, NOV26 + 9000, NOV26 + 1000, a - 1, 2); /* same deadline, a lower id: a again */
    assert_case_ids(&out, 2, a, d);
#undef DUE
}

/* ---- the figures ---- */

static void figures_of(struct gr_store *st, const char *subject, const char *from, const char *to,
                       int64_t out[GR_N_FIGS])
{
    memset(out, 0xff, sizeof(int64_t) * GR_N_FIGS);
    enum gr_err e = gr_store_figures(st, subject, from, to, out);
    if (e != GR_OK)
        fail_msg("figures of %s: %s", subject, gr_strerror(e));
}

static void assert_figures(const char *what, const int64_t *got, const int64_t *want)
{
    for (int i = 0; i < GR_N_FIGS; i++)
        if (got[i] != want[i])
            fail_msg("%s: %s is %lld, expected %lld", what, gr_fig_names[i], (long long)got[i],
                     (long long)want[i]);
}

static void subject_node(char *buf, size_t cap, int64_t id)
{
    snprintf(buf, cap, "n:%lld", (long long)id);
}

static void subject_org(char *buf, size_t cap, int64_t id)
{
    snprintf(buf, cap, "o:%lld", (long long)id);
}

/* The rollups after creates and updates in several transactions, each write in a savepoint
 * as the server's group commit runs them, one savepoint undone, one transaction rolled
 * back, one update outside any transaction. Day 2026-11-26:
 *   A grid 1, M0101: accepted, responded on time, resolved, closed on time, rated yes and
 *     satisfied, 7200 s from submission to closure.
 *   B grid 2, M0101, owner department D1 then D2: its rejection undone (savepoint); then
 *     accepted, escalated once, found overdue by the sweep; open.
 *   C grid 3, M0102: accepted, responded late, reworked twice, extended once; open.
 *   F grid 1, M0102: rejected (outside any transaction).
 *   D (grid 1) created and A reopened in a transaction rolled back: nothing.
 * Day 2026-11-27: E grid 1, M0101, submitted. */
struct fig_world {
    struct world w;
    int64_t d1, d2;
};

static void figures_scenario(struct gr_store *st, struct fig_world *fw)
{
    struct world *w = &fw->w;
    build_world(st, w);
    fw->d1 = add_organisation(st, w->district, "上城区城市管理局");
    fw->d2 = add_organisation(st, w->district, "上城区住房和城乡建设局");

    /* Transaction 1: three cases, each in a kept savepoint. */
    assert_int_equal(gr_store_begin(st), GR_OK);
    assert_int_equal(gr_store_savepoint(st), GR_OK);
    struct gr_case c = new_case(anc_grid(w, w->comm1, w->grid1), NOV26, "2026-11-26");
    int64_t a = create_case(st, &c);
    assert_int_equal(gr_store_savepoint_end(st, true), GR_OK);
    assert_int_equal(gr_store_savepoint(st), GR_OK);
    c = new_case(anc_grid(w, w->comm1, w->grid2), NOV26 + 60, "2026-11-26");
    c.owner_org_id = fw->d1;
    c.owner_level = "district";
    c.owner_node_id = w->district;
    int64_t b = create_case(st, &c);
    assert_int_equal(gr_store_savepoint_end(st, true), GR_OK);
    assert_int_equal(gr_store_savepoint(st), GR_OK);
    c = new_case(anc_grid(w, w->comm2, w->grid3), NOV26 + 120, "2026-11-26");
    c.matter_code = "M0102";
    int64_t cc = create_case(st, &c);
    assert_int_equal(gr_store_savepoint_end(st, true), GR_OK);
    assert_int_equal(gr_store_commit(st), GR_OK);

    /* Transaction 2: A through to closure and rating, in several updates. */
    assert_int_equal(gr_store_begin(st), GR_OK);
    struct gr_case before = get_case(st, a), after = before;
    after.status = "accepted";
    after.accepted_at = after.updated_at = NOV26 + 600;
    after.respond_due = NOV26 + 3600;
    after.resolve_due = after.first_due = NOV26 + 86400;
    update_case(st, &before, &after, "accept");
    before = after;
    after.status = "dispatched";
    after.dispatched_at = after.updated_at = NOV26 + 700;
    update_case(st, &before, &after, "dispatch");
    before = after;
    after.status = "in_progress";
    after.responded_at = after.updated_at = NOV26 + 1200;
    update_case(st, &before, &after, "sign");
    before = after;
    after.status = "resolved";
    after.resolved_at = after.updated_at = NOV26 + 5000;
    update_case(st, &before, &after, "resolve");
    before = after;
    after.status = "verified";
    after.updated_at = NOV26 + 6000;
    update_case(st, &before, &after, "verify");
    before = after;
    after.status = "closed";
    after.closed_at = after.updated_at = NOV26 + 7200;
    update_case(st, &before, &after, "close");
    before = after;
    after.rated_resolved = "yes";
    after.rated_satisfaction = "satisfied";
    after.rated_at = after.updated_at = NOV26 + 8000;
    update_case(st, &before, &after, "rate");
    assert_int_equal(gr_store_commit(st), GR_OK);

    /* Transaction 3: B's rejection undone with its savepoint, C's acceptance kept. */
    assert_int_equal(gr_store_begin(st), GR_OK);
    assert_int_equal(gr_store_savepoint(st), GR_OK);
    before = get_case(st, b);
    after = before;
    after.status = "rejected";
    after.updated_at = NOV26 + 800;
    update_case(st, &before, &after, "reject");
    assert_int_equal(gr_store_savepoint_end(st, false), GR_OK);
    assert_int_equal(gr_store_savepoint(st), GR_OK);
    before = get_case(st, cc);
    after = before;
    after.status = "accepted";
    after.accepted_at = after.updated_at = NOV26 + 1000;
    after.respond_due = NOV26 + 3600;
    after.resolve_due = after.first_due = NOV26 + 86400;
    update_case(st, &before, &after, "accept");
    before = after;
    after.status = "in_progress";
    after.dispatched_at = NOV26 + 1100;
    after.responded_at = after.updated_at = NOV26 + 7200; /* late */
    update_case(st, &before, &after, "sign");
    before = after;
    after.reworks = 2;
    after.extensions = 1;
    after.updated_at = NOV26 + 9000;
    update_case(st, &before, &after, "rework");
    assert_int_equal(gr_store_savepoint_end(st, true), GR_OK);
    assert_int_equal(gr_store_commit(st), GR_OK);

    /* Transaction 4, rolled back whole: a new case D, A reopened. */
    assert_int_equal(gr_store_begin(st), GR_OK);
    c = new_case(anc_grid(w, w->comm1, w->grid1), NOV26 + 200, "2026-11-26");
    create_case(st, &c);
    before = get_case(st, a);
    after = before;
    after.status = "dispatched";
    after.reopens = 1;
    after.updated_at = NOV26 + 10000;
    update_case(st, &before, &after, "reopen");
    gr_store_rollback(st);

    /* Transaction 5, nested: B accepted, escalated to department D2, found overdue. */
    assert_int_equal(gr_store_begin(st), GR_OK);
    assert_int_equal(gr_store_begin(st), GR_OK);
    before = get_case(st, b);
    assert_string_equal(before.status, "submitted"); /* the rejection was undone */
    after = before;
    after.status = "accepted";
    after.accepted_at = after.updated_at = NOV26 + 900;
    after.first_due = after.resolve_due = NOV26 + 1000;
    update_case(st, &before, &after, "accept");
    assert_int_equal(gr_store_commit(st), GR_OK);
    before = after;
    after.owner_org_id = fw->d2;
    after.escalations = 1;
    after.updated_at = NOV26 + 950;
    update_case(st, &before, &after, "escalate");
    before = after;
    after.alarm = 2;
    after.was_overdue = true;
    after.updated_at = NOV26 + 1100;
    update_case(st, &before, &after, "overdue");
    assert_int_equal(gr_store_commit(st), GR_OK);

    /* Outside any transaction: F created and rejected. */
    c = new_case(anc_grid(w, w->comm1, w->grid1), NOV26 + 300, "2026-11-26");
    c.matter_code = "M0102";
    int64_t f = create_case(st, &c);
    before = get_case(st, f);
    after = before;
    after.status = "rejected";
    after.updated_at = NOV26 + 400;
    update_case(st, &before, &after, "reject");

    /* Another day: E. */
    c = new_case(anc_grid(w, w->comm1, w->grid1), NOV26 + 86400, "2026-11-27");
    create_case(st, &c);
}

struct fig_case {
    char subject[32];
    int64_t want[GR_N_FIGS];
};

static void figures_follow_every_change(void **state)
{
    struct gr_store *st = store_of(state);
    struct fig_world fw;
    figures_scenario(st, &fw);
    const struct world *w = &fw.w;

    /* Worked out by hand from the scenario's comment. */
    struct fig_case want[10];
    memset(want, 0, sizeof(want));
    /* City, district, street: A, B, C, F. */
    const int64_t all[GR_N_FIGS] = {[GR_FIG_TOTAL] = 4,
                                    [GR_FIG_ACCEPTED] = 3,
                                    [GR_FIG_REJECTED] = 1,
                                    [GR_FIG_RESPONDED] = 2,
                                    [GR_FIG_RESPONDED_ON_TIME] = 1,
                                    [GR_FIG_RESOLVED] = 1,
                                    [GR_FIG_CLOSED] = 1,
                                    [GR_FIG_CLOSED_ON_TIME] = 1,
                                    [GR_FIG_OVERDUE_OPEN] = 1,
                                    [GR_FIG_OPEN] = 2,
                                    [GR_FIG_RATED] = 1,
                                    [GR_FIG_RATED_YES] = 1,
                                    [GR_FIG_RATED_SATISFIED] = 1,
                                    [GR_FIG_REWORKS] = 2,
                                    [GR_FIG_REWORKED] = 1,
                                    [GR_FIG_EXTENSIONS] = 1,
                                    [GR_FIG_ESCALATIONS] = 1,
                                    [GR_FIG_HANDLING_SECONDS] = 7200};
    subject_node(want[0].subject, sizeof(want[0].subject), w->city);
    memcpy(want[0].want, all, sizeof(all));
    subject_node(want[1].subject, sizeof(want[1].subject), w->district);
    memcpy(want[1].want, all, sizeof(all));
    subject_node(want[2].subject, sizeof(want[2].subject), w->street);
    memcpy(want[2].want, all, sizeof(all));
    /* Community 1: A, B, F. */
    subject_node(want[3].subject, sizeof(want[3].subject), w->comm1);
    const int64_t comm1[GR_N_FIGS] = {[GR_FIG_TOTAL] = 3,
                                      [GR_FIG_ACCEPTED] = 2,
                                      [GR_FIG_REJECTED] = 1,
                                      [GR_FIG_RESPONDED] = 1,
                                      [GR_FIG_RESPONDED_ON_TIME] = 1,
                                      [GR_FIG_RESOLVED] = 1,
                                      [GR_FIG_CLOSED] = 1,
                                      [GR_FIG_CLOSED_ON_TIME] = 1,
                                      [GR_FIG_OVERDUE_OPEN] = 1,
                                      [GR_FIG_OPEN] = 1,
                                      [GR_FIG_RATED] = 1,
                                      [GR_FIG_RATED_YES] = 1,
                                      [GR_FIG_RATED_SATISFIED] = 1,
                                      [GR_FIG_ESCALATIONS] = 1,
                                      [GR_FIG_HANDLING_SECONDS] = 7200};
    memcpy(want[3].want, comm1, sizeof(comm1));
    /* Community 2: C. */
    subject_node(want[4].subject, sizeof(want[4].subject), w->comm2);
    const int64_t comm2[GR_N_FIGS] = {
        [GR_FIG_TOTAL] = 1,   [GR_FIG_ACCEPTED] = 1, [GR_FIG_RESPONDED] = 1, [GR_FIG_OPEN] = 1,
        [GR_FIG_REWORKS] = 2, [GR_FIG_REWORKED] = 1, [GR_FIG_EXTENSIONS] = 1};
    memcpy(want[4].want, comm2, sizeof(comm2));
    /* Grid 1: A, F (E is another day). */
    subject_node(want[5].subject, sizeof(want[5].subject), w->grid1);
    const int64_t grid1[GR_N_FIGS] = {
        [GR_FIG_TOTAL] = 2,     [GR_FIG_ACCEPTED] = 1,          [GR_FIG_REJECTED] = 1,
        [GR_FIG_RESPONDED] = 1, [GR_FIG_RESPONDED_ON_TIME] = 1, [GR_FIG_RESOLVED] = 1,
        [GR_FIG_CLOSED] = 1,    [GR_FIG_CLOSED_ON_TIME] = 1,    [GR_FIG_RATED] = 1,
        [GR_FIG_RATED_YES] = 1, [GR_FIG_RATED_SATISFIED] = 1,   [GR_FIG_HANDLING_SECONDS] = 7200};
    memcpy(want[5].want, grid1, sizeof(grid1));
    /* Grid 2 and department D2: B. */
    const int64_t bonly[GR_N_FIGS] = {[GR_FIG_TOTAL] = 1,
                                      [GR_FIG_ACCEPTED] = 1,
                                      [GR_FIG_OVERDUE_OPEN] = 1,
                                      [GR_FIG_OPEN] = 1,
                                      [GR_FIG_ESCALATIONS] = 1};
    subject_node(want[6].subject, sizeof(want[6].subject), w->grid2);
    memcpy(want[6].want, bonly, sizeof(bonly));
    subject_org(want[7].subject, sizeof(want[7].subject), fw.d2);
    memcpy(want[7].want, bonly, sizeof(bonly));
    /* Matter M0101: A, B; M0102: C, F. */
    snprintf(want[8].subject, sizeof(want[8].subject), "m:M0101");
    const int64_t m1[GR_N_FIGS] = {[GR_FIG_TOTAL] = 2,          [GR_FIG_ACCEPTED] = 2,
                                   [GR_FIG_RESPONDED] = 1,      [GR_FIG_RESPONDED_ON_TIME] = 1,
                                   [GR_FIG_RESOLVED] = 1,       [GR_FIG_CLOSED] = 1,
                                   [GR_FIG_CLOSED_ON_TIME] = 1, [GR_FIG_OVERDUE_OPEN] = 1,
                                   [GR_FIG_OPEN] = 1,           [GR_FIG_RATED] = 1,
                                   [GR_FIG_RATED_YES] = 1,      [GR_FIG_RATED_SATISFIED] = 1,
                                   [GR_FIG_ESCALATIONS] = 1,    [GR_FIG_HANDLING_SECONDS] = 7200};
    memcpy(want[8].want, m1, sizeof(m1));
    snprintf(want[9].subject, sizeof(want[9].subject), "m:M0102");
    const int64_t m2[GR_N_FIGS] = {
        [GR_FIG_TOTAL] = 2, [GR_FIG_ACCEPTED] = 1, [GR_FIG_REJECTED] = 1, [GR_FIG_RESPONDED] = 1,
        [GR_FIG_OPEN] = 1,  [GR_FIG_REWORKS] = 2,  [GR_FIG_REWORKED] = 1, [GR_FIG_EXTENSIONS] = 1};
    memcpy(want[9].want, m2, sizeof(m2));
    const size_t n_want = sizeof(want) / sizeof(want[0]);

    /* As kept change by change, then as recounted from the cases: both as by hand. */
    int64_t kept[10][GR_N_FIGS], got[GR_N_FIGS];
    for (size_t i = 0; i < n_want; i++) {
        figures_of(st, want[i].subject, "2026-11-26", "2026-11-26", kept[i]);
        char what[64];
        snprintf(what, sizeof(what), "%.31s as kept", want[i].subject);
        assert_figures(what, kept[i], want[i].want);
    }
    char d1[32];
    subject_org(d1, sizeof(d1), fw.d1);
    const int64_t zero[GR_N_FIGS] = {0};
    figures_of(st, d1, "2026-01-01", "2026-12-31", got);
    assert_figures("the department B moved away from, as kept", got, zero);

    assert_int_equal(gr_store_figures_recount(st), GR_OK);
    for (size_t i = 0; i < n_want; i++) {
        figures_of(st, want[i].subject, "2026-11-26", "2026-11-26", got);
        char what[64];
        snprintf(what, sizeof(what), "%.31s recounted", want[i].subject);
        assert_figures(what, got, kept[i]);
        assert_figures(what, got, want[i].want);
    }
    figures_of(st, d1, "2026-01-01", "2026-12-31", got);
    assert_figures("the department B moved away from, recounted", got, zero);

    /* Day ranges: E counts on 27 November only. */
    char grid1s[32];
    subject_node(grid1s, sizeof(grid1s), w->grid1);
    figures_of(st, grid1s, "2026-11-26", "2026-11-27", got);
    assert_int_equal(got[GR_FIG_TOTAL], 3);
    assert_int_equal(got[GR_FIG_OPEN], 1);
    figures_of(st, grid1s, "2026-11-27", "2026-11-30", got);
    const int64_t e_only[GR_N_FIGS] = {[GR_FIG_TOTAL] = 1, [GR_FIG_OPEN] = 1};
    assert_figures("grid 1 from 27 November", got, e_only);
    figures_of(st, grid1s, "2026-11-01", "2026-11-25", got);
    assert_figures("grid 1 before 26 November", got, zero);
    figures_of(st, "m:M0101", "2026-11-01", "2026-11-30", got);
    assert_int_equal(got[GR_FIG_TOTAL], 3);
    figures_of(st, "m:NONE", "2026-01-01", "2026-12-31", got);
    assert_figures("an unknown matter", got, zero);
}

/* On a fresh connection the very first savepoint undone takes its rollup deltas with it
 * (the group commit's first batch: begin, then a savepoint per request). */
static void figures_first_savepoint_undone(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    assert_int_equal(gr_store_begin(st), GR_OK);
    assert_int_equal(gr_store_savepoint(st), GR_OK);
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    create_case(st, &c);
    assert_int_equal(gr_store_savepoint_end(st, false), GR_OK);
    assert_int_equal(gr_store_commit(st), GR_OK);
    char city[32];
    subject_node(city, sizeof(city), w.city);
    int64_t got[GR_N_FIGS];
    figures_of(st, city, "2026-01-01", "2026-12-31", got);
    int64_t kept_total = got[GR_FIG_TOTAL];
    assert_int_equal(gr_store_figures_recount(st), GR_OK);
    figures_of(st, city, "2026-01-01", "2026-12-31", got);
    assert_int_equal(got[GR_FIG_TOTAL], 0); /* no case exists */
    if (kept_total != 0)
        fail_msg("the undone savepoint's case is counted (total %lld, recount 0)",
                 (long long)kept_total);
}

/* A recount inside a transaction that already holds pending deltas counts each case once. */
static void figures_recount_inside_a_transaction(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    create_case(st, &c);
    assert_int_equal(gr_store_begin(st), GR_OK);
    c.created_at = c.updated_at = NOV26 + 10;
    create_case(st, &c);
    assert_int_equal(gr_store_figures_recount(st), GR_OK);
    assert_int_equal(gr_store_commit(st), GR_OK);
    char city[32];
    subject_node(city, sizeof(city), w.city);
    int64_t got[GR_N_FIGS];
    figures_of(st, city, "2026-11-26", "2026-11-26", got);
    if (got[GR_FIG_TOTAL] != 2)
        fail_msg("after a recount inside the transaction total is %lld, expected 2",
                 (long long)got[GR_FIG_TOTAL]);
}

/* ---- summoned departments, photos, notifications ---- */

struct tasks {
    int64_t org[8], reported_at[8], done_at[8], report_due[8];
    bool late[8];
    char org_name[8][64];
    size_t n;
};

static int collect_task(void *ctx, const struct gr_case_task *t)
{
    struct tasks *c = ctx;
    assert_true(c->n < 8);
    c->org[c->n] = t->org_id;
    c->reported_at[c->n] = t->reported_at;
    c->done_at[c->n] = t->done_at;
    c->report_due[c->n] = t->report_due;
    c->late[c->n] = t->late;
    copy_text(c->org_name[c->n], sizeof(c->org_name[0]), t->org_name);
    c->n++;
    return 0;
}

static int tasks_of(struct gr_store *st, int64_t case_id, struct tasks *out)
{
    memset(out, 0, sizeof(*out));
    int open = -1;
    assert_int_equal(gr_store_tasks(st, case_id, collect_task, out, &open), GR_OK);
    return open;
}

static void tasks_summon_report_done(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t d1 = add_organisation(st, w.district, "上城区城市管理局");
    int64_t d2 = add_organisation(st, w.district, "上城区市场监督管理局");
    int64_t d3 = add_organisation(st, w.district, "上城区民政局");
    int64_t staff = add_user(st, "street_staff");
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    c.status = "in_progress";
    int64_t id = create_case(st, &c);
    int64_t other = create_case(st, &c);

    struct gr_case_task t = {.case_id = id,
                             .org_id = d1,
                             .summoned_by = staff,
                             .summoned_at = NOV26 + 100,
                             .report_due = NOV26 + 1900,
                             .handle_due = NOV26 + 86400};
    int64_t t1 = 0, t2 = 0, dup = 0;
    assert_int_equal(gr_store_task_add(st, &t, &t1), GR_OK);
    assert_true(t1 > 0);
    assert_int_equal(gr_store_task_add(st, &t, &dup), GR_ECONFLICT);
    t.org_id = d2;
    assert_int_equal(gr_store_task_add(st, &t, &t2), GR_OK);
    assert_true(t2 > t1);
    t.case_id = other; /* the same department on another case is another task */
    assert_int_equal(gr_store_task_add(st, &t, &dup), GR_OK);

    struct tasks out;
    assert_int_equal(tasks_of(st, id, &out), 2);
    assert_int_equal(out.n, 2);
    assert_int_equal(out.org[0], d1);
    assert_string_equal(out.org_name[0], "上城区城市管理局");
    assert_int_equal(out.report_due[0], NOV26 + 1900);
    assert_int_equal(out.reported_at[0], 0);
    assert_int_equal(out.org[1], d2);

    bool late = true;
    assert_int_equal(gr_store_task_report(st, id, d2, NOV26 + 1800, &late), GR_OK);
    assert_false(late);
    late = false;
    assert_int_equal(gr_store_task_report(st, id, d1, NOV26 + 2000, &late), GR_OK);
    assert_true(late);
    assert_int_equal(gr_store_task_report(st, id, d1, NOV26 + 2100, &late), GR_ECONFLICT);
    assert_int_equal(gr_store_task_report(st, id, d3, NOV26 + 2100, &late), GR_ENOTFOUND);
    assert_int_equal(tasks_of(st, id, &out), 2); /* reported, not done */
    assert_int_equal(out.reported_at[0], NOV26 + 2000);
    assert_true(out.late[0]);
    assert_int_equal(out.reported_at[1], NOV26 + 1800);
    assert_false(out.late[1]);

    assert_int_equal(gr_store_task_done(st, id, d1, NOV26 + 5000), GR_OK);
    assert_int_equal(gr_store_task_done(st, id, d1, NOV26 + 5100), GR_ECONFLICT);
    assert_int_equal(gr_store_task_done(st, id, d3, NOV26 + 5100), GR_ENOTFOUND);
    assert_int_equal(gr_store_task_report(st, id, d1, NOV26 + 5200, &late), GR_ECONFLICT);
    assert_int_equal(tasks_of(st, id, &out), 1);
    assert_int_equal(out.done_at[0], NOV26 + 5000);
    assert_int_equal(out.reported_at[0], NOV26 + 2000); /* kept */
    assert_int_equal(out.done_at[1], 0);
    assert_int_equal(gr_store_task_done(st, id, d2, NOV26 + 6000), GR_OK);
    assert_int_equal(tasks_of(st, id, &out), 0);
    assert_int_equal(tasks_of(st, other, &out), 1); /* the other case's task is its own */
    assert_int_equal(out.n, 1);
    assert_int_equal(tasks_of(st, id + 100, &out), 0);
    assert_int_equal(out.n, 0);
}

struct photos {
    int64_t id[8], size[8];
    bool public[8];
    char mime[8][16];
    size_t n;
};

static int collect_photo(void *ctx, const struct gr_photo *p)
{
    struct photos *c = ctx;
    assert_true(c->n < 8);
    c->id[c->n] = p->id;
    c->size[c->n] = p->size;
    c->public[c->n] = p->public;
    copy_text(c->mime[c->n], sizeof(c->mime[0]), p->mime);
    c->n++;
    return 0;
}

static void photos_add_get_list(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t u = add_user(st, "grid_worker");
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    int64_t id = create_case(st, &c);
    int64_t other = create_case(st, &c);
    /* Bytes with NULs inside: a blob, not a string. */
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                        0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    static const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0};
    struct gr_photo p = {.case_id = id,
                         .uploaded_by = u,
                         .created_at = NOV26 + 30,
                         .size = sizeof(png),
                         .mime = "image/png",
                         .sha256 =
                             "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef",
                         .bytes = png};
    int64_t p1 = 0, p2 = 0, p3 = 0;
    assert_int_equal(gr_store_photo_add(st, &p, &p1), GR_OK);
    p.mime = "image/jpeg";
    p.size = sizeof(jpg);
    p.bytes = jpg;
    p.sha256 = "9a271f2a916b0b6ee6cecb2426f0b3206ef074578be55d9bc94f6f3fe3ab86aa";
    p.public = true;
    assert_int_equal(gr_store_photo_add(st, &p, &p2), GR_OK);
    p.case_id = other;
    assert_int_equal(gr_store_photo_add(st, &p, &p3), GR_OK);
    assert_true(p1 > 0 && p2 > p1);

    struct gr_photo got;
    assert_int_equal(gr_store_photo_get(st, p1, &got), GR_OK);
    assert_int_equal(got.id, p1);
    assert_int_equal(got.case_id, id);
    assert_int_equal(got.uploaded_by, u);
    assert_int_equal(got.created_at, NOV26 + 30);
    assert_string_equal(got.mime, "image/png");
    assert_string_equal(got.sha256,
                        "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");
    assert_false(got.public);
    assert_int_equal(got.size, sizeof(png));
    assert_non_null(got.bytes);
    assert_memory_equal(got.bytes, png, sizeof(png));
    assert_int_equal(gr_store_photo_get(st, p2, &got), GR_OK);
    assert_int_equal(got.size, sizeof(jpg));
    assert_memory_equal(got.bytes, jpg, sizeof(jpg));
    assert_true(got.public);
    assert_int_equal(gr_store_photo_get(st, p3 + 100, &got), GR_ENOTFOUND);

    struct photos out;
    memset(&out, 0, sizeof(out));
    int count = -1;
    assert_int_equal(gr_store_photos(st, id, collect_photo, &out, &count), GR_OK);
    assert_int_equal(count, 2);
    assert_int_equal(out.n, 2);
    assert_int_equal(out.id[0], p1);
    assert_int_equal(out.size[0], sizeof(png));
    assert_string_equal(out.mime[0], "image/png");
    assert_false(out.public[0]);
    assert_int_equal(out.id[1], p2);
    assert_true(out.public[1]);

    /* Approval for the public, and back. */
    assert_int_equal(gr_store_photo_public(st, p1, true), GR_OK);
    assert_int_equal(gr_store_photo_get(st, p1, &got), GR_OK);
    assert_true(got.public);
    assert_int_equal(gr_store_photo_public(st, p2, false), GR_OK);
    memset(&out, 0, sizeof(out));
    assert_int_equal(gr_store_photos(st, id, collect_photo, &out, &count), GR_OK);
    assert_true(out.public[0]);
    assert_false(out.public[1]);
    assert_int_equal(gr_store_photo_public(st, p3 + 100, true), GR_ENOTFOUND);

    memset(&out, 0, sizeof(out));
    assert_int_equal(gr_store_photos(st, other, collect_photo, &out, &count), GR_OK);
    assert_int_equal(count, 1);
    assert_int_equal(out.id[0], p3);
    memset(&out, 0, sizeof(out));
    assert_int_equal(gr_store_photos(st, other + 100, collect_photo, &out, &count), GR_OK);
    assert_int_equal(count, 0);
    assert_int_equal(out.n, 0);
}

struct notes {
    int64_t id[16], case_id[16], at[16];
    char target[16][24], kind[16][24];
    size_t n;
};

static int collect_note(void *ctx, const struct gr_notification *x)
{
    struct notes *c = ctx;
    assert_true(c->n < 16);
    c->id[c->n] = x->id;
    c->case_id[c->n] = x->case_id;
    c->at[c->n] = x->at;
    copy_text(c->target[c->n], sizeof(c->target[0]), x->target);
    copy_text(c->kind[c->n], sizeof(c->kind[0]), x->kind);
    c->n++;
    return 0;
}

static void notes_of(struct gr_store *st, const char *const *targets, size_t n, int64_t before,
                     int limit, struct notes *out, bool *more)
{
    memset(out, 0, sizeof(*out));
    assert_int_equal(gr_store_notifications(st, targets, n, before, limit, collect_note, out, more),
                     GR_OK);
}

static struct gr_notice notice(const char *prefix, int64_t id, const char *kind)
{
    struct gr_notice n;
    memset(&n, 0, sizeof(n));
    snprintf(n.target, sizeof(n.target), "%s:%lld", prefix, (long long)id);
    n.kind = kind;
    return n;
}

static void notifications_with_changes(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    int64_t org = add_organisation(st, w.district, "上城区城市管理局");
    int64_t u = add_user(st, "resident");
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    c.requester_user_id = u;
    const struct gr_notice on_create[] = {notice("n", w.comm1, "new_case"),
                                          notice("u", u, "received")};
    int64_t id = create_case_n(st, &c, on_create, 2);

    struct gr_case before = get_case(st, id), after = before;
    after.status = "dispatched";
    after.owner_org_id = org;
    after.updated_at = NOV26 + 600;
    const struct gr_notice on_dispatch[] = {notice("o", org, "dispatched"),
                                            notice("n", w.comm1, "dispatched")};
    update_case_n(st, &before, &after, "dispatch", on_dispatch, 2);

    /* A change rolled back leaves no notice. */
    assert_int_equal(gr_store_begin(st), GR_OK);
    before = after;
    after.status = "in_progress";
    after.updated_at = NOV26 + 900;
    const struct gr_notice on_sign[] = {notice("n", w.comm1, "signed")};
    update_case_n(st, &before, &after, "sign", on_sign, 1);
    gr_store_rollback(st);

    char comm[24], user[24], dept[24];
    snprintf(comm, sizeof(comm), "n:%lld", (long long)w.comm1);
    snprintf(user, sizeof(user), "u:%lld", (long long)u);
    snprintf(dept, sizeof(dept), "o:%lld", (long long)org);
    struct notes out;
    bool more = true;
    const char *t_comm[] = {comm};
    notes_of(st, t_comm, 1, 0, 10, &out, &more);
    assert_int_equal(out.n, 2);
    assert_false(more);
    assert_true(out.id[0] > out.id[1]); /* newest first */
    assert_string_equal(out.kind[0], "dispatched");
    assert_int_equal(out.at[0], NOV26 + 600);
    assert_int_equal(out.case_id[0], id);
    assert_string_equal(out.target[0], comm);
    assert_string_equal(out.kind[1], "new_case");
    assert_int_equal(out.at[1], NOV26);

    const char *t_user[] = {user};
    notes_of(st, t_user, 1, 0, 10, &out, &more);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.kind[0], "received");

    /* Several targets at once, page by page. */
    const char *t_all[] = {comm, user, dept};
    notes_of(st, t_all, 3, 0, 3, &out, &more);
    assert_int_equal(out.n, 3);
    assert_true(more);
    assert_string_equal(out.target[0], comm);
    assert_string_equal(out.kind[0], "dispatched");
    assert_string_equal(out.target[1], dept);
    assert_string_equal(out.target[2], user);
    notes_of(st, t_all, 3, out.id[2], 3, &out, &more);
    assert_int_equal(out.n, 1);
    assert_false(more);
    assert_string_equal(out.kind[0], "new_case");

    const char *t_none[] = {"n:999999"};
    notes_of(st, t_none, 1, 0, 10, &out, &more);
    assert_int_equal(out.n, 0);
    assert_false(more);
    notes_of(st, t_none, 0, 0, 10, &out, &more);
    assert_int_equal(out.n, 0);
}

/* ---- Open311 keys, departments ---- */

static void api_keys(void **state)
{
    struct gr_store *st = store_of(state);
    int64_t k1 = 0, k2 = 0, dup = 0, got = 0;
    assert_int_equal(gr_store_api_key_create(st, "市民热线", "hash-one", &k1), GR_OK);
    assert_int_equal(gr_store_api_key_create(st, "随手拍", "hash-two", &k2), GR_OK);
    assert_true(k1 > 0 && k2 > k1);
    assert_int_not_equal(gr_store_api_key_create(st, "重复", "hash-one", &dup), GR_OK);
    assert_int_equal(gr_store_api_key_get(st, "hash-one", &got), GR_OK);
    assert_int_equal(got, k1);
    assert_int_equal(gr_store_api_key_get(st, "hash-two", &got), GR_OK);
    assert_int_equal(got, k2);
    assert_int_equal(gr_store_api_key_get(st, "hash-three", &got), GR_ENOTFOUND);
    assert_int_equal(gr_store_api_key_get(st, "HASH-ONE", &got), GR_ENOTFOUND);
}

static void departments_by_name(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    struct world2 o;
    build_world(st, &w);
    build_world2(st, &w, &o);
    int64_t cg = add_organisation(st, w.district, "上城区城市管理局");
    int64_t mz = add_organisation(st, w.district, "上城区民政局");
    int64_t cg2 = add_organisation(st, o.district, "拱墅区城市管理局");
    add_organisation(st, w.street, "湖滨街道教育局"); /* on a street, not the district */
    struct rec r;
    rec_init(&r, GR_K_ORGANISATIONS);
    set_int(&r, "node_id", w.district);
    set_text(&r, "kind", "enterprise");
    set_text(&r, "name", "上城区住房和城乡建设局");
    insert_ok(st, &r); /* not a department */

    int64_t id = 0;
    assert_int_equal(gr_store_department(st, w.district, "城市管理局", &id), GR_OK);
    assert_int_equal(id, cg);
    assert_int_equal(gr_store_department(st, w.district, "民政局", &id), GR_OK);
    assert_int_equal(id, mz);
    assert_int_equal(gr_store_department(st, o.district, "城市管理局", &id), GR_OK);
    assert_int_equal(id, cg2);
    assert_int_equal(gr_store_department(st, o.district, "民政局", &id), GR_ENOTFOUND);
    assert_int_equal(gr_store_department(st, w.district, "教育局", &id), GR_ENOTFOUND);
    assert_int_equal(gr_store_department(st, w.district, "住房和城乡建设局", &id), GR_ENOTFOUND);
    assert_int_equal(gr_store_department(st, w.district, "城市管理", &id), GR_ENOTFOUND);
}

/* ---- Open311 lookups: a case by its token, events by time ---- */

static void case_by_token(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    struct gr_case c = new_case(anc_grid(&w, w.comm1, w.grid1), NOV26, "2026-11-26");
    int64_t plain = create_case(st, &c); /* no token */
    c.channel = "import";
    c.token = "tok-a";
    c.description = "路灯不亮";
    int64_t a = create_case(st, &c);
    c.token = "tok-b";
    int64_t b = create_case(st, &c);
    assert_true(plain != a && a != b);

    struct gr_case got;
    assert_int_equal(gr_store_case_by_token(st, "tok-a", &got), GR_OK);
    struct gr_case want = get_case(st, a);
    assert_case_eq(&got, &want);
    assert_int_equal(gr_store_case_by_token(st, "tok-b", &got), GR_OK);
    assert_int_equal(got.id, b);
    /* The texts are the store's copies: still valid after other reads. */
    struct events ev;
    events_of(st, b, &ev);
    assert_text_eq("token", got.token, "tok-b");
    assert_text_eq("description", got.description, "路灯不亮");

    assert_int_equal(gr_store_case_by_token(st, "tok-c", &got), GR_ENOTFOUND);
    assert_int_equal(gr_store_case_by_token(st, "TOK-A", &got), GR_ENOTFOUND);
    assert_int_equal(gr_store_case_by_token(st, "tok-", &got), GR_ENOTFOUND);
    assert_int_equal(gr_store_case_by_token(st, "", &got), GR_ENOTFOUND);
    assert_int_equal(gr_store_case_by_token(st, NULL, &got), GR_ENOTFOUND);

    /* A token stands for one case only. */
    struct gr_case_event first = {.at = NOV26, .action = "submit", .to_status = "submitted"};
    int64_t dup = 0;
    c.token = "tok-a";
    assert_int_equal(gr_store_case_create(st, &c, &first, NULL, 0, &dup), GR_ECONFLICT);
    assert_int_equal(gr_store_case_by_token(st, "tok-a", &got), GR_OK);
    assert_int_equal(got.id, a);
}

/* Move case id to `status` at `at` with an event (public or not) carrying `note`; the
 * event's id. */
static int64_t change_case(struct gr_store *st, int64_t id, const char *status, int64_t at,
                           bool public, const char *note)
{
    struct gr_case before = get_case(st, id), after = before;
    after.status = status;
    after.updated_at = at;
    struct gr_case_event ev = {.at = at,
                               .action = "note",
                               .from_status = before.status,
                               .to_status = strcmp(status, before.status) ? status : NULL,
                               .note = note,
                               .public = public};
    enum gr_err e = gr_store_case_update(st, &before, &after, &ev, NULL, 0);
    if (e != GR_OK)
        fail_msg("case_update %lld: %s (%s)", (long long)id, gr_strerror(e), gr_store_errmsg(st));
    struct events all;
    events_of(st, id, &all);
    return all.id[all.n - 1];
}

static void between_of(struct gr_store *st, int64_t from, int64_t to, bool public_only,
                       int64_t after, int limit, struct events *out, bool *more)
{
    memset(out, 0, sizeof(*out));
    *more = true; /* the store sets it either way */
    enum gr_err e = gr_store_case_events_between(st, from, to, public_only, after, limit,
                                                 collect_event, out, more);
    if (e != GR_OK)
        fail_msg("case_events_between: %s (%s)", gr_strerror(e), gr_store_errmsg(st));
}

static void assert_event_ids(const struct events *got, size_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        int64_t want = va_arg(ap, int64_t);
        if (i >= got->n || got->id[i] != want)
            fail_msg("event %zu is %lld, expected %lld (%zu listed, %zu expected)", i,
                     i < got->n ? (long long)got->id[i] : -1LL, (long long)want, got->n, n);
    }
    va_end(ap);
    if (got->n != n)
        fail_msg("%zu events listed, expected %zu", got->n, n);
}

static int stop_after_one(void *ctx, const struct gr_case_event *e)
{
    collect_event(ctx, e);
    return 1;
}

static void case_events_by_time(void **state)
{
    struct gr_store *st = store_of(state);
    struct world w;
    build_world(st, &w);
    struct gr_anc g = anc_grid(&w, w.comm1, w.grid1);

    /* e0: before the window. a: submitted at NOV26 (e1, public), accepted privately (e2),
     * a public note (e3). b: submitted after e2's time (e4), a public note (e5) on the
     * window's end. e6: after it. e7, e8: b's history loaded late, so their ids are the
     * highest though their times are early. */
    struct gr_case c = new_case(g, NOV26 - 10, "2026-11-26");
    int64_t old = create_case(st, &c);
    struct events ev;
    events_of(st, old, &ev);
    int64_t e0 = ev.id[0];
    c = new_case(g, NOV26, "2026-11-26");
    int64_t a = create_case(st, &c);
    events_of(st, a, &ev);
    int64_t e1 = ev.id[0];
    int64_t e2 = change_case(st, a, "accepted", NOV26 + 100, false, "内部备注");
    int64_t e3 = change_case(st, a, "accepted", NOV26 + 200, true, "已派网格员");
    c = new_case(g, NOV26 + 150, "2026-11-26");
    int64_t b = create_case(st, &c);
    events_of(st, b, &ev);
    int64_t e4 = ev.id[0];
    int64_t e5 = change_case(st, b, "accepted", NOV26 + 300, true, "已受理");
    int64_t e6 = change_case(st, a, "closed", NOV26 + 1000, true, "已办结");
    struct gr_case_event late[] = {
        {.at = NOV26 + 50, .action = "note", .note = "补录", .public = true},
        {.at = NOV26 + 60, .action = "note", .note = "补录内部", .public = false},
    };
    assert_int_equal(gr_store_case_events_add(st, b, late, 2), GR_OK);
    events_of(st, b, &ev);
    assert_int_equal(ev.n, 4);
    int64_t e7 = ev.id[2], e8 = ev.id[3];
    assert_true(e0 < e1 && e1 < e2 && e2 < e3 && e3 < e4 && e4 < e5 && e5 < e6 && e6 < e7 &&
                e7 < e8);

    /* from <= at < to, by id (not by time), public ones or all. */
    bool more = false;
    between_of(st, NOV26, NOV26 + 1000, true, 0, 100, &ev, &more);
    assert_event_ids(&ev, 5, e1, e3, e4, e5, e7);
    assert_false(more);
    between_of(st, NOV26, NOV26 + 1000, false, 0, 100, &ev, &more);
    assert_event_ids(&ev, 7, e1, e2, e3, e4, e5, e7, e8);
    assert_false(more);
    between_of(st, NOV26 + 200, NOV26 + 300, true, 0, 100, &ev, &more);
    assert_event_ids(&ev, 1, e3);
    between_of(st, NOV26 + 150, NOV26 + 201, true, 0, 100, &ev, &more);
    assert_event_ids(&ev, 2, e3, e4);
    between_of(st, NOV26 - 10, NOV26 + 1001, true, 0, 100, &ev, &more);
    assert_event_ids(&ev, 7, e0, e1, e3, e4, e5, e6, e7);
    between_of(st, NOV26 + 2000, NOV26 + 3000, false, 0, 100, &ev, &more);
    assert_event_ids(&ev, 0);
    assert_false(more);

    /* The event as written. */
    between_of(st, NOV26 + 300, NOV26 + 301, true, 0, 100, &ev, &more);
    assert_event_ids(&ev, 1, e5);
    assert_int_equal(ev.at[0], NOV26 + 300);
    assert_string_equal(ev.note[0], "已受理");
    assert_string_equal(ev.from[0], "submitted");
    assert_string_equal(ev.to[0], "accepted");
    assert_true(ev.public[0]);
    between_of(st, NOV26 + 100, NOV26 + 101, false, 0, 100, &ev, &more);
    assert_event_ids(&ev, 1, e2);
    assert_false(ev.public[0]);
    assert_string_equal(ev.note[0], "内部备注");

    /* Pages: after the last id given, *more while some follow. */
    between_of(st, NOV26, NOV26 + 1000, true, 0, 2, &ev, &more);
    assert_event_ids(&ev, 2, e1, e3);
    assert_true(more);
    between_of(st, NOV26, NOV26 + 1000, true, e3, 2, &ev, &more);
    assert_event_ids(&ev, 2, e4, e5);
    assert_true(more);
    between_of(st, NOV26, NOV26 + 1000, true, e5, 2, &ev, &more);
    assert_event_ids(&ev, 1, e7);
    assert_false(more);
    between_of(st, NOV26, NOV26 + 1000, true, e4, 2, &ev, &more);
    assert_event_ids(&ev, 2, e5, e7);
    assert_false(more); /* exactly the rest */
    between_of(st, NOV26, NOV26 + 1000, false, e5, 2, &ev, &more);
    assert_event_ids(&ev, 2, e7, e8);
    assert_false(more);
    between_of(st, NOV26, NOV26 + 1000, false, e2, 3, &ev, &more);
    assert_event_ids(&ev, 3, e3, e4, e5);
    assert_true(more);
    between_of(st, NOV26, NOV26 + 1000, true, e8, 10, &ev, &more);
    assert_event_ids(&ev, 0);
    assert_false(more);
    between_of(st, NOV26, NOV26 + 1000, true, 0, 0, &ev, &more);
    assert_event_ids(&ev, 0);
    assert_true(more);

    /* fn stops the listing. */
    memset(&ev, 0, sizeof(ev));
    assert_int_equal(gr_store_case_events_between(st, NOV26, NOV26 + 1000, true, 0, 100,
                                                  stop_after_one, &ev, &more),
                     GR_OK);
    assert_event_ids(&ev, 1, e1);
    assert_int_equal(gr_store_case_events_between(st, NOV26, NOV26 + 1000, true, 0, -1,
                                                  collect_event, &ev, &more),
                     GR_EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(open_creates_and_migrates),
        cmocka_unit_test(open_missing_without_create),
        cmocka_unit_test(open_garbage_file_fails_cleanly),
        T(tree_ancestors),
        T(node_wrong_level_refused),
        T(network_ancestors_derived),
        T(explicit_ids_are_kept),
        T(missing_references_refused),
        T(wrong_level_reference_refused),
        T(duplicate_unique_keys),
        T(update_changes_fields_and_time),
        T(delete_referred_record_conflicts),
        T(delete_refused_grid_keeps_its_counters),
        T(list_scopes_and_under),
        T(list_filters),
        T(list_search),
        T(list_all_terms_combined),
        T(list_search_without_searchable_fields_matches_nothing),
        T(list_keyset_pagination),
        T(transaction_rollback_undoes),
        T(transaction_nesting),
        T(settings_get_set),
        T(coverage_maintained_on_every_write),
        T(coverage_in_bulk_after_recount),
        T(recount_of_a_subtree),
        T(coverage_bad_level),
        T(boundaries),
        T(users_create_and_find),
        T(grants_resolve_levels),
        T(user_list_scoped),
        T(sessions_expire_and_delete),
        T(tokens),
        T(matter_list_versions),
        T(calendar_days_refresh_the_cache),
        T(calendar_rollback_forgets_the_day),
        T(calendar_change_reaches_other_connections),
        T(cases_round_trip),
        T(case_update_checks_before),
        T(cases_listing),
        T(cases_requester_without_scopes),
        T(cases_near_a_point),
        T(cases_due_for_the_sweep),
        T(figures_follow_every_change),
        T(figures_first_savepoint_undone),
        T(figures_recount_inside_a_transaction),
        T(tasks_summon_report_done),
        T(photos_add_get_list),
        T(notifications_with_changes),
        T(api_keys),
        T(departments_by_name),
        T(case_by_token),
        T(case_events_by_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
