/*
 * test_access.c - src/core/access.c: role names, what each role may read, see unmasked and
 * write on each kind inside and outside its scope, organisation grants, who may grant
 * which role where, and the tops of a principal's reach.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/access.h"

/*
 * A fixed tree: city 1 > district 2 > street 3 > communities 4 and 14 > grids 5, 6 (in
 * community 4) and 15 (in community 14). A second district 22 > street 23 > community 24
 * > grid 25 is elsewhere in the same city.
 */
static const struct gr_anc in_grid5 = {{0, 1, 2, 3, 4, 5}};
static const struct gr_anc in_grid6 = {{0, 1, 2, 3, 4, 6}};
static const struct gr_anc in_grid15 = {{0, 1, 2, 3, 14, 15}};
static const struct gr_anc in_grid25 = {{0, 1, 22, 23, 24, 25}};
static const struct gr_anc at_community4 = {{0, 1, 2, 3, 4, 0}};
static const struct gr_anc at_street3 = {{0, 1, 2, 3, 0, 0}};
static const struct gr_anc at_district2 = {{0, 1, 2, 0, 0, 0}};
static const struct gr_anc at_city1 = {{0, 1, 0, 0, 0, 0}};

static struct gr_principal one(enum gr_role role, int64_t node, enum gr_level level)
{
    struct gr_principal p;
    memset(&p, 0, sizeof(p));
    p.user_id = 42;
    p.n_grants = 1;
    p.grants[0].role = role;
    p.grants[0].node_id = node;
    p.grants[0].level = level;
    return p;
}

static void add_grant(struct gr_principal *p, enum gr_role role, int64_t node, enum gr_level level)
{
    assert_true(p->n_grants < GR_MAX_GRANTS);
    struct gr_grant *g = &p->grants[p->n_grants++];
    memset(g, 0, sizeof(*g));
    g->role = role;
    g->node_id = node;
    g->level = level;
}

static struct gr_principal admin(void)
{
    return one(GR_ROLE_ADMIN, 0, GR_LEVEL_NONE);
}

static void role_names_round_trip(void **state)
{
    static const char *const names[] = {NULL,
                                        "resident",
                                        "unit_leader",
                                        "building_leader",
                                        "grid_worker",
                                        "community_staff",
                                        "street_staff",
                                        "department_handler",
                                        "district_staff",
                                        "city_staff",
                                        "admin"};
    for (int r = GR_ROLE_RESIDENT; r < GR_N_ROLES; r++) {
        const char *n = gr_role_name((enum gr_role)r);
        assert_non_null(n);
        assert_string_equal(n, names[r]);
        assert_int_equal(gr_role_parse(n, strlen(n)), r);
    }
    assert_null(gr_role_name(GR_ROLE_NONE));
    assert_null(gr_role_name(GR_N_ROLES));
    assert_int_equal(gr_role_parse("", 0), GR_ROLE_NONE);
    assert_int_equal(gr_role_parse("adm", 3), GR_ROLE_NONE);
    assert_int_equal(gr_role_parse("admins", 6), GR_ROLE_NONE);
    assert_int_equal(gr_role_parse("Admin", 5), GR_ROLE_NONE);
    assert_int_equal(gr_role_parse("admin!", 5), GR_ROLE_ADMIN);
}

static void roles_are_ordered_by_reach(void **state)
{
    /* gr_access_may_grant relies on this order; stored roles are names, so it may change
     * only deliberately. */
    assert_true(GR_ROLE_RESIDENT < GR_ROLE_UNIT_LEADER);
    assert_true(GR_ROLE_UNIT_LEADER < GR_ROLE_BUILDING_LEADER);
    assert_true(GR_ROLE_BUILDING_LEADER < GR_ROLE_GRID_WORKER);
    assert_true(GR_ROLE_GRID_WORKER < GR_ROLE_COMMUNITY_STAFF);
    assert_true(GR_ROLE_COMMUNITY_STAFF < GR_ROLE_STREET_STAFF);
    assert_true(GR_ROLE_STREET_STAFF < GR_ROLE_DISTRICT_STAFF);
    assert_true(GR_ROLE_DISTRICT_STAFF < GR_ROLE_CITY_STAFF);
    assert_true(GR_ROLE_CITY_STAFF < GR_ROLE_ADMIN);
}

