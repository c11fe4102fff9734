#!/usr/bin/env bash
# bench.sh: chatd's benchmark. Builds chatd (Release) and the load generator,
# runs every scenario against a real chatd on loopback and prints one table.
#
#   tests/bench/bench.sh           the full benchmark, 3 runs per figure (~5 min on 2 cores)
#   tests/bench/bench.sh --smoke   ~15 s with small counts: only checks that it all works
#
# Options: --runs N (runs per figure), --hours always (topics open around the
# clock instead of a daily window around now; see below), --keep (keep the
# temp dir with every run's config, database, logs and results), --src DIR
# (build and measure the chatd of another source tree, e.g. an unpacked
# `git archive` of an older commit; built in DIR/build-rel), --timeout S
# (the longest any one wait of the load generator may take; default 120 s,
# 20 s for --smoke), --loop epoll|poll (chatd's event loop, CHATD_EVENT_LOOP;
# the status scenario runs on both either way), --only LIST (run only these
# scenarios, comma-separated: queue head chat flood logins status statuspoll
# http nginx echo; the others' rows show "-"), --build DIR (measure the chatd
# and chatadmin already built in DIR instead of building them: tests/run.sh's
# smoke run takes the normal build's, whose figures mean little anyway).
#
# Every run gets a fresh chatd process on a copy of one prepared data dir
# (transcript key pair, worker accounts, saved login tokens), with durable,
# encrypted storage as in production (SQLite WAL, synchronous=FULL). Each
# figure is the median over the runs; chatd's memory is its VmHWM (peak RSS)
# from /proc/PID/status, its CPU time utime+stime from /proc/PID/stat, both
# read when the scenario is over and before chatd is stopped.
#
# Topic hours: by default a daily window from an hour ago to three hours
# from now in the configured zone (a helpline's usual shape, open during the
# run). `--hours always` measures the 24/7 configuration instead.
#
# Exit status: 0 when every scenario ran and passed its checks (positions,
# counts, no errors); a missed target is shown in the table, not an error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TZONE=Europe/Helsinki
export BENCH_PASSWORD="bench-password-1"
PASSPHRASE="bench passphrase 1"

SMOKE=0
SRC="$ROOT"
PREBUILT=""
TIMEOUT_ARG=""
RUNS=3
HOURS=window
KEEP=0
LOOP=epoll
ONLY=""
while [ $# -gt 0 ]; do
    case "$1" in
    --smoke) SMOKE=1 ;;
    --runs)
        RUNS="${2:?--runs needs a number}"
        shift
        ;;
    --hours)
        HOURS="${2:?--hours needs always or window}"
        shift
        ;;
    --keep) KEEP=1 ;;
    --loop)
        LOOP="${2:?--loop needs epoll or poll}"
        shift
        ;;
    --timeout)
        TIMEOUT_ARG="${2:?--timeout needs seconds}"
        shift
        ;;
    --src)
        SRC="$(cd "${2:?--src needs a directory}" && pwd)"
        shift
        ;;
    --only)
        ONLY=",${2:?--only needs a list of scenarios},"
        shift
        ;;
    --build)
        PREBUILT="$(cd "${2:?--build needs a directory}" && pwd)"
        shift
        ;;
    *)
        printf 'usage: tests/bench/bench.sh [--smoke] [--runs N] [--hours always|window] [--keep] [--src DIR] [--build DIR] [--timeout S] [--loop epoll|poll] [--only LIST]\n' >&2
        exit 2
        ;;
    esac
    shift
done
BUILD="${PREBUILT:-$SRC/build-rel}"
CHATD="$BUILD/chatd"
CHATADMIN="$BUILD/chatadmin"
LOADGEN="$ROOT/build-rel/bench/loadgen"
ECHOD="$ROOT/build-rel/bench/echod"
case "$HOURS" in always | window) ;; *)
    printf 'bench.sh: --hours must be always or window\n' >&2
    exit 2
    ;;
esac

