/*
 * sources: connections counted per source address; see sources.c.
 */
#ifndef SOURCES_H
#define SOURCES_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "fdbudget.h"

struct sources;

/* Counts under cfg's trusted_proxy and budget's caps (copied). */
struct sources *sources_new(const struct config *cfg, const struct fdbudget *budget);
void sources_free(struct sources *s);

/* At accept: may a TCP connection from sa be kept? Not past the budget's
 * conns, nor past tcp_per_source from one source, nor while refusing all. */
bool sources_tcp_admit(struct sources *s, const struct sockaddr_storage *sa);
/* A TCP connection was instantiated / is destroyed. */
void sources_tcp_opened(struct sources *s, struct lws *wsi);
void sources_tcp_closed(struct sources *s, struct lws *wsi);

/* The source of wsi's peer (behind trusted_proxy the forwarded one): a
 * keyed hash, never 0; 0 when unknown. */
uint64_t sources_of(struct sources *s, struct lws *wsi);

/* Adds delta to the open WebSockets of source; the new count (0 for 0). */
long sources_ws_count(struct sources *s, uint64_t source, long delta);
/* The WebSockets one source may hold (the budget's ws_per_source); 0: no cap. */
long sources_ws_cap(const struct sources *s);

/* While on (the process ran out of descriptors), every new connection is
 * refused at accept. */
void sources_refuse_all(struct sources *s, bool on);

#endif
