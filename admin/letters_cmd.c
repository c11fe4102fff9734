/*
 * letters: chatadmin's `letters` commands (contract v3 §3), with OpenSSL 3.
 *
 *   letters keygen --out DIR   an X25519 key pair: DIR/letters.pub (the raw
 *                              public key, base64url, one line, 0644) and
 *                              DIR/letters.key (wrap of its PKCS#8 under the
 *                              passphrase from stdin, JSON, 0600)
 *   letters list               thread, topic, received, due, state
 *   letters purge [--days N]   delete threads past letter_retention_days
 *                              (or N days) after their last letter or answer
 *   letters show THREAD --key FILE
 *                              the thread's letters and answers, opened with
 *                              the letters key (passphrase from stdin)
 *
 * The crypto is the pages' (WebCrypto) exactly: box = X25519 with a fresh
 * key, HKDF-SHA256 (salt epk || PUB, info "chatd letter v1"), AES-256-GCM;
 * wrap = PBKDF2-SHA256 (600000 rounds) and AES-256-GCM. Every secret lives
 * in sodium_malloc'd memory or is wiped with OPENSSL_cleanse.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "chat_err.h"
#include "letters_cmd.h"
#include "proto.h"

#define PBKDF2_ROUNDS 600000
#define KEY_BYTES 32
#define IV_BYTES 12
#define SALT_BYTES 16
#define TAG_BYTES 16
#define PKCS8_MAX 160
static const char info[] = "chatd letter v1";

/* ---- base64url ---------------------------------------------------------------- */

static char *b64u(const uint8_t *b, size_t n)
{
    size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *s = malloc(len);
    if (s)
        sodium_bin2base64(s, len, b, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return s;
}

/* Decodes member key of o into out (at most max bytes); its length, or -1. */
static long member(json_t *o, const char *key, uint8_t *out, size_t max)
{
    const char *s = json_string_value(json_object_get(o, key));
    size_t n = 0;
    if (!s || sodium_base642bin(out, max, s, strlen(s), NULL, &n, NULL,
                                sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    return (long)n;
}

/* ---- AES-256-GCM ----------------------------------------------------------------- */

/* ct (n + TAG_BYTES bytes) of pt under key and iv; 0 or -1. */
static int gcm_seal(const uint8_t key[KEY_BYTES], const uint8_t iv[IV_BYTES], const uint8_t *pt,
                    size_t n, uint8_t *ct)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int len = 0, ok = c && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv) == 1 &&
                      EVP_EncryptUpdate(c, ct, &len, pt, (int)n) == 1 &&
                      EVP_EncryptFinal_ex(c, ct + len, &len) == 1 &&
                      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, ct + n) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? 0 : -1;
}

/* pt (n - TAG_BYTES bytes) of ct (n bytes, tag last); 0 or -1 (a wrong key). */
static int gcm_open(const uint8_t key[KEY_BYTES], const uint8_t iv[IV_BYTES], const uint8_t *ct,
                    size_t n, uint8_t *pt)
{
    if (n < TAG_BYTES)
        return -1;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int len = 0, ok = c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv) == 1 &&
                      EVP_DecryptUpdate(c, pt, &len, ct, (int)(n - TAG_BYTES)) == 1 &&
                      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_BYTES,
                                          (void *)(uintptr_t)(ct + n - TAG_BYTES)) == 1 &&
                      EVP_DecryptFinal_ex(c, pt + len, &len) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? 0 : -1;
}

static int pbkdf2(const char *words, const uint8_t salt[SALT_BYTES], uint8_t key[KEY_BYTES])
{
    return PKCS5_PBKDF2_HMAC(words, (int)strlen(words), salt, SALT_BYTES, PBKDF2_ROUNDS,
                             EVP_sha256(), KEY_BYTES, key) == 1
               ? 0
               : -1;
}

/* ---- keygen ------------------------------------------------------------------------ */

/* Writes text to path, made new (never over a file) with mode. */
static int write_new(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n && fchmod(fd, mode) == 0 && fsync(fd) == 0;
    int e = errno;
    close(fd);
    errno = e;
    return ok ? 0 : -1;
}

