/*
 * chatd: command line, start-up and shutdown (contract §1).
 *
 * Order matters: the config is validated completely before anything is
 * opened; the transcript public key must load, or chatd refuses to start,
 * because a chat whose transcript cannot be stored must never begin.
 * CHATD_TEST_CLOCK is looked at before the config: a test clock in a build
 * without one is a configuration error, never silently ignored.
 */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "clock.h"
#include "config.h"
#include "hours_live.h"
#include "hub.h"
#include "langs.h"
#include "report.h"
#include "server.h"
#include "store.h"
#include "transcript.h"

#define EXIT_USAGE 2
#define EXIT_CONFIG 78 /* sysexits.h EX_CONFIG: the environment asks for what this build lacks */

static struct server *volatile chatd_server;
static volatile sig_atomic_t chatd_stopping, chatd_reload;

static void on_signal(int sig)
{
    if (sig == SIGHUP) {
        chatd_reload = 1;
        if (chatd_server)
            server_wake(chatd_server);
        return;
    }
    chatd_stopping = 1;
    if (chatd_server)
        server_stop(chatd_server);
}

/* Installed before anything listens, so an early SIGTERM still stops cleanly. */
static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* No core dump may write passwords or plaintext to disk, and no other
 * process of the same user may read this one's memory (ptrace). As many
 * descriptors as the system allows: each connection is one. */
static void protect_process(void)
{
    struct rlimit none = {0, 0}, files;
    (void)setrlimit(RLIMIT_CORE, &none);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &files);
    }
}

static int usage(void)
{
    fputs("usage: chatd --config FILE [--check]\n", stderr);
    return EXIT_USAGE;
}

static double wall_now(void)
{
    return clock_now();
}

/* CHATD_TEST_CLOCK=1 turns on GET /test/clock (clock.h) in a CHAT_TEST_CLOCK
 * build: 1 on, 0 off (unset), -1 refused (said on stderr). A release build
 * refuses the variable whatever its value: a daemon whose time a request
 * can move must never run by mistake, nor one that a test believes it moves. */
static int test_clock_wanted(void)
{
    const char *v = getenv("CHATD_TEST_CLOCK");
    if (!v)
        return 0;
#ifdef CHAT_TEST_CLOCK
    if (strcmp(v, "1") == 0) {
        fputs("chatd: test clock on\n", stderr);
        return 1;
    }
    fprintf(stderr, "chatd: CHATD_TEST_CLOCK=%s: only 1 (test clock on) is known; not starting\n",
            v);
#else
    fputs("chatd: CHATD_TEST_CLOCK is set, but this chatd is built without the test clock "
          "(cmake -DCHAT_TEST_CLOCK=ON, tests only); unset it. Not starting\n",
          stderr);
#endif
    return -1;
}

static void log_line(const char *msg, void *arg)
{
    (void)arg;
    fprintf(stderr, "chatd: %s\n", msg);
}

/* hub_hours_ready's answers at start: there are no requests yet. */
static void no_answer(void *owner, int status, char *body, void *arg)
{
    (void)owner;
    (void)status;
    (void)arg;
    free(body);
}

