/*
 * test_schedule: the opening-hours grammar, and open/closed answers in
 * Helsinki time around both DST changes of 2026, midnight, New Year, leap
 * days and the search horizon. Instants in the tables are local ISO times
 * with their UTC offset, so "03:30:00+03:00" and "03:30:00+02:00" are the
 * two instances of a repeated autumn time; "-" stands for -1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "chat_err.h"
#include "schedule.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define WEEKDAYS "mon-fri 09:00-21:00"
#define FRI_MON "fri-mon 10:00-12:00"
#define MARCH_29 "2026-03-29T00:00:00+02:00", "2026-03-30T00:00:00+03:00"   /* 23 hours */
#define OCTOBER_25 "2026-10-25T00:00:00+03:00", "2026-10-26T00:00:00+02:00" /* 25 hours */
#define NOW "2026-11-23T12:00:00+02:00" /* + 400 days: 2027-12-28T12:00:00+02:00 */

/* ---- helpers ------------------------------------------------------------ */

/* "2026-03-29T04:00:00+03:00" -> time_t, computed without the local zone; "-" -> -1. */
static time_t at(const char *iso)
{
    int y, mo, d, h, mi, s, oh, om, used = -1;
    char sign;
    if (strcmp(iso, "-") == 0)
        return -1;
    if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &sign, &oh, &om,
               &used) != 9 ||
        (size_t)used != strlen(iso) || (sign != '+' && sign != '-'))
        fail_msg("bad ISO time in a test table: %s", iso);
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    long offset = (oh * 3600L + om * 60L) * (sign == '-' ? -1 : 1);
    return timegm(&tm) - offset;
}

/* A schedule from config values (NULL: key absent); any parse error fails the test. */
static struct schedule make(const char *hours, const char *closed, const char *extra)
{
    struct schedule s;
    char err[160];
    schedule_init(&s);
    if (schedule_parse_hours(&s, hours, err, sizeof(err)) != 0)
        fail_msg("hours \"%s\": %s", hours, err);
    if (closed && schedule_parse_closed(&s, closed, err, sizeof(err)) != 0)
        fail_msg("closed \"%s\": %s", closed, err);
    if (extra && schedule_parse_extra(&s, extra, err, sizeof(err)) != 0)
        fail_msg("extra \"%s\": %s", extra, err);
    return s;
}

/* The weekly table as text: "sun 23:00-24:00, mon 00:00-01:00"; "always"; "" for never. */
static const char *render_weekly(const struct schedule *s, char *buf, size_t size)
{
    static const char *const names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    size_t used = 0;
    buf[0] = '\0';
    if (s->always)
        return s->nweekly == 0 ? "always" : "always with weekly entries";
    for (size_t i = 0; i < s->nweekly && used < size; i++) {
        const struct schedule_weekly *w = &s->weekly[i];
        used += (size_t)snprintf(buf + used, size - used, "%s%s %02d:%02d-%02d:%02d", i ? ", " : "",
                                 names[w->wday], w->start_min / 60, w->start_min % 60,
                                 w->end_min / 60, w->end_min % 60);
    }
    return buf;
}

typedef int (*parse_fn)(struct schedule *, const char *, char *, size_t);

/* One value for one parser: NULL error means accepted. */
struct parse_case {
    const char *text;
    const char *error;
};

static void check_parse_cases(parse_fn parse, const struct parse_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct schedule s;
        char err[160] = "";
        schedule_init(&s);
        int rc = parse(&s, cases[i].text, err, sizeof(err));
        if (cases[i].error == NULL && rc != 0)
            fail_msg("case %zu \"%s\" refused: %s", i, cases[i].text, err);
        if (cases[i].error && (rc != CHAT_ERR_BAD_REQUEST || strcmp(err, cases[i].error) != 0))
            fail_msg("case %zu \"%s\": rc %d, error \"%s\", wanted \"%s\"", i, cases[i].text, rc,
                     err, cases[i].error);
    }
}

/* One question about one schedule at one instant: open?, next_open, closes_at. */
struct when_case {
    const char *hours, *closed, *extra;
    const char *now;
    bool open;
    const char *next_open;
    const char *closes_at;
};

static void check_when_cases(const struct when_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct when_case *c = &cases[i];
        struct schedule s = make(c->hours, c->closed, c->extra);
        time_t now = at(c->now);
        bool open = schedule_is_open(&s, now);
        time_t next = schedule_next_open(&s, now), closes = schedule_closes_at(&s, now);
        if (open != c->open || next != at(c->next_open) || closes != at(c->closes_at))
            fail_msg("case %zu (%s at %s): open %d next_open %+ld closes_at %+ld; wanted %d "
                     "%+ld %+ld (as offsets from now)",
                     i, c->hours, c->now, open, next < 0 ? -1 : (long)(next - now),
                     closes < 0 ? -1 : (long)(closes - now), c->open,
                     at(c->next_open) < 0 ? -1 : (long)(at(c->next_open) - now),
                     at(c->closes_at) < 0 ? -1 : (long)(at(c->closes_at) - now));
        if (schedule_next_change(&s, now) != (open ? closes : next))
            fail_msg("case %zu: next_change is not %s", i, open ? "closes_at" : "next_open");
    }
}

/* Open seconds of a schedule between two instants. */
struct seconds_case {
    const char *hours, *closed, *extra;
    const char *from, *to;
    long seconds;
};

static void check_seconds_cases(const struct seconds_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct seconds_case *c = &cases[i];
        struct schedule s = make(c->hours, c->closed, c->extra);
        long got = schedule_open_seconds(&s, at(c->from), at(c->to));
        if (got != c->seconds)
            fail_msg("case %zu (%s from %s to %s): %ld s, wanted %ld s", i, c->hours, c->from,
                     c->to, got, c->seconds);
    }
}

static int set_helsinki(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Helsinki", 1);
    tzset();
    return 0;
}

/* ---- grammar ------------------------------------------------------------ */

