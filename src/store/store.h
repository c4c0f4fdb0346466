/*
 * store.h - the one storage interface. Back ends: sqlite/ (the default); postgres/ later.
 *
 * A struct gr_store is one connection, used by one thread at a time. All SQL lives
 * behind this header. Strings handed out by single reads (gr_store_get, users, topics,
 * rules) stay valid until gr_store_release; those handed to a list's callback only during
 * the call. No read stays open between calls (an open read would pin an old snapshot).
 */
#ifndef GR_STORE_H
#define GR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../core/access.h"
#include "../core/schema.h"

struct gr_store;

/* Open (and with create, make) the database at path, apply pending migrations.
 * Returns GR_ENOTFOUND when the file is missing and create is false. */
enum gr_err gr_store_open(const char *path, bool create, struct gr_store **out);
void gr_store_close(struct gr_store *st);
/* Detail of the last failure on st (static storage of st), for logs and CLI errors. */
const char *gr_store_errmsg(const struct gr_store *st);
/* The schema version after migrations. */
int gr_store_schema_version(struct gr_store *st);

/* End of a unit of work (a request, a command): resets open statements so that no read
 * snapshot outlives it. Strings handed out earlier become invalid. */
void gr_store_release(struct gr_store *st);

enum gr_err gr_store_begin(struct gr_store *st);
enum gr_err gr_store_commit(struct gr_store *st);
/* End the current transaction by its outcome: commit when e is GR_OK (answering the
 * commit's own result), else roll back and answer e. */
enum gr_err gr_store_end(struct gr_store *st, enum gr_err e);
void gr_store_rollback(struct gr_store *st);
/* A savepoint inside the current transaction (the group commit runs each request's writes
 * in one): end it keeping its writes, or undoing them. */
enum gr_err gr_store_savepoint(struct gr_store *st);
enum gr_err gr_store_savepoint_end(struct gr_store *st, bool keep);
/* Bulk mode (demo, import): derived counters are not maintained row by row; call
 * gr_store_recount() or gr_store_recount_touched() before commit. Durability is the same
 * as ever: the one transaction is synced at commit. */
void gr_store_bulk(struct gr_store *st, bool on);

/* WAL checkpoints. By default a connection checkpoints after its commits once the log
 * holds 1,000 pages; the server's writer turns that off (pages 0) so that its commits only
 * append and sync, and a checkpointer thread calls gr_store_checkpoint to copy the log into
 * the database. A passive checkpoint never waits for the writer, but under a steady stream
 * of commits it never catches up with the log's end either, and a log is only started over
 * from its beginning once all of it has been copied: with restart the checkpoint waits for
 * the writer's current transaction, copies the rest, and makes the writer's next commit
 * start the log over (the writer waits for it meanwhile: after a passive checkpoint, the
 * few pages written since and one sync). *log and *done: pages in the log and pages
 * copied. */
enum gr_err gr_store_autocheckpoint(struct gr_store *st, int pages);
/* Commits of this connection sync the log (the default) or not: the server's writer
 * leaves the sync to a thread of its own, which syncs the log file (gr_store_log_path)
 * before any answer of the batch goes out. */
enum gr_err gr_store_sync_commits(struct gr_store *st, bool sync);
const char *gr_store_log_path(struct gr_store *st);
enum gr_err gr_store_checkpoint(struct gr_store *st, bool restart, int *log, int *done);

/* Settings: small key/value text (level names, city profile). *out is malloc'd. */
enum gr_err gr_store_setting_get(struct gr_store *st, const char *key, char **out);
enum gr_err gr_store_setting_set(struct gr_store *st, const char *key, const char *value);

/* A record as read: vals has k->n_fields entries. */
struct gr_row {
    int64_t id;
    struct gr_anc anc;
    const struct gr_value *vals;
    const char *updated_at;
};

/* Create a record. id 0 picks a new id; a positive id is kept (import round-trips).
 * Derives the ancestor ids from the scope parent, checks that every reference exists
 * (and that node references have the required level) and that unique fields are unique.
 * On GR_EINVAL / GR_ECONFLICT / GR_ENOTFOUND *ve names the field. */
enum gr_err gr_store_insert(struct gr_store *st, const struct gr_kind *k, int64_t id,
                            const struct gr_value *vals, int64_t *out_id, struct gr_verr *ve);
/* Change the present values of record id. */
enum gr_err gr_store_update(struct gr_store *st, const struct gr_kind *k, int64_t id,
                            const struct gr_value *vals, struct gr_verr *ve);
/* Delete record id; GR_ECONFLICT when other records still refer to it. */
enum gr_err gr_store_delete(struct gr_store *st, const struct gr_kind *k, int64_t id);
enum gr_err gr_store_get(struct gr_store *st, const struct gr_kind *k, int64_t id,
                         struct gr_row *row);
/* Ancestors of a record without reading the rest of it. */
enum gr_err gr_store_anc(struct gr_store *st, const struct gr_kind *k, int64_t id,
                         struct gr_anc *anc);