static int run(struct config *cfg, bool test_clock)
{
    uint8_t pub[TRANSCRIPT_PUB_BYTES];
    struct store *st = NULL;
    struct auth *auth = NULL;
    struct report *reports = NULL;
    struct hours_live *hours = NULL;
    struct hub *hub = NULL;
    struct langs langs = {0};
    int rc = 1;

    if (transcript_load_pub(cfg->transcript_key, pub) != 0) {
        fprintf(stderr,
                "chatd: %s is not a transcript public key (make one with: chatadmin keygen --out "
                "DIR); not starting\n",
                cfg->transcript_key);
        return 1;
    }
    for (size_t i = 0; i < cfg->norgs; i++) { /* contract v3 §4: each org's own key */
        uint8_t org_pub[TRANSCRIPT_PUB_BYTES];
        const char *path = cfg->orgs[i].transcript_key;
        if (path[0] && strcmp(path, cfg->transcript_key) != 0 &&
            transcript_load_pub(path, org_pub) != 0) {
            fprintf(stderr,
                    "chatd: %s (transcript_key of org %s) is not a transcript public key; "
                    "not starting\n",
                    path, cfg->orgs[i].id);
            return 1;
        }
    }
    /* start-up waits for a lock like chatadmin does; then the loop never waits */
    if (store_open(cfg->data_dir, 0, &st) != 0) {
        fprintf(stderr, "chatd: cannot open the database in %s\n", cfg->data_dir);
        return 1;
    }
    if (langs_load(cfg->web_root, stderr, &langs) != 0) {
        fprintf(stderr, "chatd: out of memory\n");
        goto out;
    }
    chatd_server = server_new(cfg, &langs, test_clock);
    if (!chatd_server)
        goto out;
    auth = auth_new(cfg->auth_threads, server_wake, chatd_server);
    hub = auth ? hub_new(cfg, st, pub, auth, wall_now()) : NULL;
    if (!hub) {
        fprintf(stderr,
                "chatd: cannot start: out of memory, or the queue places kept over the "
                "restart cannot be read or stored in %s\n",
                cfg->data_dir);
        goto out;
    }
    reports = report_new(cfg, server_wake, chatd_server);
    if (!reports) {
        fprintf(stderr, "chatd: cannot start the report worker (database in %s)\n", cfg->data_dir);
        goto out;
    }
    hub_set_reports(hub, reports);
    struct schedule_date today = schedule_local_date((time_t)wall_now());
    struct schedule_date yesterday = schedule_date_add(&today, -1);
    hours = hours_live_new(cfg->data_dir, &yesterday, server_wake, chatd_server);
    if (!hours) {
        fprintf(stderr, "chatd: cannot start the hours worker (database in %s)\n", cfg->data_dir);
        goto out;
    }
    hub_set_hours(hub, hours);
    hub_hours_ready(hub, wall_now(), no_answer, NULL); /* in force before the first visitor */
    hub_set_logger(hub, log_line, NULL);
    hub_set_langs(hub, &langs);
    long chats, places = hub_restored(hub, &chats);
    if (places || chats)
        fprintf(stderr, "chatd: restored %ld queue places and %ld chats\n", places, chats);
    store_set_no_wait(st, 1);
    if (chatd_stopping)
        server_stop(chatd_server);
    rc = server_run(chatd_server, hub, &chatd_reload);
out:
    /* the worker stops before the server it wakes goes away; the requests
     * still waiting for a report are then closed without one */
    if (hub) {
        hub_set_reports(hub, NULL);
        hub_set_hours(hub, NULL);
    }
    report_free(reports);
    hours_live_free(hours);
    server_free(chatd_server); /* closes every connection first */
    chatd_server = NULL;
    hub_free(hub, wall_now());
    auth_free(auth);
    store_close(st);
    langs_fini(&langs);
    return rc;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    bool check = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "--check") == 0)
            check = true;
        else
            return usage();
    }
    if (!path)
        return usage();
    int test_clock = test_clock_wanted();
    if (test_clock < 0)
        return EXIT_CONFIG;
    struct config *cfg;
    if (config_load(path, CONFIG_REQUIRE_KEY, &cfg, stderr) != 0)
        return 1;
    if (check) {
        printf("%s: ok\n", path);
        config_free(cfg);
        return 0;
    }
    setenv("TZ", cfg->timezone, 1);
    tzset();
    /* libsodium's own ChaCha20 generator, seeded from the kernel, instead of
     * one getrandom() call for every nonce: each chat message needs one */
    randombytes_set_implementation(&randombytes_internal_implementation);
    if (sodium_init() < 0) {
        fprintf(stderr, "chatd: libsodium failed to start\n");
        config_free(cfg);
        return 1;
    }
    install_signals();
    protect_process();
    int rc = run(cfg, test_clock == 1);
    config_free(cfg);
    return rc;
}
