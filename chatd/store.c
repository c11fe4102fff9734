/*
 * store: schema, migrations and prepared statements over one SQLite handle.
 *
 * Invariant: stmt[i] is prepared from sql[i] for the whole life of the
 * handle, and is reset after every use, so no statement holds a read lock
 * between calls (chatadmin and chatd share the file).
 */
#include "store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chat_err.h"

enum store_stmt {
    S_USER_ADD,
    S_USER_DEL,
    S_USER_PASSWD,
    S_USER_GET,
    S_USER_LIST,
    S_TOKEN_ADD,
    S_TOKEN_USER,
    S_TOKEN_DEL,
    S_TOKEN_PURGE,
    S_TOKEN_DEL_USER,
    S_TR_ADD,
    S_SEG_ADD,
    S_MSG_ADD,
    S_TR_LIST,
    S_TR_SEGS,
    S_TR_MSGS,
    S_TR_PURGE_MSGS,
    S_TR_PURGE_SEGS,
    S_TR_PURGE,
    S_SESS_PUT,
    S_SESS_DEL,
    S_SESS_LIST,
    S_CHAT_SEQ,
    S_CHAT_MAXSEG,
    S_BLOCK_PUT,
    S_BLOCK_GET,
    S_BLOCK_PURGE,
    S_COUNT
};

static const char *const store_sql[S_COUNT] = {
    [S_USER_ADD] = "INSERT INTO users(name, role, alias, pwhash) VALUES (?1, ?2, ?3, ?4)",
    [S_USER_DEL] = "DELETE FROM users WHERE name = ?1",
    [S_USER_PASSWD] = "UPDATE users SET pwhash = ?2 WHERE name = ?1",
    [S_USER_GET] = "SELECT name, role, alias, pwhash FROM users WHERE name = ?1",
    [S_USER_LIST] = "SELECT name, role, alias, pwhash FROM users ORDER BY name",
    [S_TOKEN_ADD] = "INSERT INTO tokens(hash, user, expires) VALUES (?1, ?2, ?3)",
    [S_TOKEN_USER] = "SELECT user FROM tokens WHERE hash = ?1 AND expires > ?2",
    [S_TOKEN_DEL] = "DELETE FROM tokens WHERE hash = ?1",
    [S_TOKEN_PURGE] = "DELETE FROM tokens WHERE expires <= ?1",
    [S_TOKEN_DEL_USER] = "DELETE FROM tokens WHERE user = ?1",
    [S_TR_ADD] = "INSERT INTO transcripts(chat, topic, day) VALUES (?1, ?2, ?3)",
    [S_SEG_ADD] = "INSERT INTO transcript_keys(chat, segment, sealed) VALUES (?1, ?2, ?3)",
    [S_MSG_ADD] = "INSERT INTO transcript_msgs(chat, segment, nonce, ct) VALUES (?1, ?2, ?3, ?4)",
    [S_TR_LIST] = "SELECT t.chat, t.topic, t.day, (SELECT count(*) FROM transcript_msgs m "
                  "WHERE m.chat = t.chat) FROM transcripts t ORDER BY t.day, t.rowid",
    [S_TR_SEGS] = "SELECT segment, sealed FROM transcript_keys WHERE chat = ?1 ORDER BY segment",
    [S_TR_MSGS] = "SELECT segment, nonce, ct FROM transcript_msgs WHERE chat = ?1 ORDER BY id",
    [S_TR_PURGE_MSGS] = "DELETE FROM transcript_msgs WHERE chat IN "
                        "(SELECT chat FROM transcripts WHERE day < ?1)",
    [S_TR_PURGE_SEGS] = "DELETE FROM transcript_keys WHERE chat IN "
                        "(SELECT chat FROM transcripts WHERE day < ?1)",
    [S_TR_PURGE] = "DELETE FROM transcripts WHERE day < ?1",
    [S_SESS_PUT] =
        "INSERT OR REPLACE INTO sessions(key, state, topic, join_order, since, transferred,"
        " chat, worker, started, waited) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [S_SESS_DEL] = "DELETE FROM sessions WHERE key = ?1",
    [S_SESS_LIST] =
        "SELECT key, state, topic, join_order, since, transferred, chat, worker, started,"
        " waited FROM sessions ORDER BY transferred DESC, join_order",
    [S_CHAT_SEQ] = "SELECT count(*) FROM transcript_msgs WHERE chat = ?1",
    [S_CHAT_MAXSEG] = "SELECT coalesce(max(segment), -1) FROM transcript_keys WHERE chat = ?1",
    [S_BLOCK_PUT] = "INSERT OR REPLACE INTO blocks(key, until) VALUES (?1, ?2)",
    [S_BLOCK_GET] = "SELECT until FROM blocks WHERE key = ?1 AND until > ?2",
    [S_BLOCK_PURGE] = "DELETE FROM blocks WHERE until <= ?1",
};

