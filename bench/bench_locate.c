/*
 * bench_locate.c - lookups per second of the point-to-grid index, in process, over the grid
 * boundaries of the city-scale demo.
 *
 * usage: bench_locate [N] [SEED]   N random points in the city's box (default 2,000,000)
 * The last line is the figure: "<lookups/s> lookups/s over <grids> grids".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "core/demo.h"
#include "core/geo.h"

/* Keeps the boundaries of grid nodes and the city's box; every other record just gets an
 * id. */
struct sink {
    int64_t next;
    uint8_t *level; /* by node id */
    size_t cap;
    struct gr_geoindex *gi;
    uint64_t records;
    double x0, y0, x1, y1; /* the city's box */
};

static enum gr_err emit(void *ctx, const struct gr_kind *k, const struct gr_value *vals,
                        int64_t *out_id)
{
    struct sink *s = ctx;
    *out_id = ++s->next;
    s->records++;
    if (k->id != GR_K_NODES)
        return GR_OK;
    if ((size_t)s->next >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 65536;
        s->level = gr_realloc(s->level, cap);
        memset(s->level + s->cap, 0, cap - s->cap);
        s->cap = cap;
    }
    int level = gr_kind_field(k, "level", 5);
    s->level[s->next] = (uint8_t)gr_level_parse(vals[level].s, vals[level].len);
    return GR_OK;
}

static enum gr_err boundary(void *ctx, int64_t node_id, const struct gr_shape *shape)
{
    struct sink *s = ctx;
    if ((size_t)node_id >= s->cap)
        return GR_OK;
    if (s->level[node_id] == GR_LEVEL_CITY) {
        s->x0 = shape->min_x;
        s->y0 = shape->min_y;
        s->x1 = shape->max_x;
        s->y1 = shape->max_y;
    }
    if (s->level[node_id] != GR_LEVEL_GRID)
        return GR_OK;
    /* The shape is the generator's: keep a copy, the way the store hands it back. */
    size_t len;
    void *blob = gr_shape_pack(shape, &len);
    struct gr_shape copy;
    enum gr_err e = gr_shape_unpack(blob, len, &copy);
    free(blob);
    if (e == GR_OK)
        gr_geoindex_add(s->gi, node_id, &copy);
    return e;
}

static enum gr_err user(void *ctx, const char *login, const char *name, enum gr_role role,
                        int64_t node_id, int64_t organisation_id)
{
    return GR_OK;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_locate [N] [SEED]\n");
        return 2;
    }
    struct sink s = {0};
    s.gi = gr_geoindex_new();
    struct gr_demo_sink sink = {&s, emit, boundary, user, NULL};
    struct gr_demo_opts o = {GR_DEMO_CITY, seed};
    double t0 = now();
    enum gr_err e = gr_demo_generate(&o, &sink);
    if (e) {
        fprintf(stderr, "bench_locate: generation failed: %s\n", gr_strerror(e));
        return 1;
    }
    double t1 = now();
    gr_geoindex_build(s.gi);
    double t2 = now();
    printf("generated the city: %llu records in %.2f s\n", (unsigned long long)s.records, t1 - t0);
    printf("index built over %zu grids in %.3f s\n", gr_geoindex_count(s.gi), t2 - t1);

    /* Random points in the city's box: most fall in a grid, some outside the city. */
    double bx0 = s.x0, bx1 = s.x1, by0 = s.y0, by1 = s.y1;
    uint64_t r = 0x9e3779b97f4a7c15ull ^ seed;
    long hits = 0;
    int64_t sum = 0;
    double t3 = now();
    for (long k = 0; k < n; k++) {
        double x = bx0 + (bx1 - bx0) * (double)(xorshift(&r) >> 11) * 0x1.0p-53;
        double y = by0 + (by1 - by0) * (double)(xorshift(&r) >> 11) * 0x1.0p-53;
        int64_t id = gr_geoindex_find(s.gi, x, y);
        hits += id != 0;
        sum += id;
    }
    double t4 = now();
    printf("box lon %.4f..%.4f lat %.4f..%.4f; %ld lookups, %.1f%% inside a grid (checksum %lld)\n",
           bx0, bx1, by0, by1, n, 100.0 * (double)hits / (double)n, (long long)sum);
    printf("%.0f lookups/s over %zu grids\n", (double)n / (t4 - t3), gr_geoindex_count(s.gi));
    gr_geoindex_free(s.gi);
    free(s.level);
    return 0;
}
