#!/usr/bin/env bash
# Finds or builds rsigma (timescale/rsigma, the Rust Sigma engine) for the peer comparison and prints the
# binary's path. Order: $RSIGMA if set and runnable; a cached build in $CANHGAC_PEERS_CACHE (default
# ~/.cache/canhgac-peers, outside the repository: <cache>/rsigma-V/bin, then <cache>/target/release); else `cargo install rsigma --version V --no-default-features
# --locked --root <cache>/rsigma-V` for the newest version in RSIGMA_VERSIONS that builds with this machine's
# Rust (0.23.0 is the newest whose rust-version is 1.95 or older; 0.24+ need a newer compiler). Default features:
# syslog input (`--input-format syslog`) lives in its daemon feature, and 0.23.0 does not compile without it
# (`--no-default-features` fails on an unresolved rsigma_runtime import in disposition_spool.rs).
# Exit 3 with the reason on stderr when no rsigma can be had (no cargo, no registry, every build failed).
#   bash bench/peers/find-rsigma.sh          prints e.g. /root/.cache/canhgac-peers/rsigma-0.23.0/bin/rsigma
set -uo pipefail
CACHE=${CANHGAC_PEERS_CACHE:-$HOME/.cache/canhgac-peers}
VERSIONS=${RSIGMA_VERSIONS:-0.23.0 0.22.0 0.21.0}
works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if [ -n "${RSIGMA:-}" ]; then
  if works "$RSIGMA"; then echo "$RSIGMA"; exit 0; fi
  echo "RSIGMA=$RSIGMA is not a runnable rsigma" >&2; exit 3
fi
for v in $VERSIONS; do
  if works "$CACHE/rsigma-$v/bin/rsigma"; then echo "$CACHE/rsigma-$v/bin/rsigma"; exit 0; fi
done
# A build left in the shared cargo target directory (CARGO_TARGET_DIR=$CACHE/target cargo install ... that did
# not reach its install step, or cargo build --release of a checkout).
if works "$CACHE/target/release/rsigma"; then echo "$CACHE/target/release/rsigma"; exit 0; fi
if works "$(command -v rsigma 2>/dev/null)"; then command -v rsigma; exit 0; fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "rsigma: not cached in $CACHE and no cargo to build it (install Rust, or set RSIGMA=/path/to/rsigma)" >&2
  exit 3
fi
[ "${RSIGMA_NO_BUILD:-}" = 1 ] && { echo "rsigma: not cached in $CACHE and RSIGMA_NO_BUILD=1" >&2; exit 3; }
mkdir -p "$CACHE"
for v in $VERSIONS; do
  log="$CACHE/build-$v.log"
  echo "rsigma: building $v with $(rustc --version 2>/dev/null) (log: $log; 20-30 min on 2 busy cores)" >&2
  # One heavy build at a time on a shared machine.
  LOCK=(); [ -e /work/heavy.lock ] && command -v flock >/dev/null && LOCK=(flock /work/heavy.lock)
  if nice -n 10 "${LOCK[@]}" cargo install rsigma --version "$v" --locked \
    --root "$CACHE/rsigma-$v" >"$log" 2>&1 && works "$CACHE/rsigma-$v/bin/rsigma"; then
    echo "$CACHE/rsigma-$v/bin/rsigma"; exit 0
  fi
  echo "rsigma $v did not build here (last lines of $log):" >&2; tail -3 "$log" >&2
done
echo "rsigma: no version of [$VERSIONS] builds with $(rustc --version 2>/dev/null)" >&2
exit 3
