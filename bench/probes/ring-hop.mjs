// Run: MODE=ring|port INFLIGHT=20 node bench/probes/ring-hop.mjs (no server needed).
// One main <-> worker round trip over SharedArrayBuffer rings woken with Atomics.waitAsync,
// vs the same over MessagePort postMessage coalesced per turn. INFLIGHT callers at once.
import { Worker } from 'node:worker_threads';
const MODE = process.env.MODE ?? 'ring', N = 200000, INFLIGHT = Number(process.env.INFLIGHT ?? 20);
const SLOTS = 256, SLOT = 128;
const mk = () => { const sab = new SharedArrayBuffer(16 + SLOTS * SLOT); return sab; };
const reqSab = mk(), repSab = mk();
const w = new Worker(new URL('./ring-hop-worker.mjs', import.meta.url), { workerData: { reqSab, repSab, MODE, SLOTS, SLOT } });
await new Promise((r) => w.once('message', r));
const enc = new TextEncoder();
const pending = new Map(); let nextId = 0;
let send, start;
if (MODE === 'ring') {
  const reqH = new Int32Array(reqSab, 0, 4), reqD = new Uint8Array(reqSab, 16), reqV = new DataView(reqSab, 16);
  const repH = new Int32Array(repSab, 0, 4), repD = new Uint8Array(repSab, 16), repV = new DataView(repSab, 16);
  // header: [0] head (written by producer), [1] tail (consumer), [2] consumer sleeping
  send = (id, sql, p) => {
    const head = reqH[0]; if (head - Atomics.load(reqH, 1) >= SLOTS) throw new Error('ring full: raise SLOTS');
    const off = (head % SLOTS) * SLOT; reqV.setInt32(off, id); reqV.setInt32(off + 4, p);
    const { written } = enc.encodeInto(sql, reqD.subarray(off + 10, off + SLOT)); reqV.setUint16(off + 8, written);
    Atomics.store(reqH, 0, head + 1);
    if (Atomics.load(reqH, 2) === 1) { Atomics.store(reqH, 2, 0); Atomics.notify(reqH, 0); }
  };
  const drain = () => {
    let tail = repH[1]; const head = Atomics.load(repH, 0);
    while (tail < head) { const off = (tail % SLOTS) * SLOT; const id = repV.getInt32(off); const len = repV.getUint16(off + 4); const bytes = repD.slice(off + 6, off + 6 + len); tail++; const r = pending.get(id); pending.delete(id); r(bytes); }
    Atomics.store(repH, 1, tail);
  };
  start = async () => { for (;;) { drain(); Atomics.store(repH, 2, 1); const h = Atomics.load(repH, 0); if (h !== repH[1]) { Atomics.store(repH, 2, 0); continue; } const r = Atomics.waitAsync(repH, 0, h); if (r.async) await r.value; Atomics.store(repH, 2, 0); } };
} else {
  let outbox = [], scheduled = false;
  const flush = () => { scheduled = false; w.postMessage(outbox); outbox = []; };
  send = (id, sql, p) => { outbox.push({ id, sql, p }); if (!scheduled) { scheduled = true; setImmediate(flush); } };
  w.on('message', (replies) => { for (const [id, bytes] of replies) { const r = pending.get(id); pending.delete(id); r(bytes); } });
  start = () => {};
}
start();
// A pending Atomics.waitAsync does not keep the event loop alive: this does.
setInterval(() => {}, 1 << 30);
const call = (p) => new Promise((resolve) => { const id = nextId++; pending.set(id, resolve); send(id, 'select $1::int4', p); });
let done = 0;
const cpu0 = process.cpuUsage(); const elu0 = performance.eventLoopUtilization(); const t0 = performance.now();
await Promise.all(Array.from({ length: INFLIGHT }, async () => { while (done < N) { done++; await call(done); } }));
const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0); const elu = performance.eventLoopUtilization(elu0);
console.log(JSON.stringify({ MODE, inflight: INFLIGHT, rtPerSec: Math.round(N / ms * 1000), processCpuUs: +((cpu.user + cpu.system) / N).toFixed(2), mainActiveUs: +(elu.active * 1000 / N).toFixed(2) }));
process.exit(0);
