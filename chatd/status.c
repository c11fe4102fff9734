/*
 * status: availability and wait estimates; see status.h for the rules.
 */
#include "status.h"

#include <math.h>

#include "chat_err.h"

void status_service_add(struct status_service *s, double seconds)
{
    if (s->samples == 0)
        s->avg_s = seconds;
    else
        s->avg_s = STATUS_EWMA_WEIGHT * seconds + (1 - STATUS_EWMA_WEIGHT) * s->avg_s;
    s->samples++;
}

void status_patience_add(struct status_patience *p, double waited_s, bool abandoned)
{
    p->wait_s = p->wait_s * STATUS_PATIENCE_DECAY + (waited_s > 0 ? waited_s : 0);
    p->abandons = p->abandons * STATUS_PATIENCE_DECAY + (abandoned ? 1 : 0);
}

double status_patience_s(const struct status_patience *p)
{
    return p->abandons >= STATUS_MIN_ABANDONS ? p->wait_s / p->abandons : 0;
}

void status_rate_add(struct status_rate *r, time_t now)
{
    r->level = status_rate_per_s(r, now) + 1 / STATUS_RATE_TAU_S;
    r->at = now;
}

double status_rate_per_s(const struct status_rate *r, time_t now)
{
    double age = now > r->at ? (double)(now - r->at) : 0;
    return r->level * exp(-age / STATUS_RATE_TAU_S);
}

/* The digamma function for x > 0: the recurrence up to x >= 6, then its
 * asymptotic series (error below 1e-10 there). */
