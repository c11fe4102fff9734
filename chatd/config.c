/*
 * config: INI text -> struct config, with every problem as FILE:LINE.
 *
 * libinih splits `key = value` lines and strips inline `;` comments; this
 * file does everything else. inih's handler is not told line numbers, so the
 * reader we give ini_parse_stream() hands it one source line at a time and
 * counts them: when the handler runs, p->line is the line of its key.
 *
 * The reader also looks at each line first: it reports what inih would
 * mishandle (no `=`, bad section headers; invalid UTF-8 or control characters,
 * which would break JSON on the wire), tracks section headers itself to know
 * their lines, and hands inih only trimmed `key = value` lines, so Debian's
 * multi-line continuation never applies. Debian builds inih with a 200-byte
 * line buffer: a longer line reaches inih as `key =`, its value cut out here
 * by inih's rules (long_value()).
 *
 * Where problems are reported is documented in config.h. Parsing goes on
 * after a problem, so all of them are reported.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chat_err.h"
#include "config_int.h"

/* Server keys in the order of contract §2; the ranges are those of config.h
 * (max_conns_per_source has no natural bound there; 1000000 keeps typos out). */
static const struct key_spec server_keys[] = {
    {"listen_host", V_TEXT, IN_CONFIG(listen_host)},
    {"listen_port", V_INT, IN_CONFIG(listen_port), .lo = 0, .hi = 65535},
    {"data_dir", V_TEXT, IN_CONFIG(data_dir)},
    {"web_root", V_TEXT, IN_CONFIG(web_root)},
    {"timezone", V_TIMEZONE, IN_CONFIG(timezone)},
    {"transcript_key", V_TEXT, IN_CONFIG(transcript_key)},
    {"retention_days", V_INT, IN_CONFIG(retention_days), .lo = 1, .hi = 3650},
    {"resume_grace_s", V_INT, IN_CONFIG(resume_grace_s), .lo = 0, .hi = 86400},
    {"max_message_bytes", V_INT, IN_CONFIG(max_message_bytes), .lo = 256, .hi = 1048576},
    {"max_conns_per_source", V_INT, IN_CONFIG(max_conns_per_source), .lo = 0, .hi = 1000000},
    {"auth_threads", V_INT, IN_CONFIG(auth_threads), .lo = 1, .hi = CONFIG_AUTH_THREADS_MAX},
    /* additions to the contract: connection timers (tests shorten them) */
    {"handshake_timeout_s", V_INT, IN_CONFIG(handshake_timeout_s), .lo = 1, .hi = 300},
    {"ping_interval_s", V_INT, IN_CONFIG(ping_interval_s), .lo = 1, .hi = 3600},
    {"idle_timeout_s", V_INT, IN_CONFIG(idle_timeout_s), .lo = 2, .hi = 7200},
    /* additions: the msg rate limit of one connection (a token bucket) */
    {"msg_rate_per_s", V_INT, IN_CONFIG(msg_rate_per_s), .lo = 1, .hi = 1000000},
    {"msg_burst", V_INT, IN_CONFIG(msg_burst), .lo = 1, .hi = 1000000},
    {.name = "allowed_origins", .kind = V_ALLOWED},
    {.name = "public_origins", .kind = V_PUBLIC},
    {"tls_cert", V_OPTIONAL, IN_CONFIG(tls_cert)},
    {"tls_key", V_OPTIONAL, IN_CONFIG(tls_key)},
    /* addition: the reverse proxy whose X-Forwarded-For names the source */
    {.name = "trusted_proxy", .kind = V_PROXY},
    /* addition: a bearer token for GET /metrics */
    {"metrics_token", V_OPTIONAL, IN_CONFIG(metrics_token)},
    /* contract v3 §3: the letters key files and how long threads are kept */
    {"letters_pub", V_OPTIONAL, IN_CONFIG(letters_pub_file)},
    {"letters_key", V_OPTIONAL, IN_CONFIG(letters_key_file)},
    {"letter_retention_days", V_INT, IN_CONFIG(letter_retention_days), .lo = 1, .hi = 3650},
};

