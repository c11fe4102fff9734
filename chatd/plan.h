/*
 * plan: how many chat slots an hour needs (contract v2 §6, issue 18), as
 * pure functions of rates and counts. No clock, no I/O, no storage; libm only.
 *
 * Units: arrivals per hour; every duration in seconds. A "slot" is one chat a
 * worker can hold: a worker with capacity k is k slots (k servers), and the
 * handle time is measured per chat, by each chat's own duration. That keeps
 * the model honest: two parallel chats that each run slower because the
 * worker types in two windows show up as a longer handle time, so the offered
 * load (arrivals x handle) is the mean number of slots actually busy.
 *
 * The model is Erlang A, M/M/n+M (Garnett, Mandelbaum and Reiman 2002,
 * "Designing a call center with impatient customers", M&SOM 4(3):208-227;
 * the same formulas in Mandelbaum and Zeltyn, "The M/M/n+G queue: summary
 * of performance measures", Technion): Poisson arrivals at rate
 * lambda, n slots, exponential handle time of mean 1/mu, FCFS, and each
 * waiting visitor leaves after an exponential patience of mean 1/theta.
 * theta = 0 (patience_s = 0: nobody leaves) is Erlang C, M/M/n.
 * With rho = lambda/mu (offered load, Erlangs), a = lambda/theta,
 * b = n mu/theta, P(s,x) the regularized lower incomplete gamma function
 * and E = Erlang B(n, rho):
 *
 *   A(b,a)          = e^a Gamma(b+1) a^-b P(b,a)          (GMR's A(x,y) >= 1)
 *   P(W>0)          = A E / (1 + (A-1) E)                  (GMR)
 *   P(Ab | W>0)     = 1 - (b/a) (1 - 1/A)                  (GMR: 1/(rho_n A) + 1 - 1/rho_n)
 *   P(Ab)           = P(W>0) P(Ab | W>0)
 *   E[time in queue] = P(Ab) / theta                      (theta E[queue] = lambda P(Ab),
 *                                                          then Little's law)
 *   P(V > t | W>0)  = P(b, a e^-theta t) / P(b, a)         (V: offered wait)
 *   P(served, W<=t | W>0) = (b/a) [P(b+1,a) - P(b+1, a e^-theta t)] / P(b,a)
 *
 * The last two are derived in plan.c (the Laplace transform of V given a
 * wait is a^-s/theta gamma(b+s/theta, a) / gamma(b, a)); a visitor is served
 * within t when V <= t and its patience outlasts V. Erlang B comes from the
 * recursion E_k = rho E_{k-1} / (k + rho E_{k-1}) in log space and the
 * incomplete gamma from its power series (x < s+1) or continued fraction
 * (Abramowitz and Stegun 6.5.29, 6.5.31), in logarithms, so nothing
 * overflows for any n <= PLAN_SLOTS_MAX: no factorial is ever formed.
 *
 * Erlang C (theta = 0), rho < n:  C = E / (1 - (rho/n)(1 - E)) = P(W>0),
 * P(W > t) = C e^-(n mu - lambda) t, E[W] = C / (n mu - lambda), all answered.
 *
 * Limits, written where they are decided:
 *  - Erlang C with rho >= n has no steady state: the queue grows without
 *    bound. The result is then flagged `unstable`; answered_share is the
 *    long-run throughput share n/rho (capped at 1), wait_share is 0 (every
 *    wait grows past any target) and mean_wait_s is INFINITY. With theta > 0
 *    every load is stable: impatient visitors keep the queue finite.
 *  - No arrivals (lambda = 0): nobody can go unanswered, so the shares are 1
 *    and the mean wait 0 for every n, including n = 0.
 *  - n = 0 with arrivals: nobody is answered; a waiting visitor leaves after
 *    its patience (mean_wait_s = patience_s), or never (Erlang C: unstable).
 *  - The model is per hour and in steady state: it ignores the queue an hour
 *    inherits from the one before, refusals at queue_max, and the join
 *    cut-off before closing. With chats of tens of minutes an hour is short
 *    for a steady state: read the plan as a guide, not a promise.
 *    Exponential patience and handle times are assumptions; the estimates
 *    below are their maximum-likelihood fits.
 */
