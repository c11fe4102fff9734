/*
 * stats_cmd: chatadmin's commands over the statistics: `stats` (reports,
 * and `stats import FILE`) and `plan` (the period's staffing plan, and the
 * calculator), contract v2 §5, §6.
 *
 * An import (contract v3 §6) reads its file a line at a time (import.c),
 * stages the buckets in the store in short transactions (admin_steps),
 * checks the whole with reads, and merges it in short transactions: chatd,
 * writing the same file, never waits long, and the statistics get all of a
 * file or none of it (store.h says how an interrupted one ends).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "chat_err.h"
#include "import.h"
#include "plan.h"
#include "plan_report.h"
#include "stats.h"

/* A report that could not be printed: out of memory, or stdout refused
 * (a full disk, a closed pipe). */
static int print_failed(int rc)
{
    if (rc == CHAT_ERR_NOMEM)
        return admin_fail(1, "%s", "out of memory");
    return admin_fail(1, "cannot write the output: %s", strerror(errno ? errno : EIO));
}

/* `stats --from --to ...`: the hourly buckets as CSV or JSON. */
/* The period, format and topic of `stats` and `plan --from --to`, checked
 * (usage errors say which); then the store opened. 0, or the exit status. */
static int period_open(struct admin *a, const char *missing, const char *from, const char *to,
                       const char *format, const char *topic, time_t *t0, time_t *t1)
{
    if (!from || !to)
        return admin_fail(EXIT_USAGE, "%s", missing);
    *t0 = stats_parse_day(from, 0);
    *t1 = stats_parse_day(to, 1);
    if (*t0 < 0 || *t1 < 0)
        return admin_fail(EXIT_USAGE, "bad date \"%s\": use YYYY-MM-DD", *t0 < 0 ? from : to);
    if (*t1 <= *t0)
        return admin_fail(EXIT_USAGE, "%s", "--to is before --from");
    if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return admin_fail(EXIT_USAGE, "bad --format \"%s\": csv or json", format);
    if (topic && !config_topic(a->cfg, topic))
        return admin_fail(EXIT_USAGE, "unknown topic \"%s\"", topic);
    return admin_open_store(a) ? 1 : 0;
}

static int stats_report(struct admin *a, int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *topic = NULL, *format = "csv";
    long min_count = 0;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            return admin_usage();
        if (strcmp(argv[i], "--from") == 0)
            from = argv[i + 1];
        else if (strcmp(argv[i], "--to") == 0)
            to = argv[i + 1];
        else if (strcmp(argv[i], "--topic") == 0)
            topic = argv[i + 1];
        else if (strcmp(argv[i], "--format") == 0)
            format = argv[i + 1];
        else if (strcmp(argv[i], "--min-count") == 0) {
            char *end;
            min_count = strtol(argv[i + 1], &end, 10);
            if (*end || min_count < 1 || min_count > 1000000)
                return admin_fail(EXIT_USAGE, "bad --min-count \"%s\": 1..1000000", argv[i + 1]);
        } else
            return admin_usage();
    }
    time_t t0 = 0, t1 = 0;
    int bad =
        period_open(a, "stats needs --from DATE and --to DATE", from, to, format, topic, &t0, &t1);
    if (bad)
        return bad;
    struct stats_report *rep = stats_report_new();
    int rc = rep ? stats_report_names(rep, a->cfg) : CHAT_ERR_NOMEM;
    if (rc == 0)
        rc = store_stats_each(a->st, t0, t1, topic, stats_report_add, rep);
    if (rc != 0) {
        stats_report_free(rep);
        return admin_fail(1, "cannot read the statistics: %s", admin_why(a, rc));
    }
    rc = stats_report_print(rep, strcmp(format, "csv") ? STATS_JSON : STATS_CSV, min_count, stdout);
    stats_report_free(rep);
    return rc == 0 ? 0 : print_failed(rc);
}

/* One number option of `plan`: value text into *v within lo..hi. */
static int plan_number(const char *name, const char *text, double lo, double hi, const char *what,
                       double *v)
{
    char *end;
    if (!text)
        return admin_fail(EXIT_USAGE, "plan %s needs a number: %s", name, what);
    *v = strtod(text, &end);
    if (end == text || *end || !isfinite(*v) || *v < lo || *v > hi)
        return admin_fail(EXIT_USAGE, "bad %s \"%s\": %s", name, text, what);
    return 0;
}

