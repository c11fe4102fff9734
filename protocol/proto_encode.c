/*
 * proto_encode: typed messages to bytes, for the WebSocket frames and the
 * HTTP bodies alike (contract §3, v2 §1 and §7, and the additions).
 *
 * Most encoders build a jansson object and dump it compactly (proto_dump);
 * the three a chat message costs (ack, relayed msg, transcript record) are
 * written straight into a buffer by the writer of proto_json.c (jw_*),
 * because they are the hot path. Either way the text is the caller's to free(); NULL
 * means out of memory. The one image, the availability badge, is here too:
 * its words come from operator-edited files and are XML-escaped on the way
 * out.
 */
#include "proto_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (o)
        json_object_set_new(o, "joins_until", proto_time_json(t->joins_until));
    if (o && t->state == PROTO_TOPIC_FULL && t->full_reason != PROTO_FULL_NONE)
        json_object_set_new(o, "full_reason", json_string(proto_full_reason_name(t->full_reason)));
    if (o && t->questions)
        json_object_set_new(o, "questions", proto_questions_json(t->questions, t->nquestions));
    if (o && t->letters_known) {
        json_object_set_new(o, "letters", json_boolean(t->letters));
        json_object_set_new(o, "letter_days", json_integer(t->letter_days));
        if (t->letters && t->letters_pub && *t->letters_pub)
            json_object_set_new(o, "letters_pub", json_string(t->letters_pub));
    }
    if (o && t->org)
        json_object_set_new(o, "org", json_string(t->org));
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

/* The array [{"id","name"}] of n orgs. */
static json_t *orgs_json(const struct proto_org *orgs, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(
            arr, json_pack("{s:s,s:o}", "id", orgs[i].id, "name", langs3(orgs[i].name)));
    return arr;
}

static char *status_object(json_t *obj, time_t generated, const struct proto_topic_status *t,
                           size_t n, const struct proto_org *orgs, size_t norgs)
{
    if (obj) {
        json_object_set_new(obj, "generated", proto_time_json(generated));
        json_object_set_new(obj, "topics", topics_json(t, n));
        if (norgs)
            json_object_set_new(obj, "orgs", orgs_json(orgs, norgs));
    }
    return proto_dump(obj, NULL);
}

char *proto_status(time_t generated, const struct proto_topic_status *t, size_t n)
{
    return status_object(frame_new("status"), generated, t, n, NULL, 0);
}

char *proto_status_body(time_t generated, const struct proto_topic_status *t, size_t n)
{
    return status_object(json_object(), generated, t, n, NULL, 0);
}

char *proto_status_orgs(time_t generated, const struct proto_topic_status *t, size_t n,
                        const struct proto_org *orgs, size_t norgs)
{
    return status_object(frame_new("status"), generated, t, n, orgs, norgs);
}

char *proto_status_body_orgs(time_t generated, const struct proto_topic_status *t, size_t n,
                             const struct proto_org *orgs, size_t norgs)
{
    return status_object(json_object(), generated, t, n, orgs, norgs);
}

