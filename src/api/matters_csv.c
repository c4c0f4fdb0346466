/*
 * matters_csv.c - the responsibility list as CSV (matters_csv.h), and the editor's two
 * routes that carry it: GET and PUT /api/v1/matter-lists/{v}/matters.csv.
 *
 * Loading replaces every matter of a draft inside the caller's transaction; the caller
 * commits only when no row was bad. A PUT answers the first bad row as "line L, column C".
 */
#include "matters_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/csv.h"
#include "../base/mem.h"
#include "../base/text.h"
#include "../core/matter.h"
#include "api.h"

enum col {
    C_CODE,
    C_NAME,
    C_CATEGORY,
    C_POWER_TYPE,
    C_LIST_KIND,
    C_GOVERNANCE,
    C_OWNER_LEVEL,
    C_OWNER_DEPT,
    C_CO_DEPTS,
    C_LEGAL_BASIS,
    C_RESPOND_LIMIT,
    C_RESPOND_UNIT,
    C_RESOLVE_LIMIT,
    C_RESOLVE_UNIT,
    C_URGENT,
    N_COLS
};

/* The columns in the order the writer puts them, with the most characters a text may hold
 * (the limits of PUT /api/v1/matter-lists/{v}/matters/{code}); ANY for the columns whose
 * values are parsed (they say what they take), and co_depts, checked per department. */
#define ANY SIZE_MAX
static const struct {
    const char *name;
    bool required;
    size_t max;
} cols[N_COLS] = {
    {"code", true, 32},           {"name", true, 200},          {"category", true, 16},
    {"power_type", true, 32},     {"list_kind", true, ANY},     {"governance", true, ANY},
    {"owner_level", false, ANY},  {"owner_dept", false, 64},    {"co_depts", false, ANY},
    {"legal_basis", false, 1000}, {"respond_limit", true, ANY}, {"respond_unit", true, ANY},
    {"resolve_limit", true, ANY}, {"resolve_unit", true, ANY},  {"urgent", false, ANY},
};

#define LIMIT_MAX 10000
#define DEPT_MAX 64  /* characters of a department's name */
#define PAGE 500     /* matters read at a time */
#define CODE_MAX 256 /* bytes of a code, with room to spare (32 characters) */

/* ---- status ---- */

struct status_ctx {
    int version;
    bool found, draft;
};

static int status_row(void *ctx, const struct gr_matter_list *l)
{
    struct status_ctx *s = ctx;
    if (l->version != s->version)
        return 0;
    s->found = true;
    s->draft = strcmp(l->status, "draft") == 0;
    return 1;
}

enum gr_err gr_matters_csv_status(struct gr_store *st, int version, bool *draft)
{
    struct status_ctx s = {version, false, false};
    enum gr_err e = gr_store_matter_lists(st, status_row, &s);
    if (e)
        return e;
    *draft = s.draft;
    return s.found ? GR_OK : GR_ENOTFOUND;
}

/* ---- writing ---- */

struct write_ctx {
    struct gr_buf *b;
    enum gr_err e;
    size_t n;
    char last[CODE_MAX];
};

static void put_text(struct gr_buf *b, const char *s, bool first)
{
    gr_csv_put(b, s ? s : "", s ? strlen(s) : 0, first);
}

static void put_int(struct gr_buf *b, int v)
{
    char num[16];
    snprintf(num, sizeof(num), "%d", v);
    gr_csv_put(b, num, strlen(num), false);
}

/* The most bytes a text takes as a CSV cell: every byte a doubled quote, two quotes and a
 * comma around them. */
static size_t cell_bound(const char *s)
{
    return s ? gr_mul(strlen(s), 2) + 3 : 1;
}

