/*
 * status: a topic's public availability (contract §3.3) and the wait
 * estimator, as pure functions of counts and time.
 *
 * State: `closed` outside hours; `full` inside hours when the queue holds
 * queue_max visitors or the join cut-off before closing has begun; else
 * `open`. The same rule decides whether a join is accepted.
 *
 * Estimated wait (contract §3.3, v2 §1, §2). A topic keeps an exponentially
 * weighted moving average m of its recent chat durations (weight 0.2 for the
 * newest), its recent patience, and its recent rate of urgent joins. With C
 * chat slots staffed (the sum of the capacities of connected on-duty workers
 * serving the topic), and everyone busy, a slot frees at rate C/m. The
 * visitor at position p has k = p - 1 visitors ahead; its line moves one
 * step when a slot frees or when one of the k ahead gives up (each at rate
 * 1/theta, theta the mean patience), so
 *
 *     W(p) = sum_{k=0}^{p-1} 1 / (r + k/theta),   r = C/m - u
 *
 * where u is the rate of urgent joins, who are placed ahead of a visitor
 * who is not urgent and take those slots first (u = 0 for an urgent
 * visitor; r is kept at least a quarter of C/m, so a burst of urgent joins
 * cannot make the estimate endless). Without abandonment (theta unknown or
 * infinite) W(p) = p * m / C - the v1 formula; with it the sum has the
 * closed form (theta) * (psi(r*theta + p) - psi(r*theta)), psi the digamma
 * function, so an estimate costs the same at any position.
 *
 * theta is estimated as the plan does (plan.h): the time all ended waits
 * lasted, answered or not, over the number who gave up, both decayed
 * (weight 1/50 for the newest), and only once STATUS_MIN_ABANDONS have
 * been seen; before that nobody is assumed to leave.
 *
 * Language routing (v2 §2): a visitor whose language some on-duty worker
 * of the topic speaks is first offered only to those (C_L of the C slots)
 * and to anyone after lang_fallback_s. Its estimate is W with C_L slots
 * while that is shorter than the fallback, else the later of the fallback
 * and W with all C slots: min(W_L, max(F, W_C)).
 *
 * The remaining wait (contract v3 §1). W is the wait from the moment the
 * line last moved for the visitor. When it has stood still s seconds since
 * (a slot that was due to free did not), the visitor's next step is taking
 * longer than the model's mean step 1/q: the chats in progress are long
 * ones. The step's rate is then not taken as known but as uncertain around
 * the model's, Gamma-distributed with shape 2 and mean q (an exponential
 * step with such a rate has a Lomax, Pareto II, length with mean 1/q);
 * after s seconds without the step, its expected rest is 1/q + s (the mean
 * residual life of a Lomax of shape 2 grows by the time already passed).
 * The steps after it keep the model's means, so
 *
 *     remaining(p, s) = W(p) + s
 *
 * which never stays below the time that has visibly passed at the place,
 * grows while nothing moves, and falls back to W when the line moves (s
 * starts again at 0 when the position improves; a visitor put behind by
 * an urgent one keeps its s). While no slot is free it is at least 1 s:
 * nobody is told 0 while nobody can take them. A status topic's estimate
 * is that of a new join (s = 0).
 *
 * There is no estimate (null) when no slot is staffed or fewer than
 * STATUS_MIN_SAMPLES chats have ended (counting those loaded at start from
 * the stored statistics, status_seed_add): a made-up number would be worse
 * than none. These are means of a model (Poisson arrivals, exponential
 * durations and patience): a single visitor's wait varies a lot around them.
 *
 * After a restart the averages start from the statistics of the last
 * STATUS_SEED_DAYS days (status_seed): the mean handle time (chat_s plus
 * wrapup_s over chats) with its chats as samples, and the waits and
 * abandonments for patience, scaled to the weight of the last
 * 1/(1 - STATUS_PATIENCE_DECAY) waits, so that new waits count as they
 * would after that many.
 */
#ifndef STATUS_H
#define STATUS_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "proto.h"

#define STATUS_MIN_SAMPLES 3
#define STATUS_EWMA_WEIGHT 0.2
#define STATUS_PATIENCE_DECAY 0.98 /* weight 1/50 for the newest wait */
#define STATUS_MIN_ABANDONS 3.0    /* decayed abandonments before theta is used */
#define STATUS_RATE_TAU_S 3600.0   /* urgent joins: a rate over about the last hour */
#define STATUS_MIN_FLOW 0.25       /* r is at least this share of C/m */
#define STATUS_SEED_DAYS 28        /* statistics that seed the estimator at start */

/* A topic's service-time history. */
struct status_service {
    double avg_s;
    long samples;
};

/* A topic's recent waits that ended: decayed sums. */
struct status_patience {
    double wait_s;
    double abandons;
};

