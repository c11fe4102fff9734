/*
 * test_status: availability states, the join cut-off, and the wait
 * estimator (null without basis, position * average / staffed slots, and
 * with patience, urgent joins and language routing against the formula of
 * status.h), a simulated evening on which it must halve the bias, the
 * remaining wait of a visitor whose wait outlives its first estimate, and
 * the means a restart starts from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "chat_err.h"
#include "status.h"

/* Monday 2026-11-23 20:50 +02:00 */
#define MON_2050 ((time_t)1795459800)

static struct config_topic topic(const char *hours, int queue_max, int cutoff)
{
    struct config_topic t;
    char err[160];
    memset(&t, 0, sizeof(t));
    strcpy(t.id, "youth");
    for (int i = 0; i < LANG_COUNT; i++)
        strcpy(t.title[i], "Youth");
    schedule_init(&t.schedule);
    if (schedule_parse_hours(&t.schedule, hours, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    t.queue_max = queue_max;
    t.join_cutoff_min = cutoff;
    return t;
}

static void test_join_refused_when_closed(void **state)
{
    (void)state;
    struct config_topic t = topic("mon-fri 09:00-20:00", 20, 0);
    assert_int_equal(status_join_check(&t, 0, MON_2050), CHAT_ERR_CLOSED);
}

static void test_join_refused_within_cutoff(void **state)
{
    (void)state;
    struct config_topic t = topic("mon-fri 09:00-21:00", 20, 15);
    assert_int_equal(status_join_check(&t, 0, MON_2050), CHAT_ERR_QUEUE_FULL); /* 10 min left */
    assert_int_equal(status_join_check(&t, 0, MON_2050 - 300), CHAT_ERR_QUEUE_FULL); /* 20:45 */
    assert_int_equal(status_join_check(&t, 0, MON_2050 - 301), 0);
    assert_int_equal(status_next_change(&t, MON_2050 - 600), MON_2050 - 300);
}

static void test_join_refused_at_queue_max(void **state)
{
    (void)state;
    struct config_topic t = topic("always", 2, 0);
    assert_int_equal(status_join_check(&t, 1, MON_2050), 0);
    assert_int_equal(status_join_check(&t, 2, MON_2050), CHAT_ERR_QUEUE_FULL);
}

static void test_state_names(void **state)
{
    (void)state;
    struct config_topic open = topic("always", 2, 0), closed = topic("never", 2, 0);
    struct status_input in = {.waiting = 2};
    struct proto_topic_status out;
    status_compute(&open, &in, MON_2050, &out);
    assert_string_equal(proto_topic_state_name(out.state), "full");
    in.waiting = 0;
    status_compute(&open, &in, MON_2050, &out);
    assert_string_equal(proto_topic_state_name(out.state), "open");
    assert_false(out.staffed);
    status_compute(&closed, &in, MON_2050, &out);
    assert_string_equal(proto_topic_state_name(out.state), "closed");
    assert_int_equal(out.estimated_wait_s, -1);
}

static void test_no_estimate_without_basis(void **state)
{
    (void)state;
    struct status_input in = {.waiting = 3, .staffed_slots = 2};
    assert_int_equal(status_estimate_wait(&in, 1), -1); /* no finished chats */
    status_service_add(&in.service, 600);
    status_service_add(&in.service, 600);
    assert_int_equal(status_estimate_wait(&in, 1), -1); /* two are not enough */
    status_service_add(&in.service, 600);
    in.staffed_slots = 0;
    assert_int_equal(status_estimate_wait(&in, 1), -1); /* nobody on duty */
}

static void test_estimate_is_position_times_average_over_slots(void **state)
{
    (void)state;
    struct status_input in = {.waiting = 3, .staffed_slots = 2};
    for (int i = 0; i < 3; i++)
        status_service_add(&in.service, 600);
    assert_int_equal(status_estimate_wait(&in, 1), 300);
    assert_int_equal(status_estimate_wait(&in, 4), 1200);
    status_service_add(&in.service, 1600); /* EWMA: 0.2 * 1600 + 0.8 * 600 = 800 */
    assert_int_equal(status_estimate_wait(&in, 1), 400);
}

/* The estimator's sum, term by term. */
static double direct(double r, double theta, int p)
{
    double w = 0;
    for (int k = 0; k < p; k++)
        w += 1 / (r + (theta > 0 ? k / theta : 0));
    return w;
}

/* An input with mean chat m over c slots, patience theta, urgent rate u. */
static struct status_input input(int c, double m, double theta, double u)
{
    struct status_input in = {.staffed_slots = c, .patience_s = theta, .urgent_per_s = u};
    for (int i = 0; i < STATUS_MIN_SAMPLES; i++)
        status_service_add(&in.service, m);
    return in;
}

static void test_estimate_counts_those_who_give_up(void **state)
{
    (void)state;
    const struct status_who normal = {.lang_slots = -1};
    /* 3 slots, chats of 8 s, patience 30 s: 5th in line */
    struct status_input in = input(3, 8, 30, 0);
    assert_int_equal(status_estimate_for(&in, 5, &normal), 11); /* 11.45 by hand */
    in.patience_s = 0;
    assert_int_equal(status_estimate_for(&in, 5, &normal), 13); /* 5 * 8 / 3 */
    /* the closed form is the sum, at every position and patience */
    double thetas[] = {5, 30, 600, 86400};
    for (size_t t = 0; t < sizeof(thetas) / sizeof(thetas[0]); t++) {
        in = input(3, 480, thetas[t], 0);
        for (int p = 1; p <= 400; p += 3) {
            double want = direct(3.0 / 480, thetas[t], p);
            long got = status_estimate_for(&in, p, &normal);
            if (fabs((double)got - want) > 0.51)
                fail_msg("theta %g position %d: %ld, sum %.2f", thetas[t], p, got, want);
        }
    }
}

static void test_estimate_puts_urgent_joins_ahead(void **state)
{
    (void)state;
    const struct status_who normal = {.lang_slots = -1},
                            urgent = {.urgent = true, .lang_slots = -1};
    struct status_input in = input(3, 8, 0, 0.1); /* C/m = 0.375/s, 0.1 urgent joins/s */
    assert_int_equal(status_estimate_for(&in, 1, &normal), 4); /* 1 / 0.275 = 3.6 */
    assert_int_equal(status_estimate_for(&in, 1, &urgent), 3); /* 1 / 0.375 = 2.7 */
    in.urgent_per_s = 1; /* more urgent joins than slots: kept at a quarter of C/m */
    assert_int_equal(status_estimate_for(&in, 1, &normal), 11); /* 1 / 0.09375 */
}

static void test_estimate_follows_language_routing(void **state)
{
    (void)state;
    struct status_input in = input(3, 8, 0, 0);                 /* W_C(p) = 8p/3 */
    struct status_who sv = {.lang_slots = 1, .fallback_s = 60}; /* W_L(p) = 8p */
    assert_int_equal(status_estimate_for(&in, 2, &sv), 16);     /* W_L before the fallback */
    assert_int_equal(status_estimate_for(&in, 10, &sv), 60);    /* then the fallback */
    assert_int_equal(status_estimate_for(&in, 30, &sv), 80);    /* W_C after it */
    sv.lang_slots = 0; /* nobody speaks it: the fallback or W_C */
    assert_int_equal(status_estimate_for(&in, 2, &sv), 60);
    sv.lang_slots = 3; /* everyone speaks it */
    assert_int_equal(status_estimate_for(&in, 2, &sv), 5);
}

static void test_patience_and_rate_estimates(void **state)
{
    (void)state;
    struct status_patience p = {0};
    struct status_rate r = {0};
    status_patience_add(&p, 20, true);
    status_patience_add(&p, 20, true);
    assert_true(status_patience_s(&p) == 0); /* two are too few */
    for (int i = 0; i < 8; i++)
        status_patience_add(&p, 20, i % 2 == 0);
    double theta = status_patience_s(&p); /* all waits 20 s, 6 of 10 gave up */
    assert_true(theta > 20 / 0.7 && theta < 20 / 0.5);
    status_rate_add(&r, 1000);
    status_rate_add(&r, 1000);
    assert_true(fabs(status_rate_per_s(&r, 1000) - 2 / STATUS_RATE_TAU_S) < 1e-12);
    assert_true(fabs(status_rate_per_s(&r, 1000 + 3600) - 2 / STATUS_RATE_TAU_S / M_E) < 1e-9);
}

/* ---- a simulated evening: M/M/3+M in first-come order ------------------- */

static double expo(unsigned *seed, double mean)
{
    return -mean * log((rand_r(seed) + 1.0) / ((double)RAND_MAX + 2.0));
}

struct sim_visitor {
    double arrive, patience;
    double left; /* when it left the line: its start, or when it gave up */
    bool waited, served;
};

/* Runs n visitors (arrivals at rate lambda, 3 workers, chats of 8 s,
 * patience 30 s, first come first served) and gives the mean bias
 * (estimate - real wait) over the served visitors who had to wait, of the
 * v1 formula and of status.h's, each given the real number ahead at the
 * visitor's arrival and the true means. */
static void simulate(unsigned seed, int n, double lambda, double *bias_old, double *bias_new)
{
    const int c = 3;
    const double m = 8, theta = 30;
    struct sim_visitor *v = calloc((size_t)n, sizeof(*v));
    double busy_until[3] = {0}, sum_old = 0, sum_new = 0, t = 0;
    struct status_input in = input(c, m, theta, 0);
    const struct status_who who = {.lang_slots = -1};
    int judged = 0;
    assert_non_null(v);
    /* in arrival order, each takes the first slot that frees, unless its
     * patience runs out first (then the slot stays for the next) */
    for (int i = 0; i < n; i++) {
        t += expo(&seed, 1 / lambda);
        v[i] = (struct sim_visitor){.arrive = t, .patience = expo(&seed, theta)};
        int k = 0;
        for (int j = 1; j < c; j++)
            if (busy_until[j] < busy_until[k])
                k = j;
        double start = busy_until[k] > t ? busy_until[k] : t;
        v[i].waited = start > t;
        v[i].served = start - t <= v[i].patience;
        v[i].left = v[i].served ? start : t + v[i].patience;
        if (v[i].served)
            busy_until[k] = start + expo(&seed, m);
    }
    for (int i = 0; i < n; i++) {
        if (!v[i].served || !v[i].waited)
            continue;
        int ahead = 0;
        for (int j = i - 1; j >= 0 && v[i].arrive - v[j].arrive < 3600; j--)
            ahead += v[j].waited && v[j].left > v[i].arrive;
        double real = v[i].left - v[i].arrive;
        sum_old += (ahead + 1) * m / c - real;
        sum_new += (double)status_estimate_for(&in, ahead + 1, &who) - real;
        judged++;
    }
    *bias_old = sum_old / judged;
    *bias_new = sum_new / judged;
    free(v);
}

static void test_estimate_halves_the_bias_on_a_simulated_evening(void **state)
{
    (void)state;
    double old_b, new_b;
    simulate(1, 20000, 0.4, &old_b, &new_b);
    print_message("bias of p*m/C %+.2f s, of status.h %+.2f s\n", old_b, new_b);
    assert_true(old_b > 1.0);               /* the v1 formula overstates */
    assert_true(fabs(new_b) < 0.5 * old_b); /* at least halved */
}

/* Contract v3 §1: inside hours, full says why; joins_until is closes_at
 * minus the cut-off, also while nobody is refused yet. */
static void test_full_says_cutoff_or_queue(void **state)
{
    (void)state;
    struct config_topic t = topic("mon-fri 09:00-21:00", 2, 15);
    struct status_input in = {.waiting = 0};
    struct proto_topic_status out;
    status_compute(&t, &in, MON_2050 - 3000, &out); /* 20:00 */
    assert_int_equal(out.state, PROTO_TOPIC_OPEN);
    assert_int_equal(out.full_reason, PROTO_FULL_NONE);
    assert_int_equal(out.joins_until, MON_2050 - 300); /* 20:45 */
    in.waiting = 2;
    status_compute(&t, &in, MON_2050 - 3000, &out);
    assert_int_equal(out.state, PROTO_TOPIC_FULL);
    assert_int_equal(out.full_reason, PROTO_FULL_QUEUE);
    status_compute(&t, &in, MON_2050, &out); /* both: the cut-off is said */
    assert_int_equal(out.full_reason, PROTO_FULL_CUTOFF);
    in.waiting = 0;
    status_compute(&t, &in, MON_2050, &out);
    assert_int_equal(out.state, PROTO_TOPIC_FULL);
    assert_int_equal(out.full_reason, PROTO_FULL_CUTOFF);
    assert_int_equal(out.joins_until, MON_2050 - 300);
    struct config_topic no_cut = topic("mon-fri 09:00-21:00", 2, 0), always = topic("always", 2, 0);
    status_compute(&no_cut, &in, MON_2050, &out);
    assert_int_equal(out.joins_until, MON_2050 + 600); /* closes_at */
    status_compute(&always, &in, MON_2050, &out);
    assert_int_equal(out.joins_until, -1);
    struct config_topic closed = topic("never", 2, 15);
    status_compute(&closed, &in, MON_2050, &out);
    assert_int_equal(out.joins_until, -1);
    assert_int_equal(out.full_reason, PROTO_FULL_NONE);
}

/* A simulated wait at the head of the line that outlives its first
 * estimate (nobody is freed): the remaining wait never stays below the time
 * already waited, grows with it, and is W again once the line moves. */
static void test_remaining_wait_outlives_the_first_estimate(void **state)
{
    (void)state;
    struct status_input in = input(2, 600, 0, 0); /* 2 slots, chats of 10 min */
    struct status_who who = {.lang_slots = -1};
    long first = status_estimate_for(&in, 1, &who), last = first;
    assert_int_equal(first, 300);
    for (long waited = 10; waited <= 3 * first; waited += 10) {
        who.still_s = waited;
        long rest = status_estimate_for(&in, 1, &who);
        assert_true(rest >= waited); /* never below what has visibly passed */
        assert_true(rest > last);    /* and not stuck while nothing moves */
        assert_int_equal(rest, first + waited);
        last = rest;
    }
    who.still_s = 0; /* the line moved: second in line now, the clock starts again */
    assert_int_equal(status_estimate_for(&in, 2, &who), 600);
    /* with patience the same holds, and so with language routing */
    in = input(3, 480, 600, 0);
    who = (struct status_who){.lang_slots = 1, .fallback_s = 100, .still_s = 0};
    long w0 = status_estimate_for(&in, 4, &who);
    who.still_s = 700;
    assert_int_equal(status_estimate_for(&in, 4, &who), w0 + 700);
    /* never 0 while nobody is free, also for chats that end at once */
    in = input(1, 0, 0, 0);
    who = (struct status_who){.lang_slots = -1};
    assert_int_equal(status_estimate_for(&in, 1, &who), 1);
    in.free_slots = 1;
    assert_int_equal(status_estimate_for(&in, 1, &who), 0);
}

/* After a restart: the stored statistics give the estimator its means. */
static void test_seed_from_stored_statistics(void **state)
{
    (void)state;
    struct status_input in = {.waiting = 1, .staffed_slots = 2};
    struct status_patience p = {0};
    assert_int_equal(status_estimate_wait(&in, 1), -1);
    const struct status_seed none = {0};
    status_seed_apply(&none, &in.service, &p);
    assert_int_equal(in.service.samples, 0); /* nothing stored: still no basis */
    const struct status_seed seed = {.chats = 10,
                                     .chat_s = 5000,
                                     .wrapup_s = 1000,
                                     .answered = 90,
                                     .abandoned = 10,
                                     .wait_s = 30000};
    status_seed_apply(&seed, &in.service, &p);
    assert_int_equal(in.service.samples, 10);
    assert_true(fabs(in.service.avg_s - 600) < 1e-9); /* chat + wrap-up per chat */
    assert_int_equal(status_estimate_wait(&in, 1), 300);
    /* 100 waits weigh as the newest 50 do: the ratio stays, new ones count */
    assert_true(fabs(p.abandons - 5) < 1e-9);
    assert_true(fabs(status_patience_s(&p) - 3000) < 1e-9);
    status_patience_add(&p, 100, true);
    assert_true(status_patience_s(&p) < 3000);
}

/* The hours at one moment hold, unchanged, until the next change and not
 * a second longer: every second of a day with an opening, a cut-off and a
 * closing gives the same answers from the kept hours as worked out anew. */
static void test_hours_hold_until_the_next_change(void **state)
{
    (void)state;
    struct config_topic t = topic("mon-fri 09:00-21:00", 20, 15);
    struct status_hours kept, now;
    time_t day = MON_2050 - 12 * 3600; /* Monday 08:50 */
    status_hours_at(&t, day, &kept);
    int renewed = 0;
    for (time_t s = day; s < day + 14 * 3600; s += 7) {
        if (!status_hours_hold(&kept, s)) {
            assert_true(s >= kept.until);
            status_hours_at(&t, s, &kept);
            renewed++;
        }
        status_hours_at(&t, s, &now);
        assert_int_equal(kept.open, now.open);
        assert_true(kept.next_open == now.next_open && kept.closes_at == now.closes_at);
        assert_int_equal(status_join_check_hours(&t, &kept, 0, s), status_join_check(&t, 0, s));
    }
    assert_int_equal(renewed, 3); /* opens 09:00, cut-off 20:45, closes 21:00 */
    struct config_topic always = topic("always", 20, 0);
    status_hours_at(&always, day, &kept);
    assert_int_equal(kept.until, -1);
    assert_true(status_hours_hold(&kept, day + 3599));
    assert_false(status_hours_hold(&kept, day + 3600)); /* looked at again within the hour */
    assert_false(status_hours_hold(&kept, day - 1));    /* a clock that went back */
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_refused_when_closed),
        cmocka_unit_test(test_hours_hold_until_the_next_change),
        cmocka_unit_test(test_join_refused_within_cutoff),
        cmocka_unit_test(test_join_refused_at_queue_max),
        cmocka_unit_test(test_state_names),
        cmocka_unit_test(test_full_says_cutoff_or_queue),
        cmocka_unit_test(test_remaining_wait_outlives_the_first_estimate),
        cmocka_unit_test(test_seed_from_stored_statistics),
        cmocka_unit_test(test_no_estimate_without_basis),
        cmocka_unit_test(test_estimate_is_position_times_average_over_slots),
        cmocka_unit_test(test_estimate_counts_those_who_give_up),
        cmocka_unit_test(test_estimate_puts_urgent_joins_ahead),
        cmocka_unit_test(test_estimate_follows_language_routing),
        cmocka_unit_test(test_patience_and_rate_estimates),
        cmocka_unit_test(test_estimate_halves_the_bias_on_a_simulated_evening),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
