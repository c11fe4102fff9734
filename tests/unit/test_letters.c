/*
 * test_letters: the letters' checks (contract v3 §3) as tables: base64url
 * fields to their exact sizes, letter_send / letter_pickup / worker frames
 * decoded or refused, the letters key files of the config (FILE:LINE), and
 * the in-memory threads: pickup lookup, due times, answers, retention.
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
#include "letters.h"
#include "proto.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- base64url ---- */

static void test_b64url_sizes_and_canonical_form(void **state)
{
    static const struct {
        const char *s;
        long bytes;
    } cases[] = {
        {"AA", 1},
        {"AAA", 2},
        {"AAAA", 3},
        {"AAAAAA", 4},
        {"A", -1},
        {"AAAAA", -1},
        {"", -1},
        {"AA==", -1},
        {"A+", -1},
        {"A/", -1},
        {"A B", -1},
        {"AB", -1}, /* low bits set */
        {"AAB", -1},
        {"AAE", 2},
        {"_-_-", 3},
        {"AQ", 1},
        {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 32}, /* a key: 43 characters */
        {"AAAAAAAAAAAAAAAA", 12},                            /* an iv */
        {"AAAAAAAAAAAAAAAAAAAAAA", 16},                      /* a salt */
    };
    (void)state;
    for (size_t i = 0; i < N(cases); i++) {
        long got = proto_b64url_bytes(cases[i].s);
        if (got != cases[i].bytes)
            fail_msg("\"%s\": %ld bytes, expected %ld", cases[i].s, got, cases[i].bytes);
    }
}

/* ---- decoding ---- */

#define K32 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define K31 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define IV "AAAAAAAAAAAAAAAA"
#define SALT "AAAAAAAAAAAAAAAAAAAAAA"
#define CT "AAAAAAAAAAAAAAAAAAAAAAAA" /* 18 bytes */
#define WCT K32 K32                   /* 64 bytes: PKCS#8 and the tag */
#define BOX "{\"epk\":\"" K32 "\",\"iv\":\"" IV "\",\"ct\":\"" CT "\"}"
#define WRAP "{\"salt\":\"" SALT "\",\"iv\":\"" IV "\",\"ct\":\"" WCT "\"}"
#define FIRST                                                                                      \
    "\"pickup\":\"" K32 "\",\"letter\":" BOX ",\"own\":" BOX ",\"reply_pub\":\"" K32               \
    "\",\"reply_key\":" WRAP

