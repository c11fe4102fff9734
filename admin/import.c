/*
 * import: a statistics CSV read and checked line by line (import.h has the
 * layout and its rules).
 */
#include "import.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "store.h"

void import_reader_init(struct import_reader *r, FILE *in)
{
    r->in = in;
    r->lineno = 0;
    r->line[0] = '\0';
}

enum import_read import_read_line(struct import_reader *r, char err[IMPORT_ERR_MAX])
{
    size_t n = 0;
    bool nul = false, any = false;
    int c;
    errno = 0;
    while ((c = getc_unlocked(r->in)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (c == '\r') {
            int next = getc_unlocked(r->in);
            if (next == '\n')
                break;
            r->lineno++;
            snprintf(err, IMPORT_ERR_MAX, "%s",
                     "a CR without an LF: lines must end in LF or CRLF (CR alone is not read)");
            return IMPORT_STOP;
        }
        if (c == '\0')
            nul = true;
        if (n < IMPORT_LINE_MAX)
            r->line[n] = (char)c;
        n++;
    }
    if (ferror(r->in)) {
        snprintf(err, IMPORT_ERR_MAX, "cannot read on: %s", strerror(errno ? errno : EIO));
        return IMPORT_STOP;
    }
    if (!any)
        return IMPORT_EOF;
    r->lineno++;
    r->line[n < IMPORT_LINE_MAX ? n : IMPORT_LINE_MAX] = '\0';
    if (n > IMPORT_LINE_MAX) {
        snprintf(err, IMPORT_ERR_MAX, "a line longer than %d bytes", IMPORT_LINE_MAX);
        return IMPORT_BAD;
    }
    if (nul) {
        snprintf(err, IMPORT_ERR_MAX, "%s", "a NUL byte: not a text line");
        return IMPORT_BAD;
    }
    return IMPORT_LINE;
}

/* Splits line (in place) on commas into at most max fields; their count, or
 * max + 1 when there are more. */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    for (char *s = line; n < max;) {
        fields[n++] = s;
        char *comma = strchr(s, ',');
        if (!comma)
            return n;
        *comma = '\0';
        s = comma + 1;
    }
    return max + 1;
}

/* The column named name: a counter's index (import.h), a topic or hour
 * column, or -3 when the config knows no such counter. */
static int column_of(const struct config *cfg, const char *name)
{
    if (strcmp(name, "topic") == 0)
        return IMPORT_COL_TOPIC;
    if (strcmp(name, "hour") == 0)
        return IMPORT_COL_HOUR;
    if (strcmp(name, "org") == 0) /* what `stats --format csv` writes last */
        return IMPORT_COL_ORG;
    for (int i = 0; i < STAT_COUNT; i++)
        if (strcmp(stats_name(i), name) == 0)
            return i;
    int nextra = stats_extra_count(cfg);
    char extra[STATS_NAME_MAX];
    for (int i = 0; i < nextra; i++) {
        stats_extra_name(cfg, i, extra);
        if (strcmp(extra, name) == 0)
            return STAT_COUNT + i;
    }
    return -3;
}

int import_header_parse(struct import_header *h, const struct config *cfg, char *line,
                        char err[IMPORT_ERR_MAX])
{
    char *f[IMPORT_COLS_MAX];
    bool topic = false, hour = false;
    h->ncols = split_csv(line, f, IMPORT_COLS_MAX);
    if (h->ncols > IMPORT_COLS_MAX) {
        snprintf(err, IMPORT_ERR_MAX, "more than %d columns", IMPORT_COLS_MAX);
        return -1;
    }
    for (int i = 0; i < h->ncols; i++) {
        const char *c = f[i];
        for (int j = 0; j < i; j++)
            if (strcmp(h->names[j], c) == 0) {
                snprintf(err, IMPORT_ERR_MAX, "column \"%.80s\" twice", c);
                return -1;
            }
        h->col[i] = column_of(cfg, c);
        if (h->col[i] == -3) {
            bool extra = strncmp(c, "q_", 2) == 0 || strncmp(c, "cat_", 4) == 0;
            snprintf(err, IMPORT_ERR_MAX, "unknown column \"%.80s\"%s", c,
                     extra ? ": the config has no such question answer or category" : "");
            return -1;
        }
        snprintf(h->names[i], STATS_NAME_MAX, "%s", c);
        topic |= h->col[i] == IMPORT_COL_TOPIC;
        hour |= h->col[i] == IMPORT_COL_HOUR;
    }
    if (!topic || !hour) {
        snprintf(err, IMPORT_ERR_MAX, "%s", "the columns topic and hour are required");
        return -1;
    }
    return 0;
}

