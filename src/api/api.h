/*
 * api.h - shared by the handlers of src/api: records to and from JSON, scopes from
 * grants, and the handlers the route table names.
 */
#ifndef GR_API_H
#define GR_API_H

#include "../core/geo.h"
#include "../http/http.h"

/* Fill vals (k->n_fields entries, zeroed here) from a JSON object. Unknown keys, wrong
 * types and, with `skip`, the keys listed there (NULL-terminated) are handled: unknown
 * or mistyped keys reply 400 naming the field and return false. Strings point into obj. */
bool gr_api_values(struct gr_req *r, const struct gr_kind *k, json_t *obj, struct gr_value *vals,
                   const char *const *skip);
/* A record as JSON, personal fields masked unless the caller may see them. */
json_t *gr_api_record(struct gr_req *r, const struct gr_kind *k, const struct gr_row *row);
/* A node as the contract shapes it: id, parent_id, level, code, name, center. */
json_t *gr_api_node(const struct gr_row *row);
/* Read a node and encode it (NULL when missing). */
json_t *gr_api_node_by_id(struct gr_req *r, int64_t id);
/* Fill q's access scopes for act on kind k from the caller's grants. */
void gr_api_scopes(struct gr_req *r, enum gr_kind_id k, enum gr_action act, struct gr_query *q);
/* Reply for a validation failure from core or the store. */
void gr_api_verr(struct gr_req *r, enum gr_err e, const struct gr_verr *ve);
/* Read access to a record of kind k: replies 404 and returns false when it is missing or
 * outside the caller's scope. */
bool gr_api_visible(struct gr_req *r, const struct gr_kind *k, int64_t id, struct gr_anc *anc);

/* The generic handlers' bodies, for kinds with routes of their own (nodes). */
void gr_api_list(struct gr_req *r, const struct gr_kind *k);
/* Run a prepared query and reply with the list. */
void gr_api_run_list(struct gr_req *r, const struct gr_kind *k, const struct gr_query *q);
/* Create a record of kind k from obj (keys in skip ignored), inside the caller's
 * transaction. Returns the new id, or 0 after replying with the error. */
int64_t gr_api_create(struct gr_req *r, const struct gr_kind *k, json_t *obj,
                      const char *const *skip);
void gr_api_update(struct gr_req *r, const struct gr_kind *k, int64_t id, json_t *obj,
                   const char *const *skip);
void gr_api_delete(struct gr_req *r, const struct gr_kind *k, int64_t id);

/* Shared checks (util.c). Each replies 400 naming the member and returns false on error. */
bool gr_api_one_of(const char *s, const char *const *list); /* NULL-ended list */
/* ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" to Unix seconds (no reply). */
bool gr_api_parse_time(const char *s, int64_t *out);
/* Unix seconds as that text, or null for 0; and the text alone. */
json_t *gr_api_time(int64_t t);
void gr_api_time_text(int64_t t, char out[32]);
/* A string member: required or not, 1..max characters; *out NULL when absent. */
bool gr_api_text(struct gr_req *r, json_t *obj, const char *name, bool required, size_t max,
                 const char **out);
/* Reject members not in the NULL-ended list. */
bool gr_api_only(struct gr_req *r, json_t *obj, const char *const *allowed);
/* Editors of the responsibility list and the calendar (district or city staff, admin):
 * replies 403 and returns false for anyone else. */
bool gr_api_list_editor(struct gr_req *r);
/* Path parameter 0 as a version of the list; replies 404 and returns false when it is not
 * one. */
bool gr_api_version_param(struct gr_req *r, int *v);
/* A list of positive ids (distinct, if asked) in member `name` of obj, at most max, into
 * out (max entries); absent: none. */
bool gr_api_ids(struct gr_req *r, json_t *obj, const char *name, size_t max, bool distinct,
                int64_t *out, size_t *n);
/* The request's body as a photo: its type (JPEG or PNG, by its bytes, matching any
 * Content-Type given), or NULL after replying 400 or 413. */
const char *gr_api_photo(struct gr_req *r);

