/*
 * langs: the languages of the pages, one file web_root/i18n/CODE.json each,
 * and their availability words; see langs.h.
 */
#include "langs.h"

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat_err.h"

struct found {
    char code[LANGS_CODE_MAX + 1];
    char path[PATH_MAX + 8 + 256];
    json_t *file;
};

const char *const langs_word_keys[LANGS_WORD_COUNT] = {
    "avail.open",   "avail.wait",  "avail.busy",    "avail.busyWait", "avail.nobody", "avail.full",
    "avail.closed", "avail.opens", "avail.offline", "avail.quiet",    "avail.cutoff",
};

/* The placeholder word k must hold, or NULL. */
static const char *word_placeholder(enum langs_word k)
{
    switch (k) {
    case LANGS_AVAIL_WAIT:
    case LANGS_AVAIL_BUSY_WAIT:
        return "{n}";
    case LANGS_AVAIL_OPENS:
    case LANGS_AVAIL_QUIET:
    case LANGS_AVAIL_CUTOFF:
        return "{t}";
    default:
        return NULL;
    }
}

/* Every word its own key: what is shown when not even English has it. */
static const struct langs_words keys_words = {
    .code = "en",
    .text = {"avail.open", "avail.wait", "avail.busy", "avail.busyWait", "avail.nobody",
             "avail.full", "avail.closed", "avail.opens", "avail.offline", "avail.quiet",
             "avail.cutoff"},
};

const struct langs langs_base = {.accept = PROTO_LANGS_BASE};

/* [a-z]{2,3}(-[A-Za-z0-9]{2,8})? */
bool langs_code_ok(const char *code)
{
    size_t n = 0, m = 0;
    while (code[n] >= 'a' && code[n] <= 'z')
        n++;
    if (n < 2 || n > 3)
        return false;
    if (code[n] == '\0')
        return true;
    if (code[n] != '-')
        return false;
    const char *sub = code + n + 1;
    while ((sub[m] >= 'a' && sub[m] <= 'z') || (sub[m] >= 'A' && sub[m] <= 'Z') ||
           (sub[m] >= '0' && sub[m] <= '9'))
        m++;
    return m >= 2 && m <= 8 && sub[m] == '\0';
}

/* The file's JSON if it describes a language, else NULL and a warning. */
static json_t *lang_load(const char *path, FILE *warn)
{
    json_error_t err;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        fprintf(warn, "%s:%d: %s; language left out\n", path, err.line, err.text);
        return NULL;
    }
    const char *name = json_string_value(json_object_get(j, "name"));
    const char *dir = json_string_value(json_object_get(j, "dir"));
    const char *why = NULL;
    if (!name || !name[0])
        why = "no \"name\"";
    else if (!dir || (strcmp(dir, "ltr") != 0 && strcmp(dir, "rtl") != 0))
        why = "\"dir\" is not \"ltr\" or \"rtl\"";
    else if (!json_is_object(json_object_get(j, "strings")))
        why = "no \"strings\" object";
    if (why) {
        fprintf(warn, "%s: %s; language left out\n", path, why);
        json_decref(j);
        return NULL;
    }
    return j;
}

static int lang_cmp(const void *a, const void *b)
{
    return strcmp(((const struct found *)a)->code, ((const struct found *)b)->code);
}

/* Why v cannot be word k (NULL: it can): a non-empty string of at most
 * LANGS_WORD_MAX bytes, no control characters, with its placeholder. */
static const char *word_problem(enum langs_word k, json_t *v)
{
    const char *s = json_string_value(v), *ph = word_placeholder(k);
    if (!s)
        return "is not a string";
    if (!s[0] || json_string_length(v) > LANGS_WORD_MAX || strlen(s) != json_string_length(v))
        return "is empty or too long";
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20)
            return "holds a control character";
    if (ph && !strstr(s, ph))
        return ph[1] == 'n' ? "lacks {n}" : "lacks {t}";
    return NULL;
}

/* The words of f into w, each one f lacks or has broken taken from
 * fallback, said on warn, except that a file with no "avail." word at all
 * is a language without them: English quietly. */
