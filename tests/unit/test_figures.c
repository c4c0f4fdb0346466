/*
 * test_figures.c - src/core/figures.c: what one case contributes in each state of its life,
 * that the deltas of a case's changes sum to its final contribution, and each rate's
 * formula with its denominator (and "no data" when the denominator is zero).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/case.h"
#include "core/figures.h"

static void nothing_before_creation(void **state)
{
    (void)state;
    struct gr_case_facts f = {.exists = false, .open = true, .accepted_at = 5};
    int64_t c[GR_N_FIGS];
    gr_fig_contribution(&f, c);
    for (int i = 0; i < GR_N_FIGS; i++)
        assert_int_equal(c[i], 0);
}

static void a_new_case_is_total_and_open(void **state)
{
    (void)state;
    struct gr_case_facts f = {.exists = true, .open = true, .created_at = 100};
    int64_t c[GR_N_FIGS];
    gr_fig_contribution(&f, c);
    assert_int_equal(c[GR_FIG_TOTAL], 1);
    assert_int_equal(c[GR_FIG_OPEN], 1);
    assert_int_equal(c[GR_FIG_ACCEPTED], 0);
    assert_int_equal(c[GR_FIG_CLOSED], 0);
    assert_int_equal(c[GR_FIG_HANDLING_SECONDS], 0);
}

static void on_time_is_measured_against_the_promise(void **state)
{
    (void)state;
    struct gr_case_facts f = {.exists = true,
                              .closed = true,
                              .created_at = 100,
                              .accepted_at = 110,
                              .responded_at = 200,
                              .respond_due = 200,
                              .resolved_at = 900,
                              .closed_at = 1000,
                              .promised_due = 1000};
    int64_t c[GR_N_FIGS];
    gr_fig_contribution(&f, c);
    assert_int_equal(c[GR_FIG_RESPONDED_ON_TIME], 1); /* exactly at the limit counts */
    assert_int_equal(c[GR_FIG_CLOSED_ON_TIME], 1);
    assert_int_equal(c[GR_FIG_HANDLING_SECONDS], 900);
    f.closed_at = 1001;
    f.responded_at = 201;
    gr_fig_contribution(&f, c);
    assert_int_equal(c[GR_FIG_RESPONDED], 1);
    assert_int_equal(c[GR_FIG_RESPONDED_ON_TIME], 0);
    assert_int_equal(c[GR_FIG_CLOSED_ON_TIME], 0);
}

static void overdue_counts_only_while_open(void **state)
{
    (void)state;
    struct gr_case_facts f = {.exists = true, .open = true, .overdue = true};
    int64_t c[GR_N_FIGS];
    gr_fig_contribution(&f, c);
    assert_int_equal(c[GR_FIG_OVERDUE_OPEN], 1);
    f.open = false;
    f.closed = true;
    gr_fig_contribution(&f, c);
    assert_int_equal(c[GR_FIG_OVERDUE_OPEN], 0);
}

static void ratings_and_repeats(void **state)
{
    (void)state;
    struct gr_case_facts f = {.exists = true,
                              .closed = true,
                              .rated = true,
                              .resolved_answer = GR_RES_PARTLY,
                              .satisfaction_answer = GR_SAT_BASIC,
                              .reworks = 2,
                              .extensions = 3,
                              .escalations = 1,
                              .reopens = 1};
    int64_t c[GR_N_FIGS];
    gr_fig_contribution(&f, c);
    assert_int_equal(c[GR_FIG_RATED], 1);
    assert_int_equal(c[GR_FIG_RATED_YES], 0);
    assert_int_equal(c[GR_FIG_RATED_PARTLY], 1);
    assert_int_equal(c[GR_FIG_RATED_SATISFIED], 0);
    assert_int_equal(c[GR_FIG_RATED_BASIC], 1);
    assert_int_equal(c[GR_FIG_REWORKS], 2);
    assert_int_equal(c[GR_FIG_REWORKED], 1);
    assert_int_equal(c[GR_FIG_EXTENSIONS], 1); /* cases extended, not extensions */
    assert_int_equal(c[GR_FIG_ESCALATIONS], 1);
    assert_int_equal(c[GR_FIG_REOPENS], 1);
}

/* The store adds contribution(after) - contribution(before) at each change: the sum of
 * the deltas over a case's life is its final contribution, whatever the path. */
