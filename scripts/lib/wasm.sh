#!/usr/bin/env bash
# Builds and tests tessera-core (wasm-core/) as WebAssembly for the extension.
#
#   scripts/lib/wasm.sh [build] [--dev]   build wasm-core/pkg/tessera_core{.js,_bg.wasm,.d.ts},
#                                         wasm-core/pkg-credentials/tessera_credentials{…}
#                                         and wasm-core/pkg-protocol/tessera_protocol{…}
#   scripts/lib/wasm.sh test              run wasm-core/tests/web*.rs in headless Chromium, then
#                                         the credentials module's tests (origin, OTP) there
#   scripts/lib/wasm.sh build --bench     the benchmark build (feature `bench`) into target/wasm-bench-pkg
#
# Toolchain: rustup's cargo when its toolchain has the wasm32-unknown-unknown
# target; otherwise Debian's rustc-web with -Zbuild-std (see
# ../shared/notes/wasm-toolchain.md). Both build into $REPO/target/wasm only,
# never into the host build's target dirs.
#
# Idempotent and incremental: cargo rebuilds only what changed, wasm-bindgen and
# wasm-opt run only when their input is newer than pkg/, and wasm-bindgen-cli is
# built once per version into ${XDG_CACHE_HOME:-~/.cache}/tessera.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CRATE_DIR=$REPO/wasm-core
PKG_DIR=$CRATE_DIR/pkg
TARGET=wasm32-unknown-unknown
TARGET_DIR=$REPO/target/wasm
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/tessera

say() { echo "wasm.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
  sed -n '4,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# --- arguments ---------------------------------------------------------------
cmd=build
profile=wasm-release
# Three modules from one crate (wasm-core/Cargo.toml says why): tessera_core
# (OpenPGP, MIME), tessera_credentials (autofill: pass entries, OTP, origin
# binding) and tessera_protocol (the host protocol codec), each loaded by the
# service worker when first needed. The benchmark build adds `bench` and builds
# only the first.
FEATURES=(--no-default-features --features openpgp)
OUT_NAME=tessera_core
SMALL_MODULES=1
for arg in "$@"; do
  case $arg in
    build | test) cmd=$arg ;;
    --dev) profile=dev ;;
    # Benchmark build (scripts/bench core): adds the `bench` feature's exports,
    # in its own target and output dirs so it never replaces the extension's pkg/.
    --bench)
      FEATURES=(--no-default-features --features bench)
      SMALL_MODULES=0
      PKG_DIR=$REPO/target/wasm-bench-pkg
      TARGET_DIR=$REPO/target/wasm-bench
      ;;
    -h | --help) usage ;;
    *) say "unknown argument: $arg"; usage ;;
  esac
done

# --- toolchain route ---------------------------------------------------------
# Sets CARGO (a command array) and BUILD_STD (extra cargo flags).
choose_toolchain() {
  if command -v rustup >/dev/null 2>&1 \
    && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    ROUTE=rustup
    CARGO=(cargo)
    BUILD_STD=()
  else
    ROUTE=debian
    [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] \
      || die "no $TARGET target in rustup and the Debian route is incomplete: run scripts/lib/system-deps.sh (rustc-web cargo-web rust-web-src lld-22)"
    # rustc's default wasm linker is `rust-lld`, which no Debian package installs
    # (lld-22 ships it as wasm-ld): point cargo at wasm-ld when rust-lld is absent.
    local linker=()
    if ! command -v rust-lld >/dev/null; then
      [ -x /usr/lib/llvm-22/bin/wasm-ld ] || die "neither rust-lld nor /usr/lib/llvm-22/bin/wasm-ld: install lld-22"
      linker=(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-22/bin/wasm-ld)
    fi
    # rustup's cargo/rustc come first on PATH: name Debian's explicitly.
    CARGO=(env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 "${linker[@]}" /usr/bin/cargo)
    BUILD_STD=(-Zbuild-std=std,panic_abort)
  fi
  say "toolchain route: $ROUTE ($("${CARGO[@]}" --version 2>/dev/null), rustc: $(
    if [ "$ROUTE" = debian ]; then /usr/bin/rustc --version; else rustc --version; fi))"
}

# --- wasm-bindgen-cli, exactly the version in Cargo.lock ---------------------
lock_version() { # $1 = package name
  awk -v name="$1" '
    $0 == "name = \"" name "\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' "$REPO/Cargo.lock"
}

