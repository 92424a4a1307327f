// Builds row objects (or arrays) from decoded columns with a function generated once per result
// shape and way of reading its columns: an object literal with constant keys gets V8's fast
// properties, unlike keys assigned in a loop, and each cell is read without a call.

import type { CellAccess } from '../codec/batch/column-values.js';
import { propertyKey } from '../codec/rows/object-literal.js';
import type { ResultSchema } from './record-batch.js';

export type RowMaker = (columns: readonly ArrayLike<unknown>[], row: number) => unknown;

const makers = new WeakMap<ResultSchema, Map<string, RowMaker>>();

/** The expression of one cell; see CellAccess. */
function cell(i: number, access: CellAccess): string {
  switch (access) {
    case 'value': return `c[${i}][r]`;
    case 'bool': return `c[${i}][r] !== 0`;
    // µs since 1970 from its two words, exact below 2^52; floor to ms (not toward zero, as Date
    // would) like the codec. The quotient's rounding cannot cross an integer at these magnitudes.
    case 'date': return `new Date(Math.floor((c[${i}][2 * r + 1] * 4294967296 + (c[${i}][2 * r] >>> 0)) / 1000))`;
  }
}

/** The maker for `schema` whose columns are read as `access` says (every cell a value by default). */
export function rowMaker(schema: ResultSchema, access?: readonly CellAccess[]): RowMaker {
  let bySchema = makers.get(schema);
  if (bySchema === undefined) {
    bySchema = new Map();
    makers.set(schema, bySchema);
  }
  const key = access === undefined ? '' : access.join(',');
  let make = bySchema.get(key);
  if (make === undefined) {
    const cells = schema.columns.map((_, i) => cell(i, access?.[i] ?? 'value'));
    const body = schema.rowMode === 'array'
      ? `return [${cells.join(', ')}];`
      : `return { ${schema.columns.map((c, i) => `${propertyKey(c.name)}: ${cells[i]}`).join(', ')} };`;
    make = new Function('c', 'r', body) as RowMaker;
    bySchema.set(key, make);
  }
  return make;
}
