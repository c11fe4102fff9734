/*
 * proto: the wire codec of contract §3, shared by chatd and its tests.
 *
 * proto_decode() turns one text frame into a validated struct proto_req for
 * the connection's role; every field the request type needs is present and
 * within bounds when it returns 0. The encoders build the outbound messages
 * as compact JSON text owned by the caller (free()). No sockets, no clock:
 * times come in as time_t and are formatted in the process's local zone.
 */
#ifndef PROTO_H
#define PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "chat_err.h"

#define PROTO_REF_MAX 64        /* bytes in a request's "ref" */
#define PROTO_TEXT_MAX 4000     /* characters (code points) in a chat message */
#define PROTO_TOPIC_MAX 32      /* bytes in a topic id */
#define PROTO_ID_MAX 64         /* bytes in a chat id, session or token */
#define PROTO_USER_MAX 64       /* bytes in a user name */
#define PROTO_PASSWORD_MAX 1024 /* bytes in a password */
#define PROTO_MAX_TOPICS 32     /* topics in a duty request */
#define PROTO_MAX_DEPTH 4       /* nesting of objects/arrays in a request */

enum proto_role { PROTO_VISITOR, PROTO_WORKER, PROTO_STATUS };

enum proto_type {
    PT_HELLO,
    PT_JOIN,
    PT_MSG,
    PT_TYPING,
    PT_LEAVE,
    PT_FEEDBACK,
    PT_LOGIN,
    PT_DUTY,
    PT_PICK,
    PT_END,
    PT_TRANSFER,
    PT_BLOCK,
    PT_LOGOUT,
    PT_PING, /* addition: answered with pong, for clients behind idle proxies */
};

enum proto_lang { PROTO_LANG_NONE = -1, PROTO_LANG_FI, PROTO_LANG_SV, PROTO_LANG_EN };

/* A decoded request. Strings point into the parsed JSON and live until
 * proto_req_fini(); an absent optional string is NULL. */
struct proto_req {
    enum proto_type type;
    char ref[PROTO_REF_MAX + 1]; /* "" when absent */
    bool has_ref;
    const char *session;  /* hello (optional) */
    enum proto_lang lang; /* hello (optional) */
    const char *topic;    /* join, pick, transfer */
    const char *text;     /* msg */
    const char *chat;     /* worker msg/typing/end/transfer/block, feedback */
    bool on;              /* typing, duty */
    int score;            /* feedback 1..5 */
    int capacity;         /* duty 1..10 */
    int hours;            /* block 1..168 */
    const char *user;     /* login */
    const char *password; /* login */
    const char *token;    /* login */
    size_t ntopics;       /* duty */
    const char *topics[PROTO_MAX_TOPICS];
    json_t *root;
};

/* Decodes one frame for a connection of role into req. Returns 0, or
 * CHAT_ERR_BAD_REQUEST / CHAT_ERR_UNKNOWN_TYPE; req->ref is filled whenever
 * the frame had a usable ref, also on error. Always call proto_req_fini(). */
int proto_decode(enum proto_role role, const char *buf, size_t len, struct proto_req *req);

/* Releases what proto_decode() holds; safe on a zeroed or failed req. */
void proto_req_fini(struct proto_req *req);

/* Number of UTF-8 code points in s (s is valid UTF-8, as jansson guarantees). */
size_t proto_utf8_len(const char *s);

/* Writes now as ISO-8601 local time with offset, e.g. 2026-11-23T14:00:00+02:00. */
void proto_time(time_t t, char out[32]);

/* A JSON time value: the string of proto_time(), or null when t < 0. */
json_t *proto_time_json(time_t t);

/* Serialises obj (adding "ref" when ref is non-empty) and releases obj.
 * Returns malloc'd text, or NULL when out of memory. */
char *proto_dump(json_t *obj, const char *ref);

/* The error frame for err (a negative chat_err); extra (may be NULL) holds
 * added fields such as next_open and is released. */
char *proto_error(int err, const char *ref, json_t *extra);

/* {"type":"ack","seq":seq} with ref; seq 0 is left out. */
char *proto_ack(uint64_t seq, const char *ref);

/* A chat message as sent to either side and kept in history. */
struct proto_msg {
    const char *chat;
    const char *from; /* "visitor" | "worker" */
    const char *text;
    uint64_t seq;
    time_t ts;
};

/* The msg object (without ref), for a history array. */
json_t *proto_msg_json(const struct proto_msg *m);

/* The msg frame of m, the same JSON as proto_msg_json() but written directly
 * (the hot path); malloc'd, NULL when out of memory. */
char *proto_msg_frame(const struct proto_msg *m);

/* The transcript record of m: {"seq","from","ts","text"} (chat is left out;
 * the record is sealed to its chat). Malloc'd, NULL when out of memory. */
char *proto_msg_record(const struct proto_msg *m);

/* One topic's public status (contract §3.3). Times < 0 and waits < 0 are null. */
struct proto_topic_status {
    const char *id;
    const char *title[3]; /* fi, sv, en */
    const char *audience;
    const char *state; /* open | full | closed */
    bool staffed;
    int waiting;
    long estimated_wait_s;
    time_t next_open;
    time_t closes_at;
};

json_t *proto_topic_status_json(const struct proto_topic_status *t);

/* A frame {"type":type} built from a jansson pack format's fields, e.g.
 * proto_frame("queued", ref, "{s:s,s:i}", "topic", id, "position", 3). */
char *proto_frame(const char *type, const char *ref, const char *fmt, ...);

#endif
