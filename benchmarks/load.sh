#!/usr/bin/env bash
# Load test: the QuickStart McpGen server against a bare Kestrel endpoint that returns byte-identical responses.
#
#   bash benchmarks/load.sh
#
# 1. installs wrk (and curl) from Debian packages when missing; 2. builds samples/QuickStart and benchmarks/BareEndpoint
# in Release; 3. starts QuickStart on 127.0.0.1 (a free port picked by Kestrel), captures its exact response to a
# tools/call convert_temperature (MCP-Protocol-Version 2025-11-25, the request wrk sends); 4. starts BareEndpoint serving
# those bytes with the same Content-Type and checks both answer identical bytes; 5. runs wrk against each, interleaved
# (A/B then B/A), prints requests/sec per round and the ratio mcpgen/bare (target >= 0.85), plus each server's CPU
# time per request (user+system from /proc/<pid>/stat over the run divided by the requests wrk completed; steadier than
# requests/sec on a noisy machine) and its ratio to the bare endpoint's (target <= 1.10); 6. stops the servers (trap).
#
# With BASELINE_DIR, a second QuickStart build (e.g. the code before a refactor) runs beside the first as "baseline": it
# must answer the same bytes, and every round measures the three servers, so old and new are compared in one session.
#
# Environment (defaults keep the whole run under ~2 minutes on 2 cores):
#   ROUNDS=8 DURATION=4 (seconds per wrk run) WARMUP=3 (seconds per server, untimed) THREADS=2 CONNECTIONS=32
#   PIN=0     1 = pin the servers to CPU 0 and wrk to CPU 1 (taskset), so the servers do not share a core with wrk
#   BARE_READS_BODY=0  1 = the bare endpoint reads the request body first (tells Kestrel's body-reading cost apart)
#   NO_BUILD=0  1 = use the existing Release builds (QUICKSTART_DIR / BARE_DIR: other output folders to run from)
#   ERA=2025-11-25  the request's era: 2025-11-25 (MCP-Protocol-Version header, no session) or 2026-07-28 (params._meta
#                   with protocolVersion, clientInfo, clientCapabilities, and the Mcp-Method / Mcp-Name headers)
#   BASELINE_DIR=   another QuickStart output folder to measure side by side (not built by this script)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ROUNDS=${ROUNDS:-8}
DURATION=${DURATION:-4}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PIN=${PIN:-0}
NO_BUILD=${NO_BUILD:-0}
BARE_READS_BODY=$([ "${BARE_READS_BODY:-0}" = 1 ] && echo true || echo false)
ERA=${ERA:-2025-11-25}
BASELINE_DIR=${BASELINE_DIR:-}
case "$ERA" in
  2025-11-25 | 2026-07-28) ;;
  *) echo "ERA must be 2025-11-25 or 2026-07-28 (got '$ERA')" >&2; exit 2 ;;
esac

# --- tools -------------------------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing ${missing[*]} (apt-get)"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
server_cpu=(); wrk_cpu=()
if [ "$PIN" = 1 ]; then server_cpu=(taskset -c 0); wrk_cpu=(taskset -c 1); fi

# --- build -------------------------------------------------------------------------------------------------------
if [ "$NO_BUILD" != 1 ]; then
  echo "== build (Release)"
  dotnet build samples/QuickStart -c Release -nologo -clp:ErrorsOnly
  dotnet build benchmarks/BareEndpoint -c Release -nologo -clp:ErrorsOnly
fi
quickstart_dir="${QUICKSTART_DIR:-$root/samples/QuickStart/bin/Release/net10.0}"
bare_dir="${BARE_DIR:-$root/benchmarks/BareEndpoint/bin/Release/net10.0}"

