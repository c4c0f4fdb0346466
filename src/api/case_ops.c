/*
 * case_ops.c - intake, actions and the sweep: core's table decides what may happen,
 * routing who owns it and when it is due; this file turns a decision into the case's new
 * row, its event and its notices, and hands them to the store in one write.
 */
#include "case_ops.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/calendar.h"

static enum gr_err fail(struct gr_case_fail *f, enum gr_err e, const char *field, const char *why)
{
    f->err = e;
    f->field = field;
    f->why = why;
    return e;
}

static enum gr_level level_of(const char *name)
{
    return name ? gr_level_parse(name, strlen(name)) : GR_LEVEL_NONE;
}

/* The local date of a moment as "YYYY-MM-DD" into out[11]. */
static void day_of(const struct gr_calendar *cal, int64_t t, char out[11])
{
    gr_ymd_format(gr_cal_date(cal, t), out);
}

/* A published version never changes, so its matters are kept once read: every case of a
 * matter routes with the same row. The version in effect is read again each second (a list
 * published to take effect now does so within it). */
#define MATTER_CACHE 256

struct matter_copy {
    int version;
    struct gr_matter m;
    char *texts; /* every string of m, one allocation */
};

static struct {
    pthread_mutex_t lock;
    char *db;           /* the database they are of (its log's path); another one clears */
    int64_t current_at; /* when the version in effect was read */
    int current;
    size_t n;
    struct matter_copy m[MATTER_CACHE];
} matters = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Keep a copy of m (the caller holds the lock); false when the cache is full. */
static bool matter_keep(int version, const struct gr_matter *m)
{
    if (matters.n == MATTER_CACHE)
        return false;
    const char *src[6 + GR_MATTER_MAX_CO] = {m->code,       m->name,       m->category,
                                             m->power_type, m->owner_dept, m->legal_basis};
    for (size_t i = 0; i < m->n_co && i < GR_MATTER_MAX_CO; i++)
        src[6 + i] = m->co_depts[i];
    size_t len = 0;
    for (size_t i = 0; i < 6 + GR_MATTER_MAX_CO; i++)
        len += src[i] ? strlen(src[i]) + 1 : 0;
    struct matter_copy *c = &matters.m[matters.n];
    c->texts = malloc(len ? len : 1);
    if (!c->texts)
        return false;
    c->version = version;
    c->m = *m;
    const char **dst[6] = {&c->m.code,       &c->m.name,       &c->m.category,
                           &c->m.power_type, &c->m.owner_dept, &c->m.legal_basis};
    char *p = c->texts;
    for (size_t i = 0; i < 6 + GR_MATTER_MAX_CO; i++) {
        const char *out = NULL;
        if (src[i]) {
            size_t n = strlen(src[i]) + 1;
            memcpy(p, src[i], n);
            out = p;
            p += n;
        }
        if (i < 6)
            *dst[i] = out;
        else if (i - 6 < m->n_co)
            c->m.co_depts[i - 6] = out;
    }
    matters.n++;
    return true;
}

enum gr_err gr_case_matter(struct gr_store *st, const char *code, int64_t now, int *version,
                           struct gr_matter *m, struct gr_case_fail *f)
{
    enum gr_err e = GR_OK;
    const char *db = gr_store_log_path(st);
    pthread_mutex_lock(&matters.lock);
    if (!matters.db || strcmp(matters.db, db) != 0) {
        for (size_t i = 0; i < matters.n; i++)
            free(matters.m[i].texts);
        matters.n = 0;
        matters.current = 0;
        free(matters.db);
        matters.db = strdup(db);
    }
    if (!matters.current || matters.current_at != now) {
        e = gr_store_matter_current(st, now, &matters.current);
        matters.current_at = now;
        if (e)
            matters.current = 0;
    }
    *version = matters.current;
    for (size_t i = 0; !e && i < matters.n; i++)
        if (matters.m[i].version == *version && strcmp(matters.m[i].m.code, code) == 0) {
            *m = matters.m[i].m;
            pthread_mutex_unlock(&matters.lock);
            return GR_OK;
        }
    pthread_mutex_unlock(&matters.lock);
    if (e == GR_ENOTFOUND)
        return fail(f, GR_ENOTFOUND, "matter_code", "no responsibility list is published");
    if (!e)
        e = gr_store_matter_get(st, *version, code, m);
    if (e == GR_ENOTFOUND)
        return fail(f, GR_EINVAL, "matter_code",
                    "is not a matter of the published responsibility list");
    if (e)
        return fail(f, e, NULL, "the store failed");
    pthread_mutex_lock(&matters.lock);
    matter_keep(*version, m);
    pthread_mutex_unlock(&matters.lock);
    return GR_OK;
}

