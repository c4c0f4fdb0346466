/*
 * test_topic.c - src/core/topic.c: every (stage x action x actor x reason) cell of the topic
 * machine against an allowed-move list written out here independently of topic.c's table,
 * each precondition on its own, the order of the checks, the reason code of each conflict,
 * the open windows and the names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/topic.h"

#define PROP GR_ACTOR_PROPOSER
#define STAFF GR_ACTOR_STAFF

/* The allowed moves, one line each, as the issue states them. */
struct allowed {
    enum gr_stage from;
    enum gr_topic_action action;
    enum gr_stage to;
    unsigned actor;
    bool needs_reason;
};

static const struct allowed allowed[] = {
    {GR_STAGE_PROPOSED, GR_TA_ACCEPT, GR_STAGE_COLLECTING, STAFF, false},
    {GR_STAGE_PROPOSED, GR_TA_DECLINE, GR_STAGE_DECLINED, STAFF, true},
    {GR_STAGE_COLLECTING, GR_TA_START_DELIBERATION, GR_STAGE_DELIBERATING, STAFF, false},
    {GR_STAGE_DELIBERATING, GR_TA_OPEN_VOTING, GR_STAGE_VOTING, STAFF, false},
    {GR_STAGE_VOTING, GR_TA_CLOSE_VOTING, GR_STAGE_DECIDED, STAFF, false},
    {GR_STAGE_DECIDED, GR_TA_START_IMPLEMENTATION, GR_STAGE_IMPLEMENTING, STAFF, false},
    {GR_STAGE_DECIDED, GR_TA_PUBLISH_NOTICE, GR_STAGE_NOTICE, STAFF, false},
    {GR_STAGE_IMPLEMENTING, GR_TA_PUBLISH_NOTICE, GR_STAGE_NOTICE, STAFF, false},
    {GR_STAGE_NOTICE, GR_TA_CLOSE, GR_STAGE_CLOSED, STAFF, false},
    {GR_STAGE_PROPOSED, GR_TA_WITHDRAW, GR_STAGE_WITHDRAWN, PROP, true},
    {GR_STAGE_COLLECTING, GR_TA_WITHDRAW, GR_STAGE_WITHDRAWN, PROP, true},
    {GR_STAGE_DELIBERATING, GR_TA_WITHDRAW, GR_STAGE_WITHDRAWN, PROP, true},
    {GR_STAGE_PROPOSED, GR_TA_DISMISS, GR_STAGE_DISMISSED, STAFF, true},
    {GR_STAGE_COLLECTING, GR_TA_DISMISS, GR_STAGE_DISMISSED, STAFF, true},
    {GR_STAGE_DELIBERATING, GR_TA_DISMISS, GR_STAGE_DISMISSED, STAFF, true},
    {GR_STAGE_VOTING, GR_TA_DISMISS, GR_STAGE_DISMISSED, STAFF, true},
    {GR_STAGE_DECIDED, GR_TA_DISMISS, GR_STAGE_DISMISSED, STAFF, true},
    {GR_STAGE_IMPLEMENTING, GR_TA_DISMISS, GR_STAGE_DISMISSED, STAFF, true},
};
#define N_ALLOWED (sizeof(allowed) / sizeof(allowed[0]))

/* Actor sets tried in every cell: nobody, the proposer, staff, a staff member who proposed. */
static const unsigned actors[] = {0, PROP, STAFF, PROP | STAFF};

static const struct allowed *find_allowed(enum gr_stage s, enum gr_topic_action a, bool passed)
{
    /* From decided, a passed topic is implemented; one that did not pass goes to notice. */
    if (s == GR_STAGE_DECIDED && a == GR_TA_START_IMPLEMENTATION && !passed)
        return NULL;
    if (s == GR_STAGE_DECIDED && a == GR_TA_PUBLISH_NOTICE && passed)
        return NULL;
    for (size_t i = 0; i < N_ALLOWED; i++)
        if (allowed[i].from == s && allowed[i].action == a)
            return &allowed[i];
    return NULL;
}

