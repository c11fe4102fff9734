/*
 * proto: the wire codec of contract §3, shared by chatd and its tests.
 *
 * Its jobs, one file each: proto_decode.c turns one text frame into a
 * validated struct proto_req for the connection's role (every field the
 * request type needs is present and within bounds when it returns 0);
 * proto_encode.c builds every outbound frame and HTTP body as text owned by
 * the caller (free()), over the JSON writer of proto_json.c; proto_names.c
 * holds the closed sets of names both sides share, and the language table.
 * No sockets, no clock, no state that changes: times come in as time_t and
 * are formatted in the process's local zone; the languages come in as a
 * struct proto_langs the caller builds once.
 */
#ifndef PROTO_H
#define PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "chat_err.h"
#include "proto_letters.h"

#define PROTO_REF_MAX 64             /* bytes in a request's "ref" */
#define PROTO_TEXT_MAX 4000          /* characters (code points) in a chat message */
#define PROTO_TOPIC_MAX 32           /* bytes in a topic id */
#define PROTO_ID_MAX 64              /* bytes in a chat id, session or token */
#define PROTO_USER_MAX 64            /* bytes in a user name */
#define PROTO_PASSWORD_MAX 1024      /* bytes in a password */
#define PROTO_MAX_TOPICS 32          /* topics in a duty request */
#define PROTO_MAX_DEPTH 4            /* nesting of objects/arrays in a request */
#define PROTO_MAX_ANSWERS 16         /* answers in a join (one per question) */
#define PROTO_MAX_QUESTION_ANSWERS 8 /* answers a question offers */
#define PROTO_CHOICE_MAX 32          /* bytes in a question, answer, category or kind id */
#define PROTO_MAX_LANGS 64           /* languages in a duty request */
#define PROTO_LANG_MAX 15            /* bytes in a language code */
#define PROTO_NOTE_MAX 200           /* characters in an alert's note */
#define PROTO_MAX_CATEGORIES 32      /* categories in a wrapup */
#define PROTO_ALERT_ID_MAX 64        /* bytes in an alert id (alert_take, alert_close) */

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
    /* contract v2 */
    PT_FLAG,
    PT_BOARD,
    PT_MONITOR,
    PT_WHISPER,
    PT_JOIN_CHAT,
    PT_ALERT,
    PT_WRAPUP,
    /* contract v3 §2 */
    PT_ALERT_TAKE,
    PT_ALERT_CLOSE,
    PT_SHIFTS, /* contract v3 §7: the rota's published shifts */
    PT_SHIFT_TAKE,
    PT_SHIFT_DROP,
    /* contract v3 §3: letters */
    PT_LETTER_SEND,
    PT_LETTER_PICKUP,
    PT_LETTERS_KEY,
    PT_LETTERS,
    PT_LETTER_TAKE,
    PT_LETTER_RELEASE,
    PT_LETTER_ANSWER,
};

/* The languages hello.lang and duty.langs accept, in the order of their
 * bits (duty.langs, bit i = code[i]): fi, sv, en (the contract's), then the
 * pages' others. Built once by the caller with proto_langs_init() and only
 * read after that; the decoder and the encoders that name languages take it
 * as a parameter. */
struct proto_langs {
    size_t n;
    char code[PROTO_MAX_LANGS][PROTO_LANG_MAX + 1];
};
/* The initialiser of a table of the contract's three: fi, sv, en. */
#define PROTO_LANGS_BASE                                                                           \
    {                                                                                              \
        3,                                                                                         \
        {                                                                                          \
            "fi", "sv", "en"                                                                       \
        }                                                                                          \
    }
/* fi, sv, en: the table when the pages add none. */
extern const struct proto_langs proto_langs_base;
/* Fills l with fi, sv, en and then each of codes[0..n) that is not among
 * them yet, in order; a code longer than PROTO_LANG_MAX or beyond
 * PROTO_MAX_LANGS is left out. Returns how many were left out. */
size_t proto_langs_init(struct proto_langs *l, const char *const *codes, size_t n);
/* The index of code in l, or -1 (also for NULL). */
int proto_langs_index(const struct proto_langs *l, const char *code);
/* The code of index i in l; "en" when i is out of range. */
const char *proto_langs_code(const struct proto_langs *l, int i);

