#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK, idempotently: the npm clients (from the committed lock file),
# and PostgreSQL, haproxy and nginx from Debian packages (the PostgreSQL tests start their own cluster with
# scripts/services/postgres.sh; the multi-replica tests run haproxy and nginx with scripts/services/haproxy.sh), and the
# NativeAOT toolchain (clang, lld, zlib1g-dev) for the test that publishes QuickStart with PublishAot=true (NativeAotTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-test-deps: node and npm are required (the TypeScript SDK clients run on Node >= 20)." >&2
  exit 1
fi

ts="$root/tests/clients/ts"
if [ -f "$ts/package-lock.json" ]; then
  if [ ! -d "$ts/node_modules" ] || [ "$ts/package-lock.json" -nt "$ts/node_modules/.package-lock.json" ]; then
    echo "install-test-deps: npm ci in tests/clients/ts"
    (cd "$ts" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# PostgreSQL: installed here so that no test pays for apt-get; the tests start the cluster themselves.
bash "$root/scripts/services/postgres.sh" install
bash "$root/scripts/services/haproxy.sh" install
# redis-server for McpGen.Redis.Tests (apt-get only when it is missing; the tests start a private instance on 56379).
bash "$root/scripts/services/redis.sh" install

# NativeAOT: the ILCompiler packages come from NuGet; linking the native binary needs clang, lld and zlib's headers.
aot_missing=()
command -v clang >/dev/null 2>&1 || aot_missing+=(clang)
command -v ld.lld >/dev/null 2>&1 || aot_missing+=(lld)
dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q "install ok installed" || aot_missing+=(zlib1g-dev)
if [ ${#aot_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: ${aot_missing[*]} missing and not root: install them (apt-get install -y ${aot_missing[*]}) and rerun." >&2
    exit 1
  fi
  t0=$SECONDS
  echo "install-test-deps: installing ${aot_missing[*]} from Debian packages (NativeAOT toolchain)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${aot_missing[@]}" >/dev/null
  echo "install-test-deps: installed in $((SECONDS - t0))s: $(clang --version | head -n 1), $(ld.lld --version | head -n 1)"
fi
