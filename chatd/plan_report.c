/*
 * plan_report: a period's plan from its buckets; see plan_report.h.
 *
 * Invariants: weeks[h] is how many hours of week h the period has;
 * cells[t] is NULL until a bucket of topic t arrives; a cell's counts are
 * the sums of its buckets (hours is set when the plan is made).
 */
#include "plan_report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"

struct cell {
    struct plan_counts c;
    bool seen; /* a bucket came */
};

struct plan_report {
    const struct config *cfg;
    time_t from, to;
    long weeks[PLAN_WEEK_HOURS];
    struct cell *cells[CONFIG_MAX_TOPICS]; /* PLAN_WEEK_HOURS each */
};

/* Hour of week of t: 0 = Monday 00:00 local .. 167. */
static int hour_of_week(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return ((tm.tm_wday + 6) % 7) * 24 + tm.tm_hour;
}

struct plan_report *plan_report_new(const struct config *cfg, time_t from, time_t to)
{
    struct plan_report *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->cfg = cfg;
    r->from = from;
    r->to = to;
    for (time_t t = stats_hour_start(from); t < to;) {
        r->weeks[hour_of_week(t)]++;
        time_t next = stats_hour_start(t + 3600);
        t = next > t ? next : t + 3600;
    }
    return r;
}

void plan_report_free(struct plan_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < CONFIG_MAX_TOPICS; i++)
        free(r->cells[i]);
    free(r);
}

int plan_report_add(const struct stats_row *row, void *arg)
{
    struct plan_report *r = arg;
    int t = config_topic_index(r->cfg, row->topic);
    if (t < 0 || row->hour < stats_hour_start(r->from) || row->hour >= r->to)
        return 0;
    if (!r->cells[t] && !(r->cells[t] = calloc(PLAN_WEEK_HOURS, sizeof(struct cell))))
        return CHAT_ERR_NOMEM;
    struct cell *cell = &r->cells[t][hour_of_week(row->hour)];
    struct plan_counts *c = &cell->c;
    const long *n = row->counts;
    cell->seen = true;
    c->joins += n[STAT_JOINS];
    c->answered += n[STAT_ANSWERED];
    c->abandoned += n[STAT_ABANDONED];
    c->wait_answered_s += n[STAT_WAIT_ANSWERED_S];
    c->wait_abandoned_s += n[STAT_WAIT_ABANDONED_S];
    c->chats += n[STAT_CHATS];
    c->chat_s += n[STAT_CHAT_S];
    c->wrapups += n[STAT_WRAPUPS];
    c->wrapup_s += n[STAT_WRAPUP_S];
    c->slot_s += n[STAT_SLOT_S];
    c->worker_s += n[STAT_WORKER_S];
    c->open_s += n[STAT_OPEN_S];
    return 0;
}

/* One planned hour of a topic. */
struct planned {
    bool listed; /* had a join or was open */
    struct plan_estimate e;
    struct plan_row row;
    bool has_row; /* false: no basis (arrivals, and no chat in the whole topic) */
};

/* The whole period's handle time and patience of topic t. */
static struct plan_pooled pooled_of(const struct plan_report *r, int t)
{
    struct plan_counts sum = {.hours = 1};
    struct plan_estimate e;
    for (int h = 0; h < PLAN_WEEK_HOURS; h++) {
        const struct plan_counts *c = &r->cells[t][h].c;
        sum.joins += c->joins;
        sum.answered += c->answered;
        sum.abandoned += c->abandoned;
        sum.wait_answered_s += c->wait_answered_s;
        sum.wait_abandoned_s += c->wait_abandoned_s;
        sum.chats += c->chats;
        sum.chat_s += c->chat_s;
        sum.wrapups += c->wrapups;
        sum.wrapup_s += c->wrapup_s;
    }
    if (plan_estimate(&sum, NULL, &e) != 0)
        return (struct plan_pooled){0, 0};
    return (struct plan_pooled){e.load.handle_s, e.load.patience_s};
}

/* Plans every hour of topic t into p[PLAN_WEEK_HOURS]. */
static void plan_topic(struct plan_report *r, int t, const struct plan_target *target,
                       struct planned *p)
{
    struct plan_pooled pooled = pooled_of(r, t);
    for (int h = 0; h < PLAN_WEEK_HOURS; h++) {
        struct cell *cell = &r->cells[t][h];
        memset(&p[h], 0, sizeof(p[h]));
        if (!cell->seen || r->weeks[h] < 1)
            continue;
        cell->c.hours = r->weeks[h];
        p[h].listed = cell->c.joins > 0 || cell->c.open_s > 0;
        if (plan_estimate(&cell->c, pooled.handle_s > 0 ? &pooled : NULL, &p[h].e) != 0)
            p[h].listed = false;
        int rc = plan_row(&p[h].e, target, &p[h].row);
        p[h].has_row = rc == 0 || rc == CHAT_ERR_NOT_FOUND;
    }
}

/* Redistributes topic t's slot-hours over its open hours into slots;
 * false when it cannot (an hour with joins and no basis). */
static bool redistribute_topic(const struct plan_report *r, int t, const struct planned *p,
                               const struct plan_target *target, struct plan_redistribution *out)
{
    struct plan_hour week[PLAN_WEEK_HOURS];
    for (int h = 0; h < PLAN_WEEK_HOURS; h++) {
        const struct cell *cell = &r->cells[t][h];
        bool open = p[h].listed && cell->c.open_s > 0;
        week[h] = (struct plan_hour){.load = p[h].listed ? p[h].e.load : (struct plan_load){0},
                                     .slots_had = p[h].listed ? p[h].e.slots_had : 0,
                                     .may_open = open,
                                     .min_slots = open && p[h].e.slots_had >= 0.5 ? 1 : 0};
        if (!open)
            week[h].load.arrivals_per_h = 0; /* it may not open: nobody to answer there */
        if (week[h].load.arrivals_per_h > 0 && week[h].load.handle_s <= 0)
            return false;
    }
    return plan_redistribute(week, target, out) == 0;
}

