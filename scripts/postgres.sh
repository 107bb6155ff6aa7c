#!/usr/bin/env bash
# A real PostgreSQL server on loopback, for the desk store's tests.
#
#   scripts/postgres.sh start | stop | status
#
# start: installs Debian's postgresql if missing (as root), runs initdb into a fresh data
# directory, starts the server on 127.0.0.1:$NEXUS_PG_PORT (as the `postgres` user when run
# as root: the server refuses to run as root), creates the database and its owner, and waits
# until it answers. stop: stops it (fast shutdown, then SIGKILL) and removes the directory.
# status: says whether it runs and answers.
#
# The tests connect with
#   host=127.0.0.1 port=$NEXUS_PG_PORT dbname=$NEXUS_PG_DB user=$NEXUS_PG_USER
# (trust authentication on loopback only: a throwaway test server).
#
# Settings (environment):
#   NEXUS_PG_PORT  default 15432
#   NEXUS_PG_DB    default nexus_test
#   NEXUS_PG_USER  default nexus
#   NEXUS_PG_RUN   default /tmp/nexus-postgres-$NEXUS_PG_PORT (data, socket, log)
set -euo pipefail

port="${NEXUS_PG_PORT:-15432}"
db="${NEXUS_PG_DB:-nexus_test}"
db_user="${NEXUS_PG_USER:-nexus}"
run_dir="${NEXUS_PG_RUN:-/tmp/nexus-postgres-$port}"
data_dir="$run_dir/data"
log_file="$run_dir/postgres.log"

say() { echo "postgres.sh: $*" >&2; }

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$dir" ] && echo "$dir"
}

install_server() {
  [ -n "$(pg_bin)" ] && return
  if [ "$(id -u)" -ne 0 ]; then
    say "PostgreSQL is not installed: run as root or install Debian's postgresql"
    exit 1
  fi
  say "installing postgresql"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# Runs a command as the server's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

answers() {
  [ -n "$(pg_bin)" ] && "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$port" -d "$db" -U "$db_user"
}

running() {
  [ -f "$data_dir/postmaster.pid" ] && kill -0 "$(head -1 "$data_dir/postmaster.pid")" 2>/dev/null
}

start() {
  if running; then
    say "already running (pid $(head -1 "$data_dir/postmaster.pid")) on 127.0.0.1:$port"
    return
  fi
  install_server
  local bin
  bin="$(pg_bin)"
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  rm -rf "$run_dir"
  mkdir -p "$data_dir"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$run_dir"
  chmod 700 "$data_dir"
  # The server's owner may not be allowed into the caller's directory (root's home).
  cd "$run_dir"
  as_owner "$bin/initdb" -D "$data_dir" -U postgres --auth=trust --encoding=UTF8 --locale=C \
    > "$run_dir/initdb.log" 2>&1 || { say "initdb failed:"; cat "$run_dir/initdb.log" >&2; exit 1; }
  # Loopback only; the socket in our own directory, so no system directory is needed.
  as_owner "$bin/pg_ctl" -D "$data_dir" -l "$log_file" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $run_dir -c fsync=off" start >/dev/null ||
    { say "server did not start:"; tail -20 "$log_file" >&2 || true; exit 1; }
  as_owner "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE \"$db_user\" LOGIN" -c "CREATE DATABASE \"$db\" OWNER \"$db_user\"" >/dev/null
  local i
  for i in $(seq 1 60); do
    if answers; then
      say "PostgreSQL up on 127.0.0.1:$port, database $db, user $db_user"
      return
    fi
    sleep 0.5
  done
  say "server did not answer on 127.0.0.1:$port within 30 s"
  stop
  exit 1
}

stop() {
  cd /
  if running; then
    local pid
    pid="$(head -1 "$data_dir/postmaster.pid")"
    as_owner "$(pg_bin)/pg_ctl" -D "$data_dir" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      kill -9 "$pid" 2>/dev/null || true
    say "stopped (pid $pid)"
  fi
  rm -rf "$run_dir"
}

status() {
  if running && answers; then
    echo "running: pid $(head -1 "$data_dir/postmaster.pid"), 127.0.0.1:$port answers"
  elif running; then
    echo "started (pid $(head -1 "$data_dir/postmaster.pid")) but 127.0.0.1:$port does not answer"
    exit 1
  else
    echo "not running"
    exit 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/postgres.sh start|stop|status" >&2; exit 2 ;;
esac
