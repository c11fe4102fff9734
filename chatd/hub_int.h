/*
 * hub_int: the hub's data, declared once with its invariants, for the hub's
 * rooms and nothing else. Each room is one noun and calls only downward:
 *
 *   hub.c          entry points of hub.h: connections, frames, timers, the turn's end
 *   hub_visitor.c  visitor.v1 requests, dispatched to the rooms below
 *   hub_worker.c   worker.v1 requests, dispatched to the rooms below
 *   hub_http.c     the HTTP views: status body, /api/stats, /metrics, the badge
 *   hub_status.c   the public status by org: pushes, GET bodies, ?org= (contract v3 §4)
 *   login.c        worker logins (password off the loop, token), throttles, logout
 *   session_grace.c  visitors giving up, graces that end, sessions back after a restart
 *   route.c        queues and routing: best worker, assignment, positions, queue_state,
 *                  pre-chat answers and language routing
 *   supervise.c    the shift: board, monitor, join, alerts
 *   chat.c         a chat: create, post + ack (messages, whispers), history, end, its frames
 *   session.c      visitor sessions: hello, away list, block, rows, the one state change
 *   staff.c        worker sessions: tabs, duty, slots, wrap-ups, the chat<->worker link
 *   turn.c         the open batch: snapshots of durable fields, units of work, the commit
 *
 * Each field says who writes it (its owner) where it is declared below;
 * durable fields are one HUB_DURABLE group per object, which the turn saves
 * and restores whole.
 *
 * Nothing here may be reached from conn, store or the protocol: those are
 * below the hub and know nothing of it.
 */
#ifndef CHATD_HUB_INT_H
#define CHATD_HUB_INT_H

#include <stdint.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hours.h"
#include "hub.h"
#include "idmap.h"
#include "letters.h"
#include "queue.h"
#include "stats.h"
#include "status.h"
#include "turn.h"

#define SESSION_BYTES 16
#define CHAT_ID_BYTES 12
#define CHAT_ID_MAX 32
#define WORKER_MAX_CHATS 16
#define WORKER_MAX_TABS 8
#define FEEDBACK_WINDOW_S ((time_t)15 * 60)
#define ABUSE_LIMIT 50
#define HUB_CHATTER_PER_S 5  /* typing and ping requests a second per connection... */
#define HUB_CHATTER_BURST 20 /* ...with this many at once */
#define STATS_FLUSH_S 60     /* a crash loses at most this much of the statistics */
#define PURGE_EVERY_S 3600
#define HEX_KEY_CHARS (2 * STORE_TOKEN_HASH_BYTES + 1)
#define CHAT_MAX_MONITORS 8 /* supervisor tabs watching one chat */
#define CHAT_MAX_WRITERS 4  /* supervisors who joined one chat */
#define TAB_MAX_MONITORING 16
#define BOARD_EVERY_S 0.5            /* the board is compared and pushed at most this often */
#define SUPERVISE_ALERTS_PER_HOUR 10 /* a worker's alerts in any hour; more are rate_limited */
#define ALERT_ID_MAX 24              /* bytes of an alert's id, with its NUL */
#define ALERT_CLOSED_KEEP 64         /* closed alert ids remembered (bad_state, not not_found) */

/*
 * Durable fields: the ones that durable work changes and a failed batch must
 * put back. Each object declares them with HUB_DURABLE, which makes them
 * both plain members (ch->seq) and one struct (ch->d) in the same memory, as
 * Linux's struct_group does: turn.c saves a snapshot with one assignment
 * (ch->was = ch->d) and restores it with another. A field added to the group
 * is saved and restored without anyone remembering to.
 */
#define HUB_DURABLE(TAG, ...)                                                                      \
    union {                                                                                        \
        struct {                                                                                   \
            __VA_ARGS__                                                                            \
        };                                                                                         \
        struct TAG {                                                                               \
            __VA_ARGS__                                                                            \
        } d;                                                                                       \
    }

/* Who wrote a line of a chat. */
enum writer {
    BY_VISITOR,
    BY_WORKER,  /* the chat's worker, or a supervisor who joined it (alias) */
    BY_WHISPER, /* a supervisor to the worker and monitors only */
};

/* One line of a chat, in plaintext, while the chat lives in memory. */
struct hist {
    char *text;  /* wiped before it is freed */
    char *alias; /* a supervisor's alias (join_chat, whisper), or NULL */
    char *shown; /* the alias frames show for it: its writer's, the chat's worker
                  * at the time included (so a history after a transfer names
                  * who wrote each line); NULL for the visitor's lines */
    enum writer by;
    uint64_t seq; /* of a whisper: its own number */
    time_t ts;
};

