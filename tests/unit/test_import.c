/*
 * test_import: the lines of a statistics CSV (admin/import.c), as tables of
 * input and what is made of it: line ends (LF and CRLF read, a CR alone
 * refused: a file with CR-only line ends once imported as its header
 * alone), long lines and NUL bytes; headers (a counter the config does not
 * name refused: once accepted, it broke the reports); data lines (counts as
 * digits up to the cap, hours as the start of a local hour).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "import.h"
#include "store.h"

static const char config_text[] =
    "[topic youth]\nhours = always\n[topic parents]\nhours = never\n"
    "[question safe]\ntext_fi = T\ntext_sv = T\ntext_en = T\n"
    "answers = yes, no\nlabel_fi = K, E\nlabel_sv = J, N\nlabel_en = Y, N\n"
    "[categories]\nschool = Koulu | Skola | School\n";

static int setup(void **state)
{
    struct config *cfg;
    if (config_load_text("t.ini", config_text, 0, &cfg, stderr) != 0)
        return -1;
    *state = cfg;
    return 0;
}

static int teardown(void **state)
{
    config_free(*state);
    return 0;
}

/* Reads text (len bytes) line by line: each result and line, joined as
 * "1:a|1:b|0:" (-1 and -2 for bad lines and stops, with the message's
 * first word). */
static void read_all(const char *text, size_t len, char *out, size_t size)
{
    FILE *in = fmemopen((void *)text, len, "r");
    assert_non_null(in);
    struct import_reader *r = malloc(sizeof(*r));
    assert_non_null(r);
    import_reader_init(r, in);
    char err[IMPORT_ERR_MAX];
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < 20; i++) {
        enum import_read got = import_read_line(r, err);
        if (got == IMPORT_LINE)
            n += (size_t)snprintf(out + n, size - n, "%d:%ld:%.20s|", got, r->lineno, r->line);
        else if (got == IMPORT_EOF)
            n += (size_t)snprintf(out + n, size - n, "0:");
        else
            n += (size_t)snprintf(out + n, size - n, "%d:%ld:%.*s|", got, r->lineno,
                                  (int)strcspn(err, " :"), err);
        if (got == IMPORT_EOF || got == IMPORT_STOP)
            break;
    }
    free(r);
    fclose(in);
}

static void test_line_ends_lf_and_crlf_read_cr_alone_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"a\nb\n", "1:1:a|1:2:b|0:"},
        {"a\r\nb\r\n", "1:1:a|1:2:b|0:"},
        {"a\nb", "1:1:a|1:2:b|0:"},          /* the last line without its end */
        {"a\n\nb\n", "1:1:a|1:2:|1:3:b|0:"}, /* an empty line is a line */
        {"a\rb\r", "-2:1:a|"},               /* CR-only: refused at the header */
        {"a\nb\rc\n", "1:1:a|-2:2:a|"},      /* a CR inside a line */
        {"a\nb\r", "1:1:a|-2:2:a|"},         /* a CR at the very end */
        {"", "0:"},
    };
    char got[256];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        read_all(cases[i].text, strlen(cases[i].text), got, sizeof(got));
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%zu: %s: got %s, want %s", i, cases[i].text, got, cases[i].want);
    }
}

static void test_nul_byte_and_long_line_are_bad_lines_and_reading_goes_on(void **state)
{
    (void)state;
    char got[256];
    read_all("a\nb\0c\nd\n", 8, got, sizeof(got));
    assert_string_equal(got, "1:1:a|-1:2:a|1:3:d|0:");
    size_t len = IMPORT_LINE_MAX + 10;
    char *big = malloc(len + 4);
    assert_non_null(big);
    memset(big, 'x', len);
    memcpy(big + len, "\nd\n", 3);
    read_all(big, len + 3, got, sizeof(got));
    assert_string_equal(got, "-1:1:a|1:2:d|0:");
    free(big);
}

