// Pool parameters of types with a custom encoder are encoded here, on the main thread, where the
// encoder lives; the worker binds the bytes. Which parameters of a statement need it is learnt
// from the worker (MainEncodingNeeded: the query is sent again, nothing having reached the server)
// and remembered per SQL text.

import { BufferWriter } from '../codec/buffer/writer.js';
import { ParameterError } from '../codec/errors/client-errors.js';
import type { TypeCatalog } from '../codec/types/introspected/catalog.js';
import { MainEncodingNeeded, PreEncoded } from '../codec/types/introspected/pre-encoded.js';

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
    // Codecs changed: what was learnt may no longer hold.
    if (this.catalog.generation !== this.seenGeneration) {
      this.seenGeneration = this.catalog.generation;
      this.needs.clear();
    }
    const needs = this.needs.get(sql);
    if (needs === undefined) return paramSets as unknown[][];
    return paramSets.map((params) => params.map((value, i) => (needs.indexes.has(i) ? this.encode(value, needs.paramOids[i], i) : value)));
  }

  /** Learn from a worker's MainEncodingNeeded; false when it teaches nothing new (do not retry). */
  learn(sql: string, error: unknown): boolean {
    if (!(error instanceof MainEncodingNeeded) || error.paramIndex < 0) return false;
    let needs = this.needs.get(sql);
    if (needs === undefined || needs.paramOids.join() !== error.paramOids.join()) {
      if (this.needs.size >= MAX_REMEMBERED) this.needs.clear();
      needs = { paramOids: error.paramOids, indexes: new Set() };
      this.needs.set(sql, needs);
    }
    if (needs.indexes.has(error.paramIndex)) return false;
    needs.indexes.add(error.paramIndex);
    return true;
  }

  private encode(value: unknown, oid: number, index: number): unknown {
    if (value === null || value === undefined || value instanceof PreEncoded) return value;
    const codec = this.catalog.codecFor(oid);
    if (codec === undefined) {
      throw new ParameterError(`parameter $${index + 1}: its type (oid ${oid}) has a custom encoder inside it, but this thread has not seen the type yet; fetch a value of it once, or use a Connection`);
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
