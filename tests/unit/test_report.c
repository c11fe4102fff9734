/*
 * test_report: the report worker. Jobs wait until released (the turn's
 * commit), at most REPORT_QUEUE_MAX of them; a cancelled one gives its
 * place back and is never delivered; a finished one comes back with the
 * body report_make gives on the calling thread, over the worker's own
 * read-only connection, which sees what the writer committed.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chat_err.h"
#include "config.h"
#include "report.h"
#include "stats.h"
#include "store.h"

struct fixture {
    char dir[64];
    struct config *cfg;
    struct store *st;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int wakes;
};

/* 2026-11-23 10:00:00 +02:00 */
#define T0 ((time_t)1795420800)

static void wake(void *arg)
{
    struct fixture *f = arg;
    pthread_mutex_lock(&f->lock);
    f->wakes++;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

/* Waits (on the condition, not the clock) until the worker woke us n times. */
static void wait_wakes(struct fixture *f, int n)
{
    pthread_mutex_lock(&f->lock);
    while (f->wakes < n)
        pthread_cond_wait(&f->cond, &f->lock);
    pthread_mutex_unlock(&f->lock);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char ini[256];
    strcpy(f->dir, "/tmp/chatd-report-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(ini, sizeof(ini), "[server]\ndata_dir = %s\n[topic a]\nhours = always\n", f->dir);
    if (config_load_text("t.ini", ini, 0, &f->cfg, stderr) != 0 ||
        store_open(f->dir, 0, &f->st) != 0)
        return -1;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    /* three hours of topic a, 1, 2 and 3 joins */
    long c[STAT_COUNT] = {0};
    for (int k = 0; k < 3; k++) {
        c[STAT_JOINS] = k + 1;
        struct stats_row row = {"a", T0 + k * 3600, c, 0, NULL, NULL};
        if (store_stats_add(f->st, &row) != 0)
            return -1;
    }
    if (store_commit(f->st, NULL) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    store_close(f->st);
    config_free(f->cfg);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->cond);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static struct report_request stats_req(time_t from, time_t to)
{
    struct report_request q = {.kind = REPORT_STATS, .from = from, .to = to};
    q.members = strdup("\"questions\":[],\"categories\":[]");
    return q;
}

/* What report_poll delivered. */
struct delivered {
    int n;
    void *owner[8];
    int rc[8];
    char *body[8];
};

static void done(void *owner, int rc, char *body, size_t len, void *arg)
{
    struct delivered *d = arg;
    assert_true(d->n < 8);
    assert_true(!body || strlen(body) == len);
    d->owner[d->n] = owner;
    d->rc[d->n] = rc;
    d->body[d->n++] = body;
}

static void test_a_report_is_made_after_release(void **state)
{
    struct fixture *f = *state;
    struct report *r = report_new(f->cfg, wake, f);
    struct report_job *job;
    struct delivered d = {0};
    int owner = 1;
    assert_non_null(r);
    struct report_request q = stats_req(T0, T0 + 2 * 3600); /* the first two hours */
    assert_int_equal(report_submit(r, &q, &owner, &job), 0);
    assert_null(q.members); /* taken */
    report_poll(r, done, &d);
    assert_int_equal(d.n, 0); /* held: not made before the release */
    report_release(r);
    wait_wakes(f, 1);
    report_poll(r, done, &d);
    assert_int_equal(d.n, 1);
    assert_ptr_equal(d.owner[0], &owner);
    assert_int_equal(d.rc[0], 0);
    /* the same as made here, on the writer's connection */
    char *want;
    size_t len;
    struct report_request same = stats_req(T0, T0 + 2 * 3600);
    assert_int_equal(report_make(f->cfg, f->st, &same, &want, &len), 0);
    free(same.members);
    assert_string_equal(d.body[0], want);
    assert_non_null(strstr(want, "\"joins\":1,"));
    assert_non_null(strstr(want, "\"joins\":2,"));
    assert_null(strstr(want, "\"joins\":3,"));
    assert_non_null(strstr(want, "],\"questions\":[],\"categories\":[]}"));
    free(want);
    free(d.body[0]);
    report_free(r);
}

static void test_queue_is_bounded_and_cancel_gives_the_place_back(void **state)
{
    struct fixture *f = *state;
    struct report *r = report_new(f->cfg, wake, f);
    struct report_job *jobs[REPORT_QUEUE_MAX], *extra;
    struct delivered d = {0};
    int owners[REPORT_QUEUE_MAX + 1];
    assert_non_null(r);
    for (int i = 0; i < REPORT_QUEUE_MAX; i++) {
        struct report_request q = stats_req(T0, T0 + 3 * 3600);
        assert_int_equal(report_submit(r, &q, &owners[i], &jobs[i]), 0);
    }
    struct report_request q = stats_req(T0, T0 + 3 * 3600);
    assert_int_equal(report_submit(r, &q, &owners[REPORT_QUEUE_MAX], &extra),
                     CHAT_ERR_REPORTS_BUSY);
    assert_null(extra);
    assert_null(q.members); /* freed */
    /* a client goes: its place is free at once, and it hears nothing */
    report_cancel(r, jobs[1]);
    q = stats_req(T0, T0 + 3 * 3600);
    assert_int_equal(report_submit(r, &q, &owners[REPORT_QUEUE_MAX], &extra), 0);
    report_release(r);
    wait_wakes(f, REPORT_QUEUE_MAX);
    report_poll(r, done, &d);
    assert_int_equal(d.n, REPORT_QUEUE_MAX);
    for (int i = 0; i < d.n; i++) {
        assert_ptr_not_equal(d.owner[i], &owners[1]);
        assert_int_equal(d.rc[i], 0);
        free(d.body[i]);
    }
    assert_ptr_equal(d.owner[d.n - 1], &owners[REPORT_QUEUE_MAX]); /* oldest first */
    report_free(r);
}

static void test_a_cancelled_job_being_made_is_dropped(void **state)
{
    struct fixture *f = *state;
    struct report *r = report_new(f->cfg, wake, f);
    struct report_job *job;
    struct delivered d = {0};
    int owner;
    assert_non_null(r);
    struct report_request q = stats_req(T0, T0 + 3 * 3600);
    assert_int_equal(report_submit(r, &q, &owner, &job), 0);
    report_release(r);
    wait_wakes(f, 1); /* made: on the done list */
    report_cancel(r, job);
    report_poll(r, done, &d);
    assert_int_equal(d.n, 0);
    /* and freed with the worker (a leak shows under the sanitizer build) */
    q = stats_req(T0, T0 + 3 * 3600);
    assert_int_equal(report_submit(r, &q, &owner, &job), 0);
    report_free(r); /* a held job goes with it */
}

static void test_plan_and_a_bad_target(void **state)
{
    struct fixture *f = *state;
    char *body;
    size_t len;
    struct report_request q = {.kind = REPORT_PLAN,
                               .from = T0,
                               .to = T0 + 3 * 3600,
                               .target = {PLAN_TARGET_WAIT_S, PLAN_TARGET_SHARE}};
    assert_int_equal(report_make(f->cfg, f->st, &q, &body, &len), 0);
    assert_non_null(strstr(body, "\"hours\":["));
    free(body);
    q.target.share = 2;
    assert_int_equal(report_make(f->cfg, f->st, &q, &body, &len), CHAT_ERR_BAD_REQUEST);
    assert_null(body);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_report_is_made_after_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_is_bounded_and_cancel_gives_the_place_back,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_cancelled_job_being_made_is_dropped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_plan_and_a_bad_target, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
