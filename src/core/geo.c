/*
 * geo.c - polygons: boxes, containment, label points, the packed form and the locate index.
 *
 * Containment is even-odd over every ring, a point on an edge counting as inside. The
 * index is a regular lattice of buckets over the shapes' common box; a bucket lists, in id
 * order, the shapes whose box meets it, so a lookup tests a handful of small polygons and
 * the first hit is the smallest id. After gr_geoindex_build() nothing in it changes.
 */
#include "geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

/* Points closer to an edge than this (degrees, about 0.1 mm) are on it. */
#define EDGE_EPS 1e-9
/* Scan lines tried by the label point. */
#define LABEL_LINES 24
/* Crossings kept on the stack by the label point; more spill to the heap. */
#define LABEL_STACK 256
/* Bounds of the index lattice: buckets per shape, total buckets, total bucket entries. */
#define GI_BUCKETS_PER_SHAPE 2
#define GI_MAX_BUCKETS (1u << 22)
#define GI_MAX_ITEMS (1u << 28)

void gr_shape_finish(struct gr_shape *s)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t r = 0; r < s->n_rings; r++) {
        const double *p = s->rings[r].xy;
        for (size_t i = 0; i < s->rings[r].n; i++) {
            x0 = fmin(x0, p[2 * i]);
            x1 = fmax(x1, p[2 * i]);
            y0 = fmin(y0, p[2 * i + 1]);
            y1 = fmax(y1, p[2 * i + 1]);
        }
    }
    if (x0 > x1 || y0 > y1)
        x0 = y0 = x1 = y1 = 0; /* no points: an empty box at the origin */
    s->min_x = x0;
    s->min_y = y0;
    s->max_x = x1;
    s->max_y = y1;
}

void gr_shape_cleanup(struct gr_shape *s)
{
    if (!s)
        return;
    for (size_t r = 0; r < s->n_rings; r++)
        free(s->rings[r].xy);
    free(s->rings);
    s->rings = NULL;
    s->n_rings = 0;
}

/* True when (x, y) is within EDGE_EPS of the segment a-b. The caller has checked that y
 * lies within the segment's y range. */
static bool on_segment(double x, double y, double ax, double ay, double bx, double by)
{
    double lo = ax < bx ? ax : bx, hi = ax < bx ? bx : ax;
    if (x < lo - EDGE_EPS || x > hi + EDGE_EPS)
        return false;
    double dx = bx - ax, dy = by - ay;
    double cross = dx * (y - ay) - dy * (x - ax);
    return cross * cross <= EDGE_EPS * EDGE_EPS * (dx * dx + dy * dy);
}

bool gr_shape_contains(const struct gr_shape *s, double x, double y)
{
    if (!(x >= s->min_x - EDGE_EPS && x <= s->max_x + EDGE_EPS && y >= s->min_y - EDGE_EPS &&
          y <= s->max_y + EDGE_EPS))
        return false;
    bool in = false;
    for (size_t r = 0; r < s->n_rings; r++) {
        const double *p = s->rings[r].xy;
        size_t n = s->rings[r].n;
        if (n == 0)
            continue;
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
            double ylo = yi < yj ? yi : yj, yhi = yi < yj ? yj : yi;
            if (y < ylo - EDGE_EPS || y > yhi + EDGE_EPS)
                continue;
            if (on_segment(x, y, xi, yi, xj, yj))
                return true;
            if ((yi > y) != (yj > y) && x < xi + (y - yi) * (xj - xi) / (yj - yi))
                in = !in;
        }
    }
    return in;
}

/* Squared distance from (x, y) to the nearest edge of s. */
static double edge_dist2(const struct gr_shape *s, double x, double y)
{
    double best = INFINITY;
    for (size_t r = 0; r < s->n_rings; r++) {
        const double *p = s->rings[r].xy;
        size_t n = s->rings[r].n;
        if (n == 0)
            continue;
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            double ax = p[2 * j], ay = p[2 * j + 1], dx = p[2 * i] - ax, dy = p[2 * i + 1] - ay;
            double len2 = dx * dx + dy * dy, t = 0;
            if (len2 > 0)
                t = fmin(1, fmax(0, ((x - ax) * dx + (y - ay) * dy) / len2));
            double ex = ax + t * dx - x, ey = ay + t * dy - y;
            best = fmin(best, ex * ex + ey * ey);
        }
    }
    return best;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Where the line {axis coordinate = c} crosses the rings (axis 0: a horizontal line
 * y = c, crossings are x values; axis 1: a vertical line x = c, crossings are y values),
 * sorted. Writes at most cap values into out and returns how many crossings there are. */
