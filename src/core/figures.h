/*
 * figures.h - the figures of case handling (三率 and the rest) and how they are kept.
 *
 * Each case contributes a vector of counters that is a pure function of its row (is it
 * accepted, responded in time, closed, rated satisfied…). A change of a case adds
 * contribution(after) − contribution(before) to the rollup rows of its subjects (every
 * ancestor node, its matter, its department) on its submission day, in the transaction
 * of the change. So the rollups always equal a recount from the cases, and the figures of
 * a node for a period are a sum over at most one row per day. Pure: no I/O.
 */
#ifndef GR_FIGURES_H
#define GR_FIGURES_H

#include <stdbool.h>
#include <stdint.h>

/* Counters, in the column order of case_stats. */
enum gr_fig {
    GR_FIG_TOTAL = 0, /* cases submitted */
    GR_FIG_ACCEPTED,  /* filed (立案), ever */
    GR_FIG_REJECTED,  /* rejected now */
    GR_FIG_MERGED,    /* merged into another now */
    GR_FIG_RESPONDED, /* signed for (签收), ever */
    GR_FIG_RESPONDED_ON_TIME,
    GR_FIG_RESOLVED,       /* fed back as resolved, ever */
    GR_FIG_CLOSED,         /* closed now */
    GR_FIG_CLOSED_ON_TIME, /* closed by the promised deadline (extensions included) */
    GR_FIG_OVERDUE_OPEN,   /* open and past the promised deadline (found by the sweep) */
    GR_FIG_OPEN,           /* not closed, rejected or merged */
    GR_FIG_RATED,
    GR_FIG_RATED_YES, /* resolved: yes */
    GR_FIG_RATED_PARTLY,
    GR_FIG_RATED_SATISFIED,
    GR_FIG_RATED_BASIC,      /* basically satisfied */
    GR_FIG_REWORKS,          /* rework orders */
    GR_FIG_REWORKED,         /* cases reworked at least once */
    GR_FIG_EXTENSIONS,       /* cases given at least one extension */
    GR_FIG_ESCALATIONS,      /* escalations */
    GR_FIG_REOPENS,          /* reopenings */
    GR_FIG_HANDLING_SECONDS, /* submission to closure, closed cases */
    GR_N_FIGS
};

/* Column names of case_stats, in enum order. */
extern const char *const gr_fig_names[GR_N_FIGS];

/* What of a case the figures depend on. */
struct gr_case_facts {
    bool exists; /* false: contributes nothing (before creation) */
    bool open, rejected, merged, closed;
    int64_t created_at, accepted_at, responded_at, resolved_at, closed_at;
    int64_t respond_due, promised_due; /* promised: the first deadline, moved only by an
                                          approved extension */
    bool overdue; /* the sweep found it past the promised deadline while open */
    bool rated;
    int resolved_answer;     /* enum gr_resolved */
    int satisfaction_answer; /* enum gr_satisfaction */
    int reworks, extensions, escalations, reopens;
};

void gr_fig_contribution(const struct gr_case_facts *f, int64_t out[GR_N_FIGS]);

/* Rates and means from summed counters. A rate with a zero denominator is negative (-1):
 * "no data", shown as such, never as 0 % or 100 %. */
struct gr_rates {
    double response;            /* responded on time ÷ accepted */
    double resolution;          /* rated "resolved: yes" ÷ rated */
    double satisfaction;        /* rated satisfied or basically satisfied ÷ rated */
    double on_time;             /* closed on time ÷ (closed + open overdue) */
    double rework;              /* reworked at least once ÷ resolved */
    double extension;           /* extended at least once ÷ accepted */
    double mean_handling_hours; /* handling seconds ÷ closed ÷ 3600 */
};
void gr_fig_rates(const int64_t sums[GR_N_FIGS], struct gr_rates *r);

#endif
