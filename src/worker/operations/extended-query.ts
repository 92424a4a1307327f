// A query through the extended protocol with binary parameters and binary results:
// Parse + Describe + Sync when the statement is new, then (when the statement uses types the
// connection has not seen) one type introspection query, then Bind + Execute + Sync.

import { BackendMessage } from '../../codec/protocol/message-types.js';
import {
  MAX_PARAMETERS, parseCommandComplete, parseErrorFields, parseParameterDescription, parseRowDescription,
  placeholderPastLimit, placeholderPastLimitIn, writeDescribe, writeExecute, writeParse, writeSync,
} from '../../codec/protocol/index.js';
import { InvalidCachedStatementError, PostgresError, postgresErrorFrom } from '../../codec/errors/index.js';
import { inParameterRow, ParameterError, ProtocolError } from '../../codec/errors/client-errors.js';
import type { TypeDescription } from '../../codec/types/introspected/description.js';
import { MainEncodingNeeded } from '../../codec/types/introspected/pre-encoded.js';
import type { PgConnection } from '../connection.js';
import { writeBind } from '../bind.js';
import { writeIntrospection } from '../introspection.js';
import { readIntrospectionMessage } from './introspect.js';
import { decodeRowArray, decodeRowObject } from '../row-decoder.js';
import { ResultMemory } from '../result-memory.js';
import { StatementDescription, type ColumnDescription } from '../statement.js';
import { Operation, Progress } from './operation.js';
import { refuseCopy } from './refuse-copy.js';

export type RowMode = 'object' | 'array' | 'none';

/** Receives each DataRow undecoded (the pool's batch builder); used with rowMode 'none'. */
export interface RowSink {
  row(statement: StatementDescription, bytes: Uint8Array, view: DataView, start: number, end: number): void;
}

export interface QueryOutcome {
  /** The command tag, e.g. 'INSERT 0 1' or 'SELECT 3'. */
  command: string;
  /** Rows affected or returned, from the command tag; null for commands that report none. */
  rowCount: number | null;
  rows: unknown[];
  statement: StatementDescription;
  /** True when the portal stopped at maxRows and has more rows (cursors). */
  suspended: boolean;
}

export interface ExtendedQueryRequest {
  sql: string;
  /** One array of parameters per execution; several run back to back under one Sync (atomic). */
  paramSets: readonly (readonly unknown[])[];
  rowMode: RowMode;
  /** A statement already described (from prepare()); skips the cache and the Describe round trip. */
  statement?: StatementDescription;
  /** Describe only: resolve with the statement, execute nothing. Its name ('' = unnamed). */
  prepareAs?: string;
  /** Bind to this named portal (cursors) rather than the unnamed one. */
  portal?: string;
  /** Stop after this many rows (PortalSuspended); 0 = all. */
  maxRows?: number;
  sink?: RowSink;
}

const enum Phase { Describe, Introspect, Execute }

// asyncpg's rule: these errors mean a cached statement went stale (schema changed, DISCARD ALL).
function isStaleStatementError(error: Error): boolean {
  return (error instanceof PostgresError && error.code === '26000') || isChangedResultType(error);
}

function isChangedResultType(error: Error): error is PostgresError {
  return error instanceof PostgresError && error.code === '0A000' && /cached plan must not change result type/.test(error.message);
}

/** The server's Parse error, explained when the text numbers a placeholder past the limit (the likely cause). */
function explainedDescribeError(error: Error, sql: string): Error {
  const placeholder = error instanceof PostgresError ? placeholderPastLimitIn(sql) : undefined;
  if (placeholder === undefined) return error;
  const explained = placeholderPastLimit(placeholder);
  explained.cause = error;
  return explained;
}

export class ExtendedQuery extends Operation {
  private phase = Phase.Describe;
  private statement: StatementDescription | undefined;
  private paramOids: number[] = [];
  private columns: ColumnDescription[] = [];
  private rows: unknown[] = [];
  /** Where this result's bytea values are copied (see ResultMemory). */
  private readonly memory = new ResultMemory();
  private command = '';
  private rowCount: number | null = null;
  /** Executions completed so far: the index of the parameter row a server error belongs to. */
  private executed = 0;
  private suspended = false;
  private fromCache = false;
  private retried = false;
  /** Given up by its caller (see stopBeforeExecuting). */
  private abandoned: Error | undefined;
  /** Type OIDs being introspected, and the descriptions received so far. */
  private introspecting: number[] = [];
  private found: TypeDescription[] = [];
  /** The introspection replaced our unnamed statement on the server: Parse it again before Bind. */
  private reparse = false;
  private connection: PgConnection | undefined;

  constructor(
    private readonly request: ExtendedQueryRequest,
    private readonly resolve: (outcome: QueryOutcome) => void,
    private readonly reject: (error: Error) => void,
  ) {
    super();
    this.statement = request.statement;
  }

