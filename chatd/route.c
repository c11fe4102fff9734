/*
 * route: queues, assignment and the routing pass; see route.h.
 */
#include "route.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "session.h"
#include "staff.h"

/* Question q of cfg as frames carry it (with its topics when with_topics). */
static struct proto_question question_of(const struct config *cfg, const struct config_question *q,
                                         bool with_topics)
{
    struct proto_question pq = {.id = q->id, .nanswers = (size_t)q->nanswers};
    for (int l = 0; l < LANG_COUNT; l++)
        pq.text[l] = q->text[l];
    for (int a = 0; a < q->nanswers; a++) {
        pq.answer_id[a] = q->answers[a].id;
        for (int l = 0; l < LANG_COUNT; l++)
            pq.answer_label[a][l] = q->answers[a].label[l];
    }
    for (size_t t = 0; with_topics && t < cfg->ntopics; t++)
        if (q->topics & (1u << t))
            pq.topics[pq.ntopics++] = cfg->topics[t].id;
    return pq;
}

int route_labels_build(struct hub *h)
{
    const struct config *cfg = h->cfg;
    size_t n = cfg->nquestions;
    if (!(h->questions = calloc(n + 1, sizeof(*h->questions))))
        return CHAT_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        h->questions[i] = question_of(cfg, &cfg->questions[i], true);
    for (size_t t = 0; t < cfg->ntopics; t++) {
        if (!(h->topic_questions[t] = calloc(n + 1, sizeof(struct proto_question))))
            return CHAT_ERR_NOMEM;
        for (size_t i = 0; i < n; i++)
            if (cfg->questions[i].topics & (1u << t))
                h->topic_questions[t][h->topic_nquestions[t]++] =
                    question_of(cfg, &cfg->questions[i], false);
    }
    if (!(h->categories = calloc(cfg->ncategories + 1, sizeof(*h->categories))))
        return CHAT_ERR_NOMEM;
    for (size_t i = 0; i < cfg->ncategories; i++) {
        const struct config_category *k = &cfg->categories[i];
        h->categories[i] = (struct proto_category){k->id, {k->label[0], k->label[1], k->label[2]}};
    }
    return 0;
}

void route_labels_free(struct hub *h)
{
    free(h->questions);
    free(h->categories);
    for (size_t t = 0; t < CONFIG_MAX_TOPICS; t++)
        free(h->topic_questions[t]);
}

int route_check_answers(const struct hub *h, int topic, const struct proto_req *r,
                        struct answers *out)
{
    hub_no_answers(out);
    for (size_t i = 0; i < r->nanswers; i++) {
        int q = config_question_index(h->cfg, r->answer_q[i]);
        const struct config_question *cq = q >= 0 ? &h->cfg->questions[q] : NULL;
        int a = cq && (cq->topics & (1u << topic)) ? config_answer_index(cq, r->answer_a[i]) : -1;
        if (a < 0)
            return CHAT_ERR_BAD_REQUEST;
        out->of[q] = (int8_t)a;
        out->urgent |= cq->answers[a].urgent;
    }
    return 0;
}

/* Counts a join's answers (and its urgency) in topic's statistics. */
static void count_answers(struct hub *h, const struct answers *a, int topic, time_t now)
{
    if (a->urgent)
        stats_add(h->stats, topic, STAT_URGENT, 1, now);
    for (size_t q = 0; q < h->cfg->nquestions; q++)
        if (a->of[q] >= 0)
            stats_add(h->stats, topic, stats_answer_counter(h->cfg, (int)q, a->of[q]), 1, now);
}

struct visitor *route_visitor_of(struct queue_entry *e)
{
    return (struct visitor *)((char *)e - offsetof(struct visitor, qe));
}

void route_status_input(const struct hub *h, int topic, time_t now, struct status_input *in)
{
    const struct topic_state *ts = &h->topics[topic];
    in->waiting = (int)ts->queue.count;
    in->staffed_slots = staff_slots(h, topic);
    in->free_slots = staff_free_slots(h, topic);
    in->service = ts->service;
    in->patience_s = status_patience_s(&ts->patience);
    in->urgent_per_s = status_rate_per_s(&ts->urgent_joins, now);
}

