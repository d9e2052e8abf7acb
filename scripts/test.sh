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

bash scripts/dotnet-test-summary.sh Velvet.slnx "$@"
