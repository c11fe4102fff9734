/*
 * crowd: the queue and head scenarios (see crowd.h).
 *
 * Invariant: positioned counts visitors with pos > 0; during a head trial,
 * reached counts the waiting visitors whose pos equals their target.
 */
#include "crowd.h"

#include "client.h"
#include "loop.h"
#include "sample.h"
#include "staff.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CROWD_TRIAL_GAP_S 0.3 /* lets the previous trial's frames drain */

struct crowd;

struct crowd_visitor {
    struct client *c;
    struct crowd *crowd;
    int topic;
    long pos;    /* last position received; 0 before the first */
    long target; /* head trial: the position that must arrive; 0 = none */
    bool served; /* got chat_started */
};

struct crowd {
    const struct opts *o;
    struct crowd_visitor *v;
    int n;
    int welcomed, positioned, closed;
    long errors;
    int reached, must_reach; /* head trial */
    double last_reach;
    struct staff worker;
    int chats_started; /* by the worker */
};

static void crowd_visitor_frame(struct crowd *cr, struct crowd_visitor *v, const char *f)
{
    long long n;
    if (wire_is(f, "queued") && wire_int(f, "position", &n)) {
        if (!v->pos)
            cr->positioned++;
        v->pos = (long)n;
        if (v->target && v->pos == v->target) {
            v->target = 0;
            cr->reached++;
            cr->last_reach = loop_now();
        }
    } else if (wire_is(f, "welcome")) {
        cr->welcomed++;
    } else if (wire_is(f, "chat_started")) {
        v->served = true;
    } else if (wire_is(f, "error")) {
        if (cr->errors++ < 5)
            fprintf(stderr, "loadgen: visitor got %s\n", f);
    }
}

static void crowd_visitor_event(struct client *c, enum client_event ev, const char *data,
                                size_t len, void *arg)
{
    struct crowd_visitor *v = arg;
    (void)c;
    (void)len;
    if (ev == CLIENT_FRAME)
        crowd_visitor_frame(v->crowd, v, data);
    else if (ev == CLIENT_CLOSED)
        v->crowd->closed++;
}

/* Starts n visitors; visitor i joins topic i % topics. */
static int crowd_start(struct crowd *cr, int n, int topics)
{
    char buf[WIRE_MAX], id[16];
    cr->v = calloc((size_t)n, sizeof(*cr->v));
    if (!cr->v)
        return -1;
    cr->n = n;
    for (int i = 0; i < n; i++) {
        struct crowd_visitor *v = &cr->v[i];
        v->crowd = cr;
        v->topic = i % topics;
        if (!(v->c = client_new("visitor.v1", crowd_visitor_event, v)))
            return -1;
        client_send(v->c, buf, wire_hello(buf, sizeof(buf)));
        opts_topic(v->topic, id);
        client_send(v->c, buf, wire_join(buf, sizeof(buf), id));
    }
    return 0;
}

static bool crowd_all_positioned(void *arg)
{
    struct crowd *cr = arg;
    return cr->positioned + cr->closed >= cr->n;
}

/* True when the waiting visitors of topic hold exactly positions 1..count;
 * *count receives how many wait there. */
static bool crowd_positions_ok(struct crowd *cr, int topic, int *count)
{
    int waiting = 0;
    bool ok = true;
    for (int i = 0; i < cr->n; i++)
        waiting += cr->v[i].topic == topic && !cr->v[i].served;
    unsigned char *seen = calloc((size_t)waiting + 1, 1);
    if (!seen)
        return false;
    for (int i = 0; i < cr->n; i++) {
        struct crowd_visitor *v = &cr->v[i];
        if (v->topic != topic || v->served)
            continue;
        if (v->pos < 1 || v->pos > waiting || seen[v->pos]) {
            ok = false;
            break;
        }
        seen[v->pos] = 1;
    }
    free(seen);
    *count = waiting;
    return ok;
}

static void crowd_free(struct crowd *cr)
{
    for (int i = 0; cr->v && i < cr->n; i++)
        client_free(cr->v[i].c);
    free(cr->v);
    staff_fini(&cr->worker);
}

/* A one-frame status.v1 snapshot. */
struct crowd_snapshot {
    struct client *c;
    char *frame;
    bool closed;
};

static void crowd_snapshot_event(struct client *c, enum client_event ev, const char *data,
                                 size_t len, void *arg)
{
    struct crowd_snapshot *s = arg;
    (void)c;
    (void)len;
    if (ev == CLIENT_FRAME && !s->frame)
        s->frame = strdup(data);
    else if (ev == CLIENT_CLOSED)
        s->closed = true;
}

static bool crowd_snapshot_done(void *arg)
{
    struct crowd_snapshot *s = arg;
    return s->frame || s->closed;
}

/* Compares each topic's "waiting" in a fresh status frame with counts[]. */
static bool crowd_status_agrees(const struct opts *o, const int *counts)
{
    struct crowd_snapshot s = {0};
    bool ok = true;
    s.c = client_new("status.v1", crowd_snapshot_event, &s);
    if (!s.c || loop_run(crowd_snapshot_done, NULL, &s, 0, o->timeout) != 0 || !s.frame) {
        fprintf(stderr, "loadgen: no status snapshot\n");
        ok = false;
    }
    for (int t = 0; ok && t < o->topics; t++) {
        char id[16];
        long long waiting = -1;
        opts_topic(t, id);
        if (!wire_topic_int(s.frame, id, "waiting", &waiting) || waiting != counts[t]) {
            fprintf(stderr, "loadgen: status says %lld waiting in %s, visitors say %d\n", waiting,
                    id, counts[t]);
            ok = false;
        }
    }
    free(s.frame);
    client_free(s.c);
    return ok;
}

