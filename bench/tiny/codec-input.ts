// Everything a codec pass reads, prepared once and outside the timing: the values, their DataRows,
// and the plans pgloom itself would pick for them (a statement's codecs for the row path; column
// layouts and cell codecs for the batch path; parameter codecs for Bind).

import { layoutFor, type BatchHint, type Layout } from '../../src/codec/batch/index.js';
import type { TypeCodec } from '../../src/codec/types/codec.js';
import type { TypeCatalog } from '../../src/codec/types/introspected/catalog.js';
import { StatementDescription } from '../../src/worker/statement.js';
import { dataRows, type ColumnSpec, type WireRows } from './wire-rows.js';

export interface CodecInput {
  name: string;
  columns: readonly ColumnSpec[];
  /** values[column][row]: the JS values, as a caller passes them as parameters. */
  values: unknown[][];
  /** The same values as the server sends them. */
  rows: WireRows;
  /** The row path's plan, with codecs picked as a connection picks them. */
  statement: StatementDescription;
  /** The batch path: each column's layout (worker side) and the codec its cells are read with (main thread). */
  layouts: Layout[];
  cellCodecs: (TypeCodec | undefined)[];
  /** The codec Bind encodes each column's parameters with. */
  paramCodecs: TypeCodec[];
  /** The size of a first execution's batch, which a repeated statement's next batches start at. */
  hint?: BatchHint;
}

export function codecInput(catalog: TypeCatalog, name: string, columns: readonly ColumnSpec[], count: number): CodecInput {
  const descriptions = columns.map((column) => ({ name: column.name, tableOid: 0, columnAttr: 0, typeOid: column.oid, typeSize: -1, typeModifier: -1 }));
  const statement = new StatementDescription('', `tiny ${name}`, [], descriptions, catalog);
  return {
    name,
    columns,
    values: columns.map((column) => Array.from({ length: count }, (_, i) => column.value(i))),
    rows: dataRows(catalog, columns, count),
    statement,
    layouts: columns.map((column, i) => layoutFor(column.oid, statement.resultFormats[i] === 1)),
    // As the pool's main thread picks them (PoolTypes.codecsOf): none for a column read as plain text.
    cellCodecs: columns.map((column, i) => (statement.resultFormats[i] === 1 ? catalog.binaryCodecFor(column.oid) : undefined)),
    paramCodecs: columns.map((column) => {
      const codec = catalog.codecFor(column.oid);
      if (codec === undefined) throw new TypeError(`${column.name} has no codec to encode parameters with`);
      return codec;
    }),
  };
}
