/*
 * test_vote.c - src/core/vote.c: the rule check field by field, ballot checks, the window
 * edges, and the exact threshold edges of every pass rule: art. 278 participation (2/3 by
 * headcount and by area), ordinary approval (more than half) and special approval (3/4 or
 * more), each by headcount and by area independently; majority, two thirds, quorum,
 * plurality ties, abstentions, zero eligible, inconsistent tallies and the name tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/vote.h"

enum { YES = 0, NO = 1, ABSTAIN = 2 };

/* 30000.00 m² in hundredths. */
#define AREA_30000 INT64_C(3000000)

static struct gr_vote_rule yes_no(enum gr_vote_eligibility e, enum gr_vote_pass p)
{
    struct gr_vote_rule r;
    memset(&r, 0, sizeof(r));
    r.eligibility = e;
    r.kind = GR_VOTE_YES_NO;
    r.n_options = 3;
    r.max_choices = 1;
    r.pass = p;
    r.quorum_num = 0;
    r.quorum_den = 1;
    r.opens_at = 1000;
    r.closes_at = 2000;
    return r;
}

static struct gr_vote_rule owners(enum gr_vote_pass p)
{
    return yes_no(GR_ELIG_OWNERS, p);
}

static struct gr_vote_rule choices(int n_options, int max_choices)
{
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_PLURALITY);
    r.kind = GR_VOTE_CHOICES;
    r.n_options = n_options;
    r.max_choices = max_choices;
    return r;
}

/* A yes/no tally by headcount: the rest of the ballots cast are "no". */
static struct gr_tally heads(int64_t eligible, int64_t voted, int64_t yes, int64_t abstain)
{
    struct gr_tally t;
    memset(&t, 0, sizeof(t));
    t.eligible = eligible;
    t.voted = voted;
    t.count[YES] = yes;
    t.count[ABSTAIN] = abstain;
    t.count[NO] = voted - yes - abstain;
    return t;
}

/* An owners' tally over 300 owners and 30000.00 m²; the rest of the ballots cast are "no". */
static struct gr_tally owners_tally(int64_t voted, int64_t voted_area, int64_t yes,
                                    int64_t yes_area)
{
    struct gr_tally t = heads(300, voted, yes, 0);
    t.eligible_area = AREA_30000;
    t.voted_area = voted_area;
    t.area[YES] = yes_area;
    t.area[NO] = voted_area - yes_area;
    return t;
}

static struct gr_vote_outcome decide(const struct gr_vote_rule *r, const struct gr_tally *t)
{
    struct gr_vote_outcome o;
    memset(&o, 0x5a, sizeof(o)); /* garbage: decide must set every field */
    gr_vote_decide(r, t, &o);
    assert_non_null(o.reason);
    return o;
}

/* Rule check: expect failure on `field`. */
static void rule_fails(const struct gr_vote_rule *r, const char *field)
{
    const char *f = NULL, *why = NULL;
    assert_int_equal(gr_vote_rule_check(r, &f, &why), GR_EINVAL);
    assert_non_null(f);
    assert_string_equal(f, field);
    assert_non_null(why);
    assert_true(strlen(why) > 0);
}

static void rule_ok(const struct gr_vote_rule *r)
{
    const char *f = "x", *why = "x";
    assert_int_equal(gr_vote_rule_check(r, &f, &why), GR_OK);
}

/* ---- rule check ---- */

static void valid_rules_pass(void **state)
{
    (void)state;
    struct gr_vote_rule r;
    for (int e = GR_ELIG_RESIDENTS; e <= GR_ELIG_OWNERS; e++) {
        r = yes_no((enum gr_vote_eligibility)e, GR_PASS_MAJORITY);
        rule_ok(&r);
        r.pass = GR_PASS_TWO_THIRDS;
        rule_ok(&r);
        r = choices(2, 1);
        r.eligibility = (enum gr_vote_eligibility)e;
        rule_ok(&r);
    }
    r = owners(GR_PASS_OWNERS_ORDINARY);
    rule_ok(&r);
    r = owners(GR_PASS_OWNERS_SPECIAL);
    rule_ok(&r);
    r = choices(GR_VOTE_MAX_OPTIONS, GR_VOTE_MAX_OPTIONS);
    rule_ok(&r);
    r.allow_change = true;
    r.live_results = true;
    rule_ok(&r);
    /* NULL out-parameters are allowed. */
    assert_int_equal(gr_vote_rule_check(&r, NULL, NULL), GR_OK);
    r.n_options = 1;
    assert_int_equal(gr_vote_rule_check(&r, NULL, NULL), GR_EINVAL);
}

static void rule_eligibility_and_kind(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_NONE, GR_PASS_MAJORITY);
    rule_fails(&r, "eligibility");
    r.eligibility = (enum gr_vote_eligibility)5;
    rule_fails(&r, "eligibility");
    r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_MAJORITY);
    r.kind = GR_VOTE_KIND_NONE;
    rule_fails(&r, "kind");
    r.kind = (enum gr_vote_kind)3;
    rule_fails(&r, "kind");
}

