/*
 * loop: one lws context, a monotonic clock, and loop_run().
 *
 * lws_service(ctx, 0) blocks until a socket event or the next scheduled
 * timer. lws runs due timers at the start of lws_service() and then polls
 * until the next one, so a timer that only set a flag would leave the poll
 * waiting for lws's own far-away timers; ours re-arms itself from its
 * callback instead. loop_run() keeps it running at the tick interval (or
 * 50 ms) so deadlines and ticks are honoured even when no socket is busy.
 */
#include "loop.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define LOOP_IDLE_WAKE_S 0.05

static struct lws_context *loop_ctx;
static lws_sorted_usec_list_t loop_sul;
static lws_usec_t loop_wake_us;

int loop_init(const struct lws_protocols *protocols)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof(info));
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.timeout_secs = 30;
    info.connect_timeout_secs = 30;
    lws_set_log_level(LLL_ERR, NULL);
    loop_ctx = lws_create_context(&info);
    if (!loop_ctx) {
        fprintf(stderr, "loadgen: cannot create the libwebsockets context\n");
        return -1;
    }
    return 0;
}

void loop_fini(void)
{
    if (loop_ctx) {
        lws_sul_cancel(&loop_sul);
        lws_context_destroy(loop_ctx);
    }
    loop_ctx = NULL;
}

struct lws_context *loop_context(void)
{
    return loop_ctx;
}

int64_t loop_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

double loop_now(void)
{
    return (double)loop_now_us() / 1e6;
}

static void loop_on_timer(lws_sorted_usec_list_t *sul)
{
    lws_sul_schedule(loop_ctx, 0, sul, loop_on_timer, loop_wake_us);
}

int loop_run(bool (*done)(void *arg), void (*tick)(void *arg), void *arg, double tick_s,
             double timeout_s)
{
    double start = loop_now(), next_tick = start;
    loop_wake_us = (lws_usec_t)((tick ? tick_s : LOOP_IDLE_WAKE_S) * 1e6);
    lws_sul_schedule(loop_ctx, 0, &loop_sul, loop_on_timer, loop_wake_us);
    for (;;) {
        if (done && done(arg)) {
            lws_sul_cancel(&loop_sul);
            return 0;
        }
        double now = loop_now();
        if (now - start >= timeout_s) {
            lws_sul_cancel(&loop_sul);
            return done ? -1 : 0;
        }
        if (tick && now >= next_tick) {
            tick(arg);
            next_tick += tick_s;
            if (next_tick < now)
                next_tick = now + tick_s; /* we fell behind: do not replay ticks */
            continue;                     /* the tick may have finished the work */
        }
        if (lws_service(loop_ctx, 0) < 0)
            return -1;
    }
}

void loop_sleep(double s)
{
    loop_run(NULL, NULL, NULL, 0, s);
}
