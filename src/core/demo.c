/*
 * demo.c - the synthetic city: administrative tree, tiling boundaries, population and the
 * party and stakeholder network around it, streamed to a sink.
 *
 * Grids are the cells of a jittered square lattice taken in Hilbert-curve order, so every
 * community, street and district is a run of consecutive grids: a connected block of cells
 * whose outline is traced from the cell edges it does not share. Neighbours share vertices,
 * so the levels tile exactly. Population is generated grid by grid with scratch buffers that
 * are reused, so memory stays flat whatever the scale.
 */
#include "demo.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "demo_int.h"

#define MAX_FIELDS 16
#define REF_YEAR 2025 /* the demo's "now": ages and dates are relative to it */
#define CITY_NAME "南昌市"
#define CITY_CODE "360100000000"
#define CENTER_LON 115.89
#define CENTER_LAT 28.68
#define CELL_DX 0.0036  /* lattice step, degrees of longitude (~350 m at 28.7 N) */
#define CELL_DY 0.0031  /* lattice step, degrees of latitude (~345 m) */
#define JITTER 0.2      /* vertex displacement, in cells */
#define MID_JITTER 0.12 /* displacement of edge midpoints, in cells */
#define WARP 1.2        /* amplitude of the smooth large-scale warp, in cells */
#define PROGRESS_EVERY 4096
#define MAX_PEOPLE 8
#define MAX_ESTATES 4
#define MAX_DEPTS 16
#define MAX_ENTERPRISES 16

#define TRY(x)                                                                                     \
    do {                                                                                           \
        enum gr_err try_e_ = (x);                                                                  \
        if (try_e_)                                                                                \
            return try_e_;                                                                         \
    } while (0)

/* ---- Scales. ---- */

struct scale {
    size_t districts;
    int streets_lo, streets_hi; /* per district */
    int comms_lo, comms_hi;     /* per street */
    int grids_lo, grids_hi;     /* per community */
    int households;             /* planned mean per grid (the last building overshoots ~5%) */
    int enterprises;            /* per district */
};

static const struct scale scales[] = {
    [GR_DEMO_SMALL] = {2, 2, 2, 3, 3, 8, 8, 300, 4},
    [GR_DEMO_CITY] = {15, 15, 25, 9, 18, 5, 10, 108, 10},
};

/* ---- Field indexes, resolved once by name so the schema may reorder fields. ---- */

struct fx {
    int n_parent, n_level, n_code, n_name, n_lat, n_lon;
    int b_grid, b_number, b_name, b_address, b_floors, b_year, b_lat, b_lon;
    int u_building, u_number, u_floors;
    int h_unit, h_room, h_area, h_head, h_phone, h_people, h_occupancy;
    int r_household, r_name, r_gender, r_birth, r_idnum, r_phone, r_relation;
    int o_node, o_parent, o_kind, o_name, o_code, o_building, o_founded;
    int m_node, m_org, m_name, m_gender, m_birth, m_phone, m_joined, m_in_service, m_work_unit,
        m_registered, m_household;
    int p_kind, p_person, p_phone, p_member, p_org, p_node, p_building, p_unit, p_since;
    int l_member, l_household, l_since;
    int s_node, s_kind, s_name, s_code, s_party_org, s_contact, s_phone, s_address;
    int c_party_org, c_org, c_title, c_signed, c_ends, c_content;
};

struct fx_name {
    enum gr_kind_id kind;
    const char *field;
    size_t off;
};

/* One line per field; clang-format would spread the macro's initialiser over four. */
/* clang-format off */
#define FX(k, f, m) {k, f, offsetof(struct fx, m)}
/* clang-format on */
static const struct fx_name fx_names[] = {
    FX(GR_K_NODES, "parent_id", n_parent),
    FX(GR_K_NODES, "level", n_level),
    FX(GR_K_NODES, "code", n_code),
    FX(GR_K_NODES, "name", n_name),
    FX(GR_K_NODES, "lat", n_lat),
    FX(GR_K_NODES, "lon", n_lon),
    FX(GR_K_BUILDINGS, "grid_id", b_grid),
    FX(GR_K_BUILDINGS, "number", b_number),
    FX(GR_K_BUILDINGS, "name", b_name),
    FX(GR_K_BUILDINGS, "address", b_address),
    FX(GR_K_BUILDINGS, "floors", b_floors),
    FX(GR_K_BUILDINGS, "built_year", b_year),
    FX(GR_K_BUILDINGS, "lat", b_lat),
    FX(GR_K_BUILDINGS, "lon", b_lon),
    FX(GR_K_UNITS, "building_id", u_building),
    FX(GR_K_UNITS, "number", u_number),
    FX(GR_K_UNITS, "floors", u_floors),
    FX(GR_K_HOUSEHOLDS, "unit_id", h_unit),
    FX(GR_K_HOUSEHOLDS, "room", h_room),
    FX(GR_K_HOUSEHOLDS, "area_m2", h_area),
    FX(GR_K_HOUSEHOLDS, "head_name", h_head),
    FX(GR_K_HOUSEHOLDS, "phone", h_phone),
    FX(GR_K_HOUSEHOLDS, "n_people", h_people),
    FX(GR_K_HOUSEHOLDS, "occupancy", h_occupancy),
    FX(GR_K_RESIDENTS, "household_id", r_household),
    FX(GR_K_RESIDENTS, "name", r_name),
    FX(GR_K_RESIDENTS, "gender", r_gender),
    FX(GR_K_RESIDENTS, "birth_year", r_birth),
    FX(GR_K_RESIDENTS, "id_number", r_idnum),
    FX(GR_K_RESIDENTS, "phone", r_phone),
    FX(GR_K_RESIDENTS, "relation", r_relation),
    FX(GR_K_PARTY_ORGS, "node_id", o_node),
    FX(GR_K_PARTY_ORGS, "parent_id", o_parent),
    FX(GR_K_PARTY_ORGS, "kind", o_kind),
    FX(GR_K_PARTY_ORGS, "name", o_name),
    FX(GR_K_PARTY_ORGS, "code", o_code),
    FX(GR_K_PARTY_ORGS, "building_id", o_building),
    FX(GR_K_PARTY_ORGS, "founded_on", o_founded),
    FX(GR_K_PARTY_MEMBERS, "node_id", m_node),
    FX(GR_K_PARTY_MEMBERS, "org_id", m_org),
    FX(GR_K_PARTY_MEMBERS, "name", m_name),
    FX(GR_K_PARTY_MEMBERS, "gender", m_gender),
    FX(GR_K_PARTY_MEMBERS, "birth_year", m_birth),
    FX(GR_K_PARTY_MEMBERS, "phone", m_phone),
    FX(GR_K_PARTY_MEMBERS, "joined_on", m_joined),
    FX(GR_K_PARTY_MEMBERS, "in_service", m_in_service),
    FX(GR_K_PARTY_MEMBERS, "work_unit", m_work_unit),
    FX(GR_K_PARTY_MEMBERS, "registered_on", m_registered),
    FX(GR_K_PARTY_MEMBERS, "household_id", m_household),
    FX(GR_K_POSTS, "kind", p_kind),
    FX(GR_K_POSTS, "person_name", p_person),
    FX(GR_K_POSTS, "phone", p_phone),
    FX(GR_K_POSTS, "member_id", p_member),
    FX(GR_K_POSTS, "org_id", p_org),
    FX(GR_K_POSTS, "node_id", p_node),
    FX(GR_K_POSTS, "building_id", p_building),
    FX(GR_K_POSTS, "unit_id", p_unit),
    FX(GR_K_POSTS, "since", p_since),
    FX(GR_K_MEMBER_HOUSEHOLDS, "member_id", l_member),
    FX(GR_K_MEMBER_HOUSEHOLDS, "household_id", l_household),
    FX(GR_K_MEMBER_HOUSEHOLDS, "since", l_since),
    FX(GR_K_ORGANISATIONS, "node_id", s_node),
    FX(GR_K_ORGANISATIONS, "kind", s_kind),
    FX(GR_K_ORGANISATIONS, "name", s_name),
    FX(GR_K_ORGANISATIONS, "code", s_code),
    FX(GR_K_ORGANISATIONS, "party_org_id", s_party_org),
    FX(GR_K_ORGANISATIONS, "contact_name", s_contact),
    FX(GR_K_ORGANISATIONS, "phone", s_phone),
    FX(GR_K_ORGANISATIONS, "address", s_address),
    FX(GR_K_COBUILD_LINKS, "party_org_id", c_party_org),
    FX(GR_K_COBUILD_LINKS, "organisation_id", c_org),
    FX(GR_K_COBUILD_LINKS, "title", c_title),
    FX(GR_K_COBUILD_LINKS, "signed_on", c_signed),
    FX(GR_K_COBUILD_LINKS, "ends_on", c_ends),
    FX(GR_K_COBUILD_LINKS, "content", c_content),
};

/* ---- State. ---- */

/* One node of the administrative tree, at any level. */
struct node {
    int64_t id;
    int64_t org_id; /* its party organisation (city to community); 0 for grids */
    size_t c0, c1;  /* its cells, which are grids [c0, c1) */
    size_t parent;  /* index in the level above */
    size_t k0, k1;  /* children [k0, k1) in the level below */
    bool town;      /* a street that is a town (镇/乡); a community that is a village */
    char code[16];
    char name[48];
};

/* What a district keeps for the organisations below it. */
struct district_extra {
    const struct gr_demo_district *t;
    int64_t dept[MAX_DEPTS];
    size_t n_dept;
    int64_t ent[MAX_ENTERPRISES];
    size_t n_ent;
    char ent_name[MAX_ENTERPRISES][80];
};

/* A directed edge of the lattice: from vertex key (j * (side + 1) + i), towards dir
 * (0 east, 1 north, 2 west, 3 south). */
struct edge {
    uint32_t key;
    uint32_t dir;
};

/* A person picked by weighted reservoir sampling to lead a unit or building. */
struct cand {
    double w;        /* total weight seen */
    uint32_t member; /* 1 + index into the grid's members, or 0 */
    uint8_t len;
    char name[32];
    char phone[12];
};

struct pmember {
    int64_t id, household;
    uint32_t hh_index;
    bool male, in_service, has_phone;
    int birth;
    uint8_t len;
    char name[32];
    char phone[12];
};

