# fish completion for lumbarctl, the client of lumbard
#
# Installed in fish/vendor_completions.d, it is loaded on the first <TAB>
# after `lumbarctl`; `source` it to try it.
#
# Completes the global options, the commands and sub-commands, each
# sub-command's options and their fixed values (pain log --where, --symptom,
# pain export --format, ...), files for --socket and -o, and from the running
# daemon: reminder ids, rest ids, diary entry ids, preset names, exercises,
# set ids, method names for `call` and event patterns for `watch`. Those come from `lumbarctl __complete KIND`
# (the lumbarctl typed, on the socket given on the line: -s/--socket, else
# $LUMBARD_SOCKET or the default), which gives the daemon a second to answer
# and prints nothing when none does; then nothing is offered.

set -g __lumbarctl_locations lower-back lower-back-left lower-back-right glute-left glute-right hip-left hip-right leg-left leg-right
set -g __lumbarctl_triggers deadlift bending lifting cleaning sitting skipped-warm-up stress sleep travel
set -g __lumbarctl_schedules minutely hourly daily weekly monthly quarterly semiannually yearly annually

# The options of a verb that take a value (the global ones aside).
function __lumbarctl_valued --argument-names verb
    switch $verb
        case 'remind add'
            echo --message --from --to
        case 'remind skip'
            echo --reason
        case 'remind pause' 'remind resume'
            echo --id
        case 'remind preview'
            echo -n --count --base --from --to
        case 'rest start'
            echo --label --sets --set --until --warn
        case 'rest preset'
            echo --after-set --set
        case set
            echo --rir --note --unit --at
        case 'train history'
            echo --since --until -n --limit
        case 'train sessions'
            echo --days
        case 'train amend'
            echo --reps --weight --unit --rir --note --exercise --at
        case 'pain log'
            echo -w --where --location -t --trigger -m --note --symptom --at
        case 'pain edit'
            echo --level -w --where --location -t --trigger -m --note --symptom --at
        case 'pain history'
            echo --since --until -n --limit
        case 'pain stats' 'pain chart'
            echo --days
        case 'pain export'
            echo --format -o --output --since --until
        case 'pain report'
            echo -o --output --days
    end
end

# The words before the cursor that are no option nor an option's value, one
# a line: the command, its sub-command, the arguments.
function __lumbarctl_words
    set -l cmd ''
    set -l verb ''
    set -l valued
    set -l skip 0
    set -l ddash 0
    for w in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        if test $ddash = 1; or not string match -qr -- '^-.' $w; or string match -qr -- '^-[0-9.]' $w
            echo $w
            if test -z "$cmd"
                set cmd $w
                contains -- $cmd remind rest train pain; or set verb $cmd
            else if test -z "$verb"
                set verb "$cmd $w"
            end
            set valued (string split ' ' -- (__lumbarctl_valued $verb))
            continue
        end
        switch $w
            case --
                set ddash 1
            case -s --socket
                set skip 1
            case '--*=*' -j --json -h --help -V --version
            case '*'
                contains -- $w $valued; and set skip 1
        end
    end
end

# The socket given on the line, if one is.
function __lumbarctl_socket
    set -l tokens (commandline -opc)
    set -l socket
    for i in (seq 2 (count $tokens))
        switch $tokens[$i]
            case --
                break
            case -s --socket
                set socket $tokens[(math $i + 1)]
            case '--socket=*'
                set socket (string replace -- --socket= '' $tokens[$i])
        end
    end
    test -n "$socket"; and string replace -r -- '^~/' "$HOME/" $socket
end

# Is the command still to come?
function __lumbarctl_needs_command
    test (count (__lumbarctl_words)) = 0
end

# Is the sub-command of remind, rest, train or pain still to come?
function __lumbarctl_needs_sub
    set -l words (__lumbarctl_words)
    test (count $words) = 1; and contains -- $words[1] remind rest train pain
end

# __lumbarctl_verb VERB...: is the verb of the line one of these?
# __lumbarctl_arg N VERB...: ... and has it N arguments before the cursor?
function __lumbarctl_arg --argument-names n
    set -l words (__lumbarctl_words)
    set -q words[1]; or return 1
    set -l verb $words[1]
    set -l nargs (math (count $words) - 1)
    if contains -- $words[1] remind rest train pain
        set -q words[2]; or return 1
        set verb "$words[1] $words[2]"
        set nargs (math $nargs - 1)
    end
    contains -- $verb $argv[2..-1]; or return 1
    test "$n" = any; or test $nargs = $n
end

function __lumbarctl_verb
    __lumbarctl_arg any $argv
end