if [ "$SMOKE" -eq 1 ]; then
    [ "$RUNS" = 3 ] && RUNS=1
    VISITORS=200 HEAD_VISITORS=200 HEAD_TRIALS=2
    CHATS=10 BURST=10 FLOOD=1 RATE=100 DURATION=1 LOGINS=5 CHURN_POOL=2
    SUBS=20 STATUS_TRIALS=2 TIMEOUT=20 HTTP_SECS=1 NGINX_SECS=2
else
    VISITORS=10000 HEAD_VISITORS=10000 HEAD_TRIALS=5
    CHATS=500 BURST=30 FLOOD=5 RATE=5000 DURATION=10 LOGINS=20 CHURN_POOL=200
    SUBS=18000 STATUS_TRIALS=10 TIMEOUT=120 HTTP_SECS=5 NGINX_SECS=10
fi
TOPICS=4
WINDOW=4 # messages in flight per connection while flooding
ECHO_CONNS=$((2 * CHATS))
[ -z "$TIMEOUT_ARG" ] || TIMEOUT="$TIMEOUT_ARG"

say() { printf 'bench.sh: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

# ---- build -------------------------------------------------------------------

build() {
    if [ -n "$PREBUILT" ]; then
        say "chatd as built in $BUILD; building the load generator in $ROOT/build-rel/bench"
    else
        say "building chatd (Release) in $BUILD and the load generator in $ROOT/build-rel/bench"
        cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCHAT_TESTS=OFF >/dev/null
        cmake --build "$BUILD" -j2 >/dev/null
    fi
    cmake -S "$ROOT/tests/bench" -B "$ROOT/build-rel/bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$ROOT/build-rel/bench" -j2 >/dev/null
    for b in "$CHATD" "$CHATADMIN" "$LOADGEN" "$ECHOD"; do
        [ -x "$b" ] || die "the build did not produce $b"
    done
}

# ---- processes -----------------------------------------------------------------

WORK=""
SERVER_PID=""
SAMPLER_PID=""

stop_pid() { # PID: SIGTERM, then SIGKILL after 15 s
    local pid="$1" i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 150; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    [ -n "$SAMPLER_PID" ] && stop_pid "$SAMPLER_PID"
    [ -n "$SERVER_PID" ] && stop_pid "$SERVER_PID"
    if [ -n "$WORK" ]; then
        if [ "$KEEP" -eq 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server LOG COMMAND...: starts a server that prints "listening on PORT";
# sets SERVER_PID and PORT.
start_server() {
    local log="$1" i
    shift
    : >"$log.out" # exists before the child opens it, for the sed below
    "$@" >>"$log.out" 2>"$log.err" &
    SERVER_PID=$!
    for ((i = 0; i < 100; i++)); do
        PORT="$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$log.out")"
        [ -n "$PORT" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$log.err" >&2
    die "$1 did not start listening"
}

stop_server() {
    stop_pid "$SERVER_PID"
    SERVER_PID=""
}

# Largest VmRSS (kB) of PID seen every 0.1 s, written to FILE when stopped.
sample_rss() {
    local pid="$1" file="$2" max=0 v
    trap 'printf "%s\n" "$max" >"$file"; exit 0' TERM
    while v="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)" && [ -n "$v" ]; do
        [ "$v" -gt "$max" ] && max="$v"
        sleep 0.1
    done
    printf '%s\n' "$max" >"$file"
}

# ---- the data dir every run starts from ------------------------------------------

# topic_hours: the hours value of every topic.
topic_hours() {
    if [ "$HOURS" = always ]; then
        printf 'always\n'
    else
        printf 'daily %s-%s\n' "$(TZ=$TZONE date -d '-60 min' +%H:%M)" \
            "$(TZ=$TZONE date -d '+180 min' +%H:%M)"
    fi
}

# write_config DIR: DIR/chatd.ini for a chatd whose data lives in DIR.
write_config() {
    local dir="$1" t
    {
        printf '[server]\nlisten_host = 127.0.0.1\nlisten_port = 0\n'
        printf 'data_dir = %s\nweb_root = %s/chatd/web\ntimezone = %s\n' "$dir" "$ROOT" "$TZONE"
        printf 'transcript_key = %s/transcript.pub\n' "$dir"
        # one address carries every connection here
        printf 'max_conns_per_source = 0\n'
        # the capacity of the server is measured, not one person's typing
        # speed: no per-connection message limit
        printf 'msg_rate_per_s = 1000000\nmsg_burst = 1000000\n'
        for ((t = 0; t < TOPICS; t++)); do
            printf '\n[topic t%d]\ntitle_fi = Aihe %d\ntitle_sv = Ämne %d\ntitle_en = Topic %d\n' \
                "$t" "$t" "$t" "$t"
            printf 'audience = any\nhours = %s\nqueue_max = 100000\njoin_cutoff_min = 0\nwrapup_s = 0\n' "$HOURS_VALUE"
            printf 'mode = auto\n'
        done
    } >"$dir/chatd.ini"
}

# prepare: WORK/template with key pair, workers, churn users and their tokens.
prepare() {
    local t="$WORK/template"
    mkdir -p "$t"
    write_config "$t"
    printf '%s\n' "$PASSPHRASE" | "$CHATADMIN" --config "$t/chatd.ini" keygen --out "$t" >/dev/null
    say "adding $CHATS workers and $CHURN_POOL login-churn users (argon2id, two at a time)"
    # shellcheck disable=SC2016 # the inner sh expands them
    {
        seq 0 $((CHATS - 1)) | sed 's/^/worker/'
        seq 0 $((CHURN_POOL - 1)) | sed 's/^/churn/'
    } | xargs -P2 -I{} sh -c 'printf "%s\n" "$BENCH_PASSWORD" |
        "$1" --config "$2" user add "$3" --role worker >/dev/null' sh "$CHATADMIN" "$t/chatd.ini" {}
    say "logging the workers in once to save their tokens"
    start_server "$t/chatd" "$CHATD" --config "$t/chatd.ini"
    "$LOADGEN" tokens --port "$PORT" --count "$CHATS" --tokens "$WORK/tokens.txt" \
        --timeout 600 >/dev/null 2>"$t/tokens.log" || {
        cat "$t/tokens.log" >&2
        die "saving tokens failed"
    }
    stop_server
}

# ---- runs ------------------------------------------------------------------------

FAILED=0

# run_one NAME RUN SERVER LOADGEN-ARGS...: one run of scenario NAME against a
# fresh chatd (SERVER=chatd) or echod (SERVER=echod); results go to
# WORK/NAME.RUN.res as "NAME VALUE" lines.
run_one() {
    local name="$1" run="$2" server="$3" dir="$WORK/$1.$2" res="$WORK/$1.$2.res" rc=0
    shift 3
    mkdir -p "$dir"
    if [ "$server" = chatd ]; then
        cp "$WORK/template/chatd.db" "$WORK/template/transcript.pub" "$dir/"
        [ ! -e "$WORK/template/chatd.db-wal" ] || cp "$WORK/template/chatd.db-wal" "$dir/"
        write_config "$dir"
        start_server "$dir/chatd" env CHATD_EVENT_LOOP="${EVLOOP:-$LOOP}" "$CHATD" --config "$dir/chatd.ini"
    else
        start_server "$dir/echod" "$ECHOD" --port 0
    fi
    sleep 0.3 # past chatd's start-up argon2id (the login verifier's dummy hash)
    local rss0
    rss0="$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")"
    sample_rss "$SERVER_PID" "$dir/rss_sampled" &
    SAMPLER_PID=$!
    "$LOADGEN" "$@" --port "$PORT" --timeout "$TIMEOUT" >"$dir/loadgen.out" \
        2>"$dir/loadgen.err" || rc=$?
    local hwm ticks
    hwm="$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")"
    ticks="$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")"
    stop_pid "$SAMPLER_PID"
    SAMPLER_PID=""
    stop_server
    {
        sed -n 's/^result //p' "$dir/loadgen.out"
        printf 'rss_hwm_mb %s\n' "$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')"
        printf 'rss_sampled_mb %s\n' "$(awk -v k="$(cat "$dir/rss_sampled")" \
            'BEGIN { printf "%.1f", k / 1024 }')"
        printf 'rss_start_mb %s\n' "$(awk -v k="$rss0" 'BEGIN { printf "%.1f", k / 1024 }')"
        printf 'cpu_s %s\n' "$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" \
            'BEGIN { printf "%.2f", t / hz }')"
        printf 'exit %s\n' "$rc"
    } >"$res"
    if [ "$rc" -ne 0 ]; then
        FAILED=1
        say "$name run $run FAILED; loadgen said:"
        tail -n 20 "$dir/loadgen.err" >&2
        tail -n 5 "$dir/$server.err" >&2 || true
    else
        say "$name run $run ok ($(tr '\n' ' ' <"$res" | cut -c1-200))"
    fi
}

