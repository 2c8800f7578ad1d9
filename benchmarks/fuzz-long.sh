#!/usr/bin/env bash
# The long fuzz run (issue 11): tests/McpGen.Fuzz against samples/Everything in each session mode (store on the
# private PostgreSQL cluster of scripts/services/postgres.sh), a request budget split evenly across the modes, each
# mode bounded in time. Prints per-mode totals (requests, time, statuses, server RSS) and the findings per class.
#
#   bash benchmarks/fuzz-long.sh [--requests 1000000] [--minutes 60] [--modes stateless,sticky,store]
#                                [--concurrency 4] [--seed 1] [--timeout 10] [--no-build]
#
# --requests is the total across the modes; --minutes the total wall-clock bound (split evenly; a mode that reaches its
# time limit stops early and says how many requests it sent). Every server the fuzzer starts binds 127.0.0.1 and is
# stopped by the fuzzer. Logs and reports go to $OUT (default /tmp/mcpgen-fuzz-long-<time>): <mode>.log holds the
# fuzzer's progress and its full report (one minimized example per class).
# Exit code: 0 when no mode found anything, 1 when some did, 2 for bad arguments.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

requests=1000000
minutes=60
modes=stateless,sticky,store
concurrency=4
seed=1
timeout=10
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests="$2"; shift 2 ;;
    --minutes) minutes="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "fuzz-long.sh: unknown argument '$1' (see the usage at the top of benchmarks/fuzz-long.sh)" >&2; exit 2 ;;
  esac
done

IFS=, read -r -a mode_list <<<"$modes"
for mode in "${mode_list[@]}"; do
  case "$mode" in stateless|sticky|store) ;; *) echo "fuzz-long.sh: unknown mode '$mode': use stateless, sticky or store" >&2; exit 2 ;; esac
done
count=${#mode_list[@]}
per_mode=$(( (requests + count - 1) / count ))   # rounded up: the run sends at least --requests in all
per_mode_seconds=$(( minutes * 60 / count ))
out="${OUT:-/tmp/mcpgen-fuzz-long-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"

if [ "$build" = 1 ]; then
  echo "== build (Release): samples/Everything, tests/McpGen.Fuzz"
  dotnet build samples/Everything -c Release -nologo -clp:ErrorsOnly
  dotnet build tests/McpGen.Fuzz -c Release -nologo -clp:ErrorsOnly
fi
fuzz_dll="$root/tests/McpGen.Fuzz/bin/Release/net10.0/McpGen.Fuzz.dll"
everything_dll="$root/samples/Everything/bin/Release/net10.0/Everything.dll"

postgres=""
schema="fuzz_long_$(date +%s)_$$"
for mode in "${mode_list[@]}"; do
  if [ "$mode" = store ]; then
    bash scripts/services/postgres.sh start >&2
    postgres="$(bash scripts/services/postgres.sh url)"
  fi
done

drop_schema() {
  if [ -n "$postgres" ]; then
    psql_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql"
    port="${MCPGEN_PG_PORT:-55432}"
    "$psql_bin" -h 127.0.0.1 -p "$port" -U postgres -d mcpgen -qc "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" >/dev/null 2>&1 || true
  fi
}
trap drop_schema EXIT

echo "== fuzz-long: $requests requests over ${modes} ($per_mode per mode), at most $minutes min ($per_mode_seconds s per mode), seed $seed, concurrency $concurrency; logs in $out"
status=0
summaries=()
for mode in "${mode_list[@]}"; do
  args=(--mode "$mode" --requests "$per_mode" --seed "$seed" --concurrency "$concurrency" --duration "$per_mode_seconds"
        --timeout "$timeout" --everything "$everything_dll" --spec "$(cd "$root/.." && pwd)/shared/spec")
  if [ "$mode" = store ]; then args+=(--postgres "$postgres" --pg-schema "$schema"); fi
  echo "== $mode: $per_mode requests, at most $per_mode_seconds s"
  started=$(date +%s)
  # The fuzzer stops itself at --duration; the outer bound (duration + 5 min for minimization and shutdown) catches a hang.
  set +e
  timeout --kill-after=30 $(( per_mode_seconds + 300 )) dotnet "$fuzz_dll" "${args[@]}" >"$out/$mode.log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - started ))
  summary="$(grep -E '^fuzz [a-z]+:' "$out/$mode.log" | tail -n 1 || true)"
  if [ -z "$summary" ]; then
    summary="fuzz $mode: no report (exit $rc after $elapsed s; see $out/$mode.log)"
    status=1
  elif [ "$rc" -ne 0 ]; then
    status=1
  fi
  summaries+=("$summary")
  echo "   $summary"
  grep -E '^== [0-9]+ x ' "$out/$mode.log" | sed 's/^/   /' || true
done

echo "== totals"
printf '   %s\n' "${summaries[@]}"
total=0
for s in "${summaries[@]}"; do
  n=$(sed -nE 's/^fuzz [a-z]+: ([0-9]+) requests.*/\1/p' <<<"$s")
  total=$(( total + ${n:-0} ))
done
echo "   $total requests in all; findings per class: the '== N x class' lines above (full examples in $out/<mode>.log)"
exit "$status"
