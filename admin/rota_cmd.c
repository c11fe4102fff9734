/*
 * rota_cmd: chatadmin's `rota make` (contract v3 §7): a week's shifts from
 * the plan of a period (rota_report.h), printed as CSV or JSON, and with
 * --publish stored as open shifts, one per worker position, in one
 * transaction (chatd's workers see them in their next `shifts`).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "chat_err.h"
#include "rota_report.h"

/* A whole number option into *v; 0 or the usage exit status. */
static int rota_int(const char *opt, const char *text, int *v)
{
    char *end;
    errno = 0;
    long x = strtol(text, &end, 10);
    if (end == text || *end || errno || x < -1000000 || x > 1000000)
        return admin_fail(EXIT_USAGE, "bad %s \"%s\": a whole number", opt, text);
    *v = (int)x;
    return 0;
}

/* A number option into *v; 0 or the usage exit status. */
static int rota_real(const char *opt, const char *text, double *v)
{
    char *end;
    *v = strtod(text, &end);
    if (end == text || *end || !isfinite(*v))
        return admin_fail(EXIT_USAGE, "bad %s \"%s\": a number", opt, text);
    return 0;
}

/* Stores r's shifts, one open shift per worker position. */
static int rota_publish(struct admin *a, const struct rota_result *r)
{
    long n = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->nitems; i++)
        for (int k = 0; rc == 0 && k < r->items[i].count; k++, n++)
            rc = store_rota_add(a->st, a->cfg->topics[r->items[i].topic].id, r->week,
                                r->items[i].start, r->items[i].end);
    if (rc == 0)
        rc = store_commit(a->st, NULL);
    if (rc != 0) {
        store_discard(a->st);
        return admin_fail(1, "cannot store the shifts: %s", admin_why(a, rc));
    }
    fprintf(stderr, "chatadmin: published %ld open shifts\n", n);
    return 0;
}

/* `rota make --week MONDAY --from DATE --to DATE [--topic T] [--capacity C]
 * [--shift-min-h A] [--shift-max-h B] [--target-wait S] [--target-share P]
 * [--format csv|json] [--publish]`. */
static int rota_make_cmd(struct admin *a, int argc, char **argv)
{
    struct rota_request q;
    const char *format = "csv", *week = NULL, *from = NULL, *to = NULL;
    bool publish = false;
    rota_request_init(&q);
    for (int i = 2; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (strcmp(opt, "--publish") == 0) {
            publish = true;
            continue;
        }
        if (!val)
            return admin_fail(EXIT_USAGE, "rota make %s needs a value", opt);
        i++;
        if (strcmp(opt, "--week") == 0)
            week = val;
        else if (strcmp(opt, "--from") == 0)
            from = val;
        else if (strcmp(opt, "--to") == 0)
            to = val;
        else if (strcmp(opt, "--topic") == 0)
            snprintf(q.topic, sizeof(q.topic), "%s", val);
        else if (strcmp(opt, "--format") == 0)
            format = val;
        else if (strcmp(opt, "--capacity") == 0)
            rc = rota_int(opt, val, &q.capacity);
        else if (strcmp(opt, "--shift-min-h") == 0)
            rc = rota_int(opt, val, &q.shift_min_h);
        else if (strcmp(opt, "--shift-max-h") == 0)
            rc = rota_int(opt, val, &q.shift_max_h);
        else if (strcmp(opt, "--target-wait") == 0)
            rc = rota_real(opt, val, &q.target.wait_s);
        else if (strcmp(opt, "--target-share") == 0)
            rc = rota_real(opt, val, &q.target.share);
        else
            rc = admin_fail(EXIT_USAGE, "unknown rota make option \"%s\"", opt);
        if (rc != 0)
            return rc;
    }
    if (!week || !from || !to)
        return admin_fail(EXIT_USAGE, "%s",
                          "rota make needs --week MONDAY, --from DATE and --to DATE");
    if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return admin_fail(EXIT_USAGE, "bad --format \"%s\": csv or json", format);
    q.week = stats_parse_day(week, 0);
    q.from = stats_parse_day(from, 0);
    q.to = stats_parse_day(to, 1);
    const char *why = rota_request_check(a->cfg, &q);
    if (why)
        return admin_fail(EXIT_USAGE, "%s", why);
    if (admin_open_store(a))
        return 1;
    struct rota_result r;
    int rc = rota_make(a->cfg, a->st, &q, &r);
    if (rc != 0)
        return admin_fail(1, "cannot make the rota: %s", admin_why(a, rc));
    rc = rota_print(a->cfg, &r, strcmp(format, "csv") ? STATS_JSON : STATS_CSV, stdout);
    if (rc == 0 && publish)
        rc = rota_publish(a, &r);
    else if (rc != 0)
        rc = admin_fail(1, "cannot write the output: %s", strerror(errno ? errno : EIO));
    rota_result_fini(&r);
    return rc;
}

int rota_cmd(struct admin *a, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "make") == 0)
        return rota_make_cmd(a, argc, argv);
    return admin_usage();
}
