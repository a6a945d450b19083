#!/usr/bin/env bash
# Installs the Debian packages Tessera's build, demo and tests need.
# Idempotent: asks apt only for what `dpkg -s` says is missing.
set -euo pipefail

# Grouped by what needs them, so a newcomer can see why each is here.
BUILD_PKGS=(pkg-config libpcsclite-dev libclang-dev clang)
WASM_PKGS=(rustc-web cargo-web rust-web-src lld-22 binaryen)
CARD_PKGS=(pcscd vsmartcard-vpcd pcsc-tools gnupg scdaemon)
BROWSER_PKGS=(chromium chromium-driver chromium-l10n firefox-esr xvfb)
MISC_PKGS=(curl procps psmisc jq)
# The password store tests build a store with real `pass` and check OTP codes against `oathtool`.
STORE_PKGS=(pass oathtool)
# The webmail tests (tests/webmail) run a real Roundcube + Dovecot + SMTP relay on loopback.
# php8.2-cgi (not libapache2-mod-php) keeps apache2 out; PHP's built-in server serves Roundcube.
WEBMAIL_PKGS=(roundcube roundcube-sqlite3 php8.2-cgi dovecot-imapd dovecot-lmtpd python3-aiosmtpd sqlite3)
# A second real webmail for the same tests: Horde 5 with IMP 6 (HTML compose in CKEditor), under
# PHP's built-in server next to Roundcube, sharing its Dovecot and relay (tests/webmail/with-webmail.sh).
# php-horde-imp pulls in php-horde (the framework) but not the other groupware apps of php-horde-webmail.
HORDE_PKGS=(php-horde-imp)
# Typing into consoles without a login form (tests/e2e/console-type.test.mjs): noVNC through
# websockify to a TigerVNC server showing an xterm, and Shell In A Box.
CONSOLE_PKGS=(novnc websockify tigervnc-standalone-server xterm shellinabox)
# Key discovery by WKD (tests/e2e/wkd.test.mjs): a real HTTPS server on loopback with a throwaway
# CA, which certutil adds to the test browsers' certificate databases.
WKD_PKGS=(nginx-light libnss3-tools)

missing=()
for p in "${BUILD_PKGS[@]}" "${WASM_PKGS[@]}" "${CARD_PKGS[@]}" "${BROWSER_PKGS[@]}" "${MISC_PKGS[@]}" "${STORE_PKGS[@]}" "${WEBMAIL_PKGS[@]}" "${HORDE_PKGS[@]}" "${CONSOLE_PKGS[@]}" "${WKD_PKGS[@]}" "$@"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "tessera: installing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
# Keep package post-install scripts from starting system services (pcscd, dovecot…):
# the project starts its own instances, bound to loopback, and stops them after.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  made_policy=1
fi
trap '[ "$made_policy" = 1 ] && $SUDO rm -f "$policy"' EXIT
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
# Roundcube: no dbconfig-common database set-up; tests/webmail makes its own SQLite DB.
echo 'roundcube-core roundcube/dbconfig-install boolean false' | $SUDO debconf-set-selections
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
