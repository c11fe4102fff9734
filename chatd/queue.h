/*
 * queue: one topic's line of waiting visitors.
 *
 * An intrusive doubly-linked list: the entry lives inside the visitor, so
 * joining and leaving cost O(1) and allocate nothing. Order is the service
 * order: transferred visitors first (in the order they were transferred),
 * then everyone else oldest join first. `order` is a global join counter, so
 * heads of different topics compare fairly (queue_before).
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct queue_entry {
    struct queue_entry *prev, *next;
    uint64_t order;   /* smaller = joined earlier */
    time_t since;     /* when the wait began */
    bool transferred; /* goes ahead of ordinary joins */
    bool queued;      /* on a list now */
};

struct queue {
    struct queue_entry *head, *tail;
    size_t count;
    size_t ntransferred; /* the first ntransferred entries are transferred ones */
};

void queue_init(struct queue *q);

/* Appends e behind everyone (an ordinary join). */
void queue_push(struct queue *q, struct queue_entry *e);

/* Puts e behind the transferred entries but ahead of ordinary joins. */
void queue_push_transferred(struct queue *q, struct queue_entry *e);

/* Removes e from q (e must be on q). */
void queue_remove(struct queue *q, struct queue_entry *e);

/* The next to be served, or NULL. */
static inline struct queue_entry *queue_head(const struct queue *q)
{
    return q->head;
}

/* True when a is to be served before b (both heads of some queues). */
bool queue_before(const struct queue_entry *a, const struct queue_entry *b);

#endif
