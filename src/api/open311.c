/*
 * open311.c - Open311 GeoReport v2 under /open311/v2, with mySociety's update feed
 * (servicerequestupdates): discovery, services and their definitions, requests (list, one,
 * create through the common intake), tokens.
 *
 * Each answer is built once as a jansson tree and written as JSON or XML by the path's
 * extension, after the spec's "Spark" convention: JSON drops the root element, and a list
 * is an array even of one; XML names each list's children in the singular. The public view
 * of a case never carries the requester's name, phone, email or exact address: the place
 * is the grid's name and the point is rounded to 3 decimals (about 100 m).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../base/log.h"
#include "../base/text.h"
#include "../core/calendar.h"
#include "api.h"
#include "case_ops.h"

#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"
#define XML_TYPE "text/xml; charset=utf-8"
#define DEFAULT_JURISDICTION "nanchang.gov.cn"
/* The city's time: China Standard Time, without daylight saving. */
#define TZ_OFFSET (8 * 3600)
#define TZ_SUFFIX "+08:00"
#define MAX_RESULTS 1000
#define WINDOW_MAX (90 * 86400)
#define DESC_MAX 4000
#define ADDRESS_MAX 200
#define PERSON_NAME_MAX 50
#define PHONE_MAX 32
#define EMAIL_MAX 254
#define MAX_CODES 20
#define MAX_FORM_FIELDS 64
#define REPLY_MAX (64u << 20)
#define PAGE 500
#define TOKEN_MAX 64
#define URGENT_MARK "【紧急】"

enum fmt { FMT_NONE = 0, FMT_XML, FMT_JSON };

/* ---- the two formats ---- */

/* "name.ext" to the name (in the arena) and the format; FMT_NONE for any other ending. */
static enum fmt split_format(struct gr_req *r, const char *param, const char **name)
{
    const char *dot = strrchr(param, '.');
    *name = param;
    if (!dot)
        return FMT_NONE;
    *name = gr_arena_strndup(&r->arena, param, (size_t)(dot - param));
    if (strcmp(dot, ".xml") == 0)
        return FMT_XML;
    if (strcmp(dot, ".json") == 0)
        return FMT_JSON;
    return FMT_NONE;
}

/* An XML document being written: a bounded buffer that remembers any failed append. */
struct xw {
    struct gr_buf b;
    bool fail;
};

static void xw_put(struct xw *w, const char *s, size_t n)
{
    if (!w->fail && gr_buf_add(&w->b, s, n) != GR_OK)
        w->fail = true;
}

static void xw_puts(struct xw *w, const char *s)
{
    xw_put(w, s, strlen(s));
}

/* Text content: the five special characters as entities; characters XML 1.0 forbids (C0
 * controls but tab, newline and return; DEL; U+FFFE and U+FFFF) are dropped. */
static void xw_text(struct xw *w, const char *s)
{
    const unsigned char *p = (const unsigned char *)s, *run = p;
    for (; *p; p++) {
        const char *ent = NULL;
        size_t skip = 0;
        switch (*p) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&apos;"; break;
        default:
            if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
                skip = 1;
            else if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
                skip = 3;
        }
        if (!ent && !skip)
            continue;
        xw_put(w, (const char *)run, (size_t)(p - run));
        if (ent)
            xw_puts(w, ent);
        p += skip ? skip - 1 : 0;
        run = p + 1;
    }
    xw_put(w, (const char *)run, (size_t)(p - run));
}

/* The child element name of a list: "services" holds "service" elements. */
static const char *singular(const char *plural)
{
    static const char *const names[][2] = {
        {"services", "service"}, {"attributes", "attribute"},
        {"values", "value"},     {"endpoints", "endpoint"},
        {"formats", "format"},   {"service_requests", "request"},
        {"errors", "error"},     {"service_request_updates", "request_update"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(plural, names[i][0]) == 0)
            return names[i][1];
    return "item";
}

/* One element: an object's members and a list's items become child elements, null an empty
 * element, true and false their words. Names come from this file only. */
static void xw_node(struct xw *w, const char *name, json_t *v)
{
    char num[40];
    if (json_is_null(v)) {
        xw_puts(w, "<");
        xw_puts(w, name);
        xw_puts(w, "/>");
        return;
    }
    xw_puts(w, "<");
    xw_puts(w, name);
    xw_puts(w, ">");
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child)
        {
            xw_node(w, key, child);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *child;
        const char *item = singular(name);
        json_array_foreach(v, i, child)
        {
            xw_node(w, item, child);
        }
        break;
    }
    case JSON_STRING: xw_text(w, json_string_value(v)); break;
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        xw_puts(w, num);
        break;
    case JSON_REAL:
        gr_fmt_double(json_real_value(v), num, sizeof(num));
        xw_puts(w, num);
        break;
    case JSON_TRUE: xw_puts(w, "true"); break;
    case JSON_FALSE: xw_puts(w, "false"); break;
    case JSON_NULL: break;
    }
    xw_puts(w, "</");
    xw_puts(w, name);
    xw_puts(w, ">");
}

static void fail(struct gr_req *r, enum fmt fmt, int status, const char *desc);

/* Reply with body (taken): as it is in JSON, under the root element in XML. */
static void reply(struct gr_req *r, enum fmt fmt, int status, const char *root, json_t *body)
{
    if (!body) {
        fail(r, fmt, 500, "the answer could not be built");
        return;
    }
    if (fmt == FMT_JSON) {
        gr_reply_json(r, status, body);
        return;
    }
    struct xw w = {.fail = false};
    gr_buf_init(&w.b, REPLY_MAX);
    xw_puts(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xw_node(&w, root, body);
    xw_puts(&w, "\n");
    json_decref(body);
    if (w.fail) {
        gr_buf_cleanup(&w.b);
        fail(r, fmt, 500, "the answer is too big");
        return;
    }
    size_t len;
    char *s = gr_buf_take(&w.b, &len);
    gr_reply_raw(r, status, XML_TYPE, s, len);
}

/* The Open311 error body: [{"code", "description"}], <errors><error>… in XML. The code is
 * the HTTP status. */
static void fail(struct gr_req *r, enum fmt fmt, int status, const char *desc)
{
    json_t *e = json_object();
    json_object_set_new(e, "code", json_integer(status));
    json_t *d = json_string(desc);
    json_object_set_new(e, "description", d ? d : json_string("error"));
    json_t *list = json_array();
    json_array_append_new(list, e);
    if (status >= 500)
        gr_log(GR_LOG_ERROR, "open311 %s: %s: %s", r->url, desc,
               r->st ? gr_store_errmsg(r->st) : "");
    reply(r, fmt == FMT_JSON ? FMT_JSON : FMT_XML, status, "errors", list);
}

static void failf(struct gr_req *r, enum fmt fmt, int status, const char *f, ...)
    __attribute__((format(printf, 4, 5)));

static void failf(struct gr_req *r, enum fmt fmt, int status, const char *f, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, f);
    vsnprintf(msg, sizeof(msg), f, ap);
    va_end(ap);
    /* A precision cut ("%.64s") or the buffer's end may split a character: drop the rest. */
    size_t n = strlen(msg);
    while (n && !gr_utf8_valid(msg, n))
        msg[--n] = '\0';
    fail(r, fmt, status, msg);
}