/* Notify the desk of a node: its own staff, and for a grid, its community's as well. */
static void notice(struct gr_notice *nt, size_t *n, char kind_of, int64_t id, const char *kind)
{
    if (*n == GR_MAX_NOTICES || !id)
        return;
    snprintf(nt[*n].target, sizeof(nt[*n].target), "%c:%lld", kind_of, (long long)id);
    nt[*n].kind = kind;
    (*n)++;
}

/* Notices to the current owner of a case: the department, or the node (and, for a grid,
 * its community). */
static void notice_owner(struct gr_notice *nt, size_t *n, const struct gr_case *c, const char *kind)
{
    if (c->owner_org_id)
        notice(nt, n, 'o', c->owner_org_id, kind);
    notice(nt, n, 'n', c->owner_node_id, kind);
    if (!c->owner_org_id && level_of(c->owner_level) == GR_LEVEL_GRID)
        notice(nt, n, 'n', c->anc.id[GR_LEVEL_COMMUNITY], kind);
}

enum gr_err gr_case_intake(struct gr_store *st, const struct gr_intake *in, struct gr_case *out,
                           struct gr_case_fail *f)
{
    struct gr_anc anc = in->anc;
    enum gr_err e;
    if (in->unit_id || in->building_id) {
        enum gr_kind_id k = in->unit_id ? GR_K_UNITS : GR_K_BUILDINGS;
        e = gr_store_anc(st, gr_kind_get(k), in->unit_id ? in->unit_id : in->building_id, &anc);
        if (e == GR_ENOTFOUND)
            return fail(f, GR_EINVAL, in->unit_id ? "unit_id" : "building_id",
                        "names no building or unit of the network");
        if (e)
            return fail(f, e, NULL, "the store failed");
    }
    if (!anc.id[GR_LEVEL_GRID])
        return fail(f, GR_EINVAL, in->has_point ? "lat" : "building_id",
                    "the location lies in no grid of the city");
    int version;
    struct gr_matter m;
    if ((e = gr_case_matter(st, in->matter_code, in->now, &version, &m, f)))
        return e;
    const struct gr_calendar *cal;
    if ((e = gr_store_calendar(st, &cal)))
        return fail(f, e, NULL, "the store failed");
    struct gr_route_in ri = {&m, anc, cal, in->now};
    struct gr_route_out ro;
    gr_route(&ri, &ro);
    int64_t org = 0;
    if (ro.owner_dept) {
        e = gr_store_department(st, anc.id[GR_LEVEL_DISTRICT], ro.owner_dept, &org);
        if (e == GR_ENOTFOUND) { /* the district has no such department: 属地兜底 */
            ro.owner_level = GR_LEVEL_STREET;
            ro.owner_node_id = anc.id[GR_LEVEL_STREET];
            ro.fallback = true;
        } else if (e) {
            return fail(f, e, NULL, "the store failed");
        }
    }
    char day[11];
    day_of(cal, in->now, day);
    struct gr_case c = {
        .status = "submitted",
        .channel = in->channel,
        .matter_version = version,
        .matter_code = m.code,
        .category_code = m.category,
        .description = in->description,
        .address = in->address,
        .has_point = in->has_point,
        .lat = in->lat,
        .lon = in->lon,
        .building_id = in->building_id,
        .unit_id = in->unit_id,
        .anc = anc,
        .owner_level = gr_level_name(ro.owner_level),
        .owner_node_id = ro.owner_node_id,
        .owner_org_id = org,
        .requester_user_id = in->requester_user_id,
        .requester_name = in->requester_name,
        .requester_phone = in->requester_phone,
        .requester_email = in->requester_email,
        .anonymous = in->anonymous,
        .urgent = m.urgent,
        .api_key_id = in->api_key_id,
        .token = in->token,
        .created_at = in->now,
        .updated_at = in->now,
        .day = day,
        .respond_due = ro.respond_due,
        .resolve_due = ro.resolve_due,
        .first_due = ro.resolve_due,
    };
    char data[160];
    snprintf(data, sizeof(data),
             "{\"matter_version\":%d,\"owner_level\":\"%s\",\"owner_node_id\":%lld,"
             "\"owner_org_id\":%lld,\"fallback\":%s}",
             version, c.owner_level, (long long)c.owner_node_id, (long long)org,
             ro.fallback ? "true" : "false");
    struct gr_case_event ev = {.at = in->now,
                               .actor_user_id = in->actor_user_id,
                               .action = "submit",
                               .to_status = "submitted",
                               .data = data,
                               .public = true};
    /* No notice: a new case is in its owner's inbox already (and intake stays cheap). */
    int64_t id;
    if ((e = gr_store_case_create(st, &c, &ev, NULL, 0, &id)))
        return fail(f, e, NULL, e == GR_ECONFLICT ? "the token is in use" : "the store failed");
    /* The row as stored; its day lives in this thread's buffer until the next intake. */
    static _Thread_local char day_kept[11];
    memcpy(day_kept, day, sizeof(day_kept));
    *out = c;
    out->id = id;
    out->day = day_kept;
    return GR_OK;
}