/* A decayed rate of events (urgent joins). */
struct status_rate {
    double level; /* events per second at `at` */
    time_t at;
};

/* What the hub knows about a topic right now. */
struct status_input {
    int waiting;
    int staffed_slots; /* 0 = nobody on duty */
    int free_slots;    /* of those, free now: the topic is `answering` when > 0 */
    struct status_service service;
    double patience_s;   /* theta; 0 = nobody is assumed to leave */
    double urgent_per_s; /* u */
};

/* Who waits: what its estimate depends on besides its position. */
struct status_who {
    bool urgent;
    int lang_slots;  /* C_L; -1 when not offered by language */
    long fallback_s; /* seconds until anyone may take it (with lang_slots >= 0) */
    long still_s;    /* s: seconds since the line last moved for it (0: a new join) */
};

/* A topic's stored statistics over the last STATUS_SEED_DAYS days: the
 * sums the estimator starts from after a restart. */
struct status_seed {
    double chats, chat_s, wrapup_s;
    double answered, abandoned, wait_s; /* wait_s: answered and abandoned waits */
};

/* Starts s and p from seed (what a fresh start knows); a topic without
 * ended chats or waits is left as it is. */
void status_seed_apply(const struct status_seed *seed, struct status_service *s,
                       struct status_patience *p);

/* Adds one finished chat of duration seconds. */
void status_service_add(struct status_service *s, double seconds);

/* Adds one wait that ended, answered or given up. */
void status_patience_add(struct status_patience *p, double waited_s, bool abandoned);

/* Mean patience theta in seconds, or 0 while too few have given up. */
double status_patience_s(const struct status_patience *p);

/* Counts an event at now / the rate per second at now. */
void status_rate_add(struct status_rate *r, time_t now);
double status_rate_per_s(const struct status_rate *r, time_t now);

/* Estimated wait in seconds at position (1 = next) of a visitor who is not
 * urgent, is offered to anyone and has just joined, or -1 for "no basis". */
long status_estimate_wait(const struct status_input *in, int position);

/* The remaining wait for who (its still_s included), or -1. */
long status_estimate_for(const struct status_input *in, int position, const struct status_who *who);

/*
 * What a topic's hours say at a moment: open or not, the next opening, the
 * closing and the start of the join cut-off. All of it stays the same from
 * `from` until `until`, the next change by the clock (opening, closing,
 * cut-off); working it out walks the calendar, so the hub keeps one per
 * topic and asks again only when the clock leaves that span.
 */
struct status_hours {
    time_t from, until; /* until: the next change, or -1 for none in the horizon */
    bool open;
    time_t next_open, closes_at, cut; /* as schedule_next_open, schedule_closes_at; -1: none */
    /* while open: when it opens again after closes_at (what helps a visitor
     * turned away at the cut-off); -1 when closed or none in the horizon */
    time_t reopens;
};

/* The hours of t at now. */
void status_hours_at(const struct config_topic *t, time_t now, struct status_hours *out);

/* True when h still says what t's hours say at now. A span with no change
 * in the horizon is trusted for an hour (the horizon moves with the clock). */
bool status_hours_hold(const struct status_hours *h, time_t now);

/* Why a join at now would be refused: 0, CHAT_ERR_CLOSED or
 * CHAT_ERR_QUEUE_FULL, and for the latter *why: the join cut-off (said
 * first: only a later opening helps) or queue_max. */
int status_join_refusal(const struct config_topic *t, const struct status_hours *hours, int waiting,
                        time_t now, enum proto_full_reason *why);

/* The last moment of t's current opening at which a join is accepted:
 * closes_at minus join_cutoff_min, or -1 when closed or not closing within
 * the horizon (contract v3 §1 joins_until). */
time_t status_joins_until(const struct config_topic *t, const struct status_hours *hours);

/* Why a join at now would be refused: 0, CHAT_ERR_CLOSED or CHAT_ERR_QUEUE_FULL. */
int status_join_check(const struct config_topic *t, int waiting, time_t now);
/* The same with t's hours at now already known. */
int status_join_check_hours(const struct config_topic *t, const struct status_hours *hours,
                            int waiting, time_t now);

/* Fills out for topic t; string fields point into t or static text. */
void status_compute(const struct config_topic *t, const struct status_input *in, time_t now,
                    struct proto_topic_status *out);
/* The same with t's hours at now already known. */
void status_compute_hours(const struct config_topic *t, const struct status_hours *hours,
                          const struct status_input *in, time_t now,
                          struct proto_topic_status *out);

/* The next instant > now at which t's status can change by the clock alone
 * (opening, closing, start of the join cut-off), or -1. */
time_t status_next_change(const struct config_topic *t, time_t now);

/* "young" | "parent" | "any". */
const char *status_audience_name(enum config_audience a);

#endif
