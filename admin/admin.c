/*
 * admin: what chatadmin's command files share, below all of them: the
 * usage text, how a command fails, and the store opened on first use (by
 * the data directory's owner only).
 */
#include "admin.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: chatadmin [--config FILE] COMMAND ...\n"
    "       chatadmin --help\n"
    "The config FILE defaults to " ADMIN_DEFAULT_CONFIG ".\n"
    "commands:\n"
    "  keygen --out DIR                 make DIR/transcript.pub and DIR/transcript.key\n"
    "                                   (passphrase from stdin)\n"
    "  user add NAME --role worker|coordinator|admin [--alias TEXT]\n"
    "                                   (password from stdin, at least 8 characters)\n"
    "  user del NAME | user list | user passwd NAME\n"
    "  transcript list                  chat id, topic, day, message count\n"
    "  transcript show CHAT --key FILE  decrypt a transcript (passphrase from stdin)\n"
    "  transcript purge                 delete transcripts past retention_days\n"
    "  stats --from DATE --to DATE [--topic T] [--format csv|json] [--min-count K]\n"
    "                                   hourly aggregates of the days from..to (YYYY-MM-DD)\n"
    "  stats import FILE                add the buckets of a CSV in the stats layout\n"
    "                                   (all or nothing)\n"
    "  backup FILE                      consistent copy of the database (online backup API)\n"
    "  plan --arrivals-per-hour X --handle-s H [--patience-s P] --slots N [--target-wait S]\n"
    "                                   answered_share, wait_share (answered within S s,\n"
    "                                   default 300) and mean_wait_s with N chat slots\n"
    "                                   (Erlang A; Erlang C without --patience-s);\n"
    "                                   needs no --config\n"
    "  plan ... [--target-share P]      without --slots: the fewest slots that answer\n"
    "                                   the share P (default 0.8) within S\n"
    "  plan --from DATE --to DATE [--topic T] [--target-wait S] [--target-share P]\n"
    "       [--format csv|json] [--redistribute]\n"
    "                                   the staffing plan per topic, weekday and hour of\n"
    "                                   the period's statistics\n";

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
        return admin_fail(1, "cannot open the database in %s", a->cfg->data_dir);
    return 0;
}
