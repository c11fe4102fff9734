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
#include "report.h"
#include "rota_report.h"

/* The role of the bearer's user, or a chat_err. */
static int rota_role(struct hub *h, const char *bearer, time_t now)
{
    uint8_t hash[STORE_TOKEN_HASH_BYTES];
    char user[STORE_NAME_MAX + 1];
    struct store_user u;
    if (!bearer || !*bearer)
        return CHAT_ERR_UNAUTHORIZED;
    auth_token_hash(bearer, hash);
    if (store_token_user(h->st, hash, now, user) != 0 || store_user_get(h->st, user, &u) != 0)
        return CHAT_ERR_UNAUTHORIZED;
    sodium_memzero(u.pwhash, sizeof(u.pwhash));
    if (u.role != PROTO_ROLE_COORDINATOR && u.role != PROTO_ROLE_ADMIN)
        return CHAT_ERR_FORBIDDEN;
    return 0;
}

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
    int rc = rota_role(h, bearer, (time_t)now);
    if (rc != 0)
        return rc;
    json_t *o = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    *why = o ? rota_parse(h->cfg, o, &req.rota, publish) : "the body must be a JSON object";
    json_decref(o);
    if (*why)
        return CHAT_ERR_BAD_REQUEST;
    if (!h->reports)
        return CHAT_ERR_INTERNAL;
    /* what is counted reaches the store before the thread reads it */
    if (stats_flush(h->stats, (time_t)now, store_stats_put, h->st) != 0)
        return CHAT_ERR_NOMEM;
    return report_submit(h->reports, &req, owner, job);
}

/* "YYYY-MM-DDTHH:MM:SS+HH:MM" (as rota_iso writes it) as a time, or -1. */
static time_t rota_parse_iso(const char *text)
{
    int y, mo, d, hh, mm, ss, oh, om, n = 0;
    char sign;
    if (!text ||
        sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d%n", &y, &mo, &d, &hh, &mm, &ss, &sign, &oh,
               &om, &n) != 9 ||
        text[n] || (sign != '+' && sign != '-'))
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = hh,
                    .tm_min = mm,
                    .tm_sec = ss};
    time_t t = timegm(&tm);
    long off = (oh * 3600L + om * 60L) * (sign == '-' ? -1 : 1);
    return t - off;
}

int hub_rota_publish(struct hub *h, const char *body, double now)
{
    (void)now;
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
    return rc;
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

static int rota_list_add(const struct store_shift *sh, void *arg)
{
    json_t *j = hub_rota_shift_json(sh);
    return j && json_array_append_new(arg, j) == 0 ? 0 : CHAT_ERR_NOMEM;
}

static int rota_count_open(const struct store_shift *sh, void *arg)
{
    if (!sh->taken_by[0])
        ++*(long *)arg;
    return 0;
}

char *hub_api_rota(struct hub *h, const char *bearer, const char *week, bool del, double now,
                   int *err, const char **why)
{
    char iso[32];
    *why = NULL;
    *err = rota_role(h, bearer, (time_t)now);
    if (*err != 0)
        return NULL;
    time_t w = week ? stats_parse_day(week, 0) : -1;
    if (w < 0 || !rota_week_ok(w)) {
        *err = CHAT_ERR_BAD_REQUEST;
        *why = "week must be a Monday (YYYY-MM-DD)";
        return NULL;
    }
    rota_iso(w, iso);
    json_t *out = NULL;
    if (del) {
        long open = 0;
        *err = store_rota_each(h->st, w, 0, 0, rota_count_open, &open);
        if (*err == 0)
            *err = store_rota_del_open(h->st, w);
        if (*err == 0)
            out = json_pack("{s:s,s:I}", "week", iso, "deleted", (json_int_t)open);
    } else {
        json_t *list = json_array();
        *err = list ? store_rota_each(h->st, w, 0, 0, rota_list_add, list) : CHAT_ERR_NOMEM;
        if (*err == 0)
            out = json_pack("{s:s,s:o}", "week", iso, "shifts", list);
        else
            json_decref(list);
    }
    if (*err != 0)
        return NULL;
    char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
    json_decref(out);
    if (!text)
        *err = CHAT_ERR_NOMEM;
    return text;
}
