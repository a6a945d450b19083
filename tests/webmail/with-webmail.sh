#!/usr/bin/env bash
# with-webmail.sh CMD [ARGS...]
#
# Runs CMD against a real webmail stack on 127.0.0.1, then tears it down and
# exits with CMD's exit code:
#   - Dovecot (IMAP + LMTP), its own config file, users alice/alice-pw and
#     bob/bob-pw (mail addresses USER@example.test), maildirs in the state folder;
#   - an SMTP relay (smtp_relay.py, Debian's python3-aiosmtpd) that hands each
#     message to Dovecot over LMTP and keeps a raw copy in the spool folder;
#   - Roundcube 1.6 (Debian package) under PHP's built-in server as www-data,
#     skin elastic, SQLite DB, PHP sessions in the state folder;
#   - Horde 5 + IMP 6 (Debian packages php-horde, php-horde-imp), also under
#     PHP's built-in server as www-data, its config dirs generated in the state
#     folder and bind-mounted over /etc/horde/{horde,imp} in this script's
#     private mount namespace (the host's /etc is untouched), SQLite DB and
#     PHP sessions in the state folder (TESSERA_WEBMAIL_HORDE=0: no Horde).
# Nothing is written outside the state folder (no /etc, no systemd). Ports are
# free ports picked at start. Needs root (Dovecot switches to the mail uid 5000,
# PHP is started as www-data, and the script re-executes itself as PID 1 of a
# private PID + mount namespace with `unshare`, so no process outlives it; the
# network is the host's, so a browser outside can reach the ports).
#
# CMD's environment:
#   TESSERA_WEBMAIL_URL      http://127.0.0.1:PORT/ (Roundcube)
#   TESSERA_HORDE_URL        http://127.0.0.1:PORT/ (Horde; IMP is at imp/; unset with TESSERA_WEBMAIL_HORDE=0)
#   TESSERA_IMAP_HOST        127.0.0.1
#   TESSERA_IMAP_PORT        Dovecot IMAP (plain, no TLS)
#   TESSERA_SMTP_PORT        the relay (plain, no AUTH)
#   TESSERA_WEBMAIL_STATE    the state folder (layout in tests/webmail/README.md)
#   TESSERA_WEBMAIL_USERS    "alice:alice-pw bob:bob-pw"
#   TESSERA_WEBMAIL_DOMAIN   example.test
#
# Knobs: TESSERA_WEBMAIL_DRAFT_AUTOSAVE (seconds, Roundcube draft_autosave, default 300; 0 = off),
#        TESSERA_WEBMAIL_HTMLEDITOR (Roundcube htmleditor: 0 never, 1 always, default 0; 2-4 as Roundcube),
#        TESSERA_WEBMAIL_SESSION_STORAGE (Roundcube session_storage: php (default: files in
#          STATE/php-sessions) or db (the sessions table of the SQLite DB)),
#        TESSERA_WEBMAIL_HORDE (1: also start Horde (default), 0: not),
#        TESSERA_HORDE_COMPOSE_HTML (IMP's compose_html default: 0 plain text (default), 1 HTML),
#        TESSERA_HORDE_DRAFT_AUTOSAVE (IMP's auto_save_drafts, minutes, default 5; 0 = off),
#        TESSERA_HORDE_HTML_INLINE (1: HTML parts shown inline, in an iframe (default); 0: as
#          Debian ships IMP, HTML only as a link, the text/plain alternative shown),
#        TESSERA_WEBMAIL_WAIT (seconds to wait for each service, default 20),
#        TESSERA_KEEP_TEST_STATE=1 (keep the state folder, path printed on stderr).
set -euo pipefail

readonly DOMAIN=example.test
readonly USERS="alice:alice-pw bob:bob-pw"
readonly MAIL_UID=5000
readonly RC_ROOT=/var/lib/roundcube/public_html
readonly HORDE_ROOT=/usr/share/horde
readonly PYTHON=/usr/bin/python3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HARNESS_NAME=with-webmail
HARNESS_WAIT_SECONDS=${TESSERA_WEBMAIL_WAIT:-20}
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/harness.sh
. "$here/../../scripts/lib/harness.sh"
log() { harness_log "$@"; }
die() { harness_die "$@"; }

