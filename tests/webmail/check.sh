#!/usr/bin/env bash
# tests/webmail/check.sh — self-check of the webmail stack (wraps itself in with-webmail.sh).
# Over plain HTTP with curl, as a browser would: alice logs in to Roundcube,
# opens compose, sends a message to bob through Roundcube's send action; then
# bob's INBOX (IMAP, imap_raw.py), alice's Sent folder and the relay's spool
# must hold it, found by a unique marker in the subject. Also: a wrong password
# is refused, a marker that was never sent is not found (the search can fail),
# the PHP session dir holds alice's session and the SQLite DB knows alice.
# With Horde in the stack (TESSERA_HORDE_URL set), the same over Horde/IMP:
# wrong password, alice's login, a message sent to bob through IMP's compose,
# found in bob's INBOX, alice's Sent and the spool; Horde's DB and session.
# TESSERA_WEBMAIL_CHECK_BROWSER=1 adds horde-smoke.mjs (Horde in headless Chromium).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${TESSERA_WEBMAIL_URL:-}" ]; then
  exec "$here/with-webmail.sh" "$0" "$@"
fi

HARNESS_NAME=check
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/harness.sh
. "$here/../../scripts/lib/harness.sh"

fail() {
  echo "check: FAIL: $*" >&2
  exit 1
}
ok() { echo "check: ok: $*"; }
t0=$(now_ms)

url=$TESSERA_WEBMAIL_URL
work=''
harness_begin
harness_state_dir work tessera-webmail-check
jar=$work/cookies
C=(curl -sS -m 30 -b "$jar" -c "$jar")

# Roundcube's request token: the login form's hidden _token, or the
# "request_token" of rcmail.set_env on the app pages.
token_of() {
  grep -o 'name="_token" value="[^"]*"' "$1" | head -n1 | sed 's/.*value="//; s/"$//' ||
    true
}
env_token_of() { grep -o '"request_token":"[^"]*"' "$1" | head -n1 | sed 's/.*:"//; s/"$//' || true; }

# --- wrong password is refused -------------------------------------------------------
"${C[@]}" -o "$work/login0.html" "$url?_task=login"
tok=$(token_of "$work/login0.html")
[ -n "$tok" ] || fail "no _token in the login page"
code=$("${C[@]}" -o "$work/bad.html" -w '%{http_code}' \
  --data-urlencode "_token=$tok" -d _task=login -d _action=login -d _timezone=UTC -d _url= \
  --data-urlencode _user=alice --data-urlencode _pass=wrong-pw "$url?_task=login")
grep -q 'rcmloginuser' "$work/bad.html" || fail "a wrong password did not lead back to the login form (HTTP $code)"
ok "wrong password refused (HTTP $code, login form shown again)"
rm -f "$jar"

# --- login as alice --------------------------------------------------------------------
code=$("${C[@]}" -o "$work/login.html" -w '%{http_code}' "$url")
[ "$code" = 200 ] || fail "login page: HTTP $code"
grep -q 'id="rcmloginuser"' "$work/login.html" || fail "login page has no #rcmloginuser"
tok=$(token_of "$work/login.html")
[ -n "$tok" ] || fail "no _token in the login page"
final=$("${C[@]}" -L -o "$work/mail.html" -w '%{http_code} %{url_effective}' \
  --data-urlencode "_token=$tok" -d _task=login -d _action=login -d _timezone=UTC -d _url= \
  --data-urlencode _user=alice --data-urlencode _pass=alice-pw "$url?_task=login")
[[ $final == "200 "*"_task=mail"* ]] || fail "login did not land on the mail view: $final"
grep -q "alice@$TESSERA_WEBMAIL_DOMAIN" "$work/mail.html" || fail "mail view does not show alice@$TESSERA_WEBMAIL_DOMAIN"
mtok=$(env_token_of "$work/mail.html")
[ -n "$mtok" ] || fail "no request_token in the mail view"
ok "alice logged in over HTTP (${final})"