/* Migration n brings user_version from n to n + 1. Never edit a shipped one. */
static const char *const store_migrations[] = {
    "CREATE TABLE users(name TEXT PRIMARY KEY, role TEXT NOT NULL, alias TEXT NOT NULL,"
    " pwhash TEXT NOT NULL);"
    "CREATE TABLE tokens(hash BLOB PRIMARY KEY, user TEXT NOT NULL"
    " REFERENCES users(name) ON DELETE CASCADE, expires INTEGER NOT NULL);"
    "CREATE TABLE transcripts(chat TEXT PRIMARY KEY, topic TEXT NOT NULL, day TEXT NOT NULL);"
    "CREATE TABLE transcript_keys(chat TEXT NOT NULL, segment INTEGER NOT NULL,"
    " sealed BLOB NOT NULL, PRIMARY KEY(chat, segment));"
    "CREATE TABLE transcript_msgs(id INTEGER PRIMARY KEY, chat TEXT NOT NULL,"
    " segment INTEGER NOT NULL, nonce BLOB NOT NULL, ct BLOB NOT NULL);"
    "CREATE INDEX transcript_msgs_chat ON transcript_msgs(chat, id);"
    "CREATE INDEX transcripts_day ON transcripts(day);",
    "CREATE TABLE stats(topic TEXT NOT NULL, hour INTEGER NOT NULL,"
    " open_s INTEGER NOT NULL DEFAULT 0, staffed_s INTEGER NOT NULL DEFAULT 0,"
    " worker_s INTEGER NOT NULL DEFAULT 0, joins INTEGER NOT NULL DEFAULT 0,"
    " refused_closed INTEGER NOT NULL DEFAULT 0, refused_full INTEGER NOT NULL DEFAULT 0,"
    " queued INTEGER NOT NULL DEFAULT 0, answered INTEGER NOT NULL DEFAULT 0,"
    " abandoned INTEGER NOT NULL DEFAULT 0, wait_answered_s INTEGER NOT NULL DEFAULT 0,"
    " wait_abandoned_s INTEGER NOT NULL DEFAULT 0, chats INTEGER NOT NULL DEFAULT 0,"
    " chat_s INTEGER NOT NULL DEFAULT 0, msgs_visitor INTEGER NOT NULL DEFAULT 0,"
    " msgs_worker INTEGER NOT NULL DEFAULT 0, transfers INTEGER NOT NULL DEFAULT 0,"
    " blocks INTEGER NOT NULL DEFAULT 0, feedback_1 INTEGER NOT NULL DEFAULT 0,"
    " feedback_2 INTEGER NOT NULL DEFAULT 0, feedback_3 INTEGER NOT NULL DEFAULT 0,"
    " feedback_4 INTEGER NOT NULL DEFAULT 0, feedback_5 INTEGER NOT NULL DEFAULT 0,"
    " wait_answered_0_1 INTEGER NOT NULL DEFAULT 0,"
    " wait_answered_1_5 INTEGER NOT NULL DEFAULT 0,"
    " wait_answered_5_15 INTEGER NOT NULL DEFAULT 0,"
    " wait_answered_15_30 INTEGER NOT NULL DEFAULT 0,"
    " wait_answered_30_60 INTEGER NOT NULL DEFAULT 0,"
    " wait_answered_60p INTEGER NOT NULL DEFAULT 0,"
    " wait_abandoned_0_1 INTEGER NOT NULL DEFAULT 0,"
    " wait_abandoned_1_5 INTEGER NOT NULL DEFAULT 0,"
    " wait_abandoned_5_15 INTEGER NOT NULL DEFAULT 0,"
    " wait_abandoned_15_30 INTEGER NOT NULL DEFAULT 0,"
    " wait_abandoned_30_60 INTEGER NOT NULL DEFAULT 0,"
    " wait_abandoned_60p INTEGER NOT NULL DEFAULT 0, chat_0_1 INTEGER NOT NULL DEFAULT 0,"
    " chat_1_5 INTEGER NOT NULL DEFAULT 0, chat_5_15 INTEGER NOT NULL DEFAULT 0,"
    " chat_15_30 INTEGER NOT NULL DEFAULT 0, chat_30_60 INTEGER NOT NULL DEFAULT 0,"
    " chat_60p INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(topic, hour));",
    /* 3: queue places and chats in progress, so a restart loses nobody. The
     * key is a hash of the visitor's session token, never the token. */
    "CREATE TABLE sessions(key BLOB PRIMARY KEY, state INTEGER NOT NULL, topic TEXT NOT NULL,"
    " join_order INTEGER NOT NULL, since INTEGER NOT NULL, transferred INTEGER NOT NULL,"
    " chat TEXT, worker TEXT, started INTEGER, waited INTEGER);",
    /* 4: blocked visitor sessions, so a block lasts its hours over the end of
     * the session in memory and over restarts. Keyed like sessions. */
    "CREATE TABLE blocks(key BLOB PRIMARY KEY, until INTEGER NOT NULL);",
};

