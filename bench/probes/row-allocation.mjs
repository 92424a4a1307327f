// Two ways of making 1M kept row objects that might spare V8's scavenger from copying them, as
// probes beside row-gc-floor.mjs (PROFILES.md §15): rows from one object literal in generated code,
// whose allocation site V8 may decide to pretenure, and rows parsed by JSON.parse from ~430 KB
// texts. Run with --trace-gc-nvp to see where the rows land (new_space_survived against promoted),
// or --trace-pretenuring to see the literal's site decided.
//
// node [--trace-gc-nvp] bench/probes/row-allocation.mjs literal|json [rows] [--slice-ms=N]
//   (§15's figures were taken with 4 ms slices, RowCollector's then)

import { buildInSlices, sliceMsArgument } from './sliced-build.mjs';

const mode = process.argv[2] ?? 'literal';
const rows = Number(process.argv.slice(3).find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const BATCH = 4096;
const sliceMs = sliceMsArgument();

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

function buildBatch(from, to) {
  if (mode === 'json') return JSON.parse(texts[from / BATCH]);
  const batch = [];
  for (let i = from; i < to; i++) batch.push(makeRow(i));
  return batch;
}

const { kept, ...figures } = await buildInSlices({ rows, batchRows: BATCH, sliceMs, buildBatch });
console.log(JSON.stringify({ mode, rows: kept.length, sliceMs, ...figures }));
