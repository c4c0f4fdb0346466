/*
 * case.h - a resident's request or an event found on patrol (案件): its statuses, the
 * actions that move it, and who may take each one.
 *
 * submitted → accepted (立案) | rejected | merged → dispatched (派遣) → in_progress
 * (签收/处置) → resolved (反馈) → verified (核查) → closed (结案), then rated; returned
 * to the intake for re-dispatch, rework (返工), extension (延期), hold (挂账),
 * escalation up the ladder, summons of departments (吹哨报到), reopen (重办).
 * One table in case.c says, for each action, the statuses it starts from, the status it
 * leads to, who may take it and what it requires. Pure: no I/O.
 */
#ifndef GR_CASE_H
#define GR_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/* Stored by name; never renumber. */
enum gr_cstatus {
    GR_CS_NONE = 0,
    GR_CS_SUBMITTED,
    GR_CS_ACCEPTED,
    GR_CS_REJECTED,
    GR_CS_MERGED,
    GR_CS_DISPATCHED,
    GR_CS_IN_PROGRESS,
    GR_CS_RESOLVED,
    GR_CS_VERIFIED,
    GR_CS_CLOSED,
    GR_CS_ON_HOLD,
    GR_N_CSTATUS
};

enum gr_caction {
    GR_CA_NONE = 0,
    GR_CA_ACCEPT,            /* submitted → accepted (立案) */
    GR_CA_REJECT,            /* submitted → rejected (reason) */
    GR_CA_MERGE,             /* submitted | accepted → merged into another open case */
    GR_CA_DISPATCH,          /* accepted | on_hold → dispatched (派遣; an owner) */
    GR_CA_SIGN,              /* dispatched | on_hold → in_progress (签收: the response) */
    GR_CA_RETURN,            /* dispatched | in_progress → accepted (wrong owner; reason) */
    GR_CA_RESOLVE,           /* in_progress → resolved (反馈: the result); by a summoned
                                department it finishes that department's sub-task and the
                                API decides whether the case moves */
    GR_CA_VERIFY,            /* resolved → verified (核查 on site) */
    GR_CA_REWORK,            /* resolved | verified → in_progress (返工; reason) */
    GR_CA_CLOSE,             /* verified → closed (结案) */
    GR_CA_REQUEST_EXTENSION, /* dispatched | in_progress, unchanged (延期申请; reason) */
    GR_CA_APPROVE_EXTENSION, /* dispatched | in_progress, unchanged (a request pending) */
    GR_CA_HOLD,      /* dispatched | in_progress → on_hold (挂账; reason, review date) */
    GR_CA_ESCALATE,  /* accepted | dispatched | in_progress → accepted one level up */
    GR_CA_SUMMON,    /* accepted | dispatched | in_progress, unchanged (吹哨) */
    GR_CA_REPORT_IN, /* accepted | dispatched | in_progress, unchanged (报到) */
    GR_CA_RATE,      /* resolved | verified | closed, unchanged (the requester) */
    GR_CA_REOPEN,    /* closed → dispatched (重办; reason) */
    GR_N_CACTIONS
};

/* Who acts, as the API finds it from the caller's grants and the case (a bit set). */
enum gr_cactor {
    GR_CR_REQUESTER = 1u << 0, /* the account that filed the case */
    GR_CR_INTAKE = 1u << 1,    /* staff of the owning level or above, within scope
                                  (community, street, district, city staff; admin) */
    GR_CR_HANDLER = 1u << 2,   /* the current owner: a handler of the owning department,
                                  or the grid worker / staff of the owning node */
    GR_CR_GRID = 1u << 3,      /* a grid worker of the case's grid (patrol, 核查) */
    GR_CR_SUMMONED = 1u << 4,  /* a handler of a department summoned on the case */
    GR_CR_SYSTEM = 1u << 5,    /* the deadline sweep */
    GR_CR_STREET = 1u << 6     /* street (or community) staff within scope: may blow the
                                  whistle */
};

/* What the stored case says about itself, for the preconditions. */
struct gr_case_state {
    enum gr_cstatus status;
    bool has_owner;         /* dispatched to someone */
    bool extension_pending; /* a request awaits approval */
    int open_tasks;         /* summoned departments not done */
    bool rated;             /* the requester has rated it */
    bool top_level;         /* owned at the district (or above): no higher level */
};

/* What the caller gives with the action. */
struct gr_case_input {
    bool has_note;   /* a reason, a result, a comment */
    bool has_target; /* merge: the case it joins; dispatch: an owner; summon: departments;
                        hold: a review date; request_extension: the time asked for;
                        rate: both answers */
};

struct gr_case_move {
    enum gr_cstatus to; /* GR_CS_NONE when the status stays */
};

/* May `actor` (a bit set of enum gr_cactor) take action a on a case in state s with
 * input in? GR_ECONFLICT (wrong status or unmet precondition), GR_EFORBIDDEN (wrong
 * actor) or GR_EINVAL (a required note or target is missing), with *why set (static
 * English); else GR_OK and *move filled. Checked in that order. An unknown action or
 * status is GR_EINVAL. */
enum gr_err gr_case_check(const struct gr_case_state *s, enum gr_caction a, unsigned actor,
                          const struct gr_case_input *in, struct gr_case_move *move,
                          const char **why);

/* Statuses that are open (the sweep looks at them; "open" in Open311). */
bool gr_case_open(enum gr_cstatus s);
/* Statuses whose deadline runs (the handler's clock): dispatched and in_progress. */
bool gr_case_clock_runs(enum gr_cstatus s);

const char *gr_cstatus_name(enum gr_cstatus s);
enum gr_cstatus gr_cstatus_parse(const char *s);
const char *gr_caction_name(enum gr_caction a);
enum gr_caction gr_caction_parse(const char *s);

/* Residents' rating answers. */
enum gr_resolved { GR_RES_NONE = 0, GR_RES_YES, GR_RES_PARTLY, GR_RES_NO };
enum gr_satisfaction { GR_SAT_NONE = 0, GR_SAT_SATISFIED, GR_SAT_BASIC, GR_SAT_UNSATISFIED };
const char *gr_resolved_name(enum gr_resolved v);         /* "yes", "partly", "no" */
enum gr_resolved gr_resolved_parse(const char *s);        /* GR_RES_NONE when unknown */
const char *gr_satisfaction_name(enum gr_satisfaction v); /* "satisfied",
                                                             "basically_satisfied",
                                                             "unsatisfied" */
enum gr_satisfaction gr_satisfaction_parse(const char *s);

/* The escalation ladder (小事不出网格、大事不出社区): grid → community → street →
 * district. Levels are enum gr_level values; 0 when there is no higher rung. */
int gr_case_next_level(int level);

#endif
