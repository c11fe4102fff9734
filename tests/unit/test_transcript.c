/*
 * test_transcript: key files and message encryption round trip, and that
 * nothing opens without the right key, passphrase, chat or segment.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chat_err.h"
#include "transcript.h"

struct keys {
    char dir[64];
    uint8_t pub[TRANSCRIPT_PUB_BYTES];
    uint8_t pk[crypto_box_PUBLICKEYBYTES];
    uint8_t sk[crypto_box_SECRETKEYBYTES];
};

static int setup(void **state)
{
    struct keys *k = calloc(1, sizeof(*k));
    char path[128];
    strcpy(k->dir, "/tmp/chatd-test-XXXXXX");
    if (sodium_init() < 0 || !mkdtemp(k->dir) || transcript_keygen(k->dir, "passphrase-1") != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/transcript.pub", k->dir);
    if (transcript_load_pub(path, k->pub) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/transcript.key", k->dir);
    if (transcript_load_secret(path, "passphrase-1", k->sk, k->pk) != 0)
        return -1;
    *state = k;
    return 0;
}

static int teardown(void **state)
{
    struct keys *k = *state;
    char path[128];
    snprintf(path, sizeof(path), "%s/transcript.pub", k->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/transcript.key", k->dir);
    unlink(path);
    rmdir(k->dir);
    free(k);
    return 0;
}

static void test_keypair_matches(void **state)
{
    struct keys *k = *state;
    assert_memory_equal(k->pub, k->pk, TRANSCRIPT_PUB_BYTES);
}

static void test_keygen_refuses_to_overwrite(void **state)
{
    struct keys *k = *state;
    assert_int_equal(transcript_keygen(k->dir, "other-pass"), CHAT_ERR_EXISTS);
}

static void test_wrong_passphrase_is_refused(void **state)
{
    struct keys *k = *state;
    char path[128];
    uint8_t sk[crypto_box_SECRETKEYBYTES], pk[crypto_box_PUBLICKEYBYTES];
    snprintf(path, sizeof(path), "%s/transcript.key", k->dir);
    assert_int_equal(transcript_load_secret(path, "wrong", sk, pk), CHAT_ERR_CRYPTO);
}

static void test_message_round_trip(void **state)
{
    struct keys *k = *state;
    uint8_t sealed[TRANSCRIPT_SEALED_BYTES], nonce[TRANSCRIPT_NONCE_BYTES];
    uint8_t *ct;
    size_t ctlen, len;
    char *plain;
    const char *text = "{\"seq\":1,\"text\":\"hei, äiti\"}";
    struct transcript_key *key = transcript_key_new(k->pub, sealed);
    assert_non_null(key);
    assert_int_equal(
        transcript_seal_msg(key, "chat1", 0, 1, text, strlen(text), nonce, &ct, &ctlen), 0);
    assert_int_equal(ctlen, strlen(text) + TRANSCRIPT_TAG_BYTES);
    assert_null(memmem(ct, ctlen, "hei", 3));
    transcript_key_free(key);

    struct transcript_key *opened = transcript_key_open(sealed, k->pk, k->sk);
    assert_non_null(opened);
    assert_int_equal(transcript_open_msg(opened, "chat1", 0, 1, nonce, ct, ctlen, &plain, &len), 0);
    assert_string_equal(plain, text);
    free(plain);
    /* bound to its chat, segment and place in the chat */
    assert_int_equal(transcript_open_msg(opened, "chat2", 0, 1, nonce, ct, ctlen, &plain, &len),
                     CHAT_ERR_CRYPTO);
    assert_int_equal(transcript_open_msg(opened, "chat1", 1, 1, nonce, ct, ctlen, &plain, &len),
                     CHAT_ERR_CRYPTO);
    assert_int_equal(transcript_open_msg(opened, "chat1", 0, 2, nonce, ct, ctlen, &plain, &len),
                     CHAT_ERR_CRYPTO);
    assert_int_equal(transcript_open_msg(opened, "chat1", 0, 0, nonce, ct, ctlen, &plain, &len),
                     CHAT_ERR_CRYPTO);
    /* a message cannot pass for whisper 1, nor a whisper for message 1 */
    assert_int_equal(transcript_open_msg(opened, "chat1", 0, -1, nonce, ct, ctlen, &plain, &len),
                     CHAT_ERR_CRYPTO);
    uint8_t wnonce[TRANSCRIPT_NONCE_BYTES], *wct;
    size_t wlen;
    assert_int_equal(
        transcript_seal_msg(key, "chat1", 0, -1, text, strlen(text), wnonce, &wct, &wlen), 0);
    assert_int_equal(transcript_open_msg(opened, "chat1", 0, 1, wnonce, wct, wlen, &plain, &len),
                     CHAT_ERR_CRYPTO);
    assert_int_equal(transcript_open_msg(opened, "chat1", 0, -1, wnonce, wct, wlen, &plain, &len),
                     0);
    free(plain);
    free(wct);
    ct[0] ^= 1;
    assert_int_equal(transcript_open_msg(opened, "chat1", 0, 1, nonce, ct, ctlen, &plain, &len),
                     CHAT_ERR_CRYPTO);
    transcript_key_free(opened);
    free(ct);
}

static void test_sealed_key_needs_the_secret_key(void **state)
{
    struct keys *k = *state;
    uint8_t sealed[TRANSCRIPT_SEALED_BYTES];
    uint8_t pk2[crypto_box_PUBLICKEYBYTES], sk2[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(pk2, sk2);
    struct transcript_key *key = transcript_key_new(k->pub, sealed);
    transcript_key_free(key);
    assert_null(transcript_key_open(sealed, pk2, sk2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keypair_matches),
        cmocka_unit_test(test_keygen_refuses_to_overwrite),
        cmocka_unit_test(test_wrong_passphrase_is_refused),
        cmocka_unit_test(test_message_round_trip),
        cmocka_unit_test(test_sealed_key_needs_the_secret_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
