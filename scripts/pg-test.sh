#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests (adapted from the tested recipe in dotnet-stack.md §9).
#   pg-test.sh start      -> initdb (if needed) + start, create roles owner/app/velvet_admin (superuser) + database appdb;
#                            prints the owner, app and admin Npgsql connection strings, one per line (throwaway test passwords only)
#   pg-test.sh stop       -> fast shutdown and delete the data dir
#   pg-test.sh status
#   pg-test.sh free-port  -> print a free 127.0.0.1 TCP port
# Env knobs: PG_PORT (default: a free port; `start` then tells on stderr how to stop it),
#            PG_ROOT (default /tmp/pgtest-$PG_PORT), PG_BIN (default /usr/lib/postgresql/15/bin),
#            PG_OWNER_PASSWORD (default owner_pw), PG_APP_PASSWORD (default app_pw)
# Works as root (initdb/postgres run as the unprivileged 'postgres' OS user via runuser; the user is created if
# missing) and as an ordinary user (run directly).
set -euo pipefail

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  # Fallback: probe random high ports until nothing answers.
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "pg-test.sh: no free port found" >&2
  return 1
}

if [ "${1:-}" = "free-port" ]; then free_port; exit 0; fi

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT_CHOSEN=0
if [ -z "${PG_PORT:-}" ]; then PG_PORT=$(free_port); PORT_CHOSEN=1; fi
PG_ROOT=${PG_ROOT:-/tmp/pgtest-$PG_PORT}
PG_DATA=$PG_ROOT/data
PG_SOCK=$PG_ROOT/sock
PG_LOG=$PG_ROOT/postgres.log
OWNER_PW=${PG_OWNER_PASSWORD:-owner_pw}
APP_PW=${PG_APP_PASSWORD:-app_pw}
ADMIN_PW=${PG_ADMIN_PASSWORD:-admin_pw}

if [ "$(id -u)" -eq 0 ]; then
  RUNAS=(runuser -u postgres --)     # initdb/postgres refuse to run as root
  OSUSER=postgres
else
  RUNAS=()
  OSUSER=$(id -un)
fi

psql_su() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres "$@"; }

ensure_os_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  getent passwd postgres >/dev/null && return 0
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
}

start() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "pg-test.sh: PostgreSQL 15 server binaries not found in $PG_BIN (Debian: apt-get install postgresql-15)" >&2
    exit 1
  fi
  ensure_os_user
  mkdir -p "$PG_ROOT" "$PG_SOCK"
  chown -R "$OSUSER" "$PG_ROOT"
  chmod 700 "$PG_ROOT"
  cd "$PG_ROOT"   # the postgres user cannot read the home folder; avoid "could not change directory" noise
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    "${RUNAS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$PG_ROOT/initdb.log" 2>&1 \
      || { cat "$PG_ROOT/initdb.log" >&2; exit 1; }
  fi
  "${RUNAS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 30 \
    -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$PG_LOG" >&2; exit 1; }
  # roles: 'owner' owns the database (runs migrations), 'app' is the runtime login
  psql_su <<SQL
DO \$\$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='owner') THEN CREATE ROLE owner LOGIN PASSWORD '$OWNER_PW'; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='app')   THEN CREATE ROLE app   LOGIN PASSWORD '$APP_PW';   END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='velvet_admin') THEN CREATE ROLE velvet_admin LOGIN SUPERUSER PASSWORD '$ADMIN_PW'; END IF;
END\$\$;
SQL
  if [ -z "$(psql_su -tAc "SELECT 1 FROM pg_database WHERE datname='appdb'")" ]; then
    psql_su -c "CREATE DATABASE appdb OWNER owner"
    psql_su -d appdb -c "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO app;"
  fi
  if [ "$PORT_CHOSEN" -eq 1 ]; then
    echo "pg-test.sh: started on port $PG_PORT; stop with: PG_PORT=$PG_PORT PG_ROOT=$PG_ROOT $0 stop" >&2
  fi
  echo "Host=127.0.0.1;Port=$PG_PORT;Database=appdb;Username=owner;Password=$OWNER_PW"
  echo "Host=127.0.0.1;Port=$PG_PORT;Database=appdb;Username=app;Password=$APP_PW"
  echo "Host=127.0.0.1;Port=$PG_PORT;Database=postgres;Username=velvet_admin;Password=$ADMIN_PW"
}

stop() {
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    (cd "$PG_ROOT" && "${RUNAS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null)
  fi
  rm -rf "$PG_ROOT"
}

case "${1:-}" in
  start)  start ;;
  stop)   stop ;;
  status) "${RUNAS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" status ;;
  *) echo "usage: $0 start|stop|status|free-port" >&2; exit 2 ;;
esac
