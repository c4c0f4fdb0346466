/*
 * server.c - libmicrohttpd glue: the access handler, routing, authentication, replies,
 * the per-request log line, metrics, login throttling and clean shutdown.
 *
 * Threads: libmicrohttpd's pool; each worker opens its own store connection on first use
 * (SQLite connections are single-threaded). A request gets its arena and body buffer on
 * the first call, its body on the middle calls, and is dispatched on the last call so that
 * keep-alive connections stay open.
 */
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/log.h"
#include "http.h"
#include "http_int.h"

#define DEFAULT_BODY_LIMIT (1u << 20)
#define MAX_URL 4096
#define MAX_STORES 256
#define THROTTLE_SLOTS 4096
#define THROTTLE_PROBES 8
#define THROTTLE_WINDOW 900 /* seconds */
#define THROTTLE_LOGIN_MAX 5
#define THROTTLE_ADDR_MAX 30

struct throttle_slot {
    char key[96];
    int failures;
    time_t since;
};

#define BATCH_MAX 512
/* The log (in pages) past which the checkpointer makes the writer start it over: 16 MiB. */
#define LOG_RESTART_PAGES 4096
/* Pages left to copy at most when the writer is paused for the restart. */
#define LOG_RESTART_REST 256

struct gr_server {
    struct gr_server_config cfg;
    struct MHD_Daemon *daemon;
    /* Group commit: requests waiting for the writer, a singly linked queue. */
    pthread_mutex_t wlock;
    pthread_cond_t wcond;
    struct gr_req *whead, *wtail;
    bool wstop;
    bool closing;   /* shutting down: no request is suspended any more */
    size_t waiting; /* requests suspended for the writer, not yet resumed */
    pthread_cond_t wdone;
    pthread_t writer;
    bool writer_started;
    /* The checkpointer's restart: the writer takes no batch while restart is set, and
     * writing says whether it is inside one (the checkpointer waits on rdone for its end). */
    bool restart, writing;
    pthread_cond_t rdone;
    struct gr_store *wstore;
    atomic_uint_fast64_t n_batches, n_batched;
    atomic_uint_fast64_t write_us, commit_us; /* the writer's time in writes and in commits */
    atomic_uint_fast64_t n_reruns;            /* batches run again with savepoints */
    /* The ticker: cfg.tick every cfg.tick_seconds on a store of its own. */
    pthread_t ticker, checkpointer;
    bool ticker_started, checkpointer_started, tstop;
    pthread_cond_t tcond;
    /* The syncer: batches committed by the writer (without a sync) wait here until the log
     * is synced, then their answers go out. */
    pthread_t syncer;
    bool syncer_started, sstop;
    pthread_mutex_t slock;
    pthread_cond_t scond;
    struct gr_req *shead, *stail;
    char *log_path;
    int log_fd;
    atomic_uint_fast64_t sync_us, n_syncs;
    pthread_mutex_t lock; /* stores, throttle */
    struct gr_store *stores[MAX_STORES];
    size_t n_stores;
    pthread_rwlock_t map_lock;
    void *map;
    struct throttle_slot throttle[THROTTLE_SLOTS];
    atomic_uint_fast64_t n_requests, n_2xx, n_3xx, n_4xx, n_5xx, micros_total, in_flight;
    atomic_uint_fast64_t n_login_failed, n_throttled;
};

static _Thread_local struct gr_store *tl_store;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct gr_store *thread_store(struct gr_server *s)
{
    if (tl_store)
        return tl_store;
    struct gr_store *st;
    if (gr_store_open(s->cfg.db_path, false, &st) != GR_OK)
        return NULL;
    pthread_mutex_lock(&s->lock);
    if (s->n_stores < MAX_STORES)
        s->stores[s->n_stores++] = st;
    pthread_mutex_unlock(&s->lock);
    tl_store = st;
    return st;
}

/* ---- request input ---- */

