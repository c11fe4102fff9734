/*
 * turn: snapshots, units and the commit of the hub's open batch; see turn.h.
 *
 * A snapshot holds the fields of an object that durable work changes; links
 * that follow from them (queue places, the maps) are rebuilt on undo from
 * the restored fields. Objects stay allocated until their batch ends, so a
 * snapshot never points at freed memory.
 */
#include "turn.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "hub_int.h"

enum save_kind { SAVE_CHAT, SAVE_VISITOR, SAVE_WORKER };

struct turn_save {
    enum save_kind kind;
    void *obj;
    union {
        struct {
            int topic;
            struct worker *worker;
            uint64_t seq;
            size_t nhist;
            time_t started, waited_s;
            bool urgent, reply_alerted;
            uint64_t wseq;
            time_t last_visitor_msg, last_worker_msg;
            bool existed; /* false: made in this batch */
        } c;
        struct {
            enum proto_visitor_state state;
            int topic;
            struct queue_entry qe;
            struct chat *chat;
            time_t blocked_until;
            char last_chat[CHAT_ID_MAX];
            int last_topic;
            time_t last_end;
            bool feedback_done;
            struct answers answers;
        } v;
        struct {
            struct chat *chats[WORKER_MAX_CHATS];
            int nchats;
            uint64_t idle_order;
            time_t idle_since;
        } w;
    } u;
};

void turn_init(struct turn *t)
{
    memset(t, 0, sizeof(*t));
    t->batch = 1;
    t->first_unit = t->next_unit = 1;
}

