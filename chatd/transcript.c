/*
 * transcript: key files, per-chat keys and message encryption.
 *
 * Invariant: a struct transcript_key's bytes exist only in sodium_malloc'd,
 * guarded memory and are zeroed by sodium_free when the key is freed.
 */
#include "transcript.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chat_err.h"

#define KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define B64 sodium_base64_VARIANT_ORIGINAL
#define PUB_TAG "chatd-transcript-pub-v1"
#define SEC_TAG "chatd-transcript-key-v1"

struct transcript_key {
    uint8_t bytes[KEY_BYTES];
};

static void b64(char *out, size_t outlen, const uint8_t *in, size_t len)
{
    sodium_bin2base64(out, outlen, in, len, B64);
}

static int unb64(uint8_t *out, size_t want, const char *in)
{
    size_t got;
    if (sodium_base642bin(out, want, in, strlen(in), NULL, &got, NULL, B64) != 0 || got != want)
        return CHAT_ERR_CRYPTO;
    return 0;
}

static int write_new_file(const char *path, mode_t mode, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0)
        return errno == EEXIST ? CHAT_ERR_EXISTS : CHAT_ERR_IO;
    size_t len = strlen(text);
    int rc = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : CHAT_ERR_IO;
    close(fd);
    return rc;
}

static int read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return CHAT_ERR_IO;
    int rc = fgets(buf, (int)size, f) ? 0 : CHAT_ERR_IO;
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return rc;
}

/* The symmetric key that wraps the secret key, from passphrase and salt. */
static int derive(uint8_t key[crypto_secretbox_KEYBYTES], const char *passphrase,
                  const uint8_t *salt, unsigned long long ops, size_t mem)
{
    if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase, strlen(passphrase), salt, ops,
                      mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return CHAT_ERR_NOMEM;
    return 0;
}

int transcript_keygen(const char *dir, const char *passphrase)
{
    uint8_t pk[crypto_box_PUBLICKEYBYTES], salt[crypto_pwhash_SALTBYTES];
    uint8_t nonce[crypto_secretbox_NONCEBYTES], wrap[crypto_secretbox_KEYBYTES];
    uint8_t ct[crypto_box_SECRETKEYBYTES + crypto_secretbox_MACBYTES];
    uint8_t *sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
    char pubpath[4096], secpath[4096], line[1024], s1[64], s2[64], s3[128], s4[64];
    unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    int rc;

    if (!sk)
        return CHAT_ERR_NOMEM;
    snprintf(pubpath, sizeof(pubpath), "%s/transcript.pub", dir);
    snprintf(secpath, sizeof(secpath), "%s/transcript.key", dir);
    if (access(pubpath, F_OK) == 0 || access(secpath, F_OK) == 0) {
        sodium_free(sk);
        return CHAT_ERR_EXISTS;
    }
    crypto_box_keypair(pk, sk);
    randombytes_buf(salt, sizeof(salt));
    randombytes_buf(nonce, sizeof(nonce));
    rc = derive(wrap, passphrase, salt, ops, mem);
    if (rc == 0) {
        crypto_secretbox_easy(ct, sk, crypto_box_SECRETKEYBYTES, nonce, wrap);
        b64(s1, sizeof(s1), salt, sizeof(salt));
        b64(s2, sizeof(s2), nonce, sizeof(nonce));
        b64(s3, sizeof(s3), ct, sizeof(ct));
        snprintf(line, sizeof(line), "%s %llu %zu %s %s %s\n", SEC_TAG, ops, mem, s1, s2, s3);
        rc = write_new_file(secpath, 0600, line);
    }
    if (rc == 0) {
        b64(s4, sizeof(s4), pk, sizeof(pk));
        snprintf(line, sizeof(line), "%s %s\n", PUB_TAG, s4);
        rc = write_new_file(pubpath, 0644, line);
    }
    sodium_memzero(wrap, sizeof(wrap));
    sodium_free(sk);
    return rc;
}

int transcript_load_pub(const char *path, uint8_t pub[TRANSCRIPT_PUB_BYTES])
{
    char line[256], tag[32], key[128];
    if (read_line(path, line, sizeof(line)) != 0)
        return CHAT_ERR_IO;
    if (sscanf(line, "%31s %127s", tag, key) != 2 || strcmp(tag, PUB_TAG) != 0)
        return CHAT_ERR_CRYPTO;
    return unb64(pub, TRANSCRIPT_PUB_BYTES, key);
}

