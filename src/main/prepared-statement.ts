// A statement prepared once on its connection, run many times with new parameters: the same
// calls as a connection's (same options, checks and errors), without the SQL argument.

import { InterfaceError } from '../codec/errors/client-errors.js';
import type { Column } from './columns.js';
import type { CursorFactory, CursorOptions } from './cursor.js';
import { Queryable, type CallOptions, type Row, type RunOutcome, type RunRequest } from './queryable.js';
import type { Result } from './result.js';

/** What a connection gives the statements it prepared. */
export interface PreparedHost {
  /** Run the statement (request.sql is its SQL). */
  run<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R>>;
  cursor<R>(params: readonly unknown[], options: CursorOptions): CursorFactory<R>;
  /** EXPLAIN (FORMAT JSON) of the statement's SQL, inside a transaction rolled back when `analyze`. */
  explain(params: readonly unknown[], analyze: boolean, options: CallOptions): Promise<unknown>;
  close(): Promise<void>;
  rowMode: 'object' | 'array';
}

export interface PreparedStatementOptions {
  /** The server-side name (default: one pgloom makes up). */
  name?: string;
}

/** The shared query methods, run against the prepared statement. */
class StatementCalls extends Queryable {
  closed = false;

  constructor(private readonly host: PreparedHost) {
    super();
  }

  protected get defaultRowMode(): 'object' | 'array' {
    return this.host.rowMode;
  }

  protected run<R>(request: RunRequest, options: CallOptions): Promise<RunOutcome<R>> {
    if (this.closed) return Promise.reject(new InterfaceError('this prepared statement was closed: prepare it again'));
    // A prepared statement runs through the extended protocol even without parameters.
    if (request.simple) return this.host.run<R>({ ...request, paramSets: [[]], simple: false }, options);
    return this.host.run<R>(request, options);
  }
}

export class PreparedStatement {
  readonly #calls: StatementCalls;

  /** @internal Use connection.prepare(). */
  constructor(
    /** The server-side name. */
    readonly name: string,
    /** The statement's SQL. */
    readonly sql: string,
    /** The result columns (empty for a command that returns no rows). */
    readonly columns: readonly Column[],
    /** The parameter types' OIDs, as the server inferred them. */
    readonly parameterTypes: readonly number[],
    private readonly host: PreparedHost,
  ) {
    this.#calls = new StatementCalls(host);
  }

  /** Run it; resolves with the command tag. */
  execute(params: readonly unknown[] = [], options: CallOptions = {}): Promise<string> {
    return this.#calls.execute(this.sql, params, options);
  }

  /** The rows as a Result (columnar batches). */
  query<R = Row>(params: readonly unknown[] = [], options: CallOptions = {}): Promise<Result<R>> {
    return this.#calls.query<R>(this.sql, params, options);
  }

  fetch<R = Row>(params: readonly unknown[] = [], options: CallOptions = {}): Promise<R[]> {
    return this.#calls.fetch<R>(this.sql, params, options);
  }

  fetchrow<R = Row>(params: readonly unknown[] = [], options: CallOptions = {}): Promise<R | null> {
    return this.#calls.fetchrow<R>(this.sql, params, options);
  }

  /** One value of the first row; null when there is no row or the statement returns no columns (it still runs). */
  fetchval<V = unknown>(params: readonly unknown[] = [], column: number | string = 0, options: CallOptions = {}): Promise<V | null> {
    return this.#calls.fetchval<V>(this.sql, params, column, options);
  }

  /** Every execution's rows, in order (one execution per parameter array, atomic). */
  fetchmany<R = Row>(paramRows: readonly (readonly unknown[])[], options: CallOptions = {}): Promise<R[]> {
    return this.#calls.fetchmany<R>(this.sql, paramRows, options);
  }

  /** Run once per parameter array, pipelined and atomic. */
  executemany(paramRows: readonly (readonly unknown[])[], options: CallOptions = {}): Promise<void> {
    return this.#calls.executemany(this.sql, paramRows, options);
  }

  /** A cursor over the statement's rows (see Connection.cursor). */
  cursor<R = Row>(params: readonly unknown[] = [], options: CursorOptions = {}): CursorFactory<R> {
    this.checkOpen();
    return this.host.cursor<R>(params, options);
  }

  /**
   * The plan, as EXPLAIN (FORMAT JSON) gives it. With `analyze` the statement really runs, inside
   * a transaction that is rolled back (as asyncpg's explain).
   */
  async explain(params: readonly unknown[] = [], options: CallOptions & { analyze?: boolean } = {}): Promise<unknown> {
    this.checkOpen();
    const { analyze = false, ...callOptions } = options;
    return this.host.explain(params, analyze, callOptions);
  }

  /** Free the statement on the server; using it afterwards is an error. */
  async close(): Promise<void> {
    if (this.#calls.closed) return;
    this.#calls.closed = true;
    await this.host.close();
  }

  get closed(): boolean {
    return this.#calls.closed;
  }

  private checkOpen(): void {
    if (this.#calls.closed) throw new InterfaceError('this prepared statement was closed: prepare it again');
  }
}
