/*
 * proto: decoding of requests and encoding of replies (contract §3).
 *
 * Decoding is table-driven: each request type names the role that may send
 * it and a validator for its fields. Everything is checked here, once, so
 * the daemon's core only ever sees well-formed, bounded requests.
 */
#include "proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

static int check_none(json_t *root, struct proto_req *req)
{
    (void)root;
    (void)req;
    return 0;
}

/* ---- languages: the pages' own, set at start-up ---- */

static const char *const default_langs[] = {"fi", "sv", "en"};
static const char *const *lang_codes = default_langs;
static size_t nlang_codes = 3;

void proto_set_langs(const char *const *codes, size_t n)
{
    lang_codes = n ? codes : default_langs;
    nlang_codes = n ? (n > PROTO_MAX_LANGS ? PROTO_MAX_LANGS : n) : 3;
}

int proto_lang_index(const char *code)
{
    for (size_t i = 0; code && i < nlang_codes; i++)
        if (strcmp(lang_codes[i], code) == 0)
            return (int)i;
    return -1;
}

size_t proto_lang_count(void)
{
    return nlang_codes;
}

const char *proto_lang_code(int i)
{
    return i >= 0 && (size_t)i < nlang_codes ? lang_codes[i] : "en";
}

static int check_hello(json_t *root, struct proto_req *req)
{
    const char *lang;
    int rc = get_str(root, "session", PROTO_ID_MAX, false, &req->session);
    if (rc == 0)
        rc = get_str(root, "lang", PROTO_LANG_MAX, false, &lang);
    if (rc != 0)
        return rc;
    req->lang = lang ? proto_lang_index(lang) : -1;
    return lang && req->lang < 0 ? CHAT_ERR_BAD_REQUEST : 0;
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
        int k = json_is_string(l) ? proto_lang_index(json_string_value(l)) : -1;
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

static int check_transfer(json_t *root, struct proto_req *req)
{
    int rc = check_chat(root, req);
    return rc ? rc : check_topic(root, req);
}

static int check_block(json_t *root, struct proto_req *req)
{
    int rc = check_chat(root, req);
    return rc ? rc : get_int(root, "hours", 1, 168, &req->hours);
}

/* logout {"scope": "this" | "all"} (an addition; default all). */
static int check_logout(json_t *root, struct proto_req *req)
{
    const char *scope;
    int rc = get_str(root, "scope", 8, false, &scope);
    if (rc != 0 || !scope)
        return rc;
    if (strcmp(scope, "this") != 0 && strcmp(scope, "all") != 0)
        return CHAT_ERR_BAD_REQUEST;
    req->this_only = strcmp(scope, "this") == 0;
    return 0;
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

static const struct request_kind request_kinds[] = {
    {"hello", PT_HELLO, PROTO_VISITOR, check_hello},
    {"join", PT_JOIN, PROTO_VISITOR, check_join},
    {"msg", PT_MSG, PROTO_VISITOR, check_text},
    {"typing", PT_TYPING, PROTO_VISITOR, check_visitor_typing},
    {"leave", PT_LEAVE, PROTO_VISITOR, check_none},
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

int proto_decode(enum proto_role role, const char *buf, size_t len, struct proto_req *req)
{
    memset(req, 0, sizeof(*req));
    req->role = role;
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

void proto_time(time_t t, char out[32])
{
    /* every message of a second has the same time: format it once */
    static _Thread_local time_t last_t = -1;
    static _Thread_local char last[32];
    if (t == last_t) {
        memcpy(out, last, 32);
        return;
    }
    struct tm tm;
    char off[8];
    localtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(off, sizeof(off), "%z", &tm); /* +0200 -> +02:00 */
    size_t n = strlen(out);
    snprintf(out + n, 32 - n, "%.3s:%.2s", off, off + 3);
    memcpy(last, out, 32);
    last_t = t;
}

json_t *proto_time_json(time_t t)
{
    char buf[32];
    if (t < 0)
        return json_null();
    proto_time(t, buf);
    return json_string(buf);
}

/* Reals with 15 significant digits: 0.9 is "0.9", not the 17 digits of
 * jansson's default ("0.90000000000000002"). */
char *proto_dump(json_t *obj, const char *ref)
{
    if (!obj)
        return NULL;
    if (ref && *ref)
        json_object_set_new(obj, "ref", json_string(ref));
    char *out = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(obj);
    return out;
}

char *proto_error(int err, const char *ref, json_t *extra)
{
    json_t *obj = json_pack("{s:s,s:s,s:s}", "type", "error", "code", chat_err_code(err), "message",
                            chat_err_message(err));
    if (obj && extra)
        json_object_update(obj, extra);
    if (extra)
        json_decref(extra);
    return proto_dump(obj, ref);
}

/* ---- the per-message frames, written directly ---------------------------
 *
 * Every chat message costs an ack, a relayed msg and a transcript record.
 * Building those through json_pack + json_dumps was half of chatd's time per
 * message (callgrind, tests/bench), so these three are written straight into
 * a buffer. Only strings need care: they are valid UTF-8 already (jansson
 * checked the request), so escaping '"', '\\' and control characters is all
 * JSON asks. A unit test checks the output against jansson's own encoding. */

struct jw {
    char *buf;
    size_t len, cap;
    bool oom;
};

static void jw_bytes(struct jw *w, const char *s, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 128;
        while (cap < w->len + n + 1)
            cap *= 2;
        char *nb = realloc(w->buf, cap);
        if (!nb) {
            w->oom = true;
            return;
        }
        w->buf = nb;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void jw_lit(struct jw *w, const char *s)
{
    jw_bytes(w, s, strlen(s));
}

/* s as a quoted JSON string. */
static void jw_str(struct jw *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF"; /* as jansson writes it */
    jw_bytes(w, "\"", 1);
    const char *run = s; /* start of bytes that need no escape */
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jw_bytes(w, run, (size_t)(s - run));
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        switch (c) {
        case '"':
        case '\\':
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        default:
            esc[1] = 'u';
            esc[2] = esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        jw_bytes(w, esc, n);
        run = s + 1;
    }
    jw_bytes(w, run, (size_t)(s - run));
    jw_bytes(w, "\"", 1);
}

static void jw_u64(struct jw *w, uint64_t v)
{
    char num[24];
    jw_bytes(w, num, (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)v));
}

/* ,"key":"string" */
static void jw_field_str(struct jw *w, const char *key, const char *v)
{
    jw_lit(w, ",\"");
    jw_lit(w, key);
    jw_lit(w, "\":");
    jw_str(w, v);
}

static void jw_field_time(struct jw *w, const char *key, time_t t)
{
    char ts[32];
    proto_time(t, ts);
    jw_field_str(w, key, ts);
}

/* The finished text (after closing its object), or NULL when out of memory. */
static char *jw_end(struct jw *w, const char *ref)
{
    if (ref && *ref)
        jw_field_str(w, "ref", ref);
    jw_bytes(w, "}", 1);
    if (w->oom) {
        free(w->buf);
        return NULL;
    }
    return w->buf;
}

char *proto_ack(uint64_t seq, const char *ref)
{
    struct jw w = {0};
    jw_lit(&w, "{\"type\":\"ack\"");
    if (seq) {
        jw_lit(&w, ",\"seq\":");
        jw_u64(&w, seq);
    }
    return jw_end(&w, ref);
}

char *proto_msg_frame(const struct proto_msg *m)
{
    struct jw w = {0};
    jw_lit(&w, "{\"type\":\"msg\"");
    jw_field_str(&w, "chat", m->chat);
    jw_field_str(&w, "from", m->from);
    jw_field_str(&w, "text", m->text);
    jw_lit(&w, ",\"seq\":");
    jw_u64(&w, m->seq);
    jw_field_time(&w, "ts", m->ts);
    if (m->alias)
        jw_field_str(&w, "alias", m->alias);
    return jw_end(&w, NULL);
}

char *proto_msg_record(const struct proto_msg *m)
{
    struct jw w = {0};
    jw_lit(&w, "{\"seq\":");
    jw_u64(&w, m->seq);
    jw_field_str(&w, "from", m->from);
    jw_field_time(&w, "ts", m->ts);
    jw_field_str(&w, "text", m->text);
    if (m->alias)
        jw_field_str(&w, "alias", m->alias);
    return jw_end(&w, NULL);
}

json_t *proto_msg_json(const struct proto_msg *m)
{
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:s,s:I,s:o}", "type", "msg", "chat", m->chat, "from", m->from,
                  "text", m->text, "seq", (json_int_t)m->seq, "ts", proto_time_json(m->ts));
    if (o && m->alias)
        json_object_set_new(o, "alias", json_string(m->alias));
    return o;
}

static json_t *wait_json(long s)
{
    return s < 0 ? json_null() : json_integer(s);
}

/* ---- name tables ---------------------------------------------------------- */

static const char *const staff_role_names[] = {"worker", "coordinator", "admin"};
static const char *const topic_state_names[] = {"open", "full", "closed"};
static const char *const visitor_state_names[] = {"idle", "queued", "chatting"};
static const char *const end_by_names[] = {"visitor", "worker", "timeout", "server", "transfer"};
static const char *const kind_names[] = {"counselling", "information", "silent",
                                         "test",        "prank",       "abusive"};

#define NAME_OF(table, i)                                                                          \
    ((size_t)(i) < sizeof(table) / sizeof((table)[0]) ? (table)[(size_t)(i)] : (table)[0])

const char *proto_staff_role_name(enum proto_staff_role r)
{
    return NAME_OF(staff_role_names, r);
}

int proto_staff_role_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof(staff_role_names) / sizeof(staff_role_names[0]); i++)
        if (strcmp(s, staff_role_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *proto_topic_state_name(enum proto_topic_state s)
{
    return NAME_OF(topic_state_names, s);
}

const char *proto_visitor_state_name(enum proto_visitor_state s)
{
    return NAME_OF(visitor_state_names, s);
}

const char *proto_end_by_name(enum proto_end_by b)
{
    return NAME_OF(end_by_names, b);
}

const char *proto_kind_name(enum proto_kind k)
{
    return NAME_OF(kind_names, k);
}

int proto_kind_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
        if (strcmp(s, kind_names[i]) == 0)
            return (int)i;
    return -1;
}

/* ---- typed encoders --------------------------------------------------------- */

static json_t *langs3(const char *const l[3])
{
    return json_pack("{s:s,s:s,s:s}", "fi", l[0], "sv", l[1], "en", l[2]);
}

static json_t *strings_json(const char *const *s, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_string(s[i]));
    return arr;
}

json_t *proto_questions_json(const struct proto_question *q, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *answers = json_array();
        for (size_t a = 0; answers && a < q[i].nanswers; a++)
            json_array_append_new(answers, json_pack("{s:s,s:o}", "id", q[i].answer_id[a], "label",
                                                     langs3(q[i].answer_label[a])));
        json_t *o = json_pack("{s:s,s:o,s:o}", "id", q[i].id, "text", langs3(q[i].text), "answers",
                              answers);
        if (o && q[i].ntopics)
            json_object_set_new(o, "topics", strings_json(q[i].topics, q[i].ntopics));
        json_array_append_new(arr, o);
    }
    return arr;
}