static void test_hours_expand_into_weekly_entries(void **state)
{
    (void)state;
    static const struct {
        const char *text, *weekly;
    } cases[] = {
        {"always", "always"},
        {"  always\t", "always"},
        {"never", ""},
        {"mon 09:00-10:00", "mon 09:00-10:00"},
        {"mon-fri 09:00-21:00, sat 12:00-16:00",
         "mon 09:00-21:00, tue 09:00-21:00, wed 09:00-21:00, thu 09:00-21:00, fri 09:00-21:00, "
         "sat 12:00-16:00"},
        {"fri-mon 10:00-12:00",
         "sun 10:00-12:00, mon 10:00-12:00, fri 10:00-12:00, sat 10:00-12:00"},
        {"sat-sun 10:00-12:00", "sun 10:00-12:00, sat 10:00-12:00"},
        {"daily 18:00-24:00",
         "sun 18:00-24:00, mon 18:00-24:00, tue 18:00-24:00, wed 18:00-24:00, thu 18:00-24:00, "
         "fri 18:00-24:00, sat 18:00-24:00"},
        {"mon 00:00-24:00", "mon 00:00-24:00"},
        {"\tmon 09:00-10:00 ,tue\t 09:00-10:00\t", "mon 09:00-10:00, tue 09:00-10:00"},
        {"wed    09:00-10:00", "wed 09:00-10:00"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char buf[512];
        struct schedule s = make(cases[i].text, NULL, NULL);
        const char *got = render_weekly(&s, buf, sizeof(buf));
        if (strcmp(got, cases[i].weekly) != 0)
            fail_msg("\"%s\": got \"%s\", wanted \"%s\"", cases[i].text, got, cases[i].weekly);
    }
}

static void test_hours_past_midnight_split_onto_next_weekday(void **state)
{
    (void)state;
    static const struct {
        const char *text, *weekly;
    } cases[] = {
        {"fri 22:00-02:00", "fri 22:00-24:00, sat 00:00-02:00"},
        {"sun 23:00-01:00", "sun 23:00-24:00, mon 00:00-01:00"},
        {"sat 22:00-02:00", "sat 22:00-24:00, sun 00:00-02:00"},
        {"fri-sat 22:00-02:00",
         "fri 22:00-24:00, sat 00:00-02:00, sat 22:00-24:00, sun 00:00-02:00"},
        {"mon 22:00-00:00", "mon 22:00-24:00"}, /* nothing left after midnight */
        {"mon 00:01-00:00", "mon 00:01-24:00"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char buf[512];
        struct schedule s = make(cases[i].text, NULL, NULL);
        const char *got = render_weekly(&s, buf, sizeof(buf));
        if (strcmp(got, cases[i].weekly) != 0)
            fail_msg("\"%s\": got \"%s\", wanted \"%s\"", cases[i].text, got, cases[i].weekly);
    }
}

static void test_hours_rejected_with_one_line_reason(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        {"", "empty hours (want always, never or DAYS HH:MM-HH:MM)"},
        {"  \t ", "empty hours (want always, never or DAYS HH:MM-HH:MM)"},
        {"mon 09:00-10:00,", "empty item in hours"},
        {",mon 09:00-10:00", "empty item in hours"},
        {"mon 09:00-10:00,,tue 09:00-10:00", "empty item in hours"},
        {"mon 09:00-10:00, ,tue 09:00-10:00", "empty item in hours"},
        {"mox 09:00-10:00", "bad day \"mox\" in hours"},
        {"Mon 09:00-10:00", "bad day \"Mon\" in hours"},
        {"monday 09:00-10:00", "bad day \"monday\" in hours"},
        {"mon-fry 09:00-10:00", "bad day \"fry\" in hours"},
        {"-fri 09:00-10:00", "bad day \"\" in hours"},
        {"mon-tue-wed 09:00-10:00", "bad day \"tue-wed\" in hours"},
        {"daily-fri 09:00-10:00", "bad day \"daily\" in hours"},
        {"mon-mon 09:00-10:00", "bad day range \"mon-mon\" in hours"},
        {"never never", "bad day \"never\" in hours"},
        {"mon 9:00-10:00", "bad time range \"9:00-10:00\" in hours"},
        {"mon 09:00 - 10:00", "bad time range \"09:00 - 10:00\" in hours"},
        {"mon 09:00-10:00x", "bad time range \"09:00-10:00x\" in hours"},
        {"mon 09:00-10:00 tue", "bad time range \"09:00-10:00 tue\" in hours"},
        {"mon 09.00-10.00", "bad time \"09.00\" in hours"},
        {"mon 09:00-10:00; tue 10:00-11:00",
         "bad time range \"09:00-10:00; tue 10:00-1...\" in hours"},
        {"mon 09:60-10:00", "bad time \"09:60\" in hours"},
        {"mon 0a:00-10:00", "bad time \"0a:00\" in hours"},
        {"mon 09:00-25:00", "bad time \"25:00\" in hours"},
        {"mon 24:30-10:00", "bad time \"24:30\" in hours"},
        {"mon 09:00-24:01", "bad time \"24:01\" in hours"},
        {"mon 24:00-10:00", "bad start \"24:00\" in hours"},
        {"mon 10:00-10:00", "empty interval \"10:00-10:00\" in hours"},
        {"mon 00:00-00:00", "empty interval \"00:00-00:00\" in hours"},
        {"mon", "bad item \"mon\" in hours (want DAYS HH:MM-HH:MM)"},
        {"09:00-10:00", "bad item \"09:00-10:00\" in hours (want DAYS HH:MM-HH:MM)"},
        {"always, mon 09:00-10:00", "bad item \"always\" in hours (want DAYS HH:MM-HH:MM)"},
        {"mon\x01 09:00-10:00", "bad day \"mon?\" in hours"},
        {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 09:00-10:00",
         "bad day \"xxxxxxxxxxxxxxxxxxxxxxxx...\" in hours"},
    };
    check_parse_cases(schedule_parse_hours, cases, N(cases));
}

static void test_closed_dates_must_be_real(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        {"", NULL},
        {"2026-12-24", NULL},
        {"2026-12-24, 2026-12-25", NULL},
        {" 2026-12-24 ,\t2026-12-25 ", NULL},
        {"2028-02-29", NULL},
        {"2000-02-29", NULL},
        {"2027-02-29", "bad date \"2027-02-29\" in closed"},
        {"2100-02-29", "bad date \"2100-02-29\" in closed"},
        {"2026-04-31", "bad date \"2026-04-31\" in closed"},
        {"2026-13-01", "bad date \"2026-13-01\" in closed"},
        {"2026-00-10", "bad date \"2026-00-10\" in closed"},
        {"2026-01-00", "bad date \"2026-01-00\" in closed"},
        {"2026-1-01", "bad date \"2026-1-01\" in closed"},
        {"2026/01/01", "bad date \"2026/01/01\" in closed"},
        {"1969-12-31", "bad date \"1969-12-31\" in closed"},
        {"2026-12-24x", "bad date \"2026-12-24x\" in closed"},
        {"2026-12-24 2026-12-25", "bad date \"2026-12-24 2026-12-25\" in closed"},
        {"2026-12-24,", "empty item in closed"},
        {",2026-12-24", "empty item in closed"},
    };
    check_parse_cases(schedule_parse_closed, cases, N(cases));
}

static void test_extra_openings_grammar(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        {"", NULL},
        {"2026-12-27 10:00-14:00", NULL},
        {"2026-12-27\t  10:00-14:00 , 2026-12-28 10:00-14:00", NULL},
        {"2026-12-31 20:00-02:00", NULL},
        {"2026-12-27 10:00-24:00", NULL},
        {"2026-12-27 22:00-00:00", NULL},
        {"2028-02-29 08:00-10:00", NULL},
        {"2027-02-29 08:00-10:00", "bad date \"2027-02-29\" in extra"},
        {"mon 10:00-14:00", "bad date \"mon\" in extra"},
        {"2026-12-27", "bad item \"2026-12-27\" in extra (want YYYY-MM-DD HH:MM-HH:MM)"},
        {"2026-12-27 10:00-10:00", "empty interval \"10:00-10:00\" in extra"},
        {"2026-12-27 24:00-02:00", "bad start \"24:00\" in extra"},
        {"2026-12-27 10:00-14:60", "bad time \"14:60\" in extra"},
        {"2026-12-27 10:00-14:00 x", "bad time range \"10:00-14:00 x\" in extra"},
        {"2026-12-27 10:00-14:00,", "empty item in extra"},
    };
    check_parse_cases(schedule_parse_extra, cases, N(cases));
}

