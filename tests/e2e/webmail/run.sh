#!/usr/bin/env bash
# tests/e2e/webmail/run.sh [FILE...] — the webmail end-to-end tests: builds the
# wasm core, the extension and the host (unless TESSERA_SKIP_BUILD=1), then runs
# node --test on tests/e2e/webmail/*.e2e.mjs (or FILE...) inside the virtual
# card's namespaces (scripts/lib/with-virtual-card.sh: private net, PID, mount)
# and, nested in those, the Roundcube stack (tests/webmail/with-webmail.sh:
# private PID and mount; it shares the card's network namespace, so Roundcube,
# Dovecot, the relay, pcscd and Chromium all meet on that namespace's loopback).
#
# The card is provisioned as Bob's ("Bob Example <bob@example.test>"); Alice's
# key is the host's soft token in her own profile (see README.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cd "$repo"

if [ "${TESSERA_SKIP_BUILD:-}" != 1 ]; then
  flock /tmp/tessera-wasm.lock scripts/lib/wasm.sh build
  (cd extension && npm run --silent build)
  cargo build -p tessera-host --locked
fi

# The editor zoo's pages (real CKEditor, TinyMCE, Quill, Tiptap from npm), built once and cached.
tests/e2e/fixtures/editors/setup.sh >/dev/null

if [ $# -eq 0 ]; then
  set -- "$here"/*.e2e.mjs
fi

export TESSERA_TEST_CARD_UID="Bob Example <bob@example.test>"
export TESSERA_TEST_CARD_GIVEN_NAME=Bob TESSERA_TEST_CARD_SURNAME=Example
# The spec report as before, and the count per browser (../browser-counts.mjs) at the end.
export TESSERA_COUNTS_LABEL="webmail end-to-end"
exec scripts/lib/with-virtual-card.sh tests/webmail/with-webmail.sh \
  node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./tests/e2e/browser-counts.mjs --test-reporter-destination=stdout "$@"
