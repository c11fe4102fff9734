/*
 * stats: in-memory hourly deltas, flushed into SQLite by upsert.
 *
 * Invariant: every second between stats_new() and accrued_until[t] has been
 * accounted into open_s / staffed_s / worker_s of topic t, with the staffing
 * that held at that time.
 */
#include "stats.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"

#define STATS_MAX_PENDING 512

static const char *const stat_names[STAT_COUNT] = {
    "open_s",
    "staffed_s",
    "worker_s",
    "joins",
    "refused_closed",
    "refused_full",
    "queued",
    "answered",
    "abandoned",
    "wait_answered_s",
    "wait_abandoned_s",
    "chats",
    "chat_s",
    "msgs_visitor",
    "msgs_worker",
    "transfers",
    "blocks",
    "feedback_1",
    "feedback_2",
    "feedback_3",
    "feedback_4",
    "feedback_5",
    "wait_answered_0_1",
    "wait_answered_1_5",
    "wait_answered_5_15",
    "wait_answered_15_30",
    "wait_answered_30_60",
    "wait_answered_60p",
    "wait_abandoned_0_1",
    "wait_abandoned_1_5",
    "wait_abandoned_5_15",
    "wait_abandoned_15_30",
    "wait_abandoned_30_60",
    "wait_abandoned_60p",
    "chat_0_1",
    "chat_1_5",
    "chat_5_15",
    "chat_15_30",
    "chat_30_60",
    "chat_60p",
};

/* Upper bounds of the histogram bins, in seconds; the last bin is open. */
static const time_t bin_limits[STATS_BINS - 1] = {60, 300, 900, 1800, 3600};

struct bucket {
    int topic;
    time_t hour;
    long c[STAT_COUNT];
};

struct stats {
    const struct config *cfg;
    struct bucket pending[STATS_MAX_PENDING];
    size_t npending;
    time_t accrued_until[CONFIG_MAX_TOPICS];
    int staffed[CONFIG_MAX_TOPICS];
};

const char *stats_name(int i)
{
    return i >= 0 && i < STAT_COUNT ? stat_names[i] : NULL;
}

time_t stats_hour_start(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return t - tm.tm_min * 60 - tm.tm_sec;
}

struct stats *stats_new(const struct config *cfg, time_t now)
{
    struct stats *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cfg = cfg;
    for (size_t i = 0; i < CONFIG_MAX_TOPICS; i++)
        s->accrued_until[i] = now;
    return s;
}

void stats_free(struct stats *s)
{
    free(s);
}

static struct bucket *bucket_for(struct stats *s, int topic, time_t t)
{
    time_t hour = stats_hour_start(t);
    for (size_t i = s->npending; i-- > 0;)
        if (s->pending[i].topic == topic && s->pending[i].hour == hour)
            return &s->pending[i];
    if (s->npending == STATS_MAX_PENDING)
        return NULL; /* cannot happen with a flush a minute; counted as lost */
    struct bucket *b = &s->pending[s->npending++];
    memset(b, 0, sizeof(*b));
    b->topic = topic;
    b->hour = hour;
    return b;
}

void stats_add(struct stats *s, int topic, enum stats_counter c, long n, time_t t)
{
    struct bucket *b = bucket_for(s, topic, t);
    if (b)
        b->c[c] += n;
}

void stats_add_duration(struct stats *s, int topic, enum stats_counter sum, enum stats_counter bin0,
                        time_t seconds, time_t t)
{
    int bin = 0;
    if (seconds < 0)
        seconds = 0;
    while (bin < STATS_BINS - 1 && seconds >= bin_limits[bin])
        bin++;
    stats_add(s, topic, sum, (long)seconds, t);
    stats_add(s, topic, (enum stats_counter)(bin0 + bin), 1, t);
}

/* Adds [from, to) of topic's time counters, split at local hour starts. */
static void accrue(struct stats *s, int topic, time_t to)
{
    time_t from = s->accrued_until[topic];
    const struct schedule *sched = &s->cfg->topics[topic].schedule;
    while (from < to) {
        time_t hour = stats_hour_start(from);
        time_t end = hour + 3600;
        struct tm tm;
        localtime_r(&end, &tm);
        end -= tm.tm_min * 60 + tm.tm_sec; /* the next local hour start */
        if (end <= from)
            end = from + 3600;
        if (end > to)
            end = to;
        stats_add(s, topic, STAT_OPEN_S, schedule_open_seconds(sched, from, end), from);
        if (s->staffed[topic] > 0) {
            stats_add(s, topic, STAT_STAFFED_S, (long)(end - from), from);
            stats_add(s, topic, STAT_WORKER_S, (long)(end - from) * s->staffed[topic], from);
        }
        from = end;
    }
    if (to > s->accrued_until[topic])
        s->accrued_until[topic] = to;
}

void stats_staffing(struct stats *s, int topic, int n, time_t t)
{
    if (s->staffed[topic] == n)
        return;
    accrue(s, topic, t);
    s->staffed[topic] = n;
}

/* INSERT ... ON CONFLICT DO UPDATE adding every counter. */
static char *upsert_sql(void)
{
    size_t cap = 8192, n = 0;
    char *sql = malloc(cap);
    if (!sql)
        return NULL;
    n += (size_t)snprintf(sql + n, cap - n, "INSERT INTO stats(topic, hour");
    for (int i = 0; i < STAT_COUNT; i++)
        n += (size_t)snprintf(sql + n, cap - n, ", %s", stat_names[i]);
    n += (size_t)snprintf(sql + n, cap - n, ") VALUES (?1, ?2");
    for (int i = 0; i < STAT_COUNT; i++)
        n += (size_t)snprintf(sql + n, cap - n, ", ?%d", i + 3);
    n += (size_t)snprintf(sql + n, cap - n, ") ON CONFLICT(topic, hour) DO UPDATE SET ");
    for (int i = 0; i < STAT_COUNT; i++)
        n += (size_t)snprintf(sql + n, cap - n, "%s%s = %s + excluded.%s", i ? ", " : "",
                              stat_names[i], stat_names[i], stat_names[i]);
    return sql;
}

