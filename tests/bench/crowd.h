/*
 * crowd: many visitors waiting in line.
 *
 * queue: o->visitors connect, say hello and join t0..t(topics-1) in turn.
 *        Every one must get a position; per topic the positions must be
 *        exactly 1..n (no gap, no duplicate) and n must be the topic's
 *        "waiting" in a status.v1 snapshot taken afterwards.
 * head:  o->visitors join t0 and one worker (token login) serves the head
 *        of the line o->trials times: first by going on duty, then by ending
 *        its chat, which makes chatd route the next visitor to it. Each time
 *        we measure from the request until every visitor still waiting has
 *        received its position minus one.
 */
#ifndef CROWD_H
#define CROWD_H

#include "opts.h"

int crowd_run_queue(const struct opts *o);
int crowd_run_head(const struct opts *o);

#endif
