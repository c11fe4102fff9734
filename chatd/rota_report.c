/*
 * rota_report: a week's rota from the statistics; see rota_report.h.
 */
#include "rota_report.h"

#include <stdlib.h>
#include <string.h>

#include "chat_err.h"
#include "plan_report.h"
#include "store.h"

void rota_request_init(struct rota_request *q)
{
    memset(q, 0, sizeof(*q));
    q->week = q->from = q->to = -1;
    q->capacity = ROTA_CAPACITY;
    q->shift_min_h = ROTA_SHIFT_MIN_H;
    q->shift_max_h = ROTA_SHIFT_MAX_H;
    q->target = (struct plan_target){PLAN_TARGET_WAIT_S, PLAN_TARGET_SHARE};
}

const char *rota_request_check(const struct config *cfg, const struct rota_request *q)
{
    if (q->week < 0)
        return "week is missing or not a date (YYYY-MM-DD)";
    if (!rota_week_ok(q->week))
        return "week must be a Monday (YYYY-MM-DD)";
    if (q->from < 0 || q->to < 0)
        return "from and to are missing or not dates (YYYY-MM-DD)";
    if (q->to <= q->from)
        return "from is after to";
    if (stats_period_check(q->from, q->to) != 0)
        return "the period from..to is longer than 400 days";
    if (q->topic[0] && config_topic_index(cfg, q->topic) < 0)
        return "unknown topic";
    if (q->capacity < 1 || q->capacity > ROTA_CAPACITY_MAX)
        return "capacity must be 1..50 chats a worker";
    if (q->shift_min_h < 1 || q->shift_min_h > ROTA_SHIFT_LIMIT_H)
        return "shift_min_h must be 1..24";
    if (q->shift_max_h < 1 || q->shift_max_h > ROTA_SHIFT_LIMIT_H)
        return "shift_max_h must be 1..24";
    if (q->shift_min_h > q->shift_max_h)
        return "shift_min_h is above shift_max_h";
    if (!(q->target.wait_s >= 0 && q->target.wait_s <= PLAN_DURATION_MAX_S))
        return "target_wait_s must be 0..1000000 seconds";
    if (!(q->target.share > 0 && q->target.share <= 1))
        return "target_share must be above 0 and at most 1";
    return NULL;
}

void rota_result_fini(struct rota_result *r)
{
    free(r->need);
    free(r->items);
    memset(r, 0, sizeof(*r));
}

/* Solves topic t's week into r's items (grown as needed). */
static int rota_topic(const struct rota_request *q, int t, const int *need, struct rota_result *r)
{
    size_t max = (size_t)r->nhours * (size_t)(q->shift_max_h - q->shift_min_h + 1), n = 0;
    struct rota_shift *sh = calloc(max, sizeof(*sh));
    long total = 0;
    int rc = sh ? rota_solve(need, r->nhours, q->shift_min_h, q->shift_max_h, sh, max, &n, &total)
                : CHAT_ERR_NOMEM;
    struct rota_item *more =
        rc == 0 && n ? realloc(r->items, (r->nitems + n) * sizeof(*more)) : r->items;
    if (rc == 0 && n && !more)
        rc = CHAT_ERR_NOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        r->items = more;
        r->items[r->nitems++] = (struct rota_item){
            .topic = t,
            .start = q->week + (time_t)sh[i].start * 3600,
            .end = q->week + (time_t)(sh[i].start + sh[i].len) * 3600,
            .count = sh[i].count,
        };
    }
    if (rc == 0)
        r->total_h += total;
    free(sh);
    return rc;
}

int rota_make(const struct config *cfg, struct store *st, const struct rota_request *q,
              struct rota_result *out)
{
    memset(out, 0, sizeof(*out));
    if (rota_request_check(cfg, q))
        return CHAT_ERR_BAD_REQUEST;
    out->week = q->week;
    out->capacity = q->capacity;
    out->nhours = rota_week_hours(q->week);
    out->ntopics = cfg->ntopics;
    out->need = calloc(cfg->ntopics * (size_t)out->nhours + 1, sizeof(int));
    struct plan_report *rep = plan_report_new(cfg, q->from, q->to);
    int rc = rep && out->need ? store_stats_each(st, q->from, q->to, q->topic[0] ? q->topic : NULL,
                                                 plan_report_add, rep)
                              : CHAT_ERR_NOMEM;
    int slots[PLAN_WEEK_HOURS];
    for (size_t t = 0; rc == 0 && t < cfg->ntopics; t++) {
        if ((q->topic[0] && strcmp(q->topic, cfg->topics[t].id) != 0) ||
            (q->scoped && !(q->topics & (1u << t))))
            continue;
        int *need = out->need + t * (size_t)out->nhours;
        rc = plan_report_slots(rep, (int)t, &q->target, slots);
        if (rc != 0)
            break;
        rota_need(slots, q->week, out->nhours, q->capacity, need);
        for (int h = 0; h < out->nhours; h++)
            out->need_h += need[h];
        rc = rota_topic(q, (int)t, need, out);
    }
    plan_report_free(rep);
    if (rc != 0)
        rota_result_fini(out);
    return rc;
}

void rota_iso(time_t t, char buf[32])
{
    struct tm tm;
    char off[8];
    localtime_r(&t, &tm);
    size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(off, sizeof(off), "%z", &tm);
    snprintf(buf + n, 32 - n, "%.3s:%.2s", off, off + 3);
}

int rota_print(const struct config *cfg, const struct rota_result *r, enum stats_format fmt,
               FILE *out)
{
    char a[32], b[32];
    if (fmt == STATS_CSV) {
        fputs("topic,start,end,count\n", out);
        for (size_t i = 0; i < r->nitems; i++) {
            rota_iso(r->items[i].start, a);
            rota_iso(r->items[i].end, b);
            fprintf(out, "%s,%s,%s,%d\n", cfg->topics[r->items[i].topic].id, a, b,
                    r->items[i].count);
        }
        fprintf(out, "# total_h=%ld need_h=%ld\n", r->total_h, r->need_h);
        return ferror(out) ? CHAT_ERR_IO : 0;
    }
    /* topic ids are [a-z0-9_-]: nothing in them needs escaping */
    rota_iso(r->week, a);
    fprintf(out, "{\"week\":\"%s\",\"capacity\":%d,\"need\":[", a, r->capacity);
    const char *sep = "";
    for (size_t t = 0; t < r->ntopics; t++)
        for (int h = 0; h < r->nhours; h++) {
            int w = r->need[t * (size_t)r->nhours + h];
            if (w <= 0)
                continue;
            rota_iso(r->week + (time_t)h * 3600, a);
            fprintf(out, "%s{\"topic\":\"%s\",\"start\":\"%s\",\"workers\":%d}", sep,
                    cfg->topics[t].id, a, w);
            sep = ",";
        }
    fputs("],\"shifts\":[", out);
    for (size_t i = 0; i < r->nitems; i++) {
        rota_iso(r->items[i].start, a);
        rota_iso(r->items[i].end, b);
        fprintf(out, "%s{\"topic\":\"%s\",\"start\":\"%s\",\"end\":\"%s\",\"count\":%d}",
                i ? "," : "", cfg->topics[r->items[i].topic].id, a, b, r->items[i].count);
    }
    fprintf(out, "],\"total_h\":%ld,\"need_h\":%ld}\n", r->total_h, r->need_h);
    return ferror(out) ? CHAT_ERR_IO : 0;
}
