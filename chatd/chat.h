/*
 * chat: one conversation (contract §3.1-3.2): its creation with a sealed
 * key, the posting of messages (sealed, journaled, relayed, acked after the
 * commit), its history, its end, and the frames that show it to each side.
 */
#ifndef CHAT_H
#define CHAT_H

#include "hub_int.h"

/* Reads every org's transcript public key of h->cfg into h->org_pub (an
 * org without its own, or naming the server's file, has h->pub): 0, or
 * CHAT_ERR_CRYPTO with *bad the first file that is not a key (that org
 * gets h->pub, never another org's key; the others are read). */
int chat_keys_load(struct hub *h, const char **bad) __attribute__((warn_unused_result));

/* Makes the chat of visitor v in topic, its transcript row and its key
 * sealed to org's transcript key journaled; *out is the chat.
 * CHAT_ERR_NOMEM / CHAT_ERR_CRYPTO. */
int chat_new(struct hub *h, struct visitor *v, int topic, int org, time_t now, struct chat **out)
    __attribute__((warn_unused_result));

/* Gives ch the next label of topic today (contract v3 §2), journaling the
 * topic's last number, unless topic numbered it already. */
void chat_label(struct hub *h, struct chat *ch, int topic, time_t now);

/* Brings back chat id of v after a restart under a new key segment sealed
 * to org's key (the old key is gone with the old process, by design); seq
 * goes on from the last stored message; its label (0: none) is the one it
 * had in topic. */
int chat_restore(struct hub *h, struct visitor *v, int topic, int org, const char *id,
                 time_t started, time_t waited, int label, struct chat **out)
    __attribute__((warn_unused_result));

/* A line to post: who writes it, a supervisor's alias (join_chat and
 * whisper; NULL for the chat's own worker and the visitor), the text. */
struct chat_line {
    enum writer by;
    const char *alias;
    const char *text;
};

/* Seals and journals line in ch, appends it to the history, and relays it
 * to everyone who may see it but `from`: a message to the visitor and the
 * staff (the worker's tabs, supervisors who joined, monitors), a whisper to
 * the staff only. *seq_out: its seq (a whisper: its own number). */
int chat_post(struct hub *h, struct chat *ch, const struct chat_line *line, const struct conn *from,
              time_t now, uint64_t *seq_out) __attribute__((warn_unused_result));

/* The same for a request from conn, which gets the ack (after the commit)
 * or an error. */
void chat_post_and_ack(struct hub *h, struct conn *conn, struct chat *ch,
                       const struct chat_line *line, const char *ref, time_t now);

/* Relays typing of one side to the others (not back to from). */
void chat_typing(struct hub *h, struct chat *ch, const struct conn *from, bool from_worker,
                 bool on);

/* Sends frame (taken) to the staff of ch but except: its worker's tabs,
 * the tabs of supervisors who joined it, its monitors (each conn once);
 * chat_send_watchers leaves the worker out unless with_worker. */
void chat_send_staff(struct chat *ch, const struct conn *except, char *frame);
void chat_send_watchers(struct chat *ch, bool with_worker, const struct conn *except, char *frame);

/* ch's chat_started as the staff see it (whispers in the history), with
 * monitoring for a supervisor's read-only view; NULL when out of memory. */
char *chat_started_staff(const struct hub *h, const struct chat *ch, bool monitoring,
                         const char *ref);

/* chat_started to the visitor (if connected) / every tab of w. */
void chat_send_started_visitor(struct hub *h, struct chat *ch, const char *ref);
void chat_send_started_worker(struct hub *h, struct worker *w, struct chat *ch, const char *ref);

/* The aliases following ch (its monitors' and those who joined it), each
 * once, in name order, into by; how many. */
#define CHAT_MAX_FOLLOWERS (CHAT_MAX_MONITORS + CHAT_MAX_WRITERS)
size_t chat_followers(const struct chat *ch, const char *by[CHAT_MAX_FOLLOWERS]);

/* Marks ch urgent or not, and tells every tab of its worker. */
void chat_flag(struct hub *h, struct chat *ch, bool urgent);

/* Ends ch for good: both sides get chat_ended (the ref to the side that
 * asked), the worker's slot frees, the visitor is idle again (it must not
 * be queued), and ch is freed when the batch commits. */
void chat_end(struct hub *h, struct chat *ch, enum proto_end_by by, time_t now, const char *ref);
/* The same; quick: the visitor left with the page's quick exit, and every
 * chat_ended says so ("quick": true, contract v3 §1). */
void chat_end_quick(struct hub *h, struct chat *ch, enum proto_end_by by, bool quick, time_t now,
                    const char *ref);

/* The worker's part of ch ends at now (its end, or a transfer): counted
 * (chats, chat_s), and the worker's wrap-up begins (staff.h). */
void chat_part_over(struct hub *h, struct chat *ch, time_t now);

/* The worker's part of ch is over (a transfer, or the worker's session
 * ended): the worker's slot frees; ch goes on without a worker. */
void chat_leave_worker(struct hub *h, struct chat *ch, time_t now);

#endif
