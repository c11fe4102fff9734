/*
 * report: a worker thread with a held, a todo and a done list under one
 * mutex.
 *
 * Invariants: a job is on exactly one of held, todo, done, or in the
 * thread's hands; nwaiting counts held and todo. A cancelled job that
 * waits is freed at once; one being made or done gets `owner == NULL` and
 * is freed when it comes out. Only the thread touches r->st after
 * report_new.
 */
#define _GNU_SOURCE /* fopencookie */
#include "report.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "chat_err.h"
#include "plan_report.h"
#include "stats.h"
#include "store.h"

struct report_job {
    struct report_job *next;
    void *owner;
    struct report_request req;
    int rc;
    char *body;
    size_t len;
};

struct report {
    const struct config *cfg;
    struct store *st; /* the thread's read-only connection */
    pthread_t thread;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct report_job *held, *held_tail, *todo, *todo_tail, *done;
    size_t nwaiting;
    bool stop;
    void (*wake)(void *arg);
    void *wake_arg;
};

/* Nice of the report thread: a long report takes a core for a second or
 * so, and the loop's chats come first (at 10 the loop gets nine tenths of a
 * core they share); not 19, at which a busy host starves a coordinator's
 * report for minutes. */
#define REPORT_THREAD_NICE 10

/* ---- a bounded memory stream ---------------------------------------------- */

/* Where a report is printed: grows up to REPORT_BODY_MAX; a write past it
 * fails (the stream's error flag) and sets over. */
struct sink {
    char *buf;
    size_t len, cap;
    bool over;
};

static ssize_t sink_write(void *cookie, const char *data, size_t n)
{
    struct sink *k = cookie;
    if (k->len + n + 1 > REPORT_BODY_MAX) {
        k->over = true;
        return -1;
    }
    if (k->len + n + 1 > k->cap) {
        size_t cap = k->cap ? k->cap : 65536;
        while (cap < k->len + n + 1)
            cap *= 2;
        char *nb = realloc(k->buf, cap);
        if (!nb)
            return -1;
        k->buf = nb;
        k->cap = cap;
    }
    memcpy(k->buf + k->len, data, n);
    k->len += n;
    k->buf[k->len] = '\0';
    return (ssize_t)n;
}

/* A stats_put_fn that hands fn only the buckets q may hold (scoped: of
 * its topics). */
struct scoped_put {
    const struct config *cfg;
    const struct report_request *q;
    stats_put_fn fn;
    void *arg;
};

static int scoped_add(const struct stats_row *row, void *arg)
{
    struct scoped_put *s = arg;
    int t = config_topic_index(s->cfg, row->topic);
    if (s->q->scoped && (t < 0 || !(s->q->topics & (1u << t))))
        return 0;
    return s->fn(row, s->arg);
}

/* The buckets of q's period (and topic) that q may hold, each to fn. */
static int each_bucket(const struct config *cfg, struct store *st, const struct report_request *q,
                       stats_put_fn fn, void *arg)
{
    struct scoped_put s = {cfg, q, fn, arg};
    return store_stats_each(st, q->from, q->to, q->topic[0] ? q->topic : NULL, scoped_add, &s);
}

static int make_stats(const struct config *cfg, struct store *st, const struct report_request *q,
                      FILE *out)
{
    struct stats_report *rep = stats_report_new();
    int rc = rep ? stats_report_names(rep, cfg) : CHAT_ERR_NOMEM;
    if (rc == 0) {
        stats_report_members(rep, q->members);
        rc = each_bucket(cfg, st, q, stats_report_add, rep);
    }
    if (rc == 0)
        rc = stats_report_print(rep, STATS_JSON, 0, out);
    stats_report_free(rep);
    return rc;
}

static int make_plan(const struct config *cfg, struct store *st, const struct report_request *q,
                     FILE *out)
{
    struct plan_report *rep = plan_report_new(cfg, q->from, q->to);
    int rc = rep ? each_bucket(cfg, st, q, plan_report_add, rep) : CHAT_ERR_NOMEM;
    if (rc == 0) {
        plan_report_pool(rep, q->pooled);
        rc = plan_report_print(rep, &q->target, q->redistribute, STATS_JSON, out);
    }
    plan_report_free(rep);
    return rc;
}

static int make_rota(const struct config *cfg, struct store *st, const struct report_request *q,
                     FILE *out)
{
    struct rota_result r;
    int rc = rota_make(cfg, st, &q->rota, &r);
    if (rc == 0)
        rc = rota_print(cfg, &r, STATS_JSON, out);
    rota_result_fini(&r);
    return rc;
}

int report_make(const struct config *cfg, struct store *st, const struct report_request *req,
                char **body, size_t *len)
{
    struct sink k = {0};
    cookie_io_functions_t io = {.write = sink_write};
    FILE *out = fopencookie(&k, "w", io);
    *body = NULL;
    *len = 0;
    if (!out)
        return CHAT_ERR_NOMEM;
    int rc = req->kind == REPORT_STATS  ? make_stats(cfg, st, req, out)
             : req->kind == REPORT_ROTA ? make_rota(cfg, st, req, out)
                                        : make_plan(cfg, st, req, out);
    if (fclose(out) != 0 && rc == 0)
        rc = CHAT_ERR_NOMEM;
    if (k.over)
        rc = CHAT_ERR_REPORT_TOO_LARGE;
    else if (rc == 0 && !k.buf)
        rc = CHAT_ERR_INTERNAL; /* every report prints something */
    if (rc != 0) {
        free(k.buf);
        return rc;
    }
    *body = k.buf;
    *len = k.len;
    return 0;
}

