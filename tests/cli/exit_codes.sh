#!/bin/sh
# Exit statuses (DESIGN §7): 0 ok, 1 the daemon said no, 2 usage, 3 cannot
# reach the daemon; and the messages that go with them.
. "$(dirname "$0")/lib.sh"

# ---- 3: no daemon --------------------------------------------------------------
run 3 status &&
  expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK: No such file or directory." &&
  expect_in "$ERR" "Start it with 'lumbard' (or 'systemctl --user start lumbard'), or pass --socket." &&
  expect_empty "$OUT"
run 3 --socket "$WORLD/elsewhere.sock" call daemon.ping &&
  expect_in "$ERR" "cannot reach lumbard at $WORLD/elsewhere.sock: "
LUMBARD_SOCKET="$WORLD/env.sock" run 3 call daemon.ping &&
  expect_in "$ERR" "cannot reach lumbard at $WORLD/env.sock: "
# --socket wins over LUMBARD_SOCKET, wherever it stands.
LUMBARD_SOCKET="$WORLD/env.sock" run 3 call daemon.ping --socket="$WORLD/flag.sock" &&
  expect_in "$ERR" "cannot reach lumbard at $WORLD/flag.sock: "
# A socket file that no daemon serves any more.
"$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$WORLD/stale.sock"
run 3 -s "$WORLD/stale.sock" status && expect_in "$ERR" "$WORLD/stale.sock: Connection refused."

# ---- 2: usage errors, told before any connection is tried -------------------------
run 2 && expect_in "$ERR" "lumbarctl: missing command" && expect_in "$ERR" "Usage: lumbarctl"
run 2 bogus && expect_in "$ERR" "lumbarctl: unknown command 'bogus'" &&
  expect_in "$ERR" "Try 'lumbarctl --help'"
run 2 --bogus status && expect_in "$ERR" "lumbarctl: unknown flag '--bogus'"
run 2 status --bogus && expect_in "$ERR" "lumbarctl status: unknown flag '--bogus'" &&
  expect_in "$ERR" "Usage: lumbarctl status"
run 2 status now && expect_in "$ERR" "lumbarctl status: unexpected argument 'now'"
run 2 plugins -x && expect_in "$ERR" "unknown flag '-x'"
run 2 call && expect_in "$ERR" "lumbarctl call: missing argument" &&
  expect_in "$ERR" "Usage: lumbarctl call METHOD [ARG]..."
run 2 watch --since 5 && expect_in "$ERR" "lumbarctl watch: unknown flag '--since'"
run 2 --socket && expect_in "$ERR" "--socket needs a PATH"
run 2 --socket= status && expect_in "$ERR" "--socket needs a PATH"
run 2 help nope && expect_in "$ERR" "no command 'nope'"
expect_empty "$OUT"

# ---- 1: the daemon answered an error -------------------------------------------
start_daemon
run 1 call daemon.nope &&
  expect_in "$ERR" "lumbarctl: daemon.nope: no_such_method: no method \"daemon.nope\"" &&
  expect_empty "$OUT"
run 1 call daemon.subscribe &&
  expect_in "$ERR" "lumbarctl: daemon.subscribe: invalid_params: missing parameter 'patterns'"
run 1 --json call daemon.subscribe '[]' &&
  expect_in "$ERR" "lumbarctl: daemon.subscribe: invalid_params: give at least one pattern" &&
  expect_empty "$OUT"
run 0 call daemon.ping

# ---- 3 again: the daemon went away ---------------------------------------------
stop_daemon
run 3 call daemon.ping && expect_in "$ERR" "cannot reach lumbard at $SOCK"

finish
