/*
 * hub: sessions, queues, chats and routing (contract §3.1-3.3).
 *
 * Ownership: the hub owns visitors, workers and chats. A visitor owns its
 * chat while one exists (also while a transferred visitor waits again); a
 * worker borrows the chats it serves. Conns are owned by the shell; a
 * session points at its conn only while it is connected.
 *
 * Invariants:
 *  - a visitor is QUEUED iff its queue entry is on topics[v->topic].queue;
 *  - a visitor is CHATTING iff v->chat && v->chat->worker;
 *  - w->nchats counts the chats whose worker is w, all in w->chats[];
 *  - a session with conn == NULL is on the away list, oldest first.
 */
#include "hub.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_int.h"
#include "idmap.h"

uint64_t hub_idle_counter;

void hub_send_error(struct conn *c, int err, const char *ref)
{
    conn_send(c, proto_error(err, ref, NULL));
}

/* Sends frame to every connection of w (none: dropped). */
void hub_worker_send(struct worker *w, char *frame)
{
    if (!frame)
        return;
    if (w->nconns == 0) {
        free(frame);
        return;
    }
    for (int i = 1; i < w->nconns; i++)
        conn_send(w->conns[i], strdup(frame));
    conn_send(w->conns[0], frame);
}

void hub_random_id(char *out, size_t outlen, size_t bytes)
{
    uint8_t raw[32];
    randombytes_buf(raw, bytes);
    sodium_bin2base64(out, outlen, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- persistence of queue places and chats --------------------------- */

/* v->key from a session token: the hex BLAKE2b hash, so no token is kept. */
void hub_session_key(const char *session, char key[2 * STORE_TOKEN_HASH_BYTES + 1])
{
    uint8_t hash[STORE_TOKEN_HASH_BYTES];
    crypto_generichash(hash, sizeof(hash), (const uint8_t *)session, strlen(session), NULL, 0);
    sodium_bin2hex(key, 2 * STORE_TOKEN_HASH_BYTES + 1, hash, sizeof(hash));
}

int hub_key_bin(const char *key, uint8_t out[STORE_TOKEN_HASH_BYTES])
{
    return sodium_hex2bin(out, STORE_TOKEN_HASH_BYTES, key, strlen(key), NULL, NULL, NULL);
}

/* Writes v's place or chat to the database (or removes it when idle). */
void hub_persist(struct hub *h, const struct visitor *v)
{
    struct store_session ss = {0};
    if (hub_key_bin(v->key, ss.key) != 0 || store_begin(h->st) != 0)
        return;
    if (v->state == VISITOR_IDLE) {
        store_session_del(h->st, ss.key);
        return;
    }
    ss.state = v->state == VISITOR_QUEUED ? 1 : 2;
    ss.topic = h->cfg->topics[v->topic].id;
    ss.join_order = v->qe.order;
    ss.since = v->qe.since;
    ss.transferred = v->qe.transferred;
    if (v->chat) {
        ss.chat = v->chat->id;
        ss.worker = v->chat->worker ? v->chat->worker->user : NULL;
        ss.started = v->chat->started;
        ss.waited = v->chat->waited_s;
    }
    if (store_session_put(h->st, &ss) != 0)
        fprintf(stderr, "chatd: cannot keep a queue place for a restart\n");
}

void hub_block(struct hub *h, struct visitor *v, time_t until)
{
    uint8_t key[STORE_TOKEN_HASH_BYTES];
    v->blocked_until = until;
    if (hub_key_bin(v->key, key) != 0 || store_begin(h->st) != 0 ||
        store_block_put(h->st, key, until) != 0)
        fprintf(stderr, "chatd: cannot keep a block over a restart\n");
}

/* ---- status ---------------------------------------------------------- */

static int staffed_slots(const struct hub *h, int topic)
{
    int slots = 0;
    for (const struct worker *w = h->workers; w; w = w->next)
        if (w->on_duty && w->nconns && (w->topics & (1u << topic)))
            slots += w->capacity;
    return slots;
}

int hub_staffed_workers(const struct hub *h, int topic)
{
    int n = 0;
    for (const struct worker *w = h->workers; w; w = w->next)
        n += w->on_duty && w->nconns && (w->topics & (1u << topic));
    return n;
}

void hub_topic_input(const struct hub *h, int i, struct status_input *in)
{
    in->waiting = (int)h->topics[i].queue.count;
    in->staffed_slots = staffed_slots(h, i);
    in->service = h->topics[i].service;
}

/* The status topic objects of every topic, as a JSON array. */
json_t *hub_status_topics(const struct hub *h, time_t now)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        struct status_input in;
        struct proto_topic_status ts;
        hub_topic_input(h, (int)i, &in);
        status_compute(&h->cfg->topics[i], &in, now, &ts);
        json_array_append_new(arr, proto_topic_status_json(&ts));
    }
    return arr;
}