static void test_letter_frames_decode_or_are_refused(void **state)
{
    static const struct { /* NOLINT(clang-analyzer-optin.performance.Padding): a table */
        enum proto_role role;
        const char *frame;
        int rc;
    } cases[] = {
        {PROTO_VISITOR, "{\"type\":\"letter_send\",\"topic\":\"youth\"," FIRST ",\"lang\":\"fi\"}",
         0},
        {PROTO_VISITOR, "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\",\"letter\":" BOX "}", 0},
        {PROTO_VISITOR, "{\"type\":\"letter_send\",\"pickup\":\"" K31 "\",\"letter\":" BOX "}",
         CHAT_ERR_BAD_REQUEST},
        {PROTO_VISITOR, "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\"}", CHAT_ERR_BAD_REQUEST},
        {PROTO_VISITOR,
         "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\",\"letter\":{\"epk\":\"" K31
         "\",\"iv\":\"" IV "\",\"ct\":\"" CT "\"}}",
         CHAT_ERR_BAD_REQUEST},
        {PROTO_VISITOR,
         "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\",\"letter\":{\"epk\":\"" K32
         "\",\"iv\":\"" SALT "\",\"ct\":\"" CT "\"}}",
         CHAT_ERR_BAD_REQUEST},
        {PROTO_VISITOR,
         "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\",\"letter\":{\"epk\":\"" K32
         "\",\"iv\":\"" IV "\",\"ct\":\"AAAAAAAAAAAAAAAAAAAAAA\"}}", /* 16 bytes: only a tag */
         CHAT_ERR_BAD_REQUEST},
        {PROTO_VISITOR,
         "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\",\"letter\":{\"epk\":\"" K32
         "\",\"iv\":\"" IV "\",\"ct\":\"" CT "\",\"x\":1}}",
         CHAT_ERR_BAD_REQUEST},
        {PROTO_VISITOR,
         "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\",\"letter\":" BOX
         ",\"reply_key\":{\"salt\":\"" IV "\",\"iv\":\"" IV "\",\"ct\":\"" WCT "\"}}",
         CHAT_ERR_BAD_REQUEST},
        {PROTO_VISITOR,
         "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\",\"letter\":" BOX ",\"lang\":\"xx\"}",
         CHAT_ERR_BAD_REQUEST},
        {PROTO_VISITOR, "{\"type\":\"letter_pickup\",\"pickup\":\"" K32 "\"}", 0},
        {PROTO_VISITOR, "{\"type\":\"letter_pickup\",\"pickup\":\"" K32 "=\"}",
         CHAT_ERR_BAD_REQUEST},
        {PROTO_VISITOR, "{\"type\":\"letter_pickup\"}", CHAT_ERR_BAD_REQUEST},
        {PROTO_WORKER, "{\"type\":\"letter_pickup\",\"pickup\":\"" K32 "\"}",
         CHAT_ERR_UNKNOWN_TYPE},
        {PROTO_VISITOR, "{\"type\":\"letters\"}", CHAT_ERR_UNKNOWN_TYPE},
        {PROTO_WORKER, "{\"type\":\"letters\"}", 0},
        {PROTO_WORKER, "{\"type\":\"letters\",\"state\":\"all\"}", 0},
        {PROTO_WORKER, "{\"type\":\"letters\",\"state\":\"done\"}", CHAT_ERR_BAD_REQUEST},
        {PROTO_WORKER, "{\"type\":\"letters_key\"}", 0},
        {PROTO_WORKER, "{\"type\":\"letter_take\",\"thread\":\"abc\"}", 0},
        {PROTO_WORKER, "{\"type\":\"letter_release\"}", CHAT_ERR_BAD_REQUEST},
        {PROTO_WORKER,
         "{\"type\":\"letter_answer\",\"thread\":\"abc\",\"reply\":" BOX ",\"copy\":" BOX "}", 0},
        {PROTO_WORKER, "{\"type\":\"letter_answer\",\"thread\":\"abc\",\"reply\":" BOX "}",
         CHAT_ERR_BAD_REQUEST},
    };
    (void)state;
    for (size_t i = 0; i < N(cases); i++) {
        struct proto_req r;
        int rc = proto_decode(&proto_langs_base, cases[i].role, cases[i].frame,
                              strlen(cases[i].frame), &r);
        if (rc != cases[i].rc)
            fail_msg("case %zu: %d, expected %d: %s", i, rc, cases[i].rc, cases[i].frame);
        proto_req_fini(&r);
    }
}

static void test_letter_send_fields(void **state)
{
    const char *f = "{\"type\":\"letter_send\",\"topic\":\"youth\"," FIRST ",\"lang\":\"sv\"}";
    struct proto_req r;
    (void)state;
    assert_int_equal(proto_decode(&proto_langs_base, PROTO_VISITOR, f, strlen(f), &r), 0);
    assert_int_equal(r.type, PT_LETTER_SEND);
    assert_string_equal(r.topic, "youth");
    assert_string_equal(r.pickup, K32);
    assert_string_equal(r.letter.ct, CT);
    assert_string_equal(r.own.iv, IV);
    assert_true(r.has_reply_key);
    assert_string_equal(r.reply_key.ct, WCT);
    assert_string_equal(proto_langs_code(&proto_langs_base, r.lang), "sv");
    char *box = proto_box_text(&r.letter);
    assert_string_equal(box, BOX);
    free(box);
    proto_req_fini(&r);
}