struct store {
    sqlite3 *db;
    sqlite3_stmt *stmt[S_COUNT];
    int in_txn;
};

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : CHAT_ERR_IO;
}

static int migrate(sqlite3 *db)
{
    sqlite3_stmt *s;
    int version = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return CHAT_ERR_IO;
    if (sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    int n = (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
    for (; version < n; version++) {
        char bump[64];
        snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", version + 1);
        if (exec(db, "BEGIN IMMEDIATE") != 0)
            return CHAT_ERR_IO;
        if (exec(db, store_migrations[version]) != 0 || exec(db, bump) != 0) {
            exec(db, "ROLLBACK");
            return CHAT_ERR_IO;
        }
        if (exec(db, "COMMIT") != 0)
            return CHAT_ERR_IO;
    }
    return 0;
}

int store_open(const char *data_dir, struct store **out)
{
    char path[4096];
    struct store *st = calloc(1, sizeof(*st));
    *out = NULL;
    if (!st)
        return CHAT_ERR_NOMEM;
    if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
        free(st);
        return CHAT_ERR_IO;
    }
    snprintf(path, sizeof(path), "%s/chatd.db", data_dir);
    /* a store belongs to one thread (chatd's event loop): no mutex per call */
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(st->db, 5000);
    /* before the first table exists: lets purges give space back in steps */
    if (exec(st->db, "PRAGMA auto_vacuum = INCREMENTAL") ||
        exec(st->db, "PRAGMA journal_mode = WAL") || exec(st->db, "PRAGMA synchronous = FULL") ||
        exec(st->db, "PRAGMA foreign_keys = ON") || exec(st->db, "PRAGMA secure_delete = ON") ||
        migrate(st->db))
        goto fail;
    for (int i = 0; i < S_COUNT; i++)
        if (sqlite3_prepare_v3(st->db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
                               NULL) != SQLITE_OK)
            goto fail;
    *out = st;
    return 0;
fail:
    store_close(st);
    return CHAT_ERR_IO;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    store_commit(st);
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    sqlite3_close(st->db);
    free(st);
}

int store_begin(struct store *st)
{
    if (st->in_txn)
        return 0;
    if (exec(st->db, "BEGIN IMMEDIATE") != 0)
        return CHAT_ERR_IO;
    st->in_txn = 1;
    return 0;
}

int store_commit(struct store *st)
{
    if (!st->in_txn)
        return 0;
    st->in_txn = 0;
    if (exec(st->db, "COMMIT") != 0) {
        exec(st->db, "ROLLBACK");
        return CHAT_ERR_IO;
    }
    return 0;
}

int store_in_txn(const struct store *st)
{
    return st->in_txn;
}

struct sqlite3 *store_db(struct store *st)
{
    return st->db;
}

/* Binds text arguments 1..n from a NULL-terminated list. */
static sqlite3_stmt *bind_text(struct store *st, enum store_stmt which, const char *a,
                               const char *b, const char *c, const char *d)
{
    sqlite3_stmt *s = st->stmt[which];
    const char *args[] = {a, b, c, d};
    for (int i = 0; i < 4 && args[i]; i++)
        sqlite3_bind_text(s, i + 1, args[i], -1, SQLITE_STATIC);
    return s;
}

/* Steps a statement that returns no rows, resets it, maps the result. */
static int run(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_DONE)
        return 0;
    return (rc & 0xff) == SQLITE_CONSTRAINT ? CHAT_ERR_EXISTS : CHAT_ERR_IO;
}

