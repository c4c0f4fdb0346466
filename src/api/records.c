/*
 * records.c - the network records over HTTP: JSON to values and back, scopes from
 * grants, and one set of list/create/read/update/delete handlers serving every kind of
 * schema.h (buildings, units, households, residents, party organisations, members,
 * posts, member-household links, organisations, co-building links, nodes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/text.h"
#include "api.h"

static const char *const anc_keys[GR_N_LEVELS + 1] = {NULL,        "city_id",      "district_id",
                                                      "street_id", "community_id", "grid_id"};

static bool type_error(struct gr_req *r, const struct gr_field *f, const char *what)
{
    char *msg = gr_arena_printf(&r->arena, "must be %s", what);
    gr_reply_error(r, GR_EINVAL, f->name, msg);
    return false;
}

bool gr_api_values(struct gr_req *r, const struct gr_kind *k, json_t *obj, struct gr_value *vals,
                   const char *const *skip)
{
    memset(vals, 0, sizeof(*vals) * k->n_fields);
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        bool skipped = false;
        for (const char *const *s = skip; s && *s; s++)
            skipped = skipped || strcmp(*s, key) == 0;
        if (skipped)
            continue;
        int i = gr_kind_field(k, key, strlen(key));
        if (i < 0) {
            char *msg = gr_arena_printf(&r->arena, "is not a field of %s", k->name);
            gr_reply_error(r, GR_EINVAL, gr_arena_strndup(&r->arena, key, strlen(key)), msg);
            return false;
        }
        const struct gr_field *f = &k->fields[i];
        struct gr_value *x = &vals[i];
        x->present = true;
        if (json_is_null(v)) {
            x->null = true;
            continue;
        }
        switch (f->type) {
        case GR_FT_INT:
        case GR_FT_REF:
            if (!json_is_integer(v))
                return type_error(r, f, "an integer");
            x->i = json_integer_value(v);
            break;
        case GR_FT_REAL:
            if (!json_is_number(v))
                return type_error(r, f, "a number");
            x->d = json_number_value(v);
            break;
        case GR_FT_BOOL:
            if (!json_is_boolean(v))
                return type_error(r, f, "true or false");
            x->i = json_is_true(v);
            break;
        default:
            if (!json_is_string(v))
                return type_error(r, f, "a string");
            x->s = json_string_value(v);
            x->len = json_string_length(v);
            break;
        }
    }
    return true;
}

static json_t *value_json(struct gr_req *r, const struct gr_field *f, const struct gr_value *v,
                          bool masked)
{
    if (!v->present || v->null)
        return json_null();
    switch (f->type) {
    case GR_FT_INT:
    case GR_FT_REF: return json_integer(v->i);
    case GR_FT_REAL: return json_real(v->d);
    case GR_FT_BOOL: return json_boolean(v->i);
    default: break;
    }
    if (masked && (f->flags & GR_FF_PERSONAL)) {
        char out[128];
        switch (f->mask) {
        case GR_MASK_NAME: gr_mask_name(v->s, v->len, out, sizeof(out)); break;
        case GR_MASK_PHONE: gr_mask_phone(v->s, v->len, out, sizeof(out)); break;
        case GR_MASK_IDNUM: gr_mask_idnum(v->s, v->len, out, sizeof(out)); break;
        default: return json_null();
        }
        return json_string(out);
    }
    return json_stringn(v->s, v->len);
}

json_t *gr_api_node(const struct gr_row *row)
{
    const struct gr_kind *k = gr_kind_get(GR_K_NODES);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(row->id));
    for (size_t i = 0; i < k->n_fields; i++) {
        const char *name = k->fields[i].name;
        if (strcmp(name, "lat") == 0 || strcmp(name, "lon") == 0)
            continue;
        json_object_set_new(o, name, value_json(NULL, &k->fields[i], &row->vals[i], false));
    }
    int lat = gr_kind_field(k, "lat", 3), lon = gr_kind_field(k, "lon", 3);
    if (row->vals[lat].present && row->vals[lon].present)
        json_object_set_new(
            o, "center", json_pack("{s:f, s:f}", "lat", row->vals[lat].d, "lon", row->vals[lon].d));
    else
        json_object_set_new(o, "center", json_null());
    return o;
}

json_t *gr_api_record(struct gr_req *r, const struct gr_kind *k, const struct gr_row *row)
{
    if (k->id == GR_K_NODES)
        return gr_api_node(row);
    bool masked = !gr_access_allows(&r->who, k->id, &row->anc, GR_ACT_PERSONAL);
    bool any_personal = false;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(row->id));
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct gr_field *f = &k->fields[i];
        any_personal = any_personal || (f->flags & GR_FF_PERSONAL);
        json_object_set_new(o, f->name, value_json(r, f, &row->vals[i], masked));
    }
    json_t *anc = json_object();
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        json_object_set_new(anc, anc_keys[l],
                            row->anc.id[l] ? json_integer(row->anc.id[l]) : json_null());
    json_object_set_new(o, "ancestors", anc);
    if (row->updated_at)
        json_object_set_new(o, "updated_at", json_string(row->updated_at));
    if (masked && any_personal)
        json_object_set_new(o, "masked", json_true());
    return o;
}

void gr_api_scopes(struct gr_req *r, enum gr_kind_id k, enum gr_action act, struct gr_query *q)
{
    q->all = gr_access_is_admin(&r->who);
    q->n_scopes = 0;
    for (size_t i = 0; i < r->who.n_grants && q->n_scopes < GR_MAX_SCOPES; i++) {
        const struct gr_grant *g = &r->who.grants[i];
        if (!gr_access_role_allows(g->role, k, act))
            continue;
        struct gr_scope s = {g->node_id ? g->level : g->org_node_level,
                             g->node_id ? g->node_id : g->org_node_id};
        if (s.id && s.level >= GR_LEVEL_CITY)
            q->scopes[q->n_scopes++] = s;
    }
}

void gr_api_verr(struct gr_req *r, enum gr_err e, const struct gr_verr *ve)
{
    if (e == GR_EINVAL || e == GR_ECONFLICT) {
        gr_reply_error(r, e, ve->field, ve->message);
        return;
    }
    gr_reply_error(r, e, NULL, NULL);
}

bool gr_api_visible(struct gr_req *r, const struct gr_kind *k, int64_t id, struct gr_anc *anc)
{
    enum gr_err e = gr_store_anc(r->st, k, id, anc);
    if (e == GR_ENOTFOUND || (!e && !gr_access_allows(&r->who, k->id, anc, GR_ACT_READ))) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such record");
        return false;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return false;
    }
    return true;
}

/* The kind named by the first path parameter; replies 404 when there is none. */
static const struct gr_kind *kind_param(struct gr_req *r)
{
    const char *name = r->n_params ? r->params[0] : "";
    const struct gr_kind *k = gr_kind_find(name, strlen(name));
    if (!k || k->id == GR_K_NODES) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such resource");
        return NULL;
    }
    return k;
}

