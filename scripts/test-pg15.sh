#!/usr/bin/env bash
# Runs the integration suite a second time against Debian's PostgreSQL 15 server.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "SKIPPED the PostgreSQL 15 pass: Debian's server is not installed (apt-get install postgresql)."
  exit 0
fi
PGLOOM_TEST_SERVER=debian exec npx vitest run --project integration
