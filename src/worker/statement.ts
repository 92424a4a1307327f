// A server-side prepared statement as the engine knows it: its description and the codecs picked
// for it once, so that the per-row loop does no lookups.

import type { TypeCodec, TypeOptions } from '../codec/types/codec.js';
import { codecFor } from '../codec/types/registry.js';
import type { ColumnDescription } from '../codec/protocol/index.js';

export type { ColumnDescription };

export class StatementDescription {
  /** Result format per column: 1 (binary) where a codec exists, else 0 (text, decoded as a string). */
  readonly resultFormats: number[];
  readonly resultCodecs: (TypeCodec | undefined)[];
  readonly paramCodecs: (TypeCodec | undefined)[];
  readonly columnNames: string[];

  constructor(
    /** '' for the unnamed statement. */
    readonly name: string,
    readonly sql: string,
    readonly paramOids: readonly number[],
    readonly columns: readonly ColumnDescription[],
    options: TypeOptions,
  ) {
    this.resultCodecs = columns.map((c) => codecFor(c.typeOid, options));
    this.resultFormats = this.resultCodecs.map((codec) => (codec ? 1 : 0));
    this.paramCodecs = paramOids.map((oid) => codecFor(oid, options));
    this.columnNames = columns.map((c) => c.name);
  }
}
