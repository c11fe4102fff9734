/*
 * rota_report: a week's rota from the statistics (contract v3 §7): the plan
 * of a period (plan_report), its slots per hour of the week turned into the
 * week's need and the fewest worker-hours of shifts that cover it (rota.h),
 * per topic. `chatadmin rota make` and POST /api/rota (made by the report
 * thread) print the same JSON; publishing stores one open shift per worker
 * position (store.h, rota_shift).
 *
 * Local time as the process's TZ says (the config's timezone).
 */
#ifndef ROTA_REPORT_H
#define ROTA_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "plan.h"
#include "rota.h"
#include "stats.h"

struct store;

/* What to make; rota_request_check says what is wrong with one. */
struct rota_request {
    time_t week;                         /* a local Monday 00:00 */
    time_t from, to;                     /* the plan's period: [from, to) of local day starts */
    char topic[CONFIG_TOPIC_ID_MAX + 1]; /* "": every topic */
    bool scoped;                         /* contract v3 §4: only the topics of... */
    uint32_t topics;                     /* ...this mask (bit i = cfg->topics[i]) */
    int capacity;                        /* chats a worker holds */
    int shift_min_h, shift_max_h;
    struct plan_target target;
};

/* The defaults: capacity 2, shifts of 3 to 5 hours, the plan's target. */
void rota_request_init(struct rota_request *q);

/* NULL when q may be made, else why not, in words for a coordinator
 * ("week must be a Monday (YYYY-MM-DD)", ...). */
const char *rota_request_check(const struct config *cfg, const struct rota_request *q);

/* One kind of shift of a topic. */
struct rota_item {
    int topic; /* config index */
    time_t start, end;
    int count;
};

/* A made rota (rota_make), freed with rota_result_fini. */
struct rota_result {
    time_t week;
    int capacity;
    int nhours; /* of the week: 167, 168 or 169 */
    int *need;  /* ntopics x nhours: the workers each topic needs each hour */
    size_t ntopics;
    struct rota_item *items; /* by topic, start, end */
    size_t nitems;
    long total_h; /* worker-hours of the shifts */
    long need_h;  /* the summed need (worker-hours) */
};

/* Makes q's rota from st's statistics over cfg's topics into out: 0,
 * CHAT_ERR_BAD_REQUEST (rota_request_check), CHAT_ERR_NOMEM, or a store
 * error. */
int rota_make(const struct config *cfg, struct store *st, const struct rota_request *q,
              struct rota_result *out);
void rota_result_fini(struct rota_result *r);

/* Prints r as JSON ({week, capacity, need, shifts, total_h, need_h}) or
 * CSV (topic,start,end,count, one shift kind a line, then a comment line
 * "# total_h=N need_h=M"). 0 or CHAT_ERR_IO. */
int rota_print(const struct config *cfg, const struct rota_result *r, enum stats_format fmt,
               FILE *out);

/* t as ISO 8601 local time with its offset: "2026-03-30T00:00:00+03:00". */
void rota_iso(time_t t, char buf[32]);

#endif
