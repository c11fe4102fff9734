/*
 * staff: worker logins, duty, and the tokens file.
 */
#include "staff.h"

#include "loop.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void staff_frame(struct staff *s, const char *frame)
{
    if (wire_is(frame, "error")) {
        char code[64] = "";
        s->errors++;
        wire_str(frame, "code", code, sizeof(code));
        if (s->state == STAFF_LOGGING_IN) {
            fprintf(stderr, "loadgen: login of %s refused: %s\n", s->user, code);
            s->state = STAFF_DOWN;
            client_close(s->c);
            return;
        }
    } else if (wire_is(frame, "welcome")) {
        wire_str(frame, "token", s->token, sizeof(s->token));
        s->state = STAFF_READY;
        s->ready_at = loop_now();
    } else if (wire_is(frame, "duty")) {
        s->on_duty = true;
    } else if (wire_is(frame, "chat_started")) {
        wire_str(frame, "chat", s->chat, sizeof(s->chat));
    } else if (wire_is(frame, "chat_ended")) {
        s->chat[0] = '\0';
    }
    if (s->on_frame && s->state == STAFF_READY)
        s->on_frame(s, frame, s->arg);
}

static void staff_event(struct client *c, enum client_event ev, const char *data, size_t len,
                        void *arg)
{
    struct staff *s = arg;
    (void)c;
    (void)len;
    switch (ev) {
    case CLIENT_OPEN:
        s->login_at = loop_now();
        if (s->state == STAFF_CONNECTING)
            s->state = STAFF_LOGGING_IN;
        break;
    case CLIENT_FRAME:
        staff_frame(s, data);
        break;
    case CLIENT_CLOSED:
        if (s->state != STAFF_READY && s->state != STAFF_DOWN)
            fprintf(stderr, "loadgen: worker %s: connection lost before the welcome (%s)\n",
                    s->user, data);
        s->state = STAFF_DOWN;
        break;
    }
}

int staff_open(struct staff *s, const char *user, const char *password, const char *token,
               staff_fn on_frame, void *arg)
{
    return staff_open_from(s, NULL, user, password, token, on_frame, arg);
}

int staff_open_from(struct staff *s, const char *local, const char *user, const char *password,
                    const char *token, staff_fn on_frame, void *arg)
{
    char buf[WIRE_MAX];
    size_t n;
    memset(s, 0, sizeof(*s));
    snprintf(s->user, sizeof(s->user), "%s", user);
    s->on_frame = on_frame;
    s->arg = arg;
    s->state = STAFF_CONNECTING;
    n = password ? wire_login_password(buf, sizeof(buf), user, password)
                 : wire_login_token(buf, sizeof(buf), token);
    if (!n || !(s->c = client_new_from("worker.v1", local, staff_event, s))) {
        s->state = STAFF_DOWN;
        return -1;
    }
    client_send(s->c, buf, n); /* goes out right after the handshake */
    memset(buf, 0, sizeof(buf));
    return 0;
}

void staff_duty(struct staff *s, int topics, int capacity)
{
    char list[16 * 32 + 1] = "", id[16], buf[WIRE_MAX];
    size_t used = 0;
    for (int i = 0; i < topics && used + 20 < sizeof(list); i++) {
        opts_topic(i, id);
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i ? "," : "", id);
    }
    size_t n = wire_duty(buf, sizeof(buf), list, capacity);
    if (n)
        client_send(s->c, buf, n);
}

void staff_close(struct staff *s)
{
    if (s->c)
        client_close(s->c);
}

void staff_fini(struct staff *s)
{
    client_free(s->c);
    memset(s, 0, sizeof(*s));
}

int staff_tokens_read(const char *path, int n, char (*users)[64], char (*tokens)[128])
{
    FILE *f = fopen(path, "r");
    int i = 0;
    if (!f) {
        perror(path);
        return -1;
    }
    while (i < n && fscanf(f, "%63s %127s", users[i], tokens[i]) == 2)
        i++;
    fclose(f);
    if (i < n) {
        fprintf(stderr, "loadgen: %s: %d tokens needed, %d found\n", path, n, i);
        return -1;
    }
    return 0;
}

#define TOKENS_AT_ONCE 4 /* PROTOCOL.md: 4 password checks at once from one address */

struct tokens_run {
    struct staff *s;
    int n;
};

static bool tokens_done(void *arg)
{
    struct tokens_run *r = arg;
    for (int i = 0; i < r->n; i++)
        if (r->s[i].state != STAFF_READY && r->s[i].state != STAFF_DOWN)
            return false;
    return true;
}

int staff_run_tokens(const struct opts *o)
{
    struct tokens_run r = {calloc((size_t)o->count, sizeof(struct staff)), o->count};
    int rc = -1;
    if (!r.s)
        return -1;
    double t0 = loop_now();
    /* chatd checks at most TOKENS_AT_ONCE passwords from one address at a
     * time (more get rate_limited): log in that many, wait, go on */
    for (int first = 0; first < o->count; first += TOKENS_AT_ONCE) {
        struct tokens_run wave = {r.s + first, o->count - first};
        if (wave.n > TOKENS_AT_ONCE)
            wave.n = TOKENS_AT_ONCE;
        for (int i = first; i < first + wave.n; i++) {
            char user[64];
            snprintf(user, sizeof(user), "%s%d", o->worker_prefix, i);
            staff_open(&r.s[i], user, o->password, NULL, NULL, NULL);
        }
        if (loop_run(tokens_done, NULL, &wave, 0, o->timeout) != 0) {
            fprintf(stderr, "loadgen: tokens: logins still pending after %.0f s\n", o->timeout);
            goto out;
        }
    }
    FILE *f = fopen(o->tokens, "w");
    if (!f) {
        perror(o->tokens);
        goto out;
    }
    int ok = 0;
    for (int i = 0; i < o->count; i++) {
        if (r.s[i].state == STAFF_READY && r.s[i].token[0]) {
            fprintf(f, "%s %s\n", r.s[i].user, r.s[i].token);
            ok++;
        }
    }
    if (fclose(f) != 0 || ok != o->count) {
        fprintf(stderr, "loadgen: tokens: %d of %d workers logged in\n", ok, o->count);
        goto out;
    }
    fprintf(stderr, "loadgen: tokens: %d logins in %.1f s\n", ok, loop_now() - t0);
    rc = 0;
out:
    for (int i = 0; i < o->count; i++)
        staff_fini(&r.s[i]);
    free(r.s);
    return rc;
}
