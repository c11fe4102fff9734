/*
 * supervise: the board, monitoring, joining and alerts; see supervise.h.
 *
 * Invariants (besides those of hub_int.h): h->board_tabs is the number of
 * tabs with board set; a tab is in ch->monitors iff ch is in its
 * monitoring list; a supervisor in ch->writers monitored ch when it joined.
 */
#include "supervise.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "staff.h"

#define NO_FIRST_REPLY "no first reply"

bool supervise_may(enum proto_staff_role role)
{
    return role == PROTO_ROLE_COORDINATOR || role == PROTO_ROLE_ADMIN;
}

/* ---- the board ------------------------------------------------------------- */

/* The board as the shift is now. */
struct board_build {
    const struct hub *h;
    struct proto_board_topic topics[CONFIG_MAX_TOPICS];
    struct proto_board_worker *workers;
    struct proto_board_chat *chats;
    size_t nworkers, nchats, capchats;
};

static void board_topics(struct board_build *b, time_t now)
{
    const struct hub *h = b->h;
    struct status_hours tmp;
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        const struct queue *q = &h->topics[i].queue;
        b->topics[i] = (struct proto_board_topic){
            .id = h->cfg->topics[i].id,
            .open = hub_hours(h, (int)i, now, &tmp)->open,
            .staffed = staff_slots(h, (int)i) > 0,
            .waiting = (int)q->count,
            .urgent_waiting = (int)queue_urgent_count(q, now),
            .oldest_join = queue_oldest_since(q),
        };
    }
}

/* Workers on duty, connected or with chats; supervisors are not listed
 * unless on duty. */
static int board_workers(struct board_build *b)
{
    const struct hub *h = b->h;
    size_t n = 0;
    for (const struct worker *w = h->workers; w; w = w->next)
        n++;
    if (!(b->workers = calloc(n + 1, sizeof(*b->workers))))
        return CHAT_ERR_NOMEM;
    for (const struct worker *w = h->workers; w; w = w->next) {
        if (!w->on_duty && (supervise_may(w->role) || (!w->ntabs && !w->nchats)))
            continue;
        struct proto_board_worker *bw = &b->workers[b->nworkers++];
        *bw = (struct proto_board_worker){
            .alias = w->alias,
            .on_duty = w->on_duty,
            .connected = w->ntabs > 0,
            .capacity = w->capacity,
            .chats = w->nchats,
            .wrapups = w->wrapups.n,
            .idle_since = w->on_duty && !w->nchats ? w->idle_since : -1,
        };
        for (size_t i = 0; w->on_duty && i < h->cfg->ntopics; i++)
            if (w->topics & (1u << i))
                bw->topics[bw->ntopics++] = h->cfg->topics[i].id;
    }
    return 0;
}

static void board_chat(void *value, void *arg)
{
    struct board_build *b = arg;
    const struct chat *ch = value;
    if (b->nchats == b->capchats)
        return; /* counted before: cannot happen */
    struct proto_board_chat *bc = &b->chats[b->nchats++];
    *bc = (struct proto_board_chat){
        .chat = ch->id,
        .topic = b->h->cfg->topics[ch->topic].id,
        .worker = ch->worker ? ch->worker->alias : "",
        .started = ch->started,
        .last_visitor_msg = ch->last_visitor_msg,
        .last_worker_msg = ch->last_worker_msg,
        .urgent = ch->urgent,
        .visitor_away = !ch->visitor->conn,
    };
    for (int i = 0; i < ch->nmonitors; i++)
        bc->monitors[bc->nmonitors++] = ch->monitors[i]->worker->alias;
}

/* The board frame (ref when not NULL), or NULL when out of memory. */
static char *board_frame(const struct hub *h, time_t now, const char *ref)
{
    struct board_build b = {.h = h, .capchats = idmap_count(h->chats)};
    char *frame = NULL;
    board_topics(&b, now);
    if (board_workers(&b) == 0 && (b.chats = calloc(b.capchats + 1, sizeof(*b.chats)))) {
        idmap_each(h->chats, board_chat, &b);
        struct proto_board board = {b.topics,   h->cfg->ntopics, b.workers,
                                    b.nworkers, b.chats,         b.nchats};
        frame = proto_board(&board, ref);
    }
    free(b.workers);
    free(b.chats);
    return frame;
}

void supervise_board(struct hub *h, struct tab *tab, bool on, const char *ref, time_t now)
{
    if (on != tab->board)
        h->board_tabs += on ? 1 : -1;
    tab->board = on;
    conn_send(tab->conn, on ? board_frame(h, now, ref) : proto_ack(0, ref));
}

void supervise_push_board(struct hub *h, double now)
{
    if (!h->board_tabs || now < h->board_next)
        return;
    h->board_next = now + BOARD_EVERY_S;
    char *text = board_frame(h, (time_t)now, NULL);
    if (!text || (h->last_board && strcmp(h->last_board, text) == 0)) {
        free(text);
        return;
    }
    free(h->last_board);
    h->last_board = text;
    for (struct worker *w = h->workers; w; w = w->next)
        for (int i = 0; i < w->ntabs; i++)
            if (w->tabs[i]->board)
                conn_send_latest(w->tabs[i]->conn, strdup(text));
}