const char *gr_req_header(struct gr_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *gr_req_query(struct gr_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *gr_req_cookie(struct gr_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* ---- replies ---- */

int gr_err_status(enum gr_err err)
{
    switch (err) {
    case GR_OK: return 200;
    case GR_EINVAL: return 400;
    case GR_ENOTFOUND: return 404;
    case GR_ECONFLICT: return 409;
    case GR_EFORBIDDEN: return 403;
    case GR_EAUTH: return 401;
    case GR_ETOOBIG: return 413;
    case GR_EBUSY: return 429;
    case GR_EDB:
    case GR_EIO:
    case GR_EINTERNAL: return 500;
    }
    return 500;
}

void gr_reply_raw(struct gr_req *r, int status, const char *type, char *body, size_t len)
{
    if (r->resp) {
        gr_log(GR_LOG_ERROR, "second reply on %s ignored", r->url);
        free(body);
        return;
    }
    r->status = status;
    r->resp = body;
    r->resp_len = len;
    /* A copy: a type read from the store would be gone when the answer is built. */
    r->resp_type = type ? gr_arena_strndup(&r->arena, type, strlen(type)) : NULL;
    r->resp_static = false;
}

void gr_reply_static(struct gr_req *r, int status, const char *type, const void *body, size_t len)
{
    if (r->resp)
        return;
    r->status = status;
    r->resp = (char *)body;
    r->resp_len = len;
    r->resp_type = type;
    r->resp_static = true;
}

void gr_reply_json(struct gr_req *r, int status, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(body);
    if (!s) {
        gr_reply_error(r, GR_EINTERNAL, NULL, "could not encode the answer");
        return;
    }
    gr_reply_raw(r, status, "application/json; charset=utf-8", s, strlen(s));
}

void gr_reply_error_code(struct gr_req *r, int status, const char *code, const char *field,
                         const char *message)
{
    json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message ? message : code);
    if (field)
        json_object_set_new(e, "field", json_string(field));
    gr_reply_json(r, status, json_pack("{s:o}", "error", e));
}

void gr_reply_error(struct gr_req *r, enum gr_err err, const char *field, const char *message)
{
    static const char *const msgs[] = {
        [GR_EINVAL] = "the request is invalid",
        [GR_ENOTFOUND] = "no such record",
        [GR_ECONFLICT] = "the request conflicts with the current state",
        [GR_EFORBIDDEN] = "you may not do this",
        [GR_EDB] = "the store failed; nothing was changed",
        [GR_EIO] = "input/output failed",
        [GR_ETOOBIG] = "the request is too big",
        [GR_EAUTH] = "log in first",
        [GR_EBUSY] = "too many attempts; try again later",
        [GR_EINTERNAL] = "internal error",
    };
    if (err == GR_EDB || err == GR_EINTERNAL || err == GR_EIO)
        gr_log(GR_LOG_ERROR, "%s %s: %s: %s", r->method == GR_GET ? "GET" : "write", r->url,
               gr_strerror(err), r->st ? gr_store_errmsg(r->st) : "");
    if (!message)
        message = (err > 0 && err <= GR_EINTERNAL) ? msgs[err] : "error";
    gr_reply_error_code(r, gr_err_status(err), gr_strerror(err), field, message);
}

void gr_reply_list(struct gr_req *r, json_t *items, bool more, int64_t last_id)
{
    json_t *next = json_null();
    if (more) {
        char c[32];
        snprintf(c, sizeof(c), "%lld", (long long)last_id);
        next = json_string(c);
    }
    gr_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next", next));
}

bool gr_req_int(struct gr_req *r, const char *name, int64_t lo, int64_t hi, int64_t def,
                int64_t *out)
{
    const char *v = gr_req_query(r, name);
    if (!v) {
        *out = def;
        return true;
    }
    int64_t x;
    if (gr_parse_i64(v, strlen(v), &x) != GR_OK || x < lo || x > hi) {
        char *msg = gr_arena_printf(&r->arena, "must be an integer from %lld to %lld",
                                    (long long)lo, (long long)hi);
        gr_reply_error(r, GR_EINVAL, name, msg);
        return false;
    }
    *out = x;
    return true;
}

bool gr_req_page(struct gr_req *r, int *limit, int64_t *after)
{
    int64_t l, c;
    if (!gr_req_int(r, "limit", 1, 500, 50, &l) || !gr_req_int(r, "cursor", 0, INT64_MAX, 0, &c))
        return false;
    *limit = (int)l;
    *after = c;
    return true;
}

bool gr_req_id(struct gr_req *r, size_t i, int64_t *id)
{
    const char *p = i < r->n_params ? r->params[i] : NULL;
    if (!p || gr_parse_i64(p, strlen(p), id) != GR_OK || *id <= 0) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such record");
        return false;
    }
    return true;
}

/* Reject nesting deeper than max before jansson sees the text. */
static bool depth_ok(const char *s, size_t n, int max)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                return false;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return true;
}

json_t *gr_req_json(struct gr_req *r)
{
    if (r->body.len == 0) {
        gr_reply_error_code(r, 400, "invalid_json", NULL, "the request needs a JSON body");
        return NULL;
    }
    if (!depth_ok(r->body.data, r->body.len, GR_JSON_MAX_DEPTH)) {
        gr_reply_error_code(r, 400, "invalid_json", NULL, "the JSON is nested too deeply");
        return NULL;
    }
    json_error_t err;
    json_t *j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        char *msg = gr_arena_printf(&r->arena, "malformed JSON at line %d column %d: %s", err.line,
                                    err.column, err.text);
        gr_reply_error_code(r, 400, "invalid_json", NULL, msg);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        gr_reply_error_code(r, 400, "invalid_json", NULL, "the JSON body must be an object");
        return NULL;
    }
    return j;
}

/* ---- routing ---- */

/* Match path against pattern; fill params. */
static bool match(const char *pattern, const char *path, struct gr_req *r)
{
    size_t n = 0;
    const char *p = pattern, *u = path;
    while (*p && *u) {
        if (p[0] == '{' && p[1] == '}') {
            const char *end = strchr(u, '/');
            size_t len = end ? (size_t)(end - u) : strlen(u);
            if (len == 0 || n == GR_MAX_PARAMS)
                return false;
            r->params[n++] = gr_arena_strndup(&r->arena, u, len);
            u += len;
            p += 2;
            continue;
        }
        if (*p != *u)
            return false;
        p++;
        u++;
    }
    if (*p || *u)
        return false;
    r->n_params = n;
    return true;
}

static const struct gr_route *route_for(struct gr_req *r, bool *method_mismatch)
{
    *method_mismatch = false;
    r->allow = 0;
    for (const struct gr_route *rt = gr_routes; rt->pattern; rt++) {
        if (!match(rt->pattern, r->url, r))
            continue;
        if (rt->methods & r->method)
            return rt;
        *method_mismatch = true;
        r->allow |= rt->methods;
    }
    return NULL;
}

