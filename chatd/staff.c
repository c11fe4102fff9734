/*
 * staff: worker sessions and their tabs; see staff.h.
 */
#include "staff.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "langs.h"
#include "orgs.h"

struct worker *staff_find(struct hub *h, const char *user)
{
    for (struct worker *w = h->workers; w; w = w->next)
        if (strcmp(w->user, user) == 0)
            return w;
    return NULL;
}

uint64_t staff_all_langs(void)
{
    return ~(uint64_t)0; /* also every code the table may hold: duty names those it has */
}

void staff_set_orgs(const struct hub *h, struct worker *w)
{
    w->orgs = orgs_mask(h->cfg, w->orgs_text);
    w->fed_admin = orgs_all(w->orgs_text) && w->role == PROTO_ROLE_ADMIN;
}

struct worker *staff_get(struct hub *h, const struct store_user *u)
{
    struct worker *w = staff_find(h, u->name);
    if (!w) {
        if (!(w = calloc(1, sizeof(*w))))
            return NULL;
        snprintf(w->user, sizeof(w->user), "%s", u->name);
        w->idle_order = ++h->idle_counter;
        w->capacity = 1;
        w->langs = staff_all_langs();
        w->next = h->workers;
        h->workers = w;
    }
    snprintf(w->alias, sizeof(w->alias), "%s", u->alias);
    w->role = u->role;
    snprintf(w->orgs_text, sizeof(w->orgs_text), "%s", u->orgs);
    staff_set_orgs(h, w);
    return w;
}

struct tab *staff_attach(struct hub *h, struct worker *w, struct conn *conn,
                         const uint8_t token_hash[STORE_TOKEN_HASH_BYTES])
{
    struct tab *tab = calloc(1, sizeof(*tab));
    if (!tab)
        return NULL;
    if (w->ntabs == WORKER_MAX_TABS) { /* the oldest tab gives way */
        struct tab *old = w->tabs[0];
        old->conn->session = NULL;
        old->conn->greeted = false;
        conn_close(old->conn, 4001);
        for (int i = 1; i < WORKER_MAX_TABS; i++)
            w->tabs[i - 1] = w->tabs[i];
        w->ntabs--;
        free(old);
    }
    tab->conn = conn;
    tab->worker = w;
    memcpy(tab->token_hash, token_hash, STORE_TOKEN_HASH_BYTES);
    w->tabs[w->ntabs++] = tab;
    w->away_since = 0;
    conn->session = tab;
    conn->greeted = true;
    hub_redo(h, REDO_ROUTE | REDO_STATUS | REDO_QUEUE_STATE, -1);
    return tab;
}

void staff_detach(struct hub *h, struct tab *tab, time_t now)
{
    struct worker *w = tab->worker;
    for (int i = 0; i < w->ntabs; i++) {
        if (w->tabs[i] != tab)
            continue;
        w->tabs[i] = w->tabs[--w->ntabs];
        break;
    }
    if (w->ntabs == 0) {
        w->away_since = now ? now : 1;
        hub_redo(h, REDO_STATUS | REDO_POSITIONS | REDO_QUEUE_STATE, -1); /* fewer staffed slots */
    }
    while (tab->nmonitoring > 0) /* the chats it watched forget it */
        hub_unmonitor(tab->monitoring[0], tab);
    if (tab->board)
        h->board_tabs--;
    tab->conn->session = NULL;
    sodium_memzero(tab->token_hash, sizeof(tab->token_hash));
    free(tab);
}

void staff_send(struct worker *w, char *frame)
{
    staff_send_others(w, NULL, frame);
}

void staff_send_others(struct worker *w, const struct conn *conn, char *frame)
{
    struct conn *last = NULL;
    if (!frame)
        return;
    for (int i = 0; i < w->ntabs; i++) {
        struct conn *c = w->tabs[i]->conn;
        if (c == conn)
            continue;
        if (last)
            conn_send(last, strdup(frame));
        last = c;
    }
    if (last)
        conn_send(last, frame);
    else
        free(frame);
}

