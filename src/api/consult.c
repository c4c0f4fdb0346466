/*
 * consult.c - consultation over HTTP: topics and their stage actions, opinions, meetings
 * and their attendees, the vote rule, ballots and results, the decision; invited
 * organisations, followers, photos of topics and of their implementation items.
 *
 * The stage machine is core/topic.c and the vote rules core/vote.c; this file checks
 * input and scope, asks them, and writes through the store in one transaction. A ballot
 * is stored apart from its voter (see migrations/0002_consult.sql): no endpoint answers
 * how anyone but the caller voted. Every 409 carries a stable "reason" code besides its
 * English message (see conflict()).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/text.h"
#include "../core/topic.h"
#include "../core/vote.h"
#include "api.h"
#include "case_ops.h"

#define MAX_OPINION_DEPTH 3
#define DEFAULT_NOTICE_DAYS 7
#define MAX_INVITED 50     /* organisations invited to one topic */
#define MAX_ATTENDEES 1000 /* accounts, and residents, recorded at one meeting */
#define MAX_TOPIC_PHOTOS 9 /* per topic, and per implementation item */

/* Reason codes of the 409s besides those of the stage machine (core/topic.h); stable. */
#define R_MOVED "moved_meanwhile"
#define R_VOTED "already_voted"
#define R_PAPER "paper_ballot"
#define R_WINDOW "voting_not_open"
#define R_NOT_PASSED "vote_not_passed"
#define R_NOTICE_OVER "notice_over"
#define R_ANSWERED "already_answered"
#define R_REPORTED "already_reported"
#define R_PHOTOS "photo_limit"

/* A 409 with its reason: {"error": {"code": "conflict", "message", "reason", "field"?}}. The
 * web app maps the reason, never the message. */
static void conflict(struct gr_req *r, const char *reason, const char *field, const char *message)
{
    json_t *e = json_pack("{s:s, s:s, s:s}", "code", "conflict", "message", message, "reason",
                          reason ? reason : GR_REASON_WRONG_STAGE);
    if (field)
        json_object_set_new(e, "field", json_string(field));
    gr_reply_json(r, 409, json_pack("{s:o}", "error", e));
}

static const char *const proposer_kinds[] = {
    "resident", "party_org", "residents_committee", "owners_committee", "organisation",
    "case",     NULL};

/* ---- topics ---- */

static json_t *topic_json(const struct gr_topic *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "scope_node_id", json_integer(t->scope_node_id));
    json_object_set_new(o, "scope_building_id",
                        t->scope_building_id ? json_integer(t->scope_building_id) : json_null());
    json_object_set_new(o, "scope_unit_id",
                        t->scope_unit_id ? json_integer(t->scope_unit_id) : json_null());
    json_object_set_new(o, "title", json_string(t->title));
    json_object_set_new(o, "body", json_string(t->body));
    json_object_set_new(o, "category", t->category ? json_string(t->category) : json_null());
    json_object_set_new(o, "proposer_user_id", json_integer(t->proposer_user_id));
    json_object_set_new(o, "proposer_kind", json_string(t->proposer_kind));
    json_object_set_new(o, "proposer_org_id",
                        t->proposer_org_id ? json_integer(t->proposer_org_id) : json_null());
    json_object_set_new(o, "stage", json_string(t->stage));
    json_object_set_new(o, "passed", t->passed < 0 ? json_null() : json_boolean(t->passed));
    json_t *d = json_null();
    if (t->decision_text) {
        d = json_pack("{s:s}", "text", t->decision_text);
        json_object_set_new(d, "organisation_id",
                            t->decision_org_id ? json_integer(t->decision_org_id) : json_null());
        json_object_set_new(d, "person",
                            t->decision_person ? json_string(t->decision_person) : json_null());
    }
    json_object_set_new(o, "decision", d);
    json_object_set_new(o, "notice_ends_at", gr_api_time(t->notice_ends_at));
    json_object_set_new(o, "tally_digest",
                        t->tally_digest ? json_string(t->tally_digest) : json_null());
    json_object_set_new(o, "created_at", json_string(t->created_at));
    json_object_set_new(o, "updated_at", json_string(t->updated_at));
    json_object_set_new(o, "case_id", t->case_id ? json_integer(t->case_id) : json_null());
    return o;
}

/* The organisations the caller holds a grant on (out has GR_MAX_GRANTS entries). */
static size_t caller_orgs(const struct gr_req *r, int64_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < r->who.n_grants; i++)
        if (r->who.grants[i].organisation_id)
            out[n++] = r->who.grants[i].organisation_id;
    return n;
}

/* A topic is visible to those who see its scope, to those inside it (a resident of a
 * grid sees the topics of the grid's community), and to the accounts of the organisations
 * it invites. */
static bool topic_visible(struct gr_req *r, const struct gr_topic *t)
{
    if (gr_access_allows(&r->who, GR_K_NODES, &t->anc, GR_ACT_READ))
        return true;
    int64_t orgs[GR_MAX_GRANTS];
    size_t n_orgs = caller_orgs(r, orgs);
    bool invited = false;
    if (n_orgs && gr_store_topic_invites(r->st, t->id, orgs, n_orgs, &invited) == GR_OK && invited)
        return true;
    enum gr_level level =
        t->anc.id[GR_LEVEL_GRID] == t->scope_node_id ? GR_LEVEL_GRID : GR_LEVEL_COMMUNITY;
    for (size_t i = 0; i < r->who.n_grants; i++) {
        const struct gr_grant *g = &r->who.grants[i];
        struct gr_anc ga;
        if (g->node_id && gr_access_role_allows(g->role, GR_K_NODES, GR_ACT_READ) &&
            gr_store_anc(r->st, gr_kind_get(GR_K_NODES), g->node_id, &ga) == GR_OK &&
            ga.id[level] == t->scope_node_id)
            return true;
    }
    return false;
}

/* The topic of path parameter 0, visible to the caller (else 404). */
static bool load_topic(struct gr_req *r, struct gr_topic *t)
{
    int64_t id;
    if (!gr_req_id(r, 0, &id))
        return false;
    enum gr_err e = gr_store_topic_get(r->st, id, t);
    if (e == GR_ENOTFOUND || (!e && !topic_visible(r, t))) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such topic");
        return false;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return false;
    }
    return true;
}

/* Staff of the topic's scope: those who may change the network there. */
static bool is_staff(struct gr_req *r, const struct gr_topic *t)
{
    return gr_access_allows(&r->who, GR_K_NODES, &t->anc, GR_ACT_WRITE);
}

/* May an organisation be invited to a topic with ancestors anc? One the caller sees, or
 * one serving the topic's place from above (a district's department, a street's
 * organisation): its node is the topic's scope or one of its ancestors. */
static bool org_invitable(struct gr_req *r, int64_t org, const struct gr_anc *anc)
{
    struct gr_anc oa;
    if (gr_store_anc(r->st, gr_kind_get(GR_K_ORGANISATIONS), org, &oa) != GR_OK)
        return false;
    if (gr_access_allows(&r->who, GR_K_ORGANISATIONS, &oa, GR_ACT_READ))
        return true;
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        if (oa.id[l] && oa.id[l] != anc->id[l])
            return false;
    return true;
}

/* Every id of orgs[0..n) may be invited to a topic with ancestors anc; else a 400. */
static bool orgs_invitable(struct gr_req *r, const int64_t *orgs, size_t n,
                           const struct gr_anc *anc, const char *field)
{
    for (size_t i = 0; i < n; i++)
        if (!org_invitable(r, orgs[i], anc)) {
            gr_reply_error(r, GR_EINVAL, field, "names an organisation that cannot be invited");
            return false;
        }
    return true;
}

/* The case a topic is raised from: it exists, the caller is staff of its community (or
 * above), and it lies in the topic's community. Replies and returns false otherwise. */
static bool case_link(struct gr_req *r, json_t *jc, const struct gr_anc *anc, int64_t *out)
{
    struct gr_case c;
    if (!json_is_integer(jc) || json_integer_value(jc) <= 0 ||
        gr_store_case_get(r->st, json_integer_value(jc), &c) != GR_OK) {
        gr_reply_error(r, GR_EINVAL, "case_id", "refers to a record that does not exist");
        return false;
    }
    if (!gr_access_allows(&r->who, GR_K_NODES, &c.anc, GR_ACT_WRITE)) {
        if (gr_case_visible(&r->who, &c, gr_case_actor(r->st, &r->who, &c)))
            gr_reply_error(r, GR_EFORBIDDEN, "case_id",
                           "staff of the case's community raise a topic from it");
        else
            gr_reply_error(r, GR_EINVAL, "case_id", "refers to a record that does not exist");
        return false;
    }
    if (c.anc.id[GR_LEVEL_COMMUNITY] != anc->id[GR_LEVEL_COMMUNITY]) {
        gr_reply_error(r, GR_EINVAL, "case_id", "must be a case of the topic's community");
        return false;
    }
    *out = c.id;
    return true;
}