int transcript_load_secret(const char *path, const char *passphrase, uint8_t *sk, uint8_t *pk)
{
    char line[1024], tag[32], s1[64], s2[64], s3[128];
    unsigned long long ops;
    size_t mem;
    uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
    uint8_t ct[crypto_box_SECRETKEYBYTES + crypto_secretbox_MACBYTES],
        wrap[crypto_secretbox_KEYBYTES];

    if (read_line(path, line, sizeof(line)) != 0)
        return CHAT_ERR_IO;
    char ops_text[24], mem_text[24], *end_ops, *end_mem;
    if (sscanf(line, "%31s %23s %23s %63s %63s %127s", tag, ops_text, mem_text, s1, s2, s3) != 6)
        return CHAT_ERR_CRYPTO;
    ops = strtoull(ops_text, &end_ops, 10);
    mem = (size_t)strtoull(mem_text, &end_mem, 10);
    if (*end_ops || *end_mem || strcmp(tag, SEC_TAG) != 0 ||
        ops > crypto_pwhash_OPSLIMIT_SENSITIVE || mem > crypto_pwhash_MEMLIMIT_SENSITIVE ||
        unb64(salt, sizeof(salt), s1) || unb64(nonce, sizeof(nonce), s2) ||
        unb64(ct, sizeof(ct), s3))
        return CHAT_ERR_CRYPTO;
    int rc = derive(wrap, passphrase, salt, ops, mem);
    if (rc == 0 && crypto_secretbox_open_easy(sk, ct, sizeof(ct), nonce, wrap) != 0)
        rc = CHAT_ERR_CRYPTO;
    if (rc == 0)
        crypto_scalarmult_base(pk, sk);
    sodium_memzero(wrap, sizeof(wrap));
    return rc;
}

struct transcript_key *transcript_key_new(const uint8_t pub[TRANSCRIPT_PUB_BYTES], uint8_t *sealed)
{
    struct transcript_key *k = sodium_malloc(sizeof(*k));
    if (!k)
        return NULL;
    crypto_aead_xchacha20poly1305_ietf_keygen(k->bytes);
    if (crypto_box_seal(sealed, k->bytes, KEY_BYTES, pub) != 0) {
        sodium_free(k);
        return NULL;
    }
    return k;
}

struct transcript_key *transcript_key_open(const uint8_t *sealed, const uint8_t *pk,
                                           const uint8_t *sk)
{
    struct transcript_key *k = sodium_malloc(sizeof(*k));
    if (!k)
        return NULL;
    if (crypto_box_seal_open(k->bytes, sealed, TRANSCRIPT_SEALED_BYTES, pk, sk) != 0) {
        sodium_free(k);
        return NULL;
    }
    return k;
}

void transcript_key_free(struct transcript_key *k)
{
    if (k)
        sodium_free(k);
}

/* Associated data: "chat/segment/seq" (a whisper: "chat/segment/wN"; before
 * seqs were bound: "chat/segment"), binding a ciphertext to its place. */
static size_t make_ad(char *ad, size_t size, const char *chat, int segment, int64_t seq)
{
    int n = seq > 0   ? snprintf(ad, size, "%s/%d/%lld", chat, segment, (long long)seq)
            : seq < 0 ? snprintf(ad, size, "%s/%d/w%lld", chat, segment, -(long long)seq)
                      : snprintf(ad, size, "%s/%d", chat, segment);
    return n < 0 ? 0 : (size_t)n;
}

int transcript_seal_msg(const struct transcript_key *k, const char *chat, int segment, int64_t seq,
                        const void *plain, size_t len, uint8_t nonce[TRANSCRIPT_NONCE_BYTES],
                        uint8_t **ct, size_t *ctlen)
{
    char ad[128];
    size_t adlen = make_ad(ad, sizeof(ad), chat, segment, seq);
    unsigned long long clen;
    *ct = malloc(len + TRANSCRIPT_TAG_BYTES);
    if (!*ct)
        return CHAT_ERR_NOMEM;
    randombytes_buf(nonce, TRANSCRIPT_NONCE_BYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt(*ct, &clen, plain, len, (const uint8_t *)ad, adlen,
                                               NULL, nonce, k->bytes);
    *ctlen = (size_t)clen;
    return 0;
}

int transcript_open_msg(const struct transcript_key *k, const char *chat, int segment, int64_t seq,
                        const uint8_t *nonce, const uint8_t *ct, size_t ctlen, char **plain,
                        size_t *len)
{
    char ad[128];
    size_t adlen = make_ad(ad, sizeof(ad), chat, segment, seq);
    unsigned long long plen;
    if (ctlen < TRANSCRIPT_TAG_BYTES)
        return CHAT_ERR_CRYPTO;
    *plain = malloc(ctlen - TRANSCRIPT_TAG_BYTES + 1);
    if (!*plain)
        return CHAT_ERR_NOMEM;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt((uint8_t *)*plain, &plen, NULL, ct, ctlen,
                                                   (const uint8_t *)ad, adlen, nonce,
                                                   k->bytes) != 0) {
        free(*plain);
        *plain = NULL;
        return CHAT_ERR_CRYPTO;
    }
    (*plain)[plen] = '\0';
    *len = (size_t)plen;
    return 0;
}
