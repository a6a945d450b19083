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
reporters=(--test-reporter=tap --test-reporter-destination=stdout
  --test-reporter=./tests/e2e/browser-counts.mjs --test-reporter-destination=stdout)
status=0
scripts/lib/with-virtual-card.sh node --test "${reporters[@]}" "$@" tests/e2e/ || status=$?
# Card set-up factory-resets its card and generates keys on it: a card of its own,
# after the others (its file name is outside node --test's default patterns).
TESSERA_COUNTS_LABEL="card set-up end-to-end" scripts/lib/with-virtual-card.sh \
  node --test "${reporters[@]}" "$@" tests/e2e/card-setup.own-card.mjs || status=$?
exit "$status"
