/*
 * http_int.h - private to src/http: limits and helpers shared between its files.
 */
#ifndef GR_HTTP_INT_H
#define GR_HTTP_INT_H

#include <arpa/inet.h>
#include <netinet/in.h>

#include "../base/text.h"
#include "http.h"

#define GR_JSON_MAX_DEPTH 32
/* Per-connection memory for headers and the request line (libmicrohttpd answers 431
 * past it). */
#define GR_HEADER_MEMORY (16u * 1024u)

/* Constant-time comparison of n bytes. */
bool gr_ct_equal(const char *a, const char *b, size_t n);
/* Serve the web app (embedded, or from cfg.web_dir) for a path no route took. */
void gr_serve_web(struct gr_req *r);
const struct gr_server_config *gr_server_config(struct gr_server *s);

#endif
