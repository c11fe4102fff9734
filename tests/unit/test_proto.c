/*
 * test_proto: the wire codec against contract §3, as tables of frames and
 * expected outcomes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
    /* contract v3 §2: alert_take / alert_close {alert}, a worker's only */
    {PROTO_WORKER, "{\"type\":\"alert_take\",\"alert\":\"A1\",\"ref\":\"t\"}", 0, "t"},
    {PROTO_WORKER, "{\"type\":\"alert_close\",\"alert\":\"A1\"}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"alert_take\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER, "{\"type\":\"alert_close\",\"alert\":7}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER, "{\"type\":\"alert_close\",\"alert\":\"\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER,
     "{\"type\":\"alert_take\",\"alert\":\""
     "0123456789012345678901234567890123456789"
     "01234567890123456789012345\"}",
     CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_VISITOR, "{\"type\":\"alert_take\",\"alert\":\"A1\"}", CHAT_ERR_UNKNOWN_TYPE, ""},
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
    {PROTO_VISITOR, "{\"type\":\"leave\",\"quick\":true}", 0, ""},
    {PROTO_VISITOR, "{\"type\":\"leave\",\"quick\":null}", 0, ""},
    {PROTO_VISITOR, "{\"type\":\"leave\",\"quick\":1}", CHAT_ERR_BAD_REQUEST, ""},
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
    {PROTO_WORKER, "{\"type\":\"transfer\",\"chat\":\"c\",\"topic\":\"p\",\"force\":true}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"transfer\",\"chat\":\"c\",\"topic\":\"p\",\"force\":\"yes\"}",
     CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_WORKER, "{\"type\":\"join\",\"topic\":\"youth\"}", CHAT_ERR_UNKNOWN_TYPE, ""},
    {PROTO_WORKER, "{\"type\":\"logout\"}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"logout\",\"scope\":\"this\"}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"logout\",\"scope\":\"all\"}", 0, ""},
    {PROTO_WORKER, "{\"type\":\"logout\",\"scope\":\"tab\"}", CHAT_ERR_BAD_REQUEST, ""},
    {PROTO_STATUS, "{\"type\":\"hello\"}", CHAT_ERR_UNKNOWN_TYPE, ""},
};

static void test_decode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
        const struct decode_case *c = &decode_cases[i];
        struct proto_req r;
        int rc = proto_decode(&proto_langs_base, c->role, c->frame, strlen(c->frame), &r);
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
    assert_int_equal(proto_decode(&proto_langs_base, PROTO_VISITOR, frame, strlen(frame), &r), 0);
    assert_int_equal(proto_utf8_len(r.text), 4000);
    proto_req_fini(&r);
    strcpy(p, "\xc3\xa4\"}");
    assert_int_equal(proto_decode(&proto_langs_base, PROTO_VISITOR, frame, strlen(frame), &r),
                     CHAT_ERR_BAD_REQUEST);
    proto_req_fini(&r);
    free(frame);
}

static void test_duty_fields_decoded(void **state)
{
    (void)state;
    const char *f = "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\",\"b\"],\"capacity\":2}";
    struct proto_req r;
    assert_int_equal(proto_decode(&proto_langs_base, PROTO_WORKER, f, strlen(f), &r), 0);
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
        struct proto_msg m = {.chat = "c-1\"x",
                              .from = "visitor",
                              .text = texts[i],
                              .seq = 9223372036854775807ULL,
                              .ts = 1782990000};
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
    struct proto_topic_status t = {.id = "youth",
                                   .title = {"a", "b", "c"},
                                   .audience = "young",
                                   .state = PROTO_TOPIC_CLOSED,
                                   .estimated_wait_s = -1,
                                   .next_open = -1,
                                   .closes_at = -1,
                                   .joins_until = -1};
    char *s = proto_dump(proto_topic_status_json(&t), NULL);
    assert_non_null(strstr(s, "\"estimated_wait_s\":null"));
    assert_non_null(strstr(s, "\"next_open\":null"));
    assert_non_null(strstr(s, "\"joins_until\":null"));
    assert_null(strstr(s, "full_reason")); /* only with state full */
    assert_non_null(strstr(s, "\"title\":{\"fi\":\"a\",\"sv\":\"b\",\"en\":\"c\"}"));
    free(s);
}

