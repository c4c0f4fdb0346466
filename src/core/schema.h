/*
 * schema.h - the organisation network as data: kinds of record and their fields.
 *
 * Every network table (buildings, units, households, residents, party organisations,
 * members, posts, member-household links, stakeholder organisations, co-building
 * links, and the administrative nodes) is described here once. The API validates
 * JSON against these descriptors, the CSV importer validates rows against them, the
 * store builds its SQL from them and the demo generator emits rows through them, so
 * a field is added in one place.
 *
 * A record that grows with the population carries its ancestor ids (city, district,
 * street, community, grid); the store derives them from the record's scope parent.
 */
#ifndef GR_SCHEMA_H
#define GR_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/* Levels of the administrative tree; values are stored, never renumber. */
enum gr_level {
    GR_LEVEL_NONE = 0,
    GR_LEVEL_CITY = 1,
    GR_LEVEL_DISTRICT = 2,
    GR_LEVEL_STREET = 3,
    GR_LEVEL_COMMUNITY = 4,
    GR_LEVEL_GRID = 5
};
#define GR_N_LEVELS 5

/* "city", "district", ... or NULL for GR_LEVEL_NONE. */
const char *gr_level_name(enum gr_level level);
/* GR_LEVEL_NONE when name is not a level. */
enum gr_level gr_level_parse(const char *name, size_t len);

enum gr_ftype {
    GR_FT_INT,  /* 64-bit integer, within [min, max] */
    GR_FT_REAL, /* finite double, within [min, max] */
    GR_FT_TEXT, /* UTF-8, at most max_len code points */
    GR_FT_ENUM, /* one of enum_values, stored as text */
    GR_FT_BOOL, /* stored as 0/1 */
    GR_FT_DATE, /* YYYY-MM-DD, stored as text */
    GR_FT_REF   /* id of a record of ref_kind */
};

enum gr_fflag {
    GR_FF_REQUIRED = 1u << 0, /* must be present and non-null on create */
    GR_FF_PERSONAL = 1u << 1, /* personal data: masked for callers who do not need it */
    GR_FF_UNIQUE = 1u << 2,   /* unique across the table (codes) */
    GR_FF_SEARCH = 1u << 3,   /* matched by ?q= */
    GR_FF_DERIVED = 1u << 4,  /* maintained by the store; read-only in the API */
    GR_FF_IMMUTABLE = 1u << 5 /* set on create, never changed (scope parents) */
};

enum gr_mask {
    GR_MASK_NONE = 0,
    GR_MASK_NAME,
    GR_MASK_PHONE,
    GR_MASK_IDNUM,
    GR_MASK_HIDE /* address-like: replaced by null */
};

struct gr_field {
    const char *name;
    enum gr_ftype type;
    unsigned flags;
    enum gr_mask mask;
    int max_len;                    /* TEXT: code points */
    double min, max;                /* INT, REAL */
    const char *const *enum_values; /* ENUM: NULL-terminated */
    const char *ref_kind;           /* REF: kind name ("nodes", "buildings"...) */
    enum gr_level ref_level;        /* REF to nodes: required level, or NONE */
};

enum gr_kind_id {
    GR_K_NODES = 0,
    GR_K_BUILDINGS,
    GR_K_UNITS,
    GR_K_HOUSEHOLDS,
    GR_K_RESIDENTS,
    GR_K_PARTY_ORGS,
    GR_K_PARTY_MEMBERS,
    GR_K_POSTS,
    GR_K_MEMBER_HOUSEHOLDS,
    GR_K_ORGANISATIONS,
    GR_K_COBUILD_LINKS,
    GR_N_KINDS
};

struct gr_kind {
    enum gr_kind_id id;
    const char *name; /* API path segment, table name and CSV import kind */
    const char *label_zh;
    const struct gr_field *fields;
    size_t n_fields;
    /* Names of the fields that give the scope parent, most specific first; the
     * first non-null one is used to derive the ancestor ids. */
    const char *const *scope_fields;
    /* The field shown as the record's title in lists and gaps. */
    const char *title_field;
};

/* A value of a field. Text is not owned: it points into the caller's memory. */
struct gr_value {
    bool present;  /* given (create/update) or non-null (read) */
    bool null;     /* explicitly null */
    int64_t i;     /* INT, BOOL, REF */
    double d;      /* REAL */
    const char *s; /* TEXT, ENUM, DATE */
    size_t len;
};

/* Ancestor ids of a record; 0 where the level does not apply. Index by enum gr_level. */
struct gr_anc {
    int64_t id[GR_N_LEVELS + 1];
};

const struct gr_kind *gr_kind_get(enum gr_kind_id id);
/* NULL when name is not a kind. */
const struct gr_kind *gr_kind_find(const char *name, size_t len);
/* Index of the field called name in k, or -1. */
int gr_kind_field(const struct gr_kind *k, const char *name, size_t len);

/* The outcome of a validation: the field at fault and a message (static text, or text
 * inside this struct: do not use message after the struct is gone or copied). */
struct gr_verr {
    const char *field;
    const char *message;
    enum gr_err code;
    char text[256];
};

/* Check one value against its field: type, range, length, UTF-8, enum membership.
 * Returns GR_OK or GR_EINVAL with *ve filled. */
enum gr_err gr_field_check(const struct gr_field *f, const struct gr_value *v, struct gr_verr *ve);
/* Check a whole record: every present value and, when creating, every required field.
 * Also the cross-field rules of the kind (a building leader names a building...). */
enum gr_err gr_record_check(const struct gr_kind *k, const struct gr_value *vals, bool creating,
                            struct gr_verr *ve);

#endif