/* One subtree term: records whose ancestor at level equals id. */
struct gr_scope {
    enum gr_level level;
    int64_t id;
};

#define GR_MAX_FILTERS 8
#define GR_MAX_SCOPES GR_MAX_GRANTS

struct gr_query {
    /* Access: unrestricted, or the union of scopes (none at all means nothing). */
    bool all;
    size_t n_scopes;
    struct gr_scope scopes[GR_MAX_SCOPES];
    /* Subtree filter (0 = none): records under this node. */
    struct gr_scope under;
    /* Equality filters on fields (index into k->fields, value). */
    size_t n_filters;
    int filter_field[GR_MAX_FILTERS];
    struct gr_value filter_value[GR_MAX_FILTERS];
    /* Text search over the kind's GR_FF_SEARCH fields (substring), or NULL. When
     * search_personal is false, personal fields are not searched. */
    const char *q;
    size_t q_len;
    bool search_personal;
    /* Keyset pagination: ids greater than after, at most limit rows. */
    int64_t after;
    int limit;
};

/* Return non-zero to stop the listing early. */
typedef int (*gr_row_fn)(void *ctx, const struct gr_row *row);

/* Rows of kind k matching q, ordered by id; *more is set when rows remain past limit. */
enum gr_err gr_store_list(struct gr_store *st, const struct gr_kind *k, const struct gr_query *q,
                          gr_row_fn fn, void *ctx, bool *more);

/* Administrative boundaries. The GeoJSON text is kept as given; the packed shape (see
 * gr_shape_pack) feeds the locate index. center is the label point. */
enum gr_err gr_store_node_boundary_set(struct gr_store *st, int64_t node_id, const char *geojson,
                                       const void *shape, size_t shape_len, double center_lat,
                                       double center_lon);
/* *geojson is malloc'd, NULL when the node has no boundary. */
enum gr_err gr_store_node_boundary_get(struct gr_store *st, int64_t node_id, char **geojson);
typedef int (*gr_shape_fn)(void *ctx, int64_t node_id, const void *shape, size_t len);
/* Every node of a level that has a boundary (for the locate index). */
enum gr_err gr_store_each_shape(struct gr_store *st, enum gr_level level, gr_shape_fn fn,
                                void *ctx);

/* Boundaries of the nodes of a level under a node (for maps), by id, at most limit. */
typedef int (*gr_boundary_fn)(void *ctx, int64_t id, const char *code, const char *name,
                              const char *geojson);
enum gr_err gr_store_each_boundary(struct gr_store *st, struct gr_scope under, enum gr_level level,
                                   int limit, gr_boundary_fn fn, void *ctx);

/* Coverage of a node's subtree ("纵向到底、横向到边"). */
struct gr_coverage {
    int64_t grids, grids_with_branch, grids_with_worker;
    int64_t buildings, buildings_with_leader;
    int64_t units, units_with_leader;
    int64_t households, households_linked;
    int64_t links, members_linking;
    int64_t party_members, grid_workers;
};
enum gr_err gr_store_coverage(struct gr_store *st, enum gr_level level, int64_t node_id,
                              struct gr_coverage *out);

enum gr_gap_kind {
    GR_GAP_GRID_NO_BRANCH = 1,
    GR_GAP_GRID_NO_WORKER = 2,
    GR_GAP_BUILDING_NO_LEADER = 3,
    GR_GAP_UNIT_NO_LEADER = 4
};
struct gr_gap {
    enum gr_gap_kind kind;
    int64_t id;       /* the grid, building or unit */
    const char *name; /* its name or number */
    int64_t grid_id;
    const char *grid_name;
    int64_t building_id; /* for units */
    const char *building_number;
};
typedef int (*gr_gap_fn)(void *ctx, const struct gr_gap *gap);
/* Gaps under a node, grids first, then buildings, then units; at most limit. */
enum gr_err gr_store_gaps(struct gr_store *st, enum gr_level level, int64_t node_id, int limit,
                          gr_gap_fn fn, void *ctx);
/* Totals of each gap kind (indexed by gr_gap_kind - 1). */
enum gr_err gr_store_gap_totals(struct gr_store *st, enum gr_level level, int64_t node_id,
                                int64_t totals[4]);
/* Recompute the derived counters (has_leader, n_links, grid and community rollups) of a
 * subtree (node_id 0: everything). */
enum gr_err gr_store_recount(struct gr_store *st, enum gr_level level, int64_t node_id);
/* Recompute the counters of the grids and communities written to in bulk mode since the
 * last call (an import into one district recounts that district only). */
enum gr_err gr_store_recount_touched(struct gr_store *st);

/* Accounts. */
struct gr_user {
    int64_t id;
    const char *login;
    const char *name;
    const char *pw_hash;
    bool disabled;
};
enum gr_err gr_store_user_create(struct gr_store *st, const char *login, const char *name,
                                 const char *pw_hash, int64_t *out_id);