struct pbuilding {
    int64_t id;
    int number;
    struct cand c;
};

struct punit {
    int64_t id;
    struct cand c;
};

struct person {
    struct gr_demo_text name;
    const char *surname;
    const char *relation;
    bool male, has_phone;
    int birth;
    char phone[12];
};

struct estate {
    char name[48];
    const char *road;
    int road_no;
    int next_building;
};

/* How one grid turns out: its share of the network's gaps. */
struct gridplan {
    bool branch, worker;
    double p_building_leader, p_unit_leader, link_share;
    int style; /* 0 old walk-ups, 1 mid-rise, 2 high-rise */
    int households;
    struct estate *estate;
};

/* Names captured for the demo logins. */
struct logins {
    struct gr_demo_text city, district, street, community, grid, grid2, building, unit, resident,
        dept;
};

struct gen {
    const struct gr_demo_sink *sink;
    const struct scale *sc;
    struct gr_demo_rng rng;
    uint64_t seed;
    struct gr_demo_names names;
    struct fx fx;
    const struct gr_kind *k[GR_N_KINDS];
    uint64_t n_records, last_progress;
    uint64_t serial; /* unified social credit codes */

    /* The tree, level by level (index by enum gr_level). */
    struct node *lv[GR_N_LEVELS + 1];
    size_t n[GR_N_LEVELS + 1];
    struct district_extra *dx;
    uint32_t *place_perm;
    size_t place_next;

    /* The lattice: cell c (= grid c) sits at (ci[c], cj[c]); owner[j * side + i] is the
     * cell there or -1. */
    uint32_t side;
    uint16_t *ci, *cj;
    int32_t *owner;
    double x0, y0, wp1, wp2;

    /* Outline scratch. */
    struct edge *edges;
    bool *used;
    double *pts;
    struct gr_ring *rings, *rings_tmp;
    size_t max_edges;

    /* Per-grid scratch. */
    struct pmember *pm;
    size_t n_pm, cap_pm;
    struct pbuilding *pb;
    size_t n_pb, cap_pb;
    struct punit *pu;
    size_t n_pu, cap_pu;
    int64_t *hh;
    size_t n_hh, cap_hh;

    /* Per-community: the secretary's candidate among the members. */
    struct cand secretary;
    struct pmember sec_member;
    bool capture; /* the first grids: remember names for the logins */
    struct logins who;
};

/* ---- Records. ---- */

struct rec {
    const struct gr_kind *k;
    struct gr_value v[MAX_FIELDS];
};

static void rec_begin(struct gen *g, struct rec *r, enum gr_kind_id id)
{
    r->k = g->k[id];
    memset(r->v, 0, sizeof(r->v[0]) * r->k->n_fields);
}

static void set_text(struct rec *r, int f, const char *s, size_t n)
{
    r->v[f].present = true;
    r->v[f].s = s;
    r->v[f].len = n;
}

static void set_str(struct rec *r, int f, const char *s)
{
    set_text(r, f, s, strlen(s));
}

static void set_tx(struct rec *r, int f, const struct gr_demo_text *t)
{
    set_text(r, f, t->s, t->len);
}

static void set_int(struct rec *r, int f, int64_t i)
{
    r->v[f].present = true;
    r->v[f].i = i;
}

static void set_ref(struct rec *r, int f, int64_t id)
{
    if (id > 0)
        set_int(r, f, id);
}

static void set_real(struct rec *r, int f, double d)
{
    r->v[f].present = true;
    r->v[f].d = d;
}

static double round_to(double x, double unit)
{
    return round(x / unit) * unit;
}

static enum gr_err emit(struct gen *g, struct rec *r, int64_t *id)
{
    int64_t out = 0;
    TRY(g->sink->emit(g->sink->ctx, r->k, r->v, &out));
    if (out <= 0)
        return GR_EINTERNAL; /* the sink broke its contract */
    g->n_records++;
    if (id)
        *id = out;
    return GR_OK;
}

static void progress(struct gen *g, const char *phase, uint64_t done, uint64_t total, bool force)
{
    if (!g->sink->progress || (!force && g->n_records - g->last_progress < PROGRESS_EVERY))
        return;
    g->last_progress = g->n_records;
    g->sink->progress(g->sink->ctx, phase, done, total);
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c = gr_mul(c, 2);
    *cap = c;
    return gr_realloc(p, gr_mul(c, elem));
}

static void copy_name(char *dst, uint8_t *len, const struct gr_demo_text *t, size_t cap)
{
    size_t n = t->len < cap - 1 ? t->len : cap - 1;
    memcpy(dst, t->s, n);
    dst[n] = '\0';
    *len = (uint8_t)n;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n > cap - 1)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ---- The tree. ---- */

static void place_word(struct gen *g, struct gr_demo_text *t)
{
    size_t n = gr_demo_places.n;
    gr_demo_text_add(t, gr_demo_places.w[g->place_perm[g->place_next++ % n]]);
}

static bool sibling_named(const struct node *lv, size_t k0, size_t k1, const char *name)
{
    for (size_t k = k0; k < k1; k++)
        if (strcmp(lv[k].name, name) == 0)
            return true;
    return false;
}

/* The s-th street of district d: its real name while the table has one, then made up. */
static void name_street(struct gen *g, size_t d, size_t s, size_t k0, struct node *st)
{
    const struct gr_demo_district *t = g->dx[d].t;
    size_t n_real = 0;
    while (t->streets[n_real])
        n_real++;
    struct gr_demo_text name;
    gr_demo_text_clear(&name);
    if (s < n_real) {
        gr_demo_text_add(&name, t->streets[s]);
    } else {
        for (size_t tries = 0; tries < gr_demo_places.n; tries++) {
            gr_demo_text_clear(&name);
            place_word(g, &name);
            gr_demo_text_add(&name, t->county ? "镇" : "街道");
            if (!sibling_named(g->lv[GR_LEVEL_STREET], k0, k0 + s, name.s))
                break;
        }
    }
    copy_str(st->name, sizeof(st->name), name.s);
    st->town = ends_with(st->name, "镇") || ends_with(st->name, "乡");
}

static void name_community(struct gen *g, struct node *c, size_t k0, size_t k)
{
    struct gr_demo_rng *r = &g->rng;
    struct gr_demo_text name;
    for (int tries = 0; tries < 64; tries++) {
        gr_demo_text_clear(&name);
        if (c->town) {
            const char *suffix = gr_demo_pick(r, &gr_demo_village_suffixes);
            if (gr_demo_rng_chance(r, 0.5)) {
                gr_demo_text_add(&name, gr_demo_surname(&g->names, r));
                gr_demo_text_add(&name, *suffix ? suffix : "家");
            } else {
                gr_demo_text_add(&name, gr_demo_pick(r, &gr_demo_places));
                gr_demo_text_add(&name, suffix);
            }
            gr_demo_text_add(&name, "村");
        } else {
            gr_demo_text_add(&name, gr_demo_pick(r, &gr_demo_places));
            gr_demo_text_add(&name, gr_demo_pick(r, &gr_demo_community_suffixes));
            gr_demo_text_add(&name, "社区");
        }
        if (!sibling_named(g->lv[GR_LEVEL_COMMUNITY], k0, k, name.s))
            break;
    }
    copy_str(c->name, sizeof(c->name), name.s);
}

static void set_code(char *dst, const char *prefix, int seq, int width, const char *tail)
{
    struct gr_demo_text t;
    gr_demo_text_clear(&t);
    gr_demo_text_add(&t, prefix);
    if (width)
        gr_demo_text_num(&t, (uint64_t)seq, width);
    gr_demo_text_add(&t, tail);
    copy_str(dst, 16, t.s);
}

static void build_communities(struct gen *g, struct node *st, size_t si)
{
    const struct scale *sc = g->sc;
    struct node *lc = g->lv[GR_LEVEL_COMMUNITY], *lg = g->lv[GR_LEVEL_GRID];
    int nc = gr_demo_rng_range(&g->rng, sc->comms_lo, sc->comms_hi);
    int n_urban = st->town ? gr_demo_rng_range(&g->rng, 1, 2) : nc, seq_c = 1, seq_v = 200;
    char code9[10];
    memcpy(code9, st->code, 9);
    code9[9] = '\0';
    st->k0 = g->n[GR_LEVEL_COMMUNITY];
    for (int c = 0; c < nc; c++) {
        struct node *cm = &lc[g->n[GR_LEVEL_COMMUNITY]];
        memset(cm, 0, sizeof(*cm));
        cm->parent = si;
        cm->town = c >= n_urban; /* a village */
        set_code(cm->code, code9, cm->town ? seq_v++ : seq_c++, 3, "");
        name_community(g, cm, st->k0, g->n[GR_LEVEL_COMMUNITY]);
        cm->k0 = cm->c0 = g->n[GR_LEVEL_GRID];
        int ng = gr_demo_rng_range(&g->rng, sc->grids_lo, sc->grids_hi);
        for (int k = 0; k < ng; k++) {
            size_t gi = g->n[GR_LEVEL_GRID]++;
            struct node *gr = &lg[gi];
            memset(gr, 0, sizeof(*gr));
            gr->parent = g->n[GR_LEVEL_COMMUNITY];
            gr->c0 = gi;
            gr->c1 = gi + 1;
            set_code(gr->code, cm->code, k + 1, 3, "");
            struct gr_demo_text t;
            gr_demo_text_clear(&t);
            gr_demo_text_add(&t, "第");
            gr_demo_text_num(&t, (uint64_t)(k + 1), 0);
            gr_demo_text_add(&t, "网格");
            copy_str(gr->name, sizeof(gr->name), t.s);
        }
        cm->k1 = cm->c1 = g->n[GR_LEVEL_GRID];
        g->n[GR_LEVEL_COMMUNITY]++;
    }
    st->k1 = g->n[GR_LEVEL_COMMUNITY];
    st->c0 = lc[st->k0].c0;
    st->c1 = lc[st->k1 - 1].c1;
}

