/*
 * cmd_import.c - `grassroots import`: CSV into a network table, or GeoJSON boundaries.
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
#include "../base/csv.h"
#include "cli.h"

#define MAX_REPORTED 1000

static const char help[] =
    "usage: grassroots import --db FILE KIND FILE\n"
    "\n"
    "Import UTF-8 CSV with a header row (a byte-order mark is tolerated) into KIND, or for\n"
    "KIND boundaries a GeoJSON FeatureCollection whose features name their node by\n"
    "properties.id or properties.code. Columns are the fields of KIND (see `export`), plus\n"
    "an optional id column that keeps ids. All or nothing: every bad row is reported by\n"
    "line and column and nothing is imported.\n"
    "KIND: nodes, buildings, units, households, residents, party_orgs, party_members, posts,\n"
    "      member_households, organisations, cobuild_links, boundaries\n";

struct report {
    const char *file;
    size_t n;
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

int gr_cmd_import(int argc, char **argv)
{
    const char *db = NULL;
    const struct gr_opt opts[] = {{"--db", true, &db}, {NULL, false, NULL}};
    const char *pos[2];
    int n_pos;
    bool want_help;
    if (!gr_cli_parse(argc, argv, opts, pos, 2, &n_pos, &want_help))
        return GR_EXIT_USAGE;
    if (want_help) {
        fputs(help, stdout);
        return GR_EXIT_OK;
    }
    if (!db || n_pos != 2) {
        fprintf(stderr, "grassroots import: --db, KIND and FILE are required\n%s", help);
        return GR_EXIT_USAGE;
    }
    bool boundaries = strcmp(pos[0], "boundaries") == 0;
    const struct gr_kind *k = boundaries ? NULL : gr_kind_find(pos[0], strlen(pos[0]));
    if (!k && !boundaries) {
        fprintf(stderr, "grassroots import: unknown KIND %s\n%s", pos[0], help);
        return GR_EXIT_USAGE;
    }
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
    enum gr_err e = gr_store_open(db, false, &st);
    if (e) {
        fprintf(stderr, "grassroots import: cannot open %s%s\n", db,
                e == GR_ENOTFOUND ? ": no such file" : "");
        if (len)
            munmap((void *)data, len);
        return GR_EXIT_FAIL;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct report rp = {pos[1], 0};
    uint64_t rows = 0;
    gr_store_bulk(st, true);
    int rc = GR_EXIT_FAIL;
    if (gr_store_begin(st) == GR_OK) {
        rc = boundaries ? import_boundaries(st, data, len, &rp, &rows)
                        : import_csv(st, k, data, len, &rp, &rows);
        if (rc == 0 && (e = gr_store_recount_touched(st)))
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
    if (rc == GR_EXIT_OK) {
        fprintf(stderr, "imported %llu %s in %.2f s\n", (unsigned long long)rows, pos[0], secs);
    } else {
        if (rp.n > MAX_REPORTED)
            fprintf(stderr, "... and %zu more problems\n", rp.n - MAX_REPORTED);
        if (!rp.n)
            fprintf(stderr, "grassroots import: %s\n", gr_store_errmsg(st));
        fprintf(stderr, "grassroots import: %zu problem%s; nothing was imported\n", rp.n,
                rp.n == 1 ? "" : "s");
    }
    gr_store_close(st);
    if (len)
        munmap((void *)data, len);
    return rc;
}
