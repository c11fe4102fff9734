/*
 * server_http: the HTTP side of the shell: GET routes (status, badge, week,
 * stats, plan, langs, words, metrics, healthz), generated bodies written on
 * WRITEABLE (in pieces), CORS and ETags, and the per-source admission of
 * connections. A report (stats, plan) is answered when the report worker
 * has made it: the request waits without an answer until then.
 * In a test build started with CHATD_TEST_CLOCK=1 also GET /test/clock.
 */
#include "server_int.h"

#include "langs.h"
#include "report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sends the headers for hs's body (set by the caller, NULL for none), with
 * an ETag when etag is not NULL; the body follows on WRITEABLE.
 * allow_origin is cors_origin()'s answer: NULL (no CORS on this route), ""
 * (none for this request's Origin) or the Access-Control-Allow-Origin value;
 * when it was worked out from the Origin, "Vary: Origin" tells caches that
 * the answer differs by it. */
static int send_head(struct lws *wsi, struct http_session *hs, unsigned status, const char *type,
                     const char *etag, const char *allow_origin, const char *cache)
{
    unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf);
    if (lws_add_http_common_headers(wsi, status, type, hs->len, &p, end) ||
        (etag && lws_add_http_header_by_name(
                     wsi, (const unsigned char *)"etag:", (const unsigned char *)etag,
                     (int)strlen(etag), &p, end)) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)cache, (int)strlen(cache), &p, end))
        return 1;
    if (allow_origin && allow_origin[0] &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"access-control-allow-origin:",
                                    (const unsigned char *)allow_origin, (int)strlen(allow_origin),
                                    &p, end))
        return 1;
    if (allow_origin && strcmp(allow_origin, "*") != 0 &&
        lws_add_http_header_by_name(
            wsi, (const unsigned char *)"vary:", (const unsigned char *)"Origin", 6, &p, end))
        return 1;
    if (lws_finalize_write_http_header(wsi, start, &p, end))
        return 1;
    lws_callback_on_writable(wsi);
    return 0;
}

/* Sends a generated body (owned by hs from here on). */
static int http_reply_cached(struct lws *wsi, struct http_session *hs, unsigned status,
                             const char *type, char *body, const char *allow_origin,
                             const char *cache)
{
    hs->body = body;
    hs->len = body ? strlen(body) : 0;
    return send_head(wsi, hs, status, type, NULL, allow_origin, cache);
}

/* A public answer that caches may keep for max-age seconds, with its ETag:
 * 304 without a body when the request's If-None-Match has it. */
