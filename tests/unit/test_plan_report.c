/*
 * test_plan_report: a period's hours of week counted arithmetically
 * (Europe/Helsinki: both DST changes, periods cut mid-day), the same as an
 * hour-by-hour walk of the calendar, at once for any period; and a
 * redistribution that stays short whatever the buckets say.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>

#include "config.h"
#include "cpu_time.h"
#include "plan_report.h"
#include "stats.h"

/* Monday .. Sunday, hour: the hour of week. */
#define HOW(dow, hour) (((dow)-1) * 24 + (hour))

static time_t day(const char *ymd)
{
    time_t t = stats_parse_day(ymd, 0);
    assert_true(t > 0);
    return t;
}

/* The hour-by-hour walk plan_report did before: what the counts must be. */
static void walk(time_t from, time_t to, long weeks[PLAN_WEEK_HOURS])
{
    memset(weeks, 0, PLAN_WEEK_HOURS * sizeof(weeks[0]));
    for (time_t t = stats_hour_start(from); t < to;) {
        struct tm tm;
        localtime_r(&t, &tm);
        weeks[((tm.tm_wday + 6) % 7) * 24 + tm.tm_hour]++;
        time_t next = stats_hour_start(t + 3600);
        t = next > t ? next : t + 3600;
    }
}

/* Every hour of week 2 times, but one: 1 or 3. */
static void assert_all_but(const long *weeks, long all, int h, long that)
{
    for (int k = 0; k < PLAN_WEEK_HOURS; k++)
        if (weeks[k] != (k == h ? that : all))
            fail_msg("hour of week %d (day %d, %02d:00): %ld, want %ld", k, k / 24 + 1, k % 24,
                     weeks[k], k == h ? that : all);
}

static void test_two_plain_weeks_count_each_hour_twice(void **state)
{
    long weeks[PLAN_WEEK_HOURS];
    (void)state;
    plan_report_weeks(day("2026-11-02"), day("2026-11-16"), weeks);
    assert_all_but(weeks, 2, -1, 0);
}

static void test_spring_forward_skips_sunday_three(void **state)
{
    long weeks[PLAN_WEEK_HOURS];
    (void)state;
    /* 2026-03-29: 03:00 EET -> 04:00 EEST */
    plan_report_weeks(day("2026-03-23"), day("2026-04-06"), weeks);
    assert_all_but(weeks, 2, HOW(7, 3), 1);
}

static void test_fall_back_repeats_sunday_three(void **state)
{
    long weeks[PLAN_WEEK_HOURS];
    (void)state;
    /* 2026-10-25: 04:00 EEST -> 03:00 EET */
    plan_report_weeks(day("2026-10-19"), day("2026-11-02"), weeks);
    assert_all_but(weeks, 2, HOW(7, 3), 3);
}

static void test_a_period_cut_mid_day(void **state)
{
    long weeks[PLAN_WEEK_HOURS];
    (void)state;
    /* Monday 2026-11-02 00:00 .. Tuesday 2026-11-10 19:00: the second
     * Monday whole, the second Tuesday up to 18:00 */
    time_t to = day("2026-11-10") + (time_t)19 * 3600;
    plan_report_weeks(day("2026-11-02"), to, weeks);
    for (int k = 0; k < PLAN_WEEK_HOURS; k++) {
        long want = k < HOW(2, 19) ? 2 : 1;
        if (weeks[k] != want)
            fail_msg("hour of week %d: %ld, want %ld", k, weeks[k], want);
    }
}

static void test_counts_match_the_hour_walk(void **state)
{
    long got[PLAN_WEEK_HOURS], want[PLAN_WEEK_HOURS];
    (void)state;
    int periods = 0;
    /* starts every 23 days over two years (four DST changes a year's
     * worth), lengths 1..400 days, ends at midnight or cut at an hour */
    for (int s = 0; s < 730; s += 23)
        for (int len = 1; len <= STATS_PERIOD_MAX_DAYS; len += 53)
            for (int cut = 0; cut <= 13; cut += 13) {
                time_t from = stats_parse_day("2026-01-01", s);
                time_t to = stats_parse_day("2026-01-01", s + len);
                if (cut)
                    to = stats_hour_start(to - (time_t)cut * 3600 - 1);
                plan_report_weeks(from, to, got);
                walk(from, to, want);
                if (memcmp(got, want, sizeof(got)) != 0)
                    fail_msg("day %d + %d days (cut %d h): counts differ", s, len, cut);
                periods++;
            }
    assert_true(periods > 500);
}

