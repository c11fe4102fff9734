/*
 * hub_rota: the rota over HTTP (contract v3 §7) for coordinators and
 * admins: POST /api/rota (made by the report thread, rota_report.h, and
 * published here when it comes back), GET and DELETE /api/rota?week=.
 * Publishing and deleting are journaled and stored by the turn's commit.
 */
#include "hub.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_int.h"
#include "hub_req.h"
#include "report.h"
#include "rota_report.h"
#include "scope.h"
#include "staff.h"
#include "turn.h"

/* A date member of o: its local midnight (+ plus days), -1 when missing or
 * bad; *bad set when present but not a string. */
static time_t rota_day(json_t *o, const char *key, int plus, bool *bad)
{
    json_t *v = json_object_get(o, key);
    if (v && !json_is_string(v))
        *bad = true;
    return json_is_string(v) ? stats_parse_day(json_string_value(v), plus) : -1;
}

/* A whole number member into *v (absent: kept); false when not one. */
static bool rota_int(json_t *o, const char *key, int *v)
{
    json_t *x = json_object_get(o, key);
    if (!x)
        return true;
    if (!json_is_integer(x) || json_integer_value(x) < -1000000 || json_integer_value(x) > 1000000)
        return false;
    *v = (int)json_integer_value(x);
    return true;
}

static bool rota_real(json_t *o, const char *key, double *v)
{
    json_t *x = json_object_get(o, key);
    if (!x)
        return true;
    if (!json_is_number(x))
        return false;
    *v = json_number_value(x);
    return true;
}

/* The request of a POST body into q; NULL or why not. */
static const char *rota_parse(const struct config *cfg, json_t *o, struct rota_request *q,
                              bool *publish)
{
    bool bad = false;
    rota_request_init(q);
    if (!json_is_object(o))
        return "the body must be a JSON object";
    q->week = rota_day(o, "week", 0, &bad);
    q->from = rota_day(o, "from", 0, &bad);
    q->to = rota_day(o, "to", 1, &bad);
    json_t *topic = json_object_get(o, "topic"), *pub = json_object_get(o, "publish");
    if (bad)
        return "week, from and to must be dates (YYYY-MM-DD)";
    if (topic && !json_is_null(topic)) {
        if (!json_is_string(topic) || strlen(json_string_value(topic)) > CONFIG_TOPIC_ID_MAX)
            return "unknown topic";
        snprintf(q->topic, sizeof(q->topic), "%s", json_string_value(topic));
    }
    if (!rota_int(o, "capacity", &q->capacity))
        return "capacity must be a whole number";
    if (!rota_int(o, "shift_min_h", &q->shift_min_h) ||
        !rota_int(o, "shift_max_h", &q->shift_max_h))
        return "shift_min_h and shift_max_h must be whole numbers";
    if (!rota_real(o, "target_wait_s", &q->target.wait_s) ||
        !rota_real(o, "target_share", &q->target.share))
        return "target_wait_s and target_share must be numbers";
    if (pub && !json_is_boolean(pub))
        return "publish must be true or false";
    *publish = json_is_true(pub);
    return rota_request_check(cfg, q);
}

int hub_api_rota_post(struct hub *h, const char *bearer, const char *body, size_t len, double now,
                      void *owner, struct report_job **job, const char **why, bool *publish)
{
    struct report_request req = {.kind = REPORT_ROTA};
    *job = NULL;
    *why = NULL;
    *publish = false;
    struct scope_user u;
    int rc = scope_bearer(h, bearer, (time_t)now, &u);
    if (rc != 0)
        return rc;
    json_t *o = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    *why = o ? rota_parse(h->cfg, o, &req.rota, publish) : "the body must be a JSON object";
    json_decref(o);
    if (*why)
        return CHAT_ERR_BAD_REQUEST;
    /* contract v3 §4: the shifts of the asker's orgs' topics only */
    int t = req.rota.topic[0] ? config_topic_index(h->cfg, req.rota.topic) : -1;
    if (t >= 0 && !(u.topics & (1u << t)))
        return CHAT_ERR_FORBIDDEN;
    req.rota.scoped = true;
    req.rota.topics = u.topics;
    if (!h->reports)
        return CHAT_ERR_INTERNAL;
    /* what is counted reaches the store before the thread reads it */
    if (stats_flush(h->stats, (time_t)now, store_stats_put, h->st) != 0)
        return CHAT_ERR_NOMEM;
    return report_submit(h->reports, &req, owner, job);
}

