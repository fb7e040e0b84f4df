// A cluster-aware load client for bench/run.sh's rebalance and stability sections, on ioredis 5's
// Cluster client (installed by run.sh into bench/.tools/node; NODE_PATH points there). It follows
// MOVED/ASK and retries TRYAGAIN/CLUSTERDOWN the way cluster-aware applications do, spreads its keys
// over all 16384 slots and picks up nodes that join while it runs.
//
//   node cluster_client.js load   PORT N PREFIX VALUE_BYTES
//     SETs PREFIX%012d for i = 0..N-1 (each key once; a key whose SET fails after ioredis's own retries
//     is tried again up to 5 times); prints "loaded OK FAILED" and, when some failed, "errors TYPE=COUNT ...".
//   node cluster_client.js steady PORT CLIENTS KEYSPACE PREFIX VALUE_BYTES MAX_SECONDS
//     CLIENTS loops, each with one SET in flight at a time, overwriting random keys PREFIX%012d with
//     i < KEYSPACE (so the number of keys does not change). Loop j writes only the keys i with
//     i % CLIENTS == j, so every key has one writer and its last acknowledged value is known; each value
//     carries a sequence number. Every 250 ms prints
//     "tick EPOCH_MS OK_TOTAL ERR_TOTAL MAX_LATENCY_MS_SINCE_LAST_TICK"; the first 50 failed commands as
//     "err EPOCH_MS MESSAGE"; at the end (SIGTERM, SIGINT or MAX_SECONDS) "done OK ERR" and
//     "errors TYPE=COUNT ..." (TYPE = the error's first word, e.g. TRYAGAIN, CLUSTERDOWN, MOVED, or
//     TIMEOUT for a command with no reply within 10 s). Then it reads back every key it wrote and prints
//     "verify CHECKED LOST UNREADABLE": LOST = keys whose value is not the last one a SET of this run was
//     acknowledged with (an acknowledged write that did not survive); keys whose last SET failed are
//     skipped (their state is unknown); UNREADABLE = GETs that failed. The first 5 lost keys follow as
//     "lost KEY expected GOT".
// Errors that ioredis handled by itself (redirections, retried TRYAGAIN) are not errors here; the
// servers count those (INFO errorstats), and run.sh reports them from there.
"use strict";
const Redis = require("ioredis");

const [mode, portArg] = process.argv.slice(2, 4);
const port = Number(portArg);

function cluster() {
  return new Redis.Cluster([{ host: "127.0.0.1", port }], {
    redisOptions: { connectTimeout: 5000, commandTimeout: 10000 },
    clusterRetryStrategy: (times) => (times > 50 ? null : 200),
    maxRedirections: 16,
    retryDelayOnTryAgain: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnFailover: 100,
    slotsRefreshTimeout: 2000,
  });
}

function errorType(e) {
  const m = String((e && e.message) || e);
  if (/timed? ?out/i.test(m)) return "TIMEOUT";
  const w = m.split(/\s+/)[0].replace(/[^A-Za-z_-]/g, "");
  return w || "OTHER";
}

function ready(c) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("cluster client not ready within 30 s")), 30000);
    c.once("ready", () => { clearTimeout(t); resolve(); });
  });
}

const key = (prefix, i) => prefix + String(i).padStart(12, "0");

async function load(n, prefix, bytes) {
  const c = cluster();
  c.on("error", () => {});
  await ready(c);
  const value = "v".repeat(bytes);
  const types = {};
  let ok = 0, failed = 0, next = 0;
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      for (let attempt = 0; ; attempt++) {
        try { await c.set(key(prefix, i), value); ok++; break; }
        catch (e) {
          const t = errorType(e); types[t] = (types[t] || 0) + 1;
          if (attempt >= 5) { failed++; break; }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
  }
  await Promise.all(Array.from({ length: 64 }, worker));
  console.log(`loaded ${ok} ${failed}`);
  if (Object.keys(types).length) console.log("errors " + Object.entries(types).map(([k, v]) => `${k}=${v}`).join(" "));
  c.disconnect();
}

async function steady(clients, keyspace, prefix, bytes, maxSeconds) {
  const c = cluster();
  c.on("error", () => {});
  await ready(c);
  const types = {};
  const last = new Float64Array(keyspace);   // sequence number of the last acknowledged SET; -1: unknown
  let ok = 0, err = 0, printedErrors = 0, maxLat = 0, stop = false, seq = 0;
  const valueOf = (n) => ("s" + String(n).padStart(bytes - 1, "0")).slice(0, Math.max(bytes, 16));
  const deadline = Date.now() + maxSeconds * 1000;
  const tick = setInterval(() => {
    console.log(`tick ${Date.now()} ${ok} ${err} ${maxLat.toFixed(1)}`);
    maxLat = 0;
    if (Date.now() >= deadline) stop = true;
  }, 250);
  async function loop(j) {
    const per = Math.floor(keyspace / clients);
    while (!stop) {
      const i = j + clients * Math.floor(Math.random() * per);
      const k = key(prefix, i);
      const n = ++seq;
      const t0 = process.hrtime.bigint();
      try { await c.set(k, valueOf(n)); ok++; if (last[i] >= 0) last[i] = n; }
      catch (e) {
        err++; last[i] = -1;
        const t = errorType(e); types[t] = (types[t] || 0) + 1;
        if (printedErrors++ < 50) console.log(`err ${Date.now()} ${String(e.message || e).slice(0, 120)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (ms > maxLat) maxLat = ms;
    }
  }
  const finish = () => { stop = true; };
  process.on("SIGTERM", finish);
  process.on("SIGINT", finish);
  await Promise.all(Array.from({ length: clients }, (_, j) => loop(j)));
  clearInterval(tick);
  console.log(`tick ${Date.now()} ${ok} ${err} ${maxLat.toFixed(1)}`);
  console.log(`done ${ok} ${err}`);
  console.log("errors " + (Object.entries(types).map(([k, v]) => `${k}=${v}`).join(" ") || "none"));
  // Read back every key written with an acknowledged last SET.
  let checked = 0, lost = 0, unreadable = 0, next = 0;
  const shown = [];
  async function reader() {
    for (;;) {
      const i = next++;
      if (i >= keyspace) return;
      if (!(last[i] > 0)) continue;
      const want = valueOf(last[i]);
      try {
        const got = await c.get(key(prefix, i));
        checked++;
        if (got !== want) { lost++; if (shown.length < 5) shown.push(`lost ${key(prefix, i)} ${want} ${got}`); }
      } catch (e) { unreadable++; }
    }
  }
  await Promise.all(Array.from({ length: 64 }, reader));
  console.log(`verify ${checked} ${lost} ${unreadable}`);
  for (const l of shown) console.log(l);
  c.disconnect();
}

const a = process.argv.slice(4);
(mode === "load" ? load(Number(a[0]), a[1], Number(a[2]))
  : mode === "steady" ? steady(Number(a[0]), Number(a[1]), a[2], Number(a[3]), Number(a[4]))
  : Promise.reject(new Error("usage: node cluster_client.js load|steady PORT ...")))
  .then(() => process.exit(0), (e) => { console.error(String(e && e.stack || e)); process.exit(1); });
