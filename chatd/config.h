/*
 * config: the daemon's configuration, parsed once into an immutable struct.
 *
 * The INI file (contract §2) is read with libinih. Every problem is reported
 * as `FILE:LINE: message` to the given stream, all of them, not only the
 * first; a config with any problem is refused as a whole. After config_load()
 * succeeds nothing in struct config changes until config_free(). The text
 * must be UTF-8 without control characters (tab aside); `;` starts a comment
 * at the start of a line or after whitespace; lines may be indented.
 *
 * LINE is that of the key or section header at fault. A problem about
 * something missing (no topic, a topic without `hours`, tls_cert without
 * tls_key, the default transcript_key file) is reported on the header of the
 * section it belongs in ([server] or the topic's), or on line 1 when there is
 * no such section. Problems with the file as a whole are on line 1; checks of
 * a key made once the whole file is read (is tls_cert readable?) use its line.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "schedule.h"

#define CONFIG_MAX_TOPICS 32
#define CONFIG_AUTH_THREADS_MAX 16 /* verifier threads at most (auth.h: AUTH_THREADS_MAX) */
#define CONFIG_MAX_ORIGINS 16
#define CONFIG_MAX_CANNED 32
#define CONFIG_TOPIC_ID_MAX 32 /* [a-z0-9_-]{1,32} */
#define CONFIG_TITLE_MAX 128
#define CONFIG_ORIGIN_MAX 256
#define CONFIG_CANNED_MAX 500
#define CONFIG_MAX_CANNED_LANGS 16 /* [canned LANG] sections */
#define CONFIG_LANG_MAX 15         /* bytes of a language code (PROTO_LANG_MAX) */
#define CONFIG_TOKEN_MAX 128
#define CONFIG_MAX_QUESTIONS 16
#define CONFIG_MAX_ANSWERS 8
#define CONFIG_MAX_CATEGORIES 32
#define CONFIG_ID_MAX 32                /* question, answer and category ids: [a-z0-9_]{1,32} */
#define CONFIG_TEXT_MAX 300             /* a question's text in one language */
#define CONFIG_LABEL_MAX 100            /* an answer's or category's label in one language */
#define CONFIG_FILE_MAX (1 << 20)       /* bytes; a larger config file is refused */
#define CONFIG_LINE_MAX 8192            /* bytes per line, beyond inih's own 200 */
#define CONFIG_HELP_MAX 1000            /* characters of a [help] text in one language */
#define CONFIG_LETTERS_PUB_CHARS 43     /* base64url of a raw X25519 public key */
#define CONFIG_LETTERS_WRAPPED_MAX 1024 /* the wrapped letters key's JSON */
#define CONFIG_MAX_ORGS 32              /* [org ID] sections (contract v3 §4) */
#define CONFIG_ORG_ID_MAX 32            /* [a-z0-9_]{1,32} */
#define CONFIG_ORG_NAME_MAX 128
#define CONFIG_DEFAULT_ORG "main" /* the implicit org without [org] sections */

enum config_lang { LANG_FI, LANG_SV, LANG_EN, LANG_COUNT };
enum config_audience { AUDIENCE_YOUNG, AUDIENCE_PARENT, AUDIENCE_ANY };
enum config_mode { MODE_AUTO, MODE_PICK };

struct config_topic {
    char id[CONFIG_TOPIC_ID_MAX + 1];
    char title[LANG_COUNT][CONFIG_TITLE_MAX + 1]; /* default: the id */
    enum config_audience audience;                /* default any */
    struct schedule schedule;                     /* default: never open */
    int queue_max;                                /* default 20, 1..100000 */
    int join_cutoff_min;                          /* default 0, 0..1440 */
    enum config_mode mode;                        /* default auto */
    /* additions of contract v2 */
    int urgent_after_s;  /* default 900, 0..86400: a wait this long ranks as urgent; 0 = never */
    int lang_fallback_s; /* default 120, 0..86400: then any worker, not only one who speaks
                          * the visitor's language; 0 = language is not looked at */
    int first_reply_s;   /* default 180, 0..86400: no first reply this long alerts; 0 = off */
    int wrapup_s;        /* default 120, 0..3600: a chat's slot is held for its wrap-up; 0 = none */
    /* contract v3 §3: visitors may write letters to it in any state */
    bool letters;    /* default off */
    int letter_days; /* default 5, 1..60: the answer promised within this many days */
    /* contract v3 §4: the org the topic belongs to, an index of cfg->orgs;
     * org_id as written ("": the only org) */
    int org;
    char org_id[CONFIG_ORG_ID_MAX + 1];
};

