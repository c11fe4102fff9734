/*
 * echod: a bare libwebsockets server that sends every text frame back.
 *
 * The baseline of bench.sh: the same generator against the same library and
 * event loop (one thread, poll, no extensions) with no work in between.
 * Subprotocol "echo" on any path; frames are echoed whole, in order.
 *
 *     echod --port PORT    (0: pick a free port; prints "listening on PORT")
 *
 * SIGTERM or SIGINT stop it (exit 0).
 */
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct echo_frame {
    struct echo_frame *next;
    size_t len;
    unsigned char buf[]; /* LWS_PRE bytes of room, then the payload */
};

/* Per connection: frames to send back, and the message being received. */
struct echo_session {
    struct echo_frame *head, *tail;
    unsigned char *rx;
    size_t rxlen, rxcap;
};

static volatile sig_atomic_t echo_stop;

static void echo_on_signal(int sig)
{
    (void)sig;
    echo_stop = 1;
}

static int echo_receive(struct lws *wsi, struct echo_session *es, const void *in, size_t len)
{
    if (es->rxlen + len > es->rxcap) {
        size_t cap = es->rxcap ? es->rxcap : 1024;
        while (cap < es->rxlen + len)
            cap *= 2;
        unsigned char *nb = realloc(es->rx, cap);
        if (!nb)
            return -1;
        es->rx = nb;
        es->rxcap = cap;
    }
    memcpy(es->rx + es->rxlen, in, len);
    es->rxlen += len;
    if (!lws_is_final_fragment(wsi))
        return 0;
    struct echo_frame *f = malloc(sizeof(*f) + LWS_PRE + es->rxlen);
    if (!f)
        return -1;
    f->next = NULL;
    f->len = es->rxlen;
    memcpy(f->buf + LWS_PRE, es->rx, es->rxlen);
    es->rxlen = 0;
    if (es->tail)
        es->tail->next = f;
    else
        es->head = f;
    es->tail = f;
    lws_callback_on_writable(wsi);
    return 0;
}

static int echo_writeable(struct lws *wsi, struct echo_session *es)
{
    while (es->head) {
        struct echo_frame *f = es->head;
        int n = lws_write(wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT);
        es->head = f->next;
        if (!es->head)
            es->tail = NULL;
        free(f);
        if (n < 0)
            return -1;
        if (lws_send_pipe_choked(wsi)) {
            if (es->head)
                lws_callback_on_writable(wsi);
            return 0;
        }
    }
    return 0;
}

static void echo_session_free(struct echo_session *es)
{
    while (es->head) {
        struct echo_frame *f = es->head;
        es->head = f->next;
        free(f);
    }
    es->tail = NULL;
    free(es->rx);
    es->rx = NULL;
}

static int echo_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
    struct echo_session *es = user;
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        memset(es, 0, sizeof(*es));
        break;
    case LWS_CALLBACK_RECEIVE:
        return echo_receive(wsi, es, in, len);
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return echo_writeable(wsi, es);
    case LWS_CALLBACK_CLOSED:
        echo_session_free(es);
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols echo_protocols[] = {
    {"http", lws_callback_http_dummy, 0, 0, 0, NULL, 0},
    {"echo", echo_callback, sizeof(struct echo_session), 4096, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int main(int argc, char **argv)
{
    struct lws_context_creation_info info;
    long port = -1;
    char *end = NULL;
    if (argc == 3 && strcmp(argv[1], "--port") == 0)
        port = strtol(argv[2], &end, 10);
    if (!end || end == argv[2] || *end || port < 0 || port > 65535) {
        fprintf(stderr, "usage: echod --port PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, echo_on_signal);
    signal(SIGINT, echo_on_signal);
    lws_set_log_level(LLL_ERR, NULL);
    memset(&info, 0, sizeof(info));
    info.port = (int)port;
    info.iface = "127.0.0.1";
    info.protocols = echo_protocols;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
    info.timeout_secs = 20;
    struct lws_context *ctx = lws_create_context(&info);
    if (!ctx) {
        fprintf(stderr, "echod: cannot listen on 127.0.0.1:%ld\n", port);
        return 1;
    }
    printf("listening on %d\n", lws_get_vhost_listen_port(lws_get_vhost_by_name(ctx, "default")));
    fflush(stdout);
    while (!echo_stop)
        if (lws_service(ctx, 0) < 0)
            break;
    lws_context_destroy(ctx);
    return 0;
}