static void grid_worker_in_own_grid_only(void **state)
{
    struct gr_principal p = one(GR_ROLE_GRID_WORKER, 5, GR_LEVEL_GRID);
    static const enum gr_kind_id kept[] = {GR_K_BUILDINGS, GR_K_UNITS, GR_K_HOUSEHOLDS,
                                           GR_K_RESIDENTS, GR_K_MEMBER_HOUSEHOLDS};
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        assert_true(gr_access_allows(&p, kept[i], &in_grid5, GR_ACT_READ));
        assert_true(gr_access_allows(&p, kept[i], &in_grid5, GR_ACT_PERSONAL));
        assert_true(gr_access_allows(&p, kept[i], &in_grid5, GR_ACT_WRITE));
        /* The neighbouring grid of the same community is out of reach. */
        assert_false(gr_access_allows(&p, kept[i], &in_grid6, GR_ACT_READ));
        assert_false(gr_access_allows(&p, kept[i], &in_grid6, GR_ACT_PERSONAL));
        assert_false(gr_access_allows(&p, kept[i], &in_grid6, GR_ACT_WRITE));
        assert_false(gr_access_allows(&p, kept[i], &in_grid25, GR_ACT_READ));
        /* So are records of the community itself, which lie in no grid. */
        assert_false(gr_access_allows(&p, kept[i], &at_community4, GR_ACT_READ));
    }
    /* Members and posts: read unmasked, not written. */
    assert_true(gr_access_allows(&p, GR_K_PARTY_MEMBERS, &in_grid5, GR_ACT_PERSONAL));
    assert_false(gr_access_allows(&p, GR_K_PARTY_MEMBERS, &in_grid5, GR_ACT_WRITE));
    assert_true(gr_access_allows(&p, GR_K_POSTS, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_POSTS, &in_grid5, GR_ACT_WRITE));
    /* The tree itself and party organisations: read only. */
    assert_true(gr_access_allows(&p, GR_K_NODES, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_NODES, &in_grid5, GR_ACT_WRITE));
    assert_false(gr_access_allows(&p, GR_K_PARTY_ORGS, &in_grid5, GR_ACT_WRITE));
    assert_false(gr_access_allows(&p, GR_K_ORGANISATIONS, &in_grid5, GR_ACT_WRITE));
}

static void community_staff_manage_their_community(void **state)
{
    struct gr_principal p = one(GR_ROLE_COMMUNITY_STAFF, 4, GR_LEVEL_COMMUNITY);
    for (int k = 0; k < GR_N_KINDS; k++) {
        assert_true(gr_access_allows(&p, (enum gr_kind_id)k, &in_grid5, GR_ACT_READ));
        assert_true(gr_access_allows(&p, (enum gr_kind_id)k, &in_grid6, GR_ACT_WRITE));
        assert_true(gr_access_allows(&p, (enum gr_kind_id)k, &at_community4, GR_ACT_WRITE));
        assert_false(gr_access_allows(&p, (enum gr_kind_id)k, &in_grid15, GR_ACT_READ));
        assert_false(gr_access_allows(&p, (enum gr_kind_id)k, &at_street3, GR_ACT_READ));
    }
    assert_true(gr_access_allows(&p, GR_K_RESIDENTS, &in_grid6, GR_ACT_PERSONAL));
}

static void street_staff_supervise_masked(void **state)
{
    struct gr_principal p = one(GR_ROLE_STREET_STAFF, 3, GR_LEVEL_STREET);
    /* Households and residents: read, masked, never written. */
    assert_true(gr_access_allows(&p, GR_K_HOUSEHOLDS, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_HOUSEHOLDS, &in_grid5, GR_ACT_PERSONAL));
    assert_false(gr_access_allows(&p, GR_K_HOUSEHOLDS, &in_grid5, GR_ACT_WRITE));
    assert_true(gr_access_allows(&p, GR_K_RESIDENTS, &in_grid15, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_RESIDENTS, &in_grid15, GR_ACT_PERSONAL));
    assert_false(gr_access_allows(&p, GR_K_PARTY_MEMBERS, &in_grid15, GR_ACT_PERSONAL));
    assert_false(gr_access_allows(&p, GR_K_POSTS, &in_grid15, GR_ACT_PERSONAL));
    /* The structure: written. */
    assert_true(gr_access_allows(&p, GR_K_BUILDINGS, &in_grid15, GR_ACT_WRITE));
    assert_true(gr_access_allows(&p, GR_K_UNITS, &in_grid5, GR_ACT_WRITE));
    assert_true(gr_access_allows(&p, GR_K_NODES, &at_community4, GR_ACT_WRITE));
    assert_true(gr_access_allows(&p, GR_K_PARTY_ORGS, &at_street3, GR_ACT_WRITE));
    /* Not above the street, not in another street. */
    assert_false(gr_access_allows(&p, GR_K_BUILDINGS, &in_grid25, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_NODES, &at_district2, GR_ACT_READ));
    /* No role above grid worker but community staff and admin sees personal data. */
    for (int r = GR_ROLE_STREET_STAFF; r <= GR_ROLE_CITY_STAFF; r++)
        for (int k = 0; k < GR_N_KINDS; k++)
            assert_false(
                gr_access_role_allows((enum gr_role)r, (enum gr_kind_id)k, GR_ACT_PERSONAL));
}

