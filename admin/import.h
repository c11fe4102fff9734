/*
 * import: the lines of a statistics CSV (`chatadmin stats import`, contract
 * v2 §6, v3 §6) read and checked one at a time against the config, so that
 * a file of any size is read in the memory of one line.
 *
 * The layout is what `stats --format csv` prints: a header naming the
 * columns (topic and hour required, any of the others, each once), then one
 * bucket a line. Lines end in LF or CRLF; a CR without an LF is refused (a
 * file with old Mac line ends would otherwise read as one line, its header).
 * Empty lines and lines starting with # are skipped. A count is digits,
 * 0..STORE_COUNT_MAX; an empty field is 0. The extra counters (q_QID_AID,
 * cat_ID) must be ones the config names: the reports have no place for
 * others.
 *
 * Pure but for reading the FILE it is handed: no clock, no database. Errors
 * are messages without the FILE:LINE, which the caller puts before them.
 * Whether a bucket is in the file twice is for the store to find (it sees
 * the whole file; this sees one line).
 */
#ifndef IMPORT_H
#define IMPORT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "stats.h"

#define IMPORT_LINE_MAX 65536                              /* bytes of a line, without its end */
#define IMPORT_COLS_MAX (3 + STAT_COUNT + STATS_MAX_EXTRA) /* topic, hour, org */
#define IMPORT_ERR_MAX 256

/* A file read line by line into one buffer. */
struct import_reader {
    FILE *in;
    long lineno; /* of the line in line (1 = the header) */
    char line[IMPORT_LINE_MAX + 1];
};

/* What import_read_line found. */
enum import_read {
    IMPORT_LINE = 1, /* a line is in r->line */
    IMPORT_EOF = 0,
    IMPORT_BAD = -1,  /* this line is bad (err says why); the next ones can be read */
    IMPORT_STOP = -2, /* the file cannot be read on (err says why) */
};

void import_reader_init(struct import_reader *r, FILE *in);

/* Reads the next line into r->line without its LF or CRLF and counts it.
 * IMPORT_BAD for a line longer than IMPORT_LINE_MAX or holding a NUL byte;
 * IMPORT_STOP for a CR without an LF (the file's line ends are not LF or
 * CRLF) or a read error (errno's message). */
enum import_read import_read_line(struct import_reader *r, char err[IMPORT_ERR_MAX]);

/* A column's meaning: a counter (>= 0: a fixed one below STAT_COUNT, else
 * STAT_COUNT + the index of the config's extra counter), or one of these. */
enum { IMPORT_COL_TOPIC = -1, IMPORT_COL_HOUR = -2, IMPORT_COL_ORG = -4 };

/* The header's columns. */
struct import_header {
    int ncols;
    int col[IMPORT_COLS_MAX];
    char names[IMPORT_COLS_MAX][STATS_NAME_MAX];
};

/* Reads a header line (changed in place) into h: 0, or -1 with err saying
 * what is wrong with it (the first problem). */
int import_header_parse(struct import_header *h, const struct config *cfg, char *line,
                        char err[IMPORT_ERR_MAX]);

/* One bucket of the file. */
struct import_row {
    const char *topic; /* the config's id */
    time_t hour;
    long counts[STAT_COUNT];
    int nextra;                               /* the extra columns, in the header's order */
    const char *extra_names[STATS_MAX_EXTRA]; /* into the header */
    long extra[STATS_MAX_EXTRA];
};

/* Reads a data line (changed in place) into row: 0, or -1 with err saying
 * what is wrong with it (the first problem). */
int import_row_parse(const struct import_header *h, const struct config *cfg, char *line,
                     struct import_row *row, char err[IMPORT_ERR_MAX]);

/* The row as the store takes it (pointing into row). */
struct stats_row import_row_stats(const struct import_row *row);

#endif