/* ---- monitor, join --------------------------------------------------------- */

static bool monitors(const struct chat *ch, const struct tab *tab)
{
    for (int i = 0; i < ch->nmonitors; i++)
        if (ch->monitors[i] == tab)
            return true;
    return false;
}

void supervise_monitor(struct hub *h, struct tab *tab, struct chat *ch, bool on, const char *ref)
{
    if (!on) {
        hub_unmonitor(ch, tab);
        return conn_send(tab->conn, proto_ack(0, ref));
    }
    if (!monitors(ch, tab)) {
        if (ch->nmonitors == CHAT_MAX_MONITORS || tab->nmonitoring == TAB_MAX_MONITORING)
            return conn_send(tab->conn, proto_error(CHAT_ERR_RATE_LIMITED, ref, NULL));
        ch->monitors[ch->nmonitors++] = tab;
        tab->monitoring[tab->nmonitoring++] = ch;
    }
    conn_send(tab->conn, chat_started_staff(h, ch, true, ref));
}

bool supervise_joined(const struct chat *ch, const struct worker *w)
{
    for (int i = 0; i < ch->nwriters; i++)
        if (ch->writers[i] == w)
            return true;
    return false;
}

void supervise_join(struct hub *h, struct tab *tab, struct chat *ch, const char *ref)
{
    (void)h;
    if (!monitors(ch, tab))
        return conn_send(tab->conn, proto_error(CHAT_ERR_BAD_STATE, ref, NULL));
    if (!supervise_joined(ch, tab->worker)) {
        if (ch->nwriters == CHAT_MAX_WRITERS)
            return conn_send(tab->conn, proto_error(CHAT_ERR_RATE_LIMITED, ref, NULL));
        ch->writers[ch->nwriters++] = tab->worker;
    }
    conn_send(tab->conn, proto_ack(0, ref));
}

/* ---- alerts ---------------------------------------------------------------- */

/* Sends an alert about ch to every supervisor with the board on; the
 * number of supervisors (users) it reached. */
static int raise_alert(struct hub *h, const struct chat *ch, const char *note, time_t now)
{
    int users = 0;
    char *frame = proto_alert(ch->id, h->cfg->topics[ch->topic].id,
                              ch->worker ? ch->worker->alias : "", note, now);
    for (struct worker *w = h->workers; frame && w; w = w->next) {
        bool reached = false;
        for (int i = 0; i < w->ntabs; i++) {
            if (!w->tabs[i]->board)
                continue;
            conn_send(w->tabs[i]->conn, strdup(frame));
            reached = true;
        }
        users += reached;
    }
    free(frame);
    stats_add(h->stats, ch->topic, STAT_ALERTS, 1, now);
    return users;
}

/* Whether w may raise another alert at now (at most
 * SUPERVISE_ALERTS_PER_HOUR in any hour); if so, it is counted. */
static bool alert_allowed(struct worker *w, time_t now)
{
    time_t *oldest = &w->alerts_at[w->alerts_next];
    if (*oldest != 0 && now - *oldest < 3600)
        return false;
    *oldest = now;
    w->alerts_next = (w->alerts_next + 1) % SUPERVISE_ALERTS_PER_HOUR;
    return true;
}

void supervise_alert(struct hub *h, struct conn *from, struct chat *ch, const char *note,
                     const char *ref, time_t now)
{
    if (!ch->worker || !alert_allowed(ch->worker, now))
        return conn_send(from, proto_error(CHAT_ERR_RATE_LIMITED, ref, NULL));
    int users = raise_alert(h, ch, note, now);
    if (!ch->urgent)
        chat_flag(h, ch, true);
    conn_send(from, proto_ack_with("supervisors", users, ref));
}

/* True when ch waits for its worker's first reply, and the alert for it
 * has not been raised. */
static bool awaits_reply(const struct hub *h, const struct chat *ch)
{
    return ch->worker && ch->last_worker_msg < 0 && !ch->reply_alerted &&
           h->cfg->topics[ch->topic].first_reply_s > 0;
}

struct due {
    struct hub *h;
    time_t now;
    time_t next;
};

static void reply_due(void *value, void *arg)
{
    struct due *d = arg;
    struct chat *ch = value;
    if (!awaits_reply(d->h, ch))
        return;
    time_t at = ch->started + d->h->cfg->topics[ch->topic].first_reply_s;
    if (d->now >= 0 && at <= d->now) {
        turn_touch_chat(d->h, ch);
        ch->reply_alerted = true;
        (void)raise_alert(d->h, ch, NO_FIRST_REPLY, d->now);
    } else if (d->next < 0 || at < d->next) {
        d->next = at;
    }
}

void supervise_check_replies(struct hub *h, time_t now)
{
    struct due d = {h, now, -1};
    idmap_each(h->chats, reply_due, &d);
}

time_t supervise_next_reply_alert(const struct hub *h)
{
    struct due d = {(struct hub *)h, -1, -1};
    idmap_each(h->chats, reply_due, &d);
    return d.next;
}
