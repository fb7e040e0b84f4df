#!/usr/bin/env bash
# Where does our node spend its time under redis-benchmark SET/GET? Samples thread stacks with
# dotnet-trace (installed into bench/.tools) for a few seconds of load and prints the top frames.
#
#   bench/profile.sh                 # -P 16 -d 16, 10 s trace
#   bench/profile.sh -P 1 -d 1024    # other pipeline depth / value size
#
# The trace (.nettrace, openable in PerfView or converted with `dotnet-trace convert --format Speedscope`)
# is kept in bench/results/. Sampled thread time counts waiting threads too: read the frames under
# the connection loop (RespConnectionHandler / Dispatcher / handlers), not the idle waits.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
TOOLS="$BENCH/.tools"
NODE_DLL="$REPO/src/Node/bin/Release/net10.0/QuorumCache.Node.dll"
PIPE=16; SIZE=16; PORT=7391; SECS=10

while [ $# -gt 0 ]; do
  case "$1" in
    -P) PIPE=$2; shift ;;
    -d) SIZE=$2; shift ;;
    --secs) SECS=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

WORK=$(mktemp -d /tmp/qc-profile.XXXXXX)
PID=""
cleanup() {
  if [ -n "$PID" ]; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v redis-benchmark >/dev/null || { echo "redis-benchmark missing: run bench/run.sh once (it installs redis-tools)" >&2; exit 1; }
[ -x "$TOOLS/dotnet-trace" ] || timeout 600 dotnet tool install --tool-path "$TOOLS" dotnet-trace >/dev/null
timeout 900 dotnet build "$REPO/src/Node" -c Release -nologo -v q >/dev/null

dotnet "$NODE_DLL" --port "$PORT" --data-dir "$WORK/data" >"$WORK/node.log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do [ "$(timeout 2 redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ] && break; sleep 0.2; done

# Warm up (tiered JIT), then measure how many requests fill the trace window.
rps=$(timeout 120 redis-benchmark -p "$PORT" --csv -t set -c 50 -r 100000 -P "$PIPE" -d "$SIZE" -n 200000 |
  awk -F'","' 'NR == 2 { printf "%d", $2 }')
n=$(( ${rps:-50000} * (SECS + 4) ))

mkdir -p "$BENCH/results"
out="$BENCH/results/profile-$(date -u +%Y%m%dT%H%M%SZ).nettrace"
timeout $((SECS * 10 + 120)) redis-benchmark -p "$PORT" -q -t set,get -c 50 -r 100000 -P "$PIPE" -d "$SIZE" -n "$n" >"$WORK/bench.txt" 2>&1 &
bench=$!
sleep 1
timeout $((SECS + 120)) "$TOOLS/dotnet-trace" collect -p "$PID" --profile dotnet-sampled-thread-time \
  --duration "00:00:00:$(printf '%02d' "$SECS")" -o "$out" >"$WORK/trace.log" 2>&1 || { cat "$WORK/trace.log"; exit 1; }
wait "$bench" || true
tr '\r' '\n' <"$WORK/bench.txt" | grep -E 'requests per second' || true

echo "== top 25 frames, exclusive sampled time =="
timeout 300 "$TOOLS/dotnet-trace" report "$out" topN -n 25
echo "== top 40 frames, inclusive sampled time =="
timeout 300 "$TOOLS/dotnet-trace" report "$out" topN -n 40 --inclusive
echo "trace: $out"
