/*
 * hours: checking exceptions, and their two tables (migration 9):
 *   hours_exception(id, topic, day 'YYYY-MM-DD', closed, open_from,
 *                   open_to (minutes), note), UNIQUE(topic, day)
 *   hours_audit(id, at, by, what)
 * Statements are fixed text with bound parameters; a change and its audit
 * line are one BEGIN IMMEDIATE transaction.
 */
#include "hours.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"
#include "migrate.h"

struct hours_db {
    sqlite3 *db;
};

/* ---- checks ----------------------------------------------------------------- */

/* Characters of s when it is UTF-8 without control characters, else -1. */
static long note_chars(const char *s)
{
    long n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; n++) {
        int len = *p < 0x80             ? 1
                  : (*p & 0xE0) == 0xC0 ? 2
                  : (*p & 0xF0) == 0xE0 ? 3
                  : (*p & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (len == 0 || (len == 2 && *p < 0xC2) || (len == 4 && *p > 0xF4))
            return -1;
        if (len == 1 && (*p < 0x20 || *p == 0x7f))
            return -1;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return -1;
        if (len == 2 && p[0] == 0xC2 && p[1] < 0xA0)
            return -1; /* C1 controls */
        p += len;
    }
    return n;
}

__attribute__((format(printf, 4, 5))) static int fail(int rc, char *err, size_t errlen,
                                                      const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        (void)vsnprintf(err, errlen, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
        va_end(ap);
    }
    return rc;
}

int hours_check(const struct config *cfg, const char *topic, const char *date, const char *open,
                const char *note, time_t now, struct hours_exception *out, char *err, size_t errlen)
{
    *out = (struct hours_exception){0};
    if (!topic || config_topic_index(cfg, topic) < 0)
        return fail(CHAT_ERR_UNKNOWN_TOPIC, err, errlen, "no topic \"%.32s\" in the config",
                    topic ? topic : "");
    snprintf(out->topic, sizeof(out->topic), "%s", topic);
    if (!date || !schedule_parse_date(date, &out->x.date))
        return fail(CHAT_ERR_BAD_REQUEST, err, errlen, "bad date \"%.16s\" (want YYYY-MM-DD)",
                    date ? date : "");
    struct schedule_date today = schedule_local_date(now);
    long ahead = schedule_days_between(&today, &out->x.date);
    if (ahead < 0)
        return fail(CHAT_ERR_BAD_REQUEST, err, errlen, "the date %s is in the past", date);
    if (ahead > HOURS_AHEAD_DAYS)
        return fail(CHAT_ERR_BAD_REQUEST, err, errlen, "the date %s is more than %d days ahead",
                    date, HOURS_AHEAD_DAYS);
    out->x.closed = open == NULL;
    if (open && schedule_parse_interval(open, &out->x.date, err, errlen) != 0)
        return CHAT_ERR_BAD_REQUEST;
    long chars = note ? note_chars(note) : 0;
    if (chars < 0)
        return fail(CHAT_ERR_BAD_REQUEST, err, errlen,
                    "the note must be UTF-8 text without control characters");
    if (chars > HOURS_NOTE_MAX)
        return fail(CHAT_ERR_BAD_REQUEST, err, errlen, "the note is longer than %d characters",
                    HOURS_NOTE_MAX);
    snprintf(out->note, sizeof(out->note), "%s", note ? note : "");
    return 0;
}

void hours_date_text(const struct schedule_date *d, char out[11])
{
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d->year % 10000u, d->month % 100u, d->day % 100u);
}

void hours_open_text(const struct schedule_exception *x, char out[12])
{
    out[0] = '\0';
    if (!x->closed)
        snprintf(out, 12, "%02u:%02u-%02u:%02u", x->date.start_min / 60u % 100u,
                 x->date.start_min % 60u, x->date.end_min / 60u % 100u, x->date.end_min % 60u);
}

void hours_line(const struct hours_exception *e, char *out, size_t len)
{
    char date[11], open[12];
    hours_date_text(&e->x.date, date);
    hours_open_text(&e->x, open);
    snprintf(out, len, "%lld %s %s %s%s%s", (long long)e->id, e->topic, date,
             e->x.closed ? "closed" : open, e->note[0] ? " " : "", e->note);
}

/* What an audit line says of e: "youth 2026-12-24 closed, with a note". */
static void audit_what(const struct hours_exception *e, char *out, size_t len)
{
    char date[11], open[12];
    hours_date_text(&e->x.date, date);
    hours_open_text(&e->x, open);
    snprintf(out, len, "%s %s %s%s", e->topic, date, e->x.closed ? "closed" : open,
             e->note[0] ? ", with a note" : "");
}

