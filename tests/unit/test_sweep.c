/*
 * test_sweep.c - the deadline sweep (gr_case_sweep) with a driven clock: deadlines counted in
 * working time across a weekend and a holiday, the yellow warning, escalation up the ladder
 * grid → community → street → district with a fresh deadline at each rung, the red mark at the
 * top, the cases the sweep must leave alone (on hold, closed, not yet accepted) and the figures
 * it leaves behind. Nothing reads the real clock: every moment is given. Each test gets a fresh
 * database file of its own, removed afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/case_ops.h"
#include "core/calendar.h"
#include "core/figures.h"
#include "core/matter.h"
#include "store/store.h"
#include "tempdb.h"

/* ---- the clock: days counted from Friday 2026-11-27, local time at +08:00 ---- */

#define T0 INT64_C(1795766400) /* 2026-11-27T08:00:00Z: Friday 16:00 local */
#define FRI 0                  /* Friday 27 November */
#define MON 3                  /* Monday 30 November (the holiday, when there is one) */
#define TUE 4                  /* Tuesday 1 December */
#define WED 5                  /* Wednesday 2 December */

static int64_t at(int day, int hh, int mm)
{
    return T0 - 16 * 3600 + (int64_t)day * 86400 + hh * 3600 + mm * 60;
}

/* ---- fixture: a fresh database per test, and a small city in it ---- */

struct fx {
    char path[64];
    struct gr_store *st;
    int64_t city, district, street, community, grid, staff;
    struct gr_anc anc; /* of the grid */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    if (tempdb_open("sweep", f->path, &f->st) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    tempdb_close(f->path, f->st);
    free(f);
    return 0;
}

static void set_field(const struct gr_kind *k, struct gr_value *v, const char *name, const char *s,
                      int64_t i)
{
    int at_field = gr_kind_field(k, name, strlen(name));
    assert_true(at_field >= 0);
    v[at_field] = s ? (struct gr_value){.present = true, .s = s, .len = strlen(s)}
                    : (struct gr_value){.present = true, .i = i};
}

static int64_t add_node(struct gr_store *st, int64_t parent, const char *level, const char *code,
                        const char *name)
{
    const struct gr_kind *k = gr_kind_get(GR_K_NODES);
    struct gr_value v[32];
    assert_true(k->n_fields <= 32);
    memset(v, 0, sizeof(v));
    if (parent)
        set_field(k, v, "parent_id", NULL, parent);
    set_field(k, v, "level", level, 0);
    set_field(k, v, "code", code, 0);
    set_field(k, v, "name", name, 0);
    struct gr_verr ve = {0};
    int64_t id = 0;
    enum gr_err e = gr_store_insert(st, k, 0, v, &id, &ve);
    if (e)
        fail_msg("insert node %s: %s (%s)", code, gr_strerror(e), ve.field ? ve.field : "-");
    return id;
}

static void put_matter(struct gr_store *st, int version, const char *code, const char *name,
                       enum gr_level level, int limit, enum gr_time_unit unit)
{
    struct gr_matter m;
    memset(&m, 0, sizeof(m));
    m.code = code;
    m.name = name;
    m.category = "0101";
    m.power_type = "comprehensive";
    m.list_kind = GR_LK_BASIC;
    m.governance = GR_GOV_GOVERNMENT;
    m.owner_level = level;
    m.respond_limit = 2;
    m.respond_unit = GR_TU_HOURS;
    m.resolve_limit = limit;
    m.resolve_unit = unit;
    const char *field = NULL;
    enum gr_err e = gr_store_matter_put(st, version, &m, &field);
    if (e)
        fail_msg("matter_put %s: %s (field %s)", code, gr_strerror(e), field ? field : "-");
}

/* The city, its list (a grid matter in 4 working hours, a street one in 1 working day,
 * in effect since the day before t0) and the default calendar (08:30–12:00, 14:00–17:30 at
 * +08:00: nothing to set). */
static struct fx *world(void **state)
{
    struct fx *f = *state;
    struct gr_store *st = f->st;
    f->city = add_node(st, 0, "city", "3301", "杭州市");
    f->district = add_node(st, f->city, "district", "330102", "上城区");
    f->street = add_node(st, f->district, "street", "330102001", "湖滨街道");
    f->community = add_node(st, f->street, "community", "330102001001", "东坡社区");
    f->grid = add_node(st, f->community, "grid", "330102001001001", "东坡一网格");
    assert_int_equal(gr_store_anc(st, gr_kind_get(GR_K_NODES), f->grid, &f->anc), GR_OK);
    assert_int_equal(f->anc.id[GR_LEVEL_COMMUNITY], f->community);
    assert_int_equal(f->anc.id[GR_LEVEL_DISTRICT], f->district);
    assert_int_equal(gr_store_user_create(st, "staff", "值班员", "$argon2id$fake", &f->staff),
                     GR_OK);

