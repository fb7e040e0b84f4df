#!/usr/bin/env bash
# QuorumCache side by side with Redis 7 and Garnet, with redis-benchmark. See bench/README.md.
#
#   bench/run.sh                      # every section: throughput, memory, types, cluster (~15 min)
#   bench/run.sh --quick              # smoke run: 1 repetition of ~1 s per measurement
#   bench/run.sh --sections throughput,memory   # any of: throughput memory types cluster rebalance stability
#   bench/run.sh --sections rebalance,stability # not in the default set: ~10 min on 2 cores with 3 reps
#   bench/run.sh --reps 5 --secs 6    # repetitions per measurement (default 3), target seconds per run (default 4)
#
# Results go to the screen and to bench/results/<timestamp>.txt (raw numbers in <timestamp>.raw.tsv).
# Every process started here is stopped on exit (trap); every run is bounded with `timeout`.
set -Eeuo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
TOOLS="$BENCH/.tools"
GARNET_VERSION=2.2.8
NODE_DLL="$REPO/src/Node/bin/Release/net10.0/QuorumCache.Node.dll"

REPS=3
SECS=4
SECTIONS="throughput,memory,types,cluster"
QUICK=0
CLIENTS=50
KEYSPACE=100000
REBAL_SYSTEMS="ours redis" # --rebalance-ours-only: skip Redis Cluster there (for trying a change)
# Loopback ports: one per system (our nodes also use port + 10000, the Akka bus, and port + 20000, the
# data links; Redis Cluster nodes port + 10000).
P_OURS=7379; P_REDIS=7380; P_GARNET=7381
P_OURS_CLUSTER=7400     # 7400..7402
P_REDIS_CLUSTER=7410    # 7410..7415
P_OURS_REBAL=7420       # 7420..7423 (rebalance; also 17420.., 27420..)
P_REDIS_REBAL=7430      # 7430..7433 (rebalance; bus ports 17430..)
P_OURS_STAB=7440        # 7440..7443 (stability; also 17440.., 27440..)

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; REPS=1; SECS=1 ;;
    --reps) REPS=$2; shift ;;
    --secs) SECS=$2; shift ;;
    --sections) SECTIONS=$2; shift ;;
    --clients) CLIENTS=$2; shift ;;
    --rebalance-ours-only) REBAL_SYSTEMS=ours ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH/results"
OUT="$BENCH/results/$STAMP.txt"
RAW="$BENCH/results/$STAMP.raw.tsv"
WORK=$(mktemp -d /tmp/qc-bench.XXXXXX)
: >"$RAW"

