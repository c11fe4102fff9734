/*
 * test_scope: who sees which org's topics, chats and reports (contract v3
 * §4, chatd/scope.c), as tables: each role and org against each topic and
 * chat, the bearer's scope, a report's org, and the hours' scope.
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

#include "auth.h"
#include "config.h"
#include "hours.h"
#include "orgs.h"
#include "scope.h"
#include "store.h"

/* east: topics e1, e2; west: w1; pool: p1 (declared in that order). */
static const char CONFIG[] = "[org east]\n[org west]\n[org pool]\n"
                             "[topic e1]\nhours = always\norg = east\n"
                             "[topic w1]\nhours = always\norg = west\n"
                             "[topic e2]\nhours = always\norg = east\n"
                             "[topic p1]\nhours = always\norg = pool\n";
enum { E1 = 1u << 0, W1 = 1u << 1, E2 = 1u << 2, P1 = 1u << 3 };

struct world {
    char dir[64];
    struct config *cfg;
    struct store *st;
    struct hub *h; /* only cfg and st: scope reads nothing else */
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    strcpy(w->dir, "/tmp/chatd-scope-XXXXXX");
    if (!w || !mkdtemp(w->dir) || config_load_text("s.ini", CONFIG, 0, &w->cfg, stderr) != 0 ||
        store_open(w->dir, STORE_NO_WAIT, &w->st) != 0 || !(w->h = calloc(1, sizeof(*w->h))))
        return -1;
    w->h->cfg = w->cfg;
    w->h->st = w->st;
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    char cmd[128];
    free(w->h);
    store_close(w->st);
    config_free(w->cfg);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
    free(w);
    return system(cmd) == 0 ? 0 : -1;
}

/* A worker session as staff.c makes it from a user's orgs text. */
static struct worker staff(const struct config *cfg, enum proto_staff_role role, const char *orgs)
{
    struct worker s = {.role = role};
    snprintf(s.orgs_text, sizeof(s.orgs_text), "%s", orgs);
    s.orgs = orgs_mask(cfg, orgs);
    s.fed_admin = orgs_all(orgs) && role == PROTO_ROLE_ADMIN;
    return s;
}

static void test_topics_of_orgs(void **state)
{
    struct world *w = *state;
    static const struct {
        const char *orgs;
        uint32_t topics;
    } cases[] = {
        {"east", E1 | E2},        {"west", W1}, {"east,pool", E1 | E2 | P1},
        {"*", E1 | W1 | E2 | P1}, {"north", 0}, /* an org gone from the config: nothing */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct worker s = staff(w->cfg, PROTO_ROLE_COORDINATOR, cases[i].orgs);
        assert_int_equal(scope_worker_topics(w->h, &s), cases[i].topics);
        for (int t = 0; t < 4; t++)
            assert_int_equal(scope_topic(w->h, &s, t), (cases[i].topics >> t) & 1);
        assert_false(scope_topic(w->h, &s, -1));
        assert_false(scope_topic(w->h, &s, 4));
    }
}

/* A chat is in scope by its topic's org or by its worker's orgs (an
 * overflow chat that a partner's worker answers). */
static void test_chat_by_topic_or_worker(void **state)
{
    struct world *w = *state;
    struct worker east_worker = staff(w->cfg, PROTO_ROLE_WORKER, "east");
    struct worker pool_worker = staff(w->cfg, PROTO_ROLE_WORKER, "pool");
    struct worker east = staff(w->cfg, PROTO_ROLE_COORDINATOR, "east");
    struct worker west = staff(w->cfg, PROTO_ROLE_COORDINATOR, "west");
    struct worker pool = staff(w->cfg, PROTO_ROLE_ADMIN, "pool");
    struct worker fed = staff(w->cfg, PROTO_ROLE_ADMIN, "*");
    struct chat waiting = {.topic = 0}, mine = {.topic = 2}, overflow = {.topic = 0};
    mine.worker = &east_worker;
    overflow.worker = &pool_worker; /* east's visitor, answered by pool */
    static const struct {
        const char *what;
        int chat; /* 0 waiting, 1 mine, 2 overflow */
        int who;  /* 0 east, 1 west, 2 pool, 3 fed */
        bool sees;
    } cases[] = {
        {"east's waiting chat, east", 0, 0, true},  {"east's waiting chat, west", 0, 1, false},
        {"east's waiting chat, pool", 0, 2, false}, {"east's waiting chat, fed", 0, 3, true},
        {"east's chat, east", 1, 0, true},          {"east's chat, west", 1, 1, false},
        {"overflow to pool, east", 2, 0, true},     {"overflow to pool, pool", 2, 2, true},
        {"overflow to pool, west", 2, 1, false},    {"overflow to pool, fed", 2, 3, true},
    };
    const struct chat *chats[] = {&waiting, &mine, &overflow};
    const struct worker *who[] = {&east, &west, &pool, &fed};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (scope_chat(w->h, who[cases[i].who], chats[cases[i].chat]) != cases[i].sees)
            fail_msg("%s: expected %d", cases[i].what, cases[i].sees);
    }
}

