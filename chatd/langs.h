/*
 * langs: the languages the pages are shipped in.
 *
 * They are the files web_root/i18n/CODE.json; each holds the language's own
 * "name", its "dir" ("ltr" or "rtl") and its "strings" (the pages load those
 * themselves). The list is read once at start-up: a new file needs a
 * restart, and browsers may keep the old list for the five minutes of its
 * Cache-Control. A broken file is left out with a warning: one bad
 * translation must not stop the chat.
 *
 * Besides the list, each language keeps its availability words (the
 * "avail.*" strings the badge and the embeddable widget say), checked and
 * bounded at load; a word a file lacks or has broken is the English one,
 * with a warning. And the table of languages the wire accepts (hello.lang,
 * duty.langs) is built here once: fi, sv, en and every language shipped.
 * Nothing changes after langs_load().
 */
#ifndef LANGS_H
#define LANGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "proto.h"

#define LANGS_MAX 64       /* more files than any helpline translates into */
#define LANGS_CODE_MAX 15  /* bytes of a code such as "fi" or "sr-Latn" */
#define LANGS_WORD_MAX 160 /* bytes of one availability word (UTF-8) */

/* The availability words, in the order of langs_word_keys. */
enum langs_word {
    LANGS_AVAIL_OPEN,      /* open, and someone can answer now */
    LANGS_AVAIL_WAIT,      /* open, a wait of about {n} minutes */
    LANGS_AVAIL_BUSY,      /* open, every slot busy, no estimate */
    LANGS_AVAIL_BUSY_WAIT, /* open, every slot busy, about {n} minutes */
    LANGS_AVAIL_NOBODY,    /* open, nobody on duty */
    LANGS_AVAIL_FULL,      /* the queue is full */
    LANGS_AVAIL_CLOSED,    /* closed, no next opening known */
    LANGS_AVAIL_OPENS,     /* closed, opens at {t} */
    LANGS_AVAIL_OFFLINE,   /* the widget cannot reach the server */
    LANGS_AVAIL_QUIET,     /* quieter times: {t} */
    LANGS_AVAIL_CUTOFF,    /* full past the join cut-off: new chats were taken until {t} */
    LANGS_WORD_COUNT
};

/* "avail.open" ... "avail.quiet": the keys in web_root/i18n/CODE.json's "strings". */
extern const char *const langs_word_keys[LANGS_WORD_COUNT];

/* One language's availability words, each non-empty and at most
 * LANGS_WORD_MAX bytes, with its placeholder ({n} or {t}) where the key
 * has one. */
struct langs_words {
    char code[LANGS_CODE_MAX + 1];
    char text[LANGS_WORD_COUNT][LANGS_WORD_MAX + 1];
    char *body;    /* GET /api/words: {"lang","words":{key: text}} (malloc'd) */
    char etag[24]; /* a strong ETag: a hash of body */
};

struct langs {
    size_t n;
    char code[LANGS_MAX][LANGS_CODE_MAX + 1]; /* sorted */
    char *body;                /* GET /api/langs: {"langs":[{"code","name","dir"}...]} (malloc'd) */
    struct proto_langs accept; /* what hello.lang and duty.langs accept */
    /* words[i] are code[i]'s; words[n], when en.json is missing, holds
     * English's: the keys themselves (malloc'd, NULL in langs_base) */
    struct langs_words *words;
    size_t nwords;
};

/* No files: accept is fi, sv, en, and every word is its key (for a hub
 * the daemon has given no languages, as in unit tests). */
extern const struct langs langs_base;

/* Reads web_root/i18n; each file left out, or word replaced by English's,
 * is said on warn as FILE[:LINE]: why. 0, or CHAT_ERR_NOMEM. */
int langs_load(const char *web_root, FILE *warn, struct langs *out);
void langs_fini(struct langs *l);

/* The words of language code: Finnish when code is NULL, English when the
 * pages are not shipped in code. Never NULL; l's to keep. */
const struct langs_words *langs_words(const struct langs *l, const char *code);

/* The availability word for the topic status ts (the badge's choice) with
 * its placeholder filled: {n} the estimated wait in minutes, rounded up;
 * {t} the next opening as "DD.MM. HH:MM" local time. Into out (size bytes,
 * cut short when too small); returns which word it is. */
enum langs_word langs_avail(const struct langs_words *w, const struct proto_topic_status *ts,
                            char *out, size_t size);

/* True when code is one of the languages. */
bool langs_has(const struct langs *l, const char *code);

/* True for [a-z]{2,3}(-[A-Za-z0-9]{2,8})?, the shape of a language code. */
bool langs_code_ok(const char *code);

#endif
