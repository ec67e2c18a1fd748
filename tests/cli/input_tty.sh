#!/bin/sh
# Input errors as a person sees them, in a real terminal (tmux): a refused
# value is named as it was typed (the flag, or the positional's name in the
# usage), never by the daemon's name for it, also when it is the daemon that
# refuses it, and exits 2; a misspelt command gets "did you mean"; the help
# and the tables of commands fit 80 columns (the panes are 120 wide, so that
# a longer line would show whole).
. "$(dirname "$0")/lib.sh"

need_tmux

W="$WORLD/out"

start_pain_daemon
FUTURE=$(($(date +%s) + 2 * 86400))

# pane NAME ARGS: lumbarctl ARGS (shell words) in a 120x80 terminal.
pane() {
  tty_run "$1" 120 80 - "$2"
}

pane level "pain log 11"
pane where "pain log 3 --where knee"
pane short "pain edit 1 -w moon"
pane at "pain log 3 --at $FUTURE"
pane symptom "pain log 3 --symptom hiccups"
pane days "pain stats --days 0"
pane lgo "pain lgo"
pane pian "pian"
pane pianlog "pian log 3"
pane strat "rest strat 90"
pane helplgo "help pain lgo"
pane help "--help"
pane export "help pain export"
pane place "pain log 3 --where 'Lower back, LEFT'"
# An 80-column terminal: an error longer than a line wraps between words; a
# list's long message is cut ("…") rather than wrapped into the next row.
tty_run narrow 80 24 - "rest start abc"
"$LUMBARCTL" rest preset abduction >/dev/null 2>&1 || fail "lumbarctl rest preset abduction failed"
tty_run list 80 24 - "rest list"
for p in narrow list level where short at symptom days lgo pian pianlog strat helplgo help export; do
  wait_pane "$p" "[exit "
done
wait_pane place "[exit 0]"

# expect_screen NAME STATUS TEXT...: pane NAME ended with STATUS and shows each TEXT.
expect_screen() {
  name=$1 status=$2
  shift 2
  capture "$name" -J
  LAST_CMD="lumbarctl (in tmux, pane $name)"
  grep -qF "[exit $status]" "$W/$name" || {
    fail "$LAST_CMD: expected [exit $status]; the pane shows:"
    show_pane "$name"
  }
  for text in "$@"; do
    grep -qF -- "$text" "$W/$name" || {
      fail "$LAST_CMD: expected the screen to show '$text'; it shows:"
      show_pane "$name"
    }
  done
}

# expect_not_on_screen NAME TEXT: the last capture of pane NAME does not show TEXT.
expect_not_on_screen() {
  if grep -qF -- "$2" "$W/$1"; then
    fail "lumbarctl (in tmux, pane $1): expected the screen not to show '$2'; it shows:"
    show_pane "$1"
  fi
}

# expect_80 NAME: no line of pane NAME (joined where tmux wrapped it) is
# wider than 80 columns.
expect_80() {
  capture "$1" -J
  if ! "$PY" -c '
import sys
wide = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if len(l) > 80]
for l in wide:
    print("    %d columns: %s" % (len(l), l))
sys.exit(1 if wide else 0)' "$W/$1" >"$W/$1.wide"; then
    fail "lumbarctl (in tmux, pane $1): expected every line within 80 columns; these are wider:"
    cat "$W/$1.wide"
  fi
}

# ---- values refused, by lumbarctl or by lumbard: the name typed, exit 2 -------------------
expect_screen level 2 "lumbarctl pain log: LEVEL is a whole number from 0 (no pain) to 10" \
  "not '11'" "Usage: lumbarctl pain log LEVEL [OPTION]..."
expect_not_on_screen level "parameter 'level'"
expect_screen where 2 "lumbarctl pain log: --where takes one of lower-back," "not 'knee'"
expect_not_on_screen where "location"
expect_screen short 2 "lumbarctl pain edit: -w takes one of lower-back," "not 'moon'"
# lumbard refuses these: its words for them ("option 'at'") become the flags.
expect_screen at 2 "lumbarctl pain log: --at is in the future; log now, or an earlier time"
expect_not_on_screen at "option 'at'"
expect_not_on_screen at "invalid_params"
expect_screen symptom 2 "lumbarctl pain log: --symptom: unknown symptom \"hiccups\""
expect_not_on_screen symptom "'symptoms'"
expect_screen days 2 "lumbarctl pain stats: --days must be between 1 and "
expect_not_on_screen days "option 'days'"
# A place as 'pain history' shows it is a place.
expect_screen place 0 "Logged 3/10 (lower back, left) at "

# ---- in 80 columns: wrapped between words, cut with an ellipsis ---------------------------
capture narrow
LAST_CMD="lumbarctl rest start abc (in an 80-column tmux pane)"
grep -q '^lumbarctl rest start: DURATION: duration "abc": expected a number at "abc";$' \
  "$W/narrow" && grep -q '^  write it as seconds (90) or with units' "$W/narrow" || {
  fail "$LAST_CMD: expected the message wrapped between words, the rest indented; the pane shows:"
  show_pane narrow
}
capture list
LAST_CMD="lumbarctl rest list (in an 80-column tmux pane)"
grep -q '^[0-9]* *abduction *in_set .*Set 1 of 3: go (20-30 reps, .*…$' "$W/list" &&
  [ "$(grep -c . "$W/list")" = 3 ] || { # the head, the row, [exit 0]
  fail "$LAST_CMD: expected the message cut to the line with an ellipsis; the pane shows:"
  show_pane list
}

# ---- did you mean --------------------------------------------------------------------------
expect_screen lgo 2 "lumbarctl pain: unknown sub-command 'lgo'; did you mean 'pain log'?" \
  "  lumbarctl pain log LEVEL [OPTION]..."
expect_80 lgo
expect_screen pian 2 "lumbarctl: unknown command 'pian'; did you mean 'pain'?"
expect_screen pianlog 2 "lumbarctl: unknown command 'pian'; did you mean 'pain log'?"
expect_screen strat 2 "lumbarctl rest: unknown sub-command 'strat'; did you mean 'rest start'?"
expect_screen helplgo 2 "lumbarctl help: no command 'pain lgo'; did you mean 'pain log'?"

# ---- help in 80 columns ---------------------------------------------------------------------
expect_screen help 0 "Commands:" "  pain export [--format csv|json] [-o FILE] [--since TIME] [--until TIME]"
expect_80 help
expect_screen export 0 "Usage: lumbarctl pain export [--format csv|json] [-o FILE] [--since TIME]"
expect_80 export

finish
