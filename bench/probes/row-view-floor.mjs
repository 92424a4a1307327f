// What a lazy row view would leave of pool.fetch's event-loop p99 (PROFILES §17): the 1M rows of
// row-gc-floor.mjs, but each row kept as a small object that reads its batch's columns on access
// (a class with getters: the batch and an index), or as a Proxy over the same, instead of an
// object holding its seven decoded values. Batches hold their columns as pool.fetch's do: typed
// arrays for numbers and times, text as bytes and offsets. Same slices (RowCollector's 1 ms, then
// yield), 4,096 rows a batch.
//
// node bench/probes/row-view-floor.mjs [rows] [--proxy] [--slice-ms=N]

import { buildInSlices, sliceMsArgument } from './sliced-build.mjs';

const rows = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const proxy = process.argv.includes('--proxy');
const sliceMs = sliceMsArgument();

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Batch {
  constructor(from, to) {
    const n = to - from;
    this.id = new Int32Array(n);
    this.x = new Float64Array(n);
    this.ts = new Float64Array(n);
    this.big = new BigInt64Array(n);
    // Text as the worker sends it: bytes and offsets, decoded only when a row's value is read.
    this.nameBytes = encoder.encode(Array.from({ length: n }, (_, i) => `name-${from + i}`).join(''));
    this.nameEnds = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = from + i;
      this.id[i] = v;
      this.x[i] = v * 1.5;
      this.ts[i] = 1577836800000 + v * 1000;
      this.big[i] = BigInt(v) * 1000n;
      this.nameEnds[i] = (i === 0 ? 0 : this.nameEnds[i - 1]) + `name-${v}`.length;
    }
  }
}

class RowView {
  constructor(batch, index) {
    this.batch = batch;
    this.index = index;
  }
  get id() { return this.batch.id[this.index]; }
  get x() { return this.batch.x[this.index]; }
  get name() {
    const { nameBytes, nameEnds } = this.batch;
    return decoder.decode(nameBytes.subarray(this.index === 0 ? 0 : nameEnds[this.index - 1], nameEnds[this.index]));
  }
  get ts() { return new Date(this.batch.ts[this.index]); }
  get flag() { return (this.batch.id[this.index] & 1) === 0; }
  get big() { return this.batch.big[this.index]; }
  get amount() { return (this.batch.x[this.index] / 1.5 * 1.1).toFixed(2); }
}

const keys = ['id', 'x', 'name', 'ts', 'flag', 'big', 'amount'];
const handler = {
  get: (view, key) => (keys.includes(key) ? view[key] : undefined),
  has: (_view, key) => keys.includes(key),
  ownKeys: () => keys,
  getOwnPropertyDescriptor: (view, key) => (keys.includes(key) ? { value: view[key], enumerable: true, configurable: true, writable: true } : undefined),
};

function buildBatch(from, to) {
  const batch = new Batch(from, to);
  const built = [];
  for (let i = 0; i < to - from; i++) {
    const view = new RowView(batch, i);
    built.push(proxy ? new Proxy(view, handler) : view);
  }
  return built;
}

const { kept, ...figures } = await buildInSlices({ rows, batchRows: 4096, sliceMs, buildBatch });
const last = kept[kept.length - 1];
// The last row read back whole, through the view's getters (or the Proxy's traps, by spreading it).
const lastRow = proxy ? { ...last } : Object.fromEntries(keys.map((key) => [key, last[key]]));
console.log(JSON.stringify({ rows: kept.length, proxy, sliceMs, ...figures, lastRow }, (_key, value) => (typeof value === 'bigint' ? String(value) : value)));
