// transaction(): BEGIN … COMMIT around a callback, ROLLBACK when it throws, savepoints when nested.
// Shared by Connection (inline) and PooledConnection (pinned in a worker).

import { InterfaceError } from '../codec/errors/client-errors.js';
import { beginStatement, type TransactionOptions } from './transaction-options.js';

export interface TransactionHost {
  /** Run SQL with the simple protocol; resolves with the command tag. */
  simple(sql: string): Promise<string>;
  /** False once the connection is lost (a ROLLBACK could not be sent). */
  usable(): boolean;
  /** Nesting depth, kept by the host between calls. */
  transactionDepth: number;
}

/** `begun`: the outermost BEGIN was already sent with the connection's opening (pool.transaction). */
export async function runInTransaction<T>(host: TransactionHost, fn: () => Promise<T>, options?: TransactionOptions, begun = false): Promise<T> {
  const depth = host.transactionDepth;
  const savepoint = `pgloom_savepoint_${depth}`;
  if (depth === 0) {
    if (!begun) await host.simple(beginStatement(options));
  }
  else {
    if (options && Object.keys(options).length > 0) throw new InterfaceError('a nested transaction (savepoint) cannot set isolation, readOnly or deferrable: set them on the outermost transaction');
    await host.simple(`SAVEPOINT ${savepoint}`);
  }
  host.transactionDepth = depth + 1;
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    host.transactionDepth = depth;
    if (host.usable()) await host.simple(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
    throw error;
  }
  host.transactionDepth = depth;
  if (depth > 0) {
    await host.simple(`RELEASE SAVEPOINT ${savepoint}`);
    return result;
  }
  const tag = await host.simple('COMMIT');
  // COMMIT of a transaction in which a statement failed (and the error was swallowed) rolls back.
  if (tag === 'ROLLBACK') throw new InterfaceError('the transaction was rolled back, not committed, because a statement in it failed: let the error propagate out of the transaction callback, or use a nested transaction to recover');
  return result;
}
