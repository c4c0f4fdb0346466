/*
 * consult.c - topics, their events, opinions, meetings and who attended them, vote rules,
 * voters, the ballot log and the running tally; invited organisations, followers and their
 * notifications, photos of topics and of their implementation items.
 *
 * The one-vote guarantee is the voters table's primary key (topic, voter): a second
 * insert fails inside the same transaction as the ballot, whatever the concurrency.
 * Followers are told of a change in the transaction of the change.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/mem.h"
#include "store_int.h"

static const char *const anc_cols[GR_N_LEVELS + 1] = {NULL,        "city_id",      "district_id",
                                                      "street_id", "community_id", "grid_id"};

/* ---- topics ---- */

#define TOPIC_COLS                                                                                 \
    "id, scope_node_id, scope_building_id, scope_unit_id, title, body, category, "                 \
    "proposer_user_id, proposer_kind, proposer_org_id, stage, passed, decision_text, "             \
    "decision_org_id, decision_person, notice_ends_at, tally_digest, created_at, updated_at, "     \
    "city_id, district_id, street_id, community_id, grid_id, case_id"

static void read_topic(sqlite3_stmt *q, struct gr_topic *t)
{
    memset(t, 0, sizeof(*t));
    t->id = sqlite3_column_int64(q, 0);
    t->scope_node_id = sqlite3_column_int64(q, 1);
    t->scope_building_id = sqlite3_column_int64(q, 2);
    t->scope_unit_id = sqlite3_column_int64(q, 3);
    t->title = gr_sq_text(q, 4);
    t->body = gr_sq_text(q, 5);
    t->category = gr_sq_text(q, 6);
    t->proposer_user_id = sqlite3_column_int64(q, 7);
    t->proposer_kind = gr_sq_text(q, 8);
    t->proposer_org_id = sqlite3_column_int64(q, 9);
    t->stage = gr_sq_text(q, 10);
    t->passed = sqlite3_column_type(q, 11) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 11);
    t->decision_text = gr_sq_text(q, 12);
    t->decision_org_id = sqlite3_column_int64(q, 13);
    t->decision_person = gr_sq_text(q, 14);
    t->notice_ends_at = sqlite3_column_int64(q, 15);
    t->tally_digest = gr_sq_text(q, 16);
    t->created_at = gr_sq_text(q, 17);
    t->updated_at = gr_sq_text(q, 18);
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        t->anc.id[l] = sqlite3_column_int64(q, 18 + l);
    t->case_id = sqlite3_column_int64(q, 24);
}

static enum gr_err add_event(struct gr_store *st, int64_t topic, int64_t actor, const char *action,
                             const char *from, const char *to, const char *note)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO topic_events(topic_id, at, actor_user_id, "
                                        "action, from_stage, to_stage, note) VALUES (?, ?, ?, ?, "
                                        "?, ?, ?)");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_int64(q, 1, topic);
    sqlite3_bind_text(q, 2, now, -1, SQLITE_TRANSIENT);
    gr_sq_bind_id(q, 3, actor);
    gr_sq_bind_text(q, 4, action);
    gr_sq_bind_text(q, 5, from);
    gr_sq_bind_text(q, 6, to);
    gr_sq_bind_text(q, 7, note);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_topic_create(struct gr_store *st, const struct gr_topic *t, int64_t *out_id)
{
    struct gr_anc anc;
    enum gr_err e = gr_store_anc(st, gr_kind_get(GR_K_NODES), t->scope_node_id, &anc);
    if (e)
        return e;
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO topics(scope_node_id, scope_building_id, scope_unit_id, title, body, "
            "category, proposer_user_id, proposer_kind, proposer_org_id, stage, created_at, "
            "updated_at, city_id, district_id, street_id, community_id, grid_id, case_id) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_int64(q, 1, t->scope_node_id);
    gr_sq_bind_id(q, 2, t->scope_building_id);
    gr_sq_bind_id(q, 3, t->scope_unit_id);
    gr_sq_bind_text(q, 4, t->title);
    gr_sq_bind_text(q, 5, t->body);
    gr_sq_bind_text(q, 6, t->category);
    sqlite3_bind_int64(q, 7, t->proposer_user_id);
    gr_sq_bind_text(q, 8, t->proposer_kind);
    gr_sq_bind_id(q, 9, t->proposer_org_id);
    sqlite3_bind_text(q, 10, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 11, now, -1, SQLITE_TRANSIENT);
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        gr_sq_bind_id(q, 11 + l, anc.id[l]);
    gr_sq_bind_id(q, 17, t->case_id);
    if ((e = gr_sq_done(st, q)))
        return e;
    *out_id = sqlite3_last_insert_rowid(st->db);
    return add_event(st, *out_id, t->proposer_user_id, "propose", NULL, "proposed", NULL);
}

enum gr_err gr_store_topic_get(struct gr_store *st, int64_t id, struct gr_topic *t)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT " TOPIC_COLS " FROM topics WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, id);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    read_topic(q, t);
    /* Copies, and the read closed (see store.h). */
    const char **texts[] = {&t->title,           &t->body,         &t->category,
                            &t->proposer_kind,   &t->stage,        &t->decision_text,
                            &t->decision_person, &t->tally_digest, &t->created_at,
                            &t->updated_at};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (*texts[i])
            *texts[i] = gr_sq_keep(st, *texts[i], strlen(*texts[i]));
    sqlite3_reset(q);
    return GR_OK;
}

