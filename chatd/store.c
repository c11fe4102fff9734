/*
 * store: schema, migrations, prepared statements and the write journal over
 * one SQLite handle.
 *
 * Invariants: stmt[i] is prepared from store_sql[i] (or, for the stats
 * statements, from the counter names of stats.h) once, in store_open(), and
 * is reset after every use, so no statement holds a read lock between calls
 * (chatadmin and chatd share the file). The journal holds the writes since
 * the last commit in the order they were made; each op owns a copy of its
 * arguments in the same allocation.
 */
#include "store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chat_err.h"
#include "migrate.h"
#include "stats.h"

#define BUSY_WAIT_MS 5000 /* chatadmin's patience with chatd's short commits */

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
    S_TR_PURGE,
    S_SESS_PUT,
    S_SESS_DEL,
    S_SESS_LIST,
    S_CHAT_SEQ,
    S_CHAT_WSEQ,
    S_CHAT_MAXSEG,
    S_BLOCK_PUT,
    S_BLOCK_GET,
    S_BLOCK_PURGE,
    S_RECLAIM,
    S_FREELIST,
    S_STATS_EXTRA_ADD,
    S_STATS_EXTRA_GET,
    S_SYNC_FULL,
    S_SYNC_NORMAL,
    S_IMPORT_GET,
    S_IMPORT_BEGIN,
    S_IMPORT_STAGED,
    S_IMPORT_END,
    S_IMPORT_STAGE_EXTRA,
    S_IMPORT_NEXT,
    S_IMPORT_DROP_EXTRA,
    S_IMPORT_DROP,
    S_IMPORT_DUPS,
    S_LABEL_PUT,
    S_LABEL_GET,
    S_ROTA_ADD, /* the rota's shifts (contract v3 §7) */
    S_ROTA_SET,
    S_ROTA_DEL_OPEN,
    S_ROTA_DEL_OPEN_TOPIC, /* contract v3 §4: a coordinator's orgs' only */
    S_ROTA_GET,
    S_ROTA_WEEK,
    S_ROTA_SPAN,
    S_ROTA_PLANNED,
    S_ROTA_NEXT,
    S_LT_ADD, /* letters (contract v3 §3) */
    S_LT_PUT,
    S_LT_DEL,
    S_LT_PURGE,
    S_LT_LIST,
    S_LT_GET,
    S_LI_ADD,
    S_LI_LIST,
    S_STATS_ADD,  /* built from stats.h's counter names */
    S_STATS_LIST, /* likewise, and the ones below */
    S_IMPORT_STAGE,
    S_IMPORT_MERGE,
    S_IMPORT_MERGE_EXTRA,
    S_IMPORT_OVER,
    S_IMPORT_OVER_EXTRA,
    S_COUNT
};

#define S_FIRST_BUILT S_STATS_ADD

