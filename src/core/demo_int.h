/*
 * demo_int.h - private pieces shared by demo.c and demo_names.c: the random number
 * generator, a fixed-size text builder, and the name and place tables.
 *
 * Everything is deterministic: the only source of variety is the generator's state.
 */
#ifndef GR_DEMO_INT_H
#define GR_DEMO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- xoshiro256** seeded with splitmix64 (Blackman and Vigna, public domain). ---- */

struct gr_demo_rng {
    uint64_t s[4];
};

/* The splitmix64 finaliser: a good stateless hash of one 64-bit word. */
static inline uint64_t gr_demo_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static inline void gr_demo_rng_seed(struct gr_demo_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        seed += 0x9e3779b97f4a7c15ull;
        r->s[i] = gr_demo_mix(seed);
    }
}

static inline uint64_t gr_demo_rng_next(struct gr_demo_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in [0, n) (n > 0), by multiply-shift: the bias is below 2^-32. */
static inline uint32_t gr_demo_rng_below(struct gr_demo_rng *r, uint32_t n)
{
    return (uint32_t)(((gr_demo_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi], both inclusive. */
static inline int gr_demo_rng_range(struct gr_demo_rng *r, int lo, int hi)
{
    return lo + (int)gr_demo_rng_below(r, (uint32_t)(hi - lo + 1));
}

/* Uniform in [0, 1). */
static inline double gr_demo_rng_unit(struct gr_demo_rng *r)
{
    return (double)(gr_demo_rng_next(r) >> 11) * 0x1.0p-53;
}

static inline bool gr_demo_rng_chance(struct gr_demo_rng *r, double p)
{
    return gr_demo_rng_unit(r) < p;
}

/* ---- Text built in a fixed buffer: appends past the end are cut, never overrun. ---- */

#define GR_DEMO_TEXT_CAP 160

struct gr_demo_text {
    size_t len;
    char s[GR_DEMO_TEXT_CAP];
};

static inline void gr_demo_text_clear(struct gr_demo_text *t)
{
    t->len = 0;
    t->s[0] = '\0';
}

static inline void gr_demo_text_addn(struct gr_demo_text *t, const char *s, size_t n)
{
    if (n > GR_DEMO_TEXT_CAP - 1 - t->len)
        n = GR_DEMO_TEXT_CAP - 1 - t->len;
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static inline void gr_demo_text_add(struct gr_demo_text *t, const char *s)
{
    gr_demo_text_addn(t, s, strlen(s));
}

/* Append v in decimal, zero-padded to at least width digits. */
static inline void gr_demo_text_num(struct gr_demo_text *t, uint64_t v, int width)
{
    char d[24]; /* 20 digits at most, and padding up to the rest */
    size_t p = sizeof(d);
    do {
        d[--p] = (char)('0' + v % 10);
        v /= 10;
    } while (v && p > 0);
    while (p > 0 && sizeof(d) - p < (size_t)(width > 0 ? width : 0))
        d[--p] = '0';
    gr_demo_text_addn(t, d + p, sizeof(d) - p);
}

/* ---- Names, numbers and places (demo_names.c). ---- */

/* A district of the demo city: its name, its 6-digit county code and the real names of its
 * streets and towns (NULL-terminated; more are made up when a scale needs them). */
struct gr_demo_district {
    const char *name;
    const char *code;
    bool county; /* made-up streets of a county are towns (镇) rather than 街道 */
    const char *const *streets;
};

extern const struct gr_demo_district gr_demo_districts[];
extern const size_t gr_demo_n_districts;

/* A NULL-terminated list of words and its length. */
struct gr_demo_list {
    const char *const *w;
    size_t n;
};

/* Two-character place words (streets, communities, estates), suffixes, roads... */
extern const struct gr_demo_list gr_demo_places;
extern const struct gr_demo_list gr_demo_community_suffixes;
extern const struct gr_demo_list gr_demo_village_suffixes;
extern const struct gr_demo_list gr_demo_estate_suffixes;
extern const struct gr_demo_list gr_demo_roads;
extern const struct gr_demo_list gr_demo_departments; /* the first is 城市管理局 */
extern const struct gr_demo_list gr_demo_brands;
extern const struct gr_demo_list gr_demo_industries;
extern const struct gr_demo_list gr_demo_work_units;
extern const struct gr_demo_list gr_demo_cobuild_contents;

static inline const char *gr_demo_pick(struct gr_demo_rng *r, const struct gr_demo_list *l)
{
    return l->w[gr_demo_rng_below(r, (uint32_t)l->n)];
}

/* The surname table as a lookup: a uniform 12-bit draw picks a surname in proportion to
 * how common it is. Filled once by gr_demo_names_init(). */
#define GR_DEMO_SURNAME_LUT 4096
struct gr_demo_names {
    uint16_t surname[GR_DEMO_SURNAME_LUT];
};

void gr_demo_names_init(struct gr_demo_names *nm);
const char *gr_demo_surname(const struct gr_demo_names *nm, struct gr_demo_rng *r);
/* Append a given name fitting the gender and the generation of birth_year. */
void gr_demo_given_name(struct gr_demo_rng *r, bool male, int birth_year, struct gr_demo_text *t);
/* A full name: a surname from the table (or the given one) and a given name. */
void gr_demo_person_name(const struct gr_demo_names *nm, struct gr_demo_rng *r, const char *surname,
                         bool male, int birth_year, struct gr_demo_text *t);
/* An 11-digit mobile number, NUL-terminated. */
void gr_demo_phone(struct gr_demo_rng *r, char out[12]);
/* A Nanchang landline "0791-8xxxxxxx", NUL-terminated. */
void gr_demo_landline(struct gr_demo_rng *r, char out[16]);
/* A Jiangxi county code for a birthplace: mostly local, otherwise elsewhere in Jiangxi. */
const char *gr_demo_birthplace(struct gr_demo_rng *r, const char *local);
/* An 18-character resident id number (GB 11643) with its ISO 7064 MOD 11-2 check digit. */
void gr_demo_id_number(struct gr_demo_rng *r, const char *region, int year, bool male,
                       char out[19]);
/* The ISO 7064 MOD 11-2 check character of the first 17 digits of an id number. */
char gr_demo_id_check(const char *first17);
/* An 18-character unified social credit code (GB 32100): kind2 is the registration
 * authority and type ("91" enterprise...), serial makes it unique within a run. */
void gr_demo_uscc(const char *kind2, const char *region, uint64_t serial, uint64_t salt,
                  char out[19]);
/* "YYYY-MM-DD" for a day in the years [y0, y1], NUL-terminated. */
void gr_demo_date(struct gr_demo_rng *r, int y0, int y1, char out[11]);

#endif