/* A member organisation ([org ID], contract v3 §4). Without any [org]
 * section the config has one, the implicit org "main", with the server's
 * keys. Key files left out default to [server]'s. */
struct config_org {
    char id[CONFIG_ORG_ID_MAX + 1];
    char name[LANG_COUNT][CONFIG_ORG_NAME_MAX + 1]; /* name_fi/_sv/_en; default: the id */
    char transcript_key[PATH_MAX];                  /* default: [server] transcript_key */
    char letters_pub_file[PATH_MAX];                /* default: [server] letters_pub */
    char letters_key_file[PATH_MAX];                /* default: [server] letters_key */
    char letters_pub[CONFIG_LETTERS_PUB_CHARS + 1]; /* the files' text, as for [server] */
    char letters_wrapped[CONFIG_LETTERS_WRAPPED_MAX + 1];
    int noverflow;
    int overflow_to[CONFIG_MAX_ORGS]; /* indices of cfg->orgs, in the order written */
    int overflow_after_s;             /* default 120, 0..86400 */
};

/* One answer of a pre-chat question. */
struct config_answer {
    char id[CONFIG_ID_MAX + 1];
    char label[LANG_COUNT][CONFIG_LABEL_MAX + 1];
    bool urgent; /* giving it makes the visitor urgent */
};

/* A pre-chat question ([question ID], contract v2 §2); always optional to answer. */
struct config_question {
    char id[CONFIG_ID_MAX + 1];
    char text[LANG_COUNT][CONFIG_TEXT_MAX + 1];
    int nanswers; /* 1..CONFIG_MAX_ANSWERS */
    struct config_answer answers[CONFIG_MAX_ANSWERS];
    uint32_t topics; /* bit i: asked in cfg->topics[i] (default: every topic) */
};

/* One language's canned replies ([canned LANG], contract v3 §2). */
struct config_canned {
    char lang[CONFIG_LANG_MAX + 1];
    size_t n;
    char text[CONFIG_MAX_CANNED][CONFIG_CANNED_MAX + 1];
};

/* A contact category for the wrap-up ([categories], contract v2 §4). */
struct config_category {
    char id[CONFIG_ID_MAX + 1];
    char label[LANG_COUNT][CONFIG_LABEL_MAX + 1];
};

