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

#include <stdint.h>
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
    "urgent",
    "alerts",
    "first_reply_s",
    "first_replies",
    "wrapups",
    "wrapup_s",
    "kind_counselling",
    "kind_information",
    "kind_silent",
    "kind_test",
    "kind_prank",
    "kind_abusive",
    "slot_s",
    "helped_yes",
    "helped_somewhat",
    "helped_no",
    "again_yes",
    "again_no",
    "refused_cutoff",
    "planned_s",
    "letters_received",
    "letters_answered",
    "letter_answer_s",
    "letters_overdue",
    "overflow_out",
    "overflow_in",
};

/* Upper bounds of the histogram bins, in seconds; the last bin is open. */
static const time_t bin_limits[STATS_BINS - 1] = {60, 300, 900, 1800, 3600};

/* A bucket's counters: STAT_COUNT fixed ones, then the config's extras. */
struct bucket {
    int topic;
    time_t hour;
    bool touched; /* time was accounted into it since the last flush (even 0 s) */
    long *open;   /* n counters each, one allocation (open) */
    long *pending;
    long *flushed;
};

struct stats {
    const struct config *cfg;
    int n;                         /* counters per bucket: STAT_COUNT + extras */
    char (*names)[STATS_NAME_MAX]; /* the extras' names */
    struct bucket *b;
    size_t nb;
    time_t accrued_until[CONFIG_MAX_TOPICS];
    int staffed[CONFIG_MAX_TOPICS];
    int slots[CONFIG_MAX_TOPICS];
    long events; /* stats_add calls so far */
};

const char *stats_name(int i)
{
    return i >= 0 && i < STAT_COUNT ? stat_names[i] : NULL;
}

static int answers_total(const struct config *cfg)
{
    int n = 0;
    for (size_t q = 0; q < cfg->nquestions; q++)
        n += cfg->questions[q].nanswers;
    return n;
}

int stats_extra_count(const struct config *cfg)
{
    return answers_total(cfg) + (int)cfg->ncategories;
}

int stats_answer_counter(const struct config *cfg, int q, int a)
{
    int n = STAT_COUNT;
    for (int j = 0; j < q; j++)
        n += cfg->questions[j].nanswers;
    return n + a;
}

int stats_category_counter(const struct config *cfg, int c)
{
    return STAT_COUNT + answers_total(cfg) + c;
}

void stats_extra_name(const struct config *cfg, int i, char out[STATS_NAME_MAX])
{
    for (size_t q = 0; q < cfg->nquestions; q++) {
        const struct config_question *cq = &cfg->questions[q];
        if (i < cq->nanswers) {
            snprintf(out, STATS_NAME_MAX, "q_%s_%s", cq->id, cq->answers[i].id);
            return;
        }
        i -= cq->nanswers;
    }
    snprintf(out, STATS_NAME_MAX, "cat_%s", cfg->categories[i].id);
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
    int nextra = stats_extra_count(cfg);
    if (!s || !(s->b = calloc(STATS_MAX_BUCKETS, sizeof(*s->b))) ||
        !(s->names = calloc((size_t)nextra + 1, sizeof(*s->names)))) {
        stats_free(s);
        return NULL;
    }
    s->cfg = cfg;
    s->n = STAT_COUNT + nextra;
    for (int i = 0; i < nextra; i++)
        stats_extra_name(cfg, i, s->names[i]);
    for (size_t i = 0; i < CONFIG_MAX_TOPICS; i++)
        s->accrued_until[i] = now;
    return s;
}

void stats_free(struct stats *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->b && i < s->nb; i++)
        free(s->b[i].open);
    free(s->b);
    free(s->names);
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
    long *c = calloc(3 * (size_t)s->n, sizeof(long));
    if (!c)
        return NULL; /* counted as lost */
    struct bucket *b = &s->b[s->nb++];
    *b = (struct bucket){.topic = topic, .hour = hour, .open = c};
    b->pending = c + s->n;
    b->flushed = b->pending + s->n;
    return b;
}

