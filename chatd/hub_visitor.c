/*
 * hub_visitor: the visitor.v1 requests (contract §3.1), each checked against
 * the session's state and handed to the room that owns it.
 */
#include "hub_req.h"

#include <string.h>

#include "chat.h"
#include "hub_letters.h"
#include "route.h"
#include "session.h"
#include "staff.h"

static void send_error(struct conn *c, int err, const char *ref)
{
    conn_send(c, proto_error(err, ref, NULL));
}

static void visitor_hello(struct hub *h, struct conn *c, const struct proto_req *r, time_t now)
{
    struct visitor *v;
    bool resumed;
    struct proto_topic_status topics[CONFIG_MAX_TOPICS];
    if (c->greeted)
        return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    int rc = session_open(h, c, r->session, now, &v, &resumed);
    if (rc != 0)
        return send_error(c, rc, r->ref);
    if (r->lang >= 0) /* its chat language; kept from before when not said */
        v->lang = r->lang;
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        route_topic_status(h, (int)i, now, &topics[i]);
        topics[i].questions = h->topic_questions[i];
        topics[i].nquestions = h->topic_nquestions[i];
        topics[i].letters_known = true; /* contract v3 §3 */
        topics[i].letters = h->cfg->topics[i].letters;
        topics[i].letter_days = h->cfg->topics[i].letter_days;
        /* letters to a topic are sealed to its org's key (contract v3 §4) */
        topics[i].letters_pub = h->cfg->orgs[h->cfg->topics[i].org].letters_pub;
    }
    struct proto_welcome_visitor w = {.session = v->session,
                                      .resumed = resumed,
                                      .state = v->state,
                                      .topics = topics,
                                      .ntopics = h->cfg->ntopics,
                                      .help = {h->cfg->help[0], h->cfg->help[1], h->cfg->help[2]},
                                      .letters_pub =
                                          h->cfg->letters_on ? h->cfg->letters_pub : NULL};
    conn_send(c, proto_welcome_visitor(&w, r->ref));
    if (v->state == PROTO_VISITOR_QUEUED) {
        route_send_queued(h, v, NULL, now);
    } else if (v->state == PROTO_VISITOR_CHATTING) {
        chat_send_started_visitor(h, v->chat, NULL);
        staff_send(v->chat->worker, proto_visitor_presence(v->chat->id, true));
    }
}

static void visitor_join(struct hub *h, struct visitor *v, const struct proto_req *r, time_t now)
{
    int topic = config_topic_index(h->cfg, r->topic);
    struct answers answers;
    if (v->state != PROTO_VISITOR_IDLE)
        return send_error(v->conn, CHAT_ERR_BAD_STATE, r->ref);
    if (topic < 0)
        return send_error(v->conn, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
    if (route_check_answers(h, topic, r, &answers) != 0)
        return send_error(v->conn, CHAT_ERR_BAD_REQUEST, r->ref);
    stats_add(h->stats, topic, STAT_JOINS, 1, now);
    if (v->blocked_until > now)
        return send_error(v->conn, CHAT_ERR_BLOCKED, r->ref);
    const struct config_topic *t = &h->cfg->topics[topic];
    struct status_hours tmp;
    const struct status_hours *hours = hub_hours(h, topic, now, &tmp);
    enum proto_full_reason full;
    int why = status_join_refusal(t, hours, (int)h->topics[topic].queue.count, now, &full);
    if (why)
        stats_add(h->stats, topic, why == CHAT_ERR_CLOSED ? STAT_REFUSED_CLOSED : STAT_REFUSED_FULL,
                  1, now);
    if (full == PROTO_FULL_CUTOFF) /* counted inside refused_full too (contract v3 §1) */
        stats_add(h->stats, topic, STAT_REFUSED_CUTOFF, 1, now);
    if (why == CHAT_ERR_CLOSED)
        return conn_send(v->conn, proto_error_closed(hours->next_open, r->ref));
    if (why)
        return conn_send(v->conn,
                         proto_error_full(full, status_joins_until(t, hours),
                                          full == PROTO_FULL_CUTOFF ? hours->reopens : -1, r->ref));
    route_enqueue(h, v, topic, &answers, now);
    stats_add(h->stats, topic, STAT_QUEUED, 1, now);
    route_send_queued(h, v, r->ref, now);
}

static void visitor_leave(struct hub *h, struct visitor *v, const struct proto_req *r, time_t now)
{
    if (v->state == PROTO_VISITOR_CHATTING)
        return chat_end_quick(h, v->chat, PROTO_BY_VISITOR, r->quick, now, r->ref);
    if (v->state != PROTO_VISITOR_QUEUED)
        return send_error(v->conn, CHAT_ERR_BAD_STATE, r->ref);
    session_abandon(h, v, now);
    if (v->chat) /* a transferred visitor who gives up */
        chat_end_quick(h, v->chat, PROTO_BY_VISITOR, r->quick, now, NULL);
    conn_send(v->conn, proto_bare("left", r->ref));
}

static void visitor_feedback(struct hub *h, struct visitor *v, const struct proto_req *r,
                             time_t now)
{
    if (v->state != PROTO_VISITOR_IDLE || strcmp(r->chat, v->last_chat) != 0 || v->feedback_done ||
        now - v->last_end > FEEDBACK_WINDOW_S)
        return send_error(v->conn, CHAT_ERR_BAD_STATE, r->ref);
    turn_touch_visitor(h, v);
    v->feedback_done = true;
    if (r->score > 0)
        stats_add(h->stats, v->last_topic, STAT_FEEDBACK_1 + r->score - 1, 1, now);
    if (r->helped >= 0) /* contract v2 §4 */
        stats_add(h->stats, v->last_topic, STAT_HELPED_YES + r->helped, 1, now);
    if (r->again >= 0)
        stats_add(h->stats, v->last_topic, r->again ? STAT_AGAIN_YES : STAT_AGAIN_NO, 1, now);
    conn_send(v->conn, proto_ack(0, r->ref));
}

void hub_visitor_request(struct hub *h, struct conn *c, const struct proto_req *r, double now)
{
    struct visitor *v = c->session;
    time_t t = (time_t)now;
    if (r->type == PT_HELLO)
        return visitor_hello(h, c, r, t);
    if (r->type == PT_LETTER_PICKUP || r->type == PT_LETTER_SEND) /* a pickup needs no hello */
        return hub_letters_visitor(h, c, v, r, now);
    if (!v)
        return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    switch (r->type) {
    case PT_JOIN:
        if (!conn_bucket_take(&c->join_rate, now))
            return send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
        return visitor_join(h, v, r, t);
    case PT_MSG:
        if (v->state != PROTO_VISITOR_CHATTING)
            return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        if (!conn_bucket_take(&c->msg_rate, now))
            return send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
        return chat_post_and_ack(h, c, v->chat, &(struct chat_line){BY_VISITOR, NULL, r->text},
                                 r->ref, t);
    case PT_TYPING:
        if (v->state != PROTO_VISITOR_CHATTING)
            return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        return chat_typing(h, v->chat, c, false, r->on);
    case PT_LEAVE:
        return visitor_leave(h, v, r, t);
    case PT_FEEDBACK:
        return visitor_feedback(h, v, r, t);
    default:
        return send_error(c, CHAT_ERR_UNKNOWN_TYPE, r->ref);
    }
}
