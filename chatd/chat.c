/*
 * chat: a conversation's life; see chat.h. Every change that must be
 * durable is journaled in the store before memory changes, and every
 * changed object is touched first (turn.h), so a failed commit takes it back.
 */
#include "chat.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "staff.h"

static void random_id(char *out, size_t outlen, size_t bytes)
{
    uint8_t raw[32];
    randombytes_buf(raw, bytes);
    sodium_bin2base64(out, outlen, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* A new chat object with a new key for segment; its sealed copy journaled. */
static int chat_make(struct hub *h, struct visitor *v, int topic, const char *id, int segment,
                     struct chat **out)
{
    uint8_t sealed[TRANSCRIPT_SEALED_BYTES];
    struct chat *ch = calloc(1, sizeof(*ch));
    *out = NULL;
    if (!ch)
        return CHAT_ERR_NOMEM;
    snprintf(ch->id, sizeof(ch->id), "%s", id);
    ch->topic = topic;
    ch->visitor = v;
    ch->segment = segment;
    ch->key = transcript_key_new(h->pub, sealed);
    int rc = ch->key ? store_segment_add(h->st, ch->id, segment, sealed, sizeof(sealed))
                     : CHAT_ERR_CRYPTO;
    if (rc == 0 && (rc = idmap_put(h->chats, ch->id, ch)) == 0) {
        turn_chat_created(h, ch);
        *out = ch;
        return 0;
    }
    transcript_key_free(ch->key);
    free(ch);
    return rc;
}

int chat_new(struct hub *h, struct visitor *v, int topic, time_t now, struct chat **out)
{
    char id[CHAT_ID_MAX], day[16];
    struct tm tm;
    random_id(id, sizeof(id), CHAT_ID_BYTES);
    localtime_r(&now, &tm);
    strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    int rc = store_transcript_add(h->st, id, h->cfg->topics[topic].id, day);
    return rc ? rc : chat_make(h, v, topic, id, 0, out);
}

int chat_restore(struct hub *h, struct visitor *v, int topic, const char *id, time_t started,
                 time_t waited, struct chat **out)
{
    int segment = store_chat_last_segment(h->st, id) + 1;
    long seq = store_chat_last_seq(h->st, id);
    if (segment <= 0 || seq < 0)
        return CHAT_ERR_NOT_FOUND;
    int rc = chat_make(h, v, topic, id, segment, out);
    if (rc == 0) {
        (*out)->seq = (uint64_t)seq;
        (*out)->started = started;
        (*out)->waited_s = waited;
    }
    return rc;
}

/* Seals and journals one message, appends it to the history and relays it. */
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
    char *copy = strdup(text);
    if (!copy)
        return CHAT_ERR_NOMEM;
    uint64_t seq = ch->seq + 1;
    struct proto_msg m = {.chat = ch->id,
                          .from = from_worker ? "worker" : "visitor",
                          .text = text,
                          .seq = seq,
                          .ts = now};
    char *plain = proto_msg_record(&m);
    int rc = plain ? transcript_seal_msg(ch->key, ch->id, ch->segment, seq, plain, strlen(plain),
                                         nonce, &ct, &ctlen)
                   : CHAT_ERR_NOMEM;
    if (plain) {
        sodium_memzero(plain, strlen(plain));
        free(plain);
    }
    if (rc == 0)
        rc = store_msg_add(h->st, ch->id, ch->segment, seq, nonce, sizeof(nonce), ct, ctlen);
    free(ct);
    if (rc != 0) {
        sodium_memzero(copy, strlen(copy));
        free(copy);
        return rc;
    }
    turn_touch_chat(h, ch);
    ch->seq = seq;
    ch->hist[ch->nhist++] = (struct hist){copy, from_worker, seq, now};
    stats_add(h->stats, ch->topic, from_worker ? STAT_MSGS_WORKER : STAT_MSGS_VISITOR, 1, now);
    if (from_worker && ch->visitor->conn)
        conn_send(ch->visitor->conn, proto_msg_frame(&m));
    else if (!from_worker && ch->worker)
        staff_send(ch->worker, proto_msg_frame(&m));
    *seq_out = seq;
    return 0;
}

void chat_post_and_ack(struct hub *h, struct conn *conn, struct chat *ch, bool from_worker,
                       const char *text, const char *ref, time_t now)
{
    uint64_t seq;
    int rc = chat_post(h, ch, from_worker, text, now, &seq);
    conn_send(conn, rc ? proto_error(rc, ref, NULL) : proto_ack(seq, ref));
    if (rc == 0 && from_worker) { /* the worker's other console tabs see it too */
        struct proto_msg m = {
            .chat = ch->id, .from = "worker", .text = text, .seq = seq, .ts = now};
        staff_send_others(ch->worker, conn, proto_msg_frame(&m));
    }
}

void chat_typing(struct hub *h, struct chat *ch, bool from_worker, bool on)
{
    (void)h;
    char *frame = proto_typing(ch->id, from_worker ? "worker" : "visitor", on);
    if (!from_worker && ch->worker)
        staff_send(ch->worker, frame);
    else if (from_worker && ch->visitor->conn)
        conn_send(ch->visitor->conn, frame);
    else
        free(frame);
}

/* The started frame's fields common to both sides. */
static struct proto_chat_started started_of(const struct hub *h, const struct chat *ch,
                                            struct proto_msg *hist)
{
    for (size_t i = 0; i < ch->nhist; i++)
        hist[i] = (struct proto_msg){.chat = ch->id,
                                     .from = ch->hist[i].from_worker ? "worker" : "visitor",
                                     .text = ch->hist[i].text,
                                     .seq = ch->hist[i].seq,
                                     .ts = ch->hist[i].ts};
    const struct config_topic *t = &h->cfg->topics[ch->topic];
    const struct visitor *v = ch->visitor;
    struct proto_chat_started s = {
        .chat = ch->id,
        .topic = t->id,
        .history = hist,
        .nhistory = ch->nhist,
        .worker = ch->worker ? ch->worker->alias : "",
        .audience = status_audience_name(t->audience),
        .waited_s = (long)ch->waited_s,
        .visitor_away = !v->conn,
        .urgent = ch->urgent,
        .lang = v->lang >= 0 ? proto_lang_code(v->lang) : NULL,
    };
    for (size_t q = 0; q < h->cfg->nquestions && s.nanswers < PROTO_MAX_ANSWERS; q++) {
        const struct config_question *cq = &h->cfg->questions[q];
        if (v->answers.of[q] >= 0) {
            s.answer_q[s.nanswers] = cq->id;
            s.answer_a[s.nanswers++] = cq->answers[v->answers.of[q]].id;
        }
    }
    return s;
}

void chat_flag(struct hub *h, struct chat *ch, bool urgent)
{
    turn_touch_chat(h, ch);
    ch->urgent = urgent;
    staff_send(ch->worker, proto_flag(ch->id, urgent));
}

void chat_send_started_visitor(struct hub *h, struct chat *ch, const char *ref)
{
    if (!ch->visitor->conn)
        return;
    struct proto_msg *hist = calloc(ch->nhist + 1, sizeof(*hist));
    if (!hist)
        return;
    struct proto_chat_started s = started_of(h, ch, hist);
    conn_send(ch->visitor->conn, proto_chat_started_visitor(&s, ref));
    free(hist);
}

void chat_send_started_worker(struct hub *h, struct worker *w, struct chat *ch, const char *ref)
{
    if (!w->ntabs)
        return;
    struct proto_msg *hist = calloc(ch->nhist + 1, sizeof(*hist));
    if (!hist)
        return;
    struct proto_chat_started s = started_of(h, ch, hist);
    staff_send(w, proto_chat_started_worker(&s, ref));
    free(hist);
}

void chat_count_part(struct hub *h, struct chat *ch, time_t now)
{
    stats_add(h->stats, ch->topic, STAT_CHATS, 1, now);
    stats_add_duration(h->stats, ch->topic, STAT_CHAT_S, STAT_CHAT_H0, now - ch->started, now);
}

void chat_leave_worker(struct hub *h, struct chat *ch)
{
    turn_touch_chat(h, ch);
    staff_drop_chat(h, ch->worker, ch);
    ch->worker = NULL;
}

void chat_end(struct hub *h, struct chat *ch, enum proto_end_by by, time_t now, const char *ref)
{
    struct visitor *v = ch->visitor;
    struct worker *w = ch->worker;
    if (w) {
        staff_send(w, proto_chat_ended(ch->id, by, by == PROTO_BY_WORKER ? ref : NULL));
        status_service_add(&h->topics[ch->topic].service, (double)(now - ch->started));
        h->topics[ch->topic].positions_dirty = true; /* a new sample moves the estimates */
        chat_count_part(h, ch, now);
        chat_leave_worker(h, ch);
    }
    if (v->conn)
        conn_send(v->conn, proto_chat_ended(ch->id, by, by == PROTO_BY_VISITOR ? ref : NULL));
    turn_touch_visitor(h, v);
    snprintf(v->last_chat, sizeof(v->last_chat), "%s", ch->id);
    v->last_topic = ch->topic;
    v->last_end = now;
    v->feedback_done = false;
    v->chat = NULL;
    v->state = PROTO_VISITOR_IDLE;
    hub_no_answers(&v->answers);
    turn_chat_ended(h, ch);
    h->route_needed = h->status_dirty = true;
}