static json_t *share_json(double v)
{
    return v < 0 ? json_null() : json_real(round(v * 1000) / 1000);
}

static json_t *num_json(double v, double scale)
{
    return json_real(round(v * scale) / scale);
}

/* The JSON object of one row. */
static json_t *row_json(const char *topic, int h, long weeks, const struct planned *p,
                        const int *proposed)
{
    const struct plan_estimate *e = &p->e;
    bool ok = p->has_row && p->row.slots_needed >= 0;
    json_t *o = json_pack(
        "{s:s,s:i,s:i,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "topic", topic, "dow",
        h / 24 + 1, "hour", h % 24, "weeks", (json_int_t)weeks, "arrivals_per_h",
        num_json(e->load.arrivals_per_h, 1000), "handle_s", num_json(e->load.handle_s, 10),
        "patience_s", num_json(e->load.patience_s, 10), "slots_had", num_json(e->slots_had, 100),
        "answered_share", share_json(e->answered_share), "slots_needed",
        ok ? json_integer(p->row.slots_needed) : json_null(), "answered_share_at_needed",
        share_json(ok ? p->row.answered_share_at_needed : -1), "wait_share_at_needed",
        share_json(ok ? p->row.wait_share_at_needed : -1), "gain_per_slot",
        p->has_row ? num_json(p->row.gain_per_slot, 100) : json_null(), "thin", e->thin);
    if (o && proposed)
        json_object_set_new(o, "slots_proposed",
                            *proposed >= 0 ? json_integer(*proposed) : json_null());
    return o;
}

static const char *const columns[] = {"topic",
                                      "dow",
                                      "hour",
                                      "weeks",
                                      "arrivals_per_h",
                                      "handle_s",
                                      "patience_s",
                                      "slots_had",
                                      "answered_share",
                                      "slots_needed",
                                      "answered_share_at_needed",
                                      "wait_share_at_needed",
                                      "gain_per_slot",
                                      "thin",
                                      "slots_proposed"};

/* A row as CSV, from its JSON object (null: an empty field). */
static void row_csv(FILE *out, json_t *o, size_t ncols)
{
    for (size_t i = 0; i < ncols; i++) {
        json_t *v = json_object_get(o, columns[i]);
        if (i)
            fputc(',', out);
        if (json_is_string(v))
            fputs(json_string_value(v), out);
        else if (json_is_integer(v))
            fprintf(out, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
            fprintf(out, "%g", json_real_value(v));
        else if (json_is_boolean(v))
            fputs(json_is_true(v) ? "true" : "false", out);
    }
    fputc('\n', out);
}

int plan_report_print(struct plan_report *r, const struct plan_target *t, bool redistribute,
                      enum stats_format fmt, FILE *out)
{
    if (!(t->wait_s >= 0 && t->wait_s <= PLAN_DURATION_MAX_S) || !(t->share > 0 && t->share <= 1))
        return CHAT_ERR_BAD_REQUEST;
    struct planned *p = calloc(PLAN_WEEK_HOURS, sizeof(*p));
    json_t *hours = json_array();
    double now = 0, redistributed = 0, planned = 0;
    int rc = p && hours ? 0 : CHAT_ERR_NOMEM;
    for (size_t i = 0; rc == 0 && i < r->cfg->ntopics; i++) {
        if (!r->cells[i])
            continue;
        struct plan_redistribution red;
        plan_topic(r, (int)i, t, p);
        bool redone = redistribute && redistribute_topic(r, (int)i, p, t, &red);
        if (redone) {
            now += red.answered_now;
            redistributed += red.answered_redistributed;
            planned += red.answered_planned;
        }
        for (int h = 0; h < PLAN_WEEK_HOURS; h++) {
            int proposed = redone ? red.slots[h] : -1;
            if (p[h].listed)
                json_array_append_new(hours, row_json(r->cfg->topics[i].id, h, r->weeks[h], &p[h],
                                                      redistribute ? &proposed : NULL));
        }
    }
    if (rc == 0 && fmt == STATS_CSV) {
        size_t ncols = sizeof(columns) / sizeof(columns[0]) - (redistribute ? 0 : 1), i;
        json_t *row;
        for (i = 0; i < ncols; i++)
            fprintf(out, "%s%s", i ? "," : "", columns[i]);
        fputc('\n', out);
        json_array_foreach(hours, i, row) row_csv(out, row, ncols);
        if (redistribute)
            fprintf(out, "# answered_per_week now=%.1f redistributed=%.1f planned=%.1f\n", now,
                    redistributed, planned);
    } else if (rc == 0) {
        json_t *o = json_pack("{s:{s:f,s:f},s:O}", "target", "wait_s", t->wait_s, "share", t->share,
                              "hours", hours);
        if (o && redistribute)
            json_object_set_new(o, "answered_per_week",
                                json_pack("{s:o,s:o,s:o}", "now", num_json(now, 10),
                                          "redistributed", num_json(redistributed, 10), "planned",
                                          num_json(planned, 10)));
        if (!o || json_dumpf(o, out, JSON_COMPACT | JSON_REAL_PRECISION(15)) != 0)
            rc = CHAT_ERR_NOMEM;
        fputc('\n', out);
        json_decref(o);
    }
    json_decref(hours);
    free(p);
    return rc == 0 && ferror(out) ? CHAT_ERR_IO : rc;
}