    const struct gr_category_row major = {"01", NULL, "event", "市容环境", "City appearance"};
    const struct gr_category_row minor = {"0101", "01", "event", "暴露垃圾", "Exposed rubbish"};
    assert_int_equal(gr_store_category_put(st, &major), GR_OK);
    assert_int_equal(gr_store_category_put(st, &minor), GR_OK);
    assert_int_equal(gr_store_power_type_put(st, "comprehensive", "综合", "Comprehensive", 1),
                     GR_OK);
    int v = 0;
    assert_int_equal(gr_store_matter_draft(st, &v), GR_OK);
    put_matter(st, v, "M01", "暴露垃圾", GR_LEVEL_GRID, 4, GR_TU_HOURS);
    put_matter(st, v, "M02", "占道经营", GR_LEVEL_STREET, 1, GR_TU_DAYS);
    assert_int_equal(gr_store_matter_publish(st, v, T0 - 86400, f->staff), GR_OK);
    return f;
}

/* ---- cases, driven through case_ops as the API drives them ---- */

static int64_t intake(struct fx *f, const char *matter, int64_t now)
{
    struct gr_intake in = {
        .channel = "web",
        .matter_code = matter,
        .description = "路边有一堆暴露垃圾",
        .address = "湖滨路 1 号",
        .has_point = true,
        .lat = 30.2590,
        .lon = 120.1640,
        .anc = f->anc,
        .now = now,
    };
    struct gr_case c;
    struct gr_case_fail fail = {0};
    assert_int_equal(gr_store_begin(f->st), GR_OK);
    enum gr_err e = gr_case_intake(f->st, &in, &c, &fail);
    assert_int_equal(gr_store_end(f->st, e), e);
    if (e)
        fail_msg("intake %s: %s (%s: %s)", matter, gr_strerror(e), fail.field ? fail.field : "-",
                 fail.why ? fail.why : "-");
    gr_store_release(f->st);
    return c.id;
}

/* One action by the staff user, who is intake, handler and grid worker at once. */
static void act(struct fx *f, int64_t id, enum gr_caction action, int64_t now)
{
    struct gr_case_act a = {.action = action};
    switch (action) {
    case GR_CA_RESOLVE: a.note = "已清运"; break;
    case GR_CA_HOLD:
        a.note = "等待管线迁改";
        a.review_on = "2026-12-10";
        break;
    default: break;
    }
    struct gr_case out;
    struct gr_case_fail fail = {0};
    assert_int_equal(gr_store_begin(f->st), GR_OK);
    enum gr_err e = gr_case_act(f->st, id, GR_CR_INTAKE | GR_CR_HANDLER | GR_CR_GRID, f->staff, &a,
                                now, &out, &fail);
    assert_int_equal(gr_store_end(f->st, e), e);
    if (e)
        fail_msg("case %lld, %s: %s (%s)", (long long)id, gr_caction_name(action), gr_strerror(e),
                 fail.why ? fail.why : "-");
    gr_store_release(f->st);
}

/* The case as stored now (texts valid until the next release). */
static struct gr_case get(struct fx *f, int64_t id)
{
    struct gr_case c;
    assert_int_equal(gr_store_case_get(f->st, id, &c), GR_OK);
    return c;
}

/* What the sweep told its listener. */
struct heard {
    int n;
    char from[8][16], to[8][16];
};

static void hear(void *ctx, const struct gr_case *c, const char *from_level, const char *to_level)
{
    struct heard *h = ctx;
    (void)c;
    assert_true(h->n < 8);
    snprintf(h->from[h->n], sizeof(h->from[0]), "%s", from_level);
    snprintf(h->to[h->n], sizeof(h->to[0]), "%s", to_level);
    h->n++;
}

static void sweep(struct fx *f, int64_t now, struct heard *h, struct gr_sweep_report *rep)
{
    if (h)
        memset(h, 0, sizeof(*h));
    assert_int_equal(gr_case_sweep(f->st, now, h ? hear : NULL, h, rep), GR_OK);
}

/* The report's counts, all four; the caller's line in the message. */
#define assert_report(rep, examined, escalated, red, yellow)                                       \
    check_report(rep, __LINE__, examined, escalated, red, yellow)
static void check_report(const struct gr_sweep_report *rep, int line, int64_t examined,
                         int64_t escalated, int64_t red, int64_t yellow)
{
    if (rep->examined != examined || rep->escalated != escalated || rep->red != red ||
        rep->yellow != yellow)
        fail_msg(
            "line %d: report (examined, escalated, red, yellow): got (%lld, %lld, %lld, %lld), "
            "want (%lld, %lld, %lld, %lld)",
            line, (long long)rep->examined, (long long)rep->escalated, (long long)rep->red,
            (long long)rep->yellow, (long long)examined, (long long)escalated, (long long)red,
            (long long)yellow);
}

/* How many events a case has, and of them how many of one action (want) with the last such
 * (the last of all when want is NULL). */
struct events {
    const char *want; /* count those with this action */
    int n_all, n_want;
    char action[16], from_status[16], to_status[16], data[256];
    int64_t at, actor;
};

static int on_event(void *ctx, const struct gr_case_event *e)
{
    struct events *ev = ctx;
    ev->n_all++;
    if (ev->want && strcmp(e->action, ev->want) != 0)
        return 0;
    ev->n_want++;
    snprintf(ev->action, sizeof(ev->action), "%s", e->action);
    snprintf(ev->from_status, sizeof(ev->from_status), "%s", e->from_status ? e->from_status : "");
    snprintf(ev->to_status, sizeof(ev->to_status), "%s", e->to_status ? e->to_status : "");
    snprintf(ev->data, sizeof(ev->data), "%s", e->data ? e->data : "");
    ev->at = e->at;
    ev->actor = e->actor_user_id;
    return 0;
}

static struct events events_of(struct fx *f, int64_t id, const char *want)
{
    struct events ev;
    memset(&ev, 0, sizeof(ev));
    ev.want = want;
    assert_int_equal(gr_store_case_events(f->st, id, on_event, &ev), GR_OK);
    return ev;
}

/* ---- deadlines ---- */

/* 4 working hours from Friday 16:00: 1.5 h on Friday and 2.5 h on Monday from 08:30, so
 * Monday 11:00; with Monday a holiday, Tuesday 11:00. One working day: the close of the next
 * working day. */
static void deadlines_in_working_time(void **state)
{
    struct fx *f = world(state);
    int64_t a = intake(f, "M01", T0);
    int64_t s = intake(f, "M02", T0);
    struct gr_case c = get(f, a);
    assert_string_equal(c.status, "submitted");
    assert_string_equal(c.owner_level, "grid");
    assert_int_equal(c.owner_node_id, f->grid);
    assert_string_equal(c.day, "2026-11-27");
    assert_int_equal(c.resolve_due, at(MON, 11, 0));
    assert_int_equal(c.first_due, at(MON, 11, 0));
    c = get(f, s);
    assert_string_equal(c.owner_level, "street");
    assert_int_equal(c.owner_node_id, f->street);
    assert_int_equal(c.resolve_due, at(MON, 17, 30));

    assert_int_equal(gr_store_calendar_day_set(f->st, "2026-11-30", "holiday", "测试假日"), GR_OK);
    int64_t a2 = intake(f, "M01", T0);
    int64_t s2 = intake(f, "M02", T0);
    assert_int_equal(get(f, a2).resolve_due, at(TUE, 11, 0));
    assert_int_equal(get(f, s2).resolve_due, at(TUE, 17, 30));
    /* A deadline once given stays: the holiday does not move the earlier cases'. */
    assert_int_equal(get(f, a).resolve_due, at(MON, 11, 0));
    assert_int_equal(get(f, s).resolve_due, at(MON, 17, 30));
    gr_store_release(f->st);
}

/* ---- the yellow warning ---- */

/* The window is a quarter of the matter's limit, at least one working hour: 60 minutes for
 * the 4-hour matter (240 / 4), 105 for the one-day matter (a working day of 420 minutes / 4).
 * Each case is warned once. */
static void sweep_warns_yellow_once(void **state)
{
    struct fx *f = world(state);
    int64_t a = intake(f, "M01", T0);
    int64_t s = intake(f, "M02", T0);
    act(f, a, GR_CA_ACCEPT, T0 + 300);
    act(f, a, GR_CA_DISPATCH, T0 + 600);
    act(f, s, GR_CA_ACCEPT, T0 + 300);

    struct gr_sweep_report rep;
    struct heard h;
    /* Friday 17:00: a is due within three days, so read, but nowhere near warned; s (Monday
     * 17:30) is not due within three days, so not even read. */
    sweep(f, at(FRI, 17, 0), &h, &rep);
    assert_report(&rep, 1, 0, 0, 0);
    /* Monday 09:59: 61 working minutes left of a's 4 hours. */
    sweep(f, at(MON, 9, 59), &h, &rep);
    assert_report(&rep, 2, 0, 0, 0);
    assert_int_equal(get(f, a).alarm, 0);

    /* Monday 10:00: an hour left, a turns yellow; s (330 minutes left) does not. */
    sweep(f, at(MON, 10, 0), &h, &rep);
    assert_report(&rep, 2, 0, 0, 1);
    assert_int_equal(h.n, 0);
    struct gr_case c = get(f, a);
    assert_int_equal(c.alarm, 1);
    assert_string_equal(c.status, "dispatched");
    assert_string_equal(c.owner_level, "grid");
    assert_false(c.was_overdue);
    assert_int_equal(c.resolve_due, at(MON, 11, 0));
    struct events ev = events_of(f, a, "due_soon");
    assert_int_equal(ev.n_want, 1);
    assert_string_equal(ev.action, "due_soon");
    assert_int_equal(ev.actor, 0);
    assert_int_equal(ev.at, at(MON, 10, 0));
    assert_int_equal(get(f, s).alarm, 0);

    /* Again at the same moment, and later: a is not counted again. */
    sweep(f, at(MON, 10, 0), &h, &rep);
    assert_report(&rep, 1, 0, 0, 0);
    sweep(f, at(MON, 10, 30), &h, &rep);
    assert_report(&rep, 1, 0, 0, 0);
    assert_int_equal(events_of(f, a, "due_soon").n_want, 1);

    /* s: 106 working minutes left at 15:44, 105 at 15:45. By then a is past its deadline:
     * escalated (and read again by the yellow pass with its fresh deadline, Tuesday 10:44). */
    sweep(f, at(MON, 15, 44), &h, &rep);
    assert_report(&rep, 3, 1, 1, 0);
    assert_int_equal(get(f, s).alarm, 0);
    sweep(f, at(MON, 15, 45), &h, &rep);
    assert_report(&rep, 2, 0, 0, 1);
    c = get(f, s);
    assert_int_equal(c.alarm, 1);
    assert_string_equal(c.status, "accepted");
    assert_string_equal(c.owner_level, "street");
    gr_store_release(f->st);
}

/* ---- escalation up the ladder ---- */

struct ladder {
    int64_t dispatched, accepted, in_progress; /* the sweep's: it looks at these statuses */
    int64_t on_hold, closed, submitted;        /* never touched */
};

static void file_cases(struct fx *f, struct ladder *l)
{
    l->dispatched = intake(f, "M01", T0);
    l->accepted = intake(f, "M01", T0);
    l->in_progress = intake(f, "M01", T0);
    l->on_hold = intake(f, "M01", T0);
    l->closed = intake(f, "M01", T0);
    l->submitted = intake(f, "M01", T0);
    const int64_t busy[] = {l->dispatched, l->accepted, l->in_progress, l->on_hold, l->closed};
    for (size_t i = 0; i < sizeof(busy) / sizeof(busy[0]); i++)
        act(f, busy[i], GR_CA_ACCEPT, T0 + 60);
    const int64_t sent[] = {l->dispatched, l->in_progress, l->on_hold, l->closed};
    for (size_t i = 0; i < sizeof(sent) / sizeof(sent[0]); i++)
        act(f, sent[i], GR_CA_DISPATCH, T0 + 120);
    act(f, l->in_progress, GR_CA_SIGN, T0 + 180);
    act(f, l->on_hold, GR_CA_HOLD, T0 + 240);
    act(f, l->closed, GR_CA_SIGN, T0 + 180);
    act(f, l->closed, GR_CA_RESOLVE, T0 + 900);
    act(f, l->closed, GR_CA_VERIFY, T0 + 1200);
    act(f, l->closed, GR_CA_CLOSE, T0 + 1500);
}

/* The three cases the sweep moves, after an escalation to `level` at `when`. */
static void assert_escalated(struct fx *f, const struct ladder *l, const char *level, int64_t node,
                             int escalations, int64_t when, int64_t due)
{
    const int64_t ids[] = {l->dispatched, l->accepted, l->in_progress};
    for (size_t i = 0; i < 3; i++) {
        struct gr_case c = get(f, ids[i]);
        assert_string_equal(c.status, "accepted");
        assert_string_equal(c.owner_level, level);
        assert_int_equal(c.owner_node_id, node);
        assert_int_equal(c.owner_org_id, 0);
        assert_int_equal(c.escalations, escalations);
        assert_true(c.was_overdue);
        assert_int_equal(c.resolve_due, due);          /* fresh, from the sweep's now */
        assert_int_equal(c.first_due, at(MON, 11, 0)); /* the promise stays */
        assert_int_equal(c.updated_at, when);
        struct events ev = events_of(f, ids[i], "escalate");
        assert_int_equal(ev.n_want, escalations);
        assert_string_equal(ev.action, "escalate");
        assert_int_equal(ev.actor, 0); /* the system */
        assert_int_equal(ev.at, when);
        assert_non_null(strstr(ev.data, "\"overdue\":true"));
        char want[64];
        snprintf(want, sizeof(want), "\"to_level\":\"%s\"", level);
        assert_non_null(strstr(ev.data, want));
    }
}

/* What the sweep must leave as it was. */
static void assert_untouched(struct fx *f, const struct ladder *l)
{
    const int64_t ids[] = {l->on_hold, l->closed, l->submitted};
    const char *const status[] = {"on_hold", "closed", "submitted"};
    const int64_t updated[] = {T0 + 240, T0 + 1500, T0};
    const int n_events[] = {4, 7, 1};
    for (size_t i = 0; i < 3; i++) {
        struct gr_case c = get(f, ids[i]);
        assert_string_equal(c.status, status[i]);
        assert_string_equal(c.owner_level, "grid");
        assert_int_equal(c.owner_node_id, f->grid);
        assert_int_equal(c.escalations, 0);
        assert_int_equal(c.alarm, 0);
        assert_false(c.was_overdue);
        assert_int_equal(c.resolve_due, at(MON, 11, 0));
        assert_int_equal(c.updated_at, updated[i]);
        assert_int_equal(events_of(f, ids[i], NULL).n_all, n_events[i]);
    }
}

static void figures_of(struct fx *f, int64_t node, int64_t *sums)
{
    char subject[32];
    snprintf(subject, sizeof(subject), "n:%lld", (long long)node);
    assert_int_equal(gr_store_figures(f->st, subject, "2026-11-27", "2026-11-27", sums), GR_OK);
}

static void sweep_escalates_up_the_ladder(void **state)
{
    struct fx *f = world(state);
    struct ladder l;
    file_cases(f, &l);
    assert_string_equal(get(f, l.in_progress).status, "in_progress");
    assert_string_equal(get(f, l.on_hold).status, "on_hold");
    assert_string_equal(get(f, l.closed).status, "closed");

    struct gr_sweep_report rep;
    struct heard h;
    /* Before the deadline: nothing moves; at it (not past it), neither. */
    sweep(f, at(FRI, 17, 0), &h, &rep);
    assert_report(&rep, 3, 0, 0, 0);
    sweep(f, at(MON, 11, 0), &h, &rep);
    assert_report(&rep, 3, 0, 0, 0);
    assert_int_equal(h.n, 0);
    const int64_t moved[] = {l.dispatched, l.accepted, l.in_progress};
    for (size_t i = 0; i < 3; i++) {
        struct gr_case c = get(f, moved[i]);
        assert_string_equal(c.owner_level, "grid");
        assert_int_equal(c.escalations, 0);
        assert_int_equal(c.alarm, 0);
        assert_false(c.was_overdue);
    }
    gr_store_release(f->st);

    /* Monday 15:00, four hours late: grid → community, due 4 working hours on (2.5 h on
     * Monday, 1.5 h on Tuesday from 08:30: Tuesday 10:00). Each pass counts what it reads,
     * so the yellow pass reads the three again with their fresh deadlines: 6 examined. */
    sweep(f, at(MON, 15, 0), &h, &rep);
    assert_report(&rep, 6, 3, 3, 0);
    assert_int_equal(h.n, 3);
    for (int i = 0; i < h.n; i++) {
        assert_string_equal(h.from[i], "grid");
        assert_string_equal(h.to[i], "community");
    }
    assert_escalated(f, &l, "community", f->community, 1, at(MON, 15, 0), at(TUE, 10, 0));
    struct events ev = events_of(f, l.dispatched, "escalate");
    assert_string_equal(ev.from_status, "dispatched");
    assert_string_equal(ev.to_status, "accepted");
    assert_non_null(strstr(ev.data, "\"from_level\":\"grid\""));
    assert_non_null(strstr(ev.data, "\"owner_node_id\""));
    ev = events_of(f, l.in_progress, "escalate");
    assert_string_equal(ev.from_status, "in_progress");
    assert_int_equal(get(f, l.dispatched).alarm, 0);
    assert_untouched(f, &l);

    /* Again at the same moment: nothing more. */
    sweep(f, at(MON, 15, 0), &h, &rep);
    assert_report(&rep, 3, 0, 0, 0);
    assert_int_equal(h.n, 0);
    assert_escalated(f, &l, "community", f->community, 1, at(MON, 15, 0), at(TUE, 10, 0));

    /* Tuesday 10:30, past the community's deadline: → street, due 10:30 + 1.5 h + 2.5 h =
     * 16:30. Overdue already: not counted red again. */
    sweep(f, at(TUE, 10, 30), &h, &rep);
    assert_report(&rep, 6, 3, 0, 0);
    assert_int_equal(h.n, 3);
    assert_string_equal(h.from[0], "community");
    assert_string_equal(h.to[0], "street");
    assert_escalated(f, &l, "street", f->street, 2, at(TUE, 10, 30), at(TUE, 16, 30));

    /* Tuesday 16:45: → district, due 0.75 h on Tuesday + 3.25 h on Wednesday = 11:45. The
     * yellow pass then reads the three again, with four hours ahead: not warned. */
    sweep(f, at(TUE, 16, 45), &h, &rep);
    assert_report(&rep, 6, 3, 0, 0);
    assert_int_equal(h.n, 3);
    assert_string_equal(h.from[0], "street");
    assert_string_equal(h.to[0], "district");
    assert_escalated(f, &l, "district", f->district, 3, at(TUE, 16, 45), at(WED, 11, 45));

    /* Wednesday 14:00, past the district's deadline: the top of the ladder, so marked red
     * (alarm 2, event "overdue") and left where it is. */
    sweep(f, at(WED, 14, 0), &h, &rep);
    assert_report(&rep, 3, 0, 3, 0);
    assert_int_equal(h.n, 0);
    for (size_t i = 0; i < 3; i++) {
        struct gr_case c = get(f, moved[i]);
        assert_int_equal(c.alarm, 2);
        assert_true(c.was_overdue);
        assert_string_equal(c.status, "accepted");
        assert_string_equal(c.owner_level, "district");
        assert_int_equal(c.escalations, 3);
        assert_int_equal(c.resolve_due, at(WED, 11, 45));
        ev = events_of(f, moved[i], "overdue");
        assert_int_equal(ev.n_want, 1);
        assert_string_equal(ev.action, "overdue");
        assert_int_equal(ev.actor, 0);
        assert_int_equal(ev.at, at(WED, 14, 0));
    }
    /* Exactly once: at the same moment and days later, nothing. */
    sweep(f, at(WED, 14, 0), &h, &rep);
    assert_report(&rep, 0, 0, 0, 0);
    sweep(f, at(WED + 2, 10, 0), &h, &rep);
    assert_report(&rep, 0, 0, 0, 0);
    assert_int_equal(h.n, 0);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(events_of(f, moved[i], "overdue").n_want, 1);
        assert_int_equal(events_of(f, moved[i], "escalate").n_want, 3);
    }
    assert_untouched(f, &l);

