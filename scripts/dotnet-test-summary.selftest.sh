#!/usr/bin/env bash
# Self-test of scripts/dotnet-test-summary.sh against a fake `dotnet` that plays each case (pass, fail, silent, abort,
# hang, no filter match, build error). Prints "selftest: ok" or the first case that went wrong; exits non-zero then.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
cat >"$fake/dotnet" <<'FAKE'
#!/usr/bin/env bash
case "$2" in
  pass) echo "Passed!  - Failed:     0, Passed:     3, Skipped:     1, Total:     4, Duration: 1 s - P.dll (net10.0)";;
  fail) echo "Failed!  - Failed:     2, Passed:     1, Skipped:     0, Total:     3, Duration: 1 s - F.dll (net10.0)"; exit 1;;
  silent) echo "A total of 1 test files matched the specified pattern.";;
  abort) echo "Test Run Aborted."; exit 1;;
  hang) sleep 30;;
  nofilter) echo "No test matches the given testcase filter \`X\` in /x.dll";;
  build) echo "error CS1002: ; expected"; exit 1;;
esac
FAKE
chmod +x "$fake/dotnet"
bad=0
expect() { # expect "CASES" "LAST LINE" EXIT_ZERO(yes|no)
  local out rc
  out=$(PATH="$fake:$PATH" VELVET_TEST_RUN_LIMIT=2s bash "$here/dotnet-test-summary.sh" --each $1 -- 2>&1); rc=$?
  if [ "$(tail -1 <<<"$out")" != "$2" ] || { [ "$3" = yes ] && [ $rc -ne 0 ]; } || { [ "$3" = no ] && [ $rc -eq 0 ]; }; then
    echo "selftest: FAILED for '$1': got '$(tail -1 <<<"$out")' exit $rc, want '$2' exit zero=$3"; bad=1
  fi
}
expect "pass"            "tests: 3 passed, 0 failed, 1 skipped" yes
expect "pass nofilter"   "tests: 3 passed, 0 failed, 1 skipped" yes
expect "pass fail"       "tests: 4 passed, 2 failed, 1 skipped" no
expect "pass silent"     "tests: 3 passed, 1 failed, 1 skipped" no
expect "pass abort"      "tests: 3 passed, 1 failed, 1 skipped" no
expect "build"           "tests: 0 passed, 1 failed, 0 skipped" no
expect "hang pass"       "tests: 3 passed, 1 failed, 1 skipped" no
[ $bad -eq 0 ] && echo "selftest: ok"
exit $bad
