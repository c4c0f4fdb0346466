/*
 * schema.c - the descriptor tables of the organisation network and their checks.
 *
 * Field order here is the column order of CSV export and import.
 */
#include "schema.h"

#include <stdio.h>
#include <string.h>

#include "../base/text.h"

static const char *const level_names[] = {NULL, "city", "district", "street", "community", "grid"};

const char *gr_level_name(enum gr_level level)
{
    return (level >= GR_LEVEL_CITY && level <= GR_LEVEL_GRID) ? level_names[level] : NULL;
}

enum gr_level gr_level_parse(const char *name, size_t len)
{
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        if (strlen(level_names[l]) == len && memcmp(level_names[l], name, len) == 0)
            return (enum gr_level)l;
    return GR_LEVEL_NONE;
}

static const char *const e_levels[] = {"city", "district", "street", "community", "grid", NULL};
static const char *const e_gender[] = {"male", "female", NULL};
static const char *const e_occupancy[] = {"owner_occupied", "rented", "vacant", "other", NULL};
static const char *const e_relation[] = {"head",    "spouse", "child", "parent", "grandchild",
                                         "sibling", "tenant", "other", NULL};
static const char *const e_org_kind[] = {"committee", "general_branch", "branch", "group", NULL};
static const char *const e_post_kind[] = {
    "secretary",   "deputy_secretary", "grid_branch_secretary",
    "grid_worker", "building_leader",  "unit_leader",
    NULL};
static const char *const e_stake_kind[] = {
    "department",       "social_organisation", "enterprise",
    "property_company", "residents_committee", "owners_committee",
    "volunteer_team",   "mass_organisation",   NULL};

#define REQ GR_FF_REQUIRED
#define PER GR_FF_PERSONAL
#define UNQ GR_FF_UNIQUE
#define SRC GR_FF_SEARCH
#define DER GR_FF_DERIVED
#define IMM GR_FF_IMMUTABLE

/* Field constructors: designated initialisers keep the tables readable. */
#define F_TEXT(n, fl, len, m)                                                                      \
    {                                                                                              \
        .name = n, .type = GR_FT_TEXT, .flags = fl, .max_len = len, .mask = m                      \
    }
#define F_INT(n, fl, lo, hi)                                                                       \
    {                                                                                              \
        .name = n, .type = GR_FT_INT, .flags = fl, .min = lo, .max = hi                            \
    }
#define F_REAL(n, fl, lo, hi)                                                                      \
    {                                                                                              \
        .name = n, .type = GR_FT_REAL, .flags = fl, .min = lo, .max = hi                           \
    }
#define F_ENUM(n, fl, vals)                                                                        \
    {                                                                                              \
        .name = n, .type = GR_FT_ENUM, .flags = fl, .enum_values = vals                            \
    }
#define F_BOOL(n, fl)                                                                              \
    {                                                                                              \
        .name = n, .type = GR_FT_BOOL, .flags = fl                                                 \
    }
#define F_DATE(n, fl)                                                                              \
    {                                                                                              \
        .name = n, .type = GR_FT_DATE, .flags = fl                                                 \
    }
#define F_REF(n, fl, kind, lvl)                                                                    \
    {                                                                                              \
        .name = n, .type = GR_FT_REF, .flags = fl, .ref_kind = kind, .ref_level = lvl              \
    }

static const struct gr_field f_nodes[] = {
    F_REF("parent_id", IMM, "nodes", GR_LEVEL_NONE),
    F_ENUM("level", REQ | IMM, e_levels),
    F_TEXT("code", REQ | UNQ | SRC, 20, GR_MASK_NONE),
    F_TEXT("name", REQ | SRC, 64, GR_MASK_NONE),
    F_REAL("lat", 0, -90, 90),
    F_REAL("lon", 0, -180, 180),
};

static const struct gr_field f_buildings[] = {
    F_REF("grid_id", REQ | IMM, "nodes", GR_LEVEL_GRID),
    F_TEXT("number", REQ | SRC, 16, GR_MASK_NONE),
    F_TEXT("name", SRC, 64, GR_MASK_NONE),
    F_TEXT("address", SRC, 128, GR_MASK_NONE),
    F_INT("floors", 0, 1, 200),
    F_INT("built_year", 0, 1900, 2100),
    F_REAL("lat", 0, -90, 90),
    F_REAL("lon", 0, -180, 180),
    F_BOOL("has_leader", DER),
};