/* Every frame the server builds, as a table of encoder calls and the exact
 * JSON text each must give. */
static char *enc_queued(void)
{
    struct proto_queued q = {.topic = "youth",
                             .position = 3,
                             .estimated_wait_s = 240,
                             .waited_s = 75,
                             .closes_at = 1782993600,
                             .next_open = -1,
                             .staffed = true};
    return proto_queued(&q, "r1");
}

static char *enc_queued_no_estimate(void)
{
    struct proto_queued q = {.topic = "youth",
                             .position = 1,
                             .estimated_wait_s = -1,
                             .waited_s = 0,
                             .closes_at = -1,
                             .next_open = 1782990000,
                             .staffed = false};
    return proto_queued(&q, NULL);
}

static char *enc_chat_ended_quick(void)
{
    return proto_chat_ended_quick("c1", PROTO_BY_VISITOR, true, NULL);
}

static char *enc_full_cutoff(void)
{
    return proto_error_full(PROTO_FULL_CUTOFF, 1782993300, 1783087200, "j");
}

static char *enc_full_queue(void)
{
    return proto_error_full(PROTO_FULL_QUEUE, -1, -1, NULL);
}

static char *enc_nobody_on_duty(void)
{
    return proto_error(CHAT_ERR_NOBODY_ON_DUTY, "t", NULL);
}

static const struct proto_topic_status full_topic = {.id = "youth",
                                                     .title = {"Nuoret", "Unga", "Youth"},
                                                     .audience = "young",
                                                     .state = PROTO_TOPIC_FULL,
                                                     .full_reason = PROTO_FULL_CUTOFF,
                                                     .waiting = 1,
                                                     .estimated_wait_s = -1,
                                                     .next_open = -1,
                                                     .closes_at = 1782993600,
                                                     .joins_until = 1782992700};

static char *enc_status_full(void)
{
    return proto_status_body(1782990000, &full_topic, 1);
}

static char *enc_duty(void)
{
    const char *topics[] = {"youth", "parents"};
    struct proto_duty d = {true, topics, 2, 3, 5, &proto_langs_base}; /* fi and en */
    return proto_duty(&d, "d");
}

static char *enc_duty_off(void)
{
    struct proto_duty d = {false, NULL, 0, 1, 0, &proto_langs_base};
    return proto_duty(&d, NULL);
}

static char *enc_chat_ended(void)
{
    return proto_chat_ended("c1", PROTO_BY_TRANSFER, "e");
}

static char *enc_typing(void)
{
    return proto_typing("c1", "visitor", true);
}

static char *enc_away(void)
{
    return proto_visitor_presence("c1", false);
}

static char *enc_back(void)
{
    return proto_visitor_presence("c1", true);
}

static char *enc_left(void)
{
    return proto_bare("left", "x");
}

static char *enc_closed(void)
{
    return proto_error_closed(1782990000, "j");
}

static char *enc_closed_never(void)
{
    return proto_error_closed(-1, NULL);
}

static const struct proto_msg hist[] = {
    {.chat = "c1", .from = "visitor", .text = "hei", .seq = 1, .ts = 1782990000},
    {.chat = "c1", .from = "worker", .text = "moi", .seq = 2, .ts = 1782990001}};

static char *enc_started_visitor(void)
{
    struct proto_chat_started s = {
        .chat = "c1", .topic = "youth", .history = hist, .nhistory = 2, .worker = "Ann"};
    return proto_chat_started_visitor(&s, NULL);
}

static char *enc_started_worker(void)
{
    struct proto_chat_started s = {.chat = "c1",
                                   .topic = "youth",
                                   .history = hist,
                                   .nhistory = 1,
                                   .audience = "young",
                                   .waited_s = 42,
                                   .visitor_away = true};
    return proto_chat_started_worker(&s, "p");
}

