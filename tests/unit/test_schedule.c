/*
 * test_schedule: the hours grammar and open/closed answers in Helsinki time,
 * around both DST changes, midnight, New Year and leap days. Instants in the
 * tables are written as local ISO times with their offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chat_err.h"
#include "schedule.h"

/* "2026-03-29T04:00:00+03:00" -> time_t; "-" -> -1. */
static time_t at(const char *iso)
{
    int y, mo, d, h, mi, s, oh, om;
    char sign;
    if (strcmp(iso, "-") == 0)
        return -1;
    if (sscanf(iso, "%d-%d-%dT%d:%d:%d%c%d:%d", &y, &mo, &d, &h, &mi, &s, &sign, &oh, &om) != 9)
        fail_msg("bad ISO time in test table: %s", iso);
    /* days from civil, as in the module, independently written for UTC */
    long yy = y - (mo <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153L * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    long off = (oh * 3600L + om * 60L) * (sign == '-' ? -1 : 1);
    return (time_t)(days * 86400 + h * 3600L + mi * 60L + s - off);
}

static struct schedule make(const char *hours, const char *closed, const char *extra)
{
    struct schedule s;
    char err[160];
    schedule_init(&s);
    if (schedule_parse_hours(&s, hours, err, sizeof(err)) != 0)
        fail_msg("hours %s: %s", hours, err);
    if (closed && schedule_parse_closed(&s, closed, err, sizeof(err)) != 0)
        fail_msg("closed %s: %s", closed, err);
    if (extra && schedule_parse_extra(&s, extra, err, sizeof(err)) != 0)
        fail_msg("extra %s: %s", extra, err);
    return s;
}

struct grammar_case {
    const char *hours;
    const char *error; /* NULL: accepted */
};

static const struct grammar_case grammar[] = {
    {"always", NULL},
    {"never", NULL},
    {"mon-fri 09:00-21:00, sat 12:00-16:00", NULL},
    {"daily 00:00-24:00", NULL},
    {"fri-mon 22:00-02:00", NULL},
    {"sun 20:00-00:00", NULL},
    {"  mon 09:00-10:00 ,tue 09:00-10:00  ", NULL},
    {"", "empty hours: use always, never or DAYS HH:MM-HH:MM"},
    {"mon 09:00-10:00,", "empty item in hours"},
    {"mon 09:00-10:00,,tue 09:00-10:00", "empty item in hours"},
    {"mox 09:00-10:00", "bad day \"mox\": expected mon..sun, a range like mon-fri, or daily"},
    {"mon 9:00-10:00", "bad time range \"9:00-10:00\": expected HH:MM-HH:MM"},
    {"mon 09:60-10:00", "bad time range \"09:60-10:00\": expected HH:MM-HH:MM"},
    {"mon 24:00-10:00", "bad time range \"24:00-10:00\": 24:00 can only end an interval"},
    {"mon 24:30-10:00", "bad time range \"24:30-10:00\": expected HH:MM-HH:MM"},
    {"mon 10:00-10:00", "empty time range \"10:00-10:00\""},
    {"mon 09:00-10:00x", "bad time range \"09:00-10:00x\": expected HH:MM-HH:MM"},
    {"mon", "bad hours item \"mon\": expected DAYS HH:MM-HH:MM"},
    {"always, mon 09:00-10:00", "bad hours item \"always\": expected DAYS HH:MM-HH:MM"},
};

static void test_hours_grammar_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(grammar) / sizeof(grammar[0]); i++) {
        struct schedule s;
        char err[160] = "";
        schedule_init(&s);
        int rc = schedule_parse_hours(&s, grammar[i].hours, err, sizeof(err));
        if (grammar[i].error == NULL && rc != 0)
            fail_msg("\"%s\" refused: %s", grammar[i].hours, err);
        if (grammar[i].error && (rc != CHAT_ERR_BAD_REQUEST || strcmp(err, grammar[i].error) != 0))
            fail_msg("\"%s\": rc %d, error \"%s\", wanted \"%s\"", grammar[i].hours, rc, err,
                     grammar[i].error);
    }
}

