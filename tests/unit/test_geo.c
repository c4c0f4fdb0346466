/*
 * test_geo.c - polygons and the locate index: containment with holes and on edges, label
 * points of concave shapes, shape checks, the packed form, and index lookups against a
 * brute-force search over random shapes and points.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/mem.h"
#include "core/geo.h"

/* A shape of up to four rings built from static coordinates (not owned). */
struct fixture {
    struct gr_ring rings[4];
    struct gr_shape s;
};

static void fixture_ring(struct fixture *f, const double *xy, size_t n, bool hole)
{
    struct gr_ring *r = &f->rings[f->s.n_rings++];
    r->xy = (double *)xy;
    r->n = n;
    r->hole = hole;
    f->s.rings = f->rings;
    gr_shape_finish(&f->s);
}

/* A square 0..10 with a square hole 3..7, the outer ring closed, the hole not. */
static const double square[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0};
static const double hole[] = {3, 3, 3, 7, 7, 7, 7, 3};
/* A U: its centroid (5, 4.4) lies in the notch, outside the shape. */
static const double u_shape[] = {0, 0, 10, 0, 10, 10, 7, 10, 7, 3, 3, 3, 3, 10, 0, 10};

static void square_with_hole(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    fixture_ring(f, square, 5, false);
    fixture_ring(f, hole, 4, true);
}

static void test_bbox(void **state)
{
    struct fixture f;
    square_with_hole(&f);
    assert_true(f.s.min_x == 0 && f.s.min_y == 0 && f.s.max_x == 10 && f.s.max_y == 10);
    struct gr_shape empty = {0};
    gr_shape_finish(&empty);
    assert_true(empty.min_x == 0 && empty.max_x == 0);
}

static void test_contains_hole(void **state)
{
    struct fixture f;
    square_with_hole(&f);
    assert_true(gr_shape_contains(&f.s, 1, 1));
    assert_true(gr_shape_contains(&f.s, 9, 5));
    assert_false(gr_shape_contains(&f.s, 5, 5)); /* in the hole */
    assert_false(gr_shape_contains(&f.s, 11, 5));
    assert_false(gr_shape_contains(&f.s, -0.001, 5));
    assert_false(gr_shape_contains(&f.s, 5, 10.001));
    assert_false(gr_shape_contains(&f.s, NAN, 5));
}

static void test_contains_edges(void **state)
{
    struct fixture f;
    square_with_hole(&f);
    /* Edges and vertices of the outer ring and of the hole count as inside. */
    const double on[][2] = {{0, 5}, {10, 5}, {5, 0}, {5, 10}, {0, 0}, {10, 10},
                            {3, 5}, {7, 5},  {5, 3}, {5, 7},  {3, 3}, {7, 7}};
    for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
        assert_true(gr_shape_contains(&f.s, on[i][0], on[i][1]));
    /* A diagonal edge. */
    static const double tri[] = {0, 0, 4, 0, 0, 4};
    struct fixture t = {0};
    fixture_ring(&t, tri, 3, false);
    assert_true(gr_shape_contains(&t.s, 2, 2));
    assert_true(gr_shape_contains(&t.s, 1, 1));
    assert_false(gr_shape_contains(&t.s, 2.001, 2.001));
}

static void test_contains_multipolygon(void **state)
{
    static const double a[] = {0, 0, 1, 0, 1, 1, 0, 1};
    static const double b[] = {5, 5, 6, 5, 6, 6, 5, 6};
    struct fixture f = {0};
    fixture_ring(&f, a, 4, false);
    fixture_ring(&f, b, 4, false);
    assert_true(gr_shape_contains(&f.s, 0.5, 0.5));
    assert_true(gr_shape_contains(&f.s, 5.5, 5.5));
    assert_false(gr_shape_contains(&f.s, 3, 3));
}

/* Distance from (x, y) to the nearest edge of s. */
static double edge_distance(const struct gr_shape *s, double x, double y)
{
    double best = INFINITY;
    for (size_t r = 0; r < s->n_rings; r++) {
        const double *p = s->rings[r].xy;
        for (size_t i = 0, j = s->rings[r].n - 1; i < s->rings[r].n; j = i++) {
            double dx = p[2 * i] - p[2 * j], dy = p[2 * i + 1] - p[2 * j + 1];
            double t = ((x - p[2 * j]) * dx + (y - p[2 * j + 1]) * dy) / (dx * dx + dy * dy);
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            best = fmin(best, hypot(p[2 * j] + t * dx - x, p[2 * j + 1] + t * dy - y));
        }
    }
    return best;
}

