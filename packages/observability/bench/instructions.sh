#!/usr/bin/env bash
# Instructions per request of the benchmark server (bench/servers/ours.mjs) in steady state,
# counted by valgrind's callgrind: unlike req/s or CPU time, instruction counts barely move
# when other jobs share the machine. Each variant starts with instrumentation off, takes
# WARM requests (JIT tiers up, caches fill), then callgrind counts N more requests
# (autocannon, one connection); the result is instructions / N. Counting from the start,
# or the difference of two runs of 1,000 and 3,000 requests (this script's first version),
# mostly measures JIT warm-up and overstates every variant (bare Express ~1.05 M there,
# ~0.75 M in steady state). Repeat runs agree within about 1 %; timers still fire per
# second of valgrind's slowed-down clock, so compare variants of one run.
#
# Usage (after `pnpm run build`): bench/instructions.sh [variant...]   variants: bare metrics logs full
# Needs valgrind (Debian package `valgrind`, which has callgrind_control). About 1 minute per variant.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
WARM=${WARM:-10000}
N=${N:-4000}
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(bare metrics logs full)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Loki push and OTLP sink (204 / 200), on loopback.
node -e "const s=require('node:http').createServer((q,r)=>{q.resume();q.on('end',()=>{const t=q.url==='/v1/traces';r.statusCode=t?200:204;r.end(t?'{}':'')})});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))" >"$work/sink" &
until [ -s "$work/sink" ]; do sleep 0.1; done
sink="http://127.0.0.1:$(cat "$work/sink")"

count() { # variant -> instructions per request of the server process over N requests after WARM
  local out="$work/$1"
  BENCH_VARIANT=$1 SINK_URL=$sink NODE_ENV=production BENCH_EXIT_ON_SIGTERM=1 \
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out.cg" node bench/servers/ours.mjs >"$out.port" 2>"$out.err" &
  local pid=$!
  until grep -q port "$out.port" 2>/dev/null; do sleep 0.5; done
  local url
  url="http://127.0.0.1:$(node -p "JSON.parse(require('node:fs').readFileSync('$out.port','utf8')).port")/hello/world"
  node_modules/.bin/autocannon -c 1 -a "$WARM" -t 60 "$url" >/dev/null 2>&1
  callgrind_control --instr=on $pid >/dev/null 2>&1
  node_modules/.bin/autocannon -c 1 -a "$N" -t 60 "$url" >/dev/null 2>&1
  callgrind_control --instr=off $pid >/dev/null 2>&1
  kill -TERM $pid
  wait $pid || true
  echo $(($(grep -oE 'Collected : [0-9]+' "$out.err" | awk '{print $3}') / N))
}

printf '%-10s %14s %8s\n' variant 'instr/request' 'bare/it'
bare=
for v in "${variants[@]}"; do
  n=$(count "$v")
  [ "$v" = bare ] && bare=$n
  if [ -n "$bare" ]; then ratio=$(node -p "($bare / $n).toFixed(3)"); else ratio=-; fi
  printf '%-10s %14d %8s\n' "$v" "$n" "$ratio"
done