/* A failure of the store or of core, by its code. */
static void fail_err(struct gr_req *r, enum fmt fmt, enum gr_err e)
{
    fail(r, fmt, gr_err_status(e),
         e == GR_EDB ? "the store failed; nothing was changed" : gr_strerror(e));
}

/* ---- times ---- */

/* Unix seconds as W3C-DTF in the city's time: "2026-11-26T15:04:05+08:00". */
static void w3c(int64_t t, char out[32])
{
    time_t tt = (time_t)(t + TZ_OFFSET);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S" TZ_SUFFIX, &tm);
}

static json_t *w3c_json(int64_t t)
{
    if (!t)
        return json_null();
    char s[32];
    w3c(t, s);
    return json_string(s);
}

/* W3C-DTF with seconds and a time zone: YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm). A '+'
 * written unescaped in a query string arrives as a space, which is read as '+'. */
static bool parse_w3c(const char *s, int64_t *out)
{
    return gr_time_parse(s, GR_TIME_OFFSET | GR_TIME_FRACTION | GR_TIME_SPACE_PLUS, 0, out);
}

/* ---- the request's context ---- */

/* A query parameter; an empty value counts as absent (as the spec says). */
static const char *arg(struct gr_req *r, const char *name)
{
    const char *v = gr_req_query(r, name);
    return v && *v ? v : NULL;
}

/* The Host header when it looks like a host name (and port), else "localhost". */
static const char *host(struct gr_req *r)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]";
    const char *h = gr_req_header(r, "Host");
    if (!h || !*h || strlen(h) > 255 || strspn(h, ok) != strlen(h))
        return "localhost";
    return h;
}

/* A jurisdiction_id other than ours answers 404; none at all is fine (we serve one). */
static bool jurisdiction_ok(struct gr_req *r, enum fmt fmt, const char *given)
{
    if (!given || !*given)
        return true;
    char *mine = NULL;
    enum gr_err e = gr_store_setting_get(r->st, "open311_jurisdiction", &mine);
    if (e && e != GR_ENOTFOUND) {
        free(mine);
        fail_err(r, fmt, e);
        return false;
    }
    bool ok = strcmp(given, mine && *mine ? mine : DEFAULT_JURISDICTION) == 0;
    free(mine);
    if (!ok)
        failf(r, fmt, 404, "jurisdiction_id %.200s is not served here", given);
    return ok;
}

/* ---- discovery ---- */

struct changeset {
    int version;
    int64_t at;
};

static int changeset_cb(void *ctx, const struct gr_matter_list *l)
{
    struct changeset *c = ctx;
    if (l->version == c->version)
        c->at = l->published_at > l->effective_at ? l->published_at : l->effective_at;
    return 0;
}

static void discovery(struct gr_req *r, enum fmt fmt)
{
    /* The services change when a list is published: its moment is the changeset. */
    struct changeset cs = {0, 0};
    enum gr_err e = gr_store_matter_current(r->st, (int64_t)time(NULL), &cs.version);
    if (e == GR_OK)
        e = gr_store_matter_lists(r->st, changeset_cb, &cs);
    if (e && e != GR_ENOTFOUND) {
        fail_err(r, fmt, e);
        return;
    }
    char when[32];
    w3c(cs.at, when);
    char *url = gr_arena_printf(&r->arena, "http://%s/open311/v2", host(r));
    json_t *ep = json_pack("{s:s, s:s, s:s, s:s, s:[s, s]}", "specification", SPEC_URL, "url", url,
                           "changeset", when, "type", "production", "formats", "text/xml",
                           "application/json");
    json_t *d = json_pack(
        "{s:s, s:s, s:s, s:[o]}", "changeset", when, "contact",
        "The city's grassroots governance platform: ask its administrators.", "key_service",
        "API keys are issued by the platform's administrators (the command "
        "`grassroots apikey --name CLIENT`); POST requests need one, reading does not.",
        "endpoints", ep);
    reply(r, fmt, 200, "discovery", d);
}

/* ---- services and their definition ---- */

/* Every service takes the same extra fields: where in a building, and how urgent. Both are
 * optional and end up where the people handling the case read them (see create()). */
struct attr_value {
    const char *key, *name;
};

struct attr_def {
    const char *code, *datatype;
    bool required;
    size_t max_len; /* string and text */
    const char *datatype_description, *description;
    const struct attr_value *values; /* lists: ended by {NULL, NULL} */
};

static const struct attr_value urgency_values[] = {
    {"normal", "一般 (normal)"},
    {"urgent", "紧急 (urgent: a danger to people or property now)"},
    {NULL, NULL},
};

static const struct attr_def attr_defs[] = {
    {"building_number", "string", false, 32,
     "The building's number as posted on it, e.g. 12 or 12-3; at most 32 characters.",
     "楼栋号 (building number), when the request concerns one building: added to the "
     "address the staff see, never published.",
     NULL},
    {"urgency", "singlevaluelist", false, 0, "One of the keys: normal or urgent.",
     "紧急程度 (urgency): urgent requests are marked 【紧急】 for the intake staff; the time "
     "limit is the service's.",
     urgency_values},
};
#define N_ATTRS (sizeof(attr_defs) / sizeof(attr_defs[0]))

