/*
 * staff: worker.v1 connections of the load generator.
 *
 * A struct staff is one console tab: it connects, logs in (by password, or
 * by a token saved earlier so a run does not spend its time in argon2id),
 * and remembers what chatd told it: its token, whether it is on duty, its
 * current chat. Every frame after the welcome is also handed to on_frame,
 * for the scenario to act on. The tokens file holds one "user token" line
 * per worker; `loadgen tokens` writes it.
 */
#ifndef STAFF_H
#define STAFF_H

#include <stdbool.h>

#include "client.h"
#include "opts.h"

enum staff_state { STAFF_CONNECTING, STAFF_LOGGING_IN, STAFF_READY, STAFF_DOWN };

struct staff;
typedef void (*staff_fn)(struct staff *s, const char *frame, void *arg);

struct staff {
    struct client *c;
    enum staff_state state;
    char user[64];
    char token[128];
    char chat[64];   /* the chat in progress, "" if none */
    bool on_duty;    /* chatd answered duty */
    long errors;     /* error frames received */
    double login_at; /* loop_now() when the login was sent */
    double ready_at; /* ... and when the welcome came */
    staff_fn on_frame;
    void *arg;
};

/* Connects s and logs in as user with password, or with token when
 * password is NULL. on_frame(arg) may be NULL. */
int staff_open(struct staff *s, const char *user, const char *password, const char *token,
               staff_fn on_frame, void *arg);

/* The same from the local address local (see client_new_from; NULL: any). */
int staff_open_from(struct staff *s, const char *local, const char *user, const char *password,
                    const char *token, staff_fn on_frame, void *arg);

/* Goes on duty for topics t0..t(topics-1) with capacity chats. */
void staff_duty(struct staff *s, int topics, int capacity);

/* Closes the connection normally; the struct stays valid. */
void staff_close(struct staff *s);

/* Drops the connection and clears s. */
void staff_fini(struct staff *s);

/* Reads the first n "user token" lines of path into users[i] and tokens[i]
 * (64 and 128 bytes each). 0, or -1 with a message. */
int staff_tokens_read(const char *path, int n, char (*users)[64], char (*tokens)[128]);

/* `loadgen tokens`: logs o->count workers in by password, writes the file. */
int staff_run_tokens(const struct opts *o);

#endif
