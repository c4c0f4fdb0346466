/*
 * vote.c - consultation vote rules: rule and ballot checks, the voting window, and the
 * decision on a tally, including Civil Code art. 278's double test by headcount and by area.
 *
 * Every threshold is an exact comparison of integer products (a * p against b * q) done in
 * 128 bits, so no edge is lost to rounding and no product overflows.
 */
#include "vote.h"

#include <string.h>

static const char *const elig_names[] = {NULL, "residents", "households", "list", "owners"};
static const char *const kind_names[] = {NULL, "yes_no", "choices"};
static const char *const pass_names[] = {
    NULL, "majority", "two_thirds", "owners_ordinary", "owners_special", "plurality"};

#define N_ELIG ((int)(sizeof(elig_names) / sizeof(elig_names[0])))
#define N_KIND ((int)(sizeof(kind_names) / sizeof(kind_names[0])))
#define N_PASS ((int)(sizeof(pass_names) / sizeof(pass_names[0])))

/* Yes/no ballots: option indexes. */
enum { YES = 0, NO = 1, ABSTAIN = 2, YES_NO_OPTIONS = 3 };

static const char *name_of(const char *const *names, int n, int v)
{
    return (v > 0 && v < n) ? names[v] : NULL;
}

static int parse_in(const char *const *names, int n, const char *s)
{
    if (s == NULL)
        return 0;
    for (int i = 1; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return 0;
}

const char *gr_vote_eligibility_name(enum gr_vote_eligibility e)
{
    return name_of(elig_names, N_ELIG, (int)e);
}

enum gr_vote_eligibility gr_vote_eligibility_parse(const char *s)
{
    return (enum gr_vote_eligibility)parse_in(elig_names, N_ELIG, s);
}

const char *gr_vote_kind_name(enum gr_vote_kind k)
{
    return name_of(kind_names, N_KIND, (int)k);
}

enum gr_vote_kind gr_vote_kind_parse(const char *s)
{
    return (enum gr_vote_kind)parse_in(kind_names, N_KIND, s);
}

const char *gr_vote_pass_name(enum gr_vote_pass p)
{
    return name_of(pass_names, N_PASS, (int)p);
}

enum gr_vote_pass gr_vote_pass_parse(const char *s)
{
    return (enum gr_vote_pass)parse_in(pass_names, N_PASS, s);
}

static bool is_owner_rule(enum gr_vote_pass p)
{
    return p == GR_PASS_OWNERS_ORDINARY || p == GR_PASS_OWNERS_SPECIAL;
}

static enum gr_err bad(const char **field, const char **why, const char *f, const char *w)
{
    if (field)
        *field = f;
    if (why)
        *why = w;
    return GR_EINVAL;
}

enum gr_err gr_vote_rule_check(const struct gr_vote_rule *r, const char **field, const char **why)
{
    if (r->eligibility <= GR_ELIG_NONE || r->eligibility > GR_ELIG_OWNERS)
        return bad(field, why, "eligibility", "unknown eligibility");
    if (r->kind == GR_VOTE_YES_NO) {
        if (r->n_options != YES_NO_OPTIONS)
            return bad(field, why, "options",
                       "a yes/no vote has exactly the options yes, no "
                       "and abstain");
        if (r->max_choices != 1)
            return bad(field, why, "max_choices", "a yes/no ballot holds exactly one choice");
    } else if (r->kind == GR_VOTE_CHOICES) {
        if (r->n_options < 2 || r->n_options > GR_VOTE_MAX_OPTIONS)
            return bad(field, why, "options", "a choice vote needs 2 to 16 options");
        if (r->max_choices < 1 || r->max_choices > r->n_options)
            return bad(field, why, "max_choices",
                       "max_choices must be between 1 and the number of options");
    } else {
        return bad(field, why, "kind", "unknown kind");
    }
    switch (r->pass) {
    case GR_PASS_MAJORITY:
    case GR_PASS_TWO_THIRDS:
        if (r->kind != GR_VOTE_YES_NO)
            return bad(field, why, "pass", "majority and two_thirds need a yes/no vote");
        break;
    case GR_PASS_OWNERS_ORDINARY:
    case GR_PASS_OWNERS_SPECIAL:
        if (r->eligibility != GR_ELIG_OWNERS)
            return bad(field, why, "eligibility", "the owners' rules need eligibility owners");
        if (r->kind != GR_VOTE_YES_NO)
            return bad(field, why, "pass", "the owners' rules need a yes/no vote");
        break;
    case GR_PASS_PLURALITY:
        if (r->kind != GR_VOTE_CHOICES)
            return bad(field, why, "pass", "plurality needs a choice vote");
        break;
    default: return bad(field, why, "pass", "unknown pass rule");
    }
    if (r->quorum_den <= 0 || r->quorum_num < 0 || r->quorum_num > r->quorum_den)
        return bad(field, why, "quorum",
                   "quorum must be a fraction num/den with 0 <= num <= den "
                   "and den > 0 (0/1 for none)");
    if (r->opens_at >= r->closes_at)
        return bad(field, why, "closes_at", "the vote must close after it opens");
    if (field)
        *field = NULL;
    if (why)
        *why = NULL;
    return GR_OK;
}

enum gr_err gr_vote_ballot_check(const struct gr_vote_rule *r, const int *choices, size_t n,
                                 const char **why)
{
    int n_options, max_choices;
    bool seen[GR_VOTE_MAX_OPTIONS] = {false};
    const char *w = NULL;

    if (r->kind == GR_VOTE_YES_NO) {
        n_options = YES_NO_OPTIONS;
        max_choices = 1;
    } else if (r->kind == GR_VOTE_CHOICES && r->n_options >= 1 &&
               r->n_options <= GR_VOTE_MAX_OPTIONS) {
        n_options = r->n_options;
        max_choices = r->max_choices;
    } else {
        w = "the vote rule is invalid";
        goto out;
    }
    if (n == 0) {
        w = "a ballot needs a choice";
        goto out;
    }
    if (choices == NULL || n > (size_t)max_choices) {
        w = r->kind == GR_VOTE_YES_NO ? "a yes/no ballot holds exactly one choice"
                                      : "too many choices";
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (choices[i] < 0 || choices[i] >= n_options) {
            w = "no such option";
            goto out;
        }
        if (seen[choices[i]]) {
            w = "an option is chosen twice";
            goto out;
        }
        seen[choices[i]] = true;
    }
out:
    if (why)
        *why = w;
    return w ? GR_EINVAL : GR_OK;
}

bool gr_vote_open(const struct gr_vote_rule *r, int64_t now)
{
    return now >= r->opens_at && now < r->closes_at;
}

/* The exact 128-bit product of two unsigned 64-bit numbers, as (hi, lo). */
static void mul_u128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    *lo = (mid << 32) | (p00 & 0xffffffffu);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* Compare a * p with b * q for non-negative operands: <0, 0 or >0. */
static int cmp_products(int64_t a, int64_t p, int64_t b, int64_t q)
{
    uint64_t h1, l1, h2, l2;
    mul_u128((uint64_t)a, (uint64_t)p, &h1, &l1);
    mul_u128((uint64_t)b, (uint64_t)q, &h2, &l2);
    if (h1 != h2)
        return h1 < h2 ? -1 : 1;
    if (l1 != l2)
        return l1 < l2 ? -1 : 1;
    return 0;
}

/* part / whole >= p / q */
static bool at_least(int64_t part, int64_t whole, int64_t p, int64_t q)
{
    return cmp_products(part, q, whole, p) >= 0;
}

/* part / whole > p / q */
static bool more_than(int64_t part, int64_t whole, int64_t p, int64_t q)
{
    return cmp_products(part, q, whole, p) > 0;
}

/*
 * A tally the store could not have produced: negative numbers, or an option named by more
 * ballots (or more area) than were cast. Deciding on it would pass things that did not.
 */
static bool tally_consistent(const struct gr_tally *t, int n_options, bool by_area)
{
    if (t->eligible < 0 || t->eligible_area < 0 || t->voted < 0 || t->voted_area < 0)
        return false;
    for (int i = 0; i < GR_VOTE_MAX_OPTIONS; i++) {
        if (t->count[i] < 0 || t->area[i] < 0)
            return false;
        if (i < n_options && t->count[i] > t->voted)
            return false;
        if (i < n_options && by_area && t->area[i] > t->voted_area)
            return false;
    }
    return true;
}

static void decide_owners(const struct gr_vote_rule *r, const struct gr_tally *t,
                          struct gr_vote_outcome *out)
{
    bool special = r->pass == GR_PASS_OWNERS_SPECIAL;

    if (t->eligible == 0) {
        out->reason = "no eligible owners";
        return;
    }
    if (t->eligible_area == 0) {
        out->reason = "no eligible floor area";
        return;
    }
    /* 专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决: >= 2/3 of both. */
    bool head = at_least(t->voted, t->eligible, 2, 3);
    bool area = at_least(t->voted_area, t->eligible_area, 2, 3);
    out->quorum_met = head && area;
    if (!out->quorum_met) {
        out->reason = head   ? "participation below two thirds of owners by area"
                      : area ? "participation below two thirds of owners by headcount"
                             : "participation below two thirds of owners by headcount and by area";
        return;
    }
    /* Ordinary: 过半数, strictly more than half. Special: 四分之三以上, three quarters or more.
     * Abstentions are participants that do not approve. */
    if (special) {
        head = at_least(t->count[YES], t->voted, 3, 4);
        area = at_least(t->area[YES], t->voted_area, 3, 4);
    } else {
        head = more_than(t->count[YES], t->voted, 1, 2);
        area = more_than(t->area[YES], t->voted_area, 1, 2);
    }
    out->passed = head && area;
    if (out->passed)
        out->reason = "passed";
    else if (special)
        out->reason =
            head ? "approval below three quarters of participating owners by area"
            : area
                ? "approval below three quarters of participating owners by headcount"
                : "approval below three quarters of participating owners by headcount and by area";
    else
        out->reason =
            head   ? "approval not more than half of participating owners by area"
            : area ? "approval not more than half of participating owners by headcount"
                   : "approval not more than half of participating owners by headcount and by area";
}

/* The optional quorum of the non-owner rules, by headcount; sets the reason when unmet. */
static bool quorum(const struct gr_vote_rule *r, const struct gr_tally *t,
                   struct gr_vote_outcome *out)
{
    if (r->quorum_den <= 0 || r->quorum_num < 0 || r->quorum_num > r->quorum_den) {
        out->reason = "invalid quorum";
        return false;
    }
    if (t->eligible == 0) {
        out->reason = "no eligible voters";
        return false;
    }
    if (!at_least(t->voted, t->eligible, r->quorum_num, r->quorum_den)) {
        out->reason = "participation below the quorum";
        return false;
    }
    return true;
}

static void decide_yes_no(const struct gr_vote_rule *r, const struct gr_tally *t,
                          struct gr_vote_outcome *out)
{
    out->quorum_met = quorum(r, t, out);
    if (!out->quorum_met)
        return;
    if (t->voted == 0) {
        out->reason = "no ballots cast";
        return;
    }
    if (r->pass == GR_PASS_MAJORITY) {
        out->passed = more_than(t->count[YES], t->voted, 1, 2);
        out->reason = out->passed ? "passed" : "approval not more than half of the ballots cast";
    } else {
        out->passed = at_least(t->count[YES], t->voted, 2, 3);
        out->reason = out->passed ? "passed" : "approval below two thirds of the ballots cast";
    }
}

static void decide_plurality(const struct gr_vote_rule *r, const struct gr_tally *t, int n_options,
                             struct gr_vote_outcome *out)
{
    int64_t best = 0;

    /* The winners are reported whatever the quorum says, so the result can be shown. */
    for (int i = 0; i < n_options; i++)
        if (t->count[i] > best)
            best = t->count[i];
    if (best > 0)
        for (int i = 0; i < n_options; i++)
            if (t->count[i] == best)
                out->winners[out->n_winners++] = i;
    out->quorum_met = quorum(r, t, out);
    if (!out->quorum_met)
        return;
    if (t->voted == 0 || out->n_winners == 0) {
        out->reason = "no ballots cast";
        return;
    }
    out->passed = out->n_winners == 1;
    out->reason = out->passed ? "passed" : "tie between the leading options";
}

void gr_vote_decide(const struct gr_vote_rule *r, const struct gr_tally *t,
                    struct gr_vote_outcome *out)
{
    int n_options;
    bool fits;

    memset(out, 0, sizeof(*out));
    if (r->kind == GR_VOTE_YES_NO)
        n_options = YES_NO_OPTIONS;
    else if (r->kind == GR_VOTE_CHOICES && r->n_options >= 1 && r->n_options <= GR_VOTE_MAX_OPTIONS)
        n_options = r->n_options;
    else
        n_options = 0;
    /* The same fit gr_vote_rule_check() demands; a stored rule passed it already. */
    fits = n_options > 0 &&
           (r->pass == GR_PASS_PLURALITY ? r->kind == GR_VOTE_CHOICES : r->kind == GR_VOTE_YES_NO);
    if (is_owner_rule(r->pass) && r->eligibility != GR_ELIG_OWNERS)
        fits = false;
    if (!fits) {
        out->reason = "invalid vote rule";
        return;
    }
    if (!tally_consistent(t, n_options, is_owner_rule(r->pass))) {
        out->reason = "inconsistent tally";
        return;
    }
    switch (r->pass) {
    case GR_PASS_OWNERS_ORDINARY:
    case GR_PASS_OWNERS_SPECIAL: decide_owners(r, t, out); break;
    case GR_PASS_MAJORITY:
    case GR_PASS_TWO_THIRDS: decide_yes_no(r, t, out); break;
    case GR_PASS_PLURALITY: decide_plurality(r, t, n_options, out); break;
    default: out->reason = "invalid vote rule"; break;
    }
}