char *hub_status_json(struct hub *h, double now)
{
    json_t *obj = json_pack("{s:o,s:o}", "generated", proto_time_json((time_t)now), "topics",
                            hub_status_topics(h, (time_t)now));
    return proto_dump(obj, NULL);
}

static void push_status(struct hub *h, time_t now)
{
    h->status_dirty = false;
    json_t *arr = hub_status_topics(h, now);
    char *topics = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!topics)
        return;
    if (h->last_status && strcmp(h->last_status, topics) == 0) {
        free(topics);
        return;
    }
    free(h->last_status);
    h->last_status = topics;
    for (struct conn *c = h->subs; c; c = c->sub_next) {
        json_t *obj = json_pack("{s:s,s:o,s:o}", "type", "status", "generated",
                                proto_time_json(now), "topics", json_loads(topics, 0, NULL));
        conn_send(c, proto_dump(obj, NULL));
    }
}

void hub_send_queue_state(struct hub *h, struct worker *w, time_t now)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        if (!(w->topics & (1u << i)))
            continue;
        const struct config_topic *t = &h->cfg->topics[i];
        struct queue_entry *head = queue_head(&h->topics[i].queue);
        json_array_append_new(arr, json_pack("{s:s,s:i,s:I,s:b,s:s}", "id", t->id, "waiting",
                                             (int)h->topics[i].queue.count, "longest_wait_s",
                                             (json_int_t)(head ? now - head->since : 0), "open",
                                             schedule_is_open(&t->schedule, now), "mode",
                                             t->mode == MODE_PICK ? "pick" : "auto"));
    }
    hub_worker_send(w, proto_frame("queue_state", NULL, "{s:o}", "topics", arr));
}

/* ---- chats ----------------------------------------------------------- */

static json_t *history_json(const struct chat *ch)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < ch->nhist; i++) {
        struct proto_msg m = {ch->id, ch->hist[i].from_worker ? "worker" : "visitor",
                              ch->hist[i].text, ch->hist[i].seq, ch->hist[i].ts};
        json_t *o = proto_msg_json(&m);
        json_object_del(o, "type");
        json_array_append_new(arr, o);
    }
    return arr;
}

void hub_send_chat_started_visitor(struct hub *h, struct visitor *v, const char *ref)
{
    struct chat *ch = v->chat;
    if (!v->conn)
        return;
    conn_send(v->conn, proto_frame("chat_started", ref, "{s:s,s:s,s:s,s:o}", "chat", ch->id,
                                   "topic", h->cfg->topics[ch->topic].id, "worker",
                                   ch->worker->alias, "history", history_json(ch)));
}

void hub_send_chat_started_worker(struct hub *h, struct worker *w, struct chat *ch, const char *ref)
{
    const struct config_topic *t = &h->cfg->topics[ch->topic];
    if (!w->nconns)
        return;
    hub_worker_send(w,
                    proto_frame("chat_started", ref, "{s:s,s:s,s:s,s:I,s:o,s:b}", "chat", ch->id,
                                "topic", t->id, "audience", status_audience_name(t->audience),
                                "waited_s", (json_int_t)ch->waited_s, "history", history_json(ch),
                                "visitor_away", ch->visitor && !ch->visitor->conn));
}

