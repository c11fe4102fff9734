#!/usr/bin/env bash
# run.sh: install what the tests need, build (normal and sanitizer), run all.
#
#   tests/run.sh           everything: build/ and build-asan/ (ASan + UBSan)
#   tests/run.sh --quick   only the normal build
#
# Works as root on a fresh Debian 12 and when run again (only missing
# packages are installed, builds are incremental). Node 20 must be on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1

PACKAGES=(build-essential cmake pkg-config libwebsockets-dev libssl-dev libsqlite3-dev
    libsodium-dev libjansson-dev libinih-dev libcmocka-dev clang-format chromium
    clang libclang-rt-14-dev sqlite3)

say() { printf 'run.sh: %s\n' "$*"; }

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed$' || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return
    [ "$(id -u)" -eq 0 ] || { say "missing packages (${missing[*]}); run as root"; exit 1; }
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_node_modules() {
    command -v node >/dev/null || { say "node (>= 20) is needed on PATH"; exit 1; }
    cd "$ROOT/tests"
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        say "npm ci"
        npm ci --no-audit --no-fund --loglevel=error
    fi
    cd "$ROOT"
}

build_and_test() {
    local dir="$1"; shift
    say "building $dir"
    cmake -S "$ROOT" -B "$ROOT/$dir" "$@" >/dev/null
    cmake --build "$ROOT/$dir" -j2
    say "testing $dir"
    (cd "$ROOT/$dir" && ctest --output-on-failure ${CTEST_ARGS:-})
}

install_packages
install_node_modules

build_and_test build -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ "$QUICK" -eq 0 ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    # The browser tests are about pages, not memory: the sanitizer run skips them.
    CTEST_ARGS="-E ^pages$" build_and_test build-asan -DCMAKE_BUILD_TYPE=Debug -DCHAT_SANITIZE=ON
fi
if [ "$QUICK" -eq 0 ]; then
    # libFuzzer, briefly: FUZZ_SECONDS per harness (README: longer runs).
    say "building build-fuzz (clang, libFuzzer)"
    CC=clang cmake -S "$ROOT" -B "$ROOT/build-fuzz" -DCHAT_FUZZ=ON -DCHAT_TESTS=OFF \
        -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build "$ROOT/build-fuzz" -j2
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    for f in proto config hours; do
        cp -r "$ROOT/tests/fuzz/corpus/$f" "$work/$f"
        say "fuzzing $f for ${FUZZ_SECONDS:-10} s"
        if ! (cd "$work" && "$ROOT/build-fuzz/fuzz_$f" -max_total_time="${FUZZ_SECONDS:-10}" \
            -timeout=5 "$work/$f" >"$work/$f.log" 2>&1); then
            tail -n 30 "$work/$f.log"
            say "fuzz_$f found a failing input (saved in $work, kept)"
            trap - EXIT
            exit 1
        fi
        grep -E '^Done' "$work/$f.log" || true
    done
fi
say "all tests passed"