/* A count field: digits only (empty = 0), at most STORE_COUNT_MAX; -1 when
 * it is not. */
static long count_of(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return 0;
    if (n > 10 || strspn(s, "0123456789") != n)
        return -1;
    long v = strtol(s, NULL, 10);
    return v <= STORE_COUNT_MAX ? v : -1;
}

int import_row_parse(const struct import_header *h, const struct config *cfg, char *line,
                     struct import_row *row, char err[IMPORT_ERR_MAX])
{
    char *f[IMPORT_COLS_MAX];
    int n = split_csv(line, f, IMPORT_COLS_MAX);
    memset(row->counts, 0, sizeof(row->counts));
    row->topic = NULL;
    row->hour = -1;
    row->nextra = 0;
    if (n != h->ncols) {
        snprintf(err, IMPORT_ERR_MAX, "%s%d fields, the header has %d",
                 n > IMPORT_COLS_MAX ? "over " : "", n > IMPORT_COLS_MAX ? IMPORT_COLS_MAX : n,
                 h->ncols);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int col = h->col[i];
        if (col == IMPORT_COL_TOPIC) {
            const struct config_topic *t = config_topic(cfg, f[i]);
            if (!t) {
                snprintf(err, IMPORT_ERR_MAX, "unknown topic \"%.80s\"", f[i]);
                return -1;
            }
            row->topic = t->id;
        } else if (col == IMPORT_COL_ORG) {
            continue; /* checked once the topic is known, below */
        } else if (col == IMPORT_COL_HOUR) {
            row->hour = stats_parse_iso(f[i]);
            if (row->hour < 0 || stats_hour_start(row->hour) != row->hour) {
                snprintf(err, IMPORT_ERR_MAX,
                         "bad hour \"%.80s\": the start of a local hour, as "
                         "2026-11-23T10:00:00+02:00",
                         f[i]);
                return -1;
            }
        } else {
            long v = count_of(f[i]);
            if (v < 0) {
                snprintf(err, IMPORT_ERR_MAX,
                         "bad %s \"%.40s\": a count 0..%ld (hidden counts \"<K\" cannot be "
                         "brought in)",
                         h->names[i], f[i], STORE_COUNT_MAX);
                return -1;
            }
            if (col < STAT_COUNT) {
                row->counts[col] = v;
            } else {
                row->extra_names[row->nextra] = h->names[i];
                row->extra[row->nextra++] = v;
            }
        }
    }
    for (int i = 0; i < n; i++) { /* an org, when given, is the topic's (contract v3 §4) */
        const struct config_topic *t = row->topic ? config_topic(cfg, row->topic) : NULL;
        if (h->col[i] == IMPORT_COL_ORG && t && *f[i] && strcmp(f[i], cfg->orgs[t->org].id) != 0) {
            snprintf(err, IMPORT_ERR_MAX, "org \"%.40s\" is not the org of topic %s (%s)", f[i],
                     t->id, cfg->orgs[t->org].id);
            return -1;
        }
    }
    return 0;
}

struct stats_row import_row_stats(const struct import_row *row)
{
    return (struct stats_row){row->topic,  row->hour,        row->counts,
                              row->nextra, row->extra_names, row->extra};
}
