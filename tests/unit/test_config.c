/*
 * test_config: the config parser against contract §2 and config.h. The
 * contract's example parses into the expected struct; tables of valid text
 * give field values, tables of broken text give the exact `NAME:LINE: message`
 * lines, all of them; files (transcript key, TLS) and config_load() are tried
 * with real temporary files.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chat_err.h"
#include "config.h"
#include "orgs.h"
#include "store.h"
#include "schedule.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define ONE_TOPIC "[topic a]\nhours = always\n"
#define SERVER(lines) "[server]\n" lines "\n" ONE_TOPIC
#define TOPIC(lines) ONE_TOPIC lines "\n"
#define KEYGEN_HINT                                                                                \
    "not found (make one with: chatadmin keygen --out DIR, then set transcript_key = "             \
    "DIR/transcript.pub)"
/* A [question safe] of eight lines at lines 3..10 after ONE_TOPIC, then one
 * more line (11). */
#define QUESTION(line)                                                                             \
    "[question safe]\ntext_fi = Oletko turvassa?\ntext_sv = Är du trygg?\n"                       \
    "text_en = Are you safe?\nanswers = yes, no, unsure\nlabel_fi = Kyllä, En, En tiedä\n"       \
    "label_sv = Ja, Nej, Vet inte\nlabel_en = Yes, No, Not sure\n" line "\n"

/* Contract §2's example, verbatim but for allowed_origins (two origins). */
static const char example[] =
    "[server]\n"
    "listen_host = 127.0.0.1          ; default 127.0.0.1\n"
    "listen_port = 8080               ; 0 = pick a free port and print \"listening on PORT\" to "
    "stdout\n"
    "data_dir = ./var                 ; holds chatd.db (SQLite); created if missing\n"
    "web_root = ./chatd/web           ; static pages\n"
    "timezone = Europe/Helsinki       ; opening hours are in this zone (DST-correct)\n"
    "transcript_key = ./var/transcript.pub   ; public key made by `chatadmin keygen`\n"
    "retention_days = 30              ; transcripts older than this are deleted\n"
    "resume_grace_s = 120             ; how long a disconnected visitor keeps place/chat\n"
    "max_message_bytes = 16384        ; larger frames: error too_large, close 1009\n"
    "max_conns_per_source = 256       ; open connections from one address (counted in memory "
    "under a keyed hash); 0 = no cap\n"
    "allowed_origins = http://localhost:8080, https://chat.example.org   ; Origin values "
    "accepted for worker.v1 (comma list, exact match)\n"
    "public_origins = *               ; CORS Allow-Origin for /api/status and Origins for "
    "visitor.v1\n"
    "tls_cert =                       ; both set: serve https/wss only\n"
    "tls_key =\n"
    "\n"
    "[topic youth]                    ; topic id = word after \"topic\" ([a-z0-9_-]{1,32})\n"
    "title_fi = Nuorten chat\n"
    "title_sv = Ungdomschatten\n"
    "title_en = Youth chat\n"
    "audience = young                 ; young | parent | any\n"
    "hours = mon-fri 09:00-21:00, sat 12:00-16:00\n"
    "closed = 2026-12-24, 2026-12-25  ; whole days closed (holidays)\n"
    "extra = 2026-12-27 10:00-14:00   ; extra opening on a date\n"
    "queue_max = 20                   ; more joins: queue_full\n"
    "join_cutoff_min = 15             ; no new joins this many minutes before closing\n"
    "mode = auto                      ; auto (server assigns) | pick (worker picks)\n";

/* What config_load_text() gave for one text. */
struct result {
    int rc;
    struct config *cfg;
    char *errs; /* everything reported */
};

static struct result load_as(const char *name, const char *text, int flags)
{
    struct result r = {0};
    size_t len;
    FILE *f = open_memstream(&r.errs, &len);
    assert_non_null(f);
    r.cfg = (struct config *)&r; /* must be reset, also on failure */
    r.rc = config_load_text(name, text, flags, &r.cfg, f);
    fclose(f);
    return r;
}

static struct result load(const char *text, int flags)
{
    return load_as("t.ini", text, flags);
}

static void done(struct result *r)
{
    config_free(r->cfg);
    free(r->errs);
}

/* Appends item to the '|'-separated list in buf. */
static void append(char *buf, size_t size, const char *item)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%s", n ? "|" : "", item);
}

/* One field as text: a [server] key's name, "canned", "topics" (the ids), or
 * "topic.KEY" for the first topic. Lists are joined with '|'. */
static const char *field(const struct config *c, const char *name, char *buf, size_t size)
{
    static const char *const audience[] = {"young", "parent", "any"};
    static const char *const mode[] = {"auto", "pick"};
    const struct config_topic *t = &c->topics[0];
    const struct {
        const char *name;
        const char *s; /* a string field, or NULL */
        long n;        /* else a number */
    } fields[] = {
        {"listen_host", c->listen_host, 0},
        {"listen_port", NULL, c->listen_port},
        {"data_dir", c->data_dir, 0},
        {"web_root", c->web_root, 0},
        {"timezone", c->timezone, 0},
        {"transcript_key", c->transcript_key, 0},
        {"retention_days", NULL, c->retention_days},
        {"resume_grace_s", NULL, c->resume_grace_s},
        {"max_message_bytes", NULL, c->max_message_bytes},
        {"max_conns_per_source", NULL, c->max_conns_per_source},
        {"handshake_timeout_s", NULL, c->handshake_timeout_s},
        {"ping_interval_s", NULL, c->ping_interval_s},
        {"idle_timeout_s", NULL, c->idle_timeout_s},
        {"msg_rate_per_s", NULL, c->msg_rate_per_s},
        {"msg_burst", NULL, c->msg_burst},
        {"tls_cert", c->tls_cert, 0},
        {"tls_key", c->tls_key, 0},
        {"topic.id", t->id, 0},
        {"topic.title_fi", t->title[LANG_FI], 0},
        {"topic.title_sv", t->title[LANG_SV], 0},
        {"topic.title_en", t->title[LANG_EN], 0},
        {"topic.audience", audience[t->audience], 0},
        {"topic.mode", mode[t->mode], 0},
        {"topic.queue_max", NULL, t->queue_max},
        {"topic.join_cutoff_min", NULL, t->join_cutoff_min},
        {"topic.nweekly", NULL, (long)t->schedule.nweekly},
        {"topic.nclosed", NULL, (long)t->schedule.nclosed},
        {"topic.nextra", NULL, (long)t->schedule.nextra},
    };
    for (size_t i = 0; i < N(fields); i++) {
        if (strcmp(fields[i].name, name) != 0)
            continue;
        if (fields[i].s)
            snprintf(buf, size, "%s", fields[i].s);
        else
            snprintf(buf, size, "%ld", fields[i].n);
        return buf;
    }
    buf[0] = '\0';
    if (strcmp(name, "allowed_origins") == 0) {
        for (size_t i = 0; i < c->nallowed_origins; i++)
            append(buf, size, c->allowed_origins[i]);
    } else if (strcmp(name, "public_origins") == 0) {
        for (size_t i = 0; i < c->npublic_origins; i++)
            append(buf, size, c->public_origins[i]);
        if (c->public_any)
            append(buf, size, "*");
    } else if (strcmp(name, "canned") == 0) {
        for (size_t i = 0; i < c->ncanned; i++)
            append(buf, size, c->canned[i]);
    } else if (strcmp(name, "canned_langs") == 0) { /* LANG:first|...|LANG:first|... */
        for (size_t l = 0; l < c->ncanned_langs; l++)
            for (size_t i = 0; i < c->canned_langs[l].n; i++) {
                char item[CONFIG_CANNED_MAX + CONFIG_LANG_MAX + 2];
                snprintf(item, sizeof(item), "%s:%s", c->canned_langs[l].lang,
                         c->canned_langs[l].text[i]);
                append(buf, size, item);
            }
    } else if (strcmp(name, "trusted_proxy") == 0) {
        if (c->trusted_proxy_len)
            inet_ntop(c->trusted_proxy_len == 4 ? AF_INET : AF_INET6, c->trusted_proxy, buf,
                      (socklen_t)size);
    } else if (strcmp(name, "topics") == 0) {
        for (size_t i = 0; i < c->ntopics; i++)
            append(buf, size, c->topics[i].id);
    } else {
        fail_msg("no field %s in the test's table", name);
    }
    return buf;
}

