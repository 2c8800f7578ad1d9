#!/usr/bin/env bash
# The one test command: installs what the tests need, builds everything with warnings as errors, runs every
# test project, and prints one closing line "N passed, N failed, N skipped".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
unset MCPGEN_ACCEPT_SNAPSHOTS   # snapshots are only ever accepted by hand, never by a test run
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

start=$(date +%s)
bash scripts/install-test-deps.sh

echo "== build (Release)"
dotnet build McpGen.sln -c Release -nologo -clp:ErrorsOnly

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

echo "== test"
status=0
dotnet test McpGen.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" -- RunConfiguration.TestSessionTimeout=2400000 || status=$?
for mode in stateless sticky store; do   # the official MCP conformance suite against samples/Everything, each session mode
  bash scripts/conformance.sh --no-build --mode "$mode" || status=1
done

passed=0; failed=0; skipped=0; found=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  found=$((found + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); p=${p:-0}
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=${f:-0}
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); t=${t:-0}
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters"); e=${e:-0}
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + t - e))
done

# The names of failed tests last, next to the totals, so that a log cut to its tail still says what failed.
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" \
    | sed -n 's/.*testName="\([^"]*\)".*/  failed: \1/p' | head -n 20 || true
done
echo "== $(( $(date +%s) - start ))s, $found test assemblies"
if [ "$found" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "no test results were produced" >&2
  status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
