/*
 * test_langs: the pages' languages and their availability words, read from
 * chatd/web/i18n as shipped. For each language the badge's word for every
 * state, and GET /api/words, are exactly the file's avail.* strings (with
 * {n} and {t} filled); a word a file lacks or has broken is English's, said
 * once per word; the wire accepts fi, sv, en and then every shipped code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "langs.h"

/* chatd/web beside this file's tests/unit (the build keeps absolute paths). */
static void web_root(char *out, size_t size)
{
    const char *here = __FILE__, *cut = strstr(here, "tests/unit/");
    assert_non_null(cut);
    snprintf(out, size, "%.*schatd/web", (int)(cut - here), here);
}

/* The string key of web_root/i18n/code.json's "strings", malloc'd. */
static char *file_word(const char *code, const char *key)
{
    char root[4096], path[4200];
    json_error_t err;
    web_root(root, sizeof(root));
    snprintf(path, sizeof(path), "%s/i18n/%s.json", root, code);
    json_t *j = json_load_file(path, 0, &err);
    assert_non_null(j);
    const char *s = json_string_value(json_object_get(json_object_get(j, "strings"), key));
    assert_non_null(s);
    char *copy = strdup(s);
    json_decref(j);
    return copy;
}

/* tmpl with ph replaced by value, malloc'd. */
static char *replaced(const char *tmpl, const char *ph, const char *value)
{
    const char *at = strstr(tmpl, ph);
    assert_non_null(at);
    size_t n = strlen(tmpl) + strlen(value) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - tmpl), tmpl, value, at + strlen(ph));
    return out;
}

static int load_shipped(void **state)
{
    char root[4096];
    struct langs *l = calloc(1, sizeof(*l));
    FILE *quiet = fopen("/dev/null", "w");
    web_root(root, sizeof(root));
    assert_int_equal(langs_load(root, quiet, l), 0);
    fclose(quiet);
    *state = l;
    return 0;
}

static int unload(void **state)
{
    langs_fini(*state);
    free(*state);
    return 0;
}

/* 2026-12-07 09:00 Helsinki (+02:00). */
#define MONDAY_9 ((time_t)1796626800)

struct avail_case {
    const char *name;
    struct proto_topic_status ts;
    enum langs_word want;
    const char *ph, *value; /* the placeholder and what fills it, or NULL */
};

static const struct avail_case avail_cases[] = {
    {"open and answering",
     {.state = PROTO_TOPIC_OPEN,
      .staffed = true,
      .answering = true,
      .estimated_wait_s = 0,
      .next_open = -1},
     LANGS_AVAIL_OPEN,
     NULL,
     NULL},
    {"a wait of 61 s is 2 min",
     {.state = PROTO_TOPIC_OPEN, .staffed = true, .estimated_wait_s = 61, .next_open = -1},
     LANGS_AVAIL_WAIT,
     "{n}",
     "2"},
    {"a wait of 0 s is 0 min",
     {.state = PROTO_TOPIC_OPEN, .staffed = true, .estimated_wait_s = 0, .next_open = -1},
     LANGS_AVAIL_WAIT,
     "{n}",
     "0"},
    {"busy, no estimate",
     {.state = PROTO_TOPIC_OPEN, .staffed = true, .estimated_wait_s = -1, .next_open = -1},
     LANGS_AVAIL_BUSY,
     NULL,
     NULL},
    {"nobody on duty",
     {.state = PROTO_TOPIC_OPEN, .estimated_wait_s = -1, .next_open = -1},
     LANGS_AVAIL_NOBODY,
     NULL,
     NULL},
    {"full",
     {.state = PROTO_TOPIC_FULL, .staffed = true, .estimated_wait_s = 600, .next_open = -1},
     LANGS_AVAIL_FULL,
     NULL,
     NULL},
    {"past the join cut-off: not full, but until when new chats were taken",
     {.state = PROTO_TOPIC_FULL,
      .staffed = true,
      .estimated_wait_s = 60,
      .next_open = -1,
      .joins_until = MONDAY_9 + 10 * 3600 + 55 * 60,
      .full_reason = PROTO_FULL_CUTOFF},
     LANGS_AVAIL_CUTOFF,
     "{t}",
     "19:55"},
    {"closed for good",
     {.state = PROTO_TOPIC_CLOSED, .estimated_wait_s = -1, .next_open = -1},
     LANGS_AVAIL_CLOSED,
     NULL,
     NULL},
    {"opens",
     {.state = PROTO_TOPIC_CLOSED, .estimated_wait_s = -1, .next_open = MONDAY_9},
     LANGS_AVAIL_OPENS,
     "{t}",
     "07.12. 09:00"},
};

