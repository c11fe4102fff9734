/*
 * echoes: the chat scenario's generator against echod, a bare
 * libwebsockets server that sends every text frame back.
 *
 * o->conns connections (subprotocol "echo") carry the same msg frames as
 * chat visitors, in the same burst and paced phases; the echoed frame is
 * the answer. chatd's figures divided by these say what the daemon's own
 * work costs next to libwebsockets and this generator on the same machine.
 */
#ifndef ECHOES_H
#define ECHOES_H

#include "opts.h"

int echoes_run(const struct opts *o);

#endif
