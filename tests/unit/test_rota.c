/*
 * test_rota: the rota's shifts against optima worked out by hand and against
 * a brute force over tiny weeks, and the need of a week in which the clock
 * moves (Europe/Helsinki: 167 and 169 hours).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "chat_err.h"
#include "rota.h"
#include "stats.h"

#define KINDS_MAX (ROTA_HOURS_MAX * ROTA_SHIFT_LIMIT_H)

static struct rota_shift kinds[KINDS_MAX];

/* Solves need and returns the worker-hours; checks that the shifts fit and
 * cover every hour. */
static long solve(const int *need, int n, int min_h, int max_h)
{
    size_t nk = 0;
    long total = -1;
    assert_int_equal(rota_solve(need, n, min_h, max_h, kinds, KINDS_MAX, &nk, &total), 0);
    int cover[ROTA_HOURS_MAX] = {0};
    long sum = 0;
    for (size_t i = 0; i < nk; i++) {
        assert_true(kinds[i].len >= min_h && kinds[i].len <= max_h);
        assert_true(kinds[i].start >= 0 && kinds[i].start + kinds[i].len <= n);
        assert_true(kinds[i].count > 0);
        for (int h = kinds[i].start; h < kinds[i].start + kinds[i].len; h++)
            cover[h] += kinds[i].count;
        sum += (long)kinds[i].count * kinds[i].len;
    }
    for (int h = 0; h < n; h++)
        assert_true(cover[h] >= need[h]);
    assert_int_equal(sum, total);
    return total;
}

static void test_no_need_no_shifts(void **state)
{
    (void)state;
    int need[10] = {0};
    assert_int_equal(solve(need, 10, 3, 5), 0);
}

/* 2 workers for 8 hours with 3..5-hour shifts: 2 x (4 + 4) = 16, nothing
 * over. */
static void test_a_block_is_split_without_waste(void **state)
{
    (void)state;
    int need[12] = {0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0};
    assert_int_equal(solve(need, 12, 3, 5), 16);
}

/* One hour of need still takes a whole shortest shift: 3 hours. */
static void test_a_lone_hour_takes_a_minimum_shift(void **state)
{
    (void)state;
    int need[10] = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0};
    assert_int_equal(solve(need, 10, 3, 5), 3);
}

/* A peak: 1 worker for 6 hours, 2 in the middle 2: not 6 + 3 (a 3-hour
 * shift over the peak) but two 4-hour shifts that overlap on it = 8. */
static void test_a_peak_costs_one_minimum_shift(void **state)
{
    (void)state;
    int need[8] = {1, 1, 2, 2, 1, 1, 0, 0};
    assert_int_equal(solve(need, 8, 3, 5), 8);
}

/* Need at the week's very end: the shift may not run past it, so it starts
 * early enough to fit (3 hours). */
static void test_shifts_stay_inside_the_week(void **state)
{
    (void)state;
    int need[6] = {0, 0, 0, 0, 0, 1};
    assert_int_equal(solve(need, 6, 3, 5), 3);
    assert_int_equal(kinds[0].start, 3);
}

static void test_bad_input_is_refused(void **state)
{
    (void)state;
    int need[4] = {1, 1, 1, 1};
    size_t nk;
    long total;
    assert_int_equal(rota_solve(need, 4, 5, 3, kinds, KINDS_MAX, &nk, &total),
                     CHAT_ERR_BAD_REQUEST);
    assert_int_equal(rota_solve(need, 4, 0, 3, kinds, KINDS_MAX, &nk, &total),
                     CHAT_ERR_BAD_REQUEST);
    assert_int_equal(rota_solve(need, 2, 3, 5, kinds, KINDS_MAX, &nk, &total),
                     CHAT_ERR_BAD_REQUEST);
    need[1] = -1;
    assert_int_equal(rota_solve(need, 4, 1, 3, kinds, KINDS_MAX, &nk, &total),
                     CHAT_ERR_BAD_REQUEST);
}

/* ---- brute force -------------------------------------------------------------- */

#define BF_HOURS 8

struct bf {
    const int *need;
    int n, min_h, max_h;
    long best;
};

/* Every way to start 0..2 shifts of each length at hour h and after, with
 * cover[] what the shifts started before h give; an hour left short is a
 * dead end (no later shift covers it). */