static void words_read(const struct found *f, const struct langs_words *fallback, FILE *warn,
                       struct langs_words *w)
{
    json_t *strings = json_object_get(f->file, "strings");
    const char *key;
    json_t *v;
    bool any = false;
    snprintf(w->code, sizeof(w->code), "%s", f->code);
    json_object_foreach(strings, key, v) any = any || strncmp(key, "avail.", 6) == 0;
    for (int k = 0; k < LANGS_WORD_COUNT; k++) {
        v = json_object_get(strings, langs_word_keys[k]);
        const char *why = v ? word_problem((enum langs_word)k, v) : "is missing";
        if (!why) {
            snprintf(w->text[k], sizeof(w->text[k]), "%s", json_string_value(v));
            continue;
        }
        memcpy(w->text[k], fallback->text[k], sizeof(w->text[k]));
        if (any)
            fprintf(warn, "%s: \"%s\" %s; %s used\n", f->path, langs_word_keys[k], why,
                    fallback == &keys_words ? "the key itself is" : "the English word is");
    }
}

/* w's GET /api/words body and its ETag; 0 or CHAT_ERR_NOMEM. */
static int words_body(struct langs_words *w)
{
    const char *texts[LANGS_WORD_COUNT];
    uint8_t hash[8];
    char hex[2 * sizeof(hash) + 1];
    for (int k = 0; k < LANGS_WORD_COUNT; k++)
        texts[k] = w->text[k];
    w->body = proto_words_body(w->code, langs_word_keys, texts, LANGS_WORD_COUNT);
    if (!w->body)
        return CHAT_ERR_NOMEM;
    crypto_generichash(hash, sizeof(hash), (const uint8_t *)w->body, strlen(w->body), NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    snprintf(w->etag, sizeof(w->etag), "\"%s\"", hex);
    return 0;
}

/* The words of the n languages found (English's first, the others falling
 * back to them), and English's own at words[n] when en.json is not among
 * them; 0 or CHAT_ERR_NOMEM. */
static int words_load(const struct found *found, size_t n, const char *dirpath, FILE *warn,
                      struct langs *out)
{
    size_t en = n;
    for (size_t i = 0; i < n; i++)
        if (strcmp(found[i].code, "en") == 0)
            en = i;
    out->nwords = en == n ? n + 1 : n;
    out->words = calloc(out->nwords, sizeof(*out->words));
    if (!out->words)
        return CHAT_ERR_NOMEM;
    if (en == n) {
        out->words[n] = keys_words;
        if (n > 0)
            fprintf(warn, "%s/en.json: missing; words a language lacks are shown as their keys\n",
                    dirpath);
    } else {
        words_read(&found[en], &keys_words, warn, &out->words[en]);
    }
    for (size_t i = 0; i < n; i++)
        if (i != en)
            words_read(&found[i], en == n ? &keys_words : &out->words[en], warn, &out->words[i]);
    for (size_t i = 0; i < out->nwords; i++)
        if (words_body(&out->words[i]) != 0)
            return CHAT_ERR_NOMEM;
    return 0;
}

int langs_load(const char *web_root, FILE *warn, struct langs *out)
{
    struct found *found = calloc(LANGS_MAX, sizeof(*found));
    size_t n = 0;
    char dirpath[PATH_MAX + 8];
    memset(out, 0, sizeof(*out));
    if (!found)
        return CHAT_ERR_NOMEM;
    snprintf(dirpath, sizeof(dirpath), "%s/i18n", web_root);
    DIR *d = opendir(dirpath);
    if (!d)
        fprintf(warn, "%s: cannot open; the pages offer no language\n", dirpath);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (n == LANGS_MAX) {
            fprintf(warn, "%s/%s: more than %d languages; left out\n", dirpath, e->d_name,
                    LANGS_MAX);
            continue;
        }
        struct found *l = &found[n];
        snprintf(l->path, sizeof(l->path), "%s/%s", dirpath, e->d_name);
        snprintf(l->code, sizeof(l->code), "%.*s", (int)(len - 5), e->d_name);
        if (len - 5 >= sizeof(l->code) || !langs_code_ok(l->code))
            fprintf(warn, "%s: the name is not a language code; left out\n", l->path);
        else if ((l->file = lang_load(l->path, warn)))
            n++;
    }
    if (d)
        closedir(d);
    qsort(found, n, sizeof(found[0]), lang_cmp);
    const char *codes[LANGS_MAX];
    struct proto_lang_info info[LANGS_MAX];
    for (size_t i = 0; i < n; i++) {
        info[i] = (struct proto_lang_info){
            .code = found[i].code,
            .name = json_string_value(json_object_get(found[i].file, "name")),
            .dir = json_string_value(json_object_get(found[i].file, "dir")),
        };
        memcpy(out->code[i], found[i].code, sizeof(out->code[i]));
        codes[i] = out->code[i];
    }
    out->n = n;
    out->body = proto_langs_body(info, n);
    size_t left_out = proto_langs_init(&out->accept, codes, n);
    if (left_out)
        fprintf(warn, "%s: more than %d languages in all; %zu not accepted in hello and duty\n",
                dirpath, PROTO_MAX_LANGS, left_out);
    int rc = words_load(found, n, dirpath, warn, out);
    for (size_t i = 0; i < n; i++)
        json_decref(found[i].file);
    free(found);
    return rc == 0 && out->body ? 0 : CHAT_ERR_NOMEM;
}

