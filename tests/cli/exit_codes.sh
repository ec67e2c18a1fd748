#!/bin/sh
# Exit statuses (DESIGN §7): 0 ok, 1 the daemon said no, 2 usage, 3 cannot
# reach the daemon; and the messages that go with them. A value the person
# typed that the real daemon refuses is a usage error (2), said with the
# flag's name; a refusal of the request itself stays 1 (lumbarctl(1), EXIT
# STATUS).
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
# A slip of a command's name: the command meant.
run 2 pian && expect_in "$ERR" "lumbarctl: unknown command 'pian'; did you mean 'pain'?"
run 2 pain lgo 3 && expect_in "$ERR" "lumbarctl pain: unknown sub-command 'lgo'; did you mean 'pain log'?"
run 2 remind lsit && expect_in "$ERR" "did you mean 'remind list'?"
run 2 plugisn && expect_in "$ERR" "did you mean 'plugins'?"
run 2 bogus && expect_not_in "$ERR" "did you mean"
# Values lumbarctl reads itself, named as typed.
run 2 pain log 11 && expect_in "$ERR" "lumbarctl pain log: LEVEL is a whole number from 0 (no pain) to 10"
run 2 pain log 3 --where knee && expect_in "$ERR" "lumbarctl pain log: --where takes one of " &&
  expect_not_in "$ERR" "location"
run 2 remind snooze 1 soon && expect_in "$ERR" "lumbarctl remind snooze: DURATION: duration \"soon\""
run 2 remind pause 2 --id x && expect_in "$ERR" "lumbarctl remind pause: --id takes a whole number, not 'x'"
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

# ---- the real plugins: 2 for a value typed that lumbard refuses, 1 for the request ----
start_pain_daemon
NOW=$(date +%s)
run 2 pain log 3 --at "$((NOW + 3600))" &&
  expect_exactly "$ERR" "lumbarctl pain log: --at is in the future; log now, or an earlier time
Usage: lumbarctl pain log LEVEL [OPTION]...
Try 'lumbarctl help pain log'." && expect_empty "$OUT"
run 2 pain log 3 -m "$("$PY" -c 'print("x" * 1001)')" &&
  expect_in "$ERR" "lumbarctl pain log: -m must be up to 1,000 characters"
run 2 pain stats --days 0 && expect_in "$ERR" "lumbarctl pain stats: --days must be between 1 and"
run 2 pain history -n 10001 && expect_in "$ERR" "lumbarctl pain history: -n must be between 1 and 10000"
run 2 pain export --format xml && expect_in "$ERR" "lumbarctl pain export: --format must be csv or json"
run 2 remind pause 31d && expect_in "$ERR" "lumbarctl remind pause: DURATION must be between 1s and 30d, got 31d"
run 2 remind add nap "every 45m" --to 25:00 && expect_in "$ERR" "lumbarctl remind add: --to must be a time of day"
run 2 remind preview daily --count 0 && expect_in "$ERR" "lumbarctl remind preview: --count must be between 1 and 1000"
# The request refused: nothing it names is what was typed wrong.
run 1 pain rm 999 && expect_in "$ERR" "lumbarctl: pain.remove: not_found: no entry 999"
run 1 pain edit 999 --level 3 && expect_in "$ERR" "lumbarctl: pain.amend: not_found: no entry 999"
run 1 remind "done" 1 && expect_in "$ERR" "lumbarctl: reminders.done: conflict: reminder 1 (warmup) is not due"
run 1 remind pause 1h --id 99 && expect_in "$ERR" "lumbarctl: reminders.pause: not_found: no reminder 99"
# call passes lumbard's answer on as it is: its refusals are 1, in its words.
run 1 call pain.log 11 &&
  expect_in "$ERR" "lumbarctl: pain.log: invalid_params: parameter 'level' must be between 0 and 10, got 11"

finish
