/*
 * hub_letters: letters on the wire, in memory and in the store (hub_letters.h).
 *
 * Finding a thread by its code: the page sends the SHA-256 of the code
 * (pickup), never the code. letters_find_pickup compares it with every
 * thread's, each in constant time, so a wrong code and a right one take the
 * same lookup work; the store's read of the items then runs for both (a
 * wrong code reads the items of no thread). What a right code adds is the
 * thread's own items, which only the code's holder receives. The store also
 * has a unique index on pickup; its B-tree compares only tell where the
 * hash falls among others, which says nothing about any code (SHA-256 is
 * not invertible, and 80 random bits at 10 guesses a minute a source take
 * longer than any thread is kept).
 */
#include "hub_letters.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "scope.h"
#include "staff.h"

#define HOUR_S 3600
#define MINUTE_S 60

/* When the last few requests of one sender (a session or a source) were
 * made: a ring of the newest n. */
struct hub_letter_times {
    char key[HEX_KEY_CHARS];
    time_t at[LETTERS_PICKUPS_PER_MINUTE];
    int next;
};

static void send_error(struct conn *c, int err, const char *ref)
{
    conn_send(c, proto_error(err, ref, NULL));
}

/* True (and counted) when the sender under key in map made fewer than max
 * requests in the last window seconds. */
static bool rate_take(struct idmap *map, const char *key, int max, time_t window, time_t now)
{
    struct hub_letter_times *r = idmap_get(map, key);
    if (!r) {
        if (!(r = calloc(1, sizeof(*r))))
            return false;
        snprintf(r->key, sizeof(r->key), "%s", key);
        for (int i = 0; i < LETTERS_PICKUPS_PER_MINUTE; i++)
            r->at[i] = -1;
        if (idmap_put(map, key, r) != 0) {
            free(r);
            return false;
        }
    }
    time_t oldest = r->at[r->next % max];
    if (oldest >= 0 && now - oldest < window)
        return false;
    r->at[r->next % max] = now;
    r->next = (r->next + 1) % max;
    return true;
}

/* The sender's newest request was before `since`: its record can go. */
struct stale {
    const char *keys[256];
    int n;
    time_t since;
};

static void find_stale(void *value, void *arg)
{
    struct hub_letter_times *r = value;
    struct stale *s = arg;
    time_t newest = -1;
    for (int i = 0; i < LETTERS_PICKUPS_PER_MINUTE; i++)
        newest = r->at[i] > newest ? r->at[i] : newest;
    if (newest < s->since && s->n < (int)(sizeof(s->keys) / sizeof(s->keys[0])))
        s->keys[s->n++] = r->key;
}

static void rate_forget(struct idmap *map, time_t since)
{
    struct stale s;
    do {
        s.n = 0;
        s.since = since;
        idmap_each(map, find_stale, &s);
        for (int i = 0; i < s.n; i++) {
            void *r = idmap_get(map, s.keys[i]);
            idmap_del(map, s.keys[i]);
            free(r);
        }
    } while (s.n == (int)(sizeof(s.keys) / sizeof(s.keys[0])));
}

static void free_value(void *value, void *arg)
{
    (void)arg;
    free(value);
}

/* ---- memory <-> store ---------------------------------------------------------- */

static int load_one(const struct store_letter_thread *st, void *arg)
{
    struct hub *h = arg;
    struct letter_thread t = {0};
    int topic = config_topic_index(h->cfg, st->topic);
    if (topic < 0 || !letters_id_ok(st->id)) /* a topic gone from the config: kept, not shown */
        return 0;
    snprintf(t.id, sizeof(t.id), "%s", st->id);
    t.topic = topic;
    memcpy(t.pickup, st->pickup, LETTERS_PICKUP_BYTES);
    snprintf(t.lang, sizeof(t.lang), "%s", st->lang ? st->lang : "");
    t.received = st->received;
    t.last_letter = st->last_letter;
    t.last_answer = st->last_answer;
    t.waiting_since = st->waiting_since;
    t.due = st->due;
    t.state = st->answered ? LETTER_ANSWERED : LETTER_NEW;
    t.nitems = (int)st->nitems;
    return letters_add(&h->letters, &t);
}