static int http_reply_etag(struct lws *wsi, struct http_session *hs, const char *type,
                           const char *body, const char *etag, const char *allow_origin,
                           const char *cache)
{
    char match[128];
    bool fresh = lws_hdr_copy(wsi, match, sizeof(match), WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0 &&
                 strstr(match, etag) != NULL;
    hs->body = fresh ? NULL : strdup(body);
    hs->len = hs->body ? strlen(hs->body) : 0;
    if (!fresh && !hs->body)
        return 1;
    return send_head(wsi, hs, fresh ? 304 : 200, type, etag, allow_origin, cache);
}

/* An answer nobody may keep: everything but /api/langs is live state. */
static int http_reply(struct lws *wsi, struct http_session *hs, unsigned status, const char *type,
                      char *body, const char *allow_origin)
{
    return http_reply_cached(wsi, hs, status, type, body, allow_origin, "no-store");
}

/* {"error": code} with the HTTP status of err. */
static int http_error(struct lws *wsi, struct http_session *hs, int err)
{
    return http_reply(wsi, hs, (unsigned)chat_err_http(err), "application/json",
                      proto_http_error(err), NULL);
}

/* The CORS answer for a public endpoint: "*" (public_origins = *: the same
 * for every request), the request's Origin when public_origins lists it,
 * else "" (no Access-Control-Allow-Origin). More than one Origin line is a
 * disallowed origin: lws keeps each line as a fragment and would copy them
 * joined by commas, and a cache keyed on one of them must not keep the
 * answer for it (contract v3 §6). */
static const char *cors_origin(struct lws *wsi, const struct config *cfg, char *buf, int size)
{
    if (cfg->public_any)
        return "*";
    int n = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
    if (n > 0 && n == lws_hdr_fragment_length(wsi, WSI_TOKEN_ORIGIN, 0) &&
        lws_hdr_copy(wsi, buf, size, WSI_TOKEN_ORIGIN) > 0 && config_public_origin_ok(cfg, buf))
        return buf;
    return "";
}

/* The value of query argument name ("from=") or NULL. */
static const char *query_arg(struct lws *wsi, const char *name, char *buf, int size)
{
    return lws_get_urlarg_by_name(wsi, name, buf, size);
}

/* 503 with Retry-After: the reports' queue is full (report.h). */
static int http_reports_busy(struct lws *wsi, struct http_session *hs)
{
    unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf);
    char retry[16];
    int n = snprintf(retry, sizeof(retry), "%d", REPORT_RETRY_AFTER_S);
    hs->body = proto_http_error(CHAT_ERR_REPORTS_BUSY);
    hs->len = hs->body ? strlen(hs->body) : 0;
    if (lws_add_http_common_headers(wsi, 503, "application/json", hs->len, &p, end) ||
        lws_add_http_header_by_name(
            wsi, (const unsigned char *)"retry-after:", (const unsigned char *)retry, n, &p, end) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return 1;
    lws_callback_on_writable(wsi);
    return 0;
}

/* The answer to a report request: its body (taken), or its error. */
static int http_report_reply(struct lws *wsi, struct http_session *hs, int rc, char *body)
{
    if (hs->status) { /* an /api/hours answer, its status and body */
        unsigned status = (unsigned)hs->status;
        hs->status = 0;
        return http_reply(wsi, hs, status, "application/json", body, NULL);
    }
    if (rc == 0)
        return http_reply(wsi, hs, 200, "application/json", body, NULL);
    free(body);
    if (rc == CHAT_ERR_REPORTS_BUSY)
        return http_reports_busy(wsi, hs);
    return http_error(wsi, hs, rc);
}

/* A report was queued (hub_api_*: 0): the request waits, unanswered, for
 * report_done; or it is answered now. */
static int http_report_queued(struct lws *wsi, struct http_session *hs, int rc)
{
    if (rc == 0) { /* longer than handshake_timeout_s, which lws would apply */
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, REPORT_WAIT_MAX_S);
        return 0;
    }
    hs->job = NULL;
    return http_report_reply(wsi, hs, rc, NULL);
}

/* The commit that stored a rota change (publish, delete) is done: its
 * request is answered with the body it keeps, or told it was not stored. */
static void rota_stored(void *owner, bool committed)
{
    struct lws *wsi = owner;
    struct http_session *hs = lws_wsi_user(wsi);
    hs->rota_wait = false;
    hs->ready = true;
    hs->rc = committed ? 0 : CHAT_ERR_NOT_STORED;
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    lws_callback_on_writable(wsi);
}

/* The hub hands a finished report (hub_reports_ready) to the request that
 * waits for it; WRITEABLE answers it. */
static void report_done(void *owner, int rc, char *body, size_t len, void *arg)
{
    struct lws *wsi = owner;
    struct http_session *hs = lws_wsi_user(wsi);
    (void)arg;
    (void)len;
    hs->job = NULL;
    if (rc == 0 && hs->rota_publish) { /* answered once this turn's commit stored it */
        struct server *s = server_of(wsi);
        hs->rota_publish = false;
        rc = s && s->hub ? hub_rota_publish(s->hub, body, wsi, rota_stored) : CHAT_ERR_INTERNAL;
        if (rc == 0) {
            free(hs->body);
            hs->body = body;
            hs->rota_wait = true;
            return;
        }
    }
    hs->ready = true;
    hs->rc = rc;
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    free(hs->body);
    hs->body = body;
    lws_callback_on_writable(wsi);
}

