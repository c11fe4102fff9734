/*
 * test_proto: the wire codec against contract §3, as tables of frames and
 * expected outcomes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

struct decode_case {
    enum proto_role role;
    const char *frame;
    int want;        /* 0 or a chat_err */
    const char *ref; /* expected ref, "" for none */
};

static const struct decode_case decode_cases[] = {
    {PROTO_VISITOR, "{\"type\":\"hello\"}", 0, ""},
    {PROTO_VISITOR, "{\"type\":\"hello\",\"lang\":\"sv\",\"ref\":\"a1\"}", 0, "a1"},
    {PROTO_VISITOR, "{\"type\":\"hello\",\"lang\":\"de\",\"ref\":\"a2\"}", CHAT_ERR_BAD_REQUEST,
     "a2"},
    {PROTO_VISITOR, "{\"type\":\"hello\",\"session\":5}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"join\",\"topic\":\"youth\"}", 0, ""},
    {PROTO_VISITOR, "{\"type\":\"join\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"join\",\"topic\":\"\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"msg\",\"text\":\"hei\"}", 0, ""},
    {PROTO_VISITOR, "{\"type\":\"msg\",\"text\":\"\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"msg\",\"text\":\"a\\u0000b\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"typing\",\"on\":true}", 0, ""},
    {PROTO_VISITOR, "{\"type\":\"typing\",\"on\":1}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"leave\"}", 0, ""},
    {PROTO_VISITOR, "{\"type\":\"feedback\",\"chat\":\"c\",\"score\":5}", 0, ""},
    {PROTO_VISITOR, "{\"type\":\"feedback\",\"chat\":\"c\",\"score\":6}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"login\",\"user\":\"a\",\"password\":\"b\"}", CHAT_ERR_UNKNOWN_TYPE,
     ""},
    {PROTO_VISITOR, "{\"type\":\"nope\",\"ref\":\"x\"}", CHAT_ERR_UNKNOWN_TYPE, "x"},
    {PROTO_VISITOR, "{\"type\":7}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"ref\":\"r\"}", CHAT_ERR_BAD_REQUEST, "r"},
    {PROTO_VISITOR, "[1,2]", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"hello\"", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"hello\",\"type\":\"join\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"hello\",\"x\":[[[[[1]]]]]}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR,
     "{\"type\":\"hello\",\"ref\":"
     "\"12345678901234567890123456789012345678901234567890123456789012345\"}",
     CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER, "{\"type\":\"login\",\"user\":\"a\",\"password\":\"b\"}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"login\",\"token\":\"t\"}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"login\",\"user\":\"a\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER, "{\"type\":\"duty\",\"on\":true,\"topics\":[\"youth\"],\"capacity\":3}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"duty\",\"on\":true,\"topics\":[\"youth\"],\"capacity\":11}",
     CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER, "{\"type\":\"duty\",\"on\":true,\"topics\":[],\"capacity\":1}",
     CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER, "{\"type\":\"duty\",\"on\":false}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"msg\",\"chat\":\"c\",\"text\":\"t\"}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"msg\",\"text\":\"t\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER, "{\"type\":\"block\",\"chat\":\"c\",\"hours\":169}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER, "{\"type\":\"block\",\"chat\":\"c\",\"hours\":168}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"transfer\",\"chat\":\"c\",\"topic\":\"p\"}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"join\",\"topic\":\"youth\"}", CHAT_ERR_UNKNOWN_TYPE, ""},
    {PROTO_STATUS, "{\"type\":\"hello\"}", CHAT_ERR_UNKNOWN_TYPE, ""},
};

static void test_decode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
        const struct decode_case *c = &decode_cases[i];
        struct proto_req r;
        int rc = proto_decode(c->role, c->frame, strlen(c->frame), &r);
        if (rc != c->want || strcmp(r.ref, c->ref) != 0)
            fail_msg("case %zu %s: got %d ref \"%s\", want %d ref \"%s\"", i, c->frame, rc, r.ref,
                     c->want, c->ref);
        proto_req_fini(&r);
    }
}

static void test_msg_text_limit_counts_characters(void **state)
{
    (void)state;
    /* 4000 two-byte characters are fine; 4001 are not */
    size_t n = 4001;
    char *frame = malloc(32 + n * 2);
    strcpy(frame, "{\"type\":\"msg\",\"text\":\"");
    char *p = frame + strlen(frame);
    for (size_t i = 0; i < n - 1; i++) {
        *p++ = (char)0xc3;
        *p++ = (char)0xa4; /* ä */
    }
    strcpy(p, "\"}");
    struct proto_req r;
    assert_int_equal(proto_decode(PROTO_VISITOR, frame, strlen(frame), &r), 0);
    assert_int_equal(proto_utf8_len(r.text), 4000);
    proto_req_fini(&r);
    strcpy(p, "\xc3\xa4\"}");
    assert_int_equal(proto_decode(PROTO_VISITOR, frame, strlen(frame), &r), CHAT_ERR_BAD_REQUEST);
    proto_req_fini(&r);
    free(frame);
}

static void test_duty_fields_decoded(void **state)
{
    (void)state;
    const char *f = "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\",\"b\"],\"capacity\":2}";
    struct proto_req r;
    assert_int_equal(proto_decode(PROTO_WORKER, f, strlen(f), &r), 0);
    assert_int_equal(r.type, PT_DUTY);
    assert_true(r.on);
    assert_int_equal(r.ntopics, 2);
    assert_string_equal(r.topics[1], "b");
    assert_int_equal(r.capacity, 2);
    proto_req_fini(&r);
}

static void test_error_frame_echoes_ref(void **state)
{
    (void)state;
    char *s = proto_error(CHAT_ERR_QUEUE_FULL, "abc", NULL);
    assert_string_equal(s, "{\"type\":\"error\",\"code\":\"queue_full\",\"message\":\"the queue is "
                           "full\",\"ref\":\"abc\"}");
    free(s);
}

static void test_ack_has_seq_and_ref(void **state)
{
    (void)state;
    char *s = proto_ack(7, "r");
    assert_string_equal(s, "{\"type\":\"ack\",\"seq\":7,\"ref\":\"r\"}");
    free(s);
}

/* The directly written msg frame and transcript record are byte for byte
 * what jansson makes of the same fields, for every kind of character. */
static void test_direct_msg_encoding_matches_jansson(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "",
        "Hei, onko täällä ketään?",
        "quote \" backslash \\ slash / done",
        "lines\nand\ttabs\r\b\f",
        "\x01\x1f\x7f control",
        "emoji \xf0\x9f\x92\x9c and \xe2\x80\xa8 separator",
        "</script><script>alert(1)</script>",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct proto_msg m = {"c-1\"x", "visitor", texts[i], 9223372036854775807ULL, 1782990000};
        char *direct = proto_msg_frame(&m);
        char *ref = proto_dump(proto_msg_json(&m), NULL);
        assert_non_null(direct);
        assert_string_equal(direct, ref);
        free(direct);
        free(ref);
        char *record = proto_msg_record(&m);
        char ts[32];
        proto_time(m.ts, ts);
        ref = proto_dump(json_pack("{s:I,s:s,s:s,s:s}", "seq", (json_int_t)m.seq, "from", m.from,
                                   "ts", ts, "text", m.text),
                         NULL);
        assert_non_null(record);
        assert_string_equal(record, ref);
        free(record);
        free(ref);
    }
    char *ack = proto_ack(0, "a\"b");
    assert_string_equal(ack, "{\"type\":\"ack\",\"ref\":\"a\\\"b\"}");
    free(ack);
}