# __lumbarctl_ask KIND: `lumbarctl __complete KIND` (reminders, rests,
# presets, methods, events, entries, exercises, sets), "VALUE<TAB>DESCRIPTION" lines, from the daemon
# the line talks to; nothing when none answers within a second.
function __lumbarctl_ask --argument-names kind
    set -l run lumbarctl
    set -l typed (commandline -opc)[1]
    if string match -q -- '*/*' $typed
        set typed (string replace -r -- '^~/' "$HOME/" $typed)
        test -x "$typed"; and set run $typed
    end
    # (fish itself would say on stderr that there is no such command)
    command -q $run[1]; or return
    set -l socket (__lumbarctl_socket)
    test -n "$socket"; and set -a run --socket $socket
    command $run __complete $kind </dev/null 2>/dev/null
end

function __lumbarctl_methods
    printf '%s\t%s\n' daemon.ping 'is the daemon there' daemon.version 'its version' \
        daemon.status 'what it is doing' daemon.plugins 'the plugins, their methods and events' \
        daemon.subscribe 'get events' daemon.unsubscribe 'no more events' \
        daemon.reload 're-read the config'
    __lumbarctl_ask methods
end

# '*', then each plugin's "NAME.*" and each event, from the daemon.
function __lumbarctl_patterns
    printf '%s\t%s\n' '*' 'every event'
    __lumbarctl_ask events
end

function __lumbarctl_commands
    printf '%s\t%s\n' status 'what the daemon is doing' \
        plugins 'the loaded plugins, their methods and events' \
        watch 'print events as they happen' \
        call 'call any method of the daemon' \
        remind 'reminders: add, list, snooze, done, skip, pause, ...' \
        rest 'rest timers between sets' \
        set 'log a set; its rest starts at once' \
        train 'the training log: history, sessions, exercises, amend, rm' \
        pain 'the pain diary' \
        help 'show the help of a command'
end

function __lumbarctl_subs --argument-names cmd
    test -n "$cmd"; or set cmd (__lumbarctl_words)[1]
    switch $cmd
        case remind
            printf '%s\t%s\n' add 'add a reminder' \
                list 'the reminders and when they are next due' \
                snooze 'remind of a due reminder again later' \
                done 'a due reminder is done' \
                skip 'skip the due elapse, or the next one' \
                pause 'pause the reminders, or one, for a while' \
                resume 'end a pause early' \
                rm 'remove a reminder added at run time' \
                preview 'the next elapses of a schedule'
        case rest
            printf '%s\t%s\n' start 'start a rest between sets' \
                list 'the rests, routines and sequences under way' \
                watch 'follow a rest or routine started elsewhere' \
                pause 'pause a running rest' \
                resume 'resume a paused rest' \
                extend 'rest longer' \
                next 'the next set starts, or is done' \
                cancel 'stop a rest, routine or sequence for good' \
                preset 'start a routine or sequence of the config' \
                presets 'the presets of the config, described'
        case train
            printf '%s\t%s\n' history 'the sets of the training log, newest first' \
                sessions 'the training sessions, newest first' \
                exercises 'the exercises: programme, sets logged' \
                amend 'correct a set of the training log' \
                rm 'remove a set from the training log'
        case pain
            printf '%s\t%s\n' log 'log how the back is, 0-10' \
                edit 'correct an entry of the diary' \
                rm 'remove an entry from the diary' \
                history 'the entries of the diary, newest first' \
                stats 'averages, trend, flare-ups, triggers and the warm-up' \
                export 'the diary as CSV or JSON' \
                chart 'the last days at a glance' \
                report 'an HTML page of the diary to show a therapist' \
                checkin 'answer the check-in lumbard has due'
    end
end

# --symptom KEY or KEY,KEY,...: the keys, after those already given.
function __lumbarctl_symptoms
    set -l token (string replace -r -- '^--symptom=' '' (commandline -ct))
    set -l head ''
    string match -q -- '*,*' $token; and set head (string replace -r -- '[^,]*$' '' $token)
    set -l given (string split , -- $head)
    for key in stiffness spasm radiating tingling
        contains -- $key $given; or printf '%s%s\t%s\n' $head $key symptom
    end
    for key in saddle-numbness bladder-bowel leg-weakness fever weight-loss night-pain trauma
        contains -- $key $given; or printf '%s%s\t%s\n' $head $key 'red flag: urgent care'
    end
end

complete -c lumbarctl -f

# Global options, before or after the command.
complete -c lumbarctl -s s -l socket -r -F -d "the daemon's socket"
complete -c lumbarctl -s j -l json -d 'print JSON instead of text'
complete -c lumbarctl -s h -l help -d 'show help (of the command, when one is given)'
complete -c lumbarctl -s V -l version -d "print lumbarctl's version"