static json_t *definition_json(const char *code)
{
    json_t *attrs = json_array();
    for (size_t i = 0; i < N_ATTRS; i++) {
        const struct attr_def *a = &attr_defs[i];
        json_t *o = json_pack("{s:b, s:s, s:s, s:b, s:s, s:I, s:s}", "variable", 1, "code", a->code,
                              "datatype", a->datatype, "required", a->required,
                              "datatype_description", a->datatype_description, "order",
                              (json_int_t)(i + 1), "description", a->description);
        if (a->values) {
            json_t *vs = json_array();
            for (const struct attr_value *v = a->values; v->key; v++)
                json_array_append_new(vs, json_pack("{s:s, s:s}", "key", v->key, "name", v->name));
            json_object_set_new(o, "values", vs);
        }
        json_array_append_new(attrs, o);
    }
    return json_pack("{s:s, s:o}", "service_code", code, "attributes", attrs);
}

/* The categories, for a service's group (its major class) and keywords (its minor one). */
struct cat {
    char *code, *parent, *name;
};

struct cats {
    struct gr_arena *a;
    struct cat *v;
    size_t n, cap;
};

static char *dup_or_null(struct gr_arena *a, const char *s)
{
    return s ? gr_arena_strndup(a, s, strlen(s)) : NULL;
}

static int cat_cb(void *ctx, const struct gr_category_row *c)
{
    struct cats *cs = ctx;
    if (cs->n == cs->cap) {
        cs->cap = cs->cap ? cs->cap * 2 : 64;
        cs->v = gr_realloc(cs->v, gr_mul(cs->cap, sizeof(*cs->v)));
    }
    cs->v[cs->n++] = (struct cat){dup_or_null(cs->a, c->code), dup_or_null(cs->a, c->parent),
                                  dup_or_null(cs->a, c->name)};
    return 0;
}

static const struct cat *cat_find(const struct cats *cs, const char *code)
{
    for (size_t i = 0; code && i < cs->n; i++)
        if (strcmp(cs->v[i].code, code) == 0)
            return &cs->v[i];
    return NULL;
}

struct services {
    struct gr_req *r;
    const struct cats *cats;
    json_t *list;
    char *last; /* the code of the last matter seen, for the next page */
};

static int service_cb(void *ctx, const struct gr_matter *m)
{
    struct services *s = ctx;
    struct gr_arena *a = &s->r->arena;
    const struct cat *minor = cat_find(s->cats, m->category);
    const struct cat *major = minor ? cat_find(s->cats, minor->parent) : NULL;
    const char *desc = m->legal_basis && *m->legal_basis
                           ? gr_arena_printf(a, "%s. Legal basis: %s", m->name, m->legal_basis)
                           : m->name;
    const char *kw[] = {minor ? minor->name : NULL, m->power_type, gr_list_kind_name(m->list_kind),
                        gr_governance_name(m->governance), m->urgent ? "urgent" : NULL};
    char *keywords = gr_arena_printf(a, "%s", "");
    for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
        if (kw[i])
            keywords = gr_arena_printf(a, "%s%s%s", keywords, *keywords ? ", " : "", kw[i]);
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:o}", "service_code", m->code, "service_name",
                  m->name, "description", desc, "metadata", 1, "type", "realtime", "keywords",
                  keywords, "group", major ? json_string(major->name) : json_null());
    if (o)
        json_array_append_new(s->list, o);
    s->last = gr_arena_strndup(a, m->code, strlen(m->code));
    return 0;
}

static void services(struct gr_req *r, enum fmt fmt)
{
    struct cats cs = {&r->arena, NULL, 0, 0};
    struct services s = {r, &cs, json_array(), NULL};
    int version;
    enum gr_err e = gr_store_matter_current(r->st, (int64_t)time(NULL), &version);
    if (e == GR_ENOTFOUND) {
        /* No list is in effect: no services yet. */
        reply(r, fmt, 200, "services", s.list);
        return;
    }
    if (!e)
        e = gr_store_categories(r->st, cat_cb, &cs);
    bool more = true;
    while (!e && more)
        e = gr_store_matters(r->st, version, s.last, PAGE, service_cb, &s, &more);
    free(cs.v);
    if (e) {
        json_decref(s.list);
        fail_err(r, fmt, e);
        return;
    }
    reply(r, fmt, 200, "services", s.list);
}

/* The matter a service code names in the list in effect now: false after replying 404
 * (no such service) or the store's failure. */
static bool service_get(struct gr_req *r, enum fmt fmt, const char *code, struct gr_matter *m)
{
    int version;
    struct gr_case_fail f = {GR_OK, NULL, NULL};
    enum gr_err e = gr_case_matter(r->st, code, (int64_t)time(NULL), &version, m, &f);
    /* Not in the list in effect (GR_EINVAL), or no list in effect at all (GR_ENOTFOUND). */
    if (e == GR_ENOTFOUND || (e == GR_EINVAL && f.field)) {
        failf(r, fmt, 404, "service_code %.64s is not a service here", code);
        return false;
    }
    if (e) {
        fail_err(r, fmt, e);
        return false;
    }
    return true;
}

static void definition(struct gr_req *r, enum fmt fmt, const char *code)
{
    struct gr_matter m;
    if (service_get(r, fmt, code, &m))
        reply(r, fmt, 200, "service_definition", definition_json(code));
}

/* ---- the form of POST requests ---- */

struct form_field {
    char *key, *value;
};

struct form {
    struct form_field f[MAX_FORM_FIELDS];
    size_t n;
};

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) into the arena, '+' as a space; false on a broken escape or text
 * that is not UTF-8 (a NUL included). */
static bool form_decode(struct gr_arena *a, const char *s, size_t n, char **out)
{
    char *d = gr_arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            d[k++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= n)
                return false;
            int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            d[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            d[k++] = s[i];
        }
    }
    d[k] = '\0';
    *out = d;
    return gr_utf8_valid(d, k);
}

