/*
 * report: the coordinators' reports (GET /api/stats, /api/plan) made off
 * the event loop.
 *
 * A report reads up to 400 days of buckets and prints megabytes; on the
 * loop that would hold up every chat. So, as auth does with argon2id, one
 * worker thread (at a lower priority than the loop) makes them from a job
 * that holds only copies of its inputs and the immutable config, over its
 * own read-only connection to the database (store_open_reader: WAL lets it
 * read beside the loop's writer). The loop submits a job and goes on; the
 * thread queues the body and wakes the loop (the wake callback, which the
 * shell maps to lws_cancel_service); report_poll() on the loop thread then
 * hands each finished job back. A job whose owner went away (the client
 * hung up) is cancelled with report_cancel() and its body dropped.
 *
 * A submitted job is held until report_release(): the hub releases the
 * jobs once the turn that stored the last statistics committed, so that a
 * report reads every ended hour. At most REPORT_QUEUE_MAX jobs wait (held
 * or queued, the one being made aside); more are refused with
 * CHAT_ERR_REPORTS_BUSY (503). A body past REPORT_BODY_MAX is not kept:
 * the job ends with CHAT_ERR_REPORT_TOO_LARGE (413).
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "plan.h"
#include "rota_report.h"

#define REPORT_QUEUE_MAX 4
#define REPORT_BODY_MAX ((size_t)64 << 20)
#define REPORT_RETRY_AFTER_S 5 /* what a refused client is told to wait */
#define REPORT_WAIT_MAX_S 300  /* how long a request may wait for its report */

struct report;
struct report_job;

enum report_kind { REPORT_STATS, REPORT_PLAN, REPORT_ROTA };

/* What to make: the buckets of [from, to) (topic "": all topics) as
 * /api/stats's JSON, or the plan of that period as /api/plan's. */
struct report_request {
    enum report_kind kind;
    time_t from, to;
    char topic[CONFIG_TOPIC_ID_MAX + 1];
    /* contract v3 §4: with scoped, only the buckets of these topics (bit i
     * = cfg->topics[i]): the asker's orgs'; without, every bucket, those of
     * topics gone from the config included (a federation admin) */
    bool scoped;
    uint32_t topics;
    char *members;             /* stats: JSON members after "buckets" (taken; may be NULL) */
    struct plan_target target; /* plan */
    bool redistribute;         /* plan */
    bool pooled;               /* plan: the pooled plan too (plan_report_pool) */
    const struct config *cfg;  /* the config it is made under (NULL: report_new's); it must
                                * outlive the job: a reloaded hub keeps its old ones */
    struct rota_request rota;  /* rota (POST /api/rota): its week's shifts as JSON */
};

/* Starts the worker over cfg (borrowed, outliving it) with its own
 * read-only connection to cfg's database; wake(arg) is called from the
 * thread. NULL when the database cannot be opened or out of memory. */
struct report *report_new(const struct config *cfg, void (*wake)(void *arg), void *arg);

/* Stops the thread and frees everything, pending jobs included. */
void report_free(struct report *r);

/* Holds a job for req (its members are taken, also on failure) for owner
 * until report_release(). 0 with *job set, CHAT_ERR_REPORTS_BUSY when
 * REPORT_QUEUE_MAX jobs wait already, or CHAT_ERR_NOMEM. */
int report_submit(struct report *r, struct report_request *req, void *owner,
                  struct report_job **job);

/* Hands the held jobs to the thread. */
void report_release(struct report *r);

/* Drops a job's owner: its body will not be delivered (and is freed). */
void report_cancel(struct report *r, struct report_job *job);

/* On the loop thread: calls done(owner, rc, body, len, arg) for each
 * finished job whose owner is still there; body (malloc'd JSON, NUL
 * terminated, NULL unless rc is 0) is the callee's. */
void report_poll(struct report *r,
                 void (*done)(void *owner, int rc, char *body, size_t len, void *arg), void *arg);

/* Makes req's body on the calling thread from st (tests; the worker runs
 * this): 0 with *body (malloc'd) and *len, or a chat_err. */
struct store;
int report_make(const struct config *cfg, struct store *st, const struct report_request *req,
                char **body, size_t *len);

#endif
