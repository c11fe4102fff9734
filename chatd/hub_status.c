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

/* The status frame (frame: true) or GET body of org (-1: every topic) at now. */
static char *status_text(const struct hub *h, int org, time_t now, bool frame)
{
    struct proto_topic_status topics[CONFIG_MAX_TOPICS];
    struct proto_org orgs[CONFIG_MAX_ORGS];
    size_t n = hub_status_topics(h, org, now, topics), norgs = hub_status_orgs(h, org, orgs);
    return frame ? proto_status_orgs(now, topics, n, orgs, norgs)
                 : proto_status_body_orgs(now, topics, n, orgs, norgs);
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
    conn_subscribe(c);
    conn_send(c, status_text(h, c->org, now, true));
}

/* When org k's part of the status differs from what its subscribers saw
 * last: its new frame (its GET body made too), else NULL. */
static struct conn_shared *org_changed(struct hub *h, int k, time_t now)
{
    char *text = status_text(h, k, 0, true); /* "generated" aside */
    if (!text || (h->org_last_status[k] && strcmp(h->org_last_status[k], text) == 0)) {
        free(text);
        return NULL;
    }
    free(h->org_last_status[k]);
    h->org_last_status[k] = text;
    hub_http_status_changed(h, k, status_text(h, k, now, false), now);
    return conn_shared_new(status_text(h, k, now, true));
}

void hub_status_push(struct hub *h, time_t now)
{
    struct conn_shared *frames[CONFIG_MAX_ORGS + 1] = {0};
    char *text = status_text(h, -1, 0, true); /* "generated" aside, what subscribers saw */
    if (!text || (h->last_status && strcmp(h->last_status, text) == 0)) {
        free(text); /* every org's part is in it: none changed either */
        return;
    }
    free(h->last_status);
    h->last_status = text;
    hub_http_status_changed(h, -1, status_text(h, -1, now, false), now);
    frames[0] = conn_shared_new(status_text(h, -1, now, true)); /* once for all */
    int n = 1;
    if (h->cfg->orgs_declared)
        for (; n <= (int)h->cfg->norgs; n++)
            frames[n] = org_changed(h, n - 1, now);
    conn_broadcast_by_org(&h->conns, frames, n);
    for (int k = 0; k < n; k++)
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
    if (!c->body) /* before the first push since the start or a reload */
        hub_http_status_changed(h, k, status_text(h, k, (time_t)now, false), (time_t)now);
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