static int write_row(void *ctx, const struct gr_matter *m)
{
    struct write_ctx *w = ctx;
    char co[1024] = "";
    size_t co_len = 0;
    for (size_t i = 0; i < m->n_co && co_len < sizeof(co); i++) {
        int k = snprintf(co + co_len, sizeof(co) - co_len, "%s%s", i ? "|" : "", m->co_depts[i]);
        co_len += k > 0 ? (size_t)k : 0;
    }
    if (co_len >= sizeof(co) || strlen(m->code) >= sizeof(w->last)) {
        w->e = GR_EINVAL; /* the store holds no such row: its writer refuses it */
        return 1;
    }
    /* Room for the whole row first, so that a full buffer never leaves half a row. */
    const char *texts[] = {m->code,       m->name, m->category,   m->power_type,
                           m->owner_dept, co,      m->legal_basis};
    size_t need = 128;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        need += cell_bound(texts[i]);
    if ((w->e = gr_buf_reserve(w->b, need)))
        return 1;
    struct gr_buf *b = w->b;
    put_text(b, m->code, true);
    put_text(b, m->name, false);
    put_text(b, m->category, false);
    put_text(b, m->power_type, false);
    put_text(b, gr_list_kind_name(m->list_kind), false);
    put_text(b, gr_governance_name(m->governance), false);
    put_text(b, gr_level_name(m->owner_level), false);
    put_text(b, m->owner_dept, false);
    put_text(b, co, false);
    put_text(b, m->legal_basis, false);
    put_int(b, m->respond_limit);
    put_text(b, gr_time_unit_name(m->respond_unit), false);
    put_int(b, m->resolve_limit);
    put_text(b, gr_time_unit_name(m->resolve_unit), false);
    put_text(b, m->urgent ? "1" : "0", false);
    gr_buf_addc(b, '\n');
    snprintf(w->last, sizeof(w->last), "%s", m->code);
    w->n++;
    return 0;
}

enum gr_err gr_matters_csv_write(struct gr_store *st, int version, struct gr_buf *b, size_t *n_rows)
{
    struct write_ctx w = {.b = b};
    for (int i = 0; i < N_COLS; i++) {
        if (gr_buf_reserve(b, strlen(cols[i].name) + 2))
            return GR_ETOOBIG;
        put_text(b, cols[i].name, i == 0);
    }
    gr_buf_addc(b, '\n');
    bool more = true;
    enum gr_err e = GR_OK;
    while (!e && more) {
        e = gr_store_matters(st, version, w.n ? w.last : NULL, PAGE, write_row, &w, &more);
        if (!e)
            e = w.e;
    }
    *n_rows = w.n;
    return e;
}

/* ---- loading ---- */

struct seen {
    const char *code;
    size_t line;
};

struct loader {
    struct gr_store *st;
    int version;
    gr_csv_bad_fn bad;
    void *ctx;
    size_t n_bad, n_rows;
    struct gr_csv c;
    size_t pos[N_COLS];    /* the column of each field in the file (1-based), 0 when absent */
    struct gr_arena arena; /* the rows' texts, NUL-terminated */
    struct seen *seen;     /* the codes of the file so far: open addressing */
    size_t seen_cap;       /* a power of two, at least twice the rows the file can hold */
};

static void report(struct loader *L, size_t line, size_t col, const char *column, const char *why)
{
    L->n_bad++;
    L->bad(L->ctx, line, col, column, why);
}

/* A fault of field c on the current row; false, for chaining. */
static bool fault(struct loader *L, enum col c, const char *why)
{
    report(L, L->c.line, L->pos[c], cols[c].name, why);
    return false;
}

