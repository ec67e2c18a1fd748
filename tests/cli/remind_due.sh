#!/bin/sh
# Reminders coming due on the real clock: "in 2s" seen due by
# `lumbarctl watch 'reminders.*'` and in `remind list`, then done; snoozed
# (for lumbard's default, then for 1 s) and due again; skipped with a
# reason; an "every" done with its next elapse.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin
W="$WORLD/out"
# A time is shown with its weekday when it is not today (near midnight).
CLOCK='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?'
# A one-off's time in its SCHEDULE column, "once, 17:30": to the minute.
MINUTE='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]'

# No built-in reminders, and a snooze of 5 min to tell lumbard's default by.
mkdir -p "$XDG_CONFIG_HOME/lumbard"
printf '[reminders]\nsnooze = 5min\n' >"$XDG_CONFIG_HOME/lumbard/lumbard.conf"
start_reminders_daemon

# Two watchers, as text and as JSON Lines.
"$LUMBARCTL" watch 'reminders.*' >"$W/watch.out" 2>"$W/watch.err" &
WATCH_TEXT=$!
"$LUMBARCTL" watch --json 'reminders.*' >"$W/watch.json" 2>"$W/watch.json.err" &
WATCH_JSON=$!
EXTRA_PIDS="$WATCH_TEXT $WATCH_JSON"
wait_until "both watchers to subscribe" '[ "$(subscribers)" = 2 ]'

# events NAME [ID]: how many events NAME (of reminder ID) the JSON watcher saw.
events() {
  "$PY" -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == sys.argv[2] and (len(sys.argv) < 4 or e["fields"]["id"] == int(sys.argv[3])):
        n += 1
print(n)' "$W/watch.json" "$@"
}

run 0 remind add stretch "in 2s" --message "Stand up and stretch" &&
  expect_line "$OUT" "Reminder 1 \(stretch\) added: next at .* \(in [12]s\)"
run 0 remind add water "in 2s" && expect_line "$OUT" "Reminder 2 \(water\) added: next at .* \(in [12]s\)"
run 0 remind add walk "every 3s" && expect_line "$OUT" "Reminder 3 \(walk\) added: next at .* \(in [23]s\)"
run 1 remind "done" 1 && expect_in "$ERR" "lumbarctl: reminders.done: conflict: reminder 1 (stretch) is not due"

wait_until "reminders 1, 2 and 3 to come due (reminders.due in 'watch --json')" \
  '[ "$(events reminders.due 1)" = 1 ] && [ "$(events reminders.due 2)" = 1 ] && [ "$(events reminders.due 3)" -ge 1 ]'
wait_until "the due lines in 'watch'" '[ "$(grep -c "reminders.due" "$W/watch.out")" -ge 3 ]'
LAST_CMD="lumbarctl watch 'reminders.*'"
OUT="$W/watch.out" ERR="$W/watch.err" # for what a failure shows
expect_line "$OUT" "$CLOCK reminders.due id=1 name=stretch message=\"Stand up and stretch\" late_s=0 at=[0-9]+ missed=[0-9]+ snoozed=false"
expect_line "$OUT" "$CLOCK reminders.due id=2 name=water message=water late_s=0 at=[0-9]+ missed=[0-9]+ snoozed=false"
OUT="$W/stdout" ERR="$W/stderr"

run 0 remind list &&
  expect_line "$OUT" "1   stretch  once, $MINUTE +- +due since $CLOCK +runtime  Stand up and stretch" &&
  expect_line "$OUT" "2   water    once, $MINUTE +- +due since $CLOCK +runtime  water"
run 0 remind list --json &&
  expect_json "$OUT" 'v[0]["due_at"] > 0 and v[0]["next_at"] == 0 and v[1]["due_at"] > 0'

# done: the one-off is gone.
run 0 remind "done" 1 && expect_exactly "$OUT" "Reminder 1 (stretch) done; it was for once only, and is removed"
run 1 remind "done" 1 && expect_in "$ERR" "not_found: no reminder 1"
wait_until "the done event" '[ "$(events reminders.done 1)" = 1 ]'

# snooze: lumbard's default first (5 min from the config), then 1 s: due again.
run 0 remind snooze 2 && expect_line "$OUT" "Reminder 2 \(water\) snoozed: due again at .* \(in 5min\)"
run 0 remind list && expect_line "$OUT" "2   water +once, $MINUTE +- +snoozed until $CLOCK +runtime  water"
run 0 remind snooze 2 1s --json &&
  expect_json "$OUT" 'v["id"] == 2 and v["due_at"] > 0 and v["snoozed_until"] > 0'
wait_until "reminder 2 to come due again after its snooze" \
  '[ "$(events reminders.due 2)" = 2 ] && [ "$(events reminders.snoozed 2)" = 2 ]'
LAST_CMD="lumbarctl watch --json 'reminders.*'"
"$PY" -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
due2 = [e["fields"] for e in evs if e["event"] == "reminders.due" and e["fields"]["id"] == 2]
snoozed = [e["fields"] for e in evs if e["event"] == "reminders.snoozed"]
ok = (due2[-1]["snoozed"] is True and due2[0]["snoozed"] is False and
      [s["seconds"] for s in snoozed] == [300, 1])
if not ok:
    print("  due events of 2: %s\n  snoozed events: %s" % (due2, snoozed))
sys.exit(0 if ok else 1)' "$W/watch.json" ||
  fail "$LAST_CMD: expected snoozed events of 300 s then 1 s, and a due event with snoozed=true after them"
run 0 remind list && expect_line "$OUT" "2   water +once, $MINUTE +- +due since $CLOCK +runtime  water"

# skip with a reason: the due one-off is skipped, and gone.
run 0 remind skip 2 --reason "rest day" &&
  expect_line "$OUT" "Reminder 2 \(water\) skipped ... 20..-..-.. $CLOCK CES?T \(rest day\); it was for once only, and is removed"
wait_until "the skipped event" '[ "$(events reminders.skipped 2)" = 1 ]'
grep -q '"event": "reminders.skipped", "fields": {"id": 2, "name": "water", "reason": "rest day"' "$W/watch.json" ||
  fail "lumbarctl watch --json: expected reminders.skipped with reason \"rest day\"; got: $(grep skipped "$W/watch.json")"
grep -qE "^$CLOCK reminders.skipped id=2 name=water reason=\"rest day\" at=[0-9]+$" "$W/watch.out" ||
  fail "lumbarctl watch: expected a line 'HH:MM:SS reminders.skipped id=2 name=water reason=\"rest day\" at=N'; got: $(grep skipped "$W/watch.out")"

# An "every" reminder done: when it is next due.
run 0 remind "done" 3 && expect_line "$OUT" "Reminder 3 \(walk\) done; next at .* \((in [0-9]s|now)\)"
run 0 remind rm 3 --json && expect_json "$OUT" 'v == {"id": 3, "name": "walk"}'
run 0 remind list && expect_exactly "$OUT" "No reminders."

kill -INT "$WATCH_TEXT" "$WATCH_JSON"
wait "$WATCH_TEXT" || fail "lumbarctl watch 'reminders.*': expected exit status 0 after SIGINT"
wait "$WATCH_JSON" || fail "lumbarctl watch --json 'reminders.*': expected exit status 0 after SIGINT"
EXTRA_PIDS=

finish