/* Handlers. */
void gr_h_health(struct gr_req *r);
void gr_h_metrics(struct gr_req *r);
void gr_h_meta(struct gr_req *r);
void gr_h_level_names_put(struct gr_req *r);
void gr_h_session_create(struct gr_req *r);
void gr_h_session_get(struct gr_req *r);
void gr_h_session_delete(struct gr_req *r);
void gr_h_users_create(struct gr_req *r);
void gr_h_users_list(struct gr_req *r);
void gr_h_users_get(struct gr_req *r);
void gr_h_tokens_create(struct gr_req *r);
void gr_h_nodes_list(struct gr_req *r);
void gr_h_nodes_create(struct gr_req *r);
void gr_h_nodes_get(struct gr_req *r);
void gr_h_nodes_children(struct gr_req *r);
void gr_h_nodes_boundary_get(struct gr_req *r);
void gr_h_nodes_boundary_put(struct gr_req *r);
void gr_h_nodes_coverage(struct gr_req *r);
void gr_h_geo(struct gr_req *r);
void gr_h_locate(struct gr_req *r);
void gr_h_records_list(struct gr_req *r);
void gr_h_records_create(struct gr_req *r);
void gr_h_records_get(struct gr_req *r);
void gr_h_records_update(struct gr_req *r);
void gr_h_records_delete(struct gr_req *r);
void gr_h_nodes_update(struct gr_req *r);
void gr_h_topics_create(struct gr_req *r);
void gr_h_topics_list(struct gr_req *r);
void gr_h_topics_get(struct gr_req *r);
void gr_h_topics_action(struct gr_req *r);
void gr_h_opinions_list(struct gr_req *r);
void gr_h_opinions_create(struct gr_req *r);
void gr_h_meetings_list(struct gr_req *r);
void gr_h_meetings_create(struct gr_req *r);
void gr_h_vote_rule_put(struct gr_req *r);
void gr_h_votes_create(struct gr_req *r);
void gr_h_results_get(struct gr_req *r);
void gr_h_decision_put(struct gr_req *r);
void gr_h_items_create(struct gr_req *r);
void gr_h_items_update(struct gr_req *r);
void gr_h_objections_create(struct gr_req *r);
void gr_h_objections_answer(struct gr_req *r);
void gr_h_opinions_edit(struct gr_req *r);
void gr_h_opinions_report(struct gr_req *r);
void gr_h_opinions_moderate(struct gr_req *r);
void gr_h_user_participation(struct gr_req *r);
void gr_h_household_participation(struct gr_req *r);
void gr_h_meeting_attendees_put(struct gr_req *r);
void gr_h_topic_orgs_put(struct gr_req *r);
void gr_h_topic_follow(struct gr_req *r);
void gr_h_topic_photos_add(struct gr_req *r);
void gr_h_nodes_delete(struct gr_req *r);
void gr_h_categories_list(struct gr_req *r);
void gr_h_power_types_list(struct gr_req *r);
void gr_h_matters_list(struct gr_req *r);
void gr_h_matter_lists_list(struct gr_req *r);
void gr_h_matter_lists_create(struct gr_req *r);
void gr_h_matter_put(struct gr_req *r);
void gr_h_matter_delete(struct gr_req *r);
void gr_h_matter_lists_publish(struct gr_req *r);
void gr_h_matters_csv_get(struct gr_req *r); /* matters_csv.c */
void gr_h_matters_csv_put(struct gr_req *r);
void gr_h_calendar_get(struct gr_req *r);
void gr_h_calendar_put(struct gr_req *r);
void gr_h_calendar_delete(struct gr_req *r);
void gr_h_cases_create(struct gr_req *r);
void gr_h_cases_list(struct gr_req *r);
void gr_h_cases_nearby(struct gr_req *r);
void gr_h_cases_get(struct gr_req *r);
void gr_h_cases_action(struct gr_req *r);
void gr_h_cases_departments(struct gr_req *r);
void gr_h_cases_photo_add(struct gr_req *r);
void gr_h_photos_get(struct gr_req *r);
void gr_h_photos_update(struct gr_req *r);
void gr_h_inbox(struct gr_req *r);
void gr_h_notifications(struct gr_req *r);
void gr_h_figures(struct gr_req *r);
void gr_h_figures_ranking(struct gr_req *r);
void gr_h_figures_trend(struct gr_req *r);
void gr_h_open311(struct gr_req *r);
void gr_h_open311_item(struct gr_req *r);

/* Photos: at most this many bytes each, and this many per case. */
#define GR_PHOTO_MAX (4u << 20)
#define GR_PHOTO_MAX_PER_CASE 9

/* The grid a point lies in, with its ancestors (from the server's map): false when the
 * point is in no grid. */
bool gr_api_locate(struct gr_req *r, double lat, double lon, struct gr_anc *anc);
/* A node's name copied into out (NULL when there is no such node): from the server's map,
 * or from the store for a node made since the map was built. */
const char *gr_api_node_name(struct gr_req *r, int64_t id, char *out, size_t cap);
/* Cases shared by the case and Open311 handlers: intake and the public case view. */
struct gr_case;
/* The name of a case's current owner (a department, or a node from the map), copied into
 * out; NULL when unknown. */
const char *gr_api_owner_name(struct gr_req *r, const struct gr_case *c, char *out, size_t cap);
struct gr_intake;
struct gr_case_fail;
/* Run intake through the group commit (the intake's texts are copied first). reply must
 * reply: with c NULL and f saying why nothing was stored, on the writer thread; or with
 * the stored case, on a pool thread once the case is on disk (r->st is that thread's
 * store). */
typedef void (*gr_intake_reply_fn)(struct gr_req *r, const struct gr_case *c,
                                   const struct gr_case_fail *f);
void gr_api_intake(struct gr_req *r, const struct gr_intake *in, gr_intake_reply_fn reply);

/* The server's map (see gr_server_map_acquire): every node's JSON and the locate index. */
enum gr_err gr_api_map_load(struct gr_store *st, void **out);
void gr_api_map_free(void *map);
size_t gr_api_map_count(const void *map);

/* Add a topic's implementation items, their mean progress and its objections to o. */
enum gr_err gr_api_topic_extras(struct gr_req *r, int64_t topic, json_t *o);
/* Is photo_id a photo of a topic (or of one of its items) that the caller sees? False for
 * a case's photo and without a login. For GET /api/v1/photos/{id}: topic photos are never
 * public. */
bool gr_api_topic_photo_visible(struct gr_req *r, int64_t photo_id);

/* The ballot slot of a voter ("h:12", "r:34", "u:56") in a topic: HMAC-SHA256 under the
 * database's ballot key, in hex. It joins a voter's ballots for the voter alone. */
enum gr_err gr_api_ballot_slot(struct gr_store *st, int64_t topic, const char *voter, char out[65]);

/* GeoJSON geometry (Polygon or MultiPolygon, or a Feature holding one) to a shape.
 * Returns GR_EINVAL with *why set on bad input. The shape's rings are malloc'd. */
enum gr_err gr_geojson_shape(json_t *geo, struct gr_shape *out, const char **why);
/* The shape as GeoJSON geometry text (Polygon, or MultiPolygon for several outer rings);
 * rings are closed. The caller frees it. */
char *gr_geojson_text(const struct gr_shape *s);

#endif