static void bf_walk(struct bf *b, int h, int *cover, long cost)
{
    if (cost >= b->best)
        return;
    if (h == b->n) {
        b->best = cost;
        return;
    }
    int lens = b->max_h - b->min_h + 1, combos = 1;
    for (int i = 0; i < lens; i++)
        combos *= 3;
    for (int c = 0; c < combos; c++) {
        int add[ROTA_SHIFT_LIMIT_H + 1] = {0}, x = c;
        long more = 0;
        bool fits = true;
        for (int i = 0; i < lens; i++, x /= 3) {
            int len = b->min_h + i, k = x % 3;
            if (k && h + len > b->n)
                fits = false;
            add[len] = k;
            more += (long)k * len;
        }
        if (!fits)
            continue;
        int next[BF_HOURS + ROTA_SHIFT_LIMIT_H] = {0};
        memcpy(next, cover, sizeof(int) * (size_t)b->n);
        for (int len = b->min_h; len <= b->max_h; len++)
            for (int k = h; k < h + len && k < b->n; k++)
                next[k] += add[len];
        if (next[h] >= b->need[h])
            bf_walk(b, h + 1, next, cost + more);
    }
}

static void test_optimum_matches_brute_force(void **state)
{
    (void)state;
    srand(31);
    for (int round = 0; round < 150; round++) {
        int need[BF_HOURS], cover[BF_HOURS + ROTA_SHIFT_LIMIT_H] = {0};
        int min_h = 1 + rand() % 3, max_h = min_h + rand() % 2;
        for (int h = 0; h < BF_HOURS; h++)
            need[h] = rand() % 3;
        struct bf b = {need, BF_HOURS, min_h, max_h, 1L << 30};
        bf_walk(&b, 0, cover, 0);
        assert_int_equal(solve(need, BF_HOURS, min_h, max_h), b.best);
    }
}

/* ---- the week's need ------------------------------------------------------------ */

static void test_week_is_a_monday(void **state)
{
    (void)state;
    assert_true(rota_week_ok(stats_parse_day("2026-03-23", 0)));
    assert_false(rota_week_ok(stats_parse_day("2026-03-24", 0)));
    assert_false(rota_week_ok(stats_parse_day("2026-03-23", 0) + 3600));
}

/* Helsinki moves to summer time on Sunday 29 March 2026 at 03:00 (the local
 * hour 03 is skipped) and back on Sunday 25 October (04 comes twice). */
static void test_dst_weeks_have_167_and_169_hours(void **state)
{
    (void)state;
    assert_int_equal(rota_week_hours(stats_parse_day("2026-03-16", 0)), 168);
    assert_int_equal(rota_week_hours(stats_parse_day("2026-03-23", 0)), 167);
    assert_int_equal(rota_week_hours(stats_parse_day("2026-10-19", 0)), 169);
}

static void test_need_follows_local_hours_in_a_dst_week(void **state)
{
    (void)state;
    int slots[PLAN_WEEK_HOURS] = {0}, need[ROTA_HOURS_MAX];
    /* Sunday: 5 slots at 02, 3 at 03 (skipped in spring), 4 at 04 */
    slots[6 * 24 + 2] = 5;
    slots[6 * 24 + 3] = 3;
    slots[6 * 24 + 4] = 4;
    time_t spring = stats_parse_day("2026-03-23", 0);
    rota_need(slots, spring, 167, 2, need);
    /* elapsed hour 146 is Sunday 02:00, 147 is 04:00 (03 never happens) */
    assert_int_equal(need[146], 3);
    assert_int_equal(need[147], 2);
    assert_int_equal(need[145], 0);
    assert_int_equal(need[148], 0);
    time_t autumn = stats_parse_day("2026-10-19", 0);
    rota_need(slots, autumn, 169, 2, need);
    /* 146: 02, 147: 03 (2 workers), 148 and 149: 04 twice */
    assert_int_equal(need[146], 3);
    assert_int_equal(need[147], 2);
    assert_int_equal(need[148], 2);
    assert_int_equal(need[149], 2);
    assert_int_equal(need[150], 0);
    /* and the shifts of a 169-hour week are solved within it: 2 workers
     * for the 4 hours, the third for a shortest shift */
    assert_int_equal(solve(need, 169, 3, 5), 8 + 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_need_no_shifts),
        cmocka_unit_test(test_a_block_is_split_without_waste),
        cmocka_unit_test(test_a_lone_hour_takes_a_minimum_shift),
        cmocka_unit_test(test_a_peak_costs_one_minimum_shift),
        cmocka_unit_test(test_shifts_stay_inside_the_week),
        cmocka_unit_test(test_bad_input_is_refused),
        cmocka_unit_test(test_optimum_matches_brute_force),
        cmocka_unit_test(test_week_is_a_monday),
        cmocka_unit_test(test_dst_weeks_have_167_and_169_hours),
        cmocka_unit_test(test_need_follows_local_hours_in_a_dst_week),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