/* Builds `count` copies of item joined by ", ". */
static char *repeat(const char *item, int count)
{
    size_t size = (strlen(item) + 2) * (size_t)count + 1;
    char *text = calloc(1, size);
    assert_non_null(text);
    for (size_t i = 0, used = 0; i < (size_t)count; i++)
        used += (size_t)snprintf(text + used, size - used, "%s%s", i ? ", " : "", item);
    return text;
}

static void test_overflowing_a_table_is_an_error(void **state)
{
    (void)state;
    static const struct {
        parse_fn parse;
        const char *item;
        int count;
        const char *error;
    } cases[] = {
        {schedule_parse_hours, "mon 09:00-10:00", 64, NULL},
        {schedule_parse_hours, "mon 09:00-10:00", 65, "too many intervals in hours (at most 64)"},
        {schedule_parse_hours, "daily 09:00-10:00", 10, "too many intervals in hours (at most 64)"},
        {schedule_parse_hours, "fri-mon 22:00-02:00", 8, NULL},
        {schedule_parse_hours, "fri-mon 22:00-02:00", 9,
         "too many intervals in hours (at most 64)"},
        {schedule_parse_closed, "2026-12-24", 64, NULL},
        {schedule_parse_closed, "2026-12-24", 65, "too many dates in closed (at most 64)"},
        {schedule_parse_extra, "2026-12-27 10:00-14:00", 64, NULL},
        {schedule_parse_extra, "2026-12-27 10:00-14:00", 65,
         "too many openings in extra (at most 64)"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char *text = repeat(cases[i].item, cases[i].count);
        struct parse_case one = {text, cases[i].error};
        check_parse_cases(cases[i].parse, &one, 1);
        free(text);
    }
}

static bool same_date(const struct schedule_date *a, const struct schedule_date *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day &&
           a->start_min == b->start_min && a->end_min == b->end_min;
}

/* Field by field: struct copies need not copy padding. */
static bool same_schedule(const struct schedule *a, const struct schedule *b)
{
    if (a->always != b->always || a->nweekly != b->nweekly || a->nclosed != b->nclosed ||
        a->nextra != b->nextra)
        return false;
    for (size_t i = 0; i < a->nweekly; i++)
        if (a->weekly[i].wday != b->weekly[i].wday ||
            a->weekly[i].start_min != b->weekly[i].start_min ||
            a->weekly[i].end_min != b->weekly[i].end_min)
            return false;
    for (size_t i = 0; i < a->nclosed; i++)
        if (!same_date(&a->closed[i], &b->closed[i]))
            return false;
    for (size_t i = 0; i < a->nextra; i++)
        if (!same_date(&a->extra[i], &b->extra[i]))
            return false;
    return true;
}

static void test_refused_value_leaves_schedule_unchanged(void **state)
{
    (void)state;
    static const struct {
        parse_fn parse;
        const char *text;
    } cases[] = {
        {schedule_parse_hours, "always, mon 09:00-10:00"},
        {schedule_parse_hours, "sun 09:00-10:00, mox 09:00-10:00"},
        {schedule_parse_closed, "2026-12-31, 2027-02-29"},
        {schedule_parse_extra, "2026-12-28 10:00-14:00, 2026-12-29"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct schedule before =
            make("mon-fri 09:00-17:00", "2026-12-24", "2026-12-27 10:00-14:00");
        struct schedule after = before;
        char err[160];
        assert_int_equal(cases[i].parse(&after, cases[i].text, err, sizeof(err)),
                         CHAT_ERR_BAD_REQUEST);
        if (!same_schedule(&before, &after))
            fail_msg("case %zu \"%s\" changed the schedule", i, cases[i].text);
    }
}

/* ---- open, next_open, closes_at ------------------------------------------ */

static void test_always_and_never(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"always", NULL, NULL, "2026-11-23T03:00:00+02:00", true, "-", "-"},
        {"never", NULL, NULL, "2026-11-23T03:00:00+02:00", false, "-", "-"},
        {"daily 00:00-24:00", NULL, NULL, "2026-11-23T03:00:00+02:00", true, "-", "-"},
        {"mon-sat 00:00-24:00", NULL, NULL, "2026-11-23T12:00:00+02:00", true, "-",
         "2026-11-29T00:00:00+02:00"},
    };
    check_when_cases(cases, N(cases));
}

static void test_weekly_intervals_are_half_open(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {WEEKDAYS, NULL, NULL, "2026-11-23T08:59:59+02:00", false, "2026-11-23T09:00:00+02:00",
         "-"},
        {WEEKDAYS, NULL, NULL, "2026-11-23T09:00:00+02:00", true, "-", "2026-11-23T21:00:00+02:00"},
        {WEEKDAYS, NULL, NULL, "2026-11-23T20:59:59+02:00", true, "-", "2026-11-23T21:00:00+02:00"},
        {WEEKDAYS, NULL, NULL, "2026-11-23T21:00:00+02:00", false, "2026-11-24T09:00:00+02:00",
         "-"},
        {WEEKDAYS, NULL, NULL, "2026-11-27T21:00:00+02:00", false, "2026-11-30T09:00:00+02:00",
         "-"},
        {WEEKDAYS, NULL, NULL, "2026-11-28T12:00:00+02:00", false, "2026-11-30T09:00:00+02:00",
         "-"},
    };
    check_when_cases(cases, N(cases));
}

static void test_touching_and_overlapping_intervals_merge(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"mon 09:00-12:00, mon 12:00-17:00", NULL, NULL, "2026-11-23T11:00:00+02:00", true, "-",
         "2026-11-23T17:00:00+02:00"},
        {"mon 09:00-12:00, mon 10:00-11:00", NULL, NULL, "2026-11-23T10:30:00+02:00", true, "-",
         "2026-11-23T12:00:00+02:00"},
        {"mon 10:00-11:00, mon 09:00-12:00", NULL, NULL, "2026-11-23T10:30:00+02:00", true, "-",
         "2026-11-23T12:00:00+02:00"},
        {"mon 09:00-12:00, mon 12:01-13:00", NULL, NULL, "2026-11-23T11:00:00+02:00", true, "-",
         "2026-11-23T12:00:00+02:00"},
        {"mon 09:00-12:00, mon 12:01-13:00", NULL, NULL, "2026-11-23T12:00:30+02:00", false,
         "2026-11-23T12:01:00+02:00", "-"},
    };
    check_when_cases(cases, N(cases));
}

static void test_day_ranges_wrap_over_the_week_end(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {FRI_MON, NULL, NULL, "2026-11-26T11:00:00+02:00", false, "2026-11-27T10:00:00+02:00", "-"},
        {FRI_MON, NULL, NULL, "2026-11-29T11:00:00+02:00", true, "-", "2026-11-29T12:00:00+02:00"},
        {FRI_MON, NULL, NULL, "2026-11-30T11:00:00+02:00", true, "-", "2026-11-30T12:00:00+02:00"},
        {FRI_MON, NULL, NULL, "2026-11-30T12:00:00+02:00", false, "2026-12-04T10:00:00+02:00", "-"},
        {FRI_MON, NULL, NULL, "2026-12-01T11:00:00+02:00", false, "2026-12-04T10:00:00+02:00", "-"},
        {"sat-sun 10:00-12:00", NULL, NULL, "2026-11-27T11:00:00+02:00", false,
         "2026-11-28T10:00:00+02:00", "-"},
        {"sun-sat 10:00-11:00", NULL, NULL, "2026-11-24T12:00:00+02:00", false,
         "2026-11-25T10:00:00+02:00", "-"},
    };
    check_when_cases(cases, N(cases));
}

