# Reading the generated man pages' roff source (POSIX sh, sourced by test
# scripts after lib.sh): the pages are built from the catalog and the code
# table by svcmode-gen, and these tests check that what a reader gets
# there is what the program does. The roff source is read rather than
# man's output, so that the CLI tests need neither man-db nor groff
# (tests/packaging/test_man.sh renders every page).
: "${BUILD:?BUILD must name the build tree}"
MANPAGES="$BUILD/packaging/man"

# unroff: roff text back to plain text (the escapes cli_gen_roff writes).
unroff() { sed -e 's/^\\&//' -e 's/\\-/-/g' -e 's/\\e/\\/g'; }

# settings_field FIELD: "KEY<TAB>VALUE" for every setting of
# svcmode-settings(7), where FIELD is one of its tags (Effect, Initialize,
# Level, ...). Fails the test when the page is missing.
settings_field() {
  page="$MANPAGES/svcmode-settings.7"
  [ -s "$page" ] || { echo "FAIL: $page was not generated"; FAILED=$((FAILED + 1)); return 1; }
  awk -v tag=".IP \"$1:\" 12" '
    /^\.SS / { key = $2; next }
    want { print key "\t" $0; want = 0; next }
    $0 == tag && key != "" { want = 1 }
  ' "$page" | unroff
}

# page_key KEY: the name svcmode-settings(7) gives KEY: an instanced key's
# declared name (box.07.name -> box.NN.name), any other key itself.
page_key() { printf '%s\n' "$1" | sed 's/^box\.[0-9][0-9]\./box.NN./'; }

# codes_page: "#NNN  EXIT  MEANING" for every code of svcmode-codes(7), the
# form 'svcmode mail codes' prints.
codes_page() {
  page="$MANPAGES/svcmode-codes.7"
  [ -s "$page" ] || { echo "FAIL: $page was not generated"; FAILED=$((FAILED + 1)); return 1; }
  awk '
    /^\.B #[0-9]+$/ { code = $2; next }
    code != "" && /^\[exit [0-9]+, [A-Z_]+\] / {
      ex = $2; sub(/,$/, "", ex); sub(/^\[exit [0-9]+, [A-Z_]+\] /, ""); sub(/\.$/, "")
      print code "  " ex "  " $0; code = ""
    }
  ' "$page" | unroff
}
