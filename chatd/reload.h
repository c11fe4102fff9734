/*
 * reload: the config file read again for a running chatd (SIGHUP,
 * `systemctl reload chatd`; contract v3 §5).
 *
 * The new file is validated whole, exactly as at start; one with any
 * problem is refused and every problem is said as FILE:LINE. What cannot
 * change in a running process (the [server] section: the listening socket,
 * the data directory, keys, origins, limits, the zone) is kept as it runs,
 * and each [server] key whose value differs is said to take effect at the
 * next restart. Everything else (topics and their hours and texts,
 * questions, categories, help, canned replies and whatever else struct
 * config holds) comes from the new file; the hub takes it over with its
 * queues and chats (hub_reload).
 */
#ifndef RELOAD_H
#define RELOAD_H

#include "config.h"

/* Reads running->path again with flags (config_load's): 0 with *out (the
 * caller's), the running [server] settings in it; or a chat_err after
 * log(line, arg) for every problem (lines without newline). Also the kept
 * [server] keys are said through log. */
int reload_config(const struct config *running, int flags, struct config **out,
                  void (*log)(const char *line, void *arg), void *arg);

#endif