static void test_time_has_offset(void **state)
{
    (void)state;
    char buf[32];
    proto_time(1782990000, buf); /* 2026-07-02 11:00:00 UTC, summer in Helsinki */
    assert_string_equal(buf, "2026-07-02T14:00:00+03:00");
    proto_time(1767225600, buf); /* 2026-01-01 00:00:00 UTC */
    assert_string_equal(buf, "2026-01-01T02:00:00+02:00");
}

static void test_status_topic_nulls(void **state)
{
    (void)state;
    struct proto_topic_status t = {
        "youth", {"a", "b", "c"}, "young", PROTO_TOPIC_CLOSED, false, 0, -1, -1, -1};
    char *s = proto_dump(proto_topic_status_json(&t), NULL);
    assert_non_null(strstr(s, "\"estimated_wait_s\":null"));
    assert_non_null(strstr(s, "\"next_open\":null"));
    assert_non_null(strstr(s, "\"title\":{\"fi\":\"a\",\"sv\":\"b\",\"en\":\"c\"}"));
    free(s);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_table),
        cmocka_unit_test(test_msg_text_limit_counts_characters),
        cmocka_unit_test(test_duty_fields_decoded),
        cmocka_unit_test(test_error_frame_echoes_ref),
        cmocka_unit_test(test_ack_has_seq_and_ref),
        cmocka_unit_test(test_direct_msg_encoding_matches_jansson),
        cmocka_unit_test(test_time_has_offset),
        cmocka_unit_test(test_status_topic_nulls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