static void rule_options_and_max_choices(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_MAJORITY);
    r.n_options = 2;
    rule_fails(&r, "options");
    r.n_options = 4;
    rule_fails(&r, "options");
    r.n_options = 3;
    r.max_choices = 0;
    rule_fails(&r, "max_choices");
    r.max_choices = 2;
    rule_fails(&r, "max_choices");

    r = choices(1, 1);
    rule_fails(&r, "options");
    r = choices(0, 1);
    rule_fails(&r, "options");
    r = choices(GR_VOTE_MAX_OPTIONS + 1, 1);
    rule_fails(&r, "options");
    r = choices(2, 1);
    rule_ok(&r);
    r = choices(5, 0);
    rule_fails(&r, "max_choices");
    r = choices(5, -1);
    rule_fails(&r, "max_choices");
    r = choices(5, 6);
    rule_fails(&r, "max_choices");
    r = choices(5, 5);
    rule_ok(&r);
}

static void rule_pass_fits_kind_and_eligibility(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_NONE);
    rule_fails(&r, "pass");
    r.pass = (enum gr_vote_pass)6;
    rule_fails(&r, "pass");
    /* Plurality needs choices; majority and two thirds need yes/no. */
    r.pass = GR_PASS_PLURALITY;
    rule_fails(&r, "pass");
    r = choices(3, 1);
    r.pass = GR_PASS_MAJORITY;
    rule_fails(&r, "pass");
    r.pass = GR_PASS_TWO_THIRDS;
    rule_fails(&r, "pass");
    /* The owners' rules need eligibility owners and a yes/no vote. */
    for (int e = GR_ELIG_RESIDENTS; e < GR_ELIG_OWNERS; e++) {
        r = yes_no((enum gr_vote_eligibility)e, GR_PASS_OWNERS_ORDINARY);
        rule_fails(&r, "eligibility");
        r.pass = GR_PASS_OWNERS_SPECIAL;
        rule_fails(&r, "eligibility");
    }
    r = choices(3, 1);
    r.eligibility = GR_ELIG_OWNERS;
    r.pass = GR_PASS_OWNERS_ORDINARY;
    rule_fails(&r, "pass");
    r.pass = GR_PASS_OWNERS_SPECIAL;
    rule_fails(&r, "pass");
    r.pass = GR_PASS_PLURALITY;
    rule_ok(&r);
}

static void rule_quorum(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_MAJORITY);
    r.quorum_num = 0;
    r.quorum_den = 0;
    rule_fails(&r, "quorum");
    r.quorum_den = -1;
    rule_fails(&r, "quorum");
    r.quorum_num = -1;
    r.quorum_den = 2;
    rule_fails(&r, "quorum");
    r.quorum_num = 3;
    r.quorum_den = 2;
    rule_fails(&r, "quorum");
    r.quorum_num = 2;
    r.quorum_den = 2;
    rule_ok(&r);
    r.quorum_num = 0;
    r.quorum_den = 1;
    rule_ok(&r);
    r.quorum_num = 1;
    r.quorum_den = 2;
    rule_ok(&r);
}

static void rule_window(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_HOUSEHOLDS, GR_PASS_MAJORITY);
    r.opens_at = 2000;
    r.closes_at = 2000;
    rule_fails(&r, "closes_at");
    r.closes_at = 1999;
    rule_fails(&r, "closes_at");
    r.closes_at = 2001;
    rule_ok(&r);
}

/* ---- ballots ---- */

static enum gr_err ballot(const struct gr_vote_rule *r, const int *c, size_t n)
{
    const char *why = NULL;
    enum gr_err e = gr_vote_ballot_check(r, c, n, &why);
    if (e != GR_OK) {
        assert_non_null(why);
        assert_true(strlen(why) > 0);
    }
    return e;
}

static void ballots_yes_no(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_MAJORITY);
    int c[3];
    for (int i = 0; i < 3; i++) {
        c[0] = i;
        assert_int_equal(ballot(&r, c, 1), GR_OK);
    }
    c[0] = -1;
    assert_int_equal(ballot(&r, c, 1), GR_EINVAL);
    c[0] = 3;
    assert_int_equal(ballot(&r, c, 1), GR_EINVAL);
    /* Exactly one: none, two different, or the same twice all fail. */
    assert_int_equal(ballot(&r, c, 0), GR_EINVAL);
    c[0] = 0;
    c[1] = 1;
    assert_int_equal(ballot(&r, c, 2), GR_EINVAL);
    c[1] = 0;
    assert_int_equal(ballot(&r, c, 2), GR_EINVAL);
    assert_int_equal(ballot(&r, NULL, 1), GR_EINVAL);
    assert_int_equal(gr_vote_ballot_check(&r, c, 1, NULL), GR_OK);
}