static void test_label_concave(void **state)
{
    struct fixture f = {0};
    fixture_ring(&f, u_shape, 8, false);
    double cx = 0, cy = 0; /* the area centroid is outside */
    assert_false(gr_shape_contains(&f.s, 5, 4.42));
    assert_int_equal(gr_shape_label_point(&f.s, &cx, &cy), GR_OK);
    assert_true(gr_shape_contains(&f.s, cx, cy));
    /* Away from the edges: the arms and the bar are 3 wide, so the best clearance is 1.5. */
    assert_true(edge_distance(&f.s, cx, cy) >= 1.2);
}

static void test_label_hole(void **state)
{
    struct fixture f;
    square_with_hole(&f);
    double x, y;
    assert_int_equal(gr_shape_label_point(&f.s, &x, &y), GR_OK);
    assert_true(gr_shape_contains(&f.s, x, y));
    /* Not in the hole, and not hugging an edge. */
    assert_false(x > 3 && x < 7 && y > 3 && y < 7);
    assert_true(edge_distance(&f.s, x, y) >= 1.2);
}

static void test_label_simple_and_empty(void **state)
{
    static const double rect[] = {100, 20, 102, 20, 102, 21, 100, 21};
    struct fixture f = {0};
    fixture_ring(&f, rect, 4, false);
    double x, y;
    assert_int_equal(gr_shape_label_point(&f.s, &x, &y), GR_OK);
    assert_true(fabs(x - 101) < 0.05 && fabs(y - 20.5) < 0.05);
    struct gr_shape empty = {0};
    assert_int_equal(gr_shape_label_point(&empty, &x, &y), GR_EINVAL);
}

static void put(double *xy, size_t *n, double x, double y)
{
    xy[2 * *n] = x;
    xy[2 * *n + 1] = y;
    (*n)++;
}

/* A thin comb: many crossings per scan line (more than the stack buffer holds). */
static void test_label_many_crossings(void **state)
{
    size_t teeth = 400, n = 0;
    double *xy = gr_malloc(sizeof(double) * 2 * (4 * teeth + 4));
    for (size_t t = 0; t < teeth; t++) {
        double x = (double)t;
        put(xy, &n, x, 0);
        put(xy, &n, x, 10);
        put(xy, &n, x + 0.5, 10);
        put(xy, &n, x + 0.5, 1);
    }
    put(xy, &n, (double)teeth, 1);
    put(xy, &n, (double)teeth, -1);
    put(xy, &n, 0, -1);
    struct fixture f = {0};
    fixture_ring(&f, xy, n, false);
    double x, y;
    assert_int_equal(gr_shape_label_point(&f.s, &x, &y), GR_OK);
    assert_true(gr_shape_contains(&f.s, x, y));
    free(xy);
}

static void test_check(void **state)
{
    const char *why = NULL;
    struct fixture f;
    square_with_hole(&f);
    assert_int_equal(gr_shape_check(&f.s, &why), GR_OK);

    struct gr_shape none = {0};
    assert_int_equal(gr_shape_check(&none, &why), GR_EINVAL);
    assert_non_null(why);

    static const double two[] = {0, 0, 1, 1};
    struct fixture a = {0};
    fixture_ring(&a, two, 2, false);
    assert_int_equal(gr_shape_check(&a.s, &why), GR_EINVAL);

    static const double line[] = {0, 0, 1, 1, 2, 2, 0, 0};
    struct fixture b = {0};
    fixture_ring(&b, line, 4, false);
    assert_int_equal(gr_shape_check(&b.s, &why), GR_EINVAL);

    static const double far[] = {0, 0, 200, 0, 200, 1};
    struct fixture c = {0};
    fixture_ring(&c, far, 3, false);
    assert_int_equal(gr_shape_check(&c.s, &why), GR_EINVAL);

    double nan_xy[] = {0, 0, 1, 0, NAN, 1};
    struct fixture d = {0};
    fixture_ring(&d, nan_xy, 3, false);
    assert_int_equal(gr_shape_check(&d.s, &why), GR_EINVAL);

    struct fixture e = {0};
    fixture_ring(&e, hole, 4, true); /* a hole first */
    assert_int_equal(gr_shape_check(&e.s, &why), GR_EINVAL);
}

