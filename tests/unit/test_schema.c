/*
 * test_schema.c - src/core/schema.c: the kind and level tables, and gr_record_check:
 * required, immutable and derived fields, enum values, ranges, text length in code points,
 * UTF-8, dates, and the cross-field rules of posts and nodes.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/schema.h"

#define MAX_VALS 32

/* A record being built: values indexed like k->fields. */
struct rec {
    const struct gr_kind *k;
    struct gr_value v[MAX_VALS];
    char text[MAX_VALS][512];
};

static void rec_init(struct rec *r, enum gr_kind_id id)
{
    memset(r, 0, sizeof(*r));
    r->k = gr_kind_get(id);
    assert_non_null(r->k);
    assert_true(r->k->n_fields <= MAX_VALS);
}

static struct gr_value *slot(struct rec *r, const char *name)
{
    int i = gr_kind_field(r->k, name, strlen(name));
    if (i < 0)
        fail_msg("kind %s has no field %s", r->k->name, name);
    return &r->v[i];
}

static void set_text_n(struct rec *r, const char *name, const char *s, size_t n)
{
    int i = gr_kind_field(r->k, name, strlen(name));
    assert_true(i >= 0 && n < sizeof(r->text[0]));
    memcpy(r->text[i], s, n);
    r->v[i] = (struct gr_value){.present = true, .s = r->text[i], .len = n};
}

static void set_text(struct rec *r, const char *name, const char *s)
{
    set_text_n(r, name, s, strlen(s));
}

static void set_int(struct rec *r, const char *name, int64_t i)
{
    *slot(r, name) = (struct gr_value){.present = true, .i = i};
}

static void set_real(struct rec *r, const char *name, double d)
{
    *slot(r, name) = (struct gr_value){.present = true, .d = d};
}

static void set_null(struct rec *r, const char *name)
{
    *slot(r, name) = (struct gr_value){.present = true, .null = true};
}

static void unset(struct rec *r, const char *name)
{
    *slot(r, name) = (struct gr_value){0};
}

/* Check r; on failure the field at fault must be `field` (NULL: must pass). */
static void check(struct rec *r, bool creating, const char *field)
{
    struct gr_verr ve = {0};
    enum gr_err e = gr_record_check(r->k, r->v, creating, &ve);
    if (!field) {
        if (e != GR_OK)
            fail_msg("%s refused: %s %s", r->k->name, ve.field ? ve.field : "?",
                     ve.message ? ve.message : "");
        return;
    }
    if (e != GR_EINVAL)
        fail_msg("%s accepted, expected %s to be refused", r->k->name, field);
    assert_int_equal(ve.code, GR_EINVAL);
    assert_non_null(ve.message);
    assert_non_null(ve.field);
    if (strcmp(ve.field, field) != 0)
        fail_msg("%s refused on %s (%s), expected %s", r->k->name, ve.field, ve.message, field);
}

/* A building that passes the checks. */
static void good_building(struct rec *r)
{
    rec_init(r, GR_K_BUILDINGS);
    set_int(r, "grid_id", 5);
    set_text(r, "number", "3号楼");
}