    /* The figures of the grid (and of the district above it) for the day of submission:
     * three escalations of three cases, those three open and overdue; the closed case on
     * time, the one on hold and the one not yet accepted open but not overdue. */
    int64_t grid[GR_N_FIGS], district[GR_N_FIGS];
    figures_of(f, f->grid, grid);
    figures_of(f, f->district, district);
    assert_int_equal(grid[GR_FIG_TOTAL], 6);
    assert_int_equal(grid[GR_FIG_ACCEPTED], 5);
    assert_int_equal(grid[GR_FIG_OPEN], 5);
    assert_int_equal(grid[GR_FIG_CLOSED], 1);
    assert_int_equal(grid[GR_FIG_CLOSED_ON_TIME], 1);
    assert_int_equal(grid[GR_FIG_ESCALATIONS], 9);
    assert_int_equal(grid[GR_FIG_OVERDUE_OPEN], 3);
    assert_memory_equal(grid, district, sizeof(grid));
    gr_store_release(f->st);
}

/* A case on hold, or closed, is never touched, however late it is; neither is one not yet
 * accepted. And the count of a sweep that finds only those is zero. */
static void sweep_leaves_held_and_closed_alone(void **state)
{
    struct fx *f = world(state);
    struct ladder l;
    file_cases(f, &l);
    /* Out of the sweep's way: the accepted one put on hold as well, the other two resolved
     * (the handler's result is in, awaiting verification). */
    const int64_t moved[] = {l.dispatched, l.in_progress};
    act(f, l.accepted, GR_CA_DISPATCH, T0 + 120);
    act(f, l.accepted, GR_CA_HOLD, T0 + 240);
    for (size_t i = 0; i < 2; i++) {
        if (i == 0)
            act(f, moved[i], GR_CA_SIGN, T0 + 300);
        act(f, moved[i], GR_CA_RESOLVE, T0 + 600);
    }
    struct gr_sweep_report rep;
    struct heard h;
    const int64_t when[] = {at(FRI, 17, 0), at(MON, 10, 0), at(MON, 15, 0), at(WED + 7, 9, 0)};
    for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
        sweep(f, when[i], &h, &rep);
        assert_report(&rep, 0, 0, 0, 0);
        assert_int_equal(h.n, 0);
    }
    assert_untouched(f, &l);
    struct gr_case c = get(f, l.accepted);
    assert_string_equal(c.status, "on_hold");
    assert_int_equal(c.escalations, 0);
    assert_int_equal(c.alarm, 0);
    int64_t grid[GR_N_FIGS];
    figures_of(f, f->grid, grid);
    assert_int_equal(grid[GR_FIG_ESCALATIONS], 0);
    assert_int_equal(grid[GR_FIG_OVERDUE_OPEN], 0);
    gr_store_release(f->st);
}