/* The Bearer token of the request into auth (wiped by the caller), or NULL. */
static const char *bearer_of(struct lws *wsi, char *auth, int size)
{
    if (lws_hdr_copy(wsi, auth, size, WSI_TOKEN_HTTP_AUTHORIZATION) > 7 &&
        strncmp(auth, "Bearer ", 7) == 0)
        return auth + 7;
    return NULL;
}

/* GET and DELETE /api/rota?week= (contract v3 §7). */
static int http_rota(struct lws *wsi, struct http_session *hs, struct server *s, bool del)
{
    char auth[256], week[32];
    const char *why = NULL;
    int err = 0;
    char *body = hub_api_rota(s->hub, bearer_of(wsi, auth, sizeof(auth)),
                              query_arg(wsi, "week=", week, sizeof(week)), del, now_s(), wsi,
                              rota_stored, &err, &why);
    sodium_memzero(auth, sizeof(auth));
    if (!body)
        return http_reply(wsi, hs, (unsigned)chat_err_http(err), "application/json",
                          proto_http_error_why(err, why), NULL);
    if (del) { /* answered when the commit stored it */
        free(hs->body);
        hs->body = body;
        hs->rota_wait = true;
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, REPORT_WAIT_MAX_S);
        return 0;
    }
    return http_reply(wsi, hs, 200, "application/json", body, NULL);
}

/* POST /api/rota once its body is read: a report job, or an error now. */
static int http_rota_post(struct lws *wsi, struct http_session *hs, struct server *s)
{
    char auth[256];
    const char *why = NULL;
    int rc = hub_api_rota_post(s->hub, bearer_of(wsi, auth, sizeof(auth)), hs->post, hs->post_len,
                               now_s(), wsi, &hs->job, &why, &hs->rota_publish);
    sodium_memzero(auth, sizeof(auth));
    free(hs->post);
    hs->post = NULL;
    hs->post_len = 0;
    if (rc == CHAT_ERR_BAD_REQUEST && why) {
        hs->job = NULL;
        return http_reply(wsi, hs, 400, "application/json", proto_http_error_why(rc, why), NULL);
    }
    return http_report_queued(wsi, hs, rc);
}

/* The hub hands an /api/hours answer to the request that waits for it. */
static void hours_done(void *owner, int status, char *body, void *arg)
{
    struct lws *wsi = owner;
    struct http_session *hs = lws_wsi_user(wsi);
    (void)arg;
    hs->hours_job = NULL;
    hs->ready = true;
    hs->status = status;
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    free(hs->body);
    hs->body = body;
    lws_callback_on_writable(wsi);
}

/* GET, POST (with its body read) and DELETE /api/hours (contract v3 §5). */
static int http_hours(struct lws *wsi, struct http_session *hs, struct server *s,
                      enum hub_hours_method method)
{
    char auth[256], topic[64], id[48];
    int status = 0;
    char *body = NULL;
    struct hub_hours_query q = {.method = method,
                                .bearer = bearer_of(wsi, auth, sizeof(auth)),
                                .topic = query_arg(wsi, "topic=", topic, sizeof(topic)),
                                .id = query_arg(wsi, "id=", id, sizeof(id)),
                                .body = hs->post,
                                .len = hs->post_len};
    int rc = hub_api_hours(s->hub, &q, now_s(), wsi, &hs->hours_job, &body, &status);
    sodium_memzero(auth, sizeof(auth));
    free(hs->post);
    hs->post = NULL;
    hs->post_len = 0;
    if (rc == 0) {
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, REPORT_WAIT_MAX_S);
        return 0;
    }
    return http_reply(wsi, hs, (unsigned)status, "application/json", body, NULL);
}

/* A piece of a POST body: kept up to HTTP_POST_MAX bytes (more: 413 at the end). */
#define HTTP_POST_MAX 4096
static int http_post_piece(struct http_session *hs, const void *in, size_t len)
{
    if (hs->post_len > HTTP_POST_MAX)
        return 0;
    size_t n = hs->post_len + len > HTTP_POST_MAX ? HTTP_POST_MAX + 1 - hs->post_len : len;
    char *more = realloc(hs->post, hs->post_len + n + 1);
    if (!more)
        return -1;
    hs->post = more;
    memcpy(hs->post + hs->post_len, in, n);
    hs->post_len += n;
    hs->post[hs->post_len] = '\0';
    return 0;
}