static void every_kind_found_by_name(void **state)
{
    static const char *const names[GR_N_KINDS] = {
        "nodes",        "buildings",     "units", "households",        "residents",
        "party_orgs",   "party_members", "posts", "member_households", "organisations",
        "cobuild_links"};
    for (int id = 0; id < GR_N_KINDS; id++) {
        const struct gr_kind *k = gr_kind_get((enum gr_kind_id)id);
        assert_non_null(k);
        assert_int_equal(k->id, id);
        assert_string_equal(k->name, names[id]);
        assert_ptr_equal(gr_kind_find(names[id], strlen(names[id])), k);
        assert_non_null(k->label_zh);
        assert_true(k->n_fields > 0 && k->n_fields <= MAX_VALS);
        /* The title and every scope field are fields of the kind. */
        assert_true(gr_kind_field(k, k->title_field, strlen(k->title_field)) >= 0);
        assert_non_null(k->scope_fields[0]);
        for (const char *const *sf = k->scope_fields; *sf; sf++) {
            int i = gr_kind_field(k, *sf, strlen(*sf));
            assert_true(i >= 0);
            assert_int_equal(k->fields[i].type, GR_FT_REF);
        }
        /* References name real kinds; enums have values; texts have a length. */
        for (size_t i = 0; i < k->n_fields; i++) {
            const struct gr_field *f = &k->fields[i];
            assert_int_equal(gr_kind_field(k, f->name, strlen(f->name)), (int)i);
            if (f->type == GR_FT_REF)
                assert_non_null(gr_kind_find(f->ref_kind, strlen(f->ref_kind)));
            if (f->type == GR_FT_ENUM)
                assert_non_null(f->enum_values[0]);
            if (f->type == GR_FT_TEXT)
                assert_true(f->max_len > 0);
        }
    }
    assert_null(gr_kind_get(GR_N_KINDS));
    assert_null(gr_kind_get((enum gr_kind_id) - 1));
    assert_null(gr_kind_find("node", 4));
    assert_null(gr_kind_find("nodesx", 6));
    assert_null(gr_kind_find("", 0));
    assert_null(gr_kind_find("Nodes", 5));
    assert_ptr_equal(gr_kind_find("nodes and more", 5), gr_kind_get(GR_K_NODES));
    assert_int_equal(gr_kind_field(gr_kind_get(GR_K_NODES), "nam", 3), -1);
    assert_int_equal(gr_kind_field(gr_kind_get(GR_K_NODES), "id", 2), -1);
}

static void level_names_round_trip(void **state)
{
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++) {
        const char *n = gr_level_name((enum gr_level)l);
        assert_non_null(n);
        assert_int_equal(gr_level_parse(n, strlen(n)), l);
    }
    assert_string_equal(gr_level_name(GR_LEVEL_COMMUNITY), "community");
    assert_null(gr_level_name(GR_LEVEL_NONE));
    assert_null(gr_level_name((enum gr_level)6));
    assert_int_equal(gr_level_parse("gridx", 5), GR_LEVEL_NONE);
    assert_int_equal(gr_level_parse("gri", 3), GR_LEVEL_NONE);
    assert_int_equal(gr_level_parse("", 0), GR_LEVEL_NONE);
    assert_int_equal(gr_level_parse("City", 4), GR_LEVEL_NONE);
}

static void required_fields_on_create(void **state)
{
    struct rec r;
    rec_init(&r, GR_K_BUILDINGS);
    check(&r, true, "grid_id");
    set_int(&r, "grid_id", 5);
    check(&r, true, "number");
    set_null(&r, "number"); /* explicitly null is still missing */
    check(&r, true, "number");
    set_text(&r, "number", ""); /* and so is empty text */
    check(&r, true, "number");
    set_text(&r, "number", "1");
    check(&r, true, NULL);
    /* Optional fields may be absent, null or empty. */
    set_null(&r, "floors");
    set_text(&r, "name", "");
    check(&r, true, NULL);
    /* Updates need no required field at all. */
    rec_init(&r, GR_K_BUILDINGS);
    check(&r, false, NULL);
    set_text(&r, "address", "东湖路 8 号");
    check(&r, false, NULL);
}

static void required_field_cannot_be_nulled_on_update(void **state)
{
    struct rec r;
    rec_init(&r, GR_K_RESIDENTS);
    set_null(&r, "name");
    check(&r, false, "name");
    set_text(&r, "name", "");
    check(&r, false, "name");
    set_text(&r, "name", "李四");
    set_null(&r, "phone");
    check(&r, false, NULL);
}

static void immutable_fields_on_update(void **state)
{
    struct rec r;
    rec_init(&r, GR_K_BUILDINGS);
    set_int(&r, "grid_id", 6);
    check(&r, false, "grid_id");
    set_null(&r, "grid_id");
    check(&r, false, "grid_id");
    rec_init(&r, GR_K_NODES);
    set_text(&r, "level", "grid");
    check(&r, false, "level");
    rec_init(&r, GR_K_NODES);
    set_int(&r, "parent_id", 3);
    check(&r, false, "parent_id");
    rec_init(&r, GR_K_NODES);
    set_text(&r, "name", "新名字");
    check(&r, false, NULL);
    rec_init(&r, GR_K_POSTS);
    set_text(&r, "kind", "grid_worker");
    check(&r, false, "kind");
    /* ...but they are set on create. */
    good_building(&r);
    check(&r, true, NULL);
}