json_t *proto_categories_json(const struct proto_category *c, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr,
                              json_pack("{s:s,s:o}", "id", c[i].id, "label", langs3(c[i].label)));
    return arr;
}

json_t *proto_topic_status_json(const struct proto_topic_status *t)
{
    json_t *o = json_pack(
        "{s:s,s:o,s:s,s:s,s:b,s:b,s:i,s:o,s:o,s:o}", "id", t->id, "title", langs3(t->title),
        "audience", t->audience, "state", proto_topic_state_name(t->state), "staffed", t->staffed,
        "answering", t->answering, "waiting", t->waiting, "estimated_wait_s",
        wait_json(t->estimated_wait_s), "next_open", proto_time_json(t->next_open), "closes_at",
        proto_time_json(t->closes_at));
    if (o && t->questions)
        json_object_set_new(o, "questions", proto_questions_json(t->questions, t->nquestions));
    return o;
}

/* A new frame object {"type":type}. */
static json_t *frame_new(const char *type)
{
    json_t *o = json_object();
    if (o)
        json_object_set_new(o, "type", json_string(type));
    return o;
}

static json_t *topics_json(const struct proto_topic_status *t, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, proto_topic_status_json(&t[i]));
    return arr;
}

/* The msg objects of a history, without "type". */
static json_t *history_json(const struct proto_msg *m, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *o = proto_msg_json(&m[i]);
        json_object_del(o, "type");
        json_array_append_new(arr, o);
    }
    return arr;
}

