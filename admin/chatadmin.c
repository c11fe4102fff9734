/*
 * chatadmin: the administration CLI (contract §4), a thin shell over the
 * same core modules as chatd. It works while chatd runs: SQLite in WAL mode
 * lets both open the file, and every command is one short transaction.
 *
 * Secrets (passwords, passphrases) are read as one line from stdin, never
 * from argv, and wiped after use.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <pwd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "auth.h"
#include "chat_err.h"
#include "config.h"
#include "letters_cmd.h"
#include "orgs.h"
#include "plan.h"
#include "stats.h"
#include "store.h"
#include "transcript.h"

static int cmd_keygen(struct admin *a, int argc, char **argv)
{
    (void)a;
    if (argc != 3 || strcmp(argv[1], "--out") != 0)
        return admin_usage();
    /* before the passphrase and the slow key derivation: a directory that
     * cannot take the files says so at once, with the system's reason */
    int bad = admin_dir_writable(argv[2]);
    if (bad)
        return admin_fail(1, "cannot write the key pair into %s: %s", argv[2], strerror(bad));
    char *pass = admin_read_secret();
    if (!pass || strlen(pass) < 8) {
        if (pass)
            sodium_free(pass);
        return admin_fail(1, "%s", "a passphrase of at least 8 characters is needed on stdin");
    }
    errno = 0;
    int rc = transcript_keygen(argv[2], pass);
    int why = errno;
    sodium_free(pass);
    if (rc == CHAT_ERR_EXISTS)
        return admin_fail(1, "%s/transcript.pub or transcript.key exists; not overwritten",
                          argv[2]);
    if (rc != 0)
        return admin_fail(1, "cannot write the key pair into %s: %s", argv[2],
                          why ? strerror(why) : chat_err_message(rc));
    printf("wrote %s/transcript.pub and %s/transcript.key\n", argv[2], argv[2]);
    return 0;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > STORE_NAME_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr("._-", *s)))
            return 0;
    return 1;
}

static int valid_alias(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > STORE_ALIAS_MAX)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* Reads a password from stdin and hashes it with argon2id into out. */
static int hash_password(char out[STORE_HASH_MAX + 1])
{
    char *pw = admin_read_secret();
    if (!pw || strlen(pw) < 8) {
        if (pw)
            sodium_free(pw);
        return admin_fail(1, "%s", "a password of at least 8 characters is needed on stdin");
    }
    int rc = auth_hash_password(out, pw);
    sodium_free(pw);
    return rc == 0 ? 0 : admin_fail(1, "%s", "out of memory while hashing the password");
}

/* The stored orgs of a new user: --org checked against the config, or the
 * default org (contract v3 §4); '*' only for an admin. */
static int user_orgs(struct admin *a, const char *orgs, int role, char out[STORE_ORGS_MAX + 1])
{
    char why[160];
    if (!orgs) {
        int d = orgs_default(a->cfg);
        if (d < 0)
            return admin_fail(EXIT_USAGE, "%s",
                              "the config has several orgs: say which with --org ID[,ID...]");
        snprintf(out, STORE_ORGS_MAX + 1, "%s", a->cfg->orgs[d].id);
        return 0;
    }
    if (orgs_all(orgs) && role != PROTO_ROLE_ADMIN)
        return admin_fail(EXIT_USAGE, "%s",
                          "--org '*' (the whole federation) is only for --role admin");
    if (orgs_normalize(a->cfg, orgs, out, STORE_ORGS_MAX + 1, why, sizeof(why)) != 0)
        return admin_fail(EXIT_USAGE, "bad --org: %s", why);
    return 0;
}

