/*
 * clock: chatd's one "now", in seconds since the epoch.
 *
 * The shell (server.c, server_http.c, main.c) asks here and passes the
 * answer to the core as `now`; nothing else in chatd reads a clock for the
 * hub's decisions. It is real time (CLOCK_REALTIME) plus an offset that
 * only a test moves: a build with CHAT_TEST_CLOCK started with
 * CHATD_TEST_CLOCK=1 serves GET /test/clock?advance=SECONDS, so a test makes
 * a grace period, a wrap-up or a keepalive timer pass without waiting for it.
 *
 * Invariants: the offset starts at 0 and only grows, by at most
 * CLOCK_ADVANCE_MAX a step; only the loop thread reads or moves it.
 *
 * Beside it, clock_mono(): the monotonic clock, for real waits only (a
 * worker thread's poll, a lock's deadline), never for the hub's decisions.
 */
#ifndef CLOCK_H
#define CLOCK_H

#define CLOCK_ADVANCE_MAX (30.0 * 86400) /* one step: 30 days */

/* Real time plus the test offset, in seconds since the epoch. */
double clock_now(void);

/* Moves the clock s seconds ahead: 0, or CHAT_ERR_BAD_REQUEST (nothing
 * moved) unless 0 < s <= CLOCK_ADVANCE_MAX. */
int clock_advance(double s);

/* Seconds on the monotonic clock (never moved by a test, any thread): for
 * real waits, such as a worker thread's poll or a lock's deadline. */
double clock_mono(void);

#endif
