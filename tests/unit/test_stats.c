/*
 * test_stats: hourly bucketing in local time, across an hour boundary and
 * both DST changes, and the histogram bins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "chat_err.h"
#include "config.h"
#include "cpu_time.h"
#include "stats.h"
#include "store.h"

struct fixture {
    char dir[64];
    struct config *cfg;
    struct store *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/chatd-stats-XXXXXX");
    if (!mkdtemp(f->dir) ||
        config_load_text("t.ini", "[topic a]\nhours = always\n[topic b]\nhours = never\n", 0,
                         &f->cfg, stderr) != 0 ||
        store_open(f->dir, 0, &f->st) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    store_close(f->st);
    config_free(f->cfg);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* The stored report of [from, to) as text (malloc'd), with the extra
 * counters of cfg (NULL: none but those stored). */
static char *report_of(struct fixture *f, const struct config *cfg, time_t from, time_t to,
                       long min_count, enum stats_format fmt)
{
    char *text;
    size_t len;
    struct stats_report *rep = stats_report_new();
    FILE *out = open_memstream(&text, &len);
    if (cfg)
        assert_int_equal(stats_report_names(rep, cfg), 0);
    assert_int_equal(store_stats_each(f->st, from, to, NULL, stats_report_add, rep), 0);
    assert_int_equal(stats_report_print(rep, fmt, min_count, out), 0);
    fclose(out);
    stats_report_free(rep);
    return text;
}

static char *report(struct fixture *f, time_t from, time_t to, long min_count)
{
    return report_of(f, NULL, from, to, min_count, STATS_CSV);
}

static int put(const struct stats_row *row, void *arg)
{
    return store_stats_add(arg, row);
}

/* Commits the counts of s's open batch and stores them as chatd does:
 * flushed into the store's journal, which then commits. */
static void store_all(struct fixture *f, struct stats *s, time_t now)
{
    stats_batch_end(s, true);
    assert_int_equal(stats_flush(s, now, put, f->st), 0);
    assert_int_equal(store_commit(f->st, NULL), 0);
    stats_batch_end(s, true);
}

/* 2026-11-23 10:00:00 +02:00 */
#define T0 ((time_t)1795420800)

static void test_hour_start_is_local(void **state)
{
    (void)state;
    assert_int_equal(stats_hour_start(T0 + 1799), T0);
    /* 2026-10-25: 03:00-04:00 happens twice; each is its own hour */
    time_t first = 1792886400; /* 03:00 +03:00; the second 03:00 (+02:00) is an hour later */
    assert_int_equal(stats_hour_start(first + 1800), first);
    assert_int_equal(stats_hour_start(first + 3600 + 1800), first + 3600);
}

static void test_open_seconds_split_at_the_hour(void **state)
{
    struct fixture *f = *state;
    struct stats *s = stats_new(f->cfg, T0 + 3000);
    stats_staffing(s, 0, 2, 5, T0 + 3000);
    stats_add(s, 0, STAT_JOINS, 1, T0 + 3599);
    stats_add(s, 0, STAT_JOINS, 1, T0 + 3600);
    store_all(f, s, T0 + 4200);
    char *text = report(f, T0, T0 + 7200, 0);
    /* a: 10:00 bucket has 600 open/staffed seconds, 1200 worker-seconds */
    assert_non_null(strstr(text, "a,2026-11-23T10:00:00+02:00,600,600,1200,1,"));
    assert_non_null(strstr(text, "a,2026-11-23T11:00:00+02:00,600,600,1200,1,"));
    assert_non_null(strstr(text, "b,2026-11-23T10:00:00+02:00,0,0,0,0,"));
    free(text);
    stats_free(s);
}

static void test_histogram_bins(void **state)
{
    struct fixture *f = *state;
    struct stats *s = stats_new(f->cfg, T0 + 86400);
    time_t waits[] = {0, 59, 60, 299, 300, 899, 900, 1799, 1800, 3599, 3600, 99999};
    for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++)
        stats_add_duration(s, 0, STAT_WAIT_ANSWERED_S, STAT_WAIT_ANSWERED_H0, waits[i], T0 + 86400);
    store_all(f, s, T0 + 86400);
    char *text = report(f, T0 + 86400, T0 + 90000, 0);
    /* wait_answered_s = sum, then 2 in each of the six bins */
    char want[128];
    snprintf(want, sizeof(want), ",%ld,",
             0L + 59 + 60 + 299 + 300 + 899 + 900 + 1799 + 1800 + 3599 + 3600 + 99999);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, ",2,2,2,2,2,2,"));
    free(text);
    stats_free(s);
}