static void build_tree(struct gen *g)
{
    const struct scale *sc = g->sc;
    size_t nd = sc->districts;
    size_t max_s = gr_mul(nd, (size_t)sc->streets_hi), max_c = gr_mul(max_s, (size_t)sc->comms_hi);
    size_t max_g = gr_mul(max_c, (size_t)sc->grids_hi);
    g->lv[GR_LEVEL_CITY] = gr_calloc(1, sizeof(struct node));
    g->lv[GR_LEVEL_DISTRICT] = gr_calloc(nd, sizeof(struct node));
    g->lv[GR_LEVEL_STREET] = gr_calloc(max_s, sizeof(struct node));
    g->lv[GR_LEVEL_COMMUNITY] = gr_calloc(max_c, sizeof(struct node));
    g->lv[GR_LEVEL_GRID] = gr_calloc(max_g, sizeof(struct node));
    g->dx = gr_calloc(nd, sizeof(struct district_extra));
    g->place_perm = gr_malloc(gr_mul(gr_demo_places.n, sizeof(uint32_t)));
    for (size_t i = 0; i < gr_demo_places.n; i++)
        g->place_perm[i] = (uint32_t)i;
    for (size_t i = gr_demo_places.n - 1; i > 0; i--) {
        size_t j = gr_demo_rng_below(&g->rng, (uint32_t)(i + 1));
        uint32_t t = g->place_perm[i];
        g->place_perm[i] = g->place_perm[j];
        g->place_perm[j] = t;
    }

    struct node *city = g->lv[GR_LEVEL_CITY];
    copy_str(city->name, sizeof(city->name), CITY_NAME);
    copy_str(city->code, sizeof(city->code), CITY_CODE);
    g->n[GR_LEVEL_CITY] = 1;
    city->k0 = 0;
    for (size_t d = 0; d < nd; d++) {
        struct node *dn = &g->lv[GR_LEVEL_DISTRICT][d];
        const struct gr_demo_district *t = &gr_demo_districts[d];
        g->dx[d].t = t;
        copy_str(dn->name, sizeof(dn->name), t->name);
        set_code(dn->code, t->code, 0, 0, "000000");
        dn->k0 = g->n[GR_LEVEL_STREET];
        int ns = gr_demo_rng_range(&g->rng, sc->streets_lo, sc->streets_hi);
        int seq_jd = 1, seq_zhen = 100, seq_xiang = 200;
        for (int s = 0; s < ns; s++) {
            size_t si = g->n[GR_LEVEL_STREET]++;
            struct node *st = &g->lv[GR_LEVEL_STREET][si];
            st->parent = d;
            name_street(g, d, (size_t)s, dn->k0, st);
            int seq = ends_with(st->name, "乡") ? seq_xiang++ : (st->town ? seq_zhen++ : seq_jd++);
            set_code(st->code, t->code, seq, 3, "000");
            build_communities(g, st, si);
        }
        dn->k1 = g->n[GR_LEVEL_STREET];
        dn->c0 = g->lv[GR_LEVEL_STREET][dn->k0].c0;
        dn->c1 = g->lv[GR_LEVEL_STREET][dn->k1 - 1].c1;
    }
    g->n[GR_LEVEL_DISTRICT] = nd;
    city->k1 = nd;
    city->c0 = 0;
    city->c1 = g->n[GR_LEVEL_GRID];
}

/* ---- The lattice and its geometry. ---- */

static void hilbert_d2xy(uint32_t n, uint32_t d, uint32_t *x, uint32_t *y)
{
    uint32_t t = d;
    *x = *y = 0;
    for (uint32_t s = 1; s < n; s *= 2) {
        uint32_t rx = 1 & (t / 2), ry = 1 & (t ^ rx);
        if (ry == 0) {
            if (rx == 1) {
                *x = s - 1 - *x;
                *y = s - 1 - *y;
            }
            uint32_t tmp = *x;
            *x = *y;
            *y = tmp;
        }
        *x += s * rx;
        *y += s * ry;
        t /= 4;
    }
}

static void build_lattice(struct gen *g)
{
    size_t ng = g->n[GR_LEVEL_GRID];
    uint32_t side = 1;
    while ((size_t)side * side < ng)
        side *= 2;
    g->side = side;
    g->ci = gr_malloc(gr_mul(ng, sizeof(uint16_t)));
    g->cj = gr_malloc(gr_mul(ng, sizeof(uint16_t)));
    g->owner = gr_malloc(gr_mul((size_t)side * side, sizeof(int32_t)));
    for (size_t k = 0; k < (size_t)side * side; k++)
        g->owner[k] = -1;
    uint32_t imax = 0, jmax = 0;
    for (size_t c = 0; c < ng; c++) {
        uint32_t i, j;
        hilbert_d2xy(side, (uint32_t)c, &i, &j);
        g->ci[c] = (uint16_t)i;
        g->cj[c] = (uint16_t)j;
        g->owner[(size_t)j * side + i] = (int32_t)c;
        imax = i > imax ? i : imax;
        jmax = j > jmax ? j : jmax;
    }
    g->x0 = CENTER_LON - (imax + 1) * CELL_DX / 2;
    g->y0 = CENTER_LAT - (jmax + 1) * CELL_DY / 2;
    g->wp1 = gr_demo_rng_unit(&g->rng) * 2 * M_PI;
    g->wp2 = gr_demo_rng_unit(&g->rng) * 2 * M_PI;
    g->max_edges = 4 * ng + 4;
    g->edges = gr_malloc(gr_mul(g->max_edges, sizeof(struct edge)));
    g->used = gr_malloc(gr_mul(g->max_edges, sizeof(bool)));
    g->pts = gr_malloc(gr_mul(g->max_edges, 6 * sizeof(double)));
    g->rings = gr_malloc(gr_mul(g->max_edges / 4 + 1, sizeof(struct gr_ring)));
    g->rings_tmp = gr_malloc(gr_mul(g->max_edges / 4 + 1, sizeof(struct gr_ring)));
}

/* A uniform value in [-1, 1] from a hash. */
static double hash_unit(uint64_t h)
{
    return (double)(h & 0xfffff) / (double)0xfffff * 2 - 1;
}

/* Lattice vertex (i, j) in degrees: jittered, then warped along rows and columns. The warp
 * of x depends on j only and that of y on i only, so cells never fold. */
static void vertex(const struct gen *g, uint32_t i, uint32_t j, double *x, double *y)
{
    uint64_t h = gr_demo_mix(g->seed ^ 0x5eed0001ull ^ (((uint64_t)i << 32) | j));
    double u = i + JITTER * hash_unit(h) + WARP * sin(j * (2 * M_PI / 37) + g->wp1);
    double v = j + JITTER * hash_unit(h >> 24) + WARP * sin(i * (2 * M_PI / 43) + g->wp2);
    *x = g->x0 + u * CELL_DX;
    *y = g->y0 + v * CELL_DY;
}

/* The midpoint of the lattice edge leaving (i, j) eastwards (horizontal) or northwards,
 * pushed sideways by a hash of the edge so both cells sharing it agree. */
static void midpoint(const struct gen *g, uint32_t i, uint32_t j, bool horizontal, double *x,
                     double *y)
{
    double ax, ay, bx, by;
    vertex(g, i, j, &ax, &ay);
    vertex(g, horizontal ? i + 1 : i, horizontal ? j : j + 1, &bx, &by);
    uint64_t h = gr_demo_mix(g->seed ^ 0x5eed0002ull ^
                             (((uint64_t)i << 33) | ((uint64_t)j << 1) | (horizontal ? 1u : 0u)));
    double m = MID_JITTER * hash_unit(h);
    *x = (ax + bx) / 2 + (horizontal ? 0 : m * CELL_DX);
    *y = (ay + by) / 2 + (horizontal ? m * CELL_DY : 0);
}

static bool in_run(const struct gen *g, int64_t i, int64_t j, size_t c0, size_t c1)
{
    if (i < 0 || j < 0 || i >= g->side || j >= g->side)
        return false;
    int32_t c = g->owner[(size_t)j * g->side + (size_t)i];
    return c >= 0 && (size_t)c >= c0 && (size_t)c < c1;
}

static int cmp_edge(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->dir > y->dir) - (x->dir < y->dir);
}

/* The next edge of a ring arriving at vertex key heading din: the unused edge (or the
 * ring's first edge, which closes it) turning most to the left, so rings touching at a
 * vertex are kept apart. Returns n when there is none. */
static size_t next_edge(const struct gen *g, size_t n, uint32_t key, uint32_t din, size_t first)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->edges[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    static const uint32_t turn[3] = {1, 0, 3}; /* left, straight, right */
    for (int t = 0; t < 3; t++)
        for (size_t k = lo; k < n && g->edges[k].key == key; k++)
            if (g->edges[k].dir == ((din + turn[t]) & 3) && (!g->used[k] || k == first))
                return k;
    return n;
}

static double ring_area2(const struct gr_ring *r)
{
    double a = 0;
    for (size_t i = 0, j = r->n - 1; i < r->n; j = i++)
        a += (r->xy[2 * j] - r->xy[2 * i]) * (r->xy[2 * j + 1] + r->xy[2 * i + 1]);
    return a;
}

/* Append the points of edge e (its start vertex and the midpoint after it) to pts. */
static double *edge_points(const struct gen *g, const struct edge *e, double *pts)
{
    uint32_t i = e->key % (g->side + 1), j = e->key / (g->side + 1);
    vertex(g, i, j, &pts[0], &pts[1]);
    switch (e->dir) {
    case 0: midpoint(g, i, j, true, &pts[2], &pts[3]); break;
    case 1: midpoint(g, i, j, false, &pts[2], &pts[3]); break;
    case 2: midpoint(g, i - 1, j, true, &pts[2], &pts[3]); break;
    default: midpoint(g, i, j - 1, false, &pts[2], &pts[3]); break;
    }
    return pts + 4;
}

static void add_edge(struct gen *g, size_t *n, uint32_t i, uint32_t j, uint32_t dir)
{
    g->edges[*n].key = j * (g->side + 1) + i;
    g->edges[*n].dir = dir;
    (*n)++;
}

/* Trace the outline of cells [c0, c1) into shape, whose rings point into g's scratch (valid
 * until the next call). Outer rings are counter-clockwise and come first. */
