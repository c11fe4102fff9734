/*
 * wire: field scanning and request building; see wire.h for why scanning
 * is enough.
 */
#include "wire.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char wire_text[] = "Hi, I would like to talk to someone about my week at school.";

/* The value after "key": (first occurrence not inside a string), or NULL. */
static const char *wire_find(const char *frame, const char *key)
{
    size_t klen = strlen(key);
    bool in_string = false;
    for (const char *p = frame; *p; p++) {
        if (in_string) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                in_string = false;
            continue;
        }
        if (*p != '"')
            continue;
        if (strncmp(p + 1, key, klen) == 0 && p[1 + klen] == '"' && p[2 + klen] == ':')
            return p + 3 + klen;
        in_string = true;
    }
    return NULL;
}

bool wire_str(const char *frame, const char *key, char *out, size_t size)
{
    const char *v = wire_find(frame, key);
    if (!v || *v != '"')
        return false;
    v++;
    const char *end = strchr(v, '"');
    if (!end || (size_t)(end - v) >= size || memchr(v, '\\', (size_t)(end - v)))
        return false;
    memcpy(out, v, (size_t)(end - v));
    out[end - v] = '\0';
    return true;
}

bool wire_int(const char *frame, const char *key, long long *out)
{
    const char *v = wire_find(frame, key);
    char *end;
    if (!v)
        return false;
    long long n = strtoll(v, &end, 10);
    if (end == v)
        return false;
    *out = n;
    return true;
}

bool wire_is(const char *frame, const char *type)
{
    const char *v = wire_find(frame, "type");
    size_t n = strlen(type);
    return v && *v == '"' && strncmp(v + 1, type, n) == 0 && v[1 + n] == '"';
}

bool wire_topic_int(const char *frame, const char *topic, const char *key, long long *out)
{
    char pat[80];
    snprintf(pat, sizeof(pat), "\"id\":\"%s\"", topic);
    const char *t = strstr(frame, pat);
    if (!t)
        return false;
    const char *v = wire_find(t + strlen(pat), key); /* the next one is this topic's */
    if (!v)
        return false;
    char *e;
    long long n = strtoll(v, &e, 10);
    if (e == v)
        return false;
    *out = n;
    return true;
}

static size_t wire_fit(int n, size_t size)
{
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

size_t wire_hello(char *buf, size_t size)
{
    return wire_fit(snprintf(buf, size, "{\"type\":\"hello\",\"lang\":\"en\"}"), size);
}

size_t wire_join(char *buf, size_t size, const char *topic)
{
    return wire_fit(snprintf(buf, size, "{\"type\":\"join\",\"topic\":\"%s\"}", topic), size);
}

size_t wire_login_password(char *buf, size_t size, const char *user, const char *password)
{
    return wire_fit(snprintf(buf, size, "{\"type\":\"login\",\"user\":\"%s\",\"password\":\"%s\"}",
                             user, password),
                    size);
}

size_t wire_login_token(char *buf, size_t size, const char *token)
{
    return wire_fit(snprintf(buf, size, "{\"type\":\"login\",\"token\":\"%s\"}", token), size);
}

size_t wire_duty(char *buf, size_t size, const char *topics, int capacity)
{
    return wire_fit(snprintf(buf, size,
                             "{\"type\":\"duty\",\"on\":true,\"topics\":[%s],\"capacity\":%d}",
                             topics, capacity),
                    size);
}

size_t wire_end(char *buf, size_t size, const char *chat)
{
    return wire_fit(snprintf(buf, size, "{\"type\":\"end\",\"chat\":\"%s\"}", chat), size);
}

size_t wire_msg(char *buf, size_t size, const char *chat, int64_t sent_us)
{
    int n;
    if (chat)
        n = snprintf(buf, size,
                     "{\"type\":\"msg\",\"chat\":\"%s\",\"text\":\"%s\",\"ref\":\"%" PRId64 "\"}",
                     chat, wire_text, sent_us);
    else
        n = snprintf(buf, size, "{\"type\":\"msg\",\"text\":\"%s\",\"ref\":\"%" PRId64 "\"}",
                     wire_text, sent_us);
    return wire_fit(n, size);
}
