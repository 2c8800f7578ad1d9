#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK, idempotently: the npm clients (from the committed lock file),
# and PostgreSQL, haproxy and nginx from Debian packages (the PostgreSQL tests start their own cluster with
# scripts/services/postgres.sh; the multi-replica tests run haproxy and nginx with scripts/services/haproxy.sh).
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
