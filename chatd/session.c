/*
 * session: visitor sessions' lifecycle; see session.h.
 *
 * A session is known by the BLAKE2b hash of its token (hex in memory, binary
 * in the database): the token itself is never kept beyond the session struct,
 * and never stored.
 */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "route.h"
#include "staff.h"

/* The hex key of a session token. */
static void session_key(const char *token, char key[HEX_KEY_CHARS])
{
    uint8_t hash[STORE_TOKEN_HASH_BYTES];
    crypto_generichash(hash, sizeof(hash), (const uint8_t *)token, strlen(token), NULL, 0);
    sodium_bin2hex(key, HEX_KEY_CHARS, hash, sizeof(hash));
}

/* The binary form of a hex key; 0, or -1 if key is not hex. */
static int key_bin(const char *key, uint8_t out[STORE_TOKEN_HASH_BYTES])
{
    return sodium_hex2bin(out, STORE_TOKEN_HASH_BYTES, key, strlen(key), NULL, NULL, NULL);
}

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

/* Takes v off the away list; its away_since stays (a gone visitor that a
 * failed batch brings back goes on the list again with it). */
static void away_unlink(struct hub *h, struct visitor *v)
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
}

static void away_remove(struct hub *h, struct visitor *v)
{
    away_unlink(h, v);
    v->away_since = 0;
}

/* A new visitor session with no language and no answers. */
static struct visitor *visitor_new(void)
{
    struct visitor *v = calloc(1, sizeof(*v));
    if (v) {
        v->lang = -1;
        hub_no_answers(&v->answers);
    }
    return v;
}

/* A new session for a hello on c with token (or none); one address may
 * hold max_conns_per_source sessions at once (also those away in their
 * grace), so a script cannot fill memory with them. */
