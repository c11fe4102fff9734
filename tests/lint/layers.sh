#!/usr/bin/env bash
# layers.sh OBJ...: the object files' "uses a symbol of" graph, sorted with
# tsort; fails when it has a cycle (some unit calls back up into one that
# calls it). Prints the order, each unit after everything it uses.
#   tests/lint/layers.sh build/CMakeFiles/chatcore.dir/chatd/*.o ...
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: layers.sh OBJ..." >&2; exit 2; }
defs=$(mktemp)
trap 'rm -f "$defs"' EXIT
# One nm over all the objects for each list (-A: every line starts with its
# file); the unit is the file's name without .c.o.
unit='function unit(f) { sub(/:.*/, "", f); sub(/.*\//, "", f); sub(/\.o$/, "", f); sub(/\.c$/, "", f); return f }'
nm -A --defined-only "$@" | awk "$unit"' $2 ~ /^[TDBR]$/ {print $3, unit($1)}' | sort -u >"$defs"
edges=$({
    printf '%s\n' "$@" | awk "$unit"' {print unit($0), unit($0)}'
    # a symbol a unit uses, joined with the unit that defines it: "symbol user definer"
    nm -A -u "$@" | awk "$unit"' {print $NF, unit($1)}' | sort -u | join - "$defs" | awk '$3 != $2 {print $3, $2}'
} | sort -u)
if ! order=$(printf '%s\n' "$edges" | tsort 2>&1); then
    printf '%s\n' "$order" >&2
    echo "layers.sh: the units above form a cycle" >&2
    exit 1
fi
if grep -q '^tsort:' <<<"$order"; then
    printf '%s\n' "$order" >&2
    echo "layers.sh: the units above form a cycle" >&2
    exit 1
fi
printf '%s\n' "$order" | tr '\n' ' '
echo
