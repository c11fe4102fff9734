/*
 * test_queue: service order of one topic's line (transferred, then urgent
 * and aged by join order, then the rest), the aging rule at its exact
 * instant, fairness across topics, and that an entry put back gets its
 * old place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "queue.h"

#define T0 1000000

/* Asserts that q's service order at now is want[0..n). */
static void assert_order(const struct queue *q, time_t now, struct queue_entry *const *want,
                         size_t n)
{
    struct queue_iter it;
    queue_iter_init(&it, q, now);
    for (size_t i = 0; i < n; i++) {
        struct queue_entry *e = queue_iter_next(&it);
        if (e != want[i])
            fail_msg("position %zu: got entry with order %llu, want %llu", i + 1,
                     e ? (unsigned long long)e->order : 0ULL, (unsigned long long)want[i]->order);
        assert_int_equal(queue_position(q, want[i], now), (int)i + 1);
    }
    assert_null(queue_iter_next(&it));
}

static void test_oldest_join_first(void **state)
{
    (void)state;
    struct queue q;
    struct queue_entry e[3] = {{.order = 1, .cls = QUEUE_NORMAL},
                               {.order = 2, .cls = QUEUE_NORMAL},
                               {.order = 3, .cls = QUEUE_NORMAL}};
    queue_init(&q, 0);
    for (int i = 0; i < 3; i++)
        queue_insert(&q, &e[i]);
    assert_ptr_equal(queue_head(&q, T0), &e[0]);
    queue_remove(&q, &e[0]);
    assert_ptr_equal(queue_head(&q, T0), &e[1]);
    assert_int_equal(q.count, 2);
}

static void test_transferred_go_first_in_transfer_order(void **state)
{
    (void)state;
    struct queue q;
    struct queue_entry a = {.order = 1, .cls = QUEUE_NORMAL}, b = {.order = 2, .cls = QUEUE_NORMAL},
                       t1 = {.order = 9, .rank = 1, .cls = QUEUE_TRANSFERRED},
                       t2 = {.order = 5, .rank = 2, .cls = QUEUE_TRANSFERRED};
    queue_init(&q, 0);
    queue_insert(&q, &a);
    queue_insert(&q, &b);
    queue_insert(&q, &t1);
    queue_insert(&q, &t2);
    struct queue_entry *want[] = {&t1, &t2, &a, &b};
    assert_order(&q, T0, want, 4);
    queue_remove(&q, &t1);
    assert_ptr_equal(queue_head(&q, T0), &t2);
    assert_int_equal(q.count, 3);
}

static void test_remove_middle_and_tail_keeps_links(void **state)
{
    (void)state;
    struct queue q;
    struct queue_entry e[3] = {{.order = 1, .cls = QUEUE_NORMAL},
                               {.order = 2, .cls = QUEUE_NORMAL},
                               {.order = 3, .cls = QUEUE_NORMAL}};
    queue_init(&q, 0);
    for (int i = 0; i < 3; i++)
        queue_insert(&q, &e[i]);
    queue_remove(&q, &e[1]);
    queue_remove(&q, &e[2]);
    assert_ptr_equal(q.list[QUEUE_NORMAL].tail, &e[0]);
    assert_null(e[0].next);
    queue_remove(&q, &e[2]); /* not queued: no effect */
    assert_int_equal(q.count, 1);
}

static void test_longest_wait_across_topics(void **state)
{
    (void)state;
    struct queue qa, qb;
    queue_init(&qa, 0);
    queue_init(&qb, 0);
    struct queue_entry older = {.order = 3, .cls = QUEUE_NORMAL},
                       newer = {.order = 8, .cls = QUEUE_NORMAL},
                       moved = {.order = 20, .rank = 1, .cls = QUEUE_TRANSFERRED};
    assert_true(queue_before(&qa, &older, &qb, &newer, T0));
    assert_false(queue_before(&qb, &newer, &qa, &older, T0));
    assert_true(queue_before(&qa, &moved, &qb, &older, T0));
}

static void test_urgent_go_before_normal_by_join_order(void **state)
{
    (void)state;
    struct queue q;
    struct queue_entry n1 = {.order = 1, .since = T0, .cls = QUEUE_NORMAL},
                       n2 = {.order = 2, .since = T0 + 1, .cls = QUEUE_NORMAL},
                       u4 = {.order = 4, .since = T0 + 3, .cls = QUEUE_URGENT},
                       u3 = {.order = 3, .since = T0 + 2, .cls = QUEUE_URGENT},
                       t = {.order = 5, .rank = 1, .since = T0 + 4, .cls = QUEUE_TRANSFERRED};
    queue_init(&q, 900);
    queue_insert(&q, &n1);
    queue_insert(&q, &n2);
    queue_insert(&q, &u4);
    queue_insert(&q, &u3); /* joined earlier than u4, inserted later: sorted in */
    queue_insert(&q, &t);
    struct queue_entry *want[] = {&t, &u3, &u4, &n1, &n2};
    assert_order(&q, T0 + 10, want, 5);
    assert_int_equal(queue_urgent_count(&q, T0 + 10), 2);
}

/* The aging rule, as a table: a normal visitor who has waited exactly
 * urgent_after seconds ranks with the urgent ones, by join order. */
