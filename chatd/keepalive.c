/* keepalive: see keepalive.h. */
#include "keepalive.h"

#include <stddef.h>

void ka_init(struct keepalive *k, double ping_s, double idle_s)
{
    k->ping_s = ping_s;
    k->idle_s = idle_s;
    k->quiet.head = k->quiet.tail = NULL;
    k->pinged.head = k->pinged.tail = NULL;
}

void ka_remove(struct ka_node *n)
{
    struct ka_list *l = n->on;
    if (!l)
        return;
    if (n->prev)
        n->prev->next = n->next;
    else
        l->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        l->tail = n->prev;
    n->prev = n->next = NULL;
    n->on = NULL;
}

static void append(struct ka_list *l, struct ka_node *n)
{
    n->on = l;
    n->next = NULL;
    n->prev = l->tail;
    if (l->tail)
        l->tail->next = n;
    else
        l->head = n;
    l->tail = n;
}

void ka_heard(struct keepalive *k, struct ka_node *n, double now)
{
    ka_remove(n);
    /* a clock that stepped back must not break the order */
    if (k->quiet.tail && now < k->quiet.tail->heard)
        now = k->quiet.tail->heard;
    n->heard = now;
    append(&k->quiet, n);
}

void ka_sweep(struct keepalive *k, double now, void (*ping)(struct ka_node *, void *),
              void (*hangup)(struct ka_node *, void *), void *arg)
{
    struct ka_node *n;
    /* pinged before quiet: one that is due both (the loop stalled) is
     * pinged now and hung up at the next sweep if still silent */
    while ((n = k->pinged.head) && now >= n->heard + k->idle_s) {
        ka_remove(n);
        hangup(n, arg);
    }
    while ((n = k->quiet.head) && now >= n->heard + k->ping_s) {
        ka_remove(n);
        append(&k->pinged, n);
        ping(n, arg);
    }
}

double ka_next_due(const struct keepalive *k)
{
    double due = -1;
    if (k->quiet.head)
        due = k->quiet.head->heard + k->ping_s;
    if (k->pinged.head) {
        double h = k->pinged.head->heard + k->idle_s;
        if (due < 0 || h < due)
            due = h;
    }
    return due;
}
