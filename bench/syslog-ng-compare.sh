#!/usr/bin/env bash
# The same load from syslog-ng's loggen into syslog-ng (network() source -> file()) and into canhgac (syslog
# source -> FileSpool), one after the other; prints one JSON line with both rates and the ratio.
# TRANSPORT=tcp (default: loggen as fast as the receiver takes it) or udp (loggen at RATE msg/s per
# connection; the rate is then what was stored per second, and `stored` shows the loss).
# Each rate is messages stored / seconds from loggen's start until the last message was stored (syslog-ng:
# lines in its output file; canhgac: records read back from the spool). Neither fsyncs per message by default
# (syslog-ng's file() does not; canhgac runs with --fsync never unless FSYNC=always|interval).
#   bash bench/syslog-ng-compare.sh   (MESSAGES=1000000 CONNECTIONS=4 SIZE=300 FSYNC=never TRANSPORT=tcp RATE=100000
#                                      READER=on|off: off counts the spool's appended records, no read-back)
# syslog-ng and loggen come from tests/ingest/syslog-ng-local.sh (syslog-ng-core conflicts with rsyslog).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MESSAGES=${MESSAGES:-1000000}
CONNECTIONS=${CONNECTIONS:-4}
SIZE=${SIZE:-300}
FSYNC=${FSYNC:-never}
TRANSPORT=${TRANSPORT:-tcp}
RATE=${RATE:-100000}
READER=${READER:-on}
PER=$(( (MESSAGES + CONNECTIONS - 1) / CONNECTIONS ))
TOTAL=$(( PER * CONNECTIONS ))
SNG=tests/ingest/syslog-ng-local.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/canhgac-sng-compare.XXXXXX")
SNG_PID=""; SINK_PID=""
cleanup() {
  [ -n "$SNG_PID" ] && kill "$SNG_PID" 2>/dev/null || true
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
now() { date +%s.%N; }
if [ "$TRANSPORT" = udp ]; then LG=(-i -D -r "$RATE"); else LG=(-i -S -r 10000000); fi
loggen_run() { "$SNG" loggen "${LG[@]}" -n "$PER" -s "$SIZE" --active-connections="$CONNECTIONS" -I 600 -Q 127.0.0.1 "$1" >/dev/null 2>&1 || true; }
# Lines in syslog-ng's file: done when all are there or the count stopped growing for 3 s (UDP loses).
# LAST_GROWTH: when the count last grew (the end of the measured interval).
wait_lines() {
  local prev=-1 same=0 n
  LAST_GROWTH=$(now)
  while :; do
    n=$(wc -l <"$1" 2>/dev/null || echo 0)
    if [ "$n" != "$prev" ]; then LAST_GROWTH=$(now); fi
    [ "$n" -ge "$TOTAL" ] && break
    if [ "$n" = "$prev" ]; then same=$((same + 1)); else same=0; fi
    [ "$same" -ge 60 ] && break
    prev=$n
    sleep 0.05
  done
}
wait_port() {
  if [ "$TRANSPORT" = udp ]; then sleep 1; return 0; fi
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 never opened" >&2; return 1
}

"$SNG" root >/dev/null

# --- syslog-ng
P1=$(free_port)
cat > "$WORK/syslog-ng.conf" <<CONF
@version: 3.38
options { threaded(yes); stats-freq(0); keep-hostname(yes); log-fifo-size(100000); };
source s_net { network(ip("127.0.0.1") port($P1) transport("$TRANSPORT") max-connections(1000) log-iw-size(100000) so-rcvbuf(33554432)); };
destination d_file { file("$WORK/syslog-ng.out"); };
log { source(s_net); destination(d_file); };
CONF
"$SNG" syslog-ng -F -f "$WORK/syslog-ng.conf" --persist-file="$WORK/sng.persist" --pidfile="$WORK/sng.pid" \
  --control="$WORK/sng.ctl" >"$WORK/syslog-ng.log" 2>&1 &
SNG_PID=$!
wait_port "$P1"
t0=$(now)
loggen_run "$P1"
wait_lines "$WORK/syslog-ng.out"
t1=$LAST_GROWTH
SNG_STORED=$(wc -l <"$WORK/syslog-ng.out")
kill "$SNG_PID"; wait "$SNG_PID" 2>/dev/null || true; SNG_PID=""
rm -f "$WORK/syslog-ng.out"

# --- canhgac
if [ -f dist/bench/syslog-tcp-sink.js ] && [ dist/bench/syslog-tcp-sink.js -nt bench/syslog-tcp-sink.ts ]; then
  SINK=(node dist/bench/syslog-tcp-sink.js)
else
  SINK=(node --import "$ROOT/tests/ingest/ts-register.mjs" bench/syslog-tcp-sink.ts)
fi
CANHGAC_LOG_LEVEL=warn "${SINK[@]}" --expect "$TOTAL" --fsync "$FSYNC" --transport "$TRANSPORT" --reader "$READER" >"$WORK/sink.out" 2>"$WORK/sink.err" &
SINK_PID=$!
for _ in $(seq 200); do grep -q READY "$WORK/sink.out" 2>/dev/null && break; sleep 0.1; done
P2=$(awk '/READY/ {print $2}' "$WORK/sink.out")
t2=$(now)
loggen_run "$P2"
wait "$SINK_PID" || true; SINK_PID=""
read -r CG_STORED t3 < <(tail -1 "$WORK/sink.out" | node -e "process.stdin.on('data',d=>{const j=JSON.parse(d);console.log(j.received, j.last_at)})")

node -e "
const [n, a, b, sa, sb, fs] = process.argv.slice(1);
const sng = Number(sa) / Number(a), cg = Number(sb) / Number(b);
console.log(JSON.stringify({ bench: 'syslog-ng-compare', transport: process.argv[7], messages: Number(n),
  syslog_ng: { stored: Number(sa), seconds: +Number(a).toFixed(3), msgs_per_s: Math.round(sng) },
  canhgac: { stored: Number(sb), seconds: +Number(b).toFixed(3), msgs_per_s: Math.round(cg), fsync: fs, reader: process.argv[8] },
  ratio_canhgac_to_syslog_ng: +(cg / sng).toFixed(3) }));
" "$TOTAL" "$(awk "BEGIN{print $t1 - $t0}")" "$(awk "BEGIN{print $t3 - $t2}")" "$SNG_STORED" "$CG_STORED" "$FSYNC" "$TRANSPORT" "$READER"
