// Errors raised by pgloom itself (not by the server): every one names its cause and the fix.

/** Base class of every error pgloom throws; `instanceof PgloomError` catches them all. */
export class PgloomError extends Error {
  override name = 'PgloomError';
  /** The SQL of the call that raised it (password literals as '***'), when it came from a call. */
  declare query?: string;
}

/** The server sent bytes that break the protocol: the connection cannot be trusted any more. */
export class ProtocolError extends PgloomError {
  override name = 'ProtocolError';
}

/** A value received from the server could not be decoded (malformed or truncated binary data). */
export class DecodeError extends PgloomError {
  override name = 'DecodeError';
}

/**
 * A query's parameters do not fit its statement: wrong count, or a JS value that the parameter's
 * type cannot hold. Raised before anything is sent, so the connection is untouched.
 */
export class ParameterError extends PgloomError {
  override name = 'ParameterError';
  /** executemany: the 0-based index of the parameter row at fault (set when the batch has several rows). */
  declare rowIndex?: number;
}

/** `error`, naming the executemany row it was found in (message and `rowIndex`). */
export function inParameterRow(error: ParameterError, rowIndex: number): ParameterError {
  const named = new ParameterError(`executemany row ${rowIndex}: ${error.message}`, { cause: error.cause ?? error });
  named.rowIndex = rowIndex;
  return named;
}

/**
 * A record given to a COPY could not be encoded for its column: names the record's index (0-based,
 * counted across the whole input), the column and the value's JS type. Nothing of the COPY is kept.
 */
export class CopyDataError extends ParameterError {
  override name = 'CopyDataError';
  constructor(
    message: string,
    /** 0-based index of the offending record in the input; -1 when unknown. */
    readonly recordIndex = -1,
    /** The column whose value was refused ('' when the record itself is malformed). */
    readonly column = '',
    /** The refused value's JS type ('number', 'string', 'Date', …). */
    readonly valueType = '',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Connection options are invalid (a malformed DSN, an unknown sslmode, …). */
export class ConfigError extends PgloomError {
  override name = 'ConfigError';
}

/** Connecting failed, or an open connection was lost. */
export class ConnectionError extends PgloomError {
  override name = 'ConnectionError';
}

/** The client could not authenticate (missing password, unsupported method, a server proof that does not verify). */
export class AuthenticationError extends PgloomError {
  override name = 'AuthenticationError';
}

/** The API was used in a way it does not support (e.g. a query on a closed connection). */
export class InterfaceError extends PgloomError {
  override name = 'InterfaceError';
}

/** The caller gave up on a query (AbortSignal): it never ran, or a cancel was sent (the message says which); the connection stays usable. */
export class QueryAbortedError extends PgloomError {
  override name = 'QueryAbortedError';
}

/** A query ran past its `timeout`: it never ran, or a cancel was sent (the message says which); the connection stays usable. */
export class QueryTimeoutError extends QueryAbortedError {
  override name = 'QueryTimeoutError';
}

/** The worker thread running a query died; the pool replaced it. The query's outcome is unknown. */
export class WorkerCrashedError extends ConnectionError {
  override name = 'WorkerCrashedError';
}

/** No pool connection became free within acquireTimeout. Nothing was sent to the server. */
export class PoolTimeoutError extends PgloomError {
  override name = 'PoolTimeoutError';
}
