// The public single-connection API (asyncpg's shape): execute, fetch, fetchrow, fetchval,
// executemany, prepare, transaction, cursor, close.

import { inspect } from 'node:util';
import { InterfaceError } from '../codec/errors/client-errors.js';
import type { PostgresErrorFields } from '../codec/errors/postgres-error.js';
import type { PgConnection, TransactionStatus } from '../worker/connection.js';
import type { RowMode } from '../worker/operations/extended-query.js';
import { closeOnServer, fetchFromPortal, runQuery, runSimpleQuery } from '../worker/requests.js';
import type { StatementDescription } from '../worker/statement.js';
import { cancelRunningQuery } from '../worker/cancel.js';
import { checkParams } from './check-params.js';
import { PreparedStatement } from './prepared-statement.js';
import type { TransactionOptions } from './transaction-options.js';
import { runInTransaction, type TransactionHost } from './transaction-runner.js';
import { columnsOf, type Column } from './columns.js';
import type { TypeCodecSpec } from '../codec/types/introspected/custom.js';
import { lookupType } from '../worker/type-lookup.js';
import * as copy from './copy/copy-methods.js';
import { inlineCopyTarget } from './copy/inline-target.js';
import type { CopyColumnsOptions, CopyFromQueryOptions, CopyFromTableOptions, CopyRecordsOptions, CopyToTableOptions } from './copy/copy-options.js';

/** Which built-in codec a type should be exchanged with (setBuiltinTypeCodec). */
export interface BuiltinCodecOptions {
  /** The type's schema; default: as the search_path finds it. */
  schema?: string;
  /** A built-in type whose binary codec fits the type's wire format: 'text', 'int4', 'bytea', 'hstore', … */
  codecName: string;
}

/** A row as `fetch` returns it by default: column name → value. */
export type Row = Record<string, unknown>;

export interface QueryOptions {
  /** 'object' (default): rows keyed by column name; 'array': values in column order. */
  rowMode?: 'object' | 'array';
}

export interface CursorOptions extends QueryOptions {
  /** Rows fetched per round trip (default 50, as asyncpg). */
  prefetch?: number;
}

export interface QueryResult<R = Row> {
  command: string;
  rowCount: number | null;
  rows: R[];
  columns: Column[];
}

export class Connection {
  private cursorCounter = 0;
  private statementCounter = 0;

  /** @internal Use connect(). */
  constructor(
    private readonly engine: PgConnection,
    private readonly defaultRowMode: 'object' | 'array',
  ) {}

  /** Server settings reported at startup and after SET (server_version, TimeZone, …). */
  get parameters(): ReadonlyMap<string, string> {
    return this.engine.parameters;
  }

  get serverVersion(): string | undefined {
    return this.engine.serverVersion;
  }

  /** The backend's process id (pg_backend_pid()). */
  get processId(): number {
    return this.engine.processId;
  }

  get transactionStatus(): TransactionStatus {
    return this.engine.transactionStatus;
  }

  get closed(): boolean {
    return this.engine.broken !== undefined || this.isClosed;
  }

  private isClosed = false;

  /**
   * Run a command and return its status tag (e.g. 'INSERT 0 1'). Without parameters the simple
   * protocol is used, so `sql` may hold several statements; the tag is the last one's.
   */
  async execute(sql: string, params?: readonly unknown[]): Promise<string> {
    if (params === undefined || params.length === 0) return runSimpleQuery(this.engine, sql);
    return (await this.run(sql, params, 'none')).command;
  }

  /** Run a query and return all its rows and the columns' description. */
  async query<R = Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult<R>> {
    const outcome = await this.run(sql, params, options?.rowMode ?? this.defaultRowMode);
    return { command: outcome.command, rowCount: outcome.rowCount, rows: outcome.rows as R[], columns: columnsOf(outcome.statement) };
  }

  async fetch<R = Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<R[]> {
    return (await this.run(sql, params, options?.rowMode ?? this.defaultRowMode)).rows as R[];
  }

  /** The first row, or null when there is none. */
  async fetchrow<R = Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<R | null> {
    const rows = (await this.run(sql, params, options?.rowMode ?? this.defaultRowMode)).rows;
    return (rows[0] as R | undefined) ?? null;
  }

