#!/usr/bin/env bash
# Fleet load test (issue #6): tools/call through haproxy (deploy/haproxy/roundrobin.cfg, no affinity) to three replicas
# of samples/Everything, store-backed sessions on PostgreSQL vs stateless, measured side by side.
#
#   bash benchmarks/fleet-load.sh
#
# 1. installs wrk, haproxy and PostgreSQL when missing and starts the private PostgreSQL cluster
#    (scripts/services/postgres.sh); 2. builds samples/Everything (Release) unless NO_BUILD=1; 3. starts three stateless
#    replicas and three store replicas (--postgres, schema mcpgen_bench), each trio behind its own haproxy (round-robin);
# 4. opens SESSIONS sessions on the store fleet (initialize on whichever replica haproxy picks), and checks a tools/call
#    of test_simple_text on each fleet; 5. runs wrk against both fleets, interleaved (A/B then B/A), every store request
#    carrying one of the sessions (each wrk thread its own), so every request loads its session from PostgreSQL on the
#    replica it lands on; 6. prints requests/sec per round, the medians and the ratio store/stateless (target >= 0.5);
#    7. stops everything (trap on exit).
#
# Environment: ROUNDS=6 DURATION=5 WARMUP=3 THREADS=2 CONNECTIONS=32 SESSIONS=2 (one per wrk thread) NO_BUILD=0
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
SESSIONS=${SESSIONS:-$THREADS}
NO_BUILD=${NO_BUILD:-0}

if ! command -v wrk >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  echo "== installing wrk, curl (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk curl >/dev/null
fi
bash scripts/services/haproxy.sh install
bash scripts/services/postgres.sh start >/dev/null
postgres="$(bash scripts/services/postgres.sh url);Search Path=public"

if [ "$NO_BUILD" != 1 ]; then
  echo "== build (Release)"
  dotnet build samples/Everything -c Release -nologo -clp:ErrorsOnly
fi
dll="$root/samples/Everything/bin/Release/net10.0/Everything.dll"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# fleet NAME MODE ARGS...: three replicas and an haproxy in front; sets $front.
fleet() {
  local name=$1 mode=$2; shift 2
  local ports=()
  for i in 1 2 3; do
    local port; port=$(free_port)
    ports+=("$port")
    (MCPGEN_REPLICA_ID="$name$i" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
      exec dotnet "$dll" --mode "$mode" --urls "http://127.0.0.1:$port" "$@" >"$work/$name$i.log" 2>&1) &
    pids+=($!)
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 300); do
      curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
      sleep 0.1
    done
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "replica on $port did not start" >&2; cat "$work"/*.log >&2; exit 1; }
  done
  front=$(free_port)
  sed -e "s/127\.0\.0\.1:8080/127.0.0.1:$front/" -e "s/127\.0\.0\.1:5101/127.0.0.1:${ports[0]}/" \
      -e "s/127\.0\.0\.1:5102/127.0.0.1:${ports[1]}/" -e "s/127\.0\.0\.1:5103/127.0.0.1:${ports[2]}/" \
      -e '/^    log stdout/d' -e '/^    log global/d' -e '/option httplog/d' deploy/haproxy/roundrobin.cfg >"$work/$name.cfg"
  haproxy -f "$work/$name.cfg" >"$work/$name-haproxy.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$front/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "   $name: replicas ${ports[*]}, haproxy 127.0.0.1:$front"
}

echo "== fleets"
fleet stateless stateless
stateless_url="http://127.0.0.1:$front/mcp"
fleet store store --postgres "$postgres"
store_url="http://127.0.0.1:$front/mcp"

headers=(-H 'Accept: application/json, text/event-stream' -H 'Content-Type: application/json' -H 'MCP-Protocol-Version: 2025-11-25')
call='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"test_simple_text","arguments":{}}}'
printf '%s' "$call" >"$work/call.json"

sessions=()
for _ in $(seq 1 "$SESSIONS"); do
  sid=$(curl -sS -D - -o /dev/null "${headers[@]}" \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"fleet-load","version":"1"}}}' \
    "$store_url" | tr -d '\r' | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: //p')
  [ -n "$sid" ] || { echo "initialize on the store fleet returned no session id" >&2; exit 1; }
  sessions+=("$sid")
done
for sid in "${sessions[@]}"; do
  curl -fsS "${headers[@]}" -H "Mcp-Session-Id: $sid" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$store_url" >/dev/null
done

check() {
  local url=$1; shift
  local body; body=$(curl -sS "${headers[@]}" "$@" --data-binary @"$work/call.json" "$url")
  grep -q 'This is a simple text response' <<<"$body" || { echo "unexpected answer from $url: $body" >&2; exit 1; }
}
check "$stateless_url"
check "$store_url" -H "Mcp-Session-Id: ${sessions[0]}"
echo "   $SESSIONS store sessions: ${sessions[*]}"

# wrk script: POST the call; store runs give each thread one session id.
{
  echo 'wrk.method = "POST"'
  echo "wrk.body = [[${call}]]"
  echo 'wrk.headers["Content-Type"] = "application/json"'
  echo 'wrk.headers["Accept"] = "application/json, text/event-stream"'
  echo 'wrk.headers["MCP-Protocol-Version"] = "2025-11-25"'
  printf 'local ids = {'
  for sid in "${sessions[@]}"; do printf '"%s",' "$sid"; done
  echo '}'
  echo 'local n = 0'
  echo 'function setup(thread) n = n + 1; thread:set("sid", ids[((n - 1) % #ids) + 1]) end'
  echo 'function init(args) if args[1] == "session" then wrk.headers["Mcp-Session-Id"] = sid end end'
  echo 'function done(summary, latency, requests) io.write(string.format("errors %d %d %d %d %d\n", summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout)) end'
} >"$work/call.lua"

run() { # run URL [session] -> prints rps
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$work/call.lua" "$1" -- "${2:-}")
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  local errors; errors=$(awk '/^errors/ {print $2+$3+$4+$5+$6}' <<<"$out")
  if [ "${errors:-0}" != 0 ]; then echo "wrk saw $errors errors on $1:" >&2; echo "$out" >&2; exit 1; fi
  echo "$rps"
}

echo "== warm-up (${WARMUP}s each)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$work/call.lua" "$stateless_url" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$work/call.lua" "$store_url" -- session >/dev/null

echo "== $ROUNDS rounds, ${DURATION}s each, $THREADS threads, $CONNECTIONS connections"
stateless_rps=(); store_rps=()
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then
    a=$(run "$stateless_url"); b=$(run "$store_url" session)
  else
    b=$(run "$store_url" session); a=$(run "$stateless_url")
  fi
  stateless_rps+=("$a"); store_rps+=("$b")
  printf '   round %d: stateless %8.0f rps   store %8.0f rps   ratio %.3f\n' "$round" "$a" "$b" "$(echo "$b / $a" | bc -l)"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ms=$(median "${stateless_rps[@]}"); mb=$(median "${store_rps[@]}")
printf '== median: stateless %.0f rps, store %.0f rps, ratio store/stateless %.3f (target >= 0.5)\n' "$ms" "$mb" "$(echo "$mb / $ms" | bc -l)"
