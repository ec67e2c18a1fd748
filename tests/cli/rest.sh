#!/bin/sh
# The rest verbs against the real rest plugin: start, list, pause, resume,
# extend, next (after a rest and during one), cancel, preset (a routine
# starts with set 1 under way, --after-set) and presets, as text and as
# JSON, and every refusal with its exit status and message.
. "$(dirname "$0")/lib.sh"

CLOCK='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'

# ---- usage errors (2), told before any connection is tried ----------------------
run 2 rest && expect_in "$ERR" "lumbarctl rest: needs a sub-command" &&
  expect_in "$ERR" "lumbarctl rest start [DURATION] [OPTION]..."
run 2 rest stop 1 && expect_in "$ERR" "lumbarctl rest: unknown sub-command 'stop'"
run 2 rest pause && expect_in "$ERR" "lumbarctl rest pause: missing argument" &&
  expect_in "$ERR" "Usage: lumbarctl rest pause ID"
run 2 rest cancel abc &&
  expect_in "$ERR" "lumbarctl rest cancel: ID is a rest's number, as 'lumbarctl rest list' shows, not 'abc'"
run 2 rest next 1x && expect_in "$ERR" "not '1x'"
run 2 rest resume 1 2 && expect_in "$ERR" "lumbarctl rest resume: unexpected argument '2'"
run 2 rest extend 1 && expect_in "$ERR" "lumbarctl rest extend: missing argument" &&
  expect_in "$ERR" "Usage: lumbarctl rest extend ID DURATION"
run 2 rest start --bogus && expect_in "$ERR" "lumbarctl rest start: unknown flag '--bogus'"
run 2 rest start 90 --label && expect_in "$ERR" "lumbarctl rest start: --label needs a LABEL"
run 2 rest start --sets three && expect_in "$ERR" "--sets takes a whole number, not 'three'"
run 2 rest start --set=-1 && expect_in "$ERR" "--set takes a whole number, not '-1'"
run 2 rest start --wait=yes && expect_in "$ERR" "--wait takes no value"
run 2 rest start 90 120 && expect_in "$ERR" "unexpected argument '120'"
run 2 rest preset && expect_in "$ERR" "lumbarctl rest preset: missing argument"
run 2 rest preset abduction --sets 2 && expect_in "$ERR" "unknown flag '--sets'"
run 2 rest list all && expect_in "$ERR" "lumbarctl rest list: unexpected argument 'all'"
run 2 rest presets -v && expect_in "$ERR" "unknown flag '-v'"
run 2 rest watch && expect_in "$ERR" "lumbarctl rest watch: missing argument" &&
  expect_in "$ERR" "Usage: lumbarctl rest watch ID"
run 2 rest watch one && expect_in "$ERR" "lumbarctl rest watch: ID is a rest's number"
run 2 rest watch 1 --wait && expect_in "$ERR" "lumbarctl rest watch: unknown flag '--wait'"
run 2 rest list --wiat && expect_in "$ERR" "lumbarctl rest list: unknown flag '--wiat'"
run 2 rest next 1 --wait=1 && expect_in "$ERR" "lumbarctl rest next: --wait takes no value"
run 2 rest preset abduction --after-set two &&
  expect_in "$ERR" "lumbarctl rest preset: --after-set takes the number of sets already done, not 'two'"
run 2 rest preset abduction --set x &&
  expect_in "$ERR" "lumbarctl rest preset: --set takes the number of sets already done, not 'x'"
run 2 rest preset abduction --after-set 1 --set 1 &&
  expect_in "$ERR" "lumbarctl rest preset: --set is the old name of --after-set: give one of them"

# ---- help -------------------------------------------------------------------------------
run 0 rest --help && expect_in "$OUT" "Sub-commands:" &&
  expect_line "$OUT" "  lumbarctl rest extend ID DURATION +rest longer" && expect_empty "$ERR"
run 0 help rest && expect_in "$OUT" "lumbarctl rest preset NAME [OPTION]..."
run 0 help rest start && expect_in "$OUT" "Usage: lumbarctl rest start [DURATION] [OPTION]..." &&
  expect_in "$OUT" "  --until DURATION " &&
  expect_in "$OUT" "Ctrl-C (or SIGTERM, or Ctrl-D at a prompt) stops watching, not the rest"
