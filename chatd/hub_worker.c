/*
 * hub_worker: the worker.v1 requests (contract §3.2), each checked for the
 * role and that the chat is the worker's, and handed to the room that owns it.
 */
#include "hub_req.h"

#include "chat.h"
#include "hub_letters.h"
#include "login.h"
#include "route.h"
#include "scope.h"
#include "session.h"
#include "staff.h"
#include "supervise.h"

static void send_error(struct conn *c, int err, const char *ref)
{
    conn_send(c, proto_error(err, ref, NULL));
}

static void worker_duty(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r,
                        time_t now)
{
    uint32_t mask = 0;
    if (w->role == PROTO_ROLE_COORDINATOR)
        return send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
    for (size_t i = 0; i < r->ntopics; i++) {
        int t = config_topic_index(h->cfg, r->topics[i]);
        if (t < 0)
            return send_error(c, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
        if (!worker_sees_topic(h, w, t)) /* only its orgs' topics (contract v3 §4) */
            return send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
        mask |= 1u << t;
    }
    struct staff_duty duty = {.on = r->on,
                              .topics = mask,
                              .capacity = r->capacity,
                              .langs = r->has_langs ? r->langs : staff_all_langs()};
    staff_set_duty(h, w, &duty, now);
    for (int i = 0; i < w->ntabs; i++) /* every tab shows the same duty; the asker gets the ref */
        conn_send(w->tabs[i]->conn, staff_duty_frame(h, w, w->tabs[i]->conn == c ? r->ref : NULL));
    if (r->on)
        route_send_queue_state(h, w, now);
}

/* The chat of a worker request, which must be one of w's chats (or, when
 * joined is set, one that w joined as a supervisor). */
static struct chat *worker_chat(struct hub *h, struct conn *c, struct worker *w,
                                const struct proto_req *r, bool joined)
{
    struct chat *ch = idmap_get(h->chats, r->chat);
    if (!ch || (ch->worker != w && !(joined && supervise_joined(ch, w)))) {
        send_error(c, ch ? CHAT_ERR_FORBIDDEN : CHAT_ERR_BAD_STATE, r->ref);
        return NULL;
    }
    return ch;
}

/* The chat of a supervisor's request (a live chat of its orgs: scope.h),
 * or NULL after an error: forbidden for a worker or another org's chat,
 * bad_state for no such chat. */
static struct chat *supervised_chat(struct hub *h, struct conn *c, const struct worker *w,
                                    const struct proto_req *r)
{
    struct chat *ch = supervise_may(w->role) ? idmap_get(h->chats, r->chat) : NULL;
    if (ch && !scope_chat(h, w, ch)) {
        send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
        return NULL;
    }
    if (!ch)
        send_error(c, supervise_may(w->role) ? CHAT_ERR_BAD_STATE : CHAT_ERR_FORBIDDEN, r->ref);
    return ch;
}

/* `wrapup` {chat, kind, categories}: counted, and the slot frees. */
static void worker_wrapup(struct hub *h, struct conn *c, struct worker *w,
                          const struct proto_req *r, time_t now)
{
    int i = staff_wrapup_find(w, r->chat), cats[PROTO_MAX_CATEGORIES];
    if (i < 0)
        return send_error(
            c, staff_wrapup_done(w, r->chat) ? CHAT_ERR_BAD_STATE : CHAT_ERR_BAD_REQUEST, r->ref);
    for (size_t k = 0; k < r->ncategories; k++)
        if ((cats[k] = config_category_index(h->cfg, r->categories[k])) < 0)
            return send_error(c, CHAT_ERR_BAD_REQUEST, r->ref);
    int topic = w->wrapups.w[i].topic;
    stats_add(h->stats, topic, STAT_KIND_0 + r->kind, 1, now);
    for (size_t k = 0; k < r->ncategories; k++) {
        bool again = false; /* a category named twice counts once */
        for (size_t j = 0; j < k; j++)
            again |= cats[j] == cats[k];
        if (!again)
            stats_add(h->stats, topic, stats_category_counter(h->cfg, cats[k]), 1, now);
    }
    staff_wrapup_end(h, w, i, now);
    conn_send(c, proto_ack(0, r->ref));
}

/* The requests of contract v2 §3 (supervision) and `flag`. */
static void worker_shift(struct hub *h, struct conn *c, struct tab *tab, const struct proto_req *r,
                         time_t now)
{
    struct worker *w = tab->worker;
    struct chat *ch;
    switch (r->type) {
    case PT_FLAG:
        if ((ch = worker_chat(h, c, w, r, false))) {
            chat_flag(h, ch, r->urgent);
            conn_send(c, proto_ack(0, r->ref));
        }
        return;
    case PT_WRAPUP:
        return worker_wrapup(h, c, w, r, now);
    case PT_SHIFTS:
    case PT_SHIFT_TAKE:
    case PT_SHIFT_DROP:
        return hub_rota_request(h, c, w, r, now);
    case PT_ALERT:
        if ((ch = worker_chat(h, c, w, r, false)))
            supervise_alert(h, c, ch, r->note, r->ref, now);
        return;
    case PT_ALERT_TAKE:
    case PT_ALERT_CLOSE:
        if (!supervise_may(w->role))
            return send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
        if (r->type == PT_ALERT_TAKE)
            return supervise_alert_take(h, tab, r->alert, r->ref);
        return supervise_alert_close(h, tab, r->alert, r->ref);
    case PT_BOARD:
        if (!supervise_may(w->role))
            return send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
        return supervise_board(h, tab, r->on, r->ref, now);
    case PT_MONITOR:
        if ((ch = supervised_chat(h, c, w, r)))
            supervise_monitor(h, tab, ch, r->on, r->ref);
        return;
    case PT_JOIN_CHAT:
        if ((ch = supervised_chat(h, c, w, r)))
            supervise_join(h, tab, ch, r->ref);
        return;
    case PT_WHISPER:
        if (!(ch = supervised_chat(h, c, w, r)))
            return;
        if (!conn_bucket_take(&c->msg_rate, (double)now))
            return send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
        return chat_post_and_ack(h, c, ch, &(struct chat_line){BY_WHISPER, w->alias, r->text},
                                 r->ref, now);
    default:
        return send_error(c, CHAT_ERR_UNKNOWN_TYPE, r->ref);
    }
}

static void worker_pick(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r,
                        time_t now)
{
    int t = config_topic_index(h->cfg, r->topic);
    if (t < 0)
        return send_error(c, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
    if (!w->on_duty || !(w->topics & (1u << t)))
        return send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
    if (h->cfg->topics[t].mode != MODE_PICK || !staff_free_for(w, t))
        return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    struct queue_entry *e = queue_head(&h->topics[t].queue, now);
    if (!e)
        return send_error(c, CHAT_ERR_QUEUE_EMPTY, r->ref);
    int rc = route_assign(h, route_visitor_of(e), w, now, r->ref);
    if (rc != 0)
        send_error(c, rc, r->ref);
}

static void worker_transfer(struct hub *h, struct conn *c, struct worker *w, struct chat *ch,
                            const struct proto_req *r, time_t now)
{
    int t = config_topic_index(h->cfg, r->topic);
    if (t < 0)
        return send_error(c, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
    /* contract v3 §4: into a topic of the worker's orgs, or of the chat's
     * own org (an overflow chat may go back to its visitor's org) */
    if (!scope_topic(h, w, t) && h->cfg->topics[t].org != h->cfg->topics[ch->topic].org)
        return send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
    if (!r->force && staff_workers(h, t) == 0) /* contract v3 §1: not into an empty room */
        return send_error(c, CHAT_ERR_NOBODY_ON_DUTY, r->ref);
    stats_add(h->stats, ch->topic, STAT_TRANSFERS, 1, now);
    staff_send(w, proto_chat_ended(ch->id, PROTO_BY_TRANSFER, r->ref));
    chat_part_over(h, ch, now); /* this worker's part of the chat ended */
    route_requeue_front(h, ch, t, now);
}

static void worker_block(struct hub *h, struct conn *c, struct chat *ch, const struct proto_req *r,
                         time_t now)
{
    int rc = session_block(h, ch->visitor, now + (time_t)r->hours * 3600);
    if (rc != 0)
        return send_error(c, rc, r->ref);
    stats_add(h->stats, ch->topic, STAT_BLOCKS, 1, now);
    chat_end(h, ch, PROTO_BY_WORKER, now, r->ref);
}

void hub_worker_request(struct hub *h, struct conn *c, const struct proto_req *r, double now)
{
    struct tab *tab = c->session;
    struct worker *w = tab ? tab->worker : NULL;
    struct chat *ch;
    time_t t = (time_t)now;
    if (r->type == PT_LOGIN)
        return login_request(h, c, r, t);
    if (!w)
        return send_error(c, CHAT_ERR_UNAUTHORIZED, r->ref);
    switch (r->type) {
    case PT_DUTY:
        return worker_duty(h, c, w, r, t);
    case PT_PICK:
        return worker_pick(h, c, w, r, t);
    case PT_MSG:
        if (!(ch = worker_chat(h, c, w, r, true)))
            return;
        if (!conn_bucket_take(&c->msg_rate, now))
            return send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
        return chat_post_and_ack(
            h, c, ch, &(struct chat_line){BY_WORKER, ch->worker == w ? NULL : w->alias, r->text},
            r->ref, t);
    case PT_TYPING:
        if ((ch = worker_chat(h, c, w, r, true)))
            chat_typing(h, ch, c, true, r->on);
        return;
    case PT_END:
        if ((ch = worker_chat(h, c, w, r, false)))
            chat_end(h, ch, PROTO_BY_WORKER, t, r->ref);
        return;
    case PT_TRANSFER:
        if ((ch = worker_chat(h, c, w, r, false)))
            worker_transfer(h, c, w, ch, r, t);
        return;
    case PT_BLOCK:
        if ((ch = worker_chat(h, c, w, r, false)))
            worker_block(h, c, ch, r, t);
        return;
    case PT_LETTERS_KEY:
    case PT_LETTERS:
    case PT_LETTER_TAKE:
    case PT_LETTER_RELEASE:
    case PT_LETTER_ANSWER:
        return hub_letters_worker(h, c, w, r, t);
    case PT_LOGOUT:
        if (c->pending)
            return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        return login_logout(h, tab, r->this_only, r->ref, t);
    default:
        return worker_shift(h, c, tab, r, t);
    }
}
