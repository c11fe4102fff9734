/*
 * chat_err: one table from error value to wire code and human message.
 */
#include "chat_err.h"

struct err_row {
    int err;
    const char *code;
    const char *message;
};

static const struct err_row err_table[] = {
    {CHAT_OK, "ok", "ok"},
    {CHAT_ERR_BAD_REQUEST, "bad_request", "malformed request"},
    {CHAT_ERR_UNKNOWN_TYPE, "unknown_type", "unknown message type"},
    {CHAT_ERR_BAD_STATE, "bad_state", "not valid in the current state"},
    {CHAT_ERR_UNAUTHORIZED, "unauthorized", "not logged in or wrong credentials"},
    {CHAT_ERR_FORBIDDEN, "forbidden", "not allowed"},
    {CHAT_ERR_RATE_LIMITED, "rate_limited", "too many requests, slow down"},
    {CHAT_ERR_TOO_LARGE, "too_large", "message too large"},
    {CHAT_ERR_CLOSED, "closed", "the chat is closed now"},
    {CHAT_ERR_QUEUE_FULL, "queue_full", "the queue is full"},
    {CHAT_ERR_UNKNOWN_TOPIC, "unknown_topic", "no such topic"},
    {CHAT_ERR_QUEUE_EMPTY, "queue_empty", "nobody is waiting"},
    {CHAT_ERR_BLOCKED, "blocked", "this session is blocked for now"},
    {CHAT_ERR_INTERNAL, "bad_state", "internal error, please try again"},
    {CHAT_ERR_NOMEM, "bad_state", "out of memory"},
    {CHAT_ERR_IO, "bad_state", "input/output error"},
    {CHAT_ERR_NOT_FOUND, "bad_request", "not found"},
    {CHAT_ERR_EXISTS, "bad_request", "already exists"},
    {CHAT_ERR_CRYPTO, "bad_state", "decryption failed (wrong key or passphrase?)"},
};

static const struct err_row *err_find(int err)
{
    for (unsigned i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
        if (err_table[i].err == err)
            return &err_table[i];
    return &err_table[13]; /* CHAT_ERR_INTERNAL */
}

const char *chat_err_code(int err)
{
    return err_find(err)->code;
}

const char *chat_err_message(int err)
{
    return err_find(err)->message;
}
