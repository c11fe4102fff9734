/*
 * hub_req: the request dispatchers of the hub, called by hub.c for each
 * decoded frame of a visitor.v1 or worker.v1 connection.
 */
#ifndef HUB_REQ_H
#define HUB_REQ_H

#include "hub_int.h"

/* One visitor.v1 request on c. */
void hub_visitor_request(struct hub *h, struct conn *c, const struct proto_req *r, double now);

/* One worker.v1 request on c. */
void hub_worker_request(struct hub *h, struct conn *c, const struct proto_req *r, double now);

/* The status changed (hub.c saw it at the end of a turn): body (taken) is
 * the new body of GET /api/status (org -1) or of /api/status?org= of the
 * org of that index, its ETag made from it (hub_http.c). */
void hub_http_status_changed(struct hub *h, int org, char *body, time_t now);

/* The public status by org (hub_status.c, contract v3 §4). */
/* Topic i's status object at now, with its org. */
void hub_topic_status(const struct hub *h, int i, time_t now, struct proto_topic_status *out);
/* The status objects of org's topics (org -1: every topic) into out; their number. */
size_t hub_status_topics(const struct hub *h, int org, time_t now, struct proto_topic_status *out);
/* The orgs a status of org (-1: every topic) names into out; 0 without [org] sections. */
size_t hub_status_orgs(const struct hub *h, int org, struct proto_org *out);
/* c, opened with ?org=UNKNOWN: told not_found and closed (true); else false. */
bool hub_conn_org_refused(struct conn *c);
/* A status.v1 connection opened: subscribed and sent its org's status. */
void hub_status_open(struct hub *h, struct conn *c, time_t now);
/* At a turn's end: pushes each part that changed to its subscribers, and
 * keeps the bodies of GET /api/status. */
void hub_status_push(struct hub *h, time_t now);
/* After a reload from config from (h->cfg is the new one). */
void hub_status_reload(struct hub *h, const struct config *from);
void hub_status_free(struct hub *h);

/* The rota's worker.v1 requests (contract v3 §7; hub_rota.c): shifts,
 * shift_take, shift_drop on c of w. */
void hub_rota_request(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r,
                      time_t now);

/* Sends `shift_starting` to the logged-in workers not on duty whose taken
 * shifts started by now (hub_tick); the next such start, or -1. */
time_t hub_rota_tick(struct hub *h, time_t now);

/* Frees what the rota holds in h (hub_free). */
void hub_rota_fini(struct hub *h);

#endif
