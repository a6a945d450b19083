#!/usr/bin/env bash
# with-virtual-card.sh CMD [ARGS...]
#
# Runs CMD against a real pcscd that sees exactly one virtual OpenPGP card
# (tests/virtual-card, reader "Virtual PCD 00 00"), provisioned like a real
# user's card with GnuPG: cardholder "Alice Example", ed25519 signature key,
# cv25519 decryption key, ed25519 authentication key. Then tears everything
# down and exits with CMD's exit code.
#
# Isolation: the script re-executes itself in private mount + PID namespaces
# (`unshare -m --propagation private --pid --fork --mount-proc`) with a tmpfs on
# /run/pcscd, so its pcscd never meets a system pcscd or another test run, and
# every process it started dies with the namespace. Needs root (or CAP_SYS_ADMIN).
#
# CMD's environment:
#   TESSERA_TEST_CARD_JSON   facts read back with `gpg --card-status --with-colons`
#   TESSERA_TEST_GNUPGHOME   GnuPG home holding Alice's public key and card stubs
#   TESSERA_TEST_USER_PIN    123456
#   TESSERA_TEST_ADMIN_PIN   12345678
#   TESSERA_TEST_VCARD_PID   card process (kill it to simulate a pulled card)
#   TESSERA_TEST_PCSCD_LOG   pcscd's log file
#   TESSERA_TEST_READER      "Virtual PCD 00 00"
#
# Knobs: TESSERA_TEST_CARD_SERIAL (8 hex digits, default random),
#        TESSERA_KEEP_TEST_STATE=1 (keep the temp state dir, path printed on stderr).
set -euo pipefail

readonly READER="Virtual PCD 00 00"
readonly VPCD_PORT=35963
readonly USER_PIN=123456
readonly ADMIN_PIN=12345678
readonly WAIT_SECONDS=15

log() { echo "with-virtual-card: $*" >&2; }
die() {
  log "error: $*"
  exit 70
}

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 64
fi

# --- Stage 1: outside the namespace: build the card, then re-exec inside. -----
if [ "${TESSERA_VCARD_INSIDE:-}" != 1 ]; then
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  TESSERA_VCARD_BIN=$("$here/vcard.sh")
  export TESSERA_VCARD_BIN TESSERA_VCARD_INSIDE=1
  command -v unshare >/dev/null || die "unshare (util-linux) is missing"
  [ "$(id -u)" = 0 ] || die "needs root: it mounts a private /run/pcscd in a new mount namespace"
  exec unshare -m --propagation private --pid --fork --mount-proc \
    "$here/with-virtual-card.sh" "$@"
fi

# --- Stage 2: inside: we are PID 1 of a fresh PID namespace. -------------------
unset TESSERA_VCARD_INSIDE
for tool in pcscd gpg gpgconf gpg-connect-agent jq; do
  command -v "$tool" >/dev/null || die "$tool is missing (run scripts/lib/system-deps.sh)"
