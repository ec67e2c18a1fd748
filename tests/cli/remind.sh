#!/bin/sh
# The remind verbs against the real reminders plugin: add (the issue's
# examples as written), list, snooze, done, skip, pause, resume and rm, as
# text and as JSON, and every refusal with its exit status and message.
# Times are compared in Berlin time, where the daemon runs too.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin
W="$WORLD/out"

# A unix time as lumbarctl and systemd write it: "Thu 2026-11-26 12:40:00 CET".
local_time() {
  LC_ALL=C date -d "@$1" '+%a %Y-%m-%d %H:%M:%S %Z'
}

# short_at EPOCH: a time as the NEXT and STATE columns show it: "17:30" today,
# "Fri 17:30" within six days, "Wed 2026-12-02 18:30" further; the seconds
# when there are any.
short_at() {
  "$PY" -c '
import sys, datetime
t = int(sys.argv[1])
at = datetime.datetime.fromtimestamp(t)
days = (at.date() - datetime.date.today()).days
f = "%H:%M" + (":%S" if t % 60 and len(sys.argv) < 3 else "")
if days:
    f = "%a " + ("%Y-%m-%d " if abs(days) > 6 else "") + f
print(at.strftime(f))' "$@"
}

# minute_at EPOCH: the same without seconds, as the SCHEDULE column shows a
# one-off: "once, 17:30".
minute_at() {
  short_at "$1" minutes
}

CLOCK='(... )?[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?'

