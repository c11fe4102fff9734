/*
 * hours: exceptions to a topic's week (contract v3 §5), as chatadmin and
 * chatd's hours worker keep them in the database.
 *
 * An exception names a topic and a date and says that date is closed, or
 * open in one interval "HH:MM-HH:MM"; it replaces everything the config
 * says about that date (schedule.h). A second exception for the same topic
 * and date replaces the first (it gets a new id; the audit line says which
 * one it replaced): a coordinator who changes a day's plan simply sets it
 * again. Ids are never reused.
 *
 * Every change is written in the same transaction as a line of
 * hours_audit: when, who (the account's name: a worker account's, or
 * "chatadmin:" and the system user's), and what (topic, date, hours,
 * whether a note was given; never the note itself). The audit's last id is
 * also the version that chatd polls to see a change made by chatadmin.
 *
 * hours_check() validates a new exception against the config and the
 * clock (both passed in); the hours_db_* functions run on their own SQLite
 * connection, on the thread that opened it (chatadmin's main thread, or
 * chatd's hours worker: hours_live.h), and may wait for the write lock.
 */
#ifndef HOURS_H
#define HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "schedule.h"

#define HOURS_NOTE_MAX 200   /* characters of a note */
#define HOURS_AHEAD_DAYS 400 /* an exception at most this many days after today */
#define HOURS_BY_MAX 96      /* bytes of who made a change */
#define HOURS_LINE_MAX 1024  /* bytes of a printed exception or audit line */
/* exceptions of a topic from today on; with yesterday's (which may run past
 * midnight) they fit a schedule's SCHEDULE_MAX_EXCEPTIONS */
#define HOURS_PER_TOPIC_MAX (SCHEDULE_MAX_EXCEPTIONS - 1)

struct hours_exception {
    int64_t id; /* 0 before it is stored */
    char topic[CONFIG_TOPIC_ID_MAX + 1];
    struct schedule_exception x;
    char note[4 * HOURS_NOTE_MAX + 1]; /* UTF-8, no control characters; may be "" */
};

/* Checks a new exception: topic known to cfg, date "YYYY-MM-DD" neither
 * before today (at now, local time) nor more than HOURS_AHEAD_DAYS ahead,
 * open NULL (closed) or "HH:MM-HH:MM", note NULL or at most HOURS_NOTE_MAX
 * characters of UTF-8 without control characters. 0 with *out filled (id
 * 0), or CHAT_ERR_UNKNOWN_TOPIC / CHAT_ERR_BAD_REQUEST with a one-line
 * reason in err. */
int hours_check(const struct config *cfg, const char *topic, const char *date, const char *open,
                const char *note, time_t now, struct hours_exception *out, char *err,
                size_t errlen);

/* "YYYY-MM-DD" */
void hours_date_text(const struct schedule_date *d, char out[11]);

/* "HH:MM-HH:MM" of an opening; "" when closed. */
void hours_open_text(const struct schedule_exception *x, char out[12]);

/* "ID TOPIC DATE closed|HH:MM-HH:MM[ NOTE]", as `chatadmin hours list`. */
void hours_line(const struct hours_exception *e, char *out, size_t len);

/* ---- the database ----------------------------------------------------------- */

struct hours_db;

/* Opens data_dir's database (already migrated by store_open) for this
 * thread. 0 or CHAT_ERR_IO. */
int hours_db_open(const char *data_dir, struct hours_db **out);
void hours_db_close(struct hours_db *db);

/* The id of the last change (0: none yet), or a negative chat_err. */
int64_t hours_db_version(struct hours_db *db);

/* The exceptions of topic (NULL: all) dated from (NULL: any date) on, by
 * topic and date, into *out (malloc'd, the caller's; NULL when none). */
int hours_db_list(struct hours_db *db, const char *topic, const struct schedule_date *from,
                  struct hours_exception **out, size_t *n);

/* Stores e (its id is set), replacing the topic's exception of that date
 * (its id in *replaced, else 0); by did it at now. CHAT_ERR_FULL when the
 * topic has HOURS_PER_TOPIC_MAX from today on already. */
int hours_db_add(struct hours_db *db, struct hours_exception *e, const char *by, time_t now,
                 int64_t *replaced);

/* The topics a request may see and change (contract v3 §4): a
 * coordinator's orgs' topics, by id; every topic when !scoped. */
struct hours_scope {
    bool scoped;
    int n;
    char topics[CONFIG_MAX_TOPICS][CONFIG_TOPIC_ID_MAX + 1];
};

/* True when s (NULL: everything) holds topic. */
bool hours_scope_has(const struct hours_scope *s, const char *topic);

/* Deletes exception id (*gone: what it was); CHAT_ERR_NOT_FOUND if none,
 * or if its topic is outside scope (NULL: any topic), so that one org
 * cannot tell another's ids from ids that do not exist. */
int hours_db_del(struct hours_db *db, int64_t id, const char *by, time_t now,
                 const struct hours_scope *scope, struct hours_exception *gone);

/* Calls fn for each audit line after id `after`, oldest first. */
int hours_db_audit_each(struct hours_db *db, int64_t after,
                        void (*fn)(int64_t id, time_t at, const char *by, const char *what,
                                   void *arg),
                        void *arg);

#endif