static void test_daily_and_24_00(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"daily 10:00-11:00", NULL, NULL, "2026-11-23T10:30:00+02:00", true, "-",
         "2026-11-23T11:00:00+02:00"},
        {"daily 10:00-11:00", NULL, NULL, "2026-11-23T11:00:00+02:00", false,
         "2026-11-24T10:00:00+02:00", "-"},
        {"daily 18:00-24:00", NULL, NULL, "2026-11-23T23:59:59+02:00", true, "-",
         "2026-11-24T00:00:00+02:00"},
        {"daily 18:00-24:00", NULL, NULL, "2026-11-24T00:00:00+02:00", false,
         "2026-11-24T18:00:00+02:00", "-"},
        {"mon 18:00-24:00, tue 00:00-06:00", NULL, NULL, "2026-11-23T23:00:00+02:00", true, "-",
         "2026-11-24T06:00:00+02:00"},
    };
    check_when_cases(cases, N(cases));
}

static void test_past_midnight_runs_into_next_weekday(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"fri 22:00-02:00", NULL, NULL, "2026-11-27T21:59:59+02:00", false,
         "2026-11-27T22:00:00+02:00", "-"},
        {"fri 22:00-02:00", NULL, NULL, "2026-11-27T23:00:00+02:00", true, "-",
         "2026-11-28T02:00:00+02:00"},
        {"fri 22:00-02:00", NULL, NULL, "2026-11-28T01:30:00+02:00", true, "-",
         "2026-11-28T02:00:00+02:00"},
        {"fri 22:00-02:00", NULL, NULL, "2026-11-28T02:00:00+02:00", false,
         "2026-12-04T22:00:00+02:00", "-"},
        /* Sunday night runs into Monday, the first day of the next week */
        {"sun 23:00-01:00", NULL, NULL, "2026-11-29T22:00:00+02:00", false,
         "2026-11-29T23:00:00+02:00", "-"},
        {"sun 23:00-01:00", NULL, NULL, "2026-11-30T00:30:00+02:00", true, "-",
         "2026-11-30T01:00:00+02:00"},
        {"sat-sun 22:00-02:00", NULL, NULL, "2026-11-30T01:00:00+02:00", true, "-",
         "2026-11-30T02:00:00+02:00"},
        {"daily 20:00-24:00, daily 00:00-02:00", NULL, NULL, "2026-11-23T23:00:00+02:00", true, "-",
         "2026-11-24T02:00:00+02:00"},
        {"daily 22:00-06:00", NULL, NULL, "2026-11-23T03:00:00+02:00", true, "-",
         "2026-11-23T06:00:00+02:00"},
        {"mon 22:00-00:00", NULL, NULL, "2026-11-23T23:00:00+02:00", true, "-",
         "2026-11-24T00:00:00+02:00"},
    };
    check_when_cases(cases, N(cases));
}

static void test_closed_dates_close_whole_local_days(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"mon-fri 09:00-17:00", "2026-12-24", NULL, "2026-12-24T10:00:00+02:00", false,
         "2026-12-25T09:00:00+02:00", "-"},
        {"mon-fri 09:00-17:00", "2026-12-24, 2026-12-25", NULL, "2026-12-24T10:00:00+02:00", false,
         "2026-12-28T09:00:00+02:00", "-"},
        {"always", "2026-12-24", NULL, "2026-12-23T12:00:00+02:00", true, "-",
         "2026-12-24T00:00:00+02:00"},
        {"always", "2026-12-24", NULL, "2026-12-24T12:00:00+02:00", false,
         "2026-12-25T00:00:00+02:00", "-"},
        {"always", "2026-12-24, 2026-12-25", NULL, "2026-12-24T00:00:00+02:00", false,
         "2026-12-26T00:00:00+02:00", "-"},
        /* the part after midnight belongs to the next date: closed Saturday ends Friday night */
        {"fri 22:00-02:00", "2026-11-28", NULL, "2026-11-27T23:00:00+02:00", true, "-",
         "2026-11-28T00:00:00+02:00"},
        /* and a closed Friday keeps its night's Saturday part */
        {"fri 22:00-02:00", "2026-11-27", NULL, "2026-11-27T21:00:00+02:00", false,
         "2026-11-28T00:00:00+02:00", "-"},
    };
    check_when_cases(cases, N(cases));
}

static void test_extra_openings_add_to_hours(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"never", NULL, "2026-12-27 10:00-14:00", "2026-12-27T09:00:00+02:00", false,
         "2026-12-27T10:00:00+02:00", "-"},
        {"never", NULL, "2026-12-27 10:00-14:00", "2026-12-27T12:00:00+02:00", true, "-",
         "2026-12-27T14:00:00+02:00"},
        {"never", NULL, "2026-12-27 10:00-14:00", "2026-12-27T14:00:00+02:00", false, "-", "-"},
        /* an extra opening extends the weekly one it touches */
        {"mon 09:00-17:00", NULL, "2026-11-23 16:00-20:00", "2026-11-23T10:00:00+02:00", true, "-",
         "2026-11-23T20:00:00+02:00"},
        {"never", NULL, "2026-11-22 20:00-24:00", "2026-11-22T21:00:00+02:00", true, "-",
         "2026-11-23T00:00:00+02:00"},
        {"mon 00:00-02:00", NULL, "2026-11-22 20:00-24:00", "2026-11-22T21:00:00+02:00", true, "-",
         "2026-11-23T02:00:00+02:00"},
        /* on a closed date, only the extra opening is open */
        {"always", "2026-12-24", "2026-12-24 10:00-14:00", "2026-12-24T09:00:00+02:00", false,
         "2026-12-24T10:00:00+02:00", "-"},
        {"always", "2026-12-24", "2026-12-24 10:00-14:00", "2026-12-24T12:00:00+02:00", true, "-",
         "2026-12-24T14:00:00+02:00"},
        {"always", "2026-12-24", "2026-12-24 10:00-14:00", "2026-12-24T15:00:00+02:00", false,
         "2026-12-25T00:00:00+02:00", "-"},
    };
    check_when_cases(cases, N(cases));
}

/* 2026-03-29: at 03:00 EET (+02:00) the clock jumps to 04:00 EEST (+03:00). */
static void test_spring_forward_skips_the_missing_hour(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"daily 02:00-05:00", NULL, NULL, "2026-03-29T01:59:59+02:00", false,
         "2026-03-29T02:00:00+02:00", "-"},
        {"daily 02:00-05:00", NULL, NULL, "2026-03-29T02:30:00+02:00", true, "-",
         "2026-03-29T05:00:00+03:00"},
        {"daily 03:00-04:00", NULL, NULL, "2026-03-29T02:59:59+02:00", false,
         "2026-03-30T03:00:00+03:00", "-"},
        {"daily 03:00-04:00", NULL, NULL, "2026-03-29T04:00:00+03:00", false,
         "2026-03-30T03:00:00+03:00", "-"},
        /* a start in the gap opens when the clock jumps; an end in the gap closes then */
        {"daily 03:30-05:00", NULL, NULL, "2026-03-29T02:00:00+02:00", false,
         "2026-03-29T04:00:00+03:00", "-"},
        {"daily 01:00-03:30", NULL, NULL, "2026-03-29T02:59:59+02:00", true, "-",
         "2026-03-29T04:00:00+03:00"},
        {"daily 00:00-03:00, daily 04:00-24:00", NULL, NULL, "2026-03-29T02:30:00+02:00", true, "-",
         "2026-03-30T03:00:00+03:00"},
        {"daily 22:00-06:00", NULL, NULL, "2026-03-28T23:00:00+02:00", true, "-",
         "2026-03-29T06:00:00+03:00"},
        {"sun 09:00-10:00", NULL, NULL, "2026-03-29T01:00:00+02:00", false,
         "2026-03-29T09:00:00+03:00", "-"},
        {"always", "2026-03-29", NULL, "2026-03-28T12:00:00+02:00", true, "-",
         "2026-03-29T00:00:00+02:00"},
        {"always", "2026-03-29", NULL, "2026-03-29T12:00:00+03:00", false,
         "2026-03-30T00:00:00+03:00", "-"},
    };
    check_when_cases(cases, N(cases));
}

