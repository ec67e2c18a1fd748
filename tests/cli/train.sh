#!/bin/sh
# The train verbs against the real train and rest plugins: set (the issue's
# examples as written; weights in kg and lb, with a suffix, bare in the
# config's unit or --unit's, the suffix winning; the last set's numbers
# repeated; its rest started and the one before ended; a new exercise
# noted), every refusal with its exit status and the words typed, --json;
# history, sessions and exercises as tables (sets logged at fixed times of
# 2020 with --at, read in Berlin time), amend and rm; and the log shown in
# pounds after the config says so.
. "$(dirname "$0")/lib.sh"

export TZ=Europe/Berlin
W="$WORLD/out"
# A rest's end: "17:42:10", or "Wed 00:01:10" past midnight.
CLOCK='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
# A set's time in a table: "17:42", "Wed 00:01".
WHEN='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]'
REST="Rest 1min 30s, ends at $CLOCK"

json_get() {
  "$PY" -c 'import json, sys; v = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# count_sets: how many sets the log holds.
count_sets() {
  "$LUMBARCTL" --json train history -n 100000 >"$W/count.json" && json_get "$W/count.json" 'len(v)'
}

# rests: how many rests are under way.
rests() {
  "$LUMBARCTL" --json rest list >"$W/rests.json" && json_get "$W/rests.json" 'len(v)'
}

write_config() {
  mkdir -p "$XDG_CONFIG_HOME/lumbard"
  cat >"$XDG_CONFIG_HOME/lumbard/lumbard.conf" <<EOF_CONF
[train]
unit = $1

[train.exercise.abduction]
label = abduction
sets = 3
reps = 20-30
weight = light to moderate weight
rest = 90s
until = 2min
preset = abduction
target = 1

[train.exercise.calf-raise]
label = calf raise
sets = 3
reps = 12-15
rest = 60s

# The warm-up, in two seconds: a session after it is warmed up.
[rest.preset.warmup]
label = warm-up
step1 = 1s | Left side
step2 = 1s | Right side
done = Warm-up done

[pain]
checkin = off
checkin_after_routine = no
EOF_CONF
}

# ---- usage errors (2), told before any connection is tried ---------------------------------
run 2 set && expect_in "$ERR" "lumbarctl set: missing argument" &&
  expect_in "$ERR" "Usage: lumbarctl set EXERCISE [REPS [WEIGHT]] [OPTION]..."
run 2 set abduction abc &&
  expect_exactly "$ERR" 'lumbarctl set: REPS "abc" is not a number: the repetitions done, 0 to 1000
Usage: lumbarctl set EXERCISE [REPS [WEIGHT]] [OPTION]...
Try '"'lumbarctl help set'"'.' && expect_empty "$OUT"
run 2 set abduction 25.5 && expect_in "$ERR" 'REPS "25.5" is not a number'
run 2 set abduction 25 40kgs &&
  expect_in "$ERR" 'lumbarctl set: WEIGHT "40kgs" is not a weight: a number, with kg or lb after it or not (40, 40kg, 90lb, 92.5)'
run 2 set abduction 25 -5 && expect_in "$ERR" 'WEIGHT "-5" is not a weight'
run 2 set abduction 25 forty && expect_in "$ERR" 'WEIGHT "forty" is not a weight'
run 2 set abduction 25 40 stone && expect_in "$ERR" 'WEIGHT "40 stone" is not a weight'
run 2 set abduction 25 40kg lb && expect_in "$ERR" 'WEIGHT "40kg lb" is not a weight'
run 2 set abduction 25 40 kg extra && expect_in "$ERR" "lumbarctl set: unexpected argument 'extra'"
run 2 set "leg press" 25 &&
  expect_in "$ERR" "lumbarctl set: EXERCISE \"leg press\" is not an exercise's name: lower-case letters, digits, - and _ (abduction, split-squat); 'lumbarctl train exercises' lists them"
run 2 set abduction 25 40 --unit stone && expect_in "$ERR" 'lumbarctl set: --unit takes kg or lb, not "stone"'
run 2 set abduction 25 --unit lb &&
  expect_in "$ERR" "lumbarctl set: --unit goes with a WEIGHT typed without its unit (40 --unit lb)"
run 2 set abduction 25 40kg --rir lots &&
  expect_in "$ERR" 'lumbarctl set: --rir "lots" is not a number: the reps in reserve, 0 to 10'
run 2 set abduction 25 40kg --at tomorrow && expect_in "$ERR" "lumbarctl set: --at: 'tomorrow' is not a time"
run 2 set abduction 25 40kg --wait --no-rest &&
  expect_in "$ERR" "lumbarctl set: --wait follows the rest the set starts; --no-rest starts none"
run 2 set abduction 25 40kg --wait --at "1h ago" && expect_in "$ERR" "--at starts none"
run 2 set abduction 25 40kg --bogus && expect_in "$ERR" "lumbarctl set: unknown flag '--bogus'"
run 2 set abduction 25 40kg --rir && expect_in "$ERR" "lumbarctl set: --rir needs a NUMBER of reps in reserve"
run 2 train && expect_in "$ERR" "lumbarctl train: needs a sub-command" &&
  expect_in "$ERR" "lumbarctl train history [EXERCISE] [--since TIME] [--until TIME] [-n N]"
run 2 train histroy && expect_in "$ERR" "did you mean 'train history'?"
run 2 train history abduction extra && expect_in "$ERR" "lumbarctl train history: unexpected argument 'extra'"
run 2 train history -n 0 &&
  expect_in "$ERR" 'lumbarctl train history: -n takes a whole number of sets, 1 or more, not "0"'
run 2 train history --since soon && expect_in "$ERR" "lumbarctl train history: --since: 'soon' is not a time"
run 2 train history Bad.Name && expect_in "$ERR" 'EXERCISE "Bad.Name" is not an exercise'"'"'s name'
run 2 train sessions --days many && expect_in "$ERR" "lumbarctl train sessions: --days takes a whole number, not 'many'"
run 2 train exercises abduction && expect_in "$ERR" "lumbarctl train exercises: unexpected argument 'abduction'"
run 2 train amend && expect_in "$ERR" "lumbarctl train amend: missing argument"
run 2 train amend x --reps 3 &&
  expect_in "$ERR" "lumbarctl train amend: ID is a set's number, as 'lumbarctl train history' shows, not \"x\""
run 2 train amend 1 &&
  expect_in "$ERR" "lumbarctl train amend: nothing to change: give --reps, --weight, --rir, --note, --exercise or --at"
run 2 train amend 1 --reps many && expect_in "$ERR" 'lumbarctl train amend: --reps "many" is not a number'
run 2 train amend 1 --weight 40kgs && expect_in "$ERR" 'lumbarctl train amend: --weight "40kgs" is not a weight'
run 2 train amend 1 --unit lb && expect_in "$ERR" "lumbarctl train amend: --unit goes with --weight"
run 2 train amend 1 --exercise "Leg Press" && expect_in "$ERR" '--exercise "Leg Press" is not an exercise'"'"'s name'
run 2 train rm && expect_in "$ERR" "lumbarctl train rm: missing argument"
run 2 train rm 1 2 && expect_in "$ERR" "lumbarctl train rm: unexpected argument '2'"
expect_empty "$OUT"

# ---- help ---------------------------------------------------------------------------------------
run 0 help set && expect_in "$OUT" "Usage: lumbarctl set EXERCISE [REPS [WEIGHT]] [OPTION]..." &&
  expect_in "$OUT" "  lumbarctl set abduction 25 40kg --wait" && expect_in "$OUT" "  --no-rest "
run 0 train --help && expect_in "$OUT" "Sub-commands:" &&
  expect_line "$OUT" "  lumbarctl train amend ID \[OPTION\]\.\.\." &&
  expect_line "$OUT" " +correct a set of the training log" &&
  expect_line "$OUT" "  lumbarctl train rm ID +remove a set from the training log"
for verb in history sessions exercises amend rm; do
  run 0 train "$verb" --help && expect_in "$OUT" "Usage: lumbarctl train $verb"
done
run 0 --help && expect_in "$OUT" "  set EXERCISE [REPS [WEIGHT]] [OPTION]..." &&
  expect_in "$OUT" "  train sessions [--days N]"

# ---- 3: no daemon ---------------------------------------------------------------------------------
run 3 set abduction 25 40kg && expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK"
run 3 set abduction && expect_in "$ERR" "lumbarctl: cannot reach lumbard at $SOCK"
run 3 train history && expect_in "$ERR" "cannot reach lumbard"
run 3 train amend 1 --reps 3 && expect_in "$ERR" "cannot reach lumbard"

write_config kg
start_train_daemon

# ---- nothing to repeat yet; nothing logged ---------------------------------------------------------
run 2 set abduction &&
  expect_exactly "$ERR" "lumbarctl set: no set of abduction is logged yet to repeat: give its numbers, as in 'lumbarctl set abduction 25 40kg' (REPS, then WEIGHT if any)
Usage: lumbarctl set EXERCISE [REPS [WEIGHT]] [OPTION]...
Try 'lumbarctl help set'."
run 0 train history && expect_exactly "$OUT" "No sets yet: 'lumbarctl set EXERCISE REPS [WEIGHT]' logs one."
run 0 train history abduction &&
  expect_exactly "$OUT" "No sets of abduction yet: 'lumbarctl set abduction REPS [WEIGHT]' logs one."
run 0 train sessions && expect_exactly "$OUT" "No training sessions in the last 30 days."

# The warm-up, run to its end: the session that follows is warmed up.
run 0 rest preset warmup --wait && expect_in "$OUT" "Warm-up done"

# ---- set: the issue's examples, each weight form, the rest ------------------------------------------
NOW=$(date +%s)
run 0 set abduction 25 40kg &&
  expect_line "$OUT" "Set 1 of abduction: 25 reps at 40 kg \(session 1\)\. $REST" && expect_empty "$ERR"
[ "$(wc -l <"$OUT")" = 1 ] || fail "set abduction 25 40kg: expected one line; got: $(cat "$OUT")"
run 0 --json train history -n 1 && expect_json "$OUT" \
  'len(v) == 1 and v[0]["exercise"] == "abduction" and v[0]["reps"] == 25 and v[0]["weight_kg"] == 40 and
   v[0]["rir"] == -1 and v[0]["source"] == "log" and abs(v[0]["at"] - '"$NOW"') <= 5'
run 0 --json rest list && expect_json "$OUT" \
  'len(v) == 1 and v[0]["label"] == "abduction" and v[0]["seconds"] == 90 and v[0]["state"] == "running"'
FIRST_REST=$(json_get "$OUT" 'v[0]["id"]')
# Nothing but the exercise: the last set's numbers; its rest ends the one before.
run 0 set abduction && expect_line "$OUT" "Set 2 of abduction: 25 reps at 40 kg \(session 1\)\. $REST"
run 0 --json rest list && expect_json "$OUT" 'len(v) == 1 and v[0]["id"] != '"$FIRST_REST"
# REPS alone: the last set's weight.
run 0 set abduction 22 && expect_line "$OUT" "Set 3 of abduction: 22 reps at 40 kg \(session 1\)\. $REST"
# Pounds, converted to kg as stored and shown in the config's unit (kg).
run 0 set abduction 20 90lb && expect_line "$OUT" "Set 4 of abduction: 20 reps at 40\.82 kg .*"
run 0 --json train history -n 1 && expect_json "$OUT" 'abs(v[0]["weight_kg"] - 90 * 0.45359237) < 1e-6'
run 0 set abduction 20 90LBS && expect_line "$OUT" "Set 5 of abduction: 20 reps at 40\.82 kg .*"
# A bare number: the config's unit (kg), or --unit's; a suffix wins over --unit.
run 0 set abduction 20 92.5 && expect_line "$OUT" "Set 6 of abduction: 20 reps at 92\.5 kg .*"
run 0 set abduction 20 92.5 --unit lb && expect_line "$OUT" "Set 7 of abduction: 20 reps at 41\.96 kg .*"
run 0 set abduction 20 40kg --unit lb && expect_line "$OUT" "Set 8 of abduction: 20 reps at 40 kg .*"
run 0 set abduction 20 40 kg && expect_line "$OUT" "Set 9 of abduction: 20 reps at 40 kg .*"
# Weight 0: none.
run 0 set abduction 20 0 && expect_line "$OUT" "Set 10 of abduction: 20 reps \(session 1\)\. $REST"
# The issue's second example: an exercise the config does not name, with the
# rest plugin's default rest, and a note that it is new.
run 0 set deadlift 5 100kg --rir 2 &&
  expect_line "$OUT" "Set 1 of deadlift: 5 reps at 100 kg, RIR 2 \(session 1\)\. $REST" &&
  expect_exactly "$ERR" "lumbarctl set: deadlift is a new exercise: no set of it was logged before, and the config names abduction, calf-raise"
run 0 set deadlift 5 100kg && expect_empty "$ERR"
# Upper case is lower case; --no-rest starts none (and ends none).
BEFORE_RESTS=$(rests)
run 0 set Calf-Raise 15 60kg --no-rest --note "slow down" &&
  expect_exactly "$OUT" "Set 1 of calf-raise: 15 reps at 60 kg (session 1)."
[ "$(rests)" = "$BEFORE_RESTS" ] || fail "set --no-rest: expected $BEFORE_RESTS rests still, got $(rests)"
run 0 set calf-raise 15 && expect_line "$OUT" "Set 2 of calf-raise: 15 reps at 60 kg \(session 1\)\. Rest 1min, ends at $CLOCK"
# --json: the answer, whole.
run 0 --json set abduction 25 40kg --rir 1.5 --note "left side weaker" && expect_json "$OUT" '
  sorted(v) == sorted(["id", "at", "exercise", "set", "reps", "weight_kg", "weight", "unit", "rir",
                       "note", "session", "warmup", "source", "rest_id"]) and
  v["exercise"] == "abduction" and v["set"] == 11 and v["reps"] == 25 and v["weight_kg"] == 40 and
  v["unit"] == "kg" and v["rir"] == 1.5 and v["note"] == "left side weaker" and v["rest_id"] > 0' &&
  expect_empty "$ERR"
# 11 of abduction, 2 of deadlift, 2 of calf-raise
NOW_SETS=15
LAST_CMD="the sets logged now"
[ "$(count_sets)" = "$NOW_SETS" ] || fail "$LAST_CMD: expected $NOW_SETS sets, got $(count_sets)"

# ---- refusals of lumbard, said in the words typed (2); nothing logged ---------------------------------
run 2 set abduction 1001 &&
  expect_in "$ERR" "lumbarctl set: REPS must be between 0 and 1000, got 1001" && expect_not_in "$ERR" "'reps'"
run 2 set abduction 25 3000 && expect_in "$ERR" "lumbarctl set: WEIGHT must be from 0 to 1000 kg, not 3000"
run 2 set abduction 25 5000lb && expect_in "$ERR" "lumbarctl set: WEIGHT must be from 0 to 2204 lb, not 5000"
run 2 set abduction 25 40kg --rir 11 &&
  expect_in "$ERR" "lumbarctl set: --rir (reps in reserve) must be from 0 to 10, not 11"
run 2 set abduction 25 40kg --at "$((NOW + 3600))" &&
  expect_in "$ERR" "lumbarctl set: --at is in the future; log now, or an earlier time"
run 2 set abduction 25 40kg --note "$("$PY" -c 'print("x" * 1001)')" &&
  expect_in "$ERR" "lumbarctl set: --note is 1001 bytes long; at most 1000"
LAST_CMD="the refused set calls"
[ "$(count_sets)" = "$NOW_SETS" ] || fail "$LAST_CMD: expected $NOW_SETS sets still, got $(count_sets)"

# ---- sets done before (--at), at fixed times: the tables ------------------------------------------------
# The session of the sets above is open (its last set is under two hours
# old), so these go to the sessions of their own times.
at_set() {
  "$LUMBARCTL" --json set "$@" >"$W/at.json" || fail "lumbarctl set $*: failed"
  json_get "$W/at.json" 'v["id"]'
}
A1=$(at_set abduction 25 40kg --at "2020-01-06 18:00")
A2=$(at_set abduction 25 40kg --at "2020-01-06 18:05")
A3=$(at_set abduction 24 40kg --rir 1.5 --at "2020-01-06 18:10")
D1=$(at_set deadlift 5 100kg --rir 2 --note "no belt" --at "2020-01-06 18:20")
B1=$(at_set abduction 20 42.5 --at "2020-01-08 18:00")
run 0 --json rest list && expect_json "$OUT" 'len(v) == '"$(rests)"
run 0 train history --until "2020-12-31" && expect_exactly "$OUT" "ID  WHEN                  EXERCISE   SET  REPS  WEIGHT   RIR  NOTE
$B1  Wed 2020-01-08 18:00  abduction  1    20    42.5 kg  -
$D1  Mon 2020-01-06 18:20  deadlift   1    5     100 kg   2    no belt
$A3  Mon 2020-01-06 18:10  abduction  3    24    40 kg    1.5
$A2  Mon 2020-01-06 18:05  abduction  2    25    40 kg    -
$A1  Mon 2020-01-06 18:00  abduction  1    25    40 kg    -"
run 0 train history abduction --since "2020-01-06 18:05" --until "2020-01-06 23:00" &&
  expect_exactly "$OUT" "ID  WHEN                  EXERCISE   SET  REPS  WEIGHT  RIR  NOTE
$A3  Mon 2020-01-06 18:10  abduction  3    24    40 kg   1.5
$A2  Mon 2020-01-06 18:05  abduction  2    25    40 kg   -"
run 0 train history deadlift -n 1 && expect_line "$OUT" "[0-9]+ +$WHEN +deadlift +2 +5 +100 kg +- *"
run 0 train history --since 2000-01-01 --until 2000-01-02 && expect_exactly "$OUT" "No sets in that time."
# The sets of now, newest first, before those of 2020; --limit.
run 0 train history -n 3 && [ "$(wc -l <"$OUT")" = 4 ] ||
  fail "train history -n 3: expected a header and 3 rows; got: $(cat "$OUT")"
expect_line "$OUT" "[0-9]+ +$WHEN +abduction +11 +25 +40 kg +1\.5 +left side weaker"
run 0 --json train history --limit 100000 && expect_json "$OUT" 'len(v) == '"$((NOW_SETS + 5))"' and
  [s["id"] for s in v[-5:]] == ['"$B1, $D1, $A3, $A2, $A1"']'

# Sessions: the one of now (warmed up: the warm-up ran just before), then
# those of 2020 with --days.
run 0 train sessions && expect_line "$OUT" "ID  DATE            TIME         SETS  WARMED UP  EXERCISES" &&
  expect_line "$OUT" "1   [A-Z][a-z][a-z] [0-9-]{10}  [0-2][0-9]:[0-5][0-9]–[0-2][0-9]:[0-5][0-9]  $NOW_SETS +yes +abduction, calf-raise, deadlift"
[ "$(wc -l <"$OUT")" = 2 ] || fail "train sessions: expected one session in 30 days; got: $(cat "$OUT")"
run 0 train sessions --days 36500 && expect_block "$OUT" "3   Wed 2020-01-08  18:00–18:00  1     no         abduction
2   Mon 2020-01-06  18:00–18:20  4     no         abduction, deadlift"
run 0 --json train sessions --days 36500 && expect_json "$OUT" '
  [(s["id"], s["sets"], s["warmed_up"], s["exercises"]) for s in v] ==
  [(1, '"$NOW_SETS"', True, ["abduction", "calf-raise", "deadlift"]), (3, 1, False, ["abduction"]),
   (2, 4, False, ["abduction", "deadlift"])]'
run 2 train sessions --days 0 && expect_in "$ERR" "lumbarctl train sessions: --days must be between 1 and 36500"

# Exercises: the config's, then those only logged.
run 0 train exercises &&
  expect_line "$OUT" "NAME +LABEL +PROGRAMME +REST +TARGET +LOGGED +LAST +WEIGHT" &&
  expect_line "$OUT" "abduction +abduction +3 × 20-30 +1min 30s–2min +1/week +15 +$WHEN +light to moderate weight" &&
  expect_line "$OUT" "calf-raise +calf raise +3 × 12-15 +1min +- +2 +$WHEN +-" &&
  expect_line "$OUT" "deadlift +deadlift +- +- +- +3 +$WHEN +-"
[ "$(wc -l <"$OUT")" = 4 ] || fail "train exercises: expected a header and 3 rows; got: $(cat "$OUT")"
run 0 --json train exercises && expect_json "$OUT" '
  [(x["name"], x["configured"], x["logged"]) for x in v] ==
  [("abduction", True, 15), ("calf-raise", True, 2), ("deadlift", False, 3)]'

# ---- amend, rm -------------------------------------------------------------------------------------
run 0 train amend "$A2" --reps 24 --weight 45kg --rir 1 --note "felt good" &&
  expect_exactly "$OUT" "Changed set $A2: set 2 of abduction, 24 reps at 45 kg, RIR 1, at Mon 2020-01-06 18:05 (session 2).
  note: felt good" && expect_empty "$ERR"
# "" clears the weight, the RIR and the note.
run 0 train amend "$A2" --weight "" --rir "" --note "" &&
  expect_exactly "$OUT" "Changed set $A2: set 2 of abduction, 24 reps, at Mon 2020-01-06 18:05 (session 2)."
run 0 train amend "$A2" --weight 100 --unit lb &&
  expect_exactly "$OUT" "Changed set $A2: set 2 of abduction, 24 reps at 45.36 kg, at Mon 2020-01-06 18:05 (session 2)."
# Another exercise, another time: the set is counted there.
run 0 train amend "$A2" --exercise Calf-Raise --at "2020-01-06 18:30" &&
  expect_exactly "$OUT" "Changed set $A2: set 1 of calf-raise, 24 reps at 45.36 kg, at Mon 2020-01-06 18:30 (session 2)."
run 0 --json train amend "$A2" --reps 12 && expect_json "$OUT" '
  v["id"] == '"$A2"' and v["exercise"] == "calf-raise" and v["reps"] == 12 and
  abs(v["weight_kg"] - 100 * 0.45359237) < 1e-6 and "rest_id" not in v'
run 0 train history --until "2020-01-06 23:00" -n 2 && expect_exactly "$OUT" "ID  WHEN                  EXERCISE    SET  REPS  WEIGHT    RIR  NOTE
$A2  Mon 2020-01-06 18:30  calf-raise  1    12    45.36 kg  -
$D1  Mon 2020-01-06 18:20  deadlift    1    5     100 kg    2    no belt"
# Refused by lumbard: 2 for a value typed, 1 for a set that is not there.
run 2 train amend "$A2" --rir 12 && expect_in "$ERR" "lumbarctl train amend: --rir (reps in reserve) must be from 0 to 10, not 12"
run 2 train amend "$A2" --weight 2000 && expect_in "$ERR" "lumbarctl train amend: --weight must be from 0 to 1000 kg, not 2000"
run 1 train amend 9999 --reps 3 &&
  expect_exactly "$ERR" "lumbarctl: train.amend: not_found: no set 9999 in the log; \`lumbarctl train history\` shows the sets and their ids"
# rm: gone, with the session it was alone in.
run 0 train rm "$B1" && expect_exactly "$OUT" "Removed set $B1."
run 0 --json train sessions --days 36500 && expect_json "$OUT" '[s["id"] for s in v] == [1, 2]'
run 0 --json train rm "$D1" && expect_json "$OUT" 'v == {"id": '"$D1"'}'
run 1 train rm "$D1" && expect_in "$ERR" "lumbarctl: train.remove: not_found: no set $D1 in the log"
run 0 --json train history --until "2020-12-31" && expect_json "$OUT" '[s["id"] for s in v] == ['"$A2, $A3, $A1"']'

# ---- the config in pounds: every weight shown in lb, a bare number read in lb -----------------------
stop_daemon
write_config lb
start_train_daemon
run 0 train history --until "2020-12-31" -n 1 && expect_line "$OUT" "$A2 +Mon 2020-01-06 18:30 +calf-raise +1 +12 +100 lb +- *"
run 0 set calf-raise 15 100 && expect_line "$OUT" "Set [0-9]+ of calf-raise: 15 reps at 100 lb \(session 1\)\. Rest 1min, ends at $CLOCK"
run 0 --json train history -n 1 && expect_json "$OUT" 'abs(v[0]["weight_kg"] - 45.359237) < 1e-6 and v[0]["unit"] == "lb"'
run 0 set calf-raise 15 40 --unit kg && expect_line "$OUT" "Set [0-9]+ of calf-raise: 15 reps at 88\.18 lb .*"
run 0 set calf-raise 15 && expect_line "$OUT" "Set [0-9]+ of calf-raise: 15 reps at 88\.18 lb .*"
run 0 --json train history -n 1 && expect_json "$OUT" 'v[0]["weight_kg"] == 40'

# ---- no train plugin: the daemon says so (1) ----------------------------------------------------------
stop_daemon
mkdir -p "$WORLD/rest-only"
cp "$PLUGIN_DIR/rest.so" "$WORLD/rest-only/rest.so"
start_daemon --plugin-dir "$WORLD/rest-only"
run 1 set abduction 25 40kg && expect_in "$ERR" "no method \"train.exercises\""
run 1 train history && expect_in "$ERR" "no method \"train.history\""

finish
