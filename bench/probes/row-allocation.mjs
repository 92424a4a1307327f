// Two ways of making 1M kept row objects that might spare V8's scavenger from copying them, as
// probes beside row-gc-floor.mjs (PROFILES.md §15): rows from one object literal in generated code,
// whose allocation site V8 may decide to pretenure, and rows parsed by JSON.parse from ~430 KB
// texts. Run with --trace-gc-nvp to see where the rows land (new_space_survived against promoted),
// or --trace-pretenuring to see the literal's site decided.
//
// node [--trace-gc-nvp] bench/probes/row-allocation.mjs literal|json [rows]

import { monitorEventLoopDelay } from 'node:perf_hooks';

const mode = process.argv[2] ?? 'literal';
const rows = Number(process.argv[3] ?? 1_000_000);
const BATCH = 4096;
const SLICE_MS = 4;

/** The mixed workload's row without its Date and BigInt (JSON has neither). */
const makeRow = new Function('i', "return { id: i, x: i * 1.5, name: 'name-' + i, ts: 1577836800000 + i * 1000, flag: (i & 1) === 0, big: i * 1000, amount: (i * 1.1).toFixed(2) };");

// The JSON texts are made before the clock starts, as a worker would have made them.
const texts = [];
if (mode === 'json') {
  for (let start = 0; start < rows; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(rows, start + BATCH); i++) batch.push(makeRow(i));
    texts.push(JSON.stringify(batch));
  }
}

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const kept = [];
const started = performance.now();
let next = 0;
await new Promise((resolve) => {
  const slice = () => {
    const end = performance.now() + SLICE_MS;
    while (next < rows && performance.now() < end) {
      if (mode === 'json') {
        kept.push(JSON.parse(texts[next / BATCH]));
      } else {
        const batch = [];
        for (let i = next; i < Math.min(rows, next + BATCH); i++) batch.push(makeRow(i));
        kept.push(batch);
      }
      next += BATCH;
    }
    if (next < rows) setImmediate(slice);
    else resolve();
  };
  slice();
});
const wallMs = performance.now() - started;
delay.disable();
console.log(JSON.stringify({ mode, rows, batches: kept.length, wallMs: Math.round(wallMs), loopP99Ms: delay.percentile(99) / 1e6, loopMaxMs: delay.max / 1e6 }));
