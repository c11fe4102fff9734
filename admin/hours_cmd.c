/*
 * hours_cmd: `chatadmin hours add|list|del` (contract v3 §5), exceptions to
 * a topic's week kept in the database (hours.h). A running chatd sees a
 * change within HOURS_LIVE_POLL_S seconds and logs its audit line.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "chat_err.h"
#include "hours.h"

/* Who the audit names: "chatadmin:" and the system user. */
static void who(char out[HOURS_BY_MAX])
{
    const struct passwd *pw = getpwuid(geteuid());
    if (pw)
        snprintf(out, HOURS_BY_MAX, "chatadmin:%.64s", pw->pw_name);
    else
        snprintf(out, HOURS_BY_MAX, "chatadmin:uid %u", (unsigned)geteuid());
}

static int open_db(struct admin *a, struct hours_db **db)
{
    if (admin_open_store(a) != 0) /* creates and migrates the file */
        return 1;
    if (hours_db_open(a->cfg->data_dir, db) != 0)
        return admin_fail(1, "cannot open the database in %s", a->cfg->data_dir);
    return 0;
}

static int db_fail(int rc)
{
    return admin_fail(1, "%s",
                      rc == CHAT_ERR_BUSY ? "the database is busy; try again"
                      : rc == CHAT_ERR_FULL
                          ? "the topic has as many exceptions from today on as it can hold"
                          : chat_err_message(rc));
}

/* hours add TOPIC --date YYYY-MM-DD (--closed | --open HH:MM-HH:MM) [--note TEXT] */
static int hours_add(struct admin *a, int argc, char **argv)
{
    static const struct option opts[] = {{"date", required_argument, NULL, 'd'},
                                         {"closed", no_argument, NULL, 'c'},
                                         {"open", required_argument, NULL, 'o'},
                                         {"note", required_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    const char *date = NULL, *open = NULL, *note = NULL;
    bool closed = false;
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            date = optarg;
        else if (c == 'c')
            closed = true;
        else if (c == 'o')
            open = optarg;
        else if (c == 'n')
            note = optarg;
        else
            return admin_usage();
    }
    if (optind != argc - 1 || !date || closed == (open != NULL))
        return admin_fail(EXIT_USAGE, "%s",
                          "usage: hours add TOPIC --date YYYY-MM-DD (--closed | --open "
                          "HH:MM-HH:MM) [--note TEXT]");
    struct hours_exception e;
    char err[160], by[HOURS_BY_MAX], line[HOURS_LINE_MAX];
    time_t now = time(NULL);
    int rc = hours_check(a->cfg, argv[optind], date, open, note, now, &e, err, sizeof(err));
    if (rc != 0)
        return admin_fail(1, "%s", err);
    struct hours_db *db;
    int64_t replaced = 0;
    if (open_db(a, &db) != 0)
        return 1;
    who(by);
    rc = hours_db_add(db, &e, by, now, &replaced);
    hours_db_close(db);
    if (rc != 0)
        return db_fail(rc);
    hours_line(&e, line, sizeof(line));
    printf("%s\n", line);
    if (replaced)
        fprintf(stderr, "chatadmin: replaced exception %lld of the same date\n",
                (long long)replaced);
    return 0;
}

/* hours list [--topic T]: one exception a line, its id first. */
static int hours_list(struct admin *a, int argc, char **argv)
{
    const char *topic = NULL;
    if (argc == 4 && strcmp(argv[2], "--topic") == 0)
        topic = argv[3];
    else if (argc != 2)
        return admin_usage();
    if (topic && !config_topic(a->cfg, topic))
        return admin_fail(1, "no topic \"%.32s\" in the config", topic);
    struct hours_db *db;
    struct hours_exception *all;
    size_t n;
    char line[HOURS_LINE_MAX];
    if (open_db(a, &db) != 0)
        return 1;
    int rc = hours_db_list(db, topic, NULL, &all, &n);
    hours_db_close(db);
    if (rc != 0)
        return db_fail(rc);
    for (size_t i = 0; i < n; i++) {
        hours_line(&all[i], line, sizeof(line));
        printf("%s\n", line);
    }
    free(all);
    return 0;
}

/* hours del ID */
static int hours_del(struct admin *a, int argc, char **argv)
{
    char *end, by[HOURS_BY_MAX], line[HOURS_LINE_MAX];
    if (argc != 3)
        return admin_usage();
    long long id = strtoll(argv[2], &end, 10);
    if (end == argv[2] || *end || id <= 0)
        return admin_fail(EXIT_USAGE, "bad id \"%.32s\" (want the number hours list shows)",
                          argv[2]);
    struct hours_db *db;
    struct hours_exception gone;
    if (open_db(a, &db) != 0)
        return 1;
    who(by);
    int rc = hours_db_del(db, (int64_t)id, by, time(NULL), NULL, &gone);
    hours_db_close(db);
    if (rc == CHAT_ERR_NOT_FOUND)
        return admin_fail(1, "no exception %lld", id);
    if (rc != 0)
        return db_fail(rc);
    hours_line(&gone, line, sizeof(line));
    printf("deleted %s\n", line);
    return 0;
}

int hours_cmd(struct admin *a, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return hours_add(a, argc, argv);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return hours_list(a, argc, argv);
    if (argc >= 2 && strcmp(argv[1], "del") == 0)
        return hours_del(a, argc, argv);
    return admin_usage();
}