enum gr_err gr_store_topic_list(struct gr_store *st, const struct gr_query *qy,
                                const struct gr_topic_filter *f, gr_topic_fn fn, void *ctx,
                                bool *more)
{
    *more = false;
    struct gr_buf b;
    gr_buf_init(&b, 8192);
    gr_buf_adds(&b, "SELECT " TOPIC_COLS " FROM topics WHERE id > ?");
    if (!qy->all) {
        if (!qy->n_scopes && !f->n_also && !f->n_orgs) {
            gr_buf_cleanup(&b);
            return GR_OK;
        }
        gr_buf_adds(&b, " AND (0");
        for (size_t i = 0; i < qy->n_scopes; i++)
            gr_buf_printf(&b, " OR %s = ?", anc_cols[qy->scopes[i].level]);
        for (size_t i = 0; i < f->n_also; i++)
            gr_buf_adds(&b, " OR scope_node_id = ?");
        if (f->n_orgs) {
            gr_buf_adds(&b, " OR id IN (SELECT topic_id FROM topic_orgs WHERE org_id IN (?");
            for (size_t i = 1; i < f->n_orgs; i++)
                gr_buf_adds(&b, ", ?");
            gr_buf_adds(&b, "))");
        }
        gr_buf_adds(&b, ")");
    }
    if (qy->under.id)
        gr_buf_printf(&b, " AND %s = ?", anc_cols[qy->under.level]);
    if (f->stage)
        gr_buf_adds(&b, " AND stage = ?");
    if (f->case_id)
        gr_buf_adds(&b, " AND case_id = ?");
    gr_buf_adds(&b, " ORDER BY id LIMIT ?");
    sqlite3_stmt *q = gr_sq_prepare(st, b.data);
    gr_buf_cleanup(&b);
    if (!q)
        return GR_EDB;
    int at = 1;
    sqlite3_bind_int64(q, at++, qy->after);
    if (!qy->all) {
        for (size_t i = 0; i < qy->n_scopes; i++)
            sqlite3_bind_int64(q, at++, qy->scopes[i].id);
        for (size_t i = 0; i < f->n_also; i++)
            sqlite3_bind_int64(q, at++, f->also[i]);
        for (size_t i = 0; i < f->n_orgs; i++)
            sqlite3_bind_int64(q, at++, f->orgs[i]);
    }
    if (qy->under.id)
        sqlite3_bind_int64(q, at++, qy->under.id);
    if (f->stage)
        sqlite3_bind_text(q, at++, f->stage, -1, SQLITE_TRANSIENT);
    if (f->case_id)
        sqlite3_bind_int64(q, at++, f->case_id);
    int limit = qy->limit > 0 ? qy->limit : 50;
    sqlite3_bind_int(q, at, limit + 1);
    int rc, n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        struct gr_topic t;
        read_topic(q, &t);
        if (fn(ctx, &t))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_topic_move(struct gr_store *st, int64_t id, const char *from, const char *to,
                                int64_t actor, const char *action, const char *note)
{
    sqlite3_stmt *q =
        gr_sq_prepare(st, "UPDATE topics SET stage = ?, updated_at = ? WHERE id = ? AND stage = ?");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_text(q, 1, to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 3, id);
    sqlite3_bind_text(q, 4, from, -1, SQLITE_TRANSIENT);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    if (sqlite3_changes(st->db) == 0)
        return GR_ECONFLICT; /* moved by someone else meanwhile */
    e = add_event(st, id, actor, action, from, to, note);
    return e ? e : gr_store_topic_notify(st, id, "topic_stage", to, actor);
}

static enum gr_err topic_update(struct gr_store *st, const char *sql, int64_t id, const char *text,
                                int64_t num, const char *text2)
{
    sqlite3_stmt *q = gr_sq_prepare(st, sql);
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, text);
    gr_sq_bind_id(q, 2, num);
    gr_sq_bind_text(q, 3, text2);
    sqlite3_bind_int64(q, 4, id);
    enum gr_err e = gr_sq_done(st, q);
    return (!e && sqlite3_changes(st->db) == 0) ? GR_ENOTFOUND : e;
}

enum gr_err gr_store_topic_decide(struct gr_store *st, int64_t id, const char *text, int64_t org_id,
                                  const char *person, int64_t actor)
{
    enum gr_err e = add_event(st, id, actor, "decision", NULL, NULL, text);
    if (!e)
        e = topic_update(st,
                         "UPDATE topics SET decision_text = ?, decision_org_id = ?, "
                         "decision_person = ? WHERE id = ?",
                         id, text, org_id, person);
    return e ? e : gr_store_topic_notify(st, id, "topic_decision", text, actor);
}

