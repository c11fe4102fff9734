/*
 * test_route: overflow between the orgs of a federation (contract v3 §4),
 * driven by frames on fake connections like test_hub. Org east sends its
 * waiting visitors to west after overflow_after_s (100 s) and to pool after
 * twice that; a visitor's own org always goes first, only topics of the
 * same audience take part, a visitor with a language waits for a speaker
 * of the open tiers for lang_fallback_s, a partner's capacity counts, and
 * the visitor's place in its own queue never changes; a pick-mode topic
 * does not overflow.
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

#include "auth.h"
#include "config.h"
#include "hub.h"
#include "hub_int.h"
#include "route.h"
#include "staff.h"
#include "store.h"
#include "transcript.h"
#include "hub_world.h"

#define AFTER 100 /* east's overflow_after_s */

static int setup(void **state)
{
    return world_setup(state, "route",
                       "[org east]\noverflow_to = west, pool\noverflow_after_s = 100\n"
                       "[org west]\noverflow_to = east\noverflow_after_s = 100\n"
                       "[org pool]\n"
                       "[topic east_young]\norg = east\nhours = always\naudience = young\n"
                       "lang_fallback_s = 300\nurgent_after_s = 0\n"
                       "[topic east_parent]\norg = east\nhours = always\naudience = parent\n"
                       "[topic west_young]\norg = west\nhours = always\naudience = young\n"
                       "[topic west_parent]\norg = west\nhours = always\naudience = parent\n"
                       "[topic pool_young]\norg = pool\nhours = always\naudience = young\n"
                       "[topic east_pick]\norg = east\nhours = always\naudience = young\n"
                       "mode = pick\n");
}

static int teardown(void **state)
{
    return world_teardown(state);
}

/* The turn's end as the shell does it, at now. */
static void turn(struct world *w)
{
    hub_tick(w->hub, w->now);
    hub_turn_end(w->hub, w->now, world_no_io, NULL);
}

static void send_frame(struct world *w, struct conn *c, const char *json)
{
    hub_conn_frame(w->hub, c, json, strlen(json), w->now);
    turn(w);
}

/* Time passes to `at` seconds after the start. */
static void at(struct world *w, double s)
{
    w->now = WORLD_START + s;
    turn(w);
}

/* The last frame of type queued on c (the others dropped), or NULL. */
static json_t *last_of(struct conn *c, const char *type)
{
    json_t *last = NULL, *j;
    while ((j = next_of(c, type))) {
        json_decref(last);
        last = j;
    }
    return last;
}

/* A visitor (hello with lang, "" for none) joining topic. */
static struct conn *visitor(struct world *w, const char *topic, const char *lang)
{
    struct conn *c = calloc(1, sizeof(*c));
    char hello[80], join[80];
    conn_init(c, hub_conns(w->hub), PROTO_VISITOR, NULL);
    hub_conn_open(w->hub, c, w->now);
    if (lang[0])
        snprintf(hello, sizeof(hello), "{\"type\":\"hello\",\"lang\":\"%s\"}", lang);
    else
        snprintf(hello, sizeof(hello), "{\"type\":\"hello\"}");
    send_frame(w, c, hello);
    snprintf(join, sizeof(join), "{\"type\":\"join\",\"topic\":\"%s\"}", topic);
    send_frame(w, c, join);
    return c;
}

/* A worker of org orgs ("east") logged in and on duty for topics (JSON
 * list items) with capacity and langs (JSON list items, "" for any). */
