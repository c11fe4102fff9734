/*
 * server: the WebSocket callbacks and the event loop (the HTTP routes are
 * in server_http.c; the two share server_int.h).
 *
 * These are the only files that know about sockets. They turn lws events into
 * hub calls: a connection opening, a complete text frame, a close, a wake-up
 * from the password verifier, a timer. After every loop turn it calls
 * hub_turn_end(), which commits the turn's storage and releases the replies;
 * replies then go out on WRITEABLE callbacks, as many as the socket takes.
 *
 * Handshakes are checked before any protocol state exists: path /ws, exactly
 * one known subprotocol, and an Origin (if sent) from the allowed list.
 */
#include "server_int.h"

#include "auth.h"
#include "keepalive.h"
#include "langs.h"
#include "reload.h"
#include "sources.h"

#include <libwebsockets.h>
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum proto_index { P_HTTP, P_VISITOR, P_WORKER, P_STATUS };

/* Per WebSocket connection. */
struct ws_session {
    struct conn conn;
    char *rx;
    size_t rxlen;
    bool rx_discard; /* rest of an oversized or binary message is dropped */
    bool rx_binary;
    bool refused; /* over max_conns_per_source: closing, never seen by the hub */
    bool ping;    /* a ping is to be written */
    struct ka_node ka;
};

/* ---- WebSocket ---------------------------------------------------------- */

static bool handshake_ok(struct lws *wsi, enum proto_role role, const char *name)
{
    struct server *s = server_of(wsi);
    char buf[CONFIG_ORIGIN_MAX + 1];
    if (lws_hdr_copy(wsi, buf, sizeof(buf), WSI_TOKEN_GET_URI) <= 0 || strcmp(buf, "/ws") != 0)
        return false;
    if (lws_hdr_copy(wsi, buf, sizeof(buf), WSI_TOKEN_PROTOCOL) <= 0 || strcmp(buf, name) != 0)
        return false; /* exactly one subprotocol, ours */
    int n = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
    if (n <= 0)
        return true; /* not a browser: the protocol's own auth decides */
    /* lws keeps each Origin line as a fragment and copies them joined by
     * commas: more than one line is a disallowed origin, whatever they say */
    if (n != lws_hdr_fragment_length(wsi, WSI_TOKEN_ORIGIN, 0))
        return false;
    if (n > CONFIG_ORIGIN_MAX || lws_hdr_copy(wsi, buf, sizeof(buf), WSI_TOKEN_ORIGIN) <= 0)
        return false;
    return role == PROTO_WORKER ? config_worker_origin_ok(s->cfg, buf)
                                : config_public_origin_ok(s->cfg, buf);
}

static void ws_rx(struct lws *wsi, struct ws_session *ss, const char *in, size_t len)
{
    struct server *s = server_of(wsi);
    bool first = lws_is_first_fragment(wsi), final = lws_is_final_fragment(wsi);
    if (first) {
        ss->rxlen = 0;
        ss->rx_discard = false;
        ss->rx_binary = lws_frame_is_binary(wsi);
    }
    if (!ss->rx_discard && !ss->rx_binary) {
        /* a letter's frame holds two boxes (proto_letters.h) */
        size_t max = (size_t)s->cfg->max_message_bytes;
        if (s->cfg->letters_on && ss->conn.role != PROTO_STATUS && max < PROTO_LETTER_FRAME_MAX)
            max = PROTO_LETTER_FRAME_MAX;
        if (ss->rxlen + len > max) {
            ss->rx_discard = true;
            conn_send(&ss->conn, proto_error(CHAT_ERR_TOO_LARGE, NULL, NULL));
            conn_close(&ss->conn, 1009);
        } else {
            char *nb = realloc(ss->rx, ss->rxlen + len + 1);
            if (!nb) {
                ss->rx_discard = true;
                conn_close(&ss->conn, 1011);
            } else {
                ss->rx = nb;
                memcpy(ss->rx + ss->rxlen, in, len);
                ss->rxlen += len;
            }
        }
    }
    if (!final)
        return;
    if (ss->rx_binary)
        conn_send(&ss->conn, proto_error(CHAT_ERR_BAD_REQUEST, NULL, NULL));
    else if (!ss->rx_discard)
        hub_conn_frame(s->hub, &ss->conn, ss->rx, ss->rxlen, now_s());
    if (ss->conn.role == PROTO_WORKER && ss->rx) /* it may have held a password */
        sodium_memzero(ss->rx, ss->rxlen);
    ss->rxlen = 0;
}

