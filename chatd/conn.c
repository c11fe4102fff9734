/*
 * conn: outbound queues with hold-until-commit, and token buckets.
 */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

void conn_set_init(struct conn_set *s)
{
    memset(s, 0, sizeof(*s));
}

void conn_init(struct conn *c, struct conn_set *s, enum proto_role role, void *io)
{
    memset(c, 0, sizeof(*c));
    c->set = s;
    c->role = role;
    c->io = io;
    c->serial = ++s->serial;
    c->org = CONN_ORG_ALL;
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
    conn_unsubscribe(c);
    list_free(&c->held);
    list_free(&c->ready);
    c->queued_bytes = 0;
}

static void mark_dirty(struct conn *c)
{
    if (c->dirty)
        return;
    c->dirty = true;
    c->dirty_next = c->set->dirty_head;
    c->set->dirty_head = c;
}

void conn_set_unit(struct conn_set *s, uint64_t unit)
{
    s->unit = unit;
}

void conn_subscribe(struct conn *c)
{
    struct conn_set *s = c->set;
    if (c->subscribed)
        return;
    c->subscribed = true;
    c->sub_prev = NULL;
    c->sub_next = s->subs;
    if (s->subs)
        s->subs->sub_prev = c;
    s->subs = c;
}

void conn_unsubscribe(struct conn *c)
{
    if (!c->subscribed)
        return;
    if (c->sub_prev)
        c->sub_prev->sub_next = c->sub_next;
    else
        c->set->subs = c->sub_next;
    if (c->sub_next)
        c->sub_next->sub_prev = c->sub_prev;
    c->sub_prev = c->sub_next = NULL;
    c->subscribed = false;
}

void conn_broadcast_latest(struct conn_set *s, struct conn_shared *text)
{
    for (struct conn *c = s->subs; c; c = c->sub_next)
        conn_send_latest_shared(c, text);
}

void conn_broadcast_by_org(struct conn_set *s, struct conn_shared *const *texts, int n)
{
    for (struct conn *c = s->subs; c; c = c->sub_next) {
        int k = c->org + 1;
        if (k >= 0 && k < n && texts[k])
            conn_send_latest_shared(c, texts[k]);
    }
}

/* Appends f to c's held frames. */
static void hold(struct conn *c, struct frame *f)
{
    f->next = NULL;
    f->unit = c->set->unit;
    c->queued_bytes += f->len;
    if (c->held.tail)
        c->held.tail->next = f;
    else
        c->held.head = f;
    c->held.tail = f;
    mark_dirty(c);
}

void conn_send(struct conn *c, char *data)
{
    if (!data)
        return;
    if (c->closing) {
        free(data);
        return;
    }
    struct frame *f = calloc(1, sizeof(*f));
    if (!f) {
        free(data);
        return;
    }
    f->data = data;
    f->len = strlen(data);
    hold(c, f);
    if (c->queued_bytes > CONN_MAX_QUEUED_BYTES)
        conn_close(c, 1008);
}

/* Drops l's frames of key. */
static void drop_latest(struct conn *c, struct frame_list *l, uint64_t key)
{
    struct frame **p = &l->head, *last = NULL;
    while (*p) {
        struct frame *f = *p;
        if (f->latest == key) {
            *p = f->next;
            c->queued_bytes -= f->len;
            conn_frame_free(f);
            continue;
        }
        last = f;
        p = &f->next;
    }
    l->tail = last;
}

struct conn_shared *conn_shared_new(char *frame)
{
    size_t len = frame ? strlen(frame) : 0;
    struct conn_shared *s = frame ? malloc(sizeof(*s) + len + 1) : NULL;
    if (s) {
        s->refs = 1;
        s->len = len;
        memcpy(s->data, frame, len + 1);
    }
    free(frame);
    return s;
}

void conn_shared_unref(struct conn_shared *s)
{
    if (s && --s->refs == 0)
        free(s);
}