/* The wrap-up kinds (contract v2 §4), in this order everywhere. */
enum proto_kind {
    PROTO_KIND_COUNSELLING,
    PROTO_KIND_INFORMATION,
    PROTO_KIND_SILENT,
    PROTO_KIND_TEST,
    PROTO_KIND_PRANK,
    PROTO_KIND_ABUSIVE,
    PROTO_KIND_COUNT
};
/* "counselling" ... "abusive", or -1 for another word. */
const char *proto_kind_name(enum proto_kind k);
int proto_kind_parse(const char *s);

/* feedback.helped: yes / somewhat / no. */
enum proto_helped {
    PROTO_HELPED_NONE = -1,
    PROTO_HELPED_YES,
    PROTO_HELPED_SOMEWHAT,
    PROTO_HELPED_NO
};

/* A decoded request. Strings point into the parsed JSON and live until
 * proto_req_fini(); an absent optional string is NULL. */
struct proto_req {
    enum proto_role role; /* of the connection it came from */
    enum proto_type type;
    const char *session;  /* hello (optional) */
    const char *topic;    /* join, pick, transfer */
    const char *text;     /* msg */
    const char *chat;     /* worker msg/typing/end/transfer/block, feedback */
    const char *user;     /* login */
    const char *password; /* login */
    const char *token;    /* login */
    const char *note;     /* alert (optional) */
    const char *alert;    /* alert_take, alert_close: the alert's id */
    const char *from;     /* shifts (optional): YYYY-MM-DD */
    const char *to;       /* shifts (optional): YYYY-MM-DD */
    int shift;            /* shift_take, shift_drop: the shift's id */
    /* letters (contract v3 §3): each base64url field checked to its size */
    const char *pickup;           /* letter_send, letter_pickup */
    const char *reply_pub;        /* letter_send (optional with a known pickup) */
    const char *thread;           /* letter_take, letter_release, letter_answer */
    struct proto_box letter, own; /* letter_send (own: optional with a known pickup) */
    struct proto_box reply, copy; /* letter_answer */
    struct proto_wrap reply_key;  /* letter_send, when has_reply_key */
    bool has_reply_key;
    bool letters_all; /* letters {state: "all"}; default open */
    size_t ntopics;   /* duty */
    const char *topics[PROTO_MAX_TOPICS];
    size_t nanswers; /* join: answers {question: answer} (optional) */
    const char *answer_q[PROTO_MAX_ANSWERS];
    const char *answer_a[PROTO_MAX_ANSWERS];
    size_t ncategories; /* wrapup */
    const char *categories[PROTO_MAX_CATEGORIES];
    uint64_t langs; /* duty: bit i = the decoder's langs->code[i] */
    json_t *root;
    const struct proto_langs *lang_table; /* the decoder's: what lang and langs index */
    int lang;     /* hello, letter_send (optional): index in the decoder's langs, or -1 */
    int score;    /* feedback 1..5, 0 when not given */
    int capacity; /* duty 1..10 */
    int hours;    /* block 1..168 */
    int kind;     /* wrapup: enum proto_kind */
    int helped;   /* feedback (optional): enum proto_helped */
    int again;    /* feedback (optional): 1 yes, 0 no, -1 not said */
    bool has_ref;
    bool on;                     /* typing, duty */
    bool this_only;              /* logout {"scope":"this"}: only this connection's token */
    bool has_langs;              /* duty: langs given */
    bool urgent;                 /* flag */
    bool force;                  /* transfer: also into a topic nobody is on duty for */
    bool quick;                  /* leave: the page's quick exit */
    char ref[PROTO_REF_MAX + 1]; /* "" when absent */
};

/* Decodes one frame for a connection of role into req; hello.lang and
 * duty.langs must be among langs. Returns 0, or CHAT_ERR_BAD_REQUEST /
 * CHAT_ERR_UNKNOWN_TYPE; req->ref is filled whenever the frame had a usable
 * ref, also on error. Always call proto_req_fini(). */
