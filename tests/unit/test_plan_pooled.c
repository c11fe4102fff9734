/*
 * test_plan_pooled: the pooled plan (contract v3 §4): plan_load_merge's
 * sums and weighted means by hand, and plan_report's answered_per_week
 * "pooled" against hours whose Erlang A answer is known in closed form.
 *
 * The closed form: M/M/1+M with patience equal to the handle time is a
 * birth-death chain whose death rate in state k is k mu, the M/M/inf chain:
 * the number present is Poisson(rho), a slot is busy with probability
 * 1 - e^-rho, and the answered share is mu (1 - e^-rho) / lambda =
 * (1 - e^-rho) / rho. With 6 joins an hour and 600 s chats, rho = 1 and
 * 6 (1 - 1/e) = 3.7927 are answered in that hour.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>

#include "chat_err.h"
#include "config.h"
#include "plan.h"
#include "plan_report.h"
#include "stats.h"

static void assert_near(double got, double want, double eps, const char *what)
{
    if (!(fabs(got - want) <= eps))
        fail_msg("%s: %.6f, want %.6f", what, got, want);
}

/* ---- plan_load_merge ---------------------------------------------------- */

static void test_merge_sums_arrivals_and_weighs_means(void **state)
{
    (void)state;
    struct plan_load q;
    /* 2/h of 600 s chats, patience 300 s; 6/h of 1200 s, nobody seen
     * leaving; a quiet topic whose values must not count */
    const struct plan_load loads[] = {{2, 600, 300}, {6, 1200, 0}, {0, 50, 10}};
    assert_int_equal(plan_load_merge(loads, 3, &q), 0);
    assert_near(q.arrivals_per_h, 8, 1e-12, "arrivals");
    /* the offered load is kept: 2 x 600 + 6 x 1200 = 8 x 1050 */
    assert_near(q.handle_s, 1050, 1e-9, "handle");
    /* only the first has a patience: its own */
    assert_near(q.patience_s, 300, 1e-9, "patience");

    const struct plan_load both[] = {{1, 100, 100}, {3, 300, 500}};
    assert_int_equal(plan_load_merge(both, 2, &q), 0);
    assert_near(q.handle_s, (100 + 900) / 4.0, 1e-9, "handle of both");
    assert_near(q.patience_s, (100 + 1500) / 4.0, 1e-9, "patience of both");

    /* nobody: the empty load; none at all: the same */
    assert_int_equal(plan_load_merge(&loads[2], 1, &q), 0);
    assert_true(q.arrivals_per_h == 0 && q.handle_s == 0 && q.patience_s == 0);
    assert_int_equal(plan_load_merge(loads, 0, &q), 0);
    assert_true(q.arrivals_per_h == 0);

    /* one load merges to itself */
    assert_int_equal(plan_load_merge(&both[1], 1, &q), 0);
    assert_true(q.arrivals_per_h == 3 && q.handle_s == 300 && q.patience_s == 500);
}

static void test_merge_refuses_bad_loads(void **state)
{
    (void)state;
    struct plan_load q;
    const struct plan_load no_handle[] = {{2, 600, 300}, {1, 0, 0}};
    const struct plan_load too_many[] = {{PLAN_ARRIVALS_MAX, 60, 0}, {1, 60, 0}};
    const struct plan_load nan[] = {{NAN, 60, 0}};
    assert_int_equal(plan_load_merge(no_handle, 2, &q), CHAT_ERR_BAD_REQUEST);
    assert_int_equal(plan_load_merge(too_many, 2, &q), CHAT_ERR_BAD_REQUEST);
    assert_int_equal(plan_load_merge(nan, 1, &q), CHAT_ERR_BAD_REQUEST);
    assert_int_equal(plan_load_merge(NULL, 1, &q), CHAT_ERR_BAD_REQUEST);
    assert_int_equal(plan_load_merge(no_handle, -1, &q), CHAT_ERR_BAD_REQUEST);
}

/* The closed form of the file header, through plan_eval itself. */
static void test_one_slot_patience_equal_to_handle_is_poisson(void **state)
{
    (void)state;
    for (double rho = 0.25; rho <= 4; rho *= 2) {
        struct plan_load load = {rho * 6, 600, 600};
        struct plan_result r;
        assert_int_equal(plan_eval(&load, 1, 0, &r), 0);
        assert_near(r.answered_share, -expm1(-rho) / rho, 1e-9, "answered share");
    }
}

/* ---- answered_per_week.pooled ------------------------------------------- */

static time_t day(const char *ymd)
{
    time_t t = stats_parse_day(ymd, 0);
    assert_true(t > 0);
    return t;
}

/* A bucket of topic at hour: open all of it with slots slots; joins of which
 * half are answered and half leave, 600 s chats, 600 s mean patience. */
