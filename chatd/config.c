/*
 * config: INI text -> struct config, with every problem as FILE:LINE.
 *
 * libinih does the INI syntax. Its handler is not told line numbers, so the
 * reader we hand it counts lines; the handler reads the count when it is
 * called for a key. The reader also sees section headers and malformed lines
 * first hand, and reports those itself. Checks that belong to no single key
 * (a missing topic, tls_cert without tls_key) are reported on the line of the
 * section they concern ([server] or the topic's header), or line 1.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat_err.h"

#define CONFIG_FILE_MAX (1 << 20)

/* Parser state while one file is read. */
struct parse {
    const char *name;
    const char *text, *pos; /* reader position in text */
    int line;               /* line number of the text last handed to inih */
    int server_line;        /* line of [server], 0 if absent */
    int topic_line[CONFIG_MAX_TOPICS];
    int key_line_transcript; /* line of transcript_key, 0 if absent */
    bool bad_section;        /* keys of the current section are not reported again */
    char section[64];
    struct config_topic *topic;
    bool has_hours[CONFIG_MAX_TOPICS];
    uint64_t seen; /* bit per server key, for duplicates */
    uint32_t topic_seen[CONFIG_MAX_TOPICS];
    struct config *cfg;
    FILE *errs;
    int nerrors;
};

__attribute__((format(printf, 3, 4))) static void report(struct parse *p, int line, const char *fmt,
                                                         ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(p->errs, "%s:%d: ", p->name, line > 0 ? line : 1);
    vfprintf(p->errs, fmt, ap);
    fputc('\n', p->errs);
    va_end(ap);
    p->nerrors++;
}

/* ---- value parsers --------------------------------------------------------- */

static bool parse_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    if (!*v || !(isdigit((unsigned char)*v) || *v == '-'))
        return false;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

static bool copy_str(char *dst, size_t size, const char *v)
{
    size_t n = strlen(v);
    if (n >= size)
        return false;
    memcpy(dst, v, n + 1);
    return true;
}

static bool valid_topic_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > CONFIG_TOPIC_ID_MAX)
        return false;
    for (; *id; id++)
        if (!(islower((unsigned char)*id) || isdigit((unsigned char)*id) || *id == '_' ||
              *id == '-'))
            return false;
    return true;
}

/* scheme://host[:port], nothing after. */
static bool valid_origin(const char *o)
{
    const char *sep = strstr(o, "://");
    if (!sep || sep == o || !sep[3])
        return false;
    for (const char *c = o; c < sep; c++)
        if (!islower((unsigned char)*c))
            return false;
    for (const char *c = sep + 3; *c; c++)
        if (*c == '/' || *c == '?' || *c == '#' || *c == ' ' || *c == ',')
            return false;
    return true;
}

/* Splits a comma list of origins into arr; false on a bad or extra entry. */
static bool parse_origins(struct parse *p, const char *key, const char *v,
                          char arr[][CONFIG_ORIGIN_MAX + 1], size_t *n)
{
    char buf[CONFIG_ORIGIN_MAX + 1];
    *n = 0;
    while (*v) {
        while (*v == ' ' || *v == '\t')
            v++;
        const char *end = strchr(v, ',');
        size_t len = end ? (size_t)(end - v) : strlen(v);
        while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
            len--;
        if (len == 0 || len > CONFIG_ORIGIN_MAX) {
            report(p, p->line, "bad %s: empty or over-long origin", key);
            return false;
        }
        memcpy(buf, v, len);
        buf[len] = '\0';
        if (!valid_origin(buf)) {
            report(p, p->line, "bad origin \"%s\" in %s: expected scheme://host[:port]", buf, key);
            return false;
        }
        if (*n == CONFIG_MAX_ORIGINS) {
            report(p, p->line, "too many origins in %s (at most %d)", key, CONFIG_MAX_ORIGINS);
            return false;
        }
        memcpy(arr[(*n)++], buf, len + 1);
        v = end ? end + 1 : v + len;
    }
    if (*n == 0) {
        report(p, p->line, "%s is empty", key);
        return false;
    }
    return true;
}