run 0 rest preset --help && expect_in "$OUT" "Usage: lumbarctl rest preset NAME [OPTION]..." &&
  expect_in "$OUT" "  --after-set N   N sets are done already" && expect_in "$OUT" "(--set N, its old name" &&
  expect_in "$OUT" "A routine starts with set 1"
run 0 help rest next && expect_in "$OUT" "  running, paused   the rest ends early" &&
  expect_in "$OUT" "  --wait   then follow it"
run 0 help rest watch && expect_in "$OUT" "Usage: lumbarctl rest watch ID" &&
  expect_in "$OUT" "running, paused, over and waiting for the next set (ready, overdue), or"
run 0 --help && expect_line "$OUT" "  rest start \[DURATION\] \[OPTION\]\.\.\. +start a rest between sets"

# ---- 3: no daemon ------------------------------------------------------------------------
run 3 rest list && expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK"
run 3 rest start 90 --wait && expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK"
run 3 rest watch 1 && expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK"

start_rest_daemon

run 0 rest list && expect_exactly "$OUT" "No rests under way."
run 0 rest list --json && expect_json "$OUT" 'v == []'
run 1 rest list --wait && expect_exactly "$ERR" "lumbarctl: rest list --wait: no rest is under way to follow; 'lumbarctl rest start --wait' or 'lumbarctl rest preset NAME --wait' starts one" &&
  expect_empty "$OUT"
run 1 rest watch 1 && expect_exactly "$ERR" "lumbarctl: rest watch: no rest 1 is under way: it has ended or never was; 'lumbarctl rest list' shows the rests"

# ---- start ------------------------------------------------------------------------------
run 0 rest start 90 --label abduction --sets 3 &&
  expect_line "$OUT" "Rest 1 started: 1min 30s \(abduction\), set 1 of 3 done, ends at $CLOCK" &&
  expect_empty "$ERR"
NOW_MS=$("$PY" -c 'import time; print(int(time.time() * 1000))')
run 0 rest start 2min --json && expect_json "$OUT" \
  'v["id"] == 2 and v["state"] == "running" and v["seconds"] == 120 and v["label"] == "rest" and
   '"$NOW_MS"' + 110000 <= v["ends_at_ms"] <= '"$NOW_MS"' + 130000'
run 0 rest start 45 --label "left glute" --warn 5s --json &&
  expect_json "$OUT" 'v["id"] == 3 and v["warn"] == 5 and v["label"] == "left glute"'
# Without a duration, the daemon's default (90 s).
run 0 rest start && expect_line "$OUT" "Rest 4 started: 1min 30s, ends at $CLOCK"

# ---- list ---------------------------------------------------------------------------------
run 0 rest list &&
  expect_line "$OUT" "ID  LABEL +STATE +LEFT +PROGRESS +MESSAGE" &&
  expect_line "$OUT" "1   abduction +running  1:[0-3][0-9] +set 1/3 +Set 1 of 3 done: rest 1min 30s" &&
  expect_line "$OUT" "2   rest +running  [12]:[0-5][0-9] +- +Rest 2min" &&
  expect_line "$OUT" "3   left glute +running  0:4[0-5] +- +Rest 45s"
run 0 rest list --json && expect_json "$OUT" \
  '[r["id"] for r in v] == [1, 2, 3, 4] and v[0]["sets"] == 3 and v[0]["label"] == "abduction"'

# ---- pause, resume, extend, cancel ------------------------------------------------------------
run 0 rest pause 1 && expect_line "$OUT" \
  "Rest 1 paused: 1:[0-3][0-9] left \(abduction\), set 1 of 3 done; 'lumbarctl rest resume 1' goes on"
run 1 rest pause 1 &&
  expect_in "$ERR" "lumbarctl: rest.pause: conflict: rest 1 is paused: only a running rest can be paused"
run 1 rest resume 2 &&
  expect_in "$ERR" "lumbarctl: rest.resume: conflict: rest 2 is running: only a paused rest can be resumed"
