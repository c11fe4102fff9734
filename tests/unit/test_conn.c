/*
 * test_conn: outbound queues. No frame leaves before its unit may go; a
 * frame never overtakes an earlier one on the same conn; a failed batch
 * drops exactly the frames of its durable units; a close takes effect in
 * order; a reader too far behind is dropped; the token bucket's rate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conn.h"

/* Units below `committed` may go, and every unit not in `durable`. */
struct rule {
    uint64_t committed;
    uint64_t durable[4];
};

static bool is_durable(const struct rule *r, uint64_t unit)
{
    for (int i = 0; i < 4; i++)
        if (r->durable[i] == unit)
            return true;
    return false;
}

static bool may_go(uint64_t unit, void *arg)
{
    const struct rule *r = arg;
    return unit < r->committed || !is_durable(r, unit);
}

static bool drop_durable(uint64_t unit, void *arg)
{
    const struct rule *r = arg;
    return unit >= r->committed && is_durable(r, unit);
}

static int woken;
static void wake(struct conn *c, void *arg)
{
    (void)c;
    (void)arg;
    woken++;
}

/* The texts of c's ready frames, joined by spaces (buf holds 256). */
static const char *drain(struct conn *c, char *buf)
{
    struct frame *f;
    buf[0] = '\0';
    while ((f = conn_next_frame(c))) {
        if (buf[0])
            strcat(buf, " ");
        strcat(buf, f->data);
        conn_frame_free(f);
    }
    return buf;
}

static void send_in(struct conn *c, uint64_t unit, const char *text)
{
    conn_set_unit(c->set, unit);
    conn_send(c, strdup(text));
    conn_set_unit(c->set, 0);
}

static void test_no_frame_leaves_before_release(void **state)
{
    (void)state;
    struct conn_set set;
    conn_set_init(&set);
    struct conn c;
    char buf[256];
    conn_init(&c, &set, PROTO_VISITOR, NULL);
    send_in(&c, 1, "ack");
    assert_null(conn_next_frame(&c)); /* held */
    struct rule wait = {.committed = 1, .durable = {1}};
    conn_release(&set, may_go, &wait, wake, NULL);
    assert_null(conn_next_frame(&c)); /* its unit has not committed */
    struct rule done = {.committed = 2, .durable = {1}};
    woken = 0;
    conn_release(&set, may_go, &done, wake, NULL);
    assert_int_equal(woken, 1);
    assert_string_equal(drain(&c, buf), "ack");
    conn_fini(&c);
}

static void test_nothing_overtakes_a_held_frame(void **state)
{
    (void)state;
    struct conn_set set;
    conn_set_init(&set);
    struct conn a, b;
    char buf[256];
    conn_init(&a, &set, PROTO_WORKER, NULL);
    conn_init(&b, &set, PROTO_WORKER, NULL);
    send_in(&a, 5, "msg");    /* durable, waiting */
    send_in(&a, 6, "typing"); /* stores nothing, but behind msg on a */
    send_in(&b, 6, "typing"); /* stores nothing, nothing before it on b */
    struct rule busy = {.committed = 5, .durable = {5}};
    conn_release(&set, may_go, &busy, wake, NULL);
    assert_string_equal(drain(&a, buf), "");
    assert_string_equal(drain(&b, buf), "typing");
    struct rule done = {.committed = 7, .durable = {5}};
    conn_release(&set, may_go, &done, wake, NULL);
    assert_string_equal(drain(&a, buf), "msg typing");
    conn_fini(&a);
    conn_fini(&b);
}

