/*
 * proto_letters: the letters' part of the wire (contract v3 §3): the
 * base64url fields of boxes and wraps, checked to their exact sizes, and
 * the frames that carry them.
 *
 * The server never opens a box: it checks that each field is canonical
 * base64url (no padding) of the size the crypto gives, rebuilds the box as
 * its own compact JSON {"epk","iv","ct"} (so nothing else a client added is
 * ever stored), and writes stored boxes back into frames as they are.
 */
#ifndef PROTO_LETTERS_H
#define PROTO_LETTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define PROTO_LETTER_CHARS 8000 /* characters of a letter or answer (the page counts) */
/* A box's ct: at most 8,000 characters of UTF-8 (4 bytes each at most)
 * and the 16-byte GCM tag; at least the tag and one byte. */
#define PROTO_BOX_CT_MIN 17
#define PROTO_BOX_CT_MAX (4 * PROTO_LETTER_CHARS + 16)
/* A wrap's ct: an X25519 private key in PKCS#8 (48 bytes) and the tag,
 * with room for the optional public key some encoders add. */
#define PROTO_WRAP_CT_MIN 48
#define PROTO_WRAP_CT_MAX 160
#define PROTO_PICKUP_BYTES 32 /* SHA-256 of the code */
#define PROTO_THREAD_MAX 32   /* bytes in a thread id */
/* The largest frame a letter request can be (two boxes and the rest):
 * while letters are on, visitor and worker frames may be this large even
 * when max_message_bytes is smaller. */
#define PROTO_LETTER_FRAME_MAX ((size_t)96 * 1024)

/* A box or a wrap as decoded: each field canonical base64url of its size. */
struct proto_box {
    const char *epk, *iv, *ct;
};
struct proto_wrap {
    const char *salt, *iv, *ct;
};

/* Bytes that s, canonical unpadded base64url, decodes to; -1 when s is not
 * that (another character, a length of 4k+1, or unused bits not zero). */
long proto_b64url_bytes(const char *s);

/* The compact JSON text of a box / wrap (malloc'd; NULL when out of memory). */
char *proto_box_text(const struct proto_box *b);
char *proto_wrap_text(const struct proto_wrap *w);

/* One letter or answer of a thread; box is stored JSON text (proto_box_text). */
struct proto_letter_item {
    bool from_worker;
    time_t at;
    const char *box;
};

/* A thread as workers see it in `letters`. */
struct proto_letter_thread {
    const char *thread, *topic, *lang; /* lang NULL: null */
    time_t received, due;
    const char *state;     /* "new" | "taken" | "answered" */
    const char *taken_by;  /* alias, or NULL */
    const char *reply_pub; /* an addition: the key a letter_answer's reply is boxed to */
    const struct proto_letter_item *items;
    size_t nitems;
};

/* {"type":"letter_sent","thread","due"}. */
char *proto_letter_sent(const char *thread, time_t due, const char *ref);
/* The visitor's {"type":"letters","thread","due","reply_pub","reply_key","items"};
 * reply_key is stored JSON text (proto_wrap_text). */
char *proto_letters_visitor(const char *thread, time_t due, const char *reply_pub,
                            const char *reply_key, const struct proto_letter_item *items, size_t n,
                            const char *ref);
/* The worker's {"type":"letters","threads":[...]}; more adds "more": true
 * (the list was cut to fit a frame). */
char *proto_letters_list(const struct proto_letter_thread *t, size_t n, bool more, const char *ref);
/* {"type":"letters_key","pub","wrapped"}; wrapped is JSON text. */
char *proto_letters_key(const char *pub, const char *wrapped, const char *ref);

#endif
