/*
 * traffic: burst and paced message phases over a set of peers.
 *
 * Invariant: replied <= sent; a phase is over when every message it sent
 * has been replied to (answer or error).
 */
#include "traffic.h"

#include "loop.h"
#include "wire.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRAFFIC_TICK_S 0.001

void traffic_init(struct traffic *t, struct traffic_peer *peers, int npeers, bool echo)
{
    memset(t, 0, sizeof(*t));
    t->peers = peers;
    t->npeers = npeers;
    t->echo = echo;
    sample_init(&t->lat_ms);
}

void traffic_fini(struct traffic *t)
{
    sample_fini(&t->lat_ms);
}

static void traffic_send(struct traffic *t, struct traffic_peer *p)
{
    char buf[WIRE_MAX];
    size_t n = wire_msg(buf, sizeof(buf), p->chat, loop_now_us());
    if (n) {
        client_send(p->c, buf, n);
        t->sent++;
    }
}

void traffic_frame(struct traffic *t, const char *frame)
{
    char ref[32];
    bool is_error = !t->echo && wire_is(frame, "error");
    if (is_error) {
        char code[32] = "";
        wire_str(frame, "code", code, sizeof(code));
        t->rate_limited += strcmp(code, "rate_limited") == 0;
        if (t->errors++ < 5)
            fprintf(stderr, "loadgen: traffic: %s\n", frame);
    }
    if (!t->echo && !is_error && !wire_is(frame, "ack"))
        return; /* the other side's msg, typing, ... */
    if (!wire_str(frame, "ref", ref, sizeof(ref)))
        return;
    t->replied++;
    if (is_error)
        return;
    double now = loop_now();
    t->answered++;
    if (now <= t->t0 + t->duration)
        t->answered_in_time++;
    t->last_answer = now;
    sample_add(&t->lat_ms, (double)(loop_now_us() - strtoll(ref, NULL, 10)) / 1e3);
}

static bool traffic_all_replied(void *arg)
{
    struct traffic *t = arg;
    return t->replied >= t->sent;
}

int traffic_burst(struct traffic *t, int per_peer, double timeout, double *per_s)
{
    long answered0 = t->answered;
    sample_fini(&t->lat_ms);
    t->first_send = loop_now();
    for (int k = 0; k < per_peer; k++)
        for (int i = 0; i < t->npeers; i++)
            traffic_send(t, &t->peers[i]);
    int rc = loop_run(traffic_all_replied, NULL, t, 0, timeout);
    double took = t->last_answer - t->first_send;
    *per_s = took > 0 ? (double)(t->answered - answered0) / took : 0;
    return rc;
}

/* Tops every peer up to the window, round-robin, until the duration is over. */
static void traffic_flood_tick(void *arg)
{
    struct traffic *t = arg;
    if (loop_now() >= t->t0 + t->duration)
        return;
    long limit = t->window * t->npeers;
    while (t->sent - t->replied < limit) {
        traffic_send(t, &t->peers[t->due_sent % t->npeers]);
        t->due_sent++;
    }
}

static bool traffic_flood_done(void *arg)
{
    struct traffic *t = arg;
    return loop_now() >= t->t0 + t->duration && t->replied >= t->sent;
}

int traffic_flood(struct traffic *t, int window, double duration, double timeout, double *per_s)
{
    sample_fini(&t->lat_ms);
    t->window = window;
    t->duration = duration;
    t->due_sent = 0;
    t->answered_in_time = 0;
    t->t0 = t->first_send = loop_now();
    traffic_flood_tick(t);
    int rc =
        loop_run(traffic_flood_done, traffic_flood_tick, t, TRAFFIC_TICK_S, duration + timeout);
    *per_s = (double)t->answered_in_time / duration;
    t->duration = 0;
    return rc;
}

static void traffic_tick(void *arg)
{
    struct traffic *t = arg;
    double now = loop_now();
    double until = now < t->t0 + t->duration ? now : t->t0 + t->duration;
    long due = (long)floor((until - t->t0) * t->rate + 1e-9);
    while (t->due_sent < due) {
        traffic_send(t, &t->peers[t->due_sent % t->npeers]);
        t->due_sent++;
    }
    if (t->tick)
        t->tick(t->tick_arg);
}

static bool traffic_paced_done(void *arg)
{
    struct traffic *t = arg;
    return t->due_sent >= (long)floor(t->duration * t->rate + 1e-9) && t->replied >= t->sent;
}

int traffic_paced(struct traffic *t, double rate, double duration, double timeout,
                  void (*tick)(void *arg), void *arg)
{
    sample_fini(&t->lat_ms);
    t->rate = rate;
    t->duration = duration;
    t->due_sent = 0;
    t->tick = tick;
    t->tick_arg = arg;
    t->t0 = t->first_send = loop_now();
    int rc = loop_run(traffic_paced_done, traffic_tick, t, TRAFFIC_TICK_S, duration + timeout);
    t->tick = NULL;
    return rc;
}
