/*
 * proto_letters: base64url checks and the letters' frames (proto_letters.h).
 */
#include "proto_letters.h"

#include <stdlib.h>
#include <string.h>

#include "proto_json.h"

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

long proto_b64url_bytes(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n % 4 == 1)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (b64_value(s[i]) < 0)
            return -1;
    /* the last character's unused low bits must be zero (one spelling per value) */
    int last = b64_value(s[n - 1]);
    if ((n % 4 == 2 && (last & 0x0f)) || (n % 4 == 3 && (last & 0x03)))
        return -1;
    return (long)(n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0));
}

char *proto_box_text(const struct proto_box *b)
{
    struct jw w = {0};
    jw_lit(&w, "{\"epk\":");
    jw_str(&w, b->epk);
    jw_field_str(&w, "iv", b->iv);
    jw_field_str(&w, "ct", b->ct);
    return jw_end(&w, NULL);
}

char *proto_wrap_text(const struct proto_wrap *wr)
{
    struct jw w = {0};
    jw_lit(&w, "{\"salt\":");
    jw_str(&w, wr->salt);
    jw_field_str(&w, "iv", wr->iv);
    jw_field_str(&w, "ct", wr->ct);
    return jw_end(&w, NULL);
}

static void items(struct jw *w, const struct proto_letter_item *it, size_t n)
{
    jw_lit(w, ",\"items\":[");
    for (size_t i = 0; i < n; i++) {
        jw_lit(w, i ? ",{\"from\":" : "{\"from\":");
        jw_str(w, it[i].from_worker ? "worker" : "visitor");
        jw_field_time(w, "at", it[i].at);
        jw_lit(w, ",\"box\":");
        jw_lit(w, it[i].box);
        jw_lit(w, "}");
    }
    jw_lit(w, "]");
}

char *proto_letter_sent(const char *thread, time_t due, const char *ref)
{
    struct jw w = {0};
    jw_lit(&w, "{\"type\":\"letter_sent\"");
    jw_field_str(&w, "thread", thread);
    jw_field_time(&w, "due", due);
    return jw_end(&w, ref);
}

char *proto_letters_visitor(const char *thread, time_t due, const char *reply_pub,
                            const char *reply_key, const struct proto_letter_item *it, size_t n,
                            const char *ref)
{
    struct jw w = {0};
    jw_lit(&w, "{\"type\":\"letters\"");
    jw_field_str(&w, "thread", thread);
    jw_field_time(&w, "due", due);
    jw_field_str(&w, "reply_pub", reply_pub);
    jw_lit(&w, ",\"reply_key\":");
    jw_lit(&w, reply_key);
    items(&w, it, n);
    return jw_end(&w, ref);
}

char *proto_letters_list(const struct proto_letter_thread *t, size_t n, bool more, const char *ref)
{
    struct jw w = {0};
    jw_lit(&w, "{\"type\":\"letters\",\"threads\":[");
    for (size_t i = 0; i < n; i++) {
        jw_lit(&w, i ? ",{\"thread\":" : "{\"thread\":");
        jw_str(&w, t[i].thread);
        jw_field_str(&w, "topic", t[i].topic);
        if (t[i].lang)
            jw_field_str(&w, "lang", t[i].lang);
        else
            jw_lit(&w, ",\"lang\":null");
        jw_field_time(&w, "received", t[i].received);
        jw_field_time(&w, "due", t[i].due);
        jw_field_str(&w, "state", t[i].state);
        if (t[i].taken_by)
            jw_field_str(&w, "taken_by", t[i].taken_by);
        else
            jw_lit(&w, ",\"taken_by\":null");
        jw_field_str(&w, "reply_pub", t[i].reply_pub);
        items(&w, t[i].items, t[i].nitems);
        jw_lit(&w, "}");
    }
    jw_lit(&w, "]");
    if (more)
        jw_lit(&w, ",\"more\":true");
    return jw_end(&w, ref);
}

char *proto_letters_key(const char *pub, const char *wrapped, const char *ref)
{
    struct jw w = {0};
    jw_lit(&w, "{\"type\":\"letters_key\"");
    jw_field_str(&w, "pub", pub);
    jw_lit(&w, ",\"wrapped\":");
    jw_lit(&w, wrapped);
    return jw_end(&w, ref);
}