static size_t crossings(const struct gr_shape *s, int axis, double c, double *out, size_t cap)
{
    int a = axis == 0 ? 1 : 0, b = 1 - a; /* a: the fixed coordinate, b: the free one */
    size_t k = 0;
    for (size_t r = 0; r < s->n_rings; r++) {
        const double *p = s->rings[r].xy;
        size_t n = s->rings[r].n;
        if (n == 0)
            continue;
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            double ai = p[2 * i + a], aj = p[2 * j + a];
            if ((ai > c) == (aj > c))
                continue;
            if (k < cap) {
                double bi = p[2 * i + b], bj = p[2 * j + b];
                out[k] = bi + (c - ai) * (bj - bi) / (aj - ai);
            }
            k++;
        }
    }
    if (k <= cap)
        qsort(out, k, sizeof(double), cmp_double);
    return k;
}

/* The sorted crossings of a line, in a stack buffer or, for very complex shapes, in heap
 * memory that the caller releases with free(*heap). */
static size_t line_crossings(const struct gr_shape *s, int axis, double c, double *stack,
                             double **xs, double **heap)
{
    *heap = NULL;
    *xs = stack;
    size_t k = crossings(s, axis, c, stack, LABEL_STACK);
    if (k > LABEL_STACK) {
        *heap = gr_malloc(gr_mul(k, sizeof(double)));
        *xs = *heap;
        crossings(s, axis, c, *heap, k);
    }
    return k;
}

struct label {
    double x, y, d2; /* best candidate so far and its squared clearance */
};

static void label_try(const struct gr_shape *s, struct label *best, double x, double y)
{
    double d2 = edge_dist2(s, x, y);
    if (d2 > best->d2) {
        best->x = x;
        best->y = y;
        best->d2 = d2;
    }
}

/* Try the midpoint of every inside interval of the horizontal line y. An interval no
 * wider than twice the best clearance cannot beat it and is skipped. */
static void label_scan(const struct gr_shape *s, struct label *best, double y)
{
    double stack[LABEL_STACK], *xs, *heap;
    size_t k = line_crossings(s, 0, y, stack, &xs, &heap);
    for (size_t i = 0; i + 1 < k; i += 2) {
        double half = (xs[i + 1] - xs[i]) / 2;
        if (half > 0 && half * half > best->d2)
            label_try(s, best, xs[i] + half, y);
    }
    free(heap);
}

/* Re-centre the best point vertically within the inside interval that holds it. */
static void label_recentre(const struct gr_shape *s, struct label *best)
{
    double stack[LABEL_STACK], *ys, *heap;
    size_t k = line_crossings(s, 1, best->x, stack, &ys, &heap);
    for (size_t i = 0; i + 1 < k; i += 2)
        if (ys[i] <= best->y && best->y <= ys[i + 1]) {
            label_try(s, best, best->x, (ys[i] + ys[i + 1]) / 2);
            break;
        }
    free(heap);
}

enum gr_err gr_shape_label_point(const struct gr_shape *s, double *x, double *y)
{
    const double *first = NULL;
    for (size_t r = 0; r < s->n_rings && !first; r++)
        if (s->rings[r].n > 0)
            first = s->rings[r].xy;
    if (!first)
        return GR_EINVAL;
    struct gr_shape box = *s; /* s may not be finished: compute its box locally */
    gr_shape_finish(&box);
    struct label best = {first[0], first[1], -1}; /* a vertex is on an edge: inside */
    double h = box.max_y - box.min_y;
    if (h > 0 && box.max_x > box.min_x) {
        for (int i = 0; i < LABEL_LINES; i++)
            label_scan(s, &best, box.min_y + h * (i + 0.5) / LABEL_LINES);
        if (best.d2 > 0)
            label_recentre(s, &best);
    }
    *x = best.x;
    *y = best.y;
    return GR_OK;
}

