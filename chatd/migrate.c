/*
 * migrate: the schema of chatd.db, versioned in code.
 *
 * Migration n brings PRAGMA user_version from n to n + 1, in one
 * transaction; a file made by a newer chatd (a higher version) is refused.
 * Shipped migrations are never edited: a change is a new one.
 */
#include "migrate.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "chat_err.h"
#include "clock.h"

/* Contract v3 §3: letter threads and their items, and the letters'
 * statistics. A thread holds only what the contract lists: id, topic, the
 * SHA-256 of the pickup code, the writer's language (the worker's list
 * shows it), times, state (0 new, 2 answered), the reply key's public half
 * and wrapped private half; an item its time, side and two boxes (org_box
 * sealed to the letters key: the letter or the answer's copy; writer_box
 * sealed to the reply key: the writer's own copy or the answer). No session,
 * no address, nothing in clear. Kept as a macro so that its number is one
 * line of the list below. */
#define MIGRATION_LETTERS                                                                          \
    "CREATE TABLE letter_threads(id TEXT PRIMARY KEY, topic TEXT NOT NULL,"                        \
    " pickup BLOB NOT NULL UNIQUE, lang TEXT, received INTEGER NOT NULL,"                          \
    " last_letter INTEGER NOT NULL, last_answer INTEGER, waiting_since INTEGER,"                   \
    " due INTEGER NOT NULL, state INTEGER NOT NULL,"                                               \
    " reply_pub TEXT NOT NULL, reply_key TEXT NOT NULL);"                                          \
    "CREATE TABLE letter_items(id INTEGER PRIMARY KEY, thread TEXT NOT NULL"                       \
    " REFERENCES letter_threads(id) ON DELETE CASCADE, from_worker INTEGER NOT NULL,"              \
    " at INTEGER NOT NULL, org_box TEXT NOT NULL, writer_box TEXT NOT NULL);"                      \
    "CREATE INDEX letter_items_thread ON letter_items(thread, id);"                                \
    "ALTER TABLE stats ADD COLUMN letters_received INTEGER NOT NULL DEFAULT 0;"                    \
    "ALTER TABLE stats ADD COLUMN letters_answered INTEGER NOT NULL DEFAULT 0;"                    \
    "ALTER TABLE stats ADD COLUMN letter_answer_s INTEGER NOT NULL DEFAULT 0;"                     \
    "ALTER TABLE stats ADD COLUMN letters_overdue INTEGER NOT NULL DEFAULT 0;"                     \
    "ALTER TABLE import_stage ADD COLUMN letters_received INTEGER NOT NULL DEFAULT 0;"             \
    "ALTER TABLE import_stage ADD COLUMN letters_answered INTEGER NOT NULL DEFAULT 0;"             \
    "ALTER TABLE import_stage ADD COLUMN letter_answer_s INTEGER NOT NULL DEFAULT 0;"              \
    "ALTER TABLE import_stage ADD COLUMN letters_overdue INTEGER NOT NULL DEFAULT 0;"

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
    /* 5: a transcript's keys and messages reference it (and go with it), and
     * each message keeps its seq, which version 2 of the sealing binds into
     * the ciphertext (ad = 2; older messages have ad = 1 and their seq by
     * order). Messages and keys whose transcript row was lost get one back
     * (topic "unknown", day of the migration), so they can be listed and
     * purged. */
    "INSERT INTO transcripts(chat, topic, day)"
    " SELECT DISTINCT chat, 'unknown', date('now', 'localtime') FROM ("
    "  SELECT chat FROM transcript_msgs UNION SELECT chat FROM transcript_keys)"
    " WHERE chat NOT IN (SELECT chat FROM transcripts);"
    "CREATE TABLE transcript_keys5(chat TEXT NOT NULL REFERENCES transcripts(chat)"
    " ON DELETE CASCADE, segment INTEGER NOT NULL, sealed BLOB NOT NULL,"
    " PRIMARY KEY(chat, segment));"
    "INSERT INTO transcript_keys5 SELECT chat, segment, sealed FROM transcript_keys;"
    "DROP TABLE transcript_keys;"
    "ALTER TABLE transcript_keys5 RENAME TO transcript_keys;"
    "CREATE TABLE transcript_msgs5(id INTEGER PRIMARY KEY, chat TEXT NOT NULL"
    " REFERENCES transcripts(chat) ON DELETE CASCADE, segment INTEGER NOT NULL,"
    " seq INTEGER NOT NULL, ad INTEGER NOT NULL, nonce BLOB NOT NULL, ct BLOB NOT NULL);"
    "INSERT INTO transcript_msgs5(id, chat, segment, seq, ad, nonce, ct)"
    " SELECT id, chat, segment, row_number() OVER (PARTITION BY chat ORDER BY id), 1, nonce, ct"
    " FROM transcript_msgs;"
    "DROP TABLE transcript_msgs;"
    "ALTER TABLE transcript_msgs5 RENAME TO transcript_msgs;"
    "CREATE INDEX transcript_msgs_chat ON transcript_msgs(chat, seq);",
    /* 6: contract v2 §5: the new fixed counters, and the counters named by
     * the config (q_QID_AID, cat_ID), one row per bucket and name. */
    "ALTER TABLE stats ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN alerts INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN first_reply_s INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN first_replies INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN wrapups INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN wrapup_s INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN kind_counselling INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN kind_information INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN kind_silent INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN kind_test INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN kind_prank INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN kind_abusive INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN slot_s INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN helped_yes INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN helped_somewhat INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN helped_no INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN again_yes INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE stats ADD COLUMN again_no INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE stats_extra(topic TEXT NOT NULL, hour INTEGER NOT NULL, name TEXT NOT NULL,"
    " n INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(topic, hour, name)) WITHOUT ROWID;",
    /* 7: `chatadmin stats import` (contract v3 §6): a file's buckets are
     * staged here in short transactions, one row per line of the file, then
     * merged into stats in short transactions that each move (and delete)
     * the lowest staged lines. import_run says whether the file is still
     * being staged (an interrupted one is undone) or whole and checked (an
     * interrupted merge is finished). */
    "CREATE TABLE import_run(id INTEGER PRIMARY KEY CHECK (id = 1), state INTEGER NOT NULL,"
    " file TEXT NOT NULL, rows INTEGER NOT NULL);"
    "CREATE TABLE import_stage(line INTEGER PRIMARY KEY, topic TEXT NOT NULL,"
    " hour INTEGER NOT NULL,"
    " open_s INTEGER NOT NULL, staffed_s INTEGER NOT NULL, worker_s INTEGER NOT NULL,"
    " joins INTEGER NOT NULL, refused_closed INTEGER NOT NULL, refused_full INTEGER NOT NULL,"
    " queued INTEGER NOT NULL, answered INTEGER NOT NULL, abandoned INTEGER NOT NULL,"
    " wait_answered_s INTEGER NOT NULL, wait_abandoned_s INTEGER NOT NULL, chats INTEGER NOT NULL,"
    " chat_s INTEGER NOT NULL, msgs_visitor INTEGER NOT NULL, msgs_worker INTEGER NOT NULL,"
    " transfers INTEGER NOT NULL, blocks INTEGER NOT NULL, feedback_1 INTEGER NOT NULL,"
    " feedback_2 INTEGER NOT NULL, feedback_3 INTEGER NOT NULL, feedback_4 INTEGER NOT NULL,"
    " feedback_5 INTEGER NOT NULL, wait_answered_0_1 INTEGER NOT NULL,"
    " wait_answered_1_5 INTEGER NOT NULL, wait_answered_5_15 INTEGER NOT NULL,"
    " wait_answered_15_30 INTEGER NOT NULL, wait_answered_30_60 INTEGER NOT NULL,"
    " wait_answered_60p INTEGER NOT NULL, wait_abandoned_0_1 INTEGER NOT NULL,"
    " wait_abandoned_1_5 INTEGER NOT NULL, wait_abandoned_5_15 INTEGER NOT NULL,"
    " wait_abandoned_15_30 INTEGER NOT NULL, wait_abandoned_30_60 INTEGER NOT NULL,"
    " wait_abandoned_60p INTEGER NOT NULL, chat_0_1 INTEGER NOT NULL, chat_1_5 INTEGER NOT NULL,"
    " chat_5_15 INTEGER NOT NULL, chat_15_30 INTEGER NOT NULL, chat_30_60 INTEGER NOT NULL,"
    " chat_60p INTEGER NOT NULL, urgent INTEGER NOT NULL, alerts INTEGER NOT NULL,"
    " first_reply_s INTEGER NOT NULL, first_replies INTEGER NOT NULL, wrapups INTEGER NOT NULL,"
    " wrapup_s INTEGER NOT NULL, kind_counselling INTEGER NOT NULL,"
    " kind_information INTEGER NOT NULL, kind_silent INTEGER NOT NULL, kind_test INTEGER NOT NULL,"
    " kind_prank INTEGER NOT NULL, kind_abusive INTEGER NOT NULL, slot_s INTEGER NOT NULL,"
    " helped_yes INTEGER NOT NULL, helped_somewhat INTEGER NOT NULL, helped_no INTEGER NOT NULL,"
    " again_yes INTEGER NOT NULL, again_no INTEGER NOT NULL);"
    "CREATE INDEX import_stage_bucket ON import_stage(topic, hour);"
    "CREATE TABLE import_stage_extra(line INTEGER NOT NULL, name TEXT NOT NULL,"
    " n INTEGER NOT NULL, PRIMARY KEY(line, name)) WITHOUT ROWID;",
    /* 8: contract v3 §1: joins refused at the join cut-off (also in refused_full). */
    ("ALTER TABLE stats ADD COLUMN refused_cutoff INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE import_stage ADD COLUMN refused_cutoff INTEGER NOT NULL DEFAULT 0;"),
    /* 9: contract v3 §5: exceptions to a topic's week (hours.h), one per
     * topic and date, and the audit of every change to them; the audit's
     * last id is the version chatd polls. AUTOINCREMENT: an id is never
     * given again, so deleting an old id cannot hit a newer exception. */
    ("CREATE TABLE hours_exception(id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL,"
     " day TEXT NOT NULL, closed INTEGER NOT NULL, open_from INTEGER NOT NULL,"
     " open_to INTEGER NOT NULL, note TEXT NOT NULL, UNIQUE(topic, day));"
     "CREATE TABLE hours_audit(id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,"
     " by TEXT NOT NULL, what TEXT NOT NULL);"),
    /* 10: contract v3 §2: chat labels, short numbers per topic and day. One
     * row per topic holds the day and the last number given (an aggregate:
     * nothing per chat), so numbers go on after a restart; a chat in
     * progress keeps its label in its session row. */
    ("CREATE TABLE chat_labels(topic TEXT PRIMARY KEY, day TEXT NOT NULL,"
     " last INTEGER NOT NULL);"
     "ALTER TABLE sessions ADD COLUMN label INTEGER NOT NULL DEFAULT 0;"),
    /* 11: contract v3
     * §7, the rota's shifts, one row per worker position; a deleted user's
     * shifts are open again; planned_s, their seconds in each hour. */
    ("CREATE TABLE rota_shifts(id INTEGER PRIMARY KEY, topic TEXT NOT NULL,"
     " week INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
     " taken_by TEXT REFERENCES users(name) ON DELETE SET NULL);"
     "CREATE INDEX rota_shifts_week ON rota_shifts(week);"
     "CREATE INDEX rota_shifts_start ON rota_shifts(start);"
     "CREATE INDEX rota_shifts_taken_by ON rota_shifts(taken_by);"
     "ALTER TABLE stats ADD COLUMN planned_s INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE import_stage ADD COLUMN planned_s INTEGER NOT NULL DEFAULT 0;"),
    MIGRATION_LETTERS, /* letters: after every migration before it, whatever its number */
    /* 13: contract v3 §4, the orgs a user belongs to: "east,west", "*" (a
     * federation admin) or "" (users made before orgs: the default org) */
    "ALTER TABLE users ADD COLUMN orgs TEXT NOT NULL DEFAULT '';",
    /* 14: contract v3 §4, visitors answered by another org's worker, on
     * both sides of the overflow (overflow_out, overflow_in) */
    ("ALTER TABLE stats ADD COLUMN overflow_out INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE stats ADD COLUMN overflow_in INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE import_stage ADD COLUMN overflow_out INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE import_stage ADD COLUMN overflow_in INTEGER NOT NULL DEFAULT 0;"),
};