static char *status_object(json_t *obj, time_t generated, const struct proto_topic_status *t,
                           size_t n)
{
    if (obj) {
        json_object_set_new(obj, "generated", proto_time_json(generated));
        json_object_set_new(obj, "topics", topics_json(t, n));
    }
    return proto_dump(obj, NULL);
}

char *proto_status(time_t generated, const struct proto_topic_status *t, size_t n)
{
    return status_object(frame_new("status"), generated, t, n);
}

char *proto_status_body(time_t generated, const struct proto_topic_status *t, size_t n)
{
    return status_object(json_object(), generated, t, n);
}

char *proto_welcome_visitor(const struct proto_welcome_visitor *w, const char *ref)
{
    json_t *o = frame_new("welcome");
    if (o) {
        json_object_set_new(o, "session", json_string(w->session));
        json_object_set_new(o, "resumed", json_boolean(w->resumed));
        json_object_set_new(o, "state", json_string(proto_visitor_state_name(w->state)));
        json_object_set_new(o, "topics", topics_json(w->topics, w->ntopics));
    }
    return proto_dump(o, ref);
}

char *proto_welcome_worker(const struct proto_welcome_worker *w, const char *ref)
{
    json_t *o = frame_new("welcome");
    if (o) {
        json_object_set_new(o, "user", json_string(w->user));
        json_object_set_new(o, "alias", json_string(w->alias));
        json_object_set_new(o, "role", json_string(proto_staff_role_name(w->role)));
        json_object_set_new(o, "token", json_string(w->token));
        json_object_set_new(o, "canned", strings_json(w->canned, w->ncanned));
        json_t *cats = proto_categories_json(w->categories, w->ncategories), *langs = json_array();
        for (size_t i = 0; langs && i < proto_lang_count(); i++)
            json_array_append_new(langs, json_string(proto_lang_code((int)i)));
        json_object_set_new(o, "categories", cats);
        json_object_set_new(o, "langs", langs);
        json_object_set_new(o, "questions", proto_questions_json(w->questions, w->nquestions));
    }
    return proto_dump(o, ref);
}