static bool valid_timezone(const char *tz)
{
    char path[256];
    if (!*tz || tz[0] == '/' || strstr(tz, "..") || strlen(tz) > 100)
        return false;
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
    return access(path, R_OK) == 0;
}

/* ---- [server] ---------------------------------------------------------------- */

enum server_key {
    K_HOST,
    K_PORT,
    K_DATA,
    K_WEB,
    K_TZ,
    K_KEY,
    K_RETENTION,
    K_GRACE,
    K_MAXMSG,
    K_MAXCONN,
    K_ALLOWED,
    K_PUBLIC,
    K_CERT,
    K_TLSKEY,
    K_COUNT
};

static const char *const server_keys[K_COUNT] = {
    "listen_host",       "listen_port",
    "data_dir",          "web_root",
    "timezone",          "transcript_key",
    "retention_days",    "resume_grace_s",
    "max_message_bytes", "max_conns_per_source",
    "allowed_origins",   "public_origins",
    "tls_cert",          "tls_key",
};

/* An integer key: its field and range. */
static bool server_int(struct parse *p, const char *key, const char *v, int lo, int hi, int *out)
{
    if (parse_int(v, lo, hi, out))
        return true;
    report(p, p->line, "bad %s \"%s\": expected %d..%d", key, v, lo, hi);
    return false;
}

static bool server_path(struct parse *p, const char *key, const char *v, char *dst, size_t size,
                        bool may_be_empty)
{
    if (!*v && !may_be_empty) {
        report(p, p->line, "%s is empty", key);
        return false;
    }
    if (!copy_str(dst, size, v)) {
        report(p, p->line, "%s is too long", key);
        return false;
    }
    return true;
}

static void server_value(struct parse *p, const char *key, const char *v)
{
    struct config *c = p->cfg;
    int k;
    for (k = 0; k < K_COUNT; k++)
        if (strcmp(key, server_keys[k]) == 0)
            break;
    if (k == K_COUNT) {
        report(p, p->line, "unknown key \"%s\" in [server]", key);
        return;
    }
    if (p->seen & (1ull << k)) {
        report(p, p->line, "duplicate key \"%s\" in [server]", key);
        return;
    }
    p->seen |= 1ull << k;
    switch ((enum server_key)k) {
    case K_HOST:
        server_path(p, key, v, c->listen_host, sizeof(c->listen_host), false);
        break;
    case K_PORT:
        server_int(p, key, v, 0, 65535, &c->listen_port);
        break;
    case K_DATA:
        server_path(p, key, v, c->data_dir, sizeof(c->data_dir), false);
        break;
    case K_WEB:
        server_path(p, key, v, c->web_root, sizeof(c->web_root), false);
        break;
    case K_TZ:
        if (!valid_timezone(v))
            report(p, p->line, "unknown timezone \"%s\" (see /usr/share/zoneinfo)", v);
        else
            copy_str(c->timezone, sizeof(c->timezone), v);
        break;
    case K_KEY:
        p->key_line_transcript = p->line;
        server_path(p, key, v, c->transcript_key, sizeof(c->transcript_key), false);
        break;
    case K_RETENTION:
        server_int(p, key, v, 1, 3650, &c->retention_days);
        break;
    case K_GRACE:
        server_int(p, key, v, 0, 86400, &c->resume_grace_s);
        break;
    case K_MAXMSG:
        server_int(p, key, v, 256, 1048576, &c->max_message_bytes);
        break;
    case K_MAXCONN:
        server_int(p, key, v, 0, 1000000, &c->max_conns_per_source);
        break;
    case K_ALLOWED:
        parse_origins(p, key, v, c->allowed_origins, &c->nallowed_origins);
        break;
    case K_PUBLIC:
        c->public_any = strcmp(v, "*") == 0;
        c->npublic_origins = 0;
        if (!c->public_any)
            parse_origins(p, key, v, c->public_origins, &c->npublic_origins);
        break;
    case K_CERT:
        server_path(p, key, v, c->tls_cert, sizeof(c->tls_cert), true);
        break;
    case K_TLSKEY:
        server_path(p, key, v, c->tls_key, sizeof(c->tls_key), true);
        break;
    case K_COUNT:
        break;
    }
}

