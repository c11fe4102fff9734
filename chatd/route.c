/*
 * route: queues, assignment and the routing pass; see route.h.
 */
#include "route.h"

#include <stddef.h>
#include <stdlib.h>

#include "chat.h"
#include "staff.h"

struct visitor *route_visitor_of(struct queue_entry *e)
{
    return (struct visitor *)((char *)e - offsetof(struct visitor, qe));
}

void route_status_input(const struct hub *h, int topic, struct status_input *in)
{
    in->waiting = (int)h->topics[topic].queue.count;
    in->staffed_slots = staff_slots(h, topic);
    in->service = h->topics[topic].service;
}

void route_topic_status(const struct hub *h, int topic, time_t now, struct proto_topic_status *out)
{
    struct status_input in;
    route_status_input(h, topic, &in);
    status_compute(&h->cfg->topics[topic], &in, now, out);
}

/* Marks what a change of topic's queue makes the end of the turn redo. */
static void queue_changed(struct hub *h, int topic)
{
    h->topics[topic].positions_dirty = true;
    h->route_needed = h->status_dirty = h->queue_state_dirty = true;
}

void route_enqueue(struct hub *h, struct visitor *v, int topic, time_t now)
{
    turn_touch_visitor(h, v);
    v->topic = topic;
    v->qe.order = ++h->join_order;
    v->qe.since = now;
    v->qe.cls = QUEUE_NORMAL;
    v->state = PROTO_VISITOR_QUEUED;
    queue_insert(&h->topics[topic].queue, &v->qe);
    queue_changed(h, topic);
}

void route_unqueue(struct hub *h, struct visitor *v)
{
    if (v->state != PROTO_VISITOR_QUEUED)
        return;
    turn_touch_visitor(h, v);
    queue_remove(&h->topics[v->topic].queue, &v->qe);
    v->state = PROTO_VISITOR_IDLE;
    queue_changed(h, v->topic);
}

void route_requeue_front(struct hub *h, struct chat *ch, int topic, time_t now)
{
    struct visitor *v = ch->visitor;
    chat_leave_worker(h, ch);
    turn_touch_visitor(h, v);
    v->state = PROTO_VISITOR_QUEUED;
    v->topic = topic;
    v->qe.since = now;
    v->qe.cls = QUEUE_TRANSFERRED;
    v->qe.rank = ++h->transfer_order;
    v->sent_pos = 0;
    queue_insert(&h->topics[topic].queue, &v->qe);
    if (v->conn)
        route_send_queued(h, v, NULL, now);
    queue_changed(h, topic);
}

void route_release_worker(struct hub *h, struct worker *w, time_t now)
{
    while (w->nchats > 0)
        route_requeue_front(h, w->chats[0], w->chats[0]->visitor->topic, now);
}

int route_assign(struct hub *h, struct visitor *v, struct worker *w, time_t now, const char *ref)
{
    int topic = v->topic;
    struct chat *ch = v->chat;
    time_t waited = now - v->qe.since;
    if (!ch) {
        int rc = chat_new(h, v, topic, now, &ch);
        if (rc != 0)
            return rc; /* the visitor stays in line */
        stats_add(h->stats, topic, STAT_ANSWERED, 1, now);
        stats_add_duration(h->stats, topic, STAT_WAIT_ANSWERED_S, STAT_WAIT_ANSWERED_H0, waited,
                           now);
    }
    route_unqueue(h, v);
    turn_touch_chat(h, ch);
    ch->topic = topic;
    ch->worker = w;
    ch->waited_s = waited;
    ch->started = now;
    v->chat = ch;
    v->state = PROTO_VISITOR_CHATTING;
    staff_add_chat(h, w, ch);
    chat_send_started_visitor(h, ch, NULL);
    chat_send_started_worker(h, w, ch, ref);
    return 0;
}

/* The eligible worker with the fewest active chats, then idle longest. */
static struct worker *best_worker(struct hub *h, int topic)
{
    struct worker *best = NULL;
    for (struct worker *w = h->workers; w; w = w->next) {
        if (!staff_free_for(w, topic))
            continue;
        if (!best || w->nchats < best->nchats ||
            (w->nchats == best->nchats && w->idle_order < best->idle_order))
            best = w;
    }
    return best;
}

void route_run(struct hub *h, time_t now)
{
    h->route_needed = false;
    for (;;) {
        struct queue_entry *best = NULL;
        const struct queue *bq = NULL;
        struct worker *bw = NULL;
        for (size_t i = 0; i < h->cfg->ntopics; i++) {
            const struct queue *q = &h->topics[i].queue;
            struct queue_entry *e = queue_head(q, now);
            if (!e || h->cfg->topics[i].mode != MODE_AUTO ||
                (best && !queue_before(q, e, bq, best, now)))
                continue;
            struct worker *w = best_worker(h, (int)i);
            if (w) {
                best = e;
                bq = q;
                bw = w;
            }
        }
        if (!best || route_assign(h, route_visitor_of(best), bw, now, NULL) != 0)
            return; /* nobody, or storage failed: try again next turn */
    }
}

static void send_queued(struct hub *h, struct visitor *v, int pos, long wait, const char *ref)
{
    v->sent_pos = pos;
    v->sent_wait = wait;
    struct proto_queued q = {h->cfg->topics[v->topic].id, pos, wait};
    if (v->conn)
        conn_send(v->conn, proto_queued(&q, ref));
}

void route_send_queued(struct hub *h, struct visitor *v, const char *ref, time_t now)
{
    struct status_input in;
    int pos = queue_position(&h->topics[v->topic].queue, &v->qe, now);
    route_status_input(h, v->topic, &in);
    send_queued(h, v, pos, status_estimate_wait(&in, pos), ref);
}

void route_push_positions(struct hub *h, int topic, time_t now)
{
    struct topic_state *ts = &h->topics[topic];
    struct status_input in;
    struct queue_iter it;
    int pos = 0;
    ts->positions_dirty = false;
    route_status_input(h, topic, &in);
    queue_iter_init(&it, &ts->queue, now);
    for (struct queue_entry *e; (e = queue_iter_next(&it));) {
        struct visitor *v = route_visitor_of(e);
        long wait = status_estimate_wait(&in, ++pos);
        if (v->sent_pos != pos || v->sent_wait != wait)
            send_queued(h, v, pos, wait, NULL);
    }
}

void route_send_queue_state(struct hub *h, struct worker *w, time_t now)
{
    struct proto_queue_topic t[CONFIG_MAX_TOPICS];
    size_t n = 0;
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        if (!(w->topics & (1u << i)))
            continue;
        const struct config_topic *ct = &h->cfg->topics[i];
        const struct queue *q = &h->topics[i].queue;
        struct queue_entry *head = queue_head(q, now);
        t[n++] = (struct proto_queue_topic){
            .id = ct->id,
            .mode = ct->mode == MODE_PICK ? "pick" : "auto",
            .longest_wait_s = head ? (long)(now - head->since) : 0,
            .waiting = (int)q->count,
            .open = schedule_is_open(&ct->schedule, now),
        };
    }
    staff_send(w, proto_queue_state(t, n));
}
