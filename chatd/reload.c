/*
 * reload: config_load() into a memory stream, its lines handed to the log,
 * then the [server] fields copied from the running config, one table of
 * them (a field added to [server] belongs in it).
 */
#define _GNU_SOURCE /* open_memstream */
#include "reload.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_err.h"

#define SERVER_FIELD(f)                                                                            \
    {                                                                                              \
#f, offsetof(struct config, f), sizeof(((struct config *)0)->f)                            \
    }

/* [server] settings: the process was built on them (socket, files, keys,
 * limits, the zone). Names as in the file; the origins' counts go along. */
static const struct server_field {
    const char *name;
    size_t offset, size;
} server_fields[] = {
    SERVER_FIELD(listen_host),
    SERVER_FIELD(listen_port),
    SERVER_FIELD(data_dir),
    SERVER_FIELD(web_root),
    SERVER_FIELD(timezone),
    SERVER_FIELD(transcript_key),
    SERVER_FIELD(retention_days),
    SERVER_FIELD(resume_grace_s),
    SERVER_FIELD(max_message_bytes),
    SERVER_FIELD(max_conns_per_source),
    SERVER_FIELD(auth_threads),
    SERVER_FIELD(handshake_timeout_s),
    SERVER_FIELD(ping_interval_s),
    SERVER_FIELD(idle_timeout_s),
    SERVER_FIELD(msg_rate_per_s),
    SERVER_FIELD(msg_burst),
    {"allowed_origins", offsetof(struct config, nallowed_origins),
     offsetof(struct config, public_any) - offsetof(struct config, nallowed_origins)},
    {"public_origins", offsetof(struct config, public_any),
     offsetof(struct config, tls_cert) - offsetof(struct config, public_any)},
    SERVER_FIELD(tls_cert),
    SERVER_FIELD(tls_key),
    {"trusted_proxy", offsetof(struct config, trusted_proxy),
     offsetof(struct config, metrics_token) - offsetof(struct config, trusted_proxy)},
    SERVER_FIELD(metrics_token),
};

/* Hands each line of text to log. */
static void log_lines(char *text, void (*log)(const char *line, void *arg), void *arg)
{
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        log(line, arg);
}

int reload_config(const struct config *running, int flags, struct config **out,
                  void (*log)(const char *line, void *arg), void *arg)
{
    char *said = NULL, line[PATH_MAX + 160];
    size_t len = 0;
    FILE *errs = open_memstream(&said, &len);
    *out = NULL;
    if (!errs)
        return CHAT_ERR_NOMEM;
    struct config *next = NULL;
    int rc = config_load(running->path, flags, &next, errs);
    fclose(errs);
    if (said)
        log_lines(said, log, arg);
    free(said);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < sizeof(server_fields) / sizeof(server_fields[0]); i++) {
        const struct server_field *f = &server_fields[i];
        char *to = (char *)next + f->offset;
        const char *from = (const char *)running + f->offset;
        if (memcmp(to, from, f->size) == 0)
            continue;
        snprintf(line, sizeof(line),
                 "%s: [server] %s changed: it takes effect at the next restart; until then "
                 "the running value stays",
                 running->path, f->name);
        log(line, arg);
        memcpy(to, from, f->size);
    }
    *out = next;
    return 0;
}