/* ---- [topic ID] -------------------------------------------------------------- */

enum topic_key {
    T_FI,
    T_SV,
    T_EN,
    T_AUDIENCE,
    T_HOURS,
    T_CLOSED,
    T_EXTRA,
    T_QMAX,
    T_CUTOFF,
    T_MODE,
    T_COUNT
};

static const char *const topic_keys[T_COUNT] = {
    "title_fi", "title_sv", "title_en",  "audience",        "hours",
    "closed",   "extra",    "queue_max", "join_cutoff_min", "mode",
};

static void topic_value(struct parse *p, const char *key, const char *v)
{
    struct config_topic *t = p->topic;
    size_t ti = (size_t)(t - p->cfg->topics);
    char err[160];
    int k;
    for (k = 0; k < T_COUNT; k++)
        if (strcmp(key, topic_keys[k]) == 0)
            break;
    if (k == T_COUNT) {
        report(p, p->line, "unknown key \"%s\" in [topic %s]", key, t->id);
        return;
    }
    if (p->topic_seen[ti] & (1u << k)) {
        report(p, p->line, "duplicate key \"%s\" in [topic %s]", key, t->id);
        return;
    }
    p->topic_seen[ti] |= 1u << k;
    switch ((enum topic_key)k) {
    case T_FI:
    case T_SV:
    case T_EN:
        if (!*v || !copy_str(t->title[k - T_FI], sizeof(t->title[0]), v))
            report(p, p->line, "bad %s: 1..%d bytes", key, CONFIG_TITLE_MAX);
        break;
    case T_AUDIENCE:
        if (strcmp(v, "young") == 0)
            t->audience = AUDIENCE_YOUNG;
        else if (strcmp(v, "parent") == 0)
            t->audience = AUDIENCE_PARENT;
        else if (strcmp(v, "any") == 0)
            t->audience = AUDIENCE_ANY;
        else
            report(p, p->line, "bad audience \"%s\": expected young, parent or any", v);
        break;
    case T_HOURS:
        p->has_hours[ti] = true;
        if (schedule_parse_hours(&t->schedule, v, err, sizeof(err)) != 0)
            report(p, p->line, "bad hours: %s", err);
        break;
    case T_CLOSED:
        if (schedule_parse_closed(&t->schedule, v, err, sizeof(err)) != 0)
            report(p, p->line, "bad closed: %s", err);
        break;
    case T_EXTRA:
        if (schedule_parse_extra(&t->schedule, v, err, sizeof(err)) != 0)
            report(p, p->line, "bad extra: %s", err);
        break;
    case T_QMAX:
        if (!parse_int(v, 1, 100000, &t->queue_max))
            report(p, p->line, "bad queue_max \"%s\": expected 1..100000", v);
        break;
    case T_CUTOFF:
        if (!parse_int(v, 0, 1440, &t->join_cutoff_min))
            report(p, p->line, "bad join_cutoff_min \"%s\": expected 0..1440", v);
        break;
    case T_MODE:
        if (strcmp(v, "auto") == 0)
            t->mode = MODE_AUTO;
        else if (strcmp(v, "pick") == 0)
            t->mode = MODE_PICK;
        else
            report(p, p->line, "bad mode \"%s\": expected auto or pick", v);
        break;
    case T_COUNT:
        break;
    }
}

/* ---- sections and the reader ------------------------------------------------ */