/* Parse the body as application/x-www-form-urlencoded. Returns a message on failure. */
static const char *form_parse(struct gr_req *r, struct form *f)
{
    const char *type = gr_req_header(r, "Content-Type");
    if (type && strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
        return "the body must be application/x-www-form-urlencoded";
    f->n = 0;
    const char *s = r->body.data ? r->body.data : "";
    size_t n = r->body.len;
    if (memchr(s, '\0', n))
        return "the body is not valid form encoding";
    for (size_t at = 0; at < n;) {
        const char *amp = memchr(s + at, '&', n - at);
        size_t end = amp ? (size_t)(amp - s) : n;
        if (end > at) {
            if (f->n == MAX_FORM_FIELDS)
                return "the body has too many fields";
            const char *eq = memchr(s + at, '=', end - at);
            size_t klen = eq ? (size_t)(eq - (s + at)) : end - at;
            struct form_field *ff = &f->f[f->n++];
            if (!form_decode(&r->arena, s + at, klen, &ff->key) ||
                !form_decode(&r->arena, eq ? eq + 1 : "", eq ? end - at - klen - 1 : 0, &ff->value))
                return "the body is not valid form encoding in UTF-8";
        }
        at = end + 1;
    }
    return NULL;
}

/* A field's value: the last one given wins; an empty value counts as absent. */
static const char *form_get(const struct form *f, const char *key)
{
    for (size_t i = f->n; i-- > 0;)
        if (strcmp(f->f[i].key, key) == 0)
            return *f->f[i].value ? f->f[i].value : NULL;
    return NULL;
}

/* Characters of s (valid UTF-8). */
static size_t chars(const char *s)
{
    return gr_utf8_len(s, strlen(s));
}

/* Control characters other than (with lines) tab, newline and carriage return. */
static bool has_controls(const char *s, bool lines)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 || *p == 0x7f) && !(lines && (*p == '\t' || *p == '\n' || *p == '\r')))
            return true;
    return false;
}

static const struct attr_def *attr_find(const char *code, size_t *idx)
{
    for (size_t i = 0; i < N_ATTRS; i++)
        if (strcmp(attr_defs[i].code, code) == 0) {
            *idx = i;
            return &attr_defs[i];
        }
    return NULL;
}

static bool attr_in_list(const struct attr_def *a, const char *v)
{
    for (const struct attr_value *x = a->values; x && x->key; x++)
        if (strcmp(x->key, v) == 0)
            return true;
    return false;
}

/* Check the attribute[CODE] (and attribute[CODE][] for lists of several) fields against the
 * service definition; value[i] is the value of attr_defs[i] (NULL when not given; the table
 * has no multivaluelist yet, which would need a list here). Replies 400 naming the field at
 * fault. */
static bool check_attributes(struct gr_req *r, enum fmt fmt, const struct form *f,
                             const char *service, const char *value[N_ATTRS])
{
    for (size_t i = 0; i < N_ATTRS; i++)
        value[i] = NULL;
    for (size_t i = 0; i < f->n; i++) {
        const char *key = f->f[i].key, *v = f->f[i].value;
        if (strncmp(key, "attribute[", 10) != 0)
            continue;
        const char *close = strchr(key + 10, ']');
        if (!close || close == key + 10 || (close[1] && strcmp(close + 1, "[]") != 0)) {
            failf(r, fmt, 400, "%.80s is not a field: attributes are attribute[CODE]", key);
            return false;
        }
        char *code = gr_arena_strndup(&r->arena, key + 10, (size_t)(close - key - 10));
        size_t idx;
        const struct attr_def *a = attr_find(code, &idx);
        if (!a) {
            failf(r, fmt, 400, "attribute[%.64s] is not an attribute of service %.64s", code,
                  service);
            return false;
        }
        bool list = strcmp(a->datatype, "multivaluelist") == 0;
        if (close[1] && !list) {
            failf(r, fmt, 400, "attribute[%s] takes one value", a->code);
            return false;
        }
        if (!*v)
            continue; /* an empty value counts as absent */
        bool ok = true;
        double d;
        int64_t t;
        if (strcmp(a->datatype, "string") == 0)
            ok = chars(v) <= a->max_len && !has_controls(v, false);
        else if (strcmp(a->datatype, "text") == 0)
            ok = chars(v) <= a->max_len && !has_controls(v, true);
        else if (strcmp(a->datatype, "number") == 0)
            ok = gr_parse_f64(v, strlen(v), &d) == GR_OK;
        else if (strcmp(a->datatype, "datetime") == 0)
            ok = parse_w3c(v, &t);
        else
            ok = attr_in_list(a, v);
        if (!ok && a->values) {
            failf(r, fmt, 400, "attribute[%s]: %.64s is not one of its values", a->code, v);
            return false;
        }
        if (!ok) {
            failf(r, fmt, 400, "attribute[%s] is invalid: %s", a->code, a->datatype_description);
            return false;
        }
        value[idx] = v;
    }
    for (size_t i = 0; i < N_ATTRS; i++)
        if (attr_defs[i].required && !value[i]) {
            failf(r, fmt, 400, "attribute[%s] is required", attr_defs[i].code);
            return false;
        }
    return true;
}

/* The point of the request: lat and long inside a grid of the city. Replies 400 otherwise. */
static bool location(struct gr_req *r, enum fmt fmt, const struct form *f, struct gr_intake *in)
{
    const char *lat = form_get(f, "lat"), *lon = form_get(f, "long");
    if (!lat && !lon) {
        if (form_get(f, "address_string") || form_get(f, "address_id"))
            fail(r, fmt, 400,
                 "lat and long are required: an address alone cannot be placed in a grid here, "
                 "so give the point too (address_string is kept for the staff)");
        else
            fail(r, fmt, 400, "lat and long are required");
        return false;
    }
    if (!lat || !lon) {
        fail(r, fmt, 400, "lat and long go together: give both");
        return false;
    }
    if (gr_parse_f64(lat, strlen(lat), &in->lat) != GR_OK || in->lat < -90 || in->lat > 90 ||
        gr_parse_f64(lon, strlen(lon), &in->lon) != GR_OK || in->lon < -180 || in->lon > 180) {
        fail(r, fmt, 400, "lat and long must be WGS84 decimal degrees");
        return false;
    }
    if (!gr_api_locate(r, in->lat, in->lon, &in->anc)) {
        fail(r, fmt, 400, "the location is outside the city");
        return false;
    }
    in->has_point = true;
    return true;
}

