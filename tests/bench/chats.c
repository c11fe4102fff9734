/*
 * chats: the chat load scenario (see chats.h).
 *
 * Invariant: while measuring, every frame of every chat connection goes to
 * the traffic generator; before that, frames only advance the setup.
 */
#include "chats.h"

#include "churn.h"
#include "client.h"
#include "loop.h"
#include "staff.h"
#include "traffic.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHATS_REFILL_PER_S 5.0 /* chatd's msg bucket: 5 a second up to 30 */

struct chats;

struct chats_visitor {
    struct client *c;
    struct chats *ch;
    bool started;
};

struct chats {
    const struct opts *o;
    int n;
    struct staff *w;
    struct chats_visitor *v;
    struct traffic_peer *peers; /* visitors, then workers */
    struct traffic traffic;
    bool measuring;
    int ready, on_duty, visitors_started, workers_started, closed;
    long errors;
};

static void chats_worker_frame(struct staff *s, const char *frame, void *arg)
{
    struct chats *ch = arg;
    (void)s;
    if (ch->measuring)
        traffic_frame(&ch->traffic, frame);
    else if (wire_is(frame, "error") && ch->errors++ < 5)
        fprintf(stderr, "loadgen: chats: worker got %s\n", frame);
}

static void chats_visitor_event(struct client *c, enum client_event ev, const char *data,
                                size_t len, void *arg)
{
    struct chats_visitor *v = arg;
    struct chats *ch = v->ch;
    (void)c;
    (void)len;
    if (ev == CLIENT_CLOSED) {
        ch->closed++;
    } else if (ev == CLIENT_FRAME) {
        if (ch->measuring) {
            traffic_frame(&ch->traffic, data);
        } else if (wire_is(data, "chat_started") && !v->started) {
            v->started = true;
            ch->visitors_started++;
        } else if (wire_is(data, "error") && ch->errors++ < 5) {
            fprintf(stderr, "loadgen: chats: visitor got %s\n", data);
        }
    }
}

static bool chats_workers_settled(void *arg)
{
    struct chats *ch = arg;
    int n = 0;
    for (int i = 0; i < ch->n; i++)
        n += ch->w[i].state == STAFF_READY || ch->w[i].state == STAFF_DOWN;
    return n == ch->n;
}

static bool chats_on_duty(void *arg)
{
    struct chats *ch = arg;
    int n = 0;
    for (int i = 0; i < ch->n; i++)
        n += ch->w[i].on_duty;
    return n == ch->n;
}

static bool chats_paired(void *arg)
{
    struct chats *ch = arg;
    ch->workers_started = 0;
    for (int i = 0; i < ch->n; i++)
        ch->workers_started += ch->w[i].chat[0] != '\0';
    return (ch->visitors_started == ch->n && ch->workers_started == ch->n) || ch->closed;
}

/* Logs the workers in, puts them on duty, and pairs every one with a visitor. */
static int chats_setup(struct chats *ch)
{
    const struct opts *o = ch->o;
    char(*users)[64] = calloc((size_t)ch->n, 64), (*tokens)[128] = calloc((size_t)ch->n, 128);
    char buf[WIRE_MAX], id[16];
    int rc = -1;
    if (!users || !tokens || staff_tokens_read(o->tokens, ch->n, users, tokens) != 0)
        goto out;
    for (int i = 0; i < ch->n; i++)
        staff_open(&ch->w[i], users[i], NULL, tokens[i], chats_worker_frame, ch);
    if (loop_run(chats_workers_settled, NULL, ch, 0, o->timeout) != 0)
        goto out;
    for (int i = 0; i < ch->n; i++) {
        if (ch->w[i].state != STAFF_READY) {
            fprintf(stderr, "loadgen: chats: worker %s did not log in\n", ch->w[i].user);
            goto out;
        }
        staff_duty(&ch->w[i], o->topics, 1);
    }
    if (loop_run(chats_on_duty, NULL, ch, 0, o->timeout) != 0) {
        fprintf(stderr, "loadgen: chats: not every worker went on duty\n");
        goto out;
    }
    for (int i = 0; i < ch->n; i++) {
        struct chats_visitor *v = &ch->v[i];
        v->ch = ch;
        if (!(v->c = client_new("visitor.v1", chats_visitor_event, v)))
            goto out;
        client_send(v->c, buf, wire_hello(buf, sizeof(buf)));
        opts_topic(i % o->topics, id);
        client_send(v->c, buf, wire_join(buf, sizeof(buf), id));
    }
    if (loop_run(chats_paired, NULL, ch, 0, o->timeout) != 0 || ch->closed) {
        fprintf(stderr, "loadgen: chats: %d visitors and %d workers in chats of %d, %d closed\n",
                ch->visitors_started, ch->workers_started, ch->n, ch->closed);
        goto out;
    }
    for (int i = 0; i < ch->n; i++) {
        ch->peers[i] = (struct traffic_peer){ch->v[i].c, NULL};
        ch->peers[ch->n + i] = (struct traffic_peer){ch->w[i].c, ch->w[i].chat};
    }
    rc = 0;
out:
    free(users);
    free(tokens);
    return rc;
}

