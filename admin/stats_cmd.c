/*
 * stats_cmd: chatadmin's commands over the statistics: `stats` (reports,
 * and `stats import FILE`) and `plan` (the period's staffing plan, and the
 * calculator), contract v2 §5, §6.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "chat_err.h"
#include "plan.h"
#include "plan_report.h"
#include "stats.h"

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
    if (rc == 0)
        rc = stats_report_print(rep, strcmp(format, "csv") ? STATS_JSON : STATS_CSV, min_count,
                                stdout);
    stats_report_free(rep);
    if (rc != 0)
        return admin_fail(1, "%s", "cannot read the statistics");
    return 0;
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

#define IMPORT_LINE_MAX 65536
#define IMPORT_COLS_MAX (2 + STAT_COUNT + STATS_MAX_EXTRA)

/* The n-digit number at s, or -1 when not all digits. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "2026-11-23T10:00:00+02:00" as stats prints it, to the instant; -1 when
 * malformed. */
static time_t parse_hour(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd+dd:dd";
    if (strlen(s) != sizeof(shape) - 1)
        return -1;
    for (size_t i = 0; i < sizeof(shape) - 1; i++)
        if (shape[i] != 'd' && shape[i] != '+' && s[i] != shape[i])
            return -1;
    char sign = s[19];
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = digits(s + 11, 2),
        mi = digits(s + 14, 2), sec = digits(s + 17, 2), oh = digits(s + 20, 2),
        om = digits(s + 23, 2);
    if ((sign != '+' && sign != '-') || y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || sec < 0 || sec > 59 || oh < 0 || oh > 14 || om < 0 || om > 59)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    if (t == -1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
        return -1;
    return t - (sign == '+' ? 1 : -1) * (time_t)(oh * 3600 + om * 60);
}

/* The column name's index among the fixed counters (>= 0), -2 for an
 * extra counter name (q_..., cat_...), -1 when unknown. */
static int column_kind(const char *name)
{
    for (int i = 0; i < STAT_COUNT; i++)
        if (strcmp(stats_name(i), name) == 0)
            return i;
    const char *rest = strncmp(name, "q_", 2) == 0     ? name + 2
                       : strncmp(name, "cat_", 4) == 0 ? name + 4
                                                       : NULL;
    size_t n = rest ? strlen(rest) : 0;
    return n > 0 && n < STATS_NAME_MAX - 4 &&
                   strspn(rest, "abcdefghijklmnopqrstuvwxyz0123456789_") == n
               ? -2
               : -1;
}

/* Splits line (in place) on commas into at most max fields; their count. */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *s = line; n < max;) {
        fields[n++] = s;
        char *comma = strchr(s, ',');
        if (!comma)
            return n;
        *comma = '\0';
        s = comma + 1;
    }
    return max + 1; /* too many */
}

struct import {
    struct admin *a;
    const char *path;
    char *names[IMPORT_COLS_MAX]; /* the header's fields (in its buffer) */
    int kinds[IMPORT_COLS_MAX];   /* column_kind; topic and hour are -3, -4 */
    int ncols;
    long rows;
};

/* Reads the header line into im; 0 or the exit code after saying why. */
static int import_header(struct import *im, char *line)
{
    bool topic = false, hour = false;
    im->ncols = split_csv(line, im->names, IMPORT_COLS_MAX);
    if (im->ncols > IMPORT_COLS_MAX)
        return admin_fail(1, "%s:1: more than %d columns", im->path, IMPORT_COLS_MAX);
    for (int i = 0; i < im->ncols; i++) {
        const char *c = im->names[i];
        for (int j = 0; j < i; j++)
            if (strcmp(im->names[j], c) == 0)
                return admin_fail(1, "%s:1: column \"%s\" twice", im->path, c);
        im->kinds[i] = strcmp(c, "topic") == 0 ? -3 : strcmp(c, "hour") == 0 ? -4 : column_kind(c);
        topic |= im->kinds[i] == -3;
        hour |= im->kinds[i] == -4;
        if (im->kinds[i] == -1)
            return admin_fail(1, "%s:1: unknown column \"%s\"", im->path, c);
    }
    if (!topic || !hour)
        return admin_fail(1, "%s:1: the columns topic and hour are required", im->path);
    return 0;
}

