# Shared by scripts/test, scripts/demo and scripts/bench. Source it; do not run it.
# shellcheck shell=bash

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export REPO
# Tests must never see a developer's real token data or browser profile.
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

say() { printf '%s: %s\n' "${TESSERA_SCRIPT:-tessera}" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# npm packages: the extension's (its build and lint tools) and the tests' (browser drivers and
# fixture libraries, also used by the demo and the benchmarks; never shipped).
ensure_node_modules() {
  local dir
  for dir in "$REPO/extension" "$REPO/tests"; do
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      say "installing the npm packages of ${dir#"$REPO"/}"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}
