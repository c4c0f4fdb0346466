/* buf.c - bounded growable buffer. */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

void gr_buf_init(struct gr_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void gr_buf_cleanup(struct gr_buf *b)
{
    free(b->data);
    gr_buf_init(b, b->max);
}

void gr_buf_reset(struct gr_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static enum gr_err grow(struct gr_buf *b, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return GR_ETOOBIG;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return GR_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (b->max < SIZE_MAX && cap > b->max + 1)
        cap = b->max + 1;
    b->data = gr_realloc(b->data, cap);
    b->cap = cap;
    return GR_OK;
}

enum gr_err gr_buf_reserve(struct gr_buf *b, size_t n)
{
    return grow(b, n);
}

enum gr_err gr_buf_add(struct gr_buf *b, const void *p, size_t n)
{
    enum gr_err e = grow(b, n);
    if (e)
        return e;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return GR_OK;
}

enum gr_err gr_buf_adds(struct gr_buf *b, const char *s)
{
    return gr_buf_add(b, s, strlen(s));
}

enum gr_err gr_buf_addc(struct gr_buf *b, char c)
{
    return gr_buf_add(b, &c, 1);
}

enum gr_err gr_buf_printf(struct gr_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return GR_EINVAL;
    if ((size_t)n < sizeof(small))
        return gr_buf_add(b, small, (size_t)n);
    enum gr_err e = grow(b, (size_t)n);
    if (e)
        return e;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return GR_OK;
}

enum gr_err gr_buf_json_str(struct gr_buf *b, const char *s)
{
    if (!s)
        return gr_buf_add(b, "null", 4);
    size_t len = b->len;
    enum gr_err e = gr_buf_addc(b, '"');
    const char *run = s; /* the bytes since the last escape, added in one go */
    for (const char *p = s; !e && *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        char esc[8];
        int n = c == '"'    ? snprintf(esc, sizeof(esc), "\\\"")
                : c == '\\' ? snprintf(esc, sizeof(esc), "\\\\")
                : c == '\n' ? snprintf(esc, sizeof(esc), "\\n")
                : c == '\t' ? snprintf(esc, sizeof(esc), "\\t")
                : c == '\r' ? snprintf(esc, sizeof(esc), "\\r")
                            : snprintf(esc, sizeof(esc), "\\u%04x", c);
        if (!(e = gr_buf_add(b, run, (size_t)(p - run))))
            e = gr_buf_add(b, esc, (size_t)n);
        run = p + 1;
    }
    if (!e)
        e = gr_buf_adds(b, run);
    if (!e)
        e = gr_buf_addc(b, '"');
    if (e) { /* all or nothing, like every append */
        b->len = len;
        if (b->data)
            b->data[len] = '\0';
    }
    return e;
}

char *gr_buf_take(struct gr_buf *b, size_t *len)
{
    char *p = b->data ? b->data : gr_strdup("");
    if (len)
        *len = b->len;
    gr_buf_init(b, b->max);
    return p;
}
