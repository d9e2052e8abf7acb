#!/usr/bin/env bash
# Runs dotnet test and prints `tests: N passed, N failed, N skipped` as the last line (summed over every test
# assembly; VSTest and Microsoft.Testing.Platform formats). Exits non-zero when any run failed.
#
#   dotnet-test-summary.sh [dotnet test args...]                   one `dotnet test` run
#   dotnet-test-summary.sh --each P1 P2 ... -- [dotnet test args]   one `dotnet test Pi [args]` per project, in turn
#
# From dotnet-stack.md §11, with these additions:
# - an assembly whose tests all skipped ("Skipped! - ...") is counted;
# - an aborted test run (a test host that crashed, or that `--blame-hang-timeout` killed) counts as one failure;
# - with --each, a project that reports no result at all (no "Passed!/Failed!" line, no abort, no "no test matches
#   the filter") counts as one failure, named;
# - every run has a time limit: VELVET_TEST_TIME_LIMIT (a `timeout` duration, default 50m) for the whole command,
#   shared out in turn with --each (a run gets what is left, at most VELVET_TEST_RUN_LIMIT, default 20m). Past it the
#   run's processes are stopped and that counts as one failure, so a hang ends red with a summary, never silently;
# - a non-zero exit with no failure counted (a build error, say) counts as one failure instead of printing 0 failed.
# Output goes to a file that `tail` follows, not through a pipe: a process that outlives the run (a browser's helper,
# a build server) can hold a pipe open forever, a file it cannot.
set -uo pipefail

seconds() { # a `timeout` duration (90, 90s, 20m, 1h) in seconds
  local d=$1
  case "$d" in
    *s) echo "${d%s}" ;; *m) echo $(( ${d%m} * 60 )) ;; *h) echo $(( ${d%h} * 3600 )) ;; *) echo "$d" ;;
  esac
}

projects=()
if [ "${1:-}" = "--each" ]; then
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do projects+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
fi
budget=$(seconds "${VELVET_TEST_TIME_LIMIT:-50m}")
per_run=$(seconds "${VELVET_TEST_RUN_LIMIT:-20m}")
start=$SECONDS

all=$(mktemp)
runlog=$(mktemp)
pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -f "$all" "$runlog"; exit 143' INT TERM

worst=0
run() { # run ARGS...: one dotnet test, streamed; appends its output (and a verdict line when it reported nothing) to $all
  local label=$1; shift
  local left=$(( budget - (SECONDS - start) ))
  if [ "$left" -le 0 ]; then
    echo "summary: $label was not run: the time limit of ${VELVET_TEST_TIME_LIMIT:-50m} was used up" | tee -a "$all"
    worst=1; return
  fi
  local limit=$(( left < per_run || ${#projects[@]} == 0 ? left : per_run ))
  : >"$runlog"
  timeout --kill-after=30s "${limit}s" dotnet test "$@" >"$runlog" 2>&1 </dev/null &
  pid=$!
  tail -n +1 -f --pid="$pid" "$runlog"
  wait "$pid"
  local rc=$?
  pid=""
  cat "$runlog" >>"$all"
  local verdicts_before
  verdicts_before=$(grep -c '^summary: ' "$all")
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "summary: $label did not finish within ${limit} s and was stopped (see [Long Running Test] above)" | tee -a "$all"
  elif [ ${#projects[@]} -gt 0 ] && ! grep -qE '^(Passed|Failed|Skipped)! +- |^Test Run Aborted\.|^Test run summary:|No test matches the given testcase filter' "$runlog"; then
    echo "summary: $label reported no test result (exit $rc)" | tee -a "$all"
  elif [ "$rc" -ne 0 ] && ! grep -qE '^Failed! +- |^Test Run Aborted\.|^ +failed: +[1-9]' "$runlog"; then
    echo "summary: $label exited $rc with no failed test counted (a build error?)" | tee -a "$all"
  fi
  [ "$rc" -ne 0 ] && worst=$rc
  if [ "$worst" -eq 0 ] && [ "$(grep -c '^summary: ' "$all")" -gt "$verdicts_before" ]; then worst=1; fi
  return 0
}

if [ ${#projects[@]} -eq 0 ]; then
  run "dotnet test" "$@"
else
  for p in "${projects[@]}"; do run "$(basename "$p")" "$p" "$@"; done
fi
trap - INT TERM

awk '
  /^(Passed|Failed|Skipped)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
    line=$0; gsub(/[^0-9,]/, " ", line); split(line, n, ",");
    f+=n[1]; p+=n[2]; s+=n[3]; next }
  /^Test Run Aborted\./ { aborted++; next }
  /^summary: / { f+=1; next }
  /^Test run summary:/ { mtp=1; next }
  mtp && /^ +failed: +[0-9]+/    { f+=$2 }
  mtp && /^ +succeeded: +[0-9]+/ { p+=$2 }
  mtp && /^ +skipped: +[0-9]+/   { s+=$2 }
  END {
    if (aborted) { print aborted " test run(s) aborted (a test host crashed or hung: the test named above it was running)"; f+=aborted }
    printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }
' "$all"
rm -f "$all" "$runlog"
exit "$worst"
