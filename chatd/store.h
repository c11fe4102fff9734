/*
 * store: the SQLite database shared by chatd and chatadmin (data_dir/chatd.db).
 *
 * WAL mode with synchronous=FULL: a committed transaction survives a crash
 * or power loss, so an ack sent after store_commit() is a promise kept.
 *
 * Writes are journaled, not run: every write function copies its arguments
 * into the store's journal and returns at once. store_commit() then runs
 * the whole journal in one transaction (BEGIN IMMEDIATE ... COMMIT), the
 * only transaction there is; store_discard() drops the journal. So the
 * transaction is opened lazily, by the first write, at the commit, and one
 * owner (chatd's end of a loop turn, or one chatadmin command) ends it.
 * A commit that finds the write lock taken by another process returns
 * CHAT_ERR_BUSY at once when the store was opened with STORE_NO_WAIT
 * (chatd's event loop must never wait for a lock) and keeps the journal
 * for another try. Reads run at once and see only what is committed.
 *
 * Every statement is prepared once in store_open() (the stats statements
 * too, from the column names of stats.h); no SQL is ever built from data.
 * The schema is migrated in code by PRAGMA user_version.
 *
 * What is stored (contract §5): users (argon2id hashes), hashes of session
 * tokens (logins, visitors' queue places and blocks), transcripts as
 * (chat id, topic, day) + sealed keys + ciphertexts, and aggregate hourly
 * statistics. Never plaintext, addresses or visitor sessions.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "stats.h"

#include "proto.h"

#define STORE_WUR __attribute__((warn_unused_result))

struct store;

#define STORE_NAME_MAX 64
#define STORE_ALIAS_MAX 64
#define STORE_HASH_MAX 128  /* crypto_pwhash_STRBYTES */
#define STORE_ORGS_MAX 1100 /* a user's orgs: CONFIG_MAX_ORGS ids and commas */
#define STORE_TOKEN_HASH_BYTES 32
#define STORE_PURGE_BATCH 500 /* transcripts deleted per purge step */

/* Flags for store_open(). */
#define STORE_NO_WAIT 1 /* a commit that meets another writer's lock fails busy at once */

struct store_user {
    char name[STORE_NAME_MAX + 1];
    enum proto_staff_role role;
    char alias[STORE_ALIAS_MAX + 1];
    char pwhash[STORE_HASH_MAX + 1];
    /* contract v3 §4: the orgs it belongs to, "east,west"; "*" for a
     * federation admin; "" (made before orgs): the default org, see orgs.h */
    char orgs[STORE_ORGS_MAX + 1];
};

/* Opens (creating data_dir and the file if missing) and migrates the
 * database. Without STORE_NO_WAIT a commit waits up to 5 s for a lock. */
int store_open(const char *data_dir, int flags, struct store **out) STORE_WUR;
/* Opens data_dir/chatd.db, made and migrated by store_open, read-only: a
 * second connection for another thread (reports), which reads beside the
 * writer (WAL) and sees what is committed. Its reads may wait up to 5 s
 * for a lock; writes fail. 0, CHAT_ERR_IO or CHAT_ERR_NOMEM. */
int store_open_reader(const char *data_dir, struct store **out) STORE_WUR;
/* Why the last store_open of this thread failed, as SQLite or the system
 * said it ("unable to open database file: Permission denied"); "" after a
 * success. */
const char *store_open_error(void);
/* Discards the journal and closes. */
void store_close(struct store *st);
/* Why the last failed commit, read or backup of st failed, as SQLite said it
 * ("database is locked", "database or disk is full"); "" when none has. */
const char *store_errmsg(const struct store *st);

/* Sets whether a commit that meets another writer's lock fails busy at once
 * (STORE_NO_WAIT) or waits up to 5 s. */
void store_set_no_wait(struct store *st, int no_wait);

