/*
 * login: logins, the throttle and logout; see login.h.
 *
 * The throttle's rule (in full, with its limits, in login.h): refused
 * (`rate_limited`) are a source's checks past its limits, and an account's
 * checks from one source past theirs; the account as a whole is never
 * locked, only slowed down (its checks start one a slot, in the order they
 * came, one per source at a time), so guesses from one source cannot keep
 * the right password from another out. Waiting checks wait here, on the
 * loop, not in the verifier, which holds LOGIN_VERIFYING_MAX at most.
 *
 * Invariants: c->pending is a struct job while c has a password check
 * waiting for its slot (job->waiting: on l->wait_head's list, holding a
 * copy of the password), in the verifier (job->verifying), a login waiting
 * for its token's commit, or a logout waiting for its revocation's commit;
 * job->conn is NULL once its conn has closed (the job is then only waiting
 * to be freed). The throttle table holds an entry while it counts a failure
 * or a pending check; l->verifying and l->waiting count the checks of
 * every entry.
 */
#include "login.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "langs.h"
#include "route.h"
#include "staff.h"

#define SOURCE_KEY_CHARS 18 /* "@" + 16 hex digits + NUL */
#define PAIR_KEY_CHARS (STORE_NAME_MAX + SOURCE_KEY_CHARS)

/* Failed and pending checks of one account name, source ("@" + hash) or
 * pair (name + "@" + hash): account names cannot hold "@". */
struct throttle {
    int fails;
    int pending;  /* waiting or verifying */
    time_t first; /* of the window's first failure */
    /* an account's only: */
    int waiting;       /* its checks waiting for their slot */
    time_t next_start; /* while slowed down, its next slot */
};

/* A login or logout in progress on a conn. */
struct job {
    struct conn *conn;
    char ref[PROTO_REF_MAX + 1];
    bool waiting;   /* for its slot: on the wait list, password set */
    bool verifying; /* in the verifier (auth_job is set) */
    char *password; /* waiting: sodium_malloc'd copy */
    struct job *wait_next;
    struct auth_job *auth_job;
    struct store_user user;        /* login: the account (no hash kept) */
    char source[SOURCE_KEY_CHARS]; /* login: the throttle key of its address */
    char *token;                   /* login: sodium_malloc'd until the welcome */
    uint8_t token_hash[STORE_TOKEN_HASH_BYTES];
    struct worker *worker; /* logout */
    bool this_only;        /* logout: only this tab's token */
    time_t when;           /* logout: asked at */
};

struct login {
    struct idmap *throttles; /* name, "@source" or "name@source" -> struct throttle */
    int verifying;           /* checks in the verifier */
    int waiting;             /* checks waiting for their slot */
    struct job *wait_head;   /* those checks' jobs, in the order they came */
    time_t last_check;       /* of the tabs' tokens (login_check_tabs) */
};

struct login *login_new(void)
{
    struct login *l = calloc(1, sizeof(*l));
    if (l && !(l->throttles = idmap_new())) {
        free(l);
        return NULL;
    }
    return l;
}

static void free_throttle(void *value, void *arg)
{
    (void)arg;
    free(value);
}

static void job_free(struct job *j)
{
    if (j->token)
        sodium_free(j->token);
    if (j->password)
        sodium_free(j->password);
    sodium_memzero(&j->user, sizeof(j->user));
    free(j);
}

void login_free(struct login *l)
{
    if (!l)
        return;
    while (l->wait_head) {
        struct job *j = l->wait_head;
        l->wait_head = j->wait_next;
        job_free(j);
    }
    idmap_each(l->throttles, free_throttle, NULL);
    idmap_free(l->throttles);
    free(l);
}

/* The throttle of key at now, its window restarted when it has passed;
 * NULL when absent and not made (or the table is full). */
