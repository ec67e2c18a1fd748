#!/bin/sh
# watch: subscribes, prints each event as a line or as JSON Lines, stops
# cleanly on SIGINT and SIGTERM, and exits 3 when the daemon goes away.
. "$(dirname "$0")/lib.sh"

W="$WORLD/out"

# Start a watcher in the background; its pid lands in $WATCHER.
start_watch() {
  name=$1
  shift
  "$LUMBARCTL" watch "$@" >"$W/$name.out" 2>"$W/$name.err" &
  WATCHER=$!
  EXTRA_PIDS="$EXTRA_PIDS $WATCHER"
}

# expect_watch_exit PID WANT NAME: the watcher ends with that status.
expect_watch_exit() {
  wait "$1"
  got=$?
  if [ "$got" != "$2" ]; then
    fail "watch ($3): expected exit status $2, got $got; its stderr:"
    sed 's/^/    | /' "$W/$3.err"
  fi
}

run 3 watch && expect_in "$ERR" "cannot reach lumbard at $SOCK"

start_daemon --plugin-dir "$FIXTURE_DIR"

# One watcher: the daemon counts one subscriber.
start_watch all --json
JSON_WATCHER=$WATCHER
wait_until "'lumbarctl watch --json' to subscribe (daemon.status: subscribers: 1)" \
  '[ "$(subscribers)" = 1 ]'
LAST_CMD="lumbarctl call daemon.status (while one watch runs)"
run 0 call daemon.status && expect_in "$OUT" "subscribers: 1"

start_watch clitest 'clitest.*'
TEXT_WATCHER=$WATCHER
start_watch other 'rest.*' 'pain.logged'
OTHER_WATCHER=$WATCHER
wait_until "three watchers to subscribe" '[ "$(subscribers)" = 3 ]'

run 0 call clitest.poke hello
run 0 call clitest.poke "hip abduction" 3
wait_until "two events in the JSON watcher's output" '[ "$(wc -l <"$W/all.out")" -ge 2 ]'
wait_until "two events in the text watcher's output" '[ "$(wc -l <"$W/clitest.out")" -ge 2 ]'

kill -INT "$JSON_WATCHER" "$TEXT_WATCHER" "$OTHER_WATCHER"
expect_watch_exit "$JSON_WATCHER" 0 all
expect_watch_exit "$TEXT_WATCHER" 0 clitest
expect_watch_exit "$OTHER_WATCHER" 0 other

LAST_CMD="lumbarctl watch --json"
OUT="$W/all.out" ERR="$W/all.err"
"$PY" -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
want = [{"event": "clitest.poked", "fields": {"id": 1, "label": "hello", "count": 1}},
        {"event": "clitest.poked", "fields": {"id": 2, "label": "hip abduction", "count": 3}}]
got = [json.loads(l) for l in lines]
if got != want:
    print("  expected %s\n  got      %s" % (want, got))
    sys.exit(1)' "$OUT" || fail "'$LAST_CMD': not the expected JSON Lines"

LAST_CMD="lumbarctl watch 'clitest.*'"
if ! grep -qE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] clitest\.poked id=1 label=hello count=1$' "$W/clitest.out" ||
  ! grep -qE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] clitest\.poked id=2 label="hip abduction" count=3$' "$W/clitest.out"; then
  fail "'$LAST_CMD': expected lines 'HH:MM:SS clitest.poked id=1 label=hello count=1' and '... id=2 label=\"hip abduction\" count=3'; got:"
  sed 's/^/    | /' "$W/clitest.out"
fi
LAST_CMD="lumbarctl watch 'rest.*' 'pain.logged'"
expect_empty "$W/other.out"
expect_empty "$W/other.err"

# SIGTERM ends it as cleanly.
start_watch term
wait_until "'lumbarctl watch' to subscribe" '[ "$(subscribers)" = 1 ]'
kill -TERM "$WATCHER"
expect_watch_exit "$WATCHER" 0 term

# A pattern the daemon refuses: it said no.
LONG=$(printf '%0200d' 0)
run 1 watch "$LONG" && expect_in "$ERR" "lumbarctl: daemon.subscribe: invalid_params: pattern 1"

# The daemon goes away under a watcher: exit 3, saying so.
start_watch gone
wait_until "'lumbarctl watch' to subscribe" '[ "$(subscribers)" = 1 ]'
stop_daemon
expect_watch_exit "$WATCHER" 3 gone
LAST_CMD="lumbarctl watch (daemon stopped)"
OUT="$W/gone.out" ERR="$W/gone.err"
expect_in "$ERR" "lumbarctl: watch: lost the connection to lumbard at $SOCK: the daemon closed the connection."

finish
