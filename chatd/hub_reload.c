/*
 * hub_reload: the hub takes over a config read again (SIGHUP; reload.h)
 * with its queues, chats and workers kept.
 *
 * The hub refers to topics and questions by index into the config, so
 * every index it holds is mapped by id from the old config to the new one:
 * the topics' queues and estimates (h->topics[]), each visitor's topic and
 * pre-chat answers, each chat's topic, each worker's duty topics and open
 * wrap-ups. Statistics are counted per topic and per question: the counts
 * so far go to the store's journal (the next commit stores them) and a new
 * counter set starts from the new config. What is built from the config
 * (question frames, cached bodies) is built again, the exceptions to the
 * hours are put in force in the new schedules, and the end of the turn
 * routes and pushes everything again.
 *
 * A topic removed while visitors wait in it, chats run in it or wrap-ups of
 * it are open: the reload is refused as a whole, saying which topic and how
 * many, and the running config stays. Nobody loses a place in the line or
 * a chat to an edit of the file; to retire a topic, close it (hours =
 * never, or an exception) and remove it once its last visitor is served.
 *
 * The reload runs only between batches (nothing journaled, no snapshot
 * taken), so no undo snapshot holds an old index; otherwise it answers
 * CHAT_ERR_BUSY and the shell tries again after the next commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"
#include "hub.h"
#include "hub_int.h"
#include "chat.h"
#include "hub_letters.h"
#include "hub_req.h"
#include "route.h"
#include "staff.h"

/* Index maps from the running config to the next one (-1: gone). */
struct reload_map {
    int topic[CONFIG_MAX_TOPICS];
    int question[CONFIG_MAX_QUESTIONS];
    int answer[CONFIG_MAX_QUESTIONS][CONFIG_MAX_ANSWERS];
};

static void map_build(const struct config *from, const struct config *to, struct reload_map *m)
{
    for (size_t i = 0; i < from->ntopics; i++)
        m->topic[i] = config_topic_index(to, from->topics[i].id);
    for (size_t q = 0; q < from->nquestions; q++) {
        int nq = config_question_index(to, from->questions[q].id);
        m->question[q] = nq;
        for (int a = 0; a < from->questions[q].nanswers; a++)
            m->answer[q][a] =
                nq < 0 ? -1
                       : config_answer_index(&to->questions[nq], from->questions[q].answers[a].id);
    }
}

/* What still lives in the removed topics: the first one's name and counts. */
struct in_use {
    const struct reload_map *map;
    long chats[CONFIG_MAX_TOPICS];
};

static void count_chat(void *value, void *arg)
{
    const struct chat *ch = value;
    struct in_use *u = arg;
    if (!ch->ended && ch->topic >= 0 && ch->topic < CONFIG_MAX_TOPICS)
        u->chats[ch->topic]++;
}

/* 0, or CHAT_ERR_BAD_STATE with why when a removed topic is in use. */
static int removed_in_use(struct hub *h, const struct reload_map *m, char *why, size_t len)
{
    struct in_use u = {.map = m};
    long wrapups[CONFIG_MAX_TOPICS] = {0};
    idmap_each(h->chats, count_chat, &u);
    for (struct worker *w = h->workers; w; w = w->next)
        for (int k = 0; k < w->wrapups.n; k++)
            wrapups[w->wrapups.w[k].topic]++;
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        size_t waiting = h->topics[i].queue.count;
        if (m->topic[i] >= 0 || (waiting == 0 && u.chats[i] == 0 && wrapups[i] == 0))
            continue;
        snprintf(why, len,
                 "topic %s is not in the file, but %zu visitor(s) wait in it, %ld chat(s) run in "
                 "it and %ld wrap-up(s) of it are open; to retire it, set its hours = never, "
                 "reload, and remove it once they are served",
                 h->cfg->topics[i].id, waiting, u.chats[i], wrapups[i]);
        return CHAT_ERR_BAD_STATE;
    }
    return 0;
}

struct remap_ctx {
    struct hub *h;
    const struct reload_map *map;
    const struct config *from;
};

static void remap_answers(const struct reload_map *m, const struct config *from, struct answers *a)
{
    struct answers next;
    hub_no_answers(&next);
    next.urgent = a->urgent; /* as it was given: the visitor's wait keeps its rank */
    for (size_t q = 0; q < from->nquestions; q++)
        if (a->of[q] >= 0 && m->question[q] >= 0)
            next.of[m->question[q]] = (int8_t)m->answer[q][a->of[q]];
    *a = next;
}

static void remap_visitor(void *value, void *arg)
{
    struct visitor *v = value;
    const struct remap_ctx *c = arg;
    int t = v->topic >= 0 && (size_t)v->topic < c->from->ntopics ? c->map->topic[v->topic] : -1;
    /* a waiting or chatting visitor's topic is kept (removed_in_use); an
     * idle one's is not looked at until it joins again */
    v->topic = t >= 0 ? t : 0;
    if (v->last_topic >= 0 && (size_t)v->last_topic < c->from->ntopics) {
        int lt = c->map->topic[v->last_topic];
        if (lt < 0) { /* its chat's topic is gone: its feedback has nowhere to count */
            v->feedback_done = true;
            lt = 0;
        }
        v->last_topic = lt;
    }
    remap_answers(c->map, c->from, &v->answers);
}

