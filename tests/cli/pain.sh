#!/bin/sh
# The pain verbs against the real pain plugin: log (the issue's example as
# written, the short flags, --at in each form it reads), history and export
# (CSV and JSON read back whole by Python, printed and written to a file), as
# text and as JSON; red-flag advice before anything else; and every refusal
# with its exit status and the message that names the field.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin
W="$WORLD/out"
CLOCK='[0-2][0-9]:[0-5][0-9]'

# json_get FILE EXPR: a value out of the JSON in FILE (as v), printed.
json_get() {
  "$PY" -c 'import json, sys; v = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# count_entries: how many entries the diary holds.
count_entries() {
  "$LUMBARCTL" --json pain history -n 10000 >"$W/count.json" && json_get "$W/count.json" 'len(v)'
}

# expect_at FILE WANT [SLACK]: the --json answer of pain.log in FILE is for
# unix time WANT (within SLACK seconds).
expect_at() {
  expect_json "$1" "abs(v[\"at\"] - $2) <= ${3:-0}"
}

# ---- usage errors (2), told before any connection is tried -----------------------------
run 2 pain && expect_in "$ERR" "lumbarctl pain: needs a sub-command" &&
  expect_in "$ERR" "lumbarctl pain log LEVEL [OPTION]..."
run 2 pain note && expect_in "$ERR" "lumbarctl pain: unknown sub-command 'note'"
run 2 pain log && expect_in "$ERR" "lumbarctl pain log: missing argument" &&
  expect_in "$ERR" "Usage: lumbarctl pain log LEVEL [OPTION]..."
run 2 pain log six &&
  expect_in "$ERR" "lumbarctl pain log: LEVEL is a whole number from 0 (no pain) to 10 (the worst imaginable), not 'six'"
run 2 pain log 6.5 && expect_in "$ERR" "not '6.5'"
run 2 pain log 6 7 && expect_in "$ERR" "lumbarctl pain log: unexpected argument '7'"
run 2 pain log 6 --where && expect_in "$ERR" "lumbarctl pain log: --where needs a LOCATION"
run 2 pain log 6 --symptom && expect_in "$ERR" "lumbarctl pain log: --symptom needs a symptom KEY"
run 2 pain log 6 --bogus && expect_in "$ERR" "lumbarctl pain log: unknown flag '--bogus'"
run 2 pain log 6 --at tomorrow &&
  expect_in "$ERR" "lumbarctl pain log: --at: 'tomorrow' is not a time: give a local time (\"2026-11-19 21:00\", 21:00, \"yesterday 21:00\", today, yesterday), how long ago (\"2h ago\", \"1h 30min ago\", \"3d ago\"), now, or unix seconds"
run 2 pain log 6 --at "2026-02-30 08:00" &&
  expect_in "$ERR" "lumbarctl pain log: --at: there is no 2026-02-30 08:00 in the local time zone"
run 2 pain log 6 --at "yesterday 25:00" && expect_in "$ERR" "--at: 'yesterday 25:00' is not a time"
run 2 pain log 6 --at "5 parsecs ago" && expect_in "$ERR" "--at: '5 parsecs ago': duration"
run 2 pain history extra && expect_in "$ERR" "lumbarctl pain history: unexpected argument 'extra'"
run 2 pain history -n ten &&
  expect_in "$ERR" "lumbarctl pain history: -n takes a whole number of entries, 1 or more, not 'ten'"
run 2 pain history -n 0 && expect_in "$ERR" "not '0'"
run 2 pain history --since soon && expect_in "$ERR" "lumbarctl pain history: --since: 'soon' is not a time"
run 2 pain stats --days many && expect_in "$ERR" "lumbarctl pain stats: --days takes a whole number, not 'many'"
run 2 pain export --until never && expect_in "$ERR" "lumbarctl pain export: --until: 'never' is not a time"
run 2 pain chart --days 0 &&
  expect_in "$ERR" "lumbarctl pain chart: --days takes a whole number of days from 1 to 3660, not '0'"
run 2 pain chart --days -3 && expect_in "$ERR" "not '-3'"
run 2 pain report && expect_in "$ERR" "lumbarctl pain report: -o FILE is needed: where to write the page (-o - prints it)"
run 2 pain report -o "$W/r.html" --days 3661 && expect_in "$ERR" "--days takes a whole number of days from 1 to 3660"

# ---- help -------------------------------------------------------------------------------
run 0 pain --help && expect_in "$OUT" "Sub-commands:" &&
  expect_line "$OUT" "  lumbarctl pain log LEVEL \[OPTION\]\.\.\." &&
  expect_line "$OUT" " +log how the back is, 0-10"
run 0 help pain log && expect_in "$OUT" "Usage: lumbarctl pain log LEVEL [OPTION]..." &&
  expect_in "$OUT" "  lumbarctl pain log 6 --where lower-back-left --trigger deadlift \\" &&
  expect_in "$OUT" "  --at TIME " && expect_in "$OUT" "\"2h ago\""
for verb in history stats export chart report; do
  run 0 pain "$verb" --help && expect_in "$OUT" "Usage: lumbarctl pain $verb"
done
run 0 --help && expect_in "$OUT" "  pain chart [--days N]"

# ---- 3: no daemon ----------------------------------------------------------------------
run 3 pain log 6 && expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK"
run 3 pain chart && expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK"
run 3 pain report -o "$W/r.html" && expect_in "$ERR" "cannot reach lumbard"
[ ! -e "$W/r.html" ] || fail "pain report without a daemon: expected no $W/r.html, but it exists"

start_pain_daemon
NOW=$(date +%s)

# ---- log: the issue's example, exactly as written ------------------------------------------
run 0 pain log 6 --where lower-back-left --trigger deadlift --note "no belt" &&
  expect_line "$OUT" "Logged 6/10 \(lower back, left; deadlift\) at $CLOCK\." && expect_empty "$ERR"
[ "$(wc -l <"$OUT")" = 1 ] || fail "pain log (the issue's example): expected one line; got: $(cat "$OUT")"
run 0 --json pain history -n 1 && expect_json "$OUT" \
  'len(v) == 1 and v[0]["level"] == 6 and v[0]["location"] == "lower-back-left" and
   v[0]["trigger"] == "deadlift" and v[0]["note"] == "no belt" and v[0]["symptoms"] == [] and
   abs(v[0]["at"] - '"$NOW"') <= 5'

# The short flags, "N/10", symptoms repeated and joined with commas; the
# trigger as the diary keeps it (lower-case).
run 0 pain log 3/10 -w glute-right -t Sitting -m "desk day" --symptom stiffness --symptom spasm,radiating &&
  expect_line "$OUT" "Logged 3/10 \(glute, right; sitting\) at $CLOCK\." && expect_empty "$ERR"
run 0 --json pain history -n 1 && expect_json "$OUT" \
  'v[0]["level"] == 3 and v[0]["location"] == "glute-right" and v[0]["trigger"] == "sitting" and
   v[0]["note"] == "desk day" and v[0]["symptoms"] == ["stiffness", "spasm", "radiating"]'
run 0 pain log 0 && expect_line "$OUT" "Logged 0/10 at $CLOCK\."
run 0 pain log 2 --location hip-left && expect_line "$OUT" "Logged 2/10 \(hip, left\) at $CLOCK\."
# A place as 'pain history' shows it, in any case, is the place.
run 0 --json pain log 2 --where "Lower back, LEFT" && expect_json "$OUT" 'v["id"] > 0'
run 0 --json pain history -n 1 && expect_json "$OUT" 'v[0]["location"] == "lower-back-left"'
run 0 pain log 2 -w "lower back" && expect_line "$OUT" "Logged 2/10 \(lower back\) at $CLOCK\."
run 0 pain log 5 --trigger bending && expect_line "$OUT" "Logged 5/10 \(bending\) at $CLOCK\."
run 0 --json pain log 1 --where=leg-left --trigger=travel &&
  expect_json "$OUT" 'sorted(v) == ["at", "id", "red_flags"] and v["red_flags"] == []' &&
  expect_at "$OUT" "$NOW" 5 && expect_empty "$ERR"

# --at in each form lumbarctl reads: the entry is for the moment meant.
run 0 --json pain log 2 --at "$((NOW - 3600))" && expect_at "$OUT" "$((NOW - 3600))"
run 0 --json pain log 2 --at "@$((NOW - 5400))" && expect_at "$OUT" "$((NOW - 5400))"
run 0 --json pain log 2 --at "$(day_ago 2) 08:30" && expect_at "$OUT" "$(date -d "$(day_ago 2) 08:30" +%s)"
run 0 --json pain log 2 --at "$(day_ago 2)T08:45:30" && expect_at "$OUT" "$(date -d "$(day_ago 2) 08:45:30" +%s)"
run 0 --json pain log 2 --at "yesterday 21:00" && expect_at "$OUT" "$(date -d "$(day_ago 1) 21:00" +%s)"
run 0 --json pain log 2 --at yesterday && expect_at "$OUT" "$(date -d "$(day_ago 1) 00:00" +%s)"
run 0 --json pain log 2 --at today && expect_at "$OUT" "$(date -d 00:00 +%s)"
run 0 --json pain log 2 --at 00:00 && expect_at "$OUT" "$(date -d 00:00 +%s)"
run 0 --json pain log 2 --at "2h ago" && expect_at "$OUT" "$((NOW - 7200))" 10
run 0 --json pain log 2 --at "1h 30min ago" && expect_at "$OUT" "$((NOW - 5400))" 10
run 0 --json pain log 2 --at "3d ago" && expect_at "$OUT" "$((NOW - 3 * 86400))" 10
run 0 --json pain log 2 --at now && expect_at "$OUT" "$NOW" 10
run 0 pain log 4 --at "$(day_ago 3) 08:30" && expect_line "$OUT" "Logged 4/10 at [A-Z][a-z][a-z] 08:30\."
run 0 pain log 4 --at "$(day_ago 20) 08:30" &&
  expect_line "$OUT" "Logged 4/10 at [A-Z][a-z][a-z] $(day_ago 20) 08:30\."

# ---- refused values (2): what lumbarctl checks, and what lumbard refuses, said in --------
# the words typed (the flag, LEVEL), not the daemon's; nothing logged
BEFORE=$(count_entries)
run 2 pain log 11 &&
  expect_in "$ERR" "lumbarctl pain log: LEVEL is a whole number from 0 (no pain) to 10 (the worst imaginable), not '11'" &&
  expect_empty "$OUT"
run 2 pain log -1 && expect_in "$ERR" "LEVEL is a whole number from 0" && expect_in "$ERR" "not '-1'"
run 2 pain log 5 --where moon &&
  expect_in "$ERR" "lumbarctl pain log: --where takes one of lower-back, lower-back-left," &&
  expect_in "$ERR" "not 'moon'" && expect_not_in "$ERR" "location"
run 2 pain log 5 -w "lower back left" && expect_in "$ERR" "lumbarctl pain log: -w takes one of"
run 2 pain log 5 --symptom stiffness,hiccups &&
  expect_in "$ERR" "lumbarctl pain log: --symptom: unknown symptom \"hiccups\"" &&
  expect_not_in "$ERR" "'symptoms'"
run 2 pain log 5 --at "$((NOW + 3600))" &&
  expect_in "$ERR" "lumbarctl pain log: --at is in the future; log now, or an earlier time"
run 2 pain log 5 --at "$(date -d "@$((NOW + 2 * 86400))" +%F) 12:00" && expect_in "$ERR" "--at is in the future"
run 2 pain log 5 --at "1999-12-31 12:00" && expect_in "$ERR" "--at is before the year 2000"
run 2 pain log 5 -m "$("$PY" -c 'print("x" * 1001)')" && expect_in "$ERR" "lumbarctl pain log: -m must be up to 1,000 characters"
run 2 pain log 5 --trigger "$("$PY" -c 'print("t" * 65)')" && expect_in "$ERR" "--trigger must be up to 64 characters"
run 2 pain export --format xml && expect_in "$ERR" "lumbarctl pain export: --format must be csv or json, got \"xml\""
run 2 pain stats --days 0 && expect_in "$ERR" "lumbarctl pain stats: --days must be between 1 and "
run 2 pain history --limit 10001 && expect_in "$ERR" "lumbarctl pain history: --limit must be between 1 and 10000"
LAST_CMD="the refused pain log calls"
[ "$(count_entries)" = "$BEFORE" ] || fail "$LAST_CMD: expected $BEFORE entries still, got $(count_entries)"

# ---- red flags: the advice comes first ---------------------------------------------------
# The advice is lumbard's, word for word: taken from its answer.
run 0 --json pain log 8 --where lower-back --symptom saddle-numbness --symptom fever &&
  expect_json "$OUT" '[f["symptom"] for f in v["red_flags"]] == ["saddle-numbness", "fever"]'
cp "$OUT" "$W/flags.json"
ADVICE1=$(json_get "$W/flags.json" 'v["red_flags"][0]["advice"]')
ADVICE2=$(json_get "$W/flags.json" 'v["red_flags"][1]["advice"]')
# --json: stdout is the answer alone, the advice goes to stderr.
expect_exactly "$ERR" "⚠  URGENT: $ADVICE1
⚠  URGENT: $ADVICE2"
# Text, not a terminal: the advice is the first lines of stdout, and on
# stderr as well; then the logged line.
run 0 pain log 8 --where lower-back --symptom saddle-numbness --symptom fever &&
  expect_exactly "$OUT" "⚠  URGENT: $ADVICE1
⚠  URGENT: $ADVICE2
$(sed -n 3p "$OUT")" &&
  expect_line "$OUT" "Logged 8/10 \(lower back\) at $CLOCK\." &&
  expect_exactly "$ERR" "⚠  URGENT: $ADVICE1
⚠  URGENT: $ADVICE2"
LAST_CMD="lumbarctl pain log 8 --symptom saddle-numbness --symptom fever"
sed -n 3p "$OUT" | grep -q "^Logged 8/10" || fail "$LAST_CMD: expected the logged line third, after the advice; got: $(cat "$OUT")"
# Outside a UTF-8 locale the mark is plain ASCII.
run 0 pain log 7 --symptom trauma
TRAUMA=$(sed -n 's/^⚠  URGENT: //p' "$OUT")
[ -n "$TRAUMA" ] || fail "$LAST_CMD: expected a '⚠  URGENT: ' line; got: $(cat "$OUT")"
LC_ALL=C "$LUMBARCTL" pain log 7 --symptom trauma >"$OUT" 2>"$ERR"
LAST_CMD="LC_ALL=C lumbarctl pain log 7 --symptom trauma"
expect_exactly "$ERR" "!! URGENT: $TRAUMA"
sed -n 1p "$OUT" | grep -qF "!! URGENT: $TRAUMA" || fail "$LAST_CMD: expected '!! URGENT: ...' first; got: $(cat "$OUT")"
# Ordinary symptoms bring no advice.
run 0 pain log 3 --symptom stiffness,tingling && expect_line "$OUT" "Logged 3/10 at $CLOCK\." &&
  expect_empty "$ERR" && expect_not_in "$OUT" "URGENT"

# ---- history --------------------------------------------------------------------------------
run 0 pain log 4 --at "$(day_ago 1) 07:15" -t cleaning -m 'mopping, the "wrong" way; then a sofa'
run 0 --json pain history -n 10000 && cp "$OUT" "$W/all.json"
N=$(json_get "$W/all.json" 'len(v)')
MOPPING=$(json_get "$W/all.json" '[e["id"] for e in v if e["trigger"] == "cleaning"][0]')
expect_json "$W/all.json" 'all(a["at"] >= b["at"] for a, b in zip(v, v[1:]))'
run 0 pain history -n 10000 &&
  expect_line "$OUT" "ID +WHEN +LEVEL +WHERE +TRIGGER +SYMPTOMS +NOTE" &&
  expect_line "$OUT" "1 +$CLOCK +6 ███ +lower back, left +deadlift +- +no belt" &&
  expect_line "$OUT" "2 +$CLOCK +3 █▌ +glute, right +sitting +stiffness, spasm, radiating +desk day" &&
  expect_line "$OUT" "[0-9]+ +$CLOCK +8 ████ +lower back +- +saddle-numbness, fever" &&
  expect_line "$OUT" "$MOPPING +[A-Z][a-z][a-z] 07:15 +4 ██ +- +cleaning +- +mopping, the \"wrong\" way; then a sofa" &&
  expect_not_in "$OUT" "$(printf '\033')"
LAST_CMD="lumbarctl pain history -n 10000"
[ "$(($(wc -l <"$OUT") - 1))" = "$N" ] || fail "$LAST_CMD: expected a header and $N rows; got $(wc -l <"$OUT") lines"
if grep -n ' $' "$OUT" >"$W/blanks"; then
  fail "$LAST_CMD: expected no line to end in blanks; these do:"
  sed 's/ $/<-/' "$W/blanks" | head -5
fi
if run 0 pain history -n 2 && [ "$(wc -l <"$OUT")" != 3 ]; then
  fail "pain history -n 2: expected a header and 2 rows; got: $(cat "$OUT")"
fi
run 0 --json pain history -n 3 && expect_json "$OUT" 'len(v) == 3'
SINCE=$(date -d "$(day_ago 2) 00:00" +%s)
UNTIL=$(date -d "$(day_ago 1) 23:59" +%s)
run 0 --json pain history --since "$(day_ago 2) 00:00" --until "$(day_ago 1) 23:59" &&
  expect_json "$OUT" "len(v) == $(json_get "$W/all.json" "len([e for e in v if $SINCE <= e['at'] < $UNTIL])") and len(v) >= 4 and
    all($SINCE <= e['at'] < $UNTIL for e in v)"
run 0 pain history --since 2000-01-01 --until 2000-01-02 && expect_exactly "$OUT" "No entries in that time."

# ---- export --------------------------------------------------------------------------------
# check_csv FILE: the CSV holds every entry of all.json, each field whole.
check_csv() {
  if ! "$PY" -c '
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
entries = json.load(open(sys.argv[2]))
head, body = rows[0], rows[1:]
assert head == ["id", "at", "level", "location", "trigger", "note", "symptoms"], head
assert len(body) == len(entries), (len(body), len(entries))
by_id = {int(r[0]): dict(zip(head, r)) for r in body}
for e in entries:
    r = by_id[e["id"]]
    assert int(r["level"]) == e["level"], (r, e)
    assert r["note"] == e["note"] and r["trigger"] == e["trigger"], (r, e)
    assert r["location"] == e["location"], (r, e)
    assert all(s in r["symptoms"] for s in e["symptoms"]), (r, e)
    assert r["at"][:2] == "20" and "T" in r["at"], r
notes = [r[5] for r in body]
assert "mopping, the \"wrong\" way; then a sofa" in notes, notes
' "$1" "$W/all.json" 2>"$W/csv.err"; then
    fail "'$LAST_CMD': expected CSV with every entry of the diary whole; Python said:"
    sed 's/^/    /' "$W/csv.err"
  fi
}
check_json_export() {
  if ! "$PY" -c '
import json, sys
got = json.load(open(sys.argv[1]))
entries = json.load(open(sys.argv[2]))
assert sorted(e["id"] for e in got) == sorted(e["id"] for e in entries)
want = {e["id"]: e for e in entries}
for e in got:
    w = want[e["id"]]
    assert (e["level"], e["note"], e["trigger"], e["location"], e["symptoms"]) == \
        (w["level"], w["note"], w["trigger"], w["location"], w["symptoms"]), (e, w)
' "$1" "$W/all.json" 2>"$W/json.err"; then
    fail "'$LAST_CMD': expected a JSON array of every entry of the diary, whole; Python said:"
    sed 's/^/    /' "$W/json.err"
  fi
}

run 0 pain export --format csv && cp "$OUT" "$W/export.csv" && check_csv "$W/export.csv"
run 0 pain export && check_csv "$OUT" # csv is lumbard's default
run 0 pain export --format json && cp "$OUT" "$W/export.json" && check_json_export "$W/export.json"
run 0 --json pain export --format csv && expect_json "$OUT" 'v.startswith("id,at,level,")'
if run 0 pain export --format csv -o - && ! cmp -s "$OUT" "$W/export.csv"; then
  fail "pain export -o -: expected what pain export prints"
fi
# -o: a relative path is the working directory's; lumbard writes the file.
(cd "$W" && "$LUMBARCTL" pain export --format csv -o diary.csv) >"$OUT" 2>"$ERR"
LAST_CMD="(cd $W && lumbarctl pain export --format csv -o diary.csv)"
expect_exactly "$OUT" "Wrote $N entries to diary.csv"
expect_empty "$ERR"
check_csv "$W/diary.csv"
cmp -s "$W/diary.csv" "$W/export.csv" || fail "$LAST_CMD: expected the file to hold what pain export prints"
mkdir -p "$W/sub"
(cd "$W/sub" && "$LUMBARCTL" --json pain export --format json --output ./diary.json) >"$OUT" 2>"$ERR"
LAST_CMD="(cd $W/sub && lumbarctl --json pain export --format json --output ./diary.json)"
expect_json "$OUT" "v == {\"path\": \"$W/sub/diary.json\", \"rows\": $N, \"bytes\": $(wc -c <"$W/sub/diary.json")}"
check_json_export "$W/sub/diary.json"
run 0 pain export --format json -o "$W/week.json" --since "$(day_ago 2) 00:00" --until "$(day_ago 1) 23:59" &&
  expect_line "$OUT" "Wrote [0-9]+ entries to $W/week.json"
expect_json "$W/week.json" "all($SINCE <= e['at'] < $UNTIL for e in v) and len(v) == $(json_get "$W/all.json" "len([e for e in v if $SINCE <= e['at'] < $UNTIL])")"
run 1 pain export -o "$W/no/such/dir/x.csv" && expect_in "$ERR" "lumbarctl: pain.export_file: " &&
  expect_empty "$OUT"

finish
