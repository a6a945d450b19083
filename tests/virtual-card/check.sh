#!/usr/bin/env bash
# End-to-end check of the virtual card and scripts/lib/with-virtual-card.sh:
#   - pcscd (pcsc_scan -r) lists the reader "Virtual PCD 00 00";
#   - `gpg --card-status` shows the serial and the signature/decryption
#     fingerprints that TESSERA_TEST_CARD_JSON promises;
#   - the checker itself rejects a card JSON with a wrong fingerprint;
#   - the card signs and decrypts for GnuPG (user PIN);
#   - killing TESSERA_TEST_VCARD_PID is seen by pcscd as a removed card.
# Run it directly: it wraps itself in with-virtual-card.sh. Exit 0 = all passed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${TESSERA_TEST_CARD_JSON:-}" ]; then
  exec "$here/../../scripts/lib/with-virtual-card.sh" "$here/check.sh" "$@"
fi

HARNESS_NAME=check
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/harness.sh
. "$here/../../scripts/lib/harness.sh"

failures=0
pass() { echo "ok   - $*"; }
fail() {
  echo "FAIL - $*"
  failures=$((failures + 1))
}

export GNUPGHOME=$TESSERA_TEST_GNUPGHOME
json=$TESSERA_TEST_CARD_JSON

# 1. The reader is on our pcscd.
if readers=$(timeout 10 pcsc_scan -r 2>&1) && grep -q "Virtual PCD 00 00" <<<"$readers"; then
  pass "pcsc_scan -r lists Virtual PCD 00 00"
else
  fail "pcsc_scan -r does not list Virtual PCD 00 00: $readers"
fi

# 2. gpg --card-status (human output, fingerprints printed in groups of 4).
# card_matches STATUS_FILE JSON_FILE: true if the status shows the JSON's facts.
card_matches() {
  local status=$1 facts=$2 serial sig dec compact
  serial=$(jq -er .serial "$facts") || return 1
  sig=$(jq -er .signature.fingerprint "$facts") || return 1
  dec=$(jq -er .decryption.fingerprint "$facts") || return 1
  compact=$(tr -d ' ' <"$status")
  grep -Eq "^Serialnumber\.*:$serial\$" <<<"$compact" &&
    grep -Eq "^Signaturekey\.*:$sig\$" <<<"$compact" &&
    grep -Eq "^Encryptionkey\.*:$dec\$" <<<"$compact"
}

work=''
harness_begin
harness_state_dir work tessera-vcard-check
status=$work/status
got_status=0
for attempt in 1 2 3; do # a just-restarted agent can say "Broken pipe" once
  if gpg --batch --no-tty --card-status >"$status" 2>"$status.err"; then
    got_status=1
    break
  fi
  sleep 1
done
if [ $got_status = 0 ]; then
  fail "gpg --card-status failed: $(cat "$status.err")"
elif card_matches "$status" "$json"; then
  pass "gpg --card-status shows serial $(jq -r .serial "$json") and the signature and decryption fingerprints"
else
  fail "gpg --card-status does not match $json:
$(cat "$status")
--- expected:
$(cat "$json")"
fi

# 3. The checker can fail: same status, JSON with a wrong decryption fingerprint.
jq '.decryption.fingerprint = ("0" * 40)' "$json" >"$status.bad"
if [ $got_status = 1 ] && ! card_matches "$status" "$status.bad"; then
  pass "a wrong fingerprint in the JSON is detected"
else
  fail "card_matches accepted a wrong decryption fingerprint"
fi

# 4. The card works for GnuPG: sign (signature slot) and decrypt (decryption slot).
fpr=$(jq -r .primary_fingerprint "$json")
echo "hello from the virtual card" >"$status.msg"
t0=$(now_ms)
if gpg --batch --no-tty --pinentry-mode loopback --passphrase "$TESSERA_TEST_USER_PIN" \
  -u "$fpr" --detach-sign -o "$status.sig" "$status.msg" 2>"$status.err" &&
  gpg --batch --no-tty --verify "$status.sig" "$status.msg" 2>>"$status.err"; then
  pass "gpg signs with the card and the signature verifies ($(($(now_ms) - t0)) ms)"
else
  fail "signing with the card failed: $(cat "$status.err")"
fi
t0=$(now_ms)
if gpg --batch --no-tty --trust-model always -r "$fpr" -e -o "$status.gpg" "$status.msg" 2>"$status.err" &&
  gpg --batch --no-tty --pinentry-mode loopback --passphrase "$TESSERA_TEST_USER_PIN" \
    -d -o "$status.out" "$status.gpg" 2>>"$status.err" &&
  cmp -s "$status.msg" "$status.out"; then
  pass "gpg decrypts with the card ($(($(now_ms) - t0)) ms)"
else
  fail "decrypting with the card failed: $(cat "$status.err")"
fi
gpgconf --kill all # release the card before pulling it

# 5. Pulling the card: kill its process, pcscd must notice.
kill "$TESSERA_TEST_VCARD_PID"
deadline=$((SECONDS + 10))
until grep -q "Card Removed From Virtual PCD 00 00" "$TESSERA_TEST_PCSCD_LOG"; do
  if [ $SECONDS -ge $deadline ]; then
    break
  fi
  sleep 0.05
done
if grep -q "Card Removed From Virtual PCD 00 00" "$TESSERA_TEST_PCSCD_LOG"; then
  pass "killing TESSERA_TEST_VCARD_PID removes the card"
else
  fail "pcscd did not see the card go: $(tail -5 "$TESSERA_TEST_PCSCD_LOG")"
fi

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all virtual card checks passed"
