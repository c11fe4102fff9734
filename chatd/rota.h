/*
 * rota: from the plan to shifts people can work (contract v3 §7), as pure
 * functions: the need of one week from the plan's slots, and the fewest
 * worker-hours of whole-hour shifts that cover it. No clock, no I/O, no
 * storage; the solver is GLPK.
 *
 * A week is the local Monday 00:00 to the next Monday 00:00: 168 hours, or
 * 167 / 169 in the weeks the clock moves (ROTA_HOURS_MAX). Hours are counted
 * as elapsed hours from the week's start, so a repeated local hour is two
 * hours of the week (each with the need of its local hour of week) and a
 * skipped one is none.
 *
 * The model: need[h] workers in hour h; a shift starts on an hour s and runs
 * L whole hours, shift_min_h <= L <= shift_max_h, s + L <= nhours (inside
 * the week). x[s][L] >= 0 whole shifts of each kind; minimise sum L x[s][L]
 * subject to, for every hour h, the shifts that cover h number at least
 * need[h]. Each shift covers consecutive hours, so the constraint matrix has
 * the consecutive-ones property (an interval matrix, totally unimodular):
 * the linear programme's optimum is whole. The integer solver is used all
 * the same (it is cheap here), so a result is whole by construction.
 * Always feasible: every hour lies in some shift of shift_min_h hours when
 * nhours >= shift_min_h (rota_solve refuses otherwise).
 */
#ifndef ROTA_H
#define ROTA_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "plan.h"

#define ROTA_CAPACITY 2       /* chats a worker holds (contract default) */
#define ROTA_SHIFT_MIN_H 3    /* contract default */
#define ROTA_SHIFT_MAX_H 5    /* contract default */
#define ROTA_SHIFT_LIMIT_H 24 /* the longest shift accepted */
#define ROTA_CAPACITY_MAX 50  /* the most chats a worker may be planned for */
#define ROTA_HOURS_MAX 169    /* a week in which the clock goes back */
#define ROTA_WORKERS_MAX 1000 /* the most workers one hour may need */

/* One kind of shift in a solution: count workers from hour start (of the
 * week) for len hours. */
struct rota_shift {
    int start;
    int len;
    int count;
};

/* Whether week is a local Monday 00:00 (by the process's TZ). */
bool rota_week_ok(time_t week);

/* The hours of the week starting at week (a local Monday 00:00): 167, 168
 * or 169. */
int rota_week_hours(time_t week);

/* The need of each hour of the week starting at week (nhours of them, as
 * rota_week_hours says): workers = ceil(slots[hour of week] / capacity),
 * where slots (PLAN_WEEK_HOURS, 0 = Monday 00:00 local) holds the slots the
 * plan needs (0 where none, or closed), capped at ROTA_WORKERS_MAX. */
void rota_need(const int slots[PLAN_WEEK_HOURS], time_t week, int nhours, int capacity, int *need);

/* The optimum for need[0..nhours) (each 0..ROTA_WORKERS_MAX) with shifts
 * of min_h..max_h hours (1 <= min_h <= max_h <= ROTA_SHIFT_LIMIT_H,
 * min_h <= nhours <= ROTA_HOURS_MAX): the kinds used, by start then length,
 * into out (room for max kinds: nhours * (max_h - min_h + 1) always
 * suffices), their number into *n and the worker-hours into *total_h.
 * 0, CHAT_ERR_BAD_REQUEST for bad input, CHAT_ERR_NOMEM, or
 * CHAT_ERR_INTERNAL when the solver fails. */
int rota_solve(const int *need, int nhours, int min_h, int max_h, struct rota_shift *out,
               size_t max, size_t *n, long *total_h);

#endif