/* References given in vals must be visible to the caller; an invisible one is reported
 * exactly like a missing one. */
static bool refs_visible(struct gr_req *r, const struct gr_kind *k, const struct gr_value *vals)
{
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct gr_field *f = &k->fields[i];
        if (f->type != GR_FT_REF || !vals[i].present || vals[i].null)
            continue;
        const struct gr_kind *rk = gr_kind_find(f->ref_kind, strlen(f->ref_kind));
        struct gr_anc anc;
        enum gr_err e = gr_store_anc(r->st, rk, vals[i].i, &anc);
        if (e == GR_ENOTFOUND || (!e && !gr_access_allows(&r->who, rk->id, &anc, GR_ACT_READ))) {
            gr_reply_error(r, GR_EINVAL, f->name, "refers to a record that does not exist");
            return false;
        }
        if (e) {
            gr_reply_error(r, e, NULL, NULL);
            return false;
        }
    }
    return true;
}

/* The ancestors a new record will have, for the write check: those of its scope parent. */
static bool new_anc(struct gr_req *r, const struct gr_kind *k, const struct gr_value *vals,
                    struct gr_anc *anc)
{
    memset(anc, 0, sizeof(*anc));
    for (const char *const *sf = k->scope_fields; *sf; sf++) {
        int i = gr_kind_field(k, *sf, strlen(*sf));
        if (!vals[i].present || vals[i].null)
            continue;
        const char *rk = k->fields[i].ref_kind;
        return gr_store_anc(r->st, gr_kind_find(rk, strlen(rk)), vals[i].i, anc) == GR_OK;
    }
    return k->id == GR_K_NODES; /* a city: only admin passes the check below */
}