static struct gr_topic_state state_in(enum gr_stage s, bool passed)
{
    struct gr_topic_state st;
    memset(&st, 0, sizeof(st));
    st.stage = s;
    st.has_vote_rule = true;
    st.passed = passed;
    st.has_decision = true;
    st.notice_over = true;
    st.open_objections = 0;
    return st;
}

/* Run one cell and compare with the expected result. Returns the result. */
static enum gr_err run_cell(const struct gr_topic_state *st, enum gr_topic_action a, unsigned actor,
                            bool reason, const struct allowed *ok)
{
    struct gr_topic_move move = {GR_STAGE_NONE, false};
    const char *why = "untouched";
    enum gr_err want, got;

    if (ok == NULL)
        want = GR_ECONFLICT;
    else if (!(actor & ok->actor))
        want = GR_EFORBIDDEN;
    else if (ok->needs_reason && !reason)
        want = GR_EINVAL;
    else
        want = GR_OK;
    got = gr_topic_check(st, a, actor, reason, &move, &why);
    if (got != want)
        print_error("stage %s action %s actor %u reason %d: got %d want %d\n",
                    gr_stage_name(st->stage) ? gr_stage_name(st->stage) : "?",
                    gr_topic_action_name(a), actor, reason, got, want);
    assert_int_equal(got, want);
    if (want == GR_OK) {
        assert_int_equal(move.to, ok->to);
        assert_int_equal(move.needs_reason, ok->needs_reason);
    } else {
        assert_non_null(why);
        assert_true(strlen(why) > 0);
        assert_int_equal(move.to, GR_STAGE_NONE);
    }
    return got;
}

static void every_cell_of_the_machine(void **state)
{
    (void)state;
    int n_ok = 0, n_conflict = 0, n_forbidden = 0, n_inval = 0;
    for (int passed = 0; passed <= 1; passed++)
        for (int s = GR_STAGE_PROPOSED; s < GR_N_STAGES; s++)
            for (int a = GR_TA_ACCEPT; a < GR_N_TOPIC_ACTIONS; a++)
                for (size_t i = 0; i < sizeof(actors) / sizeof(actors[0]); i++)
                    for (int reason = 0; reason <= 1; reason++) {
                        struct gr_topic_state st = state_in((enum gr_stage)s, passed);
                        const struct allowed *ok =
                            find_allowed((enum gr_stage)s, (enum gr_topic_action)a, passed);
                        switch (run_cell(&st, (enum gr_topic_action)a, actors[i], reason, ok)) {
                        case GR_OK: n_ok++; break;
                        case GR_ECONFLICT: n_conflict++; break;
                        case GR_EFORBIDDEN: n_forbidden++; break;
                        case GR_EINVAL: n_inval++; break;
                        default: fail();
                        }
                    }
    /*
     * 2 (passed) x 11 stages x 10 actions x 4 actor sets x 2 = 1760 cells. Allowed
     * (stage, action) pairs: 17 with passed (start_implementation from decided), 17 without
     * (publish_notice from decided) = 34 pairs x 8 = 272 cells; the rest conflict.
     * Actor: proposer-only moves (3 withdraws per passed value) allow PROP and PROP|STAFF; staff
     * moves (14 per passed value) allow STAFF and PROP|STAFF.
     */
    assert_int_equal(n_ok + n_conflict + n_forbidden + n_inval, 1760);
    assert_int_equal(n_conflict, 1760 - 272);
    assert_int_equal(n_forbidden, 34 * 2 * 2);
    /* Missing reason: decline, 3 withdraws and 6 dismisses per passed value, 2 actor sets. */
    assert_int_equal(n_inval, 2 * 10 * 2);
    assert_int_equal(n_ok, 272 - 136 - 40);
}

