/*
 * test_case.c - src/core/case.c: every (status x action x actor bit x note x target) cell of
 * the case machine against an allowed-move list written out here independently of case.c's
 * table, each precondition on its own, the order of the checks, the open and clock sets, the
 * names and the escalation ladder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/case.h"
#include "core/schema.h"

#define REQ GR_CR_REQUESTER
#define INTK GR_CR_INTAKE
#define HAN GR_CR_HANDLER
#define GRID GR_CR_GRID
#define SUM GR_CR_SUMMONED
#define SYS GR_CR_SYSTEM
#define STR GR_CR_STREET
#define ALL (REQ | INTK | HAN | GRID | SUM | SYS | STR)

#define SUB GR_CS_SUBMITTED
#define ACC GR_CS_ACCEPTED
#define REJ GR_CS_REJECTED
#define MRG GR_CS_MERGED
#define DSP GR_CS_DISPATCHED
#define INP GR_CS_IN_PROGRESS
#define RES GR_CS_RESOLVED
#define VER GR_CS_VERIFIED
#define CLO GR_CS_CLOSED
#define HLD GR_CS_ON_HOLD
#define SAME GR_CS_NONE

/* A status no move leaves alone, to see whether *move was written. */
#define UNTOUCHED GR_N_CSTATUS

/* The allowed moves, one line each, as the issue states them. */
struct allowed {
    enum gr_cstatus from;
    enum gr_caction action;
    enum gr_cstatus to;
    unsigned actor;
    bool note;
    bool target;
};

static const struct allowed allowed[] = {
    {SUB, GR_CA_ACCEPT, ACC, INTK, false, false},
    {SUB, GR_CA_REJECT, REJ, INTK, true, false},
    {SUB, GR_CA_MERGE, MRG, INTK, false, true},
    {ACC, GR_CA_MERGE, MRG, INTK, false, true},
    {ACC, GR_CA_DISPATCH, DSP, INTK, false, true},
    {HLD, GR_CA_DISPATCH, DSP, INTK, false, true},
    {DSP, GR_CA_SIGN, INP, HAN, false, false},
    {HLD, GR_CA_SIGN, INP, HAN, false, false},
    {DSP, GR_CA_RETURN, ACC, HAN, true, false},
    {INP, GR_CA_RETURN, ACC, HAN, true, false},
    {INP, GR_CA_RESOLVE, RES, HAN | SUM, true, false},
    {RES, GR_CA_VERIFY, VER, GRID | INTK, false, false},
    {RES, GR_CA_REWORK, INP, GRID | INTK, true, false},
    {VER, GR_CA_REWORK, INP, GRID | INTK, true, false},
    {VER, GR_CA_CLOSE, CLO, INTK, false, false},
    {DSP, GR_CA_REQUEST_EXTENSION, SAME, HAN, true, true},
    {INP, GR_CA_REQUEST_EXTENSION, SAME, HAN, true, true},
    {DSP, GR_CA_APPROVE_EXTENSION, SAME, INTK, false, false},
    {INP, GR_CA_APPROVE_EXTENSION, SAME, INTK, false, false},
    {DSP, GR_CA_HOLD, HLD, INTK, true, true},
    {INP, GR_CA_HOLD, HLD, INTK, true, true},
    {ACC, GR_CA_ESCALATE, ACC, HAN | INTK | SYS, true, false},
    {DSP, GR_CA_ESCALATE, ACC, HAN | INTK | SYS, true, false},
    {INP, GR_CA_ESCALATE, ACC, HAN | INTK | SYS, true, false},
    {ACC, GR_CA_SUMMON, SAME, STR, false, true},
    {DSP, GR_CA_SUMMON, SAME, STR, false, true},
    {INP, GR_CA_SUMMON, SAME, STR, false, true},
    {ACC, GR_CA_REPORT_IN, SAME, SUM, false, false},
    {DSP, GR_CA_REPORT_IN, SAME, SUM, false, false},
    {INP, GR_CA_REPORT_IN, SAME, SUM, false, false},
    {RES, GR_CA_RATE, SAME, REQ | INTK, false, true},
    {VER, GR_CA_RATE, SAME, REQ | INTK, false, true},
    {CLO, GR_CA_RATE, SAME, REQ | INTK, false, true},
    {CLO, GR_CA_REOPEN, DSP, INTK, true, false},
};
#define N_ALLOWED (sizeof(allowed) / sizeof(allowed[0]))