static void outline(struct gen *g, size_t c0, size_t c1, struct gr_shape *shape)
{
    size_t n = 0;
    for (size_t c = c0; c < c1; c++) {
        uint32_t i = g->ci[c], j = g->cj[c];
        if (!in_run(g, i, (int64_t)j - 1, c0, c1))
            add_edge(g, &n, i, j, 0);
        if (!in_run(g, (int64_t)i + 1, j, c0, c1))
            add_edge(g, &n, i + 1, j, 1);
        if (!in_run(g, i, (int64_t)j + 1, c0, c1))
            add_edge(g, &n, i + 1, j + 1, 2);
        if (!in_run(g, (int64_t)i - 1, j, c0, c1))
            add_edge(g, &n, i, j + 1, 3);
    }
    qsort(g->edges, n, sizeof(struct edge), cmp_edge);
    memset(g->used, 0, n);
    double *p = g->pts;
    size_t nr = 0;
    for (size_t s = 0; s < n; s++) {
        if (g->used[s])
            continue;
        struct gr_ring *ring = &g->rings[nr++];
        ring->xy = p;
        ring->hole = false;
        size_t e = s;
        do {
            g->used[e] = true;
            p = edge_points(g, &g->edges[e], p);
            uint32_t key = g->edges[e].key, dir = g->edges[e].dir;
            uint32_t to = dir == 0   ? key + 1
                          : dir == 1 ? key + g->side + 1
                          : dir == 2 ? key - 1
                                     : key - g->side - 1;
            e = next_edge(g, n, to, dir, s);
        } while (e != s && e < n);
        p[0] = ring->xy[0]; /* close the ring */
        p[1] = ring->xy[1];
        p += 2;
        ring->n = (size_t)(p - ring->xy) / 2;
    }
    /* Outer rings first, holes (clockwise) after; a run of Hilbert cells has none, but an
     * outline must stay right whatever the lattice. */
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t r = 0; r < nr; r++) {
            bool hole = ring_area2(&g->rings[r]) < 0;
            if (hole == (pass == 1)) {
                g->rings_tmp[k] = g->rings[r];
                g->rings_tmp[k++].hole = hole;
            }
        }
    memcpy(g->rings, g->rings_tmp, nr * sizeof(struct gr_ring));
    shape->rings = g->rings;
    shape->n_rings = nr;
    gr_shape_finish(shape);
}

/* A point well inside grid cell c: bilinear in its corners, away from the edges. */
static void point_in_cell(struct gen *g, size_t c, double *x, double *y)
{
    uint32_t i = g->ci[c], j = g->cj[c];
    double x00, y00, x10, y10, x01, y01, x11, y11;
    vertex(g, i, j, &x00, &y00);
    vertex(g, i + 1, j, &x10, &y10);
    vertex(g, i, j + 1, &x01, &y01);
    vertex(g, i + 1, j + 1, &x11, &y11);
    double u = 0.25 + 0.5 * gr_demo_rng_unit(&g->rng), v = 0.25 + 0.5 * gr_demo_rng_unit(&g->rng);
    *x = (1 - v) * ((1 - u) * x00 + u * x10) + v * ((1 - u) * x01 + u * x11);
    *y = (1 - v) * ((1 - u) * y00 + u * y10) + v * ((1 - u) * y01 + u * y11);
}

static enum gr_err emit_node(struct gen *g, struct node *nd, enum gr_level level, int64_t parent)
{
    struct gr_shape shape;
    outline(g, nd->c0, nd->c1, &shape);
    double lon, lat;
    TRY(gr_shape_label_point(&shape, &lon, &lat));
    const struct fx *f = &g->fx;
    struct rec r;
    rec_begin(g, &r, GR_K_NODES);
    set_ref(&r, f->n_parent, parent);
    set_str(&r, f->n_level, gr_level_name(level));
    set_str(&r, f->n_code, nd->code);
    set_str(&r, f->n_name, nd->name);
    set_real(&r, f->n_lat, round_to(lat, 1e-7));
    set_real(&r, f->n_lon, round_to(lon, 1e-7));
    TRY(emit(g, &r, &nd->id));
    return g->sink->boundary(g->sink->ctx, nd->id, &shape);
}

static enum gr_err emit_nodes(struct gen *g)
{
    size_t total = 0, done = 0;
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        total += g->n[l];
    for (int l = GR_LEVEL_CITY; l <= GR_LEVEL_GRID; l++)
        for (size_t k = 0; k < g->n[l]; k++) {
            struct node *nd = &g->lv[l][k];
            int64_t parent = l == GR_LEVEL_CITY ? 0 : g->lv[l - 1][nd->parent].id;
            TRY(emit_node(g, nd, (enum gr_level)l, parent));
            progress(g, "nodes", ++done, total, false);
        }
    progress(g, "nodes", total, total, true);
    return GR_OK;
}

/* ---- Organisations. ---- */

static void date_plus_years(const char *from, int years, char out[11])
{
    int y = (from[0] - '0') * 1000 + (from[1] - '0') * 100 + (from[2] - '0') * 10 + (from[3] - '0');
    memcpy(out, from, 11);
    y += years;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    if (memcmp(out + 5, "02-29", 5) == 0)
        out[9] = '8'; /* 29 February becomes the 28th: the target year may not be leap */
}

static enum gr_err party_org(struct gen *g, int64_t node, int64_t parent, const char *kind,
                             const char *name, const char *code, int64_t building, int y0,
                             int64_t *id)
{
    const struct fx *f = &g->fx;
    char founded[11];
    gr_demo_date(&g->rng, y0, 2022, founded);
    struct rec r;
    rec_begin(g, &r, GR_K_PARTY_ORGS);
    set_ref(&r, f->o_node, node);
    set_ref(&r, f->o_parent, parent);
    set_str(&r, f->o_kind, kind);
    set_str(&r, f->o_name, name);
    set_str(&r, f->o_code, code);
    set_ref(&r, f->o_building, building);
    set_str(&r, f->o_founded, founded);
    return emit(g, &r, id);
}

/* A stakeholder organisation to create. */
struct org_spec {
    int64_t node;
    const char *region; /* 6-digit county code for its credit code */
    const char *kind;
    const char *name;
    const char *credit; /* prefix of its unified social credit code, NULL for none */
    int64_t party_org;
    bool mobile; /* contact by mobile rather than an office line */
};

/* Create the organisation; its contact's name goes to capture when given. */
static enum gr_err stakeholder(struct gen *g, const struct org_spec *o, int64_t *id,
                               struct gr_demo_text *capture)
{
    const struct fx *f = &g->fx;
    struct gr_demo_rng *r = &g->rng;
    char code[19], phone[16];
    struct gr_demo_text contact, address;
    bool male = gr_demo_rng_chance(r, 0.5);
    gr_demo_person_name(&g->names, r, NULL, male, gr_demo_rng_range(r, 1960, 1995), &contact);
    if (o->mobile)
        gr_demo_phone(r, phone);
    else
        gr_demo_landline(r, phone);
    gr_demo_text_clear(&address);
    gr_demo_text_add(&address, CITY_NAME);
    gr_demo_text_add(&address, gr_demo_pick(r, &gr_demo_roads));
    gr_demo_text_num(&address, (uint64_t)gr_demo_rng_range(r, 1, 999), 0);
    gr_demo_text_add(&address, "号");
    struct rec rc;
    rec_begin(g, &rc, GR_K_ORGANISATIONS);
    set_ref(&rc, f->s_node, o->node);
    set_str(&rc, f->s_kind, o->kind);
    set_str(&rc, f->s_name, o->name);
    if (o->credit) {
        gr_demo_uscc(o->credit, o->region, ++g->serial, g->seed % 100000000u, code);
        set_str(&rc, f->s_code, code);
    }
    set_ref(&rc, f->s_party_org, o->party_org);
    set_tx(&rc, f->s_contact, &contact);
    set_str(&rc, f->s_phone, phone);
    set_tx(&rc, f->s_address, &address);
    if (capture)
        *capture = contact;
    return emit(g, &rc, id);
}

static void compose(struct gr_demo_text *t, const char *a, const char *b, const char *c)
{
    gr_demo_text_clear(t);
    gr_demo_text_add(t, a);
    gr_demo_text_add(t, b);
    gr_demo_text_add(t, c);
}

/* The district's party committee, departments, mass organisations and enterprises. */
static enum gr_err district_orgs(struct gen *g, size_t d)
{
    struct node *dn = &g->lv[GR_LEVEL_DISTRICT][d];
    struct district_extra *dx = &g->dx[d];
    struct gr_demo_rng *r = &g->rng;
    const char *region = dx->t->code;
    struct gr_demo_text name, code;
    if (ends_with(dn->name, "县"))
        compose(&name, "中共", dn->name, "委员会");
    else if (strlen(dn->name) <= 12) /* an ordinary district of up to four characters */
        compose(&name, "中共" CITY_NAME, dn->name, "委员会");
    else
        compose(&name, "中共", dn->name, "工作委员会");
    compose(&code, "D", dn->code, "");
    TRY(party_org(g, dn->id, g->lv[GR_LEVEL_CITY][0].org_id, "committee", name.s, code.s, 0, 1949,
                  &dn->org_id));
    struct org_spec o = {.node = dn->id, .region = region, .name = name.s};
    for (size_t k = 0; k < gr_demo_departments.n && k < MAX_DEPTS; k++) {
        compose(&name, dn->name, gr_demo_departments.w[k], "");
        o.kind = "department";
        o.credit = "11";
        /* The first district's first department (城市管理局) is the "dept" login's. */
        TRY(stakeholder(g, &o, &dx->dept[k], d == 0 && k == 0 ? &g->who.dept : NULL));
        dx->n_dept++;
    }
    static const char *const mass[][3] = {
        {"", "总工会", "81"}, {"共青团" CITY_NAME, "委员会", "13"}, {"", "妇女联合会", "13"}};
    int64_t id;
    for (size_t k = 0; k < 3; k++) {
        compose(&name, mass[k][0], dn->name, mass[k][1]);
        o.kind = "mass_organisation";
        o.credit = mass[k][2];
        o.party_org = dn->org_id; /* 党建带群建 */
        TRY(stakeholder(g, &o, &id, NULL));
    }
    o.party_org = 0;
    for (int k = 0; k < g->sc->enterprises && k < MAX_ENTERPRISES; k++) {
        compose(&name, gr_demo_rng_chance(r, 0.5) ? "江西" : "南昌",
                gr_demo_pick(r, &gr_demo_brands), gr_demo_pick(r, &gr_demo_industries));
        o.kind = "enterprise";
        o.credit = "91";
        copy_str(dx->ent_name[dx->n_ent], sizeof(dx->ent_name[0]), name.s);
        TRY(stakeholder(g, &o, &dx->ent[dx->n_ent++], NULL));
    }
    return GR_OK;
}