static void test_badge_words_are_the_files(void **state)
{
    const struct langs *l = *state;
    static const char *const codes[] = {"fi", "sv", "en"};
    char out[LANGS_WORD_MAX + 32];
    for (size_t c = 0; c < 3; c++) {
        const struct langs_words *w = langs_words(l, codes[c]);
        assert_string_equal(w->code, codes[c]);
        for (size_t i = 0; i < sizeof(avail_cases) / sizeof(avail_cases[0]); i++) {
            const struct avail_case *a = &avail_cases[i];
            char *word = file_word(codes[c], langs_word_keys[a->want]);
            char *want = a->ph ? replaced(word, a->ph, a->value) : strdup(word);
            assert_int_equal(langs_avail(w, &a->ts, out, sizeof(out)), a->want);
            if (strcmp(out, want) != 0)
                fail_msg("%s, %s: \"%s\", want \"%s\"", codes[c], a->name, out, want);
            free(word);
            free(want);
        }
    }
}

static void test_words_body_is_the_files(void **state)
{
    const struct langs *l = *state;
    static const char *const codes[] = {"fi", "sv", "en"};
    for (size_t c = 0; c < 3; c++) {
        const struct langs_words *w = langs_words(l, codes[c]);
        json_t *want = json_pack("{s:s,s:o}", "lang", codes[c], "words", json_object());
        for (int k = 0; k < LANGS_WORD_COUNT; k++) {
            char *word = file_word(codes[c], langs_word_keys[k]);
            json_object_set_new(json_object_get(want, "words"), langs_word_keys[k],
                                json_string(word));
            free(word);
        }
        char *text = json_dumps(want, JSON_COMPACT);
        assert_string_equal(w->body, text); /* the keys in the order of langs_word_keys */
        assert_int_equal(strlen(w->etag), 18);
        free(text);
        json_decref(want);
    }
}

static void test_no_lang_is_finnish_unknown_is_english(void **state)
{
    const struct langs *l = *state;
    assert_string_equal(langs_words(l, NULL)->code, "fi");
    assert_string_equal(langs_words(l, "de")->code, "en");
    assert_string_equal(langs_words(l, "")->code, "en");
    assert_ptr_equal(langs_words(l, "sv"), langs_words(l, "sv"));
}

static void test_accepts_fi_sv_en_first(void **state)
{
    const struct langs *l = *state;
    assert_int_equal(l->accept.n, 3);
    assert_string_equal(l->accept.code[0], "fi");
    assert_string_equal(l->accept.code[1], "sv");
    assert_string_equal(l->accept.code[2], "en");
}

static void test_base_shows_keys(void **state)
{
    (void)state;
    char out[64];
    struct proto_topic_status ts = {.state = PROTO_TOPIC_FULL, .next_open = -1};
    langs_avail(langs_words(&langs_base, "fi"), &ts, out, sizeof(out));
    assert_string_equal(out, "avail.full");
    assert_int_equal(langs_base.accept.n, 3);
}

/* ---- files of one's own: fallbacks and warnings ---- */

struct tmp_root {
    char dir[64];
    char *warnings;
    size_t wlen;
    struct langs l;
};

/* Writes name: content under a new web_root/i18n and loads it. */
static void load_files(struct tmp_root *t, const char *const files[][2], size_t n)
{
    char path[256];
    snprintf(t->dir, sizeof(t->dir), "/tmp/test_langs.XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(path, sizeof(path), "%s/i18n", t->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/i18n/%s", t->dir, files[i][0]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(files[i][1], f);
        fclose(f);
    }
    FILE *warn = open_memstream(&t->warnings, &t->wlen);
    assert_int_equal(langs_load(t->dir, warn, &t->l), 0);
    fclose(warn);
}

static void unload_files(struct tmp_root *t, const char *const files[][2], size_t n)
{
    char path[256];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/i18n/%s", t->dir, files[i][0]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/i18n", t->dir);
    rmdir(path);
    rmdir(t->dir);
    langs_fini(&t->l);
    free(t->warnings);
}

#define HEAD "{\"name\":\"x\",\"dir\":\"ltr\",\"strings\":{"
#define EN_WORDS                                                                                   \
    "\"avail.open\":\"Open\",\"avail.wait\":\"About {n} min\",\"avail.busy\":\"Busy\","            \
    "\"avail.busyWait\":\"Busy, {n} min\",\"avail.nobody\":\"Nobody\",\"avail.full\":\"Full\","    \
    "\"avail.closed\":\"Closed\",\"avail.opens\":\"Opens {t}\",\"avail.offline\":\"Offline\","     \
    "\"avail.quiet\":\"Quiet: {t}\",\"avail.cutoff\":\"Taken until {t}\""

