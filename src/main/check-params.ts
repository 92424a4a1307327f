// The one check every query method makes of its parameters before anything else.

import { InterfaceError } from '../codec/errors/client-errors.js';
import { checkParameterLimit } from '../codec/protocol/parameter-limit.js';

/** `params` itself, if it is an array (what $1…$n are taken from). */
export function checkParams<T>(params: T): T {
  if (!Array.isArray(params)) throw new InterfaceError('query parameters must be an array, e.g. fetch(sql, [a, b]) for $1 and $2');
  // Before a pool call is queued or cloned to a worker: the engine checks again for every caller.
  checkParameterLimit(params.length);
  return params;
}
