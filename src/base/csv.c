/* csv.c - CSV reader and writer (RFC 4180, with a BOM and LF line ends tolerated). */
#include "csv.h"

#include <string.h>

void gr_csv_init(struct gr_csv *c, const char *data, size_t len)
{
    memset(c, 0, sizeof(*c));
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    c->p = data;
    c->end = data + len;
    c->next_line = 1;
    gr_buf_init(&c->scratch, (size_t)16 << 20);
}

void gr_csv_cleanup(struct gr_csv *c)
{
    gr_buf_cleanup(&c->scratch);
}

enum gr_err gr_csv_next(struct gr_csv *c)
{
    c->n = 0;
    c->line = c->next_line;
    gr_buf_reset(&c->scratch);
    if (c->p >= c->end)
        return GR_ENOTFOUND;
    /* Offsets into scratch for unescaped fields, fixed up after it stops growing. */
    size_t offs[GR_CSV_MAX_FIELDS];
    bool in_scratch[GR_CSV_MAX_FIELDS];
    for (;;) {
        if (c->n == GR_CSV_MAX_FIELDS) {
            c->error = "too many fields in the record";
            return GR_EINVAL;
        }
        struct gr_csv_field *f = &c->f[c->n];
        in_scratch[c->n] = false;
        if (c->p < c->end && *c->p == '"') {
            const char *s = ++c->p;
            bool escaped = false;
            size_t start = c->scratch.len;
            for (;;) {
                if (c->p >= c->end) {
                    c->error = "a quoted field is not closed";
                    return GR_EINVAL;
                }
                if (*c->p == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        if (!escaped) {
                            gr_buf_add(&c->scratch, s, (size_t)(c->p - s));
                            escaped = true;
                        }
                        gr_buf_addc(&c->scratch, '"');
                        c->p += 2;
                        continue;
                    }
                    break;
                }
                if (*c->p == '\n')
                    c->next_line++;
                if (escaped)
                    gr_buf_addc(&c->scratch, *c->p);
                c->p++;
            }
            if (escaped) {
                offs[c->n] = start;
                f->len = c->scratch.len - start;
                in_scratch[c->n] = true;
            } else {
                f->s = s;
                f->len = (size_t)(c->p - s);
            }
            c->p++; /* the closing quote */
            if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                c->error = "text after a closing quote";
                return GR_EINVAL;
            }
        } else {
            const char *s = c->p;
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                if (*c->p == '"') {
                    c->error = "a quote inside an unquoted field";
                    return GR_EINVAL;
                }
                c->p++;
            }
            f->s = s;
            f->len = (size_t)(c->p - s);
        }
        c->n++;
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n')
            c->p++;
        c->next_line++;
        break;
    }
    for (size_t i = 0; i < c->n; i++)
        if (in_scratch[i])
            c->f[i].s = c->scratch.data + offs[i];
    return GR_OK;
}

void gr_csv_put(struct gr_buf *b, const char *s, size_t len, bool first)
{
    if (!first)
        gr_buf_addc(b, ',');
    bool quote = false;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        gr_buf_add(b, s, len);
        return;
    }
    gr_buf_addc(b, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            gr_buf_addc(b, '"');
        gr_buf_addc(b, s[i]);
    }
    gr_buf_addc(b, '"');
}