static int user_add(struct admin *a, int argc, char **argv)
{
    struct store_user u = {0};
    const char *role = NULL, *alias = NULL, *orgs = NULL;
    if (argc < 3 || !valid_name(argv[2]))
        return argc < 3
                   ? admin_usage()
                   : admin_fail(EXIT_USAGE, "bad user name \"%s\": use a-z 0-9 . _ -", argv[2]);
    for (int i = 3; i < argc; i += 2) {
        if (i + 1 >= argc)
            return admin_usage();
        if (strcmp(argv[i], "--role") == 0)
            role = argv[i + 1];
        else if (strcmp(argv[i], "--alias") == 0)
            alias = argv[i + 1];
        else if (strcmp(argv[i], "--org") == 0)
            orgs = argv[i + 1];
        else
            return admin_usage();
    }
    int r = role ? proto_staff_role_parse(role) : -1;
    if (r < 0)
        return admin_fail(EXIT_USAGE, "%s", "--role must be worker, coordinator or admin");
    if (alias && !valid_alias(alias))
        return admin_fail(EXIT_USAGE, "bad alias \"%s\": 1..64 printable bytes", alias);
    int bad = user_orgs(a, orgs, r, u.orgs);
    if (bad)
        return bad;
    snprintf(u.name, sizeof(u.name), "%s", argv[2]);
    u.role = (enum proto_staff_role)r;
    snprintf(u.alias, sizeof(u.alias), "%s", alias ? alias : argv[2]);
    int rc = hash_password(u.pwhash);
    if (rc == 0)
        rc = admin_open_store(a);
    if (rc != 0)
        return rc;
    rc = store_user_add(a->st, &u);
    if (rc == 0)
        rc = store_commit(a->st, NULL);
    sodium_memzero(u.pwhash, sizeof(u.pwhash));
    if (rc == CHAT_ERR_EXISTS)
        return admin_fail(1, "user \"%s\" exists", u.name);
    if (rc != 0)
        return admin_fail(1, "cannot write the database: %s", admin_why(a, rc));
    printf("added %s (%s, orgs %s)\n", u.name, proto_staff_role_name(u.role), u.orgs);
    return 0;
}

/* NAME ROLE ALIAS ORGS; a user made before orgs shows its default org. */
static void print_user(const struct store_user *u, void *arg)
{
    const struct config *cfg = arg;
    int d = orgs_default(cfg);
    const char *orgs = u->orgs[0] ? u->orgs : d >= 0 ? cfg->orgs[d].id : "-";
    printf("%s %s %s %s\n", u->name, proto_staff_role_name(u->role), u->alias, orgs);
}

static int cmd_user(struct admin *a, int argc, char **argv)
{
    if (argc < 2)
        return admin_usage();
    const char *sub = argv[1];
    if (strcmp(sub, "add") == 0)
        return user_add(a, argc, argv);
    if (strcmp(sub, "list") == 0) {
        if (argc != 2)
            return admin_usage();
        if (admin_open_store(a))
            return 1;
        int rc = store_user_each(a->st, print_user, a->cfg);
        return rc ? admin_fail(1, "cannot read the database: %s", admin_why(a, rc)) : 0;
    }
    if ((strcmp(sub, "del") != 0 && strcmp(sub, "passwd") != 0) || argc != 3)
        return admin_usage();
    int rc;
    char hash[STORE_HASH_MAX + 1];
    if (strcmp(sub, "passwd") == 0) {
        if ((rc = hash_password(hash)) != 0 || (rc = admin_open_store(a)) != 0)
            return rc;
        rc = store_user_passwd(a->st, argv[2], hash);
        sodium_memzero(hash, sizeof(hash));
    } else {
        if ((rc = admin_open_store(a)) != 0)
            return rc;
        rc = store_user_del(a->st, argv[2]);
    }
    if (rc == 0)
        rc = store_commit(a->st, NULL);
    if (rc == CHAT_ERR_NOT_FOUND)
        return admin_fail(1, "no user \"%s\"", argv[2]);
    if (rc != 0)
        return admin_fail(1, "cannot write the database: %s", admin_why(a, rc));
    printf("%s %s\n", strcmp(sub, "del") == 0 ? "deleted" : "changed the password of", argv[2]);
    return 0;
}

static void print_transcript(const struct store_transcript *t, void *arg)
{
    (void)arg;
    printf("%s %s %s %ld\n", t->chat, t->topic, t->day, t->count);
}

/* State of `transcript show`: the opened segment keys, the secret key, and
 * the seq expected next (to find gaps and reorderings). */
struct show {
    const char *chat;
    uint8_t pk[crypto_box_PUBLICKEYBYTES];
    uint8_t *sk;
    struct transcript_key **keys;
    int nkeys;
    int nbad;
    long next_seq;
    long next_whisper; /* whispers are numbered on their own */
    int nout_of_order;
};

static int show_seg(int segment, const uint8_t *sealed, size_t len, void *arg)
{
    struct show *sh = arg;
    if (segment < 0 || segment > 1000000 || len != TRANSCRIPT_SEALED_BYTES)
        return CHAT_ERR_CRYPTO;
    if (segment >= sh->nkeys) {
        /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
        struct transcript_key **n = realloc(sh->keys, sizeof(*n) * (size_t)(segment + 1));
        if (!n)
            return CHAT_ERR_NOMEM;
        for (int i = sh->nkeys; i <= segment; i++)
            n[i] = NULL;
        sh->keys = n;
        sh->nkeys = segment + 1;
    }
    sh->keys[segment] = transcript_key_open(sealed, sh->pk, sh->sk);
    return sh->keys[segment] ? 0 : CHAT_ERR_CRYPTO;
}