/* 2026-10-25: at 04:00 EEST (+03:00) the clock goes back to 03:00 EET (+02:00). */
static void test_fall_back_opens_both_instances(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"daily 02:00-05:00", NULL, NULL, "2026-10-25T03:30:00+03:00", true, "-",
         "2026-10-25T05:00:00+02:00"},
        {"daily 03:00-04:00", NULL, NULL, "2026-10-25T02:59:59+03:00", false,
         "2026-10-25T03:00:00+03:00", "-"},
        {"daily 03:00-04:00", NULL, NULL, "2026-10-25T03:30:00+03:00", true, "-",
         "2026-10-25T04:00:00+02:00"},
        {"daily 03:00-04:00", NULL, NULL, "2026-10-25T03:30:00+02:00", true, "-",
         "2026-10-25T04:00:00+02:00"},
        /* ending at 03:00: the first 03:00; the repeated hour is outside */
        {"daily 22:00-03:00", NULL, NULL, "2026-10-25T02:30:00+03:00", true, "-",
         "2026-10-25T03:00:00+03:00"},
        {"daily 22:00-03:00", NULL, NULL, "2026-10-25T03:00:00+03:00", false,
         "2026-10-25T22:00:00+02:00", "-"},
        {"daily 22:00-03:00", NULL, NULL, "2026-10-25T03:30:00+02:00", false,
         "2026-10-25T22:00:00+02:00", "-"},
        /* ending inside the repeated hour: the second instance, no flicker before it */
        {"daily 00:00-03:30", NULL, NULL, "2026-10-25T03:45:00+03:00", true, "-",
         "2026-10-25T03:30:00+02:00"},
        /* starting inside it: the first instance */
        {"daily 03:30-06:00", NULL, NULL, "2026-10-25T03:10:00+03:00", false,
         "2026-10-25T03:30:00+03:00", "-"},
        {"daily 04:00-05:00", NULL, NULL, "2026-10-25T03:59:59+03:00", false,
         "2026-10-25T04:00:00+02:00", "-"},
        {"daily 04:00-05:00", NULL, NULL, "2026-10-25T03:30:00+02:00", false,
         "2026-10-25T04:00:00+02:00", "-"},
        {"daily 00:00-03:00, daily 04:00-24:00", NULL, NULL, "2026-10-25T03:30:00+02:00", false,
         "2026-10-25T04:00:00+02:00", "-"},
        {"sun 09:00-10:00", NULL, NULL, "2026-10-25T01:00:00+03:00", false,
         "2026-10-25T09:00:00+02:00", "-"},
        {"always", "2026-10-25", NULL, "2026-10-25T03:30:00+02:00", false,
         "2026-10-26T00:00:00+02:00", "-"},
    };
    check_when_cases(cases, N(cases));
}

static void test_midnight_and_new_year(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"daily 18:00-24:00", NULL, NULL, "2026-12-31T23:59:59+02:00", true, "-",
         "2027-01-01T00:00:00+02:00"},
        {"daily 00:00-01:00", NULL, NULL, "2026-12-31T23:59:59+02:00", false,
         "2027-01-01T00:00:00+02:00", "-"},
        {"daily 22:00-02:00", NULL, NULL, "2026-12-31T23:00:00+02:00", true, "-",
         "2027-01-01T02:00:00+02:00"},
        {"thu 23:00-01:00", NULL, NULL, "2027-01-01T00:30:00+02:00", true, "-",
         "2027-01-01T01:00:00+02:00"},
        {"daily 22:00-02:00", "2027-01-01", NULL, "2026-12-31T23:00:00+02:00", true, "-",
         "2027-01-01T00:00:00+02:00"},
        {"daily 22:00-02:00", "2027-01-01", NULL, "2027-01-01T00:00:00+02:00", false,
         "2027-01-02T00:00:00+02:00", "-"},
        {"mon-fri 09:00-17:00", "2027-01-01", NULL, "2026-12-31T18:00:00+02:00", false,
         "2027-01-04T09:00:00+02:00", "-"},
        /* an extra night on a closed date runs on into the (closed) New Year's Day */
        {"mon-fri 09:00-17:00", "2026-12-31, 2027-01-01", "2026-12-31 20:00-02:00",
         "2026-12-31T12:00:00+02:00", false, "2026-12-31T20:00:00+02:00", "-"},
        {"mon-fri 09:00-17:00", "2026-12-31, 2027-01-01", "2026-12-31 20:00-02:00",
         "2027-01-01T01:00:00+02:00", true, "-", "2027-01-01T02:00:00+02:00"},
    };
    check_when_cases(cases, N(cases));
}

static void test_leap_day(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"never", NULL, "2028-02-29 08:00-10:00", "2028-02-28T12:00:00+02:00", false,
         "2028-02-29T08:00:00+02:00", "-"},
        {"daily 08:00-10:00", "2028-02-29", NULL, "2028-02-28T12:00:00+02:00", false,
         "2028-03-01T08:00:00+02:00", "-"},
        {"always", "2028-02-29", NULL, "2028-02-28T23:59:59+02:00", true, "-",
         "2028-02-29T00:00:00+02:00"},
        {"tue 08:00-10:00", NULL, NULL, "2028-02-26T12:00:00+02:00", false,
         "2028-02-29T08:00:00+02:00", "-"},
        {"never", NULL, "2028-02-28 23:00-01:00", "2028-02-29T00:30:00+02:00", true, "-",
         "2028-02-29T01:00:00+02:00"},
    };
    check_when_cases(cases, N(cases));
}

/* The search reaches exactly SCHEDULE_HORIZON_DAYS (400) days past NOW. */
static void test_horizon_limits_the_search(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        {"never", NULL, "2027-12-28 11:00-14:00", NOW, false, "2027-12-28T11:00:00+02:00", "-"},
        {"never", NULL, "2027-12-28 12:00-14:00", NOW, false, "2027-12-28T12:00:00+02:00", "-"},
        {"never", NULL, "2027-12-28 13:00-14:00", NOW, false, "-", "-"},
        {"always", "2027-12-28", NULL, NOW, true, "-", "2027-12-28T00:00:00+02:00"},
        {"always", "2027-12-29", NULL, NOW, true, "-", "-"},
    };
    check_when_cases(cases, N(cases));
}

/* Zones whose DST change touches midnight: Santiago jumps from 24:00 to 01:00
 * (2026-09-06) and falls back from 24:00 to 23:00 (2026-04-04); St. John's fell
 * back from 00:01 on Sunday to 23:01 on Saturday (2010-11-07). */
