#!/bin/sh
# The link-alone check can fail: store code that calls config_get must not
# link with the store's own libraries (tests/layers.cmake).
out=$(cmake --build "$1" --target svc_store_upward_alone 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && printf '%s\n' "$out" | grep -q "undefined reference to .config_get"; then
  echo "ok: an upward call from the store into config fails to link"
  exit 0
fi
echo "FAIL: the upward call linked (exit $rc), or failed for another reason:"
printf '%s\n' "$out" | tail -5
exit 1
