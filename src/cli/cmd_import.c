/*
 * cmd_import.c - `grassroots import`: CSV into a network table, the responsibility list's
 * draft or cases; or GeoJSON boundaries.
 *
 * All or nothing: every row is checked and every bad one reported by line and column;
 * only when none is bad is the transaction committed. Derived counters are recomputed
 * once at the end.
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../api/api.h"
#include "../api/case_ops.h"
#include "../api/matters_csv.h"
#include "../base/csv.h"
#include "../core/geo.h"
#include "cli.h"

#define MAX_REPORTED 1000

static const char help[] =
    "usage: grassroots import --db FILE KIND FILE [--version N]\n"
    "\n"
    "Import UTF-8 CSV with a header row (a byte-order mark is tolerated) into KIND, or for\n"
    "KIND boundaries a GeoJSON FeatureCollection whose features name their node by\n"
    "properties.id or properties.code. Columns are the fields of KIND (see `export`), plus\n"
    "an optional id column that keeps ids. All or nothing: every bad row is reported as\n"
    "FILE:LINE:COLUMN and nothing is imported.\n"
    "KIND: nodes, buildings, units, households, residents, party_orgs, party_members, posts,\n"
    "      member_households, organisations, cobuild_links, boundaries, matters, cases\n"
    "\n"
    "matters: the file becomes the matters of the responsibility list's draft (the one being\n"
    "  edited, else a new one), replacing what the draft held; publish it to put it in\n"
    "  effect. Columns as `export matters` writes them: code, name, category, power_type,\n"
    "  list_kind, governance, owner_level, owner_dept, co_depts (joined by '|'), legal_basis,\n"
    "  respond_limit, respond_unit, resolve_limit, resolve_unit, urgent (0 or 1).\n"
    "  --version N  load into draft version N instead\n"
    "cases: historical or batch cases (channel import), each located to the grid its point\n"
    "  lies in and routed by the list in effect at its time. Columns: matter_code,\n"
    "  description, lat, lon, address, requester_name, requester_phone, created_at (ISO\n"
    "  8601: 2026-03-01T09:30:00+08:00, ...Z, or without an offset for the city's time;\n"
    "  empty or left out: now); the last four may be left out.\n";

struct report {
    const char *file;
    size_t n;
    bool told; /* a failure that is not the file's was explained already */
};

static void bad(struct report *rp, size_t line, size_t col, const char *field, const char *msg)
{
    if (rp->n++ < MAX_REPORTED) {
        if (col)
            fprintf(stderr, "%s:%zu:%zu: %s: %s\n", rp->file, line, col, field ? field : "-", msg);
        else
            fprintf(stderr, "%s:%zu: %s%s%s\n", rp->file, line, field ? field : "",
                    field ? ": " : "", msg);
    }
}

/* Text of one CSV cell to a value of field f; false with *why on a type error. */
static bool cell_value(const struct gr_field *f, const char *s, size_t n, struct gr_value *v,
                       const char **why)
{
    memset(v, 0, sizeof(*v));
    if (n == 0)
        return true; /* absent: null */
    v->present = true;
    switch (f->type) {
    case GR_FT_INT:
    case GR_FT_REF: *why = "must be an integer"; return gr_parse_i64(s, n, &v->i) == GR_OK;
    case GR_FT_REAL: *why = "must be a number"; return gr_parse_f64(s, n, &v->d) == GR_OK;
    case GR_FT_BOOL:
        *why = "must be true or false";
        if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 1 && s[0] == '1'))
            v->i = 1;
        else if ((n == 5 && memcmp(s, "false", 5) == 0) || (n == 1 && s[0] == '0'))
            v->i = 0;
        else
            return false;
        return true;
    default:
        v->s = s;
        v->len = n;
        return true;
    }
}