static void deltas_telescope(void **state)
{
    (void)state;
    struct gr_case_facts life[] = {
        {.exists = false},
        {.exists = true, .open = true, .created_at = 10},
        {.exists = true, .open = true, .created_at = 10, .accepted_at = 20},
        {.exists = true,
         .open = true,
         .created_at = 10,
         .accepted_at = 20,
         .responded_at = 30,
         .respond_due = 40,
         .promised_due = 100},
        {.exists = true,
         .open = true,
         .overdue = true,
         .created_at = 10,
         .accepted_at = 20,
         .responded_at = 30,
         .respond_due = 40,
         .promised_due = 100},
        {.exists = true,
         .closed = true,
         .overdue = true,
         .created_at = 10,
         .accepted_at = 20,
         .responded_at = 30,
         .respond_due = 40,
         .promised_due = 100,
         .resolved_at = 150,
         .closed_at = 160},
        {.exists = true,
         .open = true,
         .overdue = true,
         .created_at = 10,
         .accepted_at = 20,
         .responded_at = 30,
         .respond_due = 40,
         .promised_due = 100,
         .resolved_at = 150,
         .rated = true,
         .satisfaction_answer = GR_SAT_UNSATISFIED,
         .reopens = 1},
        {.exists = true,
         .closed = true,
         .overdue = true,
         .created_at = 10,
         .accepted_at = 20,
         .responded_at = 30,
         .respond_due = 40,
         .promised_due = 100,
         .resolved_at = 150,
         .closed_at = 300,
         .rated = true,
         .satisfaction_answer = GR_SAT_UNSATISFIED,
         .reopens = 1},
    };
    size_t n = sizeof(life) / sizeof(life[0]);
    int64_t sum[GR_N_FIGS] = {0}, before[GR_N_FIGS], after[GR_N_FIGS];
    for (size_t k = 1; k < n; k++) {
        gr_fig_contribution(&life[k - 1], before);
        gr_fig_contribution(&life[k], after);
        for (int i = 0; i < GR_N_FIGS; i++)
            sum[i] += after[i] - before[i];
    }
    gr_fig_contribution(&life[n - 1], after);
    for (int i = 0; i < GR_N_FIGS; i++)
        assert_int_equal(sum[i], after[i]);
    assert_int_equal(sum[GR_FIG_OPEN], 0);
    assert_int_equal(sum[GR_FIG_CLOSED], 1);
    assert_int_equal(sum[GR_FIG_CLOSED_ON_TIME], 0);
    assert_int_equal(sum[GR_FIG_OVERDUE_OPEN], 0);
    assert_int_equal(sum[GR_FIG_HANDLING_SECONDS], 290);
}

static void rates_and_their_denominators(void **state)
{
    (void)state;
    int64_t s[GR_N_FIGS] = {0};
    s[GR_FIG_ACCEPTED] = 200;
    s[GR_FIG_RESPONDED_ON_TIME] = 150;
    s[GR_FIG_RATED] = 80;
    s[GR_FIG_RATED_YES] = 60;
    s[GR_FIG_RATED_PARTLY] = 10;
    s[GR_FIG_RATED_SATISFIED] = 50;
    s[GR_FIG_RATED_BASIC] = 20;
    s[GR_FIG_CLOSED] = 90;
    s[GR_FIG_CLOSED_ON_TIME] = 81;
    s[GR_FIG_OVERDUE_OPEN] = 10;
    s[GR_FIG_RESOLVED] = 100;
    s[GR_FIG_REWORKED] = 5;
    s[GR_FIG_EXTENSIONS] = 4;
    s[GR_FIG_HANDLING_SECONDS] = 90 * 7200;
    struct gr_rates r;
    gr_fig_rates(s, &r);
    assert_float_equal(r.response, 150.0 / 200, 1e-12);
    assert_float_equal(r.resolution, 60.0 / 80, 1e-12);   /* "partly" is not resolved */
    assert_float_equal(r.satisfaction, 70.0 / 80, 1e-12); /* basically satisfied counts */
    assert_float_equal(r.on_time, 81.0 / 100, 1e-12);     /* open overdue ones count against */
    assert_float_equal(r.rework, 5.0 / 100, 1e-12);
    assert_float_equal(r.extension, 4.0 / 200, 1e-12);
    assert_float_equal(r.mean_handling_hours, 2.0, 1e-12);
}

static void no_denominator_is_no_data(void **state)
{
    (void)state;
    int64_t s[GR_N_FIGS] = {0};
    s[GR_FIG_TOTAL] = 3; /* submitted, none accepted, rated or closed yet */
    struct gr_rates r;
    gr_fig_rates(s, &r);
    assert_true(r.response < 0);
    assert_true(r.resolution < 0);
    assert_true(r.satisfaction < 0);
    assert_true(r.on_time < 0);
    assert_true(r.rework < 0);
    assert_true(r.extension < 0);
    assert_true(r.mean_handling_hours < 0);
}

static void column_names_are_the_enum(void **state)
{
    (void)state;
    assert_string_equal(gr_fig_names[GR_FIG_TOTAL], "total");
    assert_string_equal(gr_fig_names[GR_FIG_RESPONDED_ON_TIME], "responded_on_time");
    assert_string_equal(gr_fig_names[GR_FIG_OVERDUE_OPEN], "overdue_open");
    assert_string_equal(gr_fig_names[GR_FIG_HANDLING_SECONDS], "handling_seconds");
    for (int i = 0; i < GR_N_FIGS; i++)
        for (int j = i + 1; j < GR_N_FIGS; j++)
            assert_true(strcmp(gr_fig_names[i], gr_fig_names[j]) != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_before_creation),
        cmocka_unit_test(a_new_case_is_total_and_open),
        cmocka_unit_test(on_time_is_measured_against_the_promise),
        cmocka_unit_test(overdue_counts_only_while_open),
        cmocka_unit_test(ratings_and_repeats),
        cmocka_unit_test(deltas_telescope),
        cmocka_unit_test(rates_and_their_denominators),
        cmocka_unit_test(no_denominator_is_no_data),
        cmocka_unit_test(column_names_are_the_enum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