static bool is_staff(enum gr_role r)
{
    return r == GR_ROLE_COMMUNITY_STAFF || r == GR_ROLE_STREET_STAFF ||
           r == GR_ROLE_DISTRICT_STAFF || r == GR_ROLE_CITY_STAFF;
}

static int task_org(void *ctx, const struct gr_case_task *t)
{
    int64_t *want = ctx;
    if (t->org_id == want[0]) /* done or not: the department keeps seeing the case */
        want[1] = 1;
    return 0;
}

unsigned gr_case_actor(struct gr_store *st, const struct gr_principal *p, const struct gr_case *c)
{
    unsigned a = 0;
    if (p->user_id && p->user_id == c->requester_user_id)
        a |= GR_CR_REQUESTER;
    enum gr_level lo = level_of(c->owner_level);
    for (size_t i = 0; i < p->n_grants; i++) {
        const struct gr_grant *g = &p->grants[i];
        if (g->role == GR_ROLE_ADMIN) {
            a |= GR_CR_INTAKE | GR_CR_HANDLER | GR_CR_GRID | GR_CR_STREET;
            continue;
        }
        if (g->organisation_id) {
            if (g->role != GR_ROLE_DEPARTMENT_HANDLER)
                continue;
            if (g->organisation_id == c->owner_org_id)
                a |= GR_CR_HANDLER;
            int64_t want[2] = {g->organisation_id, 0};
            int open;
            if (st && gr_store_tasks(st, c->id, task_org, want, &open) == GR_OK && want[1])
                a |= GR_CR_SUMMONED;
            continue;
        }
        if (g->level < GR_LEVEL_CITY || g->level > GR_LEVEL_GRID ||
            c->anc.id[g->level] != g->node_id)
            continue; /* the case is not under this grant */
        if (g->role == GR_ROLE_GRID_WORKER && g->level == GR_LEVEL_GRID) {
            a |= GR_CR_GRID;
            if (!c->owner_org_id && c->owner_node_id == g->node_id)
                a |= GR_CR_HANDLER;
            continue;
        }
        if (!is_staff(g->role))
            continue;
        a |= GR_CR_STREET;
        if (lo != GR_LEVEL_NONE && g->level <= lo)
            a |= GR_CR_INTAKE;
        if (!c->owner_org_id && (c->owner_node_id == g->node_id ||
                                 (lo == GR_LEVEL_GRID && g->level == GR_LEVEL_COMMUNITY)))
            a |= GR_CR_HANDLER;
    }
    return a;
}

bool gr_case_visible(const struct gr_principal *p, const struct gr_case *c, unsigned actor)
{
    if (actor)
        return true;
    for (size_t i = 0; i < p->n_grants; i++) {
        const struct gr_grant *g = &p->grants[i];
        if (g->role == GR_ROLE_ADMIN)
            return true;
        if (!g->organisation_id && (is_staff(g->role) || g->role == GR_ROLE_GRID_WORKER) &&
            g->level >= GR_LEVEL_CITY && g->level <= GR_LEVEL_GRID &&
            c->anc.id[g->level] == g->node_id)
            return true;
    }
    return false;
}

bool gr_case_personal(unsigned actor)
{
    return (actor & (GR_CR_HANDLER | GR_CR_GRID | GR_CR_REQUESTER | GR_CR_SUMMONED)) != 0;
}

/* A department of the case's district (or of the city): GR_EINVAL otherwise. */
static enum gr_err check_department(struct gr_store *st, const struct gr_case *c, int64_t org)
{
    const struct gr_kind *k = gr_kind_get(GR_K_ORGANISATIONS);
    struct gr_row row;
    enum gr_err e = gr_store_get(st, k, org, &row);
    if (e)
        return e == GR_ENOTFOUND ? GR_EINVAL : e;
    int kf = gr_kind_field(k, "kind", 4);
    if (kf < 0 || !row.vals[kf].s || strcmp(row.vals[kf].s, "department") != 0)
        return GR_EINVAL;
    if (row.anc.id[GR_LEVEL_DISTRICT] &&
        row.anc.id[GR_LEVEL_DISTRICT] != c->anc.id[GR_LEVEL_DISTRICT])
        return GR_EINVAL;
    if (row.anc.id[GR_LEVEL_CITY] != c->anc.id[GR_LEVEL_CITY])
        return GR_EINVAL;
    return GR_OK;
}