# scenario NAME SERVER LOADGEN-ARGS...: RUNS runs of one scenario.
scenario() {
    local name="$1" run
    shift
    for ((run = 1; run <= RUNS; run++)); do
        run_one "$name" "$run" "$@"
    done
}

# med NAME KEY: the median of KEY over NAME's runs ("-" if none).
med() {
    cat "$WORK/$1".*.res 2>/dev/null | awk -v k="$2" '$1 == k { print $2 }' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
              else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# okruns NAME KEY: "passed/runs" counting runs where KEY is 1.
okruns() {
    local ok total
    total="$(cat "$WORK/$1".*.res 2>/dev/null | awk '$1 == "exit"' | wc -l)"
    ok="$(cat "$WORK/$1".*.res 2>/dev/null | awk -v k="$2" '$1 == k && $2 == 1' | wc -l)"
    printf '%s/%s' "$ok" "$total"
}

# fmt N [DECIMALS]: a number with thousands separators.
fmt() {
    awk -v n="$1" -v d="${2:-0}" 'BEGIN {
        if (n == "-") { print "-"; exit }
        s = sprintf("%." d "f", n); i = index(s, "."); frac = i ? substr(s, i) : ""
        int_ = i ? substr(s, 1, i - 1) : s; neg = substr(int_, 1, 1) == "-"
        if (neg) int_ = substr(int_, 2)
        out = ""; while (length(int_) > 3) { out = "," substr(int_, length(int_) - 2) out
            int_ = substr(int_, 1, length(int_) - 3) }
        print (neg ? "-" : "") int_ out frac }'
}