int proto_decode(const struct proto_langs *langs, enum proto_role role, const char *buf, size_t len,
                 struct proto_req *req);

/* Releases what proto_decode() holds, wiping a login's password and token
 * first; safe on a zeroed or failed req. */
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
    const char *from; /* "visitor" | "worker" | "supervisor" (a whisper, worker side only) */
    const char *text;
    uint64_t seq;
    time_t ts;
    const char *alias; /* the writer's alias on the worker side, or NULL */
};

/* The msg object (without ref), for a history array. */
json_t *proto_msg_json(const struct proto_msg *m);

/* The msg frame of m, the same JSON as proto_msg_json() but written directly
 * (the hot path); malloc'd, NULL when out of memory. */
char *proto_msg_frame(const struct proto_msg *m);

/* The transcript record of m: {"seq","from","ts","text"} (chat is left out;
 * the record is sealed to its chat). Malloc'd, NULL when out of memory. */
char *proto_msg_record(const struct proto_msg *m);

/* Names of the small closed sets the wire carries, one table each. */

/* A console user's role (contract §3.2), also stored in users.role. */
enum proto_staff_role { PROTO_ROLE_WORKER, PROTO_ROLE_COORDINATOR, PROTO_ROLE_ADMIN };
/* "worker" | "coordinator" | "admin". */
const char *proto_staff_role_name(enum proto_staff_role r);
/* The role named s, or -1. */
int proto_staff_role_parse(const char *s);

/* A topic's public state (contract §3.3). */
enum proto_topic_state { PROTO_TOPIC_OPEN, PROTO_TOPIC_FULL, PROTO_TOPIC_CLOSED };
/* "open" | "full" | "closed". */
const char *proto_topic_state_name(enum proto_topic_state s);

/* A visitor session's state: welcome.state on the wire and, as its number,
 * the state of a row kept for a restart (idle sessions have no row). */
enum proto_visitor_state { PROTO_VISITOR_IDLE, PROTO_VISITOR_QUEUED, PROTO_VISITOR_CHATTING };
/* "idle" | "queued" | "chatting". */
const char *proto_visitor_state_name(enum proto_visitor_state s);

/* Who or what ended (a part of) a chat: chat_ended.by. */
enum proto_end_by {
    PROTO_BY_VISITOR,
    PROTO_BY_WORKER,
    PROTO_BY_TIMEOUT,
    PROTO_BY_SERVER,
    PROTO_BY_TRANSFER
};
/* "visitor" | "worker" | "timeout" | "server" | "transfer". */
const char *proto_end_by_name(enum proto_end_by b);

/* Why a topic inside its hours takes no joins (contract v3 §1): queue_max
 * reached, or past the join cut-off (joins_until). */
enum proto_full_reason { PROTO_FULL_NONE, PROTO_FULL_QUEUE, PROTO_FULL_CUTOFF };
/* "queue" | "cutoff" (NULL for PROTO_FULL_NONE). */
const char *proto_full_reason_name(enum proto_full_reason r);

/* One topic's public status (contract §3.3). Times < 0 and waits < 0 are null. */
struct proto_topic_status {
    const char *id;
    const char *title[3]; /* fi, sv, en */
    const char *audience;
    long estimated_wait_s;
    time_t next_open;
    time_t closes_at;
    time_t joins_until;                     /* contract v3 §1: closes_at minus join_cutoff_min */
    const struct proto_question *questions; /* visitor welcome only; NULL: none sent */
    size_t nquestions;
    enum proto_topic_state state;
    enum proto_full_reason full_reason; /* with state full; else PROTO_FULL_NONE (left out) */
    int waiting;
    bool staffed;
    bool answering;     /* a worker on duty for it has a free slot now (contract v2 §1) */
    bool letters_known; /* visitor welcome: "letters" and "letter_days" (contract v3 §3) */
    bool letters;
    int letter_days;
    const char *letters_pub; /* visitor welcome: the key of the topic's org (contract v3 §4) */
    const char *org;         /* contract v3 §4: the topic's org id; NULL: left out */
};

