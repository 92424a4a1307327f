// Parameters cross to a worker by structured clone, which throws on functions, symbols and a few
// host objects — and a throw there would fail every call sharing that message. So each parameter
// is checked here first, and a value that cannot travel is a ParameterError naming it.

import { inParameterRow, ParameterError } from '../../codec/errors/client-errors.js';
import { checkParams } from '../check-params.js';

/** Why `value` cannot be cloned to a worker, or undefined when it can. */
function unsendable(value: unknown, depth: number, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'function': return 'a function';
    case 'symbol': return 'a Symbol';
    case 'object': break;
    default: return undefined;
  }
  if (value === null || seen.has(value) || ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer) return undefined;
  if (value instanceof Promise) return 'a Promise (await it first)';
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) return `a ${value.constructor.name}`;
  // Deeper than any JSON document a parameter reasonably holds: let structured clone judge.
  if (depth > 64) return undefined;
  seen.add(value);
  const children = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Array.isArray(value) ? value : Object.values(value);
  for (const child of children) {
    const problem = unsendable(child, depth + 1, seen);
    if (problem !== undefined) return `${problem} inside it`;
  }
  return undefined;
}

/** Throws ParameterError for the first parameter that cannot reach a worker thread. */
export function checkSendable(params: readonly unknown[], row?: number): void {
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    // The common case (numbers, strings, null, Dates) costs one typeof.
    if (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol') continue;
    const problem = unsendable(value, 0, new Set());
    if (problem !== undefined) {
      const error = new ParameterError(`parameter $${i + 1} is ${problem}, which cannot be sent to a pool worker thread: pass plain data (numbers, strings, bigints, Dates, arrays, objects, Uint8Arrays)`);
      throw row === undefined ? error : inParameterRow(error, row);
    }
  }
}

/** Each parameter set of a call checked (checkParams, then checkSendable); with several, the error names the row. */
export function checkParamSets(paramSets: readonly (readonly unknown[])[]): void {
  paramSets.forEach((params, row) => {
    checkParams(params);
    checkSendable(params, paramSets.length > 1 ? row : undefined);
  });
}
