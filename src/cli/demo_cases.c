/*
 * demo_cases.c - the demo city's cases (案件): the class and power-type catalogues, the
 * national working calendar and a published duty list, then a year of residents' requests
 * and patrol findings.
 *
 * Each case is lived through its actions in order (submit, accept, dispatch, sign, resolve,
 * verify, close, rate, and the detours: reject, merge, hold, extension, the sweep's
 * escalation, rework, reopening) with the row changes api/case_ops.c makes; the history
 * stops at now, so recent cases are still open wherever they had got to. Deterministic for a
 * seed and a moment now (working time, hence the draws, depends on the day of the week).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../core/calendar.h"
#include "../core/case.h"
#include "../core/catalogue.h"
#include "../core/demo_int.h"
#include "../core/matter.h"
#include "../http/http.h"
#include "cli.h"
#include "cli_int.h"

#define DAY_S 86400
#define YEAR_DAYS 365
#define MAX_EVENTS 48 /* the longest life: hold, two escalations, rework, reopening */
#define PAGE 10000    /* rows per listing page while loading the city */

/* ---- The catalogue and the duty list ---- */

enum gr_err gr_cli_demo_catalogue(struct gr_store *st, int64_t admin, int64_t now)
{
    enum gr_err e = GR_OK;
    for (size_t i = 0; !e && i < gr_cn_n_categories; i++) {
        const struct gr_category *k = &gr_cn_categories[i];
        struct gr_category_row row = {k->code, k->parent, k->kind, k->name, k->name_en};
        e = gr_store_category_put(st, &row);
    }
    for (size_t i = 0; !e && i < gr_cn_n_power_types; i++) {
        const struct gr_power_type *p = &gr_cn_power_types[i];
        e = gr_store_power_type_put(st, p->code, p->name, p->name_en, (int)i);
    }
    for (size_t i = 0; !e && i < gr_cal_cn_n_days; i++) {
        char day[11];
        gr_ymd_format(gr_cal_cn_days[i].ymd, day);
        e = gr_store_calendar_day_set(
            st, day, gr_cal_cn_days[i].kind == GR_DAY_WORKDAY ? "workday" : "holiday",
            gr_cal_cn_days[i].name);
    }
    int version = 0;
    if (!e)
        e = gr_store_matter_draft(st, &version);
    for (size_t i = 0; !e && i < gr_demo_n_matters; i++) {
        const struct gr_matter *m = &gr_demo_matters[i];
        const char *field = NULL, *why = NULL;
        if ((e = gr_matter_check(m, &field, &why)) ||
            (e = gr_store_matter_put(st, version, m, &field)))
            fprintf(stderr, "\ngrassroots demo: matter %s: %s: %s\n", m->code, field ? field : "-",
                    why ? why : gr_strerror(e));
    }
    if (!e)
        e = gr_store_matter_publish(st, version, now - (YEAR_DAYS + 5) * DAY_S, admin);
    return e;
}

/* ---- The city as the cases need it ---- */

struct grid {
    int64_t id;
    struct gr_anc anc;
    double lat, lon;
    uint32_t b0, b1; /* its buildings: g->blds[b0..b1) */
};

struct bld {
    int64_t grid_id, id;
    double lat, lon;
    const char *address;
};

/* The last case filed: a duplicate report may join it while it is open. */
struct last_case {
    int64_t id, open_until;
    const struct grid *grid;
    size_t matter;
};

/* One case's life: the row as it is after the last event, and the events. */
struct life {
    struct gr_case c;
    struct gr_case_event ev[MAX_EVENTS];
    char data[MAX_EVENTS][128];
    size_t n;
    int64_t t;            /* the moment of the last event */
    bool stopped;         /* the history reached now (or the stop status) */
    enum gr_cstatus stop; /* the tail's cases stop in this status */
    bool fast;            /* the tail's cases: delays in real minutes */
    char description[256], address[200], phone[12], day[11], review[11];
    struct gr_demo_text name;
};

/* What may happen to a case, drawn when it is submitted. */
struct plan {
    bool reject, late_response, late, extension, hold, rework, rated;
    int64_t merge_into, merge_until; /* a duplicate: the case it joins, open until */
    int64_t requester;               /* the requester's user (rates online), or 0 */
};

struct gen {
    struct gr_store *st;
    const struct gr_cli_demo_who *who;
    const struct gr_calendar *cal;
    struct gr_demo_rng rng;
    struct gr_demo_names names;
    int64_t now;
    int64_t last_id; /* of the listing page being read */
    int64_t resident_community;
    int version;
    int64_t api_key;
    struct grid *grids;
    size_t n_grids, cap_grids;
    struct bld *blds;
    size_t n_blds, cap_blds;
    struct gr_arena text;
    int64_t *districts; /* sorted */
    size_t n_districts;
    int64_t *depts; /* [district][matter]: the owning department, -1 none, 0 not looked up */
    struct last_case prev;
    uint32_t *matter_cum;  /* cumulative weights of the matters */
    const char **cat_name; /* the class name of each matter */
    int64_t dept_district; /* the district of the "dept" login's department */
    struct life life;
    int64_t open;
};

static int add_grid(void *ctx, const struct gr_row *row)
{
    struct gen *g = ctx;
    const struct gr_kind *k = gr_kind_get(GR_K_NODES);
    int flat = gr_kind_field(k, "lat", 3), flon = gr_kind_field(k, "lon", 3);
    if (g->n_grids == g->cap_grids) {
        g->cap_grids = g->cap_grids ? 2 * g->cap_grids : 1024;
        g->grids = gr_realloc(g->grids, gr_mul(g->cap_grids, sizeof(*g->grids)));
    }
    g->last_id = row->id;
    struct grid *gd = &g->grids[g->n_grids++];
    memset(gd, 0, sizeof(*gd));
    gd->id = row->id;
    gd->anc = row->anc;
    gd->lat = row->vals[flat].d;
    gd->lon = row->vals[flon].d;
    return 0;
}