/*
 * A chat between one visitor and, while it is answered, one worker.
 *
 * Invariants:
 *  - ch is in hub.chats under ch->id iff !ch->ended; an ended chat is freed
 *    (its key and history wiped) when the batch that ended it commits;
 *  - ch->visitor->chat == ch: a chat always has its visitor;
 *  - ch->worker == NULL iff the visitor waits again (after a transfer or the
 *    end of its worker's session): then the visitor is QUEUED;
 *  - ch->worker != NULL iff ch is one of ch->worker->chats[];
 *  - hist holds this process's messages in seq order; seq is the last one's,
 *    also counting messages stored before a restart;
 *  - the sealed copy of key is stored (committed, or earlier in the open
 *    batch) before any message sealed under it.
 */
struct chat {
    char id[CHAT_ID_MAX];
    struct visitor *visitor;
    struct transcript_key *key;
    int segment;
    /* contract v3 §2: its number in topic label_topic that day, from 1 (0:
     * none yet); given by chat_label (chat.c) when it is answered in a
     * topic that did not number it */
    int label, label_topic;
    /* Owners: worker only through staff_add_chat/staff_drop_chat (staff.c);
     * seq, wseq, nhist, last_*_msg by chat_post (chat.c); topic, started,
     * waited_s, overflow, answer_topic by route_assign (route.c; a chat
     * restored with its worker: session_grace.c, before the first batch);
     * urgent by chat.c; reply_alerted by supervise.c. Every writer touches
     * the chat first (turn_touch_chat). */
    HUB_DURABLE(chat_durable, int topic; struct worker * worker; uint64_t seq; size_t nhist;
                time_t started; time_t waited_s;
                /* contract v3 §4: its worker answers it for another org than
                 * the topic's (overflow), on answer_topic of its duty (the
                 * topic itself when not) */
                bool overflow; int answer_topic;
                bool urgent;   /* the visitor's answers made it so, or a worker flagged it */
                uint64_t wseq; /* the last whisper's number */
                time_t last_visitor_msg; /* -1: none yet */
                time_t last_worker_msg;  /* -1: none yet in this worker's part */
                bool reply_alerted;
                /* the no-first-reply alert was raised */);
    struct hist *hist; /* [0, nhist): chat.c */
    size_t caphist;
    bool ended;                              /* turn_chat_ended (turn.c) */
    struct tab *monitors[CHAT_MAX_MONITORS]; /* supervisor tabs watching it (supervise.c) */
    int nmonitors;
    struct worker *writers[CHAT_MAX_WRITERS]; /* supervisors who joined it (supervise.c) */
    int nwriters;
    /* What its worker was last told of who follows it (`monitored`,
     * supervise.c): a hash of the aliases (0: nobody), and to whom. */
    uint64_t monitored_sig;
    const struct worker *monitored_to;
    /* The undo snapshot (turn.c): was holds d as it was before the batch
     * changed it, iff saved_in is the open batch; then the chat is on the
     * batch's list through saved_next. made_in: the batch that created it. */
    struct chat_durable was;
    uint64_t saved_in, made_in;
    struct chat *saved_next;
};

/* What raised an alert: its worker, or the clock (no first reply). */
enum alert_kind { ALERT_WORKER, ALERT_NO_FIRST_REPLY };

/*
 * An open alert (contract v3 §2), in memory only: nothing of it is stored,
 * so a restart forgets it like the board. Owner: supervise.c.
 *
 * Invariants: at most one open alert per chat id; an alert is on
 * hub.alerts iff it is open, oldest first; its chat is live (in hub.chats)
 * but for the moment between the commit that ended the chat and the sweep
 * after it (supervise_after_turn), which closes it.
 */
struct alert {
    char id[ALERT_ID_MAX]; /* random, base64url */
    char chat[CHAT_ID_MAX];
    int topic;
    int label;
    struct worker *worker; /* the chat's worker when it was raised (never freed before the hub) */
    enum alert_kind kind;  /* of the last raise */
    char note[PROTO_NOTE_MAX * 4 + 1];  /* "" when none */
    time_t at;                          /* the last raise */
    char taken_by[STORE_ALIAS_MAX + 1]; /* "" while nobody took it */
    struct alert *next;
};