/* The Allow header of a 405: the methods the path answers. */
static void allow_header(struct MHD_Response *resp, unsigned methods)
{
    static const char *const names[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    char out[64] = "";
    size_t at = 0;
    for (int i = 0; i < 6; i++)
        if (methods & (1u << i))
            at += (size_t)snprintf(out + at, sizeof(out) - at, "%s%s", at ? ", " : "", names[i]);
    MHD_add_response_header(resp, "Allow", out);
}

/* Bytes of the query string, as the arguments libmicrohttpd parsed. */
static enum MHD_Result add_arg_len(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 2;
    return MHD_YES;
}

static enum gr_method parse_method(const char *m)
{
    static const struct {
        const char *name;
        enum gr_method m;
    } t[] = {{"GET", GR_GET},     {"POST", GR_POST},     {"PUT", GR_PUT},
             {"PATCH", GR_PATCH}, {"DELETE", GR_DELETE}, {"HEAD", GR_HEAD}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(m, t[i].name) == 0)
            return t[i].m;
    return 0;
}

/* ---- authentication ---- */

/* Who a bearer token or a session stands for, kept a few seconds by each worker thread:
 * three store reads less per request. Any change of accounts, grants or sessions (logout
 * included) makes every entry stale at once (gr_store_auth_generation); a session that
 * expires is honoured at most AUTH_TTL seconds past its end. */
#define AUTH_CACHE 64
#define AUTH_TTL 5

struct auth_entry {
    char hash[65];
    bool cookie;
    uint64_t gen;
    int64_t until;
    struct gr_principal who;
    char csrf[72];
};

static _Thread_local struct auth_entry auth_cache[AUTH_CACHE];

static struct auth_entry *auth_slot(const char *hash)
{
    unsigned h = 0;
    for (int i = 0; i < 8 && hash[i]; i++)
        h = h * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
    return &auth_cache[h % AUTH_CACHE];
}

static bool authenticate(struct gr_req *r)
{
    int64_t user_id = 0;
    const char *authz = gr_req_header(r, "Authorization");
    const char *tok = NULL;
    bool cookie = false;
    if (authz && strncmp(authz, "Bearer ", 7) == 0)
        tok = authz + 7;
    else if ((tok = gr_req_cookie(r, "gr_session")))
        cookie = true;
    if (!tok)
        return false;
    char hash[65];
    gr_sha256_hex(tok, strlen(tok), hash);
    int64_t now = (int64_t)time(NULL);
    uint64_t gen = gr_store_auth_generation();
    struct auth_entry *a = auth_slot(hash);
    if (a->gen == gen && a->until >= now && a->cookie == cookie && strcmp(a->hash, hash) == 0) {
        r->who = a->who;
        if (cookie) {
            memcpy(r->csrf, a->csrf, sizeof(r->csrf));
            memcpy(r->session_hash, hash, sizeof(hash));
            r->via_cookie = true;
        }
        r->authed = true;
        return true;
    }
    enum gr_err e;
    if (!cookie) {
        e = gr_store_token_get(r->st, hash, &user_id);
    } else {
        char *csrf = NULL;
        memcpy(r->session_hash, hash, sizeof(hash));
        e = gr_store_session_get(r->st, hash, now, &user_id, &csrf);
        if (csrf) {
            snprintf(r->csrf, sizeof(r->csrf), "%s", csrf);
            free(csrf);
        }
        r->via_cookie = e == GR_OK;
    }
    if (e != GR_OK)
        return false;
    struct gr_user u;
    if (gr_store_user_get(r->st, user_id, &u) != GR_OK || u.disabled)
        return false;
    if (gr_store_grants(r->st, user_id, &r->who) != GR_OK)
        return false;
    r->authed = true;
    snprintf(a->hash, sizeof(a->hash), "%s", hash);
    a->cookie = cookie;
    a->gen = gen; /* read before the store: a change meanwhile leaves the entry stale */
    a->until = now + AUTH_TTL;
    a->who = r->who;
    memcpy(a->csrf, r->csrf, sizeof(a->csrf));
    return true;
}

static bool csrf_ok(struct gr_req *r)
{
    if (!r->via_cookie || r->method == GR_GET || r->method == GR_HEAD)
        return true;
    const char *h = gr_req_header(r, "X-CSRF-Token");
    size_t n = strlen(r->csrf);
    return h && n && strlen(h) == n && gr_ct_equal(h, r->csrf, n);
}

static void dispatch(struct gr_req *r)
{
    bool mismatch;
    if (!r->route) {
        r->route = route_for(r, &mismatch);
        if (!r->route) {
            if (mismatch)
                gr_reply_error_code(r, 405, "method_not_allowed", NULL,
                                    "this method is not allowed here");
            else
                gr_serve_web(r);
            return;
        }
    }
    if (r->body_too_big) {
        gr_reply_error(r, GR_ETOOBIG, NULL, "the request body is too big");
        return;
    }
    r->st = thread_store(r->srv);
    if (!r->st) {
        gr_reply_error(r, GR_EDB, NULL, "the store is unavailable");
        return;
    }
    if (r->route->auth == GR_AUTH_USER || gr_req_cookie(r, "gr_session") ||
        gr_req_header(r, "Authorization")) {
        if (!authenticate(r) && r->route->auth == GR_AUTH_USER) {
            gr_reply_error(r, GR_EAUTH, NULL, "log in first");
            return;
        }
        if (r->authed && !csrf_ok(r)) {
            gr_reply_error_code(r, 403, "csrf", NULL,
                                "a write needs the X-CSRF-Token header of the session");
            return;
        }
    }
    r->route->fn(r);
    if (!r->resp && !r->deferred)
        gr_reply_error(r, GR_EINTERNAL, NULL, "the handler gave no answer");
}

/* ---- libmicrohttpd callbacks ---- */

/* Every answer: no type sniffing. Pages also refuse framing and keep referrers home. */
static void add_security_headers(struct MHD_Response *resp, const char *type)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (type && strncmp(type, "text/html", 9) == 0) {
        MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct gr_server *s = cls;
    struct gr_req *r = *con_cls;
    if (!r) {
        r = gr_calloc(1, sizeof(*r));
        r->srv = s;
        r->conn = c;
        gr_arena_init(&r->arena);
        /* Keep our own copy of the path for the log line; most fit in the request. */
        size_t ulen = strlen(url) > MAX_URL ? MAX_URL + 1 : strlen(url);
        size_t qlen = 0;
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg_len, &qlen);
        r->url_too_long = ulen + qlen > MAX_URL;
        if (ulen < sizeof(r->url_buf)) {
            memcpy(r->url_buf, url, ulen + 1);
            r->url = r->url_buf;
        } else {
            r->url = gr_arena_strndup(&r->arena, url, ulen);
        }
        r->start_us = now_us();
        r->method = parse_method(method);
        size_t limit = DEFAULT_BODY_LIMIT;
        bool mismatch;
        if (!r->url_too_long && r->method) {
            r->route = route_for(r, &mismatch);
            if (r->route && r->route->body_limit)
                limit = r->route->body_limit;
        }
        gr_buf_init(&r->body, limit);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->client,
                      sizeof(r->client));
        atomic_fetch_add(&s->in_flight, 1);
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->body_too_big && gr_buf_add(&r->body, upload_data, *upload_size) != GR_OK)
            r->body_too_big = true;
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->resumed) {
        /* Back from the writer, the write on disk: the answer is ready, or is built here. */
        if (!r->resp && r->answer_fn) {
            r->st = thread_store(s);
            if (r->st) {
                r->answer_fn(r, r->answer_arg);
                gr_store_release(r->st);
            }
            if (!r->resp) /* written, and yet no answer: say so rather than nothing */
                gr_reply_error(r, GR_EINTERNAL, NULL, "the change was saved but not answered");
        }
    } else if (!r->method) {
        gr_reply_error_code(r, 405, "method_not_allowed", NULL, "this method is not allowed");
    } else if (r->url_too_long) {
        gr_reply_error_code(r, 414, "too_big", NULL, "the URL is too long");
    } else {
        dispatch(r);
    }
    if (r->st && !r->resumed)
        gr_store_release(r->st);
    if (r->deferred && !r->resumed) {
        /* The writer resumes the connection once the batch is committed. While shutting
         * down nothing is suspended: the write is refused, and nothing acknowledged. */
        pthread_mutex_lock(&s->wlock);
        if (s->closing) {
            pthread_mutex_unlock(&s->wlock);
            r->deferred = false;
            gr_reply_error_code(r, 503, "busy", NULL, "the server is shutting down");
        } else {
            MHD_suspend_connection(c);
            r->next_job = NULL;
            if (s->wtail)
                s->wtail->next_job = r;
            else
                s->whead = r;
            s->wtail = r;
            s->waiting++;
            pthread_cond_signal(&s->wcond);
            pthread_mutex_unlock(&s->wlock);
            return MHD_YES;
        }
    }

    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r->resp_len, r->resp, r->resp_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
    r->resp_static = true; /* libmicrohttpd owns it now */
    MHD_add_response_header(resp, "Content-Type", r->resp_type ? r->resp_type : "text/plain");
    if (r->set_cookie)
        MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    if (r->status == 405 && r->allow)
        allow_header(resp, r->allow);
    MHD_add_response_header(resp, "Cache-Control",
                            r->cache_control ? r->cache_control : "no-store");
    add_security_headers(resp, r->resp_type);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct gr_server *s = cls;
    struct gr_req *r = *con_cls;
    if (!r)
        return;
    int64_t us = now_us() - r->start_us;
    atomic_fetch_add(&s->n_requests, 1);
    atomic_fetch_add(&s->micros_total, (uint64_t)us);
    atomic_fetch_sub(&s->in_flight, 1);
    int cls_ = r->status / 100;
    atomic_fetch_add(cls_ == 2   ? &s->n_2xx
                     : cls_ == 3 ? &s->n_3xx
                     : cls_ == 4 ? &s->n_4xx
                                 : &s->n_5xx,
                     1);
    if (!s->cfg.quiet) {
        static const char *const names[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
        const char *m = "?";
        for (int i = 0; i < 6; i++)
            if ((unsigned)r->method == (1u << i))
                m = names[i];
        /* The path only: query strings may carry search terms with personal data. */
        gr_log(GR_LOG_INFO, "%s %s %d %lldus%s", m, r->url, r->status, (long long)us,
               toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    }
    if (!r->resp_static)
        free(r->resp);
    free(r->set_cookie);
    gr_buf_cleanup(&r->body);
    gr_arena_cleanup(&r->arena);
    free(r);
    *con_cls = NULL;
}

/* ---- shared state ---- */

/* ---- group commit ---- */

void gr_req_defer(struct gr_req *r, gr_write_fn fn, void *arg)
{
    r->defer_fn = fn;
    r->defer_arg = arg;
    r->deferred = true;
}

void gr_req_answer_later(struct gr_req *r, gr_answer_fn fn, void *arg)
{
    r->answer_fn = fn;
    r->answer_arg = arg;
}

/* Forget the answer a request's write gave: the write runs again. */
static void unanswer(struct gr_req *r)
{
    r->answer_fn = NULL;
    if (!r->resp_static)
        free(r->resp);
    r->resp = NULL;
    r->resp_static = false;
}

/* Replace the answer of a request whose write was lost with a plain 500. */
static void lost(struct gr_req *r)
{
    unanswer(r);
    gr_reply_error(r, GR_EDB, NULL, "the store failed; nothing was changed");
}

/* Every request's write of a batch, in the transaction begun. Careful: each in a savepoint,
 * so that a failed write undoes only its own changes. Not careful: without savepoints,
 * stopping at the first write that fails (false; the caller rolls back). */
static bool run_writes(struct gr_store *st, struct gr_req *batch, bool careful)
{
    for (struct gr_req *r = batch; r; r = r->next_job) {
        r->st = st;
        if (careful && gr_store_savepoint(st) != GR_OK) {
            lost(r);
            r->st = NULL;
            continue;
        }
        enum gr_err je = r->defer_fn(r, r->defer_arg);
        if (je != GR_OK)
            r->answer_fn = NULL;
        if (!r->resp && !r->answer_fn)
            gr_reply_error(r, GR_EINTERNAL, NULL, "the write gave no answer");
        r->st = NULL;
        if (!careful && je != GR_OK)
            return false;
        if (careful && gr_store_savepoint_end(st, je == GR_OK) != GR_OK && je == GR_OK)
            lost(r);
    }
    return true;
}

/* One batch: every waiting request's writes in one transaction, one commit, then the answers
 * go to the syncer. A savepoint per write would let a failed write undo only itself, but it
 * copies every page the write touches the first time it does (about a tenth of the writer's
 * time for a new case); writes seldom fail. So a batch first runs without savepoints; if a
 * write fails, the transaction is rolled back and the batch runs again, carefully. */
static void run_batch(struct gr_server *s, struct gr_req *batch)
{
    struct gr_store *st = s->wstore;
    size_t n = 0;
    for (struct gr_req *r = batch; r; r = r->next_job)
        n++;
    int64_t t0 = now_us();
    enum gr_err e = gr_store_begin(st);
    bool undone = false; /* a batch of one whose write failed: its failure is its answer */
    if (!e && !run_writes(st, batch, false)) {
        gr_store_rollback(st);
        undone = n == 1;
        if (!undone) {
            atomic_fetch_add(&s->n_reruns, 1);
            for (struct gr_req *r = batch; r; r = r->next_job)
                unanswer(r);
            if (!(e = gr_store_begin(st)))
                run_writes(st, batch, true);
        }
    }
    if (e)
        for (struct gr_req *r = batch; r; r = r->next_job)
            lost(r);
    int64_t t1 = now_us();
    if (!e && !undone && (e = gr_store_commit(st)) != GR_OK)
        for (struct gr_req *r = batch; r; r = r->next_job)
            lost(r);
    atomic_fetch_add(&s->write_us, (uint_fast64_t)(t1 - t0));
    atomic_fetch_add(&s->commit_us, (uint_fast64_t)(now_us() - t1));
    if (e)
        gr_store_rollback(st);
    gr_store_release(st);
    atomic_fetch_add(&s->n_batches, 1);
    atomic_fetch_add(&s->n_batched, n);
    /* The answers wait for the log to be on disk: the syncer's work, while this thread
     * goes on with the next batch. */
    struct gr_req *last = batch;
    while (last->next_job)
        last = last->next_job;
    pthread_mutex_lock(&s->slock);
    if (s->stail)
        s->stail->next_job = batch;
    else
        s->shead = batch;
    s->stail = last;
    pthread_cond_signal(&s->scond);
    pthread_mutex_unlock(&s->slock);
}

/* Sync the log, then answer every batch committed before the sync began. One sync may
 * cover several batches. A failed sync turns their answers into 500s: nothing that might
 * not survive a power loss is acknowledged. */
static void *syncer_main(void *arg)
{
    struct gr_server *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->slock);
        while (!s->shead && !s->sstop)
            pthread_cond_wait(&s->scond, &s->slock);
        struct gr_req *list = s->shead;
        s->shead = s->stail = NULL;
        bool stop = s->sstop;
        pthread_mutex_unlock(&s->slock);
        if (!list) {
            if (stop)
                return NULL;
            continue;
        }
        int64_t t0 = now_us();
        if (s->log_fd < 0)
            s->log_fd = open(s->log_path, O_RDONLY | O_CLOEXEC);
        if (s->log_fd < 0 || fdatasync(s->log_fd) != 0) {
            gr_log(GR_LOG_ERROR, "cannot sync the log %s", s->log_path);
            for (struct gr_req *r = list; r; r = r->next_job)
                if (r->status < 300)
                    lost(r);
        }
        atomic_fetch_add(&s->sync_us, (uint_fast64_t)(now_us() - t0));
        atomic_fetch_add(&s->n_syncs, 1);
        size_t n = 0;
        for (struct gr_req *r = list, *next; r; r = next, n++) {
            next = r->next_job;
            r->resumed = true;
            MHD_resume_connection(r->conn);
        }
        pthread_mutex_lock(&s->wlock);
        s->waiting -= n;
        pthread_cond_broadcast(&s->wdone);
        pthread_mutex_unlock(&s->wlock);
    }
}

