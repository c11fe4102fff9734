/*
 * traffic: the message generator shared by the chat and echo scenarios.
 *
 * It drives a set of peers (open connections that may send msg) in phases:
 *  burst: every peer queues per_peer messages at once; the figure is
 *         answers per second from the first send to the last answer.
 *  flood: for a number of seconds every peer keeps window messages in
 *         flight (a new one goes out as soon as an answer comes back); the
 *         figure is answers a second over that time: sustained throughput.
 *  paced: rate messages a second in all, peer after peer round-robin, so
 *         each peer sends every npeers/rate seconds and the sends are spread
 *         evenly; each answer's latency is its arrival time minus the send
 *         time the message carried in its ref.
 * An answer is chatd's ack, or for echod the echoed frame, both matched by
 * ref. Errors (rate_limited among them) are counted, never ignored.
 */
#ifndef TRAFFIC_H
#define TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "sample.h"

struct traffic_peer {
    struct client *c;
    const char *chat; /* a worker's chat id; NULL for a visitor or an echo peer */
};

struct traffic {
    struct traffic_peer *peers; /* borrowed */
    int npeers;
    bool echo;
    long sent, replied, answered, errors, rate_limited;
    struct sample lat_ms; /* the current phase's latencies */
    double first_send, last_answer;
    /* paced and flood phases */
    double rate, t0, duration;
    long window, answered_in_time;
    long due_sent;
    void (*tick)(void *arg);
    void *tick_arg;
};

void traffic_init(struct traffic *t, struct traffic_peer *peers, int npeers, bool echo);
void traffic_fini(struct traffic *t);

/* Hands the generator a frame one of its peers received. */
void traffic_frame(struct traffic *t, const char *frame);

/* The burst phase; *per_s receives answers a second. 0, or -1 on timeout. */
int traffic_burst(struct traffic *t, int per_peer, double timeout, double *per_s);

/* The flood phase: window messages in flight per peer for duration seconds,
 * then waits (up to timeout) for the last answers; *per_s receives answers a
 * second within the duration. 0, or -1 on timeout. */
int traffic_flood(struct traffic *t, int window, double duration, double timeout, double *per_s);

/* The paced phase: rate a second for duration seconds, then waits (up to
 * timeout) for the last answers; tick(arg), if given, runs every
 * millisecond alongside. Latencies are in t->lat_ms. 0, or -1 on timeout. */
int traffic_paced(struct traffic *t, double rate, double duration, double timeout,
                  void (*tick)(void *arg), void *arg);

#endif