  start(connection: PgConnection): boolean {
    this.connection = connection;
    if (!this.statement && this.request.prepareAs === undefined) {
      const cached = connection.statements.enabled ? connection.statements.get(this.request.sql, (expired) => connection.forgetStatement(expired.name)) : undefined;
      if (cached) {
        this.statement = cached;
        this.fromCache = true;
      }
    }
    if (this.statement) {
      const current = this.statement.current(connection.types);
      // Keep the cache on the re-picked statement, so the next use need not pick again.
      if (this.fromCache && current !== this.statement) connection.statements.set(this.request.sql, current);
      this.statement = current;
      if (this.introspectIfNeeded(connection)) return true;
      this.phase = Phase.Execute;
      this.writeExecution(connection);
      return this.statement.mayBeCopy;
    }
    this.writeDescribe(connection);
    return true;
  }

  private writeDescribe(connection: PgConnection): void {
    const name = this.request.prepareAs ?? (connection.statements.accepts(this.request.sql) ? connection.statements.nextName() : '');
    this.pendingName = name;
    writeParse(connection.out, name, this.request.sql, []);
    writeDescribe(connection.out, 'S', name);
    writeSync(connection.out);
  }

  private pendingName = '';

  /** Write the introspection of the statement's unknown types, if any; true when written. */
  private introspectIfNeeded(connection: PgConnection): boolean {
    const missing = this.statement!.unknownTypes;
    if (missing.length === 0) return false;
    this.phase = Phase.Introspect;
    this.introspecting = [...missing];
    this.found = [];
    writeIntrospection(connection.out, missing, connection.serverVersion);
    if (this.statement!.name === '') this.reparse = true;
    return true;
  }

  private onIntrospectionMessage(type: number, bytes: Uint8Array, view: DataView, start: number, end: number): void {
    readIntrospectionMessage(type, bytes, view, start, end, this.found, (error) => this.noteError(error));
  }

  /** Bind + Execute for every parameter set, then Sync. False if a parameter was rejected (nothing written). */
  private writeExecution(connection: PgConnection): boolean {
    const out = connection.out;
    const mark = out.length;
    const statement = this.statement!;
    if (this.reparse) {
      this.reparse = false;
      writeParse(out, '', statement.sql, statement.paramOids);
    }
    const paramSets = this.request.paramSets;
    let row = 0;
    try {
      for (; row < paramSets.length; row++) {
        writeBind(out, statement, paramSets[row], this.request.portal ?? '');
        writeExecute(out, this.request.portal ?? '', this.request.maxRows ?? 0);
      }
    } catch (error) {
      out.length = mark;
      this.noteError(this.explainedBindError(error as Error, row, connection));
      // Nothing reaches the server; a bare Sync keeps the one-ReadyForQuery-per-phase rhythm.
      writeSync(out);
      return false;
    }
    writeSync(out);
    return true;
  }

  /** A Bind that could not be written, with what the caller needs to act on it. */
  private explainedBindError(error: Error, row: number, connection: PgConnection): Error {
    // executemany: say which row, or a bad value in row 737 of 1,000 is a needle in a haystack.
    if (error instanceof ParameterError) return this.request.paramSets.length > 1 ? inParameterRow(error, row) : error;
    // The pool's main thread encodes this parameter: send it the type's description, which it may
    // never have seen (a domain, an array).
    if (error instanceof MainEncodingNeeded && error.paramIndex >= 0) {
      return new MainEncodingNeeded(error.paramOids, error.paramIndex, connection.types.closure([error.paramOids[error.paramIndex]]));
    }
    return error;
  }

  onMessage(type: number, bytes: Uint8Array, view: DataView, start: number, end: number): void {
    if (this.phase === Phase.Introspect) return this.onIntrospectionMessage(type, bytes, view, start, end);
    switch (type) {
      case BackendMessage.DataRow:
        if (this.error) return;
        if (this.request.rowMode !== 'object' && this.request.rowMode !== 'array') return this.request.sink?.row(this.statement!, bytes, view, start, end);
        if (this.rows.length === 0) this.memory.expect(this.statement!.valueBytesHint);
        this.rows.push(this.request.rowMode === 'object'
          ? decodeRowObject(this.statement!, this.memory, bytes, view, start, end)
          : decodeRowArray(this.statement!, this.memory, bytes, view, start, end));
        return;
      case BackendMessage.CommandComplete: {
        const complete = parseCommandComplete(bytes, start, end);
        this.command = complete.tag;
        // executemany: report the total across executions.
        this.rowCount = complete.rowCount === null ? null : (this.rowCount ?? 0) + complete.rowCount;
        this.executed++;
        return;
      }
      case BackendMessage.ParameterDescription:
        this.paramOids = parseParameterDescription(bytes, start, end);
        return;
      case BackendMessage.RowDescription:
        this.columns = parseRowDescription(bytes, start, end);
        return;
      case BackendMessage.ErrorResponse: {
        const error = postgresErrorFrom(parseErrorFields(bytes, start, end));
        if (this.phase === Phase.Execute && this.request.paramSets.length > 1) error.rowIndex = this.executed;
        this.noteError(error);
        return;
      }
      case BackendMessage.EmptyQueryResponse:
        this.executed++;
        return;
      case BackendMessage.ParseComplete:
      case BackendMessage.BindComplete:
      case BackendMessage.CloseComplete:
      case BackendMessage.NoData:
        return;
      case BackendMessage.PortalSuspended:
        this.suspended = true;
        return;
      default:
        if (this.connection !== undefined && refuseCopy(type, this.connection, this, true)) return;
        throw new ProtocolError(`unexpected message '${String.fromCharCode(type)}' during an extended query`);
    }
  }