harness_usage $#

[ "$(id -u)" = 0 ] || die "needs root: Dovecot switches to uid $MAIL_UID and PHP runs as www-data"
# Re-exec in a private PID namespace (host network: the ports are on the host's
# loopback): the script is PID 1 there, so it reaps what the servers orphan on
# shutdown, and the kernel kills anything left when it exits.
if [ "${TESSERA_WEBMAIL_INSIDE:-}" != 1 ]; then
  command -v unshare >/dev/null || die "unshare (util-linux) is missing"
  export TESSERA_WEBMAIL_INSIDE=1
  # unshare (2.38) blocks SIGINT/SIGTERM in its forking parent and does not
  # relay them, so this outer shell relays them to the inner script itself.
  unshare --mount --propagation private --pid --fork --mount-proc "$here/with-webmail.sh" "$@" <&0 &
  unshare_pid=$!
  relay() {
    local inner
    inner=$(ps -o pid= --ppid "$unshare_pid" 2>/dev/null) || true
    [ -z "$inner" ] || kill "-$1" $inner 2>/dev/null || true
  }
  trap 'relay INT' INT
  trap 'relay TERM' TERM
  trap 'relay HUP' HUP
  while :; do
    rc=0
    wait "$unshare_pid" || rc=$?
    # `wait` also returns (>128) when a trap ran; the child may still be running.
    kill -0 "$unshare_pid" 2>/dev/null || break
  done
  exit "$rc"
fi
unset TESSERA_WEBMAIL_INSIDE

autosave=${TESSERA_WEBMAIL_DRAFT_AUTOSAVE:-300}
htmleditor=${TESSERA_WEBMAIL_HTMLEDITOR:-0}
session_storage=${TESSERA_WEBMAIL_SESSION_STORAGE:-php}
[[ $autosave =~ ^[0-9]+$ ]] || die "TESSERA_WEBMAIL_DRAFT_AUTOSAVE must be a number of seconds, got '$autosave'"
[[ $htmleditor =~ ^[0-4]$ ]] || die "TESSERA_WEBMAIL_HTMLEDITOR must be 0-4, got '$htmleditor'"
case $session_storage in php | db) ;; *) die "TESSERA_WEBMAIL_SESSION_STORAGE must be php or db, got '$session_storage'" ;; esac
horde=${TESSERA_WEBMAIL_HORDE:-1}
horde_html=${TESSERA_HORDE_COMPOSE_HTML:-0}
horde_autosave=${TESSERA_HORDE_DRAFT_AUTOSAVE:-5}
horde_html_inline=${TESSERA_HORDE_HTML_INLINE:-1}
[[ $horde =~ ^[01]$ ]] || die "TESSERA_WEBMAIL_HORDE must be 0 or 1, got '$horde'"
[[ $horde_html =~ ^[01]$ ]] || die "TESSERA_HORDE_COMPOSE_HTML must be 0 or 1, got '$horde_html'"
[[ $horde_autosave =~ ^[0-9]+$ ]] || die "TESSERA_HORDE_DRAFT_AUTOSAVE must be a number of minutes, got '$horde_autosave'"
[[ $horde_html_inline =~ ^[01]$ ]] || die "TESSERA_HORDE_HTML_INLINE must be 0 or 1, got '$horde_html_inline'"
harness_need_tools dovecot php setpriv sqlite3 curl
[ -x "$PYTHON" ] && "$PYTHON" -c 'import aiosmtpd' 2>/dev/null || die "python3-aiosmtpd is missing (run scripts/lib/system-deps.sh)"
[ -f "$RC_ROOT/index.php" ] || die "Roundcube is missing (run scripts/lib/system-deps.sh)"
[ -f /usr/share/roundcube/SQL/sqlite.initial.sql ] || die "roundcube-sqlite3 is missing (run scripts/lib/system-deps.sh)"
id www-data >/dev/null 2>&1 || die "user www-data is missing"
if [ "$horde" = 1 ]; then
  [ -f "$HORDE_ROOT/imp/index.php" ] && [ -f /etc/horde/horde/conf.xml ] && [ -f /etc/horde/imp/conf.xml ] ||
    die "Horde/IMP is missing (run scripts/lib/system-deps.sh, or TESSERA_WEBMAIL_HORDE=0)"
