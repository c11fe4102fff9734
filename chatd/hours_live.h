/*
 * hours_live: chatd's hours worker, which keeps the exceptions to the
 * topics' weeks (hours.h) in step with the database off the event loop.
 *
 * One thread with its own connection (it may wait for the write lock; the
 * loop never does) runs the requests of /api/hours (list, add, delete) and,
 * every HOURS_LIVE_POLL_S seconds, reads the version of the exceptions (the
 * last audit id: one indexed read). When the version moved (chatadmin, or a
 * request of its own) it reads the exceptions dated from the day the loop
 * last gave (hours_live_set_from) and the new audit lines, and wakes the
 * loop. A request's answer is delivered after the snapshot it caused, so a
 * client that is told "stored" finds the new hours in /api/status at once.
 *
 * Ownership: a job belongs to the worker from submit to its delivery by
 * hours_live_poll (or its cancel); snapshots and audit lines handed to the
 * loop's callbacks are the worker's and valid during the call only.
 */
#ifndef HOURS_LIVE_H
#define HOURS_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "hours.h"

#define HOURS_LIVE_POLL_S 1.0 /* a change by chatadmin is seen within about this */
#define HOURS_LIVE_QUEUE_MAX 16

struct hours_live;
struct hours_job;

enum hours_job_kind { HOURS_JOB_LIST, HOURS_JOB_ADD, HOURS_JOB_DEL };

struct hours_request {
    enum hours_job_kind kind;
    char topic[CONFIG_TOPIC_ID_MAX + 1]; /* list: "" for all */
    struct hours_exception add;          /* add */
    int64_t id;                          /* del */
    char by[HOURS_BY_MAX];               /* add, del: the account's name */
    struct hours_scope scope;            /* list, del: the topics the asker sees */
    time_t now;                          /* the loop's clock when asked */
};

/* What a job came to: rc 0 or a chat_err; list: items[0..n); add: the
 * stored exception in items[0] (and replaced: the id it replaced); del: the
 * deleted one in items[0]. */
struct hours_result {
    int rc;
    struct hours_exception *items;
    size_t n;
    int64_t replaced;
};

/* Starts the worker on data_dir's database (migrated already); wake(arg) is
 * called from the thread when something is ready. NULL when the database
 * cannot be opened or out of memory. The first snapshot is read before it
 * returns (hours_live_poll hands it over). */
struct hours_live *hours_live_new(const char *data_dir, const struct schedule_date *from,
                                  void (*wake)(void *arg), void *arg);

/* Stops the thread and frees everything, jobs included. */
void hours_live_free(struct hours_live *l);

/* The exceptions of snapshots are dated from this day on (the loop moves it
 * at midnight; no new snapshot is made for it alone). */
void hours_live_set_from(struct hours_live *l, const struct schedule_date *from);

/* Queues req for owner: 0 with *job, CHAT_ERR_REPORTS_BUSY when
 * HOURS_LIVE_QUEUE_MAX wait, or CHAT_ERR_NOMEM. */
int hours_live_submit(struct hours_live *l, const struct hours_request *req, void *owner,
                      struct hours_job **job);

/* owner went away: the job's result is dropped. */
void hours_live_cancel(struct hours_live *l, struct hours_job *job);

/* On the loop thread: when a new snapshot was read, changed(all, n, arg)
 * with every exception from the day set on, and audit(line, arg) for each
 * new audit line (not those from before the start); then done(owner,
 * result, arg) for each finished job still owned. */
struct hours_live_calls {
    void (*changed)(const struct hours_exception *all, size_t n, void *arg);
    void (*audit)(const char *line, void *arg);
    void (*done)(void *owner, const struct hours_request *req, const struct hours_result *res,
                 void *arg);
    void *arg;
};
void hours_live_poll(struct hours_live *l, const struct hours_live_calls *calls);

#endif
