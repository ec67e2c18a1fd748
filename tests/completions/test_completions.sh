#!/bin/bash
# shellcheck disable=SC2317,SC2016 # functions called by trap and as run_$shell; other shells' scripts in '...'
# The shell completions of lumbarctl (completions/) in the real shells:
#   bash  _lumbarctl called as readline would call it (COMP_WORDS, COMP_CWORD,
#         COMP_LINE, COMP_POINT), once with bash-completion loaded and once
#         without it (a user who sources the file);
#   fish  `complete -C LINE`;
#   zsh   an interactive zsh with compinit, driven through zsh/zpty: LINE, then
#         <TAB> (zsh_complete.zsh).
# Each check names the exact words offered. The values that come from the
# daemon (preset names, reminder and rest ids, diary entry and set ids,
# exercises, methods, events), which the
# completions get from `lumbarctl __complete KIND`, are checked against a
# real lumbard in a private XDG world, as is what `lumbarctl __complete`
# prints; then against a stopped one (SIGSTOP: nothing offered, within the
# second lumbarctl __complete gives the daemon) and none at all (nothing, at
# once).
#
# Usage: test_completions.sh [LUMBARCTL LUMBARD]  (default: $LUMBARCTL, $LUMBARD)
# KEEP_WORLD=1 keeps the temporary directory (each shell's output in out/).
# Exit status: 0 passed; 1 a check failed; 77 skipped, after running the
# checks of the shells that are there, when fish, zsh or bash-completion is
# missing (the message names the Debian package).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
COMPLETIONS=$(cd "$HERE/../../completions" && pwd)
LUMBARCTL=${1:-${LUMBARCTL:-}}
LUMBARD=${2:-${LUMBARD:-}}
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
TEST_NAME=completions

if [[ ! -x $LUMBARCTL || ! -x $LUMBARD ]]; then
  echo "usage: $0 LUMBARCTL LUMBARD (or set \$LUMBARCTL and \$LUMBARD)" >&2
  exit 2
fi
LUMBARCTL=$(cd "$(dirname "$LUMBARCTL")" && pwd)/$(basename "$LUMBARCTL")

# ---- the shells -------------------------------------------------------------------------

SHELLS=(bash-plain)
MISSING=()
if [[ -f $BASH_COMPLETION ]]; then
  SHELLS+=(bash)
else
  MISSING+=("bash-completion ($BASH_COMPLETION)")
fi
if command -v fish >/dev/null 2>&1; then
  SHELLS+=(fish)
else
  MISSING+=("fish")
fi
if command -v zsh >/dev/null 2>&1; then
  SHELLS+=(zsh)
else
  MISSING+=("zsh")
fi

# ---- a private world --------------------------------------------------------------------

W=$(mktemp -d "${TMPDIR:-/tmp}/lumbarctl-completions.XXXXXX")
mkdir -p "$W/run" "$W/run-empty" "$W/data" "$W/config/lumbard" "$W/bin" "$W/out" \
  "$W/cwd/sub" "$W/fish-empty"
chmod 700 "$W/run" "$W/run-empty"
touch "$W/cwd/a.csv" "$W/cwd/b.html"
# lumbarctl first on PATH, under its own name, as the completions call it
ln -s "$LUMBARCTL" "$W/bin/lumbarctl"
export PATH="$W/bin:$PATH"
export LC_ALL=C.UTF-8
# The daemon listens on $S; the default socket ($XDG_RUNTIME_DIR) has none,
# so a completion finds the daemon only when the line (or $LUMBARD_SOCKET)
# says where.
export XDG_RUNTIME_DIR="$W/run-empty" XDG_DATA_HOME="$W/data" XDG_CONFIG_HOME="$W/config"
unset LUMBARD_SOCKET DBUS_SESSION_BUS_ADDRESS
S="$W/run/lumbard.sock"
DAEMON_PID=
FAILED=0

cleanup() {
  if [[ $DAEMON_PID ]]; then
    kill -CONT "$DAEMON_PID" 2>/dev/null
    kill "$DAEMON_PID" 2>/dev/null
    wait "$DAEMON_PID" 2>/dev/null
  fi
  if [[ $FAILED != 0 && -s $W/daemon.log ]]; then
    echo "--- lumbard's log:"
    sed 's/^/    | /' "$W/daemon.log"
  fi
  if [[ ${KEEP_WORLD-} ]]; then
    echo "(kept $W)"
  else
    rm -rf "$W"
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
  echo "FAIL ($TEST_NAME): $*"
  FAILED=1
}

