/*
 * watch: the status fan-out scenario (see watch.h).
 *
 * Invariant: during a trial, reached counts the subscribers whose last
 * status showed the trial's target count.
 */
#include "watch.h"

#include "client.h"
#include "loop.h"
#include "sample.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WATCH_TRIAL_GAP_S 0.2

struct watch;

struct watch_sub {
    struct client *c;
    struct watch *w;
    long long waiting; /* t0's waiting in the last status; -1 before the first */
};

struct watch_visitor {
    struct client *c;
    struct watch *w;
};

struct watch {
    struct watch_sub *subs;
    struct watch_visitor *vis;
    int nsubs, nvis;
    int subscribed, welcomed, closed;
    long long target;
    int reached;
    double last_reach;
    long errors;
};

static void watch_sub_event(struct client *c, enum client_event ev, const char *data, size_t len,
                            void *arg)
{
    struct watch_sub *s = arg;
    struct watch *w = s->w;
    long long waiting;
    (void)c;
    (void)len;
    if (ev == CLIENT_CLOSED) {
        w->closed++;
        return;
    }
    if (ev != CLIENT_FRAME || !wire_is(data, "status") ||
        !wire_topic_int(data, "t0", "waiting", &waiting))
        return;
    if (s->waiting < 0)
        w->subscribed++;
    if (waiting == w->target && s->waiting != w->target) {
        w->reached++;
        w->last_reach = loop_now();
    }
    s->waiting = waiting;
}

static void watch_visitor_event(struct client *c, enum client_event ev, const char *data,
                                size_t len, void *arg)
{
    struct watch_visitor *v = arg;
    (void)c;
    (void)len;
    if (ev == CLIENT_CLOSED)
        v->w->closed++;
    else if (ev == CLIENT_FRAME && wire_is(data, "welcome"))
        v->w->welcomed++;
    else if (ev == CLIENT_FRAME && wire_is(data, "error") && v->w->errors++ < 5)
        fprintf(stderr, "loadgen: watch: visitor got %s\n", data);
}

static bool watch_ready(void *arg)
{
    struct watch *w = arg;
    return (w->subscribed == w->nsubs && w->welcomed == w->nvis) || w->closed;
}

static bool watch_trial_done(void *arg)
{
    struct watch *w = arg;
    return w->reached == w->nsubs || w->closed;
}

int watch_run(const struct opts *o)
{
    struct watch w;
    struct sample ms;
    char buf[WIRE_MAX];
    bool ok = false;
    memset(&w, 0, sizeof(w));
    sample_init(&ms);
    w.nsubs = o->subs;
    w.nvis = o->trials;
    w.target = -2; /* no trial yet */
    w.subs = calloc((size_t)w.nsubs, sizeof(*w.subs));
    w.vis = calloc((size_t)w.nvis, sizeof(*w.vis));
    if (!w.subs || !w.vis)
        goto out;
    for (int i = 0; i < w.nsubs; i++) {
        w.subs[i] = (struct watch_sub){NULL, &w, -1};
        if (!(w.subs[i].c = client_new("status.v1", watch_sub_event, &w.subs[i])))
            goto out;
    }
    for (int i = 0; i < w.nvis; i++) {
        w.vis[i].w = &w;
        if (!(w.vis[i].c = client_new("visitor.v1", watch_visitor_event, &w.vis[i])))
            goto out;
        client_send(w.vis[i].c, buf, wire_hello(buf, sizeof(buf)));
    }
    if (loop_run(watch_ready, NULL, &w, 0, o->timeout) != 0 || w.closed) {
        fprintf(stderr, "loadgen: watch: %d of %d subscribed, %d of %d visitors welcomed\n",
                w.subscribed, w.nsubs, w.welcomed, w.nvis);
        goto out;
    }
    long long base = w.subs[0].waiting;
    for (int k = 0; k < w.nvis; k++) {
        loop_sleep(WATCH_TRIAL_GAP_S);
        w.target = base + k + 1;
        w.reached = 0;
        double start = loop_now();
        client_send(w.vis[k].c, buf, wire_join(buf, sizeof(buf), "t0"));
        if (loop_run(watch_trial_done, NULL, &w, 0, o->timeout) != 0 || w.closed) {
            fprintf(stderr, "loadgen: watch: trial %d reached %d of %d subscribers\n", k, w.reached,
                    w.nsubs);
            goto out;
        }
        sample_add(&ms, (w.last_reach - start) * 1e3);
    }
    ok = w.errors == 0;
out:
    sample_report("status_subs", w.subscribed);
    sample_report("status_trials", (double)ms.n);
    sample_report("status_ms_median", sample_quantile(&ms, 0.5));
    sample_report("status_ms_max", sample_max(&ms));
    sample_report("status_ok", ok);
    fprintf(stderr, "loadgen: watch: %d subscribers: median %.1f ms, max %.1f ms\n", w.subscribed,
            sample_quantile(&ms, 0.5), sample_max(&ms));
    for (int i = 0; w.subs && i < w.nsubs; i++)
        client_free(w.subs[i].c);
    for (int i = 0; w.vis && i < w.nvis; i++)
        client_free(w.vis[i].c);
    free(w.subs);
    free(w.vis);
    sample_fini(&ms);
    return ok ? 0 : -1;
}
