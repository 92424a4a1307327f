// Shared error helpers so every codec names what it received and what it accepts.

import { DecodeError, ParameterError } from '../errors/client-errors.js';

/** A short, safe description of a JS value for an error message: "string 'yes'", "object Map". */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `string '${shown}'`;
    }
    case 'number':
      return `number ${Object.is(value, -0) ? '-0' : String(value)}`;
    case 'bigint':
      return `bigint ${value}n`;
    case 'boolean':
      return `boolean ${value}`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      return `object ${(value as object).constructor?.name ?? 'without prototype'}`;
  }
}

/** ParameterError "expected <accepted>, got <what value is>". */
export function rejectValue(accepted: string, value: unknown): ParameterError {
  return new ParameterError(`expected ${accepted}, got ${describeValue(value)}`);
}

/** DecodeError for a fixed-width type whose field has the wrong size. */
export function badLength(type: string, expected: number, length: number): DecodeError {
  return new DecodeError(`${type}: expected ${expected} bytes in binary format, got ${length}`);
}