static char *enc_queue_state(void)
{
    struct proto_queue_topic t[] = {{.id = "youth",
                                     .mode = "auto",
                                     .longest_wait_s = 61,
                                     .waiting = 2,
                                     .urgent_waiting = 1,
                                     .on_duty = 2,
                                     .state = PROTO_TOPIC_OPEN,
                                     .open = true}};
    struct proto_queue_topic o[] = {{.id = "parents",
                                     .mode = "pick",
                                     .longest_wait_s = 0,
                                     .waiting = 0,
                                     .urgent_waiting = 0,
                                     .on_duty = 0,
                                     .state = PROTO_TOPIC_CLOSED,
                                     .open = false}};
    return proto_queue_state(t, 1, o, 1);
}

static const struct proto_topic_status topic = {.id = "youth",
                                                .title = {"Nuoret", "Unga", "Youth"},
                                                .audience = "young",
                                                .state = PROTO_TOPIC_OPEN,
                                                .staffed = true,
                                                .answering = true,
                                                .waiting = 2,
                                                .estimated_wait_s = 300,
                                                .next_open = -1,
                                                .closes_at = 1782993600,
                                                .joins_until = 1782993600};

static char *enc_status(void)
{
    return proto_status(1782990000, &topic, 1);
}

static char *enc_status_body(void)
{
    return proto_status_body(1782990000, &topic, 1);
}

static char *enc_welcome_visitor(void)
{
    struct proto_welcome_visitor w = {"tok",  true, PROTO_VISITOR_QUEUED,
                                      &topic, 1,    {"Soita 112", "Ring 112", NULL},
                                      NULL,   NULL, 0};
    return proto_welcome_visitor(&w, "h");
}

/* contract v3 §4: a topic of org east, and the org's name */
static const struct proto_topic_status east_topic = {.id = "east_youth",
                                                     .title = {"Idän", "Östra", "East"},
                                                     .audience = "young",
                                                     .state = PROTO_TOPIC_CLOSED,
                                                     .estimated_wait_s = -1,
                                                     .next_open = -1,
                                                     .closes_at = -1,
                                                     .joins_until = -1,
                                                     .org = "east"};
static const struct proto_org east_org = {"east", {"Itä ry", "Öst rf", "East Support"}};

static char *enc_status_org(void)
{
    return proto_status_body_orgs(1782990000, &east_topic, 1, &east_org, 1);
}

/* a topic taking letters carries its org's key in the welcome */
static char *enc_welcome_org(void)
{
    struct proto_topic_status t = east_topic;
    t.letters_known = t.letters = true;
    t.letter_days = 5;
    t.letters_pub = "EASTKEY";
    struct proto_welcome_visitor w = {.session = "tok",
                                      .state = PROTO_VISITOR_IDLE,
                                      .topics = &t,
                                      .ntopics = 1,
                                      .help = {"", "", ""},
                                      .letters_pub = "EASTKEY",
                                      .orgs = &east_org,
                                      .norgs = 1};
    return proto_welcome_visitor(&w, NULL);
}

static char *enc_welcome_worker(void)
{
    const char *canned[] = {"Hei!"}, *sv[] = {"Hej!", "Tack"};
    const struct proto_canned_lang langs[] = {{"sv", sv, 2}};
    const struct proto_category cat = {"school", {"Koulu", "Skola", "School"}};
    struct proto_welcome_worker w = {.user = "ann",
                                     .alias = "Ann",
                                     .role = PROTO_ROLE_COORDINATOR,
                                     .token = "t0k",
                                     .canned = canned,
                                     .ncanned = 1,
                                     .canned_langs = langs,
                                     .ncanned_langs = 1,
                                     .categories = &cat,
                                     .ncategories = 1};
    return proto_welcome_worker(&w, "l");
}

/* contract v3 §2: the frames of an alert's life, who follows a chat, the
 * label and canned replies in chat_started, the board's alerts */