struct list_ctx {
    struct gr_req *r;
    const struct gr_kind *k;
    json_t *items;
    int64_t last;
};

static int list_row(void *ctx, const struct gr_row *row)
{
    struct list_ctx *c = ctx;
    json_array_append_new(c->items, gr_api_record(c->r, c->k, row));
    c->last = row->id;
    return 0;
}

/* Shared by the generic list and the node list: filters from the query string. */
static bool list_query(struct gr_req *r, const struct gr_kind *k, struct gr_query *q)
{
    memset(q, 0, sizeof(*q));
    gr_api_scopes(r, k->id, GR_ACT_READ, q);
    if (!gr_req_page(r, &q->limit, &q->after))
        return false;
    int64_t under;
    if (!gr_req_int(r, "under", 0, INT64_MAX, 0, &under))
        return false;
    if (under) {
        struct gr_anc anc;
        if (!gr_api_visible(r, gr_kind_get(GR_K_NODES), under, &anc))
            return false;
        for (int l = GR_LEVEL_GRID; l >= GR_LEVEL_CITY; l--)
            if (anc.id[l] == under) {
                q->under.level = (enum gr_level)l;
                q->under.id = under;
                break;
            }
    }
    for (size_t i = 0; i < k->n_fields; i++) {
        const struct gr_field *f = &k->fields[i];
        if (f->type != GR_FT_REF && f->type != GR_FT_ENUM && f->type != GR_FT_BOOL)
            continue;
        const char *v = gr_req_query(r, f->name);
        if (!v)
            continue;
        if (q->n_filters == GR_MAX_FILTERS) {
            gr_reply_error(r, GR_EINVAL, f->name, "too many filters");
            return false;
        }
        struct gr_value *x = &q->filter_value[q->n_filters];
        memset(x, 0, sizeof(*x));
        x->present = true;
        if (strcmp(v, "null") == 0) {
            x->null = true;
        } else if (f->type == GR_FT_ENUM) {
            x->s = v;
            x->len = strlen(v);
        } else if (f->type == GR_FT_BOOL) {
            x->i = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
        } else if (gr_parse_i64(v, strlen(v), &x->i) != GR_OK) {
            gr_reply_error(r, GR_EINVAL, f->name, "must be an id");
            return false;
        }
        struct gr_verr ve;
        if (gr_field_check(f, x, &ve) != GR_OK) {
            gr_reply_error(r, GR_EINVAL, ve.field, ve.message);
            return false;
        }
        q->filter_field[q->n_filters++] = (int)i;
    }
    const char *s = gr_req_query(r, "q");
    if (s && *s) {
        if (!gr_utf8_valid(s, strlen(s)) || strlen(s) > 200) {
            gr_reply_error(r, GR_EINVAL, "q", "must be valid UTF-8 of at most 200 bytes");
            return false;
        }
        q->q = s;
        q->q_len = strlen(s);
        /* Personal fields are searched only by those who may see them everywhere they
         * search: the roles that see personal data of this kind. */
        struct gr_query pq;
        gr_api_scopes(r, k->id, GR_ACT_PERSONAL, &pq);
        q->search_personal = pq.all || (pq.n_scopes == q->n_scopes && pq.n_scopes > 0);
    }
    return true;
}

void gr_api_list(struct gr_req *r, const struct gr_kind *k)
{
    struct gr_query q;
    if (list_query(r, k, &q))
        gr_api_run_list(r, k, &q);
}