static void test_largest_box_fits(void **state)
{
    /* 8,000 characters of 4 bytes and the tag: 32016 bytes, 42688 characters */
    size_t n = 42688;
    char *ct = malloc(n + 5), *frame = malloc(n + 512);
    (void)state;
    memset(ct, 'A', n);
    ct[n] = '\0';
    assert_int_equal(proto_b64url_bytes(ct), PROTO_BOX_CT_MAX);
    snprintf(frame, n + 512,
             "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\",\"letter\":{\"epk\":\"" K32
             "\",\"iv\":\"" IV "\",\"ct\":\"%s\"}}",
             ct);
    struct proto_req r;
    assert_int_equal(proto_decode(&proto_langs_base, PROTO_VISITOR, frame, strlen(frame), &r), 0);
    proto_req_fini(&r);
    strcpy(ct + n, "AAAA"); /* three bytes more */
    snprintf(frame, n + 512,
             "{\"type\":\"letter_send\",\"pickup\":\"" K32 "\",\"letter\":{\"epk\":\"" K32
             "\",\"iv\":\"" IV "\",\"ct\":\"%s\"}}",
             ct);
    assert_int_equal(proto_decode(&proto_langs_base, PROTO_VISITOR, frame, strlen(frame), &r),
                     CHAT_ERR_BAD_REQUEST);
    proto_req_fini(&r);
    free(ct);
    free(frame);
}

/* ---- the config's letters keys ---- */

static char dir[] = "/tmp/test_letters_XXXXXX";

