# bash completion for svcmode-lms                             -*- shell-script -*-
#
# Everything comes from the program itself at completion time, so that new
# commands and options complete without editing this file:
#   - commands: the "commands:" list of 'PROGRAM --help';
#   - options and sub-commands: 'PROGRAM COMMAND --help' (every --option it
#     names; alternatives written a|b|c in the usage line);
#   - setting keys: 'svcmode list' (keys only), and for 'set KEY' the values
#     that 'svcmode describe KEY' accepts (ON/OFF, choices).
# Keys are read from a throw-away store in a temporary directory: the
# catalog is compiled into the program, so every store has the same keys,
# and pressing TAB must never create, change or lock the device's store
# (opening it would also run Auto Erase or finish an interrupted
# initialization). The keys are cached per program for the life of the shell.

# The program being completed: the first word as typed (a path works too).
_svcmodelms_prog()
{
    local p=${COMP_WORDS[0]}
    [[ $p == "~"* ]] && p=$HOME${p:1}
    printf '%s' "$p"
}

# Runs PROGRAM on a temporary store: _svcmodelms_tmpstore PROG ARGS...
_svcmodelms_tmpstore()
{
    local prog=$1 dir rc
    shift
    dir=$(mktemp -d "${TMPDIR:-/tmp}/svcmode-complete.XXXXXX") || return 1
    "$prog" --db "$dir/device.db" "$@" 2>/dev/null
    rc=$?
    rm -rf -- "$dir"
    return $rc
}

# Setting keys, one per line (cached per program path).
_svcmodelms_keys()
{
    local prog=$1
    if [[ ${_svcmodelms_keys_prog-} != "$prog" || -z ${_svcmodelms_keys_cache-} ]]; then
        _svcmodelms_keys_cache=$(_svcmodelms_tmpstore "$prog" list | while IFS=$' \t' read -r k _; do
            printf '%s\n' "$k"
        done)
        _svcmodelms_keys_prog=$prog
    fi
    printf '%s\n' "$_svcmodelms_keys_cache"
}

# Values a key accepts, from the "accepts:" line of 'svcmode describe KEY':
# "ON or OFF", "one of 'Standard', 'APOP', 'POP AUTH'".
_svcmodelms_values()
{
    local line
    line=$(_svcmodelms_tmpstore "$1" describe "$2" | grep '^accepts:')
    case $line in
    *"ON or OFF"*) printf '%s\n' ON OFF ;;
    *"one of "*)
        line=${line#*one of }
        printf '%s\n' "$line" | grep -o "'[^']*'" | tr -d "'"
        ;;
    esac
}

# Commands: the first word of each line of the "commands:" list of --help.
_svcmodelms_commands()
{
    "$1" --help 2>/dev/null | awk '
        /^commands:/ { on = 1; next }
        on && /^[^ ]/ { on = 0 }
        on && NF == 0 { on = 0 }
        on && /^  [a-z]/ { print $1 }'
}

# The global options: those of the first line of 'PROGRAM --help'.
_svcmodelms_globals()
{
    "$1" --help 2>/dev/null | sed -n 1p | grep -o -- '--*[a-z][a-z0-9-]*' | sort -u
}

# Everything --help tells about one command: its usage line (without
# "usage: PROG CMD") on the first output line, then its --options (those
# its help names, less the global ones it may mention).
_svcmodelms_cmd_help()
{
    local prog=$1 cmd=$2 text
    text=$("$prog" "$cmd" --help 2>/dev/null) || return 0
    printf '%s\n' "$text" | sed -n "1s/^usage: [^ ]* $cmd *//p"
    printf '%s\n' "$text" | grep -o -- '--[a-z0-9][a-z0-9-]*' | sort -u |
        grep -vxF -f <(_svcmodelms_globals "$prog"; echo --help)
    printf '%s\n' --help
}

# The sub-commands of a command group (cert, mac, ...): the words that
# follow "PROGRAM COMMAND" in its help, and the first words of the
# help's indented lines.
_svcmodelms_subcommands()
{
    local prog=$1 cmd=$2 text
    text=$("$prog" "$cmd" --help 2>/dev/null | sed 1d)
    {
        printf '%s\n' "$text" | grep -o "${prog##*/} $cmd [a-z][a-z0-9-]*" | awk '{ print $3 }'
        printf '%s\n' "$text" | awk '/^  +[a-z][a-z0-9-]*( |$)/ { print $1 }'
    } | sort -u
}

# Completes FILE arguments.
_svcmodelms_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir
    else
        local IFS=$'\n'
        COMPREPLY+=($(compgen -f -- "$cur"))
    fi
}

_svcmodelms()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog cmd="" cmdi=0 i w IFS=$'\n'
    COMPREPLY=()
    prog=$(_svcmodelms_prog)

    # Global options and their values come before the command.
    case $prev in
    --db | --secret-file) _svcmodelms_files; return ;;
    --operator) return ;;
    esac
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        --db | --operator | --secret-file) ((i++)) ;;
        -*) ;;
        *) cmd=$w; cmdi=$i; break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$(_svcmodelms_globals "$prog")
--help
--version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_svcmodelms_commands "$prog")" -- "$cur"))
        fi
        return
    fi

    local help usage opts
    help=$(_svcmodelms_cmd_help "$prog" "$cmd")
    usage=$(printf '%s\n' "$help" | sed -n 1p)
    opts=$(printf '%s\n' "$help" | sed 1d)
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    # The option's value, when the previous word is an option that takes
    # one (written "--opt VALUE" in the usage).
    if [[ $prev == --* && $usage == *"$prev "[A-Z]* ]]; then
        case $usage in
        *"$prev "FILE* | *"$prev "DIR* | *"$prev "PATH*) _svcmodelms_files ;;
        esac
        return
    fi

    # The Nth positional argument against the Nth placeholder of the usage.
    local n=0 j
    for ((j = cmdi + 1; j < COMP_CWORD; j++)); do
        [[ ${COMP_WORDS[j]} == -* ]] && continue
        [[ ${COMP_WORDS[j - 1]} == --* && $usage == *"${COMP_WORDS[j - 1]} "[A-Z]* ]] && continue
        ((n++))
    done
    local -a slots
    IFS=$' \n' read -r -a slots <<<"$(printf '%s\n' "$usage" |
        sed 's/\[*--*[a-z0-9-]*\( [A-Z][A-Z0-9]*\)*\]*//g')"
    local slot=${slots[n]-}
    slot=${slot//[\[\]]/}
    IFS=$'\n'

    case $slot in
    KEY | PREFIX)
        COMPREPLY=($(compgen -W "$(_svcmodelms_keys "$prog")" -- "$cur"))
        ;;
    VALUE)
        if [[ $cmd == set ]]; then
            local v
            while read -r v; do
                [[ -n $v && $v == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$v")")
            done <<<"$(_svcmodelms_values "$prog" "${COMP_WORDS[cmdi + 1]}")"
        fi
        ;;
    *FILE* | *DIR* | *PATH*) _svcmodelms_files ;;
    *"|"*)
        [[ $slot =~ ^[a-z0-9|-]+$ ]] &&
            COMPREPLY=($(compgen -W "${slot//|/$'\n'}" -- "$cur"))
        ;;
    SUBCOMMAND | COMMAND | ACTION)
        ((n == 0)) && COMPREPLY=($(compgen -W "$(_svcmodelms_subcommands "$prog" "$cmd")" -- "$cur"))
        ;;
    esac
} && complete -F _svcmodelms svcmode-lms
