#!/usr/bin/env bash
# quickstart.sh: build chatd and run a local demo on http://localhost:8080/.
#
# For a fresh Debian 12, run as root from anywhere:  deploy/quickstart.sh
# Safe to run again: it installs only missing packages, rebuilds incrementally
# and keeps the demo config, key pair and user made by an earlier run.
#
# Everything the demo writes lives in <repo>/var:
#   demo.ini             config made from config/demo.ini.in
#   chatd.db             the SQLite database
#   transcript.pub/.key  transcript key pair; the secret key is encrypted
#   demo-passphrase.txt  the passphrase of transcript.key (mode 600)
#   letters.pub/.key     letters key pair (the youth topic takes letters)
#   demo-letters-passphrase.txt  the passphrase of letters.key (mode 600)
#   demo-password.txt    the password of the console user "demo" (mode 600)
#
# The demo keeps the secret transcript key next to the server for
# convenience; a real installation must not (see README.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
CONF="$VAR/demo.ini"
CHATD="$ROOT/build/chatd"
CHATADMIN="$ROOT/build/chatadmin"

PACKAGES=(build-essential cmake pkg-config libwebsockets-dev libwebsockets-evlib-ev libev-dev libssl-dev
    libsqlite3-dev libsodium-dev libjansson-dev libinih-dev)

say() {
    printf 'quickstart: %s\n' "$*"
}

die() {
    printf 'quickstart: %s\n' "$*" >&2
    exit 1
}

is_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

# Prints 16 random characters from [A-Za-z0-9].
random_secret() {
    local s=""
    while [ "${#s}" -lt 16 ]; do
        s="$s$(head -c 48 /dev/urandom | base64 -w 0 | tr -d '+/=')"
    done
    printf '%s\n' "${s:0:16}"
}

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        is_installed "$p" || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        say "build dependencies already installed"
        return
    fi
    [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
    say "building in $ROOT/build"
    # Two commands rather than "a && b": set -e ignores a failure left of &&.
    # The tests are not built (they need cmocka, node, chromium); tests/run.sh
    # turns them back on in the same tree. The build type is the one run.sh
    # uses, so that the two scripts do not rebuild everything for each other.
    cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCHAT_SANITIZE=OFF -DCHAT_TESTS=OFF
    cmake --build "$ROOT/build" -j"$(nproc)"
    if [ ! -x "$CHATD" ] || [ ! -x "$CHATADMIN" ]; then
        die "build did not produce $CHATD and $CHATADMIN"
    fi
}

write_config() {
    if [ -e "$CONF" ]; then
        say "keeping $CONF"
        return
    fi
    # Escape the characters sed treats specially in a replacement.
    local root_esc
    root_esc="$(printf '%s' "$ROOT" | sed -e 's/[\\|&]/\\&/g')"
    sed -e "s|@ROOT@|$root_esc|g" "$ROOT/config/demo.ini.in" >"$CONF.tmp"
    mv "$CONF.tmp" "$CONF"
    say "wrote $CONF"
}

make_keys() {
    if [ -e "$VAR/transcript.pub" ]; then
        say "keeping transcript key pair in $VAR"
        return
    fi
    local pass
    pass="$(random_secret)"
    printf '%s\n' "$pass" >"$VAR/demo-passphrase.txt"
    chmod 600 "$VAR/demo-passphrase.txt"
    printf '%s\n' "$pass" | "$CHATADMIN" --config "$CONF" keygen --out "$VAR"
    say "made transcript key pair in $VAR"
}

make_letters_keys() {
    if [ -e "$VAR/letters.pub" ]; then
        say "keeping letters key pair in $VAR"
        return
    fi
    local pass
    pass="$(random_secret)"
    printf '%s\n' "$pass" >"$VAR/demo-letters-passphrase.txt"
    chmod 600 "$VAR/demo-letters-passphrase.txt"
    printf '%s\n' "$pass" | "$CHATADMIN" --config "$CONF" letters keygen --out "$VAR"
    say "made letters key pair in $VAR"
}

make_user() {
    local users
    users="$("$CHATADMIN" --config "$CONF" user list)"
    if printf '%s\n' "$users" | awk '$1 == "demo" { found = 1 } END { exit !found }'; then
        say "keeping console user demo"
        return
    fi
    local pass
    pass="$(random_secret)"
    printf '%s\n' "$pass" >"$VAR/demo-password.txt"
    chmod 600 "$VAR/demo-password.txt"
    printf '%s\n' "$pass" | "$CHATADMIN" --config "$CONF" user add demo --role admin --alias Demo
    say "made console user demo"
}

# Brings in four weeks of example statistics (config/example-stats.csv,
# 2026-10-26..2026-11-22), once, so that the statistics page shows a real
# plan; .example-imported remembers it.
import_example() {
    if [ -e "$VAR/.example-imported" ]; then
        say "keeping the imported example statistics"
        return
    fi
    "$CHATADMIN" --config "$CONF" stats import "$ROOT/config/example-stats.csv"
    touch "$VAR/.example-imported"
}

# Prints the first line of FILE, or a note when FILE is missing.
secret_from() {
    if [ -r "$1" ]; then
        head -n 1 "$1"
    else
        printf '(unknown: %s is missing)\n' "$1"
    fi
}

install_packages
build
mkdir -p "$VAR"
chmod 700 "$VAR"
umask 077
write_config
make_keys
make_letters_keys
make_user
import_example

cat <<EOF

  Visitor page:   http://localhost:8080/
  Worker console: http://localhost:8080/console/
    user:         demo
    password:     $(secret_from "$VAR/demo-password.txt")
  Statistics:     http://localhost:8080/stats/ (same user; demo is an admin)
                  example weeks 2026-10-26..2026-11-22 are imported: see their plan there
  Transcript key passphrase (for chatadmin transcript show --key $VAR/transcript.key):
                  $(secret_from "$VAR/demo-passphrase.txt")
  Letters passphrase (the console's Letters view; chatadmin letters show):
                  $(secret_from "$VAR/demo-letters-passphrase.txt")

  Stop the demo with Ctrl-C.

EOF

exec "$CHATD" --config "$CONF"