/* An organisation as the public pages name it (contract v3 §4):
 * {"id", "name": {fi, sv, en}}. */
struct proto_org {
    const char *id;
    const char *name[3];
};

/* A pre-chat question as a visitor's welcome carries it; the worker's
 * welcome and /api/stats add the topics where it is asked. */
struct proto_question {
    const char *id;
    const char *text[3]; /* fi, sv, en */
    size_t nanswers;
    const char *answer_id[PROTO_MAX_QUESTION_ANSWERS];
    const char *answer_label[PROTO_MAX_QUESTION_ANSWERS][3];
    size_t ntopics; /* 0: "topics" left out */
    const char *topics[PROTO_MAX_TOPICS];
};

json_t *proto_topic_status_json(const struct proto_topic_status *t);

/* The array [{"id","text","answers"[,"topics"]}] of n questions. */
json_t *proto_questions_json(const struct proto_question *q, size_t n);

/* The array [{"id","label"}] of n categories. */
struct proto_category;
json_t *proto_categories_json(const struct proto_category *c, size_t n);

/* ---- typed encoders: every frame the server sends -------------------------
 *
 * Each returns malloc'd compact JSON text, or NULL when out of memory; ref
 * (NULL or "" for none) is copied into the frame as "ref". */

/* {"type":"status","generated","topics"} (status.v1), and the same object
 * without "type" as the body of GET /api/status. */
char *proto_status(time_t generated, const struct proto_topic_status *t, size_t n);
char *proto_status_body(time_t generated, const struct proto_topic_status *t, size_t n);
/* The same with "orgs": [{id, name}] of the norgs orgs (0: left out). */
char *proto_status_orgs(time_t generated, const struct proto_topic_status *t, size_t n,
                        const struct proto_org *orgs, size_t norgs);
char *proto_status_body_orgs(time_t generated, const struct proto_topic_status *t, size_t n,
                             const struct proto_org *orgs, size_t norgs);

/* visitor welcome {"session","resumed","state","topics","help","letters_pub"?,"orgs"?}. */
struct proto_welcome_visitor {
    const char *session;
    bool resumed;
    enum proto_visitor_state state;
    const struct proto_topic_status *topics;
    size_t ntopics;
    const char *help[3];          /* [help] text_fi, text_sv, text_en ("" when unset) */
    const char *letters_pub;      /* contract v3 §3: the key letters are sealed to; NULL: none */
    const struct proto_org *orgs; /* contract v3 §4: the orgs of the topics (norgs 0: left out) */
    size_t norgs;
};
char *proto_welcome_visitor(const struct proto_welcome_visitor *w, const char *ref);

/* One language's canned replies (contract v3 §2). */
struct proto_canned_lang {
    const char *lang;
    const char *const *texts;
    size_t n;
};

/* worker welcome {"user","alias","role","token","canned","canned_langs"}. */
/* A wrap-up category: {"id", "label": {fi, sv, en}}. */
struct proto_category {
    const char *id;
    const char *label[3];
};

struct proto_welcome_worker {
    const char *user;
    const char *alias;
    enum proto_staff_role role;
    const char *token;
    const char *const *canned; /* the [canned] list: every language's fallback */
    size_t ncanned;
    /* contract v3 §2: "canned_langs" {code: [text]}, the lists of
     * [canned.CODE] sections (ncanned_langs 0: an empty object) */
    const struct proto_canned_lang *canned_langs;
    size_t ncanned_langs;
    const struct proto_category *categories; /* contract v2 §4 */
    size_t ncategories;
    const struct proto_question *questions; /* every question, with its topics */
    size_t nquestions;
    const struct proto_langs *langs; /* "langs": every code of it (NULL: proto_langs_base) */
    /* contract v3 §4: "orgs", the ids of the worker's orgs (every org for a
     * federation admin); norgs 0: left out (a config without [org]) */
    const char *const *orgs;
    size_t norgs;
};
char *proto_welcome_worker(const struct proto_welcome_worker *w, const char *ref);

/* {"type":"queued","topic","position","estimated_wait_s","waited_s",
 * "staffed","closes_at","next_open"} (wait < 0, times < 0: null). */