/* True when a plan command line is the period form (it reads the database). */
bool stats_cmd_plan_reads_db(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--from") == 0 || strcmp(argv[i], "--to") == 0)
            return true;
    return false;
}

/* plan: the Erlang A / Erlang C calculator (contract v2 §6); a is NULL
 * without --config. */
static int plan_calculator(int argc, char **argv)
{
    double arrivals = NAN, handle = NAN, patience = 0, slots = -1;
    double wait = PLAN_TARGET_WAIT_S, share = PLAN_TARGET_SHARE;
    bool has_share = false;
    for (int i = 1; i < argc; i += 2) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int rc;
        if (strcmp(opt, "--arrivals-per-hour") == 0)
            rc = plan_number(opt, val, 0, PLAN_ARRIVALS_MAX, "joins per hour, 0..1000000",
                             &arrivals);
        else if (strcmp(opt, "--handle-s") == 0)
            rc = plan_number(opt, val, PLAN_DURATION_MIN_S, PLAN_DURATION_MAX_S,
                             "mean chat + wrap-up seconds, 1..1000000", &handle);
        else if (strcmp(opt, "--patience-s") == 0)
            rc = plan_number(opt, val, PLAN_DURATION_MIN_S, PLAN_DURATION_MAX_S,
                             "mean patience seconds, 1..1000000 (omit it for Erlang C)", &patience);
        else if (strcmp(opt, "--slots") == 0) {
            rc = plan_number(opt, val, 0, PLAN_SLOTS_MAX, "a whole number of slots, 0..1000",
                             &slots);
            if (rc == 0 && slots != floor(slots))
                rc = admin_fail(EXIT_USAGE, "bad --slots \"%s\": a whole number of slots, 0..1000",
                                val);
        } else if (strcmp(opt, "--target-wait") == 0)
            rc = plan_number(opt, val, 0, PLAN_DURATION_MAX_S, "seconds, 0..1000000", &wait);
        else if (strcmp(opt, "--target-share") == 0) {
            rc = plan_number(opt, val, 0, 1, "a share above 0, at most 1", &share);
            if (rc == 0 && share <= 0)
                rc = admin_fail(EXIT_USAGE, "bad --target-share \"%s\": a share above 0, at most 1",
                                val);
            has_share = true;
        } else
            rc = admin_fail(EXIT_USAGE, "unknown plan option \"%s\"", opt);
        if (rc != 0)
            return rc;
    }
    if (isnan(arrivals) || isnan(handle))
        return admin_fail(EXIT_USAGE, "%s", "plan needs --arrivals-per-hour X and --handle-s H");
    if (has_share && slots >= 0)
        return admin_fail(EXIT_USAGE, "%s",
                          "--target-share is for finding --slots: give one of them");
    struct plan_load load = {arrivals, handle, patience};
    struct plan_result r;
    int n = (int)slots;
    int rc =
        slots >= 0 ? plan_eval(&load, n, wait, &r) : plan_slots_needed(&load, wait, share, &n, &r);
    if (rc == CHAT_ERR_NOT_FOUND)
        return admin_fail(1, "no number of slots up to %d answers %.3f within %g s", PLAN_SLOTS_MAX,
                          share, wait);
    if (rc != 0)
        return admin_fail(EXIT_USAGE, "%s", "these numbers are out of the model's range");
    if (slots < 0)
        printf("slots=%d ", n);
    printf("answered_share=%.3f wait_share=%.3f mean_wait_s=%.1f\n", r.answered_share, r.wait_share,
           r.mean_wait_s);
    return 0;
}

/* ---- stats import ------------------------------------------------------------ */

#define IMPORT_SHOWN_MAX 20 /* problems printed; the others are counted */

/* A `stats import` as it runs: the file read line by line, what it staged,
 * and its problems. */
struct import_run {
    struct admin *a;
    const char *path;
    struct import_reader rd;
    struct import_header h;
    struct import_row row;
    long rows;     /* buckets staged */
    long problems; /* lines refused (each said unless past IMPORT_SHOWN_MAX) */
    bool end;      /* no more lines to read */
};