/* Sets whether every commit is synced to disk (the default) or only
 * written in order: after a power loss the database then holds the commits
 * up to some point, none in part, but maybe not the last ones. For a long
 * job whose every prefix is consistent (staging a stats import); the next
 * synced commit, of any process, syncs all before it. */
void store_set_synced(struct store *st, int synced);

/* What a commit counted of its writes, for the callers that asked (the
 * store keeps no pointer of theirs between the journal and the commit). */
struct store_counts {
    long transcripts_purged; /* by store_transcript_purge */
    long letters_purged;     /* by store_letter_purge */
};

/* Runs the journal in one transaction; counts (or NULL) gets what it
 * counted when it returns 0. 0 (journal emptied), CHAT_ERR_BUSY
 * (another writer holds the lock: journal kept), or the first failing
 * write's error (CHAT_ERR_EXISTS, CHAT_ERR_NOT_FOUND, CHAT_ERR_FULL,
 * CHAT_ERR_IO: nothing of the journal is stored; the journal is kept until
 * store_discard). */
int store_commit(struct store *st, struct store_counts *counts) STORE_WUR;
/* Drops the journal. */
void store_discard(struct store *st);
/* Writes in the journal. */
size_t store_pending(const struct store *st);
/* sqlite3_prepare calls since store_open (all of them happen in it). */
long store_prepares(const struct store *st);

/* ---- writes (journaled; each returns 0 or CHAT_ERR_NOMEM) ---------------- */

int store_user_add(struct store *st, const struct store_user *u) STORE_WUR;
/* At the commit CHAT_ERR_NOT_FOUND when there is no such user. Deleting a
 * user deletes its tokens. */
int store_user_del(struct store *st, const char *name) STORE_WUR;
/* Changes the hash and deletes the user's tokens (every session ends). */
int store_user_passwd(struct store *st, const char *name, const char *pwhash) STORE_WUR;
int store_token_add(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES], const char *user,
                    time_t expires) STORE_WUR;
int store_token_del(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES]) STORE_WUR;
/* Deletes every token of user (logout ends the whole session). */
int store_token_del_user(struct store *st, const char *user) STORE_WUR;
/* Deletes expired tokens. */
int store_token_purge(struct store *st, time_t now) STORE_WUR;

int store_transcript_add(struct store *st, const char *chat, const char *topic,
                         const char *day) STORE_WUR;
int store_segment_add(struct store *st, const char *chat, int segment, const uint8_t *sealed,
                      size_t len) STORE_WUR;
/* A sealed message (seq >= 1) or whisper (seq <= -1: number -seq, kept as
 * seq -seq with ad 3), as transcript_seal_msg made it. */
int store_msg_add(struct store *st, const char *chat, int segment, int64_t seq,
                  const uint8_t *nonce, size_t noncelen, const uint8_t *ct, size_t ctlen) STORE_WUR;
/* Deletes up to STORE_PURGE_BATCH transcripts whose day is before day
 * (YYYY-MM-DD), with their keys and messages; the commit counts them
 * (store_counts.transcripts_purged). */
int store_transcript_purge(struct store *st, const char *day) STORE_WUR;
/* Gives up to STORE_RECLAIM_PAGES free pages back to the file system. */
#define STORE_RECLAIM_PAGES 2000
int store_reclaim_some(struct store *st) STORE_WUR;

/* A visitor's queue place or chat, kept so a restart loses nobody. */
struct store_session {
    uint8_t key[STORE_TOKEN_HASH_BYTES]; /* hash of the session token */
    enum proto_visitor_state state;      /* queued or chatting */
    const char *topic;
    uint64_t join_order;
    time_t since;
    int transferred;
    const char *chat;   /* NULL when waiting for a first answer */
    const char *worker; /* NULL unless chatting */
    time_t started, waited;
    int label; /* its chat's label (contract v3 §2), 0: none */
};
int store_session_put(struct store *st, const struct store_session *ss) STORE_WUR;
int store_session_del(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES]) STORE_WUR;

