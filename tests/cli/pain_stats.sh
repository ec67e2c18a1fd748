#!/bin/sh
# pain stats and pain chart on a hand-made diary: a flare-up of four days
# (7, 8, 6, 5, twelve to nine days ago) that ended with three calm days (2, 1,
# 2), and a new one today (9). The stats show both flare-ups with their
# lengths, the trend with its rule, pain by trigger and place; the chart
# shows each day's worst level, the flare-ups marked under their days, the
# dates, and a legend; as text and as JSON, in UTF-8 and in ASCII.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin
W="$WORLD/out"

# day_name N: the day N days ago as the stats and the chart write it.
day_name() {
  date -d "$(day_ago "$1") 12:00" '+%a %Y-%m-%d'
}

start_pain_daemon
log_flare_up
"$LUMBARCTL" pain log 9 --where hip-left --trigger bending >/dev/null || fail "pain log 9 failed"

# ---- stats -----------------------------------------------------------------------------
run 0 pain stats && expect_exactly "$OUT" "Your entries of the last 30 days: 8 entries, average 5.0, worst 9
  this week (the last 7 days):   4 entries, average 3.5, worst 9
  this month (the last 30 days): 8 entries, average 5.0, worst 9

Trend
  better: the last 7 days average 3.5 against 6.5 the week before (a meaningful change: 2 points or 30 %)

Episodes (flare-ups)
  now:  since $(day_name 0), 1 day so far; worst 9, average 9.0
  past: $(day_name 12) to $(day_name 9), 4 days; worst 8, average 6.5
  (a flare-up starts on a day whose worst is 7 or more and ends when 3 logged days in a row have a worst of 2 or less)

By trigger (the last 30 days)
  deadlift  7 entries, average 4.4
  bending   1 entry, average 9.0

By place (the last 30 days)
  lower back, left  7 entries, average 4.4
  hip, left         1 entry, average 9.0

