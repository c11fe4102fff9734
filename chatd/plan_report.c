/*
 * plan_report: a period's plan from its buckets; see plan_report.h.
 *
 * Invariants: weeks[h] is how many hours of week h the period has;
 * cells[t] is NULL until a bucket of topic t arrives; a cell's counts are
 * the sums of its buckets (hours is set when the plan is made).
 */
#include "plan_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"
#include "proto.h"

struct cell {
    struct plan_counts c;
    bool seen; /* a bucket came */
};

struct plan_report {
    const struct config *cfg;
    time_t from, to;
    long weeks[PLAN_WEEK_HOURS];
    struct cell *cells[CONFIG_MAX_TOPICS]; /* PLAN_WEEK_HOURS each */
    bool pooled;                           /* print the pooled plan (plan_report_pool) */
};

/* Hour of week of t: 0 = Monday 00:00 local .. 167. */
static int hour_of_week(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return ((tm.tm_wday + 6) % 7) * 24 + tm.tm_hour;
}

/* The local UTC offset at t, in seconds. */
static long offset_at(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_gmtoff;
}

/* a / b rounded down (b > 0). */
static long long floor_div(long long a, long long b)
{
    return a / b - (a % b != 0 && a < 0);
}

/* Adds the local hours of [s, e), all at UTC offset off, to weeks: local
 * hour i since 1970-01-01 00:00 (a Thursday: hour of week 72) is hour of
 * week (i + 72) mod 168, so n consecutive hours give every hour of week
 * n / 168 and the n % 168 from the first one more. */
static void count_span(long weeks[PLAN_WEEK_HOURS], time_t s, time_t e, long off)
{
    long long a = floor_div((long long)s + off, 3600), b = floor_div((long long)e + off, 3600);
    if (b <= a)
        return;
    long long n = b - a, first = ((a + 72) % PLAN_WEEK_HOURS + PLAN_WEEK_HOURS) % PLAN_WEEK_HOURS;
    for (int h = 0; h < PLAN_WEEK_HOURS; h++)
        weeks[h] += (long)(n / PLAN_WEEK_HOURS);
    for (long long k = 0; k < n % PLAN_WEEK_HOURS; k++)
        weeks[(first + k) % PLAN_WEEK_HOURS]++;
}

/* Offsets are probed this far apart: no zone changes its offset twice
 * within a week, so a change between two probes is one change. */
#define OFFSET_PROBE_S ((time_t)7 * 86400)

void plan_report_weeks(time_t from, time_t to, long weeks[PLAN_WEEK_HOURS])
{
    memset(weeks, 0, PLAN_WEEK_HOURS * sizeof(weeks[0]));
    if (to <= from)
        return;
    time_t span = from; /* the local hours of [span, a] are at offset off */
    long off = offset_at(from);
    for (time_t a = from;;) {
        time_t p = to - 1 - a > OFFSET_PROBE_S ? a + OFFSET_PROBE_S : to - 1;
        if (offset_at(p) == off) {
            if (p == to - 1)
                break;
            a = p;
            continue;
        }
        time_t lo = a, hi = p; /* off at lo, another at hi: the first second of it */
        while (hi - lo > 1) {
            time_t mid = lo + (hi - lo) / 2;
            if (offset_at(mid) == off)
                lo = mid;
            else
                hi = mid;
        }
        /* the clock jumped: forward skips local hours, back repeats them */
        count_span(weeks, span, hi, off);
        span = a = hi;
        off = offset_at(hi);
    }
    count_span(weeks, span, to, off);
}

struct plan_report *plan_report_new(const struct config *cfg, time_t from, time_t to)
{
    struct plan_report *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->cfg = cfg;
    r->from = from;
    r->to = to;
    plan_report_weeks(stats_hour_start(from), to, r->weeks);
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
    bool open;   /* some of its seconds were inside the opening hours */
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
        p[h].open = cell->c.open_s > 0;
        p[h].listed = cell->c.joins > 0 || p[h].open;
        if (plan_estimate(&cell->c, pooled.handle_s > 0 ? &pooled : NULL, &p[h].e) != 0)
            p[h].listed = false;
        int rc = plan_row(&p[h].e, target, &p[h].row);
        p[h].has_row = rc == 0 || rc == CHAT_ERR_NOT_FOUND;
    }
}

/* The week of a topic (p: its planned hours) as the summary models it:
 * each open hour with its load and the slots it had, a closed one with
 * nobody to answer; false when the topic is left out of the summary (an
 * hour with joins and no basis, or more than PLAN_REPORT_REDISTRIBUTE_MAX
 * slot-hours). */