static void test_dst_changes_at_midnight_in_other_zones(void **state)
{
    (void)state;
    static const struct {
        const char *zone;
        struct when_case when;
    } cases[] = {
        {"America/Santiago",
         {"daily 00:00-02:00", NULL, NULL, "2026-09-05T23:30:00-04:00", false,
          "2026-09-06T01:00:00-03:00", "-"}},
        {"America/Santiago",
         {"daily 22:00-24:00, daily 00:00-01:00", NULL, NULL, "2026-09-05T23:30:00-04:00", true,
          "-", "2026-09-06T01:00:00-03:00"}},
        {"America/Santiago",
         {"sat 23:30-24:00", NULL, NULL, "2026-04-04T23:45:00-03:00", true, "-",
          "2026-04-05T00:00:00-04:00"}},
        {"America/Santiago",
         {"sat 23:30-24:00", NULL, NULL, "2026-04-04T23:15:00-04:00", true, "-",
          "2026-04-05T00:00:00-04:00"}},
        {"America/Santiago",
         {"sun 00:00-01:00", NULL, NULL, "2026-04-04T23:59:00-03:00", false,
          "2026-04-05T00:00:00-04:00", "-"}},
        {"America/St_Johns",
         {"sun 00:00-02:00", NULL, NULL, "2010-11-06T23:30:00-02:30", false,
          "2010-11-07T00:00:00-02:30", "-"}},
        /* Saturday again on the clock, but between two instances of Sunday's hours */
        {"America/St_Johns",
         {"sun 00:00-02:00", NULL, NULL, "2010-11-06T23:30:00-03:30", true, "-",
          "2010-11-07T02:00:00-03:30"}},
    };
    for (size_t i = 0; i < N(cases); i++) {
        setenv("TZ", cases[i].zone, 1);
        tzset();
        check_when_cases(&cases[i].when, 1);
    }
}

/* ---- open seconds and change points ---------------------------------------- */

static void test_open_seconds_counts_the_union(void **state)
{
    (void)state;
    static const struct seconds_case cases[] = {
        {WEEKDAYS, NULL, NULL, "2026-11-23T00:00:00+02:00", "2026-11-30T00:00:00+02:00",
         60 * 3600L}, /* five 12-hour days */
        {WEEKDAYS, NULL, NULL, "2026-11-23T20:30:00+02:00", "2026-11-23T21:30:00+02:00", 1800},
        {WEEKDAYS, NULL, NULL, "2026-11-23T12:00:00+02:00", "2026-11-23T12:00:00+02:00", 0},
        {WEEKDAYS, NULL, NULL, "2026-11-23T13:00:00+02:00", "2026-11-23T12:00:00+02:00", 0},
        {"mon 09:00-12:00", NULL, "2026-11-23 11:00-13:00", "2026-11-23T00:00:00+02:00",
         "2026-11-24T00:00:00+02:00", 4 * 3600L},
        {"fri 22:00-02:00", NULL, NULL, "2026-11-28T00:00:00+02:00", "2026-11-28T12:00:00+02:00",
         2 * 3600L},
        {"always", "2026-12-24", NULL, "2026-12-24T00:00:00+02:00", "2026-12-26T00:00:00+02:00",
         86400},
        {"always", NULL, NULL, "2026-01-01T00:00:00+02:00", "2027-01-01T00:00:00+02:00",
         365 * 86400L},
        {"never", NULL, NULL, "2026-01-01T00:00:00+02:00", "2027-01-01T00:00:00+02:00", 0},
    };
    check_seconds_cases(cases, N(cases));
}

static void test_open_seconds_on_dst_days(void **state)
{
    (void)state;
    static const struct seconds_case cases[] = {
        {"always", NULL, NULL, MARCH_29, 23 * 3600L},
        {"always", NULL, NULL, OCTOBER_25, 25 * 3600L},
        {"always", NULL, NULL, "2026-11-23T00:00:00+02:00", "2026-11-24T00:00:00+02:00", 86400},
        {"daily 02:00-05:00", NULL, NULL, MARCH_29, 2 * 3600L},
        {"daily 02:00-05:00", NULL, NULL, OCTOBER_25, 4 * 3600L},
        {"daily 03:00-04:00", NULL, NULL, MARCH_29, 0},
        {"daily 03:00-04:00", NULL, NULL, OCTOBER_25, 2 * 3600L},
        {"daily 00:00-03:00, daily 04:00-24:00", NULL, NULL, MARCH_29, 23 * 3600L},
        {"daily 00:00-03:00, daily 04:00-24:00", NULL, NULL, OCTOBER_25, 23 * 3600L},
        {"daily 00:00-03:30", NULL, NULL, OCTOBER_25, 4 * 3600L + 1800},
        {"never", NULL, "2026-03-28 22:00-06:00", "2026-03-28T00:00:00+02:00",
         "2026-03-30T00:00:00+03:00", 7 * 3600L},
        {"never", NULL, "2026-10-24 22:00-06:00", "2026-10-24T00:00:00+03:00",
         "2026-10-26T00:00:00+02:00", 9 * 3600L},
    };
    check_seconds_cases(cases, N(cases));
}

/* Walking from change to change, is_open is constant in between and flips at each. */
static void test_next_change_is_where_is_open_flips(void **state)
{
    (void)state;
    static const struct {
        const char *hours, *closed, *extra, *from;
    } cases[] = {
        {"mon-fri 09:00-21:00, sat 12:00-16:00", "2026-03-27", "2026-03-29 10:00-11:00",
         "2026-03-26T00:00:00+02:00"},
        {"daily 02:00-05:00, daily 03:00-04:00", NULL, NULL, "2026-03-27T00:00:00+02:00"},
        {"daily 00:00-03:30, daily 03:30-03:45", NULL, NULL, "2026-03-27T00:00:00+02:00"},
        {"daily 22:00-03:00, fri-mon 03:15-03:45", NULL, NULL, "2026-10-22T00:00:00+03:00"},
        {"daily 00:00-03:30", NULL, NULL, "2026-10-23T00:00:00+03:00"},
        {"daily 00:00-03:00, daily 04:00-24:00", NULL, NULL, "2026-10-23T00:00:00+03:00"},
        {"fri-mon 22:00-02:00", "2026-12-31", "2026-12-31 20:00-01:00",
         "2026-12-28T00:00:00+02:00"},
        {"always", "2026-10-25", NULL, "2026-10-23T00:00:00+03:00"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct schedule s = make(cases[i].hours, cases[i].closed, cases[i].extra);
        time_t t = at(cases[i].from);
        for (int changes = 0; changes < 12; changes++) {
            time_t c = schedule_next_change(&s, t);
            bool open = schedule_is_open(&s, t);
            if (c < 0)
                break;
            if (c <= t || schedule_is_open(&s, c) == open || schedule_is_open(&s, c - 1) != open)
                fail_msg("case %zu: no flip at %ld (from %ld)", i, (long)c, (long)t);
            for (time_t x = t; x < c; x += 300)
                if (schedule_is_open(&s, x) != open)
                    fail_msg("case %zu: flips at %ld before the change at %ld", i, (long)x,
                             (long)c);
            t = c;
        }
    }
}

static double seconds_per_call(time_t (*fn)(const struct schedule *, time_t),
                               const struct schedule *s, time_t now, int calls)
{
    struct timespec a, b;
    /* the thread's CPU time: a loaded host's waits for a core are not the scan's */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    for (int i = 0; i < calls; i++)
        if (fn(s, now + i) != -1)
            fail_msg("expected -1 from the whole-horizon scan");
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    return ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9) / calls;
}

