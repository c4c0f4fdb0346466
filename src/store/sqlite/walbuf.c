/*
 * walbuf.c - a VFS over SQLite's default one that gathers a commit's writes to the
 * write-ahead log into one system call.
 *
 * SQLite writes each frame of the log with two writes, its 24-byte header and then the
 * page, and a commit of the server's writer holds fifty to a hundred frames: as many
 * system calls, over a third of the commit's time. Here the writes to a log file are kept
 * in a buffer while each continues the last, and written out in one go:
 *
 *   - with the page of a commit frame (the frame whose header carries the database size):
 *     that write returns the result of writing the whole buffer, so a failure fails the
 *     commit exactly as it would have (SQLite then rolls it back, and the frames written
 *     before it lie beyond the log's end, as after any failed commit);
 *   - before anything else is done to the file (read, size, sync, truncate, close, file
 *     controls), before a write that does not continue the buffer, and when it is full;
 *   - and, as a guard, before the shared memory of the database file is locked, unlocked
 *     or written past its barrier by this thread (SQLite publishes frames to other
 *     connections there, and every transaction ends with an unlock), so that no write is
 *     held past the end of the transaction that made it.
 *
 * Until a commit frame is written, and published through the log index, no other
 * connection reads a frame; the connection that wrote it reads it back only through
 * xRead, which writes the buffer out first. So every read sees what SQLite wrote, in the
 * order it wrote it. Databases and other files pass straight through.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Bytes held at most: 31 frames of 4 KiB. The default VFS writes at most 128 KiB less one
 * byte in one call (and reports a longer write as a full disk). */
#define WB_CAP 0x1ffffu
#define WB_FRAME_HDR 24

struct wb_file {
    sqlite3_file base;
    sqlite3_file *real; /* follows this struct, szOsFile of the default VFS */
    bool log;           /* a write-ahead log: its writes are gathered */
    bool commit_next;   /* the last write was a commit frame's header */
    unsigned char *buf;
    size_t len;
    sqlite3_int64 off; /* where buf goes in the file */
};

static sqlite3_vfs *g_real;
/* The log file of this thread with gathered writes, if any. */
static _Thread_local struct wb_file *tl_pending;

static int flush(struct wb_file *f)
{
    if (tl_pending == f)
        tl_pending = NULL;
    if (!f->len)
        return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->off);
    f->len = 0;
    return rc;
}

static int wb_close(sqlite3_file *p)
{
    struct wb_file *f = (struct wb_file *)p;
    int rc = flush(f);
    int rc2 = f->real->pMethods->xClose(f->real);
    free(f->buf);
    f->buf = NULL;
    return rc != SQLITE_OK ? rc : rc2;
}

static int wb_read(sqlite3_file *p, void *out, int n, sqlite3_int64 off)
{
    struct wb_file *f = (struct wb_file *)p;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, n, off);
}