static void terminal_stages_allow_nothing(void **state)
{
    (void)state;
    static const enum gr_stage terminal[] = {GR_STAGE_CLOSED, GR_STAGE_DECLINED, GR_STAGE_WITHDRAWN,
                                             GR_STAGE_DISMISSED};
    for (size_t i = 0; i < 4; i++)
        for (int a = GR_TA_ACCEPT; a < GR_N_TOPIC_ACTIONS; a++) {
            struct gr_topic_state st = state_in(terminal[i], true);
            struct gr_topic_move m;
            const char *why = NULL;
            assert_int_equal(
                gr_topic_check(&st, (enum gr_topic_action)a, PROP | STAFF, true, &m, &why),
                GR_ECONFLICT);
            assert_non_null(why);
        }
}

static void the_happy_paths(void **state)
{
    (void)state;
    static const enum gr_topic_action passed_path[] = {
        GR_TA_ACCEPT,       GR_TA_START_DELIBERATION,   GR_TA_OPEN_VOTING,
        GR_TA_CLOSE_VOTING, GR_TA_START_IMPLEMENTATION, GR_TA_PUBLISH_NOTICE,
        GR_TA_CLOSE};
    static const enum gr_stage passed_stages[] = {
        GR_STAGE_COLLECTING,   GR_STAGE_DELIBERATING, GR_STAGE_VOTING, GR_STAGE_DECIDED,
        GR_STAGE_IMPLEMENTING, GR_STAGE_NOTICE,       GR_STAGE_CLOSED};
    struct gr_topic_state st = state_in(GR_STAGE_PROPOSED, true);
    struct gr_topic_move m;
    const char *why;
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(gr_topic_check(&st, passed_path[i], STAFF, false, &m, &why), GR_OK);
        assert_int_equal(m.to, passed_stages[i]);
        assert_false(m.needs_reason);
        st.stage = m.to;
    }

    /* Not passed: decided goes straight to notice. */
    st = state_in(GR_STAGE_DECIDED, false);
    st.has_decision = false;
    assert_int_equal(gr_topic_check(&st, GR_TA_PUBLISH_NOTICE, STAFF, false, &m, &why), GR_OK);
    assert_int_equal(m.to, GR_STAGE_NOTICE);

    /* NULL out-parameters are allowed. */
    st = state_in(GR_STAGE_PROPOSED, false);
    assert_int_equal(gr_topic_check(&st, GR_TA_ACCEPT, STAFF, false, NULL, NULL), GR_OK);
    assert_int_equal(gr_topic_check(&st, GR_TA_CLOSE, STAFF, false, NULL, NULL), GR_ECONFLICT);
}

static void skipping_and_going_back_conflict(void **state)
{
    (void)state;
    struct gr_topic_move m;
    const char *why;
    struct gr_topic_state st;

    /* Skip: proposed straight to deliberation or voting; collecting to voting; voting to
     * implementation or notice; implementing to closed. */
    st = state_in(GR_STAGE_PROPOSED, true);
    assert_int_equal(gr_topic_check(&st, GR_TA_START_DELIBERATION, STAFF, false, &m, &why),
                     GR_ECONFLICT);
    assert_int_equal(gr_topic_check(&st, GR_TA_OPEN_VOTING, STAFF, false, &m, &why), GR_ECONFLICT);
    st.stage = GR_STAGE_COLLECTING;
    assert_int_equal(gr_topic_check(&st, GR_TA_OPEN_VOTING, STAFF, false, &m, &why), GR_ECONFLICT);
    st.stage = GR_STAGE_VOTING;
    assert_int_equal(gr_topic_check(&st, GR_TA_START_IMPLEMENTATION, STAFF, false, &m, &why),
                     GR_ECONFLICT);
    assert_int_equal(gr_topic_check(&st, GR_TA_PUBLISH_NOTICE, STAFF, false, &m, &why),
                     GR_ECONFLICT);
    st.stage = GR_STAGE_IMPLEMENTING;
    assert_int_equal(gr_topic_check(&st, GR_TA_CLOSE, STAFF, false, &m, &why), GR_ECONFLICT);

    /* Back: a collecting topic is not reviewed again; a decided one does not reopen voting. */
    st.stage = GR_STAGE_COLLECTING;
    assert_int_equal(gr_topic_check(&st, GR_TA_ACCEPT, STAFF, false, &m, &why), GR_ECONFLICT);
    assert_int_equal(gr_topic_check(&st, GR_TA_DECLINE, STAFF, true, &m, &why), GR_ECONFLICT);
    st.stage = GR_STAGE_DECIDED;
    assert_int_equal(gr_topic_check(&st, GR_TA_OPEN_VOTING, STAFF, false, &m, &why), GR_ECONFLICT);
    assert_int_equal(gr_topic_check(&st, GR_TA_CLOSE_VOTING, STAFF, false, &m, &why), GR_ECONFLICT);
    st.stage = GR_STAGE_NOTICE;
    assert_int_equal(gr_topic_check(&st, GR_TA_PUBLISH_NOTICE, STAFF, false, &m, &why),
                     GR_ECONFLICT);
    assert_int_equal(gr_topic_check(&st, GR_TA_START_IMPLEMENTATION, STAFF, false, &m, &why),
                     GR_ECONFLICT);
}