static void ballots_choices(void **state)
{
    (void)state;
    struct gr_vote_rule r = choices(5, 3);
    int c[GR_VOTE_MAX_OPTIONS + 1];

    c[0] = 0;
    assert_int_equal(ballot(&r, c, 1), GR_OK);
    c[0] = 4;
    assert_int_equal(ballot(&r, c, 1), GR_OK);
    c[0] = 5;
    assert_int_equal(ballot(&r, c, 1), GR_EINVAL);
    c[0] = -1;
    assert_int_equal(ballot(&r, c, 1), GR_EINVAL);
    /* Zero choices. */
    assert_int_equal(ballot(&r, c, 0), GR_EINVAL);
    /* Up to max_choices distinct ones. */
    c[0] = 4;
    c[1] = 0;
    c[2] = 2;
    assert_int_equal(ballot(&r, c, 2), GR_OK);
    assert_int_equal(ballot(&r, c, 3), GR_OK);
    c[3] = 1;
    assert_int_equal(ballot(&r, c, 4), GR_EINVAL); /* too many */
    /* Duplicates, adjacent or not. */
    c[2] = 4;
    assert_int_equal(ballot(&r, c, 3), GR_EINVAL);
    c[1] = 4;
    assert_int_equal(ballot(&r, c, 2), GR_EINVAL);
    /* An out-of-range index after valid ones. */
    c[0] = 1;
    c[1] = 2;
    c[2] = 5;
    assert_int_equal(ballot(&r, c, 3), GR_EINVAL);

    /* All sixteen options. */
    r = choices(GR_VOTE_MAX_OPTIONS, GR_VOTE_MAX_OPTIONS);
    for (int i = 0; i < GR_VOTE_MAX_OPTIONS; i++)
        c[i] = GR_VOTE_MAX_OPTIONS - 1 - i;
    assert_int_equal(ballot(&r, c, GR_VOTE_MAX_OPTIONS), GR_OK);
    c[GR_VOTE_MAX_OPTIONS] = 0;
    assert_int_equal(ballot(&r, c, GR_VOTE_MAX_OPTIONS + 1), GR_EINVAL);
    c[GR_VOTE_MAX_OPTIONS - 1] = 1; /* 1 twice */
    assert_int_equal(ballot(&r, c, GR_VOTE_MAX_OPTIONS), GR_EINVAL);

    /* An invalid rule admits no ballot. */
    r = choices(5, 3);
    r.kind = GR_VOTE_KIND_NONE;
    c[0] = 0;
    assert_int_equal(ballot(&r, c, 1), GR_EINVAL);
    r = choices(GR_VOTE_MAX_OPTIONS + 5, 1);
    assert_int_equal(ballot(&r, c, 1), GR_EINVAL);
}

static void window_edges(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_MAJORITY);
    r.opens_at = 1000;
    r.closes_at = 2000;
    assert_false(gr_vote_open(&r, 999));
    assert_true(gr_vote_open(&r, 1000));
    assert_true(gr_vote_open(&r, 1001));
    assert_true(gr_vote_open(&r, 1999));
    assert_false(gr_vote_open(&r, 2000));
    assert_false(gr_vote_open(&r, 2001));
    assert_false(gr_vote_open(&r, INT64_MIN));
    assert_false(gr_vote_open(&r, INT64_MAX));
}

/* ---- owners: art. 278 participation ---- */

static void owners_participation_by_headcount(void **state)
{
    (void)state;
    struct gr_vote_rule r = owners(GR_PASS_OWNERS_ORDINARY);
    /* Area well above two thirds; headcount at the edge. All vote yes. */
    struct gr_tally t = owners_tally(200, 2500000, 200, 2500000);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_true(o.passed);
    assert_string_equal(o.reason, "passed");

    t = owners_tally(199, 2500000, 199, 2500000);
    o = decide(&r, &t);
    assert_false(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason, "participation below two thirds of owners by headcount");

    /* 301 owners: two thirds is 200.67, so 201 is needed. */
    t = owners_tally(201, 2500000, 201, 2500000);
    t.eligible = 301;
    assert_true(decide(&r, &t).quorum_met);
    t = owners_tally(200, 2500000, 200, 2500000);
    t.eligible = 301;
    assert_false(decide(&r, &t).quorum_met);

    /* Everyone. */
    t = owners_tally(300, AREA_30000, 300, AREA_30000);
    assert_true(decide(&r, &t).passed);
}

