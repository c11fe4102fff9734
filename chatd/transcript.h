/*
 * transcript: the cryptography of stored transcripts (contract §5).
 *
 * The daemon holds only the public key (transcript.pub). Each chat gets a
 * fresh random AEAD key in sodium_malloc'd memory, sealed to the public key
 * with a libsodium sealed box; the sealed copy is what is stored, the key
 * itself is wiped when the chat ends. Each message is encrypted with
 * XChaCha20-Poly1305 under a random nonce, with the chat id, key segment and
 * message seq as associated data, so a ciphertext can be moved neither to
 * another chat nor to another place in its chat (messages sealed before the
 * seq was bound have seq 0 here: their associated data is chat/segment).
 * Opening needs the secret key, kept in transcript.key encrypted under a
 * passphrase (argon2id + secretbox); only chatadmin ever opens it.
 *
 * Key files are one text line: "chatd-transcript-pub-v1 BASE64" and
 * "chatd-transcript-key-v1 OPSLIMIT MEMLIMIT SALT NONCE CIPHERTEXT" (base64).
 */
#ifndef TRANSCRIPT_H
#define TRANSCRIPT_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#define TRANSCRIPT_PUB_BYTES crypto_box_PUBLICKEYBYTES
#define TRANSCRIPT_SEALED_BYTES (crypto_aead_xchacha20poly1305_ietf_KEYBYTES + crypto_box_SEALBYTES)
#define TRANSCRIPT_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TRANSCRIPT_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

/* A chat's key, in guarded memory. */
struct transcript_key;

/* Makes a key pair and writes DIR/transcript.pub and DIR/transcript.key (0600),
 * the latter encrypted under passphrase. Refuses to overwrite (CHAT_ERR_EXISTS). */
int transcript_keygen(const char *dir, const char *passphrase) __attribute__((warn_unused_result));

/* Reads a public key file into pub. */
int transcript_load_pub(const char *path, uint8_t pub[TRANSCRIPT_PUB_BYTES])
    __attribute__((warn_unused_result));

/* Reads and decrypts a secret key file; sk (crypto_box_SECRETKEYBYTES) and pk
 * are filled. CHAT_ERR_CRYPTO on a wrong passphrase. The caller wipes sk. */
int transcript_load_secret(const char *path, const char *passphrase, uint8_t *sk, uint8_t *pk)
    __attribute__((warn_unused_result));

/* A new random chat key; its sealed form (TRANSCRIPT_SEALED_BYTES) goes to sealed.
 * Returns NULL when out of memory. */
struct transcript_key *transcript_key_new(const uint8_t pub[TRANSCRIPT_PUB_BYTES], uint8_t *sealed);

/* Opens a sealed chat key with the secret key; NULL when it does not open. */
struct transcript_key *transcript_key_open(const uint8_t *sealed, const uint8_t *pk,
                                           const uint8_t *sk);

/* Wipes and frees k (NULL is fine). */
void transcript_key_free(struct transcript_key *k);

/* Encrypts plain (len bytes) as message seq of chat/segment: seq >= 1 is a
 * message of the chat, seq <= -1 whisper number -seq (its own sequence:
 * the associated data tells the two apart, so neither can pass for the
 * other). Writes a random nonce and returns a malloc'd ciphertext of len +
 * TRANSCRIPT_TAG_BYTES in *ct. */
int transcript_seal_msg(const struct transcript_key *k, const char *chat, int segment, int64_t seq,
                        const void *plain, size_t len, uint8_t nonce[TRANSCRIPT_NONCE_BYTES],
                        uint8_t **ct, size_t *ctlen) __attribute__((warn_unused_result));

/* Decrypts ct (message seq of chat/segment as above; seq 0: sealed before
 * the seq was bound) into a malloc'd, NUL-terminated *plain;
 * CHAT_ERR_CRYPTO when it does not authenticate. */
int transcript_open_msg(const struct transcript_key *k, const char *chat, int segment, int64_t seq,
                        const uint8_t *nonce, const uint8_t *ct, size_t ctlen, char **plain,
                        size_t *len) __attribute__((warn_unused_result));

#endif