/* The last chat label given in topic on day (YYYY-MM-DD, local): one row
 * per topic, replaced (contract v3 §2). */
int store_label_put(struct store *st, const char *topic, const char *day, long last) STORE_WUR;

/* A visitor session (by the hash of its token) blocked from joining until a
 * time; store_block_until gives that time, or 0 when not blocked at now. */
int store_block_put(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES],
                    time_t until) STORE_WUR;
/* Deletes the blocks that ended by now. */
int store_block_purge(struct store *st, time_t now) STORE_WUR;

/* Adds a bucket's counts to the stored bucket of (row->topic, row->hour):
 * the fixed counters and each extra counter that is not zero. */
int store_stats_add(struct store *st, const struct stats_row *row) STORE_WUR;
/* The same with the store last (a stats_put_fn of stats.h; arg is the store). */
int store_stats_put(const struct stats_row *row, void *arg);

/* The most a stats counter holds: an import adds up to it, never past. */
#define STORE_COUNT_MAX 1000000000L

/* ---- stats import (chatadmin, contract v3 §6) ------------------------------
 * A file's buckets never reach stats unless all of them do, yet no
 * transaction is long: the lines are staged (store_import_begin, then
 * store_import_stage in commits of a few hundred lines), checked with reads
 * (store_import_each_dup, store_import_each_over), marked whole
 * (store_import_staged), then merged by store_import_step, each step one
 * transaction that adds the lowest staged lines to stats and deletes them
 * from the stage. The run's state is in the database: a run that stopped
 * while staging is undone (store_import_step without merging), one that
 * stopped while merging is finished (merging on); the caller that finds
 * one (store_import_get) must know that its process is gone. One run at a
 * time. */

enum store_import_state {
    STORE_IMPORT_NONE,    /* no run, nothing staged */
    STORE_IMPORT_STAGING, /* a run is staging (or stopped while staging): undo it */
    STORE_IMPORT_MERGING, /* the file is staged whole and checked: merge on */
};

struct store_import {
    enum store_import_state state;
    char file[256]; /* as the run named it (cut to fit) */
    long rows;      /* buckets of the file, once staged */
};

/* The state of the import run (reads at once). */
int store_import_get(struct store *st, struct store_import *run) STORE_WUR;
/* Journals the start of a run for file (at the commit CHAT_ERR_EXISTS when
 * one exists). */
int store_import_begin(struct store *st, const char *file) STORE_WUR;
/* Journals the staging of the bucket of line (the file's line number, above
 * every line staged before). */
int store_import_stage(struct store *st, long line, const struct stats_row *row) STORE_WUR;
/* Calls fn for each bucket (topic and hour) staged more than once, with the
 * first and last of its lines and how many there are, by last line; at most
 * max of them; fn's error stops the walk and is returned. */
int store_import_each_dup(struct store *st, long max,
                          int (*fn)(long first, long last, long times, void *arg),
                          void *arg) STORE_WUR;
/* Calls fn for each staged counter that, added to what stats holds for its
 * bucket, would pass STORE_COUNT_MAX: its line, column name, the stored and
 * the staged value; by line, at most max of them (fixed counters first). */
int store_import_each_over(struct store *st, long max,
                           int (*fn)(long line, const char *name, long stored, long added,
                                     void *arg),
                           void *arg) STORE_WUR;
/* Journals that the file is staged whole (rows buckets) and checked: from
 * its commit on the run is merged, by this process or the next that finds
 * it. CHAT_ERR_NOT_FOUND at the commit when no run is staging. */
int store_import_staged(struct store *st, long rows) STORE_WUR;
/* One transaction (the journal must be empty): adds (merge) or only drops
 * the lowest staged lines (at most lines of them) and deletes them
 * from the stage; *moved says how many. With none left it ends the run
 * instead (*moved = 0). Counters add up to STORE_COUNT_MAX, never past. */