struct field_case {
    const char *name, *want;
};

static void check_fields(const struct config *c, const struct field_case *cases, size_t n)
{
    char buf[8192];
    for (size_t i = 0; i < n; i++)
        if (strcmp(field(c, cases[i].name, buf, sizeof(buf)), cases[i].want) != 0)
            fail_msg("%s is \"%s\", want \"%s\"", cases[i].name, buf, cases[i].want);
}

/* ---- valid configs ------------------------------------------------------------ */

static void test_contract_example_parses_into_every_field(void **state)
{
    (void)state;
    static const struct field_case want[] = {
        {"listen_host", "127.0.0.1"},
        {"listen_port", "8080"},
        {"data_dir", "./var"},
        {"web_root", "./chatd/web"},
        {"timezone", "Europe/Helsinki"},
        {"transcript_key", "./var/transcript.pub"},
        {"retention_days", "30"},
        {"resume_grace_s", "120"},
        {"max_message_bytes", "16384"},
        {"max_conns_per_source", "256"},
        {"allowed_origins", "http://localhost:8080|https://chat.example.org"},
        {"public_origins", "*"},
        {"tls_cert", ""},
        {"tls_key", ""},
        {"canned", ""},
        {"topics", "youth"},
        {"topic.title_fi", "Nuorten chat"},
        {"topic.title_sv", "Ungdomschatten"},
        {"topic.title_en", "Youth chat"},
        {"topic.audience", "young"},
        {"topic.nweekly", "6"}, /* mon..fri and sat */
        {"topic.nclosed", "2"},
        {"topic.nextra", "1"},
        {"topic.queue_max", "20"},
        {"topic.join_cutoff_min", "15"},
        {"topic.mode", "auto"},
    };
    struct result r = load(example, 0);
    assert_string_equal(r.errs, "");
    assert_int_equal(r.rc, 0);
    check_fields(r.cfg, want, N(want));
    assert_string_equal(r.cfg->path, "t.ini");
    done(&r);
}

static void test_defaults_apply_to_absent_keys(void **state)
{
    (void)state;
    static const struct field_case want[] = {
        {"listen_host", "127.0.0.1"},
        {"listen_port", "8080"},
        {"data_dir", "./var"},
        {"web_root", "./chatd/web"},
        {"timezone", "Europe/Helsinki"},
        {"transcript_key", "./var/transcript.pub"},
        {"retention_days", "30"},
        {"resume_grace_s", "120"},
        {"max_message_bytes", "16384"},
        {"max_conns_per_source", "256"},
        {"handshake_timeout_s", "20"},
        {"ping_interval_s", "30"},
        {"idle_timeout_s", "75"},
        {"msg_rate_per_s", "5"},
        {"msg_burst", "30"},
        {"trusted_proxy", ""},
        {"allowed_origins", "http://localhost:8080"},
        {"public_origins", "*"},
        {"tls_cert", ""},
        {"tls_key", ""},
        {"canned", ""},
        {"topic.title_fi", "a"}, /* titles default to the id */
        {"topic.title_sv", "a"},
        {"topic.title_en", "a"},
        {"topic.audience", "any"},
        {"topic.queue_max", "20"},
        {"topic.join_cutoff_min", "0"},
        {"topic.mode", "auto"},
        {"topic.nclosed", "0"},
        {"topic.nextra", "0"},
    };
    struct result r = load("[topic a]\nhours = never\n", 0); /* no [server] at all */
    assert_string_equal(r.errs, "");
    check_fields(r.cfg, want, N(want));
    done(&r);
}

struct good_case {
    const char *text;
    const char *field, *want;
};

static const struct good_case good_cases[] = {
    {SERVER("listen_port = 0"), "listen_port", "0"},
    {SERVER("listen_port = 65535"), "listen_port", "65535"},
    {SERVER("listen_port = 08080"), "listen_port", "8080"},
    {SERVER("retention_days = 1"), "retention_days", "1"},
    {SERVER("retention_days = 3650"), "retention_days", "3650"},
    {SERVER("resume_grace_s = 0"), "resume_grace_s", "0"},
    {SERVER("resume_grace_s = 86400"), "resume_grace_s", "86400"},
    {SERVER("max_message_bytes = 256"), "max_message_bytes", "256"},
    {SERVER("max_message_bytes = 1048576"), "max_message_bytes", "1048576"},
    {SERVER("max_conns_per_source = 0"), "max_conns_per_source", "0"},
    {SERVER("trusted_proxy = 127.0.0.1"), "trusted_proxy", "127.0.0.1"},
    {SERVER("trusted_proxy = ::1"), "trusted_proxy", "::1"},
    {SERVER("trusted_proxy = 2001:DB8::7"), "trusted_proxy", "2001:db8::7"},
    {SERVER("trusted_proxy ="), "trusted_proxy", ""},
    {SERVER("listen_host = ::"), "listen_host", "::"},
    {SERVER("timezone = UTC"), "timezone", "UTC"},
    {SERVER("timezone = America/Argentina/Buenos_Aires"), "timezone",
     "America/Argentina/Buenos_Aires"},
    /* inline comments: `;` after whitespace starts one, elsewhere it is text */
    {SERVER("data_dir = /srv/chat dir   ; where"), "data_dir", "/srv/chat dir"},
    {SERVER("web_root = ./web;not-a-comment"), "web_root", "./web;not-a-comment"},
    {SERVER("web_root = ./web#1"), "web_root", "./web#1"},
    {TOPIC("title_en = a = b"), "topic.title_en", "a = b"},
    /* layout */
    {SERVER("    listen_port = 9000"), "listen_port", "9000"},
    {SERVER("listen_port=9001"), "listen_port", "9001"},
    {"[server]\r\nlisten_port = 9002\r\n[topic a]\r\nhours = always\r\n", "listen_port", "9002"},
    {"\xef\xbb\xbf[server]\nlisten_port = 9003\n" ONE_TOPIC, "listen_port", "9003"},
    {"# hash\n; semicolon\n\n[server] ; comment\nlisten_port = 9004\n" ONE_TOPIC, "listen_port",
     "9004"},
    {"[server]\nlisten_port = 9005\n" ONE_TOPIC "title_fi = last line without newline",
     "topic.title_fi", "last line without newline"},
    /* origins */
    {SERVER("allowed_origins = http://a.example, https://b.example:8443 ,http://[::1]:8080"),
     "allowed_origins", "http://a.example|https://b.example:8443|http://[::1]:8080"},
    {SERVER("allowed_origins ="), "allowed_origins", ""},
    {SERVER("public_origins = *"), "public_origins", "*"},
    {SERVER("public_origins = https://x.fi,https://y.fi"), "public_origins",
     "https://x.fi|https://y.fi"},
    {SERVER("public_origins ="), "public_origins", ""},
    /* topics */
    {TOPIC("title_sv = Föräldrachatten"), "topic.title_sv", "Föräldrachatten"},
    {TOPIC("audience = parent"), "topic.audience", "parent"},
    {TOPIC("audience = young"), "topic.audience", "young"},
    {TOPIC("mode = pick"), "topic.mode", "pick"},
    {TOPIC("queue_max = 1"), "topic.queue_max", "1"},
    {TOPIC("queue_max = 100000"), "topic.queue_max", "100000"},
    {TOPIC("join_cutoff_min = 1440"), "topic.join_cutoff_min", "1440"},
    {"[topic youth-2_b]\nhours = never\n", "topic.id", "youth-2_b"},
    {"[topic youth-2_b]\nhours = never\n", "topic.nweekly", "0"},
    {"[topic b]\nhours = always\n[topic a]\nhours = never\n", "topics", "b|a"},
    {"[topic a]\nhours = daily 18:00-24:00\n", "topic.nweekly", "7"},
    {"[canned]\nreply = Hei!\nreply = Moi ; a comment\n" ONE_TOPIC, "canned", "Hei!|Moi"},
    /* [canned LANG] (contract v3 §2): per language, beside the default list */
    {"[canned]\nreply = Hei!\n[canned sv]\nreply = Hej!\nreply = Tack\n[canned pt-BR]\n"
     "reply = Oi\n" ONE_TOPIC,
     "canned_langs", "sv:Hej!|sv:Tack|pt-BR:Oi"},
    {"[canned]\nreply = Hei!\n[canned sv]\nreply = Hej!\n" ONE_TOPIC, "canned", "Hei!"},
    {"[canned en]\nreply = Hi\n" ONE_TOPIC, "canned", ""},
    {"[canned en]\n" ONE_TOPIC, "canned_langs", ""},
    {SERVER("handshake_timeout_s = 1"), "handshake_timeout_s", "1"},
    {SERVER("ping_interval_s = 1\nidle_timeout_s = 2"), "idle_timeout_s", "2"},
    {SERVER("msg_rate_per_s = 100000"), "msg_rate_per_s", "100000"},
    {SERVER("msg_burst = 1"), "msg_burst", "1"},
};