run 0 rest list && expect_line "$OUT" "1   abduction +paused +1:[0-3][0-9] +set 1/3 .*"
run 0 rest extend 1 +30s && expect_line "$OUT" \
  "Rest 1 extended to 2min: [12]:[0-5][0-9] left \(abduction\), set 1 of 3 done, paused"
run 0 rest extend 1 30 --json && expect_json "$OUT" 'v["seconds"] == 150 and v["state"] == "paused"'
run 0 rest resume 1 && expect_line "$OUT" \
  "Rest 1 resumed: 2:[0-3][0-9] left \(abduction\), set 1 of 3 done, ends at $CLOCK"
run 0 rest extend 2 1min && expect_line "$OUT" "Rest 2 extended to 3min: [23]:[0-5][0-9] left, ends at $CLOCK"
run 0 rest cancel 2 && expect_exactly "$OUT" "Rest 2 cancelled"
run 0 rest cancel 3 --json && expect_json "$OUT" 'v["id"] == 3 and v["state"] == "cancelled"'
run 1 rest cancel 2 && expect_in "$ERR" \
  "lumbarctl: rest.cancel: not_found: no rest 2: it has ended or never was; \`lumbarctl rest list\` shows the rests"
run 1 rest pause 99 && expect_in "$ERR" "lumbarctl: rest.pause: not_found: no rest 99"
run 1 rest extend 99 30s && expect_in "$ERR" "lumbarctl: rest.extend: not_found: no rest 99"

# ---- durations and options refused: said in the words typed (2) ------------------------------------
run 2 rest start 0 && expect_in "$ERR" "lumbarctl rest start: DURATION must be between 1s and 1d, got 0s"
run 2 rest start abc &&
  expect_in "$ERR" "lumbarctl rest start: DURATION: duration \"abc\": expected a number"
run 2 rest start 25h && expect_in "$ERR" "lumbarctl rest start: DURATION must be between 1s and 1d"
run 2 rest start -5 && expect_in "$ERR" "lumbarctl rest start: DURATION: duration \"-5\""
run 2 rest start 90 --until 60 &&
  expect_in "$ERR" "lumbarctl rest start: --until (1min) must be longer than the rest (1min 30s)"
run 2 rest start 90 --warn soon && expect_in "$ERR" "lumbarctl rest start: --warn: duration \"soon\""
run 2 rest start 90 --sets 0 && expect_in "$ERR" "lumbarctl rest start: --sets must be between 1 and 100"
run 2 rest extend 1 0 && expect_in "$ERR" "lumbarctl rest extend: DURATION must be between 1s and 1d"
run 2 rest extend 1 +abc && expect_in "$ERR" "lumbarctl rest extend: DURATION: duration \"abc\""
run 2 rest extend 1 24h && expect_in "$ERR" "lumbarctl rest extend: DURATION: the rest would last over 24h"
run 0 rest list --json && expect_json "$OUT" '[r["id"] for r in v] == [1, 4]'

# ---- next: a routine's sets, and a plain rest's window --------------------------------------------
run 0 rest start 1 --sets 3 --label routine && expect_line "$OUT" "Rest 5 started: 1s \(routine\), .*"
run 0 rest start 1 --until 1h && expect_line "$OUT" "Rest 6 started: 1s, ends at $CLOCK"
wait_until "rests 5 and 6 to be over (state ready)" \
  "'$LUMBARCTL' rest list --json | grep -c '\"state\": \"ready\"' | grep -qx 2"
run 0 rest list &&
  expect_line "$OUT" "5   routine +ready +- +set 1/3 +Rest over: set 2 of 3" &&
  expect_line "$OUT" "6   rest +ready +next set by $CLOCK +- +Rest over"
run 0 rest next 5 &&
  expect_exactly "$OUT" "Set 2 of 3 under way (routine): 'lumbarctl rest next 5' when it is done"
run 0 rest next 5 && expect_line "$OUT" "Rest 5 started: 1s \(routine\), set 2 of 3 done, ends at $CLOCK"
run 0 rest next 6 && expect_exactly "$OUT" "Rest 6 done: the next set is under way"
wait_until "rest 5 to be over again" "'$LUMBARCTL' rest list | grep -q 'Rest over: set 3 of 3'"
# The last set starts, and is done by one more next.
run 0 rest next 5 &&
  expect_exactly "$OUT" "Set 3 of 3 under way (routine): 'lumbarctl rest next 5' when it is done"