void stats_add(struct stats *s, int topic, int c, long n, time_t t)
{
    struct bucket *b = c >= 0 && c < s->n ? bucket_for(s, topic, t) : NULL;
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
static void add_pending(struct stats *s, int topic, int c, long n, time_t t)
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
            add_pending(s, topic, STAT_SLOT_S, (long)(end - from) * s->slots[topic], from);
        }
        from = end;
    }
    if (to > s->accrued_until[topic])
        s->accrued_until[topic] = to;
}

void stats_accrue(struct stats *s, time_t t)
{
    for (size_t i = 0; i < s->cfg->ntopics; i++)
        accrue(s, (int)i, t);
}

void stats_staffing(struct stats *s, int topic, int workers, int slots, time_t t)
{
    if (s->staffed[topic] == workers && s->slots[topic] == slots)
        return;
    accrue(s, topic, t);
    s->staffed[topic] = workers;
    s->slots[topic] = slots;
}

static bool all_zero(const long *c, int n)
{
    for (int i = 0; i < n; i++)
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
        if (!b->touched && all_zero(b->open, 3 * s->n)) { /* the three stages, one array */
            free(b->open);
            continue;
        }
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
        for (int c = 0; c < s->n; c++) {
            if (committed)
                b->pending[c] += b->open[c];
            else
                b->pending[c] += b->flushed[c];
            b->open[c] = b->flushed[c] = 0;
        }
    }
    compact(s);
}

/* The row of bucket b with counts c (n values). */
static struct stats_row row_of(const struct stats *s, const struct bucket *b, const long *c)
{
    return (struct stats_row){.topic = s->cfg->topics[b->topic].id,
                              .hour = b->hour,
                              .counts = c,
                              .nextra = s->n - STAT_COUNT,
                              .extra_names = (const char *const *)NULL,
                              .extra = c + STAT_COUNT};
}

/* The extras' names as the array of pointers a row carries. */
static const char *const *name_ptrs(const struct stats *s, const char **out)
{
    for (int i = 0; i < s->n - STAT_COUNT; i++)
        out[i] = s->names[i];
    return out;
}

int stats_flush(struct stats *s, time_t now, stats_put_fn put, void *arg)
{
    const char *names[STATS_MAX_EXTRA + 1];
    name_ptrs(s, names);
    for (size_t t = 0; t < s->cfg->ntopics; t++)
        accrue(s, (int)t, now);
    for (size_t i = 0; i < s->nb; i++) {
        struct bucket *b = &s->b[i];
        if (!b->touched && all_zero(b->pending, s->n))
            continue;
        struct stats_row row = row_of(s, b, b->pending);
        row.extra_names = names;
        int rc = put(&row, arg);
        if (rc != 0)
            return rc;
        b->touched = false;
        for (int c = 0; c < s->n; c++) {
            b->flushed[c] += b->pending[c];
            b->pending[c] = 0;
        }
    }
    return 0;
}

void stats_each_unstored(const struct stats *s, time_t from, time_t to, const char *topic,
                         stats_put_fn put, void *arg)
{
    const char *names[STATS_MAX_EXTRA + 1];
    long c[STAT_COUNT + STATS_MAX_EXTRA];
    name_ptrs(s, names);
    for (size_t i = 0; i < s->nb; i++) {
        const struct bucket *b = &s->b[i];
        const char *id = s->cfg->topics[b->topic].id;
        if (b->hour < from || b->hour >= to || (topic && strcmp(topic, id) != 0))
            continue;
        for (int k = 0; k < s->n; k++)
            c[k] = b->pending[k] + b->flushed[k];
        struct stats_row row = row_of(s, b, c);
        row.extra_names = names;
        if (!all_zero(c, s->n))
            put(&row, arg);
    }
}

/* ---- reports ----------------------------------------------------------------- */

enum { REPORT_MAX_NAMES = 2 * STATS_MAX_EXTRA }; /* the config's and others from the data */

/* An extra counter of a row: which name, how much. */
struct report_extra {
    int name;
    long n;
};