enum gr_err gr_store_user_by_login(struct gr_store *st, const char *login, struct gr_user *u);
enum gr_err gr_store_user_get(struct gr_store *st, int64_t id, struct gr_user *u);
enum gr_err gr_store_user_set_password(struct gr_store *st, int64_t id, const char *pw_hash);
typedef int (*gr_user_fn)(void *ctx, const struct gr_user *u, const struct gr_principal *grants);
/* Users with at least one grant inside q's scopes (or all), by id, keyset-paginated. */
enum gr_err gr_store_user_list(struct gr_store *st, const struct gr_query *q, gr_user_fn fn,
                               void *ctx, bool *more);
/* Add a grant: node_id or organisation_id (the other 0). */
enum gr_err gr_store_grant_add(struct gr_store *st, int64_t user_id, enum gr_role role,
                               int64_t node_id, int64_t organisation_id);
/* The user's grants, with their node levels resolved. */
enum gr_err gr_store_grants(struct gr_store *st, int64_t user_id, struct gr_principal *p);

/* A number that grows whenever accounts, grants or sessions change (counted when the
 * change commits, by any connection of this process): what a caller is may be cached
 * while it stays the same. */
uint64_t gr_store_auth_generation(void);

/* Sessions and API tokens are stored by the SHA-256 (hex) of their secret. */
enum gr_err gr_store_session_create(struct gr_store *st, const char *token_hash, int64_t user_id,
                                    const char *csrf, int64_t expires_at);
/* *csrf is a copy the caller frees. */
enum gr_err gr_store_session_get(struct gr_store *st, const char *token_hash, int64_t now,
                                 int64_t *user_id, char **csrf);
enum gr_err gr_store_session_delete(struct gr_store *st, const char *token_hash);
enum gr_err gr_store_token_create(struct gr_store *st, const char *token_hash, int64_t user_id,
                                  const char *name);
enum gr_err gr_store_token_get(struct gr_store *st, const char *token_hash, int64_t *user_id);

/* ---- Consultation (协商议事) ---- */

struct gr_topic {
    int64_t id;
    int64_t scope_node_id, scope_building_id, scope_unit_id; /* the latter two 0 if unset */
    struct gr_anc anc;
    const char *title, *body, *category; /* category may be NULL */
    int64_t proposer_user_id;
    const char *proposer_kind;
    int64_t proposer_org_id;
    const char *stage;
    int passed; /* -1 undecided, 0 not passed, 1 passed */
    const char *decision_text, *decision_person;
    int64_t decision_org_id;
    int64_t notice_ends_at; /* Unix seconds, 0 if unset */
    const char *tally_digest;
    const char *created_at, *updated_at;
    int64_t case_id; /* the case it was raised from (proposer_kind "case"), 0 if none */
};

/* Create a topic in stage proposed (ancestors from its scope node) with its first event. */
enum gr_err gr_store_topic_create(struct gr_store *st, const struct gr_topic *t, int64_t *out_id);
enum gr_err gr_store_topic_get(struct gr_store *st, int64_t id, struct gr_topic *t);
typedef int (*gr_topic_fn)(void *ctx, const struct gr_topic *t);
/* What else lets a caller see a topic, and the filters of a topic list. */
struct gr_topic_filter {
    const int64_t *also; /* scope nodes whose own topics are seen (a resident of a grid */
    size_t n_also;       /* sees the topics of the grid's community) */
    const int64_t *orgs; /* organisations the caller holds a grant on: topics inviting */
    size_t n_orgs;       /* one of them are seen too */
    const char *stage;   /* NULL: any */
    int64_t case_id;     /* 0: any; else only the topics raised from this case */
};
/* Topics within q's scopes or seen through f, with q->under, f's filters and
 * q->after/limit; by id. */
enum gr_err gr_store_topic_list(struct gr_store *st, const struct gr_query *q,
                                const struct gr_topic_filter *f, gr_topic_fn fn, void *ctx,
                                bool *more);
/* Move a topic from stage `from` to `to` if it is still in `from` (else GR_ECONFLICT),
 * appending the event and telling its followers (kind "topic_stage", note `to`). */
enum gr_err gr_store_topic_move(struct gr_store *st, int64_t id, const char *from, const char *to,
                                int64_t actor, const char *action, const char *note);
/* Record the decision (and its event, by actor); followers are told ("topic_decision"). */
enum gr_err gr_store_topic_decide(struct gr_store *st, int64_t id, const char *text, int64_t org_id,
                                  const char *person, int64_t actor);
enum gr_err gr_store_topic_outcome(struct gr_store *st, int64_t id, bool passed,
                                   const char *digest);
enum gr_err gr_store_topic_notice(struct gr_store *st, int64_t id, int64_t ends_at);

