#!/bin/sh
# remind list in a real terminal (tmux): the table fits the terminal's width
# (the message cut with "…", at 80 columns the schedule kept whole), shows
# the built-in warm-up and abduction reminders, and has a bold header unless
# NO_COLOR is set.
. "$(dirname "$0")/lib.sh"

need_tmux

export TZ=Europe/Berlin
W="$WORLD/out"
ESC=$(printf '\033')

# pane NAME COLUMNS ENV: `lumbarctl remind list` in a COLUMNSx20 terminal.
pane() {
  tty_run "$1" "$2" 20 "$3" "remind list"
}

# expect_fits NAME COLUMNS: no line of the pane is wider than the terminal
# (tmux would have wrapped it onto two lines: then there are more lines than
# rows of the table).
expect_fits() {
  if ! "$PY" -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
sys.exit(0 if len(lines) == 6 and all(len(l) <= int(sys.argv[2]) for l in lines) else 1)' "$W/$1" "$2"; then
    fail "pane $1 ($2 columns): expected the header, 4 rows and [exit 0], each within $2 columns; the pane shows:"
    show_pane "$1"
  fi
}

start_reminders_daemon
run 0 remind add stand "every 45m" --from 09:00 --to 18:00
run 0 remind add tea "in 10m" --message "Tea, and walk a bit"

pane wide 100 -
pane narrow 80 -
pane mono 100 NO_COLOR=1
wait_pane wide "[exit 0]"
wait_pane narrow "[exit 0]"
wait_pane mono "[exit 0]"

# 100 columns: everything whole but the long messages, cut to fill the line.
expect_fits wide 100
LAST_CMD="lumbarctl remind list (in tmux, 100 columns)"
OUT="$W/wide" ERR="$W/none"
: >"$ERR"
expect_line "$OUT" "ID  NAME       SCHEDULE                NEXT +STATE  SOURCE   MESSAGE"
expect_line "$OUT" "1   warmup     Mon,Wed,Fri 17:30       (... )?17:30 \(in [0-9dhmins ]+\) +-      config   Warm up before .*…"
expect_line "$OUT" "2   abduction  Wed 18:30               (... (20..-..-.. )?)?18:30 \(in [0-9dhmins ]+\) +-      config   Leg day, after ca.*…"
expect_line "$OUT" "3   stand      every 45m, 09:00-18:00  .* +-      runtime  stand"
expect_line "$OUT" "4   tea        once, (... )?[0-2][0-9]:[0-5][0-9] .* \(in 10min\) +-      runtime  Tea, and walk a bit"
if ! "$PY" -c '
import sys
cut = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.endswith("…")]
sys.exit(0 if len(cut) == 2 and all(len(l) == 100 for l in cut) else 1)' "$OUT"; then
  fail "$LAST_CMD: expected the two built-in messages cut with '…' at exactly 100 columns; the pane shows:"
  show_pane wide
fi

# 80 columns: the schedule of the warm-up stays whole, the messages give way.
expect_fits narrow 80
LAST_CMD="lumbarctl remind list (in tmux, 80 columns)"
OUT="$W/narrow"
expect_line "$OUT" "1   warmup     Mon,Wed,Fri 17:30  (... )?17:30 \(in [0-9dhmins ]+\) +-      config   (W[a-z ]*)?…"
expect_line "$OUT" "2   abduction  Wed 18:30 .* config   Leg.*…"

# Colour: a bold header on a terminal; none with NO_COLOR, same text.
capture wide -e
grep -q "^${ESC}\[1mID  NAME" "$W/wide" || {
  fail "lumbarctl remind list (in tmux): expected a bold header (ESC[1m); tmux showed:"
  show_pane wide
}
capture mono -e
if grep -qF "${ESC}[" "$W/mono"; then
  fail "lumbarctl remind list with NO_COLOR=1 (in tmux): expected no escape sequences; tmux showed:"
  show_pane mono
fi
capture wide
capture mono
# (The panes ran apart in time: "in 3min 12s" may be "in 3min 11s" in one.)
sed 's/(in [^)]*)/(in …)/' "$W/wide" >"$W/wide.text"
sed 's/(in [^)]*)/(in …)/' "$W/mono" >"$W/mono.text"
cmp -s "$W/wide.text" "$W/mono.text" || {
  fail "lumbarctl remind list with NO_COLOR=1: expected the same text as with colour; it showed:"
  show_pane mono
}

finish
