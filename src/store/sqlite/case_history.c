/*
 * case_history.c - bulk loading of cases' past: the events of a case written as they
 * happened, after its row was written in its final state (the demo's year of history,
 * imports from another platform). Nothing else changes: no row, no rollups, no notices.
 */
#include <stdio.h>

#include "store_int.h"

#define EVENT_COLS "case_id, at, actor_user_id, action, from_status, to_status, note, data, public"
#define ONE_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?)"

/* The insert of k events at once (k one of 1, 2, 4, 8): one statement's start and cursors
 * for several rows. */
static sqlite3_stmt *insert_k(struct gr_store *st, size_t k)
{
    char sql[512] = "INSERT INTO case_events(" EVENT_COLS ") VALUES " ONE_ROW;
    size_t len = sizeof("INSERT INTO case_events(" EVENT_COLS ") VALUES " ONE_ROW) - 1;
    for (size_t i = 1; i < k; i++)
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", " ONE_ROW);
    return gr_sq_prepare(st, sql);
}

static void bind_event(sqlite3_stmt *q, int at, int64_t case_id, const struct gr_case_event *e)
{
    sqlite3_bind_int64(q, at, case_id);
    sqlite3_bind_int64(q, at + 1, e->at);
    if (e->actor_user_id)
        sqlite3_bind_int64(q, at + 2, e->actor_user_id);
    else
        sqlite3_bind_null(q, at + 2);
    const char *texts[] = {e->action, e->from_status, e->to_status, e->note, e->data};
    for (int k = 0; k < 5; k++)
        if (texts[k])
            sqlite3_bind_text(q, at + 3 + k, texts[k], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(q, at + 3 + k);
    sqlite3_bind_int(q, at + 8, e->public);
}

enum gr_err gr_store_case_events_add(struct gr_store *st, int64_t case_id,
                                     const struct gr_case_event *ev, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t k = 8;
        while (k > n - done)
            k /= 2;
        sqlite3_stmt *q = insert_k(st, k);
        if (!q)
            return GR_EDB;
        for (size_t i = 0; i < k; i++)
            bind_event(q, 1 + 9 * (int)i, case_id, &ev[done + i]);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            return gr_sq_err(st, rc);
        done += k;
    }
    return GR_OK;
}