  onReady(connection: PgConnection): Progress {
    if (this.phase === Phase.Describe) return this.afterDescribe(connection);
    if (this.phase === Phase.Introspect) return this.afterIntrospect(connection);
    if (this.error) {
      if (this.fromCache && isStaleStatementError(this.error)) return this.retryStale(connection);
      this.reject(this.error);
      return Progress.Done;
    }
    const copied = this.memory.finish();
    if (this.rows.length > 0) this.statement!.valueBytesHint = copied;
    this.resolve({ command: this.command, rowCount: this.rowCount, rows: this.rows, statement: this.statement!, suspended: this.suspended });
    return Progress.Done;
  }

  private afterDescribe(connection: PgConnection): Progress {
    if (this.error) {
      this.reject(explainedDescribeError(this.error, this.request.sql));
      return Progress.Done;
    }
    if (this.paramOids.length > MAX_PARAMETERS) {
      // Prepared on the server, but no Bind could ever carry its parameters: close it, cache nothing.
      connection.forgetStatement(this.pendingName);
      this.reject(placeholderPastLimit(this.paramOids.length));
      return Progress.Done;
    }
    const statement = new StatementDescription(this.pendingName, this.request.sql, this.paramOids, this.columns, connection.types);
    this.statement = statement;
    if (this.request.prepareAs === undefined && statement.name) {
      for (const evicted of connection.statements.set(this.request.sql, statement)) connection.forgetStatement(evicted.name);
    }
    if (this.introspectIfNeeded(connection)) return Progress.ContinuesExclusive;
    return this.proceed(connection);
  }

  private afterIntrospect(connection: PgConnection): Progress {
    if (this.error) {
      this.reject(this.error);
      return Progress.Done;
    }
    connection.types.add(this.found, this.introspecting);
    this.found = [];
    const current = this.statement!.current(connection.types);
    if (current.name && this.request.prepareAs === undefined && this.request.statement === undefined && connection.statements.enabled) {
      for (const evicted of connection.statements.set(this.request.sql, current)) connection.forgetStatement(evicted.name);
    }
    this.statement = current;
    return this.proceed(connection);
  }

  /** The statement and its types are known: resolve a prepare, or write the execution. */
  private proceed(connection: PgConnection): Progress {
    const statement = this.statement!;
    if (this.abandoned !== undefined) {
      this.reject(this.abandoned);
      return Progress.Done;
    }
    if (this.request.prepareAs !== undefined) {
      this.resolve({ command: '', rowCount: null, rows: [], statement, suspended: false });
      return Progress.Done;
    }
    this.phase = Phase.Execute;
    connection.writePendingCloses(this);
    this.writeExecution(connection);
    return statement.mayBeCopy ? Progress.ContinuesExclusive : Progress.Continues;
  }

  /** A cached statement went stale: forget it and, if nothing was queued behind us, prepare again. */
  private retryStale(connection: PgConnection): Progress {
    const stale = connection.statements.delete(this.request.sql);
    if (stale) connection.forgetStatement(stale.name);
    if (this.retried || this.abandoned !== undefined || connection.transactionStatus !== 'idle' || !connection.isLastActive(this)) {
      // Inside a transaction the server has aborted it: a retry cannot help, the caller must roll back.
      const inTransaction = connection.transactionStatus !== 'idle';
      this.reject(isChangedResultType(this.error!) ? InvalidCachedStatementError.from(this.error, inTransaction) : this.error!);
      return Progress.Done;
    }
    this.retried = true;
    this.error = undefined;
    this.fromCache = false;
    this.reparse = false;
    this.statement = undefined;
    this.rows = [];
    this.rowCount = null;
    this.executed = 0;
    this.phase = Phase.Describe;
    connection.writePendingCloses(this);
    this.writeDescribe(connection);
    return Progress.ContinuesExclusive;
  }

  override stopBeforeExecuting(error: Error): void {
    this.abandoned = error;
  }

  fail(error: Error): void {
    this.reject(error);
  }
}
