/*
 * util.c - small helpers the API handlers share: JSON members checked with errors that
 * name them, and times in ISO 8601.
 */
#include <string.h>
#include <time.h>

#include "../base/text.h"
#include "../core/calendar.h"
#include "api.h"

bool gr_api_one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" to Unix seconds. */
bool gr_api_parse_time(const char *s, int64_t *out)
{
    return gr_time_parse(s, GR_TIME_UTC, 0, out);
}

void gr_api_time_text(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *gr_api_time(int64_t t)
{
    if (!t)
        return json_null();
    char buf[32];
    gr_api_time_text(t, buf);
    return json_string(buf);
}

/* A string member of obj: required or not, 1..max characters. Replies on error. */
bool gr_api_text(struct gr_req *r, json_t *obj, const char *name, bool required, size_t max,
                 const char **out)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            gr_reply_error(r, GR_EINVAL, name, "is required");
        return !required;
    }
    if (!json_is_string(v)) {
        gr_reply_error(r, GR_EINVAL, name, "must be a string");
        return false;
    }
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n == 0 || gr_utf8_len(s, n) > max || memchr(s, 0, n)) {
        char *msg = gr_arena_printf(&r->arena, "must be 1 to %zu characters", max);
        gr_reply_error(r, GR_EINVAL, name, msg);
        return false;
    }
    *out = s;
    return true;
}

/* Reject members not in the list. */
bool gr_api_only(struct gr_req *r, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (!gr_api_one_of(key, allowed)) {
            gr_reply_error(r, GR_EINVAL, gr_arena_strndup(&r->arena, key, strlen(key)),
                           "is not a field here");
            return false;
        }
    }
    return true;
}

bool gr_api_ids(struct gr_req *r, json_t *obj, const char *name, size_t max, bool distinct,
                int64_t *out, size_t *n)
{
    json_t *l = json_object_get(obj, name), *x;
    size_t i;
    *n = 0;
    if (!l)
        return true;
    bool ok = json_is_array(l) && json_array_size(l) <= max;
    json_array_foreach(l, i, x)
    {
        if (!ok)
            break;
        ok = json_is_integer(x) && json_integer_value(x) > 0;
        for (size_t k = 0; ok && distinct && k < *n; k++)
            ok = out[k] != json_integer_value(x);
        if (ok)
            out[(*n)++] = json_integer_value(x);
    }
    if (!ok)
        gr_reply_error(r, GR_EINVAL, name,
                       gr_arena_printf(&r->arena, "must be a list of at most %zu %sids", max,
                                       distinct ? "distinct " : ""));
    return ok;
}

const char *gr_api_photo(struct gr_req *r)
{
    const unsigned char *b = (const unsigned char *)r->body.data;
    size_t n = r->body.len;
    const char *mime = NULL;
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        mime = "image/jpeg";
    else if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        mime = "image/png";
    const char *ct = gr_req_header(r, "Content-Type");
    if (!n)
        gr_reply_error(r, GR_EINVAL, "photo", "the body must be the image's bytes");
    else if (n > GR_PHOTO_MAX)
        gr_reply_error(r, GR_ETOOBIG, "photo", "a photo may be at most 4 MiB");
    else if (!mime || (ct && strncmp(ct, mime, strlen(mime)) != 0))
        gr_reply_error(r, GR_EINVAL, "photo", "must be a JPEG or PNG image, sent as such");
    else
        return mime;
    return NULL;
}
