/*
 * idmap: a string-keyed hash map of borrowed pointers (sessions, chat ids).
 *
 * Open addressing with linear probing and tombstones; keys are copied.
 * Lookups are O(1) on average, which matters with 10,000 queued visitors.
 * Keys are random tokens, but the hash is keyed (SipHash via libsodium's
 * crypto_shorthash) anyway so no client can force collisions.
 */
#ifndef IDMAP_H
#define IDMAP_H

#include <stddef.h>

struct idmap;

struct idmap *idmap_new(void);
void idmap_free(struct idmap *m);

/* Sets key -> value (replacing); CHAT_ERR_NOMEM on failure. */
int idmap_put(struct idmap *m, const char *key, void *value);

/* The value of key, or NULL. */
void *idmap_get(const struct idmap *m, const char *key);

/* Removes key if present. */
void idmap_del(struct idmap *m, const char *key);

size_t idmap_count(const struct idmap *m);

/* Calls fn for each value (the map must not change meanwhile). */
void idmap_each(const struct idmap *m, void (*fn)(void *value, void *arg), void *arg);

#endif
