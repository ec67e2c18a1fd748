#!/bin/sh
# lumbarctl against a fake daemon that misbehaves in ways lumbard does not:
# what lumbarctl sends, events and stale answers before the answer, bytes
# one at a time, odd values, errors of odd shapes, garbage, messages over the
# limit, hang-ups. Never a crash: an answer, or exit 1 or 3 with a message.
. "$(dirname "$0")/lib.sh"

FAKE="$WORLD/fake.sock"
"$PY" "$(dirname "$0")/fake_daemon.py" "$FAKE" "$WORLD/fake.ready" 2>"$WORLD/fake.log" &
EXTRA_PIDS=$!
wait_until "the fake daemon to listen" '[ -e "$WORLD/fake.ready" ]' || finish
export LUMBARD_SOCKET="$FAKE"

run 0 call daemon.ping && expect_exactly "$OUT" "pong"

# What goes on the wire: JSON types become the matching msgpack types.
run 0 --json call fake.echo 90 -3 1.5 1.0 word '"90"' '{"b": [1, null]}' true null &&
  expect_json "$OUT" 'v["types"] == ["int", "int", "float", "float", "str", "str", "dict", "bool", "NoneType"] and
    v["params"] == [90, -3, 1.5, 1.0, "word", "90", {"b": [1, None]}, True, None]'
run 0 --json call fake.echo && expect_json "$OUT" 'v == {"params": [], "types": []}'

run 0 call fake.events_first && expect_exactly "$OUT" "the answer"
run 0 call fake.trickle && expect_exactly "$OUT" "whole: slow but whole"

# Values JSON has no word for.
run 0 --json call fake.odd_types && expect_json "$OUT" 'v == {
    "bin": "AAH+", "ext": "aGk=", "int_keys": {"1": "one", "-2": "minus two"},
    "bool_key": {"true": "yes"}, "bad_utf8": "a\ufffdb", "u64_max": 18446744073709551615.0,
    "i64_min": -9223372036854775808, "f32": 1.5, "nan": None, "control": "bell\u0007"}'
run 0 call fake.odd_types && expect_exactly "$OUT" 'bin: <3 bytes>
ext: <extension type 5, 2 bytes>
int_keys:
  1: one
  -2: minus two
bool_key:
  true: yes
bad_utf8: a'"$(printf '\377')"'b
u64_max: 18446744073709551615
i64_min: -9223372036854775808
f32: 1.5
nan: nan
control: bell?'

# status and plugins of odd shapes: what is there prints, the rest is "?".
run 0 status && expect_in "$OUT" "lumbard ?, pid ?" && expect_in "$OUT" "  socket    /s" &&
  expect_in "$OUT" "  database  ?" && expect_in "$OUT" "  from_the_future [1,2]"
run 0 plugins && expect_in "$OUT" "not a map" && expect_in "$OUT" "    p.m()" &&
  expect_in "$OUT" "  events: none"

# Errors.
run 1 call fake.odd_error && expect_exactly "$ERR" "lumbarctl: fake.odd_error: internal: just a string"
run 1 call fake.nope && expect_in "$ERR" "lumbarctl: fake.nope: no_such_method: fake.nope"
run 3 call fake.hangup &&
  expect_in "$ERR" "lumbarctl: fake.hangup: lost the connection to lumbard at $FAKE: the daemon closed the connection."
run 3 call fake.garbage &&
  expect_in "$ERR" "lumbarctl: fake.garbage: cannot talk to lumbard at $FAKE: the daemon sent bytes that are not MessagePack"
run 3 call fake.huge &&
  expect_in "$ERR" "lumbarctl: fake.huge: cannot talk to lumbard at $FAKE: the daemon sent a message over the 1 MiB limit"
run 3 call fake.deep && expect_in "$ERR" "nested deeper than 32 levels"
run 3 call fake.bad_shape && expect_in "$ERR" "the daemon sent a malformed message: a response's msgid"

# watch: the events that came before the subscription was confirmed are not
# lost, odd shapes print, and the daemon leaving ends it with 3.
run 3 watch --json && "$PY" -c '
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [{"event": "fake.early", "fields": {"n": 1}},
        {"event": "fake.odd", "fields": {}, "params": [1, 2]},
        {"event": "fake.bare", "fields": {}},
        {"event": "fake.late", "fields": {"label": "hip abduction", "n": 3}}]
if got != want:
    print("  expected %s\n  got      %s" % (want, got))
    sys.exit(1)' "$OUT" || fail "'$LAST_CMD': not the expected JSON Lines"
expect_in "$ERR" "lumbarctl: watch: lost the connection to lumbard at $FAKE"
run 3 watch && sed 's/^[0-9:]* //' "$OUT" >"$WORLD/out/events" &&
  expect_exactly "$WORLD/out/events" 'fake.early n=1
fake.odd params=[1,2]
fake.bare
fake.late label="hip abduction" n=3'

finish
