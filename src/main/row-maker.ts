// Builds row objects (or arrays) from decoded columns with a function generated once per result
// shape: an object literal with constant keys gets V8's fast properties, unlike keys assigned in
// a loop.

import type { ResultSchema } from './record-batch.js';

export type RowMaker = (columns: readonly ArrayLike<unknown>[], row: number) => unknown;

const makers = new WeakMap<ResultSchema, RowMaker>();

export function rowMaker(schema: ResultSchema): RowMaker {
  let make = makers.get(schema);
  if (make === undefined) {
    const cells = schema.columns.map((_, i) => `c[${i}][r]`);
    const body = schema.rowMode === 'array'
      ? `return [${cells.join(', ')}];`
      // JSON.stringify makes any column name a safe literal; "__proto__" as a plain key would set
      // the prototype, so it (only) is written as a computed key.
      : `return { ${schema.columns.map((c, i) => `${c.name === '__proto__' ? '["__proto__"]' : JSON.stringify(c.name)}: ${cells[i]}`).join(', ')} };`;
    make = new Function('c', 'r', body) as RowMaker;
    makers.set(schema, make);
  }
  return make;
}