char *proto_queued(const struct proto_queued *q, const char *ref)
{
    json_t *o = frame_new("queued");
    if (o) {
        json_object_set_new(o, "topic", json_string(q->topic));
        json_object_set_new(o, "position", json_integer(q->position));
        json_object_set_new(o, "estimated_wait_s", wait_json(q->estimated_wait_s));
    }
    return proto_dump(o, ref);
}

char *proto_duty(const struct proto_duty *d, const char *ref)
{
    json_t *o = frame_new("duty");
    if (o) {
        json_object_set_new(o, "on", json_boolean(d->on));
        json_object_set_new(o, "topics", strings_json(d->topics, d->ntopics));
        json_object_set_new(o, "capacity", json_integer(d->capacity));
        json_t *langs = json_array();
        for (size_t i = 0; langs && i < proto_lang_count(); i++)
            if (d->langs & ((uint64_t)1 << i))
                json_array_append_new(langs, json_string(proto_lang_code((int)i)));
        json_object_set_new(o, "langs", langs);
    }
    return proto_dump(o, ref);
}

char *proto_queue_state(const struct proto_queue_topic *t, size_t n)
{
    json_t *o = frame_new("queue_state"), *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_pack("{s:s,s:i,s:i,s:I,s:b,s:s}", "id", t[i].id, "waiting",
                                             t[i].waiting, "urgent_waiting", t[i].urgent_waiting,
                                             "longest_wait_s", (json_int_t)t[i].longest_wait_s,
                                             "open", t[i].open, "mode", t[i].mode));
    if (o)
        json_object_set_new(o, "topics", arr);
    else
        json_decref(arr);
    return proto_dump(o, NULL);
}

static json_t *chat_started_base(const struct proto_chat_started *s)
{
    json_t *o = frame_new("chat_started");
    if (o) {
        json_object_set_new(o, "chat", json_string(s->chat));
        json_object_set_new(o, "topic", json_string(s->topic));
    }
    return o;
}

char *proto_chat_started_visitor(const struct proto_chat_started *s, const char *ref)
{
    json_t *o = chat_started_base(s);
    if (o) {
        json_object_set_new(o, "worker", json_string(s->worker));
        json_object_set_new(o, "history", history_json(s->history, s->nhistory));
    }
    return proto_dump(o, ref);
}

char *proto_chat_started_worker(const struct proto_chat_started *s, const char *ref)
{
    json_t *o = chat_started_base(s);
    if (o) {
        json_object_set_new(o, "audience", json_string(s->audience));
        json_object_set_new(o, "waited_s", json_integer(s->waited_s));
        json_object_set_new(o, "history", history_json(s->history, s->nhistory));
        json_object_set_new(o, "visitor_away", json_boolean(s->visitor_away));
        json_t *answers = json_object();
        for (size_t i = 0; answers && i < s->nanswers; i++)
            json_object_set_new(answers, s->answer_q[i], json_string(s->answer_a[i]));
        json_object_set_new(o, "answers", answers);
        json_object_set_new(o, "urgent", json_boolean(s->urgent));
        if (s->lang)
            json_object_set_new(o, "lang", json_string(s->lang));
        if (s->monitoring)
            json_object_set_new(o, "monitoring", json_true());
    }
    return proto_dump(o, ref);
}