static void test_valid_values_are_stored(void **state)
{
    (void)state;
    char buf[8192];
    for (size_t i = 0; i < N(good_cases); i++) {
        const struct good_case *g = &good_cases[i];
        struct result r = load(g->text, 0);
        if (r.rc != 0)
            fail_msg("case %zu: rc %d:\n%s", i, r.rc, r.errs);
        field(r.cfg, g->field, buf, sizeof(buf));
        if (strcmp(buf, g->want) != 0)
            fail_msg("case %zu: %s is \"%s\", want \"%s\"", i, g->field, buf, g->want);
        done(&r);
    }
}

/* ---- errors --------------------------------------------------------------------- */

struct bad_case {
    const char *text;
    const char *want; /* every reported line, in order */
};

static const struct bad_case bad_cases[] = {
    /* [server] keys */
    {SERVER("listen_prot = 1"), "t.ini:2: unknown key \"listen_prot\" in [server]\n"},
    {SERVER("Listen_Port = 1"), "t.ini:2: unknown key \"Listen_Port\" in [server]\n"},
    {SERVER("listen_port = 1\nlisten_port = 2"),
     "t.ini:3: duplicate key \"listen_port\" in [server] (first on line 2)\n"},
    {SERVER("listen_port = 99999"), "t.ini:2: bad listen_port \"99999\": expected 0..65535\n"},
    {SERVER("listen_port = 80x"), "t.ini:2: bad listen_port \"80x\": expected 0..65535\n"},
    {SERVER("listen_port = -1"), "t.ini:2: bad listen_port \"-1\": expected 0..65535\n"},
    {SERVER("listen_port = +80"), "t.ini:2: bad listen_port \"+80\": expected 0..65535\n"},
    {SERVER("listen_port = 0x50"), "t.ini:2: bad listen_port \"0x50\": expected 0..65535\n"},
    {SERVER("listen_port = 8 0"), "t.ini:2: bad listen_port \"8 0\": expected 0..65535\n"},
    {SERVER("listen_port ="), "t.ini:2: bad listen_port \"\": expected 0..65535\n"},
    {SERVER("listen_port = 99999999999999999999999"),
     "t.ini:2: bad listen_port \"99999999999999999999999\": expected 0..65535\n"},
    {SERVER("retention_days = 0"), "t.ini:2: bad retention_days \"0\": expected 1..3650\n"},
    {SERVER("resume_grace_s = 86401"),
     "t.ini:2: bad resume_grace_s \"86401\": expected 0..86400\n"},
    {SERVER("max_message_bytes = 255"),
     "t.ini:2: bad max_message_bytes \"255\": expected 256..1048576\n"},
    {SERVER("max_conns_per_source = 1000001"),
     "t.ini:2: bad max_conns_per_source \"1000001\": expected 0..1000000\n"},
    {SERVER("listen_host ="), "t.ini:2: bad listen_host: empty\n"},
    {SERVER("data_dir = ; nothing"), "t.ini:2: bad data_dir: empty\n"},
    {SERVER("web_root ="), "t.ini:2: bad web_root: empty\n"},
    {SERVER("transcript_key ="), "t.ini:2: bad transcript_key: empty\n"},
    {SERVER("timezone = Mars/Olympus"),
     "t.ini:2: bad timezone \"Mars/Olympus\": no such zone in /usr/share/zoneinfo/\n"},
    {SERVER("timezone = Europe"), /* a directory */
     "t.ini:2: bad timezone \"Europe\": no such zone in /usr/share/zoneinfo/\n"},
    {SERVER("timezone = zone.tab"), /* a file, not a zone */
     "t.ini:2: bad timezone \"zone.tab\": no such zone in /usr/share/zoneinfo/\n"},
    {SERVER("timezone = ../../../etc/passwd"),
     "t.ini:2: bad timezone \"../../../etc/passwd\": expected a zone name such as "
     "Europe/Helsinki\n"},
    {SERVER("timezone = /usr/share/zoneinfo/UTC"),
     "t.ini:2: bad timezone \"/usr/share/zoneinfo/UTC\": expected a zone name such as "
     "Europe/Helsinki\n"},
    {SERVER("timezone ="), "t.ini:2: bad timezone: empty\n"},
    /* origins */
    {SERVER("allowed_origins = localhost:8080"),
     "t.ini:2: bad allowed_origins \"localhost:8080\": expected http(s)://host[:port], lowercase, "
     "no path\n"},
    {SERVER("allowed_origins = https://chat.example.org/"),
     "t.ini:2: bad allowed_origins \"https://chat.example.org/\": expected http(s)://host[:port], "
     "lowercase, no path\n"},
    {SERVER("allowed_origins = http://a.example, https://b.example/console"),
     "t.ini:2: bad allowed_origins \"https://b.example/console\": expected "
     "http(s)://host[:port], lowercase, no path\n"},
    {SERVER("allowed_origins = http://a.example:99999"),
     "t.ini:2: bad allowed_origins \"http://a.example:99999\": expected http(s)://host[:port], "
     "lowercase, no path\n"},
    {SERVER("allowed_origins = http://a.example:"),
     "t.ini:2: bad allowed_origins \"http://a.example:\": expected http(s)://host[:port], "
     "lowercase, no path\n"},
    {SERVER("allowed_origins = ftp://a.example"),
     "t.ini:2: bad allowed_origins \"ftp://a.example\": expected http(s)://host[:port], "
     "lowercase, no path\n"},
    {SERVER("allowed_origins = http://"),
     "t.ini:2: bad allowed_origins \"http://\": expected http(s)://host[:port], lowercase, no "
     "path\n"},
    {SERVER("allowed_origins = https://Chat.Example.org"),
     "t.ini:2: bad allowed_origins \"https://Chat.Example.org\": expected http(s)://host[:port], "
     "lowercase, no path\n"},
    {SERVER("allowed_origins = http://[]"),
     "t.ini:2: bad allowed_origins \"http://[]\": expected http(s)://host[:port], lowercase, no "
     "path\n"},
    {SERVER("allowed_origins = http://a.example,,http://b.example"),
     "t.ini:2: bad allowed_origins: empty item in the list\n"},
    {SERVER("allowed_origins = http://a.example,"),
     "t.ini:2: bad allowed_origins: empty item in the list\n"},
    {SERVER("public_origins = *, http://a.example"),
     "t.ini:2: bad public_origins: \"*\" must stand alone\n"},
    {SERVER("public_origins = http://a.example/"),
     "t.ini:2: bad public_origins \"http://a.example/\": expected http(s)://host[:port], "
     "lowercase, no path\n"},
    /* connection timers */
    {SERVER("handshake_timeout_s = 0"),
     "t.ini:2: bad handshake_timeout_s \"0\": expected 1..300\n"},
    {SERVER("msg_burst = 0"), "t.ini:2: bad msg_burst \"0\": expected 1..1000000\n"},
    {SERVER("trusted_proxy = localhost"),
     "t.ini:2: bad trusted_proxy \"localhost\": expected an IPv4 or IPv6 address\n"},
    {SERVER("trusted_proxy = 10.0.0.0/8"),
     "t.ini:2: bad trusted_proxy \"10.0.0.0/8\": expected an IPv4 or IPv6 address\n"},
    {SERVER("trusted_proxy = 127.0.0.1, ::1"),
     "t.ini:2: bad trusted_proxy \"127.0.0.1, ::1\": expected an IPv4 or IPv6 address\n"},
    {SERVER("ping_interval_s = 75"),
     "t.ini:2: idle_timeout_s (75) must be longer than ping_interval_s (75)\n"},
    {SERVER("idle_timeout_s = 5\nping_interval_s = 5"),
     "t.ini:3: idle_timeout_s (5) must be longer than ping_interval_s (5)\n"},
    /* TLS: the pair on the [server] line, each file on its own line */
    {SERVER("tls_cert = /etc/ssl/cert.pem"),
     "t.ini:1: tls_cert is set but tls_key is not: set both or neither\n"},
    {"[topic a]\nhours = always\n[server]\ntls_key = /k.pem\n",
     "t.ini:3: tls_key is set but tls_cert is not: set both or neither\n"},
    {SERVER("tls_cert = /nonexistent/c.pem\ntls_key = /nonexistent/k.pem"),
     "t.ini:2: cannot read tls_cert \"/nonexistent/c.pem\": No such file or directory\n"
     "t.ini:3: cannot read tls_key \"/nonexistent/k.pem\": No such file or directory\n"},
    {SERVER("tls_cert = /tmp\ntls_key = /tmp"),
     "t.ini:2: cannot read tls_cert \"/tmp\": not a regular file\n"
     "t.ini:3: cannot read tls_key \"/tmp\": not a regular file\n"},
    /* [topic ID] keys */
    {TOPIC("titel_fi = x"), "t.ini:3: unknown key \"titel_fi\" in [topic a]\n"},
    {TOPIC("hours = never"), "t.ini:3: duplicate key \"hours\" in [topic a] (first on line 2)\n"},
    {TOPIC("title_fi ="), "t.ini:3: bad title_fi: empty\n"},
    {TOPIC("audience = kids"), "t.ini:3: bad audience \"kids\": expected young, parent or any\n"},
    {TOPIC("audience = Young"), "t.ini:3: bad audience \"Young\": expected young, parent or any\n"},
    {TOPIC("mode = manual"), "t.ini:3: bad mode \"manual\": expected auto or pick\n"},
    {TOPIC("queue_max = 0"), "t.ini:3: bad queue_max \"0\": expected 1..100000\n"},
    {TOPIC("queue_max = 100001"), "t.ini:3: bad queue_max \"100001\": expected 1..100000\n"},
    {TOPIC("join_cutoff_min = 1441"), "t.ini:3: bad join_cutoff_min \"1441\": expected 0..1440\n"},
    {TOPIC("join_cutoff_min = 15m"), "t.ini:3: bad join_cutoff_min \"15m\": expected 0..1440\n"},
    {"[server]\n\n[topic a]\ntitle_fi = A\n",
     "t.ini:3: topic a has no hours (set hours = always, never or DAYS HH:MM-HH:MM)\n"},
    /* sections */
    {"[server]\nlisten_port = 1\n",
     "t.ini:1: no [topic ID] section: at least one topic is required\n"},
    {"[canned]\n[server]\n", "t.ini:2: no [topic ID] section: at least one topic is required\n"},
    {"", "t.ini:1: no [topic ID] section: at least one topic is required\n"},
    {"[server]\nlisten_port = 9005", /* no final newline */
     "t.ini:1: no [topic ID] section: at least one topic is required\n"},
    {"[topic A!]\nhours = always\n" ONE_TOPIC,
     "t.ini:1: bad topic id \"A!\": expected 1..32 of a-z 0-9 _ -\n"},
    {"[topic]\n" ONE_TOPIC, "t.ini:1: bad topic id \"\": expected 1..32 of a-z 0-9 _ -\n"},
    {"[topic  a]\n" ONE_TOPIC, "t.ini:1: bad topic id \" a\": expected 1..32 of a-z 0-9 _ -\n"},
    {"[topic abcdefghijklmnopqrstuvwxyz0123456]\n" ONE_TOPIC,
     "t.ini:1: bad topic id \"abcdefghijklmnopqrstuvwxyz0123456\": expected 1..32 of a-z 0-9 _ "
     "-\n"},
    {ONE_TOPIC "[topic a]\nhours = never\n", "t.ini:3: duplicate topic \"a\" (first on line 1)\n"},
    {"[server]\n[server]\n" ONE_TOPIC, "t.ini:2: duplicate section [server] (first on line 1)\n"},
    {"[canned]\n[canned]\n" ONE_TOPIC, "t.ini:2: duplicate section [canned] (first on line 1)\n"},
    /* [canned LANG] (contract v3 §2) */
    {"[canned sv]\nreply = a\n[canned]\n[canned sv]\n" ONE_TOPIC,
     "t.ini:4: duplicate section [canned sv] (first on line 1)\n"},
    {"[canned SV]\nreply = a\n" ONE_TOPIC,
     "t.ini:1: bad language \"SV\" in [canned LANG]: expected a code such as sv or pt-BR\n"},
    {"[canned s]\n" ONE_TOPIC,
     "t.ini:1: bad language \"s\" in [canned LANG]: expected a code such as sv or pt-BR\n"},
    {"[canned pt_BR]\n" ONE_TOPIC,
     "t.ini:1: bad language \"pt_BR\" in [canned LANG]: expected a code such as sv or pt-BR\n"},
    {"[canned sv]\ntext = a\n" ONE_TOPIC, "t.ini:2: unknown key \"text\" in [canned sv]\n"},
    {"[canned fi]\nreply =\n" ONE_TOPIC, "t.ini:2: bad reply: empty\n"},
    /* [help] (contract v3 §1) */
    {"[help]\n[help]\n" ONE_TOPIC, "t.ini:2: duplicate section [help] (first on line 1)\n"},
    {ONE_TOPIC "[help]\ntext_de = Hilfe\n",
     "t.ini:4: unknown key \"text_de\" in [help]: expected text_fi, text_sv or text_en\n"},
    {ONE_TOPIC "[help]\ntext_fi = a\ntext_fi = b\n",
     "t.ini:5: duplicate key \"text_fi\" (first on line 4)\n"},
    {ONE_TOPIC "[help]\ntext_sv =\n", "t.ini:4: bad text_sv: empty\n"},
    {"[sever]\nlisten_port = 1\n" ONE_TOPIC, /* its keys are not reported again */
     "t.ini:1: unknown section [sever]: expected [server], [topic ID], [org ID], [question ID], "
     "[categories], [canned], [canned LANG] or [help]\n"},
    {"[Server]\n" ONE_TOPIC, "t.ini:1: unknown section [Server]: expected [server], [topic ID], "
                             "[org ID], [question ID], [categories], [canned], [canned LANG] or "
                             "[help]\n"},
    /* [org ID] (contract v3 §4) */
    {"[org East]\n" ONE_TOPIC, "t.ini:1: bad org id \"East\": expected 1..32 of a-z 0-9 _\n"},
    {"[org e]\n[org e]\n" ONE_TOPIC, "t.ini:2: duplicate org \"e\" (first on line 1)\n"},
    {"[org e]\ncolour = red\n" ONE_TOPIC, "t.ini:2: unknown key \"colour\" in [org e]\n"},
    {"[org e]\noverflow_after_s = -1\n" ONE_TOPIC,
     "t.ini:2: bad overflow_after_s \"-1\": expected 0..86400\n"},
    {"[org e]\noverflow_to = w\n" ONE_TOPIC,
     "t.ini:2: overflow_to of org e names unknown org \"w\"\n"},
    {"[org e]\noverflow_to = e\n" ONE_TOPIC,
     "t.ini:2: overflow_to of org e names the org itself\n"},
    {"[org e]\noverflow_to = w, w\n[org w]\n" TOPIC("org = e"),
     "t.ini:2: overflow_to of org e names org w twice\n"},
    {"[org e]\noverflow_to = w,,x\n[org w]\n[org x]\n" TOPIC("org = e"),
     "t.ini:2: bad overflow_to: an empty item in the list\n"},
    {"[org e]\noverflow_to = w ,\n[org w]\n" TOPIC("org = e"),
     "t.ini:2: bad overflow_to: an empty item in the list\n"},
    {"[org e]\n[org w]\n" ONE_TOPIC,
     "t.ini:3: topic a has no org: with several [org] sections each topic needs org = ID\n"},
    {TOPIC("org = east"),
     "t.ini:3: topic a names unknown org \"east\" (there is no [org] section but the implicit "
     "main)\n"},
    {"[org e]\n" TOPIC("org = w"), "t.ini:4: topic a names unknown org \"w\"\n"},
    {"[server\n" ONE_TOPIC, "t.ini:1: bad section header: expected [NAME] and at most a comment\n"},
    {"[]\n" ONE_TOPIC, "t.ini:1: bad section header: expected [NAME] and at most a comment\n"},
    {"[server] x\n" ONE_TOPIC,
     "t.ini:1: bad section header: expected [NAME] and at most a comment\n"},
    /* lines */
    {"listen_port = 1\n" ONE_TOPIC, "t.ini:1: key \"listen_port\" before any section\n"},
    {SERVER("garbage"), "t.ini:2: expected key = value\n"},
    {SERVER("listen_port: 8080"), "t.ini:2: expected key = value\n"},
    {SERVER("= 8080"), "t.ini:2: expected key = value\n"},
    {SERVER("listen port = 8080"), "t.ini:2: expected key = value\n"},
    {TOPIC("title_fi = Caf\xe9"), "t.ini:3: invalid UTF-8 or control character at column 15\n"},
    {TOPIC("title_fi = a\x01"), "t.ini:3: invalid UTF-8 or control character at column 13\n"},
    {TOPIC("title_fi = \xed\xa0\x80"), /* a surrogate */
     "t.ini:3: invalid UTF-8 or control character at column 12\n"},
    {TOPIC("; caf\xe9"), "t.ini:3: invalid UTF-8 or control character at column 6\n"},
    /* [canned] */
    {"[canned]\nanswer = x\n" ONE_TOPIC, "t.ini:2: unknown key \"answer\" in [canned]\n"},
    {"[canned]\nreply =\n" ONE_TOPIC, "t.ini:2: bad reply: empty\n"},
    /* [question ID] (contract v2 §2) */
    {ONE_TOPIC "[question q]\ntext_fi = a\ntext_sv = b\ntext_en = c\nanswers = y, n, m\n"
               "label_fi = K, E, X\nlabel_sv = J, N, X\nlabel_en = Yes, No\n",
     "t.ini:10: question q: 2 labels in label_en for 3 answers\n"},
    {ONE_TOPIC QUESTION("topics = a, nowhere"),
     "t.ini:11: question safe: unknown topic \"nowhere\"\n"},
    {ONE_TOPIC QUESTION("urgent = maybe"),
     "t.ini:11: question safe: urgent answer \"maybe\" is not one of its answers\n"},
    {ONE_TOPIC QUESTION("") QUESTION(""),
     "t.ini:12: duplicate question \"safe\" (first on line 3)\n"},
    {ONE_TOPIC "[question q]\ntext_fi = a\ntext_sv = b\ntext_en = c\nanswers = y, n, y\n",
     "t.ini:7: duplicate answer \"y\"\n"},
    {ONE_TOPIC "[question Q]\n", "t.ini:3: bad question id \"Q\": expected 1..32 of a-z 0-9 _\n"},
    {ONE_TOPIC "[question q]\nanswers = y\nlabel_fi = K\nlabel_sv = J\nlabel_en = Y\n",
     "t.ini:3: question q has no text_fi\nt.ini:3: question q has no text_sv\n"
     "t.ini:3: question q has no text_en\n"},
    {ONE_TOPIC QUESTION("colour = red"), "t.ini:11: unknown key \"colour\" in [question safe]\n"},
    {ONE_TOPIC QUESTION("urgent = a, b, c, d, e, f, g, h, i"),
     "t.ini:11: bad urgent: more than 8 items\n"},
    {ONE_TOPIC "[question q]\ntext_fi = a\ntext_sv = b\ntext_en = c\nanswers = y\n"
               "label_sv = J\nlabel_en = Y\nlabel_fi = "
               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
     "t.ini:10: bad label_fi: an item longer than 100 bytes\n"},
    {ONE_TOPIC QUESTION("text_fi = again"),
     "t.ini:11: duplicate key \"text_fi\" in [question safe] (first on line 4)\n"},
    /* [categories] (contract v2 §4) */
    {ONE_TOPIC "[categories]\nfamily = Perhe | Familj\n",
     "t.ini:4: bad category family: expected fi | sv | en, got 2 labels\n"},
    {ONE_TOPIC "[categories]\nfamily = a | b | c\nfamily = a | b | c\n",
     "t.ini:5: duplicate category \"family\"\n"},
    {ONE_TOPIC "[categories]\nFam = a | b | c\n",
     "t.ini:4: bad category id \"Fam\": expected 1..32 of a-z 0-9 _\n"},
    {ONE_TOPIC "[categories]\n", "t.ini:3: [categories] lists no category\n"},
    {ONE_TOPIC "[categories]\nx = a | | c\n", "t.ini:4: bad x: an empty item in the list\n"},
    /* the topic keys of contract v2 */
    {TOPIC("urgent_after_s = -1"), "t.ini:3: bad urgent_after_s \"-1\": expected 0..86400\n"},
    {TOPIC("wrapup_s = 3601"), "t.ini:3: bad wrapup_s \"3601\": expected 0..3600\n"},
};