struct report_row {
    char topic[CONFIG_TOPIC_ID_MAX + 1];
    time_t hour;
    long c[STAT_COUNT];
    struct report_extra *ex; /* sparse: only the extras the row has */
    int nex, capex;
};

/* rows[] by (topic, hour): open addressing, linear probing; slot holds a
 * row's index + 1 (0: empty), at most half the slots are used. */
struct stats_report {
    struct report_row *rows;
    size_t n, cap;
    size_t *slot;
    size_t nslots;                 /* a power of two, 0 before the first row */
    char (*names)[STATS_NAME_MAX]; /* REPORT_MAX_NAMES of them */
    int nnames;
    const char *members; /* more of the JSON form, or NULL */
    /* the config of stats_report_names, for each row's org (contract v3
     * §4); NULL: none is printed */
    const struct config *cfg;
};

struct stats_report *stats_report_new(void)
{
    struct stats_report *r = calloc(1, sizeof(*r));
    if (r && !(r->names = calloc(REPORT_MAX_NAMES, sizeof(*r->names)))) {
        free(r);
        return NULL;
    }
    return r;
}

void stats_report_free(struct stats_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->rows[i].ex);
    free(r->rows);
    free(r->slot);
    free(r->names);
    free(r);
}

/* The index of name in r (added when new), or -1 when the table is full. */
static int report_name(struct stats_report *r, const char *name)
{
    for (int i = 0; i < r->nnames; i++)
        if (strcmp(r->names[i], name) == 0)
            return i;
    if (r->nnames == REPORT_MAX_NAMES)
        return -1;
    snprintf(r->names[r->nnames], STATS_NAME_MAX, "%s", name);
    return r->nnames++;
}

int stats_report_names(struct stats_report *r, const struct config *cfg)
{
    char name[STATS_NAME_MAX];
    r->cfg = cfg;
    for (int i = 0; i < stats_extra_count(cfg); i++) {
        stats_extra_name(cfg, i, name);
        if (report_name(r, name) < 0)
            return CHAT_ERR_NOMEM;
    }
    return 0;
}

void stats_report_members(struct stats_report *r, const char *members)
{
    r->members = members;
}

/* FNV-1a over topic, then the hour's bytes. */
static size_t row_hash(const char *topic, time_t hour)
{
    uint64_t h = 14695981039346656037u;
    for (const unsigned char *p = (const unsigned char *)topic; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    uint64_t t = (uint64_t)hour;
    for (int i = 0; i < 8; i++, t >>= 8)
        h = (h ^ (t & 0xff)) * 1099511628211u;
    return (size_t)(h ^ (h >> 29));
}

/* The slot of (topic, hour) in r->slot: its row's, or the empty one where
 * it would go. */
static size_t *row_slot(struct stats_report *r, const char *topic, time_t hour)
{
    size_t mask = r->nslots - 1;
    for (size_t i = row_hash(topic, hour) & mask;; i = (i + 1) & mask) {
        size_t k = r->slot[i];
        if (!k || (r->rows[k - 1].hour == hour && strcmp(r->rows[k - 1].topic, topic) == 0))
            return &r->slot[i];
    }
}

/* Doubles the slot table (or makes the first) and puts every row in again. */
static int rows_rehash(struct stats_report *r)
{
    size_t n = r->nslots ? 2 * r->nslots : 128;
    size_t *slot = calloc(n, sizeof(*slot));
    if (!slot)
        return CHAT_ERR_NOMEM;
    free(r->slot);
    r->slot = slot;
    r->nslots = n;
    for (size_t i = 0; i < r->n; i++)
        *row_slot(r, r->rows[i].topic, r->rows[i].hour) = i + 1;
    return 0;
}

static struct report_row *report_row(struct stats_report *r, const char *topic, time_t hour)
{
    if (2 * (r->n + 1) > r->nslots && rows_rehash(r) != 0)
        return NULL;
    size_t *slot = row_slot(r, topic, hour); /* rows of one topic and hour add up */
    if (*slot)
        return &r->rows[*slot - 1];
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        struct report_row *nr = realloc(r->rows, cap * sizeof(*nr));
        if (!nr)
            return NULL;
        r->rows = nr;
        r->cap = cap;
    }
    struct report_row *row = &r->rows[r->n++];
    memset(row, 0, sizeof(*row));
    snprintf(row->topic, sizeof(row->topic), "%s", topic);
    row->hour = hour;
    *slot = r->n;
    return row;
}