int hub_letters_load(struct hub *h)
{
    if (!h->letter_sends)
        h->letter_sends = idmap_new();
    if (!h->letter_pickups)
        h->letter_pickups = idmap_new();
    if (!h->letter_sends || !h->letter_pickups)
        return CHAT_ERR_NOMEM;
    h->letters.n = 0;
    return store_letter_thread_each(h->st, load_one, h);
}

void hub_letters_free(struct hub *h)
{
    letters_fini(&h->letters);
    if (h->letter_sends)
        idmap_each(h->letter_sends, free_value, NULL);
    if (h->letter_pickups)
        idmap_each(h->letter_pickups, free_value, NULL);
    idmap_free(h->letter_sends);
    idmap_free(h->letter_pickups);
    h->letter_sends = h->letter_pickups = NULL;
}

int hub_letters_reload(struct hub *h)
{
    struct letters was = h->letters;
    letters_init(&h->letters);
    int rc = hub_letters_load(h);
    if (rc != 0) { /* keep what we had rather than nothing */
        letters_fini(&h->letters);
        h->letters = was;
        return rc;
    }
    for (size_t i = 0; i < was.n; i++) {
        int k = letters_find(&h->letters, was.t[i].id);
        if (k >= 0 && was.t[i].state == LETTER_TAKEN && h->letters.t[k].state == LETTER_NEW) {
            h->letters.t[k].state = LETTER_TAKEN;
            memcpy(h->letters.t[k].taken_by, was.t[i].taken_by, sizeof(was.t[i].taken_by));
        }
    }
    letters_fini(&was);
    return 0;
}

/* A failed batch: memory is what the store holds again. */
static void after_batch(struct hub *h, void *arg, bool committed)
{
    (void)arg;
    h->letters_reload = false;
    if (!committed && hub_letters_reload(h) != 0 && h->log)
        h->log("cannot read the letter threads again after a failed commit", h->log_arg);
}

static int arm_reload(struct hub *h)
{
    if (h->letters_reload)
        return 0;
    int rc = turn_after_commit(h, after_batch, NULL);
    h->letters_reload = rc == 0;
    return rc;
}

/* The store's view of t (boxes and reply key aside). */
static struct store_letter_thread stored(const struct hub *h, const struct letter_thread *t)
{
    return (struct store_letter_thread){
        .id = t->id,
        .topic = h->cfg->topics[t->topic].id,
        .pickup = t->pickup,
        .lang = t->lang[0] ? t->lang : NULL,
        .received = t->received,
        .last_letter = t->last_letter,
        .last_answer = t->last_answer,
        .waiting_since = t->waiting_since,
        .due = t->due,
        .answered = t->state == LETTER_ANSWERED,
    };
}

/* Every worker who sees topic (-1: any) is told that the list changed
 * (contract v3 §4: the workers of the topic's org). */
static void changed(struct hub *h, int topic)
{
    for (struct worker *w = h->workers; w; w = w->next)
        if (topic < 0 || scope_topic(h, w, topic))
            staff_send(w, proto_bare("letters_changed", NULL));
}

/* ---- visitors -------------------------------------------------------------------- */

static void new_id(char out[LETTERS_ID_MAX + 1])
{
    uint8_t raw[12];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, LETTERS_ID_MAX + 1, raw, sizeof(raw));
}

/* Whether r may start a thread: 0 or why not. */
static int new_thread_check(const struct hub *h, const struct proto_req *r)
{
    int topic = config_topic_index(h->cfg, r->topic);
    if (!r->topic || topic < 0)
        return CHAT_ERR_UNKNOWN_TOPIC;
    if (!h->cfg->topics[topic].letters || !r->own.ct || !r->reply_pub || !r->has_reply_key)
        return CHAT_ERR_BAD_REQUEST;
    return 0;
}

