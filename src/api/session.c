/*
 * session.c - log in and out, the current session, API tokens, and users with their
 * grants.
 *
 * A session is a random 32-byte token in an HttpOnly, SameSite=Strict cookie, stored by
 * its SHA-256; its CSRF token must accompany every write made with the cookie. Failed
 * logins are throttled per account and per address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/text.h"
#include "api.h"

#define SESSION_SECONDS (12 * 60 * 60)

/* Read the required string members names[0..n) of obj into out[]; other members must be
 * among also (NULL-terminated, may be NULL). Replies 400 naming the first member that is
 * missing, not a string or unknown. */
static bool strings(struct gr_req *r, json_t *obj, const char *const *names, size_t n,
                    const char **out, const char *const *also)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        bool known = false;
        for (size_t i = 0; i < n; i++)
            known = known || strcmp(key, names[i]) == 0;
        for (const char *const *a = also; a && *a; a++)
            known = known || strcmp(key, *a) == 0;
        if (!known) {
            gr_reply_error(r, GR_EINVAL, gr_arena_strndup(&r->arena, key, strlen(key)),
                           "is not a field here");
            return false;
        }
    }
    for (size_t i = 0; i < n; i++) {
        json_t *m = json_object_get(obj, names[i]);
        if (!m) {
            gr_reply_error(r, GR_EINVAL, names[i], "is required");
            return false;
        }
        if (!json_is_string(m)) {
            gr_reply_error(r, GR_EINVAL, names[i], "must be a string");
            return false;
        }
        out[i] = json_string_value(m);
    }
    return true;
}

static json_t *grants_json(const struct gr_principal *p)
{
    json_t *a = json_array();
    for (size_t i = 0; i < p->n_grants; i++) {
        const struct gr_grant *g = &p->grants[i];
        json_t *o = json_pack("{s:s}", "role", gr_role_name(g->role));
        json_object_set_new(o, "node_id", g->node_id ? json_integer(g->node_id) : json_null());
        json_object_set_new(o, "organisation_id",
                            g->organisation_id ? json_integer(g->organisation_id) : json_null());
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *user_json(const struct gr_user *u, const struct gr_principal *p)
{
    return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)u->id, "login", u->login, "name",
                     u->name, "grants", grants_json(p));
}

static const char *client_addr(struct gr_req *r)
{
    return r->client[0] ? r->client : "-";
}

void gr_h_session_create(struct gr_req *r)
{
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    static const char *const names[] = {"login", "password"};
    const char *v[2];
    if (!strings(r, obj, names, 2, v, NULL)) {
        json_decref(obj);
        return;
    }
    const char *login = v[0], *password = v[1];
    const char *addr = client_addr(r);
    if (gr_server_throttled(r->srv, login, addr)) {
        json_decref(obj);
        gr_reply_error(r, GR_EBUSY, NULL, "too many failed logins; try again in 15 minutes");
        return;
    }
    struct gr_user u;
    enum gr_err e = gr_store_user_by_login(r->st, login, &u);
    /* Verify something even for an unknown login, so timing does not tell them apart. */
    static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                "9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ";
    bool ok =
        gr_password_verify(e == GR_OK ? u.pw_hash : dummy, password) && e == GR_OK && !u.disabled;
    if (!ok) {
        gr_server_login_failed(r->srv, login, addr);
        json_decref(obj);
        if (e && e != GR_ENOTFOUND)
            gr_reply_error(r, e, NULL, NULL);
        else
            gr_reply_error(r, GR_EAUTH, NULL, "wrong login or password");
        return;
    }
    gr_server_login_ok(r->srv, login, addr);
    int64_t user_id = u.id;
    char token[65], csrf[33], hash[65];
    gr_random_hex(32, token);
    gr_random_hex(16, csrf);
    gr_sha256_hex(token, strlen(token), hash);
    e = gr_store_session_create(r->st, hash, user_id, csrf, (int64_t)time(NULL) + SESSION_SECONDS);
    json_decref(obj);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    struct gr_principal p;
    if ((e = gr_store_grants(r->st, user_id, &p)) || (e = gr_store_user_get(r->st, user_id, &u))) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    char cookie[160];
    snprintf(cookie, sizeof(cookie), "gr_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d",
             token, SESSION_SECONDS);
    r->set_cookie = gr_strdup(cookie);
    gr_reply_json(r, 200, json_pack("{s:s, s:o}", "csrf_token", csrf, "user", user_json(&u, &p)));
}