/* Adds n to the extra counter name of row. */
static int row_add_extra(struct stats_report *r, struct report_row *row, const char *name, long n)
{
    int k = report_name(r, name);
    if (k < 0)
        return CHAT_ERR_NOMEM;
    for (int i = 0; i < row->nex; i++)
        if (row->ex[i].name == k) {
            row->ex[i].n += n;
            return 0;
        }
    if (row->nex == row->capex) {
        int cap = row->capex ? 2 * row->capex : 8;
        struct report_extra *ne = realloc(row->ex, (size_t)cap * sizeof(*ne));
        if (!ne)
            return CHAT_ERR_NOMEM;
        row->ex = ne;
        row->capex = cap;
    }
    row->ex[row->nex++] = (struct report_extra){k, n};
    return 0;
}

int stats_report_add(const struct stats_row *in, void *arg)
{
    struct stats_report *r = arg;
    struct report_row *row = report_row(r, in->topic, in->hour);
    if (!row)
        return CHAT_ERR_NOMEM;
    for (int i = 0; i < STAT_COUNT; i++)
        row->c[i] += in->counts[i];
    for (int i = 0; i < in->nextra; i++)
        if (in->extra[i] && row_add_extra(r, row, in->extra_names[i], in->extra[i]) != 0)
            return CHAT_ERR_NOMEM;
    return 0;
}

