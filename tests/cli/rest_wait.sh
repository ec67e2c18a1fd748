#!/bin/sh
# rest start|preset --wait and rest watch with stdout not a terminal: plain
# progress lines, the message at the end, sequences that move on by
# themselves, a routine that says how to go on, JSON Lines; a rest changed
# (the new end time after an extend) or cancelled from elsewhere, Ctrl-C
# (SIGINT) that leaves the rest running, and the daemon going away.
. "$(dirname "$0")/lib.sh"

CLOCK='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
W="$WORLD/out"

now_ms() {
  "$PY" -c 'import time; print(int(time.time() * 1000))'
}

# A waiter in the background: its output in $W/NAME.out and .err, its pid in
# $WAITER.
start_waiter() {
  name=$1
  shift
  "$LUMBARCTL" "$@" >"$W/$name.out" 2>"$W/$name.err" &
  WAITER=$!
  EXTRA_PIDS="$EXTRA_PIDS $WAITER"
}

# expect_waiter_exit NAME WANT: the waiter ends with that status; its output
# becomes $OUT and $ERR for the checks that follow.
expect_waiter_exit() {
  wait "$WAITER"
  got=$?
  OUT="$W/$1.out" ERR="$W/$1.err" LAST_CMD="lumbarctl $1 (in the background)"
  if [ "$got" != "$2" ]; then
    fail "$LAST_CMD: expected exit status $2, got $got"
    show_output
  fi
}

write_quick_presets
start_rest_daemon

# ---- a plain rest: the start line, then "Rest over" once it is over -----------------------
T0=$(now_ms)
run 0 rest start 2 --wait
T1=$(now_ms)
expect_line "$OUT" "Rest 1 started: 2s, ends at $CLOCK"
expect_line "$OUT" "Rest over"
[ "$(wc -l <"$OUT")" = 2 ] || fail "'$LAST_CMD': expected 2 lines (the start, 'Rest over'), got $(wc -l <"$OUT")"
# Not a terminal: no escape codes, no carriage returns.
expect_not_in "$OUT" "$(printf '\033')"
expect_not_in "$OUT" "$(printf '\r')"
ELAPSED=$((T1 - T0))
if [ "$ELAPSED" -lt 2000 ] || [ "$ELAPSED" -gt 8000 ]; then
  fail "'$LAST_CMD': expected it to end when the 2 s rest ended, not before and within 8 s; it took $ELAPSED ms"
fi

# ---- rest watch: changes made elsewhere show as lines, an extend with its new end; a cancel --------
# ---- elsewhere ends it with 1 ------------------------------------------------------------------------
run 0 rest start 11 --warn 0 --label abduction
start_waiter changes rest watch 2
wait_until "the waiter's line at 10 s left" "grep -q '^abduction: 0:10 left$' '$W/changes.out'"
run 0 rest pause 2
wait_until "the waiter to see the pause" "grep -q '^abduction: paused with 0:[01][0-9] left$' '$W/changes.out'"
run 0 rest extend 2 +30s
wait_until "the waiter to see the extension" \
  "grep -qE '^abduction: extended by 30s, 0:[34][0-9] left, paused$' '$W/changes.out'"
run 0 rest resume 2
wait_until "the waiter to see the resume" \
  "grep -qE '^abduction: resumed, 0:[34][0-9] left, ends at $CLOCK$' '$W/changes.out'"
run 0 rest extend 2 1min
wait_until "the waiter to see the new end" \
  "grep -qE '^abduction: extended by 1min, 1:[34][0-9] left, ends at $CLOCK$' '$W/changes.out'"
run 0 rest cancel 2
expect_waiter_exit changes 1
expect_line "$OUT" "Watching rest 2: 0:1[01] left \(abduction\), ends at $CLOCK"
expect_exactly "$ERR" "lumbarctl: rest 2 (abduction) was cancelled while this waited"

# ---- a warning, as a line ---------------------------------------------------------------------------
start_waiter warn rest start 2 --warn 1 --wait
expect_waiter_exit warn 0
expect_line "$OUT" "rest: 0:01 left, get ready"
expect_line "$OUT" "Rest over"

