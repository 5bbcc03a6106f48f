#!/bin/sh
# The layer checks can fail: store code that calls config_get must neither
# compile with the store's include directories nor link with the store's
# own libraries (tests/layers.cmake).
fail=0

# expect_failure TARGET PATTERN WHAT: building TARGET must fail with PATTERN.
expect_failure() {
  out=$(cmake --build "$BUILD" --target "$1" 2>&1)
  rc=$?
  if [ "$rc" -ne 0 ] && printf '%s\n' "$out" | grep -q "$2"; then
    echo "ok: $3"
  else
    echo "FAIL: $1 built (exit $rc), or failed for another reason than $3:"
    printf '%s\n' "$out" | tail -5
    fail=1
  fi
}

BUILD=$1
expect_failure svc_store_upward_include "config/config.h: No such file" \
  "the store's sources do not see config's headers"
expect_failure svc_store_upward_alone "undefined reference to .config_get" \
  "an upward call from the store into config fails to link"
exit $fail
