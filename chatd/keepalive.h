/*
 * keepalive: which WebSocket connections to ping and which to hang up,
 * in O(1) a connection.
 *
 * A connection silent for ping_s is pinged; one still silent at idle_s is
 * hung up. Anything received (a frame, a pong) counts as heard from.
 *
 * lws's own validity timers (retry_and_idle_policy) keep one sorted list of
 * every connection and insert by walking it, so each pong cost O(n): with
 * 18,000 status subscribers a round of pings took seconds of the loop. Here
 * the times all run by the same two durations, so two lists ordered by when
 * a connection was last heard from are enough: hearing moves it to the tail.
 *
 * Invariants: each node is on at most one list; on both lists `heard` never
 * decreases from head to tail; `pinged` holds those that were sent a ping
 * and have not been heard from since. No clock, no I/O: the caller passes
 * the time and acts on what ka_sweep reports.
 */
#ifndef KEEPALIVE_H
#define KEEPALIVE_H

#include <stdbool.h>

struct ka_node {
    struct ka_node *prev, *next;
    struct ka_list *on; /* NULL when on no list */
    double heard;       /* when last heard from */
};

struct ka_list {
    struct ka_node *head, *tail;
};

struct keepalive {
    double ping_s, idle_s; /* 0 < ping_s < idle_s */
    struct ka_list quiet;  /* not pinged, by heard */
    struct ka_list pinged; /* pinged, by heard */
};

void ka_init(struct keepalive *k, double ping_s, double idle_s);

/* n was heard from at now (also: a new connection). */
void ka_heard(struct keepalive *k, struct ka_node *n, double now);

/* Takes n off its list (a closed connection). */
void ka_remove(struct ka_node *n);

/* What is due at now: ping(n, arg) for each connection silent for ping_s
 * (once until it is heard from again), hangup(n, arg) for each silent for
 * idle_s (n is removed first). */
void ka_sweep(struct keepalive *k, double now, void (*ping)(struct ka_node *, void *),
              void (*hangup)(struct ka_node *, void *), void *arg);

/* When ka_sweep next has something to do; -1 when nothing is connected. */
double ka_next_due(const struct keepalive *k);

#endif