/* Twice the signed area of a ring (positive when counter-clockwise). */
static double ring_area2(const struct gr_ring *r)
{
    double a = 0;
    for (size_t i = 0, j = r->n - 1; i < r->n; j = i++)
        a += (r->xy[2 * j] - r->xy[2 * i]) * (r->xy[2 * j + 1] + r->xy[2 * i + 1]);
    return a;
}

enum gr_err gr_shape_check(const struct gr_shape *s, const char **why)
{
    if (s->n_rings == 0 || !s->rings) {
        *why = "has no rings";
        return GR_EINVAL;
    }
    if (s->rings[0].hole) {
        *why = "begins with a hole instead of an outer ring";
        return GR_EINVAL;
    }
    for (size_t r = 0; r < s->n_rings; r++) {
        const struct gr_ring *ring = &s->rings[r];
        if (ring->n < 3 || !ring->xy) {
            *why = "has a ring with fewer than 3 points";
            return GR_EINVAL;
        }
        if (ring->n > UINT32_MAX / 16) {
            *why = "has a ring with too many points";
            return GR_EINVAL;
        }
        for (size_t i = 0; i < ring->n; i++) {
            double lon = ring->xy[2 * i], lat = ring->xy[2 * i + 1];
            if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
                *why = "has a coordinate that is not a finite longitude/latitude";
                return GR_EINVAL;
            }
        }
        if (ring_area2(ring) == 0) {
            *why = "has a ring with zero area";
            return GR_EINVAL;
        }
    }
    return GR_OK;
}