struct gr_topic_event {
    int64_t id;
    const char *at, *action, *from_stage, *to_stage, *note;
    int64_t actor_user_id;
};
typedef int (*gr_topic_event_fn)(void *ctx, const struct gr_topic_event *e);
enum gr_err gr_store_topic_events(struct gr_store *st, int64_t topic_id, gr_topic_event_fn fn,
                                  void *ctx);

struct gr_opinion {
    int64_t id, topic_id, parent_id, author_user_id;
    int depth, version;
    bool hidden;
    const char *stance, *body, *created_at, *updated_at;
    int64_t meeting_id;      /* said at this meeting of the topic, 0 if not */
    const char *author_name; /* read only: the account's name */
    bool author_official;    /* read only: the author holds a role of grid worker or above */
};
/* Add an opinion; depth is the parent's + 1 (GR_EINVAL past max_depth; GR_ENOTFOUND when
 * the parent is not an opinion of the same topic). The meeting is checked by the caller
 * (gr_store_meeting_get). */
enum gr_err gr_store_opinion_add(struct gr_store *st, const struct gr_opinion *o, int max_depth,
                                 int64_t *out_id);
typedef int (*gr_opinion_fn)(void *ctx, const struct gr_opinion *o);
enum gr_err gr_store_opinions(struct gr_store *st, int64_t topic_id, gr_opinion_fn fn, void *ctx);

struct gr_meeting {
    int64_t id, topic_id, created_by;
    const char *held_at, *place, *agenda, *minutes, *participants;
    int64_t attendance;
};
enum gr_err gr_store_meeting_add(struct gr_store *st, const struct gr_meeting *m, int64_t *out_id);
typedef int (*gr_meeting_fn)(void *ctx, const struct gr_meeting *m);
enum gr_err gr_store_meetings(struct gr_store *st, int64_t topic_id, gr_meeting_fn fn, void *ctx);
/* GR_OK when meeting_id is a meeting of the topic, else GR_ENOTFOUND. */
enum gr_err gr_store_meeting_get(struct gr_store *st, int64_t topic_id, int64_t meeting_id);
/* Replace who attended a meeting: accounts users[0..n_users) and residents
 * residents[0..n_residents) (each list without repeats). */
enum gr_err gr_store_meeting_attendees_set(struct gr_store *st, int64_t meeting_id,
                                           const int64_t *users, size_t n_users,
                                           const int64_t *residents, size_t n_residents);
/* The attendees of every meeting of a topic, by meeting, accounts first (one of user_id
 * and resident_id is 0). */
typedef int (*gr_attendee_fn)(void *ctx, int64_t meeting_id, int64_t user_id, int64_t resident_id);
enum gr_err gr_store_meeting_attendees(struct gr_store *st, int64_t topic_id, gr_attendee_fn fn,
                                       void *ctx);

/* The vote rule in its stored form: enum names and JSON texts as given. */
struct gr_vote_rule_row {
    const char *eligibility, *kind, *options, *pass, *voter_list;
    int max_choices, quorum_num, quorum_den;
    bool allow_change, live_results;
    int64_t opens_at, closes_at;
    int64_t eligible, eligible_area; /* frozen when voting opens; -1 before */
};
enum gr_err gr_store_vote_rule_set(struct gr_store *st, int64_t topic_id,
                                   const struct gr_vote_rule_row *r);
enum gr_err gr_store_vote_rule_get(struct gr_store *st, int64_t topic_id,
                                   struct gr_vote_rule_row *r);
/* Freeze the electorate when voting opens: every voter key of the eligibility under the
 * scope (residents "r:ID", households and owners "h:ID" with their floor area in 0.01 m²,
 * or the listed users "u:ID" given in list), and its count and area on the rule. */
enum gr_err gr_store_electorate_freeze(struct gr_store *st, int64_t topic_id,
                                       const char *eligibility, struct gr_scope scope,
                                       int64_t building_id, int64_t unit_id, const int64_t *list,
                                       size_t n_list);
/* Is voter_key in the frozen electorate, and with what area? GR_ENOTFOUND if not. */
enum gr_err gr_store_elector(struct gr_store *st, int64_t topic_id, const char *voter_key,
                             int64_t *area);

/* Cast (or, with replace, change) a ballot. voter_key names who voted (for turnout and one
 * vote each); slot (the keyed hash) joins the voter's ballots, whose choices ("0" or
 * "1,3") and area are appended to the log and added to the tally, the replaced ballot's
 * taken out. GR_ECONFLICT when the voter has voted and replace is false. */
enum gr_err gr_store_vote_cast(struct gr_store *st, int64_t topic_id, const char *voter_key,
                               const char *slot, const char *choices, int64_t area,
                               const char *channel, int64_t cast_by, bool replace);
/* Has voter_key voted, and which account cast it (the voter online, staff on paper)? */
enum gr_err gr_store_voted(struct gr_store *st, int64_t topic_id, const char *voter_key,
                           bool *voted, int64_t *cast_by, bool *on_paper);
