/*
 * hub: the daemon's core. Visitor and worker sessions, topic queues, chats,
 * routing, and the public status, driven by decoded frames and the clock.
 *
 * The hub never touches a socket: it reads frames handed in by the shell and
 * answers by appending to conns (conn.h). It never asks the clock: every
 * entry point takes `now`. It never prints: what the operator should know
 * goes to the logger the shell sets. Durable work of a turn (transcript
 * ciphertext, queue places, tokens, statistics) is journaled in the store;
 * hub_turn_end() commits it and only then releases the turn's outbound
 * frames (turn.h says what happens when the commit is busy or fails).
 */
#ifndef HUB_H
#define HUB_H

#include <stdint.h>
#include <time.h>

#include "auth.h"
#include "config.h"
#include "conn.h"
#include "store.h"
#include "transcript.h"

struct hub;
struct langs;

/* A new hub over cfg, st, the transcript public key and the verifier; all
 * borrowed and outliving the hub. The hub writes into cfg only the topics'
 * exceptions to their hours (hub_hours.c). The queue places and chats kept over a
 * restart are brought back (hub_restored); NULL when out of memory or
 * when they cannot be read or their new keys not stored. */
struct hub *hub_new(struct config *cfg, struct store *st, const uint8_t pub[TRANSCRIPT_PUB_BYTES],
                    struct auth *auth, double now);

/* Stores the last statistics and frees the hub (queue places and chats stay
 * stored for the next start). */
void hub_free(struct hub *h, double now);

/* Where the hub's notes for the operator go (one line each, no newline). */
void hub_set_logger(struct hub *h, void (*log)(const char *msg, void *arg), void *arg);

/* The languages hello.lang and duty.langs accept, and the badge's words
 * (borrowed, outliving the hub); until set, langs_base: fi, sv, en. */
void hub_set_langs(struct hub *h, const struct langs *langs);

/* The queue places (returned) and chats (*chats) brought back at start. */
long hub_restored(const struct hub *h, long *chats);

/* The hub's connections: a new one is made in it (conn_init) before
 * hub_conn_open. */
struct conn_set *hub_conns(struct hub *h);

/* c (status.v1 or visitor.v1, not yet open) was asked for as /ws?org=id
 * (NULL: no ?org=): the org whose topics alone it is shown (contract v3
 * §4); an id the config does not have is refused when it opens. */
void hub_conn_org(struct hub *h, struct conn *c, const char *id);

/* A connection of c->role has opened. */
void hub_conn_open(struct hub *h, struct conn *c, double now);

/* One complete text frame from c. */
void hub_conn_frame(struct hub *h, struct conn *c, const char *buf, size_t len, double now);

/* c has closed; the hub drops every reference to it. */
void hub_conn_closed(struct hub *h, struct conn *c, double now);

/* Delivers finished password checks (call when the verifier woke the loop). */
void hub_auth_ready(struct hub *h, double now);

/* Runs timers due at now: resume graces, opening and closing boundaries. */
void hub_tick(struct hub *h, double now);

/* The next instant at which hub_tick (or a commit the database was too
 * busy for) has work, or -1. */
double hub_next_deadline(struct hub *h, double now);

/* Ends the turn: routes waiting visitors, pushes changed positions and
 * status, commits the batch, then releases frames, calling wake(c, arg) for
 * each conn with something to send. Returns how many writes the commit
 * stored or tried to (0: none, or the database is busy). */
long hub_turn_end(struct hub *h, double now, void (*wake)(struct conn *c, void *arg), void *arg);

/* The slowest commit the shell saw since the last hub_metrics (seconds). */
void hub_note_commit(struct hub *h, double seconds);

/* The report worker that makes /api/stats and /api/plan (report.h;
 * borrowed, outliving the hub); until set, both answer CHAT_ERR_INTERNAL. */
struct report;
struct report_job;
void hub_set_reports(struct hub *h, struct report *reports);

