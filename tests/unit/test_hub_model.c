/*
 * test_hub_model: the hub driven by seeded random sequences of what
 * visitors, workers and the database do (hello, join, leave, a dropped
 * connection, a resume, msg, duty on and off, end, transfer, a worker's tab
 * gone and back, wrap-ups, a coordinator's board, monitor, whisper and join_chat,
 * time passing past the grace, another process's write lock, and a batch
 * that fails), checked after every turn against what the clients were told:
 *  - the hub's own invariants hold (hub_check);
 *  - no visitor is lost: a connected visitor is in the state its last frames
 *    said, at the position its last `queued` said (order kept); one that left
 *    has its session until its grace ends, and not after;
 *  - every acked message and whisper is stored: at the end each (chat, seq,
 *    text) acked opens from the transcripts with the secret key, and no seq
 *    is stored twice;
 *  - no visitor ever receives a frame with a whisper's text;
 *  - overflow (contract v3 §4): topic a belongs to org east, b to west,
 *    each org overflowing to the other (worker 0 is east's, 1 west's); a worker's chat_started
 * names the visitor's org and says overflow exactly when the worker is of the other org, and then
 * only after that org's overflow_after_s; every acked message opens with the secret key of the org
 * whose worker first answered its chat (east's is the server's, west has its own). A failure prints
 * the seed and the step; rerun one seed with CHATD_MODEL_SEED=N (and CHATD_MODEL_STEPS=N).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "auth.h"
#include "config.h"
#include "hub.h"
#include "store.h"
#include "transcript.h"

#define NV 10 /* visitor slots */
#define NW 3  /* workers; the last is a coordinator */
#define MAX_ACKS 20000
#define MAX_PENDING 4096
#define GRACE 60
#define NORGS 2 /* east (topic a; the server's key) and west (topic b; its own) */
#define MAX_CHATS 4096

struct vis {
    struct conn *c; /* NULL: not connected */
    char token[80]; /* "" until a welcome */
    int expect;     /* what its frames said: PROTO_VISITOR_* */
    int position;   /* its last `queued` */
    char chat[64];
    double away_since;
};

struct wk {
    struct conn *c;
    char name[16];
    char token[64];
    bool on;
    char chats[16][64];
    int nchats;
    char wraps[16][64]; /* the wrap-ups it was told of */
    int nwraps;
};

struct ack {
    char chat[64];
    uint64_t seq;
    char text[32];
    bool whisper;
};

struct sent { /* a msg in flight, by ref */
    char ref[24];
    char chat[64];
    char text[32];
    bool whisper;
};

/* The org whose worker first answered a chat: its transcript key. */
struct answered {
    char chat[64];
    int org;
};

struct model {
    char dir[64];
    struct config *cfg;
    struct store *st;
    struct auth *auth;
    struct hub *hub;
    uint8_t pub[TRANSCRIPT_PUB_BYTES];
    uint8_t sk[NORGS][crypto_box_SECRETKEYBYTES], pk[NORGS][crypto_box_PUBLICKEYBYTES];
    struct answered *answered;
    size_t nanswered;
    long overflows; /* chats a worker of the other org answered */
    double now;
    uint64_t rng;
    struct vis v[NV];
    struct wk w[NW];
    struct ack *acks;
    size_t nacks;
    struct sent pending[MAX_PENDING];
    size_t npending;
    long refs;
    sqlite3 *lock;
    long step;
    unsigned seed;
    long refused, failures;
    char alert[32]; /* the last alert id a board was sent (contract v3 §2) */
    long alerts;    /* alert frames the coordinator read */
};

static uint32_t rnd(struct model *m, uint32_t n)
{
    m->rng ^= m->rng << 13; /* xorshift64 */
    m->rng ^= m->rng >> 7;
    m->rng ^= m->rng << 17;
    return (uint32_t)(m->rng % n);
}

static void no_wake(void *arg)
{
    (void)arg;
}

static void no_io(struct conn *c, void *arg)
{
    (void)c;
    (void)arg;
}

#define MODEL_FAIL(m, ...)                                                                         \
    do {                                                                                           \
        fprintf(stderr, "seed %u step %ld: ", (m)->seed, (m)->step);                               \
        fail_msg(__VA_ARGS__);                                                                     \
    } while (0)

