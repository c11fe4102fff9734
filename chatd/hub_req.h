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

#endif
