// The floor under pool.fetch's event-loop p99: the same 1M row objects of the mixed workload
// (int4, float8, text, timestamptz as Date, bool, int8 as BigInt, numeric as string), built in plain
// JavaScript with no database and no decoding, in the slices RowCollector uses (4 ms, then yield),
// 4,096 rows a batch as the worker cuts them — and kept, as fetch keeps its result. What the event
// loop still loses here is V8's garbage collector copying and marking the rows that survive.
//
// node bench/probes/row-gc-floor.mjs [rows] [--plain]   (--plain: numbers for the Date and BigInt)

import { monitorEventLoopDelay } from 'node:perf_hooks';

const rows = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const plain = process.argv.includes('--plain');
const BATCH = 4096;
const SLICE_MS = 4;

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const kept = [];
const started = performance.now();
let next = 0;
await new Promise((resolve) => {
  function slice() {
    const until = performance.now() + SLICE_MS;
    do {
      const end = Math.min(rows, next + BATCH);
      // As a decoded batch: its text columns are strings first, then the rows point at them.
      const names = [];
      const amounts = [];
      for (let i = next; i < end; i++) {
        names.push(`name-${i}`);
        amounts.push(String(i * 1.1));
      }
      for (let i = next; i < end; i++) {
        kept.push({
          id: i,
          x: i * 1.5,
          name: names[i - next],
          ts: plain ? 1577836800000 + i * 1000 : new Date(1577836800000 + i * 1000),
          flag: (i & 1) === 0,
          big: plain ? i * 1000 : BigInt(i) * 1000n,
          amount: amounts[i - next],
        });
      }
      next = end;
    } while (next < rows && performance.now() < until);
    if (next < rows) setImmediate(slice);
    else resolve();
  }
  setImmediate(slice);
});
delay.disable();
console.log(JSON.stringify({
  rows: kept.length,
  plain,
  ms: Math.round(performance.now() - started),
  loopP99Ms: Number((delay.percentile(99) / 1e6).toFixed(1)),
  loopMaxMs: Number((delay.max / 1e6).toFixed(1)),
}));
