/*
 * queue: three sorted intrusive lists and their merge; see queue.h.
 */
#include "queue.h"

#include <string.h>

void queue_init(struct queue *q, time_t urgent_after)
{
    memset(q, 0, sizeof(*q));
    q->urgent_after = urgent_after;
}

static uint64_t key(const struct queue_entry *e)
{
    return e->cls == QUEUE_TRANSFERRED ? e->rank : e->order;
}

void queue_insert(struct queue *q, struct queue_entry *e)
{
    struct queue_list *l = &q->list[e->cls];
    struct queue_entry *prev = l->tail;
    while (prev && key(prev) > key(e)) /* from the end: a new join is last */
        prev = prev->prev;
    e->prev = prev;
    e->next = prev ? prev->next : l->head;
    if (e->next)
        e->next->prev = e;
    else
        l->tail = e;
    if (prev)
        prev->next = e;
    else
        l->head = e;
    e->queued = true;
    q->count++;
}

void queue_remove(struct queue *q, struct queue_entry *e)
{
    if (!e->queued)
        return;
    struct queue_list *l = &q->list[e->cls];
    if (e->prev)
        e->prev->next = e->next;
    else
        l->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        l->tail = e->prev;
    e->prev = e->next = NULL;
    e->queued = false;
    q->count--;
}

static bool aged(const struct queue *q, const struct queue_entry *e, time_t now)
{
    return q->urgent_after > 0 && now - e->since >= q->urgent_after;
}

bool queue_is_urgent(const struct queue *q, const struct queue_entry *e, time_t now)
{
    return e->cls == QUEUE_URGENT || (e->cls == QUEUE_NORMAL && aged(q, e, now));
}

void queue_iter_init(struct queue_iter *it, const struct queue *q, time_t now)
{
    it->q = q;
    it->now = now;
    it->t = q->list[QUEUE_TRANSFERRED].head;
    it->u = q->list[QUEUE_URGENT].head;
    it->n = q->list[QUEUE_NORMAL].head;
}

struct queue_entry *queue_iter_next(struct queue_iter *it)
{
    struct queue_entry *e;
    if ((e = it->t)) {
        it->t = e->next;
        return e;
    }
    bool n_urgent = it->n && aged(it->q, it->n, it->now);
    if (it->u && (!n_urgent || it->u->order < it->n->order)) {
        e = it->u;
        it->u = e->next;
        return e;
    }
    if ((e = it->n))
        it->n = e->next;
    return e;
}

struct queue_entry *queue_head(const struct queue *q, time_t now)
{
    struct queue_iter it;
    queue_iter_init(&it, q, now);
    return queue_iter_next(&it);
}

int queue_position(const struct queue *q, const struct queue_entry *e, time_t now)
{
    struct queue_iter it;
    int pos = 1;
    queue_iter_init(&it, q, now);
    for (struct queue_entry *x; (x = queue_iter_next(&it)) && x != e;)
        pos++;
    return pos;
}

size_t queue_urgent_count(const struct queue *q, time_t now)
{
    size_t n = 0;
    for (const struct queue_entry *e = q->list[QUEUE_URGENT].head; e; e = e->next)
        n++;
    for (const struct queue_entry *e = q->list[QUEUE_NORMAL].head; e && aged(q, e, now);
         e = e->next)
        n++;
    return n;
}

/* 0 transferred, 1 urgent or aged, 2 the rest. */
static int rank_class(const struct queue *q, const struct queue_entry *e, time_t now)
{
    return e->cls == QUEUE_TRANSFERRED ? 0 : queue_is_urgent(q, e, now) ? 1 : 2;
}

bool queue_before(const struct queue *qa, const struct queue_entry *a, const struct queue *qb,
                  const struct queue_entry *b, time_t now)
{
    int ca = rank_class(qa, a, now), cb = rank_class(qb, b, now);
    if (ca != cb)
        return ca < cb;
    return a->order < b->order;
}

time_t queue_next_aging(const struct queue *q, time_t now)
{
    if (q->urgent_after <= 0)
        return -1;
    const struct queue_entry *e = q->list[QUEUE_NORMAL].head;
    while (e && aged(q, e, now)) /* the aged ones are a prefix */
        e = e->next;
    return e ? e->since + q->urgent_after : -1;
}

void queue_each(const struct queue *q, void (*fn)(struct queue_entry *e, void *arg), void *arg)
{
    for (int c = 0; c < QUEUE_CLASSES; c++) {
        struct queue_entry *e = q->list[c].head;
        while (e) {
            struct queue_entry *next = e->next;
            fn(e, arg);
            e = next;
        }
    }
}

time_t queue_oldest_since(const struct queue *q)
{
    time_t oldest = -1;
    /* transferred entries are in transfer order, the others in join order */
    for (const struct queue_entry *e = q->list[QUEUE_TRANSFERRED].head; e; e = e->next)
        if (oldest < 0 || e->since < oldest)
            oldest = e->since;
    for (int c = QUEUE_URGENT; c < QUEUE_CLASSES; c++) {
        const struct queue_entry *e = q->list[c].head;
        if (e && (oldest < 0 || e->since < oldest))
            oldest = e->since;
    }
    return oldest;
}
