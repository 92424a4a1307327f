// toArrow(): an Apache Arrow Table over the batches' own buffers. Fixed-width columns and text and
// bytea columns are wrapped without a copy; bool is bit-packed (Arrow's layout); other types
// (numeric, uuid, interval, arrays…) are decoded and built as Arrow vectors.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as ArrowModule from 'apache-arrow';
import { cellReader, Layout, type ColumnData } from '../codec/batch/index.js';
import { InterfaceError } from '../codec/errors/client-errors.js';
import { describeValue } from '../codec/types/describe.js';
import * as oids from '../codec/types/oids.js';
import type { RecordBatch, ResultSchema } from './record-batch.js';

type Arrow = typeof ArrowModule;
type ArrowData = ArrowModule.Data;

/**
 * The apache-arrow module as toArrow(arrow) takes it (`import * as arrow from 'apache-arrow'`).
 * Structural, so that pgloom's types compile without apache-arrow, an optional dependency.
 */
export interface ArrowModuleLike {
  readonly Table: abstract new (...args: never[]) => object;
  readonly makeData: (...args: never[]) => unknown;
  readonly makeVector: (...args: never[]) => unknown;
  readonly vectorFromArray: (...args: never[]) => unknown;
}

/** The Table class of the module passed to toArrow(arrow): apache-arrow's own `Table`. */
export type ArrowTableOf<A extends ArrowModuleLike> = A['Table'] extends abstract new (...args: never[]) => infer T ? T : never;

/**
 * What pgloom's types know of the Table toArrow() returns without a module argument. It is an
 * apache-arrow `Table`: pass the module (`toArrow(arrow)`) or name the type (`toArrow<Table>()`)
 * to have its full type.
 */
export interface ArrowTable {
  readonly numRows: number;
  readonly numCols: number;
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  getChild(name: string): unknown;
  toArray(): unknown[];
}

let loaded: Arrow | undefined;

/**
 * apache-arrow is an optional peer dependency, loaded on first use. It is loaded as the ES module
 * a user's `import 'apache-arrow'` gets (require of an ES module, Node 20.19+ / 22.12+), never as
 * its CommonJS build: a Table of the other build's classes is not one to the user's tableToIPC.
 */
function loadArrow(): Arrow {
  if (loaded !== undefined) return loaded;
  // Node before 20.6 has no synchronous import.meta.resolve (and no require of an ES module).
  if (typeof import.meta.resolve !== 'function') {
    throw new InterfaceError(`toArrow(): Node.js ${process.version} cannot load apache-arrow's ES module synchronously: pass the module you import, as in \`import * as arrow from 'apache-arrow'; result.toArrow(arrow)\``);
  }
  let url: string;
  try {
    url = import.meta.resolve('apache-arrow');
  } catch (error) {
    throw new InterfaceError('toArrow() needs the optional dependency apache-arrow: npm install apache-arrow', { cause: error });
  }
  try {
    loaded = createRequire(import.meta.url)(fileURLToPath(url)) as Arrow;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') {
      throw new InterfaceError(
        `toArrow(): Node.js ${process.version} cannot load apache-arrow's ES module synchronously (Node 20.19+ and 22.12+ can): pass the module you import, as in \`import * as arrow from 'apache-arrow'; result.toArrow(arrow)\``,
        { cause: error },
      );
    }
    throw new InterfaceError(`toArrow(): apache-arrow failed to load (${(error as Error).message}): reinstall it, or pass the module you import: result.toArrow(arrow)`, { cause: error });
  }
  return loaded;
}

/** The module to build with: the caller's, checked, or the one `import 'apache-arrow'` gives. */
function arrowModule(given: ArrowModuleLike | undefined): Arrow {
  if (given === undefined) return loadArrow();
  const parts = given as unknown as Partial<Record<keyof ArrowModuleLike, unknown>> | null;
  if (typeof parts !== 'object' || parts === null || !(['Table', 'makeData', 'makeVector', 'vectorFromArray'] as const).every((name) => typeof parts[name] === 'function')) {
    throw new InterfaceError(`toArrow(arrow): expected the apache-arrow module (import * as arrow from 'apache-arrow'), got ${describeValue(given)}`);
  }
  return given as unknown as Arrow;
}

const TEXT_TYPES = new Set([oids.TEXT, oids.VARCHAR, oids.BPCHAR, oids.NAME, oids.CHAR, oids.UNKNOWN, oids.JSON, oids.XML]);

