/*
 * stats: in-memory hourly counts in three stages, and reports.
 *
 * Invariants: every second between stats_new() and accrued_until[t] has been
 * accounted into open_s / staffed_s / worker_s of topic t, with the staffing
 * that held at that time. A bucket's `open` counts are the open batch's
 * events, `pending` the committed counts not yet handed to the store, and
 * `flushed` those in the store's journal, not yet committed; a bucket whose
 * three are all zero is removed at the end of each batch.
 */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "chat_err.h"

#define STATS_MAX_BUCKETS 512

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
    bool touched; /* time was accounted into it since the last flush (even 0 s) */
    long open[STAT_COUNT];
    long pending[STAT_COUNT];
    long flushed[STAT_COUNT];
};

struct stats {
    const struct config *cfg;
    struct bucket *b;
    size_t nb;
    time_t accrued_until[CONFIG_MAX_TOPICS];
    int staffed[CONFIG_MAX_TOPICS];
    long events; /* stats_add calls so far */
};

const char *stats_name(int i)
{
    return i >= 0 && i < STAT_COUNT ? stat_names[i] : NULL;
}

time_t stats_hour_start(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return t - (time_t)tm.tm_min * 60 - tm.tm_sec;
}

struct stats *stats_new(const struct config *cfg, time_t now)
{
    struct stats *s = calloc(1, sizeof(*s));
    if (!s || !(s->b = calloc(STATS_MAX_BUCKETS, sizeof(*s->b)))) {
        free(s);
        return NULL;
    }
    s->cfg = cfg;
    for (size_t i = 0; i < CONFIG_MAX_TOPICS; i++)
        s->accrued_until[i] = now;
    return s;
}

void stats_free(struct stats *s)
{
    if (s)
        free(s->b);
    free(s);
}

static struct bucket *bucket_for(struct stats *s, int topic, time_t t)
{
    time_t hour = stats_hour_start(t);
    for (size_t i = s->nb; i-- > 0;)
        if (s->b[i].topic == topic && s->b[i].hour == hour)
            return &s->b[i];
    if (s->nb == STATS_MAX_BUCKETS)
        return NULL; /* cannot happen with a flush a minute; counted as lost */
    struct bucket *b = &s->b[s->nb++];
    memset(b, 0, sizeof(*b));
    b->topic = topic;
    b->hour = hour;
    return b;
}

void stats_add(struct stats *s, int topic, enum stats_counter c, long n, time_t t)
{
    struct bucket *b = bucket_for(s, topic, t);
    if (b)
        b->open[c] += n;
    s->events++;
}