static void add(struct plan_report *rep, const char *topic, time_t hour, long joins, long slots)
{
    long c[STAT_COUNT] = {0};
    long answered = joins / 2, left = joins - answered;
    c[STAT_OPEN_S] = 3600;
    c[STAT_SLOT_S] = c[STAT_WORKER_S] = c[STAT_STAFFED_S] = slots * 3600;
    c[STAT_JOINS] = c[STAT_QUEUED] = joins;
    c[STAT_ANSWERED] = answered;
    c[STAT_ABANDONED] = left;
    /* patience (answered waits + abandoned waits) / abandoned = 600 */
    c[STAT_WAIT_ANSWERED_S] = answered * 100;
    c[STAT_WAIT_ABANDONED_S] = left * 600 - answered * 100;
    c[STAT_CHATS] = answered;
    c[STAT_CHAT_S] = answered * 600;
    struct stats_row row = {.topic = topic, .hour = hour, .counts = c};
    assert_int_equal(plan_report_add(&row, rep), 0);
}

/* The plan of rep as JSON (pooled, and redistribute as given). */
static json_t *plan_json(struct plan_report *rep, bool redistribute)
{
    char *text = NULL;
    size_t len;
    struct plan_target target = {PLAN_TARGET_WAIT_S, PLAN_TARGET_SHARE};
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    plan_report_pool(rep, true);
    assert_int_equal(plan_report_print(rep, &target, redistribute, STATS_JSON, out), 0);
    fclose(out);
    json_t *plan = json_loads(text, 0, NULL);
    assert_non_null(plan);
    free(text);
    return plan;
}

static double week_figure(json_t *plan, const char *name)
{
    json_t *v = json_object_get(json_object_get(plan, "answered_per_week"), name);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* Two orgs: e is east's, w and p west's. */
#define YOUNG_AND_PARENTS                                                                          \
    "[org east]\n[org west]\n"                                                                     \
    "[topic e]\norg = east\nhours = always\naudience = young\n"                                    \
    "[topic w]\norg = west\nhours = always\naudience = young\n"                                    \
    "[topic p]\norg = west\nhours = always\naudience = parent\n"

/* Org i's figure name ("now" or "pooled") in answered_per_week.orgs, which
 * must be org id. */
static double org_figure(json_t *plan, size_t i, const char *id, const char *name)
{
    json_t *o =
        json_array_get(json_object_get(json_object_get(plan, "answered_per_week"), "orgs"), i);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "org")), id);
    json_t *v = json_object_get(o, name);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* Monday 10-11: e has a slot and nobody, w six joins and no slot, and the
 * parents' topic p six joins and no slot. Apart nobody is answered; pooled,
 * w's visitors get e's slot (6 (1 - 1/e) = 3.79 a week) and p's nobody's:
 * another audience is another queue. */
static void test_pooled_gives_an_idle_slot_to_the_same_audience(void **state)
{
    (void)state;
    struct config *cfg;
    assert_int_equal(config_load_text("t.ini", YOUNG_AND_PARENTS, 0, &cfg, stderr), 0);
    time_t from = day("2026-11-02"), to = day("2026-11-09"); /* one week */
    struct plan_report *rep = plan_report_new(cfg, from, to);
    assert_non_null(rep);
    add(rep, "e", from + 10 * 3600, 0, 1);
    add(rep, "w", from + 10 * 3600, 6, 0);
    add(rep, "p", from + 10 * 3600, 6, 0);
    json_t *plan = plan_json(rep, false);
    assert_near(week_figure(plan, "now"), 0, 1e-9, "now");
    assert_near(week_figure(plan, "pooled"), 3.8, 1e-9, "pooled (6 (1 - 1/e), to 0.1)");
    assert_near(week_figure(plan, "observed"), 6, 1e-9, "observed (3 + 3 answered)");
    assert_null(json_object_get(json_object_get(plan, "answered_per_week"), "redistributed"));
    /* each org: east's idle slot answers west's visitors, who are west's */
    assert_near(org_figure(plan, 0, "east", "now"), 0, 1e-9, "east now");
    assert_near(org_figure(plan, 0, "east", "pooled"), 0, 1e-9, "east pooled");
    assert_near(org_figure(plan, 1, "west", "now"), 0, 1e-9, "west now");
    assert_near(org_figure(plan, 1, "west", "pooled"), 3.8, 1e-9, "west pooled");
    assert_null(
        json_array_get(json_object_get(json_object_get(plan, "answered_per_week"), "orgs"), 2));
    json_decref(plan);
    plan_report_free(rep);
    config_free(cfg);
}

/* Pooling one topic changes nothing: pooled is now, to the last digit. */
static void test_pooled_of_one_topic_is_now(void **state)
{
    (void)state;
    struct config *cfg;
    assert_int_equal(
        config_load_text("t.ini", "[topic a]\nhours = always\naudience = young\n", 0, &cfg, stderr),
        0);
    time_t from = day("2026-11-02"), to = day("2026-11-16");
    struct plan_report *rep = plan_report_new(cfg, from, to);
    for (time_t t = from; t < to; t += 3600) {
        struct tm tm;
        localtime_r(&t, &tm);
        add(rep, "a", t, tm.tm_hour >= 14 ? 2 + tm.tm_hour % 5 * 3 : 0, tm.tm_hour % 3);
    }
    json_t *plan = plan_json(rep, false);
    double now = week_figure(plan, "now");
    assert_true(now > 10);
    assert_near(week_figure(plan, "pooled"), now, 1e-9, "pooled of one topic");
    /* no [org]: the one implicit org, main, has it all */
    assert_near(org_figure(plan, 0, "main", "now"), now, 1e-9, "main's now");
    assert_near(org_figure(plan, 0, "main", "pooled"), now, 1e-9, "main's pooled");
    json_decref(plan);
    plan_report_free(rep);
    config_free(cfg);
}