/* The JSON of wrap(secret, words) (malloc'd), or NULL. */
static char *wrap_json(const uint8_t *secret, size_t n, const char *words)
{
    uint8_t salt[SALT_BYTES], iv[IV_BYTES], key[KEY_BYTES], ct[PKCS8_MAX + TAG_BYTES];
    char *out = NULL;
    if (n > PKCS8_MAX || RAND_bytes(salt, sizeof(salt)) != 1 || RAND_bytes(iv, sizeof(iv)) != 1 ||
        pbkdf2(words, salt, key) != 0 || gcm_seal(key, iv, secret, n, ct) != 0) {
        OPENSSL_cleanse(key, sizeof(key));
        return NULL;
    }
    OPENSSL_cleanse(key, sizeof(key));
    char *s = b64u(salt, sizeof(salt)), *i = b64u(iv, sizeof(iv)), *c = b64u(ct, n + TAG_BYTES);
    json_t *o = s && i && c ? json_pack("{s:s,s:s,s:s}", "salt", s, "iv", i, "ct", c) : NULL;
    if (o)
        out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    free(s);
    free(i);
    free(c);
    return out;
}

/* Reads the passphrase (one line of stdin) into guarded memory; NULL when
 * missing or shorter than 8 characters (after saying so). */
static char *read_pass(void)
{
    char *buf = admin_read_secret();
    if (buf && strlen(buf) >= 8)
        return buf;
    if (buf)
        sodium_free(buf);
    admin_fail(1, "%s", "a passphrase of at least 8 characters is needed on stdin");
    return NULL;
}

static int keygen(const char *dir)
{
    char pub_path[4096], key_path[4096];
    snprintf(pub_path, sizeof(pub_path), "%s/letters.pub", dir);
    snprintf(key_path, sizeof(key_path), "%s/letters.key", dir);
    int bad = admin_dir_writable(dir);
    if (bad)
        return admin_fail(1, "cannot write the letters key pair into %s: %s", dir, strerror(bad));
    if (access(pub_path, F_OK) == 0 || access(key_path, F_OK) == 0)
        return admin_fail(1, "%s or %s exists; not overwritten", pub_path, key_path);
    char *pass = read_pass();
    if (!pass)
        return 1;
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    uint8_t raw[KEY_BYTES], der[PKCS8_MAX];
    size_t rawlen = sizeof(raw);
    int derlen = 0;
    PKCS8_PRIV_KEY_INFO *p8 = k ? EVP_PKEY2PKCS8(k) : NULL;
    if (p8 && i2d_PKCS8_PRIV_KEY_INFO(p8, NULL) <= PKCS8_MAX) {
        unsigned char *q = der;
        derlen = i2d_PKCS8_PRIV_KEY_INFO(p8, &q);
    }
    bool ok = derlen > 0 && EVP_PKEY_get_raw_public_key(k, raw, &rawlen) == 1;
    char *wrapped = ok ? wrap_json(der, (size_t)derlen, pass) : NULL;
    char *pub = ok ? b64u(raw, rawlen) : NULL;
    OPENSSL_cleanse(der, sizeof(der));
    PKCS8_PRIV_KEY_INFO_free(p8);
    EVP_PKEY_free(k);
    sodium_free(pass);
    int rc = 0;
    if (!wrapped || !pub) {
        rc = admin_fail(1, "%s", "cannot make the letters key pair (OpenSSL failed)");
    } else {
        char line[128];
        snprintf(line, sizeof(line), "%s\n", pub);
        size_t n = strlen(wrapped);
        char *text = malloc(n + 2);
        if (text)
            snprintf(text, n + 2, "%s\n", wrapped);
        if (!text || write_new(key_path, text, 0600) != 0) {
            rc = admin_fail(1, "cannot write %s: %s", key_path, strerror(errno));
        } else if (write_new(pub_path, line, 0644) != 0) {
            rc = admin_fail(1, "cannot write %s: %s", pub_path, strerror(errno));
            unlink(key_path);
        } else {
            printf("wrote %s and %s\n", pub_path, key_path);
        }
        free(text);
    }
    free(wrapped);
    free(pub);
    return rc;
}

/* ---- list, purge -------------------------------------------------------------------- */