/* A new section header on the current line. */
static void section_begin(struct parse *p, const char *name)
{
    struct config *c = p->cfg;
    snprintf(p->section, sizeof(p->section), "%s", name);
    p->bad_section = false;
    p->topic = NULL;
    if (strcmp(name, "server") == 0) {
        if (p->server_line)
            report(p, p->line, "duplicate section [server]");
        p->server_line = p->line;
        return;
    }
    if (strcmp(name, "canned") == 0)
        return;
    if (strncmp(name, "topic ", 6) == 0) {
        const char *id = name + 6;
        if (!valid_topic_id(id)) {
            report(p, p->line, "bad topic id \"%s\": use 1..32 of a-z 0-9 _ -", id);
        } else if (config_topic(c, id)) {
            report(p, p->line, "duplicate topic \"%s\"", id);
        } else if (c->ntopics == CONFIG_MAX_TOPICS) {
            report(p, p->line, "too many topics (at most %d)", CONFIG_MAX_TOPICS);
        } else {
            struct config_topic *t = &c->topics[c->ntopics];
            p->topic_line[c->ntopics++] = p->line;
            memset(t, 0, sizeof(*t));
            snprintf(t->id, sizeof(t->id), "%s", id);
            for (int i = 0; i < LANG_COUNT; i++)
                snprintf(t->title[i], sizeof(t->title[i]), "%s", id);
            t->audience = AUDIENCE_ANY;
            t->queue_max = 20;
            t->mode = MODE_AUTO;
            schedule_init(&t->schedule);
            p->topic = t;
            return;
        }
        p->bad_section = true;
        return;
    }
    report(p, p->line, "unknown section [%s]: expected [server], [topic ID] or [canned]", name);
    p->bad_section = true;
}

static int on_value(void *user, const char *section, const char *key, const char *value)
{
    struct parse *p = user;
    (void)section; /* the reader tracks sections, with their lines */
    if (p->bad_section)
        return 1;
    if (!p->section[0]) {
        report(p, p->line, "key \"%s\" outside a section", key);
        return 1;
    }
    if (p->topic) {
        topic_value(p, key, value);
    } else if (strcmp(p->section, "server") == 0) {
        server_value(p, key, value);
    } else if (strcmp(key, "reply") != 0) {
        report(p, p->line, "unknown key \"%s\" in [canned]: expected reply", key);
    } else if (p->cfg->ncanned == CONFIG_MAX_CANNED) {
        report(p, p->line, "too many canned replies (at most %d)", CONFIG_MAX_CANNED);
    } else if (!*value ||
               !copy_str(p->cfg->canned[p->cfg->ncanned], CONFIG_CANNED_MAX + 1, value)) {
        report(p, p->line, "bad reply: 1..%d bytes", CONFIG_CANNED_MAX);
    } else {
        p->cfg->ncanned++;
    }
    return 1;
}

/* Looks at a raw line before inih does: sections, syntax, length. Returns
 * false when the line is to be hidden from inih (already reported). */
static bool inspect_line(struct parse *p, const char *line, size_t len)
{
    const char *s = line, *e = line + len;
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    if (s == e || *s == ';' || *s == '#')
        return true;
    if (*s == '[') {
        const char *close = memchr(s, ']', (size_t)(e - s));
        char name[64];
        size_t n = close ? (size_t)(close - s - 1) : 0;
        if (!close || n == 0 || n >= sizeof(name)) {
            report(p, p->line, "bad section header");
            p->bad_section = true;
            p->section[0] = 'x';
            return false;
        }
        memcpy(name, s + 1, n);
        name[n] = '\0';
        section_begin(p, name);
        return false; /* inih needs no sections: the reader tracks them */
    }
    if (!memchr(s, '=', (size_t)(e - s))) {
        report(p, p->line, "expected key = value");
        return false;
    }
    if (s > line) {
        report(p, p->line, "indented line: continuation lines are not allowed");
        return false;
    }
    return true;
}

static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    if (!*p->pos)
        return NULL;
    const char *nl = strchr(p->pos, '\n');
    size_t len = nl ? (size_t)(nl - p->pos) : strlen(p->pos);
    p->line++;
    if (len + 2 > (size_t)num) {
        report(p, p->line, "line too long (at most %d characters)", num - 2);
        str[0] = '\n';
        str[1] = '\0';
    } else if (!inspect_line(p, p->pos, len)) {
        str[0] = '\n';
        str[1] = '\0';
    } else {
        memcpy(str, p->pos, len);
        str[len] = '\n';
        str[len + 1] = '\0';
    }
    p->pos += len + (nl ? 1 : 0);
    return str;
}

/* ---- whole-file checks ----------------------------------------------------- */

static bool readable(const char *path)
{
    return access(path, R_OK) == 0;
}

