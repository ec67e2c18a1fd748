#!/bin/sh
# rest --wait in a real terminal (tmux): the countdown bar redrawn in place on
# one line, colour and NO_COLOR, the message at the end, Ctrl-C that leaves
# the rest running, a sequence (its step text wrapped at words in a narrow
# terminal), and a routine guided with Enter from set 1 under way to its
# end (and one left with Ctrl-D).
. "$(dirname "$0")/lib.sh"

need_tmux

CLOCK='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
W="$WORLD/out"
ESC=$(printf '\033')

# pane NAME ENV ARGS: lumbarctl ARGS in a new 100x20 terminal.
pane() {
  tty_run "$1" 100 20 "$2" "$3"
}


count_lines() {
  grep -cE -- "$2" "$1"
}

write_quick_presets
cat >>"$XDG_CONFIG_HOME/lumbard/lumbard.conf" <<'EOF_CONF'

[rest.preset.massage]
step1 = 1s | Left side: deep massage of the upper glute, near the bone, with your thumbs
step2 = 1s | Right side: the same
done = Massage done

# No check-in after a routine (checkin_tty.sh has them), none at 21:00.
[pain]
checkin = off
checkin_after_routine = no
EOF_CONF
start_rest_daemon

# ---- the bar: one line, redrawn in place; then the message ----------------------------------------
pane bar - "rest start 3 --label abduction --wait"
pane mono NO_COLOR=1 "rest start 3 --label mono --wait"
pane hold - "rest start 30 --label hold --wait"
pane sequence - "rest preset quick --wait"
tty_run narrow 44 20 - "rest preset massage --wait"
BAR='\[[█░]{30}\]'
wait_pane bar " left"
wait_pane mono " left"
capture bar
cp "$W/bar" "$W/bar.first"
sleep 1.2
capture bar
for shot in "$W/bar.first" "$W/bar"; do
  LAST_CMD="lumbarctl rest start 3 --label abduction --wait (in tmux)"
  if [ "$(count_lines "$shot" ' left')" != 1 ] ||
    ! grep -qE "^abduction  $BAR  0:0[0-3] left$" "$shot" ||
    [ "$(wc -l <"$shot")" != 2 ]; then
    fail "$LAST_CMD: expected the start line and one bar line 'abduction  [█…░]  0:0N left'; the pane showed:"
    sed 's/^/    | /' "$shot"
  fi
done
if cmp -s "$W/bar.first" "$W/bar"; then
  fail "$LAST_CMD: the bar did not move in 1.2 s; it showed twice:"
  sed 's/^/    | /' "$W/bar"
fi
if ! grep -qE "^abduction  \[█+░+\]" "$W/bar"; then
  fail "$LAST_CMD: expected the bar part filled after 1.2 s of 3; the pane showed:"
  sed 's/^/    | /' "$W/bar"
fi
# Colour on a terminal; none with NO_COLOR, same text.
capture bar -e
capture mono -e
if ! grep -qF "${ESC}[" "$W/bar"; then
  fail "$LAST_CMD: expected colour (escape sequences) in the bar; tmux showed:"
  sed 's/^/    | /' "$W/bar"
fi
if grep -qF "${ESC}[" "$W/mono"; then
  fail "lumbarctl rest start 3 --label mono --wait with NO_COLOR=1: expected no colour; tmux showed:"
  sed 's/^/    | /' "$W/mono"
fi
capture mono
grep -qE "^mono  $BAR  0:0[0-3] left$" "$W/mono" ||
  fail "with NO_COLOR=1: expected the bar line 'mono  [█…░]  0:0N left'; got: $(cat "$W/mono")"

wait_pane bar "[exit 0]"
expect_pane bar "Rest [0-9]+ started: 3s \(abduction\), ends at $CLOCK" "Rest over
[exit 0]"
wait_pane mono "[exit 0]"
expect_pane mono "Rest [0-9]+ started: 3s \(mono\), ends at $CLOCK" "Rest over
[exit 0]"

# ---- a sequence: each step's text, its countdown, the done message ---------------------------------
wait_pane sequence "[exit 0]"
expect_pane sequence "Rest [0-9]+ started: 1s \(quick warm-up\), step 1 of 2, ends at $CLOCK" \
  "Step 1 of 2 (1s): Left side
