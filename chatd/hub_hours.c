/*
 * hub_hours: exceptions to the topics' weeks in the running hub (contract
 * v3 §5): /api/hours for coordinators and admins, the exceptions put into
 * force in every topic's schedule the moment the hours worker
 * (hours_live.h) reads them, and an audit line per change in the log.
 *
 * In force means: the statistics count the open time up to now under the
 * old hours, then each topic's schedule in h->cfg takes the exceptions of
 * its id from yesterday on (yesterday's may run past midnight), the hub's
 * copies of the topics' hours are dropped, and the end of the turn routes,
 * pushes status, queue state and positions again. h->exceptions keeps the
 * snapshot so that a reloaded config (hub_reload) gets them too.
 *
 * Who may: hours_access() is the one check (coordinator or admin; with
 * organisations, of the topic's organisation).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hours_live.h"
#include "hub.h"
#include "hub_int.h"
#include "scope.h"

#define HOURS_BODY_MAX 4096 /* bytes of a POST body */

/* ---- putting exceptions in force ------------------------------------------- */

void hub_hours_apply(struct hub *h, time_t now)
{
    struct schedule_date today = schedule_local_date(now);
    struct schedule_date yesterday = schedule_date_add(&today, -1);
    struct schedule_exception *x = malloc(SCHEDULE_MAX_EXCEPTIONS * sizeof(*x));
    if (!x) {
        hub_log(h, "out of memory: the exceptions to the hours are not in force");
        return;
    }
    stats_accrue(h->stats, now); /* the time so far counts under the hours it had */
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        struct config_topic *t = &h->cfg->topics[i];
        size_t n = 0;
        for (size_t k = 0; k < h->nexceptions && n < SCHEDULE_MAX_EXCEPTIONS; k++) {
            const struct hours_exception *e = &h->exceptions[k];
            if (strcmp(e->topic, t->id) == 0 && schedule_days_between(&yesterday, &e->x.date) >= 0)
                x[n++] = e->x;
        }
        if (schedule_set_exceptions(&t->schedule, x, n) != 0)
            hub_log(h, "topic %s: its exceptions to the hours could not be put in force", t->id);
        h->topics[i].hours_known = false;
    }
    free(x);
    hub_redo(h, REDO_ROUTE | REDO_STATUS | REDO_QUEUE_STATE | REDO_POSITIONS, -1);
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *exception_json(const struct hours_exception *e)
{
    char date[11], open[12];
    hours_date_text(&e->x.date, date);
    hours_open_text(&e->x, open);
    return json_pack("{s:I,s:s,s:s,s:b,s:o,s:s}", "id", (json_int_t)e->id, "topic", e->topic,
                     "date", date, "closed", e->x.closed, "open",
                     e->x.closed ? json_null() : json_string(open), "note", e->note);
}

/* "HH:MM-HH:MM" of minutes from a date's midnight (to may pass 24:00). */
static json_t *minutes_json(const struct schedule_minutes *m, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        char text[16];
        int to = m[i].to > 1440 ? m[i].to - 1440 : m[i].to;
        snprintf(text, sizeof(text), "%02u:%02u-%02u:%02u", (unsigned)m[i].from / 60 % 100,
                 (unsigned)m[i].from % 60, (unsigned)to / 60 % 100, (unsigned)to % 60);
        json_array_append_new(a, json_string(text));
    }
    return a;
}

/* The calendar of the next HUB_HOURS_CALENDAR_DAYS days from today: per
 * topic and date the hours in force, the regular ones and the exception. */
static json_t *calendar_json(const struct hub *h, const struct hours_scope *scope, time_t now)
{
    static const char *const langs[LANG_COUNT] = {"fi", "sv", "en"};
    struct schedule_date today = schedule_local_date(now);
    char from[11];
    json_t *topics = json_array();
    hours_date_text(&today, from);
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        const struct config_topic *t = &h->cfg->topics[i];
        if (!hours_scope_has(scope, t->id)) /* another org's (contract v3 §4) */
            continue;
        json_t *title = json_object(), *days = json_array();
        for (int l = 0; l < LANG_COUNT; l++)
            json_object_set_new(title, langs[l], json_string(t->title[l]));
        for (long d = 0; d < HUB_HOURS_CALENDAR_DAYS; d++) {
            struct schedule_date date = schedule_date_add(&today, d);
            struct schedule_minutes now_m[8], reg_m[8];
            size_t n = schedule_day(&t->schedule, &date, false, now_m, 8);
            size_t r = schedule_day(&t->schedule, &date, true, reg_m, 8);
            json_t *x = json_null();
            for (size_t k = 0; k < h->nexceptions; k++) {
                const struct hours_exception *e = &h->exceptions[k];
                if (strcmp(e->topic, t->id) == 0 && schedule_days_between(&date, &e->x.date) == 0)
                    x = json_integer((json_int_t)e->id);
            }
            char text[11];
            hours_date_text(&date, text);
            json_array_append_new(days, json_pack("{s:s,s:o,s:o,s:o}", "date", text, "hours",
                                                  minutes_json(now_m, n), "regular",
                                                  minutes_json(reg_m, r), "exception", x));
        }
        json_array_append_new(
            topics, json_pack("{s:s,s:o,s:o}", "id", t->id, "title", title, "days", days));
    }
    return json_pack("{s:s,s:i,s:o}", "from", from, "days", HUB_HOURS_CALENDAR_DAYS, "topics",
                     topics);
}