static void owners_participation_by_area(void **state)
{
    (void)state;
    struct gr_vote_rule r = owners(GR_PASS_OWNERS_SPECIAL);
    /* Headcount well above; area exactly two thirds (20000.00 of 30000.00 m²). */
    struct gr_tally t = owners_tally(250, 2000000, 250, 2000000);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_true(o.passed);

    /* One hundredth of a square metre less. */
    t = owners_tally(250, 1999999, 250, 1999999);
    o = decide(&r, &t);
    assert_false(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason, "participation below two thirds of owners by area");

    /* An area not divisible by three: 30000.01 m², two thirds 20000.0067. */
    t = owners_tally(250, 2000001, 250, 2000001);
    t.eligible_area = 3000001;
    assert_true(decide(&r, &t).quorum_met);
    t = owners_tally(250, 2000000, 250, 2000000);
    t.eligible_area = 3000001;
    assert_false(decide(&r, &t).quorum_met);
}

static void owners_participation_both_fail(void **state)
{
    (void)state;
    struct gr_vote_rule r = owners(GR_PASS_OWNERS_ORDINARY);
    struct gr_tally t = owners_tally(199, 1999999, 199, 1999999);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_false(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason,
                        "participation below two thirds of owners by headcount and by area");
    /* Both exactly at the edge. */
    t = owners_tally(200, 2000000, 200, 2000000);
    o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_true(o.passed);
}

/* ---- owners: ordinary approval, more than half ---- */

static void owners_ordinary_by_headcount(void **state)
{
    (void)state;
    struct gr_vote_rule r = owners(GR_PASS_OWNERS_ORDINARY);
    /* 200 participate with 20000.00 m²; area approval clearly above half. */
    struct gr_tally t = owners_tally(200, 2000000, 100, 1500000);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason,
                        "approval not more than half of participating owners by headcount");
    t = owners_tally(200, 2000000, 101, 1500000);
    o = decide(&r, &t);
    assert_true(o.passed);
    assert_string_equal(o.reason, "passed");
    /* An odd number of participants: 201 → 101 passes, 100 fails. */
    t = owners_tally(201, 2000000, 101, 1500000);
    assert_true(decide(&r, &t).passed);
    t = owners_tally(201, 2000000, 100, 1500000);
    assert_false(decide(&r, &t).passed);
}

static void owners_ordinary_by_area(void **state)
{
    (void)state;
    struct gr_vote_rule r = owners(GR_PASS_OWNERS_ORDINARY);
    /* Headcount approval clearly above half; area exactly half of 20000.00 m². */
    struct gr_tally t = owners_tally(200, 2000000, 150, 1000000);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason, "approval not more than half of participating owners by area");
    t = owners_tally(200, 2000000, 150, 1000001);
    o = decide(&r, &t);
    assert_true(o.passed);
    /* Both exactly half. */
    t = owners_tally(200, 2000000, 100, 1000000);
    o = decide(&r, &t);
    assert_false(o.passed);
    assert_string_equal(
        o.reason, "approval not more than half of participating owners by headcount and by area");
    /* Both just above. */
    t = owners_tally(200, 2000000, 101, 1000001);
    assert_true(decide(&r, &t).passed);
}

/* ---- owners: special approval, three quarters or more ---- */

static void owners_special_by_headcount(void **state)
{
    (void)state;
    struct gr_vote_rule r = owners(GR_PASS_OWNERS_SPECIAL);
    /* 200 participants: 150 is exactly three quarters. Area clearly above. */
    struct gr_tally t = owners_tally(200, 2000000, 150, 1800000);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.passed);
    assert_string_equal(o.reason, "passed");
    t = owners_tally(200, 2000000, 149, 1800000);
    o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason,
                        "approval below three quarters of participating owners by headcount");
    /* 201 participants: three quarters is 150.75, so 151. */
    t = owners_tally(201, 2000000, 151, 1800000);
    assert_true(decide(&r, &t).passed);
    t = owners_tally(201, 2000000, 150, 1800000);
    assert_false(decide(&r, &t).passed);
    /* What passes as ordinary does not pass as special. */
    t = owners_tally(200, 2000000, 149, 1800000);
    struct gr_vote_rule ord = owners(GR_PASS_OWNERS_ORDINARY);
    assert_true(decide(&ord, &t).passed);
}

static void owners_special_by_area(void **state)
{
    (void)state;
    struct gr_vote_rule r = owners(GR_PASS_OWNERS_SPECIAL);
    /* 20000.00 m² participate: 15000.00 m² is exactly three quarters. */
    struct gr_tally t = owners_tally(200, 2000000, 180, 1500000);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.passed);
    t = owners_tally(200, 2000000, 180, 1499999);
    o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason, "approval below three quarters of participating owners by area");
    /* An area not divisible by four: 20000.01 m² → 15000.0075, so 1500001 hundredths. */
    t = owners_tally(200, 2000001, 180, 1500001);
    assert_true(decide(&r, &t).passed);
    t = owners_tally(200, 2000001, 180, 1500000);
    assert_false(decide(&r, &t).passed);
    /* Both below. */
    t = owners_tally(200, 2000000, 149, 1499999);
    o = decide(&r, &t);
    assert_false(o.passed);
    assert_string_equal(
        o.reason, "approval below three quarters of participating owners by headcount and by area");
}