/* The choices of the current ballot in a slot (malloc'd), or NULL. */
enum gr_err gr_store_ballot_of(struct gr_store *st, int64_t topic_id, const char *slot,
                               char **choices);
/* The running tally: counts and areas per option, ballots and their area. */
enum gr_err gr_store_tally(struct gr_store *st, int64_t topic_id, int64_t *count, int64_t *area,
                           int n_options, int64_t *voted, int64_t *voted_area);
/* SHA-256 (hex) over the ballot log of a topic in order: seq, slot, choices, area. */
enum gr_err gr_store_ballot_digest(struct gr_store *st, int64_t topic_id, char out[65]);
/* The account's link to the network: its resident, household and whether it represents
 * the household; and setting them. */
enum gr_err gr_store_user_links(struct gr_store *st, int64_t user_id, int64_t *resident_id,
                                int64_t *household_id, bool *rep);
enum gr_err gr_store_user_link(struct gr_store *st, int64_t user_id, int64_t resident_id,
                               int64_t household_id, bool rep);

/* Implementation items and objections. */
struct gr_topic_item {
    int64_t id, topic_id;
    const char *title, *due_on, *updated_at;
    int progress;
};
enum gr_err gr_store_item_add(struct gr_store *st, int64_t topic_id, const char *title,
                              const char *due_on, int64_t *out_id);
/* Set an item's progress (GR_ENOTFOUND if it is not the topic's) and append the update as
 * an event of the topic; followers are told ("topic_progress"). */
enum gr_err gr_store_item_progress(struct gr_store *st, int64_t topic_id, int64_t item_id,
                                   int progress, int64_t actor, const char *note);
typedef int (*gr_item_fn)(void *ctx, const struct gr_topic_item *it);
enum gr_err gr_store_items(struct gr_store *st, int64_t topic_id, gr_item_fn fn, void *ctx);
/* GR_OK when item_id is an item of the topic, else GR_ENOTFOUND. */
enum gr_err gr_store_item_get(struct gr_store *st, int64_t topic_id, int64_t item_id);

struct gr_objection {
    int64_t id, topic_id, author_user_id, answered_by;
    const char *body, *answer, *created_at, *answered_at;
};
enum gr_err gr_store_objection_add(struct gr_store *st, int64_t topic_id, int64_t author,
                                   const char *body, int64_t *out_id);
/* Answer an objection (GR_ENOTFOUND if not the topic's, GR_ECONFLICT if answered). */
enum gr_err gr_store_objection_answer(struct gr_store *st, int64_t topic_id, int64_t id, int64_t by,
                                      const char *answer);
typedef int (*gr_objection_fn)(void *ctx, const struct gr_objection *o);
enum gr_err gr_store_objections(struct gr_store *st, int64_t topic_id, gr_objection_fn fn,
                                void *ctx, int *open);

/* Opinions: edit by the author (the old text kept as a version), reports (one per user;
 * hidden automatically at hide_at reports), moderation (hide or restore, the reason in the
 * topic's events). */
enum gr_err gr_store_opinion_edit(struct gr_store *st, int64_t topic_id, int64_t id, int64_t author,
                                  const char *body);
/* GR_ECONFLICT when this user reported it already; *hidden says whether it is now hidden. */
enum gr_err gr_store_opinion_report(struct gr_store *st, int64_t topic_id, int64_t id, int64_t user,
                                    const char *reason, int hide_at, bool *hidden);
enum gr_err gr_store_opinion_moderate(struct gr_store *st, int64_t topic_id, int64_t id, bool hide,
                                      int64_t actor, const char *reason);

/* Participation of a person (an account) or a household: opinions written, ballots cast
 * (never their content), objections raised, meetings attended (by the account, by the
 * resident it stands for, or by the household's residents). */
struct gr_participation {
    const char *kind; /* "opinion", "vote", "objection", "attendance" */
    int64_t topic_id;
    const char *topic_title;
    const char *at;
    const char *channel; /* votes: "online" or "paper" */
    int64_t meeting_id;  /* attendance: the meeting */
};
typedef int (*gr_participation_fn)(void *ctx, const struct gr_participation *p);
enum gr_err gr_store_participation(struct gr_store *st, int64_t user_id, int64_t household_id,
                                   gr_participation_fn fn, void *ctx);

/* Invited stakeholder organisations: replace the list (an event "invite" by actor notes
 * it), list it by id with the organisations' names, and ask whether any of orgs[0..n) is
 * invited. */
enum gr_err gr_store_topic_orgs_set(struct gr_store *st, int64_t topic_id, const int64_t *orgs,
                                    size_t n, int64_t actor);
typedef int (*gr_topic_org_fn)(void *ctx, int64_t id, const char *name);
enum gr_err gr_store_topic_orgs(struct gr_store *st, int64_t topic_id, gr_topic_org_fn fn,
                                void *ctx);