static const struct proto_alert alert = {.alert = "A1",
                                         .chat = "c1",
                                         .label = "12",
                                         .topic = "youth",
                                         .worker = "Ann",
                                         .kind = "no_first_reply",
                                         .note = "no first reply",
                                         .at = 1782990000};

static char *enc_alert(void)
{
    return proto_alert(&alert);
}

static char *enc_alert_taken(void)
{
    return proto_alert_taken(&alert, "Cora");
}

static char *enc_alert_closed(void)
{
    return proto_alert_closed(&alert, NULL, "chat_ended");
}

static char *enc_ack_alert(void)
{
    return proto_ack_alert(1, "A1", "a");
}

static char *enc_monitored(void)
{
    const char *by[] = {"Cora", "Dan"};
    return proto_monitored("c1", "12", by, 2);
}

static char *enc_started_worker_label(void)
{
    const char *canned[] = {"Hej!"};
    struct proto_chat_started s = {.chat = "c1",
                                   .topic = "youth",
                                   .audience = "young",
                                   .lang = "sv",
                                   .label = "3",
                                   .canned = canned,
                                   .ncanned = 1,
                                   .has_canned = true};
    return proto_chat_started_worker(&s, NULL);
}

static char *enc_board_alerts(void)
{
    struct proto_alert taken = alert;
    taken.kind = "worker";
    taken.note = NULL;
    taken.taken_by = "Cora";
    struct proto_board_chat chat = {.chat = "c1",
                                    .topic = "youth",
                                    .worker = "Ann",
                                    .label = "12",
                                    .lang = NULL,
                                    .started = 1782990000,
                                    .last_visitor_msg = -1,
                                    .last_worker_msg = -1};
    struct proto_board b = {.chats = &chat, .nchats = 1, .alerts = &taken, .nalerts = 1};
    return proto_board(&b, NULL);
}

#define TOPIC_JSON                                                                                 \
    "{\"id\":\"youth\",\"title\":{\"fi\":\"Nuoret\",\"sv\":\"Unga\",\"en\":\"Youth\"},"            \
    "\"audience\":\"young\",\"state\":\"open\",\"staffed\":true,\"answering\":true,\"waiting\":2," \
    "\"estimated_wait_s\":300,\"next_open\":null,\"closes_at\":\"2026-07-02T15:00:00+03:00\","     \
    "\"joins_until\":\"2026-07-02T15:00:00+03:00\"}"

#define EAST_OPEN                                                                                  \
    "{\"id\":\"east_youth\",\"title\":{\"fi\":\"Idän\",\"sv\":\"Östra\",\"en\":\"East\"},"       \
    "\"audience\":\"young\",\"state\":\"closed\",\"staffed\":false,\"answering\":false,"           \
    "\"waiting\":0,\"estimated_wait_s\":null,\"next_open\":null,\"closes_at\":null,"               \
    "\"joins_until\":null"
#define EAST_JSON EAST_OPEN ",\"org\":\"east\"}"