# Sets WASM_BINDGEN to a wasm-bindgen binary of version $1 (built once, then cached).
find_wasm_bindgen() {
  local want=$1 root=$CACHE/wasm-bindgen-$1 candidate
  for candidate in "$(command -v wasm-bindgen || true)" "$CACHE/bin/wasm-bindgen" "$root/bin/wasm-bindgen"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if [ "$("$candidate" --version 2>/dev/null | awk '{print $2}')" = "$want" ]; then
      WASM_BINDGEN=$candidate
      return
    fi
  done
  say "wasm-bindgen $want not found: building wasm-bindgen-cli $want into $root (once; several minutes)"
  # Without --locked: the registry mirror lacks a version pinned in the CLI's own lock file.
  CARGO_TARGET_DIR=$CACHE/cargo-install-target \
    cargo install wasm-bindgen-cli --version "$want" --root "$root"
  WASM_BINDGEN=$root/bin/wasm-bindgen
  [ "$("$WASM_BINDGEN" --version | awk '{print $2}')" = "$want" ] \
    || die "$WASM_BINDGEN does not report version $want"
}

# --- steps -------------------------------------------------------------------
size_report() { # $1 = .wasm file
  local raw gz
  raw=$(stat -c %s "$1")
  gz=$(gzip -9 -c "$1" | wc -c)
  say "$(basename "$1"): $raw bytes raw, $gz bytes gzip -9 ($(awk -v r="$raw" -v g="$gz" 'BEGIN { printf "%.1f KiB / %.1f KiB", r/1024, g/1024 }'))"
}

# Features the wasm32 target of rustc >= 1.87 (LLVM 20+) turns on by default and
# wasm-bindgen keeps; wasm-opt must accept them in its input and may use them in its output.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

# Sets WASM_OPT. Debian 12's binaryen is version 108, which rewrites
# wasm-bindgen's externref table as `anyref`: the result validates but fails at
# instantiation ("WebAssembly.Table.set(): Argument 1 is invalid for table").
# Below MIN_WASM_OPT, use binaryen from npm, installed once into the cache.
MIN_WASM_OPT=120
NPM_BINARYEN=132.0.0
find_wasm_opt() {
  local v
  if command -v wasm-opt >/dev/null; then
    v=$(wasm-opt --version | awk '{print $3}')
    if [ "${v:-0}" -ge "$MIN_WASM_OPT" ] 2>/dev/null; then
      WASM_OPT=$(command -v wasm-opt)
      return
    fi
    say "wasm-opt $v on PATH is older than $MIN_WASM_OPT (breaks externref tables): using binaryen $NPM_BINARYEN from npm"
  fi
  local root=$CACHE/binaryen-$NPM_BINARYEN
  WASM_OPT=$root/node_modules/.bin/wasm-opt
  if [ ! -x "$WASM_OPT" ]; then
    command -v npm >/dev/null || die "need wasm-opt >= $MIN_WASM_OPT, or npm to fetch binaryen $NPM_BINARYEN"
    npm install --silent --no-audit --no-fund --prefix "$root" "binaryen@$NPM_BINARYEN"
  fi
}

# Instantiates pkg/ in Node and calls one export: catches a .wasm that validates
# but does not load (as with old wasm-opt) before the extension does.
smoke_test() {
  command -v node >/dev/null || { say "node not found: skipping the load check of pkg/"; return; }
  node --input-type=module -e "
    import { readFileSync } from 'node:fs';
    const glue = await import('$PKG_DIR/$OUT_NAME.js');
    glue.initSync({ module: readFileSync('$PKG_DIR/${OUT_NAME}_bg.wasm') });
    if (glue.encodeRequest) {
      const req = glue.encodeRequest(7, 'token.list', '{}');
      console.error('wasm.sh: $(basename "$PKG_DIR")/ loads in node: coreVersion() = ' + glue.coreVersion() + ', encodeRequest(7, \'token.list\', \'{}\') = ' + req);
    } else if (glue.keyringList) {
      const keys = glue.keyringList('', []);
      if (!Array.isArray(keys) || keys.length !== 0) throw new Error('keyringList of an empty keyring gave ' + JSON.stringify(keys));
      console.error('wasm.sh: $(basename "$PKG_DIR")/ loads in node: keyringList(empty) = []');
    } else {
      const otp = glue.credentialsOtpCode('otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0', 0);
      if (otp.code !== '755224') throw new Error('credentialsOtpCode gave ' + otp.code + ', RFC 4226 says 755224');
      console.error('wasm.sh: $(basename "$PKG_DIR")/ loads in node: credentialsOtpCode (RFC 4226 counter 0) = ' + otp.code);
    }
  " || die "$PKG_DIR does not load: see the error above"
}