/* Says (unless too many were said) and counts a problem of line. */
static void import_problem(struct import_run *im, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void import_problem(struct import_run *im, long line, const char *fmt, ...)
{
    if (im->problems++ >= IMPORT_SHOWN_MAX)
        return;
    va_list ap;
    fprintf(stderr, "chatadmin: %s:%ld: ", im->path, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized): va_start is above */
    va_end(ap);
    fputc('\n', stderr);
}

/* An admin_step_fn: reads up to n lines and stages their buckets in one
 * transaction. */
static int import_stage_step(struct store *st, long n, long *done, void *arg)
{
    struct import_run *im = arg;
    char err[IMPORT_ERR_MAX];
    long lines = 0;
    int rc = 0;
    while (rc == 0 && lines < n && !im->end) {
        enum import_read r = import_read_line(&im->rd, err);
        if (r == IMPORT_EOF) {
            im->end = true;
            break;
        }
        lines++;
        if (r == IMPORT_STOP)
            im->end = true;
        if (r == IMPORT_LINE && (im->rd.line[0] == '\0' || im->rd.line[0] == '#'))
            continue;
        if (r != IMPORT_LINE ||
            import_row_parse(&im->h, im->a->cfg, im->rd.line, &im->row, err) != 0) {
            import_problem(im, im->rd.lineno, "%s", err);
            continue;
        }
        struct stats_row row = import_row_stats(&im->row);
        if ((rc = store_import_stage(st, im->rd.lineno, &row)) == 0)
            im->rows++;
    }
    if (rc == 0 && store_pending(st))
        rc = store_commit(st, NULL);
    if (rc != 0)
        store_discard(st);
    *done = lines;
    return rc;
}

static int import_dup(long first, long last, long times, void *arg)
{
    struct import_run *im = arg;
    if (times > 2)
        import_problem(im, last, "the bucket (topic and hour) of line %ld, the %ld. time", first,
                       times);
    else
        import_problem(im, last, "the bucket (topic and hour) of line %ld again", first);
    return 0;
}

static int import_over(long line, const char *name, long stored, long added, void *arg)
{
    import_problem(arg, line, "%s %ld added to the %ld stored passes the cap %ld", name, added,
                   stored, STORE_COUNT_MAX);
    return 0;
}

/* Stages the lines after the header, checks the whole, and merges it, or
 * undoes the staging; 0 or the exit status after saying why. */
static int import_file(struct import_run *im)
{
    struct store *st = im->a->st;
    struct admin_steps staging, merging;
    int rc = store_import_begin(st, im->path);
    if (rc == 0)
        rc = store_commit(st, NULL);
    /* a power loss keeps a prefix of the staging, which is undone like a
     * killed one; the commit that marks it whole syncs it all */
    store_set_synced(st, 0);
    if (rc == 0)
        rc = admin_steps(st, import_stage_step, im, &staging);
    store_set_synced(st, 1);
    if (rc == 0 && ferror(im->rd.in) == 0) {
        /* reads: the whole file is staged, and chatd goes on writing */
        long left = IMPORT_SHOWN_MAX - im->problems;
        if (left > 0)
            rc = store_import_each_dup(st, left, import_dup, im);
        left = IMPORT_SHOWN_MAX - im->problems;
        if (rc == 0 && left > 0)
            rc = store_import_each_over(st, left, import_over, im);
    }
    if (rc == 0 && im->problems == 0 && (rc = store_import_staged(st, im->rows)) == 0 &&
        (rc = store_commit(st, NULL)) == 0) {
        if (admin_steps(st, admin_import_merge_step, NULL, &merging) != 0)
            return admin_fail(1,
                              "cannot merge the staged buckets of %s: %s (the next chatadmin "
                              "command finishes it)",
                              im->path, admin_why(im->a, CHAT_ERR_IO));
        printf("imported %ld buckets from %s (%ld write transactions, the longest %.0f ms)\n",
               im->rows, im->path, staging.steps + merging.steps,
               1000 *
                   (staging.longest_s > merging.longest_s ? staging.longest_s : merging.longest_s));
        return 0;
    }
    store_discard(st);
    if (rc != 0)
        admin_fail(1, "cannot stage the buckets of %s: %s", im->path, admin_why(im->a, rc));
    if (admin_steps(st, admin_import_drop_step, NULL, NULL) != 0)
        return admin_fail(1,
                          "cannot delete the staged lines: %s (the next chatadmin command "
                          "does)",
                          admin_why(im->a, CHAT_ERR_IO));
    if (rc == 0)
        admin_fail(1, "%s: %ld problem%s (%s); nothing imported", im->path, im->problems,
                   im->problems == 1 ? "" : "s",
                   im->problems > IMPORT_SHOWN_MAX ? "the first 20 said" : "each said");
    return 1;
}

/* `stats import FILE`: all of its buckets added, or none, in transactions
 * that never hold the write lock long (contract v3 §6). */
static int stats_import(struct admin *a, const char *path)
{
    struct import_run *im = calloc(1, sizeof(*im));
    char err[IMPORT_ERR_MAX];
    if (!im)
        return admin_fail(1, "%s", "out of memory");
    im->a = a;
    im->path = path;
    FILE *in = fopen(path, "r");
    int rc = 0;
    if (!in) {
        rc = admin_fail(1, "cannot read %s: %s", path, strerror(errno));
        free(im);
        return rc;
    }
    import_reader_init(&im->rd, in);
    enum import_read r = import_read_line(&im->rd, err);
    if (r == IMPORT_EOF)
        rc = admin_fail(1, "%s: empty: a header line is needed", path);
    else if (r != IMPORT_LINE || import_header_parse(&im->h, a->cfg, im->rd.line, err) != 0)
        rc = admin_fail(1, "%s:1: %s", path, err);
    else if ((rc = admin_import_lock(a)) == 0 && (rc = admin_open_store(a)) == 0)
        rc = import_file(im);
    fclose(in);
    free(im);
    return rc;
}

int stats_cmd_stats(struct admin *a, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "import") == 0)
        return argc == 3 ? stats_import(a, argv[2]) : admin_usage();
    return stats_report(a, argc, argv);
}

