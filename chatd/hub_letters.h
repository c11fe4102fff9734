/*
 * hub_letters: the hub's room for letters (contract v3 §3): visitors'
 * letter_send and letter_pickup, workers' letters_key, letters,
 * letter_take, letter_release and letter_answer, the hourly purge and the
 * letters_changed push.
 *
 * The threads' times and states are in memory (letters.h), loaded from the
 * store when the hub starts; boxes stay in the store and are read when a
 * frame needs them (one indexed read of one thread's items, or of a list
 * cut to LETTERS_LIST_BYTES). Letters and answers are journaled like every
 * other write, so letter_sent and an answer's ack leave only after their
 * commit (turn.h). A batch that fails puts memory back by reading the
 * threads from the store again.
 */
#ifndef HUB_LETTERS_H
#define HUB_LETTERS_H

#include "hub_int.h"

#define LETTERS_LIST_BYTES                                                                         \
    ((size_t)512 * 1024) /* a worker's `letters` frame is cut here ("more") */

/* Loads the threads (hub_new); 0 or a chat_err. */
int hub_letters_load(struct hub *h);
/* Reads the threads from the store again, keeping the takes of threads
 * still new (after a failed batch, or after a config reload whose topics
 * moved: a thread holds its topic's index); 0 or a chat_err (then memory
 * is as it was). */
int hub_letters_reload(struct hub *h);
/* Frees what the room holds (hub_free). */
void hub_letters_free(struct hub *h);

/* visitor letter_send / letter_pickup (v may be NULL for a pickup). */
void hub_letters_visitor(struct hub *h, struct conn *c, struct visitor *v,
                         const struct proto_req *r, double now);
/* worker letters_key, letters, letter_take, letter_release, letter_answer. */
void hub_letters_worker(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r,
                        time_t now);

/* Journals the deletion of threads past letter_retention_days (the
 * hourly purge) and forgets rate-limit records that are over. */
void hub_letters_purge(struct hub *h, time_t now);

#endif