static void test_missing_or_broken_word_is_english_with_a_warning(void **state)
{
    (void)state;
    static const char *const files[][2] = {
        {"en.json", HEAD EN_WORDS "}}"},
        /* wait lacks {n}, full is too long, opens is no string, closed missing */
        {"fi.json",
         HEAD "\"avail.open\":\"Auki\",\"avail.wait\":\"Jonossa\","
              "\"avail.full\":\"" /* 161 bytes */
              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
              "x\",\"avail.opens\":5}}"},
        /* no avail. word at all: a language without them, English quietly */
        {"ar.json", "{\"name\":\"x\",\"dir\":\"rtl\",\"strings\":{\"lang.label\":\"x\"}}"},
        /* a word of the largest size, and XML metacharacters kept as they are */
        {"sv.json",
         HEAD "\"avail.open\":\"<Öppen> & \\\"välkommen\\\"\",\"avail.closed\":\""
              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
              "\"}}"},
    };
    struct tmp_root t = {0};
    load_files(&t, files, 4);
    const struct langs_words *fi = langs_words(&t.l, "fi"), *ar = langs_words(&t.l, "ar"),
                             *sv = langs_words(&t.l, "sv");
    assert_string_equal(fi->text[LANGS_AVAIL_OPEN], "Auki");
    assert_string_equal(fi->text[LANGS_AVAIL_WAIT], "About {n} min");
    assert_string_equal(fi->text[LANGS_AVAIL_FULL], "Full");
    assert_string_equal(fi->text[LANGS_AVAIL_OPENS], "Opens {t}");
    assert_string_equal(fi->text[LANGS_AVAIL_CLOSED], "Closed");
    assert_string_equal(ar->code, "ar");
    assert_string_equal(ar->text[LANGS_AVAIL_NOBODY], "Nobody");
    assert_string_equal(sv->text[LANGS_AVAIL_OPEN], "<Öppen> & \"välkommen\"");
    assert_int_equal(strlen(sv->text[LANGS_AVAIL_CLOSED]), LANGS_WORD_MAX);
    /* ar (none at all) and en (all there) are not warned about; every
     * broken or missing word of fi and sv is, naming the file */
    assert_null(strstr(t.warnings, "ar.json"));
    assert_null(strstr(t.warnings, "en.json"));
    static const char *const said[] = {
        "fi.json: \"avail.wait\" lacks {n}", "fi.json: \"avail.full\" is empty or too long",
        "fi.json: \"avail.opens\" is not a string", "fi.json: \"avail.closed\" is missing",
        "sv.json: \"avail.wait\" is missing"};
    for (size_t i = 0; i < sizeof(said) / sizeof(said[0]); i++)
        if (!strstr(t.warnings, said[i]))
            fail_msg("no warning \"%s\" in:\n%s", said[i], t.warnings);
    assert_non_null(strstr(t.warnings, "; the English word is used\n"));
    /* the wire: fi, sv, en first, then the others in order of code */
    assert_int_equal(t.l.accept.n, 4);
    assert_string_equal(t.l.accept.code[3], "ar");
    unload_files(&t, files, 4);
}

static void test_no_english_file_shows_keys(void **state)
{
    (void)state;
    static const char *const files[][2] = {{"fi.json", HEAD "\"avail.open\":\"Auki\"}}"}};
    struct tmp_root t = {0};
    load_files(&t, files, 1);
    const struct langs_words *fi = langs_words(&t.l, "fi"), *de = langs_words(&t.l, "de");
    assert_string_equal(fi->text[LANGS_AVAIL_OPEN], "Auki");
    assert_string_equal(fi->text[LANGS_AVAIL_BUSY], "avail.busy");
    assert_string_equal(de->code, "en");
    assert_string_equal(de->text[LANGS_AVAIL_OPEN], "avail.open");
    assert_non_null(de->body);
    assert_non_null(strstr(t.warnings, "en.json: missing"));
    assert_non_null(
        strstr(t.warnings, "fi.json: \"avail.busy\" is missing; the key itself is used"));
    unload_files(&t, files, 1);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_badge_words_are_the_files, load_shipped, unload),
        cmocka_unit_test_setup_teardown(test_words_body_is_the_files, load_shipped, unload),
        cmocka_unit_test_setup_teardown(test_no_lang_is_finnish_unknown_is_english, load_shipped,
                                        unload),
        cmocka_unit_test_setup_teardown(test_accepts_fi_sv_en_first, load_shipped, unload),
        cmocka_unit_test(test_base_shows_keys),
        cmocka_unit_test(test_missing_or_broken_word_is_english_with_a_warning),
        cmocka_unit_test(test_no_english_file_shows_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