static const char *const store_sql[S_COUNT] = {
    [S_USER_ADD] = "INSERT INTO users(name, role, alias, pwhash, orgs) VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_USER_DEL] = "DELETE FROM users WHERE name = ?1",
    [S_USER_PASSWD] = "UPDATE users SET pwhash = ?2 WHERE name = ?1",
    [S_USER_GET] = "SELECT name, role, alias, pwhash, orgs FROM users WHERE name = ?1",
    [S_USER_LIST] = "SELECT name, role, alias, pwhash, orgs FROM users ORDER BY name",
    [S_TOKEN_ADD] = "INSERT INTO tokens(hash, user, expires) VALUES (?1, ?2, ?3)",
    [S_TOKEN_USER] = "SELECT user FROM tokens WHERE hash = ?1 AND expires > ?2",
    [S_TOKEN_DEL] = "DELETE FROM tokens WHERE hash = ?1",
    [S_TOKEN_PURGE] = "DELETE FROM tokens WHERE expires <= ?1",
    [S_TOKEN_DEL_USER] = "DELETE FROM tokens WHERE user = ?1",
    [S_TR_ADD] = "INSERT INTO transcripts(chat, topic, day) VALUES (?1, ?2, ?3)",
    [S_SEG_ADD] = "INSERT INTO transcript_keys(chat, segment, sealed) VALUES (?1, ?2, ?3)",
    /* ad 2: a message, its seq bound; ad 3: a whisper, its own numbers */
    [S_MSG_ADD] = "INSERT INTO transcript_msgs(chat, segment, seq, ad, nonce, ct)"
                  " VALUES (?1, ?2, abs(?3), CASE WHEN ?3 < 0 THEN 3 ELSE 2 END, ?4, ?5)",
    [S_TR_LIST] = "SELECT t.chat, t.topic, t.day, (SELECT count(*) FROM transcript_msgs m "
                  "WHERE m.chat = t.chat) FROM transcripts t ORDER BY t.day, t.rowid",
    [S_TR_SEGS] = "SELECT segment, sealed FROM transcript_keys WHERE chat = ?1 ORDER BY segment",
    [S_TR_MSGS] = "SELECT segment, seq, ad, nonce, ct FROM transcript_msgs WHERE chat = ?1"
                  " ORDER BY id",
    /* the keys and messages go with their transcript (foreign keys, cascade) */
    [S_TR_PURGE] = "DELETE FROM transcripts WHERE chat IN (SELECT chat FROM transcripts"
                   " WHERE day < ?1 ORDER BY day LIMIT ?2)",
    [S_SESS_PUT] =
        "INSERT OR REPLACE INTO sessions(key, state, topic, join_order, since, transferred,"
        " chat, worker, started, waited, label)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [S_SESS_DEL] = "DELETE FROM sessions WHERE key = ?1",
    [S_SESS_LIST] =
        "SELECT key, state, topic, join_order, since, transferred, chat, worker, started,"
        " waited, label FROM sessions ORDER BY transferred DESC, join_order",
    [S_CHAT_SEQ] = "SELECT coalesce(max(seq), 0) FROM transcript_msgs WHERE chat = ?1 AND ad < 3",
    [S_CHAT_WSEQ] = "SELECT coalesce(max(seq), 0) FROM transcript_msgs WHERE chat = ?1 AND ad = 3",
    [S_CHAT_MAXSEG] = "SELECT coalesce(max(segment), -1) FROM transcript_keys WHERE chat = ?1",
    [S_BLOCK_PUT] = "INSERT OR REPLACE INTO blocks(key, until) VALUES (?1, ?2)",
    [S_BLOCK_GET] = "SELECT until FROM blocks WHERE key = ?1 AND until > ?2",
    [S_BLOCK_PURGE] = "DELETE FROM blocks WHERE until <= ?1",
    [S_RECLAIM] = "PRAGMA incremental_vacuum(2000)", /* STORE_RECLAIM_PAGES */
    [S_FREELIST] = "PRAGMA freelist_count",
    [S_STATS_EXTRA_ADD] = "INSERT INTO stats_extra(topic, hour, name, n) VALUES (?1, ?2, ?3, ?4)"
                          " ON CONFLICT(topic, hour, name) DO UPDATE SET n = n + excluded.n",
    [S_STATS_EXTRA_GET] = "SELECT name, n FROM stats_extra WHERE topic = ?1 AND hour = ?2"
                          " ORDER BY name",
    [S_SYNC_FULL] = "PRAGMA synchronous = FULL",
    [S_SYNC_NORMAL] = "PRAGMA synchronous = NORMAL",
    [S_IMPORT_GET] = "SELECT (SELECT state FROM import_run), (SELECT file FROM import_run),"
                     " (SELECT rows FROM import_run), EXISTS (SELECT 1 FROM import_stage)",
    [S_IMPORT_BEGIN] = "INSERT INTO import_run(id, state, file, rows) VALUES (1, 0, ?1, 0)",
    [S_IMPORT_STAGED] = "UPDATE import_run SET state = 1, rows = ?1 WHERE state = 0",
    [S_IMPORT_END] = "DELETE FROM import_run",
    [S_IMPORT_STAGE_EXTRA] = "INSERT INTO import_stage_extra(line, name, n) VALUES (?1, ?2, ?3)",
    /* the last line and the count of the next step's lines */
    [S_IMPORT_NEXT] = "SELECT max(line), count(*) FROM"
                      " (SELECT line FROM import_stage ORDER BY line LIMIT ?1)",
    [S_IMPORT_DROP_EXTRA] = "DELETE FROM import_stage_extra WHERE line <= ?1",
    [S_IMPORT_DROP] = "DELETE FROM import_stage WHERE line <= ?1",
    [S_LABEL_PUT] = "INSERT INTO chat_labels(topic, day, last) VALUES (?1, ?2, ?3)"
                    " ON CONFLICT(topic) DO UPDATE SET day = excluded.day, last = excluded.last",
    [S_LABEL_GET] = "SELECT last FROM chat_labels WHERE topic = ?1 AND day = ?2",
    [S_IMPORT_DUPS] = "SELECT min(line), max(line), count(*) FROM import_stage"
                      " GROUP BY topic, hour HAVING count(*) > 1 ORDER BY 2 LIMIT ?1",
    [S_ROTA_ADD] = "INSERT INTO rota_shifts(topic, week, start, end) VALUES (?1, ?2, ?3, ?4)",
    [S_ROTA_SET] = "UPDATE rota_shifts SET taken_by = ?2 WHERE id = ?1",
    [S_ROTA_DEL_OPEN] = "DELETE FROM rota_shifts WHERE week = ?1 AND taken_by IS NULL",
    [S_ROTA_DEL_OPEN_TOPIC] =
        "DELETE FROM rota_shifts WHERE week = ?1 AND topic = ?2 AND taken_by IS NULL",
#define ROTA_COLS                                                                                  \
    "SELECT s.id, s.topic, s.week, s.start, s.end, s.taken_by, u.alias"                            \
    " FROM rota_shifts s LEFT JOIN users u ON u.name = s.taken_by"
    [S_ROTA_GET] = ROTA_COLS " WHERE s.id = ?1",
    [S_ROTA_WEEK] = ROTA_COLS " WHERE s.week = ?1 ORDER BY s.start, s.topic, s.id",
    [S_ROTA_SPAN] = ROTA_COLS " WHERE s.end > ?1 AND s.start < ?2 ORDER BY s.start, s.topic, s.id",
    /* the seconds of [?1, ?2) inside taken shifts, per topic */
    [S_ROTA_PLANNED] = "SELECT topic, sum(min(end, ?2) - max(start, ?1)) FROM rota_shifts"
                       " WHERE taken_by IS NOT NULL AND end > ?1 AND start < ?2 GROUP BY topic",
    [S_ROTA_NEXT] = "SELECT min(start) FROM rota_shifts WHERE taken_by IS NOT NULL AND start > ?1",
    [S_LT_ADD] = "INSERT INTO letter_threads(id, topic, pickup, lang, received, last_letter,"
                 " last_answer, waiting_since, due, state, reply_pub, reply_key)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [S_LT_PUT] = "UPDATE letter_threads SET last_letter = ?2, last_answer = ?3,"
                 " waiting_since = ?4, due = ?5, state = ?6 WHERE id = ?1",
    [S_LT_DEL] = "DELETE FROM letter_threads WHERE id = ?1",
    /* the last letter or answer, whichever came later, at or before ?1 */
    [S_LT_PURGE] = "DELETE FROM letter_threads"
                   " WHERE max(last_letter, coalesce(last_answer, last_letter)) <= ?1",
    [S_LT_LIST] = "SELECT id, topic, pickup, lang, received, last_letter, last_answer,"
                  " waiting_since, due, state, reply_pub, reply_key,"
                  " (SELECT count(*) FROM letter_items i WHERE i.thread = t.id)"
                  " FROM letter_threads t ORDER BY due, id",
    [S_LT_GET] = "SELECT id, topic, pickup, lang, received, last_letter, last_answer,"
                 " waiting_since, due, state, reply_pub, reply_key,"
                 " (SELECT count(*) FROM letter_items i WHERE i.thread = t.id)"
                 " FROM letter_threads t WHERE id = ?1",
    [S_LI_ADD] = "INSERT INTO letter_items(thread, from_worker, at, org_box, writer_box)"
                 " VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_LI_LIST] = "SELECT from_worker, at, org_box, writer_box FROM letter_items"
                  " WHERE thread = ?1 ORDER BY id",
};

/* One argument of a journaled write. */
struct op_arg {
    sqlite3_int64 i;
    const void *p; /* into the op's own allocation */
    int len;
    enum { A_NULL, A_INT, A_TEXT, A_BLOB } kind;
};

#define OP_MAX_ARGS (3 + STAT_COUNT) /* a staged bucket: line, topic, hour, counters */

/* A journaled write: a statement and its arguments. */
struct op {
    enum store_stmt stmt;
    int nargs;
    bool need_change; /* CHAT_ERR_NOT_FOUND when it changes no row */
    struct op_arg args[];
};

struct store {
    sqlite3 *db;
    sqlite3_stmt *stmt[S_COUNT];
    struct op **ops;
    size_t nops, capops;
    long prepares;
    int flags;
    char err[256]; /* store_errmsg */
};

/* store_open_error: one per thread, as each thread opens its own store. */
static _Thread_local char open_err[256];

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : CHAT_ERR_IO;
}

/* chat_err of an SQLite result code. */
static int sql_err(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return 0;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return CHAT_ERR_BUSY;
    case SQLITE_FULL:
        return CHAT_ERR_FULL;
    case SQLITE_CONSTRAINT:
        return CHAT_ERR_EXISTS;
    case SQLITE_NOMEM:
        return CHAT_ERR_NOMEM;
    default:
        return CHAT_ERR_IO;
    }
}

/* Keeps what SQLite (and the system under it) said of db's last failure as
 * st's message. */
