#!/bin/sh
# The pain verbs in a real terminal (tmux): red-flag advice framed at the top,
# bold red, before the logged line (and before the changed entry of pain
# edit); the chart with its block characters, the
# flare-up marked under its days, within 80 columns, in colour, without it
# under NO_COLOR, and in ASCII outside UTF-8; history cut to the terminal.
. "$(dirname "$0")/lib.sh"

need_tmux

export TZ=Europe/Berlin
W="$WORLD/out"
ESC=$(printf '\033')

# pane NAME COLUMNS ENV ARGS: lumbarctl ARGS in a COLUMNSx24 terminal.
pane() {
  tty_run "$1" "$2" 24 "$3" "$4"
}

start_pain_daemon
log_flare_up
"$LUMBARCTL" pain log 9 --where hip-left -t bending \
  -m "A long note: it was the mopping again, bent over for half an hour, then the sofa" >/dev/null

# The advice of a red flag, word for word, from lumbard's answer.
"$LUMBARCTL" --json pain log 8 --symptom saddle-numbness >"$W/flag.json" 2>/dev/null
ADVICE=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["red_flags"][0]["advice"])' "$W/flag.json")

pane flag 80 - "pain log 8 --where lower-back --symptom saddle-numbness"
pane chart 80 - "pain chart"
pane mono 80 NO_COLOR=1 "pain chart"
pane ascii 80 LC_ALL=C "pain chart"
pane narrow 60 - "pain history -n 3"
for p in flag chart mono ascii narrow; do
  wait_pane "$p" "[exit 0]"
done

# ---- red flag: framed, first, bold red; then the logged line ------------------------------
LAST_CMD="lumbarctl pain log 8 --where lower-back --symptom saddle-numbness (in tmux, 80 columns)"
capture flag
if ! "$PY" - "$W/flag" "$ADVICE" >"$W/flag.err" 2>&1 <<'EOF_PY'; then
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
advice = sys.argv[2]
assert lines[0] == "┏" + "━" * 78, "the frame's top on the first line of the terminal: %r" % lines[0]
end = lines.index("┗" + "━" * 78)
body = lines[1:end]
assert body and body[0].startswith("┃ ⚠  URGENT: "), "the advice next, marked: %r" % body
assert all(l.startswith("┃ ") and len(l) <= 80 for l in body), "every line in the frame: %r" % body
text = " ".join(l[2:].replace("⚠  ", "", 1).strip() for l in body)
assert text == "URGENT: " + advice, "the daemon's advice, whole:\n  %r\n  got\n  %r" % (advice, text)
assert re.fullmatch(r"Logged 8/10 \(lower back\) at [0-2][0-9]:[0-5][0-9]\.", lines[end + 1]), \
    "the logged line after the frame: %r" % lines[end + 1]
assert lines[end + 2:] == ["[exit 0]"], "nothing else: %r" % lines[end + 2:]
EOF_PY
  fail "$LAST_CMD: expected the advice framed at the top, then the logged line:"
  sed 's/^/    /' "$W/flag.err"
  show_pane flag
fi
capture flag -e
# tmux writes the pane's colours back as SGR sequences: red is 31 (or 91).
if ! head -3 "$W/flag" | grep -q "${ESC}\[[0-9;]*\(31\|91\)[;m]"; then
  fail "$LAST_CMD: expected the frame and the advice in red; tmux showed:"
  show_pane flag
fi
if ! head -2 "$W/flag" | grep -q "${ESC}\[[0-9;]*1[;m]"; then
  fail "$LAST_CMD: expected the advice in bold; tmux showed:"
  show_pane flag
fi

