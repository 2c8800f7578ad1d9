#!/usr/bin/env bash
# Build cost: what McpGen adds to a clean build of a server with many tools.
#
#   bash benchmarks/build-cost.sh                      # this checkout
#   BASE=/tmp/before bash benchmarks/build-cost.sh     # and, interleaved in the same rounds, another checkout's build
#
# 1. builds src/McpGen.Runtime in Release (with it the generator, the analyzers and the code fixes; untimed);
# 2. writes (benchmarks/build-cost.py, deterministic) a web app with one [McpServer] of TOOLS tools of varied signatures
#    plus a resource, a resource template and a prompt per 20 tools, loading McpGen.dll, McpGen.Analyzers.dll and
#    McpGen.CodeFixes.dll as analyzers exactly as the McpGen package does, and its attribute-free twin (same methods,
#    records, enums and JsonSerializerContext; no McpGen attributes, generator or analyzers);
# 3. restores them (untimed), builds each once to warm the compiler server (untimed; the build must print no warning),
#    then times RUNS clean builds (`dotnet build --no-incremental --no-restore`) of each, interleaved, and prints the
#    medians and the difference to the twin ("added"): wall seconds with the compiler server, and CPU seconds (user +
#    system) of a build with the compiler in-process, which other load on the machine hardly changes;
# 4. one more clean build of each McpGen project with -p:ReportAnalyzer=true: the compiler's own timings of the
#    generators and of every analyzer (csc's "Total analyzer/generator execution time" report), McpGen's rows.
#
# Environment: TOOLS=200 RUNS=3 NO_BUILD=0 (1 = use the existing Release builds of src/) KEEP=0 (1 = keep the temp dir)
#              BASE=<dir>: a second checkout (e.g. `git archive <commit> src Directory.*.props global.json | tar -x -C
#              <dir>`) whose build is measured as "base" in the same rounds: before/after on one noisy machine
#              LIMIT=300 (seconds allowed per dotnet command; one run takes ~2-4 minutes on 2 quiet cores)
# Wall times depend on what else runs: the load average is printed; compare only numbers from one run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

TOOLS=${TOOLS:-200}
RUNS=${RUNS:-3}
NO_BUILD=${NO_BUILD:-0}
KEEP=${KEEP:-0}
LIMIT=${LIMIT:-300}

checkouts=("$root")
[[ -n "${BASE:-}" ]] && checkouts+=("$BASE")
for src in "${checkouts[@]}"; do
  if [[ "$NO_BUILD" != 1 ]]; then
    echo "building $src/src/McpGen.Runtime (Release) ..."
    timeout "$LIMIT" dotnet build "$src/src/McpGen.Runtime/McpGen.Runtime.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-build-cost.XXXXXX")"