char *proto_welcome_visitor(const struct proto_welcome_visitor *w, const char *ref)
{
    json_t *o = frame_new("welcome");
    if (o) {
        json_object_set_new(o, "session", json_string(w->session));
        json_object_set_new(o, "resumed", json_boolean(w->resumed));
        json_object_set_new(o, "state", json_string(proto_visitor_state_name(w->state)));
        json_object_set_new(o, "topics", topics_json(w->topics, w->ntopics));
        json_object_set_new(o, "help",
                            langs3((const char *const[3]){w->help[0] ? w->help[0] : "",
                                                          w->help[1] ? w->help[1] : "",
                                                          w->help[2] ? w->help[2] : ""}));
        if (w->letters_pub)
            json_object_set_new(o, "letters_pub", json_string(w->letters_pub));
        if (w->norgs)
            json_object_set_new(o, "orgs", orgs_json(w->orgs, w->norgs));
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
        json_t *by_lang = json_object();
        for (size_t i = 0; by_lang && i < w->ncanned_langs; i++)
            json_object_set_new(by_lang, w->canned_langs[i].lang,
                                strings_json(w->canned_langs[i].texts, w->canned_langs[i].n));
        json_object_set_new(o, "canned_langs", by_lang);
        const struct proto_langs *table = w->langs ? w->langs : &proto_langs_base;
        json_t *cats = proto_categories_json(w->categories, w->ncategories), *langs = json_array();
        for (size_t i = 0; langs && i < table->n; i++)
            json_array_append_new(langs, json_string(table->code[i]));
        json_object_set_new(o, "categories", cats);
        json_object_set_new(o, "langs", langs);
        json_object_set_new(o, "questions", proto_questions_json(w->questions, w->nquestions));
        if (w->norgs)
            json_object_set_new(o, "orgs", strings_json(w->orgs, w->norgs));
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
        json_object_set_new(o, "waited_s", json_integer(q->waited_s));
        json_object_set_new(o, "staffed", json_boolean(q->staffed));
        json_object_set_new(o, "closes_at", proto_time_json(q->closes_at));
        json_object_set_new(o, "next_open", proto_time_json(q->next_open));
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
        const struct proto_langs *table = d->names ? d->names : &proto_langs_base;
        json_t *langs = json_array();
        for (size_t i = 0; langs && i < table->n; i++)
            if (d->langs & ((uint64_t)1 << i))
                json_array_append_new(langs, json_string(table->code[i]));
        json_object_set_new(o, "langs", langs);
    }
    return proto_dump(o, ref);
}

static json_t *queue_topics_json(const struct proto_queue_topic *t, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(
            arr, json_pack("{s:s,s:i,s:i,s:I,s:b,s:s,s:s,s:i}", "id", t[i].id, "waiting",
                           t[i].waiting, "urgent_waiting", t[i].urgent_waiting, "longest_wait_s",
                           (json_int_t)t[i].longest_wait_s, "open", t[i].open, "mode", t[i].mode,
                           "state", proto_topic_state_name(t[i].state), "on_duty", t[i].on_duty));
    return arr;
}

static json_t *queue_state_json(const struct proto_queue_topic *t, size_t n,
                                const struct proto_queue_topic *o, size_t no)
{
    json_t *f = frame_new("queue_state");
    if (f) {
        json_object_set_new(f, "topics", queue_topics_json(t, n));
        json_object_set_new(f, "others", queue_topics_json(o, no));
    }
    return f;
}

char *proto_queue_state(const struct proto_queue_topic *t, size_t n,
                        const struct proto_queue_topic *o, size_t no)
{
    return proto_dump(queue_state_json(t, n, o, no), NULL);
}

char *proto_queue_state_overflow(const struct proto_queue_topic *t, size_t n,
                                 const struct proto_queue_topic *o, size_t no,
                                 const struct proto_overflow_wait *ow, size_t now)
{
    json_t *f = queue_state_json(t, n, o, no);
    json_t *arr = f ? json_array() : NULL;
    for (size_t i = 0; arr && i < now; i++)
        json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:i,s:I}", "topic", ow[i].topic, "org",
                                             ow[i].org, "waiting", ow[i].waiting, "urgent_waiting",
                                             ow[i].urgent_waiting, "longest_wait_s",
                                             (json_int_t)ow[i].longest_wait_s));
    if (f)
        json_object_set_new(f, "overflow_waiting", arr);
    return proto_dump(f, NULL);
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
    if (o && s->label)
        json_object_set_new(o, "label", json_string(s->label));
    if (o && s->org) {
        json_object_set_new(o, "org", json_string(s->org));
        json_object_set_new(o, "overflow", json_boolean(s->overflow));
    }
    if (o && s->has_canned)
        json_object_set_new(o, "canned", strings_json(s->canned, s->ncanned));
    if (o && s->has_monitored_by)
        json_object_set_new(o, "monitored_by", strings_json(s->monitored_by, s->nmonitored_by));
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

