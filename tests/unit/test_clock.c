/* Unit tests of clock: real time plus an offset that only grows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <time.h>

#include "chat_err.h"
#include "clock.h"

static double real_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every test moves the same process-wide offset: each measures from where
 * the clock stands when it begins. */
static double offset_now(void)
{
    return clock_now() - real_now();
}

static void test_starts_at_real_time(void **state)
{
    (void)state;
    double before = real_now(), now = clock_now(), after = real_now();
    assert_true(before <= now && now <= after);
}

static void test_advance_moves_now_ahead(void **state)
{
    (void)state;
    double was = offset_now();
    assert_int_equal(clock_advance(90.5), 0);
    assert_true(fabs(offset_now() - was - 90.5) < 0.01);
    assert_int_equal(clock_advance(CLOCK_ADVANCE_MAX), 0);
    assert_true(fabs(offset_now() - was - 90.5 - CLOCK_ADVANCE_MAX) < 0.01);
}

static void test_advance_refuses_out_of_range(void **state)
{
    (void)state;
    static const double bad[] = {0, -1, -1e-9, CLOCK_ADVANCE_MAX + 1, INFINITY, -INFINITY, NAN};
    double was = offset_now();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(clock_advance(bad[i]), CHAT_ERR_BAD_REQUEST);
    assert_true(fabs(offset_now() - was) < 0.01); /* nothing moved */
}

static void test_still_runs_after_advance(void **state)
{
    (void)state;
    assert_int_equal(clock_advance(1), 0);
    double a = clock_now();
    struct timespec pause = {0, 2000000};
    nanosleep(&pause, NULL);
    assert_true(clock_now() > a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_at_real_time),
        cmocka_unit_test(test_advance_moves_now_ahead),
        cmocka_unit_test(test_advance_refuses_out_of_range),
        cmocka_unit_test(test_still_runs_after_advance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