/* Prints text with backslash and control characters escaped, one line. */
static void print_escaped(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            fputs("\\n", stdout);
        else if (*s == '\\')
            fputs("\\\\", stdout);
        else if ((unsigned char)*s < 0x20)
            printf("\\x%02x", (unsigned char)*s);
        else
            putchar(*s);
    }
}

/* Says on stderr where the seqs of a transcript (of its messages, or of its
 * whispers) do not follow 1, 2, 3, ... */
static void check_seq(struct show *sh, long seq, bool whisper)
{
    long *next = whisper ? &sh->next_whisper : &sh->next_seq;
    const char *what = whisper ? "whispers" : "messages", *one = whisper ? "whisper" : "message";
    if (seq == *next) {
        (*next)++;
        return;
    }
    sh->nout_of_order++;
    if (seq > *next)
        fprintf(stderr, "chatadmin: gap: %s %ld..%ld are missing\n", what, *next, seq - 1);
    else
        fprintf(stderr, "chatadmin: out of order: %s %ld after %ld\n", one, seq, *next - 1);
    *next = seq + 1;
}

static int show_msg(int segment, long seq, const uint8_t *nonce, size_t noncelen, const uint8_t *ct,
                    size_t ctlen, void *arg)
{
    struct show *sh = arg;
    char *plain;
    size_t len;
    if (segment < 0 || segment >= sh->nkeys || !sh->keys[segment] ||
        noncelen != TRANSCRIPT_NONCE_BYTES ||
        transcript_open_msg(sh->keys[segment], sh->chat, segment, (int64_t)seq, nonce, ct, ctlen,
                            &plain, &len)) {
        sh->nbad++;
        return 0;
    }
    json_t *m = json_loadb(plain, len, 0, NULL);
    sodium_memzero(plain, len);
    free(plain);
    const char *from = json_string_value(json_object_get(m, "from"));
    const char *ts = json_string_value(json_object_get(m, "ts"));
    const char *text = json_string_value(json_object_get(m, "text"));
    long inner = (long)json_integer_value(json_object_get(m, "seq"));
    bool whisper = seq < 0;
    if (!from || !ts || !text || (seq && inner != (whisper ? -seq : seq)) ||
        whisper != (strcmp(from, "supervisor") == 0)) {
        sh->nbad++;
    } else {
        check_seq(sh, inner, whisper);
        printf("%ld %s %s: ", inner, ts, from);
        print_escaped(text);
        putchar('\n');
    }
    json_decref(m);
    return 0;
}

static int transcript_show(struct admin *a, int argc, char **argv)
{
    if (argc != 5 || strcmp(argv[3], "--key") != 0)
        return admin_usage();
    struct show sh = {.chat = argv[2], .next_seq = 1, .next_whisper = 1};
    char *pass = admin_read_secret();
    if (!pass)
        return admin_fail(1, "%s", "the passphrase is needed on stdin");
    sh.sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
    errno = 0;
    int rc = sh.sk ? transcript_load_secret(argv[4], pass, sh.sk, sh.pk) : CHAT_ERR_NOMEM;
    int why = errno;
    sodium_free(pass);
    if (rc == CHAT_ERR_IO)
        rc = admin_fail(1, "cannot read the key file %s: %s", argv[4],
                        why ? strerror(why) : "it is empty");
    else if (rc == CHAT_ERR_NOMEM)
        rc = admin_fail(1, "%s", "out of memory");
    else if (rc != 0)
        rc = admin_fail(1, "%s", "the passphrase does not open the key file");
    else if ((rc = admin_open_store(a)) == 0) {
        rc = store_transcript_read(a->st, sh.chat, show_seg, show_msg, &sh);
        if (rc == CHAT_ERR_NOT_FOUND)
            rc = admin_fail(1, "no transcript \"%s\"", sh.chat);
        else if (rc == CHAT_ERR_CRYPTO)
            rc = admin_fail(1, "%s",
                            "this key does not open the transcript (made with another key pair?)");
        else if (rc != 0)
            rc = admin_fail(1, "cannot read the database: %s", admin_why(a, rc));
        else if (sh.nbad)
            rc = admin_fail(1, "%s", "some messages did not decrypt: the transcript was altered");
        else if (sh.nout_of_order)
            rc = admin_fail(1, "%s",
                            "messages are missing or out of order: the transcript was altered");
    }
    for (int i = 0; i < sh.nkeys; i++)
        transcript_key_free(sh.keys[i]);
    free(sh.keys);
    if (sh.sk)
        sodium_free(sh.sk);
    return rc;
}

