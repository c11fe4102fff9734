/*
 * hub: the entry points of hub.h. Each frame, connection event, timer and
 * password result is one unit of work of the open batch (turn.h); the end
 * of the loop turn routes, pushes what changed, and commits the batch.
 *
 * Ownership: the hub owns visitors, workers and chats (see hub_int.h for
 * their invariants). Conns are owned by the shell; a session points at its
 * conn only while it is connected.
 */
#include "hub.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "hub_letters.h"
#include "hub_req.h"
#include "langs.h"
#include "login.h"
#include "report.h"
#include "route.h"
#include "session.h"
#include "staff.h"
#include "supervise.h"

#define FAILURES_LOG_S 10 /* failed commits are told at most once in this long */

void hub_log(const struct hub *h, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    if (!h->log)
        return;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is above */
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    h->log(msg, h->log_arg);
}

void hub_set_logger(struct hub *h, void (*log)(const char *msg, void *arg), void *arg)
{
    h->log = log;
    h->log_arg = arg;
}

void hub_set_langs(struct hub *h, const struct langs *langs)
{
    h->langs = langs ? langs : &langs_base;
}

void hub_set_reports(struct hub *h, struct report *reports)
{
    h->reports = reports;
}

static void no_wake(struct conn *c, void *arg)
{
    (void)c;
    (void)arg;
}

/* Ends a unit: the rows of the sessions it changed go into the journal
 * with it, so the unit is durable when they are. */
static void unit_end(struct hub *h)
{
    if (session_persist_dirty(h) != 0)
        hub_log(h, "cannot keep a queue place for a restart (out of memory)");
    turn_unit_end(h);
}

/* Says how many commits failed since it last said so: at once for the
 * first, then at most one line per FAILURES_LOG_S (hub_next_deadline wakes
 * the loop for the rest), and what is left at a stop (final). */
static void log_failures(struct hub *h, double now, bool final)
{
    long n = h->turn.failures - h->failures_logged;
    if (n <= 0 || (!final && now - h->failure_logged < FAILURES_LOG_S))
        return;
    hub_log(h,
            "%ld commit(s) failed (disk full or I/O error?): their senders were told to send "
            "again",
            n);
    h->failure_logged = now;
    h->failures_logged = h->turn.failures;
}

struct hub *hub_new(struct config *cfg, struct store *st, const uint8_t pub[TRANSCRIPT_PUB_BYTES],
                    struct auth *auth, double now)
{
    struct hub *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->cfg = cfg;
    h->given_cfg = cfg;
    h->st = st;
    h->auth = auth;
    memcpy(h->pub, pub, TRANSCRIPT_PUB_BYTES);
    const char *bad;
    if (chat_keys_load(h, &bad) != 0) { /* chatd's start-up checked them and said which */
        free(h);
        return NULL;
    }
    turn_init(&h->turn);
    conn_set_init(&h->conns);
    h->turn.undo_visitors = session_undo;
    h->turn.forget_sent = route_forget_sent;
    h->visitors = idmap_new();
    h->chats = idmap_new();
    h->per_source = idmap_new();
    h->stats = stats_new(cfg, (time_t)now);
    h->login = login_new();
    h->last_flush = (time_t)now;
    h->last_purge = (time_t)now - PURGE_EVERY_S; /* purge once at start */
    for (size_t i = 0; i < cfg->ntopics; i++) {
        queue_init(&h->topics[i].queue, (time_t)cfg->topics[i].urgent_after_s);
        h->topics[i].resend_at = -1;
    }
    hub_redo(h, REDO_STATUS, -1);
    h->lang_wake = -1;
    h->langs = &langs_base;
    if (!h->visitors || !h->chats || !h->per_source || !h->stats || !h->login ||
        route_labels_build(h) != 0 || hub_letters_load(h) != 0 ||
        route_seed_estimates(h, (time_t)now) != 0 || session_restore(h, (time_t)now) != 0 ||
        session_persist_dirty(h) != 0 || turn_commit(h, now, no_wake, NULL) != TURN_COMMITTED) {
        hub_free(h, now);
        return NULL;
    }
    return h;
}

