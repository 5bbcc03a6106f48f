#!/bin/sh
# The bash completion of svcmode, generated from the operation table at
# build time: it loads in bash and completes commands, options, sub-command
# words, setting keys (from 'svcmode list') and the values of 'set KEY',
# both alone and with the bash-completion package loaded; every command's
# words complete (the table and the completion cannot drift); pressing TAB
# creates no store and leaves nothing behind. svcmode-lms's completion
# (packaging/completion/svcmode-lms.bash) loads and registers too.
. "$SRC/tests/packaging/lib.sh"
COMPLETION="$BUILD/packaging/completion/svcmode"
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"
# A store named by the environment that completion must not touch.
export SVCMODE_DB="$WORK/untouched/device.db"

# comp [--full] WORDS...: what TAB offers after WORDS (the last one is the
# word being completed), one per line, in $WORK/out; bash's status in $RC.
comp() {
  pre=""
  if [ "$1" = --full ]; then
    shift
    pre=". /usr/share/bash-completion/bash_completion;"
  fi
  bash --norc --noprofile -c "$pre"'
    . "$0" || exit 3
    complete -p svcmode >/dev/null || exit 4
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    _svcmode svcmode "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' "$COMPLETION" x "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
# expect NAME WORD...: each WORD is offered (a whole line of $WORK/out).
expect() {
  name=$1
  shift
  for w in "$@"; do
    grep -qxF -- "$w" "$WORK/out" && ok || fail "$name: '$w' not offered"
  done
}
# only NAME WORD...: exactly these are offered, in any order.
only() {
  name=$1
  shift
  printf '%s\n' "$@" | sort >"$WORK/want"
  sort "$WORK/out" | grep -v '^$' >"$WORK/got"
  cmp -s "$WORK/want" "$WORK/got" && ok || fail "$name: offered $(tr '\n' ' ' <"$WORK/got")"
}

for mode in "" --full; do
  [ "$mode" = --full ] && [ ! -f /usr/share/bash-completion/bash_completion ] &&
    { fail "bash-completion is not installed"; continue; }
  m="${mode:-plain}"
  comp $mode "$SVCMODE" lis
  check_rc "$m: loads" 0
  only "$m: command 'lis'" list
  # Every command of --help, and nothing else.
  comp $mode "$SVCMODE" ""
  only "$m: all commands" tui $("$SVCMODE" --help |
    awk '/^commands:/ { on = 1; next } on && NF == 0 { on = 0 } on && /^  [a-z]/ { print $1 }' | sort -u)
  # Every word of every command's usage completes after the words before it.
  "$BUILD/src/cli/svcmode-gen" words | sort -u >"$WORK/cmdwords"
  [ "$(wc -l <"$WORK/cmdwords")" -gt 30 ] && ok || fail "svcmode-gen words lists too few"
  while read -r line; do
    before_w=""
    for w in $line; do
      # shellcheck disable=SC2086
      comp $mode "$SVCMODE" $before_w "$w"
      grep -qxF -- "$w" "$WORK/out" && ok || fail "$m: '$before_w $w' does not complete to '$w'"
      before_w="$before_w $w"
    done
  done <"$WORK/cmdwords"
  comp $mode "$SVCMODE" --db "$WORK/x.db" de
  only "$m: command after --db" describe
  comp $mode "$SVCMODE" --
  expect "$m: global options" --db --operator --help --version
  comp $mode "$SVCMODE" get network.email.smtp.p
  only "$m: key" network.email.smtp.port
  comp $mode "$SVCMODE" list system.manager.
  only "$m: key prefix" system.manager.comment system.manager.contact system.manager.email \
    system.manager.id system.manager.name system.manager.pin
  comp $mode "$SVCMODE" describe ""
  [ "$(grep -c . "$WORK/out")" -eq "$("$SVCMODE" --db "$WORK/keys.db" list 2>/dev/null | wc -l)" ] &&
    ok || fail "$m: every key of 'svcmode list' is offered"
  comp $mode "$SVCMODE" set network.email.ssl.pop ""
  only "$m: bool values" ON OFF
  comp $mode "$SVCMODE" set network.email.auth.pop_auth_method ""
  only "$m: enum values" Standard APOP 'POP\ AUTH'
  comp $mode "$SVCMODE" log --l
  only "$m: command option" --limit
  comp $mode "$SVCMODE" export --
  only "$m: export options" --include-secrets --help
  comp $mode "$SVCMODE" passwd s
  only "$m: alternatives" service1 service2
  touch "$WORK/settings-export.json"
  comp $mode "$SVCMODE" import "$WORK/settings-ex"
  only "$m: file" "$WORK/settings-export.json"
done

# svcmode-lms's own completion loads and registers.
bash --norc --noprofile -c '. "$0" && complete -p svcmode-lms' \
  "$SRC/packaging/completion/svcmode-lms.bash" >/dev/null 2>&1 && ok || fail "svcmode-lms completion"

# TAB created no store, used no default path, and left no temporary file.
[ -e "$WORK/untouched" ] && fail "completion created the store of SVCMODE_DB" || ok
[ -e "$HOME/.local" ] && fail "completion created a store under HOME" || ok
[ -z "$(ls -A "$TMPDIR")" ] && ok || fail "completion left files: $(ls "$TMPDIR")"
finish
