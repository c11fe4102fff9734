/*
 * test_fdbudget: the descriptor rule: what chatd keeps for itself, how many
 * connections it holds, and the per-source caps derived from the limit, as
 * a table; and for every limit, that one source at its cap leaves room for
 * others.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fdbudget.h"

static const struct {
    long nofile, max_conns;
    struct fdbudget want;
} cases[] = {
    /* ulimit -n 100 (issue 25): 36 connections, a quarter for one source */
    {100, 256, {36, 9, 9}},
    /* a roomy limit: the configured caps (TCP twice the WebSockets) */
    {20000, 256, {19936, 512, 256}},
    {1048576, 256, {1048512, 512, 256}},
    /* a shell's default: the limit wins over max_conns_per_source */
    {1024, 256, {960, 240, 240}},
    {1024, 100, {960, 200, 100}},
    /* the smallest budget that starts */
    {80, 256, {16, 4, 4}},
    {80, 1, {16, 2, 1}},
    /* no per-source cap asked for: the budget stays */
    {100, 0, {36, 0, 0}},
    {20000, 0, {19936, 0, 0}},
    /* too few to serve: below the minimum, no caps */
    {79, 256, {15, 0, 0}},
    {10, 256, {-54, 0, 0}},
    /* unlimited */
    {LONG_MAX, 256, {LONG_MAX - 64, 512, 256}},
};

static void test_budget_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fdbudget b = fdbudget_of(cases[i].nofile, cases[i].max_conns);
        print_message("nofile %ld max_conns_per_source %ld -> %ld, %ld, %ld\n", cases[i].nofile,
                      cases[i].max_conns, b.conns, b.tcp_per_source, b.ws_per_source);
        assert_int_equal(b.conns, cases[i].want.conns);
        assert_int_equal(b.tcp_per_source, cases[i].want.tcp_per_source);
        assert_int_equal(b.ws_per_source, cases[i].want.ws_per_source);
    }
}

/* The promise of the rule: whatever the limit and the configured cap, a
 * source at its cap leaves at least three times as many connections to the
 * others, and no cap exceeds what was configured. */
static void test_one_source_leaves_room_for_others(void **state)
{
    (void)state;
    static const long max_conns[] = {1, 3, 50, 256, 1000, 1000000};
    for (long nofile = FDBUDGET_RESERVE + FDBUDGET_MIN_CONNS; nofile < 70000; nofile += 7) {
        for (size_t i = 0; i < sizeof(max_conns) / sizeof(max_conns[0]); i++) {
            struct fdbudget b = fdbudget_of(nofile, max_conns[i]);
            assert_true(b.conns >= FDBUDGET_MIN_CONNS);
            assert_true(b.conns + FDBUDGET_RESERVE == nofile);
            assert_true(b.tcp_per_source >= 1);
            assert_true(b.tcp_per_source <= 2 * max_conns[i]);
            assert_true(b.conns - b.tcp_per_source >= 3 * b.tcp_per_source);
            assert_true(b.ws_per_source >= 1);
            assert_true(b.ws_per_source <= max_conns[i]);
            assert_true(b.ws_per_source <= b.tcp_per_source);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_table),
        cmocka_unit_test(test_one_source_leaves_room_for_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