static void owners_abstentions_participate_but_do_not_approve(void **state)
{
    (void)state;
    struct gr_vote_rule r = owners(GR_PASS_OWNERS_ORDINARY);
    /* 200 participate: 100 yes, 40 no, 60 abstain. Yes beats no but is not > half. */
    struct gr_tally t = owners_tally(200, 2000000, 100, 1200000);
    t.count[NO] = 40;
    t.count[ABSTAIN] = 60;
    t.area[NO] = 300000;
    t.area[ABSTAIN] = 500000;
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_false(o.passed);
    /* Abstentions count towards participation: 150 owners vote, 50 abstain, 200 in all. */
    t = owners_tally(200, 2000000, 150, 1500000);
    t.count[NO] = 0;
    t.count[ABSTAIN] = 50;
    t.area[NO] = 0;
    t.area[ABSTAIN] = 500000;
    o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_true(o.passed);
    /* Special: 150 yes, 50 abstain of 200 is exactly three quarters. */
    r = owners(GR_PASS_OWNERS_SPECIAL);
    assert_true(decide(&r, &t).passed);
    t.count[YES] = 149;
    t.count[ABSTAIN] = 51;
    assert_false(decide(&r, &t).passed);
}

static void owners_zero_eligible(void **state)
{
    (void)state;
    for (int p = GR_PASS_OWNERS_ORDINARY; p <= GR_PASS_OWNERS_SPECIAL; p++) {
        struct gr_vote_rule r = owners((enum gr_vote_pass)p);
        struct gr_tally t;
        memset(&t, 0, sizeof(t));
        struct gr_vote_outcome o = decide(&r, &t);
        assert_false(o.quorum_met);
        assert_false(o.passed);
        assert_string_not_equal(o.reason, "passed");
        /* Owners but no recorded area: the area test cannot be met. */
        t.eligible = 10;
        t.voted = 10;
        t.count[YES] = 10;
        o = decide(&r, &t);
        assert_false(o.quorum_met);
        assert_false(o.passed);
        assert_string_equal(o.reason, "no eligible floor area");
    }
}

/* ---- majority, two thirds, quorum ---- */

static void majority_edges(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_MAJORITY);
    struct gr_tally t = heads(100, 10, 5, 0);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason, "approval not more than half of the ballots cast");
    t = heads(100, 10, 6, 0);
    o = decide(&r, &t);
    assert_true(o.passed);
    assert_string_equal(o.reason, "passed");
    t = heads(100, 11, 6, 0);
    assert_true(decide(&r, &t).passed);
    t = heads(100, 11, 5, 0);
    assert_false(decide(&r, &t).passed);
    t = heads(1, 1, 1, 0);
    assert_true(decide(&r, &t).passed);
    t = heads(1, 1, 0, 0);
    assert_false(decide(&r, &t).passed);
}

static void majority_abstentions_count_as_cast(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_HOUSEHOLDS, GR_PASS_MAJORITY);
    /* 5 yes, 0 no, 5 abstain: not more than half of ten. */
    struct gr_tally t = heads(100, 10, 5, 5);
    assert_false(decide(&r, &t).passed);
    /* 5 yes, 4 no, 1 abstain: yes beats no but is not more than half. */
    t = heads(100, 10, 5, 1);
    assert_false(decide(&r, &t).passed);
    t = heads(100, 10, 6, 4);
    assert_true(decide(&r, &t).passed);
    /* Everyone abstains. */
    t = heads(100, 10, 0, 10);
    assert_false(decide(&r, &t).passed);
}

static void two_thirds_edges(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_LIST, GR_PASS_TWO_THIRDS);
    struct gr_tally t = heads(50, 9, 6, 0);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.passed); /* exactly two thirds */
    t = heads(50, 9, 5, 0);
    o = decide(&r, &t);
    assert_false(o.passed);
    assert_string_equal(o.reason, "approval below two thirds of the ballots cast");
    t = heads(50, 10, 7, 0); /* 70% */
    assert_true(decide(&r, &t).passed);
    t = heads(50, 10, 6, 0); /* 60% */
    assert_false(decide(&r, &t).passed);
    /* Abstentions count: 6 yes, 0 no, 3 abstain is exactly two thirds; 4 abstain is not. */
    t = heads(50, 9, 6, 3);
    assert_true(decide(&r, &t).passed);
    t = heads(50, 10, 6, 4);
    assert_false(decide(&r, &t).passed);
}