/* ---- the database --------------------------------------------------------- */

static int exec(struct hours_db *db, const char *sql)
{
    int rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : rc == SQLITE_BUSY ? CHAT_ERR_BUSY : CHAT_ERR_IO;
}

int hours_db_open(const char *data_dir, struct hours_db **out)
{
    struct hours_db *db = calloc(1, sizeof(*db));
    *out = NULL;
    if (!db)
        return CHAT_ERR_NOMEM;
    if (migrate_open(data_dir, &db->db) != 0) {
        hours_db_close(db);
        return CHAT_ERR_IO;
    }
    *out = db;
    return 0;
}

void hours_db_close(struct hours_db *db)
{
    if (!db)
        return;
    sqlite3_close(db->db);
    free(db);
}

int64_t hours_db_version(struct hours_db *db)
{
    sqlite3_stmt *s;
    int64_t v = CHAT_ERR_IO;
    if (sqlite3_prepare_v2(db->db, "SELECT coalesce(max(id), 0) FROM hours_audit", -1, &s, NULL) !=
        SQLITE_OK)
        return CHAT_ERR_IO;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* The exception of a row of (id, topic, day, closed, open_from, open_to, note). */
static bool row_exception(sqlite3_stmt *s, struct hours_exception *e)
{
    const char *topic = (const char *)sqlite3_column_text(s, 1);
    const char *day = (const char *)sqlite3_column_text(s, 2);
    const char *note = (const char *)sqlite3_column_text(s, 6);
    *e = (struct hours_exception){.id = sqlite3_column_int64(s, 0)};
    if (!topic || !day || !schedule_parse_date(day, &e->x.date))
        return false;
    snprintf(e->topic, sizeof(e->topic), "%s", topic);
    e->x.closed = sqlite3_column_int(s, 3) != 0;
    e->x.date.start_min = (uint16_t)sqlite3_column_int(s, 4);
    e->x.date.end_min = (uint16_t)sqlite3_column_int(s, 5);
    snprintf(e->note, sizeof(e->note), "%s", note ? note : "");
    return true;
}

#define ROW_COLUMNS "id, topic, day, closed, open_from, open_to, note"

int hours_db_list(struct hours_db *db, const char *topic, const struct schedule_date *from,
                  struct hours_exception **out, size_t *n)
{
    sqlite3_stmt *s;
    char day[11] = "";
    size_t cap = 0;
    int rc = 0, step;
    *out = NULL;
    *n = 0;
    if (from)
        hours_date_text(from, day);
    if (sqlite3_prepare_v2(db->db,
                           "SELECT " ROW_COLUMNS " FROM hours_exception"
                           " WHERE (?1 IS NULL OR topic = ?1) AND day >= ?2 ORDER BY topic, day",
                           -1, &s, NULL) != SQLITE_OK)
        return CHAT_ERR_IO;
    sqlite3_bind_text(s, 1, topic, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, day, -1, SQLITE_TRANSIENT);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            struct hours_exception *more = realloc(*out, ncap * sizeof(**out));
            if (!more) {
                rc = CHAT_ERR_NOMEM;
                break;
            }
            *out = more;
            cap = ncap;
        }
        if (row_exception(s, &(*out)[*n]))
            (*n)++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = step == SQLITE_BUSY ? CHAT_ERR_BUSY : CHAT_ERR_IO;
    sqlite3_finalize(s);
    if (rc != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* Runs sql with the given int64 / text binds (NULL text: skipped); one row's
 * first column into *first when asked. */
static int run(struct hours_db *db, const char *sql, const char *const *texts, size_t ntexts,
               const int64_t *ints, size_t nints, int64_t *first)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db->db, sql, -1, &s, NULL) != SQLITE_OK)
        return CHAT_ERR_IO;
    for (size_t i = 0; i < ntexts; i++)
        sqlite3_bind_text(s, (int)i + 1, texts[i], -1, SQLITE_TRANSIENT);
    for (size_t i = 0; i < nints; i++)
        sqlite3_bind_int64(s, (int)(ntexts + i) + 1, ints[i]);
    int step = sqlite3_step(s), rc = 0;
    if (step == SQLITE_ROW && first)
        *first = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = step == SQLITE_BUSY ? CHAT_ERR_BUSY : CHAT_ERR_IO;
    sqlite3_finalize(s);
    return rc;
}

static int audit(struct hours_db *db, const char *by, time_t now, const char *what)
{
    const char *texts[] = {by, what};
    const int64_t ints[] = {(int64_t)now};
    return run(db, "INSERT INTO hours_audit(by, what, at) VALUES (?1, ?2, ?3)", texts, 2, ints, 1,
               NULL);
}

