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

#include "idmap.h"
#include "queue.h"
#include "stats.h"
#include "status.h"

#define SESSION_BYTES 16
#define CHAT_ID_BYTES 12
#define WORKER_MAX_CHATS 16
#define WORKER_MAX_CONNS 8
#define FEEDBACK_WINDOW_S (15 * 60)
#define ABUSE_LIMIT 50
#define LOGIN_FAIL_LIMIT 5
#define LOGIN_FAIL_WINDOW_S 300
#define STATS_FLUSH_S 60 /* a crash loses at most this much of the statistics */
#define PURGE_EVERY_S 3600
#define SOURCE_FAIL_LIMIT 20 /* failed logins from one address in the window */

enum visitor_state { VISITOR_IDLE, VISITOR_QUEUED, VISITOR_CHATTING };

struct hist {
    char *text;
    bool from_worker;
    uint64_t seq;
    time_t ts;
};

struct chat {
    char id[32];
    int topic;
    struct visitor *visitor;
    struct worker *worker; /* NULL while a transferred visitor waits */
    uint64_t seq;
    struct transcript_key *key;
    int segment;
    struct hist *hist;
    size_t nhist, caphist;
    time_t started, waited_s;
};

struct visitor {
    char session[PROTO_ID_MAX + 1]; /* "" for a session restored after a restart until hello */
    char key[2 * STORE_TOKEN_HASH_BYTES + 1]; /* hex hash of the session: the map and db key */
    struct conn *conn;
    enum visitor_state state;
    int topic;
    struct queue_entry qe;
    struct chat *chat;
    time_t away_since;
    struct visitor *away_prev, *away_next;
    time_t blocked_until;
    char last_chat[32];
    int last_topic;
    time_t last_end;
    bool feedback_done;
    int sent_pos;
    long sent_wait;
};

struct worker {
    char user[STORE_NAME_MAX + 1];
    char alias[STORE_ALIAS_MAX + 1];
    char role[16];
    struct conn *conns[WORKER_MAX_CONNS]; /* every console tab logged in as this user */
    int nconns;
    bool on_duty;
    uint32_t topics; /* bit i = cfg->topics[i] */
    int capacity;
    struct chat *chats[WORKER_MAX_CHATS];
    int nchats;
    uint64_t idle_order; /* smaller = idle longer: stamped when a chat ends or duty begins */
    time_t away_since;
    uint8_t token_hash[32]; /* of the token this session logged in with, for logout */
    struct worker *next;
};

struct topic_state {
    struct queue queue;
    struct status_service service;
    bool positions_dirty;
};

struct login_fail {
    char user[STORE_NAME_MAX + 1];
    int count;
    time_t first;
};

struct hub {
    const struct config *cfg;
    struct store *st;
    uint8_t pub[TRANSCRIPT_PUB_BYTES];
    struct auth *auth;
    struct idmap *visitors; /* session -> visitor */
    struct idmap *chats;    /* chat id -> chat */
    struct worker *workers;
    struct visitor *away_head, *away_tail;
    struct topic_state topics[CONFIG_MAX_TOPICS];
    struct conn *subs; /* status.v1 subscribers */
    uint64_t join_order;
    bool route_needed, status_dirty, queue_state_dirty;
    char *last_status; /* the text last pushed to subscribers (no "generated") */
    struct login_fail fails[64];
    struct stats *stats;
    time_t last_flush;
    time_t last_purge;
};

static uint64_t idle_counter; /* orders workers by when they last became idle */

static void send_error(struct conn *c, int err, const char *ref)
{
    conn_send(c, proto_error(err, ref, NULL));
}

/* Sends frame to every connection of w (none: dropped). */
static void worker_send(struct worker *w, char *frame)
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

