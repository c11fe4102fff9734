#!/usr/bin/env bash
# package_test.sh: build the chatd .deb, install it on this machine and check
# what an administrator relies on (user, conffile, modes, the daemon running
# as chatd, remove keeps data, purge deletes them), with lintian alongside.
# ctest "package"; tests/run.sh runs it as its own stage.
#
#   tests/package/package_test.sh [OUTDIR]    OUTDIR keeps the built .deb
#
# Exit 77 (ctest SKIP_RETURN_CODE) with the reason when it cannot run: not
# root, no dpkg, or a machine that already has chatd (the package, /etc/chatd
# or /var/lib/chatd), which it will not touch. Everything it adds is removed
# by the EXIT trap, also when a check fails: the package is purged, /etc/chatd
# and /var/lib/chatd deleted, the user and group chatd deleted if it made them.
# $CHATADMIN (set by ctest) is the build tree's chatadmin, used before install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PASSPHRASE='package test passphrase'
PASSWORD='package-test-password'

say() { printf 'package: [%2ds] %s\n' "$SECONDS" "$*"; }
skip() {
    say "SKIPPED: $*"
    exit 77
}
fail() {
    say "FAIL: $*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root: it installs and purges the chatd package"
command -v dpkg >/dev/null || skip "dpkg is missing: not a Debian system"
if [ -n "$(dpkg-query -W -f='${db:Status-Status}' chatd 2>/dev/null)" ] &&
    [ "$(dpkg-query -W -f='${db:Status-Status}' chatd)" != not-installed ]; then
    skip "a chatd package is on this machine ($(dpkg-query -W -f='${db:Status-Abbrev}' chatd)); not touching it"
fi
for d in /etc/chatd /var/lib/chatd; do
    [ ! -e "$d" ] || skip "$d exists; not touching it (remove it to run this test)"
done
for tool in dpkg-buildpackage dh runuser curl; do
    command -v "$tool" >/dev/null || fail "$tool is missing (tests/run.sh installs it)"
done

user_existed=0 group_existed=0
getent passwd chatd >/dev/null && user_existed=1
getent group chatd >/dev/null && group_existed=1
TMP="$(mktemp -d)"
chmod 755 "$TMP" # the chatd user reads the config copy in it
OUT="${1:-$TMP/deb}"
PID="" LINT_PID=""

cleanup() {
    local rc=$?
    set +e
    [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    [ -n "$LINT_PID" ] && kill "$LINT_PID" 2>/dev/null && wait "$LINT_PID" 2>/dev/null
    if [ "$(dpkg-query -W -f='${db:Status-Status}' chatd 2>/dev/null)" != not-installed ] &&
        dpkg-query -W chatd >/dev/null 2>&1; then
        dpkg -P chatd >/dev/null 2>&1 || say "cleanup: dpkg -P chatd failed"
    fi
    rm -rf /etc/chatd /var/lib/chatd
    [ "$user_existed" -eq 0 ] && getent passwd chatd >/dev/null && userdel chatd
    [ "$group_existed" -eq 0 ] && getent group chatd >/dev/null && groupdel chatd
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# expect_file PATH OWNER:GROUP MODE
expect_file() {
    [ -e "$1" ] || fail "$1 is missing"
    local got
    got="$(stat -c '%U:%G %a' "$1")"
    [ "$got" = "$2 $3" ] || fail "$1 is $got, expected $2 $3"
}

# contains FILE TEXT WHAT: FILE must hold TEXT (fixed string)
contains() {
    grep -qF -- "$2" "$1" || {
        cat "$1" >&2
        fail "$3: no \"$2\" in the output above"
    }
}

say "chatadmin without --config before install: a usage error naming the default"
if [ -x "${CHATADMIN:-}" ]; then
    set +e
    "$CHATADMIN" user list >"$TMP/out" 2>&1
    rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "chatadmin user list without a config exited $rc, expected 2"
    contains "$TMP/out" "/etc/chatd/chatd.ini does not exist" "chatadmin without config"
else
    say "(no \$CHATADMIN given: this check is left out)"
fi

say "building the .deb into $OUT"
DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=$(nproc)" "$ROOT/deploy/build-deb.sh" "$OUT" >"$TMP/build.out"
DEB="$(tail -n 1 "$TMP/build.out")"
[ -f "$DEB" ] || fail "build-deb.sh did not name a .deb: $(cat "$TMP/build.out")"
say "built $DEB"

# lintian takes ~15 s: it runs while the package is exercised.
if command -v lintian >/dev/null; then
    lintian --no-cfg --display-info "$DEB" >"$TMP/lintian.out" 2>&1 &
    LINT_PID=$!
else
    fail "lintian is missing (apt-get install lintian; tests/run.sh installs it)"
fi

say "metadata: Depends from dpkg-shlibdeps, conffile"
deps="$(dpkg-deb -f "$DEB" Depends)"
for lib in adduser libc6 libsodium23 libwebsockets17 libsqlite3-0 libjansson4 libinih1; do
    case ", $deps," in *", $lib "* | *", $lib,"*) ;; *) fail "Depends lacks $lib: $deps" ;; esac
done
dpkg-deb -e "$DEB" "$TMP/control"
[ "$(cat "$TMP/control/conffiles")" = /etc/chatd/chatd.ini ] ||
    fail "conffiles: $(cat "$TMP/control/conffiles"), expected /etc/chatd/chatd.ini"
# not world-readable from the unpacking on (postinst gives it to the group chatd)
dpkg-deb -c "$DEB" >"$TMP/contents"
grep -q '^-rw-r----- root/root .* \./etc/chatd/chatd\.ini$' "$TMP/contents" ||
    fail "the .deb holds /etc/chatd/chatd.ini with another mode: $(grep chatd.ini "$TMP/contents")"

say "dpkg -i"
dpkg -i "$DEB" >"$TMP/install.out" 2>&1 || {
    cat "$TMP/install.out" >&2
    fail "dpkg -i failed"
}
contains "$TMP/install.out" "chatadmin keygen --out /etc/chatd" "postinst's next steps"
contains "$TMP/install.out" "transcript.key OFF this server" "postinst's next steps"
contains "$TMP/install.out" "runuser -u chatd -- chatadmin user add" "postinst's next steps"

say "user, directories, files and modes"
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd chatd) || fail "no user chatd"
[ "$uid" -lt 1000 ] || fail "chatd has uid $uid: not a system user"
[ "$home" = /var/lib/chatd ] || fail "chatd's home is $home"
[ "$shell" = /usr/sbin/nologin ] || fail "chatd's shell is $shell"
expect_file /var/lib/chatd chatd:chatd 700
expect_file /etc/chatd root:root 755
expect_file /etc/chatd/chatd.ini root:chatd 640 # it may hold metrics_token
expect_file /usr/bin/chatd root:root 755
expect_file /usr/bin/chatadmin root:root 755
expect_file /usr/share/chatd/web/index.html root:root 644
expect_file /usr/share/chatd/web/console/index.html root:root 644
expect_file /lib/systemd/system/chatd.service root:root 644
for page in man8/chatd.8.gz man8/chatadmin.8.gz man5/chatd.ini.5.gz; do
    expect_file "/usr/share/man/$page" root:root 644
