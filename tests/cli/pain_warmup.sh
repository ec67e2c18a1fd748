#!/bin/sh
# pain stats' warm-up comparison from real training: sessions of sets the
# rest plugin timed (a rest routine, `rest preset abduction`, or rests with
# set numbers, `rest start --sets 3 --set N`), three days apart on the
# daemon's clock, each with an entry after it. Warmed up: the warm-up preset
# run to its end, or the warm-up reminder marked done, just before. Not
# warmed up: nothing before, or the warm-up reminder skipped ("no time": a
# skip is no warm-up, and no session either). Before the sixth session there
# is not enough data and the stats say what is missing; then they compare
# 2.0 after sessions warmed up against 6.0 without, a meaningful difference,
# and list the sessions they compared, one with no entry after it.
#
# The daemon's wall clock starts at a fixed moment, Mon 2026-03-02 17:30 in
# Berlin (the seam LUMBARD_TEST_NOW), and moves with daemon.test_shift_clock:
# nothing depends on today's date, hour or the machine's time zone.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin
T0=1772469000 # Mon 2026-03-02 17:30:00 CET
DAY=86400

# daemon_now: the daemon's wall clock, in unix seconds.
daemon_now() {
  "$LUMBARCTL" call daemon.test_shift_clock -- 0
}

# at_session K: the daemon's clock to T0 + 3K days (each session's 48 h after
# it its own, whatever the real seconds the test took in between).
at_session() {
  now=$(daemon_now) || fail "daemon.test_shift_clock failed"
  "$LUMBARCTL" call daemon.test_shift_clock -- $((T0 + $1 * 3 * DAY - now)) >/dev/null ||
    fail "daemon.test_shift_clock to session $1 failed"
}

# The warm-ups: the preset run to its end, the reminder marked done, or the
# reminder skipped (no warm-up).
warm_up_preset() {
  run 0 rest preset warmup --wait && expect_in "$OUT" "Warm-up done"
}
# remind_due: a warm-up reminder added "in 1s" (one-offs move with the
# clock seam: this one waits a real second) and due; its id in $ID.
remind_due() {
  run 0 --json remind add warmup "in 1s" && ID=$(sed -n 's/^  "id": \([0-9]*\),*$/\1/p' "$OUT")
  wait_until "the warm-up reminder to come due" \
    '"$LUMBARCTL" --json remind list | grep -q "\"due_at\": [1-9]"'
}
warm_up_reminder() {
  remind_due
  run 0 remind "done" "$ID"
}
skip_reminder() {
  remind_due
  run 0 remind skip "$ID" --reason "no time"
}

# Training: three sets, each done set starting its rest (cancelled at once:
# what counts is that it started).
sets() {
  for set in 1 2 3; do
    run 0 --json rest start 60 --label abduction --sets 3 --set "$set" &&
      REST=$(sed -n 's/^  "id": \([0-9]*\),*$/\1/p' "$OUT")
    run 0 rest cancel "$REST"
  done
}
# The abduction routine, typed before the first set: set 1 under way and
# done (its rest starts), set 2 likewise, set 3 under way and done: the
# routine is done. Three sets counted (the last one too).
routine() {
  run 0 --json rest preset abduction && REST=$(sed -n 's/^  "id": \([0-9]*\),*$/\1/p' "$OUT")
  run 0 rest next "$REST" # set 1 done: its rest
  rest_ready
  run 0 rest next "$REST" # set 2 starts
  run 0 rest next "$REST" # set 2 done: its rest
  rest_ready
  run 0 rest next "$REST" # set 3 starts
  run 0 rest next "$REST" # set 3 done: the routine is done
}
# rest_ready: the routine's 1 s rest is over, the next set may start.
rest_ready() {
  wait_until "rest $REST to be ready for the next set" \
    '"$LUMBARCTL" --json rest list | grep -q "\"state\": \"ready\""'
}

mkdir -p "$XDG_CONFIG_HOME/lumbard"
cat >"$XDG_CONFIG_HOME/lumbard/lumbard.conf" <<'EOF_CONF'
[pain]
checkin = off
checkin_after_routine = no

[rest.preset.warmup]
label = warm-up
step1 = 1s | Left side, then the right
done = Warm-up done