/* A user with a token; the token. */
static void user_token(struct world *w, const char *name, enum proto_staff_role role,
                       const char *orgs, char token[AUTH_TOKEN_CHARS])
{
    struct store_user u = {.role = role};
    uint8_t hash[32];
    snprintf(u.name, sizeof(u.name), "%s", name);
    snprintf(u.alias, sizeof(u.alias), "%s", name);
    snprintf(u.orgs, sizeof(u.orgs), "%s", orgs);
    strcpy(u.pwhash, "x");
    assert_int_equal(store_user_add(w->st, &u), 0);
    auth_token_new(token, hash);
    assert_int_equal(store_token_add(w->st, hash, name, 1795420800 + 3600), 0);
    assert_int_equal(store_commit(w->st, NULL), 0);
}

/* The bearer's scope, and a report's org checked against it: table of
 * user x org asked. */
static void test_bearer_and_report_org(void **state)
{
    struct world *w = *state;
    char worker[AUTH_TOKEN_CHARS], east[AUTH_TOKEN_CHARS], fed[AUTH_TOKEN_CHARS];
    struct scope_user u;
    time_t now = 1795420800;
    user_token(w, "erin", PROTO_ROLE_WORKER, "east", worker);
    user_token(w, "cora", PROTO_ROLE_COORDINATOR, "east", east);
    user_token(w, "fay", PROTO_ROLE_ADMIN, "*", fed);
    assert_int_equal(scope_bearer(w->h, worker, now, &u), CHAT_ERR_FORBIDDEN);
    assert_int_equal(scope_bearer(w->h, "nope", now, &u), CHAT_ERR_UNAUTHORIZED);
    assert_int_equal(scope_bearer(w->h, "", now, &u), CHAT_ERR_UNAUTHORIZED);
    assert_int_equal(scope_bearer(w->h, east, now + 7200, &u), CHAT_ERR_UNAUTHORIZED); /* expired */

    static const struct {
        int who; /* 0 cora (east), 1 fay (*) */
        const char *org;
        int rc;
        uint32_t topics;
    } cases[] = {
        {0, NULL, 0, E1 | E2},
        {0, "east", 0, E1 | E2},
        {0, "west", CHAT_ERR_FORBIDDEN, 0},
        {0, "north", CHAT_ERR_BAD_REQUEST, 0},
        {1, NULL, 0, E1 | W1 | E2 | P1},
        {1, "west", 0, W1},
        {1, "pool", 0, P1},
        {1, "north", CHAT_ERR_BAD_REQUEST, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t topics = 0;
        assert_int_equal(scope_bearer(w->h, cases[i].who ? fed : east, now, &u), 0);
        assert_int_equal(u.all, cases[i].who == 1);
        assert_int_equal(scope_report_topics(w->h, &u, cases[i].org, &topics), cases[i].rc);
        if (cases[i].rc == 0)
            assert_int_equal(topics, cases[i].topics);
    }
}

/* The hours' scope: ids of the asker's topics; unscoped holds all. */
static void test_hours_scope(void **state)
{
    (void)state;
    struct hours_scope s = {.scoped = true, .n = 2};
    strcpy(s.topics[0], "e1");
    strcpy(s.topics[1], "e2");
    assert_true(hours_scope_has(&s, "e1"));
    assert_true(hours_scope_has(&s, "e2"));
    assert_false(hours_scope_has(&s, "w1"));
    assert_false(hours_scope_has(&s, "e"));
    s.scoped = false;
    assert_true(hours_scope_has(&s, "w1"));
    assert_true(hours_scope_has(NULL, "anything"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topics_of_orgs),
        cmocka_unit_test(test_chat_by_topic_or_worker),
        cmocka_unit_test(test_bearer_and_report_org),
        cmocka_unit_test(test_hours_scope),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