/* The street's party working committee (or town committee) and its social organisations. */
static enum gr_err street_orgs(struct gen *g, size_t s)
{
    struct node *st = &g->lv[GR_LEVEL_STREET][s];
    struct node *dn = &g->lv[GR_LEVEL_DISTRICT][st->parent];
    const char *region = g->dx[st->parent].t->code;
    struct gr_demo_text name, code;
    if (st->town)
        compose(&name, "中共", st->name, "委员会");
    else
        compose(&name, "中共", dn->name, st->name);
    if (!st->town)
        gr_demo_text_add(&name, "工作委员会");
    compose(&code, "D", st->code, "");
    TRY(party_org(g, st->id, dn->org_id, "committee", name.s, code.s, 0, 1978, &st->org_id));
    static const char *const social[] = {"社会工作服务中心", "志愿者协会", "居家养老服务中心"};
    static const char *const credit[] = {"52", "51", "52"};
    int skip = gr_demo_rng_range(&g->rng, 0, 2); /* two of the three */
    for (int k = 0; k < 3; k++) {
        if (k == skip)
            continue;
        int64_t id;
        compose(&name, st->name, social[k], "");
        struct org_spec o = {.node = st->id,
                             .region = region,
                             .kind = "social_organisation",
                             .name = name.s,
                             .credit = credit[k]};
        TRY(stakeholder(g, &o, &id, NULL));
    }
    return GR_OK;
}

/* A co-building agreement between a community's party organisation and a partner. */
static enum gr_err cobuild(struct gen *g, int64_t party_org, int64_t org, const char *title_a,
                           const char *partner, const char *title_b)
{
    const struct fx *f = &g->fx;
    char signed_on[11], ends_on[11];
    gr_demo_date(&g->rng, 2019, 2024, signed_on);
    date_plus_years(signed_on, 3, ends_on);
    struct gr_demo_text title;
    compose(&title, title_a, partner, title_b);
    struct rec r;
    rec_begin(g, &r, GR_K_COBUILD_LINKS);
    set_ref(&r, f->c_party_org, party_org);
    set_ref(&r, f->c_org, org);
    set_tx(&r, f->c_title, &title);
    set_str(&r, f->c_signed, signed_on);
    set_str(&r, f->c_ends, ends_on);
    set_str(&r, f->c_content, gr_demo_pick(&g->rng, &gr_demo_cobuild_contents));
    return emit(g, &r, NULL);
}

/* ---- Posts. ---- */

struct post {
    const char *kind;
    const char *name;
    size_t name_len;
    const char *phone; /* or NULL */
    int64_t member, org, node, building, unit;
};

static enum gr_err emit_post(struct gen *g, const struct post *p)
{
    const struct fx *f = &g->fx;
    char since[11];
    gr_demo_date(&g->rng, 2016, 2024, since);
    struct rec r;
    rec_begin(g, &r, GR_K_POSTS);
    set_str(&r, f->p_kind, p->kind);
    set_text(&r, f->p_person, p->name, p->name_len);
    if (p->phone)
        set_str(&r, f->p_phone, p->phone);
    set_ref(&r, f->p_member, p->member);
    set_ref(&r, f->p_org, p->org);
    set_ref(&r, f->p_node, p->node);
    set_ref(&r, f->p_building, p->building);
    set_ref(&r, f->p_unit, p->unit);
    set_str(&r, f->p_since, since);
    return emit(g, &r, NULL);
}

/* A post held by a candidate resident (a member when c->member is set). */
static enum gr_err candidate_post(struct gen *g, const struct cand *c, struct post *p,
                                  struct gr_demo_text *capture)
{
    p->name = c->name;
    p->name_len = c->len;
    p->phone = c->phone[0] ? c->phone : NULL;
    p->member = c->member ? g->pm[c->member - 1].id : 0;
    if (capture) {
        gr_demo_text_clear(capture);
        gr_demo_text_addn(capture, c->name, c->len);
    }
    return emit_post(g, p);
}

/* A post held by someone made up on the spot (a grid worker hired by the community). */
static enum gr_err stranger_post(struct gen *g, struct post *p, struct gr_demo_text *capture)
{
    struct gr_demo_text name;
    char phone[12];
    bool male = gr_demo_rng_chance(&g->rng, 0.45);
    gr_demo_person_name(&g->names, &g->rng, NULL, male, gr_demo_rng_range(&g->rng, 1975, 1998),
                        &name);
    gr_demo_phone(&g->rng, phone);
    p->name = name.s;
    p->name_len = name.len;
    p->phone = phone;
    if (capture)
        *capture = name;
    return emit_post(g, p);
}

/* ---- Households and residents. ---- */

static void add_person(struct gen *g, struct person *p, const char *surname, bool male, int age,
                       const char *relation)
{
    struct gr_demo_rng *r = &g->rng;
    if (age < 0)
        age = 0;
    if (age > 100)
        age = 100;
    p->surname = surname ? surname : gr_demo_surname(&g->names, r);
    p->male = male;
    p->birth = REF_YEAR - age;
    p->relation = relation;
    gr_demo_person_name(&g->names, r, p->surname, male, p->birth, &p->name);
    p->has_phone = age >= 14 && (age < 80 || gr_demo_rng_chance(r, 0.5));
    if (p->has_phone)
        gr_demo_phone(r, p->phone);
    else
        p->phone[0] = '\0';
}

static int age_of(const struct person *p)
{
    return REF_YEAR - p->birth;
}

/* A couple aged [lo, hi] as persons 0 (head) and 1 (spouse). Returns the father. */
static const struct person *couple(struct gen *g, struct person *ps, int lo, int hi)
{
    struct gr_demo_rng *r = &g->rng;
    bool male = gr_demo_rng_chance(r, 0.8);
    int a = gr_demo_rng_range(r, lo, hi), d = gr_demo_rng_range(r, 0, 5);
    add_person(g, &ps[0], NULL, male, a, "head");
    add_person(g, &ps[1], NULL, !male, male ? a - d : a + d, "spouse");
    return male ? &ps[0] : &ps[1];
}

static int younger(const struct person *a, const struct person *b)
{
    int x = age_of(a), y = age_of(b);
    return x < y ? x : y;
}

/* Who lives in one household: persons into ps, returns how many (0 for a vacant home). */
static size_t compose_household(struct gen *g, struct person *ps, bool *tenants)
{
    struct gr_demo_rng *r = &g->rng;
    uint32_t t = gr_demo_rng_below(r, 100);
    *tenants = false;
    if (t < 10) { /* one person */
        add_person(g, &ps[0], NULL, gr_demo_rng_chance(r, 0.45), gr_demo_rng_range(r, 22, 88),
                   "head");
        return 1;
    }
    if (t < 28) { /* a couple */
        couple(g, ps, 25, 85);
        return 2;
    }
    if (t < 74) { /* a couple with one or two children */
        const struct person *father = couple(g, ps, 27, 55);
        int base = younger(&ps[0], &ps[1]) - gr_demo_rng_range(r, 22, 32);
        add_person(g, &ps[2], father->surname, gr_demo_rng_chance(r, 0.52), base, "child");
        if (t < 58)
            return 3;
        add_person(g, &ps[3], father->surname, gr_demo_rng_chance(r, 0.52),
                   base - gr_demo_rng_range(r, 2, 8), "child");
        return 4;
    }
    if (t < 94 && gr_demo_rng_chance(r, 0.6)) { /* three generations: the head's parents */
        const struct person *father = couple(g, ps, 32, 55);
        int base = younger(&ps[0], &ps[1]);
        add_person(g, &ps[2], father->surname, gr_demo_rng_chance(r, 0.52),
                   base - gr_demo_rng_range(r, 22, 32), "child");
        int pa = age_of(&ps[0]) + gr_demo_rng_range(r, 24, 32);
        bool both = gr_demo_rng_chance(r, 0.5), mother = !both && gr_demo_rng_chance(r, 0.7);
        add_person(g, &ps[3], mother ? NULL : ps[0].surname, !mother, pa, "parent");
        if (!both)
            return 4;
        add_person(g, &ps[4], NULL, false, pa - gr_demo_rng_range(r, 0, 4), "parent");
        return 5;
    }
    if (t < 94) { /* three generations: a grown child, its spouse and a grandchild */
        const struct person *father = couple(g, ps, 55, 70);
        int ca = younger(&ps[0], &ps[1]) - gr_demo_rng_range(r, 24, 32);
        bool son = gr_demo_rng_chance(r, 0.6);
        add_person(g, &ps[2], father->surname, son, ca < 22 ? 22 : ca, "child");
        add_person(g, &ps[3], NULL, !son, age_of(&ps[2]) + gr_demo_rng_range(r, -3, 3), "other");
        int ga = age_of(&ps[2]) - gr_demo_rng_range(r, 24, 32);
        add_person(g, &ps[4], son ? ps[2].surname : ps[3].surname, gr_demo_rng_chance(r, 0.52),
                   ga < 0 ? gr_demo_rng_range(r, 0, 6) : (ga > 12 ? 12 : ga), "grandchild");
        return 5;
    }
    if (t < 97) { /* a single parent and a child */
        bool male = gr_demo_rng_chance(r, 0.25);
        add_person(g, &ps[0], NULL, male, gr_demo_rng_range(r, 28, 50), "head");
        add_person(g, &ps[1], male ? ps[0].surname : NULL, gr_demo_rng_chance(r, 0.52),
                   age_of(&ps[0]) - gr_demo_rng_range(r, 22, 34), "child");
        return 2;
    }
    /* Tenants sharing a flat. */
    *tenants = true;
    size_t n = (size_t)gr_demo_rng_range(r, 2, 3);
    for (size_t k = 0; k < n; k++)
        add_person(g, &ps[k], NULL, gr_demo_rng_chance(r, 0.5), gr_demo_rng_range(r, 20, 40),
                   k ? "tenant" : "head");
    return n;
}

/* Weighted reservoir sampling: after n offers, each was kept with probability w / total. */
static void offer(struct gen *g, struct cand *c, const struct person *p, uint32_t member)
{
    double w = member ? 4 : 1;
    c->w += w;
    if (gr_demo_rng_unit(&g->rng) * c->w >= w)
        return;
    c->member = member;
    copy_name(c->name, &c->len, &p->name, sizeof(c->name));
    memcpy(c->phone, p->phone, sizeof(c->phone));
}