void gr_h_topics_create(struct gr_req *r)
{
    static const char *const allowed[] = {"scope_node_id",
                                          "scope_building_id",
                                          "scope_unit_id",
                                          "title",
                                          "body",
                                          "category",
                                          "proposer_kind",
                                          "proposer_org_id",
                                          "case_id",
                                          "invited_org_ids",
                                          NULL};
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    struct gr_topic t;
    memset(&t, 0, sizeof(t));
    json_t *jn = json_object_get(obj, "scope_node_id");
    struct gr_anc anc;
    int64_t orgs[MAX_INVITED];
    size_t n_orgs = 0;
    if (!gr_api_only(r, obj, allowed))
        goto out;
    if (!json_is_integer(jn)) {
        gr_reply_error(r, GR_EINVAL, "scope_node_id", "is required: the community or grid");
        goto out;
    }
    t.scope_node_id = json_integer_value(jn);
    enum gr_err e = gr_store_anc(r->st, gr_kind_get(GR_K_NODES), t.scope_node_id, &anc);
    if (e || !gr_access_allows(&r->who, GR_K_NODES, &anc, GR_ACT_READ)) {
        gr_reply_error(r, GR_EINVAL, "scope_node_id", "refers to a record that does not exist");
        goto out;
    }
    if (anc.id[GR_LEVEL_COMMUNITY] != t.scope_node_id && anc.id[GR_LEVEL_GRID] != t.scope_node_id) {
        gr_reply_error(r, GR_EINVAL, "scope_node_id", "must be a community or a grid");
        goto out;
    }
    static const char *const places[] = {"scope_building_id", "scope_unit_id"};
    const struct gr_kind *pk[] = {gr_kind_get(GR_K_BUILDINGS), gr_kind_get(GR_K_UNITS)};
    int64_t *pid[] = {&t.scope_building_id, &t.scope_unit_id};
    for (int i = 0; i < 2; i++) {
        json_t *v = json_object_get(obj, places[i]);
        if (!v || json_is_null(v))
            continue;
        struct gr_anc pa;
        if (!json_is_integer(v) ||
            gr_store_anc(r->st, pk[i], json_integer_value(v), &pa) != GR_OK ||
            (pa.id[GR_LEVEL_COMMUNITY] != t.scope_node_id &&
             pa.id[GR_LEVEL_GRID] != t.scope_node_id)) {
            gr_reply_error(r, GR_EINVAL, places[i], "must be a record inside the scope node");
            goto out;
        }
        *pid[i] = json_integer_value(v);
    }
    if (!gr_api_text(r, obj, "title", true, 100, &t.title) ||
        !gr_api_text(r, obj, "body", true, 5000, &t.body) ||
        !gr_api_text(r, obj, "category", false, 32, &t.category) ||
        !gr_api_text(r, obj, "proposer_kind", false, 32, &t.proposer_kind))
        goto out;
    json_t *jc = json_object_get(obj, "case_id");
    bool from_case = jc && !json_is_null(jc);
    if (!t.proposer_kind)
        t.proposer_kind = from_case ? "case" : "resident";
    if (!gr_api_one_of(t.proposer_kind, proposer_kinds)) {
        gr_reply_error(r, GR_EINVAL, "proposer_kind",
                       "must be one of resident, party_org, residents_committee, "
                       "owners_committee, organisation, case");
        goto out;
    }
    /* A topic raised from a case names it, and only such a topic does. */
    if (from_case != (strcmp(t.proposer_kind, "case") == 0)) {
        gr_reply_error(r, GR_EINVAL, from_case ? "proposer_kind" : "case_id",
                       from_case ? "is case when the topic is raised from a case"
                                 : "is required when the proposer is a case");
        goto out;
    }
    json_t *org = json_object_get(obj, "proposer_org_id");
    if (org && !json_is_null(org)) {
        struct gr_anc oa;
        if (!json_is_integer(org) ||
            gr_store_anc(r->st, gr_kind_get(GR_K_ORGANISATIONS), json_integer_value(org), &oa) ||
            !gr_access_allows(&r->who, GR_K_ORGANISATIONS, &oa, GR_ACT_READ)) {
            gr_reply_error(r, GR_EINVAL, "proposer_org_id",
                           "refers to a record that does not exist");
            goto out;
        }
        t.proposer_org_id = json_integer_value(org);
    }
    if (!gr_api_ids(r, obj, "invited_org_ids", MAX_INVITED, true, orgs, &n_orgs) ||
        !orgs_invitable(r, orgs, n_orgs, &anc, "invited_org_ids"))
        goto out;
    if (n_orgs && !gr_access_allows(&r->who, GR_K_NODES, &anc, GR_ACT_WRITE)) {
        gr_reply_error(r, GR_EFORBIDDEN, "invited_org_ids",
                       "staff of the community invite organisations");
        goto out;
    }
    if (from_case && !case_link(r, jc, &anc, &t.case_id))
        goto out;
    t.proposer_user_id = r->who.user_id;
    int64_t id = 0;
    /* The proposer follows the topic from the start. */
    if (!(e = gr_store_begin(r->st))) {
        e = gr_store_topic_create(r->st, &t, &id);
        if (!e && n_orgs)
            e = gr_store_topic_orgs_set(r->st, id, orgs, n_orgs, r->who.user_id);
        if (!e)
            e = gr_store_topic_follow(r->st, id, r->who.user_id, true);
        e = gr_store_end(r->st, e);
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    if ((e = gr_store_topic_get(r->st, id, &t))) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    gr_reply_json(r, 201, topic_json(&t));
out:
    json_decref(obj);
}

struct topics_ctx {
    json_t *items;
    int64_t last;
};

static int topic_row(void *ctx, const struct gr_topic *t)
{
    struct topics_ctx *c = ctx;
    json_array_append_new(c->items, topic_json(t));
    c->last = t->id;
    return 0;
}

void gr_h_topics_list(struct gr_req *r)
{
    struct gr_query q;
    memset(&q, 0, sizeof(q));
    gr_api_scopes(r, GR_K_NODES, GR_ACT_READ, &q);
    if (!gr_req_page(r, &q.limit, &q.after))
        return;
    int64_t scope;
    if (!gr_req_int(r, "scope_node_id", 0, INT64_MAX, 0, &scope))
        return;
    if (scope) {
        struct gr_anc anc;
        if (!gr_api_visible(r, gr_kind_get(GR_K_NODES), scope, &anc))
            return;
        for (int l = GR_LEVEL_GRID; l >= GR_LEVEL_CITY; l--)
            if (anc.id[l] == scope)
                q.under = (struct gr_scope){(enum gr_level)l, scope};
    }
    struct gr_topic_filter f;
    memset(&f, 0, sizeof(f));
    f.stage = gr_req_query(r, "stage");
    if (f.stage && gr_stage_parse(f.stage) == GR_STAGE_NONE) {
        gr_reply_error(r, GR_EINVAL, "stage", "is not a stage");
        return;
    }
    /* The topics raised from a case the caller sees (the case page lists them). */
    if (!gr_req_int(r, "case_id", 1, INT64_MAX, 0, &f.case_id))
        return;
    if (f.case_id) {
        struct gr_case kc;
        if (gr_store_case_get(r->st, f.case_id, &kc) != GR_OK ||
            !gr_case_visible(&r->who, &kc, gr_case_actor(r->st, &r->who, &kc))) {
            gr_reply_error(r, GR_ENOTFOUND, NULL, "no such case");
            return;
        }
    }
    /* Grants inside a community also see the community's own topics; organisation grants
     * the topics that invite their organisation. */
    int64_t also[GR_MAX_GRANTS], orgs[GR_MAX_GRANTS];
    size_t n_also = 0;
    for (size_t i = 0; i < r->who.n_grants; i++) {
        const struct gr_grant *g = &r->who.grants[i];
        struct gr_anc ga;
        if (g->node_id && g->level == GR_LEVEL_GRID &&
            gr_access_role_allows(g->role, GR_K_NODES, GR_ACT_READ) &&
            gr_store_anc(r->st, gr_kind_get(GR_K_NODES), g->node_id, &ga) == GR_OK)
            also[n_also++] = ga.id[GR_LEVEL_COMMUNITY];
    }
    f.also = also;
    f.n_also = n_also;
    f.orgs = orgs;
    f.n_orgs = caller_orgs(r, orgs);
    struct topics_ctx c = {json_array(), 0};
    bool more;
    enum gr_err e = gr_store_topic_list(r->st, &q, &f, topic_row, &c, &more);
    if (e) {
        json_decref(c.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, c.items, more, c.last);
}

static int id_row(void *ctx, int64_t id, const char *name)
{
    (void)name;
    json_array_append_new(ctx, json_integer(id));
    return 0;
}

/* Invited organisations are named to everyone who sees the topic: who was asked to take
 * part is public, as the topic is. */
static int org_row(void *ctx, int64_t id, const char *name)
{
    json_array_append_new(ctx, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
    return 0;
}

static int event_row(void *ctx, const struct gr_topic_event *e)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s}", "id", (json_int_t)e->id, "at", e->at, "action", e->action);
    json_object_set_new(o, "from", e->from_stage ? json_string(e->from_stage) : json_null());
    json_object_set_new(o, "to", e->to_stage ? json_string(e->to_stage) : json_null());
    json_object_set_new(o, "note", e->note ? json_string(e->note) : json_null());
    json_object_set_new(o, "actor_user_id",
                        e->actor_user_id ? json_integer(e->actor_user_id) : json_null());
    json_array_append_new(ctx, o);
    return 0;
}

static json_t *rule_json(const struct gr_vote_rule_row *v)
{
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:i, s:s, s:{s:i, s:i}, s:b, s:b, s:o, s:o}", "eligibility",
        v->eligibility, "kind", v->kind, "options", json_loads(v->options, 0, NULL), "max_choices",
        v->max_choices, "pass", v->pass, "quorum", "num", v->quorum_num, "den", v->quorum_den,
        "allow_change", v->allow_change, "live_results", v->live_results, "opens_at",
        gr_api_time(v->opens_at), "closes_at", gr_api_time(v->closes_at));
    if (v->eligible >= 0) {
        json_object_set_new(o, "eligible", json_integer(v->eligible));
        json_object_set_new(o, "eligible_area_m2", json_real((double)v->eligible_area / 100.0));
    }
    return o;
}