static void note_db_error(struct store *st, sqlite3 *db)
{
    int sys = sqlite3_system_errno(db);
    if (sys)
        snprintf(st->err, sizeof(st->err), "%s: %s", sqlite3_errmsg(db), strerror(sys));
    else
        snprintf(st->err, sizeof(st->err), "%s", sqlite3_errmsg(db));
}

/* Keeps SQLite's word for a failure of st (store_errmsg); rc as chat_err. */
static int sql_fail(struct store *st, int rc)
{
    note_db_error(st, st->db);
    return sql_err(rc);
}

static int done(struct store *st, sqlite3_stmt *s, int rc);

int store_schema_version(void)
{
    return migrate_latest();
}

int store_create_at_version(const char *data_dir, int version)
{
    return migrate_create_at(data_dir, version);
}

/* The statements over every counter, built from the counter names: the
 * stats upsert and list, and the import's stage, merge and checks. Only
 * names and STORE_COUNT_MAX go in, never data. */
static char *stats_sql(enum store_stmt which)
{
    size_t cap = 32768, n = 0;
    char *sql = malloc(cap);
    if (!sql)
        return NULL;
#define ADD(...) (n += (size_t)snprintf(sql + n, n < cap ? cap - n : 0, __VA_ARGS__))
#define EACH(...)                                                                                  \
    for (int i = 0; i < STAT_COUNT; i++)                                                           \
    ADD(__VA_ARGS__)
    switch (which) {
    case S_STATS_LIST:
        ADD("SELECT topic, hour");
        EACH(", %s", stats_name(i));
        ADD(" FROM stats WHERE hour >= ?1 AND hour < ?2 AND (?3 IS NULL OR topic = ?3)"
            " ORDER BY topic, hour");
        break;
    case S_STATS_ADD:
        ADD("INSERT INTO stats(topic, hour");
        EACH(", %s", stats_name(i));
        ADD(") VALUES (?1, ?2");
        EACH(", ?%d", i + 3);
        ADD(") ON CONFLICT(topic, hour) DO UPDATE SET ");
        EACH("%s%s = %s + excluded.%s", i ? ", " : "", stats_name(i), stats_name(i), stats_name(i));
        break;
    case S_IMPORT_STAGE:
        ADD("INSERT INTO import_stage(line, topic, hour");
        EACH(", %s", stats_name(i));
        ADD(") VALUES (?1, ?2, ?3");
        EACH(", ?%d", i + 4);
        ADD(")");
        break;
    case S_IMPORT_MERGE: /* the WHERE tells SQLite's parser the ON is the upsert's */
        ADD("INSERT INTO stats(topic, hour");
        EACH(", %s", stats_name(i));
        ADD(") SELECT topic, hour");
        EACH(", %s", stats_name(i));
        ADD(" FROM import_stage WHERE line <= ?1 ON CONFLICT(topic, hour) DO UPDATE SET ");
        EACH("%s%s = min(%s + excluded.%s, %ld)", i ? ", " : "", stats_name(i), stats_name(i),
             stats_name(i), STORE_COUNT_MAX);
        break;
    case S_IMPORT_MERGE_EXTRA:
        ADD("INSERT INTO stats_extra(topic, hour, name, n) SELECT s.topic, s.hour, e.name, e.n"
            " FROM import_stage_extra e JOIN import_stage s ON s.line = e.line"
            " WHERE e.line <= ?1 ON CONFLICT(topic, hour, name)"
            " DO UPDATE SET n = min(n + excluded.n, %ld)",
            STORE_COUNT_MAX);
        break;
    case S_IMPORT_OVER: /* the line, then each counter staged and stored */
        ADD("SELECT s.line");
        EACH(", s.%s, t.%s", stats_name(i), stats_name(i));
        ADD(" FROM import_stage s JOIN stats t ON t.topic = s.topic AND t.hour = s.hour WHERE ");
        EACH("%ss.%s + t.%s > %ld", i ? " OR " : "", stats_name(i), stats_name(i), STORE_COUNT_MAX);
        ADD(" ORDER BY s.line LIMIT ?1");
        break;
    case S_IMPORT_OVER_EXTRA:
        ADD("SELECT e.line, e.name, x.n, e.n FROM import_stage_extra e"
            " JOIN import_stage s ON s.line = e.line JOIN stats_extra x"
            " ON x.topic = s.topic AND x.hour = s.hour AND x.name = e.name"
            " WHERE x.n + e.n > %ld ORDER BY e.line LIMIT ?1",
            STORE_COUNT_MAX);
        break;
    default:
        free(sql);
        return NULL;
    }
#undef EACH
#undef ADD
    if (n >= cap) {
        free(sql);
        return NULL;
    }
    return sql;
}

static int prepare_all(struct store *st)
{
    for (int i = 0; i < S_COUNT; i++) {
        char *built = i >= S_FIRST_BUILT ? stats_sql((enum store_stmt)i) : NULL;
        const char *sql = i >= S_FIRST_BUILT ? built : store_sql[i];
        int rc =
            sql ? sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL)
                : SQLITE_NOMEM;
        st->prepares++;
        free(built);
        if (rc != SQLITE_OK)
            return CHAT_ERR_IO;
    }
    return 0;
}

int store_open(const char *data_dir, int flags, struct store **out)
{
    struct store *st = calloc(1, sizeof(*st));
    *out = NULL;
    if (!st)
        return CHAT_ERR_NOMEM;
    st->flags = flags;
    open_err[0] = '\0';
    errno = 0;
    int rc = migrate_open(data_dir, &st->db);
    if (rc != 0 && !st->db) /* data_dir could not be made */
        snprintf(open_err, sizeof(open_err), "%s", strerror(errno ? errno : EIO));
    char why[200] = "";
    if (rc == 0) /* waits for a lock like chatadmin; then chatd never waits */
        rc = migrate_to(st->db, migrate_latest(), why, sizeof(why));
    if (rc == 0)
        rc = prepare_all(st);
    if (rc != 0) {
        int sys = st->db ? sqlite3_system_errno(st->db) : 0;
        if (rc == CHAT_ERR_BAD_STATE)
            snprintf(open_err, sizeof(open_err), "%s",
                     "the database was made by a newer chatd (its schema version is higher)");
        else if (st->db && sys)
            snprintf(open_err, sizeof(open_err), "%s: %s", why[0] ? why : sqlite3_errmsg(st->db),
                     strerror(sys));
        else if (st->db)
            snprintf(open_err, sizeof(open_err), "%s", why[0] ? why : sqlite3_errmsg(st->db));
        store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, flags & STORE_NO_WAIT ? 0 : BUSY_WAIT_MS);
    *out = st;
    return 0;
}

