#!/bin/sh
# remind list says how late a due reminder is and what a running pause does
# to each reminder: its next elapse skipped, a one-off held until the pause
# ends, or only paused; --json stays the daemon's views.
#
# The daemon's wall clock starts at Mon 2026-03-02 13:20 in Berlin (the seam
# LUMBARD_TEST_NOW) and is moved with daemon.test_shift_clock: nothing
# depends on today's date, hour or the machine's time zone.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin
T0=1772454000 # Mon 2026-03-02 13:20:00 CET
# lumbarctl writes a time as short as it is clear on the real clock ("14:00"
# today, "Mon 14:00" this week, "Mon 2026-03-02 14:00" further): the day is
# left to what day it really is.
DAY='(Mon (2026-03-02 )?)?'
PAUSE_END="${DAY}14:45(:0[0-9])?"
NEXT='[^ ].*\(.*\)' # the next elapse, and how far from the real clock (the seam moved lumbard's)
MINUTE="${DAY}[0-2][0-9]:[0-5][0-9]" # a one-off's time in its SCHEDULE column: "once, 14:20"

# clock_to T: the daemon's wall clock set to T (unix seconds).
clock_to() {
  now=$("$LUMBARCTL" call daemon.test_shift_clock -- 0) || fail "daemon.test_shift_clock failed"
  "$LUMBARCTL" call daemon.test_shift_clock -- $(($1 - now)) >/dev/null ||
    fail "daemon.test_shift_clock to $1 failed"
}

# No reminders but these.
mkdir -p "$XDG_CONFIG_HOME/lumbard"
printf '[pain]\ncheckin = off\n' >"$XDG_CONFIG_HOME/lumbard/lumbard.conf"
LUMBARD_TEST_SEAMS=1 LUMBARD_TEST_NOW=$T0 start_reminders_daemon

run 0 remind add stretch 14:00 --message "Stand up and stretch"
run 0 remind add five "*:0/5"
run 0 remind add evening 18:00

# 14:12: stretch came due at 14:00, twelve minutes ago; five at 14:10.
clock_to $((T0 + 52 * 60))
wait_until "stretch and five to come due" \
  '[ "$("$LUMBARCTL" --json remind list | grep -c "\"due_at\": [1-9]")" = 2 ]'
run 0 remind list &&
  expect_line "$OUT" "ID +NAME +SCHEDULE +NEXT +STATE +SOURCE +MESSAGE" &&
  expect_line "$OUT" "1 +stretch +14:00 +$NEXT +due since ${DAY}14:00 \(12min late\) +runtime +Stand up and stretch" &&
  expect_line "$OUT" "2 +five +\*:0/5 +$NEXT +due since ${DAY}14:10 \(2min late\) +runtime +five" &&
  expect_line "$OUT" "3 +evening +18:00 +$NEXT +- +runtime +evening"
run 0 remind "done" 2

# A pause of 33 minutes: five's next elapse (14:15) falls in it and will be
# skipped; the one-offs that fall due in it are held until it ends; evening
# (18:00) is only paused.
run 0 remind pause 33m
run 0 remind add tea "in 10m"
run 0 remind add soon "in 1s"
wait_until "soon to fall due in the pause and be held" \
  '"$LUMBARCTL" --json remind list | grep -q "\"held_until\": [1-9]"'
run 0 remind list &&
  expect_line "$OUT" "1 +stretch +14:00 +$NEXT +due since ${DAY}14:00 \(12min late\), paused until $PAUSE_END +runtime +Stand up and stretch" &&
  expect_line "$OUT" "2 +five +\*:0/5 +$NEXT +next skipped: paused until $PAUSE_END +runtime +five" &&
  expect_line "$OUT" "3 +evening +18:00 +$NEXT +paused until $PAUSE_END +runtime +evening" &&
  expect_line "$OUT" "4 +tea +once, $MINUTE +$NEXT +held until $PAUSE_END +runtime +tea" &&
  expect_line "$OUT" "5 +soon +once, $MINUTE +- +held until $PAUSE_END +runtime +soon"
# --json: the daemon's views, as they are.
run 0 --json remind list && expect_json "$OUT" '
  [(r["id"], r["pause"], r["held_until"] > 0, r["late_s"] >= 720) for r in v] ==
    [(1, "", False, True), (2, "skip", False, False), (3, "", False, False),
     (4, "hold", False, False), (5, "hold", True, False)] and
  v[4]["held_until"] == v[4]["paused_until"] and v[0]["due_at"] == '"$((T0 + 40 * 60))"

# The pause ends: the one-off held comes due; tea's elapse is still ahead.
run 0 remind resume
wait_until "soon to come due when the pause ends" \
  '"$LUMBARCTL" --json remind list | grep -q "\"held_until\": 0" &&
   [ "$("$LUMBARCTL" --json remind list | grep -c "\"due_at\": [1-9]")" = 2 ]'
run 0 remind list &&
  expect_line "$OUT" "4 +tea +once, $MINUTE +$NEXT +- +runtime +tea" &&
  expect_line "$OUT" "5 +soon +once, $MINUTE +- +due since ${DAY}14:12(:0[0-9])? +runtime +soon"

# An hour on: late in hours and minutes.
clock_to $((T0 + 112 * 60))
run 0 remind list && expect_line "$OUT" "1 +stretch +14:00 +$NEXT +due since ${DAY}14:00 \(1h 12min late\) +runtime +Stand up and stretch"

finish