bool staff_serves(const struct worker *w, int topic)
{
    return w->on_duty && w->ntabs && (w->topics & (1u << topic));
}

bool staff_free_for(const struct worker *w, int topic)
{
    return staff_serves(w, topic) && w->nchats + w->wrapups.n < w->capacity &&
           w->nchats < WORKER_MAX_CHATS;
}

int staff_slots(const struct hub *h, int topic)
{
    int slots = 0;
    for (const struct worker *w = h->workers; w; w = w->next)
        if (staff_serves(w, topic))
            slots += w->capacity;
    return slots;
}

int staff_workers(const struct hub *h, int topic)
{
    int n = 0;
    for (const struct worker *w = h->workers; w; w = w->next)
        n += staff_serves(w, topic);
    return n;
}

int staff_free_slots(const struct hub *h, int topic)
{
    int n = 0;
    for (const struct worker *w = h->workers; w; w = w->next)
        if (staff_free_for(w, topic))
            n += w->capacity - w->nchats - w->wrapups.n;
    return n;
}

bool staff_speaks(const struct worker *w, int lang)
{
    return lang < 0 || (w->langs & ((uint64_t)1 << lang));
}

int staff_lang_slots(const struct hub *h, int topic, int lang)
{
    int slots = 0;
    for (const struct worker *w = h->workers; w; w = w->next)
        if (staff_serves(w, topic) && staff_speaks(w, lang))
            slots += w->capacity;
    return slots;
}

void staff_add_chat(struct hub *h, struct worker *w, struct chat *ch)
{
    turn_touch_worker(h, w);
    turn_touch_chat(h, ch);
    w->chats[w->nchats++] = ch;
    ch->worker = w;
}

void staff_off(struct hub *h, struct worker *w)
{
    w->on_duty = false;
    w->away_since = 0;
    hub_redo(h, REDO_STATUS | REDO_POSITIONS | REDO_QUEUE_STATE, -1);
}

void staff_restored(struct worker *w, time_t now)
{
    w->away_since = now;
}

void staff_set_duty(struct hub *h, struct worker *w, const struct staff_duty *duty, time_t now)
{
    if (duty->on && !w->on_duty)
        staff_mark_idle(h, w, now);
    w->on_duty = duty->on;
    if (duty->on) {
        w->topics = duty->topics;
        w->capacity = duty->capacity;
        w->langs = duty->langs;
    }
    /* staffing changes estimates, and the on-duty counts of queue_state */
    hub_redo(h, REDO_ROUTE | REDO_STATUS | REDO_POSITIONS | REDO_QUEUE_STATE, -1);
}

void staff_mark_idle(struct hub *h, struct worker *w, time_t now)
{
    w->idle_order = ++h->idle_counter;
    if (!w->nchats)
        w->idle_since = now;
}

void staff_drop_chat(struct hub *h, struct worker *w, struct chat *ch, time_t now)
{
    turn_touch_worker(h, w);
    turn_touch_chat(h, ch);
    for (int i = 0; i < w->nchats; i++) {
        if (w->chats[i] == ch) {
            w->chats[i] = w->chats[--w->nchats];
            break;
        }
    }
    ch->worker = NULL;
    staff_mark_idle(h, w, now);
}

char *staff_duty_frame(const struct hub *h, const struct worker *w, const char *ref)
{
    const char *topics[CONFIG_MAX_TOPICS];
    size_t n = 0;
    for (size_t i = 0; i < h->cfg->ntopics; i++)
        if (w->on_duty && (w->topics & (1u << i)))
            topics[n++] = h->cfg->topics[i].id;
    struct proto_duty d = {w->on_duty, topics, n, w->capacity, w->langs, &h->langs->accept};
    return proto_duty(&d, ref);
}