static void test_each_error_names_file_and_line(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(bad_cases); i++) {
        struct result r = load(bad_cases[i].text, 0);
        if (r.rc != CHAT_ERR_BAD_REQUEST || r.cfg != NULL || strcmp(r.errs, bad_cases[i].want))
            fail_msg("case %zu: rc %d, reported:\n%s\nwanted:\n%s", i, r.rc, r.errs,
                     bad_cases[i].want);
        done(&r);
    }
}

/* The schedule module's one-line reason, as "bad KEY: REASON" on the key's line. */
static void test_schedule_reasons_are_passed_on(void **state)
{
    (void)state;
    static const struct {
        const char *before, *key, *value;
        int (*parse)(struct schedule *, const char *, char *, size_t);
    } cases[] = {
        {"; hours below", "hours", "mon-fry 09:00-10:00", schedule_parse_hours},
        {"; hours below", "hours", "mon 09:00-25:00", schedule_parse_hours},
        {"; hours below", "hours", "", schedule_parse_hours},
        {"hours = always", "closed", "2027-02-29", schedule_parse_closed},
        {"hours = always", "closed", "2026-12-24,", schedule_parse_closed},
        {"hours = always", "extra", "2026-12-27", schedule_parse_extra},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct schedule s;
        char reason[256], text[512], want[512];
        schedule_init(&s);
        assert_int_not_equal(cases[i].parse(&s, cases[i].value, reason, sizeof(reason)), 0);
        snprintf(text, sizeof(text), "[topic a]\n%s\n%s = %s\n", cases[i].before, cases[i].key,
                 cases[i].value);
        snprintf(want, sizeof(want), "t.ini:3: bad %s: %s\n", cases[i].key, reason);
        struct result r = load(text, 0);
        assert_int_equal(r.rc, CHAT_ERR_BAD_REQUEST);
        assert_string_equal(r.errs, want);
        done(&r);
    }
}

