/* clock: see clock.h. */
#include "clock.h"

#include "chat_err.h"

#include <time.h>

static double offset; /* seconds added by clock_advance(), never negative */

double clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + offset;
}

double clock_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int clock_advance(double s)
{
    if (!(s > 0 && s <= CLOCK_ADVANCE_MAX)) /* also NaN */
        return CHAT_ERR_BAD_REQUEST;
    offset += s;
    return 0;
}
