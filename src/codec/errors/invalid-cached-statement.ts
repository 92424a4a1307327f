// The server's 0A000 "cached plan must not change result type", as pgloom reports it when it
// cannot retry: a table a cached statement reads changed inside the caller's transaction.

import type { PostgresError } from './postgres-error.js';
import { FeatureNotSupportedError } from './sqlstates.js';

/**
 * A cached prepared statement went stale inside a transaction (its result type changed: ALTER …
 * TYPE, or a table dropped and recreated). The statement was evicted and is prepared again on its
 * next use; the transaction is aborted and must be rolled back and run again. Outside a
 * transaction pgloom retries once by itself, so this error is not seen there.
 */
export class InvalidCachedStatementError extends FeatureNotSupportedError {
  override name = 'InvalidCachedStatementError';

  /** The server's error with the cause and the fix spelled out; every field the server sent is kept. */
  static from(serverError: PostgresError): InvalidCachedStatementError {
    const fields = serverError.toFields();
    return new InvalidCachedStatementError({
      ...fields,
      message: `${fields.message}: a table this cached statement reads was altered (ALTER … TYPE, or dropped and recreated) inside the current transaction`,
      hint: fields.hint ?? 'pgloom evicted the statement and prepares it again on its next use: roll back and run the transaction again',
    });
  }
}
