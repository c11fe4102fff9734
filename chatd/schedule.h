/*
 * schedule: a topic's opening hours as a pure function of time.
 *
 * A schedule is parsed once from the config's `hours`, `closed` and `extra`
 * values and never changes. All questions take `now` as a parameter and are
 * answered in the process's local time zone (main() sets TZ from the config),
 * so DST changes follow the zone's rules and tests are exact.
 *
 * Meaning: local time t on calendar date D is open iff
 *   D has an exception (contract v3 §5, stored in the database and set with
 *   schedule_set_exceptions) and it is an opening whose interval contains t;
 *   or D has no exception and
 *   ((D is not a `closed` date AND a weekly interval of D's weekday contains t)
 *    OR an `extra` interval on D contains t).
 * So an exception replaces everything the config says about its date: a
 * closed exception also closes the part after midnight of the day before's
 * interval (as `closed` does), and an opening may run past midnight (as
 * `extra` does), into the next date whatever that date says.
 * An interval whose end is before its start runs past midnight: its part
 * after midnight belongs to the next weekday (and to the next date for the
 * `closed` rule). `24:00` ends a day. Intervals are half-open [start, end).
 * Local times that do not exist (spring-forward gap) are skipped; repeated
 * times (autumn) are open if either instance is inside an interval.
 *
 * Exactly, on DST nights: each interval is one stretch of real time, from the
 * first instant the clock reads its start (or a later time, when the start
 * falls in the gap) to the last instant the clock, counting up, reaches its
 * end. So every instant whose clock reading lies inside is open, both
 * instances of a repeated time are, and an interval never flickers. With
 * Helsinki's 03:00 -> 04:00 in March and 04:00 -> 03:00 in October:
 *   02:00-05:00  March 2 real hours, October 4 (03:00 EEST .. 05:00 EET)
 *   03:00-04:00  March not open at all, October 2 (03:00 EEST .. 04:00 EET)
 *   22:00-03:00  October ends at the first 03:00 (03:00-03:59 EEST is not inside)
 *   00:00-03:30  October ends at the second 03:30, so 03:30-03:59 EEST, between
 *                the two instances, is open too
 *   00:00-03:00 and 04:00-24:00  March: no gap between them
 */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SCHEDULE_MAX_WEEKLY 64      /* weekly intervals after splitting past midnight */
#define SCHEDULE_MAX_DATES 64       /* closed dates, and extra openings, each */
#define SCHEDULE_HORIZON_DAYS 400   /* next_open/closes_at look this far ahead */
#define SCHEDULE_MAX_EXCEPTIONS 128 /* exceptions a topic holds at once (today on) */

/* One opening on a weekday, minutes from local midnight, start < end <= 1440. */
struct schedule_weekly {
    uint8_t wday; /* 0 = Sunday .. 6 = Saturday, as struct tm */
    uint16_t start_min;
    uint16_t end_min;
};

/* A calendar date; an extra opening also carries its minutes. */
struct schedule_date {
    int16_t year;
    uint8_t month;      /* 1..12 */
    uint8_t day;        /* 1..31 */
    uint16_t start_min; /* extra only */
    uint16_t end_min;   /* extra only; may be < start (runs past midnight) */
};

/* An exception to one date's hours: closed all day, or open in one interval
 * (date.start_min .. date.end_min, as an `extra`: end < start runs past
 * midnight). */
struct schedule_exception {
    struct schedule_date date;
    bool closed;
};

/* Invariant: weekly[] holds no interval with start_min >= end_min; no two
 * exceptions share a date. */
struct schedule {
    bool always; /* `hours = always`: every date 00:00-24:00, weekly[] empty;
                    `never` is simply no intervals */
    size_t nweekly;
    struct schedule_weekly weekly[SCHEDULE_MAX_WEEKLY];
    size_t nclosed;
    struct schedule_date closed[SCHEDULE_MAX_DATES];
    size_t nextra;
    struct schedule_date extra[SCHEDULE_MAX_DATES];
    size_t nexcept; /* set by schedule_set_exceptions, not by the config */
    struct schedule_exception except[SCHEDULE_MAX_EXCEPTIONS];
};

/* Sets s to "never open" with no closed dates or extra openings. */
void schedule_init(struct schedule *s);

/* Parses an `hours` value into s (replacing earlier hours). On error returns
 * CHAT_ERR_BAD_REQUEST, writes a one-line reason into err ("bad day \"mox\" in
 * hours") and leaves s unchanged. The same holds for closed and extra. */
int schedule_parse_hours(struct schedule *s, const char *text, char *err, size_t errlen);

/* Parses a `closed` value: comma-separated YYYY-MM-DD dates (from 1970 on),
 * replacing earlier ones; an empty value means none. */
int schedule_parse_closed(struct schedule *s, const char *text, char *err, size_t errlen);

/* Parses an `extra` value: comma-separated `YYYY-MM-DD HH:MM-HH:MM`,
 * replacing earlier ones; an empty value means none. */
int schedule_parse_extra(struct schedule *s, const char *text, char *err, size_t errlen);

/* Replaces s's exceptions with x[0..n). CHAT_ERR_BAD_REQUEST (s unchanged)
 * when n > SCHEDULE_MAX_EXCEPTIONS or two share a date. */
int schedule_set_exceptions(struct schedule *s, const struct schedule_exception *x, size_t n);

/* "YYYY-MM-DD", a real date from 1970 on, into *d (minutes 0); false if not. */
bool schedule_parse_date(const char *text, struct schedule_date *d);

/* "HH:MM-HH:MM" (as in hours: 24:00 may end it, an end before the start runs
 * past midnight, never empty) into d's minutes; else CHAT_ERR_BAD_REQUEST
 * with a one-line reason in err. */
int schedule_parse_interval(const char *text, struct schedule_date *d, char *err, size_t errlen);

/* The local calendar date at now. */
struct schedule_date schedule_local_date(time_t now);

/* Days from a to b (negative when b is earlier). */
long schedule_days_between(const struct schedule_date *a, const struct schedule_date *b);

/* The date n days after d. */
struct schedule_date schedule_date_add(const struct schedule_date *d, long n);

/* The openings that start on date d, as local minutes from its midnight
 * (end may pass 1440 when one runs past midnight), sorted and merged, at
 * most max of them; with regular, as if d had no exception. Returns how
 * many (calendars: the statistics page's hours editor). */
struct schedule_minutes {
    int from, to;
};
size_t schedule_day(const struct schedule *s, const struct schedule_date *d, bool regular,
                    struct schedule_minutes *out, size_t max);

/* True when the topic is inside its opening hours at now. */
bool schedule_is_open(const struct schedule *s, time_t now);

/* When closed at now: the first instant > now at which it opens; when open:
 * -1. Also -1 when it does not open within SCHEDULE_HORIZON_DAYS. */
time_t schedule_next_open(const struct schedule *s, time_t now);

/* When open at now: the first instant > now at which it closes; when closed,
 * or when it stays open for the whole horizon: -1. */
time_t schedule_closes_at(const struct schedule *s, time_t now);

/* The next instant > now at which is_open changes, or -1 (for timers). */
time_t schedule_next_change(const struct schedule *s, time_t now);

/* Seconds in [from, to) during which the schedule is open (for statistics). */
long schedule_open_seconds(const struct schedule *s, time_t from, time_t to);

#endif
