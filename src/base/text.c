/* text.c - UTF-8 validation, strict number parsing, masking of personal data. */
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool gr_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

size_t gr_utf8_len(const char *str, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)str[i] & 0xC0) != 0x80)
            count++;
    return count;
}

enum gr_err gr_parse_i64(const char *s, size_t n, int64_t *out)
{
    char tmp[32];
    if (n == 0 || n >= sizeof(tmp) || memchr(s, '\0', n))
        return GR_EINVAL;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (!(tmp[0] == '-' || (tmp[0] >= '0' && tmp[0] <= '9')))
        return GR_EINVAL;
    char *end;
    errno = 0;
    long long v = strtoll(tmp, &end, 10);
    if (errno || *end || end == tmp)
        return GR_EINVAL;
    *out = v;
    return GR_OK;
}

enum gr_err gr_parse_f64(const char *s, size_t n, double *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof(tmp))
        return GR_EINVAL;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    for (size_t i = 0; i < n; i++) {
        char c = tmp[i];
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'))
            return GR_EINVAL;
    }
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (errno || *end || end == tmp || !isfinite(v))
        return GR_EINVAL;
    *out = v;
    return GR_OK;
}

bool gr_date_valid(const char *s, size_t n)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

void gr_fmt_double(double d, char *out, size_t cap)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

/* Copy at most cap-1 bytes of p[0..n) into out, NUL-terminated; returns bytes copied. */
static size_t put(char *out, size_t cap, size_t at, const char *p, size_t n)
{
    if (at >= cap)
        return at;
    if (n > cap - 1 - at)
        n = cap - 1 - at;
    memcpy(out + at, p, n);
    out[at + n] = '\0';
    return at + n;
}

void gr_mask_name(const char *s, size_t n, char *out, size_t cap)
{
    if (!cap)
        return;
    out[0] = '\0';
    if (n == 0)
        return;
    size_t first = 1;
    while (first < n && ((unsigned char)s[first] & 0xC0) == 0x80)
        first++;
    if (first >= cap)
        return; /* the first character does not fit whole: write nothing */
    size_t rest = gr_utf8_len(s + first, n - first);
    size_t at = put(out, cap, 0, s, first);
    if (rest == 0)
        rest = 1;
    for (size_t i = 0; i < rest && i < 8; i++)
        at = put(out, cap, at, "*", 1);
}

static void mask_keep(const char *s, size_t n, size_t head, size_t tail, char *out, size_t cap)
{
    if (!cap)
        return;
    out[0] = '\0';
    if (n <= head + tail) {
        put(out, cap, 0, "***", 3);
        return;
    }
    size_t at = put(out, cap, 0, s, head);
    for (size_t i = 0; i < n - head - tail && i < 16; i++)
        at = put(out, cap, at, "*", 1);
    put(out, cap, at, s + n - tail, tail);
}

void gr_mask_phone(const char *s, size_t n, char *out, size_t cap)
{
    mask_keep(s, n, 3, 4, out, cap);
}

void gr_mask_idnum(const char *s, size_t n, char *out, size_t cap)
{
    mask_keep(s, n, 4, 4, out, cap);
}
