#!/bin/sh
# The training log in a real terminal (tmux): `set ... --wait` follows the
# rest the set started with the countdown bar, then says how to log the next
# set (or, left with Ctrl-C, how to follow the rest again); `rest preset abduction --wait` with the numbers of each set typed
# before its Enter ("25 40kg"), which amend the sets the train plugin logs
# (checked in `train history --json`), a typo refused with the set still
# under way, an Enter alone that keeps the last set's numbers; numbers typed
# for a routine no exercise counts, and with no train plugin, ignored with a
# line that says so.
. "$(dirname "$0")/lib.sh"

need_tmux

export TZ=Europe/Berlin
CLOCK='([A-Z][a-z][a-z] )?[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
W="$WORLD/out"
BAR='\[[█░]{30}\]'

json_get() {
  "$PY" -c 'import json, sys; v = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# pane NAME ARGS: lumbarctl ARGS in a new 100x24 terminal.
pane() {
  tty_run "$1" 100 24 - "$2"
}

mkdir -p "$XDG_CONFIG_HOME/lumbard"
cat >"$XDG_CONFIG_HOME/lumbard/lumbard.conf" <<'EOF_CONF'
# Rests of seconds, for a test that waits for them.
[train.exercise.abduction]
label = abduction
sets = 3
reps = 20-30
rest = 2s
until = 4s
preset = abduction

[train.exercise.hold]
rest = 30s

[rest.preset.abduction]
label = abduction
sets = 3
reps = 20-30
weight = light
rest = 1s
until = 30s

[rest.preset.short]
label = short
sets = 2
rest = 1s
until = 30s

[pain]
checkin = off
checkin_after_routine = no
EOF_CONF
start_train_daemon

# ---- set --wait: the set, the bar of its rest, then how to log the next -------------------------------
pane set "set abduction 25 40kg --wait"
wait_pane set " left"
capture set
LAST_CMD="lumbarctl set abduction 25 40kg --wait (in tmux)"
if ! grep -qE "^abduction  $BAR  0:0[0-2] left  set 1 of 3$" "$W/set"; then
  fail "$LAST_CMD: expected the bar 'abduction  [█…░]  0:0N left  set 1 of 3'; the pane showed:"
  show_pane set
fi
wait_pane set "[exit 0]"
expect_pane set "Set 1 of abduction: 25 reps at 40 kg \(session 1\)\. Rest 2s, ends at $CLOCK" \
  "Rest over: set 2 of 3
Next: 'lumbarctl set abduction' when set 2 is done: the same numbers, or give its own.
[exit 0]"

# ---- rest preset abduction --wait: the numbers typed amend the sets logged ------------------------------
pane routine "rest preset abduction --wait"
wait_pane routine "Set 1 of 3: go (20-30 reps, light) — Enter when done"
tm send-keys -t routine "25 40kg" Enter
wait_pane routine "Press Enter when set 2 starts:"
tm send-keys -t routine Enter
wait_pane routine "Set 2 of 3: go (20-30 reps, light) — Enter when done"
# A typo: said, and the set goes on until an Enter that reads.
tm send-keys -t routine "2O" Enter
wait_pane routine "type the reps and the weight (25 40kg), or only Enter"
tm send-keys -t routine Enter
wait_pane routine "Press Enter when set 3 starts:"
tm send-keys -t routine Enter
wait_pane routine "Set 3 of 3: go (20-30 reps, light) — Enter when done"
tm send-keys -t routine "22 90 lb" Enter
wait_pane routine "[exit 0]"
ROUTINE=$(sed -n 's/^Routine \([0-9]*\) started.*/\1/p' "$W/routine")
GO='(20-30 reps, light) — Enter when done'
expect_pane routine "Routine $ROUTINE started \(abduction\): set 1 of 3 under way" \
  "Set 1 of 3: go $GO 25 40kg
Set 1 of 3 done: rest 1s
Logged set 2 of abduction: 25 reps at 40 kg.
Rest over: set 2 of 3 (20-30 reps, light)
Press Enter when set 2 starts:
Set 2 of 3: go $GO 2O
\"2O\" is not a number of reps: type the reps and the weight (25 40kg), or only Enter
Set 2 of 3: go $GO
Set 2 of 3 done: rest 1s
Logged set 3 of abduction: 25 reps at 40 kg.
(Type the reps and weight before the Enter that ends a set to log them: 25 40kg.)
Rest over: set 3 of 3 (20-30 reps, light)
Press Enter when set 3 starts:
Set 3 of 3: go $GO 22 90 lb
Routine done: 3 sets (abduction).
Logged set 4 of abduction: 22 reps at 40.82 kg.
[exit 0]"
# The log has them so: the routine's sets, with what was typed.
run 0 --json train history abduction && expect_json "$OUT" '
  [(s["set"], s["reps"], round(s["weight_kg"], 4), s["source"]) for s in v] ==
  [(4, 22, 40.8233, "rest"), (3, 25, 40.0, "rest"), (2, 25, 40.0, "rest"), (1, 25, 40.0, "log")]'

# ---- set --wait left with Ctrl-C: the rest goes on ----------------------------------------------------
pane hold "set hold 3 --wait"
wait_pane hold " left"
tm send-keys -t hold C-c
wait_pane hold "[exit 0]"
HOLD=$("$LUMBARCTL" --json rest list | "$PY" -c 'import json, sys; print([r["id"] for r in json.load(sys.stdin) if r["label"] == "hold"][0])')
expect_pane hold "Set 1 of hold: 3 reps \(session 1\)\. Rest 30s, ends at $CLOCK" "$(sed -n 2p "$W/hold")
The rest goes on in lumbard (id $HOLD): 'lumbarctl rest watch $HOLD' follows it again,
'lumbarctl rest cancel $HOLD' stops it.
[exit 0]"
grep -qE "^hold  $BAR  0:[23][0-9] left(\^C)?$" "$W/hold" ||
  fail "Ctrl-C: expected the bar kept on its line ('hold  [█…░]  0:2N left'); the pane showed: $(cat "$W/hold")"

# ---- numbers typed that no set takes: a routine no exercise counts -----------------------------------
pane short "rest preset short --wait"
wait_pane short "Set 1 of 2: go — Enter when done"
tm send-keys -t short "25 40kg" Enter
wait_pane short "the numbers typed are not logged.)"
tm send-keys -t short C-c
wait_pane short "[exit 0]"
expect_in "$W/short" "(No exercise of the train plugin counts the sets of this routine: the numbers typed are not logged.)"
run 0 --json train history abduction && expect_json "$OUT" 'len(v) == 4'

# ---- no train plugin: the numbers typed are ignored, with a line ---------------------------------------
stop_daemon
mkdir -p "$WORLD/rest-only"
cp "$PLUGIN_DIR/rest.so" "$WORLD/rest-only/rest.so"
start_daemon --plugin-dir "$WORLD/rest-only"
pane bare "rest preset abduction --wait"
wait_pane bare "Set 1 of 3: go (20-30 reps, light) — Enter when done"
tm send-keys -t bare "25 40kg" Enter
wait_pane bare "Press Enter when set 2 starts:"
tm send-keys -t bare C-d
wait_pane bare "[exit 0]"
BARE=$(sed -n 's/^Routine \([0-9]*\) started.*/\1/p' "$W/bare")
expect_pane bare "Routine $BARE started \(abduction\): set 1 of 3 under way" \
  "Set 1 of 3: go $GO 25 40kg
(The train plugin is not loaded: the numbers typed are not logged.)
Set 1 of 3 done: rest 1s
Rest over: set 2 of 3 (20-30 reps, light)
Press Enter when set 2 starts:
The routine goes on in lumbard (id $BARE): 'lumbarctl rest watch $BARE' follows it again,
'lumbarctl rest next $BARE' moves it on, 'lumbarctl rest cancel $BARE' stops it.
[exit 0]"

finish
