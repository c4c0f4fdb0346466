/*
 * cmd_export.c - `grassroots export`: a network table as CSV, or boundaries as GeoJSON,
 * for the whole city or a subtree; or a version of the responsibility list as CSV; in a
 * form `grassroots import` takes back unchanged.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../api/matters_csv.h"
#include "../base/csv.h"
#include "../store/store.h"
#include "cli.h"

static const char help[] =
    "usage: grassroots export --db FILE KIND [--node ID] [--version N] [--out FILE]\n"
    "\n"
    "Write KIND as UTF-8 CSV with a header row (or, for KIND boundaries, a GeoJSON\n"
    "FeatureCollection) to standard output or --out FILE.\n"
    "KIND: nodes, buildings, units, households, residents, party_orgs, party_members, posts,\n"
    "      member_households, organisations, cobuild_links, boundaries, matters\n"
    "  --node ID     only the subtree of this node (for nodes: with the node's ancestors, so\n"
    "                that the file imports into an empty database)\n"
    "  --version N   matters: this version of the responsibility list, a draft too (default:\n"
    "                the version in effect now), one matter a row by code with the columns\n"
    "                `import matters` takes\n";

static void put_real(struct gr_buf *b, double d, bool first)
{
    char s[40];
    gr_fmt_double(d, s, sizeof(s));
    gr_csv_put(b, s, strlen(s), first);
}

struct export_ctx {
    const struct gr_kind *k;
    struct gr_buf b;
    FILE *out;
    uint64_t rows;
    int64_t last;
    bool failed;
};

static void flush(struct export_ctx *c, bool force)
{
    if (c->b.len > (1u << 20) || (force && c->b.len)) {
        if (fwrite(c->b.data, 1, c->b.len, c->out) != c->b.len)
            c->failed = true;
        gr_buf_reset(&c->b);
    }
}

static int export_row(void *ctx, const struct gr_row *row)
{
    struct export_ctx *c = ctx;
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)row->id);
    gr_csv_put(&c->b, id, strlen(id), true);
    for (size_t i = 0; i < c->k->n_fields; i++) {
        const struct gr_field *f = &c->k->fields[i];
        const struct gr_value *v = &row->vals[i];
        if (f->flags & GR_FF_DERIVED)
            continue;
        if (!v->present || v->null) {
            gr_csv_put(&c->b, "", 0, false);
            continue;
        }
        char num[24];
        switch (f->type) {
        case GR_FT_INT:
        case GR_FT_REF:
            snprintf(num, sizeof(num), "%lld", (long long)v->i);
            gr_csv_put(&c->b, num, strlen(num), false);
            break;
        case GR_FT_BOOL: gr_csv_put(&c->b, v->i ? "true" : "false", v->i ? 4 : 5, false); break;
        case GR_FT_REAL: put_real(&c->b, v->d, false); break;
        default: gr_csv_put(&c->b, v->s, v->len, false); break;
        }
    }
    gr_buf_addc(&c->b, '\n');
    c->rows++;
    c->last = row->id;
    flush(c, false);
    if (c->rows % 10000 == 0)
        gr_cli_progress("exporting", c->rows, 0);
    return c->failed;
}

static int boundary_row(void *ctx, int64_t id, const char *code, const char *name,
                        const char *geojson)
{
    struct export_ctx *c = ctx;
    gr_buf_printf(&c->b, "%s\n{\"type\":\"Feature\",\"properties\":{\"id\":%lld,\"code\":\"",
                  c->rows ? "," : "", (long long)id);
    gr_buf_adds(&c->b, code); /* codes are digits and letters: validated on the way in */
    gr_buf_printf(&c->b, "\"},\"geometry\":%s}", geojson);
    (void)name;
    c->rows++;
    flush(c, false);
    return c->failed;
}

struct ids {
    int64_t id[64];
    size_t n;
};