/* Frees the configs reloads gave the hub (not the one hub_new was given). */
static void free_reloaded(struct hub *h)
{
    while (h->old_configs) {
        struct hub_old_config *o = h->old_configs;
        h->old_configs = o->next;
        if (o->cfg != h->given_cfg)
            config_free(o->cfg);
        free(o);
    }
    if (h->cfg != h->given_cfg)
        config_free(h->cfg);
    h->cfg = h->given_cfg;
}

void hub_free(struct hub *h, double now)
{
    if (!h)
        return;
    if (h->stats && h->visitors && h->chats && h->per_source && h->login) {
        /* the last batch is worth waiting for: at a stop, wait for another
         * writer's lock like chatadmin does, and try now */
        store_set_no_wait(h->st, 0);
        h->turn.retry_at = 0;
        if (stats_flush(h->stats, (time_t)now, store_stats_put, h->st) != 0 ||
            session_persist_dirty(h) != 0 || turn_commit(h, now, no_wake, NULL) != TURN_COMMITTED)
            hub_log(h, "the last statistics and queue places could not be stored");
        session_free_all(h);
    }
    log_failures(h, now, true);
    staff_free_all(h);
    turn_fini(h);
    store_discard(h->st);
    stats_free(h->stats);
    login_free(h->login);
    idmap_free(h->visitors);
    idmap_free(h->chats);
    idmap_free(h->per_source);
    free(h->last_status);
    hub_status_free(h);
    free(h->status_body.body);
    for (size_t i = 0; i < CONFIG_MAX_TOPICS; i++)
        free(h->week_body[i].body);
    free(h->exceptions);
    supervise_free_alerts(h);
    route_labels_free(h);
    free_reloaded(h);
    hub_rota_fini(h);
    hub_letters_free(h);
    free(h);
}

long hub_restored(const struct hub *h, long *chats)
{
    *chats = h->restored_chats;
    return h->restored_places;
}

struct conn_set *hub_conns(struct hub *h)
{
    return &h->conns;
}

void hub_conn_open(struct hub *h, struct conn *c, double now)
{
    conn_bucket_init(&c->msg_rate, h->cfg->msg_rate_per_s, h->cfg->msg_burst);
    conn_bucket_init(&c->chatter, HUB_CHATTER_PER_S, HUB_CHATTER_BURST);
    if (c->role == PROTO_STATUS)
        hub_status_open(h, c, (time_t)now);
    else if (c->role == PROTO_VISITOR)
        hub_conn_org_refused(c);
}

void hub_conn_frame(struct hub *h, struct conn *c, const char *buf, size_t len, double now)
{
    struct proto_req r;
    int rc = proto_decode(&h->langs->accept, c->role, buf, len, &r);
    turn_unit_begin(h, c, r.ref);
    if (rc != 0) {
        conn_send(c, proto_error(rc, r.ref, NULL));
        if (++c->abuse > ABUSE_LIMIT)
            conn_close(c, 1008);
    } else if ((r.type == PT_PING || r.type == PT_TYPING) && !conn_bucket_take(&c->chatter, now)) {
        conn_send(c, proto_error(CHAT_ERR_RATE_LIMITED, r.ref, NULL));
        if (++c->abuse > ABUSE_LIMIT)
            conn_close(c, 1008);
    } else if (r.type == PT_PING) {
        conn_send(c, proto_bare("pong", r.ref));
    } else if (c->role == PROTO_VISITOR) {
        hub_visitor_request(h, c, &r, now);
    } else if (c->role == PROTO_WORKER) {
        hub_worker_request(h, c, &r, now);
    }
    unit_end(h);
    proto_req_fini(&r);
}

void hub_conn_closed(struct hub *h, struct conn *c, double now)
{
    time_t t = (time_t)now;
    turn_unit_begin(h, NULL, NULL);
    conn_unsubscribe(c);
    login_conn_closed(h, c, t);
    turn_conn_closed(h, c);
    if (c->role == PROTO_VISITOR && c->session) {
        struct visitor *v = c->session;
        session_away(h, v, t);
        if (v->state == PROTO_VISITOR_CHATTING)
            staff_send(v->chat->worker, proto_visitor_presence(v->chat->id, false));
    } else if (c->role == PROTO_WORKER && c->session) {
        staff_detach(h, c->session, t);
    }
    c->session = NULL;
    unit_end(h);
}