done
[ -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || die "vsmartcard-vpcd is not installed"

state=$(mktemp -d "${TMPDIR:-/tmp}/tessera-vcard.XXXXXX")
pcscd_pid=
card_pid=
cmd_pid=
export GNUPGHOME="$state/gnupg"

teardown() {
  local rc=$?
  trap - EXIT INT TERM HUP
  set +e
  if [ -d "$GNUPGHOME" ]; then
    gpgconf --kill all >/dev/null 2>&1
  fi
  for pid in $card_pid $pcscd_pid; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in $card_pid $pcscd_pid; do
    wait "$pid" 2>/dev/null
  done
  # gpg-agent and scdaemon daemonise: as PID 1 of the namespace we adopted them.
  wait 2>/dev/null
  if [ "${TESSERA_KEEP_TEST_STATE:-}" = 1 ]; then
    log "kept test state in $state"
  else
    rm -rf "$state"
  fi
  exit "$rc"
}
# On a signal: stop CMD first (as a background job it ignores SIGINT), then
# tear down with the conventional 128+N exit code.
on_signal() {
  if [ -n "$cmd_pid" ]; then
    kill -TERM "$cmd_pid" 2>/dev/null
    wait "$cmd_pid" 2>/dev/null
  fi
  exit "$1"
}
trap teardown EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

# Polls `$@` every 50 ms until it succeeds; fails after WAIT_SECONDS.
wait_for() {
  local what=$1
  shift
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@"; do
    if [ -n "$card_pid" ] && ! kill -0 "$card_pid" 2>/dev/null; then
      die "card process exited while waiting for $what; its log:
$(cat "$state/vcard.log" 2>/dev/null)"
    fi
    [ $SECONDS -lt $deadline ] || die "timed out after ${WAIT_SECONDS}s waiting for $what (state: $state)"
    sleep 0.05
  done
}

now_ms() { date +%s%3N; }

# --- pcscd on a private /run/pcscd ---------------------------------------------
mkdir -p /run/pcscd
mount -t tmpfs -o mode=0755 tessera-pcscd /run/pcscd
t0=$(now_ms)
pcscd --foreground --info >"$state/pcscd.log" 2>&1 &
pcscd_pid=$!
wait_for "pcscd's socket" test -S /run/pcscd/pcscd.comm

# --- the card --------------------------------------------------------------------
serial=${TESSERA_TEST_CARD_SERIAL:-$(printf '%04X%04X' $((RANDOM)) $((RANDOM)))}
[[ $serial =~ ^[0-9A-Fa-f]{8}$ ]] || die "TESSERA_TEST_CARD_SERIAL must be 8 hex digits"
"$TESSERA_VCARD_BIN" --port "$VPCD_PORT" --serial "$serial" >"$state/vcard.log" 2>&1 &
card_pid=$!
card_inserted() { grep -q "Card inserted into $READER" "$state/pcscd.log"; }
wait_for "the card in \"$READER\"" card_inserted
log "pcscd up and card FFFE:$serial inserted in $(($(now_ms) - t0)) ms"

# --- GnuPG home ------------------------------------------------------------------
mkdir -m 700 "$GNUPGHOME"
printf 'disable-ccid\npcsc-shared\n' >"$GNUPGHOME/scdaemon.conf"
printf 'allow-loopback-pinentry\n' >"$GNUPGHOME/gpg-agent.conf"

# drive_gpg ANSWER... -- GPG_ARGS...
# Runs gpg with its prompts on a status pipe and answers them as they come:
# each ANSWER is "KEYWORD=TEXT" and is used, in order, for the next prompt with
# that keyword (e.g. keyedit.prompt=keytocard). PIN prompts (passphrase.enter)
# get the admin PIN, since everything driven here is an admin operation.
drive_gpg() {
  local answers=()
  while [ "$1" != -- ]; do
    answers+=("$1")
    shift
  done
  shift
  local line kind keyword i reply
  local to_gpg from_gpg
  rm -f "$state/gpg.in" "$state/gpg.out"
  mkfifo "$state/gpg.in" "$state/gpg.out"
  gpg --batch --no-tty --command-fd 0 --status-fd 1 --pinentry-mode loopback "$@" \
    <"$state/gpg.in" >"$state/gpg.out" 2>>"$state/gpg.log" &
  local gpg_pid=$!
  exec {to_gpg}>"$state/gpg.in" {from_gpg}<"$state/gpg.out"
  while IFS= read -r -t 30 -u "$from_gpg" line; do
    [[ $line == "[GNUPG:] GET_"* ]] || continue
    read -r _ kind keyword <<<"$line"
    reply=
    if [ "$keyword" = passphrase.enter ]; then
      reply=$ADMIN_PIN
    else
      for i in "${!answers[@]}"; do
        if [ "${answers[$i]%%=*}" = "$keyword" ]; then
          reply=${answers[$i]#*=}
          unset 'answers[i]'
          break
        fi
      done
      if [ -z "$reply" ]; then
        log "gpg asked $kind $keyword and the script has no answer"
        kill "$gpg_pid" 2>/dev/null
        break
      fi
    fi
    echo "$line -> ${reply/$ADMIN_PIN/<admin PIN>}" >>"$state/gpg.log"
    printf '%s\n' "$reply" >&"$to_gpg"
  done
  exec {to_gpg}>&- {from_gpg}<&-
  local rc=0
  wait "$gpg_pid" || rc=$?
  return $rc
}

# gpg_retry OUT GPG_ARGS...: runs a read-only gpg command into OUT; retries
# when a restarted agent/scdaemon is not ready yet ("Broken pipe").
gpg_retry() {
  local out=$1 attempt
  shift
  for attempt in 1 2 3 4 5; do
    if gpg --batch --no-tty "$@" >"$out" 2>>"$state/gpg.log"; then
      return 0
    fi
    log "gpg $* failed (attempt $attempt), retrying in 1 s"
    sleep 1
  done
  return 1
}

t1=$(now_ms)
# Alice's key: generated in software, then moved to the card, like most users do.
uid="Alice Example <alice@example.org>"
gpg --batch --no-tty --passphrase '' --pinentry-mode loopback \
  --quick-gen-key "$uid" ed25519 sign,cert 0 2>>"$state/gpg.log"
fpr=$(gpg --batch --with-colons --list-keys "$uid" 2>>"$state/gpg.log" | awk -F: '/^fpr:/ {print $10; exit}')
[ -n "$fpr" ] || die "gpg did not create a key (see $state/gpg.log)"
gpg --batch --no-tty --passphrase '' --pinentry-mode loopback \
  --quick-add-key "$fpr" cv25519 encr 0 2>>"$state/gpg.log"
gpg --batch --no-tty --passphrase '' --pinentry-mode loopback \
  --quick-add-key "$fpr" ed25519 auth 0 2>>"$state/gpg.log"
t2=$(now_ms)

# Cardholder name (admin PIN asked on the first admin command).
drive_gpg \
  cardedit.prompt=admin cardedit.prompt=name cardedit.prompt=quit \
  keygen.smartcard.surname=Example keygen.smartcard.givenname=Alice \
  -- --card-edit || die "setting the cardholder name failed (see $state/gpg.log)"

# keytocard: primary -> signature slot (1), subkey 1 (cv25519) -> decryption (2),
# subkey 2 (ed25519 auth) -> authentication (3). `save` replaces the local
# secret keys by card stubs.
drive_gpg \
  keyedit.prompt=keytocard keyedit.prompt="key 1" keyedit.prompt=keytocard \
  keyedit.prompt="key 1" keyedit.prompt="key 2" keyedit.prompt=keytocard \
  keyedit.prompt=save \
  keyedit.keytocard.use_primary=y \
  cardedit.genkeys.storekeytype=1 cardedit.genkeys.storekeytype=2 \
  cardedit.genkeys.storekeytype=3 \
  -- --edit-key "$fpr" || die "keytocard failed (see $state/gpg.log)"
t3=$(now_ms)

# Read the card back through a fresh agent and scdaemon, independent of what
# we wrote. (Killing only scdaemon leaves the agent answering "Broken pipe" for
# seconds; a fresh agent starts in milliseconds.)
gpgconf --kill all
gpg_retry "$state/card-status.txt" --card-status --with-colons ||
  die "gpg --card-status failed after provisioning (see $state/gpg.log)"
t4=$(now_ms)

jq -n -R --arg reader "$READER" --arg uid "$uid" --arg primary "$fpr" '
  [inputs | split(":")] as $rows
  | def row($k): ($rows | map(select(.[0] == $k)) | first) // [];
    def slot($i):
      (($rows | map(select(.[0] == "keyattr" and .[1] == ($i | tostring))) | first) // []) as $attr
      | (row("fpr")[$i] // "") as $f
      | if $f == "" then null else {algorithm: ($attr[3] // null), fingerprint: ($f | ascii_upcase)} end;
  {
    reader: (row("Reader")[1] // $reader),
    aid: (row("Reader")[3] // null),
    serial: (row("serial")[1] // null),
    manufacturer: (row("vendor")[1] // null),
    version: (row("version")[1] // null),
    cardholder: ((row("name")[1:3] | map(select(. != "")) | join(" ")) // null),
    user_id: $uid,
    primary_fingerprint: $primary,
    signature: slot(1),
    decryption: slot(2),
    authentication: slot(3)
  }' <"$state/card-status.txt" >"$state/card.json"

# Sanity: what gpg reads back must be what we provisioned.
jq -e --arg serial "$serial" '
  (.serial | ascii_upcase) == ($serial | ascii_upcase)
  and .cardholder == "Alice Example"
  and .signature.fingerprint != null and .decryption.fingerprint != null' \
  "$state/card.json" >/dev/null ||
  die "card read back does not match the provisioning: $(cat "$state/card.json")"
log "provisioned in $((t4 - t1)) ms (keygen $((t2 - t1)), card-edit+keytocard $((t3 - t2)), read-back $((t4 - t3)))"

export TESSERA_TEST_CARD_JSON="$state/card.json"
export TESSERA_TEST_GNUPGHOME="$GNUPGHOME"
export TESSERA_TEST_USER_PIN=$USER_PIN
export TESSERA_TEST_ADMIN_PIN=$ADMIN_PIN
export TESSERA_TEST_VCARD_PID=$card_pid
export TESSERA_TEST_PCSCD_LOG="$state/pcscd.log"
export TESSERA_TEST_READER=$READER

# Free the card for CMD: scdaemon keeps a PC/SC handle otherwise.
gpgconf --kill all

# CMD runs as a background job so a signal to this script is handled at once
# (bash defers traps while a foreground command runs); `<&0` keeps CMD's
# stdin, which bash would otherwise point at /dev/null.
"$@" <&0 &
cmd_pid=$!
cmd_rc=0
wait "$cmd_pid" || cmd_rc=$?
cmd_pid=
exit "$cmd_rc"
