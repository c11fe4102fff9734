/*
 * auth: password verification off the event loop, and session tokens.
 *
 * argon2id verification takes tens of milliseconds by design, so it runs on
 * worker threads (auth_threads of them, at a lower priority than the event
 * loop). The loop submits a job and goes on; a thread verifies,
 * queues the result and wakes the loop (the wake callback, which the shell
 * maps to lws_cancel_service). auth_poll() on the loop thread then hands
 * each finished job back. A job whose owner went away is cancelled with
 * auth_cancel() and its result is dropped.
 *
 * Passwords are copied into sodium_malloc'd memory and wiped after use.
 * Unknown users are verified against a dummy hash so timing does not tell
 * whether a name exists.
 */
#ifndef AUTH_H
#define AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define AUTH_TOKEN_BYTES 32 /* random bytes of a session token */
#define AUTH_TOKEN_CHARS 44 /* its base64url text, no padding: 43 + NUL */
#define AUTH_TOKEN_TTL_S ((time_t)12 * 3600)

struct auth;
struct auth_job;

/* Starts threads (1..AUTH_THREADS_MAX) verifiers. wake(arg) is called from
 * them. */
struct auth *auth_new(int threads, void (*wake)(void *arg), void *arg);

/* Stops the thread and frees everything, pending jobs included. */
void auth_free(struct auth *a);

/* Queues verification of password against pwhash (NULL: unknown user).
 * owner is handed back by auth_poll. Returns NULL when out of memory. */
struct auth_job *auth_submit(struct auth *a, void *owner, const char *user, const char *pwhash,
                             const char *password);

/* Drops a job's owner: its result will not be delivered. Returns the owner
 * (for the caller to free). */
void *auth_cancel(struct auth *a, struct auth_job *job);

/* On the loop thread: calls done(owner, user, ok, arg) for each finished job. */
void auth_poll(struct auth *a, void (*done)(void *owner, const char *user, bool ok, void *arg),
               void *arg);

/* The argon2id cost of every stored password, and of the dummy check of an
 * unknown user (so both take the same time): OWASP's Password Storage Cheat
 * Sheet's first choice for argon2id, m = 19 MiB, t = 2, p = 1 (libsodium's
 * "interactive" was 64 MiB: logins waited seconds when 20 came a second).
 * Hashes stored at another cost still verify, at theirs. */
#define AUTH_PWHASH_OPSLIMIT 2
#define AUTH_PWHASH_MEMLIMIT ((size_t)19 * 1024 * 1024)
#define AUTH_THREADS_MAX 16
#define AUTH_PWHASH_CHARS 128 /* crypto_pwhash_STRBYTES */

/* Hashes password for storing, at the cost above; 0 or CHAT_ERR_NOMEM. */
int auth_hash_password(char out[AUTH_PWHASH_CHARS], const char *password)
    __attribute__((warn_unused_result));

/* The hash unknown users are checked against (for tests: its cost). */
const char *auth_dummy_hash(const struct auth *a);

/* Makes a new random token (text) and its storage hash. */
void auth_token_new(char token[AUTH_TOKEN_CHARS], uint8_t hash[32]);

/* The storage hash of a token text (BLAKE2b, keyless: tokens are random). */
void auth_token_hash(const char *token, uint8_t hash[32]);

/* True when secret a equals b (len bytes each), in time that does not depend
 * on where they differ. */
bool auth_equal(const void *a, const void *b, size_t len);

#endif
