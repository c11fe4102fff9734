/*
 * letters: the letter threads as the hub keeps them in memory (contract v3
 * §3), and the rules about them. Pure: no clock, no I/O, no randomness (the
 * caller hands in times and new ids).
 *
 * A thread is what the store keeps of it (letter_threads, migration 10)
 * without its boxes and reply key: id, topic, the SHA-256 of the pickup
 * code, the writer's language, times and state. Boxes are read from the
 * store when a frame needs them. Nothing here says who wrote: no session,
 * no address. `taken` and taken_by live only here: a take is the worker's
 * claim while chatd runs, not a fact worth storing (after a restart the
 * thread is `new` again).
 *
 * Invariants: ids are unique; pickups are unique; state is LETTER_ANSWERED
 * iff the last item is an answer; waiting_since is the time of the oldest
 * letter not yet answered (-1 when answered); due = waiting_since + the
 * topic's letter_days (the promise made for that letter).
 */
#ifndef LETTERS_H
#define LETTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define LETTERS_ID_MAX 32
#define LETTERS_PICKUP_BYTES 32
#define LETTERS_ALIAS_MAX 64
/* Letters and answers in one thread: at most ~690 KB of boxes, so a
 * thread fits in one frame under a connection's 1 MB of queued frames. */
#define LETTERS_ITEMS_MAX 16
#define LETTERS_PER_SESSION_HOUR 3    /* letter_send per visitor session an hour */
#define LETTERS_PICKUPS_PER_MINUTE 10 /* letter_pickup per source a minute */

enum letter_state { LETTER_NEW, LETTER_TAKEN, LETTER_ANSWERED };

struct letter_thread {
    char id[LETTERS_ID_MAX + 1];
    int topic; /* index in cfg->topics */
    uint8_t pickup[LETTERS_PICKUP_BYTES];
    char lang[16];        /* the writer's language code, "" when not said */
    time_t received;      /* the first letter */
    time_t last_letter;   /* the last letter */
    time_t last_answer;   /* -1: never answered */
    time_t waiting_since; /* the oldest unanswered letter, -1: none */
    time_t due;
    enum letter_state state;
    char taken_by[LETTERS_ALIAS_MAX + 1]; /* with LETTER_TAKEN */
    int nitems;
};

struct letters {
    struct letter_thread *t;
    size_t n, cap;
};

void letters_init(struct letters *l);
void letters_fini(struct letters *l);

/* The thread whose pickup is p, or -1. Every thread is compared, each in
 * constant time, so the time taken does not depend on which thread (if
 * any) matches: a guess learns nothing from how long the answer took. */
int letters_find_pickup(const struct letters *l, const uint8_t p[LETTERS_PICKUP_BYTES]);
/* The thread with id, or -1. */
int letters_find(const struct letters *l, const char *id);

/* Adds a copy of t; 0 or CHAT_ERR_NOMEM. */
int letters_add(struct letters *l, const struct letter_thread *t);
/* Removes thread i (the last one takes its place). */
void letters_remove(struct letters *l, size_t i);

/* A new letter at now to t (promise: days): state new again, due set
 * when it was answered before. */
void letters_letter(struct letter_thread *t, time_t now, int days);
/* An answer at now: answered; *answer_s (seconds since the oldest
 * unanswered letter) and *overdue (answered after due) for the stats. */
void letters_answer(struct letter_thread *t, time_t now, long *answer_s, bool *overdue);

/* When t is to be deleted: retention_days after its last letter or answer,
 * whichever came later. */
time_t letters_expires(const struct letter_thread *t, int retention_days);

/* "new" | "taken" | "answered". */
const char *letters_state_name(enum letter_state s);

/* True when s is the hex of a SHA-256 (what the store keys nothing by, but
 * a check for ids): 1..LETTERS_ID_MAX of [0-9a-f]. */
bool letters_id_ok(const char *s);

#endif
