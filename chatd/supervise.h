/*
 * supervise: the shift as coordinators and admins see it (contract v2 §3):
 * the live board, monitoring a chat, whispering to its worker, joining it,
 * and alerts (a worker's, and the one the clock raises when a chat has no
 * first reply). Nothing here is stored but whispers (sealed in the
 * transcript like every message) and the hourly count of alerts.
 */
#ifndef SUPERVISE_H
#define SUPERVISE_H

#include "hub_int.h"

/* True when role may supervise. */
bool supervise_may(enum proto_staff_role role);

/* `board` {on}: tab's subscription; on sends the board at once (with ref). */
void supervise_board(struct hub *h, struct tab *tab, bool on, const char *ref, time_t now);

/* Pushes the board to every subscribed tab when it differs from the last
 * push, at most every BOARD_EVERY_S; the next time it must look again. */
void supervise_push_board(struct hub *h, double now);

/* After the turn's commit: closes the alerts whose chat ended (their
 * boards and worker told: alert_closed, reason chat_ended), tells each
 * chat's worker who follows it when that changed (`monitored`), and pushes
 * the board (supervise_push_board). */
void supervise_after_turn(struct hub *h, double now);

/* `monitor` {chat, on} from tab: on sends chat_started (history,
 * monitoring) and from then every line, typing and the end; off an ack. */
void supervise_monitor(struct hub *h, struct tab *tab, struct chat *ch, bool on, const char *ref);

/* `join_chat` {chat}: tab's supervisor, who must monitor ch from tab,
 * becomes a second writer of ch. */
void supervise_join(struct hub *h, struct tab *tab, struct chat *ch, const char *ref);

/* True when w is a supervisor who joined ch. */
bool supervise_joined(const struct chat *ch, const struct worker *w);

/* `alert` {chat, note} from ch's worker: ch's open alert is raised anew
 * (its kind, note and time; the same id) or a new one opens; every
 * supervisor with the board on gets it, ch turns urgent, counted; the ack
 * says how many supervisors got it (0: nobody is there to help) and the
 * alert's id. The worker's eleventh alert within an hour (raised anew or
 * not) is refused (`rate_limited`): nothing is raised or flagged. */
void supervise_alert(struct hub *h, struct conn *from, struct chat *ch, const char *note,
                     const char *ref, time_t now);

/* `alert_take` {alert} from a supervisor's tab: the alert is taken by its
 * alias (ack; its worker gets alert_taken, the boards the alert again).
 * An alert closed lately: bad_state; one never known: not found. */
void supervise_alert_take(struct hub *h, struct tab *tab, const char *id, const char *ref);

/* `alert_close` {alert}: the alert closes (ack; its boards and worker get
 * alert_closed, reason closed); errors as alert_take. */
void supervise_alert_close(struct hub *h, struct tab *tab, const char *id, const char *ref);

/* Frees every alert (the hub is going away). */
void supervise_free_alerts(struct hub *h);

/* Raises the no-first-reply alerts that are due at now. */
void supervise_check_replies(struct hub *h, time_t now);

/* When the next no-first-reply alert is due, or -1. */
time_t supervise_next_reply_alert(const struct hub *h);

#endif