/* ---- plan over a period -------------------------------------------------------- */

/* `plan --from DATE --to DATE [--topic T] [--target-wait S] [--target-share P]
 * [--format csv|json] [--redistribute] [--pooled]`. */
static int plan_period(struct admin *a, int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *topic = NULL, *format = "csv";
    struct plan_target t = {PLAN_TARGET_WAIT_S, PLAN_TARGET_SHARE};
    bool redistribute = false, pooled = false;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (strcmp(opt, "--redistribute") == 0) {
            redistribute = true;
            continue;
        }
        if (strcmp(opt, "--pooled") == 0) {
            pooled = true;
            continue;
        }
        if (!val)
            return admin_fail(EXIT_USAGE, "plan %s needs a value", opt);
        i++;
        if (strcmp(opt, "--from") == 0)
            from = val;
        else if (strcmp(opt, "--to") == 0)
            to = val;
        else if (strcmp(opt, "--topic") == 0)
            topic = val;
        else if (strcmp(opt, "--format") == 0)
            format = val;
        else if (strcmp(opt, "--target-wait") == 0)
            rc = plan_number(opt, val, 0, PLAN_DURATION_MAX_S, "seconds, 0..1000000", &t.wait_s);
        else if (strcmp(opt, "--target-share") == 0) {
            rc = plan_number(opt, val, 0, 1, "a share above 0, at most 1", &t.share);
            if (rc == 0 && t.share <= 0)
                rc = admin_fail(EXIT_USAGE, "bad --target-share \"%s\": a share above 0, at most 1",
                                val);
        } else
            rc = admin_fail(EXIT_USAGE, "unknown plan option \"%s\"", opt);
        if (rc != 0)
            return rc;
    }
    time_t t0 = 0, t1 = 0;
    int bad = period_open(a, "plan needs both --from DATE and --to DATE", from, to, format, topic,
                          &t0, &t1);
    if (bad)
        return bad;
    struct plan_report *rep = plan_report_new(a->cfg, t0, t1);
    int rc = rep ? store_stats_each(a->st, t0, t1, topic, plan_report_add, rep) : CHAT_ERR_NOMEM;
    if (rc != 0) {
        plan_report_free(rep);
        return admin_fail(1, "cannot read the statistics: %s", admin_why(a, rc));
    }
    plan_report_pool(rep, pooled);
    rc = plan_report_print(rep, &t, redistribute, strcmp(format, "csv") ? STATS_JSON : STATS_CSV,
                           stdout);
    plan_report_free(rep);
    return rc == 0 ? 0 : print_failed(rc);
}

int stats_cmd_plan(struct admin *a, int argc, char **argv)
{
    return a && stats_cmd_plan_reads_db(argc, argv) ? plan_period(a, argc, argv)
                                                    : plan_calculator(argc, argv);
}
