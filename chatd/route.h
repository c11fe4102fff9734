/*
 * route: the topics' queues and who serves whom (contract §3.2 "Auto
 * mode"): joining and leaving a queue, assignment to a worker, the routing
 * pass at the end of each turn, and what waiting visitors and workers are
 * told about the queues (positions and estimates, queue_state, status).
 */
#ifndef ROUTE_H
#define ROUTE_H

#include "hub_int.h"

/* Builds h's questions and categories as frames carry them, from its
 * config (0 or CHAT_ERR_NOMEM) / frees them. */
int route_labels_build(struct hub *h);
void route_labels_free(struct hub *h);

/* The answers of a join's {question: answer} pairs for topic into out:
 * CHAT_ERR_BAD_REQUEST when a question is unknown or not asked in topic,
 * or an answer is not one of its question's. */
int route_check_answers(const struct hub *h, int topic, const struct proto_req *r,
                        struct answers *out);

/* The visitor whose queue entry is e. */
struct visitor *route_visitor_of(struct queue_entry *e);

/* Starts every topic's estimator from the stored statistics of the last
 * STATUS_SEED_DAYS days (status.h), at start-up: 0 or a store error. */
int route_seed_estimates(struct hub *h, time_t now);

/* What the estimator knows of topic now. */
void route_status_input(const struct hub *h, int topic, time_t now, struct status_input *in);

/* The public status of topic at now. */
void route_topic_status(const struct hub *h, int topic, time_t now, struct proto_topic_status *out);

/* Puts idle visitor v in topic's queue with its answers (a join at now):
 * urgent ones among the urgent, and counts the answers. */
void route_enqueue(struct hub *h, struct visitor *v, int topic, const struct answers *a,
                   time_t now);

/* Takes queued visitor v off its queue; v is idle. */
void route_unqueue(struct hub *h, struct visitor *v);

/* Takes ch from its worker and puts its visitor first in line of topic (with
 * the other transferred ones), keeping the chat id and history. */
void route_requeue_front(struct hub *h, struct chat *ch, int topic, time_t now);

/* Puts every chat of w (whose session ended) back at the front of its queue. */
void route_release_worker(struct hub *h, struct worker *w, time_t now);

/* Overflow (contract v3 §4): how many of the overflow tiers of topic's org
 * are open at now for a wait that began at since (tier k opens after k
 * times the org's overflow_after_s, up to its overflow_to's length), and
 * when the next one opens in *next (-1: none; next may be NULL). */
int route_tiers_open(const struct config *cfg, int topic, time_t since, time_t now, time_t *next);

/* The topic of w's duty on which it answers a visitor of topic: topic
 * itself when w serves it, else the first topic of the lowest tier that w
 * serves (then the chat is an overflow), else topic. */
int route_answer_topic(const struct hub *h, const struct worker *w, int topic);

/* The org for which w answers a visitor of topic, for a chat brought back
 * after a restart (its worker has no duty yet): the topic's own when w
 * belongs to it, else the first org of its overflow_to that w belongs to
 * and that has a topic of the same audience (the first such in *on; else
 * *on is topic). */
int route_answer_org(const struct hub *h, const struct worker *w, int topic, int *on);

/* Starts the chat of queued visitor v with worker w (a new chat, or the
 * visitor's chat after a transfer); ref goes to the worker. */
int route_assign(struct hub *h, struct visitor *v, struct worker *w, time_t now, const char *ref)
    __attribute__((warn_unused_result));

/* Serves waiting visitors of auto-mode topics: the first in service order
 * across topics that a free worker can take goes to the eligible worker
 * of the lowest overflow tier open (its own org's first), then with the
 * fewest chats, then idle longest; again until nobody or no worker is
 * free. A visitor with a language waits for a worker who speaks it, while
 * one is on duty in the open tiers, for the topic's lang_fallback_s; then
 * anyone may take it (h->lang_wake is the next such moment, or the next
 * tier's opening for a free partner, or -1). */
void route_run(struct hub *h, time_t now);

/* `queued` goes again to a waiting visitor at least this often, and when
 * its estimate moves by at least the slack (contract v3 §1). */
#define ROUTE_QUEUED_EVERY_S 30
#define ROUTE_QUEUED_SLACK_S 10

/* `queued` to v with its position and estimate now. */
void route_send_queued(struct hub *h, struct visitor *v, const char *ref, time_t now);

/* `queued` to every visitor of topic whose position, staffing, hours or
 * estimate changed, or who last heard ROUTE_QUEUED_EVERY_S ago. */
void route_push_positions(struct hub *h, int topic, time_t now);

/* When the next waiting visitor is due its `queued` again, or -1. */
time_t route_next_resend(const struct hub *h);

/* Forgets the place and estimate last sent to every queued visitor, so that
 * the next route_push_positions sends them all (the turn's forget_sent,
 * after a failed batch: what was sent may not have been stored). */
void route_forget_sent(struct hub *h);

/* `queue_state` to all of w's tabs: its duty topics (`topics`), then the
 * others (`others`), each with its state and how many are on duty, and
 * the waits of other orgs w could answer now by overflow
 * (`overflow_waiting`). */
void route_send_queue_state(struct hub *h, struct worker *w, time_t now);

#endif
