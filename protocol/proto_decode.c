/*
 * proto_decode: bytes to typed requests (contract §3).
 *
 * Decoding is table-driven: each request type names the role that may send
 * it and a validator for its fields. Everything is checked here, once, so
 * the daemon's core only ever sees well-formed, bounded requests: nesting is
 * limited before the parser runs, strings are bounded and free of NUL,
 * numbers are in range, and languages are among the caller's table. A
 * login's secrets are wiped from the parsed JSON when the request is
 * released.
 */
#include "proto.h"

#include <string.h>

typedef int (*proto_check_fn)(json_t *root, struct proto_req *req);

struct request_kind {
    const char *name;
    enum proto_type type;
    enum proto_role role;
    proto_check_fn check;
};

size_t proto_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* A required (or optional) string field of at most max bytes, 1 or more. */
static int get_str(json_t *root, const char *key, size_t max, bool required, const char **out)
{
    json_t *v = json_object_get(root, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? CHAT_ERR_BAD_REQUEST : 0;
    if (!json_is_string(v))
        return CHAT_ERR_BAD_REQUEST;
    size_t len = json_string_length(v);
    const char *s = json_string_value(v);
    if (len == 0 || len > max || strlen(s) != len) /* no empty, over-long or NUL-bearing */
        return CHAT_ERR_BAD_REQUEST;
    *out = s;
    return 0;
}

static int get_int(json_t *root, const char *key, int lo, int hi, int *out)
{
    json_t *v = json_object_get(root, key);
    if (!json_is_integer(v))
        return CHAT_ERR_BAD_REQUEST;
    json_int_t i = json_integer_value(v);
    if (i < lo || i > hi)
        return CHAT_ERR_BAD_REQUEST;
    *out = (int)i;
    return 0;
}

static int get_bool(json_t *root, const char *key, bool *out)
{
    json_t *v = json_object_get(root, key);
    if (!json_is_boolean(v))
        return CHAT_ERR_BAD_REQUEST;
    *out = json_is_true(v);
    return 0;
}

/* An optional boolean: absent or null is false. */
static int get_opt_bool(json_t *root, const char *key, bool *out)
{
    json_t *v = json_object_get(root, key);
    *out = false;
    return !v || json_is_null(v) ? 0 : get_bool(root, key, out);
}

static int check_none(json_t *root, struct proto_req *req)
{
    (void)root;
    (void)req;
    return 0;
}

/* An optional "lang": its index in the language table (-1 when absent);
 * a code the table does not have is bad_request. */
static int get_lang(json_t *root, struct proto_req *req)
{
    const char *lang;
    int rc = get_str(root, "lang", PROTO_LANG_MAX, false, &lang);
    if (rc != 0)
        return rc;
    req->lang = lang ? proto_langs_index(req->lang_table, lang) : -1;
    return lang && req->lang < 0 ? CHAT_ERR_BAD_REQUEST : 0;
}

static int check_hello(json_t *root, struct proto_req *req)
{
    int rc = get_str(root, "session", PROTO_ID_MAX, false, &req->session);
    return rc ? rc : get_lang(root, req);
}

static int check_topic(json_t *root, struct proto_req *req)
{
    return get_str(root, "topic", PROTO_TOPIC_MAX, true, &req->topic);
}

/* An id of a question, answer, category or kind: 1..PROTO_CHOICE_MAX bytes. */
static bool choice_ok(json_t *v)
{
    return json_is_string(v) && json_string_length(v) >= 1 &&
           json_string_length(v) <= PROTO_CHOICE_MAX &&
           strlen(json_string_value(v)) == json_string_length(v);
}

/* join {topic, answers?: {question: answer}} */
static int check_join(json_t *root, struct proto_req *req)
{
    int rc = check_topic(root, req);
    json_t *answers = json_object_get(root, "answers");
    const char *q;
    json_t *a;
    if (rc != 0 || !answers || json_is_null(answers))
        return rc;
    if (!json_is_object(answers) || json_object_size(answers) > PROTO_MAX_ANSWERS)
        return CHAT_ERR_BAD_REQUEST;
    json_object_foreach(answers, q, a)
    {
        if (!choice_ok(a) || strlen(q) < 1 || strlen(q) > PROTO_CHOICE_MAX)
            return CHAT_ERR_BAD_REQUEST;
        req->answer_q[req->nanswers] = q;
        req->answer_a[req->nanswers++] = json_string_value(a);
    }
    return 0;
}

static int check_text(json_t *root, struct proto_req *req)
{
    int rc = get_str(root, "text", (size_t)PROTO_TEXT_MAX * 4, true, &req->text);
    if (rc == 0 && proto_utf8_len(req->text) > PROTO_TEXT_MAX)
        rc = CHAT_ERR_BAD_REQUEST;
    return rc;
}

static int check_chat(json_t *root, struct proto_req *req)
{
    return get_str(root, "chat", PROTO_ID_MAX, true, &req->chat);
}

static int check_visitor_typing(json_t *root, struct proto_req *req)
{
    return get_bool(root, "on", &req->on);
}

/* feedback {chat, score?: 1..5, helped?: yes|somewhat|no, again?: bool}: at
 * least one of the three (score was required in v1; v2 adds the others). */
static int check_feedback(json_t *root, struct proto_req *req)
{
    static const char *const helped[] = {"yes", "somewhat", "no"};
    const char *h;
    json_t *again = json_object_get(root, "again");
    int rc = check_chat(root, req);
    req->helped = PROTO_HELPED_NONE;
    req->again = -1;
    if (rc == 0 && json_object_get(root, "score"))
        rc = get_int(root, "score", 1, 5, &req->score);
    if (rc == 0)
        rc = get_str(root, "helped", 8, false, &h);
    if (rc != 0)
        return rc;
    for (int i = 0; h && i < 3; i++)
        if (strcmp(h, helped[i]) == 0)
            req->helped = i;
    if (h && req->helped == PROTO_HELPED_NONE)
        return CHAT_ERR_BAD_REQUEST;
    if (again && !json_is_null(again)) {
        if (!json_is_boolean(again))
            return CHAT_ERR_BAD_REQUEST;
        req->again = json_is_true(again);
    }
    return req->score || req->helped != PROTO_HELPED_NONE || req->again >= 0 ? 0
                                                                             : CHAT_ERR_BAD_REQUEST;
}

static int check_login(json_t *root, struct proto_req *req)
{
    int rc = get_str(root, "token", PROTO_ID_MAX, false, &req->token);
    if (rc != 0 || req->token)
        return rc;
    rc = get_str(root, "user", PROTO_USER_MAX, true, &req->user);
    return rc ? rc : get_str(root, "password", PROTO_PASSWORD_MAX, true, &req->password);
}

/* duty.langs (contract v2 §1): the languages a worker answers in, each one
 * of the pages'; absent = every one. */
static int check_langs(json_t *root, struct proto_req *req)
{
    json_t *langs = json_object_get(root, "langs"), *l;
    size_t i;
    if (!langs || json_is_null(langs))
        return 0;
    if (!json_is_array(langs) || json_array_size(langs) == 0 ||
        json_array_size(langs) > PROTO_MAX_LANGS)
        return CHAT_ERR_BAD_REQUEST;
    json_array_foreach(langs, i, l)
    {
        int k = json_is_string(l) ? proto_langs_index(req->lang_table, json_string_value(l)) : -1;
        if (k < 0)
            return CHAT_ERR_BAD_REQUEST;
        req->langs |= 1ull << k;
    }
    req->has_langs = true;
    return 0;
}

static int check_duty(json_t *root, struct proto_req *req)
{
    int rc = get_bool(root, "on", &req->on);
    if (rc != 0)
        return rc;
    json_t *topics = json_object_get(root, "topics");
    json_t *cap = json_object_get(root, "capacity");
    if (!req->on && !topics && !cap)
        return 0; /* going off duty needs nothing else */
    rc = get_int(root, "capacity", 1, 10, &req->capacity);
    if (rc != 0 || !json_is_array(topics))
        return CHAT_ERR_BAD_REQUEST;
    size_t n = json_array_size(topics);
    if (n == 0 || n > PROTO_MAX_TOPICS)
        return CHAT_ERR_BAD_REQUEST;
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(topics, i);
        if (!json_is_string(t) || json_string_length(t) == 0 ||
            json_string_length(t) > PROTO_TOPIC_MAX)
            return CHAT_ERR_BAD_REQUEST;
        req->topics[i] = json_string_value(t);
    }
    req->ntopics = n;
    return check_langs(root, req);
}

