/*
 * client: one WebSocket client connection of the load generator.
 *
 * A client is made with client_new() and connects in the background; at
 * most client_target()'s max_connecting handshakes are in flight at once
 * (more would overflow the server's accept backlog and measure SYN retries,
 * not chatd). Its owner hears of it through one function: CLIENT_OPEN when
 * the handshake is done, CLIENT_FRAME for each complete text message (data
 * is NUL-terminated), CLIENT_CLOSED once when the connection ends or never
 * came up (data is then the reason, possibly ""). Frames given to
 * client_send() before the open are sent right after it.
 *
 * The owner frees a client with client_free(), also while it is open: lws
 * then drops the connection without calling back.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

enum client_event { CLIENT_OPEN, CLIENT_FRAME, CLIENT_CLOSED };

struct client;

typedef void (*client_fn)(struct client *c, enum client_event ev, const char *data, size_t len,
                          void *arg);

/* The lws protocol table the loop's context must be created with. */
extern const struct lws_protocols client_protocols[];

/* Where clients connect (host, port, path /ws) and how many handshakes may
 * be in flight at once. Call before the first client_new(). */
void client_target(const char *host, int port, int max_connecting);

/* A new client offering subprotocol (a static string); fn(arg) hears of it.
 * NULL when out of memory. */
struct client *client_new(const char *subprotocol, client_fn fn, void *arg);

/* The same from the local address local (an IPv4 literal, copied; NULL:
 * any): the socket is bound to it before it connects, so that chatd sees
 * another source (any 127.0.0.x reaches a loopback server). */
struct client *client_new_from(const char *subprotocol, const char *local, client_fn fn, void *arg);

/* Queues one text frame (copied) for sending. Ignored once closed. */
void client_send(struct client *c, const char *text, size_t len);

/* Closes normally (code 1000) after the frames queued so far. */
void client_close(struct client *c);

/* True between CLIENT_OPEN and CLIENT_CLOSED. */
bool client_is_open(const struct client *c);

/* Drops c (closing it if needed) and frees it; no more callbacks. */
void client_free(struct client *c);

/* Clients that failed to connect or were closed by the peer, so far. */
long client_failures(void);

#endif