static void withdraw_and_dismiss_windows(void **state)
{
    (void)state;
    struct gr_topic_move m;
    const char *why;
    for (int s = GR_STAGE_PROPOSED; s < GR_N_STAGES; s++) {
        struct gr_topic_state st = state_in((enum gr_stage)s, true);
        bool w = s == GR_STAGE_PROPOSED || s == GR_STAGE_COLLECTING || s == GR_STAGE_DELIBERATING;
        bool d = w || s == GR_STAGE_VOTING || s == GR_STAGE_DECIDED || s == GR_STAGE_IMPLEMENTING;
        assert_int_equal(gr_topic_check(&st, GR_TA_WITHDRAW, PROP, true, &m, &why),
                         w ? GR_OK : GR_ECONFLICT);
        assert_int_equal(gr_topic_check(&st, GR_TA_DISMISS, STAFF, true, &m, &why),
                         d ? GR_OK : GR_ECONFLICT);
        if (w) {
            /* Staff may not withdraw (they dismiss); the proposer may not dismiss. */
            assert_int_equal(gr_topic_check(&st, GR_TA_WITHDRAW, STAFF, true, &m, &why),
                             GR_EFORBIDDEN);
            assert_int_equal(gr_topic_check(&st, GR_TA_WITHDRAW, PROP, false, &m, &why), GR_EINVAL);
        }
        if (d) {
            assert_int_equal(gr_topic_check(&st, GR_TA_DISMISS, PROP, true, &m, &why),
                             GR_EFORBIDDEN);
            assert_int_equal(gr_topic_check(&st, GR_TA_DISMISS, STAFF, false, &m, &why), GR_EINVAL);
        }
    }
}

static void open_voting_needs_a_rule(void **state)
{
    (void)state;
    struct gr_topic_move m;
    const char *why = NULL;
    struct gr_topic_state st = state_in(GR_STAGE_DELIBERATING, false);
    st.has_vote_rule = false;
    assert_int_equal(gr_topic_check(&st, GR_TA_OPEN_VOTING, STAFF, false, &m, &why), GR_ECONFLICT);
    assert_non_null(why);
    assert_non_null(strstr(why, "vote rule"));
    st.has_vote_rule = true;
    assert_int_equal(gr_topic_check(&st, GR_TA_OPEN_VOTING, STAFF, false, &m, &why), GR_OK);
    assert_int_equal(m.to, GR_STAGE_VOTING);
}

static void implementation_needs_passed_and_decision(void **state)
{
    (void)state;
    struct gr_topic_move m;
    const char *why;
    struct gr_topic_state st = state_in(GR_STAGE_DECIDED, true);
    for (int passed = 0; passed <= 1; passed++)
        for (int dec = 0; dec <= 1; dec++) {
            st.passed = passed;
            st.has_decision = dec;
            why = NULL;
            assert_int_equal(
                gr_topic_check(&st, GR_TA_START_IMPLEMENTATION, STAFF, false, &m, &why),
                passed && dec ? GR_OK : GR_ECONFLICT);
            if (!(passed && dec))
                assert_non_null(why);
        }
}