static void test_headers(void **state)
{
    const struct config *cfg = *state;
    static const struct {
        const char *line;
        const char *err; /* NULL: accepted */
    } cases[] = {
        {"topic,hour", NULL},
        {"hour,joins,topic,q_safe_no,cat_school", NULL},
        {"topic,hour,joins,org", NULL}, /* stats --format csv's last column (contract v3 §4) */
        {"topic,hour,org,org", "column \"org\" twice"},
        {"topic,hour,colour", "unknown column \"colour\""},
        {"topic,hour,q_safe_maybe",
         "unknown column \"q_safe_maybe\": the config has no such question answer or category"},
        {"topic,hour,q_other_no", "unknown column \"q_other_no\": the config has no such"},
        {"topic,hour,cat_gardening", "unknown column \"cat_gardening\": the config has no such"},
        {"topic,hour,joins,joins", "column \"joins\" twice"},
        {"topic,joins", "the columns topic and hour are required"},
        {"", "unknown column \"\""},
    };
    struct import_header *h = malloc(sizeof(*h));
    assert_non_null(h);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char line[128], err[IMPORT_ERR_MAX] = "";
        snprintf(line, sizeof(line), "%s", cases[i].line);
        int rc = import_header_parse(h, cfg, line, err);
        if (!cases[i].err && rc != 0)
            fail_msg("%s: refused: %s", cases[i].line, err);
        if (cases[i].err && (rc == 0 || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0))
            fail_msg("%s: got \"%s\", want \"%s\"", cases[i].line, rc ? err : "accepted",
                     cases[i].err);
    }
    char line[] = "hour,joins,topic,q_safe_no,cat_school";
    char err[IMPORT_ERR_MAX];
    assert_int_equal(import_header_parse(h, cfg, line, err), 0);
    assert_int_equal(h->ncols, 5);
    assert_int_equal(h->col[0], IMPORT_COL_HOUR);
    assert_int_equal(h->col[1], STAT_JOINS);
    assert_int_equal(h->col[2], IMPORT_COL_TOPIC);
    assert_int_equal(h->col[3], STAT_COUNT + 1);
    assert_int_equal(h->col[4], STAT_COUNT + 2);
    free(h);
}

