#!/bin/sh
# remind preview against systemd-analyze calendar: for the same base time
# and zone (Europe/Berlin, the daemon's too) the "Next elapse:", "Iter. #N:"
# and "(in UTC):" lines are the same to the character, across the DST
# changes as well; --json gives the same instants; bad input is refused.
. "$(dirname "$0")/lib.sh"

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "skip ($TEST_NAME): systemd-analyze is not installed"
  exit 77
fi

export TZ=Europe/Berlin
W="$WORLD/out"
ELAPSE='^ *(Next elapse|Iter\. #[0-9]+|\(in UTC\)):'

start_reminders_daemon

# same SCHEDULE COUNT BASE_EPOCH [LUMBARCTL_BASE]: lumbarctl remind preview
# prints the elapse lines of systemd-analyze calendar; the base is given to
# lumbarctl as LUMBARCTL_BASE (default @BASE_EPOCH).
same() {
  systemd-analyze calendar --base-time="@$3" --iterations="$2" "$1" >"$W/systemd" 2>&1 ||
    fail "systemd-analyze calendar '$1' failed: $(cat "$W/systemd")"
  grep -E "$ELAPSE" "$W/systemd" >"$W/systemd.elapses" ||
    fail "systemd-analyze calendar '$1' printed no elapse: $(cat "$W/systemd")"
  run 0 remind preview "$1" -n "$2" --base "${4:-@$3}" || return
  grep -E "$ELAPSE" "$OUT" >"$W/lumbarctl.elapses"
  if ! cmp -s "$W/systemd.elapses" "$W/lumbarctl.elapses"; then
    fail "'$LAST_CMD': expected the elapse lines of systemd-analyze calendar --base-time=@$3 --iterations=$2 '$1'; diff (- systemd, + lumbarctl):"
    diff -u "$W/systemd.elapses" "$W/lumbarctl.elapses" | tail -n +3 | sed 's/^/    /'
  fi
}

epoch() {
  date -d "$1" +%s
}

# The issue's example: a Sunday, 2026-10-18 02:00 CEST.
same "Mon..Fri 08:30" 5 1792281600
run 0 remind preview "Mon..Fri 08:30" -n 5 --base @1792281600 &&
  grep -v "From now:" "$OUT" >"$W/no_from_now" &&
  expect_exactly "$W/no_from_now" "  Original form: Mon..Fri 08:30
      Base time: Sun 2026-10-18 02:00:00 CEST
    Next elapse: Mon 2026-10-19 08:30:00 CEST
       (in UTC): Mon 2026-10-19 06:30:00 UTC
       Iter. #2: Tue 2026-10-20 08:30:00 CEST
       (in UTC): Tue 2026-10-20 06:30:00 UTC
       Iter. #3: Wed 2026-10-21 08:30:00 CEST
       (in UTC): Wed 2026-10-21 06:30:00 UTC
       Iter. #4: Thu 2026-10-22 08:30:00 CEST
       (in UTC): Thu 2026-10-22 06:30:00 UTC
       Iter. #5: Fri 2026-10-23 08:30:00 CEST
       (in UTC): Fri 2026-10-23 06:30:00 UTC"
# "From now" after each elapse: how far it is from now (before it, in days).
LAST_CMD="lumbarctl remind preview 'Mon..Fri 08:30' -n 5 --base @1792281600"
[ "$(grep -cE '^       From now: [0-9]+d ago$' "$OUT")" = 5 ] ||
  fail "$LAST_CMD: expected five lines '       From now: NNd ago'; got: $(grep 'From now' "$OUT")"

# Across the October change (2026-10-25 03:00 CEST -> 02:00 CET): CEST, then
# CET; 02:30, which comes twice that night, fires once; hourly through it.
same "Mon..Fri 08:30" 12 1792281600 "2026-10-18 02:00"
same "*-*-* 02:30" 4 "$(epoch '2026-10-24 00:00')" "2026-10-24 00:00"
same "hourly" 5 "$(epoch '2026-10-25 00:30')" "$(epoch '2026-10-25 00:30')"
same "Mon,Wed,Fri 17:30" 6 "$(epoch '2026-10-20 12:00')"
# Across the March change: 02:30 does not come on 2026-03-29.
same "*-*-* 02:30" 3 "$(epoch '2026-03-28 00:00')" "2026-03-28 00:00:00"
# More of the grammar.
same "quarterly" 3 1792281600
same "*-*~01 09:00" 3 1792281600
same "Sat 10:00 UTC" 3 1792281600
same "*-*-1/10 06,18:00" 4 1792281600

