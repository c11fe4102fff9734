/*
 * watch: status.v1 subscribers and how fast a change reaches them all.
 *
 * o->subs subscribers connect and take their first status; o->trials
 * visitors connect and say hello. Trial i: visitor i joins t0, which raises
 * t0's "waiting" by one; we measure from sending the join until every
 * subscriber holds a status frame with the new count.
 */
#ifndef WATCH_H
#define WATCH_H

#include "opts.h"

int watch_run(const struct opts *o);

#endif