static int reopen_limit(struct gr_store *st)
{
    char *v = NULL;
    int n = 1;
    if (gr_store_setting_get(st, "reopen_limit", &v) == GR_OK && v)
        n = atoi(v);
    free(v);
    return n < 0 ? 0 : n;
}

/* A new deadline from now under the case's matter (escalation, reopening). */
static enum gr_err new_due(struct gr_store *st, const struct gr_case *c, int64_t now, int64_t *due)
{
    struct gr_matter m;
    const struct gr_calendar *cal;
    enum gr_err e = gr_store_matter_get(st, c->matter_version, c->matter_code, &m);
    if (!e)
        e = gr_store_calendar(st, &cal);
    if (e)
        return e;
    *due = gr_due(cal, now, m.resolve_limit, m.resolve_unit);
    return GR_OK;
}

static bool valid_day(const char *s)
{
    gr_ymd d;
    return s && gr_ymd_parse(s, &d);
}

/* The member that names an action's target, for errors. */
static const char *target_field(const struct gr_case_act *a)
{
    switch (a->action) {
    case GR_CA_MERGE: return "into";
    case GR_CA_SUMMON: return "org_ids";
    case GR_CA_HOLD: return "review_on";
    case GR_CA_REQUEST_EXTENSION: return "until";
    case GR_CA_RATE: return a->resolved ? "satisfaction" : "resolved";
    default: return "note";
    }
}