/* Adds a stored bucket to the seed of its topic (a stats_put_fn). */
static int seed_add(const struct stats_row *row, void *arg)
{
    struct hub *h = arg;
    int t = config_topic_index(h->cfg, row->topic);
    if (t < 0)
        return 0; /* a topic no longer configured */
    struct status_seed *s = &h->topics[t].seed;
    const long *c = row->counts;
    s->chats += (double)c[STAT_CHATS];
    s->chat_s += (double)c[STAT_CHAT_S];
    s->wrapup_s += (double)c[STAT_WRAPUP_S];
    s->answered += (double)c[STAT_ANSWERED];
    s->abandoned += (double)c[STAT_ABANDONED];
    s->wait_s += (double)(c[STAT_WAIT_ANSWERED_S] + c[STAT_WAIT_ABANDONED_S]);
    return 0;
}

int route_seed_estimates(struct hub *h, time_t now)
{
    time_t from = now - (time_t)STATUS_SEED_DAYS * 86400;
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        h->topics[i].seed = (struct status_seed){0};
    /* to a day ahead: the hours a clock set back (or a test clock moved
     * ahead in the last run) left after now count too */
    int rc = store_stats_each(h->st, from, now + 86400, NULL, seed_add, h);
    for (size_t i = 0; rc == 0 && i < h->cfg->ntopics; i++) {
        struct topic_state *ts = &h->topics[i];
        status_seed_apply(&ts->seed, &ts->service, &ts->patience);
    }
    return rc;
}

void route_topic_status(const struct hub *h, int topic, time_t now, struct proto_topic_status *out)
{
    struct status_input in;
    struct status_hours tmp;
    route_status_input(h, topic, now, &in);
    status_compute_hours(&h->cfg->topics[topic], hub_hours(h, topic, now, &tmp), &in, now, out);
}

/* When queued visitor v may go to a worker who does not speak its
 * language: -1 when it is not waiting for one who does (no language, no
 * fallback time, or no such worker on duty), else that time. */
static time_t lang_fallback_at(const struct hub *h, const struct visitor *v)
{
    int after = h->cfg->topics[v->topic].lang_fallback_s;
    if (v->lang < 0 || after <= 0 || staff_lang_slots(h, v->topic, v->lang) == 0)
        return -1;
    return v->qe.since + after;
}

/* Seconds since the line last moved for v, now at pos: the clock starts
 * again when its place improves (or is first known), not when it worsens. */
static long still_at(struct visitor *v, int pos, time_t now)
{
    if (v->moved_pos == 0 || pos < v->moved_pos)
        v->moved_at = now;
    v->moved_pos = pos;
    return now > v->moved_at ? (long)(now - v->moved_at) : 0;
}

/* What v's estimate depends on besides its position pos. */
static struct status_who who_of(const struct hub *h, struct visitor *v, int pos, time_t now)
{
    time_t at = lang_fallback_at(h, v);
    return (struct status_who){
        .urgent = queue_is_urgent(&h->topics[v->topic].queue, &v->qe, now),
        .lang_slots = at > now ? staff_lang_slots(h, v->topic, v->lang) : -1,
        .fallback_s = at > now ? (long)(at - now) : 0,
        .still_s = still_at(v, pos, now),
    };
}

void route_enqueue(struct hub *h, struct visitor *v, int topic, const struct answers *a, time_t now)
{
    struct queue_entry place = {
        .order = ++h->join_order, .since = now, .cls = a->urgent ? QUEUE_URGENT : QUEUE_NORMAL};
    turn_touch_visitor(h, v);
    v->answers = *a;
    v->moved_pos = 0;
    count_answers(h, a, topic, now);
    session_set_state(h, v, PROTO_VISITOR_QUEUED, topic, &place);
    if (a->urgent)
        status_rate_add(&h->topics[topic].urgent_joins, now);
}