/* A visitor's pre-chat answers: the answer index per question of cfg (-1
 * where none), and whether one of them makes it urgent. */
struct answers {
    int8_t of[CONFIG_MAX_QUESTIONS];
    bool urgent;
};

/*
 * A visitor session: anonymous, known by the hash of its token.
 *
 * Invariants:
 *  - v is in hub.visitors under v->key iff !v->gone;
 *  - state == QUEUED iff v->qe is on hub.topics[v->topic].queue;
 *  - state == CHATTING iff v->chat && v->chat->worker;
 *  - v->conn == NULL iff v is on the away list (oldest first), and then
 *    away_since is when it left;
 *  - dirty iff v is on hub.dirty, its row (sessions table) to be rewritten
 *    at the end of the turn.
 */
struct visitor {
    char session[PROTO_ID_MAX + 1]; /* "" for a session restored after a restart until hello */
    char key[HEX_KEY_CHARS];        /* hex hash of the session: the map and db key */
    struct conn *conn;              /* session.c */
    /* Owners: state only through session_set_state (session.c), which also
     * moves the queue place and says what the turn must redo; topic, qe's
     * order and class, answers by route.c before it; chat by route.c and
     * chat.c; blocked_until by session_block; last_* and feedback_done by
     * chat_end and the feedback request. Every writer touches first. */
    HUB_DURABLE(visitor_durable, enum proto_visitor_state state; int topic; struct queue_entry qe;
                struct chat * chat; time_t blocked_until; char last_chat[CHAT_ID_MAX];
                int last_topic; time_t last_end; bool feedback_done;
                /* The pre-chat answers of its current wait and chat, only here,
                 * never stored; none while it is idle. */
                struct answers answers;);
    time_t away_since; /* the away list: session.c only */
    struct visitor *away_prev, *away_next;
    /* What `queued` last said, and when (route.c): it is sent again when
     * the place, staffing or hours change, the estimate moves by
     * ROUTE_QUEUED_SLACK_S, or ROUTE_QUEUED_EVERY_S have passed. */
    int sent_pos;
    long sent_wait;
    time_t sent_at, sent_hours; /* sent_hours: the closes_at or next_open it said */
    bool sent_staffed;
    /* Since when the line has not moved for it (route.c; moved_pos 0: not
     * known yet): the remaining estimate grows with that time (status.h). */
    int moved_pos;
    time_t moved_at;
    bool dirty; /* turn_touch_visitor sets, session_persist_dirty clears */
    struct visitor *dirty_next;
    bool gone;       /* turn_visitor_gone (turn.c) */
    uint64_t source; /* keyed hash of the address it came from (0: restored), counted */
    int lang;        /* its chat language (hello.lang), an index of h->langs->accept; -1: any */
    /* The undo snapshot (turn.c), as in struct chat. */
    struct visitor_durable was;
    uint64_t saved_in;
    struct visitor *saved_next;
};

/* A worker's wrap-ups (contract v2 §4): the parts of chats it has ended
 * and not yet wrapped up, each holding a chat slot until `until`; and the
 * chats it wrapped up lately (a second wrap-up of one is bad_state). */
#define WRAPUP_MAX 10 /* the most chat slots a worker has */
#define WRAPUP_DONE 8
struct wrapup {
    char chat[CHAT_ID_MAX];
    int topic;
    time_t since, until;
    time_t chat_s; /* the part's length, for the estimator's sample */
    int label;     /* the chat's (contract v3 §2), for the frame */
};
struct wrapups {
    struct wrapup w[WRAPUP_MAX];
    int n;
    char done[WRAPUP_DONE][CHAT_ID_MAX];
    int ndone; /* a ring: the next is done[ndone % WRAPUP_DONE] */
};

/* One logged-in console tab of a worker (a worker.v1 connection). */
struct tab {
    struct conn *conn;
    struct worker *worker;
    uint8_t token_hash[STORE_TOKEN_HASH_BYTES]; /* the token it logged in with */
    bool board;                                 /* subscribed to the board (a supervisor) */
    uint64_t board_sig; /* the hash of the last board it was sent, 0: none (supervise.c) */
    struct chat *monitoring[TAB_MAX_MONITORING]; /* tab is in each one's monitors */
    int nmonitoring;
};

/*
 * A worker session: one per console user, however many tabs are open.
 *
 * Invariants:
 *  - tabs[0..ntabs) are the connected tabs, each with tab->worker == w;
 *  - chats[0..nchats) are exactly the chats whose worker is w;
 *  - away_since != 0 iff ntabs == 0 and w still has the grace to come back.
 */