static int run_changed(struct store *st, sqlite3_stmt *s)
{
    int rc = run(s);
    if (rc == 0 && sqlite3_changes(st->db) == 0)
        rc = CHAT_ERR_NOT_FOUND;
    return rc;
}

static void copy_col(char *dst, size_t size, sqlite3_stmt *s, int col)
{
    const char *v = (const char *)sqlite3_column_text(s, col);
    snprintf(dst, size, "%s", v ? v : "");
}

static void row_user(sqlite3_stmt *s, struct store_user *u)
{
    copy_col(u->name, sizeof(u->name), s, 0);
    copy_col(u->role, sizeof(u->role), s, 1);
    copy_col(u->alias, sizeof(u->alias), s, 2);
    copy_col(u->pwhash, sizeof(u->pwhash), s, 3);
}

int store_user_add(struct store *st, const struct store_user *u)
{
    return run(bind_text(st, S_USER_ADD, u->name, u->role, u->alias, u->pwhash));
}

int store_user_del(struct store *st, const char *name)
{
    return run_changed(st, bind_text(st, S_USER_DEL, name, NULL, NULL, NULL));
}

int store_user_passwd(struct store *st, const char *name, const char *pwhash)
{
    return run_changed(st, bind_text(st, S_USER_PASSWD, name, pwhash, NULL, NULL));
}

int store_user_get(struct store *st, const char *name, struct store_user *u)
{
    sqlite3_stmt *s = bind_text(st, S_USER_GET, name, NULL, NULL, NULL);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        row_user(s, u);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CHAT_ERR_NOT_FOUND : CHAT_ERR_IO;
}

int store_user_each(struct store *st, void (*fn)(const struct store_user *u, void *arg), void *arg)
{
    sqlite3_stmt *s = st->stmt[S_USER_LIST];
    struct store_user u;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        row_user(s, &u);
        fn(&u, arg);
    }
    sqlite3_reset(s);
    memset(&u, 0, sizeof(u));
    return rc == SQLITE_DONE ? 0 : CHAT_ERR_IO;
}

int store_token_add(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES], const char *user,
                    time_t expires)
{
    sqlite3_stmt *s = st->stmt[S_TOKEN_ADD];
    sqlite3_bind_blob(s, 1, hash, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)expires);
    return run(s);
}

