/*
 * meta.c - what clients build forms and pages from (levels, roles, kinds and their
 * fields), and the operational endpoints /healthz and /metrics.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/text.h"
#include "api.h"

static const char *const type_names[] = {
    [GR_FT_INT] = "integer", [GR_FT_REAL] = "number",  [GR_FT_TEXT] = "string",
    [GR_FT_ENUM] = "enum",   [GR_FT_BOOL] = "boolean", [GR_FT_DATE] = "date",
    [GR_FT_REF] = "ref"};

static json_t *field_json(const struct gr_field *f)
{
    json_t *o = json_pack(
        "{s:s, s:s, s:b, s:b, s:b, s:b}", "name", f->name, "type", type_names[f->type], "required",
        (f->flags & GR_FF_REQUIRED) != 0, "personal", (f->flags & GR_FF_PERSONAL) != 0, "derived",
        (f->flags & GR_FF_DERIVED) != 0, "immutable", (f->flags & GR_FF_IMMUTABLE) != 0);
    if (f->type == GR_FT_TEXT)
        json_object_set_new(o, "max_len", json_integer(f->max_len));
    if (f->type == GR_FT_INT || f->type == GR_FT_REAL) {
        json_object_set_new(o, "min", json_real(f->min));
        json_object_set_new(o, "max", json_real(f->max));
    }
    if (f->type == GR_FT_ENUM) {
        json_t *e = json_array();
        for (const char *const *v = f->enum_values; *v; v++)
            json_array_append_new(e, json_string(*v));
        json_object_set_new(o, "enum", e);
    }
    if (f->type == GR_FT_REF) {
        json_object_set_new(o, "ref", json_string(f->ref_kind));
        if (f->ref_level)
            json_object_set_new(o, "ref_level", json_string(gr_level_name(f->ref_level)));
    }
    return o;
}

void gr_h_meta(struct gr_req *r)
{
    static const char *const urban[] = {NULL, "市", "区", "街道", "社区", "网格"};
    char *names = NULL;
    gr_store_setting_get(r->st, "level_names", &names);
    json_t *custom = names ? json_loads(names, 0, NULL) : NULL;
    free(names);
    json_t *levels = json_array();
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++) {
        json_t *c = custom ? json_object_get(custom, gr_level_name((enum gr_level)l)) : NULL;
        json_array_append_new(
            levels, json_pack("{s:s, s:s}", "level", gr_level_name((enum gr_level)l), "name",
                              json_is_string(c) ? json_string_value(c) : urban[l]));
    }
    json_decref(custom);
    json_t *roles = json_array();
    for (int i = 1; i < GR_N_ROLES; i++)
        json_array_append_new(roles, json_string(gr_role_name((enum gr_role)i)));
    json_t *kinds = json_array();
    for (int i = 0; i < GR_N_KINDS; i++) {
        const struct gr_kind *k = gr_kind_get((enum gr_kind_id)i);
        json_t *fields = json_array();
        for (size_t f = 0; f < k->n_fields; f++)
            json_array_append_new(fields, field_json(&k->fields[f]));
        json_array_append_new(kinds,
                              json_pack("{s:s, s:s, s:s, s:o}", "name", k->name, "label_zh",
                                        k->label_zh, "title", k->title_field, "fields", fields));
    }
    r->cache_control = "no-cache";
    gr_reply_json(r, 200,
                  json_pack("{s:o, s:o, s:o}", "levels", levels, "roles", roles, "kinds", kinds));
}

void gr_h_health(struct gr_req *r)
{
    static const char ok[] = "{\"status\":\"ok\"}";
    gr_reply_static(r, 200, "application/json", ok, sizeof(ok) - 1);
}

void gr_h_metrics(struct gr_req *r)
{
    struct gr_buf b;
    gr_buf_init(&b, 1u << 20);
    gr_server_metrics(r->srv, &b);
    size_t len;
    char *text = gr_buf_take(&b, &len);
    gr_reply_raw(r, 200, "text/plain; version=0.0.4", text, len);
}

void gr_h_level_names_put(struct gr_req *r)
{
    /* City-wide configuration: admin or city staff of some city. */
    bool may = gr_access_is_admin(&r->who);
    for (size_t i = 0; i < r->who.n_grants; i++)
        may = may || (r->who.grants[i].role == GR_ROLE_CITY_STAFF);
    if (!may) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "only city staff set the level names");
        return;
    }
    json_t *obj = gr_req_json(r);
    if (!obj)
        return;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (gr_level_parse(key, strlen(key)) == GR_LEVEL_NONE) {
            gr_reply_error(r, GR_EINVAL, key,
                           "is not a level (city, district, street, community, grid)");
            json_decref(obj);
            return;
        }
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            gr_utf8_len(json_string_value(v), json_string_length(v)) > 8) {
            gr_reply_error(r, GR_EINVAL, key, "must be a name of 1 to 8 characters");
            json_decref(obj);
            return;
        }
    }
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++) {
        if (!json_object_get(obj, gr_level_name((enum gr_level)l))) {
            gr_reply_error(r, GR_EINVAL, gr_level_name((enum gr_level)l), "is required");
            json_decref(obj);
            return;
        }
    }
    char *text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(obj);
    enum gr_err e = gr_store_setting_set(r->st, "level_names", text);
    free(text);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_h_meta(r);
}