void gr_h_topics_get(struct gr_req *r)
{
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *o = topic_json(&t);
    json_t *events = json_array();
    enum gr_err e = gr_store_topic_events(r->st, t.id, event_row, events);
    json_object_set_new(o, "events", events);
    struct gr_vote_rule_row v;
    enum gr_err ve = gr_store_vote_rule_get(r->st, t.id, &v);
    json_object_set_new(o, "vote_rule", ve == GR_OK ? rule_json(&v) : json_null());
    json_t *orgs = json_array(), *ids = json_array();
    if (!e)
        e = gr_store_topic_orgs(r->st, t.id, org_row, orgs);
    for (size_t i = 0; i < json_array_size(orgs); i++)
        json_array_append(ids, json_object_get(json_array_get(orgs, i), "id"));
    json_object_set_new(o, "invited_org_ids", ids);
    json_object_set_new(o, "invited_orgs", orgs);
    int followers = 0;
    bool following = false;
    if (!e)
        e = gr_store_topic_followers(r->st, t.id, r->who.user_id, &followers, &following);
    json_object_set_new(o, "followers", json_integer(followers));
    json_object_set_new(o, "following", json_boolean(following));
    if (!e)
        e = gr_api_topic_extras(r, t.id, o);
    if (e || (ve && ve != GR_ENOTFOUND)) {
        json_decref(o);
        gr_reply_error(r, e ? e : ve, NULL, NULL);
        return;
    }
    gr_reply_json(r, 200, o);
}

/* The core rule from its stored form. */
static void rule_from_row(const struct gr_vote_rule_row *v, struct gr_vote_rule *rule)
{
    memset(rule, 0, sizeof(*rule));
    rule->eligibility = gr_vote_eligibility_parse(v->eligibility);
    rule->kind = gr_vote_kind_parse(v->kind);
    json_t *opts = json_loads(v->options, 0, NULL);
    rule->n_options = (int)json_array_size(opts);
    json_decref(opts);
    rule->max_choices = v->max_choices;
    rule->pass = gr_vote_pass_parse(v->pass);
    rule->quorum_num = v->quorum_num;
    rule->quorum_den = v->quorum_den;
    rule->allow_change = v->allow_change;
    rule->live_results = v->live_results;
    rule->opens_at = v->opens_at;
    rule->closes_at = v->closes_at;
}

/* The tally of a topic as core counts it. */
static enum gr_err load_tally(struct gr_req *r, int64_t topic, const struct gr_vote_rule_row *v,
                              const struct gr_vote_rule *rule, struct gr_tally *t)
{
    memset(t, 0, sizeof(*t));
    t->eligible = v->eligible > 0 ? v->eligible : 0;
    t->eligible_area = v->eligible_area > 0 ? v->eligible_area : 0;
    return gr_store_tally(r->st, topic, t->count, t->area, rule->n_options, &t->voted,
                          &t->voted_area);
}

/* Freeze the electorate of a topic's vote when voting opens. */
static enum gr_err freeze_electorate(struct gr_req *r, const struct gr_topic *t,
                                     const struct gr_vote_rule_row *v)
{
    int64_t *list = gr_calloc(10000, sizeof(*list));
    size_t n = 0;
    if (strcmp(v->eligibility, "list") == 0) {
        json_t *l = json_loads(v->voter_list ? v->voter_list : "[]", 0, NULL);
        size_t i;
        json_t *x;
        json_array_foreach(l, i, x) if (n < 10000) list[n++] = json_integer_value(x);
        json_decref(l);
    }
    struct gr_scope s = {GR_LEVEL_COMMUNITY, t->scope_node_id};
    if (t->anc.id[GR_LEVEL_GRID] == t->scope_node_id)
        s.level = GR_LEVEL_GRID;
    enum gr_err e = gr_store_electorate_freeze(r->st, t->id, v->eligibility, s,
                                               t->scope_building_id, t->scope_unit_id, list, n);
    free(list);
    return e;
}

void gr_h_topics_action(struct gr_req *r)
{
    static const char *const allowed[] = {"action", "reason", "note", "notice_days", NULL};
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *name = NULL, *reason = NULL, *note = NULL;
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "action", true, 32, &name) ||
        !gr_api_text(r, obj, "reason", false, 500, &reason) ||
        !gr_api_text(r, obj, "note", false, 500, &note))
        goto out;
    enum gr_topic_action a = gr_topic_action_parse(name);
    if (a == GR_TA_NONE) {
        gr_reply_error(r, GR_EINVAL, "action", "is not an action of a topic");
        goto out;
    }
    int64_t notice_days = DEFAULT_NOTICE_DAYS;
    json_t *nd = json_object_get(obj, "notice_days");
    if (nd && (!json_is_integer(nd) || json_integer_value(nd) < 1 || json_integer_value(nd) > 90)) {
        gr_reply_error(r, GR_EINVAL, "notice_days", "must be an integer from 1 to 90");
        goto out;
    }
    if (nd)
        notice_days = json_integer_value(nd);

    enum gr_err e = gr_store_begin(r->st);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    /* Read again inside the transaction: the state the move is decided on is current. */
    if ((e = gr_store_topic_get(r->st, t.id, &t)))
        goto fail;
    struct gr_vote_rule_row v;
    enum gr_err ve = gr_store_vote_rule_get(r->st, t.id, &v);
    if (ve && ve != GR_ENOTFOUND) {
        e = ve;
        goto fail;
    }
    int64_t now = (int64_t)time(NULL);
    int open_objections = 0;
    if ((e = gr_store_objections(r->st, t.id, NULL, NULL, &open_objections)))
        goto fail;
    struct gr_topic_state s = {
        .stage = gr_stage_parse(t.stage),
        .has_vote_rule = ve == GR_OK,
        .passed = t.passed == 1,
        .has_decision = t.decision_text != NULL,
        .notice_over = t.notice_ends_at && now >= t.notice_ends_at,
        .open_objections = open_objections,
    };
    unsigned actor = (t.proposer_user_id == r->who.user_id ? GR_ACTOR_PROPOSER : 0) |
                     (is_staff(r, &t) ? GR_ACTOR_STAFF : 0);
    struct gr_topic_move move;
    const char *why = NULL;
    e = gr_topic_check(&s, a, actor, reason != NULL, &move, &why);
    if (e) {
        gr_store_rollback(r->st);
        if (e == GR_ECONFLICT)
            conflict(r, gr_topic_conflict(&s, a), NULL, why);
        else
            gr_reply_error(r, e, e == GR_EINVAL ? "reason" : NULL, why);
        goto out;
    }
    char from[32];
    snprintf(from, sizeof(from), "%s", t.stage);
    if (a == GR_TA_OPEN_VOTING)
        e = freeze_electorate(r, &t, &v);
    if (!e && a == GR_TA_CLOSE_VOTING) {
        struct gr_vote_rule rule;
        struct gr_tally tally;
        struct gr_vote_outcome out;
        char digest[65];
        rule_from_row(&v, &rule);
        e = load_tally(r, t.id, &v, &rule, &tally);
        if (!e)
            e = gr_store_ballot_digest(r->st, t.id, digest);
        if (!e) {
            gr_vote_decide(&rule, &tally, &out);
            e = gr_store_topic_outcome(r->st, t.id, out.passed, digest);
        }
    }
    if (!e && a == GR_TA_PUBLISH_NOTICE)
        e = gr_store_topic_notice(r->st, t.id, now + notice_days * 86400);
    if (!e)
        e = gr_store_topic_move(r->st, t.id, from, gr_stage_name(move.to), r->who.user_id, name,
                                reason ? reason : note);
    if (!e)
        e = gr_store_commit(r->st);
    if (e)
        goto fail;
    if ((e = gr_store_topic_get(r->st, t.id, &t))) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    gr_reply_json(r, 200, topic_json(&t));
    goto out;
fail:
    gr_store_rollback(r->st);
    if (e == GR_ECONFLICT)
        conflict(r, R_MOVED, NULL, "the topic moved meanwhile");
    else
        gr_reply_error(r, e, NULL, NULL);
out:
    json_decref(obj);
}

/* ---- opinions ---- */

/* Opinions as one caller sees them: authors' names in full for staff of the topic, for
 * the author and for authors holding a public role; other residents' names masked. */
struct opinions_ctx {
    json_t *items;
    int64_t me;
    bool staff;
};

static int opinion_row(void *ctx, const struct gr_opinion *o)
{
    struct opinions_ctx *c = ctx;
    json_t *j = json_pack("{s:I, s:i, s:s, s:s, s:I, s:i, s:s, s:s}", "id", (json_int_t)o->id,
                          "depth", o->depth, "stance", o->stance, "body", o->hidden ? "" : o->body,
                          "author_user_id", (json_int_t)o->author_user_id, "version", o->version,
                          "created_at", o->created_at, "updated_at", o->updated_at);
    json_object_set_new(j, "parent_id", o->parent_id ? json_integer(o->parent_id) : json_null());
    json_object_set_new(j, "hidden", json_boolean(o->hidden));
    json_object_set_new(j, "meeting_id", o->meeting_id ? json_integer(o->meeting_id) : json_null());
    const char *name = o->author_name ? o->author_name : "";
    char masked[128];
    bool full = c->staff || o->author_official || o->author_user_id == c->me;
    if (!full)
        gr_mask_name(name, strlen(name), masked, sizeof(masked));
    json_object_set_new(j, "author_name", json_string(full ? name : masked));
    json_object_set_new(j, "author_official", json_boolean(o->author_official));
    json_object_set_new(j, "masked", json_boolean(!full));
    json_array_append_new(c->items, j);
    return 0;
}

