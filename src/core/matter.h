/*
 * matter.h - the power-and-responsibility list (权责清单 / 履职事项清单) and routing.
 *
 * A matter is one row of the list: what it is, whose it is and how fast it must be done.
 * The list is versioned; a case keeps the version it was routed under. Routing is a pure
 * function of (matter, location, calendar, now): who owns the case, who helps, and when
 * it must be answered and resolved.
 */
#ifndef GR_MATTER_H
#define GR_MATTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "calendar.h"
#include "schema.h"

/* List kinds of the township/street duty lists. */
enum gr_list_kind {
    GR_LK_NONE = 0,
    GR_LK_BASIC,       /* 基本履职: the territorial level does it */
    GR_LK_COOPERATIVE, /* 配合履职: a department leads, the street helps */
    GR_LK_RETURNED     /* 上级收回: returned to a higher department */
};

enum gr_governance {
    GR_GOV_NONE = 0,
    GR_GOV_GOVERNMENT,    /* 政府治理 */
    GR_GOV_CO_GOVERNANCE, /* 共治 */
    GR_GOV_SELF           /* 居民自治: the residents' committee and volunteers */
};

enum gr_time_unit { GR_TU_NONE = 0, GR_TU_HOURS, GR_TU_DAYS }; /* working hours / days */

#define GR_MATTER_MAX_CO 4
/* Bytes of a matter's code at most: 32 characters of UTF-8. */
#define GR_MATTER_CODE_MAX 128

struct gr_matter {
    const char *code;       /* "M0101", unique within a version */
    const char *name;       /* 暴露垃圾 */
    const char *category;   /* the category's code: "0102" (event or part class) */
    const char *power_type; /* a code of the power-type vocabulary: "comprehensive" */
    enum gr_list_kind list_kind;
    enum gr_governance governance;
    enum gr_level owner_level; /* territorial owner: grid, community, street or district;
                                  GR_LEVEL_NONE when a department owns it */
    const char *owner_dept;    /* the department (by its name in a district, "城市管理局"):
                                  the lead of a cooperative duty, the owner of a returned
                                  one; NULL for territorial matters */
    const char *co_depts[GR_MATTER_MAX_CO]; /* co-handling departments, NULL-ended */
    size_t n_co;
    const char *legal_basis;
    int respond_limit; /* in respond_unit */
    enum gr_time_unit respond_unit;
    int resolve_limit;
    enum gr_time_unit resolve_unit;
    bool urgent;
};

/* Check a matter: code and name present, a known category is the caller's to check,
 * list kind and governance set, limits positive, a cooperative or returned matter names
 * its department, a basic one its level. GR_EINVAL with *field and *why set. */
enum gr_err gr_matter_check(const struct gr_matter *m, const char **field, const char **why);

const char *gr_list_kind_name(enum gr_list_kind k); /* "basic", "cooperative", "returned" */
enum gr_list_kind gr_list_kind_parse(const char *s);
const char *gr_governance_name(enum gr_governance g); /* "government", "co_governance",
                                                         "self_governance" */
enum gr_governance gr_governance_parse(const char *s);
const char *gr_time_unit_name(enum gr_time_unit u); /* "hours", "days" */
enum gr_time_unit gr_time_unit_parse(const char *s);

/* Where the case is: the ancestor ids of its grid (city … grid). */
struct gr_route_in {
    const struct gr_matter *m;
    struct gr_anc anc;
    const struct gr_calendar *cal;
    int64_t now;
};

struct gr_route_out {
    enum gr_level owner_level; /* the owning node's level (territorial owners) */
    int64_t owner_node_id;     /* the node that owns it, or supervises the department */
    const char *owner_dept;    /* the department that owns it (in the case's district), or
                                  NULL */
    const char *co_depts[GR_MATTER_MAX_CO];
    size_t n_co;
    bool co_street; /* the street cooperates (cooperative duties) */
    bool fallback;  /* no clear owner: the territorial level took it (属地兜底) */
    int64_t respond_due, resolve_due;
};

/* Route a case. Self-governance matters go to the community (the residents' committee);
 * basic duties to the node of their level above the case's grid; cooperative duties to
 * their lead department with the street cooperating; returned ones to their department;
 * a matter without a clear owner (no level, no department, or a level the location
 * lacks) to the street (属地兜底). Deadlines count from now in working time. */
void gr_route(const struct gr_route_in *in, struct gr_route_out *out);

/* A deadline: limit units of working time after t. */
int64_t gr_due(const struct gr_calendar *cal, int64_t t, int limit, enum gr_time_unit unit);

#endif
