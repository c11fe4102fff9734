/*
 * auth: verifier threads with an in and an out queue under one mutex.
 *
 * Invariant: a job is on exactly one of todo, done, or in the thread's
 * hands; `owner == NULL` marks a cancelled job, freed when it comes out.
 */
#include "auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "chat_err.h"
#include "store.h"

struct auth_job {
    struct auth_job *next;
    void *owner;
    char user[STORE_NAME_MAX + 1];
    char pwhash[STORE_HASH_MAX + 1]; /* "" for an unknown user */
    char *password;                  /* sodium_malloc'd */
    bool ok;
};

struct auth {
    pthread_t threads[AUTH_THREADS_MAX];
    int nthreads;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct auth_job *todo, *todo_tail, *done;
    bool stop;
    void (*wake)(void *arg);
    void *wake_arg;
    char dummy[crypto_pwhash_STRBYTES];
};

static void job_free(struct auth_job *j)
{
    if (j->password)
        sodium_free(j->password);
    free(j);
}

/* Nice of the verifier thread: each argon2id check takes tens of
 * milliseconds of a core, and the event loop must not wait for it (a login
 * can take longer; a chat message must not). */
#define AUTH_THREAD_NICE 10

static void *auth_thread(void *arg)
{
    struct auth *a = arg;
    /* Linux: the nice value of one thread (best effort; a failure changes
     * only how the CPU is shared) */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), AUTH_THREAD_NICE);
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (!a->todo && !a->stop)
            pthread_cond_wait(&a->cond, &a->lock);
        if (a->stop)
            break;
        struct auth_job *j = a->todo;
        a->todo = j->next;
        if (!a->todo)
            a->todo_tail = NULL;
        pthread_mutex_unlock(&a->lock);

        const char *hash = j->pwhash[0] ? j->pwhash : a->dummy;
        bool ok = crypto_pwhash_str_verify(hash, j->password, strlen(j->password)) == 0;
        j->ok = ok && j->pwhash[0];
        sodium_free(j->password);
        j->password = NULL;

        pthread_mutex_lock(&a->lock);
        j->next = a->done;
        a->done = j;
        pthread_mutex_unlock(&a->lock);
        a->wake(a->wake_arg);
        pthread_mutex_lock(&a->lock);
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

struct auth *auth_new(int threads, void (*wake)(void *arg), void *arg)
{
    struct auth *a = threads >= 1 && threads <= AUTH_THREADS_MAX ? calloc(1, sizeof(*a)) : NULL;
    if (!a)
        return NULL;
    a->wake = wake;
    a->wake_arg = arg;
    char random_pw[32];
    randombytes_buf(random_pw, sizeof(random_pw) - 1);
    for (size_t i = 0; i < sizeof(random_pw) - 1; i++)
        random_pw[i] = (char)('a' + (unsigned char)random_pw[i] % 26);
    random_pw[sizeof(random_pw) - 1] = '\0';
    if (auth_hash_password(a->dummy, random_pw) != 0)
        goto fail;
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->cond, NULL);
    for (; a->nthreads < threads; a->nthreads++)
        if (pthread_create(&a->threads[a->nthreads], NULL, auth_thread, a) != 0) {
            auth_free(a); /* stops those that started */
            return NULL;
        }
    return a;
fail:
    free(a);
    return NULL;
}

static void list_free(struct auth_job *j)
{
    while (j) {
        struct auth_job *next = j->next;
        job_free(j);
        j = next;
    }
}

void auth_free(struct auth *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->stop = true;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->lock);
    for (int i = 0; i < a->nthreads; i++)
        pthread_join(a->threads[i], NULL);
    list_free(a->todo);
    list_free(a->done);
    pthread_mutex_destroy(&a->lock);
    pthread_cond_destroy(&a->cond);
    free(a);
}

struct auth_job *auth_submit(struct auth *a, void *owner, const char *user, const char *pwhash,
                             const char *password)
{
    struct auth_job *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    size_t plen = strlen(password);
    j->password = sodium_malloc(plen + 1);
    if (!j->password) {
        free(j);
        return NULL;
    }
    memcpy(j->password, password, plen + 1);
    j->owner = owner;
    strncpy(j->user, user, sizeof(j->user) - 1);
    if (pwhash)
        strncpy(j->pwhash, pwhash, sizeof(j->pwhash) - 1);
    pthread_mutex_lock(&a->lock);
    if (a->todo_tail)
        a->todo_tail->next = j;
    else
        a->todo = j;
    a->todo_tail = j;
    pthread_cond_signal(&a->cond);
    pthread_mutex_unlock(&a->lock);
    return j;
}

void *auth_cancel(struct auth *a, struct auth_job *job)
{
    pthread_mutex_lock(&a->lock);
    void *owner = job->owner;
    job->owner = NULL;
    pthread_mutex_unlock(&a->lock);
    return owner;
}

void auth_poll(struct auth *a, void (*done)(void *owner, const char *user, bool ok, void *arg),
               void *arg)
{
    pthread_mutex_lock(&a->lock);
    struct auth_job *list = a->done;
    a->done = NULL;
    pthread_mutex_unlock(&a->lock);
    /* done is newest first; deliver oldest first */
    struct auth_job *rev = NULL;
    while (list) {
        struct auth_job *next = list->next;
        list->next = rev;
        rev = list;
        list = next;
    }
    while (rev) {
        struct auth_job *next = rev->next;
        pthread_mutex_lock(&a->lock);
        void *owner = rev->owner;
        pthread_mutex_unlock(&a->lock);
        if (owner)
            done(owner, rev->user, rev->ok, arg);
        job_free(rev);
        rev = next;
    }
}

void auth_token_new(char token[AUTH_TOKEN_CHARS], uint8_t hash[32])
{
    uint8_t raw[AUTH_TOKEN_BYTES];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, AUTH_TOKEN_CHARS, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    auth_token_hash(token, hash);
}

void auth_token_hash(const char *token, uint8_t hash[32])
{
    crypto_generichash(hash, 32, (const uint8_t *)token, strlen(token), NULL, 0);
}

bool auth_equal(const void *a, const void *b, size_t len)
{
    return sodium_memcmp(a, b, len) == 0;
}

int auth_hash_password(char out[AUTH_PWHASH_CHARS], const char *password)
{
    return crypto_pwhash_str(out, password, strlen(password), AUTH_PWHASH_OPSLIMIT,
                             AUTH_PWHASH_MEMLIMIT) == 0
               ? 0
               : CHAT_ERR_NOMEM;
}

const char *auth_dummy_hash(const struct auth *a)
{
    return a->dummy;
}
