/*
 * schedule: the opening-hours grammar and its answers in local time.
 *
 * Parsing turns `hours`, `closed` and `extra` into the plain tables of struct
 * schedule, all or nothing: a value with an error leaves the schedule as it was.
 *
 * Answering works per local calendar date, numbered as days since 1970-01-01.
 * A date yields its open spans: absolute [start, end) instants, one per
 * interval, found from wall-clock readings taken with localtime_r (never from
 * mktime, whose choice for a missing or repeated local time is unspecified).
 * A span runs from the first instant the clock reads the interval's start (or
 * later) to the last instant the clock, counting up, reaches its end; see
 * schedule.h for what that means on DST nights. Because the first instant at
 * which the clock reads a time only grows with the time, spans of a later date
 * never start before spans of an earlier one: walking dates forward and each
 * date's spans by start visits all spans in start order. Every question is one
 * such walk, merging spans that overlap or touch.
 *
 * Assumption: the zone changes its UTC offset at most once in any four days
 * (DST rules in use are months apart); around a closer pair of changes the
 * answers could be off by the size of a change.
 */
#include "schedule.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chat_err.h"

#define DAY_S 86400
#define DAY_MIN 1440
#define EPOCH_DAYS 719162 /* days from 0001-01-01 to 1970-01-01 */
#define MAX_SPANS (SCHEDULE_MAX_WEEKLY + SCHEDULE_MAX_DATES + 1)
#define QUOTE_MAX 24 /* bytes of input quoted in an error message */

static const char day_names[7][4] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

/* Open from start (inclusive) to end (exclusive); never empty. */
struct span {
    time_t start, end;
};

/* A piece of the input text, not NUL-terminated. */
struct token {
    const char *p;
    size_t n;
};