/* The same for a field named by core or the store. */
static void fault_named(struct loader *L, const char *field, const char *why)
{
    for (int c = 0; c < N_COLS; c++)
        if (field && strcmp(cols[c].name, field) == 0) {
            fault(L, (enum col)c, why);
            return;
        }
    report(L, L->c.line, 0, field, why);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The line of an earlier row with this code, or 0 after noting it for this line. */
static size_t seen_before(struct loader *L, const char *code, size_t line)
{
    size_t i = (size_t)hash(code) & (L->seen_cap - 1);
    while (L->seen[i].code) {
        if (strcmp(L->seen[i].code, code) == 0)
            return L->seen[i].line;
        i = (i + 1) & (L->seen_cap - 1);
    }
    L->seen[i] = (struct seen){code, line};
    return 0;
}

/* A cell's text: valid UTF-8, present when required, within its length. */
static bool cell_ok(struct loader *L, enum col c, const struct gr_csv_field *f)
{
    char msg[64];
    if (!gr_utf8_valid(f->s, f->len))
        return fault(L, c, "is not valid UTF-8");
    if (f->len == 0 && cols[c].required)
        return fault(L, c, "is required");
    if (cols[c].max != ANY && gr_utf8_len(f->s, f->len) > cols[c].max) {
        snprintf(msg, sizeof(msg), "must be at most %zu characters", cols[c].max);
        return fault(L, c, msg);
    }
    return true;
}

static bool limit_ok(struct loader *L, enum col c, const char *s, int *out)
{
    int64_t v;
    if (!s || gr_parse_i64(s, strlen(s), &v) || v < 1 || v > LIMIT_MAX)
        return fault(L, c, "must be a whole number from 1 to 10000");
    *out = (int)v;
    return true;
}

/* Split s (the arena's copy) at '|' into m's co-handling departments. */
static bool co_depts_ok(struct loader *L, char *s, struct gr_matter *m)
{
    if (!s)
        return true;
    for (char *p = s;;) {
        char *bar = strchr(p, '|');
        if (bar)
            *bar = '\0';
        if (!*p)
            return fault(L, C_CO_DEPTS,
                         "names a department without a name ('|' at an end, or "
                         "two together)");
        if (m->n_co == GR_MATTER_MAX_CO)
            return fault(L, C_CO_DEPTS, "names at most 4 departments");
        if (gr_utf8_len(p, strlen(p)) > DEPT_MAX)
            return fault(L, C_CO_DEPTS, "names departments of at most 64 characters each");
        m->co_depts[m->n_co++] = p;
        if (!bar)
            return true;
        p = bar + 1;
    }
}

/* The matter of the current row, its faults reported; false when it has any. */
static bool row_matter(struct loader *L, struct gr_matter *m)
{
    char *v[N_COLS] = {NULL};
    bool ok = true;
    for (int c = 0; c < N_COLS; c++) {
        if (!L->pos[c])
            continue;
        const struct gr_csv_field *f = &L->c.f[L->pos[c] - 1];
        if (!cell_ok(L, (enum col)c, f))
            ok = false;
        else if (f->len)
            v[c] = gr_arena_strndup(&L->arena, f->s, f->len);
    }
    if (v[C_CODE]) {
        size_t first = seen_before(L, v[C_CODE], L->c.line);
        if (first) {
            char msg[64];
            snprintf(msg, sizeof(msg), "repeats the code of line %zu", first);
            ok = fault(L, C_CODE, msg);
        }
    }
    memset(m, 0, sizeof(*m));
    m->code = v[C_CODE];
    m->name = v[C_NAME];
    m->category = v[C_CATEGORY];
    m->power_type = v[C_POWER_TYPE];
    m->owner_dept = v[C_OWNER_DEPT];
    m->legal_basis = v[C_LEGAL_BASIS];
    if (v[C_LIST_KIND] && !(m->list_kind = gr_list_kind_parse(v[C_LIST_KIND])))
        ok = fault(L, C_LIST_KIND, "must be basic, cooperative or returned");
    if (v[C_GOVERNANCE] && !(m->governance = gr_governance_parse(v[C_GOVERNANCE])))
        ok = fault(L, C_GOVERNANCE, "must be government, co_governance or self_governance");
    if (v[C_OWNER_LEVEL]) {
        m->owner_level = gr_level_parse(v[C_OWNER_LEVEL], strlen(v[C_OWNER_LEVEL]));
        if (m->owner_level < GR_LEVEL_DISTRICT)
            ok = fault(L, C_OWNER_LEVEL, "must be district, street, community or grid, or empty");
    }
    if (!co_depts_ok(L, v[C_CO_DEPTS], m))
        ok = false;
    if (v[C_RESPOND_LIMIT] && !limit_ok(L, C_RESPOND_LIMIT, v[C_RESPOND_LIMIT], &m->respond_limit))
        ok = false;
    if (v[C_RESOLVE_LIMIT] && !limit_ok(L, C_RESOLVE_LIMIT, v[C_RESOLVE_LIMIT], &m->resolve_limit))
        ok = false;
    if (v[C_RESPOND_UNIT] && !(m->respond_unit = gr_time_unit_parse(v[C_RESPOND_UNIT])))
        ok = fault(L, C_RESPOND_UNIT, "must be hours or days");
    if (v[C_RESOLVE_UNIT] && !(m->resolve_unit = gr_time_unit_parse(v[C_RESOLVE_UNIT])))
        ok = fault(L, C_RESOLVE_UNIT, "must be hours or days");
    if (v[C_URGENT]) {
        m->urgent = strcmp(v[C_URGENT], "1") == 0;
        if (!m->urgent && strcmp(v[C_URGENT], "0") != 0)
            ok = fault(L, C_URGENT, "must be 0 or 1");
    }
    const char *field, *why;
    if (ok && gr_matter_check(m, &field, &why)) {
        fault_named(L, field, why);
        ok = false;
    }
    return ok;
}

static enum gr_err load_row(struct loader *L)
{
    struct gr_matter m;
    if (!row_matter(L, &m))
        return GR_OK;
    const char *field = NULL;
    enum gr_err e = gr_store_matter_put(L->st, L->version, &m, &field);
    if (e == GR_ENOTFOUND && field) {
        fault_named(L, field,
                    strcmp(field, "category") == 0
                        ? "is not a known category (a minor class of GET /api/v1/categories)"
                        : "is not a known power type (GET /api/v1/power-types)");
        return GR_OK;
    }
    if (e == GR_EINVAL) { /* the store's bound on the departments joined */
        fault(L, C_CO_DEPTS, "names departments too long together");
        return GR_OK;
    }
    if (!e)
        L->n_rows++;
    return e;
}

static bool read_header(struct loader *L)
{
    enum gr_err e = gr_csv_next(&L->c);
    if (e) {
        report(L, 1, 0, NULL,
               e == GR_ENOTFOUND ? "the file is empty: a header row is needed" : L->c.error);
        return false;
    }
    for (size_t i = 0; i < L->c.n; i++) {
        const struct gr_csv_field *f = &L->c.f[i];
        int c = 0;
        while (c < N_COLS &&
               !(strlen(cols[c].name) == f->len && memcmp(cols[c].name, f->s, f->len) == 0))
            c++;
        if (c == N_COLS || L->pos[c]) {
            char msg[160];
            snprintf(msg, sizeof(msg), "%s column \"%.*s\"", c < N_COLS ? "repeated" : "unknown",
                     f->len > 64 ? 64 : (int)f->len, f->s);
            report(L, 1, i + 1, NULL, msg);
            continue;
        }
        L->pos[c] = i + 1;
    }
    for (int c = 0; c < N_COLS; c++)
        if (cols[c].required && !L->pos[c])
            report(L, 1, 0, cols[c].name, "the column is missing");
    return L->n_bad == 0;
}

struct codes {
    struct gr_arena *arena;
    const char *code[PAGE];
    size_t n;
};

static int collect_code(void *ctx, const struct gr_matter *m)
{
    struct codes *cs = ctx;
    cs->code[cs->n++] = gr_arena_strndup(cs->arena, m->code, strlen(m->code));
    return 0;
}

/* Take every matter out of the draft. */
static enum gr_err clear_draft(struct loader *L)
{
    struct codes cs = {.arena = &L->arena};
    bool more;
    enum gr_err e;
    do {
        cs.n = 0;
        e = gr_store_matters(L->st, L->version, NULL, PAGE, collect_code, &cs, &more);
        for (size_t i = 0; !e && i < cs.n; i++)
            e = gr_store_matter_delete(L->st, L->version, cs.code[i]);
    } while (!e && cs.n);
    return e;
}

enum gr_err gr_matters_csv_load(struct gr_store *st, int version, const char *data, size_t len,
                                gr_csv_bad_fn bad, void *ctx, size_t *n_rows)
{
    *n_rows = 0;
    bool draft;
    enum gr_err e = gr_matters_csv_status(st, version, &draft);
    if (e || !draft)
        return e ? e : GR_ECONFLICT;
    struct loader L = {.st = st, .version = version, .bad = bad, .ctx = ctx};
    gr_arena_init(&L.arena);
    gr_csv_init(&L.c, data, len);
    /* Every row ends a line: twice the lines bounds the codes. */
    size_t lines = 1;
    for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + len - p))) != NULL; p++)
        lines++;
    L.seen_cap = 16;
    while (L.seen_cap < gr_mul(lines, 2))
        L.seen_cap *= 2;
    L.seen = gr_calloc(L.seen_cap, sizeof(L.seen[0]));
    if ((e = clear_draft(&L)) || !read_header(&L))
        goto out;
    size_t n_cols = L.c.n;
    enum gr_err ce;
    while (!e && (ce = gr_csv_next(&L.c)) != GR_ENOTFOUND) {
        if (ce) {
            report(&L, L.c.line, 0, NULL, L.c.error);
            break; /* the rest of the file cannot be framed */
        }
        if (L.c.n == 1 && L.c.f[0].len == 0)
            continue; /* a blank line */
        if (L.c.n != n_cols) {
            char msg[96];
            snprintf(msg, sizeof(msg), "has %zu fields; the header has %zu", L.c.n, n_cols);
            report(&L, L.c.line, 0, NULL, msg);
            continue;
        }
        e = load_row(&L);
    }
