/*
 * test_walbuf.c - src/store/sqlite/walbuf.c, the VFS that gathers a commit's writes to the
 * log: what one connection commits, another reads whole, across commits larger than the
 * buffer, transactions that spill pages to the log before committing, and rollbacks; and
 * the files it leaves are ordinary SQLite files (checked with the default VFS).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/sqlite/store_int.h"

static char path[64];

static sqlite3 *open_db(const char *vfs)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
                     SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                  "PRAGMA cache_size=20; PRAGMA wal_autocheckpoint=0",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

static void run(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
}

static int64_t one(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* rows rows of about 3 KiB each, in one transaction: far more than the buffer's 31 frames,
 * and (with a cache of 20 pages) spilled to the log before the commit. */
static void insert(sqlite3 *db, int from, int rows)
{
    char sql[160];
    snprintf(sql, sizeof(sql),
             "WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
             "INSERT INTO t SELECT i, randomblob(3000) FROM n",
             from, from + rows - 1);
    run(db, sql);
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/gr-test-walbuf-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || !gr_sq_vfs())
        return -1;
    close(fd);
    unlink(path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const ext[] = {"", "-wal", "-shm"};
    char p[80];
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s%s", path, ext[i]);
        unlink(p);
    }
    return 0;
}

static void commits_read_whole_elsewhere(void **state)
{
    (void)state;
    sqlite3 *w = open_db(GR_SQ_VFS), *r = open_db(GR_SQ_VFS);
    run(w, "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB NOT NULL)");
    for (int k = 0; k < 5; k++) {
        run(w, "BEGIN IMMEDIATE");
        insert(w, k * 400 + 1, 400);
        run(w, "COMMIT");
        assert_int_equal(one(r, "SELECT count(*) FROM t"), (k + 1) * 400);
        assert_int_equal(one(r, "SELECT sum(length(b)) FROM t"), (int64_t)(k + 1) * 400 * 3000);
    }
    /* Small commits, one after another, each seen at once. */
    for (int k = 0; k < 50; k++) {
        char sql[96];
        snprintf(sql, sizeof(sql), "UPDATE t SET b = randomblob(100) WHERE id = %d", k + 1);
        run(w, sql);
        assert_int_equal(one(r, "SELECT sum(length(b) = 100) FROM t"), k + 1);
    }
    assert_int_equal(one(r, "SELECT count(*) FROM t"), 2000);
    sqlite3_close(w);
    sqlite3_close(r);
}

static void rollback_leaves_nothing(void **state)
{
    (void)state;
    sqlite3 *w = open_db(GR_SQ_VFS), *r = open_db(GR_SQ_VFS);
    int64_t before = one(r, "SELECT count(*) FROM t");
    run(w, "BEGIN IMMEDIATE");
    insert(w, 100001, 500); /* spills to the log, never commits */
    assert_int_equal(one(w, "SELECT count(*) FROM t"), before + 500);
    run(w, "ROLLBACK");
    assert_int_equal(one(r, "SELECT count(*) FROM t"), before);
    assert_int_equal(one(w, "SELECT count(*) FROM t"), before);
    /* The next commit goes where the rolled-back frames lay, and reads back whole. */
    run(w, "BEGIN IMMEDIATE");
    insert(w, 200001, 300);
    run(w, "COMMIT");
    assert_int_equal(one(r, "SELECT count(*) FROM t WHERE id > 200000"), 300);
    sqlite3_close(w);
    sqlite3_close(r);
}

static void checkpoints_and_the_default_vfs_agree(void **state)
{
    (void)state;
    sqlite3 *w = open_db(GR_SQ_VFS);
    int64_t n = one(w, "SELECT count(*) FROM t"), bytes = one(w, "SELECT sum(length(b)) FROM t");
    /* Copy the log into the database and start it over, then write more after it. */
    run(w, "PRAGMA wal_checkpoint(RESTART)");
    run(w, "BEGIN IMMEDIATE");
    insert(w, 300001, 200);
    run(w, "COMMIT");
    sqlite3_close(w);
    /* What it wrote is an ordinary SQLite database and log. */
    sqlite3 *plain = open_db(NULL);
    assert_int_equal(one(plain, "SELECT count(*) FROM t"), n + 200);
    assert_int_equal(one(plain, "SELECT sum(length(b)) FROM t WHERE id <= 300000"), bytes);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(plain, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
    sqlite3_finalize(q);
    sqlite3_close(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commits_read_whole_elsewhere),
        cmocka_unit_test(rollback_leaves_nothing),
        cmocka_unit_test(checkpoints_and_the_default_vfs_agree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
