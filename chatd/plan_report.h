/*
 * plan_report: the staffing plan of a period (contract v2 §6) from the
 * hourly statistics: `chatadmin plan --from --to` and GET /api/plan.
 *
 * Buckets are summed per (topic, weekday, local hour) into plan_counts
 * (plan.h); `weeks` is how many such hours the period [from, to) had, by
 * the calendar (an hour with no bucket was an hour with nothing in it).
 * Each cell is estimated with plan_estimate, where its own data are thin
 * with the topic's whole-period values (pooled, flagged `thin`), and given
 * its plan_row. One row per topic, weekday (1 = Monday .. 7) and hour that
 * had any join or was open.
 *
 * Redistribution ("same staff, better hours", issue 18.9): per topic, the
 * hours that were open in the period may take slots; each keeps at least 1
 * slot when it had staff (so no hour that was staffed closes), and the
 * week's slot-hours as staffed (sum of slots_had) are spread greedily by
 * plan_redistribute. The summary gives the expected answered contacts per
 * week now, redistributed and with the full plan, summed over the topics.
 * Each slot-hour placed is one step of the greedy walk, so a topic with more
 * than PLAN_REPORT_REDISTRIBUTE_MAX slot-hours a week is not redistributed
 * (its rows' slots_proposed are null): no helpline staffs that much, and
 * the walk stays short whatever an imported file says.
 *
 * Pure: no clock and no I/O but the FILE it prints to; local time as the
 * process's TZ says (the config's timezone).
 */
#ifndef PLAN_REPORT_H
#define PLAN_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "plan.h"
#include "stats.h"

struct plan_report;

/* The most slot-hours a week redistribution spreads (60 slots around the
 * clock). */
#define PLAN_REPORT_REDISTRIBUTE_MAX 10080

/* A report of cfg's topics over [from, to) (local day starts). */
struct plan_report *plan_report_new(const struct config *cfg, time_t from, time_t to);
void plan_report_free(struct plan_report *r);

/* How many times each local hour of week (0 = Monday 00:00 .. 167) occurs
 * in [from, to) (hour starts): counted per stretch of one UTC offset, not
 * hour by hour (one look at the offset per week of the period); an hour
 * the clock skips is not counted, one it repeats counts twice. */
void plan_report_weeks(time_t from, time_t to, long weeks[PLAN_WEEK_HOURS]);

/* Adds a bucket (a stats_put_fn; arg is the report); buckets of topics not
 * in the config, or outside the period, are left out. 0 or CHAT_ERR_NOMEM. */
int plan_report_add(const struct stats_row *row, void *arg);

/* With pooled, plan_report_print adds the pooled plan (contract v3 §4):
 * "answered_per_week" gains "pooled", the answered contacts a week if, in
 * each hour of the week, every org's topics of one audience were one queue
 * (Erlang A with their arrivals and slots summed: plan_load_merge), over the
 * same topics and open hours as "now"; and "orgs": [{"org", "now",
 * "pooled"}], each org's topics as staffed alone, and its visitors' share of
 * the pooled figure (by their arrivals: one queue answers each alike). The
 * CSV ends with the same as comment lines. An upper bound that overflow
 * between the orgs approaches: it ignores languages, overflow_after_s and
 * who may overflow to whom. */
void plan_report_pool(struct plan_report *r, bool pooled);

/* Prints the plan for target t: CSV (a header, then rows) or JSON
 * {"target": {"wait_s", "share"}, "hours": [row...]}; with redistribute,
 * each row gains slots_proposed and the JSON "answered_per_week": {"now",
 * "redistributed", "planned", "observed"} (the CSV ends with a comment line
 * holding them). The first three are the model's; "observed" is what the
 * period's statistics say was answered a week (each hour of the week's
 * `answered` over its weeks), over the same topics. Every row ends with
 * "open" (some second of that hour of the week was inside the opening hours
 * in the period, by the statistics' open_s, which follow the configured
 * hours) and "short" (plan_short). CHAT_ERR_BAD_REQUEST for a bad target,
 * CHAT_ERR_IO when out fails. */
int plan_report_print(struct plan_report *r, const struct plan_target *t, bool redistribute,
                      enum stats_format fmt, FILE *out);

/* The slots topic t (a config index) needs in each hour of the week for
 * target (the rota's input, contract v3 §7): a row's slots_needed where the
 * row is listed and open, else 0 (no row, closed, no basis, or out of
 * reach: no number of slots meets the target; the plan shows such an hour
 * short). 0, CHAT_ERR_BAD_REQUEST for a bad target, or CHAT_ERR_NOMEM. */
int plan_report_slots(struct plan_report *r, int t, const struct plan_target *target,
                      int slots[PLAN_WEEK_HOURS]);

#endif