/* Reply with a whole list the store filled (or the store's error). Takes items. */
static void reply_all(struct gr_req *r, enum gr_err e, json_t *items)
{
    if (e) {
        json_decref(items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, items, false, 0);
}

/* Reply with the element of items whose "id" is id, as stored (or the error, or 404).
 * Takes items. */
static void reply_one(struct gr_req *r, enum gr_err e, json_t *items, int64_t id, int status)
{
    json_t *one = NULL, *x;
    size_t k;
    json_array_foreach(items, k, x) if (json_integer_value(json_object_get(x, "id")) == id) one = x;
    json_incref(one);
    json_decref(items);
    if (e || !one) {
        json_decref(one);
        gr_reply_error(r, e ? e : GR_ENOTFOUND, NULL, NULL);
        return;
    }
    gr_reply_json(r, status, one);
}

static void reply_opinion(struct gr_req *r, const struct gr_topic *t, int64_t id, int status)
{
    struct opinions_ctx c = {json_array(), r->who.user_id, is_staff(r, t)};
    reply_one(r, gr_store_opinions(r->st, t->id, opinion_row, &c), c.items, id, status);
}

void gr_h_opinions_list(struct gr_req *r)
{
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    struct opinions_ctx c = {json_array(), r->who.user_id, is_staff(r, &t)};
    reply_all(r, gr_store_opinions(r->st, t.id, opinion_row, &c), c.items);
}

void gr_h_opinions_create(struct gr_req *r)
{
    static const char *const allowed[] = {"body", "stance", "parent_id", "meeting_id", NULL};
    static const char *const stances[] = {"for", "against", "neutral", NULL};
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    struct gr_opinion o;
    memset(&o, 0, sizeof(o));
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "body", true, 2000, &o.body) ||
        !gr_api_text(r, obj, "stance", true, 16, &o.stance))
        goto out;
    if (!gr_api_one_of(o.stance, stances)) {
        gr_reply_error(r, GR_EINVAL, "stance", "must be for, against or neutral");
        goto out;
    }
    json_t *p = json_object_get(obj, "parent_id");
    if (p && !json_is_null(p)) {
        if (!json_is_integer(p) || json_integer_value(p) <= 0) {
            gr_reply_error(r, GR_EINVAL, "parent_id", "must be the id of an opinion");
            goto out;
        }
        o.parent_id = json_integer_value(p);
    }
    /* What someone said at a meeting of the topic (meetings are held while deliberating). */
    json_t *jm = json_object_get(obj, "meeting_id");
    if (jm && !json_is_null(jm)) {
        if (!json_is_integer(jm) || json_integer_value(jm) <= 0 ||
            gr_store_meeting_get(r->st, t.id, json_integer_value(jm)) != GR_OK) {
            gr_reply_error(r, GR_EINVAL, "meeting_id", "is not a meeting of this topic");
            goto out;
        }
        o.meeting_id = json_integer_value(jm);
    }
    if (!gr_topic_opinions_open(gr_stage_parse(t.stage))) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL,
                 "opinions are taken while collecting opinions and deliberating");
        goto out;
    }
    o.topic_id = t.id;
    o.author_user_id = r->who.user_id;
    int64_t id = 0;
    enum gr_err e = gr_store_begin(r->st);
    if (!e) {
        e = gr_store_end(r->st, gr_store_opinion_add(r->st, &o, MAX_OPINION_DEPTH, &id));
    }
    if (e == GR_ENOTFOUND) {
        gr_reply_error(r, GR_EINVAL, "parent_id", "is not an opinion of this topic");
        goto out;
    }
    if (e == GR_EINVAL) {
        gr_reply_error(r, GR_EINVAL, "parent_id", "replies nest at most 3 deep");
        goto out;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    reply_opinion(r, &t, id, 201); /* as stored: its depth and times */
out:
    json_decref(obj);
}

/* ---- meetings ---- */

static int meeting_row(void *ctx, const struct gr_meeting *m)
{
    json_t *j = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)m->id, "held_at", m->held_at,
                          "place", m->place);
    json_object_set_new(j, "agenda", m->agenda ? json_string(m->agenda) : json_null());
    json_object_set_new(j, "minutes", m->minutes ? json_string(m->minutes) : json_null());
    json_object_set_new(j, "participants",
                        m->participants ? json_string(m->participants) : json_null());
    json_object_set_new(j, "attendance", json_integer(m->attendance));
    json_object_set_new(j, "attendee_user_ids", json_array());
    json_object_set_new(j, "attendee_resident_ids", json_array());
    json_array_append_new(ctx, j);
    return 0;
}

/* An attendee goes to the lists of their meeting (the meetings are in ctx). */
static int attendee_row(void *ctx, int64_t meeting, int64_t user, int64_t resident)
{
    for (size_t i = 0; i < json_array_size(ctx); i++) {
        json_t *m = json_array_get(ctx, i);
        if (json_integer_value(json_object_get(m, "id")) == meeting)
            json_array_append_new(
                json_object_get(m, user ? "attendee_user_ids" : "attendee_resident_ids"),
                json_integer(user ? user : resident));
    }
    return 0;
}

/* The meetings of a topic with their attendees. */
static enum gr_err meetings_of(struct gr_req *r, int64_t topic, json_t *items)
{
    enum gr_err e = gr_store_meetings(r->st, topic, meeting_row, items);
    return e ? e : gr_store_meeting_attendees(r->st, topic, attendee_row, items);
}

void gr_h_meetings_list(struct gr_req *r)
{
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *items = json_array();
    reply_all(r, meetings_of(r, t.id, items), items);
}

/* Who attended, from obj's members `users` and `residents` (absent: none): accounts that
 * exist, residents of the topic's scope. Replies and returns false on bad input. */
struct attendees {
    int64_t users[MAX_ATTENDEES], residents[MAX_ATTENDEES];
    size_t n_users, n_residents;
};

static bool parse_attendees(struct gr_req *r, const struct gr_topic *t, json_t *obj,
                            const char *users, const char *residents, struct attendees *a)
{
    if (!gr_api_ids(r, obj, users, MAX_ATTENDEES, true, a->users, &a->n_users) ||
        !gr_api_ids(r, obj, residents, MAX_ATTENDEES, true, a->residents, &a->n_residents))
        return false;
    for (size_t i = 0; i < a->n_users; i++) {
        struct gr_user u;
        if (gr_store_user_get(r->st, a->users[i], &u) != GR_OK) {
            gr_reply_error(r, GR_EINVAL, users, "names an account that does not exist");
            return false;
        }
    }
    enum gr_level level =
        t->anc.id[GR_LEVEL_GRID] == t->scope_node_id ? GR_LEVEL_GRID : GR_LEVEL_COMMUNITY;
    for (size_t i = 0; i < a->n_residents; i++) {
        struct gr_anc ra;
        if (gr_store_anc(r->st, gr_kind_get(GR_K_RESIDENTS), a->residents[i], &ra) != GR_OK ||
            ra.id[level] != t->scope_node_id) {
            gr_reply_error(r, GR_EINVAL, residents, "names a resident outside the topic's scope");
            return false;
        }
    }
    return true;
}

void gr_h_meetings_create(struct gr_req *r)
{
    static const char *const allowed[] = {"held_at",
                                          "place",
                                          "agenda",
                                          "minutes",
                                          "participants",
                                          "attendance",
                                          "attendee_user_ids",
                                          "attendee_resident_ids",
                                          NULL};
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    struct gr_meeting m;
    memset(&m, 0, sizeof(m));
    struct attendees *a = gr_arena_alloc(&r->arena, sizeof(*a));
    int64_t when;
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "held_at", true, 20, &m.held_at) ||
        !gr_api_text(r, obj, "place", true, 100, &m.place) ||
        !gr_api_text(r, obj, "agenda", false, 2000, &m.agenda) ||
        !gr_api_text(r, obj, "minutes", false, 20000, &m.minutes) ||
        !gr_api_text(r, obj, "participants", false, 2000, &m.participants))
        goto out;
    if (!gr_api_parse_time(m.held_at, &when)) {
        gr_reply_error(r, GR_EINVAL, "held_at", "must be a time YYYY-MM-DDTHH:MM:SSZ");
        goto out;
    }
    json_t *att = json_object_get(obj, "attendance");
    if (att && (!json_is_integer(att) || json_integer_value(att) < 0 ||
                json_integer_value(att) > 100000)) {
        gr_reply_error(r, GR_EINVAL, "attendance", "must be an integer from 0 to 100000");
        goto out;
    }
    if (!parse_attendees(r, &t, obj, "attendee_user_ids", "attendee_resident_ids", a))
        goto out;
    /* Without a head count, the people recorded are the count. */
    m.attendance = att ? json_integer_value(att) : (int64_t)(a->n_users + a->n_residents);
    if (!is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community record meetings");
        goto out;
    }
    if (!gr_topic_meetings_open(gr_stage_parse(t.stage))) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL, "meetings are held while deliberating");
        goto out;
    }
    m.topic_id = t.id;
    m.created_by = r->who.user_id;
    int64_t id = 0;
    enum gr_err e = gr_store_begin(r->st);
    if (!e) {
        e = gr_store_meeting_add(r->st, &m, &id);
        if (!e)
            e = gr_store_meeting_attendees_set(r->st, id, a->users, a->n_users, a->residents,
                                               a->n_residents);
        e = gr_store_end(r->st, e);
    }
    json_t *items = json_array();
    if (!e)
        e = meetings_of(r, t.id, items);
    reply_one(r, e, items, id, 201);
out:
    json_decref(obj);
}

