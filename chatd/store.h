/*
 * store: the SQLite database shared by chatd and chatadmin (data_dir/chatd.db).
 *
 * WAL mode with synchronous=FULL: a committed transaction survives a crash
 * or power loss, so an ack sent after store_commit() is a promise kept.
 * Every statement is prepared once in store_open(); the schema is migrated
 * in code by PRAGMA user_version. Writers may batch: store_begin() opens a
 * transaction if none is open, store_commit() ends it (once per loop turn).
 *
 * What is stored (contract §5): users (argon2id hashes), hashes of session
 * tokens (logins, visitors' queue places and blocks), transcripts as
 * (chat id, topic, day) + sealed keys + ciphertexts, and aggregate
 * statistics. Never plaintext, addresses or visitor sessions.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

#define STORE_NAME_MAX 64
#define STORE_ALIAS_MAX 64
#define STORE_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define STORE_TOKEN_HASH_BYTES 32

struct store_user {
    char name[STORE_NAME_MAX + 1];
    char role[16];
    char alias[STORE_ALIAS_MAX + 1];
    char pwhash[STORE_HASH_MAX + 1];
};

/* Opens (creating data_dir and the file if missing) and migrates the database. */
int store_open(const char *data_dir, struct store **out);
void store_close(struct store *st);

/* Opens a write transaction unless one is open. */
int store_begin(struct store *st);
/* Commits the open transaction, if any. */
int store_commit(struct store *st);
/* True while a transaction is open. */
int store_in_txn(const struct store *st);

int store_user_add(struct store *st, const struct store_user *u);
int store_user_del(struct store *st, const char *name);
int store_user_passwd(struct store *st, const char *name, const char *pwhash);
/* Fills u for name; CHAT_ERR_NOT_FOUND when there is no such user. */
int store_user_get(struct store *st, const char *name, struct store_user *u);
/* Calls fn for each user in name order. */
int store_user_each(struct store *st, void (*fn)(const struct store_user *u, void *arg), void *arg);

int store_token_add(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES], const char *user,
                    time_t expires);
/* Finds the user of a live token; CHAT_ERR_NOT_FOUND when unknown or expired. */
int store_token_user(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES], time_t now,
                     char user[STORE_NAME_MAX + 1]);
int store_token_del(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES]);
/* Deletes every token of user (logout ends the whole session). */
int store_token_del_user(struct store *st, const char *user);
/* Deletes expired tokens. */
int store_token_purge(struct store *st, time_t now);

int store_transcript_add(struct store *st, const char *chat, const char *topic, const char *day);
int store_segment_add(struct store *st, const char *chat, int segment, const uint8_t *sealed,
                      size_t len);
int store_msg_add(struct store *st, const char *chat, int segment, const uint8_t *nonce,
                  size_t noncelen, const uint8_t *ct, size_t ctlen);

struct store_transcript {
    const char *chat;
    const char *topic;
    const char *day;
    long count;
};
int store_transcript_each(struct store *st, void (*fn)(const struct store_transcript *t, void *arg),
                          void *arg);

/* Calls seg for each sealed key of chat, then msg for each message in order. */
int store_transcript_read(struct store *st, const char *chat,
                          int (*seg)(int segment, const uint8_t *sealed, size_t len, void *arg),
                          int (*msg)(int segment, const uint8_t *nonce, size_t noncelen,
                                     const uint8_t *ct, size_t ctlen, void *arg),
                          void *arg);

/* Deletes transcripts whose day is before day (YYYY-MM-DD); *deleted gets the count. */
int store_transcript_purge(struct store *st, const char *day, long *deleted);

/* Checkpoints the WAL and VACUUMs: all free space back (slow; chatadmin only). */
int store_reclaim(struct store *st);

/* Gives up to pages free pages back to the file system (cheap; chatd hourly). */
int store_reclaim_some(struct store *st, int pages);

/* Copies the live database to path with SQLite's online backup API. */
int store_backup(struct store *st, const char *path);

/* A visitor's queue place or chat, kept so a restart loses nobody. */
struct store_session {
    uint8_t key[STORE_TOKEN_HASH_BYTES]; /* hash of the session token */
    int state;                           /* 1 queued, 2 chatting */
    const char *topic;
    uint64_t join_order;
    time_t since;
    int transferred;
    const char *chat;   /* NULL when waiting for a first answer */
    const char *worker; /* NULL unless chatting */
    time_t started, waited;
};

int store_session_put(struct store *st, const struct store_session *ss);
int store_session_del(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES]);
/* Calls fn for each kept session, transferred first, then in join order. */
int store_session_each(struct store *st, void (*fn)(const struct store_session *ss, void *arg),
                       void *arg);

/* A visitor session (by the hash of its token) blocked from joining until a
 * time; store_block_until gives that time, or 0 when not blocked at now. */
int store_block_put(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES], time_t until);
time_t store_block_until(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES], time_t now);
/* Deletes the blocks that ended by now. */
int store_block_purge(struct store *st, time_t now);

/* Messages stored for chat (its last seq), or -1. */
long store_chat_messages(struct store *st, const char *chat);
/* The highest key segment of chat, or -1. */
int store_chat_last_segment(struct store *st, const char *chat);

/* The underlying handle, for modules that keep their own statements (stats). */
struct sqlite3 *store_db(struct store *st);

#endif
