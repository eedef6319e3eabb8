#!/usr/bin/env bash
# syslog-ng and its load generator loggen WITHOUT installing syslog-ng-core: in Debian it conflicts with
# rsyslog (both provide system-log-daemon), which the TLS/RELP tests need. The .deb is fetched with
# `apt-get download` and unpacked with `dpkg -x` into a private directory; its shared libraries come from
# tools/deps.sh (libivykis0, libnet1, libpcre3, libwrap0; libcurl4 for the http module). The http() and
# elasticsearch-http() destinations come from syslog-ng-mod-http and syslog-ng-scl, unpacked beside it.
# Idempotent.
#   syslog-ng-local.sh root                 print the unpacked root
#   syslog-ng-local.sh loggen ARGS...       run loggen
#   syslog-ng-local.sh syslog-ng ARGS...    run syslog-ng (module path set; `@include "scl.conf"` is found
#                                           as $R/etc/syslog-ng/scl.conf, print it with `scl`)
#   syslog-ng-local.sh scl                  print the path of the unpacked scl.conf
set -euo pipefail
DEST=${CANHGAC_SYSLOG_NG_DIR:-${CANHGAC_TEST_TMP:-/tmp}/canhgac-syslog-ng}
R=$DEST/root
if [ ! -x "$R/usr/bin/loggen" ]; then
  mkdir -p "$DEST"
  (
    cd "$DEST"
    apt-get download syslog-ng-core >/dev/null 2>&1 || {
      SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
      $SUDO apt-get update -qq >&2
      apt-get download syslog-ng-core >&2
    }
    dpkg -x syslog-ng-core_*.deb root
    rm -f syslog-ng-core_*.deb
  )
fi
if ! compgen -G "$R/usr/lib/syslog-ng/*/libhttp.so" >/dev/null || [ ! -f "$R/usr/share/syslog-ng/include/scl/elasticsearch/elastic-http.conf" ]; then
  (
    cd "$DEST"
    apt-get download syslog-ng-mod-http syslog-ng-scl >/dev/null 2>&1 || {
      SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
      $SUDO apt-get update -qq >&2
      apt-get download syslog-ng-mod-http syslog-ng-scl >&2
    }
    for d in syslog-ng-mod-http_*.deb syslog-ng-scl_*.deb; do dpkg -x "$d" root; done
    rm -f syslog-ng-mod-http_*.deb syslog-ng-scl_*.deb
  )
fi
export LD_LIBRARY_PATH=$R/usr/lib/syslog-ng${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export SYSLOGNG_PREFIX=$R/usr
ver=$(ls "$R/usr/lib/syslog-ng" | grep -E '^[0-9]+\.[0-9]+$' | head -1)
cmd=${1:-root}
shift || true
case "$cmd" in
  root) echo "$R" ;;
  scl) echo "$R/etc/syslog-ng/scl.conf" ;;
  loggen) exec "$R/usr/bin/loggen" "$@" ;;
  syslog-ng) exec "$R/usr/sbin/syslog-ng" --module-path="$R/usr/lib/syslog-ng/$ver" "$@" ;;
  *) echo "usage: $0 root|scl|loggen|syslog-ng [args]" >&2; exit 2 ;;
esac