static void put_u32(unsigned char **p, uint32_t v)
{
    memcpy(*p, &v, 4);
    *p += 4;
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The blob is malloc'd; the caller frees it with free(). */
void *gr_shape_pack(const struct gr_shape *s, size_t *len)
{
    size_t size = 4;
    for (size_t r = 0; r < s->n_rings; r++)
        size += 8 + gr_mul(s->rings[r].n, 2 * sizeof(double));
    unsigned char *blob = gr_malloc(size), *p = blob;
    put_u32(&p, (uint32_t)s->n_rings);
    for (size_t r = 0; r < s->n_rings; r++) {
        put_u32(&p, (uint32_t)s->rings[r].n);
        put_u32(&p, s->rings[r].hole ? 1u : 0u);
        size_t n = s->rings[r].n * 2 * sizeof(double);
        if (n)
            memcpy(p, s->rings[r].xy, n);
        p += n;
    }
    *len = size;
    return blob;
}

/* Fills out with malloc'd rings (release with gr_shape_cleanup); on failure out is empty. */
enum gr_err gr_shape_unpack(const void *blob, size_t len, struct gr_shape *out)
{
    const unsigned char *p = blob;
    memset(out, 0, sizeof(*out));
    if (len < 4)
        return GR_EINVAL;
    size_t n_rings = get_u32(p), at = 4;
    if (n_rings > (len - 4) / 8)
        return GR_EINVAL;
    out->rings = gr_calloc(n_rings, sizeof(struct gr_ring));
    out->n_rings = n_rings;
    for (size_t r = 0; r < n_rings; r++) {
        if (len - at < 8)
            goto bad;
        size_t n = get_u32(p + at);
        bool hole = get_u32(p + at + 4) != 0;
        at += 8;
        if (n > (len - at) / (2 * sizeof(double)))
            goto bad;
        struct gr_ring *ring = &out->rings[r];
        ring->hole = hole;
        ring->xy = n ? gr_malloc(n * 2 * sizeof(double)) : NULL;
        ring->n = n;
        if (n)
            memcpy(ring->xy, p + at, n * 2 * sizeof(double));
        at += n * 2 * sizeof(double);
        for (size_t i = 0; i < 2 * n; i++)
            if (!isfinite(ring->xy[i]))
                goto bad;
    }
    if (at != len)
        goto bad;
    gr_shape_finish(out);
    return GR_OK;
bad:
    gr_shape_cleanup(out);
    memset(out, 0, sizeof(*out));
    return GR_EINVAL;
}

/* ---- The locate index. ---- */

struct gi_entry {
    int64_t id;
    size_t seq; /* order of adding: breaks ties between equal ids */
    bool empty; /* no points: never found */
    struct gr_shape shape;
};

struct gr_geoindex {
    struct gi_entry *e;
    size_t n, cap;
    bool built;
    double x0, y0, x1, y1; /* the common box */
    double inv_w, inv_h;   /* buckets per degree */
    size_t nx, ny;
    uint32_t *start; /* nx*ny + 1 offsets into items */
    uint32_t *items; /* entry indexes, ascending within a bucket */
};

struct gr_geoindex *gr_geoindex_new(void)
{
    return gr_calloc(1, sizeof(struct gr_geoindex));
}

static void gi_drop_buckets(struct gr_geoindex *gi)
{
    free(gi->start);
    free(gi->items);
    gi->start = NULL;
    gi->items = NULL;
    gi->built = false;
}

void gr_geoindex_add(struct gr_geoindex *gi, int64_t id, struct gr_shape *shape)
{
    if (gi->built)
        gi_drop_buckets(gi); /* an add after build: find() answers 0 until the next build */
    if (gi->n == gi->cap) {
        gi->cap = gi->cap ? gi->cap * 2 : 64;
        gi->e = gr_realloc(gi->e, gr_mul(gi->cap, sizeof(*gi->e)));
    }
    struct gi_entry *en = &gi->e[gi->n];
    en->id = id;
    en->seq = gi->n++;
    en->shape = *shape;
    gr_shape_finish(&en->shape);
    en->empty = true;
    for (size_t r = 0; r < shape->n_rings; r++)
        if (shape->rings[r].n > 0)
            en->empty = false;
    shape->rings = NULL; /* the index owns the rings now */
    shape->n_rings = 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct gi_entry *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The bucket range [lo, hi] that a box covers along one axis. */
static void gi_span(double lo, double hi, double origin, double inv, size_t n, size_t *a, size_t *b)
{
    double fa = (lo - origin) * inv, fb = (hi - origin) * inv;
    *a = fa <= 0 ? 0 : (fa >= (double)n ? n - 1 : (size_t)fa);
    *b = fb <= 0 ? 0 : (fb >= (double)n ? n - 1 : (size_t)fb);
}

/* The buckets a shape's box covers, widened by the edge tolerance of gr_shape_contains(). */
static void gi_box(const struct gr_geoindex *gi, const struct gr_shape *s, size_t *ax, size_t *bx,
                   size_t *ay, size_t *by)
{
    gi_span(s->min_x - EDGE_EPS, s->max_x + EDGE_EPS, gi->x0, gi->inv_w, gi->nx, ax, bx);
    gi_span(s->min_y - EDGE_EPS, s->max_y + EDGE_EPS, gi->y0, gi->inv_h, gi->ny, ay, by);
}

/* Count the bucket entries the current lattice needs; counts[] gets per-bucket sizes when
 * given. */
static size_t gi_count(const struct gr_geoindex *gi, uint32_t *counts)
{
    size_t total = 0;
    for (size_t k = 0; k < gi->n; k++) {
        const struct gi_entry *en = &gi->e[k];
        if (en->empty)
            continue;
        size_t ax, bx, ay, by;
        gi_box(gi, &en->shape, &ax, &bx, &ay, &by);
        total += (bx - ax + 1) * (by - ay + 1);
        if (counts)
            for (size_t y = ay; y <= by; y++)
                for (size_t x = ax; x <= bx; x++)
                    counts[y * gi->nx + x]++;
    }
    return total;
}

/* Choose a lattice of about target buckets with square-ish cells over the common box. */
static void gi_lattice(struct gr_geoindex *gi, size_t target)
{
    double w = gi->x1 - gi->x0, h = gi->y1 - gi->y0;
    double nx = sqrt((double)target * w / h);
    gi->nx = nx < 1 ? 1 : (nx > (double)target ? target : (size_t)nx);
    gi->ny = (target + gi->nx - 1) / gi->nx;
    gi->inv_w = (double)gi->nx / w;
    gi->inv_h = (double)gi->ny / h;
}

void gr_geoindex_build(struct gr_geoindex *gi)
{
    gi_drop_buckets(gi);
    if (gi->n > 1)
        qsort(gi->e, gi->n, sizeof(*gi->e), cmp_entry);
    gi->x0 = gi->y0 = INFINITY;
    gi->x1 = gi->y1 = -INFINITY;
    for (size_t k = 0; k < gi->n; k++) {
        const struct gi_entry *en = &gi->e[k];
        if (en->empty)
            continue;
        gi->x0 = fmin(gi->x0, en->shape.min_x);
        gi->y0 = fmin(gi->y0, en->shape.min_y);
        gi->x1 = fmax(gi->x1, en->shape.max_x);
        gi->y1 = fmax(gi->y1, en->shape.max_y);
    }
    if (gi->x0 > gi->x1) { /* nothing to find: one empty bucket */
        gi->x0 = gi->y0 = 0;
        gi->x1 = gi->y1 = 1;
    }
    /* Widen degenerate boxes so the lattice has a size. */
    if (gi->x1 - gi->x0 < 1e-9)
        gi->x1 = gi->x0 + 1e-9;
    if (gi->y1 - gi->y0 < 1e-9)
        gi->y1 = gi->y0 + 1e-9;
    size_t target = gi->n > GI_MAX_BUCKETS / GI_BUCKETS_PER_SHAPE ? GI_MAX_BUCKETS
                                                                  : gi->n * GI_BUCKETS_PER_SHAPE;
    if (target == 0)
        target = 1;
    gi_lattice(gi, target);
    /* Large overlapping shapes could need too many entries: coarsen until they fit. */
    while (gi_count(gi, NULL) > GI_MAX_ITEMS && target > 1) {
        target /= 4;
        gi_lattice(gi, target ? target : 1);
    }
    size_t nb = gi->nx * gi->ny;
    uint32_t *counts = gr_calloc(nb + 1, sizeof(uint32_t));
    size_t total = gi_count(gi, counts);
    gi->start = gr_malloc(gr_mul(nb + 1, sizeof(uint32_t)));
    gi->items = gr_malloc(gr_mul(total ? total : 1, sizeof(uint32_t)));
    uint32_t at = 0;
    for (size_t b = 0; b < nb; b++) {
        gi->start[b] = at;
        at += counts[b];
        counts[b] = gi->start[b]; /* now the fill cursor */
    }
    gi->start[nb] = at;
    for (size_t k = 0; k < gi->n; k++) {
        const struct gi_entry *en = &gi->e[k];
        if (en->empty)
            continue;
        size_t ax, bx, ay, by;
        gi_box(gi, &en->shape, &ax, &bx, &ay, &by);
        for (size_t y = ay; y <= by; y++)
            for (size_t x = ax; x <= bx; x++)
                gi->items[counts[y * gi->nx + x]++] = (uint32_t)k;
    }
    free(counts);
    gi->built = true;
}

int64_t gr_geoindex_find(const struct gr_geoindex *gi, double x, double y)
{
    if (!gi->built)
        return 0;
    /* Points a hair outside the box may still lie on an edge of a shape. */
    if (!(x >= gi->x0 - EDGE_EPS && x <= gi->x1 + EDGE_EPS && y >= gi->y0 - EDGE_EPS &&
          y <= gi->y1 + EDGE_EPS))
        return 0;
    size_t bx, by, ignored;
    gi_span(x, x, gi->x0, gi->inv_w, gi->nx, &bx, &ignored);
    gi_span(y, y, gi->y0, gi->inv_h, gi->ny, &by, &ignored);
    size_t b = by * gi->nx + bx;
    for (uint32_t i = gi->start[b]; i < gi->start[b + 1]; i++) {
        const struct gi_entry *en = &gi->e[gi->items[i]];
        if (gr_shape_contains(&en->shape, x, y))
            return en->id;
    }
    return 0;
}

size_t gr_geoindex_count(const struct gr_geoindex *gi)
{
    return gi->n;
}

void gr_geoindex_free(struct gr_geoindex *gi)
{
    if (!gi)
        return;
    for (size_t k = 0; k < gi->n; k++)
        gr_shape_cleanup(&gi->e[k].shape);
    free(gi->e);
    gi_drop_buckets(gi);
    free(gi);
}