struct worker {
    char user[STORE_NAME_MAX + 1];
    char alias[STORE_ALIAS_MAX + 1];
    enum proto_staff_role role;
    /* contract v3 §4, written by staff_get (and the reload's remap): the
     * stored orgs text, its mask (bit i = cfg->orgs[i]) and whether it is a
     * federation admin (orgs "*" with role admin, who sees every org) */
    char orgs_text[STORE_ORGS_MAX + 1];
    uint32_t orgs;
    bool fed_admin;
    /* Everything below is written by staff.c only (the rest of the hub asks
     * it: staff_attach/detach, staff_set_duty, staff_add_chat/drop_chat,
     * the wrap-ups), and away_since also by the hub's grace check. */
    struct tab *tabs[WORKER_MAX_TABS];
    int ntabs;
    bool on_duty;
    uint32_t topics; /* bit i = cfg->topics[i] */
    int capacity;
    uint64_t langs; /* the languages it chats in: bit i = h->langs->accept code i */
    HUB_DURABLE(
        worker_durable, struct chat *chats[WORKER_MAX_CHATS]; int nchats;
        struct wrapups wrapups; /* each takes a slot like a chat */
        uint64_t idle_order;    /* smaller = idle longer: stamped when a chat ends or duty begins */
        time_t idle_since;
        /* when it last had no chat (the board shows it) */);
    time_t away_since;
    /* Written by supervise.c only: when its last alerts were raised, a ring
     * (contract v3 §2: at most SUPERVISE_ALERTS_PER_HOUR an hour). Memory
     * only, kept for the daemon's life like the worker itself. */
    time_t alerts_at[SUPERVISE_ALERTS_PER_HOUR];
    int alerts_next;
    struct worker *next;
    /* The undo snapshot (turn.c), as in struct chat. */
    struct worker_durable was;
    uint64_t saved_in;
    struct worker *saved_next;
};

/* A topic's queue and what its estimates learn (not undone with a batch:
 * they are estimates). */
struct topic_state {
    struct queue queue;
    struct status_seed seed; /* the stored statistics it started from (route.c) */
    struct status_service service;
    struct status_patience patience;
    struct status_rate urgent_joins;
    /* What the topic's hours say, kept while it holds (status_hours_hold):
     * working it out walks the calendar, which every loop turn and every
     * status would otherwise do for every topic. Refreshed by the hub at
     * each turn's deadline (hub.c); readers use hub_hours(). */
    struct status_hours hours;
    bool hours_known;
    /* The next time a waiting visitor of the topic is due its `queued`
     * again (route.c), or -1; the hub's timer wakes for it. */
    time_t resend_at;
    /* The last chat label given on label_day (YYYY-MM-DD, local; "" until
     * the store was asked), chat.c: numbers go on from the stored one. */
    char label_day[16];
    long label_last;
};

/* What the end of the turn must do again (hub_turn_end), as bits of
 * hub.redo: run routing, push the status, send the workers' queue state,
 * and send positions and estimates of the topics in hub.redo_positions. */
enum hub_redo {
    REDO_ROUTE = 1,
    REDO_STATUS = 2,
    REDO_QUEUE_STATE = 4,
    REDO_POSITIONS = 8, /* of one topic, or of all with topic -1 */
};

/* A config a reload replaced, kept until the hub goes: the report worker
 * may still be reading it (hub_reload.c adds, hub_free frees). */
struct hub_old_config {
    struct hub_old_config *next;
    struct config *cfg;
};

/*
 * The hub. Invariants:
 *  - every visitor is in `visitors` (or gone in the open batch), every worker
 *    session on `workers`, every live chat in `chats`;
 *  - redo and redo_positions say what the end of the turn must do again;
 *    they have one writer, hub_redo() (and hub_redo_take() that clears);
 *  - idle_counter only grows: it orders workers by how long they were idle.
 */
