# bash completion for lumbarctl, the client of lumbard           -*- shell-script -*-
#
# Installed as bash-completion/completions/lumbarctl, it is loaded by
# bash-completion on the first <TAB> after `lumbarctl`; `source` it to try it
# without (it then does without bash-completion's helpers).
#
# Completes the global options, the commands and sub-commands, each
# sub-command's options and their fixed values (pain log --where, --symptom,
# pain export --format, ...), files for --socket and -o, and from the running
# daemon: reminder ids, rest ids, diary entry ids, preset names, exercises,
# set ids, method names for `call` and event patterns for `watch`. Those come from `lumbarctl __complete KIND`
# (the lumbarctl typed, on the socket given on the line: -s/--socket, else
# $LUMBARD_SOCKET or the default), which gives the daemon a second to answer
# and prints nothing when none does; then nothing is offered.

# The words a value may take.
_lumbarctl_commands=(status plugins watch call remind rest set train pain help)
_lumbarctl_remind_subs=(add list snooze 'done' skip pause resume rm preview)
_lumbarctl_rest_subs=(start list watch pause resume extend next cancel preset presets)
_lumbarctl_train_subs=(history sessions exercises amend rm)
_lumbarctl_pain_subs=(log edit rm history stats export chart report checkin)
_lumbarctl_locations=(lower-back lower-back-left lower-back-right glute-left glute-right
    hip-left hip-right leg-left leg-right)
_lumbarctl_symptoms=(stiffness spasm radiating tingling saddle-numbness bladder-bowel
    leg-weakness fever weight-loss night-pain trauma)
_lumbarctl_triggers=(deadlift bending lifting cleaning sitting skipped-warm-up stress sleep travel)
_lumbarctl_schedules=(minutely hourly daily weekly monthly quarterly semiannually yearly annually)
_lumbarctl_core_methods=(daemon.ping daemon.version daemon.status daemon.plugins daemon.subscribe
    daemon.unsubscribe daemon.reload)

# _lumbarctl_verb_opts VERB: sets `valued` to the options of VERB that take a
# value and `switches` to those that do not (the global ones aside), each a
# list of words separated by blanks.
_lumbarctl_verb_opts()
{
    valued='' switches=''
    case $1 in
        'remind add') valued='--message --from --to' ;;
        'remind skip') valued='--reason' ;;
        'remind pause' | 'remind resume') valued='--id' ;;
        'remind preview') valued='-n --count --base --from --to' ;;
        'rest start')
            valued='--label --sets --set --until --warn'
            switches='--wait'
            ;;
        'rest preset')
            valued='--after-set --set'
            switches='--wait'
            ;;
        'rest list' | 'rest next') switches='--wait' ;;
        set)
            valued='--rir --note --unit --at'
            switches='--no-rest --wait'
            ;;
        'train history') valued='--since --until -n --limit' ;;
        'train sessions') valued='--days' ;;
        'train amend') valued='--reps --weight --unit --rir --note --exercise --at' ;;
        'pain checkin') switches='--skip' ;;
        'pain log') valued='-w --where --location -t --trigger -m --note --symptom --at' ;;
        'pain edit') valued='--level -w --where --location -t --trigger -m --note --symptom --at' ;;
        'pain history') valued='--since --until -n --limit' ;;
        'pain stats' | 'pain chart') valued='--days' ;;
        'pain export') valued='--format -o --output --since --until' ;;
        'pain report')
            valued='-o --output --days'
            switches='--oldest-first'
            ;;
    esac
}

# _lumbarctl_ask KIND: the "VALUE<TAB>DESCRIPTION" lines of `lumbarctl
# __complete KIND` (reminders, rests, presets, methods, events, entries,
# exercises, sets) from the
# daemon the line talks to; nothing when none answers within a second.
_lumbarctl_ask()
{
    local -a run=("${_lumbarctl_cmd:-lumbarctl}")
    [[ ${_lumbarctl_socket-} ]] && run+=(--socket "$_lumbarctl_socket")
    "${run[@]}" __complete "$1" </dev/null 2>/dev/null
}

# _lumbarctl_add WORD...: add to COMPREPLY the words that start with $cur,
# quoted for the command line.
_lumbarctl_add()
{
    local w
    for w; do
        [[ $w && $w == "$cur"* ]] || continue
        if [[ $w == *[^-A-Za-z0-9_.,+@%/=]* ]]; then
            printf -v w '%q' "$w"
        fi
        COMPREPLY+=("$w")
    done
}

