/*
 * chats: o->chats concurrent chats, both sides sending.
 *
 * Setup: o->chats workers log in with saved tokens and go on duty for every
 * topic at capacity 1; as many visitors join the topics in turn and chatd's
 * router pairs each with a worker. Then the traffic phases run over all
 * 2 * o->chats connections: a burst of o->burst messages per connection
 * (chatd's per-connection bucket holds 30 and refills 5 a second), a pause
 * for the buckets to refill, and o->duration seconds paced at o->rate in
 * all, with o->logins password logins a second alongside when asked.
 */
#ifndef CHATS_H
#define CHATS_H

#include "opts.h"

int chats_run(const struct opts *o);

#endif
