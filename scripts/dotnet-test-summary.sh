#!/usr/bin/env bash
# Runs `dotnet test "$@"`, streams its output, and prints `tests: N passed, N failed, N skipped` as the last line
# (summed over every test assembly; VSTest and Microsoft.Testing.Platform formats). Exits with dotnet test's code.
# From dotnet-stack.md §11, with two additions: an assembly whose tests all skipped ("Skipped! - ...") is counted,
# and when dotnet test fails before any assembly reports (a build error) the summary counts it as one failure
# instead of printing no line at all.
set -uo pipefail
log=$(mktemp)
dotnet test "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
awk -v rc="$rc" '
  /^(Passed|Failed|Skipped)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
    line=$0; gsub(/[^0-9,]/, " ", line); split(line, n, ",");
    f+=n[1]; p+=n[2]; s+=n[3]; seen=1; next }
  /^Test run summary:/ { mtp=1; next }
  mtp && /^ +failed: +[0-9]+/    { mf+=$2; seen=1 }
  mtp && /^ +succeeded: +[0-9]+/ { mp+=$2 }
  mtp && /^ +skipped: +[0-9]+/   { ms+=$2 }
  END {
    if (!seen && rc != 0) { print "dotnet test failed (exit " rc ") before any test assembly reported"; f=1 }
    printf "tests: %d passed, %d failed, %d skipped\n", p+mp, f+mf, s+ms }
' "$log"
rm -f "$log"
exit "$rc"
