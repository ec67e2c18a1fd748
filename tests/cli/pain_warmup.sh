#!/bin/sh
# pain stats' warm-up comparison, from real training sessions: three runs of
# the warm-up preset (done) and three skips of the warm-up reminder
# (skipped), hours apart on the daemon's clock (moved with the test seam
# daemon.test_shift_clock), each followed by an entry. Before the third skip
# there is not enough data and the stats say what is missing; then they
# compare: 2.0 after the warm-up against 6.0 without, a meaningful
# difference.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin

# shift SECONDS: lumbard's wall clock moves on (or back).
shift_clock() {
  "$LUMBARCTL" call daemon.test_shift_clock -- "$1" >/dev/null ||
    fail "daemon.test_shift_clock $1 failed"
}

mkdir -p "$XDG_CONFIG_HOME/lumbard"
cat >"$XDG_CONFIG_HOME/lumbard/lumbard.conf" <<'EOF_CONF'
[pain]
checkin = off

[rest.preset.warmup]
label = warm-up
step1 = 1s | Left side, then the right
done = Warm-up done
EOF_CONF
LUMBARD_TEST_SEAMS=1 start_pain_daemon

# Ten days back, so that every entry after a session is in the past when
# the clock has moved on.
shift_clock -864000
for session in 1 2 3; do
  run 0 rest preset warmup --wait && expect_in "$OUT" "Warm-up done"
  shift_clock 60
  run 0 pain log 2
  shift_clock 14400 # the next session, 4 h later: a session of its own
done
# Three days on, out of the 48 hours after the warm-ups.
shift_clock 259200
for session in 1 2 3; do
  run 0 --json remind add warmup "in 1m" && ID=$(sed -n 's/^  "id": \([0-9]*\),*$/\1/p' "$OUT")
  run 0 remind skip "$ID" --reason "no time"
  shift_clock 120
  run 0 pain log 6
  shift_clock 14400
  if [ "$session" = 2 ]; then
    run 0 pain stats && expect_in "$OUT" "Warm-up before training
  not enough data yet: it needs 3 training sessions of each kind with entries in the 48 hours after them (so far 3 with the warm-up done, 2 with it skipped)."
  fi
done

run 0 pain stats && expect_in "$OUT" "Warm-up before training
  after sessions with the warm-up done: 2.0 on average (3 sessions); skipped: 6.0 (3 sessions); 4.0 points lower — a meaningful difference.
  (the pain after a session: the average of the entries in the 48 hours after it)"
run 0 --json pain stats && expect_json "$OUT" '
  v["warmup"]["enough_data"] is True and v["warmup"]["meaningful"] is True and
  (v["warmup"]["done"]["sessions"], v["warmup"]["skipped"]["sessions"]) == (3, 3) and
  abs(v["warmup"]["done"]["average_after"] - 2) < 1e-9 and
  abs(v["warmup"]["skipped"]["average_after"] - 6) < 1e-9'
# Outside a UTF-8 locale, the dash is plain.
LC_ALL=C "$LUMBARCTL" pain stats >"$OUT" 2>"$ERR"
LAST_CMD="LC_ALL=C lumbarctl pain stats"
expect_in "$OUT" "4.0 points lower - a meaningful difference."

finish
