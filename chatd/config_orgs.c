/*
 * config_orgs: [org ID] sections (contract v3 §4), the member organisations
 * of a federation on one installation, and each topic's org.
 *
 * A config without [org] gets one implicit org, "main", which owns every
 * topic and uses the server's keys: v2 configs mean what they meant. With
 * [org] sections every topic names one (`org = ID`), or the only one; an
 * org's key files left out are the server's; overflow_to names other orgs,
 * each once. Org sections may follow the topics that name them, so all of
 * this is checked once the whole text is read.
 */
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

static const struct key_spec org_keys[] = {
    {"name_fi", V_TEXT, IN_ORG(name[LANG_FI])},
    {"name_sv", V_TEXT, IN_ORG(name[LANG_SV])},
    {"name_en", V_TEXT, IN_ORG(name[LANG_EN])},
    {"transcript_key", V_TEXT, IN_ORG(transcript_key)},
    {"letters_pub", V_TEXT, IN_ORG(letters_pub_file)},
    {"letters_key", V_TEXT, IN_ORG(letters_key_file)},
    {"overflow_after_s", V_INT, IN_ORG(overflow_after_s), .lo = 0, .hi = 86400},
};

#define NORG ((int)(sizeof(org_keys) / sizeof(org_keys[0])))

static bool valid_org_id(const char *id)
{
    size_t n = strlen(id);
    return n >= 1 && n <= CONFIG_ORG_ID_MAX &&
           strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static void org_defaults(struct config_org *o, const char *id)
{
    snprintf(o->id, sizeof(o->id), "%s", id);
    for (int l = 0; l < LANG_COUNT; l++)
        snprintf(o->name[l], sizeof(o->name[l]), "%s", id);
    o->overflow_after_s = 120;
}

int config_org_line(const struct parse *p, int org, const char *key)
{
    for (int k = 0; k < NORG; k++)
        if (strcmp(org_keys[k].name, key) == 0 && p->orgs[org].key_line[k])
            return p->orgs[org].key_line[k];
    return p->orgs[org].line;
}

void config_org_begin(struct parse *p, const char *id)
{
    struct config *c = p->cfg;
    int dup = config_org_index(c, id);
    if (!valid_org_id(id)) {
        config_report(p, p->line, "bad org id \"%s\": expected 1..%d of a-z 0-9 _", id,
                      CONFIG_ORG_ID_MAX);
    } else if (dup >= 0) {
        config_report(p, p->line, "duplicate org \"%s\" (first on line %d)", id, p->orgs[dup].line);
    } else if (c->norgs == CONFIG_MAX_ORGS) {
        config_report(p, p->line, "too many orgs (at most %d)", CONFIG_MAX_ORGS);
    } else {
        p->seen = &p->orgs[c->norgs];
        p->seen->line = p->line;
        p->org = &c->orgs[c->norgs++]; /* zeroed */
        org_defaults(p->org, id);
        c->orgs_declared = true;
        p->kind = SEC_ORG;
    }
}

void config_org_value(struct parse *p, const char *key, const char *v)
{
    int i = (int)(p->org - p->cfg->orgs);
    if (strcmp(key, "overflow_to") != 0) {
        config_section_value(p, org_keys, NORG, (char *)p->org, key, v);
    } else if (p->overflow_line[i]) {
        config_report(p, p->line, "duplicate key \"overflow_to\" in [%s] (first on line %d)",
                      p->where, p->overflow_line[i]);
    } else {
        p->overflow_line[i] = p->line;
        config_copy_text(p, key, v, p->overflow[i], sizeof(p->overflow[i]), true);
    }
}

/* overflow_to of org i: a comma list of other orgs, each once. */
static void check_overflow(struct parse *p, int i)
{
    struct config *c = p->cfg;
    struct config_org *o = &c->orgs[i];
    char items[CONFIG_MAX_ORGS][CONFIG_LIST_ITEM_MAX];
    int n = config_split(p, p->overflow_line[i], "overflow_to", p->overflow[i], ',', items,
                         CONFIG_MAX_ORGS);
    for (int j = 0; j < n; j++) {
        const char *tok = items[j];
        int to = config_org_index(c, tok);
        bool twice = false;
        for (int k = 0; k < o->noverflow; k++)
            twice |= o->overflow_to[k] == to;
        if (to < 0)
            config_report(p, p->overflow_line[i], "overflow_to of org %s names unknown org \"%s\"",
                          o->id, tok);
        else if (to == i)
            config_report(p, p->overflow_line[i], "overflow_to of org %s names the org itself",
                          o->id);
        else if (twice)
            config_report(p, p->overflow_line[i], "overflow_to of org %s names org %s twice", o->id,
                          tok);
        else
            o->overflow_to[o->noverflow++] = to;
    }
}

/* The org a topic names; without org = ID, the only org (of the file, or
 * the implicit one). */
static void topic_org(struct parse *p, size_t t)
{
    struct config *c = p->cfg;
    struct config_topic *topic = &c->topics[t];
    int line = p->topics[t].key_line[p->topic_org_key];
    if (!topic->org_id[0] && c->norgs == 1) {
        topic->org = 0;
    } else if (!topic->org_id[0]) {
        config_report(p, p->topics[t].line,
                      "topic %s has no org: with several [org] sections each topic needs "
                      "org = ID",
                      topic->id);
    } else if ((topic->org = config_org_index(c, topic->org_id)) < 0) {
        topic->org = 0;
        config_report(p, line, "topic %s names unknown org \"%s\"%s", topic->id, topic->org_id,
                      c->orgs_declared ? "" : " (there is no [org] section but the implicit main)");
    }
}

void config_check_orgs(struct parse *p)
{
    struct config *c = p->cfg;
    if (c->norgs == 0) {
        org_defaults(&c->orgs[0], CONFIG_DEFAULT_ORG);
        c->norgs = 1;
    }
    for (size_t i = 0; i < c->norgs; i++) {
        struct config_org *o = &c->orgs[i];
        check_overflow(p, (int)i);
        if (!o->transcript_key[0])
            snprintf(o->transcript_key, sizeof(o->transcript_key), "%s", c->transcript_key);
        if (!o->letters_pub_file[0])
            snprintf(o->letters_pub_file, sizeof(o->letters_pub_file), "%s", c->letters_pub_file);
        if (!o->letters_key_file[0])
            snprintf(o->letters_key_file, sizeof(o->letters_key_file), "%s", c->letters_key_file);
    }
    for (size_t t = 0; t < c->ntopics; t++)
        topic_org(p, t);
}

int config_org_index(const struct config *cfg, const char *id)
{
    for (size_t i = 0; id && i < cfg->norgs; i++)
        if (strcmp(cfg->orgs[i].id, id) == 0)
            return (int)i;
    return -1;
}

uint32_t config_org_topics(const struct config *cfg, int org)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < cfg->ntopics; i++)
        if (cfg->topics[i].org == org)
            mask |= (uint32_t)1 << i;
    return mask;
}
