/*
 * hub_world: a hub with its config, store, verifier and transcript key in a
 * temporary directory, for the unit tests that drive the hub with frames
 * (test_hub, test_route): made by world_setup, removed by world_teardown,
 * and the frames a connection got read back with next_of / has.
 */
#ifndef HUB_WORLD_H
#define HUB_WORLD_H

#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "hub.h"
#include "hub_int.h"
#include "store.h"
#include "transcript.h"

#define WORLD_START 1795420800 /* 2026-11-23 10:00 +02:00 */

struct world {
    char dir[64];
    struct config *cfg;
    struct store *st;
    struct auth *auth;
    struct hub *hub;
    uint8_t pub[TRANSCRIPT_PUB_BYTES];
    double now;
};

static inline void world_no_wake(void *arg)
{
    (void)arg;
}

static inline void world_no_io(struct conn *c, void *arg)
{
    (void)c;
    (void)arg;
}

/* A world under /tmp/chatd-NAME-XXXXXX with the config text; 0 or -1. */
static inline int world_setup(void **state, const char *name, const char *config_text)
{
    struct world *w = calloc(1, sizeof(*w));
    char path[128];
    if (!w)
        return -1;
    snprintf(w->dir, sizeof(w->dir), "/tmp/chatd-%s-XXXXXX", name);
    w->now = WORLD_START;
    *state = w;
    if (sodium_init() < 0 || !mkdtemp(w->dir) || transcript_keygen(w->dir, "passphrase") != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/transcript.pub", w->dir);
    if (transcript_load_pub(path, w->pub) != 0 ||
        config_load_text("t.ini", config_text, 0, &w->cfg, stderr) != 0 ||
        store_open(w->dir, STORE_NO_WAIT, &w->st) != 0 ||
        !(w->auth = auth_new(1, world_no_wake, NULL)) ||
        !(w->hub = hub_new(w->cfg, w->st, w->pub, w->auth, w->now)))
        return -1;
    return 0;
}

static inline int world_teardown(void **state)
{
    struct world *w = *state;
    char cmd[128];
    if (w->hub)
        hub_free(w->hub, w->now);
    if (w->auth)
        auth_free(w->auth);
    if (w->st)
        store_close(w->st);
    config_free(w->cfg);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
    free(w);
    return system(cmd) == 0 ? 0 : -1;
}

/* Drains c until a frame of type arrives; returns it (caller decrefs) or NULL. */
static inline json_t *next_of(struct conn *c, const char *type)
{
    struct frame *f;
    while ((f = conn_next_frame(c))) {
        json_t *j = json_loads(f->data, 0, NULL);
        conn_frame_free(f);
        if (j && strcmp(json_string_value(json_object_get(j, "type")), type) == 0)
            return j;
        json_decref(j);
    }
    return NULL;
}

/* True when c has a frame of type among those queued (the ones before it dropped). */
static inline bool has(struct conn *c, const char *type)
{
    json_t *j = next_of(c, type);
    json_decref(j);
    return j != NULL;
}

#endif
