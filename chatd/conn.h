/*
 * conn: one client connection as the core sees it, and its outbound queue.
 *
 * The I/O shell (server.c) owns the socket; the core only appends frames.
 * Every frame belongs to a unit of work (conn_set_unit: a request or event
 * of the hub's open batch; unit 0 = nothing to wait for). Frames are *held*
 * until the hub says their unit may go (conn_release), normally when the
 * batch's SQLite transaction has committed, so an ack never leaves before
 * what it acknowledges is durable; a failed batch drops the frames of its
 * durable units (conn_drop_held). Released frames wait in the ready queue
 * until the shell writes them on a WRITEABLE callback. A close is queued
 * like a frame and takes effect, in order, when it is released.
 *
 * The connections of one hub are a conn_set, which the hub owns and each
 * conn points to (as redis passes its aeEventLoop to every ae call): the
 * set holds the list of conns with held frames, the unit frames are sent
 * in now, and the subscribers that a broadcast reaches. Nothing of it is
 * process-global, so two hubs (tests) never mix.
 *
 * Invariants: a conn is on its set's dirty list iff it has held frames;
 * held frames are in the order they were sent, and a frame is released only
 * after every frame before it on the same conn; a conn is on the set's
 * subscriber list iff conn_subscribe'd and not yet unsubscribed.
 */
#ifndef CONN_H
#define CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto.h"

#define CONN_MAX_QUEUED_BYTES (1u << 20) /* a reader this far behind is dropped (1008) */
#define CONN_LATEST 1                    /* the key of conn_send_latest: a status, a board */
#define CONN_ORG_ALL (-1)                /* conn.org: every topic (no ?org= asked) */
#define CONN_ORG_UNKNOWN (-2)            /* conn.org: ?org= named no org of the config */

/* A frame's text that many conns send (a status to every subscriber):
 * made once, counted, freed with its last frame. */
struct conn_shared {
    int refs;
    size_t len;
    char data[];
};

struct frame {
    struct frame *next;
    size_t len;
    char *data;                 /* owned, or shared->data; NULL for a close */
    struct conn_shared *shared; /* when data is shared */
    uint64_t unit;              /* the unit of work that sent it */
    int close_code;             /* a close: nonzero */
    uint64_t latest; /* nonzero: only the newest frame of this key matters (conn_send_keyed) */
};

struct frame_list {
    struct frame *head, *tail;
};

/* A token bucket: rate tokens a second up to burst. */
struct conn_bucket {
    double tokens;
    double rate, burst;
    double last;
};

struct conn;

/* The connections of one hub (see above). */
struct conn_set {
    struct conn *dirty_head; /* conns with held frames */
    uint64_t serial;         /* the last conn's serial */
    uint64_t unit;           /* frames sent now belong to it (0: wait for nothing) */
    struct conn *subs;       /* subscribers (status.v1), newest first */
};

struct conn {
    struct conn_set *set;
    enum proto_role role;
    void *io;                /* the shell's handle (struct lws *) */
    uint64_t serial;         /* unique per process, for logs and auth jobs */
    uint64_t source;         /* keyed hash of the peer address, 0 if unknown; memory only */
    struct frame_list held;  /* waiting for their unit's commit */
    struct frame_list ready; /* may be written now */
    size_t queued_bytes;
    int close_code; /* nonzero: close after the ready frames */
    bool closing;   /* a close is queued: later frames are dropped */
    bool dirty;
    struct conn *dirty_next;
    struct conn_bucket msg_rate; /* set by hub_conn_open() from the config */
    struct conn_bucket join_rate;
    struct conn_bucket chatter; /* typing and ping: set by hub_conn_open() */
    int abuse;                  /* rate-limit and error strikes */
    bool greeted;               /* visitor: hello done; worker: logged in */
    void *session;              /* the hub's session of this connection (opaque here), or NULL */
    void *pending;              /* the hub's login or logout in progress on it, or NULL */
    struct conn *sub_prev, *sub_next; /* on set->subs (conn_subscribe) */
    bool subscribed;
    /* status.v1 and visitor.v1 opened as /ws?org=ID (contract v3 §4): the
     * index of that org in the config, whose topics alone it is shown;
     * CONN_ORG_ALL without ?org=, CONN_ORG_UNKNOWN for an id not there */
    int org;
};

/* An empty set. */
void conn_set_init(struct conn_set *s);

/* Sets up c for role, in set s. */
void conn_init(struct conn *c, struct conn_set *s, enum proto_role role, void *io);

/* Frees all queued frames; the conn must be off the dirty list (conn_forget). */
void conn_fini(struct conn *c);

/* Frames sent on s's conns from now on belong to unit (0: wait for nothing). */
void conn_set_unit(struct conn_set *s, uint64_t unit);

/* c joins / leaves its set's subscribers (a conn leaves before it is freed). */
void conn_subscribe(struct conn *c);
void conn_unsubscribe(struct conn *c);

/* conn_send_latest_shared of text to every subscriber of s. */
void conn_broadcast_latest(struct conn_set *s, struct conn_shared *text);

/* conn_send_latest_shared to every subscriber c of s of texts[c->org + 1]
 * (texts[0]: those of CONN_ORG_ALL), where that is not NULL; n texts. */
void conn_broadcast_by_org(struct conn_set *s, struct conn_shared *const *texts, int n);

/* Appends frame (malloc'd JSON text, ownership taken; NULL is ignored) to
 * c's held frames, in the current unit. */
void conn_send(struct conn *c, char *frame);

/* Like conn_send, for a frame that makes every earlier conn_send_latest frame
 * not yet written pointless (a status): those are dropped, so a subscriber
 * that reads slowly holds one status, not a backlog. */
void conn_send_latest(struct conn *c, char *frame);

/* Like conn_send_latest for the frames of one key (nonzero): an alert's
 * frames (its raise, update, take and close) each make the earlier ones of
 * the same alert not yet written pointless, so a slow reader holds one
 * frame per alert, whatever the number of changes. */
void conn_send_keyed(struct conn *c, char *frame, uint64_t key);

/* A shared text of frame (taken: freed here), with one reference for the
 * caller; NULL when out of memory. */
struct conn_shared *conn_shared_new(char *frame);
/* Drops a reference (the caller's, when it has sent the text to all). */
void conn_shared_unref(struct conn_shared *s);

/* conn_send_latest of a shared text: c's frame refers to s, no copy. */
void conn_send_latest_shared(struct conn *c, struct conn_shared *s);

/* Queues a close of c with code after the frames sent before it. */
void conn_close(struct conn *c, int code);

/* On every dirty conn of s, moves held frames to ready from the front for as
 * long as may_go(unit, arg) holds, and calls wake(c, wake_arg) for each conn
 * with something new to write. */
void conn_release(struct conn_set *s, bool (*may_go)(uint64_t unit, void *arg), void *arg,
                  void (*wake)(struct conn *c, void *wake_arg), void *wake_arg);

/* On every dirty conn of s, drops each held frame for which drop(unit, arg). */
void conn_drop_held(struct conn_set *s, bool (*drop)(uint64_t unit, void *arg), void *arg);

/* Removes c from the dirty list (before it is freed). */
void conn_forget(struct conn *c);

/* The next ready frame, or NULL; the caller frees it with conn_frame_free. */
struct frame *conn_next_frame(struct conn *c);
void conn_frame_free(struct frame *f);

/* Takes a token from b at time now (seconds); false when empty. */
bool conn_bucket_take(struct conn_bucket *b, double now);
void conn_bucket_init(struct conn_bucket *b, double rate, double burst);

#endif
