// A server-side prepared statement as the engine knows it: its description and the codecs picked
// for it once, so that the per-row loop does no lookups. Codecs are picked against the
// connection's type catalog; when the catalog changes (a type introspected, a custom codec set,
// reloadSchemaState) the statement is re-picked before its next execution.

import type { TypeCodec } from '../codec/types/codec.js';
import type { TypeCatalog } from '../codec/types/introspected/catalog.js';
import type { ColumnDescription } from '../codec/protocol/index.js';
import type { BatchHint } from '../codec/batch/index.js';
import { objectFromValues, type ObjectFromValues } from '../codec/rows/object-literal.js';
import type { CompiledRowDecoder } from './compiled-row-decoder.js';
import { mayBeCopyStatement } from './operations/refuse-copy.js';

export type { ColumnDescription };

export class StatementDescription {
  /** Result format per column: 1 (binary) where a binary codec exists, else 0 (text). */
  readonly resultFormats: number[];
  readonly resultCodecs: (TypeCodec | undefined)[];
  readonly paramCodecs: (TypeCodec | undefined)[];
  readonly columnNames: string[];
  /** Result columns' type names, when known (built-in or introspected). */
  readonly typeNames: (string | undefined)[];
  /** The catalog generation the codecs were picked at. */
  readonly generation: number;
  /** Types the catalog must introspect before this statement runs (usually none); fixed per generation. */
  readonly unknownTypes: readonly number[];
  /** Where the inline row decoder puts a row's fields before they become an object. */
  readonly scratchValues: unknown[];
  private objectMaker: ObjectFromValues | undefined;
  /** The statement may be a COPY: nothing is pipelined behind its execution (see refuse-copy.ts). */
  readonly mayBeCopy: boolean;
  /** The size of the last result's first batch, so the next one starts with room for it (pool workers). */
  batchHint: BatchHint | undefined;
  /** Bytes of bytea values the last inline result copied, so the next one copies them into one slab (ResultMemory). */
  valueBytesHint = 0;
  /** Rows the inline engine decoded with its generic loop, until it compiles decoders (row-decoder.ts). */
  genericRows = 0;
  /** The compiled DataRow decoders, per row shape, once made. */
  objectDecoder: CompiledRowDecoder | undefined;
  arrayDecoder: CompiledRowDecoder | undefined;

  constructor(
    /** '' for the unnamed statement. */
    readonly name: string,
    readonly sql: string,
    readonly paramOids: readonly number[],
    readonly columns: readonly ColumnDescription[],
    catalog: TypeCatalog,
  ) {
    this.generation = catalog.generation;
    this.resultFormats = columns.map((c) => catalog.resultFormat(c.typeOid));
    // A column requested as text is decoded by a codec only when that codec reads text.
    this.resultCodecs = columns.map((c, i) => {
      const codec = catalog.codecFor(c.typeOid);
      return this.resultFormats[i] === 1 || codec?.format === 'text' ? codec : undefined;
    });
    this.paramCodecs = paramOids.map((oid) => catalog.codecFor(oid));
    this.columnNames = columns.map((c) => c.name);
    this.typeNames = columns.map((c) => catalog.nameOf(c.typeOid));
    this.unknownTypes = catalog.missing(this.typeOids());
    this.scratchValues = new Array<unknown>(columns.length).fill(undefined);
    this.mayBeCopy = columns.length === 0 && mayBeCopyStatement(sql);
  }

  /** Builds a row object from the scratch values (generated on first use: many statements never make objects). */
  get objectFromValues(): ObjectFromValues {
    return (this.objectMaker ??= objectFromValues(this.columnNames));
  }

  /** This statement with codecs picked from the catalog as it is now (itself when nothing changed). */
  current(catalog: TypeCatalog): StatementDescription {
    if (catalog.generation === this.generation) return this;
    return new StatementDescription(this.name, this.sql, this.paramOids, this.columns, catalog);
  }

  /** Every type OID the statement exchanges (parameters, then result columns). */
  typeOids(): number[] {
    return [...this.paramOids, ...this.columns.map((c) => c.typeOid)];
  }
}
