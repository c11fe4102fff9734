/*
 * chat: one conversation (contract §3.1-3.2): its creation with a sealed
 * key, the posting of messages (sealed, journaled, relayed, acked after the
 * commit), its history, its end, and the frames that show it to each side.
 */
#ifndef CHAT_H
#define CHAT_H

#include "hub_int.h"

/* Makes the chat of visitor v in topic, its transcript row and sealed key
 * journaled; *out is the chat. CHAT_ERR_NOMEM / CHAT_ERR_CRYPTO. */
int chat_new(struct hub *h, struct visitor *v, int topic, time_t now, struct chat **out)
    __attribute__((warn_unused_result));

/* Brings back chat id of v after a restart under a new key segment (the old
 * key is gone with the old process, by design); seq goes on from the last
 * stored message. */
int chat_restore(struct hub *h, struct visitor *v, int topic, const char *id, time_t started,
                 time_t waited, struct chat **out) __attribute__((warn_unused_result));

/* A msg request from conn in ch: seals and journals the message, relays it
 * to the other side (and the worker's other tabs), and queues the ack
 * (which leaves after the commit) or an error. */
void chat_post_and_ack(struct hub *h, struct conn *conn, struct chat *ch, bool from_worker,
                       const char *text, const char *ref, time_t now);

/* Relays typing of one side to the other. */
void chat_typing(struct hub *h, struct chat *ch, bool from_worker, bool on);

/* chat_started to the visitor (if connected) / every tab of w. */
void chat_send_started_visitor(struct hub *h, struct chat *ch, const char *ref);
void chat_send_started_worker(struct hub *h, struct worker *w, struct chat *ch, const char *ref);

/* Marks ch urgent or not, and tells every tab of its worker. */
void chat_flag(struct hub *h, struct chat *ch, bool urgent);

/* Ends ch for good: both sides get chat_ended (the ref to the side that
 * asked), the worker's slot frees, the visitor is idle again (it must not
 * be queued), and ch is freed when the batch commits. */
void chat_end(struct hub *h, struct chat *ch, enum proto_end_by by, time_t now, const char *ref);

/* Counts the end of the worker's part of ch (stats chats, chat_s). */
void chat_count_part(struct hub *h, struct chat *ch, time_t now);

/* The worker's part of ch is over (a transfer, or the worker's session
 * ended): the worker's slot frees; ch goes on without a worker. */
void chat_leave_worker(struct hub *h, struct chat *ch);

#endif
