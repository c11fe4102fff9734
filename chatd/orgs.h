/*
 * orgs: which member organisations a user belongs to (contract v3 §4).
 *
 * A user's orgs are stored as text: "east,west", "*" for a federation admin,
 * or "" for a user made before orgs existed, who belongs to the default
 * org: the config's only org, else the org "main", else none. The text is
 * read against a config into a mask (bit i = cfg->orgs[i]); an id the config
 * no longer has gives no bit, so removing an org from the config removes its
 * users' access with it.
 */
#ifndef ORGS_H
#define ORGS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* "*": every org (with role admin, a federation admin). */
bool orgs_all(const char *orgs);

/* The mask of orgs (the stored text) against cfg. */
uint32_t orgs_mask(const struct config *cfg, const char *orgs);

/* The default org of a user made without --org: the only org, else "main";
 * -1 when the config has several and none is main. */
int orgs_default(const struct config *cfg);

/* Checks a --org list against cfg and writes its stored form into out
 * (size bytes): the ids in the order given, each once, comma-separated, or
 * "*". 0, or CHAT_ERR_BAD_REQUEST with the reason in why (why_len bytes). */
int orgs_normalize(const struct config *cfg, const char *list, char *out, size_t size, char *why,
                   size_t why_len);

#endif