/* The action on a case read as `before`; mark (the sweep) also sets the red alarm. */
static enum gr_err act(struct gr_store *st, const struct gr_case *before, unsigned actor,
                       int64_t user, const struct gr_case_act *a, int64_t now, bool mark,
                       struct gr_case *out, struct gr_case_fail *f)
{
    enum gr_cstatus from = gr_cstatus_parse(before->status);
    int open_tasks = 0;
    enum gr_err e = gr_store_tasks(st, before->id, NULL, NULL, &open_tasks);
    if (e)
        return fail(f, e, NULL, "the store failed");
    enum gr_level lo = level_of(before->owner_level);
    int next = gr_case_next_level((int)lo);
    struct gr_case_state s = {
        .status = from,
        .has_owner = before->owner_node_id != 0 || before->owner_org_id != 0,
        .extension_pending = before->extension_asked != 0,
        .open_tasks = open_tasks,
        .rated = before->rated_at != 0,
        .top_level = next == 0 || !before->anc.id[next],
    };
    bool has_note = a->note && *a->note;
    bool target = false;
    switch (a->action) {
    case GR_CA_MERGE: target = a->into > 0; break;
    case GR_CA_DISPATCH: target = true; break; /* none given: the routed owner */
    case GR_CA_SUMMON: target = a->n_org_ids > 0; break;
    case GR_CA_HOLD: target = valid_day(a->review_on); break;
    case GR_CA_REQUEST_EXTENSION: target = a->until > now; break;
    case GR_CA_RATE: target = a->resolved && a->satisfaction; break;
    default: break;
    }
    struct gr_case_input in = {has_note, target};
    struct gr_case_move mv;
    const char *why;
    if ((e = gr_case_check(&s, a->action, actor, &in, &mv, &why))) {
        const char *field = NULL;
        if (e == GR_EINVAL) {
            /* Which was missing: with a note given, would it pass? */
            struct gr_case_input with_note = {true, target};
            struct gr_case_move ignored;
            const char *w2;
            field =
                !has_note && gr_case_check(&s, a->action, actor, &with_note, &ignored, &w2) == GR_OK
                    ? "note"
                    : target_field(a);
        }
        return fail(f, e, field, why);
    }
    struct gr_case c = *before;
    c.updated_at = now;
    if (mv.to != GR_CS_NONE)
        c.status = gr_cstatus_name(mv.to);
    struct gr_notice nt[GR_MAX_NOTICES];
    size_t n_nt = 0;
    char data[256] = "";
    bool public = a->public_note;
    switch (a->action) {
    case GR_CA_ACCEPT: c.accepted_at = now; break;
    case GR_CA_REJECT:
        c.public_note = a->note;
        public = true;
        break;
    case GR_CA_MERGE: {
        struct gr_case into;
        if (a->into == before->id)
            return fail(f, GR_EINVAL, "into", "a case cannot be merged into itself");
        e = gr_store_case_get(st, a->into, &into);
        if (e == GR_ENOTFOUND || (!e && !gr_case_open(gr_cstatus_parse(into.status))))
            return fail(f, GR_EINVAL, "into", "must name an open case");
        if (e)
            return fail(f, e, NULL, "the store failed");
        c.merged_into = a->into;
        snprintf(data, sizeof(data), "{\"into\":%lld}", (long long)a->into);
        public = true;
        break;
    }
    case GR_CA_DISPATCH:
        if (a->owner_org_id) {
            if ((e = check_department(st, before, a->owner_org_id)))
                return fail(f, e, "owner_org_id",
                            e == GR_EINVAL ? "must name a department of the case's district"
                                           : "the store failed");
            c.owner_org_id = a->owner_org_id;
        } else if (a->owner_node_id) {
            int l = GR_LEVEL_DISTRICT;
            while (l <= GR_LEVEL_GRID && before->anc.id[l] != a->owner_node_id)
                l++;
            if (l > GR_LEVEL_GRID)
                return fail(f, GR_EINVAL, "owner_node_id",
                            "must name the case's grid, community, street or district");
            c.owner_node_id = a->owner_node_id;
            c.owner_level = gr_level_name((enum gr_level)l);
            c.owner_org_id = 0;
        }
        c.dispatched_at = now;
        snprintf(data, sizeof(data),
                 "{\"owner_level\":\"%s\",\"owner_node_id\":%lld,"
                 "\"owner_org_id\":%lld}",
                 c.owner_level, (long long)c.owner_node_id, (long long)c.owner_org_id);
        notice_owner(nt, &n_nt, &c, "dispatched");
        break;
    case GR_CA_SIGN:
        if (!c.responded_at)
            c.responded_at = now;
        break;
    case GR_CA_RETURN:
        notice(nt, &n_nt, 'n', before->owner_node_id, "returned");
        c.owner_org_id = 0;
        break;
    case GR_CA_RESOLVE:
        if ((actor & GR_CR_SUMMONED) && !(actor & GR_CR_HANDLER)) {
            e = gr_store_task_done(st, before->id, a->as_org, now);
            if (e)
                return fail(f, e == GR_ENOTFOUND ? GR_EFORBIDDEN : e, NULL,
                            e == GR_ECONFLICT ? "the department's task is done already"
                                              : "the department was not summoned on the case");
            snprintf(data, sizeof(data), "{\"org_id\":%lld}", (long long)a->as_org);
            if (open_tasks > 1 || from != GR_CS_IN_PROGRESS) {
                c.status = before->status; /* others still at work */
                break;
            }
            notice_owner(nt, &n_nt, &c, "tasks_done");
        }
        c.resolved_at = now;
        c.public_note = a->note;
        public = true;
        notice(nt, &n_nt, 'n', before->anc.id[GR_LEVEL_GRID], "to_verify");
        break;
    case GR_CA_VERIFY: break;
    case GR_CA_REWORK:
        c.reworks++;
        notice_owner(nt, &n_nt, &c, "rework");
        break;
    case GR_CA_CLOSE:
        c.closed_at = now;
        c.alarm = 0;
        public = true;
        if (c.requester_user_id)
            notice(nt, &n_nt, 'u', c.requester_user_id, "closed");
        break;
    case GR_CA_REQUEST_EXTENSION:
        c.extension_asked = a->until;
        snprintf(data, sizeof(data), "{\"until\":%lld}", (long long)a->until);
        notice(nt, &n_nt, 'n', before->owner_node_id, "extension_request");
        break;
    case GR_CA_APPROVE_EXTENSION:
        snprintf(data, sizeof(data), "{\"until\":%lld}", (long long)before->extension_asked);
        c.resolve_due = c.first_due = before->extension_asked;
        c.extension_asked = 0;
        c.extensions++;
        c.alarm = 0;
        notice_owner(nt, &n_nt, &c, "extension_approved");
        break;
    case GR_CA_HOLD:
        c.hold_review = a->review_on;
        snprintf(data, sizeof(data), "{\"review_on\":\"%s\"}", a->review_on);
        break;
    case GR_CA_ESCALATE: {
        notice_owner(nt, &n_nt, before, "escalated");
        c.owner_level = gr_level_name((enum gr_level)next);
        c.owner_node_id = before->anc.id[next];
        c.owner_org_id = 0;
        c.escalations++;
        if ((e = new_due(st, &c, now, &c.resolve_due)))
            return fail(f, e, NULL, "the store failed");
        c.alarm = 0;
        if (mark)
            c.was_overdue = true;
        snprintf(data, sizeof(data),
                 "{\"from_level\":\"%s\",\"to_level\":\"%s\","
                 "\"owner_node_id\":%lld,\"overdue\":%s}",
                 before->owner_level, c.owner_level, (long long)c.owner_node_id,
                 mark ? "true" : "false");
        notice(nt, &n_nt, 'n', c.owner_node_id, "escalated");
        break;
    }
    case GR_CA_SUMMON:
        for (size_t i = 0; i < a->n_org_ids; i++) {
            if ((e = check_department(st, before, a->org_ids[i])))
                return fail(f, e, "org_ids",
                            e == GR_EINVAL ? "must name departments of the case's district"
                                           : "the store failed");
            struct gr_case_task t = {.case_id = before->id,
                                     .org_id = a->org_ids[i],
                                     .summoned_by = user,
                                     .summoned_at = now,
                                     .report_due = now + 30 * 60,
                                     .handle_due = before->resolve_due > now ? before->resolve_due
                                                                             : now + 24 * 3600};
            e = gr_store_task_add(st, &t, NULL);
            if (e)
                return fail(f, e == GR_ECONFLICT ? GR_ECONFLICT : e, "org_ids",
                            e == GR_ECONFLICT ? "a department is summoned on the case already"
                                              : "the store failed");
            notice(nt, &n_nt, 'o', a->org_ids[i], "summoned");
        }
        snprintf(data, sizeof(data), "{\"departments\":%zu}", a->n_org_ids);
        break;
    case GR_CA_REPORT_IN: {
        bool late = false;
        e = gr_store_task_report(st, before->id, a->as_org, now, &late);
        if (e)
            return fail(f, e == GR_ENOTFOUND ? GR_EFORBIDDEN : e, NULL,
                        e == GR_ECONFLICT ? "the department has reported in already"
                                          : "the department was not summoned on the case");
        snprintf(data, sizeof(data), "{\"org_id\":%lld,\"late\":%s}", (long long)a->as_org,
                 late ? "true" : "false");
        break;
    }
    case GR_CA_RATE:
        c.rated_resolved = gr_resolved_name(a->resolved);
        c.rated_satisfaction = gr_satisfaction_name(a->satisfaction);
        c.rated_comment = a->comment;
        c.rated_at = now;
        snprintf(data, sizeof(data), "{\"resolved\":\"%s\",\"satisfaction\":\"%s\"}",
                 c.rated_resolved, c.rated_satisfaction);
        if (a->satisfaction == GR_SAT_UNSATISFIED && before->reopens < reopen_limit(st)) {
            /* 重办: the requester is not satisfied; once (by the setting). */
            c.status = gr_cstatus_name(from == GR_CS_CLOSED ? GR_CS_DISPATCHED : GR_CS_IN_PROGRESS);
            c.reopens++;
            c.closed_at = 0;
            if ((e = new_due(st, &c, now, &c.resolve_due)))
                return fail(f, e, NULL, "the store failed");
            notice_owner(nt, &n_nt, &c, "reopened");
        } else {
            notice_owner(nt, &n_nt, &c, "rated");
        }
        break;
    case GR_CA_REOPEN:
        c.reopens++;
        c.closed_at = 0;
        if ((e = new_due(st, &c, now, &c.resolve_due)))
            return fail(f, e, NULL, "the store failed");
        notice_owner(nt, &n_nt, &c, "reopened");
        break;
    default: return fail(f, GR_EINVAL, "action", "is not an action on cases");
    }
    /* Back from hold (挂账): the clock stopped while it waited, and starts again now. */
    if (from == GR_CS_ON_HOLD && mv.to != GR_CS_NONE && mv.to != GR_CS_ON_HOLD) {
        c.hold_review = NULL;
        if ((e = new_due(st, &c, now, &c.resolve_due)))
            return fail(f, e, NULL, "the store failed");
        c.alarm = 0;
    }
    struct gr_case_event ev = {.at = now,
                               .actor_user_id = user,
                               .action = gr_caction_name(a->action),
                               .from_status = before->status,
                               .to_status = strcmp(c.status, before->status) ? c.status : NULL,
                               .note = a->note,
                               .data = *data ? data : NULL,
                               .public = public};
    e = gr_store_case_update(st, before, &c, &ev, nt, n_nt);
    if (e)
        return fail(f, e, NULL,
                    e == GR_ECONFLICT ? "the case changed meanwhile; read it again"
                                      : "the store failed");
    *out = c;
    return GR_OK;
}

