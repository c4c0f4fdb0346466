/*
 * text.h - small text helpers: UTF-8 validation, number parsing, masking.
 *
 * Everything here is pure and allocation-free unless it says otherwise.
 */
#ifndef GR_TEXT_H
#define GR_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* True when s[0..n) is well-formed UTF-8 without NUL bytes or overlong forms. */
bool gr_utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 s[0..n). */
size_t gr_utf8_len(const char *s, size_t n);

/* Parse a whole decimal integer; GR_EINVAL on junk, sign errors or overflow. */
enum gr_err gr_parse_i64(const char *s, size_t n, int64_t *out);
/* Parse a whole decimal real (finite); GR_EINVAL otherwise. */
enum gr_err gr_parse_f64(const char *s, size_t n, double *out);
/* True when s is an ISO 8601 calendar date YYYY-MM-DD that exists. */
bool gr_date_valid(const char *s, size_t n);

/* The shortest decimal text (%.15g to %.17g) that reads back as exactly d. */
void gr_fmt_double(double d, char *out, size_t cap);

/* Masking of personal data, written into out (NUL-terminated, at most cap bytes).
 * A name keeps its first character: "张三丰" -> "张**". A phone keeps the first 3
 * and last 4 digits: "13812345678" -> "138****5678". An id number keeps the first 4
 * and last 4. Anything else is replaced by "***". */
void gr_mask_name(const char *s, size_t n, char *out, size_t cap);
void gr_mask_phone(const char *s, size_t n, char *out, size_t cap);
void gr_mask_idnum(const char *s, size_t n, char *out, size_t cap);

#endif