void gr_h_meeting_attendees_put(struct gr_req *r)
{
    static const char *const allowed[] = {"user_ids", "resident_ids", NULL};
    struct gr_topic t;
    int64_t mid;
    if (!load_topic(r, &t) || !gr_req_id(r, 1, &mid))
        return;
    if (gr_store_meeting_get(r->st, t.id, mid) != GR_OK) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such meeting of this topic");
        return;
    }
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    struct attendees *a = gr_arena_alloc(&r->arena, sizeof(*a));
    if (!gr_api_only(r, obj, allowed) ||
        !parse_attendees(r, &t, obj, "user_ids", "resident_ids", a))
        goto out;
    if (!is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community record attendance");
        goto out;
    }
    if (!gr_topic_meetings_open(gr_stage_parse(t.stage))) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL, "attendance is recorded while deliberating");
        goto out;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_meeting_attendees_set(r->st, mid, a->users, a->n_users,
                                                               a->residents, a->n_residents));
    json_t *items = json_array();
    if (!e)
        e = meetings_of(r, t.id, items);
    reply_one(r, e, items, mid, 200);
out:
    json_decref(obj);
}

/* ---- votes ---- */

void gr_h_vote_rule_put(struct gr_req *r)
{
    static const char *const allowed[] = {
        "eligibility",  "kind",         "options",  "max_choices", "pass",   "quorum",
        "allow_change", "live_results", "opens_at", "closes_at",   "voters", NULL};
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    struct gr_vote_rule_row v;
    memset(&v, 0, sizeof(v));
    const char *opens = NULL, *closes = NULL;
    char *options = NULL, *voters = NULL;
    if (!gr_api_only(r, obj, allowed) ||
        !gr_api_text(r, obj, "eligibility", true, 16, &v.eligibility) ||
        !gr_api_text(r, obj, "kind", true, 16, &v.kind) ||
        !gr_api_text(r, obj, "pass", true, 32, &v.pass) ||
        !gr_api_text(r, obj, "opens_at", true, 20, &opens) ||
        !gr_api_text(r, obj, "closes_at", true, 20, &closes))
        goto out;
    if (!is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community set the vote rule");
        goto out;
    }
    enum gr_stage stage = gr_stage_parse(t.stage);
    if (stage != GR_STAGE_COLLECTING && stage != GR_STAGE_DELIBERATING) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL, "the vote rule is set before voting opens");
        goto out;
    }
    struct gr_vote_rule rule;
    memset(&rule, 0, sizeof(rule));
    rule.eligibility = gr_vote_eligibility_parse(v.eligibility);
    rule.kind = gr_vote_kind_parse(v.kind);
    rule.pass = gr_vote_pass_parse(v.pass);
    if (!rule.eligibility || !rule.kind || !rule.pass) {
        const char *f = !rule.eligibility ? "eligibility" : !rule.kind ? "kind" : "pass";
        gr_reply_error(r, GR_EINVAL, f, "is not one of the allowed values");
        goto out;
    }
    json_t *opts = json_object_get(obj, "options");
    if (rule.kind == GR_VOTE_YES_NO && !opts)
        opts = json_pack("[s, s, s]", "yes", "no", "abstain");
    else
        json_incref(opts);
    size_t i;
    json_t *o;
    bool opts_ok = json_is_array(opts);
    json_array_foreach(opts, i, o) opts_ok =
        opts_ok && json_is_string(o) && json_string_length(o) > 0 &&
        gr_utf8_len(json_string_value(o), json_string_length(o)) <= 50;
    if (!opts_ok) {
        json_decref(opts);
        gr_reply_error(r, GR_EINVAL, "options", "must be a list of names of 1 to 50 characters");
        goto out;
    }
    rule.n_options = (int)json_array_size(opts);
    options = json_dumps(opts, JSON_COMPACT);
    json_decref(opts);
    json_t *mc = json_object_get(obj, "max_choices");
    if (mc && (!json_is_integer(mc) || json_integer_value(mc) < 1 ||
               json_integer_value(mc) > GR_VOTE_MAX_OPTIONS)) {
        gr_reply_error(r, GR_EINVAL, "max_choices", "must be an integer from 1 to 16");
        goto out;
    }
    rule.max_choices = mc ? (int)json_integer_value(mc) : 1;
    json_t *quorum = json_object_get(obj, "quorum");
    rule.quorum_num = 0;
    rule.quorum_den = 1;
    if (quorum) {
        json_t *n = json_object_get(quorum, "num"), *d = json_object_get(quorum, "den");
        if (!json_is_object(quorum) || !json_is_integer(n) || !json_is_integer(d) ||
            json_object_size(quorum) != 2 || json_integer_value(n) < 0 ||
            json_integer_value(n) > 1000 || json_integer_value(d) < 1 ||
            json_integer_value(d) > 1000) {
            gr_reply_error(r, GR_EINVAL, "quorum", "must be {\"num\": N, \"den\": D}");
            goto out;
        }
        rule.quorum_num = (int)json_integer_value(n);
        rule.quorum_den = (int)json_integer_value(d);
    }
    json_t *ac = json_object_get(obj, "allow_change"), *lr = json_object_get(obj, "live_results");
    if ((ac && !json_is_boolean(ac)) || (lr && !json_is_boolean(lr))) {
        gr_reply_error(r, GR_EINVAL, ac && !json_is_boolean(ac) ? "allow_change" : "live_results",
                       "must be true or false");
        goto out;
    }
    rule.allow_change = json_is_true(ac);
    rule.live_results = json_is_true(lr);
    if (!gr_api_parse_time(opens, &rule.opens_at) || !gr_api_parse_time(closes, &rule.closes_at)) {
        gr_reply_error(r, GR_EINVAL,
                       !gr_api_parse_time(opens, &rule.opens_at) ? "opens_at" : "closes_at",
                       "must be a time YYYY-MM-DDTHH:MM:SSZ");
        goto out;
    }
    const char *field = NULL, *why = NULL;
    if (gr_vote_rule_check(&rule, &field, &why) != GR_OK) {
        gr_reply_error(r, GR_EINVAL, field, why);
        goto out;
    }
    json_t *vl = json_object_get(obj, "voters");
    if (rule.eligibility == GR_ELIG_LIST) {
        bool ok = json_is_array(vl) && json_array_size(vl) > 0 && json_array_size(vl) <= 10000;
        /* Each an existing account, named once. */
        json_array_foreach(vl, i, o)
        {
            struct gr_user u;
            ok = ok && json_is_integer(o) && json_integer_value(o) > 0 &&
                 gr_store_user_get(r->st, json_integer_value(o), &u) == GR_OK;
            for (size_t k = 0; ok && k < i; k++)
                ok = json_integer_value(json_array_get(vl, k)) != json_integer_value(o);
        }
        if (!ok) {
            gr_reply_error(r, GR_EINVAL, "voters", "must list the user ids of the representatives");
            goto out;
        }
        voters = json_dumps(vl, JSON_COMPACT);
    } else if (vl) {
        gr_reply_error(r, GR_EINVAL, "voters", "is only for eligibility list");
        goto out;
    }
    v.options = options;
    v.voter_list = voters;
    v.max_choices = rule.max_choices;
    v.quorum_num = rule.quorum_num;
    v.quorum_den = rule.quorum_den;
    v.allow_change = rule.allow_change;
    v.live_results = rule.live_results;
    v.opens_at = rule.opens_at;
    v.closes_at = rule.closes_at;
    enum gr_err e = gr_store_vote_rule_set(r->st, t.id, &v);
    if (!e)
        e = gr_store_vote_rule_get(r->st, t.id, &v);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    gr_reply_json(r, 200, rule_json(&v));
out:
    free(options);
    free(voters);
    json_decref(obj);
}

enum gr_err gr_api_ballot_slot(struct gr_store *st, int64_t topic, const char *voter, char out[65])
{
    char *key = NULL;
    enum gr_err e = gr_store_setting_get(st, "ballot_key", &key);
    if (e)
        return e;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char msg[128];
    int n = snprintf(msg, sizeof(msg), "%lld:%s", (long long)topic, voter);
    crypto_auth_hmacsha256_state h;
    crypto_auth_hmacsha256_init(&h, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)msg, (unsigned long long)n);
    crypto_auth_hmacsha256_final(&h, mac);
    sodium_bin2hex(out, 65, mac, sizeof(mac));
    free(key);
    return GR_OK;
}

/* The voter a ballot counts for and its floor area (0.01 m²), from the electorate frozen
 * when voting opened; or a reply and false. Online: the caller as the rule's eligibility
 * sees them (their resident, the household they represent, or themselves on a list).
 * Paper: staff name the voter. */
static bool voter_of(struct gr_req *r, const struct gr_topic *t, const struct gr_vote_rule_row *v,
                     json_t *obj, bool paper, char *key, size_t cap, int64_t *area)
{
    static const char *const names[] = {NULL, "resident_id", "household_id", "user_id",
                                        "household_id"};
    static const char *const prefix[] = {NULL, "r", "h", "u", "h"};
    enum gr_vote_eligibility el = gr_vote_eligibility_parse(v->eligibility);
    if (el == GR_ELIG_NONE) {
        gr_reply_error(r, GR_EINTERNAL, NULL, "the vote rule is damaged");
        return false;
    }
    int64_t id = 0;
    if (paper) {
        json_t *who = json_object_get(obj, names[el]);
        if (!json_is_integer(who) || json_integer_value(who) <= 0) {
            gr_reply_error(r, GR_EINVAL, names[el], "names the voter of a paper ballot");
            return false;
        }
        id = json_integer_value(who);
    } else {
        int64_t resident = 0, household = 0;
        bool rep = false;
        if (gr_store_user_links(r->st, r->who.user_id, &resident, &household, &rep) == GR_OK)
            id = el == GR_ELIG_LIST        ? r->who.user_id
                 : el == GR_ELIG_RESIDENTS ? resident
                 : rep                     ? household
                                           : 0;
    }
    snprintf(key, cap, "%s:%lld", prefix[el], (long long)id);
    enum gr_err e = id ? gr_store_elector(r->st, t->id, key, area) : GR_ENOTFOUND;
    if (e == GR_ENOTFOUND) {
        if (paper)
            gr_reply_error(r, GR_EINVAL, names[el],
                           "is not in the electorate frozen when voting opened");
        else
            gr_reply_error(r, GR_EFORBIDDEN, NULL,
                           "you are not in the electorate of this vote (residents, household "
                           "representatives or listed voters of the scope when voting opened)");
        return false;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return false;
    }
    return true;
}

