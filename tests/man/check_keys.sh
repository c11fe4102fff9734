#!/usr/bin/env bash
# check_keys.sh: every config key must have its own entry in chatd.ini(5).
# ctest "man-keys". The keys come from config/chatd.example.ini (every
# `key = value` line) and from chatd/config.c's key tables; an entry is a
# `.It Ic key` line of doc/chatd.ini.5 (`.It Ic a , b` names two). A key added
# to the example or the parser without a man page entry fails this test.
#
#   tests/man/check_keys.sh [ROOT]
set -euo pipefail

ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
EXAMPLE="$ROOT/config/chatd.example.ini"
PARSER="$ROOT/chatd/config.c"
PAGE="$ROOT/doc/chatd.ini.5"

fail() {
    printf 'man-keys: %s\n' "$*" >&2
    exit 1
}

for f in "$EXAMPLE" "$PARSER" "$PAGE"; do
    [ -r "$f" ] || fail "cannot read $f"
done

example_keys="$(sed -n 's/^[[:space:]]*\([a-z_][a-z0-9_]*\)[[:space:]]*=.*/\1/p' "$EXAMPLE" | sort -u)"
# {"listen_host", V_TEXT, ...} and {.name = "audience", ...}; canned_value()'s "reply".
parser_keys="$( (
    sed -n 's/^[[:space:]]*{"\([a-z_][a-z0-9_]*\)", V_.*/\1/p; s/^[[:space:]]*{\.name = "\([a-z_][a-z0-9_]*\)".*/\1/p' "$PARSER" "$ROOT/chatd/config_orgs.c"
    sed -n 's/.*strcmp(key, "\([a-z_][a-z0-9_]*\)").*/\1/p' "$ROOT/chatd/config_orgs.c"
    sed -n 's/.*strcmp(key, "\([a-z_][a-z0-9_]*\)").*/\1/p' "$PARSER"
) | sort -u)"
# .It Ic title_fi , title_sv , title_en Pq ...  ->  title_fi title_sv title_en
page_keys="$(sed -n 's/^\.It Ic \(.*\)/\1/p' "$PAGE" | sed 's/ Pq .*//' | tr -s ', ' '\n' |
    grep -E '^[a-z_][a-z0-9_]*$' | sort -u)"

# A broken extraction must not pass as "nothing missing".
n_example=$(printf '%s\n' "$example_keys" | grep -c .)
n_parser=$(printf '%s\n' "$parser_keys" | grep -c .)
[ "$n_example" -ge 20 ] || fail "found only $n_example keys in $EXAMPLE; is the extraction broken?"
[ "$n_parser" -ge 20 ] || fail "found only $n_parser keys in $PARSER; is the extraction broken?"

missing=0
while read -r key; do
    if ! grep -qx -- "$key" <<<"$page_keys"; then
        where=""
        grep -qx -- "$key" <<<"$example_keys" && where="$EXAMPLE"
        grep -qx -- "$key" <<<"$parser_keys" && where="${where:+$where and }$PARSER"
        printf 'man-keys: %s: key "%s" (from %s) has no ".It Ic %s" entry\n' "$PAGE" "$key" "$where" "$key" >&2
        missing=$((missing + 1))
    fi
done < <(printf '%s\n%s\n' "$example_keys" "$parser_keys" | sort -u)

for section in '[server]' '[topic' '[canned]'; do
    grep -qF -- "$section" "$PAGE" || {
        printf 'man-keys: %s does not describe the section %s\n' "$PAGE" "$section" >&2
        missing=$((missing + 1))
    }
done

[ "$missing" -eq 0 ] || fail "$missing missing from $PAGE"
printf 'man-keys: all %d keys of the example and the parser are in %s\n' \
    "$(printf '%s\n%s\n' "$example_keys" "$parser_keys" | sort -u | grep -c .)" "$PAGE"