static int collect_id(void *ctx, const struct gr_row *row)
{
    struct ids *ids = ctx;
    if (ids->n < 64)
        ids->id[ids->n++] = row->id;
    return 0;
}

/* The level at which node id is its own ancestor. */
static enum gr_level level_of(const struct gr_anc *anc, int64_t id)
{
    for (int l = GR_LEVEL_GRID; l >= GR_LEVEL_CITY; l--)
        if (anc->id[l] == id)
            return (enum gr_level)l;
    return GR_LEVEL_NONE;
}

/* A version of the responsibility list (0: the one in effect now) to outpath (NULL: standard
 * output), opened only once the list is read. */
static int export_matters(struct gr_store *st, int version, const char *outpath)
{
    enum gr_err e = GR_OK;
    bool draft;
    if (!version && (e = gr_store_matter_current(st, (int64_t)time(NULL), &version))) {
        fprintf(stderr, "grassroots export: %s\n",
                e == GR_ENOTFOUND ? "no responsibility list is in effect; name a version with "
                                    "--version"
                                  : gr_store_errmsg(st));
        return GR_EXIT_FAIL;
    }
    if ((e = gr_matters_csv_status(st, version, &draft))) {
        fprintf(stderr, "grassroots export: --version %d: %s\n", version,
                e == GR_ENOTFOUND ? "no such version of the responsibility list"
                                  : gr_store_errmsg(st));
        return GR_EXIT_FAIL;
    }
    struct gr_buf b;
    gr_buf_init(&b, (size_t)256 << 20);
    size_t rows = 0;
    if ((e = gr_matters_csv_write(st, version, &b, &rows))) {
        fprintf(stderr, "grassroots export: failed: %s\n", gr_store_errmsg(st));
        gr_buf_cleanup(&b);
        return GR_EXIT_FAIL;
    }
    FILE *out = outpath ? fopen(outpath, "w") : stdout;
    bool failed = !out || fwrite(b.data, 1, b.len, out) != b.len;
    if (out && outpath && fclose(out) != 0)
        failed = true;
    gr_buf_cleanup(&b);
    if (failed) {
        if (outpath)
            perror(outpath);
        else
            fprintf(stderr, "grassroots export: failed: cannot write the output\n");
        return GR_EXIT_FAIL;
    }
    if (outpath)
        fprintf(stderr, "exported %zu matters of version %d to %s\n", rows, version, outpath);
    return GR_EXIT_OK;
}

