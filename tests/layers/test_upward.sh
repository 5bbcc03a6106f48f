#!/bin/sh
# The layer checks can fail: store code that calls config_get must neither
# compile with the store's include directories nor link with the store's
# own libraries (tests/layers.cmake).
fail=0
out=$(cmake --build "$1" --target svc_store_upward_include 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && printf '%s\n' "$out" | grep -q "config/config.h: No such file"; then
  echo "ok: the store's sources do not see config's headers"
else
  echo "FAIL: the upward include compiled (exit $rc), or failed for another reason:"
  printf '%s\n' "$out" | tail -5
  fail=1
fi
out=$(cmake --build "$1" --target svc_store_upward_alone 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && printf '%s\n' "$out" | grep -q "undefined reference to .config_get"; then
  echo "ok: an upward call from the store into config fails to link"
else
  echo "FAIL: the upward call linked (exit $rc), or failed for another reason:"
  printf '%s\n' "$out" | tail -5
  fail=1
fi
exit $fail