void route_unqueue(struct hub *h, struct visitor *v)
{
    if (v->state == PROTO_VISITOR_QUEUED)
        session_set_state(h, v, PROTO_VISITOR_IDLE, v->topic, NULL);
}

void route_requeue_front(struct hub *h, struct chat *ch, int topic, time_t now)
{
    struct visitor *v = ch->visitor;
    struct queue_entry place = {
        .order = v->qe.order, .rank = ++h->transfer_order, .since = now, .cls = QUEUE_TRANSFERRED};
    chat_leave_worker(h, ch, now);
    session_set_state(h, v, PROTO_VISITOR_QUEUED, topic, &place);
    v->sent_pos = 0;
    v->moved_pos = 0;
    if (v->conn)
        route_send_queued(h, v, NULL, now);
}

void route_release_worker(struct hub *h, struct worker *w, time_t now)
{
    while (w->nchats > 0)
        route_requeue_front(h, w->chats[0], w->chats[0]->visitor->topic, now);
}

/* ---- overflow (contract v3 §4) ----------------------------------------------
 *
 * A visitor of org A waits in A's topic, in A's queue, and keeps its place
 * there. Tier 0 is A's own workers on duty for the topic; tier k (1..) is
 * the k-th org of A's overflow_to, whose workers on duty for a topic of the
 * same audience may also take the visitor once it has waited k times A's
 * overflow_after_s. A worker of a lower tier always goes first. */

/* The topics of the k-th org of topic's org's overflow_to (k >= 1) with
 * topic's audience; 0 when there is no such tier. */
static uint32_t tier_topics(const struct config *cfg, int topic, int k)
{
    const struct config_topic *t = &cfg->topics[topic];
    const struct config_org *o = &cfg->orgs[t->org];
    if (k < 1 || k > o->noverflow)
        return 0;
    uint32_t m = 0;
    for (size_t i = 0; i < cfg->ntopics; i++)
        if (cfg->topics[i].org == o->overflow_to[k - 1] && cfg->topics[i].org != t->org &&
            cfg->topics[i].audience == t->audience)
            m |= 1u << i;
    return m;
}

int route_tiers_open(const struct config *cfg, int topic, time_t since, time_t now, time_t *next)
{
    const struct config_org *o = &cfg->orgs[cfg->topics[topic].org];
    long after = o->overflow_after_s;
    long waited = now > since ? (long)(now - since) : 0;
    long open = after > 0 ? waited / after : o->noverflow;
    if (open > o->noverflow)
        open = o->noverflow;
    if (next)
        *next = open < o->noverflow ? since + (time_t)((open + 1) * after) : -1;
    return (int)open;
}

/* Where topic's waiting visitors may go: mask[0] the topic, mask[k] the
 * topics of tier k, for k up to the topic's last tier (the count). */
static int tier_masks(const struct config *cfg, int topic, uint32_t mask[CONFIG_MAX_ORGS + 1])
{
    int n = cfg->orgs[cfg->topics[topic].org].noverflow;
    mask[0] = 1u << topic;
    for (int k = 1; k <= n; k++)
        mask[k] = tier_topics(cfg, topic, k);
    return n;
}

/* The lowest tier k <= upto at which w's duty reaches mask (the topic of
 * its duty it answers on in *on), or -1. */
static int tier_of(const struct worker *w, const uint32_t *mask, int upto, int *on)
{
    for (int k = 0; k <= upto; k++) {
        uint32_t m = w->topics & mask[k];
        if (m) {
            *on = __builtin_ctz(m);
            return k;
        }
    }
    return -1;
}

int route_answer_topic(const struct hub *h, const struct worker *w, int topic)
{
    uint32_t mask[CONFIG_MAX_ORGS + 1];
    int on, n = tier_masks(h->cfg, topic, mask);
    return tier_of(w, mask, n, &on) >= 0 ? on : topic;
}

