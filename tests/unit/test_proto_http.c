/*
 * test_proto_http: the codec's HTTP bodies (GET /api/status/week, the
 * labels of /api/stats, /api/plan, /api/langs, /api/words, a refusal, the
 * badge image), as a table of
 * encoder calls and the exact bytes each must give: the ETags clients keep
 * are hashes of these bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

static char *enc_week(void)
{
    static const struct proto_week_hour hours[] = {
        {.dow = 1, .hour = 9, .answered_share = 0.75, .typical_wait_s = 100},
        {.dow = 7, .hour = 23, .answered_share = 2.0 / 3.0, .typical_wait_s = -1},
        {.dow = 3, .hour = 0, .answered_share = 1.25, .typical_wait_s = 0}, /* more than 1: 1 */
    };
    struct proto_week w = {"youth", "2026-11-01", "2026-11-28", hours, 3};
    return proto_status_week_body(&w);
}

static char *enc_week_empty(void)
{
    struct proto_week w = {"night", "2026-11-01", "2026-11-28", NULL, 0};
    return proto_status_week_body(&w);
}

static char *enc_stats_labels(void)
{
    const struct proto_question q = {.id = "age",
                                     .text = {"Ikä", "Ålder", "Age"},
                                     .nanswers = 1,
                                     .answer_id = {"u18"},
                                     .answer_label = {{"alle 18", "under 18", "under 18"}},
                                     .ntopics = 1,
                                     .topics = {"youth"}};
    const struct proto_category c = {"school", {"Koulu", "Skola", "School"}};
    return proto_stats_labels(&q, 1, &c, 1);
}

static char *enc_stats_labels_none(void)
{
    return proto_stats_labels(NULL, 0, NULL, 0);
}

static char *enc_langs(void)
{
    static const struct proto_lang_info l[] = {{"ar", "العربية", "rtl"}, {"fi", "Suomi", "ltr"}};
    return proto_langs_body(l, 2);
}

static char *enc_langs_none(void)
{
    return proto_langs_body(NULL, 0);
}

static char *enc_plan(void)
{
    static const struct proto_plan_row rows[] = {
        {"youth", 1, 9, 4, 7.25, 1526.6, 298, 1, 0.276, 5, 0.915, 0.866, 1.7, true, true, 2, true,
         true},
        {"night", 7, 23, 4, 0, 0, 0, 0, -1, -1, -1, -1, 0, false, false, -1, false, false},
    };
    struct proto_plan p = {.target_wait_s = 60,
                           .target_share = 0.8,
                           .rows = rows,
                           .nrows = 2,
                           .redistribute = true,
                           .answered_now = 426.8,
                           .answered_redistributed = 470.2,
                           .answered_planned = 1362,
                           .answered_observed = 440.5};
    return proto_plan_body(&p);
}

/* The pooled plan alone: now, observed, pooled and each org's. */
static char *enc_plan_pooled(void)
{
    static const struct proto_plan_org orgs[] = {{"east", 300.5, 320}, {"west", 200, 215.5}};
    struct proto_plan p = {.target_wait_s = 300,
                           .target_share = 0.8,
                           .answered_now = 500.5,
                           .answered_observed = 480,
                           .pooled = true,
                           .answered_pooled = 535.5,
                           .orgs = orgs,
                           .norgs = 2};
    return proto_plan_body(&p);
}

static char *enc_plan_plain(void)
{
    static const struct proto_plan_row row = {"youth", 1,   9,   4, 1,    2,     3, 4,     0.5,
                                              1,       0.5, 0.5, 0, true, false, 7, false, false};
    struct proto_plan p = {.target_share = 1,
                           .rows = &row,
                           .nrows = 1,
                           .answered_now = 1,
                           .answered_redistributed = 2,
                           .answered_planned = 3,
                           .answered_observed = 4};
    return proto_plan_body(&p);
}