/* Journals one data line (lineno for messages); 0 or the exit code. */
static int import_row(struct import *im, char *line, long lineno)
{
    char *f[IMPORT_COLS_MAX + 1];
    long counts[STAT_COUNT] = {0}, extra[IMPORT_COLS_MAX];
    const char *extra_names[IMPORT_COLS_MAX], *topic = NULL;
    int nextra = 0, n = split_csv(line, f, IMPORT_COLS_MAX);
    time_t hour = -1;
    if (n != im->ncols)
        return admin_fail(1, "%s:%ld: %d fields, the header has %d", im->path, lineno, n,
                          im->ncols);
    for (int i = 0; i < n; i++) {
        if (im->kinds[i] == -3) {
            topic = f[i];
            if (!config_topic(im->a->cfg, topic))
                return admin_fail(1, "%s:%ld: unknown topic \"%s\"", im->path, lineno, topic);
            continue;
        }
        if (im->kinds[i] == -4) {
            hour = parse_hour(f[i]);
            if (hour < 0 || stats_hour_start(hour) != hour)
                return admin_fail(1,
                                  "%s:%ld: bad hour \"%s\": the start of a local hour, as "
                                  "2026-11-23T10:00:00+02:00",
                                  im->path, lineno, f[i]);
            continue;
        }
        char *end;
        long v = *f[i] ? strtol(f[i], &end, 10) : 0;
        if (*f[i] && (*end || v < 0 || v > 1000000000L))
            return admin_fail(1,
                              "%s:%ld: bad %s \"%s\": a count 0..1000000000 (hidden counts \"<K\" "
                              "cannot be brought in)",
                              im->path, lineno, im->names[i], f[i]);
        if (im->kinds[i] >= 0)
            counts[im->kinds[i]] += v;
        else {
            extra_names[nextra] = im->names[i];
            extra[nextra++] = v;
        }
    }
    struct stats_row row = {topic, hour, counts, nextra, extra_names, extra};
    if (store_stats_add(im->a->st, &row) != 0)
        return admin_fail(1, "%s:%ld: out of memory", im->path, lineno);
    im->rows++;
    return 0;
}

/* `stats import FILE`: all of its buckets added in one transaction, or none. */
static int stats_import(struct admin *a, const char *path)
{
    struct import im = {.a = a, .path = path};
    char *header = malloc(IMPORT_LINE_MAX), *line = malloc(IMPORT_LINE_MAX);
    FILE *in = fopen(path, "r");
    int rc = 0;
    long lineno = 1;
    if (!in)
        rc = admin_fail(1, "cannot read %s", path);
    else if (!header || !line)
        rc = admin_fail(1, "%s", "out of memory");
    else if (!fgets(header, IMPORT_LINE_MAX, in))
        rc = admin_fail(1, "%s: empty: a header line is needed", path);
    else if ((rc = import_header(&im, header)) == 0 && (rc = admin_open_store(a)) == 0) {
        while (rc == 0 && fgets(line, IMPORT_LINE_MAX, in)) {
            lineno++;
            if (!strchr(line, '\n') && !feof(in))
                rc = admin_fail(1, "%s:%ld: line longer than %d bytes", path, lineno,
                                IMPORT_LINE_MAX);
            else if (line[0] != '\n' && line[0] != '\r' && line[0] != '#')
                rc = import_row(&im, line, lineno);
        }
        if (rc == 0 && ferror(in))
            rc = admin_fail(1, "cannot read %s", path);
        if (rc == 0 && store_commit(a->st, NULL) != 0)
            rc = admin_fail(1, "%s", "cannot store the buckets (the database is busy or full?)");
        if (rc != 0)
            store_discard(a->st); /* all or nothing */
    }
    if (in)
        fclose(in);
    free(header);
    free(line);
    if (rc == 0)
        printf("imported %ld buckets from %s\n", im.rows, path);
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
 * [--format csv|json] [--redistribute]`. */
static int plan_period(struct admin *a, int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *topic = NULL, *format = "csv";
    struct plan_target t = {PLAN_TARGET_WAIT_S, PLAN_TARGET_SHARE};
    bool redistribute = false;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (strcmp(opt, "--redistribute") == 0) {
            redistribute = true;
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
    if (rc == 0)
        rc = plan_report_print(rep, &t, redistribute,
                               strcmp(format, "csv") ? STATS_JSON : STATS_CSV, stdout);
    plan_report_free(rep);
    return rc == 0 ? 0 : admin_fail(1, "%s", "cannot read the statistics");
}

int stats_cmd_plan(struct admin *a, int argc, char **argv)
{
    return a && stats_cmd_plan_reads_db(argc, argv) ? plan_period(a, argc, argv)
                                                    : plan_calculator(argc, argv);
}
