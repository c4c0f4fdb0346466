/*
 * test_calendar.c - src/core/calendar.c: dates (parse, format, next, weekday, leap years),
 * the calendar check, working days with China's holidays and make-up days, working-time sums
 * at and around period boundaries, across weekends, holidays and the year end, and the sums
 * against a minute-by-minute reference written here over many random starts (fixed seed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/calendar.h"

#define MIN 60
#define HOUR 3600

static struct gr_calendar cn_cal(void)
{
    struct gr_calendar c;
    gr_cal_default(&c);
    c.days = gr_cal_cn_days;
    c.n_days = gr_cal_cn_n_days;
    return c;
}

static gr_ymd ymd(const char *s)
{
    gr_ymd d = 0;
    assert_true(gr_ymd_parse(s, &d));
    return d;
}

/* Local wall-clock time of the calendar. */
static int64_t at(const struct gr_calendar *c, const char *date, int h, int m)
{
    return gr_cal_midnight(c, ymd(date)) + (int64_t)h * HOUR + (int64_t)m * MIN;
}

/* ---- A minute-by-minute reference --------------------------------------------------------- */

static bool ref_working(const struct gr_calendar *c, int64_t t)
{
    gr_ymd d = gr_cal_date(c, t);
    int64_t sod = t - gr_cal_midnight(c, d);
    if (!gr_cal_is_workday(c, d))
        return false;
    for (int i = 0; i < c->n_periods; i++)
        if (sod >= (int64_t)c->period_start[i] * MIN && sod < (int64_t)c->period_end[i] * MIN)
            return true;
    return false;
}

/* t minute-aligned (in local time, which every offset here keeps). */
static int64_t ref_add(const struct gr_calendar *c, int64_t t, int64_t m)
{
    if (m == 0) {
        while (!ref_working(c, t))
            t += MIN;
        return t;
    }
    for (; m > 0; t += MIN)
        if (ref_working(c, t))
            m--;
    return t;
}

static int64_t ref_between(const struct gr_calendar *c, int64_t a, int64_t b)
{
    int64_t n = 0;
    for (int64_t t = a; t < b; t += MIN)
        n += ref_working(c, t);
    return n;
}

static int64_t ref_close(const struct gr_calendar *c, gr_ymd d)
{
    return gr_cal_midnight(c, d) + (int64_t)c->period_end[c->n_periods - 1] * MIN;
}

static int64_t ref_add_days(const struct gr_calendar *c, int64_t t, int days)
{
    gr_ymd d = gr_cal_date(c, t);
    if (days == 0 && gr_cal_is_workday(c, d) && t < ref_close(c, d))
        return ref_close(c, d);
    if (days == 0)
        days = 1;
    while (days > 0) {
        d = gr_ymd_next(d);
        days -= gr_cal_is_workday(c, d);
    }
    return ref_close(c, d);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(uint64_t n)
{
    /* xorshift64*: fixed seed, the same draws on every run. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (rng_state * 0x2545f4914f6cdd1du) % n;
}

/* A second calendar unlike the default: three periods, one touching midnight on each side, a
 * negative offset, and a few exceptions of its own. */
static const struct gr_cal_day odd_days[] = {
    {20261116, 'h', NULL}, {20261117, 'h', NULL}, {20261121, 'w', NULL},
    {20261225, 'h', NULL}, {20261226, 'w', NULL}, {20261227, 'w', NULL},
};

static struct gr_calendar odd_cal(void)
{
    struct gr_calendar c;
    memset(&c, 0, sizeof(c));
    c.utc_offset_min = -300;
    c.n_periods = 3;
    c.period_start[0] = 0;
    c.period_end[0] = 60;
    c.period_start[1] = 600;
    c.period_end[1] = 905;
    c.period_start[2] = 1380;
    c.period_end[2] = 1440;
    c.days = odd_days;
    c.n_days = sizeof(odd_days) / sizeof(odd_days[0]);
    return c;
}

/* ---- Dates ------------------------------------------------------------------------------ */

static void ymd_parse_and_format(void **state)
{
    (void)state;
    static const char *const good[] = {"2026-10-01", "2024-02-29", "2000-02-29", "0001-01-01",
                                       "9999-12-31", "2026-12-31", "2027-01-01"};
    static const char *const bad[] = {"2023-02-29", "1900-02-29",  "2100-02-29",  "2026-13-01",
                                      "2026-00-10", "2026-04-31",  "2026-10-00",  "2026-10-32",
                                      "0000-01-01", "2026-4-01",   "2026/10/01",  "20261001",
                                      "",           " 2026-10-01", "2026-10-01 ", "2026-10-01x",
                                      "+026-10-01", "2026-1a-01",  "2026--10-1",  "99999-01-01"};
    char out[11];
    gr_ymd d;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        d = 0;
        assert_true(gr_ymd_parse(good[i], &d));
        gr_ymd_format(d, out);
        assert_string_equal(out, good[i]);
    }
    assert_int_equal(ymd("2026-10-01"), 20261001);
    assert_int_equal(ymd("0001-01-01"), 10101);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        d = 12345;
        if (gr_ymd_parse(bad[i], &d))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(d, 12345);
    }
    assert_false(gr_ymd_parse(NULL, &d));
    assert_true(gr_ymd_parse("2026-02-28", NULL));
    gr_ymd_format(20270309, out);
    assert_string_equal(out, "2027-03-09");
}