static void test_all_problems_are_reported_in_order(void **state)
{
    (void)state;
    struct schedule s;
    char reason[256], want[1024];
    schedule_init(&s);
    assert_int_not_equal(schedule_parse_hours(&s, "mon-fri 25:00-26:00", reason, sizeof(reason)),
                         0);
    struct result r = load("[server]\n"
                           "listen_port = 70000\n"
                           "colour_scheme = blue\n"
                           "tls_key = /k.pem\n"
                           "[topic youth]\n"
                           "hours = mon-fri 25:00-26:00\n"
                           "mode = manual\n"
                           "[topic Bad]\n"
                           "[topic quiet]\n"
                           "[canned]\n"
                           "reply =\n",
                           0);
    assert_int_equal(r.rc, CHAT_ERR_BAD_REQUEST);
    assert_null(r.cfg);
    /* in text order, then the checks made once the whole text is read */
    snprintf(want, sizeof(want),
             "t.ini:2: bad listen_port \"70000\": expected 0..65535\n"
             "t.ini:3: unknown key \"colour_scheme\" in [server]\n"
             "t.ini:6: bad hours: %s\n"
             "t.ini:7: bad mode \"manual\": expected auto or pick\n"
             "t.ini:8: bad topic id \"Bad\": expected 1..32 of a-z 0-9 _ -\n"
             "t.ini:11: bad reply: empty\n"
             "t.ini:9: topic quiet has no hours (set hours = always, never or DAYS "
             "HH:MM-HH:MM)\n"
             "t.ini:1: tls_key is set but tls_cert is not: set both or neither\n",
             reason);
    assert_string_equal(r.errs, want);
    done(&r);
}