/* ---- the thread ------------------------------------------------------------- */

static void job_free(struct report_job *j)
{
    free(j->req.members);
    free(j->body);
    free(j);
}

static void list_free(struct report_job *j)
{
    while (j) {
        struct report_job *next = j->next;
        job_free(j);
        j = next;
    }
}

static void *report_thread(void *arg)
{
    struct report *r = arg;
    /* Linux: the nice value of one thread (best effort, as in auth.c) */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), REPORT_THREAD_NICE);
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->todo && !r->stop)
            pthread_cond_wait(&r->cond, &r->lock);
        if (r->stop)
            break;
        struct report_job *j = r->todo;
        r->todo = j->next;
        if (!r->todo)
            r->todo_tail = NULL;
        r->nwaiting--;
        bool wanted = j->owner != NULL;
        pthread_mutex_unlock(&r->lock);

        if (wanted) /* a client that hung up while it waited costs nothing */
            j->rc =
                report_make(j->req.cfg ? j->req.cfg : r->cfg, r->st, &j->req, &j->body, &j->len);
        free(j->req.members);
        j->req.members = NULL;

        pthread_mutex_lock(&r->lock);
        j->next = r->done;
        r->done = j;
        pthread_mutex_unlock(&r->lock);
        r->wake(r->wake_arg);
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

struct report *report_new(const struct config *cfg, void (*wake)(void *arg), void *arg)
{
    struct report *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->cfg = cfg;
    r->wake = wake;
    r->wake_arg = arg;
    if (store_open_reader(cfg->data_dir, &r->st) != 0) {
        free(r);
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    if (pthread_create(&r->thread, NULL, report_thread, r) != 0) {
        report_free(r);
        return NULL;
    }
    r->started = true;
    return r;
}

void report_free(struct report *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
    if (r->started)
        pthread_join(r->thread, NULL);
    list_free(r->held);
    list_free(r->todo);
    list_free(r->done);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->cond);
    store_close(r->st);
    free(r);
}

int report_submit(struct report *r, struct report_request *req, void *owner,
                  struct report_job **job)
{
    struct report_job *j = calloc(1, sizeof(*j));
    *job = NULL;
    if (!j) {
        free(req->members);
        req->members = NULL;
        return CHAT_ERR_NOMEM;
    }
    j->req = *req;
    req->members = NULL;
    j->owner = owner;
    pthread_mutex_lock(&r->lock);
    bool full = r->nwaiting >= REPORT_QUEUE_MAX;
    if (!full) {
        if (r->held_tail)
            r->held_tail->next = j;
        else
            r->held = j;
        r->held_tail = j;
        r->nwaiting++;
    }
    pthread_mutex_unlock(&r->lock);
    if (full) {
        job_free(j);
        return CHAT_ERR_REPORTS_BUSY;
    }
    *job = j;
    return 0;
}

void report_release(struct report *r)
{
    pthread_mutex_lock(&r->lock);
    if (r->held) {
        if (r->todo_tail)
            r->todo_tail->next = r->held;
        else
            r->todo = r->held;
        r->todo_tail = r->held_tail;
        r->held = r->held_tail = NULL;
        pthread_cond_signal(&r->cond);
    }
    pthread_mutex_unlock(&r->lock);
}

/* Takes job off the list at *head (tail *tail); false when it is not there. */
static bool unlink_job(struct report_job **head, struct report_job **tail, struct report_job *job)
{
    struct report_job *prev = NULL;
    for (struct report_job *j = *head; j; prev = j, j = j->next) {
        if (j != job)
            continue;
        if (prev)
            prev->next = j->next;
        else
            *head = j->next;
        if (*tail == j)
            *tail = prev;
        return true;
    }
    return false;
}

void report_cancel(struct report *r, struct report_job *job)
{
    pthread_mutex_lock(&r->lock);
    /* a waiting job leaves at once, and its place in the queue with it */
    bool waiting =
        unlink_job(&r->held, &r->held_tail, job) || unlink_job(&r->todo, &r->todo_tail, job);
    if (waiting)
        r->nwaiting--;
    else
        job->owner = NULL; /* being made or done: dropped when it comes out */
    pthread_mutex_unlock(&r->lock);
    if (waiting)
        job_free(job);
}

void report_poll(struct report *r,
                 void (*done)(void *owner, int rc, char *body, size_t len, void *arg), void *arg)
{
    pthread_mutex_lock(&r->lock);
    struct report_job *list = r->done;
    r->done = NULL;
    pthread_mutex_unlock(&r->lock);
    /* done is newest first; deliver oldest first */
    struct report_job *rev = NULL;
    while (list) {
        struct report_job *next = list->next;
        list->next = rev;
        rev = list;
        list = next;
    }
    while (rev) {
        struct report_job *next = rev->next;
        pthread_mutex_lock(&r->lock);
        void *owner = rev->owner;
        pthread_mutex_unlock(&r->lock);
        if (owner) {
            done(owner, rev->rc, rev->body, rev->len, arg);
            rev->body = NULL;
        }
        job_free(rev);
        rev = next;
    }
}