int route_answer_org(const struct hub *h, const struct worker *w, int topic, int *on)
{
    const struct config *cfg = h->cfg;
    uint32_t mask[CONFIG_MAX_ORGS + 1];
    int n = tier_masks(cfg, topic, mask);
    *on = topic;
    if (worker_in_org(h, w, cfg->topics[topic].org))
        return cfg->topics[topic].org;
    for (int k = 1; k <= n; k++)
        if (mask[k] && worker_in_org(h, w, cfg->orgs[cfg->topics[topic].org].overflow_to[k - 1])) {
            *on = __builtin_ctz(mask[k]);
            return cfg->topics[*on].org;
        }
    return cfg->topics[topic].org;
}

int route_assign(struct hub *h, struct visitor *v, struct worker *w, time_t now, const char *ref)
{
    int topic = v->topic;
    struct chat *ch = v->chat;
    time_t waited = now - v->qe.since;
    int on = route_answer_topic(h, w, topic);
    bool overflow = h->cfg->topics[on].org != h->cfg->topics[topic].org;
    if (!ch) {
        int rc = chat_new(h, v, topic, h->cfg->topics[on].org, now, &ch);
        if (rc != 0)
            return rc; /* the visitor stays in line */
        stats_add(h->stats, topic, STAT_ANSWERED, 1, now);
        stats_add_duration(h->stats, topic, STAT_WAIT_ANSWERED_S, STAT_WAIT_ANSWERED_H0, waited,
                           now);
        status_patience_add(&h->topics[topic].patience, (double)waited, false);
        ch->urgent = v->answers.urgent;
    }
    if (overflow) {
        stats_add(h->stats, topic, STAT_OVERFLOW_OUT, 1, now);
        stats_add(h->stats, on, STAT_OVERFLOW_IN, 1, now);
    }
    turn_touch_chat(h, ch);
    chat_label(h, ch, topic, now);
    ch->topic = topic;
    ch->waited_s = waited;
    ch->started = now;
    ch->overflow = overflow;
    ch->answer_topic = on;
    ch->last_worker_msg = -1; /* this worker's part: its first reply is awaited */
    ch->reply_alerted = false;
    turn_touch_visitor(h, v);
    v->chat = ch;
    session_set_state(h, v, PROTO_VISITOR_CHATTING, topic, NULL);
    staff_add_chat(h, w, ch);
    chat_send_started_visitor(h, ch, NULL);
    chat_send_started_worker(h, w, ch, ref);
    return 0;
}

/* True when w is on duty, connected and has a free chat slot. */
static bool has_slot(const struct worker *w)
{
    return w->on_duty && w->ntabs && w->nchats + w->wrapups.n < w->capacity &&
           w->nchats < WORKER_MAX_CHATS;
}

/* When queued visitor v may go to a worker who does not speak its
 * language, with the tiers up to open reaching mask: -1 when it is not
 * waiting for one who does (no language, no fallback time, or no such
 * worker on duty in those tiers), else that time. */
static time_t route_fallback_at(const struct hub *h, const struct visitor *v, const uint32_t *mask,
                                int open)
{
    int after = h->cfg->topics[v->topic].lang_fallback_s;
    int on;
    if (v->lang < 0 || after <= 0)
        return -1;
    for (const struct worker *w = h->workers; w; w = w->next)
        if (w->on_duty && w->ntabs && staff_speaks(w, v->lang) && tier_of(w, mask, open, &on) >= 0)
            return v->qe.since + after;
    return -1;
}

/* Sets h->lang_wake to at when that is sooner. */
static void wake_at(struct hub *h, time_t at)
{
    if (at >= 0 && (h->lang_wake < 0 || at < h->lang_wake))
        h->lang_wake = at;
}

/* The eligible worker for v (whose topic's tiers are mask[0..ntiers]):
 * of the lowest tier open (its own first), then with the fewest active
 * chats, then idle longest; one who speaks v's language while v waits for
 * one. */
