/*
 * proto_json: the JSON writer the encoders share, internal to protocol/.
 *
 * A struct jw is a growing buffer of JSON text, zeroed to start; the first
 * allocation failure sets oom and every later write is a no-op, so a caller
 * checks once, at jw_take()/jw_end(). Strings handed in are valid UTF-8
 * (jansson checked the request, or they come from the config): only '"',
 * '\\' and control characters are escaped, as jansson does.
 */
#ifndef PROTO_JSON_H
#define PROTO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto.h"

struct jw {
    char *buf;
    size_t len, cap;
    bool oom;
};

/* n bytes of s, as they are. */
void jw_bytes(struct jw *w, const char *s, size_t n);
/* The text s, as it is. */
void jw_lit(struct jw *w, const char *s);
/* s as a quoted JSON string. */
void jw_str(struct jw *w, const char *s);
/* v in decimal. */
void jw_u64(struct jw *w, uint64_t v);
/* ,"key":"v" */
void jw_field_str(struct jw *w, const char *key, const char *v);
/* ,"key":"TIME" (proto_time). */
void jw_field_time(struct jw *w, const char *key, time_t t);
/* The text written (malloc'd, the caller's), or NULL when out of memory. */
char *jw_take(struct jw *w);
/* Adds ,"ref":ref when ref is not empty, closes the object: jw_take(). */
char *jw_end(struct jw *w, const char *ref);

#endif