enum gr_err gr_store_topic_outcome(struct gr_store *st, int64_t id, bool passed, const char *digest)
{
    sqlite3_stmt *q =
        gr_sq_prepare(st, "UPDATE topics SET passed = ?, tally_digest = ? WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, passed);
    gr_sq_bind_text(q, 2, digest);
    sqlite3_bind_int64(q, 3, id);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_topic_notice(struct gr_store *st, int64_t id, int64_t ends_at)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "UPDATE topics SET notice_ends_at = ? WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, ends_at);
    sqlite3_bind_int64(q, 2, id);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_topic_events(struct gr_store *st, int64_t topic_id, gr_topic_event_fn fn,
                                  void *ctx)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT id, at, action, from_stage, to_stage, note, "
                                        "actor_user_id FROM topic_events WHERE topic_id = ? "
                                        "ORDER BY id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_topic_event e = {sqlite3_column_int64(q, 0), gr_sq_text(q, 1), gr_sq_text(q, 2),
                                   gr_sq_text(q, 3),           gr_sq_text(q, 4), gr_sq_text(q, 5),
                                   sqlite3_column_int64(q, 6)};
        if (fn(ctx, &e))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

/* ---- opinions and meetings ---- */

enum gr_err gr_store_opinion_add(struct gr_store *st, const struct gr_opinion *o, int max_depth,
                                 int64_t *out_id)
{
    int depth = 1;
    if (o->parent_id) {
        sqlite3_stmt *p =
            gr_sq_prepare(st, "SELECT depth FROM opinions WHERE id = ? AND topic_id = ?");
        if (!p)
            return GR_EDB;
        sqlite3_bind_int64(p, 1, o->parent_id);
        sqlite3_bind_int64(p, 2, o->topic_id);
        int rc = sqlite3_step(p);
        depth = rc == SQLITE_ROW ? sqlite3_column_int(p, 0) + 1 : 0;
        sqlite3_reset(p);
        if (rc != SQLITE_ROW)
            return rc == SQLITE_DONE ? GR_ENOTFOUND : gr_sq_err(st, rc);
        if (depth > max_depth)
            return GR_EINVAL;
    }
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO opinions(topic_id, parent_id, depth, author_user_id, stance, body, "
            "created_at, updated_at, meeting_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_int64(q, 1, o->topic_id);
    gr_sq_bind_id(q, 2, o->parent_id);
    sqlite3_bind_int(q, 3, depth);
    sqlite3_bind_int64(q, 4, o->author_user_id);
    gr_sq_bind_text(q, 5, o->stance);
    gr_sq_bind_text(q, 6, o->body);
    sqlite3_bind_text(q, 7, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 8, now, -1, SQLITE_TRANSIENT);
    gr_sq_bind_id(q, 9, o->meeting_id);
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        *out_id = sqlite3_last_insert_rowid(st->db);
    return e;
}

enum gr_err gr_store_opinions(struct gr_store *st, int64_t topic_id, gr_opinion_fn fn, void *ctx)
{
    /* The author's name, and whether they hold a public role (their name is then shown to
     * everyone; a resident's is masked for other residents by the API). */
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT o.id, o.topic_id, o.parent_id, o.author_user_id, o.depth, o.version, "
            "o.hidden, o.stance, o.body, o.created_at, o.updated_at, o.meeting_id, u.name, "
            "EXISTS (SELECT 1 FROM grants g WHERE g.user_id = o.author_user_id AND g.role IN "
            "('grid_worker', 'community_staff', 'street_staff', 'department_handler', "
            "'district_staff', 'city_staff', 'admin')) FROM opinions o LEFT JOIN users u ON "
            "u.id = o.author_user_id WHERE o.topic_id = ? ORDER BY o.id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_opinion o = {
            .id = sqlite3_column_int64(q, 0),
            .topic_id = sqlite3_column_int64(q, 1),
            .parent_id = sqlite3_column_int64(q, 2),
            .author_user_id = sqlite3_column_int64(q, 3),
            .depth = sqlite3_column_int(q, 4),
            .version = sqlite3_column_int(q, 5),
            .hidden = sqlite3_column_int(q, 6) != 0,
            .stance = gr_sq_text(q, 7),
            .body = gr_sq_text(q, 8),
            .created_at = gr_sq_text(q, 9),
            .updated_at = gr_sq_text(q, 10),
            .meeting_id = sqlite3_column_int64(q, 11),
            .author_name = gr_sq_text(q, 12),
            .author_official = sqlite3_column_int(q, 13) != 0,
        };
        if (fn(ctx, &o))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_meeting_add(struct gr_store *st, const struct gr_meeting *m, int64_t *out_id)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO meetings(topic_id, held_at, place, agenda, minutes, participants, "
            "attendance, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_int64(q, 1, m->topic_id);
    gr_sq_bind_text(q, 2, m->held_at);
    gr_sq_bind_text(q, 3, m->place);
    gr_sq_bind_text(q, 4, m->agenda);
    gr_sq_bind_text(q, 5, m->minutes);
    gr_sq_bind_text(q, 6, m->participants);
    sqlite3_bind_int64(q, 7, m->attendance);
    gr_sq_bind_id(q, 8, m->created_by);
    sqlite3_bind_text(q, 9, now, -1, SQLITE_TRANSIENT);
    enum gr_err e = gr_sq_done(st, q);
    if (!e) {
        *out_id = sqlite3_last_insert_rowid(st->db);
        char note[200];
        snprintf(note, sizeof(note), "%s %s", m->held_at, m->place);
        e = add_event(st, m->topic_id, m->created_by, "meeting", NULL, NULL, note);
    }
    return e;
}

enum gr_err gr_store_meetings(struct gr_store *st, int64_t topic_id, gr_meeting_fn fn, void *ctx)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT id, topic_id, created_by, held_at, place, agenda, minutes, participants, "
            "attendance FROM meetings WHERE topic_id = ? ORDER BY id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_meeting m = {
            sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2),
            gr_sq_text(q, 3),           gr_sq_text(q, 4),           gr_sq_text(q, 5),
            gr_sq_text(q, 6),           gr_sq_text(q, 7),           sqlite3_column_int64(q, 8)};
        if (fn(ctx, &m))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

/* GR_OK when a prepared, bound query has a row; GR_ENOTFOUND when it has none. */
static enum gr_err exists(struct gr_store *st, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return GR_OK;
    return rc == SQLITE_DONE ? GR_ENOTFOUND : gr_sq_err(st, rc);
}

enum gr_err gr_store_meeting_get(struct gr_store *st, int64_t topic_id, int64_t meeting_id)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT 1 FROM meetings WHERE id = ? AND topic_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, meeting_id);
    sqlite3_bind_int64(q, 2, topic_id);
    return exists(st, q);
}

enum gr_err gr_store_meeting_attendees_set(struct gr_store *st, int64_t meeting_id,
                                           const int64_t *users, size_t n_users,
                                           const int64_t *residents, size_t n_residents)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "DELETE FROM meeting_attendees WHERE meeting_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, meeting_id);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    q = gr_sq_prepare(st, "INSERT INTO meeting_attendees(meeting_id, user_id, resident_id) "
                          "VALUES (?, ?, ?)");
    if (!q)
        return GR_EDB;
    for (size_t i = 0; !e && i < n_users + n_residents; i++) {
        sqlite3_bind_int64(q, 1, meeting_id);
        gr_sq_bind_id(q, 2, i < n_users ? users[i] : 0);
        gr_sq_bind_id(q, 3, i < n_users ? 0 : residents[i - n_users]);
        e = gr_sq_done(st, q);
    }
    return e;
}

enum gr_err gr_store_meeting_attendees(struct gr_store *st, int64_t topic_id, gr_attendee_fn fn,
                                       void *ctx)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT a.meeting_id, coalesce(a.user_id, 0), coalesce(a.resident_id, 0) FROM "
            "meeting_attendees a JOIN meetings m ON m.id = a.meeting_id WHERE m.topic_id = ? "
            "ORDER BY a.meeting_id, a.resident_id IS NOT NULL, a.rowid");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
               sqlite3_column_int64(q, 2)))
            break;
    return gr_sq_each_end(st, q, rc);
}

