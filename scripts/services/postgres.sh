#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and local runs: 127.0.0.1 only, a fixed non-default port, trust auth,
# database "mcpgen". Never touches the machine's default cluster.
#
#   scripts/services/postgres.sh install   installs PostgreSQL from Debian packages when it is missing
#   scripts/services/postgres.sh start     install if needed, create the cluster if needed, start it (no-op when running)
#   scripts/services/postgres.sh stop      fast shutdown (no-op when stopped)
#   scripts/services/postgres.sh status    exit 0 when running, 3 when stopped
#   scripts/services/postgres.sh url       prints the Npgsql connection string
#   scripts/services/postgres.sh destroy   stops the cluster and deletes its directory
#
# Environment: MCPGEN_PG_PORT (default 55432) and MCPGEN_PG_DIR (default /tmp/mcpgen-postgres-$PORT) pick the
# cluster, so tests can run a second, disposable cluster for fault injection beside the shared one.
# Test-only settings: trust authentication and fsync off. Do not point anything valuable at this cluster.
set -euo pipefail

port="${MCPGEN_PG_PORT:-55432}"
dir="${MCPGEN_PG_DIR:-/tmp/mcpgen-postgres-$port}"
data="$dir/data"
database=mcpgen

say() { echo "postgres.sh: $*" >&2; }

bindir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$found" ] && [ -x "$found/initdb" ]; then
    echo "$found"
  fi
}

install() {
  if [ -n "$(bindir)" ]; then
    return 0
  fi

  if [ "$(id -u)" -ne 0 ]; then
    say "PostgreSQL is not installed and this is not root: run 'apt-get install postgresql' as root, then retry."
    exit 1
  fi

  say "installing PostgreSQL from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql postgresql-client >/dev/null
  if [ -z "$(bindir)" ]; then
    say "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb was found."
    exit 1
  fi
}

# Runs a PostgreSQL program as the cluster's owner: initdb and postgres refuse to run as root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  local bin
  bin=$(bindir)
  [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

connection_string() {
  echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=$database"
}

psql_admin() {
  "$(bindir)/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

create_cluster() {
  local bin
  bin=$(bindir)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
  fi

  chmod 700 "$dir"
  say "creating a cluster in $data (port $port)"
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  cat >>"$data/postgresql.conf" <<EOF

# McpGen test cluster (scripts/services/postgres.sh)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF
}

start() {
  install
  exec 9>"/tmp/mcpgen-postgres-$port.lock"
  flock -w 120 9 || { say "another start of port $port is still running after 120 s"; exit 1; }
  if ! running; then
    if [ ! -f "$data/PG_VERSION" ]; then
      create_cluster
    fi

    say "starting the cluster on 127.0.0.1:$port"
    if ! as_owner "$(bindir)/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null 9>&-; then
      say "PostgreSQL did not start; the end of $dir/server.log:"
      tail -n 20 "$dir/server.log" >&2 || true
      exit 1
    fi
  fi

  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != "1" ]; then
    psql_admin -c "CREATE DATABASE $database" 2>/dev/null \
      || [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" = "1" ]
  fi
}

stop() {
  if running; then
    as_owner "$(bindir)/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status)
    if running; then echo "running on 127.0.0.1:$port ($data)"; else echo "stopped ($data)"; exit 3; fi ;;
  url) connection_string ;;
  destroy)
    stop
    rm -rf "$dir" "/tmp/mcpgen-postgres-$port.lock"
    ;;
  *)
    echo "usage: $0 install|start|stop|status|url|destroy  (env MCPGEN_PG_PORT, MCPGEN_PG_DIR)" >&2
    exit 2
    ;;
esac
