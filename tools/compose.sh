#!/usr/bin/env bash
# Prints a command that runs Docker Compose v2 (`docker compose` or a standalone `docker-compose` v2 binary), for
# validating docker-compose.yml (`... config`) in tests; no Docker engine is needed for that. When none is present
# it builds Compose v2 from the Go module proxy once (about 3 minutes, 2 cores) into a cache and installs it as the
# docker CLI plugin (~/.docker/cli-plugins/docker-compose). Idempotent; exits 1 with a reason when impossible
# (no Go toolchain >= 1.24 and no network). Usage: bash tools/compose.sh [--quiet]
set -euo pipefail
VERSION=${CANHGAC_COMPOSE_VERSION:-v2.40.3}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/canhgac/compose-$VERSION
PLUGIN_DIR=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
QUIET=${1:-}
say() { [ "$QUIET" = --quiet ] || echo "compose.sh: $*" >&2; }

is_v2() { "$@" version 2>/dev/null | grep -q 'v2\.'; }
if command -v docker >/dev/null 2>&1 && is_v2 docker compose; then echo "docker compose"; exit 0; fi
for c in "$PLUGIN_DIR/docker-compose" "$CACHE/docker-compose" "$(command -v docker-compose || true)"; do
  if [ -n "$c" ] && [ -x "$c" ] && is_v2 "$c"; then
    if command -v docker >/dev/null 2>&1 && [ "$c" = "$CACHE/docker-compose" ]; then
      mkdir -p "$PLUGIN_DIR" && cp "$c" "$PLUGIN_DIR/docker-compose" && echo "docker compose" && exit 0
    fi
    echo "$c"
    exit 0
  fi
done

GO=$(command -v go || echo /usr/local/go/bin/go)
if [ ! -x "$GO" ]; then
  echo "compose.sh: no Docker Compose v2 and no Go toolchain to build it (install Go >= 1.24 or docker-compose-plugin)" >&2
  exit 1
fi
say "building Docker Compose $VERSION from the Go module proxy into $CACHE (once)"
mkdir -p "$CACHE"
WORK=$(mktemp -d)
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
export GOPATH=${GOPATH:-$HOME/go} GOFLAGS=-mod=mod
# `go install module/cmd@version` refuses modules whose go.mod has exclude/replace directives: build in a copy.
SRC=$("$GO" mod download -json "github.com/docker/compose/v2@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$SRC" ] || { echo "compose.sh: could not download github.com/docker/compose/v2@$VERSION" >&2; exit 1; }
cp -r "$SRC" "$WORK/src"
chmod -R u+w "$WORK/src"
(cd "$WORK/src" && "$GO" build -trimpath -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$VERSION" \
  -o "$CACHE/docker-compose.tmp" ./cmd)
mv "$CACHE/docker-compose.tmp" "$CACHE/docker-compose"
if command -v docker >/dev/null 2>&1; then
  mkdir -p "$PLUGIN_DIR"
  cp "$CACHE/docker-compose" "$PLUGIN_DIR/docker-compose"
  say "installed $PLUGIN_DIR/docker-compose"
  echo "docker compose"
else
  echo "$CACHE/docker-compose"
fi
