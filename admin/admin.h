/*
 * admin: what chatadmin's command files share (admin.c, below all of
 * them): the loaded config and the store (opened on first use), the usage
 * text, and how a command fails. The command files (chatadmin.c, which
 * holds main, and stats_cmd.c) call down into it and never into each
 * other's commands except through the entry points declared here.
 */
#ifndef ADMIN_H
#define ADMIN_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "store.h"

#define EXIT_USAGE 2

/* The config used when --config is not given: where the Debian package puts it. */
#ifndef ADMIN_DEFAULT_CONFIG
#define ADMIN_DEFAULT_CONFIG "/etc/chatd/chatd.ini"
#endif

struct admin {
    struct config *cfg; /* NULL for the plan calculator, which reads no config */
    struct store *st;
};

/* Prints "chatadmin: " and the message on stderr; returns code. */
__attribute__((format(printf, 2, 3))) int admin_fail(int code, const char *fmt, ...);

/* Prints the usage on stderr; returns EXIT_USAGE. */
int admin_usage(void);

/* Prints the usage (for --help) on out. */
void admin_print_usage(FILE *out);

/* Opens a->st unless open; 0, or 1 after saying why not. */
int admin_open_store(struct admin *a);

/* `stats` (reports and `stats import`) and `plan` (stats_cmd.c). */
int stats_cmd_stats(struct admin *a, int argc, char **argv);
int stats_cmd_plan(struct admin *a, int argc, char **argv);

/* True when a plan command line is the period form (it reads the database
 * and so needs the config). */
bool stats_cmd_plan_reads_db(int argc, char **argv);

#endif
