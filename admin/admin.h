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
    bool import_locked; /* import_fd holds data_dir/import.lock */
    int import_fd;
};

/* Prints "chatadmin: " and the message on stderr; returns code. */
__attribute__((format(printf, 2, 3))) int admin_fail(int code, const char *fmt, ...);

/* Reads a secret (a password or passphrase: one line of stdin, at most
 * ADMIN_SECRET_MAX bytes) into guarded memory without its line end; NULL
 * on EOF or a longer line. The caller frees it with sodium_free. */
#define ADMIN_SECRET_MAX 1024
char *admin_read_secret(void);

/* 0 when dir is a directory chatadmin may write new files into, else the
 * errno that says why not (ENOTDIR for a file). */
int admin_dir_writable(const char *dir);

/* Why the store failed with rc: SQLite's (and the system's) word when it
 * said one, else rc's message. */
const char *admin_why(const struct admin *a, int rc);

/* Prints the usage on stderr; returns EXIT_USAGE. */
int admin_usage(void);

/* Prints the usage (for --help) on out. */
void admin_print_usage(FILE *out);

/* Opens a->st unless open; 0, or 1 after saying why not. A stats import
 * that another chatadmin left unfinished (killed, or the machine stopped)
 * is finished first when its file was staged whole, else undone (its
 * staged lines deleted), saying so on stderr; one that still runs is left
 * alone. */
int admin_open_store(struct admin *a);

/* Takes the lock that a stats import holds while it runs
 * (data_dir/import.lock, released when the process ends however it ends);
 * 0, or 1 after saying that another import runs or why the lock cannot be
 * had. */
int admin_import_lock(struct admin *a);

/* One write transaction of a long job: at most n units of work, *done
 * saying how many were done (0: the job is over). 0 or an error. */
typedef int (*admin_step_fn)(struct store *st, long n, long *done, void *arg);

/* What admin_steps measured. */
struct admin_steps {
    long steps;
    double longest_s; /* the longest step, waiting for the lock included */
};

/* Runs step until the job is over, sizing each transaction to hold the
 * write lock about ADMIN_STEP_TARGET_S and pausing after it at least as
 * long (ADMIN_STEP_PAUSE_S or more): chatd meets the lock busy and tries
 * again 20 ms later, and then finds it free. fig (or NULL) gets the
 * figures. 0, or step's error. */
#define ADMIN_STEP_TARGET_S 0.02
#define ADMIN_STEP_PAUSE_S 0.025
int admin_steps(struct store *st, admin_step_fn step, void *arg, struct admin_steps *fig);

/* admin_steps' steps of an import (arg unused): merging the staged lines
 * into the statistics, or dropping them (store_import_step). */
int admin_import_merge_step(struct store *st, long n, long *done, void *arg);
int admin_import_drop_step(struct store *st, long n, long *done, void *arg);

/* `hours add|list|del`: exceptions to a topic's week (hours_cmd.c). */
int hours_cmd(struct admin *a, int argc, char **argv);
/* `rota make` (rota_cmd.c). */
int rota_cmd(struct admin *a, int argc, char **argv);

/* `stats` (reports and `stats import`) and `plan` (stats_cmd.c). */
int stats_cmd_stats(struct admin *a, int argc, char **argv);
int stats_cmd_plan(struct admin *a, int argc, char **argv);

/* True when a plan command line is the period form (it reads the database
 * and so needs the config). */
bool stats_cmd_plan_reads_db(int argc, char **argv);

#endif
