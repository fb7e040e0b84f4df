# The sections of bench/run.sh (sourced by it; uses its variables and lib.sh).

# ---------- throughput: SET/GET, -P 1 and -P 16, 16 B and 1 KB values ----------

section_throughput() {
  say "## throughput: redis-benchmark -t set,get -c $CLIENTS -r $KEYSPACE (-P, -d per row)"
  start_ours "$P_OURS"; start_redis "$P_REDIS"; start_garnet "$P_GARNET"
  local targets="ours:$P_OURS redis:$P_REDIS garnet:$P_GARNET" p d n
  : >"$WORK/gc.tsv"
  for p in 1 16; do
    for d in 16 1024; do
      CAL_ARGS=(-t set -P "$p" -d "$d")
      n=$(calibrate $((p == 1 ? 20000 : 200000)) "$P_OURS" "$P_REDIS" "$P_GARNET")
      log "P$p d$d: -n $n per test"
      RUN_ARGS=(-t set,get -r "$KEYSPACE" -P "$p" -d "$d")
      series throughput "P$p d$d" "$targets" "$n"
    done
  done
  say ""
  say "requests/s (median), ratio ours/other (>1: we are faster), latency p50/p99 in ms (median)"
  median_table throughput "ours redis garnet" | tee -a "$OUT"
  say ""
  say "ours: GC collections during one SET+GET run (median over repetitions; gen0 gen1 gen2; from INFO memory)"
  awk -F'\t' '
    function med(list,   n, a, i, j, t) { n = split(list, a, " "); for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { if (!($1 in g0)) order[++k] = $1; g0[$1] = g0[$1] " " $4; g1[$1] = g1[$1] " " $5; g2[$1] = g2[$1] " " $6 }
    END { for (i = 1; i <= k; i++) printf "  %-10s gen0 %s  gen1 %s  gen2 %s\n", order[i], med(g0[order[i]]), med(g1[order[i]]), med(g2[order[i]]) }' \
    "$WORK/gc.tsv" | tee -a "$OUT"
  say ""
  stop_all
}

# ---------- memory: RSS growth per key after 1,000,000 SETs of 16 B keys and 16 B values ----------

section_memory() {
  local keys=1000000 file="$WORK/load-1m.resp" sys port before after dbsize
  say "## memory: VmRSS growth after loading $keys keys (16 B keys, 16 B values) with redis-cli --pipe"
  awk -v n="$keys" 'BEGIN { for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nk:%014d\r\n$16\r\nv:%014d\r\n", i, i }' >"$file"
  printf '%-8s %12s %12s %12s %10s\n' system "rss before" "rss after" "keys" "bytes/key" | tee -a "$OUT"
  for sys in ours redis garnet; do
    case $sys in ours) port=$P_OURS; start_ours "$port" ;; redis) port=$P_REDIS; start_redis "$port" ;; garnet) port=$P_GARNET; start_garnet "$port" ;; esac
    timeout 10 redis-cli -p "$port" set warm:up 1 >/dev/null; timeout 10 redis-cli -p "$port" del warm:up >/dev/null
    sleep 2
    before=$(rss_kb "$STARTED_PID")
    timeout 600 redis-cli -p "$port" --pipe <"$file" >"$WORK/pipe-$sys.log" 2>&1 || log "$sys: redis-cli --pipe failed: $(tail -2 "$WORK/pipe-$sys.log")"
    sleep 3
    after=$(rss_kb "$STARTED_PID")
    dbsize=$(timeout 10 redis-cli -p "$port" dbsize)
    awk -v s="$sys" -v b="$before" -v a="$after" -v k="$dbsize" -v n="$keys" \
      'BEGIN { printf "%-8s %9d KB %9d KB %12s %10.1f\n", s, b, a, k, (a - b) * 1024 / n }' | tee -a "$OUT"
    stop_pid "$STARTED_PID"
  done
  say ""
}