static void quorum_edges(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_MAJORITY);
    r.quorum_num = 1;
    r.quorum_den = 2;
    /* Half of 100. */
    struct gr_tally t = heads(100, 50, 50, 0);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_true(o.passed);
    t = heads(100, 49, 49, 0);
    o = decide(&r, &t);
    assert_false(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason, "participation below the quorum");
    /* Half of 101 is 50.5: 51 needed. */
    t = heads(101, 51, 51, 0);
    assert_true(decide(&r, &t).quorum_met);
    t = heads(101, 50, 50, 0);
    assert_false(decide(&r, &t).quorum_met);
    /* Two thirds of 300. */
    r.quorum_num = 2;
    r.quorum_den = 3;
    t = heads(300, 200, 200, 0);
    assert_true(decide(&r, &t).quorum_met);
    t = heads(300, 199, 199, 0);
    assert_false(decide(&r, &t).quorum_met);
    /* All must vote. */
    r.quorum_num = 1;
    r.quorum_den = 1;
    t = heads(7, 7, 7, 0);
    assert_true(decide(&r, &t).passed);
    t = heads(7, 6, 6, 0);
    assert_false(decide(&r, &t).quorum_met);
    /* No quorum: met even with no ballots, but nothing passes without one. */
    r.quorum_num = 0;
    r.quorum_den = 1;
    t = heads(100, 0, 0, 0);
    o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason, "no ballots cast");
    t = heads(100, 1, 1, 0);
    assert_true(decide(&r, &t).passed);
    /* Abstentions count towards the quorum. */
    r.quorum_num = 1;
    r.quorum_den = 2;
    t = heads(100, 50, 26, 24);
    assert_true(decide(&r, &t).passed);
    /* The quorum applies to two thirds too. */
    r.pass = GR_PASS_TWO_THIRDS;
    t = heads(100, 49, 49, 0);
    assert_false(decide(&r, &t).quorum_met);
    assert_false(decide(&r, &t).passed);
    /* An invalid quorum is never met. */
    r.quorum_den = 0;
    t = heads(100, 100, 100, 0);
    assert_false(decide(&r, &t).quorum_met);
}

static void large_numbers_do_not_overflow(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_MAJORITY);
    r.quorum_num = 2;
    r.quorum_den = 3;
    /* INT64_MAX = 3 * 3074457345618258602 + 1; two thirds of it is ...204.67. */
    struct gr_tally t = heads(INT64_MAX, INT64_C(6148914691236517205), 0, 0);
    t.count[YES] = t.voted;
    t.count[NO] = 0;
    assert_true(decide(&r, &t).quorum_met);
    t.voted = INT64_C(6148914691236517204);
    t.count[YES] = t.voted;
    assert_false(decide(&r, &t).quorum_met);
    /* More than half of INT64_MAX ballots. */
    r.quorum_num = 0;
    r.quorum_den = 1;
    t = heads(INT64_MAX, INT64_MAX, INT64_MAX / 2 + 1, 0);
    assert_true(decide(&r, &t).passed);
    t = heads(INT64_MAX, INT64_MAX, INT64_MAX / 2, 0);
    assert_false(decide(&r, &t).passed);
    /* Owners' areas near the top too: three quarters of 2^62. */
    struct gr_vote_rule o = owners(GR_PASS_OWNERS_SPECIAL);
    t = owners_tally(300, INT64_C(1) << 62, 300, (INT64_C(3) << 60));
    t.eligible_area = INT64_C(1) << 62;
    assert_true(decide(&o, &t).passed);
    t.area[YES] -= 1;
    t.area[NO] += 1;
    assert_false(decide(&o, &t).passed);
}

static void zero_eligible_never_passes(void **state)
{
    (void)state;
    static const enum gr_vote_pass rules[] = {GR_PASS_MAJORITY, GR_PASS_TWO_THIRDS};
    for (size_t i = 0; i < 2; i++) {
        struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, rules[i]);
        struct gr_tally t = heads(0, 0, 0, 0);
        struct gr_vote_outcome o = decide(&r, &t);
        assert_false(o.quorum_met);
        assert_false(o.passed);
        assert_string_equal(o.reason, "no eligible voters");
        /* Even with ballots (the eligible list changed) and no quorum required. */
        t = heads(0, 3, 3, 0);
        o = decide(&r, &t);
        assert_false(o.quorum_met);
        assert_false(o.passed);
    }
    struct gr_vote_rule r = choices(3, 1);
    struct gr_tally t = heads(0, 0, 0, 0);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_false(o.quorum_met);
    assert_false(o.passed);
    assert_int_equal(o.n_winners, 0);
    r = owners(GR_PASS_OWNERS_ORDINARY);
    o = decide(&r, &t);
    assert_false(o.quorum_met);
    assert_false(o.passed);
    assert_string_equal(o.reason, "no eligible owners");
}

/* ---- plurality ---- */

static struct gr_tally plural(int64_t eligible, int64_t voted, const int64_t *counts, int n)
{
    struct gr_tally t;
    memset(&t, 0, sizeof(t));
    t.eligible = eligible;
    t.voted = voted;
    for (int i = 0; i < n; i++)
        t.count[i] = counts[i];
    return t;
}

