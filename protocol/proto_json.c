/*
 * proto_json: the small JSON writer under the encoders. proto_dump() turns
 * a jansson object into compact text (reals with 15 significant digits);
 * the jw_* functions write JSON straight into a growing buffer for the
 * frames of the hot path (proto_json.h); proto_time() writes the wire's
 * times. The one static here is proto_time()'s per-thread memo of the
 * last second it formatted: a cache of a pure function, not state.
 */
#include "proto_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void proto_time(time_t t, char out[32])
{
    /* every message of a second has the same time: format it once */
    static _Thread_local time_t last_t = -1;
    static _Thread_local char last[32];
    if (t == last_t) {
        memcpy(out, last, 32);
        return;
    }
    struct tm tm;
    char off[8];
    localtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(off, sizeof(off), "%z", &tm); /* +0200 -> +02:00 */
    size_t n = strlen(out);
    snprintf(out + n, 32 - n, "%.3s:%.2s", off, off + 3);
    memcpy(last, out, 32);
    last_t = t;
}

json_t *proto_time_json(time_t t)
{
    char buf[32];
    if (t < 0)
        return json_null();
    proto_time(t, buf);
    return json_string(buf);
}

/* Reals with 15 significant digits: 0.9 is "0.9", not the 17 digits of
 * jansson's default ("0.90000000000000002"). */
char *proto_dump(json_t *obj, const char *ref)
{
    if (!obj)
        return NULL;
    if (ref && *ref)
        json_object_set_new(obj, "ref", json_string(ref));
    char *out = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(obj);
    return out;
}

void jw_bytes(struct jw *w, const char *s, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 128;
        while (cap < w->len + n + 1)
            cap *= 2;
        char *nb = realloc(w->buf, cap);
        if (!nb) {
            w->oom = true;
            return;
        }
        w->buf = nb;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

void jw_lit(struct jw *w, const char *s)
{
    jw_bytes(w, s, strlen(s));
}

/* s as a quoted JSON string. */
void jw_str(struct jw *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF"; /* as jansson writes it */
    jw_bytes(w, "\"", 1);
    const char *run = s; /* start of bytes that need no escape */
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jw_bytes(w, run, (size_t)(s - run));
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        switch (c) {
        case '"':
        case '\\':
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        default:
            esc[1] = 'u';
            esc[2] = esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        jw_bytes(w, esc, n);
        run = s + 1;
    }
    jw_bytes(w, run, (size_t)(s - run));
    jw_bytes(w, "\"", 1);
}

void jw_u64(struct jw *w, uint64_t v)
{
    char num[24];
    jw_bytes(w, num, (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)v));
}

/* ,"key":"string" */
void jw_field_str(struct jw *w, const char *key, const char *v)
{
    jw_lit(w, ",\"");
    jw_lit(w, key);
    jw_lit(w, "\":");
    jw_str(w, v);
}

void jw_field_time(struct jw *w, const char *key, time_t t)
{
    char ts[32];
    proto_time(t, ts);
    jw_field_str(w, key, ts);
}

/* The text written, or NULL when out of memory. */
char *jw_take(struct jw *w)
{
    if (w->oom) {
        free(w->buf);
        return NULL;
    }
    return w->buf;
}

/* The finished text (after closing its object), or NULL when out of memory. */
char *jw_end(struct jw *w, const char *ref)
{
    if (ref && *ref)
        jw_field_str(w, "ref", ref);
    jw_bytes(w, "}", 1);
    return jw_take(w);
}
