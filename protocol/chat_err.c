/*
 * chat_err: one table from error value to wire code and human message.
 */
#include "chat_err.h"

struct err_row {
    int err;
    const char *code;
    const char *message;
    int http;
};

static const struct err_row err_table[] = {
    {CHAT_OK, "ok", "ok", 200},
    {CHAT_ERR_BAD_REQUEST, "bad_request", "malformed request", 400},
    {CHAT_ERR_UNKNOWN_TYPE, "unknown_type", "unknown message type", 400},
    {CHAT_ERR_BAD_STATE, "bad_state", "not valid in the current state", 409},
    {CHAT_ERR_UNAUTHORIZED, "unauthorized", "not logged in or wrong credentials", 401},
    {CHAT_ERR_FORBIDDEN, "forbidden", "not allowed", 403},
    {CHAT_ERR_RATE_LIMITED, "rate_limited", "too many requests, slow down", 429},
    {CHAT_ERR_TOO_LARGE, "too_large", "message too large", 413},
    {CHAT_ERR_CLOSED, "closed", "the chat is closed now", 409},
    {CHAT_ERR_QUEUE_FULL, "queue_full", "the queue is full", 409},
    {CHAT_ERR_UNKNOWN_TOPIC, "unknown_topic", "no such topic", 400},
    {CHAT_ERR_QUEUE_EMPTY, "queue_empty", "nobody is waiting", 409},
    {CHAT_ERR_BLOCKED, "blocked", "this session is blocked for now", 403},
    {CHAT_ERR_INTERNAL, "bad_state", "internal error, please try again", 500},
    {CHAT_ERR_NOMEM, "bad_state", "out of memory", 500},
    {CHAT_ERR_IO, "bad_state", "input/output error", 500},
    {CHAT_ERR_NOT_FOUND, "bad_request", "not found", 404},
    {CHAT_ERR_EXISTS, "bad_request", "already exists", 409},
    {CHAT_ERR_CRYPTO, "bad_state", "decryption failed (wrong key or passphrase?)", 500},
    {CHAT_ERR_BUSY, "bad_state", "the database is busy, please try again", 503},
    {CHAT_ERR_FULL, "bad_state", "the disk is full", 503},
    {CHAT_ERR_NOT_STORED, "bad_state",
     "not stored (the server could not save it); please send it again", 503},
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
