#!/bin/sh
# The pain diary's check-in from the terminal (tmux), against the real
# daemon: the evening one (21:00, on the daemon's clock started at 20:59:59.5
# by the test seam) in `lumbarctl status` and `pain checkin`, asked again
# after an answer that is no score, skipped with Enter; a routine guided with
# Enter (the rest ended early by an Enter during it), the check-in asked when
# it is done and logged with the routine as trigger; and no question at all
# when the pain plugin is not loaded.
. "$(dirname "$0")/lib.sh"

need_tmux

export TZ=UTC
CLOCK='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
W="$WORLD/out"
BAR='\[[█░]{30}\]'
PROMPT='How is your back now? 0-10, Enter to skip:'

pane() {
  tty_run "$1" 100 20 - "$2"
}


# pane_line NAME N REGEX: line N of the pane's last capture, when it matches
# the regex whole (for expect_pane's lines that vary; a line that does not
# match fails expect_pane); else the failure, on stderr.
pane_line() {
  sed -n "$2p" "$W/$1" | grep -E "^$3\$" || fail "pane $1: expected line $2 to match '$3'" >&2
}

write_quick_presets
cat >>"$XDG_CONFIG_HOME/lumbard/lumbard.conf" <<'EOF_CONF'

[rest.preset.long]
label = long
sets = 2
rest = 30s

[pain]
checkin = 21:00
checkin_after_routine = yes
EOF_CONF
# The daemon's clock starts half a second before 21:00 today (UTC), for the
# evening check-in.
T21=$(($(date -u -d 'today 20:59:59' +%s) + 1))
LUMBARD_TEST_SEAMS=1 LUMBARD_TEST_NOW=$((T21 - 1)).5 start_rest_daemon

# ---- the evening check-in: status, pain checkin on a terminal -------------------------------
wait_until "the 21:00 check-in to be due" \
  "'$LUMBARCTL' --json pain checkin | grep -q '\"due\": true'"
run 0 status &&
  expect_line "$OUT" "Check-in due since ([A-Z][a-z][a-z] )?21:00 \(scheduled\): lumbarctl pain checkin"
run 0 --json status && expect_json "$OUT" \
  'v["checkin"]["due"] and v["checkin"]["reason"] == "scheduled" and v["checkin"]["since"] == '"$T21"' and v["plugins"]'
run 0 pain checkin </dev/null && expect_line "$OUT" \
  "Check-in due since ([A-Z][a-z][a-z] )?21:00 \(scheduled\): answer it with 'lumbarctl pain checkin LEVEL' \(0-10\), or skip it with --skip\."

pane ask "pain checkin"
wait_pane ask "$PROMPT"
tm send-keys -t ask ten Enter
wait_pane ask "Not a score"
tm send-keys -t ask Enter
wait_pane ask "[exit 0]"
expect_pane ask "Check-in due since ([A-Z][a-z][a-z] )?21:00 \(scheduled\)\." \
  "$PROMPT ten
Not a score: 'ten'. Type 0 (no pain) to 10 (the worst), or only Enter to skip.
$PROMPT
Check-in skipped; 'lumbarctl pain log LEVEL' logs how your back is at any time.
[exit 0]"
run 0 pain checkin && expect_exactly "$OUT" "No check-in is due: lumbard asks at [pain] checkin (21:00 by default) and after a
routine. 'lumbarctl pain log LEVEL' logs how your back is at any time."
run 0 pain checkin 4 &&
  expect_exactly "$OUT" "No check-in is due, so nothing was logged: 'lumbarctl pain log 4' logs it."
run 0 status && expect_not_in "$OUT" "Check-in"
run 0 pain history --json && expect_json "$OUT" 'v == []'
run 2 pain checkin 11 && expect_in "$ERR" \
  "lumbarctl pain checkin: LEVEL is how your back is, a whole number from 0 (no pain) to 10 (the worst), not '11'"
run 2 pain checkin 3 --skip && expect_in "$ERR" "lumbarctl pain checkin: give a LEVEL or --skip, not both"

# ---- a routine: Enter ends set 1, Enter during the rest starts set 2 now, Enter ends it; -----------
# ---- then the check-in, answered -------------------------------------------------------------------
# On the real clock (the countdown is lumbarctl's, from the end lumbard
# gives), without the evening check-in.
stop_daemon
sed -i 's/^checkin = 21:00$/checkin = off/' "$XDG_CONFIG_HOME/lumbard/lumbard.conf"
start_rest_daemon
pane early "rest preset long --wait"
wait_pane early "Set 1 of 2: go — Enter when done"
tm send-keys -t early Enter
wait_pane early "Enter starts set 2"
capture early
grep -qE "^long  $BAR  0:[23][0-9] left  set 1 of 2  Enter starts set 2\$" "$W/early" ||
  fail "pane early: expected the bar 'long  [...]  0:NN left  set 1 of 2  Enter starts set 2'; it shows:
$(show_pane early)"
tm send-keys -t early Enter
wait_pane early "Set 2 of 2: go — Enter when done"
tm send-keys -t early Enter
wait_pane early "$PROMPT"
run 0 status && expect_line "$OUT" \
  "Check-in due since [0-2][0-9]:[0-5][0-9] \(after routine\): lumbarctl pain checkin"
tm send-keys -t early 3 Enter
wait_pane early "[exit 0]"
capture early
expect_pane early "Routine 1 started \(long\): set 1 of 2 under way" \
  "Set 1 of 2: go — Enter when done
Set 1 of 2 done: rest 30s
$(pane_line early 4 "Rest ended (30s|29s) early: set 2 of 2")
Set 2 of 2: go — Enter when done
Routine done: 2 sets (long).
$PROMPT 3
$(pane_line early 8 "Logged 3/10 \(long\) at [0-2][0-9]:[0-5][0-9]\.")
[exit 0]"
run 0 pain history --json &&
  expect_json "$OUT" 'len(v) == 1 and v[0]["level"] == 3 and v[0]["trigger"] == "long"'
run 0 status && expect_not_in "$OUT" "Check-in"

# ---- no pain plugin: no question, and status says nothing of check-ins ------------------------------
stop_daemon
mkdir "$WORLD/rest-only"
cp "$PLUGIN_DIR/rest.so" "$WORLD/rest-only/"
start_daemon --plugin-dir "$WORLD/rest-only"
pane nopain "rest preset long --after-set 1 --wait"
wait_pane nopain "Enter starts set 2"
tm send-keys -t nopain Enter
wait_pane nopain "Set 2 of 2: go — Enter when done"
tm send-keys -t nopain Enter
wait_pane nopain "[exit 0]"
capture nopain
expect_pane nopain "Rest [0-9]+ started: 30s \(long\), set 1 of 2 done, ends at $CLOCK" \
  "$(pane_line nopain 2 "Rest ended (30s|29s) early: set 2 of 2")
Set 2 of 2: go — Enter when done
Routine done: 2 sets (long).
[exit 0]"
run 0 status && expect_not_in "$OUT" "Check-in"
run 0 --json status && expect_json "$OUT" '"checkin" not in v and v["plugins"] == ["rest"]'
run 1 pain checkin && expect_in "$ERR" "lumbarctl: pain.checkin: no_such_method:"

finish
