#!/bin/sh
# rest watch, rest list --wait and rest next --wait in a real terminal (tmux)
# against the real daemon: rests started elsewhere, followed in each state
# they can be found in (paused, running, ready, overdue, in_set) with the
# countdown, the new end time after an extend made elsewhere, Enter for the
# sets and the check-in when the routine is done; the most recent of several
# rests; a next during a rest, then the routine followed.
. "$(dirname "$0")/lib.sh"

need_tmux

CLOCK='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
W="$WORLD/out"
BAR='\[[█░]{30}\]'

pane() {
  tty_run "$1" 100 20 - "$2"
}


# expect_pane_line NAME REGEX: a line of the pane matches the regex whole.
expect_pane_line() {
  capture "$1"
  grep -qE -- "^$2\$" "$W/$1" || fail "pane $1: expected a line matching '$2'; the pane shows:
$(show_pane "$1")"
}

# state ID: the state rest.list gives rest ID.
state() {
  "$LUMBARCTL" --json rest list |
    "$PY" -c 'import json, sys; print({r["id"]: r["state"] for r in json.load(sys.stdin)}.get(int(sys.argv[1]), "gone"))' "$1"
}

write_quick_presets
cat >>"$XDG_CONFIG_HOME/lumbard/lumbard.conf" <<'EOF_CONF'

[pain]
checkin = off
EOF_CONF
start_rest_daemon

# Six rests, started elsewhere: 1 paused, 2 ready (its window open 30 s), 3
# overdue (a window of 1 s), 4 a preset routine with set 1 under way, 5 a
# routine's rest for next --wait, 6 the most recent.
run 0 rest start 30 --label hold && run 0 rest pause 1
run 0 rest start 1 --sets 2 --until 30 --label two
run 0 rest start 1 --sets 2 --until 2 --label late
run 0 rest preset short
run 0 rest start 30 --sets 3 --label nx
run 0 rest start 30 --label newest

# ---- rest list --wait: the most recent, and it says so ---------------------------------------------
pane list "rest list --wait"
# ---- found paused; resumed, then extended elsewhere: the new end shows --------------------------
pane paused "rest watch 1"
# ---- found in_set (a preset starts with set 1 under way): Enter, the rest, Enter... --------------
pane in_set "rest watch 4"
# ---- next during a rest: it ends early, the next set is under way ----------------------------------
pane next "rest next 5 --wait"

wait_pane list " left"
expect_pane list "6 rests are under way; this follows the most recent, rest 6 \(newest\)\." \
  "'lumbarctl rest watch ID' follows another one.
$(sed -n 3p "$W/list" | grep -E "^Watching rest 6: 0:[23][0-9] left \(newest\), ends at $CLOCK\$")
$(sed -n 4p "$W/list" | grep -E "^newest  $BAR  0:[23][0-9] left\$")"
tm send-keys -t list C-c

wait_pane paused "paused"
expect_pane paused "Watching rest 1: 0:[23][0-9] left \(hold\), paused" "$(sed -n 2p "$W/paused")"
grep -qE "^hold  $BAR  0:[23][0-9] left  paused$" "$W/paused" ||
  fail "pane paused: expected the bar 'hold  [...]  0:NN left  paused'; it shows: $(show_pane paused)"
run 0 rest resume 1
wait_until "the bar of pane paused to run again" \
  "capture paused && grep -qE '^hold  $BAR  0:[0-9]+ left\$' '$W/paused'"
run 0 rest extend 1 +30s
END=$("$LUMBARCTL" --json rest list | "$PY" -c '
import json, sys, time
r = [r for r in json.load(sys.stdin) if r["id"] == 1][0]
print(time.strftime("%H:%M:%S", time.localtime(r["ends_at_ms"] // 1000)))')
wait_pane paused "extended by 30s"
expect_pane_line paused "hold: extended by 30s, (0:5[0-9]|1:00) left, ends at ([A-Z][a-z][a-z] )?$END"
tm send-keys -t paused C-c
wait_pane paused "[exit 0]"
capture paused
tail -3 "$W/paused" >"$W/paused.tail"
LAST_CMD="lumbarctl rest watch 1 (in tmux), then Ctrl-C"
expect_exactly "$W/paused.tail" "The rest goes on in lumbard (id 1): 'lumbarctl rest watch 1' follows it again,
'lumbarctl rest cancel 1' stops it.
[exit 0]"

wait_pane in_set "Enter when done"
expect_pane in_set "Watching routine 4 \(short\): set 1 of 3 under way" \
  "Set 1 of 3: go (20-30 reps, light) — Enter when done"
tm send-keys -t in_set Enter
wait_pane in_set "Press Enter when set 2 starts:"
tm send-keys -t in_set C-c
wait_pane in_set "[exit 0]"
expect_pane in_set "Watching routine 4 \(short\): set 1 of 3 under way" \
  "Set 1 of 3: go (20-30 reps, light) — Enter when done
Set 1 of 3 done: rest 1s
Rest over: set 2 of 3 (20-30 reps, light)
Press Enter when set 2 starts: ^C
The routine goes on in lumbard (id 4): 'lumbarctl rest watch 4' follows it again,
'lumbarctl rest next 4' moves it on, 'lumbarctl rest cancel 4' stops it.
[exit 0]"

wait_pane next "Enter when done"
expect_pane next "Rest ended (30s|29s) early: set 2 of 3" "Set 2 of 3: go — Enter when done"
tm send-keys -t next Enter
wait_pane next "Enter starts set 3"
expect_pane_line next "nx  $BAR  0:[23][0-9] left  set 2 of 3  Enter starts set 3"
tm send-keys -t next C-c
wait_pane next "[exit 0]"

# ---- found ready: Enter as set 2 starts, Enter when it is done; then the check-in --------------------
wait_until "rest 2 to be over, its window open" '[ "$(state 2)" = ready ]'
pane ready "rest watch 2"
wait_pane ready "Press Enter when set 2 starts:"
tm send-keys -t ready Enter
wait_pane ready "Set 2 of 2: go — Enter when done"
tm send-keys -t ready Enter
wait_pane ready "How is your back now? 0-10, Enter to skip:"
tm send-keys -t ready 2 Enter
wait_pane ready "[exit 0]"
expect_pane ready "Watching routine 2 \(two\): rest over, set 2 of 2 next" \
  "Press Enter when set 2 starts:
Set 2 of 2: go — Enter when done
Routine done: 2 sets (two).
How is your back now? 0-10, Enter to skip: 2
Logged 2/10 (two) at $(sed -n 's/^Logged 2\/10 (two) at \([0-2][0-9]:[0-5][0-9]\)\.$/\1/p' "$W/ready").
[exit 0]"
run 0 pain history --json &&
  expect_json "$OUT" 'len(v) == 1 and v[0]["level"] == 2 and v[0]["trigger"] == "two"'

# ---- found overdue: the prompt for the next set; Ctrl-D leaves it ----------------------------------
wait_until "rest 3 to be overdue" '[ "$(state 3)" = overdue ]'
pane overdue "rest watch 3"
wait_pane overdue "Press Enter when set 2 starts:"
tm send-keys -t overdue C-d
wait_pane overdue "[exit 0]"
expect_pane overdue "Watching routine 3 \(late\): set 2 of 2 is overdue" \
  "Press Enter when set 2 starts:
The routine goes on in lumbard (id 3): 'lumbarctl rest watch 3' follows it again,
'lumbarctl rest next 3' moves it on, 'lumbarctl rest cancel 3' stops it.
[exit 0]"

finish
