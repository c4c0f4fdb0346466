/*
 * cases.c - residents' requests and events over HTTP: the responsibility list and the
 * working calendar, intake (through the group commit), the case page and its actions,
 * photos, the inbox and notifications, and the figures.
 *
 * What may happen is core/case.c's table; case_ops.c does it. This file checks input,
 * finds the caller's relation to the case, and shapes the answers: the requester's name,
 * phone and address are shown only to those handling the case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/text.h"
#include "../core/calendar.h"
#include "../core/figures.h"
#include "case_ops.h"
#include "api.h"

#define MAX_DESCRIPTION 4000

/* Does the caller hold a role of the administrative ladder in [lo, hi] (or admin)? A
 * department handler sits between street and district staff in enum gr_role but is not on
 * the ladder: it never counts here. */
static bool has_role(const struct gr_principal *p, enum gr_role lo, enum gr_role hi)
{
    for (size_t i = 0; i < p->n_grants; i++) {
        enum gr_role r = p->grants[i].role;
        if (r == GR_ROLE_ADMIN || (r >= lo && r <= hi && r != GR_ROLE_DEPARTMENT_HANDLER))
            return true;
    }
    return false;
}

/* Editors of the responsibility list and the calendar: district or city staff, admin. */
bool gr_api_list_editor(struct gr_req *r)
{
    if (has_role(&r->who, GR_ROLE_DISTRICT_STAFF, GR_ROLE_CITY_STAFF))
        return true;
    gr_reply_error(r, GR_EFORBIDDEN, NULL,
                   "district or city staff edit the responsibility list and the calendar");
    return false;
}

/* ---- categories, power types, matters ---- */

static int category_row(void *ctx, const struct gr_category_row *c)
{
    json_array_append_new(ctx, json_pack("{s:s, s:s?, s:s, s:s, s:s?}", "code", c->code, "parent",
                                         c->parent, "kind", c->kind, "name", c->name, "name_en",
                                         c->name_en));
    return 0;
}

