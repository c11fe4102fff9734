/*
 * test_hub: routing decisions of the hub, driven by frames on fake
 * connections (no sockets): fewest chats then longest idle, longest wait
 * across topics, transferred visitors first, capacity; a block outlasts the
 * session in memory and a restart.
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
#include <sqlite3.h>

#include "auth.h"
#include "config.h"
#include "hub.h"
#include "hub_int.h"
#include "store.h"
#include "transcript.h"
#include "hub_world.h"

static int setup(void **state)
{
    return world_setup(state, "hub", "[topic a]\nhours = always\n[topic b]\nhours = always\n");
}

static int teardown(void **state)
{
    return world_teardown(state);
}

static void send_frame(struct world *w, struct conn *c, const char *json)
{
    w->now += 1;
    hub_conn_frame(w->hub, c, json, strlen(json), w->now);
    hub_turn_end(w->hub, w->now, world_no_io, NULL);
}

/* A visitor connection that says hello (a new session, or session) and joins topic. */
static struct conn *visitor_as(struct world *w, const char *session, const char *topic)
{
    struct conn *c = calloc(1, sizeof(*c));
    char hello[160], join[64];
    conn_init(c, hub_conns(w->hub), PROTO_VISITOR, NULL);
    hub_conn_open(w->hub, c, w->now);
    if (session)
        snprintf(hello, sizeof(hello), "{\"type\":\"hello\",\"session\":\"%s\"}", session);
    else
        snprintf(hello, sizeof(hello), "{\"type\":\"hello\"}");
    send_frame(w, c, hello);
    snprintf(join, sizeof(join), "{\"type\":\"join\",\"topic\":\"%s\"}", topic);
    send_frame(w, c, join);
    return c;
}

static struct conn *visitor(struct world *w, const char *topic)
{
    return visitor_as(w, NULL, topic);
}

/* The string field key of c's next frame of type, or "" (buf holds 64). */
static const char *field_of(struct conn *c, const char *type, const char *key, char *buf)
{
    json_t *j = next_of(c, type);
    snprintf(buf, 64, "%s", j ? json_string_value(json_object_get(j, key)) : "");
    json_decref(j);
    return buf;
}

static struct conn *worker(struct world *w, const char *name, const char *duty)
{
    struct store_user u = {0};
    char token[AUTH_TOKEN_CHARS], frame[256];
    uint8_t hash[32];
    struct conn *c = calloc(1, sizeof(*c));
    snprintf(u.name, sizeof(u.name), "%s", name);
    u.role = PROTO_ROLE_WORKER;
    snprintf(u.alias, sizeof(u.alias), "%s", name);
    strcpy(u.pwhash, "x");
    assert_int_equal(store_user_add(w->st, &u), 0);
    auth_token_new(token, hash);
    assert_int_equal(store_token_add(w->st, hash, name, (time_t)w->now + 3600), 0);
    assert_int_equal(store_commit(w->st, NULL), 0);
    conn_init(c, hub_conns(w->hub), PROTO_WORKER, NULL);
    hub_conn_open(w->hub, c, w->now);
    snprintf(frame, sizeof(frame), "{\"type\":\"login\",\"token\":\"%s\"}", token);
    send_frame(w, c, frame);
    send_frame(w, c, duty);
    return c;
}

static void finish(struct world *w, struct conn **cs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hub_conn_closed(w->hub, cs[i], w->now);
        conn_fini(cs[i]);
        free(cs[i]);
    }
}

/* The chat id in c's next chat_started, or "" (buf holds 64). */
static const char *started(struct conn *c, char *buf)
{
    return field_of(c, "chat_started", "chat", buf);
}

static void test_fewest_chats_then_longest_idle(void **state)
{
    struct world *w = *state;
    char b1[64], b2[64];
    struct conn *ann =
        worker(w, "ann", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":3}");
    struct conn *ben =
        worker(w, "ben", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":3}");
    struct conn *v1 = visitor(w, "a");
    assert_string_not_equal(started(ann, b1), ""); /* ann came on duty first: idle longest */
    struct conn *v2 = visitor(w, "a");
    assert_string_not_equal(started(ben, b2), ""); /* ben has fewer chats */
    struct conn *v3 = visitor(w, "a");
    assert_string_not_equal(started(ann, b1), ""); /* tie on chats: ann has been idle longer */
    struct conn *cs[] = {ann, ben, v1, v2, v3};
    finish(w, cs, 5);
}

