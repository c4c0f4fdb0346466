/*
 * bench_tally.c - the tally of a 100,000-household owners' vote (double majority by
 * headcount and floor area), and the digest of its ballot log at close.
 *
 * usage: bench_tally DB [N]   DB: a scratch file (made fresh); N ballots (default 100000)
 * Casts N ballots through the store (one transaction), then times the tally read plus the
 * decision (what GET .../results does) and the ballot-log digest (what close does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/vote.h"
#include "store/store.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_tally DB [N]\n");
        return 2;
    }
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
    unlink(argv[1]);
    struct gr_store *st;
    if (gr_store_open(argv[1], true, &st) != GR_OK)
        return 1;
    /* A city, one community: enough for a topic to hang on. */
    const struct gr_kind *nk = gr_kind_get(GR_K_NODES);
    struct gr_value v[8];
    int64_t city, district, street, community, user;
    struct gr_verr ve;
    memset(v, 0, sizeof(v));
    v[1] = (struct gr_value){.present = true, .s = "city", .len = 4};
    v[2] = (struct gr_value){.present = true, .s = "360100000000", .len = 12};
    v[3] = (struct gr_value){.present = true, .s = "bench", .len = 5};
    gr_store_begin(st);
    gr_store_insert(st, nk, 0, v, &city, &ve);
    v[0] = (struct gr_value){.present = true, .i = city};
    v[1] = (struct gr_value){.present = true, .s = "district", .len = 8};
    v[2] = (struct gr_value){.present = true, .s = "360102000000", .len = 12};
    gr_store_insert(st, nk, 0, v, &district, &ve);
    v[0].i = district;
    v[1] = (struct gr_value){.present = true, .s = "street", .len = 6};
    v[2] = (struct gr_value){.present = true, .s = "360102001000", .len = 12};
    gr_store_insert(st, nk, 0, v, &street, &ve);
    v[0].i = street;
    v[1] = (struct gr_value){.present = true, .s = "community", .len = 9};
    v[2] = (struct gr_value){.present = true, .s = "360102001001", .len = 12};
    gr_store_insert(st, nk, 0, v, &community, &ve);
    gr_store_user_create(st, "bench", "bench", "x", &user);
    struct gr_topic t = {.scope_node_id = community,
                         .title = "加装电梯",
                         .body = "bench",
                         .proposer_user_id = user,
                         .proposer_kind = "resident"};
    int64_t topic;
    gr_store_topic_create(st, &t, &topic);
    struct gr_vote_rule_row rr = {.eligibility = "owners",
                                  .kind = "yes_no",
                                  .options = "[\"yes\",\"no\",\"abstain\"]",
                                  .pass = "owners_special",
                                  .max_choices = 1,
                                  .quorum_den = 1,
                                  .opens_at = 0,
                                  .closes_at = 1};
    gr_store_vote_rule_set(st, topic, &rr);
    /* N ballots: areas 50-150 m², 80% yes, 15% no, 5% abstain; electorate 1.25 N. */
    double t0 = now_ms();
    int64_t total_area = 0;
    for (long i = 0; i < n; i++) {
        char key[32], slot[65];
        snprintf(key, sizeof(key), "h:%ld", i + 1);
        snprintf(slot, sizeof(slot), "%064lx", (unsigned long)(i * 2654435761u));
        int64_t area = 5000 + (i * 7919) % 10000;
        total_area += area;
        const char *c = i % 20 < 16 ? "0" : i % 20 < 19 ? "1" : "2";
        if (gr_store_vote_cast(st, topic, key, slot, c, area, "paper", user, false) != GR_OK) {
            fprintf(stderr, "cast failed: %s\n", gr_store_errmsg(st));
            return 1;
        }
    }
    /* The electorate (1.25 N households and their area) as frozen when voting opened: the
     * rule row is read each run like GET .../results does, the counts are set here. */
    int64_t eligible = n + n / 4, eligible_area = total_area + total_area / 4;
    gr_store_commit(st);
    printf("cast %ld ballots in one transaction: %.0f ms\n", n, now_ms() - t0);

    enum { RUNS = 200 };
    double ms[RUNS];
    struct gr_vote_outcome out;
    for (int r = 0; r < RUNS; r++) {
        double a = now_ms();
        struct gr_vote_rule_row row;
        struct gr_tally tally;
        memset(&tally, 0, sizeof(tally));
        gr_store_vote_rule_get(st, topic, &row);
        tally.eligible = row.eligible >= 0 ? row.eligible : eligible;
        tally.eligible_area = row.eligible_area >= 0 ? row.eligible_area : eligible_area;
        gr_store_tally(st, topic, tally.count, tally.area, 3, &tally.voted, &tally.voted_area);
        struct gr_vote_rule rule = {.eligibility = GR_ELIG_OWNERS,
                                    .kind = GR_VOTE_YES_NO,
                                    .n_options = 3,
                                    .max_choices = 1,
                                    .pass = GR_PASS_OWNERS_SPECIAL,
                                    .quorum_den = 1};
        gr_vote_decide(&rule, &tally, &out);
        gr_store_release(st);
        ms[r] = now_ms() - a;
    }
    qsort(ms, RUNS, sizeof(ms[0]), cmp);
    printf("tally + double-majority decision of %ld ballots: p50 %.3f ms, p99 %.3f ms (%s)\n", n,
           ms[RUNS / 2], ms[RUNS * 99 / 100], out.reason);
    double d0 = now_ms();
    char digest[65];
    gr_store_ballot_digest(st, topic, digest);
    printf("digest of the ballot log at close: %.1f ms\n", now_ms() - d0);
    gr_store_close(st);
    unlink(argv[1]);
    return 0;
}
