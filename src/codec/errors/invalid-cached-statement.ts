// The server's 0A000 "cached plan must not change result type", as pgloom reports it when it
// cannot retry: a table a cached statement reads changed inside the caller's transaction.

import type { PostgresError } from './postgres-error.js';
import { FeatureNotSupportedError } from './sqlstates.js';

/**
 * A cached prepared statement went stale (its result type changed: ALTER … TYPE, or a table
 * dropped and recreated). The statement was evicted and is prepared again on its next use. Inside
 * a transaction, which the server has aborted, roll back and run it again; outside one pgloom
 * retries once by itself, so this is seen there only when other queries were pipelined behind the
 * statement (a retry would have run it after them).
 */
export class InvalidCachedStatementError extends FeatureNotSupportedError {
  override name = 'InvalidCachedStatementError';

  /** The server's error with the cause and the fix spelled out; every field the server sent is kept. */
  static from(serverError: PostgresError, inTransaction: boolean): InvalidCachedStatementError {
    const fields = serverError.toFields();
    const where = inTransaction ? 'inside the current transaction' : 'since it was prepared';
    const fix = inTransaction
      ? 'roll back and run the transaction again'
      : 'run the query again (it was not retried because other queries were pipelined behind it)';
    return new InvalidCachedStatementError({
      ...fields,
      message: `${fields.message}: a table this cached statement reads was altered (ALTER … TYPE, or dropped and recreated) ${where}`,
      hint: fields.hint ?? `pgloom evicted the statement and prepares it again on its next use: ${fix}`,
    });
  }
}