# ---------- other data types vs Redis (and Garnet) ----------

# probe_args TEST: arguments that check whether a server knows the command of a redis-benchmark test.
probe_args() {
  case $1 in
    lpush,lpop) echo "lpush qc:probe a" ;;
    hset) echo "hset qc:probe f v" ;;
    sadd) echo "sadd qc:probe m" ;;
    zadd | zrank | zrange) echo "zadd qc:probe 1 m" ;;
  esac
}

# Runs one types row for the systems that support it, "not supported" for the others.
# types_row NAMES ROW PROBE N redis-benchmark-args...  (NAMES: the tests' names, comma separated)
types_row() {
  local names=$1 row=$2 probe=$3 n=$4; shift 4
  local targets="" t sys port name
  for t in "ours:$P_OURS" "redis:$P_REDIS" "garnet:$P_GARNET"; do
    sys=${t%%:*}; port=${t##*:}
    # shellcheck disable=SC2086
    if supports "$port" $probe; then
      # Requests for ~SECS s on this system: a 1000-request calibration (bounded: some systems take
      # O(n) for some commands on a 1M-member sorted set).
      local rps
      rps=$(bench_csv "$port" 60 -c "$CLIENTS" -n 1000 "$@" | awk '$1 != "ERROR" && $1 != "TIMEOUT" { printf "%d", $2; exit }')
      if [ -z "$rps" ] || [ "$rps" = 0 ]; then
        for name in ${names//,/ }; do record types "$(printf '%s %s' "$name" "$row" | sed 's/ *$//')" "$sys" "t/o" "" ""; done
        log "$sys: $names $row: the 1000-request calibration did not finish in 60 s"
        continue
      fi
      targets="$targets $t:$((rps * SECS > 1000 ? rps * SECS : 1000))"
    else
      for name in ${names//,/ }; do record types "$(printf '%s %s' "$name" "$row" | sed 's/ *$//')" "$sys" "n/s" "" ""; done
      log "$sys: $names $row not supported"
    fi
  done
  RUN_ARGS=("$@")
  ROW_NAME="$(printf '%s %s' "${names%%,*}" "$row" | sed 's/ *$//')"
  if [ -n "$targets" ]; then series types "$row" "$targets" "$n"; fi
  ROW_NAME=
}

section_types() {
  say "## data types: redis-benchmark -c $CLIENTS -P 1 (lists, hashes, sets, sorted sets)"
  start_ours "$P_OURS"; start_redis "$P_REDIS"; start_garnet "$P_GARNET"
  local n bigfile="$WORK/bigz.resp" t port
  n=1000   # each row calibrates -n per system (types_row); this is only the floor
  types_row LPUSH,LPOP "" "$(probe_args lpush,lpop)" "$n" -r "$KEYSPACE" -t lpush,lpop
  types_row HSET "" "$(probe_args hset)" "$n" -r "$KEYSPACE" -t hset
  types_row SADD "" "$(probe_args sadd)" "$n" -r "$KEYSPACE" -t sadd
  types_row ZADD "rand member" "$(probe_args zadd)" "$n" -r "$KEYSPACE" ZADD zkey __rand_int__ member:__rand_int__

  # A 1,000,000-member sorted set (100 members per ZADD), loaded into each system that has ZADD.
  awk 'BEGIN { for (c = 0; c < 10000; c++) { printf "*202\r\n$4\r\nZADD\r\n$4\r\nbigz\r\n";
         for (i = c * 100; i < c * 100 + 100; i++) { s = sprintf("%d", i); m = sprintf("member:%d", i);
           printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(m), m } } }' >"$bigfile"
  for port in "$P_OURS" "$P_REDIS" "$P_GARNET"; do
    # shellcheck disable=SC2046
    if supports "$port" $(probe_args zadd); then
      timeout 300 redis-cli -p "$port" --pipe <"$bigfile" >"$WORK/bigz-$port.log" 2>&1 || log "port $port: loading bigz failed"
      log "port $port: bigz has $(timeout 10 redis-cli -p "$port" zcard bigz) members"
    fi
  done
  types_row ZRANK "1M zset" "$(probe_args zrank)" "$n" ZRANK bigz member:123456
  types_row ZRANGE "1M zset mid 10" "$(probe_args zrange)" "$n" ZRANGE bigz 500000 500009
  say ""
  say "requests/s (median), ratio ours/other, latency p50/p99 in ms (median); 'not supported' = unknown command"
  median_table types "ours redis garnet" | tee -a "$OUT"
  say ""
  stop_all
}

# ---------- cluster: our 3 nodes vs Redis Cluster with 3 primaries + 3 replicas ----------

wait_ours_cluster() {
  local i p ok info
  for i in $(seq 1 120); do
    ok=1
    for p in "$@"; do
      info=$(timeout 5 redis-cli -p "$p" cluster info 2>/dev/null | tr -d '\r')
      printf '%s\n' "$info" | grep -qx 'cluster_state:ok' || ok=0
      printf '%s\n' "$info" | grep -qx "cluster_known_nodes:$#" || ok=0
      printf '%s\n' "$info" | grep -qx 'cluster_rebalance_pending_moves:0' || ok=0
      printf '%s\n' "$info" | grep -qx 'cluster_migrations_in_progress:0' || ok=0
    done
    [ "$ok" = 1 ] && return 0
    sleep 1
  done
  die "our cluster did not settle within 120 s (logs in $WORK)"
}

wait_redis_cluster() {
  local i p ok
  for i in $(seq 1 60); do
    ok=1
    for p in "$@"; do
      timeout 5 redis-cli -p "$p" cluster info 2>/dev/null | tr -d '\r' | grep -qx 'cluster_state:ok' || ok=0
    done
    [ "$ok" = 1 ] && return 0
    sleep 1
  done
  die "Redis Cluster did not reach cluster_state:ok within 60 s"
}

section_cluster() {
  say "## cluster: our 3 nodes (joined with --join, self-balanced) vs Redis Cluster 3 primaries + 3 replicas"
  local a=$P_OURS_CLUSTER b=$((P_OURS_CLUSTER + 1)) c=$((P_OURS_CLUSTER + 2)) ports=() p n
  start_ours "$a"; start_ours "$b" --join "127.0.0.1:$a"; start_ours "$c" --join "127.0.0.1:$a"
  wait_ours_cluster "$a" "$b" "$c"
  for p in $(seq "$P_REDIS_CLUSTER" $((P_REDIS_CLUSTER + 5))); do
    start_redis "$p" --cluster-enabled yes --cluster-config-file "$WORK/redis-$p/nodes.conf" --cluster-node-timeout 5000
    ports+=("127.0.0.1:$p")
  done
  timeout 120 redis-cli --cluster create "${ports[@]}" --cluster-replicas 1 --cluster-yes >"$WORK/redis-cluster-create.log" 2>&1 ||
    die "redis-cli --cluster create failed: $(tail -3 "$WORK/redis-cluster-create.log")"
  wait_redis_cluster $(seq "$P_REDIS_CLUSTER" $((P_REDIS_CLUSTER + 5)))
  for p in 1 16; do
    CAL_ARGS=(--cluster -t set -P "$p" -d 16)
    n=$(calibrate $((p == 1 ? 20000 : 200000)) "$a" "$P_REDIS_CLUSTER")
    log "cluster P$p: -n $n per test"
    RUN_ARGS=(--cluster -t set,get -r "$KEYSPACE" -P "$p" -d 16)
    series cluster "P$p d16" "ours:$a redis:$P_REDIS_CLUSTER" "$n"
  done
  say ""
  say "requests/s (median) with redis-benchmark --cluster, ratio ours/redis, latency p50/p99 in ms"
  median_table cluster "ours redis" | tee -a "$OUT"
  say ""
  stop_all
}
