/*
 * matter.c - checking a row of the duty list and routing a case by it.
 *
 * Routing never fails: a matter without a clear owner (no level, no department, a level the
 * location lacks) goes to the street (属地兜底), and a location without a street to the
 * nearest level above it that it has. Pure: no I/O, no clock.
 */
#include "matter.h"

#include <string.h>

static const char *const list_kind_names[] = {NULL, "basic", "cooperative", "returned"};
static const char *const governance_names[] = {NULL, "government", "co_governance",
                                               "self_governance"};
static const char *const time_unit_names[] = {NULL, "hours", "days"};

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *name_of(const char *const *names, int n, int v)
{
    return (v > 0 && v < n) ? names[v] : NULL;
}

static int parse_of(const char *const *names, int n, const char *s)
{
    if (s == NULL)
        return 0;
    for (int i = 1; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return 0;
}

const char *gr_list_kind_name(enum gr_list_kind k)
{
    return name_of(list_kind_names, N_OF(list_kind_names), (int)k);
}

enum gr_list_kind gr_list_kind_parse(const char *s)
{
    return (enum gr_list_kind)parse_of(list_kind_names, N_OF(list_kind_names), s);
}

const char *gr_governance_name(enum gr_governance g)
{
    return name_of(governance_names, N_OF(governance_names), (int)g);
}

enum gr_governance gr_governance_parse(const char *s)
{
    return (enum gr_governance)parse_of(governance_names, N_OF(governance_names), s);
}

const char *gr_time_unit_name(enum gr_time_unit u)
{
    return name_of(time_unit_names, N_OF(time_unit_names), (int)u);
}

enum gr_time_unit gr_time_unit_parse(const char *s)
{
    return (enum gr_time_unit)parse_of(time_unit_names, N_OF(time_unit_names), s);
}

static bool present(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static bool unit_ok(enum gr_time_unit u)
{
    return u == GR_TU_HOURS || u == GR_TU_DAYS;
}

/* A territorial owner's level: district, street, community or grid. */
static bool owner_level_ok(enum gr_level l)
{
    return l >= GR_LEVEL_DISTRICT && l <= GR_LEVEL_GRID;
}

/* What is wrong with the co-handling departments, or NULL. */
static const char *co_depts_fault(const struct gr_matter *m)
{
    if (m->n_co > GR_MATTER_MAX_CO)
        return "at most four co-handling departments";
    for (size_t i = 0; i < m->n_co; i++)
        if (!present(m->co_depts[i]))
            return "a co-handling department has no name";
    if (m->n_co < GR_MATTER_MAX_CO && m->co_depts[m->n_co] != NULL)
        return "the co-handling departments do not match their count";
    return NULL;
}

enum gr_err gr_matter_check(const struct gr_matter *m, const char **field, const char **why)
{
    const char *f = NULL, *w = NULL;
    bool by_dept = m->list_kind == GR_LK_COOPERATIVE || m->list_kind == GR_LK_RETURNED;

    if (!present(m->code)) {
        f = "code";
        w = "a matter needs a code";
    } else if (!present(m->name)) {
        f = "name";
        w = "a matter needs a name";
    } else if (gr_list_kind_name(m->list_kind) == NULL) {
        f = "list_kind";
        w = "the list kind is basic, cooperative or returned";
    } else if (gr_governance_name(m->governance) == NULL) {
        f = "governance";
        w = "the governance is government, co_governance or self_governance";
    } else if (m->list_kind == GR_LK_BASIC && m->owner_level == GR_LEVEL_NONE &&
               present(m->owner_dept)) {
        f = "owner_level";
        w = "a basic duty names its level (district, street, community or grid), or neither "
            "a level nor a department when nobody clearly owns it (属地兜底)";
    } else if (m->owner_level != GR_LEVEL_NONE && !owner_level_ok(m->owner_level)) {
        f = "owner_level";
        w = "the owner level is district, street, community or grid, or none";
    } else if (by_dept && !present(m->owner_dept)) {
        f = "owner_dept";
        w = "a cooperative or returned duty names its department";
    } else if ((w = co_depts_fault(m)) != NULL) {
        f = "co_depts";
    } else if (m->respond_limit <= 0) {
        f = "respond_limit";
        w = "the response limit is positive";
    } else if (!unit_ok(m->respond_unit)) {
        f = "respond_unit";
        w = "the response limit is in hours or days";
    } else if (m->resolve_limit <= 0) {
        f = "resolve_limit";
        w = "the resolution limit is positive";
    } else if (!unit_ok(m->resolve_unit)) {
        f = "resolve_unit";
        w = "the resolution limit is in hours or days";
    }
    if (field)
        *field = f;
    if (why)
        *why = w;
    return w ? GR_EINVAL : GR_OK;
}

/* The node at level l of the location, or the nearest one above it that the location has. */
static void owner_at(const struct gr_anc *anc, enum gr_level l, struct gr_route_out *out)
{
    int lv = (int)l;
    while (lv > GR_LEVEL_CITY && anc->id[lv] == 0)
        lv--;
    out->owner_level = (enum gr_level)lv;
    out->owner_node_id = anc->id[lv];
}

/* Find the clear owner of the matter at the location; false when there is none. */
static bool clear_owner(const struct gr_matter *m, const struct gr_anc *anc,
                        struct gr_route_out *out)
{
    enum gr_level l = m->owner_level;

    if (m->governance == GR_GOV_SELF) {
        /* The residents' committee, whatever the list says. */
        if (anc->id[GR_LEVEL_COMMUNITY] == 0)
            return false;
        owner_at(anc, GR_LEVEL_COMMUNITY, out);
        return true;
    }
    switch (m->list_kind) {
    case GR_LK_BASIC:
        if (l < GR_LEVEL_CITY || l > GR_LEVEL_GRID || anc->id[l] == 0)
            return false;
        owner_at(anc, l, out);
        return true;
    case GR_LK_COOPERATIVE:
        /* The department leads; the street supervises and cooperates. */
        if (!present(m->owner_dept))
            return false;
        out->owner_dept = m->owner_dept;
        owner_at(anc, GR_LEVEL_STREET, out);
        out->co_street = true;
        return true;
    case GR_LK_RETURNED:
        if (!present(m->owner_dept))
            return false;
        out->owner_dept = m->owner_dept;
        owner_at(anc, GR_LEVEL_DISTRICT, out);
        return true;
    case GR_LK_NONE:
    default: return false;
    }
}

void gr_route(const struct gr_route_in *in, struct gr_route_out *out)
{
    const struct gr_matter *m = in->m;

    memset(out, 0, sizeof(*out));
    out->n_co = m->n_co < GR_MATTER_MAX_CO ? m->n_co : GR_MATTER_MAX_CO;
    for (size_t i = 0; i < out->n_co; i++)
        out->co_depts[i] = m->co_depts[i];
    if (!clear_owner(m, &in->anc, out)) {
        owner_at(&in->anc, GR_LEVEL_STREET, out);
        out->fallback = true;
    }
    /* Urgent matters carry shorter limits in the list itself; nothing changes here. */
    out->respond_due = gr_due(in->cal, in->now, m->respond_limit, m->respond_unit);
    out->resolve_due = gr_due(in->cal, in->now, m->resolve_limit, m->resolve_unit);
}

int64_t gr_due(const struct gr_calendar *cal, int64_t t, int limit, enum gr_time_unit unit)
{
    if (limit < 0)
        limit = 0;
    switch (unit) {
    case GR_TU_HOURS: return gr_cal_add_minutes(cal, t, (int64_t)limit * 60);
    case GR_TU_DAYS: return gr_cal_add_days(cal, t, limit);
    case GR_TU_NONE:
    default: return t;
    }
}