static void test_data_lines(void **state)
{
    const struct config *cfg = *state;
    static const struct {
        const char *line;
        const char *err; /* NULL: accepted */
        long joins;
    } cases[] = {
        {"youth,2026-11-02T18:00:00+02:00,3,1", NULL, 3},
        {"youth,2026-11-02T18:00:00+02:00,,", NULL, 0},
        {"youth,2026-11-02T16:00:00+00:00,007,0", NULL, 7}, /* the same hour in UTC */
        {"youth,2026-11-02T18:00:00+02:00,1000000000,0", NULL, 1000000000},
        {"youth,2026-11-02T18:00:00+02:00,1000000001,0", "bad joins \"1000000001\": a count", 0},
        {"youth,2026-11-02T18:00:00+02:00,99999999999,0", "bad joins", 0},
        {"youth,2026-11-02T18:00:00+02:00,-1,0", "bad joins \"-1\"", 0},
        {"youth,2026-11-02T18:00:00+02:00,+1,0", "bad joins \"+1\"", 0},
        {"youth,2026-11-02T18:00:00+02:00, 1,0", "bad joins \" 1\"", 0},
        {"youth,2026-11-02T18:00:00+02:00,<5,0", "bad joins \"<5\": a count 0..1000000000 (hidden",
         0},
        {"youth,2026-11-02T18:00:00+02:00,1,x", "bad q_safe_no \"x\"", 0},
        {"nowhere,2026-11-02T18:00:00+02:00,1,0", "unknown topic \"nowhere\"", 0},
        {"youth,2026-11-02T18:30:00+02:00,1,0", "bad hour \"2026-11-02T18:30:00+02:00\"", 0},
        {"youth,2026-11-02,1,0", "bad hour", 0},
        {"youth,2026-02-30T18:00:00+02:00,1,0", "bad hour", 0},
        {"youth,2026-11-02T18:00:00+02:00,1", "3 fields, the header has 4", 0},
        {"youth,2026-11-02T18:00:00+02:00,1,0,0", "5 fields, the header has 4", 0},
        /* the hour that happens twice when the clocks go back, both times */
        {"youth,2026-10-25T03:00:00+03:00,1,0", NULL, 1},
        {"youth,2026-10-25T03:00:00+02:00,1,0", NULL, 1},
    };
    struct import_header *h = malloc(sizeof(*h));
    struct import_row *row = malloc(sizeof(*row));
    char header[] = "topic,hour,joins,q_safe_no", err[IMPORT_ERR_MAX];
    assert_non_null(h);
    assert_non_null(row);
    assert_int_equal(import_header_parse(h, cfg, header, err), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char line[128];
        snprintf(line, sizeof(line), "%s", cases[i].line);
        err[0] = '\0';
        int rc = import_row_parse(h, cfg, line, row, err);
        if (!cases[i].err && rc != 0)
            fail_msg("%s: refused: %s", cases[i].line, err);
        if (cases[i].err && (rc == 0 || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0))
            fail_msg("%s: got \"%s\", want \"%s\"", cases[i].line, rc ? err : "accepted",
                     cases[i].err);
        if (rc == 0)
            assert_int_equal(row->counts[STAT_JOINS], cases[i].joins);
    }
    char line[] = "parents,2026-11-02T18:00:00+02:00,3,2";
    assert_int_equal(import_row_parse(h, cfg, line, row, err), 0);
    struct stats_row sr = import_row_stats(row);
    assert_string_equal(sr.topic, "parents");
    assert_int_equal(sr.hour, stats_parse_iso("2026-11-02T16:00:00+00:00"));
    assert_int_equal(sr.counts[STAT_JOINS], 3);
    assert_int_equal(sr.nextra, 1);
    assert_string_equal(sr.extra_names[0], "q_safe_no");
    assert_int_equal(sr.extra[0], 2);
    free(h);
    free(row);
}

/* contract v3 §4: the org column of `stats --format csv` is read back: empty
 * or the topic's org (here the implicit "main"), else the line is bad;
 * nothing of it is stored. */
static void test_org_column(void **state)
{
    const struct config *cfg = *state;
    static const struct {
        const char *line;
        const char *err;
    } cases[] = {
        {"youth,2026-11-02T18:00:00+02:00,3,main", NULL},
        {"youth,2026-11-02T18:00:00+02:00,3,", NULL},
        {"main,2026-11-02T18:00:00+02:00,3,youth", "unknown topic \"main\""},
        {"youth,2026-11-02T18:00:00+02:00,3,east",
         "org \"east\" is not the org of topic youth (main)"},
    };
    struct import_header *h = malloc(sizeof(*h));
    struct import_row *row = malloc(sizeof(*row));
    char header[] = "topic,hour,joins,org", err[IMPORT_ERR_MAX];
    assert_non_null(h);
    assert_non_null(row);
    assert_int_equal(import_header_parse(h, cfg, header, err), 0);
    assert_int_equal(h->col[3], IMPORT_COL_ORG);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char line[128];
        snprintf(line, sizeof(line), "%s", cases[i].line);
        err[0] = '\0';
        int rc = import_row_parse(h, cfg, line, row, err);
        if (!cases[i].err && rc != 0)
            fail_msg("%s: refused: %s", cases[i].line, err);
        if (cases[i].err && (rc == 0 || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0))
            fail_msg("%s: got \"%s\", want \"%s\"", cases[i].line, rc ? err : "accepted",
                     cases[i].err);
        if (rc == 0) {
            assert_int_equal(row->counts[STAT_JOINS], 3);
            assert_int_equal(row->nextra, 0);
        }
    }
    free(h);
    free(row);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_ends_lf_and_crlf_read_cr_alone_refused),
        cmocka_unit_test(test_nul_byte_and_long_line_are_bad_lines_and_reading_goes_on),
        cmocka_unit_test_setup_teardown(test_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_column, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
