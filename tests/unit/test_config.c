/*
 * test_config: the config parser against contract §2: the example parses
 * into the expected struct, and each kind of mistake is reported as
 * NAME:LINE: message, all of them.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chat_err.h"
#include "config.h"

static const char example[] = "[server]\n"
                              "listen_host = 127.0.0.1          ; default 127.0.0.1\n"
                              "listen_port = 8080\n"
                              "data_dir = ./var\n"
                              "web_root = ./chatd/web\n"
                              "timezone = Europe/Helsinki\n"
                              "transcript_key = ./var/transcript.pub\n"
                              "retention_days = 30\n"
                              "resume_grace_s = 120\n"
                              "max_message_bytes = 16384\n"
                              "max_conns_per_source = 256\n"
                              "allowed_origins = http://localhost:8080, https://chat.example.org\n"
                              "public_origins = *\n"
                              "tls_cert =\n"
                              "tls_key =\n"
                              "\n"
                              "[topic youth]                    ; topic id\n"
                              "title_fi = Nuorten chat\n"
                              "title_sv = Ungdomschatten\n"
                              "title_en = Youth chat\n"
                              "audience = young\n"
                              "hours = mon-fri 09:00-21:00, sat 12:00-16:00\n"
                              "closed = 2026-12-24, 2026-12-25\n"
                              "extra = 2026-12-27 10:00-14:00\n"
                              "queue_max = 20\n"
                              "join_cutoff_min = 15\n"
                              "mode = auto\n";

/* Parses text; returns rc and puts what was reported into *errs (malloc'd). */
static int load(const char *text, int flags, struct config **cfg, char **errs)
{
    size_t len;
    FILE *f = open_memstream(errs, &len);
    int rc = config_load_text("t.ini", text, flags, cfg, f);
    fclose(f);
    return rc;
}

static void test_contract_example_parses(void **state)
{
    (void)state;
    struct config *c;
    char *errs;
    assert_int_equal(load(example, 0, &c, &errs), 0);
    assert_string_equal(errs, "");
    assert_string_equal(c->listen_host, "127.0.0.1");
    assert_int_equal(c->listen_port, 8080);
    assert_int_equal(c->retention_days, 30);
    assert_int_equal(c->nallowed_origins, 2);
    assert_string_equal(c->allowed_origins[1], "https://chat.example.org");
    assert_true(c->public_any);
    assert_int_equal(c->ntopics, 1);
    const struct config_topic *t = config_topic(c, "youth");
    assert_non_null(t);
    assert_string_equal(t->title[LANG_SV], "Ungdomschatten");
    assert_int_equal(t->audience, AUDIENCE_YOUNG);
    assert_int_equal(t->queue_max, 20);
    assert_int_equal(t->join_cutoff_min, 15);
    assert_int_equal(t->mode, MODE_AUTO);
    assert_int_equal(t->schedule.nweekly, 6);
    assert_int_equal(t->schedule.nclosed, 2);
    assert_int_equal(t->schedule.nextra, 1);
    assert_true(config_worker_origin_ok(c, "http://localhost:8080"));
    assert_false(config_worker_origin_ok(c, "http://evil.example"));
    assert_true(config_public_origin_ok(c, "http://evil.example"));
    config_free(c);
    free(errs);
}

static void test_defaults(void **state)
{
    (void)state;
    struct config *c;
    char *errs;
    assert_int_equal(load("[topic a]\nhours = always\n", 0, &c, &errs), 0);
    assert_int_equal(c->listen_port, 8080);
    assert_int_equal(c->resume_grace_s, 120);
    assert_int_equal(c->max_message_bytes, 16384);
    assert_string_equal(c->timezone, "Europe/Helsinki");
    assert_string_equal(c->topics[0].title[LANG_FI], "a");
    assert_int_equal(c->topics[0].audience, AUDIENCE_ANY);
    config_free(c);
    free(errs);
}

struct bad_case {
    const char *text;
    const char *want; /* every reported line, in order */
};