/* GET /api/stats: checks the bearer token (coordinator or admin) and the
 * period (at most STATS_PERIOD_MAX_DAYS), hands the statistics counted so
 * far to the store and queues the report of the hours of the period that
 * have ended by now (the running hour is left out: its counts would tell
 * single events) for owner. The report is made once this turn's commit has
 * stored them; its body comes to owner through hub_reports_ready. Returns 0
 * with *job set (for hub_report_cancel), or a chat_err (chat_err_http()
 * gives its HTTP status). */
int hub_api_stats(struct hub *h, const char *bearer, const char *from, const char *to,
                  const char *topic, const char *org, double now, void *owner,
                  struct report_job **job);

/* GET /api/plan (contract v2 §6): the same checks and queueing, for the
 * staffing plan of the period as JSON (plan_report.h); target_wait_s,
 * target_share and redistribute ("1") may be NULL for their defaults. */
struct hub_plan_query {
    const char *from, *to, *topic;
    const char *org; /* contract v3 §4: one of the asker's orgs (NULL: all of them) */
    const char *target_wait_s, *target_share, *redistribute;
    const char *pooled; /* "1": the pooled plan too (contract v3 §4) */
};
int hub_api_plan(struct hub *h, const char *bearer, const struct hub_plan_query *q, double now,
                 void *owner, struct report_job **job);

/* POST /api/rota (contract v3 §7; hub_rota.c): body (len bytes, JSON with
 * week, from, to and the optional topic, capacity, shift_min_h,
 * shift_max_h, target_wait_s, target_share, publish) for a coordinator or
 * admin; queues the rota's report for owner (0) or answers at once: a
 * chat_err, with *why (static words, or NULL) saying what is wrong with a
 * bad request. *publish says whether the made rota is to be published
 * (hub_rota_publish) when it comes back. */
int hub_api_rota_post(struct hub *h, const char *bearer, const char *body, size_t len, double now,
                      void *owner, struct report_job **job, const char **why, bool *publish);

/* Called once the turn that stored a rota change committed (or failed):
 * the request of owner may be answered now. */
typedef void (*hub_rota_stored_fn)(void *owner, bool committed);

/* Publishes a made rota (its JSON body, as POST /api/rota made it): one
 * open shift per worker position, journaled for the turn's commit, after
 * which stored(owner, committed) is called (unless hub_rota_cancel). 0 or
 * a chat_err (then stored is not called). */
int hub_rota_publish(struct hub *h, const char *body, void *owner, hub_rota_stored_fn stored);

/* owner went away: its stored call is not made. */
void hub_rota_cancel(struct hub *h, void *owner);

/* GET (del false) or DELETE (del true) /api/rota?week=DATE for a
 * coordinator or admin: the week's shifts {week, shifts: [{shift, topic,
 * start, end, taken_by}]}, or the open ones deleted ({week, deleted}).
 * The body (malloc'd), or NULL with *err a chat_err and *why as above. A
 * DELETE's body is to be sent once stored(owner, true) is called. */
char *hub_api_rota(struct hub *h, const char *bearer, const char *week, bool del, double now,
                   void *owner, hub_rota_stored_fn stored, int *err, const char **why);

/* Delivers the finished reports (call when the worker woke the loop):
 * done(owner, rc, body, len, arg) with body (malloc'd, the callee's; NULL
 * unless rc is 0) for each job not cancelled. */
void hub_reports_ready(struct hub *h,
                       void (*done)(void *owner, int rc, char *body, size_t len, void *arg),
                       void *arg);

/* The owner of job went away: its report is dropped. */
void hub_report_cancel(struct hub *h, struct report_job *job);

/* /api/hours (contract v3 §5): exceptions to the topics' weeks, made by
 * the hours worker (hours_live.h; borrowed, outliving the hub; until set,
 * every request answers 500). */
struct hours_live;
struct hours_job;
void hub_set_hours(struct hub *h, struct hours_live *hours);