static bool maybe_member(struct gen *g, int age)
{
    double p = age < 18 ? 0 : age < 35 ? 0.045 : age < 60 ? 0.085 : 0.14;
    return gr_demo_rng_chance(&g->rng, p);
}

static enum gr_err emit_resident(struct gen *g, const struct person *p, int64_t hh,
                                 const char *local, struct pbuilding *b, struct punit *u)
{
    const struct fx *f = &g->fx;
    char idnum[19];
    gr_demo_id_number(&g->rng, gr_demo_birthplace(&g->rng, local), p->birth, p->male, idnum);
    struct rec r;
    rec_begin(g, &r, GR_K_RESIDENTS);
    set_ref(&r, f->r_household, hh);
    set_tx(&r, f->r_name, &p->name);
    set_str(&r, f->r_gender, p->male ? "male" : "female");
    set_int(&r, f->r_birth, p->birth);
    set_text(&r, f->r_idnum, idnum, 18);
    if (p->has_phone)
        set_str(&r, f->r_phone, p->phone);
    set_str(&r, f->r_relation, p->relation);
    TRY(emit(g, &r, NULL));

    int age = age_of(p);
    uint32_t member = 0;
    if (maybe_member(g, age)) {
        g->pm = grow(g->pm, &g->cap_pm, g->n_pm + 1, sizeof(*g->pm));
        struct pmember *m = &g->pm[g->n_pm++];
        memset(m, 0, sizeof(*m));
        m->household = hh;
        m->hh_index = (uint32_t)(g->n_hh - 1);
        m->male = p->male;
        m->birth = p->birth;
        m->has_phone = p->has_phone;
        m->in_service = age >= 22 && age < 60 && gr_demo_rng_chance(&g->rng, 0.4);
        copy_name(m->name, &m->len, &p->name, sizeof(m->name));
        memcpy(m->phone, p->phone, sizeof(m->phone));
        member = (uint32_t)g->n_pm;
    }
    if (age >= 25 && age <= 75 && p->has_phone) {
        offer(g, &u->c, p, member);
        offer(g, &b->c, p, member);
    }
    return GR_OK;
}

static enum gr_err emit_household(struct gen *g, int64_t unit, int floor, int door, double area,
                                  const char *local, struct pbuilding *b, struct punit *u)
{
    const struct fx *f = &g->fx;
    struct gr_demo_rng *r = &g->rng;
    struct person ps[MAX_PEOPLE];
    bool tenants = false;
    size_t n = gr_demo_rng_chance(r, 0.06) ? 0 : compose_household(g, ps, &tenants);
    const char *occupancy = n == 0                                   ? "vacant"
                            : tenants || gr_demo_rng_chance(r, 0.12) ? "rented"
                            : gr_demo_rng_chance(r, 0.02)            ? "other"
                                                                     : "owner_occupied";
    struct gr_demo_text room;
    gr_demo_text_clear(&room);
    gr_demo_text_num(&room, (uint64_t)(floor * 100 + door), 0);
    struct rec rc;
    rec_begin(g, &rc, GR_K_HOUSEHOLDS);
    set_ref(&rc, f->h_unit, unit);
    set_tx(&rc, f->h_room, &room);
    set_real(&rc, f->h_area, area);
    if (n) {
        set_tx(&rc, f->h_head, &ps[0].name);
        const struct person *ph = ps[0].has_phone ? &ps[0] : &ps[1 < n ? 1 : 0];
        if (ph->has_phone)
            set_str(&rc, f->h_phone, ph->phone);
    }
    set_int(&rc, f->h_people, (int64_t)n);
    set_str(&rc, f->h_occupancy, occupancy);
    int64_t hh;
    TRY(emit(g, &rc, &hh));
    g->hh = grow(g->hh, &g->cap_hh, g->n_hh + 1, sizeof(*g->hh));
    g->hh[g->n_hh++] = hh;
    if (g->capture && n && !g->who.resident.len)
        g->who.resident = ps[0].name;
    for (size_t k = 0; k < n; k++)
        TRY(emit_resident(g, &ps[k], hh, local, b, u));
    return GR_OK;
}

/* Floors, units and doors per floor of a building of a style, fitted to what the grid still
 * needs so that grids come out near their planned size. */
static void building_shape(struct gen *g, int style, int remaining, int *floors, int *units,
                           int *doors, int *year)
{
    struct gr_demo_rng *r = &g->rng;
    if (style == 0) {
        *floors = gr_demo_rng_chance(r, 0.7) ? 6 : gr_demo_rng_range(r, 5, 7);
        *units = gr_demo_rng_range(r, 2, 4);
        *doors = 2;
        *year = gr_demo_rng_range(r, 1982, 2003);
    } else if (style == 1) {
        *floors = gr_demo_rng_range(r, 7, 11);
        *units = gr_demo_rng_range(r, 1, 3);
        *doors = gr_demo_rng_range(r, 2, 3);
        *year = gr_demo_rng_range(r, 2000, 2012);
    } else {
        *floors = gr_demo_rng_range(r, 18, 33);
        *units = gr_demo_rng_range(r, 1, 2);
        *doors = gr_demo_rng_range(r, 2, 4);
        *year = gr_demo_rng_range(r, 2008, 2023);
    }
    if (*floors * *units * *doors > remaining) {
        int per_unit = *floors * *doors;
        *units = (remaining + per_unit - 1) / per_unit;
        if (*units < 1)
            *units = 1;
        if (*floors * *units * *doors > remaining + remaining / 2 && *floors > 3) {
            *floors = (remaining + *units * *doors - 1) / (*units * *doors);
            if (*floors < 3)
                *floors = 3;
        }
    }
}

static enum gr_err emit_building(struct gen *g, const struct node *gr, const struct node *dn,
                                 const struct gridplan *gp, int remaining, int *made)
{
    const struct fx *f = &g->fx;
    struct gr_demo_rng *r = &g->rng;
    int style = gr_demo_rng_chance(r, 0.8) ? gp->style : gr_demo_rng_range(r, 0, 2);
    int floors, units, doors, year;
    building_shape(g, style, remaining, &floors, &units, &doors, &year);
    struct estate *es = gp->estate;
    int number = es->next_building++;
    struct gr_demo_text num, name, address;
    gr_demo_text_clear(&num);
    gr_demo_text_num(&num, (uint64_t)number, 0);
    gr_demo_text_add(&num, "栋");
    compose(&name, es->name, num.s, "");
    compose(&address, CITY_NAME, dn->name, es->road);
    gr_demo_text_num(&address, (uint64_t)es->road_no, 0);
    gr_demo_text_add(&address, "号");
    gr_demo_text_add(&address, name.s);
    double x, y;
    point_in_cell(g, gr->c0, &x, &y);
    struct rec rc;
    rec_begin(g, &rc, GR_K_BUILDINGS);
    set_ref(&rc, f->b_grid, gr->id);
    set_tx(&rc, f->b_number, &num);
    set_tx(&rc, f->b_name, &name);
    set_tx(&rc, f->b_address, &address);
    set_int(&rc, f->b_floors, floors);
    set_int(&rc, f->b_year, year);
    set_real(&rc, f->b_lat, round_to(y, 1e-7));
    set_real(&rc, f->b_lon, round_to(x, 1e-7));
    g->pb = grow(g->pb, &g->cap_pb, g->n_pb + 1, sizeof(*g->pb));
    struct pbuilding *b = &g->pb[g->n_pb];
    memset(b, 0, sizeof(*b));
    b->number = number;
    TRY(emit(g, &rc, &b->id));
    g->n_pb++;

    char local6[7]; /* the county code: the first six digits of the district's */
    memcpy(local6, dn->code, 6);
    local6[6] = '\0';
    double lo = style == 0 ? 50 : style == 1 ? 70 : 80, hi = style == 0 ? 95 : 150;
    for (int u = 1; u <= units; u++) {
        struct gr_demo_text un;
        gr_demo_text_clear(&un);
        gr_demo_text_num(&un, (uint64_t)u, 0);
        gr_demo_text_add(&un, "单元");
        rec_begin(g, &rc, GR_K_UNITS);
        set_ref(&rc, f->u_building, b->id);
        set_tx(&rc, f->u_number, &un);
        set_int(&rc, f->u_floors, floors);
        g->pu = grow(g->pu, &g->cap_pu, g->n_pu + 1, sizeof(*g->pu));
        struct punit *pu = &g->pu[g->n_pu];
        memset(pu, 0, sizeof(*pu));
        TRY(emit(g, &rc, &pu->id));
        g->n_pu++;
        double area[4]; /* one layout per door, the same on every floor */
        for (int d = 0; d < doors && d < 4; d++)
            area[d] = round_to(lo + (hi - lo) * gr_demo_rng_unit(r), 0.01);
        for (int fl = 1; fl <= floors; fl++)
            for (int d = 1; d <= doors; d++) {
                /* pb and pu may move when the buffers grow: index them afresh. */
                TRY(emit_household(g, pu->id, fl, d, area[(d - 1) & 3], local6, &g->pb[g->n_pb - 1],
                                   &g->pu[g->n_pu - 1]));
            }
    }
    *made = floors * units * doors;
    return GR_OK;
}

/* ---- The network of a grid, once its people exist. ---- */

