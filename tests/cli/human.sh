#!/bin/sh
# The human output of status, plugins and call, without plugins and with the
# clitest fixture.
. "$(dirname "$0")/lib.sh"

start_daemon

run 0 status &&
  expect_in "$OUT" "lumbard 0.1.0, pid $DAEMON_PID, up " &&
  expect_in "$OUT" "socket    $SOCK" &&
  expect_in "$OUT" "config    $XDG_CONFIG_HOME/lumbard/lumbard.conf (built-in defaults in use)" &&
  expect_in "$OUT" "database  $XDG_DATA_HOME/lumbard/lumbard.db" &&
  expect_in "$OUT" "D-Bus     disabled (--no-dbus)" &&
  expect_in "$OUT" "plugins   none loaded" &&
  expect_in "$OUT" "clients   1 connected, 0 watching events"

run 0 plugins && expect_exactly "$OUT" \
  "No plugins are loaded: lumbard serves only its own daemon.* methods."

run 0 call daemon.ping && expect_exactly "$OUT" "pong"
run 0 call daemon.version && expect_exactly "$OUT" "version: 0.1.0
plugin_abi: 1
host_api: 3"
run 0 call daemon.unsubscribe && expect_exactly "$OUT" "(none)"
# No colour codes when stdout is not a terminal.
run 0 status && expect_not_in "$OUT" "$(printf '\033')"

stop_daemon
start_daemon --plugin-dir "$FIXTURE_DIR"

run 0 status && expect_in "$OUT" "plugins   clitest"

run 0 plugins && expect_exactly "$OUT" "clitest 9.8.7 — lumbarctl's test fixture
  from $FIXTURE_DIR/clitest.so
  methods:
    clitest.echo(value: any) → any
    clitest.poke(label: string, count?: uint, {note: string, wait: duration}) → map {id: u64, label: string}
      Emit clitest.poked.
        label  what to poke
        count  how many times (default 1; 1 to 100)
        note   a free note
        wait   (default 1min 30s)
    clitest.sample() → map
      A result of every shape.
  events:
    clitest.poked {id: u64, label: string, count: uint}
      Someone poked.
        id     the poke"

run 0 call clitest.sample && expect_exactly "$OUT" "name: sample
nested:
  level: -3
  list:
    - 1
    - two
empty: (none)
items:
  - id: 1
    label: left glute
  - id: 2
    label: right glute
note:
  two
  lines
ratio: 2.5
ok: true
nothing: (none)"

run 0 call clitest.poke "hip abduction" && expect_exactly "$OUT" "id: 1
label: hip abduction"
run 0 call clitest.echo '[]' && expect_exactly "$OUT" "(none)"
run 0 call clitest.echo '{}' && expect_exactly "$OUT" "(none)"
run 0 call clitest.echo '"two\nlines\n"' && expect_exactly "$OUT" "two
lines"
# Text from the daemon cannot send escape sequences to the terminal.
run 0 call clitest.echo "$(printf 'a\033[2Jb')" && expect_exactly "$OUT" "a?[2Jb"

finish