/* Actor sets tried in every cell: nobody, then each bit alone. */
static const unsigned actors[] = {0, REQ, INTK, HAN, GRID, SUM, SYS, STR};
#define N_ACTORS (sizeof(actors) / sizeof(actors[0]))

/* The allowed line for (s, a), or NULL; an extension is asked for only when none is pending
 * and approved only when one is. */
static const struct allowed *find_allowed(enum gr_cstatus s, enum gr_caction a, bool pending)
{
    if (a == GR_CA_REQUEST_EXTENSION && pending)
        return NULL;
    if (a == GR_CA_APPROVE_EXTENSION && !pending)
        return NULL;
    for (size_t i = 0; i < N_ALLOWED; i++)
        if (allowed[i].from == s && allowed[i].action == a)
            return &allowed[i];
    return NULL;
}

/* A case in status s meeting every precondition but the extension one, which is `pending`. */
static struct gr_case_state state_in(enum gr_cstatus s, bool pending)
{
    struct gr_case_state st;
    memset(&st, 0, sizeof(st));
    st.status = s;
    st.has_owner = true;
    st.extension_pending = pending;
    st.open_tasks = 0;
    st.rated = false;
    st.top_level = false;
    return st;
}

static struct gr_case_input input(bool note, bool target)
{
    struct gr_case_input in = {note, target};
    return in;
}

static const char *sname(enum gr_cstatus s)
{
    return gr_cstatus_name(s) ? gr_cstatus_name(s) : "?";
}

/* Run one cell and compare with the expected result. Returns the result. */
static enum gr_err run_cell(const struct gr_case_state *st, enum gr_caction a, unsigned actor,
                            bool note, bool target, const struct allowed *ok)
{
    struct gr_case_move move = {UNTOUCHED};
    struct gr_case_input in = input(note, target);
    const char *why = "untouched";
    enum gr_err want, got;

    if (ok == NULL)
        want = GR_ECONFLICT;
    else if (!(actor & ok->actor))
        want = GR_EFORBIDDEN;
    else if ((ok->note && !note) || (ok->target && !target))
        want = GR_EINVAL;
    else
        want = GR_OK;
    got = gr_case_check(st, a, actor, &in, &move, &why);
    if (got != want)
        print_error("status %s action %s actor %u note %d target %d: got %d want %d\n",
                    sname(st->status), gr_caction_name(a), actor, note, target, got, want);
    assert_int_equal(got, want);
    if (want == GR_OK) {
        assert_int_equal(move.to, ok->to);
        assert_null(why);
    } else {
        assert_non_null(why);
        assert_true(strlen(why) > 0);
        assert_int_equal(move.to, UNTOUCHED);
    }
    return got;
}

static void every_cell_of_the_machine(void **state)
{
    (void)state;
    int n_ok = 0, n_conflict = 0, n_forbidden = 0, n_inval = 0;
    for (int pending = 0; pending <= 1; pending++)
        for (int s = GR_CS_SUBMITTED; s < GR_N_CSTATUS; s++)
            for (int a = GR_CA_ACCEPT; a < GR_N_CACTIONS; a++)
                for (size_t i = 0; i < N_ACTORS; i++)
                    for (int note = 0; note <= 1; note++)
                        for (int target = 0; target <= 1; target++) {
                            struct gr_case_state st = state_in((enum gr_cstatus)s, pending);
                            const struct allowed *ok =
                                find_allowed((enum gr_cstatus)s, (enum gr_caction)a, pending);
                            switch (
                                run_cell(&st, (enum gr_caction)a, actors[i], note, target, ok)) {
                            case GR_OK: n_ok++; break;
                            case GR_ECONFLICT: n_conflict++; break;
                            case GR_EFORBIDDEN: n_forbidden++; break;
                            case GR_EINVAL: n_inval++; break;
                            default: fail();
                            }
                        }
    /*
     * 2 (pending) x 10 statuses x 18 actions x 8 actor sets x 4 inputs = 11520 cells. Allowed
     * (status, action) pairs: 30 that ignore the extension flag, plus request_extension (2,
     * none pending) or approve_extension (2, one pending) = 32 per flag value, 64 in all,
     * x 32 cells = 2048; the rest conflict.
     * Per pair, the actor sets naming an allowed bit pass the actor test; of those, inputs
     * pass by 4 (nothing needed), 2 (note or target) or 1 (both). Summed by hand over the
     * list: 214 pass, 146 lack a note or target, 1688 are the wrong actor.
     */
    assert_int_equal(n_ok + n_conflict + n_forbidden + n_inval, 11520);
    assert_int_equal(n_conflict, 11520 - 2048);
    assert_int_equal(n_forbidden, 1688);
    assert_int_equal(n_inval, 146);
    assert_int_equal(n_ok, 214);
}

