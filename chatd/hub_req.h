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
 * the new body of GET /api/status, its ETag made from it (hub_http.c). */
void hub_http_status_changed(struct hub *h, char *body, time_t now);

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
