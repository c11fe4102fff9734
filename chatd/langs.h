/*
 * langs: the languages the pages are shipped in.
 *
 * They are the files web_root/i18n/CODE.json; each holds the language's own
 * "name", its "dir" ("ltr" or "rtl") and its "strings" (the pages load those
 * themselves). The list is read once at start-up: a new file needs a
 * restart, and browsers may keep the old list for the five minutes of its
 * Cache-Control. A broken file is left out with a warning: one bad
 * translation must not stop the chat.
 */
#ifndef LANGS_H
#define LANGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define LANGS_MAX 64      /* more files than any helpline translates into */
#define LANGS_CODE_MAX 15 /* bytes of a code such as "fi" or "sr-Latn" */

struct langs {
    size_t n;
    char code[LANGS_MAX][LANGS_CODE_MAX + 1]; /* sorted */
    char *body; /* GET /api/langs: {"langs":[{"code","name","dir"}...]} (malloc'd) */
};

/* Reads web_root/i18n; each file left out is said on warn as FILE[:LINE]:
 * why. 0, or CHAT_ERR_NOMEM. */
int langs_load(const char *web_root, FILE *warn, struct langs *out);
void langs_fini(struct langs *l);

/* True when code is one of the languages. */
bool langs_has(const struct langs *l, const char *code);

/* True for [a-z]{2,3}(-[A-Za-z0-9]{2,8})?, the shape of a language code. */
bool langs_code_ok(const char *code);

#endif
