/*
 * langs: the languages of the pages, one file web_root/i18n/CODE.json each;
 * see langs.h.
 */
#include "langs.h"

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"

struct found {
    char code[LANGS_CODE_MAX + 1];
    json_t *file;
};

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

int langs_load(const char *web_root, FILE *warn, struct langs *out)
{
    struct found found[LANGS_MAX];
    size_t n = 0;
    char dirpath[PATH_MAX + 8], path[PATH_MAX + 8 + 256];
    memset(out, 0, sizeof(*out));
    snprintf(dirpath, sizeof(dirpath), "%s/i18n", web_root);
    DIR *d = opendir(dirpath);
    if (!d)
        fprintf(warn, "%s: cannot open; the pages offer no language\n", dirpath);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dirpath, e->d_name);
        if (n == LANGS_MAX) {
            fprintf(warn, "%s: more than %d languages; left out\n", path, LANGS_MAX);
            continue;
        }
        struct found *l = &found[n];
        snprintf(l->code, sizeof(l->code), "%.*s", (int)(len - 5), e->d_name);
        if (len - 5 >= sizeof(l->code) || !langs_code_ok(l->code))
            fprintf(warn, "%s: the name is not a language code; left out\n", path);
        else if ((l->file = lang_load(path, warn)))
            n++;
    }
    if (d)
        closedir(d);
    qsort(found, n, sizeof(found[0]), lang_cmp);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, json_pack("{s:s, s:O, s:O}", "code", found[i].code, "name",
                                              json_object_get(found[i].file, "name"), "dir",
                                              json_object_get(found[i].file, "dir")));
        memcpy(out->code[i], found[i].code, sizeof(out->code[i]));
        json_decref(found[i].file);
    }
    out->n = n;
    json_t *body = json_pack("{s:o}", "langs", list);
    out->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    return out->body ? 0 : CHAT_ERR_NOMEM;
}

void langs_fini(struct langs *l)
{
    free(l->body);
    l->body = NULL;
    l->n = 0;
}

bool langs_has(const struct langs *l, const char *code)
{
    for (size_t i = 0; code && i < l->n; i++)
        if (strcmp(l->code[i], code) == 0)
            return true;
    return false;
}
