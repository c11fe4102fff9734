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

/* A logout request from tab: every token of its worker is revoked. */
void login_logout(struct hub *h, struct tab *tab, const char *ref, time_t now);

/* c is closing: a login or logout in progress on it forgets it. */
void login_conn_closed(struct hub *h, struct conn *c);

#endif