static void test_longest_wait_across_topics_and_capacity(void **state)
{
    struct world *w = *state;
    char b[64];
    struct conn *vb = visitor(w, "b");
    struct conn *va = visitor(w, "a");
    struct conn *cat =
        worker(w, "cat", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\",\"b\"],\"capacity\":1}");
    json_t *s = next_of(cat, "chat_started");
    assert_non_null(s);
    assert_string_equal(json_string_value(json_object_get(s, "topic")), "b");
    json_decref(s);
    assert_string_equal(started(cat, b), ""); /* capacity 1: the other waits */
    json_t *q = next_of(va, "queued");
    assert_non_null(q);
    json_decref(q);
    struct conn *cs[] = {cat, vb, va};
    finish(w, cs, 3);
}

static void test_transferred_visitor_is_served_first(void **state)
{
    struct world *w = *state;
    char chat[64], frame[128], b[64];
    struct conn *dan =
        worker(w, "dan", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":1}");
    struct conn *v1 = visitor(w, "a");
    snprintf(chat, sizeof(chat), "%s", started(dan, b));
    struct conn *waiting = visitor(w, "b"); /* already waiting in b */
    snprintf(frame, sizeof(frame), "{\"type\":\"transfer\",\"chat\":\"%s\",\"topic\":\"b\"}", chat);
    send_frame(w, dan, frame); /* nobody is on duty for b */
    json_t *e = next_of(dan, "error");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "code")), "nobody_on_duty");
    json_decref(e);
    snprintf(frame, sizeof(frame),
             "{\"type\":\"transfer\",\"chat\":\"%s\",\"topic\":\"b\",\"force\":true}", chat);
    send_frame(w, dan, frame);
    json_t *q = next_of(v1, "queued"); /* of its join in a */
    json_decref(q);
    q = next_of(v1, "queued");
    assert_non_null(q);
    assert_string_equal(json_string_value(json_object_get(q, "topic")), "b");
    assert_int_equal(json_integer_value(json_object_get(q, "position")), 1);
    assert_true(json_is_false(json_object_get(q, "staffed"))); /* and says so */
    json_decref(q);
    struct conn *eve =
        worker(w, "eve", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"b\"],\"capacity\":1}");
    assert_string_equal(started(eve, b), chat); /* the transferred chat, same id */
    struct conn *cs[] = {dan, v1, waiting, eve};
    finish(w, cs, 4);
}

static void test_block_outlasts_the_session_and_a_restart(void **state)
{
    struct world *w = *state;
    char session[64], chat[64], frame[128], b[64];
    struct conn *fay =
        worker(w, "fay", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":1}");
    struct conn *v = visitor(w, "a");
    field_of(v, "welcome", "session", session);
    snprintf(chat, sizeof(chat), "%s", started(fay, b));
    snprintf(frame, sizeof(frame), "{\"type\":\"block\",\"chat\":\"%s\",\"hours\":1}", chat);
    send_frame(w, fay, frame);
    struct conn *gone[] = {v, fay};
    finish(w, gone, 2);
    w->now += 600; /* past resume_grace_s: the session leaves memory */
    hub_tick(w->hub, w->now);

    v = visitor_as(w, session, "a");
    assert_string_equal(field_of(v, "welcome", "session", b), session); /* keeps its token */
    assert_string_equal(field_of(v, "error", "code", b), "blocked");
    finish(w, &v, 1);

    hub_free(w->hub, w->now); /* a restart */
    assert_non_null(w->hub = hub_new(w->cfg, w->st, w->pub, w->auth, w->now));
    v = visitor_as(w, session, "a");
    assert_string_equal(field_of(v, "error", "code", b), "blocked");
    finish(w, &v, 1);

    w->now += 3600; /* the hour is over */
    hub_tick(w->hub, w->now);
    v = visitor_as(w, session, "a");
    assert_string_not_equal(field_of(v, "welcome", "session", b), session);
    assert_string_equal(field_of(v, "queued", "topic", b), "a");
    finish(w, &v, 1);
}

