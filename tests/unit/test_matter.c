/*
 * test_matter.c - src/core/matter.c: the matter check (each rule naming its field), the
 * names, routing for each list kind and each governance type with the street fallback
 * (属地兜底), co-handlers, and deadlines in working hours and days over a holiday.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/matter.h"

/* The case's location: city 101, district 201, street 301, community 401, grid 501. */
static struct gr_anc location(void)
{
    struct gr_anc a;
    memset(&a, 0, sizeof(a));
    a.id[GR_LEVEL_CITY] = 101;
    a.id[GR_LEVEL_DISTRICT] = 201;
    a.id[GR_LEVEL_STREET] = 301;
    a.id[GR_LEVEL_COMMUNITY] = 401;
    a.id[GR_LEVEL_GRID] = 501;
    return a;
}

/* A valid basic duty of the community: 2 working hours to respond, 3 working days to resolve. */
static struct gr_matter basic(void)
{
    struct gr_matter m;
    memset(&m, 0, sizeof(m));
    m.code = "M0101";
    m.name = "暴露垃圾";
    m.category = "0102";
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

static struct gr_matter by_dept(enum gr_list_kind k, const char *dept)
{
    struct gr_matter m = basic();
    m.list_kind = k;
    m.owner_level = GR_LEVEL_NONE;
    m.owner_dept = dept;
    return m;
}

/* A calendar with one holiday: Wednesday 25 November 2026. */
static const struct gr_cal_day one_holiday[] = {{20261125, 'h', "测试"}};

static struct gr_calendar calendar(void)
{
    struct gr_calendar c;
    gr_cal_default(&c);
    c.days = one_holiday;
    c.n_days = 1;
    return c;
}

static int64_t at(const struct gr_calendar *c, gr_ymd d, int h, int m)
{
    return gr_cal_midnight(c, d) + (int64_t)h * 3600 + (int64_t)m * 60;
}

static struct gr_route_out route_at(const struct gr_matter *m, struct gr_anc anc)
{
    struct gr_calendar c = calendar();
    struct gr_route_in in;
    struct gr_route_out out;
    memset(&in, 0, sizeof(in));
    in.m = m;
    in.anc = anc;
    in.cal = &c;
    in.now = at(&c, 20261124, 10, 0);
    memset(&out, 0x5a, sizeof(out));
    gr_route(&in, &out);
    return out;
}

static struct gr_route_out route(const struct gr_matter *m)
{
    return route_at(m, location());
}

static void expect_owner(const struct gr_route_out *o, enum gr_level l, int64_t node,
                         const char *dept, bool co_street, bool fallback)
{
    assert_int_equal(o->owner_level, l);
    assert_int_equal(o->owner_node_id, node);
    if (dept == NULL)
        assert_null(o->owner_dept);
    else
        assert_string_equal(o->owner_dept, dept);
    assert_int_equal(o->co_street, co_street);
    assert_int_equal(o->fallback, fallback);
}

/* ---- The check -------------------------------------------------------------------------- */

static void a_good_matter_passes(void **state)
{
    (void)state;
    struct gr_matter m = basic();
    const char *field = "untouched", *why = "untouched";
    assert_int_equal(gr_matter_check(&m, &field, &why), GR_OK);
    assert_null(field);
    assert_null(why);
    assert_int_equal(gr_matter_check(&m, NULL, NULL), GR_OK);

    /* Every level a territorial owner may have; departments' duties with or without one;
     * co-handlers up to four; self-governance; urgent; no category or legal basis here. */
    for (int l = GR_LEVEL_DISTRICT; l <= GR_LEVEL_GRID; l++) {
        m.owner_level = (enum gr_level)l;
        assert_int_equal(gr_matter_check(&m, &field, &why), GR_OK);
    }
    m = by_dept(GR_LK_COOPERATIVE, "城市管理局");
    assert_int_equal(gr_matter_check(&m, &field, &why), GR_OK);
    m = by_dept(GR_LK_RETURNED, "住房和城乡建设局");
    m.owner_level = GR_LEVEL_DISTRICT;
    assert_int_equal(gr_matter_check(&m, &field, &why), GR_OK);
    m = basic();
    m.co_depts[0] = "市场监督管理局";
    m.co_depts[1] = "公安分局";
    m.n_co = 2;
    m.governance = GR_GOV_SELF;
    m.urgent = true;
    m.category = NULL;
    assert_int_equal(gr_matter_check(&m, &field, &why), GR_OK);
    m.co_depts[2] = "a";
    m.co_depts[3] = "b";
    m.n_co = 4;
    assert_int_equal(gr_matter_check(&m, &field, &why), GR_OK);
}

static void check_names_the_field(void **state)
{
    (void)state;
    struct gr_matter m;
    const char *field, *why;

#define REJECT(mutate, want_field)                                                                 \
    do {                                                                                           \
        m = basic();                                                                               \
        mutate;                                                                                    \
        field = why = NULL;                                                                        \
        assert_int_equal(gr_matter_check(&m, &field, &why), GR_EINVAL);                            \
        assert_non_null(field);                                                                    \
        assert_string_equal(field, want_field);                                                    \
        assert_non_null(why);                                                                      \
        assert_true(strlen(why) > 0);                                                              \
    } while (0)

    REJECT(m.code = NULL, "code");
    REJECT(m.code = "", "code");
    REJECT(m.name = NULL, "name");
    REJECT(m.name = "", "name");
    REJECT(m.list_kind = GR_LK_NONE, "list_kind");
    REJECT(m.list_kind = (enum gr_list_kind)9, "list_kind");
    REJECT(m.governance = GR_GOV_NONE, "governance");
    REJECT(m.governance = (enum gr_governance)7, "governance");
    /* A basic duty names its level, or neither level nor department (属地兜底). */
    REJECT((m.owner_level = GR_LEVEL_NONE, m.owner_dept = "城市管理局"), "owner_level");
    REJECT(m.owner_level = GR_LEVEL_CITY, "owner_level");
    REJECT(m.owner_level = (enum gr_level)6, "owner_level");
    REJECT((m = by_dept(GR_LK_COOPERATIVE, "城市管理局"), m.owner_level = (enum gr_level)9),
           "owner_level");
    REJECT(m = by_dept(GR_LK_COOPERATIVE, NULL), "owner_dept");
    REJECT(m = by_dept(GR_LK_COOPERATIVE, ""), "owner_dept");
    REJECT(m = by_dept(GR_LK_RETURNED, NULL), "owner_dept");
    REJECT(m.n_co = GR_MATTER_MAX_CO + 1, "co_depts");
    REJECT(m.n_co = 1, "co_depts");                 /* counted but missing */
    REJECT(m.co_depts[0] = "公安分局", "co_depts"); /* present but not counted */
    REJECT((m.co_depts[0] = "", m.n_co = 1), "co_depts");
    REJECT(m.respond_limit = 0, "respond_limit");
    REJECT(m.respond_limit = -2, "respond_limit");
    REJECT(m.respond_unit = GR_TU_NONE, "respond_unit");
    REJECT(m.respond_unit = (enum gr_time_unit)5, "respond_unit");
    REJECT(m.resolve_limit = 0, "resolve_limit");
    REJECT(m.resolve_unit = GR_TU_NONE, "resolve_unit");
#undef REJECT

    /* The first fault in field order is the one named. */
    m = basic();
    m.name = NULL;
    m.resolve_limit = 0;
    assert_int_equal(gr_matter_check(&m, &field, &why), GR_EINVAL);
    assert_string_equal(field, "name");
}

static void names_round_trip(void **state)
{
    (void)state;
    static const char *const kinds[] = {NULL, "basic", "cooperative", "returned"};
    static const char *const govs[] = {NULL, "government", "co_governance", "self_governance"};
    static const char *const units[] = {NULL, "hours", "days"};
    for (int i = 1; i < 4; i++) {
        assert_string_equal(gr_list_kind_name((enum gr_list_kind)i), kinds[i]);
        assert_int_equal(gr_list_kind_parse(kinds[i]), i);
        assert_string_equal(gr_governance_name((enum gr_governance)i), govs[i]);
        assert_int_equal(gr_governance_parse(govs[i]), i);
    }
    for (int i = 1; i < 3; i++) {
        assert_string_equal(gr_time_unit_name((enum gr_time_unit)i), units[i]);
        assert_int_equal(gr_time_unit_parse(units[i]), i);
    }
    assert_null(gr_list_kind_name(GR_LK_NONE));
    assert_null(gr_list_kind_name((enum gr_list_kind)4));
    assert_null(gr_governance_name(GR_GOV_NONE));
    assert_null(gr_governance_name((enum gr_governance)4));
    assert_null(gr_time_unit_name(GR_TU_NONE));
    assert_null(gr_time_unit_name((enum gr_time_unit)3));
    assert_int_equal(gr_list_kind_parse(NULL), GR_LK_NONE);
    assert_int_equal(gr_list_kind_parse(""), GR_LK_NONE);
    assert_int_equal(gr_list_kind_parse("Basic"), GR_LK_NONE);
    assert_int_equal(gr_list_kind_parse("basics"), GR_LK_NONE);
    assert_int_equal(gr_governance_parse("self"), GR_GOV_NONE);
    assert_int_equal(gr_governance_parse(NULL), GR_GOV_NONE);
    assert_int_equal(gr_time_unit_parse("hour"), GR_TU_NONE);
    assert_int_equal(gr_time_unit_parse("minutes"), GR_TU_NONE);
    assert_int_equal(gr_time_unit_parse(NULL), GR_TU_NONE);
}

/* ---- Routing ---------------------------------------------------------------------------- */

static void basic_duties_go_to_their_level(void **state)
{
    (void)state;
    static const int64_t ids[] = {0, 101, 201, 301, 401, 501};
    struct gr_matter m = basic();
    for (int l = GR_LEVEL_DISTRICT; l <= GR_LEVEL_GRID; l++) {
        m.owner_level = (enum gr_level)l;
        struct gr_route_out o = route(&m);
        expect_owner(&o, (enum gr_level)l, ids[l], NULL, false, false);
    }
    /* A department named on a basic duty does not make it the department's. */
    m.owner_dept = "城市管理局";
    struct gr_route_out o = route(&m);
    expect_owner(&o, GR_LEVEL_GRID, 501, NULL, false, false);
    /* Co-governance routes by the list like government. */
    m = basic();
    m.governance = GR_GOV_CO_GOVERNANCE;
    o = route(&m);
    expect_owner(&o, GR_LEVEL_COMMUNITY, 401, NULL, false, false);
}

static void basic_without_a_clear_level_falls_back(void **state)
{
    (void)state;
    struct gr_matter m = basic();
    struct gr_route_out o;

    m.owner_level = GR_LEVEL_NONE;
    o = route(&m);
    expect_owner(&o, GR_LEVEL_STREET, 301, NULL, false, true);

    m.owner_level = (enum gr_level)9;
    o = route(&m);
    expect_owner(&o, GR_LEVEL_STREET, 301, NULL, false, true);

    /* The location has no grid (a case reported at a community's office). */
    struct gr_anc a = location();
    a.id[GR_LEVEL_GRID] = 0;
    m.owner_level = GR_LEVEL_GRID;
    o = route_at(&m, a);
    expect_owner(&o, GR_LEVEL_STREET, 301, NULL, false, true);
    m.owner_level = GR_LEVEL_COMMUNITY;
    o = route_at(&m, a);
    expect_owner(&o, GR_LEVEL_COMMUNITY, 401, NULL, false, false);

    /* No list kind at all. */
    m = basic();
    m.list_kind = GR_LK_NONE;
    o = route(&m);
    expect_owner(&o, GR_LEVEL_STREET, 301, NULL, false, true);

    /* Without a street, the fallback is the nearest level above. */
    a = location();
    a.id[GR_LEVEL_STREET] = 0;
    m = basic();
    m.owner_level = GR_LEVEL_NONE;
    o = route_at(&m, a);
    expect_owner(&o, GR_LEVEL_DISTRICT, 201, NULL, false, true);
}

static void cooperative_duties_lead_department_and_street(void **state)
{
    (void)state;
    struct gr_matter m = by_dept(GR_LK_COOPERATIVE, "城市管理局");
    struct gr_route_out o = route(&m);
    expect_owner(&o, GR_LEVEL_STREET, 301, "城市管理局", true, false);
    assert_ptr_equal(o.owner_dept, m.owner_dept);
    /* The level on the row does not matter for a department's duty. */
    m.owner_level = GR_LEVEL_GRID;
    o = route(&m);
    expect_owner(&o, GR_LEVEL_STREET, 301, "城市管理局", true, false);

    m = by_dept(GR_LK_COOPERATIVE, NULL);
    o = route(&m);
    expect_owner(&o, GR_LEVEL_STREET, 301, NULL, false, true);
    m = by_dept(GR_LK_COOPERATIVE, "");
    o = route(&m);
    expect_owner(&o, GR_LEVEL_STREET, 301, NULL, false, true);
}

static void returned_duties_go_to_the_department(void **state)
{
    (void)state;
    struct gr_matter m = by_dept(GR_LK_RETURNED, "住房和城乡建设局");
    struct gr_route_out o = route(&m);
    expect_owner(&o, GR_LEVEL_DISTRICT, 201, "住房和城乡建设局", false, false);

    m.governance = GR_GOV_CO_GOVERNANCE;
    o = route(&m);
    expect_owner(&o, GR_LEVEL_DISTRICT, 201, "住房和城乡建设局", false, false);

    m = by_dept(GR_LK_RETURNED, NULL);
    o = route(&m);
    expect_owner(&o, GR_LEVEL_STREET, 301, NULL, false, true);
}

static void self_governance_goes_to_the_community(void **state)
{
    (void)state;
    static const enum gr_list_kind kinds[] = {GR_LK_BASIC, GR_LK_COOPERATIVE, GR_LK_RETURNED,
                                              GR_LK_NONE};
    for (size_t i = 0; i < 4; i++) {
        struct gr_matter m = by_dept(kinds[i], "城市管理局");
        m.governance = GR_GOV_SELF;
        m.owner_level = GR_LEVEL_DISTRICT;
        struct gr_route_out o = route(&m);
        expect_owner(&o, GR_LEVEL_COMMUNITY, 401, NULL, false, false);
    }
    /* A location without a community: the street takes it. */
    struct gr_matter m = basic();
    m.governance = GR_GOV_SELF;
    struct gr_anc a = location();
    a.id[GR_LEVEL_COMMUNITY] = 0;
    a.id[GR_LEVEL_GRID] = 0;
    struct gr_route_out o = route_at(&m, a);
    expect_owner(&o, GR_LEVEL_STREET, 301, NULL, false, true);
}

static void co_handlers_are_copied(void **state)
{
    (void)state;
    struct gr_matter m = by_dept(GR_LK_COOPERATIVE, "城市管理局");
    m.co_depts[0] = "市场监督管理局";
    m.co_depts[1] = "公安分局";
    m.n_co = 2;
    struct gr_route_out o = route(&m);
    assert_int_equal(o.n_co, 2);
    assert_string_equal(o.co_depts[0], "市场监督管理局");
    assert_string_equal(o.co_depts[1], "公安分局");
    assert_null(o.co_depts[2]);
    assert_null(o.co_depts[3]);

    m = basic();
    o = route(&m);
    assert_int_equal(o.n_co, 0);
    for (size_t i = 0; i < GR_MATTER_MAX_CO; i++)
        assert_null(o.co_depts[i]);

    /* Also on a fallback, and with the array full. */
    m = by_dept(GR_LK_RETURNED, NULL);
    m.co_depts[0] = "a";
    m.co_depts[1] = "b";
    m.co_depts[2] = "c";
    m.co_depts[3] = "d";
    m.n_co = 4;
    o = route(&m);
    assert_true(o.fallback);
    assert_int_equal(o.n_co, 4);
    assert_string_equal(o.co_depts[3], "d");
}

/* ---- Deadlines -------------------------------------------------------------------------- */

static void deadlines_in_working_time(void **state)
{
    (void)state;
    struct gr_calendar c = calendar();
    struct gr_matter m = basic();
    struct gr_route_in in;
    struct gr_route_out o;

    memset(&in, 0, sizeof(in));
    in.m = &m;
    in.anc = location();
    in.cal = &c;

    /* Tuesday 24 November 10:00: 2 hours is 12:00; 3 days skip the holiday on Wednesday. */
    in.now = at(&c, 20261124, 10, 0);
    gr_route(&in, &o);
    assert_int_equal(o.respond_due, at(&c, 20261124, 12, 0));
    assert_int_equal(o.resolve_due, at(&c, 20261130, 17, 30)); /* Thu, Fri, Mon */

    /* Tuesday 17:00: half an hour that day, the rest on Thursday. */
    in.now = at(&c, 20261124, 17, 0);
    gr_route(&in, &o);
    assert_int_equal(o.respond_due, at(&c, 20261126, 10, 0));

    /* On the holiday itself: the clock starts on Thursday. */
    in.now = at(&c, 20261125, 9, 0);
    gr_route(&in, &o);
    assert_int_equal(o.respond_due, at(&c, 20261126, 10, 30));
    assert_int_equal(o.resolve_due, at(&c, 20261130, 17, 30));

    /* Respond in days, resolve in hours. */
    m.respond_limit = 1;
    m.respond_unit = GR_TU_DAYS;
    m.resolve_limit = 24;
    m.resolve_unit = GR_TU_HOURS;
    in.now = at(&c, 20261124, 10, 0);
    gr_route(&in, &o);
    assert_int_equal(o.respond_due, at(&c, 20261126, 17, 30));
    /* 24 working hours: Tuesday 5.5 h, Thursday 7, Friday 7, Monday 3.5 in the morning and
     * one after lunch. */
    assert_int_equal(o.resolve_due, at(&c, 20261130, 15, 0));

    /* Urgent matters keep the deadlines their limits give. */
    struct gr_route_out plain = o;
    m.urgent = true;
    gr_route(&in, &o);
    assert_int_equal(o.respond_due, plain.respond_due);
    assert_int_equal(o.resolve_due, plain.resolve_due);
}

static void due_by_unit(void **state)
{
    (void)state;
    struct gr_calendar c = calendar();
    int64_t t = at(&c, 20261124, 16, 0);
    assert_int_equal(gr_due(&c, t, 3, GR_TU_HOURS), gr_cal_add_minutes(&c, t, 180));
    assert_int_equal(gr_due(&c, t, 3, GR_TU_HOURS), at(&c, 20261126, 10, 0));
    assert_int_equal(gr_due(&c, t, 2, GR_TU_DAYS), gr_cal_add_days(&c, t, 2));
    assert_int_equal(gr_due(&c, t, 2, GR_TU_DAYS), at(&c, 20261127, 17, 30));
    assert_int_equal(gr_due(&c, t, 0, GR_TU_DAYS), at(&c, 20261124, 17, 30));
    assert_int_equal(gr_due(&c, at(&c, 20261124, 12, 30), 0, GR_TU_HOURS), at(&c, 20261124, 14, 0));
    assert_int_equal(gr_due(&c, t, 5, GR_TU_NONE), t);
    /* A long limit in hours: 15 working days. */
    assert_int_equal(gr_due(&c, at(&c, 20261130, 8, 30), 15 * 7, GR_TU_HOURS),
                     at(&c, 20261218, 17, 30));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_good_matter_passes),
        cmocka_unit_test(check_names_the_field),
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(basic_duties_go_to_their_level),
        cmocka_unit_test(basic_without_a_clear_level_falls_back),
        cmocka_unit_test(cooperative_duties_lead_department_and_street),
        cmocka_unit_test(returned_duties_go_to_the_department),
        cmocka_unit_test(self_governance_goes_to_the_community),
        cmocka_unit_test(co_handlers_are_copied),
        cmocka_unit_test(deadlines_in_working_time),
        cmocka_unit_test(due_by_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