static void test_any_period_is_counted_at_once(void **state)
{
    long weeks[PLAN_WEEK_HOURS], sum = 0;
    (void)state;
    time_t from = day("1970-01-02"), to = stats_parse_day("9999-12-31", 1);
    double t0 = cpu_seconds();
    plan_report_weeks(from, to, weeks);
    double took = cpu_seconds() - t0;
    for (int k = 0; k < PLAN_WEEK_HOURS; k++)
        sum += weeks[k];
    /* a skipped hour and a repeated one each count as they passed */
    assert_int_equal(sum, (to - from) / 3600);
    /* the walk took 66 s: one probe a week is a fraction of a second */
    if (took > 2.0)
        fail_msg("8000 years took %.2f s of CPU", took);
}

/* A bucket with counts of a staffed, busy hour (slots slots on duty). */
static int add_hour(struct plan_report *rep, time_t hour, long slots)
{
    long c[STAT_COUNT] = {0};
    c[STAT_OPEN_S] = 3600;
    c[STAT_JOINS] = 40;
    c[STAT_ANSWERED] = 30;
    c[STAT_ABANDONED] = 10;
    c[STAT_WAIT_ANSWERED_S] = 30 * 120;
    c[STAT_WAIT_ABANDONED_S] = 10 * 200;
    c[STAT_CHATS] = 30;
    c[STAT_CHAT_S] = 30 * 1200;
    c[STAT_SLOT_S] = slots * 3600;
    struct stats_row row = {.topic = "a", .hour = hour, .counts = c};
    return plan_report_add(&row, rep);
}

static void test_redistribution_stays_short(void **state)
{
    struct config *cfg;
    char *text = NULL;
    size_t len;
    (void)state;
    assert_int_equal(config_load_text("t.ini", "[topic a]\nhours = always\n", 0, &cfg, stderr), 0);
    time_t from = day("2026-11-02"), to = day("2026-11-09");
    /* 998 slots every hour of a week: 167,664 slot-hours to place */
    struct plan_report *rep = plan_report_new(cfg, from, to);
    assert_non_null(rep);
    for (time_t t = from; t < to; t += 3600)
        assert_int_equal(add_hour(rep, t, 998), 0);
    struct plan_target target = {PLAN_TARGET_WAIT_S, PLAN_TARGET_SHARE};
    FILE *out = open_memstream(&text, &len);
    double t0 = cpu_seconds();
    assert_int_equal(plan_report_print(rep, &target, true, STATS_JSON, out), 0);
    double took = cpu_seconds() - t0;
    fclose(out);
    /* past PLAN_REPORT_REDISTRIBUTE_MAX: no proposal, and no long walk */
    assert_non_null(strstr(text, "\"slots_proposed\":null"));
    assert_null(strstr(text, "\"slots_proposed\":1"));
    if (took > 1.0)
        fail_msg("the plan of 998 slots an hour took %.2f s of CPU", took);
    free(text);
    plan_report_free(rep);

    /* a staffing within the bound is still redistributed */
    rep = plan_report_new(cfg, from, to);
    for (time_t t = from; t < to; t += 3600)
        assert_int_equal(add_hour(rep, t, 2), 0);
    out = open_memstream(&text, &len);
    assert_int_equal(plan_report_print(rep, &target, true, STATS_JSON, out), 0);
    fclose(out);
    assert_null(strstr(text, "\"slots_proposed\":null"));
    free(text);
    plan_report_free(rep);
    config_free(cfg);
}

/* A bucket of topic a at hour: joins, answered, open and slot seconds, with
 * enough chats for the hour's own handle time. */
static void add_bucket(struct plan_report *rep, time_t hour, long joins, long answered, long open_s,
                       long slot_s)
{
    long c[STAT_COUNT] = {0};
    c[STAT_JOINS] = joins;
    c[STAT_QUEUED] = joins;
    c[STAT_ANSWERED] = answered;
    c[STAT_ABANDONED] = joins - answered;
    c[STAT_WAIT_ANSWERED_S] = answered * 60;
    c[STAT_WAIT_ABANDONED_S] = (joins - answered) * 120;
    c[STAT_CHATS] = answered;
    c[STAT_CHAT_S] = answered * 1200;
    c[STAT_OPEN_S] = open_s;
    c[STAT_SLOT_S] = slot_s;
    c[STAT_WORKER_S] = slot_s;
    c[STAT_STAFFED_S] = slot_s;
    struct stats_row row = {.topic = "a", .hour = hour, .counts = c};
    assert_int_equal(plan_report_add(&row, rep), 0);
}

/* The row of (dow, hour) in the plan's JSON, or NULL. */
static json_t *row_at(json_t *plan, int dow, int hour)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(plan, "hours"), i, r)
    {
        if (json_integer_value(json_object_get(r, "dow")) == dow &&
            json_integer_value(json_object_get(r, "hour")) == hour)
            return r;
    }
    return NULL;
}

