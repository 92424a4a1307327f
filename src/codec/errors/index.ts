// Every error class pgloom raises, and the factory that picks the class for a server error.

import { PostgresError, type PostgresErrorFields } from './postgres-error.js';
import { errorClassBySqlstate } from './sqlstates.js';

export * from './client-errors.js';
export * from './postgres-error.js';
export * from './sqlstates.js';
export * from './invalid-cached-statement.js';

/** Build the most specific PostgresError subclass for these fields: exact SQLSTATE, else its class. */
export function postgresErrorFrom(fields: PostgresErrorFields): PostgresError {
  const ErrorClass = errorClassBySqlstate.get(fields.code) ?? errorClassBySqlstate.get(`${fields.code.slice(0, 2)}000`) ?? PostgresError;
  return new ErrorClass(fields);
}