/* A new snapshot record of obj, or NULL when out of memory. */
static struct turn_save *save_new(struct turn *t, enum save_kind kind, void *obj)
{
    if (t->nsaves == t->capsaves) {
        size_t cap = t->capsaves ? t->capsaves * 2 : 64;
        struct turn_save *n = realloc(t->saves, cap * sizeof(*n));
        if (!n)
            return NULL;
        t->saves = n;
        t->capsaves = cap;
    }
    struct turn_save *s = &t->saves[t->nsaves++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->obj = obj;
    return s;
}

void turn_touch_chat(struct hub *h, struct chat *ch)
{
    struct turn *t = &h->turn;
    if (ch->saved_in == t->batch)
        return;
    struct turn_save *s = save_new(t, SAVE_CHAT, ch);
    if (!s)
        return; /* out of memory: this change cannot be undone (logged by the caller's failure) */
    ch->saved_in = t->batch;
    s->u.c.topic = ch->topic;
    s->u.c.worker = ch->worker;
    s->u.c.seq = ch->seq;
    s->u.c.nhist = ch->nhist;
    s->u.c.started = ch->started;
    s->u.c.waited_s = ch->waited_s;
    s->u.c.urgent = ch->urgent;
    s->u.c.reply_alerted = ch->reply_alerted;
    s->u.c.wseq = ch->wseq;
    s->u.c.last_visitor_msg = ch->last_visitor_msg;
    s->u.c.last_worker_msg = ch->last_worker_msg;
    s->u.c.existed = true;
}

void turn_chat_created(struct hub *h, struct chat *ch)
{
    struct turn *t = &h->turn;
    struct turn_save *s = save_new(t, SAVE_CHAT, ch);
    if (!s)
        return;
    ch->saved_in = t->batch;
    s->u.c.existed = false;
}

void turn_touch_visitor(struct hub *h, struct visitor *v)
{
    struct turn *t = &h->turn;
    if (!v->dirty) { /* its row is rewritten at the end of the turn */
        v->dirty = true;
        v->dirty_next = h->dirty;
        h->dirty = v;
    }
    if (v->saved_in == t->batch)
        return;
    struct turn_save *s = save_new(t, SAVE_VISITOR, v);
    if (!s)
        return;
    v->saved_in = t->batch;
    s->u.v.state = v->state;
    s->u.v.topic = v->topic;
    s->u.v.qe = v->qe;
    s->u.v.chat = v->chat;
    s->u.v.blocked_until = v->blocked_until;
    memcpy(s->u.v.last_chat, v->last_chat, sizeof(v->last_chat));
    s->u.v.last_topic = v->last_topic;
    s->u.v.last_end = v->last_end;
    s->u.v.feedback_done = v->feedback_done;
    s->u.v.answers = v->answers;
}

void turn_touch_worker(struct hub *h, struct worker *w)
{
    struct turn *t = &h->turn;
    if (w->saved_in == t->batch)
        return;
    struct turn_save *s = save_new(t, SAVE_WORKER, w);
    if (!s)
        return;
    w->saved_in = t->batch;
    memcpy(s->u.w.chats, w->chats, sizeof(w->chats));
    s->u.w.nchats = w->nchats;
    s->u.w.idle_order = w->idle_order;
    s->u.w.idle_since = w->idle_since;
}

void turn_chat_ended(struct hub *h, struct chat *ch)
{
    turn_touch_chat(h, ch);
    ch->ended = true;
    idmap_del(h->chats, ch->id);
}

void turn_visitor_gone(struct hub *h, struct visitor *v)
{
    turn_touch_visitor(h, v);
    v->gone = true;
    idmap_del(h->visitors, v->key);
}

int turn_after_commit(struct hub *h, void (*fn)(struct hub *h, void *arg, bool committed),
                      void *arg)
{
    struct turn *t = &h->turn;
    if (t->nafter == t->capafter) {
        size_t cap = t->capafter ? t->capafter * 2 : 16;
        struct turn_after *n = realloc(t->after, cap * sizeof(*n));
        if (!n)
            return CHAT_ERR_NOMEM;
        t->after = n;
        t->capafter = cap;
    }
    t->after[t->nafter++] = (struct turn_after){fn, arg};
    return 0;
}

/* ---- units ----------------------------------------------------------------- */

void turn_unit_begin(struct hub *h, struct conn *conn, const char *ref)
{
    struct turn *t = &h->turn;
    size_t i = t->next_unit - t->first_unit;
    if (i == t->capunits) {
        size_t cap = t->capunits ? t->capunits * 2 : 64;
        struct turn_unit *n = realloc(t->units, cap * sizeof(*n));
        if (!n) { /* no record: the unit's frames count as unit 0 and leave as they are */
            conn_set_unit(0);
            t->in_unit = false;
            return;
        }
        t->units = n;
        t->capunits = cap;
    }
    struct turn_unit *u = &t->units[i];
    u->conn = conn;
    snprintf(u->ref, sizeof(u->ref), "%s", ref ? ref : "");
    u->durable = false;
    t->unit_ops = store_pending(h->st);
    t->unit_events = stats_events(h->stats);
    t->in_unit = true;
    conn_set_unit(t->next_unit);
}

void turn_unit_end(struct hub *h)
{
    struct turn *t = &h->turn;
    if (t->in_unit) {
        t->units[t->next_unit - t->first_unit].durable =
            store_pending(h->st) != t->unit_ops || stats_events(h->stats) != t->unit_events;
        t->next_unit++;
        t->in_unit = false;
    }
    conn_set_unit(0);
}

void turn_conn_closed(struct hub *h, const struct conn *c)
{
    struct turn *t = &h->turn;
    for (uint64_t u = t->first_unit; u < t->next_unit; u++)
        if (t->units[u - t->first_unit].conn == c)
            t->units[u - t->first_unit].conn = NULL;
}

/* A frame of unit may leave: its unit is committed or stored nothing. */
static bool may_go(uint64_t unit, void *arg)
{
    const struct turn *t = arg;
    return unit < t->first_unit || unit >= t->next_unit || !t->units[unit - t->first_unit].durable;
}

static bool always(uint64_t unit, void *arg)
{
    (void)unit;
    (void)arg;
    return true;
}

/* A frame of a durable unit of the failed batch: it announced what was not stored. */
static bool unstored(uint64_t unit, void *arg)
{
    return !may_go(unit, arg);
}

/* ---- the end of a batch -------------------------------------------------- */

void turn_destroy_chat(struct chat *ch)
{
    hub_unmonitor_all(ch);
    for (size_t i = 0; i < ch->nhist; i++)
        hub_hist_free(&ch->hist[i]);
    free(ch->hist);
    transcript_key_free(ch->key);
    free(ch);
}

void turn_destroy_visitor(struct hub *h, struct visitor *v)
{
    hub_source_sessions(h, v->source, -1);
    sodium_memzero(v->session, sizeof(v->session));
    free(v);
}

/* Frees what the committed batch ended, forgets the snapshots, and opens
 * the next batch. */
static void batch_done(struct hub *h)
{
    struct turn *t = &h->turn;
    for (size_t i = 0; i < t->nsaves; i++) {
        struct turn_save *s = &t->saves[i];
        if (s->kind == SAVE_CHAT && ((struct chat *)s->obj)->ended)
            turn_destroy_chat(s->obj);
    }
    for (size_t i = 0; i < t->nsaves; i++) {
        struct turn_save *s = &t->saves[i];
        if (s->kind == SAVE_VISITOR && ((struct visitor *)s->obj)->gone)
            turn_destroy_visitor(h, s->obj);
    }
    t->nsaves = 0;
    t->batch++;
    t->first_unit = t->next_unit;
    t->busy_since = t->retry_at = 0;
}

/* Runs and forgets the deferred actions. */
static void run_after(struct hub *h, bool committed)
{
    struct turn *t = &h->turn;
    size_t n = t->nafter;
    struct turn_after *list = t->after;
    t->after = NULL;
    t->nafter = t->capafter = 0;
    for (size_t i = 0; i < n; i++)
        list[i].fn(h, list[i].arg, committed);
    free(list);
}

/* Tells the two sides of a chat made in the failed batch that it is gone
 * (either may have been shown it before the commit failed). */
static void tell_unmade(struct chat *ch)
{
    struct worker *w = ch->worker;
    for (int i = 0; w && i < w->ntabs; i++)
        conn_send(w->tabs[i]->conn, proto_chat_ended(ch->id, PROTO_BY_SERVER, NULL));
    if (ch->visitor && !ch->visitor->gone && ch->visitor->conn)
        conn_send(ch->visitor->conn, proto_chat_ended(ch->id, PROTO_BY_SERVER, NULL));
}

/* Remembers what the failed batch changed, for turn_resync. */
static void collect_resync(struct turn *t)
{
    size_t nv = 0, nw = 0;
    free(t->resync_v);
    free(t->resync_w);
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    t->resync_v = calloc(t->nsaves + 1, sizeof(*t->resync_v));
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    t->resync_w = calloc(t->nsaves + 1, sizeof(*t->resync_w));
    for (size_t i = 0; t->resync_v && t->resync_w && i < t->nsaves; i++) {
        if (t->saves[i].kind == SAVE_VISITOR)
            t->resync_v[nv++] = t->saves[i].obj;
        else if (t->saves[i].kind == SAVE_WORKER)
            t->resync_w[nw++] = t->saves[i].obj;
    }
    t->nresync_v = t->resync_v ? nv : 0;
    t->nresync_w = t->resync_w ? nw : 0;
}

void turn_resync(struct hub *h, void (*fn)(struct hub *h, struct visitor *v, struct worker *w))
{
    struct turn *t = &h->turn;
    for (size_t i = 0; i < t->nresync_v; i++)
        if (!t->resync_v[i]->gone)
            fn(h, t->resync_v[i], NULL);
    for (size_t i = 0; i < t->nresync_w; i++)
        fn(h, NULL, t->resync_w[i]);
    free(t->resync_v);
    free(t->resync_w);
    t->resync_v = NULL;
    t->resync_w = NULL;
    t->nresync_v = t->nresync_w = 0;
}

static void restore_chat(struct hub *h, struct turn_save *s)
{
    struct chat *ch = s->obj;
    if (!s->u.c.existed) {
        tell_unmade(ch);
        if (!ch->ended)
            idmap_del(h->chats, ch->id);
        turn_destroy_chat(ch);
        return;
    }
    while (ch->nhist > s->u.c.nhist) { /* messages that were not stored */
        hub_hist_free(&ch->hist[--ch->nhist]);
    }
    ch->topic = s->u.c.topic;
    ch->worker = s->u.c.worker;
    ch->seq = s->u.c.seq;
    ch->started = s->u.c.started;
    ch->waited_s = s->u.c.waited_s;
    ch->urgent = s->u.c.urgent;
    ch->reply_alerted = s->u.c.reply_alerted;
    ch->wseq = s->u.c.wseq;
    ch->last_visitor_msg = s->u.c.last_visitor_msg;
    ch->last_worker_msg = s->u.c.last_worker_msg;
    if (ch->ended) {
        ch->ended = false;
        (void)idmap_put(h->chats, ch->id, ch); /* it was there before: room exists */
    }
}

/* Takes v off its queue (first pass of a visitor's undo). */
static void unqueue_for_undo(struct hub *h, struct visitor *v)
{
    if (v->qe.queued) {
        queue_remove(&h->topics[v->topic].queue, &v->qe);
        h->topics[v->topic].positions_dirty = true;
    }
}

static void restore_visitor(struct hub *h, struct turn_save *s)
{
    struct visitor *v = s->obj;
    struct queue_entry links = v->qe;
    v->state = s->u.v.state;
    v->topic = s->u.v.topic;
    v->qe = s->u.v.qe;
    v->qe.prev = links.prev;
    v->qe.next = links.next;
    v->qe.queued = false;
    v->chat = s->u.v.chat;
    v->blocked_until = s->u.v.blocked_until;
    memcpy(v->last_chat, s->u.v.last_chat, sizeof(v->last_chat));
    v->last_topic = s->u.v.last_topic;
    v->last_end = s->u.v.last_end;
    v->feedback_done = s->u.v.feedback_done;
    v->answers = s->u.v.answers;
    if (v->state == PROTO_VISITOR_QUEUED) {
        queue_insert(&h->topics[v->topic].queue, &v->qe);
        h->topics[v->topic].positions_dirty = true;
    }
    if (v->gone) { /* its grace had ended in the failed batch: it ends again */
        v->gone = false;
        (void)idmap_put(h->visitors, v->key, v);
        v->away_prev = NULL; /* first in line: it has been away the longest */
        v->away_next = h->away_head;
        if (h->away_head)
            h->away_head->away_prev = v;
        else
            h->away_tail = v;
        h->away_head = v;
    }
}

/* Puts memory back as it was before the batch. */
static void undo(struct hub *h)
{
    struct turn *t = &h->turn;
    for (size_t i = t->nsaves; i-- > 0;)
        if (t->saves[i].kind == SAVE_VISITOR)
            unqueue_for_undo(h, t->saves[i].obj);
    for (size_t i = t->nsaves; i-- > 0;) {
        struct turn_save *s = &t->saves[i];
        if (s->kind == SAVE_VISITOR) {
            restore_visitor(h, s);
        } else if (s->kind == SAVE_WORKER) {
            struct worker *w = s->obj;
            memcpy(w->chats, s->u.w.chats, sizeof(w->chats));
            w->nchats = s->u.w.nchats;
            w->idle_order = s->u.w.idle_order;
            w->idle_since = s->u.w.idle_since;
        }
    }
    for (size_t i = t->nsaves; i-- > 0;)
        if (t->saves[i].kind == SAVE_CHAT)
            restore_chat(h, &t->saves[i]);
    t->nsaves = 0;
    for (struct visitor *v = h->dirty; v;) { /* the rows were not written either */
        struct visitor *next = v->dirty_next;
        v->dirty = false;
        v->dirty_next = NULL;
        v = next;
    }
    h->dirty = NULL;
}

static void forget_sent(struct queue_entry *e, void *arg)
{
    (void)arg;
    ((struct visitor *)((char *)e - offsetof(struct visitor, qe)))->sent_pos = 0;
}

/* The failed batch: undo, tell the senders, and have the turn's pushes made
 * again from the state as it is now. */
static void fail(struct hub *h, double now, void (*wake)(struct conn *c, void *arg), void *arg)
{
    struct turn *t = &h->turn;
    t->calm_until = now + TURN_CALM_S;
    store_discard(h->st);
    stats_batch_end(h->stats, false);
    conn_drop_held(unstored, t);
    collect_resync(t);
    undo(h);
    for (uint64_t u = t->first_unit; u < t->next_unit; u++) {
        struct turn_unit *tu = &t->units[u - t->first_unit];
        if (tu->durable && tu->conn)
            conn_send(tu->conn, proto_error(CHAT_ERR_NOT_STORED, tu->ref, NULL));
    }
    t->failures++;
    t->batch++;
    t->first_unit = t->next_unit;
    t->busy_since = t->retry_at = 0;
    conn_release(always, NULL, wake, arg);
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        h->topics[i].positions_dirty = true;
        queue_each(&h->topics[i].queue, forget_sent, NULL);
    }
    h->route_needed = h->status_dirty = h->queue_state_dirty = true;
    run_after(h, false);
}

