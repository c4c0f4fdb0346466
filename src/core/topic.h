/*
 * topic.h - the stages of a consultation topic (协商议题) and the actions that move it.
 *
 * proposed → (review) collecting opinions → deliberating → voting → decided →
 * implementing → public notice → closed; declined, withdrawn or dismissed with a reason.
 * Which action is allowed in which stage, by whom and with what required, is one table
 * in topic.c. Pure: no I/O.
 */
#ifndef GR_TOPIC_H
#define GR_TOPIC_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/err.h"

/* Stored by name; never renumber. */
enum gr_stage {
    GR_STAGE_NONE = 0,
    GR_STAGE_PROPOSED,
    GR_STAGE_COLLECTING,   /* 征集: the community party organisation accepted it */
    GR_STAGE_DELIBERATING, /* 协商: one or more meetings */
    GR_STAGE_VOTING,
    GR_STAGE_DECIDED, /* passed or not passed */
    GR_STAGE_IMPLEMENTING,
    GR_STAGE_NOTICE, /* 公示 */
    GR_STAGE_CLOSED,
    GR_STAGE_DECLINED,  /* review said no, with a reason */
    GR_STAGE_WITHDRAWN, /* the proposer took it back */
    GR_STAGE_DISMISSED, /* staff stopped it, with a reason */
    GR_N_STAGES
};

enum gr_topic_action {
    GR_TA_NONE = 0,
    GR_TA_ACCEPT,               /* review: accept; proposed → collecting */
    GR_TA_DECLINE,              /* review: decline (reason); proposed → declined */
    GR_TA_START_DELIBERATION,   /* collecting → deliberating */
    GR_TA_OPEN_VOTING,          /* deliberating → voting (needs a vote rule) */
    GR_TA_CLOSE_VOTING,         /* voting → decided (the tally is frozen) */
    GR_TA_START_IMPLEMENTATION, /* decided (passed) → implementing (needs a decision) */
    GR_TA_PUBLISH_NOTICE,       /* implementing, or decided (not passed) → notice */
    GR_TA_CLOSE,                /* notice → closed (notice period over, objections answered) */
    GR_TA_WITHDRAW,             /* any open stage up to voting → withdrawn (proposer; reason) */
    GR_TA_DISMISS,              /* any open stage → dismissed (staff; reason) */
    GR_N_TOPIC_ACTIONS
};

/* Who acts: the proposer of the topic, or staff who manage its scope. */
enum gr_topic_actor { GR_ACTOR_PROPOSER = 1, GR_ACTOR_STAFF = 2 };

/* What the stored topic says about itself, for the preconditions. */
struct gr_topic_state {
    enum gr_stage stage;
    bool has_vote_rule;
    bool passed; /* after voting */
    bool has_decision;
    bool notice_over;    /* the notice period has ended */
    int open_objections; /* objections not yet answered */
};

struct gr_topic_move {
    enum gr_stage to;
    bool needs_reason;
};

/* May `actor` (a bit set of enum gr_topic_actor) perform action a on a topic in state s
 * given a reason (or not)? GR_ECONFLICT (wrong stage or unmet precondition),
 * GR_EFORBIDDEN (wrong actor) or GR_EINVAL (a reason is required), with *why set; else
 * GR_OK and *move filled. Wrong stage is checked before wrong actor. */
enum gr_err gr_topic_check(const struct gr_topic_state *s, enum gr_topic_action a, unsigned actor,
                           bool has_reason, struct gr_topic_move *move, const char **why);

/* Stable reason codes of a conflict (the API's 409 bodies carry them as "reason"; the web
 * app maps them to its own words): the action does not start from the topic's stage, or a
 * precondition is unmet. Never renamed. */
#define GR_REASON_WRONG_STAGE "wrong_stage"

/* Why action a conflicts with a topic in state s: GR_REASON_WRONG_STAGE, or the unmet
 * precondition's code ("no_vote_rule", "vote_not_passed", "no_decision",
 * "implement_first", "notice_not_over", "open_objections"); NULL when it does not conflict
 * (it may still be forbidden or need a reason). A static string. */
const char *gr_topic_conflict(const struct gr_topic_state *s, enum gr_topic_action a);

/* Opinions may be written while collecting or deliberating; meetings held while
 * deliberating; votes cast while voting; objections raised during notice. */
bool gr_topic_opinions_open(enum gr_stage s);
bool gr_topic_meetings_open(enum gr_stage s);

const char *gr_stage_name(enum gr_stage s);
enum gr_stage gr_stage_parse(const char *s);
const char *gr_topic_action_name(enum gr_topic_action a);
enum gr_topic_action gr_topic_action_parse(const char *s);

#endif
