// Shared by the fuzz tests: the seed corpus (real server bytes, corpus/*.bin), mutations of it,
// the time budget of a run, and the two rules every target checks: an error is typed, and decoding
// allocates no more than a bound proportional to the bytes decoded.

import { readdirSync, readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DecodeError, ProtocolError } from '../../../src/codec/errors/client-errors.js';
import { MessageFramer } from '../../../src/codec/protocol/framer.js';
import { parseRowDescription, type ColumnDescription } from '../../../src/codec/protocol/index.js';
import type { TypeOptions } from '../../../src/codec/types/codec.js';

/** The type options change which decoder a value goes through: fuzz several. */
export const optionSets: TypeOptions[] = [
  {},
  { int8: 'number', numeric: 'number', date: 'Date', timestamp: 'bigint', time: 'bigint', interval: 'string', json: 'string', bytea: 'Buffer' },
  { int8: 'string', timestamp: 'string', hstore: 'Map' },
];

const corpusDir = fileURLToPath(new URL('./corpus/', import.meta.url));

/** Each corpus file: a stream of backend messages as the real server sent them. */
export const corpusStreams: Uint8Array[] = readdirSync(corpusDir).filter((f) => f.endsWith('.bin')).sort().map((f) => new Uint8Array(readFileSync(corpusDir + f)));

export interface SeedMessage {
  type: number;
  body: Uint8Array;
}

export const seedMessages: SeedMessage[] = corpusStreams.flatMap((stream) => {
  const messages: SeedMessage[] = [];
  new MessageFramer((type, bytes, start, end) => messages.push({ type, body: bytes.slice(start, end) })).push(stream);
  return messages;
});

/** A result from the corpus: its columns and the bodies of its DataRows. */
export interface SeedResult {
  columns: ColumnDescription[];
  rows: Uint8Array[];
}

export const seedResults: SeedResult[] = (() => {
  const results: SeedResult[] = [];
  let current: SeedResult | undefined;
  for (const message of seedMessages) {
    if (message.type === 0x54) results.push((current = { columns: parseRowDescription(message.body, 0, message.body.length), rows: [] }));
    else if (message.type === 0x44 && current !== undefined) current.rows.push(message.body);
  }
  return results.filter((r) => r.rows.length > 0);
})();

/** One field value per column type from the corpus: seeds for the type decoders. */
export const seedValues: Map<number, Uint8Array[]> = (() => {
  const values = new Map<number, Uint8Array[]>();
  for (const result of seedResults) {
    for (const row of result.rows) {
      const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
      let pos = 2;
      for (const column of result.columns) {
        const length = view.getInt32(pos);
        pos += 4;
        if (length < 0) continue;
        const list = values.get(column.typeOid) ?? [];
        if (list.length < 4) list.push(row.slice(pos, pos + length));
        values.set(column.typeOid, list);
        pos += length;
      }
    }
  }
  return values;
})();

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'int32'; at: number; value: number };

/** Length words are where a corrupt stream hurts: these values sit on every boundary. */
const interestingInt32 = fc.constantFrom(-0x80000000, -5, -2, -1, 0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 0x7fff, 0xffff, 0x3fffffff, 0x40000000, 0x7fffffff);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('int32' as const), at: fc.nat(), value: fc.oneof(interestingInt32, fc.integer()) }),
);

function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
  switch (m.kind) {
    case 'set': {
      if (bytes.length === 0) return bytes;
      const copy = bytes.slice();
      copy[at % bytes.length] = m.value;
      return copy;
    }
    case 'insert': return Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
    case 'delete': return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + m.count)]);
    case 'truncate': return bytes.slice(0, at);
    case 'int32': {
      if (bytes.length < 4) return bytes;
      const copy = bytes.slice();
      new DataView(copy.buffer).setInt32(at % (bytes.length - 3), m.value);
      return copy;
    }
  }
}

/** `seed` with up to `max` random mutations applied, or (sometimes) random bytes instead. */
export function mutated(seeds: readonly Uint8Array[], max = 4): fc.Arbitrary<Uint8Array> {
  const fromSeed = fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: max }))
    .map(([seed, mutations]) => mutations.reduce(applyMutation, seed));
  return fc.oneof({ arbitrary: fromSeed, weight: 4 }, { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 1 });
}

/** ms each fuzz target runs: short in `npm test`, PGLOOM_FUZZ_SECONDS each with `npm run fuzz`. */
export function budgetMs(ciMs: number): number {
  const seconds = Number(process.env.PGLOOM_FUZZ_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : ciMs;
}

/** The contract: a decoder returns, or throws a ProtocolError or a DecodeError (nothing else). */
export function expectTyped(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (error instanceof ProtocolError || error instanceof DecodeError) return;
    throw new Error(`untyped error from a decoder: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
}

/**
 * What one decode may allocate: 64 bytes per input byte (a JS value per 4-byte length word, a
 * string per byte…) plus a constant for values whose text is legitimately longer than their binary
 * form whatever the frame (a numeric of weight 32767 prints ~131K digits) and for a batch builder's
 * first buffers. A count taken from the bytes and trusted before it is checked against them
 * (2^20 elements in a 40-byte frame) goes far beyond it.
 */
export function allocationBound(frameBytes: number): number {
  return 8 * 1024 * 1024 + 64 * frameBytes;
}

/** JS heap and ArrayBuffer bytes in use now (a GC in between can only make a growth look smaller). */
function bytesInUse(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/**
 * `expectTyped(run)`, and the heap and ArrayBuffer memory it left in use (garbage included, as no
 * GC has to run) within allocationBound(frameBytes).
 */
export function expectTypedAndBounded(frameBytes: number, run: () => unknown): void {
  const before = bytesInUse();
  expectTyped(run);
  const grew = bytesInUse() - before;
  if (grew > allocationBound(frameBytes)) throw new Error(`decoding ${frameBytes} bytes allocated ${grew} bytes (bound ${allocationBound(frameBytes)}): a count from the bytes was trusted before it was checked against them`);
}

/** A single execution taking this long is reported as a hang. */
const SLOW_MS = 1000;

/**
 * Run `property` on values of `input` for the time budget; returns the executions done (reported by
 * the caller). A failure is shrunk and reported by fast-check with its seed.
 */
export function fuzz<T>(target: string, input: fc.Arbitrary<T>, property: (value: T) => void, ciMs = 600): number {
  let executions = 0;
  const started = Date.now();
  fc.assert(fc.property(input, (value) => {
    executions++;
    const before = Date.now();
    property(value);
    const took = Date.now() - before;
    if (took > SLOW_MS) throw new Error(`one execution took ${took} ms: a decoder that (nearly) hangs`);
  }), { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: budgetMs(ciMs), markInterruptAsFailure: false });
  console.log(`fuzz ${target}: ${executions} executions in ${Date.now() - started} ms`);
  return executions;
}