int store_token_user(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES], time_t now,
                     char user[STORE_NAME_MAX + 1])
{
    sqlite3_stmt *s = st->stmt[S_TOKEN_USER];
    sqlite3_bind_blob(s, 1, hash, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        copy_col(user, STORE_NAME_MAX + 1, s, 0);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CHAT_ERR_NOT_FOUND : CHAT_ERR_IO;
}

int store_token_del(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES])
{
    sqlite3_stmt *s = st->stmt[S_TOKEN_DEL];
    sqlite3_bind_blob(s, 1, hash, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
    return run(s);
}

int store_token_purge(struct store *st, time_t now)
{
    sqlite3_stmt *s = st->stmt[S_TOKEN_PURGE];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
    return run(s);
}

int store_transcript_add(struct store *st, const char *chat, const char *topic, const char *day)
{
    return run(bind_text(st, S_TR_ADD, chat, topic, day, NULL));
}

int store_segment_add(struct store *st, const char *chat, int segment, const uint8_t *sealed,
                      size_t len)
{
    sqlite3_stmt *s = st->stmt[S_SEG_ADD];
    sqlite3_bind_text(s, 1, chat, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, segment);
    sqlite3_bind_blob(s, 3, sealed, (int)len, SQLITE_STATIC);
    return run(s);
}

int store_msg_add(struct store *st, const char *chat, int segment, const uint8_t *nonce,
                  size_t noncelen, const uint8_t *ct, size_t ctlen)
{
    sqlite3_stmt *s = st->stmt[S_MSG_ADD];
    sqlite3_bind_text(s, 1, chat, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, segment);
    sqlite3_bind_blob(s, 3, nonce, (int)noncelen, SQLITE_STATIC);
    sqlite3_bind_blob(s, 4, ct, (int)ctlen, SQLITE_STATIC);
    return run(s);
}

int store_transcript_each(struct store *st, void (*fn)(const struct store_transcript *t, void *arg),
                          void *arg)
{
    sqlite3_stmt *s = st->stmt[S_TR_LIST];
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_transcript t = {
            .chat = (const char *)sqlite3_column_text(s, 0),
            .topic = (const char *)sqlite3_column_text(s, 1),
            .day = (const char *)sqlite3_column_text(s, 2),
            .count = (long)sqlite3_column_int64(s, 3),
        };
        fn(&t, arg);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : CHAT_ERR_IO;
}

int store_transcript_read(struct store *st, const char *chat,
                          int (*seg)(int segment, const uint8_t *sealed, size_t len, void *arg),
                          int (*msg)(int segment, const uint8_t *nonce, size_t noncelen,
                                     const uint8_t *ct, size_t ctlen, void *arg),
                          void *arg)
{
    int rc, cbrc = 0, found = 0;
    sqlite3_stmt *s = bind_text(st, S_TR_SEGS, chat, NULL, NULL, NULL);
    while (cbrc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        found = 1;
        cbrc = seg(sqlite3_column_int(s, 0), sqlite3_column_blob(s, 1),
                   (size_t)sqlite3_column_bytes(s, 1), arg);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (cbrc != 0)
        return cbrc;
    if (!found)
        return CHAT_ERR_NOT_FOUND;
    s = bind_text(st, S_TR_MSGS, chat, NULL, NULL, NULL);
    while (cbrc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
        cbrc = msg(sqlite3_column_int(s, 0), sqlite3_column_blob(s, 1),
                   (size_t)sqlite3_column_bytes(s, 1), sqlite3_column_blob(s, 2),
                   (size_t)sqlite3_column_bytes(s, 2), arg);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return cbrc;
}

int store_transcript_purge(struct store *st, const char *day, long *deleted)
{
    int rc = store_begin(st);
    if (rc == 0)
        rc = run(bind_text(st, S_TR_PURGE_MSGS, day, NULL, NULL, NULL));
    if (rc == 0)
        rc = run(bind_text(st, S_TR_PURGE_SEGS, day, NULL, NULL, NULL));
    if (rc == 0) {
        rc = run(bind_text(st, S_TR_PURGE, day, NULL, NULL, NULL));
        *deleted = (long)sqlite3_changes(st->db);
    }
    int crc = store_commit(st);
    return rc ? rc : crc;
}

int store_reclaim_some(struct store *st, int pages)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA incremental_vacuum(%d)", pages);
    return exec(st->db, sql);
}

int store_backup(struct store *st, const char *path)
{
    sqlite3 *dst;
    if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        sqlite3_close(dst);
        return CHAT_ERR_IO;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", st->db, "main");
    int rc = CHAT_ERR_IO;
    if (b) {
        int step;
        while ((step = sqlite3_backup_step(b, 256)) == SQLITE_OK || step == SQLITE_BUSY ||
               step == SQLITE_LOCKED)
            sqlite3_sleep(10);
        rc = sqlite3_backup_finish(b) == SQLITE_OK && step == SQLITE_DONE ? 0 : CHAT_ERR_IO;
    }
    sqlite3_close(dst);
    return rc;
}

int store_reclaim(struct store *st)
{
    if (st->in_txn)
        return CHAT_ERR_BAD_STATE;
    return exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)") || exec(st->db, "VACUUM") ? CHAT_ERR_IO
                                                                                     : 0;
}

int store_session_put(struct store *st, const struct store_session *ss)
{
    sqlite3_stmt *s = st->stmt[S_SESS_PUT];
    sqlite3_bind_blob(s, 1, ss->key, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, ss->state);
    sqlite3_bind_text(s, 3, ss->topic, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)ss->join_order);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)ss->since);
    sqlite3_bind_int(s, 6, ss->transferred);
    if (ss->chat)
        sqlite3_bind_text(s, 7, ss->chat, -1, SQLITE_STATIC);
    if (ss->worker)
        sqlite3_bind_text(s, 8, ss->worker, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 9, (sqlite3_int64)ss->started);
    sqlite3_bind_int64(s, 10, (sqlite3_int64)ss->waited);
    return run(s);
}

