/*
 * config_value: one value of one key of the config, checked and stored
 * (numbers, texts, origins, the time zone, the proxy address, words, hours).
 */
#include "config_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Prints `NAME:LINE: message` (line 0: line 1); false, for `return config_report(...)`. */
bool config_report(struct parse *p, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(p->errs, "%s:%d: ", p->name, line > 0 ? line : 1);
    vfprintf(p->errs, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized): va_start is above */
    fputc('\n', p->errs);
    va_end(ap);
    p->nerrors++;
    return false;
}

static const char *const audience_words[] = {"young", "parent", "any", NULL};
static const char *const mode_words[] = {"auto", "pick", NULL};

/* ---- values ---------------------------------------------------------------- */

static bool parse_int(const char *v, int lo, int hi, int *out)
{
    if (!*v || strspn(v, "0123456789") != strlen(v))
        return false;
    errno = 0;
    long n = strtol(v, NULL, 10);
    if (errno || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

bool config_copy_text(struct parse *p, const char *key, const char *v, char *dst, size_t size,
                      bool may_be_empty)
{
    size_t n = strlen(v);
    if (n == 0 && !may_be_empty)
        return config_report(p, p->line, "bad %s: empty", key);
    if (n >= size)
        return config_report(p, p->line, "bad %s: longer than %zu bytes", key, size - 1);
    memcpy(dst, v, n + 1);
    return true;
}

/* Index of v in a NULL-terminated word list, or -1. */
static int word_index(const char *const *words, const char *v)
{
    for (int i = 0; words[i]; i++)
        if (strcmp(words[i], v) == 0)
            return i;
    return -1;
}

/* An Origin as browsers send it: http(s)://host[:port], lowercase, no path. */
static bool valid_origin(const char *o)
{
    const char *h;
    int port;
    if (strncmp(o, "http://", 7) == 0)
        h = o + 7;
    else if (strncmp(o, "https://", 8) == 0)
        h = o + 8;
    else
        return false;
    const char *end = h + strspn(h, "abcdefghijklmnopqrstuvwxyz0123456789.-");
    if (*h == '[') { /* IPv6 literal */
        end = h + 1 + strspn(h + 1, "0123456789abcdef:.");
        if (*end++ != ']')
            return false;
    }
    if (end == h || (end == h + 2 && *h == '['))
        return false;
    return *end == '\0' || (*end == ':' && parse_int(end + 1, 1, 65535, &port));
}

/* Splits a comma list into arr; an empty value is an empty list. */
static bool parse_origins(struct parse *p, const char *key, const char *v,
                          char arr[][CONFIG_ORIGIN_MAX + 1], size_t *n)
{
    *n = 0;
    if (!*v)
        return true; /* no origins */
    for (;;) {
        size_t end = strcspn(v, ","), len = end;
        const char *s = v;
        while (len > 0 && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (len == 0)
            return config_report(p, p->line, "bad %s: empty item in the list", key);
        if (len > CONFIG_ORIGIN_MAX)
            return config_report(p, p->line, "bad %s: an origin longer than %d bytes", key,
                                 CONFIG_ORIGIN_MAX);
        if (*n == CONFIG_MAX_ORIGINS)
            return config_report(p, p->line, "bad %s: more than %d origins", key,
                                 CONFIG_MAX_ORIGINS);
        memcpy(arr[*n], s, len);
        arr[*n][len] = '\0';
        if (len == 1 && *s == '*')
            return config_report(p, p->line, "bad %s: \"*\" must stand alone", key);
        if (!valid_origin(arr[*n]))
            return config_report(
                p, p->line, "bad %s \"%s\": expected http(s)://host[:port], lowercase, no path",
                key, arr[*n]);
        ++*n;
        if (!v[end])
            return true;
        v += end + 1;
    }
}

/* A zone name: a TZif file under ZONEINFO, reached without `..` or a `/` prefix. */
static bool check_timezone(struct parse *p, const char *key, const char *v, char *dst, size_t size)
{
    char path[sizeof(ZONEINFO) + 128], magic[4];
    if (!config_copy_text(p, key, v, dst, size, false))
        return false;
    if (v[0] == '/' || strstr(v, ".."))
        return config_report(p, p->line,
                             "bad %s \"%s\": expected a zone name such as Europe/Helsinki", key, v);
    snprintf(path, sizeof(path), ZONEINFO "%s", v);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    bool ok = fd >= 0 && read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
    if (fd >= 0)
        close(fd);
    if (!ok)
        return config_report(p, p->line, "bad %s \"%s\": no such zone in " ZONEINFO, key, v);
    return true;
}

/* trusted_proxy: no proxy when empty; else the address in binary, IPv4 as 4 bytes. */
static bool parse_proxy(struct parse *p, const char *key, const char *v)
{
    struct config *c = p->cfg;
    c->trusted_proxy_len = 0;
    if (!*v)
        return true;
    if (inet_pton(AF_INET, v, c->trusted_proxy) == 1)
        c->trusted_proxy_len = 4;
    else if (inet_pton(AF_INET6, v, c->trusted_proxy) == 1)
        c->trusted_proxy_len = 16;
    else
        return config_report(p, p->line, "bad %s \"%s\": expected an IPv4 or IPv6 address", key, v);
    return true;
}

/* Stores v under spec; base is the struct config or the topic. */
bool config_apply(struct parse *p, const struct key_spec *k, char *base, const char *v)
{
    struct config *c = p->cfg;
    char err[256];
    int i;
    switch (k->kind) {
    case V_TEXT:
    case V_OPTIONAL:
        return config_copy_text(p, k->name, v, base + k->offset, k->size, k->kind == V_OPTIONAL);
    case V_INT:
        if (!parse_int(v, k->lo, k->hi, (int *)(void *)(base + k->offset)))
            return config_report(p, p->line, "bad %s \"%s\": expected %d..%d", k->name, v, k->lo,
                                 k->hi);
        return true;
    case V_TIMEZONE:
        return check_timezone(p, k->name, v, base + k->offset, k->size);
    case V_ALLOWED:
        return parse_origins(p, k->name, v, c->allowed_origins, &c->nallowed_origins);
    case V_PUBLIC:
        c->public_any = strcmp(v, "*") == 0;
        c->npublic_origins = 0;
        return c->public_any ||
               parse_origins(p, k->name, v, c->public_origins, &c->npublic_origins);
    case V_PROXY:
        return parse_proxy(p, k->name, v);
    case V_AUDIENCE:
        if ((i = word_index(audience_words, v)) < 0)
            return config_report(p, p->line, "bad audience \"%s\": expected young, parent or any",
                                 v);
        p->topic->audience = (enum config_audience)i;
        return true;
    case V_MODE:
        if ((i = word_index(mode_words, v)) < 0)
            return config_report(p, p->line, "bad mode \"%s\": expected auto or pick", v);
        p->topic->mode = (enum config_mode)i;
        return true;
    case V_ONOFF:
        if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
            return config_report(p, p->line, "bad %s \"%s\": expected on or off", k->name, v);
        *(bool *)(void *)(base + k->offset) = strcmp(v, "on") == 0;
        return true;
    case V_SCHEDULE:
        if (k->parse(&p->topic->schedule, v, err, sizeof(err)) != 0)
            return config_report(p, p->line, "bad %s: %s", k->name, err);
        return true;
    }
    return false;
}

/* A key of a section with a key table: known, not repeated, then applied. */
void config_section_value(struct parse *p, const struct key_spec *keys, int nkeys, char *base,
                          const char *key, const char *v)
{
    int *lines = p->seen->key_line;
    for (int k = 0; k < nkeys; k++) {
        if (strcmp(keys[k].name, key) != 0)
            continue;
        if (lines[k]) {
            config_report(p, p->line, "duplicate key \"%s\" in [%s] (first on line %d)", key,
                          p->where, lines[k]);
        } else {
            lines[k] = p->line;
            if (!config_apply(p, &keys[k], base, v))
                p->seen->bad |= 1u << k;
        }
        return;
    }
    config_report(p, p->line, "unknown key \"%s\" in [%s]", key, p->where);
}