static int import_csv(struct gr_store *st, const struct gr_kind *k, const char *data, size_t len,
                      struct report *rp, uint64_t *rows)
{
    struct gr_csv c;
    gr_csv_init(&c, data, len);
    int col_field[GR_CSV_MAX_FIELDS]; /* field index, -1 for id */
    size_t n_cols = 0;
    enum gr_err e = gr_csv_next(&c);
    if (e) {
        bad(rp, 1, 0, NULL,
            e == GR_ENOTFOUND ? "the file is empty: a header row is needed" : c.error);
        goto out;
    }
    n_cols = c.n;
    bool seen[64] = {false};
    for (size_t i = 0; i < c.n; i++) {
        if (c.f[i].len == 2 && memcmp(c.f[i].s, "id", 2) == 0) {
            col_field[i] = -1;
            continue;
        }
        int fi = gr_kind_field(k, c.f[i].s, c.f[i].len);
        if (fi < 0 || (k->fields[fi].flags & GR_FF_DERIVED) || seen[fi]) {
            char msg[160];
            snprintf(msg, sizeof(msg), "%s column \"%.*s\"",
                     fi >= 0 && seen[fi] ? "repeated" : "unknown", (int)c.f[i].len, c.f[i].s);
            bad(rp, 1, i + 1, NULL, msg);
            continue;
        }
        seen[fi] = true;
        col_field[i] = fi;
    }
    if (rp->n)
        goto out;

    struct gr_value vals[32];
    while ((e = gr_csv_next(&c)) != GR_ENOTFOUND) {
        if (e) {
            bad(rp, c.line, 0, NULL, c.error);
            break; /* the rest of the file cannot be framed */
        }
        if (c.n == 1 && c.f[0].len == 0)
            continue; /* a blank line */
        if (c.n != n_cols) {
            char msg[96];
            snprintf(msg, sizeof(msg), "has %zu fields; the header has %zu", c.n, n_cols);
            bad(rp, c.line, 0, NULL, msg);
            continue;
        }
        memset(vals, 0, sizeof(vals[0]) * k->n_fields);
        int64_t id = 0;
        bool ok = true;
        for (size_t i = 0; i < c.n; i++) {
            const char *why = NULL;
            if (col_field[i] < 0) {
                if (c.f[i].len && (gr_parse_i64(c.f[i].s, c.f[i].len, &id) || id <= 0)) {
                    bad(rp, c.line, i + 1, "id", "must be a positive integer");
                    ok = false;
                }
                continue;
            }
            const struct gr_field *f = &k->fields[col_field[i]];
            if (!cell_value(f, c.f[i].s, c.f[i].len, &vals[col_field[i]], &why)) {
                bad(rp, c.line, i + 1, f->name, why);
                ok = false;
            }
        }
        if (!ok)
            continue;
        struct gr_verr ve = {0};
        e = gr_record_check(k, vals, true, &ve);
        if (!e)
            e = gr_store_insert(st, k, id, vals, NULL, &ve);
        if (e) {
            size_t col = 0;
            for (size_t i = 0; ve.field && i < c.n; i++)
                if (col_field[i] >= 0 && strcmp(k->fields[col_field[i]].name, ve.field) == 0)
                    col = i + 1;
            if (ve.message)
                bad(rp, c.line, col, ve.field, ve.message);
            else
                bad(rp, c.line, 0, NULL, gr_store_errmsg(st));
            if (e != GR_EINVAL && e != GR_ECONFLICT)
                break; /* the store itself failed */
            continue;
        }
        if (++*rows % 20000 == 0)
            gr_cli_progress("importing", *rows, 0);
    }
out:
    gr_csv_cleanup(&c);
    return rp->n ? 1 : 0;
}

static int first_id(void *ctx, const struct gr_row *row)
{
    *(int64_t *)ctx = row->id;
    return 1;
}

