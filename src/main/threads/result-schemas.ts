// How a pool result's columns are read on this thread: each shape of columns gets one decoding
// plan (codecs, names, row mode), built once and reused, since small queries repeat.

import type { TypeOptions } from '../../codec/types/codec.js';
import type { ColumnInfo, QuerySuccess } from '../../worker/pool/contract.js';
import type { Column } from '../columns.js';
import type { PoolTypes } from '../pool-types.js';
import { RecordBatch, type ResultSchema } from '../record-batch.js';
import { Result } from '../result.js';
import { SmallResult } from '../small-result.js';

export type RowMode = 'object' | 'array';

const MAX_SCHEMAS = 256;

export class ResultSchemas {
  private readonly schemas = new Map<string, ResultSchema>();
  private readonly byColumns = new WeakMap<readonly ColumnInfo[], { generation: number; object?: ResultSchema; array?: ResultSchema }>();

  constructor(private readonly typeState: PoolTypes, private readonly types: TypeOptions) {}

  resultOf<R>(reply: Pick<QuerySuccess, 'columns' | 'batches' | 'rows' | 'command' | 'rowCount'>, rowMode: RowMode): Result<R> {
    const schema = this.schemaOf(reply.columns, rowMode);
    const formats = reply.columns.map((c) => c.format);
    if (reply.rows !== undefined) return new Result<R>(reply.command, reply.rowCount, schema.columns, [], formats, schema, new SmallResult(reply.rows, schema, formats));
    const batches = reply.batches.map((batch) => new RecordBatch<R>(batch, schema));
    return new Result<R>(reply.command, reply.rowCount, schema.columns, batches, formats, schema);
  }

  /** The decoding plan for a result's columns, cached by their shape. */
  schemaOf(columns: readonly ColumnInfo[], rowMode: RowMode): ResultSchema {
    // Results of one shape share one columns array (see Shaped): most calls end here.
    const generation = this.typeState.catalog.generation;
    const known = this.byColumns.get(columns);
    const hit = known?.generation === generation ? known[rowMode] : undefined;
    if (hit !== undefined) return hit;
    const schema = this.lookup(columns, rowMode);
    const entry = known?.generation === generation ? known : { generation };
    entry[rowMode] = schema;
    this.byColumns.set(columns, entry);
    return schema;
  }

  private lookup(columns: readonly ColumnInfo[], rowMode: RowMode): ResultSchema {
    this.typeState.learnFrom(columns);
    // The catalog's generation changes whenever a column could decode differently.
    let key = `${this.typeState.catalog.generation}|${rowMode}`;
    for (const c of columns) key += `|${c.name}\u0000${c.typeOid}:${c.format}:${c.tableOid}:${c.columnAttr}:${c.typeModifier}`;
    let schema = this.schemas.get(key);
    if (schema === undefined) {
      if (this.schemas.size >= MAX_SCHEMAS) this.schemas.clear();
      schema = this.build(columns, rowMode);
      this.schemas.set(key, schema);
    }
    return schema;
  }

  private build(columns: readonly ColumnInfo[], rowMode: RowMode): ResultSchema {
    const codecs = this.typeState.codecsOf(columns);
    const described: Column[] = columns.map((c) => ({
      name: c.name,
      typeOid: c.typeOid,
      typeName: this.typeState.catalog.nameOf(c.typeOid),
      tableOid: c.tableOid,
      columnAttr: c.columnAttr,
      typeModifier: c.typeModifier,
    }));
    return { columns: described, codecs, directInt64: (this.types.int8 ?? 'bigint') === 'bigint', rowMode, formats: columns.map((c) => c.format) };
  }
}