/* ---- votes ---- */

enum gr_err gr_store_vote_rule_set(struct gr_store *st, int64_t topic_id,
                                   const struct gr_vote_rule_row *r)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT OR REPLACE INTO vote_rules(topic_id, eligibility, kind, options, max_choices, "
            "pass, quorum_num, quorum_den, allow_change, live_results, opens_at, closes_at, "
            "voter_list) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    gr_sq_bind_text(q, 2, r->eligibility);
    gr_sq_bind_text(q, 3, r->kind);
    gr_sq_bind_text(q, 4, r->options);
    sqlite3_bind_int(q, 5, r->max_choices);
    gr_sq_bind_text(q, 6, r->pass);
    sqlite3_bind_int(q, 7, r->quorum_num);
    sqlite3_bind_int(q, 8, r->quorum_den);
    sqlite3_bind_int(q, 9, r->allow_change);
    sqlite3_bind_int(q, 10, r->live_results);
    sqlite3_bind_int64(q, 11, r->opens_at);
    sqlite3_bind_int64(q, 12, r->closes_at);
    gr_sq_bind_text(q, 13, r->voter_list);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_vote_rule_get(struct gr_store *st, int64_t topic_id,
                                   struct gr_vote_rule_row *r)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT eligibility, kind, options, pass, voter_list, max_choices, quorum_num, "
            "quorum_den, allow_change, live_results, opens_at, closes_at, "
            "coalesce(eligible, -1), coalesce(eligible_area, -1) FROM vote_rules WHERE "
            "topic_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    enum gr_err e = gr_sq_row(st, q);
    if (e)
        return e;
    const char *t[5];
    for (int i = 0; i < 5; i++)
        t[i] = gr_sq_text(q, i) ? gr_sq_keep(st, gr_sq_text(q, i), strlen(gr_sq_text(q, i))) : NULL;
    r->eligibility = t[0];
    r->kind = t[1];
    r->options = t[2];
    r->pass = t[3];
    r->voter_list = t[4];
    r->max_choices = sqlite3_column_int(q, 5);
    r->quorum_num = sqlite3_column_int(q, 6);
    r->quorum_den = sqlite3_column_int(q, 7);
    r->allow_change = sqlite3_column_int(q, 8) != 0;
    r->live_results = sqlite3_column_int(q, 9) != 0;
    r->opens_at = sqlite3_column_int64(q, 10);
    r->closes_at = sqlite3_column_int64(q, 11);
    r->eligible = sqlite3_column_int64(q, 12);
    r->eligible_area = sqlite3_column_int64(q, 13);
    sqlite3_reset(q);
    return GR_OK;
}

enum gr_err gr_store_electorate_freeze(struct gr_store *st, int64_t topic_id,
                                       const char *eligibility, struct gr_scope scope,
                                       int64_t building_id, int64_t unit_id, const int64_t *list,
                                       size_t n_list)
{
    sqlite3_stmt *q;
    enum gr_err e = GR_OK;
    if (strcmp(eligibility, "list") == 0) {
        q = gr_sq_prepare(st, "INSERT OR IGNORE INTO electorate(topic_id, voter_key, area) "
                              "VALUES (?, 'u:' || ?, 0)");
        if (!q)
            return GR_EDB;
        for (size_t i = 0; !e && i < n_list; i++) {
            sqlite3_bind_int64(q, 1, topic_id);
            sqlite3_bind_int64(q, 2, list[i]);
            e = gr_sq_done(st, q);
        }
    } else {
        bool people = strcmp(eligibility, "residents") == 0;
        bool owners = strcmp(eligibility, "owners") == 0;
        char sql[640];
        /* Areas in hundredths of a square metre, rounded per household. */
        snprintf(sql, sizeof(sql),
                 "INSERT OR IGNORE INTO electorate(topic_id, voter_key, area) SELECT ?, %s, %s "
                 "FROM households h%s WHERE h.%s = ?%s",
                 people ? "'r:' || r.id" : "'h:' || h.id",
                 owners ? "CAST(round(coalesce(h.area_m2, 0) * 100) AS INTEGER)" : "0",
                 people ? " JOIN residents r ON r.household_id = h.id" : "", anc_cols[scope.level],
                 unit_id       ? " AND h.unit_id = ?"
                 : building_id ? " AND h.unit_id IN (SELECT id FROM units WHERE building_id = ?)"
                               : "");
        if (!(q = gr_sq_prepare(st, sql)))
            return GR_EDB;
        sqlite3_bind_int64(q, 1, topic_id);
        sqlite3_bind_int64(q, 2, scope.id);
        if (unit_id || building_id)
            sqlite3_bind_int64(q, 3, unit_id ? unit_id : building_id);
        e = gr_sq_done(st, q);
    }
    if (e)
        return e;
    q = gr_sq_prepare(st, "UPDATE vote_rules SET (eligible, eligible_area) = (SELECT count(*), "
                          "coalesce(sum(area), 0) FROM electorate WHERE topic_id = ?1) WHERE "
                          "topic_id = ?1");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_elector(struct gr_store *st, int64_t topic_id, const char *voter_key,
                             int64_t *area)
{
    sqlite3_stmt *q =
        gr_sq_prepare(st, "SELECT area FROM electorate WHERE topic_id = ? AND voter_key = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    gr_sq_bind_text(q, 2, voter_key);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *area = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return GR_ENOTFOUND;
    return rc == SQLITE_ROW ? GR_OK : gr_sq_err(st, rc);
}

/* Add (sign +1) or take out (-1) a ballot's choices from the tally; option -1 holds the
 * ballots themselves. */
static enum gr_err tally_add(struct gr_store *st, int64_t topic, const char *choices, int64_t area,
                             int sign)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO tallies(topic_id, option, count, area) VALUES (?, ?, ?, ?) ON "
            "CONFLICT(topic_id, option) DO UPDATE SET count = count + excluded.count, area = "
            "area + excluded.area");
    if (!q)
        return GR_EDB;
    enum gr_err e = GR_OK;
    /* -1 first, then each listed option. */
    const char *p = choices;
    for (int first = 1; !e; first = 0) {
        long option = -1;
        if (!first) {
            if (!*p)
                break;
            char *end;
            option = strtol(p, &end, 10);
            p = *end == ',' ? end + 1 : end;
        }
        sqlite3_bind_int64(q, 1, topic);
        sqlite3_bind_int64(q, 2, option);
        sqlite3_bind_int64(q, 3, sign);
        sqlite3_bind_int64(q, 4, sign * area);
        e = gr_sq_done(st, q);
    }
    return e;
}