static void any_one_actor_bit_suffices(void **state)
{
    (void)state;
    struct gr_case_input in = input(true, true);
    for (size_t i = 0; i < N_ALLOWED; i++) {
        const struct allowed *ok = &allowed[i];
        struct gr_case_state st = state_in(ok->from, ok->action == GR_CA_APPROVE_EXTENSION);
        struct gr_case_move m = {UNTOUCHED};
        const char *why = "untouched";
        /* Every bit at once, and each allowed bit with every bit not allowed. */
        assert_int_equal(gr_case_check(&st, ok->action, ALL, &in, &m, &why), GR_OK);
        assert_int_equal(m.to, ok->to);
        assert_null(why);
        for (unsigned bit = 1; bit & ALL; bit <<= 1)
            if (bit & ok->actor) {
                assert_int_equal(
                    gr_case_check(&st, ok->action, bit | (ALL & ~ok->actor), &in, &m, &why), GR_OK);
            }
        /* Every bit not allowed, together, is still the wrong actor; unknown bits too. */
        assert_int_equal(gr_case_check(&st, ok->action, ALL & ~ok->actor, &in, &m, &why),
                         GR_EFORBIDDEN);
        assert_int_equal(gr_case_check(&st, ok->action, ~ALL, &in, &m, &why), GR_EFORBIDDEN);
    }
}

static void terminal_statuses_allow_nothing(void **state)
{
    (void)state;
    static const enum gr_cstatus terminal[] = {REJ, MRG};
    struct gr_case_input in = input(true, true);
    for (size_t i = 0; i < 2; i++)
        for (int pending = 0; pending <= 1; pending++)
            for (int a = GR_CA_ACCEPT; a < GR_N_CACTIONS; a++) {
                struct gr_case_state st = state_in(terminal[i], pending);
                struct gr_case_move m;
                const char *why = NULL;
                assert_int_equal(gr_case_check(&st, (enum gr_caction)a, ALL, &in, &m, &why),
                                 GR_ECONFLICT);
                assert_non_null(why);
            }
    /* A closed case is only rated or reopened. */
    for (int a = GR_CA_ACCEPT; a < GR_N_CACTIONS; a++) {
        struct gr_case_state st = state_in(CLO, true);
        const char *why = NULL;
        enum gr_err want = (a == GR_CA_RATE || a == GR_CA_REOPEN) ? GR_OK : GR_ECONFLICT;
        assert_int_equal(gr_case_check(&st, (enum gr_caction)a, ALL, &in, NULL, &why), want);
    }
}

/* Take action a and return the status it leads to (the old one when it stays). */
static enum gr_cstatus step(struct gr_case_state *st, enum gr_caction a, unsigned actor)
{
    struct gr_case_input in = input(true, true);
    struct gr_case_move m = {UNTOUCHED};
    const char *why = NULL;
    enum gr_err err = gr_case_check(st, a, actor, &in, &m, &why);
    if (err != GR_OK)
        print_error("%s from %s: %s\n", gr_caction_name(a), sname(st->status), why);
    assert_int_equal(err, GR_OK);
    if (m.to != GR_CS_NONE)
        st->status = m.to;
    return st->status;
}