/* Creates the chat of v in topic, with its sealed key stored. */
static struct chat *chat_new(struct hub *h, struct visitor *v, int topic, time_t now)
{
    uint8_t sealed[TRANSCRIPT_SEALED_BYTES];
    struct chat *ch = calloc(1, sizeof(*ch));
    if (!ch)
        return NULL;
    hub_random_id(ch->id, sizeof(ch->id), CHAT_ID_BYTES);
    ch->topic = topic;
    ch->visitor = v;
    ch->key = transcript_key_new(h->pub, sealed);
    char day[16];
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    if (!ch->key || store_begin(h->st) != 0 ||
        store_transcript_add(h->st, ch->id, h->cfg->topics[topic].id, day) != 0 ||
        store_segment_add(h->st, ch->id, 0, sealed, sizeof(sealed)) != 0 ||
        idmap_put(h->chats, ch->id, ch) != 0) {
        fprintf(stderr, "chatd: cannot store a new transcript\n");
        transcript_key_free(ch->key);
        free(ch);
        return NULL;
    }
    return ch;
}

void hub_worker_drop_chat(struct worker *w, struct chat *ch, time_t now)
{
    for (int i = 0; i < w->nchats; i++) {
        if (w->chats[i] == ch) {
            w->chats[i] = w->chats[--w->nchats];
            break;
        }
    }
    (void)now;
    w->idle_order = ++hub_idle_counter;
}

/* Wipes a chat's plaintext history and key and frees it. */
static void chat_wipe(struct chat *ch)
{
    for (size_t i = 0; i < ch->nhist; i++) {
        sodium_memzero(ch->hist[i].text, strlen(ch->hist[i].text));
        free(ch->hist[i].text);
    }
    free(ch->hist);
    transcript_key_free(ch->key);
    free(ch);
}

static void chat_free(struct hub *h, struct chat *ch)
{
    idmap_del(h->chats, ch->id);
    chat_wipe(ch);
}

static void visitor_unqueue(struct hub *h, struct visitor *v)
{
    if (v->state != VISITOR_QUEUED)
        return;
    queue_remove(&h->topics[v->topic].queue, &v->qe);
    h->topics[v->topic].positions_dirty = true;
    h->status_dirty = h->queue_state_dirty = true;
    v->state = VISITOR_IDLE;
}

/* Ends v's chat, telling both sides why. */
void hub_chat_end(struct hub *h, struct chat *ch, const char *by, time_t now, const char *ref)
{
    struct visitor *v = ch->visitor;
    struct worker *w = ch->worker;
    if (w) {
        hub_worker_send(w, proto_frame("chat_ended", strcmp(by, "worker") ? NULL : ref, "{s:s,s:s}",
                                       "chat", ch->id, "by", by));
        hub_worker_drop_chat(w, ch, now);
        status_service_add(&h->topics[ch->topic].service, (double)(now - ch->started));
        h->topics[ch->topic].positions_dirty = true; /* a new sample moves the estimates */
        stats_add(h->stats, ch->topic, STAT_CHATS, 1, now);
        stats_add_duration(h->stats, ch->topic, STAT_CHAT_S, STAT_CHAT_H0, now - ch->started, now);
    }
    if (v) {
        visitor_unqueue(h, v);
        if (v->conn)
            conn_send(v->conn, proto_frame("chat_ended", strcmp(by, "visitor") ? NULL : ref,
                                           "{s:s,s:s}", "chat", ch->id, "by", by));
        snprintf(v->last_chat, sizeof(v->last_chat), "%s", ch->id);
        v->last_topic = ch->topic;
        v->last_end = now;
        v->feedback_done = false;
        v->chat = NULL;
        v->state = VISITOR_IDLE;
        hub_persist(h, v);
    }
    chat_free(h, ch);
    h->route_needed = h->status_dirty = true;
}

/* Starts (or resumes after a transfer) the chat of v with w. */
void hub_assign(struct hub *h, struct visitor *v, struct worker *w, time_t now, const char *ref)
{
    int topic = v->topic;
    struct chat *ch = v->chat;
    time_t waited = now - v->qe.since;
    if (!ch) {
        if (!(ch = chat_new(h, v, topic, now)))
            return; /* storage failed: the visitor stays in line */
        stats_add(h->stats, topic, STAT_ANSWERED, 1, now);
        stats_add_duration(h->stats, topic, STAT_WAIT_ANSWERED_S, STAT_WAIT_ANSWERED_H0, waited,
                           now);
    }
    visitor_unqueue(h, v);
    ch->topic = topic;
    ch->worker = w;
    ch->waited_s = waited;
    ch->started = now;
    v->chat = ch;
    v->state = VISITOR_CHATTING;
    w->chats[w->nchats++] = ch;
    hub_persist(h, v);
    hub_send_chat_started_visitor(h, v, NULL);
    hub_send_chat_started_worker(h, w, ch, ref);
}