# json_get FILE EXPR: a value out of the JSON in FILE (as v), printed.
json_get() {
  "$PY" -c 'import json, sys; v = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- usage errors (2), told before any connection is tried -----------------------------
run 2 remind && expect_in "$ERR" "lumbarctl remind: needs a sub-command" &&
  expect_in "$ERR" "lumbarctl remind add NAME SCHEDULE [OPTION]..."
run 2 remind stop && expect_in "$ERR" "lumbarctl remind: unknown sub-command 'stop'"
run 2 remind add && expect_in "$ERR" "lumbarctl remind add: missing NAME and SCHEDULE" &&
  expect_in "$ERR" "Usage: lumbarctl remind add NAME SCHEDULE [OPTION]..."
run 2 remind add tea && expect_in "$ERR" "lumbarctl remind add: missing SCHEDULE: "
run 2 remind add tea in 10m &&
  expect_in "$ERR" "lumbarctl remind add: unexpected argument '10m': a SCHEDULE of several words goes in quotes, \"in 10m\""
run 2 remind add tea "in 10m" --message && expect_in "$ERR" "lumbarctl remind add: --message needs a TEXT"
run 2 remind add stand "every 45m" --from && expect_in "$ERR" "--from needs a time of day, HH:MM"
run 2 remind add tea "in 10m" --bogus && expect_in "$ERR" "lumbarctl remind add: unknown flag '--bogus'"
run 2 remind list all && expect_in "$ERR" "lumbarctl remind list: unexpected argument 'all'"
run 2 remind snooze && expect_in "$ERR" "lumbarctl remind snooze: missing argument" &&
  expect_in "$ERR" "Usage: lumbarctl remind snooze ID [DURATION]"
run 2 remind snooze 1 5m 6m && expect_in "$ERR" "unexpected argument '6m'"
run 2 remind "done" abc &&
  expect_in "$ERR" "lumbarctl remind done: ID is a reminder's number, as 'lumbarctl remind list' shows, not 'abc'"
run 2 remind "done" -1 && expect_in "$ERR" "not '-1'"
run 2 remind skip 1 "rest day" && expect_in "$ERR" "lumbarctl remind skip: unexpected argument 'rest day'"
run 2 remind skip 1 --reason && expect_in "$ERR" "--reason needs a TEXT"
run 2 remind pause &&
  expect_in "$ERR" "lumbarctl remind pause: missing DURATION: a pause always ends by itself" &&
  expect_in "$ERR" "Usage: lumbarctl remind pause DURATION [--id ID]"
run 2 remind pause 1h --id one && expect_in "$ERR" "lumbarctl remind pause: --id takes a whole number, not 'one'"
run 2 remind resume 3 && expect_in "$ERR" "lumbarctl remind resume: unexpected argument '3' (one reminder: --id 3)"
run 2 remind rm && expect_in "$ERR" "lumbarctl remind rm: missing argument"
run 2 remind rm 1x && expect_in "$ERR" "not '1x'"
run 2 remind preview && expect_in "$ERR" "lumbarctl remind preview: missing argument"
run 2 remind preview Mon..Fri 08:30 && expect_in "$ERR" "goes in quotes, \"Mon..Fri 08:30\""
run 2 remind preview daily -n five && expect_in "$ERR" "lumbarctl remind preview: -n takes a whole number, not 'five'"
run 2 remind preview daily --base tomorrow &&
  expect_in "$ERR" "lumbarctl remind preview: --base: 'tomorrow' is not a time: give unix seconds (1792281600 or @1792281600) or a local time, YYYY-MM-DD HH:MM[:SS]"
run 2 remind preview daily --base "2026-02-30 08:00" && expect_in "$ERR" "--base: there is no 2026-02-30 08:00 in the local time zone"
# 02:30 on the last Sunday of March does not exist in Berlin: the clocks skip it.
run 2 remind preview daily --base "2026-03-29 02:30" && expect_in "$ERR" "--base: there is no 2026-03-29 02:30"

# ---- help -------------------------------------------------------------------------------
run 0 remind --help && expect_in "$OUT" "Sub-commands:" &&
  expect_line "$OUT" "  lumbarctl remind pause DURATION \[--id ID\]" &&
  expect_line "$OUT" " +pause the reminders, or one, for a while" &&
  expect_empty "$ERR"
run 0 help remind && expect_in "$OUT" "lumbarctl remind preview SCHEDULE [OPTION]..."
run 0 help remind add && expect_in "$OUT" "Usage: lumbarctl remind add NAME SCHEDULE [OPTION]..." &&
  expect_in "$OUT" "  lumbarctl remind add warmup \"Mon,Wed,Fri 17:30\" \\" &&
  expect_in "$OUT" "      --message \"Warm up before training: upper-glute massage, 1-2 min a side\"" &&
  expect_in "$OUT" "  lumbarctl remind add stand \"every 45m\" --from 09:00 --to 18:00" &&
  expect_in "$OUT" "  lumbarctl remind add tea \"in 10m\"" && expect_in "$OUT" "Exit status: 0 done"
for verb in list snooze "done" skip pause resume rm preview; do
  run 0 remind "$verb" --help && expect_in "$OUT" "Usage: lumbarctl remind $verb"
done
run 0 help remind preview && expect_in "$OUT" "  --base TIME " && expect_in "$OUT" "  -n, --count N "
run 0 --help && expect_in "$OUT" "  remind add NAME SCHEDULE [OPTION]..."

# ---- 3: no daemon ----------------------------------------------------------------------
run 3 remind list && expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK"
run 3 remind add tea "in 10m" && expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK"

# ---- the built-in routine (no config file) -------------------------------------------------
start_reminders_daemon

run 0 remind list --json &&
  expect_json "$OUT" '[(r["id"], r["name"], r["source"]) for r in v] == [(1, "warmup", "config"), (2, "abduction", "config")]'
cp "$OUT" "$W/builtin.json"
WARMUP_NEXT=$(json_get "$W/builtin.json" 'v[0]["next_at"]')
# lumbard and systemd agree on the warm-up's next elapse.
SYSTEMD_NEXT=$(systemd-analyze calendar 'Mon,Wed,Fri 17:30' | sed -n 's/^ *Next elapse: //p')
LAST_CMD="lumbarctl remind list --json (warmup's next_at)"
[ "$(local_time "$WARMUP_NEXT")" = "$SYSTEMD_NEXT" ] ||
  fail "$LAST_CMD: expected the next elapse systemd-analyze names, $SYSTEMD_NEXT; got $(local_time "$WARMUP_NEXT")"
run 0 remind list &&
  expect_line "$OUT" "ID  NAME       SCHEDULE           NEXT +STATE  SOURCE  MESSAGE" &&
  expect_line "$OUT" "1   warmup     Mon,Wed,Fri 17:30  $(short_at "$WARMUP_NEXT") \(in [0-9dhmins ]+\) +-      config  Warm up before training: deep massage of the upper glutes, .* 1-2 min per side\. .*" &&
  expect_line "$OUT" "2   abduction  Wed 18:30          $(short_at "$(json_get "$W/builtin.json" 'v[1]["next_at"]')") \(in [0-9dhmins ]+\) +-      config  Leg day, after calves: the hip abduction machine, 3 sets of 20-30 reps, .*" &&
  expect_not_in "$OUT" "$(printf '\033')"

# Refusals from the daemon: of a value typed (2), in the words typed; of the
# request (1), its message as it is.
run 2 remind add nap "Mon 25:00" &&
  expect_in "$ERR" "lumbarctl remind add: SCHEDULE: \"Mon 25:00\": hour 25 is out of range (0-23)" &&
  expect_empty "$OUT"
run 2 remind add nap "every 45m" --from 9am --to 18:00 &&
  expect_in "$ERR" "lumbarctl remind add: --from must be a time of day such as 09:00" &&
  expect_in "$ERR" "Usage: lumbarctl remind add NAME SCHEDULE [OPTION]..."
run 2 remind add nap "Mon 08:00" --from 09:00 --to 18:00 &&
  expect_in "$ERR" "lumbarctl remind add: --from and --to go with \"every …\" schedules"
run 1 remind add warmup daily &&
  expect_in "$ERR" "lumbarctl: reminders.add: conflict: a reminder named \"warmup\" exists already (id 1, from lumbard.conf)"
run 1 remind "done" 1 &&
  expect_in "$ERR" "lumbarctl: reminders.done: conflict: reminder 1 (warmup) is not due (next at " &&
  expect_in "$ERR" "): nothing to mark done"
run 1 remind snooze 2 &&
  expect_in "$ERR" "lumbarctl: reminders.snooze: conflict: reminder 2 (abduction) is not due"
for args in "done 99" "snooze 99 5m" "skip 99" "rm 99"; do
  # shellcheck disable=SC2086 # the words are the arguments
  run 1 remind $args && expect_in "$ERR" "not_found: no reminder 99; \`lumbarctl remind list\` shows the reminders"
done
run 1 remind pause 1h --id 99 && expect_in "$ERR" "lumbarctl: reminders.pause: not_found: no reminder 99"
run 1 remind resume --id 99 && expect_in "$ERR" "lumbarctl: reminders.resume: not_found: no reminder 99"
run 1 remind rm 1 &&
  expect_in "$ERR" "lumbarctl: reminders.remove: conflict: reminder 1 (warmup) comes from lumbard.conf ([reminders.warmup])"
run 2 remind pause 0 && expect_in "$ERR" "lumbarctl remind pause: DURATION must be between 1s and 30d, got 0s"
run 2 remind pause 31d && expect_in "$ERR" "DURATION must be between 1s and 30d, got 31d"
run 2 remind pause soon && expect_in "$ERR" "lumbarctl remind pause: DURATION: duration \"soon\""
run 2 remind snooze 2 soon && expect_in "$ERR" "lumbarctl remind snooze: DURATION: duration \"soon\""

# skip ahead of time: the warm-up's next elapse is skipped (a rest day).
ITER2=$(systemd-analyze calendar --iterations=2 'Mon,Wed,Fri 17:30' | sed -n 's/^ *Iter. #2: //p')
run 0 remind skip 1 --reason "rest day" &&
  expect_line "$OUT" "Reminder 1 \(warmup\) skipped $SYSTEMD_NEXT \(rest day\); next at $ITER2 \(in [0-9dhmins ]+\)"
run 0 remind skip 2 --json && expect_json "$OUT" \
  'v["id"] == 2 and v["skipped_at"] == '"$(json_get "$W/builtin.json" 'v[1]["next_at"]')"' and v["next_at"] > v["skipped_at"]'

# pause and resume, every reminder or one.
NOW=$(date +%s)
run 0 remind pause 2h &&
  expect_line "$OUT" "All reminders paused until ... 20..-..-.. ..:..:.. CES?T \(in 2h\); 'lumbarctl remind resume' ends it early"
UNTIL=$(sed -n 's/^All reminders paused until \(.*\) (in 2h).*/\1/p' "$OUT")
LAST_CMD="lumbarctl remind pause 2h"
case "$UNTIL" in
"$(local_time $((NOW + 7200)))" | "$(local_time $((NOW + 7201)))") ;;
*) fail "$LAST_CMD: expected 'paused until $(local_time $((NOW + 7200)))'; got '$UNTIL'" ;;
esac
run 0 remind list && expect_line "$OUT" "1   warmup .* paused until $CLOCK +config .*" &&
  expect_line "$OUT" "2   abduction .* paused until $CLOCK +config .*"
