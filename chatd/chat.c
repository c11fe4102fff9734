/*
 * chat: a conversation's life; see chat.h. Every change that must be
 * durable is journaled in the store before memory changes, and every
 * changed object is touched first (turn.h), so a failed commit takes it back.
 */
#include "chat.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "langs.h"
#include "session.h"
#include "staff.h"

static void random_id(char *out, size_t outlen, size_t bytes)
{
    uint8_t raw[32];
    randombytes_buf(raw, bytes);
    sodium_bin2base64(out, outlen, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int chat_keys_load(struct hub *h, const char **bad)
{
    const struct config *cfg = h->cfg;
    int rc = 0;
    *bad = NULL;
    for (size_t i = 0; i < cfg->norgs; i++) {
        const char *path = cfg->orgs[i].transcript_key;
        uint8_t pub[TRANSCRIPT_PUB_BYTES];
        if (!path[0] || strcmp(path, cfg->transcript_key) == 0)
            memcpy(h->org_pub[i], h->pub, TRANSCRIPT_PUB_BYTES); /* the org's default */
        else if (transcript_load_pub(path, pub) == 0)
            memcpy(h->org_pub[i], pub, TRANSCRIPT_PUB_BYTES);
        else {
            /* never another org's key: the installation's, which holds
             * every org's by default */
            memcpy(h->org_pub[i], h->pub, TRANSCRIPT_PUB_BYTES);
            if (rc == 0)
                *bad = path;
            rc = CHAT_ERR_CRYPTO;
        }
    }
    return rc;
}

/* A new chat object with a new key for segment, sealed to org's key; its
 * sealed copy journaled. */
static int chat_make(struct hub *h, struct visitor *v, int topic, const char *id, int segment,
                     int org, struct chat **out)
{
    uint8_t sealed[TRANSCRIPT_SEALED_BYTES];
    struct chat *ch = calloc(1, sizeof(*ch));
    *out = NULL;
    if (!ch)
        return CHAT_ERR_NOMEM;
    snprintf(ch->id, sizeof(ch->id), "%s", id);
    ch->topic = topic;
    ch->visitor = v;
    ch->segment = segment;
    ch->answer_topic = topic;
    ch->last_visitor_msg = ch->last_worker_msg = -1;
    ch->key = transcript_key_new(h->org_pub[org], sealed);
    int rc = ch->key ? store_segment_add(h->st, ch->id, segment, sealed, sizeof(sealed))
                     : CHAT_ERR_CRYPTO;
    if (rc == 0 && (rc = idmap_put(h->chats, ch->id, ch)) == 0) {
        turn_chat_created(h, ch);
        *out = ch;
        return 0;
    }
    transcript_key_free(ch->key);
    free(ch);
    return rc;
}

int chat_new(struct hub *h, struct visitor *v, int topic, int org, time_t now, struct chat **out)
{
    char id[CHAT_ID_MAX], day[STATS_DAY_CHARS];
    random_id(id, sizeof(id), CHAT_ID_BYTES);
    stats_format_day(now, day);
    int rc = store_transcript_add(h->st, id, h->cfg->topics[topic].id, day);
    return rc ? rc : chat_make(h, v, topic, id, 0, org, out);
}

void chat_label(struct hub *h, struct chat *ch, int topic, time_t now)
{
    struct topic_state *ts = &h->topics[topic];
    const char *id = h->cfg->topics[topic].id;
    char day[STATS_DAY_CHARS];
    if (ch->label > 0 && ch->label_topic == topic)
        return;
    stats_format_day(now, day);
    if (strcmp(ts->label_day, day) != 0) { /* a new day, or the first chat since the start */
        long last = store_label_last(h->st, id, day);
        ts->label_last = last > 0 ? last : 0;
        snprintf(ts->label_day, sizeof(ts->label_day), "%s", day);
    }
    ch->label = (int)++ts->label_last;
    ch->label_topic = topic;
    /* journaled with the batch that answers ch; out of memory for the
     * journal only risks the number being given again after a restart,
     * which is no reason to keep the visitor waiting */
    int rc = store_label_put(h->st, id, day, ts->label_last);
    (void)rc;
}

int chat_restore(struct hub *h, struct visitor *v, int topic, int org, const char *id,
                 time_t started, time_t waited, int label, struct chat **out)
{
    int segment = store_chat_last_segment(h->st, id) + 1;
    long seq = store_chat_last_seq(h->st, id), wseq = store_chat_last_whisper(h->st, id);
    if (segment <= 0 || seq < 0 || wseq < 0)
        return CHAT_ERR_NOT_FOUND;
    int rc = chat_make(h, v, topic, id, segment, org, out);
    if (rc == 0) {
        (*out)->seq = (uint64_t)seq;
        (*out)->wseq = (uint64_t)wseq;
        (*out)->started = started;
        (*out)->waited_s = waited;
        (*out)->label = label;
        (*out)->label_topic = topic;
    }
    return rc;
}

void chat_send_staff(struct chat *ch, const struct conn *except, char *frame)
{
    chat_send_watchers(ch, true, except, frame);
}

void chat_send_watchers(struct chat *ch, bool with_worker, const struct conn *except, char *frame)
{
    struct conn *to[WORKER_MAX_TABS * (1 + CHAT_MAX_WRITERS) + CHAT_MAX_MONITORS];
    int n = 0;
    const struct worker *ws[1 + CHAT_MAX_WRITERS];
    int nw = 0;
    if (ch->worker && with_worker)
        ws[nw++] = ch->worker;
    for (int i = 0; i < ch->nwriters; i++)
        ws[nw++] = ch->writers[i];
    for (int k = 0; k < nw; k++)
        for (int i = 0; i < ws[k]->ntabs; i++)
            to[n++] = ws[k]->tabs[i]->conn;
    for (int i = 0; i < ch->nmonitors; i++) {
        bool dup = false; /* a joined supervisor's tab also monitors */
        for (int k = 0; k < n && !dup; k++)
            dup = to[k] == ch->monitors[i]->conn;
        if (!dup)
            to[n++] = ch->monitors[i]->conn;
    }
    struct conn *last = NULL;
    for (int i = 0; frame && i < n; i++) {
        if (to[i] == except)
            continue;
        if (last)
            conn_send(last, strdup(frame));
        last = to[i];
    }
    if (last)
        conn_send(last, frame);
    else
        free(frame);
}

/* The frame a line goes out as; visitor: the visitor's side (no alias of a
 * whisper ever reaches it: a whisper has no visitor frame). */
static char *line_frame(const struct chat *ch, const struct hist *l)
{
    if (l->by == BY_WHISPER)
        return proto_whisper(ch->id, l->alias, l->text, l->ts);
    struct proto_msg m = {.chat = ch->id,
                          .from = l->by == BY_WORKER ? "worker" : "visitor",
                          .text = l->text,
                          .seq = l->seq,
                          .ts = l->ts,
                          .alias = l->shown};
    return proto_msg_frame(&m);
}

/* Seals and journals line l (its seq set here) of ch. */
static int seal_line(struct hub *h, struct chat *ch, struct hist *l)
{
    uint8_t nonce[TRANSCRIPT_NONCE_BYTES];
    uint8_t *ct = NULL;
    size_t ctlen;
    bool whisper = l->by == BY_WHISPER;
    struct proto_msg m = {.chat = ch->id,
                          .from = whisper              ? "supervisor"
                                  : l->by == BY_WORKER ? "worker"
                                                       : "visitor",
                          .text = l->text,
                          .seq = l->seq,
                          .ts = l->ts,
                          .alias = l->alias};
    int64_t bound = whisper ? -(int64_t)l->seq : (int64_t)l->seq;
    char *plain = proto_msg_record(&m);
    int rc = plain ? transcript_seal_msg(ch->key, ch->id, ch->segment, bound, plain, strlen(plain),
                                         nonce, &ct, &ctlen)
                   : CHAT_ERR_NOMEM;
    if (plain) {
        sodium_memzero(plain, strlen(plain));
        free(plain);
    }
    if (rc == 0)
        rc = store_msg_add(h->st, ch->id, ch->segment, bound, nonce, sizeof(nonce), ct, ctlen);
    free(ct);
    return rc;
}

/* Counts a line in the statistics and the times the board shows. */
static void count_line(struct hub *h, struct chat *ch, const struct hist *l)
{
    if (l->by == BY_VISITOR) {
        stats_add(h->stats, ch->topic, STAT_MSGS_VISITOR, 1, l->ts);
        ch->last_visitor_msg = l->ts;
    } else if (l->by == BY_WORKER) {
        stats_add(h->stats, ch->topic, STAT_MSGS_WORKER, 1, l->ts);
        if (ch->last_worker_msg < 0 && ch->worker && !l->alias) { /* its first reply */
            stats_add(h->stats, ch->topic, STAT_FIRST_REPLIES, 1, l->ts);
            stats_add(h->stats, ch->topic, STAT_FIRST_REPLY_S, (long)(l->ts - ch->started), l->ts);
        }
        ch->last_worker_msg = l->ts;
    }
}

int chat_post(struct hub *h, struct chat *ch, const struct chat_line *in, const struct conn *from,
              time_t now, uint64_t *seq_out)
{
    if (ch->nhist == ch->caphist) {
        size_t cap = ch->caphist ? ch->caphist * 2 : 16;
        struct hist *nh = realloc(ch->hist, cap * sizeof(*nh));
        if (!nh)
            return CHAT_ERR_NOMEM;
        ch->hist = nh;
        ch->caphist = cap;
    }
    const char *shown = in->by != BY_WORKER ? in->alias
                        : in->alias         ? in->alias
                        : ch->worker        ? ch->worker->alias
                                            : NULL;
    struct hist l = {.text = strdup(in->text),
                     .alias = in->alias ? strdup(in->alias) : NULL,
                     .shown = shown ? strdup(shown) : NULL,
                     .by = in->by,
                     .seq = (in->by == BY_WHISPER ? ch->wseq : ch->seq) + 1,
                     .ts = now};
    int rc = !l.text || (in->alias && !l.alias) || (shown && !l.shown) ? CHAT_ERR_NOMEM
                                                                       : seal_line(h, ch, &l);
    if (rc != 0) {
        if (l.text) {
            hub_hist_free(&l);
        } else {
            free(l.alias);
            free(l.shown);
        }
        return rc;
    }
    turn_touch_chat(h, ch);
    if (l.by == BY_WHISPER)
        ch->wseq = l.seq;
    else
        ch->seq = l.seq;
    count_line(h, ch, &l);
    ch->hist[ch->nhist++] = l;
    if (l.by != BY_WHISPER && ch->visitor->conn && ch->visitor->conn != from)
        conn_send(ch->visitor->conn, line_frame(ch, &l));
    chat_send_staff(ch, from, line_frame(ch, &l));
    *seq_out = l.seq;
    return 0;
}

void chat_post_and_ack(struct hub *h, struct conn *conn, struct chat *ch,
                       const struct chat_line *line, const char *ref, time_t now)
{
    uint64_t seq;
    int rc = chat_post(h, ch, line, conn, now, &seq);
    conn_send(conn, rc ? proto_error(rc, ref, NULL) : proto_ack(seq, ref));
}

void chat_typing(struct hub *h, struct chat *ch, const struct conn *from, bool from_worker, bool on)
{
    (void)h;
    char *frame = proto_typing(ch->id, from_worker ? "worker" : "visitor", on);
    if (from_worker && ch->visitor->conn)
        conn_send(ch->visitor->conn, strdup(frame));
    chat_send_staff(ch, from, frame);
}

size_t chat_followers(const struct chat *ch, const char *by[CHAT_MAX_FOLLOWERS])
{
    size_t n = 0;
    const char *all[CHAT_MAX_MONITORS + CHAT_MAX_WRITERS];
    size_t nall = 0;
    for (int i = 0; i < ch->nmonitors; i++)
        all[nall++] = ch->monitors[i]->worker->alias;
    for (int i = 0; i < ch->nwriters; i++)
        all[nall++] = ch->writers[i]->alias;
    for (size_t i = 0; i < nall; i++) {
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(by[k], all[i]) == 0;
        if (!seen)
            by[n++] = all[i];
    }
    /* in name order, so the same people make the same list */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && strcmp(by[k - 1], by[k]) > 0; k--) {
            const char *t = by[k];
            by[k] = by[k - 1];
            by[k - 1] = t;
        }
    return n;
}

/* The started frame's fields common to both sides; hist gets the history
 * that side may see: the visitor's without whispers. */
static struct proto_chat_started started_of(const struct hub *h, const struct chat *ch,
                                            struct proto_msg *hist, bool visitor, char label[16],
                                            const char *canned[CONFIG_MAX_CANNED])
{
    snprintf(label, 16, "%d", ch->label);
    size_t n = 0;
    for (size_t i = 0; i < ch->nhist; i++) {
        const struct hist *l = &ch->hist[i];
        if (visitor && l->by == BY_WHISPER)
            continue;
        hist[n++] = (struct proto_msg){.chat = ch->id,
                                       .from = l->by == BY_WHISPER  ? "supervisor"
                                               : l->by == BY_WORKER ? "worker"
                                                                    : "visitor",
                                       .text = l->text,
                                       .seq = l->seq,
                                       .ts = l->ts,
                                       .alias = l->shown};
    }
    const struct config_topic *t = &h->cfg->topics[ch->topic];
    const struct visitor *v = ch->visitor;
    struct proto_chat_started s = {
        .chat = ch->id,
        .topic = t->id,
        .history = hist,
        .nhistory = n,
        .worker = ch->worker ? ch->worker->alias : "",
        .audience = status_audience_name(t->audience),
        .waited_s = (long)ch->waited_s,
        .visitor_away = !v->conn,
        .urgent = ch->urgent,
        .lang = v->lang >= 0 ? proto_langs_code(&h->langs->accept, v->lang) : NULL,
        .label = visitor ? NULL : label, /* staff only */
        /* contract v3 §4, staff only: the visitor's org, and whether the
         * worker answers it for that org as a partner */
        .org = visitor ? NULL : h->cfg->orgs[t->org].id,
        .overflow = ch->overflow,
        .has_canned = !visitor,
    };
    /* the canned replies of the chat's language (contract v3 §2) */
    const char(*texts)[CONFIG_CANNED_MAX + 1] = config_canned_for(h->cfg, s.lang, &s.ncanned);
    for (size_t i = 0; i < s.ncanned; i++)
        canned[i] = texts[i];
    s.canned = canned;
    if (!visitor) /* who follows the chat (contract v3 §2), as `monitored` says it */
        s.nmonitored_by = chat_followers(ch, s.monitored_by);
    s.has_monitored_by = !visitor;
    for (size_t q = 0; q < h->cfg->nquestions && s.nanswers < PROTO_MAX_ANSWERS; q++) {
        const struct config_question *cq = &h->cfg->questions[q];
        if (v->answers.of[q] >= 0) {
            s.answer_q[s.nanswers] = cq->id;
            s.answer_a[s.nanswers++] = cq->answers[v->answers.of[q]].id;
        }
    }
    return s;
}

void chat_flag(struct hub *h, struct chat *ch, bool urgent)
{
    turn_touch_chat(h, ch);
    ch->urgent = urgent;
    staff_send(ch->worker, proto_flag(ch->id, urgent));
}

void chat_send_started_visitor(struct hub *h, struct chat *ch, const char *ref)
{
    if (!ch->visitor->conn)
        return;
    struct proto_msg *hist = calloc(ch->nhist + 1, sizeof(*hist));
    if (!hist)
        return;
    char label[16];
    const char *canned[CONFIG_MAX_CANNED];
    struct proto_chat_started s = started_of(h, ch, hist, true, label, canned);
    conn_send(ch->visitor->conn, proto_chat_started_visitor(&s, ref));
    free(hist);
}

char *chat_started_staff(const struct hub *h, const struct chat *ch, bool monitoring,
                         const char *ref)
{
    struct proto_msg *hist = calloc(ch->nhist + 1, sizeof(*hist));
    if (!hist)
        return NULL;
    char label[16];
    const char *canned[CONFIG_MAX_CANNED];
    struct proto_chat_started s = started_of(h, ch, hist, false, label, canned);
    s.monitoring = monitoring;
    char *frame = proto_chat_started_worker(&s, ref);
    free(hist);
    return frame;
}

void chat_send_started_worker(struct hub *h, struct worker *w, struct chat *ch, const char *ref)
{
    if (w->ntabs)
        staff_send(w, chat_started_staff(h, ch, false, ref));
}

void chat_part_over(struct hub *h, struct chat *ch, time_t now)
{
    stats_add(h->stats, ch->topic, STAT_CHATS, 1, now);
    stats_add_duration(h->stats, ch->topic, STAT_CHAT_S, STAT_CHAT_H0, now - ch->started, now);
    staff_wrapup_begin(h, ch->worker, ch, now);
    hub_redo(h, REDO_POSITIONS, ch->topic); /* a new sample moves the estimates */
}

void chat_leave_worker(struct hub *h, struct chat *ch, time_t now)
{
    staff_drop_chat(h, ch->worker, ch, now);
}

void chat_end(struct hub *h, struct chat *ch, enum proto_end_by by, time_t now, const char *ref)
{
    chat_end_quick(h, ch, by, false, now, ref);
}

void chat_end_quick(struct hub *h, struct chat *ch, enum proto_end_by by, bool quick, time_t now,
                    const char *ref)
{
    struct visitor *v = ch->visitor;
    struct worker *w = ch->worker;
    if (w) {
        staff_send(w,
                   proto_chat_ended_quick(ch->id, by, quick, by == PROTO_BY_WORKER ? ref : NULL));
        chat_part_over(h, ch, now);
        chat_leave_worker(h, ch, now);
    }
    if (v->conn)
        conn_send(v->conn,
                  proto_chat_ended_quick(ch->id, by, quick, by == PROTO_BY_VISITOR ? ref : NULL));
    chat_send_watchers(ch, false, NULL, proto_chat_ended_quick(ch->id, by, quick, NULL));
    ch->nwriters = 0;
    turn_touch_visitor(h, v);
    snprintf(v->last_chat, sizeof(v->last_chat), "%s", ch->id);
    v->last_topic = ch->topic;
    v->last_end = now;
    v->feedback_done = false;
    v->chat = NULL;
    hub_no_answers(&v->answers);
    session_set_state(h, v, PROTO_VISITOR_IDLE, v->topic, NULL);
    turn_chat_ended(h, ch);
    hub_redo(h, REDO_ROUTE | REDO_STATUS, -1);
}