#define NMIGRATIONS ((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : CHAT_ERR_IO;
}

/* Whether a failure with SQLite's code was another connection's lock,
 * and there is time left to try again (until deadline, clock_mono()):
 * then after a short sleep. SQLite answers SQLITE_BUSY without calling the
 * busy handler where waiting could deadlock (two connections upgrading a
 * read lock at once, as processes opening a fresh file do), so opening and
 * migrating try again themselves. */
static bool busy_again(int code, double deadline)
{
    code &= 0xff;
    if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || clock_mono() >= deadline)
        return false;
    sqlite3_sleep(10);
    return true;
}

/* The schema version db is at, read inside the caller's transaction. */
static int schema_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return CHAT_ERR_IO;
    int rc = sqlite3_step(s);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : CHAT_ERR_IO;
}

/* One step of migrate_to in a transaction of its own: the next
 * migration, or (*done) nothing once db is at target. On failure the
 * transaction is left for the caller, which reads SQLite's words first. */
static int step(sqlite3 *db, int target, bool *done)
{
    int version;
    if (exec(db, "BEGIN IMMEDIATE") != 0 || schema_version(db, &version) != 0)
        return CHAT_ERR_IO;
    if (version > NMIGRATIONS)
        return CHAT_ERR_BAD_STATE; /* made by a newer chatd */
    *done = version >= target;
    if (!*done) {
        char bump[64];
        snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", version + 1);
        if (exec(db, store_migrations[version]) != 0 || exec(db, bump) != 0)
            return CHAT_ERR_IO;
    }
    return exec(db, "COMMIT");
}

