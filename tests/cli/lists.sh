#!/bin/sh
# More than one answer carries: with 20,000 rests and 20,000 reminders a
# list of them all would be over the 1 MiB of one message (too_large), so
# rest list, remind list and the completions read them a page at a time,
# and print them as they printed a short list.

# reminders.add answers once the reminder is on disk, an fsync each: 20,000
# take a second in memory (tmpfs), twenty on a disk. lib.sh makes the
# test's world in $TMPDIR.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  TMPDIR=/dev/shm
  export TMPDIR
fi
. "$(dirname "$0")/lib.sh"

N=20000
W="$WORLD/out"

# Its own config: no built-in reminders (a config file replaces them whole),
# no scheduled check-in.
mkdir -p "$XDG_CONFIG_HOME/lumbard"
printf '[pain]\ncheckin = off\n' >"$XDG_CONFIG_HOME/lumbard/lumbard.conf"
start_rest_daemon

call_many rest.start $N '[3600, {"label": "r%d" % i, "warn": 0}]' || fail "could not start $N rests"
call_many reminders.add $N '["n%d" % i, "every 1h", {"message": "m%d" % i}]' ||
  fail "could not add $N reminders"

# ---- all in one answer: too large, and the daemon says to ask in pages -------------------
for method in rest.list reminders.list; do
  run 1 call $method &&
    expect_in "$ERR" "lumbarctl: $method: too_large: the answer of $method would be " &&
    expect_in "$ERR" "over the 1 MiB limit of one message; ask for it in pages"
done

# ---- the lists, a page at a time --------------------------------------------------------------
# expect_rows WHAT PREFIX: the table's rows are 1 to N in order, each named
# PREFIX and its id in the second column
expect_rows() {
  tail -n +2 "$OUT" | awk '{ print $1 " " $2 }' >"$W/rows"
  seq $N | awk -v p="$2" '{ print $1 " " p $1 }' >"$W/want"
  cmp -s "$W/rows" "$W/want" ||
    fail "'$LAST_CMD': expected $N rows, $1 1 to $N in order; got $(wc -l <"$W/rows") rows"
}
run 0 rest list && expect_line "$OUT" "ID +LABEL +STATE +LEFT +PROGRESS +MESSAGE" &&
  expect_line "$OUT" "1 +r1 +running +[0-9:]+ +- +Rest 1h" &&
  expect_line "$OUT" "$N +r$N +running +[0-9:]+ +- +Rest 1h" && expect_empty "$ERR"
expect_rows rests r
run 0 --json rest list && expect_json "$OUT" \
  "isinstance(v, list) and [r['id'] for r in v] == list(range(1, $N + 1)) and
   all(r['label'] == 'r%d' % r['id'] for r in v)"

run 0 remind list && expect_line "$OUT" "ID +NAME +SCHEDULE +NEXT +STATE +SOURCE +MESSAGE" &&
  expect_line "$OUT" "$N +n$N +every 1h +.* +- +runtime +m$N" && expect_empty "$ERR"
expect_rows reminders n
run 0 --json remind list && expect_json "$OUT" \
  "isinstance(v, list) and [r['id'] for r in v] == list(range(1, $N + 1)) and
   all(r['message'] == 'm%d' % r['id'] for r in v)"

# The completions: within their second, more than a page (all of them, but
# on a machine so slow that the second runs out first), in id order.
for kind in rests:r reminders:n; do
  run 0 __complete "${kind%:*}" && expect_empty "$ERR"
  got=$(wc -l <"$OUT")
  seq "$got" >"$W/ids"
  if [ "$got" -le 1000 ] || ! cut -f1 "$OUT" | cmp -s - "$W/ids" ||
    ! grep -q "^1	${kind#*:}1: " "$OUT"; then
    fail "'$LAST_CMD': expected the first of $N, over 1000, ids in order from 1; got $got:"
    show_output
  fi
done

finish
