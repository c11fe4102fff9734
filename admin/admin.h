/*
 * admin: what chatadmin's command files share: the loaded config and the
 * store (opened on first use), and how a command fails.
 */
#ifndef ADMIN_H
#define ADMIN_H

#include "config.h"
#include "store.h"

#define EXIT_USAGE 2

struct admin {
    struct config *cfg; /* NULL for the plan calculator, which reads no config */
    struct store *st;
};

/* Prints "chatadmin: " and the message on stderr; returns code. */
__attribute__((format(printf, 2, 3))) int fail(int code, const char *fmt, ...);

/* Prints the usage on stderr; returns EXIT_USAGE. */
int usage(void);

/* Opens a->st unless open; 0, or 1 after saying why not. */
int open_store(struct admin *a);

/* `stats` (reports and `stats import`) and `plan` (stats_cmd.c). */
int cmd_stats(struct admin *a, int argc, char **argv);
int cmd_plan(struct admin *a, int argc, char **argv);

/* True when a plan command line is the period form (it reads the database). */
bool plan_needs_config(int argc, char **argv);

#endif
