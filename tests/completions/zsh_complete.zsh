#!/usr/bin/zsh -f
# Drives a real interactive zsh through a pseudo-terminal (zsh/zpty), with
# compinit and the completion's directory first on $fpath, and records what
# <TAB> offers.
#
# Usage: zsh -f zsh_complete.zsh COMPLETIONS_DIR OUT LINE...
#
# For each LINE: types it, then <TAB>, and appends to OUT a line
# "=== LINE", then one line per match: the word, and after a tab what the
# listing shows for it (its description) when that is more than the word.
# A LINE starting with "!" is run as a command instead (to change the
# environment of the following ones), and adds only "=== LINE".
# The matches are taken where compadd adds them, by a wrapper function that
# records them and adds them, so nothing depends on how the terminal draws
# the listing. Exits 1 if the shell does not finish a LINE in time.

zmodload zsh/zpty || exit 1
dir=$1 out=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zsh-complete.XXXXXX") || exit 1
trap 'zpty -d z 2>/dev/null; rm -rf $tmp' EXIT

cat >$tmp/rc <<'EOF'
PS1='' PROMPT='' RPROMPT='' PROMPT_EOL_MARK=''
unset zle_bracketed_paste
setopt no_beep
LISTMAX=100000
fpath=($ZC_DIR $fpath)
autoload -Uz compinit && compinit -u -d $ZC_TMP/zcompdump
zstyle ':completion:*' list-grouped false
bindkey -e
# <TAB> completes (neither listing nor inserting: the wrapper of compadd
# has recorded the matches), then empties the line and runs one that says it
# is done; the driver types the next line only once it has seen that
_zc_quiet() {
  compstate[list]=''
  compstate[insert]=''
}
_zc_tab() {
  comppostfuncs=(_zc_quiet)
  zle complete-word
  BUFFER="print -r -- '::done::' >>\$ZC_OUT"
  zle accept-line
}
zle -N _zc_tab
bindkey '^I' _zc_tab
# Keys typed before the line editor reads them can be lost (typed while the
# terminal is still set for the last command): the driver waits for this.
zle-line-init() {
  print -r -- '::zle::' >>$ZC_OUT
}
zle -N zle-line-init
compadd() {
  # with -O, -A or -D the caller only asks which words would match
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  # words: those that match, as given (unquoted); their displays (-d) are
  # the strings the listing shows, "WORD  -- DESCRIPTION" for _describe
  local -a words disp
  builtin compadd -O words "$@"
  local d=${@[(I)-d]}
  (( d )) && disp=("${(@P)${@[d+1]}}")
  local w shown
  for w in $words; do
    shown=${disp[(r)${(b)w}(| *)]}
    if [[ -n $shown && $shown != $w ]]; then
      print -r -- "$w"$'\t'"$shown" >>$ZC_OUT
    else
      print -r -- "$w" >>$ZC_OUT
    fi
  done
  builtin compadd "$@"
}
print -r -- '::ready::' >>$ZC_OUT
EOF

export ZC_DIR=$dir ZC_OUT=$tmp/matches ZC_TMP=$tmp
: >$ZC_OUT
zpty z zsh -f -i || exit 1

# wait_for MARKER N: until the matches file holds N lines ::MARKER::;
# drains the terminal meanwhile.
wait_for() {
  local marker=::$1:: n=$2 chunk i
  local -a lines
  for (( i = 0; i < 400; i++ )); do
    while zpty -r -t z chunk '*' 2>/dev/null; do
      [[ -n ${ZC_DEBUG-} ]] && print -rn -- "$chunk" >>$ZC_DEBUG
    done
    lines=("${(@f)$(<$ZC_OUT)}")
    lines=(${(M)lines:#$marker})
    (( $#lines >= n )) && return 0
    sleep 0.025
  done
  print -u2 "zsh_complete: zsh did not answer in time; its matches so far:"
  cat $ZC_OUT >&2
  return 1
}

zpty -w z "source ${(q)tmp}/rc"
wait_for ready 1 || exit 1
n=0
for line; do
  wait_for zle $(( n + 1 )) || exit 1
  print -r -- "=== $line" >>$ZC_OUT
  if [[ $line == '!'* ]]; then
    zpty -w z "${line#!}; print -r -- '::done::' >>\$ZC_OUT"
  else
    zpty -w -n z "$line"$'\t'
  fi
  wait_for done $(( ++n )) || exit 1
done
grep -v '^::.*::$' $ZC_OUT >$out
