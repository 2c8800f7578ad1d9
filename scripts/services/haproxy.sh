#!/usr/bin/env bash
# haproxy (and nginx) for the multi-replica tests and for trying the deploy/ configurations by hand.
#
#   bash scripts/services/haproxy.sh install            install haproxy and nginx from Debian packages if missing (root)
#   bash scripts/services/haproxy.sh check CONFIG       syntax-check an haproxy configuration (haproxy -c)
#   bash scripts/services/haproxy.sh start CONFIG [PIDFILE]
#                                                       start haproxy in the background on CONFIG (default pid file
#                                                       artifacts/haproxy/haproxy.pid); never the system service
#   bash scripts/services/haproxy.sh stop [PIDFILE]     stop the instance started with that pid file
#   bash scripts/services/haproxy.sh fleet [N] [MODE] [CONFIG]
#                                                       N replicas of samples/Everything (Release build, default 3,
#                                                       stateless) on 127.0.0.1:5101.. with MCPGEN_REPLICA_ID=r1..rN and
#                                                       haproxy on CONFIG (default deploy/haproxy/roundrobin.cfg,
#                                                       front 127.0.0.1:8080) in the foreground; Ctrl+C stops all
#
# The integration tests (tests/McpGen.IntegrationTests/ReplicaFleet.cs) run the haproxy binary themselves, in the
# foreground, on a copy of a deploy/ configuration with free ports filled in; they need only "install".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

install() {
  local missing=()
  command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "haproxy.sh: ${missing[*]} missing and not root: install them (apt-get install -y ${missing[*]}) and rerun." >&2
    return 1
  fi
  local t0=$SECONDS
  echo "haproxy.sh: installing ${missing[*]} from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  # Another process may hold the dpkg lock (unattended upgrades, a parallel install): wait for it, bounded.
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages register system services; the tests never use them. policy-rc.d usually prevents the start in
  # containers; stop them anyway where they did start, so they hold no port.
  for service in haproxy nginx; do
    if command -v service >/dev/null 2>&1 && pgrep -x "$service" >/dev/null 2>&1 && [ -f "/run/$service.pid" ]; then
      service "$service" stop >/dev/null 2>&1 || true
    fi
  done
  echo "haproxy.sh: installed in $((SECONDS - t0))s: $(haproxy -v | head -n 1 | cut -d' ' -f1-3), $(/usr/sbin/nginx -v 2>&1)"
}

check() {
  local config="${1:?check needs a configuration file}"
  haproxy -c -q -f "$config"
}

start() {
  local config="${1:?start needs a configuration file}"
  local pidfile="${2:-$root/artifacts/haproxy/haproxy.pid}"
  mkdir -p "$(dirname "$pidfile")"
  check "$config"
  haproxy -D -p "$pidfile" -f "$config"
  echo "haproxy.sh: started (pid $(cat "$pidfile"), pid file $pidfile)"
}

stop() {
  local pidfile="${1:-$root/artifacts/haproxy/haproxy.pid}"
  if [ ! -f "$pidfile" ]; then
    echo "haproxy.sh: no pid file $pidfile: nothing to stop" >&2
    return 0
  fi
  local pid
  pid="$(cat "$pidfile")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  echo "haproxy.sh: stopped pid $pid"
}

fleet() {
  local count="${1:-3}" mode="${2:-stateless}" config="${3:-$root/deploy/haproxy/roundrobin.cfg}"
  local dll="$root/samples/Everything/bin/Release/net10.0/Everything.dll"
  [ -f "$dll" ] || { echo "haproxy.sh: $dll not found: dotnet build samples/Everything -c Release" >&2; return 1; }
  local pids=()
  # shellcheck disable=SC2329 # invoked by the trap
  cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
  trap cleanup EXIT INT TERM
  for i in $(seq 1 "$count"); do
    MCPGEN_REPLICA_ID="r$i" dotnet "$dll" --urls "http://127.0.0.1:$((5100 + i))" --mode "$mode" &
    pids+=($!)
  done
  for i in $(seq 1 "$count"); do
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$((5100 + i))/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  done
  check "$config"
  echo "haproxy.sh: $count replicas ($mode) behind haproxy ($config); Ctrl+C stops all"
  haproxy -db -f "$config" &
  pids+=($!)
  wait
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  install) install ;;
  check) check "$@" ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  fleet) fleet "$@" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
