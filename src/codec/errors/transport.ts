// Errors cross thread boundaries as plain data (structured clone keeps no classes) and are rebuilt
// as the same class on the other side.

import {
  AuthenticationError, ConfigError, ConnectionError, DecodeError, InterfaceError, ParameterError, PgloomError,
  ProtocolError, QueryAbortedError, QueryTimeoutError, WorkerCrashedError,
} from './client-errors.js';
import { PostgresError, type PostgresErrorFields } from './postgres-error.js';
import { postgresErrorFrom } from './index.js';
import { InvalidCachedStatementError } from './invalid-cached-statement.js';
import { MainEncodingNeeded } from '../types/introspected/pre-encoded.js';
import type { TypeDescription } from '../types/introspected/description.js';

export type SerializedError =
  | { kind: 'postgres'; fields: PostgresErrorFields; invalidCachedStatement?: true; rowIndex?: number }
  | { kind: 'client'; name: string; message: string; rowIndex?: number }
  | { kind: 'main-encoding'; paramOids: number[]; paramIndex: number; types: TypeDescription[] };

const clientErrorClasses: Record<string, new (message: string) => PgloomError> = {
  ProtocolError, DecodeError, ParameterError, ConfigError, ConnectionError, AuthenticationError, InterfaceError,
  QueryAbortedError, QueryTimeoutError, WorkerCrashedError,
};

export function serializeError(error: unknown): SerializedError {
  if (error instanceof PostgresError) {
    const serialized: SerializedError = { kind: 'postgres', fields: error.toFields() };
    if (error instanceof InvalidCachedStatementError) serialized.invalidCachedStatement = true;
    if (error.rowIndex !== undefined) serialized.rowIndex = error.rowIndex;
    return serialized;
  }
  if (error instanceof MainEncodingNeeded) return { kind: 'main-encoding', paramOids: [...error.paramOids], paramIndex: error.paramIndex, types: [...error.types] };
  if (error instanceof ParameterError && error.rowIndex !== undefined) return { kind: 'client', name: error.name, message: error.message, rowIndex: error.rowIndex };
  if (error instanceof Error) return { kind: 'client', name: error.name, message: error.message };
  return { kind: 'client', name: 'Error', message: String(error) };
}

export function deserializeError(serialized: SerializedError): Error {
  if (serialized.kind === 'postgres') {
    const error = serialized.invalidCachedStatement === true ? new InvalidCachedStatementError(serialized.fields) : postgresErrorFrom(serialized.fields);
    if (serialized.rowIndex !== undefined) error.rowIndex = serialized.rowIndex;
    return error;
  }
  if (serialized.kind === 'main-encoding') return new MainEncodingNeeded(serialized.paramOids, serialized.paramIndex, serialized.types);
  if (serialized.rowIndex !== undefined) {
    const error = new ParameterError(serialized.message);
    error.rowIndex = serialized.rowIndex;
    return error;
  }
  const ErrorClass = clientErrorClasses[serialized.name];
  if (ErrorClass !== undefined) return new ErrorClass(serialized.message);
  const error = new Error(serialized.message);
  error.name = serialized.name;
  return error;
}