done
for f in copyright changelog.gz prometheus-rules.yml; do
    [ -e "/usr/share/doc/chatd/$f" ] || fail "/usr/share/doc/chatd/$f is missing"
done
for line in data_dir=/var/lib/chatd web_root=/usr/share/chatd/web \
    transcript_key=/etc/chatd/transcript.pub; do
    grep -qx "${line%%=*} = ${line#*=}" /etc/chatd/chatd.ini ||
        fail "/etc/chatd/chatd.ini does not set ${line%%=*} = ${line#*=}"
done
unit=/lib/systemd/system/chatd.service
for line in ConditionPathExists=/etc/chatd/transcript.pub LimitNOFILE=65536 LimitCORE=0 \
    User=chatd NoNewPrivileges=yes ProtectSystem=strict ReadWritePaths=/var/lib/chatd \
    CapabilityBoundingSet= SystemCallFilter=@system-service 'SystemCallFilter=~@privileged @resources' \
    ProtectClock=yes ProtectKernelLogs=yes ProtectHostname=yes RestrictSUIDSGID=yes \
    MemoryDenyWriteExecute=yes ProtectProc=invisible ProcSubset=pid PrivateMounts=yes RemoveIPC=yes; do
    grep -qx -- "$line" "$unit" || fail "$unit lacks $line"
