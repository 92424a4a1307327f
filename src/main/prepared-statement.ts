// A statement prepared once on its connection, run many times with new parameters.

import { InterfaceError } from '../codec/errors/client-errors.js';
import type { QueryOutcome, RowMode } from '../worker/operations/extended-query.js';
import type { StatementDescription } from '../worker/statement.js';
import { columnsOf, type Column } from './columns.js';
import type { QueryOptions, Row } from './connection.js';

type Runner = (statement: StatementDescription, params: readonly unknown[], rowMode: RowMode) => Promise<QueryOutcome>;

export class PreparedStatement {
  private closed = false;

  /** @internal Use connection.prepare(). */
  constructor(
    private readonly statement: StatementDescription,
    private readonly runner: Runner,
    private readonly closer: () => Promise<void>,
    private readonly defaultRowMode: 'object' | 'array',
  ) {}

  get sql(): string {
    return this.statement.sql;
  }

  /** The result columns (empty for a command that returns no rows). */
  get columns(): Column[] {
    return columnsOf(this.statement);
  }

  /** The parameter types' OIDs, as the server inferred them. */
  get parameterTypes(): readonly number[] {
    return this.statement.paramOids;
  }

  async execute(params: readonly unknown[] = []): Promise<string> {
    return (await this.run(params, 'none')).command;
  }

  async fetch<R = Row>(params: readonly unknown[] = [], options?: QueryOptions): Promise<R[]> {
    return (await this.run(params, options?.rowMode ?? this.defaultRowMode)).rows as R[];
  }

  async fetchrow<R = Row>(params: readonly unknown[] = [], options?: QueryOptions): Promise<R | null> {
    const rows = (await this.run(params, options?.rowMode ?? this.defaultRowMode)).rows;
    return (rows[0] as R | undefined) ?? null;
  }

  async fetchval<V = unknown>(params: readonly unknown[] = [], column: number | string = 0): Promise<V | null> {
    const index = typeof column === 'number' ? column : this.statement.columnNames.indexOf(column);
    if (index < 0 || index >= this.statement.columnNames.length) {
      throw new InterfaceError(`fetchval: the statement has no column ${JSON.stringify(column)}; its columns are ${JSON.stringify(this.statement.columnNames)}`);
    }
    const row = (await this.run(params, 'array')).rows[0] as unknown[] | undefined;
    return row === undefined ? null : (row[index] as V);
  }

  /** Free the statement on the server; using it afterwards is an error. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closer();
  }

  private run(params: readonly unknown[], rowMode: RowMode): Promise<QueryOutcome> {
    if (this.closed) return Promise.reject(new InterfaceError('this prepared statement was closed: prepare it again'));
    return this.runner(this.statement, params, rowMode);
  }
}
