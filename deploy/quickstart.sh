#!/usr/bin/env bash
# quickstart.sh: build chatd and run a local demo on http://localhost:8080/:
# two organisations of a federation (west and east, config/demo.ini.in) on
# one chatd, each with its own keys and a demo worker.
#
# For a fresh Debian 12, run as root from anywhere:  deploy/quickstart.sh
# Safe to run again: it installs only missing packages, rebuilds incrementally
# and keeps the demo config, key pair and user made by an earlier run.
#
# Everything the demo writes lives in <repo>/var:
#   demo.ini             config made from config/demo.ini.in
#   chatd.db             the SQLite database
#   transcript.pub/.key  west's transcript key pair; the secret key is encrypted
#   demo-passphrase.txt  the passphrase of transcript.key (mode 600)
#   letters.pub/.key     west's letters key pair (the youth topic takes letters)
#   demo-letters-passphrase.txt  the passphrase of letters.key (mode 600)
#   east/                east's key pairs and passphrases, the same names
#   demo-password.txt    the password of the console user "demo", an admin
#                        of both orgs (mode 600)
#   demo-west-password.txt, demo-east-password.txt  the passwords of the
#                        workers "west" and "east", one of each org
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
    libsqlite3-dev libsodium-dev libjansson-dev libinih-dev libglpk-dev)

say() {
    printf 'quickstart: %s\n' "$*"
}

die() {
    printf 'quickstart: %s\n' "$*" >&2
    exit 1
}

is_installed() {
    grep -q '^Status: install ok installed$' <<<"$(dpkg -s "$1" 2>/dev/null)"
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

# Makes a transcript and a letters key pair in DIR (an org's), once, with
# their passphrases in DIR/demo-passphrase.txt and demo-letters-passphrase.txt.
make_keys() {
    local dir="$1" pass
    mkdir -p "$dir"
    if [ -e "$dir/transcript.pub" ]; then
        say "keeping transcript key pair in $dir"
    else
        pass="$(random_secret)"
        printf '%s\n' "$pass" >"$dir/demo-passphrase.txt"
        chmod 600 "$dir/demo-passphrase.txt"
        printf '%s\n' "$pass" | "$CHATADMIN" --config "$CONF" keygen --out "$dir"
        say "made transcript key pair in $dir"
    fi
    if [ -e "$dir/letters.pub" ]; then
        say "keeping letters key pair in $dir"
    else
        pass="$(random_secret)"
        printf '%s\n' "$pass" >"$dir/demo-letters-passphrase.txt"
        chmod 600 "$dir/demo-letters-passphrase.txt"
        printf '%s\n' "$pass" | "$CHATADMIN" --config "$CONF" letters keygen --out "$dir"
        say "made letters key pair in $dir"
    fi
}

# Whether the config is the two-org demo (a var/demo.ini written before it
# has one org and is kept as it is).
is_federation() {
    grep -q '^\[org east\]' "$CONF"
}

# make_user NAME ROLE ALIAS PASSWORD_FILE [ORGS]: a console user, once.
make_user() {
    local name="$1" role="$2" alias="$3" file="$4" orgs="${5:-}" users pass
    users="$("$CHATADMIN" --config "$CONF" user list)"
    if printf '%s\n' "$users" | awk -v n="$name" '$1 == n { found = 1 } END { exit !found }'; then
        say "keeping console user $name"
        return
    fi
    pass="$(random_secret)"
    printf '%s\n' "$pass" >"$file"
    chmod 600 "$file"
    if [ -n "$orgs" ]; then
        printf '%s\n' "$pass" | "$CHATADMIN" --config "$CONF" user add "$name" --role "$role" \
            --alias "$alias" --org "$orgs"
    else
        printf '%s\n' "$pass" | "$CHATADMIN" --config "$CONF" user add "$name" --role "$role" \
            --alias "$alias"
    fi
    say "made console user $name"
}

make_users() {
    if ! is_federation; then
        make_user demo admin Demo "$VAR/demo-password.txt"
        return
    fi
    make_user demo admin Demo "$VAR/demo-password.txt" '*'
    make_user west worker West "$VAR/demo-west-password.txt" west
    make_user east worker East "$VAR/demo-east-password.txt" east
}

# Brings in example statistics, each file once (MARK remembers it), so that
# the statistics page shows a real plan: config/example-stats.csv (west's
# youth and parents, 2026-10-26..2026-11-22) and config/federation-stats.csv
# (east's topics, the same weeks).
import_stats() {
    local file="$1" mark="$VAR/$2"
    if [ -e "$mark" ]; then
        say "keeping the imported $(basename "$file")"
        return
    fi
    "$CHATADMIN" --config "$CONF" stats import "$file"
    touch "$mark"
}

import_examples() {
    import_stats "$ROOT/config/example-stats.csv" .example-imported
    if is_federation; then
        import_stats "$ROOT/config/federation-stats.csv" .federation-imported
    else
        say "$CONF has one org (made before the federation demo): remove $VAR to start over"
    fi
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
make_keys "$VAR"
if is_federation; then
    make_keys "$VAR/east"
fi
make_users
import_examples

cat <<EOF

  Visitor page:   http://localhost:8080/
  Visitor pages of each org: http://localhost:8080/?org=west  http://localhost:8080/?org=east
  Worker console: http://localhost:8080/console/
    user:         demo (an admin of both orgs)
    password:     $(secret_from "$VAR/demo-password.txt")
    workers:      west / $(secret_from "$VAR/demo-west-password.txt")
                  east / $(secret_from "$VAR/demo-east-password.txt")
  Statistics:     http://localhost:8080/stats/ (user demo)
                  example weeks 2026-10-26..2026-11-22 are imported: see their plan there;
                  both orgs as one pool: $CHATADMIN --config $CONF plan \\
                      --from 2026-10-26 --to 2026-11-22 --pooled
  Transcript key passphrases (for chatadmin transcript show --key DIR/transcript.key):
                  west, $VAR: $(secret_from "$VAR/demo-passphrase.txt")
                  east, $VAR/east: $(secret_from "$VAR/east/demo-passphrase.txt")
  Letters passphrases (the console's Letters view; chatadmin letters show):
                  west: $(secret_from "$VAR/demo-letters-passphrase.txt")
                  east: $(secret_from "$VAR/east/demo-letters-passphrase.txt")

  Stop the demo with Ctrl-C.

EOF

exec "$CHATD" --config "$CONF"