out:
    *n_rows = L.n_rows;
    free(L.seen);
    gr_csv_cleanup(&L.c);
    gr_arena_cleanup(&L.arena);
    if (e)
        return e;
    return L.n_bad ? GR_EINVAL : GR_OK;
}

/* ---- the routes ---- */

#define CSV_MAX ((size_t)32 << 20) /* bytes of a list sent */

void gr_h_matters_csv_get(struct gr_req *r)
{
    int v;
    bool draft;
    if (!gr_api_list_editor(r) || !gr_api_version_param(r, &v))
        return;
    enum gr_err e = gr_matters_csv_status(r->st, v, &draft);
    if (e) {
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such version" : NULL);
        return;
    }
    struct gr_buf b;
    gr_buf_init(&b, CSV_MAX);
    size_t n;
    e = gr_matters_csv_write(r->st, v, &b, &n);
    if (e) {
        gr_buf_cleanup(&b);
        gr_reply_error(r, e == GR_ETOOBIG ? GR_EINTERNAL : e, NULL,
                       e == GR_ETOOBIG ? "the list is too big to send" : NULL);
        return;
    }
    size_t len;
    char *text = gr_buf_take(&b, &len);
    gr_reply_raw(r, 200, "text/csv; charset=utf-8", text, len);
}