/* Counts of a batch that failed never happened; what was flushed in it is
 * handed to the store again. */
static void test_failed_batch_counts_nothing(void **state)
{
    struct fixture *f = *state;
    time_t t = T0 + 3 * 86400;
    struct stats *s = stats_new(f->cfg, t);
    stats_add(s, 0, STAT_JOINS, 2, t);
    stats_batch_end(s, true);
    assert_int_equal(stats_flush(s, t, put, f->st), 0);
    stats_add(s, 0, STAT_JOINS, 5, t); /* in the same batch as the flush */
    store_discard(f->st);              /* the batch failed */
    stats_batch_end(s, false);
    store_all(f, s, t);
    char *text = report(f, t, t + 3600, 0);
    assert_non_null(strstr(text, "a,2026-11-26T10:00:00+02:00,0,0,0,2,"));
    free(text);
    stats_free(s);
}

static void test_min_count_suppresses(void **state)
{
    struct fixture *f = *state;
    struct stats *s = stats_new(f->cfg, T0 + 2 * 86400);
    stats_add(s, 0, STAT_FEEDBACK_1, 1, T0 + 2 * 86400);
    stats_add(s, 0, STAT_JOINS, 7, T0 + 2 * 86400);
    store_all(f, s, T0 + 2 * 86400);
    char *text = report(f, T0 + 2 * 86400, T0 + 2 * 86400 + 3600, 5);
    assert_non_null(strstr(text, "a,2026-11-25T10:00:00+02:00,0,0,0,7,<5,<5,"));
    free(text);
    stats_free(s);
}

/* Contract v2 §5: answers and categories counted under names from the
 * config, slot_s from capacities, and min-count hiding them all but the
 * time counters; a name only in the data still shows. */
static void test_extra_counters_and_slots(void **state)
{
    struct fixture *f = *state;
    struct config *cfg;
    time_t t = T0 + 4 * 86400;
    assert_int_equal(config_load_text("q.ini",
                                      "[topic a]\nhours = always\n"
                                      "[question safe]\ntext_fi = T\ntext_sv = T\ntext_en = T\n"
                                      "answers = yes, no\nlabel_fi = K, E\nlabel_sv = J, N\n"
                                      "label_en = Y, N\nurgent = no\n"
                                      "[categories]\nschool = Koulu | Skola | School\n",
                                      0, &cfg, stderr),
                     0);
    assert_int_equal(stats_extra_count(cfg), 3);
    assert_int_equal(stats_answer_counter(cfg, 0, 1), STAT_COUNT + 1);
    assert_int_equal(stats_category_counter(cfg, 0), STAT_COUNT + 2);
    struct stats *s = stats_new(cfg, t);
    stats_staffing(s, 0, 2, 5, t); /* two workers, five slots */
    stats_add(s, 0, STAT_URGENT, 1, t);
    stats_add(s, 0, stats_answer_counter(cfg, 0, 1), 1, t);
    stats_add(s, 0, stats_category_counter(cfg, 0), 6, t);
    stats_add(s, 0, STAT_WRAPUPS, 1, t);
    stats_add(s, 0, STAT_WRAPUP_S, 90, t);
    store_all(f, s, t + 600);
    long other[STAT_COUNT] = {0}, n = 4;
    const char *name = "q_old_gone";
    struct stats_row row = {"a", t, other, 1, &name, &n}; /* a question since removed */
    assert_int_equal(store_stats_add(f->st, &row), 0);
    assert_int_equal(store_commit(f->st, NULL), 0);

    char *json = report_of(f, cfg, t, t + 3600, 0, STATS_JSON);
    assert_non_null(strstr(json, "\"q_old_gone\":4,\"org\":\"main\"}")); /* v3 §4: last */
    assert_non_null(strstr(json, "\"urgent\":1,"));
    assert_non_null(strstr(json, "\"slot_s\":3000,")); /* 600 s x 5 slots */
    assert_non_null(strstr(json, "\"worker_s\":1200,"));
    assert_non_null(strstr(json, "\"q_safe_yes\":0,\"q_safe_no\":1,\"cat_school\":6,"
                                 "\"q_old_gone\":4,"));
    free(json);
    char *csv = report_of(f, cfg, t, t + 3600, 5, STATS_CSV);
    assert_non_null(strstr(csv,
                           ",slot_s,helped_yes,helped_somewhat,helped_no,again_yes,again_no,"
                           "refused_cutoff,planned_s,letters_received,letters_answered,"
                           "letter_answer_s,letters_overdue,overflow_out,overflow_in,q_safe_yes,"
                           "q_safe_no,cat_school,q_old_gone,org\n")); /* contract v3 §4: org last */
    /* wrapups 1 hides wrapup_s too; slot_s and planned_s are time and stay;
     * 6 and the rest */
    assert_non_null(strstr(
        csv,
        ",<5,<5,<5,<5,<5,<5,<5,<5,3000,<5,<5,<5,<5,<5,<5,0,<5,<5,<5,<5,<5,<5,<5,<5,6,<5,main\n"));
    free(csv);
    stats_free(s);
    config_free(cfg);
}