struct proto_queued {
    const char *topic;
    int position;
    long estimated_wait_s; /* the remaining wait (status.h) */
    long waited_s;         /* since the join (or the transfer) */
    time_t closes_at;      /* the topic's closing today, while open */
    time_t next_open;      /* when closed: its next opening */
    bool staffed;          /* somebody is on duty for the topic */
};
char *proto_queued(const struct proto_queued *q, const char *ref);

/* {"type":"duty","on","topics","capacity","langs"}. */
struct proto_duty {
    bool on;
    const char *const *topics;
    size_t ntopics;
    int capacity;
    uint64_t langs;                  /* bit i = names->code[i] */
    const struct proto_langs *names; /* NULL: proto_langs_base */
};
char *proto_duty(const struct proto_duty *d, const char *ref);

/* One topic of queue_state: {"id","waiting","urgent_waiting",
 * "longest_wait_s","open","mode","state","on_duty"}. */
struct proto_queue_topic {
    const char *id;
    const char *mode; /* "auto" | "pick" */
    long longest_wait_s;
    int waiting;
    int urgent_waiting; /* contract v2 §2 */
    int on_duty;        /* connected workers on duty for it (contract v3 §1) */
    enum proto_topic_state state;
    bool open;
};
/* {"type":"queue_state","topics":[t...],"others":[o...]}: the worker's duty
 * topics, then every other topic (transfer targets, waits nobody serves). */
char *proto_queue_state(const struct proto_queue_topic *t, size_t n,
                        const struct proto_queue_topic *o, size_t no);

/* Waits of another org's topic that a worker could answer now by overflow
 * (contract v3 §4): how many, how many urgent, the longest. */
struct proto_overflow_wait {
    const char *topic;
    const char *org;
    int waiting;
    int urgent_waiting;
    long longest_wait_s;
};
/* queue_state as above with "overflow_waiting": [{"topic","org","waiting",
 * "urgent_waiting","longest_wait_s"}...] (also when empty). */
char *proto_queue_state_overflow(const struct proto_queue_topic *t, size_t n,
                                 const struct proto_queue_topic *o, size_t no,
                                 const struct proto_overflow_wait *ow, size_t now);

/* chat_started, to either side. The visitor's names the worker by alias;
 * the worker's carries audience, waited_s and visitor_away. */
struct proto_chat_started {
    const char *chat;
    const char *topic;
    const struct proto_msg *history;
    size_t nhistory;
    const char *worker;   /* visitor side */
    const char *audience; /* worker side ... */
    long waited_s;
    size_t nanswers; /* contract v2 §2: the visitor's answers {question: answer} */
    const char *answer_q[PROTO_MAX_ANSWERS];
    const char *answer_a[PROTO_MAX_ANSWERS];
    const char *lang; /* the visitor's language (an addition) */
    /* contract v3 §2, worker side: the chat's label (NULL: left out), and
     * the canned replies of the chat's language (has_canned: "canned" is
     * written, also when empty) */
    const char *label;
    /* contract v3 §4, worker side: the visitor's org (NULL: left out) and
     * whether the worker answers it as a partner org (overflow) */
    const char *org;
    bool overflow;
    const char *const *canned;
    size_t ncanned;
    /* who follows the chat ("monitored_by", written when has_monitored_by),
     * so a console opened later knows what `monitored` said */
    const char *monitored_by[16];
    size_t nmonitored_by;
    bool visitor_away;
    bool urgent;
    bool monitoring; /* a supervisor's read-only view (contract v2 §3) */
    bool has_canned;
    bool has_monitored_by;
};
char *proto_chat_started_visitor(const struct proto_chat_started *s, const char *ref);
char *proto_chat_started_worker(const struct proto_chat_started *s, const char *ref);

/* {"type":"chat_ended","chat","by"}; quick adds "quick": true (the
 * visitor left with the page's quick exit, contract v3 §1). */
char *proto_chat_ended(const char *chat, enum proto_end_by by, const char *ref);
char *proto_chat_ended_quick(const char *chat, enum proto_end_by by, bool quick, const char *ref);