static const struct {
    char *(*encode)(void);
    const char *want;
} encode_cases[] = {
    {enc_queued, "{\"type\":\"queued\",\"topic\":\"youth\",\"position\":3,"
                 "\"estimated_wait_s\":240,\"waited_s\":75,\"staffed\":true,"
                 "\"closes_at\":\"2026-07-02T15:00:00+03:00\",\"next_open\":null,\"ref\":\"r1\"}"},
    {enc_queued_no_estimate,
     "{\"type\":\"queued\",\"topic\":\"youth\",\"position\":1,\"estimated_wait_s\":null,"
     "\"waited_s\":0,\"staffed\":false,\"closes_at\":null,"
     "\"next_open\":\"2026-07-02T14:00:00+03:00\"}"},
    {enc_chat_ended_quick,
     "{\"type\":\"chat_ended\",\"chat\":\"c1\",\"by\":\"visitor\",\"quick\":true}"},
    {enc_full_cutoff, "{\"type\":\"error\",\"code\":\"queue_full\",\"message\":\"the queue is "
                      "full\",\"reason\":\"cutoff\",\"joins_until\":\"2026-07-02T14:55:00+03:00\","
                      "\"next_open\":\"2026-07-03T17:00:00+03:00\",\"ref\":\"j\"}"},
    {enc_full_queue, "{\"type\":\"error\",\"code\":\"queue_full\",\"message\":\"the queue is "
                     "full\",\"reason\":\"queue\",\"joins_until\":null,\"next_open\":null}"},
    {enc_nobody_on_duty,
     "{\"type\":\"error\",\"code\":\"nobody_on_duty\",\"message\":\"nobody is on duty for "
     "that topic now (send force: true to transfer anyway)\",\"ref\":\"t\"}"},
    {enc_status_full,
     "{\"generated\":\"2026-07-02T14:00:00+03:00\",\"topics\":[{\"id\":\"youth\",\"title\":{"
     "\"fi\":\"Nuoret\",\"sv\":\"Unga\",\"en\":\"Youth\"},\"audience\":\"young\",\"state\":"
     "\"full\",\"staffed\":false,\"answering\":false,\"waiting\":1,\"estimated_wait_s\":null,"
     "\"next_open\":null,\"closes_at\":\"2026-07-02T15:00:00+03:00\",\"joins_until\":"
     "\"2026-07-02T14:45:00+03:00\",\"full_reason\":\"cutoff\"}]}"},
    {enc_duty, "{\"type\":\"duty\",\"on\":true,\"topics\":[\"youth\",\"parents\"],\"capacity\":3,"
               "\"langs\":[\"fi\",\"en\"],\"ref\":\"d\"}"},
    {enc_duty_off, "{\"type\":\"duty\",\"on\":false,\"topics\":[],\"capacity\":1,\"langs\":[]}"},
    {enc_chat_ended, "{\"type\":\"chat_ended\",\"chat\":\"c1\",\"by\":\"transfer\",\"ref\":\"e\"}"},
    {enc_typing, "{\"type\":\"typing\",\"chat\":\"c1\",\"from\":\"visitor\",\"on\":true}"},
    {enc_away, "{\"type\":\"visitor_away\",\"chat\":\"c1\"}"},
    {enc_back, "{\"type\":\"visitor_back\",\"chat\":\"c1\"}"},
    {enc_left, "{\"type\":\"left\",\"ref\":\"x\"}"},
    {enc_closed, "{\"type\":\"error\",\"code\":\"closed\",\"message\":\"the chat is closed now\","
                 "\"next_open\":\"2026-07-02T14:00:00+03:00\",\"ref\":\"j\"}"},
    {enc_closed_never, "{\"type\":\"error\",\"code\":\"closed\",\"message\":\"the chat is closed "
                       "now\",\"next_open\":null}"},
    {enc_started_visitor,
     "{\"type\":\"chat_started\",\"chat\":\"c1\",\"topic\":\"youth\",\"worker\":\"Ann\","
     "\"history\":[{\"chat\":\"c1\",\"from\":\"visitor\",\"text\":\"hei\",\"seq\":1,"
     "\"ts\":\"2026-07-02T14:00:00+03:00\"},{\"chat\":\"c1\",\"from\":\"worker\",\"text\":\"moi\","
     "\"seq\":2,\"ts\":\"2026-07-02T14:00:01+03:00\"}]}"},
    {enc_started_worker,
     "{\"type\":\"chat_started\",\"chat\":\"c1\",\"topic\":\"youth\",\"audience\":\"young\","
     "\"waited_s\":42,\"history\":[{\"chat\":\"c1\",\"from\":\"visitor\",\"text\":\"hei\","
     "\"seq\":1,\"ts\":\"2026-07-02T14:00:00+03:00\"}],\"visitor_away\":true,"
     "\"answers\":{},\"urgent\":false,\"ref\":\"p\"}"},
    {enc_queue_state,
     "{\"type\":\"queue_state\",\"topics\":[{\"id\":\"youth\",\"waiting\":2,\"urgent_waiting\":1,"
     "\"longest_wait_s\":61,\"open\":true,\"mode\":\"auto\",\"state\":\"open\",\"on_duty\":2}],"
     "\"others\":[{\"id\":\"parents\",\"waiting\":0,\"urgent_waiting\":0,\"longest_wait_s\":0,"
     "\"open\":false,\"mode\":\"pick\",\"state\":\"closed\",\"on_duty\":0}]}"},
    {enc_status,
     "{\"type\":\"status\",\"generated\":\"2026-07-02T14:00:00+03:00\",\"topics\":[" TOPIC_JSON
     "]}"},
    {enc_status_body, "{\"generated\":\"2026-07-02T14:00:00+03:00\",\"topics\":[" TOPIC_JSON "]}"},
    {enc_welcome_visitor, "{\"type\":\"welcome\",\"session\":\"tok\",\"resumed\":true,"
                          "\"state\":\"queued\",\"topics\":[" TOPIC_JSON "],\"help\":{"
                          "\"fi\":\"Soita 112\",\"sv\":\"Ring 112\",\"en\":\"\"},\"ref\":\"h\"}"},
    {enc_status_org,
     "{\"generated\":\"2026-07-02T14:00:00+03:00\",\"topics\":[" EAST_JSON "],\"orgs\":[{\"id\":"
     "\"east\",\"name\":{\"fi\":\"Itä ry\",\"sv\":\"Öst rf\",\"en\":\"East Support\"}}]}"},
    {enc_welcome_org,
     "{\"type\":\"welcome\",\"session\":\"tok\",\"resumed\":false,\"state\":\"idle\",\"topics\":"
     "[" EAST_OPEN
     ",\"letters\":true,\"letter_days\":5,\"letters_pub\":\"EASTKEY\",\"org\":\"east\"}],\"help\":{"
     "\"fi\":\"\",\"sv\":\"\",\"en\":\"\"},\"letters_pub\":\"EASTKEY\",\"orgs\":[{\"id\":\"east\","
     "\"name\":{\"fi\":\"Itä ry\",\"sv\":\"Öst rf\",\"en\":\"East Support\"}}]}"},
    {enc_welcome_worker, "{\"type\":\"welcome\",\"user\":\"ann\",\"alias\":\"Ann\","
                         "\"role\":\"coordinator\",\"token\":\"t0k\",\"canned\":[\"Hei!\"],"
                         "\"canned_langs\":{\"sv\":[\"Hej!\",\"Tack\"]},\"categories\":[{\"id\":"
                         "\"school\",\"label\":{\"fi\":\"Koulu\","
                         "\"sv\":\"Skola\",\"en\":\"School\"}}],\"langs\":[\"fi\",\"sv\",\"en\"],"
                         "\"questions\":[],\"ref\":\"l\"}"},
    {enc_alert, "{\"type\":\"alert\",\"alert\":\"A1\",\"chat\":\"c1\",\"label\":\"12\","
                "\"topic\":\"youth\",\"worker\":\"Ann\",\"kind\":\"no_first_reply\",\"note\":"
                "\"no first reply\",\"at\":\"2026-07-02T14:00:00+03:00\",\"taken_by\":null,"
                "\"ts\":\"2026-07-02T14:00:00+03:00\"}"},
    {enc_alert_taken, "{\"type\":\"alert_taken\",\"alert\":\"A1\",\"chat\":\"c1\","
                      "\"label\":\"12\",\"by\":\"Cora\"}"},
    {enc_alert_closed, "{\"type\":\"alert_closed\",\"alert\":\"A1\",\"chat\":\"c1\","
                       "\"label\":\"12\",\"by\":null,\"reason\":\"chat_ended\"}"},
    {enc_ack_alert, "{\"type\":\"ack\",\"supervisors\":1,\"alert\":\"A1\",\"ref\":\"a\"}"},
    {enc_monitored,
     "{\"type\":\"monitored\",\"chat\":\"c1\",\"label\":\"12\",\"by\":[\"Cora\",\"Dan\"]}"},
    {enc_started_worker_label,
     "{\"type\":\"chat_started\",\"chat\":\"c1\",\"topic\":\"youth\",\"label\":\"3\","
     "\"canned\":[\"Hej!\"],\"audience\":\"young\",\"waited_s\":0,\"history\":[],"
     "\"visitor_away\":false,\"answers\":{},\"urgent\":false,\"lang\":\"sv\"}"},
    {enc_board_alerts,
     "{\"type\":\"board\",\"topics\":[],\"workers\":[],\"chats\":[{\"chat\":\"c1\","
     "\"topic\":\"youth\",\"worker\":\"Ann\",\"started\":\"2026-07-02T14:00:00+03:00\","
     "\"last_visitor_msg\":null,\"last_worker_msg\":null,\"urgent\":false,\"visitor_away\":"
     "false,\"monitors\":[],\"label\":\"12\",\"lang\":null}],\"alerts\":[{\"alert\":\"A1\","
     "\"chat\":\"c1\",\"label\":\"12\",\"topic\":\"youth\",\"worker\":\"Ann\",\"kind\":"
     "\"worker\",\"note\":null,\"at\":\"2026-07-02T14:00:00+03:00\",\"taken_by\":\"Cora\"}]}"},
};