int store_open_reader(const char *data_dir, struct store **out)
{
    char path[4096];
    struct store *st = calloc(1, sizeof(*st));
    *out = NULL;
    if (!st)
        return CHAT_ERR_NOMEM;
    snprintf(path, sizeof(path), "%s/chatd.db", data_dir);
    /* read-only: every write fails at its commit; statements that write are
     * prepared all the same (SQLite refuses them only when they run) */
    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) ==
                     SQLITE_OK
                 ? prepare_all(st)
                 : CHAT_ERR_IO;
    if (rc != 0) {
        store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, BUSY_WAIT_MS);
    *out = st;
    return 0;
}

const char *store_open_error(void)
{
    return open_err;
}

const char *store_errmsg(const struct store *st)
{
    return st->err;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    store_discard(st);
    free(st->ops);
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    sqlite3_close(st->db);
    free(st);
}

void store_set_no_wait(struct store *st, int no_wait)
{
    st->flags = no_wait ? st->flags | STORE_NO_WAIT : st->flags & ~STORE_NO_WAIT;
    sqlite3_busy_timeout(st->db, no_wait ? 0 : BUSY_WAIT_MS);
}

void store_set_synced(struct store *st, int synced)
{
    sqlite3_stmt *s = st->stmt[synced ? S_SYNC_FULL : S_SYNC_NORMAL];
    (void)sqlite3_step(s);
    sqlite3_reset(s);
}

long store_prepares(const struct store *st)
{
    return st->prepares;
}

size_t store_pending(const struct store *st)
{
    return st->nops;
}

/* ---- the journal ------------------------------------------------------------- */

/* Arguments of a journaled write, as the caller has them (copied by journal). */
#define ARG_INT(x) ((struct op_arg){.kind = A_INT, .i = (sqlite3_int64)(x)})
#define ARG_TEXT(x) ((struct op_arg){.kind = A_TEXT, .p = (x), .len = (int)strlen(x)})
#define ARG_OPT_TEXT(x) /* NULL becomes null */                                                    \
    ((struct op_arg){.kind = (x) ? A_TEXT : A_NULL, .p = (x), .len = (x) ? (int)strlen(x) : 0})
#define ARG_BLOB(x, n) ((struct op_arg){.kind = A_BLOB, .p = (x), .len = (int)(n)})
#define JOURNAL(st, stmt, ...)                                                                     \
    journal((st), (stmt), (const struct op_arg[]){__VA_ARGS__},                                    \
            (int)(sizeof((const struct op_arg[]){__VA_ARGS__}) / sizeof(struct op_arg)))

/* Journals a write of stmt with args[0..nargs), texts and blobs copied into
 * the op's own allocation. */
static int journal(struct store *st, enum store_stmt stmt, const struct op_arg *args, int nargs)
{
    size_t bytes = 0;
    if (nargs > OP_MAX_ARGS)
        return CHAT_ERR_INTERNAL;
    for (int i = 0; i < nargs; i++)
        bytes += args[i].kind == A_TEXT   ? (size_t)args[i].len + 1
                 : args[i].kind == A_BLOB ? (size_t)args[i].len
                                          : 0;
    if (st->nops == st->capops) {
        size_t cap = st->capops ? st->capops * 2 : 64;
        /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
        struct op **n = realloc(st->ops, cap * sizeof(*n));
        if (!n)
            return CHAT_ERR_NOMEM;
        st->ops = n;
        st->capops = cap;
    }
    size_t head = sizeof(struct op) + (size_t)nargs * sizeof(struct op_arg);
    struct op *op = calloc(1, head + bytes);
    if (!op)
        return CHAT_ERR_NOMEM;
    char *data = (char *)op + head;
    op->stmt = stmt;
    op->nargs = nargs;
    for (int i = 0; i < nargs; i++) {
        struct op_arg *a = &op->args[i];
        *a = args[i];
        if (a->kind == A_TEXT || a->kind == A_BLOB) {
            size_t len = (size_t)a->len + (a->kind == A_TEXT);
            if (len)
                memcpy(data, args[i].p, len);
            a->p = data;
            data += len;
        }
    }
    st->ops[st->nops++] = op;
    return 0;
}

/* The op journaled last (to set its flags). */
static struct op *last_op(struct store *st)
{
    return st->ops[st->nops - 1];
}

static int run_op(struct store *st, const struct op *op, struct store_counts *counts)
{
    sqlite3_stmt *s = st->stmt[op->stmt];
    for (int i = 0; i < op->nargs; i++) {
        const struct op_arg *a = &op->args[i];
        if (a->kind == A_INT)
            sqlite3_bind_int64(s, i + 1, a->i);
        else if (a->kind == A_TEXT)
            sqlite3_bind_text(s, i + 1, a->p, a->len, SQLITE_STATIC);
        else if (a->kind == A_BLOB)
            sqlite3_bind_blob(s, i + 1, a->p, a->len, SQLITE_STATIC);
        else
            sqlite3_bind_null(s, i + 1);
    }
    int rc = sqlite3_step(s);
    while (rc == SQLITE_ROW) /* PRAGMA incremental_vacuum answers with rows */
        rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return sql_err(rc);
    long changed = (long)sqlite3_changes(st->db);
    if (op->stmt == S_TR_PURGE)
        counts->transcripts_purged += changed;
    if (op->stmt == S_LT_PURGE)
        counts->letters_purged += changed;
    return op->need_change && changed == 0 ? CHAT_ERR_NOT_FOUND : 0;
}

void store_discard(struct store *st)
{
    for (size_t i = 0; i < st->nops; i++)
        free(st->ops[i]);
    st->nops = 0;
}

int store_commit(struct store *st, struct store_counts *counts)
{
    struct store_counts n = {0};
    if (counts)
        *counts = n;
    if (st->nops == 0)
        return 0;
    int rc = sql_err(sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL));
    for (size_t i = 0; rc == 0 && i < st->nops; i++)
        rc = run_op(st, st->ops[i], &n);
    if (rc == 0)
        rc = sql_err(sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL));
    if (rc != 0) {
        if (rc != CHAT_ERR_NOT_FOUND) /* not found: a write that changed nothing */
            (void)sql_fail(st, SQLITE_ERROR);
        else
            snprintf(st->err, sizeof(st->err), "%s", chat_err_message(rc));
        if (!sqlite3_get_autocommit(st->db))
            exec(st->db, "ROLLBACK");
        return rc;
    }
    store_discard(st);
    if (counts)
        *counts = n;
    return 0;
}

/* ---- writes ------------------------------------------------------------------ */

int store_user_add(struct store *st, const struct store_user *u)
{
    return JOURNAL(st, S_USER_ADD, ARG_TEXT(u->name), ARG_TEXT(proto_staff_role_name(u->role)),
                   ARG_TEXT(u->alias), ARG_TEXT(u->pwhash), ARG_TEXT(u->orgs));
}

int store_user_del(struct store *st, const char *name)
{
    int rc = JOURNAL(st, S_USER_DEL, ARG_TEXT(name));
    if (rc == 0)
        last_op(st)->need_change = true;
    return rc;
}