# ---- chart: blocks, the flare-up mark, 80 columns, colour -----------------------------------
LAST_CMD="lumbarctl pain chart (in tmux, 80 columns)"
capture chart
if ! "$PY" - "$W/chart" >"$W/chart.err" 2>&1 <<'EOF_PY'; then
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines[0].startswith("Pain, ") and "the worst level of each day, 0-10" in lines[0], lines[0]
assert all(len(l) <= 80 for l in lines), "every line within 80 columns"
rows = [l for l in lines if l[:4] in ("10 ┤", " 8 ┤", " 6 ┤", " 4 ┤", " 2 ┤")]
assert len(rows) == 5, "five rows of bars, 10 to 2: %r" % rows
bars = "".join(rows)
assert "█" in bars and "▄" in bars and "·" in bars, "blocks, half blocks and dots: %r" % rows
axis = [i for i, l in enumerate(lines) if l.startswith(" 0 └")]
assert axis, "the axis under the bars"
marks = lines[axis[0] + 1]
assert "━━━━━━━" in marks and set(marks) <= {" ", "━"}, "the flare-up marked under its days: %r" % marks
# The mark stands under the bars of 7, 8, 6, 5: their columns in the row of 2.
two = rows[-1]
first = marks.index("━")
assert two[first] == "█" and two[first + 6] == "█" and two[first - 2] == "·", (two, marks)
assert any(" Nov" in l or " Dec" in l or " Jan" in l or " Oct" in l for l in lines[axis[0] + 1:]), "dates"
assert any(l.startswith("━━ a flare-up: ") and "4 days, worst 8." in l for l in lines), "the legend"
EOF_PY
  fail "$LAST_CMD: expected the chart with its blocks and the flare-up mark:"
  sed 's/^/    /' "$W/chart.err"
  show_pane chart
fi
cp "$W/chart" "$W/chart.text"
capture chart -e
grep -qF "${ESC}[" "$W/chart" || {
  fail "$LAST_CMD: expected colour on a terminal; tmux showed:"
  show_pane chart
}
capture mono -e
if grep -qF "${ESC}[" "$W/mono"; then
  fail "lumbarctl pain chart with NO_COLOR=1 (in tmux): expected no escape sequences; tmux showed:"
  show_pane mono
fi
capture mono
cmp -s "$W/mono" "$W/chart.text" || {
  fail "lumbarctl pain chart with NO_COLOR=1 (in tmux): expected the same text as with colour; it showed:"
  show_pane mono
}
capture ascii
LAST_CMD="LC_ALL=C lumbarctl pain chart (in tmux)"
if LC_ALL=C grep -q '[^ -~]' "$W/ascii" || ! grep -q '^ 2 |.*#' "$W/ascii" || ! grep -q '^    .*=======' "$W/ascii"; then
  fail "$LAST_CMD: expected the chart in plain ASCII (#, =); tmux showed:"
  show_pane ascii
fi

# ---- history fits a narrow terminal: the note is cut with "…" -----------------------------
capture narrow
LAST_CMD="lumbarctl pain history -n 3 (in tmux, 60 columns)"
if ! "$PY" -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
sys.exit(0 if len(lines) == 5 and all(len(l) <= 60 for l in lines) and
         lines[3].endswith("  A long no…") else 1)' "$W/narrow"; then
  fail "$LAST_CMD: expected a header, 3 rows within 60 columns, the long note cut with '…'; tmux showed:"
  show_pane narrow
fi

# ---- a red flag added by pain edit: framed first, as pain log frames it ----------------------
# (after the others: it changes the entry the history shows)
ENTRY=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"] - 1)' "$W/flag.json")
pane edit 80 - "pain edit $ENTRY --symptom fever"
wait_pane edit "[exit 0]"
LAST_CMD="lumbarctl pain edit $ENTRY --symptom fever (in tmux, 80 columns)"
capture edit
if ! "$PY" - "$W/edit" "$ENTRY" >"$W/edit.err" 2>&1 <<'EOF_PY'; then
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines[0] == "┏" + "━" * 78, "the frame's top on the first line of the terminal: %r" % lines[0]
end = lines.index("┗" + "━" * 78)
body = lines[1:end]
assert body and body[0].startswith("┃ ⚠  URGENT: "), "the advice next, marked: %r" % body
text = " ".join(l[2:].strip() for l in body)
assert "fever" in text and "urgent medical care" in text, "the advice for fever: %r" % text
assert re.fullmatch(r"Changed entry %s: 9/10 \(hip, left; bending\) at [0-2][0-9]:[0-5][0-9]\."
                    % sys.argv[2], lines[end + 1]), "the changed entry after the frame: %r" % lines[end + 1]
assert lines[end + 2] == "  symptoms: fever", lines[end + 2]
EOF_PY
  fail "$LAST_CMD: expected the advice framed at the top, then the changed entry:"
  sed 's/^/    /' "$W/edit.err"
  show_pane edit
fi
capture edit -e
if ! head -3 "$W/edit" | grep -q "${ESC}\[[0-9;]*\(31\|91\)[;m]"; then
  fail "$LAST_CMD: expected the frame and the advice in red; tmux showed:"
  show_pane edit
fi

finish