fi

# Set by harness_state_dir and harness_spawn.
state='' dovecot_pid='' relay_pid='' php_pid='' horde_pid=''
harness_begin
# Registered first, so it runs last: the time from CMD's end (or the signal) to all stopped.
report_stopped() { log "stopped in $(($(now_ms) - HARNESS_STOP_STARTED)) ms"; }
harness_at_exit report_stopped
harness_state_dir state tessera-webmail
# Dovecot's mail processes (uid 5000) and PHP (www-data) must reach their subfolders.
chmod 0711 "$state"

t0=$(now_ms)

# Five free loopback ports (IMAP, LMTP, SMTP, HTTP for Roundcube and Horde), picked by the kernel.
read -r imap_port lmtp_port smtp_port http_port horde_port < <("$PYTHON" -c '
import socket
socks = []
for _ in range(5):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
')

# --- Dovecot -----------------------------------------------------------------------
mkdir -p "$state/dovecot/run" "$state/dovecot/lib" "$state/mail" "$state/spool"
chown "$MAIL_UID:$MAIL_UID" "$state/mail"
chmod 0700 "$state/mail"
: >"$state/dovecot/users"
for pair in $USERS; do
  printf '%s:{PLAIN}%s::::::\n' "${pair%%:*}" "${pair#*:}" >>"$state/dovecot/users"
done
chmod 0640 "$state/dovecot/users"
chgrp dovecot "$state/dovecot/users"
# One setting and one `{` per line: Dovecot's parser wants it so.
cat >"$state/dovecot/dovecot.conf" <<EOF
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $state/dovecot/run
state_dir = $state/dovecot/lib
log_path = $state/dovecot/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests try wrong passwords on purpose: no 2 s failure delay.
auth_failure_delay = 0
# "bob@example.test" (LMTP) and "bob" (IMAP login) are the same user.
auth_username_format = %Ln
first_valid_uid = $MAIL_UID
last_valid_uid = $MAIL_UID
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN $state/dovecot/users
}
userdb {
  driver = passwd-file
  args = $state/dovecot/users
  default_fields = uid=$MAIL_UID gid=$MAIL_UID home=$state/mail/%n
}
namespace inbox {
  inbox = yes
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
# ... and no per-IP auth penalty after a failure (it delayed the next good
# login from 127.0.0.1 by 4 s): an unreachable anvil-auth-penalty socket
# disables it (Dovecot's documented way).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
}
EOF
# Dovecot's master stops its own processes on SIGTERM (its log process may outlive it).
harness_spawn dovecot_pid "$state/dovecot/stdout.log" dovecot -F -c "$state/dovecot/dovecot.conf"

# --- SMTP relay ----------------------------------------------------------------------
harness_spawn relay_pid "$state/smtp-relay.log" "$PYTHON" "$here/smtp_relay.py" "$smtp_port" "$lmtp_port" "$state/spool"