static struct throttle *throttle_get(struct login *l, const char *key, time_t now, bool make)
{
    struct throttle *t = idmap_get(l->throttles, key);
    if (t && t->fails && now - t->first > LOGIN_FAIL_WINDOW_S)
        t->fails = 0;
    if (t || !make || idmap_count(l->throttles) >= LOGIN_THROTTLE_MAX)
        return t;
    if (!(t = calloc(1, sizeof(*t))) || idmap_put(l->throttles, key, t) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

/* Drops key's throttle when it counts nothing any more. */
static void throttle_tidy(struct login *l, const char *key, struct throttle *t)
{
    if (t && t->fails == 0 && t->pending == 0) {
        idmap_del(l->throttles, key);
        free(t);
    }
}

/* The throttle key of c's address: "@" and its keyed hash (all-zero when
 * the address is unknown: those share one source). */
static void source_key(const struct conn *c, char out[SOURCE_KEY_CHARS])
{
    snprintf(out, SOURCE_KEY_CHARS, "@%016llx", (unsigned long long)c->source);
}

static void pair_key(const char *user, const char *source, char out[PAIR_KEY_CHARS])
{
    snprintf(out, PAIR_KEY_CHARS, "%.*s%s", STORE_NAME_MAX, user, source);
}

/* What the rule of login.h says to a check, the account a, source s and
 * pair p known. */
static enum login_gate gate(const struct login *l, const struct throttle *a,
                            const struct throttle *s, const struct throttle *p, time_t now)
{
    if (s->fails + s->pending >= LOGIN_SOURCE_FAIL_LIMIT ||
        s->pending >= LOGIN_SOURCE_PENDING_MAX || p->fails + p->pending >= LOGIN_PAIR_FAIL_LIMIT)
        return LOGIN_REFUSE;
    bool room = l->verifying < LOGIN_VERIFYING_MAX;
    if (a->fails + a->pending < LOGIN_ACCOUNT_SLOW_AFTER) /* not slowed down */
        return room ? LOGIN_GO : LOGIN_REFUSE;
    if (p->pending > 0)
        return LOGIN_REFUSE;
    if (room && a->waiting == 0 && now >= a->next_start)
        return LOGIN_GO;
    return l->waiting < LOGIN_WAITING_MAX ? LOGIN_WAIT : LOGIN_REFUSE;
}

enum login_gate login_throttle_admit(struct login *l, const char *user, const char *source,
                                     time_t now)
{
    char pk[PAIR_KEY_CHARS];
    pair_key(user, source, pk);
    struct throttle *a = throttle_get(l, user, now, true);
    struct throttle *s = a ? throttle_get(l, source, now, true) : NULL;
    struct throttle *p = s ? throttle_get(l, pk, now, true) : NULL;
    enum login_gate g = p ? gate(l, a, s, p, now) : LOGIN_REFUSE;
    bool slowed = p && a->fails + a->pending >= LOGIN_ACCOUNT_SLOW_AFTER;
    if (g == LOGIN_REFUSE) {
        throttle_tidy(l, pk, p);
        throttle_tidy(l, source, s);
        throttle_tidy(l, user, a);
        return g;
    }
    a->pending++;
    s->pending++;
    p->pending++;
    if (g == LOGIN_WAIT) {
        a->waiting++;
        l->waiting++;
    } else {
        if (slowed) /* this slot is taken */
            a->next_start = now + LOGIN_ACCOUNT_SLOW_S;
        l->verifying++;
    }
    return g;
}

bool login_throttle_start(struct login *l, const char *user, time_t now)
{
    struct throttle *a = throttle_get(l, user, now, false);
    if (!a || a->waiting == 0 || now < a->next_start || l->verifying >= LOGIN_VERIFYING_MAX)
        return false;
    a->waiting--;
    l->waiting--;
    l->verifying++;
    a->next_start = now + LOGIN_ACCOUNT_SLOW_S;
    return true;
}

time_t login_throttle_next_start(const struct login *l, const char *user)
{
    const struct throttle *a = idmap_get(l->throttles, user);
    return a ? a->next_start : -1;
}

/* One throttle's part of a check that is over. */
static void throttle_over(struct login *l, const char *key, bool failed, time_t now)
{
    struct throttle *t = throttle_get(l, key, now, false);
    if (!t)
        return;
    t->pending--;
    if (failed && t->fails++ == 0)
        t->first = now;
    throttle_tidy(l, key, t);
}

void login_throttle_done(struct login *l, const char *user, const char *source, bool started,
                         bool failed, time_t now)
{
    char pk[PAIR_KEY_CHARS];
    struct throttle *a = throttle_get(l, user, now, false);
    if (started) {
        l->verifying--;
    } else {
        l->waiting--;
        if (a)
            a->waiting--;
    }
    pair_key(user, source, pk);
    throttle_over(l, pk, failed, now);
    throttle_over(l, source, failed, now);
    throttle_over(l, user, failed, now);
}

static void check_done(struct login *l, const struct job *j, bool failed, time_t now)
{
    login_throttle_done(l, j->user.name, j->source, !j->waiting, failed, now);
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
    const struct config *cfg = h->cfg;
    const char *canned[CONFIG_MAX_CANNED], *by_lang[CONFIG_MAX_CANNED_LANGS][CONFIG_MAX_CANNED];
    struct proto_canned_lang langs[CONFIG_MAX_CANNED_LANGS];
    for (size_t i = 0; i < cfg->ncanned; i++)
        canned[i] = cfg->canned[i];
    for (size_t l = 0; l < cfg->ncanned_langs; l++) {
        for (size_t i = 0; i < cfg->canned_langs[l].n; i++)
            by_lang[l][i] = cfg->canned_langs[l].text[i];
        langs[l] = (struct proto_canned_lang){cfg->canned_langs[l].lang, by_lang[l],
                                              cfg->canned_langs[l].n};
    }
    const char *orgs[CONFIG_MAX_ORGS]; /* contract v3 §4: what the pages may offer it */
    size_t norgs = 0;
    for (size_t k = 0; cfg->orgs_declared && k < cfg->norgs; k++)
        if (worker_in_org(h, w, (int)k))
            orgs[norgs++] = cfg->orgs[k].id;
    struct proto_welcome_worker wf = {
        .user = w->user,
        .alias = w->alias,
        .role = w->role,
        .token = token,
        .canned = canned,
        .ncanned = h->cfg->ncanned,
        .canned_langs = langs,
        .ncanned_langs = cfg->ncanned_langs,
        .categories = h->categories,
        .ncategories = h->cfg->ncategories,
        .questions = h->questions,
        .nquestions = h->cfg->nquestions,
        .langs = &h->langs->accept,
        .orgs = orgs,
        .norgs = norgs,
    };
    conn_send(c, proto_welcome_worker(&wf, ref));
    if (w->on_duty) {
        conn_send(c, staff_duty_frame(h, w, NULL));
        route_send_queue_state(h, w, now);
    }
    for (int i = 0; i < w->nchats; i++)
        chat_send_started_worker(h, w, w->chats[i], NULL);
    staff_send_wrapups(w);
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

/* Hands j's password check to the verifier: 0, or CHAT_ERR_NOMEM. */
static int check_start(struct hub *h, struct job *j, const char *password)
{
    struct store_user u;
    bool known = store_user_get(h->st, j->user.name, &u) == 0;
    j->auth_job = auth_submit(h->auth, j, j->user.name, known ? u.pwhash : NULL, password);
    sodium_memzero(&u, sizeof(u));
    j->verifying = j->auth_job != NULL;
    return j->auth_job ? 0 : CHAT_ERR_NOMEM;
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
    struct job *j = calloc(1, sizeof(*j));
    if (!j) {
        conn_send(c, proto_error(CHAT_ERR_NOMEM, r->ref, NULL));
        return;
    }
    snprintf(j->user.name, sizeof(j->user.name), "%s", r->user);
    source_key(c, j->source);
    enum login_gate g = login_throttle_admit(h->login, j->user.name, j->source, now);
    if (g == LOGIN_REFUSE) {
        job_free(j);
        conn_send(c, proto_error(CHAT_ERR_RATE_LIMITED, r->ref, NULL));
        return;
    }
    j->conn = c;
    j->waiting = g == LOGIN_WAIT;
    snprintf(j->ref, sizeof(j->ref), "%s", r->ref);
    int rc = 0;
    if (g == LOGIN_GO) {
        rc = check_start(h, j, r->password);
    } else if ((j->password = sodium_malloc(strlen(r->password) + 1))) {
        memcpy(j->password, r->password, strlen(r->password) + 1);
        struct job **end = &h->login->wait_head;
        while (*end)
            end = &(*end)->wait_next;
        *end = j;
    } else {
        rc = CHAT_ERR_NOMEM;
    }
    if (rc != 0) {
        check_done(h->login, j, false, now);
        job_free(j);
        conn_send(c, proto_error(rc, r->ref, NULL));
        return;
    }
    c->pending = j;
}

/* Starts waiting checks whose slot has come, in the order they came. */
static void release_waiting(struct hub *h, time_t now)
{
    struct login *l = h->login;
    for (struct job **pj = &l->wait_head; *pj && l->verifying < LOGIN_VERIFYING_MAX;) {
        struct job *j = *pj;
        if (!login_throttle_start(l, j->user.name, now)) {
            pj = &j->wait_next;
            continue;
        }
        *pj = j->wait_next;
        j->waiting = false;
        int rc = check_start(h, j, j->password);
        sodium_free(j->password);
        j->password = NULL;
        if (rc != 0) {
            check_done(l, j, false, now);
            conn_send(j->conn, proto_error(rc, j->ref, NULL));
            j->conn->pending = NULL;
            job_free(j);
        }
    }
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
    (void)user;
    j->verifying = false;
    j->auth_job = NULL;
    check_done(ctx->h->login, j, !ok, ctx->now);
    turn_unit_begin(ctx->h, c, j->ref);
    if (ok) {
        login_ok(ctx->h, j, ctx->now);
    } else {
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
    if (h->login->wait_head) {
        turn_unit_begin(h, NULL, NULL);
        release_waiting(h, now);
        turn_unit_end(h);
    }
}

/* Ends w's whole session: off duty, its chats back to the front of their
 * queues, every tab closed with code. */
static void end_session(struct hub *h, struct worker *w, int code, time_t now)
{
    route_release_worker(h, w, now);
    while (w->ntabs > 0) {
        struct conn *wc = w->tabs[w->ntabs - 1]->conn;
        staff_detach(h, w->tabs[w->ntabs - 1], now);
        wc->greeted = false;
        conn_close(wc, code);
    }
    staff_off(h, w);
}

/* After the commit of a logout's revocation: the tokens are gone, so the
 * tabs they opened close. */
static void logout_committed(struct hub *h, void *arg, bool committed)
{
    struct job *j = arg;
    struct conn *c = j->conn;
    if (c)
        c->pending = NULL;
    if (committed) {
        turn_unit_begin(h, NULL, NULL);
        if (c)
            conn_send(c, proto_bare("logged_out", j->ref));
        if (!j->this_only)
            end_session(h, j->worker, 1000, j->when);
        else if (c && c->session) { /* this tab only: the others go on */
            staff_detach(h, c->session, j->when);
            c->greeted = false;
            conn_close(c, 1000);
        }
        turn_unit_end(h);
    }
    job_free(j);
}

void login_logout(struct hub *h, struct tab *tab, bool this_only, const char *ref, time_t now)
{
    struct conn *c = tab->conn;
    struct job *j = calloc(1, sizeof(*j));
    int rc = !j          ? CHAT_ERR_NOMEM
             : this_only ? store_token_del(h->st, tab->token_hash)
                         : store_token_del_user(h->st, tab->worker->user);
    if (rc == 0) {
        j->conn = c;
        j->worker = tab->worker;
        j->this_only = this_only;
        j->when = now;
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

/* When the tabs are to be checked next, or -1 (no tab is open). */
static double tabs_next_check(const struct hub *h)
{
    for (const struct worker *w = h->workers; w; w = w->next)
        if (w->ntabs || w->nchats)
            return (double)h->login->last_check + LOGIN_CHECK_S;
    return -1;
}

void login_check_tabs(struct hub *h, time_t now)
{
    char user[STORE_NAME_MAX + 1];
    struct store_user u;
    release_waiting(h, now);
    double tabs = tabs_next_check(h);
    if (tabs < 0 || (double)now < tabs)
        return;
    h->login->last_check = now;
    for (struct worker *w = h->workers; w; w = w->next) {
        int had = w->ntabs, revoked = 0;
        for (int i = w->ntabs; i-- > 0;) {
            struct tab *tab = w->tabs[i];
            int rc = store_token_user(h->st, tab->token_hash, now, user);
            if (rc == CHAT_ERR_BUSY || rc == CHAT_ERR_IO)
                continue; /* cannot tell now: the next check will */
            if (rc == 0 && strcmp(user, w->user) == 0)
                continue;
            struct conn *c =
                tab->conn; /* deleted, password changed, logged out elsewhere, expired */
            conn_send(c, proto_error(CHAT_ERR_UNAUTHORIZED, NULL, NULL));
            staff_detach(h, tab, now);
            c->greeted = false;
            conn_close(c, 4003);
            revoked++;
        }
        /* nobody is left to come back (every tab revoked, or away and the
         * user removed meanwhile): the chats go on at once */
        if ((had && revoked == had) ||
            (!had && w->nchats && store_user_get(h->st, w->user, &u) == CHAT_ERR_NOT_FOUND))
            end_session(h, w, 4003, now);
    }
    sodium_memzero(&u, sizeof(u));
}

double login_next_check(const struct hub *h)
{
    const struct login *l = h->login;
    double next = tabs_next_check(h);
    if (l->verifying >= LOGIN_VERIFYING_MAX) /* login_ready lets the waiting go */
        return next;
    for (const struct job *j = l->wait_head; j; j = j->wait_next) {
        double at = (double)login_throttle_next_start(l, j->user.name);
        if (at >= 0 && (next < 0 || at < next))
            next = at;
    }
    return next;
}

void login_conn_closed(struct hub *h, struct conn *c, time_t now)
{
    struct job *j = c->pending;
    if (!j)
        return;
    c->pending = NULL;
    if (j->waiting) { /* not checked: it cost nothing and counts nothing */
        struct job **pj = &h->login->wait_head;
        while (*pj != j)
            pj = &(*pj)->wait_next;
        *pj = j->wait_next;
        check_done(h->login, j, false, now);
        job_free(j);
    } else if (j->verifying) { /* a guess given up counts as a failed one */
        auth_cancel(h->auth, j->auth_job);
        check_done(h->login, j, true, now);
        job_free(j);
    } else {
        j->conn = NULL; /* freed by its after-commit action */
    }
}