static const struct key_spec topic_keys[] = {
    {"title_fi", V_TEXT, IN_TOPIC(title[LANG_FI])},
    {"title_sv", V_TEXT, IN_TOPIC(title[LANG_SV])},
    {"title_en", V_TEXT, IN_TOPIC(title[LANG_EN])},
    {.name = "audience", .kind = V_AUDIENCE},
    {.name = "hours", .kind = V_SCHEDULE, .parse = schedule_parse_hours},
    {.name = "closed", .kind = V_SCHEDULE, .parse = schedule_parse_closed},
    {.name = "extra", .kind = V_SCHEDULE, .parse = schedule_parse_extra},
    {"queue_max", V_INT, IN_TOPIC(queue_max), .lo = 1, .hi = 100000},
    {"join_cutoff_min", V_INT, IN_TOPIC(join_cutoff_min), .lo = 0, .hi = 1440},
    {.name = "mode", .kind = V_MODE},
    /* additions of contract v2 */
    {"urgent_after_s", V_INT, IN_TOPIC(urgent_after_s), .lo = 0, .hi = 86400},
    {"lang_fallback_s", V_INT, IN_TOPIC(lang_fallback_s), .lo = 0, .hi = 86400},
    {"first_reply_s", V_INT, IN_TOPIC(first_reply_s), .lo = 0, .hi = 86400},
    {"wrapup_s", V_INT, IN_TOPIC(wrapup_s), .lo = 0, .hi = 3600},
    /* contract v3 §3 */
    {"letters", V_ONOFF, IN_TOPIC(letters)},
    {"letter_days", V_INT, IN_TOPIC(letter_days), .lo = 1, .hi = 60},
    /* contract v3 §4: checked against the [org] sections at the end */
    {"org", V_TEXT, IN_TOPIC(org_id)},
};

#define NKEYS(a) ((int)(sizeof(a) / sizeof((a)[0])))
enum { NSERVER = NKEYS(server_keys), NTOPIC = NKEYS(topic_keys) };
_Static_assert(NSERVER <= KEYS_MAX && NTOPIC <= KEYS_MAX, "struct seen holds every key");

/* reply = TEXT of [canned] or, when p->canned_lang, of [canned LANG]. */
static void canned_value(struct parse *p, const char *key, const char *v)
{
    struct config *c = p->cfg;
    struct config_canned *l = p->canned_lang;
    size_t *n = l ? &l->n : &c->ncanned;
    char(*text)[CONFIG_CANNED_MAX + 1] = l ? l->text : c->canned;
    if (strcmp(key, "reply") != 0)
        config_report(p, p->line, "unknown key \"%s\" in [%s]", key, p->where);
    else if (*n == CONFIG_MAX_CANNED)
        config_report(p, p->line, "too many canned replies (at most %d)", CONFIG_MAX_CANNED);
    else if (config_copy_text(p, key, v, text[*n], sizeof(text[0]), false))
        (*n)++;
}

/* A language code as the pages name them: a-z{2,3}, then optionally "-"
 * and 2..8 of A-Z a-z 0-9 (sv, en, pt-BR). */