static const struct gr_field f_units[] = {
    F_REF("building_id", REQ | IMM, "buildings", GR_LEVEL_NONE),
    F_TEXT("number", REQ | SRC, 16, GR_MASK_NONE),
    F_INT("floors", 0, 1, 200),
    F_BOOL("has_leader", DER),
};

static const struct gr_field f_households[] = {
    F_REF("unit_id", REQ | IMM, "units", GR_LEVEL_NONE),
    F_TEXT("room", REQ | SRC, 16, GR_MASK_NONE),
    F_REAL("area_m2", 0, 0, 10000),
    F_TEXT("head_name", PER | SRC, 32, GR_MASK_NAME),
    F_TEXT("phone", PER, 20, GR_MASK_PHONE),
    F_INT("n_people", 0, 0, 50),
    F_ENUM("occupancy", 0, e_occupancy),
    F_INT("n_links", DER, 0, 1e9),
};

static const struct gr_field f_residents[] = {
    F_REF("household_id", REQ | IMM, "households", GR_LEVEL_NONE),
    F_TEXT("name", REQ | PER | SRC, 32, GR_MASK_NAME),
    F_ENUM("gender", 0, e_gender),
    F_INT("birth_year", 0, 1900, 2100),
    F_TEXT("id_number", PER, 18, GR_MASK_IDNUM),
    F_TEXT("phone", PER, 20, GR_MASK_PHONE),
    F_ENUM("relation", 0, e_relation),
};

static const struct gr_field f_party_orgs[] = {
    F_REF("node_id", REQ | IMM, "nodes", GR_LEVEL_NONE),
    F_REF("parent_id", 0, "party_orgs", GR_LEVEL_NONE),
    F_ENUM("kind", REQ, e_org_kind),
    F_TEXT("name", REQ | SRC, 64, GR_MASK_NONE),
    F_TEXT("code", UNQ | SRC, 32, GR_MASK_NONE),
    F_REF("building_id", IMM, "buildings", GR_LEVEL_NONE),
    F_DATE("founded_on", 0),
};

static const struct gr_field f_party_members[] = {
    F_REF("node_id", REQ | IMM, "nodes", GR_LEVEL_NONE),
    F_REF("org_id", 0, "party_orgs", GR_LEVEL_NONE),
    F_TEXT("name", REQ | PER | SRC, 32, GR_MASK_NAME),
    F_ENUM("gender", 0, e_gender),
    F_INT("birth_year", 0, 1900, 2100),
    F_TEXT("phone", PER, 20, GR_MASK_PHONE),
    F_DATE("joined_on", 0),
    F_BOOL("in_service", 0),
    F_TEXT("work_unit", SRC, 64, GR_MASK_NONE),
    F_DATE("registered_on", 0),
    F_REF("household_id", 0, "households", GR_LEVEL_NONE),
};

static const struct gr_field f_posts[] = {
    F_ENUM("kind", REQ | IMM, e_post_kind),
    F_TEXT("person_name", REQ | PER | SRC, 32, GR_MASK_NAME),
    F_TEXT("phone", PER, 20, GR_MASK_PHONE),
    F_REF("member_id", 0, "party_members", GR_LEVEL_NONE),
    F_REF("org_id", IMM, "party_orgs", GR_LEVEL_NONE),
    F_REF("node_id", IMM, "nodes", GR_LEVEL_NONE),
    F_REF("building_id", IMM, "buildings", GR_LEVEL_NONE),
    F_REF("unit_id", IMM, "units", GR_LEVEL_NONE),
    F_DATE("since", 0),
};

static const struct gr_field f_member_households[] = {
    F_REF("member_id", REQ | IMM, "party_members", GR_LEVEL_NONE),
    F_REF("household_id", REQ | IMM, "households", GR_LEVEL_NONE),
    F_DATE("since", 0),
};

static const struct gr_field f_organisations[] = {
    F_REF("node_id", REQ | IMM, "nodes", GR_LEVEL_NONE),
    F_ENUM("kind", REQ, e_stake_kind),
    F_TEXT("name", REQ | SRC, 64, GR_MASK_NONE),
    F_TEXT("code", UNQ | SRC, 18, GR_MASK_NONE),
    F_REF("party_org_id", 0, "party_orgs", GR_LEVEL_NONE),
    F_TEXT("contact_name", PER, 32, GR_MASK_NAME),
    F_TEXT("phone", PER, 20, GR_MASK_PHONE),
    F_TEXT("address", 0, 128, GR_MASK_NONE),
};

