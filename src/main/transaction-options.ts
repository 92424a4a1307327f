// Options of transaction(), and the BEGIN statement they translate to.

import { InterfaceError } from '../codec/errors/client-errors.js';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable' | 'read uncommitted';

export interface TransactionOptions {
  isolation?: IsolationLevel;
  readOnly?: boolean;
  /** Only meaningful with serializable + readOnly, as in PostgreSQL. */
  deferrable?: boolean;
}

const isolationLevels = new Set<string>(['read committed', 'repeatable read', 'serializable', 'read uncommitted']);

export function beginStatement(options: TransactionOptions = {}): string {
  const parts = ['BEGIN'];
  if (options.isolation !== undefined) {
    const level = options.isolation.toLowerCase();
    if (!isolationLevels.has(level)) {
      throw new InterfaceError(`unknown isolation level '${options.isolation}': use one of ${[...isolationLevels].join(', ')}`);
    }
    parts.push(`ISOLATION LEVEL ${level.toUpperCase()}`);
  }
  if (options.readOnly !== undefined) parts.push(options.readOnly ? 'READ ONLY' : 'READ WRITE');
  if (options.deferrable !== undefined) parts.push(options.deferrable ? 'DEFERRABLE' : 'NOT DEFERRABLE');
  return parts.join(' ');
}
