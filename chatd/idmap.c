/*
 * idmap: open-addressing hash map; see idmap.h.
 *
 * Invariant: used + tombstones < cap / 2 (the table grows before that).
 */
#include "idmap.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"

#define TOMB ((char *)1)

struct slot {
    char *key; /* NULL empty, TOMB deleted */
    void *value;
};

struct idmap {
    struct slot *slots;
    size_t cap, used, tombs;
    uint8_t hkey[crypto_shorthash_KEYBYTES];
};

static uint64_t hash(const struct idmap *m, const char *key)
{
    uint8_t out[crypto_shorthash_BYTES];
    uint64_t h;
    crypto_shorthash(out, (const uint8_t *)key, strlen(key), m->hkey);
    memcpy(&h, out, sizeof(h));
    return h;
}

struct idmap *idmap_new(void)
{
    struct idmap *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->cap = 64;
    m->slots = calloc(m->cap, sizeof(*m->slots));
    if (!m->slots) {
        free(m);
        return NULL;
    }
    crypto_shorthash_keygen(m->hkey);
    return m;
}

void idmap_free(struct idmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key && m->slots[i].key != TOMB)
            free(m->slots[i].key);
    free(m->slots);
    free(m);
}

static struct slot *find(const struct idmap *m, const char *key)
{
    size_t i = hash(m, key) & (m->cap - 1);
    for (;; i = (i + 1) & (m->cap - 1)) {
        struct slot *s = &m->slots[i];
        if (!s->key)
            return NULL;
        if (s->key != TOMB && strcmp(s->key, key) == 0)
            return s;
    }
}

static void insert_fresh(struct idmap *m, char *key, void *value)
{
    size_t i = hash(m, key) & (m->cap - 1);
    while (m->slots[i].key && m->slots[i].key != TOMB)
        i = (i + 1) & (m->cap - 1);
    if (m->slots[i].key == TOMB)
        m->tombs--;
    m->slots[i].key = key;
    m->slots[i].value = value;
    m->used++;
}

static int grow(struct idmap *m)
{
    struct slot *old = m->slots;
    size_t oldcap = m->cap;
    size_t cap = (m->used + 1) * 4 > m->cap ? m->cap * 2 : m->cap;
    struct slot *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return CHAT_ERR_NOMEM;
    m->slots = slots;
    m->cap = cap;
    m->used = m->tombs = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key && old[i].key != TOMB)
            insert_fresh(m, old[i].key, old[i].value);
    free(old);
    return 0;
}

int idmap_put(struct idmap *m, const char *key, void *value)
{
    struct slot *s = find(m, key);
    if (s) {
        s->value = value;
        return 0;
    }
    if ((m->used + m->tombs + 1) * 2 >= m->cap && grow(m) != 0)
        return CHAT_ERR_NOMEM;
    char *k = strdup(key);
    if (!k)
        return CHAT_ERR_NOMEM;
    insert_fresh(m, k, value);
    return 0;
}

void *idmap_get(const struct idmap *m, const char *key)
{
    struct slot *s = find(m, key);
    return s ? s->value : NULL;
}

void idmap_del(struct idmap *m, const char *key)
{
    struct slot *s = find(m, key);
    if (!s)
        return;
    free(s->key);
    s->key = TOMB;
    s->value = NULL;
    m->used--;
    m->tombs++;
}

size_t idmap_count(const struct idmap *m)
{
    return m->used;
}

void idmap_each(const struct idmap *m, void (*fn)(void *value, void *arg), void *arg)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key && m->slots[i].key != TOMB)
            fn(m->slots[i].value, arg);
}
