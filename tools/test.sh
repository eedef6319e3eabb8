#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, starts real Redis and a real OpenSearch
# node, runs build + typecheck + lint + format + circular-import and layers checks + every test, and stops what it started.
# Idempotent; safe to run again. `--opensearch-only` runs only the OpenSearch integration suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-all}
export CANHGAC_TEST_TMP=${CANHGAC_TEST_TMP:-$ROOT/.tmp}
mkdir -p "$CANHGAC_TEST_TMP"

step() { printf '\n== %s\n' "$*"; }

cleanup() {
  set +e
  [ -n "${STARTED_OPENSEARCH:-}" ] && bash tools/opensearch-node/node.sh stop
  [ -n "${STARTED_REDIS:-}" ] && bash tools/redis.sh stop
  [ -n "${STARTED_TAXII:-}" ] && bash tools/taxii.sh stop
}
trap cleanup EXIT

step "System packages"
bash tools/deps.sh

step "Node packages"
# `npm ci`: the lock file records every platform's optional binaries (biome, swc, esbuild, ...), so a fresh clone
# installs exactly what it says and never rewrites it. Native modules (better-sqlite3, re2) build from source here
# (allowScripts); the check below rebuilds them if they do not load.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if ! node tools/check-native.js; then
  echo "Rebuilding native modules" >&2
  npm rebuild better-sqlite3 re2 --foreground-scripts
  node tools/check-native.js
fi

step "Build"
npm run build --silent

if [ "$MODE" != "--opensearch-only" ]; then
  step "Typecheck"
  npm run typecheck --silent
  step "Lint"
  npm run lint --silent
  step "Format"
  npm run format:check --silent
  step "Circular imports"
  npm run check:circular --silent
  step "Layers (folder order of docs/architecture.md, test layout)"
  npm run check:layers --silent
fi

step "Redis"
eval "$(bash tools/redis.sh start)"
STARTED_REDIS=1

step "TAXII 2.1 server (medallion)"
eval "$(bash tools/taxii.sh start)"
STARTED_TAXII=1

step "OpenSearch test node"
eval "$(bash tools/opensearch-node/node.sh start)"
STARTED_OPENSEARCH=1

step "Tests"
# Two workers: jest's default on a 2-core machine is one.
JEST=(node --experimental-vm-modules node_modules/jest/bin/jest.js --ci --maxWorkers=2 --json --outputFile="$CANHGAC_TEST_TMP/jest.json")
status=0
if [ "$MODE" = "--opensearch-only" ]; then
  "${JEST[@]}" --testPathPatterns 'opensearch' || status=$?
else
  "${JEST[@]}" || status=$?
fi
# One plain closing line for CI: 'N passed, N failed, N skipped'.
node -e 'const r=require(process.argv[1]);console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests+r.numTodoTests} skipped`)' "$CANHGAC_TEST_TMP/jest.json" || true
exit $status
