/*
 * hub_check: the hub looks at itself. The invariants written where struct
 * hub, visitor, worker and chat are declared (hub_int.h) are checked as a
 * whole, for tests that drive the hub through long random sequences.
 */
#include "hub.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hub_int.h"
#include "route.h"
#include "session.h"
#include "supervise.h"

struct check {
    const struct hub *h;
    char *why;
    size_t len;
    int bad;
    size_t visitors, chats;
};

__attribute__((format(printf, 2, 3))) static void broken(struct check *k, const char *fmt, ...)
{
    va_list ap;
    if (k->bad++)
        return; /* the first is the one to read */
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is above */
    vsnprintf(k->why, k->len, fmt, ap);
    va_end(ap);
}

static bool on_queue(const struct queue *q, const struct queue_entry *e)
{
    for (int c = 0; c < QUEUE_CLASSES; c++)
        for (const struct queue_entry *x = q->list[c].head; x; x = x->next)
            if (x == e)
                return true;
    return false;
}

static bool worker_has(const struct worker *w, const struct chat *ch)
{
    for (int i = 0; i < w->nchats; i++)
        if (w->chats[i] == ch)
            return true;
    return false;
}

static void check_visitor(void *value, void *arg)
{
    struct check *k = arg;
    const struct hub *h = k->h;
    const struct visitor *v = value;
    const struct chat *ch = v->chat;
    k->visitors++;
    if (v->gone)
        broken(k, "a gone visitor is still in the map");
    bool queued = v->state == PROTO_VISITOR_QUEUED;
    if (queued != (v->qe.queued && on_queue(&h->topics[v->topic].queue, &v->qe)))
        broken(k, "visitor state %d but queued %d", v->state, v->qe.queued);
    if ((v->state == PROTO_VISITOR_CHATTING) != (ch && ch->worker))
        broken(k, "visitor state %d but chat %p worker %p", v->state, (const void *)ch,
               ch ? (const void *)ch->worker : NULL);
    if (ch && (ch->visitor != v || ch->ended || idmap_get(h->chats, ch->id) != ch))
        broken(k, "chat %s of a visitor is not its own, ended, or off the map", ch->id);
    if (ch && ch->worker && !worker_has(ch->worker, ch))
        broken(k, "chat %s is not among its worker's", ch->id);
    if (ch && !ch->worker && !queued)
        broken(k, "chat %s has no worker but its visitor does not wait", ch->id);
    if (!v->conn && !v->away_since)
        broken(k, "a visitor without a connection is not away");
    if (v->state == PROTO_VISITOR_IDLE) /* answers live for the wait and the chat only */
        for (size_t q = 0; q < CONFIG_MAX_QUESTIONS; q++)
            if (v->answers.of[q] != -1 || v->answers.urgent)
                broken(k, "an idle visitor keeps its answers");
    if (queued && v->qe.cls != QUEUE_TRANSFERRED &&
        (v->qe.cls == QUEUE_URGENT) != v->answers.urgent)
        broken(k, "a waiting visitor's class does not follow its answers");
}

static void check_chat(void *value, void *arg)
{
    struct check *k = arg;
    const struct chat *ch = value;
    k->chats++;
    if (!ch->visitor || ch->visitor->chat != ch)
        broken(k, "chat %s is not its visitor's", ch->id);
    const struct config *cfg = k->h->cfg;
    if (ch->answer_topic < 0 || (size_t)ch->answer_topic >= cfg->ntopics)
        broken(k, "chat %s: answer topic %d out of range", ch->id, ch->answer_topic);
    else if (ch->worker &&
             ch->overflow != (cfg->topics[ch->answer_topic].org != cfg->topics[ch->topic].org))
        broken(k, "chat %s of topic %d: overflow %d, answered on topic %d", ch->id, ch->topic,
               ch->overflow, ch->answer_topic);
    uint64_t last[2] = {0, 0}; /* of messages, of whispers */
    for (size_t i = 0; i < ch->nhist; i++)
        last[ch->hist[i].by == BY_WHISPER] = ch->hist[i].seq;
    if ((last[0] && last[0] != ch->seq) || (last[1] && last[1] != ch->wseq))
        broken(k, "chat %s: last history seqs %llu/%llu, chat seqs %llu/%llu", ch->id,
               (unsigned long long)last[0], (unsigned long long)last[1],
               (unsigned long long)ch->seq, (unsigned long long)ch->wseq);
    for (int i = 0; i < ch->nmonitors; i++) {
        const struct tab *t = ch->monitors[i];
        bool back = false;
        for (int j = 0; j < t->nmonitoring; j++)
            back |= t->monitoring[j] == ch;
        if (!back || !supervise_may(t->worker->role))
            broken(k, "chat %s: a monitor that does not list it, or no supervisor", ch->id);
    }
}

int hub_check(const struct hub *h, char *why, size_t len)
{
    struct check k = {h, why, len, 0, 0, 0};
    if (why && len)
        why[0] = '\0';
    idmap_each(h->visitors, check_visitor, &k);
    idmap_each(h->chats, check_chat, &k);
    int board_tabs = 0;
    for (const struct worker *w = h->workers; w; w = w->next) {
        for (int i = 0; i < w->ntabs; i++)
            board_tabs += w->tabs[i]->board;
        if (w->nchats < 0 || w->nchats > WORKER_MAX_CHATS)
            broken(&k, "worker %s has %d chats", w->user, w->nchats);
        for (int i = 0; i < w->nchats; i++)
            if (w->chats[i]->worker != w || w->chats[i]->ended)
                broken(&k, "worker %s holds chat %s of another or an ended one", w->user,
                       w->chats[i]->id);
    }
    for (size_t t = 0; t < h->cfg->ntopics; t++) {
        const struct queue *q = &h->topics[t].queue;
        size_t n = 0;
        for (int c = 0; c < QUEUE_CLASSES; c++)
            for (const struct queue_entry *e = q->list[c].head; e; e = e->next, n++) {
                const struct visitor *v = route_visitor_of((struct queue_entry *)e);
                if (v->state != PROTO_VISITOR_QUEUED || v->topic != (int)t || (int)e->cls != c)
                    broken(&k, "queue %zu holds a visitor in state %d of topic %d", t, v->state,
                           v->topic);
            }
        if (n != q->count)
            broken(&k, "queue %zu counts %zu but holds %zu", t, q->count, n);
    }
    for (const struct alert *a = h->alerts; a; a = a->next) {
        if (a->label <= 0 || !a->id[0])
            broken(&k, "alert %s of chat %s has no label or id", a->id, a->chat);
        for (const struct alert *b = a->next; b; b = b->next)
            if (strcmp(a->chat, b->chat) == 0 || strcmp(a->id, b->id) == 0)
                broken(&k, "two open alerts of chat %s (%s, %s)", a->chat, a->id, b->id);
    }
    if (board_tabs != h->board_tabs)
        broken(&k, "%d tabs have the board on, counted %d", board_tabs, h->board_tabs);
    return k.bad ? -1 : 0;
}

long hub_failures(const struct hub *h)
{
    return h->turn.failures;
}

int hub_session_state(struct hub *h, const char *token, time_t now, int *position)
{
    struct visitor *v = session_find(h, token);
    *position = v && v->state == PROTO_VISITOR_QUEUED
                    ? queue_position(&h->topics[v->topic].queue, &v->qe, now)
                    : 0;
    return v ? (int)v->state : -1;
}
