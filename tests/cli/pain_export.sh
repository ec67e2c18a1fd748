#!/bin/sh
# pain export -o to what lumbard does not write: lumbard writes regular
# files only (a new one, or one it replaces), so stdout ("-", /dev/stdout),
# a FIFO and /dev/fd/N are lumbarctl's to write, from pain.export's answer
# (at most 1 MiB), byte for byte and saying nothing else.
. "$(dirname "$0")/lib.sh"

W="$WORLD/out"
mkdir -p "$XDG_CONFIG_HOME/lumbard"
printf '[pain]\ncheckin = off\n' >"$XDG_CONFIG_HOME/lumbard/lumbard.conf"
start_pain_daemon

for level in 6 3 4; do
  "$LUMBARCTL" pain log $level --note "entry $level" >/dev/null || fail "pain log $level failed"
done
run 0 pain export && cp "$OUT" "$W/export.csv" && expect_in "$OUT" "id,at,level,location,trigger"
for out in /dev/stdout -; do
  if run 0 pain export -o $out && ! cmp -s "$OUT" "$W/export.csv"; then
    fail "'$LAST_CMD': expected what pain export prints, byte for byte:"
    show_output
  fi
  expect_empty "$ERR"
done
# a FIFO: its reader gets the export; nothing else is said (the readers
# give up after 10 s: a lumbarctl that never opens the FIFO leaves them
# waiting)
mkfifo "$W/fifo"
timeout 10 cat "$W/fifo" >"$W/from-fifo.csv" &
reader=$!
run 0 pain export -o "$W/fifo" && expect_empty "$OUT" && expect_empty "$ERR"
wait $reader
cmp -s "$W/from-fifo.csv" "$W/export.csv" ||
  fail "'$LAST_CMD': expected the FIFO's reader to get what pain export prints"
timeout 10 cat "$W/fifo" >/dev/null &
reader=$!
run 0 --json pain export -o "$W/fifo" &&
  expect_json "$OUT" "v == {'path': '$W/fifo', 'bytes': $(wc -c <"$W/export.csv")}"
wait $reader
# /dev/fd/N: the descriptor the shell opened, as it opened it (>> appends)
printf 'before\n' >"$W/fd3.csv"
"$LUMBARCTL" pain export -o /dev/fd/3 3>>"$W/fd3.csv" >"$OUT" 2>"$ERR"
LAST_CMD="lumbarctl pain export -o /dev/fd/3 3>>fd3.csv"
expect_empty "$OUT"
expect_empty "$ERR"
{ printf 'before\n' && cat "$W/export.csv"; } >"$W/want.csv"
cmp -s "$W/fd3.csv" "$W/want.csv" || fail "'$LAST_CMD': expected the export after 'before'"
run 0 pain export -o /dev/stderr && expect_empty "$OUT" &&
  { cmp -s "$ERR" "$W/export.csv" || fail "'$LAST_CMD': expected the export on stderr"; }
run 0 pain export -o /dev/null && expect_empty "$OUT" && expect_empty "$ERR"
run 1 pain export -o /dev/fd/9 && expect_exactly "$ERR" \
  "lumbarctl: pain export: cannot write /dev/fd/9: Bad file descriptor"
run 1 pain export -o "$W" && expect_exactly "$ERR" \
  "lumbarctl: pain export: cannot write $W: Is a directory"
# a new regular file is still lumbard's to write (pain.export_file)
run 0 pain export -o "$W/new.csv" && expect_exactly "$OUT" "Wrote 3 entries to $W/new.csv"
cmp -s "$W/new.csv" "$W/export.csv" || fail "'$LAST_CMD': expected the file to hold the export"

# Over 1 MiB: lumbard writes a file of any size; to stdout it says why not.
call_many pain.log 1100 '[2, {"note": "x" * 1000}]' || fail "could not log 1100 entries"
run 1 pain export -o /dev/stdout && expect_empty "$OUT" &&
  expect_in "$ERR" "lumbarctl: pain.export: invalid_params: the export is more than one answer" &&
  expect_in "$ERR" "carries (1 MiB): write it to a file"
run 0 pain export -o "$W/big.csv" && expect_exactly "$OUT" "Wrote 1103 entries to $W/big.csv"

finish
