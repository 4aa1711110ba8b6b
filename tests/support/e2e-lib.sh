#!/usr/bin/env bash
# Shared by the end-to-end scripts: the tools a script needs (exit 77, which ctest counts as
# skipped, when one is missing), counting what passed and failed, and the closing line.
#
#   source "$support/e2e-lib.sh"
#   e2e_require python3 openssl
#   if ...; then ok "what held"; else bad "what did not"; fi
#   e2e_summary "sweep bounds"      # last: "sweep bounds: 12 passed, 0 failed", status 1 on a failure

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }

e2e_require() {
  local tool
  for tool in "$@"; do
    if [ "$tool" = python3 ]; then
      [ -x /usr/bin/python3 ] || { echo "SKIP: /usr/bin/python3 is not installed"; exit 77; }
    else
      command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
    fi
  done
}

e2e_summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
