/*
 * login: worker.v1 authentication (contract §3.2): password logins checked
 * by argon2id off the event loop (auth.h), token logins, the failed-login
 * throttle, and logout.
 *
 * The throttle (contract v3 §6: guesses from one source must not stop the
 * right password from another). A source is the keyed hash of the peer
 * address (behind trusted_proxy the forwarded one); a check is pending from
 * its admission until its result. Failures count in a window of
 * LOGIN_FAIL_WINDOW_S from the first one. A password login is refused with
 * `rate_limited` when
 *   - its source has LOGIN_SOURCE_FAIL_LIMIT failed or pending checks (any
 *     account), or LOGIN_SOURCE_PENDING_MAX pending at once;
 *   - its account from its source has LOGIN_PAIR_FAIL_LIMIT failed or
 *     pending checks, or, while the account is slowed down, one pending;
 *   - the verifier has LOGIN_VERIFYING_MAX checks at once and the account is
 *     not slowed down, or LOGIN_WAITING_MAX checks wait already;
 *   - the throttle table is full (LOGIN_THROTTLE_MAX entries, none of them
 *     forgotten while it counts something).
 * The account as a whole is never locked, only slowed down: once it has
 * LOGIN_ACCOUNT_SLOW_AFTER failed or pending checks from anywhere, its
 * checks start LOGIN_ACCOUNT_SLOW_S apart, in the order they came; the
 * others wait on the loop (not in the verifier, which never holds more than
 * LOGIN_VERIFYING_MAX). With one pending check per source and account, the
 * right password from another source waits one slot per source ahead of
 * it. A check given up while verifying counts as failed; one given up while
 * waiting does not (it cost nothing).
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

#define LOGIN_FAIL_WINDOW_S ((time_t)300)
#define LOGIN_SOURCE_FAIL_LIMIT 20 /* failed or pending checks from one source */
#define LOGIN_SOURCE_PENDING_MAX 4 /* pending checks from one source at once */
#define LOGIN_PAIR_FAIL_LIMIT 5    /* failed or pending checks of one account from one source */
#define LOGIN_ACCOUNT_SLOW_AFTER 5 /* failed or pending checks of one account: slowed down */
#define LOGIN_ACCOUNT_SLOW_S ((time_t)1) /* a slowed-down account's checks start this far apart */
#define LOGIN_VERIFYING_MAX 64           /* checks in the verifier at once, from anyone */
#define LOGIN_WAITING_MAX 1024           /* checks waiting for their start, from anyone */
/* accounts, sources and pairs tracked: about 400 sources at their limits */
#define LOGIN_THROTTLE_MAX 16384

struct login *login_new(void);
/* Frees l with the checks still waiting (the hub is going away: their conns
 * were closed or are not touched). */
void login_free(struct login *l);

/* What the throttle says to a password check of user from source (the
 * throttle key of its address, as login.c makes it). */
enum login_gate {
    LOGIN_GO,     /* to the verifier now */
    LOGIN_WAIT,   /* the account is slowed down: wait for login_throttle_start */
    LOGIN_REFUSE, /* rate_limited */
};

/* Admits a check at now (see the rule above); one that goes or waits is
 * pending until login_throttle_done. */
enum login_gate login_throttle_admit(struct login *l, const char *user, const char *source,
                                     time_t now);

/* Whether a waiting check of user may start at now (its account's slot has
 * come and the verifier has room); if so it is verifying from now on.
 * Waiting checks of one account are to be tried in the order they came. */
bool login_throttle_start(struct login *l, const char *user, time_t now);

/* When a waiting check of user may start at the earliest (the verifier
 * having room), or -1 when the throttle does not know user. */
time_t login_throttle_next_start(const struct login *l, const char *user);

/* A pending check is over: started (verifying) or still waiting, failed
 * (a wrong password, or given up while verifying) or not. */
void login_throttle_done(struct login *l, const char *user, const char *source, bool started,
                         bool failed, time_t now);

/* A login request on c (password or token). */
void login_request(struct hub *h, struct conn *c, const struct proto_req *r, time_t now);

/* Delivers finished password checks (the verifier woke the loop) and
 * starts waiting ones that the freed room lets go. */
void login_ready(struct hub *h, time_t now);

/* A logout request from tab: every token of its worker is revoked (the whole
 * session ends), or with this_only only the tab's own. */
void login_logout(struct hub *h, struct tab *tab, bool this_only, const char *ref, time_t now);

/* c is closing: a login or logout in progress on it forgets it (a password
 * check given up counts as a failed one). */
void login_conn_closed(struct hub *h, struct conn *c, time_t now);

/* How often live tabs are checked against the tokens table. */
#define LOGIN_CHECK_S 2

/* Login's timed work at now: waiting password checks whose slot has come
 * go to the verifier, and every LOGIN_CHECK_S it closes (4003) every tab
 * whose token is gone or expired: its user was deleted, its password
 * changed, it logged out elsewhere. A worker left with no tab this way
 * loses its chats to the front of their queues at once. */
void login_check_tabs(struct hub *h, time_t now);

/* When login_check_tabs has work next, or -1 (no tab is open and no check
 * waits for a slot). */
double login_next_check(const struct hub *h);

#endif
