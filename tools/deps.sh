#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests use and the machine may lack. Idempotent: installs only
# what is missing. Each entry: a command that shows the package is present, then the package name.
set -euo pipefail
need=()
check() { command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
check redis-server redis-server
check redis-cli redis-tools
check logger bsdutils
check openssl openssl
check rsyslogd rsyslog
# rsyslog's TLS and RELP plugins, and the shared libraries of the unpacked syslog-ng (loggen) that
# tests/ingest/syslog-ng-local.sh fetches (syslog-ng-core conflicts with rsyslog, so it is not installed).
checkfile() { compgen -G "$1" >/dev/null || need+=("$2"); }
checkfile '/usr/lib/*/rsyslog/lmnsd_gtls.so' rsyslog-gnutls
checkfile '/usr/lib/*/rsyslog/omrelp.so' rsyslog-relp
# rsyslog's Elasticsearch output and libcurl for the unpacked syslog-ng http module (tests/shippers).
checkfile '/usr/lib/*/rsyslog/omelasticsearch.so' rsyslog-elasticsearch
checkfile '/usr/lib/*/libcurl.so.4' libcurl4
checkfile '/usr/lib/*/libivykis.so.0' libivykis0
checkfile '/usr/lib/*/libnet.so.1' libnet1
checkfile '/usr/lib/*/libpcre.so.3' libpcre3
checkfile '/usr/lib/*/libwrap.so.0' libwrap0
check java openjdk-17-jdk-headless
check mvn maven
# The browser tests (playwright-core drives Debian's chromium) and PDF reports; fonts with Vietnamese diacritics;
# pdftotext to read the PDFs back in tests.
check chromium chromium
checkfile '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' fonts-dejavu-core
check pdftotext poppler-utils
# The TAXII 2.1 test server (OASIS medallion) and the export test's STIX validator, from PyPI into venvs by
# tools/taxii.sh and tools/stix.sh; the report tests unzip DOCX.
check python3 python3
check curl curl
check unzip unzip
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "Installing from Debian: ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
# Docker Compose v2 validates docker-compose.yml in tests/deploy (no engine needed); built once from the Go module
# proxy when missing (tools/compose.sh). A failure here only makes that test report why.
bash "$(dirname "$0")/compose.sh" >/dev/null || echo "deps.sh: Docker Compose v2 unavailable; tests/deploy/compose.test.ts will say why" >&2