/* The local date retention_days before now, YYYY-MM-DD. */
static void retention_day(const struct config *cfg, time_t now, char day[16])
{
    time_t t = now - (time_t)cfg->retention_days * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(day, 16, "%Y-%m-%d", &tm);
}

static int cmd_transcript(struct admin *a, int argc, char **argv)
{
    if (argc < 2)
        return admin_usage();
    if (strcmp(argv[1], "show") == 0)
        return transcript_show(a, argc, argv);
    if (argc != 2)
        return admin_usage();
    if (admin_open_store(a))
        return 1;
    if (strcmp(argv[1], "list") == 0) {
        int rc = store_transcript_each(a->st, print_transcript, NULL);
        return rc ? admin_fail(1, "cannot read the database: %s", admin_why(a, rc)) : 0;
    }
    if (strcmp(argv[1], "purge") == 0) {
        char day[16];
        long n = 0;
        struct store_counts step = {0};
        int rc;
        retention_day(a->cfg, time(NULL), day);
        do { /* short transactions: chatd's commits are never held up long */
            rc = store_transcript_purge(a->st, day);
            if (rc == 0)
                rc = store_commit(a->st, &step);
            n += step.transcripts_purged;
        } while (rc == 0 && step.transcripts_purged >= STORE_PURGE_BATCH);
        if (rc == 0)
            rc = store_reclaim(a->st);
        if (rc != 0)
            return admin_fail(1, "cannot purge transcripts: %s", admin_why(a, rc));
        printf("deleted %ld transcripts from before %s\n", n, day);
        return 0;
    }
    return admin_usage();
}

static int cmd_backup(struct admin *a, int argc, char **argv)
{
    if (argc != 2)
        return admin_usage();
    if (access(argv[1], F_OK) == 0)
        return admin_fail(1, "%s exists; not overwritten", argv[1]);
    if (admin_open_store(a))
        return 1;
    int rc = store_backup(a->st, argv[1]);
    if (rc != 0)
        return admin_fail(1, "cannot write the backup %s: %s", argv[1], admin_why(a, rc));
    printf("backed up the database to %s\n", argv[1]);
    return 0;
}

int main(int argc, char **argv)
{
    struct admin a = {0};
    const char *cfgpath = NULL;
    int rc;

    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        admin_print_usage(stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--config") == 0) {
        if (argc < 3)
            return admin_usage();
        cfgpath = argv[2];
        argc -= 3;
        argv += 3;
    } else {
        argc -= 1;
        argv += 1;
    }
    if (argc < 1)
        return admin_usage();
    if (!cfgpath && strcmp(argv[0], "plan") == 0 && !stats_cmd_plan_reads_db(argc, argv))
        return stats_cmd_plan(NULL, argc, argv); /* the calculator reads no config */
    if (!cfgpath) {
        if (access(ADMIN_DEFAULT_CONFIG, F_OK) != 0) {
            admin_fail(EXIT_USAGE, "no --config FILE given, and %s does not exist",
                       ADMIN_DEFAULT_CONFIG);
            return admin_usage();
        }
        cfgpath = ADMIN_DEFAULT_CONFIG;
    }
    if (sodium_init() < 0)
        return admin_fail(1, "%s", "libsodium failed to start");
    if (config_load(cfgpath, 0, &a.cfg, stderr) != 0)
        return 1;
    setenv("TZ", a.cfg->timezone, 1);
    tzset();
    if (strcmp(argv[0], "keygen") == 0)
        rc = cmd_keygen(&a, argc, argv);
    else if (strcmp(argv[0], "user") == 0)
        rc = cmd_user(&a, argc, argv);
    else if (strcmp(argv[0], "transcript") == 0)
        rc = cmd_transcript(&a, argc, argv);
    else if (strcmp(argv[0], "stats") == 0)
        rc = stats_cmd_stats(&a, argc, argv);
    else if (strcmp(argv[0], "hours") == 0)
        rc = hours_cmd(&a, argc, argv);
    else if (strcmp(argv[0], "letters") == 0)
        rc = letters_cmd(&a, argc, argv);
    else if (strcmp(argv[0], "backup") == 0)
        rc = cmd_backup(&a, argc, argv);
    else if (strcmp(argv[0], "plan") == 0)
        rc = stats_cmd_plan(&a, argc, argv);
    else if (strcmp(argv[0], "rota") == 0)
        rc = rota_cmd(&a, argc, argv);
    else
        rc = admin_usage();
    store_close(a.st);
    config_free(a.cfg);
    /* what was printed reached its file (a full disk, a closed pipe) */
    if (fflush(stdout) != 0 || ferror(stdout))
        return rc ? rc : admin_fail(1, "cannot write the output: %s", strerror(errno));
    return rc;
}