/* The person's contact fields (all optional). Replies 400 naming a bad one. */
static bool contact(struct gr_req *r, enum fmt fmt, const struct form *f, struct gr_intake *in)
{
    const char *first = form_get(f, "first_name"), *last = form_get(f, "last_name");
    const char *phone = form_get(f, "phone"), *email = form_get(f, "email");
    const char *names[] = {"first_name", "last_name"};
    const char *vals[] = {first, last};
    for (int i = 0; i < 2; i++)
        if (vals[i] && (chars(vals[i]) > PERSON_NAME_MAX || has_controls(vals[i], false))) {
            failf(r, fmt, 400, "%s must be one line of at most %d characters", names[i],
                  PERSON_NAME_MAX);
            return false;
        }
    if (phone && (strlen(phone) > PHONE_MAX || strspn(phone, "0123456789+-() ") != strlen(phone))) {
        failf(r, fmt, 400, "phone must be at most %d digits, spaces and + - ( )", PHONE_MAX);
        return false;
    }
    if (email && (strlen(email) > EMAIL_MAX || !strchr(email, '@') || strpbrk(email, " <>") ||
                  has_controls(email, false))) {
        fail(r, fmt, 400, "email is not an email address");
        return false;
    }
    if (first && last)
        in->requester_name = gr_arena_printf(&r->arena, "%s %s", first, last);
    else
        in->requester_name = first ? first : last;
    in->requester_phone = phone;
    in->requester_email = email;
    return true;
}

static enum gr_cstatus status_of(const char *s)
{
    return s ? gr_cstatus_parse(s) : GR_CS_NONE;
}

/* What the city expects to do: resolve an open case by its deadline. */
static json_t *notice_json(const struct gr_case *c)
{
    if (!gr_case_open(status_of(c->status)) || !c->resolve_due)
        return json_null();
    char due[32];
    w3c(c->resolve_due, due);
    return json_sprintf("To be resolved by %s (the service's time limit, in working time).", due);
}

/* The Open311 name of a field core names. */
static const char *field_name(const char *f)
{
    if (strcmp(f, "matter_code") == 0)
        return "service_code";
    if (strcmp(f, "lon") == 0)
        return "long";
    return f;
}

/* After intake, on the writer thread: the new request's id, or why there is none. */
static void created(struct gr_req *r, const struct gr_case *c, const struct gr_case_fail *f)
{
    const char *name;
    enum fmt fmt = split_format(r, r->params[0], &name);
    if (!c) {
        const char *why = f->why ? f->why : gr_strerror(f->err);
        if (f->field)
            failf(r, fmt, gr_err_status(f->err), "%s %s", field_name(f->field), why);
        else
            fail(r, fmt, gr_err_status(f->err), why);
        return;
    }
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)c->id);
    json_t *o = json_pack("{s:s, s:o, s:n}", "service_request_id", id, "service_notice",
                          notice_json(c), "account_id");
    reply(r, fmt, 200, "service_requests", json_pack("[o]", o));
}

static void create(struct gr_req *r, enum fmt fmt)
{
    static const char *const known[] = {"api_key",   "jurisdiction_id", "service_code", "lat",
                                        "long",      "address_string",  "address_id",   "email",
                                        "device_id", "account_id",      "first_name",   "last_name",
                                        "phone",     "description",     "media_url",    NULL};
    struct form *f = gr_arena_alloc(&r->arena, sizeof(*f));
    const char *bad = form_parse(r, f);
    if (bad) {
        fail(r, fmt, 400, bad);
        return;
    }
    for (size_t i = 0; i < f->n; i++)
        if (!gr_api_one_of(f->f[i].key, known) && strncmp(f->f[i].key, "attribute[", 10) != 0) {
            failf(r, fmt, 400, "%.64s is not a field of a service request", f->f[i].key);
            return;
        }
    const char *jur = form_get(f, "jurisdiction_id");
    if (!jurisdiction_ok(r, fmt, jur ? jur : arg(r, "jurisdiction_id")))
        return;
    const char *key = form_get(f, "api_key");
    if (!key || !*key) {
        fail(r, fmt, 403, "api_key is required"); /* the spec: missing or bad key, 403 */
        return;
    }
    char hash[65];
    int64_t key_id;
    gr_sha256_hex(key, strlen(key), hash);
    enum gr_err e = gr_store_api_key_get(r->st, hash, &key_id);
    if (e == GR_ENOTFOUND) {
        fail(r, fmt, 403, "the api_key is not valid");
        return;
    }
    if (e) {
        fail_err(r, fmt, e);
        return;
    }
    const char *code = form_get(f, "service_code");
    if (!code) {
        fail(r, fmt, 400, "service_code is required");
        return;
    }
    struct gr_matter m;
    if (!service_get(r, fmt, code, &m))
        return;
    struct gr_intake in;
    memset(&in, 0, sizeof(in));
    if (!location(r, fmt, f, &in))
        return;
    const char *desc = form_get(f, "description");
    if (!desc || strspn(desc, " \t\r\n") == strlen(desc)) {
        fail(r, fmt, 400, "description is required");
        return;
    }
    if (chars(desc) > DESC_MAX || has_controls(desc, true)) {
        failf(r, fmt, 400, "description must be at most %d characters, without control characters",
              DESC_MAX);
        return;
    }
    const char *address = form_get(f, "address_string");
    if (address && (chars(address) > ADDRESS_MAX || has_controls(address, false))) {
        failf(r, fmt, 400, "address_string must be one line of at most %d characters", ADDRESS_MAX);
        return;
    }
    const char *attr[N_ATTRS];
    if (!check_attributes(r, fmt, f, code, attr) || !contact(r, fmt, f, &in))
        return;
    /* building_number joins the address (private to the staff); urgency marks the
     * description. Only the description is ever public. */
    if (attr[0])
        address = address ? gr_arena_printf(&r->arena, "%s（%s号楼）", address, attr[0])
                          : gr_arena_printf(&r->arena, "%s号楼", attr[0]);
    if (attr[1] && strcmp(attr[1], "urgent") == 0) {
        if (chars(desc) + chars(URGENT_MARK) > DESC_MAX) {
            failf(r, fmt, 400, "description must be at most %zu characters when urgent",
                  DESC_MAX - chars(URGENT_MARK));
            return;
        }
        desc = gr_arena_printf(&r->arena, "%s%s", URGENT_MARK, desc);
    }
    /* media_url is accepted and not stored: we keep only photos uploaded to us. */
    in.channel = "open311";
    in.matter_code = code;
    in.description = desc;
    in.address = address;
    in.api_key_id = key_id;
    in.now = (int64_t)time(NULL);
    gr_api_intake(r, &in, created);
}

/* ---- the public view of a case ---- */

/* Matter names by (version, code), read once per answer. */
struct mname {
    int version;
    char *code, *name;
};

struct view {
    struct gr_req *r;
    const char *host;
    struct mname names[64];
    size_t n_names;
};