/* ---- routing ---------------------------------------------------------- */

bool hub_worker_free_for(const struct worker *w, int topic)
{
    return w->on_duty && w->nconns && (w->topics & (1u << topic)) && w->nchats < w->capacity &&
           w->nchats < WORKER_MAX_CHATS;
}

/* The eligible worker with the fewest active chats, then idle longest. */
static struct worker *best_worker(struct hub *h, int topic)
{
    struct worker *best = NULL;
    for (struct worker *w = h->workers; w; w = w->next) {
        if (!hub_worker_free_for(w, topic))
            continue;
        if (!best || w->nchats < best->nchats ||
            (w->nchats == best->nchats && w->idle_order < best->idle_order))
            best = w;
    }
    return best;
}

/* Serves waiting visitors in auto-mode topics, longest wait first. */
static void route(struct hub *h, time_t now)
{
    h->route_needed = false;
    for (;;) {
        struct queue_entry *best = NULL;
        struct worker *bw = NULL;
        for (size_t i = 0; i < h->cfg->ntopics; i++) {
            struct queue_entry *e = queue_head(&h->topics[i].queue);
            if (!e || h->cfg->topics[i].mode != MODE_AUTO || (best && !queue_before(e, best)))
                continue;
            struct worker *w = best_worker(h, (int)i);
            if (w) {
                best = e;
                bw = w;
            }
        }
        if (!best)
            return;
        struct visitor *v = (struct visitor *)((char *)best - offsetof(struct visitor, qe));
        size_t before = bw->nchats;
        hub_assign(h, v, bw, now, NULL);
        if ((size_t)bw->nchats == before)
            return; /* storage failure; try again next turn */
    }
}

static void push_positions(struct hub *h, int topic, time_t now)
{
    struct topic_state *ts = &h->topics[topic];
    struct status_input in;
    int pos = 0;
    ts->positions_dirty = false;
    hub_topic_input(h, topic, &in);
    for (struct queue_entry *e = ts->queue.head; e; e = e->next) {
        struct visitor *v = (struct visitor *)((char *)e - offsetof(struct visitor, qe));
        long wait = status_estimate_wait(&in, ++pos);
        if (v->sent_pos == pos && v->sent_wait == wait)
            continue;
        v->sent_pos = pos;
        v->sent_wait = wait;
        if (v->conn)
            conn_send(v->conn,
                      proto_frame("queued", NULL, "{s:s,s:i,s:o}", "topic",
                                  h->cfg->topics[topic].id, "position", pos, "estimated_wait_s",
                                  wait < 0 ? json_null() : json_integer(wait)));
    }
    (void)now;
}

/* ---- away list -------------------------------------------------------- */

static void away_add(struct hub *h, struct visitor *v, time_t now)
{
    v->away_since = now;
    v->away_next = NULL;
    v->away_prev = h->away_tail;
    if (h->away_tail)
        h->away_tail->away_next = v;
    else
        h->away_head = v;
    h->away_tail = v;
}

void hub_away_remove(struct hub *h, struct visitor *v)
{
    if (v->away_prev)
        v->away_prev->away_next = v->away_next;
    else if (h->away_head == v)
        h->away_head = v->away_next;
    if (v->away_next)
        v->away_next->away_prev = v->away_prev;
    else if (h->away_tail == v)
        h->away_tail = v->away_prev;
    v->away_prev = v->away_next = NULL;
    v->away_since = 0;
}

/* A visitor gives up waiting (leave, or no return within the grace). */
void hub_visitor_abandon(struct hub *h, struct visitor *v, time_t now)
{
    if (v->state != VISITOR_QUEUED)
        return;
    if (!v->chat) /* a first wait; a transferred visitor was answered already */
        stats_add_duration(h->stats, v->topic, STAT_WAIT_ABANDONED_S, STAT_WAIT_ABANDONED_H0,
                           now - v->qe.since, now);
    if (!v->chat)
        stats_add(h->stats, v->topic, STAT_ABANDONED, 1, now);
    visitor_unqueue(h, v);
    if (!v->chat)
        hub_persist(h, v);
}