static void test_failed_batch_drops_only_its_durable_frames(void **state)
{
    (void)state;
    struct conn_set set;
    conn_set_init(&set);
    struct conn c;
    char buf[256];
    conn_init(&c, &set, PROTO_VISITOR, NULL);
    send_in(&c, 0, "pong");    /* nothing to wait for */
    send_in(&c, 3, "welcome"); /* a hello: stored nothing */
    send_in(&c, 4, "ack");     /* a msg: durable */
    send_in(&c, 5, "queued");  /* a join: durable */
    struct rule failed = {.committed = 3, .durable = {4, 5}};
    conn_drop_held(&set, drop_durable, &failed);
    assert_int_equal(c.queued_bytes, strlen("pong") + strlen("welcome"));
    conn_release(&set, may_go, &failed, wake, NULL);
    assert_string_equal(drain(&c, buf), "pong welcome");
    assert_int_equal(c.queued_bytes, 0);
    conn_fini(&c);
}

static void test_close_takes_effect_in_order(void **state)
{
    (void)state;
    struct conn_set set;
    conn_set_init(&set);
    struct conn c;
    char buf[256];
    conn_init(&c, &set, PROTO_WORKER, NULL);
    send_in(&c, 2, "logged_out");
    conn_set_unit(&set, 2);
    conn_close(&c, 1000);
    conn_send(&c, strdup("late")); /* after a close: never sent */
    conn_set_unit(&set, 0);
    assert_int_equal(c.close_code, 0);
    struct rule done = {.committed = 3};
    conn_release(&set, may_go, &done, wake, NULL);
    assert_int_equal(c.close_code, 1000);
    assert_string_equal(drain(&c, buf), "logged_out");
    conn_fini(&c);
}

static void test_dropped_close_lets_the_conn_live(void **state)
{
    (void)state;
    struct conn_set set;
    conn_set_init(&set);
    struct conn c;
    char buf[256];
    conn_init(&c, &set, PROTO_WORKER, NULL);
    conn_set_unit(&set, 7);
    conn_close(&c, 1000);
    conn_set_unit(&set, 0);
    assert_true(c.closing);
    struct rule failed = {.committed = 7, .durable = {7}};
    conn_drop_held(&set, drop_durable, &failed);
    assert_false(c.closing);
    send_in(&c, 0, "error");
    conn_release(&set, may_go, &failed, wake, NULL);
    assert_int_equal(c.close_code, 0);
    assert_string_equal(drain(&c, buf), "error");
    conn_fini(&c);
}

static void test_reader_too_far_behind_is_closed(void **state)
{
    (void)state;
    struct conn_set set;
    conn_set_init(&set);
    struct conn c;
    conn_init(&c, &set, PROTO_STATUS, NULL);
    char *big = malloc(1 << 20);
    memset(big, 'x', (1 << 20) - 1);
    big[(1 << 20) - 1] = '\0';
    for (int i = 0; i < 5; i++)
        conn_send(&c, strdup(big));
    free(big);
    struct rule all = {.committed = 1};
    conn_release(&set, may_go, &all, wake, NULL);
    assert_int_equal(c.close_code, 1008);
    conn_fini(&c);
}

static void test_a_slow_subscriber_holds_only_the_latest_status(void **state)
{
    (void)state;
    struct conn_set set;
    conn_set_init(&set);
    struct conn c;
    char buf[256];
    conn_init(&c, &set, PROTO_STATUS, NULL);
    struct rule all = {.committed = 1};
    conn_send_latest(&c, strdup("s1"));
    conn_release(&set, may_go, &all, wake, NULL); /* ready, but the reader does not read */
    conn_send(&c, strdup("pong"));
    conn_send_latest(&c, strdup("s2"));
    conn_send_latest(&c, strdup("s3"));
    conn_release(&set, may_go, &all, wake, NULL);
    assert_string_equal(drain(&c, buf), "pong s3");
    assert_int_equal(c.queued_bytes, 0);
    conn_fini(&c);
}

/* contract v3 §2: a board tab that reads slowly holds the newest frame of
 * each alert and the newest board, however many changes there were: 30,000
 * of them stay far below the limit that closes a reader (1008). */
