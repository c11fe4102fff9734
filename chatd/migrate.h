/*
 * migrate: chatd.db's schema and its versions, for store.c only.
 */
#ifndef MIGRATE_H
#define MIGRATE_H

#include <sqlite3.h>
#include <stddef.h>

/* How long opening and migrating wait for another writer: processes opening
 * a fresh data dir at once take turns over every step on a busy disk. */
#define MIGRATE_WAIT_MS 15000

/* Opens (creating data_dir and the file if missing) data_dir/chatd.db with
 * the pragmas every connection needs: WAL, synchronous FULL, foreign keys,
 * secure delete, incremental auto-vacuum. 0 or CHAT_ERR_IO. */
int migrate_open(const char *data_dir, sqlite3 **db);

/* Brings db's schema to version target (at most migrate_latest()), one
 * transaction a step; another process may be doing the same at once. On
 * CHAT_ERR_IO, SQLite's words for it in why (when not NULL). 0, CHAT_ERR_IO
 * or CHAT_ERR_BAD_STATE (made by a newer chatd). */
int migrate_to(sqlite3 *db, int target, char *why, size_t why_len);

/* The schema version of this build. */
int migrate_latest(void);

/* Makes data_dir/chatd.db at schema version (0 = empty), as an older chatd
 * left it; for tests of the migrations. */
int migrate_create_at(const char *data_dir, int version);

#endif
