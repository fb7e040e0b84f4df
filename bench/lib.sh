# Helpers for bench/run.sh: installing tools, starting and stopping servers, running
# redis-benchmark and recording its numbers. Sourced, not run. Uses only public tools:
# redis-server/redis-cli/redis-benchmark, Garnet (a .NET tool), dotnet, ps, /proc, and node.js with
# ioredis (the cluster-aware load client bench/cluster_client.js).

# ---------- installation (idempotent) ----------

ensure_redis_tools() {
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v redis-benchmark >/dev/null; then
    return
  fi
  say "installing redis-server and redis-tools (apt-get)"
  if ! apt-cache show redis-server >/dev/null 2>&1; then timeout 300 apt-get update -qq; fi
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq redis-server redis-tools >/dev/null
  # The Debian package starts a system redis on 6379; we use our own ports, so leave it alone.
}

ensure_garnet() {
  if [ -x "$TOOLS/garnet-server" ]; then return; fi
  say "installing garnet-server $GARNET_VERSION into $TOOLS"
  timeout 600 dotnet tool install --tool-path "$TOOLS" garnet-server --version "$GARNET_VERSION" >/dev/null
}

# The cluster-aware load client of the rebalance and stability sections (bench/cluster_client.js)
# runs on node.js with ioredis 5, installed into bench/.tools/node (git-ignored).
ensure_node_client() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing nodejs and npm (apt-get)"
    if ! apt-cache show nodejs >/dev/null 2>&1; then timeout 300 apt-get update -qq; fi
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq nodejs npm >/dev/null
  fi
  if [ ! -f "$TOOLS/node/node_modules/ioredis/package.json" ]; then
    say "installing ioredis 5 into $TOOLS/node (npm)"
    mkdir -p "$TOOLS/node"
    timeout 600 npm install --prefix "$TOOLS/node" --no-audit --no-fund --loglevel=error ioredis@5 >/dev/null
  fi
  export NODE_PATH="$TOOLS/node/node_modules"
}

build_node() {
  say "building src/Node (Release)"
  timeout 900 dotnet build "$REPO/src/Node" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || {
    cat "$WORK/build.log"; die "build of src/Node failed"
  }
  [ -f "$NODE_DLL" ] || die "missing $NODE_DLL after the build"
}

# ---------- processes ----------

PIDS=()

# Stops every process this script started: SIGTERM, then SIGKILL after 10 s (our nodes drain on SIGTERM;
# when the whole cluster stops at once there is nowhere to drain to, so they may need the SIGKILL).
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  PIDS=()
}

# Drops a pid that has exited from PIDS (so that stop_all never signals a reused pid).
forget_pid() {
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done
  PIDS=("${keep[@]}")
}