/* contract v3 §4: every row names its topic's org (JSON "org", the CSV's
 * last column); a topic the config no longer has, none. */
static void test_rows_carry_their_org(void **state)
{
    struct fixture *f = *state;
    struct config *cfg;
    time_t t = T0 + 5 * 86400;
    assert_int_equal(config_load_text("o.ini",
                                      "[org east]\n[org west]\n"
                                      "[topic a]\nhours = always\norg = west\n"
                                      "[topic b]\nhours = always\norg = east\n",
                                      0, &cfg, stderr),
                     0);
    long c[STAT_COUNT] = {0};
    c[STAT_JOINS] = 3;
    struct stats_row a = {"a", t, c, 0, NULL, NULL}, b = {"b", t, c, 0, NULL, NULL},
                     gone = {"gone", t, c, 0, NULL, NULL};
    assert_int_equal(store_stats_add(f->st, &a), 0);
    assert_int_equal(store_stats_add(f->st, &b), 0);
    assert_int_equal(store_stats_add(f->st, &gone), 0);
    assert_int_equal(store_commit(f->st, NULL), 0);

    char *json = report_of(f, cfg, t, t + 3600, 0, STATS_JSON);
    /* the org is each bucket's last member, as it is the CSV's last column */
    assert_non_null(strstr(json, "\"org\":\"west\"},{\"topic\":\"b\","));
    assert_non_null(strstr(json, "\"org\":\"east\"},{\"topic\":\"gone\","));
    assert_non_null(strstr(json, "\"org\":null}]"));
    free(json);
    char *csv = report_of(f, cfg, t, t + 3600, 0, STATS_CSV);
    assert_true(strncmp(csv, "topic,hour,", 11) == 0); /* the old columns keep their places */
    const char *eol = strchr(csv, '\n');
    assert_non_null(eol);
    assert_memory_equal(eol - 4, ",org", 4); /* the header's last column */
    assert_non_null(strstr(csv, ",west\nb,"));
    assert_non_null(strstr(csv, ",east\ngone,"));
    assert_int_equal(csv[strlen(csv) - 2], ','); /* "gone": an empty org */
    free(csv);
    config_free(cfg);
}

static void test_period_cap_is_400_days(void **state)
{
    static const struct {
        const char *from, *to;
        int want;
    } cases[] = {
        {"2026-01-01", "2026-01-01", 0},
        {"2026-01-01", "2027-02-04", 0},                        /* 400 days, both DST changes */
        {"2026-01-01", "2027-02-05", CHAT_ERR_PERIOD_TOO_LONG}, /* 401 */
        {"2026-03-29", "2027-05-02", 0},                        /* 400, from a spring-forward day */
        {"2026-03-29", "2027-05-03", CHAT_ERR_PERIOD_TOO_LONG},
        {"2026-10-25", "2027-11-28", 0}, /* 400, from a fall-back day (25 h) */
        {"2026-10-25", "2027-11-29", CHAT_ERR_PERIOD_TOO_LONG},
        {"1970-01-02", "9999-12-31", CHAT_ERR_PERIOD_TOO_LONG},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got =
            stats_period_check(stats_parse_day(cases[i].from, 0), stats_parse_day(cases[i].to, 1));
        if (got != cases[i].want)
            fail_msg("%s..%s: %d, want %d", cases[i].from, cases[i].to, got, cases[i].want);
    }
    time_t d = stats_parse_day("2026-06-01", 0);
    assert_int_equal(stats_period_check(d, d), CHAT_ERR_BAD_REQUEST);
    assert_int_equal(stats_period_check(d, d - 3600), CHAT_ERR_BAD_REQUEST);
}

