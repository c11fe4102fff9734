/*
 * config_letters: the letters key files of [server] (contract v3 §3),
 * read and checked once the whole config text is read.
 *
 * letters_pub holds one line, the base64url of a raw X25519 public key;
 * letters_key the JSON {"salt","iv","ct"} of the private key wrapped with
 * the organisation's passphrase (chatadmin letters keygen). chatd only
 * checks their shapes and keeps their text: it can serve the wrapped key
 * to workers but never open it. A topic with letters = on needs both.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"
#include "proto_letters.h"

#define KEY_FILE_MAX 4096 /* bytes read of either file */

/* Reads up to KEY_FILE_MAX bytes of path into buf (NUL-terminated); NULL
 * or why not. */
static const char *read_small(const char *path, char *buf, size_t size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return strerror(errno);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return "not a regular file";
    }
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return strerror(errno);
    if ((size_t)n == size - 1)
        return "larger than expected";
    buf[n] = '\0';
    return NULL;
}

/* Reads the public key file into out (CONFIG_LETTERS_PUB_CHARS + 1). */
static void check_pub(struct parse *p, int line, const char *file, char *out)
{
    char buf[KEY_FILE_MAX];
    const char *why = read_small(file, buf, sizeof(buf));
    if (why) {
        config_report(p, line, "cannot read letters_pub \"%s\": %s", file, why);
        return;
    }
    size_t n = strcspn(buf, "\r\n");
    bool rest_blank = strspn(buf + n, "\r\n \t") == strlen(buf + n);
    buf[n] = '\0';
    if (!rest_blank || n != CONFIG_LETTERS_PUB_CHARS || proto_b64url_bytes(buf) != 32) {
        config_report(p, line,
                      "bad letters_pub file \"%s\": expected one line, the base64url of a "
                      "32-byte X25519 public key (chatadmin letters keygen)",
                      file);
        return;
    }
    memcpy(out, buf, n + 1);
}

/* True when o's member key is base64url of lo..hi bytes. */
static bool b64_member(json_t *o, const char *key, long lo, long hi)
{
    json_t *v = json_object_get(o, key);
    long n = json_is_string(v) ? proto_b64url_bytes(json_string_value(v)) : -1;
    return n >= lo && n <= hi;
}

/* Reads the wrapped key file into out (CONFIG_LETTERS_WRAPPED_MAX + 1). */
static void check_key(struct parse *p, int line, const char *file, char *out)
{
    char buf[KEY_FILE_MAX];
    const char *why = read_small(file, buf, sizeof(buf));
    if (why) {
        config_report(p, line, "cannot read letters_key \"%s\": %s", file, why);
        return;
    }
    json_t *o = json_loads(buf, JSON_REJECT_DUPLICATES, NULL);
    bool ok = json_is_object(o) && b64_member(o, "salt", 16, 16) && b64_member(o, "iv", 12, 12) &&
              b64_member(o, "ct", PROTO_WRAP_CT_MIN, PROTO_WRAP_CT_MAX);
    char *text = NULL;
    if (ok) { /* kept as the three members only */
        json_t *k = json_pack("{s:O,s:O,s:O}", "salt", json_object_get(o, "salt"), "iv",
                              json_object_get(o, "iv"), "ct", json_object_get(o, "ct"));
        text = k ? json_dumps(k, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(k);
    }
    json_decref(o);
    if (!text || strlen(text) > CONFIG_LETTERS_WRAPPED_MAX)
        config_report(p, line,
                      "bad letters_key file \"%s\": expected the JSON {\"salt\",\"iv\",\"ct\"} "
                      "that chatadmin letters keygen writes",
                      file);
    else
        memcpy(out, text, strlen(text) + 1);
    free(text);
}

/* An org's letters files: the server's text when they are the server's
 * files, else read on their own. */
static void org_files(struct parse *p, int i, bool read_files)
{
    struct config *c = p->cfg;
    struct config_org *o = &c->orgs[i];
    if (strcmp(o->letters_pub_file, c->letters_pub_file) == 0)
        memcpy(o->letters_pub, c->letters_pub, sizeof(o->letters_pub));
    else if (read_files)
        check_pub(p, config_org_line(p, i, "letters_pub"), o->letters_pub_file, o->letters_pub);
    if (strcmp(o->letters_key_file, c->letters_key_file) == 0)
        memcpy(o->letters_wrapped, c->letters_wrapped, sizeof(o->letters_wrapped));
    else if (read_files)
        check_key(p, config_org_line(p, i, "letters_key"), o->letters_key_file, o->letters_wrapped);
}

void config_check_letters(struct parse *p, int pub_line, int key_line, bool read_files)
{
    struct config *c = p->cfg;
    if (read_files && c->letters_pub_file[0])
        check_pub(p, pub_line, c->letters_pub_file, c->letters_pub);
    if (read_files && c->letters_key_file[0])
        check_key(p, key_line, c->letters_key_file, c->letters_wrapped);
    for (size_t i = 0; i < c->norgs; i++)
        org_files(p, (int)i, read_files);
    bool reported[CONFIG_MAX_ORGS] = {false};
    for (size_t i = 0; i < c->ntopics; i++) {
        const struct config_org *o = &c->orgs[c->topics[i].org];
        if (!c->topics[i].letters)
            continue;
        c->letters_on = true;
        if ((o->letters_pub_file[0] && o->letters_key_file[0]) || reported[c->topics[i].org])
            continue;
        reported[c->topics[i].org] = true;
        if (c->orgs_declared)
            config_report(p, p->topics[i].line,
                          "letters = on needs letters_pub and letters_key of org %s or of "
                          "[server] (make them with: chatadmin letters keygen --out DIR)",
                          o->id);
        else
            config_report(p, p->topics[i].line,
                          "letters = on needs [server] letters_pub and letters_key (make them "
                          "with: chatadmin letters keygen --out DIR)");
    }
}
