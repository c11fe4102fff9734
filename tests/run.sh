#!/usr/bin/env bash
# run.sh: install what the tests need, build (normal and sanitizer), run all.
#
#   tests/run.sh           everything: build/ (format, unit, integration, pages, ops,
#                          man pages), the Debian package (built, installed, run,
#                          purged: tests/package/), build-asan/ (ASan + UBSan:
#                          unit and integration)
#                          a short libFuzzer run of each parser in build-fuzz/
#                          and the benchmark's smoke run (tests/bench/bench.sh --smoke)
#   tests/run.sh --quick   only the normal build/ and its tests
#
# Works as root on a fresh Debian 12 from any directory, and when run again
# (only missing packages are installed, npm ci only when the lock file
# changed, builds are incremental). Node 20 or later must be on PATH; Debian's
# own nodejs is too old for the test runner and is not installed.
# Every stage runs even when an earlier one failed (a stage whose build failed
# is skipped); a summary follows and the exit status is 1 if anything failed.
# FUZZ_SECONDS (default 10) sets the fuzzing time per harness.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUICK=0
case "${1:-}" in
"") ;;
--quick) QUICK=1 ;;
*)
    printf 'usage: tests/run.sh [--quick]\n' >&2
    exit 2
    ;;
esac

PACKAGES=(build-essential cmake pkg-config libwebsockets-dev libwebsockets-evlib-ev libev-dev libssl-dev libsqlite3-dev
    libsodium-dev libjansson-dev libinih-dev libcmocka-dev clang-format clang-tidy chromium
    clang libclang-rt-14-dev sqlite3 mandoc prometheus debhelper lintian adduser curl nginx-light wrk)

say() { printf 'run.sh: %s\n' "$*"; }
die() {
    say "$*" >&2
    exit 1
}

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed$' || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return
    [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # nginx is here for a test that runs its own copy; the service stays off
    if printf '%s\n' "${missing[@]}" | grep -qx nginx-light && command -v systemctl >/dev/null; then
        systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
}

install_node_modules() {
    command -v node >/dev/null || die "node (>= 20) is needed on PATH"
    node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' ||
        die "node $(node --version) is too old; the tests need node >= 20"
    local t="$ROOT/tests"
    if [ ! -e "$t/node_modules/.package-lock.json" ] ||
        [ "$t/package-lock.json" -nt "$t/node_modules/.package-lock.json" ] ||
        [ "$t/package.json" -nt "$t/node_modules/.package-lock.json" ]; then
        say "npm ci in $t"
        (cd "$t" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

# ---- stages: each runs in a subshell with set -e, its result is recorded ----

RESULTS=()
FAILED=0
LAST_OK=0

# run_stage NAME COMMAND...: runs COMMAND, records NAME ok/FAILED, sets LAST_OK.
# Never called as a condition: set -e would then be off inside COMMAND.
run_stage() {
    local name="$1" start="$SECONDS" rc
    shift
    say "---- $name"
    set +e
    (
        set -e
        "$@"
    )
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then
        LAST_OK=1
        RESULTS+=("$(printf '  %-24s ok      %4ds' "$name" $((SECONDS - start)))")
    else
        LAST_OK=0
        FAILED=1
        RESULTS+=("$(printf '  %-24s FAILED  %4ds' "$name" $((SECONDS - start)))")
    fi
}

skip_stage() {
    RESULTS+=("$(printf '  %-24s skipped (%s)' "$1" "$2")")
}

# build_tree DIR CMAKE-ARGS...: configure (tests on, whatever DIR's cache says) and build.
build_tree() {
    local dir="$1"
    shift
    cmake -S "$ROOT" -B "$ROOT/$dir" -DCHAT_TESTS=ON "$@" >/dev/null
    cmake --build "$ROOT/$dir" -j2
}

# test_tree DIR CTEST-ARGS...: every test of DIR; finding none is a failure.
test_tree() {
    local dir="$1"
    shift
    cd "$ROOT/$dir"
    ctest --output-on-failure --no-tests=error "$@"
}

# libFuzzer, briefly: FUZZ_SECONDS per harness, each on a copy of its corpus.
fuzz_all() {
    local work f
    CC=clang cmake -S "$ROOT" -B "$ROOT/build-fuzz" -DCHAT_FUZZ=ON -DCHAT_TESTS=OFF \
        -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build "$ROOT/build-fuzz" -j2
    work="$(mktemp -d)"
    for f in proto config hours; do
        cp -r "$ROOT/tests/fuzz/corpus/$f" "$work/$f"
        say "fuzzing $f for ${FUZZ_SECONDS:-10} s"
        if ! (cd "$work" && "$ROOT/build-fuzz/fuzz_$f" -max_total_time="${FUZZ_SECONDS:-10}" \
            -timeout=5 "$work/$f" >"$work/$f.log" 2>&1); then
            tail -n 30 "$work/$f.log"
            say "fuzz_$f found a failing input (kept with its log in $work)"
            return 1
        fi
        grep -E '^Done' "$work/$f.log" || true
    done
    rm -rf "$work"
}

install_packages
install_node_modules

run_stage "build" build_tree build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHAT_SANITIZE=OFF
LAST_BUILD_OK=$LAST_OK
if [ "$LAST_OK" -eq 1 ]; then
    # two at a time: the lint and unit tests run beside the one heavy test
    # (integration or pages, which never run together: RESOURCE_LOCK)
    run_stage "test build" test_tree build -j2 -E '^package$'
else
    skip_stage "test build" "build failed"
fi

if [ "$QUICK" -eq 0 ]; then
    # Installs the .deb on this machine and purges it again (it skips, saying
    # why, when chatd is already installed here).
    if [ "$LAST_BUILD_OK" -eq 1 ]; then
        run_stage "package" test_tree build -R '^package$'
    else
        skip_stage "package" "build failed"
    fi
    # A small quarantine: freed memory is held back from reuse to catch use
    # after free, and the default 256 MB of it would look like growth to the
    # tests that measure chatd's resident memory.
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:quarantine_size_mb=16
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    run_stage "build-asan" build_tree build-asan -DCMAKE_BUILD_TYPE=Debug -DCHAT_SANITIZE=ON
    if [ "$LAST_OK" -eq 1 ]; then
        # The browser tests are about pages, not memory, and the lint tests
        # read the sources, which the run above checked: the sanitizer run
        # skips them; the package was tested above. The unit tests run
        # beside the integration test.
        run_stage "test build-asan" test_tree build-asan -j2 \
            -E '^(pages|package|format|tidy|man-lint|man-keys|ops|layers|purity)$'
    else
        skip_stage "test build-asan" "build failed"
    fi
    run_stage "fuzz" fuzz_all
    # The benchmark's 10-second smoke run (Release build in build-rel/): it
    # checks that every scenario still works; its figures mean little here.
    run_stage "bench smoke" "$ROOT/tests/bench/bench.sh" --smoke
fi

printf '\nrun.sh: summary\n'
printf '%s\n' "${RESULTS[@]}"
if [ "$FAILED" -ne 0 ]; then
    say "FAILED (see the output above the summary)"
    exit 1
fi
say "all tests passed"
