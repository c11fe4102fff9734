/*
 * scope: who sees which org's topics, chats and reports; see scope.h.
 */
#include "scope.h"

#include <sodium.h>

#include "auth.h"
#include "orgs.h"

uint32_t scope_topics_of(const struct config *cfg, uint32_t orgs)
{
    uint32_t topics = 0;
    for (size_t i = 0; i < cfg->norgs; i++)
        if (orgs & (1u << i))
            topics |= config_org_topics(cfg, (int)i);
    return topics;
}

uint32_t scope_worker_topics(const struct hub *h, const struct worker *w)
{
    return scope_topics_of(h->cfg, w->orgs);
}

bool scope_topic(const struct hub *h, const struct worker *w, int t)
{
    return t >= 0 && (size_t)t < h->cfg->ntopics && worker_sees_topic(h, w, t);
}

bool scope_chat(const struct hub *h, const struct worker *w, const struct chat *ch)
{
    return scope_topic(h, w, ch->topic) || (ch->worker && (ch->worker->orgs & w->orgs));
}

int scope_bearer(struct hub *h, const char *bearer, time_t now, struct scope_user *u)
{
    uint8_t hash[STORE_TOKEN_HASH_BYTES];
    char user[STORE_NAME_MAX + 1];
    struct store_user su;
    if (!bearer || !*bearer)
        return CHAT_ERR_UNAUTHORIZED;
    auth_token_hash(bearer, hash);
    if (store_token_user(h->st, hash, now, user) != 0 || store_user_get(h->st, user, &su) != 0)
        return CHAT_ERR_UNAUTHORIZED;
    sodium_memzero(su.pwhash, sizeof(su.pwhash));
    int role = (int)su.role;
    if (role != PROTO_ROLE_COORDINATOR && role != PROTO_ROLE_ADMIN)
        return CHAT_ERR_FORBIDDEN;
    u->role = (enum proto_staff_role)role;
    u->all = orgs_all(su.orgs) && role == PROTO_ROLE_ADMIN;
    u->orgs = orgs_mask(h->cfg, su.orgs);
    u->topics = scope_topics_of(h->cfg, u->orgs);
    snprintf(u->name, sizeof(u->name), "%s", su.name);
    return 0;
}

int scope_report_topics(const struct hub *h, const struct scope_user *u, const char *org,
                        uint32_t *topics)
{
    if (!org) {
        *topics = u->topics;
        return 0;
    }
    int i = config_org_index(h->cfg, org);
    if (i < 0)
        return CHAT_ERR_BAD_REQUEST;
    if (!(u->orgs & (1u << i)))
        return CHAT_ERR_FORBIDDEN;
    *topics = config_org_topics(h->cfg, i);
    return 0;
}