static const struct gr_field f_cobuild_links[] = {
    F_REF("party_org_id", REQ | IMM, "party_orgs", GR_LEVEL_NONE),
    F_REF("organisation_id", REQ, "organisations", GR_LEVEL_NONE),
    F_TEXT("title", REQ | SRC, 64, GR_MASK_NONE),
    F_DATE("signed_on", 0),
    F_DATE("ends_on", 0),
    F_TEXT("content", 0, 1000, GR_MASK_NONE),
};

static const char *const s_nodes[] = {"parent_id", NULL};
static const char *const s_buildings[] = {"grid_id", NULL};
static const char *const s_units[] = {"building_id", NULL};
static const char *const s_households[] = {"unit_id", NULL};
static const char *const s_residents[] = {"household_id", NULL};
static const char *const s_party_orgs[] = {"building_id", "node_id", NULL};
static const char *const s_party_members[] = {"node_id", NULL};
static const char *const s_posts[] = {"unit_id", "building_id", "node_id", "org_id", NULL};
static const char *const s_member_households[] = {"household_id", NULL};
static const char *const s_organisations[] = {"node_id", NULL};
static const char *const s_cobuild_links[] = {"party_org_id", NULL};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define KIND(id, name, zh, f, s, title)                                                            \
    {                                                                                              \
        id, name, zh, f, N(f), s, title                                                            \
    }

static const struct gr_kind kinds[GR_N_KINDS] = {
    KIND(GR_K_NODES, "nodes", "行政区划与网格", f_nodes, s_nodes, "name"),
    KIND(GR_K_BUILDINGS, "buildings", "楼栋", f_buildings, s_buildings, "number"),
    KIND(GR_K_UNITS, "units", "单元", f_units, s_units, "number"),
    KIND(GR_K_HOUSEHOLDS, "households", "住户", f_households, s_households, "room"),
    KIND(GR_K_RESIDENTS, "residents", "居民", f_residents, s_residents, "name"),
    KIND(GR_K_PARTY_ORGS, "party_orgs", "党组织", f_party_orgs, s_party_orgs, "name"),
    KIND(GR_K_PARTY_MEMBERS, "party_members", "党员", f_party_members, s_party_members, "name"),
    KIND(GR_K_POSTS, "posts", "岗位", f_posts, s_posts, "person_name"),
    KIND(GR_K_MEMBER_HOUSEHOLDS, "member_households", "党员联户", f_member_households,
         s_member_households, "household_id"),
    KIND(GR_K_ORGANISATIONS, "organisations", "多元主体", f_organisations, s_organisations, "name"),
    KIND(GR_K_COBUILD_LINKS, "cobuild_links", "共建关系", f_cobuild_links, s_cobuild_links,
         "title"),
};

const struct gr_kind *gr_kind_get(enum gr_kind_id id)
{
    return (id >= 0 && id < GR_N_KINDS) ? &kinds[id] : NULL;
}

const struct gr_kind *gr_kind_find(const char *name, size_t len)
{
    for (int i = 0; i < GR_N_KINDS; i++)
        if (strlen(kinds[i].name) == len && memcmp(kinds[i].name, name, len) == 0)
            return &kinds[i];
    return NULL;
}