enum gr_err gr_store_vote_cast(struct gr_store *st, int64_t topic_id, const char *voter_key,
                               const char *slot, const char *choices, int64_t area,
                               const char *channel, int64_t cast_by, bool replace)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO voters(topic_id, voter_key, channel, "
                                        "cast_by, voted_at) VALUES (?, ?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_int64(q, 1, topic_id);
    gr_sq_bind_text(q, 2, voter_key);
    gr_sq_bind_text(q, 3, channel);
    gr_sq_bind_id(q, 4, cast_by);
    sqlite3_bind_text(q, 5, now, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    enum gr_err e = GR_OK;
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
        if (!replace)
            return GR_ECONFLICT;
        /* A paper ballot blocks every later one, in every channel. */
        sqlite3_stmt *c =
            gr_sq_prepare(st, "SELECT channel FROM voters WHERE topic_id = ? AND voter_key = ?");
        if (!c)
            return GR_EDB;
        sqlite3_bind_int64(c, 1, topic_id);
        gr_sq_bind_text(c, 2, voter_key);
        bool on_paper = sqlite3_step(c) == SQLITE_ROW && strcmp(gr_sq_text(c, 0), "paper") == 0;
        sqlite3_reset(c);
        if (on_paper)
            return GR_ECONFLICT;
        /* A change: the earlier ballot of this slot leaves the tally. */
        char *old = NULL;
        if ((e = gr_store_ballot_of(st, topic_id, slot, &old)))
            return e;
        sqlite3_stmt *a = gr_sq_prepare(st, "SELECT area FROM ballots WHERE topic_id = ? AND "
                                            "slot = ? ORDER BY seq DESC LIMIT 1");
        int64_t old_area = 0;
        if (a) {
            sqlite3_bind_int64(a, 1, topic_id);
            gr_sq_bind_text(a, 2, slot);
            if (sqlite3_step(a) == SQLITE_ROW)
                old_area = sqlite3_column_int64(a, 0);
            sqlite3_reset(a);
        }
        e = old ? tally_add(st, topic_id, old, old_area, -1) : GR_EINTERNAL;
        free(old);
        if (e)
            return e;
        /* The ballot is now the changer's. */
        sqlite3_stmt *u =
            gr_sq_prepare(st, "UPDATE voters SET cast_by = ?, voted_at = ? WHERE topic_id = ? AND "
                              "voter_key = ?");
        if (!u)
            return GR_EDB;
        gr_sq_bind_id(u, 1, cast_by);
        sqlite3_bind_text(u, 2, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(u, 3, topic_id);
        gr_sq_bind_text(u, 4, voter_key);
        if ((e = gr_sq_done(st, u)))
            return e;
    } else if (rc != SQLITE_DONE) {
        return gr_sq_err(st, rc);
    }
    q = gr_sq_prepare(st, "INSERT INTO ballots(topic_id, slot, choices, area) VALUES (?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    gr_sq_bind_text(q, 2, slot);
    gr_sq_bind_text(q, 3, choices);
    sqlite3_bind_int64(q, 4, area);
    if ((e = gr_sq_done(st, q)))
        return e;
    return tally_add(st, topic_id, choices, area, +1);
}

enum gr_err gr_store_voted(struct gr_store *st, int64_t topic_id, const char *voter_key,
                           bool *voted, int64_t *cast_by, bool *on_paper)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT cast_by, channel FROM voters WHERE topic_id = ? AND voter_key = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    gr_sq_bind_text(q, 2, voter_key);
    int rc = sqlite3_step(q);
    *voted = rc == SQLITE_ROW;
    *cast_by = *voted ? sqlite3_column_int64(q, 0) : 0;
    *on_paper = *voted && strcmp(gr_sq_text(q, 1), "paper") == 0;
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_ballot_of(struct gr_store *st, int64_t topic_id, const char *slot,
                               char **choices)
{
    *choices = NULL;
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT choices FROM ballots WHERE topic_id = ? AND "
                                        "slot = ? ORDER BY seq DESC LIMIT 1");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    gr_sq_bind_text(q, 2, slot);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *choices = gr_strdup(gr_sq_text(q, 0));
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_tally(struct gr_store *st, int64_t topic_id, int64_t *count, int64_t *area,
                           int n_options, int64_t *voted, int64_t *voted_area)
{
    for (int i = 0; i < n_options; i++)
        count[i] = area[i] = 0;
    *voted = *voted_area = 0;
    sqlite3_stmt *q =
        gr_sq_prepare(st, "SELECT option, count, area FROM tallies WHERE topic_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t o = sqlite3_column_int64(q, 0);
        if (o == -1) {
            *voted = sqlite3_column_int64(q, 1);
            *voted_area = sqlite3_column_int64(q, 2);
        } else if (o >= 0 && o < n_options) {
            count[o] = sqlite3_column_int64(q, 1);
            area[o] = sqlite3_column_int64(q, 2);
        }
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? GR_OK : gr_sq_err(st, rc);
}

enum gr_err gr_store_ballot_digest(struct gr_store *st, int64_t topic_id, char out[65])
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT seq, slot, choices, area FROM ballots WHERE "
                                        "topic_id = ? ORDER BY seq");
    if (!q)
        return GR_EDB;
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        char line[256];
        int n =
            snprintf(line, sizeof(line), "%lld %s %s %lld\n", (long long)sqlite3_column_int64(q, 0),
                     gr_sq_text(q, 1), gr_sq_text(q, 2), (long long)sqlite3_column_int64(q, 3));
        crypto_hash_sha256_update(
            &h, (const unsigned char *)line,
            (unsigned long long)(n < (int)sizeof(line) ? n : (int)sizeof(line) - 1));
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return gr_sq_err(st, rc);
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(out, 65, d, sizeof(d));
    return GR_OK;
}

enum gr_err gr_store_user_links(struct gr_store *st, int64_t user_id, int64_t *resident_id,
                                int64_t *household_id, bool *rep)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT resident_id, household_id, household_rep FROM users WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, user_id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *resident_id = sqlite3_column_int64(q, 0);
        *household_id = sqlite3_column_int64(q, 1);
        *rep = sqlite3_column_int(q, 2) != 0;
    }
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return GR_ENOTFOUND;
    return rc == SQLITE_ROW ? GR_OK : gr_sq_err(st, rc);
}

