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

# "state known_nodes pending_moves handoffs groups_owned groups_hosted" from CLUSTER INFO of our node
# on PORT; nothing when it does not answer.
ours_state() {
  timeout 3 redis-cli -p "$1" cluster info 2>/dev/null | tr -d '\r' | awk -F: '
    { v[$1] = $2 }
    END { if (v["cluster_state"] != "") print v["cluster_state"], v["cluster_known_nodes"], v["cluster_rebalance_pending_moves"],
            v["cluster_handoffs_in_progress"], v["cluster_slot_groups_owned"], v["cluster_slot_groups_hosted"] }'
}

# Are our nodes on PORTS... settled? Each answers cluster_state:ok, knows exactly these nodes, has no
# pending rebalance moves and no hand-offs in progress, owns at least one slot group and hosts exactly
# the groups it owns.
ours_settled() {
  local p st known pend mig owned hosted
  for p in "$@"; do
    read -r st known pend mig owned hosted <<<"$(ours_state "$p")"
    [ "$st" = ok ] && [ "$known" = "$#" ] && [ "$pend" = 0 ] && [ "$mig" = 0 ] &&
      [ "${owned:-0}" -gt 0 ] && [ "$owned" = "$hosted" ] || return 1
  done
}

# wait_settled LIMIT_SECONDS PORTS...: polls ours_settled every 0.2 s; prints the milliseconds it took,
# or returns 1 after LIMIT_SECONDS.
wait_settled() {
  local limit=$1; shift
  local t0; t0=$(now_ms)
  until ours_settled "$@"; do
    [ $(($(now_ms) - t0)) -ge $((limit * 1000)) ] && return 1
    sleep 0.2
  done
  echo $(($(now_ms) - t0))
}

