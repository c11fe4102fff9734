/*
 * wire: chatd's frames as the load generator sees them.
 *
 * Reading: chatd writes compact JSON (jansson, no spaces) and every field the
 * generator reads is either unique in its frame or comes first at the top
 * level ("chat" precedes "history" in chat_started). So a field is found by
 * scanning for "key": outside of string escapes, which costs a fraction of
 * a real parse; at tens of thousands of frames a second that keeps the
 * generator from being what is measured. Frames must be NUL-terminated.
 *
 * Writing: the requests the scenarios send, into a caller's buffer; each
 * returns the length, or 0 when it does not fit.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAX 512 /* big enough for every request built here */

/* True when the frame's "type" is type. */
bool wire_is(const char *frame, const char *type);

/* The first string field key, copied into out (size bytes); false if absent
 * or too long. */
bool wire_str(const char *frame, const char *key, char *out, size_t size);

/* The first integer field key; false if absent or not an integer. */
bool wire_int(const char *frame, const char *key, long long *out);

/* In a status frame: the integer field key of the topic with id topic. */
bool wire_topic_int(const char *frame, const char *topic, const char *key, long long *out);

/* The text every benchmark message carries (a plausible chat line). */
extern const char wire_text[];

size_t wire_hello(char *buf, size_t size);
size_t wire_join(char *buf, size_t size, const char *topic);
size_t wire_login_password(char *buf, size_t size, const char *user, const char *password);
size_t wire_login_token(char *buf, size_t size, const char *token);
/* duty on for topics (a JSON array's inside, e.g. "\"t0\",\"t1\"") at capacity. */
size_t wire_duty(char *buf, size_t size, const char *topics, int capacity);
size_t wire_end(char *buf, size_t size, const char *chat);
/* msg with ref = sent_us (so the ack tells its own latency); chat NULL for a visitor. */
size_t wire_msg(char *buf, size_t size, const char *chat, int64_t sent_us);

#endif
