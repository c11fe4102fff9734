/*
 * hub_worker: the worker.v1 requests (contract §3.2): login by password
 * (verified off the loop) or token, duty, pick, transfer, block, end,
 * logout. Every request checks the role and that the chat is the worker's.
 */
#include "hub_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"

/* ---- worker requests -------------------------------------------------- */

static struct worker *worker_find(struct hub *h, const char *user)
{
    for (struct worker *w = h->workers; w; w = w->next)
        if (strcmp(w->user, user) == 0)
            return w;
    return NULL;
}

/* The session of user u, made on first use. */
struct worker *hub_worker_get(struct hub *h, const struct store_user *u)
{
    struct worker *w = worker_find(h, u->name);
    if (!w) {
        if (!(w = calloc(1, sizeof(*w))))
            return NULL;
        snprintf(w->user, sizeof(w->user), "%s", u->name);
        w->idle_order = ++hub_idle_counter;
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

/* The failed-login slot of c's source, named "@" and its keyed hash (account
 * names cannot hold "@"), or NULL when the source is unknown. */
static struct login_fail *source_fail_slot(struct hub *h, const struct conn *c, time_t now)
{
    char source[24];
    if (!c->source)
        return NULL;
    snprintf(source, sizeof(source), "@%016llx", (unsigned long long)c->source);
    return login_fail_slot(h, source, now);
}

static bool source_throttled(struct hub *h, const struct conn *c, time_t now)
{
    struct login_fail *f = source_fail_slot(h, c, now);
    return f && f->count >= SOURCE_FAIL_LIMIT;
}

/* Attaches c to user's worker session (new or resumed) and greets it. */
static void worker_attach(struct hub *h, struct conn *c, const struct store_user *u,
                          const char *token, const char *ref, time_t now)
{
    struct worker *w = hub_worker_get(h, u);
    if (!w)
        return hub_send_error(c, CHAT_ERR_NOMEM, ref);
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
        hub_send_queue_state(h, w, now);
    }
    for (int i = 0; i < w->nchats; i++)
        hub_send_chat_started_worker(h, w, w->chats[i], NULL);
    h->route_needed = h->status_dirty = true;
}

static void worker_login_ok(struct hub *h, struct conn *c, const char *user, const char *ref,
                            time_t now)
{
    struct store_user u;
    char token[AUTH_TOKEN_CHARS];
    uint8_t hash[32];
    if (store_user_get(h->st, user, &u) != 0)
        return hub_send_error(c, CHAT_ERR_UNAUTHORIZED, ref);
    auth_token_new(token, hash);
    if (store_begin(h->st) != 0 ||
        store_token_add(h->st, hash, u.name, now + AUTH_TOKEN_TTL_S) != 0)
        return hub_send_error(c, CHAT_ERR_INTERNAL, ref);
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
        return hub_send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    if (r->token) {
        uint8_t hash[32];
        char user[STORE_NAME_MAX + 1];
        auth_token_hash(r->token, hash);
        if (store_token_user(h->st, hash, now, user) != 0 || store_user_get(h->st, user, &u) != 0)
            return hub_send_error(c, CHAT_ERR_UNAUTHORIZED, r->ref);
        worker_attach(h, c, &u, r->token, r->ref, now);
        sodium_memzero(&u, sizeof(u));
        return;
    }
    if (login_throttled(h, r->user, now) || source_throttled(h, c, now))
        return hub_send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
    bool known = store_user_get(h->st, r->user, &u) == 0;
    struct login_owner *o = calloc(1, sizeof(*o));
    if (!o)
        return hub_send_error(c, CHAT_ERR_NOMEM, r->ref);
    o->conn = c;
    snprintf(o->ref, sizeof(o->ref), "%s", r->ref);
    c->auth_job = auth_submit(h->auth, o, r->user, known ? u.pwhash : NULL, r->password);
    if (!c->auth_job) {
        free(o);
        hub_send_error(c, CHAT_ERR_NOMEM, r->ref);
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
        struct login_fail *sf = source_fail_slot(ctx->h, c, ctx->now);
        if (sf)
            sf->count++;
        hub_send_error(c, CHAT_ERR_UNAUTHORIZED, o->ref);
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
        return hub_send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
    for (size_t i = 0; i < r->ntopics; i++) {
        int t = config_topic_index(h->cfg, r->topics[i]);
        if (t < 0)
            return hub_send_error(c, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
        mask |= 1u << t;
    }
    if (r->on && !w->on_duty)
        w->idle_order = ++hub_idle_counter;
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
        hub_send_queue_state(h, w, now);
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
        hub_send_error(c, ch ? CHAT_ERR_FORBIDDEN : CHAT_ERR_BAD_STATE, r->ref);
        return NULL;
    }
    return ch;
}

static void worker_pick(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r,
                        time_t now)
{
    int t = config_topic_index(h->cfg, r->topic);
    if (t < 0)
        return hub_send_error(c, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
    if (!w->on_duty || !(w->topics & (1u << t)))
        return hub_send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
    if (h->cfg->topics[t].mode != MODE_PICK || !hub_worker_free_for(w, t))
        return hub_send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    struct queue_entry *e = queue_head(&h->topics[t].queue);
    if (!e)
        return hub_send_error(c, CHAT_ERR_QUEUE_EMPTY, r->ref);
    struct visitor *v = (struct visitor *)((char *)e - offsetof(struct visitor, qe));
    hub_assign(h, v, w, now, r->ref);
}

/* Takes ch away from its worker and puts its visitor first in line of topic,
 * keeping the chat id and history (transfer, or the worker's session ended). */
static void requeue_front(struct hub *h, struct chat *ch, int topic, time_t now)
{
    struct visitor *v = ch->visitor;
    hub_worker_drop_chat(ch->worker, ch, now);
    ch->worker = NULL;
    v->state = VISITOR_QUEUED;
    v->topic = topic;
    v->qe.since = now;
    v->sent_pos = 0;
    queue_push_transferred(&h->topics[topic].queue, &v->qe);
    hub_persist(h, v);
    if (v->conn)
        hub_send_queued(h, v, NULL);
    h->topics[topic].positions_dirty = true;
    h->route_needed = h->status_dirty = h->queue_state_dirty = true;
}

static void worker_transfer(struct hub *h, struct conn *c, struct worker *w, struct chat *ch,
                            const struct proto_req *r, time_t now)
{
    int t = config_topic_index(h->cfg, r->topic);
    if (t < 0)
        return hub_send_error(c, CHAT_ERR_UNKNOWN_TOPIC, r->ref);
    stats_add(h->stats, ch->topic, STAT_TRANSFERS, 1, now);
    stats_add(h->stats, ch->topic, STAT_CHATS, 1, now); /* this worker's part of the chat ended */
    stats_add_duration(h->stats, ch->topic, STAT_CHAT_S, STAT_CHAT_H0, now - ch->started, now);
    hub_worker_send(
        w, proto_frame("chat_ended", r->ref, "{s:s,s:s}", "chat", ch->id, "by", "transfer"));
    requeue_front(h, ch, t, now);
}

/* Ends w's session: its chats go back to the front of their queues. */
void hub_worker_release_chats(struct hub *h, struct worker *w, time_t now)
{
    while (w->nchats > 0)
        requeue_front(h, w->chats[0], w->chats[0]->visitor->topic, now);
}

void hub_worker_request(struct hub *h, struct conn *c, const struct proto_req *r, double now)
{
    struct worker *w = c->worker;
    struct chat *ch;
    time_t t = (time_t)now;
    if (r->type == PT_LOGIN)
        return worker_login(h, c, r, t);
    if (!w)
        return hub_send_error(c, CHAT_ERR_UNAUTHORIZED, r->ref);
    switch (r->type) {
    case PT_DUTY:
        return worker_duty(h, c, w, r, t);
    case PT_PICK:
        return worker_pick(h, c, w, r, t);
    case PT_MSG:
        if ((ch = worker_chat(h, c, w, r)))
            hub_post_and_ack(h, c, ch, true, r, now);
        return;
    case PT_TYPING:
        if ((ch = worker_chat(h, c, w, r)) && ch->visitor->conn)
            conn_send(ch->visitor->conn, hub_typing_frame(ch, "worker", r->on));
        return;
    case PT_END:
        if ((ch = worker_chat(h, c, w, r)))
            hub_chat_end(h, ch, "worker", t, r->ref);
        return;
    case PT_TRANSFER:
        if ((ch = worker_chat(h, c, w, r)))
            worker_transfer(h, c, w, ch, r, t);
        return;
    case PT_BLOCK:
        if (!(ch = worker_chat(h, c, w, r)))
            return;
        hub_block(h, ch->visitor, t + (time_t)r->hours * 3600);
        stats_add(h->stats, ch->topic, STAT_BLOCKS, 1, t);
        return hub_chat_end(h, ch, "worker", t, r->ref);
    case PT_LOGOUT:
        if (store_begin(h->st) == 0)
            store_token_del_user(h->st, w->user); /* every tab's token: the session ends */
        w->on_duty = false;
        hub_worker_release_chats(h, w, t);
        conn_send(c, proto_frame("logged_out", r->ref, NULL));
        while (w->nconns > 0) { /* every tab of this session ends with the token */
            struct conn *wc = w->conns[--w->nconns];
            wc->worker = NULL;
            conn_close(wc, 1000);
        }
        h->status_dirty = true;
        return;
    default:
        return hub_send_error(c, CHAT_ERR_UNKNOWN_TYPE, r->ref);
    }
}