struct vote_job {
    int64_t topic, user, area;
    bool paper, allow_change;
    char key[48], slot[65], choices[GR_VOTE_MAX_OPTIONS * 4];
    int ch[GR_VOTE_MAX_OPTIONS];
    size_t n;
};

/* The write of a ballot, on the writer thread. The stage is read again there: a vote that
 * closed meanwhile takes nothing more. */
static enum gr_err vote_write(struct gr_req *r, void *arg)
{
    struct vote_job *j = arg;
    struct gr_topic t;
    enum gr_err e = gr_store_topic_get(r->st, j->topic, &t);
    if (!e && gr_stage_parse(t.stage) != GR_STAGE_VOTING)
        e = GR_ECONFLICT;
    else if (!e)
        e = gr_store_vote_cast(r->st, j->topic, j->key, j->slot, j->choices, j->area,
                               j->paper ? "paper" : "online", j->user,
                               j->allow_change && !j->paper);
    if (e == GR_ECONFLICT) {
        if (gr_stage_parse(t.stage) != GR_STAGE_VOTING)
            conflict(r, GR_REASON_WRONG_STAGE, NULL, "the topic is not in its voting stage");
        else if (j->allow_change && !j->paper)
            conflict(r, R_PAPER, NULL, "this ballot was entered on paper");
        else
            conflict(r, R_VOTED, NULL, "this voter has voted already");
        return e;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return e;
    }
    json_t *c = json_array();
    for (size_t i = 0; i < j->n; i++)
        json_array_append_new(c, json_integer(j->ch[i]));
    gr_reply_json(r, 201, json_pack("{s:b, s:o}", "voted", 1, "choices", c));
    return GR_OK;
}

void gr_h_votes_create(struct gr_req *r)
{
    static const char *const allowed[] = {"choices",      "paper",   "resident_id",
                                          "household_id", "user_id", NULL};
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    char key[48], slot[65], choices[GR_VOTE_MAX_OPTIONS * 4];
    int ch[GR_VOTE_MAX_OPTIONS];
    size_t n = 0;
    int64_t area;
    struct gr_vote_rule_row v;
    struct gr_vote_rule rule;
    enum gr_err e;
    if (!gr_api_only(r, obj, allowed))
        goto out;
    json_t *jc = json_object_get(obj, "choices");
    json_t *paper_j = json_object_get(obj, "paper");
    bool paper = json_is_true(paper_j);
    if (paper_j && !json_is_boolean(paper_j)) {
        gr_reply_error(r, GR_EINVAL, "paper", "must be true or false");
        goto out;
    }
    if (!json_is_array(jc) || json_array_size(jc) == 0 ||
        json_array_size(jc) > GR_VOTE_MAX_OPTIONS) {
        gr_reply_error(r, GR_EINVAL, "choices", "must be a list of option numbers");
        goto out;
    }
    size_t i;
    json_t *o;
    json_array_foreach(jc, i, o)
    {
        if (!json_is_integer(o) || json_integer_value(o) < 0 ||
            json_integer_value(o) >= GR_VOTE_MAX_OPTIONS) {
            gr_reply_error(r, GR_EINVAL, "choices", "names an option that is not offered");
            goto out;
        }
        ch[n++] = (int)json_integer_value(o);
    }
    if (gr_stage_parse(t.stage) != GR_STAGE_VOTING) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL, "the topic is not in its voting stage");
        goto out;
    }
    if ((e = gr_store_vote_rule_get(r->st, t.id, &v))) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    rule_from_row(&v, &rule);
    if (!gr_vote_open(&rule, (int64_t)time(NULL))) {
        conflict(r, R_WINDOW, NULL, "voting is not open now");
        goto out;
    }
    const char *why = NULL;
    if (gr_vote_ballot_check(&rule, ch, n, &why) != GR_OK) {
        gr_reply_error(r, GR_EINVAL, "choices", why);
        goto out;
    }
    static const char *const named[] = {"resident_id", "household_id", "user_id"};
    for (int k = 0; !paper && k < 3; k++)
        if (json_object_get(obj, named[k])) {
            gr_reply_error(r, GR_EINVAL, named[k], "names the voter of a paper ballot only");
            goto out;
        }
    if (paper && !is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community enter paper ballots");
        goto out;
    }
    if (!voter_of(r, &t, &v, obj, paper, key, sizeof(key), &area))
        goto out;
    size_t at = 0;
    for (size_t k = 0; k < n; k++)
        at += (size_t)snprintf(choices + at, sizeof(choices) - at, "%s%d", k ? "," : "", ch[k]);
    if ((e = gr_api_ballot_slot(r->st, t.id, key, slot))) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    /* The ballot goes through the group commit: many in one synced transaction. */
    struct vote_job *j = gr_arena_alloc(&r->arena, sizeof(*j));
    memset(j, 0, sizeof(*j));
    j->topic = t.id;
    j->user = r->who.user_id;
    j->area = area;
    j->paper = paper;
    j->allow_change = rule.allow_change;
    snprintf(j->key, sizeof(j->key), "%s", key);
    snprintf(j->slot, sizeof(j->slot), "%s", slot);
    snprintf(j->choices, sizeof(j->choices), "%s", choices);
    memcpy(j->ch, ch, n * sizeof(ch[0]));
    j->n = n;
    gr_req_defer(r, vote_write, j);
out:
    json_decref(obj);
}

void gr_h_results_get(struct gr_req *r)
{
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    struct gr_vote_rule_row v;
    enum gr_err e = gr_store_vote_rule_get(r->st, t.id, &v);
    if (e == GR_ENOTFOUND) {
        gr_reply_error(r, e, NULL, "this topic has no vote");
        return;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    struct gr_vote_rule rule;
    struct gr_tally tally;
    rule_from_row(&v, &rule);
    if ((e = load_tally(r, t.id, &v, &rule, &tally))) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    enum gr_stage stage = gr_stage_parse(t.stage);
    /* Counted from the opening of the vote: voting and every stage after it, and a topic
     * dismissed after its vote opened. Declined and withdrawn topics never voted. */
    bool closed = stage > GR_STAGE_VOTING && stage <= GR_STAGE_CLOSED;
    bool counting = (stage >= GR_STAGE_VOTING && stage <= GR_STAGE_CLOSED) ||
                    (stage == GR_STAGE_DISMISSED && v.eligible >= 0);
    json_t *o = json_object();
    json_object_set_new(o, "topic_id", json_integer(t.id));
    json_object_set_new(o, "stage", json_string(t.stage));
    json_object_set_new(o, "closed", json_boolean(closed));
    /* Turnout is public from the start: who voted, never how. */
    json_t *turnout = json_pack("{s:I, s:I}", "voted", (json_int_t)tally.voted, "eligible",
                                (json_int_t)(counting ? tally.eligible : 0));
    if (rule.eligibility == GR_ELIG_OWNERS) {
        json_object_set_new(turnout, "voted_area_m2", json_real((double)tally.voted_area / 100.0));
        json_object_set_new(turnout, "eligible_area_m2",
                            json_real((double)tally.eligible_area / 100.0));
    }
    json_object_set_new(o, "turnout", turnout);
    if (closed || (counting && rule.live_results)) {
        json_t *opts = json_loads(v.options, 0, NULL);
        json_t *rows = json_array();
        for (int i = 0; i < rule.n_options; i++) {
            json_t *row =
                json_pack("{s:i, s:O, s:I}", "option", i, "label", json_array_get(opts, (size_t)i),
                          "count", (json_int_t)tally.count[i]);
            if (rule.eligibility == GR_ELIG_OWNERS)
                json_object_set_new(row, "area_m2", json_real((double)tally.area[i] / 100.0));
            json_array_append_new(rows, row);
        }
        json_decref(opts);
        json_object_set_new(o, "tally", rows);
        struct gr_vote_outcome out;
        gr_vote_decide(&rule, &tally, &out);
        json_t *oc = json_pack("{s:b, s:b, s:s}", "quorum_met", out.quorum_met, "passed",
                               closed ? t.passed == 1 : out.passed, "reason", out.reason);
        json_t *w = json_array();
        for (int i = 0; i < out.n_winners; i++)
            json_array_append_new(w, json_integer(out.winners[i]));
        json_object_set_new(oc, "winners", w);
        json_object_set_new(o, closed ? "outcome" : "provisional", oc);
    } else {
        json_object_set_new(o, "tally", json_null());
    }
    json_object_set_new(o, "digest", t.tally_digest ? json_string(t.tally_digest) : json_null());
    /* The caller's own ballot, to the caller alone: a ballot this account cast online, or
     * the paper ballot staff entered for the caller's voter (which staff know already) --
     * never one another account cast online for the same household. */
    int64_t resident = 0, household = 0;
    bool rep = false;
    char key[48] = "", slot[65];
    enum gr_vote_eligibility el = rule.eligibility;
    if (gr_store_user_links(r->st, r->who.user_id, &resident, &household, &rep) == GR_OK) {
        if (el == GR_ELIG_LIST)
            snprintf(key, sizeof(key), "u:%lld", (long long)r->who.user_id);
        else if (el == GR_ELIG_RESIDENTS && resident)
            snprintf(key, sizeof(key), "r:%lld", (long long)resident);
        else if ((el == GR_ELIG_HOUSEHOLDS || el == GR_ELIG_OWNERS) && household && rep)
            snprintf(key, sizeof(key), "h:%lld", (long long)household);
    }
    json_t *mine = json_null();
    char *choices = NULL;
    bool voted = false, on_paper = false;
    int64_t cast_by = 0;
    if (key[0] && gr_store_voted(r->st, t.id, key, &voted, &cast_by, &on_paper) == GR_OK && voted &&
        (on_paper || cast_by == r->who.user_id) &&
        gr_api_ballot_slot(r->st, t.id, key, slot) == GR_OK &&
        gr_store_ballot_of(r->st, t.id, slot, &choices) == GR_OK && choices) {
        mine = json_array();
        for (char *p = choices; *p;) {
            char *end;
            json_array_append_new(mine, json_integer(strtol(p, &end, 10)));
            p = *end == ',' ? end + 1 : end;
        }
    }
    free(choices);
    json_object_set_new(o, "my_ballot", mine);
    gr_reply_json(r, 200, o);
}

void gr_h_decision_put(struct gr_req *r)
{
    static const char *const allowed[] = {"text", "organisation_id", "person", NULL};
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *text = NULL, *person = NULL;
    int64_t org = 0;
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "text", true, 5000, &text) ||
        !gr_api_text(r, obj, "person", false, 32, &person))
        goto out;
    json_t *jo = json_object_get(obj, "organisation_id");
    if (jo && !json_is_null(jo)) {
        struct gr_anc oa;
        if (!json_is_integer(jo) ||
            gr_store_anc(r->st, gr_kind_get(GR_K_ORGANISATIONS), json_integer_value(jo), &oa) ||
            !gr_access_allows(&r->who, GR_K_ORGANISATIONS, &oa, GR_ACT_READ)) {
            gr_reply_error(r, GR_EINVAL, "organisation_id",
                           "refers to a record that does not exist");
            goto out;
        }
        org = json_integer_value(jo);
    }
    if (!is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community record the decision");
        goto out;
    }
    if (gr_stage_parse(t.stage) != GR_STAGE_DECIDED || t.passed != 1) {
        conflict(r,
                 gr_stage_parse(t.stage) != GR_STAGE_DECIDED ? GR_REASON_WRONG_STAGE : R_NOT_PASSED,
                 NULL, "a decision is recorded for a topic that passed");
        goto out;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st,
                         gr_store_topic_decide(r->st, t.id, text, org, person, r->who.user_id));
    if (!e)
        e = gr_store_topic_get(r->st, t.id, &t);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    gr_reply_json(r, 200, topic_json(&t));
