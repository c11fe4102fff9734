/*
 * queue: ordered intrusive list; see queue.h for the order.
 */
#include "queue.h"

#include <string.h>

void queue_init(struct queue *q)
{
    memset(q, 0, sizeof(*q));
}

static void link_after(struct queue *q, struct queue_entry *prev, struct queue_entry *e)
{
    e->prev = prev;
    e->next = prev ? prev->next : q->head;
    if (e->next)
        e->next->prev = e;
    else
        q->tail = e;
    if (prev)
        prev->next = e;
    else
        q->head = e;
    e->queued = true;
    q->count++;
}

void queue_push(struct queue *q, struct queue_entry *e)
{
    e->transferred = false;
    link_after(q, q->tail, e);
}

void queue_push_transferred(struct queue *q, struct queue_entry *e)
{
    struct queue_entry *prev = NULL;
    for (size_t i = 0; i < q->ntransferred; i++)
        prev = prev ? prev->next : q->head;
    e->transferred = true;
    link_after(q, prev, e);
    q->ntransferred++;
}

void queue_remove(struct queue *q, struct queue_entry *e)
{
    if (!e->queued)
        return;
    if (e->prev)
        e->prev->next = e->next;
    else
        q->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        q->tail = e->prev;
    if (e->transferred)
        q->ntransferred--;
    e->prev = e->next = NULL;
    e->queued = false;
    q->count--;
}

bool queue_before(const struct queue_entry *a, const struct queue_entry *b)
{
    if (a->transferred != b->transferred)
        return a->transferred;
    return a->order < b->order;
}
