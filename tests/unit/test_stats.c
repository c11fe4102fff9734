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
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
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
        store_open(f->dir, &f->st) != 0)
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

/* The report of [from, to) as CSV text (malloc'd). */
static char *report(struct fixture *f, time_t from, time_t to, long min_count)
{
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(stats_report(f->st, from, to, NULL, STATS_CSV, min_count, out), 0);
    fclose(out);
    return text;
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
    stats_staffing(s, 0, 2, T0 + 3000);
    stats_add(s, 0, STAT_JOINS, 1, T0 + 3599);
    stats_add(s, 0, STAT_JOINS, 1, T0 + 3600);
    assert_int_equal(stats_flush(s, f->st, T0 + 4200), 0);
    assert_int_equal(store_commit(f->st), 0);
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
    assert_int_equal(stats_flush(s, f->st, T0 + 86400), 0);
    assert_int_equal(store_commit(f->st), 0);
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

static void test_min_count_suppresses(void **state)
{
    struct fixture *f = *state;
    struct stats *s = stats_new(f->cfg, T0 + 2 * 86400);
    stats_add(s, 0, STAT_FEEDBACK_1, 1, T0 + 2 * 86400);
    stats_add(s, 0, STAT_JOINS, 7, T0 + 2 * 86400);
    assert_int_equal(stats_flush(s, f->st, T0 + 2 * 86400), 0);
    assert_int_equal(store_commit(f->st), 0);
    char *text = report(f, T0 + 2 * 86400, T0 + 2 * 86400 + 3600, 5);
    assert_non_null(strstr(text, "a,2026-11-25T10:00:00+02:00,0,0,0,7,<5,<5,"));
    free(text);
    stats_free(s);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hour_start_is_local),
        cmocka_unit_test(test_open_seconds_split_at_the_hour),
        cmocka_unit_test(test_histogram_bins),
        cmocka_unit_test(test_min_count_suppresses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
