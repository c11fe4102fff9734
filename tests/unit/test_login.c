/*
 * test_login: the failed-login throttle of login.h as the contract states
 * it (v3 §6): guesses from one source never stop the right password from
 * another; one source, and one account from one source, are refused after
 * their limits; the account as a whole is slowed down, never locked.
 * Driven through login_throttle_*, with the clock as a number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "login.h"

#define T0 ((time_t)1795420800)
#define S1 "@0000000000000001"
#define S2 "@0000000000000002"

/* A source key for number i (as login.c makes them: "@" + 16 hex digits). */
static const char *source(int i, char buf[24])
{
    snprintf(buf, 24, "@%016x", i + 0x100);
    return buf;
}

/* One admitted check of user from src that fails at once. */
static enum login_gate fail_one(struct login *l, const char *user, const char *src, time_t now)
{
    enum login_gate g = login_throttle_admit(l, user, src, now);
    if (g == LOGIN_GO)
        login_throttle_done(l, user, src, true, true, now);
    return g;
}

static int setup(void **state)
{
    *state = login_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    login_free(*state);
    return 0;
}

static void test_wrong_guesses_refuse_their_source_for_the_account(void **state)
{
    struct login *l = *state;
    for (int i = 0; i < LOGIN_PAIR_FAIL_LIMIT; i++)
        assert_int_equal(fail_one(l, "alice", S1, T0), LOGIN_GO);
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0), LOGIN_REFUSE);
    /* another account from that source is still checked */
    assert_int_equal(login_throttle_admit(l, "bob", S1, T0), LOGIN_GO);
}

static void test_guesses_from_one_source_do_not_stop_another(void **state)
{
    struct login *l = *state;
    for (int i = 0; i < 40; i++)
        (void)fail_one(l, "alice", S1, T0);
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0), LOGIN_REFUSE);
    /* the account is slowed down, its next slot one step on at most */
    enum login_gate g = login_throttle_admit(l, "alice", S2, T0);
    assert_int_not_equal(g, LOGIN_REFUSE);
    if (g == LOGIN_WAIT) {
        assert_true(login_throttle_next_start(l, "alice") <= T0 + LOGIN_ACCOUNT_SLOW_S);
        assert_true(login_throttle_start(l, "alice", T0 + LOGIN_ACCOUNT_SLOW_S));
    }
    login_throttle_done(l, "alice", S2, true, false, T0 + 1); /* the right password */
}

static void test_the_account_is_slowed_down_not_locked(void **state)
{
    struct login *l = *state;
    char src[24];
    int i = 0;
    for (; i < LOGIN_ACCOUNT_SLOW_AFTER; i++) /* from five sources, once each */
        assert_int_equal(fail_one(l, "alice", source(i, src), T0), LOGIN_GO);
    /* the first check after them starts at once, the next ones one a slot */
    assert_int_equal(login_throttle_admit(l, "alice", source(i++, src), T0), LOGIN_GO);
    assert_int_equal(login_throttle_admit(l, "alice", source(i++, src), T0), LOGIN_WAIT);
    assert_int_equal(login_throttle_admit(l, "alice", source(i++, src), T0), LOGIN_WAIT);
    assert_false(login_throttle_start(l, "alice", T0));
    assert_int_equal(login_throttle_next_start(l, "alice"), T0 + LOGIN_ACCOUNT_SLOW_S);
    assert_true(login_throttle_start(l, "alice", T0 + LOGIN_ACCOUNT_SLOW_S));
    assert_false(login_throttle_start(l, "alice", T0 + LOGIN_ACCOUNT_SLOW_S));
    assert_true(login_throttle_start(l, "alice", T0 + 2 * LOGIN_ACCOUNT_SLOW_S));
    assert_false(login_throttle_start(l, "alice", T0 + 9)); /* none waits any more */
    for (int k = LOGIN_ACCOUNT_SLOW_AFTER; k < i; k++)
        login_throttle_done(l, "alice", source(k, src), true, true, T0 + 3);
    /* other accounts are not slowed */
    assert_int_equal(login_throttle_admit(l, "bob", S1, T0 + 3), LOGIN_GO);
    assert_int_equal(login_throttle_admit(l, "carol", S1, T0 + 3), LOGIN_GO);
}

static void test_a_slowed_account_waits_for_one_check_per_source(void **state)
{
    struct login *l = *state;
    char src[24];
    for (int i = 0; i < LOGIN_ACCOUNT_SLOW_AFTER; i++)
        (void)fail_one(l, "alice", source(i, src), T0);
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0), LOGIN_GO);
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0), LOGIN_REFUSE);
    assert_int_equal(login_throttle_admit(l, "alice", S2, T0), LOGIN_WAIT);
    assert_int_equal(login_throttle_admit(l, "alice", S2, T0), LOGIN_REFUSE);
}

static void test_a_waiting_check_given_up_counts_nothing(void **state)
{
    struct login *l = *state;
    char src[24];
    for (int i = 0; i < LOGIN_ACCOUNT_SLOW_AFTER; i++)
        (void)fail_one(l, "alice", source(i, src), T0);
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0), LOGIN_GO);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(login_throttle_admit(l, "alice", S2, T0), LOGIN_WAIT);
        login_throttle_done(l, "alice", S2, false, false, T0);
    }
    assert_int_equal(login_throttle_admit(l, "alice", S2, T0), LOGIN_WAIT);
}

static void test_one_source_is_refused_after_its_limits(void **state)
{
    struct login *l = *state;
    char name[16];
    for (int i = 0; i < LOGIN_SOURCE_FAIL_LIMIT; i++) {
        snprintf(name, sizeof(name), "user%d", i);
        assert_int_equal(fail_one(l, name, S1, T0), LOGIN_GO);
    }
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0), LOGIN_REFUSE);
    assert_int_equal(login_throttle_admit(l, "alice", S2, T0), LOGIN_GO);
    for (int i = 1; i < LOGIN_SOURCE_PENDING_MAX; i++) {
        snprintf(name, sizeof(name), "other%d", i);
        assert_int_equal(login_throttle_admit(l, name, S2, T0), LOGIN_GO);
    }
    assert_int_equal(login_throttle_admit(l, "more", S2, T0), LOGIN_REFUSE); /* four at once */
}

static void test_failures_are_forgotten_after_the_window(void **state)
{
    struct login *l = *state;
    for (int i = 0; i < LOGIN_PAIR_FAIL_LIMIT; i++)
        (void)fail_one(l, "alice", S1, T0);
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0 + LOGIN_FAIL_WINDOW_S), LOGIN_REFUSE);
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0 + LOGIN_FAIL_WINDOW_S + 1), LOGIN_GO);
}

static void test_the_verifier_holds_a_bounded_number(void **state)
{
    struct login *l = *state;
    char src[24], name[16];
    for (int i = 0; i < LOGIN_VERIFYING_MAX; i++) {
        snprintf(name, sizeof(name), "u%d", i);
        assert_int_equal(login_throttle_admit(l, name, source(i, src), T0), LOGIN_GO);
    }
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0), LOGIN_REFUSE);
    login_throttle_done(l, "u0", source(0, src), true, false, T0);
    assert_int_equal(login_throttle_admit(l, "alice", S1, T0), LOGIN_GO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_wrong_guesses_refuse_their_source_for_the_account,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_guesses_from_one_source_do_not_stop_another, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_account_is_slowed_down_not_locked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_slowed_account_waits_for_one_check_per_source, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_waiting_check_given_up_counts_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_one_source_is_refused_after_its_limits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failures_are_forgotten_after_the_window, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_verifier_holds_a_bounded_number, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
