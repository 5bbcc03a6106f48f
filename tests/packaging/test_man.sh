#!/bin/sh
# The man pages: both render at 80 columns without a warning from man or
# groff, and svcmode(1) documents every command, option, environment
# variable and exit code that the built svcmode names in its --help (and
# svcmode-lms(1) every command and option of svcmode-lms, when it is
# built). Needs SVCMODE, MANDIR (the configured pages), SVCMODE_LMS (optional).
. "$SRC/tests/packaging/lib.sh"
: "${MANDIR:?MANDIR must name the configured man pages}"

# render PAGE WIDTH: the page as text in $WORK/page.txt, warnings in $WORK/err.
render() {
  MANWIDTH=$2 MAN_KEEP_FORMATTING= man --warnings -l "$1" >"$WORK/page.txt" 2>"$WORK/err"
  RC=$?
}

for page in svcmode svcmode-lms; do
  f="$MANDIR/$page.1"
  [ -f "$f" ] && ok || fail "$page.1 was not configured into $MANDIR"
  render "$f" 80
  check_rc "$page(1) renders" 0
  [ -s "$WORK/err" ] && fail "$page(1): man or groff warned: $(head -c 600 "$WORK/err")" || ok
  grep -q "^NAME" "$WORK/page.txt" && grep -q "^SYNOPSIS" "$WORK/page.txt" && ok ||
    fail "$page(1): no NAME or SYNOPSIS section"
  long=$(awk 'length > 80' "$WORK/page.txt" | head -3)
  [ -z "$long" ] && ok || fail "$page(1): lines wider than 80 columns: $long"
  grep -q '@[A-Z_]*@' "$WORK/page.txt" && fail "$page(1): an unconfigured @VARIABLE@" || ok
done

# covers PROG PAGE: every command, and every option of each command, that
# PROG's help names is documented in PAGE (one ".SS PROG COMMAND ..." each).
covers() {
  prog=$1 name=$2
  render "$3" 200
  cp "$WORK/page.txt" "$WORK/$name.txt"
  "$prog" --help >"$WORK/help" 2>&1 || fail "$name --help failed"
  # Commands: the "commands:" list, else "usage: PROG WORD" lines.
  cmds=$(awk '/^commands:/ { on = 1; next } on && (NF == 0 || /^[^ ]/) { on = 0 } on && /^  [a-z]/ { print $1 }' \
    "$WORK/help")
  [ -n "$cmds" ] || cmds=$(grep -o "$name [a-z][a-z0-9-]*" "$WORK/help" | awk '{ print $2 }' | sort -u)
  [ -n "$cmds" ] && ok || fail "$name --help lists no command"
  for c in $cmds; do
    if grep -Eq "^ {3}$name $c( |\$)" "$WORK/$name.txt"; then ok; else
      fail "$name(1) has no entry '.SS $name $c' for the command '$c' of '$name --help'"
      continue
    fi
    "$prog" "$c" --help >"$WORK/chelp" 2>&1
    for o in $(grep -o -- '--[a-z0-9][a-z0-9-]*' "$WORK/chelp" | sort -u); do
      [ "$o" = --help ] && continue
      grep -qF -- "$o" "$WORK/$name.txt" && ok ||
        fail "$name(1) does not document '$o' of '$name $c --help'"
    done
  done
  # Global options of the first usage line.
  for o in $(sed -n 1p "$WORK/help" | grep -o -- '--*[a-z][a-z0-9-]*' | sort -u); do
    grep -qF -- "$o" "$WORK/$name.txt" && ok || fail "$name(1) does not document the option '$o'"
  done
  echo "$name: $(echo $cmds | wc -w) commands checked"
  # Entries for commands this build does not have (modules not merged yet).
  extra=$(grep -Eo "^ {3}$name [a-z][a-z0-9-]*" "$WORK/$name.txt" | awk '{ print $2 }' |
    grep -vxF "$(printf '%s\n' $cmds)" | tr '\n' ' ')
  [ -n "$extra" ] && echo "note: $name(1) documents commands this build lacks: $extra"
  return 0
}

covers "$SVCMODE" svcmode "$MANDIR/svcmode.1"
# Environment variables and exit codes of svcmode --help.
"$SVCMODE" --help >"$WORK/help"
for v in $(grep -o 'SVCMODE_[A-Z0-9_]*' "$WORK/help" | sort -u); do
  sed -n '/^ENVIRONMENT/,/^[A-Z]/p' "$WORK/svcmode.txt" | grep -qw "$v" && ok ||
    fail "svcmode(1): ENVIRONMENT lacks $v"
done
codes=$(sed -n '/^exit codes:/,$p' "$WORK/help" | awk '$1 ~ /^[0-9]+$/ { print $1 }')
[ -n "$codes" ] && ok || fail "no exit codes in svcmode --help"
for code in $codes; do
  sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$WORK/svcmode.txt" | grep -Eq "^ +$code +[A-Z]" && ok ||
    fail "svcmode(1): EXIT STATUS lacks $code"
done
# The device's mail error codes, with a meaning each: those of the issue,
# and every one that 'svcmode mail codes' prints once mail is built.
mailcodes=$(SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
  "$SVCMODE" --db "$WORK/codes.db" mail codes 2>/dev/null | sed -n 's/^#\([0-9]*\) .*/\1/p')
for code in 810 813 839 843 $mailcodes; do
  grep -Eq "^ +#$code +[[A-Z]" "$WORK/svcmode.txt" && ok || fail "svcmode(1) lacks error code #$code"
done
for s in FILES "SERIAL CONSOLE" "DEVICE ERROR CODES"; do
  grep -q "^$s" "$WORK/svcmode.txt" && ok || fail "svcmode(1) has no $s section"
done

if [ -n "${SVCMODE_LMS:-}" ]; then
  covers "$SVCMODE_LMS" svcmode-lms "$MANDIR/svcmode-lms.1"
else
  echo "svcmode-lms is not built: its page is only rendered"
fi
finish