static int http_stats(struct lws *wsi, struct http_session *hs, struct server *s)
{
    char auth[256], from[32], to[32], topic[64], org[64];
    const char *bearer = bearer_of(wsi, auth, sizeof(auth));
    int rc = hub_api_stats(s->hub, bearer, query_arg(wsi, "from=", from, sizeof(from)),
                           query_arg(wsi, "to=", to, sizeof(to)),
                           query_arg(wsi, "topic=", topic, sizeof(topic)),
                           query_arg(wsi, "org=", org, sizeof(org)), now_s(), wsi, &hs->job);
    sodium_memzero(auth, sizeof(auth));
    return http_report_queued(wsi, hs, rc);
}

static int http_plan(struct lws *wsi, struct http_session *hs, struct server *s)
{
    char auth[256], from[32], to[32], topic[64], org[64], wait[48], share[48], red[32],
        pool[32]; /* name=value */
    const char *bearer = bearer_of(wsi, auth, sizeof(auth));
    struct hub_plan_query q = {
        .from = query_arg(wsi, "from=", from, sizeof(from)),
        .to = query_arg(wsi, "to=", to, sizeof(to)),
        .topic = query_arg(wsi, "topic=", topic, sizeof(topic)),
        .org = query_arg(wsi, "org=", org, sizeof(org)),
        .target_wait_s = query_arg(wsi, "target_wait_s=", wait, sizeof(wait)),
        .target_share = query_arg(wsi, "target_share=", share, sizeof(share)),
        .redistribute = query_arg(wsi, "redistribute=", red, sizeof(red)),
        .pooled = query_arg(wsi, "pooled=", pool, sizeof(pool)),
    };
    int rc = hub_api_plan(s->hub, bearer, &q, now_s(), wsi, &hs->job);
    sodium_memzero(auth, sizeof(auth));
    return http_report_queued(wsi, hs, rc);
}

/* /metrics is open, or behind metrics_token: the Bearer token compared in
 * constant time (by hash, so also its length stays unknown). */
static bool metrics_allowed(struct lws *wsi, const struct config *cfg)
{
    char auth[CONFIG_TOKEN_MAX + 16];
    uint8_t want[32], got[32];
    if (!cfg->metrics_token[0])
        return true;
    bool ok = lws_hdr_copy(wsi, auth, sizeof(auth), WSI_TOKEN_HTTP_AUTHORIZATION) > 7 &&
              strncmp(auth, "Bearer ", 7) == 0;
    if (ok) {
        auth_token_hash(cfg->metrics_token, want);
        auth_token_hash(auth + 7, got);
        ok = auth_equal(want, got, sizeof(want));
    }
    sodium_memzero(auth, sizeof(auth));
    return ok;
}

#ifdef CHAT_TEST_CLOCK
/* GET /test/clock?advance=SECONDS: moves the clock (clock.h) and wakes the
 * loop, whose turn end (server.c after_events) then runs the hub's timers
 * and the keepalive sweep that fell due. Answers {"now": epoch seconds}. */
static int http_test_clock(struct lws *wsi, struct http_session *hs)
{
    char arg[32], body[64], *end;
    const char *a = query_arg(wsi, "advance=", arg, sizeof(arg));
    double sec = a ? strtod(a, &end) : 0;
    if (!a || end == a || *end || clock_advance(sec) != 0)
        return http_error(wsi, hs, CHAT_ERR_BAD_REQUEST);
    lws_cancel_service(lws_get_context(wsi));
    snprintf(body, sizeof(body), "{\"now\":%.3f}", clock_now());
    return http_reply(wsi, hs, 200, "application/json", strdup(body), NULL);
}
#endif