int gr_kind_field(const struct gr_kind *k, const char *name, size_t len)
{
    for (size_t i = 0; i < k->n_fields; i++)
        if (strlen(k->fields[i].name) == len && memcmp(k->fields[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static enum gr_err fail(struct gr_verr *ve, const char *field, const char *message)
{
    ve->field = field;
    ve->message = message;
    ve->code = GR_EINVAL;
    return GR_EINVAL;
}

enum gr_err gr_field_check(const struct gr_field *f, const struct gr_value *v, struct gr_verr *ve)
{
    if (!v->present || v->null)
        return GR_OK;
    switch (f->type) {
    case GR_FT_INT:
    case GR_FT_REAL:
        if (f->type == GR_FT_INT ? ((double)v->i < f->min || (double)v->i > f->max)
                                 : !(v->d >= f->min && v->d <= f->max)) {
            snprintf(ve->text, sizeof(ve->text), "must be from %g to %g", f->min, f->max);
            return fail(ve, f->name, ve->text);
        }
        return GR_OK;
    case GR_FT_BOOL:
        if (v->i != 0 && v->i != 1)
            return fail(ve, f->name, "must be true or false");
        return GR_OK;
    case GR_FT_REF:
        if (v->i <= 0)
            return fail(ve, f->name, "must be a positive id");
        return GR_OK;
    case GR_FT_TEXT:
        if (!gr_utf8_valid(v->s, v->len))
            return fail(ve, f->name, "is not valid UTF-8");
        if (gr_utf8_len(v->s, v->len) > (size_t)f->max_len) {
            snprintf(ve->text, sizeof(ve->text), "must be at most %d characters", f->max_len);
            return fail(ve, f->name, ve->text);
        }
        if ((f->flags & GR_FF_REQUIRED) && v->len == 0)
            return fail(ve, f->name, "must not be empty");
        return GR_OK;
    case GR_FT_DATE:
        if (!gr_date_valid(v->s, v->len))
            return fail(ve, f->name, "must be a date YYYY-MM-DD");
        return GR_OK;
    case GR_FT_ENUM:
        for (const char *const *e = f->enum_values; *e; e++)
            if (strlen(*e) == v->len && memcmp(*e, v->s, v->len) == 0)
                return GR_OK;
        {
            size_t at = (size_t)snprintf(ve->text, sizeof(ve->text), "must be one of");
            for (const char *const *e = f->enum_values; *e && at < sizeof(ve->text); e++)
                at += (size_t)snprintf(ve->text + at, sizeof(ve->text) - at, "%s %s",
                                       e == f->enum_values ? "" : ",", *e);
        }
        return fail(ve, f->name, ve->text);
    }
    return fail(ve, f->name, "has an unknown type");
}

static const struct gr_value *val(const struct gr_kind *k, const struct gr_value *vals,
                                  const char *name)
{
    int i = gr_kind_field(k, name, strlen(name));
    return i < 0 ? NULL : &vals[i];
}

static bool has(const struct gr_kind *k, const struct gr_value *vals, const char *name)
{
    const struct gr_value *v = val(k, vals, name);
    return v && v->present && !v->null;
}

static bool is(const struct gr_value *v, const char *s)
{
    return v && v->present && !v->null && v->len == strlen(s) && memcmp(v->s, s, v->len) == 0;
}

/* Rules that span fields. Only checked on create: the fields they read are immutable. */
static enum gr_err cross_check(const struct gr_kind *k, const struct gr_value *vals,
                               struct gr_verr *ve)
{
    if (k->id == GR_K_POSTS) {
        const struct gr_value *kind = val(k, vals, "kind");
        if (is(kind, "building_leader") && !has(k, vals, "building_id"))
            return fail(ve, "building_id", "a building leader needs a building");
        if (is(kind, "unit_leader") && !has(k, vals, "unit_id"))
            return fail(ve, "unit_id", "a unit leader needs a unit");
        if ((is(kind, "secretary") || is(kind, "deputy_secretary") ||
             is(kind, "grid_branch_secretary")) &&
            !has(k, vals, "org_id"))
            return fail(ve, "org_id", "a secretary needs a party organisation");
        if (is(kind, "grid_worker") && !has(k, vals, "node_id"))
            return fail(ve, "node_id", "a grid worker needs a grid");
        /* A post sits in one place: a unit, a building or a node (or, for secretaries, its
         * organisation). Naming two could put it in two grids at once. */
        int places =
            has(k, vals, "unit_id") + has(k, vals, "building_id") + has(k, vals, "node_id");
        if (places > 1)
            return fail(ve, has(k, vals, "node_id") ? "node_id" : "building_id",
                        "a post names one place: a unit, a building or a node");
    }
    if (k->id == GR_K_NODES) {
        const struct gr_value *level = val(k, vals, "level");
        bool top = is(level, "city");
        if (!top && !has(k, vals, "parent_id"))
            return fail(ve, "parent_id", "every node but a city needs a parent");
        if (top && has(k, vals, "parent_id"))
            return fail(ve, "parent_id", "a city has no parent");
    }
    return GR_OK;
}

enum gr_err gr_record_check(const struct gr_kind *k, const struct gr_value *vals, bool creating,
                            struct gr_verr *ve)
{
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct gr_field *f = &k->fields[i];
        const struct gr_value *v = &vals[i];
        if (v->present && (f->flags & GR_FF_DERIVED))
            return fail(ve, f->name, "is maintained by the system and cannot be set");
        if (!creating && v->present && (f->flags & GR_FF_IMMUTABLE))
            return fail(ve, f->name, "cannot be changed after creation");
        if (creating && (f->flags & GR_FF_REQUIRED) && (!v->present || v->null))
            return fail(ve, f->name, "is required");
        if (!creating && v->present && v->null && (f->flags & GR_FF_REQUIRED))
            return fail(ve, f->name, "is required");
        enum gr_err e = gr_field_check(f, v, ve);
        if (e)
            return e;
    }
    return creating ? cross_check(k, vals, ve) : GR_OK;
}