int migrate_to(sqlite3 *db, int target, char *why, size_t why_len)
{
    /* One migration a transaction; the version is read inside it, so two
     * processes opening a fresh data dir at once (two chatadmin user add)
     * never both apply the same step: the second waits, then sees it done.
     * A schema already at target needs no write lock: versions only grow. */
    int now;
    if (schema_version(db, &now) == 0 && now >= target && now <= NMIGRATIONS)
        return 0;
    double deadline = clock_mono() + MIGRATE_WAIT_MS / 1000.0;
    for (;;) {
        bool done = false;
        int rc = step(db, target, &done);
        if (rc == 0 && done)
            return 0;
        if (rc == 0)
            continue;
        /* SQLite's words before the rollback turns them into "not an
         * error"; a step that met another connection's lock is tried again
         * and reads the version again, so it is never applied twice */
        int code = sqlite3_errcode(db);
        if (why && why_len && rc == CHAT_ERR_IO)
            snprintf(why, why_len, "%s", sqlite3_errmsg(db));
        exec(db, "ROLLBACK");
        if (rc != CHAT_ERR_IO || !busy_again(code, deadline))
            return rc;
    }
}

int migrate_latest(void)
{
    return NMIGRATIONS;
}

/* Opens data_dir/chatd.db with the pragmas every connection needs. */
int migrate_open(const char *data_dir, sqlite3 **db)
{
    char path[4096];
    *db = NULL;
    if (mkdir(data_dir, 0700) != 0 && errno != EEXIST)
        return CHAT_ERR_IO;
    snprintf(path, sizeof(path), "%s/chatd.db", data_dir);
    /* a store belongs to one thread (chatd's event loop): no mutex per call */
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return CHAT_ERR_IO;
    /* another process (chatadmin, chatd) may be opening or writing the same
     * file: wait for it as chatadmin does; the store sets its own wait after */
    sqlite3_busy_timeout(*db, MIGRATE_WAIT_MS);
    /* auto_vacuum before the first table exists: lets purges give space
     * back in steps */
    static const char *const pragmas[] = {"PRAGMA auto_vacuum = INCREMENTAL",
                                          "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                                          "PRAGMA foreign_keys = ON", "PRAGMA secure_delete = ON"};
    double deadline = clock_mono() + MIGRATE_WAIT_MS / 1000.0;
    for (size_t i = 0; i < sizeof(pragmas) / sizeof(pragmas[0]); i++)
        while (exec(*db, pragmas[i]) != 0)
            if (!busy_again(sqlite3_errcode(*db), deadline))
                return CHAT_ERR_IO;
    return 0;
}

int migrate_create_at(const char *data_dir, int version)
{
    sqlite3 *db;
    int rc = migrate_open(data_dir, &db);
    if (rc == 0)
        rc = version < 0 || version > NMIGRATIONS ? CHAT_ERR_BAD_REQUEST
                                                  : migrate_to(db, version, NULL, 0);
    sqlite3_close(db);
    return rc;
}
