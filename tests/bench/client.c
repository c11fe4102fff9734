/*
 * client: lws client connections with an outbound frame queue.
 *
 * Invariants: a client is on the pending list iff state == CLIENT_PENDING;
 * client_connecting counts clients in CLIENT_CONNECTING; a client's wsi is
 * non-NULL only while lws knows it, and the wsi's opaque pointer is the
 * client (NULL once the owner freed it).
 */
#include "client.h"

#include "loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum client_state { CLIENT_PENDING, CLIENT_CONNECTING, CLIENT_UP, CLIENT_DOWN };

struct out {
    struct out *next;
    size_t len;
    unsigned char buf[]; /* LWS_PRE bytes of room, then the payload */
};

struct client {
    struct lws *wsi;
    const char *subprotocol;
    client_fn fn;
    void *arg;
    enum client_state state;
    char local[16]; /* the local address to bind, "" for any */
    bool close_asked;
    bool rx_complete; /* the last delivered message was whole: the next byte starts one */
    char *rx;
    size_t rxlen, rxcap;
    struct out *head, *tail;
    struct client *pending_next;
};

static const char *client_host = "127.0.0.1";
static int client_port;
static int client_max_connecting = 200;
static int client_connecting;
static struct client *pending_head, *pending_tail;
static long client_failed;

void client_target(const char *host, int port, int max_connecting)
{
    client_host = host;
    client_port = port;
    client_max_connecting = max_connecting > 0 ? max_connecting : 1;
}

long client_failures(void)
{
    return client_failed;
}

static void client_emit(struct client *c, enum client_event ev, const char *data, size_t len)
{
    if (c->fn)
        c->fn(c, ev, data, len, c->arg);
}

static void client_down(struct client *c, const char *why)
{
    if (c->state == CLIENT_DOWN)
        return;
    if (c->state == CLIENT_CONNECTING)
        client_connecting--;
    if (!c->close_asked)
        client_failed++;
    c->state = CLIENT_DOWN;
    c->wsi = NULL;
    client_emit(c, CLIENT_CLOSED, why ? why : "", why ? strlen(why) : 0);
}

/* Starts pending connections while fewer than the limit are in flight. */
static void client_start_pending(void)
{
    while (pending_head && client_connecting < client_max_connecting) {
        struct client *c = pending_head;
        pending_head = c->pending_next;
        if (!pending_head)
            pending_tail = NULL;
        c->pending_next = NULL;

        struct lws_client_connect_info ci;
        memset(&ci, 0, sizeof(ci));
        ci.context = loop_context();
        ci.address = client_host;
        ci.port = client_port;
        ci.path = "/ws";
        ci.host = client_host;
        ci.protocol = c->subprotocol;
        ci.local_protocol_name = client_protocols[0].name;
        ci.opaque_user_data = c;
        ci.pwsi = &c->wsi;
        ci.iface = c->local[0] ? c->local : NULL; /* lws binds the socket to it */
        c->state = CLIENT_CONNECTING;
        client_connecting++;
        if (!lws_client_connect_via_info(&ci))
            client_down(c, "connect failed");
    }
}

struct client *client_new(const char *subprotocol, client_fn fn, void *arg)
{
    return client_new_from(subprotocol, NULL, fn, arg);
}

struct client *client_new_from(const char *subprotocol, const char *local, client_fn fn, void *arg)
{
    struct client *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    snprintf(c->local, sizeof(c->local), "%s", local ? local : "");
    c->subprotocol = subprotocol;
    c->fn = fn;
    c->arg = arg;
    c->rx_complete = true;
    c->state = CLIENT_PENDING;
    if (pending_tail)
        pending_tail->pending_next = c;
    else
        pending_head = c;
    pending_tail = c;
    client_start_pending();
    return c;
}