# The base default is now, as systemd-analyze's.
run 0 remind preview "Wed 18:30" -n 2 && grep -E "$ELAPSE" "$OUT" >"$W/now.lumbarctl"
systemd-analyze calendar --iterations=2 "Wed 18:30" | grep -E "$ELAPSE" >"$W/now.systemd"
LAST_CMD="lumbarctl remind preview 'Wed 18:30' -n 2 (base: now)"
cmp -s "$W/now.systemd" "$W/now.lumbarctl" ||
  fail "$LAST_CMD: expected systemd-analyze's lines: $(cat "$W/now.systemd"); got: $(cat "$W/now.lumbarctl")"
expect_line "$OUT" "       From now: [0-9dhmins ]+ left"
expect_not_in "$OUT" "Base time:"

# --json: the daemon's list of unix seconds, the instants systemd names.
run 0 remind preview "Mon..Fri 08:30" -n 12 --base 1792281600 --json
systemd-analyze calendar --base-time=@1792281600 --iterations=12 "Mon..Fri 08:30" |
  sed -n 's/^ *(in UTC): ... \(.*\) UTC$/\1/p' | while read -r t; do date -u -d "$t" +%s; done |
  paste -sd, >"$W/instants"
expect_json "$OUT" "v == [$(cat "$W/instants")]"

# An "every" with active hours, and one without.
run 0 remind preview "every 45m" --from 09:00 --to 18:00 -n 3 --base "2026-11-26 17:00" &&
  expect_line "$OUT" "   Active hours: 09:00-18:00" &&
  expect_line "$OUT" "    Next elapse: Thu 2026-11-26 17:15:00 CET" &&
  expect_line "$OUT" "       Iter. #2: Thu 2026-11-26 18:00:00 CET"
run 0 remind preview "every 90m" -n 2 --base "2026-11-26 17:00:10" --json &&
  expect_json "$OUT" "v == [$(epoch '2026-11-26 18:30:10'), $(epoch '2026-11-26 20:00:10')]"
# A schedule that never comes again.
run 0 remind preview "2020-01-01 10:00" && expect_line "$OUT" "    Next elapse: never"
run 0 remind preview "2020-01-01 10:00" --json && expect_json "$OUT" 'v == []'

# Refusals: the daemon's, naming the bad part: of a value typed (2), in the
# words typed, a schedule it cannot read among them (2, SCHEDULE named);
# and lumbarctl's (2).
run 2 remind preview "Mon 25:00" &&
  expect_in "$ERR" "lumbarctl remind preview: SCHEDULE: \"Mon 25:00\": hour 25 is out of range (0-23)" &&
  expect_empty "$OUT"
systemd-analyze calendar "Mon 25:00" >/dev/null 2>&1 &&
  fail "systemd-analyze calendar accepted 'Mon 25:00', which lumbard refuses"
run 2 remind preview "Mon..Fri 08:30" -n 0 &&
  expect_in "$ERR" "lumbarctl remind preview: -n must be between 1 and 1000, got 0"
run 2 remind preview "Mon..Fri 08:30" --count 1001 && expect_in "$ERR" "--count must be between 1 and 1000, got 1001"
run 2 remind preview "daily" --from 09:00 &&
  expect_in "$ERR" "lumbarctl remind preview: --from and --to go with \"every …\" schedules"
run 2 remind preview "daily" --base "2026-10-18 25:00" && expect_in "$ERR" "--base: '2026-10-18 25:00' is not a time"
run 2 remind preview "daily" -n -3 && expect_in "$ERR" "-n takes a whole number, not '-3'"

finish
