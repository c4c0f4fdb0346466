/*
 * vote.h - the rules of a consultation vote (协商表决): who may vote, what a ballot may
 * hold, and whether the result passes, including the double majority by headcount and
 * by floor area that owners' decisions need under Civil Code art. 278.
 *
 * Pure: no I/O. Floor areas are integers in hundredths of a square metre, so thresholds
 * ("two thirds or more", "more than half", "three quarters or more") are exact integer
 * comparisons with no rounding at the edges.
 */
#ifndef GR_VOTE_H
#define GR_VOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

#define GR_VOTE_MAX_OPTIONS 16

/* Who may vote; stored by name. */
enum gr_vote_eligibility {
    GR_ELIG_NONE = 0,
    GR_ELIG_RESIDENTS = 1,  /* every resident (with an account) of the scope, one vote each */
    GR_ELIG_HOUSEHOLDS = 2, /* one vote per household of the scope, cast by its representative */
    GR_ELIG_LIST = 3,       /* a named list of representatives */
    GR_ELIG_OWNERS = 4      /* owners by unit (household), each weighted by floor area */
};

/* What a ballot holds. */
enum gr_vote_kind {
    GR_VOTE_KIND_NONE = 0,
    GR_VOTE_YES_NO = 1, /* options: 0 yes, 1 no, 2 abstain; exactly one */
    GR_VOTE_CHOICES = 2 /* n_options named choices; 1..max_choices distinct ones */
};

/* When the result passes. Participation and approval are counted by headcount, and
 * also by floor area where the rule says so. */
enum gr_vote_pass {
    GR_PASS_NONE = 0,
    GR_PASS_MAJORITY = 1,        /* yes > half of the ballots cast (abstentions count as cast) */
    GR_PASS_TWO_THIRDS = 2,      /* yes >= two thirds of the ballots cast */
    GR_PASS_OWNERS_ORDINARY = 3, /* art. 278 ordinary matters: participation >= 2/3 of all owners
                                  * by headcount AND by area; yes > 1/2 of the participants
                                  * by headcount AND by area */
    GR_PASS_OWNERS_SPECIAL = 4,  /* art. 278 (6)-(8), e.g. rebuilding, an elevator, the repair
                                  * fund: participation as above; yes >= 3/4 of the
                                  * participants by headcount AND by area */
    GR_PASS_PLURALITY = 5        /* choices: the options with the most votes win */
};

struct gr_vote_rule {
    enum gr_vote_eligibility eligibility;
    enum gr_vote_kind kind;
    int n_options;   /* GR_VOTE_YES_NO: 3 */
    int max_choices; /* GR_VOTE_CHOICES: 1..n_options */
    enum gr_vote_pass pass;
    /* Quorum for the non-owner rules: ballots cast * quorum_den >= eligible * quorum_num
     * (0/1 means none). The owner rules carry their own 2/3. */
    int quorum_num, quorum_den;
    bool allow_change;           /* a voter may replace the ballot until close */
    bool live_results;           /* the tally may be seen before close */
    int64_t opens_at, closes_at; /* Unix seconds; the window is [opens_at, closes_at) */
};

/* Check a rule for consistency (options, choices, pass rule fits kind and eligibility,
 * window). GR_EINVAL with *field and *why on failure (static text). */
enum gr_err gr_vote_rule_check(const struct gr_vote_rule *r, const char **field, const char **why);

/* Check one ballot's choices against the rule: indexes in range, distinct, count within
 * 1..max_choices (exactly 1 for yes/no). */
enum gr_err gr_vote_ballot_check(const struct gr_vote_rule *r, const int *choices, size_t n,
                                 const char **why);

/* True when `now` lies inside the voting window. */
bool gr_vote_open(const struct gr_vote_rule *r, int64_t now);

/* The tally: what the store counts, the rule decides on. Areas in 0.01 m². */
struct gr_tally {
    int64_t eligible;      /* voters (or households, or owners) who may vote */
    int64_t eligible_area; /* their floor area (owners only) */
    int64_t voted;         /* ballots cast */
    int64_t voted_area;
    int64_t count[GR_VOTE_MAX_OPTIONS]; /* ballots naming each option */
    int64_t area[GR_VOTE_MAX_OPTIONS];  /* their floor area */
};

struct gr_vote_outcome {
    bool quorum_met;
    bool passed;                      /* yes/no rules; for plurality: a single winner exists */
    int winners[GR_VOTE_MAX_OPTIONS]; /* plurality: the options with the most votes */
    int n_winners;
    const char *reason; /* static text: why it did not pass, or "passed" */
};

/* Decide the outcome of a tally under the rule. */
void gr_vote_decide(const struct gr_vote_rule *r, const struct gr_tally *t,
                    struct gr_vote_outcome *out);

/* Names stored and used in the API: "residents", "households", "list", "owners";
 * "yes_no", "choices"; "majority", "two_thirds", "owners_ordinary", "owners_special",
 * "plurality". NULL / 0 when unknown. */
const char *gr_vote_eligibility_name(enum gr_vote_eligibility e);
enum gr_vote_eligibility gr_vote_eligibility_parse(const char *s);
const char *gr_vote_kind_name(enum gr_vote_kind k);
enum gr_vote_kind gr_vote_kind_parse(const char *s);
const char *gr_vote_pass_name(enum gr_vote_pass p);
enum gr_vote_pass gr_vote_pass_parse(const char *s);

#endif