/* {"error": CODE, "message": TEXT} and the HTTP status of rc. */
static char *error_body(int rc, const char *message, int *status)
{
    static const struct {
        int rc, status;
        const char *code, *message;
    } map[] = {
        {CHAT_ERR_UNAUTHORIZED, 401, "unauthorized", "log in as a coordinator or admin"},
        {CHAT_ERR_FORBIDDEN, 403, "forbidden",
         "only coordinators and admins of the topic's organisation change its hours"},
        {CHAT_ERR_BAD_REQUEST, 400, "bad_request", "bad request"},
        {CHAT_ERR_UNKNOWN_TOPIC, 400, "unknown_topic", "no such topic"},
        {CHAT_ERR_NOT_FOUND, 404, "not_found", "no such exception"},
        {CHAT_ERR_FULL, 409, "too_many",
         "the topic has as many exceptions from today on as it can hold"},
        {CHAT_ERR_TOO_LARGE, 413, "too_large", "the body is too large"},
        {CHAT_ERR_REPORTS_BUSY, 503, "busy", "too many requests at once; try again"},
        {CHAT_ERR_BUSY, 503, "busy", "the database is busy; try again"},
    };
    const char *code = "internal", *text = "internal error";
    *status = 500;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].rc == rc) {
            *status = map[i].status;
            code = map[i].code;
            text = map[i].message;
        }
    return proto_dump(json_pack("{s:s,s:s}", "error", code, "message", message ? message : text),
                      NULL);
}

/* ---- /api/hours -------------------------------------------------------------- */

/* The one check of who may see and change the hours of topic (NULL: of
 * every topic the bearer may see): 0 with by (the account's name) and
 * scope (the topics of the bearer's orgs, contract v3 §4), or
 * CHAT_ERR_UNAUTHORIZED / FORBIDDEN / UNKNOWN_TOPIC. A topic of another
 * org is FORBIDDEN (topics are public: nothing leaks). */
static int hours_access(struct hub *h, const char *bearer, const char *topic, time_t now,
                        struct hours_request *req)
{
    struct scope_user u;
    int rc = scope_bearer(h, bearer, now, &u);
    if (rc != 0)
        return rc;
    int t = topic ? config_topic_index(h->cfg, topic) : -1;
    if (topic && t < 0)
        return CHAT_ERR_UNKNOWN_TOPIC;
    if (t >= 0 && !(u.topics & (1u << t)))
        return CHAT_ERR_FORBIDDEN;
    snprintf(req->by, HOURS_BY_MAX, "%.64s", u.name);
    req->scope = (struct hours_scope){.scoped = !u.all};
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        if (u.topics & (1u << i))
            snprintf(req->scope.topics[req->scope.n++], sizeof(req->scope.topics[0]), "%s",
                     h->cfg->topics[i].id);
    return 0;
}

/* A POST body into req->add: {topic, date, closed?, open?, note?}, no id. */
static int parse_post(struct hub *h, const char *body, size_t len, time_t now,
                      struct hours_request *req, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root =
        len <= HOURS_BODY_MAX ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    const char *topic = NULL, *date = NULL, *open = NULL, *note = NULL;
    int rc = CHAT_ERR_BAD_REQUEST;
    if (!json_is_object(root)) {
        snprintf(err, errlen, "the body must be a JSON object");
        goto out;
    }
    json_t *jc = json_object_get(root, "closed"), *jo = json_object_get(root, "open");
    json_t *jt = json_object_get(root, "topic"), *jd = json_object_get(root, "date");
    json_t *jn = json_object_get(root, "note");
    if (json_object_get(root, "id")) {
        snprintf(err, errlen, "a new exception has no id");
        goto out;
    }
    if (!json_is_string(jt) || !json_is_string(jd) ||
        (jn && !json_is_null(jn) && !json_is_string(jn)) || (jc && !json_is_boolean(jc)) ||
        (jo && !json_is_null(jo) && !json_is_string(jo))) {
        snprintf(err, errlen,
                 "want {\"topic\": ID, \"date\": \"YYYY-MM-DD\", \"closed\": true or \"open\": "
                 "\"HH:MM-HH:MM\", \"note\": TEXT}");
        goto out;
    }
    topic = json_string_value(jt);
    date = json_string_value(jd);
    open = json_is_string(jo) ? json_string_value(jo) : NULL;
    note = json_is_string(jn) ? json_string_value(jn) : NULL;
    if (json_is_true(jc) == (open != NULL)) {
        snprintf(err, errlen, "give either \"closed\": true or \"open\": \"HH:MM-HH:MM\"");
        goto out;
    }
    if (strlen(topic) != json_string_length(jt) || strlen(date) != json_string_length(jd) ||
        (note && strlen(note) != json_string_length(jn))) {
        snprintf(err, errlen, "no NUL characters, please");
        goto out;
    }
    rc = hours_check(h->cfg, topic, date, open, note, now, &req->add, err, errlen);
out:
    json_decref(root);
    return rc;
}

