/*
 * stats: aggregate hourly counters per topic (contract §4 `stats`, §5).
 *
 * Nothing here identifies anyone: the hub reports events (a join, an answer
 * after N seconds, a message) and the module only adds them to the bucket of
 * (topic, local hour). There are no per-chat or per-person rows. Pure: no
 * clock, no I/O; the hub hands the buckets to the store.
 *
 * Counts follow the hub's batches (turn.h): an event counts in the open
 * batch and becomes a real count only when stats_batch_end() says the batch
 * committed; a failed batch's events did not happen. stats_flush(), which
 * chatd calls at least once a minute and at a clean stop, hands the
 * committed counts to the store's journal; if that batch fails they are
 * handed again later. A crash loses at most the last minute.
 *
 * Definitions (also in README, "Statistics"):
 *  open_s          seconds of the hour inside the topic's opening hours
 *  staffed_s       seconds with at least one connected worker on duty for it
 *  worker_s        worker-seconds on duty for it (two workers for 1 h = 7200)
 *  joins           join attempts naming the topic (accepted or refused)
 *  refused_closed  joins refused because the topic was closed
 *  refused_full    joins refused because queue_max or the join cut-off was reached
 *  queued          joins accepted into the queue
 *  answered        visitors whose wait ended with a worker (first answer only;
 *                  counted in the hour the wait ended, with wait_answered_s)
 *  abandoned       visitors who left the queue or did not come back within
 *                  the resume grace (hour the wait ended, wait_abandoned_s)
 *  chats, chat_s   conversations with a worker that ended (also by transfer: each
 *                  worker's part counts) and their summed duration (hour of the end)
 *  msgs_visitor, msgs_worker  messages stored, by side
 *  transfers       chats transferred away from the topic
 *  blocks          chats ended with a block
 *  feedback_1..5   feedback answers by score (topic of the chat)
 *  wait_answered_*, wait_abandoned_*, chat_*: histograms over minutes
 *                  [0,1) [1,5) [5,15) [15,30) [30,60) [60,inf)
 */
#ifndef STATS_H
#define STATS_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "config.h"

enum stats_counter {
    STAT_OPEN_S,
    STAT_STAFFED_S,
    STAT_WORKER_S,
    STAT_JOINS,
    STAT_REFUSED_CLOSED,
    STAT_REFUSED_FULL,
    STAT_QUEUED,
    STAT_ANSWERED,
    STAT_ABANDONED,
    STAT_WAIT_ANSWERED_S,
    STAT_WAIT_ABANDONED_S,
    STAT_CHATS,
    STAT_CHAT_S,
    STAT_MSGS_VISITOR,
    STAT_MSGS_WORKER,
    STAT_TRANSFERS,
    STAT_BLOCKS,
    STAT_FEEDBACK_1,                             /* .. STAT_FEEDBACK_1 + 4 */
    STAT_WAIT_ANSWERED_H0 = STAT_FEEDBACK_1 + 5, /* 6 bins */
    STAT_WAIT_ABANDONED_H0 = STAT_WAIT_ANSWERED_H0 + 6,
    STAT_CHAT_H0 = STAT_WAIT_ABANDONED_H0 + 6,
    STAT_COUNT = STAT_CHAT_H0 + 6
};

#define STATS_BINS 6

struct stats;

/* Column / field name of counter i ("open_s", ..., "chat_60p"). */
const char *stats_name(int i);

/* A collector for cfg's topics, starting its time accounting at now. */
struct stats *stats_new(const struct config *cfg, time_t now);
void stats_free(struct stats *s);

/* Adds n to counter c of topic at time t, in the open batch. */
void stats_add(struct stats *s, int topic, enum stats_counter c, long n, time_t t);

/* How many events were counted so far (a unit of work that counted one
 * depends on its batch's commit, like one that stored something). */
long stats_events(const struct stats *s);

/* Adds a duration to its sum counter and the histogram starting at bin0. */
void stats_add_duration(struct stats *s, int topic, enum stats_counter sum, enum stats_counter bin0,
                        time_t seconds, time_t t);

/* The number of connected on-duty workers serving topic changed to n at t. */
void stats_staffing(struct stats *s, int topic, int n, time_t t);

/* The open batch committed (its counts are real now, and what was flushed
 * in it is stored), or failed (its counts are dropped, and what was flushed
 * in it waits for the next flush). */
void stats_batch_end(struct stats *s, bool committed);

/* A bucket as handed to the store or a report. */
typedef int (*stats_put_fn)(const char *topic, time_t hour, const long *counts, int ncounts,
                            void *arg);

/* Accounts time up to now and hands put() every committed bucket not yet
 * stored; those it takes (put returns 0) are in flight until
 * stats_batch_end(). Returns the first error of put, or 0. */
int stats_flush(struct stats *s, time_t now, stats_put_fn put, void *arg);

/* Hands put() the committed counts not yet in the database (pending and in
 * flight) with hour in [from, to) and, unless topic is NULL, of topic. */
void stats_each_unstored(const struct stats *s, time_t from, time_t to, const char *topic,
                         stats_put_fn put, void *arg);

/* Local start of the hour containing t. */
time_t stats_hour_start(time_t t);

/* Local midnight of date text YYYY-MM-DD plus days; -1 when malformed
 * or not a real date. */
time_t stats_parse_day(const char *text, int plus_days);

/* Output formats of a report. */
enum stats_format { STATS_CSV, STATS_JSON };

/* A report: buckets added in any order (the same topic and hour summed),
 * printed by topic and hour. */
struct stats_report;
struct stats_report *stats_report_new(void);
void stats_report_free(struct stats_report *r);
/* Adds a bucket (a stats_put_fn; arg is the report). 0 or CHAT_ERR_NOMEM. */
int stats_report_add(const char *topic, time_t hour, const long *counts, int ncounts, void *arg);
/* Writes the buckets to out; counts below min_count (if > 0) are printed as
 * the marker "<K" (CSV) or the string "<K" (JSON). */
int stats_report_print(struct stats_report *r, enum stats_format fmt, long min_count, FILE *out);

#endif