int gr_cmd_export(int argc, char **argv)
{
    const char *db = NULL, *node = NULL, *outpath = NULL, *version_text = NULL;
    const struct gr_opt opts[] = {{"--db", true, &db},
                                  {"--node", true, &node},
                                  {"--version", true, &version_text},
                                  {"--out", true, &outpath},
                                  {NULL, false, NULL}};
    const char *pos[1];
    int n_pos, done;
    if ((done = gr_cli_start(argc, argv, opts, pos, 1, &n_pos, help)) >= 0)
        return done;
    if (!db || n_pos != 1) {
        fprintf(stderr, "grassroots export: --db and KIND are required\n%s", help);
        return GR_EXIT_USAGE;
    }
    bool boundaries = strcmp(pos[0], "boundaries") == 0, matters = strcmp(pos[0], "matters") == 0;
    const struct gr_kind *k = boundaries || matters ? NULL : gr_kind_find(pos[0], strlen(pos[0]));
    if (!k && !boundaries && !matters) {
        fprintf(stderr, "grassroots export: unknown KIND %s\n%s", pos[0], help);
        return GR_EXIT_USAGE;
    }
    if ((matters && node) || (!matters && version_text)) {
        fprintf(stderr, "grassroots export: %s\n%s",
                node ? "--node is not for KIND matters" : "--version is for KIND matters", help);
        return GR_EXIT_USAGE;
    }
    int64_t node_id = 0, version = 0;
    if (node && !gr_cli_int("--node", node, 1, INT64_MAX, &node_id))
        return GR_EXIT_USAGE;
    if (version_text && !gr_cli_int("--version", version_text, 1, 1000000, &version))
        return GR_EXIT_USAGE;

    struct gr_store *st;
    if (!gr_cli_open("export", db, &st))
        return GR_EXIT_FAIL;
    enum gr_err e = GR_OK;
    if (matters) {
        int rc = export_matters(st, (int)version, outpath);
        gr_store_close(st);
        return rc;
    }
    struct gr_anc anc = {{0}};
    enum gr_level level = GR_LEVEL_NONE;
    if (node_id) {
        if (gr_store_anc(st, gr_kind_get(GR_K_NODES), node_id, &anc) != GR_OK) {
            fprintf(stderr, "grassroots export: --node %lld: no such node\n", (long long)node_id);
            gr_store_close(st);
            return GR_EXIT_FAIL;
        }
        level = level_of(&anc, node_id);
    }
    FILE *out = outpath ? fopen(outpath, "w") : stdout;
    if (!out) {
        perror(outpath);
        gr_store_close(st);
        return GR_EXIT_FAIL;
    }
    struct export_ctx c = {.k = k, .out = out};
    gr_buf_init(&c.b, (size_t)64 << 20);
    if (boundaries) {
        gr_buf_adds(&c.b, "{\"type\":\"FeatureCollection\",\"features\":[");
        /* Every level, top down, within the subtree or under every city. */
        struct ids cities = {0};
        if (node_id) {
            cities.id[cities.n++] = node_id;
        } else {
            struct gr_query q = {.all = true, .limit = 64};
            q.n_filters = 1;
            q.filter_field[0] = gr_kind_field(gr_kind_get(GR_K_NODES), "level", 5);
            q.filter_value[0] = (struct gr_value){.present = true, .s = "city", .len = 4};
            bool more;
            e = gr_store_list(st, gr_kind_get(GR_K_NODES), &q, collect_id, &cities, &more);
            level = GR_LEVEL_CITY;
        }
        for (int l = level; l <= GR_LEVEL_GRID && !e; l++)
            for (size_t i = 0; i < cities.n && !e; i++)
                e = gr_store_each_boundary(st, (struct gr_scope){level, cities.id[i]},
                                           (enum gr_level)l, 1 << 30, boundary_row, &c);
        gr_buf_adds(&c.b, "\n]}\n");
    } else {
        gr_csv_put(&c.b, "id", 2, true);
        for (size_t i = 0; i < k->n_fields; i++)
            if (!(k->fields[i].flags & GR_FF_DERIVED))
                gr_csv_put(&c.b, k->fields[i].name, strlen(k->fields[i].name), false);
        gr_buf_addc(&c.b, '\n');
        if (k->id == GR_K_NODES && node_id) {
            /* The ancestors first, so that the subtree has its parents. */
            for (int l = GR_LEVEL_CITY; l < (int)level && !e; l++) {
                struct gr_row row;
                if (!(e = gr_store_get(st, k, anc.id[l], &row)))
                    export_row(&c, &row);
            }
        }
        struct gr_query q = {.all = true, .limit = 10000};
        if (node_id)
            q.under = (struct gr_scope){level, node_id};
        bool more = true;
        while (!e && more && !c.failed) {
            q.after = c.last;
            e = gr_store_list(st, k, &q, export_row, &c, &more);
        }
    }
    flush(&c, true);
    gr_cli_progress_end();
    gr_buf_cleanup(&c.b);
    if (outpath && fclose(out) != 0)
        c.failed = true;
    if (e || c.failed) {
        fprintf(stderr, "grassroots export: failed: %s\n",
                c.failed ? "cannot write the output" : gr_store_errmsg(st));
        gr_store_close(st);
        return GR_EXIT_FAIL;
    }
    gr_store_close(st);
    if (outpath)
        fprintf(stderr, "exported %llu %s to %s\n", (unsigned long long)c.rows, pos[0], outpath);
    return GR_EXIT_OK;
}