static bool chats_burst(struct chats *ch)
{
    const struct opts *o = ch->o;
    double per_s;
    long errors0 = ch->traffic.errors;
    int rc = traffic_burst(&ch->traffic, o->burst, o->timeout, &per_s);
    sample_report("chat_burst_msgs", (double)o->burst * 2 * ch->n);
    sample_report("chat_burst_msgs_s", per_s);
    sample_report("chat_burst_p50_ms", sample_quantile(&ch->traffic.lat_ms, 0.5));
    sample_report("chat_burst_max_ms", sample_max(&ch->traffic.lat_ms));
    fprintf(stderr, "loadgen: chats: burst of %ld: %.0f acked/s\n", (long)o->burst * 2 * ch->n,
            per_s);
    /* let every bucket fill up again before the paced phase */
    loop_sleep((double)o->burst / CHATS_REFILL_PER_S + 0.5);
    return rc == 0 && ch->traffic.errors == errors0;
}

static bool chats_flood(struct chats *ch)
{
    const struct opts *o = ch->o;
    double per_s;
    long errors0 = ch->traffic.errors;
    int rc = traffic_flood(&ch->traffic, o->window, o->flood, o->timeout, &per_s);
    sample_report("chat_flood_msgs_s", per_s);
    sample_report("chat_flood_p50_ms", sample_quantile(&ch->traffic.lat_ms, 0.5));
    fprintf(stderr, "loadgen: chats: %d in flight per connection for %.0f s: %.0f acked/s\n",
            o->window, o->flood, per_s);
    return rc == 0 && ch->traffic.errors == errors0;
}

static bool chats_paced(struct chats *ch)
{
    const struct opts *o = ch->o;
    struct churn churn;
    bool churning = o->logins > 0, ok = true;
    long errors0 = ch->traffic.errors, answered0 = ch->traffic.answered;
    if (churning && churn_init(&churn, o, o->logins, o->duration) != 0)
        return false;
    int rc = traffic_paced(&ch->traffic, o->rate, o->duration, o->timeout,
                           churning ? churn_tick : NULL, churning ? &churn : NULL);
    struct sample *lat = &ch->traffic.lat_ms;
    double acked = (double)(ch->traffic.answered - answered0);
    sample_report("chat_paced_msgs_s", acked / o->duration);
    sample_report("chat_paced_p50_ms", sample_quantile(lat, 0.5));
    sample_report("chat_paced_p99_ms", sample_quantile(lat, 0.99));
    sample_report("chat_paced_max_ms", sample_max(lat));
    fprintf(stderr, "loadgen: chats: paced %.0f/s: p50 %.2f ms, p99 %.2f ms, max %.1f ms\n",
            acked / o->duration, sample_quantile(lat, 0.5), sample_quantile(lat, 0.99),
            sample_max(lat));
    if (churning) {
        ok = churn_finish(&churn, o->timeout) && churn.failed == 0;
        sample_report("chat_logins", churn.done);
        sample_report("chat_logins_failed", churn.failed);
        sample_report("chat_login_p50_ms", sample_quantile(&churn.login_ms, 0.5));
        sample_report("chat_login_p99_ms", sample_quantile(&churn.login_ms, 0.99));
        fprintf(stderr, "loadgen: chats: %d logins (%d failed), p50 %.0f ms, p99 %.0f ms\n",
                churn.done, churn.failed, sample_quantile(&churn.login_ms, 0.5),
                sample_quantile(&churn.login_ms, 0.99));
        churn_fini(&churn);
    }
    return ok && rc == 0 && ch->traffic.errors == errors0;
}

int chats_run(const struct opts *o)
{
    struct chats ch;
    bool ok = false;
    memset(&ch, 0, sizeof(ch));
    ch.o = o;
    ch.n = o->chats;
    ch.w = calloc((size_t)ch.n, sizeof(*ch.w));
    ch.v = calloc((size_t)ch.n, sizeof(*ch.v));
    ch.peers = calloc(2 * (size_t)ch.n, sizeof(*ch.peers));
    traffic_init(&ch.traffic, ch.peers, 2 * ch.n, false);
    double t0 = loop_now();
    if (!ch.w || !ch.v || !ch.peers || chats_setup(&ch) != 0)
        goto out;
    sample_report("chat_setup_s", loop_now() - t0);
    ch.measuring = true;
    ok = true;
    if (o->burst > 0)
        ok = chats_burst(&ch) && ok;
    if (o->flood > 0)
        ok = chats_flood(&ch) && ok;
    if (o->duration > 0)
        ok = chats_paced(&ch) && ok;
    ok = ok && ch.closed == 0;
out:
    sample_report("chat_errors", (double)(ch.traffic.errors + ch.errors));
    sample_report("chat_rate_limited", (double)ch.traffic.rate_limited);
    sample_report("chat_ok", ok);
    for (int i = 0; ch.v && i < ch.n; i++)
        client_free(ch.v[i].c);
    for (int i = 0; ch.w && i < ch.n; i++)
        staff_fini(&ch.w[i]);
    traffic_fini(&ch.traffic);
    free(ch.w);
    free(ch.v);
    free(ch.peers);
    return ok ? 0 : -1;
}