enum gr_err gr_case_act(struct gr_store *st, int64_t id, unsigned actor, int64_t user,
                        const struct gr_case_act *a, int64_t now, struct gr_case *out,
                        struct gr_case_fail *f)
{
    struct gr_case before;
    enum gr_err e = gr_store_case_get(st, id, &before);
    if (e)
        return fail(f, e, NULL, e == GR_ENOTFOUND ? "no such case" : "the store failed");
    return act(st, &before, actor, user, a, now, false, out, f);
}

/* ---- the sweep ---- */

#define SWEEP_PAGE 500
#define SWEEP_MATTERS 256 /* the matters a sweep remembers the warning window of */

/* A page of the rows a pass read: every one moves the cursor, the chosen are acted on. */
struct due_page {
    size_t n, n_read;
    int64_t ids[SWEEP_PAGE], due[SWEEP_PAGE], last_due, last_id;
    int version[SWEEP_PAGE];
    char code[SWEEP_PAGE][GR_MATTER_CODE_MAX + 1];
};

static int collect(void *ctx, const struct gr_case_due *c)
{
    struct due_page *p = ctx;
    p->last_due = c->resolve_due;
    p->last_id = c->id;
    p->n_read++;
    p->ids[p->n] = c->id;
    p->due[p->n] = c->resolve_due;
    p->version[p->n] = c->matter_version;
    snprintf(p->code[p->n], sizeof(p->code[0]), "%s", c->matter_code ? c->matter_code : "");
    p->n++;
    return 0;
}

