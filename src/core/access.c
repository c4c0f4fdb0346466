/*
 * access.c - the permission table.
 *
 * What a role may do on which kind of record is one table below; the scope test
 * (ancestor equality) is the same for all.
 */
#include "access.h"

#include <string.h>

static const char *const role_names[GR_N_ROLES] = {NULL,
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

const char *gr_role_name(enum gr_role role)
{
    return (role > GR_ROLE_NONE && role < GR_N_ROLES) ? role_names[role] : NULL;
}

enum gr_role gr_role_parse(const char *name, size_t len)
{
    for (int r = 1; r < GR_N_ROLES; r++)
        if (strlen(role_names[r]) == len && memcmp(role_names[r], name, len) == 0)
            return (enum gr_role)r;
    return GR_ROLE_NONE;
}

/* Bits: R read, P personal unmasked, W write. */
#define R (1u << GR_ACT_READ)
#define P (1u << GR_ACT_PERSONAL)
#define W (1u << GR_ACT_WRITE)

/*
 * rights[role][kind]. Residents and leaders see the network of their area with personal
 * data masked; grid workers keep household data current and see it whole; community
 * staff manage the whole network of the community; street and higher staff supervise
 * (full structure, personal data masked: they do not need names and phones); the
 * department handler, granted on its department, sees the nodes and the stakeholder
 * organisations of the area its department serves (the department's node), and nothing
 * of households or people.
 */
static const unsigned rights[GR_N_ROLES][GR_N_KINDS] = {
    /* nodes bldg unit hh   res  porg mem  post link org  cob */
    [GR_ROLE_RESIDENT] = {R, R, R, 0, 0, R, 0, R, 0, R, R},
    [GR_ROLE_UNIT_LEADER] = {R, R, R, R, R, R, R, R, R, R, R},
    [GR_ROLE_BUILDING_LEADER] = {R, R, R, R, R, R, R, R, R, R, R},
    [GR_ROLE_GRID_WORKER] = {R, R | P | W, R | P | W, R | P | W, R | P | W, R, R | P, R | P,
                             R | P | W, R, R},
    [GR_ROLE_COMMUNITY_STAFF] = {R | W, R | P | W, R | P | W, R | P | W, R | P | W, R | P | W,
                                 R | P | W, R | P | W, R | P | W, R | P | W, R | P | W},
    [GR_ROLE_STREET_STAFF] = {R | W, R | W, R | W, R, R, R | W, R, R | W, R, R | W, R | W},
    [GR_ROLE_DEPARTMENT_HANDLER] = {R, 0, 0, 0, 0, 0, 0, 0, 0, R, 0},
    [GR_ROLE_DISTRICT_STAFF] = {R | W, R, R, R, R, R | W, R, R | W, R, R | W, R | W},
    [GR_ROLE_CITY_STAFF] = {R | W, R, R, R, R, R | W, R, R | W, R, R | W, R | W},
    [GR_ROLE_ADMIN] = {R | P | W, R | P | W, R | P | W, R | P | W, R | P | W, R | P | W, R | P | W,
                       R | P | W, R | P | W, R | P | W, R | P | W},
};

bool gr_access_role_allows(enum gr_role r, enum gr_kind_id k, enum gr_action act)
{
    if (r <= GR_ROLE_NONE || r >= GR_N_ROLES || k < 0 || k >= GR_N_KINDS)
        return false;
    return (rights[r][k] & (1u << act)) != 0;
}

bool gr_access_is_admin(const struct gr_principal *p)
{
    for (size_t i = 0; i < p->n_grants; i++)
        if (p->grants[i].role == GR_ROLE_ADMIN)
            return true;
    return false;
}

static bool in_scope(const struct gr_grant *g, const struct gr_anc *anc)
{
    if (g->role == GR_ROLE_ADMIN)
        return true;
    if (g->node_id && g->level >= GR_LEVEL_CITY && g->level <= GR_LEVEL_GRID)
        return anc->id[g->level] == g->node_id;
    if (g->organisation_id && g->org_node_level >= GR_LEVEL_CITY)
        return anc->id[g->org_node_level] == g->org_node_id;
    return false;
}

bool gr_access_allows(const struct gr_principal *p, enum gr_kind_id k, const struct gr_anc *anc,
                      enum gr_action act)
{
    if (!p || k < 0 || k >= GR_N_KINDS)
        return false;
    for (size_t i = 0; i < p->n_grants; i++) {
        const struct gr_grant *g = &p->grants[i];
        if (g->role <= GR_ROLE_NONE || g->role >= GR_N_ROLES)
            continue;
        if ((rights[g->role][k] & (1u << act)) && in_scope(g, anc))
            return true;
    }
    return false;
}

bool gr_access_may_grant(const struct gr_principal *p, enum gr_role r, const struct gr_anc *anc)
{
    if (r <= GR_ROLE_NONE || r >= GR_N_ROLES)
        return false;
    for (size_t i = 0; i < p->n_grants; i++) {
        const struct gr_grant *g = &p->grants[i];
        if (g->role == GR_ROLE_ADMIN)
            return true;
        /* Staff of a community or above may grant roles below their own, inside their
         * scope. Leaders, residents, grid workers and handlers grant nothing. */
        if (g->role < GR_ROLE_COMMUNITY_STAFF || g->role == GR_ROLE_DEPARTMENT_HANDLER)
            continue;
        if (r >= g->role || r == GR_ROLE_ADMIN)
            continue;
        if (r == GR_ROLE_DEPARTMENT_HANDLER && g->role < GR_ROLE_DISTRICT_STAFF)
            continue;
        if (in_scope(g, anc))
            return true;
    }
    return false;
}

void gr_access_tops(const struct gr_principal *p, int64_t *out, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n_grants; i++) {
        const struct gr_grant *g = &p->grants[i];
        int64_t id = g->node_id ? g->node_id : g->org_node_id;
        if (g->role == GR_ROLE_ADMIN || !id)
            continue;
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            dup = dup || out[j] == id;
        if (!dup)
            out[k++] = id;
    }
    *n = k;
}