char *proto_chat_ended_quick(const char *chat, enum proto_end_by by, bool quick, const char *ref)
{
    json_t *o = frame_new("chat_ended");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "by", json_string(proto_end_by_name(by)));
        if (quick)
            json_object_set_new(o, "quick", json_true());
    }
    return proto_dump(o, ref);
}

char *proto_chat_ended(const char *chat, enum proto_end_by by, const char *ref)
{
    return proto_chat_ended_quick(chat, by, false, ref);
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
        json_t *o =
            json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:b,s:b,s:o}", "chat", c->chat, "topic", c->topic,
                      "worker", c->worker, "started", proto_time_json(c->started),
                      "last_visitor_msg", proto_time_json(c->last_visitor_msg), "last_worker_msg",
                      proto_time_json(c->last_worker_msg), "urgent", c->urgent, "visitor_away",
                      c->visitor_away, "monitors", strings_json(c->monitors, c->nmonitors));
        if (o && c->label)
            json_object_set_new(o, "label", json_string(c->label));
        if (o)
            json_object_set_new(o, "lang", c->lang ? json_string(c->lang) : json_null());
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *opt_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *proto_alert_json(const struct proto_alert *a)
{
    json_t *o = json_object();
    if (o) {
        json_object_set_new(o, "alert", json_string(a->alert));
        json_object_set_new(o, "chat", json_string(a->chat));
        json_object_set_new(o, "label", json_string(a->label));
        json_object_set_new(o, "topic", json_string(a->topic));
        json_object_set_new(o, "worker", json_string(a->worker));
        json_object_set_new(o, "kind", json_string(a->kind));
        json_object_set_new(o, "note", opt_string(a->note));
        json_object_set_new(o, "at", proto_time_json(a->at));
        json_object_set_new(o, "taken_by", opt_string(a->taken_by));
    }
    return o;
}

char *proto_alert(const struct proto_alert *a)
{
    json_t *o = frame_new("alert"), *body = proto_alert_json(a);
    if (o && body)
        json_object_update(o, body);
    if (o)
        json_object_set_new(o, "ts", proto_time_json(a->at));
    json_decref(body);
    return proto_dump(o, NULL);
}

/* {"type":type,"alert","chat","label"}, the start of the frames about an alert. */
static json_t *alert_frame(const char *type, const struct proto_alert *a)
{
    json_t *o = frame_new(type);
    if (o) {
        json_object_set_new(o, "alert", json_string(a->alert));
        json_object_set_new(o, "chat", json_string(a->chat));
        json_object_set_new(o, "label", json_string(a->label));
    }
    return o;
}

char *proto_alert_taken(const struct proto_alert *a, const char *by)
{
    json_t *o = alert_frame("alert_taken", a);
    if (o)
        json_object_set_new(o, "by", json_string(by));
    return proto_dump(o, NULL);
}

char *proto_alert_closed(const struct proto_alert *a, const char *by, const char *reason)
{
    json_t *o = alert_frame("alert_closed", a);
    if (o) {
        json_object_set_new(o, "by", opt_string(by));
        json_object_set_new(o, "reason", json_string(reason));
    }
    return proto_dump(o, NULL);
}

char *proto_monitored(const char *chat, const char *label, const char *const *by, size_t n)
{
    json_t *o = frame_new("monitored");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "label", json_string(label));
        json_object_set_new(o, "by", strings_json(by, n));
    }
    return proto_dump(o, NULL);
}

char *proto_board(const struct proto_board *b, const char *ref)
{
    json_t *o = frame_new("board");
    if (o) {
        json_object_set_new(o, "topics", board_topics(b));
        json_object_set_new(o, "workers", board_workers(b));
        json_object_set_new(o, "chats", board_chats(b));
        json_t *alerts = json_array();
        for (size_t i = 0; alerts && i < b->nalerts; i++)
            json_array_append_new(alerts, proto_alert_json(&b->alerts[i]));
        json_object_set_new(o, "alerts", alerts);
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

char *proto_flag(const char *chat, bool urgent)
{
    json_t *o = frame_new("flag");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "urgent", json_boolean(urgent));
    }
    return proto_dump(o, NULL);
}

