/*
 * session_grace: what ends visitor sessions or brings them back through the
 * rooms above the session records (session.c): giving up a wait, the end
 * of a grace (which ends the wait or chat), and the queue places and chats
 * kept over a restart. Every change of a visitor's state goes through
 * session_set_state.
 */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "route.h"
#include "staff.h"

void session_abandon(struct hub *h, struct visitor *v, time_t now)
{
    if (v->state != PROTO_VISITOR_QUEUED)
        return;
    if (!v->chat) { /* a first wait; a transferred visitor was answered already */
        stats_add_duration(h->stats, v->topic, STAT_WAIT_ABANDONED_S, STAT_WAIT_ABANDONED_H0,
                           now - v->qe.since, now);
        stats_add(h->stats, v->topic, STAT_ABANDONED, 1, now);
        status_patience_add(&h->topics[v->topic].patience, (double)(now - v->qe.since), true);
    }
    route_unqueue(h, v);
    hub_no_answers(&v->answers);
}

void session_expire(struct hub *h, time_t now)
{
    for (struct visitor *v; (v = session_next_expired(h, now));) {
        session_abandon(h, v, now);
        if (v->chat)
            chat_end(h, v->chat, PROTO_BY_TIMEOUT, now, NULL);
        turn_visitor_gone(h, v);
    }
}

struct restore_ctx {
    struct hub *h;
    time_t now;
};

static void restore_one(const struct store_session *ss, void *arg)
{
    struct restore_ctx *ctx = arg;
    struct hub *h = ctx->h;
    struct store_user u;
    int topic = config_topic_index(h->cfg, ss->topic);
    struct visitor *v = topic >= 0 ? session_new_restored(h, ss->key, ctx->now) : NULL;
    if (!v)
        return; /* the topic is gone from the config */
    struct queue_entry place = {.order = ss->join_order, .since = ss->since};
    if (ss->join_order > h->join_order)
        h->join_order = ss->join_order;
    struct worker *w = NULL;
    if (ss->state == PROTO_VISITOR_CHATTING && ss->chat && ss->worker &&
        store_user_get(h->st, ss->worker, &u) == 0)
        w = staff_get(h, &u);
    /* sealed to the org its worker answers for (contract v3 §4), else to
     * the topic's own: whoever answers it next reads it under that key */
    int on = topic, org = w ? route_answer_org(h, w, topic, &on) : h->cfg->topics[topic].org;
    if (ss->chat &&
        chat_restore(h, v, topic, org, ss->chat, ss->started, ss->waited, ss->label, &v->chat) != 0)
        v->chat = NULL; /* its transcript is gone: it waits as a first wait */
    if (w && v->chat && w->nchats < WORKER_MAX_CHATS) {
        v->qe.order = place.order;
        v->qe.since = place.since;
        session_set_state(h, v, PROTO_VISITOR_CHATTING, topic, NULL);
        v->chat->overflow = on != topic;
        v->chat->answer_topic = on;
        staff_add_chat(h, w, v->chat);
        staff_restored(w, ctx->now); /* not connected yet: has the grace to log in again */
        h->restored_chats++;
    } else {
        place.cls = v->chat || ss->transferred ? QUEUE_TRANSFERRED : QUEUE_NORMAL;
        place.rank = ++h->transfer_order;
        session_set_state(h, v, PROTO_VISITOR_QUEUED, topic, &place);
        h->restored_places++;
    }
    sodium_memzero(&u, sizeof(u));
}

int session_restore(struct hub *h, time_t now)
{
    struct restore_ctx ctx = {h, now};
    hub_redo(h, REDO_ROUTE | REDO_STATUS | REDO_QUEUE_STATE, -1);
    return store_session_each(h->st, restore_one, &ctx);
}