static void *ticker_main(void *arg)
{
    struct gr_server *s = arg;
    struct gr_store *st;
    if (gr_store_open(s->cfg.db_path, false, &st) != GR_OK) {
        gr_log(GR_LOG_ERROR, "ticker: cannot open the store");
        return NULL;
    }
    pthread_mutex_lock(&s->wlock);
    while (!s->tstop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += s->cfg.tick_seconds;
        while (!s->tstop && pthread_cond_timedwait(&s->tcond, &s->wlock, &until) == 0)
            ;
        if (s->tstop)
            break;
        pthread_mutex_unlock(&s->wlock);
        s->cfg.tick(st, (int64_t)time(NULL));
        gr_store_release(st);
        pthread_mutex_lock(&s->wlock);
    }
    pthread_mutex_unlock(&s->wlock);
    gr_store_close(st);
    return NULL;
}

/* The writer's commits only append to the log and sync it; this thread copies the log into
 * the database a few times a second, on the other core: a passive checkpoint, which never
 * waits for the writer; then, once the log has grown past LOG_RESTART_PAGES, a restart,
 * which copies the few pages written meanwhile and makes the writer start the log over
 * from its beginning. Without it the log grows for as long as commits keep coming (over
 * 100 MB a second under a stream of new cases), and every page written is a new page of
 * the file for the kernel to allocate and then to sync. */