/* {"type":"typing","chat","from","on"}. */
char *proto_typing(const char *chat, const char *from, bool on);

/* {"type":"visitor_away"} or, when back, {"type":"visitor_back"}, with "chat". */
char *proto_visitor_presence(const char *chat, bool back);

/* A frame that is only its type (and ref): "left", "pong", "logged_out". */
char *proto_bare(const char *type, const char *ref);

/* ---- contract v2 §3: the board ---- */

struct proto_board_topic {
    const char *id;
    bool open, staffed;
    int waiting, urgent_waiting;
    time_t oldest_join; /* -1: nobody waits */
};

struct proto_board_worker {
    const char *alias;
    bool on_duty, connected;
    const char *topics[32];
    size_t ntopics;
    int capacity, chats;
    int wrapups;       /* an addition: slots held for wrap-ups */
    time_t idle_since; /* -1: not idle */
};

struct proto_board_chat {
    const char *chat, *topic, *worker;                 /* worker: alias, "" while it waits again */
    const char *label;                                 /* contract v3 §2 */
    const char *lang;                                  /* the visitor's language, or NULL (null) */
    time_t started, last_visitor_msg, last_worker_msg; /* -1: none */
    bool urgent, visitor_away;
    const char *monitors[8]; /* aliases */
    size_t nmonitors;
};

/* An alert (contract v3 §2). */
struct proto_alert {
    const char *alert; /* its id */
    const char *chat, *label, *topic;
    const char *worker;   /* alias */
    const char *kind;     /* "worker" | "no_first_reply" */
    const char *note;     /* NULL: null */
    const char *taken_by; /* alias, NULL: null */
    time_t at;
};

struct proto_board {
    const struct proto_board_topic *topics;
    size_t ntopics;
    const struct proto_board_worker *workers;
    size_t nworkers;
    const struct proto_board_chat *chats;
    size_t nchats;
    const struct proto_alert *alerts; /* the open ones (contract v3 §2) */
    size_t nalerts;
};

/* {"type":"board","topics","workers","chats","alerts"}. */
char *proto_board(const struct proto_board *b, const char *ref);

/* {"type":"whisper","chat","from","text","ts"}. */
char *proto_whisper(const char *chat, const char *from, const char *text, time_t ts);

/* The alert object {"alert","chat","label","topic","worker","kind","note",
 * "at","taken_by"} (board.alerts[]). */
json_t *proto_alert_json(const struct proto_alert *a);

/* {"type":"alert", the alert object, "ts"} ("ts": "at" again, as v2 named it). */
char *proto_alert(const struct proto_alert *a);

/* {"type":"alert_taken","alert","chat","label","by"}: to the alert's worker. */
char *proto_alert_taken(const struct proto_alert *a, const char *by);

/* {"type":"alert_closed","alert","chat","label","by","reason"}: by is the
 * supervisor's alias (NULL: null, the chat ended), reason "closed" |
 * "chat_ended". */
char *proto_alert_closed(const struct proto_alert *a, const char *by, const char *reason);

/* {"type":"monitored","chat","label","by":[alias]}: who follows a chat. */
char *proto_monitored(const char *chat, const char *label, const char *const *by, size_t n);

/* {"type":"flag","chat","urgent"}: a chat's urgency, to its worker's tabs. */
char *proto_flag(const char *chat, bool urgent);

/* {"type":"wrapup","chat","label","until"} (label: contract v3 §2). */
char *proto_wrapup(const char *chat, const char *label, time_t until);

/* An ack carrying one more integer field (e.g. "supervisors"). */
char *proto_ack_with(const char *key, long value, const char *ref);

/* {"type":"ack","supervisors","alert"}: the answer to a worker's alert
 * (contract v3 §2: the alert's id beside v2's count). */
char *proto_ack_alert(long supervisors, const char *alert, const char *ref);

/* error "closed" with next_open (a time, or null when t < 0). */
char *proto_error_closed(time_t next_open, const char *ref);

/* error "queue_full" with "reason" (queue / cutoff), "joins_until" and
 * "next_open" (after the cut-off: when it opens again; times, or null when
 * < 0). */