/* The yellow window of the matters met in one sweep: a quarter of the matter's resolution
 * limit in working minutes, at least one working hour (the limit, not the time since
 * filing: an escalated case starts a fresh limit). */
struct windows {
    size_t n;
    int version[SWEEP_MATTERS];
    char code[SWEEP_MATTERS][GR_MATTER_CODE_MAX + 1];
    int64_t minutes[SWEEP_MATTERS];
};

static enum gr_err window_of(struct gr_store *st, struct windows *w, int version, const char *code,
                             int64_t *out)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->version[i] == version && strcmp(w->code[i], code) == 0) {
            *out = w->minutes[i];
            return GR_OK;
        }
    const struct gr_calendar *cal;
    struct gr_matter m;
    enum gr_err e = gr_store_calendar(st, &cal);
    if (!e)
        e = gr_store_matter_get(st, version, code, &m);
    if (e)
        return e;
    int64_t total = m.resolve_unit == GR_TU_DAYS
                        ? (int64_t)m.resolve_limit * gr_cal_day_minutes(cal)
                        : (int64_t)m.resolve_limit * 60;
    *out = total / 4 > 60 ? total / 4 : 60;
    if (w->n < SWEEP_MATTERS) {
        w->version[w->n] = version;
        snprintf(w->code[w->n], sizeof(w->code[0]), "%s", code);
        w->minutes[w->n++] = *out;
    }
    return GR_OK;
}

/* Keep the rows of the page within their yellow window (from the page alone: a sweep reads
 * many more cases due within three days than it warns). */
static enum gr_err keep_warned(struct gr_store *st, struct windows *w, int64_t now,
                               struct due_page *p)
{
    const struct gr_calendar *cal;
    enum gr_err e = gr_store_calendar(st, &cal);
    size_t kept = 0;
    for (size_t i = 0; i < p->n && !e; i++) {
        int64_t window;
        if ((e = window_of(st, w, p->version[i], p->code[i], &window)) == GR_ENOTFOUND) {
            e = GR_OK;
            continue;
        }
        if (e || p->due[i] <= now || gr_cal_minutes_between(cal, now, p->due[i]) > window)
            continue;
        p->ids[kept] = p->ids[i];
        p->due[kept] = p->due[i];
        p->version[kept] = p->version[i];
        memcpy(p->code[kept], p->code[i], sizeof(p->code[0]));
        kept++;
    }
    p->n = kept;
    return e;
}

/* Mark a case's alarm (and overdue) without moving it. */
static enum gr_err mark_alarm(struct gr_store *st, const struct gr_case *before, int alarm,
                              int64_t now)
{
    struct gr_case c = *before;
    c.alarm = alarm;
    c.updated_at = now;
    if (alarm == 2)
        c.was_overdue = true;
    struct gr_case_event ev = {
        .at = now, .action = alarm == 2 ? "overdue" : "due_soon", .from_status = before->status};
    struct gr_notice nt[GR_MAX_NOTICES];
    size_t n_nt = 0;
    notice_owner(nt, &n_nt, before, alarm == 2 ? "overdue" : "due_soon");
    return gr_store_case_update(st, before, &c, &ev, nt, n_nt);
}

