#!/usr/bin/env bash
# Runs `dotnet test "$@"`, streams its output, and prints `tests: N passed, N failed, N skipped` as the last line
# (summed over every test assembly; VSTest and Microsoft.Testing.Platform formats). Exits with dotnet test's code.
# From dotnet-stack.md §11, with these additions:
# - an assembly whose tests all skipped ("Skipped! - ...") is counted;
# - an aborted test run (a test host that crashed, or that `--blame-hang-timeout` killed) counts as one failure;
# - the whole run has a time limit, VELVET_TEST_TIME_LIMIT (default 50m, a `timeout` duration): past it every process
#   of the run is stopped and that counts as one failure, so a hang ends as a red run with a summary, never a silent one;
# - a non-zero exit with no failure counted (a build error, say) counts as one failure instead of printing 0 failed.
# The output goes to a file that `tail` follows, not through a pipe: a process that outlives the run (a browser's
# helper, a build server) can hold a pipe open forever, a file it cannot.
set -uo pipefail
limit=${VELVET_TEST_TIME_LIMIT:-50m}
log=$(mktemp)
timeout --kill-after=30s "$limit" dotnet test "$@" >"$log" 2>&1 </dev/null &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$log"; exit 143' INT TERM
tail -n +1 -f --pid="$pid" "$log"
wait "$pid"
rc=$?
trap - INT TERM
awk -v rc="$rc" -v limit="$limit" '
  /^(Passed|Failed|Skipped)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
    line=$0; gsub(/[^0-9,]/, " ", line); split(line, n, ",");
    f+=n[1]; p+=n[2]; s+=n[3]; seen=1; next }
  /^Test Run Aborted\./ { aborted++; next }
  /^Test run summary:/ { mtp=1; next }
  mtp && /^ +failed: +[0-9]+/    { mf+=$2; seen=1 }
  mtp && /^ +succeeded: +[0-9]+/ { mp+=$2 }
  mtp && /^ +skipped: +[0-9]+/   { ms+=$2 }
  END {
    if (aborted) { print aborted " test run(s) aborted (a test host crashed or hung: the test named above it was running)"; f+=aborted }
    if (rc == 124 || rc == 137) { print "dotnet test did not finish within " limit " and was stopped (see [Long Running Test] above)"; f+=1 }
    else if (rc != 0 && f+mf == 0) {
      if (!seen) print "dotnet test failed (exit " rc ") before any test assembly reported";
      else print "dotnet test exited " rc " with no failed test counted";
      f=1 }
    printf "tests: %d passed, %d failed, %d skipped\n", p+mp, f+mf, s+ms }
' "$log"
rm -f "$log"
exit "$rc"