static enum gr_err matter_name(struct view *v, const struct gr_case *c, const char **out)
{
    for (size_t i = 0; i < v->n_names; i++)
        if (v->names[i].version == c->matter_version &&
            strcmp(v->names[i].code, c->matter_code) == 0) {
            *out = v->names[i].name;
            return GR_OK;
        }
    struct gr_matter m;
    enum gr_err e = gr_store_matter_get(v->r->st, c->matter_version, c->matter_code, &m);
    if (e == GR_ENOTFOUND) {
        *out = c->matter_code;
        return GR_OK;
    }
    if (e)
        return e;
    char *name = gr_arena_strndup(&v->r->arena, m.name, strlen(m.name));
    if (v->n_names < sizeof(v->names) / sizeof(v->names[0]))
        v->names[v->n_names++] = (struct mname){
            c->matter_version,
            gr_arena_strndup(&v->r->arena, c->matter_code, strlen(c->matter_code)), name};
    *out = name;
    return GR_OK;
}

/* The latest public note among a case's events. */
struct notes {
    struct gr_arena *a;
    char *last;
};

static int note_cb(void *ctx, const struct gr_case_event *e)
{
    struct notes *n = ctx;
    if (e->public && e->note && *e->note)
        n->last = gr_arena_strndup(n->a, e->note, strlen(e->note));
    return 0;
}

/* The first public photo of a case, or (event_id > 0) of one of its events. */
struct photo_pick {
    int64_t event_id, id;
};

static int photo_cb(void *ctx, const struct gr_photo *p)
{
    struct photo_pick *pp = ctx;
    if (!p->public || (pp->event_id && p->event_id != pp->event_id))
        return 0;
    pp->id = p->id;
    return 1;
}

static json_t *photo_url(struct view *v, int64_t id)
{
    if (!id)
        return json_string("");
    return json_sprintf("http://%s/api/v1/photos/%lld", v->host, (long long)id);
}

static json_t *id_json(int64_t id)
{
    return json_sprintf("%lld", (long long)id);
}

/* Three decimals: about 100 m, so that a point does not show a home. */
static json_t *rounded(double d)
{
    return json_real(round(d * 1000.0) / 1000.0);
}

/* A case as the public sees it (§1.9 of the reference, every field present). */
static enum gr_err request_json(struct view *v, const struct gr_case *c, json_t **out)
{
    struct gr_req *r = v->r;
    struct notes n = {&r->arena, NULL};
    struct photo_pick pp = {0, 0};
    const char *service;
    int count;
    enum gr_err e = gr_store_case_events(r->st, c->id, note_cb, &n);
    if (!e)
        e = gr_store_photos(r->st, c->id, photo_cb, &pp, &count);
    if (!e)
        e = matter_name(v, c, &service);
    if (e)
        return e;
    const char *notes = n.last ? n.last : c->public_note;
    char owner_buf[128];
    const char *owner = gr_api_owner_name(r, c, owner_buf, sizeof(owner_buf));
    char grid[128];
    const char *place = gr_api_node_name(r, c->anc.id[GR_LEVEL_GRID], grid, sizeof(grid));
    json_t *o = json_object();
    json_object_set_new(o, "service_request_id", id_json(c->id));
    json_object_set_new(o, "status",
                        json_string(gr_case_open(status_of(c->status)) ? "open" : "closed"));
    json_object_set_new(o, "status_notes", notes ? json_string(notes) : json_null());
    json_object_set_new(o, "service_name", json_string(service));
    json_object_set_new(o, "service_code", json_string(c->matter_code));
    json_object_set_new(o, "description", json_string(c->description ? c->description : ""));
    json_object_set_new(o, "agency_responsible", owner ? json_string(owner) : json_null());
    json_object_set_new(o, "service_notice", notice_json(c));
    json_object_set_new(o, "requested_datetime", w3c_json(c->created_at));
    json_object_set_new(o, "updated_datetime", w3c_json(c->updated_at));
    json_object_set_new(o, "expected_datetime", w3c_json(c->resolve_due));
    json_object_set_new(o, "address", json_string(place ? place : ""));
    json_object_set_new(o, "address_id", json_string(""));
    json_object_set_new(o, "zipcode", json_string(""));
    json_object_set_new(o, "lat", c->has_point ? rounded(c->lat) : json_null());
    json_object_set_new(o, "long", c->has_point ? rounded(c->lon) : json_null());
    json_object_set_new(o, "media_url", photo_url(v, pp.id));
    *out = o;
    return GR_OK;
}

/* Append the public view of case id (skipped when it does not exist) to list. */
static enum gr_err append_case(struct view *v, int64_t id, json_t *list, bool *found)
{
    struct gr_case c;
    enum gr_err e = gr_store_case_get(v->r->st, id, &c);
    *found = e == GR_OK;
    if (e == GR_ENOTFOUND)
        return GR_OK;
    json_t *o = NULL;
    if (!e)
        e = request_json(v, &c, &o);
    if (!e)
        json_array_append_new(list, o);
    return e;
}

/* ---- GET requests ---- */

struct ids {
    int64_t *v;
    size_t n, cap;
};

static void ids_add(struct ids *s, int64_t id)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = gr_realloc(s->v, gr_mul(s->cap, sizeof(*s->v)));
    }
    s->v[s->n++] = id;
}

static int ids_cb(void *ctx, const struct gr_case *c)
{
    ids_add(ctx, c->id);
    return 0;
}

static int desc_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* start_date and end_date: a window of at most 90 days, by default the last 90 days (one
 * date alone opens a 90-day window on its side). Replies 400 on bad input. */
static bool window(struct gr_req *r, enum fmt fmt, int64_t *from, int64_t *to)
{
    const char *s = arg(r, "start_date"), *e = arg(r, "end_date");
    static const char how[] = "must be a W3C datetime with a time zone, "
                              "e.g. 2026-11-26T15:04:05+08:00";
    if (s && !parse_w3c(s, from)) {
        failf(r, fmt, 400, "start_date %s", how);
        return false;
    }
    if (e && !parse_w3c(e, to)) {
        failf(r, fmt, 400, "end_date %s", how);
        return false;
    }
    if (!s && !e) {
        *to = (int64_t)time(NULL);
        *from = *to - WINDOW_MAX;
    } else if (!e) {
        *to = *from + WINDOW_MAX;
    } else if (!s) {
        *from = *to - WINDOW_MAX;
    }
    if (*to < *from) {
        fail(r, fmt, 400, "end_date is before start_date");
        return false;
    }
    if (*to - *from > WINDOW_MAX) {
        fail(r, fmt, 400, "start_date to end_date may span at most 90 days");
        return false;
    }
    return true;
}

