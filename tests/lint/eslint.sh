#!/usr/bin/env bash
# eslint.sh: lints the pages' scripts (chatd/web/**/*.js) and the JavaScript
# tests (tests/**/*.mjs) with tests/eslint.config.mjs; any problem, warning
# or error, fails. Needs `npm ci` in tests/ first (eslint is a devDependency).
#   tests/lint/eslint.sh [FILE...]
# ESLint lints only files under its working directory, so it runs from the
# top of the repository, with the config and the binary of tests/.
set -euo pipefail
tests=$(cd "$(dirname "$0")/.." && pwd)
cd "$tests/.."
eslint="$tests/node_modules/.bin/eslint"
[ -x "$eslint" ] || { echo "eslint.sh: run 'npm ci' in $tests first" >&2; exit 2; }
if [ "$#" -eq 0 ]; then set -- chatd/web tests; fi
exec "$eslint" --config tests/eslint.config.mjs --max-warnings 0 --no-warn-ignored "$@"