static int rota_note_change(struct hub *h);

/* A time as rota_iso writes it ("YYYY-MM-DDTHH:MM:SS+HH:MM"), or -1
 * (also when t is NULL). */
static time_t rota_parse_iso(const char *t)
{
    return t ? stats_parse_iso(t) : -1;
}

/* owner waits for the open batch's commit. */
static int rota_wait(struct hub *h, void *owner, hub_rota_stored_fn stored)
{
    if (h->nrota_waiting == h->caprota_waiting) {
        size_t cap = h->caprota_waiting ? 2 * h->caprota_waiting : 4;
        void **more = realloc(h->rota_waiting, cap * sizeof(*more));
        if (!more)
            return CHAT_ERR_NOMEM;
        h->rota_waiting = more;
        h->caprota_waiting = cap;
    }
    h->rota_waiting[h->nrota_waiting++] = owner;
    h->rota_stored = stored;
    return rota_note_change(h);
}

void hub_rota_cancel(struct hub *h, void *owner)
{
    for (size_t i = 0; i < h->nrota_waiting; i++)
        if (h->rota_waiting[i] == owner)
            h->rota_waiting[i] = NULL;
}

int hub_rota_publish(struct hub *h, const char *body, void *owner, hub_rota_stored_fn stored)
{
    json_t *o = json_loads(body, 0, NULL), *shifts = json_object_get(o, "shifts"), *it;
    time_t week = rota_parse_iso(json_string_value(json_object_get(o, "week")));
    size_t i;
    int rc = json_is_array(shifts) && week >= 0 ? 0 : CHAT_ERR_INTERNAL;
    json_array_foreach(shifts, i, it)
    {
        const char *topic = json_string_value(json_object_get(it, "topic"));
        time_t start = rota_parse_iso(json_string_value(json_object_get(it, "start"))),
               end = rota_parse_iso(json_string_value(json_object_get(it, "end")));
        long count = (long)json_integer_value(json_object_get(it, "count"));
        if (!topic || start < 0 || end <= start)
            rc = CHAT_ERR_INTERNAL;
        for (long k = 0; rc == 0 && k < count; k++)
            rc = store_rota_add(h->st, topic, week, start, end);
        if (rc != 0)
            break;
    }
    json_decref(o);
    return rc == 0 ? rota_wait(h, owner, stored) : rc;
}

/* One shift as the JSON of GET /api/rota and the worker's `shifts`. */
static json_t *hub_rota_shift_json(const struct store_shift *sh)
{
    char a[32], b[32];
    rota_iso(sh->start, a);
    rota_iso(sh->end, b);
    return json_pack("{s:I,s:s,s:s,s:s,s:s?}", "shift", (json_int_t)sh->id, "topic", sh->topic,
                     "start", a, "end", b, "taken_by", sh->alias[0] ? sh->alias : NULL);
}

/* The shifts of a week that a coordinator sees (contract v3 §4): of its
 * orgs' topics, every one for a federation admin. */
struct rota_scoped {
    const struct hub *h;
    const struct scope_user *u;
    json_t *list;
    long open;
};

static bool rota_in_scope(const struct rota_scoped *l, const struct store_shift *sh)
{
    int t = config_topic_index(l->h->cfg, sh->topic);
    return l->u->all || (t >= 0 && (l->u->topics & (1u << t)));
}

static int rota_list_add(const struct store_shift *sh, void *arg)
{
    struct rota_scoped *l = arg;
    if (!rota_in_scope(l, sh))
        return 0;
    json_t *j = hub_rota_shift_json(sh);
    return j && json_array_append_new(l->list, j) == 0 ? 0 : CHAT_ERR_NOMEM;
}

static int rota_count_open(const struct store_shift *sh, void *arg)
{
    struct rota_scoped *l = arg;
    if (!sh->taken_by[0] && rota_in_scope(l, sh))
        l->open++;
    return 0;
}

