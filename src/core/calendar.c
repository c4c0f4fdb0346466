/*
 * calendar.c - working time: dates by proleptic Gregorian arithmetic on day numbers (days
 * since 1970-01-01, local), working days from the weekday and a sorted exception table, and
 * working-time sums that jump period by period, day by day and, between exceptions, week by
 * week (seven consecutive days without an exception hold exactly five working days).
 *
 * Working periods are half-open: [start, end). Times are clamped to about ±3 million years
 * and amounts to about 190,000 years of round-the-clock work, so no sum can overflow.
 */
#include "calendar.h"

#include <string.h>

#define DAY_S 86400
#define T_LIMIT INT64_C(100000000000000) /* 1e14 s */
#define MIN_LIMIT INT64_C(100000000000)  /* 1e11 working minutes */
#define DAYS_LIMIT 100000000             /* working days */
#define NO_DAY INT64_MAX                 /* "no exception ahead" */

/* ---- Dates ------------------------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (m == 2 && is_leap(y)) ? 29 : dim[m - 1];
}

/* Day number of a civil date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                   /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool ymd_valid(gr_ymd d)
{
    int y = d / 10000, m = d / 100 % 100, dd = d % 100;
    return d > 0 && y >= 1 && y <= 9999 && m >= 1 && m <= 12 && dd >= 1 &&
           dd <= days_in_month(y, m);
}

static int64_t ymd_days(gr_ymd d)
{
    return days_from_civil(d / 10000, d / 100 % 100, d % 100);
}

/* The date of a day number as a table key: 0 before year 1, INT32_MAX after 9999, so that
 * ordering against the (valid) exception dates stays right. */
static gr_ymd days_key(int64_t z)
{
    int64_t y;
    int m, d;
    civil_from_days(z, &y, &m, &d);
    if (y < 1)
        return 0;
    if (y > 9999)
        return INT32_MAX;
    return (gr_ymd)(y * 10000 + m * 100 + d);
}

static int weekday_of(int64_t z)
{
    return (int)((z % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday (3) */
}

bool gr_ymd_parse(const char *s, gr_ymd *out)
{
    int v[3] = {0, 0, 0};
    static const int width[3] = {4, 2, 2};
    const char *p = s;

    if (s == NULL || strlen(s) != 10)
        return false;
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < width[f]; i++, p++) {
            if (*p < '0' || *p > '9')
                return false;
            v[f] = v[f] * 10 + (*p - '0');
        }
        if (f < 2 && *p++ != '-')
            return false;
    }
    gr_ymd d = v[0] * 10000 + v[1] * 100 + v[2];
    if (!ymd_valid(d))
        return false;
    if (out)
        *out = d;
    return true;
}

void gr_ymd_format(gr_ymd d, char out[11])
{
    int v[3] = {d / 10000, d / 100 % 100, d % 100};
    static const int width[3] = {4, 2, 2};
    char *p = out;

    if (d < 0 || v[0] > 9999)
        v[0] = v[1] = v[2] = 0;
    for (int f = 0; f < 3; f++) {
        for (int i = width[f] - 1, x = v[f]; i >= 0; i--, x /= 10)
            p[i] = (char)('0' + x % 10);
        p += width[f];
        if (f < 2)
            *p++ = '-';
    }
    *p = '\0';
}

gr_ymd gr_ymd_next(gr_ymd d)
{
    int y = d / 10000, m = d / 100 % 100, dd = d % 100;
    if (!ymd_valid(d))
        return d;
    if (dd < days_in_month(y, m))
        return d + 1;
    if (m < 12)
        return y * 10000 + (m + 1) * 100 + 1;
    return y < 9999 ? (y + 1) * 10000 + 101 : d;
}