static bool valid_lang(const char *s)
{
    size_t base = strspn(s, "abcdefghijklmnopqrstuvwxyz");
    if (base < 2 || base > 3)
        return false;
    if (!s[base])
        return true;
    const char *rest = s + base + 1;
    size_t sub = strspn(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    return s[base] == '-' && sub >= 2 && sub <= 8 && !rest[sub] && strlen(s) <= CONFIG_LANG_MAX;
}

/* [canned LANG]: the canned replies of chats in LANG, once per LANG. */
static void canned_lang_begin(struct parse *p, const char *lang)
{
    struct config *c = p->cfg;
    if (!valid_lang(lang)) {
        config_report(p, p->line,
                      "bad language \"%s\" in [canned LANG]: expected a code such as sv or pt-BR",
                      lang);
        return;
    }
    for (size_t i = 0; i < c->ncanned_langs; i++) {
        if (strcmp(c->canned_langs[i].lang, lang) == 0) {
            config_report(p, p->line, "duplicate section [canned %s] (first on line %d)", lang,
                          p->canned_lang_line[i]);
            return;
        }
    }
    if (c->ncanned_langs == CONFIG_MAX_CANNED_LANGS) {
        config_report(p, p->line, "too many [canned LANG] sections (at most %d)",
                      CONFIG_MAX_CANNED_LANGS);
        return;
    }
    p->canned_lang_line[c->ncanned_langs] = p->line;
    p->canned_lang = &c->canned_langs[c->ncanned_langs++];
    snprintf(p->canned_lang->lang, sizeof(p->canned_lang->lang), "%s", lang);
    p->kind = SEC_CANNED;
}

/* [help] text_fi / text_sv / text_en: at most CONFIG_HELP_MAX characters. */
static void help_value(struct parse *p, const char *key, const char *v)
{
    static const char *const keys[LANG_COUNT] = {"text_fi", "text_sv", "text_en"};
    int l = 0;
    while (l < LANG_COUNT && strcmp(key, keys[l]) != 0)
        l++;
    if (l == LANG_COUNT) {
        config_report(p, p->line,
                      "unknown key \"%s\" in [help]: expected text_fi, text_sv or text_en", key);
        return;
    }
    if (p->help.key_line[l]) {
        config_report(p, p->line, "duplicate key \"%s\" (first on line %d)", key,
                      p->help.key_line[l]);
        return;
    }
    p->help.key_line[l] = p->line;
    size_t chars = 0;
    for (const char *c = v; *c; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80; /* code points, not bytes */
    if (chars > CONFIG_HELP_MAX)
        config_report(p, p->line, "bad %s: longer than %d characters", key, CONFIG_HELP_MAX);
    else
        config_copy_text(p, key, v, p->cfg->help[l], sizeof(p->cfg->help[l]), false);
}

static int on_value(void *user, const char *section, const char *key, const char *value)
{
    struct parse *p = user;
    (void)section; /* always "": the reader keeps section headers from inih */
    if (p->use_long)
        value = p->long_value;
    switch (p->kind) {
    case SEC_NONE:
        config_report(p, p->line, "key \"%s\" before any section", key);
        break;
    case SEC_SKIP: /* its header was reported; its keys mean nothing */
        break;
    case SEC_SERVER:
        config_section_value(p, server_keys, NSERVER, (char *)p->cfg, key, value);
        break;
    case SEC_TOPIC:
        config_section_value(p, topic_keys, NTOPIC, (char *)p->topic, key, value);
        break;
    case SEC_CANNED:
        canned_value(p, key, value);
        break;
    case SEC_QUESTION:
        config_question_value(p, key, value);
        break;
    case SEC_CATEGORIES:
        config_category_value(p, key, value);
        break;
    case SEC_HELP:
        help_value(p, key, value);
        break;
    case SEC_ORG:
        config_org_value(p, key, value);
        break;
    }
    return 1;
}

/* ---- sections ---------------------------------------------------------------- */

static bool valid_topic_id(const char *id)
{
    size_t n = strlen(id);
    return n >= 1 && n <= CONFIG_TOPIC_ID_MAX &&
           strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static void topic_begin(struct parse *p, const char *id)
{
    struct config *c = p->cfg;
    int dup = config_topic_index(c, id);
    if (!valid_topic_id(id)) {
        config_report(p, p->line, "bad topic id \"%s\": expected 1..%d of a-z 0-9 _ -", id,
                      CONFIG_TOPIC_ID_MAX);
    } else if (dup >= 0) {
        config_report(p, p->line, "duplicate topic \"%s\" (first on line %d)", id,
                      p->topics[dup].line);
    } else if (c->ntopics == CONFIG_MAX_TOPICS) {
        config_report(p, p->line, "too many topics (at most %d)", CONFIG_MAX_TOPICS);
    } else {
        struct config_topic *t = &c->topics[c->ntopics]; /* zeroed */
        p->seen = &p->topics[c->ntopics++];
        p->seen->line = p->line;
        snprintf(t->id, sizeof(t->id), "%s", id);
        for (int i = 0; i < LANG_COUNT; i++)
            snprintf(t->title[i], sizeof(t->title[i]), "%s", id);
        t->audience = AUDIENCE_ANY;
        t->queue_max = 20;
        t->mode = MODE_AUTO;
        t->urgent_after_s = 900;
        t->lang_fallback_s = 120;
        t->first_reply_s = 180;
        t->wrapup_s = 120;
        t->letter_days = 5;
        schedule_init(&t->schedule);
        p->topic = t;
        p->kind = SEC_TOPIC;
    }
}

static void section_begin(struct parse *p, const char *name)
{
    bool server = strcmp(name, "server") == 0, canned = strcmp(name, "canned") == 0;
    bool help = strcmp(name, "help") == 0;
    struct seen *once = server                            ? &p->server
                        : canned                          ? &p->canned
                        : help                            ? &p->help
                        : strcmp(name, "categories") == 0 ? &p->categories
                                                          : NULL;
    snprintf(p->where, sizeof(p->where), "%s", name);
    p->canned_lang = NULL;
    if (once && once->line) {
        config_report(p, p->line, "duplicate section [%s] (first on line %d)", name, once->line);
    } else if (once) { /* [server], [canned], [help] and [categories] may appear once */
        once->line = p->line;
        p->seen = once;
        p->kind = server ? SEC_SERVER : canned ? SEC_CANNED : help ? SEC_HELP : SEC_CATEGORIES;
    } else if (strcmp(name, "topic") == 0 || strncmp(name, "topic ", 6) == 0) {
        topic_begin(p, name[5] ? name + 6 : "");
    } else if (strcmp(name, "question") == 0 || strncmp(name, "question ", 9) == 0) {
        config_question_begin(p, name[8] ? name + 9 : "");
    } else if (strncmp(name, "canned ", 7) == 0) {
        canned_lang_begin(p, name + 7);
    } else if (strcmp(name, "org") == 0 || strncmp(name, "org ", 4) == 0) {
        config_org_begin(p, name[3] ? name + 4 : "");
    } else {
        config_report(p, p->line,
                      "unknown section [%s]: expected [server], [topic ID], [org ID], "
                      "[question ID], [categories], [canned], [canned LANG] or [help]",
                      name);
    }
}

/* `[name]`, optionally followed by a comment. */
static void section_line(struct parse *p, const char *s, size_t len)
{
    char name[SECTION_NAME_MAX + 1];
    const char *close = memchr(s, ']', len), *after = close ? close + 1 : s + len;
    size_t n = close ? (size_t)(close - s - 1) : 0;
    p->kind = SEC_SKIP;
    p->topic = NULL;
    p->org = NULL;
    while (after < s + len && (*after == ' ' || *after == '\t'))
        after++;
    if (n == 0 || n > SECTION_NAME_MAX || (after < s + len && *after != ';' && *after != '#')) {
        config_report(p, p->line, "bad section header: expected [NAME] and at most a comment");
        return;
    }
    memcpy(name, s + 1, n);
    name[n] = '\0';
    section_begin(p, name);
}

/* ---- the reader ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (at most n bytes) that is not a
 * control character (tab is allowed), or 0. */
static size_t char_length(const unsigned char *s, size_t n)
{
    unsigned c = s[0], lo = 0x80, hi = 0xbf;
    size_t len;
    if (c < 0x80)
        return (c >= 0x20 && c != 0x7f) || c == '\t';
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        lo = c == 0xe0 ? 0xa0 : lo; /* no overlong forms */
        hi = c == 0xed ? 0x9f : hi; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        lo = c == 0xf0 ? 0x90 : lo;
        hi = c == 0xf4 ? 0x8f : hi; /* nothing past U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

static bool check_chars(struct parse *p, const char *s, size_t len)
{
    for (size_t i = 0, n; i < len; i += n)
        if ((n = char_length((const unsigned char *)s + i, len - i)) == 0)
            return config_report(p, p->line, "invalid UTF-8 or control character at column %zu",
                                 i + 1);
    return true;
}

/* Length of `key` in `key = ...` (a word of letters, digits, _ . -), or 0. */
static size_t key_length(const char *s, size_t len)
{
    size_t k = 0, eq;
    while (k < len &&
           strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", s[k]))
        k++;
    eq = k;
    while (eq < len && (s[eq] == ' ' || s[eq] == '\t'))
        eq++;
    return k > 0 && k <= KEY_MAX && eq < len && s[eq] == '=' ? k : 0;
}

/* The value of a line too long for inih, cut out as inih would: after the
 * `=`, up to a `;` that follows whitespace, trimmed. */
static void long_value(struct parse *p, const char *v, size_t len)
{
    size_t n = 0;
    while (n < len && !(v[n] == ';' && n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')))
        n++;
    while (n > 0 && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    memcpy(p->long_value, v, n);
    p->long_value[n] = '\0';
    p->use_long = true;
}

/* Decides what inih sees of one line (s, len, no newline) in buf: the
 * trimmed `key = value`, or an empty line when there is nothing for inih
 * (blank, comment, section header, or a problem already reported). */
static void feed_line(struct parse *p, const char *s, size_t len, char *buf, size_t size)
{
    strcpy(buf, "\n");
    p->use_long = false;
    while (len > 0 && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    size_t k = key_length(s, len);
    if (len > CONFIG_LINE_MAX) {
        config_report(p, p->line, "line longer than %d bytes", CONFIG_LINE_MAX);
    } else if (!check_chars(p, s, len) || len == 0 || *s == ';' || *s == '#') {
        /* reported, or nothing for inih */
    } else if (*s == '[') {
        section_line(p, s, len);
    } else if (k == 0) {
        config_report(p, p->line, "expected key = value");
    } else if (len + 2 <= size) {
        memcpy(buf, s, len);
        strcpy(buf + len, "\n");
    } else { /* k + 3 <= KEY_MAX + 3 fits any inih buffer */
        memcpy(buf, s, k);
        strcpy(buf + k, "=\n");
        const char *eq = memchr(s, '=', len);
        long_value(p, eq + 1, len - (size_t)(eq + 1 - s));
    }
}

/* ini_reader over the text: one line per call, counted. */
static char *reader(char *buf, int size, void *stream)
{
    struct parse *p = stream;
    if (!*p->pos)
        return NULL;
    size_t len = strcspn(p->pos, "\n");
    const char *s = p->pos;
    p->pos += len + (s[len] == '\n');
    p->line++;
    feed_line(p, s, len, buf, (size_t)size);
    return buf;
}

/* ---- checks after the whole text ------------------------------------------------ */

/* NULL when path is a readable regular file, else why not; *missing when it
 * does not exist. */
static const char *file_problem(const char *path, bool *missing)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    *missing = fd < 0 && (errno == ENOENT || errno == ENOTDIR);
    if (fd < 0)
        return strerror(errno);
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    return regular ? NULL : "not a regular file";
}

static int key_index(const struct key_spec *keys, int nkeys, const char *name)
{
    for (int k = 0; k < nkeys; k++)
        if (strcmp(keys[k].name, name) == 0)
            return k;
    return -1;
}

/* Sets *line to that of [server] key name, or of [server] when it is absent;
 * false when its value was refused already (nothing more to check). */
static bool server_key_line(const struct parse *p, const char *name, int *line)
{
    int k = key_index(server_keys, NSERVER, name);
    *line = p->server.key_line[k] ? p->server.key_line[k] : p->server.line;
    return !(p->server.bad & (1u << k));
}

static void check_topics(struct parse *p)
{
    const struct config *c = p->cfg;
    int hours = key_index(topic_keys, NTOPIC, "hours");
    if (c->ntopics == 0)
        config_report(p, p->server.line, "no [topic ID] section: at least one topic is required");
    for (size_t i = 0; i < c->ntopics; i++)
        if (!p->topics[i].key_line[hours])
            config_report(p, p->topics[i].line,
                          "topic %s has no hours (set hours = always, never or DAYS HH:MM-HH:MM)",
                          c->topics[i].id);
}

static void check_tls(struct parse *p)
{
    const struct config *c = p->cfg;
    const char *why;
    int cert_line, key_line;
    bool missing;
    if (!server_key_line(p, "tls_cert", &cert_line) || !server_key_line(p, "tls_key", &key_line))
        return;
    if (!c->tls_cert[0] != !c->tls_key[0]) {
        config_report(p, p->server.line, "%s is set but %s is not: set both or neither",
                      c->tls_cert[0] ? "tls_cert" : "tls_key",
                      c->tls_cert[0] ? "tls_key" : "tls_cert");
        return;
    }
    if (c->tls_cert[0] && (why = file_problem(c->tls_cert, &missing)))
        config_report(p, cert_line, "cannot read tls_cert \"%s\": %s", c->tls_cert, why);
    if (c->tls_key[0] && (why = file_problem(c->tls_key, &missing)))
        config_report(p, key_line, "cannot read tls_key \"%s\": %s", c->tls_key, why);
}

/* The keepalive must ping before it gives up on a connection. */
static void check_timers(struct parse *p)
{
    const struct config *c = p->cfg;
    int ping_line, idle_line;
    if (!server_key_line(p, "ping_interval_s", &ping_line) ||
        !server_key_line(p, "idle_timeout_s", &idle_line))
        return;
    if (c->idle_timeout_s <= c->ping_interval_s)
        config_report(p, idle_line > ping_line ? idle_line : ping_line,
                      "idle_timeout_s (%d) must be longer than ping_interval_s (%d)",
                      c->idle_timeout_s, c->ping_interval_s);
}

static void check_metrics_token(struct parse *p)
{
    int line;
    size_t n = strlen(p->cfg->metrics_token);
    if (server_key_line(p, "metrics_token", &line) && n > 0 && n < 16)
        config_report(p, line, "bad metrics_token: at least 16 characters (or empty for none)");
}

/* The transcript key file of [server] (line 0) or of an org (at line). */
static void check_transcript_key(struct parse *p, const char *path, int line)
{
    const char *why;
    bool missing;
    if ((!line && !server_key_line(p, "transcript_key", &line)) ||
        !(why = file_problem(path, &missing)))
        return;
    if (missing)
        config_report(
            p, line,
            "transcript key file \"%s\" not found (make one with: chatadmin keygen --out DIR, "
            "then set transcript_key = DIR/transcript.pub)",
            path);
    else
        config_report(p, line, "cannot read transcript_key file \"%s\": %s", path, why);
}

/* ---- loading ---------------------------------------------------------------- */

static void set_defaults(struct config *c)
{
    snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
    c->listen_port = 8080;
    snprintf(c->data_dir, sizeof(c->data_dir), "./var");
    snprintf(c->web_root, sizeof(c->web_root), "./chatd/web");
    snprintf(c->timezone, sizeof(c->timezone), "Europe/Helsinki");
    snprintf(c->transcript_key, sizeof(c->transcript_key), "./var/transcript.pub");
    c->retention_days = 30;
    c->resume_grace_s = 120;
    c->max_message_bytes = 16384;
    c->max_conns_per_source = 256;
    c->auth_threads = 2;
    c->handshake_timeout_s = 20;
    c->ping_interval_s = 30;
    c->idle_timeout_s = 75;
    c->msg_rate_per_s = 5;
    c->msg_burst = 30;
    c->nallowed_origins = 1;
    snprintf(c->allowed_origins[0], sizeof(c->allowed_origins[0]), "http://localhost:8080");
    c->public_any = true;
    c->letter_retention_days = 30;
}

int config_load_text(const char *name, const char *text, int flags, struct config **out, FILE *errs)
{
    *out = NULL;
    struct parse *p = calloc(1, sizeof(*p));
    struct config *c = calloc(1, sizeof(*c));
    if (!p || !c) {
        free(p);
        free(c);
        return CHAT_ERR_NOMEM;
    }
    set_defaults(c);
    snprintf(c->path, sizeof(c->path), "%s", name);
    p->name = name;
    p->pos = strncmp(text, "\xef\xbb\xbf", 3) == 0 ? text + 3 : text; /* UTF-8 BOM */
    p->cfg = c;
    p->errs = errs;
    int rc = ini_parse_stream(reader, p, on_value, p);
    if (rc != 0 && p->nerrors == 0) /* the reader screens lines, so inih should not object */
        config_report(p, rc, "cannot parse this line");
    check_topics(p);
    p->topic_org_key = key_index(topic_keys, NTOPIC, "org");
    config_check_orgs(p);
    config_check_choices(p);
    check_tls(p);
    check_timers(p);
    check_metrics_token(p);
    int pub_line, key_line;
    bool pub_ok = server_key_line(p, "letters_pub", &pub_line);
    bool key_ok = server_key_line(p, "letters_key", &key_line);
    if (pub_ok && key_ok)
        config_check_letters(p, pub_line, key_line, flags & CONFIG_REQUIRE_KEY);
    if (flags & CONFIG_REQUIRE_KEY) {
        check_transcript_key(p, c->transcript_key, 0);
        for (size_t i = 0; i < c->norgs; i++)
            if (strcmp(c->orgs[i].transcript_key, c->transcript_key) != 0)
                check_transcript_key(p, c->orgs[i].transcript_key,
                                     config_org_line(p, (int)i, "transcript_key"));
    }
    int nerrors = p->nerrors;
    free(p);
    if (nerrors) {
        free(c);
        return CHAT_ERR_BAD_REQUEST;
    }
    *out = c;
    return 0;
}

/* Reads all of path into a new string *text; reports whole-file problems. */
static int read_text(const char *path, char **text, FILE *errs)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(errs, "%s:1: cannot open: %s\n", path, strerror(errno));
        return CHAT_ERR_IO;
    }
    char *buf = malloc(CONFIG_FILE_MAX + 2);
    size_t n = buf ? fread(buf, 1, CONFIG_FILE_MAX + 1, f) : 0;
    int err = ferror(f) ? errno : 0, line = 1;
    fclose(f);
    if (!buf)
        return CHAT_ERR_NOMEM;
    buf[n] = '\0';
    const char *nul = memchr(buf, '\0', n); /* the text would silently end there */
    for (const char *s = buf; nul && s < nul; s++)
        line += *s == '\n';
    if (err)
        fprintf(errs, "%s:1: cannot read: %s\n", path, strerror(err));
    else if (n > CONFIG_FILE_MAX)
        fprintf(errs, "%s:1: file larger than %d bytes\n", path, CONFIG_FILE_MAX);
    else if (nul)
        fprintf(errs, "%s:%d: NUL byte in the file\n", path, line);
    if (err || n > CONFIG_FILE_MAX || nul) {
        free(buf);
        return err ? CHAT_ERR_IO : CHAT_ERR_BAD_REQUEST;
    }
    *text = buf;
    return 0;
}

int config_load(const char *path, int flags, struct config **out, FILE *errs)
{
    char *text = NULL;
    *out = NULL;
    int rc = read_text(path, &text, errs);
    if (rc == 0)
        rc = config_load_text(path, text, flags, out, errs);
    free(text);
    return rc;
}

void config_free(struct config *cfg)
{
    free(cfg);
}

int config_topic_index(const struct config *cfg, const char *id)
{
    for (size_t i = 0; id && i < cfg->ntopics; i++)
        if (strcmp(cfg->topics[i].id, id) == 0)
            return (int)i;
    return -1;
}

const char (*config_canned_for(const struct config *cfg, const char *lang,
                               size_t *n))[CONFIG_CANNED_MAX + 1]
{
    for (size_t i = 0; lang && i < cfg->ncanned_langs; i++) {
        if (strcmp(cfg->canned_langs[i].lang, lang) == 0) {
            *n = cfg->canned_langs[i].n;
            return cfg->canned_langs[i].text;
        }
    }
    *n = cfg->ncanned;
    return cfg->canned;
}

const struct config_topic *config_topic(const struct config *cfg, const char *id)
{
    int i = config_topic_index(cfg, id);
    return i < 0 ? NULL : &cfg->topics[i];
}

bool config_worker_origin_ok(const struct config *cfg, const char *origin)
{
    for (size_t i = 0; origin && i < cfg->nallowed_origins; i++)
        if (strcmp(cfg->allowed_origins[i], origin) == 0)
            return true;
    return false;
}

bool config_public_origin_ok(const struct config *cfg, const char *origin)
{
    if (cfg->public_any)
        return true;
    for (size_t i = 0; origin && i < cfg->npublic_origins; i++)
        if (strcmp(cfg->public_origins[i], origin) == 0)
            return true;
    return false;
}