run 0 remind resume && expect_exactly "$OUT" "All reminders resumed"
run 0 remind list --json && expect_json "$OUT" 'all(r["paused_until"] == 0 for r in v)'
run 0 remind pause 90m --id 2 &&
  expect_line "$OUT" "Reminder 2 paused until .* \(in 1h 30min\); 'lumbarctl remind resume --id 2' ends it early"
run 0 remind list --json && expect_json "$OUT" 'v[0]["paused_until"] == 0 and v[1]["paused_until"] > 0'
run 0 remind pause 1h --id 1 --json && expect_json "$OUT" 'v["id"] == 1 and v["until"] > '"$NOW"
run 0 remind resume --id 2 && expect_exactly "$OUT" "Reminder 2 resumed"
run 0 remind resume --json && expect_json "$OUT" 'v == {"paused_until": 0}'

# ---- the issue's examples, as written, with a config of no reminders ------------------------
stop_daemon
rm -rf "$XDG_DATA_HOME/lumbard"
mkdir -p "$XDG_CONFIG_HOME/lumbard"
printf '[reminders]\nsnooze = 5min\n' >"$XDG_CONFIG_HOME/lumbard/lumbard.conf"
start_reminders_daemon

run 0 remind list && expect_exactly "$OUT" "No reminders."
run 0 remind list --json && expect_json "$OUT" 'v == []'

