/*
 * topic.c - the consultation topic's stage machine: one table says, for each action, the
 * stages it starts from, the stage it leads to, who may take it, whether it needs a reason
 * and which precondition the stored topic must meet.
 *
 * Checks run in a fixed order: stage and precondition (GR_ECONFLICT), then the actor
 * (GR_EFORBIDDEN), then the reason (GR_EINVAL). Terminal stages appear in no "from" set.
 */
#include "topic.h"

#include <string.h>

static const char *const stage_names[GR_N_STAGES] = {
    NULL,           "proposed", "collecting", "deliberating", "voting",    "decided",
    "implementing", "notice",   "closed",     "declined",     "withdrawn", "dismissed"};

static const char *const action_names[GR_N_TOPIC_ACTIONS] = {NULL,
                                                             "accept",
                                                             "decline",
                                                             "start_deliberation",
                                                             "open_voting",
                                                             "close_voting",
                                                             "start_implementation",
                                                             "publish_notice",
                                                             "close",
                                                             "withdraw",
                                                             "dismiss"};

/* What the stored topic must say besides its stage. */
enum pre {
    PRE_NONE = 0,
    PRE_VOTE_RULE,       /* a vote rule is set */
    PRE_PASSED_DECISION, /* the vote passed and the decision is recorded */
    PRE_NOT_PASSED,      /* from decided: only a topic that did not pass skips implementation */
    PRE_NOTICE_DONE      /* the notice period is over and every objection answered */
};

#define S(x) (1u << (x))

struct topic_rule {
    unsigned from; /* bit set of stages */
    enum gr_stage to;
    unsigned actor; /* bit set of enum gr_topic_actor, any one suffices */
    bool needs_reason;
    enum pre pre;
    const char *wrong_stage;
    const char *wrong_actor;
};

static const char staff_only[] = "only staff managing the topic's scope may do this";

static const struct topic_rule rules[GR_N_TOPIC_ACTIONS] = {
    [GR_TA_ACCEPT] = {S(GR_STAGE_PROPOSED), GR_STAGE_COLLECTING, GR_ACTOR_STAFF, false, PRE_NONE,
                      "only a proposed topic is reviewed", staff_only},
    [GR_TA_DECLINE] = {S(GR_STAGE_PROPOSED), GR_STAGE_DECLINED, GR_ACTOR_STAFF, true, PRE_NONE,
                       "only a proposed topic is reviewed", staff_only},
    [GR_TA_START_DELIBERATION] = {S(GR_STAGE_COLLECTING), GR_STAGE_DELIBERATING, GR_ACTOR_STAFF,
                                  false, PRE_NONE, "deliberation follows collecting opinions",
                                  staff_only},
    [GR_TA_OPEN_VOTING] = {S(GR_STAGE_DELIBERATING), GR_STAGE_VOTING, GR_ACTOR_STAFF, false,
                           PRE_VOTE_RULE, "voting follows deliberation", staff_only},
    [GR_TA_CLOSE_VOTING] = {S(GR_STAGE_VOTING), GR_STAGE_DECIDED, GR_ACTOR_STAFF, false, PRE_NONE,
                            "the topic is not being voted on", staff_only},
    [GR_TA_START_IMPLEMENTATION] = {S(GR_STAGE_DECIDED), GR_STAGE_IMPLEMENTING, GR_ACTOR_STAFF,
                                    false, PRE_PASSED_DECISION,
                                    "implementation follows the decision", staff_only},
    [GR_TA_PUBLISH_NOTICE] = {S(GR_STAGE_DECIDED) | S(GR_STAGE_IMPLEMENTING), GR_STAGE_NOTICE,
                              GR_ACTOR_STAFF, false, PRE_NOT_PASSED,
                              "the notice follows implementation or a vote that did not pass",
                              staff_only},
    [GR_TA_CLOSE] = {S(GR_STAGE_NOTICE), GR_STAGE_CLOSED, GR_ACTOR_STAFF, false, PRE_NOTICE_DONE,
                     "only a topic under public notice is closed", staff_only},
    [GR_TA_WITHDRAW] = {S(GR_STAGE_PROPOSED) | S(GR_STAGE_COLLECTING) | S(GR_STAGE_DELIBERATING),
                        GR_STAGE_WITHDRAWN, GR_ACTOR_PROPOSER, true, PRE_NONE,
                        "a topic can be withdrawn only before voting starts",
                        "only the proposer may withdraw a topic; staff dismiss it"},
    [GR_TA_DISMISS] = {S(GR_STAGE_PROPOSED) | S(GR_STAGE_COLLECTING) | S(GR_STAGE_DELIBERATING) |
                           S(GR_STAGE_VOTING) | S(GR_STAGE_DECIDED) | S(GR_STAGE_IMPLEMENTING),
                       GR_STAGE_DISMISSED, GR_ACTOR_STAFF, true, PRE_NONE,
                       "only an open topic, up to implementation, can be dismissed", staff_only},
};