static int print_thread(const struct store_letter_thread *t, void *arg)
{
    char received[32], due[32];
    (void)arg;
    proto_time(t->received, received);
    proto_time(t->due, due);
    printf("%s %s %s %s %s\n", t->id, t->topic, received, due, t->answered ? "answered" : "new");
    return 0;
}

static int purge(struct admin *a, int argc, char **argv)
{
    long days = a->cfg->letter_retention_days;
    char *end = NULL;
    if (argc == 4 && strcmp(argv[2], "--days") == 0) {
        errno = 0;
        days = strtol(argv[3], &end, 10);
        if (errno || !*argv[3] || *end || days < 0 || days > 3650)
            return admin_fail(EXIT_USAGE, "bad --days %s: expected 0..3650", argv[3]);
    } else if (argc != 2) {
        return admin_usage();
    }
    if (admin_open_store(a))
        return 1;
    struct store_counts counts = {0};
    int rc = store_letter_purge(a->st, time(NULL) - (time_t)days * 86400);
    if (rc == 0)
        rc = store_commit(a->st, &counts);
    if (rc == 0)
        rc = store_reclaim(a->st);
    if (rc != 0)
        return admin_fail(1, "cannot purge letters: %s", admin_why(a, rc));
    printf("deleted %ld letter threads whose last letter or answer is %ld days old or more\n",
           counts.letters_purged, days);
    return 0;
}

/* ---- show ------------------------------------------------------------------------------ */

/* The letters key (its private half, and the raw public key) from the
 * wrapped key file and the passphrase. */
static EVP_PKEY *unwrap_key(const char *file, const char *pass, uint8_t pub[KEY_BYTES])
{
    json_t *o = json_load_file(file, JSON_REJECT_DUPLICATES, NULL);
    uint8_t salt[SALT_BYTES + 1], iv[IV_BYTES + 1], ct[PKCS8_MAX + TAG_BYTES], key[KEY_BYTES];
    uint8_t der[PKCS8_MAX];
    long nct = o ? member(o, "ct", ct, sizeof(ct)) : -1;
    bool ok = nct > TAG_BYTES && member(o, "salt", salt, sizeof(salt)) == SALT_BYTES &&
              member(o, "iv", iv, sizeof(iv)) == IV_BYTES && pbkdf2(pass, salt, key) == 0 &&
              gcm_open(key, iv, ct, (size_t)nct, der) == 0;
    json_decref(o);
    OPENSSL_cleanse(key, sizeof(key));
    EVP_PKEY *k = NULL;
    if (ok) {
        const unsigned char *q = der;
        PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, nct - TAG_BYTES);
        k = p8 ? EVP_PKCS82PKEY(p8) : NULL;
        PKCS8_PRIV_KEY_INFO_free(p8);
    }
    OPENSSL_cleanse(der, sizeof(der));
    size_t n = KEY_BYTES;
    if (k && (EVP_PKEY_get_raw_public_key(k, pub, &n) != 1 || n != KEY_BYTES)) {
        EVP_PKEY_free(k);
        k = NULL;
    }
    return k;
}

/* HKDF-SHA256(ikm, salt, info) into key. */
static int hkdf(const uint8_t *ikm, size_t n, const uint8_t *salt, size_t nsalt,
                uint8_t key[KEY_BYTES])
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *c = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)(uintptr_t) "SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(uintptr_t)ikm, n),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)(uintptr_t)salt, nsalt),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)(uintptr_t)info,
                                          sizeof(info) - 1),
        OSSL_PARAM_construct_end(),
    };
    int rc = c && EVP_KDF_derive(c, key, KEY_BYTES, p) == 1 ? 0 : -1;
    EVP_KDF_CTX_free(c);
    EVP_KDF_free(kdf);
    return rc;
}

