/*
 * case.c - the case (案件) status machine: one table says, for each action, the statuses it
 * starts from, the status it leads to (or none: the status stays), who may take it, whether
 * it needs a note and a target, and which precondition the stored case must meet.
 *
 * Checks run in a fixed order: status and precondition (GR_ECONFLICT), then the actor
 * (GR_EFORBIDDEN), then the note and target (GR_EINVAL). The terminal statuses rejected and
 * merged appear in no "from" set; closed only leads to rating and reopening.
 */
#include "case.h"

#include <string.h>

#include "schema.h"

static const char *const status_names[GR_N_CSTATUS] = {
    NULL,          "submitted", "accepted", "rejected", "merged", "dispatched",
    "in_progress", "resolved",  "verified", "closed",   "on_hold"};

static const char *const action_names[GR_N_CACTIONS] = {NULL,
                                                        "accept",
                                                        "reject",
                                                        "merge",
                                                        "dispatch",
                                                        "sign",
                                                        "return",
                                                        "resolve",
                                                        "verify",
                                                        "rework",
                                                        "close",
                                                        "request_extension",
                                                        "approve_extension",
                                                        "hold",
                                                        "escalate",
                                                        "summon",
                                                        "report_in",
                                                        "rate",
                                                        "reopen"};

static const char *const resolved_names[] = {NULL, "yes", "partly", "no"};
static const char *const satisfaction_names[] = {NULL, "satisfied", "basically_satisfied",
                                                 "unsatisfied"};
#define N_RESOLVED (sizeof(resolved_names) / sizeof(resolved_names[0]))
#define N_SATISFACTION (sizeof(satisfaction_names) / sizeof(satisfaction_names[0]))

/* What the stored case must say besides its status. */
enum pre {
    PRE_NONE = 0,
    PRE_HAS_OWNER,    /* someone to sign for it or to take it back */
    PRE_NO_EXTENSION, /* no extension request already waiting */
    PRE_EXTENSION,    /* an extension request waiting for approval */
    PRE_TASKS_DONE,   /* the owner resolves only when summoned departments are done */
    PRE_BELOW_TOP,    /* a higher rung exists on the ladder */
    PRE_NOT_RATED     /* one rating per case */
};

#define S(x) (1u << (x))

struct case_rule {
    unsigned from;      /* bit set of statuses */
    enum gr_cstatus to; /* GR_CS_NONE: the status stays */
    unsigned actor;     /* bit set of enum gr_cactor, any one suffices */
    const char *note;   /* NULL when no note is needed, else why it is missing */
    const char *target; /* NULL when no target is needed, else why it is missing */
    enum pre pre;
    const char *wrong_status;
    const char *wrong_actor;
};

#define INTAKE GR_CR_INTAKE
#define HANDLER GR_CR_HANDLER

static const char intake_only[] = "only intake staff of the owning level or above may do this";
static const char handler_only[] = "only the current owner of the case may do this";
static const char verifier_only[] = "only the grid worker of the case or intake staff may do this";
static const char reason_needed[] = "a reason is required";

/*
 * resolve: a handler of a summoned department (GR_CR_SUMMONED without GR_CR_HANDLER) may take
 * it while the case is in progress; for that caller the API completes only the department's
 * sub-task and decides itself whether the status changes, so `to` stays GR_CS_RESOLVED here and
 * the API overrides it. Only a caller holding GR_CR_HANDLER is held to "no open tasks".
 */