static int check_worker_msg(json_t *root, struct proto_req *req)
{
    int rc = check_chat(root, req);
    return rc ? rc : check_text(root, req);
}

static int check_worker_typing(json_t *root, struct proto_req *req)
{
    int rc = check_chat(root, req);
    return rc ? rc : get_bool(root, "on", &req->on);
}

/* transfer {chat, topic, force?} (force: contract v3 §1). */
static int check_transfer(json_t *root, struct proto_req *req)
{
    int rc = check_chat(root, req);
    if (rc == 0)
        rc = check_topic(root, req);
    return rc ? rc : get_opt_bool(root, "force", &req->force);
}

/* leave {quick?} (contract v3 §1: the page's quick exit). */
static int check_leave(json_t *root, struct proto_req *req)
{
    return get_opt_bool(root, "quick", &req->quick);
}

static int check_block(json_t *root, struct proto_req *req)
{
    int rc = check_chat(root, req);
    return rc ? rc : get_int(root, "hours", 1, 168, &req->hours);
}

/* An optional field key that is word `a` or word `b`: *is_b says which
 * (left alone when the field is absent). */
static int get_either(json_t *root, const char *key, const char *a, const char *b, bool *is_b)
{
    const char *v;
    int rc = get_str(root, key, 8, false, &v);
    if (rc != 0 || !v)
        return rc;
    if (strcmp(v, a) != 0 && strcmp(v, b) != 0)
        return CHAT_ERR_BAD_REQUEST;
    *is_b = strcmp(v, b) == 0;
    return 0;
}