static void *checkpointer_main(void *arg)
{
    struct gr_server *s = arg;
    struct gr_store *st;
    if (gr_store_open(s->cfg.db_path, false, &st) != GR_OK) {
        gr_log(GR_LOG_ERROR, "checkpointer: cannot open the store");
        return NULL;
    }
    pthread_mutex_lock(&s->wlock);
    while (!s->tstop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&s->tcond, &s->wlock, &until);
        if (s->tstop)
            break;
        pthread_mutex_unlock(&s->wlock);
        int log = 0, done = 0;
        enum gr_err e = gr_store_checkpoint(st, false, &log, &done);
        /* Before a restart, passive passes again while they copy much (what the writer
         * added during the last one), so that the writer waits for little. */
        for (int pass = 0;
             e == GR_OK && log >= LOG_RESTART_PAGES && log - done > LOG_RESTART_REST && pass < 4;
             pass++)
            e = gr_store_checkpoint(st, false, &log, &done);
        pthread_mutex_lock(&s->wlock);
        if (e == GR_OK && log >= LOG_RESTART_PAGES) {
            /* Between two batches, so that the restart need not wait for the write lock. */
            s->restart = true;
            while (s->writing)
                pthread_cond_wait(&s->rdone, &s->wlock);
            pthread_mutex_unlock(&s->wlock);
            e = gr_store_checkpoint(st, true, &log, &done);
            pthread_mutex_lock(&s->wlock);
            s->restart = false;
            pthread_cond_signal(&s->wcond);
        }
        if (e != GR_OK)
            gr_log(GR_LOG_ERROR, "checkpoint: %s", gr_store_errmsg(st));
    }
    pthread_mutex_unlock(&s->wlock);
    gr_store_close(st); /* the last connection to close checkpoints what is left */
    return NULL;
}