void client_send(struct client *c, const char *text, size_t len)
{
    if (c->state == CLIENT_DOWN || c->close_asked)
        return;
    struct out *o = malloc(sizeof(*o) + LWS_PRE + len);
    if (!o)
        return;
    o->next = NULL;
    o->len = len;
    memcpy(o->buf + LWS_PRE, text, len);
    if (c->tail)
        c->tail->next = o;
    else
        c->head = o;
    c->tail = o;
    if (c->state == CLIENT_UP)
        lws_callback_on_writable(c->wsi);
}

void client_close(struct client *c)
{
    if (c->close_asked)
        return;
    c->close_asked = true;
    if (c->state == CLIENT_UP)
        lws_callback_on_writable(c->wsi);
    else if (c->state != CLIENT_DOWN && c->wsi)
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

bool client_is_open(const struct client *c)
{
    return c->state == CLIENT_UP;
}

static void client_drop_out(struct client *c)
{
    while (c->head) {
        struct out *o = c->head;
        c->head = o->next;
        free(o);
    }
    c->tail = NULL;
}

void client_free(struct client *c)
{
    if (!c)
        return;
    if (c->state == CLIENT_PENDING) {
        struct client **pp = &pending_head, *prev = NULL;
        while (*pp && *pp != c) {
            prev = *pp;
            pp = &(*pp)->pending_next;
        }
        if (*pp)
            *pp = c->pending_next;
        if (pending_tail == c)
            pending_tail = prev;
    } else if (c->state != CLIENT_DOWN) {
        if (c->state == CLIENT_CONNECTING)
            client_connecting--;
        if (c->wsi) {
            lws_set_opaque_user_data(c->wsi, NULL);
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        }
    }
    client_drop_out(c);
    free(c->rx);
    free(c);
    client_start_pending();
}

static int client_writeable(struct client *c)
{
    while (c->head) {
        struct out *o = c->head;
        int n = lws_write(c->wsi, o->buf + LWS_PRE, o->len, LWS_WRITE_TEXT);
        c->head = o->next;
        if (!c->head)
            c->tail = NULL;
        free(o);
        if (n < 0)
            return -1;
        if (lws_send_pipe_choked(c->wsi)) {
            lws_callback_on_writable(c->wsi);
            return 0;
        }
    }
    if (c->close_asked) {
        lws_close_reason(c->wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
        return -1;
    }
    return 0;
}

static int client_receive(struct client *c, const char *in, size_t len)
{
    if (c->rx_complete)
        c->rxlen = 0;
    if (c->rxlen + len + 1 > c->rxcap) {
        size_t cap = c->rxcap ? c->rxcap : 1024;
        while (cap < c->rxlen + len + 1)
            cap *= 2;
        char *nb = realloc(c->rx, cap);
        if (!nb)
            return -1;
        c->rx = nb;
        c->rxcap = cap;
    }
    memcpy(c->rx + c->rxlen, in, len);
    c->rxlen += len;
    c->rx_complete = lws_is_final_fragment(c->wsi);
    if (c->rx_complete) {
        c->rx[c->rxlen] = '\0';
        client_emit(c, CLIENT_FRAME, c->rx, c->rxlen);
    }
    return 0;
}

static int client_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                           size_t len)
{
    struct client *c = lws_get_opaque_user_data(wsi);
    (void)user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        if (!c)
            return -1;
        c->wsi = wsi;
        c->state = CLIENT_UP;
        client_connecting--;
        client_start_pending();
        if (c->head || c->close_asked)
            lws_callback_on_writable(wsi);
        client_emit(c, CLIENT_OPEN, "", 0);
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (!c)
            return -1;
        return client_receive(c, in, len);
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (!c)
            return -1;
        return client_writeable(c);
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (c) {
            lws_set_opaque_user_data(wsi, NULL);
            client_down(c, in ? (const char *)in : "connection error");
            client_start_pending();
        }
        break;
    case LWS_CALLBACK_CLIENT_CLOSED:
        if (c) {
            lws_set_opaque_user_data(wsi, NULL);
            client_down(c, "closed");
        }
        break;
    default:
        break;
    }
    return 0;
}

const struct lws_protocols client_protocols[] = {
    {"loadgen", client_callback, 0, 4096, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};