/* logout {"scope": "this" | "all"} (an addition; default all). */
static int check_logout(json_t *root, struct proto_req *req)
{
    bool all = true;
    int rc = get_either(root, "scope", "this", "all", &all);
    req->this_only = !all;
    return rc;
}

/* flag {chat, urgent} */
static int check_flag(json_t *root, struct proto_req *req)
{
    int rc = check_chat(root, req);
    return rc ? rc : get_bool(root, "urgent", &req->urgent);
}

/* board {on} */
static int check_board(json_t *root, struct proto_req *req)
{
    return get_bool(root, "on", &req->on);
}

/* monitor {chat, on} */
static int check_monitor(json_t *root, struct proto_req *req)
{
    int rc = check_chat(root, req);
    return rc ? rc : get_bool(root, "on", &req->on);
}

/* alert {chat, note?: up to 200 characters} */
static int check_alert(json_t *root, struct proto_req *req)
{
    int rc = check_chat(root, req);
    if (rc == 0)
        rc = get_str(root, "note", (size_t)PROTO_NOTE_MAX * 4, false, &req->note);
    if (rc == 0 && req->note && proto_utf8_len(req->note) > PROTO_NOTE_MAX)
        rc = CHAT_ERR_BAD_REQUEST;
    return rc;
}

/* alert_take / alert_close {alert} (contract v3 §2) */
static int check_alert_id(json_t *root, struct proto_req *req)
{
    return get_str(root, "alert", PROTO_ALERT_ID_MAX, true, &req->alert);
}

/* wrapup {chat, kind, categories: [ids]} */
static int check_wrapup(json_t *root, struct proto_req *req)
{
    const char *kind;
    json_t *cats = json_object_get(root, "categories"), *c;
    size_t i;
    int rc = check_chat(root, req);
    if (rc == 0)
        rc = get_str(root, "kind", PROTO_CHOICE_MAX, true, &kind);
    if (rc != 0)
        return rc;
    if ((req->kind = proto_kind_parse(kind)) < 0 || !json_is_array(cats) ||
        json_array_size(cats) > PROTO_MAX_CATEGORIES)
        return CHAT_ERR_BAD_REQUEST;
    json_array_foreach(cats, i, c)
    {
        if (!choice_ok(c))
            return CHAT_ERR_BAD_REQUEST;
        req->categories[req->ncategories++] = json_string_value(c);
    }
    return 0;
}

/* shifts {from?, to?: YYYY-MM-DD} */
static int check_shifts(json_t *root, struct proto_req *req)
{
    int rc = get_str(root, "from", 10, false, &req->from);
    return rc ? rc : get_str(root, "to", 10, false, &req->to);
}

/* shift_take, shift_drop {shift} */
static int check_shift(json_t *root, struct proto_req *req)
{
    return get_int(root, "shift", 1, INT32_MAX, &req->shift);
}

/* ---- letters (contract v3 §3) ---- */

/* A required base64url field of lo..hi bytes. */
static int get_b64(json_t *o, const char *key, long lo, long hi, const char **out)
{
    int rc = get_str(o, key, (size_t)(hi * 4 / 3 + 4), true, out);
    long n = rc == 0 ? proto_b64url_bytes(*out) : -1;
    return n >= lo && n <= hi ? 0 : CHAT_ERR_BAD_REQUEST;
}