enum gr_err gr_store_topic_invites(struct gr_store *st, int64_t topic_id, const int64_t *orgs,
                                   size_t n, bool *invited);

/* Followers: follow (on) or stop (idempotent); how many follow and whether user does.
 * gr_store_topic_notify adds a notification "u:ID" of kind (with note, about the topic) for
 * every follower but `except`, in the caller's transaction. */
enum gr_err gr_store_topic_follow(struct gr_store *st, int64_t topic_id, int64_t user_id, bool on);
enum gr_err gr_store_topic_followers(struct gr_store *st, int64_t topic_id, int64_t user_id,
                                     int *count, bool *following);
enum gr_err gr_store_topic_notify(struct gr_store *st, int64_t topic_id, const char *kind,
                                  const char *note, int64_t except);

/* Photos of a topic (item_id 0) and of its implementation items, in the photos table of
 * the cases. Add one unless its owner (the topic itself, or the item) holds max already
 * (GR_ECONFLICT); the bytes (size of them) are checked by the caller. */
struct gr_topic_photo {
    int64_t id, topic_id, item_id, uploaded_by, created_at, size;
    const char *mime, *sha256;
    const void *bytes; /* only to gr_store_topic_photo_add */
};
enum gr_err gr_store_topic_photo_add(struct gr_store *st, const struct gr_topic_photo *p, int max,
                                     int64_t *out_id);
typedef int (*gr_topic_photo_fn)(void *ctx, const struct gr_topic_photo *p);
/* Every photo of a topic, its own and its items', by id. */
enum gr_err gr_store_topic_photos(struct gr_store *st, int64_t topic_id, gr_topic_photo_fn fn,
                                  void *ctx);
/* The topic a photo belongs to (0 when it is a case's); GR_ENOTFOUND without the photo. */
enum gr_err gr_store_photo_topic(struct gr_store *st, int64_t photo_id, int64_t *topic_id);

/* ---- Cases (案件) and the responsibility list ---- */

struct gr_category_row {
    const char *code, *parent, *kind, *name, *name_en;
};
enum gr_err gr_store_category_put(struct gr_store *st, const struct gr_category_row *c);
typedef int (*gr_category_fn)(void *ctx, const struct gr_category_row *c);
enum gr_err gr_store_categories(struct gr_store *st, gr_category_fn fn, void *ctx);
enum gr_err gr_store_power_type_put(struct gr_store *st, const char *code, const char *name,
                                    const char *name_en, int ord);
typedef int (*gr_power_type_fn)(void *ctx, const char *code, const char *name, const char *name_en);
enum gr_err gr_store_power_types(struct gr_store *st, gr_power_type_fn fn, void *ctx);

/* Versions of the list. A new draft starts as a copy of the newest version (or empty). */
enum gr_err gr_store_matter_draft(struct gr_store *st, int *version);
struct gr_matter_list {
    int version;
    const char *status;
    int64_t effective_at, published_at, published_by;
    int64_t n_matters;
};
typedef int (*gr_matter_list_fn)(void *ctx, const struct gr_matter_list *l);
enum gr_err gr_store_matter_lists(struct gr_store *st, gr_matter_list_fn fn, void *ctx);
/* Publish a draft, effective from effective_at (GR_ECONFLICT if it is not a draft,
 * GR_EINVAL if it has no matters). */
enum gr_err gr_store_matter_publish(struct gr_store *st, int version, int64_t effective_at,
                                    int64_t by);
/* The version cases submitted at `now` route under: the newest published one in effect;
 * GR_ENOTFOUND when none is. */
enum gr_err gr_store_matter_current(struct gr_store *st, int64_t now, int *version);
struct gr_matter;
/* Add or replace a matter of a draft version (GR_ECONFLICT when the version is published,
 * GR_ENOTFOUND when its category or power type is unknown: *field names it). */
enum gr_err gr_store_matter_put(struct gr_store *st, int version, const struct gr_matter *m,
                                const char **field);
enum gr_err gr_store_matter_delete(struct gr_store *st, int version, const char *code);
enum gr_err gr_store_matter_get(struct gr_store *st, int version, const char *code,
                                struct gr_matter *m);
typedef int (*gr_matter_fn)(void *ctx, const struct gr_matter *m);
/* The matters of a version by code, those after `after` (NULL: from the start). */
enum gr_err gr_store_matters(struct gr_store *st, int version, const char *after, int limit,
                             gr_matter_fn fn, void *ctx, bool *more);

/* The working calendar: the exceptions and the working periods ("08:30-12:00,14:00-17:30").
 * gr_store_calendar answers a calendar cached by the connection (valid until the next
 * change of the calendar by this process). */
struct gr_calendar;
enum gr_err gr_store_calendar(struct gr_store *st, const struct gr_calendar **cal);
enum gr_err gr_store_calendar_day_set(struct gr_store *st, const char *day, const char *kind,
                                      const char *name);