static void residents_and_leaders(void **state)
{
    struct gr_principal p = one(GR_ROLE_RESIDENT, 5, GR_LEVEL_GRID);
    assert_false(gr_access_allows(&p, GR_K_HOUSEHOLDS, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_RESIDENTS, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_PARTY_MEMBERS, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_MEMBER_HOUSEHOLDS, &in_grid5, GR_ACT_READ));
    assert_true(gr_access_allows(&p, GR_K_BUILDINGS, &in_grid5, GR_ACT_READ));
    assert_true(gr_access_allows(&p, GR_K_POSTS, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_POSTS, &in_grid5, GR_ACT_PERSONAL));
    for (int k = 0; k < GR_N_KINDS; k++)
        for (int r = GR_ROLE_RESIDENT; r <= GR_ROLE_BUILDING_LEADER; r++) {
            assert_false(gr_access_role_allows((enum gr_role)r, (enum gr_kind_id)k, GR_ACT_WRITE));
            assert_false(
                gr_access_role_allows((enum gr_role)r, (enum gr_kind_id)k, GR_ACT_PERSONAL));
        }
    struct gr_principal l = one(GR_ROLE_BUILDING_LEADER, 5, GR_LEVEL_GRID);
    assert_true(gr_access_allows(&l, GR_K_HOUSEHOLDS, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_allows(&l, GR_K_HOUSEHOLDS, &in_grid5, GR_ACT_PERSONAL));
    assert_false(gr_access_allows(&l, GR_K_HOUSEHOLDS, &in_grid6, GR_ACT_READ));
}

static void district_and_city_staff(void **state)
{
    struct gr_principal d = one(GR_ROLE_DISTRICT_STAFF, 2, GR_LEVEL_DISTRICT);
    assert_true(gr_access_allows(&d, GR_K_HOUSEHOLDS, &in_grid15, GR_ACT_READ));
    assert_false(gr_access_allows(&d, GR_K_HOUSEHOLDS, &in_grid15, GR_ACT_WRITE));
    assert_false(gr_access_allows(&d, GR_K_BUILDINGS, &in_grid15, GR_ACT_WRITE));
    assert_true(gr_access_allows(&d, GR_K_NODES, &at_street3, GR_ACT_WRITE));
    assert_false(gr_access_allows(&d, GR_K_NODES, &in_grid25, GR_ACT_READ));
    assert_false(gr_access_allows(&d, GR_K_NODES, &at_city1, GR_ACT_READ));
    struct gr_principal c = one(GR_ROLE_CITY_STAFF, 1, GR_LEVEL_CITY);
    assert_true(gr_access_allows(&c, GR_K_RESIDENTS, &in_grid25, GR_ACT_READ));
    assert_false(gr_access_allows(&c, GR_K_RESIDENTS, &in_grid25, GR_ACT_PERSONAL));
    assert_true(gr_access_allows(&c, GR_K_ORGANISATIONS, &at_district2, GR_ACT_WRITE));
    const struct gr_anc other_city = {{0, 100, 101, 102, 103, 104}};
    assert_false(gr_access_allows(&c, GR_K_NODES, &other_city, GR_ACT_READ));
}

static void admin_may_do_everything(void **state)
{
    struct gr_principal p = admin();
    const struct gr_anc nowhere = {{0}};
    for (int k = 0; k < GR_N_KINDS; k++)
        for (int act = GR_ACT_READ; act <= GR_ACT_WRITE; act++) {
            assert_true(gr_access_allows(&p, (enum gr_kind_id)k, &in_grid25, (enum gr_action)act));
            assert_true(gr_access_allows(&p, (enum gr_kind_id)k, &nowhere, (enum gr_action)act));
        }
    assert_true(gr_access_is_admin(&p));
    struct gr_principal w = one(GR_ROLE_GRID_WORKER, 5, GR_LEVEL_GRID);
    assert_false(gr_access_is_admin(&w));
    add_grant(&w, GR_ROLE_ADMIN, 0, GR_LEVEL_NONE);
    assert_true(gr_access_is_admin(&w));
}

static void no_grants_no_access(void **state)
{
    struct gr_principal p;
    memset(&p, 0, sizeof(p));
    for (int k = 0; k < GR_N_KINDS; k++)
        assert_false(gr_access_allows(&p, (enum gr_kind_id)k, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_allows(NULL, GR_K_NODES, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_is_admin(&p));
    /* A grant with no role, or on no node, gives nothing. */
    struct gr_principal n = one(GR_ROLE_NONE, 5, GR_LEVEL_GRID);
    assert_false(gr_access_allows(&n, GR_K_BUILDINGS, &in_grid5, GR_ACT_READ));
    struct gr_principal z = one(GR_ROLE_COMMUNITY_STAFF, 0, GR_LEVEL_NONE);
    const struct gr_anc nowhere = {{0}};
    assert_false(gr_access_allows(&z, GR_K_BUILDINGS, &nowhere, GR_ACT_READ));
    assert_false(gr_access_allows(&z, GR_K_BUILDINGS, &in_grid5, GR_ACT_READ));
    /* Out-of-range kinds are refused even to the admin. */
    struct gr_principal a = admin();
    assert_false(gr_access_allows(&a, GR_N_KINDS, &in_grid5, GR_ACT_READ));
    assert_false(gr_access_role_allows(GR_ROLE_ADMIN, GR_N_KINDS, GR_ACT_READ));
    assert_false(gr_access_role_allows(GR_ROLE_NONE, GR_K_NODES, GR_ACT_READ));
    assert_false(gr_access_role_allows(GR_N_ROLES, GR_K_NODES, GR_ACT_READ));
}

static void grants_add_up(void **state)
{
    /* A grid worker of grid 5 who is also a resident of grid 15. */
    struct gr_principal p = one(GR_ROLE_RESIDENT, 15, GR_LEVEL_GRID);
    add_grant(&p, GR_ROLE_GRID_WORKER, 5, GR_LEVEL_GRID);
    assert_true(gr_access_allows(&p, GR_K_HOUSEHOLDS, &in_grid5, GR_ACT_WRITE));
    assert_false(gr_access_allows(&p, GR_K_HOUSEHOLDS, &in_grid15, GR_ACT_READ));
    assert_true(gr_access_allows(&p, GR_K_BUILDINGS, &in_grid15, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_BUILDINGS, &in_grid15, GR_ACT_WRITE));
}

static struct gr_principal org_grant(enum gr_role role, int64_t org, int64_t node,
                                     enum gr_level level)
{
    struct gr_principal p;
    memset(&p, 0, sizeof(p));
    p.n_grants = 1;
    p.grants[0].role = role;
    p.grants[0].organisation_id = org;
    p.grants[0].org_node_id = node;
    p.grants[0].org_node_level = level;
    return p;
}

static void organisation_grants(void **state)
{
    /* A department handler of an organisation registered at district 2. */
    struct gr_principal p = org_grant(GR_ROLE_DEPARTMENT_HANDLER, 77, 2, GR_LEVEL_DISTRICT);
    assert_true(gr_access_allows(&p, GR_K_ORGANISATIONS, &at_district2, GR_ACT_READ));
    assert_false(gr_access_allows(&p, GR_K_ORGANISATIONS, &at_district2, GR_ACT_WRITE));
    assert_false(gr_access_allows(&p, GR_K_ORGANISATIONS, &in_grid25, GR_ACT_READ));
    /* A handler sees neither the network nor personal data. */
    static const enum gr_kind_id hidden[] = {GR_K_BUILDINGS,  GR_K_UNITS,         GR_K_HOUSEHOLDS,
                                             GR_K_RESIDENTS,  GR_K_PARTY_MEMBERS, GR_K_POSTS,
                                             GR_K_PARTY_ORGS, GR_K_COBUILD_LINKS};
    for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
        assert_false(gr_access_allows(&p, hidden[i], &in_grid5, GR_ACT_READ));
    for (int k = 0; k < GR_N_KINDS; k++)
        assert_false(gr_access_allows(&p, (enum gr_kind_id)k, &at_district2, GR_ACT_PERSONAL));
    /* Organisation grants use the organisation's node as their scope, for any role. */
    struct gr_principal s = org_grant(GR_ROLE_COMMUNITY_STAFF, 78, 4, GR_LEVEL_COMMUNITY);
    assert_true(gr_access_allows(&s, GR_K_BUILDINGS, &in_grid6, GR_ACT_WRITE));
    assert_false(gr_access_allows(&s, GR_K_BUILDINGS, &in_grid15, GR_ACT_READ));
    /* Without a resolved node level the grant reaches nothing. */
    struct gr_principal u = org_grant(GR_ROLE_COMMUNITY_STAFF, 78, 4, GR_LEVEL_NONE);
    assert_false(gr_access_allows(&u, GR_K_BUILDINGS, &in_grid6, GR_ACT_READ));
}

static void community_staff_grant_below_inside(void **state)
{
    struct gr_principal p = one(GR_ROLE_COMMUNITY_STAFF, 4, GR_LEVEL_COMMUNITY);
    for (int r = GR_ROLE_RESIDENT; r <= GR_ROLE_GRID_WORKER; r++) {
        assert_true(gr_access_may_grant(&p, (enum gr_role)r, &in_grid5));
        assert_true(gr_access_may_grant(&p, (enum gr_role)r, &at_community4));
        assert_false(gr_access_may_grant(&p, (enum gr_role)r, &in_grid15));
        assert_false(gr_access_may_grant(&p, (enum gr_role)r, &at_street3));
    }
    for (int r = GR_ROLE_COMMUNITY_STAFF; r < GR_N_ROLES; r++)
        assert_false(gr_access_may_grant(&p, (enum gr_role)r, &in_grid5));
    assert_false(gr_access_may_grant(&p, GR_ROLE_NONE, &in_grid5));
    assert_false(gr_access_may_grant(&p, GR_N_ROLES, &in_grid5));
}

static void low_roles_grant_nothing(void **state)
{
    for (int g = GR_ROLE_RESIDENT; g <= GR_ROLE_GRID_WORKER; g++) {
        struct gr_principal p = one((enum gr_role)g, 5, GR_LEVEL_GRID);
        for (int r = GR_ROLE_RESIDENT; r < GR_N_ROLES; r++)
            assert_false(gr_access_may_grant(&p, (enum gr_role)r, &in_grid5));
    }
    struct gr_principal h = org_grant(GR_ROLE_DEPARTMENT_HANDLER, 77, 2, GR_LEVEL_DISTRICT);
    for (int r = GR_ROLE_RESIDENT; r < GR_N_ROLES; r++)
        assert_false(gr_access_may_grant(&h, (enum gr_role)r, &in_grid5));
    struct gr_principal hn = one(GR_ROLE_DEPARTMENT_HANDLER, 2, GR_LEVEL_DISTRICT);
    for (int r = GR_ROLE_RESIDENT; r < GR_N_ROLES; r++)
        assert_false(gr_access_may_grant(&hn, (enum gr_role)r, &in_grid5));
}

static void staff_grant_up_to_below_their_own(void **state)
{
    struct gr_principal s = one(GR_ROLE_STREET_STAFF, 3, GR_LEVEL_STREET);
    assert_true(gr_access_may_grant(&s, GR_ROLE_COMMUNITY_STAFF, &at_community4));
    assert_true(gr_access_may_grant(&s, GR_ROLE_GRID_WORKER, &in_grid15));
    assert_false(gr_access_may_grant(&s, GR_ROLE_STREET_STAFF, &at_street3));
    assert_false(gr_access_may_grant(&s, GR_ROLE_COMMUNITY_STAFF, &in_grid25));
    assert_false(gr_access_may_grant(&s, GR_ROLE_DEPARTMENT_HANDLER, &at_street3));
    struct gr_principal c = one(GR_ROLE_CITY_STAFF, 1, GR_LEVEL_CITY);
    assert_true(gr_access_may_grant(&c, GR_ROLE_DISTRICT_STAFF, &at_district2));
    assert_false(gr_access_may_grant(&c, GR_ROLE_CITY_STAFF, &at_city1));
    assert_false(gr_access_may_grant(&c, GR_ROLE_ADMIN, &at_city1));
}

static void department_handler_needs_district_staff(void **state)
{
    struct gr_principal d = one(GR_ROLE_DISTRICT_STAFF, 2, GR_LEVEL_DISTRICT);
    assert_true(gr_access_may_grant(&d, GR_ROLE_DEPARTMENT_HANDLER, &at_district2));
    assert_true(gr_access_may_grant(&d, GR_ROLE_DEPARTMENT_HANDLER, &at_street3));
    assert_false(gr_access_may_grant(&d, GR_ROLE_DEPARTMENT_HANDLER, &in_grid25));
    struct gr_principal c = one(GR_ROLE_CITY_STAFF, 1, GR_LEVEL_CITY);
    assert_true(gr_access_may_grant(&c, GR_ROLE_DEPARTMENT_HANDLER, &in_grid25));
    for (int g = GR_ROLE_RESIDENT; g < GR_ROLE_DISTRICT_STAFF; g++) {
        struct gr_principal p = one((enum gr_role)g, 1, GR_LEVEL_CITY);
        assert_false(gr_access_may_grant(&p, GR_ROLE_DEPARTMENT_HANDLER, &at_district2));
    }
}

static void admin_may_grant_anything(void **state)
{
    struct gr_principal a = admin();
    const struct gr_anc nowhere = {{0}};
    for (int r = GR_ROLE_RESIDENT; r < GR_N_ROLES; r++) {
        assert_true(gr_access_may_grant(&a, (enum gr_role)r, &in_grid25));
        assert_true(gr_access_may_grant(&a, (enum gr_role)r, &nowhere));
    }
    assert_false(gr_access_may_grant(&a, GR_ROLE_NONE, &in_grid25));
    /* A lower grant held beside admin does not restrict it. */
    struct gr_principal w = one(GR_ROLE_GRID_WORKER, 5, GR_LEVEL_GRID);
    add_grant(&w, GR_ROLE_ADMIN, 0, GR_LEVEL_NONE);
    assert_true(gr_access_may_grant(&w, GR_ROLE_CITY_STAFF, &at_city1));
}

static void tops_one_per_grant_deduplicated(void **state)
{
    int64_t out[GR_MAX_GRANTS];
    size_t n = 99;
    struct gr_principal p;
    memset(&p, 0, sizeof(p));
    gr_access_tops(&p, out, &n);
    assert_int_equal(n, 0);

    p = one(GR_ROLE_GRID_WORKER, 5, GR_LEVEL_GRID);
    add_grant(&p, GR_ROLE_RESIDENT, 5, GR_LEVEL_GRID);
    add_grant(&p, GR_ROLE_COMMUNITY_STAFF, 14, GR_LEVEL_COMMUNITY);
    add_grant(&p, GR_ROLE_BUILDING_LEADER, 5, GR_LEVEL_GRID);
    gr_access_tops(&p, out, &n);
    assert_int_equal(n, 2);
    assert_int_equal(out[0], 5);
    assert_int_equal(out[1], 14);

    /* An organisation grant's top is the organisation's node. */
    struct gr_principal o = org_grant(GR_ROLE_DEPARTMENT_HANDLER, 77, 2, GR_LEVEL_DISTRICT);
    gr_access_tops(&o, out, &n);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 2);

    /* Admin gets none: the caller lists every city. */
    struct gr_principal a = admin();
    add_grant(&a, GR_ROLE_CITY_STAFF, 1, GR_LEVEL_CITY);
    gr_access_tops(&a, out, &n);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 1);
    a = admin();
    gr_access_tops(&a, out, &n);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(role_names_round_trip),
        cmocka_unit_test(roles_are_ordered_by_reach),
        cmocka_unit_test(grid_worker_in_own_grid_only),
        cmocka_unit_test(community_staff_manage_their_community),
        cmocka_unit_test(street_staff_supervise_masked),
        cmocka_unit_test(residents_and_leaders),
        cmocka_unit_test(district_and_city_staff),
        cmocka_unit_test(admin_may_do_everything),
        cmocka_unit_test(no_grants_no_access),
        cmocka_unit_test(grants_add_up),
        cmocka_unit_test(organisation_grants),
        cmocka_unit_test(community_staff_grant_below_inside),
        cmocka_unit_test(low_roles_grant_nothing),
        cmocka_unit_test(staff_grant_up_to_below_their_own),
        cmocka_unit_test(department_handler_needs_district_staff),
        cmocka_unit_test(admin_may_grant_anything),
        cmocka_unit_test(tops_one_per_grant_deduplicated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
