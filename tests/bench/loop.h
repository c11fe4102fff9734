/*
 * loop: the load generator's one libwebsockets context, its clock, and the
 * wait that drives everything.
 *
 * One thread, one lws context, every connection on it. Scenarios never block:
 * they call loop_run() with a predicate ("every visitor has its position")
 * and, for paced load, a tick function called every tick_s seconds from a
 * libwebsockets timer. Times are monotonic seconds (loop_now) or
 * microseconds (loop_now_us, what goes into a frame's ref).
 */
#ifndef LOOP_H
#define LOOP_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stdint.h>

/* Creates the context serving protocols (client connections only). 0 or -1. */
int loop_init(const struct lws_protocols *protocols);

/* Destroys the context; every connection still open is closed first. */
void loop_fini(void);

/* The context, for the client module. */
struct lws_context *loop_context(void);

/* Monotonic time in seconds and in microseconds (same origin). */
double loop_now(void);
int64_t loop_now_us(void);

/* Services the context until done(arg) is true (checked after every event)
 * or timeout_s has passed. tick(arg), if given, runs every tick_s seconds.
 * done may be NULL: then it runs for timeout_s. Returns 0 when done, -1 on
 * timeout (0 when done is NULL). */
int loop_run(bool (*done)(void *arg), void (*tick)(void *arg), void *arg, double tick_s,
             double timeout_s);

/* Services the context for s seconds (connections keep being served). */
void loop_sleep(double s);

#endif