enum hub_hours_method { HUB_HOURS_GET, HUB_HOURS_POST, HUB_HOURS_DELETE };
struct hub_hours_query {
    enum hub_hours_method method;
    const char *bearer;
    const char *topic; /* GET ?topic= (NULL: all) */
    const char *id;    /* DELETE ?id= */
    const char *body;  /* POST: the JSON body, len bytes */
    size_t len;
};
#define HUB_HOURS_CALENDAR_DAYS 56 /* GET's calendar: eight weeks from today */

/* Checks the bearer (coordinator or admin) and the request and queues it
 * for owner: 0 with *job (the answer comes through hub_hours_ready), or a
 * chat_err with *body (malloc'd {"error", "message"}) and its HTTP *status.
 * GET answers {"exceptions": [...], "calendar": {...}}; POST the stored
 * exception; DELETE the deleted one. */
int hub_api_hours(struct hub *h, const struct hub_hours_query *q, double now, void *owner,
                  struct hours_job **job, char **body, int *status);

/* Puts new exceptions in force and logs their audit lines, then calls
 * done(owner, status, body (malloc'd, the callee's), arg) for each answer
 * (call when the hours worker woke the loop). */
void hub_hours_ready(struct hub *h, double now,
                     void (*done)(void *owner, int status, char *body, void *arg), void *arg);

/* The owner of job went away. */
void hub_hours_cancel(struct hub *h, struct hours_job *job);

/* SIGHUP (reload.h): the hub takes over next (owned by the hub from then
 * on) with its queues, chats and workers, every topic and question index
 * mapped by id (hub_reload.c). CHAT_ERR_BUSY while a batch is open (try
 * again after the next commit); CHAT_ERR_BAD_STATE when a topic that is
 * not in next still has waiting visitors, chats or wrap-ups (why says
 * which); then next stays the caller's and the running config stays. */
int hub_reload(struct hub *h, struct config *next, double now, char *why, size_t len);

/* The running config (the one given to hub_new until a reload). */
const struct config *hub_config(const struct hub *h);

/* GET /metrics: Prometheus text of current aggregate gauges (malloc'd). */
char *hub_metrics(struct hub *h, double now);

/* Uses pub for chats that start from now on (key rotation), and reads
 * every org's key file again (contract v3 §4); chats in progress keep the
 * key they were sealed to. */
void hub_set_key(struct hub *h, const uint8_t pub[TRANSCRIPT_PUB_BYTES]);

/* GET /api/status/badge.svg: the availability of topic as a small SVG image
 * in lang (fi/sv/en, default fi); NULL for an unknown topic. */
char *hub_badge_svg(struct hub *h, const char *topic, const char *lang, double now);

/* Batches that could not be stored so far (also in /metrics). */
long hub_failures(const struct hub *h);

/* Checks the invariants written in hub_int.h over everything the hub holds
 * (tests, and after every turn in builds with CHAT_HUB_CHECK); 0, or -1 with
 * the first one broken said in why. */
int hub_check(const struct hub *h, char *why, size_t len);

/* For tests: the state (enum proto_visitor_state) of the session of token,
 * or -1 when the hub holds none; *position its place in line at now when
 * queued (else 0). */
int hub_session_state(struct hub *h, const char *token, time_t now, int *position);

/* GET /api/status (contract v2 §1, §7): the body, kept until the status
 * changes ("generated" is when it did), and its strong ETag; both stay
 * valid until the next turn of the hub. */
const char *hub_status_body(struct hub *h, const char *org, double now, const char **etag);

/* GET /api/status/week?topic=T (contract v2 §1): per weekday (1 = Monday)
 * and hour that was open in the last 28 whole days and had at least
 * HUB_WEEK_MIN_JOINS joins there, answered_share and typical_wait_s (the
 * mean wait of those answered). Made at most once an hour per topic; NULL
 * for an unknown topic. */
#define HUB_WEEK_MIN_JOINS 5
#define HUB_WEEK_DAYS 28
const char *hub_status_week(struct hub *h, const char *topic, double now, const char **etag);

#endif