char *proto_wrapup(const char *chat, const char *label, time_t until)
{
    json_t *o = frame_new("wrapup");
    if (o) {
        json_object_set_new(o, "chat", json_string(chat));
        json_object_set_new(o, "label", json_string(label));
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

char *proto_ack_alert(long supervisors, const char *alert, const char *ref)
{
    json_t *o = frame_new("ack");
    if (o) {
        json_object_set_new(o, "supervisors", json_integer(supervisors));
        json_object_set_new(o, "alert", json_string(alert));
    }
    return proto_dump(o, ref);
}

char *proto_error_closed(time_t next_open, const char *ref)
{
    return proto_error(CHAT_ERR_CLOSED, ref,
                       json_pack("{s:o}", "next_open", proto_time_json(next_open)));
}

char *proto_error_full(enum proto_full_reason reason, time_t joins_until, time_t next_open,
                       const char *ref)
{
    const char *name = proto_full_reason_name(reason);
    return proto_error(CHAT_ERR_QUEUE_FULL, ref,
                       json_pack("{s:s,s:o,s:o}", "reason", name ? name : "queue", "joins_until",
                                 proto_time_json(joins_until), "next_open",
                                 proto_time_json(next_open)));
}

/* ---- HTTP bodies ---------------------------------------------------------- */

char *proto_status_week_body(const struct proto_week *w)
{
    json_t *hours = json_array();
    for (size_t i = 0; hours && i < w->nhours; i++) {
        const struct proto_week_hour *h = &w->hours[i];
        double share = h->answered_share > 1 ? 1 : h->answered_share;
        json_array_append_new(hours, json_pack("{s:i,s:i,s:f,s:o}", "dow", h->dow, "hour", h->hour,
                                               "answered_share", round(share * 1000) / 1000,
                                               "typical_wait_s", wait_json(h->typical_wait_s)));
    }
    return proto_dump(json_pack("{s:s,s:s,s:s,s:o}", "topic", w->topic, "from", w->from, "to",
                                w->to, "hours", hours),
                      NULL);
}

/* A share in 0..1, or null when < 0. */
static json_t *share_json(double v)
{
    return v < 0 ? json_null() : json_real(v);
}

static json_t *plan_row_json(const struct proto_plan_row *r, bool redistribute)
{
    bool needed = r->slots_needed >= 0;
    json_t *o =
        json_pack("{s:s,s:i,s:i,s:I,s:f,s:f,s:f,s:f,s:o,s:o,s:o,s:o,s:o,s:b}", "topic", r->topic,
                  "dow", r->dow, "hour", r->hour, "weeks", (json_int_t)r->weeks, "arrivals_per_h",
                  r->arrivals_per_h, "handle_s", r->handle_s, "patience_s", r->patience_s,
                  "slots_had", r->slots_had, "answered_share", share_json(r->answered_share),
                  "slots_needed", needed ? json_integer(r->slots_needed) : json_null(),
                  "answered_share_at_needed", share_json(r->answered_share_at_needed),
                  "wait_share_at_needed", share_json(r->wait_share_at_needed), "gain_per_slot",
                  r->has_gain ? json_real(r->gain_per_slot) : json_null(), "thin", r->thin);
    if (o && redistribute)
        json_object_set_new(o, "slots_proposed",
                            r->slots_proposed >= 0 ? json_integer(r->slots_proposed) : json_null());
    if (o) {
        json_object_set_new(o, "open", json_boolean(r->open));
        json_object_set_new(o, "short", json_boolean(r->short_));
    }
    return o;
}

char *proto_plan_body(const struct proto_plan *p)
{
    json_t *hours = json_array();
    for (size_t i = 0; hours && i < p->nrows; i++)
        json_array_append_new(hours, plan_row_json(&p->rows[i], p->redistribute));
    json_t *o = json_pack("{s:{s:f,s:f},s:o}", "target", "wait_s", p->target_wait_s, "share",
                          p->target_share, "hours", hours);
    json_t *week =
        o && (p->redistribute || p->pooled) ? json_pack("{s:f}", "now", p->answered_now) : NULL;
    if (week && p->redistribute) {
        json_object_set_new(week, "redistributed", json_real(p->answered_redistributed));
        json_object_set_new(week, "planned", json_real(p->answered_planned));
    }
    if (week)
        json_object_set_new(week, "observed", json_real(p->answered_observed));
    if (week && p->pooled) {
        json_t *orgs = json_array();
        for (size_t i = 0; orgs && i < p->norgs; i++)
            json_array_append_new(orgs, json_pack("{s:s,s:f,s:f}", "org", p->orgs[i].org, "now",
                                                  p->orgs[i].now, "pooled", p->orgs[i].pooled));
        json_object_set_new(week, "pooled", json_real(p->answered_pooled));
        json_object_set_new(week, "orgs", orgs ? orgs : json_null());
    }
    if (week)
        json_object_set_new(o, "answered_per_week", week);
    return proto_dump(o, NULL);
}

char *proto_stats_labels(const struct proto_question *q, size_t nq, const struct proto_category *c,
                         size_t nc)
{
    char *text = proto_dump(json_pack("{s:o,s:o}", "questions", proto_questions_json(q, nq),
                                      "categories", proto_categories_json(c, nc)),
                            NULL);
    if (text) { /* {"questions":...} -> "questions":... */
        size_t n = strlen(text);
        memmove(text, text + 1, n - 2);
        text[n - 2] = '\0';
    }
    return text;
}

char *proto_http_error(int err)
{
    return proto_http_error_why(err, NULL);
}

char *proto_http_error_why(int err, const char *why)
{
    int status = chat_err_http(err);
    return proto_dump(json_pack("{s:s,s:s}", "error",
                                status == 401   ? "unauthorized"
                                : status == 403 ? "forbidden"
                                : status == 400 ? "bad_request"
                                : status == 404 ? "not_found"
                                : status == 413 ? "too_large"
                                : status == 503 ? "busy"
                                                : "internal",
                                "message", why ? why : chat_err_message(err)),
                      NULL);
}

char *proto_langs_body(const struct proto_lang_info *l, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++)
        json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "code", l[i].code, "name", l[i].name,
                                              "dir", l[i].dir));
    return proto_dump(json_pack("{s:o}", "langs", list), NULL);
}