static void ymd_next_and_weekday(void **state)
{
    (void)state;
    static const gr_ymd next[][2] = {
        {20261231, 20270101}, {20240228, 20240229}, {20240229, 20240301}, {20230228, 20230301},
        {19000228, 19000301}, {20000228, 20000229}, {21000228, 21000301}, {20260430, 20260501},
        {20260131, 20260201}, {20261001, 20261002}};
    for (size_t i = 0; i < sizeof(next) / sizeof(next[0]); i++)
        assert_int_equal(gr_ymd_next(next[i][0]), next[i][1]);

    assert_int_equal(gr_ymd_weekday(19700101), 3); /* Thursday */
    assert_int_equal(gr_ymd_weekday(20000101), 5); /* Saturday */
    assert_int_equal(gr_ymd_weekday(20261001), 3); /* Thursday */
    assert_int_equal(gr_ymd_weekday(20261126), 3);
    assert_int_equal(gr_ymd_weekday(20261010), 5); /* a make-up Saturday */
    assert_int_equal(gr_ymd_weekday(20260920), 6); /* a make-up Sunday */
    assert_int_equal(gr_ymd_weekday(20270101), 4); /* Friday */
    assert_int_equal(gr_ymd_weekday(20240229), 3);
    assert_int_equal(gr_ymd_weekday(16000301), 2);
    assert_int_equal(gr_ymd_weekday(10101), 0); /* 0001-01-01 was a Monday (proleptic) */

    /* Walking 1900-01-01 .. 2101-01-01 day by day: the weekday turns by one, midnights are a
     * day apart (no time zone rules), each year has 365 or 366 days. */
    struct gr_calendar c;
    gr_cal_default(&c);
    gr_ymd d = 19000101;
    int days_in_year = 0, n_years = 0;
    while (d < 21010101) {
        gr_ymd n = gr_ymd_next(d);
        assert_int_equal(gr_ymd_weekday(n), (gr_ymd_weekday(d) + 1) % 7);
        assert_int_equal(gr_cal_midnight(&c, n) - gr_cal_midnight(&c, d), 86400);
        days_in_year++;
        if (n % 10000 == 101) {
            int y = d / 10000;
            bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            assert_int_equal(days_in_year, leap ? 366 : 365);
            days_in_year = 0;
            n_years++;
        }
        d = n;
    }
    assert_int_equal(n_years, 201);
    /* Invalid dates do not move. */
    assert_int_equal(gr_ymd_next(20260230), 20260230);
}

static void local_date_and_midnight(void **state)
{
    (void)state;
    struct gr_calendar c;
    gr_cal_default(&c);
    /* 2026-10-01 00:00 +08:00 is 2026-09-30 16:00 UTC. */
    assert_int_equal(gr_cal_midnight(&c, 20261001), INT64_C(1790784000));
    assert_int_equal(gr_cal_date(&c, INT64_C(1790784000)), 20261001);
    assert_int_equal(gr_cal_date(&c, INT64_C(1790784000) - 1), 20260930);
    assert_int_equal(gr_cal_date(&c, INT64_C(1790784000) + 86399), 20261001);
    assert_int_equal(gr_cal_date(&c, 0), 19700101);
    c.utc_offset_min = 0;
    assert_int_equal(gr_cal_midnight(&c, 19700101), 0);
    assert_int_equal(gr_cal_date(&c, -1), 19691231);
    assert_int_equal(gr_cal_date(&c, -86400), 19691231);
    assert_int_equal(gr_cal_date(&c, -86401), 19691230);
    c.utc_offset_min = -300;
    assert_int_equal(gr_cal_date(&c, 0), 19691231);
    assert_int_equal(gr_cal_midnight(&c, 19700101), 5 * HOUR);
}

/* ---- The calendar and the table --------------------------------------------------------- */

