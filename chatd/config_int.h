/*
 * config_int: the config parser's inside, shared by config.c (reading,
 * sections, checks) and config_value.c (one value of a key), nothing else.
 */
#ifndef CONFIG_INT_H
#define CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

#define ZONEINFO "/usr/share/zoneinfo/"
#define KEYS_MAX 32 /* keys of one section that struct seen tracks */
#define SECTION_NAME_MAX 64
#define KEY_MAX 64

enum section_kind {
    SEC_NONE,
    SEC_SERVER,
    SEC_TOPIC,
    SEC_CANNED,
    SEC_QUESTION,
    SEC_CATEGORIES,
    SEC_HELP,
    SEC_ORG,
    SEC_SKIP
};

enum value_kind {
    V_TEXT,     /* a non-empty string */
    V_OPTIONAL, /* a string, may be empty */
    V_INT,      /* strict decimal in lo..hi */
    V_TIMEZONE, /* a zone file under ZONEINFO */
    V_ALLOWED,  /* allowed_origins: comma list of origins, may be empty */
    V_PUBLIC,   /* public_origins: `*` or a comma list of origins */
    V_AUDIENCE,
    V_MODE,
    V_SCHEDULE, /* handed to a schedule_parse_* function */
    V_PROXY,    /* trusted_proxy: empty, or an IPv4 or IPv6 address */
    V_ONOFF,    /* on or off, into a bool */
};

typedef int (*schedule_fn)(struct schedule *, const char *, char *, size_t);

/* One key of a section: where its value goes and how it is read. */
struct key_spec {
    const char *name;
    enum value_kind kind;
    size_t offset, size; /* field in struct config or struct config_topic */
    int lo, hi;          /* V_INT */
    schedule_fn parse;   /* V_SCHEDULE */
};

/* Designated initializer parts: a field of struct config / config_topic. */
#define IN_CONFIG(f) .offset = offsetof(struct config, f), .size = sizeof(((struct config *)0)->f)
#define IN_TOPIC(f)                                                                                \
    .offset = offsetof(struct config_topic, f), .size = sizeof(((struct config_topic *)0)->f)

#define IN_ORG(f)                                                                                  \
    .offset = offsetof(struct config_org, f), .size = sizeof(((struct config_org *)0)->f)

/* What one section had: lines are 0 when absent. */
struct seen {
    int line; /* of the header */
    int key_line[KEYS_MAX];
    unsigned bad; /* bit per key whose value was refused */
};

/* What one [question ID] had, for the checks at the end (lines 0 = absent). */
struct question_seen {
    int line;
    int text_line[LANG_COUNT], label_line[LANG_COUNT];
    int nlabels[LANG_COUNT]; /* -1 when the list was refused */
    int answers_line, urgent_line, topics_line;
    char urgent[CONFIG_MAX_ANSWERS * (CONFIG_ID_MAX + 2)];
    char topics[CONFIG_MAX_TOPICS * (CONFIG_TOPIC_ID_MAX + 2)];
};

/* Parser state while one text is read. */
struct parse {
    const char *name; /* for messages */
    const char *pos;  /* reader: next unread byte */
    int line;         /* line last handed to inih: the line of the handler's key */
    bool use_long;    /* the handler takes its value from long_value */
    char long_value[CONFIG_LINE_MAX + 1];

    enum section_kind kind; /* of the section being read */
    char where[SECTION_NAME_MAX + 1];
    struct config_topic *topic; /* when kind == SEC_TOPIC */
    struct seen *seen;          /* of the section being read */
    struct seen server, canned, categories, help, topics[CONFIG_MAX_TOPICS];
    int canned_lang_line[CONFIG_MAX_CANNED_LANGS]; /* the header of each [canned LANG] */
    struct config_canned *canned_lang;             /* when kind == SEC_CANNED: NULL for [canned] */
    struct config_question *question;              /* when kind == SEC_QUESTION */
    struct question_seen questions[CONFIG_MAX_QUESTIONS];
    int topic_org_key;      /* index of `org` among the topic keys */
    struct config_org *org; /* when kind == SEC_ORG */
    struct seen orgs[CONFIG_MAX_ORGS];
    int overflow_line[CONFIG_MAX_ORGS]; /* of each org's overflow_to, 0 = none */
    char overflow[CONFIG_MAX_ORGS][CONFIG_MAX_ORGS * (CONFIG_ORG_ID_MAX + 2)];

    struct config *cfg;
    FILE *errs;
    int nerrors;
};

/* Prints `NAME:LINE: message` (line 0: line 1), counts it; false, for
 * `return config_report(...)`. */
bool config_report(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The size of a list item: a label's, so items copy whole. */
#define CONFIG_LIST_ITEM_MAX (CONFIG_LABEL_MAX + 1)

/* Splits list v of key on sep into trimmed items; their count, or -1
 * (reported on line) when an item is empty or too long, or there are more
 * than max. An empty value is an empty list. */
int config_split(struct parse *p, int line, const char *key, const char *v, char sep,
                 char items[][CONFIG_LIST_ITEM_MAX], int max);

/* Copies text v of key into dst (size bytes with the NUL); false (after
 * reporting) when it is empty and must not be, or too long. */
bool config_copy_text(struct parse *p, const char *key, const char *v, char *dst, size_t size,
                      bool may_be_empty);

/* A key of a section with a key table ([server], [topic ID], [org ID]):
 * known, not repeated, then applied to base. */
void config_section_value(struct parse *p, const struct key_spec *keys, int nkeys, char *base,
                          const char *key, const char *v);

/* [question ID], [categories] (config_choices.c). */
void config_question_begin(struct parse *p, const char *id);
void config_question_value(struct parse *p, const char *key, const char *v);
void config_category_value(struct parse *p, const char *key, const char *v);
/* Once the whole text is read: what questions refer to, and the default
 * categories when there is no [categories]. */
void config_check_choices(struct parse *p);

/* [org ID] (config_orgs.c). */
void config_org_begin(struct parse *p, const char *id);
void config_org_value(struct parse *p, const char *key, const char *v);
/* Once the whole text is read: the implicit org "main" when there is no
 * [org], each topic's org, overflow_to, and the keys' defaults. Before
 * config_check_letters, which reads each org's letters files. */
void config_check_orgs(struct parse *p);
/* The line of key in [org] number org, or of its header when absent (or
 * implicit: 0). */
int config_org_line(const struct parse *p, int org, const char *key);

/* Once the whole text is read: a topic with letters needs its org's
 * letters keys; with read_files (chatd) the files of [server] and of each
 * org are read and checked (config_letters.c). */
void config_check_letters(struct parse *p, int pub_line, int key_line, bool read_files);

/* Stores value v of key k under base (the struct config, or the topic being
 * read); false (after reporting) when v is not valid for k. */
bool config_apply(struct parse *p, const struct key_spec *k, char *base, const char *v);

#endif
