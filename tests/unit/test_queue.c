/*
 * test_queue: service order of one topic's line and fairness across topics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "queue.h"

static void test_oldest_join_first(void **state)
{
    (void)state;
    struct queue q;
    struct queue_entry e[3] = {{.order = 1}, {.order = 2}, {.order = 3}};
    queue_init(&q);
    for (int i = 0; i < 3; i++)
        queue_push(&q, &e[i]);
    assert_ptr_equal(queue_head(&q), &e[0]);
    queue_remove(&q, &e[0]);
    assert_ptr_equal(queue_head(&q), &e[1]);
    assert_int_equal(q.count, 2);
}

static void test_transferred_go_first_in_transfer_order(void **state)
{
    (void)state;
    struct queue q;
    struct queue_entry a = {.order = 1}, b = {.order = 2}, t1 = {.order = 9}, t2 = {.order = 5};
    queue_init(&q);
    queue_push(&q, &a);
    queue_push(&q, &b);
    queue_push_transferred(&q, &t1);
    queue_push_transferred(&q, &t2);
    struct queue_entry *want[] = {&t1, &t2, &a, &b};
    struct queue_entry *e = q.head;
    for (int i = 0; i < 4; i++, e = e->next)
        assert_ptr_equal(e, want[i]);
    assert_null(e);
    queue_remove(&q, &t1);
    assert_int_equal(q.ntransferred, 1);
    assert_ptr_equal(queue_head(&q), &t2);
}

static void test_remove_middle_and_tail_keeps_links(void **state)
{
    (void)state;
    struct queue q;
    struct queue_entry e[3] = {{.order = 1}, {.order = 2}, {.order = 3}};
    queue_init(&q);
    for (int i = 0; i < 3; i++)
        queue_push(&q, &e[i]);
    queue_remove(&q, &e[1]);
    queue_remove(&q, &e[2]);
    assert_ptr_equal(q.tail, &e[0]);
    assert_null(e[0].next);
    queue_remove(&q, &e[2]); /* not queued: no effect */
    assert_int_equal(q.count, 1);
}

static void test_longest_wait_across_topics(void **state)
{
    (void)state;
    struct queue_entry older = {.order = 3}, newer = {.order = 8},
                       moved = {.order = 20, .transferred = true};
    assert_true(queue_before(&older, &newer));
    assert_false(queue_before(&newer, &older));
    assert_true(queue_before(&moved, &older));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oldest_join_first),
        cmocka_unit_test(test_transferred_go_first_in_transfer_order),
        cmocka_unit_test(test_remove_middle_and_tail_keeps_links),
        cmocka_unit_test(test_longest_wait_across_topics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