static int add_bld(void *ctx, const struct gr_row *row)
{
    struct gen *g = ctx;
    const struct gr_kind *k = gr_kind_get(GR_K_BUILDINGS);
    int fgrid = gr_kind_field(k, "grid_id", 7), flat = gr_kind_field(k, "lat", 3),
        flon = gr_kind_field(k, "lon", 3), faddr = gr_kind_field(k, "address", 7);
    const struct gr_value *v = row->vals;
    g->last_id = row->id;
    if (!v[flat].present || !v[faddr].present)
        return 0;
    if (g->n_blds == g->cap_blds) {
        g->cap_blds = g->cap_blds ? 2 * g->cap_blds : 4096;
        g->blds = gr_realloc(g->blds, gr_mul(g->cap_blds, sizeof(*g->blds)));
    }
    g->blds[g->n_blds++] = (struct bld){v[fgrid].i, row->id, v[flat].d, v[flon].d,
                                        gr_arena_strndup(&g->text, v[faddr].s, v[faddr].len)};
    return 0;
}

/* Every row of kind k matching q, page by page (the callbacks keep the last id seen). */
static enum gr_err list_all(struct gen *g, const struct gr_kind *k, struct gr_query *q,
                            gr_row_fn fn)
{
    bool more = true;
    enum gr_err e = GR_OK;
    q->limit = PAGE;
    q->after = g->last_id = 0;
    while (!e && more) {
        e = gr_store_list(g->st, k, q, fn, g, &more);
        q->after = g->last_id;
        gr_store_release(g->st);
    }
    return e;
}

static int cmp_bld(const void *a, const void *b)
{
    const struct bld *x = a, *y = b;
    if (x->grid_id != y->grid_id)
        return x->grid_id < y->grid_id ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sort and deduplicate ids; answer how many remain. */
static size_t unique_ids(int64_t *ids, size_t n)
{
    qsort(ids, n, sizeof(*ids), cmp_id);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || ids[m - 1] != ids[i])
            ids[m++] = ids[i];
    return m;
}

static size_t index_of(const int64_t *ids, size_t n, int64_t id)
{
    const int64_t *p = bsearch(&id, ids, n, sizeof(*ids), cmp_id);
    return p ? (size_t)(p - ids) : 0;
}

/* The grids with their ancestors and label points, their buildings and districts. */
static enum gr_err load_city(struct gen *g)
{
    const struct gr_kind *nk = gr_kind_get(GR_K_NODES);
    struct gr_query q = {.all = true, .n_filters = 1}, bq = {.all = true};
    q.filter_field[0] = gr_kind_field(nk, "level", 5);
    q.filter_value[0] = (struct gr_value){.present = true, .s = "grid", .len = 4};
    enum gr_err e = list_all(g, nk, &q, add_grid);
    if (!e)
        e = list_all(g, gr_kind_get(GR_K_BUILDINGS), &bq, add_bld);
    if (e)
        return e;
    qsort(g->blds, g->n_blds, sizeof(*g->blds), cmp_bld);
    g->districts = gr_malloc(gr_mul(g->n_grids + 1, sizeof(int64_t)));
    for (size_t i = 0; i < g->n_grids; i++)
        g->districts[i] = g->grids[i].anc.id[GR_LEVEL_DISTRICT];
    g->n_districts = unique_ids(g->districts, g->n_grids);
    size_t b = 0;
    for (size_t i = 0; i < g->n_grids; i++) { /* both sorted by grid id */
        struct grid *gd = &g->grids[i];
        while (b < g->n_blds && g->blds[b].grid_id < gd->id)
            b++;
        gd->b0 = (uint32_t)b;
        while (b < g->n_blds && g->blds[b].grid_id == gd->id)
            b++;
        gd->b1 = (uint32_t)b;
        if (gd->id == g->who->resident_grid)
            g->resident_community = gd->anc.id[GR_LEVEL_COMMUNITY];
    }
    return GR_OK;
}

/* How often each matter comes up: the grid's small things most, returned duties least. */
static uint32_t matter_weight(const struct gr_matter *m)
{
    uint32_t w;
    if (m->list_kind == GR_LK_BASIC)
        w = m->owner_level == GR_LEVEL_GRID        ? 60
            : m->owner_level == GR_LEVEL_COMMUNITY ? 30
            : m->owner_level == GR_LEVEL_STREET    ? 20
                                                   : 8;
    else
        w = m->list_kind == GR_LK_COOPERATIVE ? 16 : 6;
    return m->urgent ? w / 4 + 1 : w;
}

static void load_matters(struct gen *g)
{
    g->matter_cum = gr_malloc(gr_mul(gr_demo_n_matters, sizeof(uint32_t)));
    g->cat_name = gr_malloc(gr_mul(gr_demo_n_matters, sizeof(char *)));
    uint32_t sum = 0;
    for (size_t i = 0; i < gr_demo_n_matters; i++) {
        sum += matter_weight(&gr_demo_matters[i]);
        g->matter_cum[i] = sum;
        g->cat_name[i] = gr_demo_matters[i].name;
        for (size_t k = 0; k < gr_cn_n_categories; k++)
            if (strcmp(gr_cn_categories[k].code, gr_demo_matters[i].category) == 0)
                g->cat_name[i] = gr_cn_categories[k].name;
    }
}