static void notice_from_decided_only_when_not_passed(void **state)
{
    (void)state;
    struct gr_topic_move m;
    const char *why = NULL;
    struct gr_topic_state st = state_in(GR_STAGE_DECIDED, true);
    assert_int_equal(gr_topic_check(&st, GR_TA_PUBLISH_NOTICE, STAFF, false, &m, &why),
                     GR_ECONFLICT);
    assert_non_null(why);
    st.passed = false;
    assert_int_equal(gr_topic_check(&st, GR_TA_PUBLISH_NOTICE, STAFF, false, &m, &why), GR_OK);
    /* From implementing, whether it passed does not matter (it did). */
    st = state_in(GR_STAGE_IMPLEMENTING, true);
    assert_int_equal(gr_topic_check(&st, GR_TA_PUBLISH_NOTICE, STAFF, false, &m, &why), GR_OK);
    assert_int_equal(m.to, GR_STAGE_NOTICE);
}

static void close_needs_notice_over_and_objections_answered(void **state)
{
    (void)state;
    struct gr_topic_move m;
    const char *why;
    struct gr_topic_state st = state_in(GR_STAGE_NOTICE, true);
    for (int over = 0; over <= 1; over++)
        for (int obj = 0; obj <= 2; obj++) {
            st.notice_over = over;
            st.open_objections = obj;
            why = NULL;
            assert_int_equal(gr_topic_check(&st, GR_TA_CLOSE, STAFF, false, &m, &why),
                             over && obj == 0 ? GR_OK : GR_ECONFLICT);
            if (!(over && obj == 0))
                assert_non_null(why);
        }
    st.notice_over = true;
    st.open_objections = 1;
    assert_int_equal(gr_topic_check(&st, GR_TA_CLOSE, STAFF, false, &m, &why), GR_ECONFLICT);
    assert_non_null(strstr(why, "objection"));
    st.open_objections = 0;
    st.notice_over = false;
    assert_int_equal(gr_topic_check(&st, GR_TA_CLOSE, STAFF, false, &m, &why), GR_ECONFLICT);
    assert_non_null(strstr(why, "notice"));
}

static void check_order_stage_then_actor_then_reason(void **state)
{
    (void)state;
    struct gr_topic_move m;
    const char *why;
    struct gr_topic_state st;

    /* Wrong stage and wrong actor and no reason: the stage wins. */
    st = state_in(GR_STAGE_VOTING, false);
    assert_int_equal(gr_topic_check(&st, GR_TA_WITHDRAW, STAFF, false, &m, &why), GR_ECONFLICT);
    st = state_in(GR_STAGE_CLOSED, false);
    assert_int_equal(gr_topic_check(&st, GR_TA_DECLINE, PROP, false, &m, &why), GR_ECONFLICT);
    /* Right stage, wrong actor, no reason: the actor wins. */
    st = state_in(GR_STAGE_PROPOSED, false);
    assert_int_equal(gr_topic_check(&st, GR_TA_DECLINE, PROP, false, &m, &why), GR_EFORBIDDEN);
    assert_int_equal(gr_topic_check(&st, GR_TA_DECLINE, 0, false, &m, &why), GR_EFORBIDDEN);
    /* An unmet precondition is part of the state test, so it too comes before the actor. */
    st = state_in(GR_STAGE_DELIBERATING, false);
    st.has_vote_rule = false;
    assert_int_equal(gr_topic_check(&st, GR_TA_OPEN_VOTING, PROP, false, &m, &why), GR_ECONFLICT);
    st = state_in(GR_STAGE_NOTICE, false);
    st.open_objections = 3;
    assert_int_equal(gr_topic_check(&st, GR_TA_CLOSE, PROP, false, &m, &why), GR_ECONFLICT);
    st.open_objections = 0;
    assert_int_equal(gr_topic_check(&st, GR_TA_CLOSE, PROP, false, &m, &why), GR_EFORBIDDEN);
    /* A reason given where none is needed is fine. */
    st = state_in(GR_STAGE_PROPOSED, false);
    assert_int_equal(gr_topic_check(&st, GR_TA_ACCEPT, STAFF, true, &m, &why), GR_OK);
    assert_false(m.needs_reason);
}