/* A comma-separated list into out (at most max items, each non-empty); false when not. */
static bool split_list(struct gr_req *r, const char *s, const char **out, size_t max, size_t *n)
{
    *n = 0;
    for (const char *p = s;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (!len || *n == max)
            return false;
        out[(*n)++] = gr_arena_strndup(&r->arena, p, len);
        if (!comma)
            return true;
        p = comma + 1;
    }
}

/* Ids of the cases that match the filters of the query string: newest first, at most
 * MAX_RESULTS. Replies 400 on bad input. */
static bool filtered_ids(struct gr_req *r, enum fmt fmt, struct ids *out)
{
    int64_t from, to;
    if (!window(r, fmt, &from, &to))
        return false;
    const char *st = arg(r, "status");
    bool want_open = true, want_closed = true;
    if (st) {
        const char *parts[2];
        size_t n_parts;
        bool ok = split_list(r, st, parts, 2, &n_parts);
        want_open = want_closed = false;
        for (size_t i = 0; ok && i < n_parts; i++) {
            if (strcmp(parts[i], "open") == 0)
                want_open = true;
            else if (strcmp(parts[i], "closed") == 0)
                want_closed = true;
            else
                ok = false;
        }
        if (!ok) {
            fail(r, fmt, 400, "status must be open, closed or open,closed");
            return false;
        }
    }
    const char *codes[MAX_CODES];
    size_t n_codes = 1;
    codes[0] = NULL;
    const char *sc = arg(r, "service_code");
    if (sc && !split_list(r, sc, codes, MAX_CODES, &n_codes)) {
        failf(r, fmt, 400, "service_code must be at most %d codes separated by commas", MAX_CODES);
        return false;
    }
    /* Closed in Open311 is every status that is not open (gr_case_open). */
    static const char *const st_any[] = {NULL}, *const st_open[] = {"open"},
                             *const st_closed[] = {"closed", "rejected", "merged"};
    const char *const *statuses = want_open && want_closed ? st_any
                                  : want_open              ? st_open
                                                           : st_closed;
    size_t n_statuses = statuses == st_closed ? 3 : 1;
    for (size_t i = 0; i < n_codes; i++)
        for (size_t k = 0; k < n_statuses; k++) {
            struct gr_case_query cq;
            memset(&cq, 0, sizeof(cq));
            cq.q.all = true;
            cq.q.limit = MAX_RESULTS;
            cq.status = statuses[k];
            cq.matter_code = codes[i];
            cq.from = from;
            cq.to = to + 1;
            bool more;
            enum gr_err e = gr_store_cases(r->st, &cq, ids_cb, out, &more);
            if (e) {
                fail_err(r, fmt, e);
                return false;
            }
        }
    if (out->n)
        qsort(out->v, out->n, sizeof(*out->v), desc_cmp);
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++)
        if (!k || out->v[k - 1] != out->v[i])
            out->v[k++] = out->v[i];
    out->n = k < MAX_RESULTS ? k : MAX_RESULTS;
    return true;
}

static void list(struct gr_req *r, enum fmt fmt)
{
    if (!jurisdiction_ok(r, fmt, arg(r, "jurisdiction_id")))
        return;
    struct ids ids;
    memset(&ids, 0, sizeof(ids));
    const char *given = arg(r, "service_request_id");
    if (given) {
        /* Ids given: every other filter is ignored (the spec says so). */
        const char **parts = gr_arena_alloc(&r->arena, MAX_RESULTS * sizeof(*parts));
        size_t n;
        bool ok = split_list(r, given, parts, MAX_RESULTS, &n);
        for (size_t i = 0; ok && i < n; i++) {
            int64_t id;
            ok = gr_parse_i64(parts[i], strlen(parts[i]), &id) == GR_OK && id > 0;
            if (ok)
                ids_add(&ids, id);
        }
        if (!ok) {
            free(ids.v);
            fail(r, fmt, 400, "service_request_id must be ids separated by commas");
            return;
        }
    } else if (!filtered_ids(r, fmt, &ids)) {
        free(ids.v);
        return;
    }
    struct view *v = gr_arena_alloc(&r->arena, sizeof(*v));
    v->r = r;
    v->host = host(r);
    v->n_names = 0;
    json_t *items = json_array();
    enum gr_err e = GR_OK;
    bool found;
    for (size_t i = 0; !e && i < ids.n; i++)
        e = append_case(v, ids.v[i], items, &found);
    free(ids.v);
    if (e) {
        json_decref(items);
        fail_err(r, fmt, e);
        return;
    }
    reply(r, fmt, 200, "service_requests", items);
}

static void one(struct gr_req *r, enum fmt fmt, const char *name)
{
    if (!jurisdiction_ok(r, fmt, arg(r, "jurisdiction_id")))
        return;
    int64_t id;
    if (gr_parse_i64(name, strlen(name), &id) != GR_OK || id <= 0) {
        failf(r, fmt, 404, "no service request %.32s", name);
        return;
    }
    struct view *v = gr_arena_alloc(&r->arena, sizeof(*v));
    v->r = r;
    v->host = host(r);
    v->n_names = 0;
    json_t *items = json_array();
    bool found;
    enum gr_err e = append_case(v, id, items, &found);
    if (e || !found) {
        json_decref(items);
        if (e)
            fail_err(r, fmt, e);
        else
            failf(r, fmt, 404, "no service request %lld", (long long)id);
        return;
    }
    reply(r, fmt, 200, "service_requests", items);
}

/* tokens/{token}: the request a token stands for. Our requests get their id at once, so
 * only cases stored with a token by another channel have one. */
static void token(struct gr_req *r, enum fmt fmt, const char *t)
{
    if (!jurisdiction_ok(r, fmt, arg(r, "jurisdiction_id")))
        return;
    struct gr_case c;
    enum gr_err e =
        *t && strlen(t) <= TOKEN_MAX ? gr_store_case_by_token(r->st, t, &c) : GR_ENOTFOUND;
    if (e == GR_ENOTFOUND) {
        failf(r, fmt, 404, "no such token %.64s", t);
        return;
    }
    if (e) {
        fail_err(r, fmt, e);
        return;
    }
    reply(r, fmt, 200, "service_requests",
          json_pack("[{s:o, s:s}]", "service_request_id", id_json(c.id), "token", t));
}