/* The caller's own home in the network, when the account stands for a resident: the
 * resident, household, unit and building (a resident's "my building"), or null. */
static json_t *home_json(struct gr_req *r)
{
    int64_t resident = 0, household = 0;
    bool rep = false;
    if (gr_store_user_links(r->st, r->who.user_id, &resident, &household, &rep) != GR_OK ||
        !household)
        return json_null();
    const struct gr_kind *hk = gr_kind_get(GR_K_HOUSEHOLDS), *uk = gr_kind_get(GR_K_UNITS);
    struct gr_row row;
    int64_t unit = 0, building = 0;
    int uf = gr_kind_field(hk, "unit_id", 7), bf = gr_kind_field(uk, "building_id", 11);
    if (uf >= 0 && gr_store_get(r->st, hk, household, &row) == GR_OK)
        unit = row.vals[uf].i;
    if (unit && bf >= 0 && gr_store_get(r->st, uk, unit, &row) == GR_OK)
        building = row.vals[bf].i;
    return json_pack(
        "{s:o, s:I, s:o, s:o, s:b}", "resident_id", resident ? json_integer(resident) : json_null(),
        "household_id", (json_int_t)household, "unit_id", unit ? json_integer(unit) : json_null(),
        "building_id", building ? json_integer(building) : json_null(), "household_rep", rep);
}

void gr_h_session_get(struct gr_req *r)
{
    struct gr_user u;
    enum gr_err e = gr_store_user_get(r->st, r->who.user_id, &u);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    json_t *o = json_pack("{s:o}", "user", user_json(&u, &r->who));
    json_object_set_new(o, "csrf_token", r->via_cookie ? json_string(r->csrf) : json_null());
    json_object_set_new(o, "home", home_json(r));
    gr_reply_json(r, 200, o);
}