SEED_MESSAGE="Warm up before training: deep massage of the upper glutes, near the bone, with your thumbs or a massage gun, 1-2 min per side"
run 0 remind add warmup "Mon,Wed,Fri 17:30" --message "$SEED_MESSAGE" &&
  expect_line "$OUT" "Reminder 1 \(warmup\) added: next at $SYSTEMD_NEXT \(in [0-9dhmins ]+\)" && expect_empty "$ERR"
run 0 remind add stand "every 45m" --from 09:00 --to 18:00 &&
  expect_line "$OUT" "Reminder 2 \(stand\) added: next at ... 20..-..-.. ..:(00|45|30|15):00 CES?T \(in [0-9dhmins ]+\)"
NOW=$(date +%s)
run 0 remind add tea "in 10m" &&
  expect_line "$OUT" "Reminder 3 \(tea\) added: next at ... 20..-..-.. ..:..:.. CES?T \(in 10min\)"
run 0 remind add long "in 2h 5m" --json && cp "$OUT" "$W/long.json" &&
  expect_json "$OUT" 'v["id"] == 4 and v["name"] == "long" and v["message"] == "long" and v["source"] == "runtime" and
    '"$NOW"' + 7500 <= v["next_at"] <= '"$NOW"' + 7510'
run 0 remind list --json && cp "$OUT" "$W/list.json" && expect_json "$OUT" \
  '[r["name"] for r in v] == ["warmup", "stand", "tea", "long"] and v[0]["message"] == "'"$SEED_MESSAGE"'" and
   v[1]["from"] == "09:00" and v[1]["to"] == "18:00" and v[0]["from"] == v[0]["to"] == "" and v[0]["kind"] == "calendar"'
WARMUP_NEXT=$(json_get "$W/list.json" 'v[0]["next_at"]')
STAND_AT=$(short_at "$(json_get "$W/list.json" 'v[1]["next_at"]')")
TEA_NEXT=$(json_get "$W/list.json" 'v[2]["next_at"]')
LONG_NEXT=$(json_get "$W/list.json" 'v[3]["next_at"]')
TEA_AT=$(short_at "$TEA_NEXT")
LONG_AT=$(short_at "$LONG_NEXT")
run 0 remind list &&
  expect_line "$OUT" "ID  NAME    SCHEDULE +NEXT +STATE  SOURCE   MESSAGE" &&
  expect_line "$OUT" "1   warmup  Mon,Wed,Fri 17:30 +$(short_at "$WARMUP_NEXT") \(in [0-9dhmins ]+\) +-      runtime  $SEED_MESSAGE" &&
  expect_line "$OUT" "2   stand   every 45m, 09:00-18:00  $STAND_AT \(in [0-9dhmins ]+\) +-      runtime  stand" &&
  expect_line "$OUT" "3   tea     once, $(minute_at "$TEA_NEXT") +$TEA_AT \(in 10min\) +-      runtime  tea" &&
  expect_line "$OUT" "4   long    once, $(minute_at "$LONG_NEXT") +$LONG_AT \(in 2h 5min\) +-      runtime  long"

run 0 remind rm 4 && expect_exactly "$OUT" "Reminder 4 (long) removed"
run 0 remind rm 3 --json && expect_json "$OUT" 'v == {"id": 3, "name": "tea"}'
run 1 remind rm 3 && expect_in "$ERR" "lumbarctl: reminders.remove: not_found: no reminder 3"
run 1 remind add stand daily && expect_in "$ERR" "conflict: a reminder named \"stand\" exists already (id 2)"

finish
