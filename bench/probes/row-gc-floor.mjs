// The floor under pool.fetch's event-loop p99: the same 1M row objects of the mixed workload
// (int4, float8, text, timestamptz as Date, bool, int8 as BigInt, numeric as string), built in plain
// JavaScript with no database and no decoding, in the slices RowCollector uses (1 ms, then yield),
// 4,096 rows a batch as the worker cuts them — and kept, as fetch keeps its result. What the event
// loop still loses here is V8's garbage collector copying and marking the rows that survive.
//
// node bench/probes/row-gc-floor.mjs [rows] [--plain] [--slice-ms=N]
//   (--plain: numbers for the Date and BigInt)

import { buildInSlices, sliceMsArgument } from './sliced-build.mjs';

const rows = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const plain = process.argv.includes('--plain');
const sliceMs = sliceMsArgument();

function buildBatch(from, to) {
  // As a decoded batch: its text columns are strings first, then the rows point at them.
  const names = [];
  const amounts = [];
  for (let i = from; i < to; i++) {
    names.push(`name-${i}`);
    amounts.push(String(i * 1.1));
  }
  const built = [];
  for (let i = from; i < to; i++) {
    built.push({
      id: i,
      x: i * 1.5,
      name: names[i - from],
      ts: plain ? 1577836800000 + i * 1000 : new Date(1577836800000 + i * 1000),
      flag: (i & 1) === 0,
      big: plain ? i * 1000 : BigInt(i) * 1000n,
      amount: amounts[i - from],
    });
  }
  return built;
}

const { kept, ...figures } = await buildInSlices({ rows, batchRows: 4096, sliceMs, buildBatch });
console.log(JSON.stringify({ rows: kept.length, plain, sliceMs, ...figures }));