#ifndef PLAN_H
#define PLAN_H

#include <stdbool.h>

#define PLAN_SLOTS_MAX 1000      /* the largest n evaluated or searched */
#define PLAN_ARRIVALS_MAX 1e6    /* per hour */
#define PLAN_DURATION_MIN_S 1.0  /* shortest mean handle time or patience */
#define PLAN_DURATION_MAX_S 1e6  /* longest handle, patience and target wait */
#define PLAN_TARGET_WAIT_S 300.0 /* contract §6 default */
#define PLAN_TARGET_SHARE 0.8    /* contract §6 default */
#define PLAN_MIN_CHATS 20        /* fewer ended chats: handle time is thin */
#define PLAN_MIN_ABANDONS 10     /* fewer abandonments: patience is thin */
#define PLAN_WEEK_HOURS 168      /* hour of week 0 = Monday 00:00 .. 167 */
#define PLAN_BLOCK_MIN_H 2       /* the shortest shift a person can work (fixed) */

#define PLAN_MUST_USE __attribute__((warn_unused_result))

/* An hour's demand: what the model needs besides the number of slots. */
struct plan_load {
    double arrivals_per_h; /* lambda, joins per hour including refused; >= 0 */
    double handle_s;       /* 1/mu: mean chat + wrap-up seconds (unused without arrivals) */
    double patience_s;     /* 1/theta: mean patience; 0 = nobody leaves (Erlang C) */
};

/* The steady state of one hour with n slots. Shares are of all arrivals. */
struct plan_result {
    double answered_share;  /* 1 - P(abandon); n/rho when unstable */
    double abandoned_share; /* 1 - answered_share: left, or (unstable) never reached */
    double delay_share;     /* P(wait > 0): Erlang C's "probability of waiting" */
    double wait_share;      /* P(answered within the target wait) */
    double mean_wait_s;     /* mean time in queue over all arrivals; INFINITY if unstable */
    bool unstable;          /* Erlang C with rho >= n: no steady state exists */
};

/* Evaluates load with slots (0..PLAN_SLOTS_MAX) servers, wait_share against
 * target_wait_s (0..PLAN_DURATION_MAX_S; 0 = answered at once). Returns 0, or
 * CHAT_ERR_BAD_REQUEST for a value out of range or not finite: arrivals
 * 0..PLAN_ARRIVALS_MAX, handle_s and patience_s (unless 0) within
 * PLAN_DURATION_MIN_S..PLAN_DURATION_MAX_S. */
PLAN_MUST_USE int plan_eval(const struct plan_load *load, int slots, double target_wait_s,
                            struct plan_result *out);

/* The fewest slots whose wait_share reaches target_share (0 < share <= 1),
 * into *slots, with its result in out (may be NULL). No arrivals need 0 slots.
 * CHAT_ERR_NOT_FOUND when even PLAN_SLOTS_MAX slots do not reach it;
 * CHAT_ERR_BAD_REQUEST for bad input. */
PLAN_MUST_USE int plan_slots_needed(const struct plan_load *load, double target_wait_s,
                                    double target_share, int *slots, struct plan_result *out);

/* answered_share for a mean of `slots` staffed slots (0..PLAN_SLOTS_MAX,
 * fractional): linear between the neighbouring whole numbers, because a mean
 * of 1.5 is about half the hour at 1 and half at 2. */
PLAN_MUST_USE int plan_answered_at(const struct plan_load *load, double slots, double *share);

/* The load of one queue that takes the visitors of n loads at once (the
 * pooled plan, contract v3 §4: every org's topics of one audience as one
 * queue): arrivals summed; handle time the arrival-weighted mean, so the
 * offered load (arrivals x handle) is the sum of theirs; patience the
 * arrival-weighted mean of the loads that have one (0 when none has:
 * Erlang C, nobody seen leaving). Loads without arrivals add nothing.
 * One queue of the sum is the model's upper bound for sharing: it holds
 * each visitor to the same wait, whoever it came to. CHAT_ERR_BAD_REQUEST
 * for a bad load, or when the arrivals sum past PLAN_ARRIVALS_MAX. */
