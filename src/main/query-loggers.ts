// Query loggers (asyncpg's add_query_logger): told of every statement after it ends.

import type { RunOutcome, RunRequest } from './queryable.js';
import { redactSql } from './queryable.js';

/** What a query logger is told of a statement. */
export interface LoggedQuery {
  /** The SQL, with password literals replaced by '***'. */
  sql: string;
  /** Parameters per execution (values are not logged: they may hold secrets). */
  paramCount: number;
  /** Executions (more than one for executemany and fetchmany). */
  executions: number;
  elapsedMs: number;
  /** The command tag, when the statement succeeded. */
  command?: string;
  rowCount?: number | null;
  error?: unknown;
}

export type QueryLogger = (query: LoggedQuery) => void;

export class QueryLoggers {
  private readonly loggers = new Set<QueryLogger>();

  get active(): boolean {
    return this.loggers.size > 0;
  }

  add(logger: QueryLogger): void {
    if (typeof logger !== 'function') throw new TypeError('addQueryLogger takes a function');
    this.loggers.add(logger);
  }

  remove(logger: QueryLogger): void {
    this.loggers.delete(logger);
  }

  log(request: RunRequest, elapsedMs: number, outcome: RunOutcome<unknown> | undefined, error?: unknown): void {
    const entry: LoggedQuery = {
      sql: redactSql(request.sql),
      paramCount: request.paramSets[0]?.length ?? 0,
      executions: Math.max(1, request.paramSets.length),
      elapsedMs,
    };
    if (outcome !== undefined) {
      entry.command = outcome.command;
      entry.rowCount = outcome.rowCount;
    } else entry.error = error;
    // A logger that throws must not turn a query's success into a failure.
    for (const logger of this.loggers) {
      try {
        logger(entry);
      } catch (loggerError) {
        process.emitWarning(`a query logger threw: ${loggerError instanceof Error ? loggerError.message : String(loggerError)}`, 'PgloomWarning');
      }
    }
  }
}