cleanup() { [[ "$KEEP" == 1 ]] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT

generate() { # generate <checkout> <out>: the two projects against that checkout's build
  local src="$1" out="$2"
  local runtime="$src/src/McpGen.Runtime/bin/Release/net10.0/McpGen.Runtime.dll"
  local analyzers=(
    "$src/src/McpGen/bin/Release/netstandard2.0/McpGen.dll"
    "$src/src/McpGen.Analyzers/bin/Release/netstandard2.0/McpGen.Analyzers.dll"
    "$src/src/McpGen.CodeFixes/bin/Release/netstandard2.0/McpGen.CodeFixes.dll"
  )
  for f in "$runtime" "${analyzers[@]}"; do
    [[ -f "$f" ]] || { echo "missing $f: run without NO_BUILD=1" >&2; exit 1; }
  done
  python3 "$root/benchmarks/build-cost.py" "$out" "$TOOLS" "$runtime" "${analyzers[@]}"
}

generate "$root" "$work/this"
projects=(this/twin this/with)
if [[ -n "${BASE:-}" ]]; then
  generate "$BASE" "$work/base"
  projects+=(base/with)
fi

build() { # build <dir> [extra msbuild args...]: one clean compile of the project, no restore
  local dir="$1"; shift
  timeout "$LIMIT" dotnet build "$dir/Bench.csproj" -c Release --no-restore --no-incremental -nologo "$@"
}

for p in "${projects[@]}"; do
  timeout "$LIMIT" dotnet restore "$work/$p/Bench.csproj" -nologo >/dev/null
  # Warm-up (the compiler server starts and JITs here); also proves the project builds with zero warnings.
  out="$(build "$work/$p" 2>&1)" || { grep -E "error|Error" <<<"$out" | head -20 >&2; exit 1; }
  grep -q " 0 Warning(s)" <<<"$out" || { echo "$out" >&2; echo "$p: the build printed warnings" >&2; exit 1; }
done

# Two measures per clean build: wall seconds with the compiler server (what a developer waits for), and CPU seconds
# (user + system of the whole build, the compiler in-process: -p:UseSharedCompilation=false). Other processes on a
# shared machine stretch the first; the second barely moves, so it is the one to compare when the load is high.
declare -A times cpus
TIMEFORMAT='%R %U %S'
for ((r = 1; r <= RUNS; r++)); do
  for p in "${projects[@]}"; do
    start=$(date +%s.%N)
    build "$work/$p" -clp:ErrorsOnly >/dev/null
    end=$(date +%s.%N)
    times[$p]+="$(echo "$end - $start" | bc) "
    read -r _ user sys < <({ time build "$work/$p" -clp:ErrorsOnly -p:UseSharedCompilation=false -nodeReuse:false >/dev/null; } 2>&1)
    cpus[$p]+="$(echo "$user + $sys" | bc) "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
twin=$(median <<<"${times[this/twin]}")
load="$(cut -d' ' -f1-3 /proc/loadavg)"

# csc's report: "Total analyzer execution time: 0.123 seconds." then one line per assembly and per analyzer
# ("   0.045   12  McpGen.Analyzers.SchemaKeywordsAnalyzer (MCPG0032)"); the same for generators.
rows() { # rows <report> <assembly pattern>: the totals and the per-assembly/per-item lines whose name matches
  grep -E "Total (analyzer|generator) execution time|^[[:space:]]+<?[0-9.]+[[:space:]]+<?[0-9]+[[:space:]]+($2)" "$1" | sed -E 's/^[[:space:]]+//'
}

echo
echo "McpGen build cost: $TOOLS tools ($(( TOOLS / 20 )) resources, $(( TOOLS / 20 )) templates, $(( TOOLS / 20 )) prompts), $RUNS clean builds each, $(nproc) cores"
cpu_twin=$(median <<<"${cpus[this/twin]}")
printf '%-30s %-8s %-8s %-8s %-8s %s\n' "project" "wall" "added" "CPU" "added" "runs: wall (s) / CPU (s)"
for p in "${projects[@]}"; do
  m=$(median <<<"${times[$p]}")
  c=$(median <<<"${cpus[$p]}")
  case "$p" in
    this/twin) label="attribute-free twin" ;;
    this/with) label="with McpGen (this checkout)" ;;
    base/with) label="with McpGen (BASE)" ;;
  esac
  added="" cadded=""
  if [[ "$p" != this/twin ]]; then
    added=$(printf '%+.2f' "$(echo "$m - $twin" | bc)")
    cadded=$(printf '%+.2f' "$(echo "$c - $cpu_twin" | bc)")
  fi
  printf '%-30s %6.2f s %-8s %6.2f s %-8s %s / %s\n' "$label" "$m" "$added" "$c" "$cadded" "${times[$p]% }" "${cpus[$p]% }"
done
echo "(load average after the timed builds: $load; other processes on the machine inflate wall times)"

for p in "${projects[@]}"; do
  [[ "$p" == */twin ]] && continue
  report="$work/${p%%/*}-report.txt"
  build "$work/$p" -p:ReportAnalyzer=true -v:d >"$report" 2>&1
  echo
  echo "compiler report, ${p%%/*}, one more clean build (-p:ReportAnalyzer=true):"
  rows "$report" "McpGen|System.Text.Json.SourceGeneration"
done