# Presets of our own, so that the names offered can only come from the daemon.
cat >"$W/config/lumbard/lumbard.conf" <<'EOF'
[rest.preset.quick]
label = quick warm-up
step1 = 1s | Left side
step2 = 1s | Right side
done = Warm-up done

[rest.preset.short]
label = short
sets = 3
reps = 20-30
weight = light
rest = 1s
until = 3s
EOF

# ---- the files agree with lumbarctl --------------------------------------------------------

# The commands and sub-commands the completions offer are lumbarctl's.
COMMANDS=(call help pain plugins remind rest set status train watch)
REMIND_SUBS=(add 'done' list pause preview resume rm skip snooze)
REST_SUBS=(cancel extend list next pause preset presets resume start watch)
PAIN_SUBS=(chart checkin edit export history log report rm stats)
TRAIN_SUBS=(amend exercises history rm sessions)
sorted() { tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//'; }
got=$("$LUMBARCTL" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\).*/\1/p' | sorted)
[[ $got == "$(sorted <<<"${COMMANDS[*]}")" ]] ||
  fail "lumbarctl --help lists the commands '$got', the test expects '${COMMANDS[*]}'"
for c in remind rest pain train; do
  declare -n want=${c^^}_SUBS
  got=$("$LUMBARCTL" help "$c" | sed -n "s/^  lumbarctl $c \([a-z]*\).*/\1/p" | sorted)
  [[ $got == "$(sorted <<<"${want[*]}")" ]] ||
    fail "lumbarctl help $c lists '$got', the test expects '${want[*]}'"
  unset -n want
done
# ... and lumbarctl's __complete, for the completions only, is in no help.
if "$LUMBARCTL" --help 2>&1 | grep -q __complete; then
  fail "lumbarctl --help mentions __complete"
fi

# Syntax.
bash -n "$COMPLETIONS/lumbarctl.bash" || fail "bash -n completions/lumbarctl.bash"
if [[ " ${SHELLS[*]} " == *" zsh "* ]]; then
  zsh -n "$COMPLETIONS/_lumbarctl" || fail "zsh -n completions/_lumbarctl"
fi
if [[ " ${SHELLS[*]} " == *" fish "* ]]; then
  fish -n "$COMPLETIONS/lumbarctl.fish" || fail "fish -n completions/lumbarctl.fish"
fi

# Where completions/CMakeLists.txt installs them, each shell finds and loads
# its file by itself: bash-completion's loader and fish's autoloading, from
# $XDG_DATA_DIRS. (zsh's compinit loads _lumbarctl from $fpath in every zsh
# check below.)
mkdir -p "$W/share/bash-completion/completions" "$W/share/fish/vendor_completions.d" "$W/home"
ln -s "$COMPLETIONS/lumbarctl.bash" "$W/share/bash-completion/completions/lumbarctl"
ln -s "$COMPLETIONS/lumbarctl.fish" "$W/share/fish/vendor_completions.d/lumbarctl.fish"
if [[ " ${SHELLS[*]} " == *" bash "* ]]; then
  got=$(XDG_DATA_DIRS="$W/share" bash --norc --noprofile -c "
    source $BASH_COMPLETION
    __load_completion lumbarctl && complete -p lumbarctl" 2>&1)
  [[ $got == "complete -F _lumbarctl lumbarctl" ]] ||
    fail "bash-completion did not load share/bash-completion/completions/lumbarctl: '$got'"
fi
if [[ " ${SHELLS[*]} " == *" fish "* ]]; then
  got=$(cd "$W/cwd" && HOME="$W/home" XDG_CONFIG_HOME="$W/home/.config" \
    XDG_DATA_HOME="$W/home/.local/share" XDG_DATA_DIRS="$W/share:/usr/share" \
    timeout 60 fish -c 'complete -C "lumbarctl rest pr"' 2>&1 | cut -f1 | sorted)
  [[ $got == "preset presets" ]] ||
    fail "fish did not load share/fish/vendor_completions.d/lumbarctl.fish: 'lumbarctl rest pr<TAB>' offers [$got]"
fi

# ---- running the shells ---------------------------------------------------------------------

# The cases of the next run: which shells, the line (the cursor at its end;
# "!COMMAND" runs COMMAND in the shell instead), what to check.
Q_SHELLS=() Q_LINE=() Q_KIND=() Q_WANT=() Q_WORD=()

# expect SHELLS LINE WORDS...: on LINE, <TAB> offers exactly WORDS (none:
# nothing). SHELLS: "all", or some of bash (with and without
# bash-completion), fish, zsh.
expect() {
  Q_SHELLS+=("$1") Q_LINE+=("$2") Q_KIND+=(words) Q_WORD+=("")
  shift 2
  Q_WANT+=("$(printf '%s\n' "$@" | sorted)")
}

# expect_desc SHELLS LINE WORD TEXT: WORD is offered, described with TEXT.
expect_desc() {
  Q_SHELLS+=("$1") Q_LINE+=("$2") Q_KIND+=(desc) Q_WORD+=("$3") Q_WANT+=("$4")
}

# run LINE...: in the shell $1, each LINE then <TAB>; into the file $2, for
# each, "=== LINE" and the matches, one a line (a tab, then its description,
# where the shell has one).
run_bash-plain() { run_bash plain "$@"; }
run_bash() {
  if [[ $1 != plain ]]; then
    set -- bash-completion "$@"
  fi
  local mode=$1 out=$2
  shift 2
  (cd "$W/cwd" && timeout "${RUN_TIMEOUT:-60}" bash --norc --noprofile -c '
    mode=$1 completions=$2
    shift 2
    if [[ $mode == bash-completion ]]; then
      source /usr/share/bash-completion/bash_completion
      declare -F _init_completion >/dev/null || { echo "no _init_completion" >&2; exit 1; }
    fi
    source "$completions/lumbarctl.bash"
    # The words of LINE as readline splits them: at blanks, and at the "="
    # and ":" of COMP_WORDBREAKS, which become words of their own.
    complete_line() {
      local line=$1 w
      local -a ws
      read -ra ws <<<"$line"
      [[ $line == *" " ]] && ws+=("")
      COMP_WORDS=()
      for w in "${ws[@]}"; do
        if [[ -z $w ]]; then
          COMP_WORDS+=("")
          continue
        fi
        while [[ $w =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
          [[ ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
          COMP_WORDS+=("${BASH_REMATCH[2]}")
          w=${BASH_REMATCH[3]}
        done
        [[ $w ]] && COMP_WORDS+=("$w")
      done
      [[ $line =~ [=:]$ ]] && COMP_WORDS+=("")
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9 COMP_KEY=9
      COMPREPLY=()
      _lumbarctl "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
      ((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}"
    }
    for line; do
      printf "=== %s\n" "$line"
      if [[ $line == "!"* ]]; then
        eval "${line#!}"
      else
        complete_line "$line"
      fi
    done
    exit 0
  ' _ "$mode" "$COMPLETIONS" "$@" >"$out")
}
run_fish() {
  local out=$1
  shift
  (cd "$W/cwd" && timeout "${RUN_TIMEOUT:-60}" fish --no-config -c '
    # no lumbarctl completion but ours, wherever fish is installed
    set -g fish_complete_path $argv[1]
    source $argv[2]
    for line in $argv[3..-1]
      echo "=== $line"
      if string match -q -- "!*" $line
        eval (string sub -s 2 -- $line)
      else
        complete -C $line
      end
    end' "$W/fish-empty" "$COMPLETIONS/lumbarctl.fish" "$@" >"$out")
}
run_zsh() {
  local out=$1
  shift
  (cd "$W/cwd" && timeout "${RUN_TIMEOUT:-60}" zsh -f "$HERE/zsh_complete.zsh" "$COMPLETIONS" "$out" "$@")
}

# The matches of the Nth line in a shell's output: "WORD" or "WORD<TAB>DESC".
block() {
  awk -v n="$2" '/^=== / { i++; next } i == n' "$1"
}

# The words as the checks name them: fish writes "--opt=VALUE" for a value
# after "--opt=", and directories end with a "/" in fish; zsh's listing
# shows a directory without it.
normalize() {
  case $1 in
    fish) cut -f1 | sed -e 's/^--[a-z]*=//' -e 's|/$||' ;;
    *) cut -f1 | sed -e 's|/$||' ;;
  esac
}

# run_cases NAME: run the queued cases in each shell (a shell that takes more
# than MAX_SECONDS, default 30, fails), check them, and empty the queue.
run_cases() {
  local name=$1 shell i n lines=() out start end
  for shell in "${SHELLS[@]}"; do
    lines=()
    for i in "${!Q_LINE[@]}"; do
      lines+=("${Q_LINE[i]}")
    done
    out="$W/out/$name.$shell"
    start=$(date +%s%N)
    "run_$shell" "$out" "${lines[@]}" 2>"$out.err" ||
      fail "$name, $shell: the shell exited with status $? (124: it did not finish in ${RUN_TIMEOUT:-60} s)"
    end=$(date +%s%N)
    ELAPSED_MS=$(((end - start) / 1000000))
    echo "  $name, $shell: ${#lines[@]} lines in $ELAPSED_MS ms"
    if [[ -s $out.err ]]; then
      fail "$name, $shell: the shell said on stderr:"
      sed 's/^/    | /' "$out.err"
    fi
    if ((ELAPSED_MS > ${MAX_SECONDS:-30} * 1000)); then
      fail "$name, $shell: took ${ELAPSED_MS} ms, more than ${MAX_SECONDS:-30} s"
    fi
    for i in "${!Q_LINE[@]}"; do
      [[ ${Q_LINE[i]} == '!'* ]] && continue
      case " ${Q_SHELLS[i]} " in
        *" all "* | *" ${shell%-plain} "*) ;;
        *) continue ;;
      esac
      n=$((i + 1))
      case ${Q_KIND[i]} in
        words)
          got=$(block "$out" $n | normalize "$shell" | sorted)
          if [[ $got != "${Q_WANT[i]}" ]]; then
            fail "$name, $shell: '${Q_LINE[i]}<TAB>' offers [$got], expected [${Q_WANT[i]}]"
          fi
          ;;
        desc)
          got=$(block "$out" $n | awk -F '\t' -v w="${Q_WORD[i]}" '$1 == w { print $2 }')
          if [[ $got != *"${Q_WANT[i]}"* ]]; then
            fail "$name, $shell: '${Q_LINE[i]}<TAB>' describes '${Q_WORD[i]}' as '$got', expected '${Q_WANT[i]}' in it"
          fi
          ;;
      esac
    done
  done
  Q_SHELLS=() Q_LINE=() Q_KIND=() Q_WANT=() Q_WORD=()
}

# ---- the daemon ---------------------------------------------------------------------------------

# lumbarctl with the daemon's socket; fails the test when it fails.
ctl() {
  "$LUMBARCTL" --socket "$S" "$@" >>"$W/out/ctl" 2>&1 || fail "'lumbarctl $*' failed: $(tail -3 "$W/out/ctl")"
}

"$LUMBARD" --no-dbus --socket "$S" >"$W/daemon.log" 2>&1 &
DAEMON_PID=$!
for ((i = 0; ; i++)); do
  "$LUMBARCTL" --socket "$S" call daemon.ping >/dev/null 2>&1 && break
  if ((i > 200)) || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
    fail "lumbard did not answer daemon.ping within 10 s"
    exit 1
  fi
  sleep 0.05
done

# Reminders 2 and 4 (1 and 3 removed), rests 1 and 3 (2 cancelled).
ctl remind add tea "in 10m"
ctl remind add stretch "every 45m"
ctl remind add water "in 20m"
ctl remind add walk "Mon..Fri 12:30"
ctl remind rm 1
ctl remind rm 3
ctl rest start 600 --label one
ctl rest start 600 --label two
ctl rest start 600 --label three
ctl rest cancel 2
# Diary entries 2 and 3 (1 removed).
ctl pain log 5
ctl pain log 3 --where lower-back-left
ctl pain log 6
ctl pain rm 1
# Sets 2 and 3 (1 removed) of the training log, of abduction (the seed's
# exercise, with no [train.exercise.*] in the config) and deadlift.
ctl set abduction 25 40kg --no-rest
ctl set deadlift 5 100kg --no-rest
ctl set abduction 22 --no-rest
ctl train rm 1
# ... as lumbarctl's own text output says
got=$("$LUMBARCTL" --socket "$S" remind list | awk 'NR > 1 { print $1 }' | sorted)
[[ $got == "2 4" ]] || fail "lumbarctl remind list shows the ids '$got', expected '2 4'"
got=$("$LUMBARCTL" --socket "$S" rest list | awk 'NR > 1 { print $1 }' | sorted)
[[ $got == "1 3" ]] || fail "lumbarctl rest list shows the ids '$got', expected '1 3'"

# What the completions read: `lumbarctl __complete KIND`, a line
# "VALUE<TAB>DESCRIPTION" for each value.
# complete_out KIND [ARG...]: sets got to its output, then a line
# "rc=STATUS". It says nothing on stderr (the sanitizers would), unless KIND
# is no kind.
complete_out() {
  local kind=$1 rc
  shift
  "$LUMBARCTL" "$@" __complete "$kind" >"$W/out/complete" 2>"$W/out/complete.err"
  rc=$?
  got=$(cat "$W/out/complete")
  got+=${got:+$'\n'}rc=$rc
  if [[ $rc != 2 && -s $W/out/complete.err ]]; then
    fail "lumbarctl $* __complete $kind said on stderr:"
    sed 's/^/    | /' "$W/out/complete.err"
  fi
}
complete_out reminders --socket "$S"
want=$'2\tstretch: every 45m\n4\twalk: Mon..Fri 12:30\nrc=0'
[[ $got == "$want" ]] ||
  fail "lumbarctl __complete reminders printed [$(cat -A <<<"$got")], expected [$(cat -A <<<"$want")]"
complete_out rests --socket "$S"
want=$'1\tone: running\n3\tthree: running\nrc=0'
[[ $got == "$want" ]] ||
  fail "lumbarctl __complete rests printed [$(cat -A <<<"$got")], expected [$(cat -A <<<"$want")]"
complete_out presets --socket "$S"
got=$(cut -f1 <<<"$got" | sorted)
[[ $got == "quick rc=0 short" ]] || fail "lumbarctl __complete presets printed the values [$got]"
complete_out events --socket "$S"
got=$(grep -c <<<"$got" -e $'^pain[.][*]\tevery event of pain$' -e $'^pain[.]logged\t.')
[[ $got == 2 ]] || fail "lumbarctl __complete events has no 'pain.*' or no described 'pain.logged' line"
complete_out entries --socket "$S"
[[ $got =~ ^3$'\t'6/10\ at\ [0-2][0-9]:[0-5][0-9]$'\n'2$'\t'3/10\ at\ [0-2][0-9]:[0-5][0-9],\ lower\ back,\ left$'\n'rc=0$ ]] ||
  fail "lumbarctl __complete entries printed [$(cat -A <<<"$got")], expected entries 3 and 2, newest first, described"
complete_out exercises --socket "$S"
want=$'abduction\tabduction, 20-30 reps, 1 set logged\ndeadlift\tdeadlift, 1 set logged\nrc=0'
[[ $got == "$want" ]] ||
  fail "lumbarctl __complete exercises printed [$(cat -A <<<"$got")], expected [$(cat -A <<<"$want")]"
complete_out sets --socket "$S"
[[ $got =~ ^3$'\t'abduction,\ 22\ reps\ at\ 40\ kg,\ [0-2][0-9]:[0-5][0-9]$'\n'2$'\t'deadlift,\ 5\ reps\ at\ 100\ kg,\ [0-2][0-9]:[0-5][0-9]$'\n'rc=0$ ]] ||
  fail "lumbarctl __complete sets printed [$(cat -A <<<"$got")], expected sets 3 and 2, newest first, described"
complete_out bogus --socket "$S"
[[ $got == rc=2 ]] || fail "lumbarctl __complete bogus printed [$got], expected only the status 2"

# ---- the cases -----------------------------------------------------------------------------------

GLOBAL_LONG=(--socket --json --help --version)
GLOBAL=(-s --socket -j --json -h --help -V --version)
LOCATIONS=(lower-back lower-back-left lower-back-right glute-left glute-right hip-left hip-right
  leg-left leg-right)
SYMPTOMS=(stiffness spasm radiating tingling saddle-numbness bladder-bowel leg-weakness fever
  weight-loss night-pain trauma)
SCHEDULES=(minutely hourly daily weekly monthly quarterly semiannually yearly annually)

# commands, sub-commands, global options
expect all "lumbarctl " "${COMMANDS[@]}"
expect all "lumbarctl p" pain plugins
expect all "lumbarctl -" "${GLOBAL[@]}"
expect all "lumbarctl --" "${GLOBAL_LONG[@]}"
expect all "lumbarctl remind " "${REMIND_SUBS[@]}"
expect all "lumbarctl rest " "${REST_SUBS[@]}"
expect all "lumbarctl pain " "${PAIN_SUBS[@]}"
expect all "lumbarctl --json rest pr" preset presets
expect all "lumbarctl rest -j pr" preset presets
expect all "lumbarctl help " "${COMMANDS[@]}"
expect all "lumbarctl help pain " "${PAIN_SUBS[@]}"
expect all "lumbarctl train " "${TRAIN_SUBS[@]}"
expect all "lumbarctl help train " "${TRAIN_SUBS[@]}"
expect all "lumbarctl -j train e" exercises
expect "fish zsh" "lumbarctl pa" pain
expect all "lumbarctl _" # not the hidden __complete
expect all "lumbarctl __"
expect all "lumbarctl help _"
expect_desc "fish zsh" "lumbarctl pa" pain "the pain diary"
expect_desc "fish zsh" "lumbarctl rest " extend "rest longer"

# each verb's options, with the global ones
expect all "lumbarctl pain log 6 --" --where --location --trigger --note --symptom --at "${GLOBAL_LONG[@]}"
expect all "lumbarctl pain log 6 -" -w --where --location -t --trigger -m --note --symptom --at "${GLOBAL[@]}"
expect all "lumbarctl pain history --" --since --until --limit "${GLOBAL_LONG[@]}"
expect all "lumbarctl pain stats --" --days "${GLOBAL_LONG[@]}"
expect all "lumbarctl pain chart --" --days "${GLOBAL_LONG[@]}"
expect all "lumbarctl pain export --" --format --output --since --until "${GLOBAL_LONG[@]}"
expect all "lumbarctl pain report --" --output --days --oldest-first "${GLOBAL_LONG[@]}"
expect all "lumbarctl pain edit 2 --" --level --where --location --trigger --note --symptom --at "${GLOBAL_LONG[@]}"
expect all "lumbarctl pain edit 2 -" --level -w --where --location -t --trigger -m --note --symptom --at "${GLOBAL[@]}"
expect all "lumbarctl pain rm 2 --" "${GLOBAL_LONG[@]}"
expect all "lumbarctl rest start 90 --" --label --sets --set --until --warn --wait "${GLOBAL_LONG[@]}"
expect all "lumbarctl rest preset quick --" --after-set --set --wait "${GLOBAL_LONG[@]}"
expect all "lumbarctl rest list --" --wait "${GLOBAL_LONG[@]}"
expect all "lumbarctl rest next 1 --" --wait "${GLOBAL_LONG[@]}"
expect all "lumbarctl rest watch 1 --" "${GLOBAL_LONG[@]}"
expect all "lumbarctl pain checkin --" --skip "${GLOBAL_LONG[@]}"
expect all "lumbarctl rest pause 1 --" "${GLOBAL_LONG[@]}"
expect all "lumbarctl remind add tea daily --" --message --from --to "${GLOBAL_LONG[@]}"
expect all "lumbarctl remind preview daily --" --count --base --from --to "${GLOBAL_LONG[@]}"
expect all "lumbarctl remind skip 2 --" --reason "${GLOBAL_LONG[@]}"
expect all "lumbarctl remind pause 2h --" --id "${GLOBAL_LONG[@]}"
expect all "lumbarctl remind resume --" --id "${GLOBAL_LONG[@]}"
expect all "lumbarctl set abduction 25 --" --rir --note --unit --at --no-rest --wait "${GLOBAL_LONG[@]}"
expect all "lumbarctl train history --" --since --until --limit "${GLOBAL_LONG[@]}"
expect all "lumbarctl train history abduction -" -n --since --until --limit "${GLOBAL[@]}"
expect all "lumbarctl train sessions --" --days "${GLOBAL_LONG[@]}"
expect all "lumbarctl train exercises --" "${GLOBAL_LONG[@]}"
expect all "lumbarctl train amend 2 --" --reps --weight --unit --rir --note --exercise --at "${GLOBAL_LONG[@]}"
expect all "lumbarctl train rm 2 --" "${GLOBAL_LONG[@]}"

# fixed values
expect all "lumbarctl pain log " 0 1 2 3 4 5 6 7 8 9 10
expect all "lumbarctl pain checkin " 0 1 2 3 4 5 6 7 8 9 10
expect_desc "fish zsh" "lumbarctl pain log " 10 "the worst imaginable"
expect all "lumbarctl pain log 6 --where " "${LOCATIONS[@]}"
expect all "lumbarctl pain log 6 --where=lower-back-" lower-back-left lower-back-right
expect all "lumbarctl pain log 6 -w glute" glute-left glute-right
expect all "lumbarctl pain log 6 --location hip-" hip-left hip-right
expect all "lumbarctl pain log 6 --trigger s" sitting skipped-warm-up sleep stress
expect all "lumbarctl pain log 6 --symptom " "${SYMPTOMS[@]}"
expect all "lumbarctl pain edit 2 --level " 0 1 2 3 4 5 6 7 8 9 10
expect all "lumbarctl pain edit 2 --where " "${LOCATIONS[@]}"
expect all "lumbarctl pain edit 2 -t s" sitting skipped-warm-up sleep stress
expect all "lumbarctl pain edit 2 --symptom " "${SYMPTOMS[@]}"
expect "bash fish" "lumbarctl pain log 6 --symptom stiffness,s" stiffness,spasm stiffness,saddle-numbness
expect zsh "lumbarctl pain log 6 --symptom stiffness,s" spasm saddle-numbness
expect_desc "fish zsh" "lumbarctl pain log 6 --symptom " saddle-numbness "red flag"
expect all "lumbarctl pain export --format " csv json
expect all "lumbarctl pain export --format=j" json
expect all "lumbarctl set abduction 25 40 --unit " kg lb
expect all "lumbarctl train amend 2 --weight 90 --unit=" kg lb
expect all "lumbarctl remind add tea " "${SCHEDULES[@]}"
expect all "lumbarctl remind preview m" minutely monthly
expect all "lumbarctl remind add " # the name is the user's
expect all "lumbarctl rest start " # a duration

# files: the cwd holds a.csv, b.html and sub/
expect all "lumbarctl --socket " a.csv b.html sub
expect all "lumbarctl rest list -s " a.csv b.html sub
expect all "lumbarctl pain export -o " a.csv b.html sub
expect all "lumbarctl pain export --output=" a.csv b.html sub
expect "bash zsh" "lumbarctl pain report -o " b.html sub
expect fish "lumbarctl pain report -o " a.csv b.html sub # fish sorts *.html first

# nothing where nothing fits
expect "bash fish" "lumbarctl status "
expect "bash fish" "lumbarctl rest preset quick "
expect "bash fish" "lumbarctl pain log 6 --note "
expect all "lumbarctl bogus "
expect all "lumbarctl rest bogus "

# from the daemon, on the socket the line gives (or $LUMBARD_SOCKET); the
# default socket has no daemon
expect all "lumbarctl rest preset "
expect all "lumbarctl remind done "
expect all "lumbarctl -s $S rest preset " quick short
expect all "lumbarctl --socket=$S rest preset s" short
expect all "lumbarctl rest -s $S preset " quick short
expect all "lumbarctl rest preset --socket $S " quick short
expect all "lumbarctl -s $S remind done " 2 4
expect all "lumbarctl remind snooze --socket $S " 2 4
expect all "lumbarctl --socket=$S remind skip " 2 4
expect all "lumbarctl -j -s $S remind rm " 2 4
expect all "lumbarctl -s $S remind pause 2h --id " 2 4
expect all "lumbarctl -s $S remind resume --id=" 2 4
expect all "lumbarctl -s $S remind snooze 2 " # the duration
expect_desc "fish zsh" "lumbarctl -s $S remind done " 4 "walk: Mon..Fri 12:30"
expect_desc "fish zsh" "lumbarctl -s $S remind pause 2h --id " 2 "stretch: every 45m"
expect all "lumbarctl -s $S pain edit " 2 3
expect all "lumbarctl pain rm --socket $S " 2 3
expect "bash fish" "lumbarctl -s $S pain edit 3 " # one entry
expect_desc "fish zsh" "lumbarctl -s $S pain edit " 3 "6/10 at"
expect_desc "fish zsh" "lumbarctl -s $S pain rm " 2 "3/10 at"
expect_desc "fish zsh" "lumbarctl -s $S pain rm " 2 ", lower back, left"
expect all "lumbarctl -s $S set " abduction deadlift
expect all "lumbarctl set -s $S d" deadlift
expect all "lumbarctl -s $S train history " abduction deadlift
expect "bash fish" "lumbarctl -s $S set abduction " # the reps
expect "bash fish" "lumbarctl -s $S train history abduction " # one exercise
expect_desc "fish zsh" "lumbarctl -s $S set " deadlift "deadlift, 1 set logged"
expect all "lumbarctl -s $S train amend " 2 3
expect all "lumbarctl train rm --socket $S " 2 3
expect "bash fish" "lumbarctl -s $S train rm 3 " # one set
expect_desc "fish zsh" "lumbarctl -s $S train rm " 3 "abduction, 22 reps at 40 kg"
expect all "lumbarctl -s $S train amend 3 --exercise " abduction deadlift
expect all "lumbarctl -s $S rest pause " 1 3
expect all "lumbarctl -s $S rest resume " 1 3
expect all "lumbarctl -s $S rest extend " 1 3
expect all "lumbarctl -s $S rest next " 1 3
expect all "lumbarctl rest cancel -s $S " 1 3
expect all "lumbarctl -s $S rest watch " 1 3
expect "bash fish" "lumbarctl -s $S rest extend 3 " # the duration
expect_desc "fish zsh" "lumbarctl -s $S rest cancel " 3 "three: running"
expect all "lumbarctl -s $S call rest.p" rest.pause rest.preset rest.presets
expect all "lumbarctl -s $S call daemon.p" daemon.ping daemon.plugins
expect_desc "fish zsh" "lumbarctl -s $S call rest.p" rest.preset "Start a routine"
expect "fish zsh" "lumbarctl -s $S watch pain" 'pain.*' pain.amended pain.checkin_due pain.logged \
  pain.red_flag pain.removed
expect bash "lumbarctl -s $S watch pain" 'pain.\*' pain.amended pain.checkin_due pain.logged \
  pain.red_flag pain.removed
expect_desc "fish zsh" "lumbarctl -s $S watch pain" 'pain.*' "every event of pain"
expect_desc "fish zsh" "lumbarctl -s $S watch pain" pain.logged "An entry is on disk."
expect all "lumbarctl -s $S watch pain.logged rest.f" rest.finished
expect all "!export LUMBARD_SOCKET=$S"
expect all "lumbarctl rest preset " quick short
expect all "lumbarctl -s $W/nowhere rest preset "
expect all "!export LUMBARD_SOCKET="
expect all "lumbarctl rest preset "
run_cases "with lumbard"

# The command as typed: a path to lumbarctl, which is not on PATH then.
expect all "!export PATH=/usr/bin:/bin"
expect all "$W/bin/lumbarctl -s $S rest preset " quick short
expect all "lumbarctl -s $S rest preset "
expect all "!export PATH=$PATH"
run_cases "typed path"

# A stopped daemon: the socket takes the request and nothing answers.
# lumbarctl __complete gives up after a second and prints nothing; what needs
# no daemon is still offered.
kill -STOP "$DAEMON_PID"
start=$(date +%s%N)
complete_out reminders --socket "$S"
ms=$((($(date +%s%N) - start) / 1000000))
[[ $got == rc=3 ]] ||
  fail "lumbarctl __complete reminders with lumbard stopped printed [$got], expected only the status 3"
((ms < 1900)) || fail "lumbarctl __complete reminders with lumbard stopped took $ms ms"
expect all "lumbarctl -s $S remind done "
expect all "lumbarctl -s $S call daemon.p" daemon.ping daemon.plugins
RUN_TIMEOUT=15 MAX_SECONDS=6 run_cases "lumbard stopped"
# one completion alone, in bash: the second lumbarctl gives the daemon, no more
start=$(date +%s%N)
run_bash "$W/out/stopped" "lumbarctl -s $S rest preset " >/dev/null 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
if ((ms > 1900)); then
  fail "one completion with lumbard stopped took $ms ms in bash"
fi
[[ $(grep -vc '^===' "$W/out/stopped") == 0 ]] ||
  fail "with lumbard stopped, bash offered: $(cat "$W/out/stopped")"
kill -CONT "$DAEMON_PID"

# No daemon (its socket left behind by a SIGKILL, then no socket at all):
# nothing, at once.
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
[[ -S $S ]] || fail "lumbard killed left no socket file behind at $S"
complete_out reminders --socket "$S"
[[ $got == rc=3 ]] ||
  fail "lumbarctl __complete reminders with no lumbard printed [$got], expected only the status 3"
complete_out presets --socket "$W/nowhere"
[[ $got == rc=3 ]] ||
  fail "lumbarctl __complete presets with no socket printed [$got], expected only the status 3"
expect all "lumbarctl -s $S rest preset "
expect all "lumbarctl -s $S remind done "
expect all "lumbarctl -s $S rest pause "
expect all "lumbarctl -s $S remind pause 1h --id "
expect all "lumbarctl -s $S pain edit "
expect all "lumbarctl -s $S set "
expect all "lumbarctl -s $S train rm "
expect all "lumbarctl -s $S call daemon.p" daemon.ping daemon.plugins
expect "fish zsh" "lumbarctl -s $S watch " '*'
expect bash "lumbarctl -s $S watch " '\*'
expect all "lumbarctl -s $W/nowhere remind done "
MAX_SECONDS=5 run_cases "no lumbard"

# The timings above include each shell's start; one completion alone, in
# bash, with no daemon: well under the second the completions allow.
start=$(date +%s%N)
run_bash "$W/out/fast" "lumbarctl -s $S remind done " "lumbarctl -s $S rest preset " >/dev/null 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
if ((ms > 900)); then
  fail "two completions with no daemon took $ms ms in bash"
fi
[[ $(grep -vc '^===' "$W/out/fast") == 0 ]] || fail "with no daemon, bash offered: $(cat "$W/out/fast")"

# ---- the verdict ---------------------------------------------------------------------------------

if [[ $FAILED != 0 ]]; then
  exit 1
fi
if ((${#MISSING[@]})); then
  echo "skip ($TEST_NAME): checked in ${SHELLS[*]}; not installed: ${MISSING[*]}" \
    "(Debian: apt-get install bash-completion fish zsh)"
  exit 77
fi
echo "ok ($TEST_NAME): bash with and without bash-completion, fish and zsh"
exit 0
