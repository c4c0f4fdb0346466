/*
 * csv.h - RFC 4180 CSV: a reader over a buffer in memory and a field writer.
 *
 * The reader tolerates a UTF-8 byte-order mark, CRLF or LF line ends, and quoted fields
 * with doubled quotes and embedded newlines. Unquoted fields point into the buffer;
 * quoted fields with doubled quotes are unescaped into a scratch buffer.
 */
#ifndef GR_CSV_H
#define GR_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define GR_CSV_MAX_FIELDS 64

struct gr_csv_field {
    const char *s;
    size_t len;
};

struct gr_csv {
    const char *p, *end;
    size_t line;      /* line of the record just read (1-based) */
    size_t next_line; /* line where the next record starts */
    size_t n;         /* fields in the record just read */
    struct gr_csv_field f[GR_CSV_MAX_FIELDS];
    struct gr_buf scratch;
    const char *error; /* static message after GR_EINVAL */
};

void gr_csv_init(struct gr_csv *c, const char *data, size_t len);
void gr_csv_cleanup(struct gr_csv *c);
/* Read the next record. Returns GR_OK with c->n fields, GR_ENOTFOUND at the end, or
 * GR_EINVAL (c->error says why) for a malformed record. */
enum gr_err gr_csv_next(struct gr_csv *c);

/* Append one field to b, quoted when it needs to be, preceded by a comma unless first. */
void gr_csv_put(struct gr_buf *b, const char *s, size_t len, bool first);

#endif