/* NULL when the precondition holds, else why not. */
static const char *pre_unmet(enum pre p, const struct gr_topic_state *s)
{
    switch (p) {
    case PRE_VOTE_RULE: return s->has_vote_rule ? NULL : "the topic has no vote rule";
    case PRE_PASSED_DECISION:
        if (!s->passed)
            return "the vote did not pass";
        return s->has_decision ? NULL : "no decision is recorded";
    case PRE_NOT_PASSED:
        return (s->stage == GR_STAGE_DECIDED && s->passed)
                   ? "a passed decision is implemented before its notice"
                   : NULL;
    case PRE_NOTICE_DONE:
        if (!s->notice_over)
            return "the notice period is not over";
        return s->open_objections == 0 ? NULL : "objections are not yet answered";
    case PRE_NONE:
    default: return NULL;
    }
}

enum gr_err gr_topic_check(const struct gr_topic_state *s, enum gr_topic_action a, unsigned actor,
                           bool has_reason, struct gr_topic_move *move, const char **why)
{
    enum gr_err err = GR_OK;
    const char *w = NULL;
    const struct topic_rule *r;

    if (a <= GR_TA_NONE || a >= GR_N_TOPIC_ACTIONS) {
        err = GR_EINVAL;
        w = "unknown action";
        goto out;
    }
    r = &rules[a];
    if (s->stage <= GR_STAGE_NONE || s->stage >= GR_N_STAGES || !(r->from & S(s->stage))) {
        err = GR_ECONFLICT;
        w = r->wrong_stage;
        goto out;
    }
    if ((w = pre_unmet(r->pre, s)) != NULL) {
        err = GR_ECONFLICT;
        goto out;
    }
    if (!(actor & r->actor)) {
        err = GR_EFORBIDDEN;
        w = r->wrong_actor;
        goto out;
    }
    if (r->needs_reason && !has_reason) {
        err = GR_EINVAL;
        w = "a reason is required";
        goto out;
    }
    if (move) {
        move->to = r->to;
        move->needs_reason = r->needs_reason;
    }
out:
    if (why)
        *why = w;
    return err;
}

bool gr_topic_opinions_open(enum gr_stage s)
{
    return s == GR_STAGE_COLLECTING || s == GR_STAGE_DELIBERATING;
}

bool gr_topic_meetings_open(enum gr_stage s)
{
    return s == GR_STAGE_DELIBERATING;
}

const char *gr_stage_name(enum gr_stage s)
{
    return (s > GR_STAGE_NONE && s < GR_N_STAGES) ? stage_names[s] : NULL;
}

enum gr_stage gr_stage_parse(const char *s)
{
    if (s == NULL)
        return GR_STAGE_NONE;
    for (int i = 1; i < GR_N_STAGES; i++)
        if (strcmp(stage_names[i], s) == 0)
            return (enum gr_stage)i;
    return GR_STAGE_NONE;
}

const char *gr_topic_action_name(enum gr_topic_action a)
{
    return (a > GR_TA_NONE && a < GR_N_TOPIC_ACTIONS) ? action_names[a] : NULL;
}

enum gr_topic_action gr_topic_action_parse(const char *s)
{
    if (s == NULL)
        return GR_TA_NONE;
    for (int i = 1; i < GR_N_TOPIC_ACTIONS; i++)
        if (strcmp(action_names[i], s) == 0)
            return (enum gr_topic_action)i;
    return GR_TA_NONE;
}
