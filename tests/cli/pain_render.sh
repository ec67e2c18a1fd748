#!/bin/sh
# pain report rendered by a browser: headless Chromium takes a screenshot of
# the page of the hand-made diary, offline. The PNG has the window's size
# and is not blank: the text, the red flag framed at the top, the chart's
# bars in their three colours and the flare-ups' shading are drawn. Skipped (77) without /usr/bin/chromium.
. "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
  echo "skip ($TEST_NAME): $CHROMIUM is not installed (Debian's chromium package)"
  exit 77
fi

export TZ=Europe/Berlin
W="$WORLD/out"

start_pain_daemon
log_flare_up
"$LUMBARCTL" pain log 9 --where hip-left --trigger bending --note 'bent over the "bucket" & <mop>' >/dev/null
"$LUMBARCTL" pain log 4 --where lower-back --symptom night-pain >/dev/null 2>&1
run 0 pain report -o "$W/report.html"

# Chromium with a profile of its own in the test's world, nothing from the
# network, and its noise in a log shown on failure.
LAST_CMD="chromium --headless --screenshot of the report"
mkdir -p "$WORLD/chromium"
HOME="$WORLD/chromium" timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
  --no-first-run --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$WORLD/chromium/profile" --screenshot="$W/report.png" --window-size=1200,1600 \
  "file://$W/report.html" >"$WORLD/chromium.log" 2>&1
status=$?
if [ "$status" != 0 ] || [ ! -s "$W/report.png" ]; then
  fail "$LAST_CMD: expected $W/report.png written and exit status 0, got $status; Chromium said:"
  tail -20 "$WORLD/chromium.log" | sed 's/^/    | /'
  finish
fi

# The colours of the page (pain_report.c's style): bars 0-3, 4-6, 7-10 and
# the flare-ups' shading, which only the chart has in such amounts.
if ! "$PY" "$(dirname "$0")/png_colors.py" "$W/report.png" >"$W/colors.json" 2>"$W/colors.err"; then
  fail "$LAST_CMD: expected a PNG that Python can read; it said:"
  sed 's/^/    /' "$W/colors.err"
  finish
fi
expect_json "$W/colors.json" 'v["width"] == 1200 and v["height"] == 1600'
expect_json "$W/colors.json" 'len(v["colors"]) >= 50 and 0.5 < v["white"] / v["pixels"] < 0.97'
expect_json "$W/colors.json" '
  v["colors"].get("c8413b", 0) > 8000 and v["colors"].get("e0a030", 0) > 4000 and
  v["colors"].get("4a9a5b", 0) > 1500 and v["colors"].get("f6d5d2", 0) > 5000'
# The red flag framed at the top: its red border and pale red ground.
expect_json "$W/colors.json" 'v["colors"].get("fdf0ef", 0) > 20000 and v["colors"].get("a02a25", 0) > 300'
# Dark text: the headings, the tables.
expect_json "$W/colors.json" 'v["colors"].get("222222", 0) > 2000'

finish