out:
    json_decref(obj);
}

/* ---- implementation and public notice ---- */

static int item_row(void *ctx, const struct gr_topic_item *it)
{
    json_t *o = json_pack("{s:I, s:s, s:i, s:s}", "id", (json_int_t)it->id, "title", it->title,
                          "progress", it->progress, "updated_at", it->updated_at);
    json_object_set_new(o, "due_on", it->due_on ? json_string(it->due_on) : json_null());
    json_object_set_new(o, "photos", json_array());
    json_array_append_new(ctx, o);
    return 0;
}

static int objection_row(void *ctx, const struct gr_objection *ob)
{
    json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)ob->id, "body", ob->body,
                          "created_at", ob->created_at);
    json_object_set_new(o, "answer", ob->answer ? json_string(ob->answer) : json_null());
    json_object_set_new(o, "answered_at",
                        ob->answered_at ? json_string(ob->answered_at) : json_null());
    json_array_append_new(ctx, o);
    return 0;
}

static json_t *photo_json(const struct gr_topic_photo *p)
{
    char url[48];
    snprintf(url, sizeof(url), "/api/v1/photos/%lld", (long long)p->id);
    json_t *o =
        json_pack("{s:I, s:s, s:I, s:s, s:o}", "id", (json_int_t)p->id, "mime", p->mime, "size",
                  (json_int_t)p->size, "url", url, "created_at", gr_api_time(p->created_at));
    json_object_set_new(o, "item_id", p->item_id ? json_integer(p->item_id) : json_null());
    return o;
}

/* The photos of a topic go to its "photos" (item_id 0) or to the "photos" of their item. */
struct photos_ctx {
    json_t *topic, *items;
};

static int photo_row(void *ctx, const struct gr_topic_photo *p)
{
    struct photos_ctx *c = ctx;
    json_t *dest = c->topic;
    for (size_t i = 0; p->item_id && i < json_array_size(c->items); i++) {
        json_t *x = json_array_get(c->items, i);
        if (json_integer_value(json_object_get(x, "id")) == p->item_id)
            dest = json_object_get(x, "photos");
    }
    json_array_append_new(dest, photo_json(p));
    return 0;
}

/* Items (with their photos), their mean progress, the topic's own photos and the
 * objections, added to a topic's answer. */
enum gr_err gr_api_topic_extras(struct gr_req *r, int64_t topic, json_t *o)
{
    json_t *items = json_array(), *objections = json_array(), *photos = json_array();
    int open = 0;
    enum gr_err e = gr_store_items(r->st, topic, item_row, items);
    struct photos_ctx pc = {photos, items};
    if (!e)
        e = gr_store_topic_photos(r->st, topic, photo_row, &pc);
    json_object_set_new(o, "photos", photos);
    if (!e)
        e = gr_store_objections(r->st, topic, objection_row, objections, &open);
    int64_t sum = 0;
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) sum += json_integer_value(json_object_get(x, "progress"));
    json_object_set_new(o, "progress",
                        json_array_size(items) ? json_integer(sum / (int64_t)json_array_size(items))
                                               : json_null());
    json_object_set_new(o, "items", items);
    json_object_set_new(o, "objections", objections);
    json_object_set_new(o, "open_objections", json_integer(open));
    return e;
}

void gr_h_items_create(struct gr_req *r)
{
    static const char *const allowed[] = {"title", "due_on", NULL};
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *title = NULL, *due = NULL;
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "title", true, 100, &title) ||
        !gr_api_text(r, obj, "due_on", false, 10, &due))
        goto out;
    if (due && !gr_date_valid(due, strlen(due))) {
        gr_reply_error(r, GR_EINVAL, "due_on", "must be a date YYYY-MM-DD");
        goto out;
    }
    if (!is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community plan the implementation");
        goto out;
    }
    if (gr_stage_parse(t.stage) != GR_STAGE_IMPLEMENTING) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL, "items are planned while implementing");
        goto out;
    }
    int64_t id;
    enum gr_err e = gr_store_item_add(r->st, t.id, title, due, &id);
    json_t *items = json_array();
    if (!e)
        e = gr_store_items(r->st, t.id, item_row, items);
    reply_one(r, e, items, id, 201);
out:
    json_decref(obj);
}

void gr_h_items_update(struct gr_req *r)
{
    static const char *const allowed[] = {"progress", "note", NULL};
    struct gr_topic t;
    int64_t item;
    if (!load_topic(r, &t) || !gr_req_id(r, 1, &item))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *note = NULL;
    json_t *p = json_object_get(obj, "progress");
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "note", false, 500, &note))
        goto out;
    if (!json_is_integer(p) || json_integer_value(p) < 0 || json_integer_value(p) > 100) {
        gr_reply_error(r, GR_EINVAL, "progress", "must be an integer from 0 to 100");
        goto out;
    }
    if (!is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community report progress");
        goto out;
    }
    if (gr_stage_parse(t.stage) != GR_STAGE_IMPLEMENTING) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL, "progress is reported while implementing");
        goto out;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e) {
        e = gr_store_end(r->st,
                         gr_store_item_progress(r->st, t.id, item, (int)json_integer_value(p),
                                                r->who.user_id, note));
    }
    if (e) {
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such item of this topic" : NULL);
        goto out;
    }
    json_t *o = json_object();
    if ((e = gr_api_topic_extras(r, t.id, o))) {
        json_decref(o);
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    gr_reply_json(r, 200, o);
out:
    json_decref(obj);
}

void gr_h_objections_create(struct gr_req *r)
{
    static const char *const allowed[] = {"body", NULL};
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *body = NULL;
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "body", true, 2000, &body))
        goto out;
    if (gr_stage_parse(t.stage) != GR_STAGE_NOTICE ||
        (t.notice_ends_at && (int64_t)time(NULL) >= t.notice_ends_at)) {
        conflict(r,
                 gr_stage_parse(t.stage) != GR_STAGE_NOTICE ? GR_REASON_WRONG_STAGE : R_NOTICE_OVER,
                 NULL, "objections are raised during the public notice");
        goto out;
    }
    int64_t id;
    enum gr_err e = gr_store_objection_add(r->st, t.id, r->who.user_id, body, &id);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    gr_reply_json(r, 201,
                  json_pack("{s:I, s:s, s:n}", "id", (json_int_t)id, "body", body, "answer"));
out:
    json_decref(obj);
}

