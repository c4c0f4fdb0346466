/*
 * demo.h - a deterministic synthetic city: administrative tree with tiling boundaries,
 * buildings, households, residents and the party and stakeholder network around them.
 *
 * Pure code: records go out through a sink the caller provides (the CLI's sink writes them
 * to the store). The same seed always yields the same records in the same order.
 */
#ifndef GR_DEMO_H
#define GR_DEMO_H

#include <stdint.h>

#include "../base/err.h"
#include "access.h"
#include "geo.h"
#include "schema.h"

/* Where the generated records go. Every callback but progress is required. Text in the
 * values and the shape's points live only for the duration of the call. */
struct gr_demo_sink {
    void *ctx;
    /* Create one record of kind k; vals is indexed like k->fields (present=true for given
     * values). The sink returns the new id, which must be positive. */
    enum gr_err (*emit)(void *ctx, const struct gr_kind *k, const struct gr_value *vals,
                        int64_t *out_id);
    /* Set the boundary polygon of a node (every city, district, street, community and grid
     * gets one, right after the node itself). The sink copies what it keeps. */
    enum gr_err (*boundary)(void *ctx, int64_t node_id, const struct gr_shape *shape);
    /* Create a demo login: node_id or organisation_id set (the other 0). */
    enum gr_err (*user)(void *ctx, const char *login, const char *name, enum gr_role role,
                        int64_t node_id, int64_t organisation_id);
    /* Progress for long runs (may be NULL): phase "nodes" (done/total nodes), then "grids"
     * (grids populated so far); called every few thousand records and once with
     * done == total at the end of each phase. */
    void (*progress)(void *ctx, const char *phase, uint64_t done, uint64_t total);
};

/* SMALL: 2 districts x 2 streets x 3 communities x 8 grids, ~30,000 households.
 * CITY: ~15 districts, ~300 streets, ~4,000 communities, ~30,000 grids,
 * ~3.5 million households, ~10 million residents. */
enum gr_demo_scale { GR_DEMO_SMALL = 0, GR_DEMO_CITY = 1 };

struct gr_demo_opts {
    enum gr_demo_scale scale;
    uint64_t seed;
};

/* Generate the city into sink. Stops at and returns the first error a callback returns;
 * GR_EINVAL for a bad scale or a sink without its required callbacks. */
enum gr_err gr_demo_generate(const struct gr_demo_opts *o, const struct gr_demo_sink *sink);

#endif