/* The topics fill_report adds, out of order: the report prints them a, b, c, d. */
static const char *const report_topics[] = {"d", "b", "a", "c"};
#define REPORT_TOPICS (sizeof(report_topics) / sizeof(report_topics[0]))

/* fill_report: rows of report_topics and `hours` hours added to rep, newest
 * first, each twice (joins k % 7, then k % 7 + 1); returns the CPU seconds
 * it took. */
static double fill_report(struct stats_report *rep, int hours)
{
    long c[STAT_COUNT] = {0};
    double t0 = cpu_seconds();
    for (int pass = 0; pass < 2; pass++)
        for (int k = hours - 1; k >= 0; k--)
            for (size_t i = 0; i < REPORT_TOPICS; i++) {
                c[STAT_JOINS] = k % 7 + pass;
                struct stats_row row = {report_topics[i], T0 + (time_t)k * 3600, c, 0, NULL, NULL};
                assert_int_equal(stats_report_add(&row, rep), 0);
            }
    return cpu_seconds() - t0;
}

/* Rows of many topics and hours, added out of order and each twice: one
 * row each, summed, printed by topic and hour; and found in constant time
 * (60,000 rows: a backwards scan per row took seconds). The time is a ratio
 * to a tenth of the rows, measured in the same run: 10 if adding a row
 * takes the same time however many there are, 100 if it grows with them.
 * A bound in seconds failed under AddressSanitizer on a loaded machine
 * (0.52 s against 0.5; it takes 0.23 s in the normal build alone). */
static void test_report_rows_sum_in_any_order(void **state)
{
    enum { HOURS = 15000 };
    long c[STAT_COUNT] = {0};
    (void)state;
    struct stats_report *small = stats_report_new();
    assert_non_null(small);
    double small_s = fill_report(small, HOURS / 10);
    stats_report_free(small);
    struct stats_report *rep = stats_report_new();
    assert_non_null(rep);
    double took = fill_report(rep, HOURS);
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(stats_report_print(rep, STATS_CSV, 0, out), 0);
    fclose(out);
    /* the lines: a header, then a..d, each hour once, joins 2 * (k % 7) + 1 */
    char *line = strchr(text, '\n') + 1;
    for (int i = 0; i < (int)REPORT_TOPICS; i++)
        for (int k = 0; k < HOURS; k++) {
            char want[64];
            int n = snprintf(want, sizeof(want), "%c,", 'a' + i);
            if (strncmp(line, want, (size_t)n) != 0)
                fail_msg("row %d of topic %d: %.40s", k, i, line);
            const char *joins = line; /* topic,hour,open_s,staffed_s,worker_s,joins */
            for (int f = 0; f < 5; f++)
                joins = strchr(joins, ',') + 1;
            if (strtol(joins, NULL, 10) != 2 * (k % 7) + 1)
                fail_msg("row %d of topic %c: joins %.10s", k, 'a' + i, joins);
            line = strchr(line, '\n') + 1;
        }
    assert_int_equal(*line, '\0');
    /* adding after printing still finds the rows (they moved in the sort) */
    c[STAT_JOINS] = 100;
    struct stats_row again = {"a", T0, c, 0, NULL, NULL};
    assert_int_equal(stats_report_add(&again, rep), 0);
    free(text);
    out = open_memstream(&text, &len);
    assert_int_equal(stats_report_print(rep, STATS_CSV, 0, out), 0);
    fclose(out);
    assert_int_equal(strlen(text), len);
    assert_null(strstr(text, "\na,2026-11-23T10:00:00+02:00,0,0,0,1,"));
    assert_non_null(strstr(text, "\na,2026-11-23T10:00:00+02:00,0,0,0,101,"));
    free(text);
    stats_report_free(rep);
    /* clock() counts in microseconds: the small run takes milliseconds */
    if (took > 30 * small_s + 0.05)
        fail_msg("120,000 rows took %.3f s of CPU, 12,000 took %.3f s", took, small_s);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hour_start_is_local),
        cmocka_unit_test(test_open_seconds_split_at_the_hour),
        cmocka_unit_test(test_histogram_bins),
        cmocka_unit_test(test_min_count_suppresses),
        cmocka_unit_test(test_failed_batch_counts_nothing),
        cmocka_unit_test(test_extra_counters_and_slots),
        cmocka_unit_test(test_rows_carry_their_org),
        cmocka_unit_test(test_period_cap_is_400_days),
        cmocka_unit_test(test_report_rows_sum_in_any_order),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
