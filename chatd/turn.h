/*
 * turn: the hub's open batch of durable work, and how it ends.
 *
 * Everything that must be durable (transcript keys and ciphertexts, queue
 * places, blocks, login tokens, statistics) is journaled in the store while
 * the event loop runs requests; the end of the loop turn commits the journal
 * in one transaction (redis's beforeSleep). Memory moves ahead of that
 * commit, so the batch also keeps what is needed to take memory back:
 *
 *  - an undo snapshot of every chat, visitor and worker session the batch
 *    changes (taken by turn_touch_*() before the first change: the object's
 *    durable fields, hub_int.h's HUB_DURABLE group, copied into the object
 *    itself, so taking one needs no memory and cannot fail), chats it
 *    created (destroyed on undo), chats and sessions it ended (kept, off
 *    their maps, until the commit frees them);
 *  - its units of work: each request or event is a unit; a unit that
 *    journaled anything is durable, and its frames wait for the commit;
 *  - actions to run after the commit (turn_after_commit), for effects that
 *    are simpler to apply late than to undo (a login, a logout).
 *
 * The batch ends one of three ways (turn_commit):
 *  - committed: frames leave, ended objects are freed, snapshots dropped;
 *  - busy (another process holds the database's write lock): nothing is
 *    lost or answered wrongly; the journal and the held frames stay, later
 *    turns add to the same batch, and the commit is tried again at
 *    turn_retry_at(); frames of units that stored nothing leave at once;
 *  - failed (disk full, I/O error, or busy for longer than
 *    TURN_BUSY_GIVE_UP_S): the journal is dropped, memory is put back as
 *    it was before the batch, each durable unit's sender gets `bad_state`
 *    ("not stored"), the frames of durable units are dropped, and the hub
 *    is told to send again what the others must see (positions, queue
 *    state, status).
 *
 * Invariants: units [first_unit, next_unit) belong to the open batch and
 * units[i] describes unit first_unit + i; frames of earlier units are
 * committed. An object's saved_in == batch iff its snapshot (obj->was) is
 * taken and it is on the batch's list of its kind (saved_*, via saved_next).
 */
#ifndef TURN_H
#define TURN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto.h"
#include "store.h"

#define TURN_BUSY_GIVE_UP_S 30.0 /* a write lock held longer fails the batch */
#define TURN_RETRY_MIN_S 0.02
#define TURN_RETRY_MAX_S 0.5
#define TURN_CALM_S                                                                                \
    1.0 /* after a failed batch, routing waits this long (no hot loop on a full disk) */

struct hub;
struct conn;
struct chat;
struct visitor;
struct worker;

/* One request or event of the batch. */
struct turn_unit {
    struct conn *conn; /* whom to tell when it is not stored; NULL for events */
    char ref[PROTO_REF_MAX + 1];
    bool durable;
};

/* A deferred action: fn(h, arg, committed) after the batch's commit or failure. */
struct turn_after {
    void (*fn)(struct hub *h, void *arg, bool committed);
    void *arg;
};

struct turn {
    uint64_t batch;
    uint64_t first_unit, next_unit;
    struct turn_unit *units;
    size_t capunits;
    size_t unit_ops;  /* store_pending() when the current unit began */
    long unit_events; /* stats_events() when the current unit began */
    bool in_unit;
    /* objects with a snapshot in this batch, last touched first */
    struct chat *saved_chats;
    struct visitor *saved_visitors;
    struct worker *saved_workers;
    /* Puts back the visitors of the failed batch (the list through
     * saved_next): their fields from v->was, and what their owner links
     * beside them (session.c: queue places, the away list, the map). Set
     * by the hub: visitor state has one writer, and turn.c is not it. */
    void (*undo_visitors)(struct hub *h, struct visitor *saved);
    /* Forgets what each queued visitor was last told of their place, so
     * that it is sent again after a failed batch (route.c owns it). */
    void (*forget_sent)(struct hub *h);
    struct turn_after *after;
    size_t nafter, capafter;
    double busy_since; /* first failed attempt of a busy commit, 0 = none */
    double retry_at;   /* 0 = no retry pending */
    double retry_delay;
    double calm_until;          /* no new chats are routed before this (after a failure) */
    long commits, failures;     /* counted for /metrics */
    struct store_counts counts; /* what the last commit counted, for turn_after_commit's actions */
    /* after a failed batch: what it had changed, to be shown again (turn_resync) */
    struct visitor **resync_v;
    struct worker **resync_w;
    size_t nresync_v, nresync_w;
};

/* How the batch ended (turn_commit). */
enum turn_result { TURN_COMMITTED, TURN_BUSY, TURN_FAILED };

void turn_init(struct turn *t);
/* Frees what the batch holds (the hub is going away; nothing is undone). */
void turn_fini(struct hub *h);

/* Starts a unit of work: frames sent from now on belong to it. conn (or
 * NULL) is told if the unit's work is not stored; ref is copied. */
void turn_unit_begin(struct hub *h, struct conn *conn, const char *ref);
/* Ends the current unit; it is durable if it journaled anything. */
void turn_unit_end(struct hub *h);

/* Take a snapshot before the first change of the object in this batch. */
void turn_touch_chat(struct hub *h, struct chat *ch);
void turn_touch_visitor(struct hub *h, struct visitor *v);
void turn_touch_worker(struct hub *h, struct worker *w);

/* ch was made in this batch: undo destroys it. */
void turn_chat_created(struct hub *h, struct chat *ch);
/* ch ended (it is off the chat map): freed when the batch commits. */
void turn_chat_ended(struct hub *h, struct chat *ch);
/* v's session ended (it is off the session map): freed at the commit. */
void turn_visitor_gone(struct hub *h, struct visitor *v);

/* Runs fn(h, arg, committed) once the batch has committed or failed. */
int turn_after_commit(struct hub *h, void (*fn)(struct hub *h, void *arg, bool committed),
                      void *arg) __attribute__((warn_unused_result));

/* Ends the batch: commits the journal and releases frames (calling wake for
 * each conn with something to send), or keeps it for a retry, or undoes it. */
enum turn_result turn_commit(struct hub *h, double now, void (*wake)(struct conn *c, void *arg),
                             void *arg);

/* After a failed batch (turn_commit said TURN_FAILED): calls fn for every
 * visitor (w NULL) and worker session (v NULL) the batch had changed, whose
 * clients may have been shown what was then undone, and forgets them. */
void turn_resync(struct hub *h, void (*fn)(struct hub *h, struct visitor *v, struct worker *w));

/* Releases every held frame that may leave now (its unit committed, or
 * stored nothing), calling wake for each conn with something to write. */
void turn_release(struct hub *h, void (*wake)(struct conn *c, void *arg), void *arg);

/* When a busy commit should be tried again, or 0. */
double turn_retry_at(const struct hub *h);

/* True when routing may start chats at now (not right after a failed batch,
 * whose cause, a full disk say, would fail them again at once). */
bool turn_calm(const struct hub *h, double now);

/* Wipe (key, plaintext, token) and free an object at once: the batch does
 * it when it commits, the hub when it goes away. */
void turn_destroy_chat(struct chat *ch);
void turn_destroy_visitor(struct hub *h, struct visitor *v);

/* c is closing: units stop pointing at it. */
void turn_conn_closed(struct hub *h, const struct conn *c);

#endif