void langs_fini(struct langs *l)
{
    free(l->body);
    l->body = NULL;
    for (size_t i = 0; l->words && i < l->nwords; i++)
        free(l->words[i].body);
    free(l->words);
    l->words = NULL;
    l->nwords = 0;
    l->n = 0;
}

bool langs_has(const struct langs *l, const char *code)
{
    for (size_t i = 0; code && i < l->n; i++)
        if (strcmp(l->code[i], code) == 0)
            return true;
    return false;
}

const struct langs_words *langs_words(const struct langs *l, const char *code)
{
    if (!code)
        code = "fi";
    for (int pass = 0; pass < 2; pass++, code = "en")
        for (size_t i = 0; l->words && i < l->nwords; i++)
            if (strcmp(l->words[i].code, code) == 0)
                return &l->words[i];
    return &keys_words;
}

/* tmpl with its first placeholder ph replaced by value, into out. */
static void fill(char *out, size_t size, const char *tmpl, const char *ph, const char *value)
{
    const char *at = ph ? strstr(tmpl, ph) : NULL;
    if (!at)
        snprintf(out, size, "%s", tmpl);
    else
        snprintf(out, size, "%.*s%s%s", (int)(at - tmpl), tmpl, value, at + strlen(ph));
}

enum langs_word langs_avail(const struct langs_words *w, const struct proto_topic_status *ts,
                            char *out, size_t size)
{
    enum langs_word k;
    char value[32] = "";
    if (ts->state == PROTO_TOPIC_FULL && ts->full_reason == PROTO_FULL_CUTOFF &&
        ts->joins_until >= 0) {
        k = LANGS_AVAIL_CUTOFF; /* not "full": only a later opening helps */
        struct tm tm;
        localtime_r(&ts->joins_until, &tm);
        strftime(value, sizeof(value), "%H:%M", &tm);
    } else if (ts->state == PROTO_TOPIC_FULL) {
        k = LANGS_AVAIL_FULL;
    } else if (ts->state != PROTO_TOPIC_OPEN) {
        k = ts->next_open >= 0 ? LANGS_AVAIL_OPENS : LANGS_AVAIL_CLOSED;
        if (ts->next_open >= 0) {
            struct tm tm;
            localtime_r(&ts->next_open, &tm);
            strftime(value, sizeof(value), "%d.%m. %H:%M", &tm);
        }
    } else if (!ts->staffed) {
        k = LANGS_AVAIL_NOBODY;
    } else if (ts->answering) {
        k = LANGS_AVAIL_OPEN;
    } else if (ts->estimated_wait_s >= 0) {
        k = LANGS_AVAIL_WAIT;
        snprintf(value, sizeof(value), "%ld", (ts->estimated_wait_s + 59) / 60);
    } else {
        k = LANGS_AVAIL_BUSY;
    }
    fill(out, size, w->text[k], word_placeholder(k), value);
    return k;
}