static const struct case_rule rules[GR_N_CACTIONS] = {
    [GR_CA_ACCEPT] = {S(GR_CS_SUBMITTED), GR_CS_ACCEPTED, INTAKE, NULL, NULL, PRE_NONE,
                      "only a submitted case is accepted or rejected", intake_only},
    [GR_CA_REJECT] = {S(GR_CS_SUBMITTED), GR_CS_REJECTED, INTAKE, reason_needed, NULL, PRE_NONE,
                      "only a submitted case is accepted or rejected", intake_only},
    [GR_CA_MERGE] = {S(GR_CS_SUBMITTED) | S(GR_CS_ACCEPTED), GR_CS_MERGED, INTAKE, NULL,
                     "the case to merge into is required", PRE_NONE,
                     "only a case not yet dispatched can be merged", intake_only},
    [GR_CA_DISPATCH] = {S(GR_CS_ACCEPTED) | S(GR_CS_ON_HOLD), GR_CS_DISPATCHED, INTAKE, NULL,
                        "an owner is required", PRE_NONE,
                        "only an accepted case or one on hold is dispatched", intake_only},
    [GR_CA_SIGN] = {S(GR_CS_DISPATCHED) | S(GR_CS_ON_HOLD), GR_CS_IN_PROGRESS, HANDLER, NULL, NULL,
                    PRE_HAS_OWNER, "only a dispatched case or one on hold is signed for",
                    handler_only},
    [GR_CA_RETURN] = {S(GR_CS_DISPATCHED) | S(GR_CS_IN_PROGRESS), GR_CS_ACCEPTED, HANDLER,
                      reason_needed, NULL, PRE_NONE,
                      "only a dispatched case or one in progress is returned", handler_only},
    [GR_CA_RESOLVE] = {S(GR_CS_IN_PROGRESS), GR_CS_RESOLVED, HANDLER | GR_CR_SUMMONED,
                       "the result is required", NULL, PRE_TASKS_DONE,
                       "only a case in progress is resolved",
                       "only the owner or a summoned department may report a result"},
    [GR_CA_VERIFY] = {S(GR_CS_RESOLVED), GR_CS_VERIFIED, GR_CR_GRID | INTAKE, NULL, NULL, PRE_NONE,
                      "only a resolved case is verified", verifier_only},
    [GR_CA_REWORK] = {S(GR_CS_RESOLVED) | S(GR_CS_VERIFIED), GR_CS_IN_PROGRESS, GR_CR_GRID | INTAKE,
                      reason_needed, NULL, PRE_NONE,
                      "only a resolved or verified case is sent back for rework", verifier_only},
    [GR_CA_CLOSE] = {S(GR_CS_VERIFIED), GR_CS_CLOSED, INTAKE, NULL, NULL, PRE_NONE,
                     "only a verified case is closed", intake_only},
    [GR_CA_REQUEST_EXTENSION] = {S(GR_CS_DISPATCHED) | S(GR_CS_IN_PROGRESS), GR_CS_NONE, HANDLER,
                                 reason_needed, "the time asked for is required", PRE_NO_EXTENSION,
                                 "an extension is asked for only while the clock runs",
                                 handler_only},
    [GR_CA_APPROVE_EXTENSION] = {S(GR_CS_DISPATCHED) | S(GR_CS_IN_PROGRESS), GR_CS_NONE, INTAKE,
                                 NULL, NULL, PRE_EXTENSION,
                                 "an extension is approved only while the clock runs", intake_only},
    [GR_CA_HOLD] = {S(GR_CS_DISPATCHED) | S(GR_CS_IN_PROGRESS), GR_CS_ON_HOLD, INTAKE,
                    reason_needed, "a review date is required", PRE_NONE,
                    "only a dispatched case or one in progress is put on hold", intake_only},
    [GR_CA_ESCALATE] = {S(GR_CS_ACCEPTED) | S(GR_CS_DISPATCHED) | S(GR_CS_IN_PROGRESS),
                        GR_CS_ACCEPTED, HANDLER | INTAKE | GR_CR_SYSTEM, reason_needed, NULL,
                        PRE_BELOW_TOP, "only an accepted case not yet resolved is escalated",
                        "only the owner, intake staff or the deadline sweep may escalate"},
    [GR_CA_SUMMON] = {S(GR_CS_ACCEPTED) | S(GR_CS_DISPATCHED) | S(GR_CS_IN_PROGRESS), GR_CS_NONE,
                      GR_CR_STREET, NULL, "the departments to summon are required", PRE_NONE,
                      "departments are summoned only on an accepted case not yet resolved",
                      "only street or community staff within scope may summon departments"},
    [GR_CA_REPORT_IN] = {S(GR_CS_ACCEPTED) | S(GR_CS_DISPATCHED) | S(GR_CS_IN_PROGRESS), GR_CS_NONE,
                         GR_CR_SUMMONED, NULL, NULL, PRE_NONE,
                         "a department reports in only on a case not yet resolved",
                         "only a department summoned on the case may report in"},
    [GR_CA_RATE] = {S(GR_CS_RESOLVED) | S(GR_CS_VERIFIED) | S(GR_CS_CLOSED), GR_CS_NONE,
                    GR_CR_REQUESTER | INTAKE, NULL, "both answers are required", PRE_NOT_RATED,
                    "only a resolved case is rated",
                    "only the requester, or staff recording a call-back, may rate a case"},
    [GR_CA_REOPEN] = {S(GR_CS_CLOSED), GR_CS_DISPATCHED, INTAKE, reason_needed, NULL, PRE_HAS_OWNER,
                      "only a closed case is reopened", intake_only},
};

