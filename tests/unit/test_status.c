/*
 * test_status: availability states, the join cut-off, and the wait
 * estimator (null without basis, position * average / staffed slots).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_refused_when_closed),
        cmocka_unit_test(test_join_refused_within_cutoff),
        cmocka_unit_test(test_join_refused_at_queue_max),
        cmocka_unit_test(test_state_names),
        cmocka_unit_test(test_no_estimate_without_basis),
        cmocka_unit_test(test_estimate_is_position_times_average_over_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