static void derived_fields_refused(void **state)
{
    struct rec r;
    good_building(&r);
    set_int(&r, "has_leader", 1);
    check(&r, true, "has_leader");
    rec_init(&r, GR_K_BUILDINGS);
    set_int(&r, "has_leader", 0);
    check(&r, false, "has_leader");
    rec_init(&r, GR_K_HOUSEHOLDS);
    set_null(&r, "n_links");
    check(&r, false, "n_links");
    rec_init(&r, GR_K_UNITS);
    set_int(&r, "building_id", 1);
    set_text(&r, "number", "1单元");
    set_int(&r, "has_leader", 1);
    check(&r, true, "has_leader");
    unset(&r, "has_leader");
    check(&r, true, NULL);
}

static void enum_values(void **state)
{
    struct rec r;
    rec_init(&r, GR_K_HOUSEHOLDS);
    static const char *const good[] = {"owner_occupied", "rented", "vacant", "other"};
    for (size_t i = 0; i < 4; i++) {
        set_text(&r, "occupancy", good[i]);
        check(&r, false, NULL);
    }
    static const char *const bad[] = {"Rented", "rent", "rented ", "", "owner", "vacantx"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        set_text(&r, "occupancy", bad[i]);
        check(&r, false, "occupancy");
    }
    set_null(&r, "occupancy");
    check(&r, false, NULL);
    rec_init(&r, GR_K_RESIDENTS);
    set_text(&r, "gender", "female");
    check(&r, false, NULL);
    set_text(&r, "gender", "女");
    check(&r, false, "gender");
    rec_init(&r, GR_K_NODES);
    set_text(&r, "level", "village");
    set_text(&r, "code", "X");
    set_text(&r, "name", "X");
    check(&r, true, "level");
}

static void int_and_real_ranges(void **state)
{
    struct rec r;
    good_building(&r);
    set_int(&r, "floors", 1);
    check(&r, true, NULL);
    set_int(&r, "floors", 200);
    check(&r, true, NULL);
    set_int(&r, "floors", 0);
    check(&r, true, "floors");
    set_int(&r, "floors", 201);
    check(&r, true, "floors");
    set_int(&r, "floors", -5);
    check(&r, true, "floors");
    set_int(&r, "floors", INT64_MIN);
    check(&r, true, "floors");
    set_int(&r, "floors", 20);
    set_int(&r, "built_year", 1899);
    check(&r, true, "built_year");
    set_int(&r, "built_year", 2100);
    check(&r, true, NULL);
    set_real(&r, "lat", 90.0);
    set_real(&r, "lon", -180.0);
    check(&r, true, NULL);
    set_real(&r, "lat", 90.0001);
    check(&r, true, "lat");
    set_real(&r, "lat", NAN);
    check(&r, true, "lat");
    set_real(&r, "lat", 30.5);
    set_real(&r, "lon", INFINITY);
    check(&r, true, "lon");
    set_real(&r, "lon", 181);
    check(&r, true, "lon");
    rec_init(&r, GR_K_HOUSEHOLDS);
    set_int(&r, "n_people", -1);
    check(&r, false, "n_people");
    set_int(&r, "n_people", 50);
    set_real(&r, "area_m2", -0.5);
    check(&r, false, "area_m2");
    set_real(&r, "area_m2", 0);
    check(&r, false, NULL);
}