static double digamma(double x)
{
    double acc = 0;
    int up = x < 6 ? (int)ceil(6 - x) : 0;
    for (int i = 0; i < up; i++)
        acc -= 1 / (x + i);
    x += up;
    double f = 1 / (x * x);
    return acc + log(x) - 0.5 / x -
           f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

/* W(p) = sum_{k<p} 1/(r + k/theta) (theta 0: no abandonment). */
static double steps(double r, double theta, int p)
{
    if (theta <= 0)
        return p / r;
    return theta * (digamma(r * theta + p) - digamma(r * theta));
}

long status_estimate_for(const struct status_input *in, int position, const struct status_who *who)
{
    int c = in->staffed_slots;
    if (c <= 0 || in->service.samples < STATUS_MIN_SAMPLES || position < 1)
        return -1;
    if (in->service.avg_s <= 0) /* chats that end at once */
        return in->free_slots > 0 ? 0 : 1 + (who->still_s > 0 ? who->still_s : 0);
    double flow = c / in->service.avg_s, r = flow - (who->urgent ? 0 : in->urgent_per_s);
    if (r < STATUS_MIN_FLOW * flow)
        r = STATUS_MIN_FLOW * flow;
    double w = steps(r, in->patience_s, position);
    if (who->lang_slots >= 0 && who->lang_slots < c) {
        double fallback = (double)who->fallback_s, after = fallback > w ? fallback : w;
        double own =
            who->lang_slots > 0 ? steps(r * who->lang_slots / c, in->patience_s, position) : after;
        w = own < after ? own : after;
    }
    w += who->still_s > 0 ? (double)who->still_s : 0; /* the step's mean residual: status.h */
    if (in->free_slots <= 0 && w < 1)
        w = 1;
    return (long)(w + 0.5);
}

void status_seed_apply(const struct status_seed *seed, struct status_service *s,
                       struct status_patience *p)
{
    if (seed->chats >= 1) {
        s->avg_s = (seed->chat_s + seed->wrapup_s) / seed->chats;
        s->samples = (long)seed->chats;
    }
    double waits = seed->answered + seed->abandoned;
    if (waits >= 1) {
        double keep = 1 / (1 - STATUS_PATIENCE_DECAY); /* the weight of the newest waits */
        double scale = waits > keep ? keep / waits : 1;
        p->wait_s = seed->wait_s * scale;
        p->abandons = seed->abandoned * scale;
    }
}

long status_estimate_wait(const struct status_input *in, int position)
{
    const struct status_who anyone = {.urgent = false, .lang_slots = -1, .still_s = 0};
    return status_estimate_for(in, position, &anyone);
}

/* Start of the join cut-off of the opening that contains now, or -1. */
static time_t cutoff_start(const struct config_topic *t, time_t now)
{
    time_t closes = schedule_closes_at(&t->schedule, now);
    if (closes < 0 || t->join_cutoff_min <= 0)
        return -1;
    return closes - (time_t)t->join_cutoff_min * 60;
}

void status_hours_at(const struct config_topic *t, time_t now, struct status_hours *out)
{
    out->from = now;
    out->until = status_next_change(t, now);
    out->open = schedule_is_open(&t->schedule, now);
    out->next_open = schedule_next_open(&t->schedule, now);
    out->closes_at = schedule_closes_at(&t->schedule, now);
    out->cut = cutoff_start(t, now);
    out->reopens =
        out->open && out->closes_at >= 0 ? schedule_next_open(&t->schedule, out->closes_at) : -1;
}

bool status_hours_hold(const struct status_hours *h, time_t now)
{
    time_t until = h->until >= 0 ? h->until : h->from + 3600;
    return now >= h->from && now < until;
}

int status_join_refusal(const struct config_topic *t, const struct status_hours *hours, int waiting,
                        time_t now, enum proto_full_reason *why)
{
    *why = PROTO_FULL_NONE;
    if (!hours->open)
        return CHAT_ERR_CLOSED;
    if (hours->cut >= 0 && now >= hours->cut)
        *why = PROTO_FULL_CUTOFF; /* only a later opening helps: said before the queue */
    else if (waiting >= t->queue_max)
        *why = PROTO_FULL_QUEUE;
    return *why != PROTO_FULL_NONE ? CHAT_ERR_QUEUE_FULL : 0;
}

int status_join_check_hours(const struct config_topic *t, const struct status_hours *hours,
                            int waiting, time_t now)
{
    enum proto_full_reason why;
    return status_join_refusal(t, hours, waiting, now, &why);
}

time_t status_joins_until(const struct config_topic *t, const struct status_hours *hours)
{
    if (hours->closes_at < 0)
        return -1;
    return hours->closes_at - (time_t)(t->join_cutoff_min > 0 ? t->join_cutoff_min : 0) * 60;
}

int status_join_check(const struct config_topic *t, int waiting, time_t now)
{
    struct status_hours hours;
    status_hours_at(t, now, &hours);
    return status_join_check_hours(t, &hours, waiting, now);
}

const char *status_audience_name(enum config_audience a)
{
    switch (a) {
    case AUDIENCE_YOUNG:
        return "young";
    case AUDIENCE_PARENT:
        return "parent";
    case AUDIENCE_ANY:
        break;
    }
    return "any";
}

void status_compute_hours(const struct config_topic *t, const struct status_hours *hours,
                          const struct status_input *in, time_t now, struct proto_topic_status *out)
{
    enum proto_full_reason full;
    int why = status_join_refusal(t, hours, in->waiting, now, &full);
    out->id = t->id;
    for (int i = 0; i < LANG_COUNT; i++)
        out->title[i] = t->title[i];
    out->audience = status_audience_name(t->audience);
    out->state = why == CHAT_ERR_CLOSED ? PROTO_TOPIC_CLOSED
                 : why                  ? PROTO_TOPIC_FULL
                                        : PROTO_TOPIC_OPEN;
    out->staffed = in->staffed_slots > 0;
    out->answering = in->free_slots > 0;
    out->questions = NULL;
    out->nquestions = 0;
    out->letters_known = out->letters = false; /* the visitor's welcome adds them */
    out->letter_days = 0;
    out->org = out->letters_pub = NULL; /* the hub adds them (hub_status.c, the welcome) */
    out->waiting = in->waiting;
    out->estimated_wait_s = why == CHAT_ERR_CLOSED ? -1 : status_estimate_wait(in, in->waiting + 1);
    /* past the cut-off only a later opening helps: say when it is */
    out->next_open = full == PROTO_FULL_CUTOFF ? hours->reopens : hours->next_open;
    out->closes_at = hours->closes_at;
    out->joins_until = status_joins_until(t, hours);
    out->full_reason = full;
}

void status_compute(const struct config_topic *t, const struct status_input *in, time_t now,
                    struct proto_topic_status *out)
{
    struct status_hours hours;
    status_hours_at(t, now, &hours);
    status_compute_hours(t, &hours, in, now, out);
}

time_t status_next_change(const struct config_topic *t, time_t now)
{
    time_t next = schedule_next_change(&t->schedule, now);
    time_t cut = cutoff_start(t, now);
    if (cut > now && (next < 0 || cut < next))
        next = cut;
    return next;
}