static void test_a_slow_board_holds_one_frame_per_alert(void **state)
{
    (void)state;
    struct conn_set set;
    conn_set_init(&set);
    struct conn c;
    char buf[256], frame[128];
    conn_init(&c, &set, PROTO_WORKER, NULL);
    struct rule all = {.committed = 1};
    for (int i = 0; i < 30000; i++) {
        snprintf(frame, sizeof(frame), "a%d-%0100d", i % 2, i); /* two alerts, ~100 bytes */
        conn_send_keyed(&c, strdup(frame), 100 + (uint64_t)(i % 2));
        conn_send_latest(&c, strdup("board"));
        if (i % 1000 == 0)
            conn_release(&set, may_go, &all, wake, NULL); /* some ready, none read */
    }
    conn_send(&c, strdup("pong"));
    conn_release(&set, may_go, &all, wake, NULL);
    assert_false(c.closing);
    assert_true(c.queued_bytes < 1024);
    struct frame *f;
    int n = 0;
    while ((f = conn_next_frame(&c))) {
        if (n == 0)
            assert_int_equal(strncmp(f->data, "a0-", 3), 0);
        snprintf(buf + (n ? strlen(buf) : 0), sizeof(buf) - (n ? strlen(buf) : 0), "%s%.2s",
                 n ? " " : "", f->data);
        n++;
        conn_frame_free(f);
    }
    assert_string_equal(buf, "a0 a1 bo po"); /* the last of each alert, the board, the pong */
    conn_fini(&c);
}

static void test_a_shared_status_is_one_text_for_all(void **state)
{
    (void)state;
    struct conn_set set;
    conn_set_init(&set);
    struct conn a, b;
    char buf[256];
    conn_init(&a, &set, PROTO_STATUS, NULL);
    conn_init(&b, &set, PROTO_STATUS, NULL);
    struct rule all = {.committed = 1};
    struct conn_shared *s1 = conn_shared_new(strdup("s1"));
    conn_send_latest_shared(&a, s1);
    conn_send_latest_shared(&b, s1);
    assert_int_equal(s1->refs, 3);
    conn_shared_unref(s1);
    struct conn_shared *s2 = conn_shared_new(strdup("s2"));
    conn_send_latest_shared(&a, s2); /* replaces s1 in a, not in b */
    conn_shared_unref(s2);
    assert_int_equal(s1->refs, 1);
    conn_release(&set, may_go, &all, wake, NULL);
    assert_string_equal(drain(&a, buf), "s2");
    assert_string_equal(drain(&b, buf), "s1"); /* the last reference: freed (ASan) */
    assert_null(conn_shared_new(NULL));
    conn_fini(&a);
    conn_fini(&b);
}

static void test_bucket_rate_and_burst(void **state)
{
    (void)state;
    struct conn_bucket b;
    conn_bucket_init(&b, 2, 3);
    double t = 1000;
    for (int i = 0; i < 3; i++)
        assert_true(conn_bucket_take(&b, t));
    assert_false(conn_bucket_take(&b, t));
    assert_false(conn_bucket_take(&b, t + 0.4)); /* 0.8 of a token */
    assert_true(conn_bucket_take(&b, t + 0.5));
    assert_true(conn_bucket_take(&b, t + 100)); /* refills to the burst, no more */
    assert_true(conn_bucket_take(&b, t + 100));
    assert_true(conn_bucket_take(&b, t + 100));
    assert_false(conn_bucket_take(&b, t + 100));
}

/* Two sets (two hubs) never mix: a release of one leaves the other's held
 * frames alone, and a broadcast reaches only its own subscribers, which
 * leave the list when they go. */