static void test_pack_round_trip(void **state)
{
    struct fixture f;
    square_with_hole(&f);
    size_t len = 0;
    void *blob = gr_shape_pack(&f.s, &len);
    assert_int_equal(len, 4 + (8 + 5 * 16) + (8 + 4 * 16));
    struct gr_shape out;
    assert_int_equal(gr_shape_unpack(blob, len, &out), GR_OK);
    assert_int_equal(out.n_rings, 2);
    for (size_t r = 0; r < 2; r++) {
        assert_int_equal(out.rings[r].n, f.rings[r].n);
        assert_int_equal(out.rings[r].hole, f.rings[r].hole);
        assert_memory_equal(out.rings[r].xy, f.rings[r].xy, f.rings[r].n * 2 * sizeof(double));
    }
    assert_true(out.min_x == 0 && out.max_y == 10);
    assert_false(gr_shape_contains(&out, 5, 5));
    gr_shape_cleanup(&out);

    /* Truncated, padded, absurd counts, and non-finite points are refused. */
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(gr_shape_unpack(blob, cut, &out), GR_EINVAL);
    unsigned char *big = gr_malloc(len + 1);
    memcpy(big, blob, len);
    big[len] = 0;
    assert_int_equal(gr_shape_unpack(big, len + 1, &out), GR_EINVAL);
    uint32_t huge = 0xffffffffu;
    memcpy(big, &huge, 4);
    assert_int_equal(gr_shape_unpack(big, len, &out), GR_EINVAL);
    memcpy(big, blob, len);
    memcpy(big + 4, &huge, 4); /* the first ring's point count */
    assert_int_equal(gr_shape_unpack(big, len, &out), GR_EINVAL);
    memcpy(big, blob, len);
    double nan = NAN;
    memcpy(big + 12, &nan, sizeof(double));
    assert_int_equal(gr_shape_unpack(big, len, &out), GR_EINVAL);
    assert_int_equal(out.n_rings, 0);
    free(big);
    free(blob);

    /* The empty shape packs to its ring count alone. */
    struct gr_shape empty = {0};
    blob = gr_shape_pack(&empty, &len);
    assert_int_equal(len, 4);
    assert_int_equal(gr_shape_unpack(blob, len, &out), GR_OK);
    assert_int_equal(out.n_rings, 0);
    gr_shape_cleanup(&out);
    free(blob);
}

/* ---- The index against brute force. ---- */

static uint64_t rng_state = 0x1234567887654321ull;

static double unit(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * 0x1.0p-53;
}

/* A random star-shaped polygon (concave in general) around (cx, cy), sometimes with a hole. */
static void random_shape(struct gr_shape *s, double cx, double cy, double r)
{
    size_t n = 5 + (size_t)(unit() * 12);
    bool with_hole = unit() < 0.25;
    s->n_rings = with_hole ? 2 : 1;
    s->rings = gr_calloc(s->n_rings, sizeof(struct gr_ring));
    s->rings[0].n = n;
    s->rings[0].xy = gr_malloc(n * 2 * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double a = 2 * M_PI * (double)i / (double)n, rr = r * (0.4 + 0.6 * unit());
        s->rings[0].xy[2 * i] = cx + rr * cos(a);
        s->rings[0].xy[2 * i + 1] = cy + rr * sin(a);
    }
    if (with_hole) {
        double h = r * 0.15;
        double xy[] = {cx - h, cy - h, cx - h, cy + h, cx + h, cy + h, cx + h, cy - h};
        s->rings[1].n = 4;
        s->rings[1].hole = true;
        s->rings[1].xy = gr_malloc(sizeof(xy));
        memcpy(s->rings[1].xy, xy, sizeof(xy));
    }
    gr_shape_finish(s);
}

static int64_t brute_find(const struct gr_shape *shapes, const int64_t *ids, size_t n, double x,
                          double y)
{
    int64_t best = 0;
    for (size_t i = 0; i < n; i++)
        if ((best == 0 || ids[i] < best) && gr_shape_contains(&shapes[i], x, y))
            best = ids[i];
    return best;
}

