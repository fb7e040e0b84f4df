#!/usr/bin/env bash
# The one test command: installs what the tests need (idempotent, quick when all is present),
# then runs every test in Cluster.sln and ends with the line "N passed, M failed".
#   ./test.sh                 every test
#   ./test.sh --filter X      passes its arguments on to `dotnet test` (e.g. a test filter)
# Needs the .NET 10 SDK; installs with apt-get (Debian packages) and npm, so run it as root or
# with those already present. .ci/run calls exactly this script.
set -uo pipefail
cd "$(dirname "$0")"

# --- what the tests need ------------------------------------------------------------------------
# Debian packages: redis-server (differential tests), redis-tools (redis-cli, redis-benchmark),
# python3-redis (redis-py cluster client specs), nodejs/npm (the ioredis specs).
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
/usr/bin/python3 -c 'import redis' >/dev/null 2>&1 || need+=(python3-redis)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  apt_log=$(mktemp)
  if ! ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}") >"$apt_log" 2>&1; then
    echo "apt-get install failed (the tests that need ${need[*]} will fail):"
    tail -20 "$apt_log"
  fi
fi
# npm clients (ioredis) into multinode-tests/.clients (git-ignored).
multinode-tests/install-clients.sh || echo "installing the node.js cluster clients failed (their specs will fail)"

# --- every test -----------------------------------------------------------------------------------
log=$(mktemp)
timeout 4800 dotnet test Cluster.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one summary line per test assembly, e.g.
#   Passed!  - Failed:     0, Passed:    73, Skipped:     0, Total:    73, Duration: 3 s - X.dll
passed=$(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Passed: *([0-9]+),.*/\1/' | awk '{s+=$1} END {print s+0}')
failed=$(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed.*/\1/' | awk '{s+=$1} END {print s+0}')
passed=${passed:-0}
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A build error or a crashed test host: make the failure visible in the count.
  echo "dotnet test exited with status $status without reporting a failed test"
  failed=1
fi
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