static void test_aging_crosses_exactly_at_urgent_after(void **state)
{
    (void)state;
    static const struct {
        time_t now_minus_t0; /* n1 joined at T0 */
        int n1_position;     /* among u (urgent, joined after n1) and n2 */
        size_t urgent;
    } cases[] = {
        {0, 2, 1}, {899, 2, 1}, {900, 1, 2}, {901, 1, 2}, {5000, 1, 3},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct queue q;
        struct queue_entry n1 = {.order = 1, .since = T0, .cls = QUEUE_NORMAL},
                           u = {.order = 2, .since = T0 + 5, .cls = QUEUE_URGENT},
                           n2 = {.order = 3, .since = T0 + 60, .cls = QUEUE_NORMAL};
        queue_init(&q, 900);
        queue_insert(&q, &n1);
        queue_insert(&q, &u);
        queue_insert(&q, &n2);
        time_t now = T0 + cases[i].now_minus_t0;
        if (queue_position(&q, &n1, now) != cases[i].n1_position ||
            queue_urgent_count(&q, now) != cases[i].urgent)
            fail_msg("case %zu (+%ld s): n1 at %d with %zu urgent, want %d with %zu", i,
                     (long)cases[i].now_minus_t0, queue_position(&q, &n1, now),
                     queue_urgent_count(&q, now), cases[i].n1_position, cases[i].urgent);
        assert_int_equal(queue_is_urgent(&q, &n1, now), cases[i].now_minus_t0 >= 900);
    }
}

static void test_next_aging_instant(void **state)
{
    (void)state;
    struct queue q, off;
    struct queue_entry a = {.order = 1, .since = T0, .cls = QUEUE_NORMAL},
                       b = {.order = 2, .since = T0 + 30, .cls = QUEUE_NORMAL};
    queue_init(&q, 600);
    queue_insert(&q, &a);
    queue_insert(&q, &b);
    assert_int_equal(queue_next_aging(&q, T0), T0 + 600);
    assert_int_equal(queue_next_aging(&q, T0 + 600), T0 + 630); /* a has aged */
    assert_int_equal(queue_next_aging(&q, T0 + 630), -1);
    queue_init(&off, 0);
    queue_insert(&off, &(struct queue_entry){.order = 3, .since = T0, .cls = QUEUE_NORMAL});
    assert_int_equal(queue_next_aging(&off, T0), -1);
}

static void test_aged_head_wins_across_topics(void **state)
{
    (void)state;
    struct queue qa, qb;
    queue_init(&qa, 60);
    queue_init(&qb, 0); /* no aging in b */
    struct queue_entry a = {.order = 5, .since = T0, .cls = QUEUE_NORMAL},
                       b = {.order = 2, .since = T0 - 30, .cls = QUEUE_NORMAL};
    assert_true(queue_before(&qb, &b, &qa, &a, T0 + 59)); /* b joined first */
    assert_true(queue_before(&qa, &a, &qb, &b, T0 + 60)); /* a aged: it is urgent now */
}

static void test_put_back_gets_its_place(void **state)
{
    (void)state;
    struct queue q;
    struct queue_entry e[5];
    queue_init(&q, 0);
    for (int i = 0; i < 5; i++) {
        e[i] = (struct queue_entry){.order = (uint64_t)i + 1, .cls = QUEUE_NORMAL};
        queue_insert(&q, &e[i]);
    }
    queue_remove(&q, &e[2]);
    queue_remove(&q, &e[0]);
    queue_insert(&q, &e[2]);
    queue_insert(&q, &e[0]);
    struct queue_entry *want[] = {&e[0], &e[1], &e[2], &e[3], &e[4]};
    assert_order(&q, T0, want, 5);
}

/* The longest wait of a line is its oldest `since` in any class: a
 * transferred visitor's wait starts again at the transfer. */
static void test_oldest_since_over_classes(void **state)
{
    (void)state;
    struct queue q;
    struct queue_entry e[3] = {{.order = 5, .since = T0 + 50, .cls = QUEUE_TRANSFERRED, .rank = 1},
                               {.order = 2, .since = T0 + 20, .cls = QUEUE_URGENT},
                               {.order = 1, .since = T0 + 10, .cls = QUEUE_NORMAL}};
    queue_init(&q, 0);
    assert_int_equal(queue_oldest_since(&q), -1);
    queue_insert(&q, &e[0]);
    assert_int_equal(queue_oldest_since(&q), T0 + 50);
    queue_insert(&q, &e[1]);
    queue_insert(&q, &e[2]);
    assert_int_equal(queue_oldest_since(&q), T0 + 10);
    assert_ptr_equal(queue_head(&q, T0 + 60), &e[0]); /* first served is not the oldest */
    queue_remove(&q, &e[2]);
    assert_int_equal(queue_oldest_since(&q), T0 + 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oldest_join_first),
        cmocka_unit_test(test_transferred_go_first_in_transfer_order),
        cmocka_unit_test(test_remove_middle_and_tail_keeps_links),
        cmocka_unit_test(test_longest_wait_across_topics),
        cmocka_unit_test(test_urgent_go_before_normal_by_join_order),
        cmocka_unit_test(test_aging_crosses_exactly_at_urgent_after),
        cmocka_unit_test(test_oldest_since_over_classes),
        cmocka_unit_test(test_next_aging_instant),
        cmocka_unit_test(test_aged_head_wins_across_topics),
        cmocka_unit_test(test_put_back_gets_its_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
