/*
 * opts: the load generator's command line, parsed once into an immutable
 * struct opts that every scenario reads.
 *
 * Topic ids are t0, t1, ... (bench.sh writes chatd's config to match).
 * Worker passwords come from the environment (BENCH_PASSWORD), never argv.
 */
#ifndef OPTS_H
#define OPTS_H

enum opts_cmd { CMD_TOKENS, CMD_QUEUE, CMD_HEAD, CMD_CHAT, CMD_STATUS, CMD_ECHO };

struct opts {
    enum opts_cmd cmd;
    const char *host;
    int port;
    int max_connecting; /* handshakes in flight at once */
    double timeout;     /* seconds any one wait may take */
    int topics;         /* t0 .. t(topics-1) */
    int visitors;       /* queue, head: visitors that join */
    int trials;         /* head, status: state changes measured */
    int chats;          /* chat: concurrent chats (workers = visitors = chats) */
    int conns;          /* echo: connections */
    int subs;           /* status: status.v1 subscribers */
    int count;          /* tokens: workers to log in */
    int burst;          /* chat, echo: messages per connection sent at once (0: no burst) */
    double flood;       /* chat, echo: seconds of sending with window in flight (0: none) */
    int window;         /* chat, echo: messages in flight per connection while flooding */
    double rate;        /* chat, echo: paced messages a second, all connections together */
    double duration;    /* chat, echo: seconds of paced sending (0: none) */
    double logins;      /* chat: password logins a second during the paced phase */
    int churn_pool;     /* chat: distinct users those logins cycle through */
    const char *tokens; /* file of "user token" lines */
    const char *worker_prefix;
    const char *churn_prefix;
    const char *password; /* BENCH_PASSWORD */
};

/* Parses argv into o; prints usage and returns -1 on a mistake. */
int opts_parse(int argc, char **argv, struct opts *o);

/* Writes the id of topic i ("t3") into out (at least 16 bytes). */
void opts_topic(int i, char *out);

#endif