static void the_happy_paths(void **state)
{
    (void)state;
    struct gr_case_state st = state_in(SUB, false);

    /* Filed, accepted, dispatched, signed, resolved, verified, closed, rated. */
    st.has_owner = false;
    assert_int_equal(step(&st, GR_CA_ACCEPT, INTK), ACC);
    assert_int_equal(step(&st, GR_CA_DISPATCH, INTK), DSP);
    st.has_owner = true;
    assert_int_equal(step(&st, GR_CA_SIGN, HAN), INP);
    assert_int_equal(step(&st, GR_CA_RESOLVE, HAN), RES);
    assert_int_equal(step(&st, GR_CA_VERIFY, GRID), VER);
    assert_int_equal(step(&st, GR_CA_CLOSE, INTK), CLO);
    assert_int_equal(step(&st, GR_CA_RATE, REQ), CLO);

    /* The store records the rating; reopening (重办) does not care. Then a rework. */
    st.rated = true;
    assert_int_equal(step(&st, GR_CA_REOPEN, INTK), DSP);
    assert_int_equal(step(&st, GR_CA_SIGN, HAN), INP);
    assert_int_equal(step(&st, GR_CA_RESOLVE, HAN), RES);
    assert_int_equal(step(&st, GR_CA_REWORK, GRID), INP);
    assert_int_equal(step(&st, GR_CA_RESOLVE, HAN), RES);
    assert_int_equal(step(&st, GR_CA_VERIFY, INTK), VER);
    assert_int_equal(step(&st, GR_CA_REWORK, INTK), INP);

    /* Held (挂账) and resumed by signing, or re-dispatched. */
    assert_int_equal(step(&st, GR_CA_HOLD, INTK), HLD);
    assert_int_equal(step(&st, GR_CA_SIGN, HAN), INP);
    assert_int_equal(step(&st, GR_CA_HOLD, INTK), HLD);
    assert_int_equal(step(&st, GR_CA_DISPATCH, INTK), DSP);

    /* Extension asked for and approved: the status stays. */
    assert_int_equal(step(&st, GR_CA_REQUEST_EXTENSION, HAN), DSP);
    st.extension_pending = true;
    assert_int_equal(step(&st, GR_CA_APPROVE_EXTENSION, INTK), DSP);
    st.extension_pending = false;

    /* Returned to intake, escalated by the sweep, whistle blown, departments report in. */
    assert_int_equal(step(&st, GR_CA_RETURN, HAN), ACC);
    assert_int_equal(step(&st, GR_CA_ESCALATE, SYS), ACC);
    assert_int_equal(step(&st, GR_CA_SUMMON, STR), ACC);
    assert_int_equal(step(&st, GR_CA_REPORT_IN, SUM), ACC);
    assert_int_equal(step(&st, GR_CA_MERGE, INTK), MRG);

    /* NULL out-parameters are allowed, and so is a NULL input where nothing is needed. */
    st = state_in(SUB, false);
    struct gr_case_input none = input(false, false);
    assert_int_equal(gr_case_check(&st, GR_CA_ACCEPT, INTK, &none, NULL, NULL), GR_OK);
    assert_int_equal(gr_case_check(&st, GR_CA_ACCEPT, INTK, NULL, NULL, NULL), GR_OK);
    assert_int_equal(gr_case_check(&st, GR_CA_REJECT, INTK, NULL, NULL, NULL), GR_EINVAL);
    assert_int_equal(gr_case_check(&st, GR_CA_CLOSE, INTK, NULL, NULL, NULL), GR_ECONFLICT);
}

static void sign_and_reopen_need_an_owner(void **state)
{
    (void)state;
    static const struct {
        enum gr_cstatus from;
        enum gr_caction a;
        unsigned actor;
    } cases[] = {{DSP, GR_CA_SIGN, HAN}, {HLD, GR_CA_SIGN, HAN}, {CLO, GR_CA_REOPEN, INTK}};
    struct gr_case_input in = input(true, true);
    struct gr_case_move m = {UNTOUCHED};
    const char *why;
    for (size_t i = 0; i < 3; i++) {
        struct gr_case_state st = state_in(cases[i].from, false);
        st.has_owner = false;
        why = NULL;
        assert_int_equal(gr_case_check(&st, cases[i].a, cases[i].actor, &in, &m, &why),
                         GR_ECONFLICT);
        assert_non_null(why);
        assert_non_null(strstr(why, "owner"));
        st.has_owner = true;
        assert_int_equal(gr_case_check(&st, cases[i].a, cases[i].actor, &in, &m, &why), GR_OK);
    }
    /* Dispatch from on hold does not need one: it names the owner. */
    struct gr_case_state st = state_in(HLD, false);
    st.has_owner = false;
    assert_int_equal(gr_case_check(&st, GR_CA_DISPATCH, INTK, &in, &m, &why), GR_OK);
    assert_int_equal(m.to, DSP);
}

static void one_extension_request_at_a_time(void **state)
{
    (void)state;
    struct gr_case_input in = input(true, true);
    struct gr_case_move m;
    const char *why;
    static const enum gr_cstatus running[] = {DSP, INP};
    for (size_t i = 0; i < 2; i++) {
        struct gr_case_state st = state_in(running[i], true);
        why = NULL;
        assert_int_equal(gr_case_check(&st, GR_CA_REQUEST_EXTENSION, HAN, &in, &m, &why),
                         GR_ECONFLICT);
        assert_non_null(strstr(why, "already pending"));
        assert_int_equal(gr_case_check(&st, GR_CA_APPROVE_EXTENSION, INTK, &in, &m, &why), GR_OK);
        assert_int_equal(m.to, GR_CS_NONE);
        st.extension_pending = false;
        assert_int_equal(gr_case_check(&st, GR_CA_APPROVE_EXTENSION, INTK, &in, &m, &why),
                         GR_ECONFLICT);
        assert_string_equal(why, "no extension request is pending");
        assert_int_equal(gr_case_check(&st, GR_CA_REQUEST_EXTENSION, HAN, &in, &m, &why), GR_OK);
        assert_int_equal(m.to, GR_CS_NONE);
    }
}