void gr_api_run_list(struct gr_req *r, const struct gr_kind *k, const struct gr_query *q)
{
    struct list_ctx c = {r, k, json_array(), 0};
    bool more;
    enum gr_err e = gr_store_list(r->st, k, q, list_row, &c, &more);
    if (e) {
        json_decref(c.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, c.items, more, c.last);
}

void gr_h_records_list(struct gr_req *r)
{
    const struct gr_kind *k = kind_param(r);
    if (k)
        gr_api_list(r, k);
}

/* Reply with the record as it now stands. */
static void reply_record(struct gr_req *r, const struct gr_kind *k, int64_t id, int status)
{
    struct gr_row row;
    enum gr_err e = gr_store_get(r->st, k, id, &row);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_json(r, status, gr_api_record(r, k, &row));
}

/* Create a record of kind k from obj (keys in skip ignored). Returns the new id or 0
 * after replying with the error. Runs inside the caller's transaction. */
int64_t gr_api_create(struct gr_req *r, const struct gr_kind *k, json_t *obj,
                      const char *const *skip)
{
    struct gr_value vals[32];
    struct gr_verr ve;
    if (!gr_api_values(r, k, obj, vals, skip))
        return 0;
    enum gr_err e = gr_record_check(k, vals, true, &ve);
    if (e) {
        gr_api_verr(r, e, &ve);
        return 0;
    }
    if (!refs_visible(r, k, vals))
        return 0;
    struct gr_anc anc;
    if (!new_anc(r, k, vals, &anc) || !gr_access_allows(&r->who, k->id, &anc, GR_ACT_WRITE)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "you may not create this record here");
        return 0;
    }
    int64_t id = 0;
    e = gr_store_insert(r->st, k, 0, vals, &id, &ve);
    if (e) {
        gr_api_verr(r, e, &ve);
        return 0;
    }
    return id;
}

void gr_h_records_create(struct gr_req *r)
{
    const struct gr_kind *k = kind_param(r);
    if (!k)
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    enum gr_err e = gr_store_begin(r->st);
    if (e) {
        json_decref(obj);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    int64_t id = gr_api_create(r, k, obj, NULL);
    json_decref(obj);
    if (!id) {
        gr_store_rollback(r->st);
        return;
    }
    if ((e = gr_store_commit(r->st))) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    reply_record(r, k, id, 201);
}

void gr_h_records_get(struct gr_req *r)
{
    const struct gr_kind *k = kind_param(r);
    int64_t id;
    struct gr_anc anc;
    if (!k || !gr_req_id(r, 1, &id) || !gr_api_visible(r, k, id, &anc))
        return;
    reply_record(r, k, id, 200);
}

/* Write access to an existing record: 404 when invisible, 403 when read-only. */
static bool writable(struct gr_req *r, const struct gr_kind *k, int64_t id)
{
    struct gr_anc anc;
    if (!gr_api_visible(r, k, id, &anc))
        return false;
    if (!gr_access_allows(&r->who, k->id, &anc, GR_ACT_WRITE)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "you may not change this record");
        return false;
    }
    return true;
}

void gr_api_update(struct gr_req *r, const struct gr_kind *k, int64_t id, json_t *obj,
                   const char *const *skip)
{
    struct gr_value vals[32];
    struct gr_verr ve;
    if (!writable(r, k, id) || !gr_api_values(r, k, obj, vals, skip))
        return;
    enum gr_err e = gr_record_check(k, vals, false, &ve);
    if (e) {
        gr_api_verr(r, e, &ve);
        return;
    }
    if (!refs_visible(r, k, vals))
        return;
    if ((e = gr_store_begin(r->st))) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    e = gr_store_end(r->st, gr_store_update(r->st, k, id, vals, &ve));
    if (e) {
        gr_api_verr(r, e, &ve);
        return;
    }
    reply_record(r, k, id, 200);
}

void gr_h_records_update(struct gr_req *r)
{
    const struct gr_kind *k = kind_param(r);
    int64_t id;
    if (!k || !gr_req_id(r, 1, &id))
        return;
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    gr_api_update(r, k, id, obj, NULL);
    json_decref(obj);
}

void gr_api_delete(struct gr_req *r, const struct gr_kind *k, int64_t id)
{
    if (!writable(r, k, id))
        return;
    enum gr_err e = gr_store_begin(r->st);
    if (!e) {
        e = gr_store_end(r->st, gr_store_delete(r->st, k, id));
    }
    if (e == GR_ECONFLICT) {
        gr_reply_error(r, e, NULL, "other records still refer to this one; remove them first");
        return;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_static(r, 204, "text/plain", "", 0);
}

void gr_h_records_delete(struct gr_req *r)
{
    const struct gr_kind *k = kind_param(r);
    int64_t id;
    if (k && gr_req_id(r, 1, &id))
        gr_api_delete(r, k, id);
}
