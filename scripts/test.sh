#!/usr/bin/env bash
# THE project test command. Starts a throwaway PostgreSQL 15 cluster on a free 127.0.0.1 port under /tmp, runs every
# test project of Velvet.slnx against it, and always stops and deletes the cluster. The last line of output is
# `tests: N passed, N failed, N skipped`; the exit code is non-zero on any failure.
# With CI set, a cluster that cannot start is a failure; without CI, the PostgreSQL tests skip with a hint.
set -uo pipefail
cd "$(dirname "$0")/.."

PG_PORT=${PG_PORT:-$(bash scripts/pg-test.sh free-port)} || { echo "test.sh: could not pick a free port" >&2; exit 1; }
PG_ROOT=${PG_ROOT:-/tmp/velvet-pg-$PG_PORT}
export PG_PORT PG_ROOT

cleanup() { bash scripts/pg-test.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if conn=$(bash scripts/pg-test.sh start); then
  VELVET_TEST_PG_OWNER=$(sed -n 1p <<<"$conn")
  VELVET_TEST_PG_APP=$(sed -n 2p <<<"$conn")
  VELVET_TEST_PG_ADMIN=$(sed -n 3p <<<"$conn")   # a superuser, for the database-lane tests (each creates its own database)
  export VELVET_TEST_PG_OWNER VELVET_TEST_PG_APP VELVET_TEST_PG_ADMIN
  echo "test.sh: PostgreSQL 15 running on 127.0.0.1:$PG_PORT (data in $PG_ROOT)"
else
  if [ -n "${CI:-}" ]; then
    echo "test.sh: ERROR: the throwaway PostgreSQL cluster did not start (see above); CI requires it." >&2
    echo "tests: 0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  echo "test.sh: WARNING: PostgreSQL did not start; the PostgreSQL store tests will be skipped." >&2
  unset VELVET_TEST_PG_OWNER VELVET_TEST_PG_APP VELVET_TEST_PG_ADMIN
fi

# The console's browser tests (tests/Velvet.Console.Tests) drive Debian's Chromium through Playwright, which must never
# download a browser of its own. Install it when missing; with CI set, those tests fail if it is still missing.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -x /usr/bin/chromium ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "test.sh: /usr/bin/chromium is missing; installing chromium and chromium-driver for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1; then
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    $sudo apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
      || echo "test.sh: WARNING: could not install chromium; the browser tests skip (and fail when CI is set)" >&2
  fi
fi

# Same build settings everywhere (a developer's shell, CI): no MSBuild node or compiler server outlives the run.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false
if [ -x /usr/bin/chromium ]; then echo "test.sh: browser tests use $(/usr/bin/chromium --version 2>/dev/null)"; fi

# The summary wrapper below decides what counts; check it first against a fake dotnet (15 s).
if ! bash scripts/dotnet-test-summary.selftest.sh; then
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

# Build once, then test: no build competes with the browser and PostgreSQL tests for the two cores.
echo "test.sh: building Velvet.slnx"
if ! dotnet build Velvet.slnx -nologo -v quiet -clp:ErrorsOnly </dev/null; then
  echo "test.sh: ERROR: the build failed (errors above)" >&2
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
# The test projects of the solution run one after another, each its own `dotnet test`: a project that crashes,
# hangs or reports nothing is named and counted as failed, and the browser tests never share the two cores with
# another project. A test that shows no progress for 5 minutes is stopped and counted as failed, with its name
# (--blame-hang-timeout); the xunit.runner.json of every test project names tests running over 60 s as they go.
mapfile -t projects < <(grep -o 'tests/[^"]*\.csproj' Velvet.slnx)
bash scripts/dotnet-test-summary.sh --each "${projects[@]}" -- --no-build --blame-hang-timeout 5m --blame-hang-dump-type none "$@"