/* Journals the deletion of week w's open shifts that u sees. */
static int rota_del_open(struct hub *h, const struct scope_user *u, time_t w)
{
    if (u->all)
        return store_rota_del_open(h->st, w);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < h->cfg->ntopics; i++)
        if (u->topics & (1u << i))
            rc = store_rota_del_open_topic(h->st, w, h->cfg->topics[i].id);
    return rc;
}

char *hub_api_rota(struct hub *h, const char *bearer, const char *week, bool del, double now,
                   void *owner, hub_rota_stored_fn stored, int *err, const char **why)
{
    char iso[32];
    struct scope_user u;
    *why = NULL;
    *err = scope_bearer(h, bearer, (time_t)now, &u);
    if (*err != 0)
        return NULL;
    struct rota_scoped l = {.h = h, .u = &u};
    time_t w = week ? stats_parse_day(week, 0) : -1;
    if (w < 0 || !rota_week_ok(w)) {
        *err = CHAT_ERR_BAD_REQUEST;
        *why = "week must be a Monday (YYYY-MM-DD)";
        return NULL;
    }
    rota_iso(w, iso);
    json_t *out = NULL;
    if (del) {
        *err = store_rota_each(h->st, w, 0, 0, rota_count_open, &l);
        if (*err == 0)
            *err = rota_del_open(h, &u, w);
        if (*err == 0)
            *err = rota_wait(h, owner, stored);
        if (*err == 0)
            out = json_pack("{s:s,s:I}", "week", iso, "deleted", (json_int_t)l.open);
    } else {
        l.list = json_array();
        *err = l.list ? store_rota_each(h->st, w, 0, 0, rota_list_add, &l) : CHAT_ERR_NOMEM;
        if (*err == 0)
            out = json_pack("{s:s,s:o}", "week", iso, "shifts", l.list);
        else
            json_decref(l.list);
    }
    if (*err != 0)
        return NULL;
    char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
    json_decref(out);
    if (!text)
        *err = CHAT_ERR_NOMEM;
    return text;
}

/* ---- worker.v1: shifts, shift_take, shift_drop (contract v3 §7) ------------- */

/* The most days one `shifts` may cover, and its default span. */
#define ROTA_LIST_MAX_DAYS 400
#define ROTA_LIST_DAYS 28

/* After the batch's commit (or failure): the pending takes are in the store
 * (or undone); the workers hear that the list changed. */
static void rota_after(struct hub *h, void *arg, bool committed)
{
    (void)arg;
    h->nrota_pending = 0;
    h->rota_after = false;
    h->rota_next = 0; /* look the next start up again */
    for (size_t i = 0; i < h->nrota_waiting; i++)
        if (h->rota_waiting[i])
            h->rota_stored(h->rota_waiting[i], committed);
    h->nrota_waiting = 0;
    if (!committed || !h->rota_changed)
        return;
    h->rota_changed = false;
    for (struct worker *w = h->workers; w; w = w->next)
        if (w->ntabs)
            staff_send(w, proto_dump(json_pack("{s:s}", "type", "shifts_changed"), NULL));
}

/* The list changed in this batch: workers hear it after its commit. */
static int rota_note_change(struct hub *h)
{
    h->rota_changed = true;
    if (h->rota_after)
        return 0;
    int rc = turn_after_commit(h, rota_after, NULL);
    h->rota_after = rc == 0;
    return rc;
}

/* The taker of sh as the open batch leaves it, into sh (user and alias). */
static void rota_overlay(const struct hub *h, struct store_shift *sh)
{
    for (size_t i = 0; i < h->nrota_pending; i++)
        if (h->rota_pending[i].id == sh->id) {
            snprintf(sh->taken_by, sizeof(sh->taken_by), "%s", h->rota_pending[i].user);
            snprintf(sh->alias, sizeof(sh->alias), "%s", h->rota_pending[i].alias);
        }
}