static long row_extra(const struct report_row *row, int name)
{
    for (int i = 0; i < row->nex; i++)
        if (row->ex[i].name == name)
            return row->ex[i].n;
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

/* The counter a sum of seconds is hidden with (its count), or -1 for a
 * time counter that is never hidden, or i itself. */
static int hidden_with(int i)
{
    switch (i) {
    case STAT_OPEN_S:
    case STAT_STAFFED_S:
    case STAT_WORKER_S:
    case STAT_SLOT_S:
    case STAT_PLANNED_S:
        return -1;
    case STAT_WAIT_ANSWERED_S:
        return STAT_ANSWERED;
    case STAT_WAIT_ABANDONED_S:
        return STAT_ABANDONED;
    case STAT_CHAT_S:
        return STAT_CHATS;
    case STAT_FIRST_REPLY_S:
        return STAT_FIRST_REPLIES;
    case STAT_WRAPUP_S:
        return STAT_WRAPUPS;
    case STAT_LETTER_ANSWER_S:
        return STAT_LETTERS_ANSWERED;
    default:
        return i;
    }
}

/* Prints one value, or the marker when hide. */
static void print_value(FILE *out, enum stats_format fmt, const char *name, long v, bool hide,
                        long min_count)
{
    if (fmt == STATS_CSV && hide)
        fprintf(out, ",<%ld", min_count);
    else if (fmt == STATS_CSV)
        fprintf(out, ",%ld", v);
    else if (hide)
        fprintf(out, ",\"%s\":\"<%ld\"", name, min_count);
    else
        fprintf(out, ",\"%s\":%ld", name, v);
}

/* The id of the org of topic (contract v3 §4), or NULL for a topic the
 * config no longer has. */
static const char *row_org(const struct stats_report *r, const char *topic)
{
    for (size_t i = 0; r->cfg && i < r->cfg->ntopics; i++) /* the pure core has no config.c */
        if (strcmp(r->cfg->topics[i].id, topic) == 0)
            return r->cfg->orgs[r->cfg->topics[i].org].id;
    return NULL;
}

static void print_row(FILE *out, enum stats_format fmt, const struct stats_report *r,
                      const struct report_row *row, long min_count, bool first)
{
    char iso[32];
    const char *org = row_org(r, row->topic);
    format_hour(row->hour, iso);
    if (fmt == STATS_CSV)
        fprintf(out, "%s,%s", row->topic, iso);
    else
        fprintf(out, "%s{\"topic\":\"%s\",\"hour\":\"%s\"", first ? "" : ",", row->topic, iso);
    for (int i = 0; i < STAT_COUNT; i++) {
        int by = hidden_with(i);
        print_value(out, fmt, stat_names[i], row->c[i],
                    min_count > 0 && by >= 0 && row->c[by] < min_count, min_count);
    }
    for (int k = 0; k < r->nnames; k++) {
        long v = row_extra(row, k);
        print_value(out, fmt, r->names[k], v, min_count > 0 && v < min_count, min_count);
    }
    /* the org last, in both forms: older readers' columns stay put (the
     * pages' CSV takes the JSON's order); org ids are [a-z0-9_], nothing
     * in them needs escaping */
    if (fmt == STATS_CSV && r->cfg)
        fprintf(out, ",%s\n", org ? org : "");
    else if (fmt == STATS_CSV)
        fputc('\n', out);
    else if (r->cfg && org)
        fprintf(out, ",\"org\":\"%s\"}", org);
    else
        fputs(r->cfg ? ",\"org\":null}" : "}", out);
}

int stats_report_print(struct stats_report *r, enum stats_format fmt, long min_count, FILE *out)
{
    if (r->n > 1) { /* the rows move: the table finds them again */
        qsort(r->rows, r->n, sizeof(r->rows[0]), row_cmp);
        memset(r->slot, 0, r->nslots * sizeof(*r->slot));
        for (size_t i = 0; i < r->n; i++)
            *row_slot(r, r->rows[i].topic, r->rows[i].hour) = i + 1;
    }
    if (fmt == STATS_CSV) {
        fputs("topic,hour", out);
        for (int i = 0; i < STAT_COUNT; i++)
            fprintf(out, ",%s", stat_names[i]);
        for (int k = 0; k < r->nnames; k++)
            fprintf(out, ",%s", r->names[k]);
        fputs(r->cfg ? ",org\n" : "\n", out);
    } else {
        fputs("{\"buckets\":[", out);
    }
    for (size_t i = 0; i < r->n; i++)
        print_row(out, fmt, r, &r->rows[i], min_count, i == 0);
    if (fmt == STATS_JSON)
        fprintf(out, "]%s%s}\n", r->members ? "," : "", r->members ? r->members : "");
    return ferror(out) ? CHAT_ERR_IO : 0;
}

/* The n-digit number at s, or -1 when not all digits. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

time_t stats_parse_iso(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd+dd:dd";
    if (strlen(s) != sizeof(shape) - 1)
        return -1;
    for (size_t i = 0; i < sizeof(shape) - 1; i++)
        if (shape[i] != 'd' && shape[i] != '+' && s[i] != shape[i])
            return -1;
    char sign = s[19];
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = digits(s + 11, 2),
        mi = digits(s + 14, 2), sec = digits(s + 17, 2), oh = digits(s + 20, 2),
        om = digits(s + 23, 2);
    if ((sign != '+' && sign != '-') || y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || sec < 0 || sec > 59 || oh < 0 || oh > 14 || om < 0 || om > 59)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    if (t == -1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
        return -1;
    return t - (sign == '+' ? 1 : -1) * (time_t)(oh * 3600 + om * 60);
}

void stats_format_day(time_t t, char out[STATS_DAY_CHARS])
{
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, STATS_DAY_CHARS, "%Y-%m-%d", &tm);
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

int stats_period_check(time_t from, time_t to)
{
    if (from < 0 || to <= from)
        return CHAT_ERR_BAD_REQUEST;
    /* local days are 23 to 25 hours long: the nearest whole number of days */
    double days = ((double)to - (double)from) / 86400.0;
    return days > STATS_PERIOD_MAX_DAYS + 0.5 ? CHAT_ERR_PERIOD_TOO_LONG : 0;
}
