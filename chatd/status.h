/*
 * status: a topic's public availability (contract §3.3) and the wait
 * estimator, as pure functions of counts and time.
 *
 * State: `closed` outside hours; `full` inside hours when the queue holds
 * queue_max visitors or the join cut-off before closing has begun; else
 * `open`. The same rule decides whether a join is accepted.
 *
 * Estimated wait: a topic keeps an exponentially weighted moving average of
 * its recent chat durations (weight 0.2 for the newest). With C chat slots
 * staffed (the sum of the capacities of connected on-duty workers serving
 * the topic), a slot frees on average every avg/C seconds, so the visitor
 * at position p waits about p * avg / C. There is no estimate (null) when no
 * slot is staffed or fewer than STATUS_MIN_SAMPLES chats have ended since
 * start: a made-up number would be worse than none.
 */
#ifndef STATUS_H
#define STATUS_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "proto.h"

#define STATUS_MIN_SAMPLES 3
#define STATUS_EWMA_WEIGHT 0.2

/* A topic's service-time history. */
struct status_service {
    double avg_s;
    long samples;
};

/* What the hub knows about a topic right now. */
struct status_input {
    int waiting;
    int staffed_slots; /* 0 = nobody on duty */
    struct status_service service;
};

/* Adds one finished chat of duration seconds. */
void status_service_add(struct status_service *s, double seconds);

/* Estimated wait in seconds at position (1 = next), or -1 for "no basis". */
long status_estimate_wait(const struct status_input *in, int position);

/* Why a join at now would be refused: 0, CHAT_ERR_CLOSED or CHAT_ERR_QUEUE_FULL. */
int status_join_check(const struct config_topic *t, int waiting, time_t now);

/* Fills out for topic t; string fields point into t or static text. */
void status_compute(const struct config_topic *t, const struct status_input *in, time_t now,
                    struct proto_topic_status *out);

/* The next instant > now at which t's status can change by the clock alone
 * (opening, closing, start of the join cut-off), or -1. */
time_t status_next_change(const struct config_topic *t, time_t now);

/* "young" | "parent" | "any". */
const char *status_audience_name(enum config_audience a);

#endif