static int session_new(struct hub *h, const struct conn *c, const char *token, time_t now,
                       struct visitor **out)
{
    char key[HEX_KEY_CHARS];
    uint8_t kb[STORE_TOKEN_HASH_BYTES];
    *out = NULL;
    if (h->cfg->max_conns_per_source > 0 &&
        hub_source_sessions(h, c->source, 0) >= h->cfg->max_conns_per_source)
        return CHAT_ERR_RATE_LIMITED;
    struct visitor *v = visitor_new();
    if (!v)
        return CHAT_ERR_NOMEM;
    /* A session that is gone from memory starts again under a new token,
     * unless it is still blocked: then it keeps its token and its block. */
    if (token) {
        session_key(token, key);
        if (key_bin(key, kb) == 0)
            v->blocked_until = store_block_until(h->st, kb, now);
    }
    if (v->blocked_until) /* token is at most PROTO_ID_MAX bytes, as v->session holds */
        snprintf(v->session, sizeof(v->session), "%s", token);
    else {
        uint8_t raw[SESSION_BYTES];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(v->session, sizeof(v->session), raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    }
    session_key(v->session, v->key);
    if (idmap_put(h->visitors, v->key, v) != 0) {
        free(v);
        return CHAT_ERR_NOMEM;
    }
    v->source = c->source;
    hub_source_sessions(h, v->source, 1);
    *out = v;
    return 0;
}

int session_open(struct hub *h, struct conn *c, const char *token, time_t now, struct visitor **out,
                 bool *resumed)
{
    char key[HEX_KEY_CHARS];
    struct visitor *v = NULL;
    if (token) {
        session_key(token, key);
        v = idmap_get(h->visitors, key);
    }
    *resumed = v != NULL;
    if (v) {
        if (v->conn) { /* the same session from a new page load: the old one goes */
            v->conn->session = NULL;
            conn_close(v->conn, 4002);
        } else {
            away_remove(h, v);
        }
    } else {
        int rc = session_new(h, c, token, now, &v);
        if (rc != 0)
            return rc;
    }
    if (!v->session[0]) /* restored after a restart: the visitor brings the token back */
        snprintf(v->session, sizeof(v->session), "%s", token);
    v->conn = c;
    c->session = v;
    c->greeted = true;
    *out = v;
    return 0;
}

struct visitor *session_find(struct hub *h, const char *token)
{
    char key[HEX_KEY_CHARS];
    session_key(token, key);
    return idmap_get(h->visitors, key);
}

void session_away(struct hub *h, struct visitor *v, time_t now)
{
    v->conn = NULL;
    away_add(h, v, now);
}

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

int session_block(struct hub *h, struct visitor *v, time_t until)
{
    uint8_t key[STORE_TOKEN_HASH_BYTES];
    int rc = key_bin(v->key, key) == 0 ? store_block_put(h->st, key, until) : CHAT_ERR_INTERNAL;
    if (rc == 0) {
        turn_touch_visitor(h, v);
        v->blocked_until = until;
    }
    return rc;
}

/* v's grace is over: its wait or chat ends and it leaves memory. */
static void session_end(struct hub *h, struct visitor *v, time_t now)
{
    session_abandon(h, v, now);
    if (v->chat)
        chat_end(h, v->chat, PROTO_BY_TIMEOUT, now, NULL);
    turn_visitor_gone(h, v);
}

void session_expire(struct hub *h, time_t now)
{
    time_t grace = h->cfg->resume_grace_s;
    while (h->away_head && h->away_head->away_since + grace <= now) {
        struct visitor *v = h->away_head;
        away_unlink(h, v);
        session_end(h, v, now);
    }
}

time_t session_next_expiry(const struct hub *h)
{
    return h->away_head ? h->away_head->away_since + h->cfg->resume_grace_s : -1;
}

/* Journals v's row: its queue place or chat, or none when idle or gone. */
static int persist(struct hub *h, const struct visitor *v)
{
    struct store_session ss = {0};
    if (key_bin(v->key, ss.key) != 0)
        return CHAT_ERR_INTERNAL;
    if (v->state == PROTO_VISITOR_IDLE || v->gone)
        return store_session_del(h->st, ss.key);
    ss.state = v->state;
    ss.topic = h->cfg->topics[v->topic].id;
    ss.join_order = v->qe.order;
    ss.since = v->qe.since;
    ss.transferred = v->state == PROTO_VISITOR_QUEUED && v->qe.cls == QUEUE_TRANSFERRED;
    if (v->chat) {
        ss.chat = v->chat->id;
        ss.worker = v->chat->worker ? v->chat->worker->user : NULL;
        ss.started = v->chat->started;
        ss.waited = v->chat->waited_s;
    }
    return store_session_put(h->st, &ss);
}

int session_persist_dirty(struct hub *h)
{
    while (h->dirty) {
        struct visitor *v = h->dirty;
        int rc = persist(h, v);
        if (rc != 0)
            return rc; /* v stays dirty: written with the next change */
        h->dirty = v->dirty_next;
        v->dirty = false;
        v->dirty_next = NULL;
    }
    return 0;
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
    struct visitor *v = topic >= 0 ? visitor_new() : NULL;
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
    if (ss->chat && chat_restore(h, v, topic, ss->chat, ss->started, ss->waited, &v->chat) != 0)
        v->chat = NULL; /* its transcript is gone: it waits as a first wait */
    struct worker *w = NULL;
    if (ss->state == PROTO_VISITOR_CHATTING && v->chat && ss->worker &&
        store_user_get(h->st, ss->worker, &u) == 0)
        w = staff_get(h, &u);
    if (w && w->nchats < WORKER_MAX_CHATS) {
        v->state = PROTO_VISITOR_CHATTING;
        v->chat->worker = w;
        staff_add_chat(h, w, v->chat);
        w->away_since = ctx->now; /* not connected yet: has the grace to log in again */
        h->restored_chats++;
    } else {
        v->state = PROTO_VISITOR_QUEUED;
        v->qe.cls = v->chat || ss->transferred ? QUEUE_TRANSFERRED : QUEUE_NORMAL;
        v->qe.rank = ++h->transfer_order;
        queue_insert(&h->topics[topic].queue, &v->qe);
        h->topics[topic].positions_dirty = true;
        h->restored_places++;
    }
    sodium_memzero(&u, sizeof(u));
}

int session_restore(struct hub *h, time_t now)
{
    struct restore_ctx ctx = {h, now};
    h->route_needed = h->status_dirty = h->queue_state_dirty = true;
    return store_session_each(h->st, restore_one, &ctx);
}

static void free_visitor_cb(void *value, void *arg)
{
    struct visitor *v = value;
    if (v->chat)
        turn_destroy_chat(v->chat);
    if (v->conn)
        v->conn->session = NULL;
    turn_destroy_visitor(arg, v);
}

void session_free_all(struct hub *h)
{
    idmap_each(h->visitors, free_visitor_cb, h);
}
