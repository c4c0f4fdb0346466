/*
 * tempdb.h - for unit tests: a fresh database file of a test's own, made by the store with
 * its migrations, and removed with its log afterwards.
 */
#ifndef GR_TEST_TEMPDB_H
#define GR_TEST_TEMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"

static void tempdb_remove(const char *path)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    char p[80];
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", path, ext[i]);
        unlink(p);
    }
}

/* Open a new database at a fresh path under /tmp named after `what`; 0, or -1 on failure
 * (nothing left behind). */
static int tempdb_open(const char *what, char path[64], struct gr_store **st)
{
    snprintf(path, 64, "/tmp/gr-test-%s-XXXXXX", what);
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(path); /* the store creates it */
    if (gr_store_open(path, true, st) != GR_OK) {
        tempdb_remove(path);
        return -1;
    }
    return 0;
}

static void tempdb_close(const char *path, struct gr_store *st)
{
    gr_store_close(st);
    tempdb_remove(path);
}

#endif