static struct worker *best_worker(struct hub *h, const struct visitor *v, const uint32_t *mask,
                                  int ntiers, time_t now)
{
    struct worker *best = NULL;
    int best_tier = 0, on;
    time_t next_tier;
    int open = route_tiers_open(h->cfg, v->topic, v->qe.since, now, &next_tier);
    time_t fallback = route_fallback_at(h, v, mask, open);
    bool any = fallback < 0 || fallback <= now;
    for (struct worker *w = h->workers; w; w = w->next) {
        int tier;
        if (!has_slot(w) || (tier = tier_of(w, mask, open, &on)) < 0 ||
            (!any && !staff_speaks(w, v->lang)))
            continue;
        if (!best || tier < best_tier ||
            (tier == best_tier &&
             (w->nchats < best->nchats ||
              (w->nchats == best->nchats && w->idle_order < best->idle_order)))) {
            best = w;
            best_tier = tier;
        }
    }
    if (best)
        return best;
    if (!any)
        wake_at(h, fallback); /* try again when anyone may take it */
    for (const struct worker *w = h->workers; next_tier >= 0 && w; w = w->next)
        if (has_slot(w) && tier_of(w, mask, ntiers, &on) > open) {
            wake_at(h, next_tier); /* a free partner's tier opens then */
            break;
        }
    return NULL;
}

/* True when some worker with a free slot is on duty for a topic of
 * mask[0..n] (a topic and its tiers). */
static bool anyone_free_for(const struct hub *h, const uint32_t *mask, int n)
{
    int on;
    for (const struct worker *w = h->workers; w; w = w->next)
        if (has_slot(w) && tier_of(w, mask, n, &on) >= 0)
            return true;
    return false;
}

/* The first visitor of topic, in service order, that a free worker can
 * take now, and that worker; NULL when none. */
static struct queue_entry *first_servable(struct hub *h, int topic, time_t now, struct worker **w)
{
    struct queue_iter it;
    uint32_t mask[CONFIG_MAX_ORGS + 1];
    int n = tier_masks(h->cfg, topic, mask);
    if (h->cfg->topics[topic].mode != MODE_AUTO || h->topics[topic].queue.count == 0 ||
        !anyone_free_for(h, mask, n))
        return NULL;
    queue_iter_init(&it, &h->topics[topic].queue, now);
    for (struct queue_entry *e; (e = queue_iter_next(&it));)
        if ((*w = best_worker(h, route_visitor_of(e), mask, n, now)))
            return e;
    return NULL;
}

void route_run(struct hub *h, time_t now)
{
    (void)hub_redo_take(h, REDO_ROUTE);
    for (;;) {
        struct queue_entry *best = NULL;
        const struct queue *bq = NULL;
        struct worker *bw = NULL;
        h->lang_wake = -1;
        for (size_t i = 0; i < h->cfg->ntopics; i++) {
            const struct queue *q = &h->topics[i].queue;
            struct worker *w;
            struct queue_entry *e = first_servable(h, (int)i, now, &w);
            if (e && (!best || queue_before(q, e, bq, best, now))) {
                best = e;
                bq = q;
                bw = w;
            }
        }
        if (!best || route_assign(h, route_visitor_of(best), bw, now, NULL) != 0)
            return; /* nobody, or storage failed: try again next turn */
    }
}

/* What `queued` says to the visitors of topic besides place and estimate;
 * staffed: someone is on duty who can answer them, of the topic's org or
 * of an org it overflows to (contract v3 §4: the partner answers later,
 * but somebody is there). */
struct queued_ctx {
    struct status_input in;
    const struct status_hours *hours;
    struct status_hours tmp;
    bool staffed;
};

/* True when a connected worker is on duty for a topic of one of topic's
 * overflow tiers. */
static bool partner_on_duty(const struct hub *h, int topic)
{
    uint32_t mask[CONFIG_MAX_ORGS + 1];
    int on, n = tier_masks(h->cfg, topic, mask);
    if (h->cfg->topics[topic].mode != MODE_AUTO) /* picked by its own workers only */
        return false;
    for (const struct worker *w = h->workers; n > 0 && w; w = w->next)
        if (w->on_duty && w->ntabs && tier_of(w, mask, n, &on) > 0)
            return true;
    return false;
}

