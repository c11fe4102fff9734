/*
 * hours_live: a worker thread with a todo and a done list and the latest
 * snapshot under one mutex.
 *
 * Invariants: a job is on todo, on done, or in the thread's hands; ntodo
 * counts todo. A cancelled job on todo or done is freed at once; the one in
 * the thread's hands gets owner NULL and is freed when it comes out. Only
 * the thread touches l->db. snapshot_new says l->snapshot was read after
 * the last hours_live_poll took one; audit lines gather until taken.
 */
#include "hours_live.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat_err.h"
#include "clock.h"

struct hours_job {
    struct hours_job *next;
    void *owner;
    struct hours_request req;
    struct hours_result res;
};

struct audit_line {
    struct audit_line *next;
    char text[];
};

struct hours_live {
    struct hours_db *db; /* the thread's */
    pthread_t thread;
    bool started, stop;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct hours_job *todo, *todo_tail, *done, *done_tail;
    size_t ntodo;
    struct schedule_date from;
    int64_t version; /* of the last snapshot; -1 before the first */
    struct hours_exception *snapshot;
    size_t nsnapshot;
    bool snapshot_new;
    struct audit_line *audit, *audit_tail;
    void (*wake)(void *arg);
    void *wake_arg;
};

static void job_free(struct hours_job *j)
{
    if (j) {
        free(j->res.items);
        free(j);
    }
}

/* ---- the thread ------------------------------------------------------------ */

struct audit_gather {
    struct audit_line *head, *tail;
};

static void gather_audit(int64_t id, time_t at, const char *by, const char *what, void *arg)
{
    struct audit_gather *g = arg;
    (void)at;
    size_t len = strlen(by) + strlen(what) + 64;
    struct audit_line *a = malloc(sizeof(*a) + len);
    if (!a)
        return;
    snprintf(a->text, len, "hours change %lld by %s: %s", (long long)id, by, what);
    a->next = NULL;
    if (g->tail)
        g->tail->next = a;
    else
        g->head = a;
    g->tail = a;
}

/* Reads a new snapshot when the version moved (called without the lock);
 * true when one was taken. */
static bool refresh(struct hours_live *l)
{
    int64_t v = hours_db_version(l->db);
    pthread_mutex_lock(&l->lock);
    int64_t was = l->version;
    struct schedule_date from = l->from;
    pthread_mutex_unlock(&l->lock);
    if (v < 0 || v == was)
        return false;
    struct hours_exception *all;
    size_t n;
    struct audit_gather g = {0};
    if (hours_db_list(l->db, NULL, &from, &all, &n) != 0)
        return false;
    if (was >= 0)
        (void)hours_db_audit_each(l->db, was, gather_audit, &g);
    pthread_mutex_lock(&l->lock);
    free(l->snapshot);
    l->snapshot = all;
    l->nsnapshot = n;
    l->snapshot_new = true;
    l->version = v;
    if (g.head) {
        if (l->audit_tail)
            l->audit_tail->next = g.head;
        else
            l->audit = g.head;
        l->audit_tail = g.tail;
    }
    pthread_mutex_unlock(&l->lock);
    return true;
}

/* Keeps the items of scope's topics (the asker's orgs'): their number. */
static size_t scope_keep(const struct hours_scope *scope, struct hours_exception *items, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (hours_scope_has(scope, items[i].topic))
            items[k++] = items[i];
    return k;
}

static void run_job(struct hours_live *l, struct hours_job *j)
{
    struct hours_result *r = &j->res;
    const struct hours_request *q = &j->req;
    time_t now = q->now;
    switch (q->kind) {
    case HOURS_JOB_LIST:
        r->rc = hours_db_list(l->db, q->topic[0] ? q->topic : NULL, NULL, &r->items, &r->n);
        if (r->rc == 0)
            r->n = scope_keep(&q->scope, r->items, r->n);
        break;
    case HOURS_JOB_ADD:
        r->items = malloc(sizeof(*r->items));
        r->rc = r->items ? 0 : CHAT_ERR_NOMEM;
        if (r->rc == 0) {
            r->items[0] = q->add;
            r->rc = hours_db_add(l->db, &r->items[0], q->by, now, &r->replaced);
            r->n = r->rc == 0;
        }
        break;
    case HOURS_JOB_DEL:
        r->items = malloc(sizeof(*r->items));
        r->rc = r->items ? hours_db_del(l->db, q->id, q->by, now, &q->scope, &r->items[0])
                         : CHAT_ERR_NOMEM;
        r->n = r->rc == 0;
        break;
    }
}

