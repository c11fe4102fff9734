/*
 * server_int: what server.c (WebSocket, loop) and server_http.c (HTTP
 * routes) share: the server's state and the per-request session. Private to
 * the shell.
 */
#ifndef SERVER_INT_H
#define SERVER_INT_H

#include "server.h"

#include "clock.h"
#include "keepalive.h"
#include "sources.h"

#include <libwebsockets.h>
#include <ev.h>
#include <signal.h>
#include <time.h>

#define HTTP_BODY_MAX (1u << 20)

struct server {
    const struct config *cfg;
    struct lws_context *ctx;
    struct lws_vhost *vh;
    struct hub *hub;
    volatile sig_atomic_t stop;
    volatile sig_atomic_t *reload; /* set by SIGHUP: load the key and the config again */
    bool reload_pending;           /* the config is to be taken over after a commit */
    lws_sorted_usec_list_t sul;
    double sul_at;             /* when the armed timer fires, 0 if none */
    double tick_at;            /* the hub's next deadline */
    struct sources *sources;   /* connections per source address (keyed hashes) */
    int reserve_fd;            /* /dev/null, held to be given back when accept() finds no
                                * descriptor (then -1 until one is free again) */
    time_t reserve_said;       /* when giving it back was last said on stderr */
    const struct langs *langs; /* the pages' languages (GET /api/langs) */
    bool test_clock;           /* GET /test/clock is served (CHATD_TEST_CLOCK=1) */
    char csp[1024];            /* the content-security-policy header */
    struct lws_protocol_vhost_options headers[5];
    struct keepalive ka;        /* WebSockets to ping or hang up (keepalive.h) */
    lws_retry_bo_t no_validity; /* all zero: no lws validity timers */
    struct ev_loop *loop;       /* the libev (epoll) loop, or NULL: lws's poll() */
    ev_prepare after_events;    /* with loop: runs the turn's end */
    ev_timer timer;             /* with loop: the timer (lws's sul would not wake it) */
    /* Where frames are copied for lws_write (which needs LWS_PRE bytes in
     * front): one buffer for every connection, as one thread writes them
     * and lws keeps what a socket does not take at once. A buffer per
     * connection cost each idle status subscriber a status's size. */
    unsigned char *tx;
    size_t txcap;
};

/* Per HTTP request with a generated body. A report (/api/stats,
 * /api/plan) is made off the loop: while job is set the request waits
 * without an answer; when it is done, ready says so and rc (0: body) holds
 * its result until WRITEABLE sends it. The body leaves in pieces from
 * sent on. */
struct report_job;
struct http_session {
    char *body;
    size_t len, sent;
    struct report_job *job;
    bool ready;
    int rc;
    /* /api/hours: the job it waits for, the POST body so far, and the
     * answer's status once it is ready (0: not an hours answer) */
    struct hours_job *hours_job;
    bool hours_post; /* a POST /api/hours whose body is being read (rota_post: /api/rota) */
    char *post;
    size_t post_len;
    int status;
    /* POST /api/rota (its body in post): whether the made rota is to be
     * published when it comes back (contract v3 §7) */
    bool rota_post, rota_publish;
    bool rota_wait; /* its answer (body) waits for the commit that stores it */
};

/* The hub's time: real time, or what a test made of it (clock.h). */
static inline double now_s(void)
{
    return clock_now();
}

static inline struct server *server_of(struct lws *wsi)
{
    return lws_context_user(lws_get_context(wsi));
}

/* The ?org= of a request (/ws or GET /api/status, contract v3 §4) in buf,
 * or NULL when it has none; one too long for buf is "" (server_http.c). */
const char *server_org_arg(struct lws *wsi, char *buf, int size);

/* The "http" protocol's callback: routes, generated bodies, the loop's
 * wake-ups and the per-source admission of new connections. */
int server_callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len);

#endif