build() {
  local profile_dir=$profile
  [ "$profile" = dev ] && profile_dir=debug
  local input=$TARGET_DIR/$TARGET/$profile_dir/tessera_core.wasm
  local output=$PKG_DIR/${OUT_NAME}_bg.wasm
  local stamp=$PKG_DIR/.tessera-build

  say "cargo build -p tessera-core --target $TARGET --profile $profile (target dir $TARGET_DIR)"
  (cd "$REPO" && "${CARGO[@]}" build -p tessera-core --lib --target "$TARGET" \
    --profile "$profile" --target-dir "$TARGET_DIR" "${FEATURES[@]}" "${BUILD_STD[@]}")
  [ -f "$input" ] || die "cargo did not produce $input"

  # pkg/ is current when it came from this very input, profile and wasm-bindgen version.
  local want_stamp="profile=$profile wasm-bindgen=$WB_VERSION input=$input"
  if [ -f "$output" ] && [ -f "$PKG_DIR/$OUT_NAME.js" ] && [ "$output" -nt "$input" ] \
    && [ "$(cat "$stamp" 2>/dev/null)" = "$want_stamp" ]; then
    say "pkg/ is newer than the cargo output: skipping wasm-bindgen and wasm-opt"
  else
    find_wasm_bindgen "$WB_VERSION"
    say "$WASM_BINDGEN --target web --out-dir $PKG_DIR"
    rm -f "$stamp"
    "$WASM_BINDGEN" --target web --out-dir "$PKG_DIR" --out-name "$OUT_NAME" "$input"
    if [ "$profile" != dev ]; then
      find_wasm_opt
      say "$WASM_OPT -Oz ($("$WASM_OPT" --version))"
      "$WASM_OPT" -Oz "${WASM_OPT_FEATURES[@]}" "$output" -o "$output.opt"
      mv "$output.opt" "$output"
    fi
    smoke_test
    echo "$want_stamp" >"$stamp"
  fi
  size_report "$output"
}

run_tests() {
  find_wasm_bindgen "$WB_VERSION"
  local runner
  runner=$(dirname "$WASM_BINDGEN")/wasm-bindgen-test-runner
  [ -x "$runner" ] || die "$runner not found next to $WASM_BINDGEN"
  local driver=${CHROMEDRIVER:-$(command -v chromedriver || true)}
  [ -n "$driver" ] || die "chromedriver not found: run scripts/lib/system-deps.sh (chromium-driver)"
  say "test runner: $runner, webdriver: $driver"
  # Only chromedriver: a GECKODRIVER in the environment would take precedence in the runner.
  unset GECKODRIVER GECKODRIVER_REMOTE CHROMEDRIVER_REMOTE SAFARIDRIVER MSEDGEDRIVER
  (cd "$REPO" && env CHROMEDRIVER="$driver" \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$CRATE_DIR/webdriver.json" \
    WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-30}" \
    WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-60}" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$runner" \
    "${CARGO[@]}" test -p tessera-core --target "$TARGET" --target-dir "$TARGET_DIR" "${FEATURES[@]}" "${BUILD_STD[@]}" "$@")
}

WB_VERSION=$(lock_version wasm-bindgen)
[ -n "$WB_VERSION" ] || die "no wasm-bindgen in $REPO/Cargo.lock"
choose_toolchain
case $cmd in
  build)
    build
    if [ "$SMALL_MODULES" = 1 ]; then
      # Each its own target dir: the same crate with other features would
      # otherwise overwrite tessera_core.wasm between the builds. opt-level z
      # (the workspace Cargo.toml says why).
      if [ "$profile" = wasm-release ]; then profile=wasm-release-small; fi
      FEATURES=(--no-default-features --features credentials)
      OUT_NAME=tessera_credentials
      PKG_DIR=$CRATE_DIR/pkg-credentials
      TARGET_DIR=$REPO/target/wasm-credentials
      build
      FEATURES=(--no-default-features --features host-protocol)
      OUT_NAME=tessera_protocol
      PKG_DIR=$CRATE_DIR/pkg-protocol
      TARGET_DIR=$REPO/target/wasm-protocol
      build
    fi
    ;;
  test)
    # The OpenPGP and MIME exports and the protocol codec's (tests/web.rs) in one run.
    [ "$SMALL_MODULES" = 1 ] && FEATURES=(--no-default-features --features openpgp,host-protocol)
    run_tests
    if [ "$SMALL_MODULES" = 1 ]; then
      # The credentials module's unit tests (origin binding, OTP) in Chromium:
      # there URLs are parsed by the browser's `new URL()`, natively by the
      # `url` crate, and both must decide alike (credentials/web_url.rs).
      FEATURES=(--no-default-features --features credentials)
      TARGET_DIR=$REPO/target/wasm-credentials
      run_tests --lib --test web_credentials
    fi
    ;;
esac