void staff_free_all(struct hub *h)
{
    while (h->workers) {
        struct worker *w = h->workers;
        h->workers = w->next;
        for (int i = 0; i < w->ntabs; i++) {
            w->tabs[i]->conn->session = NULL;
            free(w->tabs[i]);
        }
        free(w);
    }
}

/* ---- wrap-ups ---------------------------------------------------------------- */

/* The wrapup frame of u, with its chat's label. */
static char *wrapup_frame(const struct wrapup *u)
{
    char label[16];
    snprintf(label, sizeof(label), "%d", u->label);
    return proto_wrapup(u->chat, label, u->until);
}

void staff_wrapup_begin(struct hub *h, struct worker *w, const struct chat *ch, time_t now)
{
    int hold = h->cfg->topics[ch->topic].wrapup_s;
    time_t chat_s = now - ch->started;
    if (hold <= 0) { /* no wrap-up: the part was the whole service */
        status_service_add(&h->topics[ch->topic].service, (double)chat_s);
        return;
    }
    turn_touch_worker(h, w);
    struct wrapups *ws = &w->wrapups;
    if (ws->n == WRAPUP_MAX) /* cannot happen: each holds a slot */
        staff_wrapup_end(h, w, 0, now);
    struct wrapup *u = &ws->w[ws->n++];
    *u = (struct wrapup){.topic = ch->topic,
                         .since = now,
                         .until = now + hold,
                         .chat_s = chat_s,
                         .label = ch->label};
    snprintf(u->chat, sizeof(u->chat), "%s", ch->id);
    staff_send(w, wrapup_frame(u));
}

int staff_wrapup_find(const struct worker *w, const char *chat)
{
    for (int i = 0; i < w->wrapups.n; i++)
        if (strcmp(w->wrapups.w[i].chat, chat) == 0)
            return i;
    return -1;
}

bool staff_wrapup_done(const struct worker *w, const char *chat)
{
    for (int i = 0; i < WRAPUP_DONE && i < w->wrapups.ndone; i++)
        if (strcmp(w->wrapups.done[i], chat) == 0)
            return true;
    return false;
}

void staff_wrapup_end(struct hub *h, struct worker *w, int i, time_t now)
{
    turn_touch_worker(h, w);
    struct wrapups *ws = &w->wrapups;
    struct wrapup u = ws->w[i];
    time_t held = (now < u.until ? now : u.until) - u.since;
    ws->w[i] = ws->w[--ws->n];
    snprintf(ws->done[ws->ndone++ % WRAPUP_DONE], CHAT_ID_MAX, "%s", u.chat);
    stats_add(h->stats, u.topic, STAT_WRAPUPS, 1, now);
    stats_add(h->stats, u.topic, STAT_WRAPUP_S, (long)held, now);
    status_service_add(&h->topics[u.topic].service, (double)(u.chat_s + held));
    hub_redo(h, REDO_POSITIONS, u.topic);      /* a new sample */
    hub_redo(h, REDO_ROUTE | REDO_STATUS, -1); /* a slot is free */
}

void staff_wrapups_expire(struct hub *h, time_t now)
{
    for (struct worker *w = h->workers; w; w = w->next)
        for (int i = w->wrapups.n; i-- > 0;)
            if (w->wrapups.w[i].until <= now)
                staff_wrapup_end(h, w, i, now);
}

time_t staff_next_wrapup_end(const struct hub *h)
{
    time_t next = -1;
    for (const struct worker *w = h->workers; w; w = w->next)
        for (int i = 0; i < w->wrapups.n; i++)
            if (next < 0 || w->wrapups.w[i].until < next)
                next = w->wrapups.w[i].until;
    return next;
}

void staff_send_wrapups(struct worker *w)
{
    for (int i = 0; i < w->wrapups.n; i++)
        staff_send(w, wrapup_frame(&w->wrapups.w[i]));
}