enum gr_err gr_store_calendar_day_delete(struct gr_store *st, const char *day);

/* A case as stored. Moments are Unix seconds, 0 when unset; texts NULL when unset. */
struct gr_case {
    int64_t id;
    const char *status, *channel;
    int matter_version;
    const char *matter_code, *category_code;
    const char *description, *address;
    bool has_point;
    double lat, lon;
    int64_t building_id, unit_id;
    struct gr_anc anc; /* city … grid of the case's grid */
    const char *owner_level;
    int64_t owner_node_id, owner_org_id;
    int64_t requester_user_id;
    const char *requester_name, *requester_phone, *requester_email;
    bool anonymous, urgent;
    int64_t api_key_id;
    const char *token;
    int64_t created_at, updated_at;
    const char *day;
    int64_t respond_due, resolve_due, first_due;
    int64_t accepted_at, dispatched_at, responded_at, resolved_at, closed_at;
    int alarm;
    int escalations, reworks, extensions, reopens;
    int64_t extension_asked;
    const char *hold_review;
    int64_t merged_into;
    const char *rated_resolved, *rated_satisfaction, *rated_comment;
    int64_t rated_at;
    const char *public_note;
    bool was_overdue;
};

struct gr_case_event {
    int64_t id, case_id, at, actor_user_id;
    const char *action, *from_status, *to_status, *note, *data;
    bool public;
};

/* Notifications written with a change: target ("n:ID", "o:ID", "u:ID") and kind. */
struct gr_notice {
    char target[24];
    const char *kind;
};
#define GR_MAX_NOTICES 6

/* Create a case (c->id 0: a new id) with its first event and rollups and notices;
 * c->created_at and c->day must be set. */
enum gr_err gr_store_case_create(struct gr_store *st, const struct gr_case *c,
                                 const struct gr_case_event *ev, const struct gr_notice *nt,
                                 size_t n_nt, int64_t *out_id);
enum gr_err gr_store_case_get(struct gr_store *st, int64_t id, struct gr_case *c);
/* Write a change: the case's new row if it is still as `before` left it (same status and
 * updated_at, else GR_ECONFLICT), the event, the rollup deltas of every subject, and the
 * notices. What a case is about never changes: its place, matter, description, requester,
 * channel and submission are kept as created (only `after`'s workflow columns are written). */
enum gr_err gr_store_case_update(struct gr_store *st, const struct gr_case *before,
                                 const struct gr_case *after, const struct gr_case_event *ev,
                                 const struct gr_notice *nt, size_t n_nt);
typedef int (*gr_case_event_fn)(void *ctx, const struct gr_case_event *e);
enum gr_err gr_store_case_events(struct gr_store *st, int64_t case_id, gr_case_event_fn fn,
                                 void *ctx);
/* Bulk loads of history (the demo, imports): append events ev[0..n) to case_id as they
 * happened, after the case was created in its final state with its first event. Writes
 * nothing else: no row, no rollups (recount them), no notices. The texts are bound without
 * a copy (they must stay valid during the call). */
enum gr_err gr_store_case_events_add(struct gr_store *st, int64_t case_id,
                                     const struct gr_case_event *ev, size_t n);
/* The case a token stands for (tokens are unique; Open311's tokens/{token}), its texts in
 * the store's arena as with gr_store_case_get. GR_ENOTFOUND when no case has it (or token
 * is NULL). */
enum gr_err gr_store_case_by_token(struct gr_store *st, const char *token, struct gr_case *c);
/* The events of every case with from <= at < to (only public ones with public_only), by id
 * ascending after after_id, at most limit; *more says whether others follow (page on with
 * the last id given). The event's texts are valid during fn only; fn returns nonzero to
 * stop. Public events are found by an index on time; all events are read by id from
 * after_id with the time tested on each, a walk of the table when few are in the window.
 * GR_EINVAL when limit < 0. */
enum gr_err gr_store_case_events_between(struct gr_store *st, int64_t from, int64_t to,
                                         bool public_only, int64_t after_id, int limit,
                                         gr_case_event_fn fn, void *ctx, bool *more);

struct gr_case_query {
    struct gr_query q;  /* access scopes, under, after/limit (newest first: ids below
                           after when after > 0); with no scope and no department, access is
                           the requester's own cases (requester_user_id), or nothing */
    const char *status; /* NULL: any */
    int64_t owner_org_id;
    int64_t requester_user_id;
    const char *category_code, *matter_code;
    int64_t from, to;   /* created_at within [from, to), 0: open-ended */
    bool overdue_first; /* inbox order: red, yellow, then by deadline */
    int64_t also_org;   /* with scopes: also the cases this department owns or is summoned
                           on */
};
typedef int (*gr_case_fn)(void *ctx, const struct gr_case *c);
enum gr_err gr_store_cases(struct gr_store *st, const struct gr_case_query *cq, gr_case_fn fn,
                           void *ctx, bool *more);
