/*
 * hub_visitor: the visitor.v1 requests (contract §3.1): hello (new or
 * resumed session), join, leave, msg, typing, end and feedback; and posting
 * a chat message from either side (seal, store, relay, ack after commit).
 */
#include "hub_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"

/* ---- visitor requests ------------------------------------------------- */

void hub_send_queued(struct hub *h, struct visitor *v, const char *ref)
{
    int pos = 1;
    for (struct queue_entry *e = h->topics[v->topic].queue.head; e && e != &v->qe; e = e->next)
        pos++;
    struct status_input in;
    hub_topic_input(h, v->topic, &in);
    long wait = status_estimate_wait(&in, pos);
    v->sent_pos = pos;
    v->sent_wait = wait;
    conn_send(v->conn, proto_frame("queued", ref, "{s:s,s:i,s:o}", "topic",
                                   h->cfg->topics[v->topic].id, "position", pos, "estimated_wait_s",
                                   wait < 0 ? json_null() : json_integer(wait)));
}

static const char *visitor_state_name(const struct visitor *v)
{
    switch (v->state) {
    case VISITOR_QUEUED:
        return "queued";
    case VISITOR_CHATTING:
        return "chatting";
    case VISITOR_IDLE:
        break;
    }
    return "idle";
}

static void visitor_hello(struct hub *h, struct conn *c, const struct proto_req *r, time_t now)
{
    char key[2 * STORE_TOKEN_HASH_BYTES + 1];
    if (r->session)
        hub_session_key(r->session, key);
    struct visitor *v = r->session ? idmap_get(h->visitors, key) : NULL;
    bool resumed = v != NULL;
    if (c->greeted) {
        hub_send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        return;
    }
    if (v) {
        if (v->conn) { /* the same session from a new page load: the old one goes */
            v->conn->visitor = NULL;
            conn_close(v->conn, 4002);
        } else {
            hub_away_remove(h, v);
        }
    } else {
        if (!(v = calloc(1, sizeof(*v))))
            return hub_send_error(c, CHAT_ERR_NOMEM, r->ref);
        /* A session that is gone from memory starts again under a new token,
         * unless it is still blocked: then it keeps its token and its block. */
        uint8_t kb[STORE_TOKEN_HASH_BYTES];
        if (r->session && hub_key_bin(key, kb) == 0)
            v->blocked_until = store_block_until(h->st, kb, now);
        if (v->blocked_until) /* r->session is at most PROTO_ID_MAX bytes, as v->session holds */
            snprintf(v->session, sizeof(v->session), "%s", r->session);
        else
            hub_random_id(v->session, sizeof(v->session), SESSION_BYTES);
        hub_session_key(v->session, v->key);
        if (idmap_put(h->visitors, v->key, v) != 0) {
            free(v);
            return hub_send_error(c, CHAT_ERR_NOMEM, r->ref);
        }
    }
    if (!v->session[0]) /* restored after a restart: the visitor brings the token back */
        snprintf(v->session, sizeof(v->session), "%s", r->session);
    v->conn = c;
    c->visitor = v;
    c->greeted = true;
    conn_send(c, proto_frame("welcome", r->ref, "{s:s,s:b,s:s,s:o}", "session", v->session,
                             "resumed", resumed, "state", visitor_state_name(v), "topics",
                             hub_status_topics(h, now)));
    if (v->state == VISITOR_QUEUED) {
        hub_send_queued(h, v, NULL);
    } else if (v->state == VISITOR_CHATTING) {
        hub_send_chat_started_visitor(h, v, NULL);
        struct worker *w = v->chat->worker;
        hub_worker_send(w, proto_frame("visitor_back", NULL, "{s:s}", "chat", v->chat->id));
    }
}