Step 1 of 2 done
Step 2 of 2 (1s): Right side
Warm-up done
[exit 0]"

# In 44 columns: the lines break between words (the terminal would break them
# anywhere), the step's text indented under itself.
wait_pane narrow "[exit 0]"
sed -n 2p "$W/narrow" | grep -qE "^ends at $CLOCK\$" ||
  fail "pane narrow: expected the start line to go on with 'ends at HH:MM:SS' on the next; it shows:
$(show_pane narrow)"
expect_pane narrow "Rest [0-9]+ started: 1s \(massage\), step 1 of 2," "$(sed -n 2p "$W/narrow")
Step 1 of 2 (1s): Left side: deep massage of
  the upper glute, near the bone, with your
  thumbs
Step 1 of 2 done
Step 2 of 2 (1s): Right side: the same
Massage done
[exit 0]"

# ---- Ctrl-C: the bar stays as it was, the rest goes on ---------------------------------------------
wait_pane hold " left"
tm send-keys -t hold C-c
wait_pane hold "[exit 0]"
HOLD=$(sed -n 's/^Rest \([0-9]*\) started.*/\1/p' "$W/hold")
expect_pane hold "Rest $HOLD started: 30s \(hold\), ends at $CLOCK" "$(sed -n 2p "$W/hold")
The rest goes on in lumbard (id $HOLD): 'lumbarctl rest watch $HOLD' follows it again,
'lumbarctl rest cancel $HOLD' stops it.
[exit 0]"
grep -qE "^hold  $BAR  0:[23][0-9] left(\^C)?$" "$W/hold" ||
  fail "Ctrl-C: expected the bar kept on its line ('hold  [█…░]  0:2N left'); the pane showed: $(cat "$W/hold")"
run 0 rest list && expect_line "$OUT" "$HOLD +hold +running +0:[0-2][0-9] +- +Rest 30s"
run 0 rest cancel "$HOLD"

# ---- a routine guided with Enter, from set 1 under way to its end; another left with Ctrl-D -------
# Enter ends set 1, the rest counts down and is over, Enter as set 2 starts
# and again when it is done, ..., set 3's Enter ends the routine, and
# lumbarctl ends (no check-in is due here: checkin_tty.sh asks one).
pane routine - "rest preset short --wait"
pane leave - "rest preset short --wait"
GO2="Set 2 of 3: go (20-30 reps, light) — Enter when done"
GO3="Set 3 of 3: go (20-30 reps, light) — Enter when done"
wait_pane routine "Set 1 of 3: go (20-30 reps, light) — Enter when done"
tm send-keys -t routine Enter
wait_pane routine "Press Enter when set 2 starts:"
tm send-keys -t routine Enter
wait_pane routine "$GO2"
tm send-keys -t routine Enter
wait_pane routine "Press Enter when set 3 starts:"
tm send-keys -t routine Enter
wait_pane routine "$GO3"
tm send-keys -t routine Enter
wait_pane routine "[exit 0]"
expect_pane routine "Routine [0-9]+ started \(short\): set 1 of 3 under way" \
  "Set 1 of 3: go (20-30 reps, light) — Enter when done
Set 1 of 3 done: rest 1s
Rest over: set 2 of 3 (20-30 reps, light)
Press Enter when set 2 starts:
$GO2
Set 2 of 3 done: rest 1s
Rest over: set 3 of 3 (20-30 reps, light)
Press Enter when set 3 starts:
$GO3
Routine done: 3 sets (short).
[exit 0]"

wait_pane leave "Set 1 of 3: go (20-30 reps, light) — Enter when done"
tm send-keys -t leave C-d
wait_pane leave "[exit 0]"
LEAVE=$(sed -n 's/^Routine \([0-9]*\) started.*/\1/p' "$W/leave")
expect_pane leave "Routine $LEAVE started \(short\): set 1 of 3 under way" \
  "Set 1 of 3: go (20-30 reps, light) — Enter when done
The routine goes on in lumbard (id $LEAVE): 'lumbarctl rest watch $LEAVE' follows it again,
'lumbarctl rest next $LEAVE' moves it on, 'lumbarctl rest cancel $LEAVE' stops it.
[exit 0]"
run 0 rest list && expect_line "$OUT" "$LEAVE +short +in_set .*"

finish