static int wb_write(sqlite3_file *p, const void *data, int n, sqlite3_int64 off)
{
    struct wb_file *f = (struct wb_file *)p;
    if (!f->log)
        return f->real->pMethods->xWrite(f->real, data, n, off);
    if (tl_pending && tl_pending != f) {
        int rc = flush(tl_pending);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (f->len && (off != f->off + (sqlite3_int64)f->len || f->len + (size_t)n > WB_CAP)) {
        int rc = flush(f);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (!f->buf)
        f->buf = malloc(WB_CAP);
    if (!f->buf || (size_t)n > WB_CAP) { /* no buffer: write through */
        int rc = flush(f);
        return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, data, n, off);
    }
    if (!f->len)
        f->off = off;
    memcpy(f->buf + f->len, data, (size_t)n);
    f->len += (size_t)n;
    tl_pending = f;
    if (f->commit_next) { /* the commit frame's page: out with everything */
        f->commit_next = false;
        return flush(f);
    }
    /* A frame header: bytes 4..7 hold the database size in pages, set on commit frames. */
    const unsigned char *h = data;
    f->commit_next = n == WB_FRAME_HDR && (h[4] | h[5] | h[6] | h[7]) != 0;
    return SQLITE_OK;
}

static int wb_truncate(sqlite3_file *p, sqlite3_int64 size)
{
    struct wb_file *f = (struct wb_file *)p;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int wb_sync(sqlite3_file *p, int flags)
{
    struct wb_file *f = (struct wb_file *)p;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wb_file_size(sqlite3_file *p, sqlite3_int64 *size)
{
    struct wb_file *f = (struct wb_file *)p;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int wb_lock(sqlite3_file *p, int level)
{
    struct wb_file *f = (struct wb_file *)p;
    return f->real->pMethods->xLock(f->real, level);
}

static int wb_unlock(sqlite3_file *p, int level)
{
    struct wb_file *f = (struct wb_file *)p;
    return f->real->pMethods->xUnlock(f->real, level);
}

static int wb_check_reserved(sqlite3_file *p, int *out)
{
    struct wb_file *f = (struct wb_file *)p;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int wb_file_control(sqlite3_file *p, int op, void *arg)
{
    struct wb_file *f = (struct wb_file *)p;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int wb_sector_size(sqlite3_file *p)
{
    struct wb_file *f = (struct wb_file *)p;
    return f->real->pMethods->xSectorSize(f->real);
}

static int wb_device_characteristics(sqlite3_file *p)
{
    struct wb_file *f = (struct wb_file *)p;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

static int wb_shm_map(sqlite3_file *p, int page, int size, int extend, void volatile **out)
{
    struct wb_file *f = (struct wb_file *)p;
    return f->real->pMethods->xShmMap(f->real, page, size, extend, out);
}

/* The guard: what of the log this thread holds goes out before SQLite touches the log
 * index's locks or writes a new header around the barrier. A commit has written it out
 * already; only frames of a transaction that then rolled back can be left. */
static int wb_shm_lock(sqlite3_file *p, int offset, int n, int flags)
{
    struct wb_file *f = (struct wb_file *)p;
    if (tl_pending) {
        int rc = flush(tl_pending);
        if (rc != SQLITE_OK && !(flags & SQLITE_SHM_UNLOCK))
            return rc;
    }
    return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

static void wb_shm_barrier(sqlite3_file *p)
{
    struct wb_file *f = (struct wb_file *)p;
    if (tl_pending)
        flush(tl_pending);
    f->real->pMethods->xShmBarrier(f->real);
}

static int wb_shm_unmap(sqlite3_file *p, int del)
{
    struct wb_file *f = (struct wb_file *)p;
    return f->real->pMethods->xShmUnmap(f->real, del);
}

static int wb_fetch(sqlite3_file *p, sqlite3_int64 off, int n, void **out)
{
    struct wb_file *f = (struct wb_file *)p;
    return f->real->pMethods->xFetch(f->real, off, n, out);
}

static int wb_unfetch(sqlite3_file *p, sqlite3_int64 off, void *page)
{
    struct wb_file *f = (struct wb_file *)p;
    return f->real->pMethods->xUnfetch(f->real, off, page);
}

/* One table per version of the methods: a file gets the version the default VFS gave it
 * (an older one lacks shared memory or fetch). */
#define WB_METHODS(v)                                                                              \
    {                                                                                              \
        .iVersion = v, .xClose = wb_close, .xRead = wb_read, .xWrite = wb_write,                   \
        .xTruncate = wb_truncate, .xSync = wb_sync, .xFileSize = wb_file_size, .xLock = wb_lock,   \
        .xUnlock = wb_unlock, .xCheckReservedLock = wb_check_reserved,                             \
        .xFileControl = wb_file_control, .xSectorSize = wb_sector_size,                            \
        .xDeviceCharacteristics = wb_device_characteristics, .xShmMap = wb_shm_map,                \
        .xShmLock = wb_shm_lock, .xShmBarrier = wb_shm_barrier, .xShmUnmap = wb_shm_unmap,         \
        .xFetch = wb_fetch, .xUnfetch = wb_unfetch,                                                \
    }
static const sqlite3_io_methods wb_methods[3] = {WB_METHODS(1), WB_METHODS(2), WB_METHODS(3)};

static int wb_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *p, int flags,
                   int *out_flags)
{
    (void)vfs;
    struct wb_file *f = (struct wb_file *)p;
    memset(f, 0, sizeof(*f));
    f->real = (sqlite3_file *)(f + 1);
    int rc = g_real->xOpen(g_real, name, f->real, flags, out_flags);
    if (!f->real->pMethods) /* failed: SQLite calls no method of this file */
        return rc;
    f->log = (flags & SQLITE_OPEN_WAL) != 0;
    int v = f->real->pMethods->iVersion;
    f->base.pMethods = &wb_methods[v < 1 ? 0 : v > 3 ? 2 : v - 1];
    return rc;
}

/* The rest is the default VFS's own. */
static int wb_delete(sqlite3_vfs *v, const char *name, int sync)
{
    (void)v;
    return g_real->xDelete(g_real, name, sync);
}
static int wb_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return g_real->xAccess(g_real, name, flags, out);
}
static int wb_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return g_real->xFullPathname(g_real, name, n, out);
}
static void *wb_dl_open(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return g_real->xDlOpen(g_real, name);
}
static void wb_dl_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    g_real->xDlError(g_real, n, out);
}
static void (*wb_dl_sym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v;
    return g_real->xDlSym(g_real, h, sym);
}
static void wb_dl_close(sqlite3_vfs *v, void *h)
{
    (void)v;
    g_real->xDlClose(g_real, h);
}
static int wb_randomness(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return g_real->xRandomness(g_real, n, out);
}
static int wb_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return g_real->xSleep(g_real, us);
}
static int wb_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return g_real->xCurrentTime(g_real, out);
}
static int wb_last_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return g_real->xGetLastError ? g_real->xGetLastError(g_real, n, out) : 0;
}
static int wb_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return g_real->xCurrentTimeInt64(g_real, out);
}

static sqlite3_vfs wb_vfs = {
    .iVersion = 2,
    .zName = GR_SQ_VFS,
    .xOpen = wb_open,
    .xDelete = wb_delete,
    .xAccess = wb_access,
    .xFullPathname = wb_full_pathname,
    .xDlOpen = wb_dl_open,
    .xDlError = wb_dl_error,
    .xDlSym = wb_dl_sym,
    .xDlClose = wb_dl_close,
    .xRandomness = wb_randomness,
    .xSleep = wb_sleep,
    .xCurrentTime = wb_current_time,
    .xGetLastError = wb_last_error,
    .xCurrentTimeInt64 = wb_current_time64,
};

static int g_registered = SQLITE_ERROR;

static void do_register(void)
{
    sqlite3_vfs *real = sqlite3_vfs_find(NULL);
    if (!real || real->iVersion < 2)
        return;
    g_real = real;
    wb_vfs.szOsFile = (int)sizeof(struct wb_file) + real->szOsFile;
    wb_vfs.mxPathname = real->mxPathname;
    g_registered = sqlite3_vfs_register(&wb_vfs, 0);
}

const char *gr_sq_vfs(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, do_register);
    return g_registered == SQLITE_OK ? GR_SQ_VFS : NULL;
}