static void text_length_in_code_points(void **state)
{
    char name[400];
    size_t n = 0;
    for (int i = 0; i < 64; i++) { /* 64 characters, 192 bytes */
        memcpy(name + n, "张", 3);
        n += 3;
    }
    struct rec r;
    rec_init(&r, GR_K_NODES);
    set_text(&r, "level", "city");
    set_text(&r, "code", "C01");
    set_text_n(&r, "name", name, n);
    check(&r, true, NULL);
    memcpy(name + n, "张", 3);
    set_text_n(&r, "name", name, n + 3); /* 65 characters */
    check(&r, true, "name");
    /* ASCII is counted the same way: code has at most 20. */
    set_text_n(&r, "name", name, n);
    set_text(&r, "code", "12345678901234567890");
    check(&r, true, NULL);
    set_text(&r, "code", "123456789012345678901");
    check(&r, true, "code");
    /* 20 Chinese characters (60 bytes) fit in a 20-character code. */
    set_text(&r, "code", "一二三四五六七八九十一二三四五六七八九十");
    check(&r, true, NULL);
    /* A room of 16 characters, mixed. */
    rec_init(&r, GR_K_HOUSEHOLDS);
    set_text(&r, "room", "1单元1201室ABCDEFGH");
    check(&r, false, NULL);
    set_text(&r, "room", "1单元1201室ABCDEFGHI");
    check(&r, false, "room");
}

static void invalid_utf8_refused(void **state)
{
    struct rec r;
    good_building(&r);
    set_text(&r, "name", "ok\xe5\xbc");
    check(&r, true, "name");
    set_text(&r, "name", "\xc0\xaf");
    check(&r, true, "name");
    set_text_n(&r, "name", "a\0b", 3);
    check(&r, true, "name");
    set_text(&r, "name", "\xed\xa0\x80");
    check(&r, true, "name");
    set_text(&r, "name", "和平里");
    check(&r, true, NULL);
}

static void dates(void **state)
{
    struct rec r;
    rec_init(&r, GR_K_PARTY_ORGS);
    set_text(&r, "founded_on", "2024-02-29");
    check(&r, false, NULL);
    static const char *const bad[] = {"2023-02-29", "2024-02-30", "2024/01/01", "2024-1-1",
                                      "",           "yesterday",  "2024-13-01"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        set_text(&r, "founded_on", bad[i]);
        check(&r, false, "founded_on");
    }
    set_null(&r, "founded_on");
    check(&r, false, NULL);
}

static void refs_and_bools(void **state)
{
    struct rec r;
    good_building(&r);
    set_int(&r, "grid_id", 0);
    check(&r, true, "grid_id");
    set_int(&r, "grid_id", -3);
    check(&r, true, "grid_id");
    rec_init(&r, GR_K_PARTY_MEMBERS);
    set_int(&r, "in_service", 1);
    check(&r, false, NULL);
    set_int(&r, "in_service", 0);
    check(&r, false, NULL);
    set_int(&r, "in_service", 2);
    check(&r, false, "in_service");
    set_int(&r, "in_service", -1);
    check(&r, false, "in_service");
}

static void field_check_skips_absent_and_null(void **state)
{
    const struct gr_kind *k = gr_kind_get(GR_K_BUILDINGS);
    const struct gr_field *floors = &k->fields[gr_kind_field(k, "floors", 6)];
    struct gr_verr ve = {0};
    struct gr_value v = {0};
    assert_int_equal(gr_field_check(floors, &v, &ve), GR_OK);
    v.present = true;
    v.null = true;
    assert_int_equal(gr_field_check(floors, &v, &ve), GR_OK);
    v.null = false;
    v.i = 0;
    assert_int_equal(gr_field_check(floors, &v, &ve), GR_EINVAL);
    assert_string_equal(ve.field, "floors");
}

/* A post of kind with the given reference set (NULL: none). */
static void post(struct rec *r, const char *kind, const char *ref)
{
    rec_init(r, GR_K_POSTS);
    set_text(r, "kind", kind);
    set_text(r, "person_name", "王五");
    if (ref)
        set_int(r, ref, 9);
}

