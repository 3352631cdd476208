#!/usr/bin/env bash
# Instructions per request of the benchmark server (bench/servers/ours.mjs), counted by
# valgrind's callgrind: unlike req/s or CPU time, instruction counts barely move when other
# jobs share the machine. Each variant runs twice, for N1 and N2 sequential requests
# (autocannon, one connection); (instructions(N2) - instructions(N1)) / (N2 - N1) leaves out
# start-up. What still varies between runs (JIT compilation, GC timing, timers firing while
# valgrind slows the process down ~50×) is about ±20,000 instructions per request: compare
# variants of one run, and differences well above that.
#
# Usage (after `pnpm run build`): bench/instructions.sh [variant...]   variants: bare metrics logs full
# Needs valgrind (Debian package `valgrind`). Takes about 1 minute per variant.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
N1=${N1:-1000}
N2=${N2:-3000}
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(bare metrics logs full)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Loki push and OTLP sink (204 / 200), on loopback.
node -e "const s=require('node:http').createServer((q,r)=>{q.resume();q.on('end',()=>{const t=q.url==='/v1/traces';r.statusCode=t?200:204;r.end(t?'{}':'')})});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))" >"$work/sink" &
until [ -s "$work/sink" ]; do sleep 0.1; done
sink="http://127.0.0.1:$(cat "$work/sink")"

count() { # variant requests -> total instructions of the server process
  local out="$work/$1-$2"
  BENCH_VARIANT=$1 SINK_URL=$sink NODE_ENV=production BENCH_EXIT_ON_SIGTERM=1 \
    valgrind --tool=callgrind --callgrind-out-file="$out.cg" node bench/servers/ours.mjs >"$out.port" 2>"$out.err" &
  local pid=$!
  until grep -q port "$out.port" 2>/dev/null; do sleep 0.5; done
  local port
  port=$(node -p "JSON.parse(require('node:fs').readFileSync('$out.port','utf8')).port")
  node_modules/.bin/autocannon -c 1 -a "$2" -t 60 "http://127.0.0.1:$port/hello/world" >/dev/null 2>&1
  kill -TERM $pid
  wait $pid || true
  grep -oE 'Collected : [0-9]+' "$out.err" | awk '{print $3}'
}

printf '%-10s %14s\n' variant 'instr/request'
for v in "${variants[@]}"; do
  a=$(count "$v" "$N1") && b=$(count "$v" "$N2")
  printf '%-10s %14d\n' "$v" $(((b - a) / (N2 - N1)))
done
