#!/usr/bin/env bash
# Starts (or stops) a private TAXII 2.1 server (OASIS medallion, memory backend) on a free loopback port for the
# threat-intel tests; installs medallion from PyPI into a venv under the test directory the first time.
# Prints `export ...` lines: CANHGAC_TEST_TAXII_URL (the server), _USER and _PASSWORD (HTTP basic), and the
# API root and an empty collection the tests write objects into.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${CANHGAC_TEST_TMP:-$PWD/.tmp}/taxii
VENV=${CANHGAC_TEST_TMP:-$PWD/.tmp}/taxii-venv
MEDALLION_VERSION=3.0.0
mkdir -p "$DIR"
exports() {
  echo "export CANHGAC_TEST_TAXII_URL=http://127.0.0.1:$1"
  echo "export CANHGAC_TEST_TAXII_USER=canhgac"
  echo "export CANHGAC_TEST_TAXII_PASSWORD=taxii-test-pass"
}
case "${1:-}" in
  start)
    if [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
      exports "$(cat "$DIR/port")"
      exit 0
    fi
    if [ ! -x "$VENV/bin/medallion" ]; then
      echo "Installing medallion $MEDALLION_VERSION into $VENV" >&2
      python3 -m venv "$VENV" >&2
      "$VENV/bin/pip" install -q "medallion==$MEDALLION_VERSION" >&2
    fi
    PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    cat >"$DIR/data.json" <<JSON
{
  "/discovery": {
    "title": "canhgac test TAXII server",
    "description": "medallion, memory backend, started by tools/taxii.sh",
    "default": "http://127.0.0.1:$PORT/api1/",
    "api_roots": ["http://127.0.0.1:$PORT/api1/"]
  },
  "api1": {
    "information": { "title": "canhgac tests", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 104857600 },
    "status": [],
    "collections": [
      { "id": "91a7b528-80eb-42ed-a74d-c6fbd5a26116", "title": "canhgac test indicators", "can_read": true, "can_write": true,
        "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": [] }
    ]
  }
}
JSON
    cat >"$DIR/config.json" <<JSON
{
  "backend": { "module": "medallion.backends.memory_backend", "module_class": "MemoryBackend", "filename": "$DIR/data.json" },
  "users": { "canhgac": "taxii-test-pass" },
  "taxii": { "max_page_size": 100 }
}
JSON
    nohup "$VENV/bin/medallion" --host 127.0.0.1 --port "$PORT" "$DIR/config.json" >"$DIR/medallion.log" 2>&1 &
    echo $! >"$DIR/pid"
    for _ in $(seq 1 100); do
      curl -fsS -u canhgac:taxii-test-pass -H 'Accept: application/taxii+json;version=2.1' \
        "http://127.0.0.1:$PORT/taxii2/" >/dev/null 2>&1 && break
      sleep 0.2
    done
    echo "$PORT" >"$DIR/port"
    echo "TAXII server (medallion) ready on 127.0.0.1:$PORT" >&2
    exports "$PORT"
    ;;
  stop)
    [ -f "$DIR/pid" ] && kill "$(cat "$DIR/pid")" 2>/dev/null || true
    rm -f "$DIR/pid"
    ;;
  *) echo "usage: tools/taxii.sh start|stop" >&2; exit 2 ;;
esac