static struct conn *worker(struct world *w, const char *name, const char *orgs, const char *topics,
                           int capacity, const char *langs)
{
    struct store_user u = {0};
    char token[AUTH_TOKEN_CHARS], frame[256];
    uint8_t hash[32];
    struct conn *c = calloc(1, sizeof(*c));
    snprintf(u.name, sizeof(u.name), "%s", name);
    u.role = PROTO_ROLE_WORKER;
    snprintf(u.alias, sizeof(u.alias), "%s", name);
    strcpy(u.pwhash, "x");
    snprintf(u.orgs, sizeof(u.orgs), "%s", orgs);
    assert_int_equal(store_user_add(w->st, &u), 0);
    auth_token_new(token, hash);
    assert_int_equal(store_token_add(w->st, hash, name, (time_t)w->now + 86400), 0);
    assert_int_equal(store_commit(w->st, NULL), 0);
    conn_init(c, hub_conns(w->hub), PROTO_WORKER, NULL);
    hub_conn_open(w->hub, c, w->now);
    snprintf(frame, sizeof(frame), "{\"type\":\"login\",\"token\":\"%s\"}", token);
    send_frame(w, c, frame);
    snprintf(frame, sizeof(frame),
             "{\"type\":\"duty\",\"on\":true,\"topics\":[%s],\"capacity\":%d%s%s%s}", topics,
             capacity, langs[0] ? ",\"langs\":[" : "", langs, langs[0] ? "]" : "");
    send_frame(w, c, frame);
    struct worker *sw = staff_find(w->hub, name);
    assert_true(sw && sw->on_duty); /* the duty was not refused */
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

/* c's next chat_started, or NULL (caller decrefs). */
static json_t *started(struct conn *c)
{
    return next_of(c, "chat_started");
}

static const char *str(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "";
}

/* The chat id of c's next chat_started; "" when none. */
static const char *chat_of(struct conn *c, char buf[64])
{
    json_t *s = started(c);
    snprintf(buf, 64, "%s", s ? str(s, "chat") : "");
    json_decref(s);
    return buf;
}

static void test_tiers_open_by_the_clock(void **state)
{
    struct world *w = *state;
    time_t next;
    int east_young = config_topic_index(w->cfg, "east_young");
    assert_int_equal(route_tiers_open(w->cfg, east_young, 1000, 1000 + AFTER - 1, &next), 0);
    assert_int_equal(next, 1000 + AFTER);
    assert_int_equal(route_tiers_open(w->cfg, east_young, 1000, 1000 + AFTER, &next), 1);
    assert_int_equal(next, 1000 + 2 * AFTER);
    assert_int_equal(route_tiers_open(w->cfg, east_young, 1000, 1000 + 5 * AFTER, &next), 2);
    assert_int_equal(next, -1); /* west, then pool: no third */
    int pool = config_topic_index(w->cfg, "pool_young");
    assert_int_equal(route_tiers_open(w->cfg, pool, 1000, 1000 + 5 * AFTER, &next), 0);
    assert_int_equal(next, -1);           /* pool overflows to nobody */
    w->cfg->orgs[0].overflow_after_s = 0; /* 0: every tier at once */
    assert_int_equal(route_tiers_open(w->cfg, east_young, 1000, 1000, &next), 2);
}

static void test_partner_answers_after_overflow_after_s(void **state)
{
    struct world *w = *state;
    struct conn *v = visitor(w, "east_young", "");
    json_t *q = last_of(v, "queued");
    assert_non_null(q);
    assert_false(json_is_true(json_object_get(q, "staffed"))); /* nobody anywhere */
    json_decref(q);
    struct conn *wes = worker(w, "wes", "west", "\"west_young\"", 2, "");
    at(w, AFTER - 5);
    assert_null(started(wes)); /* not yet: east's own might come */
    q = last_of(v, "queued");
    assert_non_null(q);
    assert_int_equal(json_integer_value(json_object_get(q, "position")), 1);
    /* a partner is there: the visitor is not told that nobody is */
    assert_true(json_is_true(json_object_get(q, "staffed")));
    json_decref(q);
    at(w, AFTER + 3); /* the wait began a few seconds after the start */
    json_t *s = started(wes);
    assert_non_null(s);
    assert_string_equal(str(s, "topic"), "east_young"); /* the visitor's own topic */
    assert_string_equal(str(s, "org"), "east");
    assert_true(json_is_true(json_object_get(s, "overflow")));
    assert_true(json_integer_value(json_object_get(s, "waited_s")) >= AFTER);
    json_decref(s);
    assert_true(has(v, "chat_started"));
    struct conn *cs[] = {v, wes};
    finish(w, cs, 2);
}

/* Ends the chat of worker c (its wrap-up then holds the slot). */
static void end_chat(struct world *w, struct conn *c, const char *chat)
{
    char end[128];
    snprintf(end, sizeof(end), "{\"type\":\"end\",\"chat\":\"%s\"}", chat);
    send_frame(w, c, end);
}

static void test_own_worker_goes_first(void **state)
{
    struct world *w = *state;
    char b[64], e1[64], x1[64];
    struct conn *eve = worker(w, "eve", "east", "\"east_young\"", 1, "");
    struct conn *wes = worker(w, "wes", "west", "\"west_young\"", 1, "");
    struct conn *ve = visitor(w, "east_young", "");
    struct conn *vx = visitor(w, "west_young", "");
    snprintf(e1, sizeof(e1), "%s", chat_of(eve, b));
    snprintf(x1, sizeof(x1), "%s", chat_of(wes, b));
    struct conn *v = visitor(w, "east_young", "");
    at(w, AFTER + 10); /* west's tier is open for v, but nobody is free */
    assert_string_equal(chat_of(wes, b), "");
    /* both wrap-ups end at the same moment; wes has been idle longer */
    end_chat(w, wes, x1);
    end_chat(w, eve, e1);
    at(w, AFTER + 10 + 121);
    json_t *s = started(eve);
    assert_non_null(s); /* the own worker, though the partner is free too */
    assert_string_equal(str(s, "org"), "east");
    assert_false(json_is_true(json_object_get(s, "overflow")));
    json_decref(s);
    assert_string_equal(chat_of(wes, b), "");
    struct conn *cs[] = {ve, vx, v, eve, wes};
    finish(w, cs, 5);
}

static void test_lower_tier_first(void **state)
{
    struct world *w = *state;
    struct conn *eve = worker(w, "eve", "east", "\"east_young\"", 1, "");
    struct conn *wes = worker(w, "wes", "west", "\"west_young\"", 3, "");
    struct conn *pia = worker(w, "pia", "pool", "\"pool_young\"", 3, "");
    struct conn *v1 = visitor(w, "east_young", "");
    assert_true(has(eve, "chat_started")); /* eve is full now */
    struct conn *v2 = visitor(w, "east_young", "");
    at(w, AFTER + 5); /* west's tier is open, pool's not: west takes v2 */
    json_t *s = started(wes);
    assert_non_null(s);
    json_decref(s);
    assert_null(started(pia));
    struct conn *v3 = visitor(w, "east_young", "");
    at(w, 4 * AFTER); /* both tiers open: the lower one (west, free) first */
    assert_non_null(s = started(wes));
    json_decref(s);
    assert_null(started(pia));
    struct conn *cs[] = {v1, v2, v3, eve, wes, pia};
    finish(w, cs, 6);
}

static void test_second_tier_after_twice_the_time(void **state)
{
    struct world *w = *state;
    struct conn *pia = worker(w, "pia", "pool", "\"pool_young\"", 1, "");
    struct conn *v = visitor(w, "east_young", "");
    at(w, AFTER + 10);
    assert_null(started(pia)); /* pool is east's second: it waits another AFTER */
    at(w, 2 * AFTER + 10);
    json_t *s = started(pia);
    assert_non_null(s);
    assert_string_equal(str(s, "org"), "east");
    assert_true(json_is_true(json_object_get(s, "overflow")));
    json_decref(s);
    struct conn *cs[] = {v, pia};
    finish(w, cs, 2);
}

static void test_only_the_same_audience(void **state)
{
    struct world *w = *state;
    char b[64];
    struct conn *wes = worker(w, "wes", "west", "\"west_parent\"", 2, "");
    struct conn *v = visitor(w, "east_young", "");
    at(w, 10 * AFTER);
    assert_string_equal(chat_of(wes, b), ""); /* parents' duty: not a young visitor */
    struct conn *p = visitor(w, "east_parent", "");
    at(w, 12 * AFTER);
    assert_string_not_equal(chat_of(wes, b), ""); /* a parent of east: yes */
    struct conn *cs[] = {v, p, wes};
    finish(w, cs, 3);
}

static void test_partner_capacity_counts(void **state)
{
    struct world *w = *state;
    char b[64];
    struct conn *wes = worker(w, "wes", "west", "\"west_young\"", 1, "");
    struct conn *own = visitor(w, "west_young", ""); /* west's own visitor takes its slot */
    char chat[64];
    snprintf(chat, sizeof(chat), "%s", chat_of(wes, b));
    assert_string_not_equal(chat, "");
    struct conn *v = visitor(w, "east_young", "");
    at(w, AFTER - 10);
    json_t *qs = last_of(wes, "queue_state");
    assert_non_null(qs);
    assert_int_equal(json_array_size(json_object_get(qs, "overflow_waiting")), 0);
    json_decref(qs);
    at(w, 2 * AFTER);
    qs = last_of(wes, "queue_state"); /* full, but it sees east's overflowing wait */
    assert_non_null(qs);
    json_t *ow = json_object_get(qs, "overflow_waiting");
    assert_int_equal(json_array_size(ow), 1);
    assert_string_equal(str(json_array_get(ow, 0), "topic"), "east_young");
    assert_string_equal(str(json_array_get(ow, 0), "org"), "east");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(ow, 0), "waiting")), 1);
    json_decref(qs);
    assert_null(last_of(v, "chat_started"));
    end_chat(w, wes, chat);
    w->now += 200; /* its wrap-up holds the slot (120 s) */
    turn(w);
    assert_string_not_equal(chat_of(wes, b), ""); /* the slot is free: east's visitor */
    struct conn *cs[] = {own, v, wes};
    finish(w, cs, 3);
}