int store_user_passwd(struct store *st, const char *name, const char *pwhash)
{
    int rc = JOURNAL(st, S_USER_PASSWD, ARG_TEXT(name), ARG_TEXT(pwhash));
    if (rc == 0) {
        last_op(st)->need_change = true;
        rc = store_token_del_user(st, name);
    }
    return rc;
}

int store_token_add(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES], const char *user,
                    time_t expires)
{
    return JOURNAL(st, S_TOKEN_ADD, ARG_BLOB(hash, STORE_TOKEN_HASH_BYTES), ARG_TEXT(user),
                   ARG_INT(expires));
}

int store_token_del(struct store *st, const uint8_t hash[STORE_TOKEN_HASH_BYTES])
{
    return JOURNAL(st, S_TOKEN_DEL, ARG_BLOB(hash, STORE_TOKEN_HASH_BYTES));
}

int store_token_del_user(struct store *st, const char *user)
{
    return JOURNAL(st, S_TOKEN_DEL_USER, ARG_TEXT(user));
}

int store_token_purge(struct store *st, time_t now)
{
    return JOURNAL(st, S_TOKEN_PURGE, ARG_INT(now));
}

int store_transcript_add(struct store *st, const char *chat, const char *topic, const char *day)
{
    return JOURNAL(st, S_TR_ADD, ARG_TEXT(chat), ARG_TEXT(topic), ARG_TEXT(day));
}

int store_segment_add(struct store *st, const char *chat, int segment, const uint8_t *sealed,
                      size_t len)
{
    return JOURNAL(st, S_SEG_ADD, ARG_TEXT(chat), ARG_INT(segment), ARG_BLOB(sealed, len));
}

int store_msg_add(struct store *st, const char *chat, int segment, int64_t seq,
                  const uint8_t *nonce, size_t noncelen, const uint8_t *ct, size_t ctlen)
{
    return JOURNAL(st, S_MSG_ADD, ARG_TEXT(chat), ARG_INT(segment), ARG_INT(seq),
                   ARG_BLOB(nonce, noncelen), ARG_BLOB(ct, ctlen));
}

int store_transcript_purge(struct store *st, const char *day)
{
    return JOURNAL(st, S_TR_PURGE, ARG_TEXT(day), ARG_INT(STORE_PURGE_BATCH));
}

int store_reclaim_some(struct store *st)
{
    return journal(st, S_RECLAIM, NULL, 0);
}

int store_session_put(struct store *st, const struct store_session *ss)
{
    return JOURNAL(st, S_SESS_PUT, ARG_BLOB(ss->key, STORE_TOKEN_HASH_BYTES), ARG_INT(ss->state),
                   ARG_TEXT(ss->topic), ARG_INT(ss->join_order), ARG_INT(ss->since),
                   ARG_INT(ss->transferred), ARG_OPT_TEXT(ss->chat), ARG_OPT_TEXT(ss->worker),
                   ARG_INT(ss->started), ARG_INT(ss->waited), ARG_INT(ss->label));
}

int store_label_put(struct store *st, const char *topic, const char *day, long last)
{
    return JOURNAL(st, S_LABEL_PUT, ARG_TEXT(topic), ARG_TEXT(day), ARG_INT(last));
}

int store_session_del(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES])
{
    return JOURNAL(st, S_SESS_DEL, ARG_BLOB(key, STORE_TOKEN_HASH_BYTES));
}

int store_block_put(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES], time_t until)
{
    return JOURNAL(st, S_BLOCK_PUT, ARG_BLOB(key, STORE_TOKEN_HASH_BYTES), ARG_INT(until));
}

int store_block_purge(struct store *st, time_t now)
{
    return JOURNAL(st, S_BLOCK_PURGE, ARG_INT(now));
}

int store_stats_add(struct store *st, const struct stats_row *row)
{
    struct op_arg args[2 + STAT_COUNT];
    args[0] = ARG_TEXT(row->topic);
    args[1] = ARG_INT(row->hour);
    for (int i = 0; i < STAT_COUNT; i++)
        args[2 + i] = ARG_INT(row->counts[i]);
    int rc = journal(st, S_STATS_ADD, args, 2 + STAT_COUNT);
    for (int i = 0; rc == 0 && i < row->nextra; i++)
        if (row->extra[i])
            rc = JOURNAL(st, S_STATS_EXTRA_ADD, ARG_TEXT(row->topic), ARG_INT(row->hour),
                         ARG_TEXT(row->extra_names[i]), ARG_INT(row->extra[i]));
    return rc;
}

int store_stats_put(const struct stats_row *row, void *arg)
{
    return store_stats_add(arg, row);
}

int store_import_begin(struct store *st, const char *file)
{
    return JOURNAL(st, S_IMPORT_BEGIN, ARG_TEXT(file));
}

int store_import_stage(struct store *st, long line, const struct stats_row *row)
{
    struct op_arg args[3 + STAT_COUNT];
    args[0] = ARG_INT(line);
    args[1] = ARG_TEXT(row->topic);
    args[2] = ARG_INT(row->hour);
    for (int i = 0; i < STAT_COUNT; i++)
        args[3 + i] = ARG_INT(row->counts[i]);
    int rc = journal(st, S_IMPORT_STAGE, args, 3 + STAT_COUNT);
    for (int i = 0; rc == 0 && i < row->nextra; i++)
        if (row->extra[i])
            rc = JOURNAL(st, S_IMPORT_STAGE_EXTRA, ARG_INT(line), ARG_TEXT(row->extra_names[i]),
                         ARG_INT(row->extra[i]));
    return rc;
}

int store_import_staged(struct store *st, long rows)
{
    int rc = JOURNAL(st, S_IMPORT_STAGED, ARG_INT(rows));
    if (rc == 0)
        last_op(st)->need_change = true;
    return rc;
}

int store_import_step(struct store *st, int merge, long lines, long *moved)
{
    *moved = 0;
    if (st->nops || lines < 1)
        return CHAT_ERR_BAD_STATE;
    sqlite3_stmt *s = st->stmt[S_IMPORT_NEXT];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)lines);
    int rc = sqlite3_step(s);
    long last = rc == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
    long count = rc == SQLITE_ROW ? (long)sqlite3_column_int64(s, 1) : 0;
    if ((rc = done(st, s, rc)) != 0)
        return rc;
    if (count == 0) {
        rc = journal(st, S_IMPORT_END, NULL, 0);
    } else {
        if (merge && (rc = JOURNAL(st, S_IMPORT_MERGE, ARG_INT(last))) == 0)
            rc = JOURNAL(st, S_IMPORT_MERGE_EXTRA, ARG_INT(last));
        if (rc == 0 && (rc = JOURNAL(st, S_IMPORT_DROP_EXTRA, ARG_INT(last))) == 0)
            rc = JOURNAL(st, S_IMPORT_DROP, ARG_INT(last));
    }
    if (rc == 0)
        rc = store_commit(st, NULL);
    if (rc != 0) {
        store_discard(st);
        return rc;
    }
    *moved = count;
    return 0;
}