/* ---- calendar ----------------------------------------------------------- */

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to the date y-m-d (proleptic Gregorian, y >= 1). */
static int64_t civil_days(int y, int m, int d)
{
    static const uint16_t before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int64_t past = y - 1; /* whole years since 0001-01-01 */
    int64_t n = past * 365 + past / 4 - past / 100 + past / 400 + before[m - 1] + d - 1;
    return n + (m > 2 && leap_year(y)) - EPOCH_DAYS;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* 0 = Sunday, as struct tm; 1970-01-01 was a Thursday. */
static int weekday(int64_t day)
{
    return (int)(day + 4 - floor_div(day + 4, 7) * 7);
}

/* ---- local time --------------------------------------------------------- */

/* What the local clock reads at t, as seconds since 1970-01-01 00:00 local. */
static int64_t wall_clock(time_t t)
{
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return (int64_t)t;
    int64_t day = civil_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return day * DAY_S + (int64_t)tm.tm_hour * 3600 + (int64_t)tm.tm_min * 60 + tm.tm_sec;
}

static int64_t local_day(time_t t)
{
    return floor_div(wall_clock(t), DAY_S);
}

/* The UTC offsets (seconds) in force well before and well after a date's
 * intervals: instants of local times from the date's 00:00 to 00:00 two days
 * on lie strictly between the two probes. They differ on a DST night. */
struct zone_near {
    int64_t before, after;
};

static struct zone_near zone_near(int64_t day)
{
    time_t a = (time_t)((day - 1) * DAY_S), b = (time_t)((day + 3) * DAY_S);
    return (struct zone_near){wall_clock(a) - a, wall_clock(b) - b};
}

/* The first instant at which the clock reads `wall` or later: its earlier
 * instance when repeated, the end of the gap when it falls in one. */
static time_t first_at(const struct zone_near *z, int64_t wall)
{
    time_t x = (time_t)(wall - z->before), y = (time_t)(wall - z->after);
    if (z->before == z->after)
        return x;
    time_t lo = x < y ? x : y, hi = x < y ? y : x;
    if (wall_clock(lo) == wall)
        return lo;
    if (wall_clock(hi) == wall)
        return hi;
    while (hi - lo > 1) { /* in a gap: the clock is behind wall at lo, past it at hi */
        time_t mid = lo + (hi - lo) / 2;
        if (wall_clock(mid) >= wall)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* The last instant at which the clock, counting up, reaches `wall`: the end
 * of a half-open interval ending at wall. In a repeated hour that is the later
 * instance, unless wall is where the clock is set back to (then the earlier). */
static time_t last_at(const struct zone_near *z, int64_t wall)
{
    time_t x = (time_t)(wall - z->before), y = (time_t)(wall - z->after);
    if (z->before == z->after)
        return x;
    time_t lo = x < y ? x : y, hi = x < y ? y : x;
    if (wall_clock(hi) == wall && wall_clock(hi - 1) < wall)
        return hi;
    if (wall_clock(lo) == wall && wall_clock(lo - 1) < wall)
        return lo;
    return first_at(z, wall); /* in a gap: the clock jumps over wall when it reaches it */
}

/* ---- the open spans of one date ------------------------------------------ */

static int64_t date_day(const struct schedule_date *d)
{
    return civil_days(d->year, d->month, d->day);
}

static bool closed_on(const struct schedule *s, int64_t day)
{
    for (size_t i = 0; i < s->nclosed; i++)
        if (date_day(&s->closed[i]) == day)
            return true;
    return false;
}

/* Local minutes of one date; to may pass 1440 (an extra running past midnight). */
struct minutes {
    int from, to;
};

static struct minutes interval_minutes(const struct schedule_date *d)
{
    return (struct minutes){d->start_min,
                            d->end_min > d->start_min ? d->end_min : d->end_min + DAY_MIN};
}

static const struct schedule_exception *exception_on(const struct schedule *s, int64_t day)
{
    for (size_t i = 0; i < s->nexcept; i++)
        if (date_day(&s->except[i].date) == day)
            return &s->except[i];
    return NULL;
}

static size_t date_minutes(const struct schedule *s, int64_t day, bool regular, struct minutes *out)
{
    size_t n = 0;
    const struct schedule_exception *x = regular ? NULL : exception_on(s, day);
    if (x) {
        if (!x->closed)
            out[n++] = interval_minutes(&x->date);
        return n;
    }
    if ((s->always || s->nweekly > 0) && !closed_on(s, day)) {
        int wday = weekday(day);
        if (s->always)
            out[n++] = (struct minutes){0, DAY_MIN};
        for (size_t i = 0; i < s->nweekly; i++)
            if (s->weekly[i].wday == wday)
                out[n++] = (struct minutes){s->weekly[i].start_min, s->weekly[i].end_min};
    }
    for (size_t i = 0; i < s->nextra; i++) {
        const struct schedule_date *e = &s->extra[i];
        if (date_day(e) == day)
            out[n++] = interval_minutes(e);
    }
    return n;
}

/* The non-empty spans of local date `day`, sorted by start. */
static size_t date_spans(const struct schedule *s, int64_t day, struct span *out)
{
    struct minutes mins[MAX_SPANS];
    size_t nmins = date_minutes(s, day, false, mins), n = 0;
    if (nmins == 0)
        return 0;
    struct zone_near z = zone_near(day);
    for (size_t i = 0; i < nmins; i++) {
        struct span sp = {first_at(&z, day * DAY_S + (int64_t)mins[i].from * 60),
                          last_at(&z, day * DAY_S + (int64_t)mins[i].to * 60)};
        if (sp.end <= sp.start)
            continue; /* wholly inside a spring-forward gap */
        size_t j = n++;
        for (; j > 0 && out[j - 1].start > sp.start; j--)
            out[j] = out[j - 1];
        out[j] = sp;
    }
    return n;
}

/* ---- questions -------------------------------------------------------- */

static time_t horizon(time_t now)
{
    const time_t ahead = (time_t)SCHEDULE_HORIZON_DAYS * DAY_S;
    return now > (time_t)INT64_MAX - ahead ? (time_t)INT64_MAX : now + ahead;
}

bool schedule_is_open(const struct schedule *s, time_t now)
{
    struct span sp[MAX_SPANS];
    int64_t today = local_day(now);
    for (int64_t day = today - 1; day <= today + 1; day++) {
        size_t n = date_spans(s, day, sp);
        for (size_t i = 0; i < n; i++)
            if (sp[i].start <= now && now < sp[i].end)
                return true;
    }
    return false;
}

time_t schedule_next_open(const struct schedule *s, time_t now)
{
    struct span sp[MAX_SPANS];
    time_t limit = horizon(now);
    if (schedule_is_open(s, now))
        return -1;
    for (int64_t day = local_day(now) - 1, last = local_day(limit) + 1; day <= last; day++) {
        size_t n = date_spans(s, day, sp);
        for (size_t i = 0; i < n; i++)
            if (sp[i].start > now)
                return sp[i].start <= limit ? sp[i].start : -1;
    }
    return -1;
}

time_t schedule_closes_at(const struct schedule *s, time_t now)
{
    struct span sp[MAX_SPANS];
    time_t limit = horizon(now), reach = now; /* open through [now, reach) */
    int64_t today = local_day(now), last = local_day(limit) + 1;
    for (int64_t day = today - 1; day <= last; day++) {
        size_t n = date_spans(s, day, sp);
        for (size_t i = 0; i < n; i++) {
            if (sp[i].start > reach)
                return reach > now ? reach : -1;
            if (sp[i].end > reach)
                reach = sp[i].end;
        }
        if (reach > limit || (reach == now && day > today))
            return -1; /* open past the horizon, or closed now */
    }
    return reach > now ? reach : -1;
}

time_t schedule_next_change(const struct schedule *s, time_t now)
{
    return schedule_is_open(s, now) ? schedule_closes_at(s, now) : schedule_next_open(s, now);
}

long schedule_open_seconds(const struct schedule *s, time_t from, time_t to)
{
    struct span sp[MAX_SPANS];
    time_t counted = from; /* [from, counted) is done */
    long total = 0;
    if (to <= from)
        return 0;
    for (int64_t day = local_day(from) - 1, last = local_day(to) + 1; day <= last; day++) {
        size_t n = date_spans(s, day, sp);
        for (size_t i = 0; i < n; i++) {
            time_t a = sp[i].start > counted ? sp[i].start : counted;
            time_t b = sp[i].end < to ? sp[i].end : to;
            if (b > a) {
                total += (long)(b - a);
                counted = b;
            }
        }
    }
    return total;
}

void schedule_init(struct schedule *s)
{
    *s = (struct schedule){0};
}

/* ---- parsing: errors and tokens ------------------------------------------ */

__attribute__((format(printf, 3, 4))) static int report(char *err, size_t errlen, const char *fmt,
                                                        ...)
{
    va_list ap;
    if (err && errlen > 0) {
        va_start(ap, fmt);
        (void)vsnprintf(err, errlen, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
        va_end(ap);
    }
    return CHAT_ERR_BAD_REQUEST;
}

/* t shortened and made printable ASCII, so the message stays one short line. */
static const char *quote(char buf[QUOTE_MAX + 4], struct token t)
{
    size_t n = t.n < QUOTE_MAX ? t.n : QUOTE_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t.p[i];
        buf[i] = '?';
        if (c >= 0x20 && c < 0x7f)
            buf[i] = (char)c;
    }
    memcpy(buf + n, t.n > n ? "..." : "", t.n > n ? 4 : 1);
    return buf;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

static struct token trim(const char *p, size_t n)
{
    while (n > 0 && blank(*p))
        p++, n--;
    while (n > 0 && blank(p[n - 1]))
        n--;
    return (struct token){p, n};
}

static bool token_is(struct token t, const char *word)
{
    return t.n == strlen(word) && memcmp(t.p, word, t.n) == 0;
}

/* Splits t at its first blanks: head is what comes before them, tail after. */
static bool split_blank(struct token t, struct token *head, struct token *tail)
{
    size_t i = 0;
    while (i < t.n && !blank(t.p[i]))
        i++;
    *head = (struct token){t.p, i};
    *tail = trim(t.p + i, t.n - i);
    return i < t.n;
}

typedef int (*item_fn)(struct schedule *s, struct token item, char *err, size_t errlen);

/* Runs fn on each comma-separated item of text, trimmed; empty items are errors. */
static int each_item(struct schedule *s, const char *text, const char *key, item_fn fn, char *err,
                     size_t errlen)
{
    for (const char *p = text;;) {
        const char *comma = strchr(p, ',');
        struct token item = trim(p, comma ? (size_t)(comma - p) : strlen(p));
        if (item.n == 0)
            return report(err, errlen, "empty item in %s", key);
        int rc = fn(s, item, err, errlen);
        if (rc != 0 || !comma)
            return rc;
        p = comma + 1;
    }
}

/* ---- parsing: the grammar ------------------------------------------------ */

/* "HH:MM", 00:00..24:00, as minutes from midnight; -1 when malformed. */
static int parse_clock(const char *p)
{
    for (int i = 0; i < 5; i++)
        if (i == 2 ? p[i] != ':' : p[i] < '0' || p[i] > '9')
            return -1;
    int h = (p[0] - '0') * 10 + p[1] - '0', m = (p[3] - '0') * 10 + p[4] - '0';
    if (h > 24 || m > 59 || (h == 24 && m != 0))
        return -1;
    return h * 60 + m;
}

/* "HH:MM-HH:MM" with start < 24:00 and end != start; end < start runs past midnight. */
static int parse_range(struct token t, const char *key, int *from, int *to, char *err,
                       size_t errlen)
{
    char q[QUOTE_MAX + 4];
    if (t.n != 11 || t.p[5] != '-')
        return report(err, errlen, "bad time range \"%s\" in %s", quote(q, t), key);
    const char *clock[2] = {t.p, t.p + 6};
    int *value[2] = {from, to};
    for (int i = 0; i < 2; i++)
        if ((*value[i] = parse_clock(clock[i])) < 0)
            return report(err, errlen, "bad time \"%s\" in %s",
                          quote(q, (struct token){clock[i], 5}), key);
    if (*from == DAY_MIN)
        return report(err, errlen, "bad start \"24:00\" in %s", key);
    if (*from == *to)
        return report(err, errlen, "empty interval \"%s\" in %s", quote(q, t), key);
    return 0;
}

static int day_index(struct token t)
{
    for (int i = 0; i < 7; i++)
        if (token_is(t, day_names[i]))
            return i;
    return -1;
}

/* DAYS as a bit mask over struct tm weekdays: a day, a range (may wrap), daily. */
static int parse_days(struct token t, unsigned *mask, char *err, size_t errlen)
{
    char q[QUOTE_MAX + 4];
    if (token_is(t, "daily")) {
        *mask = 0x7f;
        return 0;
    }
    const char *dash = memchr(t.p, '-', t.n);
    struct token a = {t.p, dash ? (size_t)(dash - t.p) : t.n};
    struct token b = dash ? (struct token){dash + 1, t.n - a.n - 1} : a;
    int first = day_index(a), last = day_index(b);
    if (first < 0 || last < 0)
        return report(err, errlen, "bad day \"%s\" in hours", quote(q, first < 0 ? a : b));
    if (dash && first == last)
        return report(err, errlen, "bad day range \"%s\" in hours", quote(q, t));
    *mask = 0;
    for (int d = first;; d = (d + 1) % 7) {
        *mask |= 1u << d;
        if (d == last)
            return 0;
    }
}

static int add_weekly(struct schedule *s, int wday, int from, int to, char *err, size_t errlen)
{
    if (s->nweekly == SCHEDULE_MAX_WEEKLY)
        return report(err, errlen, "too many intervals in hours (at most %d)", SCHEDULE_MAX_WEEKLY);
    s->weekly[s->nweekly++] = (struct schedule_weekly){(uint8_t)wday, (uint16_t)from, (uint16_t)to};
    return 0;
}

/* "DAYS HH:MM-HH:MM"; past midnight, the rest goes to the next weekday. */
static int hours_item(struct schedule *s, struct token item, char *err, size_t errlen)
{
    char q[QUOTE_MAX + 4];
    struct token days, range;
    unsigned mask = 0;
    int from = 0, to = 0, rc;
    if (!split_blank(item, &days, &range))
        return report(err, errlen, "bad item \"%s\" in hours (want DAYS HH:MM-HH:MM)",
                      quote(q, item));
    if ((rc = parse_days(days, &mask, err, errlen)) != 0 ||
        (rc = parse_range(range, "hours", &from, &to, err, errlen)) != 0)
        return rc;
    for (int d = 0; d < 7 && rc == 0; d++) {
        if (!(mask & (1u << d)))
            continue;
        rc = add_weekly(s, d, from, to > from ? to : DAY_MIN, err, errlen);
        if (rc == 0 && to < from && to > 0)
            rc = add_weekly(s, (d + 1) % 7, 0, to, err, errlen);
    }
    return rc;
}

int schedule_parse_hours(struct schedule *s, const char *text, char *err, size_t errlen)
{
    struct schedule next = *s;
    struct token all = trim(text, strlen(text));
    next.always = false;
    next.nweekly = 0;
    if (all.n == 0)
        return report(err, errlen, "empty hours (want always, never or DAYS HH:MM-HH:MM)");
    if (token_is(all, "always")) {
        next.always = true;
    } else if (!token_is(all, "never")) {
        int rc = each_item(&next, text, "hours", hours_item, err, errlen);
        if (rc != 0)
            return rc;
    }
    *s = next;
    return 0;
}

/* "YYYY-MM-DD", a real date from 1970 on. */
static bool parse_date(struct token t, struct schedule_date *d)
{
    int v[3] = {0, 0, 0}, field = 0;
    if (t.n != 10)
        return false;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (t.p[i] != '-')
                return false;
            field++;
        } else if (t.p[i] >= '0' && t.p[i] <= '9') {
            v[field] = v[field] * 10 + t.p[i] - '0';
        } else {
            return false;
        }
    }
    if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > month_days(v[0], v[1]))
        return false;
    *d =
        (struct schedule_date){.year = (int16_t)v[0], .month = (uint8_t)v[1], .day = (uint8_t)v[2]};
    return true;
}

static int closed_item(struct schedule *s, struct token item, char *err, size_t errlen)
{
    char q[QUOTE_MAX + 4];
    struct schedule_date d;
    if (!parse_date(item, &d))
        return report(err, errlen, "bad date \"%s\" in closed", quote(q, item));
    if (s->nclosed == SCHEDULE_MAX_DATES)
        return report(err, errlen, "too many dates in closed (at most %d)", SCHEDULE_MAX_DATES);
    s->closed[s->nclosed++] = d;
    return 0;
}

static int extra_item(struct schedule *s, struct token item, char *err, size_t errlen)
{
    char q[QUOTE_MAX + 4];
    struct token date, range;
    struct schedule_date d;
    int from = 0, to = 0, rc;
    if (!split_blank(item, &date, &range))
        return report(err, errlen, "bad item \"%s\" in extra (want YYYY-MM-DD HH:MM-HH:MM)",
                      quote(q, item));
    if (!parse_date(date, &d))
        return report(err, errlen, "bad date \"%s\" in extra", quote(q, date));
    if ((rc = parse_range(range, "extra", &from, &to, err, errlen)) != 0)
        return rc;
    if (s->nextra == SCHEDULE_MAX_DATES)
        return report(err, errlen, "too many openings in extra (at most %d)", SCHEDULE_MAX_DATES);
    d.start_min = (uint16_t)from;
    d.end_min = (uint16_t)to;
    s->extra[s->nextra++] = d;
    return 0;
}

/* A date list into next: empty means none; otherwise every item must parse. */
static int parse_list(struct schedule *next, const char *text, const char *key, item_fn fn,
                      char *err, size_t errlen)
{
    if (trim(text, strlen(text)).n == 0)
        return 0;
    return each_item(next, text, key, fn, err, errlen);
}

int schedule_parse_closed(struct schedule *s, const char *text, char *err, size_t errlen)
{
    struct schedule next = *s;
    next.nclosed = 0;
    int rc = parse_list(&next, text, "closed", closed_item, err, errlen);
    if (rc == 0)
        *s = next;
    return rc;
}

int schedule_parse_extra(struct schedule *s, const char *text, char *err, size_t errlen)
{
    struct schedule next = *s;
    next.nextra = 0;
    int rc = parse_list(&next, text, "extra", extra_item, err, errlen);
    if (rc == 0)
        *s = next;
    return rc;
}

/* ---- exceptions and calendars -------------------------------------------- */

int schedule_set_exceptions(struct schedule *s, const struct schedule_exception *x, size_t n)
{
    if (n > SCHEDULE_MAX_EXCEPTIONS)
        return CHAT_ERR_BAD_REQUEST;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (date_day(&x[i].date) == date_day(&x[j].date))
                return CHAT_ERR_BAD_REQUEST;
    if (n > 0)
        memcpy(s->except, x, n * sizeof(*x));
    s->nexcept = n;
    return 0;
}

bool schedule_parse_date(const char *text, struct schedule_date *d)
{
    return parse_date((struct token){text, strlen(text)}, d);
}

int schedule_parse_interval(const char *text, struct schedule_date *d, char *err, size_t errlen)
{
    int from = 0, to = 0;
    int rc =
        parse_range((struct token){text, strlen(text)}, "the interval", &from, &to, err, errlen);
    if (rc == 0) {
        d->start_min = (uint16_t)from;
        d->end_min = (uint16_t)to;
    }
    return rc;
}

/* The date of day number `day` (days since 1970-01-01). */
static struct schedule_date date_of_day(int64_t day)
{
    /* H. Hinnant's civil_from_days */
    int64_t z = day + 719468, era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    return (struct schedule_date){.year = (int16_t)y, .month = (uint8_t)m, .day = (uint8_t)d};
}

struct schedule_date schedule_local_date(time_t now)
{
    return date_of_day(local_day(now));
}

long schedule_days_between(const struct schedule_date *a, const struct schedule_date *b)
{
    return (long)(date_day(b) - date_day(a));
}

struct schedule_date schedule_date_add(const struct schedule_date *d, long n)
{
    return date_of_day(date_day(d) + n);
}

size_t schedule_day(const struct schedule *s, const struct schedule_date *d, bool regular,
                    struct schedule_minutes *out, size_t max)
{
    struct minutes mins[MAX_SPANS];
    size_t nmins = date_minutes(s, date_day(d), regular, mins), n = 0;
    for (size_t i = 1; i < nmins; i++) /* insertion sort by start */
        for (size_t j = i; j > 0 && mins[j - 1].from > mins[j].from; j--) {
            struct minutes t = mins[j];
            mins[j] = mins[j - 1];
            mins[j - 1] = t;
        }
    for (size_t i = 0; i < nmins; i++) {
        if (n > 0 && mins[i].from <= out[n - 1].to) {
            if (mins[i].to > out[n - 1].to)
                out[n - 1].to = mins[i].to;
        } else if (n < max) {
            out[n++] = (struct schedule_minutes){mins[i].from, mins[i].to};
        }
    }
    return n;
}
