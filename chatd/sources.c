/*
 * sources: connections counted per source address, in memory, under a keyed
 * hash of the address (never the address itself); the key is random per
 * process and never leaves it.
 *
 * Two counts: TCP connections from accept on, so that idle sockets that
 * never send a request cannot use up the process's file descriptors (a
 * source may hold twice max_conns_per_source: its WebSockets are capped at
 * the handshake, with an answer, and the rest of the room is for page
 * loads); and WebSockets per source, where behind trusted_proxy the source
 * is the last address of X-Forwarded-For. Connections from trusted_proxy
 * itself are not counted as TCP (they are everyone's).
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
    struct idmap *tcp; /* hash -> open TCP connections */
    struct idmap *ws;  /* hash -> open WebSockets */
    uint8_t key[crypto_shorthash_KEYBYTES];
};

struct sources *sources_new(const struct config *cfg)
{
    struct sources *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cfg = cfg;
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

/* The keyed hash of addr[0..alen): never 0. */
static uint64_t hash_of(const struct sources *s, unsigned char addr[16], size_t alen)
{
    uint8_t out[crypto_shorthash_BYTES];
    uint64_t h;
    crypto_shorthash(out, addr, alen, s->key);
    sodium_memzero(addr, 16);
    memcpy(&h, out, sizeof(h));
    return h ? h : 1;
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
    if (!s || !sa || s->cfg->max_conns_per_source <= 0)
        return true;
    uint64_t source = tcp_source(s, sa);
    return !source || count(s->tcp, source, 0) < 2L * s->cfg->max_conns_per_source;
}

void sources_tcp_opened(struct sources *s, struct lws *wsi)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    int fd = (int)lws_get_socket_fd(wsi);
    memset(&sa, 0, sizeof(sa));
    if (!s || fd < 0 || getpeername(fd, (struct sockaddr *)&sa, &len) != 0)
        return;
    uint64_t source = tcp_source(s, &sa);
    sodium_memzero(&sa, sizeof(sa));
    if (source) { /* remembered on the wsi for its end */
        count(s->tcp, source, 1);
        lws_set_opaque_user_data(wsi, (void *)(uintptr_t)source);
    }
}

void sources_tcp_closed(struct sources *s, struct lws *wsi)
{
    uint64_t source = (uint64_t)(uintptr_t)lws_get_opaque_user_data(wsi);
    if (s && source) {
        count(s->tcp, source, -1);
        lws_set_opaque_user_data(wsi, NULL);
    }
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
