/*
 * login: logins, throttles and logout; see login.h.
 *
 * Invariant: c->pending is a struct job while c has a password check in
 * the verifier (job->verifying), a login waiting for its token's commit,
 * or a logout waiting for its revocation's commit; job->conn is NULL once
 * its conn has closed (the job is then only waiting to be freed).
 */
#include "login.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "route.h"
#include "staff.h"

#define LOGIN_FAIL_LIMIT 5
#define LOGIN_FAIL_WINDOW_S 300
#define SOURCE_FAIL_LIMIT 20 /* failed logins from one address in the window */
#define LOGIN_FAIL_SLOTS 64

struct login_fail {
    char user[STORE_NAME_MAX + 1];
    int count;
    time_t first;
};

struct login {
    struct login_fail fails[LOGIN_FAIL_SLOTS];
};

/* A login or logout in progress on a conn. */
struct job {
    struct conn *conn;
    char ref[PROTO_REF_MAX + 1];
    bool verifying; /* in the verifier (auth_job is set) */
    struct auth_job *auth_job;
    struct store_user user; /* login: the account (no hash kept) */
    char *token;            /* login: sodium_malloc'd until the welcome */
    uint8_t token_hash[STORE_TOKEN_HASH_BYTES];
    struct worker *worker; /* logout */
};

struct login *login_new(void)
{
    return calloc(1, sizeof(struct login));
}

void login_free(struct login *l)
{
    free(l);
}

static void job_free(struct job *j)
{
    if (j->token)
        sodium_free(j->token);
    sodium_memzero(&j->user, sizeof(j->user));
    free(j);
}

static struct login_fail *fail_slot(struct login *l, const char *user, time_t now)
{
    struct login_fail *free_slot = NULL, *oldest = &l->fails[0];
    for (size_t i = 0; i < LOGIN_FAIL_SLOTS; i++) {
        struct login_fail *f = &l->fails[i];
        if (f->count && now - f->first > LOGIN_FAIL_WINDOW_S)
            f->count = 0;
        if (f->count && strcmp(f->user, user) == 0)
            return f;
        if (!f->count && !free_slot)
            free_slot = f;
        if (f->first < oldest->first)
            oldest = f;
    }
    struct login_fail *f = free_slot ? free_slot : oldest;
    snprintf(f->user, sizeof(f->user), "%s", user);
    f->count = 0;
    f->first = now;
    return f;
}

/* The failed-login slot of c's source, named "@" and its keyed hash (account
 * names cannot hold "@"), or NULL when the source is unknown. */
static struct login_fail *source_fail_slot(struct login *l, const struct conn *c, time_t now)
{
    char source[24];
    if (!c->source)
        return NULL;
    snprintf(source, sizeof(source), "@%016llx", (unsigned long long)c->source);
    return fail_slot(l, source, now);
}

static bool throttled(struct login *l, const struct conn *c, const char *user, time_t now)
{
    struct login_fail *sf = source_fail_slot(l, c, now);
    return fail_slot(l, user, now)->count >= LOGIN_FAIL_LIMIT ||
           (sf && sf->count >= SOURCE_FAIL_LIMIT);
}

/* Makes c a tab of u's session and greets it: welcome, then when resuming
 * its duty, queue state and chats. */
static void attach(struct hub *h, struct conn *c, const struct store_user *u, const char *token,
                   const uint8_t token_hash[STORE_TOKEN_HASH_BYTES], const char *ref, time_t now)
{
    struct worker *w = staff_get(h, u);
    if (!w || !staff_attach(h, w, c, token_hash)) {
        conn_send(c, proto_error(CHAT_ERR_NOMEM, ref, NULL));
        return;
    }
    const char *canned[CONFIG_MAX_CANNED];
    for (size_t i = 0; i < h->cfg->ncanned; i++)
        canned[i] = h->cfg->canned[i];
    struct proto_welcome_worker wf = {w->user, w->alias, w->role, token, canned, h->cfg->ncanned};
    conn_send(c, proto_welcome_worker(&wf, ref));
    if (w->on_duty) {
        conn_send(c, staff_duty_frame(h, w, NULL));
        route_send_queue_state(h, w, now);
    }
    for (int i = 0; i < w->nchats; i++)
        chat_send_started_worker(h, w, w->chats[i], NULL);
}

/* After the commit of a password login's token: the welcome, or an error. */
static void login_committed(struct hub *h, void *arg, bool committed)
{
    struct job *j = arg;
    if (j->conn) {
        j->conn->pending = NULL;
        if (committed)
            attach(h, j->conn, &j->user, j->token, j->token_hash, j->ref, 0);
        /* not committed: the unit's sender already got "not stored" */
    }
    job_free(j);
}

/* A verified password: the token is journaled; the welcome waits for it. */
static void login_ok(struct hub *h, struct job *j, time_t now)
{
    char user[STORE_NAME_MAX + 1];
    snprintf(user, sizeof(user), "%s", j->user.name);
    if (store_user_get(h->st, user, &j->user) != 0) { /* removed meanwhile */
        conn_send(j->conn, proto_error(CHAT_ERR_UNAUTHORIZED, j->ref, NULL));
        j->conn->pending = NULL;
        job_free(j);
        return;
    }
    sodium_memzero(j->user.pwhash, sizeof(j->user.pwhash));
    j->token = sodium_malloc(AUTH_TOKEN_CHARS);
    int rc = j->token ? 0 : CHAT_ERR_NOMEM;
    if (rc == 0) {
        auth_token_new(j->token, j->token_hash);
        rc = store_token_add(h->st, j->token_hash, j->user.name, now + AUTH_TOKEN_TTL_S);
    }
    if (rc == 0)
        rc = turn_after_commit(h, login_committed, j);
    if (rc != 0) {
        conn_send(j->conn, proto_error(rc, j->ref, NULL));
        j->conn->pending = NULL;
        job_free(j);
    }
}