# --- Roundcube -----------------------------------------------------------------------
rc=$state/roundcube
mkdir -p "$rc/logs" "$rc/temp" "$state/php-sessions"
ln -s /etc/roundcube/defaults.inc.php "$rc/defaults.inc.php"
ln -s /etc/roundcube/mimetypes.php "$rc/mimetypes.php"
des_key=$(head -c 18 /dev/urandom | base64)
cat >"$rc/config.inc.php" <<EOF
<?php
// Written by tests/webmail/with-webmail.sh for one test run.
\$config = [];
\$config['db_dsnw'] = 'sqlite:///$rc/roundcube.db?mode=0640';
\$config['imap_host'] = '127.0.0.1:$imap_port';
\$config['smtp_host'] = '127.0.0.1:$smtp_port';
\$config['smtp_user'] = '';
\$config['smtp_pass'] = '';
\$config['mail_domain'] = '$DOMAIN';
\$config['des_key'] = '$des_key';
\$config['product_name'] = 'Roundcube Webmail';
\$config['support_url'] = '';
\$config['skin'] = 'elastic';
\$config['plugins'] = [];
\$config['enable_spellcheck'] = false;
\$config['enable_installer'] = false;
\$config['log_dir'] = '$rc/logs/';
\$config['temp_dir'] = '$rc/temp/';
\$config['session_storage'] = '$session_storage';
\$config['ip_check'] = false;
\$config['draft_autosave'] = $autosave;
\$config['htmleditor'] = $htmleditor;
EOF
sqlite3 "$rc/roundcube.db" </usr/share/roundcube/SQL/sqlite.initial.sql ||
  die "initialising the Roundcube SQLite DB failed"
chown -R www-data:www-data "$rc" "$state/php-sessions"
chmod 0750 "$rc" "$state/php-sessions"
chmod 0640 "$rc/roundcube.db"
# PHP's built-in server as www-data; workers so a slow request (IMAP/SMTP) does
# not block the page's other requests (the server neither stops nor reaps them:
# they are stopped first). Its request log goes to php.log.
# post_max_size 64M (PHP's default is 8M): a message with a 10 MiB encrypted
# attachment is posted as ~14 MB of armor.
harness_spawn --stop-children-first php_pid "$state/php.log" \
  env ROUNDCUBE_CONFIG_DIR="$rc" PHP_CLI_SERVER_WORKERS=4 \
  setpriv --reuid=www-data --regid=www-data --clear-groups \
  php -d "session.save_path=$state/php-sessions" -d "upload_tmp_dir=$rc/temp" \
  -d "sys_temp_dir=$rc/temp" -d display_errors=stderr -d log_errors=On \
  -d post_max_size=64M -d upload_max_filesize=32M \
  -S "127.0.0.1:$http_port" -t "$RC_ROOT"

# --- Horde + IMP --------------------------------------------------------------------
# Horde reads its config only from /etc/horde/{horde,imp} (symlinked from
# $HORDE_ROOT/config and $HORDE_ROOT/imp/config): copies of the packages'
# files plus generated ones live in STATE/horde/config and are bind-mounted
# over those two dirs in this script's private mount namespace (CMD, started
# below, sees the same; the host does not). Likewise /var/cache/horde/static
# (where Horde may write cached JS/CSS) is STATE/horde/static here.
start_horde() {
  local h=$state/horde hc
  hc=$h/config
  mkdir -p "$hc" "$h/tmp" "$h/cache" "$h/sessions" "$h/static" "$h/logs"
  cp -a /etc/horde/horde "$hc/horde"
  cp -a /etc/horde/imp "$hc/imp"
  mount --bind "$hc/horde" /etc/horde/horde
  mount --bind "$hc/imp" /etc/horde/imp
  if [ -d /var/cache/horde/static ]; then mount --bind "$h/static" /var/cache/horde/static; fi
  # conf.php (all defaults) is written by horde-setup.php, which needs a
  # conf.php to start from (without one Horde says "This system is currently
  # deactivated"); conf.local.php comes after conf.php.
  cp "$hc/horde/conf.php.dist" "$hc/horde/conf.php"
  echo '<?php' >"$hc/imp/conf.php"
  cat >"$hc/horde/conf.local.php" <<EOF
<?php
// Written by tests/webmail/with-webmail.sh for one test run (read after conf.php).
\$conf['sql'] = array('phptype' => 'sqlite', 'database' => '$h/horde.db', 'charset' => 'utf-8');
\$conf['tmpdir'] = '$h/tmp';
\$conf['secret_key'] = '$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')';
\$conf['use_ssl'] = 0;
// Full URLs (form actions, redirects) carry this host and port.
\$conf['server']['name'] = '127.0.0.1';
\$conf['server']['port'] = $horde_port;
// Horde sets error_reporting() to this: no E_DEPRECATED (Horde 5 on PHP 8.2
// trips many) and no E_NOTICE. Warnings still go to the log below.
\$conf['debug_level'] = E_ALL & ~E_NOTICE & ~E_DEPRECATED & ~E_STRICT;
\$conf['compress_pages'] = false;
\$conf['testdisable'] = true;
// Host-only cookies (a Domain=127.0.0.1 cookie is not reliably kept by browsers).
\$conf['cookie']['domain'] = '';
\$conf['cookie']['path'] = '/';
\$conf['session']['name'] = 'Horde';
// Log in with the IMAP account (IMP authenticates against Dovecot).
\$conf['auth']['driver'] = 'application';
\$conf['auth']['params'] = array('app' => 'imp');
\$conf['auth']['admins'] = array();
\$conf['auth']['checkip'] = false;
\$conf['auth']['checkbrowser'] = false;
\$conf['auth']['resetpassword'] = false;
\$conf['log'] = array('enabled' => true, 'type' => 'file', 'priority' => 'WARNING', 'ident' => 'HORDE',
  'name' => '$h/logs/horde.log', 'params' => array('append' => true));
