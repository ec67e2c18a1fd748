#!/bin/sh
# pain edit and pain rm: an entry corrected (level, place, trigger, note,
# symptoms, time), each change printed as the entry now is and kept by the
# diary, its history and stats; an empty value clears a field; the symptoms
# given replace the list; a red flag an edit adds prints lumbard's advice
# first, word for word, as pain log does; an entry removed is gone; every
# refusal with its exit status (1 the daemon said no, 2 usage, 3 no daemon).
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin
W="$WORLD/out"
CLOCK='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]'

json_get() {
  "$PY" -c 'import json, sys; v = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
# entry ID: the entry as pain.history has it, as JSON in $W/entry.json.
entry() {
  "$LUMBARCTL" --json pain history -n 10000 >"$W/all.json" || fail "pain history --json failed"
  "$PY" -c '
import json, sys
v = [e for e in json.load(open(sys.argv[1])) if e["id"] == int(sys.argv[2])]
json.dump(v[0] if v else None, open(sys.argv[3], "w"))' "$W/all.json" "$1" "$W/entry.json"
}

start_pain_daemon

run 0 pain log 6 --where lower-back --trigger deadlift --note "no belt" --symptom stiffness
run 0 --json pain log 2 --at "2h ago" && TWO=$(json_get "$OUT" 'v["id"]')
# The advice for night pain, word for word, from lumbard's answer to a log.
run 0 --json pain log 5 --symptom night-pain && cp "$OUT" "$W/night.json"
NIGHT=$(json_get "$W/night.json" 'v["red_flags"][0]["advice"]')

# ---- corrections, printed as the entry now is ----------------------------------------------
run 0 pain edit 1 --level 3 --where lower-back-left &&
  expect_line "$OUT" "Changed entry 1: 3/10 \(lower back, left; deadlift\) at $CLOCK\." &&
  expect_block "$OUT" "  symptoms: stiffness
  note: no belt" && expect_empty "$ERR"
entry 1 && expect_json "$W/entry.json" 'v["level"] == 3 and v["location"] == "lower-back-left" and
  v["trigger"] == "deadlift" and v["note"] == "no belt" and v["symptoms"] == ["stiffness"]'
run 0 pain history && expect_line "$OUT" "1 +$CLOCK +3 █▌ +lower back, left +deadlift +stiffness +no belt"
# "3/10" as pain log reads it; -t, -m; the trigger kept lower-case
run 0 pain edit 1 --level 4/10 -t Bending -m "mopping" &&
  expect_line "$OUT" "Changed entry 1: 4/10 \(lower back, left; bending\) at $CLOCK\."
# The symptoms given are the whole list.
run 0 pain edit 1 --symptom spasm --symptom radiating,tingling &&
  expect_in "$OUT" "  symptoms: spasm, radiating, tingling"
entry 1 && expect_json "$W/entry.json" 'v["symptoms"] == ["spasm", "radiating", "tingling"]'
# An empty value clears: the place, the trigger, the note, the symptoms.
run 0 pain edit 1 --where "" --trigger "" --note "" --symptom "" &&
  expect_line "$OUT" "Changed entry 1: 4/10 at $CLOCK\." && expect_not_in "$OUT" "symptoms:" &&
  expect_not_in "$OUT" "note:"
entry 1 && expect_json "$W/entry.json" 'v["location"] == "" and v["trigger"] == "" and
  v["note"] == "" and v["symptoms"] == []'
# --at: when it was, in the forms pain log reads.
run 0 pain edit "$TWO" --at "2020-01-06 21:04" &&
  expect_exactly "$OUT" "Changed entry $TWO: 2/10 at Mon 2020-01-06 21:04."
# --json: the entry as it now is.
run 0 --json pain edit "$TWO" --level 1 && expect_json "$OUT" '
  sorted(v) == ["at", "id", "level", "location", "note", "symptoms", "trigger"] and
  v["id"] == '"$TWO"' and v["level"] == 1'
# The stats follow at once.
run 0 --json pain stats --days 36500 && expect_json "$OUT" 'v["count"] == 3 and v["worst"] == 5'

# ---- a red flag added by an edit: the advice first, as pain log prints it -------------------
run 0 pain edit 1 --symptom stiffness,night-pain && expect_exactly "$ERR" "⚠  URGENT: $NIGHT"
"$PY" - "$OUT" "$NIGHT" >"$W/flag.err" 2>&1 <<'EOF_PY' ||
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) == 3, "three lines: %r" % lines
assert lines[0] == "⚠  URGENT: " + sys.argv[2], "the advice first, word for word: %r" % lines[0]
assert re.fullmatch(r"Changed entry 1: 4/10 at ([A-Z][a-z]{2} )?[0-2][0-9]:[0-5][0-9]\.", lines[1]), lines[1]
assert lines[2] == "  symptoms: stiffness, night-pain", lines[2]
EOF_PY
  {
    fail "lumbarctl pain edit 1 --symptom stiffness,night-pain: expected the advice, then the entry:"
    sed 's/^/    /' "$W/flag.err"
    show_output
  }
