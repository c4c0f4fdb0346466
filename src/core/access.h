/*
 * access.h - roles, grants and what each may see and do.
 *
 * A grant is a role on a node of the administrative tree (the node and its whole
 * subtree) or on a stakeholder organisation. A record is visible to a grant when
 * the record's ancestor id at the grant node's level equals the grant node. Every
 * read and write asks these functions; nothing else decides.
 */
#ifndef GR_ACCESS_H
#define GR_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* Ordered by reach: a higher role may grant lower ones. Stored by name, not number. */
enum gr_role {
    GR_ROLE_NONE = 0,
    GR_ROLE_RESIDENT,
    GR_ROLE_UNIT_LEADER,
    GR_ROLE_BUILDING_LEADER,
    GR_ROLE_GRID_WORKER,
    GR_ROLE_COMMUNITY_STAFF,
    GR_ROLE_STREET_STAFF,
    GR_ROLE_DEPARTMENT_HANDLER,
    GR_ROLE_DISTRICT_STAFF,
    GR_ROLE_CITY_STAFF,
    GR_ROLE_ADMIN,
    GR_N_ROLES
};

const char *gr_role_name(enum gr_role role);
enum gr_role gr_role_parse(const char *name, size_t len);

struct gr_grant {
    enum gr_role role;
    int64_t node_id;         /* 0 for an organisation grant */
    enum gr_level level;     /* level of node_id */
    int64_t organisation_id; /* 0 for a node grant */
    int64_t org_node_id;     /* the organisation's node, for organisation grants */
    enum gr_level org_node_level;
};

#define GR_MAX_GRANTS 16

/* Who is calling: filled by authentication, read-only after. */
struct gr_principal {
    int64_t user_id;
    size_t n_grants;
    struct gr_grant grants[GR_MAX_GRANTS];
};

enum gr_action {
    GR_ACT_READ = 0,     /* see the record */
    GR_ACT_PERSONAL = 1, /* see its personal data unmasked */
    GR_ACT_WRITE = 2     /* create, change or delete it */
};

/* True when the principal may perform act on a record of kind k with ancestors anc.
 * Admin may do everything. */
bool gr_access_allows(const struct gr_principal *p, enum gr_kind_id k, const struct gr_anc *anc,
                      enum gr_action act);
/* True when role r may perform act on records of kind k somewhere (scope aside). */
bool gr_access_role_allows(enum gr_role r, enum gr_kind_id k, enum gr_action act);
/* True when the principal holds the admin role. */
bool gr_access_is_admin(const struct gr_principal *p);

/* True when caller p may grant role r on a node with ancestors anc (node grants) or on an
 * organisation whose node has ancestors anc (organisation grants). */
bool gr_access_may_grant(const struct gr_principal *p, enum gr_role r, const struct gr_anc *anc);

/* The ids of the nodes at the top of the caller's reach (one per grant, deduplicated), in
 * out[0..*n). Admin gets none: the caller lists every city instead. */
void gr_access_tops(const struct gr_principal *p, int64_t *out, size_t *n);

#endif