int gr_ymd_weekday(gr_ymd d)
{
    return weekday_of(ymd_days(d));
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int64_t local_day(const struct gr_calendar *c, int64_t t, int64_t *sod)
{
    int64_t local = clamp(t, -T_LIMIT, T_LIMIT) + (int64_t)c->utc_offset_min * 60;
    int64_t z = floor_div(local, DAY_S);
    if (sod)
        *sod = local - z * DAY_S;
    return z;
}

static int64_t day_start(const struct gr_calendar *c, int64_t z)
{
    return z * DAY_S - (int64_t)c->utc_offset_min * 60;
}

gr_ymd gr_cal_date(const struct gr_calendar *c, int64_t t)
{
    return days_key(local_day(c, t, NULL));
}

int64_t gr_cal_midnight(const struct gr_calendar *c, gr_ymd d)
{
    return day_start(c, ymd_days(d));
}

/* ---- The calendar ----------------------------------------------------------------------- */

void gr_cal_default(struct gr_calendar *c)
{
    memset(c, 0, sizeof(*c));
    c->utc_offset_min = 480;
    c->n_periods = 2;
    c->period_start[0] = 510;
    c->period_end[0] = 720;
    c->period_start[1] = 840;
    c->period_end[1] = 1050;
}

enum gr_err gr_cal_check(const struct gr_calendar *c, const char **why)
{
    const char *w = NULL;

    if (c->utc_offset_min < -12 * 60 || c->utc_offset_min > 14 * 60)
        w = "the UTC offset must be within -12:00 and +14:00";
    else if (c->n_periods < 1 || c->n_periods > GR_CAL_MAX_PERIODS)
        w = "a working day has one to four working periods";
    for (int i = 0; w == NULL && i < c->n_periods; i++) {
        if (c->period_start[i] < 0 || c->period_end[i] > 24 * 60)
            w = "a working period lies within the day (00:00 to 24:00)";
        else if (c->period_start[i] >= c->period_end[i])
            w = "a working period ends after it starts";
        else if (i > 0 && c->period_start[i] < c->period_end[i - 1])
            w = "working periods are in order and do not overlap";
    }
    if (w == NULL && c->n_days > 0 && c->days == NULL)
        w = "the exception days are missing";
    for (size_t i = 0; w == NULL && i < c->n_days; i++) {
        if (!ymd_valid(c->days[i].ymd))
            w = "an exception day is not a real date";
        else if (c->days[i].kind != GR_DAY_HOLIDAY && c->days[i].kind != GR_DAY_WORKDAY)
            w = "an exception day is a holiday ('h') or a make-up working day ('w')";
        else if (i > 0 && c->days[i].ymd <= c->days[i - 1].ymd)
            w = "exception days are sorted by date, each date once";
    }
    if (why)
        *why = w;
    return w ? GR_EINVAL : GR_OK;
}

/* The number of exception days (none when the table is missing). */
static size_t n_exc(const struct gr_calendar *c)
{
    return c->days ? c->n_days : 0;
}

/* Index of the first exception on or after key. */
static size_t lower_bound(const struct gr_calendar *c, gr_ymd key)
{
    size_t lo = 0, hi = n_exc(c);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->days[mid].ymd < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool workday_of(const struct gr_calendar *c, int64_t z)
{
    gr_ymd key = days_key(z);
    size_t i = lower_bound(c, key);
    if (i < n_exc(c) && c->days[i].ymd == key)
        return c->days[i].kind == GR_DAY_WORKDAY;
    return weekday_of(z) < 5;
}

bool gr_cal_is_workday(const struct gr_calendar *c, gr_ymd d)
{
    return workday_of(c, ymd_days(d));
}

/* Day number of the first exception on or after day z, or NO_DAY. */
static int64_t next_exception(const struct gr_calendar *c, int64_t z)
{
    size_t i = lower_bound(c, days_key(z));
    return i < n_exc(c) ? ymd_days(c->days[i].ymd) : NO_DAY;
}

/* The n-th working day after day z (n >= 1). */
static int64_t nth_workday_after(const struct gr_calendar *c, int64_t z, int64_t n)
{
    int64_t cur = z + 1;
    for (;;) {
        /* Whole weeks before the next exception hold five working days each; keep at least
         * one working day to find day by day, since that day ends the walk. */
        int64_t ne = next_exception(c, cur);
        int64_t weeks = (n - 1) / 5;
        if (ne != NO_DAY && (ne - cur) / 7 < weeks)
            weeks = (ne - cur) / 7;
        cur += 7 * weeks;
        n -= 5 * weeks;
        for (int i = 0; i < 7; i++, cur++)
            if (workday_of(c, cur) && --n == 0)
                return cur;
    }
}

/* A calendar the sums can run on: gr_cal_check's period rules, in short. */
static bool usable(const struct gr_calendar *c)
{
    return c->n_periods >= 1 && c->n_periods <= GR_CAL_MAX_PERIODS &&
           c->period_start[0] < c->period_end[c->n_periods - 1];
}

int64_t gr_cal_day_minutes(const struct gr_calendar *c)
{
    int64_t m = 0;
    for (int i = 0; i < c->n_periods; i++)
        m += c->period_end[i] - c->period_start[i];
    return m;
}

static int64_t day_work_s(const struct gr_calendar *c)
{
    return gr_cal_day_minutes(c) * 60;
}

/* ---- Working time ----------------------------------------------------------------------- */

int64_t gr_cal_add_minutes(const struct gr_calendar *c, int64_t t, int64_t minutes)
{
    int64_t sod, z = local_day(c, t, &sod);
    int64_t left = clamp(minutes, 0, MIN_LIMIT) * 60;
    int64_t per_day, full;

    if (!usable(c) || (per_day = day_work_s(c)) <= 0)
        return t; /* an unchecked calendar without working time: nothing to count */
    /* What is left of t's own day. */
    if (workday_of(c, z))
        for (int i = 0; i < c->n_periods; i++) {
            int64_t ps = (int64_t)c->period_start[i] * 60, pe = (int64_t)c->period_end[i] * 60;
            if (sod >= pe)
                continue;
            int64_t from = sod > ps ? sod : ps;
            if (left <= pe - from)
                return day_start(c, z) + from + left;
            left -= pe - from;
            sod = pe;
        }
    /* Whole working days, then the part of the last one (at least a second of it, or none
     * at all when nothing is left, which answers that day's first working moment). */
    full = left > 0 ? (left - 1) / per_day : 0;
    z = nth_workday_after(c, z, full + 1);
    left -= full * per_day;
    for (int i = 0; i < c->n_periods; i++) {
        int64_t ps = (int64_t)c->period_start[i] * 60, pe = (int64_t)c->period_end[i] * 60;
        if (left <= pe - ps)
            return day_start(c, z) + ps + left;
        left -= pe - ps;
    }
    return day_start(c, z) + (int64_t)c->period_end[c->n_periods - 1] * 60; /* not reached */
}

int64_t gr_cal_add_days(const struct gr_calendar *c, int64_t t, int days)
{
    int64_t sod, z = local_day(c, t, &sod);
    int64_t close;

    if (!usable(c))
        return t;
    close = (int64_t)c->period_end[c->n_periods - 1] * 60;
    if (days <= 0 && workday_of(c, z) && sod < close)
        return day_start(c, z) + close;
    z = nth_workday_after(c, z, days > 0 ? (days < DAYS_LIMIT ? days : DAYS_LIMIT) : 1);
    return day_start(c, z) + close;
}

/* Working seconds of day z's own clock in [from, to) (seconds of the day). */
static int64_t work_in_day(const struct gr_calendar *c, int64_t from, int64_t to)
{
    int64_t s = 0;
    for (int i = 0; i < c->n_periods; i++) {
        int64_t ps = (int64_t)c->period_start[i] * 60, pe = (int64_t)c->period_end[i] * 60;
        int64_t a = from > ps ? from : ps, b = to < pe ? to : pe;
        if (b > a)
            s += b - a;
    }
    return s;
}

/* Working days in [z0, z1): weekdays, less weekday holidays, plus weekend make-up days. */
static int64_t workdays_between(const struct gr_calendar *c, int64_t z0, int64_t z1)
{
    int64_t n = (z1 - z0) / 7 * 5;
    for (int64_t z = z0 + (z1 - z0) / 7 * 7; z < z1; z++)
        n += weekday_of(z) < 5;
    for (size_t i = lower_bound(c, days_key(z0)); i < n_exc(c); i++) {
        int64_t z = ymd_days(c->days[i].ymd);
        if (z >= z1)
            break;
        bool weekday = weekday_of(z) < 5;
        if (c->days[i].kind == GR_DAY_HOLIDAY && weekday)
            n--;
        else if (c->days[i].kind == GR_DAY_WORKDAY && !weekday)
            n++;
    }
    return n;
}

int64_t gr_cal_minutes_between(const struct gr_calendar *c, int64_t a, int64_t b)
{
    int64_t sa, sb, za, zb, s = 0;

    a = clamp(a, -T_LIMIT, T_LIMIT);
    b = clamp(b, -T_LIMIT, T_LIMIT);
    if (b <= a || !usable(c))
        return 0;
    za = local_day(c, a, &sa);
    zb = local_day(c, b, &sb);
    if (za == zb)
        return workday_of(c, za) ? work_in_day(c, sa, sb) / 60 : 0;
    if (workday_of(c, za))
        s += work_in_day(c, sa, DAY_S);
    if (zb > za + 1)
        s += workdays_between(c, za + 1, zb) * day_work_s(c);
    if (workday_of(c, zb))
        s += work_in_day(c, 0, sb);
    return s / 60;
}

/* ---- China ------------------------------------------------------------------------------ */

/*
 * 2026: 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号, 4 November 2025).
 * Every day of each holiday period is listed, weekends included.
 *
 * 2027: PROJECTED - no notice had been published by 26 November 2026. Derived from the
 * statutory days of 全国年节及纪念日放假办法 as amended in 2024 (元旦 1, 春节 4 from 除夕,
 * 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3), statutory days on a weekend made up on the next
 * weekdays, the bridging of recent years (春节 8 days from 除夕, 劳动节 5, 国庆 7; the one-day
 * festivals joined to a weekend where they touch one, else alone) and at most six working days
 * in a row. Lunar dates: 除夕 5 Feb (Fri), 清明 5 Apr (Mon), 端午 9 Jun (Wed), 中秋 15 Sep
 * (Wed). Replace with the notice when it is published.
 */
const struct gr_cal_day gr_cal_cn_days[] = {
    /* 2026 */
    {20260101, 'h', "元旦"},
    {20260102, 'h', "元旦"},
    {20260103, 'h', "元旦"},
    {20260104, 'w', "元旦"},
    {20260214, 'w', "春节"},
    {20260215, 'h', "春节"},
    {20260216, 'h', "春节"},
    {20260217, 'h', "春节"},
    {20260218, 'h', "春节"},
    {20260219, 'h', "春节"},
    {20260220, 'h', "春节"},
    {20260221, 'h', "春节"},
    {20260222, 'h', "春节"},
    {20260223, 'h', "春节"},
    {20260228, 'w', "春节"},
    {20260404, 'h', "清明节"},
    {20260405, 'h', "清明节"},
    {20260406, 'h', "清明节"},
    {20260501, 'h', "劳动节"},
    {20260502, 'h', "劳动节"},
    {20260503, 'h', "劳动节"},
    {20260504, 'h', "劳动节"},
    {20260505, 'h', "劳动节"},
    {20260509, 'w', "劳动节"},
    {20260619, 'h', "端午节"},
    {20260620, 'h', "端午节"},
    {20260621, 'h', "端午节"},
    {20260920, 'w', "国庆节"},
    {20260925, 'h', "中秋节"},
    {20260926, 'h', "中秋节"},
    {20260927, 'h', "中秋节"},
    {20261001, 'h', "国庆节"},
    {20261002, 'h', "国庆节"},
    {20261003, 'h', "国庆节"},
    {20261004, 'h', "国庆节"},
    {20261005, 'h', "国庆节"},
    {20261006, 'h', "国庆节"},
    {20261007, 'h', "国庆节"},
    {20261010, 'w', "国庆节"},
    /* 2027, projected (see above) */
    {20270101, 'h', "元旦"},
    {20270102, 'h', "元旦"},
    {20270103, 'h', "元旦"},
    {20270131, 'w', "春节"},
    {20270205, 'h', "春节"},
    {20270206, 'h', "春节"},
    {20270207, 'h', "春节"},
    {20270208, 'h', "春节"},
    {20270209, 'h', "春节"},
    {20270210, 'h', "春节"},
    {20270211, 'h', "春节"},
    {20270212, 'h', "春节"},
    {20270213, 'w', "春节"},
    {20270403, 'h', "清明节"},
    {20270404, 'h', "清明节"},
    {20270405, 'h', "清明节"},
    {20270501, 'h', "劳动节"},
    {20270502, 'h', "劳动节"},
    {20270503, 'h', "劳动节"},
    {20270504, 'h', "劳动节"},
    {20270505, 'h', "劳动节"},
    {20270508, 'w', "劳动节"},
    {20270609, 'h', "端午节"},
    {20270915, 'h', "中秋节"},
    {20270926, 'w', "国庆节"},
    {20271001, 'h', "国庆节"},
    {20271002, 'h', "国庆节"},
    {20271003, 'h', "国庆节"},
    {20271004, 'h', "国庆节"},
    {20271005, 'h', "国庆节"},
    {20271006, 'h', "国庆节"},
    {20271007, 'h', "国庆节"},
    {20271009, 'w', "国庆节"},
};

const size_t gr_cal_cn_n_days = sizeof(gr_cal_cn_days) / sizeof(gr_cal_cn_days[0]);

static bool two_digits(const char *s, int lo, int hi, int *out)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return *out >= lo && *out <= hi;
}

bool gr_time_parse(const char *s, unsigned how, int local_offset_min, int64_t *out)
{
    char date[11];
    gr_ymd ymd;
    int h, mi, sec;
    if (!s || strlen(s) < 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return false;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!gr_ymd_parse(date, &ymd) || !two_digits(s + 11, 0, 23, &h) ||
        !two_digits(s + 14, 0, 59, &mi) || !two_digits(s + 17, 0, 59, &sec))
        return false;
    const char *z = s + 19;
    if (*z == '.' && (how & GR_TIME_FRACTION)) {
        if (*++z < '0' || *z > '9')
            return false;
        while (*z >= '0' && *z <= '9')
            z++;
    }
    int64_t off; /* seconds east of UTC */
    int oh, om;
    if (strcmp(z, "Z") == 0) {
        off = 0;
    } else if ((how & GR_TIME_OFFSET) &&
               (*z == '+' || *z == '-' || (*z == ' ' && (how & GR_TIME_SPACE_PLUS)))) {
        if (strlen(z) != 6 || !two_digits(z + 1, 0, 14, &oh) || z[3] != ':' ||
            !two_digits(z + 4, 0, 59, &om))
            return false;
        off = (int64_t)(oh * 3600 + om * 60) * (*z == '-' ? -1 : 1);
    } else if (!*z && (how & GR_TIME_LOCAL)) {
        off = (int64_t)local_offset_min * 60;
    } else {
        return false;
    }
    struct gr_calendar utc;
    gr_cal_default(&utc);
    utc.utc_offset_min = 0;
    *out = gr_cal_midnight(&utc, ymd) + h * 3600 + mi * 60 + sec - off;
    return true;
}