void gr_h_session_delete(struct gr_req *r)
{
    if (r->via_cookie) {
        const char *tok = gr_req_cookie(r, "gr_session");
        char hash[65];
        gr_sha256_hex(tok, strlen(tok), hash);
        enum gr_err e = gr_store_session_delete(r->st, hash);
        if (e) {
            gr_reply_error(r, e, NULL, NULL);
            return;
        }
    }
    r->set_cookie = gr_strdup("gr_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    gr_reply_static(r, 204, "text/plain", "", 0);
}

void gr_h_tokens_create(struct gr_req *r)
{
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    static const char *const names[] = {"name"};
    const char *name = NULL;
    if (!strings(r, obj, names, 1, &name, NULL)) {
        json_decref(obj);
        return;
    }
    if (strlen(name) == 0 || strlen(name) > 64) {
        json_decref(obj);
        gr_reply_error(r, GR_EINVAL, "name", "must be 1 to 64 bytes");
        return;
    }
    char token[65], hash[65];
    gr_random_hex(32, token);
    gr_sha256_hex(token, strlen(token), hash);
    enum gr_err e = gr_store_token_create(r->st, hash, r->who.user_id, name);
    json_decref(obj);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_json(r, 201, json_pack("{s:s}", "token", token));
}

/* ---- users ---- */

static bool login_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

/* Parse and check the grants array into p; replies and returns false on error. */
static bool parse_grants(struct gr_req *r, json_t *arr, struct gr_principal *p)
{
    memset(p, 0, sizeof(*p));
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > GR_MAX_GRANTS) {
        gr_reply_error(r, GR_EINVAL, "grants", "must be a list of 1 to 16 grants");
        return false;
    }
    size_t i;
    json_t *g;
    json_array_foreach(arr, i, g)
    {
        const char *role = NULL;
        json_int_t node = 0, org = 0;
        json_error_t jerr;
        if (json_unpack_ex(g, &jerr, JSON_STRICT, "{s:s, s?I, s?I}", "role", &role, "node_id",
                           &node, "organisation_id", &org) != 0 ||
            (node != 0) == (org != 0)) {
            gr_reply_error(r, GR_EINVAL, "grants",
                           "each grant is {\"role\", \"node_id\"} or {\"role\", "
                           "\"organisation_id\"}");
            return false;
        }
        struct gr_grant *x = &p->grants[p->n_grants++];
        x->role = gr_role_parse(role, strlen(role));
        if (x->role == GR_ROLE_NONE) {
            gr_reply_error(r, GR_EINVAL, "grants", "names an unknown role");
            return false;
        }
        const struct gr_kind *k = gr_kind_get(node ? GR_K_NODES : GR_K_ORGANISATIONS);
        struct gr_anc anc;
        enum gr_err e = gr_store_anc(r->st, k, node ? node : org, &anc);
        if (e == GR_ENOTFOUND || (!e && !gr_access_allows(&r->who, k->id, &anc, GR_ACT_READ))) {
            gr_reply_error(r, GR_EINVAL, node ? "node_id" : "organisation_id",
                           "refers to a record that does not exist");
            return false;
        }
        if (e) {
            gr_reply_error(r, e, NULL, NULL);
            return false;
        }
        if (!gr_access_may_grant(&r->who, x->role, &anc)) {
            gr_reply_error(r, GR_EFORBIDDEN, "grants", "you may not grant this role there");
            return false;
        }
        x->node_id = node;
        x->organisation_id = org;
    }
    return true;
}