  /** One value of the first row: column by index (default 0) or name; null when there is no row. */
  async fetchval<V = unknown>(sql: string, params: readonly unknown[] = [], column: number | string = 0): Promise<V | null> {
    const outcome = await this.run(sql, params, 'array');
    const index = typeof column === 'number' ? column : outcome.statement.columnNames.indexOf(column);
    if (index < 0 || index >= outcome.statement.columnNames.length) {
      throw new InterfaceError(`fetchval: the result has no column ${JSON.stringify(column)}; its columns are ${JSON.stringify(outcome.statement.columnNames)}`);
    }
    const row = outcome.rows[0] as unknown[] | undefined;
    return row === undefined ? null : (row[index] as V);
  }

  /**
   * Run one statement once per parameter array, pipelined in one round trip and atomic: all
   * executions commit together, or (on any error) none does.
   */
  async executemany(sql: string, paramRows: readonly (readonly unknown[])[]): Promise<void> {
    if (paramRows.length === 0) return;
    await runQuery(this.engine, { sql, paramSets: paramRows, rowMode: 'none' });
  }

  /** Prepare a statement once; run it many times without re-parsing. */
  async prepare(sql: string): Promise<PreparedStatement> {
    const name = `pgloom_p${++this.statementCounter}`;
    const outcome = await runQuery(this.engine, { sql, paramSets: [], rowMode: 'none', prepareAs: name });
    return new PreparedStatement(outcome.statement, (statement, params, rowMode) => this.runStatement(statement, params, rowMode), () => closeOnServer(this.engine, 'S', name), this.defaultRowMode);
  }

  /**
   * Run `fn` in a transaction: COMMIT when it returns, ROLLBACK when it throws (and rethrow).
   * Nested calls use savepoints.
   */
  async transaction<T>(fn: (connection: this) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return runInTransaction(this.transactionHost, () => fn(this), options);
  }

  private readonly transactionHost: TransactionHost = {
    simple: (sql) => runSimpleQuery(this.engine, sql),
    usable: () => this.engine.broken === undefined,
    transactionDepth: 0,
  };