static void resolve_waits_for_summoned_departments(void **state)
{
    (void)state;
    struct gr_case_input in = input(true, false);
    struct gr_case_move m;
    const char *why;
    struct gr_case_state st = state_in(INP, false);

    for (int tasks = 0; tasks <= 2; tasks++) {
        st.open_tasks = tasks;
        why = NULL;
        /* The owner, alone or also summoned, waits for the tasks. */
        assert_int_equal(gr_case_check(&st, GR_CA_RESOLVE, HAN, &in, &m, &why),
                         tasks ? GR_ECONFLICT : GR_OK);
        assert_int_equal(gr_case_check(&st, GR_CA_RESOLVE, HAN | SUM, &in, &m, &why),
                         tasks ? GR_ECONFLICT : GR_OK);
        if (tasks)
            assert_string_equal(why, "departments summoned on the case have not finished");
        /* A summoned department finishing its own task is not held back; the move still
         * names resolved and the API decides. */
        m.to = UNTOUCHED;
        assert_int_equal(gr_case_check(&st, GR_CA_RESOLVE, SUM, &in, &m, &why), GR_OK);
        assert_int_equal(m.to, RES);
        /* Anyone else is the wrong actor, open tasks or not. */
        assert_int_equal(gr_case_check(&st, GR_CA_RESOLVE, REQ | INTK | GRID, &in, &m, &why),
                         GR_EFORBIDDEN);
        assert_int_equal(gr_case_check(&st, GR_CA_RESOLVE, 0, &in, &m, &why), GR_EFORBIDDEN);
    }
    /* Open tasks do not hold back anything else the owner does. */
    st.open_tasks = 3;
    assert_int_equal(gr_case_check(&st, GR_CA_RETURN, HAN, &in, &m, &why), GR_OK);
    assert_int_equal(gr_case_check(&st, GR_CA_ESCALATE, HAN, &in, &m, &why), GR_OK);
}

static void escalation_stops_at_the_top(void **state)
{
    (void)state;
    struct gr_case_input in = input(true, false);
    struct gr_case_move m;
    const char *why;
    static const enum gr_cstatus from[] = {ACC, DSP, INP};
    for (size_t i = 0; i < 3; i++) {
        struct gr_case_state st = state_in(from[i], false);
        st.top_level = true;
        why = NULL;
        assert_int_equal(gr_case_check(&st, GR_CA_ESCALATE, SYS, &in, &m, &why), GR_ECONFLICT);
        assert_string_equal(why, "the case is already at the top of the ladder");
        st.top_level = false;
        assert_int_equal(gr_case_check(&st, GR_CA_ESCALATE, SYS, &in, &m, &why), GR_OK);
        assert_int_equal(m.to, ACC);
    }
}

static void a_case_is_rated_once(void **state)
{
    (void)state;
    struct gr_case_input in = input(false, true);
    struct gr_case_move m;
    const char *why;
    static const enum gr_cstatus from[] = {RES, VER, CLO};
    for (size_t i = 0; i < 3; i++) {
        struct gr_case_state st = state_in(from[i], false);
        st.rated = true;
        why = NULL;
        assert_int_equal(gr_case_check(&st, GR_CA_RATE, REQ, &in, &m, &why), GR_ECONFLICT);
        assert_string_equal(why, "the case has been rated already");
        assert_int_equal(gr_case_check(&st, GR_CA_RATE, INTK, &in, &m, &why), GR_ECONFLICT);
        st.rated = false;
        assert_int_equal(gr_case_check(&st, GR_CA_RATE, REQ, &in, &m, &why), GR_OK);
        assert_int_equal(m.to, GR_CS_NONE);
    }
}

/* Which action a flag of the stored case (besides extension_pending) can stop. */
enum flag { NO_OWNER, OPEN_TASKS, RATED, TOP_LEVEL, N_FLAGS };