static void plurality_single_winner(void **state)
{
    (void)state;
    struct gr_vote_rule r = choices(4, 1);
    const int64_t c[] = {3, 7, 6, 0};
    struct gr_tally t = plural(50, 16, c, 4);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_true(o.passed);
    assert_int_equal(o.n_winners, 1);
    assert_int_equal(o.winners[0], 1);
    assert_string_equal(o.reason, "passed");

    /* The last of sixteen options wins by one. */
    r = choices(GR_VOTE_MAX_OPTIONS, 2);
    int64_t many[GR_VOTE_MAX_OPTIONS] = {0};
    for (int i = 0; i < GR_VOTE_MAX_OPTIONS; i++)
        many[i] = 4;
    many[GR_VOTE_MAX_OPTIONS - 1] = 5;
    t = plural(100, 40, many, GR_VOTE_MAX_OPTIONS);
    o = decide(&r, &t);
    assert_true(o.passed);
    assert_int_equal(o.n_winners, 1);
    assert_int_equal(o.winners[0], GR_VOTE_MAX_OPTIONS - 1);
}

static void plurality_ties(void **state)
{
    (void)state;
    struct gr_vote_rule r = choices(4, 2);
    const int64_t two[] = {5, 2, 5, 1};
    struct gr_tally t = plural(50, 9, two, 4);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_false(o.passed);
    assert_int_equal(o.n_winners, 2);
    assert_int_equal(o.winners[0], 0);
    assert_int_equal(o.winners[1], 2);
    assert_string_equal(o.reason, "tie between the leading options");

    const int64_t three[] = {4, 4, 4, 3};
    t = plural(50, 8, three, 4);
    o = decide(&r, &t);
    assert_false(o.passed);
    assert_int_equal(o.n_winners, 3);
    assert_int_equal(o.winners[0], 0);
    assert_int_equal(o.winners[1], 1);
    assert_int_equal(o.winners[2], 2);

    /* Counts beyond n_options are ignored. */
    const int64_t pair[] = {4, 3};
    r = choices(2, 1);
    t = plural(50, 7, pair, 2);
    t.count[4] = 9;
    o = decide(&r, &t);
    assert_true(o.passed);
    assert_int_equal(o.n_winners, 1);
    assert_int_equal(o.winners[0], 0);
}

static void plurality_quorum_and_no_ballots(void **state)
{
    (void)state;
    struct gr_vote_rule r = choices(3, 1);
    r.quorum_num = 1;
    r.quorum_den = 2;
    const int64_t c[] = {5, 3, 1};
    /* 9 of 20 is below half: the winner is still shown, but nothing passes. */
    struct gr_tally t = plural(20, 9, c, 3);
    struct gr_vote_outcome o = decide(&r, &t);
    assert_false(o.quorum_met);
    assert_false(o.passed);
    assert_int_equal(o.n_winners, 1);
    assert_int_equal(o.winners[0], 0);
    assert_string_equal(o.reason, "participation below the quorum");
    /* 9 of 18 is exactly half. */
    t = plural(18, 9, c, 3);
    o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_true(o.passed);
    /* No ballots, no quorum rule: no winners, not passed. */
    r.quorum_num = 0;
    r.quorum_den = 1;
    const int64_t none[] = {0, 0, 0};
    t = plural(20, 0, none, 3);
    o = decide(&r, &t);
    assert_true(o.quorum_met);
    assert_false(o.passed);
    assert_int_equal(o.n_winners, 0);
    assert_string_equal(o.reason, "no ballots cast");
}

/* ---- bad input to decide ---- */

static void inconsistent_tally_or_rule(void **state)
{
    (void)state;
    struct gr_vote_rule r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_MAJORITY);
    struct gr_tally t = heads(100, 10, 11, 0); /* more yes than ballots */
    t.count[NO] = 0;
    struct gr_vote_outcome o = decide(&r, &t);
    assert_false(o.passed);
    assert_false(o.quorum_met);
    assert_string_equal(o.reason, "inconsistent tally");
    t = heads(100, 10, 6, 0);
    t.count[NO] = -2;
    assert_false(decide(&r, &t).passed);
    t = heads(-1, 10, 6, 0);
    assert_false(decide(&r, &t).passed);
    /* Owners: more yes area than participating area. */
    struct gr_vote_rule ow = owners(GR_PASS_OWNERS_ORDINARY);
    t = owners_tally(250, 2000000, 250, 2000001);
    t.area[NO] = 0;
    o = decide(&ow, &t);
    assert_false(o.passed);
    assert_string_equal(o.reason, "inconsistent tally");
    /* A rule that does not fit: plurality on yes/no, owners' rule for residents. */
    t = heads(100, 10, 10, 0);
    r.pass = GR_PASS_PLURALITY;
    o = decide(&r, &t);
    assert_false(o.passed);
    assert_string_equal(o.reason, "invalid vote rule");
    r.pass = GR_PASS_NONE;
    assert_false(decide(&r, &t).passed);
    r = yes_no(GR_ELIG_RESIDENTS, GR_PASS_OWNERS_ORDINARY);
    t = owners_tally(300, AREA_30000, 300, AREA_30000);
    assert_false(decide(&r, &t).passed);
    r = choices(GR_VOTE_MAX_OPTIONS + 1, 1);
    t = heads(100, 10, 10, 0);
    assert_false(decide(&r, &t).passed);
}