/* s->tx with room for len bytes after LWS_PRE, or NULL. */
static unsigned char *tx_room(struct server *s, size_t len)
{
    if (LWS_PRE + len > s->txcap) {
        unsigned char *nb = realloc(s->tx, LWS_PRE + len);
        if (!nb)
            return NULL;
        s->tx = nb;
        s->txcap = LWS_PRE + len;
    }
    return s->tx;
}

static int ws_writeable(struct lws *wsi, struct ws_session *ss, struct server *s)
{
    struct frame *f;
    if (ss->ping) {
        ss->ping = false;
        /* not empty: lws 4.1 passes an empty pong to no callback */
        if (!tx_room(s, 1))
            return -1;
        s->tx[LWS_PRE] = 'k';
        if (lws_write(wsi, s->tx + LWS_PRE, 1, LWS_WRITE_PING) < 0)
            return -1;
    }
    while ((f = conn_next_frame(&ss->conn))) {
        if (!tx_room(s, f->len)) {
            conn_frame_free(f);
            return -1;
        }
        memcpy(s->tx + LWS_PRE, f->data, f->len);
        int n = lws_write(wsi, s->tx + LWS_PRE, f->len, LWS_WRITE_TEXT);
        conn_frame_free(f);
        if (n < 0)
            return -1;
        if (!ss->conn.ready.head && !ss->conn.close_code)
            break; /* the usual case: one frame, and no poll() to ask */
        if (lws_send_pipe_choked(wsi)) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    if (ss->conn.close_code) {
        lws_close_reason(wsi, (enum lws_close_status)ss->conn.close_code, NULL, 0);
        return -1;
    }
    return 0;
}

static int callback_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len)
{
    struct ws_session *ss = user;
    struct server *s = server_of(wsi);
    const struct lws_protocols *p = lws_get_protocol(wsi);
    enum proto_role role = (enum proto_role)p->id;

    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return handshake_ok(wsi, role, p->name) ? 0 : -1;
    case LWS_CALLBACK_ESTABLISHED:
        memset(ss, 0, sizeof(*ss));
        conn_init(&ss->conn, hub_conns(s->hub), role, wsi);
        ka_heard(&s->ka, &ss->ka, now_s());
        ss->conn.source = sources_of(s->sources, wsi);
        if (sources_ws_count(s->sources, ss->conn.source, 1) > sources_ws_cap(s->sources) &&
            sources_ws_cap(s->sources) > 0) {
            conn_send(&ss->conn, proto_error(CHAT_ERR_RATE_LIMITED, NULL, NULL));
            conn_close(&ss->conn, 1008);
            ss->refused = true;
            break;
        }
        if (role != PROTO_WORKER) { /* the org whose topics it is shown */
            char org[CONFIG_ORG_ID_MAX + 8];
            hub_conn_org(s->hub, &ss->conn, server_org_arg(wsi, org, (int)sizeof(org)));
        }
        hub_conn_open(s->hub, &ss->conn, now_s());
        break;
    case LWS_CALLBACK_RECEIVE_PONG:
        ka_heard(&s->ka, &ss->ka, now_s());
        break;
    case LWS_CALLBACK_RECEIVE:
        ka_heard(&s->ka, &ss->ka, now_s());
        if (!ss->refused)
            ws_rx(wsi, ss, in, len);
        break;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return ws_writeable(wsi, ss, s);
    case LWS_CALLBACK_CLOSED:
        ka_remove(&ss->ka);
        sources_ws_count(s->sources, ss->conn.source, -1);
        if (!ss->refused)
            hub_conn_closed(s->hub, &ss->conn, now_s());
        conn_fini(&ss->conn);
        free(ss->rx);
        ss->rx = NULL;
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols protocols[] = {
    {"http", server_callback_http, sizeof(struct http_session), 0, P_HTTP, NULL, 0},
    {"visitor.v1", callback_ws, sizeof(struct ws_session), 4096, PROTO_VISITOR, NULL, 0},
    {"worker.v1", callback_ws, sizeof(struct ws_session), 4096, PROTO_WORKER, NULL, 0},
    /* a subscriber sends little (a ping): its receive buffer, which lws keeps
     * per connection, stays small; longer frames still arrive in pieces.
     * Sends are not cut to it (tx_packet_size would default to it). */
    {"status.v1", callback_ws, sizeof(struct ws_session), 256, PROTO_STATUS, NULL, 4096},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ---- loop ----------------------------------------------------------------- */

/* The headers of every response: CSP (pages talk only to this daemon: its
 * own origin, and under TLS the allowed origins as wss://), no referrer,
 * no sniffing, no camera; HSTS under TLS. */
static void set_headers(struct server *s)
{
    const struct config *cfg = s->cfg;
    size_t n = (size_t)snprintf(s->csp, sizeof(s->csp),
                                "default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self'");
    for (size_t i = 0; cfg->tls_cert[0] && i < cfg->nallowed_origins && n < sizeof(s->csp); i++)
        if (strncmp(cfg->allowed_origins[i], "https://", 8) == 0)
            n += (size_t)snprintf(s->csp + n, sizeof(s->csp) - n, " wss://%s",
                                  cfg->allowed_origins[i] + 8);
    if (n < sizeof(s->csp))
        snprintf(s->csp + n, sizeof(s->csp) - n,
                 "; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    struct lws_protocol_vhost_options *h = s->headers;
    h[0] = (struct lws_protocol_vhost_options){&h[1], NULL, "content-security-policy:", s->csp};
    h[1] = (struct lws_protocol_vhost_options){&h[2], NULL, "referrer-policy:", "no-referrer"};
    h[2] = (struct lws_protocol_vhost_options){&h[3], NULL, "x-content-type-options:", "nosniff"};
    h[3] = (struct lws_protocol_vhost_options){
        cfg->tls_cert[0] ? &h[4] : NULL, NULL,
        "permissions-policy:", "camera=(), microphone=(), geolocation=()"};
    h[4] = (struct lws_protocol_vhost_options){NULL, NULL,
                                               "strict-transport-security:", "max-age=31536000"};
}

static const struct lws_protocol_vhost_options mimetypes[] = {
    {&mimetypes[1], NULL, ".svg", "image/svg+xml"},
    {&mimetypes[2], NULL, ".json", "application/json"},
    {&mimetypes[3], NULL, ".ico", "image/x-icon"},
    {NULL, NULL, ".webmanifest", "application/manifest+json"},
};

static struct lws_http_mount mounts[5];

/* /healthz, /api and /metrics go to server_callback_http; the rest are files.
 * /test (GET /test/clock) only with the test clock: otherwise a file path. */
static void set_mounts(const struct config *cfg, bool test_clock)
{
    memset(mounts, 0, sizeof(mounts));
    mounts[0] = (struct lws_http_mount){.mountpoint = "/healthz",
                                        .mountpoint_len = 8,
                                        .origin = "http",
                                        .origin_protocol = LWSMPRO_CALLBACK,
                                        .mount_next = &mounts[1]};
    mounts[1] = (struct lws_http_mount){.mountpoint = "/api",
                                        .mountpoint_len = 4,
                                        .origin = "http",
                                        .origin_protocol = LWSMPRO_CALLBACK,
                                        .mount_next = &mounts[3]};
    mounts[3] = (struct lws_http_mount){.mountpoint = "/metrics",
                                        .mountpoint_len = 8,
                                        .origin = "http",
                                        .origin_protocol = LWSMPRO_CALLBACK,
                                        .mount_next = &mounts[2]};
    mounts[2] = (struct lws_http_mount){.mountpoint = "/",
                                        .mountpoint_len = 1,
                                        .origin = cfg->web_root,
                                        .def = "index.html",
                                        .origin_protocol = LWSMPRO_FILE,
                                        .extra_mimetypes = mimetypes};
    if (test_clock) {
        mounts[4] = (struct lws_http_mount){.mountpoint = "/test",
                                            .mountpoint_len = 5,
                                            .origin = "http",
                                            .origin_protocol = LWSMPRO_CALLBACK,
                                            .mount_next = mounts[0].mount_next};
        mounts[0].mount_next = &mounts[4];
    }
}

/* The errno of the last accept() that failed, told by lws's error line
 * (lws 4.1 says nothing else: rops_handle_POLLIN_listen logs it and leaves
 * the listening socket readable), 0 once handled. See fds_after_events(). */
static int accept_errno;

/* lws's error lines, at most LOG_BURST per LOG_WINDOW_S seconds: a flood of
 * the same failure must not fill the disk or the journal; what was held
 * back is counted. */
#define LOG_BURST 20
#define LOG_WINDOW_S 10
static void log_limited(int level, const char *line)
{
    static time_t window;
    static long said, held;
    time_t now = time(NULL);
    (void)level;
    if (strncmp(line, "accept: errno ", 14) == 0) {
        long err = strtol(line + 14, NULL, 10);
        accept_errno = err > 0 && err < INT_MAX ? (int)err : EIO;
    }
    if (now - window >= LOG_WINDOW_S) {
        if (held)
            fprintf(stderr, "chatd: (%ld more libwebsockets errors in %d s not shown)\n", held,
                    LOG_WINDOW_S);
        window = now;
        said = held = 0;
    }
    if (said++ < LOG_BURST)
        fprintf(stderr, "chatd: lws: %s", line);
    else
        held++;
}

/* ---- descriptors ---------------------------------------------------------- */

/* The connection budget for this process's descriptor limit (fdbudget.h),
 * into *b; -1 (said on stderr) when the limit is too small to serve.
 *
 * Not lws's info.fd_limit_per_thread: below the process limit, lws 4.1
 * gives up its fd-indexed table for one it searches from the start at every
 * event (plat/unix/unix-fds.c, max_fds_unrelated_to_ulimit), which 100,000
 * status subscribers could not afford. lws's own table stays as large as
 * the limit; the budget is kept at accept (sources_tcp_admit). */
static int fds_budget(const struct config *cfg, struct fdbudget *b)
{
    struct rlimit rl;
    long nofile = LONG_MAX;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)LONG_MAX)
        nofile = (long)rl.rlim_cur;
    *b = fdbudget_of(nofile, cfg->max_conns_per_source);
    if (b->conns < FDBUDGET_MIN_CONNS) {
        fprintf(stderr,
                "chatd: only %ld file descriptors (ulimit -n); chatd keeps %d for itself and "
                "needs room for %d connections: raise the limit to at least %d\n",
                nofile, FDBUDGET_RESERVE, FDBUDGET_MIN_CONNS,
                FDBUDGET_RESERVE + FDBUDGET_MIN_CONNS);
        return -1;
    }
    if (cfg->max_conns_per_source > 0 && b->tcp_per_source < 2L * cfg->max_conns_per_source)
        fprintf(stderr,
                "chatd: %ld file descriptors (ulimit -n): at most %ld connections, %ld TCP "
                "connections and %ld WebSockets from one address\n",
                nofile, b->conns, b->tcp_per_source, b->ws_per_source);
    return 0;
}

/* After a loop turn: when accept() failed for want of a descriptor, the
 * reserve is given back and every new connection refused (accepted, which
 * the freed descriptor allows, and closed at once) until the reserve can be
 * taken again. Without it lws would try the same accept() on every turn: a
 * busy loop. The budget keeps this rare: it leaves FDBUDGET_RESERVE
 * descriptors free; chatd's own files beyond them, or a system out of files
 * (ENFILE), come here. */
static void fds_after_events(struct server *s)
{
    if (accept_errno) {
        int err = accept_errno;
        accept_errno = 0;
        /* others (ECONNABORTED: a client gone before accept) pass by themselves */
        if ((err == EMFILE || err == ENFILE) && s->reserve_fd >= 0) {
            close(s->reserve_fd);
            s->reserve_fd = -1;
            sources_refuse_all(s->sources, true);
            time_t now = time(NULL);
            if (now - s->reserve_said >= LOG_WINDOW_S) { /* once a window, not per connection */
                s->reserve_said = now;
                fprintf(stderr,
                        "chatd: accept: %s: new connections are refused while no file "
                        "descriptor is free\n",
                        strerror(err));
            }
        }
        return; /* the refused connections go on the next turn */
    }
    if (s->reserve_fd < 0 && (s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
        sources_refuse_all(s->sources, false);
}

/* The lws context on an epoll loop (libev, lws's evlib_ev plugin): poll()
 * scans every descriptor on each wake, which at thousands of idle status
 * subscribers is most of the loop's time. CHATD_EVENT_LOOP=poll (or a
 * missing plugin) keeps lws's own poll() loop. */
static struct lws_context *create_context(struct server *s, struct lws_context_creation_info *info)
{
    const char *want = getenv("CHATD_EVENT_LOOP");
    if (!want || strcmp(want, "poll") != 0) {
        s->loop = ev_loop_new(EVBACKEND_EPOLL);
        if (s->loop) {
            void *loops[1] = {s->loop};
            struct lws_context_creation_info ev = *info;
            ev.options |= LWS_SERVER_OPTION_LIBEV;
            ev.foreign_loops = loops;
            struct lws_context *ctx = lws_create_context(&ev);
            if (ctx)
                return ctx;
            ev_loop_destroy(s->loop);
            s->loop = NULL;
        }
        fprintf(stderr, "chatd: no epoll loop (is libwebsockets-evlib-ev installed?): "
                        "using poll()\n");
    }
    return lws_create_context(info);
}

struct server *server_new(const struct config *cfg, const struct langs *langs, bool test_clock)
{
    struct lws_context_creation_info info;
    struct fdbudget budget;
    if (fds_budget(cfg, &budget) != 0)
        return NULL;
    struct server *s = calloc(1, sizeof(*s));
    if (!s || !(s->sources = sources_new(cfg, &budget))) {
        free(s);
        return NULL;
    }
    s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    s->cfg = cfg;
    s->langs = langs;
    s->test_clock = test_clock;
    lws_set_log_level(LLL_ERR, log_limited);

    set_mounts(cfg, test_clock);

    memset(&info, 0, sizeof(info));
    info.port = cfg->listen_port; /* 0: the kernel picks a free port */
    info.iface = cfg->listen_host;
    info.protocols = protocols;
    info.mounts = mounts;
    set_headers(s);
    info.headers = s->headers;
    info.user = s;
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
    /* A connection quiet for ping_interval_s is pinged; one that stays
     * silent (no pong, no frame) until idle_timeout_s is hung up. Not
     * lws's retry_and_idle_policy: see keepalive.h. */
    ka_init(&s->ka, cfg->ping_interval_s, cfg->idle_timeout_s);
    info.retry_and_idle_policy = &s->no_validity; /* zeros: lws's own are off */
    /* a client must send its whole request (or upgrade) in handshake_timeout_s */
    info.timeout_secs = (unsigned int)cfg->handshake_timeout_s;
    info.timeout_secs_ah_idle = (unsigned int)cfg->handshake_timeout_s;
    info.max_http_header_data = 4096;
    if (cfg->tls_cert[0]) {
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = cfg->tls_cert;
        info.ssl_private_key_filepath = cfg->tls_key;
        info.ssl_options_set =
            SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
    }
    s->ctx = create_context(s, &info);
    if (!s->ctx) {
        fprintf(stderr, "chatd: cannot listen on %s:%d\n", cfg->listen_host, cfg->listen_port);
        sources_free(s->sources);
        if (s->reserve_fd >= 0)
            close(s->reserve_fd);
        free(s);
        return NULL;
    }
    s->vh = lws_get_vhost_by_name(s->ctx, "default");
    /* always printed (the contract needs it for port 0): scripts wait for it */
    printf("listening on %d\n", lws_get_vhost_listen_port(s->vh));
    fflush(stdout);
    return s;
}

static void wake_conn(struct conn *c, void *arg)
{
    (void)arg;
    if (c->io)
        lws_callback_on_writable(c->io);
}

/* The timer only wakes the loop; server_run() runs what is due. */
static void on_timer(lws_sorted_usec_list_t *sul)
{
    struct server *s = lws_container_of(sul, struct server, sul);
    s->sul_at = 0;
}

static void ka_ping(struct ka_node *n, void *arg)
{
    (void)arg;
    struct ws_session *ss = lws_container_of(n, struct ws_session, ka);
    ss->ping = true;
    lws_callback_on_writable(ss->conn.io);
}

static void ka_hangup(struct ka_node *n, void *arg)
{
    (void)arg;
    struct ws_session *ss = lws_container_of(n, struct ws_session, ka);
    /* now: outside any callback of it, and an async kill waits for a
     * timer that the epoll loop is not told about */
    lws_set_timeout(ss->conn.io, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
}

static void on_ev_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    struct server *s = w->data;
    s->sul_at = 0;
}

/* Arms the timer for the hub's or the keepalive's next deadline (at most a
 * minute away). */
static void arm_timer(struct server *s, double now)
{
    double at = hub_next_deadline(s->hub, now);
    double ka = ka_next_due(&s->ka);
    double cap = now + 60;
    if (ka >= 0 && (at < 0 || ka < at))
        at = ka;
    if (at < 0 || at > cap)
        at = cap;
    s->tick_at = at;
    if (at == s->sul_at)
        return;
    s->sul_at = at;
    double delay = at - now;
    if (delay < 0)
        delay = 0;
    if (s->loop) {
        ev_timer_stop(s->loop, &s->timer);
        ev_timer_set(&s->timer, delay + 0.001, 0);
        ev_timer_start(s->loop, &s->timer);
    } else {
        lws_sul_schedule(s->ctx, 0, &s->sul, on_timer, (lws_usec_t)(delay * 1e6) + 1000);
    }
}

/* Key rotation: new chats are sealed to the key file's current content. */
static void reload_key(struct server *s)
{
    uint8_t pub[TRANSCRIPT_PUB_BYTES];
    if (transcript_load_pub(s->cfg->transcript_key, pub) != 0) {
        fprintf(stderr, "chatd: SIGHUP: %s is not a transcript public key; keeping the old one\n",
                s->cfg->transcript_key);
        return;
    }
    hub_set_key(s->hub, pub);
    fprintf(stderr, "chatd: SIGHUP: new chats are sealed to the key in %s\n",
            s->cfg->transcript_key);
}

static void reload_log(const char *line, void *arg)
{
    (void)arg;
    fprintf(stderr, "chatd: SIGHUP: %s\n", line);
}

/* The config file read again and taken over by the hub (reload.h); false
 * when the hub asks to be tried again after the next commit. */
static bool reload_config_file(struct server *s)
{
    const struct config *running = hub_config(s->hub);
    struct config *next;
    char why[512];
    if (reload_config(running, CONFIG_REQUIRE_KEY, &next, reload_log, NULL) != 0) {
        fprintf(stderr, "chatd: SIGHUP: %s has errors (above); the running config stays\n",
                running->path);
        return true;
    }
    int rc = hub_reload(s->hub, next, now_s(), why, sizeof(why));
    if (rc == CHAT_ERR_BUSY) {
        config_free(next);
        return false;
    }
    if (rc != 0) {
        config_free(next);
        fprintf(stderr, "chatd: SIGHUP: %s refused: %s; the running config stays\n", running->path,
                why);
        return true;
    }
    fprintf(stderr, "chatd: SIGHUP: %s reloaded: %zu topic(s); queues and chats kept\n", next->path,
            next->ntopics);
    return true;
}

/* What follows every batch of events: a reload, the hub's deadlines, pings,
 * descriptors, and the turn's commit that releases its replies. A config
 * is taken over between batches: after the commit, then the turn ends
 * again to route and push what the new config changed. */
static void after_events(struct server *s)
{
    if (s->reload && *s->reload) {
        *s->reload = 0;
        reload_key(s);
        s->reload_pending = true;
    }
    double now = now_s();
    if (s->tick_at && now >= s->tick_at)
        hub_tick(s->hub, now);
    double ka = ka_next_due(&s->ka);
    if (ka >= 0 && now >= ka)
        ka_sweep(&s->ka, now, ka_ping, ka_hangup, s);
    fds_after_events(s);
    double start = clock_mono();
    if (hub_turn_end(s->hub, now, wake_conn, NULL) > 0)
        hub_note_commit(s->hub, clock_mono() - start);
    if (s->reload_pending && reload_config_file(s)) {
        s->reload_pending = false;
        start = clock_mono();
        if (hub_turn_end(s->hub, now, wake_conn, NULL) > 0)
            hub_note_commit(s->hub, clock_mono() - start);
    }
    arm_timer(s, now);
}

/* libev runs prepare watchers after the callbacks of a batch, before it
 * waits again: the same place as after lws_service() returns. */
static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
    (void)revents;
    struct server *s = w->data;
    after_events(s);
    if (s->stop)
        ev_break(loop, EVBREAK_ALL);
}

int server_run(struct server *s, struct hub *h, volatile sig_atomic_t *reload)
{
    s->hub = h;
    s->reload = reload;
    if (s->loop) {
        ev_prepare_init(&s->after_events, on_prepare);
        s->after_events.data = s;
        ev_prepare_start(s->loop, &s->after_events);
        ev_init(&s->timer, on_ev_timer);
        s->timer.data = s;
        ev_run(s->loop, 0);
        ev_timer_stop(s->loop, &s->timer);
        ev_prepare_stop(s->loop, &s->after_events);
    } else {
        while (!s->stop && lws_service(s->ctx, 0) >= 0)
            after_events(s);
    }
    lws_sul_cancel(&s->sul);
    return 0;
}

void server_stop(struct server *s)
{
    s->stop = 1;
    if (s->ctx)
        lws_cancel_service(s->ctx);
}

void server_wake(void *arg)
{
    struct server *s = arg;
    lws_cancel_service(s->ctx);
}

void server_free(struct server *s)
{
    if (!s)
        return;
    lws_context_destroy(s->ctx);
    if (s->loop)
        ev_loop_destroy(s->loop);
    sources_free(s->sources);
    if (s->reserve_fd >= 0)
        close(s->reserve_fd);
    free(s->tx);
    free(s);
}
