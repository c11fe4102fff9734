/*
 * conn: one client connection as the core sees it, and its outbound queue.
 *
 * The I/O shell (server.c) owns the socket; the core only appends frames.
 * Frames appended during an event-loop turn are *held* until the turn's
 * SQLite transaction commits (conn_release_all), so an ack never leaves
 * before what it acknowledges is durable. Released frames wait in the
 * ready queue until the shell writes them on a WRITEABLE callback.
 *
 * Invariant: a conn is on the dirty list iff it has held frames or a close
 * request not yet announced to the shell.
 */
#ifndef CONN_H
#define CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto.h"

#define CONN_MAX_QUEUED_BYTES (4u << 20) /* a reader this far behind is dropped */

struct frame {
    struct frame *next;
    size_t len;
    char *data; /* owned */
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

struct conn {
    enum proto_role role;
    void *io;                /* the shell's handle (struct lws *) */
    uint64_t serial;         /* unique per process, for logs and auth jobs */
    uint64_t source;         /* keyed hash of the peer address, 0 if unknown; memory only */
    struct frame_list held;  /* waiting for the turn's commit */
    struct frame_list ready; /* may be written now */
    size_t queued_bytes;
    int close_code; /* nonzero: close after the ready frames */
    bool dirty;
    struct conn *dirty_next;
    struct conn_bucket msg_rate; /* set by hub_conn_open() from the config */
    struct conn_bucket join_rate;
    int abuse;               /* rate-limit and error strikes */
    bool greeted;            /* visitor: hello done; worker: logged in */
    struct visitor *visitor; /* the hub's session, or NULL */
    struct worker *worker;
    void *auth_job;                   /* a login in progress, or NULL */
    struct conn *sub_prev, *sub_next; /* status.v1 subscribers (hub's list) */
};

/* Sets up c for role. */
void conn_init(struct conn *c, enum proto_role role, void *io);

/* Frees all queued frames; the conn must be off the dirty list (conn_forget). */
void conn_fini(struct conn *c);

/* Appends frame (malloc'd JSON text, ownership taken; NULL is ignored). */
void conn_send(struct conn *c, char *frame);

/* Asks the shell to close c with code once its ready frames are out. */
void conn_close(struct conn *c, int code);

/* Moves every dirty conn's held frames to ready and calls wake(c) for each. */
void conn_release_all(void (*wake)(struct conn *c, void *arg), void *arg);

/* Drops every dirty conn's held frames (the turn's commit failed). */
void conn_drop_held(void);

/* Removes c from the dirty list (before it is freed). */
void conn_forget(struct conn *c);

/* The next ready frame, or NULL; the caller frees it with conn_frame_free. */
struct frame *conn_next_frame(struct conn *c);
void conn_frame_free(struct frame *f);

/* Takes a token from b at time now (seconds); false when empty. */
bool conn_bucket_take(struct conn_bucket *b, double now);
void conn_bucket_init(struct conn_bucket *b, double rate, double burst);

#endif