# Commands and sub-commands.
complete -c lumbarctl -n __lumbarctl_needs_command -a '(__lumbarctl_commands)'
complete -c lumbarctl -n __lumbarctl_needs_sub -a '(__lumbarctl_subs)'
complete -c lumbarctl -n '__lumbarctl_arg 0 help' -a '(__lumbarctl_commands)'
complete -c lumbarctl -n '__lumbarctl_arg 1 help' -a '(__lumbarctl_subs (__lumbarctl_words)[2])'

# watch, call
complete -c lumbarctl -n '__lumbarctl_verb watch' -a '(__lumbarctl_patterns)'
complete -c lumbarctl -n '__lumbarctl_arg 0 call' -a '(__lumbarctl_methods)'

# remind
complete -c lumbarctl -n '__lumbarctl_arg 0 "remind snooze" "remind done" "remind skip" "remind rm"' \
    -a '(__lumbarctl_ask reminders)'
complete -c lumbarctl -n '__lumbarctl_arg 1 "remind add"; or __lumbarctl_arg 0 "remind preview"' \
    -a "$__lumbarctl_schedules" -d 'calendar shorthand'
complete -c lumbarctl -n '__lumbarctl_verb "remind add"' -l message -x -d 'what it says when due'
complete -c lumbarctl -n '__lumbarctl_verb "remind add" "remind preview"' -l from -x -d '"every" only: active from HH:MM'
complete -c lumbarctl -n '__lumbarctl_verb "remind add" "remind preview"' -l to -x -d '"every" only: active until HH:MM'
complete -c lumbarctl -n '__lumbarctl_verb "remind skip"' -l reason -x -d 'why, logged with it'
complete -c lumbarctl -n '__lumbarctl_verb "remind pause" "remind resume"' -l id -x \
    -a '(__lumbarctl_ask reminders)' -d 'only this reminder'
complete -c lumbarctl -n '__lumbarctl_verb "remind preview"' -s n -l count -x -d 'how many elapses'
complete -c lumbarctl -n '__lumbarctl_verb "remind preview"' -l base -x -d 'count from TIME rather than now'

# rest
complete -c lumbarctl -n '__lumbarctl_arg 0 "rest pause" "rest resume" "rest extend" "rest next" "rest cancel" "rest watch"' \
    -a '(__lumbarctl_ask rests)'
complete -c lumbarctl -n '__lumbarctl_arg 0 "rest preset"' -a '(__lumbarctl_ask presets)'
complete -c lumbarctl -n '__lumbarctl_verb "rest start"' -l label -x -d 'what the rest is for'
complete -c lumbarctl -n '__lumbarctl_verb "rest start"' -l sets -x -d 'sets in the routine'
complete -c lumbarctl -n '__lumbarctl_verb "rest start"' -l set -x -d 'the set just done'
complete -c lumbarctl -n '__lumbarctl_verb "rest preset"' -l after-set -x -d 'sets done already: start with the rest after set N'
complete -c lumbarctl -n '__lumbarctl_verb "rest preset"' -l set -x -d 'the old name of --after-set'
complete -c lumbarctl -n '__lumbarctl_verb "rest start"' -l until -x -d 'a window: overdue after DURATION'
complete -c lumbarctl -n '__lumbarctl_verb "rest start"' -l warn -x -d 'warn this long before the end'
complete -c lumbarctl -n '__lumbarctl_verb "rest start" "rest preset"' -l wait -d 'follow it until it is over'
complete -c lumbarctl -n '__lumbarctl_verb "rest next"' -l wait -d 'then follow it'
complete -c lumbarctl -n '__lumbarctl_verb "rest list"' -l wait -d 'follow the rest under way, the most recent'

# pain
complete -c lumbarctl -n '__lumbarctl_arg 0 "pain log" "pain checkin"' -a 0 -d 'no pain'
complete -c lumbarctl -n '__lumbarctl_arg 0 "pain log" "pain checkin"' -a '1 2 3' -d mild
complete -c lumbarctl -n '__lumbarctl_arg 0 "pain log" "pain checkin"' -a '4 5 6' -d moderate
complete -c lumbarctl -n '__lumbarctl_arg 0 "pain log" "pain checkin"' -a '7 8 9' -d severe
complete -c lumbarctl -n '__lumbarctl_arg 0 "pain log" "pain checkin"' -a 10 -d 'the worst imaginable'
complete -c lumbarctl -n '__lumbarctl_verb "pain checkin"' -l skip -d 'skip the check-in'
complete -c lumbarctl -n '__lumbarctl_arg 0 "pain edit" "pain rm"' -a '(__lumbarctl_ask entries)'
complete -c lumbarctl -n '__lumbarctl_verb "pain edit"' -l level -x \
    -a '0 1 2 3 4 5 6 7 8 9 10' -d 'the level, 0-10'
