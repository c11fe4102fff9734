/*
 * hub_status: the public status by organisation (contract v3 §4).
 *
 * Every topic object names its org. A status.v1 subscriber or a visitor.v1
 * connection opened as /ws?org=ID, and GET /api/status?org=ID, are shown
 * that org's topics only, with the org's name ("orgs": [{id, name}]); with
 * no ?org= they are shown every topic, and "orgs" names every org while the
 * config has [org] sections (without them nothing names the implicit org
 * "main", and ?org=main is the same as no ?org=).
 *
 * What subscribers saw is kept per org as for everyone (h->org_last_status
 * beside h->last_status): a change is pushed only to the subscribers whose
 * part changed, and each org's GET body is kept with its ETag until its
 * part changes (h->org_status_body beside h->status_body). A reload may
 * reorder or remove orgs: the subscribers' org indices are looked up again
 * by id, one whose org is gone is told not_found and closed, and the kept
 * texts are dropped (the next push makes them again).
 */
#include "hub_req.h"

#include <string.h>

#include "route.h"

/* Org k of cfg as the pages name it. */
static void org_public(const struct config *cfg, int k, struct proto_org *out)
{
    out->id = cfg->orgs[k].id;
    for (int l = 0; l < LANG_COUNT; l++)
        out->name[l] = cfg->orgs[k].name[l];
}

void hub_topic_status(const struct hub *h, int i, time_t now, struct proto_topic_status *out)
{
    const struct config *cfg = h->cfg;
    route_topic_status(h, i, now, out);
    out->letters_pub = NULL; /* the welcome's, for a topic that takes letters */
    int org = cfg->topics[i].org;
    out->org = org >= 0 && (size_t)org < cfg->norgs ? cfg->orgs[org].id : NULL;
}

size_t hub_status_topics(const struct hub *h, int org, time_t now, struct proto_topic_status *out)
{
    size_t n = 0;
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        if (org < 0 || h->cfg->topics[i].org == org)
            hub_topic_status(h, (int)i, now, &out[n++]);
    return n;
}

size_t hub_status_orgs(const struct hub *h, int org, struct proto_org *out)
{
    const struct config *cfg = h->cfg;
    if (!cfg->orgs_declared)
        return 0;
    if (org >= 0) {
        org_public(cfg, org, out);
        return 1;
    }
    for (size_t k = 0; k < cfg->norgs; k++)
        org_public(cfg, (int)k, &out[k]);
    return cfg->norgs;
}

/* One org's part of the status at one instant (org -1: every topic). */
struct status_view {
    int org;
    size_t n, norgs;
    struct proto_topic_status topics[CONFIG_MAX_TOPICS];
    struct proto_org orgs[CONFIG_MAX_ORGS];
};

/* v of org from all, the status objects of every topic (n of them). */
static void view_of(const struct hub *h, int org, const struct proto_topic_status *all, size_t n,
                    struct status_view *v)
{
    v->org = org;
    v->n = 0;
    for (size_t i = 0; i < n; i++)
        if (org < 0 || h->cfg->topics[i].org == org)
            v->topics[v->n++] = all[i];
    v->norgs = hub_status_orgs(h, org, v->orgs);
}

/* The status.v1 frame of v, "generated" at (0: what subscribers saw, to
 * compare), or its GET /api/status body. */
static char *view_frame(const struct status_view *v, time_t at)
{
    return proto_status_orgs(at, v->topics, v->n, v->orgs, v->norgs);
}

static char *view_body(const struct status_view *v, time_t at)
{
    return proto_status_body_orgs(at, v->topics, v->n, v->orgs, v->norgs);
}

/* The view of org at now, worked out for it alone. */
static void view_now(const struct hub *h, int org, time_t now, struct status_view *v)
{
    struct proto_topic_status all[CONFIG_MAX_TOPICS];
    size_t n = hub_status_topics(h, -1, now, all);
    view_of(h, org, all, n, v);
}

void hub_conn_org(struct hub *h, struct conn *c, const char *id)
{
    if (!id) {
        c->org = CONN_ORG_ALL;
        return;
    }
    int k = config_org_index(h->cfg, id);
    if (k < 0)
        c->org = CONN_ORG_UNKNOWN;
    else /* no [org] sections: "main" holds every topic, and says no name */
        c->org = h->cfg->orgs_declared ? k : CONN_ORG_ALL;
}