static int import_boundaries(struct gr_store *st, const char *data, size_t len, struct report *rp,
                             uint64_t *rows)
{
    json_error_t err;
    json_t *fc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!fc) {
        bad(rp, (size_t)err.line, (size_t)err.column, NULL, err.text);
        return 1;
    }
    json_t *features = json_object_get(fc, "features");
    if (!json_is_array(features)) {
        bad(rp, 1, 0, NULL, "must be a GeoJSON FeatureCollection");
        json_decref(fc);
        return 1;
    }
    size_t i;
    json_t *f;
    json_array_foreach(features, i, f)
    {
        json_t *props = json_object_get(f, "properties");
        json_t *jid = json_object_get(props, "id"), *jcode = json_object_get(props, "code");
        int64_t id = json_is_integer(jid) ? json_integer_value(jid) : 0;
        char where[64];
        snprintf(where, sizeof(where), "feature %zu", i + 1);
        if (!id && json_is_string(jcode)) {
            struct gr_query q = {.all = true, .limit = 1};
            q.n_filters = 1;
            q.filter_field[0] = gr_kind_field(gr_kind_get(GR_K_NODES), "code", 4);
            q.filter_value[0] = (struct gr_value){
                .present = true, .s = json_string_value(jcode), .len = json_string_length(jcode)};
            bool more;
            int64_t found = 0;
            gr_store_list(st, gr_kind_get(GR_K_NODES), &q, first_id, &found, &more);
            id = found;
        }
        struct gr_anc anc;
        if (!id || gr_store_anc(st, gr_kind_get(GR_K_NODES), id, &anc) != GR_OK) {
            bad(rp, i + 1, 0, where, "names no existing node by properties.id or properties.code");
            continue;
        }
        struct gr_shape shape;
        const char *why = NULL;
        if (gr_geojson_shape(f, &shape, &why) != GR_OK) {
            bad(rp, i + 1, 0, where, why);
            continue;
        }
        double x, y;
        enum gr_err e = gr_shape_label_point(&shape, &x, &y);
        size_t blen = 0;
        void *blob = e ? NULL : gr_shape_pack(&shape, &blen);
        char *text = e ? NULL : gr_geojson_text(&shape);
        gr_shape_cleanup(&shape);
        if (!e)
            e = gr_store_node_boundary_set(st, id, text, blob, blen, y, x);
        free(text);
        free(blob);
        if (e) {
            bad(rp, i + 1, 0, where, "could not be stored");
            continue;
        }
        ++*rows;
    }
    json_decref(fc);
    return rp->n ? 1 : 0;
}

/* ---- the responsibility list ---- */

static void matter_bad(void *ctx, size_t line, size_t col, const char *column, const char *why)
{
    bad(ctx, line, col, column, why);
}

/* The file as the matters of draft *version (0: the draft being edited, made if none is). */
static int import_matters(struct gr_store *st, int *version, const char *data, size_t len,
                          struct report *rp, uint64_t *rows)
{
    enum gr_err e = *version ? GR_OK : gr_store_matter_draft(st, version);
    size_t n = 0;
    if (!e)
        e = gr_matters_csv_load(st, *version, data, len, matter_bad, rp, &n);
    *rows = n;
    if (e == GR_ENOTFOUND || e == GR_ECONFLICT) {
        fprintf(stderr, "grassroots import: --version %d: %s\n", *version,
                e == GR_ENOTFOUND ? "no such version of the responsibility list"
                                  : "a published version never changes; import into a draft");
        rp->told = true;
    }
    return e ? 1 : 0;
}

/* ---- cases ---- */

enum case_col { K_MATTER, K_DESCRIPTION, K_LAT, K_LON, K_ADDRESS, K_NAME, K_PHONE, K_AT, N_KCOLS };

/* The columns, with the most characters a cell holds (those of POST /api/v1/cases). */
static const struct {
    const char *name;
    bool required;
    size_t max;
} case_cols[N_KCOLS] = {
    {"matter_code", true, 32},
    {"description", true, 4000},
    {"lat", true, 32},
    {"lon", true, 32},
    {"address", false, 200},
    {"requester_name", false, 40},
    {"requester_phone", false, 20},
    {"created_at", false, 32},
};

