# Sourced by the cli tests: a private XDG world, a real lumbard in it, and
# assertions that say what was expected and what came.
#
# Usage in a test:  . "$(dirname "$0")/lib.sh" "$@"
#   $1 lumbard, $2 lumbarctl, $3 the directory holding the clitest plugin,
#   and for the rest and remind tests $4, the build's plugin directory (the
#   real rest and reminders plugins), in $PLUGIN_DIR.

LUMBARD_BIN=$1
LUMBARCTL=$2
FIXTURE_DIR=$3
PLUGIN_DIR=${4:-}
PY=/usr/bin/python3 # Debian's, with python3-msgpack; not a pyenv one first in PATH
TEST_NAME=$(basename "$0" .sh)

if [ ! -x "$LUMBARD_BIN" ] || [ ! -x "$LUMBARCTL" ] || [ ! -d "$FIXTURE_DIR" ]; then
  echo "usage: $0 LUMBARD LUMBARCTL FIXTURE_PLUGIN_DIR" >&2
  exit 2
fi

WORLD=$(mktemp -d "${TMPDIR:-/tmp}/lumbarctl-test.XXXXXX")
mkdir -p "$WORLD/run" "$WORLD/data" "$WORLD/config" "$WORLD/bin" "$WORLD/out"
chmod 700 "$WORLD/run"
# Patterns match the bar's block characters: the tests read UTF-8 whatever the
# environment (a bare CI machine has no locale at all).
export LC_ALL=C.UTF-8
export XDG_RUNTIME_DIR="$WORLD/run" XDG_DATA_HOME="$WORLD/data" XDG_CONFIG_HOME="$WORLD/config"
unset LUMBARD_SOCKET NO_COLOR DBUS_SESSION_BUS_ADDRESS
SOCK="$WORLD/run/lumbard.sock"
# The daemon runs from a copy, so that it finds no built-in plugins next to
# it: these tests see the plugins they load and only those, whatever plugins
# the build has.
cp "$LUMBARD_BIN" "$WORLD/bin/lumbard"
DAEMON_PID=
FAILED=0

cleanup() {
  if [ -S "$WORLD/tmux.sock" ]; then
    tm kill-server 2>/dev/null
  fi
  if [ -n "$DAEMON_PID" ]; then
    kill "$DAEMON_PID" 2>/dev/null
    wait "$DAEMON_PID" 2>/dev/null
  fi
  for p in $EXTRA_PIDS; do
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  if [ "$FAILED" != 0 ] && [ -s "$WORLD/daemon.log" ]; then
    echo "--- lumbard's log:"
    cat "$WORLD/daemon.log"
  fi
  rm -rf "$WORLD"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
  echo "FAIL ($TEST_NAME): $*"
  FAILED=1
}

# Start lumbard (extra flags as arguments) and wait until it answers.
start_daemon() {
  "$WORLD/bin/lumbard" --no-dbus "$@" >"$WORLD/daemon.log" 2>&1 &
  DAEMON_PID=$!
  i=0
  while ! "$LUMBARCTL" call daemon.ping >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
      echo "FAIL ($TEST_NAME): lumbard did not answer daemon.ping within 5 s"
      cat "$WORLD/daemon.log"
      FAILED=1
      exit 1
    fi
    sleep 0.05
  done
}

# wait_until DESCRIPTION SHELL-CONDITION: poll the condition for up to 5 s.
wait_until() {
  i=0
  until eval "$2"; do
    i=$((i + 1))
    if [ $i -gt 100 ]; then
      fail "waited 5 s for $1"
      return 1
    fi
    sleep 0.05
  done
  return 0
}

# The number of event subscribers lumbard reports.
subscribers() {
  "$LUMBARCTL" call daemon.status 2>/dev/null | sed -n 's/^subscribers: //p'
}

# The rest tests: lumbard with the build's real rest plugin.
start_rest_daemon() {
  if [ ! -f "$PLUGIN_DIR/rest.so" ]; then
    echo "FAIL ($TEST_NAME): no rest.so in '$PLUGIN_DIR' (the 4th argument: the build's plugin directory)"
    exit 1
  fi
  start_daemon --plugin-dir "$PLUGIN_DIR" "$@"
}

# The remind tests: lumbard with the build's real reminders plugin (and
# rest, its neighbour there), in Berlin time, as the tests' expectations are.
start_reminders_daemon() {
  if [ ! -f "$PLUGIN_DIR/reminders.so" ]; then
    echo "FAIL ($TEST_NAME): no reminders.so in '$PLUGIN_DIR' (the 4th argument: the build's plugin directory)"
    exit 1
  fi
  start_daemon --plugin-dir "$PLUGIN_DIR" "$@"
}