PLAN_MUST_USE int plan_load_merge(const struct plan_load *loads, int n, struct plan_load *out);

/* Sums over the matching hours of one (topic, weekday, hour) of a period, as
 * the statistics store them (stats.h); the caller adds up the buckets. */
struct plan_counts {
    long hours;            /* how many such hours the period had ("weeks") */
    long joins;            /* arrivals, refused ones included */
    long answered;         /* waits that ended with a worker */
    long abandoned;        /* waits that ended with the visitor gone */
    long wait_answered_s;  /* their summed waits */
    long wait_abandoned_s; /* summed time abandoners waited before leaving */
    long chats;            /* chat parts that ended */
    long chat_s;           /* their summed duration */
    long wrapups;          /* wrap-ups (contract §4, §5) */
    long wrapup_s;         /* their summed duration */
    long slot_s;           /* chat-slot seconds on duty (contract §5) */
    long worker_s;         /* worker seconds on duty: imported history without slot_s */
    long open_s;           /* seconds inside opening hours; not used by the estimates */
};

/* Whole-period values of the topic, used where one hour's data are thin
 * (the caller gets them from plan_estimate over the topic's summed counts
 * with pooled = NULL). */
struct plan_pooled {
    double handle_s;
    double patience_s; /* 0 = no abandonment seen: Erlang C */
};

/* What one (topic, weekday, hour) had, per such hour. */
struct plan_estimate {
    struct plan_load load; /* arrivals_per_h = joins/hours; handle_s; patience_s */
    double slots_had;      /* mean staffed slots: slot_s/3600/hours, else worker_s/... */
    double answered_share; /* observed answered/joins (at most 1: a wait can end in
                              the next hour); -1 without joins */
    bool thin_handle;      /* fewer than PLAN_MIN_CHATS chats: handle_s is pooled */
    bool thin_patience;    /* fewer than PLAN_MIN_ABANDONS abandonments: pooled */
    bool thin;             /* either of the two */
};

/* Estimates from counts (hours >= 1, no count negative):
 *  arrivals_per_h = joins / hours;
 *  handle_s = chat_s/chats + wrapup_s/wrapups (the wrap-up term only when
 *    wrapups > 0; at least PLAN_DURATION_MIN_S), or pooled->handle_s when
 *    chats < PLAN_MIN_CHATS;
 *  patience_s = (wait_answered_s + wait_abandoned_s) / abandoned: the
 *    maximum-likelihood estimate of an exponential mean from right-censored
 *    times (every wait is a patience observation, cut short for those who
 *    were answered; e.g. Lawless, "Statistical Models and Methods for
 *    Lifetime Data", exponential with censoring), the same as
 *    theta = P(Ab)/E[W] (Brown et al. 2005, JASA 100:36-50);
 *    pooled->patience_s when abandoned < PLAN_MIN_ABANDONS; 0 when nobody
 *    abandoned (Erlang C); at least PLAN_DURATION_MIN_S otherwise (those
 *    who left at once);
 *  slots_had = slot_s / 3600 / hours, or worker_s when slot_s is 0.
 * With pooled NULL the hour's own values are kept even when thin (the flags
 * still say so); handle_s is then 0 without chats: no basis. */
PLAN_MUST_USE int plan_estimate(const struct plan_counts *c, const struct plan_pooled *pooled,
                                struct plan_estimate *out);

/* A service target: wait_share >= share within wait_s. */
struct plan_target {
    double wait_s; /* default PLAN_TARGET_WAIT_S */
    double share;  /* default PLAN_TARGET_SHARE */
};

