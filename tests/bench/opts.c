/*
 * opts: command-line parsing.
 */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: loadgen COMMAND --port PORT [options]\n"
    "  tokens  --count N --tokens FILE        log N workers in by password, save tokens\n"
    "  queue   --visitors N [--topics T]      N visitors join T topics; check positions\n"
    "  head    --visitors N --trials K --tokens FILE\n"
    "                                         one queue of N; time K head-served updates\n"
    "  chat    --chats N --tokens FILE [--burst B] [--flood S [--window W]]\n"
    "          [--rate R --duration S]\n"
    "          [--logins L --churn-pool P]    N chats, both sides sending\n"
    "  status  --subs S --trials K            time K status changes to S subscribers\n"
    "  echo    --conns N [--burst B] [--flood S [--window W]] [--rate R --duration S]\n"
    "                                         the same load on echod\n"
    "options: --host H (127.0.0.1) --max-connecting N (200) --timeout S (120)\n"
    "         --worker-prefix worker --churn-prefix churn\n"
    "BENCH_PASSWORD: the workers' password (default bench-password-1)\n";

static const struct {
    const char *name;
    enum opts_cmd cmd;
} commands[] = {
    {"tokens", CMD_TOKENS}, {"queue", CMD_QUEUE},   {"head", CMD_HEAD},
    {"chat", CMD_CHAT},     {"status", CMD_STATUS}, {"echo", CMD_ECHO},
};

static int opts_fail(const char *what, const char *arg)
{
    fprintf(stderr, "loadgen: %s%s%s\n%s", what, arg ? ": " : "", arg ? arg : "", usage);
    return -1;
}

static int opts_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    double d = strtod(s, &end);
    if (end == s || *end || d < lo || d > hi)
        return -1;
    *out = d;
    return 0;
}

int opts_parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof(*o));
    o->host = "127.0.0.1";
    o->max_connecting = 200;
    o->timeout = 120;
    o->topics = 4;
    o->trials = 5;
    o->churn_pool = 20;
    o->window = 4;
    o->worker_prefix = "worker";
    o->churn_prefix = "churn";
    o->password = getenv("BENCH_PASSWORD") ? getenv("BENCH_PASSWORD") : "bench-password-1";
    if (argc < 2)
        return opts_fail("no command", NULL);
    size_t i;
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            break;
    if (i == sizeof(commands) / sizeof(commands[0]))
        return opts_fail("unknown command", argv[1]);
    o->cmd = commands[i].cmd;

    for (int a = 2; a < argc; a += 2) {
        const char *k = argv[a], *v = a + 1 < argc ? argv[a + 1] : NULL;
        double d;
        if (!v)
            return opts_fail("missing value for", k);
#define NUM(flag, field, lo, hi)                                                                   \
    if (strcmp(k, flag) == 0) {                                                                    \
        if (opts_number(v, lo, hi, &d) != 0)                                                       \
            return opts_fail("bad value for " flag, v);                                            \
        o->field = d;                                                                              \
        continue;                                                                                  \
    }
        NUM("--port", port, 1, 65535)
        NUM("--max-connecting", max_connecting, 1, 100000)
        NUM("--timeout", timeout, 0.1, 86400)
        NUM("--topics", topics, 1, 32)
        NUM("--visitors", visitors, 1, 1000000)
        NUM("--trials", trials, 1, 1000)
        NUM("--chats", chats, 1, 100000)
        NUM("--conns", conns, 1, 1000000)
        NUM("--subs", subs, 1, 1000000)
        NUM("--count", count, 1, 100000)
        NUM("--burst", burst, 0, 1000)
        NUM("--flood", flood, 0, 3600)
        NUM("--window", window, 1, 1000)
        NUM("--rate", rate, 0, 1e7)
        NUM("--duration", duration, 0, 86400)
        NUM("--logins", logins, 0, 1000)
        NUM("--churn-pool", churn_pool, 1, 10000)
#undef NUM
        if (strcmp(k, "--host") == 0)
            o->host = v;
        else if (strcmp(k, "--tokens") == 0)
            o->tokens = v;
        else if (strcmp(k, "--worker-prefix") == 0)
            o->worker_prefix = v;
        else if (strcmp(k, "--churn-prefix") == 0)
            o->churn_prefix = v;
        else
            return opts_fail("unknown option", k);
    }
    if (!o->port)
        return opts_fail("--port is required", NULL);
    if ((o->cmd == CMD_TOKENS || o->cmd == CMD_HEAD || o->cmd == CMD_CHAT) && !o->tokens)
        return opts_fail("--tokens is required for", argv[1]);
    if ((o->cmd == CMD_QUEUE || o->cmd == CMD_HEAD) && !o->visitors)
        return opts_fail("--visitors is required for", argv[1]);
    if (o->cmd == CMD_TOKENS && !o->count)
        return opts_fail("--count is required for", argv[1]);
    if (o->cmd == CMD_CHAT && !o->chats)
        return opts_fail("--chats is required for", argv[1]);
    if (o->cmd == CMD_ECHO && !o->conns)
        return opts_fail("--conns is required for", argv[1]);
    if (o->cmd == CMD_STATUS && !o->subs)
        return opts_fail("--subs is required for", argv[1]);
    if (o->duration > 0 && o->rate <= 0)
        return opts_fail("--duration needs --rate", NULL);
    return 0;
}

void opts_topic(int i, char *out)
{
    snprintf(out, 16, "t%d", i);
}
