/*
 * figures.c - each case's contribution to the rollups, and the rates from their sums.
 * The definitions here are the ones docs/API.md writes down; change both together.
 */
#include "figures.h"

#include <string.h>

#include "case.h"

const char *const gr_fig_names[GR_N_FIGS] = {"total",           "accepted",     "rejected",
                                             "merged",          "responded",    "responded_on_time",
                                             "resolved",        "closed",       "closed_on_time",
                                             "overdue_open",    "open",         "rated",
                                             "rated_yes",       "rated_partly", "rated_satisfied",
                                             "rated_basic",     "reworks",      "reworked",
                                             "extensions",      "escalations",  "reopens",
                                             "handling_seconds"};

void gr_fig_contribution(const struct gr_case_facts *f, int64_t out[GR_N_FIGS])
{
    memset(out, 0, sizeof(int64_t) * GR_N_FIGS);
    if (!f->exists)
        return;
    out[GR_FIG_TOTAL] = 1;
    out[GR_FIG_ACCEPTED] = f->accepted_at != 0;
    out[GR_FIG_REJECTED] = f->rejected;
    out[GR_FIG_MERGED] = f->merged;
    out[GR_FIG_RESPONDED] = f->responded_at != 0;
    out[GR_FIG_RESPONDED_ON_TIME] =
        f->responded_at != 0 && f->respond_due != 0 && f->responded_at <= f->respond_due;
    out[GR_FIG_RESOLVED] = f->resolved_at != 0;
    out[GR_FIG_CLOSED] = f->closed;
    out[GR_FIG_CLOSED_ON_TIME] =
        f->closed && (f->promised_due == 0 || f->closed_at <= f->promised_due);
    out[GR_FIG_OVERDUE_OPEN] = f->open && f->overdue;
    out[GR_FIG_OPEN] = f->open;
    out[GR_FIG_RATED] = f->rated;
    out[GR_FIG_RATED_YES] = f->rated && f->resolved_answer == GR_RES_YES;
    out[GR_FIG_RATED_PARTLY] = f->rated && f->resolved_answer == GR_RES_PARTLY;
    out[GR_FIG_RATED_SATISFIED] = f->rated && f->satisfaction_answer == GR_SAT_SATISFIED;
    out[GR_FIG_RATED_BASIC] = f->rated && f->satisfaction_answer == GR_SAT_BASIC;
    out[GR_FIG_REWORKS] = f->reworks;
    out[GR_FIG_REWORKED] = f->reworks > 0;
    out[GR_FIG_EXTENSIONS] = f->extensions > 0;
    out[GR_FIG_ESCALATIONS] = f->escalations;
    out[GR_FIG_REOPENS] = f->reopens;
    out[GR_FIG_HANDLING_SECONDS] =
        f->closed && f->closed_at > f->created_at ? f->closed_at - f->created_at : 0;
}

static double ratio(int64_t num, int64_t den)
{
    return den > 0 ? (double)num / (double)den : -1.0;
}

void gr_fig_rates(const int64_t s[GR_N_FIGS], struct gr_rates *r)
{
    r->response = ratio(s[GR_FIG_RESPONDED_ON_TIME], s[GR_FIG_ACCEPTED]);
    r->resolution = ratio(s[GR_FIG_RATED_YES], s[GR_FIG_RATED]);
    r->satisfaction = ratio(s[GR_FIG_RATED_SATISFIED] + s[GR_FIG_RATED_BASIC], s[GR_FIG_RATED]);
    r->on_time = ratio(s[GR_FIG_CLOSED_ON_TIME], s[GR_FIG_CLOSED] + s[GR_FIG_OVERDUE_OPEN]);
    r->rework = ratio(s[GR_FIG_REWORKED], s[GR_FIG_RESOLVED]);
    r->extension = ratio(s[GR_FIG_EXTENSIONS], s[GR_FIG_ACCEPTED]);
    r->mean_handling_hours = s[GR_FIG_CLOSED] > 0 ? (double)s[GR_FIG_HANDLING_SECONDS] /
                                                        (double)s[GR_FIG_CLOSED] / 3600.0
                                                  : -1.0;
}
