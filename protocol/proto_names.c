/*
 * proto_names: the closed sets of names the wire carries both ways (roles,
 * topic and visitor states, who ended a chat, wrap-up kinds), one table
 * each, and the table of accepted languages the caller builds once. Every
 * table here is constant; nothing in protocol/ changes after start-up.
 */
#include "proto.h"

#include <stdio.h>
#include <string.h>

const struct proto_langs proto_langs_base = PROTO_LANGS_BASE;

size_t proto_langs_init(struct proto_langs *l, const char *const *codes, size_t n)
{
    size_t left_out = 0;
    *l = proto_langs_base;
    for (size_t i = 0; i < n; i++) {
        if (proto_langs_index(l, codes[i]) >= 0)
            continue;
        if (l->n == PROTO_MAX_LANGS || strlen(codes[i]) > PROTO_LANG_MAX) {
            left_out++;
            continue;
        }
        snprintf(l->code[l->n++], sizeof(l->code[0]), "%s", codes[i]);
    }
    return left_out;
}

int proto_langs_index(const struct proto_langs *l, const char *code)
{
    for (size_t i = 0; code && i < l->n; i++)
        if (strcmp(l->code[i], code) == 0)
            return (int)i;
    return -1;
}

const char *proto_langs_code(const struct proto_langs *l, int i)
{
    return i >= 0 && (size_t)i < l->n ? l->code[i] : "en";
}

static const char *const staff_role_names[] = {"worker", "coordinator", "admin"};
static const char *const topic_state_names[] = {"open", "full", "closed"};
static const char *const visitor_state_names[] = {"idle", "queued", "chatting"};
static const char *const end_by_names[] = {"visitor", "worker", "timeout", "server", "transfer"};
static const char *const kind_names[] = {"counselling", "information", "silent",
                                         "test",        "prank",       "abusive"};

#define NAME_OF(table, i)                                                                          \
    ((size_t)(i) < sizeof(table) / sizeof((table)[0]) ? (table)[(size_t)(i)] : (table)[0])

const char *proto_staff_role_name(enum proto_staff_role r)
{
    return NAME_OF(staff_role_names, r);
}

int proto_staff_role_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof(staff_role_names) / sizeof(staff_role_names[0]); i++)
        if (strcmp(s, staff_role_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *proto_topic_state_name(enum proto_topic_state s)
{
    return NAME_OF(topic_state_names, s);
}

const char *proto_visitor_state_name(enum proto_visitor_state s)
{
    return NAME_OF(visitor_state_names, s);
}

const char *proto_full_reason_name(enum proto_full_reason r)
{
    return r == PROTO_FULL_QUEUE ? "queue" : r == PROTO_FULL_CUTOFF ? "cutoff" : NULL;
}

const char *proto_end_by_name(enum proto_end_by b)
{
    return NAME_OF(end_by_names, b);
}

const char *proto_kind_name(enum proto_kind k)
{
    return NAME_OF(kind_names, k);
}

int proto_kind_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
        if (strcmp(s, kind_names[i]) == 0)
            return (int)i;
    return -1;
}