char *proto_words_body(const char *lang, const char *const *keys, const char *const *texts,
                       size_t n)
{
    json_t *words = json_object();
    for (size_t i = 0; words && i < n; i++)
        json_object_set_new(words, keys[i], json_string(texts[i]));
    return proto_dump(json_pack("{s:s,s:o}", "lang", lang, "words", words), NULL);
}

/* s with the five XML metacharacters as entities. */
static void jw_xml(struct jw *w, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            jw_lit(w, "&amp;");
            break;
        case '<':
            jw_lit(w, "&lt;");
            break;
        case '>':
            jw_lit(w, "&gt;");
            break;
        case '"':
            jw_lit(w, "&quot;");
            break;
        case '\'':
            jw_lit(w, "&apos;");
            break;
        default:
            jw_bytes(w, s, 1);
        }
    }
}

char *proto_badge_svg(const char *text, const char *fill)
{
    struct jw w = {0};
    char width[16];
    /* about 7 pixels a character at 13px sans-serif, and 12 each side */
    snprintf(width, sizeof(width), "%zu", 24 + 7 * proto_utf8_len(text));
    jw_lit(&w, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    jw_lit(&w, width);
    jw_lit(&w, "\" height=\"24\" role=\"img\" aria-label=\"");
    jw_xml(&w, text);
    jw_lit(&w, "\"><title>");
    jw_xml(&w, text);
    jw_lit(&w, "</title><rect width=\"");
    jw_lit(&w, width);
    jw_lit(&w, "\" height=\"24\" rx=\"4\" fill=\"");
    jw_xml(&w, fill);
    jw_lit(&w, "\"/><text x=\"12\" y=\"16\" fill=\"#fff\" font-family=\"sans-serif\" "
               "font-size=\"13\">");
    jw_xml(&w, text);
    jw_lit(&w, "</text></svg>\n");
    return jw_take(&w);
}
