#!/usr/bin/env bash
# Fleet load test (issues #6 and #14): tools/call through haproxy (deploy/haproxy/roundrobin.cfg, no affinity) to three
# replicas of samples/Everything each: stateless, store-backed sessions on PostgreSQL, store-backed sessions on Redis,
# measured side by side in one run; then the backplane messages each replica receives, at 3 and at 6 replicas.
#
#   bash benchmarks/fleet-load.sh
#
# 1. installs wrk, haproxy, PostgreSQL and redis-server when missing and starts the private PostgreSQL cluster and Redis
#    instance (scripts/services/postgres.sh, redis.sh); 2. builds samples/Everything (Release) unless NO_BUILD=1;
# 3. starts three replicas per fleet (stateless; store --postgres, schema mcpgen_bench; store --redis, a key prefix of
#    this run), each trio behind its own haproxy (round-robin), every replica with --metrics true (GET /debug/backplane);
# 4. opens SESSIONS sessions on each store fleet (initialize on whichever replica haproxy picks) and checks both workloads
#    on each fleet with curl: plain (tools/call test_simple_text) and push (tools/call bench_progress, STEPS progress
#    notifications on the response's SSE stream, all STEPS counted before the result);
# 5. runs wrk against the three fleets, interleaved (the order rotates every round), every store request carrying one of
#    the sessions (each wrk thread its own), so every request finds its session through the store on the replica it
#    lands on; 6. prints requests/sec per round, the medians and the ratios to stateless (targets: PostgreSQL >= 0.5,
#    Redis >= 0.8 for plain calls);
# 7. unless SCALE=0: for each store backend, against its 3-replica fleet and then a 6-replica one, two workloads of
#    SCALE_DURATION s: the push call on SCALE_SESSIONS open sessions, and whole session cycles (initialize,
#    notifications/initialized, the push call, DELETE; CYCLE_THREADS connections, each request on whichever replica
#    haproxy picks); prints, from each replica's counters before and after, the backplane messages received per replica
#    per call or cycle (mean, min, max) and by the whole fleet per call or cycle. An addressed message reaches one
#    replica: the fleet total stays flat from 3 to 6; a broadcast one reaches every replica: the fleet total doubles.
# 8. stops everything it started (trap on exit); PostgreSQL and Redis keep running (their scripts stop them).
#
# Environment: ROUNDS=6 DURATION=4 WARMUP=3 THREADS=2 CONNECTIONS=32 SESSIONS=2 (one per wrk thread) STEPS=20
#              SCALE=1 SCALE_DURATION=5 SCALE_SESSIONS=6 CYCLE_THREADS=4 (one connection each) NO_BUILD=0
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-4}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
SESSIONS=${SESSIONS:-$THREADS}
STEPS=${STEPS:-20}
SCALE=${SCALE:-1}
SCALE_DURATION=${SCALE_DURATION:-5}
SCALE_SESSIONS=${SCALE_SESSIONS:-6}
CYCLE_THREADS=${CYCLE_THREADS:-4}
NO_BUILD=${NO_BUILD:-0}

if ! command -v wrk >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  echo "== installing wrk, curl (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk curl >/dev/null
fi
bash scripts/services/haproxy.sh install
bash scripts/services/postgres.sh start >/dev/null
postgres="$(bash scripts/services/postgres.sh url);Search Path=public"
bash scripts/services/redis.sh start >/dev/null
redis="$(bash scripts/services/redis.sh url)"

if [ "$NO_BUILD" != 1 ]; then
  echo "== build (Release)"
  dotnet build samples/Everything -c Release -nologo -clp:ErrorsOnly
fi
dll="$root/samples/Everything/bin/Release/net10.0/Everything.dll"