static void queued_ctx_init(struct hub *h, int topic, time_t now, struct queued_ctx *x)
{
    route_status_input(h, topic, now, &x->in);
    x->hours = hub_hours(h, topic, now, &x->tmp);
    x->staffed = x->in.staffed_slots > 0 || partner_on_duty(h, topic);
}

static void send_queued(struct hub *h, struct visitor *v, const struct queued_ctx *x, int pos,
                        long wait, const char *ref, time_t now)
{
    struct topic_state *ts = &h->topics[v->topic];
    struct proto_queued q = {
        .topic = h->cfg->topics[v->topic].id,
        .position = pos,
        .estimated_wait_s = wait,
        .waited_s = now > v->qe.since ? (long)(now - v->qe.since) : 0,
        .closes_at = x->hours->open ? x->hours->closes_at : -1,
        .next_open = x->hours->open ? -1 : x->hours->next_open,
        .staffed = x->staffed,
    };
    v->sent_pos = pos;
    v->sent_wait = wait;
    v->sent_at = now;
    v->sent_hours = x->hours->open ? q.closes_at : q.next_open;
    v->sent_staffed = q.staffed;
    if (ts->resend_at < 0 || now + ROUTE_QUEUED_EVERY_S < ts->resend_at)
        ts->resend_at = now + ROUTE_QUEUED_EVERY_S;
    if (v->conn)
        conn_send(v->conn, proto_queued(&q, ref));
}

void route_send_queued(struct hub *h, struct visitor *v, const char *ref, time_t now)
{
    struct queued_ctx x;
    int pos = queue_position(&h->topics[v->topic].queue, &v->qe, now);
    queued_ctx_init(h, v->topic, now, &x);
    struct status_who who = who_of(h, v, pos, now);
    send_queued(h, v, &x, pos, status_estimate_for(&x.in, pos, &who), ref, now);
}

/* True when v, now at pos with estimate wait, should hear it: its place,
 * the staffing or the hours changed, the estimate appeared, went or moved
 * by ROUTE_QUEUED_SLACK_S, or ROUTE_QUEUED_EVERY_S passed. */
static bool queued_due(const struct visitor *v, const struct queued_ctx *x, int pos, long wait,
                       time_t now)
{
    long moved = wait - v->sent_wait;
    time_t hours = x->hours->open ? x->hours->closes_at : x->hours->next_open;
    return v->sent_pos != pos || v->sent_staffed != x->staffed || v->sent_hours != hours ||
           (wait < 0) != (v->sent_wait < 0) || moved >= ROUTE_QUEUED_SLACK_S ||
           moved <= -ROUTE_QUEUED_SLACK_S || now - v->sent_at >= ROUTE_QUEUED_EVERY_S;
}

void route_push_positions(struct hub *h, int topic, time_t now)
{
    struct topic_state *ts = &h->topics[topic];
    struct queued_ctx x;
    struct queue_iter it;
    int pos = 0;
    (void)hub_redo_take_positions(h, topic);
    queued_ctx_init(h, topic, now, &x);
    ts->resend_at = -1;
    queue_iter_init(&it, &ts->queue, now);
    for (struct queue_entry *e; (e = queue_iter_next(&it));) {
        struct visitor *v = route_visitor_of(e);
        struct status_who who = who_of(h, v, ++pos, now);
        long wait = status_estimate_for(&x.in, pos, &who);
        if (queued_due(v, &x, pos, wait, now))
            send_queued(h, v, &x, pos, wait, NULL, now);
        else if (ts->resend_at < 0 || v->sent_at + ROUTE_QUEUED_EVERY_S < ts->resend_at)
            ts->resend_at = v->sent_at + ROUTE_QUEUED_EVERY_S;
    }
}