/* Journals shift id taken by w (NULL: dropped) and keeps it pending. */
static int rota_set(struct hub *h, long id, const struct worker *w)
{
    if (h->nrota_pending == h->caprota_pending) {
        size_t cap = h->caprota_pending ? 2 * h->caprota_pending : 8;
        struct hub_rota_pending *more = realloc(h->rota_pending, cap * sizeof(*more));
        if (!more)
            return CHAT_ERR_NOMEM;
        h->rota_pending = more;
        h->caprota_pending = cap;
    }
    int rc = store_rota_set(h->st, id, w ? w->user : NULL);
    if (rc == 0)
        rc = rota_note_change(h);
    if (rc != 0)
        return rc;
    struct hub_rota_pending *p = &h->rota_pending[h->nrota_pending++];
    p->id = id;
    snprintf(p->user, sizeof(p->user), "%s", w ? w->user : "");
    snprintf(p->alias, sizeof(p->alias), "%s", w ? w->alias : "");
    return 0;
}

struct rota_list {
    const struct hub *h;
    const struct worker *w;
    json_t *items;
};

/* True when w sees shift sh: of a topic of its orgs (contract v3 §4). */
static bool rota_worker_sees(const struct hub *h, const struct worker *w,
                             const struct store_shift *sh)
{
    return scope_topic(h, w, config_topic_index(h->cfg, sh->topic));
}

static int rota_item_add(const struct store_shift *sh, void *arg)
{
    struct rota_list *l = arg;
    if (!rota_worker_sees(l->h, l->w, sh))
        return 0;
    struct store_shift x = *sh;
    rota_overlay(l->h, &x);
    json_t *j = hub_rota_shift_json(&x);
    return j && json_array_append_new(l->items, j) == 0 ? 0 : CHAT_ERR_NOMEM;
}

/* An error frame with a reason saying which rule refused. */
static void rota_error(struct conn *c, int err, const char *reason, const char *ref)
{
    conn_send(c, proto_error(err, ref, json_pack("{s:s}", "reason", reason)));
}

/* `shifts` {from?, to?}: the published shifts that overlap the days
 * from..to (default: today and the 27 days after). */
static void rota_list(struct hub *h, struct conn *c, const struct worker *w,
                      const struct proto_req *r, time_t now)
{
    char today[STATS_DAY_CHARS];
    stats_format_day(now, today);
    time_t from = stats_parse_day(r->from ? r->from : today, 0);
    time_t to = r->to ? stats_parse_day(r->to, 1)
                      : stats_parse_day(r->from ? r->from : today, ROTA_LIST_DAYS);
    if (from < 0 || to < 0 || to <= from || to - from > (time_t)ROTA_LIST_MAX_DAYS * 86400 + 7200)
        return rota_error(c, CHAT_ERR_BAD_REQUEST, "period", r->ref);
    struct rota_list l = {h, w, json_array()};
    int rc = l.items ? store_rota_each(h->st, -1, from, to, rota_item_add, &l) : CHAT_ERR_NOMEM;
    if (rc != 0) {
        json_decref(l.items);
        return conn_send(c, proto_error(CHAT_ERR_INTERNAL, r->ref, NULL));
    }
    conn_send(c, proto_dump(json_pack("{s:s,s:o}", "type", "shifts", "items", l.items), r->ref));
}

void hub_rota_request(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r,
                      time_t now)
{
    struct store_shift sh;
    if (r->type == PT_SHIFTS)
        return rota_list(h, c, w, r, now);
    int rc = store_rota_get(h->st, r->shift, &sh);
    if (rc == 0 && !rota_worker_sees(h, w, &sh)) /* another org's: as if there were none */
        rc = CHAT_ERR_NOT_FOUND;
    if (rc != 0)
        return rota_error(c, rc == CHAT_ERR_NOT_FOUND ? CHAT_ERR_BAD_REQUEST : CHAT_ERR_INTERNAL,
                          "unknown_shift", r->ref);
    rota_overlay(h, &sh);
    bool mine = strcmp(sh.taken_by, w->user) == 0;
    if (r->type == PT_SHIFT_TAKE) {
        if (mine)
            return conn_send(c, proto_ack(0, r->ref));
        if (sh.taken_by[0])
            return rota_error(c, CHAT_ERR_BAD_STATE, "taken", r->ref);
        if (sh.end <= now)
            return rota_error(c, CHAT_ERR_BAD_STATE, "over", r->ref);
    } else {
        if (!mine)
            return rota_error(c, CHAT_ERR_FORBIDDEN, "not_yours", r->ref);
        if (sh.start <= now)
            return rota_error(c, CHAT_ERR_BAD_STATE, "started", r->ref);
    }
    rc = rota_set(h, sh.id, r->type == PT_SHIFT_TAKE ? w : NULL);
    if (rc != 0)
        return conn_send(c, proto_error(rc, r->ref, NULL));
    conn_send(c, proto_ack(0, r->ref)); /* held until the commit */
}