static void test_sets_are_apart_and_subscribers_leave(void **state)
{
    (void)state;
    struct conn_set one, two;
    struct conn a, b, c;
    char buf[256];
    conn_set_init(&one);
    conn_set_init(&two);
    conn_init(&a, &one, PROTO_STATUS, NULL);
    conn_init(&b, &two, PROTO_STATUS, NULL);
    conn_init(&c, &one, PROTO_STATUS, NULL);
    send_in(&a, 1, "a");
    send_in(&b, 1, "b");
    struct rule all = {.committed = 9};
    conn_release(&one, may_go, &all, wake, NULL);
    assert_string_equal(drain(&a, buf), "a");
    assert_null(conn_next_frame(&b)); /* two's frames wait for two's release */
    conn_release(&two, may_go, &all, wake, NULL);
    assert_string_equal(drain(&b, buf), "b");
    conn_subscribe(&a);
    conn_subscribe(&b);
    conn_subscribe(&c);
    conn_unsubscribe(&c);
    struct conn_shared *text = conn_shared_new(strdup("status"));
    assert_non_null(text);
    conn_broadcast_latest(&one, text);
    conn_shared_unref(text);
    conn_release(&one, may_go, &all, wake, NULL);
    conn_release(&two, may_go, &all, wake, NULL);
    assert_string_equal(drain(&a, buf), "status");
    assert_null(conn_next_frame(&b)); /* subscribed to the other set */
    assert_null(conn_next_frame(&c)); /* left before the broadcast */
    conn_fini(&a);                    /* unsubscribes */
    assert_ptr_equal(one.subs, NULL);
    conn_fini(&b);
    conn_fini(&c);
}

/* contract v3 §4: each subscriber gets the text of its org (texts[0]:
 * those without ?org=), and nothing when its org's text is NULL (its part
 * of the status did not change). */
static void test_broadcast_by_org_reaches_each_org_only(void **state)
{
    (void)state;
    struct conn_set s;
    struct conn all, east, west, gone;
    char buf[256];
    conn_set_init(&s);
    conn_init(&all, &s, PROTO_STATUS, NULL);
    conn_init(&east, &s, PROTO_STATUS, NULL);
    conn_init(&west, &s, PROTO_STATUS, NULL);
    conn_init(&gone, &s, PROTO_STATUS, NULL);
    assert_int_equal(all.org, CONN_ORG_ALL);
    east.org = 0;
    west.org = 1;
    gone.org = CONN_ORG_UNKNOWN; /* never subscribed in the hub; out of range here */
    conn_subscribe(&all);
    conn_subscribe(&east);
    conn_subscribe(&west);
    conn_subscribe(&gone);
    struct conn_shared *texts[3] = {conn_shared_new(strdup("every")),
                                    conn_shared_new(strdup("east")), NULL};
    conn_broadcast_by_org(&s, texts, 3);
    conn_shared_unref(texts[0]);
    conn_shared_unref(texts[1]);
    struct rule any = {.committed = 9};
    conn_release(&s, may_go, &any, wake, NULL);
    assert_string_equal(drain(&all, buf), "every");
    assert_string_equal(drain(&east, buf), "east");
    assert_null(conn_next_frame(&west)); /* west's part did not change */
    assert_null(conn_next_frame(&gone));
    conn_fini(&all);
    conn_fini(&east);
    conn_fini(&west);
    conn_fini(&gone);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sets_are_apart_and_subscribers_leave),
        cmocka_unit_test(test_no_frame_leaves_before_release),
        cmocka_unit_test(test_nothing_overtakes_a_held_frame),
        cmocka_unit_test(test_failed_batch_drops_only_its_durable_frames),
        cmocka_unit_test(test_close_takes_effect_in_order),
        cmocka_unit_test(test_dropped_close_lets_the_conn_live),
        cmocka_unit_test(test_reader_too_far_behind_is_closed),
        cmocka_unit_test(test_a_slow_subscriber_holds_only_the_latest_status),
        cmocka_unit_test(test_a_slow_board_holds_one_frame_per_alert),
        cmocka_unit_test(test_a_shared_status_is_one_text_for_all),
        cmocka_unit_test(test_broadcast_by_org_reaches_each_org_only),
        cmocka_unit_test(test_bucket_rate_and_burst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