static void test_language_waits_for_a_partner_speaker(void **state)
{
    struct world *w = *state;
    char b[64];
    /* a Swedish speaker of west, busy, and a Finnish-only one, free */
    struct conn *sven = worker(w, "sven", "west", "\"west_young\"", 1, "\"sv\"");
    struct conn *own = visitor(w, "west_young", "");
    assert_string_not_equal(chat_of(sven, b), "");
    struct conn *fia = worker(w, "fia", "west", "\"west_young\"", 1, "\"fi\"");
    struct conn *v = visitor(w, "east_young", "sv");
    at(w, AFTER + 10);
    assert_string_equal(chat_of(fia, b), ""); /* a speaker is on duty: v waits for one */
    at(w, 300 + 10);                          /* east_young's lang_fallback_s: anyone */
    assert_string_not_equal(chat_of(fia, b), "");
    struct conn *cs[] = {own, v, sven, fia};
    finish(w, cs, 4);
}

static void test_place_in_the_own_queue_is_kept(void **state)
{
    struct world *w = *state;
    struct conn *v1 = visitor(w, "east_young", "");
    w->now += 30;
    struct conn *v2 = visitor(w, "east_young", "");
    /* a west visitor waits in west's line, not in east's */
    struct conn *x = visitor(w, "west_young", "");
    json_t *q = last_of(v2, "queued");
    assert_int_equal(json_integer_value(json_object_get(q, "position")), 2);
    json_decref(q);
    /* v1's west tier is open, v2's not yet: a west worker with two slots
     * takes west's own visitor and v1, and v2 keeps waiting, now first */
    at(w, AFTER + 10);
    struct conn *wes = worker(w, "wes", "west", "\"west_young\"", 2, "");
    json_t *s1 = started(wes), *s2 = started(wes);
    assert_non_null(s1);
    assert_non_null(s2);
    /* in join order across the lines: east's v1 joined before west's x */
    assert_true(json_is_true(json_object_get(s1, "overflow")));
    assert_false(json_is_true(json_object_get(s2, "overflow")));
    json_decref(s1);
    json_decref(s2);
    assert_true(has(v1, "chat_started"));
    q = last_of(v2, "queued");
    assert_non_null(q);
    assert_int_equal(json_integer_value(json_object_get(q, "position")), 1);
    json_decref(q);
    struct conn *cs[] = {v1, v2, x, wes};
    finish(w, cs, 4);
}

static void test_pick_mode_does_not_overflow(void **state)
{
    struct world *w = *state;
    struct conn *wes = worker(w, "wes", "west", "\"west_young\"", 2, "");
    struct conn *v = visitor(w, "east_pick", "");
    at(w, 10 * AFTER);
    assert_null(started(wes)); /* only east's own pick from it */
    at(w, 10 * AFTER + 1);
    json_t *qs = last_of(wes, "queue_state");
    assert_non_null(qs);
    assert_int_equal(json_array_size(json_object_get(qs, "overflow_waiting")), 0);
    json_decref(qs);
    json_t *q = last_of(v, "queued");
    assert_non_null(q);
    assert_false(json_is_true(json_object_get(q, "staffed")));
    json_decref(q);
    struct conn *cs[] = {v, wes};
    finish(w, cs, 2);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tiers_open_by_the_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partner_answers_after_overflow_after_s, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_own_worker_goes_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lower_tier_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_tier_after_twice_the_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_the_same_audience, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partner_capacity_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language_waits_for_a_partner_speaker, setup, teardown),
        cmocka_unit_test_setup_teardown(test_place_in_the_own_queue_is_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pick_mode_does_not_overflow, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