static void visitor_free(struct hub *h, struct visitor *v, time_t now)
{
    hub_visitor_abandon(h, v, now);
    if (v->chat)
        hub_chat_end(h, v->chat, "timeout", now, NULL);
    visitor_unqueue(h, v);
    idmap_del(h->visitors, v->key);
    sodium_memzero(v->session, sizeof(v->session));
    free(v);
}

/* ---- restart ------------------------------------------------------------ */

struct restore_ctx {
    struct hub *h;
    time_t now;
    long places, chats;
};

/* A chat in progress before the restart; it goes on under a new key segment
 * (the old key is gone with the old process, by design). */
static struct chat *restore_chat(struct hub *h, struct visitor *v, int topic,
                                 const struct store_session *ss)
{
    uint8_t sealed[TRANSCRIPT_SEALED_BYTES];
    struct chat *ch = calloc(1, sizeof(*ch));
    if (!ch)
        return NULL;
    snprintf(ch->id, sizeof(ch->id), "%s", ss->chat);
    ch->topic = topic;
    ch->visitor = v;
    ch->started = ss->started;
    ch->waited_s = ss->waited;
    long seq = store_chat_messages(h->st, ch->id);
    ch->seq = seq > 0 ? (uint64_t)seq : 0;
    ch->segment = store_chat_last_segment(h->st, ch->id) + 1;
    ch->key = transcript_key_new(h->pub, sealed);
    if (ch->segment <= 0 || !ch->key ||
        store_segment_add(h->st, ch->id, ch->segment, sealed, sizeof(sealed)) != 0 ||
        idmap_put(h->chats, ch->id, ch) != 0) {
        transcript_key_free(ch->key);
        free(ch);
        return NULL;
    }
    return ch;
}

static void restore_one(const struct store_session *ss, void *arg)
{
    struct restore_ctx *ctx = arg;
    struct hub *h = ctx->h;
    struct store_user u;
    int topic = config_topic_index(h->cfg, ss->topic);
    struct visitor *v = topic >= 0 ? calloc(1, sizeof(*v)) : NULL;
    if (!v)
        return; /* the topic is gone from the config */
    sodium_bin2hex(v->key, sizeof(v->key), ss->key, sizeof(ss->key));
    if (idmap_put(h->visitors, v->key, v) != 0) {
        free(v);
        return;
    }
    v->topic = topic;
    v->qe.order = ss->join_order;
    v->qe.since = ss->since;
    if (ss->join_order > h->join_order)
        h->join_order = ss->join_order;
    away_add(h, v, ctx->now); /* the grace starts again now */
    if (ss->chat)
        v->chat = restore_chat(h, v, topic, ss);
    struct worker *w = NULL;
    if (ss->state == 2 && v->chat && ss->worker && store_user_get(h->st, ss->worker, &u) == 0)
        w = hub_worker_get(h, &u);
    if (w && w->nchats < WORKER_MAX_CHATS) {
        v->state = VISITOR_CHATTING;
        v->chat->worker = w;
        w->chats[w->nchats++] = v->chat;
        w->away_since = ctx->now; /* not connected yet: has the grace to log in again */
        ctx->chats++;
    } else {
        v->state = VISITOR_QUEUED;
        if (v->chat || ss->transferred)
            queue_push_transferred(&h->topics[topic].queue, &v->qe);
        else
            queue_push(&h->topics[topic].queue, &v->qe);
        h->topics[topic].positions_dirty = true;
        ctx->places++;
    }
    /* the row stays as it is: rewriting it while the rows are read is unsafe,
     * and the next change of this visitor rewrites it anyway */
}

/* Brings back the queue places and chats of before a restart. */
static void restore_sessions(struct hub *h, time_t now)
{
    struct restore_ctx ctx = {h, now, 0, 0};
    if (store_begin(h->st) != 0 || store_session_each(h->st, restore_one, &ctx) != 0)
        fprintf(stderr, "chatd: cannot read the queue places kept over the restart\n");
    if (ctx.places || ctx.chats)
        fprintf(stderr, "chatd: restored %ld queue places and %ld chats\n", ctx.places, ctx.chats);
    h->route_needed = h->status_dirty = h->queue_state_dirty = true;
}