\$conf['cache']['driver'] = 'File';
\$conf['cache']['params'] = array('dir' => '$h/cache', 'sub' => 0);
\$conf['mailer'] = array('type' => 'smtp', 'params' => array('host' => '127.0.0.1', 'port' => $smtp_port,
  'auth' => false, 'secure' => false, 'localhost' => 'localhost'));
\$conf['problems']['email'] = 'postmaster@$DOMAIN';
\$conf['problems']['maildomain'] = '$DOMAIN';
\$conf['user']['select_view'] = true;
EOF
  cat >"$hc/horde/prefs.local.php" <<'EOF'
<?php
// Written by tests/webmail/with-webmail.sh: Horde opens on the mailbox.
$_prefs['initial_application']['value'] = 'imp';
EOF
  cat >"$hc/imp/backends.local.php" <<EOF
<?php
// Written by tests/webmail/with-webmail.sh: the test stack's Dovecot, no TLS;
// the relay takes mail without AUTH (empty credentials: IMP would otherwise
// log in to SMTP with the IMAP ones).
\$servers['imap'] = array(
    'disabled' => false,
    'name' => 'Tessera test IMAP',
    'hostspec' => '127.0.0.1',
    'hordeauth' => false,
    'protocol' => 'imap',
    'port' => $imap_port,
    'secure' => false,
    'maildomain' => '$DOMAIN',
    'smtp' => array('host' => '127.0.0.1', 'port' => $smtp_port, 'secure' => false,
        'username' => '', 'password' => '', 'localhost' => 'localhost'),
    'cache' => false,
    'special_mboxes' => array(
        IMP_Mailbox::MBOX_DRAFTS => 'Drafts',
        IMP_Mailbox::MBOX_SENT => 'Sent',
        IMP_Mailbox::MBOX_TRASH => 'Trash',
        IMP_Mailbox::MBOX_SPAM => 'Junk',
    ),
);
\$servers['pop']['disabled'] = true;
EOF
  cat >"$hc/imp/prefs.local.php" <<EOF
<?php
// Written by tests/webmail/with-webmail.sh (knobs TESSERA_HORDE_COMPOSE_HTML,
// TESSERA_HORDE_DRAFT_AUTOSAVE).
\$_prefs['compose_html']['value'] = $horde_html;
\$_prefs['auto_save_drafts']['value'] = $horde_autosave;
// Basic view: compose in the page, not in a popup window (the dynamic view ignores it).
\$_prefs['compose_popup']['value'] = 0;
// Saving a draft keeps the compose open (IMP's default, 1, closes it: "Compose
// action completed. You may now safely close this window.").
\$_prefs['close_draft']['value'] = 0;
EOF
  cat >"$hc/imp/mime_drivers.local.php" <<EOF
