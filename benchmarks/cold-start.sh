#!/usr/bin/env bash
# Cold start: launch to the first correct tools/call, and memory after 1,000 calls, for three servers with the same
# tools (samples/QuickStart's), side by side in one run:
#   mcpgen-native  samples/QuickStart published with PublishAot=true (the native binary)
#   mcpgen-jit     samples/QuickStart published framework-dependent (dotnet QuickStart.dll)
#   official-sdk   benchmarks/OfficialSdkServer (ModelContextProtocol.AspNetCore 2.4.0), framework-dependent
#
#   bash benchmarks/cold-start.sh
#
# 1. publishes the servers of SERVERS into $OUT (the NativeAOT publish takes 2-3 minutes on 2 cores; needs clang, lld, zlib1g-dev);
# 2. for each run (RUNS, default 10) and each server, interleaved (so drift hits all alike), and each era:
#    starts the server on a free 127.0.0.1 port and clocks from just before the launch to the first answer that is a
#    correct tools/call result: hash_text("abc") must return the SHA-256 digest ba7816bf...15ad, not an error. The client
#    is curl in a loop (a refused connection fails at once and is retried, no sleep; one attempt costs ~3 ms, the
#    resolution of the figure). Eras:
#      2026-07-28  one POST tools/call with params._meta and the MCP-Protocol-Version / Mcp-Method / Mcp-Name headers
#      2025-11-25  POST initialize (retried until answered), then POST tools/call with MCP-Protocol-Version: 2025-11-25;
#                  the clock stops at the tools/call answer (both servers are stateless: no session id)
# 3. after the last run of each server: reads VmRSS after the first call, sends CALLS (default 1000) more tools/call
#    over one connection (curl -K: hash_text, convert_temperature, text_stats, get_forecast in turn), checks every one
#    answered a result and none an error, and reads VmRSS again (and VmHWM, the peak);
# 4. prints one markdown table: medians (min-max) in ms per server and era, RSS in MiB, and the size on disk.
#
# Environment: RUNS=10 CALLS=1000 OUT=/tmp/mcpgen-cold-start NO_PUBLISH=0 (1: reuse $OUT) ERAS="2026-07-28 2025-11-25"
#              SERVERS="mcpgen-native mcpgen-jit official-sdk"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

RUNS=${RUNS:-10}
CALLS=${CALLS:-1000}
OUT=${OUT:-/tmp/mcpgen-cold-start}
NO_PUBLISH=${NO_PUBLISH:-0}
ERAS=${ERAS:-"2026-07-28 2025-11-25"}
SERVERS=${SERVERS:-"mcpgen-native mcpgen-jit official-sdk"}
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")   # the code that was published and measured
DIGEST=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad

command -v curl >/dev/null 2>&1 || { echo "cold-start.sh needs curl (apt-get install curl)" >&2; exit 2; }
mkdir -p "$OUT"
work="$(mktemp -d)"
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$NO_PUBLISH" != 1 ]; then
  echo "publishing into $OUT (NativeAOT takes a few minutes) ..." >&2
  for s in $SERVERS; do
    case "$s" in
      mcpgen-native) rm -rf "$OUT/native"; dotnet publish samples/QuickStart/QuickStart.csproj -c Release -p:PublishAot=true -o "$OUT/native" -nologo -clp:ErrorsOnly >&2 ;;
      mcpgen-jit) rm -rf "$OUT/jit"; dotnet publish samples/QuickStart/QuickStart.csproj -c Release -o "$OUT/jit" -nologo -clp:ErrorsOnly >&2 ;;
      official-sdk) rm -rf "$OUT/sdk"; dotnet publish benchmarks/OfficialSdkServer/OfficialSdkServer.csproj -c Release -o "$OUT/sdk" -nologo -clp:ErrorsOnly >&2 ;;
    esac
  done
fi

command_of() {   # the server's command line, without --urls
  case "$1" in
    mcpgen-native) echo "$OUT/native/QuickStart" ;;
    mcpgen-jit) echo "dotnet $OUT/jit/QuickStart.dll" ;;
    official-sdk) echo "dotnet $OUT/sdk/OfficialSdkServer.dll" ;;
    *) echo "unknown server '$1' (SERVERS: mcpgen-native mcpgen-jit official-sdk)" >&2; exit 2 ;;
  esac
}
size_of() {   # MiB on disk of what the server runs from (the native binary alone; the whole folder for JIT)
  case "$1" in
    mcpgen-native) du -sm "$OUT/native/QuickStart" | cut -f1 ;;
    mcpgen-jit) du -sm "$OUT/jit" | cut -f1 ;;
    official-sdk) du -sm "$OUT/sdk" | cut -f1 ;;
  esac
}
for s in $SERVERS; do
  read -r -a c <<<"$(command_of "$s")"
  [ -e "${c[-1]}" ] || { echo "${c[-1]} is missing: run without NO_PUBLISH=1" >&2; exit 2; }
done

port=$((30000 + RANDOM % 20000))
free_port() {   # sets p: the next port nobody answers on (each run takes a new one)
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  p=$port; port=$((port + 1))
}

modern_meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"cold-start","version":"1.0.0"},"io.modelcontextprotocol/clientCapabilities":{}}'
call_body() {   # era tool arguments-json id
  if [ "$1" = 2026-07-28 ]; then
    printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"%s","arguments":%s,%s}}' "$4" "$2" "$3" "$modern_meta"
  else
    printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"%s","arguments":%s}}' "$4" "$2" "$3"
  fi
}
headers_of() {   # era tool: curl header arguments, one a line
  printf '%s\n' -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H "MCP-Protocol-Version: $1"
  if [ "$1" = 2026-07-28 ]; then printf '%s\n' -H 'Mcp-Method: tools/call' -H "Mcp-Name: $2"; fi
}
initialize_body='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"cold-start","version":"1.0.0"}}}'