/* ---- entry points ------------------------------------------------------ */

struct hub *hub_new(const struct config *cfg, struct store *st,
                    const uint8_t pub[TRANSCRIPT_PUB_BYTES], struct auth *auth, double now)
{
    struct hub *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->cfg = cfg;
    h->st = st;
    h->auth = auth;
    memcpy(h->pub, pub, TRANSCRIPT_PUB_BYTES);
    h->visitors = idmap_new();
    h->chats = idmap_new();
    h->stats = stats_new(cfg, (time_t)now);
    h->last_flush = (time_t)now;
    h->last_purge = (time_t)now - PURGE_EVERY_S; /* purge once at start */
    if (!h->visitors || !h->chats || !h->stats) {
        stats_free(h->stats);
        idmap_free(h->visitors);
        idmap_free(h->chats);
        free(h);
        return NULL;
    }
    for (size_t i = 0; i < cfg->ntopics; i++)
        queue_init(&h->topics[i].queue);
    h->status_dirty = true;
    restore_sessions(h, (time_t)now);
    return h;
}

static void free_visitor_cb(void *value, void *arg)
{
    struct visitor *v = value;
    struct chat *ch = v->chat;
    (void)arg;
    if (ch)
        chat_wipe(ch);
    free(v);
}

void hub_free(struct hub *h, double now)
{
    if (!h)
        return;
    stats_flush(h->stats, h->st, (time_t)now);
    store_commit(h->st);
    stats_free(h->stats);
    idmap_each(h->visitors, free_visitor_cb, NULL);
    idmap_free(h->visitors);
    idmap_free(h->chats);
    while (h->workers) {
        struct worker *w = h->workers;
        h->workers = w->next;
        free(w);
    }
    free(h->last_status);
    free(h);
}

void hub_conn_open(struct hub *h, struct conn *c, double now)
{
    conn_bucket_init(&c->msg_rate, h->cfg->msg_rate_per_s, h->cfg->msg_burst);
    if (c->role != PROTO_STATUS)
        return;
    c->sub_prev = NULL;
    c->sub_next = h->subs;
    if (h->subs)
        h->subs->sub_prev = c;
    h->subs = c;
    json_t *obj =
        json_pack("{s:s,s:o,s:o}", "type", "status", "generated", proto_time_json((time_t)now),
                  "topics", hub_status_topics(h, (time_t)now));
    conn_send(c, proto_dump(obj, NULL));
}

void hub_conn_frame(struct hub *h, struct conn *c, const char *buf, size_t len, double now)
{
    struct proto_req r;
    int rc = proto_decode(c->role, buf, len, &r);
    if (rc != 0) {
        hub_send_error(c, rc, r.ref);
        if (++c->abuse > ABUSE_LIMIT)
            conn_close(c, 1008);
    } else if (r.type == PT_PING) {
        conn_send(c, proto_frame("pong", r.ref, NULL));
    } else if (c->role == PROTO_VISITOR) {
        hub_visitor_request(h, c, &r, now);
    } else if (c->role == PROTO_WORKER) {
        hub_worker_request(h, c, &r, now);
    }
    proto_req_fini(&r);
}

void hub_conn_closed(struct hub *h, struct conn *c, double now)
{
    time_t t = (time_t)now;
    if (c->role == PROTO_STATUS) {
        if (c->sub_prev)
            c->sub_prev->sub_next = c->sub_next;
        else if (h->subs == c)
            h->subs = c->sub_next;
        if (c->sub_next)
            c->sub_next->sub_prev = c->sub_prev;
    }
    if (c->auth_job)
        free(auth_cancel(h->auth, c->auth_job));
    struct visitor *v = c->visitor;
    if (v && v->conn == c) {
        v->conn = NULL;
        away_add(h, v, t);
        if (v->state == VISITOR_CHATTING)
            hub_worker_send(v->chat->worker,
                            proto_frame("visitor_away", NULL, "{s:s}", "chat", v->chat->id));
    }
    struct worker *w = c->worker;
    for (int i = 0; w && i < w->nconns; i++) {
        if (w->conns[i] != c)
            continue;
        w->conns[i] = w->conns[--w->nconns];
        if (w->nconns == 0) {
            w->away_since = t ? t : 1;
            h->status_dirty = true;
            for (size_t k = 0; k < h->cfg->ntopics; k++)
                h->topics[k].positions_dirty = true; /* fewer staffed slots */
        }
        break;
    }
    c->visitor = NULL;
    c->worker = NULL;
}