# --- servers -----------------------------------------------------------------------------------------------------
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME DIR DLL ARGS...: starts a server on 127.0.0.1 with a port picked by Kestrel; sets $port.
start() {
  local name=$1 dir=$2 dll=$3; shift 3
  (cd "$dir" && exec "${server_cpu[@]}" env ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
    dotnet "$dll" --urls http://127.0.0.1:0 "$@" >"$work/$name.log" 2>&1) &
  pids+=($!)
  port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's#.*Now listening on: http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$work/$name.log" | head -n 1)
    [ -n "$port" ] && break
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "$name did not start:" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
  echo "   $name listening on 127.0.0.1:$port"
}

version=$ERA
arguments='"name":"convert_temperature","arguments":{"value":100,"from":"Celsius","to":"Fahrenheit"}'
# extra headers, as "Name: value" lines (curl -H and wrk.headers)
extra_headers=()
if [ "$ERA" = 2026-07-28 ]; then
  meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1.0.0"},"io.modelcontextprotocol/clientCapabilities":{}}'
  request="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{$meta,$arguments}}"
  extra_headers=("Mcp-Method: tools/call" "Mcp-Name: convert_temperature")
else
  request="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{$arguments}}"
fi
printf '%s' "$request" >"$work/request.json"
curl_headers=()
for h in "${extra_headers[@]}"; do curl_headers+=(-H "$h"); done

# post URL OUT: the request wrk sends, body to OUT; prints "status content-type".
post() {
  curl -sS -o "$2" -w '%{http_code} %{content_type}' -X POST \
    -H 'Accept: application/json, text/event-stream' -H 'Content-Type: application/json' \
    -H "MCP-Protocol-Version: $version" "${curl_headers[@]}" --data-binary @"$work/request.json" "$1"
}

echo "== servers"
start mcpgen "$quickstart_dir" QuickStart.dll
mcpgen_url="http://127.0.0.1:$port/mcp"; mcpgen_pid=${pids[-1]}
answer=$(post "$mcpgen_url" "$work/response.bin") || true
status=${answer%% *}; content_type=${answer#* }
if [ "$status" != 200 ] || ! grep -q '212 Fahrenheit' "$work/response.bin"; then
  echo "QuickStart answered $status ($content_type):" >&2
  cat "$work/response.bin" >&2; echo >&2
  exit 1
fi
echo "   captured $(wc -c <"$work/response.bin") bytes of $content_type: $(head -c 200 "$work/response.bin")"

start bare "$bare_dir" BareEndpoint.dll --body "$work/response.bin" --content-type "$content_type" --read-body "$BARE_READS_BODY"
bare_url="http://127.0.0.1:$port/mcp"; bare_pid=${pids[-1]}
answer=$(post "$bare_url" "$work/bare.bin") || true
bare_status=${answer%% *}; bare_type=${answer#* }
if [ "$bare_status" != 200 ] || [ "$bare_type" != "$content_type" ] || ! cmp -s "$work/response.bin" "$work/bare.bin"; then
  echo "BareEndpoint does not answer the same bytes ($bare_status $bare_type)" >&2
  exit 1
fi
post "$mcpgen_url" "$work/again.bin" >/dev/null
cmp -s "$work/response.bin" "$work/again.bin" || { echo "QuickStart's response is not deterministic" >&2; exit 1; }
baseline_url=""; baseline_pid=""
if [ -n "$BASELINE_DIR" ]; then
  start baseline "$BASELINE_DIR" QuickStart.dll
  baseline_url="http://127.0.0.1:$port/mcp"; baseline_pid=${pids[-1]}
  answer=$(post "$baseline_url" "$work/baseline.bin") || true
  if [ "${answer%% *}" != 200 ] || [ "${answer#* }" != "$content_type" ] || ! cmp -s "$work/response.bin" "$work/baseline.bin"; then
    echo "the baseline QuickStart ($BASELINE_DIR) does not answer the same bytes (${answer}):" >&2
    cat "$work/baseline.bin" >&2; echo >&2
    exit 1
  fi
fi
echo "   identical responses: $(wc -c <"$work/response.bin") bytes, $content_type"

# --- wrk -----------------------------------------------------------------------------------------------------------
lua_body=${request//\\/\\\\}
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '${lua_body//\'/\\\'}'
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["MCP-Protocol-Version"] = "$version"
LUA
for h in "${extra_headers[@]}"; do
  printf 'wrk.headers["%s"] = "%s"\n' "${h%%: *}" "${h#*: }" >>"$work/post.lua"
done

# run URL SECONDS: prints "requests/sec requests"; fails on socket errors or non-2xx answers.
run() {
  local out
  out=$("${wrk_cpu[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" --timeout 5s -s "$work/post.lua" "$1")
  if grep -q -E 'Non-2xx|Socket errors' <<<"$out"; then
    echo "wrk reported errors against $1:" >&2
    echo "$out" >&2
    exit 1
  fi
  awk '/^Requests\/sec:/ { rps = $2 } / requests in / { n = $1 } END { print rps, n }' <<<"$out"
}

# cpu PID: the process's user+system CPU time so far, in clock ticks.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# measure NAME URL PID: one wrk run; prints "rps cpu_us_per_request".
measure() {
  local before after rps n
  before=$(cpu "$3")
  read -r rps n < <(run "$2" "$DURATION")
  after=$(cpu "$3")
  awk -v r="$rps" -v n="$n" -v t=$((after - before)) -v hz="$hz" 'BEGIN { printf "%s %.1f\n", r, t * 1e6 / hz / n }'
}

echo "== warm-up (${WARMUP}s each)"
run "$mcpgen_url" "$WARMUP" >/dev/null
[ -n "$baseline_url" ] && run "$baseline_url" "$WARMUP" >/dev/null
run "$bare_url" "$WARMUP" >/dev/null

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
spread() { printf '%s\n' "$@" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo " .. " hi }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo "== $ERA: $ROUNDS rounds, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) cores, pinned=$PIN, alternating order"
if [ -n "$baseline_url" ]; then
  printf '%-6s %11s %11s %11s %7s %7s   %10s %10s %10s %7s %7s\n' round mcpgen_rps baseline_rps bare_rps ratio b_ratio \
    mcpgen_us baseline_us bare_us cpu_x b_cpu_x
else
  printf '%-6s %11s %11s %7s   %14s %12s %7s\n' round mcpgen_rps bare_rps ratio mcpgen_cpu_us bare_cpu_us cpu_x
fi
rps_ratios=(); cpu_ratios=(); base_rps_ratios=(); base_cpu_ratios=(); new_old_cpu=(); sum_m=0; sum_b=0
m_us=(); b_us=(); o_us=()
for r in $(seq 1 "$ROUNDS"); do
  o=0; oc=0
  if [ $((r % 2)) -eq 1 ]; then
    read -r m mc < <(measure mcpgen "$mcpgen_url" "$mcpgen_pid")
    if [ -n "$baseline_url" ]; then read -r o oc < <(measure baseline "$baseline_url" "$baseline_pid"); fi
    read -r b bc < <(measure bare "$bare_url" "$bare_pid")
  else
    read -r b bc < <(measure bare "$bare_url" "$bare_pid")
    if [ -n "$baseline_url" ]; then read -r o oc < <(measure baseline "$baseline_url" "$baseline_pid"); fi
    read -r m mc < <(measure mcpgen "$mcpgen_url" "$mcpgen_pid")
  fi
  ratio=$(div "$m" "$b"); cpu_ratio=$(div "$mc" "$bc")
  rps_ratios+=("$ratio"); cpu_ratios+=("$cpu_ratio"); m_us+=("$mc"); b_us+=("$bc")
  sum_m=$(awk -v s="$sum_m" -v x="$m" 'BEGIN { print s + x }')
  sum_b=$(awk -v s="$sum_b" -v x="$b" 'BEGIN { print s + x }')
  if [ -n "$baseline_url" ]; then
    b_ratio=$(div "$o" "$b"); b_cpu_ratio=$(div "$oc" "$bc")
    base_rps_ratios+=("$b_ratio"); base_cpu_ratios+=("$b_cpu_ratio"); new_old_cpu+=("$(div "$mc" "$oc")"); o_us+=("$oc")
    printf '%-6s %11.0f %11.0f %11.0f %7s %7s   %10s %10s %10s %7s %7s\n' "$r" "$m" "$o" "$b" "$ratio" "$b_ratio" "$mc" "$oc" "$bc" "$cpu_ratio" "$b_cpu_ratio"
  else
    printf '%-6s %11.0f %11.0f %7s   %14s %12s %7s\n' "$r" "$m" "$b" "$ratio" "$mc" "$bc" "$cpu_ratio"
  fi
done

rps_median=$(median "${rps_ratios[@]}")
cpu_median=$(median "${cpu_ratios[@]}")
overall=$(awk -v m="$sum_m" -v b="$sum_b" 'BEGIN { printf "%.3f", m / b }')
echo "requests/sec mcpgen/bare: median $rps_median (rounds $(spread "${rps_ratios[@]}"), total $overall); target >= 0.85: $(awk -v r="$rps_median" 'BEGIN { print (r >= 0.85) ? "met" : "MISSED" }')"
echo "server CPU per request: mcpgen median $(median "${m_us[@]}") us, bare median $(median "${b_us[@]}") us"
echo "server CPU per request mcpgen/bare: median $cpu_median (rounds $(spread "${cpu_ratios[@]}")); target <= 1.10: $(awk -v r="$cpu_median" 'BEGIN { print (r <= 1.10) ? "met" : "MISSED" }')"
if [ -n "$baseline_url" ]; then
  echo "baseline: requests/sec baseline/bare median $(median "${base_rps_ratios[@]}"); CPU per request median $(median "${o_us[@]}") us, baseline/bare median $(median "${base_cpu_ratios[@]}") (rounds $(spread "${base_cpu_ratios[@]}"))"
  echo "server CPU per request mcpgen/baseline: median $(median "${new_old_cpu[@]}") (rounds $(spread "${new_old_cpu[@]}"))"
fi