static bool flag_stops(enum flag f, enum gr_caction a, unsigned actor)
{
    switch (f) {
    case NO_OWNER: return a == GR_CA_SIGN || a == GR_CA_REOPEN;
    case OPEN_TASKS: return a == GR_CA_RESOLVE && (actor & HAN);
    case RATED: return a == GR_CA_RATE;
    case TOP_LEVEL: return a == GR_CA_ESCALATE;
    case N_FLAGS:
    default: return false;
    }
}

static void each_flag_stops_only_its_own_action(void **state)
{
    (void)state;
    for (int f = 0; f < N_FLAGS; f++)
        for (int pending = 0; pending <= 1; pending++)
            for (int s = GR_CS_SUBMITTED; s < GR_N_CSTATUS; s++)
                for (int a = GR_CA_ACCEPT; a < GR_N_CACTIONS; a++)
                    for (size_t i = 0; i < N_ACTORS + 1; i++) {
                        unsigned actor = i < N_ACTORS ? actors[i] : ALL;
                        struct gr_case_state st = state_in((enum gr_cstatus)s, pending);
                        const struct allowed *ok =
                            find_allowed((enum gr_cstatus)s, (enum gr_caction)a, pending);
                        switch ((enum flag)f) {
                        case NO_OWNER: st.has_owner = false; break;
                        case OPEN_TASKS: st.open_tasks = 1; break;
                        case RATED: st.rated = true; break;
                        case TOP_LEVEL: st.top_level = true; break;
                        case N_FLAGS:
                        default: break;
                        }
                        if (ok && flag_stops((enum flag)f, (enum gr_caction)a, actor))
                            ok = NULL;
                        run_cell(&st, (enum gr_caction)a, actor, true, true, ok);
                    }
}

static void check_order_status_then_actor_then_input(void **state)
{
    (void)state;
    struct gr_case_move m;
    const char *why;
    struct gr_case_input none = input(false, false);
    struct gr_case_state st;

    /* Wrong status and wrong actor and nothing given: the status wins. */
    st = state_in(SUB, false);
    assert_int_equal(gr_case_check(&st, GR_CA_SIGN, REQ, &none, &m, &why), GR_ECONFLICT);
    assert_int_equal(gr_case_check(&st, GR_CA_RESOLVE, 0, &none, &m, &why), GR_ECONFLICT);
    st = state_in(CLO, false);
    assert_int_equal(gr_case_check(&st, GR_CA_HOLD, REQ, &none, &m, &why), GR_ECONFLICT);
    assert_non_null(strstr(why, "hold"));
    /* Right status, wrong actor, nothing given: the actor wins. */
    st = state_in(SUB, false);
    assert_int_equal(gr_case_check(&st, GR_CA_REJECT, REQ, &none, &m, &why), GR_EFORBIDDEN);
    assert_int_equal(gr_case_check(&st, GR_CA_REJECT, 0, &none, &m, &why), GR_EFORBIDDEN);
    st = state_in(INP, false);
    assert_int_equal(gr_case_check(&st, GR_CA_HOLD, HAN, &none, &m, &why), GR_EFORBIDDEN);
    assert_int_equal(gr_case_check(&st, GR_CA_SUMMON, INTK, &none, &m, &why), GR_EFORBIDDEN);
    assert_non_null(strstr(why, "summon"));
    /* An unmet precondition is part of the status test, so it too comes before the actor. */
    st = state_in(ACC, false);
    st.top_level = true;
    assert_int_equal(gr_case_check(&st, GR_CA_ESCALATE, REQ, &none, &m, &why), GR_ECONFLICT);
    st = state_in(DSP, false);
    assert_int_equal(gr_case_check(&st, GR_CA_APPROVE_EXTENSION, REQ, &none, &m, &why),
                     GR_ECONFLICT);
    st.has_owner = false;
    assert_int_equal(gr_case_check(&st, GR_CA_SIGN, INTK, &none, &m, &why), GR_ECONFLICT);
    st.has_owner = true;
    assert_int_equal(gr_case_check(&st, GR_CA_SIGN, INTK, &none, &m, &why), GR_EFORBIDDEN);
    /* Something given where nothing is needed is fine. */
    struct gr_case_input both = input(true, true);
    st = state_in(SUB, false);
    assert_int_equal(gr_case_check(&st, GR_CA_ACCEPT, INTK, &both, &m, &why), GR_OK);
    assert_int_equal(m.to, ACC);
}

