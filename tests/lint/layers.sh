#!/usr/bin/env bash
# layers.sh OBJ...: the object files' "uses a symbol of" graph, sorted with
# tsort; fails when it has a cycle (some unit calls back up into one that
# calls it). Prints the order, each unit after everything it uses.
#   tests/lint/layers.sh build/CMakeFiles/chatcore.dir/chatd/*.o ...
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: layers.sh OBJ..." >&2; exit 2; }
defs=$(mktemp)
trap 'rm -f "$defs"' EXIT
for o in "$@"; do
    n=$(basename "$o" .o)
    n=${n%.c}
    nm --defined-only "$o" | awk -v n="$n" '$2 ~ /[TDBR]/ {print $3, n}'
done | sort -u >"$defs"
edges=$(for o in "$@"; do
    n=$(basename "$o" .o)
    n=${n%.c}
    echo "$n $n"
    nm -u "$o" | awk '{print $2}' | sort -u | join - "$defs" | awk -v n="$n" '$2 != n {print $2, n}'
done | sort -u)
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