/* Another process's write lock on the database (sqlite3, chatadmin). */
static sqlite3 *lock_db(struct world *w)
{
    char path[128];
    sqlite3 *db;
    snprintf(path, sizeof(path), "%s/chatd.db", w->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    return db;
}

static void unlock_db(sqlite3 *db)
{
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Ends turns until past the busy give-up: the open batch fails. */
static void give_up(struct world *w)
{
    w->now += 31;
    hub_turn_end(w->hub, w->now, world_no_io, NULL);
}

static long messages_stored(struct world *w, const char *chat)
{
    return store_chat_last_seq(w->st, chat);
}

/* A message whose commit fails is answered "not stored", the worker never
 * sees it, and the next one takes its seq: nothing acked is ever lost. */
static void test_failed_commit_takes_the_message_back(void **state)
{
    struct world *w = *state;
    char chat[64], b[64];
    struct conn *gil =
        worker(w, "gil", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":1}");
    struct conn *v = visitor(w, "a");
    snprintf(chat, sizeof(chat), "%s", started(gil, b));
    sqlite3 *lock = lock_db(w);
    send_frame(w, v, "{\"type\":\"msg\",\"text\":\"lost\",\"ref\":\"m1\"}");
    assert_false(has(v, "ack")); /* held while the database is busy */
    give_up(w);
    json_t *e = next_of(v, "error");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "code")), "bad_state");
    assert_string_equal(json_string_value(json_object_get(e, "ref")), "m1");
    json_decref(e);
    assert_false(has(gil, "msg"));
    unlock_db(lock);
    send_frame(w, v, "{\"type\":\"msg\",\"text\":\"kept\"}");
    json_t *ack = next_of(v, "ack");
    assert_non_null(ack);
    assert_int_equal(json_integer_value(json_object_get(ack, "seq")), 1);
    json_decref(ack);
    json_t *m = next_of(gil, "msg");
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "text")), "kept");
    json_decref(m);
    assert_int_equal(messages_stored(w, chat), 1);
    struct conn *cs[] = {gil, v};
    finish(w, cs, 2);
}

/* A chat made in a batch that fails is taken back with it: the visitor is
 * told its join was not stored, the worker's slot is free, and the chat that
 * starts later has its key stored. */
static void test_failed_commit_takes_the_new_chat_back(void **state)
{
    struct world *w = *state;
    char chat[64], b[64];
    struct conn *hal =
        worker(w, "hal", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":1}");
    struct conn *v = calloc(1, sizeof(*v));
    conn_init(v, hub_conns(w->hub), PROTO_VISITOR, NULL);
    hub_conn_open(w->hub, v, w->now);
    send_frame(w, v, "{\"type\":\"hello\"}");
    assert_true(has(v, "welcome"));
    sqlite3 *lock = lock_db(w);
    send_frame(w, v, "{\"type\":\"join\",\"topic\":\"a\",\"ref\":\"j\"}");
    assert_false(has(hal, "chat_started"));
    give_up(w);
    assert_string_equal(field_of(v, "error", "ref", b), "j");
    assert_false(has(hal, "chat_started"));
    unlock_db(lock);
    send_frame(w, v, "{\"type\":\"join\",\"topic\":\"a\"}");
    snprintf(chat, sizeof(chat), "%s", started(hal, b));
    assert_string_not_equal(chat, "");
    assert_int_equal(store_chat_last_segment(w->st, chat), 0); /* its key is stored */
    send_frame(w, hal, "{\"type\":\"end\",\"chat\":\"x\"}");
    struct conn *cs[] = {hal, v};
    finish(w, cs, 2);
}

/* Contract v2 §4: the part of a chat that ended holds its worker's slot
 * until the wrap-up is sent, or wrapup_s (120 by default) has passed. */
