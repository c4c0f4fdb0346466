/*
 * http.h - the server glue the API handlers see: the request, replies, JSON at the
 * edge, the route table's shape, and the shared server state.
 *
 * A request owns an arena freed when libmicrohttpd reports it done; a store connection
 * is lent to it for its life. Handlers validate, ask core, write through the store in
 * one transaction, and reply once.
 */
#ifndef GR_HTTP_H
#define GR_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../base/mem.h"
#include "../core/access.h"
#include "../store/store.h"

enum gr_method { GR_GET = 1, GR_POST = 2, GR_PUT = 4, GR_PATCH = 8, GR_DELETE = 16, GR_HEAD = 32 };

enum gr_auth {
    GR_AUTH_NONE = 0, /* public */
    GR_AUTH_USER = 1  /* a session or a bearer token */
};

struct gr_req;
typedef void (*gr_handler_fn)(struct gr_req *r);
/* A write run by the group commit (see gr_req_defer). */
typedef enum gr_err (*gr_write_fn)(struct gr_req *r, void *arg);

struct gr_route {
    unsigned methods;
    const char *pattern; /* "/api/v1/nodes/{}/coverage": {} matches one segment */
    gr_handler_fn fn;
    enum gr_auth auth;
    size_t body_limit; /* bytes; 0 = the default */
};

/* The route table (api/routes.c). Ended by a zeroed entry. */
extern const struct gr_route gr_routes[];

struct gr_server;

#define GR_MAX_PARAMS 4

struct gr_req {
    struct gr_server *srv;
    void *conn; /* struct MHD_Connection */
    enum gr_method method;
    const char *url;
    char url_buf[256];
    struct gr_arena arena;
    struct gr_buf body;
    bool body_too_big;
    bool url_too_long; /* path and query over the limit */
    unsigned allow;    /* methods the path answers, when the method was wrong */
    struct gr_store *st;
    const struct gr_route *route;
    const char *params[GR_MAX_PARAMS];
    size_t n_params;
    /* Authentication. */
    bool authed;
    bool via_cookie;
    struct gr_principal who;
    char csrf[72];
    char session_hash[72];
    char client[64];
    /* The reply. */
    int status;
    char *resp;
    size_t resp_len;
    const char *resp_type;
    char *set_cookie;
    const char *cache_control;
    bool resp_static; /* resp points at static memory */
    /* Group commit: the write waiting for the writer thread, and whether it ran. */
    gr_write_fn defer_fn;
    void *defer_arg;
    void (*answer_fn)(struct gr_req *r, void *arg);
    void *answer_arg;
    bool deferred, resumed;
    struct gr_req *next_job;
    int64_t start_us;
};

/* Request input. */
const char *gr_req_header(struct gr_req *r, const char *name);
const char *gr_req_query(struct gr_req *r, const char *name);
const char *gr_req_cookie(struct gr_req *r, const char *name);
/* Parse the body as a JSON object (depth and size checked); replies 400 and returns NULL
 * on failure. The caller owns the result (json_decref). */
json_t *gr_req_json(struct gr_req *r);
/* Path parameter i as a positive id; replies 404 and returns false when it is not one. */
bool gr_req_id(struct gr_req *r, size_t i, int64_t *id);
/* Query parameter as an integer in [lo, hi] (def when absent); replies 400 when invalid. */
bool gr_req_int(struct gr_req *r, const char *name, int64_t lo, int64_t hi, int64_t def,
                int64_t *out);

/* Replies. Each takes ownership of what it is given and may be called once; gr_reply_raw
 * copies the type, gr_reply_static keeps it (give it static text). */
void gr_reply_json(struct gr_req *r, int status, json_t *body);
void gr_reply_raw(struct gr_req *r, int status, const char *type, char *body, size_t len);
void gr_reply_static(struct gr_req *r, int status, const char *type, const void *body, size_t len);
/* The error body {"error":{"code","message","field"}} with the status of err. */
void gr_reply_error(struct gr_req *r, enum gr_err err, const char *field, const char *message);
/* Same with an explicit HTTP status and code. */
void gr_reply_error_code(struct gr_req *r, int status, const char *code, const char *field,
                         const char *message);