# meets VALUE OP LIMIT: "yes" or "no" (OP is < or >=).
meets() {
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
        if (v == "-") { print "-"; exit }
        print ((op == "<" ? v + 0 < l + 0 : v + 0 >= l + 0) ? "yes" : "**no**") }'
}

# per_sub NAME: "KB_PER_SUB US_PER_SUB" of a status scenario: chatd's largest
# sampled RSS above its RSS at the start (not VmHWM, which holds the start's
# argon2id dummy hash), and the median time to reach all, per subscriber.
per_sub() {
    awk -v h="$(med "$1" rss_sampled_mb)" -v r="$(med "$1" rss_start_mb)" -v ms="$(med "$1" status_ms_median)" \
        -v n="$SUBS" 'BEGIN { if (h == "-" || ms == "-") print "- -";
            else printf "%.2f %.1f", (h - r) * 1024 / n, ms * 1000 / n }'
}

# status_row NAME LOOP: the row of a status scenario, with the projection
# to 100,000 subscribers from the per-subscriber cost.
status_row() {
    local kb us
    read -r kb us <<<"$(per_sub "$1")"
    printf '| %s status.v1 subscribers (%s loop) | a change reaches all in %s ms (worst trial %s ms; %s trials a run): %s µs and %s kB a subscriber; 100,000 projected: %s s, %s MB | ≤ 8 µs, ≤ 3 kB | %s / %s | %s / %s MB | %s s |\n' \
        "$(fmt "$SUBS")" "$2" "$(fmt "$(med "$1" status_ms_median)" 1)" "$(fmt "$(med "$1" status_ms_max)" 1)" \
        "$STATUS_TRIALS" "$us" "$kb" \
        "$(awk -v u="$us" 'BEGIN { if (u == "-") print "-"; else printf "%.2f", u * 100000 / 1e6 }')" \
        "$(awk -v k="$kb" -v r="$(med "$1" rss_start_mb)" 'BEGIN { if (k == "-") print "-"; else printf "%.0f", r + k * 100000 / 1024 }')" \
        "$(meets "$us" '<' 8.0001)" "$(meets "$kb" '<' 3.0001)" \
        "$(med "$1" rss_hwm_mb)" "$(med "$1" rss_sampled_mb)" "$(med "$1" cpu_s)"
}