struct case_import {
    struct gr_store *st;
    struct report *rp;
    struct gr_csv c;
    size_t pos[N_KCOLS]; /* the column of each field (1-based), 0 when absent */
    struct gr_geoindex *gi;
    struct gr_arena arena; /* the row's texts, NUL-terminated */
    int64_t now;
};

static bool case_fault(struct case_import *ci, enum case_col k, const char *why)
{
    bad(ci->rp, ci->c.line, ci->pos[k], case_cols[k].name, why);
    return false;
}

static int index_shape(void *ctx, int64_t id, const void *blob, size_t len)
{
    struct gr_shape shape;
    if (gr_shape_unpack(blob, len, &shape) == GR_OK)
        gr_geoindex_add(ctx, id, &shape);
    return 0;
}

static bool case_header(struct case_import *ci)
{
    enum gr_err e = gr_csv_next(&ci->c);
    if (e) {
        bad(ci->rp, 1, 0, NULL,
            e == GR_ENOTFOUND ? "the file is empty: a header row is needed" : ci->c.error);
        return false;
    }
    size_t before = ci->rp->n;
    for (size_t i = 0; i < ci->c.n; i++) {
        const struct gr_csv_field *f = &ci->c.f[i];
        int k = 0;
        while (k < N_KCOLS && !(strlen(case_cols[k].name) == f->len &&
                                memcmp(case_cols[k].name, f->s, f->len) == 0))
            k++;
        if (k == N_KCOLS || ci->pos[k]) {
            char msg[160];
            snprintf(msg, sizeof(msg), "%s column \"%.*s\"", k < N_KCOLS ? "repeated" : "unknown",
                     f->len > 64 ? 64 : (int)f->len, f->s);
            bad(ci->rp, 1, i + 1, NULL, msg);
            continue;
        }
        ci->pos[k] = i + 1;
    }
    for (int k = 0; k < N_KCOLS; k++)
        if (case_cols[k].required && !ci->pos[k])
            bad(ci->rp, 1, 0, case_cols[k].name, "the column is missing");
    return ci->rp->n == before;
}

static bool coordinate(struct case_import *ci, enum case_col k, const char *s, double lim,
                       double *out)
{
    if (gr_parse_f64(s, strlen(s), out) != GR_OK || *out < -lim || *out > lim)
        return case_fault(ci, k,
                          k == K_LAT ? "must be a number from -90 to 90"
                                     : "must be a number from -180 to 180");
    return true;
}

