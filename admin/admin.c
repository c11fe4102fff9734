/*
 * admin: what chatadmin's command files share, below all of them: the
 * usage text, how a command fails, the store opened on first use (by the
 * data directory's owner only, after finishing or undoing a stats import
 * that a killed chatadmin left), and long writes run as short transactions.
 */
#include "admin.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "chat_err.h"

#define ADMIN_STEP_FIRST 64 /* units in the first transaction of a job */
#define ADMIN_STEP_MAX 4096 /* and at most (the journal of a step is in memory) */

static const char usage_text[] =
    "usage: chatadmin [--config FILE] COMMAND ...\n"
    "       chatadmin --help\n"
    "The config FILE defaults to " ADMIN_DEFAULT_CONFIG ".\n"
    "commands:\n"
    "  keygen --out DIR                 make DIR/transcript.pub and DIR/transcript.key\n"
    "                                   (passphrase from stdin)\n"
    "  user add NAME --role worker|coordinator|admin [--alias TEXT]\n"
    "           [--org ID[,ID...] | --org '*']\n"
    "                                   (password from stdin, at least 8 characters)\n"
    "  user del NAME | user list | user passwd NAME\n"
    "  transcript list                  chat id, topic, day, message count\n"
    "  transcript show CHAT --key FILE  decrypt a transcript (passphrase from stdin)\n"
    "  transcript purge                 delete transcripts past retention_days\n"
    "  stats --from DATE --to DATE [--topic T] [--format csv|json] [--min-count K]\n"
    "                                   hourly aggregates of the days from..to (YYYY-MM-DD)\n"
    "  stats import FILE                add the buckets of a CSV in the stats layout\n"
    "                                   (all or nothing, in short transactions)\n"
    "  hours add TOPIC --date YYYY-MM-DD (--closed | --open HH:MM-HH:MM) [--note TEXT]\n"
    "                                   an exception to the topic's week: that date closed,\n"
    "                                   or open in that interval only (it replaces an\n"
    "                                   earlier one of the same date); a running chatd\n"
    "                                   follows within a few seconds\n"
    "  hours list [--topic T]           the exceptions, one a line: ID TOPIC DATE HOURS NOTE\n"
    "  hours del ID                     delete an exception\n"
    "  letters keygen --out DIR         make DIR/letters.pub and DIR/letters.key\n"
    "                                   (passphrase from stdin)\n"
    "  letters list                     thread, topic, received, due, state\n"
    "  letters purge [--days N]         delete threads past letter_retention_days (or N\n"
    "                                   days) after their last letter or answer\n"
    "  letters show THREAD --key FILE   decrypt a thread's letters and answers\n"
    "                                   (passphrase from stdin)\n"
    "  backup FILE                      consistent copy of the database (online backup API)\n"
    "  plan --arrivals-per-hour X --handle-s H [--patience-s P] --slots N [--target-wait S]\n"
    "                                   answered_share, wait_share (answered within S s,\n"
    "                                   default 300) and mean_wait_s with N chat slots\n"
    "                                   (Erlang A; Erlang C without --patience-s);\n"
    "                                   needs no --config\n"
    "  plan ... [--target-share P]      without --slots: the fewest slots that answer\n"
    "                                   the share P (default 0.8) within S\n"
    "  plan --from DATE --to DATE [--topic T] [--target-wait S] [--target-share P]\n"
    "       [--format csv|json] [--redistribute] [--pooled]\n"
    "                                   the staffing plan per topic, weekday and hour of\n"
    "                                   the period's statistics; --pooled adds what every\n"
    "                                   org's topics of one audience would answer as one\n"
    "                                   queue, beside each org alone\n"
    "  rota make --week MONDAY --from DATE --to DATE [--topic T] [--capacity C]\n"
    "       [--shift-min-h A] [--shift-max-h B] [--target-wait S] [--target-share P]\n"
    "       [--format csv|json] [--publish]\n"
    "                                   the week's shifts (whole hours, A..B long, default\n"
    "                                   3..5) with the fewest worker-hours that give every\n"
    "                                   hour ceil(slots_needed / C) workers (C default 2)\n"
    "                                   from the plan of from..to; --publish stores one\n"
    "                                   open shift per worker position\n";