char *proto_error_full(enum proto_full_reason reason, time_t joins_until, time_t next_open,
                       const char *ref);

/* ---- HTTP bodies: the JSON (and the one image) GET routes answer ------- */

/* One hour of the week in GET /api/status/week (one with enough joins). */
struct proto_week_hour {
    int dow;               /* 1 Monday .. 7 Sunday */
    int hour;              /* 0..23 */
    double answered_share; /* written at most 1, rounded to three decimals */
    long typical_wait_s;   /* < 0: null */
};

struct proto_week {
    const char *topic;
    const char *from, *to; /* YYYY-MM-DD: the first and the last day counted */
    const struct proto_week_hour *hours;
    size_t nhours;
};

/* {"topic","from","to","hours":[{"dow","hour","answered_share","typical_wait_s"}]}. */
char *proto_status_week_body(const struct proto_week *w);

/* One row of the staffing plan (contract v2 §6). Numbers are written as
 * given (the caller rounds them, as its CSV does); where said, a value < 0
 * is null. */
struct proto_plan_row {
    const char *topic;
    int dow, hour;
    long weeks;
    double arrivals_per_h, handle_s, patience_s, slots_had;
    double answered_share;           /* < 0: null */
    long slots_needed;               /* < 0: null */
    double answered_share_at_needed; /* < 0: null */
    double wait_share_at_needed;     /* < 0: null */
    double gain_per_slot;
    bool has_gain; /* false: gain_per_slot is null */
    bool thin;
    int slots_proposed; /* with redistribute only; < 0: null */
    bool open;          /* the topic was open in this hour of the week in the period */
    bool short_;        /* "short": needs more slots than it had (plan_short) */
};

/* One org's figures of the pooled plan (plan_report_pool). */
struct proto_plan_org {
    const char *org;
    double now, pooled;
};

struct proto_plan {
    double target_wait_s, target_share;
    const struct proto_plan_row *rows;
    size_t nrows;
    bool redistribute; /* rows carry slots_proposed; answered_per_week is added */
    double answered_now, answered_redistributed, answered_planned;
    double answered_observed; /* what the period's statistics say was answered a week */
    bool pooled;              /* answered_per_week gains "pooled" and "orgs" */
    double answered_pooled;   /* every org's topics of one audience as one queue */
    const struct proto_plan_org *orgs;
    size_t norgs;
};

/* GET /api/plan and `chatadmin plan --format json`: {"target": {"wait_s",
 * "share"}, "hours": [row...] [, "answered_per_week": {"now",
 * "redistributed", "planned", "observed"}]}; each row ends with "open" and
 * "short". With pooled alone answered_per_week is {"now", "observed",
 * "pooled", "orgs": [{"org", "now", "pooled"}]}; with both, all of them. */
char *proto_plan_body(const struct proto_plan *p);

/* The members "questions":[...],"categories":[...] (no braces) that GET
 * /api/stats carries after its counters, so the page can label them. */
char *proto_stats_labels(const struct proto_question *q, size_t nq, const struct proto_category *c,
                         size_t nc);

/* The body of a refused HTTP request: {"error": "unauthorized" |
 * "forbidden" | "bad_request" | "too_large" | "busy" | "internal", by the
 * HTTP status of err, "message": chat_err_message(err)}. */
char *proto_http_error(int err);
/* The same with why (NULL: the code's message) as its message. */
char *proto_http_error_why(int err, const char *why);

/* One language of GET /api/langs. */
struct proto_lang_info {
    const char *code, *name, *dir; /* dir: "ltr" | "rtl" */
};

/* GET /api/langs: {"langs":[{"code","name","dir"}, ...]} in this order. */
char *proto_langs_body(const struct proto_lang_info *l, size_t n);

/* GET /api/words: {"lang","words":{keys[i]: texts[i], ...}} in this order. */
char *proto_words_body(const char *lang, const char *const *keys, const char *const *texts,
                       size_t n);

/* GET /api/status/badge.svg: text (UTF-8; XML-escaped here, it comes from
 * operator-edited files) in white on a rounded box of colour fill. */
char *proto_badge_svg(const char *text, const char *fill);

#endif