/* The intake of the current row, its faults reported; false when it has any. */
static bool case_row(struct case_import *ci, struct gr_intake *in)
{
    const char *v[N_KCOLS] = {NULL};
    bool ok = true;
    for (int k = 0; k < N_KCOLS; k++) {
        if (!ci->pos[k])
            continue;
        const struct gr_csv_field *f = &ci->c.f[ci->pos[k] - 1];
        char msg[64];
        if (!gr_utf8_valid(f->s, f->len)) {
            ok = case_fault(ci, (enum case_col)k, "is not valid UTF-8");
        } else if (f->len == 0 && case_cols[k].required) {
            ok = case_fault(ci, (enum case_col)k, "is required");
        } else if (gr_utf8_len(f->s, f->len) > case_cols[k].max) {
            snprintf(msg, sizeof(msg), "must be at most %zu characters", case_cols[k].max);
            ok = case_fault(ci, (enum case_col)k, msg);
        } else if (f->len) {
            v[k] = gr_arena_strndup(&ci->arena, f->s, f->len);
        }
    }
    memset(in, 0, sizeof(*in));
    in->channel = "import";
    in->matter_code = v[K_MATTER];
    in->description = v[K_DESCRIPTION];
    in->address = v[K_ADDRESS];
    in->requester_name = v[K_NAME];
    in->requester_phone = v[K_PHONE];
    in->has_point = true;
    in->now = ci->now;
    if (v[K_LAT] && !coordinate(ci, K_LAT, v[K_LAT], 90, &in->lat))
        ok = false;
    if (v[K_LON] && !coordinate(ci, K_LON, v[K_LON], 180, &in->lon))
        ok = false;
    if (v[K_AT] && !gr_cli_time(v[K_AT], &in->now))
        ok = case_fault(ci, K_AT, "must be a time like 2026-03-01T09:30:00+08:00");
    else if (in->now > ci->now)
        ok = case_fault(ci, K_AT, "is in the future");
    if (ok && v[K_LAT] && v[K_LON]) {
        int64_t grid = gr_geoindex_find(ci->gi, in->lon, in->lat);
        if (!grid)
            ok = case_fault(ci, K_LAT, "the point lies outside every grid of the city");
        else if (gr_store_anc(ci->st, gr_kind_get(GR_K_NODES), grid, &in->anc) != GR_OK)
            ok = case_fault(ci, K_LAT, "the grid of the point could not be read");
    }
    return ok;
}

static enum gr_err case_intake(struct case_import *ci)
{
    struct gr_intake in;
    if (!case_row(ci, &in))
        return GR_OK;
    struct gr_case out;
    struct gr_case_fail f = {0};
    enum gr_err e = gr_case_intake(ci->st, &in, &out, &f);
    if (e && f.field) {
        int at = 0;
        while (at < N_KCOLS && strcmp(case_cols[at].name, f.field) != 0)
            at++;
        if (at < N_KCOLS)
            case_fault(ci, (enum case_col)at, f.why);
        else
            bad(ci->rp, ci->c.line, 0, f.field, f.why);
        return GR_OK;
    }
    return e;
}

/* Cases by intake: located by the grids' shapes, routed at their own time. */
static int import_cases(struct gr_store *st, const char *data, size_t len, struct report *rp,
                        uint64_t *rows)
{
    struct case_import ci = {.st = st, .rp = rp, .gi = gr_geoindex_new(), .now = time(NULL)};
    gr_arena_init(&ci.arena);
    gr_csv_init(&ci.c, data, len);
    enum gr_err e = gr_store_each_shape(st, GR_LEVEL_GRID, index_shape, ci.gi);
    gr_geoindex_build(ci.gi);
    if (e || !case_header(&ci))
        goto out;
    size_t n_cols = ci.c.n, n_bad = rp->n;
    enum gr_err ce;
    while (!e && (ce = gr_csv_next(&ci.c)) != GR_ENOTFOUND) {
        if (ce) {
            bad(rp, ci.c.line, 0, NULL, ci.c.error);
            break; /* the rest of the file cannot be framed */
        }
        if (ci.c.n == 1 && ci.c.f[0].len == 0)
            continue; /* a blank line */
        if (ci.c.n != n_cols) {
            char msg[96];
            snprintf(msg, sizeof(msg), "has %zu fields; the header has %zu", ci.c.n, n_cols);
            bad(rp, ci.c.line, 0, NULL, msg);
            continue;
        }
        e = case_intake(&ci);
        if (!e && rp->n == n_bad && ++*rows % 1000 == 0)
            gr_cli_progress("importing", *rows, 0);
        n_bad = rp->n;
        /* What the store handed out for this row is not needed again. */
        gr_arena_cleanup(&ci.arena);
        gr_store_release(st);
    }
out:
    gr_csv_cleanup(&ci.c);
    gr_arena_cleanup(&ci.arena);
    gr_geoindex_free(ci.gi);
    return e || rp->n ? 1 : 0;
}