void gr_h_categories_list(struct gr_req *r)
{
    json_t *items = json_array();
    enum gr_err e = gr_store_categories(r->st, category_row, items);
    if (e) {
        json_decref(items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, items, false, 0);
}

static int power_type_row(void *ctx, const char *code, const char *name, const char *name_en)
{
    json_array_append_new(
        ctx, json_pack("{s:s, s:s, s:s?}", "code", code, "name", name, "name_en", name_en));
    return 0;
}

void gr_h_power_types_list(struct gr_req *r)
{
    json_t *items = json_array();
    enum gr_err e = gr_store_power_types(r->st, power_type_row, items);
    if (e) {
        json_decref(items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, items, false, 0);
}

static json_t *matter_json(const struct gr_matter *m, int version)
{
    json_t *co = json_array();
    for (size_t i = 0; i < m->n_co; i++)
        json_array_append_new(co, json_string(m->co_depts[i]));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:o, s:s?, s:i, s:s, s:i, s:s, "
                     "s:b, s:i}",
                     "code", m->code, "name", m->name, "category", m->category, "power_type",
                     m->power_type, "list_kind", gr_list_kind_name(m->list_kind), "governance",
                     gr_governance_name(m->governance), "owner_level",
                     m->owner_level ? gr_level_name(m->owner_level) : NULL, "owner_dept",
                     m->owner_dept, "co_depts", co, "legal_basis", m->legal_basis, "respond_limit",
                     m->respond_limit, "respond_unit", gr_time_unit_name(m->respond_unit),
                     "resolve_limit", m->resolve_limit, "resolve_unit",
                     gr_time_unit_name(m->resolve_unit), "urgent", m->urgent, "version", version);
}

struct matter_page {
    json_t *items;
    int version;
    char last[64];
};

static int matter_row(void *ctx, const struct gr_matter *m)
{
    struct matter_page *p = ctx;
    json_array_append_new(p->items, matter_json(m, p->version));
    snprintf(p->last, sizeof(p->last), "%s", m->code);
    return 0;
}

void gr_h_matters_list(struct gr_req *r)
{
    int64_t version, limit;
    if (!gr_req_int(r, "version", 0, 1000000, 0, &version) ||
        !gr_req_int(r, "limit", 1, 1000, 1000, &limit))
        return;
    int v = (int)version;
    enum gr_err e;
    if (v && !(r->authed && has_role(&r->who, GR_ROLE_DISTRICT_STAFF, GR_ROLE_CITY_STAFF))) {
        gr_reply_error(r, GR_EFORBIDDEN, "version",
                       "versions other than the one in effect are for the list's editors");
        return;
    }
    if (!v) {
        e = gr_store_matter_current(r->st, (int64_t)time(NULL), &v);
        if (e == GR_ENOTFOUND) {
            gr_reply_list(r, json_array(), false, 0);
            return;
        }
        if (e) {
            gr_reply_error(r, e, NULL, NULL);
            return;
        }
    }
    struct matter_page p = {json_array(), v, ""};
    bool more;
    e = gr_store_matters(r->st, v, gr_req_query(r, "cursor"), (int)limit, matter_row, &p, &more);
    if (e) {
        json_decref(p.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_json(r, 200,
                  json_pack("{s:o, s:o, s:i}", "items", p.items, "next",
                            more ? json_string(p.last) : json_null(), "version", v));
}

static int list_row(void *ctx, const struct gr_matter_list *l)
{
    json_array_append_new(
        ctx, json_pack("{s:i, s:s, s:o, s:o, s:I}", "version", l->version, "status", l->status,
                       "effective_at", gr_api_time(l->effective_at), "published_at",
                       gr_api_time(l->published_at), "matters", (json_int_t)l->n_matters));
    return 0;
}

void gr_h_matter_lists_list(struct gr_req *r)
{
    json_t *items = json_array();
    enum gr_err e = gr_store_matter_lists(r->st, list_row, items);
    if (e) {
        json_decref(items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, items, false, 0);
}

void gr_h_matter_lists_create(struct gr_req *r)
{
    if (!gr_api_list_editor(r))
        return;
    int v;
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_matter_draft(r->st, &v));
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_json(r, 201, json_pack("{s:i, s:s}", "version", v, "status", "draft"));
}

bool gr_api_version_param(struct gr_req *r, int *v)
{
    int64_t id;
    if (!gr_req_id(r, 0, &id))
        return false;
    if (id > 1000000) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such version");
        return false;
    }
    *v = (int)id;
    return true;
}

static bool int_member(struct gr_req *r, json_t *o, const char *name, bool required, int64_t lo,
                       int64_t hi, int64_t *out)
{
    json_t *v = json_object_get(o, name);
    if (!v || json_is_null(v)) {
        if (required)
            gr_reply_error(r, GR_EINVAL, name, "is required");
        return !required;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        gr_reply_error(r, GR_EINVAL, name,
                       gr_arena_printf(&r->arena, "must be a whole number from %lld to %lld",
                                       (long long)lo, (long long)hi));
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

void gr_h_matter_put(struct gr_req *r)
{
    int v;
    if (!gr_api_list_editor(r) || !gr_api_version_param(r, &v))
        return;
    json_t *o = gr_req_json(r);
    if (!o)
        return;
    static const char *const allowed[] = {"name",
                                          "category",
                                          "power_type",
                                          "list_kind",
                                          "governance",
                                          "owner_level",
                                          "owner_dept",
                                          "co_depts",
                                          "legal_basis",
                                          "respond_limit",
                                          "respond_unit",
                                          "resolve_limit",
                                          "resolve_unit",
                                          "urgent",
                                          "code",
                                          "version",
                                          NULL};
    struct gr_matter m = {.code = r->params[1]};
    const char *lk = NULL, *gov = NULL, *lv = NULL, *ru = NULL, *su = NULL;
    int64_t rl = 0, sl = 0;
    if (!gr_api_only(r, o, allowed) || !gr_api_text(r, o, "name", true, 200, &m.name) ||
        !gr_api_text(r, o, "category", true, 16, &m.category) ||
        !gr_api_text(r, o, "power_type", true, 32, &m.power_type) ||
        !gr_api_text(r, o, "list_kind", true, 16, &lk) ||
        !gr_api_text(r, o, "governance", true, 20, &gov) ||
        !gr_api_text(r, o, "owner_level", false, 16, &lv) ||
        !gr_api_text(r, o, "owner_dept", false, 64, &m.owner_dept) ||
        !gr_api_text(r, o, "legal_basis", false, 1000, &m.legal_basis) ||
        !int_member(r, o, "respond_limit", true, 1, 10000, &rl) ||
        !gr_api_text(r, o, "respond_unit", true, 8, &ru) ||
        !int_member(r, o, "resolve_limit", true, 1, 10000, &sl) ||
        !gr_api_text(r, o, "resolve_unit", true, 8, &su))
        goto out;
    if (strlen(m.code) > 32) {
        gr_reply_error(r, GR_EINVAL, "code", "must be at most 32 characters");
        goto out;
    }
    m.list_kind = gr_list_kind_parse(lk);
    m.governance = gr_governance_parse(gov);
    m.owner_level = lv ? gr_level_parse(lv, strlen(lv)) : GR_LEVEL_NONE;
    m.respond_limit = (int)rl;
    m.resolve_limit = (int)sl;
    m.respond_unit = gr_time_unit_parse(ru);
    m.resolve_unit = gr_time_unit_parse(su);
    json_t *urgent = json_object_get(o, "urgent");
    if (urgent && !json_is_boolean(urgent)) {
        gr_reply_error(r, GR_EINVAL, "urgent", "must be true or false");
        goto out;
    }
    m.urgent = urgent && json_is_true(urgent);
    json_t *co = json_object_get(o, "co_depts");
    if (co && !json_is_null(co)) {
        if (!json_is_array(co) || json_array_size(co) > GR_MATTER_MAX_CO) {
            gr_reply_error(r, GR_EINVAL, "co_depts", "must be a list of at most 4 departments");
            goto out;
        }
        size_t i;
        json_t *d;
        json_array_foreach(co, i, d)
        {
            if (!json_is_string(d) || !json_string_length(d) || strchr(json_string_value(d), '|')) {
                gr_reply_error(r, GR_EINVAL, "co_depts", "must hold department names");
                goto out;
            }
            m.co_depts[m.n_co++] = json_string_value(d);
        }
    }
    if (lv && m.owner_level == GR_LEVEL_NONE) {
        gr_reply_error(r, GR_EINVAL, "owner_level", "must be grid, community, street or district");
        goto out;
    }
    const char *field, *why;
    if (gr_matter_check(&m, &field, &why)) {
        gr_reply_error(r, GR_EINVAL, field, why);
        goto out;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_matter_put(r->st, v, &m, &field));
    if (e == GR_ECONFLICT)
        gr_reply_error(r, e, NULL, "a published version cannot change; start a new draft");
    else if (e == GR_ENOTFOUND)
        gr_reply_error(r, field ? GR_EINVAL : e, field, field ? "is not known" : "no such version");
    else if (e)
        gr_reply_error(r, e, NULL, NULL);
    else
        gr_reply_json(r, 200, matter_json(&m, v));
out:
    json_decref(o);
}

void gr_h_matter_delete(struct gr_req *r)
{
    int v;
    if (!gr_api_list_editor(r) || !gr_api_version_param(r, &v))
        return;
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_matter_delete(r->st, v, r->params[1]));
    if (e)
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such matter in a draft" : NULL);
    else
        gr_reply_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

void gr_h_matter_lists_publish(struct gr_req *r)
{
    int v;
    if (!gr_api_list_editor(r) || !gr_api_version_param(r, &v))
        return;
    json_t *o = gr_req_json(r);
    if (!o)
        return;
    static const char *const allowed[] = {"effective_at", NULL};
    const char *eff = NULL;
    int64_t at = (int64_t)time(NULL);
    if (!gr_api_only(r, o, allowed) || !gr_api_text(r, o, "effective_at", false, 20, &eff))
        goto out;
    if (eff && !gr_api_parse_time(eff, &at)) {
        gr_reply_error(r, GR_EINVAL, "effective_at", "must be a time like 2026-12-01T00:00:00Z");
        goto out;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_matter_publish(r->st, v, at, r->who.user_id));
    if (e == GR_ECONFLICT)
        gr_reply_error(r, e, NULL, "only a draft is published");
    else if (e == GR_EINVAL)
        gr_reply_error(r, e, NULL, "the draft has no matters");
    else if (e)
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such version" : NULL);
    else
        gr_reply_json(r, 200,
                      json_pack("{s:i, s:s, s:o}", "version", v, "status", "published",
                                "effective_at", gr_api_time(at)));
out:
    json_decref(o);
}

/* ---- the calendar ---- */

void gr_h_calendar_get(struct gr_req *r)
{
    int64_t year;
    if (!gr_req_int(r, "year", 1900, 2999, 0, &year))
        return;
    const struct gr_calendar *cal;
    enum gr_err e = gr_store_calendar(r->st, &cal);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    json_t *days = json_array();
    for (size_t i = 0; i < cal->n_days; i++) {
        if (year && cal->days[i].ymd / 10000 != year)
            continue;
        char d[11];
        gr_ymd_format(cal->days[i].ymd, d);
        json_array_append_new(days,
                              json_pack("{s:s, s:s, s:s?}", "day", d, "kind",
                                        cal->days[i].kind == GR_DAY_WORKDAY ? "workday" : "holiday",
                                        "name", cal->days[i].name));
    }
    json_t *periods = json_array();
    for (int i = 0; i < cal->n_periods; i++)
        json_array_append_new(periods, json_string(gr_arena_printf(
                                           &r->arena, "%02d:%02d-%02d:%02d",
                                           cal->period_start[i] / 60, cal->period_start[i] % 60,
                                           cal->period_end[i] / 60, cal->period_end[i] % 60)));
    gr_reply_json(r, 200,
                  json_pack("{s:o, s:o, s:i}", "days", days, "work_periods", periods,
                            "utc_offset_minutes", cal->utc_offset_min));
}

void gr_h_calendar_put(struct gr_req *r)
{
    if (!gr_api_list_editor(r))
        return;
    gr_ymd d;
    if (!gr_ymd_parse(r->params[0], &d)) {
        gr_reply_error(r, GR_EINVAL, "day", "must be a date like 2026-10-01");
        return;
    }
    json_t *o = gr_req_json(r);
    if (!o)
        return;
    static const char *const allowed[] = {"kind", "name", NULL};
    static const char *const kinds[] = {"holiday", "workday", NULL};
    const char *kind, *name;
    if (!gr_api_only(r, o, allowed) || !gr_api_text(r, o, "kind", true, 10, &kind) ||
        !gr_api_text(r, o, "name", false, 40, &name))
        goto out;
    if (!gr_api_one_of(kind, kinds)) {
        gr_reply_error(r, GR_EINVAL, "kind", "must be holiday or workday");
        goto out;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_calendar_day_set(r->st, r->params[0], kind, name));
    if (e)
        gr_reply_error(r, e, NULL, NULL);
    else
        gr_reply_json(
            r, 200, json_pack("{s:s, s:s, s:s?}", "day", r->params[0], "kind", kind, "name", name));
out:
    json_decref(o);
}

void gr_h_calendar_delete(struct gr_req *r)
{
    gr_ymd d;
    if (!gr_api_list_editor(r))
        return;
    if (!gr_ymd_parse(r->params[0], &d)) {
        gr_reply_error(r, GR_EINVAL, "day", "must be a date like 2026-10-01");
        return;
    }
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_store_calendar_day_delete(r->st, r->params[0]));
    if (e)
        gr_reply_error(r, e, NULL, NULL);
    else
        gr_reply_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

/* ---- a case as JSON ---- */

const char *gr_api_owner_name(struct gr_req *r, const struct gr_case *c, char *out, size_t cap)
{
    if (!c->owner_org_id)
        return gr_api_node_name(r, c->owner_node_id, out, cap);
    const char *name = gr_case_owner_name(r->st, c);
    if (!name || !cap)
        return NULL;
    snprintf(out, cap, "%s", name);
    return out;
}

static const char *const alarm_names[] = {"none", "yellow", "red"};

/* The case for a caller: personal data only for those handling it (or its requester). */
static json_t *case_json(struct gr_req *r, const struct gr_case *c, bool personal,
                         const char *owner_name)
{
    char name[64], phone[32];
    const char *rn = c->requester_name, *rp = c->requester_phone;
    if (!personal) {
        if (rn) {
            gr_mask_name(rn, strlen(rn), name, sizeof(name));
            rn = name;
        }
        if (rp) {
            gr_mask_phone(rp, strlen(rp), phone, sizeof(phone));
            rp = phone;
        }
    }
    int64_t now = (int64_t)time(NULL);
    bool overdue =
        gr_case_clock_runs(gr_cstatus_parse(c->status)) && c->resolve_due && c->resolve_due < now;
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:b, s:b, s:o, s:o, s:o, "
        "s:o, "
        "s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:b, s:i, s:i, s:i, s:i, s:o, s:s?, s:o, s:s?}",
        "id", (json_int_t)c->id, "status", c->status, "channel", c->channel, "matter_code",
        c->matter_code, "matter_version", c->matter_version, "category", c->category_code,
        "description", c->description, "grid_id", (json_int_t)c->anc.id[GR_LEVEL_GRID],
        "community_id", (json_int_t)c->anc.id[GR_LEVEL_COMMUNITY], "street_id",
        (json_int_t)c->anc.id[GR_LEVEL_STREET], "district_id",
        (json_int_t)c->anc.id[GR_LEVEL_DISTRICT], "owner",
        json_pack("{s:s, s:I, s:o, s:s?}", "level", c->owner_level, "node_id",
                  (json_int_t)c->owner_node_id, "org_id",
                  c->owner_org_id ? json_integer(c->owner_org_id) : json_null(), "name",
                  owner_name),
        "anonymous", c->anonymous, "urgent", c->urgent, "created_at", gr_api_time(c->created_at),
        "updated_at", gr_api_time(c->updated_at), "deadline", gr_api_time(c->resolve_due),
        "respond_due", gr_api_time(c->respond_due), "promised_due", gr_api_time(c->first_due),
        "accepted_at", gr_api_time(c->accepted_at), "dispatched_at", gr_api_time(c->dispatched_at),
        "responded_at", gr_api_time(c->responded_at), "resolved_at", gr_api_time(c->resolved_at),
        "closed_at", gr_api_time(c->closed_at), "alarm",
        alarm_names[c->alarm >= 0 && c->alarm <= 2 ? c->alarm : 0], "overdue", overdue,
        "escalations", c->escalations, "reworks", c->reworks, "extensions", c->extensions,
        "reopens", c->reopens, "extension_requested", gr_api_time(c->extension_asked),
        "hold_review", c->hold_review, "merged_into",
        c->merged_into ? json_integer(c->merged_into) : json_null(), "public_note", c->public_note);
    if (c->has_point) {
        json_object_set_new(o, "lat", json_real(c->lat));
        json_object_set_new(o, "lon", json_real(c->lon));
    }
    if (c->building_id)
        json_object_set_new(o, "building_id", json_integer(c->building_id));
    if (c->unit_id)
        json_object_set_new(o, "unit_id", json_integer(c->unit_id));
    if (personal && c->address)
        json_object_set_new(o, "address", json_string(c->address));
    json_t *req = json_pack("{s:s?, s:s?}", "name", rn, "phone", rp);
    if (personal && c->requester_email)
        json_object_set_new(req, "email", json_string(c->requester_email));
    if (personal && c->requester_user_id)
        json_object_set_new(req, "user_id", json_integer(c->requester_user_id));
    json_object_set_new(o, "requester", req);
    json_object_set_new(o, "rating",
                        c->rated_at
                            ? json_pack("{s:s, s:s, s:s?, s:o}", "resolved", c->rated_resolved,
                                        "satisfaction", c->rated_satisfaction, "comment",
                                        c->rated_comment, "at", gr_api_time(c->rated_at))
                            : json_null());
    return o;
}

/* ---- intake ---- */

struct intake_job {
    struct gr_intake in;
    gr_intake_reply_fn reply;
    struct gr_case made;
};

static const char *arena_dup(struct gr_req *r, const char *s)
{
    return s ? gr_arena_strndup(&r->arena, s, strlen(s)) : NULL;
}

static void intake_answer(struct gr_req *r, void *arg)
{
    struct intake_job *j = arg;
    j->reply(r, &j->made, NULL);
}

static enum gr_err intake_write(struct gr_req *r, void *arg)
{
    struct intake_job *j = arg;
    struct gr_case_fail f = {GR_OK, NULL, NULL};
    j->in.now = (int64_t)time(NULL);
    enum gr_err e = gr_case_intake(r->st, &j->in, &j->made, &f);
    if (e) {
        j->reply(r, NULL, &f);
        return e;
    }
    /* The answer is built on a pool thread: keep the strings that live in the writer's
     * caches or in this thread. */
    j->made.matter_code = arena_dup(r, j->made.matter_code);
    j->made.category_code = arena_dup(r, j->made.category_code);
    j->made.day = arena_dup(r, j->made.day);
    gr_req_answer_later(r, intake_answer, j);
    return GR_OK;
}

void gr_api_intake(struct gr_req *r, const struct gr_intake *in, gr_intake_reply_fn reply)
{
    struct intake_job *j = gr_arena_alloc(&r->arena, sizeof(*j));
    j->in = *in;
    j->in.channel = arena_dup(r, in->channel);
    j->in.matter_code = arena_dup(r, in->matter_code);
    j->in.description = arena_dup(r, in->description);
    j->in.address = arena_dup(r, in->address);
    j->in.requester_name = arena_dup(r, in->requester_name);
    j->in.requester_phone = arena_dup(r, in->requester_phone);
    j->in.requester_email = arena_dup(r, in->requester_email);
    j->in.token = arena_dup(r, in->token);
    j->reply = reply;
    gr_req_defer(r, intake_write, j);
}

/* A moment as the API writes it (UTC, to the second), quoted; null for none. */
static void add_time(struct gr_buf *b, const char *key, int64_t t)
{
    char text[32];
    if (!t) {
        gr_buf_printf(b, ",\"%s\":null", key);
        return;
    }
    gr_api_time_text(t, text);
    gr_buf_printf(b, ",\"%s\":\"%s\"", key, text);
}

static void intake_reply(struct gr_req *r, const struct gr_case *c, const struct gr_case_fail *f)
{
    if (!c) {
        gr_reply_error(r, f->err, f->field, f->why);
        return;
    }
    /* The new case as intake routed it (GET /api/v1/cases/{id} has the rest). Written
     * straight into text: on every new case, building a tree first cost a tenth of a
     * pool thread's time. */
    char owner[128];
    struct gr_buf b;
    gr_buf_init(&b, 1u << 16);
    gr_buf_printf(&b, "{\"id\":%lld,\"status\":", (long long)c->id);
    gr_buf_json_str(&b, c->status);
    gr_buf_adds(&b, ",\"channel\":");
    gr_buf_json_str(&b, c->channel);
    gr_buf_adds(&b, ",\"matter_code\":");
    gr_buf_json_str(&b, c->matter_code);
    gr_buf_printf(&b, ",\"matter_version\":%d,\"category\":", c->matter_version);
    gr_buf_json_str(&b, c->category_code);
    gr_buf_printf(&b,
                  ",\"grid_id\":%lld,\"community_id\":%lld,\"street_id\":%lld,"
                  "\"district_id\":%lld,\"owner\":{\"level\":",
                  (long long)c->anc.id[GR_LEVEL_GRID], (long long)c->anc.id[GR_LEVEL_COMMUNITY],
                  (long long)c->anc.id[GR_LEVEL_STREET], (long long)c->anc.id[GR_LEVEL_DISTRICT]);
    gr_buf_json_str(&b, c->owner_level);
    gr_buf_printf(&b, ",\"node_id\":%lld,\"org_id\":", (long long)c->owner_node_id);
    if (c->owner_org_id)
        gr_buf_printf(&b, "%lld", (long long)c->owner_org_id);
    else
        gr_buf_adds(&b, "null");
    gr_buf_adds(&b, ",\"name\":");
    gr_buf_json_str(&b, gr_api_owner_name(r, c, owner, sizeof(owner)));
    gr_buf_addc(&b, '}');
    add_time(&b, "created_at", c->created_at);
    add_time(&b, "deadline", c->resolve_due);
    add_time(&b, "respond_due", c->respond_due);
    gr_buf_printf(&b, ",\"urgent\":%s}", c->urgent ? "true" : "false");
    size_t len;
    char *text = gr_buf_take(&b, &len);
    gr_reply_raw(r, 201, "application/json; charset=utf-8", text, len);
}

bool gr_api_locate(struct gr_req *r, double lat, double lon, struct gr_anc *anc);

static bool number_member(struct gr_req *r, json_t *o, const char *name, double lo, double hi,
                          double *out, bool *given)
{
    json_t *v = json_object_get(o, name);
    *given = v && !json_is_null(v);
    if (!*given)
        return true;
    if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi) {
        gr_reply_error(r, GR_EINVAL, name,
                       gr_arena_printf(&r->arena, "must be a number from %g to %g", lo, hi));
        return false;
    }
    *out = json_number_value(v);
    return true;
}

static bool id_member(struct gr_req *r, json_t *o, const char *name, int64_t *out)
{
    *out = 0;
    return int_member(r, o, name, false, 1, INT64_MAX, out);
}

void gr_h_cases_create(struct gr_req *r)
{
    json_t *o = gr_req_json(r);
    if (!o)
        return;
    static const char *const allowed[] = {"matter_code", "description",    "lat",
                                          "lon",         "building_id",    "unit_id",
                                          "address",     "requester_name", "requester_phone",
                                          "anonymous",   "channel",        NULL};
    static const char *const channels[] = {"web", "patrol", "hotline", NULL};
    struct gr_intake in = {.requester_user_id = r->who.user_id, .actor_user_id = r->who.user_id};
    bool has_lat, has_lon;
    if (!gr_api_only(r, o, allowed) ||
        !gr_api_text(r, o, "matter_code", true, 32, &in.matter_code) ||
        !gr_api_text(r, o, "description", true, MAX_DESCRIPTION, &in.description) ||
        !gr_api_text(r, o, "address", false, 200, &in.address) ||
        !gr_api_text(r, o, "requester_name", false, 40, &in.requester_name) ||
        !gr_api_text(r, o, "requester_phone", false, 20, &in.requester_phone) ||
        !gr_api_text(r, o, "channel", false, 10, &in.channel) ||
        !number_member(r, o, "lat", -90, 90, &in.lat, &has_lat) ||
        !number_member(r, o, "lon", -180, 180, &in.lon, &has_lon) ||
        !id_member(r, o, "building_id", &in.building_id) ||
        !id_member(r, o, "unit_id", &in.unit_id))
        goto out;
    json_t *anon = json_object_get(o, "anonymous");
    if (anon && !json_is_boolean(anon)) {
        gr_reply_error(r, GR_EINVAL, "anonymous", "must be true or false");
        goto out;
    }
    in.anonymous = anon && json_is_true(anon);
    if (in.channel && !gr_api_one_of(in.channel, channels)) {
        gr_reply_error(r, GR_EINVAL, "channel", "must be web, patrol or hotline");
        goto out;
    }
    bool staff = has_role(&r->who, GR_ROLE_COMMUNITY_STAFF, GR_ROLE_CITY_STAFF);
    bool worker = has_role(&r->who, GR_ROLE_GRID_WORKER, GR_ROLE_CITY_STAFF);
    if (!in.channel)
        in.channel = staff ? "hotline" : worker ? "patrol" : "web";
    if ((strcmp(in.channel, "hotline") == 0 && !staff) ||
        (strcmp(in.channel, "patrol") == 0 && !worker)) {
        gr_reply_error(r, GR_EFORBIDDEN, "channel",
                       "hotline cases are entered by staff, patrol cases by grid workers");
        goto out;
    }
    if (strcmp(in.channel, "hotline") == 0) {
        /* The caller is the requester; the operator only enters the case. */
        in.requester_user_id = 0;
        if (!in.requester_phone && !in.anonymous) {
            gr_reply_error(r, GR_EINVAL, "requester_phone",
                           "the caller's phone is required for a call-back");
            goto out;
        }
    }
    if (has_lat != has_lon) {
        gr_reply_error(r, GR_EINVAL, has_lat ? "lon" : "lat", "lat and lon go together");
        goto out;
    }
    in.has_point = has_lat;
    if (!in.has_point && !in.building_id && !in.unit_id) {
        gr_reply_error(r, GR_EINVAL, "lat", "a point (lat, lon) or a building_id is required");
        goto out;
    }
    if (in.has_point && !gr_api_locate(r, in.lat, in.lon, &in.anc)) {
        gr_reply_error(r, GR_EINVAL, "lat", "the point lies outside every grid of the city");
        goto out;
    }
    /* Staff and grid workers enter cases of their own area (a resident may report
     * anywhere). */
    if (strcmp(in.channel, "web") != 0 && !gr_access_is_admin(&r->who)) {
        struct gr_anc where = in.anc;
        if (!in.has_point &&
            gr_store_anc(r->st, gr_kind_get(in.unit_id ? GR_K_UNITS : GR_K_BUILDINGS),
                         in.unit_id ? in.unit_id : in.building_id, &where) != GR_OK) {
            gr_reply_error(r, GR_EINVAL, in.unit_id ? "unit_id" : "building_id",
                           "names no building or unit of the network");
            goto out;
        }
        bool mine = false;
        for (size_t i = 0; i < r->who.n_grants && !mine; i++) {
            const struct gr_grant *g = &r->who.grants[i];
            mine = !g->organisation_id && g->role >= GR_ROLE_GRID_WORKER &&
                   g->level >= GR_LEVEL_CITY && g->level <= GR_LEVEL_GRID &&
                   where.id[g->level] == g->node_id;
        }
        if (!mine) {
            gr_reply_error(r, GR_EFORBIDDEN, in.has_point ? "lat" : "building_id",
                           "patrol and hotline cases are entered within the caller's area");
            goto out;
        }
    }
    gr_api_intake(r, &in, intake_reply);
out:
    json_decref(o);
}

/* ---- reading cases ---- */

/* The case by path parameter 0, if the caller may see it (else 404 replied). */
static bool visible_case(struct gr_req *r, struct gr_case *c, unsigned *actor)
{
    int64_t id;
    if (!gr_req_id(r, 0, &id))
        return false;
    enum gr_err e = gr_store_case_get(r->st, id, c);
    if (e) {
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such case" : NULL);
        return false;
    }
    *actor = gr_case_actor(r->st, &r->who, c);
    if (!gr_case_visible(&r->who, c, *actor)) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such case");
        return false;
    }
    return true;
}

static int event_json(json_t *items, const struct gr_case_event *e);

struct event_ctx {
    json_t *items;
    bool internal; /* the caller handles the case: every note and datum */
};

static int event_row(void *ctx, const struct gr_case_event *ev)
{
    struct event_ctx *ec = ctx;
    struct gr_case_event e = *ev;
    if (!ec->internal && !e.public) {
        e.note = NULL; /* the requester sees what happened, not staff's internal notes */
        e.data = NULL;
    }
    return event_json(ec->items, &e);
}

static int event_json(json_t *items, const struct gr_case_event *e)
{
    json_t *o = json_pack("{s:I, s:o, s:s, s:s?, s:s?, s:s?, s:b}", "id", (json_int_t)e->id, "at",
                          gr_api_time(e->at), "action", e->action, "from", e->from_status, "to",
                          e->to_status, "note", e->note, "public", e->public);
    json_object_set_new(o, "actor_user_id",
                        e->actor_user_id ? json_integer(e->actor_user_id) : json_null());
    if (e->data) {
        json_t *d = json_loads(e->data, 0, NULL);
        if (d)
            json_object_set_new(o, "data", d);
    }
    json_array_append_new(items, o);
    return 0;
}

static int task_row(void *ctx, const struct gr_case_task *t)
{
    json_array_append_new(
        ctx,
        json_pack("{s:I, s:I, s:s?, s:o, s:o, s:o, s:o, s:o, s:b}", "id", (json_int_t)t->id,
                  "org_id", (json_int_t)t->org_id, "org_name", t->org_name, "summoned_at",
                  gr_api_time(t->summoned_at), "report_due", gr_api_time(t->report_due),
                  "reported_at", gr_api_time(t->reported_at), "handle_due",
                  gr_api_time(t->handle_due), "done_at", gr_api_time(t->done_at), "late", t->late));
    return 0;
}

struct photo_ctx {
    json_t *items;
    bool all; /* not only the public ones */
};

static int photo_row(void *ctx, const struct gr_photo *p)
{
    struct photo_ctx *pc = ctx;
    if (!p->public && !pc->all)
        return 0;
    json_array_append_new(pc->items, json_pack("{s:I, s:s, s:I, s:b, s:s}", "id", (json_int_t)p->id,
                                               "mime", p->mime, "size", (json_int_t)p->size,
                                               "public", p->public, "url", "")); /* filled below */
    json_t *last = json_array_get(pc->items, json_array_size(pc->items) - 1);
    char url[48];
    snprintf(url, sizeof(url), "/api/v1/photos/%lld", (long long)p->id);
    json_object_set_new(last, "url", json_string(url));
    return 0;
}

static int64_t summoned_org(struct gr_req *r, const struct gr_case *c);

struct task_state {
    int64_t org;
    bool found, reported, done;
};

static int task_of(void *ctx, const struct gr_case_task *t)
{
    struct task_state *ts = ctx;
    if (t->org_id == ts->org) {
        ts->found = true;
        ts->reported = t->reported_at != 0;
        ts->done = t->done_at != 0;
    }
    return 0;
}

/* The full case page: the case, its events in order, summoned departments, photos and
 * what the caller may do. */
static void reply_case_page(struct gr_req *r, int status, const struct gr_case *c, unsigned actor)
{
    char owner[128];
    json_t *o =
        case_json(r, c, gr_case_personal(actor), gr_api_owner_name(r, c, owner, sizeof(owner)));
    json_t *events = json_array(), *tasks = json_array();
    struct photo_ctx pc = {json_array(), true};
    int open, count;
    struct event_ctx ec = {events, (actor & ~(unsigned)GR_CR_REQUESTER) != 0};
    enum gr_err e = gr_store_case_events(r->st, c->id, event_row, &ec);
    if (!e)
        e = gr_store_tasks(r->st, c->id, task_row, tasks, &open);
    if (!e)
        e = gr_store_photos(r->st, c->id, photo_row, &pc, &count);
    if (e) {
        json_decref(o);
        json_decref(events);
        json_decref(tasks);
        json_decref(pc.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    json_object_set_new(o, "events", events);
    json_object_set_new(o, "tasks", tasks);
    json_object_set_new(o, "photos", pc.items);
    /* The actions the caller could take now (the same table that decides them). */
    json_t *can = json_array();
    struct gr_case_state s = {.status = gr_cstatus_parse(c->status),
                              .has_owner = true,
                              .extension_pending = c->extension_asked != 0,
                              .open_tasks = open,
                              .rated = c->rated_at != 0,
                              .top_level = false};
    int next = gr_case_next_level(
        c->owner_level ? (int)gr_level_parse(c->owner_level, strlen(c->owner_level)) : 0);
    s.top_level = !next || !c->anc.id[next];
    struct gr_case_input in = {true, true};
    for (int a = GR_CA_ACCEPT; a < GR_N_CACTIONS; a++) {
        struct gr_case_move mv;
        const char *why;
        if (gr_case_check(&s, (enum gr_caction)a, actor & ~(unsigned)GR_CR_SYSTEM, &in, &mv,
                          &why) == GR_OK)
            json_array_append_new(can, json_string(gr_caction_name((enum gr_caction)a)));
    }
    /* A summoned department (and nobody else on the case) sees only what its task still
     * asks: report in until it has, resolve until its task is done. */
    int64_t org = (actor & GR_CR_SUMMONED) ? summoned_org(r, c) : 0;
    if (org && !(actor & ~(unsigned)(GR_CR_SUMMONED | GR_CR_STREET))) {
        struct task_state ts = {org, false, false, false};
        gr_store_tasks(r->st, c->id, task_of, &ts, &open);
        json_t *kept = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(can, i, v)
        {
            const char *a = json_string_value(v);
            if ((strcmp(a, "report_in") == 0 && (!ts.found || ts.reported)) ||
                (strcmp(a, "resolve") == 0 && (!ts.found || ts.done)))
                continue;
            json_array_append(kept, v);
        }
        json_decref(can);
        can = kept;
    }
    json_object_set_new(o, "can", can);
    /* The names of its places, for callers who may not read the nodes themselves. */
    json_t *places = json_object();
    static const char *const level_keys[] = {NULL,     "city",      "district",
                                             "street", "community", "grid"};
    for (int l = GR_LEVEL_DISTRICT; l <= GR_LEVEL_GRID; l++) {
        char name[128];
        if (c->anc.id[l] && gr_api_node_name(r, c->anc.id[l], name, sizeof(name)))
            json_object_set_new(places, level_keys[l], json_string(name));
    }
    json_object_set_new(o, "places", places);
    gr_reply_json(r, status, o);
}

void gr_h_cases_get(struct gr_req *r)
{
    struct gr_case c;
    unsigned actor;
    if (visible_case(r, &c, &actor))
        reply_case_page(r, 200, &c, actor);
}

struct list_ctx {
    struct gr_req *r;
    json_t *items;
    int64_t last;
};

static int case_row(void *ctx, const struct gr_case *c)
{
    struct list_ctx *lc = ctx;
    unsigned actor = gr_case_actor(NULL, &lc->r->who, c);
    json_array_append_new(lc->items, case_json(lc->r, c, gr_case_personal(actor), NULL));
    lc->last = c->id;
    return 0;
}

/* Fill the access part of a case query from the caller's grants: node grants by the
 * location, a department's cases, and a resident's own. */
static void case_scopes(struct gr_req *r, struct gr_case_query *cq)
{
    cq->q.all = gr_access_is_admin(&r->who);
    for (size_t i = 0; i < r->who.n_grants && !cq->q.all; i++) {
        const struct gr_grant *g = &r->who.grants[i];
        if (g->organisation_id) {
            if (g->role == GR_ROLE_DEPARTMENT_HANDLER)
                cq->also_org = g->organisation_id;
            continue;
        }
        if (g->role < GR_ROLE_GRID_WORKER || cq->q.n_scopes == GR_MAX_SCOPES)
            continue;
        cq->q.scopes[cq->q.n_scopes++] = (struct gr_scope){g->level, g->node_id};
    }
}

static bool query_common(struct gr_req *r, struct gr_case_query *cq)
{
    static const char *const statuses[] = {"submitted",  "accepted",    "rejected", "merged",
                                           "dispatched", "in_progress", "resolved", "verified",
                                           "closed",     "on_hold",     "open",     NULL};
    cq->status = gr_req_query(r, "status");
    if (cq->status && !gr_api_one_of(cq->status, statuses)) {
        gr_reply_error(r, GR_EINVAL, "status", "is not a case status");
        return false;
    }
    int64_t node, org;
    if (!gr_req_int(r, "node_id", 1, INT64_MAX, 0, &node) ||
        !gr_req_int(r, "org_id", 1, INT64_MAX, 0, &org))
        return false;
    if (node) {
        const struct gr_kind *k = gr_kind_get(GR_K_NODES);
        struct gr_row row;
        if (gr_store_get(r->st, k, node, &row)) {
            gr_reply_error(r, GR_EINVAL, "node_id", "names no node");
            return false;
        }
        int lf = gr_kind_field(k, "level", 5);
        const char *lv = lf >= 0 ? row.vals[lf].s : NULL;
        cq->q.under = (struct gr_scope){lv ? gr_level_parse(lv, strlen(lv)) : GR_LEVEL_NONE, node};
        if (cq->q.under.level == GR_LEVEL_NONE) {
            gr_reply_error(r, GR_EINVAL, "node_id", "names no node");
            return false;
        }
    }
    cq->owner_org_id = org;
    cq->category_code = gr_req_query(r, "category");
    cq->matter_code = gr_req_query(r, "matter_code");
    const char *from = gr_req_query(r, "from"), *to = gr_req_query(r, "to");
    if (from && !gr_api_parse_time(from, &cq->from)) {
        gr_reply_error(r, GR_EINVAL, "from", "must be a time like 2026-01-01T00:00:00Z");
        return false;
    }
    if (to && !gr_api_parse_time(to, &cq->to)) {
        gr_reply_error(r, GR_EINVAL, "to", "must be a time like 2026-12-31T00:00:00Z");
        return false;
    }
    const char *mine = gr_req_query(r, "mine");
    if (mine && (strcmp(mine, "1") == 0 || strcmp(mine, "true") == 0))
        cq->requester_user_id = r->who.user_id;
    return true;
}

void gr_h_cases_list(struct gr_req *r)
{
    struct gr_case_query cq;
    memset(&cq, 0, sizeof(cq));
    int limit;
    int64_t after;
    if (!gr_req_page(r, &limit, &after) || !query_common(r, &cq))
        return;
    cq.q.limit = limit;
    cq.q.after = after;
    case_scopes(r, &cq);
    if (!cq.q.all && !cq.q.n_scopes && !cq.also_org)
        cq.requester_user_id = r->who.user_id; /* a resident lists their own */
    struct list_ctx lc = {r, json_array(), 0};
    bool more;
    enum gr_err e = gr_store_cases(r->st, &cq, case_row, &lc, &more);
    if (e) {
        json_decref(lc.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, lc.items, more, lc.last);
}

void gr_h_inbox(struct gr_req *r)
{
    struct gr_case_query cq;
    memset(&cq, 0, sizeof(cq));
    int64_t limit;
    if (!gr_req_int(r, "limit", 1, 200, 100, &limit))
        return;
    case_scopes(r, &cq);
    cq.q.limit = (int)limit;
    cq.status = "open";
    cq.overdue_first = true;
    struct list_ctx lc = {r, json_array(), 0};
    bool more;
    if (!cq.q.all && !cq.q.n_scopes && !cq.also_org) {
        gr_reply_list(r, lc.items, false, 0);
        return;
    }
    const char *st = gr_req_query(r, "status");
    if (st && !query_common(r, &cq)) {
        json_decref(lc.items);
        return;
    }
    enum gr_err e = gr_store_cases(r->st, &cq, case_row, &lc, &more);
    if (e) {
        json_decref(lc.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_json(r, 200, json_pack("{s:o, s:o}", "items", lc.items, "next", json_null()));
}

static int nearby_row(void *ctx, const struct gr_case *c)
{
    struct list_ctx *lc = ctx;
    json_array_append_new(lc->items,
                          json_pack("{s:I, s:s, s:s, s:s, s:o, s:f, s:f}", "id", (json_int_t)c->id,
                                    "status", c->status, "matter_code", c->matter_code,
                                    "description", c->description, "created_at",
                                    gr_api_time(c->created_at), "lat", c->lat, "lon", c->lon));
    return 0;
}

/* Possible duplicates before submitting: open cases of the same category nearby. */
void gr_h_cases_nearby(struct gr_req *r)
{
    const char *la = gr_req_query(r, "lat"), *lo = gr_req_query(r, "lon");
    const char *code = gr_req_query(r, "matter_code");
    double lat, lon;
    if (!la || gr_parse_f64(la, strlen(la), &lat) || lat < -90 || lat > 90) {
        gr_reply_error(r, GR_EINVAL, "lat", "must be a latitude from -90 to 90");
        return;
    }
    if (!lo || gr_parse_f64(lo, strlen(lo), &lon) || lon < -180 || lon > 180) {
        gr_reply_error(r, GR_EINVAL, "lon", "must be a longitude from -180 to 180");
        return;
    }
    int64_t meters, days;
    if (!gr_req_int(r, "radius", 10, 2000, 250, &meters) ||
        !gr_req_int(r, "days", 1, 365, 30, &days))
        return;
    if (!code) {
        gr_reply_error(r, GR_EINVAL, "matter_code", "is required");
        return;
    }
    int v;
    struct gr_matter m;
    struct gr_case_fail f;
    int64_t now = (int64_t)time(NULL);
    if (gr_case_matter(r->st, code, now, &v, &m, &f)) {
        gr_reply_error(r, f.err, f.field, f.why);
        return;
    }
    struct gr_anc anc;
    if (!gr_api_locate(r, lat, lon, &anc)) {
        gr_reply_error(r, GR_EINVAL, "lat", "the point lies outside every grid of the city");
        return;
    }
    struct list_ctx lc = {r, json_array(), 0};
    enum gr_err e = gr_store_cases_near(r->st, anc.id[GR_LEVEL_COMMUNITY], m.category, lat, lon,
                                        (double)meters, now - days * 86400, 10, nearby_row, &lc);
    if (e) {
        json_decref(lc.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_json(r, 200, json_pack("{s:o, s:o}", "items", lc.items, "next", json_null()));
}

/* The departments of a case's district: whom its intake may dispatch to or summon. */
struct dept_ctx {
    json_t *items;
};

static int dept_row(void *ctx, const struct gr_row *row)
{
    const struct gr_kind *k = gr_kind_get(GR_K_ORGANISATIONS);
    int nf = gr_kind_field(k, "name", 4);
    json_array_append_new(((struct dept_ctx *)ctx)->items,
                          json_pack("{s:I, s:s}", "id", (json_int_t)row->id, "name",
                                    nf >= 0 && row->vals[nf].s ? row->vals[nf].s : ""));
    return 0;
}

void gr_h_cases_departments(struct gr_req *r)
{
    struct gr_case c;
    unsigned actor;
    if (!visible_case(r, &c, &actor))
        return;
    if (!(actor & (GR_CR_INTAKE | GR_CR_STREET | GR_CR_HANDLER))) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff handling the case choose departments");
        return;
    }
    const struct gr_kind *k = gr_kind_get(GR_K_ORGANISATIONS);
    struct gr_query q;
    memset(&q, 0, sizeof(q));
    q.all = true; /* the district of a case the caller handles */
    q.n_filters = 2;
    q.filter_field[0] = gr_kind_field(k, "kind", 4);
    q.filter_value[0] = (struct gr_value){.present = true, .s = "department", .len = 10};
    q.filter_field[1] = gr_kind_field(k, "node_id", 7);
    q.filter_value[1] = (struct gr_value){.present = true, .i = c.anc.id[GR_LEVEL_DISTRICT]};
    q.limit = 200;
    struct dept_ctx dc = {json_array()};
    bool more;
    enum gr_err e = gr_store_list(r->st, k, &q, dept_row, &dc, &more);
    if (e) {
        json_decref(dc.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, dc.items, false, 0);
}

/* ---- actions ---- */

/* The department of the caller's grants summoned on the case (0: none). */
static int64_t summoned_org(struct gr_req *r, const struct gr_case *c)
{
    for (size_t i = 0; i < r->who.n_grants; i++) {
        const struct gr_grant *g = &r->who.grants[i];
        if (!g->organisation_id || g->role != GR_ROLE_DEPARTMENT_HANDLER)
            continue;
        struct gr_principal one = {r->who.user_id, 1, {*g}};
        if (gr_case_actor(r->st, &one, c) & GR_CR_SUMMONED)
            return g->organisation_id;
    }
    return 0;
}

void gr_h_cases_action(struct gr_req *r)
{
    struct gr_case c;
    unsigned actor;
    if (!visible_case(r, &c, &actor))
        return;
    json_t *o = gr_req_json(r);
    if (!o)
        return;
    static const char *const allowed[] = {
        "action",        "note",    "public", "into",      "owner_org_id",
        "owner_node_id", "org_ids", "until",  "review_on", "resolved",
        "satisfaction",  "comment", NULL};
    struct gr_case_act a;
    memset(&a, 0, sizeof(a));
    const char *name, *until = NULL, *res = NULL, *sat = NULL;
    int64_t ids[16];
    if (!gr_api_only(r, o, allowed) || !gr_api_text(r, o, "action", true, 32, &name) ||
        !gr_api_text(r, o, "note", false, 2000, &a.note) ||
        !gr_api_text(r, o, "until", false, 20, &until) ||
        !gr_api_text(r, o, "review_on", false, 10, &a.review_on) ||
        !gr_api_text(r, o, "resolved", false, 10, &res) ||
        !gr_api_text(r, o, "satisfaction", false, 24, &sat) ||
        !gr_api_text(r, o, "comment", false, 500, &a.comment) ||
        !id_member(r, o, "into", &a.into) || !id_member(r, o, "owner_org_id", &a.owner_org_id) ||
        !id_member(r, o, "owner_node_id", &a.owner_node_id))
        goto out;
    a.action = gr_caction_parse(name);
    if (a.action == GR_CA_NONE) {
        gr_reply_error(r, GR_EINVAL, "action", "is not an action on cases");
        goto out;
    }
    json_t *pub = json_object_get(o, "public");
    if (pub && !json_is_boolean(pub)) {
        gr_reply_error(r, GR_EINVAL, "public", "must be true or false");
        goto out;
    }
    a.public_note = pub && json_is_true(pub);
    if (until && !gr_api_parse_time(until, &a.until)) {
        gr_reply_error(r, GR_EINVAL, "until", "must be a time like 2026-12-01T17:30:00Z");
        goto out;
    }
    if (res && !(a.resolved = gr_resolved_parse(res))) {
        gr_reply_error(r, GR_EINVAL, "resolved", "must be yes, partly or no");
        goto out;
    }
    if (sat && !(a.satisfaction = gr_satisfaction_parse(sat))) {
        gr_reply_error(r, GR_EINVAL, "satisfaction",
                       "must be satisfied, basically_satisfied or unsatisfied");
        goto out;
    }
    if (!gr_api_ids(r, o, "org_ids", 16, false, ids, &a.n_org_ids))
        goto out;
    a.org_ids = a.n_org_ids ? ids : NULL;
    /* The requester rates; staff record the call-back of a case whose requester has no
     * account (hotline, Open311), and only of those. */
    if (a.action == GR_CA_RATE && c.requester_user_id)
        actor &= GR_CR_REQUESTER;
    if (a.action == GR_CA_MERGE && a.into) {
        /* Only into a case the caller can see: another's answers as one that does not exist. */
        struct gr_case into;
        if (gr_store_case_get(r->st, a.into, &into) != GR_OK ||
            !gr_case_visible(&r->who, &into, gr_case_actor(r->st, &r->who, &into))) {
            gr_reply_error(r, GR_EINVAL, "into", "must name an open case");
            goto out;
        }
    }
    a.as_org = summoned_org(r, &c);
    struct gr_case after;
    struct gr_case_fail f = {GR_OK, NULL, NULL};
    int64_t now = (int64_t)time(NULL);
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st,
                         gr_case_act(r->st, c.id, actor, r->who.user_id, &a, now, &after, &f));
    if (e) {
        gr_reply_error(r, e, f.err ? f.field : NULL, f.err ? f.why : NULL);
        goto out;
    }
    struct gr_case fresh;
    if ((e = gr_store_case_get(r->st, c.id, &fresh))) {
        gr_reply_error(r, e, NULL, NULL);
        goto out;
    }
    reply_case_page(r, 200, &fresh, gr_case_actor(r->st, &r->who, &fresh));
out:
    json_decref(o);
}

/* ---- photos ---- */

void gr_h_cases_photo_add(struct gr_req *r)
{
    struct gr_case c;
    unsigned actor;
    if (!visible_case(r, &c, &actor))
        return;
    if (!(actor & (GR_CR_REQUESTER | GR_CR_HANDLER | GR_CR_GRID | GR_CR_INTAKE | GR_CR_SUMMONED))) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL,
                       "photos are added by the requester and those handling the case");
        return;
    }
    const char *mime = gr_api_photo(r);
    if (!mime)
        return;
    char sha[65];
    gr_sha256_hex(r->body.data, r->body.len, sha);
    struct gr_photo p = {.case_id = c.id,
                         .uploaded_by = r->who.user_id,
                         .created_at = (int64_t)time(NULL),
                         .size = (int64_t)r->body.len,
                         .mime = mime,
                         .sha256 = sha,
                         .bytes = r->body.data};
    /* Counted and added in one write transaction: concurrent uploads stop at the limit. */
    int64_t id = 0;
    int count = 0;
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_photos(r->st, c.id, NULL, NULL, &count);
    if (!e && count >= GR_PHOTO_MAX_PER_CASE)
        e = GR_ECONFLICT;
    if (!e)
        e = gr_store_photo_add(r->st, &p, &id);
    e = gr_store_end(r->st, e);
    if (e == GR_ECONFLICT) {
        gr_reply_error(r, GR_ECONFLICT, "photo", "a case holds at most 9 photos");
        return;
    }
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_json(r, 201,
                  json_pack("{s:I, s:s, s:I, s:b, s:s}", "id", (json_int_t)id, "mime", mime, "size",
                            (json_int_t)p.size, "public", 0, "url",
                            gr_arena_printf(&r->arena, "/api/v1/photos/%lld", (long long)id)));
}

void gr_h_photos_get(struct gr_req *r)
{
    int64_t id;
    if (!gr_req_id(r, 0, &id))
        return;
    struct gr_photo p;
    enum gr_err e = gr_store_photo_get(r->st, id, &p);
    if (e) {
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such photo" : NULL);
        return;
    }
    if (!p.public) {
        struct gr_case c;
        bool ok = r->authed &&
                  (p.case_id ? gr_store_case_get(r->st, p.case_id, &c) == GR_OK &&
                                   gr_case_visible(&r->who, &c, gr_case_actor(r->st, &r->who, &c))
                             : gr_api_topic_photo_visible(r, p.id));
        if (!ok) {
            gr_reply_error(r, GR_ENOTFOUND, NULL, "no such photo");
            return;
        }
    }
    char *bytes = malloc((size_t)p.size ? (size_t)p.size : 1);
    if (!bytes) {
        gr_reply_error(r, GR_EINTERNAL, NULL, NULL);
        return;
    }
    memcpy(bytes, p.bytes, (size_t)p.size);
    r->cache_control = p.public ? "public, max-age=86400" : "private, max-age=3600";
    gr_reply_raw(r, 200, p.mime, bytes, (size_t)p.size);
}

void gr_h_photos_update(struct gr_req *r)
{
    int64_t id;
    if (!gr_req_id(r, 0, &id))
        return;
    struct gr_photo p;
    struct gr_case c;
    enum gr_err e = gr_store_photo_get(r->st, id, &p);
    if (!e)
        e = gr_store_case_get(r->st, p.case_id, &c);
    unsigned actor = e ? 0 : gr_case_actor(r->st, &r->who, &c);
    if (e || !gr_case_visible(&r->who, &c, actor)) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such photo");
        return;
    }
    if (!(actor & (GR_CR_INTAKE | GR_CR_HANDLER))) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "staff handling the case approve its photos");
        return;
    }
    json_t *o = gr_req_json(r);
    if (!o)
        return;
    static const char *const allowed[] = {"public", NULL};
    json_t *pub = json_object_get(o, "public");
    if (!gr_api_only(r, o, allowed))
        goto out;
    if (!pub || !json_is_boolean(pub)) {
        gr_reply_error(r, GR_EINVAL, "public", "must be true or false");
        goto out;
    }
    if (!(e = gr_store_begin(r->st)))
        e = gr_store_end(r->st, gr_store_photo_public(r->st, id, json_is_true(pub)));
    if (e)
        gr_reply_error(r, e, NULL, NULL);
    else
        gr_reply_json(r, 200,
                      json_pack("{s:I, s:b}", "id", (json_int_t)id, "public", json_is_true(pub)));
out:
    json_decref(o);
}

/* ---- notifications ---- */

struct note_ctx {
    json_t *items;
    int64_t last;
};

static int note_row(void *ctx, const struct gr_notification *n)
{
    struct note_ctx *nc = ctx;
    json_t *o = json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)n->id, "kind", n->kind, "at",
                          gr_api_time(n->at), "to", n->target);
    json_object_set_new(o, "case_id", n->case_id ? json_integer(n->case_id) : json_null());
    json_object_set_new(o, "topic_id", n->topic_id ? json_integer(n->topic_id) : json_null());
    json_object_set_new(o, "note", n->note ? json_string(n->note) : json_null());
    json_array_append_new(nc->items, o);
    nc->last = n->id;
    return 0;
}

