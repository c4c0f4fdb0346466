/*
 * geojson.c - GeoJSON Polygon / MultiPolygon (bare, or inside a Feature) to a shape.
 * Used by the boundary endpoints and the boundary importer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/text.h"
#include "api.h"

static bool is_type(json_t *o, const char *t)
{
    json_t *v = json_object_get(o, "type");
    return json_is_string(v) && strcmp(json_string_value(v), t) == 0;
}

/* Append the rings of one polygon (array of rings). */
static enum gr_err add_polygon(json_t *poly, struct gr_shape *s, size_t *cap, const char **why)
{
    if (!json_is_array(poly) || json_array_size(poly) == 0) {
        *why = "a polygon must be a non-empty list of rings";
        return GR_EINVAL;
    }
    size_t ri;
    json_t *ring;
    json_array_foreach(poly, ri, ring)
    {
        size_t n = json_array_size(ring);
        if (!json_is_array(ring) || n < 4 || n > 100000) {
            *why = "a ring must list 4 to 100000 positions";
            return GR_EINVAL;
        }
        if (s->n_rings == *cap) {
            *cap = *cap ? *cap * 2 : 4;
            s->rings = gr_realloc(s->rings, gr_mul(*cap, sizeof(*s->rings)));
        }
        struct gr_ring *g = &s->rings[s->n_rings++];
        g->n = n;
        g->hole = ri > 0;
        g->xy = gr_malloc(gr_mul(n, 2 * sizeof(double)));
        size_t pi;
        json_t *pos;
        json_array_foreach(ring, pi, pos)
        {
            json_t *x = json_array_get(pos, 0), *y = json_array_get(pos, 1);
            if (!json_is_array(pos) || json_array_size(pos) < 2 || !json_is_number(x) ||
                !json_is_number(y)) {
                *why = "a position must be [longitude, latitude]";
                return GR_EINVAL;
            }
            double lon = json_number_value(x), lat = json_number_value(y);
            if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -90 ||
                lat > 90) {
                *why = "a position is outside [-180, 180] x [-90, 90]";
                return GR_EINVAL;
            }
            g->xy[2 * pi] = lon;
            g->xy[2 * pi + 1] = lat;
        }
        if (g->xy[0] != g->xy[2 * (n - 1)] || g->xy[1] != g->xy[2 * (n - 1) + 1]) {
            *why = "a ring must end where it starts";
            return GR_EINVAL;
        }
    }
    return GR_OK;
}

enum gr_err gr_geojson_shape(json_t *geo, struct gr_shape *out, const char **why)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0;
    enum gr_err e = GR_OK;
    if (json_is_object(geo) && is_type(geo, "Feature"))
        geo = json_object_get(geo, "geometry");
    json_t *coords = json_is_object(geo) ? json_object_get(geo, "coordinates") : NULL;
    if (!coords) {
        *why = "must be a GeoJSON Polygon or MultiPolygon (or a Feature holding one)";
        return GR_EINVAL;
    }
    if (is_type(geo, "Polygon")) {
        e = add_polygon(coords, out, &cap, why);
    } else if (is_type(geo, "MultiPolygon") && json_is_array(coords) &&
               json_array_size(coords) > 0) {
        size_t i;
        json_t *poly;
        json_array_foreach(coords, i, poly) if (!e) e = add_polygon(poly, out, &cap, why);
    } else {
        *why = "must be a GeoJSON Polygon or MultiPolygon (or a Feature holding one)";
        e = GR_EINVAL;
    }
    if (!e) {
        gr_shape_finish(out);
        e = gr_shape_check(out, why);
    }
    if (e)
        gr_shape_cleanup(out);
    return e;
}

/* Coordinates exactly as stored, so that boundaries round-trip through export/import. */
static void put_point(struct gr_buf *b, const double *xy, bool comma)
{
    char x[32], y[32];
    gr_fmt_double(xy[0], x, sizeof(x));
    gr_fmt_double(xy[1], y, sizeof(y));
    gr_buf_printf(b, "%s[%s,%s]", comma ? "," : "", x, y);
}

char *gr_geojson_text(const struct gr_shape *s)
{
    size_t outers = 0;
    for (size_t i = 0; i < s->n_rings; i++)
        outers += !s->rings[i].hole;
    bool multi = outers > 1;
    struct gr_buf b;
    gr_buf_init(&b, (size_t)64 << 20);
    gr_buf_printf(&b, "{\"type\":\"%s\",\"coordinates\":[", multi ? "MultiPolygon" : "Polygon");
    for (size_t i = 0; i < s->n_rings; i++) {
        const struct gr_ring *g = &s->rings[i];
        if (multi && !g->hole)
            gr_buf_adds(&b, i ? "]],[[" : "[[");
        else if (i)
            gr_buf_adds(&b, "],[");
        else
            gr_buf_adds(&b, "[");
        for (size_t p = 0; p < g->n; p++)
            put_point(&b, g->xy + 2 * p, p > 0);
        /* Close the ring when the shape does not repeat its first point. */
        if (g->n && (g->xy[0] != g->xy[2 * (g->n - 1)] || g->xy[1] != g->xy[2 * (g->n - 1) + 1]))
            put_point(&b, g->xy, true);
    }
    gr_buf_adds(&b, multi ? "]]]}" : "]]}");
    return gr_buf_take(&b, NULL);
}