/* An escalated case starts a fresh limit: the sweep that escalates it does not warn it
 * (it once did, taking the window from the time since filing). Filed Friday 16:00, due
 * Monday 11:00, first swept (after an outage) Wednesday 09:00: escalated to the community,
 * due Wednesday 15:00, four working hours ahead, not "due soon". */
static void escalated_case_not_warned_at_once(void **state)
{
    struct fx *f = world(state);
    int64_t a = intake(f, "M01", T0);
    act(f, a, GR_CA_ACCEPT, T0 + 60);
    act(f, a, GR_CA_DISPATCH, T0 + 120);
    struct gr_sweep_report rep;
    struct heard h;
    sweep(f, at(WED, 9, 0), &h, &rep);
    assert_int_equal(rep.escalated, 1);
    assert_int_equal(rep.red, 1);
    struct gr_case c = get(f, a);
    assert_string_equal(c.owner_level, "community");
    assert_int_equal(c.resolve_due, at(WED, 15, 0));
    /* Four working hours left of four: not due soon. */
    assert_int_equal(rep.yellow, 0);
    assert_int_equal(c.alarm, 0);
    assert_int_equal(events_of(f, a, "due_soon").n_want, 0);
    /* Within the window of the fresh deadline (an hour left), it is. */
    sweep(f, at(WED, 14, 0), &h, &rep);
    assert_report(&rep, 1, 0, 0, 1);
    gr_store_release(f->st);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(deadlines_in_working_time),         T(sweep_warns_yellow_once),
        T(sweep_escalates_up_the_ladder),     T(sweep_leaves_held_and_closed_alone),
        T(escalated_case_not_warned_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