int store_import_step(struct store *st, int merge, long lines, long *moved) STORE_WUR;

/* ---- reads (run at once; committed data only) ----------------------------- */

/* Fills u for name; CHAT_ERR_NOT_FOUND when there is no such user. */
int store_user_get(struct store *st, const char *name, struct store_user *u) STORE_WUR;
/* Calls fn for each user in name order. */
int store_user_each(struct store *st, void (*fn)(const struct store_user *u, void *arg),
                    void *arg) STORE_WUR;
/* Finds the user of a live token; CHAT_ERR_NOT_FOUND when unknown or expired. */
int store_token_user(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES], time_t now,
                     char user[STORE_NAME_MAX + 1]) STORE_WUR;

struct store_transcript {
    const char *chat;
    const char *topic;
    const char *day;
    long count;
};
int store_transcript_each(struct store *st, void (*fn)(const struct store_transcript *t, void *arg),
                          void *arg) STORE_WUR;

/* Calls seg for each sealed key of chat, then msg for each message in the
 * order stored (seq as transcript_open_msg takes it: 0 before seqs were
 * bound, negative for a whisper); CHAT_ERR_NOT_FOUND when chat has no
 * transcript. */
int store_transcript_read(struct store *st, const char *chat,
                          int (*seg)(int segment, const uint8_t *sealed, size_t len, void *arg),
                          int (*msg)(int segment, long seq, const uint8_t *nonce, size_t noncelen,
                                     const uint8_t *ct, size_t ctlen, void *arg),
                          void *arg) STORE_WUR;

/* Calls fn for each kept session, transferred first, then in join order. */
int store_session_each(struct store *st, void (*fn)(const struct store_session *ss, void *arg),
                       void *arg) STORE_WUR;

time_t store_block_until(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES], time_t now);

/* The highest message seq stored for chat (0 when none), or -1; the same
 * for its whispers. */
long store_chat_last_seq(struct store *st, const char *chat);
long store_chat_last_whisper(struct store *st, const char *chat);
/* The highest key segment of chat, or -1. */
int store_chat_last_segment(struct store *st, const char *chat);

/* The last chat label stored for topic on day (0: none that day), or -1. */
long store_label_last(struct store *st, const char *topic, const char *day);

/* Calls fn for each stats bucket with hour in [from, to) (topic NULL: all),
 * by topic and hour, with its extra counters; the first error of fn stops
 * the walk and is returned. */
int store_stats_each(struct store *st, time_t from, time_t to, const char *topic, stats_put_fn fn,
                     void *arg) STORE_WUR;

/* ---- the rota's shifts (contract v3 §7) -------------------------------------
 * One row per worker position of a published rota: open (taken_by NULL) or
 * taken by a user; a user's deletion opens its shifts again (the foreign
 * key sets taken_by to NULL). */

struct store_shift {
    long id;
    char topic[33]; /* CONFIG_TOPIC_ID_MAX + 1 */
    time_t week, start, end;
    char taken_by[STORE_NAME_MAX + 1]; /* "" when open */
    char alias[STORE_ALIAS_MAX + 1];   /* the taker's alias, "" when open */
};

/* Journals an open shift of topic in the rota of week. */
int store_rota_add(struct store *st, const char *topic, time_t week, time_t start,
                   time_t end) STORE_WUR;
/* Journals shift id taken by user (NULL: open again); CHAT_ERR_NOT_FOUND at
 * the commit when there is no such shift. */
int store_rota_set(struct store *st, long id, const char *user) STORE_WUR;
/* Journals the deletion of week's open shifts. */
int store_rota_del_open(struct store *st, time_t week) STORE_WUR;
/* The same for the shifts of one topic (a coordinator's orgs' topics). */
int store_rota_del_open_topic(struct store *st, time_t week, const char *topic) STORE_WUR;
/* Fills sh for id; CHAT_ERR_NOT_FOUND when there is none. */
int store_rota_get(struct store *st, long id, struct store_shift *sh) STORE_WUR;
/* Calls fn for each shift of week (week >= 0), else for each that overlaps
 * [from, to), by start; fn's error stops the walk and is returned. */
