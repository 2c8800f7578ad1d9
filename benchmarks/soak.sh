#!/usr/bin/env bash
# The soak (issue 11): mixed valid traffic against samples/Everything in each session mode (store on the private
# PostgreSQL cluster of scripts/services/postgres.sh), N connections for M minutes per mode: initialize, calls, prompts,
# resources, completions, GET streams opened and closed, DELETE, and modern 2026-07-28 calls (benchmarks/soak/soak.mjs).
# The server's RSS is sampled every 10 s; a mode passes with 0 errors and an end RSS within 10% of the sample taken
# after warm-up (60 s, or 30 s for runs under 5 minutes).
#
#   bash benchmarks/soak.sh [--minutes 10] [--connections 32] [--modes stateless,sticky,store] [--no-build]
#
# 127.0.0.1 only; every server it starts is stopped (trap); each mode is bounded by --minutes (+2 min hard limit).
# Prints one JSON line per mode (figures for docs/benchmarks.md). Exit code 0 when every mode passed, 1 otherwise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

minutes=10
connections=32
modes=stateless,sticky,store
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "soak.sh: unknown argument '$1' (see the usage at the top of benchmarks/soak.sh)" >&2; exit 2 ;;
  esac
done
warmup=$(( minutes >= 5 ? 60 : 30 ))

if [ "$build" = 1 ]; then
  dotnet build samples/Everything -c Release -nologo -clp:ErrorsOnly
fi
dll="$root/samples/Everything/bin/Release/net10.0/Everything.dll"

server=""
schema="soak_$(date +%s)_$$"
postgres=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$postgres" ]; then
    psql="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql"
    "$psql" -h 127.0.0.1 -p "${MCPGEN_PG_PORT:-55432}" -U postgres -d mcpgen -qc "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

status=0
IFS=, read -r -a mode_list <<<"$modes"
for mode in "${mode_list[@]}"; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  extra=()
  if [ "$mode" = store ]; then
    bash scripts/services/postgres.sh start >&2
    postgres="$(bash scripts/services/postgres.sh url)"
    extra=(--postgres "$postgres" --pg-schema "$schema")
  fi
  log="$(mktemp /tmp/mcpgen-soak-$mode-XXXX.log)"
  dotnet "$dll" --urls "http://127.0.0.1:$port" --mode "$mode" "${extra[@]}" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  set +e
  timeout --kill-after=10 $(( minutes * 60 + 120 )) node benchmarks/soak/soak.mjs --url "http://127.0.0.1:$port/mcp" --mode "$mode" --pid "$server" \
    --minutes "$minutes" --connections "$connections" --warmup "$warmup"
  rc=$?
  set -e
  errors=$(grep -c '"LogLevel":"Error"\|fail:' "$log" || true)
  echo "   $mode: driver exit $rc, server Error log lines: $errors (log: $log)"
  if [ "$rc" -ne 0 ] || [ "$errors" -ne 0 ]; then status=1; fi
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
done
exit "$status"
