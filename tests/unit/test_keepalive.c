/* Unit tests of keepalive: who is pinged and hung up when. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "keepalive.h"

struct seen {
    int pings, hangups;
    struct ka_node *last;
};

static void on_ping(struct ka_node *n, void *arg)
{
    struct seen *s = arg;
    s->pings++;
    s->last = n;
}

static void on_hangup(struct ka_node *n, void *arg)
{
    struct seen *s = arg;
    s->hangups++;
    s->last = n;
    assert_null(n->on); /* removed before it is reported */
}

static void test_silent_is_pinged_then_hung_up(void **state)
{
    (void)state;
    struct keepalive k;
    struct ka_node n = {0};
    struct seen s = {0};
    ka_init(&k, 30, 75);
    assert_true(ka_next_due(&k) < 0);
    ka_heard(&k, &n, 1000);
    assert_true(ka_next_due(&k) == 1030);
    ka_sweep(&k, 1029.9, on_ping, on_hangup, &s);
    assert_int_equal(s.pings, 0);
    ka_sweep(&k, 1030, on_ping, on_hangup, &s);
    assert_int_equal(s.pings, 1);
    assert_ptr_equal(s.last, &n);
    ka_sweep(&k, 1050, on_ping, on_hangup, &s); /* one ping until heard from */
    assert_int_equal(s.pings, 1);
    assert_true(ka_next_due(&k) == 1075);
    ka_sweep(&k, 1074.9, on_ping, on_hangup, &s);
    assert_int_equal(s.hangups, 0);
    ka_sweep(&k, 1075, on_ping, on_hangup, &s);
    assert_int_equal(s.hangups, 1);
    assert_true(ka_next_due(&k) < 0);
}

static void test_a_pong_restarts_the_wait(void **state)
{
    (void)state;
    struct keepalive k;
    struct ka_node n = {0};
    struct seen s = {0};
    ka_init(&k, 1, 3);
    ka_heard(&k, &n, 0);
    for (double t = 1; t <= 10; t += 1) {
        ka_sweep(&k, t, on_ping, on_hangup, &s);
        ka_heard(&k, &n, t); /* its pong, at once */
    }
    assert_int_equal(s.pings, 10);
    assert_int_equal(s.hangups, 0);
}

static void test_many_in_order_and_removed_ones_forgotten(void **state)
{
    (void)state;
    enum { N = 1000 };
    static struct ka_node n[N];
    struct keepalive k;
    struct seen s = {0};
    ka_init(&k, 10, 20);
    for (int i = 0; i < N; i++)
        ka_heard(&k, &n[i], i * 0.01); /* 0 .. 9.99 */
    ka_remove(&n[0]);
    ka_remove(&n[0]);       /* twice is harmless */
    ka_heard(&k, &n[1], 5); /* heard again: to the tail */
    ka_heard(&k, &n[2], 4); /* a clock that went back keeps the order */
    ka_sweep(&k, 10.505, on_ping, on_hangup, &s);
    assert_int_equal(s.pings, 48); /* 3..50: heard at 0.03..0.50 */
    assert_true(ka_next_due(&k) > 10.505 && ka_next_due(&k) < 10.52);
    ka_sweep(&k, 30.0, on_ping, on_hangup, &s);
    assert_int_equal(s.hangups, 48);  /* the pinged, silent for 20 s */
    assert_int_equal(s.pings, N - 1); /* the rest, 1 and 2 included */
    ka_sweep(&k, 40.0, on_ping, on_hangup, &s);
    assert_int_equal(s.hangups, N - 1);
    assert_true(ka_next_due(&k) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_is_pinged_then_hung_up),
        cmocka_unit_test(test_a_pong_restarts_the_wait),
        cmocka_unit_test(test_many_in_order_and_removed_ones_forgotten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