static void test_encode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(encode_cases) / sizeof(encode_cases[0]); i++) {
        char *got = encode_cases[i].encode();
        if (!got || strcmp(got, encode_cases[i].want) != 0)
            fail_msg("case %zu:\n got  %s\n want %s", i, got ? got : "(null)",
                     encode_cases[i].want);
        free(got);
    }
}

static void test_name_tables(void **state)
{
    (void)state;
    assert_string_equal(proto_staff_role_name(PROTO_ROLE_ADMIN), "admin");
    assert_int_equal(proto_staff_role_parse("coordinator"), PROTO_ROLE_COORDINATOR);
    assert_int_equal(proto_staff_role_parse("root"), -1);
    assert_int_equal(proto_staff_role_parse(NULL), -1);
    assert_string_equal(proto_topic_state_name(PROTO_TOPIC_FULL), "full");
    assert_string_equal(proto_visitor_state_name(PROTO_VISITOR_CHATTING), "chatting");
    assert_string_equal(proto_end_by_name(PROTO_BY_TIMEOUT), "timeout");
    assert_string_equal(proto_full_reason_name(PROTO_FULL_QUEUE), "queue");
    assert_string_equal(proto_full_reason_name(PROTO_FULL_CUTOFF), "cutoff");
    assert_null(proto_full_reason_name(PROTO_FULL_NONE));
}

