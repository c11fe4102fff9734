/*
 * letters: the in-memory threads and their rules (letters.h).
 */
#include "letters.h"

#include <stdlib.h>
#include <string.h>

#include "chat_err.h"

void letters_init(struct letters *l)
{
    memset(l, 0, sizeof(*l));
}

void letters_fini(struct letters *l)
{
    free(l->t);
    memset(l, 0, sizeof(*l));
}

int letters_find_pickup(const struct letters *l, const uint8_t p[LETTERS_PICKUP_BYTES])
{
    int found = -1;
    for (size_t i = 0; i < l->n; i++) {
        unsigned diff = 0;
        for (size_t k = 0; k < LETTERS_PICKUP_BYTES; k++)
            diff |= (unsigned)(l->t[i].pickup[k] ^ p[k]);
        /* no branch on the bytes: found takes i when diff is 0 */
        unsigned is = (unsigned)(((diff | (0u - diff)) >> 31) ^ 1u);
        found = (int)(is * (unsigned)i + (1u - is) * (unsigned)found);
    }
    return found;
}

int letters_find(const struct letters *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->t[i].id, id) == 0)
            return (int)i;
    return -1;
}

int letters_add(struct letters *l, const struct letter_thread *t)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct letter_thread *n = realloc(l->t, cap * sizeof(*n));
        if (!n)
            return CHAT_ERR_NOMEM;
        l->t = n;
        l->cap = cap;
    }
    l->t[l->n++] = *t;
    return 0;
}

void letters_remove(struct letters *l, size_t i)
{
    if (i < l->n)
        l->t[i] = l->t[--l->n];
}

void letters_letter(struct letter_thread *t, time_t now, int days)
{
    t->last_letter = now;
    t->nitems++;
    if (t->waiting_since < 0) {
        t->waiting_since = now;
        t->due = now + (time_t)days * 86400;
    }
    if (t->state == LETTER_ANSWERED)
        t->state = LETTER_NEW;
}

void letters_answer(struct letter_thread *t, time_t now, long *answer_s, bool *overdue)
{
    *answer_s =
        t->waiting_since >= 0 && now > t->waiting_since ? (long)(now - t->waiting_since) : 0;
    *overdue = t->waiting_since >= 0 && now > t->due;
    t->last_answer = now;
    t->waiting_since = -1;
    t->nitems++;
    t->state = LETTER_ANSWERED;
    t->taken_by[0] = '\0';
}

time_t letters_expires(const struct letter_thread *t, int retention_days)
{
    time_t last = t->last_answer > t->last_letter ? t->last_answer : t->last_letter;
    return last + (time_t)retention_days * 86400;
}

const char *letters_state_name(enum letter_state s)
{
    switch (s) {
    case LETTER_NEW:
        return "new";
    case LETTER_TAKEN:
        return "taken";
    case LETTER_ANSWERED:
        return "answered";
    }
    return "new";
}

bool letters_id_ok(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= LETTERS_ID_MAX && strspn(s, "0123456789abcdef") == n;
}