static void frame(struct model *m, struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool trace; /* CHATD_MODEL_TRACE: every frame both ways on stderr */

/* Sends one frame to the hub (no turn end: the caller decides). */
static void frame(struct model *m, struct conn *c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is above */
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (trace)
        fprintf(stderr, "%ld %p > %s\n", m->step, (void *)c, buf);
    hub_conn_frame(m->hub, c, buf, strlen(buf), m->now);
}

static struct conn *conn_new(struct model *m, enum proto_role role)
{
    struct conn *c = calloc(1, sizeof(*c));
    conn_init(c, hub_conns(m->hub), role, NULL);
    hub_conn_open(m->hub, c, m->now);
    return c;
}

static void conn_drop(struct model *m, struct conn *c)
{
    hub_conn_closed(m->hub, c, m->now);
    conn_fini(c);
    free(c);
}

static const char *str(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "";
}

static void record_ack(struct model *m, const char *ref, uint64_t seq)
{
    for (size_t i = 0; i < m->npending; i++) {
        if (strcmp(m->pending[i].ref, ref) != 0)
            continue;
        if (m->nacks < MAX_ACKS) {
            struct ack *a = &m->acks[m->nacks++];
            snprintf(a->chat, sizeof(a->chat), "%s", m->pending[i].chat);
            snprintf(a->text, sizeof(a->text), "%s", m->pending[i].text);
            a->seq = seq;
            a->whisper = m->pending[i].whisper;
        }
        m->pending[i] = m->pending[--m->npending];
        return;
    }
}

static void forget_ref(struct model *m, const char *ref)
{
    for (size_t i = 0; i < m->npending; i++)
        if (strcmp(m->pending[i].ref, ref) == 0) {
            m->pending[i] = m->pending[--m->npending];
            return;
        }
}

/* What a visitor's frames say. */
static void visitor_frames(struct model *m, struct vis *v)
{
    struct frame *f;
    while (v->c && (f = conn_next_frame(v->c))) {
        json_t *j = json_loads(f->data, 0, NULL);
        if (trace)
            fprintf(stderr, "%ld v%d < %s\n", m->step, (int)(v - m->v), f->data);
        if (strstr(f->data, "whisper"))
            MODEL_FAIL(m, "visitor %d received a whisper: %s", (int)(v - m->v), f->data);
        const char *type = str(j, "type");
        if (!strcmp(type, "welcome")) {
            snprintf(v->token, sizeof(v->token), "%s", str(j, "session"));
            const char *st = str(j, "state");
            v->expect = !strcmp(st, "queued")     ? PROTO_VISITOR_QUEUED
                        : !strcmp(st, "chatting") ? PROTO_VISITOR_CHATTING
                                                  : PROTO_VISITOR_IDLE;
        } else if (!strcmp(type, "queued")) {
            v->expect = PROTO_VISITOR_QUEUED;
            v->position = (int)json_integer_value(json_object_get(j, "position"));
        } else if (!strcmp(type, "chat_started")) {
            v->expect = PROTO_VISITOR_CHATTING;
            snprintf(v->chat, sizeof(v->chat), "%s", str(j, "chat"));
        } else if (!strcmp(type, "chat_ended") || !strcmp(type, "left")) {
            v->expect = PROTO_VISITOR_IDLE;
        } else if (!strcmp(type, "ack")) {
            record_ack(m, str(j, "ref"), (uint64_t)json_integer_value(json_object_get(j, "seq")));
        } else if (!strcmp(type, "error")) {
            m->refused++;
            forget_ref(m, str(j, "ref"));
        }
        json_decref(j);
        conn_frame_free(f);
    }
}

static void worker_drop_chat(struct wk *w, const char *chat)
{
    for (int i = 0; i < w->nchats; i++)
        if (!strcmp(w->chats[i], chat)) {
            memcpy(w->chats[i], w->chats[--w->nchats], sizeof(w->chats[0]));
            return;
        }
}

/* The org of a topic, and of worker i (the coordinator is in both). */
static int topic_org(const char *topic)
{
    return strcmp(topic, "b") == 0;
}

static const char *const org_names[NORGS] = {"east", "west"};
static const long overflow_after[NORGS] = {20, 30};

/* A chat_started to worker i (its org is i): the org and overflow it
 * says, the wait an overflow needs, and the key its chat is sealed to. */
static void check_started(struct model *m, int i, json_t *j)
{
    const char *chat = str(j, "chat");
    int org = topic_org(str(j, "topic"));
    bool overflow = json_is_true(json_object_get(j, "overflow"));
    if (strcmp(str(j, "org"), org_names[org]) != 0 || overflow != (org != i))
        MODEL_FAIL(m, "worker %d got chat %s of topic %s as org %s overflow %d", i, chat,
                   str(j, "topic"), str(j, "org"), overflow);
    if (overflow && json_integer_value(json_object_get(j, "waited_s")) < overflow_after[org])
        MODEL_FAIL(m, "worker %d got chat %s by overflow after %lld s", i, chat,
                   json_integer_value(json_object_get(j, "waited_s")));
    for (size_t k = 0; k < m->nanswered; k++)
        if (!strcmp(m->answered[k].chat, chat))
            return;
    if (m->nanswered < MAX_CHATS) {
        snprintf(m->answered[m->nanswered].chat, sizeof(m->answered[0].chat), "%s", chat);
        m->answered[m->nanswered++].org = i;
    }
    m->overflows += overflow;
}

/* The org whose key sealed chat, or -1 when no worker was seen taking it. */
static int answered_by(const struct model *m, const char *chat)
{
    for (size_t k = 0; k < m->nanswered; k++)
        if (!strcmp(m->answered[k].chat, chat))
            return m->answered[k].org;
    return -1;
}

static void worker_frames(struct model *m, struct wk *w)
{
    struct frame *f;
    while (w->c && (f = conn_next_frame(w->c))) {
        json_t *j = json_loads(f->data, 0, NULL);
        if (trace)
            fprintf(stderr, "%ld w%d < %s\n", m->step, (int)(w - m->w), f->data);
        const char *type = str(j, "type");
        if (!strcmp(type, "welcome")) {
            snprintf(w->token, sizeof(w->token), "%s", str(j, "token"));
        } else if (!strcmp(type, "chat_started")) {
            if (w != &m->w[NW - 1])
                check_started(m, (int)(w - m->w), j);
            worker_drop_chat(w, str(j, "chat"));
            if (w->nchats < 16)
                snprintf(w->chats[w->nchats++], sizeof(w->chats[0]), "%s", str(j, "chat"));
        } else if (!strcmp(type, "chat_ended")) {
            worker_drop_chat(w, str(j, "chat"));
        } else if (!strcmp(type, "alert")) {
            snprintf(m->alert, sizeof(m->alert), "%s", str(j, "alert"));
            m->alerts++;
        } else if (!strcmp(type, "wrapup") && w->nwraps < 16) {
            snprintf(w->wraps[w->nwraps++], sizeof(w->wraps[0]), "%s", str(j, "chat"));
        } else if (!strcmp(type, "ack")) {
            record_ack(m, str(j, "ref"), (uint64_t)json_integer_value(json_object_get(j, "seq")));
        } else if (!strcmp(type, "error")) {
            m->refused++;
            forget_ref(m, str(j, "ref"));
        }
        json_decref(j);
        conn_frame_free(f);
    }
}

/* Ends the turn as the shell does (timers first, then the next deadline
 * asked for, which also renews the hub's copy of the topics' hours: without
 * it every turn worked the hours out again, 400 days ahead, and that was
 * two thirds of this test's time) and reads every frame. */
static void turn(struct model *m)
{
    hub_tick(m->hub, m->now);
    hub_turn_end(m->hub, m->now, no_io, NULL);
    (void)hub_next_deadline(m->hub, m->now);
    for (int i = 0; i < NV; i++)
        visitor_frames(m, &m->v[i]);
    for (int i = 0; i < NW; i++)
        worker_frames(m, &m->w[i]);
}

static void send_msg(struct model *m, struct conn *c, const char *chat, bool worker)
{
    if (m->npending == MAX_PENDING)
        return;
    struct sent *s = &m->pending[m->npending++];
    snprintf(s->ref, sizeof(s->ref), "m%ld", ++m->refs);
    snprintf(s->chat, sizeof(s->chat), "%s", chat);
    snprintf(s->text, sizeof(s->text), "t%ld", m->refs);
    s->whisper = false;
    if (worker)
        frame(m, c, "{\"type\":\"msg\",\"chat\":\"%s\",\"text\":\"%s\",\"ref\":\"%s\"}", chat,
              s->text, s->ref);
    else
        frame(m, c, "{\"type\":\"msg\",\"text\":\"%s\",\"ref\":\"%s\"}", s->text, s->ref);
}

/* A topic to join or transfer to (either org's). */
static const char *topic_name(struct model *m)
{
    return rnd(m, 2) ? "a" : "b";
}

/* One random thing a visitor does. */
static void visitor_op(struct model *m)
{
    struct vis *v = &m->v[rnd(m, NV)];
    uint32_t what = rnd(m, 10);
    if (!v->c) {
        if (v->token[0] && m->now - v->away_since < GRACE && what < 6) { /* comes back */
            v->c = conn_new(m, PROTO_VISITOR);
            frame(m, v->c, "{\"type\":\"hello\",\"session\":\"%s\"}", v->token);
        } else if (what >= 6) { /* a new visitor in this slot */
            v->c = conn_new(m, PROTO_VISITOR);
            v->token[0] = '\0';
            v->expect = PROTO_VISITOR_IDLE;
            frame(m, v->c, "{\"type\":\"hello\"}");
        }
        return;
    }
    if (what < 3 && v->expect == PROTO_VISITOR_IDLE) /* a third of them answer, some urgently */
        frame(m, v->c, "{\"type\":\"join\",\"topic\":\"%s\",\"ref\":\"j\"%s}", topic_name(m),
              what == 0   ? ",\"answers\":{\"safe\":\"no\"}"
              : what == 1 ? ",\"answers\":{\"safe\":\"yes\"}"
                          : "");
    else if (what < 6 && v->expect == PROTO_VISITOR_CHATTING)
        send_msg(m, v->c, v->chat, false);
    else if (what == 6)
        frame(m, v->c, "{\"type\":\"leave\"}");
    else if (what == 7) { /* the page is closed */
        conn_drop(m, v->c);
        v->c = NULL;
        v->away_since = m->now;
    }
}

/* One random thing a worker does. */
/* One random thing the coordinator does: its chats are those it monitors. */
static void supervisor_op(struct model *m, struct wk *w, uint32_t what)
{
    const struct wk *other = &m->w[rnd(m, NW - 1)];
    const char *chat = w->nchats ? w->chats[rnd(m, (uint32_t)w->nchats)] : NULL;
    if (what < 2) {
        w->on = !w->on;
        frame(m, w->c, "{\"type\":\"board\",\"on\":%s}", w->on ? "true" : "false");
    } else if (what < 4 && other->nchats) {
        frame(m, w->c, "{\"type\":\"monitor\",\"chat\":\"%s\",\"on\":true}",
              other->chats[rnd(m, (uint32_t)other->nchats)]);
    } else if (what < 6 && chat && m->npending < MAX_PENDING) {
        struct sent *s = &m->pending[m->npending++];
        snprintf(s->ref, sizeof(s->ref), "m%ld", ++m->refs);
        snprintf(s->chat, sizeof(s->chat), "%s", chat);
        snprintf(s->text, sizeof(s->text), "whisper%ld", m->refs);
        s->whisper = true;
        frame(m, w->c, "{\"type\":\"whisper\",\"chat\":\"%s\",\"text\":\"%s\",\"ref\":\"%s\"}",
              chat, s->text, s->ref);
    } else if (what == 6 && chat) {
        frame(m, w->c, "{\"type\":\"join_chat\",\"chat\":\"%s\"}", chat);
    } else if (what == 7 && chat) {
        send_msg(m, w->c, chat, true); /* forbidden unless it joined */
    } else if (what == 8) {
        conn_drop(m, w->c);
        w->c = NULL;
        w->nchats = 0;
        w->on = false;
    } else if (m->alert[0] && rnd(m, 2)) { /* takes or closes the last alert it saw */
        frame(m, w->c, "{\"type\":\"%s\",\"alert\":\"%s\"}",
              rnd(m, 2) ? "alert_take" : "alert_close", m->alert);
    } else if (chat) {
        frame(m, w->c, "{\"type\":\"monitor\",\"chat\":\"%s\",\"on\":false}", chat);
        worker_drop_chat(w, chat);
    }
}

static void worker_op(struct model *m)
{
    struct wk *w = &m->w[rnd(m, NW)];
    uint32_t what = rnd(m, 10);
    if (!w->c) {
        w->c = conn_new(m, PROTO_WORKER);
        frame(m, w->c, "{\"type\":\"login\",\"token\":\"%s\"}", w->token);
        return;
    }
    if (w == &m->w[NW - 1])
        return supervisor_op(m, w, what);
    const char *chat = w->nchats ? w->chats[rnd(m, (uint32_t)w->nchats)] : NULL;
    if (what < 2) {
        w->on = !w->on;
        if (w->on)
            frame(m, w->c, "{\"type\":\"duty\",\"on\":true,\"topics\":[%s],\"capacity\":%u}",
                  w == m->w ? "\"a\"" : "\"b\"", /* its org's */
                  1 + rnd(m, 3));
        else
            frame(m, w->c, "{\"type\":\"duty\",\"on\":false}");
    } else if (what == 5 && chat) { /* an alert, raised again or not */
        frame(m, w->c, "{\"type\":\"alert\",\"chat\":\"%s\",\"note\":\"n\"}", chat);
    } else if (what < 6 && chat) {
        send_msg(m, w->c, chat, true);
    } else if (what == 6 && chat) {
        frame(m, w->c, "{\"type\":\"end\",\"chat\":\"%s\"}", chat);
    } else if (what == 7 && chat) {
        frame(m, w->c, "{\"type\":\"transfer\",\"chat\":\"%s\",\"topic\":\"%s\"}", chat,
              topic_name(m));
    } else if (what == 8) { /* the tab closes; it comes back with its token later */
        conn_drop(m, w->c);
        w->c = NULL;
        w->nchats = 0;
        w->nwraps = 0;
    } else if (what == 9 && w->nwraps) { /* a wrap-up, maybe of one whose time ran out */
        frame(m, w->c,
              "{\"type\":\"wrapup\",\"chat\":\"%s\",\"kind\":\"counselling\","
              "\"categories\":[\"school\"]}",
              w->wraps[--w->nwraps]);
    }
}

static void lock_db(struct model *m)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/chatd.db", m->dir);
    assert_int_equal(sqlite3_open(path, &m->lock), SQLITE_OK);
    assert_int_equal(sqlite3_exec(m->lock, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
}

static void unlock_db(struct model *m)
{
    assert_int_equal(sqlite3_exec(m->lock, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(m->lock);
    m->lock = NULL;
}

/* After a committed turn the clients know what the hub knows. */
static void check(struct model *m)
{
    char why[256];
    if (hub_check(m->hub, why, sizeof(why)) != 0)
        MODEL_FAIL(m, "hub invariant: %s", why);
    if (m->lock)
        return; /* frames are held: the clients lag behind on purpose */
    for (int i = 0; i < NV; i++) {
        struct vis *v = &m->v[i];
        int pos,
            state = v->token[0] ? hub_session_state(m->hub, v->token, (time_t)m->now, &pos) : -2;
        if (state == -2)
            continue;
        if (v->c) {
            if (state != v->expect)
                MODEL_FAIL(m, "visitor %d: hub state %d, its frames said %d", i, state, v->expect);
            if (state == PROTO_VISITOR_QUEUED && pos != v->position)
                MODEL_FAIL(m, "visitor %d: at position %d, its last queued said %d", i, pos,
                           v->position);
        } else if (m->now - v->away_since > GRACE + 1 && state != -1) {
            MODEL_FAIL(m, "visitor %d: away %.0f s, past the grace, still held", i,
                       m->now - v->away_since);
        } else if (m->now - v->away_since < GRACE - 1 && state == -1) {
            MODEL_FAIL(m, "visitor %d: away %.0f s, within the grace, but lost", i,
                       m->now - v->away_since);
        }
    }
}

static void one_step(struct model *m)
{
    uint32_t what = rnd(m, 100);
    if (trace)
        fprintf(stderr, "%ld: op %u now %.0f%s\n", m->step, what, m->now, m->lock ? " locked" : "");
    if (what < 45) {
        visitor_op(m);
    } else if (what < 80) {
        worker_op(m);
    } else if (what < 94) {
        m->now += what == 93 ? GRACE + 10 : 1 + rnd(m, 8);
    } else if (what < 97 && !m->lock) { /* another process writes for a while */
        lock_db(m);
    } else if (what < 99 && m->lock) {
        unlock_db(m);
        m->now += 1;      /* past the busy commit's retry */
    } else if (m->lock) { /* it kept the lock too long: the open batch fails */
        long before = hub_failures(m->hub);
        m->now += 31;
        turn(m);
        unlock_db(m);
        m->now += 1; /* past a retry if this turn was the first to find the lock */
        m->failures += hub_failures(m->hub) - before;
    }
    turn(m);
    check(m);
}

/* Org i's key pair in memory and its public key as DIR/NAME.pub (no
 * passphrase: argon2id twice a seed would cost more than the steps). */
static void org_key(struct model *m, int i, const char *name)
{
    char path[128], b64[64];
    crypto_box_keypair(m->pk[i], m->sk[i]);
    sodium_bin2base64(b64, sizeof(b64), m->pk[i], sizeof(m->pk[i]), sodium_base64_VARIANT_ORIGINAL);
    snprintf(path, sizeof(path), "%s/%s.pub", m->dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "chatd-transcript-pub-v1 %s\n", b64);
    assert_int_equal(fclose(f), 0);
}

static void run_seed(unsigned seed, long steps)
{
    struct model *m = calloc(1, sizeof(*m));
    char path[128], text[1024];
    m->acks = calloc(MAX_ACKS, sizeof(*m->acks));
    m->answered = calloc(MAX_CHATS, sizeof(*m->answered));
    m->seed = seed;
    m->rng = 0x9E3779B97F4A7C15ull ^ seed;
    m->now = 1795420800;
    /* in memory where there is a tmpfs: each turn commits (fsync), which a
     * busy disk made wait several times longer than the test computes */
    snprintf(m->dir, sizeof(m->dir), "%s/chatd-model-XXXXXX",
             access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp");
    assert_non_null(mkdtemp(m->dir));
    org_key(m, 0, "transcript");
    org_key(m, 1, "west");
    snprintf(path, sizeof(path), "%s/transcript.pub", m->dir);
    assert_int_equal(transcript_load_pub(path, m->pub), 0);
    snprintf(text, sizeof(text),
             "[server]\nresume_grace_s = 60\nmsg_rate_per_s = 1000\n"
             "msg_burst = 1000\ntranscript_key = %s/transcript.pub\n"
             "[org east]\noverflow_to = west\noverflow_after_s = %ld\n"
             "[org west]\ntranscript_key = %s/west.pub\noverflow_to = east\n"
             "overflow_after_s = %ld\n"
             "[topic a]\norg = east\nhours = always\nqueue_max = 100\n"
             "[topic b]\norg = west\nhours = always\nqueue_max = 100\n"
             "[question safe]\ntext_fi = T\ntext_sv = T\ntext_en = T\n"
             "answers = yes, no\nlabel_fi = K, E\nlabel_sv = J, N\nlabel_en = Y, N\n"
             "urgent = no\n",
             m->dir, overflow_after[0], m->dir, overflow_after[1]);
    assert_int_equal(config_load_text("m.ini", text, 0, &m->cfg, stderr), 0);
    assert_int_equal(store_open(m->dir, STORE_NO_WAIT, &m->st), 0);
    for (int i = 0; i < NW; i++) {
        struct store_user u = {.role = i == NW - 1 ? PROTO_ROLE_COORDINATOR : PROTO_ROLE_WORKER,
                               .pwhash = "x"};
        uint8_t hash[32];
        snprintf(m->w[i].name, sizeof(m->w[i].name), "w%d", i);
        snprintf(u.name, sizeof(u.name), "w%d", i);
        snprintf(u.alias, sizeof(u.alias), "W%d", i);
        snprintf(u.orgs, sizeof(u.orgs), "%s", i == NW - 1 ? "east,west" : org_names[i]);
        auth_token_new(m->w[i].token, hash);
        assert_int_equal(store_user_add(m->st, &u), 0);
        assert_int_equal(store_token_add(m->st, hash, u.name, (time_t)m->now + 86400 * 30), 0);
    }
    assert_int_equal(store_commit(m->st, NULL), 0);
    assert_non_null(m->auth = auth_new(1, no_wake, NULL));
    assert_non_null(m->hub = hub_new(m->cfg, m->st, m->pub, m->auth, m->now));
    for (m->step = 0; m->step < steps; m->step++) {
        /* the same hour of the same day: the counters stay in one bucket */
        one_step(m);
    }
    if (m->lock)
        unlock_db(m);
    turn(m);
    for (int i = 0; i < NV; i++)
        if (m->v[i].c)
            conn_drop(m, m->v[i].c);
    for (int i = 0; i < NW; i++)
        if (m->w[i].c)
            conn_drop(m, m->w[i].c);
    hub_free(m->hub, m->now);
    m->hub = NULL;

    /* every acked message opens from the store, at its seq, with its text,
     * under the key of the org that answered its chat */
    sqlite3 *db;
    sqlite3_stmt *s;
    snprintf(path, sizeof(path), "%s/chatd.db", m->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT k.sealed, m.segment, m.nonce, m.ct,"
                                        " (SELECT count(*) FROM transcript_msgs x WHERE x.chat ="
                                        " m.chat AND x.seq = m.seq AND x.ad = m.ad) FROM"
                                        " transcript_msgs m JOIN transcript_keys k ON k.chat ="
                                        " m.chat AND k.segment = m.segment WHERE m.chat = ?1 AND"
                                        " m.seq = ?2 AND m.ad = ?3",
                                        -1, &s, NULL),
                     SQLITE_OK);
    for (size_t i = 0; i < m->nacks; i++) {
        struct ack *a = &m->acks[i];
        sqlite3_bind_text(s, 1, a->chat, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)a->seq);
        sqlite3_bind_int(s, 3, a->whisper ? 3 : 2);
        if (sqlite3_step(s) != SQLITE_ROW)
            fail_msg("seed %u: acked message %s/%llu is not stored", seed, a->chat,
                     (unsigned long long)a->seq);
        if (sqlite3_column_int(s, 4) != 1)
            fail_msg("seed %u: seq %llu of %s is stored %d times", seed, (unsigned long long)a->seq,
                     a->chat, sqlite3_column_int(s, 4));
        int org = answered_by(m, a->chat);
        struct transcript_key *k =
            transcript_key_open(sqlite3_column_blob(s, 0), m->pk[org > 0], m->sk[org > 0]);
        if (!k && org < 0) /* no chat_started seen: either org's */
            k = transcript_key_open(sqlite3_column_blob(s, 0), m->pk[1], m->sk[1]);
        char *plain = NULL;
        size_t len;
        if (!k)
            fail_msg("seed %u: chat %s is not sealed to the key of org %d that answered it", seed,
                     a->chat, org);
        int64_t bound = a->whisper ? -(int64_t)a->seq : (int64_t)a->seq;
        assert_int_equal(transcript_open_msg(k, a->chat, sqlite3_column_int(s, 1), bound,
                                             sqlite3_column_blob(s, 2), sqlite3_column_blob(s, 3),
                                             (size_t)sqlite3_column_bytes(s, 3), &plain, &len),
                         0);
        json_t *rec = json_loads(plain, 0, NULL);
        if (strcmp(str(rec, "text"), a->text) != 0)
            fail_msg("seed %u: %s/%llu holds \"%s\", acked \"%s\"", seed, a->chat,
                     (unsigned long long)a->seq, str(rec, "text"), a->text);
        json_decref(rec);
        free(plain);
        transcript_key_free(k);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    sodium_memzero(m->sk, sizeof(m->sk));
    size_t whispers = 0;
    for (size_t i = 0; i < m->nacks; i++)
        whispers += m->acks[i].whisper;
    fprintf(stderr,
            "seed %u: %ld steps, %zu acked and stored (%zu whispers), %ld refused, %ld failed "
            "batches, %ld alert frames on the board, %ld chats answered by overflow\n",
            seed, steps, m->nacks, whispers, m->refused, m->failures, m->alerts, m->overflows);
    assert_true(m->nacks > 0);
    assert_true(whispers > 0);
    assert_true(m->alerts > 0);
    assert_true(m->overflows > 0);
    store_close(m->st);
    auth_free(m->auth);
    config_free(m->cfg);
    snprintf(path, sizeof(path), "rm -rf %s", m->dir);
    assert_int_equal(system(path), 0);
    free(m->acks);
    free(m->answered);
    free(m);
}

static void test_random_sequences_lose_nothing(void **state)
{
    (void)state;
    const char *one = getenv("CHATD_MODEL_SEED"), *steps = getenv("CHATD_MODEL_STEPS");
    trace = getenv("CHATD_MODEL_TRACE") != NULL;
    long n = steps ? atol(steps) : 1500;
    if (one) {
        run_seed((unsigned)atol(one), n);
        return;
    }
    for (unsigned seed = 1; seed <= 6; seed++)
        run_seed(seed, n);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_sequences_lose_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