/* A box {epk, iv, ct} (nothing else). */
static int get_box(json_t *root, const char *key, struct proto_box *b)
{
    json_t *o = json_object_get(root, key);
    if (!json_is_object(o) || json_object_size(o) != 3)
        return CHAT_ERR_BAD_REQUEST;
    int rc = get_b64(o, "epk", 32, 32, &b->epk);
    if (rc == 0)
        rc = get_b64(o, "iv", 12, 12, &b->iv);
    return rc ? rc : get_b64(o, "ct", PROTO_BOX_CT_MIN, PROTO_BOX_CT_MAX, &b->ct);
}

/* A wrap {salt, iv, ct} (nothing else). */
static int get_wrap(json_t *root, const char *key, struct proto_wrap *w)
{
    json_t *o = json_object_get(root, key);
    if (!json_is_object(o) || json_object_size(o) != 3)
        return CHAT_ERR_BAD_REQUEST;
    int rc = get_b64(o, "salt", 16, 16, &w->salt);
    if (rc == 0)
        rc = get_b64(o, "iv", 12, 12, &w->iv);
    return rc ? rc : get_b64(o, "ct", PROTO_WRAP_CT_MIN, PROTO_WRAP_CT_MAX, &w->ct);
}

static int check_pickup(json_t *root, struct proto_req *req)
{
    return get_b64(root, "pickup", PROTO_PICKUP_BYTES, PROTO_PICKUP_BYTES, &req->pickup);
}

/* letter_send {topic?, pickup, letter, own?, reply_pub?, reply_key?, lang?}:
 * the topic and reply fields are needed for a new thread only (the hub
 * decides), but when given they must be valid. */
static int check_letter_send(json_t *root, struct proto_req *req)
{
    int rc = check_pickup(root, req);
    if (rc == 0)
        rc = get_box(root, "letter", &req->letter);
    if (rc == 0)
        rc = get_str(root, "topic", PROTO_TOPIC_MAX, false, &req->topic);
    if (rc == 0 && json_object_get(root, "own"))
        rc = get_box(root, "own", &req->own);
    if (rc == 0 && json_object_get(root, "reply_pub"))
        rc = get_b64(root, "reply_pub", 32, 32, &req->reply_pub);
    if (rc == 0 && json_object_get(root, "reply_key")) {
        rc = get_wrap(root, "reply_key", &req->reply_key);
        req->has_reply_key = rc == 0;
    }
    return rc ? rc : get_lang(root, req);
}

static int check_thread(json_t *root, struct proto_req *req)
{
    return get_str(root, "thread", PROTO_THREAD_MAX, true, &req->thread);
}

/* letters {state?: open | all} */
static int check_letters(json_t *root, struct proto_req *req)
{
    return get_either(root, "state", "open", "all", &req->letters_all);
}

/* letter_answer {thread, reply, copy} */
static int check_letter_answer(json_t *root, struct proto_req *req)
{
    int rc = check_thread(root, req);
    if (rc == 0)
        rc = get_box(root, "reply", &req->reply);
    return rc ? rc : get_box(root, "copy", &req->copy);
}