static int http_route(struct lws *wsi, struct http_session *hs)
{
    struct server *s = server_of(wsi);
    char uri[256], origin[CONFIG_ORIGIN_MAX + 1];
    if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_POST_URI) > 0 &&
        strcmp(uri, "/api/hours") == 0) {
        hs->hours_post = true;
        return 0; /* answered when the body is complete (HTTP_BODY_COMPLETION) */
    }
    if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_DELETE_URI) > 0 &&
        strcmp(uri, "/api/hours") == 0)
        return http_hours(wsi, hs, s, HUB_HOURS_DELETE);
    if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_POST_URI) > 0 &&
        strcmp(uri, "/api/rota") == 0) {
        hs->rota_post = true;
        return 0; /* answered when the body is complete (HTTP_BODY_COMPLETION) */
    }
    if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_DELETE_URI) > 0 &&
        strcmp(uri, "/api/rota") == 0)
        return http_rota(wsi, hs, s, true);
    if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0)
        return http_reply(wsi, hs, 405, "text/plain", strdup("method not allowed\n"), NULL);
    if (strcmp(uri, "/healthz") == 0)
        return http_reply(wsi, hs, 200, "text/plain", strdup("ok\n"), NULL);
    if (strcmp(uri, "/api/status") == 0) { /* contract v2 §1, §7 */
        const char *etag, *body = hub_status_body(s->hub, now_s(), &etag);
        if (!body)
            return http_error(wsi, hs, CHAT_ERR_NOMEM);
        return http_reply_etag(wsi, hs, "application/json", body, etag,
                               cors_origin(wsi, s->cfg, origin, sizeof(origin)),
                               "public, max-age=2");
    }
    if (strcmp(uri, "/api/status/week") == 0) {
        char topic[64];
        const char *etag,
            *body = hub_status_week(s->hub, query_arg(wsi, "topic=", topic, sizeof(topic)), now_s(),
                                    &etag);
        if (!body)
            return http_reply(wsi, hs, 404, "text/plain", strdup("unknown topic\n"), NULL);
        return http_reply_etag(wsi, hs, "application/json", body, etag,
                               cors_origin(wsi, s->cfg, origin, sizeof(origin)),
                               "public, max-age=60");
    }
    if (strcmp(uri, "/api/status/badge.svg") == 0) {
        char topic[64], lang[32];
        char *svg = hub_badge_svg(s->hub, query_arg(wsi, "topic=", topic, sizeof(topic)),
                                  query_arg(wsi, "lang=", lang, sizeof(lang)), now_s());
        if (!svg)
            return http_reply(wsi, hs, 404, "text/plain", strdup("unknown topic\n"), NULL);
        return http_reply(wsi, hs, 200, "image/svg+xml", svg,
                          cors_origin(wsi, s->cfg, origin, sizeof(origin)));
    }
    if (strcmp(uri, "/api/words") == 0) { /* the availability words, for the widget */
        char lang[32];
        const struct langs_words *w =
            langs_words(s->langs, query_arg(wsi, "lang=", lang, sizeof(lang)));
        if (!w->body)
            return http_error(wsi, hs, CHAT_ERR_NOMEM);
        return http_reply_etag(wsi, hs, "application/json", w->body, w->etag,
                               cors_origin(wsi, s->cfg, origin, sizeof(origin)),
                               "public, max-age=60");
    }
    if (strcmp(uri, "/api/stats") == 0)
        return http_stats(wsi, hs, s);
    if (strcmp(uri, "/api/plan") == 0)
        return http_plan(wsi, hs, s);
    if (strcmp(uri, "/api/hours") == 0)
        return http_hours(wsi, hs, s, HUB_HOURS_GET);
    if (strcmp(uri, "/api/rota") == 0)
        return http_rota(wsi, hs, s, false);
    if (strcmp(uri, "/api/langs") == 0)
        return http_reply_cached(wsi, hs, 200, "application/json", strdup(s->langs->body), NULL,
                                 "public, max-age=300");
    if (strcmp(uri, "/metrics") == 0) {
        if (!metrics_allowed(wsi, s->cfg))
            return http_error(wsi, hs, CHAT_ERR_UNAUTHORIZED);
        return http_reply(wsi, hs, 200, "text/plain; version=0.0.4", hub_metrics(s->hub, now_s()),
                          NULL);
    }
#ifdef CHAT_TEST_CLOCK
    if (s->test_clock && strcmp(uri, "/test/clock") == 0)
        return http_test_clock(wsi, hs);