/* ---- reads ------------------------------------------------------------------- */

static sqlite3_stmt *bind_text1(struct store *st, enum store_stmt which, const char *a)
{
    sqlite3_stmt *s = st->stmt[which];
    sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
    return s;
}

/* Resets s after reading and maps the last step's result (a failure's
 * message kept for store_errmsg). */
static int done(struct store *st, sqlite3_stmt *s, int rc)
{
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(st, rc);
}

static void copy_col(char *dst, size_t size, sqlite3_stmt *s, int col)
{
    const char *v = (const char *)sqlite3_column_text(s, col);
    snprintf(dst, size, "%s", v ? v : "");
}

static void row_user(sqlite3_stmt *s, struct store_user *u)
{
    int role = proto_staff_role_parse((const char *)sqlite3_column_text(s, 1));
    copy_col(u->name, sizeof(u->name), s, 0);
    u->role = role < 0 ? PROTO_ROLE_WORKER : (enum proto_staff_role)role;
    copy_col(u->alias, sizeof(u->alias), s, 2);
    copy_col(u->pwhash, sizeof(u->pwhash), s, 3);
    copy_col(u->orgs, sizeof(u->orgs), s, 4);
}

int store_user_get(struct store *st, const char *name, struct store_user *u)
{
    sqlite3_stmt *s = bind_text1(st, S_USER_GET, name);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        row_user(s, u);
    int err = done(st, s, rc);
    return err ? err : rc == SQLITE_ROW ? 0 : CHAT_ERR_NOT_FOUND;
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
    memset(&u, 0, sizeof(u));
    return done(st, s, rc);
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
    int err = done(st, s, rc);
    return err ? err : rc == SQLITE_ROW ? 0 : CHAT_ERR_NOT_FOUND;
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
    return done(st, s, rc);
}

int store_transcript_read(struct store *st, const char *chat,
                          int (*seg)(int segment, const uint8_t *sealed, size_t len, void *arg),
                          int (*msg)(int segment, long seq, const uint8_t *nonce, size_t noncelen,
                                     const uint8_t *ct, size_t ctlen, void *arg),
                          void *arg)
{
    int rc, cbrc = 0, found = 0;
    sqlite3_stmt *s = bind_text1(st, S_TR_SEGS, chat);
    while (cbrc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        found = 1;
        cbrc = seg(sqlite3_column_int(s, 0), sqlite3_column_blob(s, 1),
                   (size_t)sqlite3_column_bytes(s, 1), arg);
    }
    int err = done(st, s, rc);
    if (cbrc != 0 || err != 0)
        return cbrc ? cbrc : err;
    if (!found)
        return CHAT_ERR_NOT_FOUND;
    s = bind_text1(st, S_TR_MSGS, chat);
    while (cbrc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        /* ad 1: sealed before the seq was bound into the ciphertext (seq 0
         * says so); ad 3: a whisper (a negative seq says so) */
        int ad = sqlite3_column_int(s, 2);
        long seq = ad < 2 ? 0 : (long)sqlite3_column_int64(s, 1) * (ad == 3 ? -1 : 1);
        cbrc = msg(sqlite3_column_int(s, 0), seq, sqlite3_column_blob(s, 3),
                   (size_t)sqlite3_column_bytes(s, 3), sqlite3_column_blob(s, 4),
                   (size_t)sqlite3_column_bytes(s, 4), arg);
    }
    err = done(st, s, rc);
    return cbrc ? cbrc : err;
}

int store_session_each(struct store *st, void (*fn)(const struct store_session *ss, void *arg),
                       void *arg)
{
    sqlite3_stmt *s = st->stmt[S_SESS_LIST];
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_session ss = {0};
        int state = sqlite3_column_int(s, 1);
        if (sqlite3_column_bytes(s, 0) != STORE_TOKEN_HASH_BYTES ||
            (state != PROTO_VISITOR_QUEUED && state != PROTO_VISITOR_CHATTING))
            continue;
        memcpy(ss.key, sqlite3_column_blob(s, 0), STORE_TOKEN_HASH_BYTES);
        ss.state = (enum proto_visitor_state)state;
        ss.topic = (const char *)sqlite3_column_text(s, 2);
        ss.join_order = (uint64_t)sqlite3_column_int64(s, 3);
        ss.since = (time_t)sqlite3_column_int64(s, 4);
        ss.transferred = sqlite3_column_int(s, 5);
        ss.chat = (const char *)sqlite3_column_text(s, 6);
        ss.worker = (const char *)sqlite3_column_text(s, 7);
        ss.started = (time_t)sqlite3_column_int64(s, 8);
        ss.waited = (time_t)sqlite3_column_int64(s, 9);
        ss.label = sqlite3_column_int(s, 10);
        fn(&ss, arg);
    }
    return done(st, s, rc);
}

time_t store_block_until(struct store *st, const uint8_t key[STORE_TOKEN_HASH_BYTES], time_t now)
{
    sqlite3_stmt *s = st->stmt[S_BLOCK_GET];
    sqlite3_bind_blob(s, 1, key, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
    int rc = sqlite3_step(s);
    time_t until = rc == SQLITE_ROW ? (time_t)sqlite3_column_int64(s, 0) : 0;
    (void)done(st, s, rc);
    return until;
}

/* One integer from a statement binding chat as ?1, or -1. */
static long chat_number(struct store *st, enum store_stmt which, const char *chat)
{
    sqlite3_stmt *s = bind_text1(st, which, chat);
    int rc = sqlite3_step(s);
    long n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
    (void)done(st, s, rc);
    return n;
}

long store_chat_last_seq(struct store *st, const char *chat)
{
    return chat_number(st, S_CHAT_SEQ, chat);
}

long store_chat_last_whisper(struct store *st, const char *chat)
{
    return chat_number(st, S_CHAT_WSEQ, chat);
}

int store_chat_last_segment(struct store *st, const char *chat)
{
    return (int)chat_number(st, S_CHAT_MAXSEG, chat);
}

long store_label_last(struct store *st, const char *topic, const char *day)
{
    sqlite3_stmt *s = bind_text1(st, S_LABEL_GET, topic);
    sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    long n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : rc == SQLITE_DONE ? 0 : -1;
    (void)done(st, s, rc);
    return n;
}

#define STORE_ROW_EXTRAS 512 /* extra counters read per bucket, at most */

/* The extra counters of (topic, hour) into names (copies) and n. */
static int stats_extras(struct store *st, const char *topic, time_t hour,
                        char (*names)[STATS_NAME_MAX], long *n, int *count)
{
    sqlite3_stmt *s = st->stmt[S_STATS_EXTRA_GET];
    int rc;
    *count = 0;
    sqlite3_bind_text(s, 1, topic, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)hour);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *count < STORE_ROW_EXTRAS) {
        snprintf(names[*count], STATS_NAME_MAX, "%s", (const char *)sqlite3_column_text(s, 0));
        n[(*count)++] = (long)sqlite3_column_int64(s, 1);
    }
    return done(st, s, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

int store_stats_each(struct store *st, time_t from, time_t to, const char *topic, stats_put_fn fn,
                     void *arg)
{
    sqlite3_stmt *s = st->stmt[S_STATS_LIST];
    long c[STAT_COUNT], *xn = calloc(STORE_ROW_EXTRAS, sizeof(long));
    char(*xname)[STATS_NAME_MAX] = calloc(STORE_ROW_EXTRAS, STATS_NAME_MAX);
    const char **xptr = calloc(STORE_ROW_EXTRAS, sizeof(char *));
    int rc = SQLITE_DONE, err = xn && xname && xptr ? 0 : CHAT_ERR_NOMEM;
    for (int i = 0; xptr && xname && i < STORE_ROW_EXTRAS; i++)
        xptr[i] = xname[i];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)from);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)to);
    if (topic)
        sqlite3_bind_text(s, 3, topic, -1, SQLITE_STATIC);
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct stats_row row = {.topic = (const char *)sqlite3_column_text(s, 0),
                                .hour = (time_t)sqlite3_column_int64(s, 1),
                                .counts = c,
                                .extra_names = xptr,
                                .extra = xn};
        for (int i = 0; i < STAT_COUNT; i++)
            c[i] = (long)sqlite3_column_int64(s, i + 2);
        err = stats_extras(st, row.topic, row.hour, xname, xn, &row.nextra);
        if (!err)
            err = fn(&row, arg);
    }
    free(xn);
    free(xname);
    free(xptr);
    int end = done(st, s, err ? SQLITE_DONE : rc);
    return err ? err : end;
}