static bool topic_week(const struct planned *p, struct plan_hour week[PLAN_WEEK_HOURS])
{
    double slot_hours = 0;
    for (int h = 0; h < PLAN_WEEK_HOURS; h++) {
        bool open = p[h].listed && p[h].open;
        week[h] = (struct plan_hour){.load = p[h].listed ? p[h].e.load : (struct plan_load){0},
                                     .slots_had = p[h].listed ? p[h].e.slots_had : 0,
                                     .may_open = open,
                                     .min_slots = open && p[h].e.slots_had >= 0.5 ? 1 : 0};
        if (!open)
            week[h].load.arrivals_per_h = 0; /* it may not open: nobody to answer there */
        if (week[h].load.arrivals_per_h > 0 && week[h].load.handle_s <= 0)
            return false;
        slot_hours += week[h].slots_had;
    }
    return slot_hours <= PLAN_REPORT_REDISTRIBUTE_MAX;
}

/* Topic t's answered contacts a week as the period's statistics count them:
 * each hour of the week's answers over how many times it came. */
static double observed_of(const struct plan_report *r, int t)
{
    double sum = 0;
    for (int h = 0; h < PLAN_WEEK_HOURS; h++)
        if (r->weeks[h] > 0)
            sum += (double)r->cells[t][h].c.answered / (double)r->weeks[h];
    return sum;
}

/* v rounded to 1/scale. */
static double rounded(double v, double scale)
{
    return round(v * scale) / scale;
}

/* A share to three decimals; < 0 (none) stays -1, which is null. */
static double share(double v)
{
    return v < 0 ? -1 : rounded(v, 1000);
}

/* The row of topic's hour h of the week, as both forms print it. */
static struct proto_plan_row plan_row_of(const char *topic, int h, long weeks,
                                         const struct planned *p, int proposed)
{
    const struct plan_estimate *e = &p->e;
    bool ok = p->has_row && p->row.slots_needed >= 0;
    double had = rounded(e->slots_had, 100);
    return (struct proto_plan_row){
        .topic = topic,
        .dow = h / 24 + 1,
        .hour = h % 24,
        .weeks = weeks,
        .arrivals_per_h = rounded(e->load.arrivals_per_h, 1000),
        .handle_s = rounded(e->load.handle_s, 10),
        .patience_s = rounded(e->load.patience_s, 10),
        .slots_had = had,
        .answered_share = share(e->answered_share),
        .slots_needed = ok ? p->row.slots_needed : -1,
        .answered_share_at_needed = share(ok ? p->row.answered_share_at_needed : -1),
        .wait_share_at_needed = share(ok ? p->row.wait_share_at_needed : -1),
        .gain_per_slot = p->has_row ? rounded(p->row.gain_per_slot, 100) : 0,
        .has_gain = p->has_row,
        .thin = e->thin,
        .slots_proposed = proposed,
        .open = p->open,
        .short_ = plan_short(had, p->row.slots_needed, p->has_row, e->load.arrivals_per_h, p->open),
    };
}

int plan_report_slots(struct plan_report *r, int t, const struct plan_target *target,
                      int slots[PLAN_WEEK_HOURS])
{
    memset(slots, 0, PLAN_WEEK_HOURS * sizeof(slots[0]));
    if (!(target->wait_s >= 0 && target->wait_s <= PLAN_DURATION_MAX_S) ||
        !(target->share > 0 && target->share <= 1) || t < 0 || (size_t)t >= r->cfg->ntopics)
        return CHAT_ERR_BAD_REQUEST;
    if (!r->cells[t])
        return 0;
    struct planned *p = calloc(PLAN_WEEK_HOURS, sizeof(*p));
    if (!p)
        return CHAT_ERR_NOMEM;
    plan_topic(r, t, target, p);
    for (int h = 0; h < PLAN_WEEK_HOURS; h++)
        if (p[h].listed && p[h].open && p[h].has_row && p[h].row.slots_needed > 0)
            slots[h] = p[h].row.slots_needed;
    free(p);
    return 0;
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
                                      "slots_proposed",
                                      "open",
                                      "short"};

/* ,value (null: an empty field). */
static void csv_real(FILE *out, double v, bool null)
{
    fputc(',', out);
    if (!null)
        fprintf(out, "%g", v);
}

