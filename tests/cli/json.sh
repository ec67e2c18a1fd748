#!/bin/sh
# --json output parses as JSON and holds the daemon's values, types intact.
. "$(dirname "$0")/lib.sh"

start_daemon --plugin-dir "$FIXTURE_DIR"

run 0 call daemon.ping --json && expect_json "$OUT" 'v == "pong"'
run 0 --json call daemon.version && expect_json "$OUT" 'v["version"] == "0.1.0"'
run 0 call daemon.version -j && expect_json "$OUT" \
  'v["version"] == "0.1.0" and type(v["plugin_abi"]) is int'

run 0 status --json && expect_json "$OUT" "v['socket'] == '$SOCK' and \
  v['config_source'] == 'built-in defaults' and v['plugins'] == ['clitest'] and \
  v['version'] == '0.1.0' and v['pid'] == $DAEMON_PID and type(v['uptime_s']) is int"

run 0 --json plugins && expect_json "$OUT" "len(v) == 1 and v[0]['name'] == 'clitest' and \
  [m['name'] for m in v[0]['methods']] == ['clitest.echo', 'clitest.poke', 'clitest.sample'] and \
  v[0]['methods'][1]['params'][1] == {'name': 'count', 'type': 'uint', 'dbus': 'u', \
    'optional': True, 'default': 1, 'min': 1, 'max': 100, 'doc': 'how many times'} and \
  v[0]['events'][0]['name'] == 'clitest.poked'"

run 0 call clitest.sample --json && expect_json "$OUT" "v == {'name': 'sample', \
  'nested': {'level': -3, 'list': [1, 'two']}, 'empty': [], \
  'items': [{'id': 1, 'label': 'left glute'}, {'id': 2, 'label': 'right glute'}], \
  'note': 'two\\nlines', 'ratio': 2.5, 'ok': True, 'nothing': None} and \
  list(v) == ['name', 'nested', 'empty', 'items', 'note', 'ratio', 'ok', 'nothing']"

# Through the daemon and back: integers stay integers, reals floats, maps keep
# their order, text its characters.
run 0 call clitest.echo 90 --json && expect_json "$OUT" 'v == 90 and type(v) is int'
run 0 --json call clitest.echo -- -7 && expect_json "$OUT" 'v == -7 and type(v) is int'
run 0 call clitest.echo -7 --json && expect_json "$OUT" 'v == -7 and type(v) is int'
run 0 call clitest.echo 1.0 --json && expect_json "$OUT" 'v == 1.0 and type(v) is float'
run 0 call clitest.echo 2.5e-3 --json && expect_json "$OUT" 'v == 0.0025'
run 0 call clitest.echo 9007199254740993 --json && expect_json "$OUT" 'v == 9007199254740993'
run 0 call clitest.echo '"héllo ✓"' --json && expect_json "$OUT" 'v == "héllo ✓"'
run 0 call clitest.echo '{"z": 1, "a": [true, false, "x"], "m": {"k": 1.5}}' --json &&
  expect_json "$OUT" 'list(v) == ["z", "a", "m"] and v["a"] == [True, False, "x"] and v["m"] == {"k": 1.5}'

finish