enum gr_err gr_store_user_link(struct gr_store *st, int64_t user_id, int64_t resident_id,
                               int64_t household_id, bool rep)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "UPDATE users SET resident_id = ?, household_id = ?, household_rep = ? WHERE id = ?");
    if (!q)
        return GR_EDB;
    gr_sq_bind_id(q, 1, resident_id);
    gr_sq_bind_id(q, 2, household_id);
    sqlite3_bind_int(q, 3, rep);
    sqlite3_bind_int64(q, 4, user_id);
    return gr_sq_done(st, q);
}

/* ---- implementation items and objections ---- */

enum gr_err gr_store_item_add(struct gr_store *st, int64_t topic_id, const char *title,
                              const char *due_on, int64_t *out_id)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO topic_items(topic_id, title, due_on, updated_at) VALUES (?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_int64(q, 1, topic_id);
    gr_sq_bind_text(q, 2, title);
    gr_sq_bind_text(q, 3, due_on);
    sqlite3_bind_text(q, 4, now, -1, SQLITE_TRANSIENT);
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        *out_id = sqlite3_last_insert_rowid(st->db);
    return e;
}

enum gr_err gr_store_item_progress(struct gr_store *st, int64_t topic_id, int64_t item_id,
                                   int progress, int64_t actor, const char *note)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "UPDATE topic_items SET progress = ?, updated_at = ? WHERE id = ? AND topic_id = ?");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_int(q, 1, progress);
    sqlite3_bind_text(q, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 3, item_id);
    sqlite3_bind_int64(q, 4, topic_id);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    if (sqlite3_changes(st->db) == 0)
        return GR_ENOTFOUND;
    char text[600];
    snprintf(text, sizeof(text), "item %lld: %d%%%s%s", (long long)item_id, progress,
             note ? " — " : "", note ? note : "");
    e = add_event(st, topic_id, actor, "progress", NULL, NULL, text);
    return e ? e : gr_store_topic_notify(st, topic_id, "topic_progress", text, actor);
}

enum gr_err gr_store_items(struct gr_store *st, int64_t topic_id, gr_item_fn fn, void *ctx)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT id, topic_id, title, due_on, updated_at, "
                                        "progress FROM topic_items WHERE topic_id = ? ORDER BY id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_topic_item it = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                                   gr_sq_text(q, 2),           gr_sq_text(q, 3),
                                   gr_sq_text(q, 4),           sqlite3_column_int(q, 5)};
        if (fn(ctx, &it))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_item_get(struct gr_store *st, int64_t topic_id, int64_t item_id)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT 1 FROM topic_items WHERE id = ? AND topic_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, item_id);
    sqlite3_bind_int64(q, 2, topic_id);
    return exists(st, q);
}

enum gr_err gr_store_objection_add(struct gr_store *st, int64_t topic_id, int64_t author,
                                   const char *body, int64_t *out_id)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "INSERT INTO objections(topic_id, author_user_id, body, "
                                        "created_at) VALUES (?, ?, ?, ?)");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_int64(q, 1, topic_id);
    sqlite3_bind_int64(q, 2, author);
    gr_sq_bind_text(q, 3, body);
    sqlite3_bind_text(q, 4, now, -1, SQLITE_TRANSIENT);
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        *out_id = sqlite3_last_insert_rowid(st->db);
    return e;
}

enum gr_err gr_store_objection_answer(struct gr_store *st, int64_t topic_id, int64_t id, int64_t by,
                                      const char *answer)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT answer IS NOT NULL FROM objections WHERE id = ? AND topic_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, topic_id);
    int rc = sqlite3_step(q);
    int answered = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_reset(q);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? GR_ENOTFOUND : gr_sq_err(st, rc);
    if (answered)
        return GR_ECONFLICT;
    q = gr_sq_prepare(st, "UPDATE objections SET answer = ?, answered_by = ?, answered_at = ? "
                          "WHERE id = ?");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    gr_sq_bind_text(q, 1, answer);
    sqlite3_bind_int64(q, 2, by);
    sqlite3_bind_text(q, 3, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 4, id);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_objections(struct gr_store *st, int64_t topic_id, gr_objection_fn fn,
                                void *ctx, int *open)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT id, topic_id, author_user_id, coalesce(answered_by, 0), body, answer, "
            "created_at, answered_at FROM objections WHERE topic_id = ? ORDER BY id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    *open = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_objection o = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                                 sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3),
                                 gr_sq_text(q, 4),           gr_sq_text(q, 5),
                                 gr_sq_text(q, 6),           gr_sq_text(q, 7)};
        if (!o.answer)
            (*open)++;
        if (fn && fn(ctx, &o))
            fn = NULL; /* keep counting */
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? GR_OK : gr_sq_err(st, rc);
}

/* ---- opinion edits, reports, moderation; participation ---- */

