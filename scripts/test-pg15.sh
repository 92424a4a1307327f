#!/usr/bin/env bash
# Runs the integration suite a second time against Debian's PostgreSQL 15 server. Files whose
# behaviour does not depend on the server's version are left out of this pass (and say so): the
# scripted fake server, the corrupting proxy, the client-side cancel race, the pool's thread layer
# (placement, streams' credits, worker crashes, the main-thread lane), the package and README
# checks, the CLI's files, Arrow's IPC and the soak.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "SKIPPED the PostgreSQL 15 pass: Debian's server is not installed (apt-get install postgresql)."
  exit 0
fi
SERVER_INDEPENDENT=(hostile-wire fault-proxy-rewrite cancel-race pool-thread-layer pool-chaos pool-stream pool-faults pool-main-thread packaging readme server-binaries arrow-esm cli-export cli-import cli-commands soak)
echo "PostgreSQL 15 pass: leaving out the server-independent files ${SERVER_INDEPENDENT[*]} (they ran against PostgreSQL 18)."
EXCLUDES=()
for name in "${SERVER_INDEPENDENT[@]}"; do EXCLUDES+=(--exclude "test/integration/${name}.test.ts"); done
PGLOOM_TEST_SERVER=debian exec npx vitest run --project integration "${EXCLUDES[@]}"
