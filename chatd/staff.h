/*
 * staff: worker sessions (contract §3.2): one per console user, with its
 * connected tabs, duty and chat slots. Nothing here decides routing; it
 * answers what a worker is and can take.
 */
#ifndef STAFF_H
#define STAFF_H

#include "hub_int.h"

/* Every language a worker can chat in (its default). */
uint64_t staff_all_langs(void);

/* The session of user, or NULL. */
struct worker *staff_find(struct hub *h, const char *user);

/* Reads w->orgs_text against the running config into w->orgs and
 * w->fed_admin (at login, and after a reload changed the orgs). */
void staff_set_orgs(const struct hub *h, struct worker *w);

/* The session of u, made on first use (alias and role refreshed); NULL when
 * out of memory. */
struct worker *staff_get(struct hub *h, const struct store_user *u);

/* Adds a tab for conn to w (the oldest tab gives way beyond WORKER_MAX_TABS,
 * closed with 4001); NULL when out of memory. */
struct tab *staff_attach(struct hub *h, struct worker *w, struct conn *conn,
                         const uint8_t token_hash[STORE_TOKEN_HASH_BYTES]);

/* Removes tab from its worker and frees it (its conn is closing or logged
 * out); the worker becomes away at now when it was the last tab. */
void staff_detach(struct hub *h, struct tab *tab, time_t now);

/* Sends frame (taken) to every tab of w; none: dropped. */
void staff_send(struct worker *w, char *frame);

/* Sends frame (taken) to every tab of w but the one on conn. */
void staff_send_others(struct worker *w, const struct conn *conn, char *frame);

/* True when w is on duty, connected, serves topic and has a free slot. */
bool staff_free_for(const struct worker *w, int topic);

/* True when w is on duty and connected for topic. */
bool staff_serves(const struct worker *w, int topic);

/* Chat slots (sum of capacities) and workers on duty and connected for topic. */
int staff_slots(const struct hub *h, int topic);
int staff_workers(const struct hub *h, int topic);

/* Of those slots, the ones free now. */
int staff_free_slots(const struct hub *h, int topic);

/* True when w chats in language lang (an index of h->langs->accept; -1: any). */
bool staff_speaks(const struct worker *w, int lang);

/* The slots of the workers on duty and connected for topic who speak lang. */
int staff_lang_slots(const struct hub *h, int topic, int lang);

/* What a duty request sets (staff_set_duty). */
struct staff_duty {
    bool on;
    uint32_t topics; /* bit i = cfg->topics[i] */
    int capacity;
    uint64_t langs;
};

/* Puts w on or off duty (on: for topics, capacity and langs); an idle
 * worker coming on duty is idle from now. */
void staff_set_duty(struct hub *h, struct worker *w, const struct staff_duty *duty, time_t now);

/* w's session is over (logout, revoked, or its grace ended with no tab):
 * off duty and no longer away. */
void staff_off(struct hub *h, struct worker *w);

/* w holds a chat brought back after a restart but has no tab yet: its
 * grace to log in again starts at now. */
void staff_restored(struct worker *w, time_t now);

/* Gives ch a slot of w / takes it back (w is idle from now on when it
 * has no chat left): the only writers of the chat<->worker link, both sides
 * (w->chats and ch->worker) at once. */
void staff_add_chat(struct hub *h, struct worker *w, struct chat *ch);
void staff_drop_chat(struct hub *h, struct worker *w, struct chat *ch, time_t now);

/* Stamps w as idle from now on (for "idle longest" routing). */
void staff_mark_idle(struct hub *h, struct worker *w, time_t now);

/* The duty frame of w (ref when not NULL). */
char *staff_duty_frame(const struct hub *h, const struct worker *w, const char *ref);

/* The end of w's part of ch at now: a wrap-up holds one of w's slots for
 * the topic's wrapup_s (w is told with `wrapup`); without one, the part's
 * length is the estimator's sample at once. */
void staff_wrapup_begin(struct hub *h, struct worker *w, const struct chat *ch, time_t now);

/* The index of w's pending wrap-up of chat, or -1; whether w wrapped chat
 * up lately. */
int staff_wrapup_find(const struct worker *w, const char *chat);
bool staff_wrapup_done(const struct worker *w, const char *chat);

/* Wrap-up i of w is over at now (sent, or its time ran out): its slot
 * frees; counted in wrapups and wrapup_s, the part and the wrap-up are one
 * sample of the estimator. */
void staff_wrapup_end(struct hub *h, struct worker *w, int i, time_t now);

/* Ends the wrap-ups whose time ran out by now / when the next one will. */
void staff_wrapups_expire(struct hub *h, time_t now);
time_t staff_next_wrapup_end(const struct hub *h);

/* Tells every tab of w its pending wrap-ups again (a tab that logs in). */
void staff_send_wrapups(struct worker *w);

/* Frees every session (the hub is going away). */
void staff_free_all(struct hub *h);

#endif