void hub_auth_ready(struct hub *h, double now)
{
    login_ready(h, (time_t)now);
}

static void purge_done(struct hub *h, void *arg, bool committed)
{
    long deleted = h->turn.counts.transcripts_purged; /* of the commit just made */
    (void)arg;
    if (committed && deleted > 0)
        hub_log(h, "deleted %ld transcripts past retention_days", deleted);
    if (committed && deleted >= STORE_PURGE_BATCH) /* more to do: again in a minute */
        h->last_purge -= PURGE_EVERY_S - 60;
}

/* Journals the deletion of transcripts past retention_days (hourly; at
 * most STORE_PURGE_BATCH at a time) and of ended tokens and blocks. */
static void purge(struct hub *h, time_t now)
{
    char day[STATS_DAY_CHARS];
    time_t cut = now - (time_t)h->cfg->retention_days * 86400;
    h->last_purge = now;
    stats_format_day(cut, day);
    if (store_transcript_purge(h->st, day) != 0 || store_reclaim_some(h->st) != 0 ||
        store_token_purge(h->st, now) != 0 || store_block_purge(h->st, now) != 0 ||
        turn_after_commit(h, purge_done, NULL) != 0)
        hub_log(h, "cannot purge old transcripts (out of memory)");
    hub_letters_purge(h, now);
}

void hub_tick(struct hub *h, double now)
{
    time_t t = (time_t)now;
    turn_unit_begin(h, NULL, NULL);
    if (t - h->last_purge >= PURGE_EVERY_S)
        purge(h, t);
    session_expire(h, t);
    supervise_check_replies(h, t);
    staff_wrapups_expire(h, t);
    (void)hub_rota_tick(h, t);
    double check = login_next_check(h);
    if (check >= 0 && now >= check)
        login_check_tabs(h, t);
    for (struct worker *w = h->workers; w; w = w->next) {
        if (!w->ntabs && w->away_since && w->away_since + h->cfg->resume_grace_s <= t) {
            route_release_worker(h, w, t);
            staff_off(h, w);
        }
    }
    /* waits that became urgent by age, or may go to anyone now: the order,
     * positions and estimates move by the clock */
    hub_redo(h, REDO_ROUTE | REDO_STATUS | REDO_QUEUE_STATE | REDO_POSITIONS, -1);
    unit_end(h);
}

/* The next change of topic i's hours after t (-1: none), with the hub's
 * copy of its hours renewed when it no longer holds at t. */
static time_t topic_next_change(struct hub *h, size_t i, time_t t)
{
    struct topic_state *ts = &h->topics[i];
    if (!ts->hours_known || !status_hours_hold(&ts->hours, t)) {
        status_hours_at(&h->cfg->topics[i], t, &ts->hours);
        ts->hours_known = true;
    }
    return ts->hours.until;
}

double hub_next_deadline(struct hub *h, double now)
{
    time_t t = (time_t)now;
    double next = -1;
#define EARLIER(x)                                                                                 \
    do {                                                                                           \
        double x_ = (double)(x);                                                                   \
        if (x_ >= 0 && (next < 0 || x_ < next))                                                    \
            next = x_;                                                                             \
    } while (0)
    EARLIER(session_next_expiry(h));
    EARLIER(h->last_flush + STATS_FLUSH_S);
    EARLIER(h->last_purge + PURGE_EVERY_S);
    for (struct worker *w = h->workers; w; w = w->next)
        if (!w->ntabs && w->away_since)
            EARLIER(w->away_since + h->cfg->resume_grace_s);
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        EARLIER(topic_next_change(h, i, t));
        EARLIER(queue_next_aging(&h->topics[i].queue, t));
    }
    if (h->lang_wake > t)
        EARLIER(h->lang_wake);
    EARLIER(route_next_resend(h)); /* `queued` at least every 30 s */
    EARLIER(supervise_next_reply_alert(h));
    EARLIER(staff_next_wrapup_end(h));
    if (h->rota_next > 0) /* a taken shift's start: its reminder */
        EARLIER(h->rota_next);
    if (h->board_tabs)
        EARLIER(h->board_next);
    if (turn_retry_at(h) > 0)
        EARLIER(turn_retry_at(h));
    EARLIER(login_next_check(h));
    if (h->turn.failures > h->failures_logged)
        EARLIER(h->failure_logged + FAILURES_LOG_S);
    if (hub_redo_pending(h, REDO_ROUTE) && !turn_calm(h, now))
        EARLIER(h->turn.calm_until);
