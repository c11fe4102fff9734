/*
 * sources: connections counted per source address, in memory, under a keyed
 * hash of the address (never the address itself); the key is random per
 * process and never leaves it.
 *
 * Two counts: TCP connections from accept on, so that idle sockets that
 * never send a request cannot use up the process's file descriptors (a
 * source may hold the budget's tcp_per_source: twice max_conns_per_source,
 * at most a quarter of the connection budget; see fdbudget.h); and
 * WebSockets per source, where behind trusted_proxy the source is the last
 * address of X-Forwarded-For. Connections from trusted_proxy itself are not
 * counted per source (they are everyone's).
 *
 * Every TCP connection, the proxy's too, counts against the budget's conns:
 * past it, or while the server says descriptors ran out anyway, new ones are
 * refused at accept.
 */
#include "sources.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "idmap.h"

struct sources {
    const struct config *cfg;
    struct fdbudget budget;
    struct idmap *tcp; /* hash -> open TCP connections */
    struct idmap *ws;  /* hash -> open WebSockets */
    long open;         /* TCP connections open, from every source */
    bool refuse_all;   /* out of descriptors: no connection is kept */
    uint8_t key[crypto_shorthash_KEYBYTES];
};

/* What a wsi carries for its end (lws's opaque user data): its source, or
 * this for a connection counted only in the total (the proxy's). Hashes
 * are never 0 or 1. */
#define UNSOURCED ((uint64_t)1)

struct sources *sources_new(const struct config *cfg, const struct fdbudget *budget)
{
    struct sources *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cfg = cfg;
    s->budget = *budget;
    s->tcp = idmap_new();
    s->ws = idmap_new();
    crypto_shorthash_keygen(s->key);
    if (!s->tcp || !s->ws) {
        sources_free(s);
        return NULL;
    }
    return s;
}

void sources_free(struct sources *s)
{
    if (!s)
        return;
    idmap_free(s->tcp);
    idmap_free(s->ws);
    sodium_memzero(s->key, sizeof(s->key));
    free(s);
}

/* The address of sa in binary into addr (IPv4, also IPv4-mapped IPv6, as 4
 * bytes); its length, or 0. */
static size_t addr_bytes(const struct sockaddr_storage *sa, unsigned char addr[16])
{
    if (sa->ss_family == AF_INET) {
        memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 4;
    }
    if (sa->ss_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        size_t alen = IN6_IS_ADDR_V4MAPPED(a6) ? 4 : 16;
        memcpy(addr, a6->s6_addr + 16 - alen, alen);
        return alen;
    }
    return 0;
}

static size_t peer_address(struct lws *wsi, unsigned char addr[16])
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    int fd = (int)lws_get_socket_fd(wsi);
    memset(&sa, 0, sizeof(sa));
    if (fd < 0 || getpeername(fd, (struct sockaddr *)&sa, &len) != 0)
        return 0;
    size_t alen = addr_bytes(&sa, addr);
    sodium_memzero(&sa, sizeof(sa));
    return alen;
}

static bool is_proxy(const struct sources *s, const unsigned char *addr, size_t alen)
{
    return alen == (size_t)s->cfg->trusted_proxy_len &&
           memcmp(addr, s->cfg->trusted_proxy, alen) == 0;
}

/* The keyed hash of addr[0..alen): never 0 or UNSOURCED. */
static uint64_t hash_of(const struct sources *s, unsigned char addr[16], size_t alen)
{
    uint8_t out[crypto_shorthash_BYTES];
    uint64_t h;
    crypto_shorthash(out, addr, alen, s->key);
    sodium_memzero(addr, 16);
    memcpy(&h, out, sizeof(h));
    return h > UNSOURCED ? h : UNSOURCED + 1;
}

/* Adds delta to key's count in m (0: just reads it); the new count. */
static long count(struct idmap *m, uint64_t source, long delta)
{
    char key[24];
    snprintf(key, sizeof(key), "%016llx", (unsigned long long)source);
    long n = (long)(intptr_t)idmap_get(m, key) + delta;
    if (n <= 0)
        idmap_del(m, key);
    else if (delta != 0)
        (void)idmap_put(m, key, (void *)(intptr_t)n);
    return n;
}

/* The TCP source of a peer address, or 0 (unknown, or the trusted proxy). */
static uint64_t tcp_source(const struct sources *s, const struct sockaddr_storage *sa)
{
    unsigned char addr[16];
    size_t alen = addr_bytes(sa, addr);
    if (alen == 0 || is_proxy(s, addr, alen)) {
        sodium_memzero(addr, sizeof(addr));
        return 0;
    }
    return hash_of(s, addr, alen);
}

bool sources_tcp_admit(struct sources *s, const struct sockaddr_storage *sa)
{
    if (!s || !sa)
        return true;
    if (s->refuse_all || s->open >= s->budget.conns)
        return false;
    if (s->budget.tcp_per_source <= 0)
        return true;
    uint64_t source = tcp_source(s, sa);
    return !source || count(s->tcp, source, 0) < s->budget.tcp_per_source;
}

void sources_tcp_opened(struct sources *s, struct lws *wsi)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    int fd = (int)lws_get_socket_fd(wsi);
    uint64_t source = 0;
    if (!s)
        return;
    memset(&sa, 0, sizeof(sa));
    if (fd >= 0 && getpeername(fd, (struct sockaddr *)&sa, &len) == 0)
        source = tcp_source(s, &sa);
    sodium_memzero(&sa, sizeof(sa));
    if (source)
        count(s->tcp, source, 1);
    s->open++;
    /* remembered on the wsi for its end */
    lws_set_opaque_user_data(wsi, (void *)(uintptr_t)(source ? source : UNSOURCED));
}

void sources_tcp_closed(struct sources *s, struct lws *wsi)
{
    uint64_t source = (uint64_t)(uintptr_t)lws_get_opaque_user_data(wsi);
    if (!s || !source)
        return;
    if (source != UNSOURCED)
        count(s->tcp, source, -1);
    s->open--;
    lws_set_opaque_user_data(wsi, NULL);
}

void sources_refuse_all(struct sources *s, bool on)
{
    s->refuse_all = on;
}

long sources_ws_cap(const struct sources *s)
{
    return s->budget.ws_per_source;
}

/* Behind trusted_proxy, the client's address is the last item of
 * X-Forwarded-For (the one the proxy wrote). Returns its length in addr, or 0
 * when the header is missing or that item is not an address. */
static size_t forwarded_address(struct lws *wsi, unsigned char addr[16])
{
    char h[512];
    int n = lws_hdr_copy(wsi, h, sizeof(h), WSI_TOKEN_X_FORWARDED_FOR);
    size_t alen = 0;
    if (n > 0) {
        char *last = strrchr(h, ',');
        last = last ? last + 1 : h;
        last += strspn(last, " \t");
        last[strcspn(last, " \t")] = '\0';
        if (inet_pton(AF_INET, last, addr) == 1)
            alen = 4;
        else if (inet_pton(AF_INET6, last, addr) == 1)
            alen = 16;
    }
    sodium_memzero(h, sizeof(h));
    return alen;
}

uint64_t sources_of(struct sources *s, struct lws *wsi)
{
    unsigned char addr[16];
    size_t alen = peer_address(wsi, addr), fwd;
    if (alen == 0)
        return 0;
    if (is_proxy(s, addr, alen) && (fwd = forwarded_address(wsi, addr)))
        alen = fwd;
    return hash_of(s, addr, alen);
}

long sources_ws_count(struct sources *s, uint64_t source, long delta)
{
    return source && s ? count(s->ws, source, delta) : 0;
}