/* Deletes transcripts past retention_days (hourly; a bounded amount of work). */
static void purge_transcripts(struct hub *h, time_t now)
{
    char day[16];
    long deleted = 0;
    time_t cut = now - (time_t)h->cfg->retention_days * 86400;
    struct tm tm;
    h->last_purge = now;
    localtime_r(&cut, &tm);
    strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    store_commit(h->st);
    if (store_transcript_purge(h->st, day, &deleted) != 0)
        fprintf(stderr, "chatd: transcript purge failed\n");
    else if (deleted > 0 && store_reclaim_some(h->st, 2000) == 0)
        fprintf(stderr, "chatd: deleted %ld transcripts older than %s\n", deleted, day);
    store_token_purge(h->st, now);
    store_block_purge(h->st, now);
}

void hub_tick(struct hub *h, double now)
{
    time_t t = (time_t)now;
    if (t - h->last_purge >= PURGE_EVERY_S)
        purge_transcripts(h, t);
    time_t grace = h->cfg->resume_grace_s;
    while (h->away_head && h->away_head->away_since + grace <= t) {
        struct visitor *v = h->away_head;
        hub_away_remove(h, v);
        visitor_free(h, v, t);
    }
    for (struct worker *w = h->workers; w; w = w->next) {
        if (!w->nconns && w->away_since && w->away_since + grace <= t) {
            w->away_since = 0;
            w->on_duty = false;
            hub_worker_release_chats(h, w, t);
        }
    }
    h->status_dirty = h->queue_state_dirty = true;
}

time_t hub_next_deadline(struct hub *h, double now)
{
    time_t t = (time_t)now, next = -1;
    time_t grace = h->cfg->resume_grace_s;
#define EARLIER(x)                                                                                 \
    do {                                                                                           \
        time_t x_ = (x);                                                                           \
        if (x_ >= 0 && (next < 0 || x_ < next))                                                    \
            next = x_;                                                                             \
    } while (0)
    if (h->away_head)
        EARLIER(h->away_head->away_since + grace);
    EARLIER(h->last_flush + STATS_FLUSH_S);
    EARLIER(h->last_purge + PURGE_EVERY_S);
    for (struct worker *w = h->workers; w; w = w->next)
        if (!w->nconns && w->away_since)
            EARLIER(w->away_since + grace);
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        EARLIER(status_next_change(&h->cfg->topics[i], t));
#undef EARLIER
    return next;
}

void hub_turn_end(struct hub *h, double now, void (*wake)(struct conn *c, void *arg), void *arg)
{
    time_t t = (time_t)now;
    if (h->route_needed)
        route(h, t);
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        if (h->topics[i].positions_dirty)
            push_positions(h, (int)i, t);
    if (h->queue_state_dirty) {
        h->queue_state_dirty = false;
        for (struct worker *w = h->workers; w; w = w->next)
            if (w->on_duty && w->nconns)
                hub_send_queue_state(h, w, t);
    }
    if (h->status_dirty) {
        push_status(h, t);
        for (size_t i = 0; i < h->cfg->ntopics; i++)
            stats_staffing(h->stats, (int)i, hub_staffed_workers(h, (int)i), t);
    }
    if (t - h->last_flush >= STATS_FLUSH_S) {
        h->last_flush = t;
        if (stats_flush(h->stats, h->st, t) != 0)
            fprintf(stderr, "chatd: cannot write statistics\n");
    }
    if (store_commit(h->st) != 0) {
        fprintf(stderr, "chatd: commit failed; this turn's replies are withdrawn\n");
        conn_drop_held();
    }
    conn_release_all(wake, arg);
}

void hub_set_key(struct hub *h, const uint8_t pub[TRANSCRIPT_PUB_BYTES])
{
    memcpy(h->pub, pub, TRANSCRIPT_PUB_BYTES);
}