static void post_cross_field_rules(void **state)
{
    struct rec r;
    post(&r, "building_leader", NULL);
    check(&r, true, "building_id");
    post(&r, "building_leader", "unit_id"); /* a unit is not a building */
    check(&r, true, "building_id");
    post(&r, "building_leader", "building_id");
    check(&r, true, NULL);
    post(&r, "building_leader", NULL);
    set_null(&r, "building_id");
    check(&r, true, "building_id");

    post(&r, "unit_leader", NULL);
    check(&r, true, "unit_id");
    post(&r, "unit_leader", "building_id");
    check(&r, true, "unit_id");
    post(&r, "unit_leader", "unit_id");
    check(&r, true, NULL);

    static const char *const secretaries[] = {"secretary", "deputy_secretary",
                                              "grid_branch_secretary"};
    for (size_t i = 0; i < 3; i++) {
        post(&r, secretaries[i], NULL);
        check(&r, true, "org_id");
        post(&r, secretaries[i], "node_id");
        check(&r, true, "org_id");
        post(&r, secretaries[i], "org_id");
        check(&r, true, NULL);
    }

    post(&r, "grid_worker", NULL);
    check(&r, true, "node_id");
    post(&r, "grid_worker", "org_id");
    check(&r, true, "node_id");
    post(&r, "grid_worker", "node_id");
    check(&r, true, NULL);

    post(&r, "chairman", "node_id");
    check(&r, true, "kind");
    /* The rules read immutable fields, so an update of other fields passes. */
    rec_init(&r, GR_K_POSTS);
    set_text(&r, "phone", "13800000000");
    check(&r, false, NULL);
}

static void node_parent_rules(void **state)
{
    struct rec r;
    rec_init(&r, GR_K_NODES);
    set_text(&r, "level", "city");
    set_text(&r, "code", "3301");
    set_text(&r, "name", "杭州市");
    check(&r, true, NULL);
    set_int(&r, "parent_id", 1);
    check(&r, true, "parent_id");
    set_null(&r, "parent_id");
    check(&r, true, NULL);
    static const char *const below[] = {"district", "street", "community", "grid"};
    for (size_t i = 0; i < 4; i++) {
        rec_init(&r, GR_K_NODES);
        set_text(&r, "level", below[i]);
        set_text(&r, "code", "X1");
        set_text(&r, "name", "某地");
        check(&r, true, "parent_id");
        set_null(&r, "parent_id");
        check(&r, true, "parent_id");
        set_int(&r, "parent_id", 2);
        check(&r, true, NULL);
    }
}

static void messages_state_the_bounds(void **state)
{
    struct rec r;
    good_building(&r);
    set_int(&r, "floors", 201);
    struct gr_verr ve = {0};
    assert_int_equal(gr_record_check(r.k, r.v, true, &ve), GR_EINVAL);
    assert_non_null(strstr(ve.message, "200"));
    good_building(&r);
    set_text(&r, "number", "12345678901234567");
    assert_int_equal(gr_record_check(r.k, r.v, true, &ve), GR_EINVAL);
    assert_string_equal(ve.field, "number");
    assert_non_null(strstr(ve.message, "16"));
}

static void enum_messages_list_every_value(void **state)
{
    /* The refusal of an enum value tells the caller every value that is allowed. */
    for (int id = 0; id < GR_N_KINDS; id++) {
        const struct gr_kind *k = gr_kind_get((enum gr_kind_id)id);
        for (size_t i = 0; i < k->n_fields; i++) {
            const struct gr_field *f = &k->fields[i];
            if (f->type != GR_FT_ENUM)
                continue;
            struct gr_value v = {.present = true, .s = "no-such-value", .len = 13};
            struct gr_verr ve = {0};
            assert_int_equal(gr_field_check(f, &v, &ve), GR_EINVAL);
            for (const char *const *e = f->enum_values; *e; e++)
                if (!strstr(ve.message, *e))
                    fail_msg("%s.%s: \"%s\" is missing from \"%s\"", k->name, f->name, *e,
                             ve.message);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_found_by_name),
        cmocka_unit_test(level_names_round_trip),
        cmocka_unit_test(required_fields_on_create),
        cmocka_unit_test(required_field_cannot_be_nulled_on_update),
        cmocka_unit_test(immutable_fields_on_update),
        cmocka_unit_test(derived_fields_refused),
        cmocka_unit_test(enum_values),
        cmocka_unit_test(int_and_real_ranges),
        cmocka_unit_test(text_length_in_code_points),
        cmocka_unit_test(invalid_utf8_refused),
        cmocka_unit_test(dates),
        cmocka_unit_test(refs_and_bools),
        cmocka_unit_test(field_check_skips_absent_and_null),
        cmocka_unit_test(post_cross_field_rules),
        cmocka_unit_test(node_parent_rules),
        cmocka_unit_test(messages_state_the_bounds),
        cmocka_unit_test(enum_messages_list_every_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