# ---- SIGINT: stop watching, leave the rest to lumbard ---------------------------------------------
start_waiter detach rest start 30 --label hold --wait
wait_until "the detach waiter to start its rest" "grep -q '^Rest 4 started' '$W/detach.out'"
kill -INT "$WAITER"
expect_waiter_exit detach 0
expect_exactly "$OUT" "Rest 4 started: 30s (hold), ends at $(sed -n 's/.*ends at //p' "$OUT")
The rest goes on in lumbard (id 4): 'lumbarctl rest watch 4' follows it again,
'lumbarctl rest cancel 4' stops it."
expect_empty "$ERR"
run 0 rest list && expect_line "$OUT" "4   hold +running +0:[0-3][0-9] +- +Rest 30s"
# SIGTERM as well, for a routine: it says how to move it on, in 80 columns,
# each command whole on its line.
start_waiter term rest start 30 --sets 2 --wait
wait_until "the term waiter to start its rest" "grep -q '^Rest 5 started' '$W/term.out'"
kill -TERM "$WAITER"
expect_waiter_exit term 0
expect_exactly "$OUT" "Rest 5 started: 30s, set 1 of 2 done, ends at $(sed -n 's/.*ends at //p' "$OUT")
The routine goes on in lumbard (id 5):
'lumbarctl rest watch 5' follows it again, 'lumbarctl rest next 5' moves it on,
'lumbarctl rest cancel 5' stops it."
run 0 rest cancel 4
run 0 rest cancel 5

# ---- a sequence moves on by itself: each step, then the done message -------------------------------
T0=$(now_ms)
run 0 rest preset quick --wait
T1=$(now_ms)
expect_line "$OUT" "Rest 6 started: 1s \(quick warm-up\), step 1 of 2, ends at $CLOCK"
sed 1d "$OUT" >"$W/sequence.rest"
expect_exactly "$W/sequence.rest" "Step 1 of 2 (1s): Left side
Step 1 of 2 done
Step 2 of 2 (1s): Right side
Warm-up done"
[ $((T1 - T0)) -ge 2000 ] || fail "'$LAST_CMD': ended after $((T1 - T0)) ms, before its two 1 s steps"
run 0 rest list && expect_exactly "$OUT" "No rests under way."

# ---- a routine, stdin not a terminal: no prompt; it says how to go on -------------------------------
# It starts with set 1 under way: that is where a person must act.
run 0 rest preset short --wait </dev/null
expect_exactly "$OUT" "Routine 7 started (short): set 1 of 3 under way
Set 1 of 3: go (20-30 reps, light)
Next: 'lumbarctl rest next 7' when set 1 is done."
run 0 rest list && expect_line "$OUT" "7   short +in_set .*"
# rest next --wait: the set is done, the rest counts down, then how to go on.
run 0 rest next 7 --wait </dev/null
expect_exactly "$OUT" "Set 1 of 3 done: rest 1s
Rest over: set 2 of 3 (20-30 reps, light)
Next: 'lumbarctl rest next 7' when set 2 starts, and again when it is done."
run 0 rest cancel 7

# ---- --json --wait: JSON Lines, the answer then the rest's events ------------------------------------
# (rest watch as well: the view, then the events)
run 0 --json rest start 1 --label j --wait
"$PY" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
ok = (len(lines) == 3 and lines[0]["id"] == 8 and lines[0]["label"] == "j"
      and [l.get("event") for l in lines[1:]] == ["rest.started", "rest.finished"]
      and lines[2]["fields"]["message"] == "Rest over")
if not ok:
    print("  expected the view of rest 8, then rest.started and rest.finished; got:")
    for l in lines:
        print("    " + json.dumps(l))
sys.exit(0 if ok else 1)' "$OUT" || fail "'$LAST_CMD': not the expected JSON Lines"
run 0 rest start 1 --label w
run 0 --json rest watch 9
"$PY" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
ok = (len(lines) == 2 and lines[0]["id"] == 9 and lines[0]["state"] == "running"
      and lines[1].get("event") == "rest.finished" and lines[1]["fields"]["id"] == 9)
if not ok:
    print("  expected the view of rest 9, then rest.finished; got:")
    for l in lines:
        print("    " + json.dumps(l))
sys.exit(0 if ok else 1)' "$OUT" || fail "'$LAST_CMD': not the expected JSON Lines"

# ---- the daemon goes away: 3 -------------------------------------------------------------------------
start_waiter gone rest start 30 --wait
wait_until "the last waiter to start its rest" "grep -q '^Rest 10 started' '$W/gone.out'"
stop_daemon
expect_waiter_exit gone 3
expect_in "$ERR" "lumbarctl: rest --wait: lost the connection to lumbard at $SOCK"

finish
