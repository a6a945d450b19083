#!/usr/bin/env bash
# Runs the browser end-to-end tests with every real part:
#   the wasm core (scripts/lib/wasm.sh build), the extension (extension/dist),
#   the host (target/debug/tessera-host), and pcscd + a virtual OpenPGP card.
#
#   tests/e2e/run.sh [node --test args...]     e.g. tests/e2e/run.sh --test-name-pattern='^C'
#
# Assumes the host is built (cargo build -p tessera-host) and the Debian
# packages are in (scripts/lib/system-deps.sh).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"

[ -x target/debug/tessera-host ] || { echo "run.sh: build the host first: cargo build -p tessera-host" >&2; exit 1; }
scripts/lib/wasm.sh build
# Again when the lock changed since the last install (a new fixture library).
(cd tests && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; })
(cd extension && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && node build.mjs)
# TAP on stdout as before, and the count per browser (browser-counts.mjs) at the end.
exec scripts/lib/with-virtual-card.sh node --test \
  --test-reporter=tap --test-reporter-destination=stdout \
  --test-reporter=./tests/e2e/browser-counts.mjs --test-reporter-destination=stdout \
  "$@" tests/e2e/