/* Issue 27.4: rows say whether the hour was open; a closed hour with fewer
 * than one join a week is not short; the summary has the observed answered
 * a week beside the model's figures. */
static void test_rows_open_short_and_observed(void **state)
{
    struct config *cfg;
    char *text = NULL;
    size_t len;
    (void)state;
    assert_int_equal(
        config_load_text("t.ini", "[topic a]\nhours = daily 18:00-22:00\n", 0, &cfg, stderr), 0);
    time_t from = day("2026-11-02"), to = day("2026-11-16"); /* two Mondays */
    struct plan_report *rep = plan_report_new(cfg, from, to);
    assert_non_null(rep);
    for (int w = 0; w < 2; w++) {
        time_t monday = from + (time_t)w * 7 * 86400;
        /* Monday 18-19: open, busy, one slot: short */
        add_bucket(rep, monday + 18 * 3600L, 30, 24, 3600, 3600);
        /* Monday 19-20: open, quiet, three slots: enough */
        add_bucket(rep, monday + 19 * 3600L, 1, 1, 3600, 3 * 3600L);
        /* Tuesday 03-04: closed, a worker on duty anyway, one join in the
         * first week only (0.5 a week): not short */
        add_bucket(rep, monday + (24 + 3) * 3600L, w == 0 ? 1 : 0, 0, 0, 1800);
        /* Wednesday 03-04: closed, two joins every week: short */
        add_bucket(rep, monday + (48 + 3) * 3600L, 2, 0, 0, 0);
    }
    struct plan_target target = {PLAN_TARGET_WAIT_S, PLAN_TARGET_SHARE};
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(plan_report_print(rep, &target, true, STATS_JSON, out), 0);
    fclose(out);
    json_t *plan = json_loads(text, 0, NULL);
    assert_non_null(plan);

    json_t *busy = row_at(plan, 1, 18), *quiet = row_at(plan, 1, 19);
    json_t *stray = row_at(plan, 2, 3), *night = row_at(plan, 3, 3);
    assert_non_null(busy);
    assert_non_null(quiet);
    assert_non_null(stray);
    assert_non_null(night);
    assert_true(json_is_true(json_object_get(busy, "open")));
    assert_true(json_is_true(json_object_get(busy, "short")));
    assert_true(json_is_true(json_object_get(quiet, "open")));
    assert_true(json_is_false(json_object_get(quiet, "short")));
    assert_true(json_is_false(json_object_get(stray, "open")));
    assert_true(json_is_false(json_object_get(stray, "short")));
    /* it does need a slot by the model: only the rule keeps it unflagged */
    assert_true(json_integer_value(json_object_get(stray, "slots_needed")) >
                json_real_value(json_object_get(stray, "slots_had")));
    assert_true(json_is_false(json_object_get(night, "open")));
    assert_true(json_is_true(json_object_get(night, "short")));
    /* an open hour with no bucket at all: Monday 20-21 came with nothing */
    assert_null(row_at(plan, 1, 20));

    /* observed: 24 + 1 answered a week (two weeks of 24 + 1) */
    json_t *apw = json_object_get(plan, "answered_per_week");
    assert_non_null(apw);
    assert_true(json_is_number(json_object_get(apw, "observed")));
    double observed = json_number_value(json_object_get(apw, "observed"));
    if (fabs(observed - 25.0) > 1e-9)
        fail_msg("observed %.3f answered a week, want 25", observed);
    assert_true(json_is_number(json_object_get(apw, "now")));
    json_decref(plan);
    free(text);

    /* the CSV: open and short last, and the observed figure in the summary */
    out = open_memstream(&text, &len);
    assert_int_equal(plan_report_print(rep, &target, true, STATS_CSV, out), 0);
    fclose(out);
    assert_non_null(strstr(text, ",thin,slots_proposed,open,short\n"));
    assert_non_null(strstr(text, "a,1,18,2,"));
    assert_non_null(strstr(text, " observed=25.0\n"));
    free(text);
    out = open_memstream(&text, &len);
    assert_int_equal(plan_report_print(rep, &target, false, STATS_CSV, out), 0);
    fclose(out);
    assert_non_null(strstr(text, ",gain_per_slot,thin,open,short\n"));
    free(text);
    plan_report_free(rep);
    config_free(cfg);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_plain_weeks_count_each_hour_twice),
        cmocka_unit_test(test_spring_forward_skips_sunday_three),
        cmocka_unit_test(test_fall_back_repeats_sunday_three),
        cmocka_unit_test(test_a_period_cut_mid_day),
        cmocka_unit_test(test_counts_match_the_hour_walk),
        cmocka_unit_test(test_any_period_is_counted_at_once),
        cmocka_unit_test(test_redistribution_stays_short),
        cmocka_unit_test(test_rows_open_short_and_observed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
