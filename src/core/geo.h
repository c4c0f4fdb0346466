/*
 * geo.h - polygons, label points and the point-to-grid index.
 *
 * Coordinates are WGS-84 degrees, x = longitude, y = latitude; distances on this
 * scale (a city) are treated as planar. A shape is a list of rings: the first ring of
 * each polygon is its outer boundary, the following ones with hole=1 are its holes.
 * Pure code: no I/O, no allocation outside the functions that say so.
 */
#ifndef GR_GEO_H
#define GR_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

struct gr_ring {
    size_t n;   /* points; a closed ring may repeat the first point last */
    double *xy; /* 2*n doubles: lon, lat, lon, lat, ... */
    bool hole;  /* a hole of the polygon begun by the last outer ring */
};

struct gr_shape {
    size_t n_rings;
    struct gr_ring *rings;
    double min_x, min_y, max_x, max_y; /* bounding box, set by gr_shape_finish() */
};

/* Compute the bounding box. Call after filling rings. */
void gr_shape_finish(struct gr_shape *s);
/* Free the rings and their points (the shape itself is the caller's). */
void gr_shape_cleanup(struct gr_shape *s);
/* True when (x, y) lies inside the shape (even-odd over all rings; on an edge: inside). */
bool gr_shape_contains(const struct gr_shape *s, double x, double y);
/* A point inside the shape, away from its edges where it can be (a label point, not a
 * centroid that may fall outside a concave shape). GR_EINVAL for an empty shape. */
enum gr_err gr_shape_label_point(const struct gr_shape *s, double *x, double *y);
/* Check that every ring has >= 4 points (closed) or >= 3, finite coordinates in range,
 * and a non-zero area. Returns a static message in *why on failure. */
enum gr_err gr_shape_check(const struct gr_shape *s, const char **why);

/* Compact binary form stored beside the GeoJSON (so the index loads without parsing
 * JSON): u32 n_rings, then per ring u32 n, u32 hole, then 2*n doubles. Little-endian
 * host layout; the store treats it as an opaque blob. */
void *gr_shape_pack(const struct gr_shape *s, size_t *len);
enum gr_err gr_shape_unpack(const void *blob, size_t len, struct gr_shape *out);

/* The point-to-grid index: shapes bucketed on a regular lattice over their common box.
 * Built once, then read by many threads without locks; rebuilt and swapped when a
 * boundary changes. */
struct gr_geoindex;

struct gr_geoindex *gr_geoindex_new(void);
/* Add a shape for id; the index takes ownership of the shape's rings. */
void gr_geoindex_add(struct gr_geoindex *gi, int64_t id, struct gr_shape *shape);
/* Build the buckets; no adds after this. */
void gr_geoindex_build(struct gr_geoindex *gi);
/* The id of a shape containing (x, y), or 0. Where shapes overlap, the smallest id. */
int64_t gr_geoindex_find(const struct gr_geoindex *gi, double x, double y);
size_t gr_geoindex_count(const struct gr_geoindex *gi);
void gr_geoindex_free(struct gr_geoindex *gi);

#endif
