/*
 * queue: one topic's line of waiting visitors, in service order.
 *
 * The order (contract v2 §2): transferred visitors first, in the order they
 * were transferred; then urgent visitors and visitors who have waited at
 * least urgent_after seconds, by join order; then everyone else by join
 * order. An entry's class (transferred, urgent, normal) is fixed while it
 * waits; a normal entry becomes *aged* by the clock alone, so the order
 * depends on `now` and is computed, not stored.
 *
 * Intrusive doubly-linked lists, one per class, each sorted by its key
 * (rank for transferred entries, join order for the others): joining at the
 * end and leaving cost O(1) and allocate nothing, and an entry inserted
 * again with the same key gets exactly its old place (undo relies on it).
 * `order` is a global join counter, so heads of different topics compare
 * fairly (queue_before). Pure: time comes in as a parameter.
 *
 * Invariants: every list is sorted by its key; in the normal list `since`
 * grows with `order` (both are taken at the join), so the aged entries are
 * a prefix of it; count is the number of entries on all three lists.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum queue_class { QUEUE_TRANSFERRED, QUEUE_URGENT, QUEUE_NORMAL, QUEUE_CLASSES };

struct queue_entry {
    struct queue_entry *prev, *next;
    uint64_t order; /* smaller = joined earlier */
    uint64_t rank;  /* transferred: smaller = transferred earlier */
    time_t since;   /* when the wait began */
    enum queue_class cls;
    bool queued; /* on a list now */
};

struct queue_list {
    struct queue_entry *head, *tail;
};

struct queue {
    struct queue_list list[QUEUE_CLASSES];
    size_t count;
    time_t urgent_after; /* a normal wait this long counts as urgent; 0 = never */
};

/* An empty queue whose normal entries age after urgent_after seconds (0: never). */
void queue_init(struct queue *q, time_t urgent_after);

/* Puts e in its class's list at the place of its key. */
void queue_insert(struct queue *q, struct queue_entry *e);

/* Removes e from q (nothing when e is not queued). */
void queue_remove(struct queue *q, struct queue_entry *e);

/* True when e's wait makes it urgent at now (urgent, or aged). */
bool queue_is_urgent(const struct queue *q, const struct queue_entry *e, time_t now);

/* Walks a queue in service order at a given time. */
struct queue_iter {
    const struct queue *q;
    time_t now;
    struct queue_entry *t, *u, *n;
};
void queue_iter_init(struct queue_iter *it, const struct queue *q, time_t now);
/* The next entry in service order, or NULL at the end. */
struct queue_entry *queue_iter_next(struct queue_iter *it);

/* The next to be served at now, or NULL. */
struct queue_entry *queue_head(const struct queue *q, time_t now);

/* 1-based position of e (which must be queued on q) at now. */
int queue_position(const struct queue *q, const struct queue_entry *e, time_t now);

/* The number of entries that are urgent at now. */
size_t queue_urgent_count(const struct queue *q, time_t now);

/* The earliest `since` of any entry (the longest wait), or -1 when empty. */
time_t queue_oldest_since(const struct queue *q);

/* True when a (head of qa) is to be served before b (head of qb) at now. */
bool queue_before(const struct queue *qa, const struct queue_entry *a, const struct queue *qb,
                  const struct queue_entry *b, time_t now);

/* The next instant > now at which a normal entry ages, or -1. */
time_t queue_next_aging(const struct queue *q, time_t now);

/* Calls fn for every entry, in no particular order. */
void queue_each(const struct queue *q, void (*fn)(struct queue_entry *e, void *arg), void *arg);

#endif