static const struct bad_case bad_cases[] = {
    {"[server]\nlisten_prot = 1\n[topic a]\nhours = always\n",
     "t.ini:2: unknown key \"listen_prot\" in [server]\n"},
    {"[server]\nlisten_port = 99999\n[topic a]\nhours = always\n",
     "t.ini:2: bad listen_port \"99999\": expected 0..65535\n"},
    {"[server]\nlisten_port = 80x\n[topic a]\nhours = always\n",
     "t.ini:2: bad listen_port \"80x\": expected 0..65535\n"},
    {"[topic a]\nhours = mon-fry 09:00-10:00\n",
     "t.ini:2: bad hours: bad day \"mon-fry\": expected mon..sun, a range like mon-fri, or "
     "daily\n"},
    {"[topic a]\nhours = mon 09:00-25:00\n",
     "t.ini:2: bad hours: bad time range \"09:00-25:00\": expected HH:MM-HH:MM\n"},
    {"[topic a]\nhours = always\nclosed = 2027-02-29\n",
     "t.ini:3: bad closed: bad date \"2027-02-29\": expected YYYY-MM-DD\n"},
    {"[topic a]\nhours = always\naudience = kids\n",
     "t.ini:3: bad audience \"kids\": expected young, parent or any\n"},
    {"[topic a]\nhours = always\nmode = manual\n",
     "t.ini:3: bad mode \"manual\": expected auto or pick\n"},
    {"[topic A!]\nhours = always\n[topic b]\nhours = always\n",
     "t.ini:1: bad topic id \"A!\": use 1..32 of a-z 0-9 _ -\n"},
    {"[server]\n[topic a]\n",
     "t.ini:2: topic a has no hours (use always, never or DAYS HH:MM-HH:MM)\n"},
    {"[server]\nlisten_port = 1\n",
     "t.ini:1: no [topic ID] section: at least one topic is needed\n"},
    {"[server]\ntimezone = Mars/Olympus\n[topic a]\nhours = always\n",
     "t.ini:2: unknown timezone \"Mars/Olympus\" (see /usr/share/zoneinfo)\n"},
    {"[server]\ntls_cert = /x\n[topic a]\nhours = always\n",
     "t.ini:1: tls_cert and tls_key must be set together\n"},
    {"[server]\nallowed_origins = localhost:8080\n[topic a]\nhours = always\n",
     "t.ini:2: bad origin \"localhost:8080\" in allowed_origins: expected scheme://host[:port]\n"},
    {"[sever]\nx = 1\n[topic a]\nhours = always\n",
     "t.ini:1: unknown section [sever]: expected [server], [topic ID] or [canned]\n"},
    {"[topic a]\nhours = always\nqueue_max = 0\n[topic a]\nhours = never\n",
     "t.ini:3: bad queue_max \"0\": expected 1..100000\nt.ini:4: duplicate topic \"a\"\n"},
    {"[server]\nlisten_port = 1\nlisten_port = 2\ngarbage\n[topic a]\nhours = always\n",
     "t.ini:3: duplicate key \"listen_port\" in [server]\nt.ini:4: expected key = value\n"},
};

static void test_each_error_names_file_and_line(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        struct config *c = (struct config *)1;
        char *errs;
        int rc = load(bad_cases[i].text, 0, &c, &errs);
        if (rc != CHAT_ERR_BAD_REQUEST || c != NULL || strcmp(errs, bad_cases[i].want) != 0)
            fail_msg("case %zu: rc %d, reported:\n%s\nwanted:\n%s", i, rc, errs, bad_cases[i].want);
        free(errs);
    }
}

static void test_missing_key_file_is_reported_with_its_line(void **state)
{
    (void)state;
    struct config *c;
    char *errs;
    assert_int_equal(
        load("[server]\ntranscript_key = /nonexistent/t.pub\n[topic a]\nhours = always\n",
             CONFIG_REQUIRE_KEY, &c, &errs),
        CHAT_ERR_BAD_REQUEST);
    assert_string_equal(errs, "t.ini:2: transcript_key file \"/nonexistent/t.pub\" not found (make "
                              "one with: chatadmin keygen --out DIR)\n");
    free(errs);

    char path[] = "/tmp/chatd-key-XXXXXX", text[256];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    snprintf(text, sizeof(text), "[server]\ntranscript_key = %s\n[topic a]\nhours = always\n",
             path);
    assert_int_equal(load(text, CONFIG_REQUIRE_KEY, &c, &errs), 0);
    config_free(c);
    free(errs);
    unlink(path);
}

static void test_canned_replies(void **state)
{
    (void)state;
    struct config *c;
    char *errs;
    assert_int_equal(
        load("[topic a]\nhours = always\n[canned]\nreply = Hei!\nreply = Moi\n", 0, &c, &errs), 0);
    assert_int_equal(c->ncanned, 2);
    assert_string_equal(c->canned[1], "Moi");
    config_free(c);
    free(errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_example_parses),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_each_error_names_file_and_line),
        cmocka_unit_test(test_missing_key_file_is_reported_with_its_line),
        cmocka_unit_test(test_canned_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