int store_import_get(struct store *st, struct store_import *run)
{
    sqlite3_stmt *s = st->stmt[S_IMPORT_GET];
    int rc = sqlite3_step(s);
    memset(run, 0, sizeof(*run));
    if (rc == SQLITE_ROW) {
        bool has_run = sqlite3_column_type(s, 0) != SQLITE_NULL;
        if (has_run) {
            run->state =
                sqlite3_column_int(s, 0) == 1 ? STORE_IMPORT_MERGING : STORE_IMPORT_STAGING;
            copy_col(run->file, sizeof(run->file), s, 1);
            run->rows = (long)sqlite3_column_int64(s, 2);
        } else if (sqlite3_column_int(s, 3)) { /* staged lines without a run: undo them */
            run->state = STORE_IMPORT_STAGING;
        }
    }
    return done(st, s, rc);
}

int store_import_each_dup(struct store *st, long max,
                          int (*fn)(long first, long last, long times, void *arg), void *arg)
{
    sqlite3_stmt *s = st->stmt[S_IMPORT_DUPS];
    int rc, err = 0;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW)
        err = fn((long)sqlite3_column_int64(s, 0), (long)sqlite3_column_int64(s, 1),
                 (long)sqlite3_column_int64(s, 2), arg);
    int end = done(st, s, err ? SQLITE_DONE : rc);
    return err ? err : end;
}

int store_import_each_over(struct store *st, long max,
                           int (*fn)(long line, const char *name, long stored, long added,
                                     void *arg),
                           void *arg)
{
    sqlite3_stmt *s = st->stmt[S_IMPORT_OVER];
    int rc, err = 0;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        long line = (long)sqlite3_column_int64(s, 0);
        for (int i = 0; !err && i < STAT_COUNT; i++) {
            long added = (long)sqlite3_column_int64(s, 1 + 2 * i);
            long stored = (long)sqlite3_column_int64(s, 2 + 2 * i);
            if (added + stored > STORE_COUNT_MAX)
                err = fn(line, stats_name(i), stored, added, arg);
        }
    }
    int end = done(st, s, err ? SQLITE_DONE : rc);
    if (err || end)
        return err ? err : end;
    s = st->stmt[S_IMPORT_OVER_EXTRA];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW)
        err = fn((long)sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                 (long)sqlite3_column_int64(s, 2), (long)sqlite3_column_int64(s, 3), arg);
    end = done(st, s, err ? SQLITE_DONE : rc);
    return err ? err : end;
}

/* ---- maintenance --------------------------------------------------------------- */

int store_reclaim(struct store *st)
{
    if (st->nops)
        return CHAT_ERR_BAD_STATE;
    /* short steps, each its own transaction, so chatd is never held up long */
    for (;;) {
        sqlite3_stmt *s = st->stmt[S_FREELIST];
        int rc = sqlite3_step(s);
        long free_pages = rc == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
        (void)done(st, s, rc);
        if (free_pages < 0)
            return CHAT_ERR_IO;
        if (free_pages == 0)
            break;
        if ((rc = store_reclaim_some(st)) != 0 || (rc = store_commit(st, NULL)) != 0) {
            store_discard(st);
            return rc;
        }
    }
    int rc = exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (rc != 0)
        note_db_error(st, st->db);
    return rc;
}

int store_backup(struct store *st, const char *path)
{
    sqlite3 *dst;
    if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        note_db_error(st, dst);
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
    if (rc != 0)
        note_db_error(st, dst);
    sqlite3_close(dst);
    return rc;
}

/* ---- the rota's shifts (contract v3 §7) ---------------------------------------- */

int store_rota_add(struct store *st, const char *topic, time_t week, time_t start, time_t end)
{
    return JOURNAL(st, S_ROTA_ADD, ARG_TEXT(topic), ARG_INT(week), ARG_INT(start), ARG_INT(end));
}

int store_rota_set(struct store *st, long id, const char *user)
{
    int rc = JOURNAL(st, S_ROTA_SET, ARG_INT(id), ARG_OPT_TEXT(user));
    if (rc == 0)
        last_op(st)->need_change = true;
    return rc;
}

int store_rota_del_open(struct store *st, time_t week)
{
    return JOURNAL(st, S_ROTA_DEL_OPEN, ARG_INT(week));
}

int store_rota_del_open_topic(struct store *st, time_t week, const char *topic)
{
    return JOURNAL(st, S_ROTA_DEL_OPEN_TOPIC, ARG_INT(week), ARG_TEXT(topic));
}

/* The shift of s's row. */
static void row_shift(sqlite3_stmt *s, struct store_shift *sh)
{
    memset(sh, 0, sizeof(*sh));
    sh->id = (long)sqlite3_column_int64(s, 0);
    copy_col(sh->topic, sizeof(sh->topic), s, 1);
    sh->week = (time_t)sqlite3_column_int64(s, 2);
    sh->start = (time_t)sqlite3_column_int64(s, 3);
    sh->end = (time_t)sqlite3_column_int64(s, 4);
    copy_col(sh->taken_by, sizeof(sh->taken_by), s, 5);
    copy_col(sh->alias, sizeof(sh->alias), s, 6);
}

