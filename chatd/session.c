/*
 * session: visitor sessions' records; see session.h. What ends or brings
 * back sessions through the rooms above (a chat, a queue place) is in
 * session_grace.c.
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

#include "queue.h"

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

/* Puts v first on the away list (it has been away the longest), keeping
 * its away_since. */
static void away_add_first(struct hub *h, struct visitor *v)
{
    v->away_prev = NULL;
    v->away_next = h->away_head;
    if (h->away_head)
        h->away_head->away_prev = v;
    else
        h->away_tail = v;
    h->away_head = v;
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

void session_set_state(struct hub *h, struct visitor *v, enum proto_visitor_state to, int topic,
                       const struct queue_entry *place)
{
    turn_touch_visitor(h, v);
    if (v->state == PROTO_VISITOR_QUEUED) {
        queue_remove(&h->topics[v->topic].queue, &v->qe);
        hub_redo(h, REDO_POSITIONS, v->topic);
    }
    v->state = to;
    v->topic = topic;
    if (to == PROTO_VISITOR_QUEUED) {
        v->qe.order = place->order;
        v->qe.rank = place->rank;
        v->qe.since = place->since;
        v->qe.cls = place->cls;
        queue_insert(&h->topics[topic].queue, &v->qe);
        hub_redo(h, REDO_POSITIONS, topic);
    }
    hub_redo(h, REDO_ROUTE | REDO_STATUS | REDO_QUEUE_STATE, -1);
}

void session_undo(struct hub *h, struct visitor *saved)
{
    for (struct visitor *v = saved; v; v = v->saved_next) /* every place out first: */
        if (v->qe.queued) { /* the lists hold only restored places when they go back */
            queue_remove(&h->topics[v->topic].queue, &v->qe);
            hub_redo(h, REDO_POSITIONS, v->topic);
        }
    for (struct visitor *v = saved; v; v = v->saved_next) {
        v->d = v->was;
        v->qe.prev = v->qe.next = NULL;
        v->qe.queued = false;
        if (v->state == PROTO_VISITOR_QUEUED) {
            queue_insert(&h->topics[v->topic].queue, &v->qe);
            hub_redo(h, REDO_POSITIONS, v->topic);
        }
        if (v->gone) { /* its grace had ended in the failed batch: it ends again */
            v->gone = false;
            (void)idmap_put(h->visitors, v->key, v); /* it was there before: room exists */
            away_add_first(h, v);
        }
    }
}

struct visitor *session_next_expired(struct hub *h, time_t now)
{
    struct visitor *v = h->away_head;
    if (!v || v->away_since + h->cfg->resume_grace_s > now)
        return NULL;
    away_unlink(h, v);
    return v;
}

struct visitor *session_new_restored(struct hub *h, const uint8_t key[STORE_TOKEN_HASH_BYTES],
                                     time_t now)
{
    struct visitor *v = visitor_new();
    if (!v)
        return NULL;
    sodium_bin2hex(v->key, sizeof(v->key), key, STORE_TOKEN_HASH_BYTES);
    if (idmap_put(h->visitors, v->key, v) != 0) {
        free(v);
        return NULL;
    }
    away_add(h, v, now); /* the grace starts again now */
    return v;
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
        ss.label = v->chat->label;
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