long stats_events(const struct stats *s)
{
    return s->events;
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

/* Adds n to counter c of topic at t as a committed count (time accounting
 * follows the clock, not a batch). */
static void add_pending(struct stats *s, int topic, enum stats_counter c, long n, time_t t)
{
    struct bucket *b = bucket_for(s, topic, t);
    if (b) {
        b->pending[c] += n;
        b->touched = true;
    }
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
        add_pending(s, topic, STAT_OPEN_S, schedule_open_seconds(sched, from, end), from);
        if (s->staffed[topic] > 0) {
            add_pending(s, topic, STAT_STAFFED_S, (long)(end - from), from);
            add_pending(s, topic, STAT_WORKER_S, (long)(end - from) * s->staffed[topic], from);
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

static bool all_zero(const long *c)
{
    for (int i = 0; i < STAT_COUNT; i++)
        if (c[i])
            return false;
    return true;
}

/* Drops buckets with nothing in any stage. */
static void compact(struct stats *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nb; i++) {
        struct bucket *b = &s->b[i];
        if (!b->touched && all_zero(b->open) && all_zero(b->pending) && all_zero(b->flushed))
            continue;
        if (n != i)
            s->b[n] = *b;
        n++;
    }
    s->nb = n;
}

void stats_batch_end(struct stats *s, bool committed)
{
    for (size_t i = 0; i < s->nb; i++) {
        struct bucket *b = &s->b[i];
        for (int c = 0; c < STAT_COUNT; c++) {
            if (committed)
                b->pending[c] += b->open[c];
            else
                b->pending[c] += b->flushed[c];
            b->open[c] = b->flushed[c] = 0;
        }
    }
    compact(s);
}

int stats_flush(struct stats *s, time_t now, stats_put_fn put, void *arg)
{
    for (size_t t = 0; t < s->cfg->ntopics; t++)
        accrue(s, (int)t, now);
    for (size_t i = 0; i < s->nb; i++) {
        struct bucket *b = &s->b[i];
        if (!b->touched && all_zero(b->pending))
            continue;
        int rc = put(s->cfg->topics[b->topic].id, b->hour, b->pending, STAT_COUNT, arg);
        if (rc != 0)
            return rc;
        b->touched = false;
        for (int c = 0; c < STAT_COUNT; c++) {
            b->flushed[c] += b->pending[c];
            b->pending[c] = 0;
        }
    }
    return 0;
}

void stats_each_unstored(const struct stats *s, time_t from, time_t to, const char *topic,
                         stats_put_fn put, void *arg)
{
    for (size_t i = 0; i < s->nb; i++) {
        const struct bucket *b = &s->b[i];
        const char *id = s->cfg->topics[b->topic].id;
        long c[STAT_COUNT];
        if (b->hour < from || b->hour >= to || (topic && strcmp(topic, id) != 0))
            continue;
        for (int k = 0; k < STAT_COUNT; k++)
            c[k] = b->pending[k] + b->flushed[k];
        if (!all_zero(c))
            put(id, b->hour, c, STAT_COUNT, arg);
    }
}

/* ---- reports ----------------------------------------------------------------- */

struct report_row {
    char topic[CONFIG_TOPIC_ID_MAX + 1];
    time_t hour;
    long c[STAT_COUNT];
};

struct stats_report {
    struct report_row *rows;
    size_t n, cap;
};

struct stats_report *stats_report_new(void)
{
    return calloc(1, sizeof(struct stats_report));
}

void stats_report_free(struct stats_report *r)
{
    if (r)
        free(r->rows);
    free(r);
}

int stats_report_add(const char *topic, time_t hour, const long *counts, int ncounts, void *arg)
{
    struct stats_report *r = arg;
    struct report_row *row = NULL;
    for (size_t i = r->n; i-- > 0 && !row;) /* rows of one topic and hour add up */
        if (r->rows[i].hour == hour && strcmp(r->rows[i].topic, topic) == 0)
            row = &r->rows[i];
    if (!row) {
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 64;
            struct report_row *nr = realloc(r->rows, cap * sizeof(*nr));
            if (!nr)
                return CHAT_ERR_NOMEM;
            r->rows = nr;
            r->cap = cap;
        }
        row = &r->rows[r->n++];
        memset(row, 0, sizeof(*row));
        snprintf(row->topic, sizeof(row->topic), "%s", topic);
        row->hour = hour;
    }
    for (int i = 0; i < ncounts && i < STAT_COUNT; i++)
        row->c[i] += counts[i];
    return 0;
}

static int row_cmp(const void *a, const void *b)
{
    const struct report_row *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    return c ? c : (x->hour > y->hour) - (x->hour < y->hour);
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

static void print_row(FILE *out, enum stats_format fmt, const struct report_row *r, long min_count,
                      bool first)
{
    char iso[32];
    format_hour(r->hour, iso);
    if (fmt == STATS_CSV)
        fprintf(out, "%s,%s", r->topic, iso);
    else
        fprintf(out, "%s{\"topic\":\"%s\",\"hour\":\"%s\"", first ? "" : ",", r->topic, iso);
    for (int i = 0; i < STAT_COUNT; i++) {
        bool hide = suppressed(r->c, i, min_count);
        if (fmt == STATS_CSV && hide)
            fprintf(out, ",<%ld", min_count);
        else if (fmt == STATS_CSV)
            fprintf(out, ",%ld", r->c[i]);
        else if (hide)
            fprintf(out, ",\"%s\":\"<%ld\"", stat_names[i], min_count);
        else
            fprintf(out, ",\"%s\":%ld", stat_names[i], r->c[i]);
    }
    fputs(fmt == STATS_CSV ? "\n" : "}", out);
}

int stats_report_print(struct stats_report *r, enum stats_format fmt, long min_count, FILE *out)
{
    if (r->n > 1)
        qsort(r->rows, r->n, sizeof(r->rows[0]), row_cmp);
    if (fmt == STATS_CSV) {
        fputs("topic,hour", out);
        for (int i = 0; i < STAT_COUNT; i++)
            fprintf(out, ",%s", stat_names[i]);
        fputc('\n', out);
    } else {
        fputs("{\"buckets\":[", out);
    }
    for (size_t i = 0; i < r->n; i++)
        print_row(out, fmt, &r->rows[i], min_count, i == 0);
    if (fmt == STATS_JSON)
        fputs("]}\n", out);
    return ferror(out) ? CHAT_ERR_IO : 0;
}

time_t stats_parse_day(const char *text, int plus_days)
{
    struct tm tm = {0};
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return -1;
    tm.tm_year = (int)strtol(text, NULL, 10);
    tm.tm_mon = (int)strtol(text + 5, NULL, 10);
    tm.tm_mday = (int)strtol(text + 8, NULL, 10);
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
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
