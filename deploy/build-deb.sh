#!/usr/bin/env bash
# build-deb.sh: build the chatd Debian package (debian/) in a scratch copy of
# the tree and put the .deb files into OUTDIR. dpkg-buildpackage writes into
# the parent directory of the tree and leaves obj-*/ and debian/chatd/ in it;
# the copy keeps the tree and its parent clean.
#
#   deploy/build-deb.sh [OUTDIR]        OUTDIR defaults to build/deb
#
# Needs dpkg-dev, debhelper and the build dependencies in debian/control
# (the ones deploy/quickstart.sh installs). Prints the path of the chatd .deb
# on its last line of stdout; the build log is shown only when the build fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/build/deb}"

die() {
    printf 'build-deb: %s\n' "$*" >&2
    exit 1
}

command -v dpkg-buildpackage >/dev/null || die "dpkg-buildpackage is missing (apt-get install dpkg-dev)"
command -v dh >/dev/null || die "dh is missing (apt-get install debhelper)"

# One version, two places: the package's (debian/changelog) and CMake's.
deb_version="$(cd "$ROOT" && dpkg-parsechangelog -S Version)"
cmake_version="$(sed -n 's/^project(chatd VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")"
[ -n "$cmake_version" ] || die "no 'project(chatd VERSION ...)' line in CMakeLists.txt"
[ "$deb_version" = "$cmake_version" ] ||
    die "debian/changelog says $deb_version, CMakeLists.txt says $cmake_version: add a changelog entry (dch -v $cmake_version)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/chatd"
# What .gitignore ignores, and .git, stays behind; so do the page tests' screenshots,
# which another lane of tests/run.sh may be writing meanwhile.
tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./var \
    --exclude=node_modules --exclude='*.db' --exclude='*.db-wal' --exclude='*.db-shm' \
    --exclude=./tests/pages/screenshots \
    -cf - . | tar -C "$work/chatd" -xf -

if ! (cd "$work/chatd" && DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck parallel=$(nproc)}" \
    dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    die "dpkg-buildpackage failed (last lines of its log above)"
fi

mkdir -p "$OUT"
arch="$(dpkg-architecture -qDEB_HOST_ARCH)"
deb="$OUT/chatd_${deb_version}_${arch}.deb"
cp "$work"/*.deb "$OUT/"
[ -f "$deb" ] || die "dpkg-buildpackage made no $(basename "$deb")"
printf '%s\n' "$deb"