static void *writer_main(void *arg)
{
    struct gr_server *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->wlock);
        while ((!s->whead || s->restart) && !s->wstop)
            pthread_cond_wait(&s->wcond, &s->wlock);
        if (!s->whead && s->wstop) {
            pthread_mutex_unlock(&s->wlock);
            return NULL;
        }
        /* Take up to BATCH_MAX waiting requests. */
        struct gr_req *batch = s->whead, *last = batch;
        for (size_t n = 1; n < BATCH_MAX && last->next_job; n++)
            last = last->next_job;
        s->whead = last->next_job;
        if (!s->whead)
            s->wtail = NULL;
        last->next_job = NULL;
        s->writing = true;
        pthread_mutex_unlock(&s->wlock);
        run_batch(s, batch);
        pthread_mutex_lock(&s->wlock);
        s->writing = false;
        if (s->restart)
            pthread_cond_signal(&s->rdone);
        pthread_mutex_unlock(&s->wlock);
    }
}

const void *gr_server_map_acquire(struct gr_server *s)
{
    pthread_rwlock_rdlock(&s->map_lock);
    return s->map;
}

void gr_server_map_release(struct gr_server *s)
{
    pthread_rwlock_unlock(&s->map_lock);
}

enum gr_err gr_server_map_reload(struct gr_server *s, struct gr_store *st)
{
    void *map = NULL;
    enum gr_err e = s->cfg.map_load ? s->cfg.map_load(st, &map) : GR_OK;
    if (e)
        return e;
    pthread_rwlock_wrlock(&s->map_lock);
    void *old = s->map;
    s->map = map;
    pthread_rwlock_unlock(&s->map_lock);
    if (old && s->cfg.map_free)
        s->cfg.map_free(old);
    return GR_OK;
}

/* The slot of key in the throttle table (open addressing over a few probes). With create,
 * a missing key takes a free or expired slot, or else evicts the oldest of its probes;
 * keys never share a slot, so one key's failures are never reset by another's. */
