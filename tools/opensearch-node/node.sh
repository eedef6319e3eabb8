#!/usr/bin/env bash
# Starts (or stops) a real single-node OpenSearch 2.19 for the integration tests, without Docker: the jars come
# from Maven Central (pom.xml), TestNode.java subclasses Node with the Netty4 plugin, data and logs live under
# $CANHGAC_TEST_TMP/opensearch. `start` builds once, reuses a running node, waits for yellow/green health and
# prints `export CANHGAC_TEST_OPENSEARCH_URL=...` on stdout; everything else goes to stderr. `stop` stops it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${CANHGAC_TEST_TMP:-$ROOT/.tmp}/opensearch
TARGET=$HERE/target
HEAP=${CANHGAC_TEST_OPENSEARCH_HEAP:-1g}
TIMEOUT=${CANHGAC_TEST_OPENSEARCH_TIMEOUT:-180}
mkdir -p "$DIR"

say() { echo "opensearch-node: $*" >&2; }
die() { say "$*"; exit 1; }

alive() { [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; }

# Health through Node's fetch, so the script needs no curl. Exit 0 when yellow or green.
healthy() {
  node -e "fetch('http://127.0.0.1:$1/_cluster/health?wait_for_status=yellow&timeout=2s',{signal:AbortSignal.timeout(4000)})
    .then(r=>r.json()).then(h=>process.exit(h.status==='green'||h.status==='yellow'?0:1),()=>process.exit(1))" 2>/dev/null
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# OpenSearch 2.19 is built and tested on JDK 17: prefer it over whatever JAVA_HOME says (a newer JDK may lack
# what the node expects); CANHGAC_TEST_JAVA_HOME overrides.
find_java() {
  local j
  for j in "${CANHGAC_TEST_JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 "${JAVA_HOME:-}"; do
    [ -n "$j" ] && [ -x "$j/bin/java" ] && { echo "$j/bin/java"; return; }
  done
  command -v java || true
}

build() {
  local stamp=$TARGET/opensearch-test-node-1.0.0.jar
  if [ -f "$stamp" ] && [ -f "$TARGET/classpath.txt" ] && [ "$stamp" -nt "$HERE/pom.xml" ] &&
    [ -z "$(find "$HERE/src" -newer "$stamp" -type f)" ] && classpath_ok; then
    return
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is missing: run tools/deps.sh (apt-get install maven) first."
  say "Building the test node (first time only; jars cached in ~/.m2)"
  # Offline first: a warm ~/.m2 needs no network; fall back to Maven Central.
  (cd "$HERE" && mvn -B -q -o package >"$DIR/build.log" 2>&1) ||
    (cd "$HERE" && mvn -B -q package >"$DIR/build.log" 2>&1) ||
    { cat "$DIR/build.log" >&2; die "Maven build failed (log above, also in $DIR/build.log)."; }
  classpath_ok || die "Build finished but jars listed in $TARGET/classpath.txt are missing."
}

classpath_ok() {
  local j
  IFS=: read -r -a jars <"$TARGET/classpath.txt"
  for j in "${jars[@]}"; do [ -f "$j" ] || return 1; done
}

start() {
  if alive && [ -f "$DIR/port" ] && healthy "$(cat "$DIR/port")"; then
    say "Reusing the running node (pid $(cat "$DIR/pid"))"
    echo "export CANHGAC_TEST_OPENSEARCH_URL=http://127.0.0.1:$(cat "$DIR/port")"
    return
  fi
  alive && stop
  command -v node >/dev/null || die "node is missing (needed to pick ports and probe health)."
  local java
  java=$(find_java)
  [ -n "$java" ] || die "No Java found: OpenSearch 2.19 needs a JDK 17 (apt-get install openjdk-17-jdk-headless)."
  local major
  major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
  [ "${major:-0}" -ge 17 ] 2>/dev/null || die "Java $major at $java is too old: OpenSearch 2.19 needs 17 or newer."
  build

  local port tport
  port=$(free_port)
  tport=$(free_port)
  rm -rf "$DIR/home"
  mkdir -p "$DIR/home"
  say "Starting OpenSearch on 127.0.0.1:$port (log: $DIR/node.log)"
  # setsid: the node outlives this script and is not hit by the caller's Ctrl-C on the process group.
  setsid "$java" -Xms512m "-Xmx$HEAP" -Xss1m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Djava.io.tmpdir="$DIR/home" \
    -cp "$TARGET/opensearch-test-node-1.0.0.jar:$(cat "$TARGET/classpath.txt")" \
    org.canhgac.testnode.TestNode "$DIR/home" "$port" "$tport" >"$DIR/node.log" 2>&1 </dev/null &
  echo $! >"$DIR/pid"
  echo "$port" >"$DIR/port"

  local deadline=$((SECONDS + TIMEOUT))
  until healthy "$port"; do
    if ! alive; then
      tail -n 80 "$DIR/node.log" >&2
      rm -f "$DIR/pid" "$DIR/port"
      die "The node exited during start (log above)."
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 80 "$DIR/node.log" >&2
      stop
      die "The node was not healthy after ${TIMEOUT}s (log above)."
    fi
    sleep 1
  done
  say "OpenSearch ready on 127.0.0.1:$port"
  echo "export CANHGAC_TEST_OPENSEARCH_URL=http://127.0.0.1:$port"
}

stop() {
  if alive; then
    local pid
    pid=$(cat "$DIR/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && { say "Node $pid did not stop in 30s; killing it"; kill -9 "$pid" 2>/dev/null || true; }
  fi
  rm -f "$DIR/pid" "$DIR/port"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  build) build ;;
  *) echo "usage: tools/opensearch-node/node.sh start|stop|build" >&2; exit 2 ;;
esac