table() {
    local q h c f l s e ratio frames ratio_http
    q=queue h=head c=chat f=flood l=logins s=status e=echo
    ratio="$(awk -v a="$(med $f chat_flood_msgs_s)" -v b="$(med $e echo_flood_msgs_s)" \
        'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')"
    printf '\nchatd benchmark: %s, %d run(s) per figure (median), %s, hours = %s\n\n' \
        "$([ "$SMOKE" -eq 1 ] && echo smoke || echo full)" "$RUNS" \
        "$(nproc) cores, $(uname -r)" "$HOURS_VALUE"
    printf '| scenario | result (median of %d) | target | met | chatd VmHWM / sampled RSS | chatd CPU |\n' "$RUNS"
    printf '|---|---|---|---|---|---|\n'
    printf '| %s visitors connected and queued across %d topics | positions right in %s runs; all queued in %s s | RSS < 150 MB | %s | %s / %s MB | %s s |\n' \
        "$(fmt "$VISITORS")" "$TOPICS" "$(okruns $q queue_positions_ok)" "$(fmt "$(med $q queue_setup_s)" 2)" \
        "$(meets "$(med $q rss_hwm_mb)" '<' 150)" "$(med $q rss_hwm_mb)" "$(med $q rss_sampled_mb)" "$(med $q cpu_s)"
    printf '| head of a %s-long queue is served | every waiting visitor has its new position in %s ms (worst trial %s ms; %s trials a run) | 200 ms | %s | %s / %s MB | %s s |\n' \
        "$(fmt "$HEAD_VISITORS")" "$(fmt "$(med $h head_ms_median)" 1)" "$(fmt "$(med $h head_ms_max)" 1)" \
        "$HEAD_TRIALS" "$(meets "$(med $h head_ms_median)" '<' 200)" \
        "$(med $h rss_hwm_mb)" "$(med $h rss_sampled_mb)" "$(med $h cpu_s)"
    printf '| %s concurrent chats, both sides sending | %s acked msg/s sustained (%s s, %s in flight per connection); a burst of %s per connection: %s acked/s | 20,000/s | %s | %s / %s MB | %s s |\n' \
        "$(fmt "$CHATS")" "$(fmt "$(med $f chat_flood_msgs_s)")" "$FLOOD" "$WINDOW" "$BURST" \
        "$(fmt "$(med $c chat_burst_msgs_s)")" \
        "$(meets "$(med $f chat_flood_msgs_s)" '>=' 20000)" "$(med $f rss_hwm_mb)" "$(med $f rss_sampled_mb)" "$(med $f cpu_s)"
    printf '| ↳ ack latency at %s msg/s (%s acked/s for %s s; after the burst, in its own chatd) | p50 %s ms, p99 %s ms (max %s ms) | 2 ms / 10 ms | %s / %s | %s / %s MB | %s s |\n' \
        "$(fmt "$RATE")" "$(fmt "$(med $c chat_paced_msgs_s)")" "$DURATION" \
        "$(fmt "$(med $c chat_paced_p50_ms)" 2)" "$(fmt "$(med $c chat_paced_p99_ms)" 2)" \
        "$(fmt "$(med $c chat_paced_max_ms)" 1)" \
        "$(meets "$(med $c chat_paced_p50_ms)" '<' 2)" "$(meets "$(med $c chat_paced_p99_ms)" '<' 10)" \
        "$(med $c rss_hwm_mb)" "$(med $c rss_sampled_mb)" "$(med $c cpu_s)"
    printf '| %s worker logins a second during the chat load (%s msg/s) | p99 ack latency %s ms (p50 %s ms); login p50 %s ms, p99 %s ms, %s logins a run | 20 ms | %s | %s / %s MB | %s s |\n' \
        "$LOGINS" "$(fmt "$RATE")" "$(fmt "$(med $l chat_paced_p99_ms)" 2)" "$(fmt "$(med $l chat_paced_p50_ms)" 2)" \
        "$(fmt "$(med $l chat_login_p50_ms)")" "$(fmt "$(med $l chat_login_p99_ms)")" "$(med $l chat_logins)" \
        "$(meets "$(med $l chat_paced_p99_ms)" '<' 20)" "$(med $l rss_hwm_mb)" "$(med $l rss_sampled_mb)" "$(med $l cpu_s)"
    status_row "$s" "$LOOP"
    status_row statuspoll "poll()"
    local hz st nm
    hz="$(med http http_healthz_rps)" st="$(med http http_status_rps)" nm="$(med http http_notmodified_rps)"
    ratio_http="$(awk -v a="$st" -v b="$hz" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')"
    printf '| GET /api/status, 100 keep-alive connections (wrk, %s s a round, rounds interleaved) | %s req/s; /healthz %s req/s: ratio %s; 304 for If-None-Match %s req/s | ratio ≥ 0.5, 304 ≥ 200 | %s | - | - |\n' \
        "$HTTP_SECS" "$(fmt "$st")" "$(fmt "$hz")" "$ratio_http" "$(fmt "$nm")" "$(meets "$ratio_http" '>=' 0.5) / $(meets "$nm" '>=' "$st")"
    printf '| nginx as shipped in front (deploy/nginx-chatd.conf), wrk -c100 for %s s | %s page views/s; requests that reached chatd: %s per 2 s | ≥ 10,000/s, ≤ 1 per 2 s | %s / %s | - | - |\n' \
        "$NGINX_SECS" "$(fmt "$(med nginx nginx_rps)")" "$(med nginx nginx_at_chatd_per_2s)" \
        "$(meets "$(med nginx nginx_rps)" '>=' 10000)" "$(meets "$(med nginx nginx_at_chatd_per_2s)" '<' 1.0001)"
    frames="$(awk -v r="$ratio" 'BEGIN { if (r == "-") print "-"; else printf "%.2f", 2 * r }')"
    printf '| echo server (bare lws) with the same generator, %s connections | %s msg/s sustained; chatd/echo = %s (by frames written: %s, as chatd writes an ack and a relayed msg for each message); echo latency at %s msg/s p50 %s ms, p99 %s ms | ratio ≥ 0.5 | %s | echod: %s / %s MB | echod: %s s |\n' \
        "$(fmt "$ECHO_CONNS")" "$(fmt "$(med $e echo_flood_msgs_s)")" "$ratio" "$frames" "$(fmt "$RATE")" \
        "$(fmt "$(med $e echo_paced_p50_ms)" 2)" "$(fmt "$(med $e echo_paced_p99_ms)" 2)" \
        "$(meets "$ratio" '>=' 0.5)" "$(med $e rss_hwm_mb)" "$(med $e rss_sampled_mb)" "$(med $e cpu_s)"
    printf '\n'
}