static void visitor_join(struct hub *h, struct visitor *v, const struct proto_req *r, time_t now)
{
    int topic = config_topic_index(h->cfg, r->topic);
    if (v->state != VISITOR_IDLE)
        return hub_send_error(v->conn, CHAT_ERR_BAD_STATE, r->ref);
    if (topic < 0)
        return hub_send_error(v->conn, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
    stats_add(h->stats, topic, STAT_JOINS, 1, now);
    if (v->blocked_until > now)
        return hub_send_error(v->conn, CHAT_ERR_BLOCKED, r->ref);
    const struct config_topic *t = &h->cfg->topics[topic];
    int why = status_join_check(t, (int)h->topics[topic].queue.count, now);
    if (why)
        stats_add(h->stats, topic, why == CHAT_ERR_CLOSED ? STAT_REFUSED_CLOSED : STAT_REFUSED_FULL,
                  1, now);
    if (why == CHAT_ERR_CLOSED) {
        json_t *extra =
            json_pack("{s:o}", "next_open", proto_time_json(schedule_next_open(&t->schedule, now)));
        return conn_send(v->conn, proto_error(why, r->ref, extra));
    }
    if (why)
        return hub_send_error(v->conn, why, r->ref);
    v->topic = topic;
    v->qe.order = ++h->join_order;
    v->qe.since = now;
    v->state = VISITOR_QUEUED;
    queue_push(&h->topics[topic].queue, &v->qe);
    hub_persist(h, v);
    stats_add(h->stats, topic, STAT_QUEUED, 1, now);
    hub_send_queued(h, v, r->ref);
    h->route_needed = h->status_dirty = h->queue_state_dirty = true;
}

/* Encrypts and stores one message, appends it to history and relays it. */
static int chat_post(struct hub *h, struct chat *ch, bool from_worker, const char *text, time_t now,
                     uint64_t *seq_out)
{
    uint8_t nonce[TRANSCRIPT_NONCE_BYTES];
    uint8_t *ct = NULL;
    size_t ctlen;
    if (ch->nhist == ch->caphist) {
        size_t cap = ch->caphist ? ch->caphist * 2 : 16;
        struct hist *nh = realloc(ch->hist, cap * sizeof(*nh));
        if (!nh)
            return CHAT_ERR_NOMEM;
        ch->hist = nh;
        ch->caphist = cap;
    }
    uint64_t seq = ch->seq + 1;
    const char *from = from_worker ? "worker" : "visitor";
    struct proto_msg m = {ch->id, from, text, seq, now};
    char *plain = proto_msg_record(&m);
    if (!plain)
        return CHAT_ERR_NOMEM;
    int rc =
        transcript_seal_msg(ch->key, ch->id, ch->segment, plain, strlen(plain), nonce, &ct, &ctlen);
    sodium_memzero(plain, strlen(plain));
    free(plain);
    if (rc == 0 && (rc = store_begin(h->st)) == 0)
        rc = store_msg_add(h->st, ch->id, ch->segment, nonce, sizeof(nonce), ct, ctlen);
    free(ct);
    if (rc != 0)
        return CHAT_ERR_INTERNAL;
    char *copy = strdup(text);
    if (!copy)
        return CHAT_ERR_NOMEM;
    ch->seq = seq;
    ch->hist[ch->nhist++] = (struct hist){copy, from_worker, seq, now};
    stats_add(h->stats, ch->topic, from_worker ? STAT_MSGS_WORKER : STAT_MSGS_VISITOR, 1, now);
    if (from_worker && ch->visitor && ch->visitor->conn)
        conn_send(ch->visitor->conn, proto_msg_frame(&m));
    else if (!from_worker && ch->worker)
        hub_worker_send(ch->worker, proto_msg_frame(&m));
    *seq_out = seq;
    return 0;
}

/* The worker's own message seq, as a msg frame to its tabs other than c. */
static void worker_send_others(struct worker *w, struct conn *c, uint64_t seq, struct chat *ch,
                               double now)
{
    struct proto_msg m = {ch->id, "worker", ch->hist[ch->nhist - 1].text, seq, (time_t)now};
    for (int i = 0; i < w->nconns; i++)
        if (w->conns[i] != c)
            conn_send(w->conns[i], proto_msg_frame(&m));
}

/* A msg request from c in chat ch: rate limit, store, then ack (after commit). */
void hub_post_and_ack(struct hub *h, struct conn *c, struct chat *ch, bool from_worker,
                      const struct proto_req *r, double now)
{
    uint64_t seq;
    if (!conn_bucket_take(&c->msg_rate, now))
        return hub_send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
    int rc = chat_post(h, ch, from_worker, r->text, (time_t)now, &seq);
    conn_send(c, rc ? proto_error(rc, r->ref, NULL) : proto_ack(seq, r->ref));
    if (rc == 0 && from_worker) /* the worker's other console tabs see it too */
        worker_send_others(ch->worker, c, ch->hist[ch->nhist - 1].seq, ch, now);
}

char *hub_typing_frame(const struct chat *ch, const char *from, bool on)
{
    return proto_frame("typing", NULL, "{s:s,s:s,s:b}", "chat", ch->id, "from", from, "on", on);
}

static void visitor_feedback(struct hub *h, struct visitor *v, const struct proto_req *r,
                             time_t now)
{
    if (v->state != VISITOR_IDLE || strcmp(r->chat, v->last_chat) != 0 || v->feedback_done ||
        now - v->last_end > FEEDBACK_WINDOW_S)
        return hub_send_error(v->conn, CHAT_ERR_BAD_STATE, r->ref);
    v->feedback_done = true;
    stats_add(h->stats, v->last_topic, (enum stats_counter)(STAT_FEEDBACK_1 + r->score - 1), 1,
              now);
    conn_send(v->conn, proto_ack(0, r->ref));
}

void hub_visitor_request(struct hub *h, struct conn *c, const struct proto_req *r, double now)
{
    struct visitor *v = c->visitor;
    time_t t = (time_t)now;
    if (r->type == PT_HELLO)
        return visitor_hello(h, c, r, t);
    if (!v)
        return hub_send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    switch (r->type) {
    case PT_JOIN:
        if (!conn_bucket_take(&c->join_rate, now))
            return hub_send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
        return visitor_join(h, v, r, t);
    case PT_MSG:
        if (v->state != VISITOR_CHATTING)
            return hub_send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        return hub_post_and_ack(h, c, v->chat, false, r, now);
    case PT_TYPING:
        if (v->state != VISITOR_CHATTING)
            return hub_send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        return hub_worker_send(v->chat->worker, hub_typing_frame(v->chat, "visitor", r->on));
    case PT_LEAVE:
        if (v->state == VISITOR_CHATTING)
            return hub_chat_end(h, v->chat, "visitor", t, r->ref);
        if (v->state != VISITOR_QUEUED)
            return hub_send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        hub_visitor_abandon(h, v, t);
        if (v->chat) /* a transferred visitor who gives up */
            hub_chat_end(h, v->chat, "visitor", t, NULL);
        return conn_send(c, proto_frame("left", r->ref, NULL));
    case PT_FEEDBACK:
        return visitor_feedback(h, v, r, t);
    default:
        return hub_send_error(c, CHAT_ERR_UNKNOWN_TYPE, r->ref);
    }
}
