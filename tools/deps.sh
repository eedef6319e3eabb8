#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests use and the machine may lack. Idempotent: installs only
# what is missing. Each entry: a command that shows the package is present, then the package name.
set -euo pipefail
need=()
check() { command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
check redis-server redis-server
check redis-cli redis-tools
check logger bsdutils
check java openjdk-17-jdk-headless
check mvn maven
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "Installing from Debian: ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