int store_rota_get(struct store *st, long id, struct store_shift *sh)
{
    sqlite3_stmt *s = st->stmt[S_ROTA_GET];
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        row_shift(s, sh);
    int err = done(st, s, rc);
    return err ? err : rc == SQLITE_ROW ? 0 : CHAT_ERR_NOT_FOUND;
}

int store_rota_each(struct store *st, time_t week, time_t from, time_t to,
                    int (*fn)(const struct store_shift *sh, void *arg), void *arg)
{
    sqlite3_stmt *s = st->stmt[week >= 0 ? S_ROTA_WEEK : S_ROTA_SPAN];
    if (week >= 0)
        sqlite3_bind_int64(s, 1, (sqlite3_int64)week);
    else {
        sqlite3_bind_int64(s, 1, (sqlite3_int64)from);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)to);
    }
    struct store_shift sh;
    int rc, err = 0;
    while (err == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        row_shift(s, &sh);
        err = fn(&sh, arg);
    }
    if (err) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return err;
    }
    return done(st, s, rc);
}

int store_rota_planned(struct store *st, time_t from, time_t to,
                       void (*fn)(const char *topic, long seconds, void *arg), void *arg)
{
    sqlite3_stmt *s = st->stmt[S_ROTA_PLANNED];
    char topic[sizeof(((struct store_shift *)0)->topic)];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)from);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)to);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        copy_col(topic, sizeof(topic), s, 0);
        fn(topic, (long)sqlite3_column_int64(s, 1), arg);
    }
    return done(st, s, rc);
}

time_t store_rota_next_start(struct store *st, time_t after)
{
    sqlite3_stmt *s = st->stmt[S_ROTA_NEXT];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)after);
    int rc = sqlite3_step(s);
    time_t next = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL
                      ? (time_t)sqlite3_column_int64(s, 0)
                      : -1;
    (void)done(st, s, rc);
    return next;
}

/* ---- letters (contract v3 §3) ------------------------------------------------- */

int store_letter_thread_add(struct store *st, const struct store_letter_thread *t)
{
    return JOURNAL(st, S_LT_ADD, ARG_TEXT(t->id), ARG_TEXT(t->topic),
                   ARG_BLOB(t->pickup, STORE_PICKUP_BYTES), ARG_OPT_TEXT(t->lang),
                   ARG_INT(t->received), ARG_INT(t->last_letter), ARG_INT(t->last_answer),
                   ARG_INT(t->waiting_since), ARG_INT(t->due), ARG_INT(t->answered ? 2 : 0),
                   ARG_TEXT(t->reply_pub), ARG_TEXT(t->reply_key));
}

int store_letter_thread_put(struct store *st, const struct store_letter_thread *t)
{
    return JOURNAL(st, S_LT_PUT, ARG_TEXT(t->id), ARG_INT(t->last_letter), ARG_INT(t->last_answer),
                   ARG_INT(t->waiting_since), ARG_INT(t->due), ARG_INT(t->answered ? 2 : 0));
}

int store_letter_thread_del(struct store *st, const char *id)
{
    return JOURNAL(st, S_LT_DEL, ARG_TEXT(id));
}

int store_letter_purge(struct store *st, time_t before)
{
    return JOURNAL(st, S_LT_PURGE, ARG_INT(before));
}

int store_letter_item_add(struct store *st, const char *thread, int from_worker, time_t at,
                          const char *org_box, const char *writer_box)
{
    return JOURNAL(st, S_LI_ADD, ARG_TEXT(thread), ARG_INT(from_worker), ARG_INT(at),
                   ARG_TEXT(org_box), ARG_TEXT(writer_box));
}

/* The thread of the current row of S_LT_LIST / S_LT_GET. */
static void row_letter_thread(sqlite3_stmt *s, struct store_letter_thread *t)
{
    memset(t, 0, sizeof(*t));
    t->id = (const char *)sqlite3_column_text(s, 0);
    t->topic = (const char *)sqlite3_column_text(s, 1);
    t->pickup = sqlite3_column_bytes(s, 2) == STORE_PICKUP_BYTES ? sqlite3_column_blob(s, 2) : NULL;
    t->lang = (const char *)sqlite3_column_text(s, 3);
    t->received = (time_t)sqlite3_column_int64(s, 4);
    t->last_letter = (time_t)sqlite3_column_int64(s, 5);
    t->last_answer =
        sqlite3_column_type(s, 6) == SQLITE_NULL ? -1 : (time_t)sqlite3_column_int64(s, 6);
    t->waiting_since =
        sqlite3_column_type(s, 7) == SQLITE_NULL ? -1 : (time_t)sqlite3_column_int64(s, 7);
    t->due = (time_t)sqlite3_column_int64(s, 8);
    t->answered = sqlite3_column_int(s, 9) == 2;
    t->reply_pub = (const char *)sqlite3_column_text(s, 10);
    t->reply_key = (const char *)sqlite3_column_text(s, 11);
    t->nitems = (long)sqlite3_column_int64(s, 12);
}

int store_letter_thread_each(struct store *st,
                             int (*fn)(const struct store_letter_thread *t, void *arg), void *arg)
{
    sqlite3_stmt *s = st->stmt[S_LT_LIST];
    int rc, err = 0;
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_letter_thread t;
        row_letter_thread(s, &t);
        if (t.id && t.topic && t.pickup && t.reply_pub && t.reply_key)
            err = fn(&t, arg);
    }
    int end = done(st, s, err ? SQLITE_DONE : rc);
    return err ? err : end;
}

int store_letter_read(struct store *st, const char *id,
                      int (*thread)(const struct store_letter_thread *t, void *arg),
                      int (*item)(int from_worker, time_t at, const char *org_box,
                                  const char *writer_box, void *arg),
                      void *arg)
{
    sqlite3_stmt *s = bind_text1(st, S_LT_GET, id);
    int rc = sqlite3_step(s), err = 0;
    bool found = false;
    if (rc == SQLITE_ROW) {
        struct store_letter_thread t;
        row_letter_thread(s, &t);
        found = t.id && t.topic && t.pickup && t.reply_pub && t.reply_key;
        if (found && thread)
            err = thread(&t, arg);
    }
    int end = done(st, s, rc);
    if (err || end)
        return err ? err : end;
    /* the items are read also for a thread not found (none match): the same
     * work whether or not the id named one */
    s = bind_text1(st, S_LI_LIST, found ? id : "");
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *org = (const char *)sqlite3_column_text(s, 2);
        const char *writer = (const char *)sqlite3_column_text(s, 3);
        if (org && writer && item)
            err = item(sqlite3_column_int(s, 0), (time_t)sqlite3_column_int64(s, 1), org, writer,
                       arg);
    }
    end = done(st, s, err ? SQLITE_DONE : rc);
    if (err || end)
        return err ? err : end;
    return found ? 0 : CHAT_ERR_NOT_FOUND;
}