work="$(mktemp -d)"
pids=()
declare -A fleet_pids fleet_ports
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# fleet NAME COUNT MODE ARGS...: COUNT replicas and an haproxy in front (roundrobin.cfg with one server line per
# replica); sets $front, records the fleet's processes and replica ports.
fleet() {
  local name=$1 count=$2 mode=$3; shift 3
  local ports=() started=()
  for i in $(seq 1 "$count"); do
    local port; port=$(free_port)
    ports+=("$port")
    (MCPGEN_REPLICA_ID="$name$i" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
      exec dotnet "$dll" --mode "$mode" --urls "http://127.0.0.1:$port" --metrics true "$@" >"$work/$name$i.log" 2>&1) &
    pids+=($!); started+=($!)
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 600); do
      curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
      sleep 0.1
    done
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "replica on $port did not start" >&2; cat "$work"/*.log >&2; exit 1; }
  done
  front=$(free_port)
  {
    sed -e "s/127\.0\.0\.1:8080/127.0.0.1:$front/" -e '/^    server r[0-9]/d' \
        -e '/^    log stdout/d' -e '/^    log global/d' -e '/option httplog/d' deploy/haproxy/roundrobin.cfg
    local i=0
    for port in "${ports[@]}"; do i=$((i + 1)); echo "    server r$i 127.0.0.1:$port check"; done
  } >"$work/$name.cfg"
  haproxy -f "$work/$name.cfg" >"$work/$name-haproxy.log" 2>&1 &
  pids+=($!); started+=($!)
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$front/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  fleet_pids[$name]="${started[*]}"
  fleet_ports[$name]="${ports[*]}"
  echo "   $name: replicas ${ports[*]}, haproxy 127.0.0.1:$front"
}

stop_fleet() { # stop_fleet NAME
  local pid
  for pid in ${fleet_pids[$1]}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${fleet_pids[$1]}; do wait "$pid" 2>/dev/null || true; done
}

headers=(-H 'Accept: application/json, text/event-stream' -H 'Content-Type: application/json' -H 'MCP-Protocol-Version: 2025-11-25')
plain='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"test_simple_text","arguments":{}}}'
push='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"bench_progress","arguments":{"steps":'"$STEPS"'},"_meta":{"progressToken":1}}}'
printf '%s' "$plain" >"$work/plain.json"
printf '%s' "$push" >"$work/push.json"

open_sessions() { # open_sessions URL N: prints N session ids, initialized
  local sid
  for _ in $(seq 1 "$2"); do
    sid=$(curl -sS -D - -o /dev/null "${headers[@]}" \
      -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"fleet-load","version":"1"}}}' \
      "$1" | tr -d '\r' | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: //p')
    [ -n "$sid" ] || { echo "initialize on $1 returned no session id" >&2; exit 1; }
    curl -fsS "${headers[@]}" -H "Mcp-Session-Id: $sid" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$1" >/dev/null
    echo "$sid"
  done
}

check() { # check URL [SESSION]: both workloads answer as they should
  local url=$1 extra=()
  [ -n "${2:-}" ] && extra=(-H "Mcp-Session-Id: $2")
  local body; body=$(curl -sS "${headers[@]}" "${extra[@]}" --data-binary @"$work/plain.json" "$url")
  grep -q 'This is a simple text response' <<<"$body" || { echo "unexpected plain answer from $url: $body" >&2; exit 1; }
  body=$(curl -sS -N "${headers[@]}" "${extra[@]}" --data-binary @"$work/push.json" "$url")
  local events; events=$(grep -c '"method":"notifications/progress"' <<<"$body" || true)
  local result; result=$(grep -n "Progress reported: $STEPS of $STEPS" <<<"$body" | cut -d: -f1)
  local last; last=$(grep -n '"method":"notifications/progress"' <<<"$body" | tail -1 | cut -d: -f1)
  if [ "$events" != "$STEPS" ] || [ -z "$result" ] || [ "${last:-0}" -gt "$result" ]; then
    echo "push call on $url: $events of $STEPS progress events before the result, expected all of them: $body" >&2; exit 1
  fi
}

echo "== fleets"
fleet stateless 3 stateless
stateless_url="http://127.0.0.1:$front/mcp"
fleet postgres 3 store --postgres "$postgres" --pg-schema mcpgen_bench
postgres_url="http://127.0.0.1:$front/mcp"
fleet redis 3 store --redis "$redis" --redis-prefix "mcpgen-bench-$$:"
redis_url="http://127.0.0.1:$front/mcp"
mapfile -t postgres_sessions < <(open_sessions "$postgres_url" "$SESSIONS")
mapfile -t redis_sessions < <(open_sessions "$redis_url" "$SESSIONS")
check "$stateless_url"
check "$postgres_url" "${postgres_sessions[0]}"
check "$redis_url" "${redis_sessions[0]}"
echo "   checked on every fleet: plain answer; push answer after all $STEPS progress events"

# wrk scripts: POST the call; store runs pass the session ids after --, each thread takes one.
lua() { # lua NAME BODY
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = [[$2]]"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo 'wrk.headers["Accept"] = "application/json, text/event-stream"'
    echo 'wrk.headers["MCP-Protocol-Version"] = "2025-11-25"'
    echo 'local n = 0'
    echo 'function setup(thread) n = n + 1; thread:set("idx", n) end'
    echo 'function init(args) if #args > 0 then wrk.headers["Mcp-Session-Id"] = args[((idx - 1) % #args) + 1] end end'
    echo 'function done(summary, latency, requests) io.write(string.format("errors %d %d %d %d %d\n", summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout)) end'
  } >"$work/$1.lua"
}
lua plain "$plain"
lua push "$push"

# The session cycle (part 7): one connection per wrk thread walks initialize, notifications/initialized, the push call
# and DELETE, each request on whichever replica haproxy picks; done() prints the completed cycles.
{
  echo "local init_body = [[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"fleet-load\",\"version\":\"1\"}}}]]"
  echo 'local initialized_body = [[{"jsonrpc":"2.0","method":"notifications/initialized"}]]'
  echo "local push_body = [[$push]]"
  echo 'local threads = {}'
  echo 'function setup(thread) table.insert(threads, thread) end'
  echo 'function init(args) step = 0; cycles = 0; failures = 0 end'
  echo 'local function headers(with_session)'
  echo '  local h = { ["Content-Type"] = "application/json", ["Accept"] = "application/json, text/event-stream", ["MCP-Protocol-Version"] = "2025-11-25" }'
  echo '  if with_session then h["Mcp-Session-Id"] = sid end'
  echo '  return h'
  echo 'end'
  echo 'function request()'
  echo '  if step == 0 then return wrk.format("POST", nil, headers(false), init_body) end'
  echo '  if step == 1 then return wrk.format("POST", nil, headers(true), initialized_body) end'
  echo '  if step == 2 then return wrk.format("POST", nil, headers(true), push_body) end'
  echo '  return wrk.format("DELETE", nil, headers(true), nil)'
  echo 'end'
  echo 'function response(status, hs, body)'
  echo '  if status >= 400 then failures = failures + 1; step = 0; return end'
  echo '  if step == 0 then'
  echo '    sid = nil'
  echo '    for k, v in pairs(hs) do if string.lower(k) == "mcp-session-id" then sid = v end end'
  echo '    if sid == nil then failures = failures + 1; return end'
  echo '  end'
  echo '  if step == 2 and not string.find(body, "Progress reported: '"$STEPS"' of '"$STEPS"'", 1, true) then failures = failures + 1 end'
  echo '  step = step + 1'
  echo '  if step == 4 then step = 0; cycles = cycles + 1 end'
  echo 'end'
  echo 'function done(summary, latency, requests)'
  echo '  local total, failed = 0, 0'
  echo '  for _, t in ipairs(threads) do total = total + t:get("cycles"); failed = failed + t:get("failures") end'
  echo '  io.write(string.format("cycles %d\n", total))'
  echo '  io.write(string.format("errors %d %d %d %d %d\n", summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout + failed))'
  echo 'end'
} >"$work/cycle.lua"

wrk_run() { # wrk_run WORKLOAD SECONDS URL [SESSION...] -> wrk's output; exits on any error
  local workload=$1 seconds=$2 url=$3; shift 3
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s -s "$work/$workload.lua" "$url" -- "$@")
  local errors; errors=$(awk '/^errors/ {print $2+$3+$4+$5+$6}' <<<"$out")
  if [ "${errors:-0}" != 0 ]; then echo "wrk saw $errors errors on $url ($workload):" >&2; echo "$out" >&2; exit 1; fi
  echo "$out"
}
run() { # run WORKLOAD FLEET -> rps
  local url sessions=()
  case $2 in
    stateless) url=$stateless_url ;;
    postgres) url=$postgres_url; sessions=("${postgres_sessions[@]}") ;;
    redis) url=$redis_url; sessions=("${redis_sessions[@]}") ;;
  esac
  wrk_run "$1" "$DURATION" "$url" "${sessions[@]}" | awk '/Requests\/sec/ {print $2}'
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

fleets=(stateless postgres redis)
summary=()
for workload in plain push; do
  echo "== $workload: warm-up (${WARMUP}s each)"
  wrk_run "$workload" "$WARMUP" "$stateless_url" >/dev/null
  wrk_run "$workload" "$WARMUP" "$postgres_url" "${postgres_sessions[@]}" >/dev/null
  wrk_run "$workload" "$WARMUP" "$redis_url" "${redis_sessions[@]}" >/dev/null
  echo "== $workload: $ROUNDS rounds, ${DURATION}s each, $THREADS threads, $CONNECTIONS connections"
  declare -A rps=([stateless]="" [postgres]="" [redis]="")
  for round in $(seq 1 "$ROUNDS"); do
    declare -A got=()
    for k in 0 1 2; do
      f=${fleets[$(((round - 1 + k) % 3))]}
      got[$f]=$(run "$workload" "$f")
      rps[$f]+="${got[$f]} "
    done
    printf '   round %d: stateless %8.0f rps   postgres %8.0f rps (%.3f)   redis %8.0f rps (%.3f)\n' "$round" \
      "${got[stateless]}" "${got[postgres]}" "$(echo "${got[postgres]} / ${got[stateless]}" | bc -l)" \
      "${got[redis]}" "$(echo "${got[redis]} / ${got[stateless]}" | bc -l)"
  done
  # shellcheck disable=SC2086
  ms=$(median ${rps[stateless]}); mp=$(median ${rps[postgres]}); mr=$(median ${rps[redis]})
  summary+=("$(printf '%-5s median: stateless %.0f rps, postgres %.0f rps (%.3f of stateless), redis %.0f rps (%.3f of stateless)' \
    "$workload" "$ms" "$mp" "$(echo "$mp / $ms" | bc -l)" "$mr" "$(echo "$mr / $ms" | bc -l)")")
  echo "== ${summary[-1]}"
done

if [ "$SCALE" = 1 ]; then
  stop_fleet stateless
  counters() { # counters FLEET -> per replica: "receivedAddressed receivedBroadcast delivered dropped"
    local port
    for port in ${fleet_ports[$1]}; do
      curl -fsS "http://127.0.0.1:$port/debug/backplane" | python3 -c 'import json,sys; c=json.load(sys.stdin); assert c["counted"], "this backplane does not count"; print(c["receivedAddressed"], c["receivedBroadcast"], c["delivered"], c["dropped"])'
    done
  }
  rates() { # rates NAME REPLICAS OPS WHAT: per-replica receive rates from $work/before and $work/after
    paste -d' ' "$work/before" "$work/after" | awk -v ops="$3" -v n="$2" -v name="$1" -v what="$4" '
      { ra = $5 - $1; rb = $6 - $2; d = $7 - $3; dr = $8 - $4; r = ra + rb
        sum += r; sa += ra; sb += rb; sd += d; sdr += dr; if (r > max) max = r; if (NR == 1 || r < min) min = r }
      END { if (ops == 0) { print "   " name ": no " what " completed" > "/dev/stderr"; exit 1 }
            printf "   %-9s x%d %-6s %6d; received per replica per %s: mean %.3f (addressed %.3f, broadcast %.3f), min %.3f, max %.3f; whole fleet per %s: %.3f (delivered %d, dropped %d)\n",
              name, n, what, ops, what, sum / n / ops, sa / n / ops, sb / n / ops, min / ops, max / ops, what, sum / ops, sd, sdr }'
  }
  measure() { # measure FLEET URL REPLICAS -> two lines: push calls on open sessions, then whole session cycles
    local name=$1 url=$2 n=$3
    local sessions; mapfile -t sessions < <(open_sessions "$url" "$SCALE_SESSIONS")
    check "$url" "${sessions[0]}"
    wrk_run push "$WARMUP" "$url" "${sessions[@]}" >/dev/null
    counters "$name" >"$work/before"
    local out; out=$(wrk_run push "$SCALE_DURATION" "$url" "${sessions[@]}")
    counters "$name" >"$work/after"
    rates "$name" "$n" "$(awk '/requests in/ {print $1}' <<<"$out")" call
    counters "$name" >"$work/before"
    out=$(THREADS=$CYCLE_THREADS CONNECTIONS=$CYCLE_THREADS wrk_run cycle "$SCALE_DURATION" "$url")
    sleep 0.5 # the last DELETE's backplane messages
    counters "$name" >"$work/after"
    rates "$name" "$n" "$(awk '/^cycles/ {print $2}' <<<"$out")" cycle
  }
  echo "== backplane receive rate, push workload ($SCALE_SESSIONS sessions, ${SCALE_DURATION}s), 3 then 6 replicas"
  measure postgres "$postgres_url" 3 | tee -a "$work/scale"
  stop_fleet postgres
  measure redis "$redis_url" 3 | tee -a "$work/scale"
  stop_fleet redis
  fleet postgres6 6 store --postgres "$postgres" --pg-schema mcpgen_bench
  measure postgres6 "http://127.0.0.1:$front/mcp" 6 | tee -a "$work/scale"
  stop_fleet postgres6
  fleet redis6 6 store --redis "$redis" --redis-prefix "mcpgen-bench-$$:"
  measure redis6 "http://127.0.0.1:$front/mcp" 6 | tee -a "$work/scale"
  stop_fleet redis6
fi

echo "== summary (load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
for line in "${summary[@]}"; do echo "   $line"; done
echo "   targets (plain): postgres >= 0.5, redis >= 0.8 of stateless"
if [ "$SCALE" = 1 ]; then cat "$work/scale"; echo "   target: received per replica per call flat from 3 to 6 replicas"; fi
