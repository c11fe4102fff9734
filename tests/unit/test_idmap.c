/*
 * test_idmap: the keyed hash map of sessions and chats: put, get, replace,
 * delete, growth past many keys, tombstones reused, iteration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "idmap.h"

static void test_put_get_replace_delete(void **state)
{
    (void)state;
    int a, b;
    struct idmap *m = idmap_new();
    assert_non_null(m);
    assert_null(idmap_get(m, "k"));
    assert_int_equal(idmap_put(m, "k", &a), 0);
    assert_ptr_equal(idmap_get(m, "k"), &a);
    assert_int_equal(idmap_put(m, "k", &b), 0); /* replaces */
    assert_ptr_equal(idmap_get(m, "k"), &b);
    assert_int_equal(idmap_count(m), 1);
    idmap_del(m, "k");
    assert_null(idmap_get(m, "k"));
    idmap_del(m, "k"); /* absent: nothing */
    assert_int_equal(idmap_count(m), 0);
    idmap_free(m);
}

static void count_cb(void *value, void *arg)
{
    (void)value;
    (*(size_t *)arg)++;
}

static void test_many_keys_grow_and_tombstones_are_reused(void **state)
{
    (void)state;
    enum { N = 20000 };
    static int values[N];
    char key[32];
    struct idmap *m = idmap_new();
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            snprintf(key, sizeof(key), "key-%d-%d", round, i);
            assert_int_equal(idmap_put(m, key, &values[i]), 0);
        }
        for (int i = 0; i < N; i++) {
            snprintf(key, sizeof(key), "key-%d-%d", round, i);
            assert_ptr_equal(idmap_get(m, key), &values[i]);
            if (i % 2 == 0)
                idmap_del(m, key);
        }
        for (int i = 1; i < N; i += 2) {
            snprintf(key, sizeof(key), "key-%d-%d", round, i);
            idmap_del(m, key);
        }
        assert_int_equal(idmap_count(m), 0);
    }
    size_t seen = 0;
    assert_int_equal(idmap_put(m, "last", &values[0]), 0);
    idmap_each(m, count_cb, &seen);
    assert_int_equal(seen, 1);
    idmap_free(m);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_replace_delete),
        cmocka_unit_test(test_many_keys_grow_and_tombstones_are_reused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