static void *worker(void *arg)
{
    struct hours_live *l = arg;
    double next_poll = clock_mono() + HOURS_LIVE_POLL_S; /* hours_live_new read the first */
    pthread_mutex_lock(&l->lock);
    while (!l->stop) {
        struct hours_job *j = l->todo;
        bool woke = false;
        if (j) {
            l->todo = j->next;
            if (!l->todo)
                l->todo_tail = NULL;
            l->ntodo--;
            pthread_mutex_unlock(&l->lock);
            run_job(l, j);
            woke = refresh(l); /* before the answer: "stored" means in force */
            pthread_mutex_lock(&l->lock);
            j->next = NULL;
            if (!j->owner) {
                job_free(j);
            } else {
                if (l->done_tail)
                    l->done_tail->next = j;
                else
                    l->done = j;
                l->done_tail = j;
                woke = true;
            }
        } else if (clock_mono() >= next_poll) {
            pthread_mutex_unlock(&l->lock);
            woke = refresh(l);
            next_poll = clock_mono() + HOURS_LIVE_POLL_S;
            pthread_mutex_lock(&l->lock);
        } else {
            struct timespec ts;
            double at = next_poll;
            ts.tv_sec = (time_t)at;
            ts.tv_nsec = (long)((at - (double)ts.tv_sec) * 1e9);
            (void)pthread_cond_timedwait(&l->cond, &l->lock, &ts);
        }
        if (woke) {
            pthread_mutex_unlock(&l->lock);
            l->wake(l->wake_arg);
            pthread_mutex_lock(&l->lock);
        }
    }
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

/* ---- the loop's side ---------------------------------------------------------- */

struct hours_live *hours_live_new(const char *data_dir, const struct schedule_date *from,
                                  void (*wake)(void *arg), void *arg)
{
    struct hours_live *l = calloc(1, sizeof(*l));
    pthread_condattr_t ca;
    if (!l)
        return NULL;
    l->version = -1;
    l->from = *from;
    l->wake = wake;
    l->wake_arg = arg;
    pthread_mutex_init(&l->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (hours_db_open(data_dir, &l->db) != 0) {
        hours_live_free(l);
        return NULL;
    }
    /* the first snapshot before the thread: at start chatd may wait, and a
     * closed day must not look open to the first visitors */
    (void)refresh(l);
    if (pthread_create(&l->thread, NULL, worker, l) != 0) {
        hours_live_free(l);
        return NULL;
    }
    l->started = true;
    return l;
}

void hours_live_free(struct hours_live *l)
{
    if (!l)
        return;
    if (l->started) {
        pthread_mutex_lock(&l->lock);
        l->stop = true;
        pthread_cond_signal(&l->cond);
        pthread_mutex_unlock(&l->lock);
        pthread_join(l->thread, NULL);
    }
    for (struct hours_job *lists[2] = {l->todo, l->done}, **p = lists; p < lists + 2; p++)
        while (*p) {
            struct hours_job *j = *p;
            *p = j->next;
            job_free(j);
        }
    while (l->audit) {
        struct audit_line *a = l->audit;
        l->audit = a->next;
        free(a);
    }
    free(l->snapshot);
    hours_db_close(l->db);
    pthread_cond_destroy(&l->cond);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

void hours_live_set_from(struct hours_live *l, const struct schedule_date *from)
{
    pthread_mutex_lock(&l->lock);
    l->from = *from;
    pthread_mutex_unlock(&l->lock);
}

int hours_live_submit(struct hours_live *l, const struct hours_request *req, void *owner,
                      struct hours_job **job)
{
    *job = NULL;
    pthread_mutex_lock(&l->lock);
    int rc = l->ntodo >= HOURS_LIVE_QUEUE_MAX ? CHAT_ERR_REPORTS_BUSY : 0;
    struct hours_job *j = rc == 0 ? calloc(1, sizeof(*j)) : NULL;
    if (rc == 0 && !j)
        rc = CHAT_ERR_NOMEM;
    if (rc == 0) {
        j->owner = owner;
        j->req = *req;
        if (l->todo_tail)
            l->todo_tail->next = j;
        else
            l->todo = j;
        l->todo_tail = j;
        l->ntodo++;
        pthread_cond_signal(&l->cond);
        *job = j;
    }
    pthread_mutex_unlock(&l->lock);
    return rc;
}

/* Takes j off the list at *head (with its tail); true when it was there. */
static bool unlink_job(struct hours_job **head, struct hours_job **tail, struct hours_job *j)
{
    struct hours_job *prev = NULL;
    for (struct hours_job *p = *head; p; prev = p, p = p->next) {
        if (p != j)
            continue;
        if (prev)
            prev->next = p->next;
        else
            *head = p->next;
        if (*tail == p)
            *tail = prev;
        return true;
    }
    return false;
}

void hours_live_cancel(struct hours_live *l, struct hours_job *job)
{
    pthread_mutex_lock(&l->lock);
    if (unlink_job(&l->todo, &l->todo_tail, job)) {
        l->ntodo--;
        job_free(job);
    } else if (unlink_job(&l->done, &l->done_tail, job)) {
        job_free(job);
    } else {
        job->owner = NULL; /* in the thread's hands */
    }
    pthread_mutex_unlock(&l->lock);
}

void hours_live_poll(struct hours_live *l, const struct hours_live_calls *calls)
{
    pthread_mutex_lock(&l->lock);
    struct hours_job *done = l->done;
    struct audit_line *audit = l->audit;
    struct hours_exception *snap = NULL;
    size_t nsnap = 0;
    bool changed = l->snapshot_new;
    l->done = l->done_tail = NULL;
    l->audit = l->audit_tail = NULL;
    if (changed) { /* a copy: the thread may replace its own meanwhile */
        snap = l->nsnapshot ? malloc(l->nsnapshot * sizeof(*snap)) : NULL;
        if (snap || l->nsnapshot == 0) {
            if (snap)
                memcpy(snap, l->snapshot, l->nsnapshot * sizeof(*snap));
            nsnap = l->nsnapshot;
            l->snapshot_new = false;
        } else {
            changed = false; /* out of memory: tried again at the next poll */
        }
    }
    pthread_mutex_unlock(&l->lock);
    if (changed)
        calls->changed(snap, nsnap, calls->arg);
    free(snap);
    while (audit) {
        struct audit_line *a = audit;
        audit = a->next;
        calls->audit(a->text, calls->arg);
        free(a);
    }
    while (done) {
        struct hours_job *j = done;
        done = j->next;
        calls->done(j->owner, &j->req, &j->res, calls->arg);
        job_free(j);
    }
}