/* ---- names ---- */

static void names_round_trip(void **state)
{
    (void)state;
    static const char *const elig[] = {NULL, "residents", "households", "list", "owners"};
    static const char *const kinds[] = {NULL, "yes_no", "choices"};
    static const char *const passes[] = {
        NULL, "majority", "two_thirds", "owners_ordinary", "owners_special", "plurality"};
    for (int i = 1; i < 5; i++) {
        assert_string_equal(gr_vote_eligibility_name((enum gr_vote_eligibility)i), elig[i]);
        assert_int_equal(gr_vote_eligibility_parse(elig[i]), i);
    }
    for (int i = 1; i < 3; i++) {
        assert_string_equal(gr_vote_kind_name((enum gr_vote_kind)i), kinds[i]);
        assert_int_equal(gr_vote_kind_parse(kinds[i]), i);
    }
    for (int i = 1; i < 6; i++) {
        assert_string_equal(gr_vote_pass_name((enum gr_vote_pass)i), passes[i]);
        assert_int_equal(gr_vote_pass_parse(passes[i]), i);
    }
    assert_null(gr_vote_eligibility_name(GR_ELIG_NONE));
    assert_null(gr_vote_eligibility_name((enum gr_vote_eligibility)5));
    assert_null(gr_vote_eligibility_name((enum gr_vote_eligibility) - 1));
    assert_null(gr_vote_kind_name(GR_VOTE_KIND_NONE));
    assert_null(gr_vote_kind_name((enum gr_vote_kind)3));
    assert_null(gr_vote_pass_name(GR_PASS_NONE));
    assert_null(gr_vote_pass_name((enum gr_vote_pass)6));
    assert_int_equal(gr_vote_eligibility_parse(NULL), GR_ELIG_NONE);
    assert_int_equal(gr_vote_eligibility_parse(""), GR_ELIG_NONE);
    assert_int_equal(gr_vote_eligibility_parse("owner"), GR_ELIG_NONE);
    assert_int_equal(gr_vote_eligibility_parse("Owners"), GR_ELIG_NONE);
    assert_int_equal(gr_vote_kind_parse("yes"), GR_VOTE_KIND_NONE);
    assert_int_equal(gr_vote_kind_parse(NULL), GR_VOTE_KIND_NONE);
    assert_int_equal(gr_vote_pass_parse("owners"), GR_PASS_NONE);
    assert_int_equal(gr_vote_pass_parse("majority "), GR_PASS_NONE);
    assert_int_equal(gr_vote_pass_parse(NULL), GR_PASS_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_rules_pass),
        cmocka_unit_test(rule_eligibility_and_kind),
        cmocka_unit_test(rule_options_and_max_choices),
        cmocka_unit_test(rule_pass_fits_kind_and_eligibility),
        cmocka_unit_test(rule_quorum),
        cmocka_unit_test(rule_window),
        cmocka_unit_test(ballots_yes_no),
        cmocka_unit_test(ballots_choices),
        cmocka_unit_test(window_edges),
        cmocka_unit_test(owners_participation_by_headcount),
        cmocka_unit_test(owners_participation_by_area),
        cmocka_unit_test(owners_participation_both_fail),
        cmocka_unit_test(owners_ordinary_by_headcount),
        cmocka_unit_test(owners_ordinary_by_area),
        cmocka_unit_test(owners_special_by_headcount),
        cmocka_unit_test(owners_special_by_area),
        cmocka_unit_test(owners_abstentions_participate_but_do_not_approve),
        cmocka_unit_test(owners_zero_eligible),
        cmocka_unit_test(majority_edges),
        cmocka_unit_test(majority_abstentions_count_as_cast),
        cmocka_unit_test(two_thirds_edges),
        cmocka_unit_test(quorum_edges),
        cmocka_unit_test(large_numbers_do_not_overflow),
        cmocka_unit_test(zero_eligible_never_passes),
        cmocka_unit_test(plurality_single_winner),
        cmocka_unit_test(plurality_ties),
        cmocka_unit_test(plurality_quorum_and_no_ballots),
        cmocka_unit_test(inconsistent_tally_or_rule),
        cmocka_unit_test(names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
