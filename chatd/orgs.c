/*
 * orgs: a user's orgs text against the config (see orgs.h).
 */
#include "orgs.h"

#include <stdio.h>
#include <string.h>

#include "chat_err.h"

bool orgs_all(const char *orgs)
{
    return strcmp(orgs, "*") == 0;
}

int orgs_default(const struct config *cfg)
{
    return cfg->norgs == 1 ? 0 : config_org_index(cfg, CONFIG_DEFAULT_ORG);
}

/* Calls fn for each id of a comma list (spaces around ids ignored); stops
 * at the first nonzero return, which it returns. */
static int each_id(const char *list, int (*fn)(const char *id, size_t n, void *arg), void *arg)
{
    for (const char *s = list; *s;) {
        size_t n = strcspn(s, ",");
        const char *id = s;
        size_t len = n;
        while (len > 0 && *id == ' ')
            id++, len--;
        while (len > 0 && id[len - 1] == ' ')
            len--;
        int rc = fn(id, len, arg);
        if (rc)
            return rc;
        s += n + (s[n] == ',');
    }
    return 0;
}

static int org_of(const struct config *cfg, const char *id, size_t n)
{
    for (size_t i = 0; i < cfg->norgs; i++)
        if (strlen(cfg->orgs[i].id) == n && memcmp(cfg->orgs[i].id, id, n) == 0)
            return (int)i;
    return -1;
}

struct mask_walk {
    const struct config *cfg;
    uint32_t mask;
};

static int add_bit(const char *id, size_t n, void *arg)
{
    struct mask_walk *m = arg;
    int i = org_of(m->cfg, id, n);
    if (i >= 0)
        m->mask |= (uint32_t)1 << i;
    return 0;
}

uint32_t orgs_mask(const struct config *cfg, const char *orgs)
{
    if (orgs_all(orgs))
        return cfg->norgs >= 32 ? ~(uint32_t)0 : ((uint32_t)1 << cfg->norgs) - 1;
    if (!orgs[0]) {
        int d = orgs_default(cfg);
        return d < 0 ? 0 : (uint32_t)1 << d;
    }
    struct mask_walk m = {cfg, 0};
    each_id(orgs, add_bit, &m);
    return m.mask;
}

struct norm_walk {
    const struct config *cfg;
    uint32_t seen;
    char *out, *why;
    size_t size, why_len, len;
};

static int add_norm(const char *id, size_t n, void *arg)
{
    struct norm_walk *w = arg;
    int i = org_of(w->cfg, id, n);
    if (i < 0) {
        snprintf(w->why, w->why_len, "unknown org \"%.*s\" (the config has no [org %.*s])", (int)n,
                 id, (int)n, id);
        return CHAT_ERR_BAD_REQUEST;
    }
    if (w->seen & ((uint32_t)1 << i))
        return 0;
    w->seen |= (uint32_t)1 << i;
    int k =
        snprintf(w->out + w->len, w->size - w->len, "%s%s", w->len ? "," : "", w->cfg->orgs[i].id);
    w->len += (size_t)k;
    return 0;
}

int orgs_normalize(const struct config *cfg, const char *list, char *out, size_t size, char *why,
                   size_t why_len)
{
    out[0] = '\0';
    if (orgs_all(list)) {
        snprintf(out, size, "*");
        return 0;
    }
    struct norm_walk w = {cfg, 0, out, why, size, why_len, 0};
    int rc = each_id(list, add_norm, &w);
    if (rc == 0 && w.seen == 0) {
        snprintf(why, why_len, "%s", "--org needs at least one org id, or '*'");
        rc = CHAT_ERR_BAD_REQUEST;
    }
    return rc;
}