stop_pid() {
  local pid=$1 keep=() p
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  for p in "${PIDS[@]}"; do [ "$p" != "$pid" ] && keep+=("$p"); done
  PIDS=("${keep[@]}")
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until PING on port $1 answers PONG (timeout $2 seconds, default 60).
wait_ping() {
  local port=$1 limit=${2:-60} i
  for i in $(seq 1 $((limit * 5))); do
    [ "$(timeout 2 redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.2
  done
  die "server on port $port did not answer PING within ${limit}s (logs in $WORK)"
}

# start_<system> PORT: starts one server, sets STARTED_PID, waits for PING.
# Our node also uses PORT + 10000 (Akka bus) and PORT + 20000 (data links). Its log, $WORK/ours-PORT.log,
# is appended to (a restart with the same data directory keeps the earlier lines), each start marked
# with a "=== start_ours" line.
start_ours() {
  local port=$1; shift
  port_free "$port" || die "port $port is in use"
  port_free $((port + 10000)) || die "bus port $((port + 10000)) is in use"
  port_free $((port + 20000)) || die "data-link port $((port + 20000)) is in use"
  mkdir -p "$WORK/ours-$port"
  printf '=== start_ours %s: --port %s --data-dir %s %s\n' "$(date -u +%FT%T.%3NZ)" "$port" "$WORK/ours-$port" "$*" >>"$WORK/ours-$port.log"
  dotnet "$NODE_DLL" --port "$port" --data-dir "$WORK/ours-$port" "$@" >>"$WORK/ours-$port.log" 2>&1 &
  STARTED_PID=$!; PIDS+=("$STARTED_PID"); disown "$STARTED_PID"
  wait_ping "$port" 90
}

start_redis() {
  local port=$1; shift
  port_free "$port" || die "port $port is in use"
  mkdir -p "$WORK/redis-$port"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$WORK/redis-$port" --logfile "$WORK/redis-$port.log" "$@" &
  STARTED_PID=$!; PIDS+=("$STARTED_PID"); disown "$STARTED_PID"
  wait_ping "$port" 30
}

# Garnet 2.2.8 defaults checked with --help: AOF off, no periodic checkpoints, no recovery;
# 16 GB log memory budget (allocated page by page) and a 128 MB hash index allocated up front.
start_garnet() {
  local port=$1; shift
  port_free "$port" || die "port $port is in use"
  mkdir -p "$WORK/garnet-$port"
  "$TOOLS/garnet-server" --port "$port" --bind 127.0.0.1 --checkpointdir "$WORK/garnet-$port" "$@" \
    >"$WORK/garnet-$port.log" 2>&1 &
  STARTED_PID=$!; PIDS+=("$STARTED_PID"); disown "$STARTED_PID"
  wait_ping "$port" 60
}

# Wall clock in milliseconds (bash 5's EPOCHREALTIME, no process started).
now_ms() { local t=$EPOCHREALTIME; echo $(( ${t%.*} * 1000 + 10#${t#*.} / 1000 )); }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# ---------- redis-benchmark and results ----------

# Raw results, one line per measurement: section<TAB>row<TAB>system<TAB>rps<TAB>p50<TAB>p99
RAW="${RAW:-/dev/null}"

record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"; }

# bench_csv PORT SECONDS_BOUND args...: runs redis-benchmark --csv and prints
# "TEST rps p50 p99" per test (lines of redis-benchmark 7.0's CSV:
# "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms").
# Prints "ERROR <message>" when the server answered an error, "TIMEOUT ..." when the bound was hit.
bench_csv() {
  local port=$1 bound=$2; shift 2
  local out rc=0
  out=$(timeout "$bound" redis-benchmark -h 127.0.0.1 -p "$port" --csv "$@" 2>&1) || rc=$?
  if [ "$rc" = 124 ]; then echo "TIMEOUT after ${bound}s"; return; fi
  if printf '%s\n' "$out" | grep -q -i -E 'error|unknown command'; then
    printf 'ERROR %s\n' "$(printf '%s\n' "$out" | grep -i -m1 -E 'error|unknown')"
    return
  fi
  printf '%s\n' "$out" | awk -F'","' 'NR > 0 && $1 ~ /^"/ && $1 != "\"test" {
      gsub(/"/, "", $1); sub(/ .*/, "", $1); gsub(/"/, "", $2); gsub(/"/, "", $5); gsub(/"/, "", $7);
      if ($2 + 0 > 0) print $1, $2, $5, $7 }'
}

# Does the server on PORT know command $2? (probes with the given arguments, then deletes the key)
supports() {
  local port=$1; shift
  local reply
  reply=$(timeout 5 redis-cli -p "$port" "$@" 2>&1)
  timeout 5 redis-cli -p "$port" del "$2" >/dev/null 2>&1 || true
  ! printf '%s' "$reply" | grep -q -i 'unknown command'
}

# INFO field of a server.
info_field() { timeout 5 redis-cli -p "$1" info "${3:-all}" 2>/dev/null | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2 }'; }

# "gen0 gen1 gen2" collection counts of our node (INFO memory), or nothing when it does not answer.
gc_counts() {
  timeout 15 redis-cli -p "$1" info memory 2>/dev/null | tr -d '\r' | awk -F: '
    $1 == "gc_collections_gen0" { g0 = $2 } $1 == "gc_collections_gen1" { g1 = $2 } $1 == "gc_collections_gen2" { g2 = $2 }
    END { if (g0 != "" && g1 != "" && g2 != "") print g0, g1, g2 }'
}

# ---------- table ----------

# An awk function: the median of a space-separated list of numbers (callers pass non-empty lists).
AWK_MEDIAN='
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }'

# Prints medians of the raw results of section $1 for systems $2 (space separated, first = ours).
# Columns: rps per system, ratios ours/other, p50 and p99 (ms) per system.
median_table() {
  local section=$1 systems=$2
  awk -F'\t' -v sec="$section" -v systems="$systems" "$AWK_MEDIAN"'
    $1 == sec {
      key = $2 SUBSEP $3
      if (!($2 in seen)) { seen[$2] = 1; rows[++nr] = $2 }
      if ($4 == "n/s" || $4 == "t/o" || $4 == "err") { mark[key] = ($4 == "n/s") ? "not supported" : ($4 == "t/o") ? "timed out" : "error"; next }
      rps[key] = rps[key] " " $4; p50[key] = p50[key] " " $5; p99[key] = p99[key] " " $6; cnt[key]++
    }
    END {
      ns_ = split(systems, sys, " ")
      hdr = sprintf("%-24s", "test")
      for (s = 1; s <= ns_; s++) hdr = hdr sprintf(" %13s", sys[s] " rps")
      for (s = 2; s <= ns_; s++) hdr = hdr sprintf(" %11s", sys[1] "/" sys[s])
      for (s = 1; s <= ns_; s++) hdr = hdr sprintf(" %17s", sys[s] " p50/p99")
      print hdr
      for (r = 1; r <= nr; r++) {
        line = sprintf("%-24s", rows[r])
        for (s = 1; s <= ns_; s++) {
          k = rows[r] SUBSEP sys[s]
          if (cnt[k] == 0 && (k in mark)) v[s] = mark[k]; else if (cnt[k] > 0) v[s] = sprintf("%.0f", median(rps[k])); else v[s] = "-"
          line = line sprintf(" %13s", v[s])
        }
        for (s = 2; s <= ns_; s++) {
          if (v[1] + 0 > 0 && v[s] + 0 > 0) line = line sprintf(" %11.2f", v[1] / v[s]); else line = line sprintf(" %11s", "-")
        }
        for (s = 1; s <= ns_; s++) {
          k = rows[r] SUBSEP sys[s]
          if (cnt[k] > 0) line = line sprintf(" %17s", sprintf("%.3f/%.3f", median(p50[k]), median(p99[k]))); else line = line sprintf(" %17s", "-")
        }
        print line
      }
    }' "$RAW"
}