/* A row as CSV, the columns of the JSON form in their order. */
static void row_csv(FILE *out, const struct proto_plan_row *r, bool redistribute)
{
    fprintf(out, "%s,%d,%d,%ld", r->topic, r->dow, r->hour, r->weeks);
    csv_real(out, r->arrivals_per_h, false);
    csv_real(out, r->handle_s, false);
    csv_real(out, r->patience_s, false);
    csv_real(out, r->slots_had, false);
    csv_real(out, r->answered_share, r->answered_share < 0);
    fputc(',', out);
    if (r->slots_needed >= 0)
        fprintf(out, "%ld", r->slots_needed);
    csv_real(out, r->answered_share_at_needed, r->answered_share_at_needed < 0);
    csv_real(out, r->wait_share_at_needed, r->wait_share_at_needed < 0);
    csv_real(out, r->gain_per_slot, !r->has_gain);
    fputs(r->thin ? ",true" : ",false", out);
    if (redistribute) {
        fputc(',', out);
        if (r->slots_proposed >= 0)
            fprintf(out, "%d", r->slots_proposed);
    }
    fputs(r->open ? ",true" : ",false", out);
    fputs(r->short_ ? ",true\n" : ",false\n", out);
}

/* The summary of the topics the plan counts (answered_per_week): the
 * model's figures summed over them, and with the pooled plan each org's. */
struct summary {
    double now, redistributed, planned, observed;
    double pooled;                    /* the pooled plan: all orgs as one queue per audience */
    double org_now[CONFIG_MAX_ORGS];  /* each org's topics as staffed, alone */
    double org_pool[CONFIG_MAX_ORGS]; /* its visitors' answered contacts in the pooled queue */
    struct plan_hour *weeks[CONFIG_MAX_TOPICS]; /* the counted topics' weeks (topic_week) */
};

/* The answered contacts a week of week[] as staffed: plan_redistribute's
 * answered_now, the same sum without redistributing. */
static int answered_now_of(const struct plan_hour *week, double *sum)
{
    *sum = 0;
    for (int h = 0; h < PLAN_WEEK_HOURS; h++) {
        double share;
        int rc = plan_answered_at(&week[h].load, week[h].slots_had, &share);
        if (rc != 0)
            return rc;
        *sum += week[h].load.arrivals_per_h * share;
    }
    return 0;
}

/* The pooled plan (contract v3 §4) of the counted topics: in each hour of
 * the week the topics of one audience, whatever their org, are one queue
 * (plan_load_merge) with their slots summed. One queue answers each of its
 * visitors alike, so its answered contacts are shared among the orgs by
 * their arrivals. */
static int pool_week(const struct config *cfg, struct summary *s)
{
    static const enum config_audience audiences[] = {AUDIENCE_YOUNG, AUDIENCE_PARENT, AUDIENCE_ANY};
    for (size_t a = 0; a < sizeof(audiences) / sizeof(audiences[0]); a++) {
        for (int h = 0; h < PLAN_WEEK_HOURS; h++) {
            struct plan_load loads[CONFIG_MAX_TOPICS], q;
            int n = 0;
            double slots = 0, share = 0;
            for (size_t i = 0; i < cfg->ntopics; i++) {
                if (!s->weeks[i] || cfg->topics[i].audience != audiences[a])
                    continue;
                loads[n++] = s->weeks[i][h].load;
                slots += s->weeks[i][h].slots_had;
            }
            int rc = plan_load_merge(loads, n, &q);
            if (rc == 0 && q.arrivals_per_h > 0)
                rc = plan_answered_at(&q, fmin(slots, PLAN_SLOTS_MAX), &share);
            if (rc != 0)
                return rc;
            for (size_t i = 0; i < cfg->ntopics; i++)
                if (s->weeks[i] && cfg->topics[i].audience == audiences[a])
                    s->org_pool[(size_t)cfg->topics[i].org] +=
                        s->weeks[i][h].load.arrivals_per_h * share;
        }
    }
    for (size_t o = 0; o < cfg->norgs; o++)
        s->pooled += s->org_pool[o];
    return 0;
}

/* Plans topic i into p and rows, and adds it to the summary when it counts:
 * with redistribute, redistributed (its rows gain slots_proposed); with
 * pooled, its week kept in s->weeks for pool_week. */
static int plan_topic_rows(struct plan_report *r, size_t i, const struct plan_target *t,
                           bool redistribute, struct planned *p, struct proto_plan *plan,
                           struct proto_plan_row *rows, struct summary *s)
{
    struct plan_redistribution red;
    struct plan_hour week[PLAN_WEEK_HOURS];
    plan_topic(r, (int)i, t, p);
    bool in = (redistribute || r->pooled) && topic_week(p, week);
    bool redone = in && redistribute && plan_redistribute(week, t, &red) == 0;
    if (in && (redone || !redistribute)) {
        double now = 0;
        int rc = redone ? 0 : answered_now_of(week, &now);
        if (rc != 0)
            return rc;
        if (redone) {
            now = red.answered_now;
            s->redistributed += red.answered_redistributed;
            s->planned += red.answered_planned;
        }
        s->now += now;
        s->org_now[(size_t)r->cfg->topics[i].org] += now;
        s->observed += observed_of(r, (int)i);
        if (r->pooled) {
            if (!(s->weeks[i] = malloc(sizeof(week))))
                return CHAT_ERR_NOMEM;
            memcpy(s->weeks[i], week, sizeof(week));
        }
    }
    for (int h = 0; h < PLAN_WEEK_HOURS; h++)
        if (p[h].listed)
            rows[plan->nrows++] = plan_row_of(r->cfg->topics[i].id, h, r->weeks[h], &p[h],
                                              redone ? red.slots[h] : -1);
    return 0;
}