/* Open cases of a category in a community within `meters` of a point, submitted after
 * `since`, nearest first, at most limit (possible duplicates of a new report). */
enum gr_err gr_store_cases_near(struct gr_store *st, int64_t community_id, const char *category,
                                double lat, double lon, double meters, int64_t since, int limit,
                                gr_case_fn fn, void *ctx);
/* The sweep: cases accepted, dispatched or in progress with this alarm whose deadline
 * (resolve_due) is before `before`, in order of (deadline, id) after (after_due,
 * after_id). Read from an index of exactly those cases by alarm and deadline, which holds
 * what the sweep decides by (the matter), so that a sweep reads neither every open case
 * nor the rows of those it passes over. The code lives until fn returns. */
struct gr_case_due {
    int64_t id, resolve_due;
    int matter_version;
    const char *matter_code;
};
typedef int (*gr_case_due_fn)(void *ctx, const struct gr_case_due *c);
enum gr_err gr_store_cases_due(struct gr_store *st, int alarm, int64_t before, int64_t after_due,
                               int64_t after_id, int limit, gr_case_due_fn fn, void *ctx);

/* 吹哨报到: summoned departments. */
struct gr_case_task {
    int64_t id, case_id, org_id, summoned_by;
    int64_t summoned_at, report_due, reported_at, handle_due, done_at;
    bool late;
    const char *org_name;
};
/* GR_ECONFLICT when the department is summoned on the case already. */
enum gr_err gr_store_task_add(struct gr_store *st, const struct gr_case_task *t, int64_t *out_id);
/* Report in (late when after report_due) or finish the task of org on a case:
 * GR_ENOTFOUND when org has none, GR_ECONFLICT when done already. */
enum gr_err gr_store_task_report(struct gr_store *st, int64_t case_id, int64_t org_id, int64_t at,
                                 bool *late);
enum gr_err gr_store_task_done(struct gr_store *st, int64_t case_id, int64_t org_id, int64_t at);
typedef int (*gr_task_fn)(void *ctx, const struct gr_case_task *t);
enum gr_err gr_store_tasks(struct gr_store *st, int64_t case_id, gr_task_fn fn, void *ctx,
                           int *open);

/* Photos: bytes checked by the caller. */
struct gr_photo {
    int64_t id, case_id, event_id, uploaded_by, created_at, size;
    const char *mime, *sha256;
    bool public;
    const void *bytes; /* only from gr_store_photo_get */
};
enum gr_err gr_store_photo_add(struct gr_store *st, const struct gr_photo *p, int64_t *out_id);
enum gr_err gr_store_photo_get(struct gr_store *st, int64_t id, struct gr_photo *p);
enum gr_err gr_store_photo_public(struct gr_store *st, int64_t id, bool public);
typedef int (*gr_photo_fn)(void *ctx, const struct gr_photo *p);
enum gr_err gr_store_photos(struct gr_store *st, int64_t case_id, gr_photo_fn fn, void *ctx,
                            int *count);

/* Notifications for any of targets[0..n), newest first, ids below before (0: newest). */
struct gr_notification {
    int64_t id, case_id, at;
    const char *target, *kind, *note;
    int64_t topic_id; /* a topic's notification (then case_id is 0), else 0 */
};
typedef int (*gr_notification_fn)(void *ctx, const struct gr_notification *n);
enum gr_err gr_store_notifications(struct gr_store *st, const char *const *targets, size_t n,
                                   int64_t before, int limit, gr_notification_fn fn, void *ctx,
                                   bool *more);

/* The figures: the rollup counters (enum gr_fig order) of a subject ("n:ID", "o:ID",
 * "m:CODE") summed over submission days [from_day, to_day] ("YYYY-MM-DD"). The rollups of
 * a transaction's changes are written at its commit: a read inside it does not see them. */
enum gr_err gr_store_figures(struct gr_store *st, const char *subject, const char *from_day,
                             const char *to_day, int64_t *sums);
/* Per day, for trends. */
typedef int (*gr_figures_day_fn)(void *ctx, const char *day, const int64_t *counts);
enum gr_err gr_store_figures_days(struct gr_store *st, const char *subject, const char *from_day,
                                  const char *to_day, gr_figures_day_fn fn, void *ctx);
/* Recompute every rollup from the cases (after a bulk load; and a check). */
enum gr_err gr_store_figures_recount(struct gr_store *st);

/* Open311 keys, stored by the SHA-256 of the secret. */
enum gr_err gr_store_api_key_create(struct gr_store *st, const char *name, const char *key_hash,
                                    int64_t *out_id);
enum gr_err gr_store_api_key_get(struct gr_store *st, const char *key_hash, int64_t *id);

/* Departments (organisations of kind "department") of a district by name: the owner a
 * matter names. GR_ENOTFOUND when the district has none of that name. */
enum gr_err gr_store_department(struct gr_store *st, int64_t district_id, const char *dept,
                                int64_t *org_id);

#endif