[rest.preset.abduction]
label = abduction
sets = 3
rest = 1s
until = 2min
EOF_CONF
LUMBARD_TEST_SEAMS=1 LUMBARD_TEST_NOW=$T0 start_pain_daemon

at_session 0 && warm_up_preset && routine && run 0 pain log 2
at_session 1 && sets && run 0 pain log 6
at_session 2 && warm_up_reminder && sets && run 0 pain log 2
at_session 3 && skip_reminder && sets && run 0 pain log 6
at_session 4 && warm_up_preset && sets && run 0 pain log 2
run 0 pain stats && expect_block "$OUT" "Warm-up before training
  not enough data yet: it needs 3 training sessions of each kind with entries in
  the 48 hours after them (so far 3 warmed up, 2 without a warm-up).
  (pain after a session: the average of the entries in the 48 hours after it)"
at_session 5 && sets && run 0 pain log 6
# A last session, nothing logged after it: listed, not counted.
at_session 6 && sets

run 0 pain stats && expect_block "$OUT" "Warm-up before training
  after sessions warmed up: 2.0 on average (3 sessions); without a warm-up: 6.0
  (3 sessions); 4.0 points lower after a warm-up — a meaningful difference.
  (pain after a session: the average of the entries in the 48 hours after it)

  The sessions of the last 30 days, oldest first:
    Mon 2026-03-02 17:30  3 sets  warm-up preset    pain 2.0 (1 entry)
    Thu 2026-03-05 17:30  3 sets  no warm-up        pain 6.0 (1 entry)
    Sun 2026-03-08 17:30  3 sets  warm-up reminder  pain 2.0 (1 entry)
    Wed 2026-03-11 17:30  3 sets  no warm-up        pain 6.0 (1 entry)
    Sat 2026-03-14 17:30  3 sets  warm-up preset    pain 2.0 (1 entry)
    Tue 2026-03-17 17:30  3 sets  no warm-up        pain 6.0 (1 entry)
    Fri 2026-03-20 17:30  3 sets  no warm-up        no entry in the 48 h after

These figures describe your own entries; lumbard is not a medical device and makes no diagnosis." &&
  expect_empty "$ERR"
LAST_CMD="lumbarctl pain stats (the warm-up in 80 columns)"
"$PY" -c '
import sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text[text.index("Warm-up before training"):text.index("These figures")]
long = [l for l in section.splitlines() if len(l) > 80]
for l in long:
    print("    | " + l)
sys.exit(1 if long else 0)' "$OUT" || fail "$LAST_CMD: expected every line of the warm-up within 80 columns"
run 0 --json pain stats && expect_json "$OUT" '
  v["warmup"]["enough_data"] is True and v["warmup"]["meaningful"] is True and
  (v["warmup"]["done"]["sessions"], v["warmup"]["skipped"]["sessions"]) == (3, 3) and
  abs(v["warmup"]["done"]["average_after"] - 2) < 1e-9 and
  abs(v["warmup"]["skipped"]["average_after"] - 6) < 1e-9 and
  [(s["sets"], s["how"], s["entries_after"]) for s in v["warmup"]["sessions"]] == [
    (3, "warm-up preset", 1), (3, "", 1), (3, "warm-up reminder", 1), (3, "", 1),
    (3, "warm-up preset", 1), (3, "", 1), (3, "", 0)]'
# Outside a UTF-8 locale, the dash is plain.
LC_ALL=C "$LUMBARCTL" pain stats >"$OUT" 2>"$ERR"
LAST_CMD="LC_ALL=C lumbarctl pain stats"
expect_in "$OUT" "4.0 points lower after a warm-up - a meaningful difference."

# Another week, out of the stats' 30 days: no session left, and what makes one.
"$LUMBARCTL" call daemon.test_shift_clock -- $((40 * DAY)) >/dev/null
run 0 pain stats && expect_block "$OUT" "  No training sessions in the last 30 days.
  A training session is the sets lumbard timed ('lumbarctl rest preset
  abduction', or 'rest start --sets 3 --set 1'), with no gap of 2 hours between
  two of them; it is warmed up when the warm-up preset ran to its end, or the
  warm-up reminder was marked done, in the 3 hours before its first set."

finish
