/*
 * buf.h - a growable byte buffer with a hard maximum (after curl's dynbuf).
 *
 * The content is always NUL-terminated. An append past the maximum fails with
 * GR_ETOOBIG and leaves the buffer as it was.
 */
#ifndef GR_BUF_H
#define GR_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

struct gr_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

void gr_buf_init(struct gr_buf *b, size_t max);
void gr_buf_cleanup(struct gr_buf *b);
void gr_buf_reset(struct gr_buf *b);
/* Make room for n more bytes now, so that the next appends up to n do not move data. */
enum gr_err gr_buf_reserve(struct gr_buf *b, size_t n);
enum gr_err gr_buf_add(struct gr_buf *b, const void *p, size_t n);
enum gr_err gr_buf_adds(struct gr_buf *b, const char *s);
enum gr_err gr_buf_addc(struct gr_buf *b, char c);
enum gr_err gr_buf_printf(struct gr_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s as a JSON string, quoted and escaped ('"', '\\' and control characters; the
 * rest of valid UTF-8 as it is), or null when s is NULL. For answers written without
 * building a tree first. */
enum gr_err gr_buf_json_str(struct gr_buf *b, const char *s);
/* Give the content to the caller (who frees it) and reset the buffer. */
char *gr_buf_take(struct gr_buf *b, size_t *len);

#endif