/* Journals a new thread for r (checked) at now and its first letter. */
static int new_thread(struct hub *h, const struct proto_req *r, const uint8_t *pickup, time_t now,
                      const char *letter, const char *own, struct letter_thread **out)
{
    int topic = config_topic_index(h->cfg, r->topic);
    struct letter_thread t = {.topic = topic, .last_answer = -1, .waiting_since = -1};
    new_id(t.id);
    memcpy(t.pickup, pickup, LETTERS_PICKUP_BYTES);
    if (r->lang >= 0)
        snprintf(t.lang, sizeof(t.lang), "%s", proto_langs_code(r->lang_table, r->lang));
    t.received = now;
    letters_letter(&t, now, h->cfg->topics[topic].letter_days);
    char *key = proto_wrap_text(&r->reply_key);
    struct store_letter_thread s = stored(h, &t);
    s.reply_pub = r->reply_pub;
    s.reply_key = key;
    int rc = key ? store_letter_thread_add(h->st, &s) : CHAT_ERR_NOMEM;
    free(key);
    if (rc == 0)
        rc = store_letter_item_add(h->st, t.id, 0, now, letter, own);
    if (rc == 0)
        rc = letters_add(&h->letters, &t);
    *out = rc == 0 ? &h->letters.t[h->letters.n - 1] : NULL;
    return rc;
}

