/*
 * test_store: the database under chatd and chatadmin. A file left by every
 * earlier schema version is migrated with its data kept (and what version 5
 * adds filled in); every statement is prepared at open and none later;
 * writes are journaled and stored only by a commit, all or nothing; a
 * commit that meets another writer's lock says busy at once and keeps its
 * journal; a purge deletes a transcript with its keys and messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "chat_err.h"
#include "stats.h"
#include "store.h"

struct fixture {
    char dir[64];
    char path[96];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/chatd-store-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/chatd.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    free(f);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs sql on the file as an older chatd would have. */
static void raw(const struct fixture *f, const char *sql)
{
    sqlite3 *db;
    char *err = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

/* One integer from sql on the file. */
static long raw_long(const struct fixture *f, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    long n = -1;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

/* Rows an older chatd of version v could have written (v >= 1). */
static void old_rows(const struct fixture *f, int v)
{
    raw(f, "INSERT INTO users(name, role, alias, pwhash) VALUES ('ann', 'coordinator', 'Ann', 'h');"
           "INSERT INTO tokens VALUES (x'01', 'ann', 9999999999);"
           "INSERT INTO transcripts VALUES ('c1', 'youth', '2026-11-01');"
           "INSERT INTO transcript_keys VALUES ('c1', 0, x'aa');");
    if (v < 5)
        raw(f, "INSERT INTO transcript_msgs(chat, segment, nonce, ct) VALUES"
               " ('c1', 0, x'01', x'11'), ('c1', 0, x'02', x'22'), ('c1', 0, x'03', x'33');"
               /* what the lost-commit bug left: messages and a key without a transcript */
               "INSERT INTO transcript_keys VALUES ('lost', 0, x'bb');"
               "INSERT INTO transcript_msgs(chat, segment, nonce, ct) VALUES"
               " ('lost', 0, x'04', x'44');");
    else /* as migration 5 left them */
        raw(f, "INSERT INTO transcript_msgs(chat, segment, seq, ad, nonce, ct) VALUES"
               " ('c1', 0, 1, 1, x'01', x'11'), ('c1', 0, 2, 1, x'02', x'22'),"
               " ('c1', 0, 3, 1, x'03', x'33');"
               "INSERT INTO transcripts VALUES ('lost', 'unknown', '2026-11-29');"
               "INSERT INTO transcript_keys VALUES ('lost', 0, x'bb');"
               "INSERT INTO transcript_msgs(chat, segment, seq, ad, nonce, ct) VALUES"
               " ('lost', 0, 1, 1, x'04', x'44');");
    if (v >= 2)
        raw(f,
            "INSERT INTO stats(topic, hour, joins, answered) VALUES ('youth', 1795420800, 7, 5)");
    if (v >= 3) /* migration 10 gave sessions a label */
        raw(f, v >= 10 ? "INSERT INTO sessions VALUES (x'0202', 1, 'youth', 3, 1795420800, 0,"
                         " NULL, NULL, 0, 0, 0)"
                       : "INSERT INTO sessions VALUES (x'0202', 1, 'youth', 3, 1795420800, 0,"
                         " NULL, NULL, 0, 0)");
    if (v >= 4)
        raw(f, "INSERT INTO blocks VALUES (x'0303', 9999999999)");
}

static void test_every_earlier_version_migrates_with_its_data(void **state)
{
    struct fixture *f = *state;
    for (int v = 0; v < store_schema_version(); v++) {
        struct store *st;
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm", f->path, f->path, f->path);
        assert_int_equal(system(cmd), 0);
        assert_int_equal(store_create_at_version(f->dir, v), 0);
        if (v >= 1)
            old_rows(f, v);
        assert_int_equal(store_open(f->dir, 0, &st), 0);
        store_close(st);
        assert_int_equal(raw_long(f, "PRAGMA user_version"), store_schema_version());
        if (v == 0)
            continue;
        assert_int_equal(raw_long(f, "SELECT count(*) FROM users"), 1);
        assert_int_equal(raw_long(f, "SELECT count(*) FROM tokens"), 1);
        /* seqs by order, the old associated data, and the lost ones findable */
        assert_int_equal(raw_long(f, "SELECT group_concat(seq, '') FROM (SELECT seq FROM"
                                     " transcript_msgs WHERE chat = 'c1' ORDER BY id)"),
                         123);
        assert_int_equal(raw_long(f, "SELECT count(*) FROM transcript_msgs WHERE ad = 1"), 4);
        assert_int_equal(raw_long(f, "SELECT count(*) FROM transcripts WHERE topic = 'unknown'"),
                         1);
        /* and purgeable with their transcript: the references cascade */
        raw(f, "PRAGMA foreign_keys = ON; DELETE FROM transcripts WHERE chat = 'lost'");
        assert_int_equal(raw_long(f, "SELECT count(*) FROM transcript_msgs WHERE chat = 'lost'"),
                         0);
        assert_int_equal(raw_long(f, "SELECT count(*) FROM transcript_keys WHERE chat = 'lost'"),
                         0);
        if (v >= 2) { /* and the counters of contract v2 start at 0 */
            assert_int_equal(raw_long(f, "SELECT joins FROM stats"), 7);
            assert_int_equal(raw_long(f, "SELECT slot_s + urgent + again_no FROM stats"), 0);
            assert_int_equal(raw_long(f, "SELECT count(*) FROM stats_extra"), 0);
        }
        if (v >= 3)
            assert_int_equal(raw_long(f, "SELECT count(*) FROM sessions"), 1);
        if (v >= 4)
            assert_int_equal(raw_long(f, "SELECT count(*) FROM blocks"), 1);
    }
}

static void test_newer_file_is_refused(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    assert_int_equal(store_create_at_version(f->dir, store_schema_version()), 0);
    raw(f, "PRAGMA user_version = 999");
    assert_int_not_equal(store_open(f->dir, 0, &st), 0);
}

static void no_user(const struct store_user *u, void *arg)
{
    (void)u;
    (*(int *)arg)++;
}

static int no_bucket(const struct stats_row *row, void *arg)
{
    (void)row;
    (*(int *)arg)++;
    return 0;
}

static void test_statements_are_prepared_once(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    struct store_user u = {.name = "bob", .role = PROTO_ROLE_WORKER, .alias = "B", .pwhash = "h"};
    uint8_t hash[STORE_TOKEN_HASH_BYTES] = {1}, nonce[24] = {0}, ct[40] = {0};
    long counts[STAT_COUNT] = {[STAT_JOINS] = 1};
    struct store_counts done = {0};
    char user[STORE_NAME_MAX + 1];
    int n = 0;
    assert_int_equal(store_open(f->dir, 0, &st), 0);
    long at_open = store_prepares(st);
    assert_true(at_open > 20);
    assert_int_equal(store_user_add(st, &u), 0);
    assert_int_equal(store_token_add(st, hash, "bob", 9999999999), 0);
    assert_int_equal(store_transcript_add(st, "c", "youth", "2026-11-29"), 0);
    assert_int_equal(store_segment_add(st, "c", 0, ct, sizeof(ct)), 0);
    assert_int_equal(store_msg_add(st, "c", 0, 1, nonce, sizeof(nonce), ct, sizeof(ct)), 0);
    long extra = 2;
    const char *extra_name = "q_safe_no";
    struct stats_row row = {"youth", 1795420800, counts, 1, &extra_name, &extra};
    assert_int_equal(store_stats_add(st, &row), 0);
    assert_int_equal(store_transcript_purge(st, "2000-01-01"), 0);
    assert_int_equal(store_reclaim_some(st), 0);
    assert_int_equal(store_commit(st, &done), 0);
    assert_int_equal(done.transcripts_purged, 0); /* nothing from before 2000 */
    assert_int_equal(store_token_user(st, hash, 1, user), 0);
    assert_string_equal(user, "bob");
    assert_int_equal(store_user_each(st, no_user, &n), 0);
    assert_int_equal(store_stats_each(st, 0, 2000000000, NULL, no_bucket, &n), 0);
    assert_int_equal(store_chat_last_seq(st, "c"), 1);
    assert_int_equal(n, 2);
    assert_int_equal(store_prepares(st), at_open);
    store_close(st);
}

static void test_writes_are_stored_by_the_commit_all_or_nothing(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    struct store_user u = {.name = "cat", .role = PROTO_ROLE_ADMIN, .alias = "C", .pwhash = "h"},
                      got;
    assert_int_equal(store_open(f->dir, 0, &st), 0);
    assert_int_equal(store_user_add(st, &u), 0);
    assert_int_equal(store_pending(st), 1);
    assert_int_equal(store_user_get(st, "cat", &got), CHAT_ERR_NOT_FOUND); /* not yet */
    assert_int_equal(store_commit(st, NULL), 0);
    assert_int_equal(store_user_get(st, "cat", &got), 0);
    assert_int_equal(got.role, PROTO_ROLE_ADMIN);
    /* a batch with a failing write stores none of it */
    assert_int_equal(store_transcript_add(st, "d", "youth", "2026-11-29"), 0);
    assert_int_equal(store_user_add(st, &u), 0); /* exists */
    assert_int_equal(store_commit(st, NULL), CHAT_ERR_EXISTS);
    assert_int_equal(store_pending(st), 2); /* kept until discarded */
    store_discard(st);
    assert_int_equal(store_chat_last_segment(st, "d"), -1);
    assert_int_equal(raw_long(f, "SELECT count(*) FROM transcripts WHERE chat = 'd'"), 0);
    /* a user del that deletes nothing says so at the commit */
    assert_int_equal(store_user_del(st, "nobody"), 0);
    assert_int_equal(store_commit(st, NULL), CHAT_ERR_NOT_FOUND);
    store_discard(st);
    store_close(st);
}

static void test_locked_database_is_busy_at_once_and_keeps_the_journal(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    sqlite3 *other;
    assert_int_equal(store_open(f->dir, STORE_NO_WAIT, &st), 0);
    assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_transcript_add(st, "e", "youth", "2026-11-29"), 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(store_commit(st, NULL), CHAT_ERR_BUSY);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(waited < 1.0); /* not the 5 s busy wait; room for a loaded host */
    assert_int_equal(store_pending(st), 1);
    assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_commit(st, NULL), 0);
    assert_int_equal(store_chat_last_segment(st, "e"), -1); /* no key yet, but the row is there */
    assert_int_equal(raw_long(f, "SELECT count(*) FROM transcripts WHERE chat = 'e'"), 1);
    sqlite3_close(other);
    store_close(st);
}

static void test_purge_takes_keys_and_messages_with_the_transcript(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    uint8_t nonce[24] = {0}, ct[40] = {0};
    struct store_counts counts = {.transcripts_purged = -1};
    assert_int_equal(store_open(f->dir, 0, &st), 0);
    assert_int_equal(store_transcript_add(st, "old", "youth", "2020-01-01"), 0);
    assert_int_equal(store_segment_add(st, "old", 0, ct, sizeof(ct)), 0);
    assert_int_equal(store_msg_add(st, "old", 0, 1, nonce, sizeof(nonce), ct, sizeof(ct)), 0);
    assert_int_equal(store_transcript_add(st, "new", "youth", "2026-11-29"), 0);
    assert_int_equal(store_commit(st, NULL), 0);
    assert_int_equal(store_transcript_purge(st, "2026-01-01"), 0);
    assert_int_equal(store_commit(st, &counts), 0);
    assert_int_equal(counts.transcripts_purged, 1);
    assert_int_equal(raw_long(f, "SELECT count(*) FROM transcript_msgs"), 0);
    assert_int_equal(raw_long(f, "SELECT count(*) FROM transcript_keys"), 0);
    assert_int_equal(raw_long(f, "SELECT count(*) FROM transcripts"), 1);
    /* a message cannot exist without its transcript */
    assert_int_equal(store_msg_add(st, "nope", 0, 1, nonce, sizeof(nonce), ct, sizeof(ct)), 0);
    assert_int_equal(store_commit(st, NULL), CHAT_ERR_EXISTS);
    store_discard(st);
    store_close(st);
}

/* Stages hours hour0 + i * 3600 for lines first..first + n - 1 of youth,
 * joins = 1 and q_safe_no = 2 each, and commits. */
static void stage_hours(struct store *st, long first, long n, time_t hour0)
{
    long counts[STAT_COUNT] = {[STAT_JOINS] = 1}, extra = 2;
    const char *extra_name = "q_safe_no";
    for (long i = 0; i < n; i++) {
        struct stats_row row = {"youth", hour0 + i * 3600, counts, 1, &extra_name, &extra};
        assert_int_equal(store_import_stage(st, first + i, &row), 0);
    }
    assert_int_equal(store_commit(st, NULL), 0);
}

static int count_dup(long first, long last, long times, void *arg)
{
    long *got = arg;
    got[0]++;
    got[1] = first;
    got[2] = last;
    got[3] = times;
    return 0;
}

static int count_over(long line, const char *name, long stored, long added, void *arg)
{
    long *got = arg;
    got[0]++;
    got[1] = line;
    got[2] = stored + added;
    got[3] = strcmp(name, "q_safe_no") == 0 ? 2 : strcmp(name, "joins") == 0 ? 1 : 0;
    return 0;
}

static void test_import_is_staged_checked_and_merged_once_over_a_reopen(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    struct store_import run;
    const time_t h0 = 1795420800;
    long moved = 0, got[4] = {0};
    assert_int_equal(store_open(f->dir, 0, &st), 0);
    /* a bucket already stored, near the cap */
    long counts[STAT_COUNT] = {[STAT_JOINS] = STORE_COUNT_MAX}, extra = 5;
    const char *extra_name = "q_safe_no";
    struct stats_row near = {"youth", h0, counts, 1, &extra_name, &extra};
    assert_int_equal(store_stats_add(st, &near), 0);
    assert_int_equal(store_commit(st, NULL), 0);

    assert_int_equal(store_import_get(st, &run), 0);
    assert_int_equal(run.state, STORE_IMPORT_NONE);
    assert_int_equal(store_import_begin(st, "a.csv"), 0);
    assert_int_equal(store_commit(st, NULL), 0);
    stage_hours(st, 2, 500, h0);
    stage_hours(st, 502, 1, h0 + 7 * 3600); /* line 502 repeats line 9's bucket */
    assert_int_equal(store_import_get(st, &run), 0);
    assert_int_equal(run.state, STORE_IMPORT_STAGING);
    assert_string_equal(run.file, "a.csv");
    assert_int_equal(store_import_each_dup(st, 10, count_dup, got), 0);
    assert_int_equal(got[0], 1);
    assert_int_equal(got[1], 9);
    assert_int_equal(got[2], 502);
    assert_int_equal(got[3], 2);
    memset(got, 0, sizeof(got));
    assert_int_equal(store_import_each_over(st, 10, count_over, got), 0);
    assert_int_equal(got[0], 1); /* joins of line 2; q_safe_no 5 + 2 is fine */
    assert_int_equal(got[1], 2);
    assert_int_equal(got[2], STORE_COUNT_MAX + 1);
    assert_int_equal(got[3], 1);
    assert_int_equal(raw_long(f, "SELECT joins FROM stats"), STORE_COUNT_MAX); /* not yet */

    /* undone: nothing of it in stats */
    do
        assert_int_equal(store_import_step(st, 0, 200, &moved), 0);
    while (moved > 0);
    assert_int_equal(store_import_get(st, &run), 0);
    assert_int_equal(run.state, STORE_IMPORT_NONE);
    assert_int_equal(raw_long(f, "SELECT count(*) FROM stats"), 1);
    assert_int_equal(raw_long(f, "SELECT count(*) FROM import_stage_extra"), 0);

    /* staged whole, merged in steps, the store closed in between as if the
     * process had died: every bucket once, the cap kept */
    assert_int_equal(store_import_begin(st, "b.csv"), 0);
    assert_int_equal(store_commit(st, NULL), 0);
    stage_hours(st, 2, 500, h0);
    assert_int_equal(store_import_staged(st, 500), 0);
    assert_int_equal(store_commit(st, NULL), 0);
    assert_int_equal(store_import_step(st, 1, 120, &moved), 0);
    assert_int_equal(moved, 120);
    store_close(st);
    assert_int_equal(raw_long(f, "SELECT count(*) FROM stats"), 120);
    assert_int_equal(store_open(f->dir, 0, &st), 0);
    assert_int_equal(store_import_get(st, &run), 0);
    assert_int_equal(run.state, STORE_IMPORT_MERGING);
    assert_int_equal(run.rows, 500);
    long steps = 0;
    do {
        assert_int_equal(store_import_step(st, 1, 100, &moved), 0);
        steps++;
    } while (moved > 0);
    assert_int_equal(steps, 5); /* 380 lines, then the end */
    assert_int_equal(store_import_get(st, &run), 0);
    assert_int_equal(run.state, STORE_IMPORT_NONE);
    assert_int_equal(raw_long(f, "SELECT count(*) FROM stats"), 500);
    assert_int_equal(raw_long(f, "SELECT sum(joins) FROM stats WHERE hour > 1795420800"), 499);
    assert_int_equal(raw_long(f, "SELECT joins FROM stats WHERE hour = 1795420800"),
                     STORE_COUNT_MAX);
    assert_int_equal(raw_long(f, "SELECT n FROM stats_extra WHERE hour = 1795420800"), 7);
    assert_int_equal(raw_long(f, "SELECT sum(n) FROM stats_extra"), 5 + 500 * 2);
    assert_int_equal(raw_long(f, "SELECT count(*) FROM import_stage"), 0);
    /* a second run while one is on refused */
    assert_int_equal(store_import_begin(st, "c.csv"), 0);
    assert_int_equal(store_commit(st, NULL), 0);
    assert_int_equal(store_import_begin(st, "d.csv"), 0);
    assert_int_equal(store_commit(st, NULL), CHAT_ERR_EXISTS);
    assert_string_not_equal(store_errmsg(st), "");
    store_discard(st);
    store_close(st);
}

static void test_open_says_why_it_failed(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/missing/deeper", f->dir);
    assert_int_not_equal(store_open(dir, 0, &st), 0);
    assert_string_equal(store_open_error(), "No such file or directory");
    assert_int_equal(store_create_at_version(f->dir, store_schema_version()), 0);
    raw(f, "PRAGMA user_version = 999");
    assert_int_not_equal(store_open(f->dir, 0, &st), 0);
    assert_non_null(strstr(store_open_error(), "newer chatd"));
}

/* Two chatadmin user add on a fresh data dir start at once (bench.sh adds
 * its workers two at a time): each process migrates or waits and sees it
 * done; none applies a step twice ("table users already exists"). */
static void test_processes_opening_a_fresh_dir_at_once_all_open_it(void **state)
{
    struct fixture *f = *state;
    enum { ROUNDS = 6, PROCS = 8 };
    for (int r = 0; r < ROUNDS; r++) {
        char dir[128];
        snprintf(dir, sizeof(dir), "%s/round%d", f->dir, r);
        pid_t kids[PROCS];
        for (int i = 0; i < PROCS; i++) {
            kids[i] = fork();
            assert_true(kids[i] >= 0);
            if (kids[i] == 0) {
                struct store *st;
                int rc = store_open(dir, 0, &st);
                if (rc != 0)
                    fprintf(stderr, "process %d: %s\n", i, store_open_error());
                else
                    store_close(st);
                _exit(rc == 0 ? 0 : 1);
            }
        }
        for (int i = 0; i < PROCS; i++) {
            int status;
            assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
            assert_true(WIFEXITED(status));
            assert_int_equal(WEXITSTATUS(status), 0);
        }
        struct store *st;
        assert_int_equal(store_open(dir, 0, &st), 0);
        store_close(st);
    }
}

/* A migration that fails says SQLite's words for it, not the rollback's
 * "not an error". */
static void test_a_failed_migration_says_what_failed(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    assert_int_equal(store_create_at_version(f->dir, store_schema_version() - 1), 0);
    raw(f, "ALTER TABLE stats ADD COLUMN overflow_out INTEGER"); /* what the last step adds */
    assert_int_not_equal(store_open(f->dir, 0, &st), 0);
    assert_non_null(strstr(store_open_error(), "overflow_out"));
    assert_null(strstr(store_open_error(), "not an error"));
    assert_int_equal(raw_long(f, "PRAGMA user_version"), store_schema_version() - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_earlier_version_migrates_with_its_data, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_newer_file_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statements_are_prepared_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_are_stored_by_the_commit_all_or_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_locked_database_is_busy_at_once_and_keeps_the_journal,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_takes_keys_and_messages_with_the_transcript,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_is_staged_checked_and_merged_once_over_a_reopen,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_says_why_it_failed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_processes_opening_a_fresh_dir_at_once_all_open_it,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_failed_migration_says_what_failed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