enum gr_err gr_store_opinion_edit(struct gr_store *st, int64_t topic_id, int64_t id, int64_t author,
                                  const char *body)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO opinion_versions(opinion_id, version, body, replaced_at) SELECT id, "
            "version, body, ? FROM opinions WHERE id = ? AND topic_id = ? AND author_user_id = ?");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_text(q, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, id);
    sqlite3_bind_int64(q, 3, topic_id);
    sqlite3_bind_int64(q, 4, author);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    if (sqlite3_changes(st->db) == 0)
        return GR_ENOTFOUND;
    q = gr_sq_prepare(st, "UPDATE opinions SET body = ?, version = version + 1, updated_at = ? "
                          "WHERE id = ?");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, body);
    sqlite3_bind_text(q, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 3, id);
    return gr_sq_done(st, q);
}

static enum gr_err set_hidden(struct gr_store *st, int64_t id, bool hide)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "UPDATE opinions SET hidden = ? WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int(q, 1, hide);
    sqlite3_bind_int64(q, 2, id);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_opinion_report(struct gr_store *st, int64_t topic_id, int64_t id, int64_t user,
                                    const char *reason, int hide_at, bool *hidden)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO opinion_reports(opinion_id, user_id, reason, at) SELECT id, ?, ?, ? "
            "FROM opinions WHERE id = ? AND topic_id = ?");
    if (!q)
        return GR_EDB;
    char now[32];
    gr_sq_now(now, sizeof(now));
    sqlite3_bind_int64(q, 1, user);
    gr_sq_bind_text(q, 2, reason);
    sqlite3_bind_text(q, 3, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 4, id);
    sqlite3_bind_int64(q, 5, topic_id);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return GR_ECONFLICT;
    if (rc != SQLITE_DONE)
        return gr_sq_err(st, rc);
    if (sqlite3_changes(st->db) == 0)
        return GR_ENOTFOUND;
    q = gr_sq_prepare(st, "SELECT count(*) FROM opinion_reports WHERE opinion_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, id);
    int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    sqlite3_reset(q);
    *hidden = n >= hide_at;
    if (n == hide_at) {
        enum gr_err e = set_hidden(st, id, true);
        if (e)
            return e;
        char note[96];
        snprintf(note, sizeof(note), "opinion %lld hidden after %d reports", (long long)id, n);
        return add_event(st, topic_id, 0, "hide_opinion", NULL, NULL, note);
    }
    return GR_OK;
}

enum gr_err gr_store_opinion_moderate(struct gr_store *st, int64_t topic_id, int64_t id, bool hide,
                                      int64_t actor, const char *reason)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT 1 FROM opinions WHERE id = ? AND topic_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, topic_id);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? GR_ENOTFOUND : gr_sq_err(st, rc);
    enum gr_err e = set_hidden(st, id, hide);
    if (e)
        return e;
    char note[640];
    snprintf(note, sizeof(note), "opinion %lld: %s", (long long)id, reason);
    return add_event(st, topic_id, actor, hide ? "hide_opinion" : "restore_opinion", NULL, NULL,
                     note);
}

enum gr_err gr_store_participation(struct gr_store *st, int64_t user_id, int64_t household_id,
                                   gr_participation_fn fn, void *ctx)
{
    /* A person: what the account did, and the meetings it (or the resident it stands for)
     * attended. A household: the ballots cast in its name and the meetings its residents
     * attended. */
    char key[32];
    snprintf(key, sizeof(key), "h:%lld", (long long)household_id);
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT 'opinion', o.topic_id, t.title, o.created_at, NULL, 0 FROM opinions o JOIN "
            "topics t ON t.id = o.topic_id WHERE o.author_user_id = ?1 "
            "UNION ALL SELECT 'vote', v.topic_id, t.title, v.voted_at, v.channel, 0 FROM voters "
            "v JOIN topics t ON t.id = v.topic_id WHERE (v.cast_by = ?1 AND v.channel = "
            "'online') OR v.voter_key = ?2 "
            "UNION ALL SELECT 'objection', b.topic_id, t.title, b.created_at, NULL, 0 FROM "
            "objections b JOIN topics t ON t.id = b.topic_id WHERE b.author_user_id = ?1 "
            "UNION ALL SELECT 'attendance', m.topic_id, t.title, m.held_at, NULL, m.id FROM "
            "meetings m JOIN topics t ON t.id = m.topic_id WHERE m.id IN (SELECT meeting_id "
            "FROM meeting_attendees WHERE user_id = ?1 OR resident_id = (SELECT resident_id "
            "FROM users WHERE id = ?1) OR resident_id IN (SELECT id FROM residents WHERE "
            "household_id = ?3)) "
            "ORDER BY 4");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, user_id ? user_id : -1);
    sqlite3_bind_text(q, 2, household_id ? key : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 3, household_id ? household_id : -1);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_participation p = {gr_sq_text(q, 0), sqlite3_column_int64(q, 1),
                                     gr_sq_text(q, 2), gr_sq_text(q, 3),
                                     gr_sq_text(q, 4), sqlite3_column_int64(q, 5)};
        if (fn(ctx, &p))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

/* ---- invited organisations ---- */

enum gr_err gr_store_topic_orgs_set(struct gr_store *st, int64_t topic_id, const int64_t *orgs,
                                    size_t n, int64_t actor)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "DELETE FROM topic_orgs WHERE topic_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    enum gr_err e = gr_sq_done(st, q);
    if (e)
        return e;
    q = gr_sq_prepare(st, "INSERT OR IGNORE INTO topic_orgs(topic_id, org_id) VALUES (?, ?)");
    if (!q)
        return GR_EDB;
    struct gr_buf note;
    gr_buf_init(&note, 4096);
    gr_buf_adds(&note, "organisations:");
    for (size_t i = 0; !e && i < n; i++) {
        sqlite3_bind_int64(q, 1, topic_id);
        sqlite3_bind_int64(q, 2, orgs[i]);
        e = gr_sq_done(st, q);
        gr_buf_printf(&note, " %lld", (long long)orgs[i]);
    }
    if (!e)
        e = add_event(st, topic_id, actor, "invite", NULL, NULL, n ? note.data : "none");
    gr_buf_cleanup(&note);
    return e;
}

