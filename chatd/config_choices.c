/*
 * config_choices: the config's labelled choices: pre-chat questions
 * ([question ID], contract v2 §2) and wrap-up categories ([categories], §4).
 *
 * A question's keys may come in any order and may name topics defined
 * later in the file, so what refers to something else (labels per answer,
 * urgent answers, topics) is checked once the whole file is read
 * (config_check_choices), each problem on the line of its key.
 */
#include "config_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const lang_suffix[LANG_COUNT] = {"fi", "sv", "en"};

/* The default categories, modelled on Child Helpline International's. */
static const struct config_category default_categories[] = {
    {"family", {"Perhe ja koti", "Familj och hem", "Family and home"}},
    {"violence", {"Väkivalta ja kaltoinkohtelu", "Våld och övergrepp", "Violence and abuse"}},
    {"mental_health", {"Mielenterveys", "Psykisk hälsa", "Mental health"}},
    {"self_harm",
     {"Itsetuhoisuus ja itsemurha-ajatukset", "Självskada och självmordstankar",
      "Self-harm and suicidal thoughts"}},
    {"peers", {"Kaverit ja kiusaaminen", "Kompisar och mobbning", "Peer relations and bullying"}},
    {"school", {"Koulu", "Skolan", "School"}},
    {"sexuality",
     {"Seksuaalisuus ja seurustelu", "Sexualitet och relationer", "Sexuality and relationships"}},
    {"body", {"Keho ja terveys", "Kropp och hälsa", "Body and health"}},
    {"substances", {"Päihteet", "Droger och alkohol", "Substance use"}},
    {"loneliness", {"Yksinäisyys", "Ensamhet", "Loneliness"}},
    {"other", {"Muu", "Annat", "Other"}},
};