static void letter_send(struct hub *h, struct conn *c, struct visitor *v, const struct proto_req *r,
                        time_t now)
{
    uint8_t pickup[LETTERS_PICKUP_BYTES];
    size_t n = 0;
    if (!v)
        return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    if (sodium_base642bin(pickup, sizeof(pickup), r->pickup, strlen(r->pickup), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != sizeof(pickup))
        return send_error(c, CHAT_ERR_BAD_REQUEST, r->ref);
    int i = letters_find_pickup(&h->letters, pickup);
    struct letter_thread *t = i >= 0 ? &h->letters.t[i] : NULL;
    int why = !t                                                ? new_thread_check(h, r)
              : !r->own.ct || !h->cfg->topics[t->topic].letters ? CHAT_ERR_BAD_REQUEST
              : t->nitems >= LETTERS_ITEMS_MAX                  ? CHAT_ERR_TOO_LARGE
                                                                : 0;
    if (why)
        return send_error(c, why, r->ref);
    if (!rate_take(h->letter_sends, v->key, LETTERS_PER_SESSION_HOUR, HOUR_S, now))
        return send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
    char *letter = proto_box_text(&r->letter), *own = r->own.ct ? proto_box_text(&r->own) : NULL;
    int rc = !letter || (r->own.ct && !own) ? CHAT_ERR_NOMEM : 0;
    if (rc == 0 && t) {
        letters_letter(t, now, h->cfg->topics[t->topic].letter_days);
        struct store_letter_thread s = stored(h, t);
        rc = store_letter_thread_put(h->st, &s);
        if (rc == 0)
            rc = store_letter_item_add(h->st, t->id, 0, now, letter, own);
    } else if (rc == 0) {
        rc = new_thread(h, r, pickup, now, letter, own, &t);
    }
    free(letter);
    free(own);
    if (rc == 0)
        rc = arm_reload(h);
    if (rc != 0)
        return send_error(c, rc, r->ref);
    stats_add(h->stats, t->topic, STAT_LETTERS_RECEIVED, 1, now);
    conn_send(c, proto_letter_sent(t->id, t->due, r->ref));
    changed(h, t->topic);
}

/* What a pickup collects: the thread's reply key and the writer's boxes. */
struct pickup {
    char *reply_pub, *reply_key;
    struct proto_letter_item items[LETTERS_ITEMS_MAX];
    size_t n;
    bool org; /* a worker's list: the org's boxes instead */
};

static int pickup_thread(const struct store_letter_thread *t, void *arg)
{
    struct pickup *p = arg;
    p->reply_pub = strdup(t->reply_pub);
    p->reply_key = strdup(t->reply_key);
    return p->reply_pub && p->reply_key ? 0 : CHAT_ERR_NOMEM;
}

static int pickup_item(int from_worker, time_t at, const char *org_box, const char *writer_box,
                       void *arg)
{
    struct pickup *p = arg;
    if (p->n == LETTERS_ITEMS_MAX)
        return 0;
    char *box = strdup(p->org ? org_box : writer_box);
    if (!box)
        return CHAT_ERR_NOMEM;
    p->items[p->n++] = (struct proto_letter_item){from_worker != 0, at, box};
    return 0;
}

static void pickup_fini(struct pickup *p)
{
    free(p->reply_pub);
    free(p->reply_key);
    for (size_t i = 0; i < p->n; i++)
        free((char *)(uintptr_t)p->items[i].box);
    memset(p, 0, sizeof(*p));
}

static void letter_pickup(struct hub *h, struct conn *c, const struct proto_req *r, time_t now)
{
    char src[24];
    uint8_t pickup[LETTERS_PICKUP_BYTES];
    size_t n = 0;
    snprintf(src, sizeof(src), "%016llx", (unsigned long long)c->source);
    if (!rate_take(h->letter_pickups, src, LETTERS_PICKUPS_PER_MINUTE, MINUTE_S, now))
        return send_error(c, CHAT_ERR_RATE_LIMITED, r->ref);
    if (sodium_base642bin(pickup, sizeof(pickup), r->pickup, strlen(r->pickup), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != sizeof(pickup))
        return send_error(c, CHAT_ERR_BAD_REQUEST, r->ref);
    int i = letters_find_pickup(&h->letters, pickup);
    struct pickup *p = calloc(1, sizeof(*p));
    if (!p)
        return send_error(c, CHAT_ERR_NOMEM, r->ref);
    int rc =
        store_letter_read(h->st, i >= 0 ? h->letters.t[i].id : "", pickup_thread, pickup_item, p);
    if (rc == CHAT_ERR_NOT_FOUND && i >= 0) /* deleted by chatadmin letters purge */
        letters_remove(&h->letters, (size_t)i);
    if (rc == 0 && i < 0)
        rc = CHAT_ERR_NOT_FOUND;
    if (rc == 0)
        conn_send(c, proto_letters_visitor(h->letters.t[i].id, h->letters.t[i].due, p->reply_pub,
                                           p->reply_key, p->items, p->n, r->ref));
    else
        send_error(c, rc == CHAT_ERR_NOT_FOUND ? CHAT_ERR_NO_LETTERS : rc, r->ref);
    pickup_fini(p);
    free(p);
}

void hub_letters_visitor(struct hub *h, struct conn *c, struct visitor *v,
                         const struct proto_req *r, double now)
{
    if (r->type == PT_LETTER_SEND)
        letter_send(h, c, v, r, (time_t)now);
    else
        letter_pickup(h, c, r, (time_t)now);
}

/* ---- workers ---------------------------------------------------------------------- */

/* True when w may see thread t: its topic takes letters and is of w's
 * orgs (contract v3 §4; another org's thread is answered as one that does
 * not exist). */
static bool may_see(const struct hub *h, const struct worker *w, const struct letter_thread *t)
{
    return h->cfg->topics[t->topic].letters && scope_topic(h, w, t->topic);
}

/* The org whose letters key w gets: the first of its orgs with a topic
 * that takes letters, else its first org (contract v3 §4). */
static const struct config_org *letters_org(const struct hub *h, const struct worker *w)
{
    int first = -1;
    for (size_t i = 0; i < h->cfg->ntopics; i++) {
        if (!worker_sees_topic(h, w, (int)i))
            continue;
        int org = h->cfg->topics[i].org;
        if (h->cfg->topics[i].letters && (first < 0 || org < first))
            first = org;
    }
    for (size_t i = 0; first < 0 && i < h->cfg->norgs; i++)
        if (worker_in_org(h, w, (int)i))
            first = (int)i;
    return first >= 0 ? &h->cfg->orgs[first] : NULL;
}

static int by_due(const void *a, const void *b)
{
    const struct letter_thread *x = *(const struct letter_thread *const *)a;
    const struct letter_thread *y = *(const struct letter_thread *const *)b;
    return x->due < y->due ? -1 : x->due > y->due ? 1 : strcmp(x->id, y->id);
}

static void letters_list(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r)
{
    size_t n = 0, bytes = 0, shown = 0;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    const struct letter_thread **order = calloc(h->letters.n + 1, sizeof(*order));
    struct proto_letter_thread *out = calloc(h->letters.n + 1, sizeof(*out));
    struct pickup *got = calloc(h->letters.n + 1, sizeof(*got));
    bool more = false;
    int rc = order && out && got ? 0 : CHAT_ERR_NOMEM;
    for (size_t i = 0; rc == 0 && i < h->letters.n; i++)
        if (may_see(h, w, &h->letters.t[i]) &&
            (r->letters_all || h->letters.t[i].state != LETTER_ANSWERED))
            order[n++] = &h->letters.t[i];
    if (rc == 0) /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
        qsort(order, n, sizeof(*order), by_due);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct letter_thread *t = order[i];
        struct pickup *p = &got[shown];
        p->org = true;
        int read = store_letter_read(h->st, t->id, pickup_thread, pickup_item, p);
        if (read == CHAT_ERR_NOT_FOUND)
            continue; /* purged by chatadmin: the next list no longer has it */
        if ((rc = read) != 0)
            break;
        size_t size = 256;
        for (size_t k = 0; k < p->n; k++)
            size += strlen(p->items[k].box) + 64;
        if (shown > 0 && bytes + size > LETTERS_LIST_BYTES) {
            more = true;
            pickup_fini(p);
            break;
        }
        bytes += size;
        out[shown++] = (struct proto_letter_thread){
            .thread = t->id,
            .topic = h->cfg->topics[t->topic].id,
            .lang = t->lang[0] ? t->lang : NULL,
            .received = t->received,
            .due = t->due,
            .state = letters_state_name(t->state),
            .taken_by = t->state == LETTER_TAKEN ? t->taken_by : NULL,
            .reply_pub = p->reply_pub,
            .items = p->items,
            .nitems = p->n,
        };
    }
    if (rc == 0)
        conn_send(c, proto_letters_list(out, shown, more, r->ref));
    else
        send_error(c, rc, r->ref);
    for (size_t i = 0; got && i <= shown && i < h->letters.n + 1; i++)
        pickup_fini(&got[i]);
    free(order);
    free(out);
    free(got);
}

/* The thread of a worker's request that w may see, or NULL after an error. */
static struct letter_thread *worker_thread(struct hub *h, struct conn *c, const struct worker *w,
                                           const struct proto_req *r)
{
    int i = letters_find(&h->letters, r->thread);
    if (i < 0 || !may_see(h, w, &h->letters.t[i])) {
        send_error(c, CHAT_ERR_NO_LETTERS, r->ref);
        return NULL;
    }
    return &h->letters.t[i];
}

static bool taken_by_other(const struct letter_thread *t, const struct worker *w)
{
    return t->state == LETTER_TAKEN && strcmp(t->taken_by, w->alias) != 0;
}

static void letter_answer(struct hub *h, struct conn *c, struct worker *w, struct letter_thread *t,
                          const struct proto_req *r, time_t now)
{
    if (t->state == LETTER_ANSWERED || taken_by_other(t, w))
        return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    if (t->nitems >= LETTERS_ITEMS_MAX)
        return send_error(c, CHAT_ERR_TOO_LARGE, r->ref);
    long answer_s;
    bool overdue;
    char *reply = proto_box_text(&r->reply), *copy = proto_box_text(&r->copy);
    int rc = reply && copy ? 0 : CHAT_ERR_NOMEM;
    if (rc == 0) {
        letters_answer(t, now, &answer_s, &overdue);
        struct store_letter_thread s = stored(h, t);
        rc = store_letter_thread_put(h->st, &s);
        if (rc == 0)
            rc = store_letter_item_add(h->st, t->id, 1, now, copy, reply);
        if (rc == 0)
            rc = arm_reload(h);
    }
    free(reply);
    free(copy);
    if (rc != 0)
        return send_error(c, rc, r->ref);
    stats_add(h->stats, t->topic, STAT_LETTERS_ANSWERED, 1, now);
    stats_add(h->stats, t->topic, STAT_LETTER_ANSWER_S, answer_s, now);
    if (overdue)
        stats_add(h->stats, t->topic, STAT_LETTERS_OVERDUE, 1, now);
    conn_send(c, proto_ack(0, r->ref));
    changed(h, t->topic);
}

void hub_letters_worker(struct hub *h, struct conn *c, struct worker *w, const struct proto_req *r,
                        time_t now)
{
    struct letter_thread *t;
    if (!h->cfg->letters_on)
        return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
    switch (r->type) {
    case PT_LETTERS_KEY: {
        const struct config_org *o = letters_org(h, w);
        if (!o) /* a worker of no org (its orgs left the config) */
            return send_error(c, CHAT_ERR_FORBIDDEN, r->ref);
        return conn_send(c, proto_letters_key(o->letters_pub, o->letters_wrapped, r->ref));
    }
    case PT_LETTERS:
        return letters_list(h, c, w, r);
    case PT_LETTER_TAKE:
        if (!(t = worker_thread(h, c, w, r)))
            return;
        if (t->state == LETTER_ANSWERED || taken_by_other(t, w))
            return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        t->state = LETTER_TAKEN;
        snprintf(t->taken_by, sizeof(t->taken_by), "%s", w->alias);
        conn_send(c, proto_ack(0, r->ref));
        return changed(h, t->topic);
    case PT_LETTER_RELEASE:
        if (!(t = worker_thread(h, c, w, r)))
            return;
        if (t->state != LETTER_TAKEN || (taken_by_other(t, w) && w->role == PROTO_ROLE_WORKER))
            return send_error(c, CHAT_ERR_BAD_STATE, r->ref);
        t->state = LETTER_NEW;
        t->taken_by[0] = '\0';
        conn_send(c, proto_ack(0, r->ref));
        return changed(h, t->topic);
    case PT_LETTER_ANSWER:
        if ((t = worker_thread(h, c, w, r)))
            letter_answer(h, c, w, t, r, now);
        return;
    default:
        return send_error(c, CHAT_ERR_UNKNOWN_TYPE, r->ref);
    }
}

/* ---- retention ----------------------------------------------------------------------- */

void hub_letters_purge(struct hub *h, time_t now)
{
    bool gone = false;
    for (size_t i = 0; i < h->letters.n;) {
        struct letter_thread *t = &h->letters.t[i];
        if (letters_expires(t, h->cfg->letter_retention_days) > now) {
            i++;
            continue;
        }
        if (store_letter_thread_del(h->st, t->id) != 0)
            return;
        letters_remove(&h->letters, i);
        gone = true;
    }
    /* and rows of topics no longer in the config, by the same rule */
    if (store_letter_purge(h->st, now - (time_t)h->cfg->letter_retention_days * 86400) != 0 ||
        (gone && arm_reload(h) != 0))
        return;
    if (gone)
        changed(h, -1);
    rate_forget(h->letter_sends, now - HOUR_S);
    rate_forget(h->letter_pickups, now - MINUTE_S);
}