say() { printf '%s\n' "$*" | tee -a "$OUT"; }
log() { printf '  %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" | tee -a "$OUT" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"

has_section() { case ",$SECTIONS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

cleanup() {
  local rc=$?
  stop_all
  # The cluster sections' evidence (nodes' logs, client output, polls) is kept next to the report, gzipped.
  if { has_section rebalance || has_section stability; } && ls "$WORK"/*.log >/dev/null 2>&1; then
    mkdir -p "$BENCH/results/$STAMP.logs"
    cp "$WORK"/*.log "$WORK"/steady-*.txt "$WORK"/stab-*.txt "$BENCH/results/$STAMP.logs/" 2>/dev/null || true
    gzip -r -q "$BENCH/results/$STAMP.logs" 2>/dev/null || true
    echo "run.sh: servers' logs and client output copied to bench/results/$STAMP.logs/ (gzipped)" >&2
  fi
  if [ "$rc" = 0 ]; then rm -rf "$WORK"; else echo "run.sh: failed (exit $rc); servers' logs kept in $WORK" >&2; fi
}
trap cleanup EXIT
trap 'echo "run.sh: line $LINENO: \"$BASH_COMMAND\" failed (in ${FUNCNAME[*]:-main})" >&2' ERR
trap 'exit 130' INT TERM

# ---------- setup ----------

ensure_redis_tools
if has_section throughput || has_section memory || has_section types; then ensure_garnet; fi
if has_section rebalance || has_section stability; then ensure_node_client; fi
build_node

say "# QuorumCache benchmark $STAMP"
say "command: bench/run.sh $([ $QUICK = 1 ] && echo --quick) --reps $REPS --secs $SECS --sections $SECTIONS"
say "commit: $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)  host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "versions: $(redis-server --version | cut -d' ' -f3), garnet-server $GARNET_VERSION, dotnet $(dotnet --version), $(redis-benchmark --version 2>/dev/null | head -1)"
if has_section rebalance || has_section stability; then
  say "cluster client: node $(node --version), ioredis $(node -p "require('$TOOLS/node/node_modules/ioredis/package.json').version")"
fi
say "clients: -c $CLIENTS, keyspace -r $KEYSPACE; medians of $REPS repetitions, systems alternated run by run"
say ""

# Number of requests so that the fastest of the systems runs >= SECS seconds: a short calibration
# run against each (which also warms up the JITs), then max rps * SECS.
calibrate() {
  local n=$1; shift
  local best=0 port line rps
  for port in "$@"; do
    line=$(bench_csv "$port" 120 -c "$CLIENTS" -r "$KEYSPACE" -n "$n" "${CAL_ARGS[@]}" | head -1)
    rps=$(printf '%s' "$line" | awk '{ printf "%d", $2 }')
    [ -n "$rps" ] && [ "$rps" -gt "$best" ] && best=$rps
  done
  [ "$best" -gt 0 ] || best=$((n * 2))
  echo $((best * SECS))
}

# One alternating series: for each repetition, each system once (A B C A B C ...).
# series SECTION ROW_PREFIX "sys:port[:n] ..." N   (redis-benchmark arguments in RUN_ARGS; n per system overrides N;
# ROW_NAME, when set, names the row that records an error or a timeout)
series() {
  local section=$1 prefix=$2 targets=$3 n=$4; shift 4
  local rep t sys port tn bound line gc_before gc_after
  bound=$((SECS * 20 + 60))
  for rep in $(seq 1 "$REPS"); do
    for t in $targets; do
      IFS=: read -r sys port tn <<<"$t"
      tn=${tn:-$n}
      if [ "$sys" = ours ] && [ "$section" = throughput ]; then gc_before=$(gc_counts "$port" || true); fi
      while read -r line; do
        [ -z "$line" ] && continue
        set -- $line
        if [ "$1" = ERROR ] || [ "$1" = TIMEOUT ]; then
          log "$sys $prefix: $line"
          record "$section" "${ROW_NAME:-$prefix}" "$sys" "$([ "$1" = TIMEOUT ] && echo t/o || echo err)" "" ""
          continue
        fi
        record "$section" "$(printf '%s %s' "$1" "$prefix" | sed 's/ *$//')" "$sys" "$2" "$3" "$4"
        log "rep $rep $sys $1 $prefix: $2 rps p50 $3 p99 $4"
      done < <(bench_csv "$port" "$bound" -c "$CLIENTS" -n "$tn" "${RUN_ARGS[@]}")
      if [ "$sys" = ours ] && [ "$section" = throughput ]; then
        gc_after=$(gc_counts "$port" || true)
        if [ -n "$gc_before" ] && [ -n "$gc_after" ]; then
          set -- $gc_before $gc_after
          printf '%s\tgc\t%s\t%s\t%s\t%s\n' "$prefix" "$rep" $(($4 - $1)) $(($5 - $2)) $(($6 - $3)) >>"$WORK/gc.tsv"
        else
          log "ours $prefix: INFO memory did not answer; GC counts of this run skipped"
        fi
      fi
    done
  done
}

# ---------- sections ----------

# shellcheck source=bench/sections.sh
. "$BENCH/sections.sh"

has_section throughput && section_throughput
has_section memory && section_memory
has_section types && section_types
has_section cluster && section_cluster
has_section rebalance && section_rebalance
has_section stability && section_stability

say ""
say "raw numbers: $RAW"
say "report: $OUT"
if has_section rebalance || has_section stability; then say "servers' logs and client output: $BENCH/results/$STAMP.logs/ (copied on exit, gzipped)"; fi