static enum gr_err emit_members(struct gen *g, const struct node *cm, const struct node *gr,
                                int64_t branch)
{
    const struct fx *f = &g->fx;
    struct gr_demo_rng *r = &g->rng;
    for (size_t k = 0; k < g->n_pm; k++) {
        struct pmember *m = &g->pm[k];
        char joined[11], registered[11];
        int y0 = m->birth + 20 < 1950 ? 1950 : m->birth + 20;
        int y1 = m->birth + 55 > 2024 ? 2024 : m->birth + 55;
        gr_demo_date(r, y0 > y1 ? y1 : y0, y1, joined);
        struct rec rc;
        rec_begin(g, &rc, GR_K_PARTY_MEMBERS);
        /* In-service members keep their organisation at work and report to the community
         * (在职党员报到); the others belong to the grid branch, or to the community's
         * organisation where the grid has none. */
        bool grid_level = !m->in_service && branch;
        set_ref(&rc, f->m_node, grid_level ? gr->id : cm->id);
        set_ref(&rc, f->m_org, m->in_service ? 0 : (branch ? branch : cm->org_id));
        set_text(&rc, f->m_name, m->name, m->len);
        set_str(&rc, f->m_gender, m->male ? "male" : "female");
        set_int(&rc, f->m_birth, m->birth);
        if (m->has_phone)
            set_str(&rc, f->m_phone, m->phone);
        set_str(&rc, f->m_joined, joined);
        set_int(&rc, f->m_in_service, m->in_service ? 1 : 0);
        if (m->in_service) {
            gr_demo_date(r, 2015, 2024, registered);
            set_str(&rc, f->m_work_unit, gr_demo_pick(r, &gr_demo_work_units));
            set_str(&rc, f->m_registered, registered);
        }
        set_ref(&rc, f->m_household, m->household);
        TRY(emit(g, &rc, &m->id));
        int age = REF_YEAR - m->birth;
        if (!m->in_service && age >= 35 && age <= 65 && m->has_phone) {
            struct cand *c = &g->secretary;
            c->w += 1;
            if (gr_demo_rng_unit(r) * c->w < 1) {
                g->sec_member = *m;
                c->member = 1;
            }
        }
    }
    return GR_OK;
}

/* Members link households (党员联户): consecutive runs of 5-20 households from a random
 * start, until the grid's share is reached or its members are used up. */
static enum gr_err emit_links(struct gen *g, double share)
{
    const struct fx *f = &g->fx;
    struct gr_demo_rng *r = &g->rng;
    if (!g->n_pm || !g->n_hh)
        return GR_OK;
    size_t target = (size_t)(share * (double)g->n_hh + 0.5), linked = 0;
    size_t cursor = gr_demo_rng_below(r, (uint32_t)g->n_hh);
    size_t m0 = gr_demo_rng_below(r, (uint32_t)g->n_pm);
    for (size_t k = 0; k < g->n_pm && linked < target; k++) {
        const struct pmember *m = &g->pm[(m0 + k) % g->n_pm];
        if (!gr_demo_rng_chance(r, 0.8))
            continue;
        size_t n = (size_t)gr_demo_rng_range(r, 5, 20);
        if (n > target - linked)
            n = target - linked < 5 ? 5 : target - linked;
        if (n > g->n_hh - linked)
            n = g->n_hh - linked;
        char since[11];
        gr_demo_date(r, 2018, 2024, since);
        for (size_t j = 0; j < n; j++) {
            struct rec rc;
            rec_begin(g, &rc, GR_K_MEMBER_HOUSEHOLDS);
            set_ref(&rc, f->l_member, m->id);
            set_ref(&rc, f->l_household, g->hh[(cursor + linked + j) % g->n_hh]);
            set_str(&rc, f->l_since, since);
            TRY(emit(g, &rc, NULL));
        }
        linked += n;
    }
    return GR_OK;
}

static enum gr_err grid_posts(struct gen *g, const struct node *gr, const struct gridplan *gp,
                              int64_t branch)
{
    struct gr_demo_rng *r = &g->rng;
    /* Names for the logins come from the first two grids of the first community. */
    size_t at = gr->c0 - g->lv[GR_LEVEL_COMMUNITY][0].c0;
    bool first = g->capture && at == 0, second = g->capture && at == 1;
    if (branch) {
        struct post p = {.kind = "grid_branch_secretary", .org = branch, .node = gr->id};
        const struct pmember *best = NULL;
        for (size_t k = 0; k < g->n_pm; k++) { /* the longest-serving resident member */
            const struct pmember *m = &g->pm[k];
            if (!m->in_service && (!best || m->birth < best->birth) && REF_YEAR - m->birth <= 70)
                best = m;
        }
        if (best) {
            p.name = best->name;
            p.name_len = best->len;
            p.phone = best->has_phone ? best->phone : NULL;
            p.member = best->id;
            TRY(emit_post(g, &p));
        } else {
            TRY(stranger_post(g, &p, NULL));
        }
    }
    if (gp->worker) {
        struct post p = {.kind = "grid_worker", .node = gr->id};
        TRY(stranger_post(g, &p, first ? &g->who.grid : second ? &g->who.grid2 : NULL));
    }
    for (size_t k = 0; k < g->n_pb; k++) {
        const struct pbuilding *b = &g->pb[k];
        bool forced = first && k == 0;
        if (!b->c.len || !(forced || gr_demo_rng_chance(r, gp->p_building_leader)))
            continue;
        struct post p = {.kind = "building_leader", .building = b->id};
        TRY(candidate_post(g, &b->c, &p, forced ? &g->who.building : NULL));
    }
    for (size_t k = 0; k < g->n_pu; k++) {
        const struct punit *u = &g->pu[k];
        bool forced = first && k == 0;
        if (!u->c.len || !(forced || gr_demo_rng_chance(r, gp->p_unit_leader)))
            continue;
        struct post p = {.kind = "unit_leader", .unit = u->id};
        TRY(candidate_post(g, &u->c, &p, forced ? &g->who.unit : NULL));
    }
    return GR_OK;
}

/* Party groups (党小组) in some buildings of a grid with a branch. */
static enum gr_err building_groups(struct gen *g, const struct node *cm, const struct node *gr,
                                   int64_t branch)
{
    for (size_t k = 0; k < g->n_pb; k++) {
        if (!gr_demo_rng_chance(&g->rng, 0.25))
            continue;
        struct gr_demo_text name, code;
        compose(&name, cm->name, gr->name, "");
        gr_demo_text_num(&name, (uint64_t)g->pb[k].number, 0);
        gr_demo_text_add(&name, "栋党小组");
        compose(&code, "D", gr->code, "");
        gr_demo_text_num(&code, k + 1, 3);
        int64_t id;
        TRY(party_org(g, gr->id, branch, "group", name.s, code.s, g->pb[k].id, 2012, &id));
    }
    return GR_OK;
}

static void plan_grid(struct gen *g, struct gridplan *gp, bool forced_good)
{
    struct gr_demo_rng *r = &g->rng;
    bool weak = !forced_good && gr_demo_rng_chance(r, 0.2);
    gp->branch = forced_good || !gr_demo_rng_chance(r, weak ? 0.35 : 0.01);
    gp->worker = forced_good || !gr_demo_rng_chance(r, weak ? 0.12 : 0.0075);
    gp->p_building_leader = weak ? 0.53 : 0.93;
    gp->p_unit_leader = weak ? 0.35 : 0.85;
    gp->link_share = weak ? 0.15 + 0.3 * gr_demo_rng_unit(r) : 0.75 + 0.17 * gr_demo_rng_unit(r);
    uint32_t s = gr_demo_rng_below(r, 100);
    gp->style = s < 40 ? 0 : s < 65 ? 1 : 2;
    gp->households = (int)(g->sc->households * (0.6 + 0.8 * gr_demo_rng_unit(r)) + 0.5);
}

static enum gr_err grid_population(struct gen *g, const struct node *cm, const struct node *gr,
                                   const struct node *dn, struct gridplan *gp)
{
    g->n_pm = g->n_pb = g->n_pu = g->n_hh = 0;
    for (int done = 0; done < gp->households;) {
        int made = 0;
        TRY(emit_building(g, gr, dn, gp, gp->households - done, &made));
        done += made;
    }
    int64_t branch = 0;
    if (gp->branch) {
        struct gr_demo_text name, code;
        compose(&name, cm->name, gr->name, "党支部");
        compose(&code, "D", gr->code, "");
        TRY(party_org(g, gr->id, cm->org_id, "branch", name.s, code.s, 0, 2005, &branch));
        TRY(building_groups(g, cm, gr, branch));
    }
    TRY(emit_members(g, cm, gr, branch));
    TRY(grid_posts(g, gr, gp, branch));
    return emit_links(g, gp->link_share);
}

/* ---- Communities. ---- */

static void plan_estates(struct gen *g, const struct node *cm, struct estate *es, size_t n)
{
    struct gr_demo_rng *r = &g->rng;
    for (size_t k = 0; k < n; k++) {
        struct gr_demo_text name;
        gr_demo_text_clear(&name);
        if (cm->town && k == 0) {
            /* A village's first estate is its resettlement housing. */
            size_t len = strlen(cm->name) - strlen("村");
            gr_demo_text_addn(&name, cm->name, len);
            gr_demo_text_add(&name, "安置小区");
        } else {
            gr_demo_text_add(&name, gr_demo_pick(r, &gr_demo_places));
            gr_demo_text_add(&name, gr_demo_pick(r, &gr_demo_estate_suffixes));
        }
        copy_str(es[k].name, sizeof(es[k].name), name.s);
        es[k].road = gr_demo_pick(r, &gr_demo_roads);
        es[k].road_no = gr_demo_rng_range(r, 1, 1200);
        es[k].next_building = 1;
    }
}

static enum gr_err community_orgs(struct gen *g, struct node *cm, const struct node *st,
                                  const struct estate *es, size_t n_es, int64_t *property)
{
    struct gr_demo_rng *r = &g->rng;
    const char *region = g->dx[st->parent].t->code;
    struct gr_demo_text name, code;
    bool committee = cm->k1 - cm->k0 >= 7;
    compose(&name, "中共", st->name, cm->name);
    gr_demo_text_add(&name, committee ? "委员会" : "总支部委员会");
    compose(&code, "D", cm->code, "");
    TRY(party_org(g, cm->id, st->org_id, committee ? "committee" : "general_branch", name.s, code.s,
                  0, 1990, &cm->org_id));
    int64_t id;
    /* A village has a villagers' committee (村民委员会), a community a residents' one. */
    compose(&name, cm->name, cm->town ? "村民委员会" : "居民委员会", "");
    struct org_spec o = {.node = cm->id,
                         .region = region,
                         .kind = "residents_committee",
                         .name = name.s,
                         .credit = cm->town ? "54" : "55",
                         .party_org = cm->org_id};
    TRY(stakeholder(g, &o, &id, NULL));
    for (size_t k = 0; k < n_es; k++) {
        if (!(k == 0 && !cm->town) && !gr_demo_rng_chance(r, 0.6))
            continue;
        compose(&name, es[k].name, "业主委员会", "");
        struct org_spec oc = {.node = cm->id,
                              .region = region,
                              .kind = "owners_committee",
                              .name = name.s,
                              .mobile = true};
        TRY(stakeholder(g, &oc, &id, NULL));
    }
    compose(&name, gr_demo_rng_chance(r, 0.5) ? "江西" : "南昌", gr_demo_pick(r, &gr_demo_brands),
            gr_demo_rng_chance(r, 0.5) ? "物业服务有限公司" : "物业管理有限公司");
    struct org_spec op = {.node = cm->id,
                          .region = region,
                          .kind = "property_company",
                          .name = name.s,
                          .credit = "91"};
    TRY(stakeholder(g, &op, property, NULL));
    compose(&name, cm->name, gr_demo_rng_chance(r, 0.5) ? "党员志愿服务队" : "志愿服务队", "");
    struct org_spec ov = {.node = cm->id,
                          .region = region,
                          .kind = "volunteer_team",
                          .name = name.s,
                          .party_org = cm->org_id,
                          .mobile = true};
    TRY(stakeholder(g, &ov, &id, NULL));
    compose(&name, cm->name, "妇女联合会", "");
    ov.kind = "mass_organisation";
    return stakeholder(g, &ov, &id, NULL);
}

