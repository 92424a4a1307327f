// Pool parameters of types with a custom encoder are encoded here, on the main thread, where the
// encoder lives; the worker binds the bytes. Which parameters of a statement need it is learnt
// from the worker (MainEncodingNeeded: the query is sent again, nothing having reached the server)
// and remembered per SQL text.

import { BufferWriter } from '../codec/buffer/writer.js';
import { inParameterRow, ParameterError } from '../codec/errors/client-errors.js';
import type { TypeCatalog } from '../codec/types/introspected/catalog.js';
import { MainEncodingNeeded, PreEncoded } from '../codec/types/introspected/pre-encoded.js';
import type { TypeDescription } from '../codec/types/introspected/description.js';

interface Needs {
  paramOids: readonly number[];
  indexes: Set<number>;
}

const MAX_REMEMBERED = 1000;

export class ParamEncoder {
  private readonly needs = new Map<string, Needs>();
  private seenGeneration = -1;

  constructor(readonly catalog: TypeCatalog) {}

  /** The parameter sets with every parameter known to need it encoded here. */
  apply(sql: string, paramSets: readonly (readonly unknown[])[]): unknown[][] {
    this.forgetIfCodecsChanged();
    const needs = this.needs.get(sql);
    if (needs === undefined) return paramSets as unknown[][];
    return paramSets.map((params, row) => {
      try {
        return params.map((value, i) => (needs.indexes.has(i) ? this.encode(value, needs.paramOids[i], i) : value));
      } catch (error) {
        // executemany: name the row, as the worker does for values it encodes.
        if (error instanceof ParameterError && paramSets.length > 1) throw inParameterRow(error, row);
        throw error;
      }
    });
  }

  /** Learn from a worker's MainEncodingNeeded; false when it teaches nothing new (do not retry). */
  learn(sql: string, error: unknown): boolean {
    if (!(error instanceof MainEncodingNeeded) || error.paramIndex < 0) return false;
    const taughtTypes = this.learnTypes(error.types);
    this.forgetIfCodecsChanged();
    let needs = this.needs.get(sql);
    if (needs === undefined || needs.paramOids.join() !== error.paramOids.join()) {
      if (this.needs.size >= MAX_REMEMBERED) this.needs.clear();
      needs = { paramOids: error.paramOids, indexes: new Set() };
      this.needs.set(sql, needs);
    }
    if (needs.indexes.has(error.paramIndex)) return taughtTypes;
    needs.indexes.add(error.paramIndex);
    return true;
  }

  /**
   * Take in the descriptions of a parameter's type that the worker sent: a domain or an array of
   * one may never have reached this thread (results name a domain by its base type). True when
   * any was new.
   */
  private learnTypes(types: readonly TypeDescription[]): boolean {
    // Known types are skipped: adding rebuilds codecs.
    const fresh = types.filter((type) => this.catalog.description(type.oid) === undefined);
    if (fresh.length === 0) return false;
    this.catalog.add(fresh);
    return true;
  }

  private forgetIfCodecsChanged(): void {
    // Codecs changed: what was learnt may no longer hold.
    if (this.catalog.generation !== this.seenGeneration) {
      this.seenGeneration = this.catalog.generation;
      this.needs.clear();
    }
  }

  private encode(value: unknown, oid: number, index: number): unknown {
    if (value === null || value === undefined || value instanceof PreEncoded) return value;
    const codec = this.catalog.codecFor(oid);
    if (codec === undefined) {
      throw new ParameterError(`parameter $${index + 1}: its type (oid ${oid}) has a custom encoder inside it, but the pool has no codec for it on this thread: call pool.reloadSchemaState() if the type was just created or altered, or use a Connection`);
    }
    const out = new BufferWriter(64);
    try {
      codec.encode(value, out);
    } catch (error) {
      if (error instanceof ParameterError) throw new ParameterError(`parameter $${index + 1} (${codec.name}): ${error.message}`, { cause: error });
      throw error;
    }
    return new PreEncoded(out.bytes.slice(0, out.length), codec.format === 'text' ? 0 : 1);
  }
}
