#!/usr/bin/env bash
# tidy.sh CLANG-TIDY BUILD FILE...: clang-tidy with .clang-tidy's checks (any
# finding is an error) over each FILE, with BUILD's compile database; exits 1
# when any file has a finding. Nearly all of its time is the static analyzer.
#
# A file that passed is remembered in BUILD/tidy-passed/ under a hash of what
# its result depends on: clang-tidy's version, .clang-tidy, the compile
# database, the project's headers (chatd/, protocol/, admin/) and the file
# itself. A run in the same build tree checks again only what changed since
# (a fresh clone, as in CI, checks everything); a finding is never
# remembered, so it fails every run until fixed. System headers are not in
# the hash: after upgrading a library's -dev package, rm -r BUILD/tidy-passed.
set -euo pipefail

tidy="$1"
build="$2"
shift 2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
passed="$build/tidy-passed"
mkdir -p "$passed"

common="$(
    {
        "$tidy" --version
        cat "$root/.clang-tidy" "$build/compile_commands.json"
        cat "$root"/chatd/*.h "$root"/protocol/*.h "$root"/admin/*.h
    } | sha256sum | cut -d' ' -f1
)"

rc=0
for f in "$@"; do
    key="$({ printf '%s %s\n' "$common" "$f" && cat "$f"; } | sha256sum | cut -d' ' -f1)"
    [ -e "$passed/$key" ] && continue
    if "$tidy" -p "$build" --quiet "$f"; then
        : >"$passed/$key"
    else
        rc=1
    fi
done
exit "$rc"
