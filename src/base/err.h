/*
 * err.h - the one result code of grassroots.
 *
 * Fallible functions return enum gr_err and hand results through out-parameters.
 * Members are append-only: a value once shipped never changes meaning.
 */
#ifndef GR_ERR_H
#define GR_ERR_H

enum gr_err {
    GR_OK = 0,
    GR_EINVAL = 1,     /* bad input: a field is missing, malformed or out of range */
    GR_ENOTFOUND = 2,  /* no such thing, or not visible to the caller */
    GR_ECONFLICT = 3,  /* duplicate, or the state forbids it */
    GR_EFORBIDDEN = 4, /* the caller may not do this */
    GR_EDB = 5,        /* the store failed */
    GR_EIO = 6,        /* a file or socket failed */
    GR_ETOOBIG = 7,    /* over a size limit */
    GR_EAUTH = 8,      /* not authenticated */
    GR_EBUSY = 9,      /* throttled or locked: try later */
    GR_EINTERNAL = 10  /* a bug */
};

/* Return a static, lowercase snake_case name for err ("invalid", "not_found"...). */
const char *gr_strerror(enum gr_err err);

#endif