static void random_id(char *out, size_t outlen, size_t bytes)
{
    uint8_t raw[32];
    randombytes_buf(raw, bytes);
    sodium_bin2base64(out, outlen, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- persistence of queue places and chats --------------------------- */

/* v->key from a session token: the hex BLAKE2b hash, so no token is kept. */
static void session_key(const char *session, char key[2 * STORE_TOKEN_HASH_BYTES + 1])
{
    uint8_t hash[STORE_TOKEN_HASH_BYTES];
    crypto_generichash(hash, sizeof(hash), (const uint8_t *)session, strlen(session), NULL, 0);
    sodium_bin2hex(key, 2 * STORE_TOKEN_HASH_BYTES + 1, hash, sizeof(hash));
}

/* Writes v's place or chat to the database (or removes it when idle). */
static void persist(struct hub *h, const struct visitor *v)
{
    struct store_session ss = {0};
    if (sodium_hex2bin(ss.key, sizeof(ss.key), v->key, strlen(v->key), NULL, NULL, NULL) != 0 ||
        store_begin(h->st) != 0)
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

/* ---- status ---------------------------------------------------------- */

static int staffed_slots(const struct hub *h, int topic)
{
    int slots = 0;
    for (const struct worker *w = h->workers; w; w = w->next)
        if (w->on_duty && w->nconns && (w->topics & (1u << topic)))
            slots += w->capacity;
    return slots;
}

static int staffed_workers(const struct hub *h, int topic)
{
    int n = 0;
    for (const struct worker *w = h->workers; w; w = w->next)
        n += w->on_duty && w->nconns && (w->topics & (1u << topic));
    return n;
}

static void topic_input(const struct hub *h, int i, struct status_input *in)
{
    in->waiting = (int)h->topics[i].queue.count;
    in->staffed_slots = staffed_slots(h, i);
    in->service = h->topics[i].service;
}

/* The status topic objects of every topic, as a JSON array. */
static json_t *status_topics(const struct hub *h, time_t now)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        struct status_input in;
        struct proto_topic_status ts;
        topic_input(h, (int)i, &in);
        status_compute(&h->cfg->topics[i], &in, now, &ts);
        json_array_append_new(arr, proto_topic_status_json(&ts));
    }
    return arr;
}

char *hub_status_json(struct hub *h, double now)
{
    json_t *obj = json_pack("{s:o,s:o}", "generated", proto_time_json((time_t)now), "topics",
                            status_topics(h, (time_t)now));
    return proto_dump(obj, NULL);
}

static void push_status(struct hub *h, time_t now)
{
    h->status_dirty = false;
    json_t *arr = status_topics(h, now);
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

static void send_queue_state(struct hub *h, struct worker *w, time_t now)
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
    worker_send(w, proto_frame("queue_state", NULL, "{s:o}", "topics", arr));
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

static void send_chat_started_visitor(struct hub *h, struct visitor *v, const char *ref)
{
    struct chat *ch = v->chat;
    if (!v->conn)
        return;
    conn_send(v->conn, proto_frame("chat_started", ref, "{s:s,s:s,s:s,s:o}", "chat", ch->id,
                                   "topic", h->cfg->topics[ch->topic].id, "worker",
                                   ch->worker->alias, "history", history_json(ch)));
}

static void send_chat_started_worker(struct hub *h, struct worker *w, struct chat *ch,
                                     const char *ref)
{
    const struct config_topic *t = &h->cfg->topics[ch->topic];
    if (!w->nconns)
        return;
    worker_send(w, proto_frame("chat_started", ref, "{s:s,s:s,s:s,s:I,s:o,s:b}", "chat", ch->id,
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
    random_id(ch->id, sizeof(ch->id), CHAT_ID_BYTES);
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

static void worker_drop_chat(struct worker *w, struct chat *ch, time_t now)
{
    for (int i = 0; i < w->nchats; i++) {
        if (w->chats[i] == ch) {
            w->chats[i] = w->chats[--w->nchats];
            break;
        }
    }
    (void)now;
    w->idle_order = ++idle_counter;
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
static void chat_end(struct hub *h, struct chat *ch, const char *by, time_t now, const char *ref)
{
    struct visitor *v = ch->visitor;
    struct worker *w = ch->worker;
    if (w) {
        worker_send(w, proto_frame("chat_ended", strcmp(by, "worker") ? NULL : ref, "{s:s,s:s}",
                                   "chat", ch->id, "by", by));
        worker_drop_chat(w, ch, now);
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
        persist(h, v);
    }
    chat_free(h, ch);
    h->route_needed = h->status_dirty = true;
}

/* Starts (or resumes after a transfer) the chat of v with w. */
static void assign(struct hub *h, struct visitor *v, struct worker *w, time_t now, const char *ref)
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
    persist(h, v);
    send_chat_started_visitor(h, v, NULL);
    send_chat_started_worker(h, w, ch, ref);
}

/* ---- routing ---------------------------------------------------------- */

static bool worker_free_for(const struct worker *w, int topic)
{
    return w->on_duty && w->nconns && (w->topics & (1u << topic)) && w->nchats < w->capacity &&
           w->nchats < WORKER_MAX_CHATS;
}

/* The eligible worker with the fewest active chats, then idle longest. */
static struct worker *best_worker(struct hub *h, int topic)
{
    struct worker *best = NULL;
    for (struct worker *w = h->workers; w; w = w->next) {
        if (!worker_free_for(w, topic))
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
        assign(h, v, bw, now, NULL);
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
    topic_input(h, topic, &in);
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

static void away_remove(struct hub *h, struct visitor *v)
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
static void visitor_abandon(struct hub *h, struct visitor *v, time_t now)
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
        persist(h, v);
}

static void visitor_free(struct hub *h, struct visitor *v, time_t now)
{
    visitor_abandon(h, v, now);
    if (v->chat)
        chat_end(h, v->chat, "timeout", now, NULL);
    visitor_unqueue(h, v);
    idmap_del(h->visitors, v->key);
    sodium_memzero(v->session, sizeof(v->session));
    free(v);
}

/* ---- visitor requests ------------------------------------------------- */

static void send_queued(struct hub *h, struct visitor *v, const char *ref)
{
    int pos = 1;
    for (struct queue_entry *e = h->topics[v->topic].queue.head; e && e != &v->qe; e = e->next)
        pos++;
    struct status_input in;
    topic_input(h, v->topic, &in);
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
        session_key(r->session, key);
    struct visitor *v = r->session ? idmap_get(h->visitors, key) : NULL;
    bool resumed = v != NULL;
    if (c->greeted) {
        send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        return;
    }
    if (v) {
        if (v->conn) { /* the same session from a new page load: the old one goes */
            v->conn->visitor = NULL;
            conn_close(v->conn, 4002);
        } else {
            away_remove(h, v);
        }
    } else {
        if (!(v = calloc(1, sizeof(*v))))
            return send_error(c, CHAT_ERR_NOMEM, r->ref);
        random_id(v->session, sizeof(v->session), SESSION_BYTES);
        session_key(v->session, v->key);
        if (idmap_put(h->visitors, v->key, v) != 0) {
            free(v);
            return send_error(c, CHAT_ERR_NOMEM, r->ref);
        }
    }
    if (!v->session[0]) /* restored after a restart: the visitor brings the token back */
        snprintf(v->session, sizeof(v->session), "%s", r->session);
    v->conn = c;
    c->visitor = v;
    c->greeted = true;
    conn_send(c, proto_frame("welcome", r->ref, "{s:s,s:b,s:s,s:o}", "session", v->session,
                             "resumed", resumed, "state", visitor_state_name(v), "topics",
                             status_topics(h, now)));
    if (v->state == VISITOR_QUEUED) {
        send_queued(h, v, NULL);
    } else if (v->state == VISITOR_CHATTING) {
        send_chat_started_visitor(h, v, NULL);
        struct worker *w = v->chat->worker;
        worker_send(w, proto_frame("visitor_back", NULL, "{s:s}", "chat", v->chat->id));
    }
}

static void visitor_join(struct hub *h, struct visitor *v, const struct proto_req *r, time_t now)
{
    int topic = config_topic_index(h->cfg, r->topic);
    if (v->state != VISITOR_IDLE)
        return send_error(v->conn, CHAT_ERR_BAD_STATE, r->ref);
    if (topic < 0)
        return send_error(v->conn, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
    stats_add(h->stats, topic, STAT_JOINS, 1, now);
    if (v->blocked_until > now)
        return send_error(v->conn, CHAT_ERR_BLOCKED, r->ref);
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
        return send_error(v->conn, why, r->ref);
    v->topic = topic;
    v->qe.order = ++h->join_order;
    v->qe.since = now;
    v->state = VISITOR_QUEUED;
    queue_push(&h->topics[topic].queue, &v->qe);
    persist(h, v);
    stats_add(h->stats, topic, STAT_QUEUED, 1, now);
    send_queued(h, v, r->ref);
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
        worker_send(ch->worker, proto_msg_frame(&m));
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
static void post_and_ack(struct hub *h, struct conn *c, struct chat *ch, bool from_worker,
                         const struct proto_req *r, double now)
{
    uint64_t seq;
    if (!conn_bucket_take(&c->msg_rate, now))
        return send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
    int rc = chat_post(h, ch, from_worker, r->text, (time_t)now, &seq);
    conn_send(c, rc ? proto_error(rc, r->ref, NULL) : proto_ack(seq, r->ref));
    if (rc == 0 && from_worker) /* the worker's other console tabs see it too */
        worker_send_others(ch->worker, c, ch->hist[ch->nhist - 1].seq, ch, now);
}

static char *typing_frame(const struct chat *ch, const char *from, bool on)
{
    return proto_frame("typing", NULL, "{s:s,s:s,s:b}", "chat", ch->id, "from", from, "on", on);
}

static void visitor_feedback(struct hub *h, struct visitor *v, const struct proto_req *r,
                             time_t now)
{
    if (v->state != VISITOR_IDLE || strcmp(r->chat, v->last_chat) != 0 || v->feedback_done ||
        now - v->last_end > FEEDBACK_WINDOW_S)
        return send_error(v->conn, CHAT_ERR_BAD_STATE, r->ref);
    v->feedback_done = true;
    stats_add(h->stats, v->last_topic, (enum stats_counter)(STAT_FEEDBACK_1 + r->score - 1), 1,
              now);
    conn_send(v->conn, proto_ack(0, r->ref));
}

static void visitor_request(struct hub *h, struct conn *c, const struct proto_req *r, double now)
{
    struct visitor *v = c->visitor;
    time_t t = (time_t)now;
    if (r->type == PT_HELLO)
        return visitor_hello(h, c, r, t);
    if (!v)
        return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    switch (r->type) {
    case PT_JOIN:
        if (!conn_bucket_take(&c->join_rate, now))
            return send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
        return visitor_join(h, v, r, t);
    case PT_MSG:
        if (v->state != VISITOR_CHATTING)
            return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        return post_and_ack(h, c, v->chat, false, r, now);
    case PT_TYPING:
        if (v->state != VISITOR_CHATTING)
            return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        return worker_send(v->chat->worker, typing_frame(v->chat, "visitor", r->on));
    case PT_LEAVE:
        if (v->state == VISITOR_CHATTING)
            return chat_end(h, v->chat, "visitor", t, r->ref);
        if (v->state != VISITOR_QUEUED)
            return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        visitor_abandon(h, v, t);
        if (v->chat) /* a transferred visitor who gives up */
            chat_end(h, v->chat, "visitor", t, NULL);
        return conn_send(c, proto_frame("left", r->ref, NULL));
    case PT_FEEDBACK:
        return visitor_feedback(h, v, r, t);
    default:
        return send_error(c, CHAT_ERR_UNKNOWN_TYPE, r->ref);
    }
}

/* ---- worker requests -------------------------------------------------- */

static struct worker *worker_find(struct hub *h, const char *user)
{
    for (struct worker *w = h->workers; w; w = w->next)
        if (strcmp(w->user, user) == 0)
            return w;
    return NULL;
}

/* The session of user u, made on first use. */
static struct worker *worker_get(struct hub *h, const struct store_user *u)
{
    struct worker *w = worker_find(h, u->name);
    if (!w) {
        if (!(w = calloc(1, sizeof(*w))))
            return NULL;
        snprintf(w->user, sizeof(w->user), "%s", u->name);
        w->idle_order = ++idle_counter;
        w->capacity = 1;
        w->next = h->workers;
        h->workers = w;
    }
    snprintf(w->alias, sizeof(w->alias), "%s", u->alias);
    snprintf(w->role, sizeof(w->role), "%s", u->role);
    return w;
}

static struct login_fail *login_fail_slot(struct hub *h, const char *user, time_t now)
{
    struct login_fail *free_slot = NULL, *oldest = &h->fails[0];
    for (size_t i = 0; i < sizeof(h->fails) / sizeof(h->fails[0]); i++) {
        struct login_fail *f = &h->fails[i];
        if (f->count && now - f->first > LOGIN_FAIL_WINDOW_S)
            f->count = 0;
        if (f->count && strcmp(f->user, user) == 0)
            return f;
        if (!f->count && !free_slot)
            free_slot = f;
        if (f->first < oldest->first)
            oldest = f;
    }
    struct login_fail *f = free_slot ? free_slot : oldest;
    snprintf(f->user, sizeof(f->user), "%s", user);
    f->count = 0;
    f->first = now;
    return f;
}

static bool login_throttled(struct hub *h, const char *user, time_t now)
{
    return login_fail_slot(h, user, now)->count >= LOGIN_FAIL_LIMIT;
}

/* Attaches c to user's worker session (new or resumed) and greets it. */
static void worker_attach(struct hub *h, struct conn *c, const struct store_user *u,
                          const char *token, const char *ref, time_t now)
{
    struct worker *w = worker_get(h, u);
    if (!w)
        return send_error(c, CHAT_ERR_NOMEM, ref);
    if (w->nconns == WORKER_MAX_CONNS) { /* the oldest tab gives way */
        w->conns[0]->worker = NULL;
        w->conns[0]->greeted = false;
        conn_close(w->conns[0], 4001);
        memmove(&w->conns[0], &w->conns[1], sizeof(w->conns[0]) * (WORKER_MAX_CONNS - 1));
        w->nconns--;
    }
    w->conns[w->nconns++] = c;
    w->away_since = 0;
    auth_token_hash(token, w->token_hash);
    c->worker = w;
    c->greeted = true;
    json_t *canned = json_array();
    for (size_t i = 0; i < h->cfg->ncanned; i++)
        json_array_append_new(canned, json_string(h->cfg->canned[i]));
    conn_send(c, proto_frame("welcome", ref, "{s:s,s:s,s:s,s:s,s:o}", "user", w->user, "alias",
                             w->alias, "role", w->role, "token", token, "canned", canned));
    if (w->on_duty) {
        json_t *topics = json_array();
        for (size_t i = 0; i < h->cfg->ntopics; i++)
            if (w->topics & (1u << i))
                json_array_append_new(topics, json_string(h->cfg->topics[i].id));
        conn_send(c, proto_frame("duty", NULL, "{s:b,s:o,s:i}", "on", 1, "topics", topics,
                                 "capacity", w->capacity));
        send_queue_state(h, w, now);
    }
    for (int i = 0; i < w->nchats; i++)
        send_chat_started_worker(h, w, w->chats[i], NULL);
    h->route_needed = h->status_dirty = true;
}

static void worker_login_ok(struct hub *h, struct conn *c, const char *user, const char *ref,
                            time_t now)
{
    struct store_user u;
    char token[AUTH_TOKEN_CHARS];
    uint8_t hash[32];
    if (store_user_get(h->st, user, &u) != 0)
        return send_error(c, CHAT_ERR_UNAUTHORIZED, ref);
    auth_token_new(token, hash);
    if (store_begin(h->st) != 0 ||
        store_token_add(h->st, hash, u.name, now + AUTH_TOKEN_TTL_S) != 0)
        return send_error(c, CHAT_ERR_INTERNAL, ref);
    worker_attach(h, c, &u, token, ref, now);
    sodium_memzero(token, sizeof(token));
    sodium_memzero(&u, sizeof(u));
}

/* A pending login remembers its ref until the verifier answers. */
struct login_owner {
    struct conn *conn;
    char ref[PROTO_REF_MAX + 1];
};

static void worker_login(struct hub *h, struct conn *c, const struct proto_req *r, time_t now)
{
    struct store_user u;
    if (c->greeted || c->auth_job)
        return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    if (r->token) {
        uint8_t hash[32];
        char user[STORE_NAME_MAX + 1];
        auth_token_hash(r->token, hash);
        if (store_token_user(h->st, hash, now, user) != 0 || store_user_get(h->st, user, &u) != 0)
            return send_error(c, CHAT_ERR_UNAUTHORIZED, r->ref);
        worker_attach(h, c, &u, r->token, r->ref, now);
        sodium_memzero(&u, sizeof(u));
        return;
    }
    char source[24];
    snprintf(source, sizeof(source), "@%016llx", (unsigned long long)c->source);
    if (login_throttled(h, r->user, now) ||
        (c->source && login_fail_slot(h, source, now)->count >= SOURCE_FAIL_LIMIT))
        return send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
    bool known = store_user_get(h->st, r->user, &u) == 0;
    struct login_owner *o = calloc(1, sizeof(*o));
    if (!o)
        return send_error(c, CHAT_ERR_NOMEM, r->ref);
    o->conn = c;
    snprintf(o->ref, sizeof(o->ref), "%s", r->ref);
    c->auth_job = auth_submit(h->auth, o, r->user, known ? u.pwhash : NULL, r->password);
    if (!c->auth_job) {
        free(o);
        send_error(c, CHAT_ERR_NOMEM, r->ref);
    }
    sodium_memzero(&u, sizeof(u));
}

struct auth_ctx {
    struct hub *h;
    time_t now;
};

static void login_done(void *owner, const char *user, bool ok, void *arg)
{
    struct auth_ctx *ctx = arg;
    struct login_owner *o = owner;
    struct conn *c = o->conn;
    c->auth_job = NULL;
    if (ok) {
        worker_login_ok(ctx->h, c, user, o->ref, ctx->now);
    } else {
        login_fail_slot(ctx->h, user, ctx->now)->count++;
        if (c->source) {
            char source[24];
            snprintf(source, sizeof(source), "@%016llx", (unsigned long long)c->source);
            login_fail_slot(ctx->h, source, ctx->now)->count++;
        }
        send_error(c, CHAT_ERR_UNAUTHORIZED, o->ref);
    }
    free(o);
}

void hub_auth_ready(struct hub *h, double now)
{
    struct auth_ctx ctx = {h, (time_t)now};
    auth_poll(h->auth, login_done, &ctx);
}

static void worker_duty(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r,
                        time_t now)
{
    uint32_t mask = 0;
    if (strcmp(w->role, "coordinator") == 0)
        return send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
    for (size_t i = 0; i < r->ntopics; i++) {
        int t = config_topic_index(h->cfg, r->topics[i]);
        if (t < 0)
            return send_error(c, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
        mask |= 1u << t;
    }
    if (r->on && !w->on_duty)
        w->idle_order = ++idle_counter;
    w->on_duty = r->on;
    if (r->on) {
        w->topics = mask;
        w->capacity = r->capacity;
    }
    json_t *topics = json_array();
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        if (r->on && (w->topics & (1u << i)))
            json_array_append_new(topics, json_string(h->cfg->topics[i].id));
    for (int i = 0; i < w->nconns; i++) /* every tab shows the same duty; the asker gets the ref */
        conn_send(w->conns[i],
                  proto_frame("duty", w->conns[i] == c ? r->ref : NULL, "{s:b,s:O,s:i}", "on",
                              r->on, "topics", topics, "capacity", w->capacity));
    json_decref(topics);
    if (r->on)
        send_queue_state(h, w, now);
    h->route_needed = h->status_dirty = true;
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        h->topics[i].positions_dirty = true; /* staffing changes estimates */
}

/* The chat id of a worker request, which must be one of w's chats. */
static struct chat *worker_chat(struct hub *h, struct conn *c, struct worker *w,
                                const struct proto_req *r)
{
    struct chat *ch = idmap_get(h->chats, r->chat);
    if (!ch || ch->worker != w) {
        send_error(c, ch ? CHAT_ERR_FORBIDDEN : CHAT_ERR_BAD_STATE, r->ref);
        return NULL;
    }
    return ch;
}

static void worker_pick(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r,
                        time_t now)
{
    int t = config_topic_index(h->cfg, r->topic);
    if (t < 0)
        return send_error(c, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
    if (!w->on_duty || !(w->topics & (1u << t)))
        return send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
    if (h->cfg->topics[t].mode != MODE_PICK || !worker_free_for(w, t))
        return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    struct queue_entry *e = queue_head(&h->topics[t].queue);
    if (!e)
        return send_error(c, CHAT_ERR_QUEUE_EMPTY, r->ref);
    struct visitor *v = (struct visitor *)((char *)e - offsetof(struct visitor, qe));
    assign(h, v, w, now, r->ref);
}

/* Takes ch away from its worker and puts its visitor first in line of topic,
 * keeping the chat id and history (transfer, or the worker's session ended). */
static void requeue_front(struct hub *h, struct chat *ch, int topic, time_t now)
{
    struct visitor *v = ch->visitor;
    worker_drop_chat(ch->worker, ch, now);
    ch->worker = NULL;
    v->state = VISITOR_QUEUED;
    v->topic = topic;
    v->qe.since = now;
    v->sent_pos = 0;
    queue_push_transferred(&h->topics[topic].queue, &v->qe);
    persist(h, v);
    if (v->conn)
        send_queued(h, v, NULL);
    h->topics[topic].positions_dirty = true;
    h->route_needed = h->status_dirty = h->queue_state_dirty = true;
}

static void worker_transfer(struct hub *h, struct conn *c, struct worker *w, struct chat *ch,
                            const struct proto_req *r, time_t now)
{
    int t = config_topic_index(h->cfg, r->topic);
    if (t < 0)
        return send_error(c, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
    stats_add(h->stats, ch->topic, STAT_TRANSFERS, 1, now);
    stats_add(h->stats, ch->topic, STAT_CHATS, 1, now); /* this worker's part of the chat ended */
    stats_add_duration(h->stats, ch->topic, STAT_CHAT_S, STAT_CHAT_H0, now - ch->started, now);
    worker_send(w,
                proto_frame("chat_ended", r->ref, "{s:s,s:s}", "chat", ch->id, "by", "transfer"));
    requeue_front(h, ch, t, now);
}

/* Ends w's session: its chats go back to the front of their queues. */
static void worker_release_chats(struct hub *h, struct worker *w, time_t now)
{
    while (w->nchats > 0)
        requeue_front(h, w->chats[0], w->chats[0]->visitor->topic, now);
}

static void worker_request(struct hub *h, struct conn *c, const struct proto_req *r, double now)
{
    struct worker *w = c->worker;
    struct chat *ch;
    time_t t = (time_t)now;
    if (r->type == PT_LOGIN)
        return worker_login(h, c, r, t);
    if (!w)
        return send_error(c, CHAT_ERR_UNAUTHORIZED, r->ref);
    switch (r->type) {
    case PT_DUTY:
        return worker_duty(h, c, w, r, t);
    case PT_PICK:
        return worker_pick(h, c, w, r, t);
    case PT_MSG:
        if ((ch = worker_chat(h, c, w, r)))
            post_and_ack(h, c, ch, true, r, now);
        return;
    case PT_TYPING:
        if ((ch = worker_chat(h, c, w, r)) && ch->visitor->conn)
            conn_send(ch->visitor->conn, typing_frame(ch, "worker", r->on));
        return;
    case PT_END:
        if ((ch = worker_chat(h, c, w, r)))
            chat_end(h, ch, "worker", t, r->ref);
        return;
    case PT_TRANSFER:
        if ((ch = worker_chat(h, c, w, r)))
            worker_transfer(h, c, w, ch, r, t);
        return;
    case PT_BLOCK:
        if (!(ch = worker_chat(h, c, w, r)))
            return;
        ch->visitor->blocked_until = t + (time_t)r->hours * 3600;
        stats_add(h->stats, ch->topic, STAT_BLOCKS, 1, t);
        return chat_end(h, ch, "worker", t, r->ref);
    case PT_LOGOUT:
        if (store_begin(h->st) == 0)
            store_token_del_user(h->st, w->user); /* every tab's token: the session ends */
        w->on_duty = false;
        worker_release_chats(h, w, t);
        conn_send(c, proto_frame("logged_out", r->ref, NULL));
        while (w->nconns > 0) { /* every tab of this session ends with the token */
            struct conn *wc = w->conns[--w->nconns];
            wc->worker = NULL;
            conn_close(wc, 1000);
        }
        h->status_dirty = true;
        return;
    default:
        return send_error(c, CHAT_ERR_UNKNOWN_TYPE, r->ref);
    }
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
        w = worker_get(h, &u);
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
    if (c->role != PROTO_STATUS)
        return;
    c->sub_prev = NULL;
    c->sub_next = h->subs;
    if (h->subs)
        h->subs->sub_prev = c;
    h->subs = c;
    json_t *obj = json_pack("{s:s,s:o,s:o}", "type", "status", "generated",
                            proto_time_json((time_t)now), "topics", status_topics(h, (time_t)now));
    conn_send(c, proto_dump(obj, NULL));
}

void hub_conn_frame(struct hub *h, struct conn *c, const char *buf, size_t len, double now)
{
    struct proto_req r;
    int rc = proto_decode(c->role, buf, len, &r);
    if (rc != 0) {
        send_error(c, rc, r.ref);
        if (++c->abuse > ABUSE_LIMIT)
            conn_close(c, 1008);
    } else if (r.type == PT_PING) {
        conn_send(c, proto_frame("pong", r.ref, NULL));
    } else if (c->role == PROTO_VISITOR) {
        visitor_request(h, c, &r, now);
    } else if (c->role == PROTO_WORKER) {
        worker_request(h, c, &r, now);
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
            worker_send(v->chat->worker,
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
}

void hub_tick(struct hub *h, double now)
{
    time_t t = (time_t)now;
    if (t - h->last_purge >= PURGE_EVERY_S)
        purge_transcripts(h, t);
    time_t grace = h->cfg->resume_grace_s;
    while (h->away_head && h->away_head->away_since + grace <= t) {
        struct visitor *v = h->away_head;
        away_remove(h, v);
        visitor_free(h, v, t);
    }
    for (struct worker *w = h->workers; w; w = w->next) {
        if (!w->nconns && w->away_since && w->away_since + grace <= t) {
            w->away_since = 0;
            w->on_duty = false;
            worker_release_chats(h, w, t);
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
                send_queue_state(h, w, t);
    }
    if (h->status_dirty) {
        push_status(h, t);
        for (size_t i = 0; i < h->cfg->ntopics; i++)
            stats_staffing(h->stats, (int)i, staffed_workers(h, (int)i), t);
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

/* ---- HTTP APIs ---------------------------------------------------------- */

int hub_api_stats(struct hub *h, const char *bearer, const char *from, const char *to,
                  const char *topic, double now, char **body)
{
    uint8_t hash[32];
    char user[STORE_NAME_MAX + 1];
    struct store_user u;
    *body = NULL;
    if (!bearer || !*bearer)
        return 401;
    auth_token_hash(bearer, hash);
    if (store_token_user(h->st, hash, (time_t)now, user) != 0 ||
        store_user_get(h->st, user, &u) != 0)
        return 401;
    sodium_memzero(u.pwhash, sizeof(u.pwhash));
    if (strcmp(u.role, "coordinator") != 0 && strcmp(u.role, "admin") != 0)
        return 403;
    time_t t0 = from ? stats_parse_day(from, 0) : -1, t1 = to ? stats_parse_day(to, 1) : -1;
    if (t0 < 0 || t1 < 0 || t1 <= t0 || (topic && config_topic_index(h->cfg, topic) < 0))
        return 400;
    /* the pending minute is included so coordinators see the current hour */
    stats_flush(h->stats, h->st, (time_t)now);
    size_t len;
    FILE *out = open_memstream(body, &len);
    if (!out)
        return 500;
    int rc = stats_report(h->st, t0, t1, topic, STATS_JSON, 0, out);
    fclose(out);
    return rc == 0 ? 200 : 500;
}

char *hub_metrics(struct hub *h, double now)
{
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
    fputs("# HELP chatd_topic_open 1 when the topic is inside its opening hours.\n"
          "# TYPE chatd_topic_open gauge\n",
          out);
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        fprintf(out, "chatd_topic_open{topic=\"%s\"} %d\n", h->cfg->topics[i].id,
                schedule_is_open(&h->cfg->topics[i].schedule, t));
    fputs("# HELP chatd_workers_on_duty Connected workers on duty per topic.\n"
          "# TYPE chatd_workers_on_duty gauge\n",
          out);
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        fprintf(out, "chatd_workers_on_duty{topic=\"%s\"} %d\n", h->cfg->topics[i].id,
                staffed_workers(h, (int)i));
    fputs("# HELP chatd_chats_active Chats in progress.\n# TYPE chatd_chats_active gauge\n", out);
    fprintf(out, "chatd_chats_active %zu\n", idmap_count(h->chats));
    fputs("# HELP chatd_visitor_sessions Visitor sessions held (connected or within grace).\n"
          "# TYPE chatd_visitor_sessions gauge\n",
          out);
    fprintf(out, "chatd_visitor_sessions %zu\n", idmap_count(h->visitors));
    fclose(out);
    return text;
}

void hub_set_key(struct hub *h, const uint8_t pub[TRANSCRIPT_PUB_BYTES])
{
    memcpy(h->pub, pub, TRANSCRIPT_PUB_BYTES);
}

/* Badge texts per language: open, open with a wait (before and after the
 * minutes), full, closed, opens at (before the time). */
enum { B_OPEN, B_WAIT_PRE, B_WAIT_POST, B_FULL, B_CLOSED, B_OPENS, B_COUNT };
static const char *const badge_text[3][B_COUNT] = {
    {"Chat auki", "Chat auki, jonossa noin ", " min", "Jono on täynnä", "Chat on kiinni",
     "Aukeaa "},
    {"Chatten är öppen", "Chatten är öppen, ca ", " min kö", "Kön är full", "Chatten är stängd",
     "Öppnar "},
    {"Chat open", "Chat open, about ", " min wait", "Queue full", "Chat closed", "Opens "},
};

char *hub_badge_svg(struct hub *h, const char *topic, const char *lang, double now)
{
    int i = topic ? config_topic_index(h->cfg, topic) : -1;
    int l = lang && strcmp(lang, "sv") == 0 ? 1 : lang && strcmp(lang, "en") == 0 ? 2 : 0;
    struct status_input in;
    struct proto_topic_status ts;
    char label[160], when[32], *svg = NULL;
    if (i < 0)
        return NULL;
    topic_input(h, i, &in);
    status_compute(&h->cfg->topics[i], &in, (time_t)now, &ts);
    const char *fill = "#1d6b3a";
    if (strcmp(ts.state, "open") == 0 && ts.estimated_wait_s >= 0)
        snprintf(label, sizeof(label), "%s%ld%s", badge_text[l][B_WAIT_PRE],
                 (ts.estimated_wait_s + 59) / 60, badge_text[l][B_WAIT_POST]);
    else if (strcmp(ts.state, "open") == 0)
        snprintf(label, sizeof(label), "%s", badge_text[l][B_OPEN]);
    else if (strcmp(ts.state, "full") == 0) {
        snprintf(label, sizeof(label), "%s", badge_text[l][B_FULL]);
        fill = "#8a4b00";
    } else {
        fill = "#5b5b5b";
        if (ts.next_open >= 0) {
            struct tm tm;
            localtime_r(&ts.next_open, &tm);
            strftime(when, sizeof(when), "%d.%m. %H:%M", &tm);
            snprintf(label, sizeof(label), "%s%s", badge_text[l][B_OPENS], when);
        } else {
            snprintf(label, sizeof(label), "%s", badge_text[l][B_CLOSED]);
        }
    }
    const char *utf8 = label; /* the texts are UTF-8 and hold no XML metacharacters */
    int width = 24 + 7 * (int)proto_utf8_len(utf8);
    size_t len;
    FILE *out = open_memstream(&svg, &len);
    if (out) {
        fprintf(out,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"24\" role=\"img\" "
                "aria-label=\"%s\"><title>%s</title><rect width=\"%d\" height=\"24\" rx=\"4\" "
                "fill=\"%s\"/><text x=\"12\" y=\"16\" fill=\"#fff\" font-family=\"sans-serif\" "
                "font-size=\"13\">%s</text></svg>\n",
                width, utf8, utf8, width, fill, utf8);
        fclose(out);
    }
    return svg;
}