int hub_api_hours(struct hub *h, const struct hub_hours_query *q, double now, void *owner,
                  struct hours_job **job, char **body, int *status)
{
    struct hours_request req = {.now = (time_t)now};
    char err[256] = "", *end;
    const char *msg = NULL;
    int rc;
    *job = NULL;
    *body = NULL;
    if (!h->hours) {
        rc = CHAT_ERR_INTERNAL;
        goto fail;
    }
    rc =
        hours_access(h, q->bearer, q->method == HUB_HOURS_GET ? q->topic : NULL, (time_t)now, &req);
    if (rc != 0)
        goto fail;
    switch (q->method) {
    case HUB_HOURS_GET:
        req.kind = HOURS_JOB_LIST;
        snprintf(req.topic, sizeof(req.topic), "%s", q->topic ? q->topic : "");
        break;
    case HUB_HOURS_POST:
        req.kind = HOURS_JOB_ADD;
        rc = parse_post(h, q->body ? q->body : "", q->len, (time_t)now, &req, err, sizeof(err));
        msg = err;
        if (rc == 0)
            rc = hours_access(h, q->bearer, req.add.topic, (time_t)now, &req);
        break;
    case HUB_HOURS_DELETE:
        req.kind = HOURS_JOB_DEL;
        req.id = q->id ? strtoll(q->id, &end, 10) : 0;
        if (!q->id || end == q->id || *end || req.id <= 0) {
            rc = CHAT_ERR_BAD_REQUEST;
            msg = "want ?id=ID of an exception";
        }
        break;
    }
    if (rc == 0)
        rc = hours_live_submit(h->hours, &req, owner, job);
    if (rc == 0)
        return 0;
fail:
    *body = error_body(rc, msg && *msg ? msg : NULL, status);
    return rc;
}

/* A finished job: its answer to owner, and its audit line. */
struct ready_ctx {
    struct hub *h;
    time_t now;
    void (*done)(void *owner, int status, char *body, void *arg);
    void *arg;
};

static void on_changed(const struct hours_exception *all, size_t n, void *arg)
{
    struct ready_ctx *c = arg;
    struct hub *h = c->h;
    struct hours_exception *copy = n ? malloc(n * sizeof(*copy)) : NULL;
    if (n && !copy) {
        hub_log(h, "out of memory: the exceptions to the hours are not in force");
        return;
    }
    if (n)
        memcpy(copy, all, n * sizeof(*copy));
    free(h->exceptions);
    h->exceptions = copy;
    h->nexceptions = n;
    hub_hours_apply(h, c->now);
}

static void on_audit(const char *line, void *arg)
{
    struct ready_ctx *c = arg;
    hub_log(c->h, "%s", line);
}

static void on_done(void *owner, const struct hours_request *req, const struct hours_result *res,
                    void *arg)
{
    struct ready_ctx *c = arg;
    int status = 200;
    char *body;
    if (res->rc != 0) {
        body = error_body(res->rc, NULL, &status);
    } else if (req->kind == HOURS_JOB_LIST) {
        json_t *a = json_array();
        for (size_t i = 0; i < res->n; i++)
            json_array_append_new(a, exception_json(&res->items[i]));
        body = proto_dump(json_pack("{s:o,s:o}", "exceptions", a, "calendar",
                                    calendar_json(c->h, &req->scope, c->now)),
                          NULL);
    } else {
        json_t *o = exception_json(&res->items[0]);
        if (req->kind == HOURS_JOB_ADD && res->replaced)
            json_object_set_new(o, "replaced", json_integer((json_int_t)res->replaced));
        if (req->kind == HOURS_JOB_DEL)
            json_object_set_new(o, "deleted", json_true());
        body = proto_dump(o, NULL);
    }
    c->done(owner, body ? status : 500, body, c->arg);
}

void hub_hours_ready(struct hub *h, double now,
                     void (*done)(void *owner, int status, char *body, void *arg), void *arg)
{
    struct ready_ctx c = {h, (time_t)now, done, arg};
    struct hours_live_calls calls = {on_changed, on_audit, on_done, &c};
    if (!h->hours)
        return;
    struct schedule_date today = schedule_local_date((time_t)now);
    struct schedule_date yesterday = schedule_date_add(&today, -1);
    hours_live_set_from(h->hours, &yesterday);
    hours_live_poll(h->hours, &calls);
}

void hub_hours_cancel(struct hub *h, struct hours_job *job)
{
    if (h->hours && job)
        hours_live_cancel(h->hours, job);
}

void hub_set_hours(struct hub *h, struct hours_live *hours)
{
    h->hours = hours;
}