char *proto_chat_ended(const char *chat, enum proto_end_by by, const char *ref)
{
    json_t *o = frame_new("chat_ended");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "by", json_string(proto_end_by_name(by)));
    }
    return proto_dump(o, ref);
}

char *proto_typing(const char *chat, const char *from, bool on)
{
    json_t *o = frame_new("typing");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "from", json_string(from));
        json_object_set_new(o, "on", json_boolean(on));
    }
    return proto_dump(o, NULL);
}

char *proto_visitor_presence(const char *chat, bool back)
{
    json_t *o = frame_new(back ? "visitor_back" : "visitor_away");
    if (o)
        json_object_set_new(o, "chat", json_string(chat));
    return proto_dump(o, NULL);
}

char *proto_bare(const char *type, const char *ref)
{
    return proto_dump(frame_new(type), ref);
}

static json_t *board_topics(const struct proto_board *b)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < b->ntopics; i++) {
        const struct proto_board_topic *t = &b->topics[i];
        json_array_append_new(arr, json_pack("{s:s,s:b,s:b,s:i,s:i,s:o}", "id", t->id, "open",
                                             t->open, "staffed", t->staffed, "waiting", t->waiting,
                                             "urgent_waiting", t->urgent_waiting, "oldest_join",
                                             proto_time_json(t->oldest_join)));
    }
    return arr;
}

static json_t *board_workers(const struct proto_board *b)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < b->nworkers; i++) {
        const struct proto_board_worker *w = &b->workers[i];
        json_array_append_new(
            arr, json_pack("{s:s,s:b,s:o,s:i,s:i,s:i,s:o,s:b}", "alias", w->alias, "on_duty",
                           w->on_duty, "topics", strings_json(w->topics, w->ntopics), "capacity",
                           w->capacity, "chats", w->chats, "wrapups", w->wrapups, "idle_since",
                           proto_time_json(w->idle_since), "connected", w->connected));
    }
    return arr;
}

static json_t *board_chats(const struct proto_board *b)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < b->nchats; i++) {
        const struct proto_board_chat *c = &b->chats[i];
        json_array_append_new(
            arr,
            json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:b,s:b,s:o}", "chat", c->chat, "topic", c->topic,
                      "worker", c->worker, "started", proto_time_json(c->started),
                      "last_visitor_msg", proto_time_json(c->last_visitor_msg), "last_worker_msg",
                      proto_time_json(c->last_worker_msg), "urgent", c->urgent, "visitor_away",
                      c->visitor_away, "monitors", strings_json(c->monitors, c->nmonitors)));
    }
    return arr;
}

char *proto_board(const struct proto_board *b, const char *ref)
{
    json_t *o = frame_new("board");
    if (o) {
        json_object_set_new(o, "topics", board_topics(b));
        json_object_set_new(o, "workers", board_workers(b));
        json_object_set_new(o, "chats", board_chats(b));
    }
    return proto_dump(o, ref);
}

char *proto_whisper(const char *chat, const char *from, const char *text, time_t ts)
{
    json_t *o = frame_new("whisper");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "from", json_string(from));
        json_object_set_new(o, "text", json_string(text));
        json_object_set_new(o, "ts", proto_time_json(ts));
    }
    return proto_dump(o, NULL);
}

char *proto_alert(const char *chat, const char *topic, const char *worker, const char *note,
                  time_t ts)
{
    json_t *o = frame_new("alert");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "topic", json_string(topic));
        json_object_set_new(o, "worker", json_string(worker));
        json_object_set_new(o, "note", note ? json_string(note) : json_null());
        json_object_set_new(o, "ts", proto_time_json(ts));
    }
    return proto_dump(o, NULL);
}

char *proto_flag(const char *chat, bool urgent)
{
    json_t *o = frame_new("flag");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "urgent", json_boolean(urgent));
    }
    return proto_dump(o, NULL);
}

char *proto_wrapup(const char *chat, time_t until)
{
    json_t *o = frame_new("wrapup");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "until", proto_time_json(until));
    }
    return proto_dump(o, NULL);
}

char *proto_ack_with(const char *key, long value, const char *ref)
{
    json_t *o = frame_new("ack");
    if (o)
        json_object_set_new(o, key, json_integer(value));
    return proto_dump(o, ref);
}

char *proto_error_closed(time_t next_open, const char *ref)
{
    return proto_error(CHAT_ERR_CLOSED, ref,
                       json_pack("{s:o}", "next_open", proto_time_json(next_open)));
}
