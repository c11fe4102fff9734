/*
 * status: availability and wait estimates; see status.h for the rules.
 */
#include "status.h"

#include "chat_err.h"

void status_service_add(struct status_service *s, double seconds)
{
    if (s->samples == 0)
        s->avg_s = seconds;
    else
        s->avg_s = STATUS_EWMA_WEIGHT * seconds + (1 - STATUS_EWMA_WEIGHT) * s->avg_s;
    s->samples++;
}

long status_estimate_wait(const struct status_input *in, int position)
{
    if (in->staffed_slots <= 0 || in->service.samples < STATUS_MIN_SAMPLES || position < 1)
        return -1;
    return (long)((double)position * in->service.avg_s / in->staffed_slots + 0.5);
}

/* Start of the join cut-off of the opening that contains now, or -1. */
static time_t cutoff_start(const struct config_topic *t, time_t now)
{
    time_t closes = schedule_closes_at(&t->schedule, now);
    if (closes < 0 || t->join_cutoff_min <= 0)
        return -1;
    return closes - (time_t)t->join_cutoff_min * 60;
}

int status_join_check(const struct config_topic *t, int waiting, time_t now)
{
    if (!schedule_is_open(&t->schedule, now))
        return CHAT_ERR_CLOSED;
    time_t cut = cutoff_start(t, now);
    if (waiting >= t->queue_max || (cut >= 0 && now >= cut))
        return CHAT_ERR_QUEUE_FULL;
    return 0;
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

void status_compute(const struct config_topic *t, const struct status_input *in, time_t now,
                    struct proto_topic_status *out)
{
    int why = status_join_check(t, in->waiting, now);
    out->id = t->id;
    for (int i = 0; i < LANG_COUNT; i++)
        out->title[i] = t->title[i];
    out->audience = status_audience_name(t->audience);
    out->state = why == CHAT_ERR_CLOSED ? PROTO_TOPIC_CLOSED
                 : why                  ? PROTO_TOPIC_FULL
                                        : PROTO_TOPIC_OPEN;
    out->staffed = in->staffed_slots > 0;
    out->waiting = in->waiting;
    out->estimated_wait_s = why == CHAT_ERR_CLOSED ? -1 : status_estimate_wait(in, in->waiting + 1);
    out->next_open = schedule_next_open(&t->schedule, now);
    out->closes_at = schedule_closes_at(&t->schedule, now);
}

time_t status_next_change(const struct config_topic *t, time_t now)
{
    time_t next = schedule_next_change(&t->schedule, now);
    time_t cut = cutoff_start(t, now);
    if (cut > now && (next < 0 || cut < next))
        next = cut;
    return next;
}