/* NULL when the precondition holds for this caller, else why not. */
static const char *pre_unmet(enum pre p, const struct gr_case_state *s, unsigned actor)
{
    switch (p) {
    case PRE_HAS_OWNER: return s->has_owner ? NULL : "the case has no owner";
    case PRE_NO_EXTENSION:
        return s->extension_pending ? "an extension request is already pending" : NULL;
    case PRE_EXTENSION: return s->extension_pending ? NULL : "no extension request is pending";
    case PRE_TASKS_DONE:
        return ((actor & GR_CR_HANDLER) && s->open_tasks > 0)
                   ? "departments summoned on the case have not finished"
                   : NULL;
    case PRE_BELOW_TOP: return s->top_level ? "the case is already at the top of the ladder" : NULL;
    case PRE_NOT_RATED: return s->rated ? "the case has been rated already" : NULL;
    case PRE_NONE:
    default: return NULL;
    }
}

enum gr_err gr_case_check(const struct gr_case_state *s, enum gr_caction a, unsigned actor,
                          const struct gr_case_input *in, struct gr_case_move *move,
                          const char **why)
{
    enum gr_err err = GR_OK;
    const char *w = NULL;
    const struct case_rule *r;
    /* A caller with nothing to give may pass in as NULL. */
    bool has_note = in != NULL && in->has_note;
    bool has_target = in != NULL && in->has_target;

    if (a <= GR_CA_NONE || a >= GR_N_CACTIONS) {
        err = GR_EINVAL;
        w = "unknown action";
        goto out;
    }
    if (s->status <= GR_CS_NONE || s->status >= GR_N_CSTATUS) {
        err = GR_EINVAL;
        w = "unknown case status";
        goto out;
    }
    r = &rules[a];
    if (!(r->from & S(s->status))) {
        err = GR_ECONFLICT;
        w = r->wrong_status;
        goto out;
    }
    if ((w = pre_unmet(r->pre, s, actor)) != NULL) {
        err = GR_ECONFLICT;
        goto out;
    }
    if (!(actor & r->actor)) {
        err = GR_EFORBIDDEN;
        w = r->wrong_actor;
        goto out;
    }
    if (r->note && !has_note) {
        err = GR_EINVAL;
        w = r->note;
        goto out;
    }
    if (r->target && !has_target) {
        err = GR_EINVAL;
        w = r->target;
        goto out;
    }
    if (move)
        move->to = r->to;
out:
    if (why)
        *why = w;
    return err;
}

bool gr_case_open(enum gr_cstatus s)
{
    return s > GR_CS_NONE && s < GR_N_CSTATUS && s != GR_CS_REJECTED && s != GR_CS_MERGED &&
           s != GR_CS_CLOSED;
}

bool gr_case_clock_runs(enum gr_cstatus s)
{
    return s == GR_CS_DISPATCHED || s == GR_CS_IN_PROGRESS;
}

/* The name at index v of names[0..n), or NULL for 0 and anything out of range. */
static const char *name_of(const char *const *names, size_t n, int v)
{
    return (v > 0 && (size_t)v < n) ? names[v] : NULL;
}

/* The index of s in names[1..n), or 0 when s is NULL or not there. */
static int parse_name(const char *const *names, size_t n, const char *s)
{
    if (s == NULL)
        return 0;
    for (size_t i = 1; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return 0;
}

const char *gr_cstatus_name(enum gr_cstatus s)
{
    return name_of(status_names, GR_N_CSTATUS, (int)s);
}

enum gr_cstatus gr_cstatus_parse(const char *s)
{
    return (enum gr_cstatus)parse_name(status_names, GR_N_CSTATUS, s);
}

const char *gr_caction_name(enum gr_caction a)
{
    return name_of(action_names, GR_N_CACTIONS, (int)a);
}

enum gr_caction gr_caction_parse(const char *s)
{
    return (enum gr_caction)parse_name(action_names, GR_N_CACTIONS, s);
}

const char *gr_resolved_name(enum gr_resolved v)
{
    return name_of(resolved_names, N_RESOLVED, (int)v);
}

enum gr_resolved gr_resolved_parse(const char *s)
{
    return (enum gr_resolved)parse_name(resolved_names, N_RESOLVED, s);
}

const char *gr_satisfaction_name(enum gr_satisfaction v)
{
    return name_of(satisfaction_names, N_SATISFACTION, (int)v);
}

enum gr_satisfaction gr_satisfaction_parse(const char *s)
{
    return (enum gr_satisfaction)parse_name(satisfaction_names, N_SATISFACTION, s);
}

int gr_case_next_level(int level)
{
    switch (level) {
    case GR_LEVEL_GRID: return GR_LEVEL_COMMUNITY;
    case GR_LEVEL_COMMUNITY: return GR_LEVEL_STREET;
    case GR_LEVEL_STREET: return GR_LEVEL_DISTRICT;
    default: return GR_LEVEL_NONE; /* the district is the top rung; the city and junk: none */
    }
}