/* The plan columns of contract §6 for one estimated hour. */
struct plan_row {
    int slots_needed;                /* fewest slots meeting the target */
    double answered_share_at_needed; /* answered_share with slots_needed */
    double wait_share_at_needed;     /* wait_share with slots_needed */
    double gain_per_slot;            /* answered contacts per week one more slot adds */
};

/* Fills the row of e for target t. gain_per_slot is
 * arrivals_per_h x (answered(slots_had + 1) - answered(slots_had)), with
 * answered interpolated as in plan_answered_at: each (weekday, hour) comes
 * once a week, so arrivals in one such hour are arrivals per week in it.
 * CHAT_ERR_BAD_REQUEST when e has arrivals but no handle time (no basis) or
 * a bad target; CHAT_ERR_NOT_FOUND when no n <= PLAN_SLOTS_MAX meets it
 * (out then has gain_per_slot, slots_needed -1 and the shares -1). */
PLAN_MUST_USE int plan_row(const struct plan_estimate *e, const struct plan_target *t,
                           struct plan_row *out);

/* Fewer joins a week than this in an hour the topic was closed: the hour is
 * not short of anything (a stray join at night is no reason to open). */
#define PLAN_SHORT_MIN_ARRIVALS 1.0

/* Whether an hour of the week is short of slots, as the plan flags it: it
 * needs more than it had (slots_needed < 0: out of reach, PLAN_SLOTS_MAX
 * would not do), unless it was closed (open false) and had fewer than
 * PLAN_SHORT_MIN_ARRIVALS joins a week. No basis (has_row false): not short.
 * slots_had as the row shows it (rounded), so the flag and the figures agree. */
bool plan_short(double slots_had, int slots_needed, bool has_row, double arrivals_per_h, bool open);

/* One hour of the week for plan_redistribute. */
struct plan_hour {
    struct plan_load load;
    double slots_had; /* mean staffed slots now */
    int min_slots;    /* the fewest this hour keeps (what it needs to stay open) */
    bool may_open;    /* false: the topic may not open then; min_slots must be 0 */
};

/* "Same staff, better hours" (issue 18.9) and the full plan for comparison.
 *
 * Invariants of a result (plan_redistribute checks none of them: they hold
 * by construction and the tests check them):
 *  - slots[h] >= min_slots[h] where the hour may open; 0 where it may not;
 *  - sum(slots) + unplaced == slot_hours;
 *  - extra[h] = slots[h] - min_slots[h] is a sum of shifts (blocks of
 *    consecutive hours, the week wrapping around) of at least
 *    PLAN_BLOCK_MIN_H hours each; equivalently, for every h (indices mod 168)
 *    max(0, extra[h] - extra[h-1]) + max(0, extra[h] - extra[h+1]) <= extra[h].
 */
struct plan_redistribution {
    int slots[PLAN_WEEK_HOURS];  /* proposed slots per hour of week */
    int needed[PLAN_WEEK_HOURS]; /* slots_needed (PLAN_SLOTS_MAX if out of reach) */
    long slot_hours;             /* the week's staff: sum of slots_had, rounded */
    long unplaced;               /* slot-hours no block could take (< 0: minimums
                                    alone need more than the week had) */
    long planned_slot_hours;     /* what the full plan would need */
    double answered_now;         /* expected answered contacts per week, as staffed */
    double answered_redistributed;
    double answered_planned; /* every hour that may open at max(needed, min) */
};

/* Redistributes the week's slot-hours: starting from every hour's minimum,
 * greedily adds either one slot to a new 2-hour block or one hour to an
 * existing block, whichever adds the most answered contacts per slot-hour
 * (ties: most answered within the target, then the earliest hour), until
 * the slot-hours are spent or no block can take them. Greedy, not optimal.
 * CHAT_ERR_BAD_REQUEST for bad input (an hour with arrivals but no handle
 * time, min_slots where the hour may not open, a bad target). */
PLAN_MUST_USE int plan_redistribute(const struct plan_hour week[PLAN_WEEK_HOURS],
                                    const struct plan_target *t, struct plan_redistribution *out);

#endif