function packBits(bytes: Uint8Array, length: number): Uint8Array {
  const bits = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) if (bytes[i] !== 0) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

/** The Arrow type for JS values a codec produced (the columns Arrow has no buffer layout for). */
function typeOfValues(A: Arrow, values: readonly unknown[]): ArrowModule.DataType {
  const sample = values.find((v) => v !== null && v !== undefined);
  if (typeof sample === 'number') return new A.Float64();
  if (typeof sample === 'bigint') return new A.Int64();
  if (typeof sample === 'boolean') return new A.Bool();
  if (sample instanceof Date) return new A.TimestampMillisecond();
  if (sample instanceof Uint8Array) return new A.Binary();
  return new A.Utf8();
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function columnChunk(A: Arrow, column: ColumnData, length: number, typeOid: number, binary: boolean, read: () => (row: number) => unknown): ArrowData {
  const base = { length, nullCount: column.nullCount, nullBitmap: column.validity };
  switch (column.layout) {
    case Layout.Int16: return A.makeData({ ...base, type: new A.Int16(), data: column.values as Int16Array });
    case Layout.Int32: return A.makeData({ ...base, type: new A.Int32(), data: column.values as Int32Array });
    case Layout.Uint32: return A.makeData({ ...base, type: new A.Uint32(), data: column.values as Uint32Array });
    case Layout.Int64: return A.makeData({ ...base, type: new A.Int64(), data: column.values as BigInt64Array });
    case Layout.Float32: return A.makeData({ ...base, type: new A.Float32(), data: column.values as Float32Array });
    case Layout.Float64: return A.makeData({ ...base, type: new A.Float64(), data: column.values as Float64Array });
    case Layout.Bool: return A.makeData({ ...base, type: new A.Bool(), data: packBits(column.values as Uint8Array, length) });
    // ±infinity dates and timestamps keep their int32/int64 sentinels: Arrow has no infinity.
    case Layout.Date32: return A.makeData({ ...base, type: new A.DateDay(), data: column.values as Int32Array });
    case Layout.Timestamp64:
      return A.makeData({ ...base, type: new A.TimestampMicrosecond(typeOid === oids.TIMESTAMPTZ ? 'UTC' : null), data: column.values as BigInt64Array });
    case Layout.Time64: return A.makeData({ ...base, type: new A.TimeMicrosecond(), data: column.values as BigInt64Array });
    default:
      break;
  }
  if (typeOid === oids.TIMESTAMP || typeOid === oids.TIMESTAMPTZ) {
    throw new InterfaceError('toArrow(): this result has timestamps beyond year 294247, which µs since 1970 cannot hold in Arrow; read them from rows instead');
  }
  if (!binary || TEXT_TYPES.has(typeOid)) return A.makeData({ ...base, type: new A.Utf8(), valueOffsets: column.offsets!, data: column.data! });
  if (typeOid === oids.BYTEA) return A.makeData({ ...base, type: new A.Binary(), valueOffsets: column.offsets!, data: column.data! });
  const reader = read();
  const values = Array.from({ length }, (_, row) => reader(row));
  const type = typeOfValues(A, values);
  const prepared = type instanceof A.Utf8 ? values.map((v) => (v === null ? null : typeof v === 'string' ? v : jsonText(v))) : values;
  return A.vectorFromArray(prepared, type).data[0];
}

/** One Table of `batches` (all of one result), built with `arrow` or the module `import` gives. */
export function batchesToArrow(schema: ResultSchema, batches: readonly RecordBatch<unknown>[], arrow?: ArrowModuleLike): ArrowTable {
  const A = arrowModule(arrow);
  const formats = schema.formats;
  const columns: Record<string, ArrowModule.Vector> = {};
  schema.columns.forEach((column, index) => {
    const chunks = batches.map((batch) => {
      const data = batch.data.columns[index];
      return columnChunk(A, data, batch.numRows, column.typeOid, formats[index] === 1, () => cellReader(data, schema.codecs[index], schema.directInt64));
    });
    if (column.name in columns) throw new InterfaceError(`toArrow(): the result has two columns named ${JSON.stringify(column.name)}: alias one of them`);
    columns[column.name] = chunks.length === 0 ? A.vectorFromArray([], new A.Null()) : A.makeVector(chunks);
  });
  // Typed so that ArrowTable stays true to apache-arrow's Table.
  const table: ArrowTable = new A.Table(columns);
  return table;
}