enum gr_err gr_store_topic_orgs(struct gr_store *st, int64_t topic_id, gr_topic_org_fn fn,
                                void *ctx)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT t.org_id, coalesce(o.name, '') FROM topic_orgs t LEFT JOIN organisations o ON "
            "o.id = t.org_id WHERE t.topic_id = ? ORDER BY t.org_id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(q, 0), gr_sq_text(q, 1)))
            break;
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_topic_invites(struct gr_store *st, int64_t topic_id, const int64_t *orgs,
                                   size_t n, bool *invited)
{
    *invited = false;
    sqlite3_stmt *q =
        gr_sq_prepare(st, "SELECT 1 FROM topic_orgs WHERE topic_id = ? AND org_id = ?");
    if (!q)
        return GR_EDB;
    enum gr_err e = GR_ENOTFOUND;
    for (size_t i = 0; e == GR_ENOTFOUND && i < n; i++) {
        sqlite3_bind_int64(q, 1, topic_id);
        sqlite3_bind_int64(q, 2, orgs[i]);
        e = exists(st, q);
    }
    *invited = e == GR_OK;
    return e == GR_ENOTFOUND ? GR_OK : e;
}

/* ---- followers and their notifications ---- */

enum gr_err gr_store_topic_follow(struct gr_store *st, int64_t topic_id, int64_t user_id, bool on)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, on ? "INSERT OR IGNORE INTO topic_followers(topic_id, user_id, since) VALUES (?, ?, "
                 "CAST(strftime('%s', 'now') AS INTEGER))"
               : "DELETE FROM topic_followers WHERE topic_id = ? AND user_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    sqlite3_bind_int64(q, 2, user_id);
    return gr_sq_done(st, q);
}

enum gr_err gr_store_topic_followers(struct gr_store *st, int64_t topic_id, int64_t user_id,
                                     int *count, bool *following)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT count(*), coalesce(sum(user_id = ?), 0) FROM "
                                        "topic_followers WHERE topic_id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, user_id);
    sqlite3_bind_int64(q, 2, topic_id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *count = sqlite3_column_int(q, 0);
        *following = sqlite3_column_int(q, 1) != 0;
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? GR_OK : gr_sq_err(st, rc);
}

enum gr_err gr_store_topic_notify(struct gr_store *st, int64_t topic_id, const char *kind,
                                  const char *note, int64_t except)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "INSERT INTO notifications(target, topic_id, kind, at, note) SELECT 'u:' || "
            "user_id, topic_id, ?, CAST(strftime('%s', 'now') AS INTEGER), ? FROM "
            "topic_followers WHERE topic_id = ? AND user_id <> ?");
    if (!q)
        return GR_EDB;
    gr_sq_bind_text(q, 1, kind);
    gr_sq_bind_text(q, 2, note);
    sqlite3_bind_int64(q, 3, topic_id);
    sqlite3_bind_int64(q, 4, except);
    return gr_sq_done(st, q);
}

/* ---- photos of topics and their items ---- */

enum gr_err gr_store_topic_photo_add(struct gr_store *st, const struct gr_topic_photo *p, int max,
                                     int64_t *out_id)
{
    /* Counted and added in the caller's write transaction: concurrent uploads stop at max. */
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT count(*) FROM photos WHERE topic_id = ? AND "
                                        "coalesce(item_id, 0) = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, p->topic_id);
    sqlite3_bind_int64(q, 2, p->item_id);
    int rc = sqlite3_step(q);
    int n = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    sqlite3_reset(q);
    if (rc != SQLITE_ROW)
        return gr_sq_err(st, rc);
    if (n >= max)
        return GR_ECONFLICT;
    q = gr_sq_prepare(st, "INSERT INTO photos(topic_id, item_id, mime, bytes, size, sha256, "
                          "public, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, p->topic_id);
    gr_sq_bind_id(q, 2, p->item_id);
    gr_sq_bind_text(q, 3, p->mime);
    sqlite3_bind_blob64(q, 4, p->bytes, (sqlite3_uint64)p->size, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, p->size);
    gr_sq_bind_text(q, 6, p->sha256);
    gr_sq_bind_id(q, 7, p->uploaded_by);
    sqlite3_bind_int64(q, 8, p->created_at);
    enum gr_err e = gr_sq_done(st, q);
    if (!e)
        *out_id = sqlite3_last_insert_rowid(st->db);
    return e;
}

enum gr_err gr_store_topic_photos(struct gr_store *st, int64_t topic_id, gr_topic_photo_fn fn,
                                  void *ctx)
{
    sqlite3_stmt *q = gr_sq_prepare(
        st, "SELECT id, topic_id, coalesce(item_id, 0), coalesce(uploaded_by, 0), created_at, "
            "size, mime, sha256 FROM photos WHERE topic_id = ? ORDER BY id");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, topic_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct gr_topic_photo p = {
            .id = sqlite3_column_int64(q, 0),
            .topic_id = sqlite3_column_int64(q, 1),
            .item_id = sqlite3_column_int64(q, 2),
            .uploaded_by = sqlite3_column_int64(q, 3),
            .created_at = sqlite3_column_int64(q, 4),
            .size = sqlite3_column_int64(q, 5),
            .mime = gr_sq_text(q, 6),
            .sha256 = gr_sq_text(q, 7),
        };
        if (fn(ctx, &p))
            break;
    }
    return gr_sq_each_end(st, q, rc);
}

enum gr_err gr_store_photo_topic(struct gr_store *st, int64_t photo_id, int64_t *topic_id)
{
    sqlite3_stmt *q = gr_sq_prepare(st, "SELECT coalesce(topic_id, 0) FROM photos WHERE id = ?");
    if (!q)
        return GR_EDB;
    sqlite3_bind_int64(q, 1, photo_id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *topic_id = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return GR_ENOTFOUND;
    return rc == SQLITE_ROW ? GR_OK : gr_sq_err(st, rc);
}
