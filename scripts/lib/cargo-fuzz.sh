#!/usr/bin/env bash
# Prints the path of the cargo-fuzz binary the fuzz scripts use, installing it
# first (from crates.io, once per version) into the tessera cache, like the
# virtual card (vcard.sh) and wasm-bindgen (wasm.sh): CI builds it once.
# Progress goes to stderr; stdout is only the path. Safe to run concurrently
# (a lock serialises installs).
set -euo pipefail

version=0.13.2
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tessera"
root="$cache/cargo-fuzz-$version"
bin="$root/bin/cargo-fuzz"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/cargo-fuzz-install.lock"
flock 9
if [ ! -x "$bin" ]; then # another process may have installed it while we waited
  echo "tessera: installing cargo-fuzz $version into $root (once; a few minutes)..." >&2
  # Without --locked, as for wasm-bindgen-cli: the registry mirror may lack a
  # version pinned in the tool's own lock file.
  CARGO_TARGET_DIR="$cache/cargo-install-target" \
    cargo install cargo-fuzz --version "$version" --root "$root" >&2
fi
echo "$bin"