enum turn_result turn_commit(struct hub *h, double now, void (*wake)(struct conn *c, void *arg),
                             void *arg)
{
    struct turn *t = &h->turn;
    if (t->retry_at > now) { /* busy: only what needs no commit leaves meanwhile */
        conn_release(may_go, t, wake, arg);
        return TURN_BUSY;
    }
    int rc = store_commit(h->st);
    if (rc == CHAT_ERR_BUSY && (t->busy_since == 0 || now - t->busy_since < TURN_BUSY_GIVE_UP_S)) {
        if (t->busy_since == 0) {
            t->busy_since = now;
            t->retry_delay = TURN_RETRY_MIN_S;
        } else if ((t->retry_delay *= 2) > TURN_RETRY_MAX_S) {
            t->retry_delay = TURN_RETRY_MAX_S;
        }
        t->retry_at = now + t->retry_delay;
        conn_release(may_go, t, wake, arg);
        return TURN_BUSY;
    }
    if (rc != 0) {
        fail(h, now, wake, arg);
        return TURN_FAILED;
    }
    t->commits++;
    stats_batch_end(h->stats, true);
    conn_release(always, NULL, wake, arg);
    batch_done(h);
    if (t->nafter) {
        run_after(h, true);
        conn_release(always, NULL, wake, arg);
    }
    return TURN_COMMITTED;
}

void turn_release(struct hub *h, void (*wake)(struct conn *c, void *arg), void *arg)
{
    conn_release(may_go, &h->turn, wake, arg);
}

double turn_retry_at(const struct hub *h)
{
    return h->turn.retry_at;
}

bool turn_calm(const struct hub *h, double now)
{
    return now >= h->turn.calm_until;
}

void turn_fini(struct hub *h)
{
    struct turn *t = &h->turn;
    /* a batch still open (its commit failed at the stop): what it ended is
     * on no map, so it is freed here */
    for (size_t i = 0; i < t->nsaves; i++) {
        struct turn_save *s = &t->saves[i];
        if (s->kind == SAVE_CHAT && ((struct chat *)s->obj)->ended)
            turn_destroy_chat(s->obj);
        else if (s->kind == SAVE_VISITOR && ((struct visitor *)s->obj)->gone)
            turn_destroy_visitor(h, s->obj);
    }
    t->nsaves = 0;
    run_after(h, false);
    free(t->saves);
    free(t->units);
    free(t->resync_v);
    free(t->resync_w);
    t->saves = NULL;
    t->units = NULL;
    t->nsaves = t->capsaves = t->capunits = 0;
}