static struct throttle_slot *slot_for(struct gr_server *s, const char *kind, const char *key,
                                      bool create)
{
    char full[96];
    snprintf(full, sizeof(full), "%s:%s", kind, key ? key : "");
    uint32_t h = 2166136261u;
    for (const char *c = full; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    time_t now = time(NULL);
    struct throttle_slot *free_slot = NULL, *oldest = NULL;
    for (unsigned i = 0; i < THROTTLE_PROBES; i++) {
        struct throttle_slot *t = &s->throttle[(h + i) % THROTTLE_SLOTS];
        bool live = t->key[0] && now - t->since <= THROTTLE_WINDOW;
        if (live && strcmp(t->key, full) == 0)
            return t;
        if (!live && !free_slot)
            free_slot = t;
        if (live && (!oldest || t->since < oldest->since))
            oldest = t;
    }
    if (!create)
        return NULL;
    struct throttle_slot *victim = free_slot ? free_slot : oldest;
    snprintf(victim->key, sizeof(victim->key), "%s", full);
    victim->failures = 0;
    victim->since = now;
    return victim;
}

bool gr_server_throttled(struct gr_server *s, const char *login, const char *addr)
{
    pthread_mutex_lock(&s->lock);
    struct throttle_slot *a = slot_for(s, "login", login, false);
    struct throttle_slot *b = slot_for(s, "addr", addr, false);
    bool out = (a && a->failures >= THROTTLE_LOGIN_MAX) || (b && b->failures >= THROTTLE_ADDR_MAX);
    pthread_mutex_unlock(&s->lock);
    if (out)
        atomic_fetch_add(&s->n_throttled, 1);
    return out;
}

void gr_server_login_failed(struct gr_server *s, const char *login, const char *addr)
{
    atomic_fetch_add(&s->n_login_failed, 1);
    pthread_mutex_lock(&s->lock);
    slot_for(s, "login", login, true)->failures++;
    slot_for(s, "addr", addr, true)->failures++;
    pthread_mutex_unlock(&s->lock);
}

void gr_server_login_ok(struct gr_server *s, const char *login, const char *addr)
{
    pthread_mutex_lock(&s->lock);
    struct throttle_slot *a = slot_for(s, "login", login, false);
    if (a)
        a->failures = 0;
    pthread_mutex_unlock(&s->lock);
}

void gr_server_metrics(struct gr_server *s, struct gr_buf *b)
{
    gr_buf_printf(
        b,
        "# HELP gr_http_requests_total Requests answered, by status class.\n"
        "# TYPE gr_http_requests_total counter\n"
        "gr_http_requests_total{class=\"2xx\"} %llu\n"
        "gr_http_requests_total{class=\"3xx\"} %llu\n"
        "gr_http_requests_total{class=\"4xx\"} %llu\n"
        "gr_http_requests_total{class=\"5xx\"} %llu\n"
        "# HELP gr_http_request_seconds_total Time spent answering requests.\n"
        "# TYPE gr_http_request_seconds_total counter\n"
        "gr_http_request_seconds_total %.6f\n"
        "# HELP gr_http_in_flight Requests being answered now.\n"
        "# TYPE gr_http_in_flight gauge\n"
        "gr_http_in_flight %llu\n"
        "# HELP gr_login_failures_total Failed logins.\n"
        "# TYPE gr_login_failures_total counter\n"
        "gr_login_failures_total %llu\n"
        "# HELP gr_login_throttled_total Logins refused by throttling.\n"
        "# TYPE gr_login_throttled_total counter\n"
        "gr_login_throttled_total %llu\n",
        (unsigned long long)atomic_load(&s->n_2xx), (unsigned long long)atomic_load(&s->n_3xx),
        (unsigned long long)atomic_load(&s->n_4xx), (unsigned long long)atomic_load(&s->n_5xx),
        (double)atomic_load(&s->micros_total) / 1e6, (unsigned long long)atomic_load(&s->in_flight),
        (unsigned long long)atomic_load(&s->n_login_failed),
        (unsigned long long)atomic_load(&s->n_throttled));
    gr_buf_printf(
        b,
        "# HELP gr_write_batches_total Transactions of the group commit.\n"
        "# TYPE gr_write_batches_total counter\n"
        "gr_write_batches_total %llu\n"
        "# HELP gr_write_batched_total Requests written through the group commit.\n"
        "# TYPE gr_write_batched_total counter\n"
        "gr_write_batched_total %llu\n"
        "# HELP gr_write_seconds_total Time of the writer in the batches' writes.\n"
        "# TYPE gr_write_seconds_total counter\n"
        "gr_write_seconds_total %.6f\n"
        "# HELP gr_write_reruns_total Batches run again with a savepoint per write, "
        "after a write failed.\n"
        "# TYPE gr_write_reruns_total counter\n"
        "gr_write_reruns_total %llu\n"
        "# HELP gr_write_commit_seconds_total Time of the writer in commits.\n"
        "# TYPE gr_write_commit_seconds_total counter\n"
        "gr_write_commit_seconds_total %.6f\n"
        "# HELP gr_write_syncs_total Syncs of the log before answers went out.\n"
        "# TYPE gr_write_syncs_total counter\n"
        "gr_write_syncs_total %llu\n"
        "# HELP gr_write_sync_seconds_total Time of the syncer in syncs.\n"
        "# TYPE gr_write_sync_seconds_total counter\n"
        "gr_write_sync_seconds_total %.6f\n",
        (unsigned long long)atomic_load(&s->n_batches),
        (unsigned long long)atomic_load(&s->n_batched), (double)atomic_load(&s->write_us) / 1e6,
        (unsigned long long)atomic_load(&s->n_reruns), (double)atomic_load(&s->commit_us) / 1e6,
        (unsigned long long)atomic_load(&s->n_syncs), (double)atomic_load(&s->sync_us) / 1e6);
    pthread_rwlock_rdlock(&s->map_lock);
    gr_buf_printf(b,
                  "# HELP gr_locate_grids Grid polygons in the locate index.\n"
                  "# TYPE gr_locate_grids gauge\n"
                  "gr_locate_grids %zu\n",
                  s->map && s->cfg.map_count ? s->cfg.map_count(s->map) : (size_t)0);
    pthread_rwlock_unlock(&s->map_lock);
}

const struct gr_server_config *gr_server_config(struct gr_server *s)
{
    return &s->cfg;
}

enum gr_err gr_server_run(const struct gr_server_config *cfg)
{
    struct gr_server *s = gr_calloc(1, sizeof(*s));
    s->cfg = *cfg;
    pthread_mutex_init(&s->lock, NULL);
    pthread_rwlock_init(&s->map_lock, NULL);
    enum gr_err e = GR_OK;

    struct gr_store *st;
    char *logins = NULL;
    if ((e = gr_store_open(cfg->db_path, false, &st)) != GR_OK) {
        fprintf(stderr, "grassroots: cannot open database %s%s\n", cfg->db_path,
                e == GR_ENOTFOUND ? ": no such file (create it with `grassroots init` or "
                                    "`grassroots demo`)"
                                  : "");
        goto out;
    }
    e = gr_server_map_reload(s, st);
    pthread_mutex_init(&s->wlock, NULL);
    pthread_cond_init(&s->wcond, NULL);
    pthread_cond_init(&s->rdone, NULL);
    pthread_cond_init(&s->wdone, NULL);
    if (!e)
        e = gr_store_open(cfg->db_path, false, &s->wstore);
    if (!e)
        e = gr_store_autocheckpoint(s->wstore, 0);
    if (!e)
        e = gr_store_sync_commits(s->wstore, false);
    s->log_fd = -1;
    pthread_mutex_init(&s->slock, NULL);
    pthread_cond_init(&s->scond, NULL);
    if (!e && !(s->log_path = strdup(gr_store_log_path(s->wstore))))
        e = GR_EINTERNAL;
    if (!e) {
        if (pthread_create(&s->syncer, NULL, syncer_main, s) != 0)
            e = GR_EINTERNAL;
        s->syncer_started = e == GR_OK;
    }
    if (!e && pthread_create(&s->writer, NULL, writer_main, s) != 0)
        e = GR_EINTERNAL;
    s->writer_started = e == GR_OK;
    pthread_cond_init(&s->tcond, NULL);
    if (!e) {
        if (pthread_create(&s->checkpointer, NULL, checkpointer_main, s) != 0)
            e = GR_EINTERNAL;
        s->checkpointer_started = e == GR_OK;
    }
    if (!e && cfg->tick && cfg->tick_seconds > 0) {
        if (pthread_create(&s->ticker, NULL, ticker_main, s) != 0)
            e = GR_EINTERNAL;
        s->ticker_started = e == GR_OK;
    }
    /* A demo database says who can log in; printing it again saves a look in the README. */
    gr_store_setting_get(st, "demo_logins", &logins);
    gr_store_close(st);
    if (e)
        goto out;

    /* Signals are taken by sigwait below; worker threads inherit the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(cfg->port);
    if (inet_pton(AF_INET, cfg->listen_host, &addr.sin_addr) != 1) {
        fprintf(stderr, "grassroots: --listen: %s is not an IPv4 address\n", cfg->listen_host);
        e = GR_EINVAL;
        goto out;
    }
    unsigned threads = cfg->threads ? cfg->threads : 2;
    s->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME,
        0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)GR_HEADER_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT,
        60u, MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_END);
    if (!s->daemon) {
        fprintf(stderr, "grassroots: cannot listen on %s:%u\n", cfg->listen_host, cfg->port);
        e = GR_EIO;
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (logins)
        fputs(logins, stdout);
    free(logins);
    logins = NULL;
    printf("grassroots: listening on http://%s:%u\n", cfg->listen_host,
           info ? info->port : cfg->port);
    fflush(stdout);
    gr_log(GR_LOG_INFO, "serving %s with %u threads", cfg->db_path, threads);

    int sig = 0;
    sigwait(&sigs, &sig);
    gr_log(GR_LOG_INFO, "signal %d: shutting down", sig);
    /* Stop taking connections, refuse new deferred writes, let the writer answer every
     * suspended request, then stop: no connection is suspended when the daemon goes. */
    MHD_socket listener = MHD_quiesce_daemon(s->daemon);
    if (listener != MHD_INVALID_SOCKET)
        close(listener); /* ours now, says libmicrohttpd */
    pthread_mutex_lock(&s->wlock);
    s->closing = true;
    while (s->waiting)
        pthread_cond_wait(&s->wdone, &s->wlock);
    pthread_mutex_unlock(&s->wlock);
    MHD_stop_daemon(s->daemon);
    for (size_t i = 0; i < s->n_stores; i++)
        gr_store_close(s->stores[i]);
    gr_log(GR_LOG_INFO, "stopped");
out:
    pthread_mutex_lock(&s->wlock);
    s->tstop = true;
    pthread_cond_broadcast(&s->tcond);
    pthread_mutex_unlock(&s->wlock);
    if (s->ticker_started)
        pthread_join(s->ticker, NULL);
    if (s->checkpointer_started)
        pthread_join(s->checkpointer, NULL);
    if (s->writer_started) {
        pthread_mutex_lock(&s->wlock);
        s->wstop = true;
        pthread_cond_signal(&s->wcond);
        pthread_mutex_unlock(&s->wlock);
        pthread_join(s->writer, NULL);
    }
    if (s->syncer_started) {
        pthread_mutex_lock(&s->slock);
        s->sstop = true;
        pthread_cond_signal(&s->scond);
        pthread_mutex_unlock(&s->slock);
        pthread_join(s->syncer, NULL);
    }
    if (s->log_fd >= 0)
        close(s->log_fd);
    free(s->log_path);
    gr_store_close(s->wstore);
    free(logins);
    if (s->map && s->cfg.map_free)
        s->cfg.map_free(s->map);
    pthread_rwlock_destroy(&s->map_lock);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return e;
}