/* A value one byte over its field is an error; exactly full is kept whole. */
static void test_overlong_values_are_errors_not_truncated(void **state)
{
    (void)state;
    static const struct {
        const char *section, *key;
        size_t max;
    } cases[] = {
        {"[server]", "listen_host", 255},
        {"[server]", "data_dir", PATH_MAX - 1},
        {"[server]", "web_root", PATH_MAX - 1},
        {"[server]", "transcript_key", PATH_MAX - 1},
        {"[topic b]\nhours = always", "title_fi", CONFIG_TITLE_MAX},
        {"[topic b]\nhours = always", "title_en", CONFIG_TITLE_MAX},
        {"[canned]", "reply", CONFIG_CANNED_MAX},
    };
    for (size_t i = 0; i < N(cases); i++) {
        for (size_t len = cases[i].max; len <= cases[i].max + 1; len++) {
            size_t size = len + 256;
            char *text = malloc(size), want[128];
            int head = snprintf(text, size, ONE_TOPIC "%s\n%s = ", cases[i].section, cases[i].key);
            memset(text + head, 'x', len);
            snprintf(text + head + len, size - (size_t)head - len, " ; comment\n");
            struct result r = load(text, 0);
            if (len == cases[i].max) {
                assert_string_equal(r.errs, "");
                assert_int_equal(r.rc, 0);
            } else {
                int line = strchr(cases[i].section, '\n') ? 5 : 4;
                snprintf(want, sizeof(want), "t.ini:%d: bad %s: longer than %zu bytes\n", line,
                         cases[i].key, cases[i].max);
                assert_string_equal(r.errs, want);
            }
            done(&r);
            free(text);
        }
    }
}

static void test_long_values_pass_inih_line_buffer_whole(void **state)
{
    (void)state;
    char reply[CONFIG_CANNED_MAX + 1], text[1024];
    for (size_t i = 0; i < CONFIG_CANNED_MAX; i++)
        reply[i] = (char)('a' + i % 26);
    reply[CONFIG_CANNED_MAX] = '\0';
    reply[100] = ';'; /* not a comment: no whitespace before it */
    reply[200] = ' ';
    snprintf(text, sizeof(text), ONE_TOPIC "[canned]\n  reply =   %s   ; a comment\n", reply);
    struct result r = load(text, 0);
    assert_string_equal(r.errs, "");
    assert_int_equal(r.cfg->ncanned, 1);
    assert_string_equal(r.cfg->canned[0], reply);
    done(&r);
}

/* Lines just under, at and over inih's 200-byte buffer give the same value. */
static void test_line_length_around_inih_buffer_keeps_values_whole(void **state)
{
    (void)state;
    for (size_t len = 180; len <= 220; len++) {
        char reply[256], text[512];
        memset(reply, 'r', len);
        reply[len] = '\0';
        snprintf(text, sizeof(text), ONE_TOPIC "[canned]\nreply = %s\n", reply);
        struct result r = load(text, 0);
        assert_string_equal(r.errs, "");
        assert_string_equal(r.cfg->canned[0], reply);
        done(&r);
    }
}

static void test_overlong_line_is_an_error(void **state)
{
    (void)state;
    size_t size = CONFIG_LINE_MAX + 64;
    char *text = malloc(size);
    int head = snprintf(text, size, ONE_TOPIC "[canned]\nreply = ");
    memset(text + head, 'x', size - (size_t)head - 2);
    strcpy(text + size - 2, "\n");
    struct result r = load(text, 0);
    assert_string_equal(r.errs, "t.ini:4: line longer than 8192 bytes\n");
    done(&r);
    free(text);
}

static void test_limits_on_counts(void **state)
{
    (void)state;
    static const struct {
        const char *head, *item[2]; /* item: the text around its number */
        int max, line;              /* line of the first item over the limit */
        const char *want;
    } cases[] = {
        {"",
         {"[topic t", "]\nhours = always\n"},
         CONFIG_MAX_TOPICS,
         65,
         "too many topics (at most 32)"},
        {ONE_TOPIC "[canned]\n",
         {"reply = r", "\n"},
         CONFIG_MAX_CANNED,
         36,
         "too many canned replies (at most 32)"},
        {ONE_TOPIC "[server]\nallowed_origins = http://o0",
         {",http://o", ""},
         CONFIG_MAX_ORIGINS - 1,
         4,
         "bad allowed_origins: more than 16 origins"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char text[4096], want[128];
        for (int over = 0; over <= 1; over++) {
            size_t n = (size_t)snprintf(text, sizeof(text), "%s", cases[i].head);
            for (int k = 1; k <= cases[i].max + over; k++)
                n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%d%s", cases[i].item[0], k,
                                      cases[i].item[1]);
            snprintf(text + n, sizeof(text) - n, "\n");
            struct result r = load(text, 0);
            if (over)
                snprintf(want, sizeof(want), "t.ini:%d: %s\n", cases[i].line, cases[i].want);
            assert_string_equal(r.errs, over ? want : "");
            done(&r);
        }
    }
}

/* ---- files ------------------------------------------------------------------------- */

static char *temp_file(const char *content)
{
    char *path = strdup("/tmp/test_config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return path;
}

static void test_require_key_reports_missing_file_on_its_line(void **state)
{
    (void)state;
    struct result r =
        load(SERVER("listen_port = 1\ntranscript_key = /nonexistent/t.pub"), CONFIG_REQUIRE_KEY);
    assert_int_equal(r.rc, CHAT_ERR_BAD_REQUEST);
    assert_string_equal(r.errs,
                        "t.ini:3: transcript key file \"/nonexistent/t.pub\" " KEYGEN_HINT "\n");
    done(&r);
}

static void test_require_key_reports_missing_default_on_server_line(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_config-XXXXXX", old[PATH_MAX];
    assert_non_null(mkdtemp(dir));
    assert_non_null(getcwd(old, sizeof(old)));
    assert_int_equal(chdir(dir), 0); /* so ./var/transcript.pub is surely absent */
    struct result r = load(ONE_TOPIC "[server]\nlisten_port = 1\n", CONFIG_REQUIRE_KEY);
    struct result none = load(ONE_TOPIC, CONFIG_REQUIRE_KEY);
    assert_int_equal(chdir(old), 0);
    rmdir(dir);
    assert_string_equal(r.errs,
                        "t.ini:3: transcript key file \"./var/transcript.pub\" " KEYGEN_HINT "\n");
    assert_string_equal(none.errs, "t.ini:1: transcript key file \"./var/transcript.pub\" "
                                   "" KEYGEN_HINT "\n");
    done(&r);
    done(&none);
}

static void test_require_key_accepts_existing_file(void **state)
{
    (void)state;
    char *key = temp_file("public key\n"), text[512];
    snprintf(text, sizeof(text), SERVER("transcript_key = %s"), key);
    struct result r = load(text, CONFIG_REQUIRE_KEY);
    assert_string_equal(r.errs, "");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.cfg->transcript_key, key);
    done(&r);
    unlink(key);
    free(key);
}

