/*
 * catalogue.h - the demo's seed catalogues: part and event classes after GB/T 30428
 * (数字化城市管理), the power-type vocabulary of 权责清单, and a street's duty list
 * (履职事项清单) of matters. Static const tables; nothing here allocates or changes.
 *
 * Invariants (checked by tests/unit/test_catalogue.c): codes are unique, every minor class
 * has a major of its own kind, and every matter names a minor class and a power type that
 * are in these tables.
 */
#ifndef GR_CATALOGUE_H
#define GR_CATALOGUE_H

#include <stddef.h>

#include "matter.h"

/* A class of parts (部件) or events (事件). GB/T 30428 numbers parts and events in the same
 * 2-digit major + 2-digit minor space, so "0101" is both a part and an event class there;
 * here the code carries a prefix to stay unique: "P01" / "P0101" for parts, "E01" / "E0101"
 * for events. A major class has 3 characters and no parent; a minor class has 5, its parent
 * being its first 3. */
struct gr_category {
    const char *code;
    const char *parent; /* NULL for a major class */
    const char *kind;   /* "event" or "part" */
    const char *name;
    const char *name_en;
};

extern const struct gr_category gr_cn_categories[];
extern const size_t gr_cn_n_categories;

/* A type of power (职权类别). The first five are the platform's own grouping of a street's
 * duties; the ten after them are the standard "9+X" types of department lists. */
struct gr_power_type {
    const char *code; /* "comprehensive", "penalty", ... */
    const char *name;
    const char *name_en;
};

extern const struct gr_power_type gr_cn_power_types[];
extern const size_t gr_cn_n_power_types;

/* The demo street's duty list: basic, cooperative and returned matters. Departments are
 * named as in every demo district ("城市管理局"). */
extern const struct gr_matter gr_demo_matters[];
extern const size_t gr_demo_n_matters;

#endif
