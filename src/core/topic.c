/*
 * topic.c - the consultation topic's stage machine: one table says, for each action, the
 * stages it starts from, the stage it leads to, who may take it, whether it needs a reason
 * and which precondition the stored topic must meet.
 *
 * Checks run in a fixed order: stage and precondition (GR_ECONFLICT), then the actor
 * (GR_EFORBIDDEN), then the reason (GR_EINVAL). Terminal stages appear in no "from" set.
 * Each conflict also has a stable reason code (gr_topic_conflict) for the API's 409s.
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

/* An unmet precondition: what the API says (English) and its stable reason code. */
struct unmet {
    const char *why, *code;
};

static const struct unmet no_rule = {"the topic has no vote rule", "no_vote_rule"};
static const struct unmet not_passed = {"the vote did not pass", "vote_not_passed"};
static const struct unmet no_decision = {"no decision is recorded", "no_decision"};
static const struct unmet implement_first = {"a passed decision is implemented before its notice",
                                             "implement_first"};
static const struct unmet notice_running = {"the notice period is not over", "notice_not_over"};
static const struct unmet objections_open = {"objections are not yet answered", "open_objections"};

/* NULL when the precondition holds, else why not. */
static const struct unmet *pre_unmet(enum pre p, const struct gr_topic_state *s)
{
    switch (p) {
    case PRE_VOTE_RULE: return s->has_vote_rule ? NULL : &no_rule;
    case PRE_PASSED_DECISION:
        if (!s->passed)
            return &not_passed;
        return s->has_decision ? NULL : &no_decision;
    case PRE_NOT_PASSED:
        return (s->stage == GR_STAGE_DECIDED && s->passed) ? &implement_first : NULL;
    case PRE_NOTICE_DONE:
        if (!s->notice_over)
            return &notice_running;
        return s->open_objections == 0 ? NULL : &objections_open;
    case PRE_NONE:
    default: return NULL;
    }
}

static bool stage_ok(const struct topic_rule *r, const struct gr_topic_state *s)
{
    return s->stage > GR_STAGE_NONE && s->stage < GR_N_STAGES && (r->from & S(s->stage));
}

enum gr_err gr_topic_check(const struct gr_topic_state *s, enum gr_topic_action a, unsigned actor,
                           bool has_reason, struct gr_topic_move *move, const char **why)
{
    enum gr_err err = GR_OK;
    const char *w = NULL;
    const struct topic_rule *r;
    const struct unmet *u;

    if (a <= GR_TA_NONE || a >= GR_N_TOPIC_ACTIONS) {
        err = GR_EINVAL;
        w = "unknown action";
        goto out;
    }
    r = &rules[a];
    if (!stage_ok(r, s)) {
        err = GR_ECONFLICT;
        w = r->wrong_stage;
        goto out;
    }
    if ((u = pre_unmet(r->pre, s)) != NULL) {
        err = GR_ECONFLICT;
        w = u->why;
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

const char *gr_topic_conflict(const struct gr_topic_state *s, enum gr_topic_action a)
{
    if (a <= GR_TA_NONE || a >= GR_N_TOPIC_ACTIONS)
        return NULL;
    if (!stage_ok(&rules[a], s))
        return GR_REASON_WRONG_STAGE;
    const struct unmet *u = pre_unmet(rules[a].pre, s);
    return u ? u->code : NULL;
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