static const struct request_kind request_kinds[] = {
    {"hello", PT_HELLO, PROTO_VISITOR, check_hello},
    {"join", PT_JOIN, PROTO_VISITOR, check_join},
    {"msg", PT_MSG, PROTO_VISITOR, check_text},
    {"typing", PT_TYPING, PROTO_VISITOR, check_visitor_typing},
    {"leave", PT_LEAVE, PROTO_VISITOR, check_leave},
    {"feedback", PT_FEEDBACK, PROTO_VISITOR, check_feedback},
    {"ping", PT_PING, PROTO_VISITOR, check_none},
    {"login", PT_LOGIN, PROTO_WORKER, check_login},
    {"duty", PT_DUTY, PROTO_WORKER, check_duty},
    {"pick", PT_PICK, PROTO_WORKER, check_topic},
    {"msg", PT_MSG, PROTO_WORKER, check_worker_msg},
    {"typing", PT_TYPING, PROTO_WORKER, check_worker_typing},
    {"end", PT_END, PROTO_WORKER, check_chat},
    {"transfer", PT_TRANSFER, PROTO_WORKER, check_transfer},
    {"block", PT_BLOCK, PROTO_WORKER, check_block},
    {"logout", PT_LOGOUT, PROTO_WORKER, check_logout},
    {"ping", PT_PING, PROTO_WORKER, check_none},
    {"flag", PT_FLAG, PROTO_WORKER, check_flag},
    {"board", PT_BOARD, PROTO_WORKER, check_board},
    {"monitor", PT_MONITOR, PROTO_WORKER, check_monitor},
    {"whisper", PT_WHISPER, PROTO_WORKER, check_worker_msg},
    {"join_chat", PT_JOIN_CHAT, PROTO_WORKER, check_chat},
    {"alert", PT_ALERT, PROTO_WORKER, check_alert},
    {"wrapup", PT_WRAPUP, PROTO_WORKER, check_wrapup},
    {"alert_take", PT_ALERT_TAKE, PROTO_WORKER, check_alert_id},
    {"alert_close", PT_ALERT_CLOSE, PROTO_WORKER, check_alert_id},
    {"shifts", PT_SHIFTS, PROTO_WORKER, check_shifts},
    {"shift_take", PT_SHIFT_TAKE, PROTO_WORKER, check_shift},
    {"shift_drop", PT_SHIFT_DROP, PROTO_WORKER, check_shift},
    {"letter_send", PT_LETTER_SEND, PROTO_VISITOR, check_letter_send},
    {"letter_pickup", PT_LETTER_PICKUP, PROTO_VISITOR, check_pickup},
    {"letters_key", PT_LETTERS_KEY, PROTO_WORKER, check_none},
    {"letters", PT_LETTERS, PROTO_WORKER, check_letters},
    {"letter_take", PT_LETTER_TAKE, PROTO_WORKER, check_thread},
    {"letter_release", PT_LETTER_RELEASE, PROTO_WORKER, check_thread},
    {"letter_answer", PT_LETTER_ANSWER, PROTO_WORKER, check_letter_answer},
    {"ping", PT_PING, PROTO_STATUS, check_none},
};

static size_t json_depth(json_t *v)
{
    size_t max = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *c;
        json_object_foreach(v, k, c)
        {
            size_t d = json_depth(c);
            max = d > max ? d : max;
        }
        return max + 1;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c)
        {
            size_t d = json_depth(c);
            max = d > max ? d : max;
        }
        return max + 1;
    }
    return 0;
}

/* Cheap pre-check on raw bytes so deeply nested input never reaches the
 * recursive parser: counts bracket nesting outside strings. */
static bool raw_depth_ok(const char *buf, size_t len)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > PROTO_MAX_DEPTH)
                return false;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return true;
}

int proto_decode(const struct proto_langs *langs, enum proto_role role, const char *buf, size_t len,
                 struct proto_req *req)
{
    memset(req, 0, sizeof(*req));
    req->role = role;
    req->lang_table = langs;
    req->lang = -1;
    req->helped = PROTO_HELPED_NONE;
    req->again = -1;
    if (!raw_depth_ok(buf, len))
        return CHAT_ERR_BAD_REQUEST;
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return CHAT_ERR_BAD_REQUEST;
    req->root = root;
    if (!json_is_object(root) || json_depth(root) > PROTO_MAX_DEPTH)
        return CHAT_ERR_BAD_REQUEST;
    json_t *ref = json_object_get(root, "ref");
    if (ref) {
        if (!json_is_string(ref) || json_string_length(ref) > PROTO_REF_MAX)
            return CHAT_ERR_BAD_REQUEST;
        memcpy(req->ref, json_string_value(ref), json_string_length(ref) + 1);
        req->has_ref = true;
    }
    json_t *type = json_object_get(root, "type");
    if (!json_is_string(type))
        return CHAT_ERR_BAD_REQUEST;
    const char *name = json_string_value(type);
    for (size_t i = 0; i < sizeof(request_kinds) / sizeof(request_kinds[0]); i++) {
        const struct request_kind *k = &request_kinds[i];
        if (k->role == role && strcmp(k->name, name) == 0) {
            req->type = k->type;
            return k->check(root, req);
        }
    }
    return CHAT_ERR_UNKNOWN_TYPE;
}

/* Overwrites a decoded string in place (jansson's copy of a secret). */
static void wipe(const char *s)
{
    if (s) {
        volatile char *p = (volatile char *)(uintptr_t)s;
        while (*p)
            *p++ = 0;
    }
}

void proto_req_fini(struct proto_req *req)
{
    if (req->root && json_is_object(req->root) && req->role == PROTO_WORKER) {
        /* a login's password and token die with the request, also a refused one */
        wipe(json_string_value(json_object_get(req->root, "password")));
        wipe(json_string_value(json_object_get(req->root, "token")));
    }
    if (req->root)
        json_decref(req->root);
    req->root = NULL;
}