/* Two topics of one audience whose busy hours differ: pooled answers more
 * than apart, and never more than arrive; with redistribute as well, "now"
 * is the same figure, beside redistributed and planned. */
static void test_pooled_offset_peaks_answer_more(void **state)
{
    (void)state;
    struct config *cfg;
    assert_int_equal(config_load_text("t.ini", YOUNG_AND_PARENTS, 0, &cfg, stderr), 0);
    time_t from = day("2026-11-02"), to = day("2026-11-16");
    struct plan_report *rep = plan_report_new(cfg, from, to);
    double arrivals = 0;
    for (time_t t = from; t < to; t += 3600) {
        struct tm tm;
        localtime_r(&t, &tm);
        int h = tm.tm_hour;
        bool afternoon = h >= 12 && h < 18, evening = h >= 17 && h < 23;
        /* e: busy afternoons, w: busy evenings; each keeps 2 slots 12-23 */
        long ej = afternoon ? 8 : h >= 12 && h < 23 ? 1 : 0;
        long wj = evening ? 8 : h >= 12 && h < 23 ? 1 : 0;
        add(rep, "e", t, ej, h >= 12 && h < 23 ? 2 : 0);
        add(rep, "w", t, wj, h >= 12 && h < 23 ? 2 : 0);
        arrivals += (double)(ej + wj) / 2; /* two weeks */
    }
    json_t *plan = plan_json(rep, false);
    double now = week_figure(plan, "now"), pooled = week_figure(plan, "pooled");
    if (!(pooled > now + 10))
        fail_msg("pooled %.1f is not clearly above now %.1f", pooled, now);
    assert_true(pooled <= arrivals);
    /* the orgs add up to the whole (each figure rounded to 0.1) */
    assert_near(org_figure(plan, 0, "east", "now") + org_figure(plan, 1, "west", "now"), now, 0.11,
                "the orgs' now");
    assert_near(org_figure(plan, 0, "east", "pooled") + org_figure(plan, 1, "west", "pooled"),
                pooled, 0.11, "the orgs' pooled");
    json_decref(plan);

    plan = plan_json(rep, true);
    assert_near(week_figure(plan, "now"), now, 1e-9, "now with redistribute too");
    assert_near(week_figure(plan, "pooled"), pooled, 1e-9, "pooled with redistribute too");
    assert_true(week_figure(plan, "redistributed") > 0);
    json_decref(plan);
    plan_report_free(rep);
    config_free(cfg);
}

/* The CSV ends with the summary as comment lines. */
static void test_pooled_csv_summary(void **state)
{
    (void)state;
    struct config *cfg;
    char *text = NULL;
    size_t len;
    assert_int_equal(config_load_text("t.ini", YOUNG_AND_PARENTS, 0, &cfg, stderr), 0);
    time_t from = day("2026-11-02"), to = day("2026-11-09");
    struct plan_report *rep = plan_report_new(cfg, from, to);
    add(rep, "e", from + 10 * 3600, 0, 1);
    add(rep, "w", from + 10 * 3600, 6, 0);
    struct plan_target target = {PLAN_TARGET_WAIT_S, PLAN_TARGET_SHARE};
    FILE *out = open_memstream(&text, &len);
    plan_report_pool(rep, true);
    assert_int_equal(plan_report_print(rep, &target, false, STATS_CSV, out), 0);
    fclose(out);
    assert_non_null(strstr(text, "\n# answered_per_week now=0.0 observed=3.0 pooled=3.8\n"
                                 "# answered_per_week org=east now=0.0 pooled=0.0\n"
                                 "# answered_per_week org=west now=0.0 pooled=3.8\n"));
    free(text);
    /* without pooled (and without redistribute): no summary */
    out = open_memstream(&text, &len);
    plan_report_pool(rep, false);
    assert_int_equal(plan_report_print(rep, &target, false, STATS_CSV, out), 0);
    fclose(out);
    assert_null(strstr(text, "# answered_per_week"));
    free(text);
    plan_report_free(rep);
    config_free(cfg);
}

int main(void)
{
    setenv("TZ", "Europe/Helsinki", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_sums_arrivals_and_weighs_means),
        cmocka_unit_test(test_merge_refuses_bad_loads),
        cmocka_unit_test(test_one_slot_patience_equal_to_handle_is_poisson),
        cmocka_unit_test(test_pooled_gives_an_idle_slot_to_the_same_audience),
        cmocka_unit_test(test_pooled_of_one_topic_is_now),
        cmocka_unit_test(test_pooled_offset_peaks_answer_more),
        cmocka_unit_test(test_pooled_csv_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
