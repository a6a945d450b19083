# shellcheck shell=bash
# What the test harnesses share: the wrappers that start real services, run a
# command against them and undo everything after it (scripts/lib/with-virtual-card.sh,
# tests/webmail/with-webmail.sh; their self-checks, tests/*/check.sh, for a temp dir).
# Source it; do not run it. Set HARNESS_NAME (the prefix of every log line)
# first, and HARNESS_WAIT_SECONDS (how long harness_wait_for waits) if 15 s is
# not right.
#
# The undo steps form a stack: each service started, temp dir made or hook
# registered is undone at exit, the last one first, so a service is stopped
# before what it needs (its state dir, a daemon it talks to) goes.
#
#   harness_begin                        traps: EXIT undoes everything, INT/TERM/HUP stop CMD first
#   harness_state_dir VAR PREFIX         a fresh temp dir, removed at exit
#   harness_spawn [--stop-children-first] VAR LOG CMD...   a service, stopped at exit
#   harness_at_exit CMD...               any other undo step
#   harness_wait_for WHAT PID LOG CHECK...   polls CHECK with a timeout and a clear error
#   harness_run CMD...                   runs CMD and exits with its exit code
# shellcheck disable=SC2317 # functions here are called from traps and from the harnesses

HARNESS_NAME=${HARNESS_NAME:-harness}
HARNESS_WAIT_SECONDS=${HARNESS_WAIT_SECONDS:-15}
# When the teardown began (ms), for harnesses that report how long stopping took.
HARNESS_STOP_STARTED=
_harness_steps=()
_harness_cmd_pid=

harness_log() { echo "$HARNESS_NAME: $*" >&2; }
# 70 (EX_SOFTWARE): the harness failed, as opposed to CMD's own exit code.
harness_die() {
  harness_log "error: $*"
  exit 70
}
now_ms() { date +%s%3N; }

# harness_usage ARGC: exits 64 (EX_USAGE) when the harness was given no command.
harness_usage() {
  if [ "$1" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 64
  fi
}

# harness_need_tools TOOL...: dies naming the first one missing.
harness_need_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || harness_die "$tool is missing (run scripts/lib/system-deps.sh)"
  done
}

harness_begin() {
  trap _harness_teardown EXIT
  trap '_harness_on_signal 130' INT
  trap '_harness_on_signal 143' TERM
  trap '_harness_on_signal 129' HUP
}

# harness_at_exit CMD [ARGS...]: CMD runs at exit, before the steps registered earlier.
harness_at_exit() {
  _harness_steps+=("$(printf '%q ' "$@")")
}

# harness_state_dir VAR PREFIX: VAR names a fresh dir under TMPDIR, removed at exit
# (kept, and its path logged, with TESSERA_KEEP_TEST_STATE=1).
harness_state_dir() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")
  printf -v "$1" '%s' "$dir"
  harness_at_exit _harness_remove_state "$dir"
}

# harness_spawn [--stop-children-first] VAR LOG CMD [ARGS...]: starts CMD in the
# background with stdout and stderr to LOG and stdin from /dev/null (a daemon
# holding the caller's pipe would keep a `| tee` around the harness open), sets
# VAR to its pid and stops it at exit (harness_stop). Prefix CMD with `env` for
# variables: the pid is still the service's, env execs it.
harness_spawn() {
  local order=()
  if [ "$1" = --stop-children-first ]; then
    order=(--children-first)
    shift
  fi
  local var=$1 logfile=$2
  shift 2
  "$@" </dev/null >"$logfile" 2>&1 &
  printf -v "$var" '%s' "$!"
  harness_at_exit harness_stop "${order[@]}" "$!"
}

# harness_stop [--children-first] PID: SIGTERM, then waits until PID is gone (SIGKILL
# after 5 s) and until the children it left are gone too (SIGKILL after 2 s).
# --children-first: SIGTERM the children before PID, for a parent that neither
# stops nor reaps its workers (PHP's built-in server with PHP_CLI_SERVER_WORKERS).
harness_stop() {
  local first=0
  if [ "$1" = --children-first ]; then
    first=1
    shift
  fi
  local pid=$1 kids kid
  kids=$(_harness_children "$pid")
  if [ "$first" = 1 ]; then
    for kid in $kids; do kill -TERM "$kid" 2>/dev/null; done
  fi
  _harness_stop_pid "$pid"
  # shellcheck disable=SC2086 # one pid a word
  _harness_wait_gone $kids
}