/* Act on one case of a page: a red pass escalates or marks it red; a yellow one (the page
 * kept the cases within their window) marks it yellow. */
static enum gr_err sweep_one(struct gr_store *st, int64_t id, int64_t now, bool red, gr_sweep_fn fn,
                             void *ctx, struct gr_sweep_report *rep)
{
    struct gr_case c, out;
    enum gr_err e = gr_store_case_get(st, id, &c);
    if (e)
        return e == GR_ENOTFOUND ? GR_OK : e;
    if (!red) {
        if (c.alarm != 0 || c.resolve_due <= now)
            return GR_OK; /* moved meanwhile */
        rep->yellow++;
        return mark_alarm(st, &c, 1, now);
    }
    enum gr_level lo = level_of(c.owner_level);
    int next = gr_case_next_level((int)lo);
    if (next && c.anc.id[next]) {
        struct gr_case_act a = {.action = GR_CA_ESCALATE,
                                .note = "逾期未办结，自动上报上一级 (overdue: escalated by the "
                                        "deadline sweep)"};
        struct gr_case_fail f;
        e = act(st, &c, GR_CR_SYSTEM, 0, &a, now, true, &out, &f);
        if (e == GR_ECONFLICT)
            return GR_OK; /* moved meanwhile: the next sweep sees it again */
        if (e)
            return e;
        rep->escalated++;
        if (!c.was_overdue)
            rep->red++;
        if (fn)
            fn(ctx, &out, c.owner_level, out.owner_level);
        return GR_OK;
    }
    rep->red++;
    return mark_alarm(st, &c, 2, now);
}

/* One pass: the cases with this alarm due before `before`, in order of deadline. A case
 * acted on leaves the pass's range (a fresh deadline, or a higher alarm); one left alone
 * (moved meanwhile, or not yet in its due-soon window) is passed by the cursor. */
static enum gr_err sweep_pass(struct gr_store *st, int64_t now, int alarm, int64_t before, bool red,
                              struct windows *w, gr_sweep_fn fn, void *ctx,
                              struct gr_sweep_report *rep)
{
    struct due_page *p = malloc(sizeof(*p));
    if (!p)
        return GR_EINTERNAL;
    p->last_due = INT64_MIN;
    p->last_id = 0;
    enum gr_err e;
    for (;;) {
        p->n = p->n_read = 0;
        if ((e = gr_store_begin(st)))
            break;
        e = gr_store_cases_due(st, alarm, before, p->last_due, p->last_id, SWEEP_PAGE, collect, p);
        rep->examined += (int64_t)p->n_read;
        if (!e && !red)
            e = keep_warned(st, w, now, p);
        for (size_t i = 0; i < p->n && !e; i++)
            e = sweep_one(st, p->ids[i], now, red, fn, ctx, rep);
        if ((e = gr_store_end(st, e)))
            break;
        gr_store_release(st);
        if (p->n_read < SWEEP_PAGE)
            break;
    }
    free(p);
    return e;
}

enum gr_err gr_case_sweep(struct gr_store *st, int64_t now, gr_sweep_fn fn, void *ctx,
                          struct gr_sweep_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    struct windows *w = calloc(1, sizeof(*w));
    if (!w)
        return GR_EINTERNAL;
    /* Red first: past the deadline and not yet marked at the top of the ladder. */
    enum gr_err e = sweep_pass(st, now, 0, now, true, w, fn, ctx, rep);
    if (!e)
        e = sweep_pass(st, now, 1, now, true, w, fn, ctx, rep);
    /* Yellow: due within the next three days and not yet warned. */
    if (!e)
        e = sweep_pass(st, now, 0, now + 3 * 86400, false, w, fn, ctx, rep);
    free(w);
    return e;
}

const char *gr_case_owner_name(struct gr_store *st, const struct gr_case *c)
{
    const struct gr_kind *k = gr_kind_get(c->owner_org_id ? GR_K_ORGANISATIONS : GR_K_NODES);
    struct gr_row row;
    if (gr_store_get(st, k, c->owner_org_id ? c->owner_org_id : c->owner_node_id, &row))
        return NULL;
    int nf = gr_kind_field(k, "name", 4);
    return nf >= 0 ? row.vals[nf].s : NULL;
}