wait_ours_cluster() {
  wait_settled 120 "$@" >/dev/null || die "our cluster did not settle within 120 s (logs in $WORK)"
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

# ---------- shared by rebalance and stability: keys, error counters, the cluster-aware client ----------

# Sum of DBSIZE over PORTS...; "n/a" when one of them does not answer.
sum_dbsize() {
  local p d s=0
  for p in "$@"; do
    d=$(timeout 10 redis-cli -p "$p" dbsize 2>/dev/null | tr -d '\r') || d=""
    [[ "$d" =~ ^[0-9]+$ ]] || { echo "n/a"; return; }
    s=$((s + d))
  done
  echo "$s"
}

# Error replies the servers counted (INFO errorstats), summed over PORTS...: "TYPE COUNT" lines.
errorstats_sum() {
  local p
  for p in "$@"; do timeout 5 redis-cli -p "$p" info errorstats 2>/dev/null | tr -d '\r' || true; done |
    awk -F'[_:=,]' '/^errorstat_/ { c[$2] += $4 } END { for (k in c) print k, c[k] }' | sort
}

# errorstats_delta BEFORE_FILE AFTER_FILE: "MOVED=12 TRYAGAIN=3" (increases only), or "none".
errorstats_delta() {
  awk 'NR == FNR { b[$1] = $2; next }
       { d = $2 - b[$1]; if (d > 0) out = out sprintf("%s%s=%d", out == "" ? "" : " ", $1, d) }
       END { print (out == "" ? "none" : out) }' "$1" "$2"
}

# load_keys PORT N PREFIX: SETs PREFIX%012d for i < N (16-byte values) through the cluster-aware client;
# prints its "loaded OK FAILED" line (and an "errors ..." line when some SETs failed).
load_keys() {
  timeout 300 node "$BENCH/cluster_client.js" load "$1" "$2" "$3" 16 2>&1 || echo "loaded 0 $2 (client failed)"
}

# start_steady PORT FILE MAX_SECONDS: the steady client (20 SETs in flight over the 250,000 loaded keys,
# 16-byte values) in the background, its output in FILE; returns once it printed its first tick.
start_steady() {
  local port=$1 file=$2 max=$3
  timeout $((max + 30)) node "$BENCH/cluster_client.js" steady "$port" 20 "$REBAL_KEYS" key: 16 "$max" >"$file" 2>&1 &
  STEADY_PID=$!; PIDS+=("$STEADY_PID"); disown "$STEADY_PID"
  for _ in $(seq 1 150); do grep -q '^tick' "$file" 2>/dev/null && return 0; sleep 0.2; done
  die "the steady client did not start: $(tail -3 "$file")"
}

# Stops the steady client; it then reads back every key it wrote (up to 60 s) and prints its "verify" line.
stop_steady() {
  kill -TERM "$STEADY_PID" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$STEADY_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$STEADY_PID" 2>/dev/null || true
  forget_pid "$STEADY_PID"
}

# client_windows FILE T0_MS TEND_MS: from the steady client's ticks (cumulative successful SETs,
# interpolated linearly between ticks) prints "BEFORE MEAN MIN AFTER W1 W2 ...": requests/s in the 5 s
# before T0, the mean over [T0, TEND], the lowest 1 s window of [T0, TEND] (windows counted from T0; the
# last one ends at TEND), the mean over the 5 s after TEND, then every 1 s window.
client_windows() {
  awk -v t0="$2" -v te="$3" '
    $1 == "tick" { n++; T[n] = $2; OK[n] = $3 }
    function at(t,   i) {
      if (t <= T[1]) return OK[1]
      if (t >= T[n]) return OK[n]
      for (i = 2; i <= n; i++) if (T[i] >= t) return OK[i - 1] + (OK[i] - OK[i - 1]) * (t - T[i - 1]) / (T[i] - T[i - 1])
    }
    END {
      if (n < 2) { print "0 0 0 0"; exit }
      base = (at(t0) - at(t0 - 5000)) / 5
      mean = (te > t0) ? (at(te) - at(t0)) * 1000 / (te - t0) : 0
      min = -1; list = ""
      for (a = t0; a < te; a += 1000) {
        b = a + 1000; if (b > te) { b = te; a = (te - 1000 > t0) ? te - 1000 : t0 }
        r = (b > a) ? (at(b) - at(a)) * 1000 / (b - a) : 0
        list = list sprintf(" %.0f", r); if (min < 0 || r < min) min = r
        if (b == te) break
      }
      after = (at(te + 5000) - at(te)) / 5
      printf "%.0f %.0f %.0f %.0f%s\n", base, mean, (min < 0 ? 0 : min), after, list
    }' "$1"
}

# The client's own summary: "OK ERR" and its "errors ..." line (errors left after ioredis's retries).
client_summary() { awk '$1 == "done" { print $2, $3 }' "$1"; }
client_errors() { awk '$1 == "errors" { sub(/^errors /, ""); print }' "$1" | tail -1; }
# "CHECKED LOST UNREADABLE" from the client's read-back of its last acknowledged values.
client_verify() { awk '$1 == "verify" { print $2, $3, $4 }' "$1"; }

downed_line="this node was downed by the cluster (or lost it)"

# log_lines PORT: lines in our node's log so far (a mark for log_since).
log_lines() { if [ -f "$WORK/ours-$1.log" ]; then wc -l <"$WORK/ours-$1.log"; else echo 0; fi; }
# log_since PORT MARK: the lines after MARK.
log_since() { tail -n +$(($2 + 1)) "$WORK/ours-$1.log" 2>/dev/null; }

# log_signs PORT MARK: "DOWNED UNREACHABLE SBR" — counts, in our node's log after MARK, of the downed line,
# of Akka's "Marking node(s) as UNREACHABLE" and of Split Brain Resolver decisions ("SBR took decision").
log_signs() {
  log_since "$1" "$2" | awk -v d="$downed_line" '
    index($0, d) { n1++ } /Marking node\(s\) as UNREACHABLE/ { n2++ } /SBR took decision/ { n3++ }
    END { print n1 + 0, n2 + 0, n3 + 0 }'
}

# Medians per row and system of the raw results of section $1 (value column), rows in first-seen order.
median_rows() {
  local section=$1 systems=$2
  awk -F'\t' -v sec="$section" -v systems="$systems" "$AWK_MEDIAN"'
    $1 == sec {
      if (!($2 in seen)) { seen[$2] = 1; rows[++nr] = $2 }
      if ($4 ~ /^-?[0-9.]+$/) { v[$2 SUBSEP $3] = v[$2 SUBSEP $3] " " $4; c[$2 SUBSEP $3]++ }
      else bad[$2 SUBSEP $3] = bad[$2 SUBSEP $3] " " $4
    }
    END {
      ns = split(systems, sys, " ")
      hdr = sprintf("%-40s", "median of repetitions")
      for (s = 1; s <= ns; s++) hdr = hdr sprintf(" %14s", sys[s])
      print hdr
      for (r = 1; r <= nr; r++) {
        line = sprintf("%-40s", rows[r])
        for (s = 1; s <= ns; s++) {
          k = rows[r] SUBSEP sys[s]
          val = (c[k] > 0) ? median(v[k]) : "-"
          if (val != "-" && val != int(val)) val = sprintf("%.2f", val)
          if (k in bad) val = val " (" substr(bad[k], 2) ")"
          line = line sprintf(" %14s", val)
        }
        print line
      }
    }' "$RAW"
}

# ---------- rebalance: a 4th node joins a loaded 3-node cluster under a steady client ----------

REBAL_KEYS=250000

# Records one repetition's figures (rebal_record SYSTEM ROW VALUE).
rebal_record() { record rebalance "$2" "$1" "$3" "" ""; }

# rebal_report SYSTEM REP T0 T_PING T_KNOWN T_SETTLED STEADY_FILE KEYS_BEFORE KEYS_AFTER SERVER_ERRORS DOWNINGS
rebal_report() {
  local sys=$1 rep=$2 t0=$3 tping=$4 tknown=$5 tset=$6 file=$7 kb=$8 ka=$9 serr=${10} downs=${11}
  local w base mean min after wins ok err cerr settled_s known_s
  if [ -n "$tset" ]; then
    w=$(client_windows "$file" "$t0" "$tset")
  else
    w=$(client_windows "$file" "$t0" "$(now_ms)")
  fi
  read -r base mean min after wins <<<"$w"
  read -r ok err <<<"$(client_summary "$file")"
  local maxlat
  maxlat=$(awk -v a="$t0" -v b="${tset:-$(now_ms)}" '$1 == "tick" && $2 > a && $2 <= b + 250 { if ($5 + 0 > m) m = $5 + 0 } END { printf "%.0f", m }' "$file")
  cerr=$(client_errors "$file")
  if [ -n "$tset" ]; then
    settled_s=$(awk -v a="$t0" -v b="$tset" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
    rebal_record "$sys" "rebalance s, from node 4 start" "$settled_s"
  else
    settled_s="NOT SETTLED within 120 s"
    rebal_record "$sys" "rebalance s, from node 4 start" "not-settled"
  fi
  if [ -n "$tknown" ] && [ -n "$tset" ]; then
    known_s=$(awk -v a="$tknown" -v b="$tset" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
    rebal_record "$sys" "rebalance s, from known to all" "$known_s"
  fi
  rebal_record "$sys" "client rps before" "$base"
  if [ "${base:-0}" -gt 0 ]; then
    rebal_record "$sys" "client min 1 s window / before" "$(awk -v a="$min" -v b="$base" 'BEGIN { printf "%.3f", a / b }')"
    rebal_record "$sys" "client mean during / before" "$(awk -v a="$mean" -v b="$base" 'BEGIN { printf "%.3f", a / b }')"
    rebal_record "$sys" "client 5 s after / before" "$(awk -v a="$after" -v b="$base" 'BEGIN { printf "%.3f", a / b }')"
  fi
  rebal_record "$sys" "client max SET latency ms, during" "$maxlat"
  rebal_record "$sys" "client errors (after client retries)" "${err:-n/a}"
  rebal_record "$sys" "keys after (loaded $REBAL_KEYS)" "$ka"
  local vchecked vlost vunread
  read -r vchecked vlost vunread <<<"$(client_verify "$file")"
  rebal_record "$sys" "acknowledged SETs lost (read back)" "${vlost:-n/a}"
  rebal_record "$sys" "false downings (log lines)" "$downs"
  say "  $sys rep $rep: node 4 answered PING after $(awk -v a="$t0" -v b="$tping" 'BEGIN { printf "%.1f", (b - a) / 1000 }') s;" \
    "known to the cluster after $([ -n "$tknown" ] && awk -v a="$t0" -v b="$tknown" 'BEGIN { printf "%.1f s", (b - a) / 1000 }' || echo never);" \
    "settled after $settled_s s from its start${known_s:+ ($known_s s after known)}"
  say "    client: $base rps before; 1 s windows from node 4 start: $wins"
  say "    min $(awk -v a="$min" -v b="$base" 'BEGIN { printf "%.2fx", (b > 0) ? a / b : 0 }'), mean $(awk -v a="$mean" -v b="$base" 'BEGIN { printf "%.2fx", (b > 0) ? a / b : 0 }')," \
    "5 s after $(awk -v a="$after" -v b="$base" 'BEGIN { printf "%.2fx", (b > 0) ? a / b : 0 }') of before; slowest SET during: $maxlat ms;" \
    "$ok SETs ok, $err failed after the client's retries (${cerr:-none})"
  say "    server error replies during the run (INFO errorstats): $serr"
  say "    keys: $kb before, $ka after$([ "$ka" = "$REBAL_KEYS" ] || echo "   <<<<< KEYS LOST OR EXTRA: expected $REBAL_KEYS")"
  if [ -z "$vchecked" ]; then
    say "    <<<<< the client did not report its read-back (see $(basename "$file"))"
  else
    say "    read-back of every key the client overwrote: $vchecked checked, $vlost without their last acknowledged value, $vunread unreadable"
    if [ "$vlost" != 0 ] || [ "$vunread" != 0 ]; then
      say "    <<<<< ACKNOWLEDGED WRITES LOST OR UNREADABLE (key, last acknowledged value, value read):$(awk '$1 == "lost" { $1 = ""; printf "%s;", $0 }' "$file")"
    fi
  fi
  if [[ "$downs" =~ ^[0-9]+$ ]] && [ "$downs" -gt 0 ]; then say "    <<<<< $downs false downing(s): \"$downed_line\" in the nodes' logs"; fi
}

# One repetition against our nodes: 3 nodes (--join), 250,000 keys, steady client, a 4th node joins.
rebalance_ours() {
  local rep=$1 a=$P_OURS_REBAL i p d=$((P_OURS_REBAL + 3)) file="$WORK/steady-ours-$rep.txt"
  local ports=("$a" $((a + 1)) $((a + 2))) marks=() loaded kb ka t0 tping tknown="" tset="" now st known
  for i in 0 1 2 3; do rm -rf "$WORK/ours-$((a + i))"; done   # fresh data directories each repetition
  for p in "${ports[@]}" "$d"; do marks+=("$(log_lines "$p")"); done
  start_ours "$a"; start_ours $((a + 1)) --join "127.0.0.1:$a"; start_ours $((a + 2)) --join "127.0.0.1:$a"
  wait_settled 120 "${ports[@]}" >/dev/null || { say "  ours rep $rep: the 3 nodes did not settle within 120 s (logs in $WORK)"; rebal_record ours "rebalance s, from node 4 start" "3-nodes-not-settled"; stop_all; return; }
  loaded=$(load_keys "$a" "$REBAL_KEYS" key:)
  kb=$(sum_dbsize "${ports[@]}")
  log "ours rep $rep: $(echo "$loaded" | tr '\n' ' '); sum of DBSIZE $kb"
  [ "$kb" = "$REBAL_KEYS" ] || say "  ours rep $rep: <<<<< after loading $REBAL_KEYS keys the sum of DBSIZE is $kb ($(echo "$loaded" | tr '\n' ' '))"
  errorstats_sum "${ports[@]}" >"$WORK/es-before-ours-$rep"
  start_steady "$a" "$file" 300
  sleep 5.5
  t0=$(now_ms)
  start_ours "$d" --join "127.0.0.1:$a"
  tping=$(now_ms)
  while :; do
    now=$(now_ms)
    if [ -z "$tknown" ]; then
      for p in "${ports[@]}"; do read -r st known _ <<<"$(ours_state "$p")"; [ "$known" = 4 ] && { tknown=$now; break; }; done
    fi
    if [ -n "$tknown" ] && ours_settled "${ports[@]}" "$d"; then tset=$now; break; fi
    [ $((now - t0)) -ge 120000 ] && break
    sleep 0.2
  done
  sleep 5.5
  stop_steady
  ka=$(sum_dbsize "${ports[@]}" "$d")
  errorstats_sum "${ports[@]}" "$d" >"$WORK/es-after-ours-$rep"
  local downs=0 unreach=0 sbr=0 n1 n2 n3 lines=0
  i=0
  for p in "${ports[@]}" "$d"; do
    lines=$((lines + $(log_lines "$p") - ${marks[$i]}))
    read -r n1 n2 n3 <<<"$(log_signs "$p" "${marks[$i]}")"
    [ "$n1" -gt 0 ] && say "    <<<<< node $p logged \"$downed_line\" $n1 time(s) (ours-$p.log)"
    downs=$((downs + n1)); unreach=$((unreach + n2)); sbr=$((sbr + n3)); i=$((i + 1))
  done
  rebal_report ours "$rep" "$t0" "$tping" "$tknown" "$tset" "$file" "$kb" "$ka" \
    "$(errorstats_delta "$WORK/es-before-ours-$rep" "$WORK/es-after-ours-$rep")" "$downs"
  say "    nodes' logs: $unreach \"Marking node(s) as UNREACHABLE\", $sbr \"SBR took decision\" line(s); $lines lines written in all during this repetition"
  stop_all
}

redis_check_ok() {
  local out
  out=$(timeout 10 redis-cli --cluster check "127.0.0.1:$1" 2>&1)
  printf '%s\n' "$out" | grep -q 'All nodes agree about slots configuration' &&
    printf '%s\n' "$out" | grep -q 'All 16384 slots covered' && ! printf '%s\n' "$out" | grep -q -E '\[ERR\]|\[WARNING\]'
}

redis_known() { timeout 3 redis-cli -p "$1" cluster info 2>/dev/null | tr -d '\r' | awk -F: '$1 == "cluster_known_nodes" { print $2 }' || true; }

# Slots the node on PORT owns (its own line of CLUSTER NODES; importing/migrating entries not counted).
cluster_slots_of() {
  timeout 3 redis-cli -p "$1" cluster nodes 2>/dev/null | tr -d '\r' | awk '$3 ~ /myself/ {
      for (i = 9; i <= NF; i++) { if ($i ~ /^\[/) continue; n = split($i, r, "-"); s += (n == 2) ? r[2] - r[1] + 1 : 1 }
    } END { print s + 0 }' || echo 0
}

start_redis_cluster_node() {
  port_free $(($1 + 10000)) || die "cluster bus port $(($1 + 10000)) is in use"
  start_redis "$1" --cluster-enabled yes --cluster-config-file "$WORK/redis-$1/nodes.conf" --cluster-node-timeout 5000
}

# One repetition against Redis Cluster: 3 primaries (no replicas), 250,000 keys, steady client, then an
# empty 4th primary: redis-cli --cluster add-node, wait until all 4 agree, redis-cli --cluster rebalance
# --cluster-use-empty-masters.
rebalance_redis() {
  local rep=$1 b=$P_REDIS_REBAL i p d=$((P_REDIS_REBAL + 3)) file="$WORK/steady-redis-$rep.txt"
  local ports=("$b" $((b + 1)) $((b + 2))) loaded kb ka t0 tping tknown="" tset="" rc=0
  for i in 0 1 2 3; do rm -rf "$WORK/redis-$((b + i))"; done
  for p in "${ports[@]}"; do start_redis_cluster_node "$p"; done
  timeout 120 redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes \
    >"$WORK/redis-rebal-create-$rep.log" 2>&1 || die "redis-cli --cluster create failed: $(tail -3 "$WORK/redis-rebal-create-$rep.log")"
  wait_redis_cluster "${ports[@]}"
  loaded=$(load_keys "$b" "$REBAL_KEYS" key:)
  kb=$(sum_dbsize "${ports[@]}")
  log "redis rep $rep: $(echo "$loaded" | tr '\n' ' '); sum of DBSIZE $kb"
  [ "$kb" = "$REBAL_KEYS" ] || say "  redis rep $rep: <<<<< after loading $REBAL_KEYS keys the sum of DBSIZE is $kb"
  errorstats_sum "${ports[@]}" >"$WORK/es-before-redis-$rep"
  start_steady "$b" "$file" 300
  sleep 5.5
  t0=$(now_ms)
  start_redis_cluster_node "$d"
  tping=$(now_ms)
  timeout 60 redis-cli --cluster add-node "127.0.0.1:$d" "127.0.0.1:$b" >"$WORK/redis-rebal-add-$rep.log" 2>&1 ||
    log "redis rep $rep: add-node failed: $(tail -2 "$WORK/redis-rebal-add-$rep.log")"
  # Known: every node lists 4 nodes, the new one reports cluster_state:ok and redis-cli --cluster check
  # finds them in agreement (before that, moving a slot fails with "Unknown node" or with CLUSTERDOWN
  # from the new node, and the rebalance stops).
  local all_know
  while [ $(($(now_ms) - t0)) -lt 60000 ]; do
    all_know=1
    for p in "${ports[@]}" "$d"; do [ "$(redis_known "$p")" = 4 ] || all_know=0; done
    [ "$(timeout 3 redis-cli -p "$d" cluster info 2>/dev/null | tr -d '\r' | awk -F: '$1 == "cluster_state" { print $2 }' || true)" = ok ] || all_know=0
    if [ "$all_know" = 1 ] && redis_check_ok "$b"; then tknown=$(now_ms); break; fi
    sleep 0.2
  done
  if [ -n "$tknown" ]; then
    timeout 300 redis-cli --cluster rebalance "127.0.0.1:$b" --cluster-use-empty-masters >"$WORK/redis-rebal-rebalance-$rep.log" 2>&1 || rc=$?
    [ "$rc" = 0 ] || say "  redis rep $rep: <<<<< redis-cli --cluster rebalance exited with $rc: $(tail -2 "$WORK/redis-rebal-rebalance-$rep.log" | tr -d '\033' | tr '\n' ' ')"
    while [ $(($(now_ms) - t0)) -lt 400000 ]; do
      if redis_check_ok "$b"; then tset=$(now_ms); break; fi
      sleep 0.2
    done
    local moved; moved=$(cluster_slots_of "$d")
    log "redis rep $rep: the 4th primary owns $moved slots after the rebalance"
    if [ "$moved" = 0 ]; then say "  redis rep $rep: <<<<< the 4th primary owns no slot after the rebalance: not counted as settled"; tset=""; fi
  fi
  sleep 5.5
  stop_steady
  ka=$(sum_dbsize "${ports[@]}" "$d")
  errorstats_sum "${ports[@]}" "$d" >"$WORK/es-after-redis-$rep"
  rebal_report redis "$rep" "$t0" "$tping" "$tknown" "$tset" "$file" "$kb" "$ka" \
    "$(errorstats_delta "$WORK/es-before-redis-$rep" "$WORK/es-after-redis-$rep")" n/a
  stop_all
}

section_rebalance() {
  say "## rebalance: a 4th node joins a 3-node cluster holding $REBAL_KEYS keys, under a steady client"
  say "ours: 3 nodes (--join), settled; the 4th started with --join; settled = every node: cluster_state ok, 4 known nodes,"
  say "  no pending moves or hand-offs, hosts exactly the slot groups it owns. Redis Cluster: 3 primaries, no replicas; an"
  say "  empty 4th primary (redis-server started, redis-cli --cluster add-node, wait until all agree, redis-cli --cluster"
  say "  rebalance --cluster-use-empty-masters); settled = rebalance done and redis-cli --cluster check agreeing."
  say "client: bench/cluster_client.js (ioredis Cluster), 20 SETs in flight over the $REBAL_KEYS loaded keys (16 B values)"
  local rep
  for rep in $(seq 1 "$REPS"); do
    rebalance_ours "$rep"
    [ "$REBAL_SYSTEMS" = ours ] || rebalance_redis "$rep"
  done
  say ""
  median_rows rebalance "$REBAL_SYSTEMS" | tee -a "$OUT"
  say ""
}

# ---------- stability: no false downing under full CPU; SIGTERM drains and exits in time ----------

# (run.sh --quick shortens these: 10 s of load, 2 cycles)
STAB_LOAD_SECS=$([ "$QUICK" = 1 ] && echo 10 || echo 60)
STAB_CYCLES=$([ "$QUICK" = 1 ] && echo 2 || echo 10)
STAB_KEYS=20000
STAB_EXIT_LIMIT=15     # seconds: the target for a SIGTERM'd node to exit

# stab_poll DEADLINE_MS OUT PORTS...: every 0.5 s, CLUSTER NODES and CLUSTER INFO of every node; appends
# "T OBSERVER flag NODE FLAGS" for each node shown with a fail or fail? flag, "T OBSERVER state-fail",
# "T OBSERVER no-answer" (nothing within 2 s), and "T poll" per round.
stab_poll() {
  local deadline=$1 out=$2; shift 2
  local p t nodes st
  while [ "$(now_ms)" -lt "$deadline" ]; do
    t=$(now_ms)
    for p in "$@"; do
      nodes=$(timeout 2 redis-cli -p "$p" cluster nodes 2>/dev/null | tr -d '\r') || nodes=""
      if [ -z "$nodes" ]; then echo "$t $p no-answer" >>"$out"; continue; fi
      printf '%s\n' "$nodes" | awk -v t="$t" -v p="$p" '$3 ~ /fail/ { print t, p, "flag", $2, $3 }' >>"$out"
      st=$(timeout 2 redis-cli -p "$p" cluster info 2>/dev/null | tr -d '\r' | awk -F: '$1 == "cluster_state" { print $2 }') || st=""
      if [ "$st" = fail ]; then echo "$t $p state-fail" >>"$out"; fi
    done
    echo "$t poll" >>"$out"
    sleep 0.5
  done
}

# stab_load SECONDS PORT OUT: redis-benchmark --cluster -t set,get -c 50 -P 16 --threads 2 in a loop
# for SECONDS (restarted when it exits early, e.g. on an error reply); prints the number of early exits.
stab_load() {
  local deadline=$(($(now_ms) + $1 * 1000)) port=$2 out=$3 exits=0 left rc
  while :; do
    left=$(((deadline - $(now_ms)) / 1000))
    [ "$left" -ge 1 ] || break
    rc=0
    timeout "$left" redis-benchmark -h 127.0.0.1 -p "$port" --cluster -t set,get -c 50 -P 16 --threads 2 -l \
      -n 2000000 -r 100000 -d 16 >>"$out" 2>&1 || rc=$?
    [ "$rc" = 124 ] && break
    exits=$((exits + 1))
    printf '\n=== redis-benchmark exited with status %s at %s\n' "$rc" "$(date -u +%T.%3N)" >>"$out"
    sleep 0.5
  done
  echo "$exits"
}

section_stability() {
  local a=$P_OURS_STAB i p n
  local ports=("$a" $((a + 1)) $((a + 2))) d=$((a + 3))
  local -A pid_of=()
  say "## stability: (a) 3 nodes under full CPU for ${STAB_LOAD_SECS} s: false downings; (b) $STAB_CYCLES SIGTERM/restart cycles: exit times, drains, keys"
  for i in 0 1 2 3; do rm -rf "$WORK/ours-$((a + i))"; done
  start_ours "$a"; pid_of[$a]=$STARTED_PID
  start_ours $((a + 1)) --join "127.0.0.1:$a"; pid_of[$((a + 1))]=$STARTED_PID
  start_ours $((a + 2)) --join "127.0.0.1:$a"; pid_of[$((a + 2))]=$STARTED_PID
  wait_settled 120 "${ports[@]}" >/dev/null || die "stability: the 3 nodes did not settle within 120 s (logs in $WORK)"

  # (a) full CPU: redis-benchmark with 2 threads, 50 clients, -P 16 against the 3 nodes, while polling.
  local marks=() poll="$WORK/stab-poll.txt" bout="$WORK/stab-benchmark.txt" exits polls flags fl_nodes states noans downs=0 per=""
  for p in "${ports[@]}"; do marks+=("$(log_lines "$p")"); done
  : >"$poll"; : >"$bout"
  stab_poll $(($(now_ms) + STAB_LOAD_SECS * 1000 + 2000)) "$poll" "${ports[@]}" &
  local poller=$!; PIDS+=("$poller")
  exits=$(stab_load "$STAB_LOAD_SECS" "$a" "$bout")
  wait "$poller" || true
  forget_pid "$poller"
  local rps
  rps=$(tr '\r' '\n' <"$bout" | awk '/rps=/ { sub(/.*rps=/, ""); v = $1 + 0; if (v > 0) { s += v; n++ } } END { printf "%.0f", n ? s / n : 0 }')
  polls=$(awk '$2 == "poll"' "$poll" | wc -l)
  flags=$(awk '$3 == "flag"' "$poll" | wc -l)
  fl_nodes=$(awk '$3 == "flag" { print $1 }' "$poll" | sort -u | wc -l)
  states=$(awk '$3 == "state-fail"' "$poll" | wc -l)
  noans=$(awk '$3 == "no-answer"' "$poll" | wc -l)
  local unreach=0 sbr=0 n1 n2 n3
  i=0
  for p in "${ports[@]}"; do
    read -r n1 n2 n3 <<<"$(log_signs "$p" "${marks[$i]}")"
    downs=$((downs + n1)); unreach=$((unreach + n2)); sbr=$((sbr + n3)); per="$per $p:$n1"; i=$((i + 1))
  done
  say "(a) load: redis-benchmark --cluster -t set,get -c 50 -P 16 --threads 2 -r 100000 -d 16 for ${STAB_LOAD_SECS} s," \
    "mean of its 250 ms progress figures $rps rps, $exits early exit(s); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  say "    false downings: $downs (\"$downed_line\" per node:$per), fail flags seen: $flags in $fl_nodes of $polls polls" \
    "(CLUSTER NODES of every node every 0.5 s); cluster_state:fail seen $states time(s); no answer within 2 s: $noans;" \
    "nodes' logs: $unreach \"Marking node(s) as UNREACHABLE\", $sbr \"SBR took decision\""
  if [ "$flags" -gt 0 ]; then
    say "    <<<<< fail flags (time observer node flags):"
    awk '$3 == "flag" { print "      " $1, $2, $4, $5 }' "$poll" | head -20 | tee -a "$OUT"
  fi
  if [ "$downs" -gt 0 ]; then
    for p in "${ports[@]}"; do
      log_since "$p" 0 | grep -n -F "$downed_line" | sed "s|^|      ours-$p.log:|" | head -5 | tee -a "$OUT" || true
    done
  fi
  if [ "$exits" -gt 0 ]; then
    say "    redis-benchmark's last lines before its exits:"
    tr '\r' '\n' <"$bout" | grep -B2 '^=== redis-benchmark exited' | grep -v -E 'rps=|^--$|^ *$' | head -12 | sed 's/^/      /' | tee -a "$OUT" || true
  fi
  record stability "false downings (a)" ours "$downs" "" ""
  record stability "fail flags seen (a)" ours "$flags" "" ""
  record stability "cluster_state fail seen (a)" ours "$states" "" ""

  # (b) SIGTERM / restart cycles over 4 nodes, 20,000 keys.
  for p in "${ports[@]}"; do timeout 10 redis-cli -p "$p" flushall >/dev/null 2>&1 || log "flushall on $p failed"; done
  local loaded kb
  loaded=$(load_keys "$a" "$STAB_KEYS" stab:)
  kb=$(sum_dbsize "${ports[@]}")
  log "stability: $(echo "$loaded" | tr '\n' ' '); sum of DBSIZE $kb"
  start_ours "$d" --join "127.0.0.1:$a"; pid_of[$d]=$STARTED_PID
  local all=("${ports[@]}" "$d")
  wait_settled 120 "${all[@]}" >/dev/null || say "    <<<<< 4 nodes did not settle within 120 s after the 4th joined"
  kb=$(sum_dbsize "${all[@]}")
  say "(b) 4 nodes ($a..$d), $STAB_KEYS keys loaded (sum of DBSIZE $kb); each cycle: SIGTERM one node (in turn), time until its"
  say "    process exits, wait until the other 3 settle, count keys, restart it (same --data-dir, --join a live node), wait until 4 settle, count"
  printf '    %-5s %-5s %8s %-14s %10s %12s %10s %10s %s\n' cycle node "exit s" "drain finished" "3 settled" "keys on 3" "4 settled" "keys on 4" "downed" | tee -a "$OUT"
  local cycle victim join pid mark t0 ms exit_s drained others s3 k3 s4 k4 exits_list="" max=0 lost=0 over=0 drains=0 cyc_marks dn downs_b=0
  for cycle in $(seq 1 "$STAB_CYCLES"); do
    i=$(((cycle - 1) % 4)); victim=${all[$i]}; join=${all[$(((i + 1) % 4))]}; pid=${pid_of[$victim]}
    others=(); for p in "${all[@]}"; do [ "$p" != "$victim" ] && others+=("$p"); done
    cyc_marks=(); for p in "${all[@]}"; do cyc_marks+=("$(log_lines "$p")"); done
    mark=$(log_lines "$victim")
    t0=$(now_ms)
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ $(($(now_ms) - t0)) -lt 45000 ]; do sleep 0.02; done
    ms=$(($(now_ms) - t0))
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; exit_s=">45 (SIGKILL)"
    else
      exit_s=$(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }')
    fi
    forget_pid "$pid"
    [ "$ms" -gt "$max" ] && max=$ms
    [ "$ms" -gt $((STAB_EXIT_LIMIT * 1000)) ] && over=$((over + 1))
    exits_list="$exits_list $exit_s"
    drained=$(log_since "$victim" "$mark" | grep -o 'drain finished (removed from the map: [A-Za-z]*)' | tail -1 | sed 's/.*: //; s/)//' || true)
    [ "$drained" = True ] && drains=$((drains + 1))
    s3=$(wait_settled 120 "${others[@]}") && s3=$(awk -v m="$s3" 'BEGIN { printf "%.1f", m / 1000 }') || s3="no (120 s)"
    k3=$(sum_dbsize "${others[@]}")
    start_ours "$victim" --join "127.0.0.1:$join"; pid_of[$victim]=$STARTED_PID
    s4=$(wait_settled 120 "${all[@]}") && s4=$(awk -v m="$s4" 'BEGIN { printf "%.1f", m / 1000 }') || s4="no (120 s)"
    k4=$(sum_dbsize "${all[@]}")
    dn=0; i=0
    for p in "${all[@]}"; do
      read -r n1 n2 n3 <<<"$(log_signs "$p" "${cyc_marks[$i]}")"; dn=$((dn + n1)); i=$((i + 1))
    done
    downs_b=$((downs_b + dn))
    [[ "$k3" =~ ^[0-9]+$ ]] && [ "$k3" -lt "$kb" ] && lost=$((lost + 1))
    [[ "$k4" =~ ^[0-9]+$ ]] && [ "$k4" -lt "$kb" ] && lost=$((lost + 1))
    printf '    %-5s %-5s %8s %-14s %10s %12s %10s %10s %s\n' "$cycle" "$victim" "$exit_s" "${drained:-missing}" "$s3" "$k3" "$s4" "$k4" "$dn" | tee -a "$OUT"
    record stability "exit s (b)" ours "$(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }')" "" ""
  done
  say "    exit times (s):$exits_list; max $(awk -v m="$max" 'BEGIN { printf "%.2f", m / 1000 }') s; over ${STAB_EXIT_LIMIT} s: $over;" \
    "drains finished (removed from the map: True): $drains of $STAB_CYCLES; counts below $kb keys: $lost; false downings: $downs_b"
  record stability "false downings (b)" ours "$downs_b" "" ""
  [ "$over" = 0 ] || say "    <<<<< $over exit(s) took longer than ${STAB_EXIT_LIMIT} s"
  [ "$drains" = "$STAB_CYCLES" ] || say "    <<<<< $((STAB_CYCLES - drains)) drain(s) did not finish with the node removed from the map"
  [ "$lost" = 0 ] || say "    <<<<< keys lost: $lost count(s) below $kb"
  [ "$downs_b" = 0 ] || say "    <<<<< $downs_b false downing(s) during the cycles (\"$downed_line\" in the nodes' logs)"
  say ""
  stop_all
}