int store_session_del(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES])
{
    sqlite3_stmt *s = st->stmt[S_SESS_DEL];
    sqlite3_bind_blob(s, 1, key, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
    return run(s);
}

int store_session_each(struct store *st, void (*fn)(const struct store_session *ss, void *arg),
                       void *arg)
{
    sqlite3_stmt *s = st->stmt[S_SESS_LIST];
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_session ss = {0};
        if (sqlite3_column_bytes(s, 0) != STORE_TOKEN_HASH_BYTES)
            continue;
        memcpy(ss.key, sqlite3_column_blob(s, 0), STORE_TOKEN_HASH_BYTES);
        ss.state = sqlite3_column_int(s, 1);
        ss.topic = (const char *)sqlite3_column_text(s, 2);
        ss.join_order = (uint64_t)sqlite3_column_int64(s, 3);
        ss.since = (time_t)sqlite3_column_int64(s, 4);
        ss.transferred = sqlite3_column_int(s, 5);
        ss.chat = (const char *)sqlite3_column_text(s, 6);
        ss.worker = (const char *)sqlite3_column_text(s, 7);
        ss.started = (time_t)sqlite3_column_int64(s, 8);
        ss.waited = (time_t)sqlite3_column_int64(s, 9);
        fn(&ss, arg);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : CHAT_ERR_IO;
}

int store_block_put(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES], time_t until)
{
    sqlite3_stmt *s = st->stmt[S_BLOCK_PUT];
    sqlite3_bind_blob(s, 1, key, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)until);
    return run(s);
}

time_t store_block_until(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES], time_t now)
{
    sqlite3_stmt *s = st->stmt[S_BLOCK_GET];
    sqlite3_bind_blob(s, 1, key, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
    time_t until = sqlite3_step(s) == SQLITE_ROW ? (time_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return until;
}

int store_block_purge(struct store *st, time_t now)
{
    sqlite3_stmt *s = st->stmt[S_BLOCK_PURGE];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
    return run(s);
}

/* One integer from a statement binding chat as ?1. */
static long chat_number(struct store *st, enum store_stmt which, const char *chat)
{
    sqlite3_stmt *s = bind_text(st, which, chat, NULL, NULL, NULL);
    long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return n;
}

long store_chat_messages(struct store *st, const char *chat)
{
    return chat_number(st, S_CHAT_SEQ, chat);
}

int store_chat_last_segment(struct store *st, const char *chat)
{
    return (int)chat_number(st, S_CHAT_MAXSEG, chat);
}

int store_token_del_user(struct store *st, const char *user)
{
    return run(bind_text(st, S_TOKEN_DEL_USER, user, NULL, NULL, NULL));
}
