#!/usr/bin/env bash
# A private redis-server for tests and local runs: 127.0.0.1 only, a fixed non-default port, no persistence, its own
# directory. Never touches the machine's default instance (the Debian service on 6379 is left alone).
#
#   scripts/services/redis.sh install   installs redis-server from Debian packages when it is missing
#   scripts/services/redis.sh start     install if needed, start the instance (no-op when running)
#   scripts/services/redis.sh stop      shuts the instance down without saving (no-op when stopped)
#   scripts/services/redis.sh status    exit 0 when running, 3 when stopped
#   scripts/services/redis.sh url       prints the StackExchange.Redis connection string
#   scripts/services/redis.sh destroy   stops the instance and deletes its directory
#
# Environment: MCPGEN_REDIS_PORT (default 56379) and MCPGEN_REDIS_DIR (default /tmp/mcpgen-redis-$PORT) pick the
# instance, so tests can run a second, disposable instance for fault injection beside the shared one.
# MCPGEN_REDIS_AOF=always turns on the append-only file with fsync per write (what the outage tests use: an
# acknowledged session survives a restart); by default nothing is persisted.
# Test-only settings: no password. Do not point anything valuable at this instance.
set -euo pipefail

port="${MCPGEN_REDIS_PORT:-56379}"
dir="${MCPGEN_REDIS_DIR:-/tmp/mcpgen-redis-$port}"
pidfile="$dir/redis.pid"

say() { echo "redis.sh: $*" >&2; }

install() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi

  if [ "$(id -u)" -ne 0 ]; then
    say "redis-server is not installed and this is not root: run 'apt-get install redis-server' as root, then retry."
    exit 1
  fi

  say "installing redis-server from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
  # The package starts the machine's default instance; this script never uses it.
  command -v redis-server >/dev/null 2>&1 || { say "apt-get ran but redis-server is not on PATH."; exit 1; }
}

ping() {
  [ "$(redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning ping 2>/dev/null || true)" = "PONG" ]
}

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && ping
}

start() {
  install
  mkdir -p "$dir"
  exec 9>"/tmp/mcpgen-redis-$port.lock"
  flock -w 60 9 || { say "another start of port $port is still running after 60 s"; exit 1; }
  if running; then
    return 0
  fi

  say "starting redis-server on 127.0.0.1:$port ($dir)"
  rm -f "$pidfile"
  # Default: --save "" and --appendonly no, nothing is written to disk and a restart starts empty. With
  # MCPGEN_REDIS_AOF=always every write is in the append-only file before it is acknowledged.
  local persistence=(--appendonly no)
  if [ "${MCPGEN_REDIS_AOF:-}" = "always" ]; then
    persistence=(--appendonly yes --appendfsync always)
  fi
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes --pidfile "$pidfile" \
    --logfile "$dir/server.log" --save "" "${persistence[@]}" --maxclients 2000 --databases 16 9>&-
  for _ in $(seq 1 100); do
    if ping; then
      return 0
    fi
    sleep 0.1
  done

  say "redis-server did not answer within 10 s; the end of $dir/server.log:"
  tail -n 20 "$dir/server.log" >&2 || true
  exit 1
}

stop() {
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    local pid
    pid=$(cat "$pidfile")
    # SIGTERM-like: the AOF (when on) is already on disk; no RDB snapshot is written.
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status)
    if running; then echo "running on 127.0.0.1:$port ($dir)"; else echo "stopped ($dir)"; exit 3; fi ;;
  url) echo "127.0.0.1:$port" ;;
  destroy)
    stop
    rm -rf "$dir" "/tmp/mcpgen-redis-$port.lock"
    ;;
  *)
    echo "usage: $0 install|start|stop|status|url|destroy  (env MCPGEN_REDIS_PORT, MCPGEN_REDIS_DIR)" >&2
    exit 2
    ;;
esac