static void test_require_key_refuses_a_directory(void **state)
{
    (void)state;
    struct result r = load(SERVER("transcript_key = /tmp"), CONFIG_REQUIRE_KEY);
    assert_string_equal(r.errs, "t.ini:2: cannot read transcript_key file \"/tmp\": not a "
                                "regular file\n");
    done(&r);
}

static void test_key_file_is_not_checked_without_the_flag(void **state)
{
    (void)state;
    struct result r = load(SERVER("transcript_key = /nonexistent/t.pub"), 0);
    assert_string_equal(r.errs, "");
    assert_int_equal(r.rc, 0);
    done(&r);
}

static void test_tls_pair_of_readable_files_is_accepted(void **state)
{
    (void)state;
    char *cert = temp_file("cert\n"), *key = temp_file("key\n"), text[512];
    snprintf(text, sizeof(text), SERVER("tls_cert = %s\ntls_key = %s"), cert, key);
    struct result r = load(text, 0);
    assert_string_equal(r.errs, "");
    assert_string_equal(r.cfg->tls_cert, cert);
    assert_string_equal(r.cfg->tls_key, key);
    done(&r);
    unlink(cert);
    unlink(key);
    free(cert);
    free(key);
}

static void test_config_load_reads_a_file_and_names_it(void **state)
{
    (void)state;
    char *good = temp_file(example), *bad = temp_file("[server]\nlisten_port = x\n" ONE_TOPIC);
    char *errs, want[256];
    size_t len;
    struct config *cfg;
    FILE *f = open_memstream(&errs, &len);
    assert_int_equal(config_load(good, 0, &cfg, f), 0);
    assert_string_equal(cfg->path, good);
    assert_int_equal(cfg->topics[0].join_cutoff_min, 15);
    config_free(cfg);
    assert_int_equal(config_load(bad, 0, &cfg, f), CHAT_ERR_BAD_REQUEST);
    assert_null(cfg);
    fclose(f);
    snprintf(want, sizeof(want), "%s:2: bad listen_port \"x\": expected 0..65535\n", bad);
    assert_string_equal(errs, want);
    free(errs);
    unlink(good);
    unlink(bad);
    free(good);
    free(bad);
}

static void test_config_load_whole_file_problems(void **state)
{
    (void)state;
    char *big = malloc(CONFIG_FILE_MAX + 2);
    memset(big, ';', CONFIG_FILE_MAX + 1);
    big[CONFIG_FILE_MAX + 1] = '\0';
    char *paths[] = {strdup("/nonexistent/chatd.ini"), strdup("/tmp"), temp_file(big),
                     temp_file("[server]\n\n" ONE_TOPIC)};
    static const struct {
        int rc;
        const char *want;
    } cases[] = {
        {CHAT_ERR_IO, ":1: cannot open: No such file or directory\n"},
        {CHAT_ERR_IO, ":1: cannot read: Is a directory\n"},
        {CHAT_ERR_BAD_REQUEST, ":1: file larger than 1048576 bytes\n"},
        {CHAT_ERR_BAD_REQUEST, ":2: NUL byte in the file\n"},
    };
    FILE *nul = fopen(paths[3], "r+"); /* put a NUL on line 2 */
    fseek(nul, 9, SEEK_SET);
    fputc('\0', nul);
    fclose(nul);
    for (size_t i = 0; i < N(cases); i++) {
        char *errs, want[256];
        size_t len;
        struct config *cfg = (struct config *)&len;
        FILE *f = open_memstream(&errs, &len);
        assert_int_equal(config_load(paths[i], 0, &cfg, f), cases[i].rc);
        fclose(f);
        assert_null(cfg);
        snprintf(want, sizeof(want), "%s%s", paths[i], cases[i].want);
        assert_string_equal(errs, want);
        free(errs);
        if (i >= 2)
            unlink(paths[i]);
        free(paths[i]);
    }
    free(big);
}

/* ---- lookups ------------------------------------------------------------------------- */

/* A full question and categories parse into every field; without
 * [categories] the default set of contract v2 §4 is there in three languages. */
/* [org ID] sections: names, overflow in order, each topic's org, and the
 * keys' defaults; without them one implicit org "main" owns every topic. */
static void test_orgs_parse(void **state)
{
    (void)state;
    struct result r = load(TOPIC("org = main"), 0);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.cfg->norgs, 1);
    assert_false(r.cfg->orgs_declared);
    assert_string_equal(r.cfg->orgs[0].id, "main");
    assert_string_equal(r.cfg->orgs[0].transcript_key, r.cfg->transcript_key);
    assert_int_equal(config_org_topics(r.cfg, 0), 1);
    done(&r);

    r = load("[server]\ntranscript_key = /k/server.pub\n"
             "[topic e1]\nhours = always\norg = east\n"
             "[org east]\nname_fi = Itä\nname_en = East\ntranscript_key = /k/east.pub\n"
             "overflow_to = pool , west\noverflow_after_s = 60\n"
             "[org west]\n[org pool]\n"
             "[topic w1]\nhours = always\norg = west\n[topic e2]\nhours = always\norg = east\n",
             0);
    if (r.rc != 0)
        fail_msg("%s", r.errs);
    const struct config *c = r.cfg;
    assert_int_equal(c->norgs, 3);
    assert_true(c->orgs_declared);
    assert_int_equal(config_org_index(c, "west"), 1);
    assert_int_equal(config_org_index(c, "north"), -1);
    assert_string_equal(c->orgs[0].name[LANG_FI], "Itä");
    assert_string_equal(c->orgs[0].name[LANG_SV], "east"); /* default: the id */
    assert_string_equal(c->orgs[0].transcript_key, "/k/east.pub");
    assert_string_equal(c->orgs[1].transcript_key, "/k/server.pub");
    assert_int_equal(c->orgs[0].noverflow, 2);
    assert_int_equal(c->orgs[0].overflow_to[0], 2);
    assert_int_equal(c->orgs[0].overflow_to[1], 1);
    assert_int_equal(c->orgs[0].overflow_after_s, 60);
    assert_int_equal(c->orgs[1].overflow_after_s, 120);
    assert_int_equal(c->orgs[1].noverflow, 0);
    assert_int_equal(c->topics[0].org, 0);
    assert_int_equal(c->topics[1].org, 1);
    assert_int_equal(config_org_topics(c, 0), 1u | 4u);
    assert_int_equal(config_org_topics(c, 2), 0);
    done(&r);

    r = load("[org only]\n" ONE_TOPIC, 0); /* one org: topics need not name it */
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.cfg->topics[0].org, 0);
    assert_string_equal(r.cfg->orgs[0].id, "only");
    done(&r);
}

/* A user's stored orgs against a config: masks, the default org, '*', and
 * chatadmin's --org list checked and normalized. */
static void test_user_orgs(void **state)
{
    (void)state;
    struct result r = load("[org east]\n[org west]\n[org main]\n" TOPIC("org = east"), 0);
    assert_int_equal(r.rc, 0);
    const struct config *c = r.cfg;
    assert_int_equal(orgs_mask(c, "east"), 1);
    assert_int_equal(orgs_mask(c, "west,east"), 3);
    assert_int_equal(orgs_mask(c, "north"), 0); /* an org since removed: no access */
    assert_int_equal(orgs_mask(c, "*"), 7);
    assert_int_equal(orgs_mask(c, ""), 4); /* made before orgs: main */
    assert_int_equal(orgs_default(c), 2);
    assert_true(orgs_all("*"));
    assert_false(orgs_all("east"));
    char out[STORE_ORGS_MAX + 1], why[160];
    assert_int_equal(orgs_normalize(c, " west , east,west", out, sizeof(out), why, sizeof(why)), 0);
    assert_string_equal(out, "west,east");
    assert_int_equal(orgs_normalize(c, "*", out, sizeof(out), why, sizeof(why)), 0);
    assert_string_equal(out, "*");
    assert_int_equal(orgs_normalize(c, "east,nor", out, sizeof(out), why, sizeof(why)),
                     CHAT_ERR_BAD_REQUEST);
    assert_string_equal(why, "unknown org \"nor\" (the config has no [org nor])");
    assert_int_equal(orgs_normalize(c, ",", out, sizeof(out), why, sizeof(why)),
                     CHAT_ERR_BAD_REQUEST);
    done(&r);

    r = load("[org east]\n[org west]\n" TOPIC("org = east"), 0); /* no main: no default */
    assert_int_equal(orgs_default(r.cfg), -1);
    assert_int_equal(orgs_mask(r.cfg, ""), 0);
    done(&r);
}