int stats_flush(struct stats *s, struct store *st, time_t now)
{
    for (size_t t = 0; t < s->cfg->ntopics; t++)
        accrue(s, (int)t, now);
    if (s->npending == 0)
        return 0;
    sqlite3 *db = store_db(st);
    sqlite3_stmt *stmt = NULL;
    char *sql = upsert_sql();
    int rc =
        sql && store_begin(st) == 0 && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK
            ? 0
            : CHAT_ERR_IO;
    free(sql);
    for (size_t i = 0; rc == 0 && i < s->npending; i++) {
        struct bucket *b = &s->pending[i];
        sqlite3_bind_text(stmt, 1, s->cfg->topics[b->topic].id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, (sqlite3_int64)b->hour);
        for (int c = 0; c < STAT_COUNT; c++)
            sqlite3_bind_int64(stmt, c + 3, b->c[c]);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            rc = CHAT_ERR_IO;
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    if (rc == 0)
        s->npending = 0;
    return rc;
}

static void format_hour(time_t hour, char out[32])
{
    struct tm tm;
    char off[8];
    localtime_r(&hour, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(off, sizeof(off), "%z", &tm);
    size_t n = strlen(out);
    snprintf(out + n, 32 - n, "%.3s:%.2s", off, off + 3);
}

/* True when counter i of row c is to be hidden at min_count. */
static bool suppressed(const long *c, int i, long min_count)
{
    if (min_count <= 0 || i == STAT_OPEN_S || i == STAT_STAFFED_S || i == STAT_WORKER_S)
        return false;
    if (i == STAT_WAIT_ANSWERED_S)
        return c[STAT_ANSWERED] < min_count;
    if (i == STAT_WAIT_ABANDONED_S)
        return c[STAT_ABANDONED] < min_count;
    if (i == STAT_CHAT_S)
        return c[STAT_CHATS] < min_count;
    return c[i] < min_count;
}

static void print_row(FILE *out, enum stats_format fmt, const char *topic, time_t hour,
                      const long *c, long min_count, bool first)
{
    char iso[32];
    format_hour(hour, iso);
    if (fmt == STATS_CSV)
        fprintf(out, "%s,%s", topic, iso);
    else
        fprintf(out, "%s{\"topic\":\"%s\",\"hour\":\"%s\"", first ? "" : ",", topic, iso);
    for (int i = 0; i < STAT_COUNT; i++) {
        bool hide = suppressed(c, i, min_count);
        if (fmt == STATS_CSV && hide)
            fprintf(out, ",<%ld", min_count);
        else if (fmt == STATS_CSV)
            fprintf(out, ",%ld", c[i]);
        else if (hide)
            fprintf(out, ",\"%s\":\"<%ld\"", stat_names[i], min_count);
        else
            fprintf(out, ",\"%s\":%ld", stat_names[i], c[i]);
    }
    fputs(fmt == STATS_CSV ? "\n" : "}", out);
}

int stats_report(struct store *st, time_t from, time_t to, const char *topic, enum stats_format fmt,
                 long min_count, FILE *out)
{
    char sql[2048];
    size_t n = (size_t)snprintf(sql, sizeof(sql), "SELECT topic, hour");
    for (int i = 0; i < STAT_COUNT; i++)
        n += (size_t)snprintf(sql + n, sizeof(sql) - n, ", %s", stat_names[i]);
    snprintf(sql + n, sizeof(sql) - n,
             " FROM stats WHERE hour >= ?1 AND hour < ?2 AND (?3 IS NULL OR topic = ?3)"
             " ORDER BY topic, hour");
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL) != SQLITE_OK)
        return CHAT_ERR_IO;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)from);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)to);
    if (topic)
        sqlite3_bind_text(stmt, 3, topic, -1, SQLITE_STATIC);
    if (fmt == STATS_CSV) {
        fputs("topic,hour", out);
        for (int i = 0; i < STAT_COUNT; i++)
            fprintf(out, ",%s", stat_names[i]);
        fputc('\n', out);
    } else {
        fputs("{\"buckets\":[", out);
    }
    int rc;
    bool first = true;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        long c[STAT_COUNT];
        for (int i = 0; i < STAT_COUNT; i++)
            c[i] = (long)sqlite3_column_int64(stmt, i + 2);
        print_row(out, fmt, (const char *)sqlite3_column_text(stmt, 0),
                  (time_t)sqlite3_column_int64(stmt, 1), c, min_count, first);
        first = false;
    }
    sqlite3_finalize(stmt);
    if (fmt == STATS_JSON)
        fputs("]}\n", out);
    return rc == SQLITE_DONE ? 0 : CHAT_ERR_IO;
}

time_t stats_parse_day(const char *text, int plus_days)
{
    struct tm tm = {0};
    char tail;
    if (sscanf(text, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tail) != 3 ||
        strlen(text) != 10 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
        return -1;
    int y = tm.tm_year - 1900, m = tm.tm_mon - 1, d = tm.tm_mday;
    tm.tm_year = y;
    tm.tm_mon = m;
    tm.tm_hour = 12; /* mid-day: no DST gap can move the date */
    tm.tm_isdst = -1;
    if (mktime(&tm) == -1 || tm.tm_year != y || tm.tm_mon != m || tm.tm_mday != d)
        return -1; /* e.g. 2027-02-29 */
    tm.tm_mday += plus_days;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return mktime(&tm);
}