static enum gr_err community_links(struct gen *g, const struct node *cm, int64_t property)
{
    struct gr_demo_rng *r = &g->rng;
    size_t d = g->lv[GR_LEVEL_STREET][cm->parent].parent;
    const struct district_extra *dx = &g->dx[d];
    struct gr_demo_text partner;
    int n = gr_demo_rng_range(r, 1, 3);
    size_t last = (size_t)-1;
    for (int k = 0; k < n; k++) {
        bool dept = gr_demo_rng_chance(r, 0.7) || !dx->n_ent;
        size_t pick = gr_demo_rng_below(r, (uint32_t)(dept ? dx->n_dept : dx->n_ent));
        size_t tag = dept ? pick : 1000 + pick;
        if (tag == last)
            continue;
        last = tag;
        int64_t org = dept ? dx->dept[pick] : dx->ent[pick];
        if (dept)
            compose(&partner, g->lv[GR_LEVEL_DISTRICT][d].name, gr_demo_departments.w[pick], "");
        else
            compose(&partner, dx->ent_name[pick], "", "");
        TRY(cobuild(g, cm->org_id, org, "与", partner.s, "党建共建协议"));
    }
    if (gr_demo_rng_chance(r, 0.4)) /* 红色物业 */
        TRY(cobuild(g, cm->org_id, property, "红色物业共建：", cm->name, "物业服务项目"));
    return GR_OK;
}

static enum gr_err community_secretary(struct gen *g, const struct node *cm)
{
    struct post p = {.kind = "secretary", .org = cm->org_id, .node = cm->id};
    struct gr_demo_text *capture = g->capture ? &g->who.community : NULL;
    if (!g->secretary.member)
        return stranger_post(g, &p, capture);
    const struct pmember *m = &g->sec_member;
    p.name = m->name;
    p.name_len = m->len;
    p.phone = m->has_phone ? m->phone : NULL;
    p.member = m->id;
    if (capture) {
        gr_demo_text_clear(capture);
        gr_demo_text_addn(capture, m->name, m->len);
    }
    TRY(emit_post(g, &p));
    if (gr_demo_rng_chance(&g->rng, 0.5)) {
        struct post d = {.kind = "deputy_secretary", .org = cm->org_id, .node = cm->id};
        TRY(stranger_post(g, &d, NULL));
    }
    return GR_OK;
}

static enum gr_err community(struct gen *g, size_t ci)
{
    struct node *cm = &g->lv[GR_LEVEL_COMMUNITY][ci];
    const struct node *st = &g->lv[GR_LEVEL_STREET][cm->parent];
    const struct node *dn = &g->lv[GR_LEVEL_DISTRICT][st->parent];
    size_t ng = cm->k1 - cm->k0;
    size_t n_es = 1 + (ng - 1) / 3;
    if (n_es > MAX_ESTATES)
        n_es = MAX_ESTATES;
    struct estate es[MAX_ESTATES];
    plan_estates(g, cm, es, n_es);
    int64_t property = 0;
    TRY(community_orgs(g, cm, st, es, n_es, &property));
    memset(&g->secretary, 0, sizeof(g->secretary));
    g->capture = ci == 0;
    for (size_t k = cm->k0; k < cm->k1; k++) {
        struct node *gr = &g->lv[GR_LEVEL_GRID][k];
        struct gridplan gp;
        plan_grid(g, &gp, g->capture && k - cm->k0 < 2);
        gp.estate = &es[(k - cm->k0) * n_es / ng];
        TRY(grid_population(g, cm, gr, dn, &gp));
        progress(g, "grids", k + 1, g->n[GR_LEVEL_GRID], false);
    }
    TRY(community_secretary(g, cm));
    g->capture = false;
    return community_links(g, cm, property);
}

static enum gr_err population(struct gen *g)
{
    struct node *city = &g->lv[GR_LEVEL_CITY][0];
    TRY(party_org(g, city->id, 0, "committee", "中共" CITY_NAME "委员会", "D" CITY_CODE, 0, 1949,
                  &city->org_id));
    for (size_t d = 0; d < g->n[GR_LEVEL_DISTRICT]; d++) {
        const struct node *dn = &g->lv[GR_LEVEL_DISTRICT][d];
        TRY(district_orgs(g, d));
        for (size_t s = dn->k0; s < dn->k1; s++) {
            const struct node *st = &g->lv[GR_LEVEL_STREET][s];
            TRY(street_orgs(g, s));
            for (size_t c = st->k0; c < st->k1; c++)
                TRY(community(g, c));
        }
    }
    progress(g, "grids", g->n[GR_LEVEL_GRID], g->n[GR_LEVEL_GRID], true);
    return GR_OK;
}

/* ---- Logins. ---- */

static enum gr_err users(struct gen *g)
{
    struct logins *w = &g->who;
    struct gr_demo_text *fill[] = {&w->city,  &w->district, &w->street, &w->community, &w->grid,
                                   &w->grid2, &w->building, &w->unit,   &w->resident,  &w->dept};
    for (size_t k = 0; k < sizeof(fill) / sizeof(fill[0]); k++)
        if (!fill[k]->len) /* not captured on the way: a made-up name */
            gr_demo_person_name(&g->names, &g->rng, NULL, gr_demo_rng_chance(&g->rng, 0.5),
                                gr_demo_rng_range(&g->rng, 1965, 1995), fill[k]);
    const struct node *cm = &g->lv[GR_LEVEL_COMMUNITY][0];
    int64_t city = g->lv[GR_LEVEL_CITY][0].id, district = g->lv[GR_LEVEL_DISTRICT][0].id;
    int64_t street = g->lv[GR_LEVEL_STREET][0].id, grid1 = g->lv[GR_LEVEL_GRID][cm->k0].id;
    int64_t grid2 = g->lv[GR_LEVEL_GRID][cm->k0 + (cm->k1 - cm->k0 > 1 ? 1 : 0)].id;
    const struct {
        const char *login;
        const struct gr_demo_text *name;
        enum gr_role role;
        int64_t node, org;
    } u[] = {
        {"city", &w->city, GR_ROLE_CITY_STAFF, city, 0},
        {"district", &w->district, GR_ROLE_DISTRICT_STAFF, district, 0},
        {"street", &w->street, GR_ROLE_STREET_STAFF, street, 0},
        {"community", &w->community, GR_ROLE_COMMUNITY_STAFF, cm->id, 0},
        {"grid", &w->grid, GR_ROLE_GRID_WORKER, grid1, 0},
        {"grid2", &w->grid2, GR_ROLE_GRID_WORKER, grid2, 0},
        {"building", &w->building, GR_ROLE_BUILDING_LEADER, grid1, 0},
        {"unit", &w->unit, GR_ROLE_UNIT_LEADER, grid1, 0},
        {"resident", &w->resident, GR_ROLE_RESIDENT, grid1, 0},
        {"dept", &w->dept, GR_ROLE_DEPARTMENT_HANDLER, 0, g->dx[0].dept[0]},
    };
    for (size_t k = 0; k < sizeof(u) / sizeof(u[0]); k++)
        TRY(g->sink->user(g->sink->ctx, u[k].login, u[k].name->s, u[k].role, u[k].node, u[k].org));
    return GR_OK;
}

/* ---- Driver. ---- */

static enum gr_err resolve_fields(struct gen *g)
{
    for (int k = 0; k < GR_N_KINDS; k++) {
        g->k[k] = gr_kind_get((enum gr_kind_id)k);
        if (!g->k[k] || g->k[k]->n_fields > MAX_FIELDS)
            return GR_EINTERNAL;
    }
    for (size_t i = 0; i < sizeof(fx_names) / sizeof(fx_names[0]); i++) {
        const struct gr_kind *k = g->k[fx_names[i].kind];
        int f = gr_kind_field(k, fx_names[i].field, strlen(fx_names[i].field));
        if (f < 0)
            return GR_EINTERNAL;
        memcpy((char *)&g->fx + fx_names[i].off, &f, sizeof(int));
    }
    return GR_OK;
}

static void gen_cleanup(struct gen *g)
{
    for (int l = 0; l <= GR_N_LEVELS; l++)
        free(g->lv[l]);
    free(g->dx);
    free(g->place_perm);
    free(g->ci);
    free(g->cj);
    free(g->owner);
    free(g->edges);
    free(g->used);
    free(g->pts);
    free(g->rings);
    free(g->rings_tmp);
    free(g->pm);
    free(g->pb);
    free(g->pu);
    free(g->hh);
}

enum gr_err gr_demo_generate(const struct gr_demo_opts *o, const struct gr_demo_sink *sink)
{
    if (!o || !sink || !sink->emit || !sink->boundary || !sink->user ||
        (o->scale != GR_DEMO_SMALL && o->scale != GR_DEMO_CITY))
        return GR_EINVAL;
    struct gen *g = gr_calloc(1, sizeof(*g));
    g->sink = sink;
    g->sc = &scales[o->scale];
    g->seed = o->seed;
    gr_demo_rng_seed(&g->rng, o->seed);
    gr_demo_names_init(&g->names);
    enum gr_err e = resolve_fields(g);
    if (e)
        goto out;
    build_tree(g);
    build_lattice(g);
    if ((e = emit_nodes(g)) || (e = population(g)) || (e = users(g)))
        goto out;
out:
    gen_cleanup(g);
    free(g);
    return e;
}
