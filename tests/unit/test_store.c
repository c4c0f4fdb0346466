/*
 * test_store.c - the store contract suite, written against src/store/store.h only so that
 * it runs unchanged against every back end: opening and migrations, the administrative
 * tree and its ancestors, references and unique keys, update and delete, listing with
 * scopes, filters, search and pagination, transactions, settings, coverage counters and
 * gaps (immediate and in bulk), boundaries, users and grants, sessions and tokens.
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

#include "store/store.h"

/* ---- fixture: a fresh database per test ---- */

struct fx {
    char path[64];
    struct gr_store *st;
};

static void remove_db(const char *path)
{
    char p[80];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-journal", path);
    unlink(p);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->path, sizeof(f->path), "/tmp/gr-test-store-XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0) {
        free(f);
        return -1;
    }
    close(fd);
    unlink(f->path); /* the store creates it */
    if (gr_store_open(f->path, true, &f->st) != GR_OK) {
        remove_db(f->path);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gr_store_close(f->st);
    remove_db(f->path);
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
    remove_db(path);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