done
# verify exits 0 on a key it cannot parse; its complaints are the signal.
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify "$unit" >"$TMP/verify.out" 2>&1 || true
    if [ -s "$TMP/verify.out" ]; then
        cat "$TMP/verify.out" >&2
        fail "systemd-analyze verify $unit complains (above)"
    fi
fi
# The exposure systemd gives the unit (0 safest, 10 worst): 2.3 before
# issue 25, 1.4 after.
if command -v systemd-analyze >/dev/null; then
    exposure="$(systemd-analyze security --offline=yes "$unit" 2>/dev/null |
        sed -n 's/.*Overall exposure level for chatd.service: \([0-9.]*\).*/\1/p')"
    say "systemd-analyze security: exposure $exposure"
    [ -n "$exposure" ] || fail "systemd-analyze security --offline=yes $unit gave no exposure level"
    awk -v e="$exposure" 'BEGIN { exit !(e <= 1.5) }' || fail "the unit's exposure is $exposure, above 1.5"
fi
wants=/etc/systemd/system/multi-user.target.wants/chatd.service
[ "$(readlink "$wants")" = "$unit" ] || fail "chatd.service is not enabled ($wants)"

say "chatd --check before the key exists: refused, naming the key"
set +e
chatd --config /etc/chatd/chatd.ini --check >"$TMP/out" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "chatd --check without a key exited $rc, expected 1"
contains "$TMP/out" "/etc/chatd/transcript.pub" "chatd --check without a key"

say "chatadmin keygen --out /etc/chatd (config found without --config)"
printf '%s\n' "$PASSPHRASE" | chatadmin keygen --out /etc/chatd >/dev/null
expect_file /etc/chatd/transcript.pub root:root 644
expect_file /etc/chatd/transcript.key root:root 600
chatd --config /etc/chatd/chatd.ini --check >"$TMP/out" 2>&1 || {
    cat "$TMP/out" >&2
    fail "chatd --check with the key failed"
}

say "CHATD_TEST_CLOCK set: the package's chatd has no test clock and refuses (78)"
set +e
CHATD_TEST_CLOCK=1 chatd --config /etc/chatd/chatd.ini --check >"$TMP/out" 2>&1
rc=$?
set -e
[ "$rc" -eq 78 ] || fail "chatd with CHATD_TEST_CLOCK=1 exited $rc, expected 78"
contains "$TMP/out" "CHATD_TEST_CLOCK" "chatd with CHATD_TEST_CLOCK=1"

say "chatadmin as root on chatd's data: refused, no root-owned database"
set +e
chatadmin user list >"$TMP/out" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "chatadmin user list as root exited $rc, expected 1"
contains "$TMP/out" "runuser -u chatd" "chatadmin as root"
[ ! -e /var/lib/chatd/chatd.db ] || fail "chatadmin as root created /var/lib/chatd/chatd.db"

say "runuser -u chatd -- chatadmin user add"
printf '%s\n' "$PASSWORD" | runuser -u chatd -- chatadmin user add boss --role admin >/dev/null
runuser -u chatd -- chatadmin user list >"$TMP/out"
contains "$TMP/out" "boss admin boss" "chatadmin user list"
expect_file /var/lib/chatd/chatd.db chatd:chatd 600