run 0 rest next 5 --json && expect_json "$OUT" 'v["state"] == "done" and v["id"] == 5'
run 1 rest next 5 && expect_in "$ERR" "not_found: no rest 5"
# During a rest: it ends early, and says how early.
run 0 rest start 1min --sets 2 --label early && expect_line "$OUT" "Rest 7 started: 1min \(early\), .*"
run 0 rest next 7 && expect_exactly "$OUT" "Rest ended 1min early: set 2 of 2
Set 2 of 2 under way (early): 'lumbarctl rest next 7' when it is done"
run 0 rest next 7 && expect_exactly "$OUT" "Routine 7 done (early): that was the last set"
run 0 rest start 30 && run 0 rest pause 8 && run 0 rest next 8 &&
  expect_line "$OUT" "Rest ended (30s|29s) early" && expect_line "$OUT" "Rest 8 done: the next set is under way"

# ---- presets (the built-in ones: no config file) ------------------------------------------------
run 0 rest presets &&
  expect_line "$OUT" "abduction: 3 sets of 20-30 reps, light to moderate weight; rest 1min 30s \(next set within 2min\)" &&
  expect_line "$OUT" "  Hip abduction machine on leg day, after calves: .*" &&
  expect_line "$OUT" "warmup \(warm-up\): a sequence of 2 steps, 2min in all" &&
  expect_line "$OUT" "  1\. 1min: Left side: deep massage of the upper glute, near the bone, with" &&
  expect_line "$OUT" "           your thumbs or a massage gun" &&
  expect_line "$OUT" "  Starts with set 1 under way: say when each set is done \(Enter with --wait," &&
  expect_line "$OUT" "  Starts with step 1; each step moves on to the next by itself\." &&
  expect_line "$OUT" "  lumbarctl rest preset warmup --wait"
run 0 rest presets --json && expect_json "$OUT" \
  '[p["name"] for p in v] == ["abduction", "warmup"] and len(v[1]["steps"]) == 2'
run 0 rest preset abduction && expect_exactly "$OUT" "Routine 9 started (abduction): set 1 of 3 under way
Set 1 of 3: go (20-30 reps, light to moderate weight)
Next: 'lumbarctl rest next 9' when set 1 is done; 'lumbarctl rest watch 9' guides you."
run 0 rest list && expect_line "$OUT" "9   abduction +in_set +- +set 1/3 +Set 1 of 3: go .*"
run 0 rest preset abduction --after-set 2 &&
  expect_line "$OUT" "Rest 10 started: 1min 30s \(abduction\), set 2 of 3 done, ends at $CLOCK"
run 0 rest preset abduction --set 1 --json &&
  expect_json "$OUT" 'v["id"] == 11 and v["set"] == 1 and v["sets"] == 3 and v["state"] == "running"'
run 0 rest preset warmup &&
  expect_line "$OUT" "Rest 12 started: 1min \(warm-up\), step 1 of 2, ends at $CLOCK" &&
  expect_line "$OUT" "Step 1 of 2 \(1min\): Left side: deep massage of the upper glute, near the bone," &&
  expect_line "$OUT" "                    with your thumbs or a massage gun"
# --after-set past the sets, or for a sequence: said in the words typed (2).
run 2 rest preset abduction --after-set 3 &&
  expect_in "$ERR" "lumbarctl rest preset: --after-set 3: 'abduction' has 3 sets, so --after-set takes 0 to 2"
run 2 rest preset abduction --set 5 &&
  expect_in "$ERR" "lumbarctl rest preset: --set 5: 'abduction' has 3 sets, so --set takes 0 to 2"
run 2 rest preset warmup --after-set 1 &&
  expect_in "$ERR" "--after-set counts the sets of a routine; 'warmup' is a sequence of steps"
run 1 rest preset yoga &&
  expect_in "$ERR" "lumbarctl: rest.preset: not_found: no preset \"yoga\"; the presets are: abduction, warmup"

# No colour codes when stdout is not a terminal.
run 0 rest list && expect_not_in "$OUT" "$(printf '\033')"

finish
