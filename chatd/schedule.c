/*
 * schedule: the opening-hours grammar and its evaluation in local time.
 *
 * Evaluation works on local calendar dates: each date yields a few absolute
 * [start, end) intervals (weekly openings unless the date is closed, plus
 * extra openings), converted with mktime so the zone's DST rules apply.
 * Questions look at the dates around `now`; next_open and closes_at walk
 * forward at most SCHEDULE_HORIZON_DAYS. `always` is stored as daily
 * 00:00-24:00, so closed dates close it too.
 */
#include "schedule.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"

#define DAY_MIN 1440
#define DATE_MAX_INTERVALS (SCHEDULE_MAX_WEEKLY + SCHEDULE_MAX_DATES)

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct span {
    time_t start, end;
};

/* ---- calendar arithmetic (proleptic Gregorian, no time zone) ---------- */

static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int wday_of(long days)
{
    long w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

static long local_days(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The instant of local date `days` at minute (0..1440+). In a repeated hour
 * the earliest instance (latest when late is set); in a gap, mktime's shift. */
static time_t local_instant(long days, int minute, int late)
{
    int y, m, d;
    time_t best = -1;
    civil_from_days(days + minute / DAY_MIN, &y, &m, &d);
    minute %= DAY_MIN;
    for (int dst = 0; dst <= 1; dst++) {
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = m - 1,
                        .tm_mday = d,
                        .tm_hour = minute / 60,
                        .tm_min = minute % 60,
                        .tm_isdst = dst};
        time_t t = mktime(&tm);
        struct tm back;
        localtime_r(&t, &back);
        if (t == -1 || back.tm_hour != minute / 60 || back.tm_min != minute % 60 ||
            back.tm_mday != d)
            continue; /* that reading of the wall clock does not exist */
        if (best == -1 || (late ? t > best : t < best))
            best = t;
    }
    if (best == -1) {
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = m - 1,
                        .tm_mday = d,
                        .tm_hour = minute / 60,
                        .tm_min = minute % 60,
                        .tm_isdst = -1};
        best = mktime(&tm);
    }
    return best;
}

/* ---- parsing ------------------------------------------------------------ */