/* Opens box (stored JSON) with k (raw public key pub) into malloc'd text, or NULL. */
static char *open_box(EVP_PKEY *k, const uint8_t pub[KEY_BYTES], const char *box)
{
    json_t *o = json_loads(box, 0, NULL);
    uint8_t epk[KEY_BYTES + 1], iv[IV_BYTES + 1], salt[2 * KEY_BYTES], shared[KEY_BYTES],
        key[KEY_BYTES];
    size_t cap = PROTO_BOX_CT_MAX + 4, nshared = sizeof(shared);
    uint8_t *ct = malloc(cap);
    char *text = NULL;
    long nct = o && ct ? member(o, "ct", ct, cap) : -1;
    EVP_PKEY *peer = NULL;
    EVP_PKEY_CTX *c = NULL;
    bool ok = nct > TAG_BYTES && member(o, "epk", epk, sizeof(epk)) == KEY_BYTES &&
              member(o, "iv", iv, sizeof(iv)) == IV_BYTES &&
              (peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, epk, KEY_BYTES)) &&
              (c = EVP_PKEY_CTX_new(k, NULL)) && EVP_PKEY_derive_init(c) == 1 &&
              EVP_PKEY_derive_set_peer(c, peer) == 1 && EVP_PKEY_derive(c, shared, &nshared) == 1 &&
              nshared == KEY_BYTES;
    if (ok) {
        memcpy(salt, epk, KEY_BYTES);
        memcpy(salt + KEY_BYTES, pub, KEY_BYTES);
        text = malloc((size_t)nct - TAG_BYTES + 1);
        ok = text && hkdf(shared, KEY_BYTES, salt, sizeof(salt), key) == 0 &&
             gcm_open(key, iv, ct, (size_t)nct, (uint8_t *)text) == 0;
        if (text && ok)
            text[nct - TAG_BYTES] = '\0';
    }
    OPENSSL_cleanse(shared, sizeof(shared));
    OPENSSL_cleanse(key, sizeof(key));
    if (!ok && text) {
        free(text);
        text = NULL;
    }
    EVP_PKEY_CTX_free(c);
    EVP_PKEY_free(peer);
    json_decref(o);
    free(ct);
    return text;
}

struct show {
    EVP_PKEY *k;
    uint8_t pub[KEY_BYTES];
    int failed;
};

static int show_thread(const struct store_letter_thread *t, void *arg)
{
    (void)arg;
    return print_thread(t, NULL);
}

static int show_item(int from_worker, time_t at, const char *org_box, const char *writer_box,
                     void *arg)
{
    struct show *s = arg;
    char when[32];
    (void)writer_box;
    proto_time(at, when);
    char *text = open_box(s->k, s->pub, org_box);
    printf("--- %s %s\n", from_worker ? "worker" : "visitor", when);
    if (text) {
        printf("%s\n", text);
        OPENSSL_cleanse(text, strlen(text));
        free(text);
    } else {
        printf("(does not open with this key)\n");
        s->failed++;
    }
    return 0;
}

static int show(struct admin *a, int argc, char **argv)
{
    if (argc != 5 || strcmp(argv[3], "--key") != 0)
        return admin_usage();
    if (admin_open_store(a))
        return 1;
    char *pass = read_pass();
    if (!pass)
        return 1;
    struct show s = {0};
    s.k = unwrap_key(argv[4], pass, s.pub);
    sodium_free(pass);
    if (!s.k)
        return admin_fail(
            1, "cannot open the letters key %s (wrong passphrase or not a letters.key)", argv[4]);
    int rc = store_letter_read(a->st, argv[2], show_thread, show_item, &s);
    EVP_PKEY_free(s.k);
    if (rc == CHAT_ERR_NOT_FOUND)
        return admin_fail(1, "no letter thread %s", argv[2]);
    if (rc != 0)
        return admin_fail(1, "cannot read the database: %s", admin_why(a, rc));
    return s.failed ? admin_fail(1, "%d item(s) did not open with this key", s.failed) : 0;
}

int letters_cmd(struct admin *a, int argc, char **argv)
{
    if (argc < 2)
        return admin_usage();
    if (strcmp(argv[1], "keygen") == 0)
        return argc == 4 && strcmp(argv[2], "--out") == 0 ? keygen(argv[3]) : admin_usage();
    if (strcmp(argv[1], "show") == 0)
        return show(a, argc, argv);
    if (strcmp(argv[1], "purge") == 0)
        return purge(a, argc, argv);
    if (strcmp(argv[1], "list") == 0 && argc == 2) {
        if (admin_open_store(a))
            return 1;
        int rc = store_letter_thread_each(a->st, print_thread, NULL);
        return rc ? admin_fail(1, "cannot read the database: %s", admin_why(a, rc)) : 0;
    }
    return admin_usage();
}