static void test_wrapup_holds_the_slot(void **state)
{
    struct world *w = *state;
    char chat[64], frame[160], b[64];
    struct conn *fay =
        worker(w, "fay", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":1}");
    struct conn *v1 = visitor(w, "a");
    snprintf(chat, sizeof(chat), "%s", started(fay, b));
    struct conn *v2 = visitor(w, "a");
    snprintf(frame, sizeof(frame), "{\"type\":\"end\",\"chat\":\"%s\"}", chat);
    send_frame(w, fay, frame);
    assert_string_equal(field_of(fay, "wrapup", "chat", b), chat);
    assert_string_equal(started(v2, b), ""); /* the slot is held */
    snprintf(frame, sizeof(frame),
             "{\"type\":\"wrapup\",\"chat\":\"%s\",\"kind\":\"test\",\"categories\":[]}", chat);
    send_frame(w, fay, frame);
    snprintf(chat, sizeof(chat), "%s", started(fay, b)); /* sent: v2 gets it at once */
    assert_string_not_equal(chat, "");
    snprintf(frame, sizeof(frame), "{\"type\":\"end\",\"chat\":\"%s\"}", chat);
    send_frame(w, fay, frame);
    struct conn *v3 = visitor(w, "a");
    w->now += 100;
    hub_tick(w->hub, w->now);
    hub_turn_end(w->hub, w->now, world_no_io, NULL);
    assert_string_equal(started(fay, b), ""); /* 102 s: still held */
    w->now += 20;
    assert_true(hub_next_deadline(w->hub, w->now - 20) <= w->now);
    hub_tick(w->hub, w->now);
    hub_turn_end(w->hub, w->now, world_no_io, NULL);
    assert_string_not_equal(started(fay, b), ""); /* past wrapup_s: v3 gets it */
    struct conn *cs[] = {fay, v1, v2, v3};
    finish(w, cs, 4);
}

/* A failed batch puts back every durable field of the visitor, the worker
 * and the chat it changed, whatever the batch did in between (a message,
 * the end of the chat, the wrap-up it began): the snapshot is the durable
 * group itself, taken in the object, so it needs no memory to fail on. */
static void test_failed_commit_puts_every_durable_field_back(void **state)
{
    struct world *w = *state;
    char b[64];
    struct conn *ida =
        worker(w, "ida", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":1}");
    struct conn *v = visitor(w, "a");
    char chat[64];
    snprintf(chat, sizeof(chat), "%s", started(ida, b));
    struct visitor *vis = v->session;
    struct worker *wk = ((struct tab *)ida->session)->worker;
    struct chat *ch = vis->chat;
    assert_non_null(ch);
    struct visitor_durable vd = vis->d;
    struct worker_durable wd = wk->d;
    struct chat_durable cd = ch->d;
    sqlite3 *lock = lock_db(w);
    send_frame(w, v, "{\"type\":\"msg\",\"text\":\"not stored\"}");
    send_frame(w, ida, "{\"type\":\"end\",\"chat\":\"x\"}");
    char end[128];
    snprintf(end, sizeof(end), "{\"type\":\"end\",\"chat\":\"%s\"}", chat);
    send_frame(w, ida, end);
    assert_int_equal(vis->state, PROTO_VISITOR_IDLE); /* memory moved ahead of the commit */
    assert_int_equal(wk->nchats, 0);
    give_up(w);
    unlock_db(lock);
    assert_int_equal(vis->state, vd.state);
    assert_int_equal(vis->topic, vd.topic);
    assert_ptr_equal(vis->chat, ch);
    assert_true(vis->qe.order == vd.qe.order && vis->qe.since == vd.qe.since);
    assert_string_equal(vis->last_chat, vd.last_chat);
    assert_true(vis->last_end == vd.last_end);
    assert_int_equal(wk->nchats, wd.nchats);
    assert_ptr_equal(wk->chats[0], ch);
    assert_int_equal(wk->wrapups.n, wd.wrapups.n);
    assert_true(wk->idle_order == wd.idle_order);
    assert_ptr_equal(ch->worker, wk);
    assert_true(ch->seq == cd.seq && ch->nhist == cd.nhist && ch->started == cd.started);
    assert_false(ch->ended);
    char why[256];
    assert_int_equal(hub_check(w->hub, why, sizeof(why)), 0);
    struct conn *cs[] = {ida, v};
    finish(w, cs, 2);
}