Warm-up before training
  not enough data yet: it needs 3 training sessions of each kind with entries in
  the 48 hours after them (so far 0 warmed up, 0 without a warm-up).
  (pain after a session: the average of the entries in the 48 hours after it)

  No training sessions in the last 30 days.
  A training session is the sets lumbard timed ('lumbarctl rest preset
  abduction', or 'rest start --sets 3 --set 1'), with no gap of 2 hours between
  two of them; it is warmed up when the warm-up preset ran to its end, or the
  warm-up reminder was marked done, in the 3 hours before its first set.

These figures describe your own entries; lumbard is not a medical device and makes no diagnosis." &&
  expect_empty "$ERR"

run 0 pain stats --days 7 &&
  expect_line "$OUT" "Your entries of the last 7 days: 4 entries, average 3.5, worst 9" &&
  expect_in "$OUT" "By trigger (the last 7 days)
  deadlift  3 entries, average 1.7
  bending   1 entry, average 9.0"
run 0 --json pain stats && expect_json "$OUT" '
  v["count"] == 8 and v["worst"] == 9 and v["week"]["count"] == 4 and v["month"]["count"] == 8 and
  v["trend"]["direction"] == "better" and
  [(e["days"], e["worst"], e["current"]) for e in v["episodes"]] in
    ([(4, 8, False), (1, 9, True)], [(1, 9, True), (4, 8, False)]) and
  v["current_episode"]["worst"] == 9 and
  [(g["name"], g["count"]) for g in v["by_trigger"]] == [("deadlift", 7), ("bending", 1)] and
  v["warmup"]["enough_data"] is False'

# ---- chart: text, not a terminal (80 columns, UTF-8) ------------------------------------
# check_chart FILE DAYS UTF8: the chart in FILE against the diary, day by day:
# each bar row whole, the flare-up mark under exactly the days of the
# flare-ups, ticks and dates on Mondays, the legend.
check_chart() {
  if ! "$PY" - "$1" "$2" "$3" >"$W/chart.err" 2>&1 <<'EOF_PY'; then
import datetime, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
ndays, utf8 = int(sys.argv[2]), sys.argv[3] == "1"
g = dict(full="█", half="▄", zero="▁", none="·", tick="┤", corner="└", axis="─", ticked="┬",
         ep="━") if utf8 else dict(full="#", half="+", zero="_", none=".", tick="|", corner="+",
         axis="-", ticked="+", ep="=")
today = datetime.date.today()
worst = {12: 7, 11: 8, 10: 6, 9: 5, 5: 2, 4: 1, 3: 2, 0: 9}
flare = {12, 11, 10, 9, 0}
days = [ndays - 1 - i for i in range(ndays)]  # days ago, oldest first
day = lambda ago: today - datetime.timedelta(days=ago)
fmt = lambda ago: day(ago).strftime("%a %Y-%m-%d")

def cell(ago, r):
    w = worst.get(ago, -1)
    if w < 0:
        return g["none"] if r == 0 else " "
    if w == 0:
        return g["zero"] if r == 0 else " "
    left = w - 2 * r
    return g["full"] if left >= 2 else g["half"] if left == 1 else " "

def expect(cond, what):
    if not cond:
        print("expected " + what)
        sys.exit(1)

expect(lines[0] == "Pain, %s to %s: the worst level of each day, 0-10" % (fmt(days[0]), fmt(0)),
       "the title line first; got %r" % lines[0])
expect(lines[1] == "", "an empty line after the title")
for r in range(4, -1, -1):
    want = "%2d %s" % (2 * (r + 1), g["tick"]) + " ".join(cell(a, r) for a in days)
    got = lines[2 + 4 - r]
    expect(got == want, "bar row %d (up to %d):\n  %r\n  got\n  %r" % (4 - r, 2 * (r + 1), want, got))
axis, marks, dates = lines[7], lines[8], lines[9]
expect(axis.startswith(" 0 " + g["corner"]) and len(axis) == 4 + 2 * ndays,
       "the axis line under the bars; got %r" % axis)
for i, ago in enumerate(days):
    col = 4 + 2 * i
    mark = marks[col:col + 2].ljust(2)
    want = (g["ep"] if ago in flare else " ") + (g["ep"] if {ago, ago - 1} <= flare else " ")
    expect(mark == want or (ago == 0 and mark == want[0] + " "),
           "the flare-up mark %s under %s (columns %d-%d) %s; got %r" % (
               g["ep"], fmt(ago), col, col + 1, "" if ago in flare else "not", marks))
    if axis[col] == g["ticked"]:
        label = day(ago).strftime("%d %b")
        expect(day(ago).weekday() == 0 and dates[col:col + len(label)] == label,
               "a tick only over a Monday with its date under it; got %r\n%r" % (axis, dates))
mondays = [i for i, a in enumerate(days) if day(a).weekday() == 0 and 4 + 2 * i + 6 <= 80]
expect(all(axis[4 + 2 * i] == g["ticked"] for i in mondays), "a tick over every Monday; got %r" % axis)
legend = lines[11:]
expect(legend[0] == "A column a day: its worst level (%s 2 points, %s 1, %s 0); %s no entry." % (
    g["full"], g["half"], g["zero"], g["none"]), "the legend; got %r" % legend[0])
e = g["ep"] * 2
expect("%s a flare-up: %s to %s, 4 days, worst 8." % (e, fmt(12), fmt(9)) in legend,
       "the past flare-up named with its length; got %r" % legend)
expect("%s a flare-up: since %s, 1 day so far, worst 9." % (e, fmt(0)) in legend,
       "the flare-up under way; got %r" % legend)
expect(all(len(l) <= 80 for l in lines), "every line within 80 columns")
EOF_PY
    fail "'$LAST_CMD': the chart is not what the diary holds:"
    sed 's/^/    /' "$W/chart.err"
    sed 's/^/    | /' "$1"
  fi
}

run 0 pain chart && check_chart "$OUT" 30 1 && expect_empty "$ERR"
LAST_CMD="LC_ALL=C lumbarctl pain chart"
LC_ALL=C "$LUMBARCTL" pain chart >"$W/ascii" 2>"$ERR" || fail "$LAST_CMD: expected exit status 0"
check_chart "$W/ascii" 30 0
if LC_ALL=C grep -q '[^ -~]' "$W/ascii"; then
  fail "$LAST_CMD: expected plain ASCII; got:"
  sed 's/^/    | /' "$W/ascii"
fi
run 0 pain chart --days 14 && check_chart "$OUT" 14 1
# 200 days do not fit 80 columns, even one a day: the last 76 are shown.
run 0 pain chart --days 200 &&
  expect_line "$OUT" "\(the last 76 of 200 days: what fits the terminal's width\)" &&
  expect_line "$OUT" " 2 ┤·+████···█▄█··█"

run 0 --json pain chart && expect_json "$OUT" '
  len(v["days"]) == 30 and v["days"][-1]["date"] == "'"$(day_ago 0)"'" and
  v["days"][0]["date"] == "'"$(day_ago 29)"'" and
  [d["worst"] for d in v["days"]][-13:] == [7, 8, 6, 5, None, None, None, 2, 1, 2, None, None, 9] and
  [d["episode"] for d in v["days"]][-13:] == [True] * 4 + [False] * 8 + [True] and
  not any(d["episode"] or d["worst"] is not None for d in v["days"][:-13]) and
  len(v["episodes"]) == 2'

finish