static size_t pick_matter(struct gen *g)
{
    uint32_t x = gr_demo_rng_below(&g->rng, g->matter_cum[gr_demo_n_matters - 1]);
    size_t lo = 0, hi = gr_demo_n_matters - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->matter_cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* The department of a district that owns matter mi, looked up once: 0 when it has none. */
static enum gr_err department(struct gen *g, const struct grid *gd, size_t mi, int64_t *org)
{
    size_t d = index_of(g->districts, g->n_districts, gd->anc.id[GR_LEVEL_DISTRICT]);
    int64_t *slot = &g->depts[d * gr_demo_n_matters + mi];
    if (*slot == 0) {
        enum gr_err e = gr_store_department(g->st, gd->anc.id[GR_LEVEL_DISTRICT],
                                            gr_demo_matters[mi].owner_dept, slot);
        if (e == GR_ENOTFOUND)
            *slot = -1;
        else if (e)
            return e;
    }
    *org = *slot > 0 ? *slot : 0;
    return GR_OK;
}

/* ---- Who acts ---- */

static enum gr_level level_of(const char *name)
{
    return name ? gr_level_parse(name, strlen(name)) : GR_LEVEL_NONE;
}

/* The desk that files and dispatches: the demo staff login at the owner's level or above
 * (a grid's case: its community's), within whose area the case lies. */
static int64_t desk(const struct gen *g, const struct gr_case *c)
{
    int l = level_of(c->owner_level);
    if (l > GR_LEVEL_COMMUNITY || l == GR_LEVEL_NONE)
        l = GR_LEVEL_COMMUNITY;
    for (; l >= GR_LEVEL_CITY; l--)
        if (g->who->node[l] && g->who->node[l] == c->anc.id[l])
            return g->who->user[l];
    return 0;
}

/* The owner's handler, when a demo login is it. */
static int64_t handler(const struct gen *g, const struct gr_case *c)
{
    if (c->owner_org_id)
        return c->owner_org_id == g->who->dept_org ? g->who->dept_user : 0;
    int l = level_of(c->owner_level);
    return g->who->node[l] == c->owner_node_id ? g->who->user[l] : 0;
}

/* The grid worker who checks on site. */
static int64_t checker(const struct gen *g, const struct gr_case *c)
{
    return g->who->node[GR_LEVEL_GRID] == c->anc.id[GR_LEVEL_GRID] ? g->who->user[GR_LEVEL_GRID]
                                                                   : 0;
}

/* ---- One case's life ---- */

static const struct gr_case *last(const struct gen *g)
{
    return &g->life.c;
}

/* Move the case by `action` at t (never before the last event) to status `to` (GR_CS_NONE:
 * it stays), recording the event; answers the case for the action's other changes. NULL
 * once the history has reached now or the stop status: nothing more happens to the case. */
static struct gr_case *move(struct gen *g, int64_t t, const char *action, enum gr_cstatus to,
                            int64_t actor, const char *note, bool public)
{
    struct life *l = &g->life;
    if (l->stopped || l->n == MAX_EVENTS)
        return NULL;
    if (t <= l->t)
        t = l->t + 60;
    if (t > g->now) {
        l->stopped = true;
        return NULL;
    }
    struct gr_case *c = &l->c;
    const char *from = c->status;
    c->updated_at = t;
    if (to != GR_CS_NONE)
        c->status = gr_cstatus_name(to);
    l->ev[l->n] = (struct gr_case_event){.at = t,
                                         .actor_user_id = actor,
                                         .action = action,
                                         .from_status = from,
                                         .to_status = to != GR_CS_NONE ? c->status : NULL,
                                         .note = note,
                                         .public = public};
    l->n++;
    l->t = t;
    if (l->stop != GR_CS_NONE && to == l->stop)
        l->stopped = true;
    return c;
}

/* The JSON data of the event just made. */
static void data(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void data(struct gen *g, const char *fmt, ...)
{
    struct life *l = &g->life;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->data[l->n - 1], sizeof(l->data[0]), fmt, ap);
    va_end(ap);
    l->ev[l->n - 1].data = l->data[l->n - 1];
}

/* t plus lo..hi working minutes (the tail's cases: one to four real minutes). */
static int64_t later(struct gen *g, int64_t t, int lo, int hi)
{
    if (g->life.fast)
        return t + 60 * gr_demo_rng_range(&g->rng, 1, 4);
    return gr_cal_add_minutes(g->cal, t, gr_demo_rng_range(&g->rng, lo, hi));
}

/* A moment lo..hi percent of the working time from `from` to `due`. */
static int64_t within(struct gen *g, int64_t from, int64_t due, int lo, int hi)
{
    int64_t span = g->life.fast ? 0 : gr_cal_minutes_between(g->cal, from, due);
    if (span < 10)
        return later(g, from, 5, 30);
    return gr_cal_add_minutes(g->cal, from, span * gr_demo_rng_range(&g->rng, lo, hi) / 100);
}

static const char sweep_note[] =
    "逾期未办结，自动上报上一级 (overdue: escalated by the deadline sweep)";

/* The sweep's part, when the next step comes at t after the deadline: it got there first,
 * within its ten-minute round, and escalated the case one level up (*up set) or, at the top
 * of the ladder, marked it red. False when the history stopped. */
static bool sweep(struct gen *g, const struct gr_matter *m, int64_t t, bool *up)
{
    const struct gr_case before = *last(g), *b = &before;
    enum gr_cstatus s = gr_cstatus_parse(b->status);
    *up = false;
    if ((s != GR_CS_ACCEPTED && s != GR_CS_DISPATCHED && s != GR_CS_IN_PROGRESS) ||
        t <= b->resolve_due || b->alarm == 2)
        return true;
    int64_t at = b->resolve_due + 60 * gr_demo_rng_range(&g->rng, 1, 10);
    int next = gr_case_next_level(level_of(b->owner_level));
    struct gr_case *c;
    if (!next || !b->anc.id[next]) {
        if (!(c = move(g, at, "overdue", GR_CS_NONE, 0, NULL, false)))
            return false;
        c->alarm = 2;
        c->was_overdue = true;
        return true;
    }
    if (!(c = move(g, at, "escalate", GR_CS_ACCEPTED, 0, sweep_note, false)))
        return false;
    c->owner_level = gr_level_name((enum gr_level)next);
    c->owner_node_id = b->anc.id[next];
    c->owner_org_id = 0;
    c->escalations++;
    c->resolve_due = gr_due(g->cal, at, m->resolve_limit, m->resolve_unit);
    c->alarm = 0;
    c->was_overdue = true;
    data(g, "{\"from_level\":\"%s\",\"to_level\":\"%s\",\"owner_node_id\":%lld,\"overdue\":true}",
         b->owner_level, c->owner_level, (long long)c->owner_node_id);
    *up = true;
    return true;
}

static bool dispatch(struct gen *g, int64_t t)
{
    struct gr_case *c = move(g, t, "dispatch", GR_CS_DISPATCHED, desk(g, last(g)), NULL, false);
    if (!c)
        return false;
    c->dispatched_at = g->life.t;
    c->hold_review = NULL;
    data(g, "{\"owner_level\":\"%s\",\"owner_node_id\":%lld,\"owner_org_id\":%lld}", c->owner_level,
         (long long)c->owner_node_id, (long long)c->owner_org_id);
    return true;
}

/* 签收 at t, after the sweep had its say: an escalated case is dispatched again first by the
 * higher level's desk. */
static bool sign(struct gen *g, const struct gr_matter *m, int64_t t)
{
    bool up;
    if (!sweep(g, m, t, &up))
        return false;
    if (up) {
        if (!dispatch(g, later(g, g->life.t, 10, 60)))
            return false;
        t = later(g, g->life.t, 10, 120);
    }
    struct gr_case *c = move(g, t, "sign", GR_CS_IN_PROGRESS, handler(g, last(g)), NULL, false);
    if (!c)
        return false;
    if (!c->responded_at)
        c->responded_at = g->life.t;
    c->hold_review = NULL;
    return true;
}

static const char *const results[] = {
    "已到现场处置完毕，现场已恢复正常。",
    "已安排人员处理，问题已整改到位。",
    "经现场劝导，当事人已自行整改。",
    "已协调相关单位完成处置，并已电话告知诉求人。",
};
static const char *const part_results[] = {
    "已维修完毕，恢复正常使用。",
    "已更换损坏部件，经测试正常。",
    "已通知产权单位修复，现已恢复。",
};

/* 反馈 at t, after the sweep had its say: an escalated case goes to the higher level, which
 * dispatches, signs and resolves it within the new deadline. */
static bool resolve(struct gen *g, const struct gr_matter *m, int64_t t)
{
    bool up;
    if (!sweep(g, m, t, &up))
        return false;
    if (up) {
        if (!dispatch(g, later(g, g->life.t, 10, 60)) || !sign(g, m, later(g, g->life.t, 10, 90)))
            return false;
        t = within(g, g->life.t, last(g)->resolve_due, 20, 80);
    }
    const char *note = m->category[0] == 'P' ? part_results[gr_demo_rng_below(&g->rng, 3)]
                                             : results[gr_demo_rng_below(&g->rng, 4)];
    struct gr_case *c = move(g, t, "resolve", GR_CS_RESOLVED, handler(g, last(g)), note, true);
    if (!c)
        return false;
    c->resolved_at = g->life.t;
    c->public_note = note;
    return true;
}

/* From dispatched to resolved: signed for (mostly within the response limit), maybe an
 * extension granted or a hold of some weeks, and resolved (mostly in time; late ones meet the
 * sweep first). */
static bool handle(struct gen *g, const struct gr_matter *m, const struct plan *p)
{
    struct life *l = &g->life;
    const struct gr_case *b = last(g);
    int64_t t = p->late_response ? within(g, b->respond_due, b->resolve_due, 5, 40)
                                 : within(g, l->t, b->respond_due, 5, 90);
    if (!sign(g, m, t))
        return false;
    struct gr_case *c;
    if (p->extension) {
        b = last(g);
        int64_t until = gr_cal_add_days(g->cal, b->resolve_due, gr_demo_rng_range(&g->rng, 2, 7));
        c = move(g, within(g, l->t, b->resolve_due, 30, 70), "request_extension", GR_CS_NONE,
                 handler(g, b), "需协调相关单位配合处置，申请延期办理。", false);
        if (!c)
            return false;
        c->extension_asked = until;
        data(g, "{\"until\":%lld}", (long long)until);
        if (!(c = move(g, later(g, l->t, 20, 240), "approve_extension", GR_CS_NONE,
                       desk(g, last(g)), NULL, false)))
            return false;
        c->resolve_due = c->first_due = until;
        c->extension_asked = 0;
        c->extensions++;
        c->alarm = 0;
        data(g, "{\"until\":%lld}", (long long)until);
    }
    if (p->hold) {
        b = last(g);
        c = move(g, within(g, l->t, b->resolve_due, 10, 50), "hold", GR_CS_ON_HOLD, desk(g, b),
                 "需纳入老旧小区改造计划统筹解决，暂时挂账，定期复核。", false);
        if (!c)
            return false;
        gr_ymd review = gr_cal_date(g->cal, l->t);
        for (int d = gr_demo_rng_range(&g->rng, 20, 120); d > 0; d--)
            review = gr_ymd_next(review);
        gr_ymd_format(review, l->review);
        c->hold_review = l->review;
        data(g, "{\"review_on\":\"%s\"}", l->review);
        /* Taken up again on the review day; the deadline ran on meanwhile. */
        int64_t back = gr_cal_add_minutes(g->cal, gr_cal_midnight(g->cal, review), 0);
        if (!dispatch(g, later(g, back, 30, 180)) || !sign(g, m, later(g, l->t, 10, 120)))
            return false;
    }
    b = last(g);
    int64_t due = b->resolve_due;
    if (p->late) {
        int64_t span = gr_cal_minutes_between(g->cal, b->created_at, due);
        t = gr_cal_add_minutes(g->cal, due,
                               (span > 60 ? span : 60) * gr_demo_rng_range(&g->rng, 10, 100) / 100);
    } else {
        t = within(g, l->t, due, 15, 70);
    }
    return resolve(g, m, t);
}

/* The requester's rating: most satisfied; after a reopening (the troubled cases), fewer. */
static void rating(struct gen *g, bool again, const char **resolved, const char **satisfaction,
                   const char **comment)
{
    static const char *const good[] = {"处理及时，态度很好，谢谢！", "问题解决了，非常满意。", NULL,
                                       NULL, NULL};
    static const char *const poor[] = {"处理速度有点慢。", "问题没有彻底解决，希望再看看。", NULL};
    int u = gr_demo_rng_range(&g->rng, 1, 100), v = gr_demo_rng_range(&g->rng, 1, 100);
    int satisfied = again ? 15 : 70, basic = again ? 35 : 88;
    enum gr_satisfaction s = u <= satisfied ? GR_SAT_SATISFIED
                             : u <= basic   ? GR_SAT_BASIC
                                            : GR_SAT_UNSATISFIED;
    enum gr_resolved r = s == GR_SAT_SATISFIED ? (v <= 95 ? GR_RES_YES : GR_RES_PARTLY)
                         : s == GR_SAT_BASIC   ? (v <= 70   ? GR_RES_YES
                                                  : v <= 95 ? GR_RES_PARTLY
                                                            : GR_RES_NO)
                                               : (v <= 40 ? GR_RES_PARTLY : GR_RES_NO);
    *resolved = gr_resolved_name(r);
    *satisfaction = gr_satisfaction_name(s);
    *comment = s == GR_SAT_UNSATISFIED ? poor[gr_demo_rng_below(&g->rng, 3)]
                                       : good[gr_demo_rng_below(&g->rng, 5)];
}

/* From resolved to closed and rated: checked on site (a few sent back for rework) and closed,
 * mostly before the deadline (the on-time rate counts closure), rated by most requesters; an
 * unsatisfied requester has it reopened once (重办). */
static void finish(struct gen *g, const struct gr_matter *m, const struct plan *p)
{
    struct life *l = &g->life;
    struct gr_case *c;
    for (int round = 0; round < 2; round++) {
        if (p->rework && round == 0) {
            if (!(c = move(g, within(g, l->t, last(g)->resolve_due, 10, 40), "rework",
                           GR_CS_IN_PROGRESS, checker(g, last(g)),
                           "核查发现问题未彻底解决，退回返工。", false)))
                return;
            c->reworks++;
            if (!resolve(g, m, within(g, l->t, c->resolve_due, 20, 80)))
                return;
        }
        if (!move(g, within(g, l->t, last(g)->resolve_due, 20, 60), "verify", GR_CS_VERIFIED,
                  checker(g, last(g)), NULL, false))
            return;
        if (!(c = move(g, within(g, l->t, last(g)->resolve_due, 20, 80), "close", GR_CS_CLOSED,
                       desk(g, last(g)), NULL, true)))
            return;
        c->closed_at = l->t;
        c->alarm = 0;
        if (!p->rated)
            return;
        const char *res, *sat, *comment;
        rating(g, round > 0, &res, &sat, &comment);
        bool reopen = strcmp(sat, "unsatisfied") == 0 && last(g)->reopens < 1;
        int64_t t = l->fast ? l->t + 120 : l->t + gr_demo_rng_range(&g->rng, 3600, 72 * 3600);
        if (!(c = move(g, t, "rate", reopen ? GR_CS_DISPATCHED : GR_CS_NONE, p->requester, comment,
                       false)))
            return;
        c->rated_resolved = res;
        c->rated_satisfaction = sat;
        c->rated_comment = comment;
        c->rated_at = l->t;
        data(g, "{\"resolved\":\"%s\",\"satisfaction\":\"%s\"}", res, sat);
        if (!reopen)
            return;
        c->reopens++;
        c->closed_at = 0;
        c->resolve_due = gr_due(g->cal, l->t, m->resolve_limit, m->resolve_unit);
        if (!sign(g, m, within(g, l->t, c->resolve_due, 5, 30)) ||
            !resolve(g, m, within(g, l->t, last(g)->resolve_due, 20, 80)))
            return;
    }
}

static const char *const reject_notes[] = {
    "经核实，该诉求属于民事纠纷，已告知诉求人通过司法途径解决。",
    "诉求内容不清，多次联系诉求人未果，不予受理。",
    "该问题已由其他渠道受理办结，不再重复受理。",
};

/* Everything after the submission, as far as now. */
static void live(struct gen *g, const struct gr_matter *m, const struct plan *p)
{
    struct life *l = &g->life;
    int64_t t = later(g, l->t, 5, 90), by = desk(g, last(g));
    struct gr_case *c;
    if (p->reject || (p->merge_into && t >= p->merge_until)) {
        /* A duplicate whose case was closed meanwhile is refused as handled already. */
        const char *note = reject_notes[p->reject ? gr_demo_rng_below(&g->rng, 3) : 2];
        if ((c = move(g, t, "reject", GR_CS_REJECTED, by, note, true)))
            c->public_note = note;
        return;
    }
    if (p->merge_into) {
        if ((c = move(g, t, "merge", GR_CS_MERGED, by, "与在办案件重复，合并办理。", true))) {
            c->merged_into = p->merge_into;
            data(g, "{\"into\":%lld}", (long long)p->merge_into);
        }
        return;
    }
    if (!(c = move(g, t, "accept", GR_CS_ACCEPTED, by, NULL, false)))
        return;
    c->accepted_at = l->t;
    if (dispatch(g, later(g, l->t, 2, 30)) && handle(g, m, p))
        finish(g, m, p);
}

/* ---- Submission ---- */

static const char *const spots[] = {"小区东门", "小区南门", "楼下",         "单元门口",
                                    "菜市场旁", "公交站旁", "路口",         "小区停车场",
                                    "小区广场", "围墙边",   "学校门口附近", "沿街商铺前"};

/* Where: a building of the grid (most), or the grid's label point with a street address. */
static void place(struct gen *g, const struct grid *gd, struct gr_case *c)
{
    struct life *l = &g->life;
    c->has_point = true;
    if (gd->b1 > gd->b0 && gr_demo_rng_chance(&g->rng, 0.75)) {
        const struct bld *b = &g->blds[gd->b0 + gr_demo_rng_below(&g->rng, gd->b1 - gd->b0)];
        c->building_id = b->id;
        c->lat = b->lat;
        c->lon = b->lon;
        c->address = b->address;
        return;
    }
    c->lat = gd->lat;
    c->lon = gd->lon;
    snprintf(l->address, sizeof(l->address), "%s%d号附近", gr_demo_pick(&g->rng, &gr_demo_roads),
             gr_demo_rng_range(&g->rng, 1, 399));
    c->address = l->address;
}

static void describe(struct gen *g, size_t mi, bool patrol)
{
    struct life *l = &g->life;
    char *d = l->description;
    size_t cap = sizeof(l->description);
    const char *spot = spots[gr_demo_rng_below(&g->rng, sizeof(spots) / sizeof(spots[0]))];
    const char *what = g->cat_name[mi];
    int form = (int)gr_demo_rng_below(&g->rng, 3);
    if (gr_demo_matters[mi].category[0] == 'P') {
        if (form < 2)
            snprintf(d, cap, "%s的%s损坏，存在安全隐患，请尽快维修。", spot, what);
        else
            snprintf(d, cap, "%s%s出现故障，请派人查看处理。", spot, what);
    } else if (patrol) {
        snprintf(d, cap, "网格巡查发现：%s%s，需要处置。", spot, what);
    } else if (form == 0) {
        snprintf(d, cap, "%s%s，已经好几天了，请尽快处理。", spot, what);
    } else if (form == 1) {
        snprintf(d, cap, "反映%s存在%s问题，影响居民生活，希望有关部门处理。", spot, what);
    } else {
        snprintf(d, cap, "%s%s情况反复出现，请相关部门处理并加强管理。", spot, what);
    }
}

/* Who reports it: hotline callers (some anonymous), web users (the demo resident in their
 * own community), grid workers on patrol, and the city hotline's Open311 client. */
static void requester(struct gen *g, const struct grid *gd, struct gr_case *c, struct plan *p,
                      int64_t *actor)
{
    struct life *l = &g->life;
    struct gr_demo_rng *r = &g->rng;
    int u = gr_demo_rng_range(r, 1, 100);
    *actor = 0;
    p->requester = 0;
    c->channel = u <= 42 ? "hotline" : u <= 66 ? "web" : u <= 90 ? "patrol" : "open311";
    if (u > 66 && u <= 90) {
        if (g->who->node[GR_LEVEL_GRID] == gd->id)
            *actor = c->requester_user_id = g->who->user[GR_LEVEL_GRID];
        p->rated = false;
        return;
    }
    p->rated = gr_demo_rng_chance(r, 0.85);
    if (u > 42 && u <= 66 && g->who->resident &&
        gd->anc.id[GR_LEVEL_COMMUNITY] == g->resident_community && gr_demo_rng_chance(r, 0.6)) {
        *actor = p->requester = c->requester_user_id = g->who->resident;
        return;
    }
    gr_demo_phone(r, l->phone);
    c->requester_phone = l->phone;
    if (u <= 42 && gr_demo_rng_chance(r, 0.15)) {
        c->anonymous = true;
        return;
    }
    gr_demo_person_name(&g->names, r, NULL, gr_demo_rng_chance(r, 0.5),
                        gr_demo_rng_range(r, 1950, 2002), &l->name);
    c->requester_name = l->name.s;
    if (u > 90)
        c->api_key_id = g->api_key;
}

/* Write the life: the case's row as it is now with its first event, then the other events
 * (bulk mode: the figures are recounted at the end). Notices only for the cases still open:
 * the inboxes of today. */
static enum gr_err write_case(struct gen *g, int64_t *id)
{
    struct life *l = &g->life;
    const struct gr_case *end = last(g);
    struct gr_notice nt[1];
    size_t n_nt = 0;
    enum gr_cstatus s = gr_cstatus_parse(end->status);
    if (gr_case_open(s)) {
        /* What the case waits for: its grid's check, or its owner. */
        bool check = s == GR_CS_RESOLVED;
        bool org = !check && end->owner_org_id;
        snprintf(nt[0].target, sizeof(nt[0].target), "%c:%lld", org ? 'o' : 'n',
                 (long long)(check ? end->anc.id[GR_LEVEL_GRID]
                             : org ? end->owner_org_id
                                   : end->owner_node_id));
        nt[0].kind = check ? "to_verify" : s == GR_CS_SUBMITTED ? "new_case" : "dispatched";
        n_nt = 1;
        g->open++;
    }
    enum gr_err e = gr_store_case_create(g->st, end, &l->ev[0], nt, n_nt, id);
    return e ? e : gr_store_case_events_add(g->st, *id, &l->ev[1], l->n - 1);
}

/* What may happen to a case of the year: refusal, a duplicate of the last case filed (then
 * in its grid, of its matter), lateness, an extension, a hold, a rework. */
static void draw_plan(struct gen *g, int64_t t0, const struct grid **gd, size_t *mi, struct plan *p)
{
    struct gr_demo_rng *r = &g->rng;
    int u = gr_demo_rng_range(r, 1, 1000);
    p->reject = u <= 30;
    if (u > 30 && u <= 50 && g->prev.id && g->prev.open_until > t0 + 3600) {
        p->merge_into = g->prev.id;
        p->merge_until = g->prev.open_until;
        *gd = g->prev.grid;
        *mi = g->prev.matter;
    }
    p->late_response = gr_demo_rng_chance(r, 0.06);
    p->late = gr_demo_rng_chance(r, 0.03);
    p->extension = !p->late && gr_demo_rng_chance(r, 0.04);
    p->hold = gr_demo_rng_chance(r, 0.015);
    p->rework = gr_demo_rng_chance(r, 0.03);
}

/* The case as submitted at t0, routed as intake routes it, with its first event. */
static enum gr_err submit(struct gen *g, const struct grid *gd, size_t mi, int64_t t0,
                          struct plan *p)
{
    const struct gr_matter *m = &gr_demo_matters[mi];
    struct life *l = &g->life;
    struct gr_case *c = &l->c;
    memset(c, 0, sizeof(*c));
    int64_t actor, org = 0;
    place(g, gd, c);
    requester(g, gd, c, p, &actor);
    describe(g, mi, strcmp(c->channel, "patrol") == 0);
    struct gr_route_in ri = {m, gd->anc, g->cal, t0};
    struct gr_route_out ro;
    gr_route(&ri, &ro);
    if (ro.owner_dept) {
        enum gr_err e = department(g, gd, mi, &org);
        if (e)
            return e;
        if (!org) { /* the district has no such department: 属地兜底 */
            ro.owner_level = GR_LEVEL_STREET;
            ro.owner_node_id = gd->anc.id[GR_LEVEL_STREET];
        }
    }
    gr_ymd_format(gr_cal_date(g->cal, t0), l->day);
    c->status = "submitted";
    c->matter_version = g->version;
    c->matter_code = m->code;
    c->category_code = m->category;
    c->description = l->description;
    c->anc = gd->anc;
    c->owner_level = gr_level_name(ro.owner_level);
    c->owner_node_id = ro.owner_node_id;
    c->owner_org_id = org;
    c->urgent = m->urgent;
    c->created_at = c->updated_at = t0;
    c->day = l->day;
    c->respond_due = ro.respond_due;
    c->resolve_due = c->first_due = ro.resolve_due;
    l->ev[0] = (struct gr_case_event){.at = t0,
                                      .actor_user_id = actor,
                                      .action = "submit",
                                      .to_status = "submitted",
                                      .public = true};
    l->n = 1;
    l->t = t0;
    return GR_OK;
}

/* One case of matter mi in grid gd submitted at t0 and lived as far as now, or (the tail's)
 * as far as status stop, with a hold on the way there when asked. */
static enum gr_err make_case(struct gen *g, const struct grid *gd, size_t mi, int64_t t0,
                             enum gr_cstatus stop, bool hold)
{
    struct life *l = &g->life;
    struct plan p = {0};
    if (stop == GR_CS_NONE)
        draw_plan(g, t0, &gd, &mi, &p);
    l->stopped = false;
    l->stop = stop;
    l->fast = stop != GR_CS_NONE;
    enum gr_err e = submit(g, gd, mi, t0, &p);
    if (e)
        return e;
    if (stop != GR_CS_NONE) {
        p.hold = hold;
        p.rated = false;
    }
    if (stop != GR_CS_SUBMITTED)
        live(g, &gr_demo_matters[mi], &p);
    int64_t id;
    enum gr_cstatus s = gr_cstatus_parse(last(g)->status);
    if ((e = write_case(g, &id)) || s == GR_CS_REJECTED || s == GR_CS_MERGED)
        return e;
    g->prev = (struct last_case){id, gr_case_open(s) ? INT64_MAX : l->t, gd, mi};
    return GR_OK;
}

/* ---- A year of cases ---- */

/* Reports by local hour, in percent of the busiest. */
static const int hour_weight[24] = {5,  3,  2,  2,   2,  4,  10, 30, 70, 100, 100, 90,
                                    70, 80, 95, 100, 95, 85, 70, 60, 50, 35,  20,  10};

/* The share of day slot d (0: a year ago): a little more as the year goes on (the platform
 * catching on), fewer at weekends. */
static double slot_weight(const struct gen *g, int d)
{
    int64_t mid = g->now - (int64_t)(YEAR_DAYS - d) * DAY_S + DAY_S / 2;
    int wd = gr_ymd_weekday(gr_cal_date(g->cal, mid));
    return (0.8 + 0.4 * d / (YEAR_DAYS - 1)) * (wd >= 5 ? 0.7 : 1.0);
}

/* A moment in [from, from + DAY_S) drawn by the hour of the day. */
static int64_t moment(struct gen *g, int64_t from)
{
    int64_t off = (int64_t)g->cal->utc_offset_min * 60;
    for (;;) {
        int64_t t = from + gr_demo_rng_below(&g->rng, DAY_S);
        int64_t sod = ((t + off) % DAY_S + DAY_S) % DAY_S;
        if ((int)gr_demo_rng_below(&g->rng, 100) < hour_weight[sod / 3600])
            return t;
    }
}

/* The inboxes of the demo logins today: a few fresh cases stopped in the status named, in
 * the grid worker's grid ('g', grid duties), the department's district ('d', its cooperative
 * duties) or the community staff's community ('c', community duties). */
static const struct {
    char where;
    enum gr_cstatus stop;
} tail[] = {
    {'g', GR_CS_DISPATCHED},  {'d', GR_CS_DISPATCHED},  {'g', GR_CS_IN_PROGRESS},
    {'d', GR_CS_IN_PROGRESS}, {'c', GR_CS_SUBMITTED},   {'g', GR_CS_RESOLVED},
    {'d', GR_CS_DISPATCHED},  {'c', GR_CS_ACCEPTED},    {'g', GR_CS_DISPATCHED},
    {'d', GR_CS_IN_PROGRESS}, {'c', GR_CS_ON_HOLD},     {'c', GR_CS_VERIFIED},
    {'g', GR_CS_IN_PROGRESS}, {'d', GR_CS_IN_PROGRESS}, {'g', GR_CS_SUBMITTED},
    {'c', GR_CS_IN_PROGRESS},
};
#define N_TAIL (sizeof(tail) / sizeof(tail[0]))

static bool tail_matter(char where, const struct gr_matter *m)
{
    switch (where) {
    case 'g': return m->list_kind == GR_LK_BASIC && m->owner_level == GR_LEVEL_GRID;
    case 'c':
        return m->list_kind == GR_LK_BASIC && m->owner_level == GR_LEVEL_COMMUNITY &&
               m->governance != GR_GOV_SELF;
    default:
        return m->list_kind == GR_LK_COOPERATIVE && m->owner_dept &&
               strcmp(m->owner_dept, gr_demo_departments.w[0]) == 0;
    }
}

static bool tail_grid(const struct gen *g, char where, const struct grid *gd)
{
    switch (where) {
    case 'g': return gd->id == g->who->node[GR_LEVEL_GRID];
    case 'c': return gd->anc.id[GR_LEVEL_COMMUNITY] == g->who->node[GR_LEVEL_COMMUNITY];
    default: return gd->anc.id[GR_LEVEL_DISTRICT] == g->dept_district;
    }
}

/* A random element satisfying a test, by reservoir sampling; -1 when none does. */
static long pick_tail(struct gen *g, char where, bool grids)
{
    long chosen = -1;
    uint32_t seen = 0;
    size_t n = grids ? g->n_grids : gr_demo_n_matters;
    for (size_t i = 0; i < n; i++) {
        bool ok =
            grids ? tail_grid(g, where, &g->grids[i]) : tail_matter(where, &gr_demo_matters[i]);
        if (ok && gr_demo_rng_below(&g->rng, ++seen) == 0)
            chosen = (long)i;
    }
    return chosen;
}

static enum gr_err make_tail(struct gen *g, size_t n_tail)
{
    enum gr_err e = GR_OK;
    for (size_t j = 0; j < n_tail && !e; j++) {
        long gi = pick_tail(g, tail[j].where, true), mi = pick_tail(g, tail[j].where, false);
        if (gi < 0 || mi < 0) {
            gi = (long)gr_demo_rng_below(&g->rng, (uint32_t)g->n_grids);
            mi = (long)pick_matter(g);
        }
        int64_t t0 = g->now - (int64_t)(n_tail - j) * 420 - 1800;
        e = make_case(g, &g->grids[gi], (size_t)mi, t0, tail[j].stop,
                      tail[j].stop == GR_CS_ON_HOLD);
    }
    return e;
}

static void gen_cleanup(struct gen *g)
{
    free(g->grids);
    free(g->blds);
    free(g->districts);
    free(g->depts);
    free(g->matter_cum);
    free(g->cat_name);
    gr_arena_cleanup(&g->text);
}

/* The demo's Open311 client: the city hotline's platform (its key is thrown away). */
static enum gr_err open311_client(struct gen *g)
{
    char key[65], hash[65];
    gr_random_hex(32, key);
    gr_sha256_hex(key, 64, hash);
    return gr_store_api_key_create(g->st, "12345 政务服务便民热线 (demo)", hash, &g->api_key);
}

static enum gr_err dept_district(struct gen *g)
{
    if (!g->who->dept_org)
        return GR_OK;
    struct gr_row row;
    enum gr_err e = gr_store_get(g->st, gr_kind_get(GR_K_ORGANISATIONS), g->who->dept_org, &row);
    if (!e)
        g->dept_district = row.anc.id[GR_LEVEL_DISTRICT];
    gr_store_release(g->st);
    return e;
}

static enum gr_err year_of_cases(struct gen *g, int64_t n_main)
{
    double w[YEAR_DAYS], total = 0;
    for (int d = 0; d < YEAR_DAYS; d++)
        total += w[d] = slot_weight(g, d);
    int64_t *times = NULL, done = 0;
    size_t cap = 0;
    double acc = 0;
    enum gr_err e = GR_OK;
    for (int d = 0; d < YEAR_DAYS && !e; d++) {
        acc += w[d];
        int64_t upto = d == YEAR_DAYS - 1 ? n_main : (int64_t)((double)n_main * acc / total);
        size_t k = (size_t)(upto - done);
        if (k > cap) {
            cap = k;
            times = gr_realloc(times, gr_mul(cap, sizeof(*times)));
        }
        int64_t from = g->now - (int64_t)(YEAR_DAYS - d) * DAY_S;
        for (size_t i = 0; i < k; i++)
            times[i] = moment(g, from);
        if (k)
            qsort(times, k, sizeof(*times), cmp_id);
        for (size_t i = 0; i < k && !e; i++) {
            const struct grid *gd = &g->grids[gr_demo_rng_below(&g->rng, (uint32_t)g->n_grids)];
            e = make_case(g, gd, pick_matter(g), times[i], GR_CS_NONE, false);
            if ((++done & 4095) == 0)
                gr_cli_progress("cases", (uint64_t)done, (uint64_t)n_main);
        }
    }
    gr_cli_progress("cases", (uint64_t)done, (uint64_t)n_main);
    free(times);
    return e;
}

enum gr_err gr_cli_demo_cases(struct gr_store *st, const struct gr_cli_demo_who *who, uint64_t seed,
                              int64_t n_cases, int64_t now, int64_t *n_open)
{
    *n_open = 0;
    if (n_cases <= 0)
        return GR_OK;
    struct gen *g = gr_calloc(1, sizeof(*g));
    g->st = st;
    g->who = who;
    g->now = now;
    gr_arena_init(&g->text);
    gr_demo_rng_seed(&g->rng, seed ^ 0x63617365735f5f31ull); /* "cases__1": apart from the city */
    gr_demo_names_init(&g->names);
    load_matters(g);
    enum gr_err e = gr_store_matter_current(st, now, &g->version);
    if (!e)
        e = gr_store_calendar(st, &g->cal);
    if (!e)
        e = load_city(g);
    if (!e && g->n_grids == 0)
        e = GR_ENOTFOUND;
    if (!e)
        e = dept_district(g);
    if (!e)
        e = open311_client(g);
    if (e)
        goto out;
    g->depts = gr_calloc(gr_mul(g->n_districts, gr_demo_n_matters), sizeof(int64_t));
    size_t n_tail = (size_t)n_cases / 4 < N_TAIL ? (size_t)n_cases / 4 : N_TAIL;
    e = year_of_cases(g, n_cases - (int64_t)n_tail);
    if (!e)
        e = make_tail(g, n_tail);
    *n_open = g->open;
out:
    gr_cli_progress_end();
    gen_cleanup(g);
    free(g);
    return e;
}
