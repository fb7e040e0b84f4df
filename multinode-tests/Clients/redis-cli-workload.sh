#!/usr/bin/env bash
# Drives redis-cli in cluster mode (-c: follows MOVED/ASK) against one node of a cluster:
# N pairs "SET <prefix>:<i> val-<i>" / "GET <prefix>:<i>", sent through one redis-cli session.
# Prints redis-cli's raw replies, one per line; the spec parses and judges them.
# usage: redis-cli-workload.sh PORT COUNT PREFIX
set -euo pipefail
port=$1 count=$2 prefix=$3
for ((i = 0; i < count; i++)); do
  printf 'SET %s:%d val-%d\nGET %s:%d\n' "$prefix" "$i" "$i" "$prefix" "$i"
done | redis-cli -c -h 127.0.0.1 -p "$port"
