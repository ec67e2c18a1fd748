#!/bin/sh
# Command-line handling: call's arguments (JSON, else plain strings), flags
# before and after the command, help and version.
. "$(dirname "$0")/lib.sh"

# ---- help and version need no daemon -------------------------------------------
run 0 --version && expect_exactly "$OUT" "lumbarctl 0.1.0"
run 0 --help && expect_in "$OUT" "Usage: lumbarctl [--socket PATH] [--json] COMMAND [ARG]..." &&
  expect_in "$OUT" "  status " && expect_in "$OUT" "  plugins " &&
  expect_in "$OUT" "  watch [PATTERN]... " && expect_in "$OUT" "  call METHOD [ARG]... " &&
  expect_in "$OUT" "Exit status: 0 done, 1 the daemon refused the request (an unknown ID, a" &&
  expect_empty "$ERR"
cp "$OUT" "$WORLD/out/dash-dash-help"
run 0 help && if ! cmp -s "$OUT" "$WORLD/out/dash-dash-help"; then
  fail "'lumbarctl help' and 'lumbarctl --help' print different text"
fi
run 0 help watch && expect_in "$OUT" "Usage: lumbarctl watch [PATTERN]..." &&
  expect_in "$OUT" "JSON Lines"
run 0 watch --help && expect_in "$OUT" "Usage: lumbarctl watch [PATTERN]..."
run 0 call -h && expect_in "$OUT" "Usage: lumbarctl call METHOD [ARG]..." &&
  expect_in "$OUT" "taken as a plain string"
run 0 --help status && expect_in "$OUT" "Usage: lumbarctl status"
run 0 help plugins && expect_in "$OUT" "Usage: lumbarctl plugins"

# Every help fits 80 columns, with no blanks at the ends of its lines: the
# list of commands, each command's, and each list of sub-commands.
"$LUMBARCTL" --help | sed -n 's/^  \([a-z][a-z]*\)\( [a-z][a-z]*\)\{0,1\}\( .*\)\{0,1\}$/\1\2/p' >"$WORLD/out/commands"
[ "$(wc -l <"$WORLD/out/commands")" -ge 30 ] || fail "lumbarctl --help: expected 30 commands or more; read $(cat "$WORLD/out/commands")"
for c in "" rest remind pain $(sed 's/ /+/' "$WORLD/out/commands"); do
  # shellcheck disable=SC2046,SC2086 # the words are the arguments
  run 0 help $(printf '%s' "$c" | tr + ' ') && "$PY" - "$OUT" "help $c" <<'EOF_PY' || FAILED=1
import sys
bad = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if len(l) > 80 or l.endswith(" ")]
for l in bad:
    print("FAIL (args): 'lumbarctl %s': a line of %d columns%s: %r" % (sys.argv[2], len(l), ", ending in a blank" if l.endswith(" ") else "", l))
sys.exit(1 if bad else 0)
EOF_PY
done

start_daemon --plugin-dir "$FIXTURE_DIR"

# ---- call: each ARG is JSON, else a string ---------------------------------------
run 0 call daemon.subscribe '["rest.*"]' && expect_exactly "$OUT" "- rest.*"
run 0 call daemon.subscribe '["rest.*", "pain.logged"]' --json &&
  expect_json "$OUT" 'v == ["rest.*", "pain.logged"]'
# A bare word where an array of strings is expected: the daemon names the parameter.
run 1 call daemon.subscribe rest &&
  expect_in "$ERR" "invalid_params: parameter 'patterns' must be an array of strings, got the string \"rest\""
run 1 call clitest.poke tea "in 10m" &&
  expect_in "$ERR" "lumbarctl: clitest.poke: invalid_params: parameter 'count' must be"
run 0 call clitest.echo tea && expect_exactly "$OUT" "tea"
run 0 call clitest.echo "in 10m" --json && expect_json "$OUT" 'v == "in 10m"'
run 0 call clitest.echo '"90"' --json && expect_json "$OUT" 'v == "90"'
run 0 call clitest.echo 90 --json && expect_json "$OUT" 'v == 90'
run 0 call clitest.echo '{"label": "abduction"}' && expect_exactly "$OUT" "label: abduction"
run 0 call clitest.echo '[1, 2]' && expect_exactly "$OUT" "- 1
- 2"
run 0 call clitest.echo true --json && expect_json "$OUT" 'v is True'
run 0 call clitest.echo '' --json && expect_json "$OUT" 'v == ""'
run 0 call clitest.echo '{"a": 1' --json && expect_json "$OUT" 'v == "{\"a\": 1"'
# After "--" nothing is a flag.
run 0 call clitest.echo -- --json && expect_exactly "$OUT" "--json"
run 0 call clitest.poke tea 2 '{"note": "x y", "wait": "2min"}' --json &&
  expect_json "$OUT" 'v == {"id": 1, "label": "tea"}'

# Arguments over the 1 MiB limit of one message: refused before sending.
A=$(head -c 120000 /dev/zero | tr '\0' a)
run 2 call clitest.echo "$A" "$A" "$A" "$A" "$A" "$A" "$A" "$A" "$A" "$A" &&
  expect_in "$ERR" "lumbarctl: clitest.echo: the request is over the 1 MiB limit of one message"
run 2 watch "$A" "$A" "$A" "$A" "$A" "$A" "$A" "$A" "$A" "$A" &&
  expect_in "$ERR" "lumbarctl: daemon.subscribe: the request is over the 1 MiB limit"
run 0 call daemon.ping

# ---- flags anywhere -----------------------------------------------------------------
run 0 --json call daemon.ping && expect_json "$OUT" 'v == "pong"'
run 0 call --json daemon.ping && expect_json "$OUT" 'v == "pong"'
run 0 call daemon.ping --json && expect_json "$OUT" 'v == "pong"'
run 0 --socket "$SOCK" call daemon.ping && expect_exactly "$OUT" "pong"
run 0 call daemon.ping --socket "$SOCK" && expect_exactly "$OUT" "pong"
LUMBARD_SOCKET="$SOCK" XDG_RUNTIME_DIR=/nonexistent run 0 call daemon.ping &&
  expect_exactly "$OUT" "pong"
LUMBARD_SOCKET=/nonexistent/lumbard.sock run 0 --socket "$SOCK" call daemon.ping &&
  expect_exactly "$OUT" "pong"

finish
