#!/usr/bin/env bash
# Starts (or stops) a private redis-server on a free loopback port for the tests; prints `export ...` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${CANHGAC_TEST_TMP:-$PWD/.tmp}/redis
mkdir -p "$DIR"
case "${1:-}" in
  start)
    if [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
      echo "export CANHGAC_TEST_REDIS_URL=redis://127.0.0.1:$(cat "$DIR/port")"
      exit 0
    fi
    command -v redis-server >/dev/null || { echo "redis-server is missing (tools/deps.sh installs it)" >&2; exit 1; }
    PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$DIR/pid" --logfile "$DIR/redis.log" --dir "$DIR" >&2
    for _ in $(seq 1 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    echo "$PORT" >"$DIR/port"
    echo "Redis ready on 127.0.0.1:$PORT" >&2
    echo "export CANHGAC_TEST_REDIS_URL=redis://127.0.0.1:$PORT"
    ;;
  stop)
    [ -f "$DIR/pid" ] && kill "$(cat "$DIR/pid")" 2>/dev/null || true
    rm -f "$DIR/pid"
    ;;
  *) echo "usage: tools/redis.sh start|stop" >&2; exit 2 ;;
esac