int store_rota_each(struct store *st, time_t week, time_t from, time_t to,
                    int (*fn)(const struct store_shift *sh, void *arg), void *arg) STORE_WUR;
/* Calls fn with each topic's seconds of [from, to) inside taken shifts. */
int store_rota_planned(struct store *st, time_t from, time_t to,
                       void (*fn)(const char *topic, long seconds, void *arg), void *arg) STORE_WUR;

/* The first start after `after` of a taken shift, or -1. */
time_t store_rota_next_start(struct store *st, time_t after);
/* ---- letters (contract v3 §3) ---------------------------------------------
 * A thread as stored: no session, no address, boxes only as the client's
 * ciphertexts (proto_letters.h). state is new (0) or answered (2); a take is
 * not stored. Writes are journaled like every other; reads run at once. */

#define STORE_PICKUP_BYTES 32

struct store_letter_thread {
    const char *id, *topic;
    const uint8_t *pickup; /* STORE_PICKUP_BYTES: SHA-256 of the code */
    const char *lang;      /* NULL: not said */
    time_t received, last_letter, last_answer, waiting_since, due; /* -1: none */
    bool answered;
    const char *reply_pub, *reply_key; /* base64url; wrap JSON */
    long nitems;                       /* reads only */
};

/* A new thread (at the commit CHAT_ERR_EXISTS when the id or pickup is taken). */
int store_letter_thread_add(struct store *st, const struct store_letter_thread *t) STORE_WUR;
/* Rewrites a thread's times and state (nothing when it is gone). */
int store_letter_thread_put(struct store *st, const struct store_letter_thread *t) STORE_WUR;
/* Deletes a thread with its items. */
int store_letter_thread_del(struct store *st, const char *id) STORE_WUR;
/* Deletes every thread (and its items) whose last letter or answer,
 * whichever came later, was at or before `before` (now minus the
 * retention); the commit counts them (store_counts.letters_purged). */
int store_letter_purge(struct store *st, time_t before) STORE_WUR;
/* A letter (from_worker 0) or answer (1) of thread: org_box sealed to the
 * letters key (the letter, the answer's copy), writer_box to the reply key
 * (the writer's own copy, the answer). */
int store_letter_item_add(struct store *st, const char *thread, int from_worker, time_t at,
                          const char *org_box, const char *writer_box) STORE_WUR;
/* Calls fn for each thread by due time (without items; nitems set). */
int store_letter_thread_each(struct store *st,
                             int (*fn)(const struct store_letter_thread *t, void *arg),
                             void *arg) STORE_WUR;
/* Calls thread (may be NULL) for thread id, then item (may be NULL) for
 * each of its items in order; CHAT_ERR_NOT_FOUND when there is no such
 * thread. The items' query runs either way (a missing id matches none). */
int store_letter_read(struct store *st, const char *id,
                      int (*thread)(const struct store_letter_thread *t, void *arg),
                      int (*item)(int from_worker, time_t at, const char *org_box,
                                  const char *writer_box, void *arg),
                      void *arg) STORE_WUR;

/* ---- maintenance (chatadmin; not inside a journal) ------------------------- */

/* Gives all free space back in short steps and truncates the WAL. */
int store_reclaim(struct store *st) STORE_WUR;
/* Copies the live database to path with SQLite's online backup API. */
int store_backup(struct store *st, const char *path) STORE_WUR;

/* For tests of the migrations: makes data_dir/chatd.db at schema version
 * (0 = empty), as an older chatd left it. */
int store_create_at_version(const char *data_dir, int version) STORE_WUR;
/* The schema version this build migrates to. */
int store_schema_version(void);

#endif