static void test_dates_must_exist(void **state)
{
    (void)state;
    struct schedule s;
    char err[160];
    schedule_init(&s);
    assert_int_equal(schedule_parse_closed(&s, "2028-02-29", err, sizeof(err)), 0);
    assert_int_equal(schedule_parse_closed(&s, "2027-02-29", err, sizeof(err)),
                     CHAT_ERR_BAD_REQUEST);
    assert_int_equal(schedule_parse_closed(&s, "2026-04-31", err, sizeof(err)),
                     CHAT_ERR_BAD_REQUEST);
    assert_int_equal(schedule_parse_closed(&s, "2026-1-01", err, sizeof(err)),
                     CHAT_ERR_BAD_REQUEST);
    assert_int_equal(schedule_parse_extra(&s, "2026-12-27 10:00-14:00", err, sizeof(err)), 0);
    assert_int_equal(schedule_parse_extra(&s, "2026-12-27", err, sizeof(err)),
                     CHAT_ERR_BAD_REQUEST);
}

/* One question about one schedule at one instant. */
struct when_case {
    const char *hours, *closed, *extra;
    const char *now;
    int open;
    const char *next_open;
    const char *closes_at;
};

static const struct when_case when[] = {
    /* weekdays, an ordinary Monday (2026-11-23) */
    {"mon-fri 09:00-21:00", NULL, NULL, "2026-11-23T08:59:59+02:00", 0, "2026-11-23T09:00:00+02:00",
     "-"},
    {"mon-fri 09:00-21:00", NULL, NULL, "2026-11-23T09:00:00+02:00", 1, "-",
     "2026-11-23T21:00:00+02:00"},
    {"mon-fri 09:00-21:00", NULL, NULL, "2026-11-23T21:00:00+02:00", 0, "2026-11-24T09:00:00+02:00",
     "-"},
    {"mon-fri 09:00-21:00", NULL, NULL, "2026-11-27T22:00:00+02:00", 0, "2026-11-30T09:00:00+02:00",
     "-"},
    /* past midnight, and back-to-back across midnight */
    {"fri 22:00-02:00", NULL, NULL, "2026-11-28T01:30:00+02:00", 1, "-",
     "2026-11-28T02:00:00+02:00"},
    {"daily 20:00-24:00, daily 00:00-02:00", NULL, NULL, "2026-11-23T23:00:00+02:00", 1, "-",
     "2026-11-24T02:00:00+02:00"},
    {"sun 23:00-01:00", NULL, NULL, "2026-11-30T00:30:00+02:00", 1, "-",
     "2026-11-30T01:00:00+02:00"},
    /* always, never, closed days */
    {"always", NULL, NULL, "2026-11-23T03:00:00+02:00", 1, "-", "-"},
    {"never", NULL, NULL, "2026-11-23T03:00:00+02:00", 0, "-", "-"},
    {"always", "2026-12-24", NULL, "2026-12-23T12:00:00+02:00", 1, "-",
     "2026-12-24T00:00:00+02:00"},
    {"always", "2026-12-24", NULL, "2026-12-24T12:00:00+02:00", 0, "2026-12-25T00:00:00+02:00",
     "-"},
    /* extra opening, also on a closed date; New Year */
    {"never", NULL, "2026-12-27 10:00-14:00", "2026-12-27T09:00:00+02:00", 0,
     "2026-12-27T10:00:00+02:00", "-"},
    {"mon-fri 09:00-17:00", "2026-12-31", "2026-12-31 20:00-02:00", "2026-12-31T12:00:00+02:00", 0,
     "2026-12-31T20:00:00+02:00", "-"},
    {"mon-fri 09:00-17:00", "2026-12-31", "2026-12-31 20:00-02:00", "2027-01-01T01:00:00+02:00", 1,
     "-", "2027-01-01T02:00:00+02:00"},
    {"mon-fri 09:00-17:00", "2027-01-01", NULL, "2026-12-31T18:00:00+02:00", 0,
     "2027-01-04T09:00:00+02:00", "-"},
    /* leap day */
    {"never", NULL, "2028-02-29 08:00-10:00", "2028-02-28T12:00:00+02:00", 0,
     "2028-02-29T08:00:00+02:00", "-"},
    {"daily 08:00-10:00", "2028-02-29", NULL, "2028-02-28T12:00:00+02:00", 0,
     "2028-03-01T08:00:00+02:00", "-"},
    /* spring forward: 2026-03-29 03:00 EET becomes 04:00 EEST */
    {"daily 02:00-05:00", NULL, NULL, "2026-03-29T02:30:00+02:00", 1, "-",
     "2026-03-29T05:00:00+03:00"},
    {"daily 03:00-04:00", NULL, NULL, "2026-03-29T02:59:00+02:00", 0, "2026-03-30T03:00:00+03:00",
     "-"},
    {"daily 22:00-06:00", NULL, NULL, "2026-03-28T23:00:00+02:00", 1, "-",
     "2026-03-29T06:00:00+03:00"},
    {"sun 09:00-10:00", NULL, NULL, "2026-03-29T01:00:00+02:00", 0, "2026-03-29T09:00:00+03:00",
     "-"},
    /* fall back: 2026-10-25 04:00 EEST becomes 03:00 EET; 03:xx happens twice */
    {"daily 02:00-05:00", NULL, NULL, "2026-10-25T03:30:00+03:00", 1, "-",
     "2026-10-25T05:00:00+02:00"},
    {"daily 03:00-04:00", NULL, NULL, "2026-10-25T03:30:00+03:00", 1, "-",
     "2026-10-25T04:00:00+02:00"},
    {"daily 03:00-04:00", NULL, NULL, "2026-10-25T03:30:00+02:00", 1, "-",
     "2026-10-25T04:00:00+02:00"},
    {"daily 03:00-04:00", NULL, NULL, "2026-10-25T02:59:00+03:00", 0, "2026-10-25T03:00:00+03:00",
     "-"},
    {"sun 09:00-10:00", NULL, NULL, "2026-10-25T01:00:00+03:00", 0, "2026-10-25T09:00:00+02:00",
     "-"},
};

