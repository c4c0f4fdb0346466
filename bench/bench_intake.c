/*
 * bench_intake.c - the writer's share of case intake, in process: gr_case_intake (route,
 * store the case, its event, rollups and notices) for batches of requests, one transaction
 * and one sync per batch, as the group commit runs them (without savepoints, as no write
 * here fails).
 *
 * usage: bench_intake DB N [BATCH]   DB: a demo database (changed); N cases; BATCH per
 * transaction (default 64). Prints cases/s and the time per case in writes and commits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/case_ops.h"
#include "grids.h"
#include "store/store.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_intake DB N [BATCH]\n");
        return 2;
    }
    long n = strtol(argv[2], NULL, 10), batch = argc > 3 ? strtol(argv[3], NULL, 10) : 64;
    struct gr_store *st;
    if (gr_store_open(argv[1], false, &st) != GR_OK)
        return 1;
    if (getenv("NOCKPT"))
        gr_store_autocheckpoint(st, 0);
    if (getenv("NOSYNC"))
        gr_store_sync_commits(st, false);
    /* Every grid with its ancestors, and a grid-level matter of the published list. */
    struct grids g = {0};
    if (!grids_load(st, &g)) {
        fprintf(stderr, "bench_intake: no grids in %s\n", argv[1]);
        return 1;
    }
    double write = 0, commit = 0, t0 = now_s();
    unsigned seed = 7;
    for (long done = 0; done < n;) {
        double a = now_s();
        if (gr_store_begin(st) != GR_OK)
            return 1;
        for (long i = 0; i < batch && done < n; i++, done++) {
            size_t at = (size_t)(rand_r(&seed) % (int)g.n);
            struct gr_intake in = {.channel = "web",
                                   .matter_code = "M001",
                                   .description = "楼道口垃圾堆放，请清理",
                                   .has_point = true,
                                   .lat = g.lat[at],
                                   .lon = g.lon[at],
                                   .anc = g.anc[at],
                                   .requester_user_id = 1,
                                   .actor_user_id = 1,
                                   .now = (int64_t)time(NULL)};
            struct gr_case c;
            struct gr_case_fail f;
            enum gr_err e = gr_case_intake(st, &in, &c, &f);
            if (e) {
                fprintf(stderr, "bench_intake: %s %s\n", f.field ? f.field : "", f.why);
                return 1;
            }
        }
        double b = now_s();
        if (gr_store_commit(st) != GR_OK)
            return 1;
        gr_store_release(st);
        double c = now_s();
        write += b - a;
        commit += c - b;
    }
    double total = now_s() - t0;
    printf("cases: %ld in batches of %ld\n", n, batch);
    printf("writes per case us: %.1f\n", write / (double)n * 1e6);
    printf("commit per batch ms: %.2f\n", commit / ((double)n / (double)batch) * 1e3);
    printf("intake in process cases/s: %.0f\n", (double)n / total);
    int log = 0, copied = 0;
    gr_store_checkpoint(st, false, &log, &copied);
    printf("log pages per batch: %.1f\n", (double)log / ((double)n / (double)batch));
    grids_free(&g);
    gr_store_close(st);
    return 0;
}