void schedule_init(struct schedule *s)
{
    memset(s, 0, sizeof(*s));
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Copies the comma-separated item at *p into buf (trimmed); advances *p. */
static int next_item(const char **p, char *buf, size_t size)
{
    const char *start = skip_ws(*p), *end = strchr(start, ',');
    if (!end)
        end = start + strlen(start);
    size_t n = (size_t)(end - start);
    while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
        n--;
    if (n >= size) {
        snprintf(buf, size, "%.20s...", start); /* for the error message */
        return -1;
    }
    memcpy(buf, start, n);
    buf[n] = '\0';
    *p = *end ? end + 1 : end;
    return 0;
}

/* True when the last non-blank character of s is a comma (an empty last item). */
static bool ends_with_comma(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n > 0 && s[n - 1] == ',';
}

__attribute__((format(printf, 3, 4))) static int err(char *errbuf, size_t errlen, const char *fmt,
                                                     ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
    return CHAT_ERR_BAD_REQUEST;
}

/* Parses "HH:MM" (00:00..24:00) into minutes; -1 when malformed. */
static int parse_clock(const char *s, size_t len)
{
    if (len != 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
        !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return -1;
    return h * 60 + m;
}

/* Parses "HH:MM-HH:MM": start < 1440, end 1..1440, end != start. */
static int parse_range(const char *s, int *start, int *end, char *errbuf, size_t errlen)
{
    const char *dash = strchr(s, '-');
    if (!dash || (*start = parse_clock(s, (size_t)(dash - s))) < 0 ||
        (*end = parse_clock(dash + 1, strlen(dash + 1))) < 0)
        return err(errbuf, errlen, "bad time range \"%s\": expected HH:MM-HH:MM", s);
    if (*start == DAY_MIN)
        return err(errbuf, errlen, "bad time range \"%s\": 24:00 can only end an interval", s);
    if (*end == 0)
        *end = DAY_MIN; /* 22:00-00:00 means until midnight */
    if (*start == *end)
        return err(errbuf, errlen, "empty time range \"%s\"", s);
    return 0;
}

static int day_index(const char *s, size_t len)
{
    for (int i = 0; i < 7; i++)
        if (len == 3 && strncmp(s, day_names[i], 3) == 0)
            return i;
    return -1;
}

/* Parses DAYS into a 7-bit mask (bit = struct tm weekday). */
static int parse_days(const char *s, unsigned *mask, char *errbuf, size_t errlen)
{
    if (strcmp(s, "daily") == 0) {
        *mask = 0x7f;
        return 0;
    }
    const char *dash = strchr(s, '-');
    int a = day_index(s, dash ? (size_t)(dash - s) : strlen(s));
    int b = dash ? day_index(dash + 1, strlen(dash + 1)) : a;
    if (a < 0 || b < 0)
        return err(errbuf, errlen,
                   "bad day \"%s\": expected mon..sun, a range like mon-fri, or daily", s);
    *mask = 0;
    for (int d = a;; d = (d + 1) % 7) { /* ranges may wrap: fri-mon */
        *mask |= 1u << d;
        if (d == b)
            break;
    }
    return 0;
}

static int add_weekly(struct schedule *s, int wday, int start, int end, char *errbuf, size_t errlen)
{
    if (s->nweekly == SCHEDULE_MAX_WEEKLY)
        return err(errbuf, errlen, "too many intervals in hours (at most %s)", "64");
    s->weekly[s->nweekly++] =
        (struct schedule_weekly){(uint8_t)wday, (uint16_t)start, (uint16_t)end};
    return 0;
}

static int parse_hours_item(struct schedule *s, const char *item, char *errbuf, size_t errlen)
{
    char days[32];
    const char *sp = strpbrk(item, " \t");
    unsigned mask = 0;
    int start = 0, end = 0, rc;
    if (!sp || (size_t)(sp - item) >= sizeof(days))
        return err(errbuf, errlen, "bad hours item \"%s\": expected DAYS HH:MM-HH:MM", item);
    memcpy(days, item, (size_t)(sp - item));
    days[sp - item] = '\0';
    if ((rc = parse_days(days, &mask, errbuf, errlen)) != 0 ||
        (rc = parse_range(skip_ws(sp), &start, &end, errbuf, errlen)) != 0)
        return rc;
    for (int d = 0; d < 7; d++) {
        if (!(mask & (1u << d)))
            continue;
        if (end > start) {
            rc = add_weekly(s, d, start, end, errbuf, errlen);
        } else { /* past midnight: the rest belongs to the next weekday */
            rc = add_weekly(s, d, start, DAY_MIN, errbuf, errlen);
            if (rc == 0)
                rc = add_weekly(s, (d + 1) % 7, 0, end, errbuf, errlen);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

int schedule_parse_hours(struct schedule *s, const char *text, char *errbuf, size_t errlen)
{
    char item[128];
    const char *p = skip_ws(text);
    s->always = false;
    s->nweekly = 0;
    if (strcmp(p, "always") == 0 || strcmp(p, "never") == 0) {
        if (*p == 'a') {
            s->always = true;
            for (int d = 0; d < 7; d++)
                add_weekly(s, d, 0, DAY_MIN, errbuf, errlen);
        }
        return 0;
    }
    if (!*p)
        return err(errbuf, errlen, "%s", "empty hours: use always, never or DAYS HH:MM-HH:MM");
    if (ends_with_comma(p))
        return err(errbuf, errlen, "%s", "empty item in hours");
    while (*p) {
        if (next_item(&p, item, sizeof(item)) != 0)
            return err(errbuf, errlen, "%s", "hours item too long");
        if (!*item)
            return err(errbuf, errlen, "%s", "empty item in hours");
        int rc = parse_hours_item(s, item, errbuf, errlen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Parses YYYY-MM-DD (a real date) into d. */
static int parse_date(const char *text, size_t len, struct schedule_date *d)
{
    int y, m, day;
    char tail;
    char buf[16];
    if (len != 10)
        return -1;
    memcpy(buf, text, 10);
    buf[10] = '\0';
    if (sscanf(buf, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 || buf[4] != '-' || buf[7] != '-' ||
        m < 1 || m > 12 || day < 1)
        return -1;
    int ry, rm, rd;
    civil_from_days(days_from_civil(y, m, day), &ry, &rm, &rd);
    if (ry != y || rm != m || rd != day)
        return -1; /* 2027-02-29, 2026-04-31 */
    d->year = (int16_t)y;
    d->month = (uint8_t)m;
    d->day = (uint8_t)day;
    return 0;
}

int schedule_parse_closed(struct schedule *s, const char *text, char *errbuf, size_t errlen)
{
    char item[64];
    const char *p = skip_ws(text);
    s->nclosed = 0;
    if (ends_with_comma(p))
        return err(errbuf, errlen, "%s", "empty item in closed");
    while (*p) {
        struct schedule_date d = {0};
        if (next_item(&p, item, sizeof(item)) != 0 || parse_date(item, strlen(item), &d) != 0)
            return err(errbuf, errlen, "bad date \"%s\": expected YYYY-MM-DD", item);
        if (s->nclosed == SCHEDULE_MAX_DATES)
            return err(errbuf, errlen, "too many closed dates (at most %s)", "64");
        s->closed[s->nclosed++] = d;
    }
    return 0;
}

int schedule_parse_extra(struct schedule *s, const char *text, char *errbuf, size_t errlen)
{
    char item[64];
    const char *p = skip_ws(text);
    s->nextra = 0;
    if (ends_with_comma(p))
        return err(errbuf, errlen, "%s", "empty item in extra");
    while (*p) {
        struct schedule_date d = {0};
        int start, end;
        if (next_item(&p, item, sizeof(item)) != 0 || strlen(item) < 12 ||
            parse_date(item, 10, &d) != 0 || (item[10] != ' ' && item[10] != '\t'))
            return err(errbuf, errlen, "bad extra opening \"%s\": expected YYYY-MM-DD HH:MM-HH:MM",
                       item);
        int rc = parse_range(skip_ws(item + 10), &start, &end, errbuf, errlen);
        if (rc != 0)
            return rc;
        if (s->nextra == SCHEDULE_MAX_DATES)
            return err(errbuf, errlen, "too many extra openings (at most %s)", "64");
        d.start_min = (uint16_t)start;
        d.end_min = (uint16_t)end;
        s->extra[s->nextra++] = d;
    }
    return 0;
}

/* ---- evaluation --------------------------------------------------------- */

static long date_days(const struct schedule_date *d)
{
    return days_from_civil(d->year, d->month, d->day);
}

static bool is_closed_date(const struct schedule *s, long days)
{
    for (size_t i = 0; i < s->nclosed; i++)
        if (date_days(&s->closed[i]) == days)
            return true;
    return false;
}

/* The non-empty intervals that begin on local date `days`. */
static size_t date_intervals(const struct schedule *s, long days, struct span *out)
{
    size_t n = 0;
    int wday = wday_of(days);
    if (!is_closed_date(s, days))
        for (size_t i = 0; i < s->nweekly; i++)
            if (s->weekly[i].wday == wday)
                out[n++] = (struct span){local_instant(days, s->weekly[i].start_min, 0),
                                         local_instant(days, s->weekly[i].end_min, 1)};
    for (size_t i = 0; i < s->nextra; i++) {
        const struct schedule_date *e = &s->extra[i];
        if (date_days(e) != days)
            continue;
        int end = e->end_min > e->start_min ? e->end_min : e->end_min + DAY_MIN;
        out[n++] = (struct span){local_instant(days, e->start_min, 0), local_instant(days, end, 1)};
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i].end > out[i].start)
            out[k++] = out[i];
    return k;
}

/* The latest end of an interval containing t, or -1 when none does. */
static time_t covering_end(const struct schedule *s, time_t t)
{
    struct span iv[DATE_MAX_INTERVALS];
    long today = local_days(t);
    time_t best = -1;
    for (long d = today - 1; d <= today + 1; d++) {
        size_t n = date_intervals(s, d, iv);
        for (size_t i = 0; i < n; i++)
            if (iv[i].start <= t && t < iv[i].end && iv[i].end > best)
                best = iv[i].end;
    }
    return best;
}

bool schedule_is_open(const struct schedule *s, time_t now)
{
    return covering_end(s, now) >= 0;
}

time_t schedule_closes_at(const struct schedule *s, time_t now)
{
    time_t limit = now + (time_t)SCHEDULE_HORIZON_DAYS * 86400;
    time_t t = covering_end(s, now);
    if (t < 0)
        return -1;
    for (;;) { /* follow back-to-back intervals, e.g. 20:00-24:00 then 00:00-02:00 */
        time_t next = covering_end(s, t);
        if (next < 0)
            return t;
        if (next > limit)
            return -1;
        t = next;
    }
}

time_t schedule_next_open(const struct schedule *s, time_t now)
{
    struct span iv[DATE_MAX_INTERVALS];
    if (schedule_is_open(s, now))
        return -1;
    long today = local_days(now);
    for (long d = today - 1; d <= today + SCHEDULE_HORIZON_DAYS; d++) {
        size_t n = date_intervals(s, d, iv);
        time_t best = -1;
        for (size_t i = 0; i < n; i++)
            if (iv[i].start > now && (best < 0 || iv[i].start < best))
                best = iv[i].start;
        if (best >= 0)
            return best;
    }
    return -1;
}

time_t schedule_next_change(const struct schedule *s, time_t now)
{
    return schedule_is_open(s, now) ? schedule_closes_at(s, now) : schedule_next_open(s, now);
}

static int span_cmp(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

long schedule_open_seconds(const struct schedule *s, time_t from, time_t to)
{
    struct span day[DATE_MAX_INTERVALS];
    long total = 0;
    time_t covered = from; /* everything before this is counted */
    if (to <= from)
        return 0;
    for (long d = local_days(from) - 1; d <= local_days(to); d++) {
        size_t n = date_intervals(s, d, day);
        qsort(day, n, sizeof(day[0]), span_cmp);
        for (size_t i = 0; i < n; i++) {
            time_t a = day[i].start > covered ? day[i].start : covered;
            time_t b = day[i].end < to ? day[i].end : to;
            if (b > a) {
                total += (long)(b - a);
                covered = b;
            }
        }
    }
    return total;
}
