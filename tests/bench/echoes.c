/*
 * echoes: the echo scenario (see echoes.h).
 */
#include "echoes.h"

#include "client.h"
#include "loop.h"
#include "traffic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct echoes {
    struct traffic traffic;
    struct traffic_peer *peers;
    int n, open, closed;
};

static void echoes_event(struct client *c, enum client_event ev, const char *data, size_t len,
                         void *arg)
{
    struct echoes *e = arg;
    (void)c;
    (void)len;
    if (ev == CLIENT_OPEN)
        e->open++;
    else if (ev == CLIENT_CLOSED)
        e->closed++;
    else
        traffic_frame(&e->traffic, data);
}

static bool echoes_connected(void *arg)
{
    struct echoes *e = arg;
    return e->open + e->closed >= e->n;
}

int echoes_run(const struct opts *o)
{
    struct echoes e;
    bool ok = false;
    memset(&e, 0, sizeof(e));
    e.n = o->conns;
    e.peers = calloc((size_t)e.n, sizeof(*e.peers));
    traffic_init(&e.traffic, e.peers, e.n, true);
    if (!e.peers)
        goto out;
    for (int i = 0; i < e.n; i++)
        if (!(e.peers[i].c = client_new("echo", echoes_event, &e)))
            goto out;
    if (loop_run(echoes_connected, NULL, &e, 0, o->timeout) != 0 || e.closed) {
        fprintf(stderr, "loadgen: echo: %d of %d connected\n", e.open, e.n);
        goto out;
    }
    ok = true;
    if (o->burst > 0) {
        double per_s;
        ok = traffic_burst(&e.traffic, o->burst, o->timeout, &per_s) == 0 && ok;
        sample_report("echo_burst_msgs", (double)o->burst * e.n);
        sample_report("echo_burst_msgs_s", per_s);
        sample_report("echo_burst_p50_ms", sample_quantile(&e.traffic.lat_ms, 0.5));
        sample_report("echo_burst_max_ms", sample_max(&e.traffic.lat_ms));
        fprintf(stderr, "loadgen: echo: burst of %ld: %.0f answers/s\n", (long)o->burst * e.n,
                per_s);
    }
    if (o->flood > 0) {
        double per_s;
        ok = traffic_flood(&e.traffic, o->window, o->flood, o->timeout, &per_s) == 0 && ok;
        sample_report("echo_flood_msgs_s", per_s);
        sample_report("echo_flood_p50_ms", sample_quantile(&e.traffic.lat_ms, 0.5));
        fprintf(stderr, "loadgen: echo: %d in flight per connection for %.0f s: %.0f answers/s\n",
                o->window, o->flood, per_s);
    }
    if (o->duration > 0) {
        long answered0 = e.traffic.answered;
        ok = traffic_paced(&e.traffic, o->rate, o->duration, o->timeout, NULL, NULL) == 0 && ok;
        struct sample *lat = &e.traffic.lat_ms;
        sample_report("echo_paced_msgs_s", (double)(e.traffic.answered - answered0) / o->duration);
        sample_report("echo_paced_p50_ms", sample_quantile(lat, 0.5));
        sample_report("echo_paced_p99_ms", sample_quantile(lat, 0.99));
        sample_report("echo_paced_max_ms", sample_max(lat));
        fprintf(stderr, "loadgen: echo: paced: p50 %.2f ms, p99 %.2f ms\n",
                sample_quantile(lat, 0.5), sample_quantile(lat, 0.99));
    }
    ok = ok && e.closed == 0;
out:
    sample_report("echo_ok", ok);
    for (int i = 0; e.peers && i < e.n; i++)
        client_free(e.peers[i].c);
    traffic_fini(&e.traffic);
    free(e.peers);
    return ok ? 0 : -1;
}