bool hub_conn_org_refused(struct conn *c)
{
    if (c->org != CONN_ORG_UNKNOWN)
        return false;
    conn_send(c, proto_error(CHAT_ERR_UNKNOWN_ORG, NULL, NULL));
    conn_close(c, 1008);
    return true;
}

void hub_status_open(struct hub *h, struct conn *c, time_t now)
{
    if (hub_conn_org_refused(c))
        return;
    struct status_view *v = malloc(sizeof(*v));
    conn_subscribe(c);
    if (!v)
        return; /* the next push reaches it */
    view_now(h, c->org, now, v);
    conn_send(c, view_frame(v, now));
    free(v);
}

/* True when v's part of the status differs from what its subscribers saw
 * last (*last, renewed); then *frame is its new frame (NULL when out of
 * memory) and its GET body is made too. */
static bool changed(struct hub *h, const struct status_view *v, char **last, time_t now,
                    struct conn_shared **frame)
{
    char *text = view_frame(v, 0); /* "generated" aside */
    if (!text || (*last && strcmp(*last, text) == 0)) {
        free(text);
        return false;
    }
    free(*last);
    *last = text;
    hub_http_status_changed(h, v->org, view_body(v, now), now);
    *frame = conn_shared_new(view_frame(v, now));
    return true;
}

void hub_status_push(struct hub *h, time_t now)
{
    struct conn_shared *frames[CONFIG_MAX_ORGS + 1] = {0};
    struct proto_topic_status all[CONFIG_MAX_TOPICS];
    struct status_view *v = malloc(sizeof(*v));
    if (!v)
        return;                                    /* pushed at the next change */
    size_t n = hub_status_topics(h, -1, now, all); /* once: every part is of this instant */
    view_of(h, -1, all, n, v);
    int groups = 1;
    /* every org's part is in the whole: when it did not change, none did */
    if (changed(h, v, &h->last_status, now, &frames[0]) && h->cfg->orgs_declared)
        for (; groups <= (int)h->cfg->norgs; groups++) {
            view_of(h, groups - 1, all, n, v);
            changed(h, v, &h->org_last_status[groups - 1], now, &frames[groups]);
        }
    free(v);
    conn_broadcast_by_org(&h->conns, frames, groups);
    for (int k = 0; k < groups; k++)
        if (frames[k])
            conn_shared_unref(frames[k]);
}

const char *hub_status_body(struct hub *h, const char *org, double now, const char **etag)
{
    h->status_requests++;
    int k = -1;
    if (org) {
        k = config_org_index(h->cfg, org);
        if (k < 0)
            return NULL;
        if (!h->cfg->orgs_declared)
            k = -1; /* "main": every topic */
    }
    struct hub_cached *c = k < 0 ? &h->status_body : &h->org_status_body[k];
    struct status_view *v;
    if (!c->body && (v = malloc(sizeof(*v)))) { /* before the first push since a (re)start */
        view_now(h, k, (time_t)now, v);
        hub_http_status_changed(h, k, view_body(v, (time_t)now), (time_t)now);
        free(v);
    }
    *etag = c->etag;
    return c->body;
}

/* Drops what was kept of each org's status. */
static void forget_orgs(struct hub *h)
{
    for (size_t k = 0; k < CONFIG_MAX_ORGS; k++) {
        free(h->org_last_status[k]);
        h->org_last_status[k] = NULL;
        free(h->org_status_body[k].body);
        h->org_status_body[k] = (struct hub_cached){0};
    }
}

void hub_status_reload(struct hub *h, const struct config *from)
{
    for (struct conn *c = h->conns.subs, *next; c; c = next) {
        next = c->sub_next;
        if (c->org < 0 || (size_t)c->org >= from->norgs)
            continue;
        hub_conn_org(h, c, from->orgs[c->org].id);
        if (c->org == CONN_ORG_UNKNOWN) {
            conn_unsubscribe(c);
            hub_conn_org_refused(c);
        }
    }
    forget_orgs(h);
    free(h->last_status); /* the orgs' names may have changed: push again */
    h->last_status = NULL;
}

void hub_status_free(struct hub *h)
{
    forget_orgs(h);
}