# http_rates: one chatd; RUNS rounds of wrk (100 keep-alive connections,
# HTTP_SECS each) on /healthz, /api/status and /api/status with its ETag in
# If-None-Match (304), interleaved so that each round sees the same machine.
# Results: WORK/http.N.res.
http_rates() {
    local dir="$WORK/http" run etag u
    if ! command -v wrk >/dev/null; then
        say "wrk is not installed (apt-get install wrk): no HTTP figures"
        return 0
    fi
    mkdir -p "$dir"
    cp "$WORK/template/chatd.db" "$WORK/template/transcript.pub" "$dir/"
    write_config "$dir"
    start_server "$dir/chatd" env CHATD_EVENT_LOOP="$LOOP" "$CHATD" --config "$dir/chatd.ini"
    etag="$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/api/status" |
        sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tr -d '\r')"
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" \
        "http://127.0.0.1:$PORT/api/status")" = 304 ] || { FAILED=1; say "no 304 for the ETag"; }
    for ((run = 1; run <= RUNS; run++)); do
        for u in healthz status notmodified; do
            local args=("http://127.0.0.1:$PORT/api/status")
            [ "$u" = healthz ] && args=("http://127.0.0.1:$PORT/healthz")
            [ "$u" = notmodified ] && args=(-H "If-None-Match: $etag" "${args[@]}")
            printf 'http_%s_rps %s\n' "$u" "$(wrk -t1 -c100 -d"${HTTP_SECS}s" "${args[@]}" |
                awk '/^Requests\/sec/ { print $2 }')" >>"$WORK/http.$run.res"
        done
        printf 'exit 0\n' >>"$WORK/http.$run.res"
    done
    stop_server
}