# The pain tests: lumbard with the build's real pain plugin (and its
# neighbours there: the warm-up sessions come from rest and reminders).
start_pain_daemon() {
  if [ ! -f "$PLUGIN_DIR/pain.so" ]; then
    echo "FAIL ($TEST_NAME): no pain.so in '$PLUGIN_DIR' (the 4th argument: the build's plugin directory)"
    exit 1
  fi
  start_daemon --plugin-dir "$PLUGIN_DIR" "$@"
}

# The train tests: lumbard with the build's real train plugin (and rest, which
# times the rest after each set).
start_train_daemon() {
  if [ ! -f "$PLUGIN_DIR/train.so" ]; then
    echo "FAIL ($TEST_NAME): no train.so in '$PLUGIN_DIR' (the 4th argument: the build's plugin directory)"
    exit 1
  fi
  start_daemon --plugin-dir "$PLUGIN_DIR" "$@"
}

# call_many METHOD COUNT PARAMS: METHOD called COUNT times over the socket, 500
# calls in flight (the daemon queues at most 4 MiB of answers for a client
# that does not read), with the params of the Python expression PARAMS of i
# (1 to COUNT).
call_many() {
  "$PY" - "$SOCK" "$@" <<'EOF_PY'
import socket, sys
import msgpack
path, method, count, expr = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_UNIX)
s.connect(path)
u = msgpack.Unpacker(raw=False)
sent = done = 0
while done < count:
    while sent < count and sent - done < 500:
        sent += 1
        s.sendall(msgpack.packb([0, sent, method, eval(expr, {"i": sent})]))
    data = s.recv(1 << 20)
    if not data:
        sys.exit("%s: lumbard closed the connection after %d answers" % (method, done))
    u.feed(data)
    for msg in u:
        if msg[2] is not None:
            sys.exit("%s #%d: %r" % (method, msg[1], msg[2]))
        done += 1
EOF_PY
}

# day_ago N: the local date N days before today, YYYY-MM-DD.
day_ago() {
  # From today's noon, so that a change of summer time between keeps the day.
  date -d "@$(($(date -d 12:00 +%s) - $1 * 86400))" +%F
}

# A flare-up and its end, logged at noon of past days: 7, 8, 6, 5 twelve to
# nine days ago (a flare-up of 4 days, worst 8, average 6.5), then 2, 1, 2
# five to three days ago (3 calm logged days in a row: it is over).
log_flare_up() {
  for day_level in 12:7 11:8 10:6 9:5 5:2 4:1 3:2; do
    "$LUMBARCTL" pain log "${day_level#*:}" --where lower-back-left --trigger deadlift \
      --at "$(day_ago "${day_level%:*}") 12:00" >/dev/null ||
      fail "log_flare_up: 'lumbarctl pain log ${day_level#*:} --at \"$(day_ago "${day_level%:*}") 12:00\"' failed"
  done
}

# A config whose presets run in seconds, for the rest tests that wait for
# them (a config file replaces the built-in presets whole).
write_quick_presets() {
  mkdir -p "$XDG_CONFIG_HOME/lumbard"
  cat >"$XDG_CONFIG_HOME/lumbard/lumbard.conf" <<'EOF_CONF'
[rest.preset.quick]
label = quick warm-up
step1 = 1s | Left side
step2 = 1s | Right side
done = Warm-up done

[rest.preset.short]
label = short
sets = 3
reps = 20-30
weight = light
rest = 1s
until = 3s
EOF_CONF
}

stop_daemon() {
  kill "$DAEMON_PID"
  wait "$DAEMON_PID" 2>/dev/null
  DAEMON_PID=
}

# ---- terminals: the tty tests drive lumbarctl in tmux --------------------------

# Skip the test (exit 77) when tmux is not installed.
need_tmux() {
  if ! command -v tmux >/dev/null 2>&1; then
    echo "skip ($TEST_NAME): tmux is not installed"
    exit 77
  fi
}

# A tmux server of the test's own, killed by cleanup.
tm() {
  tmux -u -S "$WORLD/tmux.sock" -f /dev/null "$@"
}

# capture NAME [FLAGS]: what pane NAME shows now, into $WORLD/out/NAME
# (trailing blanks and blank lines out).
capture() {
  tm capture-pane -p ${2:+"$2"} -t "$1" | sed -e 's/ *$//' -e '/^$/d' >"$WORLD/out/$1"
}

in_pane() {
  capture "$1"
  grep -qF -- "$2" "$WORLD/out/$1"
}

wait_pane() {
  wait_until "pane $1 to show '$2'" "in_pane '$1' '$2'"
}