#undef EARLIER
    return next;
}

/* After a failed batch: each client it touched is shown the state as it is
 * again (a chat, a wait, or nothing), since frames that needed no storage
 * may have shown it what was then undone. */
static void resync(struct hub *h, struct visitor *v, struct worker *w)
{
    if (v && v->conn && v->state == PROTO_VISITOR_CHATTING)
        chat_send_started_visitor(h, v->chat, NULL);
    else if (v && v->conn && v->state == PROTO_VISITOR_IDLE)
        conn_send(v->conn, proto_bare("left", NULL));
    /* a waiting visitor gets its position again with everyone's */
    for (int i = 0; w && i < w->nchats; i++)
        chat_send_started_worker(h, w, w->chats[i], NULL);
}

/* Debug and sanitizer builds (CHAT_HUB_CHECK) look at the whole hub after
 * every turn, as SQLite's pager asserts its state in live code: a broken
 * invariant stops the daemon where it broke, not three requests later. */
static void check_after_turn(const struct hub *h)
{
#ifdef CHAT_HUB_CHECK
    char why[256];
    if (hub_check(h, why, sizeof(why)) != 0) {
        hub_log(h, "hub_check after the turn: %s", why);
        abort();
    }
#else
    (void)h;
#endif
}

long hub_turn_end(struct hub *h, double now, void (*wake)(struct conn *c, void *arg), void *arg)
{
    time_t t = (time_t)now;
    turn_unit_begin(h, NULL, NULL); /* what routing and the pushes send */
    if (hub_redo_pending(h, REDO_ROUTE) && turn_calm(h, now))
        route_run(h, t);
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        if (hub_redo_take_positions(h, (int)i))
            route_push_positions(h, (int)i, t);
    if (hub_redo_take(h, REDO_QUEUE_STATE)) {
        for (struct worker *w = h->workers; w; w = w->next)
            if (w->on_duty && w->ntabs)
                route_send_queue_state(h, w, t);
    }
    unit_end(h);
    if (hub_redo_take(h, REDO_STATUS)) { /* public aggregates: they wait for no commit */
        hub_status_push(h, t);           /* hub_status.c: by org */
        for (size_t i = 0; i < h->cfg->ntopics; i++)
            stats_staffing(h->stats, (int)i, staff_workers(h, (int)i), staff_slots(h, (int)i), t);
    }
    if (t - h->last_flush >= STATS_FLUSH_S) {
        h->last_flush = t;
        if (stats_flush(h->stats, t, store_stats_put, h->st) != 0)
            hub_log(h, "cannot write statistics (out of memory)");
    }
    long writes = (long)store_pending(h->st);
    enum turn_result res = turn_commit(h, now, wake, arg);
    if (res == TURN_FAILED) {
        turn_resync(h, resync);
        turn_release(h, wake, arg);
    }
    if (res != TURN_BUSY) { /* memory is what is stored again: the board may show it */
        supervise_after_turn(h, now);
        turn_release(h, wake, arg); /* what it sent needs no commit */
    }
    if (res != TURN_BUSY && h->reports) /* the hours they read are stored now */
        report_release(h->reports);
    log_failures(h, now, false);
    check_after_turn(h);
    return res == TURN_BUSY ? 0 : writes;
}

void hub_set_key(struct hub *h, const uint8_t pub[TRANSCRIPT_PUB_BYTES])
{
    const char *bad;
    memcpy(h->pub, pub, TRANSCRIPT_PUB_BYTES);
    if (chat_keys_load(h, &bad) != 0)
        hub_log(h,
                "%s is not a transcript public key; new chats of that org are sealed to the "
                "server's key",
                bad);
}