/* ---- servicerequestupdates (mySociety) ---- */

/* A public event of the window. Its status (the case's after it) and media are filled in
 * afterwards, reading its case's events and photos. */
struct update {
    int64_t id;
    json_t *o;
    bool has_media;
};

struct updates {
    struct view *v;
    struct update *u; /* by id ascending, as the store lists them */
    size_t n, cap;
    struct ids cases;       /* the cases of the updates */
    enum gr_cstatus status; /* the case's status after the event being read */
};

static int update_cb(void *ctx, const struct gr_case_event *e)
{
    struct updates *s = ctx;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->u = gr_realloc(s->u, gr_mul(s->cap, sizeof(*s->u)));
    }
    json_t *o = json_object();
    json_object_set_new(o, "update_id", id_json(e->id));
    json_object_set_new(o, "service_request_id", id_json(e->case_id));
    json_object_set_new(o, "status", json_string("open"));
    json_object_set_new(o, "updated_datetime", w3c_json(e->at));
    json_object_set_new(o, "description", json_string(e->note ? e->note : ""));
    json_object_set_new(o, "media_url", json_string(""));
    s->u[s->n++] = (struct update){e->id, o, false};
    ids_add(&s->cases, e->case_id);
    return 0;
}

/* The update of event id, or NULL when the event is not one. */
static struct update *update_find(struct updates *s, int64_t id)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->u[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->u[lo].id == id ? &s->u[lo] : NULL;
}

/* Each event of a case in turn: the status it leaves the case in is that of its update. */
static int status_cb(void *ctx, const struct gr_case_event *e)
{
    struct updates *s = ctx;
    if (e->to_status)
        s->status = status_of(e->to_status);
    struct update *u = update_find(s, e->id);
    if (u)
        json_object_set_new(u->o, "status",
                            json_string(gr_case_open(s->status) ? "open" : "closed"));
    return 0;
}

/* The first public photo of an event is its update's media. */
static int media_cb(void *ctx, const struct gr_photo *p)
{
    struct updates *s = ctx;
    struct update *u = p->public && p->event_id ? update_find(s, p->event_id) : NULL;
    if (u && !u->has_media) {
        json_object_set_new(u->o, "media_url", photo_url(s->v, p->id));
        u->has_media = true;
    }
    return 0;
}

/* Each public event in the window, oldest (lowest id) first, at most MAX_RESULTS: one read
 * of the store's public events by time, then the events and photos of their cases. */
static void updates(struct gr_req *r, enum fmt fmt)
{
    if (!jurisdiction_ok(r, fmt, arg(r, "jurisdiction_id")))
        return;
    int64_t from, to;
    if (!window(r, fmt, &from, &to))
        return;
    struct updates s;
    memset(&s, 0, sizeof(s));
    s.v = gr_arena_alloc(&r->arena, sizeof(*s.v));
    s.v->r = r;
    s.v->host = host(r);
    s.v->n_names = 0;
    bool more;
    /* The window's end is inclusive, the store's exclusive. */
    enum gr_err e = gr_store_case_events_between(r->st, from, to + 1, true, 0, MAX_RESULTS,
                                                 update_cb, &s, &more);
    struct ids *cs = &s.cases;
    if (cs->n)
        qsort(cs->v, cs->n, sizeof(*cs->v), desc_cmp);
    for (size_t i = 0; !e && i < cs->n; i++) {
        if (i && cs->v[i] == cs->v[i - 1])
            continue;
        int count;
        s.status = GR_CS_SUBMITTED;
        e = gr_store_case_events(r->st, cs->v[i], status_cb, &s);
        if (!e)
            e = gr_store_photos(r->st, cs->v[i], media_cb, &s, &count);
    }
    free(cs->v);
    json_t *items = json_array();
    for (size_t i = 0; i < s.n; i++) {
        if (!e)
            json_array_append_new(items, s.u[i].o);
        else
            json_decref(s.u[i].o);
    }
    free(s.u);
    if (e) {
        json_decref(items);
        fail_err(r, fmt, e);
        return;
    }
    reply(r, fmt, 200, "service_request_updates", items);
}

/* ---- routes ---- */

/* /open311/v2/{resource}.{xml|json} */
void gr_h_open311(struct gr_req *r)
{
    const char *name;
    enum fmt fmt = split_format(r, r->params[0], &name);
    if (!fmt) {
        fail(r, FMT_XML, 404, "no such resource: paths end in .xml or .json");
        return;
    }
    bool known = strcmp(name, "discovery") == 0 || strcmp(name, "services") == 0 ||
                 strcmp(name, "requests") == 0 || strcmp(name, "servicerequestupdates") == 0;
    if (!known) {
        failf(r, fmt, 404, "no such resource: %.64s", name);
        return;
    }
    if (strcmp(name, "requests") == 0) {
        if (r->method == GR_POST)
            create(r, fmt);
        else
            list(r, fmt);
        return;
    }
    if (r->method == GR_POST) {
        r->allow = GR_GET | GR_HEAD;
        failf(r, fmt, 405, "%s is read-only here", name);
        return;
    }
    if (strcmp(name, "discovery") == 0)
        discovery(r, fmt);
    else if (strcmp(name, "servicerequestupdates") == 0)
        updates(r, fmt);
    else if (jurisdiction_ok(r, fmt, arg(r, "jurisdiction_id")))
        services(r, fmt);
}

/* /open311/v2/{services|requests|tokens}/{item}.{xml|json} */
void gr_h_open311_item(struct gr_req *r)
{
    const char *name;
    enum fmt fmt = split_format(r, r->params[1], &name);
    if (!fmt) {
        fail(r, FMT_XML, 404, "no such resource: paths end in .xml or .json");
        return;
    }
    const char *kind = r->params[0];
    if (strcmp(kind, "services") == 0) {
        if (jurisdiction_ok(r, fmt, arg(r, "jurisdiction_id")))
            definition(r, fmt, name);
    } else if (strcmp(kind, "requests") == 0) {
        one(r, fmt, name);
    } else if (strcmp(kind, "tokens") == 0) {
        token(r, fmt, name);
    } else {
        failf(r, fmt, 404, "no such resource: %.64s", kind);
    }
}