static void unknown_stage_or_action(void **state)
{
    (void)state;
    struct gr_topic_move m;
    const char *why = NULL;
    struct gr_topic_state st = state_in(GR_STAGE_NONE, false);
    for (int a = GR_TA_ACCEPT; a < GR_N_TOPIC_ACTIONS; a++)
        assert_int_equal(gr_topic_check(&st, (enum gr_topic_action)a, PROP | STAFF, true, &m, &why),
                         GR_ECONFLICT);
    st.stage = GR_N_STAGES;
    assert_int_equal(gr_topic_check(&st, GR_TA_DISMISS, STAFF, true, &m, &why), GR_ECONFLICT);
    st.stage = GR_STAGE_PROPOSED;
    why = NULL;
    assert_int_equal(gr_topic_check(&st, GR_TA_NONE, STAFF, true, &m, &why), GR_EINVAL);
    assert_non_null(why);
    assert_int_equal(gr_topic_check(&st, GR_N_TOPIC_ACTIONS, STAFF, true, &m, &why), GR_EINVAL);
}

static void opinion_and_meeting_windows(void **state)
{
    (void)state;
    for (int s = GR_STAGE_NONE; s <= GR_N_STAGES; s++) {
        assert_int_equal(gr_topic_opinions_open((enum gr_stage)s),
                         s == GR_STAGE_COLLECTING || s == GR_STAGE_DELIBERATING);
        assert_int_equal(gr_topic_meetings_open((enum gr_stage)s), s == GR_STAGE_DELIBERATING);
    }
}

/* Every conflict of gr_topic_check has a reason code, and the code says which check failed:
 * the stage, or the precondition named. Nothing else has one. */
static void conflicts_name_their_reason(void **state)
{
    (void)state;
    for (int passed = 0; passed <= 1; passed++)
        for (int s = GR_STAGE_PROPOSED; s < GR_N_STAGES; s++)
            for (int a = GR_TA_ACCEPT; a < GR_N_TOPIC_ACTIONS; a++) {
                struct gr_topic_state st = state_in((enum gr_stage)s, passed);
                const char *reason = gr_topic_conflict(&st, (enum gr_topic_action)a);
                enum gr_err e =
                    gr_topic_check(&st, (enum gr_topic_action)a, PROP | STAFF, true, NULL, NULL);
                if (e == GR_ECONFLICT) {
                    assert_non_null(reason);
                    /* All preconditions hold in state_in but "not passed": only the stage
                     * and implement_first / vote_not_passed are left. */
                    bool stage =
                        find_allowed((enum gr_stage)s, (enum gr_topic_action)a, true) == NULL &&
                        find_allowed((enum gr_stage)s, (enum gr_topic_action)a, false) == NULL;
                    if (stage)
                        assert_string_equal(reason, GR_REASON_WRONG_STAGE);
                } else {
                    assert_null(reason);
                }
            }
    struct gr_topic_state st = state_in(GR_STAGE_DELIBERATING, false);
    st.has_vote_rule = false;
    assert_string_equal(gr_topic_conflict(&st, GR_TA_OPEN_VOTING), "no_vote_rule");
    st = state_in(GR_STAGE_DECIDED, false);
    assert_string_equal(gr_topic_conflict(&st, GR_TA_START_IMPLEMENTATION), "vote_not_passed");
    st = state_in(GR_STAGE_DECIDED, true);
    st.has_decision = false;
    assert_string_equal(gr_topic_conflict(&st, GR_TA_START_IMPLEMENTATION), "no_decision");
    assert_string_equal(gr_topic_conflict(&st, GR_TA_PUBLISH_NOTICE), "implement_first");
    st = state_in(GR_STAGE_NOTICE, true);
    st.notice_over = false;
    st.open_objections = 2;
    assert_string_equal(gr_topic_conflict(&st, GR_TA_CLOSE), "notice_not_over");
    st.notice_over = true;
    assert_string_equal(gr_topic_conflict(&st, GR_TA_CLOSE), "open_objections");
    st.open_objections = 0;
    assert_null(gr_topic_conflict(&st, GR_TA_CLOSE));
    /* The stage is checked before the precondition, as gr_topic_check does. */
    st = state_in(GR_STAGE_COLLECTING, false);
    st.has_vote_rule = false;
    assert_string_equal(gr_topic_conflict(&st, GR_TA_OPEN_VOTING), GR_REASON_WRONG_STAGE);
    assert_null(gr_topic_conflict(&st, GR_TA_NONE));
    assert_null(gr_topic_conflict(&st, GR_N_TOPIC_ACTIONS));
    /* A wrong actor or a missing reason is no conflict. */
    st = state_in(GR_STAGE_PROPOSED, false);
    assert_null(gr_topic_conflict(&st, GR_TA_DECLINE));
}