  /** Iterate a query's rows a few at a time through a server-side cursor; needs a transaction. */
  cursor<R = Row>(sql: string, params: readonly unknown[] = [], options?: CursorOptions): AsyncIterable<R> {
    const prefetch = options?.prefetch ?? 50;
    if (!Number.isInteger(prefetch) || prefetch <= 0) throw new InterfaceError(`cursor prefetch must be a positive integer, got ${prefetch}`);
    const rowMode: RowMode = options?.rowMode ?? this.defaultRowMode;
    const engine = this.engine;
    const portal = `pgloom_cursor_${++this.cursorCounter}`;
    const connection = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (connection.transactionStatus !== 'transaction') {
          throw new InterfaceError('a cursor needs a transaction: iterate it inside connection.transaction(…)');
        }
        let outcome = await runQuery(engine, { sql, paramSets: [params], rowMode, portal, maxRows: prefetch });
        const statement = outcome.statement;
        let finished = false;
        try {
          while (true) {
            for (const row of outcome.rows) yield row as R;
            if (!outcome.suspended) break;
            outcome = await fetchFromPortal(engine, portal, statement, prefetch, rowMode);
          }
          finished = true;
        } finally {
          // Leaving early (break, throw) must free the portal; a finished portal is already closed.
          if (!finished && !engine.broken && engine.transactionStatus === 'transaction') await closeOnServer(engine, 'P', portal);
        }
      },
    };
  }

  /**
   * Ask the server to cancel the statement running now on this connection: it then rejects with
   * QueryCanceledError (57014) and the connection stays usable. Like PQcancel, this is a request:
   * a statement that finishes before it arrives is not affected, and nothing is cancelled when the
   * connection is idle.
   */
  async cancel(): Promise<void> {
    const sent = this.closed ? undefined : cancelRunningQuery(this.engine);
    if (sent === undefined) throw new InterfaceError('cancel(): the connection is closed');
    await sent;
  }

  /**
   * Forget every type introspected so far (composites, enums, domains, extension types), as
   * asyncpg's reload_schema_state: call it after ALTER TYPE or DROP/CREATE TYPE so the next query
   * introspects them again. Custom codecs stay.
   */
  async reloadSchemaState(): Promise<void> {
    this.engine.types.reset();
  }

  /**
   * Decode (and encode) the type `typeName` with your own functions, in the given wire format:
   * 'text' (strings in PostgreSQL's text form), 'binary' (the value's bytes) or 'tuple' (for
   * composite and range types: the already-decoded parts). See docs/types.md.
   */
  async setTypeCodec<T>(typeName: string, spec: TypeCodecSpec<T>): Promise<void> {
    const oid = await lookupType(this.engine, typeName, spec.schema);
    this.engine.types.setCustomCodec(oid, spec);
  }

  /** Exchange `typeName` with the codec of a built-in type whose binary format it shares (e.g. an extension's text-like type as 'text'). */
  async setBuiltinTypeCodec(typeName: string, options: BuiltinCodecOptions): Promise<void> {
    const oid = await lookupType(this.engine, typeName, options.schema);
    this.engine.types.setBuiltinCodec(oid, options.codecName);
  }

  /** Undo setTypeCodec / setBuiltinTypeCodec for `typeName`. */
  async resetTypeCodec(typeName: string, options: { schema?: string } = {}): Promise<void> {
    const oid = await lookupType(this.engine, typeName, options.schema);
    this.engine.types.resetCodec(oid);
  }

  /** Close gracefully: queued queries finish first. */
  async close(): Promise<void> {
    this.isClosed = true;
    await this.engine.close();
  }

  /** Close at once: queued queries fail. */
  /** What the connection is, never how it authenticated: safe to log. */
  toJSON(): Record<string, unknown> {
    return { processId: this.processId, serverVersion: this.serverVersion, transactionStatus: this.transactionStatus, closed: this.closed };
  }

  [inspect.custom](): string {
    return `Connection { processId: ${this.processId}, serverVersion: '${this.serverVersion ?? ''}', transactionStatus: '${this.transactionStatus}'${this.closed ? ', closed' : ''} }`;
  }

  terminate(): void {
    this.isClosed = true;
    this.engine.destroy();
  }

  private run(sql: string, params: readonly unknown[], rowMode: RowMode) {
    checkParams(params);
    return runQuery(this.engine, { sql, paramSets: [params], rowMode });
  }

  private runStatement(statement: StatementDescription, params: readonly unknown[], rowMode: RowMode) {
    if (!Array.isArray(params)) throw new InterfaceError('query parameters must be an array, e.g. statement.fetch([a, b]) for $1 and $2');
    return runQuery(this.engine, { sql: statement.sql, paramSets: [params], rowMode, statement });
  }

  // COPY (docs/copy.md; the logic is in ./copy)
  /** Binary COPY of records (arrays or objects) into `table`; resolves with the command tag ('COPY 1000'). */
  copyRecordsToTable(table: string, options: CopyRecordsOptions): Promise<string> { return copy.copyRecordsToTable(this, inlineCopyTarget(this.engine), table, options); } // COPY
  /** Binary COPY of columns (typed arrays or value arrays, a RecordBatch or Result, an Arrow table) into `table`, without building rows. */
  copyColumnsToTable(table: string, options: CopyColumnsOptions): Promise<string> { return copy.copyColumnsToTable(this, inlineCopyTarget(this.engine), table, options); } // COPY
  /** COPY FROM STDIN of text, CSV or binary bytes from a Readable, a file path, bytes or an iterable. */
  copyToTable(table: string, options: CopyToTableOptions): Promise<string> { return copy.copyToTable(inlineCopyTarget(this.engine), table, options); } // COPY
  /** COPY `table` TO STDOUT into a Writable, a file path or a function. */
  copyFromTable(table: string, options: CopyFromTableOptions): Promise<string> { return copy.copyFromTable(inlineCopyTarget(this.engine), table, options); } // COPY
  /** COPY (`sql`) TO STDOUT into a Writable, a file path or a function. */
  copyFromQuery(sql: string, params: readonly unknown[] | undefined, options: CopyFromQueryOptions): Promise<string> { return copy.copyFromQuery(inlineCopyTarget(this.engine), sql, params, options); } // COPY
}

export type { PostgresErrorFields };