/* A whole 400-day scan takes microseconds; the bounds leave room for sanitizers. */
static void test_whole_horizon_scans_are_fast(void **state)
{
    (void)state;
    time_t now = at("2026-11-23T12:00:00+02:00");
    struct schedule never = make("never", "2026-12-24", NULL);
    struct schedule always = make("always", "2028-12-24", NULL);
    double never_s = seconds_per_call(schedule_next_open, &never, now, 200);
    double always_s = seconds_per_call(schedule_closes_at, &always, now, 20);
    if (never_s > 1e-3 || always_s > 2e-3)
        fail_msg("next_open on never %.3f ms, closes_at on always %.3f ms", never_s * 1e3,
                 always_s * 1e3);
}

/* ---- exceptions (contract v3 §5) ------------------------------------------ */

/* Sets s's exceptions from "DATE closed" or "DATE HH:MM-HH:MM" items split by ';'. */
static void except(struct schedule *s, const char *list)
{
    struct schedule_exception x[8];
    size_t n = 0;
    char buf[256], err[160];
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *save = NULL, *item = strtok_r(buf, ";", &save); item;
         item = strtok_r(NULL, ";", &save)) {
        while (*item == ' ')
            item++;
        char date[11];
        snprintf(date, sizeof(date), "%s", item);
        x[n] = (struct schedule_exception){0};
        if (!schedule_parse_date(date, &x[n].date))
            fail_msg("bad date in \"%s\"", item);
        if (strcmp(item + 11, "closed") == 0)
            x[n].closed = true;
        else if (schedule_parse_interval(item + 11, &x[n].date, err, sizeof(err)) != 0)
            fail_msg("\"%s\": %s", item, err);
        n++;
    }
    if (schedule_set_exceptions(s, x, n) != 0)
        fail_msg("exceptions \"%s\" refused", list);
}

/* when_case with exceptions: extra holds the exception list. */
static void check_exception_cases(const struct when_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct when_case *c = &cases[i];
        struct schedule s = make(c->hours, c->closed, NULL);
        except(&s, c->extra);
        time_t now = at(c->now);
        bool open = schedule_is_open(&s, now);
        time_t next = schedule_next_open(&s, now), closes = schedule_closes_at(&s, now);
        if (open != c->open || next != at(c->next_open) || closes != at(c->closes_at))
            fail_msg("case %zu (%s / %s at %s): open %d next_open %+ld closes_at %+ld", i, c->hours,
                     c->extra, c->now, open, next < 0 ? -1 : (long)(next - now),
                     closes < 0 ? -1 : (long)(closes - now));
    }
}

static void test_exception_replaces_the_dates_hours(void **state)
{
    (void)state;
    static const struct when_case cases[] = {
        /* closed on a working day: shut all day, opens the next working day */
        {WEEKDAYS, NULL, "2026-12-23 closed", "2026-12-23T10:00:00+02:00", false,
         "2026-12-24T09:00:00+02:00", "-"},
        /* the day before, closing time is the regular one */
        {WEEKDAYS, NULL, "2026-12-23 closed", "2026-12-22T20:00:00+02:00", true, "-",
         "2026-12-22T21:00:00+02:00"},
        /* other hours: the regular ones no longer count... */
        {WEEKDAYS, NULL, "2026-12-23 12:00-14:00", "2026-12-23T10:00:00+02:00", false,
         "2026-12-23T12:00:00+02:00", "-"},
        /* ...the exception's do */
        {WEEKDAYS, NULL, "2026-12-23 12:00-14:00", "2026-12-23T13:00:00+02:00", true, "-",
         "2026-12-23T14:00:00+02:00"},
        /* extra hours on a Sunday */
        {WEEKDAYS, NULL, "2026-12-27 18:00-22:00", "2026-12-26T12:00:00+02:00", false,
         "2026-12-27T18:00:00+02:00", "-"},
        /* longer hours: closes later */
        {WEEKDAYS, NULL, "2026-12-23 09:00-23:30", "2026-12-23T22:00:00+02:00", true, "-",
         "2026-12-23T23:30:00+02:00"},
        /* an exception past midnight runs into the next date */
        {WEEKDAYS, NULL, "2026-12-23 20:00-02:00", "2026-12-24T01:00:00+02:00", true, "-",
         "2026-12-24T02:00:00+02:00"},
        /* and a closed date closes the part after midnight of the night before */
        {"fri 22:00-02:00", NULL, "2026-11-28 closed", "2026-11-27T23:00:00+02:00", true, "-",
         "2026-11-28T00:00:00+02:00"},
        /* it overrides the config's closed dates... */
        {WEEKDAYS, "2026-12-24", "2026-12-24 10:00-12:00", "2026-12-24T11:00:00+02:00", true, "-",
         "2026-12-24T12:00:00+02:00"},
        /* ...and its hours always: closed on that date only */
        {"always", NULL, "2026-12-24 closed", "2026-12-24T12:00:00+02:00", false,
         "2026-12-25T00:00:00+02:00", "-"},
        /* never open, open once */
        {"never", NULL, "2026-12-24 10:00-12:00", "2026-11-23T12:00:00+02:00", false,
         "2026-12-24T10:00:00+02:00", "-"},
    };
    check_exception_cases(cases, N(cases));
}

static void test_exception_overrides_extra_of_its_date(void **state)
{
    (void)state;
    struct schedule s = make("never", NULL, "2026-12-27 10:00-14:00");
    except(&s, "2026-12-27 closed");
    assert_false(schedule_is_open(&s, at("2026-12-27T11:00:00+02:00")));
    assert_int_equal(schedule_next_open(&s, at("2026-12-26T11:00:00+02:00")), -1);
    except(&s, "2026-12-27 12:00-13:00");
    assert_int_equal(
        schedule_open_seconds(&s, at("2026-12-27T00:00:00+02:00"), at("2026-12-28T00:00:00+02:00")),
        3600);
    except(&s, "");
    assert_int_equal(
        schedule_open_seconds(&s, at("2026-12-27T00:00:00+02:00"), at("2026-12-28T00:00:00+02:00")),
        4 * 3600);
}

