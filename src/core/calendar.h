/*
 * calendar.h - working time (工作时 / 工作日): the city's working hours, weekends, public
 * holidays and make-up working days (调休上班). Deadlines of cases are counted in it.
 *
 * Times are Unix seconds; the calendar's days and hours are local to the city, at a fixed
 * offset from UTC (China: +08:00, no daylight saving). Pure: no I/O, no clock.
 */
#ifndef GR_CALENDAR_H
#define GR_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/* A date as yyyymmdd (20261001). */
typedef int32_t gr_ymd;

enum gr_day_kind {
    GR_DAY_HOLIDAY = 'h', /* a weekday off: a public holiday or a bridging day */
    GR_DAY_WORKDAY = 'w'  /* a weekend day worked: a make-up working day */
};

struct gr_cal_day {
    gr_ymd ymd;
    char kind;        /* enum gr_day_kind */
    const char *name; /* "国庆节", may be NULL */
};

#define GR_CAL_MAX_PERIODS 4

struct gr_calendar {
    int utc_offset_min; /* +480 for China */
    /* Working periods of a working day, minutes from local midnight, ascending and
     * disjoint: {510, 720} and {840, 1050} for 08:30–12:00 and 14:00–17:30. */
    int n_periods;
    int period_start[GR_CAL_MAX_PERIODS], period_end[GR_CAL_MAX_PERIODS];
    /* Exceptions to "Monday to Friday", sorted by ymd, no duplicates. Not owned. */
    const struct gr_cal_day *days;
    size_t n_days;
};

/* 08:30–12:00 and 14:00–17:30 at +08:00, no exceptions; set days and n_days after. */
void gr_cal_default(struct gr_calendar *c);

/* Check a calendar: periods inside a day, ascending and disjoint, at least one; days
 * sorted, unique, real dates, kinds known. GR_EINVAL with *why set. */
enum gr_err gr_cal_check(const struct gr_calendar *c, const char **why);

/* Is the date a working day (a weekday not on holiday, or a make-up working day)? */
bool gr_cal_is_workday(const struct gr_calendar *c, gr_ymd d);

/* Parse "2026-10-01" (strict); false when it is not a real date. */
bool gr_ymd_parse(const char *s, gr_ymd *out);
/* Format as "2026-10-01" into out[11]. */
void gr_ymd_format(gr_ymd d, char out[11]);
/* The local date of a moment, and the moment of a local date's midnight. */
gr_ymd gr_cal_date(const struct gr_calendar *c, int64_t t);
int64_t gr_cal_midnight(const struct gr_calendar *c, gr_ymd d);
/* The next date (20261231 → 20270101) and the day of the week (0 Monday … 6 Sunday). */
gr_ymd gr_ymd_next(gr_ymd d);
int gr_ymd_weekday(gr_ymd d);

/* The moment `minutes` working minutes after t. Time outside working periods does not
 * count: from a Friday 17:00 (periods ending 17:30), 60 working minutes end on Monday
 * 08:30 + 30 min. minutes 0 answers t moved forward to the next working moment (or t
 * itself when it is one). */
int64_t gr_cal_add_minutes(const struct gr_calendar *c, int64_t t, int64_t minutes);
/* The end of the working day that is `days` working days after t's day: the close of the
 * last working period of that day. Day 1 is the next working day after t's date, whether
 * or not t's own date is one; 0 days is the close of t's date if it is a working day and
 * t is before its close, else of the next working day. */
int64_t gr_cal_add_days(const struct gr_calendar *c, int64_t t, int days);
/* Working minutes in a working day: the periods' total. */
int64_t gr_cal_day_minutes(const struct gr_calendar *c);
/* Working minutes between a and b (0 when b <= a). */
int64_t gr_cal_minutes_between(const struct gr_calendar *c, int64_t a, int64_t b);

/* What a time in ISO 8601 ("YYYY-MM-DDThh:mm:ss" then a zone) may be written as. */
enum gr_time_form {
    GR_TIME_UTC = 0,             /* only "Z" (the API's form) */
    GR_TIME_OFFSET = 1u << 0,    /* also "+hh:mm" and "-hh:mm" */
    GR_TIME_LOCAL = 1u << 1,     /* no zone: at local_offset_min (the city's time) */
    GR_TIME_FRACTION = 1u << 2,  /* fractional seconds, ignored */
    GR_TIME_SPACE_PLUS = 1u << 3 /* a space for '+' (an unescaped '+' in a query string) */
};
/* Parse s as a moment in Unix seconds, in the forms `how` (a bit set of gr_time_form)
 * allows; false when it is not one or names no real date and time. */
bool gr_time_parse(const char *s, unsigned how, int local_offset_min, int64_t *out);

/* The national public holidays and make-up working days of the People's Republic of China
 * for the years the program knows (as announced by the State Council's General Office),
 * sorted; for the demo and for a new city's first calendar. */
extern const struct gr_cal_day gr_cal_cn_days[];
extern const size_t gr_cal_cn_n_days;

#endif
