// Drives ioredis's Cluster client against a running cluster.
// usage: node ioredis_workload.js PORT COUNT PREFIX   (NODE_PATH must point at the ioredis install)
// SETs COUNT keys, GETs them back, INCRs one counter COUNT times; prints one JSON object:
// {"nodes": [...ports...], "set_replies": [...], "reads": {key: value}, "counter": n, "errors": [...]}.
const Redis = require("ioredis");

async function main() {
  const [port, count, prefix] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
  const out = { nodes: [], set_replies: [], reads: {}, counter: null, errors: [] };
  const cluster = new Redis.Cluster([{ host: "127.0.0.1", port }], {
    redisOptions: { connectTimeout: 5000 },
    clusterRetryStrategy: (times) => (times > 5 ? null : 200),
    maxRedirections: 16,
  });
  try {
    await new Promise((resolve, reject) => {
      cluster.once("ready", resolve);
      cluster.once("error", reject);
    });
    out.nodes = cluster.nodes("master").map((n) => n.options.port).sort((a, b) => a - b);
    for (let i = 0; i < count; i++) {
      try { out.set_replies.push(await cluster.set(`${prefix}:${i}`, `val-${i}`)); }
      catch (e) { out.errors.push(`SET ${prefix}:${i}: ${e.message}`); }
    }
    for (let i = 0; i < count; i++) {
      try { out.reads[`${prefix}:${i}`] = await cluster.get(`${prefix}:${i}`); }
      catch (e) { out.errors.push(`GET ${prefix}:${i}: ${e.message}`); }
    }
    for (let i = 0; i < count; i++) {
      try { out.counter = await cluster.incr(`${prefix}:counter`); }
      catch (e) { out.errors.push(`INCR: ${e.message}`); }
    }
  } catch (e) {
    out.errors.push(`connect: ${e.message}`);
  } finally {
    cluster.disconnect();
  }
  console.log(JSON.stringify(out));
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
