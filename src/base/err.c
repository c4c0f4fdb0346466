/* err.c - names of the result codes. */
#include "err.h"

const char *gr_strerror(enum gr_err err)
{
    switch (err) {
    case GR_OK: return "ok";
    case GR_EINVAL: return "invalid";
    case GR_ENOTFOUND: return "not_found";
    case GR_ECONFLICT: return "conflict";
    case GR_EFORBIDDEN: return "forbidden";
    case GR_EDB: return "store_failed";
    case GR_EIO: return "io_failed";
    case GR_ETOOBIG: return "too_big";
    case GR_EAUTH: return "unauthenticated";
    case GR_EBUSY: return "busy";
    case GR_EINTERNAL: return "internal";
    }
    return "unknown";
}
