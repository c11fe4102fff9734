/*
 * churn: paced password logins.
 *
 * Invariant: done + failed <= started <= cap; each started login ends as
 * exactly one of done (welcome) or failed.
 */
#include "churn.h"

#include "loop.h"
#include "wire.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void churn_frame(struct staff *s, const char *frame, void *arg)
{
    struct churn *ch = arg;
    if (!wire_is(frame, "welcome"))
        return;
    sample_add(&ch->login_ms, (s->ready_at - s->login_at) * 1e3);
    ch->done++;
    staff_close(s);
}

int churn_init(struct churn *ch, const struct opts *o, double rate, double duration)
{
    memset(ch, 0, sizeof(*ch));
    ch->o = o;
    ch->rate = rate;
    ch->duration = duration;
    ch->t0 = loop_now();
    ch->cap = (int)floor(rate * duration + 1e-9); /* at 0, 1/rate, ... before the end */
    sample_init(&ch->login_ms);
    ch->s = calloc((size_t)ch->cap, sizeof(*ch->s));
    return ch->s ? 0 : -1;
}

void churn_tick(void *arg)
{
    struct churn *ch = arg;
    double now = loop_now();
    double until = now < ch->t0 + ch->duration ? now : ch->t0 + ch->duration;
    int due = (int)floor((until - ch->t0) * ch->rate + 1e-9) + 1; /* login 0 at t0 */
    while (ch->started < due && ch->started < ch->cap) {
        char user[64], local[16];
        int i = ch->started++;
        snprintf(user, sizeof(user), "%s%d", ch->o->churn_prefix, i % ch->o->churn_pool);
        snprintf(local, sizeof(local), "127.0.0.%d", 10 + i % CHURN_SOURCES);
        if (staff_open_from(&ch->s[i], local, user, ch->o->password, NULL, churn_frame, ch) != 0)
            ch->failed++;
    }
}

static int churn_count_failed(struct churn *ch)
{
    int failed = 0;
    for (int i = 0; i < ch->started; i++)
        failed += ch->s[i].state == STAFF_DOWN && ch->s[i].ready_at == 0;
    return failed;
}

static bool churn_settled(void *arg)
{
    struct churn *ch = arg;
    return ch->done + churn_count_failed(ch) >= ch->started;
}

bool churn_finish(struct churn *ch, double timeout)
{
    bool ok = loop_run(churn_settled, NULL, ch, 0, timeout) == 0;
    ch->failed = churn_count_failed(ch);
    return ok;
}

void churn_fini(struct churn *ch)
{
    for (int i = 0; ch->s && i < ch->started; i++)
        staff_fini(&ch->s[i]);
    free(ch->s);
    sample_fini(&ch->login_ms);
    memset(ch, 0, sizeof(*ch));
}