/* A login's password and token are wiped in the parsed tree when the
 * request is done with, also when the request was refused. */
static void test_login_secrets_are_wiped(void **state)
{
    (void)state;
    static const char *const frames[] = {
        "{\"type\":\"login\",\"user\":\"ann\",\"password\":\"hunter22\"}",
        "{\"type\":\"login\",\"token\":\"tttttttt\"}",
        "{\"type\":\"login\",\"password\":\"hunter22\"}", /* no user: refused */
    };
    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        struct proto_req r;
        (void)proto_decode(&proto_langs_base, PROTO_WORKER, frames[i], strlen(frames[i]), &r);
        json_t *root = json_incref(r.root); /* kept alive to look at after fini */
        json_t *pw = json_object_get(root, "password"), *tok = json_object_get(root, "token");
        proto_req_fini(&r);
        if (pw)
            assert_string_equal(json_string_value(pw), "");
        if (tok)
            assert_string_equal(json_string_value(tok), "");
        assert_true(pw || tok);
        json_decref(root);
    }
}

static void test_reals_are_short(void **state)
{
    (void)state;
    char *out = proto_dump(json_pack("{s:f,s:f}", "a", 0.9, "b", 270.4), NULL);
    assert_string_equal(out, "{\"a\":0.9,\"b\":270.4}");
    free(out);
}

/* The languages are the caller's table: fi, sv, en first, then the pages'
 * others in the order given, each once; too long or too many left out. */