struct hub {
    struct config *cfg; /* the running config: hub_hours.c writes the topics' exceptions */
    struct store *st;
    uint8_t pub[TRANSCRIPT_PUB_BYTES];
    /* Each org's transcript key (chat_keys_load, chat.c): a chat is sealed
     * to the key of the org whose worker answers it (contract v3 §4). */
    uint8_t org_pub[CONFIG_MAX_ORGS][TRANSCRIPT_PUB_BYTES];
    struct auth *auth;
    struct idmap *visitors;   /* session key -> visitor */
    struct idmap *chats;      /* chat id -> chat */
    struct idmap *per_source; /* source hash -> visitor sessions held for it */
    struct worker *workers;
    struct visitor *away_head, *away_tail;
    struct visitor *dirty;
    struct topic_state topics[CONFIG_MAX_TOPICS];
    struct conn_set conns; /* every connection's queues, the subscribers (conn.h) */
    uint64_t join_order;
    uint64_t transfer_order;
    uint64_t idle_counter;
    unsigned redo;           /* enum hub_redo bits: hub_redo() sets, hub_redo_take() clears */
    uint32_t redo_positions; /* bit i: topic i's positions (REDO_POSITIONS) */
    time_t lang_wake;        /* routing must run again then: a language fallback or an overflow
                              * tier that opens (-1: none) */
    /* The pre-chat questions as frames carry them (built once from cfg):
     * all with their topics, and each topic's own. */
    int board_tabs;       /* tabs with the board on */
    double board_next;    /* the board is compared again then */
    struct alert *alerts; /* the open alerts, oldest first (supervise.c) */
    char alerts_closed[ALERT_CLOSED_KEEP][ALERT_ID_MAX]; /* a ring of the last closed ids */
    int alerts_nclosed;                                  /* the next slot of the ring */
    struct proto_category *categories;                   /* the wrap-up's, as frames carry them */
    struct proto_question *questions;
    struct proto_question *topic_questions[CONFIG_MAX_TOPICS];
    size_t topic_nquestions[CONFIG_MAX_TOPICS];
    char *last_status;                      /* the topics last pushed to subscribers */
    char *org_last_status[CONFIG_MAX_ORGS]; /* the same of each org's (hub_status.c) */
    /* GET /api/status and /api/status/week: bodies kept until they change
     * (the week's: for an hour), each with its strong ETag */
    struct hub_cached {
        char *body;
        char etag[24];
        time_t built;
    } status_body, week_body[CONFIG_MAX_TOPICS], org_status_body[CONFIG_MAX_ORGS];
    struct login *login;
    struct stats *stats;
    struct turn turn;
    time_t last_flush;
    time_t last_purge;
    long restored_places, restored_chats;
    double slowest_commit_s; /* since /metrics last read it (the shell times commits) */
    long status_requests;    /* GET /api/status answered (200 or 304) */
    double failure_logged;   /* when a failed commit was last said */
    long failures_logged;
    void (*log)(const char *msg, void *arg);
    void *log_arg;
    const struct langs *langs; /* the wire's languages, the badge's words (hub_set_langs) */
    struct report *reports;    /* the report worker (hub_set_reports; borrowed) */
    /* Exceptions to the topics' weeks (hub_hours.c only): the worker, and
     * its last snapshot (from yesterday on), in force in cfg's schedules. */
    struct hours_live *hours;
    struct hours_exception *exceptions;
    size_t nexceptions;
    /* Reloads (hub_reload.c only): the config hub_new was given (the
     * caller's), and the ones replaced since (the hub's, freed with it). */
    struct config *given_cfg;
    struct hub_old_config *old_configs;
    /* The rota (hub_rota.c only): shifts taken or dropped in the open batch
     * (the store has them from its commit on; user "" = dropped), whether
     * its after-commit action is registered and workers are to hear
     * `shifts_changed`; reminders are sent for taken shifts that start
     * after rota_reminded, the next of them at rota_next (-1: none, 0:
     * not looked up yet). */
    struct hub_rota_pending {
        long id;
        char user[STORE_NAME_MAX + 1];
        char alias[STORE_ALIAS_MAX + 1];
    } * rota_pending;
    size_t nrota_pending, caprota_pending;
    bool rota_after, rota_changed;
    time_t rota_reminded, rota_next;
    time_t rota_planned; /* planned_s is counted for the hours before this one */
    void **rota_waiting; /* HTTP requests waiting for the batch's commit */
    size_t nrota_waiting, caprota_waiting;
    hub_rota_stored_fn rota_stored;
    /* Letters (hub_letters.c only): the threads, the sends of each visitor
     * session and the pickups of each source in the last hour / minute. */
    struct letters letters;
    struct idmap *letter_sends;   /* session key -> struct hub_letter_times */
    struct idmap *letter_pickups; /* source hash -> struct hub_letter_times */
    bool letters_reload;          /* a reload is armed for the batch's end */
};