# free_port: prints a loopback TCP port that nothing holds, found by binding
# it (connecting misses a port held by one of many client sockets) below the
# ephemeral range of /proc/sys/net/ipv4/ip_local_port_range, where the
# kernel never puts a client socket, so it stays free until nginx binds it.
free_port() {
    local lo p
    read -r lo _ </proc/sys/net/ipv4/ip_local_port_range
    for ((p = lo - 1 - RANDOM % 4096; p > 1024; p--)); do
        if perl -MSocket -e 'socket(S, PF_INET, SOCK_STREAM, 0) or exit 2;
            bind(S, pack_sockaddr_in($ARGV[0], inet_aton("127.0.0.1"))) or exit 1' "$p"; then
            printf '%s\n' "$p"
            return 0
        fi
    done
    return 1
}

# nginx_conf DIR PORT: deploy/nginx-chatd.conf on 127.0.0.1:PORT in front of
# chatd on PORT (the bench's), with its files in DIR, on stdout.
nginx_conf() {
    local dir="$1" nport="$2"
    printf 'user root;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log crit;\n' "$dir" "$dir"
    printf 'events { worker_connections 1024; }\nhttp {\nclient_body_temp_path %s/body;\nproxy_temp_path %s/proxy;\n' "$dir" "$dir"
    # without the last server block (the redirect from port 80)
    awk '/^server \{$/ { h = $0; getline n; if (n ~ /listen 80;/) exit; print h; print n; next }
         { print }' "$ROOT/deploy/nginx-chatd.conf" |
        sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$nport;|" -e '/^ *ssl_/d' \
            -e "s|127.0.0.1:8080|127.0.0.1:$PORT|g" -e "s|/var/cache/nginx/chatd-status|$dir/cache|" \
            -e "s|/var/log/nginx/chatd-error.log|$dir/error.log|"
    printf '}\n'
}

# nginx_rate: deploy/nginx-chatd.conf as shipped (TLS swapped for a loopback
# port, paths into WORK) in front of one chatd; RUNS rounds of wrk -c100 for
# NGINX_SECS on /api/status through nginx, counting the requests that reached
# chatd (chatd_status_requests_total). Results: WORK/nginx.N.res.
nginx_rate() {
    local dir="$WORK/nginx" run nport before after rps
    if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
        say "wrk or nginx is not installed: no nginx figures"
        return 0
    fi
    mkdir -p "$dir/cache"
    cp "$WORK/template/chatd.db" "$WORK/template/transcript.pub" "$dir/"
    write_config "$dir"
    start_server "$dir/chatd" "$CHATD" --config "$dir/chatd.ini"
    # A port another process takes between the look and nginx's bind is
    # tried again with another one; nginx is ready when it answers.
    local npid="" try
    for ((try = 0; try < 10; try++)); do
        nport="$(free_port)" || { say "no free port below the ephemeral range"; FAILED=1; stop_server; return 0; }
        nginx_conf "$dir" "$nport" >"$dir/nginx.conf"
        nginx -t -q -c "$dir/nginx.conf" -e "$dir/error.log" || { FAILED=1; stop_server; return 0; }
        nginx -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' &
        npid=$!
        while kill -0 "$npid" 2>/dev/null && ! curl -s -o /dev/null "http://127.0.0.1:$nport/healthz"; do
            sleep 0.05
        done
        kill -0 "$npid" 2>/dev/null && break
        wait "$npid" 2>/dev/null || true
        npid=""
    done
    [ -n "$npid" ] || { say "nginx could not bind a port in 10 tries"; FAILED=1; stop_server; return 0; }
    for ((run = 1; run <= RUNS; run++)); do
        before="$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '$1 == "chatd_status_requests_total" { print $2 }')"
        rps="$(wrk -t1 -c100 -d"${NGINX_SECS}s" "http://127.0.0.1:$nport/api/status" | awk '/^Requests\/sec/ { print $2 }')"
        after="$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '$1 == "chatd_status_requests_total" { print $2 }')"
        printf 'nginx_rps %s\nnginx_at_chatd_per_2s %s\nexit 0\n' "$rps" \
            "$(awk -v a="$before" -v b="$after" -v t="$NGINX_SECS" 'BEGIN { printf "%.2f", (b - a) * 2 / t }')" \
            >"$WORK/nginx.$run.res"
    done
    kill "$npid" 2>/dev/null
    wait "$npid" 2>/dev/null || true
    stop_server
}