# harness_wait_for WHAT PID LOG CHECK [ARGS...]: polls CHECK every 50 ms until it
# succeeds. Dies after HARNESS_WAIT_SECONDS, or as soon as process PID (unless
# empty) has exited, with the end of LOG.
harness_wait_for() {
  local what=$1 pid=$2 logfile=$3
  shift 3
  local deadline=$((SECONDS + HARNESS_WAIT_SECONDS))
  until "$@"; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      harness_die "the process behind $what (pid $pid) exited while we waited; its log ($logfile):
$(tail -n 30 "$logfile" 2>/dev/null)"
    fi
    [ $SECONDS -lt $deadline ] || harness_die "timed out after ${HARNESS_WAIT_SECONDS}s waiting for $what (log: $logfile)"
    sleep 0.05
  done
}

# harness_tcp_banner PORT PREFIX: the server on 127.0.0.1:PORT greets with a line starting with PREFIX.
harness_tcp_banner() {
  local line fd
  # (`exec` with a redirection of its own would apply it to the whole script.)
  { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  IFS= read -r -t 2 -u "$fd" line || line=
  exec {fd}<&- {fd}>&-
  [[ $line == "$2"* ]]
}

# harness_http_ok URL: URL answers 200.
harness_http_ok() {
  [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1")" = 200 ]
}

# harness_run CMD [ARGS...]: runs CMD, then exits with its exit code (the EXIT
# trap undoes the rest). CMD is a background job so that a signal to the
# harness is handled at once (bash defers traps while a foreground command
# runs); `<&0` keeps CMD's stdin, which bash would otherwise point at /dev/null.
harness_run() {
  "$@" <&0 &
  _harness_cmd_pid=$!
  local rc=0
  wait "$_harness_cmd_pid" || rc=$?
  _harness_cmd_pid=
  HARNESS_STOP_STARTED=$(now_ms)
  exit "$rc"
}

_harness_teardown() {
  local rc=$? i
  trap - EXIT INT TERM HUP
  set +e
  [ -n "$HARNESS_STOP_STARTED" ] || HARNESS_STOP_STARTED=$(now_ms)
  for ((i = ${#_harness_steps[@]} - 1; i >= 0; i--)); do
    eval "${_harness_steps[i]}"
  done
  # The harnesses are PID 1 of their namespace: reap the daemons they adopted.
  wait 2>/dev/null
  exit "$rc"
}

# On a signal: stop CMD first (as a background job it ignores SIGINT), then
# tear down with the conventional 128+N exit code.
_harness_on_signal() {
  HARNESS_STOP_STARTED=$(now_ms)
  if [ -n "$_harness_cmd_pid" ]; then
    kill -TERM "$_harness_cmd_pid" 2>/dev/null
    wait "$_harness_cmd_pid" 2>/dev/null
  fi
  exit "$1"
}

_harness_remove_state() {
  # Daemons that daemonised (gpg-agent) write into it until they are gone.
  wait 2>/dev/null
  if [ "${TESSERA_KEEP_TEST_STATE:-}" = 1 ]; then
    harness_log "kept test state in $1"
  else
    rm -rf "$1"
  fi
}

_harness_children() { [ -z "$1" ] || ps -o pid= --ppid "$1" 2>/dev/null || true; }

# A process that exited stays a zombie (and kill -0 succeeds) until its parent
# waits for it: count a zombie as gone.
_harness_gone() {
  local stat
  stat=$(ps -o stat= -p "$1" 2>/dev/null)
  [[ -z $stat || $stat == Z* ]]
}

_harness_stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 100); do
    _harness_gone "$pid" && break
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# Orphans are reaped by init (the harness, in its namespace): wait until they are.
_harness_wait_gone() {
  local p i
  for p in "$@"; do
    for i in $(seq 60); do
      _harness_gone "$p" && break
      [ "$i" = 40 ] && kill -KILL "$p" 2>/dev/null
      sleep 0.05
    done
  done
}