struct config {
    char path[PATH_MAX];
    char listen_host[256];         /* default 127.0.0.1 */
    int listen_port;               /* default 8080; 0..65535, 0 = pick a free port */
    char data_dir[PATH_MAX];       /* default ./var */
    char web_root[PATH_MAX];       /* default ./chatd/web */
    char timezone[128];            /* default Europe/Helsinki; must exist in /usr/share/zoneinfo */
    char transcript_key[PATH_MAX]; /* default ./var/transcript.pub */
    int retention_days;            /* default 30, 1..3650 */
    int resume_grace_s;            /* default 120, 0..86400 */
    int max_message_bytes;         /* default 16384, 256..1048576 */
    int max_conns_per_source;      /* default 256, 0 = no cap */
    int auth_threads;        /* default 2, 1..CONFIG_AUTH_THREADS_MAX: password checks at once */
    int handshake_timeout_s; /* default 20, 1..300: HTTP request and upgrade */
    int ping_interval_s;     /* default 30, 1..3600: ping a connection quiet this long */
    int idle_timeout_s;      /* default 75, 2..7200, > ping_interval_s: then hang up */
    int msg_rate_per_s;      /* default 5: msg requests a second per connection... */
    int msg_burst;           /* default 30: ...with this many at once */
    size_t nallowed_origins; /* default one: http://localhost:8080 */
    char allowed_origins[CONFIG_MAX_ORIGINS][CONFIG_ORIGIN_MAX + 1];
    bool public_any; /* public_origins = * (the default) */
    size_t npublic_origins;
    char public_origins[CONFIG_MAX_ORIGINS][CONFIG_ORIGIN_MAX + 1];
    char tls_cert[PATH_MAX]; /* both empty, or both set and readable */
    char tls_key[PATH_MAX];
    /* trusted_proxy (an addition; default none): connections from this
     * address count under the last address of their X-Forwarded-For header,
     * for max_conns_per_source and login throttling. len 0 = none, 4 = IPv4,
     * 16 = IPv6. */
    unsigned char trusted_proxy[16];
    int trusted_proxy_len;
    /* metrics_token (an addition; default none): GET /metrics then needs
     * "Authorization: Bearer TOKEN"; at least 16 characters */
    char metrics_token[CONFIG_TOKEN_MAX + 1];
    size_t ncanned; /* [canned] reply = TEXT, repeated; an addition to the contract */
    char canned[CONFIG_MAX_CANNED][CONFIG_CANNED_MAX + 1];
    /* [canned LANG] sections (contract v3 §2), in file order: a chat in LANG
     * is offered these; a language without a section, the [canned] list */
    size_t ncanned_langs;
    struct config_canned canned_langs[CONFIG_MAX_CANNED_LANGS];
    size_t ntopics; /* at least one topic is required */
    struct config_topic topics[CONFIG_MAX_TOPICS];
    size_t nquestions; /* [question ID] sections, in file order */
    struct config_question questions[CONFIG_MAX_QUESTIONS];
    size_t ncategories; /* [categories]; without the section the default set of config.c */
    struct config_category categories[CONFIG_MAX_CATEGORIES];
    /* [help] text_fi, text_sv, text_en (contract v3 §1): other help, such as
     * emergency numbers, sent in the visitor's welcome; "" when not given.
     * At most CONFIG_HELP_MAX characters (UTF-8, so 4 bytes each at most). */
    char help[LANG_COUNT][4 * CONFIG_HELP_MAX + 1];
    /* Letters (contract v3 §3): the files named by letters_pub and
     * letters_key, read once when the config is loaded (so a reload reads
     * them again). letters_pub: the public key, base64url of 32 bytes
     * (CONFIG_LETTERS_PUB_CHARS); letters_wrapped: the wrapped private key
     * as compact JSON {"salt","iv","ct"}, which chatd serves to workers but
     * cannot open. Both "" unless set; required once a topic has letters. */
    char letters_pub_file[PATH_MAX];
    char letters_key_file[PATH_MAX];
    char letters_pub[CONFIG_LETTERS_PUB_CHARS + 1];
    char letters_wrapped[CONFIG_LETTERS_WRAPPED_MAX + 1];
    int letter_retention_days; /* default 30, 1..3650 */
    bool letters_on;           /* some topic has letters = on */
    /* [org ID] sections in file order, or the one implicit org "main" */
    size_t norgs; /* at least 1 */
    struct config_org orgs[CONFIG_MAX_ORGS];
    bool orgs_declared; /* the file has [org] sections */
};

/* Flags for config_load(). */
#define CONFIG_REQUIRE_KEY 1 /* transcript_key must name an existing, readable file */

/* Reads and validates path. On success *out is a new config owned by the
 * caller (config_free); on any problem every one is printed to errs as
 * `FILE:LINE: message` and CHAT_ERR_BAD_REQUEST (or CHAT_ERR_IO when the file
 * cannot be read) is returned. */
int config_load(const char *path, int flags, struct config **out, FILE *errs);

/* As config_load, from text in memory; name is used in messages. */
int config_load_text(const char *name, const char *text, int flags, struct config **out,
                     FILE *errs);

void config_free(struct config *cfg);

/* The topic with id, or NULL. */
const struct config_topic *config_topic(const struct config *cfg, const char *id);

/* Index of topic id in cfg->topics, or -1. */
int config_topic_index(const struct config *cfg, const char *id);

/* Index of org id in cfg->orgs, or -1. */
int config_org_index(const struct config *cfg, const char *id);

/* The topics of org: bit i = cfg->topics[i]. */
uint32_t config_org_topics(const struct config *cfg, int org);

/* Index of question id in cfg->questions, and of answer aid in it, or -1. */
int config_question_index(const struct config *cfg, const char *id);
int config_answer_index(const struct config_question *q, const char *aid);

/* Index of category id in cfg->categories, or -1. */
int config_category_index(const struct config *cfg, const char *id);

/* The canned replies of a chat in lang (NULL: not known): its [canned
 * LANG] list, or the [canned] list; *n gets the count. */
const char (*config_canned_for(const struct config *cfg, const char *lang,
                               size_t *n))[CONFIG_CANNED_MAX + 1];

/* True when origin (exact match) is allowed for worker.v1. */
bool config_worker_origin_ok(const struct config *cfg, const char *origin);

/* True when origin is allowed for visitor.v1 / status.v1 / CORS. */
bool config_public_origin_ok(const struct config *cfg, const char *origin);

#endif