static void missing_note_or_target(void **state)
{
    (void)state;
    struct gr_case_move m = {UNTOUCHED};
    const char *why;
    for (size_t i = 0; i < N_ALLOWED; i++) {
        const struct allowed *ok = &allowed[i];
        struct gr_case_state st = state_in(ok->from, ok->action == GR_CA_APPROVE_EXTENSION);
        for (int note = 0; note <= 1; note++)
            for (int target = 0; target <= 1; target++) {
                struct gr_case_input in = input(note, target);
                bool missing = (ok->note && !note) || (ok->target && !target);
                why = "untouched";
                assert_int_equal(gr_case_check(&st, ok->action, ALL, &in, &m, &why),
                                 missing ? GR_EINVAL : GR_OK);
                if (missing) {
                    assert_non_null(why);
                    assert_true(strlen(why) > 0);
                }
            }
    }
    /* The message names what is missing. */
    struct gr_case_state st = state_in(DSP, false);
    struct gr_case_input only_note = input(true, false), only_target = input(false, true);
    assert_int_equal(gr_case_check(&st, GR_CA_HOLD, INTK, &only_note, &m, &why), GR_EINVAL);
    assert_non_null(strstr(why, "review date"));
    assert_int_equal(gr_case_check(&st, GR_CA_HOLD, INTK, &only_target, &m, &why), GR_EINVAL);
    assert_non_null(strstr(why, "reason"));
    st = state_in(ACC, false);
    assert_int_equal(gr_case_check(&st, GR_CA_DISPATCH, INTK, &only_note, &m, &why), GR_EINVAL);
    assert_non_null(strstr(why, "owner"));
    /* Merge wants the case it joins but no note. */
    assert_int_equal(gr_case_check(&st, GR_CA_MERGE, INTK, &only_target, &m, &why), GR_OK);
    assert_int_equal(m.to, MRG);
}

static void unknown_status_or_action(void **state)
{
    (void)state;
    struct gr_case_move m = {UNTOUCHED};
    struct gr_case_input in = input(true, true);
    const char *why;
    static const enum gr_cstatus bad[] = {GR_CS_NONE, GR_N_CSTATUS, (enum gr_cstatus)99};
    for (size_t i = 0; i < 3; i++)
        for (int a = GR_CA_ACCEPT; a < GR_N_CACTIONS; a++) {
            struct gr_case_state st = state_in(bad[i], false);
            why = NULL;
            assert_int_equal(gr_case_check(&st, (enum gr_caction)a, ALL, &in, &m, &why), GR_EINVAL);
            assert_non_null(why);
        }
    static const enum gr_caction bad_a[] = {GR_CA_NONE, GR_N_CACTIONS, (enum gr_caction)77};
    for (size_t i = 0; i < 3; i++) {
        struct gr_case_state st = state_in(SUB, false);
        why = NULL;
        assert_int_equal(gr_case_check(&st, bad_a[i], ALL, &in, &m, &why), GR_EINVAL);
        assert_non_null(why);
    }
    assert_int_equal(m.to, UNTOUCHED);
}

static void open_and_clock_sets(void **state)
{
    (void)state;
    for (int s = GR_CS_NONE; s <= GR_N_CSTATUS; s++) {
        bool known = s > GR_CS_NONE && s < GR_N_CSTATUS;
        assert_int_equal(gr_case_open((enum gr_cstatus)s),
                         known && s != REJ && s != MRG && s != CLO);
        assert_int_equal(gr_case_clock_runs((enum gr_cstatus)s), s == DSP || s == INP);
    }
    assert_false(gr_case_open((enum gr_cstatus)99));
    assert_false(gr_case_clock_runs((enum gr_cstatus)99));
}

