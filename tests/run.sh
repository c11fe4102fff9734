#!/usr/bin/env bash
# run.sh: install what the tests need, build (normal and sanitizer), run all.
#
#   tests/run.sh           everything: build/ (format, lint, unit, pages, ops,
#                          man pages), the Debian package (built, installed, run,
#                          purged: tests/package/), build-asan/ (ASan + UBSan:
#                          unit and integration)
#                          a short libFuzzer run of each parser in build-fuzz/
#                          and the benchmark's smoke run (tests/bench/bench.sh --smoke)
#   tests/run.sh --quick   only the normal build/ and its tests (integration too)
#
# Works as root on a fresh Debian 12 from any directory, and when run again
# (only missing packages are installed, npm ci only when the lock file
# changed, builds are incremental). Node 20 or later must be on PATH; Debian's
# own nodejs is too old for the test runner and is not installed.
# The stages run in two lanes at once (see below). Every stage runs even when
# an earlier one failed (a stage whose build failed is skipped); each lane's
# log follows when it ends, then a summary; the exit status is 1 if anything
# failed.
# FUZZ_SECONDS (default 10) sets the fuzzing time per harness.
# CHAT_SHOTS=1 also writes the page tests' screenshots (tests/pages/screenshots/),
# which a page test run on its own writes anyway; this run leaves them out.
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

# The screenshots are for a person to look at, not checks, and took about 6 %
# of the page tests' CPU time (whole pages 9,000 to 18,000 pixels tall).
export CHAT_SHOTS="${CHAT_SHOTS:-0}"

PACKAGES=(build-essential cmake pkg-config libwebsockets-dev libwebsockets-evlib-ev libev-dev libssl-dev libsqlite3-dev
    libsodium-dev libjansson-dev libinih-dev libglpk-dev libcmocka-dev clang-format clang-tidy chromium
    clang libclang-rt-14-dev ninja-build sqlite3 mandoc prometheus debhelper lintian adduser curl nginx-light wrk)