#endif
    return http_reply(wsi, hs, 404, "text/plain", strdup("not found\n"), NULL);
}

/* What one WRITEABLE sends of a body: a 12 MB report leaves in pieces,
 * each copied once, so no turn of the loop copies it all. */
#define HTTP_BODY_PIECE ((size_t)128 * 1024)

static int http_write_body(struct lws *wsi, struct http_session *hs)
{
    int rc = 0;
    if (hs->ready) { /* a report is done: its head now, its body next */
        char *body = hs->body;
        hs->ready = false;
        hs->body = NULL;
        return http_report_reply(wsi, hs, hs->rc, body);
    }
    if (hs->job || hs->hours_job || hs->rota_wait)
        return 0; /* still being made, or stored */
    if (hs->body) {
        size_t n = hs->len - hs->sent < HTTP_BODY_PIECE ? hs->len - hs->sent : HTTP_BODY_PIECE;
        bool last = hs->sent + n == hs->len;
        unsigned char *buf = malloc(LWS_PRE + n + 1);
        if (!buf)
            return -1;
        memcpy(buf + LWS_PRE, hs->body + hs->sent, n);
        if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
            (int)n)
            rc = -1;
        free(buf);
        hs->sent += n;
        if (rc == 0 && !last) {
            lws_callback_on_writable(wsi);
            return 0;
        }
        free(hs->body);
        hs->body = NULL;
        hs->sent = 0;
    }
    if (rc == 0 && lws_http_transaction_completed(wsi))
        rc = -1;
    return rc;
}

int server_callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
    struct http_session *hs = user;
    struct server *s;
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return http_route(wsi, hs);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return http_write_body(wsi, hs);
    case LWS_CALLBACK_HTTP_BODY:
        return hs && (hs->hours_post || hs->rota_post) ? http_post_piece(hs, in, len) : 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (!hs || !(hs->hours_post || hs->rota_post))
            break;
        bool rota = hs->rota_post;
        hs->hours_post = hs->rota_post = false;
        if (hs->post_len > HTTP_POST_MAX) {
            free(hs->post);
            hs->post = NULL;
            hs->post_len = 0;
            return http_error(wsi, hs, CHAT_ERR_TOO_LARGE);
        }
        if (!(s = server_of(wsi)))
            return -1;
        return rota ? http_rota_post(wsi, hs, s) : http_hours(wsi, hs, s, HUB_HOURS_POST);
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (hs) {
            if (hs->rota_wait && (s = server_of(wsi)) && s->hub)
                hub_rota_cancel(s->hub, wsi);
            hs->rota_post = hs->rota_publish = hs->rota_wait = false;
            if (hs->job && (s = server_of(wsi)) && s->hub) /* gone before its report */
                hub_report_cancel(s->hub, hs->job);
            if (hs->hours_job && (s = server_of(wsi)) && s->hub)
                hub_hours_cancel(s->hub, hs->hours_job);
            hs->job = NULL;
            hs->hours_job = NULL;
            free(hs->post);
            hs->post = NULL;
            hs->post_len = 0;
            hs->ready = false;
            free(hs->body);
            hs->body = NULL;
        }
        break;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return -1; /* an upgrade that named no known subprotocol */
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        s = server_of(wsi);
        if (s && s->hub) {
            hub_auth_ready(s->hub, now_s());
            hub_reports_ready(s->hub, report_done, NULL);
            hub_hours_ready(s->hub, now_s(), hours_done, NULL);
        }
        break;
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
        /* before any byte is read: a source at its cap is hung up at once */
        s = server_of(wsi);
        return !s || !user ||
                       sources_tcp_admit(s->sources,
                                         &((struct lws_filter_network_conn_args *)user)->cli_addr)
                   ? 0
                   : -1;
    case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
        if ((s = server_of(wsi)))
            sources_tcp_opened(s->sources, wsi);
        break;
    case LWS_CALLBACK_WSI_DESTROY:
        if ((s = server_of(wsi)))
            sources_tcp_closed(s->sources, wsi);
        break;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}
