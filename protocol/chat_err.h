/*
 * chat_err: the project's error values.
 *
 * Every function that can fail returns 0 or a negative enum chat_err. This one
 * table turns a value into the wire's error code (contract §3) and a human
 * message, so the daemon, the CLI and the tests agree on the words.
 */
#ifndef CHAT_ERR_H
#define CHAT_ERR_H

enum chat_err {
    CHAT_OK = 0,
    CHAT_ERR_BAD_REQUEST = -1,
    CHAT_ERR_UNKNOWN_TYPE = -2,
    CHAT_ERR_BAD_STATE = -3,
    CHAT_ERR_UNAUTHORIZED = -4,
    CHAT_ERR_FORBIDDEN = -5,
    CHAT_ERR_RATE_LIMITED = -6,
    CHAT_ERR_TOO_LARGE = -7,
    CHAT_ERR_CLOSED = -8,
    CHAT_ERR_QUEUE_FULL = -9,
    CHAT_ERR_UNKNOWN_TOPIC = -10,
    CHAT_ERR_QUEUE_EMPTY = -11,
    CHAT_ERR_BLOCKED = -12,
    CHAT_ERR_INTERNAL = -13, /* storage or crypto failure; never the client's fault */
    CHAT_ERR_NOMEM = -14,
    CHAT_ERR_IO = -15,
    CHAT_ERR_NOT_FOUND = -16,
    CHAT_ERR_EXISTS = -17,
    CHAT_ERR_CRYPTO = -18,     /* a ciphertext or key did not open */
    CHAT_ERR_BUSY = -19,       /* the database is locked by another writer: try again */
    CHAT_ERR_FULL = -20,       /* the disk or the database is full */
    CHAT_ERR_NOT_STORED = -21, /* the request's work could not be stored: send it again */

    /* the coordinators' reports (/api/stats, /api/plan) */
    CHAT_ERR_PERIOD_TOO_LONG = -22,  /* a report's period is past its cap (400 days) */
    CHAT_ERR_REPORTS_BUSY = -23,     /* the reports' queue is full: try again shortly */
    CHAT_ERR_REPORT_TOO_LARGE = -24, /* a report's body would pass its cap */
    CHAT_ERR_NOBODY_ON_DUTY = -25,   /* a transfer into a topic nobody is on duty for (v3 §1) */
    CHAT_ERR_NO_LETTERS = -26,       /* no letter thread has that pickup code (v3 §3) */
    CHAT_ERR_UNKNOWN_ORG = -27,      /* ?org= names no org of the config (v3 §4) */
};

/* The wire code ("bad_request", ...) for err; internal errors map to "bad_state". */
const char *chat_err_code(int err);

/* A one-line English message for err. */
const char *chat_err_message(int err);

/* The HTTP status that answers err on an HTTP endpoint (401, 403, 400, 404,
 * 503 or 500). */
int chat_err_http(int err);

#endif
