/*
 * hub_int: the hub's inside, shared by its parts and by nothing else.
 *
 *   hub.c         sessions, chats, routing, status, restart, the entry points
 *   hub_visitor.c visitor.v1 requests, and posting a chat message
 *   hub_worker.c  worker.v1 requests: login, duty, pick, transfer, block
 *   hub_http.c    the HTTP views: /api/stats, /metrics, the badge
 *
 * The invariants are those in hub.c's header.
 */
#ifndef CHATD_HUB_INT_H
#define CHATD_HUB_INT_H

#include "hub.h"
#include "queue.h"
#include "stats.h"
#include "status.h"

#define SESSION_BYTES 16
#define CHAT_ID_BYTES 12
#define WORKER_MAX_CHATS 16
#define WORKER_MAX_CONNS 8
#define FEEDBACK_WINDOW_S (15 * 60)
#define ABUSE_LIMIT 50
#define LOGIN_FAIL_LIMIT 5
#define LOGIN_FAIL_WINDOW_S 300
#define STATS_FLUSH_S 60 /* a crash loses at most this much of the statistics */
#define PURGE_EVERY_S 3600
#define SOURCE_FAIL_LIMIT 20 /* failed logins from one address in the window */

enum visitor_state { VISITOR_IDLE, VISITOR_QUEUED, VISITOR_CHATTING };

struct hist {
    char *text;
    bool from_worker;
    uint64_t seq;
    time_t ts;
};

struct chat {
    char id[32];
    int topic;
    struct visitor *visitor;
    struct worker *worker; /* NULL while a transferred visitor waits */
    uint64_t seq;
    struct transcript_key *key;
    int segment;
    struct hist *hist;
    size_t nhist, caphist;
    time_t started, waited_s;
};

struct visitor {
    char session[PROTO_ID_MAX + 1]; /* "" for a session restored after a restart until hello */
    char key[2 * STORE_TOKEN_HASH_BYTES + 1]; /* hex hash of the session: the map and db key */
    struct conn *conn;
    enum visitor_state state;
    int topic;
    struct queue_entry qe;
    struct chat *chat;
    time_t away_since;
    struct visitor *away_prev, *away_next;
    time_t blocked_until;
    char last_chat[32];
    int last_topic;
    time_t last_end;
    bool feedback_done;
    int sent_pos;
    long sent_wait;
};

struct worker {
    char user[STORE_NAME_MAX + 1];
    char alias[STORE_ALIAS_MAX + 1];
    char role[16];
    struct conn *conns[WORKER_MAX_CONNS]; /* every console tab logged in as this user */
    int nconns;
    bool on_duty;
    uint32_t topics; /* bit i = cfg->topics[i] */
    int capacity;
    struct chat *chats[WORKER_MAX_CHATS];
    int nchats;
    uint64_t idle_order; /* smaller = idle longer: stamped when a chat ends or duty begins */
    time_t away_since;
    uint8_t token_hash[32]; /* of the token this session logged in with, for logout */
    struct worker *next;
};

struct topic_state {
    struct queue queue;
    struct status_service service;
    bool positions_dirty;
};

struct login_fail {
    char user[STORE_NAME_MAX + 1];
    int count;
    time_t first;
};

struct hub {
    const struct config *cfg;
    struct store *st;
    uint8_t pub[TRANSCRIPT_PUB_BYTES];
    struct auth *auth;
    struct idmap *visitors; /* session -> visitor */
    struct idmap *chats;    /* chat id -> chat */
    struct worker *workers;
    struct visitor *away_head, *away_tail;
    struct topic_state topics[CONFIG_MAX_TOPICS];
    struct conn *subs; /* status.v1 subscribers */
    uint64_t join_order;
    bool route_needed, status_dirty, queue_state_dirty;
    char *last_status; /* the text last pushed to subscribers (no "generated") */
    struct login_fail fails[64];
    struct stats *stats;
    time_t last_flush;
    time_t last_purge;
};

/* Orders workers by when they last became idle (smaller = longer idle). */
extern uint64_t hub_idle_counter;

/* ---- defined in hub.c ---- */

void hub_send_error(struct conn *c, int err, const char *ref);
/* Sends frame (taken) to every console tab of w; none: dropped. */
void hub_worker_send(struct worker *w, char *frame);
/* The binary form of a visitor's hex key; 0, or -1 if key is not hex. */
int hub_key_bin(const char *key, uint8_t out[STORE_TOKEN_HASH_BYTES]);
/* Writes v's queue place or chat to the sessions table (restart). */
void hub_persist(struct hub *h, const struct visitor *v);
/* Refuses v's joins until `until`, also after v's session has left memory and
 * over restarts (the blocks table). */
void hub_block(struct hub *h, struct visitor *v, time_t until);
int hub_staffed_workers(const struct hub *h, int topic);
void hub_topic_input(const struct hub *h, int i, struct status_input *in);
void hub_send_queue_state(struct hub *h, struct worker *w, time_t now);
void hub_send_chat_started_worker(struct hub *h, struct worker *w, struct chat *ch,
                                  const char *ref);
/* Removes ch from w's chats; w becomes idle now if it has none left. */
void hub_worker_drop_chat(struct worker *w, struct chat *ch, time_t now);
/* Ends ch (by "visitor", "worker" or "system"), telling both sides. */
void hub_chat_end(struct hub *h, struct chat *ch, const char *by, time_t now, const char *ref);
/* Starts a chat between queued visitor v and worker w. */
void hub_assign(struct hub *h, struct visitor *v, struct worker *w, time_t now, const char *ref);
bool hub_worker_free_for(const struct worker *w, int topic);
/* A random URL-safe id of bytes random bytes. */
void hub_random_id(char *out, size_t outlen, size_t bytes);
/* The hex hash of a session token: the map and database key of a visitor. */
void hub_session_key(const char *session, char key[2 * STORE_TOKEN_HASH_BYTES + 1]);
json_t *hub_status_topics(const struct hub *h, time_t now);
void hub_send_chat_started_visitor(struct hub *h, struct visitor *v, const char *ref);
void hub_away_remove(struct hub *h, struct visitor *v);
/* v leaves the queue or chat for good (counted as abandoned while waiting). */
void hub_visitor_abandon(struct hub *h, struct visitor *v, time_t now);

/* ---- defined in hub_visitor.c ---- */

void hub_visitor_request(struct hub *h, struct conn *c, const struct proto_req *r, double now);
void hub_send_queued(struct hub *h, struct visitor *v, const char *ref);
/* A msg request in ch: rate limit, seal and store, ack after the commit. */
void hub_post_and_ack(struct hub *h, struct conn *c, struct chat *ch, bool from_worker,
                      const struct proto_req *r, double now);
char *hub_typing_frame(const struct chat *ch, const char *from, bool on);

/* ---- defined in hub_worker.c ---- */

/* The worker session of u, made when it has none yet. */
struct worker *hub_worker_get(struct hub *h, const struct store_user *u);
/* Puts the chats of w (gone for good) back at the head of their queues. */
void hub_worker_release_chats(struct hub *h, struct worker *w, time_t now);
void hub_worker_request(struct hub *h, struct conn *c, const struct proto_req *r, double now);

#endif