static void remap_chat(void *value, void *arg)
{
    struct chat *ch = value;
    const struct remap_ctx *c = arg;
    if (ch->topic >= 0 && (size_t)ch->topic < c->from->ntopics && c->map->topic[ch->topic] >= 0)
        ch->topic = c->map->topic[ch->topic];
    if (ch->answer_topic >= 0 && (size_t)ch->answer_topic < c->from->ntopics)
        ch->answer_topic =
            c->map->topic[ch->answer_topic] >= 0 ? c->map->topic[ch->answer_topic] : ch->topic;
    if (ch->label > 0 && (size_t)ch->label_topic < c->from->ntopics &&
        c->map->topic[ch->label_topic] >= 0)
        ch->label_topic = c->map->topic[ch->label_topic];
}

/* Open alerts name a live chat's topic, which removed_in_use keeps. */
static void remap_alerts(struct hub *h, const struct reload_map *m, const struct config *from)
{
    for (struct alert *a = h->alerts; a; a = a->next)
        if (a->topic >= 0 && (size_t)a->topic < from->ntopics && m->topic[a->topic] >= 0)
            a->topic = m->topic[a->topic];
}

static void remap_workers(struct hub *h, const struct reload_map *m, const struct config *from)
{
    for (struct worker *w = h->workers; w; w = w->next) {
        uint32_t topics = 0;
        for (size_t i = 0; i < from->ntopics; i++)
            if ((w->topics & ((uint32_t)1 << i)) && m->topic[i] >= 0)
                topics |= (uint32_t)1 << m->topic[i];
        w->topics = topics;
        for (int k = 0; k < w->wrapups.n; k++)
            w->wrapups.w[k].topic = m->topic[w->wrapups.w[k].topic];
    }
}

/* The topics' queues and estimates in the next config's order; new
 * topics start empty, without estimates. */
static void remap_topics(struct hub *h, const struct reload_map *m, const struct config *from,
                         const struct config *to)
{
    static struct topic_state next[CONFIG_MAX_TOPICS]; /* large; the loop thread only */
    bool have[CONFIG_MAX_TOPICS] = {false};
    for (size_t i = 0; i < from->ntopics; i++)
        if (m->topic[i] >= 0) {
            next[m->topic[i]] = h->topics[i];
            have[m->topic[i]] = true;
        }
    for (size_t j = 0; j < CONFIG_MAX_TOPICS; j++) {
        if (!have[j]) {
            next[j] = (struct topic_state){0};
            queue_init(&next[j].queue, j < to->ntopics ? (time_t)to->topics[j].urgent_after_s : 0);
            next[j].resend_at = -1;
        } else {
            next[j].queue.urgent_after = (time_t)to->topics[j].urgent_after_s;
        }
        next[j].hours_known = false;
    }
    memcpy(h->topics, next, sizeof(next));
    for (size_t j = 0; j < CONFIG_MAX_TOPICS; j++) {
        free(h->week_body[j].body);
        h->week_body[j] = (struct hub_cached){0};
    }
}

/* True when nothing of a batch is open: no journal, no snapshot, no retry. */
static bool between_batches(const struct hub *h)
{
    return !h->turn.saved_chats && !h->turn.saved_visitors && !h->turn.saved_workers &&
           store_pending(h->st) == 0 && h->turn.retry_at == 0;
}

int hub_reload(struct hub *h, struct config *next, double now, char *why, size_t len)
{
    struct reload_map map;
    time_t t = (time_t)now;
    why[0] = '\0';
    if (!between_batches(h)) {
        snprintf(why, len, "a batch is being stored");
        return CHAT_ERR_BUSY;
    }
    map_build(h->cfg, next, &map);
    int rc = removed_in_use(h, &map, why, len);
    if (rc != 0)
        return rc;
    struct hub_old_config *old = malloc(sizeof(*old));
    struct stats *stats = stats_new(next, t);
    if (!old || !stats) {
        free(old);
        stats_free(stats);
        snprintf(why, len, "out of memory");
        return CHAT_ERR_NOMEM;
    }
    /* the counts so far, under the old config's names and hours */
    if (stats_flush(h->stats, t, store_stats_put, h->st) != 0)
        hub_log(h, "reload: the statistics of the last minute could not be handed on");
    stats_free(h->stats);
    h->stats = stats;

    struct config *from = h->cfg;
    struct remap_ctx ctx = {h, &map, from};
    idmap_each(h->visitors, remap_visitor, &ctx);
    idmap_each(h->chats, remap_chat, &ctx);
    remap_workers(h, &map, from);
    remap_alerts(h, &map, from);
    remap_topics(h, &map, from, next);
    route_labels_free(h);
    h->questions = NULL;
    h->categories = NULL;
    for (size_t i = 0; i < CONFIG_MAX_TOPICS; i++) {
        h->topic_questions[i] = NULL;
        h->topic_nquestions[i] = 0;
    }
    h->cfg = next;
    for (struct worker *w = h->workers; w; w = w->next)
        staff_set_orgs(h, w);   /* orgs by id, as the next config numbers them */
    hub_status_reload(h, from); /* ?org= subscribers: their org by id */
    if (route_labels_build(h) != 0)
        hub_log(h, "reload: out of memory building the questions' frames");
    const char *bad;
    if (chat_keys_load(h, &bad) != 0) /* contract v3 §4: each org's transcript key */
        hub_log(h,
                "reload: %s is not a transcript public key; new chats of that "
                "org are sealed to the server's key",
                bad);
    if (hub_letters_reload(h) != 0) /* letter threads name their topic by index */
        hub_log(h, "reload: the letter threads could not be read again");
    hub_hours_apply(h, t);
    hub_redo(h, REDO_ROUTE | REDO_STATUS | REDO_QUEUE_STATE | REDO_POSITIONS, -1);
    /* every visitor row names its topic by id: nothing to store again */
    old->cfg = from;
    old->next = h->old_configs;
    h->old_configs = old;
    return 0;
}

const struct config *hub_config(const struct hub *h)
{
    return h->cfg;
}