int crowd_run_queue(const struct opts *o)
{
    struct crowd cr;
    int counts[32] = {0};
    bool ok = true;
    memset(&cr, 0, sizeof(cr));
    cr.o = o;
    double t0 = loop_now();
    if (crowd_start(&cr, o->visitors, o->topics) != 0 ||
        loop_run(crowd_all_positioned, NULL, &cr, 0, o->timeout) != 0) {
        fprintf(stderr, "loadgen: queue: %d of %d visitors positioned in time\n", cr.positioned,
                o->visitors);
        ok = false;
    }
    double took = loop_now() - t0;
    if (cr.positioned != cr.n || cr.welcomed != cr.n) {
        fprintf(stderr, "loadgen: queue: %d welcomed, %d positioned, %d closed of %d\n",
                cr.welcomed, cr.positioned, cr.closed, cr.n);
        ok = false;
    }
    for (int t = 0; ok && t < o->topics; t++) {
        if (!crowd_positions_ok(&cr, t, &counts[t])) {
            fprintf(stderr, "loadgen: queue: positions in t%d are not 1..%d\n", t, counts[t]);
            ok = false;
        }
    }
    if (ok && !crowd_status_agrees(o, counts))
        ok = false;
    sample_report("queue_visitors", cr.positioned);
    sample_report("queue_setup_s", took);
    sample_report("queue_errors", (double)cr.errors);
    sample_report("queue_positions_ok", ok && !cr.errors);
    crowd_free(&cr);
    return ok && !cr.errors ? 0 : -1;
}

static void crowd_worker_frame(struct staff *s, const char *frame, void *arg)
{
    struct crowd *cr = arg;
    (void)s;
    if (wire_is(frame, "chat_started"))
        cr->chats_started++;
}

static bool crowd_worker_ready(void *arg)
{
    struct crowd *cr = arg;
    return cr->worker.state == STAFF_READY || cr->worker.state == STAFF_DOWN;
}

static bool crowd_trial_done(void *arg)
{
    struct crowd *cr = arg;
    return cr->reached >= cr->must_reach || cr->closed;
}

/* Sets every waiting visitor's target to its position minus one. */
static void crowd_arm_trial(struct crowd *cr)
{
    cr->reached = cr->must_reach = 0;
    for (int i = 0; i < cr->n; i++) {
        struct crowd_visitor *v = &cr->v[i];
        v->target = 0;
        if (!v->served && v->pos > 1) {
            v->target = v->pos - 1;
            cr->must_reach++;
        }
    }
}

int crowd_run_head(const struct opts *o)
{
    struct crowd cr;
    char users[1][64], tokens[1][128], buf[WIRE_MAX];
    struct sample ms;
    int count = 0;
    bool ok = false;
    memset(&cr, 0, sizeof(cr));
    cr.o = o;
    sample_init(&ms);
    if (staff_tokens_read(o->tokens, 1, users, tokens) != 0 ||
        staff_open(&cr.worker, users[0], NULL, tokens[0], crowd_worker_frame, &cr) != 0 ||
        loop_run(crowd_worker_ready, NULL, &cr, 0, o->timeout) != 0 ||
        cr.worker.state != STAFF_READY) {
        fprintf(stderr, "loadgen: head: the worker could not log in\n");
        goto out;
    }
    double t0 = loop_now();
    if (crowd_start(&cr, o->visitors, 1) != 0 ||
        loop_run(crowd_all_positioned, NULL, &cr, 0, o->timeout) != 0 || cr.closed ||
        !crowd_positions_ok(&cr, 0, &count) || count != o->visitors) {
        fprintf(stderr, "loadgen: head: the queue did not form (%d positioned, %d closed)\n",
                cr.positioned, cr.closed);
        goto out;
    }
    sample_report("head_setup_s", loop_now() - t0);
    for (int k = 0; k < o->trials; k++) {
        loop_sleep(CROWD_TRIAL_GAP_S);
        crowd_arm_trial(&cr);
        int started = cr.chats_started;
        double start = loop_now();
        if (k == 0)
            staff_duty(&cr.worker, 1, 1);
        else
            client_send(cr.worker.c, buf, wire_end(buf, sizeof(buf), cr.worker.chat));
        if (loop_run(crowd_trial_done, NULL, &cr, 0, o->timeout) != 0 || cr.closed) {
            fprintf(stderr, "loadgen: head: trial %d: %d of %d visitors moved up\n", k, cr.reached,
                    cr.must_reach);
            goto out;
        }
        sample_add(&ms, (cr.last_reach - start) * 1e3);
        fprintf(stderr, "loadgen: head: trial %d: %d visitors moved up in %.1f ms\n", k,
                cr.must_reach, (cr.last_reach - start) * 1e3);
        /* the worker's chat_started may trail the visitors' updates */
        while (cr.chats_started == started && loop_now() - start < o->timeout)
            loop_sleep(0.01);
    }
    loop_sleep(CROWD_TRIAL_GAP_S);
    if (!crowd_positions_ok(&cr, 0, &count) || count != o->visitors - o->trials) {
        fprintf(stderr, "loadgen: head: positions are not 1..%d after the trials\n", count);
        goto out;
    }
    ok = cr.errors == 0;
out:
    sample_report("head_trials", (double)ms.n);
    sample_report("head_ms_median", sample_quantile(&ms, 0.5));
    sample_report("head_ms_max", sample_max(&ms));
    sample_report("head_ok", ok);
    sample_fini(&ms);
    crowd_free(&cr);
    return ok ? 0 : -1;
}
