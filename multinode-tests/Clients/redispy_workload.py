"""Drives redis-py's RedisCluster against a running cluster.

usage: redispy_workload.py PORT COUNT PREFIX
SETs COUNT keys, GETs them back, INCRs one counter COUNT times, and prints one JSON object:
{"nodes": [...ports the client discovered...], "set_replies": [...], "reads": {key: value},
 "counter": final INCR reply, "errors": [...]}. The spec judges it.
"""
import json
import sys

from redis.cluster import RedisCluster

port, count, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
out = {"nodes": [], "set_replies": [], "reads": {}, "counter": None, "errors": []}
rc = RedisCluster(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=5)
try:
    out["nodes"] = sorted(n.port for n in rc.get_nodes())
    for i in range(count):
        try:
            out["set_replies"].append(rc.set(f"{prefix}:{i}", f"val-{i}"))
        except Exception as e:  # reported, not raised: the spec decides
            out["errors"].append(f"SET {prefix}:{i}: {e!r}")
    for i in range(count):
        try:
            out["reads"][f"{prefix}:{i}"] = rc.get(f"{prefix}:{i}")
        except Exception as e:
            out["errors"].append(f"GET {prefix}:{i}: {e!r}")
    for i in range(count):
        try:
            out["counter"] = rc.incr(f"{prefix}:counter")
        except Exception as e:
            out["errors"].append(f"INCR: {e!r}")
finally:
    rc.close()
print(json.dumps(out))