static void default_calendar(void **state)
{
    (void)state;
    struct gr_calendar c;
    const char *why = "untouched";
    memset(&c, 0x5a, sizeof(c));
    gr_cal_default(&c);
    assert_int_equal(c.utc_offset_min, 480);
    assert_int_equal(c.n_periods, 2);
    assert_int_equal(c.period_start[0], 510);
    assert_int_equal(c.period_end[0], 720);
    assert_int_equal(c.period_start[1], 840);
    assert_int_equal(c.period_end[1], 1050);
    assert_null(c.days);
    assert_int_equal(c.n_days, 0);
    assert_int_equal(gr_cal_check(&c, &why), GR_OK);
    assert_null(why);
    /* Monday to Friday without exceptions. */
    assert_true(gr_cal_is_workday(&c, 20261001));
    assert_false(gr_cal_is_workday(&c, 20261010));
}

static void check_rejects(void **state)
{
    (void)state;
    static const struct gr_cal_day unsorted[] = {{20261002, 'h', NULL}, {20261001, 'h', NULL}};
    static const struct gr_cal_day dup[] = {{20261001, 'h', NULL}, {20261001, 'w', NULL}};
    static const struct gr_cal_day unreal[] = {{20260230, 'h', NULL}};
    static const struct gr_cal_day badkind[] = {{20261001, 'x', NULL}};
    static const struct gr_cal_day ok[] = {{20261001, 'h', "国庆节"}, {20261010, 'w', NULL}};
    struct gr_calendar c;
    const char *why;

#define REJECT(mutate)                                                                             \
    do {                                                                                           \
        gr_cal_default(&c);                                                                        \
        mutate;                                                                                    \
        why = NULL;                                                                                \
        assert_int_equal(gr_cal_check(&c, &why), GR_EINVAL);                                       \
        assert_non_null(why);                                                                      \
        assert_true(strlen(why) > 0);                                                              \
    } while (0)

    REJECT(c.utc_offset_min = 15 * 60);
    REJECT(c.utc_offset_min = -13 * 60);
    REJECT(c.n_periods = 0);
    REJECT(c.n_periods = GR_CAL_MAX_PERIODS + 1);
    REJECT(c.period_start[0] = -1);
    REJECT(c.period_end[1] = 1441);
    REJECT(c.period_end[0] = 510);                           /* empty */
    REJECT(c.period_end[0] = 500);                           /* ends before it starts */
    REJECT(c.period_start[1] = 700);                         /* overlaps the morning */
    REJECT((c.period_start[0] = 840, c.period_end[0] = 1050, /* out of order */
            c.period_start[1] = 510, c.period_end[1] = 720));
    REJECT(c.n_days = 1); /* no table */
    REJECT((c.days = unsorted, c.n_days = 2));
    REJECT((c.days = dup, c.n_days = 2));
    REJECT((c.days = unreal, c.n_days = 1));
    REJECT((c.days = badkind, c.n_days = 1));
#undef REJECT

    /* Touching periods, a whole day, offsets at the limits and a proper table are fine. */
    gr_cal_default(&c);
    c.period_start[1] = 720;
    assert_int_equal(gr_cal_check(&c, NULL), GR_OK);
    c.n_periods = 1;
    c.period_start[0] = 0;
    c.period_end[0] = 1440;
    c.utc_offset_min = 14 * 60;
    c.days = ok;
    c.n_days = 2;
    assert_int_equal(gr_cal_check(&c, &why), GR_OK);
    c.utc_offset_min = -12 * 60;
    assert_int_equal(gr_cal_check(&c, &why), GR_OK);
    struct gr_calendar o = odd_cal();
    assert_int_equal(gr_cal_check(&o, &why), GR_OK);
}

static const struct gr_cal_day *cn_find(gr_ymd d)
{
    for (size_t i = 0; i < gr_cal_cn_n_days; i++)
        if (gr_cal_cn_days[i].ymd == d)
            return &gr_cal_cn_days[i];
    return NULL;
}

