/*
 * sources: connections counted per source address; see sources.c.
 */
#ifndef SOURCES_H
#define SOURCES_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct sources;

struct sources *sources_new(const struct config *cfg);
void sources_free(struct sources *s);

/* At accept: may a TCP connection from sa be kept? */
bool sources_tcp_admit(struct sources *s, const struct sockaddr_storage *sa);
/* A TCP connection was instantiated / is destroyed. */
void sources_tcp_opened(struct sources *s, struct lws *wsi);
void sources_tcp_closed(struct sources *s, struct lws *wsi);

/* The source of wsi's peer (behind trusted_proxy the forwarded one): a
 * keyed hash, never 0; 0 when unknown. */
uint64_t sources_of(struct sources *s, struct lws *wsi);

/* Adds delta to the open WebSockets of source; the new count (0 for 0). */
long sources_ws_count(struct sources *s, uint64_t source, long delta);

#endif
