/*
 * loadgen: chatd's load generator.
 *
 * One process, one thread, one libwebsockets context with every connection
 * on it (a script-language client would be the bottleneck long before
 * chatd). Each command is one scenario; it prints "result NAME VALUE" lines
 * on stdout for bench.sh, progress on stderr, and exits 0 only when every
 * check of the scenario held. See bench.sh for how the scenarios are run.
 */
#include "chats.h"
#include "client.h"
#include "crowd.h"
#include "echoes.h"
#include "loop.h"
#include "opts.h"
#include "staff.h"
#include "watch.h"

#include <signal.h>
#include <stdio.h>

static int loadgen_dispatch(const struct opts *o)
{
    switch (o->cmd) {
    case CMD_TOKENS:
        return staff_run_tokens(o);
    case CMD_QUEUE:
        return crowd_run_queue(o);
    case CMD_HEAD:
        return crowd_run_head(o);
    case CMD_CHAT:
        return chats_run(o);
    case CMD_STATUS:
        return watch_run(o);
    case CMD_ECHO:
        return echoes_run(o);
    }
    return -1;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (opts_parse(argc, argv, &o) != 0)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    client_target(o.host, o.port, o.max_connecting);
    if (loop_init(client_protocols) != 0)
        return 1;
    int rc = loadgen_dispatch(&o);
    loop_fini();
    if (client_failures())
        fprintf(stderr, "loadgen: %ld connections failed or were closed by the server\n",
                client_failures());
    return rc == 0 ? 0 : 1;
}