/* The CSV form: a header, the rows, and the summary as comment lines. */
static void print_csv(const struct plan_report *r, const struct proto_plan *plan, bool redistribute,
                      const struct summary *s, FILE *out)
{
    size_t ncols = sizeof(columns) / sizeof(columns[0]);
    for (size_t i = 0, n = 0; i < ncols; i++)
        if (redistribute || strcmp(columns[i], "slots_proposed") != 0)
            fprintf(out, "%s%s", n++ ? "," : "", columns[i]);
    fputc('\n', out);
    for (size_t i = 0; i < plan->nrows; i++)
        row_csv(out, &plan->rows[i], redistribute);
    if (!redistribute && !r->pooled)
        return;
    fprintf(out, "# answered_per_week now=%.1f", s->now);
    if (redistribute)
        fprintf(out, " redistributed=%.1f planned=%.1f", s->redistributed, s->planned);
    fprintf(out, " observed=%.1f", s->observed);
    if (r->pooled)
        fprintf(out, " pooled=%.1f", s->pooled);
    fputc('\n', out);
    for (size_t o = 0; r->pooled && o < r->cfg->norgs; o++)
        fprintf(out, "# answered_per_week org=%s now=%.1f pooled=%.1f\n", r->cfg->orgs[o].id,
                s->org_now[o], s->org_pool[o]);
}

void plan_report_pool(struct plan_report *r, bool pooled)
{
    r->pooled = pooled;
}

int plan_report_print(struct plan_report *r, const struct plan_target *t, bool redistribute,
                      enum stats_format fmt, FILE *out)
{
    if (!(t->wait_s >= 0 && t->wait_s <= PLAN_DURATION_MAX_S) || !(t->share > 0 && t->share <= 1))
        return CHAT_ERR_BAD_REQUEST;
    struct planned *p = calloc(PLAN_WEEK_HOURS, sizeof(*p));
    struct proto_plan plan = {.target_wait_s = t->wait_s,
                              .target_share = t->share,
                              .redistribute = redistribute,
                              .pooled = r->pooled};
    struct proto_plan_row *rows = calloc(r->cfg->ntopics * PLAN_WEEK_HOURS + 1, sizeof(*rows));
    struct proto_plan_org orgs[CONFIG_MAX_ORGS];
    struct summary *s = calloc(1, sizeof(*s));
    int rc = p && rows && s ? 0 : CHAT_ERR_NOMEM;
    for (size_t i = 0; rc == 0 && i < r->cfg->ntopics; i++)
        if (r->cells[i])
            rc = plan_topic_rows(r, i, t, redistribute, p, &plan, rows, s);
    if (rc == 0 && r->pooled)
        rc = pool_week(r->cfg, s);
    plan.rows = rows;
    if (rc == 0 && fmt == STATS_CSV) {
        print_csv(r, &plan, redistribute, s, out);
    } else if (rc == 0) {
        plan.answered_now = rounded(s->now, 10);
        plan.answered_redistributed = rounded(s->redistributed, 10);
        plan.answered_planned = rounded(s->planned, 10);
        plan.answered_observed = rounded(s->observed, 10);
        plan.answered_pooled = rounded(s->pooled, 10);
        for (size_t o = 0; r->pooled && o < r->cfg->norgs; o++)
            orgs[plan.norgs++] = (struct proto_plan_org){.org = r->cfg->orgs[o].id,
                                                         .now = rounded(s->org_now[o], 10),
                                                         .pooled = rounded(s->org_pool[o], 10)};
        plan.orgs = orgs;
        char *body = proto_plan_body(&plan);
        if (!body)
            rc = CHAT_ERR_NOMEM;
        else
            fprintf(out, "%s\n", body);
        free(body);
    }
    for (size_t i = 0; s && i < CONFIG_MAX_TOPICS; i++)
        free(s->weeks[i]);
    free(s);
    free(rows);
    free(p);
    return rc == 0 && ferror(out) ? CHAT_ERR_IO : rc;
}
