/*
 * grids.h - for the benchmarks: a monotonic clock in seconds, and every grid of a store
 * with its ancestors and label point (to file cases at).
 */
#ifndef GR_BENCH_GRIDS_H
#define GR_BENCH_GRIDS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct grids {
    struct gr_anc *anc; /* with the grid itself at GR_LEVEL_GRID */
    double *lat, *lon;
    size_t n, cap;
};

static int grid_row(void *ctx, const struct gr_row *row)
{
    struct grids *g = ctx;
    const struct gr_kind *k = gr_kind_get(GR_K_NODES);
    int la = gr_kind_field(k, "lat", 3), lo = gr_kind_field(k, "lon", 3);
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 256;
        g->anc = realloc(g->anc, g->cap * sizeof(*g->anc));
        g->lat = realloc(g->lat, g->cap * sizeof(double));
        g->lon = realloc(g->lon, g->cap * sizeof(double));
        if (!g->anc || !g->lat || !g->lon)
            return 1;
    }
    g->anc[g->n] = row->anc;
    g->anc[g->n].id[GR_LEVEL_GRID] = row->id;
    g->lat[g->n] = la >= 0 ? row->vals[la].d : 0;
    g->lon[g->n] = lo >= 0 ? row->vals[lo].d : 0;
    g->n++;
    return 0;
}

/* Every grid of the store into g; false when there is none (or the store failed). */
static bool grids_load(struct gr_store *st, struct grids *g)
{
    const struct gr_kind *k = gr_kind_get(GR_K_NODES);
    struct gr_query q;
    memset(&q, 0, sizeof(q));
    q.all = true;
    q.n_filters = 1;
    q.filter_field[0] = gr_kind_field(k, "level", 5);
    q.filter_value[0] = (struct gr_value){.present = true, .s = "grid", .len = 4};
    q.limit = 1000000;
    bool more;
    bool ok = gr_store_list(st, k, &q, grid_row, g, &more) == GR_OK && g->n > 0;
    gr_store_release(st);
    return ok;
}

static void grids_free(struct grids *g)
{
    free(g->anc);
    free(g->lat);
    free(g->lon);
    memset(g, 0, sizeof(*g));
}

#endif