static void names_round_trip(void **state)
{
    (void)state;
    static const char *const stages[] = {NULL,     "proposed", "collecting",   "deliberating",
                                         "voting", "decided",  "implementing", "notice",
                                         "closed", "declined", "withdrawn",    "dismissed"};
    static const char *const acts[] = {NULL,
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
    assert_int_equal(sizeof(stages) / sizeof(stages[0]), GR_N_STAGES);
    assert_int_equal(sizeof(acts) / sizeof(acts[0]), GR_N_TOPIC_ACTIONS);
    for (int s = 1; s < GR_N_STAGES; s++) {
        assert_string_equal(gr_stage_name((enum gr_stage)s), stages[s]);
        assert_int_equal(gr_stage_parse(stages[s]), s);
    }
    for (int a = 1; a < GR_N_TOPIC_ACTIONS; a++) {
        assert_string_equal(gr_topic_action_name((enum gr_topic_action)a), acts[a]);
        assert_int_equal(gr_topic_action_parse(acts[a]), a);
    }
    assert_null(gr_stage_name(GR_STAGE_NONE));
    assert_null(gr_stage_name(GR_N_STAGES));
    assert_null(gr_topic_action_name(GR_TA_NONE));
    assert_null(gr_topic_action_name(GR_N_TOPIC_ACTIONS));
    assert_int_equal(gr_stage_parse(NULL), GR_STAGE_NONE);
    assert_int_equal(gr_stage_parse(""), GR_STAGE_NONE);
    assert_int_equal(gr_stage_parse("Proposed"), GR_STAGE_NONE);
    assert_int_equal(gr_stage_parse("propose"), GR_STAGE_NONE);
    assert_int_equal(gr_stage_parse("proposedx"), GR_STAGE_NONE);
    assert_int_equal(gr_topic_action_parse(NULL), GR_TA_NONE);
    assert_int_equal(gr_topic_action_parse("close_"), GR_TA_NONE);
    assert_int_equal(gr_topic_action_parse("clos"), GR_TA_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_cell_of_the_machine),
        cmocka_unit_test(terminal_stages_allow_nothing),
        cmocka_unit_test(the_happy_paths),
        cmocka_unit_test(skipping_and_going_back_conflict),
        cmocka_unit_test(withdraw_and_dismiss_windows),
        cmocka_unit_test(open_voting_needs_a_rule),
        cmocka_unit_test(implementation_needs_passed_and_decision),
        cmocka_unit_test(notice_from_decided_only_when_not_passed),
        cmocka_unit_test(close_needs_notice_over_and_objections_answered),
        cmocka_unit_test(check_order_stage_then_actor_then_reason),
        cmocka_unit_test(unknown_stage_or_action),
        cmocka_unit_test(opinion_and_meeting_windows),
        cmocka_unit_test(conflicts_name_their_reason),
        cmocka_unit_test(names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
