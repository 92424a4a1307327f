// Encodes a query's parameters straight into a Bind message, or writes nothing at all:
// a value that does not fit its parameter's type never leaves a half-written message behind.

import type { BufferWriter } from '../codec/buffer/writer.js';
import { beginBind, beginParam, endBind, endParam, writeNullParam } from '../codec/protocol/index.js';
import { ParameterError } from '../codec/errors/client-errors.js';
import { MainEncodingNeeded, PreEncoded } from '../codec/types/introspected/pre-encoded.js';
import type { StatementDescription } from './statement.js';

export function checkParameterCount(statement: StatementDescription, params: readonly unknown[]): void {
  const expected = statement.paramOids.length;
  if (params.length !== expected) {
    const takes = expected === 0 ? 'takes no parameters' : `takes ${expected} parameter(s) ($1…$${expected})`;
    throw new ParameterError(`the query ${takes} but ${params.length} were given: pass an array with exactly one value per placeholder`);
  }
}

/** Append Bind for the unnamed portal; on a bad value, roll `out` back and throw ParameterError. */
export function writeBind(out: BufferWriter, statement: StatementDescription, params: readonly unknown[], portal = ''): void {
  checkParameterCount(statement, params);
  const codecs = statement.paramCodecs;
  const mark = out.length;
  // Custom text codecs and types without a codec travel as text (0); the rest in binary (1).
  const formats = codecs.map((codec, i) => {
    const value = params[i];
    // A value the main thread encoded (a custom encoder) travels in the format it was encoded in.
    if (value instanceof PreEncoded) return value.format;
    return codec !== undefined && codec.format !== 'text' ? 1 : 0;
  });
  const slot = beginBind(out, portal, statement.name, formats, params.length);
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    if (value === null) {
      writeNullParam(out);
      continue;
    }
    if (value === undefined) {
      out.length = mark;
      throw new ParameterError(`parameter $${i + 1} is undefined: pass null for SQL NULL, or the value you meant`);
    }
    const codec = codecs[i];
    const param = beginParam(out);
    try {
      if (value instanceof PreEncoded) out.raw(value.bytes);
      else if (codec) codec.encode(value, out);
      else out.utf8(textParameter(value, i));
    } catch (error) {
      out.length = mark;
      if (error instanceof MainEncodingNeeded) throw new MainEncodingNeeded(statement.paramOids, i);
      if (error instanceof ParameterError) {
        throw new ParameterError(`parameter $${i + 1} (${codec?.name ?? `type oid ${statement.paramOids[i]}`}): ${error.message}`, { cause: error });
      }
      throw error;
    }
    endParam(out, param);
  }
  try {
    endBind(out, slot, statement.resultFormats);
  } catch (error) {
    out.length = mark;
    throw error;
  }
}

/** Types without a binary codec get their parameter in text form, as PostgreSQL's input function reads it. */
function textParameter(value: unknown, index: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw new ParameterError(`parameter $${index + 1} has a type with no binary codec: pass its text form as a string`);
}