now_ns() { date +%s%N; }
correct() { [[ "$1" == *"$DIGEST"* && "$1" != *'"isError":true'* ]]; }

# One cold start: sets ms (launch to the first correct tools/call), url and server_pid; leaves the server running.
cold_start() {   # server era
  local server=$1 era=$2 p body answer t0 t1
  free_port
  url="http://127.0.0.1:$p/mcp"
  read -r -a cmd <<<"$(command_of "$server")"
  mapfile -t call_headers < <(headers_of "$era" hash_text)
  body=$(call_body "$era" hash_text '{"text":"abc"}' 1)
  t0=$(now_ns)
  "${cmd[@]}" --urls "http://127.0.0.1:$p" >"$work/server.log" 2>&1 &
  server_pid=$!
  if [ "$era" = 2025-11-25 ]; then
    until curl -s -o /dev/null --max-time 5 -X POST -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
        --data-binary "$initialize_body" "$url"; do
      kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "$server exited during startup" >&2; exit 1; }
    done
    answer=$(curl -s --max-time 10 -X POST "${call_headers[@]}" --data-binary "$body" "$url" || true)
    correct "$answer" || { echo "$server ($era): the first tools/call after initialize was not correct: $answer" >&2; exit 1; }
  else
    until answer=$(curl -s --max-time 5 -X POST "${call_headers[@]}" --data-binary "$body" "$url") && correct "$answer"; do
      kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "$server exited during startup" >&2; exit 1; }
      if [ -n "$answer" ] && [[ "$answer" == *'"error"'* || "$answer" == *'"isError":true'* ]]; then
        echo "$server ($era): tools/call answered an error: $answer" >&2; exit 1
      fi
    done
  fi
  t1=$(now_ns)
  ms=$(((t1 - t0) / 1000000))
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

rss_mib() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# CALLS tools/call over one connection, four tools in turn; fails unless every one answered a result without isError.
many_calls() {   # era url
  local era=$1 url=$2 cfg="$work/calls.cfg" i tool args n
  : >"$cfg"
  for ((i = 1; i <= CALLS; i++)); do
    case $((i % 4)) in
      0) tool=hash_text; args='{"text":"abc"}' ;;
      1) tool=convert_temperature; args='{"value":100,"from":"Celsius","to":"Fahrenheit"}' ;;
      2) tool=text_stats; args='{"text":"one two\nthree"}' ;;
      3) tool=get_forecast; args='{"city":"Oslo","days":3}' ;;
    esac
    [ "$i" -gt 1 ] && echo "next" >>"$cfg"
    {
      echo "url = \"$url\""
      echo "request = \"POST\""
      echo "header = \"Content-Type: application/json\""
      echo "header = \"Accept: application/json, text/event-stream\""
      echo "header = \"MCP-Protocol-Version: $era\""
      if [ "$era" = 2026-07-28 ]; then echo "header = \"Mcp-Method: tools/call\""; echo "header = \"Mcp-Name: $tool\""; fi
      echo "data-binary = \"$(call_body "$era" "$tool" "$args" "$((i + 1))" | sed 's/\\/\\\\/g; s/"/\\"/g')\""
      echo "write-out = \"\\n\""
    } >>"$cfg"
  done
  curl -s -K "$cfg" >"$work/calls.out"
  n=$(grep -c '"result"' "$work/calls.out" || true)
  if [ "$n" -ne "$CALLS" ] || grep -q '"isError":true\|"error"' "$work/calls.out"; then
    echo "$CALLS calls: $n results; first problem: $(grep -m1 '"isError":true\|"error"' "$work/calls.out" || echo none)" >&2; exit 1
  fi
}

declare -A times rss_first rss_after hwm_after
for ((run = 1; run <= RUNS; run++)); do
  for server in $SERVERS; do
    for era in $ERAS; do
      cold_start "$server" "$era"
      times["$server $era"]+="$ms "
      if [ "$run" -eq "$RUNS" ] && [ "$era" = "${ERAS%% *}" ]; then
        rss_first[$server]=$(rss_mib "$server_pid" VmRSS)
        many_calls "$era" "$url"
        rss_after[$server]=$(rss_mib "$server_pid" VmRSS)
        hwm_after[$server]=$(rss_mib "$server_pid" VmHWM)
      fi
      stop_server
    done
  done
  echo "run $run/$RUNS done" >&2
done

stats() {   # "a b c ...": median (min-max)
  sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d (%d-%d)", m, v[1], v[NR] }'
}
echo
echo "Cold start, $RUNS runs per server and era, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d), commit $commit"
echo
header="| server |"; rule="|---|"
for era in $ERAS; do header+=" launch to first tools/call, $era, ms median (min-max) |"; rule+="---|"; done
header+=" RSS after first call, MiB | RSS after $CALLS calls, MiB | peak RSS, MiB | on disk, MiB |"; rule+="---|---|---|---|"
echo "$header"; echo "$rule"
for server in $SERVERS; do
  line="| $server |"
  for era in $ERAS; do line+=" $(tr ' ' '\n' <<<"${times["$server $era"]}" | grep . | stats) |"; done
  line+=" ${rss_first[$server]} | ${rss_after[$server]} | ${hwm_after[$server]} | $(size_of "$server") |"
  echo "$line"
done