static char *enc_error_401(void)
{
    return proto_http_error(CHAT_ERR_UNAUTHORIZED);
}

static char *enc_error_403(void)
{
    return proto_http_error(CHAT_ERR_FORBIDDEN);
}

static char *enc_error_400(void)
{
    return proto_http_error(CHAT_ERR_BAD_REQUEST);
}

static char *enc_error_500(void)
{
    return proto_http_error(CHAT_ERR_NOMEM);
}

static char *enc_error_period(void)
{
    return proto_http_error(CHAT_ERR_PERIOD_TOO_LONG);
}

static char *enc_error_reports_busy(void)
{
    return proto_http_error(CHAT_ERR_REPORTS_BUSY);
}

static char *enc_words(void)
{
    static const char *const keys[] = {"avail.open", "avail.wait"};
    static const char *const texts[] = {"Chat auki", "Jonossa \"noin\" {n} min – ä"};
    return proto_words_body("fi", keys, texts, 2);
}

static char *enc_badge(void)
{
    return proto_badge_svg("Chat auki", "#1d6b3a");
}

/* Words come from operator-edited files: every XML metacharacter escaped,
 * the width counted in characters of the text as written. */
static char *enc_badge_escaped(void)
{
    return proto_badge_svg("<b>Ä & 'ö' \"x\"</b>", "#5b5b5b");
}