<?php
// Written by tests/webmail/with-webmail.sh (knob TESSERA_HORDE_HTML_INLINE): show
// text/html parts in the message view (Debian's mime_drivers.php turns it off).
\$mime_drivers['html']['inline'] = $( [ "$horde_html_inline" = 1 ] && echo true || echo false);
EOF
  # PHP 8.2 fixes for Debian's Horde (each(), a ValueError; see the file),
  # given to PHP as auto_prepend_file; the installed files stay as they are.
  cp "$here/horde-php8.php" "$h/php8.php"
  # Full conf.php files and the SQLite tables (see horde-setup.php). As root;
  # handed to www-data after. error_reporting: E_ALL without E_DEPRECATED and
  # E_STRICT (Horde 5 on PHP 8.2 trips many deprecations).
  php -d error_reporting=22527 -d display_errors=stderr -d "sys_temp_dir=$h/tmp" \
    -d "auto_prepend_file=$h/php8.php" "$here/horde-setup.php" </dev/null >"$h/logs/setup.log" 2>&1 ||
    die "Horde set-up failed; its log ($h/logs/setup.log):
$(grep -v Deprecated "$h/logs/setup.log" | tail -n 30)"
  chown -R www-data:www-data "$h"
  chmod 0750 "$h"
  # Sending resolves the client's address for the Received header through
  # Net_DNS2 with a file cache, TMPDIR/horde_dns.cache<hostname>; on PHP 8
  # Net_DNS2 1.5 dies in its destructor once that file is empty (fread() of 0
  # bytes: a ValueError, HTTP 500 after the mail went out). A cache file
  # www-data cannot open turns the cache off (a logged warning instead).
  install -m 0000 -o root -g root /dev/null "$h/tmp/horde_dns.cache$(hostname)"
  harness_spawn --stop-children-first horde_pid "$h/logs/php.log" \
    env PHP_CLI_SERVER_WORKERS=4 setpriv --reuid=www-data --regid=www-data --clear-groups \
    php -d "session.save_path=$h/sessions" -d "upload_tmp_dir=$h/tmp" -d "sys_temp_dir=$h/tmp" \
    -d error_reporting=22527 -d display_errors=Off -d log_errors=On -d "auto_prepend_file=$h/php8.php" \
    -d post_max_size=64M -d upload_max_filesize=32M \
    -S "127.0.0.1:$horde_port" -t "$HORDE_ROOT"
}
horde_url=
if [ "$horde" = 1 ]; then
  start_horde
  horde_url="http://127.0.0.1:$horde_port/"
fi

url="http://127.0.0.1:$http_port/"
harness_wait_for "Dovecot IMAP on port $imap_port" "$dovecot_pid" "$state/dovecot/dovecot.log" harness_tcp_banner "$imap_port" "* OK"
harness_wait_for "Dovecot LMTP on port $lmtp_port" "$dovecot_pid" "$state/dovecot/dovecot.log" harness_tcp_banner "$lmtp_port" "220 "
harness_wait_for "the SMTP relay on port $smtp_port" "$relay_pid" "$state/smtp-relay.log" harness_tcp_banner "$smtp_port" "220 "
harness_wait_for "Roundcube's login page at $url" "$php_pid" "$state/php.log" harness_http_ok "$url"
[ -z "$horde_url" ] ||
  harness_wait_for "Horde's login page at ${horde_url}login.php" "$horde_pid" "$state/horde/logs/php.log" harness_http_ok "${horde_url}login.php"
log "Dovecot IMAP :$imap_port LMTP :$lmtp_port, SMTP relay :$smtp_port, Roundcube $url${horde_url:+, Horde $horde_url} up in $(($(now_ms) - t0)) ms (state: $state)"

export TESSERA_WEBMAIL_URL=$url
if [ -n "$horde_url" ]; then export TESSERA_HORDE_URL=$horde_url; else unset TESSERA_HORDE_URL; fi
export TESSERA_IMAP_HOST=127.0.0.1
export TESSERA_IMAP_PORT=$imap_port
export TESSERA_SMTP_PORT=$smtp_port
export TESSERA_WEBMAIL_STATE=$state
export TESSERA_WEBMAIL_USERS=$USERS
export TESSERA_WEBMAIL_DOMAIN=$DOMAIN

harness_run "$@"