static void test_exceptions_on_dst_days(void **state)
{
    (void)state;
    static const struct {
        const char *list;
        const char *from, *to;
        long seconds;
    } cases[] = {
        {"2026-03-29 02:00-05:00", MARCH_29, 2 * 3600L},
        {"2026-10-25 02:00-05:00", OCTOBER_25, 4 * 3600L},
        {"2026-03-29 03:00-04:00", MARCH_29, 0},
        {"2026-10-25 03:00-04:00", OCTOBER_25, 2 * 3600L},
        {"2026-03-29 00:00-24:00", MARCH_29, 23 * 3600L},
        {"2026-10-25 00:00-24:00", OCTOBER_25, 25 * 3600L},
        {"2026-03-29 closed", MARCH_29, 0},
        {"2026-10-25 closed", OCTOBER_25, 0},
        /* a night past midnight into the short day: 22:00-06:00 is 7 real hours */
        {"2026-03-28 22:00-06:00", "2026-03-28T00:00:00+02:00", "2026-03-30T00:00:00+03:00",
         7 * 3600L + 9 * 3600L},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct schedule s = make("daily 09:00-18:00", NULL, NULL);
        except(&s, cases[i].list);
        long got = schedule_open_seconds(&s, at(cases[i].from), at(cases[i].to));
        if (got != cases[i].seconds)
            fail_msg("case %zu (%s): %ld s, wanted %ld s", i, cases[i].list, got, cases[i].seconds);
    }
    /* the closed exception on the long day: opens 09:00 EET the day after */
    struct schedule s = make("daily 09:00-18:00", NULL, NULL);
    except(&s, "2026-10-25 closed");
    assert_int_equal(schedule_next_open(&s, at("2026-10-24T19:00:00+03:00")),
                     at("2026-10-26T09:00:00+02:00"));
    /* open 03:00-04:00 on the short day never opens: the next opening is the regular one */
    except(&s, "2026-03-29 03:00-04:00");
    assert_int_equal(schedule_next_open(&s, at("2026-03-28T19:00:00+02:00")),
                     at("2026-03-30T09:00:00+03:00"));
}

static void test_exceptions_refused_when_two_share_a_date_or_too_many(void **state)
{
    (void)state;
    struct schedule s = make(WEEKDAYS, NULL, NULL);
    struct schedule_exception x[SCHEDULE_MAX_EXCEPTIONS + 1];
    struct schedule_date d;
    assert_true(schedule_parse_date("2026-12-24", &d));
    for (size_t i = 0; i < N(x); i++)
        x[i] = (struct schedule_exception){.date = schedule_date_add(&d, (long)i), .closed = true};
    assert_int_equal(schedule_set_exceptions(&s, x, N(x)), CHAT_ERR_BAD_REQUEST);
    assert_int_equal(s.nexcept, 0);
    assert_int_equal(schedule_set_exceptions(&s, x, N(x) - 1), 0);
    x[1].date = x[0].date;
    assert_int_equal(schedule_set_exceptions(&s, x, 2), CHAT_ERR_BAD_REQUEST);
    assert_int_equal(s.nexcept, SCHEDULE_MAX_EXCEPTIONS);
}

static void test_interval_and_date_grammar(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        {"09:00-17:00", NULL},
        {"20:00-02:00", NULL},
        {"00:00-24:00", NULL},
        {"9:00-17:00", "bad time range \"9:00-17:00\" in the interval"},
        {"09:00-17:60", "bad time \"17:60\" in the interval"},
        {"24:00-02:00", "bad start \"24:00\" in the interval"},
        {"10:00-10:00", "empty interval \"10:00-10:00\" in the interval"},
        {"", "bad time range \"\" in the interval"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct schedule_date d = {0};
        char err[160] = "";
        int rc = schedule_parse_interval(cases[i].text, &d, err, sizeof(err));
        if (cases[i].error ? rc == 0 || strcmp(err, cases[i].error) != 0 : rc != 0)
            fail_msg("case %zu \"%s\": rc %d \"%s\"", i, cases[i].text, rc, err);
    }
    struct schedule_date d;
    assert_false(schedule_parse_date("2026-02-29", &d));
    assert_false(schedule_parse_date("2026-1-01", &d));
    assert_true(schedule_parse_date("2028-02-29", &d));
    struct schedule_date next = schedule_date_add(&d, 1);
    assert_int_equal(next.month, 3);
    assert_int_equal(next.day, 1);
    struct schedule_date back = schedule_date_add(&next, -367);
    assert_int_equal(back.year, 2027);
    assert_int_equal(back.month, 2);
    assert_int_equal(back.day, 28);
    assert_int_equal(schedule_days_between(&back, &next), 367);
    /* the local date: 23:30 UTC on 28 March is already the 29th in Helsinki */
    struct schedule_date today = schedule_local_date(at("2026-03-28T23:30:00+00:00"));
    assert_int_equal(today.day, 29);
    today = schedule_local_date(at("2026-10-25T03:30:00+02:00"));
    assert_int_equal(today.day, 25);
}

static void test_calendar_day_with_and_without_exception(void **state)
{
    (void)state;
    struct schedule s = make("mon-fri 09:00-12:00, mon-fri 11:00-15:00", NULL, NULL);
    struct schedule_minutes m[4];
    struct schedule_date wed, sun;
    assert_true(schedule_parse_date("2026-12-23", &wed));
    assert_true(schedule_parse_date("2026-12-27", &sun));
    except(&s, "2026-12-23 closed; 2026-12-27 20:00-02:00");
    assert_int_equal(schedule_day(&s, &wed, true, m, 4), 1); /* merged */
    assert_int_equal(m[0].from, 9 * 60);
    assert_int_equal(m[0].to, 15 * 60);
    assert_int_equal(schedule_day(&s, &wed, false, m, 4), 0);
    assert_int_equal(schedule_day(&s, &sun, true, m, 4), 0);
    assert_int_equal(schedule_day(&s, &sun, false, m, 4), 1);
    assert_int_equal(m[0].from, 20 * 60);
    assert_int_equal(m[0].to, 26 * 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hours_expand_into_weekly_entries),
        cmocka_unit_test(test_hours_past_midnight_split_onto_next_weekday),
        cmocka_unit_test(test_hours_rejected_with_one_line_reason),
        cmocka_unit_test(test_closed_dates_must_be_real),
        cmocka_unit_test(test_extra_openings_grammar),
        cmocka_unit_test(test_overflowing_a_table_is_an_error),
        cmocka_unit_test(test_refused_value_leaves_schedule_unchanged),
        cmocka_unit_test(test_always_and_never),
        cmocka_unit_test(test_weekly_intervals_are_half_open),
        cmocka_unit_test(test_touching_and_overlapping_intervals_merge),
        cmocka_unit_test(test_day_ranges_wrap_over_the_week_end),
        cmocka_unit_test(test_daily_and_24_00),
        cmocka_unit_test(test_past_midnight_runs_into_next_weekday),
        cmocka_unit_test(test_closed_dates_close_whole_local_days),
        cmocka_unit_test(test_extra_openings_add_to_hours),
        cmocka_unit_test(test_spring_forward_skips_the_missing_hour),
        cmocka_unit_test(test_fall_back_opens_both_instances),
        cmocka_unit_test(test_midnight_and_new_year),
        cmocka_unit_test(test_leap_day),
        cmocka_unit_test(test_horizon_limits_the_search),
        cmocka_unit_test_teardown(test_dst_changes_at_midnight_in_other_zones, set_helsinki),
        cmocka_unit_test(test_open_seconds_counts_the_union),
        cmocka_unit_test(test_open_seconds_on_dst_days),
        cmocka_unit_test(test_next_change_is_where_is_open_flips),
        cmocka_unit_test(test_whole_horizon_scans_are_fast),
        cmocka_unit_test(test_exception_replaces_the_dates_hours),
        cmocka_unit_test(test_exception_overrides_extra_of_its_date),
        cmocka_unit_test(test_exceptions_on_dst_days),
        cmocka_unit_test(test_exceptions_refused_when_two_share_a_date_or_too_many),
        cmocka_unit_test(test_interval_and_date_grammar),
        cmocka_unit_test(test_calendar_day_with_and_without_exception),
    };
    return cmocka_run_group_tests(tests, set_helsinki, NULL);
}