complete -c lumbarctl -n '__lumbarctl_verb "pain log" "pain edit"' -s w -l where -l location -x \
    -a "$__lumbarctl_locations" -d 'where it hurts'
complete -c lumbarctl -n '__lumbarctl_verb "pain log" "pain edit"' -s t -l trigger -x \
    -a "$__lumbarctl_triggers" -d 'what set it off'
complete -c lumbarctl -n '__lumbarctl_verb "pain log" "pain edit"' -s m -l note -x -d 'anything else'
complete -c lumbarctl -n '__lumbarctl_verb "pain log" "pain edit"' -l symptom -x \
    -a '(__lumbarctl_symptoms)' -d 'a symptom (KEY,KEY for more)'
complete -c lumbarctl -n '__lumbarctl_verb "pain log"' -l at -x -d 'an earlier moment'
complete -c lumbarctl -n '__lumbarctl_verb "pain edit"' -l at -x -d 'when it was'
complete -c lumbarctl -n '__lumbarctl_verb "pain history" "pain export"' -l since -x -d 'entries from TIME on'
complete -c lumbarctl -n '__lumbarctl_verb "pain history" "pain export"' -l until -x -d 'entries before TIME'
complete -c lumbarctl -n '__lumbarctl_verb "pain history"' -s n -l limit -x -d 'at most N entries'
complete -c lumbarctl -n '__lumbarctl_verb "pain stats" "pain chart" "pain report"' -l days -x -d 'how many days'
complete -c lumbarctl -n '__lumbarctl_verb "pain export"' -l format -x -a 'csv json' -d 'the format'
complete -c lumbarctl -n '__lumbarctl_verb "pain export"' -s o -l output -r -F -d 'write it to FILE'
complete -c lumbarctl -n '__lumbarctl_verb "pain report"' -s o -l output -x \
    -a '(__fish_complete_suffix .html)' -d 'the HTML file to write'
complete -c lumbarctl -n '__lumbarctl_verb "pain report"' -l oldest-first -d 'list the entries oldest first'

# set, train
complete -c lumbarctl -n '__lumbarctl_arg 0 set "train history"' -a '(__lumbarctl_ask exercises)'
complete -c lumbarctl -n '__lumbarctl_arg 0 "train amend" "train rm"' -a '(__lumbarctl_ask sets)'
complete -c lumbarctl -n '__lumbarctl_verb set' -l rir -x -d 'reps in reserve, 0-10'
complete -c lumbarctl -n '__lumbarctl_verb set' -l note -x -d 'anything else'
complete -c lumbarctl -n '__lumbarctl_verb set' -l unit -x -a 'kg lb' -d 'the unit of a bare WEIGHT'
complete -c lumbarctl -n '__lumbarctl_verb set' -l at -x -d 'a set done before'
complete -c lumbarctl -n '__lumbarctl_verb set' -l no-rest -d 'start no rest'
complete -c lumbarctl -n '__lumbarctl_verb set' -l wait -d 'follow the rest until it is over'
complete -c lumbarctl -n '__lumbarctl_verb "train history"' -l since -x -d 'sets from TIME on'
complete -c lumbarctl -n '__lumbarctl_verb "train history"' -l until -x -d 'sets up to TIME'
complete -c lumbarctl -n '__lumbarctl_verb "train history"' -s n -l limit -x -d 'at most N sets'
complete -c lumbarctl -n '__lumbarctl_verb "train sessions"' -l days -x -d 'how many days'
complete -c lumbarctl -n '__lumbarctl_verb "train amend"' -l reps -x -d 'the repetitions'
complete -c lumbarctl -n '__lumbarctl_verb "train amend"' -l weight -x -d 'the weight (40kg, 90lb; 0 for none)'
complete -c lumbarctl -n '__lumbarctl_verb "train amend"' -l unit -x -a 'kg lb' -d 'the unit of a bare --weight'
complete -c lumbarctl -n '__lumbarctl_verb "train amend"' -l rir -x -d 'reps in reserve, 0-10'
complete -c lumbarctl -n '__lumbarctl_verb "train amend"' -l note -x -d 'anything else'
complete -c lumbarctl -n '__lumbarctl_verb "train amend"' -l exercise -x \
    -a '(__lumbarctl_ask exercises)' -d 'the exercise it was a set of'
complete -c lumbarctl -n '__lumbarctl_verb "train amend"' -l at -x -d 'when it was done'