static bool valid_id(const char *id)
{
    size_t n = strlen(id);
    return n >= 1 && n <= CONFIG_ID_MAX && strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

int config_split(struct parse *p, int line, const char *key, const char *v, char sep,
                 char items[][CONFIG_LIST_ITEM_MAX], int max)
{
    int n = 0;
    if (!*v)
        return 0;
    for (;;) {
        const char *end = strchr(v, sep), *s = v;
        size_t len = end ? (size_t)(end - v) : strlen(v);
        while (len > 0 && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (len == 0) {
            config_report(p, line, "bad %s: an empty item in the list", key);
            return -1;
        }
        if (len >= CONFIG_LIST_ITEM_MAX) {
            config_report(p, line, "bad %s: an item longer than %d bytes", key,
                          CONFIG_LIST_ITEM_MAX - 1);
            return -1;
        }
        if (n == max) {
            config_report(p, line, "bad %s: more than %d items", key, max);
            return -1;
        }
        memcpy(items[n], s, len);
        items[n++][len] = '\0';
        if (!end)
            return n;
        v = end + 1;
    }
}

void config_question_begin(struct parse *p, const char *id)
{
    struct config *c = p->cfg;
    p->kind = SEC_SKIP;
    if (!valid_id(id)) {
        config_report(p, p->line, "bad question id \"%s\": expected 1..%d of a-z 0-9 _", id,
                      CONFIG_ID_MAX);
        return;
    }
    for (size_t i = 0; i < c->nquestions; i++)
        if (strcmp(c->questions[i].id, id) == 0) {
            config_report(p, p->line, "duplicate question \"%s\" (first on line %d)", id,
                          p->questions[i].line);
            return;
        }
    if (c->nquestions == CONFIG_MAX_QUESTIONS) {
        config_report(p, p->line, "too many questions (at most %d)", CONFIG_MAX_QUESTIONS);
        return;
    }
    struct question_seen *qs = &p->questions[c->nquestions];
    p->question = &c->questions[c->nquestions++];
    memset(qs, 0, sizeof(*qs));
    qs->line = p->line;
    snprintf(p->question->id, sizeof(p->question->id), "%s", id);
    p->kind = SEC_QUESTION;
}

/* text_XX or label_XX: the language's index, or -1. */
static int lang_of(const char *key, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(key, prefix, n) != 0)
        return -1;
    for (int l = 0; l < LANG_COUNT; l++)
        if (strcmp(key + n, lang_suffix[l]) == 0)
            return l;
    return -1;
}

/* Marks key as seen at this line; false (reported) when it was already. */
static bool once(struct parse *p, const char *key, int *line)
{
    if (*line)
        return config_report(p, p->line, "duplicate key \"%s\" in [%s] (first on line %d)", key,
                             p->where, *line);
    *line = p->line;
    return true;
}

/* answers = ids; refused (reported) ones leave nanswers at -1. */
static void answers_value(struct parse *p, struct config_question *q, const char *v)
{
    char items[CONFIG_MAX_ANSWERS][CONFIG_LIST_ITEM_MAX];
    int n = config_split(p, p->line, "answers", v, ',', items, CONFIG_MAX_ANSWERS);
    q->nanswers = -1;
    if (n == 0 && !*v) {
        config_report(p, p->line, "bad answers: at least one answer id");
        return;
    }
    for (int i = 0; i < n; i++) {
        if (!valid_id(items[i])) {
            config_report(p, p->line, "bad answer id \"%s\": expected 1..%d of a-z 0-9 _", items[i],
                          CONFIG_ID_MAX);
            return;
        }
        for (int k = 0; k < i; k++)
            if (strcmp(items[k], items[i]) == 0) {
                config_report(p, p->line, "duplicate answer \"%s\"", items[i]);
                return;
            }
    }
    if (n < 0)
        return;
    q->nanswers = n;
    for (int i = 0; i < n; i++)
        memcpy(q->answers[i].id, items[i], strlen(items[i]) + 1); /* valid_id: at most 32 */
}

void config_question_value(struct parse *p, const char *key, const char *v)
{
    struct config_question *q = p->question;
    struct question_seen *qs = &p->questions[q - p->cfg->questions];
    int l;
    if ((l = lang_of(key, "text_")) >= 0) {
        if (once(p, key, &qs->text_line[l]))
            config_copy_text(p, key, v, q->text[l], sizeof(q->text[l]), false);
    } else if ((l = lang_of(key, "label_")) >= 0) {
        char items[CONFIG_MAX_ANSWERS][CONFIG_LIST_ITEM_MAX];
        if (!once(p, key, &qs->label_line[l]))
            return;
        int n = config_split(p, p->line, key, v, ',', items, CONFIG_MAX_ANSWERS);
        qs->nlabels[l] = n < 0 ? -1 : n;
        for (int i = 0; i < n; i++) /* items hold labels, NUL-terminated */
            memcpy(q->answers[i].label[l], items[i], CONFIG_LIST_ITEM_MAX);
    } else if (strcmp(key, "answers") == 0) {
        if (once(p, key, &qs->answers_line))
            answers_value(p, q, v);
    } else if (strcmp(key, "urgent") == 0 || strcmp(key, "topics") == 0) {
        bool urgent = key[0] == 'u';
        char *dst = urgent ? qs->urgent : qs->topics;
        size_t size = urgent ? sizeof(qs->urgent) : sizeof(qs->topics);
        if (once(p, key, urgent ? &qs->urgent_line : &qs->topics_line))
            config_copy_text(p, key, v, dst, size, true);
    } else {
        config_report(p, p->line, "unknown key \"%s\" in [%s]", key, p->where);
    }
}

void config_category_value(struct parse *p, const char *key, const char *v)
{
    struct config *c = p->cfg;
    char parts[LANG_COUNT + 1][CONFIG_LIST_ITEM_MAX];
    p->categories.key_line[0] = p->line; /* the section is not empty */
    if (!valid_id(key)) {
        config_report(p, p->line, "bad category id \"%s\": expected 1..%d of a-z 0-9 _", key,
                      CONFIG_ID_MAX);
        return;
    }
    for (size_t i = 0; i < c->ncategories; i++)
        if (strcmp(c->categories[i].id, key) == 0) {
            config_report(p, p->line, "duplicate category \"%s\"", key);
            return;
        }
    if (c->ncategories == CONFIG_MAX_CATEGORIES) {
        config_report(p, p->line, "too many categories (at most %d)", CONFIG_MAX_CATEGORIES);
        return;
    }
    int n = config_split(p, p->line, key, v, '|', parts, LANG_COUNT + 1);
    if (n < 0)
        return;
    if (n != LANG_COUNT) {
        config_report(p, p->line, "bad category %s: expected fi | sv | en, got %d label%s", key, n,
                      n == 1 ? "" : "s");
        return;
    }
    struct config_category *cat = &c->categories[c->ncategories++];
    snprintf(cat->id, sizeof(cat->id), "%s", key);
    for (int l = 0; l < LANG_COUNT; l++) /* parts hold labels, NUL-terminated */
        memcpy(cat->label[l], parts[l], CONFIG_LIST_ITEM_MAX);
}

static int topic_of(const struct config *c, const char *id)
{
    for (size_t i = 0; i < c->ntopics; i++)
        if (strcmp(c->topics[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* urgent = answer ids: each must be one of the question's answers. */
static void check_urgent(struct parse *p, struct config_question *q, struct question_seen *qs)
{
    char items[CONFIG_MAX_ANSWERS][CONFIG_LIST_ITEM_MAX];
    int n = config_split(p, qs->urgent_line, "urgent", qs->urgent, ',', items, CONFIG_MAX_ANSWERS);
    for (int i = 0; i < n; i++) {
        int a = config_answer_index(q, items[i]);
        if (a < 0)
            config_report(p, qs->urgent_line,
                          "question %s: urgent answer \"%s\" is not one of its answers", q->id,
                          items[i]);
        else
            q->answers[a].urgent = true;
    }
}

/* topics = topic ids (default: every topic). */
static void check_topics_of(struct parse *p, struct config_question *q, struct question_seen *qs)
{
    char items[CONFIG_MAX_TOPICS][CONFIG_LIST_ITEM_MAX];
    const struct config *c = p->cfg;
    if (!qs->topics_line) {
        q->topics = c->ntopics >= 32 ? UINT32_MAX : (1u << c->ntopics) - 1;
        return;
    }
    int n = config_split(p, qs->topics_line, "topics", qs->topics, ',', items, CONFIG_MAX_TOPICS);
    if (n == 0 && !qs->topics[0])
        config_report(p, qs->topics_line, "question %s: topics is empty (leave it out for all)",
                      q->id);
    for (int i = 0; i < n; i++) {
        int t = topic_of(c, items[i]);
        if (t < 0)
            config_report(p, qs->topics_line, "question %s: unknown topic \"%s\"", q->id, items[i]);
        else
            q->topics |= 1u << t;
    }
}

void config_check_choices(struct parse *p)
{
    struct config *c = p->cfg;
    for (size_t i = 0; i < c->nquestions; i++) {
        struct config_question *q = &c->questions[i];
        struct question_seen *qs = &p->questions[i];
        for (int l = 0; l < LANG_COUNT; l++)
            if (!qs->text_line[l])
                config_report(p, qs->line, "question %s has no text_%s", q->id, lang_suffix[l]);
        if (!qs->answers_line)
            config_report(p, qs->line, "question %s has no answers", q->id);
        if (!qs->answers_line || q->nanswers < 0) {
            q->nanswers = 0;
            continue;
        }
        for (int l = 0; l < LANG_COUNT; l++) {
            if (!qs->label_line[l])
                config_report(p, qs->line, "question %s has no label_%s", q->id, lang_suffix[l]);
            else if (qs->nlabels[l] >= 0 && qs->nlabels[l] != q->nanswers)
                config_report(p, qs->label_line[l],
                              "question %s: %d label%s in label_%s for %d answers", q->id,
                              qs->nlabels[l], qs->nlabels[l] == 1 ? "" : "s", lang_suffix[l],
                              q->nanswers);
        }
        if (qs->urgent_line)
            check_urgent(p, q, qs);
        check_topics_of(p, q, qs);
    }
    if (!p->categories.line) { /* no [categories]: the default set */
        c->ncategories = sizeof(default_categories) / sizeof(default_categories[0]);
        memcpy(c->categories, default_categories, sizeof(default_categories));
    } else if (!p->categories.key_line[0]) {
        config_report(p, p->categories.line, "[categories] lists no category");
    }
}

int config_question_index(const struct config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nquestions; i++)
        if (strcmp(cfg->questions[i].id, id) == 0)
            return (int)i;
    return -1;
}

int config_answer_index(const struct config_question *q, const char *aid)
{
    for (int i = 0; i < q->nanswers; i++)
        if (strcmp(q->answers[i].id, aid) == 0)
            return i;
    return -1;
}

int config_category_index(const struct config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->ncategories; i++)
        if (strcmp(cfg->categories[i].id, id) == 0)
            return (int)i;
    return -1;
}
