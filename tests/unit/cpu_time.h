/*
 * cpu_time: the process's CPU time, for the unit tests that bound how a cost
 * grows. CPU rather than wall time: a test beside others on a shared machine
 * waits for a core without that counting against it.
 */
#ifndef CPU_TIME_H
#define CPU_TIME_H

#include <time.h>

/* seconds of CPU this process has used so far (clock(): microseconds here) */
static inline double cpu_seconds(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

#endif