static const struct {
    char *(*encode)(void);
    const char *want;
} cases[] = {
    {enc_week, "{\"topic\":\"youth\",\"from\":\"2026-11-01\",\"to\":\"2026-11-28\",\"hours\":["
               "{\"dow\":1,\"hour\":9,\"answered_share\":0.75,\"typical_wait_s\":100},"
               "{\"dow\":7,\"hour\":23,\"answered_share\":0.667,\"typical_wait_s\":null},"
               "{\"dow\":3,\"hour\":0,\"answered_share\":1.0,\"typical_wait_s\":0}]}"},
    {enc_week_empty, "{\"topic\":\"night\",\"from\":\"2026-11-01\",\"to\":\"2026-11-28\","
                     "\"hours\":[]}"},
    {enc_stats_labels,
     "\"questions\":[{\"id\":\"age\",\"text\":{\"fi\":\"Ikä\",\"sv\":\"Ålder\",\"en\":\"Age\"},"
     "\"answers\":[{\"id\":\"u18\",\"label\":{\"fi\":\"alle 18\",\"sv\":\"under 18\","
     "\"en\":\"under 18\"}}],\"topics\":[\"youth\"]}],\"categories\":[{\"id\":\"school\","
     "\"label\":{\"fi\":\"Koulu\",\"sv\":\"Skola\",\"en\":\"School\"}}]"},
    {enc_stats_labels_none, "\"questions\":[],\"categories\":[]"},
    {enc_langs, "{\"langs\":[{\"code\":\"ar\",\"name\":\"العربية\",\"dir\":\"rtl\"},"
                "{\"code\":\"fi\",\"name\":\"Suomi\",\"dir\":\"ltr\"}]}"},
    {enc_langs_none, "{\"langs\":[]}"},
    {enc_plan,
     "{\"target\":{\"wait_s\":60.0,\"share\":0.8},\"hours\":[{\"topic\":\"youth\",\"dow\":1,"
     "\"hour\":9,\"weeks\":4,\"arrivals_per_h\":7.25,\"handle_s\":1526.6,\"patience_s\":298.0,"
     "\"slots_had\":1.0,\"answered_share\":0.276,\"slots_needed\":5,"
     "\"answered_share_at_needed\":0.915,\"wait_share_at_needed\":0.866,\"gain_per_slot\":1.7,"
     "\"thin\":true,\"slots_proposed\":2,\"open\":true,\"short\":true},{\"topic\":\"night\","
     "\"dow\":7,\"hour\":23,"
     "\"weeks\":4,\"arrivals_per_h\":0.0,\"handle_s\":0.0,\"patience_s\":0.0,\"slots_had\":0.0,"
     "\"answered_share\":null,\"slots_needed\":null,\"answered_share_at_needed\":null,"
     "\"wait_share_at_needed\":null,\"gain_per_slot\":null,\"thin\":false,"
     "\"slots_proposed\":null,\"open\":false,\"short\":false}],"
     "\"answered_per_week\":{\"now\":426.8,\"redistributed\":470.2,\"planned\":1362.0,"
     "\"observed\":440.5}}"},
    {enc_plan_plain,
     "{\"target\":{\"wait_s\":0.0,\"share\":1.0},\"hours\":[{\"topic\":\"youth\",\"dow\":1,"
     "\"hour\":9,\"weeks\":4,\"arrivals_per_h\":1.0,\"handle_s\":2.0,\"patience_s\":3.0,"
     "\"slots_had\":4.0,\"answered_share\":0.5,\"slots_needed\":1,"
     "\"answered_share_at_needed\":0.5,\"wait_share_at_needed\":0.5,\"gain_per_slot\":0.0,"
     "\"thin\":false,\"open\":false,\"short\":false}]}"},
    {enc_plan_pooled,
     "{\"target\":{\"wait_s\":300.0,\"share\":0.8},\"hours\":[],\"answered_per_week\":{"
     "\"now\":500.5,\"observed\":480.0,\"pooled\":535.5,\"orgs\":[{\"org\":\"east\","
     "\"now\":300.5,\"pooled\":320.0},{\"org\":\"west\",\"now\":200.0,\"pooled\":215.5}]}}"},
    {enc_error_401,
     "{\"error\":\"unauthorized\",\"message\":\"not logged in or wrong credentials\"}"},
    {enc_error_403, "{\"error\":\"forbidden\",\"message\":\"not allowed\"}"},
    {enc_error_400, "{\"error\":\"bad_request\",\"message\":\"malformed request\"}"},
    {enc_error_500, "{\"error\":\"internal\",\"message\":\"out of memory\"}"},
    {enc_error_period, "{\"error\":\"bad_request\",\"message\":\"the period is longer than "
                       "400 days\"}"},
    {enc_error_reports_busy, "{\"error\":\"busy\",\"message\":\"too many reports are being "
                             "made; please try again in a few seconds\"}"},
    {enc_words, "{\"lang\":\"fi\",\"words\":{\"avail.open\":\"Chat auki\","
                "\"avail.wait\":\"Jonossa \\\"noin\\\" {n} min – ä\"}}"},
    {enc_badge,
     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"87\" height=\"24\" role=\"img\" "
     "aria-label=\"Chat auki\"><title>Chat auki</title><rect width=\"87\" height=\"24\" rx=\"4\" "
     "fill=\"#1d6b3a\"/><text x=\"12\" y=\"16\" fill=\"#fff\" font-family=\"sans-serif\" "
     "font-size=\"13\">Chat auki</text></svg>\n"},
    {enc_badge_escaped,
     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"150\" height=\"24\" role=\"img\" "
     "aria-label=\"&lt;b&gt;Ä &amp; &apos;ö&apos; &quot;x&quot;&lt;/b&gt;\"><title>&lt;b&gt;Ä "
     "&amp; &apos;ö&apos; &quot;x&quot;&lt;/b&gt;</title><rect width=\"150\" height=\"24\" "
     "rx=\"4\" fill=\"#5b5b5b\"/><text x=\"12\" y=\"16\" fill=\"#fff\" "
     "font-family=\"sans-serif\" font-size=\"13\">&lt;b&gt;Ä &amp; &apos;ö&apos; "
     "&quot;x&quot;&lt;/b&gt;</text></svg>\n"},
};

static void test_http_bodies(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = cases[i].encode();
        if (!got || strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu:\n got  %s\n want %s", i, got ? got : "(null)", cases[i].want);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
