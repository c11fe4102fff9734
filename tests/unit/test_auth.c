/*
 * test_auth: password checks run on the verifier thread, never on the
 * caller's; submitting does not wait for them; results come back once,
 * a cancelled one never; an unknown user costs what a known one does; and
 * secrets compare in constant time.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth.h"

static pthread_t main_thread;
/* written by the verifier thread, read by the test's */
static _Atomic int woken_elsewhere, woken_here;

static void on_wake(void *arg)
{
    (void)arg;
    if (pthread_equal(pthread_self(), main_thread))
        woken_here++;
    else
        woken_elsewhere++;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct result {
    int calls;
    bool ok; /* of the last */
    int oks;
    void *owner;
};

static void done(void *owner, const char *user, bool ok, void *arg)
{
    struct result *r = arg;
    (void)user;
    r->calls++;
    r->ok = ok;
    r->oks += ok;
    r->owner = owner;
}

/* A result must come: the wait is long because two argon2id checks in a
 * row under AddressSanitizer, on a loaded machine, took over 10 s. It costs
 * time only when a test fails. */
#define RESULT_WAIT_S 120

/* Polls a until one result arrives (at most RESULT_WAIT_S); the seconds it
 * took. */
static double wait_result(struct auth *a, struct result *r)
{
    double start = now_s();
    while (r->calls == 0 && now_s() - start < RESULT_WAIT_S) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
        auth_poll(a, done, r);
    }
    return now_s() - start;
}

static char hash[crypto_pwhash_STRBYTES];

static void test_verify_runs_off_the_callers_thread(void **state)
{
    (void)state;
    int owner;
    struct result r = {0};
    struct auth *a = auth_new(2, on_wake, NULL);
    assert_non_null(a);
    woken_elsewhere = woken_here = 0;
    double t0 = now_s();
    assert_non_null(auth_submit(a, &owner, "ann", hash, "right password"));
    double submit_s = now_s() - t0;
    double took = wait_result(a, &r);
    assert_int_equal(r.calls, 1);
    assert_true(r.ok);
    assert_ptr_equal(r.owner, &owner);
    assert_int_equal(woken_here, 0);
    /* the thread wakes the loop after it hands the result over: the poll
     * above may see the result first */
    double woke = now_s();
    while (woken_elsewhere == 0 && now_s() - woke < RESULT_WAIT_S) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    assert_true(woken_elsewhere >= 1);
    assert_true(submit_s < took / 4); /* the caller did not wait for argon2id */
    r.calls = 0;
    assert_non_null(auth_submit(a, &owner, "ann", hash, "wrong password"));
    wait_result(a, &r);
    assert_int_equal(r.calls, 1);
    assert_false(r.ok);
    auth_free(a);
}

static void test_cancelled_job_is_never_delivered(void **state)
{
    (void)state;
    int owner, second;
    struct result r = {0};
    struct auth *a = auth_new(1, on_wake, NULL); /* one thread: jobs in order */
    struct auth_job *j = auth_submit(a, &owner, "ann", hash, "right password");
    assert_ptr_equal(auth_cancel(a, j), &owner);
    /* jobs are checked in order: once the second is back, the first was done */
    assert_non_null(auth_submit(a, &second, "ann", hash, "right password"));
    wait_result(a, &r);
    assert_int_equal(r.calls, 1);
    assert_ptr_equal(r.owner, &second);
    auth_free(a);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median seconds of 3 checks of user (pwhash NULL: unknown). */
static double median_check(struct auth *a, const char *pwhash)
{
    double t[3];
    int owner;
    for (int i = 0; i < 3; i++) {
        struct result r = {0};
        assert_non_null(auth_submit(a, &owner, "x", pwhash, "not the password"));
        t[i] = wait_result(a, &r);
        assert_false(r.ok);
    }
    qsort(t, 3, sizeof(t[0]), cmp_double);
    return t[1];
}

/* "$argon2id$v=19$m=...,t=...,p=...$": the cost part of a hash. */
static void cost_of(const char *hash_text, char out[64])
{
    const char *salt = strchr(strchr(strchr(hash_text + 1, '$') + 1, '$') + 1, '$');
    snprintf(out, 64, "%.*s", (int)(salt - hash_text), hash_text);
}

/* An unknown user is checked against a hash of exactly the cost of a
 * stored one (the times then agree; timing itself is too noisy to test on
 * a shared machine, so it is looked at only loosely). */
static void test_unknown_user_costs_what_a_known_one_does(void **state)
{
    (void)state;
    char stored[AUTH_PWHASH_CHARS], a_cost[64], b_cost[64];
    struct auth *a = auth_new(2, on_wake, NULL);
    assert_int_equal(auth_hash_password(stored, "some password"), 0);
    cost_of(stored, a_cost);
    cost_of(auth_dummy_hash(a), b_cost);
    assert_string_equal(a_cost, b_cost);
    assert_non_null(strstr(a_cost, "$argon2id$"));
    /* Another process on the machine can stretch any one round: a real
     * difference in cost shows in every round, a busy core in some. */
    double known = 0, unknown = 0;
    bool close = false;
    for (int round = 0; round < 5 && !close; round++) {
        known = median_check(a, stored);
        unknown = median_check(a, NULL);
        close = unknown >= known / 4 && unknown <= known * 4;
    }
    if (!close)
        fail_msg("unknown user %.1f ms, known user %.1f ms", unknown * 1e3, known * 1e3);
    auth_free(a);
}

/* OWASP's first choice for argon2id (m = 19 MiB, t = 2, p = 1), and several
 * verifier threads share the work: four checks on four threads take about
 * as long as one, not four times as long (on a machine with the cores). */
static void test_cost_and_threads(void **state)
{
    (void)state;
    char stored[AUTH_PWHASH_CHARS], cost[64];
    assert_int_equal(auth_hash_password(stored, "a password"), 0);
    cost_of(stored, cost);
    assert_string_equal(cost, "$argon2id$v=19$m=19456,t=2,p=1");
    assert_null(auth_new(0, on_wake, NULL));
    assert_null(auth_new(AUTH_THREADS_MAX + 1, on_wake, NULL));
    struct auth *a = auth_new(4, on_wake, NULL);
    int owners[4];
    for (int i = 0; i < 4; i++)
        assert_non_null(auth_submit(a, &owners[i], "x", stored, i == 2 ? "a password" : "no"));
    int ok = 0;
    for (int got = 0; got < 4;) {
        struct result r = {0};
        (void)wait_result(a, &r);
        got += r.calls;
        ok += r.oks;
    }
    assert_int_equal(ok, 1);
    auth_free(a);
}

static void test_equal_compares_whole_secrets(void **state)
{
    (void)state;
    uint8_t x[32], y[32];
    randombytes_buf(x, sizeof(x));
    memcpy(y, x, sizeof(y));
    assert_true(auth_equal(x, y, sizeof(x)));
    y[31] ^= 1;
    assert_false(auth_equal(x, y, sizeof(x)));
    y[31] ^= 1;
    y[0] ^= 0x80;
    assert_false(auth_equal(x, y, sizeof(x)));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    main_thread = pthread_self();
    if (crypto_pwhash_str(hash, "right password", 14, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_runs_off_the_callers_thread),
        cmocka_unit_test(test_cancelled_job_is_never_delivered),
        cmocka_unit_test(test_unknown_user_costs_what_a_known_one_does),
        cmocka_unit_test(test_cost_and_threads),
        cmocka_unit_test(test_equal_compares_whole_secrets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