/* The first problem, as the error body names it, and how many there were. */
struct first_bad {
    struct gr_arena *arena;
    size_t n;
    const char *field, *message;
};

static void put_bad(void *ctx, size_t line, size_t col, const char *column, const char *why)
{
    struct first_bad *fb = ctx;
    if (fb->n++)
        return;
    fb->field = col ? gr_arena_printf(fb->arena, "line %zu, column %zu", line, col)
                    : gr_arena_printf(fb->arena, "line %zu", line);
    fb->message = column ? gr_arena_printf(fb->arena, "%s: %s", column, why)
                         : gr_arena_printf(fb->arena, "%s", why);
}

void gr_h_matters_csv_put(struct gr_req *r)
{
    int v;
    if (!gr_api_list_editor(r) || !gr_api_version_param(r, &v))
        return;
    struct first_bad fb = {.arena = &r->arena};
    size_t n = 0;
    enum gr_err e = gr_store_begin(r->st);
    if (!e)
        e = gr_store_end(r->st, gr_matters_csv_load(r->st, v, r->body.data ? r->body.data : "",
                                                    r->body.len, put_bad, &fb, &n));
    if (e == GR_EINVAL && fb.n) {
        const char *msg = fb.n == 1 ? fb.message
                                    : gr_arena_printf(&r->arena, "%s (and %zu more problems)",
                                                      fb.message, fb.n - 1);
        gr_reply_error(r, GR_EINVAL, fb.field, msg);
    } else if (e == GR_ECONFLICT) {
        gr_reply_error(r, e, NULL, "a published version cannot change; start a new draft");
    } else if (e) {
        gr_reply_error(r, e, NULL, e == GR_ENOTFOUND ? "no such version" : NULL);
    } else {
        gr_reply_json(r, 200,
                      json_pack("{s:i, s:s, s:I}", "version", v, "status", "draft", "matters",
                                (json_int_t)n));
    }
}