# --- compose and send through Roundcube -------------------------------------------
marker="tessera-webmail-check-$(date +%s%N)-$RANDOM"
# The body marker on a line of its own: format=flowed wraps long lines.
body=$(printf 'Hello Bob,\n\nbody-%s\n' "$marker")
final=$("${C[@]}" -L -o "$work/compose.html" -w '%{http_code} %{url_effective}' "$url?_task=mail&_action=compose")
[[ $final == "200 "*"_id="* ]] || fail "compose did not open with a compose id: $final"
compose_id=${final##*_id=}
compose_id=${compose_id%%&*}
ctok=$(env_token_of "$work/compose.html")
[ -n "$ctok" ] || fail "no request_token in the compose page"
from_id=$(sed -n '/<select name="_from"/,/<\/select>/p' "$work/compose.html" | grep -o '<option value="[0-9]*"' | head -n1 | grep -o '[0-9][0-9]*' || true)
[ -n "$from_id" ] || fail "no identity in the compose page's From select"
"${C[@]}" -o "$work/send.html" -H "X-Roundcube-Request: $ctok" \
  --data-urlencode "_token=$ctok" -d _task=mail -d _action=send -d "_id=$compose_id" \
  -d "_from=$from_id" --data-urlencode "_to=bob@$TESSERA_WEBMAIL_DOMAIN" -d _cc= -d _bcc= \
  --data-urlencode "_subject=Check $marker" --data-urlencode "_message=$body" -d _is_html=0 \
  -d _priority=0 -d _store_target=Sent \
  "$url?_task=mail&_unlock=loading$(date +%s%3N)&_framed=1&_lang=en_US"
grep -q 'sent_successfully' "$work/send.html" || fail "Roundcube did not report the message as sent: $(grep -o 'display_message([^)]*)' "$work/send.html" | head -n3)"
ok "sent through Roundcube's send action (compose id $compose_id)"

# --- the message arrived: bob's INBOX over IMAP, alice's Sent, the spool ------------
raw=$work/bob-inbox.eml
"$here/imap_raw.py" bob INBOX --subject "$marker" --wait 10 >"$raw" || fail "bob's INBOX has no message with subject marker $marker"
grep -q "^Subject: Check $marker" "$raw" || fail "raw message has no Subject header with the marker"
grep -q "^body-$marker" "$raw" || fail "raw message body lacks the marker"
grep -qi "^From: .*alice@$TESSERA_WEBMAIL_DOMAIN" "$raw" || fail "raw message is not from alice@$TESSERA_WEBMAIL_DOMAIN"
ok "bob's INBOX holds it ($(wc -c <"$raw") bytes raw)"
"$here/imap_raw.py" bob INBOX --grep "body-$marker" >/dev/null || fail "imap_raw.py --grep did not find the body marker"
if "$here/imap_raw.py" bob INBOX --grep "never-sent-$marker" >/dev/null; then
  fail "imap_raw.py --grep found a marker that was never sent"
fi
ok "imap_raw.py --grep finds the body marker and not a marker never sent"
n=$("$here/imap_raw.py" alice Sent --subject "$marker" --count)
[ "$n" = 1 ] || fail "alice's Sent has $n copies of the message, want 1"
n=$("$here/imap_raw.py" alice Drafts --count)
[ "$n" = 0 ] || fail "alice's Drafts has $n messages after sending, want 0"
grep -lq "$marker" "$TESSERA_WEBMAIL_STATE"/spool/*.eml || fail "the relay's spool has no copy"
ok "alice's Sent holds one copy, Drafts is empty, the relay spooled it"

# --- server-side state --------------------------------------------------------------
st=$TESSERA_WEBMAIL_STATE
[ -d "$st/php-sessions" ] || fail "no PHP session dir $st/php-sessions"
db=$st/roundcube/roundcube.db
[ -f "$db" ] || fail "no Roundcube DB at $db"
users=$(sqlite3 "$db" "select username from users order by username")
[ "$users" = alice ] || fail "Roundcube DB users table: '$users', want 'alice'"
storage=$(grep -o "session_storage'\] = '[a-z]*" "$st/roundcube/config.inc.php" | sed "s/.*'//")
if [ "$storage" = php ]; then
  ls "$st/php-sessions"/sess_* >/dev/null 2>&1 || fail "PHP session dir holds no session file"
  grep -lq 'alice' "$st/php-sessions"/sess_* || fail "no PHP session mentions alice"
  ok "PHP session dir holds alice's session; DB users: $users"
else
  [ "$(sqlite3 "$db" 'select count(*) from session')" -ge 1 ] || fail "no session row in the DB"
  ok "DB session table holds the session; DB users: $users"
fi
[ -d "$st/mail/bob/Maildir" ] || fail "no maildir for bob at $st/mail/bob/Maildir"

# --- Horde (IMP) on the same Dovecot and relay ------------------------------------------
# Over HTTP with curl, in IMP's basic view (plain HTML forms, what the dynamic
# view posts over AJAX is the same compose data): a wrong password is refused,
# alice logs in and lands on her INBOX, opens compose, sends to bob.
if [ -n "${TESSERA_HORDE_URL:-}" ]; then
  hurl=$TESSERA_HORDE_URL
  hjar=$work/horde-cookies
  H=(curl -sS -m 30 -b "$hjar" -c "$hjar")
  # hidden_of FILE NAME: the value of IMP's hidden input NAME.
  hidden_of() { grep -o "name=\"$2\" type=\"hidden\" value=\"[^\"]*\"" "$1" | head -n1 | sed 's/.*value="//; s/"$//' || true; }

  "${H[@]}" -o "$work/h-login0.html" "${hurl}login.php"
  grep -q 'id="horde_user"' "$work/h-login0.html" || fail "Horde login page has no #horde_user"
  final=$("${H[@]}" -L -o "$work/h-bad.html" -w '%{http_code} %{url_effective}' -d login_post=1 \
    --data-urlencode horde_user=alice --data-urlencode horde_pass=wrong-pw -d horde_select_view=basic "${hurl}login.php")
  grep -q 'id="horde_pass"' "$work/h-bad.html" || fail "Horde: a wrong password did not lead back to the login form ($final)"
  grep -q 'Login failed' "$work/h-bad.html" || fail "Horde: no 'Login failed' notice after a wrong password"
  ok "Horde: wrong password refused ($final, 'Login failed' shown)"

  final=$("${H[@]}" -L -o "$work/h-mail.html" -w '%{http_code} %{url_effective}' -d login_post=1 \
    --data-urlencode horde_user=alice --data-urlencode horde_pass=alice-pw -d horde_select_view=basic "${hurl}login.php")
  [[ $final == "200 "*"imp/basic.php"*"page=mailbox"* ]] || fail "Horde login did not land on IMP's mailbox: $final"
  grep -q '<title>Mail :: Inbox' "$work/h-mail.html" || fail "Horde: the page after login is not alice's Inbox"
  ok "Horde: alice logged in over HTTP ($final)"

  hmarker="tessera-horde-check-$(date +%s%N)-$RANDOM"
  final=$("${H[@]}" -L -o "$work/h-compose.html" -w '%{http_code} %{url_effective}' "${hurl}imp/basic.php?page=compose")
  [[ $final == "200 "* ]] || fail "Horde compose: $final"
  grep -q 'name="user" type="hidden" value="alice"' "$work/h-compose.html" || fail "Horde compose page is not alice's"
  action=$(grep -o '<form method="post" id="compose"[^>]*action="[^"]*"' "$work/h-compose.html" | sed 's/.*action="//; s/"$//; s/&amp;/\&/g' || true)
  [[ $action == /imp/basic.php* ]] || fail "no compose form action in Horde's compose page"
  fields=()
  for f in compose_requestToken compose_formToken composeCache composeHmac; do
    v=$(hidden_of "$work/h-compose.html" "$f")
    [ -n "$v" ] || fail "no hidden $f in Horde's compose page"
    fields+=(-F "$f=$v")
  done
  final=$("${H[@]}" -L -o "$work/h-sent.html" -w '%{http_code} %{url_effective}' "${fields[@]}" \
    -F actionID=send_message -F user=alice -F page=compose -F identity=0 -F last_identity=0 \
    -F "to=bob@$TESSERA_WEBMAIL_DOMAIN" -F cc= -F bcc= -F "subject=Horde check $hmarker" -F priority=normal \
    -F save_sent_mail=1 -F sent_mail=U2VudA -F "message=Hello Bob,

hbody-$hmarker
" "${hurl%/}$action")
  grep -q 'Message sent successfully' "$work/h-sent.html" ||
    fail "Horde did not report the message as sent ($final): $(grep -o 'noticetext">[^<]*' "$work/h-sent.html" | head -n3)"
  ok "Horde: sent through IMP's compose ($final, 'Message sent successfully.')"

  raw=$work/bob-horde.eml
  "$here/imap_raw.py" bob INBOX --subject "$hmarker" --wait 10 >"$raw" || fail "bob's INBOX has no message with Horde's marker $hmarker"
  grep -q "^Subject: Horde check $hmarker" "$raw" || fail "Horde's message has no Subject header with the marker"
  grep -q "^hbody-$hmarker" "$raw" || fail "Horde's message body lacks the marker"
  grep -qi "^From: .*alice@$TESSERA_WEBMAIL_DOMAIN" "$raw" || fail "Horde's message is not from alice@$TESSERA_WEBMAIL_DOMAIN"
  grep -q "^User-Agent: Horde" "$raw" || fail "Horde's message has no Horde User-Agent"
  n=$("$here/imap_raw.py" alice Sent --subject "$hmarker" --count)
  [ "$n" = 1 ] || fail "alice's Sent has $n copies of Horde's message, want 1"
  grep -lq "$hmarker" "$TESSERA_WEBMAIL_STATE"/spool/*.eml || fail "the relay's spool has no copy of Horde's message"
  ok "Horde: bob's INBOX holds it ($(wc -c <"$raw") bytes raw), alice's Sent one copy, the relay spooled it"

  hdb=$TESSERA_WEBMAIL_STATE/horde/horde.db
  [ -f "$hdb" ] || fail "no Horde DB at $hdb"
  users=$(sqlite3 "$hdb" "select distinct pref_uid from horde_prefs order by pref_uid")
  [ "$users" = alice ] || fail "Horde DB horde_prefs users: '$users', want 'alice'"
  grep -lq 'alice' "$TESSERA_WEBMAIL_STATE"/horde/sessions/sess_* 2>/dev/null || fail "no Horde session file mentions alice"
  ok "Horde: its SQLite DB holds alice's prefs, its session dir alice's session"

  # In headless Chromium too (opt-in: needs extension/node_modules and Chromium, ~11 s).
  if [ "${TESSERA_WEBMAIL_CHECK_BROWSER:-0}" = 1 ]; then
    node "$here/horde-smoke.mjs" || fail "horde-smoke.mjs (Horde in Chromium) failed"
    ok "Horde in Chromium: tests/webmail/horde-smoke.mjs passed"
  fi
fi

echo "check: PASS in $(($(now_ms) - t0)) ms (checks only, stack start/stop not included)"