void gr_h_users_create(struct gr_req *r)
{
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    static const char *const names[] = {"login", "password", "name"};
    static const char *const also[] = {"grants", "resident_id", "household_id",
                                       "household_representative", NULL};
    const char *v[3];
    struct gr_principal p;
    enum gr_err e = GR_OK;
    if (!strings(r, obj, names, 3, v, also))
        goto out;
    const char *login = v[0], *password = v[1], *name = v[2];
    json_t *grants = json_object_get(obj, "grants");
    if (!login_ok(login)) {
        gr_reply_error(r, GR_EINVAL, "login", "must be 3 to 32 of a-z, 0-9, _ . -");
        goto out;
    }
    if (strlen(password) < 8 || strlen(password) > 128) {
        gr_reply_error(r, GR_EINVAL, "password", "must be 8 to 128 bytes");
        goto out;
    }
    if (!gr_utf8_valid(name, strlen(name)) || !*name || gr_utf8_len(name, strlen(name)) > 32) {
        gr_reply_error(r, GR_EINVAL, "name", "must be 1 to 32 characters");
        goto out;
    }
    if (!parse_grants(r, grants, &p))
        goto out;
    /* The account may stand for a resident and represent a household (for votes). */
    int64_t link[2] = {0, 0};
    static const char *const link_names[] = {"resident_id", "household_id"};
    const struct gr_kind *link_kinds[] = {gr_kind_get(GR_K_RESIDENTS),
                                          gr_kind_get(GR_K_HOUSEHOLDS)};
    for (int i = 0; i < 2; i++) {
        json_t *lv = json_object_get(obj, link_names[i]);
        if (!lv || json_is_null(lv))
            continue;
        struct gr_anc la;
        if (!json_is_integer(lv) ||
            gr_store_anc(r->st, link_kinds[i], json_integer_value(lv), &la) != GR_OK ||
            !gr_access_allows(&r->who, link_kinds[i]->id, &la, GR_ACT_WRITE)) {
            gr_reply_error(r, GR_EINVAL, link_names[i], "refers to a record that does not exist");
            goto out;
        }
        link[i] = json_integer_value(lv);
    }
    json_t *jrep = json_object_get(obj, "household_representative");
    if (jrep && !json_is_boolean(jrep)) {
        gr_reply_error(r, GR_EINVAL, "household_representative", "must be true or false");
        goto out;
    }
    bool rep = json_is_true(jrep);
    if (rep && !link[1]) {
        gr_reply_error(r, GR_EINVAL, "household_representative", "needs a household_id");
        goto out;
    }
    char hash[256];
    if ((e = gr_password_hash(password, hash, sizeof(hash)))) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    int64_t id = 0;
    if (!(e = gr_store_begin(r->st))) {
        e = gr_store_user_create(r->st, login, name, hash, &id);
        for (size_t i = 0; !e && i < p.n_grants; i++)
            e = gr_store_grant_add(r->st, id, p.grants[i].role, p.grants[i].node_id,
                                   p.grants[i].organisation_id);
        if (!e && (link[0] || link[1]))
            e = gr_store_user_link(r->st, id, link[0], link[1], rep);
        if (!e)
            e = gr_store_commit(r->st);
        else
            gr_store_rollback(r->st);
    }
    if (e == GR_ECONFLICT) {
        gr_reply_error(r, e, "login", "is already taken");
        goto out;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    struct gr_user u;
    struct gr_principal saved;
    if ((e = gr_store_grants(r->st, id, &saved)) || (e = gr_store_user_get(r->st, id, &u))) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    gr_reply_json(r, 201, user_json(&u, &saved));
out:
    json_decref(obj);
}

/* Scopes in which the caller manages users: grants of community staff and above. */
static bool user_scopes(struct gr_req *r, struct gr_query *q)
{
    memset(q, 0, sizeof(*q));
    q->all = gr_access_is_admin(&r->who);
    for (size_t i = 0; i < r->who.n_grants; i++) {
        const struct gr_grant *g = &r->who.grants[i];
        if (g->role >= GR_ROLE_COMMUNITY_STAFF && g->role != GR_ROLE_DEPARTMENT_HANDLER &&
            g->node_id && q->n_scopes < GR_MAX_SCOPES)
            q->scopes[q->n_scopes++] = (struct gr_scope){g->level, g->node_id};
    }
    return q->all || q->n_scopes > 0;
}

struct users_ctx {
    json_t *items;
    int64_t last;
    int64_t want; /* a single id, or 0 */
};

static int user_row(void *ctx, const struct gr_user *u, const struct gr_principal *p)
{
    struct users_ctx *c = ctx;
    c->last = u->id;
    if (!c->want || c->want == u->id)
        json_array_append_new(c->items, user_json(u, p));
    return 0;
}

void gr_h_users_list(struct gr_req *r)
{
    struct gr_query q;
    if (!user_scopes(r, &q)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "your role does not manage users");
        return;
    }
    if (!gr_req_page(r, &q.limit, &q.after))
        return;
    struct users_ctx c = {json_array(), 0, 0};
    bool more;
    enum gr_err e = gr_store_user_list(r->st, &q, user_row, &c, &more);
    if (e) {
        json_decref(c.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, c.items, more, c.last);
}

void gr_h_users_get(struct gr_req *r)
{
    int64_t id;
    if (!gr_req_id(r, 0, &id))
        return;
    struct gr_query q;
    bool manages = user_scopes(r, &q);
    if (id != r->who.user_id && !manages) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such user");
        return;
    }
    if (id == r->who.user_id)
        q.all = true;
    q.after = id - 1;
    q.limit = 1;
    struct users_ctx c = {json_array(), 0, id};
    bool more;
    enum gr_err e = gr_store_user_list(r->st, &q, user_row, &c, &more);
    if (e || json_array_size(c.items) != 1) {
        json_decref(c.items);
        gr_reply_error(r, e ? e : GR_ENOTFOUND, NULL, e ? NULL : "no such user");
        return;
    }
    json_t *u = json_incref(json_array_get(c.items, 0));
    json_decref(c.items);
    gr_reply_json(r, 200, u);
}