/* A config from text (any problem fails the test). */
static struct config *config_of(const char *text)
{
    struct config *cfg = NULL;
    assert_int_equal(config_load_text("reload.ini", text, 0, &cfg, stderr), 0);
    return cfg;
}

#define Q1(answers, labels)                                                                        \
    "[question q1]\ntext_fi = a\ntext_sv = a\ntext_en = a\nanswers = " answers                     \
    "\nlabel_fi = " labels "\nlabel_sv = " labels "\nlabel_en = " labels "\n"

static void test_reload_maps_topics_and_answers_by_id(void **state)
{
    struct world *w = *state;
    char why[512], b[64];
    struct config *first =
        config_of("[topic a]\nhours = always\n[topic b]\nhours = always\n" Q1("yes, no", "Y, N"));
    assert_int_equal(hub_reload(w->hub, first, w->now, why, sizeof(why)), 0);
    struct conn *v = visitor_as(w, NULL, "b");
    send_frame(w, v, "{\"type\":\"leave\"}");
    send_frame(w, v, "{\"type\":\"join\",\"topic\":\"b\",\"answers\":{\"q1\":\"no\"}}");
    assert_int_equal(w->hub->topics[1].queue.count, 1);

    /* b moves to the end, a question comes first, q1's answers change order */
    struct config *next = config_of(
        "[topic c]\nhours = always\n[topic a]\nhours = always\n"
        "[topic b]\nhours = always\n"
        "[question q0]\ntext_fi = z\ntext_sv = z\ntext_en = z\n"
        "answers = x\nlabel_fi = X\nlabel_sv = X\nlabel_en = X\n" Q1("no, maybe, yes", "N, M, Y"));
    assert_int_equal(hub_reload(w->hub, next, w->now, why, sizeof(why)), 0);
    hub_turn_end(w->hub, w->now, world_no_io, NULL);
    assert_int_equal(hub_check(w->hub, why, sizeof(why)), 0);
    assert_int_equal(w->hub->topics[2].queue.count, 1); /* b's line, now third */
    assert_int_equal(w->hub->topics[0].queue.count + w->hub->topics[1].queue.count, 0);

    struct conn *ann =
        worker(w, "ann", "{\"type\":\"duty\",\"on\":true,\"topics\":[\"b\"],\"capacity\":1}");
    json_t *cs = next_of(ann, "chat_started");
    assert_non_null(cs);
    assert_string_equal(json_string_value(json_object_get(cs, "topic")), "b");
    assert_string_equal(json_string_value(json_object_get(json_object_get(cs, "answers"), "q1")),
                        "no");
    json_decref(cs);
    assert_string_not_equal(started(v, b), "");

    /* b is still in use: a file without it is refused, and nothing moves */
    struct config *without_b = config_of("[topic a]\nhours = always\n");
    assert_int_equal(hub_reload(w->hub, without_b, w->now, why, sizeof(why)), CHAT_ERR_BAD_STATE);
    assert_non_null(strstr(why, "topic b is not in the file"));
    assert_non_null(strstr(why, "1 chat(s)"));
    config_free(without_b);
    assert_string_equal(w->hub->cfg->topics[2].id, "b");
    assert_int_equal(hub_check(w->hub, why, sizeof(why)), 0);
    struct conn *conns[] = {ann, v};
    finish(w, conns, 2);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fewest_chats_then_longest_idle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_longest_wait_across_topics_and_capacity, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_transferred_visitor_is_served_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_outlasts_the_session_and_a_restart, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_commit_takes_the_message_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrapup_holds_the_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_maps_topics_and_answers_by_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_commit_takes_the_new_chat_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_commit_puts_every_durable_field_back, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
