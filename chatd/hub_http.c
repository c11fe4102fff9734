/*
 * hub_http: the hub's HTTP views: the status body, /api/stats and /api/plan
 * for coordinators (checked here, made by the report worker: report.h),
 * /metrics (aggregate gauges only) and the availability badge.
 * It gathers what a view shows; the bodies themselves are written by the
 * codec's encoders (proto_*_body, proto_badge_svg), the badge's words come
 * from the pages' i18n files (langs). /metrics is plain text, written here.
 */
#include "hub.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_int.h"
#include "langs.h"
#include "plan_report.h"
#include "report.h"
#include "route.h"
#include "scope.h"
#include "staff.h"

/* Keeps body (taken) in c with a strong ETag: a hash of its bytes. */
static void cache_put(struct hub_cached *c, char *body, time_t now)
{
    uint8_t hash[8];
    char hex[2 * sizeof(hash) + 1];
    if (!body)
        return; /* out of memory: the old one is served */
    free(c->body);
    c->body = body;
    c->built = now;
    crypto_generichash(hash, sizeof(hash), (const uint8_t *)body, strlen(body), NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    snprintf(c->etag, sizeof(c->etag), "\"%s\"", hex);
}

void hub_http_status_changed(struct hub *h, char *body, time_t now)
{
    cache_put(&h->status_body, body, now);
}

const char *hub_status_body(struct hub *h, double now, const char **etag)
{
    h->status_requests++;
    if (!h->status_body.body) { /* before the first turn's end */
        struct proto_topic_status topics[CONFIG_MAX_TOPICS];
        for (size_t i = 0; i < h->cfg->ntopics; i++)
            route_topic_status(h, (int)i, (time_t)now, &topics[i]);
        cache_put(&h->status_body, proto_status_body((time_t)now, topics, h->cfg->ntopics),
                  (time_t)now);
    }
    *etag = h->status_body.etag;
    return h->status_body.body;
}

/* Sums of the buckets of one topic per hour of week, for the week view. */
struct week_sums {
    long joins[168], answered[168], wait_s[168], open_s[168];
};

static int week_add(const struct stats_row *row, void *arg)
{
    struct week_sums *w = arg;
    struct tm tm;
    localtime_r(&row->hour, &tm);
    int k = ((tm.tm_wday + 6) % 7) * 24 + tm.tm_hour;
    w->joins[k] += row->counts[STAT_JOINS];
    w->answered[k] += row->counts[STAT_ANSWERED];
    w->wait_s[k] += row->counts[STAT_WAIT_ANSWERED_S];
    w->open_s[k] += row->counts[STAT_OPEN_S];
    return 0;
}

/* The week body of topic i over the 28 days before today. */
static char *week_body(struct hub *h, int i, time_t now)
{
    struct week_sums *w = calloc(1, sizeof(*w));
    char today[STATS_DAY_CHARS], from[STATS_DAY_CHARS], to[STATS_DAY_CHARS];
    stats_format_day(now, today);
    /* the whole days before today: [t0, t1), the last of them `to` */
    time_t t1 = stats_parse_day(today, 0), t0 = stats_parse_day(today, -HUB_WEEK_DAYS),
           last = stats_parse_day(today, -1);
    const char *id = h->cfg->topics[i].id;
    if (!w || t0 < 0 || t1 < 0 || store_stats_each(h->st, t0, t1, id, week_add, w) != 0) {
        free(w);
        return NULL;
    }
    stats_each_unstored(h->stats, t0, t1, id, week_add, w);
    stats_format_day(t0, from);
    stats_format_day(last, to);
    struct proto_week_hour hours[168];
    struct proto_week week = {.topic = id, .from = from, .to = to, .hours = hours};
    for (int k = 0; k < 168; k++) {
        if (w->open_s[k] <= 0 || w->joins[k] < HUB_WEEK_MIN_JOINS)
            continue;
        hours[week.nhours++] = (struct proto_week_hour){
            .dow = k / 24 + 1,
            .hour = k % 24,
            .answered_share = (double)w->answered[k] / (double)w->joins[k],
            .typical_wait_s = w->answered[k] ? w->wait_s[k] / w->answered[k] : -1,
        };
    }
    free(w);
    return proto_status_week_body(&week);
}

const char *hub_status_week(struct hub *h, const char *topic, double now, const char **etag)
{
    int i = topic ? config_topic_index(h->cfg, topic) : -1;
    if (i < 0)
        return NULL;
    struct hub_cached *c = &h->week_body[i];
    if (!c->body || stats_hour_start((time_t)now) != stats_hour_start(c->built))
        cache_put(c, week_body(h, i, (time_t)now), (time_t)now);
    *etag = c->etag;
    return c->body;
}

/* What a report asks: the period, a topic and an org (NULL: all). */
struct stats_ask {
    const char *from, *to, *topic, *org;
};

/* The bearer's right to the statistics, the period [req->from, req->to)
 * of days a->from..a->to, at most STATS_PERIOD_MAX_DAYS long and cut at
 * the start of now's hour (only ended hours are reported), and the topics
 * req may hold: of the bearer's orgs (contract v3 §4; a federation admin's
 * without org: every bucket), of a->org when given. 0 or a chat_err: a
 * topic or org of another org is FORBIDDEN, an unknown one BAD_REQUEST. */
static int stats_access(struct hub *h, const char *bearer, const struct stats_ask *a, double now,
                        struct report_request *req)
{
    struct scope_user u;
    time_t *t0 = &req->from, *t1 = &req->to;
    int rc = scope_bearer(h, bearer, (time_t)now, &u);
    if (rc != 0)
        return rc;
    *t0 = a->from ? stats_parse_day(a->from, 0) : -1;
    *t1 = a->to ? stats_parse_day(a->to, 1) : -1;
    int t = a->topic ? config_topic_index(h->cfg, a->topic) : -1;
    if (*t0 < 0 || *t1 < 0 || (a->topic && t < 0))
        return CHAT_ERR_BAD_REQUEST;
    if ((rc = scope_report_topics(h, &u, a->org, &req->topics)) != 0)
        return rc;
    if (t >= 0 && !(u.topics & (1u << t)))
        return CHAT_ERR_FORBIDDEN;
    req->scoped = !u.all || a->org;
    rc = stats_period_check(*t0, *t1);
    if (rc != 0)
        return rc;
    time_t running = stats_hour_start((time_t)now);
    if (*t1 > running)
        *t1 = running > *t0 ? running : *t0;
    return 0;
}

/* A number of a query in lo..hi into *v (absent: *v stays); 0 or
 * CHAT_ERR_BAD_REQUEST. */
static int query_number(const char *text, double lo, double hi, double *v)
{
    char *end;
    if (!text)
        return 0;
    double x = strtod(text, &end);
    if (end == text || *end || !(x >= lo && x <= hi))
        return CHAT_ERR_BAD_REQUEST;
    *v = x;
    return 0;
}

/* Hands what is counted to the store (the turn's commit stores it before
 * the worker is let read: report_release) and queues req for owner. */
static int report_queue(struct hub *h, struct report_request *req, double now, void *owner,
                        struct report_job **job)
{
    if (!h->reports) {
        free(req->members);
        return CHAT_ERR_INTERNAL;
    }
    req->cfg = h->cfg; /* the running one, also after a reload */
    if (stats_flush(h->stats, (time_t)now, store_stats_put, h->st) != 0) {
        free(req->members);
        return CHAT_ERR_NOMEM;
    }
    return report_submit(h->reports, req, owner, job);
}

/* A flag of a query: absent, "0" or "1". */
static bool query_flag(const char *v)
{
    return !v || strcmp(v, "1") == 0 || strcmp(v, "0") == 0;
}

int hub_api_plan(struct hub *h, const char *bearer, const struct hub_plan_query *q, double now,
                 void *owner, struct report_job **job)
{
    struct report_request req = {.kind = REPORT_PLAN,
                                 .target = {PLAN_TARGET_WAIT_S, PLAN_TARGET_SHARE},
                                 .redistribute =
                                     q->redistribute && strcmp(q->redistribute, "1") == 0,
                                 .pooled = q->pooled && strcmp(q->pooled, "1") == 0};
    *job = NULL;
    struct stats_ask ask = {q->from, q->to, q->topic, q->org};
    int rc = stats_access(h, bearer, &ask, now, &req);
    if (rc == 0 &&
        (query_number(q->target_wait_s, 0, PLAN_DURATION_MAX_S, &req.target.wait_s) != 0 ||
         query_number(q->target_share, 1e-9, 1, &req.target.share) != 0 ||
         !query_flag(q->redistribute) || !query_flag(q->pooled)))
        rc = CHAT_ERR_BAD_REQUEST;
    if (rc != 0)
        return rc;
    snprintf(req.topic, sizeof(req.topic), "%s", q->topic ? q->topic : "");
    return report_queue(h, &req, now, owner, job);
}

/* "until": the end of the hours a report holds, as ISO local time with its
 * offset, after the labels (members of the JSON form). */
static char *stats_members(struct hub *h, time_t until)
{
    struct tm tm;
    char iso[32], off[8], *labels, *members = NULL;
    localtime_r(&until, &tm);
    strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(off, sizeof(off), "%z", &tm);
    labels =
        proto_stats_labels(h->questions, h->cfg->nquestions, h->categories, h->cfg->ncategories);
    size_t n = labels ? strlen(labels) + sizeof(iso) + 32 : 0;
    if (labels && (members = malloc(n)))
        snprintf(members, n, "%s,\"until\":\"%s%.3s:%.2s\"", labels, iso, off, off + 3);
    free(labels);
    return members;
}

int hub_api_stats(struct hub *h, const char *bearer, const char *from, const char *to,
                  const char *topic, const char *org, double now, void *owner,
                  struct report_job **job)
{
    struct report_request req = {.kind = REPORT_STATS};
    struct stats_ask ask = {from, to, topic, org};
    *job = NULL;
    int rc = stats_access(h, bearer, &ask, now, &req);
    if (rc != 0)
        return rc;
    snprintf(req.topic, sizeof(req.topic), "%s", topic ? topic : "");
    /* the questions and categories, so that the page can label the q_ and
     * cat_ counters */
    if (!(req.members = stats_members(h, req.to)))
        return CHAT_ERR_NOMEM;
    return report_queue(h, &req, now, owner, job);
}

void hub_reports_ready(struct hub *h,
                       void (*done)(void *owner, int rc, char *body, size_t len, void *arg),
                       void *arg)
{
    if (h->reports)
        report_poll(h->reports, done, arg);
}

void hub_report_cancel(struct hub *h, struct report_job *job)
{
    if (h->reports && job)
        report_cancel(h->reports, job);
}

void hub_note_commit(struct hub *h, double seconds)
{
    if (seconds > h->slowest_commit_s)
        h->slowest_commit_s = seconds;
}

char *hub_metrics(struct hub *h, double now)
{
    struct status_hours tmp;
    char *text = NULL;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return NULL;
    time_t t = (time_t)now;
    fputs("# HELP chatd_queue_waiting Visitors waiting per topic.\n"
          "# TYPE chatd_queue_waiting gauge\n",
          out);
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        fprintf(out, "chatd_queue_waiting{topic=\"%s\"} %zu\n", h->cfg->topics[i].id,
                h->topics[i].queue.count);
    fputs("# HELP chatd_queue_oldest_wait_seconds How long the first in line has waited.\n"
          "# TYPE chatd_queue_oldest_wait_seconds gauge\n",
          out);
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        struct queue_entry *head = queue_head(&h->topics[i].queue, t);
        fprintf(out, "chatd_queue_oldest_wait_seconds{topic=\"%s\"} %ld\n", h->cfg->topics[i].id,
                head ? (long)(t - head->since) : 0L);
    }
    fputs("# HELP chatd_topic_open 1 when the topic is inside its opening hours.\n"
          "# TYPE chatd_topic_open gauge\n",
          out);
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        fprintf(out, "chatd_topic_open{topic=\"%s\"} %d\n", h->cfg->topics[i].id,
                hub_hours(h, (int)i, t, &tmp)->open);
    fputs("# HELP chatd_workers_on_duty Connected workers on duty per topic.\n"
          "# TYPE chatd_workers_on_duty gauge\n",
          out);
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        fprintf(out, "chatd_workers_on_duty{topic=\"%s\"} %d\n", h->cfg->topics[i].id,
                staff_workers(h, (int)i));
    fputs("# HELP chatd_chats_active Chats in progress.\n# TYPE chatd_chats_active gauge\n", out);
    fprintf(out, "chatd_chats_active %zu\n", idmap_count(h->chats));
    fputs("# HELP chatd_visitor_sessions Visitor sessions held (connected or within grace).\n"
          "# TYPE chatd_visitor_sessions gauge\n",
          out);
    fprintf(out, "chatd_visitor_sessions %zu\n", idmap_count(h->visitors));
    fputs("# HELP chatd_commit_latency_seconds The slowest commit since the last scrape.\n"
          "# TYPE chatd_commit_latency_seconds gauge\n",
          out);
    fprintf(out, "chatd_commit_latency_seconds %.6f\n", h->slowest_commit_s);
    h->slowest_commit_s = 0;
    fputs("# HELP chatd_commits_total Batches committed.\n# TYPE chatd_commits_total counter\n",
          out);
    fprintf(out, "chatd_commits_total %ld\n", h->turn.commits);
    fputs("# HELP chatd_status_requests_total GET /api/status answered (a proxy's cache in front "
          "keeps this low).\n# TYPE chatd_status_requests_total counter\n",
          out);
    fprintf(out, "chatd_status_requests_total %ld\n", h->status_requests);
    fputs("# HELP chatd_commit_failures_total Batches that could not be stored (their senders "
          "were told).\n# TYPE chatd_commit_failures_total counter\n",
          out);
    fprintf(out, "chatd_commit_failures_total %ld\n", h->turn.failures);
    fclose(out);
    return text;
}

/* The badge's colour for ts: green when someone is on duty, brown when
 * full, grey otherwise. */
static const char *badge_fill(const struct proto_topic_status *ts)
{
    if (ts->state == PROTO_TOPIC_FULL)
        return "#8a4b00";
    return ts->state == PROTO_TOPIC_OPEN && ts->staffed ? "#1d6b3a" : "#5b5b5b";
}

char *hub_badge_svg(struct hub *h, const char *topic, const char *lang, double now)
{
    int i = topic ? config_topic_index(h->cfg, topic) : -1;
    struct proto_topic_status ts;
    char label[LANGS_WORD_MAX + 32];
    if (i < 0)
        return NULL;
    route_topic_status(h, i, (time_t)now, &ts);
    /* no lang: Finnish; a language the pages are not shipped in: English */
    langs_avail(langs_words(h->langs, lang), &ts, label, sizeof(label));
    return proto_badge_svg(label, badge_fill(&ts));
}