say "chatd as user chatd on a free port"
sed 's/^listen_port = .*/listen_port = 0/' /etc/chatd/chatd.ini >"$TMP/chatd.ini"
chmod 644 "$TMP/chatd.ini"
: >"$TMP/chatd.out" # there before the loop below reads it (the job opens it when it runs)
: >"$TMP/chatd.err"
runuser -u chatd -- chatd --config "$TMP/chatd.ini" >"$TMP/chatd.out" 2>"$TMP/chatd.err" &
PID=$!
port=""
for _ in $(seq 100); do
    port="$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$TMP/chatd.out")"
    [ -n "$port" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
done
[ -n "$port" ] || {
    cat "$TMP/chatd.err" >&2
    fail "chatd did not print \"listening on PORT\" within 10 s"
}
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")"
[ "$code" = 200 ] || fail "GET /healthz answered $code"
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")"
[ "$code" = 200 ] || fail "GET / (the visitor page from /usr/share/chatd/web) answered $code"
curl -s "http://127.0.0.1:$port/metrics" >"$TMP/metrics"
contains "$TMP/metrics" 'chatd_topic_open{topic="youth"}' "GET /metrics"
# runuser answers SIGTERM itself (exit 143): the signal goes to chatd, and
# runuser passes on chatd's exit status.
daemon="$(pgrep -P "$PID" -x chatd)" || fail "no chatd process under runuser $PID"
[ "$(ps -o user= -p "$daemon")" = chatd ] || fail "chatd runs as $(ps -o user= -p "$daemon")"
kill -TERM "$daemon"
set +e
wait "$PID"
rc=$?
set -e
PID=""
[ "$rc" -eq 0 ] || {
    cat "$TMP/chatd.err" >&2
    fail "chatd exited $rc on SIGTERM, expected 0"
}
stray="$(find /var/lib/chatd ! -user chatd)"
[ -z "$stray" ] || fail "not owned by chatd: $stray"

say "reinstall (an upgrade's path): the edited conffile and the data are kept"
printf '; edited by the package test\n' >>/etc/chatd/chatd.ini
dpkg -i "$DEB" >"$TMP/install.out" 2>&1 || {
    cat "$TMP/install.out" >&2
    fail "dpkg -i over the installed package failed"
}
contains /etc/chatd/chatd.ini "; edited by the package test" "the conffile after reinstall"
expect_file /etc/chatd/chatd.ini root:chatd 640
[ ! -e /etc/chatd/chatd.ini.dpkg-new ] || fail "dpkg left chatd.ini.dpkg-new"
runuser -u chatd -- chatadmin user list >"$TMP/out"
contains "$TMP/out" "boss admin boss" "chatadmin user list after reinstall"
if grep -qF "chatadmin keygen --out" "$TMP/install.out"; then
    fail "postinst printed the key instructions although the key exists"
fi
contains "$TMP/install.out" "transcript.key is still on this server" "postinst's key reminder"

say "dpkg -r: program gone, config, key, data and user kept"
dpkg -r chatd >/dev/null 2>&1
[ ! -e /usr/bin/chatd ] || fail "/usr/bin/chatd is still there after dpkg -r"
for f in /etc/chatd/chatd.ini /etc/chatd/transcript.pub /etc/chatd/transcript.key \
    /var/lib/chatd/chatd.db; do
    [ -e "$f" ] || fail "dpkg -r deleted $f"
done
getent passwd chatd >/dev/null || fail "dpkg -r deleted the user chatd"

say "dpkg -P: data and config gone, transcript.key kept with a warning"
dpkg -P chatd >"$TMP/purge.out" 2>&1 || {
    cat "$TMP/purge.out" >&2
    fail "dpkg -P failed"
}
for f in /var/lib/chatd /etc/chatd/chatd.ini /etc/chatd/transcript.pub "$wants"; do
    if [ -e "$f" ] || [ -L "$f" ]; then fail "dpkg -P left $f"; fi
done
[ -e /etc/chatd/transcript.key ] || fail "dpkg -P deleted /etc/chatd/transcript.key"
contains "$TMP/purge.out" "kept /etc/chatd/transcript.key" "dpkg -P"
[ "$(dpkg-query -W -f='${db:Status-Status}' chatd 2>/dev/null || echo not-installed)" = not-installed ] ||
    fail "dpkg still knows chatd after purge"

say "lintian"
set +e
wait "$LINT_PID"
rc=$?
set -e
LINT_PID=""
# Its complaint about root has no newline: cut it off where it stands.
sed 's/running with root privileges is not recommended!//' "$TMP/lintian.out" | grep . >"$TMP/lintian.txt" || true
cat "$TMP/lintian.txt"
if [ "$rc" -ne 0 ] || grep -q '^E: ' "$TMP/lintian.txt"; then
    fail "lintian reports errors (exit $rc)"
fi

say "ok"