int admin_fail(int code, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "chatadmin: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized): va_start is above */
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

const char *admin_why(const struct admin *a, int rc)
{
    const char *said = a->st ? store_errmsg(a->st) : "";
    return said[0] && rc != CHAT_ERR_NOMEM ? said : chat_err_message(rc);
}

int admin_usage(void)
{
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

void admin_print_usage(FILE *out)
{
    fputs(usage_text, out);
}

/*
 * Run by root on a data_dir that belongs to another user (the package's
 * /var/lib/chatd belongs to chatd), chatadmin would create chatd.db as root
 * and chatd, running as its own user, could no longer write it. Refuse and
 * say how to run it instead.
 */
static int check_owner(const char *dir)
{
    struct stat sb;
    if (geteuid() != 0 || stat(dir, &sb) != 0 || sb.st_uid == 0)
        return 0;
    const struct passwd *pw = getpwuid(sb.st_uid);
    if (!pw)
        return admin_fail(1, "%s belongs to uid %u, not root: run chatadmin as that user", dir,
                          (unsigned)sb.st_uid);
    return admin_fail(1, "%s belongs to user %s, not root: run runuser -u %s -- chatadmin ...", dir,
                      pw->pw_name, pw->pw_name);
}

/* Seconds on a clock that only goes forward. */
static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_for(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int admin_steps(struct store *st, admin_step_fn step, void *arg, struct admin_steps *fig)
{
    struct admin_steps f = {0};
    long n = ADMIN_STEP_FIRST;
    double per = 0; /* seconds a unit, smoothed: one slow step (a busy disk) is not the rule */
    int rc;
    for (;;) {
        long done = 0;
        double t0 = mono_now();
        rc = step(st, n, &done, arg);
        double took = mono_now() - t0;
        f.steps++;
        if (took > f.longest_s)
            f.longest_s = took;
        if (rc != 0 || done == 0)
            break;
        /* the next one aimed at the target, growing at most twofold */
        double unit = took / (double)done;
        per = per > 0 ? 0.7 * per + 0.3 * unit : unit;
        double next = per > 0 ? ADMIN_STEP_TARGET_S / per : 2.0 * (double)n;
        if (next > 2.0 * (double)n)
            next = 2.0 * (double)n;
        n = next < 1 ? 1 : next > ADMIN_STEP_MAX ? ADMIN_STEP_MAX : (long)next;
        pause_for(took > ADMIN_STEP_PAUSE_S ? took : ADMIN_STEP_PAUSE_S);
    }
    if (fig)
        *fig = f;
    return rc;
}

#define LOCK_PATH_MAX (sizeof(((struct config *)0)->data_dir) + 16)

/* Opens (making it) data_dir/import.lock into path; the fd, or -1 (errno). */
static int lock_open(const struct admin *a, char path[LOCK_PATH_MAX])
{
    snprintf(path, LOCK_PATH_MAX, "%s/import.lock", a->cfg->data_dir);
    return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

int admin_import_lock(struct admin *a)
{
    char path[LOCK_PATH_MAX];
    if (a->import_locked)
        return 0;
    if (check_owner(a->cfg->data_dir))
        return 1;
    umask(077);
    if (mkdir(a->cfg->data_dir, 0700) != 0 && errno != EEXIST)
        return admin_fail(1, "cannot make the data directory %s: %s", a->cfg->data_dir,
                          strerror(errno));
    int fd = lock_open(a, path);
    if (fd < 0)
        return admin_fail(1, "cannot open the lock file %s: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return admin_fail(1, "another stats import runs on %s; try again when it is done",
                              a->cfg->data_dir);
        return admin_fail(1, "cannot lock %s: %s", path, strerror(e));
    }
    a->import_fd = fd;
    a->import_locked = true;
    return 0;
}

int admin_import_merge_step(struct store *st, long n, long *done, void *arg)
{
    (void)arg;
    return store_import_step(st, 1, n, done);
}

int admin_import_drop_step(struct store *st, long n, long *done, void *arg)
{
    (void)arg;
    return store_import_step(st, 0, n, done);
}

/* Finishes or undoes an import that no running chatadmin owns (admin.h). */
static int recover_import(struct admin *a)
{
    struct store_import run;
    if (store_import_get(a->st, &run) != 0)
        return admin_fail(1, "cannot read the database: %s", admin_why(a, CHAT_ERR_IO));
    if (run.state == STORE_IMPORT_NONE)
        return 0;
    bool took = !a->import_locked;
    if (took) {
        char path[LOCK_PATH_MAX];
        int fd = lock_open(a, path);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd); /* its import still runs */
            return 0;
        }
        if (fd < 0)
            return admin_fail(1, "cannot open the lock file %s: %s", path, strerror(errno));
        a->import_fd = fd;
        a->import_locked = true;
    }
    /* read again under the lock: the run seen may have ended meanwhile */
    int rc = store_import_get(a->st, &run) ? CHAT_ERR_IO : 0;
    bool merge = run.state == STORE_IMPORT_MERGING;
    if (rc == 0 && run.state != STORE_IMPORT_NONE)
        rc = admin_steps(a->st, merge ? admin_import_merge_step : admin_import_drop_step, NULL,
                         NULL);
    if (rc != 0)
        rc = admin_fail(1, "cannot %s the interrupted import of %s: %s", merge ? "finish" : "undo",
                        run.file, admin_why(a, rc));
    else if (merge)
        fprintf(stderr, "chatadmin: finished the interrupted import of %s (%ld buckets)\n",
                run.file, run.rows);
    else if (run.state == STORE_IMPORT_STAGING)
        fprintf(stderr,
                "chatadmin: undid the import of %s that stopped before its file was read whole: "
                "nothing of it was stored\n",
                run.file[0] ? run.file : "a file");
    if (took) {
        close(a->import_fd); /* the lock goes with it */
        a->import_locked = false;
    }
    return rc;
}

int admin_open_store(struct admin *a)
{
    if (a->st)
        return 0;
    if (check_owner(a->cfg->data_dir))
        return 1;
    /* The database, its WAL and backups hold password hashes: owner only,
     * whatever the caller's umask (chatd's unit sets UMask=0077 too). */
    umask(077);
    int rc = store_open(a->cfg->data_dir, 0, &a->st);
    if (rc != 0)
        return admin_fail(1, "cannot open the database in %s: %s", a->cfg->data_dir,
                          store_open_error()[0] ? store_open_error() : chat_err_message(rc));
    return recover_import(a);
}

char *admin_read_secret(void)
{
    char *buf = sodium_malloc(ADMIN_SECRET_MAX + 2);
    if (!buf)
        return NULL;
    if (!fgets(buf, ADMIN_SECRET_MAX + 2, stdin) || strlen(buf) > ADMIN_SECRET_MAX) {
        sodium_free(buf);
        return NULL;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

int admin_dir_writable(const char *dir)
{
    struct stat sb;
    return stat(dir, &sb) != 0             ? errno
           : !S_ISDIR(sb.st_mode)          ? ENOTDIR
           : access(dir, W_OK | X_OK) != 0 ? errno
                                           : 0;
}