static void names_round_trip(void **state)
{
    (void)state;
    static const char *const statuses[] = {NULL,       "submitted",  "accepted",    "rejected",
                                           "merged",   "dispatched", "in_progress", "resolved",
                                           "verified", "closed",     "on_hold"};
    static const char *const acts[] = {NULL,
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
    static const char *const res[] = {NULL, "yes", "partly", "no"};
    static const char *const sat[] = {NULL, "satisfied", "basically_satisfied", "unsatisfied"};
    assert_int_equal(sizeof(statuses) / sizeof(statuses[0]), GR_N_CSTATUS);
    assert_int_equal(sizeof(acts) / sizeof(acts[0]), GR_N_CACTIONS);
    for (int s = 1; s < GR_N_CSTATUS; s++) {
        assert_string_equal(gr_cstatus_name((enum gr_cstatus)s), statuses[s]);
        assert_int_equal(gr_cstatus_parse(statuses[s]), s);
    }
    for (int a = 1; a < GR_N_CACTIONS; a++) {
        assert_string_equal(gr_caction_name((enum gr_caction)a), acts[a]);
        assert_int_equal(gr_caction_parse(acts[a]), a);
    }
    for (int v = 1; v <= GR_RES_NO; v++) {
        assert_string_equal(gr_resolved_name((enum gr_resolved)v), res[v]);
        assert_int_equal(gr_resolved_parse(res[v]), v);
    }
    for (int v = 1; v <= GR_SAT_UNSATISFIED; v++) {
        assert_string_equal(gr_satisfaction_name((enum gr_satisfaction)v), sat[v]);
        assert_int_equal(gr_satisfaction_parse(sat[v]), v);
    }
    assert_null(gr_cstatus_name(GR_CS_NONE));
    assert_null(gr_cstatus_name(GR_N_CSTATUS));
    assert_null(gr_caction_name(GR_CA_NONE));
    assert_null(gr_caction_name(GR_N_CACTIONS));
    assert_null(gr_resolved_name(GR_RES_NONE));
    assert_null(gr_resolved_name((enum gr_resolved)(GR_RES_NO + 1)));
    assert_null(gr_satisfaction_name(GR_SAT_NONE));
    assert_null(gr_satisfaction_name((enum gr_satisfaction)(GR_SAT_UNSATISFIED + 1)));

    assert_int_equal(gr_cstatus_parse(NULL), GR_CS_NONE);
    assert_int_equal(gr_cstatus_parse(""), GR_CS_NONE);
    assert_int_equal(gr_cstatus_parse("Closed"), GR_CS_NONE);
    assert_int_equal(gr_cstatus_parse("in progress"), GR_CS_NONE);
    assert_int_equal(gr_cstatus_parse("on_holdx"), GR_CS_NONE);
    assert_int_equal(gr_caction_parse(NULL), GR_CA_NONE);
    assert_int_equal(gr_caction_parse(""), GR_CA_NONE);
    assert_int_equal(gr_caction_parse("report"), GR_CA_NONE);
    assert_int_equal(gr_caction_parse("rate "), GR_CA_NONE);
    assert_int_equal(gr_resolved_parse(NULL), GR_RES_NONE);
    assert_int_equal(gr_resolved_parse("YES"), GR_RES_NONE);
    assert_int_equal(gr_resolved_parse("part"), GR_RES_NONE);
    assert_int_equal(gr_satisfaction_parse(NULL), GR_SAT_NONE);
    assert_int_equal(gr_satisfaction_parse("basically satisfied"), GR_SAT_NONE);
    assert_int_equal(gr_satisfaction_parse("dissatisfied"), GR_SAT_NONE);
}

static void the_escalation_ladder(void **state)
{
    (void)state;
    assert_int_equal(gr_case_next_level(GR_LEVEL_GRID), GR_LEVEL_COMMUNITY);
    assert_int_equal(gr_case_next_level(GR_LEVEL_COMMUNITY), GR_LEVEL_STREET);
    assert_int_equal(gr_case_next_level(GR_LEVEL_STREET), GR_LEVEL_DISTRICT);
    assert_int_equal(gr_case_next_level(GR_LEVEL_DISTRICT), 0);
    assert_int_equal(gr_case_next_level(GR_LEVEL_CITY), 0);
    assert_int_equal(gr_case_next_level(GR_LEVEL_NONE), 0);
    assert_int_equal(gr_case_next_level(GR_LEVEL_GRID + 1), 0);
    assert_int_equal(gr_case_next_level(-1), 0);
    /* Climbing from a grid takes three steps. */
    int level = GR_LEVEL_GRID, steps = 0;
    while ((level = gr_case_next_level(level)) != 0)
        steps++;
    assert_int_equal(steps, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_cell_of_the_machine),
        cmocka_unit_test(any_one_actor_bit_suffices),
        cmocka_unit_test(terminal_statuses_allow_nothing),
        cmocka_unit_test(the_happy_paths),
        cmocka_unit_test(sign_and_reopen_need_an_owner),
        cmocka_unit_test(one_extension_request_at_a_time),
        cmocka_unit_test(resolve_waits_for_summoned_departments),
        cmocka_unit_test(escalation_stops_at_the_top),
        cmocka_unit_test(a_case_is_rated_once),
        cmocka_unit_test(each_flag_stops_only_its_own_action),
        cmocka_unit_test(check_order_status_then_actor_then_input),
        cmocka_unit_test(missing_note_or_target),
        cmocka_unit_test(unknown_status_or_action),
        cmocka_unit_test(open_and_clock_sets),
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(the_escalation_ladder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
