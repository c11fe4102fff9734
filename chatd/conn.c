/*
 * conn: outbound queues with hold-until-commit, and token buckets.
 */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

static struct conn *conn_dirty_head;
static uint64_t conn_serial;

void conn_init(struct conn *c, enum proto_role role, void *io)
{
    memset(c, 0, sizeof(*c));
    c->role = role;
    c->io = io;
    c->serial = ++conn_serial;
    conn_bucket_init(&c->join_rate, 0.2, 5); /* msg_rate: the config's, by hub_conn_open() */
}

static void list_free(struct frame_list *l)
{
    struct frame *f = l->head;
    while (f) {
        struct frame *next = f->next;
        conn_frame_free(f);
        f = next;
    }
    l->head = l->tail = NULL;
}

void conn_fini(struct conn *c)
{
    conn_forget(c);
    list_free(&c->held);
    list_free(&c->ready);
    c->queued_bytes = 0;
}

static void mark_dirty(struct conn *c)
{
    if (c->dirty)
        return;
    c->dirty = true;
    c->dirty_next = conn_dirty_head;
    conn_dirty_head = c;
}

void conn_send(struct conn *c, char *data)
{
    if (!data)
        return;
    if (c->close_code) {
        free(data);
        return;
    }
    struct frame *f = malloc(sizeof(*f));
    if (!f) {
        free(data);
        return;
    }
    f->next = NULL;
    f->data = data;
    f->len = strlen(data);
    c->queued_bytes += f->len;
    if (c->held.tail)
        c->held.tail->next = f;
    else
        c->held.head = f;
    c->held.tail = f;
    mark_dirty(c);
    if (c->queued_bytes > CONN_MAX_QUEUED_BYTES)
        conn_close(c, 1008);
}

void conn_close(struct conn *c, int code)
{
    if (c->close_code)
        return;
    c->close_code = code;
    mark_dirty(c);
}

void conn_release_all(void (*wake)(struct conn *c, void *arg), void *arg)
{
    struct conn *c = conn_dirty_head;
    conn_dirty_head = NULL;
    while (c) {
        struct conn *next = c->dirty_next;
        c->dirty = false;
        c->dirty_next = NULL;
        if (c->held.head) {
            if (c->ready.tail)
                c->ready.tail->next = c->held.head;
            else
                c->ready.head = c->held.head;
            c->ready.tail = c->held.tail;
            c->held.head = c->held.tail = NULL;
        }
        wake(c, arg);
        c = next;
    }
}

void conn_drop_held(void)
{
    for (struct conn *c = conn_dirty_head; c; c = c->dirty_next) {
        for (struct frame *f = c->held.head; f; f = f->next)
            c->queued_bytes -= f->len;
        list_free(&c->held);
    }
}

void conn_forget(struct conn *c)
{
    if (!c->dirty)
        return;
    for (struct conn **p = &conn_dirty_head; *p; p = &(*p)->dirty_next) {
        if (*p == c) {
            *p = c->dirty_next;
            break;
        }
    }
    c->dirty = false;
    c->dirty_next = NULL;
}

struct frame *conn_next_frame(struct conn *c)
{
    struct frame *f = c->ready.head;
    if (!f)
        return NULL;
    c->ready.head = f->next;
    if (!c->ready.head)
        c->ready.tail = NULL;
    c->queued_bytes -= f->len;
    f->next = NULL;
    return f;
}

void conn_frame_free(struct frame *f)
{
    if (!f)
        return;
    free(f->data);
    free(f);
}

void conn_bucket_init(struct conn_bucket *b, double rate, double burst)
{
    b->rate = rate;
    b->burst = burst;
    b->tokens = burst;
    b->last = 0;
}

bool conn_bucket_take(struct conn_bucket *b, double now)
{
    if (b->last > 0 && now > b->last) {
        b->tokens += (now - b->last) * b->rate;
        if (b->tokens > b->burst)
            b->tokens = b->burst;
    }
    b->last = now;
    if (b->tokens < 1)
        return false;
    b->tokens -= 1;
    return true;
}