void login_request(struct hub *h, struct conn *c, const struct proto_req *r, time_t now)
{
    struct store_user u;
    if (c->greeted || c->pending) {
        conn_send(c, proto_error(CHAT_ERR_BAD_STATE, r->ref, NULL));
        return;
    }
    if (r->token) {
        uint8_t hash[STORE_TOKEN_HASH_BYTES];
        char user[STORE_NAME_MAX + 1];
        auth_token_hash(r->token, hash);
        if (store_token_user(h->st, hash, now, user) != 0 || store_user_get(h->st, user, &u) != 0)
            conn_send(c, proto_error(CHAT_ERR_UNAUTHORIZED, r->ref, NULL));
        else
            attach(h, c, &u, r->token, hash, r->ref, now);
        sodium_memzero(&u, sizeof(u));
        return;
    }
    if (throttled(h->login, c, r->user, now)) {
        conn_send(c, proto_error(CHAT_ERR_RATE_LIMITED, r->ref, NULL));
        return;
    }
    bool known = store_user_get(h->st, r->user, &u) == 0;
    struct job *j = calloc(1, sizeof(*j));
    if (!j) {
        conn_send(c, proto_error(CHAT_ERR_NOMEM, r->ref, NULL));
        return;
    }
    j->conn = c;
    j->verifying = true;
    snprintf(j->ref, sizeof(j->ref), "%s", r->ref);
    snprintf(j->user.name, sizeof(j->user.name), "%s", r->user);
    j->auth_job = auth_submit(h->auth, j, r->user, known ? u.pwhash : NULL, r->password);
    sodium_memzero(&u, sizeof(u));
    if (!j->auth_job) {
        job_free(j);
        conn_send(c, proto_error(CHAT_ERR_NOMEM, r->ref, NULL));
        return;
    }
    c->pending = j;
}

struct ready_ctx {
    struct hub *h;
    time_t now;
};

static void login_done(void *owner, const char *user, bool ok, void *arg)
{
    struct ready_ctx *ctx = arg;
    struct job *j = owner;
    struct conn *c = j->conn;
    j->verifying = false;
    j->auth_job = NULL;
    turn_unit_begin(ctx->h, c, j->ref);
    if (ok) {
        login_ok(ctx->h, j, ctx->now);
    } else {
        fail_slot(ctx->h->login, user, ctx->now)->count++;
        struct login_fail *sf = source_fail_slot(ctx->h->login, c, ctx->now);
        if (sf)
            sf->count++;
        conn_send(c, proto_error(CHAT_ERR_UNAUTHORIZED, j->ref, NULL));
        c->pending = NULL;
        job_free(j);
    }
    turn_unit_end(ctx->h);
}

void login_ready(struct hub *h, time_t now)
{
    struct ready_ctx ctx = {h, now};
    auth_poll(h->auth, login_done, &ctx);
}

/* After the commit of a logout's revocation: the session ends. */
static void logout_committed(struct hub *h, void *arg, bool committed)
{
    struct job *j = arg;
    struct worker *w = j->worker;
    if (j->conn)
        j->conn->pending = NULL;
    if (committed) {
        turn_unit_begin(h, NULL, NULL);
        w->on_duty = false;
        route_release_worker(h, w, 0);
        if (j->conn)
            conn_send(j->conn, proto_bare("logged_out", j->ref));
        while (w->ntabs > 0) { /* every tab of this session ends with the token */
            struct conn *wc = w->tabs[w->ntabs - 1]->conn;
            staff_detach(h, w->tabs[w->ntabs - 1], 0);
            wc->greeted = false;
            conn_close(wc, 1000);
        }
        w->away_since = 0;
        h->status_dirty = true;
        turn_unit_end(h);
    }
    job_free(j);
}

void login_logout(struct hub *h, struct tab *tab, const char *ref, time_t now)
{
    struct conn *c = tab->conn;
    struct job *j = calloc(1, sizeof(*j));
    int rc = j ? store_token_del_user(h->st, tab->worker->user) : CHAT_ERR_NOMEM;
    (void)now;
    if (rc == 0) {
        j->conn = c;
        j->worker = tab->worker;
        snprintf(j->ref, sizeof(j->ref), "%s", ref);
        rc = turn_after_commit(h, logout_committed, j);
    }
    if (rc != 0) {
        free(j);
        conn_send(c, proto_error(rc, ref, NULL));
        return;
    }
    c->pending = j;
}

void login_conn_closed(struct hub *h, struct conn *c)
{
    struct job *j = c->pending;
    if (!j)
        return;
    c->pending = NULL;
    if (j->verifying) {
        auth_cancel(h->auth, j->auth_job);
        job_free(j);
    } else {
        j->conn = NULL; /* freed by its after-commit action */
    }
}