static void cn_table_is_sound(void **state)
{
    (void)state;
    static const char *const names[] = {"元旦",   "春节",   "清明节", "劳动节",
                                        "端午节", "中秋节", "国庆节"};
    struct gr_calendar c = cn_cal();
    const char *why = "untouched";
    int off[2] = {0, 0}, makeup[2] = {0, 0};

    assert_int_equal(gr_cal_check(&c, &why), GR_OK);
    assert_null(why);
    for (size_t i = 0; i < gr_cal_cn_n_days; i++) {
        const struct gr_cal_day *e = &gr_cal_cn_days[i];
        char s[11];
        gr_ymd_format(e->ymd, s);
        assert_true(gr_ymd_parse(s, NULL));
        if (i > 0)
            assert_true(e->ymd > gr_cal_cn_days[i - 1].ymd);
        assert_true(e->ymd / 10000 == 2026 || e->ymd / 10000 == 2027);
        assert_true(e->kind == GR_DAY_HOLIDAY || e->kind == GR_DAY_WORKDAY);
        assert_non_null(e->name);
        bool known = false;
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
            known = known || strcmp(e->name, names[k]) == 0;
        assert_true(known);
        /* A make-up day is a weekend day; a weekday off counts towards the year's total. */
        int y = e->ymd / 10000 - 2026;
        if (e->kind == GR_DAY_WORKDAY) {
            assert_true(gr_ymd_weekday(e->ymd) >= 5);
            makeup[y]++;
        } else if (gr_ymd_weekday(e->ymd) < 5) {
            off[y]++;
        }
    }
    /* The law gives 13 days a year (1 + 4 + 1 + 2 + 1 + 1 + 3); bridging days are worked back
     * on make-up days, so weekdays off less make-up days is 13 in each year. */
    assert_int_equal(off[0] - makeup[0], 13);
    assert_int_equal(off[1] - makeup[1], 13);
    assert_int_equal(makeup[0], 6);

    /* Since 2025 nobody works more than six days in a row round a holiday. */
    int run = 0, longest = 0;
    for (gr_ymd d = 20260101; d <= 20271231; d = gr_ymd_next(d)) {
        run = gr_cal_is_workday(&c, d) ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    assert_true(longest <= 6);

    assert_string_equal(cn_find(20261001)->name, "国庆节");
    assert_int_equal(cn_find(20261001)->kind, GR_DAY_HOLIDAY);
    assert_string_equal(cn_find(20260217)->name, "春节");
    assert_string_equal(cn_find(20270101)->name, "元旦");
}

static void cn_working_days(void **state)
{
    (void)state;
    struct gr_calendar c = cn_cal();
    /* From the 2026 notice. */
    static const gr_ymd off[] = {20260101, 20260102, 20260216, 20260220, 20260223, 20260406,
                                 20260501, 20260504, 20260505, 20260619, 20260925, 20261001,
                                 20261002, 20261005, 20261007, 20261011, 20261128};
    static const gr_ymd on[] = {20260104, 20260105, 20260214, 20260224, 20260228, 20260407,
                                20260509, 20260618, 20260920, 20260924, 20260928, 20261008,
                                20261009, 20261010, 20261126, 20261127, 20261130};
    for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
        if (gr_cal_is_workday(&c, off[i]))
            fail_msg("%d should be a day off", off[i]);
    for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
        if (!gr_cal_is_workday(&c, on[i]))
            fail_msg("%d should be a working day", on[i]);
    /* The whole National Day week is off, and the week around it has its make-up days. */
    int n = 0;
    for (gr_ymd d = 20260928; d <= 20261011; d = gr_ymd_next(d))
        n += gr_cal_is_workday(&c, d);
    assert_int_equal(n, 6); /* 28, 29, 30 Sep; 8, 9, 10 Oct */
    /* Years the table does not know are plain Monday to Friday. */
    assert_true(gr_cal_is_workday(&c, 20281002));
    assert_false(gr_cal_is_workday(&c, 20251004));
}

/* ---- add_minutes ------------------------------------------------------------------------ */

static void add_minutes_within_a_day(void **state)
{
    (void)state;
    struct gr_calendar c = cn_cal();
    const char *thu = "2026-11-26";
#define ADD(h, m, mins, want_day, wh, wm)                                                          \
    assert_int_equal(gr_cal_add_minutes(&c, at(&c, thu, h, m), mins), at(&c, want_day, wh, wm))

    ADD(9, 0, 30, thu, 9, 30);            /* inside a period */
    ADD(7, 0, 30, thu, 9, 0);             /* before the first period */
    ADD(0, 0, 1, thu, 8, 31);             /* from midnight */
    ADD(12, 30, 30, thu, 14, 30);         /* at lunch */
    ADD(11, 30, 60, thu, 14, 30);         /* across lunch */
    ADD(18, 0, 30, "2026-11-27", 9, 0);   /* after the close */
    ADD(8, 30, 210, thu, 12, 0);          /* the whole morning ends at its close */
    ADD(8, 30, 211, thu, 14, 1);          /* one more minute is after lunch */
    ADD(8, 30, 420, thu, 17, 30);         /* the whole day */
    ADD(8, 30, 421, "2026-11-27", 8, 31); /* and one more */
    ADD(12, 0, 1, thu, 14, 1);            /* at the morning's close */
    ADD(14, 0, 1, thu, 14, 1);            /* at the afternoon's start */
    ADD(17, 29, 1, thu, 17, 30);          /* the last minute */
    ADD(17, 30, 1, "2026-11-27", 8, 31);  /* at the close */
    ADD(23, 59, 1, "2026-11-27", 8, 31);  /* just before midnight */

    /* Zero minutes: a working moment stays, anything else moves to the next one. */
    ADD(8, 30, 0, thu, 8, 30);
    ADD(10, 15, 0, thu, 10, 15);
    ADD(6, 0, 0, thu, 8, 30);
    ADD(12, 0, 0, thu, 14, 0);
    ADD(13, 59, 0, thu, 14, 0);
    ADD(17, 29, 0, thu, 17, 29);
    ADD(17, 30, 0, "2026-11-27", 8, 30);
    /* Negative amounts count as none. */
    ADD(12, 0, -5, thu, 14, 0);
#undef ADD

    /* Seconds are kept. */
    int64_t t = at(&c, thu, 10, 15) + 30;
    assert_int_equal(gr_cal_add_minutes(&c, t, 0), t);
    assert_int_equal(gr_cal_add_minutes(&c, t, 1), t + MIN);
    t = at(&c, thu, 11, 59) + 30;
    assert_int_equal(gr_cal_add_minutes(&c, t, 1), at(&c, thu, 14, 0) + 30);
}

static void add_minutes_across_days(void **state)
{
    (void)state;
    struct gr_calendar c = cn_cal();
    struct gr_calendar plain;
    gr_cal_default(&plain);
#define ADD(cal, d, h, m, mins, want_day, wh, wm)                                                  \
    assert_int_equal(gr_cal_add_minutes(cal, at(cal, d, h, m), mins), at(cal, want_day, wh, wm))

    /* The header's example: Friday 17:00 + 60 ends Monday 09:00. */
    ADD(&c, "2026-11-27", 17, 0, 60, "2026-11-30", 9, 0);
    ADD(&c, "2026-11-27", 17, 0, 30, "2026-11-27", 17, 30);
    ADD(&c, "2026-11-28", 10, 0, 0, "2026-11-30", 8, 30); /* Saturday */
    ADD(&c, "2026-11-29", 10, 0, 60, "2026-11-30", 9, 30);
    /* National Day: Wednesday 30 September to Thursday 8 October. */
    ADD(&c, "2026-09-30", 17, 0, 60, "2026-10-08", 9, 0);
    ADD(&c, "2026-10-03", 10, 0, 0, "2026-10-08", 8, 30);
    /* A make-up Saturday counts, and so does a make-up Sunday. */
    ADD(&c, "2026-10-09", 17, 0, 60, "2026-10-10", 9, 0);
    ADD(&c, "2026-10-10", 17, 0, 60, "2026-10-12", 9, 0);
    ADD(&c, "2026-09-19", 10, 0, 0, "2026-09-20", 8, 30);
    /* Mid-Autumn: Friday 25 to Sunday 27 September. */
    ADD(&c, "2026-09-24", 17, 0, 60, "2026-09-28", 9, 0);
    /* Spring Festival 2026: the Saturday before is worked, then nine days off. */
    ADD(&c, "2026-02-13", 17, 0, 60, "2026-02-14", 9, 0);
    ADD(&c, "2026-02-14", 17, 0, 60, "2026-02-24", 9, 0);
    /* Across the year end: New Year's Day 2027 joins the weekend. */
    ADD(&c, "2026-12-31", 17, 0, 60, "2027-01-04", 9, 0);
    ADD(&plain, "2026-12-31", 17, 0, 60, "2027-01-01", 9, 0);
    ADD(&plain, "2027-12-31", 17, 0, 60, "2028-01-03", 9, 0);
    /* A leap day is an ordinary working day. */
    ADD(&plain, "2028-02-28", 17, 0, 60, "2028-02-29", 9, 0);
#undef ADD
}

static void add_minutes_large(void **state)
{
    (void)state;
    struct gr_calendar c = cn_cal();
    struct gr_calendar plain;
    gr_cal_default(&plain);

    /* 30 working days from a Monday's start end at the close of the 30th working day. */
    assert_int_equal(gr_cal_add_minutes(&c, at(&c, "2026-11-02", 8, 30), 30 * 420),
                     at(&c, "2026-12-11", 17, 30));
    /* Across National Day: 21-24 Sep, 28-30 Sep, 8-10 Oct, then three weeks, then 2-6 Nov. */
    assert_int_equal(gr_cal_add_minutes(&c, at(&c, "2026-09-21", 8, 30), 30 * 420),
                     at(&c, "2026-11-06", 17, 30));
    assert_int_equal(gr_cal_add_minutes(&c, at(&c, "2026-09-21", 8, 30), 30 * 420 + 1),
                     at(&c, "2026-11-09", 8, 31));
    /* Spring Festival 2027 and a year's working time. */
    assert_int_equal(gr_cal_add_minutes(&c, at(&c, "2027-02-04", 17, 0), 60),
                     at(&c, "2027-02-13", 9, 0));

    /* 100,000 working weeks from a Monday's start: the Friday close of the last week. */
    int64_t k = 100000;
    int64_t t = at(&plain, "2026-11-02", 8, 30);
    assert_int_equal(gr_cal_add_minutes(&plain, t, k * 5 * 420),
                     t + ((k - 1) * 7 + 4) * 86400 + 9 * HOUR);
    assert_int_equal(gr_cal_minutes_between(&plain, t, t + ((k - 1) * 7 + 4) * 86400 + 9 * HOUR),
                     k * 5 * 420);
    /* The same with the table: the exceptions of 2026 and 2027 shift it by a fixed amount. */
    int64_t r = gr_cal_add_minutes(&c, t, k * 5 * 420);
    assert_int_equal(gr_cal_minutes_between(&c, t, r), k * 5 * 420);
    assert_true(r > t + ((k - 1) * 7 + 4) * 86400);
}

/* ---- add_days --------------------------------------------------------------------------- */

static void add_days_cases(void **state)
{
    (void)state;
    struct gr_calendar c = cn_cal();
#define DAYS(d, h, m, n, want_day)                                                                 \
    assert_int_equal(gr_cal_add_days(&c, at(&c, d, h, m), n), at(&c, want_day, 17, 30))

    DAYS("2026-11-26", 10, 0, 0, "2026-11-26"); /* Thursday */
    DAYS("2026-11-26", 0, 10, 0, "2026-11-26");
    DAYS("2026-11-26", 17, 29, 0, "2026-11-26");
    DAYS("2026-11-26", 17, 30, 0, "2026-11-27"); /* at its close: not before it */
    DAYS("2026-11-26", 18, 0, 0, "2026-11-27");
    DAYS("2026-11-26", 10, 0, 1, "2026-11-27");
    DAYS("2026-11-26", 10, 0, 2, "2026-11-30");
    DAYS("2026-11-26", 18, 0, 1, "2026-11-27"); /* day 1 is the next day however late it is */
    DAYS("2026-11-26", 10, 0, -3, "2026-11-26");
    DAYS("2026-11-28", 10, 0, 0, "2026-11-30"); /* Saturday */
    DAYS("2026-11-28", 10, 0, 1, "2026-11-30");
    DAYS("2026-11-28", 10, 0, 2, "2026-12-01");
    /* National Day and its make-up Saturday. */
    DAYS("2026-09-30", 10, 0, 1, "2026-10-08");
    DAYS("2026-09-30", 10, 0, 3, "2026-10-10");
    DAYS("2026-09-30", 10, 0, 4, "2026-10-12");
    DAYS("2026-10-03", 10, 0, 0, "2026-10-08");
    DAYS("2026-10-03", 10, 0, 1, "2026-10-08");
    /* 30 working days from Monday 21 September 2026. */
    DAYS("2026-09-21", 10, 0, 30, "2026-11-09");
    /* Across the year end. */
    DAYS("2026-12-31", 10, 0, 1, "2027-01-04");
    DAYS("2026-12-30", 10, 0, 2, "2027-01-04");
#undef DAYS

    /* 100,000 working weeks without exceptions. */
    struct gr_calendar plain;
    gr_cal_default(&plain);
    int64_t t = at(&plain, "2026-11-02", 10, 0); /* Monday */
    assert_int_equal(gr_cal_add_days(&plain, t, 500000), t + (int64_t)700000 * 86400 + 450 * 60);
}

/* ---- minutes_between -------------------------------------------------------------------- */

static void minutes_between_cases(void **state)
{
    (void)state;
    struct gr_calendar c = cn_cal();
    struct gr_calendar plain;
    gr_cal_default(&plain);

    assert_int_equal(
        gr_cal_minutes_between(&c, at(&c, "2026-11-27", 17, 0), at(&c, "2026-11-30", 9, 0)), 60);
    assert_int_equal(
        gr_cal_minutes_between(&c, at(&c, "2026-11-30", 9, 0), at(&c, "2026-11-27", 17, 0)), 0);
    assert_int_equal(
        gr_cal_minutes_between(&c, at(&c, "2026-11-26", 9, 0), at(&c, "2026-11-26", 9, 0)), 0);
    assert_int_equal(
        gr_cal_minutes_between(&c, at(&c, "2026-11-26", 11, 0), at(&c, "2026-11-26", 15, 0)), 120);
    assert_int_equal(
        gr_cal_minutes_between(&c, at(&c, "2026-11-30", 0, 0), at(&c, "2026-12-07", 0, 0)), 2100);
    /* Nothing in the National Day week; the make-up Saturday counts. */
    assert_int_equal(
        gr_cal_minutes_between(&c, at(&c, "2026-09-30", 17, 30), at(&c, "2026-10-08", 8, 30)), 0);
    assert_int_equal(
        gr_cal_minutes_between(&c, at(&c, "2026-10-01", 0, 0), at(&c, "2026-10-11", 0, 0)),
        3 * 420);
    /* A whole year: 2026 has 365 - 104 weekend days - 19 weekdays off + 6 make-up days. */
    assert_int_equal(
        gr_cal_minutes_between(&c, at(&c, "2026-01-01", 0, 0), at(&c, "2027-01-01", 0, 0)),
        (365 - 104 - 19 + 6) * 420);
    assert_int_equal(gr_cal_minutes_between(&plain, at(&plain, "2026-01-01", 0, 0),
                                            at(&plain, "2027-01-01", 0, 0)),
                     261 * 420);
    /* Partial minutes round down. */
    int64_t t = at(&c, "2026-11-26", 9, 0);
    assert_int_equal(gr_cal_minutes_between(&c, t, t + 59), 0);
    assert_int_equal(gr_cal_minutes_between(&c, t, t + 61), 1);
}

/* ---- Against the reference -------------------------------------------------------------- */

static void against_reference(const struct gr_calendar *c, int rounds, int64_t max_min)
{
    /* Starts from 2025-12-01 to 2027-12-31, on whole minutes, and on any second. */
    int64_t lo = gr_cal_midnight(c, 20251201), hi = gr_cal_midnight(c, 20271231);
    for (int i = 0; i < rounds; i++) {
        int64_t t = lo + (int64_t)rnd((uint64_t)(hi - lo) / MIN) * MIN;
        int64_t m = (int64_t)rnd((uint64_t)max_min + 1);
        int64_t got = gr_cal_add_minutes(c, t, m);
        int64_t want = ref_add(c, t, m);
        if (got != want)
            fail_msg("add_minutes(%lld, %lld) = %lld, want %lld", (long long)t, (long long)m,
                     (long long)got, (long long)want);
        assert_int_equal(gr_cal_minutes_between(c, t, got), m);
        assert_int_equal(gr_cal_minutes_between(c, t, got), ref_between(c, t, got));
        int days = (int)rnd(40);
        assert_int_equal(gr_cal_add_days(c, t, days), ref_add_days(c, t, days));
    }
}

static void sums_match_the_reference(void **state)
{
    (void)state;
    struct gr_calendar c = cn_cal();
    struct gr_calendar o = odd_cal();
    rng_state = 0x9e3779b97f4a7c15u;
    against_reference(&c, 300, 5 * 420);
    against_reference(&o, 300, 5 * 425);
}

static void between_inverts_add(void **state)
{
    (void)state;
    struct gr_calendar cals[2] = {cn_cal(), odd_cal()};
    static const int64_t per_day[2] = {420, 60 + 305 + 60};
    rng_state = 42;
    for (int k = 0; k < 2; k++) {
        const struct gr_calendar *c = &cals[k];
        int64_t lo = gr_cal_midnight(c, 20251201), hi = gr_cal_midnight(c, 20280301);
        for (int i = 0; i < 20000; i++) {
            int64_t t = lo + (int64_t)rnd((uint64_t)(hi - lo)); /* any second */
            int64_t m = (int64_t)rnd(60 * 420);
            int64_t w = gr_cal_add_minutes(c, t, 0); /* a working moment */
            assert_true(w >= t);
            assert_int_equal(gr_cal_add_minutes(c, w, 0), w);
            assert_int_equal(gr_cal_minutes_between(c, t, w), 0);
            int64_t e = gr_cal_add_minutes(c, w, m);
            assert_int_equal(gr_cal_minutes_between(c, w, e), m);
            assert_int_equal(gr_cal_add_minutes(c, t, m), e);
            /* Additions compose. */
            int64_t m2 = (int64_t)rnd(420);
            assert_int_equal(gr_cal_add_minutes(c, e, m2), gr_cal_add_minutes(c, w, m + m2));
            /* The close of the days-th working day after t's date: days whole working days
             * and what is left of t's own. */
            int days = 1 + (int)rnd(30);
            int64_t d = gr_cal_add_days(c, t, days);
            int64_t between = gr_cal_minutes_between(c, t, d);
            assert_true(between >= days * per_day[k] && between <= (days + 1) * per_day[k]);
            assert_int_equal(gr_cal_add_days(c, d - 1, 0), d);
        }
    }
}

static void unusable_calendar_does_not_hang(void **state)
{
    (void)state;
    struct gr_calendar c;
    memset(&c, 0, sizeof(c));
    assert_int_equal(gr_cal_add_minutes(&c, 1000, 60), 1000);
    assert_int_equal(gr_cal_add_days(&c, 1000, 2), 1000);
    assert_int_equal(gr_cal_minutes_between(&c, 0, 86400 * 7), 0);
    /* Periods that cancel out: no working time either. */
    gr_cal_default(&c);
    c.n_periods = 3;
    c.period_start[2] = 1100;
    c.period_end[2] = 1200;
    c.period_start[1] = 900;
    c.period_end[1] = 100;
    assert_int_equal(gr_cal_add_minutes(&c, 1000, 60), 1000);
    /* A table pointer left NULL is read as no table. */
    gr_cal_default(&c);
    c.n_days = 3;
    assert_true(gr_cal_is_workday(&c, 20261001));
}

/* ISO 8601 moments in the forms each caller allows: the API's UTC only, Open311's offsets
 * and fractions (and a space for an unescaped '+'), the command line's local default. */
static void time_forms(void **state)
{
    (void)state;
    int64_t t = 0;
    const int64_t noon_utc = 1795694400; /* 2026-11-26T12:00:00Z */
    assert_true(gr_time_parse("2026-11-26T12:00:00Z", GR_TIME_UTC, 0, &t));
    assert_int_equal(t, noon_utc);
    assert_false(gr_time_parse("2026-11-26T20:00:00+08:00", GR_TIME_UTC, 0, &t));
    assert_false(gr_time_parse("2026-11-26T12:00:00.5Z", GR_TIME_UTC, 0, &t));
    assert_false(gr_time_parse("2026-11-26T12:00:00", GR_TIME_UTC, 0, &t));
    assert_true(gr_time_parse("2026-11-26T20:00:00+08:00", GR_TIME_OFFSET, 0, &t));
    assert_int_equal(t, noon_utc);
    assert_true(gr_time_parse("2026-11-26T07:00:00-05:00", GR_TIME_OFFSET, 0, &t));
    assert_int_equal(t, noon_utc);
    assert_false(gr_time_parse("2026-11-26T20:00:00 08:00", GR_TIME_OFFSET, 0, &t));
    assert_true(
        gr_time_parse("2026-11-26T20:00:00 08:00", GR_TIME_OFFSET | GR_TIME_SPACE_PLUS, 0, &t));
    assert_int_equal(t, noon_utc);
    assert_true(gr_time_parse("2026-11-26T12:00:00.250Z", GR_TIME_FRACTION, 0, &t));
    assert_int_equal(t, noon_utc);
    assert_false(gr_time_parse("2026-11-26T12:00:00.Z", GR_TIME_FRACTION, 0, &t));
    assert_true(gr_time_parse("2026-11-26T20:00:00", GR_TIME_LOCAL, 480, &t));
    assert_int_equal(t, noon_utc);
    /* Not real dates or times, or out of range offsets. */
    assert_false(gr_time_parse("2026-02-29T12:00:00Z", GR_TIME_UTC, 0, &t));
    assert_false(gr_time_parse("2026-11-26T24:00:00Z", GR_TIME_UTC, 0, &t));
    assert_false(gr_time_parse("2026-11-26T12:60:00Z", GR_TIME_UTC, 0, &t));
    assert_false(gr_time_parse("2026-11-26T12:00:00+15:00", GR_TIME_OFFSET, 0, &t));
    assert_false(gr_time_parse("2026-11-26T12:00:00+08", GR_TIME_OFFSET, 0, &t));
    assert_false(gr_time_parse("2026-11-26 12:00:00Z", GR_TIME_UTC, 0, &t));
    assert_false(gr_time_parse(NULL, GR_TIME_UTC, 0, &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ymd_parse_and_format),
        cmocka_unit_test(ymd_next_and_weekday),
        cmocka_unit_test(local_date_and_midnight),
        cmocka_unit_test(default_calendar),
        cmocka_unit_test(check_rejects),
        cmocka_unit_test(cn_table_is_sound),
        cmocka_unit_test(cn_working_days),
        cmocka_unit_test(add_minutes_within_a_day),
        cmocka_unit_test(add_minutes_across_days),
        cmocka_unit_test(add_minutes_large),
        cmocka_unit_test(add_days_cases),
        cmocka_unit_test(minutes_between_cases),
        cmocka_unit_test(sums_match_the_reference),
        cmocka_unit_test(between_inverts_add),
        cmocka_unit_test(unusable_calendar_does_not_hang),
        cmocka_unit_test(time_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