say() { printf 'run.sh: %s\n' "$*"; }
die() {
    say "$*" >&2
    exit 1
}

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        grep -q '^Status: install ok installed$' <<<"$(dpkg -s "$p" 2>/dev/null)" || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return
    [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # nginx is here for a test that runs its own copy; the service stays off
    if grep -qx nginx-light < <(printf '%s\n' "${missing[@]}") && command -v systemctl >/dev/null; then
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
#
# The stages run in two lanes at once, each its own background job with its
# own log: the normal build and its tests, and the sanitizer build with its
# tests, beside which (once it is built) a third job runs the fuzzers, the
# package and the benchmark's smoke run. Much of a test's time is spent
# waiting (for a browser, a socket, a child process), so the lanes keep both
# cores busy where one left them idle half the time.
# A lane's log is printed whole when the lane ends; the summary comes last.

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/chatd-run.XXXXXX")"
LANE=""
LAST_OK=0
CLK_TCK="$(getconf CLK_TCK)"

# children_cpu: the CPU time (user and system, in clock ticks) of this
# shell's children that ended so far, and of what they waited for, read
# without starting a process. A process nobody waited for is not in it:
# the page tests' figure leaves out much of Chromium's work.
children_cpu() {
    local f
    read -ra f </proc/$BASHPID/stat
    # fields 16 and 17, counted after the command name's closing parenthesis
    local i=0
    while [ "${f[i]}" = "${f[i]%)}" ]; do i=$((i + 1)); done
    CHILDREN_CPU=$((f[i + 14] + f[i + 15]))
}

# run_stage NAME COMMAND...: runs COMMAND, records NAME ok/FAILED in the
# lane's results with its wall and CPU seconds, sets LAST_OK. Never called
# as a condition: set -e would then be off inside COMMAND.
run_stage() {
    local name="$1" start="$SECONDS" rc cpu=0
    shift
    say "---- $name"
    rm -f "$LOGS/$LANE.cpu"
    set +e
    # The stage's CPU time is read by the stage's own subshell as it ends: the
    # lane's shell would also count a job of its own that ended meanwhile
    # (lane_more's tail, beside the sanitizer tests).
    (
        trap 'children_cpu; printf "%d\n" "$CHILDREN_CPU" >"$LOGS/$LANE.cpu"' EXIT
        set -e
        "$@"
    )
    rc=$?
    set -e
    [ -s "$LOGS/$LANE.cpu" ] && cpu=$(($(cat "$LOGS/$LANE.cpu") / CLK_TCK))
    if [ "$rc" -eq 0 ]; then
        LAST_OK=1
        printf '  %-24s ok      %4ds  %5d CPU s\n' "$name" $((SECONDS - start)) "$cpu" >>"$LOGS/$LANE.results"
    else
        LAST_OK=0
        printf '  %-24s FAILED  %4ds  %5d CPU s\n' "$name" $((SECONDS - start)) "$cpu" >>"$LOGS/$LANE.results"
    fi
}

skip_stage() {
    printf '  %-24s skipped (%s)\n' "$1" "$2" >>"$LOGS/$LANE.results"
}

# generator DIR: the CMake generator option for a new build tree DIR, Ninja
# (about a quarter less CPU than make for the same build: CMake's makefiles
# run a make and a dependency scan of their own for each target); an
# existing tree keeps the one it was made with, which CMake cannot change.
generator() {
    [ -e "$ROOT/$1/CMakeCache.txt" ] || printf '%s\n' -GNinja
}

# build_tree DIR CMAKE-ARGS...: configure (tests on, whatever DIR's cache says) and build.
build_tree() {
    local dir="$1"
    shift
    cmake $(generator "$dir") -S "$ROOT" -B "$ROOT/$dir" -DCHAT_TESTS=ON "$@" >/dev/null
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
    CC=clang cmake $(generator build-fuzz) -S "$ROOT" -B "$ROOT/build-fuzz" -DCHAT_FUZZ=ON -DCHAT_TESTS=OFF \
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

# lane_main: the normal build and its tests but the package and (unless
# --quick) integration, which the other lane runs on the sanitized build.
lane_main() {
    LANE=main
    run_stage "build" build_tree build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHAT_SANITIZE=OFF
    if [ "$LAST_OK" -eq 1 ]; then
        # two at a time: the lint and unit tests run beside the pages. The
        # integration test runs once, in the other lane against the
        # sanitized chatd (the same test twice was a fifth of the CPU time);
        # here only with --quick, where there is no other lane.
        local skip='^(package|integration)$'
        [ "$QUICK" -eq 1 ] && skip='^package$'
        run_stage "test build" test_tree build -j2 -E "$skip"
    else
        skip_stage "test build" "build failed"
    fi
}

# lane_more: the sanitizer build and its tests; once the build is done, the
# fuzzers, the package and the benchmark's smoke run (lane_tail) beside them.
lane_more() {
    LANE=more
    # A small quarantine: freed memory is held back from reuse to catch use
    # after free, and the default 256 MB of it would look like growth to the
    # tests that measure chatd's resident memory.
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:quarantine_size_mb=16
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    # A scenario that holds chatd's latency to a bound runs the normal
    # build's chatd (the other lane's; harness.mjs, chatdFor): a sanitized
    # loop on a shared machine missed the bound by its own cost.
    export CHATD_PERF="$ROOT/build/chatd"
    run_stage "build-asan" build_tree build-asan -DCMAKE_BUILD_TYPE=Debug -DCHAT_SANITIZE=ON
    # The integration test waits on sockets and child processes more than
    # it computes (a core stays half idle beside it); the tail stages compute
    # (builds, fuzzing): run after it they made this lane two minutes longer.
    lane_tail >"$LOGS/tail.log" 2>&1 &
    local tail_pid=$!
    if [ "$LAST_OK" -eq 1 ]; then
        # The browser tests are about pages, not memory, and the lint tests
        # read the sources, which the normal lane checks: the sanitizer run
        # skips them; the package is tested below. The unit tests run
        # beside the integration test.
        run_stage "test build-asan" test_tree build-asan -j2 \
            -E '^(pages|package|format|tidy-[0-9]+|eslint|man-lint|man-keys|ops|layers|purity)$'
    else
        skip_stage "test build-asan" "build failed"
    fi
    wait "$tail_pid" || true
}

# lane_tail: the fuzzers, the package and the benchmark's smoke run, one
# after another (started by lane_more once build-asan is built).
lane_tail() {
    LANE=tail
    unset ASAN_OPTIONS UBSAN_OPTIONS
    run_stage "fuzz" fuzz_all
    # Builds the .deb from the sources (its own build), installs it on this
    # machine and purges it again (it skips, saying why, when chatd is
    # already installed here).
    run_stage "package" package_test
    # The benchmark's 10-second smoke run: it checks that every scenario
    # still works; its figures mean little here, so it runs the other lane's
    # normal build (built long before) instead of building chatd again.
    run_stage "bench smoke" "$ROOT/tests/bench/bench.sh" --smoke --build "$ROOT/build"
}

package_test() {
    local rc=0
    # the build tree's chatadmin checks the config before the install: this
    # lane's own (sanitized) one, ready whatever the other lane is doing
    CHATADMIN="$ROOT/build-asan/chatadmin" bash "$ROOT/tests/package/package_test.sh" \
        "$ROOT/build-deb" || rc=$?
    [ "$rc" -eq 77 ] && return 0 # skipped, with the reason said
    return "$rc"
}

install_packages
install_node_modules

START="$SECONDS"
lane_main >"$LOGS/main.log" 2>&1 &
MAIN_PID=$!
MORE_PID=""
if [ "$QUICK" -eq 0 ]; then
    lane_more >"$LOGS/more.log" 2>&1 &
    MORE_PID=$!
fi
wait "$MAIN_PID" || true
printf '\n==== run.sh: the normal build and its tests ====\n'
cat "$LOGS/main.log"
if [ -n "$MORE_PID" ]; then
    wait "$MORE_PID" || true
    printf '\n==== run.sh: sanitizers ====\n'
    cat "$LOGS/more.log"
    printf '\n==== run.sh: fuzzers, package, bench smoke ====\n'
    cat "$LOGS/tail.log"
fi

printf '\nrun.sh: summary (%d s in all)\n' $((SECONDS - START))
cat "$LOGS"/*.results
if grep -q FAILED "$LOGS"/*.results; then
    # What failed, once more at the very end (a CI page may show only the
    # last lines): each failing ctest test and each failing node test with
    # the first lines of its error.
    printf '\nrun.sh: the failures again, in short\n'
    cat "$LOGS"/*.log | awk '
        /\*\*\*(Failed|Timeout|Exception)/ { print; next }
        /^ *not ok / { p = 1; n = 0 }
        p && n < 14 { print; n++ }
        /^ *\.\.\.$/ { p = 0 }' | head -n 80
    say "FAILED (see the output above the summary)"
    exit 1
fi
rm -rf "$LOGS"
say "all tests passed"
