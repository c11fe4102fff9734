/*
 * churn: worker password logins at a fixed rate, as at a change of shift.
 *
 * Login i is made at t0 + i/rate as user churn(i % pool) on a connection of
 * its own, which closes as soon as the welcome arrives. chatd checks each
 * password with argon2id on its verifier thread, so this is CPU work that
 * competes with the event loop on a small machine. The time from sending
 * the login to the welcome is recorded.
 *
 * The logins come from CHURN_SOURCES loopback addresses in turn
 * (127.0.0.10 to .41): chatd checks at most four passwords from one
 * source at once and refuses more (rate_limited), as against a guesser, so
 * from one address the row would measure that throttle, not the verifier.
 */
#ifndef CHURN_H
#define CHURN_H

#include "opts.h"
#include "sample.h"
#include "staff.h"

#define CHURN_SOURCES 32

struct churn {
    const struct opts *o;
    double rate, duration, t0;
    int started, done, failed, cap;
    struct staff *s;
    struct sample login_ms;
};

/* Prepares logins at rate a second for duration seconds, starting now. */
int churn_init(struct churn *ch, const struct opts *o, double rate, double duration);

/* Starts the logins now due (a traffic tick function; arg is the churn). */
void churn_tick(void *arg);

/* Waits up to timeout for logins in flight; true when none is left. */
bool churn_finish(struct churn *ch, double timeout);

void churn_fini(struct churn *ch);

#endif