# tty_run NAME COLUMNS ROWS ENV ARGS: lumbarctl ARGS (shell words) in a new
# COLUMNSxROWS terminal, UTF-8, with ENV (VAR=value words, or "-") and the
# test's TZ if it set one; when it ends the pane says "[exit N]" and stays.
tty_run() {
  env_words=$4
  [ "$env_words" = - ] && env_words=
  tm new-session -d -x "$2" -y "$3" -s "$1" \
    "env LC_ALL=C.UTF-8 TERM=screen ${TZ:+TZ=$TZ} XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' $env_words '$LUMBARCTL' $5; echo \"[exit \$?]\"; sleep 600"
}

# show_pane NAME: the last capture of pane NAME, indented, for a failure.
show_pane() {
  sed 's/^/    | /' "$WORLD/out/$1"
}

# expect_pane NAME FIRST REST: the pane shows a first line matching the
# regex FIRST (the start line, with its id and clock), then exactly the
# lines of REST.
expect_pane() {
  capture "$1"
  printf '%s\n' "$3" >"$WORLD/out/$1.want"
  if ! head -1 "$WORLD/out/$1" | grep -qE "^$2\$" ||
    ! tail -n +2 "$WORLD/out/$1" | cmp -s - "$WORLD/out/$1.want"; then
    fail "pane $1: expected a first line matching '$2', then:"
    sed 's/^/    | /' "$WORLD/out/$1.want"
    echo "  the pane shows:"
    show_pane "$1"
  fi
}

# run WANT_STATUS lumbarctl-args...: runs lumbarctl, keeping its output in
# $OUT and $ERR (files), and checks the exit status.
OUT="$WORLD/out/stdout"
ERR="$WORLD/out/stderr"
run() {
  want=$1
  shift
  "$LUMBARCTL" "$@" >"$OUT" 2>"$ERR"
  got=$?
  LAST_CMD="lumbarctl $*"
  if [ "$got" != "$want" ]; then
    fail "'$LAST_CMD': expected exit status $want, got $got"
    show_output
    return 1
  fi
  return 0
}

show_output() {
  echo "  its stdout:"
  sed 's/^/    | /' "$OUT" | head -40
  echo "  its stderr:"
  sed 's/^/    | /' "$ERR" | head -20
}

# expect_in FILE TEXT: the file holds the text (a fixed string).
expect_in() {
  if ! grep -qF -- "$2" "$1"; then
    fail "'$LAST_CMD': expected $(basename "$1") to contain '$2'"
    show_output
  fi
}

# expect_block FILE TEXT: the file holds the text whole, its lines in a row
# (grep -F takes each line of a text of several lines as a pattern of its
# own: expect_in would be content with any one of them).
expect_block() {
  if ! "$PY" -c 'import sys; sys.exit(0 if sys.argv[2] in open(sys.argv[1], encoding="utf-8").read() else 1)' "$1" "$2"; then
    fail "'$LAST_CMD': expected $(basename "$1") to hold these lines, in a row:"
    printf '%s\n' "$2" | sed 's/^/    > /'
    show_output
  fi
}

expect_not_in() {
  if grep -qF -- "$2" "$1"; then
    fail "'$LAST_CMD': expected $(basename "$1") not to contain '$2'"
    show_output
  fi
}

# expect_exactly FILE EXPECTED: the whole file is exactly the expected text.
expect_exactly() {
  printf '%s\n' "$2" >"$WORLD/out/expected"
  if ! cmp -s "$1" "$WORLD/out/expected"; then
    fail "'$LAST_CMD': $(basename "$1") is not what was expected; diff (- expected, + got):"
    diff -u "$WORLD/out/expected" "$1" | tail -n +3 | sed 's/^/    /'
  fi
}

# expect_line FILE REGEX: a line of the file matches the (extended) regex
# from its start to its end.
expect_line() {
  if ! grep -qE -- "^$2\$" "$1"; then
    fail "'$LAST_CMD': expected $(basename "$1") to hold a line matching '$2'"
    show_output
  fi
}

expect_empty() {
  if [ -s "$1" ]; then
    fail "'$LAST_CMD': expected nothing on $(basename "$1")"
    show_output
  fi
}

# expect_json FILE PYTHON-EXPR: the file parses as JSON, and the expression
# over it (as `v`) is true.
expect_json() {
  if ! "$PY" -c '
import json, sys
v = json.load(open(sys.argv[1]))
ok = eval("(" + sys.argv[2] + "\n)")
if not ok:
    print("  the JSON was: " + json.dumps(v)[:2000])
sys.exit(0 if ok else 1)' "$1" "$2"; then
    fail "'$LAST_CMD': expected JSON with $2"
    show_output
  fi
}

finish() {
  if [ "$FAILED" != 0 ]; then
    exit 1
  fi
  echo "ok ($TEST_NAME)"
  exit 0
}