static void test_open_next_open_and_closes_at_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
        const struct when_case *c = &when[i];
        struct schedule s = make(c->hours, c->closed, c->extra);
        time_t now = at(c->now);
        int open = schedule_is_open(&s, now);
        time_t next = schedule_next_open(&s, now), closes = schedule_closes_at(&s, now);
        if (open != c->open || next != at(c->next_open) || closes != at(c->closes_at))
            fail_msg("case %zu (%s at %s): open %d next %ld closes %ld, wanted %d %ld %ld", i,
                     c->hours, c->now, open, (long)next, (long)closes, c->open,
                     (long)at(c->next_open), (long)at(c->closes_at));
        time_t change = schedule_next_change(&s, now);
        assert_int_equal(change, open ? closes : next);
    }
}

static void test_open_seconds_on_dst_days(void **state)
{
    (void)state;
    struct schedule s = make("always", NULL, NULL);
    /* the spring day has 23 hours, the autumn day 25 */
    assert_int_equal(
        schedule_open_seconds(&s, at("2026-03-29T00:00:00+02:00"), at("2026-03-30T00:00:00+03:00")),
        23 * 3600);
    assert_int_equal(
        schedule_open_seconds(&s, at("2026-10-25T00:00:00+03:00"), at("2026-10-26T00:00:00+02:00")),
        25 * 3600);
    struct schedule w = make("mon-fri 09:00-21:00", NULL, NULL);
    assert_int_equal(
        schedule_open_seconds(&w, at("2026-11-23T00:00:00+02:00"), at("2026-11-30T00:00:00+02:00")),
        5 * 12 * 3600);
    assert_int_equal(
        schedule_open_seconds(&w, at("2026-11-23T20:30:00+02:00"), at("2026-11-23T21:30:00+02:00")),
        1800);
}

static void test_never_scan_is_bounded(void **state)
{
    (void)state;
    struct schedule s = make("never", NULL, NULL);
    assert_int_equal(schedule_next_open(&s, at("2026-11-23T12:00:00+02:00")), -1);
    assert_int_equal(schedule_next_change(&s, at("2026-11-23T12:00:00+02:00")), -1);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hours_grammar_table),
        cmocka_unit_test(test_dates_must_exist),
        cmocka_unit_test(test_open_next_open_and_closes_at_table),
        cmocka_unit_test(test_open_seconds_on_dst_days),
        cmocka_unit_test(test_never_scan_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
