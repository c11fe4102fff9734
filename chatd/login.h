/*
 * login: worker.v1 authentication (contract §3.2): password logins checked
 * by argon2id off the event loop (auth.h), token logins, the failed-login
 * throttles per account and per source, and logout.
 *
 * What must be durable happens late: a password login's token is journaled
 * and the tab is attached (welcome) only after the batch commits; a logout
 * revokes the tokens and only after that commit closes the tabs and says
 * `logged_out`. Until then the conn's `pending` points at the job.
 */
#ifndef LOGIN_H
#define LOGIN_H

#include "hub_int.h"

struct login;

struct login *login_new(void);
void login_free(struct login *l);

/* A login request on c (password or token). */
void login_request(struct hub *h, struct conn *c, const struct proto_req *r, time_t now);

/* Delivers finished password checks (the verifier woke the loop). */
void login_ready(struct hub *h, time_t now);

/* A logout request from tab: every token of its worker is revoked (the whole
 * session ends), or with this_only only the tab's own. */
void login_logout(struct hub *h, struct tab *tab, bool this_only, const char *ref, time_t now);

/* c is closing: a login or logout in progress on it forgets it (a password
 * check given up counts as a failed one). */
void login_conn_closed(struct hub *h, struct conn *c, time_t now);

/* How often live tabs are checked against the tokens table. */
#define LOGIN_CHECK_S 2

/* Closes (4003) every tab whose token is gone or expired at now: its user
 * was deleted, its password changed, it logged out elsewhere. A worker left
 * with no tab this way loses its chats to the front of their queues at once. */
void login_check_tabs(struct hub *h, time_t now);

/* When the tabs should be checked next, or -1 (no tab is open). */
double login_next_check(const struct hub *h);

#endif