static void test_questions_and_categories_parse(void **state)
{
    (void)state;
    struct result r = load(
        "[topic youth]\nhours = always\nurgent_after_s = 60\n"
        "[topic parents]\nhours = always\n" QUESTION(
            "urgent = no\ntopics = youth") "[question lang]\ntext_fi = a\ntext_sv = b\ntext_en = "
                                           "c\n"
                                           "answers = fi, sv\nlabel_fi = s, r\nlabel_sv = f, s\n"
                                           "label_en = F, S\n[categories]\n"
                                           "family = Perhe ja koti | Familj och hem | Family and "
                                           "home\n",
        0);
    if (r.rc != 0)
        fail_msg("%s", r.errs);
    assert_int_equal(r.rc, 0);
    const struct config *c = r.cfg;
    assert_int_equal(c->topics[0].urgent_after_s, 60);
    assert_int_equal(c->topics[1].urgent_after_s, 900);
    assert_int_equal(c->topics[1].lang_fallback_s, 120);
    assert_int_equal(c->topics[1].first_reply_s, 180);
    assert_int_equal(c->topics[1].wrapup_s, 120);
    assert_int_equal(c->nquestions, 2);
    const struct config_question *q = &c->questions[0];
    assert_string_equal(q->id, "safe");
    assert_string_equal(q->text[LANG_SV], "Är du trygg?");
    assert_int_equal(q->nanswers, 3);
    assert_string_equal(q->answers[2].id, "unsure");
    assert_string_equal(q->answers[2].label[LANG_FI], "En tiedä");
    assert_false(q->answers[0].urgent);
    assert_true(q->answers[1].urgent);
    assert_int_equal(q->topics, 1u);              /* youth only */
    assert_int_equal(c->questions[1].topics, 3u); /* every topic */
    assert_int_equal(config_question_index(c, "lang"), 1);
    assert_int_equal(config_answer_index(q, "no"), 1);
    assert_int_equal(config_answer_index(q, "maybe"), -1);
    assert_int_equal(c->ncategories, 1);
    assert_string_equal(c->categories[0].label[LANG_EN], "Family and home");
    done(&r);
    r = load(ONE_TOPIC, 0);
    assert_int_equal(r.cfg->ncategories, 11);
    assert_int_equal(config_category_index(r.cfg, "self_harm"), 3);
    for (size_t i = 0; i < r.cfg->ncategories; i++)
        for (int l = 0; l < LANG_COUNT; l++)
            assert_true(r.cfg->categories[i].label[l][0] != '\0');
    done(&r);
}

/* [help]: each language's text whole up to 1,000 characters (not bytes),
 * a longer one an error on its line; without the section, no texts. */
static void test_help_texts(void **state)
{
    (void)state;
    char text[8192], *p;
    struct result r = load(ONE_TOPIC "[help]\ntext_fi = Soita 112\ntext_en = Call 112\n", 0);
    if (r.rc != 0)
        fail_msg("%s", r.errs);
    assert_string_equal(r.cfg->help[LANG_FI], "Soita 112");
    assert_string_equal(r.cfg->help[LANG_SV], "");
    assert_string_equal(r.cfg->help[LANG_EN], "Call 112");
    done(&r);
    for (int n = 1000; n <= 1001; n++) {
        p = text + snprintf(text, sizeof(text), ONE_TOPIC "[help]\ntext_sv = ");
        for (int i = 0; i < n; i++)
            p += snprintf(p, 3, "\xc3\xa4"); /* a two-byte character */
        snprintf(p, 2, "\n");
        r = load(text, 0);
        if (n == 1000) {
            assert_int_equal(r.rc, 0);
            assert_int_equal(strlen(r.cfg->help[LANG_SV]), 2000);
        } else {
            assert_int_equal(r.rc, CHAT_ERR_BAD_REQUEST);
            assert_string_equal(r.errs, "t.ini:4: bad text_sv: longer than 1000 characters\n");
        }
        done(&r);
    }
    r = load(ONE_TOPIC, 0);
    for (int l = 0; l < LANG_COUNT; l++)
        assert_string_equal(r.cfg->help[l], "");
    done(&r);
}

static void test_topic_lookup(void **state)
{
    (void)state;
    struct result r = load("[topic youth]\nhours = always\n[topic parents]\nhours = never\n", 0);
    assert_int_equal(config_topic_index(r.cfg, "youth"), 0);
    assert_int_equal(config_topic_index(r.cfg, "parents"), 1);
    assert_int_equal(config_topic_index(r.cfg, "adults"), -1);
    assert_int_equal(config_topic_index(r.cfg, "Youth"), -1);
    assert_ptr_equal(config_topic(r.cfg, "parents"), &r.cfg->topics[1]);
    assert_null(config_topic(r.cfg, "pa"));
    done(&r);
}

static void test_origin_checks_are_exact(void **state)
{
    (void)state;
    static const struct {
        const char *origin;
        bool worker, listed_public;
    } cases[] = {
        {"https://chat.example.org", true, true},
        {"http://localhost:8080", true, false},
        {"https://chat.example.org:443", false, false},
        {"https://chat.example.org/", false, false},
        {"https://CHAT.example.org", false, false},
        {"https://chat.example.org.evil", false, false},
        {"https://www.example.org", false, true},
        {"", false, false},
        {"null", false, false},
    };
    struct result listed = load(SERVER("allowed_origins = https://chat.example.org, "
                                       "http://localhost:8080\npublic_origins = "
                                       "https://www.example.org,https://chat.example.org"),
                                0);
    struct result any = load(SERVER("allowed_origins = https://chat.example.org, "
                                    "http://localhost:8080"),
                             0);
    for (size_t i = 0; i < N(cases); i++) {
        const char *o = cases[i].origin;
        if (config_worker_origin_ok(listed.cfg, o) != cases[i].worker ||
            config_public_origin_ok(listed.cfg, o) != cases[i].listed_public ||
            !config_public_origin_ok(any.cfg, o))
            fail_msg("case %zu: \"%s\"", i, o);
    }
    done(&listed);
    done(&any);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_example_parses_into_every_field),
        cmocka_unit_test(test_defaults_apply_to_absent_keys),
        cmocka_unit_test(test_valid_values_are_stored),
        cmocka_unit_test(test_each_error_names_file_and_line),
        cmocka_unit_test(test_schedule_reasons_are_passed_on),
        cmocka_unit_test(test_all_problems_are_reported_in_order),
        cmocka_unit_test(test_overlong_values_are_errors_not_truncated),
        cmocka_unit_test(test_long_values_pass_inih_line_buffer_whole),
        cmocka_unit_test(test_line_length_around_inih_buffer_keeps_values_whole),
        cmocka_unit_test(test_overlong_line_is_an_error),
        cmocka_unit_test(test_limits_on_counts),
        cmocka_unit_test(test_require_key_reports_missing_file_on_its_line),
        cmocka_unit_test(test_require_key_reports_missing_default_on_server_line),
        cmocka_unit_test(test_require_key_accepts_existing_file),
        cmocka_unit_test(test_require_key_refuses_a_directory),
        cmocka_unit_test(test_key_file_is_not_checked_without_the_flag),
        cmocka_unit_test(test_tls_pair_of_readable_files_is_accepted),
        cmocka_unit_test(test_config_load_reads_a_file_and_names_it),
        cmocka_unit_test(test_config_load_whole_file_problems),
        cmocka_unit_test(test_topic_lookup),
        cmocka_unit_test(test_help_texts),
        cmocka_unit_test(test_orgs_parse),
        cmocka_unit_test(test_user_orgs),
        cmocka_unit_test(test_questions_and_categories_parse),
        cmocka_unit_test(test_origin_checks_are_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
