/* cmd_serve.c - `grassroots serve`: the API and the web app over HTTP. */
#include <stdio.h>
#include <string.h>

#include "../base/log.h"
#include "../api/api.h"
#include "../api/case_ops.h"
#include "cli.h"

static const char help[] =
    "usage: grassroots serve --db FILE [--listen HOST:PORT] [--threads N] [--web DIR] [--quiet]\n"
    "\n"
    "Serve the JSON API (/api/v1), /healthz, /metrics and the web app until SIGTERM.\n"
    "  --db FILE          the database (made by `grassroots init` or `grassroots demo`)\n"
    "  --listen HOST:PORT address to listen on (default 127.0.0.1:8080; port 0 picks one)\n"
    "  --threads N        worker threads (default 2)\n"
    "  --web DIR          serve the web app from DIR instead of the embedded copy\n"
    "  --quiet            no log line per request\n";

/* The deadline sweep, once a minute. */
static void sweep(struct gr_store *st, int64_t now)
{
    struct gr_sweep_report rep;
    enum gr_err e = gr_case_sweep(st, now, NULL, NULL, &rep);
    if (e)
        gr_log(GR_LOG_ERROR, "sweep: %s", gr_strerror(e));
    else if (rep.escalated || rep.red || rep.yellow)
        gr_log(GR_LOG_INFO, "sweep: %lld examined, %lld escalated, %lld red, %lld yellow",
               (long long)rep.examined, (long long)rep.escalated, (long long)rep.red,
               (long long)rep.yellow);
}

int gr_cmd_serve(int argc, char **argv)
{
    const char *db = NULL, *listen = "127.0.0.1:8080", *threads = "2", *web = NULL, *quiet = NULL;
    const struct gr_opt opts[] = {{"--db", true, &db},           {"--listen", true, &listen},
                                  {"--threads", true, &threads}, {"--web", true, &web},
                                  {"--quiet", false, &quiet},    {NULL, false, NULL}};
    int n_pos, done;
    if ((done = gr_cli_start(argc, argv, opts, NULL, 0, &n_pos, help)) >= 0)
        return done;
    if (!db) {
        fprintf(stderr, "grassroots serve: --db is required\n%s", help);
        return GR_EXIT_USAGE;
    }
    char host[64];
    const char *colon = strrchr(listen, ':');
    int64_t port, nthreads;
    if (!colon || (size_t)(colon - listen) >= sizeof(host) || colon == listen) {
        fprintf(stderr, "grassroots serve: --listen must be HOST:PORT, e.g. 127.0.0.1:8080\n");
        return GR_EXIT_USAGE;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    if (!gr_cli_int("--listen port", colon + 1, 0, 65535, &port) ||
        !gr_cli_int("--threads", threads, 1, 256, &nthreads))
        return GR_EXIT_USAGE;
    struct gr_server_config cfg = {
        .db_path = db,
        .listen_host = host,
        .port = (unsigned short)port,
        .threads = (unsigned)nthreads,
        .web_dir = web,
        .quiet = quiet != NULL,
        .map_load = gr_api_map_load,
        .map_free = gr_api_map_free,
        .map_count = gr_api_map_count,
        .tick = sweep,
        .tick_seconds = 60,
    };
    return gr_server_run(&cfg) == GR_OK ? GR_EXIT_OK : GR_EXIT_FAIL;
}