void gr_h_notifications(struct gr_req *r)
{
    int limit;
    int64_t before;
    if (!gr_req_page(r, &limit, &before))
        return;
    char keys[GR_MAX_GRANTS + 1][24];
    const char *targets[GR_MAX_GRANTS + 1];
    size_t n = 0;
    snprintf(keys[n], sizeof(keys[n]), "u:%lld", (long long)r->who.user_id);
    targets[n] = keys[n];
    n++;
    for (size_t i = 0; i < r->who.n_grants; i++) {
        const struct gr_grant *g = &r->who.grants[i];
        if (g->organisation_id)
            snprintf(keys[n], sizeof(keys[n]), "o:%lld", (long long)g->organisation_id);
        else if (g->role >= GR_ROLE_GRID_WORKER)
            snprintf(keys[n], sizeof(keys[n]), "n:%lld", (long long)g->node_id);
        else
            continue;
        targets[n] = keys[n];
        n++;
    }
    struct note_ctx nc = {json_array(), 0};
    bool more;
    enum gr_err e = gr_store_notifications(r->st, targets, n, before, limit, note_row, &nc, &more);
    if (e) {
        json_decref(nc.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    gr_reply_list(r, nc.items, more, nc.last);
}

/* ---- figures ---- */

static json_t *rate_json(double v)
{
    return v < 0 ? json_null() : json_real((double)(int64_t)(v * 10000 + 0.5) / 10000);
}

static json_t *figures_json(const int64_t *s)
{
    struct gr_rates rt;
    gr_fig_rates(s, &rt);
    json_t *o = json_object();
    for (int i = 0; i < GR_N_FIGS; i++)
        json_object_set_new(o, gr_fig_names[i], json_integer(s[i]));
    json_object_set_new(o, "response_rate", rate_json(rt.response));
    json_object_set_new(o, "resolution_rate", rate_json(rt.resolution));
    json_object_set_new(o, "satisfaction_rate", rate_json(rt.satisfaction));
    json_object_set_new(o, "on_time_rate", rate_json(rt.on_time));
    json_object_set_new(o, "rework_rate", rate_json(rt.rework));
    json_object_set_new(o, "extension_rate", rate_json(rt.extension));
    json_object_set_new(o, "mean_handling_hours",
                        rt.mean_handling_hours < 0
                            ? json_null()
                            : json_real((double)(int64_t)(rt.mean_handling_hours * 10 + 0.5) / 10));
    return o;
}

/* A date or a time in a query: "2026-01-01" or "2026-01-01T00:00:00Z", as the local day. */
static bool day_param(struct gr_req *r, const char *name, const struct gr_calendar *cal,
                      int64_t def, char out[11])
{
    const char *s = gr_req_query(r, name);
    gr_ymd d;
    int64_t t;
    if (!s) {
        gr_ymd_format(gr_cal_date(cal, def), out);
        return true;
    }
    if (gr_ymd_parse(s, &d)) {
        gr_ymd_format(d, out);
        return true;
    }
    if (gr_api_parse_time(s, &t)) {
        gr_ymd_format(gr_cal_date(cal, t), out);
        return true;
    }
    gr_reply_error(r, GR_EINVAL, name, "must be a date like 2026-01-31");
    return false;
}

/* The subject of figures: node_id, org_id or matter_code, within the caller's reach. */
static bool subject_param(struct gr_req *r, char *subject, size_t cap, int64_t *node,
                          enum gr_level *level)
{
    int64_t org;
    const char *matter = gr_req_query(r, "matter_code");
    if (!gr_req_int(r, "node_id", 1, INT64_MAX, 0, node) ||
        !gr_req_int(r, "org_id", 1, INT64_MAX, 0, &org))
        return false;
    if (!!*node + !!org + !!matter != 1) {
        gr_reply_error(r, GR_EINVAL, "node_id", "give one of node_id, org_id or matter_code");
        return false;
    }
    bool dept = false;
    for (size_t i = 0; i < r->who.n_grants; i++)
        dept |= org && r->who.grants[i].role == GR_ROLE_DEPARTMENT_HANDLER &&
                r->who.grants[i].organisation_id == org;
    if (!dept && !has_role(&r->who, GR_ROLE_GRID_WORKER, GR_ROLE_CITY_STAFF)) {
        gr_reply_error(r, GR_EFORBIDDEN, NULL, "the figures are for staff");
        return false;
    }
    if (*node) {
        struct gr_anc anc;
        if (!gr_api_visible(r, gr_kind_get(GR_K_NODES), *node, &anc))
            return false;
        *level = GR_LEVEL_NONE;
        for (int l = GR_LEVEL_GRID; l >= GR_LEVEL_CITY; l--)
            if (anc.id[l] == *node)
                *level = (enum gr_level)l;
        snprintf(subject, cap, "n:%lld", (long long)*node);
    } else if (org) {
        struct gr_anc anc;
        if (!gr_api_visible(r, gr_kind_get(GR_K_ORGANISATIONS), org, &anc))
            return false;
        snprintf(subject, cap, "o:%lld", (long long)org);
    } else {
        if (strlen(matter) > 32 || strchr(matter, ':')) {
            gr_reply_error(r, GR_EINVAL, "matter_code", "is not a matter code");
            return false;
        }
        /* A matter's figures are city-wide: for district and city staff. */
        if (!has_role(&r->who, GR_ROLE_DISTRICT_STAFF, GR_ROLE_CITY_STAFF)) {
            gr_reply_error(r, GR_EFORBIDDEN, "matter_code",
                           "a matter's figures are for district and city staff");
            return false;
        }
        snprintf(subject, cap, "m:%s", matter);
    }
    return true;
}

static bool period(struct gr_req *r, const struct gr_calendar **cal, char from[11], char to[11])
{
    if (gr_store_calendar(r->st, cal)) {
        gr_reply_error(r, GR_EDB, NULL, NULL);
        return false;
    }
    int64_t now = (int64_t)time(NULL);
    if (!day_param(r, "from", *cal, now - 364 * 86400, from) || !day_param(r, "to", *cal, now, to))
        return false;
    if (strcmp(from, to) > 0) {
        gr_reply_error(r, GR_EINVAL, "to", "must not be before from");
        return false;
    }
    return true;
}

void gr_h_figures(struct gr_req *r)
{
    char subject[48], from[11], to[11];
    int64_t node = 0;
    enum gr_level level;
    const struct gr_calendar *cal;
    if (!subject_param(r, subject, sizeof(subject), &node, &level) || !period(r, &cal, from, to))
        return;
    int64_t sums[GR_N_FIGS];
    enum gr_err e = gr_store_figures(r->st, subject, from, to, sums);
    if (e) {
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    json_t *o = figures_json(sums);
    json_object_set_new(o, "subject", json_string(subject));
    json_object_set_new(o, "from", json_string(from));
    json_object_set_new(o, "to", json_string(to));
    gr_reply_json(r, 200, o);
}

struct rank_ctx {
    struct gr_req *r;
    json_t *items;
    const char *from, *to;
    enum gr_err e;
};

static int rank_child(void *ctx, const struct gr_row *row)
{
    struct rank_ctx *rc = ctx;
    char subject[32];
    int64_t sums[GR_N_FIGS];
    snprintf(subject, sizeof(subject), "n:%lld", (long long)row->id);
    rc->e = gr_store_figures(rc->r->st, subject, rc->from, rc->to, sums);
    if (rc->e)
        return 1;
    json_t *o = figures_json(sums);
    const struct gr_kind *k = gr_kind_get(GR_K_NODES);
    int nf = gr_kind_field(k, "name", 4);
    json_object_set_new(o, "node_id", json_integer(row->id));
    json_object_set_new(o, "name", json_string(nf >= 0 && row->vals[nf].s ? row->vals[nf].s : ""));
    json_array_append_new(rc->items, o);
    return 0;
}

struct ranked {
    double key; /* the figure, -1 for no data */
    json_t *o;
};

static int by_key(const void *a, const void *b)
{
    double x = ((const struct ranked *)a)->key, y = ((const struct ranked *)b)->key;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The children of a node ranked by a figure (四类排名): highest first, no data last. */
void gr_h_figures_ranking(struct gr_req *r)
{
    char subject[48], from[11], to[11];
    int64_t node = 0;
    enum gr_level level;
    const struct gr_calendar *cal;
    static const char *const keys[] = {"satisfaction_rate", "response_rate", "resolution_rate",
                                       "on_time_rate",      "total",         NULL};
    const char *by = gr_req_query(r, "by");
    if (by && !gr_api_one_of(by, keys)) {
        gr_reply_error(r, GR_EINVAL, "by",
                       "must be one of satisfaction_rate, response_rate, "
                       "resolution_rate, on_time_rate, total");
        return;
    }
    if (!gr_req_query(r, "node_id")) {
        gr_reply_error(r, GR_EINVAL, "node_id", "is required");
        return;
    }
    if (!subject_param(r, subject, sizeof(subject), &node, &level) || !period(r, &cal, from, to))
        return;
    const struct gr_kind *k = gr_kind_get(GR_K_NODES);
    struct gr_query q;
    memset(&q, 0, sizeof(q));
    q.all = true; /* the node itself was checked; its children are within reach */
    q.n_filters = 1;
    q.filter_field[0] = gr_kind_field(k, "parent_id", 9);
    q.filter_value[0] = (struct gr_value){.present = true, .i = node};
    q.limit = 500;
    struct rank_ctx rc = {r, json_array(), from, to, GR_OK};
    bool more;
    enum gr_err e = gr_store_list(r->st, k, &q, rank_child, &rc, &more);
    if (e || rc.e) {
        json_decref(rc.items);
        gr_reply_error(r, e ? e : rc.e, NULL, NULL);
        return;
    }
    const char *key = by ? by : "satisfaction_rate";
    size_t n = json_array_size(rc.items);
    struct ranked *v = malloc((n ? n : 1) * sizeof(*v));
    if (!v) {
        json_decref(rc.items);
        gr_reply_error(r, GR_EINTERNAL, NULL, NULL);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        v[i].o = json_array_get(rc.items, i);
        json_t *x = json_object_get(v[i].o, key);
        v[i].key = json_is_number(x) ? json_number_value(x) : -1;
    }
    qsort(v, n, sizeof(*v), by_key);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_object_set_new(v[i].o, "rank", json_integer((json_int_t)i + 1));
        json_array_append(items, v[i].o);
    }
    free(v);
    json_decref(rc.items);
    gr_reply_json(r, 200,
                  json_pack("{s:o, s:s, s:s, s:s, s:o}", "items", items, "by", key, "from", from,
                            "to", to, "next", json_null()));
}

struct trend_ctx {
    json_t *items;
    bool monthly;
    char period[11];
    int64_t sums[GR_N_FIGS];
    bool any;
};

static void trend_flush(struct trend_ctx *tc)
{
    if (!tc->any)
        return;
    json_t *o = figures_json(tc->sums);
    json_object_set_new(o, "period", json_string(tc->period));
    json_array_append_new(tc->items, o);
    memset(tc->sums, 0, sizeof(tc->sums));
    tc->any = false;
}

static int trend_day(void *ctx, const char *day, const int64_t *counts)
{
    struct trend_ctx *tc = ctx;
    char key[11];
    snprintf(key, sizeof(key), "%.*s", tc->monthly ? 7 : 10, day);
    if (tc->any && strcmp(key, tc->period) != 0)
        trend_flush(tc);
    snprintf(tc->period, sizeof(tc->period), "%s", key);
    for (int i = 0; i < GR_N_FIGS; i++)
        tc->sums[i] += counts[i];
    tc->any = true;
    return 0;
}

void gr_h_figures_trend(struct gr_req *r)
{
    char subject[48], from[11], to[11];
    int64_t node = 0;
    enum gr_level level;
    const struct gr_calendar *cal;
    const char *bucket = gr_req_query(r, "bucket");
    if (bucket && strcmp(bucket, "day") != 0 && strcmp(bucket, "month") != 0) {
        gr_reply_error(r, GR_EINVAL, "bucket", "must be day or month");
        return;
    }
    if (!subject_param(r, subject, sizeof(subject), &node, &level) || !period(r, &cal, from, to))
        return;
    struct trend_ctx tc;
    memset(&tc, 0, sizeof(tc));
    tc.items = json_array();
    tc.monthly = !bucket || strcmp(bucket, "month") == 0;
    enum gr_err e = gr_store_figures_days(r->st, subject, from, to, trend_day, &tc);
    if (e) {
        json_decref(tc.items);
        gr_reply_error(r, e, NULL, NULL);
        return;
    }
    trend_flush(&tc);
    gr_reply_json(r, 200,
                  json_pack("{s:o, s:s, s:s, s:s, s:o}", "items", tc.items, "subject", subject,
                            "from", from, "to", to, "next", json_null()));
}