static void put(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Loads text with the key files read; the messages into errs. */
static int load(const char *text, char *errs, size_t size)
{
    struct config *cfg = NULL;
    FILE *e = fmemopen(errs, size, "w");
    int rc = config_load_text("t.ini", text, CONFIG_REQUIRE_KEY, &cfg, e);
    fclose(e);
    config_free(cfg);
    return rc;
}

static void test_config_letters_keys(void **state)
{
    char text[2048], errs[2048];
    (void)state;
    assert_non_null(mkdtemp(dir));
    put("transcript.pub", "x");
    put("good.pub", K32 "\n");
    put("good.key", WRAP "\n");
    put("short.pub", K31 "\n");
    put("bad.key", "{\"salt\":\"" IV "\",\"iv\":\"" IV "\",\"ct\":\"" WCT "\"}");
    static const struct {
        const char *pub, *key, *topic;
        const char *error; /* NULL: valid */
    } cases[] = {
        {"good.pub", "good.key", "letters = on", NULL},
        {NULL, NULL, "letters = off", NULL},
        {NULL, NULL, "letters = on",
         "t.ini:5: letters = on needs [server] letters_pub and letters_key (make them with: "
         "chatadmin letters keygen --out DIR)\n"},
        {"short.pub", "good.key", "letters = on",
         "t.ini:3: bad letters_pub file \"%s/short.pub\": expected one line, the base64url of a "
         "32-byte X25519 public key (chatadmin letters keygen)\n"},
        {"good.pub", "bad.key", "letters = on",
         "t.ini:4: bad letters_key file \"%s/bad.key\": expected the JSON {\"salt\",\"iv\",\"ct\"} "
         "that chatadmin letters keygen writes\n"},
        {"good.pub", "gone.key", "letters = on",
         "t.ini:4: cannot read letters_key \"%s/gone.key\": No such file or directory\n"},
        {NULL, NULL, "letters = yes", "t.ini:7: bad letters \"yes\": expected on or off\n"},
        {NULL, NULL, "letter_days = 0", "t.ini:7: bad letter_days \"0\": expected 1..60\n"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char want[1024] = "";
        int n = snprintf(text, sizeof(text), "[server]\ntranscript_key = %s/transcript.pub\n", dir);
        if (cases[i].pub)
            n += snprintf(text + n, sizeof(text) - (size_t)n,
                          "letters_pub = %s/%s\nletters_key = %s/%s\n", dir, cases[i].pub, dir,
                          cases[i].key);
        else
            n += snprintf(text + n, sizeof(text) - (size_t)n, ";\n;\n");
        snprintf(text + n, sizeof(text) - (size_t)n, "[topic a]\nhours = always\n%s\n",
                 cases[i].topic);
        memset(errs, 0, sizeof(errs));
        int rc = load(text, errs, sizeof(errs));
        if (cases[i].error) { /* the message with its %s replaced by dir */
            const char *at = strstr(cases[i].error, "%s");
            if (at)
                snprintf(want, sizeof(want), "%.*s%s%s", (int)(at - cases[i].error), cases[i].error,
                         dir, at + 2);
            else
                snprintf(want, sizeof(want), "%s", cases[i].error);
        }
        if ((rc == 0) != (cases[i].error == NULL) || strcmp(errs, want) != 0)
            fail_msg("case %zu: rc %d, said \"%s\", expected \"%s\"", i, rc, errs, want);
    }
    /* what chatd keeps of them */
    struct config *cfg;
    snprintf(text, sizeof(text),
             "[server]\ntranscript_key = %s/transcript.pub\nletters_pub = %s/good.pub\n"
             "letters_key = %s/good.key\n[topic a]\nhours = always\nletters = on\n"
             "letter_days = 7\n[topic b]\nhours = always\n",
             dir, dir, dir);
    assert_int_equal(config_load_text("t.ini", text, CONFIG_REQUIRE_KEY, &cfg, stderr), 0);
    assert_string_equal(cfg->letters_pub, K32);
    assert_string_equal(cfg->letters_wrapped, WRAP);
    assert_true(cfg->letters_on);
    assert_true(cfg->topics[0].letters);
    assert_int_equal(cfg->topics[0].letter_days, 7);
    assert_false(cfg->topics[1].letters);
    assert_int_equal(cfg->topics[1].letter_days, 5);
    assert_int_equal(cfg->letter_retention_days, 30);
    config_free(cfg);
    const char *files[] = {"transcript.pub", "good.pub", "good.key", "short.pub", "bad.key"};
    for (size_t i = 0; i < N(files); i++) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* ---- the threads ---- */

static void test_pickup_lookup_finds_the_one(void **state)
{
    struct letters l;
    struct letter_thread t = {0};
    uint8_t p[LETTERS_PICKUP_BYTES] = {0};
    (void)state;
    letters_init(&l);
    for (int i = 0; i < 5; i++) {
        snprintf(t.id, sizeof(t.id), "%02x", i);
        memset(t.pickup, 0, sizeof(t.pickup));
        t.pickup[31] = (uint8_t)(i + 1);
        assert_int_equal(letters_add(&l, &t), 0);
    }
    for (int i = 0; i < 5; i++) {
        p[31] = (uint8_t)(i + 1);
        assert_int_equal(letters_find_pickup(&l, p), i);
    }
    p[31] = 9;
    assert_int_equal(letters_find_pickup(&l, p), -1);
    p[31] = 1;
    p[0] = 1; /* differs only in the first byte */
    assert_int_equal(letters_find_pickup(&l, p), -1);
    assert_int_equal(letters_find(&l, "03"), 3);
    letters_remove(&l, 0);
    assert_int_equal(letters_find(&l, "00"), -1);
    assert_int_equal(letters_find(&l, "04"), 0);
    letters_fini(&l);
}

static void test_due_answer_and_retention(void **state)
{
    struct letter_thread t = {.last_answer = -1, .waiting_since = -1};
    long s;
    bool overdue;
    (void)state;
    t.received = 1000;
    letters_letter(&t, 1000, 5);
    assert_int_equal(t.due, 1000 + 5 * 86400);
    letters_letter(&t, 2000, 5); /* a second letter keeps the first promise */
    assert_int_equal(t.due, 1000 + 5 * 86400);
    assert_int_equal(letters_expires(&t, 30), 2000 + 30 * 86400);
    t.state = LETTER_TAKEN;
    letters_answer(&t, 4000, &s, &overdue);
    assert_int_equal(s, 3000);
    assert_false(overdue);
    assert_int_equal(t.state, LETTER_ANSWERED);
    assert_int_equal(t.nitems, 3);
    assert_int_equal(letters_expires(&t, 30), 4000 + 30 * 86400);
    letters_letter(&t, 10000, 2); /* new again, a new promise */
    assert_int_equal(t.state, LETTER_NEW);
    assert_int_equal(t.due, 10000 + 2 * 86400);
    letters_answer(&t, 10000 + 3 * 86400, &s, &overdue);
    assert_int_equal(s, 3 * 86400);
    assert_true(overdue);
    assert_string_equal(letters_state_name(LETTER_TAKEN), "taken");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b64url_sizes_and_canonical_form),
        cmocka_unit_test(test_letter_frames_decode_or_are_refused),
        cmocka_unit_test(test_letter_send_fields),
        cmocka_unit_test(test_largest_box_fits),
        cmocka_unit_test(test_config_letters_keys),
        cmocka_unit_test(test_pickup_lookup_finds_the_one),
        cmocka_unit_test(test_due_answer_and_retention),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