static void test_index_vs_brute_force(void **state)
{
    enum { N = 1500, POINTS = 20000 };
    struct gr_shape *copies = gr_calloc(N, sizeof(struct gr_shape));
    int64_t *ids = gr_calloc(N, sizeof(int64_t));
    struct gr_geoindex *gi = gr_geoindex_new();
    for (size_t i = 0; i < N; i++) {
        struct gr_shape s = {0};
        /* Overlapping shapes of mixed sizes over a box near Nanchang. */
        double r = unit() < 0.05 ? 0.05 : 0.004 + 0.01 * unit();
        random_shape(&s, 115.7 + 0.4 * unit(), 28.5 + 0.4 * unit(), r);
        ids[i] = (int64_t)(1 + (i * 7919) % 100000); /* distinct, not in order */
        size_t len;
        void *blob = gr_shape_pack(&s, &len);
        assert_int_equal(gr_shape_unpack(blob, len, &copies[i]), GR_OK);
        free(blob);
        gr_geoindex_add(gi, ids[i], &s);
        assert_int_equal(s.n_rings, 0); /* the index took the rings */
    }
    gr_geoindex_build(gi);
    assert_int_equal(gr_geoindex_count(gi), N);
    size_t hits = 0;
    for (size_t k = 0; k < POINTS; k++) {
        double x = 115.65 + 0.5 * unit(), y = 28.45 + 0.5 * unit();
        int64_t want = brute_find(copies, ids, N, x, y);
        assert_int_equal(gr_geoindex_find(gi, x, y), want);
        hits += want != 0;
    }
    assert_true(hits > POINTS / 10); /* the test did look inside shapes */
    /* Vertices are on edges: found. Far away: nothing. */
    assert_int_equal(
        gr_geoindex_find(gi, copies[0].rings[0].xy[0], copies[0].rings[0].xy[1]),
        brute_find(copies, ids, N, copies[0].rings[0].xy[0], copies[0].rings[0].xy[1]));
    assert_int_not_equal(gr_geoindex_find(gi, copies[0].rings[0].xy[0], copies[0].rings[0].xy[1]),
                         0);
    assert_int_equal(gr_geoindex_find(gi, 0, 0), 0);
    assert_int_equal(gr_geoindex_find(gi, NAN, 28.6), 0);
    gr_geoindex_free(gi);
    for (size_t i = 0; i < N; i++)
        gr_shape_cleanup(&copies[i]);
    free(copies);
    free(ids);
}

static void test_index_overlap_smallest_id(void **state)
{
    struct gr_geoindex *gi = gr_geoindex_new();
    for (int64_t id = 30; id >= 10; id -= 10) {
        struct gr_shape s = {0};
        s.n_rings = 1;
        s.rings = gr_calloc(1, sizeof(struct gr_ring));
        s.rings[0].n = 4;
        s.rings[0].xy = gr_malloc(8 * sizeof(double));
        double d = (double)id / 10; /* nested squares 0..1, 0..2, 0..3 */
        double xy[] = {0, 0, d, 0, d, d, 0, d};
        memcpy(s.rings[0].xy, xy, sizeof(xy));
        gr_geoindex_add(gi, id, &s);
    }
    assert_int_equal(gr_geoindex_find(gi, 0.5, 0.5), 0); /* not built yet */
    gr_geoindex_build(gi);
    assert_int_equal(gr_geoindex_find(gi, 0.5, 0.5), 10);
    assert_int_equal(gr_geoindex_find(gi, 1.5, 1.5), 20);
    assert_int_equal(gr_geoindex_find(gi, 2.5, 2.5), 30);
    assert_int_equal(gr_geoindex_find(gi, 3.5, 2.5), 0);
    assert_int_equal(gr_geoindex_find(gi, 3, 3), 30); /* a corner */
    gr_geoindex_free(gi);
    gr_geoindex_free(NULL);
}

static void test_index_empty(void **state)
{
    struct gr_geoindex *gi = gr_geoindex_new();
    gr_geoindex_build(gi);
    assert_int_equal(gr_geoindex_count(gi), 0);
    assert_int_equal(gr_geoindex_find(gi, 0.5, 0.5), 0);
    struct gr_shape empty = {0};
    gr_geoindex_add(gi, 5, &empty);
    gr_geoindex_build(gi);
    assert_int_equal(gr_geoindex_count(gi), 1);
    assert_int_equal(gr_geoindex_find(gi, 0, 0), 0);
    gr_geoindex_free(gi);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bbox),
        cmocka_unit_test(test_contains_hole),
        cmocka_unit_test(test_contains_edges),
        cmocka_unit_test(test_contains_multipolygon),
        cmocka_unit_test(test_label_concave),
        cmocka_unit_test(test_label_hole),
        cmocka_unit_test(test_label_simple_and_empty),
        cmocka_unit_test(test_label_many_crossings),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_pack_round_trip),
        cmocka_unit_test(test_index_vs_brute_force),
        cmocka_unit_test(test_index_overlap_smallest_id),
        cmocka_unit_test(test_index_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
