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
 * Contract v2 §5 (hour of the join for urgent and answers; hour the worker's
 * part of the chat ended for the wrap-up):
 *  urgent          accepted joins that were urgent (by an answer)
 *  alerts          alerts raised to supervisors (by a worker or by the clock)
 *  first_reply_s, first_replies  seconds from chat_started to the worker's
 *                  first message, summed, and how many
 *  wrapups, wrapup_s  wrap-ups sent and the seconds they took
 *  kind_*          wrap-ups by kind
 *  slot_s          chat-slot seconds on duty: each connected on-duty worker
 *                  adds its capacity every second (the planner's supply)
 *  helped_*, again_*  feedback answers
 *  q_QID_AID       accepted joins that gave answer AID to question QID
 *  cat_ID          wrap-ups that named category ID
 * Contract v3 §1:
 *  refused_cutoff  joins refused because the join cut-off had begun (also
 *                  counted in refused_full, so v1 sums stay right)
 * Contract v3 §7:
 *  planned_s       seconds of the hour inside shifts of the rota that were
 *                  taken (three workers' shifts over the hour = 10800),
 *                  added when the hour has ended, beside worker_s
 * Contract v3 §3 (a topic's letters; the hour of the letter or the answer):
 *  letters_received  letters written by visitors (first or later ones)
 *  letters_answered  answers sent by workers
 *  letter_answer_s   seconds from the oldest unanswered letter to its answer, summed
 *  letters_overdue   answers sent after the thread's due time
 * Contract v3 §4 (a federation; the hour of the answer):
 *  overflow_out    this topic's visitors answered by a worker of another
 *                  org (overflow_to), each time one answers
 *  overflow_in     visitors of another org answered on this topic's duty
 *                  (the answering worker's topic)
 * q_QID_AID and cat_ID are the *extra* counters: their names come from the config
 * (every question's answers, then every category, in config order) and
 * follow the fixed ones in a bucket's counts.
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
    STAT_URGENT = STAT_CHAT_H0 + 6,
    STAT_ALERTS,
    STAT_FIRST_REPLY_S,
    STAT_FIRST_REPLIES,
    STAT_WRAPUPS,
    STAT_WRAPUP_S,
    STAT_KIND_0, /* .. STAT_KIND_0 + 5, in the order of enum proto_kind */
    STAT_SLOT_S = STAT_KIND_0 + 6,
    STAT_HELPED_YES, /* then somewhat, no: in the order of enum proto_helped */
    STAT_AGAIN_YES = STAT_HELPED_YES + 3,
    STAT_AGAIN_NO,
    STAT_REFUSED_CUTOFF,   /* contract v3 §1 */
    STAT_PLANNED_S,        /* contract v3 §7 */
    STAT_LETTERS_RECEIVED, /* contract v3 §3 */
    STAT_LETTERS_ANSWERED,
    STAT_LETTER_ANSWER_S,
    STAT_LETTERS_OVERDUE,
    STAT_OVERFLOW_OUT, /* contract v3 §4 */
    STAT_OVERFLOW_IN,
    STAT_COUNT
};

#define STATS_BINS 6
#define STATS_NAME_MAX 72 /* "q_" QID "_" AID, "cat_" ID, with the NUL */
#define STATS_MAX_EXTRA (CONFIG_MAX_QUESTIONS * CONFIG_MAX_ANSWERS + CONFIG_MAX_CATEGORIES)

struct stats;

/* Column / field name of fixed counter i ("open_s", ..., "refused_cutoff"). */
const char *stats_name(int i);

/* The extra counters of cfg: their count, and the name of extra i into out
 * ("q_safe_no", "cat_school"). */
int stats_extra_count(const struct config *cfg);
void stats_extra_name(const struct config *cfg, int i, char out[STATS_NAME_MAX]);

/* The counter (for stats_add) of answer a of question q, of category c. */
int stats_answer_counter(const struct config *cfg, int q, int a);
int stats_category_counter(const struct config *cfg, int c);

/* A collector for cfg's topics, starting its time accounting at now. */
struct stats *stats_new(const struct config *cfg, time_t now);
void stats_free(struct stats *s);

/* Adds n to counter c (an enum stats_counter, or an extra counter of
 * stats_answer_counter / stats_category_counter) of topic at time t, in the
 * open batch. */
void stats_add(struct stats *s, int topic, int c, long n, time_t t);

/* How many events were counted so far (a unit of work that counted one
 * depends on its batch's commit, like one that stored something). */
long stats_events(const struct stats *s);

/* Adds a duration to its sum counter and the histogram starting at bin0. */
void stats_add_duration(struct stats *s, int topic, enum stats_counter sum, enum stats_counter bin0,
                        time_t seconds, time_t t);

/* Counts the time counters (open_s, staffing) of every topic up to t, under
 * the hours and staffing in force until now: call before the hours change. */
void stats_accrue(struct stats *s, time_t t);

/* The connected on-duty workers serving topic, and the sum of their
 * capacities (chat slots), changed to workers and slots at t. */
void stats_staffing(struct stats *s, int topic, int workers, int slots, time_t t);

/* The open batch committed (its counts are real now, and what was flushed
 * in it is stored), or failed (its counts are dropped, and what was flushed
 * in it waits for the next flush). */
void stats_batch_end(struct stats *s, bool committed);

/* A bucket as handed to the store or a report: the STAT_COUNT fixed
 * counters, then nextra named ones. */
struct stats_row {
    const char *topic;
    time_t hour;
    const long *counts; /* STAT_COUNT values */
    int nextra;
    const char *const *extra_names;
    const long *extra;
};
typedef int (*stats_put_fn)(const struct stats_row *row, void *arg);

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

/* "2026-11-23T10:00:00+02:00" (an hour or time as reports print it) to
 * the instant; -1 when malformed or not a real date. */
time_t stats_parse_iso(const char *s);

/* The local date of t as YYYY-MM-DD (stats_parse_day's text). */
#define STATS_DAY_CHARS 16
void stats_format_day(time_t t, char out[STATS_DAY_CHARS]);

/* The longest period a report over the wire may cover (contract v3 §6):
 * 400 local days, a year with its weeks around it. */
#define STATS_PERIOD_MAX_DAYS 400

/* The local days in [from, to) of two local midnights (stats_parse_day):
 * 0 or CHAT_ERR_BAD_REQUEST when to is not after from,
 * CHAT_ERR_PERIOD_TOO_LONG past STATS_PERIOD_MAX_DAYS. */
int stats_period_check(time_t from, time_t to);

/* Output formats of a report. */
enum stats_format { STATS_CSV, STATS_JSON };

/* A report: buckets added in any order (the same topic and hour summed,
 * found through a hash of both in constant time), printed by topic and
 * hour. */
struct stats_report;
struct stats_report *stats_report_new(void);
void stats_report_free(struct stats_report *r);
/* Makes the report carry cfg's extra counters (also when zero), in config
 * order; names found only in the data follow them; and each row's org
 * (contract v3 §4: JSON "org", the CSV's last column "org"; null or empty
 * for a topic cfg no longer has). 0 or CHAT_ERR_NOMEM. */
int stats_report_names(struct stats_report *r, const struct config *cfg);
/* JSON members (`"name":value,...`, kept by the caller until printed)
 * that the JSON form carries after "buckets". */
void stats_report_members(struct stats_report *r, const char *members);
/* Adds a bucket (a stats_put_fn; arg is the report). 0 or CHAT_ERR_NOMEM. */
int stats_report_add(const struct stats_row *row, void *arg);
/* Writes the buckets to out; counts below min_count (if > 0) are printed as
 * the marker "<K" (CSV) or the string "<K" (JSON). Time counters (open_s,
 * staffed_s, worker_s, slot_s) are never hidden; sums of seconds follow
 * their counts (wait_answered_s follows answered, and so on). */
int stats_report_print(struct stats_report *r, enum stats_format fmt, long min_count, FILE *out);

#endif
