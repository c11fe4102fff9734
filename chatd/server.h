/*
 * server: the libwebsockets shell. One event loop thread; HTTP routes,
 * WebSocket callbacks, timers, and the per-turn commit (hub_turn_end).
 */
#ifndef SERVER_H
#define SERVER_H

#include <signal.h>
#include <stdbool.h>

#include "config.h"
#include "hub.h"
#include "langs.h"

struct server;

/* Creates the listening context; prints "listening on PORT" when the
 * config's port is 0. NULL on failure (reason on stderr). test_clock: serve
 * GET /test/clock (clock.h; only a CHAT_TEST_CLOCK build passes true). */
struct server *server_new(const struct config *cfg, const struct langs *langs, bool test_clock);

/* Runs the loop until server_stop(); returns 0 on a clean stop. Whenever
 * *reload is set (SIGHUP), the transcript public key is read again. */
int server_run(struct server *s, struct hub *h, volatile sig_atomic_t *reload);

/* Async-signal-safe: ends server_run() soon. */
void server_stop(struct server *s);

/* Wakes the loop from another thread (auth results). */
void server_wake(void *s);

void server_free(struct server *s);

#endif
