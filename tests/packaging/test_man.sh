#!/bin/sh
# The man pages, all generated at build time except svcmode-screens(5):
# each renders at 80 columns without a warning from man or groff; svcmode(1)
# documents every operation of the table and every command, option,
# environment variable and exit code that the built svcmode names in its
# --help; svcmode-settings(7) every catalog key; svcmode-codes(7) every
# device error code; svcmode-lms(8) every command and option of
# svcmode-lms (when it is built). Needs SVCMODE, MANDIR (the built pages),
# BUILD (svcmode-gen), SVCMODE_LMS (optional).
. "$SRC/tests/packaging/lib.sh"
: "${MANDIR:?MANDIR must name the built man pages}"

# render PAGE WIDTH [LOCALE]: the page as text in $WORK/page.txt, warnings
# in $WORK/err. The C locale (the default) gives ASCII text to compare with
# --help; the warning check renders in C.UTF-8 too, as a reader's man does.
render() {
  LC_ALL=${3:-C} MANROFFSEQ='' MANWIDTH=$2 MAN_KEEP_FORMATTING= man --warnings -l "$1" \
    >"$WORK/page.txt" 2>"$WORK/err"
  RC=$?
}

PAGES="svcmode.1 svcmode-settings.7 svcmode-codes.7 svcmode-screens.5"
[ -n "${SVCMODE_LMS:-}" ] && PAGES="$PAGES svcmode-lms.8"
for page in $PAGES; do
  f="$MANDIR/$page"
  [ -f "$f" ] && ok || { fail "$page was not built into $MANDIR"; continue; }
  render "$f" 80 C.UTF-8
  check_rc "$page renders in C.UTF-8" 0
  [ -s "$WORK/err" ] && fail "$page: man or groff warned in C.UTF-8: $(head -c 600 "$WORK/err")" || ok
  render "$f" 80
  check_rc "$page renders" 0
  [ -s "$WORK/err" ] && fail "$page: man or groff warned: $(head -c 600 "$WORK/err")" || ok
  grep -q "^NAME" "$WORK/page.txt" && ok || fail "$page: no NAME section"
  long=$(awk 'length > 80' "$WORK/page.txt" | head -3)
  [ -z "$long" ] && ok || fail "$page: lines wider than 80 columns: $long"
  grep -q '@[A-Z_]*@' "$WORK/page.txt" && fail "$page: an unconfigured @VARIABLE@" || ok
  grep -q 'svcmode-gen:\|lms-commands' "$f" && fail "$page: a marker was left unfilled" || ok
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
for s in SYNOPSIS FILES "SERIAL CONSOLE" "SEE ALSO"; do
  grep -q "^$s" "$WORK/svcmode.txt" && ok || fail "svcmode(1) has no $s section"
done
# Every operation of the table has its entry in svcmode(1): its words
# (those that select by option, such as 'init --report', share the entry
# of their first word).
gen="$BUILD/src/cli/svcmode-gen"
"$gen" words >"$WORK/words" && [ -s "$WORK/words" ] && ok || fail "svcmode-gen words failed"
while read -r words; do
  plain=$(printf '%s\n' "$words" | sed 's/ --[a-z-]*//g')
  grep -Eq "^ {3}svcmode $plain( |\$)" "$WORK/svcmode.txt" && ok ||
    fail "svcmode(1) has no entry for the operation '$words'"
done <"$WORK/words"
echo "svcmode(1): $(wc -l <"$WORK/words") operations checked"

# svcmode-settings(7): one entry per catalog key, and no other.
render "$MANDIR/svcmode-settings.7" 200
"$SVCMODE" --db "$WORK/keys.db" list --json >"$WORK/list" 2>/dev/null
"$SVCMODE" --db "$WORK/keys.db" list box.00 --json >"$WORK/list-box" 2>/dev/null
# The instanced keys are one entry each, under their declared name.
python3 -c 'import json,sys; [print(e["key"].replace("box.00.", "box.NN.")) for f in sys.argv[1:] for e in json.load(open(f))]' \
  "$WORK/list" "$WORK/list-box" | sort >"$WORK/keys"
grep -q '^box\.NN\.name$' "$WORK/keys" && ok || fail "svcmode list box.00 --json has no box.00.name"
[ -s "$WORK/keys" ] && ok || fail "svcmode list --json gave no key"
sed -n '/^SETTINGS/,/^[A-Z]/p' "$WORK/page.txt" | sed -n 's/^   \([a-z][A-Za-z0-9_.-]*\)$/\1/p' | sort >"$WORK/pagekeys"
if diff "$WORK/keys" "$WORK/pagekeys" >"$WORK/diff"; then ok; else
  fail "svcmode-settings(7) and the catalog's keys differ (< catalog, > page): $(cat "$WORK/diff")"; fi
for field in Type Accepts Default Level Menu Initialize Effect; do
  n=$(grep -c "^       $field: " "$WORK/page.txt")
  [ "$n" -eq "$(wc -l <"$WORK/keys")" ] && ok || fail "svcmode-settings(7): $n '$field' lines"
done
[ "$(grep -c '^       Instances: *00-99$' "$WORK/page.txt")" -eq "$(grep -c '^box\.NN\.' "$WORK/keys")" ] &&
  ok || fail "svcmode-settings(7): an instanced key without its instances"
grep -q "^       Default: *7654321$" "$WORK/page.txt" && ok ||
  fail "svcmode-settings(7): the factory PIN is not given"

# svcmode-codes(7): the device's mail error codes, with a meaning each:
# those of the manual, and every one that 'svcmode mail codes' prints.
render "$MANDIR/svcmode-codes.7" 200
mailcodes=$(SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
  "$SVCMODE" --db "$WORK/codes.db" mail codes 2>/dev/null | sed -n 's/^#\([0-9]*\) .*/\1/p')
[ -n "$mailcodes" ] && ok || fail "svcmode mail codes printed no code"
for code in 810 813 839 843 $mailcodes; do
  grep -Eq "^ +#$code +\[exit [0-9]+, EX_[A-Z]+\] [A-Za-z]" "$WORK/page.txt" && ok ||
    fail "svcmode-codes(7) lacks error code #$code"
done
grep -q 'svcmode-codes' "$WORK/svcmode.txt" && ok || fail "svcmode(1) does not refer to svcmode-codes(7)"

if [ -n "${SVCMODE_LMS:-}" ]; then
  covers "$SVCMODE_LMS" svcmode-lms "$MANDIR/svcmode-lms.8"
else
  echo "svcmode-lms is not built: its page is only rendered"
fi
finish