/* A line for the operator's log (no newline, no personal data). */
__attribute__((format(printf, 2, 3))) void hub_log(const struct hub *h, const char *fmt, ...);

/* Puts h->exceptions in force in h->cfg's schedules at now (hub_hours.c). */
void hub_hours_apply(struct hub *h, time_t now);

/* The one writer of the redo bits: the end of the turn must do `what`
 * again (REDO_POSITIONS: for topic, or every topic when topic < 0). */
static inline void hub_redo(struct hub *h, unsigned what, int topic)
{
    h->redo |= what & ~(unsigned)REDO_POSITIONS;
    if (what & REDO_POSITIONS)
        h->redo_positions |= topic >= 0              ? (uint32_t)1 << topic
                             : h->cfg->ntopics >= 32 ? ~(uint32_t)0
                                                     : ((uint32_t)1 << h->cfg->ntopics) - 1;
}

/* True when `what` (one bit, not REDO_POSITIONS) is to be redone. */
static inline bool hub_redo_pending(const struct hub *h, enum hub_redo what)
{
    return h->redo & what;
}

/* Clears `what` (one bit, not REDO_POSITIONS); true when it was set. */
static inline bool hub_redo_take(struct hub *h, enum hub_redo what)
{
    bool was = (h->redo & what) != 0;
    h->redo &= ~(unsigned)what;
    return was;
}

/* Clears REDO_POSITIONS of topic; true when it was set. */
static inline bool hub_redo_take_positions(struct hub *h, int topic)
{
    uint32_t bit = (uint32_t)1 << topic;
    bool was = (h->redo_positions & bit) != 0;
    h->redo_positions &= ~bit;
    return was;
}

/* Topic i's hours at now: the hub's copy while it holds, else worked out
 * into *tmp (the copy is renewed at the next turn). */
static inline const struct status_hours *hub_hours(const struct hub *h, int i, time_t now,
                                                   struct status_hours *tmp)
{
    const struct topic_state *ts = &h->topics[i];
    if (ts->hours_known && status_hours_hold(&ts->hours, now))
        return &ts->hours;
    status_hours_at(&h->cfg->topics[i], now, tmp);
    return tmp;
}

/* Wipes and frees what line h holds. */
static inline void hub_hist_free(struct hist *l)
{
    sodium_memzero(l->text, strlen(l->text));
    free(l->text);
    free(l->alias);
    free(l->shown);
}

/* Takes tab off ch's monitors and ch off tab's list. */
static inline void hub_unmonitor(struct chat *ch, struct tab *tab)
{
    for (int i = 0; i < ch->nmonitors; i++)
        if (ch->monitors[i] == tab)
            ch->monitors[i--] = ch->monitors[--ch->nmonitors];
    for (int i = 0; i < tab->nmonitoring; i++)
        if (tab->monitoring[i] == ch)
            tab->monitoring[i--] = tab->monitoring[--tab->nmonitoring];
}

/* Nobody monitors ch any more (it is freed). */
static inline void hub_unmonitor_all(struct chat *ch)
{
    while (ch->nmonitors > 0)
        hub_unmonitor(ch, ch->monitors[0]);
}

/* No answers. */
static inline void hub_no_answers(struct answers *a)
{
    memset(a->of, -1, sizeof(a->of));
    a->urgent = false;
}

/* Adds delta to the visitor sessions held for source (0: none counted);
 * the new count. */
static inline long hub_source_sessions(struct hub *h, uint64_t source, long delta)
{
    char key[24];
    if (!source)
        return 0;
    snprintf(key, sizeof(key), "%016llx", (unsigned long long)source);
    long n = (long)(intptr_t)idmap_get(h->per_source, key) + delta;
    if (n <= 0)
        idmap_del(h->per_source, key);
    else if (delta)
        (void)idmap_put(h->per_source, key, (void *)(intptr_t)n);
    return n;
}

/* True when w belongs to org (an index of h->cfg->orgs); a federation
 * admin belongs to every org. */
static inline bool worker_in_org(const struct hub *h, const struct worker *w, int org)
{
    (void)h;
    return w->fed_admin || (org >= 0 && org < 32 && (w->orgs & ((uint32_t)1 << org)));
}

/* True when topic (an index of h->cfg->topics) belongs to one of w's orgs. */
static inline bool worker_sees_topic(const struct hub *h, const struct worker *w, int topic)
{
    return topic >= 0 && (size_t)topic < h->cfg->ntopics &&
           worker_in_org(h, w, h->cfg->topics[topic].org);
}

#endif