static int finish(struct hours_db *db, int rc)
{
    if (rc == 0)
        rc = exec(db, "COMMIT");
    if (rc != 0)
        (void)exec(db, "ROLLBACK");
    return rc;
}

int hours_db_add(struct hours_db *db, struct hours_exception *e, const char *by, time_t now,
                 int64_t *replaced)
{
    char day[11], today[11], what[HOURS_LINE_MAX], line[HOURS_LINE_MAX + 64];
    struct schedule_date t = schedule_local_date(now);
    int64_t count = 0;
    *replaced = 0;
    hours_date_text(&e->x.date, day);
    hours_date_text(&t, today);
    int rc = exec(db, "BEGIN IMMEDIATE");
    if (rc != 0)
        return rc;
    const char *key[] = {e->topic, day};
    rc = run(db, "SELECT id FROM hours_exception WHERE topic = ?1 AND day = ?2", key, 2, NULL, 0,
             replaced);
    if (rc == 0 && *replaced)
        rc = run(db, "DELETE FROM hours_exception WHERE id = ?1", NULL, 0, replaced, 1, NULL);
    const char *since[] = {e->topic, today};
    if (rc == 0)
        rc = run(db, "SELECT count(*) FROM hours_exception WHERE topic = ?1 AND day >= ?2", since,
                 2, NULL, 0, &count);
    if (rc == 0 && count >= HOURS_PER_TOPIC_MAX)
        rc = CHAT_ERR_FULL;
    const char *texts[] = {e->topic, day, e->note};
    const int64_t ints[] = {e->x.closed, e->x.closed ? 0 : e->x.date.start_min,
                            e->x.closed ? 0 : e->x.date.end_min};
    if (rc == 0)
        rc = run(db,
                 "INSERT INTO hours_exception(topic, day, note, closed, open_from, open_to)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                 texts, 3, ints, 3, NULL);
    if (rc == 0) {
        e->id = sqlite3_last_insert_rowid(db->db);
        audit_what(e, what, sizeof(what));
        if (*replaced)
            snprintf(line, sizeof(line), "set %s as #%lld, replacing #%lld", what, (long long)e->id,
                     (long long)*replaced);
        else
            snprintf(line, sizeof(line), "set %s as #%lld", what, (long long)e->id);
        rc = audit(db, by, now, line);
    }
    return finish(db, rc);
}

bool hours_scope_has(const struct hours_scope *s, const char *topic)
{
    if (!s || !s->scoped)
        return true;
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->topics[i], topic) == 0)
            return true;
    return false;
}

int hours_db_del(struct hours_db *db, int64_t id, const char *by, time_t now,
                 const struct hours_scope *scope, struct hours_exception *gone)
{
    char what[HOURS_LINE_MAX], line[HOURS_LINE_MAX + 64];
    sqlite3_stmt *s;
    int rc = exec(db, "BEGIN IMMEDIATE");
    if (rc != 0)
        return rc;
    rc = CHAT_ERR_NOT_FOUND;
    if (sqlite3_prepare_v2(db->db, "SELECT " ROW_COLUMNS " FROM hours_exception WHERE id = ?1", -1,
                           &s, NULL) != SQLITE_OK)
        return finish(db, CHAT_ERR_IO);
    sqlite3_bind_int64(s, 1, id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW && row_exception(s, gone) && hours_scope_has(scope, gone->topic))
        rc = 0;
    else if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = CHAT_ERR_IO;
    sqlite3_finalize(s);
    if (rc == 0)
        rc = run(db, "DELETE FROM hours_exception WHERE id = ?1", NULL, 0, &id, 1, NULL);
    if (rc == 0) {
        audit_what(gone, what, sizeof(what));
        snprintf(line, sizeof(line), "deleted #%lld (%s)", (long long)id, what);
        rc = audit(db, by, now, line);
    }
    return finish(db, rc);
}

int hours_db_audit_each(struct hours_db *db, int64_t after,
                        void (*fn)(int64_t id, time_t at, const char *by, const char *what,
                                   void *arg),
                        void *arg)
{
    sqlite3_stmt *s;
    int step;
    if (sqlite3_prepare_v2(db->db,
                           "SELECT id, at, by, what FROM hours_audit WHERE id > ?1 ORDER BY id", -1,
                           &s, NULL) != SQLITE_OK)
        return CHAT_ERR_IO;
    sqlite3_bind_int64(s, 1, after);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *by = (const char *)sqlite3_column_text(s, 2);
        const char *what = (const char *)sqlite3_column_text(s, 3);
        fn(sqlite3_column_int64(s, 0), (time_t)sqlite3_column_int64(s, 1), by ? by : "",
           what ? what : "", arg);
    }
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : CHAT_ERR_IO;
}
