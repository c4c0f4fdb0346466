/*
 * web.c - the web app: files embedded at build time (web/dist), or a folder given with
 * --web while developing. "/" is index.html; the app uses hash routes, so no fallback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

struct gr_embedded {
    const char *path;
    const unsigned char *data;
    size_t size;
};
extern const struct gr_embedded gr_webassets[];

static const char *mime(const char *path)
{
    static const struct {
        const char *ext, *type;
    } t[] = {{".html", "text/html; charset=utf-8"},
             {".js", "text/javascript; charset=utf-8"},
             {".mjs", "text/javascript; charset=utf-8"},
             {".css", "text/css; charset=utf-8"},
             {".json", "application/json"},
             {".svg", "image/svg+xml"},
             {".png", "image/png"},
             {".jpg", "image/jpeg"},
             {".ico", "image/x-icon"},
             {".woff2", "font/woff2"},
             {".txt", "text/plain; charset=utf-8"}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(dot, t[i].ext) == 0)
            return t[i].type;
    return "application/octet-stream";
}

static bool safe_path(const char *p)
{
    return !strstr(p, "..") && !strstr(p, "//") && !strchr(p, '\\');
}

void gr_serve_web(struct gr_req *r)
{
    if (r->method != GR_GET && r->method != GR_HEAD) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such resource");
        return;
    }
    const char *path = r->url[0] == '/' ? r->url + 1 : r->url;
    if (!*path)
        path = "index.html";
    if (strncmp(r->url, "/api/", 5) == 0 || !safe_path(path)) {
        gr_reply_error(r, GR_ENOTFOUND, NULL, "no such resource");
        return;
    }
    bool hashed = strncmp(path, "assets/", 7) == 0;
    r->cache_control = hashed ? "public, max-age=31536000, immutable" : "no-cache";
    const struct gr_server_config *cfg = gr_server_config(r->srv);
    if (cfg->web_dir) {
        char *full = gr_arena_printf(&r->arena, "%s/%s", cfg->web_dir, path);
        FILE *f = fopen(full, "rb");
        if (!f) {
            gr_reply_error(r, GR_ENOTFOUND, NULL, "no such resource");
            return;
        }
        struct gr_buf b;
        gr_buf_init(&b, 64u << 20);
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            if (gr_buf_add(&b, chunk, n) != GR_OK)
                break;
        fclose(f);
        size_t len;
        char *data = gr_buf_take(&b, &len);
        gr_reply_raw(r, 200, mime(path), data, len);
        return;
    }
    for (const struct gr_embedded *e = gr_webassets; e->path; e++) {
        if (strcmp(e->path, path) == 0) {
            gr_reply_static(r, 200, mime(path), e->data, e->size);
            return;
        }
    }
    if (strcmp(path, "index.html") == 0) {
        static const char none[] =
            "<!doctype html><meta charset=utf-8><title>grassroots</title>"
            "<p>The web app was not built into this binary: run <code>make</code>.</p>";
        gr_reply_static(r, 200, "text/html; charset=utf-8", none, sizeof(none) - 1);
        return;
    }
    gr_reply_error(r, GR_ENOTFOUND, NULL, "no such resource");
}
