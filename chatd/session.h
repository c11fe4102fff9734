/*
 * session: visitor sessions (contract §3.1): a hello that makes or resumes
 * one, the away list of those whose connection is gone (each keeps its
 * place or chat for resume_grace_s), blocks, the row that keeps a queue
 * place or chat over a restart, and bringing them all back after one.
 *
 * session.c holds the records and is the one writer of a visitor's state
 * (session_set_state, and session_undo for a failed batch); it calls no
 * room above it. session_grace.c ends sessions and brings them back through
 * those rooms (a chat, a queue place).
 */
#ifndef SESSION_H
#define SESSION_H

#include "hub_int.h"

/* A hello with token (NULL: none): resumes the session of token, or makes
 * a new one (a session no longer in memory gets a new token unless it is
 * still blocked); c becomes its connection (an earlier one is closed with
 * 4002). */
int session_open(struct hub *h, struct conn *c, const char *token, time_t now, struct visitor **out,
                 bool *resumed) __attribute__((warn_unused_result));

/* The one change of v's state: to `to`, in topic. Leaves v's queue place
 * (if it had one) and, when to is QUEUED, takes the place `place` (order,
 * rank, since, class) in topic's queue; touches v for the batch's undo and
 * says what the end of the turn must redo. place is NULL unless QUEUED. */
void session_set_state(struct hub *h, struct visitor *v, enum proto_visitor_state to, int topic,
                       const struct queue_entry *place);

/* Puts the visitors of a failed batch back (the turn's undo_visitors):
 * their durable fields, queue places, the map and the away list. */
void session_undo(struct hub *h, struct visitor *saved);

/* Takes the visitor whose grace is over at now off the away list, or NULL. */
struct visitor *session_next_expired(struct hub *h, time_t now);

/* A session brought back from its row (key: the token's hash), on the map
 * and the away list with its grace starting at now; NULL when out of memory. */
struct visitor *session_new_restored(struct hub *h, const uint8_t key[STORE_TOKEN_HASH_BYTES],
                                     time_t now);

/* The session of token, or NULL. */
struct visitor *session_find(struct hub *h, const char *token);

/* v's connection closed at now: its grace begins. */
void session_away(struct hub *h, struct visitor *v, time_t now);

/* session_grace.c: v gives up waiting (leave, or the end of its grace):
 * counted as abandoned unless it was answered already (a transferred visitor). */
void session_abandon(struct hub *h, struct visitor *v, time_t now);

/* Refuses v's joins until `until`, also after v's session has left memory
 * and over restarts (the blocks table). */
int session_block(struct hub *h, struct visitor *v, time_t until)
    __attribute__((warn_unused_result));

/* Ends the sessions whose grace is over at now. */
void session_expire(struct hub *h, time_t now);

/* When the next grace ends, or -1. */
time_t session_next_expiry(const struct hub *h);

/* Journals the rows of the sessions changed since the last call. */
int session_persist_dirty(struct hub *h) __attribute__((warn_unused_result));

/* Brings back the queue places and chats kept over a restart. */
int session_restore(struct hub *h, time_t now) __attribute__((warn_unused_result));

/* Frees every session at once (the hub is going away). */
void session_free_all(struct hub *h);

#endif