/* ---- the reminder ---------------------------------------------------------------- */

struct rota_remind {
    struct hub *h;
    time_t after, now;
};

static int rota_remind_one(const struct store_shift *sh, void *arg)
{
    struct rota_remind *m = arg;
    if (!sh->taken_by[0] || sh->start <= m->after || sh->start > m->now)
        return 0;
    for (struct worker *w = m->h->workers; w; w = w->next) {
        if (strcmp(w->user, sh->taken_by) != 0 || !w->ntabs || w->on_duty)
            continue;
        char a[32], b[32];
        rota_iso(sh->start, a);
        rota_iso(sh->end, b);
        staff_send(
            w, proto_dump(json_pack("{s:s,s:I,s:s,s:s,s:s}", "type", "shift_starting", "shift",
                                    (json_int_t)sh->id, "topic", sh->topic, "start", a, "end", b),
                          NULL));
    }
    return 0;
}

/* The most ended hours whose planned_s one tick adds (a daemon that was
 * stopped does not count the hours it missed: it saw nobody then). */
#define ROTA_PLANNED_CATCH_UP_S ((time_t)2 * 3600)

static void rota_planned_add(const char *topic, long seconds, void *arg)
{
    struct rota_remind *m = arg; /* now: the hour */
    int t = config_topic_index(m->h->cfg, topic);
    if (t >= 0 && seconds > 0)
        stats_add(m->h->stats, t, STAT_PLANNED_S, seconds, m->now);
}

/* Counts planned_s for the hours that ended since the last tick. */
static void rota_planned(struct hub *h, time_t now)
{
    time_t hour = stats_hour_start(now);
    if (h->rota_planned == 0 || hour - h->rota_planned > ROTA_PLANNED_CATCH_UP_S)
        h->rota_planned = h->rota_planned ? hour - ROTA_PLANNED_CATCH_UP_S : hour;
    while (h->rota_planned < hour) {
        time_t end = stats_hour_start(h->rota_planned + 3600 + 1800);
        if (end <= h->rota_planned)
            end = h->rota_planned + 3600;
        struct rota_remind m = {h, 0, h->rota_planned};
        if (store_rota_planned(h->st, h->rota_planned, end, rota_planned_add, &m) != 0)
            return; /* tried again at the next tick */
        h->rota_planned = end;
    }
}

time_t hub_rota_tick(struct hub *h, time_t now)
{
    rota_planned(h, now);
    if (h->rota_reminded == 0) /* the daemon started: no reminders of the past */
        h->rota_reminded = now;
    if (now > h->rota_reminded && h->rota_next != -1 &&
        (h->rota_next == 0 || h->rota_next <= now)) {
        struct rota_remind m = {h, h->rota_reminded, now};
        /* a shift is at most a day long: those that start after
         * rota_reminded overlap the span below */
        if (store_rota_each(h->st, -1, h->rota_reminded + 1 - (time_t)2 * 86400, now + 1,
                            rota_remind_one, &m) != 0)
            return -1; /* tried again at the next tick */
        h->rota_next = 0;
    }
    if (now > h->rota_reminded)
        h->rota_reminded = now;
    if (h->rota_next == 0)
        h->rota_next = store_rota_next_start(h->st, h->rota_reminded);
    return h->rota_next;
}

void hub_rota_fini(struct hub *h)
{
    free(h->rota_pending);
    free(h->rota_waiting);
    h->rota_pending = NULL;
    h->rota_waiting = NULL;
    h->nrota_waiting = h->caprota_waiting = 0;
    h->nrota_pending = h->caprota_pending = 0;
}
