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

/* The HTTP views (hub_http.c) need nothing but hub.h. */

#endif