static void test_langs_table(void **state)
{
    (void)state;
    static const char *const codes[] = {"ar", "en", "pt-BR", "ar", "a-very-long-code-x"};
    struct proto_langs l;
    assert_int_equal(proto_langs_init(&l, codes, 5), 1);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.code[0], "fi");
    assert_string_equal(l.code[2], "en");
    assert_string_equal(l.code[3], "ar");
    assert_string_equal(l.code[4], "pt-BR");
    assert_int_equal(proto_langs_index(&l, "pt-BR"), 4);
    assert_int_equal(proto_langs_index(&l, "de"), -1);
    assert_int_equal(proto_langs_index(&l, NULL), -1);
    assert_string_equal(proto_langs_code(&l, 3), "ar");
    assert_string_equal(proto_langs_code(&l, 5), "en");
    assert_string_equal(proto_langs_code(&l, -1), "en");
    const char *many[PROTO_MAX_LANGS + 1];
    char names[PROTO_MAX_LANGS + 1][8];
    for (int i = 0; i <= PROTO_MAX_LANGS; i++) {
        snprintf(names[i], sizeof(names[i]), "x%02d", i);
        many[i] = names[i];
    }
    assert_int_equal(proto_langs_init(&l, many, PROTO_MAX_LANGS + 1), 4);
    assert_int_equal(l.n, PROTO_MAX_LANGS);
    assert_int_equal(proto_langs_init(&l, NULL, 0), 0);
    assert_int_equal(l.n, 3);
}

/* hello.lang and duty.langs take the codes of the table the decoder is
 * given, and no other; the bits of duty.langs are their indices. */
static void test_decode_takes_the_given_langs(void **state)
{
    (void)state;
    static const char *const codes[] = {"ar", "pt-BR"};
    struct proto_langs l;
    struct proto_req r;
    proto_langs_init(&l, codes, 2);
    const char *hello = "{\"type\":\"hello\",\"lang\":\"pt-BR\"}";
    assert_int_equal(proto_decode(&l, PROTO_VISITOR, hello, strlen(hello), &r), 0);
    assert_int_equal(r.lang, 4);
    proto_req_fini(&r);
    assert_int_equal(proto_decode(&proto_langs_base, PROTO_VISITOR, hello, strlen(hello), &r),
                     CHAT_ERR_BAD_REQUEST);
    proto_req_fini(&r);
    const char *duty = "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":1,"
                       "\"langs\":[\"ar\",\"sv\"]}";
    assert_int_equal(proto_decode(&l, PROTO_WORKER, duty, strlen(duty), &r), 0);
    assert_true(r.has_langs);
    assert_int_equal(r.langs, (1u << 3) | (1u << 1));
    const char *topics[] = {"a"};
    struct proto_duty d = {true, topics, 1, 1, r.langs, &l};
    char *out = proto_duty(&d, NULL);
    assert_string_equal(out, "{\"type\":\"duty\",\"on\":true,\"topics\":[\"a\"],\"capacity\":1,"
                             "\"langs\":[\"sv\",\"ar\"]}");
    free(out);
    proto_req_fini(&r);
    assert_int_equal(proto_decode(&proto_langs_base, PROTO_WORKER, duty, strlen(duty), &r),
                     CHAT_ERR_BAD_REQUEST);
    proto_req_fini(&r);
    struct proto_welcome_worker w = {.user = "u", .alias = "U", .token = "t", .langs = &l};
    out = proto_welcome_worker(&w, NULL);
    assert_non_null(strstr(out, "\"langs\":[\"fi\",\"sv\",\"en\",\"ar\",\"pt-BR\"]"));
    free(out);
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
        cmocka_unit_test(test_encode_table),
        cmocka_unit_test(test_name_tables),
        cmocka_unit_test(test_login_secrets_are_wiped),
        cmocka_unit_test(test_reals_are_short),
        cmocka_unit_test(test_langs_table),
        cmocka_unit_test(test_decode_takes_the_given_langs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
