/*
 * chat_err: one table from error value to wire code and human message.
 */
#include "chat_err.h"

struct err_row {
    int err;
    int http;
    const char *code;
    const char *message;
};

static const struct err_row err_table[] = {
    {CHAT_OK, 200, "ok", "ok"},
    {CHAT_ERR_BAD_REQUEST, 400, "bad_request", "malformed request"},
    {CHAT_ERR_UNKNOWN_TYPE, 400, "unknown_type", "unknown message type"},
    {CHAT_ERR_BAD_STATE, 409, "bad_state", "not valid in the current state"},
    {CHAT_ERR_UNAUTHORIZED, 401, "unauthorized", "not logged in or wrong credentials"},
    {CHAT_ERR_FORBIDDEN, 403, "forbidden", "not allowed"},
    {CHAT_ERR_RATE_LIMITED, 429, "rate_limited", "too many requests, slow down"},
    {CHAT_ERR_TOO_LARGE, 413, "too_large", "message too large"},
    {CHAT_ERR_CLOSED, 409, "closed", "the chat is closed now"},
    {CHAT_ERR_QUEUE_FULL, 409, "queue_full", "the queue is full"},
    {CHAT_ERR_UNKNOWN_TOPIC, 400, "unknown_topic", "no such topic"},
    {CHAT_ERR_QUEUE_EMPTY, 409, "queue_empty", "nobody is waiting"},
    {CHAT_ERR_BLOCKED, 403, "blocked", "this session is blocked for now"},
    {CHAT_ERR_INTERNAL, 500, "bad_state", "internal error, please try again"},
    {CHAT_ERR_NOMEM, 500, "bad_state", "out of memory"},
    {CHAT_ERR_IO, 500, "bad_state", "input/output error"},
    {CHAT_ERR_NOT_FOUND, 404, "bad_request", "not found"},
    {CHAT_ERR_EXISTS, 409, "bad_request", "already exists"},
    {CHAT_ERR_CRYPTO, 500, "bad_state", "decryption failed (wrong key or passphrase?)"},
    {CHAT_ERR_BUSY, 503, "bad_state", "the database is busy, please try again"},
    {CHAT_ERR_FULL, 503, "bad_state", "the disk is full"},
    {CHAT_ERR_NOT_STORED, 503, "bad_state",
     "not stored (the server could not save it); please send it again"},
    {CHAT_ERR_PERIOD_TOO_LONG, 400, "bad_request", "the period is longer than 400 days"},
    {CHAT_ERR_REPORTS_BUSY, 503, "bad_state",
     "too many reports are being made; please try again in a few seconds"},
    {CHAT_ERR_REPORT_TOO_LARGE, 413, "too_large",
     "the report would be too large; ask for fewer days or one topic"},
    {CHAT_ERR_NOBODY_ON_DUTY, 409, "nobody_on_duty",
     "nobody is on duty for that topic now (send force: true to transfer anyway)"},
    {CHAT_ERR_NO_LETTERS, 404, "not_found", "no letters for that code"},
    {CHAT_ERR_UNKNOWN_ORG, 404, "not_found", "no such organisation"},
};

static const struct err_row *err_find(int err)
{
    for (unsigned i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
        if (err_table[i].err == err)
            return &err_table[i];
    return &err_table[13]; /* CHAT_ERR_INTERNAL */
}

int chat_err_http(int err)
{
    return err_find(err)->http;
}

const char *chat_err_code(int err)
{
    return err_find(err)->code;
}

const char *chat_err_message(int err)
{
    return err_find(err)->message;
}