time_t route_next_resend(const struct hub *h)
{
    time_t next = -1;
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        const struct topic_state *ts = &h->topics[i];
        if (ts->queue.count > 0 && ts->resend_at >= 0 && (next < 0 || ts->resend_at < next))
            next = ts->resend_at;
    }
    return next;
}

static void forget_sent(struct queue_entry *e, void *arg)
{
    (void)arg;
    route_visitor_of(e)->sent_pos = 0;
}

void route_forget_sent(struct hub *h)
{
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        queue_each(&h->topics[i].queue, forget_sent, NULL);
}

/* Topic i as queue_state shows it at now. */
static struct proto_queue_topic queue_topic(const struct hub *h, size_t i, time_t now)
{
    const struct config_topic *ct = &h->cfg->topics[i];
    const struct queue *q = &h->topics[i].queue;
    struct status_hours tmp;
    const struct status_hours *hours = hub_hours(h, (int)i, now, &tmp);
    int why = status_join_check_hours(ct, hours, (int)q->count, now);
    time_t oldest = queue_oldest_since(q);
    return (struct proto_queue_topic){
        .id = ct->id,
        .mode = ct->mode == MODE_PICK ? "pick" : "auto",
        .longest_wait_s = oldest >= 0 ? (long)(now - oldest) : 0,
        .waiting = (int)q->count,
        .urgent_waiting = (int)queue_urgent_count(q, now),
        .on_duty = staff_workers(h, (int)i),
        .state = why == CHAT_ERR_CLOSED ? PROTO_TOPIC_CLOSED
                 : why                  ? PROTO_TOPIC_FULL
                                        : PROTO_TOPIC_OPEN,
        .open = hours->open,
    };
}

/* The waits of topic i that w could answer by overflow at now (its tier
 * for them open); false when none. The hub wakes when the tier opens for
 * a later one, so that the frame says so on time (h->lang_wake). */
static bool overflow_wait(struct hub *h, const struct worker *w, size_t i, time_t now,
                          struct proto_overflow_wait *out)
{
    uint32_t mask[CONFIG_MAX_ORGS + 1];
    const struct queue *q = &h->topics[i].queue;
    struct queue_iter it;
    int on, n = tier_masks(h->cfg, (int)i, mask);
    int tier = tier_of(w, mask, n, &on); /* w's lowest: 0 when it is the topic's own */
    long after = h->cfg->orgs[h->cfg->topics[i].org].overflow_after_s;
    if (!w->on_duty || !w->ntabs || q->count == 0 || tier < 1 ||
        h->cfg->topics[i].mode != MODE_AUTO) /* picked by its own workers only */
        return false;
    *out = (struct proto_overflow_wait){.topic = h->cfg->topics[i].id,
                                        .org = h->cfg->orgs[h->cfg->topics[i].org].id};
    queue_iter_init(&it, q, now);
    for (struct queue_entry *e; (e = queue_iter_next(&it));) {
        if (route_tiers_open(h->cfg, (int)i, e->since, now, NULL) < tier) {
            wake_at(h, e->since + (time_t)(tier * after));
            continue;
        }
        out->waiting++;
        out->urgent_waiting += queue_is_urgent(q, e, now);
        if (now - e->since > out->longest_wait_s)
            out->longest_wait_s = (long)(now - e->since);
    }
    return out->waiting > 0;
}

void route_send_queue_state(struct hub *h, struct worker *w, time_t now)
{
    struct proto_queue_topic t[CONFIG_MAX_TOPICS], o[CONFIG_MAX_TOPICS];
    struct proto_overflow_wait ow[CONFIG_MAX_TOPICS];
    size_t n = 0, no = 0, nov = 0;
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        if (w->topics & (1u << i))
            t[n++] = queue_topic(h, i, now);
        else if (worker_sees_topic(h, w, (int)i)) /* its orgs' only (contract v3 §4) */
            o[no++] = queue_topic(h, i, now);
        nov += overflow_wait(h, w, i, now, &ow[nov]);
    }
    staff_send(w, proto_queue_state_overflow(t, n, o, no, ow, nov));
}
