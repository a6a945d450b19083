#!/usr/bin/env bash
# Prints the path of the test-only virtual OpenPGP card binary (tessera-vcard),
# building it first if the cached copy for the current source is missing.
#
# The cache key is the sha256 of tests/virtual-card's Cargo.toml, Cargo.lock and
# src/ files, so the card is built once and rebuilt only when its source changes.
# Progress goes to stderr; stdout is only the path. Safe to run concurrently
# (a lock serialises builds).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
crate="$repo/tests/virtual-card"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tessera"
target_dir="$cache/vcard-target"
bin_dir="$cache/bin"

hash=$(
  cd "$crate" &&
    find Cargo.toml Cargo.lock src -type f -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -d" " -f1
)
bin="$bin_dir/tessera-vcard-$hash"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$bin_dir" "$target_dir"
exec 9>"$cache/vcard-build.lock"
flock 9
if [ ! -x "$bin" ]; then # another process may have built it while we waited
  echo "tessera: building the virtual card (release, first time takes a few minutes)..." >&2
  start=$(date +%s)
  CARGO_TARGET_DIR="$target_dir" cargo build --release --locked \
    --manifest-path "$crate/Cargo.toml" --bin tessera-vcard >&2
  cp "$target_dir/release/tessera-vcard" "$bin.tmp.$$"
  mv -f "$bin.tmp.$$" "$bin"
  echo "tessera: built $bin in $(($(date +%s) - start)) s" >&2
fi
echo "$bin"