# _lumbarctl_add_daemon KIND: as _lumbarctl_add, with the values of
# _lumbarctl_ask KIND (without their descriptions).
_lumbarctl_add_daemon()
{
    local -a lines
    local tab=$'\t'
    mapfile -t lines < <(_lumbarctl_ask "$1")
    ((${#lines[@]})) && _lumbarctl_add "${lines[@]%%"$tab"*}"
}

# _lumbarctl_files [EXT]: file names (only *.EXT and directories with EXT).
_lumbarctl_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir ${1:+"$1"}
    else
        local -a files
        compopt -o filenames 2>/dev/null
        if [[ ${1-} ]]; then
            mapfile -t files < <(compgen -d -- "$cur"; compgen -f -X "!*.$1" -- "$cur")
        else
            mapfile -t files < <(compgen -f -- "$cur")
        fi
        COMPREPLY+=("${files[@]}")
    fi
}

# _lumbarctl_dequote WORD: the word as the shell will pass it, for the few
# forms a path takes: quoted, with backslashes, with a leading ~/. Never
# evaluates it.
_lumbarctl_dequote()
{
    local v=$1
    case $v in
        \'*\') v=${v:1:${#v}-2} ;;
        \"*\") v=${v:1:${#v}-2} ;;
        *)
            local out='' i
            for ((i = 0; i < ${#v}; i++)); do
                if [[ ${v:i:1} == \\ ]]; then
                    ((i++))
                fi
                out+=${v:i:1}
            done
            v=$out
            ;;
    esac
    [[ $v == \~/* ]] && v=$HOME/${v:2}
    REPLY=$v
}

# Without bash-completion: COMP_WORDS with what COMP_WORDBREAKS split off
# ("--where=lo", "09:00") joined again, into words and cword.
_lumbarctl_words()
{
    words=() cword=0
    local i w n=-1 glue=false
    for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        if ((n >= 0)) && { $glue || [[ $w =~ ^[=:]+$ ]]; }; then
            words[n]+=$w
        else
            words[++n]=$w
        fi
        [[ $w =~ ^[=:]+$ ]] && glue=true || glue=false
        ((i == COMP_CWORD)) && cword=$n
    done
    ((cword > n)) && words[cword]=''
    return 0
}

_lumbarctl()
{
    # shellcheck disable=SC2034 # split: set by _init_completion
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null; then
        _init_completion -s -n : || return
    else
        COMPREPLY=()
        _lumbarctl_words
        cur=${words[cword]-}
        prev=${words[cword - 1]-}
        if [[ $cur == --*=* ]]; then
            prev=${cur%%=*}
            cur=${cur#*=}
        fi
    fi

    # The command as typed (a path to it too), and the socket it is told.
    local _lumbarctl_cmd=lumbarctl _lumbarctl_socket='' REPLY
    if [[ ${words[0]} == */* ]]; then
        _lumbarctl_dequote "${words[0]}"
        [[ -x $REPLY ]] && _lumbarctl_cmd=$REPLY
    fi

    # Walk the words before the cursor: the global options (before or after
    # the command), the command and sub-command, the options of the verb and
    # their values, and the arguments.
    local i w cmd='' verb='' valued='' switches='' nargs=0 ddash=false
    local -a args=()
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if $ddash || [[ $w != -?* || $w =~ ^-[0-9.] ]]; then
            if [[ -z $cmd ]]; then
                cmd=$w
                case $cmd in
                    remind | rest | train | pain) ;;
                    *) verb=$cmd ;;
                esac
            elif [[ -z $verb ]]; then
                verb="$cmd $w"
            else
                args+=("$w")
            fi
            _lumbarctl_verb_opts "$verb"
            continue
        fi
        case $w in
            --) ddash=true ;;
            -s | --socket)
                ((i + 1 < cword)) && _lumbarctl_dequote "${words[i + 1]}" && _lumbarctl_socket=$REPLY
                ((i++))
                ;;
            --socket=*)
                _lumbarctl_dequote "${w#*=}"
                _lumbarctl_socket=$REPLY
                ;;
            -j | --json | -h | --help | -V | --version) ;;
            --*=*) ;;
            *) [[ " $valued " == *" $w "* ]] && ((i++)) ;;
        esac
    done
    nargs=${#args[@]}

    # The value of an option.
    case $prev in
        -s | --socket)
            _lumbarctl_files
            return
            ;;
    esac
    if [[ $prev == -* && " $valued " == *" $prev "* ]] && ! $ddash; then
        case "$verb/$prev" in
            'pain log/-w' | 'pain log/--where' | 'pain log/--location' | \
                'pain edit/-w' | 'pain edit/--where' | 'pain edit/--location')
                _lumbarctl_add "${_lumbarctl_locations[@]}"
                ;;
            'pain log/-t' | 'pain log/--trigger' | 'pain edit/-t' | 'pain edit/--trigger')
                _lumbarctl_add "${_lumbarctl_triggers[@]}"
                ;;
            'pain edit/--level')
                _lumbarctl_add 0 1 2 3 4 5 6 7 8 9 10
                ;;
            'pain log/--symptom' | 'pain edit/--symptom')
                # KEY or KEY,KEY,...: complete the last one
                local head='' key
                [[ $cur == *,* ]] && head=${cur%,*},
                local -a keys=()
                for key in "${_lumbarctl_symptoms[@]}"; do
                    [[ ,$head == *,$key,* ]] || keys+=("$head$key")
                done
                _lumbarctl_add "${keys[@]}"
                ;;
            'pain export/--format')
                _lumbarctl_add csv json
                ;;
            'pain export/-o' | 'pain export/--output')
                _lumbarctl_files
                ;;
            'pain report/-o' | 'pain report/--output')
                _lumbarctl_files html
                ;;
            'remind pause/--id' | 'remind resume/--id')
                _lumbarctl_add_daemon reminders
                ;;
            'set/--unit' | 'train amend/--unit')
                _lumbarctl_add kg lb
                ;;
            'train amend/--exercise')
                _lumbarctl_add_daemon exercises
                ;;
        esac
        return
    fi

    # Options.
    if [[ $cur == -* ]] && ! $ddash; then
        # shellcheck disable=SC2086 # lists of words
        _lumbarctl_add $valued $switches -s --socket -j --json -h --help -V --version
        return
    fi

    # The command, the sub-command, the arguments.
    if [[ -z $cmd ]]; then
        _lumbarctl_add "${_lumbarctl_commands[@]}"
        return
    fi
    case $verb in
        '')
            case $cmd in
                remind) _lumbarctl_add "${_lumbarctl_remind_subs[@]}" ;;
                rest) _lumbarctl_add "${_lumbarctl_rest_subs[@]}" ;;
                train) _lumbarctl_add "${_lumbarctl_train_subs[@]}" ;;
                pain) _lumbarctl_add "${_lumbarctl_pain_subs[@]}" ;;
            esac
            ;;
        help)
            if ((nargs == 0)); then
                _lumbarctl_add "${_lumbarctl_commands[@]}"
            elif ((nargs == 1)); then
                case ${args[0]} in
                    remind) _lumbarctl_add "${_lumbarctl_remind_subs[@]}" ;;
                    rest) _lumbarctl_add "${_lumbarctl_rest_subs[@]}" ;;
                    train) _lumbarctl_add "${_lumbarctl_train_subs[@]}" ;;
                    pain) _lumbarctl_add "${_lumbarctl_pain_subs[@]}" ;;
                esac
            fi
            ;;
        'remind snooze' | 'remind done' | 'remind skip' | 'remind rm')
            ((nargs == 0)) && _lumbarctl_add_daemon reminders
            ;;
        'rest pause' | 'rest resume' | 'rest extend' | 'rest next' | 'rest cancel' | 'rest watch')
            ((nargs == 0)) && _lumbarctl_add_daemon rests
            ;;
        'rest preset')
            ((nargs == 0)) && _lumbarctl_add_daemon presets
            ;;
        'remind add')
            ((nargs == 1)) && _lumbarctl_add "${_lumbarctl_schedules[@]}"
            ;;
        'remind preview')
            ((nargs == 0)) && _lumbarctl_add "${_lumbarctl_schedules[@]}"
            ;;
        'pain log' | 'pain checkin')
            ((nargs == 0)) && _lumbarctl_add 0 1 2 3 4 5 6 7 8 9 10
            ;;
        'pain edit' | 'pain rm')
            ((nargs == 0)) && _lumbarctl_add_daemon entries
            ;;
        set | 'train history')
            ((nargs == 0)) && _lumbarctl_add_daemon exercises
            ;;
        'train amend' | 'train rm')
            ((nargs == 0)) && _lumbarctl_add_daemon sets
            ;;
        call)
            if ((nargs == 0)); then
                _lumbarctl_add "${_lumbarctl_core_methods[@]}"
                _lumbarctl_add_daemon methods
            fi
            ;;
        watch)
            # '*', each plugin's 'NAME.*' and each event
            _lumbarctl_add '*'
            _lumbarctl_add_daemon events
            ;;
    esac
} &&
    complete -F _lumbarctl lumbarctl

# ex: filetype=sh