void gr_h_objections_answer(struct gr_req *r)
{
    static const char *const allowed[] = {"answer", NULL};
    struct gr_topic t;
    int64_t oid;
    if (!load_topic(r, &t) || !gr_req_id(r, 1, &oid))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *answer = NULL;
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "answer", true, 2000, &answer))
        goto out;
    if (!is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community answer objections");
        goto out;
    }
    if (gr_stage_parse(t.stage) != GR_STAGE_NOTICE) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL, "objections are answered during the notice");
        goto out;
    }
    enum gr_err e = gr_store_objection_answer(r->st, t.id, oid, r->who.user_id, answer);
    if (e == GR_ECONFLICT) {
        conflict(r, R_ANSWERED, NULL, "this objection has an answer already");
        goto out;
    }
    if (e) {
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such objection of this topic" : NULL);
        goto out;
    }
    gr_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)oid, "answer", answer));
out:
    json_decref(obj);
}

/* ---- opinion edits, reports and moderation; participation ---- */

#define REPORTS_TO_HIDE 3

void gr_h_opinions_edit(struct gr_req *r)
{
    static const char *const allowed[] = {"body", NULL};
    struct gr_topic t;
    int64_t oid;
    if (!load_topic(r, &t) || !gr_req_id(r, 1, &oid))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *body = NULL;
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "body", true, 2000, &body))
        goto out;
    if (!gr_topic_opinions_open(gr_stage_parse(t.stage))) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL, "opinions are edited while they are taken");
        goto out;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e) {
        e = gr_store_end(r->st, gr_store_opinion_edit(r->st, t.id, oid, r->who.user_id, body));
    }
    if (e) {
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no opinion of yours by that id" : NULL);
        goto out;
    }
    reply_opinion(r, &t, oid, 200);
out:
    json_decref(obj);
}

void gr_h_opinions_report(struct gr_req *r)
{
    static const char *const allowed[] = {"reason", NULL};
    struct gr_topic t;
    int64_t oid;
    if (!load_topic(r, &t) || !gr_req_id(r, 1, &oid))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *reason = NULL;
    bool hidden = false;
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "reason", true, 200, &reason))
        goto out;
    enum gr_err e = gr_store_begin(r->st);
    if (!e) {
        e = gr_store_end(r->st, gr_store_opinion_report(r->st, t.id, oid, r->who.user_id, reason,
                                                        REPORTS_TO_HIDE, &hidden));
    }
    if (e == GR_ECONFLICT) {
        conflict(r, R_REPORTED, NULL, "you reported this opinion already");
        goto out;
    }
    if (e) {
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such opinion of this topic" : NULL);
        goto out;
    }
    gr_reply_json(r, 201, json_pack("{s:b}", "hidden", hidden));
out:
    json_decref(obj);
}

void gr_h_opinions_moderate(struct gr_req *r)
{
    static const char *const allowed[] = {"hidden", "reason", NULL};
    struct gr_topic t;
    int64_t oid;
    if (!load_topic(r, &t) || !gr_req_id(r, 1, &oid))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *reason = NULL;
    json_t *h = json_object_get(obj, "hidden");
    if (!gr_api_only(r, obj, allowed) || !gr_api_text(r, obj, "reason", true, 500, &reason))
        goto out;
    if (!json_is_boolean(h)) {
        gr_reply_error(r, GR_EINVAL, "hidden", "must be true or false");
        goto out;
    }
    if (!is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community moderate opinions");
        goto out;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e) {
        e = gr_store_end(r->st, gr_store_opinion_moderate(r->st, t.id, oid, json_is_true(h),
                                                          r->who.user_id, reason));
    }
    if (e) {
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such opinion of this topic" : NULL);
        goto out;
    }
    reply_opinion(r, &t, oid, 200);
out:
    json_decref(obj);
}

static int participation_row(void *ctx, const struct gr_participation *p)
{
    json_t *o = json_pack("{s:s, s:I, s:s, s:s}", "kind", p->kind, "topic_id",
                          (json_int_t)p->topic_id, "topic_title", p->topic_title, "at", p->at);
    if (p->channel)
        json_object_set_new(o, "channel", json_string(p->channel));
    if (p->meeting_id)
        json_object_set_new(o, "meeting_id", json_integer(p->meeting_id));
    json_array_append_new(ctx, o);
    return 0;
}

static void reply_participation(struct gr_req *r, int64_t user, int64_t household)
{
    json_t *items = json_array();
    reply_all(r, gr_store_participation(r->st, user, household, participation_row, items), items);
}

void gr_h_user_participation(struct gr_req *r)
{
    int64_t id;
    if (!gr_req_id(r, 0, &id))
        return;
    /* Oneself, or staff who manage accounts where this one is granted. */
    bool may = id == r->who.user_id || gr_access_is_admin(&r->who);
    if (!may) {
        struct gr_principal p;
        if (gr_store_grants(r->st, id, &p) == GR_OK)
            for (size_t i = 0; i < p.n_grants && !may; i++) {
                struct gr_anc a;
                if (p.grants[i].node_id &&
                    gr_store_anc(r->st, gr_kind_get(GR_K_NODES), p.grants[i].node_id, &a) == GR_OK)
                    may = gr_access_allows(&r->who, GR_K_NODES, &a, GR_ACT_WRITE);
            }
    }
    if (!may) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such user");
        return;
    }
    reply_participation(r, id, 0);
}

void gr_h_household_participation(struct gr_req *r)
{
    int64_t id;
    struct gr_anc anc;
    if (!gr_req_id(r, 0, &id) || !gr_api_visible(r, gr_kind_get(GR_K_HOUSEHOLDS), id, &anc))
        return;
    reply_participation(r, 0, id);
}

/* ---- invited organisations, followers, photos ---- */

void gr_h_topic_orgs_put(struct gr_req *r)
{
    static const char *const allowed[] = {"organisation_ids", NULL};
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    int64_t orgs[MAX_INVITED];
    size_t n = 0;
    if (!gr_api_only(r, obj, allowed))
        goto out;
    if (!json_is_array(json_object_get(obj, "organisation_ids"))) {
        gr_reply_error(r, GR_EINVAL, "organisation_ids", "is required: a list of ids");
        goto out;
    }
    if (!gr_api_ids(r, obj, "organisation_ids", MAX_INVITED, true, orgs, &n) ||
        !orgs_invitable(r, orgs, n, &t.anc, "organisation_ids"))
        goto out;
    if (!is_staff(r, &t)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff of the community invite organisations");
        goto out;
    }
    /* Invited to give opinions: until voting starts. */
    enum gr_stage stage = gr_stage_parse(t.stage);
    if (stage != GR_STAGE_PROPOSED && stage != GR_STAGE_COLLECTING &&
        stage != GR_STAGE_DELIBERATING) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL, "organisations are invited before voting starts");
        goto out;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_topic_orgs_set(r->st, t.id, orgs, n, r->who.user_id));
    json_t *list = json_array();
    if (!e)
        e = gr_store_topic_orgs(r->st, t.id, id_row, list);
    if (e) {
        json_decref(list);
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    gr_reply_json(r, 200, json_pack("{s:o}", "organisation_ids", list));
out:
    json_decref(obj);
}

void gr_h_topic_follow(struct gr_req *r)
{
    struct gr_topic t;
    if (!load_topic(r, &t))
        return;
    bool on = r->method == GR_POST;
    int count = 0;
    bool following = false;
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_topic_follow(r->st, t.id, r->who.user_id, on));
    if (!e)
        e = gr_store_topic_followers(r->st, t.id, r->who.user_id, &count, &following);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_json(r, 200, json_pack("{s:b, s:i}", "following", following, "followers", count));
}

void gr_h_topic_photos_add(struct gr_req *r)
{
    struct gr_topic t;
    int64_t item;
    if (!load_topic(r, &t) || !gr_req_int(r, "item_id", 1, INT64_MAX, 0, &item))
        return;
    if (item && gr_store_item_get(r->st, t.id, item) != GR_OK) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such item of this topic");
        return;
    }
    const char *mime = gr_api_photo(r);
    if (!mime)
        return;
    /* The topic's own photos: its proposer and staff; an item's: staff. */
    bool staff = is_staff(r, &t);
    if (!staff && (item || t.proposer_user_id != r->who.user_id)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL,
                       item ? "staff of the community add photos of the implementation"
                            : "the proposer and staff of the community add photos of a topic");
        return;
    }
    enum gr_stage stage = gr_stage_parse(t.stage);
    bool open = item ? stage == GR_STAGE_IMPLEMENTING || stage == GR_STAGE_NOTICE
                     : stage >= GR_STAGE_PROPOSED && stage < GR_STAGE_CLOSED;
    if (!open) {
        conflict(r, GR_REASON_WRONG_STAGE, NULL,
                 item ? "photos of the implementation are added while implementing or under notice"
                      : "photos are added to a topic that is still open");
        return;
    }
    char sha[65];
    gr_sha256_hex(r->body.data, r->body.len, sha);
    struct gr_topic_photo p = {.topic_id = t.id,
                               .item_id = item,
                               .uploaded_by = r->who.user_id,
                               .created_at = (int64_t)time(NULL),
                               .size = (int64_t)r->body.len,
                               .mime = mime,
                               .sha256 = sha,
                               .bytes = r->body.data};
    int64_t id = 0;
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_topic_photo_add(r->st, &p, MAX_TOPIC_PHOTOS, &id));
    if (e == GR_ECONFLICT) {
        conflict(r, R_PHOTOS, "photo",
                 item ? "an item holds at most 9 photos" : "a topic holds at most 9 photos");
        return;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    p.id = id;
    gr_reply_json(r, 201, photo_json(&p));
}

bool gr_api_topic_photo_visible(struct gr_req *r, int64_t photo_id)
{
    int64_t topic = 0;
    struct gr_topic t;
    return r->authed && gr_store_photo_topic(r->st, photo_id, &topic) == GR_OK && topic &&
           gr_store_topic_get(r->st, topic, &t) == GR_OK && topic_visible(r, &t);
}