# Kept, not added: no advice again.
run 0 pain edit 1 --level 5 && expect_not_in "$OUT" "URGENT" && expect_empty "$ERR"
# With --json the advice goes to stderr, the entry to stdout.
run 0 --json pain edit "$TWO" --symptom trauma &&
  expect_json "$OUT" 'v["symptoms"] == ["trauma"]' && expect_in "$ERR" "⚠  URGENT: " &&
  expect_in "$ERR" "urgent medical care"
# Outside UTF-8, the mark is plain.
LC_ALL=C "$LUMBARCTL" pain edit "$TWO" --symptom trauma,fever >"$OUT" 2>"$ERR"
LAST_CMD="LC_ALL=C lumbarctl pain edit $TWO --symptom trauma,fever"
expect_line "$ERR" "!! URGENT: .*fever.*urgent medical care.*"
[ "$(grep -c URGENT "$ERR")" = 1 ] || fail "$LAST_CMD: expected the advice of fever alone (trauma was there already)"

# ---- refusals ----------------------------------------------------------------------------
run 1 pain edit 99 --level 2 &&
  expect_exactly "$ERR" "lumbarctl: pain.amend: not_found: no entry 99 in the diary; \`lumbarctl pain history\` shows the entries and their ids" &&
  expect_empty "$OUT"
run 2 pain edit 1 --level 11 &&
  expect_in "$ERR" "lumbarctl pain edit: --level is a whole number from 0 (no pain) to 10 (the worst imaginable), not '11'"
run 2 pain edit 1 --where knee && expect_in "$ERR" "lumbarctl pain edit: --where takes one of lower-back,"
run 2 pain edit 1 --at "2099-01-01 00:00" && expect_in "$ERR" "lumbarctl pain edit: --at is in the future"
run 2 pain edit 1 && expect_in "$ERR" "lumbarctl pain edit: nothing to change: give --level, --where, --trigger, --note, --symptom or --at"
run 2 pain edit && expect_in "$ERR" "lumbarctl pain edit: missing argument"
run 2 pain edit one --level 2 &&
  expect_in "$ERR" "lumbarctl pain edit: ID is a diary entry's number, as 'lumbarctl pain history' shows, not 'one'"
run 2 pain edit 1 --level high && expect_in "$ERR" "--level is a whole number from 0 (no pain) to 10"
run 2 pain edit 1 --at soon && expect_in "$ERR" "lumbarctl pain edit: --at: 'soon' is not a time"
run 2 pain edit 1 --mood good && expect_in "$ERR" "lumbarctl pain edit: unknown flag '--mood'"
run 2 pain rm && expect_in "$ERR" "lumbarctl pain rm: missing argument"
run 2 pain rm 1 2 && expect_in "$ERR" "lumbarctl pain rm: unexpected argument '2'"
run 2 pain rm x && expect_in "$ERR" "not 'x'"

# ---- rm -------------------------------------------------------------------------------------
run 0 pain rm "$TWO" && expect_exactly "$OUT" "Removed entry $TWO." && expect_empty "$ERR"
run 1 pain rm "$TWO" && expect_in "$ERR" "lumbarctl: pain.remove: not_found: no entry $TWO in the diary"
entry "$TWO" && expect_json "$W/entry.json" 'v is None'
run 0 --json pain rm 1 && expect_json "$OUT" 'v == {"id": 1}'
run 0 --json pain stats --days 36500 && expect_json "$OUT" 'v["count"] == 1'

# ---- no daemon: 3 -----------------------------------------------------------------------------
stop_daemon
run 3 pain edit 1 --level 2 && expect_in "$ERR" "lumbarctl: cannot reach lumbard"
run 3 pain rm 1 && expect_in "$ERR" "lumbarctl: cannot reach lumbard"

finish