void conn_send_latest_shared(struct conn *c, struct conn_shared *s)
{
    if (!s || c->closing)
        return;
    struct frame *f = calloc(1, sizeof(*f));
    if (!f)
        return;
    drop_latest(c, &c->ready, CONN_LATEST);
    drop_latest(c, &c->held, CONN_LATEST);
    s->refs++;
    f->shared = s;
    f->data = s->data;
    f->len = s->len;
    f->latest = CONN_LATEST;
    hold(c, f);
    if (c->queued_bytes > CONN_MAX_QUEUED_BYTES)
        conn_close(c, 1008);
}

void conn_send_keyed(struct conn *c, char *data, uint64_t key)
{
    if (!data)
        return;
    drop_latest(c, &c->ready, key);
    drop_latest(c, &c->held, key);
    conn_send(c, data);
    if (c->held.tail && c->held.tail->data == data)
        c->held.tail->latest = key;
}

void conn_send_latest(struct conn *c, char *data)
{
    conn_send_keyed(c, data, CONN_LATEST);
}

void conn_close(struct conn *c, int code)
{
    if (c->closing)
        return;
    struct frame *f = calloc(1, sizeof(*f));
    c->closing = true;
    if (!f) { /* no memory for the marker: close after what is ready */
        c->close_code = code;
        for (struct frame *g = c->held.head; g; g = g->next)
            c->queued_bytes -= g->len;
        list_free(&c->held);
        return;
    }
    f->close_code = code;
    hold(c, f);
}

/* Moves c's held frames to ready from the front while may_go; true when
 * anything moved. A released close ends the conn's output there. */
static bool release_one(struct conn *c, bool (*may_go)(uint64_t unit, void *arg), void *arg)
{
    bool moved = false;
    struct frame *f;
    while ((f = c->held.head) && may_go(f->unit, arg)) {
        c->held.head = f->next;
        if (!c->held.head)
            c->held.tail = NULL;
        moved = true;
        if (f->close_code) {
            c->close_code = f->close_code;
            conn_frame_free(f);
            for (struct frame *g = c->held.head; g; g = g->next)
                c->queued_bytes -= g->len;
            list_free(&c->held);
            break;
        }
        f->next = NULL;
        if (c->ready.tail)
            c->ready.tail->next = f;
        else
            c->ready.head = f;
        c->ready.tail = f;
    }
    return moved;
}

void conn_release(struct conn_set *s, bool (*may_go)(uint64_t unit, void *arg), void *arg,
                  void (*wake)(struct conn *c, void *wake_arg), void *wake_arg)
{
    struct conn *c = s->dirty_head, *keep = NULL;
    s->dirty_head = NULL;
    while (c) {
        struct conn *next = c->dirty_next;
        c->dirty_next = NULL;
        c->dirty = false;
        bool moved = release_one(c, may_go, arg);
        if (c->held.head) { /* still waiting: stays dirty */
            c->dirty = true;
            c->dirty_next = keep;
            keep = c;
        }
        if (moved)
            wake(c, wake_arg);
        c = next;
    }
    /* conns dirtied by wake() are already on the new list; append the rest */
    if (keep) {
        struct conn *tail = keep;
        while (tail->dirty_next)
            tail = tail->dirty_next;
        tail->dirty_next = s->dirty_head;
        s->dirty_head = keep;
    }
}

void conn_drop_held(struct conn_set *s, bool (*drop)(uint64_t unit, void *arg), void *arg)
{
    for (struct conn *c = s->dirty_head; c; c = c->dirty_next) {
        struct frame **p = &c->held.head, *last = NULL;
        bool closing = false;
        while (*p) {
            struct frame *f = *p;
            if (drop(f->unit, arg)) {
                *p = f->next;
                c->queued_bytes -= f->len;
                conn_frame_free(f);
                continue;
            }
            closing |= f->close_code != 0;
            last = f;
            p = &f->next;
        }
        c->held.tail = last;
        c->closing = closing || c->close_code;
    }
}

void conn_forget(struct conn *c)
{
    if (!c->dirty)
        return;
    for (struct conn **p = &c->set->dirty_head; *p; p = &(*p)->dirty_next) {
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
    if (f->shared)
        conn_shared_unref(f->shared);
    else
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
