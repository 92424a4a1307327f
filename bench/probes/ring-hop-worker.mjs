// The worker side of ring-hop.mjs: answers each call with a 40-byte reply one turn later.
import { parentPort, workerData } from 'node:worker_threads';
const { reqSab, repSab, MODE, SLOTS, SLOT } = workerData;
const reply = new Uint8Array(40).fill(7);
const dec = new TextDecoder();
if (MODE === 'ring') {
  const reqH = new Int32Array(reqSab, 0, 4), reqD = new Uint8Array(reqSab, 16), reqV = new DataView(reqSab, 16);
  const repH = new Int32Array(repSab, 0, 4), repD = new Uint8Array(repSab, 16), repV = new DataView(repSab, 16);
  const out = [];
  const drain = () => {
    let tail = reqH[1]; const head = Atomics.load(reqH, 0);
    while (tail < head) { const off = (tail % SLOTS) * SLOT; const id = reqV.getInt32(off); const len = reqV.getUint16(off + 8); dec.decode(reqD.subarray(off + 10, off + 10 + len)); out.push(id); tail++; }
    Atomics.store(reqH, 1, tail);
    // Replies go out a turn later, as a real worker's would after the server answers.
    if (out.length) setImmediate(flushReplies);
  };
  const flushReplies = () => {
    if (!out.length) return;
    let head = repH[0];
    for (const id of out.splice(0)) { const off = (head % SLOTS) * SLOT; repV.setInt32(off, id); repV.setUint16(off + 4, reply.length); repD.set(reply, off + 6); head++; }
    Atomics.store(repH, 0, head);
    if (Atomics.load(repH, 2) === 1) { Atomics.store(repH, 2, 0); Atomics.notify(repH, 0); }
  };
  (async () => { for (;;) { drain(); Atomics.store(reqH, 2, 1); const h = Atomics.load(reqH, 0); if (h !== reqH[1]) { Atomics.store(reqH, 2, 0); continue; } const r = Atomics.waitAsync(reqH, 0, h); if (r.async) await r.value; Atomics.store(reqH, 2, 0); } })();
} else {
  let out = [], scheduled = false;
  parentPort.on('message', (calls) => { for (const c of calls) out.push([c.id, reply.slice()]); if (!scheduled) { scheduled = true; setImmediate(() => { scheduled = false; parentPort.postMessage(out); out = []; }); } });
}
setInterval(() => {}, 1 << 30);
parentPort.postMessage('ready');
