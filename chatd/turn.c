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

void turn_init(struct turn *t)
{
    memset(t, 0, sizeof(*t));
    t->batch = 1;
    t->first_unit = t->next_unit = 1;
}

void turn_touch_chat(struct hub *h, struct chat *ch)
{
    struct turn *t = &h->turn;
    if (ch->saved_in == t->batch)
        return;
    ch->was = ch->d;
    ch->saved_in = t->batch;
    ch->saved_next = t->saved_chats;
    t->saved_chats = ch;
}

void turn_chat_created(struct hub *h, struct chat *ch)
{
    turn_touch_chat(h, ch);
    ch->made_in = h->turn.batch;
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
    v->was = v->d;
    v->saved_in = t->batch;
    v->saved_next = t->saved_visitors;
    t->saved_visitors = v;
}

void turn_touch_worker(struct hub *h, struct worker *w)
{
    struct turn *t = &h->turn;
    if (w->saved_in == t->batch)
        return;
    w->was = w->d;
    w->saved_in = t->batch;
    w->saved_next = t->saved_workers;
    t->saved_workers = w;
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
            conn_set_unit(&h->conns, 0);
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
    conn_set_unit(&h->conns, t->next_unit);
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
    conn_set_unit(&h->conns, 0);
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
/* Frees what the ended batch ended (its chats and sessions, off their maps)
 * and empties its lists of snapshots. */
static void drop_saved(struct hub *h)
{
    struct turn *t = &h->turn;
    for (struct chat *ch = t->saved_chats, *next; ch; ch = next) {
        next = ch->saved_next;
        if (ch->ended)
            turn_destroy_chat(ch);
    }
    for (struct visitor *v = t->saved_visitors, *next; v; v = next) {
        next = v->saved_next;
        if (v->gone)
            turn_destroy_visitor(h, v);
    }
    t->saved_chats = NULL;
    t->saved_visitors = NULL;
    t->saved_workers = NULL;
}

static void batch_done(struct hub *h)
{
    struct turn *t = &h->turn;
    drop_saved(h);
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
    for (const struct visitor *v = t->saved_visitors; v; v = v->saved_next)
        nv++;
    for (const struct worker *w = t->saved_workers; w; w = w->saved_next)
        nw++;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    t->resync_v = calloc(nv + 1, sizeof(*t->resync_v));
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    t->resync_w = calloc(nw + 1, sizeof(*t->resync_w));
    nv = nw = 0;
    for (struct visitor *v = t->saved_visitors; t->resync_v && v; v = v->saved_next)
        t->resync_v[nv++] = v;
    for (struct worker *w = t->saved_workers; t->resync_w && w; w = w->saved_next)
        t->resync_w[nw++] = w;
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

/* Puts ch back as it was before the batch: a chat made in it is told gone
 * and destroyed; lines it added (not stored) are wiped; an ended one lives
 * again on the map. */
static void restore_chat(struct hub *h, struct chat *ch)
{
    if (ch->made_in == h->turn.batch) {
        tell_unmade(ch);
        if (!ch->ended)
            idmap_del(h->chats, ch->id);
        turn_destroy_chat(ch);
        return;
    }
    while (ch->nhist > ch->was.nhist) /* messages that were not stored */
        hub_hist_free(&ch->hist[--ch->nhist]);
    ch->d = ch->was;
    if (ch->ended) {
        ch->ended = false;
        (void)idmap_put(h->chats, ch->id, ch); /* it was there before: room exists */
    }
}

/* Puts memory back as it was before the batch. */
static void undo(struct hub *h)
{
    struct turn *t = &h->turn;
    t->undo_visitors(h, t->saved_visitors);
    for (struct worker *w = t->saved_workers; w; w = w->saved_next)
        w->d = w->was;
    for (struct chat *ch = t->saved_chats, *next; ch; ch = next) {
        next = ch->saved_next;
        restore_chat(h, ch);
    }
    t->saved_chats = NULL;
    t->saved_visitors = NULL;
    t->saved_workers = NULL;
    for (struct visitor *v = h->dirty; v;) { /* the rows were not written either */
        struct visitor *next = v->dirty_next;
        v->dirty = false;
        v->dirty_next = NULL;
        v = next;
    }
    h->dirty = NULL;
}

/* The failed batch: undo, tell the senders, and have the turn's pushes made
 * again from the state as it is now. */
static void fail(struct hub *h, double now, void (*wake)(struct conn *c, void *arg), void *arg)
{
    struct turn *t = &h->turn;
    t->calm_until = now + TURN_CALM_S;
    store_discard(h->st);
    stats_batch_end(h->stats, false);
    conn_drop_held(&h->conns, unstored, t);
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
    conn_release(&h->conns, always, NULL, wake, arg);
    t->forget_sent(h);
    hub_redo(h, REDO_ROUTE | REDO_STATUS | REDO_QUEUE_STATE | REDO_POSITIONS, -1);
    run_after(h, false);
}

enum turn_result turn_commit(struct hub *h, double now, void (*wake)(struct conn *c, void *arg),
                             void *arg)
{
    struct turn *t = &h->turn;
    if (t->retry_at > now) { /* busy: only what needs no commit leaves meanwhile */
        conn_release(&h->conns, may_go, t, wake, arg);
        return TURN_BUSY;
    }
    int rc = store_commit(h->st, &t->counts);
    if (rc == CHAT_ERR_BUSY && (t->busy_since == 0 || now - t->busy_since < TURN_BUSY_GIVE_UP_S)) {
        if (t->busy_since == 0) {
            t->busy_since = now;
            t->retry_delay = TURN_RETRY_MIN_S;
        } else if ((t->retry_delay *= 2) > TURN_RETRY_MAX_S) {
            t->retry_delay = TURN_RETRY_MAX_S;
        }
        t->retry_at = now + t->retry_delay;
        conn_release(&h->conns, may_go, t, wake, arg);
        return TURN_BUSY;
    }
    if (rc != 0) {
        fail(h, now, wake, arg);
        return TURN_FAILED;
    }
    t->commits++;
    stats_batch_end(h->stats, true);
    conn_release(&h->conns, always, NULL, wake, arg);
    batch_done(h);
    if (t->nafter) {
        run_after(h, true);
        conn_release(&h->conns, always, NULL, wake, arg);
    }
    return TURN_COMMITTED;
}

void turn_release(struct hub *h, void (*wake)(struct conn *c, void *arg), void *arg)
{
    conn_release(&h->conns, may_go, &h->turn, wake, arg);
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
    drop_saved(h);
    run_after(h, false);
    free(t->units);
    free(t->resync_v);
    free(t->resync_w);
    t->units = NULL;
    t->capunits = 0;
}