/* HTTP status for a result code. */
int gr_err_status(enum gr_err err);

/* Lists: {"items": [...], "next": "cursor"|null}. Takes ownership of items. */
void gr_reply_list(struct gr_req *r, json_t *items, bool more, int64_t last_id);
/* Read ?limit= and ?cursor=; replies 400 and returns false when invalid. */
bool gr_req_page(struct gr_req *r, int *limit, int64_t *after);

/* Group commit. A handler that has checked its input hands its writes to the server's
 * writer thread: fn runs there with r->st set to the writer's store, inside one
 * transaction shared by many requests. fn replies, and returns GR_OK to keep its writes or
 * an error to have them undone (it must not begin, commit or roll back itself). fn may run
 * more than once: when another write of its batch fails, the batch is undone and runs
 * again (see run_batch in server.c), so fn does nothing outside the store but reply. The
 * connection is suspended meanwhile and the answer goes out only after the transaction is
 * on disk; if the commit fails every answer of the batch becomes a 500 and nothing was
 * acknowledged. */
void gr_req_defer(struct gr_req *r, gr_write_fn fn, void *arg);
/* Instead of replying, a write that succeeded may leave its answer to fn, which builds it
 * on a pool thread once the write is on disk, with r->st that thread's store: the writer's
 * time is the server's scarcest. */
typedef void (*gr_answer_fn)(struct gr_req *r, void *arg);
void gr_req_answer_later(struct gr_req *r, gr_answer_fn fn, void *arg);

/* The map: an opaque, read-only state (the locate index and a cache of the nodes) built by
 * cfg.map_load, read by many threads under a shared lock, rebuilt and swapped whole when
 * a node or a boundary changes. */
const void *gr_server_map_acquire(struct gr_server *s);
void gr_server_map_release(struct gr_server *s);
enum gr_err gr_server_map_reload(struct gr_server *s, struct gr_store *st);
/* Login throttling: true when login or address is locked out now. */
bool gr_server_throttled(struct gr_server *s, const char *login, const char *addr);
void gr_server_login_failed(struct gr_server *s, const char *login, const char *addr);
void gr_server_login_ok(struct gr_server *s, const char *login, const char *addr);
/* Prometheus text of the server's counters into b. */
void gr_server_metrics(struct gr_server *s, struct gr_buf *b);

/* Configuration, filled once: defaults, then flags. */
struct gr_server_config {
    const char *db_path;
    const char *listen_host; /* "127.0.0.1" */
    unsigned short port;     /* 0 = any */
    unsigned threads;
    const char *web_dir; /* serve this folder instead of the embedded app */
    bool quiet;          /* no request log lines */
    /* The map's life cycle (see gr_server_map_acquire). */
    enum gr_err (*map_load)(struct gr_store *st, void **out);
    void (*map_free)(void *map);
    size_t (*map_count)(const void *map); /* grids indexed, for /metrics */
    /* Periodic work (the deadline sweep): tick runs every tick_seconds on a thread and a
     * store of its own; 0 or NULL: never. */
    void (*tick)(struct gr_store *st, int64_t now);
    unsigned tick_seconds;
};

/* Run until SIGTERM or SIGINT. Prints "listening on http://HOST:PORT" on stdout once
 * ready. Returns GR_OK after a clean shutdown. */
enum gr_err gr_server_run(const struct gr_server_config *cfg);

/* Crypto helpers (libsodium): hex of SHA-256, random tokens, password hashing. */
void gr_sha256_hex(const char *s, size_t n, char out[65]);
void gr_random_hex(size_t bytes, char *out); /* out holds 2*bytes+1 */
enum gr_err gr_password_hash(const char *pw, char *out, size_t cap);
bool gr_password_verify(const char *hash, const char *pw);
/* Once at start-up. */
enum gr_err gr_crypto_init(void);

#endif
