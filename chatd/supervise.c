/*
 * supervise: the board, monitoring, joining and alerts; see supervise.h.
 *
 * Invariants (besides those of hub_int.h): h->board_tabs is the number of
 * tabs with board set; a tab is in ch->monitors iff ch is in its
 * monitoring list; a supervisor in ch->writers monitored ch when it joined.
 *
 * Scope (contract v3 §4, scope.h): each supervisor's board holds its orgs'
 * topics, chats, workers and alerts only, so boards differ by the viewer's
 * orgs: a push builds one frame per set of orgs among the board tabs, and
 * each tab remembers the hash of the last board it was sent.
 */
#include "supervise.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "langs.h"
#include "scope.h"
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
    const struct worker *viewer; /* whose orgs the board shows */
    struct proto_board_topic topics[CONFIG_MAX_TOPICS];
    struct proto_board_worker *workers;
    struct proto_board_chat *chats;
    char (*labels)[16]; /* one per chat, then one per alert */
    struct proto_alert *alerts;
    size_t nworkers, nchats, capchats, nalerts;
};

static size_t board_topics(struct board_build *b, time_t now)
{
    const struct hub *h = b->h;
    struct status_hours tmp;
    size_t n = 0;
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        const struct queue *q = &h->topics[i].queue;
        if (!scope_topic(h, b->viewer, (int)i))
            continue;
        b->topics[n++] = (struct proto_board_topic){
            .id = h->cfg->topics[i].id,
            .open = hub_hours(h, (int)i, now, &tmp)->open,
            .staffed = staff_slots(h, (int)i) > 0,
            .waiting = (int)q->count,
            .urgent_waiting = (int)queue_urgent_count(q, now),
            .oldest_join = queue_oldest_since(q),
        };
    }
    return n;
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
        if (!(w->orgs & b->viewer->orgs)) /* another org's worker */
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
            if ((w->topics & (1u << i)) && scope_topic(h, b->viewer, (int)i))
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
    if (!scope_chat(b->h, b->viewer, ch))
        return;
    snprintf(b->labels[b->nchats], sizeof(b->labels[0]), "%d", ch->label);
    struct proto_board_chat *bc = &b->chats[b->nchats];
    *bc = (struct proto_board_chat){
        .chat = ch->id,
        .topic = b->h->cfg->topics[ch->topic].id,
        .label = b->labels[b->nchats++],
        .lang = ch->visitor->lang >= 0 ? proto_langs_code(&b->h->langs->accept, ch->visitor->lang)
                                       : NULL,
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

static struct proto_alert alert_view(const struct hub *h, const struct alert *a, char label[16]);
static bool alert_seen_by(const struct hub *h, const struct alert *a, const struct worker *w);

/* The hash a tab keeps of the last board it was sent. */
static uint64_t board_sig(const char *frame)
{
    uint64_t sig;
    crypto_generichash((uint8_t *)&sig, sizeof(sig), (const uint8_t *)frame, strlen(frame), NULL,
                       0);
    return sig ? sig : 1; /* 0: none sent yet */
}

/* The board frame as viewer sees it (ref when not NULL), or NULL when out
 * of memory; *sig (when not NULL): the hash of the frame without ref. */
static char *board_frame(const struct hub *h, const struct worker *viewer, time_t now,
                         const char *ref, uint64_t *sig)
{
    struct board_build b = {.h = h, .viewer = viewer, .capchats = idmap_count(h->chats)};
    char *frame = NULL;
    size_t nalerts = 0, ntopics = board_topics(&b, now);
    for (const struct alert *a = h->alerts; a; a = a->next)
        nalerts++;
    b.chats = calloc(b.capchats + 1, sizeof(*b.chats));
    b.labels = calloc(b.capchats + nalerts + 1, sizeof(*b.labels));
    b.alerts = calloc(nalerts + 1, sizeof(*b.alerts));
    if (board_workers(&b) == 0 && b.chats && b.labels && b.alerts) {
        idmap_each(h->chats, board_chat, &b);
        for (const struct alert *a = h->alerts; a; a = a->next)
            if (alert_seen_by(h, a, viewer)) {
                b.alerts[b.nalerts] = alert_view(h, a, b.labels[b.capchats + b.nalerts]);
                b.nalerts++;
            }
        struct proto_board board = {b.topics, ntopics,  b.workers, b.nworkers,
                                    b.chats,  b.nchats, b.alerts,  b.nalerts};
        frame = proto_board(&board, ref);
        if (frame && sig) {
            char *plain = ref ? proto_board(&board, NULL) : frame;
            *sig = plain ? board_sig(plain) : 0;
            if (plain != frame)
                free(plain);
        }
    }
    free(b.workers);
    free(b.chats);
    free(b.labels);
    free(b.alerts);
    return frame;
}

void supervise_board(struct hub *h, struct tab *tab, bool on, const char *ref, time_t now)
{
    if (on != tab->board)
        h->board_tabs += on ? 1 : -1;
    tab->board = on;
    tab->board_sig = 0;
    conn_send(tab->conn,
              on ? board_frame(h, tab->worker, now, ref, &tab->board_sig) : proto_ack(0, ref));
}

/* The boards of one push: one per set of orgs among the board tabs. */
#define BOARD_SCOPES_MAX 8
struct board_scopes {
    struct {
        uint32_t orgs;
        char *text;
        uint64_t sig;
    } s[BOARD_SCOPES_MAX];
    int n;
};

void supervise_push_board(struct hub *h, double now)
{
    struct board_scopes built = {.n = 0};
    if (!h->board_tabs || now < h->board_next)
        return;
    h->board_next = now + BOARD_EVERY_S;
    for (struct worker *w = h->workers; w; w = w->next) {
        int k = 0;
        while (k < built.n && built.s[k].orgs != w->orgs)
            k++;
        for (int i = 0; i < w->ntabs; i++) {
            struct tab *tab = w->tabs[i];
            if (!tab->board)
                continue;
            if (k == built.n) { /* a set of orgs not seen in this push yet */
                char *text = board_frame(h, w, (time_t)now, NULL, NULL);
                if (!text)
                    continue;
                if (k == BOARD_SCOPES_MAX) /* more sets than kept: the last one gives way */
                    free(built.s[--k].text);
                else
                    built.n++;
                built.s[k].orgs = w->orgs;
                built.s[k].text = text;
                built.s[k].sig = board_sig(text);
            }
            if (built.s[k].sig == tab->board_sig)
                continue;
            tab->board_sig = built.s[k].sig;
            conn_send_latest(tab->conn, strdup(built.s[k].text));
        }
    }
    for (int k = 0; k < built.n; k++)
        free(built.s[k].text);
}

/* ---- monitor, join --------------------------------------------------------- */

/* Tells ch's worker who follows ch when that changed since it was last
 * told (or the worker is new to it and somebody follows). */
static void tell_monitored(void *value, void *arg)
{
    struct chat *ch = value;
    (void)arg;
    const char *by[CHAT_MAX_FOLLOWERS];
    size_t n = chat_followers(ch, by);
    uint64_t sig = 0;
    for (size_t i = 0; i < n; i++) {
        sig = sig ? sig : 1469598103934665603ULL;
        for (const char *p = by[i]; *p; p++)
            sig = (sig ^ (uint8_t)*p) * 1099511628211ULL;
        sig = (sig ^ 0xff) * 1099511628211ULL; /* the end of a name */
    }
    if (!ch->worker) {
        ch->monitored_to = NULL;
        ch->monitored_sig = 0;
        return;
    }
    if (sig == ch->monitored_sig && ch->worker == ch->monitored_to)
        return;
    if (sig != 0 || ch->worker == ch->monitored_to) {
        char label[16];
        snprintf(label, sizeof(label), "%d", ch->label);
        staff_send(ch->worker, proto_monitored(ch->id, label, by, n));
    }
    ch->monitored_to = ch->worker;
    ch->monitored_sig = sig;
}

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

static const char *alert_kind_name(enum alert_kind k)
{
    return k == ALERT_NO_FIRST_REPLY ? "no_first_reply" : "worker";
}

/* The wire's view of a (label: room for its digits). */
static struct proto_alert alert_view(const struct hub *h, const struct alert *a, char label[16])
{
    snprintf(label, 16, "%d", a->label);
    return (struct proto_alert){
        .alert = a->id,
        .chat = a->chat,
        .label = label,
        .topic = h->cfg->topics[a->topic].id,
        .worker = a->worker ? a->worker->alias : "",
        .kind = alert_kind_name(a->kind),
        .note = a->note[0] ? a->note : NULL,
        .taken_by = a->taken_by[0] ? a->taken_by : NULL,
        .at = a->at,
    };
}

/* The key under which a's frames replace each other on a slow tab: its id
 * hashed, never CONN_LATEST (the board's). */
static uint64_t alert_key(const struct alert *a)
{
    uint64_t k = 1469598103934665603ULL; /* FNV-1a */
    for (const char *p = a->id; *p; p++)
        k = (k ^ (uint8_t)*p) * 1099511628211ULL;
    return k <= CONN_LATEST ? k + 2 : k;
}

/* True when w sees alert a: it sees its chat, or (the chat ended) the
 * alert's topic or worker is of w's orgs (contract v3 §4). */
static bool alert_seen_by(const struct hub *h, const struct alert *a, const struct worker *w)
{
    const struct chat *ch = idmap_get(h->chats, a->chat);
    if (ch)
        return scope_chat(h, w, ch);
    return scope_topic(h, w, a->topic) || (a->worker && (a->worker->orgs & w->orgs));
}

/* Sends frame (taken) about a to every tab with the board on whose
 * supervisor sees a, keyed so a slow tab holds only the newest frame of
 * each alert; the number of supervisors (users) it reached. */
static int to_boards(struct hub *h, const struct alert *a, char *frame)
{
    int users = 0;
    for (struct worker *w = h->workers; frame && w; w = w->next) {
        bool reached = false;
        if (!alert_seen_by(h, a, w))
            continue;
        for (int i = 0; i < w->ntabs; i++) {
            if (!w->tabs[i]->board)
                continue;
            conn_send_keyed(w->tabs[i]->conn, strdup(frame), alert_key(a));
            reached = true;
        }
        users += reached;
    }
    free(frame);
    return users;
}

/* Sends frame (taken) to the tabs of a's worker. */
static void to_worker(const struct alert *a, char *frame)
{
    if (a->worker)
        staff_send(a->worker, frame);
    else
        free(frame);
}

static struct alert *alert_by_chat(const struct hub *h, const char *chat)
{
    for (struct alert *a = h->alerts; a; a = a->next)
        if (strcmp(a->chat, chat) == 0)
            return a;
    return NULL;
}

static struct alert *alert_by_id(const struct hub *h, const char *id)
{
    for (struct alert *a = h->alerts; a; a = a->next)
        if (strcmp(a->id, id) == 0)
            return a;
    return NULL;
}

static bool alert_was_closed(const struct hub *h, const char *id)
{
    for (int i = 0; i < ALERT_CLOSED_KEEP; i++)
        if (strcmp(h->alerts_closed[i], id) == 0)
            return true;
    return false;
}

/* ch's open alert, raised anew (kind, note, time), or a new one; NULL when
 * out of memory. The board is told. */
static struct alert *raise_alert(struct hub *h, const struct chat *ch, enum alert_kind kind,
                                 const char *note, time_t now, int *users)
{
    struct alert *a = alert_by_chat(h, ch->id);
    if (!a) {
        uint8_t raw[12];
        struct alert **tail = &h->alerts;
        if (!(a = calloc(1, sizeof(*a))))
            return NULL;
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(a->id, sizeof(a->id), raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        snprintf(a->chat, sizeof(a->chat), "%s", ch->id);
        a->topic = ch->topic;
        while (*tail)
            tail = &(*tail)->next;
        *tail = a;
    }
    a->label = ch->label; /* a transfer into another topic numbers it there */
    a->topic = ch->topic;
    a->worker = ch->worker; /* the chat's worker now: it learns who takes it */
    a->kind = kind;
    snprintf(a->note, sizeof(a->note), "%s", note ? note : "");
    a->at = now;
    char label[16];
    struct proto_alert view = alert_view(h, a, label);
    *users = to_boards(h, a, proto_alert(&view));
    if (kind == ALERT_NO_FIRST_REPLY) /* its worker sees it too (contract v3 §2) */
        to_worker(a, proto_alert(&view));
    stats_add(h->stats, ch->topic, STAT_ALERTS, 1, now);
    return a;
}

/* Takes a off the open alerts, tells the boards and its worker, and
 * frees it. by: the supervisor who closed it, or NULL when its chat ended. */
static void close_alert(struct hub *h, struct alert *a, const char *by)
{
    char label[16];
    struct proto_alert view = alert_view(h, a, label);
    const char *reason = by ? "closed" : "chat_ended";
    to_boards(h, a, proto_alert_closed(&view, by, reason));
    to_worker(a, proto_alert_closed(&view, by, reason));
    for (struct alert **p = &h->alerts; *p; p = &(*p)->next) {
        if (*p == a) {
            *p = a->next;
            break;
        }
    }
    snprintf(h->alerts_closed[h->alerts_nclosed], ALERT_ID_MAX, "%s", a->id);
    h->alerts_nclosed = (h->alerts_nclosed + 1) % ALERT_CLOSED_KEEP;
    free(a);
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
    int users = 0;
    if (!ch->worker || !alert_allowed(ch->worker, now))
        return conn_send(from, proto_error(CHAT_ERR_RATE_LIMITED, ref, NULL));
    struct alert *a = raise_alert(h, ch, ALERT_WORKER, note, now, &users);
    if (!a)
        return conn_send(from, proto_error(CHAT_ERR_NOMEM, ref, NULL));
    if (!ch->urgent)
        chat_flag(h, ch, true);
    conn_send(from, proto_ack_alert(users, a->id, ref));
}

/* The alert of an alert_take / alert_close from w, or NULL after the
 * error: bad_state when it was closed, not found when it never was or is
 * another org's (as if there were none: contract v3 §4). */
static struct alert *asked_alert(struct hub *h, struct conn *c, const struct worker *w,
                                 const char *id, const char *ref)
{
    struct alert *a = alert_by_id(h, id);
    if (a && !alert_seen_by(h, a, w)) {
        conn_send(c, proto_error(CHAT_ERR_NOT_FOUND, ref, NULL));
        return NULL;
    }
    if (!a)
        conn_send(c, proto_error(alert_was_closed(h, id) ? CHAT_ERR_BAD_STATE : CHAT_ERR_NOT_FOUND,
                                 ref, NULL));
    return a;
}

void supervise_alert_take(struct hub *h, struct tab *tab, const char *id, const char *ref)
{
    struct alert *a = asked_alert(h, tab->conn, tab->worker, id, ref);
    if (!a)
        return;
    snprintf(a->taken_by, sizeof(a->taken_by), "%s", tab->worker->alias);
    char label[16];
    struct proto_alert view = alert_view(h, a, label);
    conn_send(tab->conn, proto_ack(0, ref));
    to_worker(a, proto_alert_taken(&view, tab->worker->alias));
    to_boards(h, a, proto_alert(&view));
}

void supervise_alert_close(struct hub *h, struct tab *tab, const char *id, const char *ref)
{
    struct alert *a = asked_alert(h, tab->conn, tab->worker, id, ref);
    if (!a)
        return;
    conn_send(tab->conn, proto_ack(0, ref));
    close_alert(h, a, tab->worker->alias);
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
        int users;
        turn_touch_chat(d->h, ch);
        ch->reply_alerted = true;
        (void)raise_alert(d->h, ch, ALERT_NO_FIRST_REPLY, NO_FIRST_REPLY, d->now, &users);
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

void supervise_free_alerts(struct hub *h)
{
    while (h->alerts) {
        struct alert *a = h->alerts;
        h->alerts = a->next;
        free(a);
    }
}

/* ---- after the turn ------------------------------------------------------- */

void supervise_after_turn(struct hub *h, double now)
{
    for (struct alert *a = h->alerts, *next; a; a = next) {
        next = a->next;
        if (!idmap_get(h->chats, a->chat)) /* its chat ended, and that is stored */
            close_alert(h, a, NULL);
    }
    idmap_each(h->chats, tell_monitored, NULL);
    supervise_push_board(h, now);
}
