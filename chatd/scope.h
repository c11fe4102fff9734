/*
 * scope: what a member of staff may see and act on in a federation
 * (contract v3 §4): the topics, chats, alerts, letter threads, shifts and
 * reports of its own organisations, and of every organisation for a
 * federation admin (orgs "*", role admin). One place answers "may this
 * person see that", so every request asks the same question.
 *
 * The rule for the answer to a request on another org's object (written
 * once here, used everywhere):
 *  - a topic (public: /api/status lists every topic) or a chat (its id is
 *    random and only ever shown to those in scope) of another org:
 *    `forbidden`, as a chat that is not one's own is today;
 *  - an object known by its id (alert, letter thread, shift, exception
 *    to the hours): the answer for an id that does not exist, so that one
 *    org cannot learn which ids another org has.
 *
 * Without [org] sections everybody is of the one org "main" and every
 * scope is the whole installation, as before.
 */
#ifndef CHATD_SCOPE_H
#define CHATD_SCOPE_H

#include "hub_int.h"

/* The topics of the orgs in mask orgs (bit i = cfg->orgs[i]), as a topic
 * mask (bit i = cfg->topics[i]). */
uint32_t scope_topics_of(const struct config *cfg, uint32_t orgs);

/* The topics w sees: those of its orgs (every topic for a federation
 * admin). */
uint32_t scope_worker_topics(const struct hub *h, const struct worker *w);

/* True when w sees topic t (a config index). */
bool scope_topic(const struct hub *h, const struct worker *w, int t);

/* True when supervisor w sees chat ch: its topic is of w's orgs (the
 * visitor came to one of them), or its worker is of one of w's orgs (one
 * of theirs answers it, also an overflow chat of a partner org). */
bool scope_chat(const struct hub *h, const struct worker *w, const struct chat *ch);

/* The holder of a bearer token, as HTTP requests see it. */
struct scope_user {
    enum proto_staff_role role;
    uint32_t orgs;   /* bit i = cfg->orgs[i] */
    uint32_t topics; /* the topics of those orgs */
    bool all;        /* a federation admin: every org, and rows of topics gone */
    char name[STORE_NAME_MAX + 1];
};

/* The bearer's user at now into *u: 0, CHAT_ERR_UNAUTHORIZED, or
 * CHAT_ERR_FORBIDDEN when it is a worker (only coordinators and admins
 * read and change what HTTP offers). */
int scope_bearer(struct hub *h, const char *bearer, time_t now, struct scope_user *u);

/* The topics a report for u may hold, from the query's org (NULL: all of
 * u's) into *topics: 0, CHAT_ERR_BAD_REQUEST for an unknown org, or
 * CHAT_ERR_FORBIDDEN for an org not of u's. */
int scope_report_topics(const struct hub *h, const struct scope_user *u, const char *org,
                        uint32_t *topics);

#endif