static void check_all(struct parse *p, int flags)
{
    struct config *c = p->cfg;
    if (c->ntopics == 0)
        report(p, p->server_line, "no [topic ID] section: at least one topic is needed");
    for (size_t i = 0; i < c->ntopics; i++)
        if (!p->has_hours[i])
            report(p, p->topic_line[i],
                   "topic %s has no hours (use always, never or DAYS HH:MM-HH:MM)",
                   c->topics[i].id);
    if (!c->tls_cert[0] != !c->tls_key[0])
        report(p, p->server_line, "tls_cert and tls_key must be set together");
    else if (c->tls_cert[0] && (!readable(c->tls_cert) || !readable(c->tls_key)))
        report(p, p->server_line, "cannot read tls_cert \"%s\" or tls_key \"%s\"", c->tls_cert,
               c->tls_key);
    if ((flags & CONFIG_REQUIRE_KEY) && !readable(c->transcript_key))
        report(p, p->key_line_transcript ? p->key_line_transcript : p->server_line,
               "transcript_key file \"%s\" not found (make one with: chatadmin keygen --out DIR)",
               c->transcript_key);
}

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
    c->nallowed_origins = 1;
    snprintf(c->allowed_origins[0], sizeof(c->allowed_origins[0]), "http://localhost:8080");
    c->public_any = true;
}

int config_load_text(const char *name, const char *text, int flags, struct config **out, FILE *errs)
{
    struct parse *p = calloc(1, sizeof(*p));
    struct config *c = calloc(1, sizeof(*c));
    *out = NULL;
    if (!p || !c) {
        free(p);
        free(c);
        return CHAT_ERR_NOMEM;
    }
    set_defaults(c);
    snprintf(c->path, sizeof(c->path), "%s", name);
    p->name = name;
    p->text = p->pos = text;
    p->cfg = c;
    p->errs = errs;
    ini_parse_stream(reader, p, on_value, p);
    check_all(p, flags);
    int nerrors = p->nerrors;
    free(p);
    if (nerrors) {
        free(c);
        return CHAT_ERR_BAD_REQUEST;
    }
    *out = c;
    return 0;
}

int config_load(const char *path, int flags, struct config **out, FILE *errs)
{
    FILE *f = fopen(path, "r");
    *out = NULL;
    if (!f) {
        fprintf(errs, "%s:0: cannot read: %s\n", path, strerror(errno));
        return CHAT_ERR_IO;
    }
    char *text = malloc(CONFIG_FILE_MAX + 1);
    size_t n = text ? fread(text, 1, CONFIG_FILE_MAX + 1, f) : 0;
    fclose(f);
    if (!text)
        return CHAT_ERR_NOMEM;
    if (n > CONFIG_FILE_MAX) {
        fprintf(errs, "%s:1: file too large (at most %d bytes)\n", path, CONFIG_FILE_MAX);
        free(text);
        return CHAT_ERR_BAD_REQUEST;
    }
    text[n] = '\0';
    if (strlen(text) != n) {
        fprintf(errs, "%s:1: file holds a NUL byte\n", path);
        free(text);
        return CHAT_ERR_BAD_REQUEST;
    }
    int rc = config_load_text(path, text, flags, out, errs);
    free(text);
    return rc;
}

void config_free(struct config *cfg)
{
    free(cfg);
}

int config_topic_index(const struct config *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->ntopics; i++)
        if (strcmp(cfg->topics[i].id, id) == 0)
            return (int)i;
    return -1;
}

const struct config_topic *config_topic(const struct config *cfg, const char *id)
{
    int i = config_topic_index(cfg, id);
    return i < 0 ? NULL : &cfg->topics[i];
}

bool config_worker_origin_ok(const struct config *cfg, const char *origin)
{
    for (size_t i = 0; i < cfg->nallowed_origins; i++)
        if (strcmp(cfg->allowed_origins[i], origin) == 0)
            return true;
    return false;
}

bool config_public_origin_ok(const struct config *cfg, const char *origin)
{
    if (cfg->public_any)
        return true;
    for (size_t i = 0; i < cfg->npublic_origins; i++)
        if (strcmp(cfg->public_origins[i], origin) == 0)
            return true;
    return false;
}