# ---- main --------------------------------------------------------------------------

# wanted NAME: whether scenario NAME runs (--only)
wanted() {
    [ -z "$ONLY" ] || [[ "$ONLY" == *",$1,"* ]]
}

# per process (chatd or the load generator): the largest scenario's sockets
NEED_FDS=$((VISITORS > 2 * CHATS ? VISITORS : 2 * CHATS))
NEED_FDS=$(((NEED_FDS > SUBS ? NEED_FDS : SUBS) + 256))
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge "$NEED_FDS" ] ||
    die "ulimit -n is $(ulimit -n); $NEED_FDS open files are needed (raise the hard limit)"

START=$SECONDS
LOAD="$(cut -d' ' -f1 /proc/loadavg)"
awk -v l="$LOAD" 'BEGIN { exit !(l > 0.5) }' &&
    say "warning: the load average is $LOAD before the run; other work on this machine skews the figures"
build
WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatd-bench.XXXXXX")"
HOURS_VALUE="$(topic_hours)"
prepare

if wanted queue; then
    say "scenario: $VISITORS visitors queued across $TOPICS topics"
    scenario queue chatd queue --visitors "$VISITORS" --topics "$TOPICS"
fi
if wanted head; then
    say "scenario: head of a $HEAD_VISITORS-long queue served"
    scenario head chatd head --visitors "$HEAD_VISITORS" --trials "$HEAD_TRIALS" --tokens "$WORK/tokens.txt"
fi
if wanted chat; then
    say "scenario: $CHATS chats, burst then $RATE msg/s"
    scenario chat chatd chat --chats "$CHATS" --topics "$TOPICS" --tokens "$WORK/tokens.txt" \
        --burst "$BURST" --rate "$RATE" --duration "$DURATION"
fi
if wanted flood; then
    say "scenario: $CHATS chats, $WINDOW messages in flight per connection for $FLOOD s"
    scenario flood chatd chat --chats "$CHATS" --topics "$TOPICS" --tokens "$WORK/tokens.txt" \
        --flood "$FLOOD" --window "$WINDOW"
fi
if wanted logins; then
    say "scenario: $RATE msg/s with $LOGINS logins a second"
    scenario logins chatd chat --chats "$CHATS" --topics "$TOPICS" --tokens "$WORK/tokens.txt" \
        --rate "$RATE" --duration "$DURATION" --logins "$LOGINS" --churn-pool "$CHURN_POOL"
fi
if wanted status; then
    say "scenario: $SUBS status.v1 subscribers"
    scenario status chatd status --subs "$SUBS" --trials "$STATUS_TRIALS"
fi
if wanted statuspoll; then
    say "scenario: $SUBS status.v1 subscribers on lws's poll() loop"
    EVLOOP=poll scenario statuspoll chatd status --subs "$SUBS" --trials "$STATUS_TRIALS"
fi
if wanted http; then
    say "scenario: GET /api/status against /healthz, wrk -c100 keep-alive"
    http_rates
fi
if wanted nginx; then
    say "scenario: /api/status through nginx as shipped"
    nginx_rate
fi
if wanted echo; then
    say "scenario: echod, $ECHO_CONNS connections"
    scenario echo echod echo --conns "$ECHO_CONNS" --burst "$BURST" --flood "$FLOOD" --window "$WINDOW" \
        --rate "$RATE" --duration "$DURATION"
fi

table
say "done in $((SECONDS - START)) s"
if [ "$FAILED" -ne 0 ]; then
    say "FAILED: a scenario did not pass its checks (see above)"
    exit 1
fi
