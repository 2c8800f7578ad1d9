#!/usr/bin/env bash
# Build cost: what McpGen adds to a clean build of a server with many tools.
#
#   bash benchmarks/build-cost.sh
#
# 1. builds src/McpGen.Runtime in Release (with it the generator, the analyzers and the code fixes; untimed);
# 2. writes (benchmarks/build-cost.py, deterministic) a web app with one [McpServer] of TOOLS tools of varied signatures
#    plus a resource, a resource template and a prompt per 20 tools, loading McpGen.dll, McpGen.Analyzers.dll and
#    McpGen.CodeFixes.dll as analyzers exactly as the McpGen package does, and its attribute-free twin (same methods,
#    records, enums and JsonSerializerContext; no McpGen attributes, generator or analyzers);
# 3. restores both (untimed), builds each once to warm the compiler server (untimed), then times RUNS clean builds
#    (`dotnet build --no-incremental --no-restore`) of each, interleaved twin/with, and prints the medians and the
#    difference ("added");
# 4. one more clean build of the McpGen project with -p:ReportAnalyzer=true: the compiler's own timings of the
#    generators and of every analyzer (csc's "Total analyzer/generator execution time" report), McpGen's listed first.
#
# Environment: TOOLS=200 RUNS=3 NO_BUILD=0 (1 = use the existing Release build of src/) KEEP=0 (1 = keep the temp dir)
#              FROM=<dir>: take the Release builds of src/ from another checkout (e.g. `git archive` of the code before a
#              change, built there) to compare before and after on the same machine; NO_BUILD applies to it too
#              LIMIT=300 (seconds allowed per dotnet command; the whole run takes ~2-3 minutes on 2 cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

TOOLS=${TOOLS:-200}
RUNS=${RUNS:-3}
NO_BUILD=${NO_BUILD:-0}
KEEP=${KEEP:-0}
LIMIT=${LIMIT:-300}

src="${FROM:-$root}"
if [[ "$NO_BUILD" != 1 ]]; then
  echo "building $src/src/McpGen.Runtime (Release) ..."
  timeout "$LIMIT" dotnet build "$src/src/McpGen.Runtime/McpGen.Runtime.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
fi

runtime="$src/src/McpGen.Runtime/bin/Release/net10.0/McpGen.Runtime.dll"
analyzers=(
  "$src/src/McpGen/bin/Release/netstandard2.0/McpGen.dll"
  "$src/src/McpGen.Analyzers/bin/Release/netstandard2.0/McpGen.Analyzers.dll"
  "$src/src/McpGen.CodeFixes/bin/Release/netstandard2.0/McpGen.CodeFixes.dll"
)
for f in "$runtime" "${analyzers[@]}"; do
  [[ -f "$f" ]] || { echo "missing $f: run without NO_BUILD=1" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-build-cost.XXXXXX")"
cleanup() { [[ "$KEEP" == 1 ]] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT

python3 "$root/benchmarks/build-cost.py" "$work" "$TOOLS" "$runtime" "${analyzers[@]}"

build() { # build <dir> [extra msbuild args...]: one clean compile of the project, no restore
  local dir="$1"; shift
  timeout "$LIMIT" dotnet build "$dir/Bench.csproj" -c Release --no-restore --no-incremental -nologo "$@"
}

for p in twin with; do
  timeout "$LIMIT" dotnet restore "$work/$p/Bench.csproj" -nologo >/dev/null
  # Warm-up (the compiler server starts and JITs here); also proves the project builds with zero warnings.
  out="$(build "$work/$p" 2>&1)" || { grep -E "error|Error" <<<"$out" | head -20 >&2; exit 1; }
  grep -q " 0 Warning(s)" <<<"$out" || { echo "$out" >&2; echo "$p: the build printed warnings" >&2; exit 1; }
done

declare -A times
for ((r = 1; r <= RUNS; r++)); do
  for p in twin with; do
    start=$(date +%s.%N)
    build "$work/$p" -clp:ErrorsOnly >/dev/null
    end=$(date +%s.%N)
    times[$p]+="$(echo "$end - $start" | bc) "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
twin=$(median <<<"${times[twin]}")
with=$(median <<<"${times[with]}")

report="$work/report.txt"
build "$work/with" -p:ReportAnalyzer=true -v:d >"$report" 2>&1

# csc's report: "Total analyzer execution time: 0.123 seconds." then one line per assembly and per analyzer
# ("   0.045   12  McpGen.Analyzers.SchemaKeywordsAnalyzer (MCPG0020)"); the same for generators.
rows() { # rows <assembly pattern>: the totals and the per-assembly/per-item lines whose name matches
  grep -E "Total (analyzer|generator) execution time|^[[:space:]]+<?[0-9.]+[[:space:]]+<?[0-9]+[[:space:]]+($1)" "$report" | sed -E 's/^[[:space:]]+//'
}

echo
echo "McpGen build cost: $TOOLS tools ($(( TOOLS / 20 )) resources, $(( TOOLS / 20 )) templates, $(( TOOLS / 20 )) prompts), $RUNS clean builds each, $(nproc) cores"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %s\n' "project" "clean build, median (runs)"
printf '%-28s %6.2f s  (%s)\n' "attribute-free twin" "$twin" "${times[twin]% }"
printf '%-28s %6.2f s  (%s)\n' "with McpGen" "$with" "${times[with]% }"
printf '%-28s %6.2f s\n' "added" "$(echo "$with - $twin" | bc)"
echo
echo "compiler report of one more clean build (-p:ReportAnalyzer=true):"
rows "McpGen|System.Text.Json.SourceGeneration"
echo "(load average after the timed builds: $load; other processes on the machine inflate wall times)"