int gr_cmd_import(int argc, char **argv)
{
    const char *db = NULL, *version_text = NULL;
    const struct gr_opt opts[] = {
        {"--db", true, &db}, {"--version", true, &version_text}, {NULL, false, NULL}};
    const char *pos[2];
    int n_pos, done;
    if ((done = gr_cli_start(argc, argv, opts, pos, 2, &n_pos, help)) >= 0)
        return done;
    if (!db || n_pos != 2) {
        fprintf(stderr, "grassroots import: --db, KIND and FILE are required\n%s", help);
        return GR_EXIT_USAGE;
    }
    bool boundaries = strcmp(pos[0], "boundaries") == 0;
    bool matters = strcmp(pos[0], "matters") == 0, cases = strcmp(pos[0], "cases") == 0;
    const struct gr_kind *k =
        boundaries || matters || cases ? NULL : gr_kind_find(pos[0], strlen(pos[0]));
    if (!k && !boundaries && !matters && !cases) {
        fprintf(stderr, "grassroots import: unknown KIND %s\n%s", pos[0], help);
        return GR_EXIT_USAGE;
    }
    int64_t version = 0;
    if (version_text && !matters) {
        fprintf(stderr, "grassroots import: --version is for KIND matters\n%s", help);
        return GR_EXIT_USAGE;
    }
    if (version_text && !gr_cli_int("--version", version_text, 1, 1000000, &version))
        return GR_EXIT_USAGE;
    int fd = open(pos[1], O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        perror(pos[1]);
        if (fd >= 0)
            close(fd);
        return GR_EXIT_FAIL;
    }
    size_t len = (size_t)sb.st_size;
    const char *data = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : "";
    close(fd);
    if (data == MAP_FAILED) {
        perror(pos[1]);
        return GR_EXIT_FAIL;
    }
    struct gr_store *st;
    if (!gr_cli_open("import", db, &st)) {
        if (len)
            munmap((void *)data, len);
        return GR_EXIT_FAIL;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct report rp = {pos[1], 0, false};
    uint64_t rows = 0;
    int v = (int)version;
    /* Cases keep their figures row by row: bulk mode is for the network's counters. */
    bool bulk = !matters && !cases;
    gr_store_bulk(st, bulk);
    int rc = GR_EXIT_FAIL;
    if (gr_store_begin(st) == GR_OK) {
        if (matters)
            rc = import_matters(st, &v, data, len, &rp, &rows);
        else if (cases)
            rc = import_cases(st, data, len, &rp, &rows);
        else
            rc = boundaries ? import_boundaries(st, data, len, &rp, &rows)
                            : import_csv(st, k, data, len, &rp, &rows);
        if (rc == 0 && gr_store_recount_touched(st) != GR_OK)
            rc = 1;
        if (rc == 0 && gr_store_commit(st) == GR_OK)
            rc = GR_EXIT_OK;
        else
            gr_store_rollback(st);
    }
    gr_store_bulk(st, false);
    gr_cli_progress_end();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc == GR_EXIT_OK && matters) {
        fprintf(stderr, "imported %llu matters into draft version %d in %.2f s\n",
                (unsigned long long)rows, v, secs);
    } else if (rc == GR_EXIT_OK) {
        fprintf(stderr, "imported %llu %s in %.2f s\n", (unsigned long long)rows, pos[0], secs);
    } else {
        if (rp.n > MAX_REPORTED)
            fprintf(stderr, "... and %zu more problems\n", rp.n - MAX_REPORTED);
        if (!rp.n && !rp.told)
            fprintf(stderr, "grassroots import: %s\n", gr_store_errmsg(st));
        if (rp.n)
            fprintf(stderr, "grassroots import: %zu problem%s; nothing was imported\n", rp.n,
                    rp.n == 1 ? "" : "s");
        else
            fprintf(stderr, "grassroots import: nothing was imported\n");
    }
    gr_store_close(st);
    if (len)
        munmap((void *)data, len);
    return rc;
}
