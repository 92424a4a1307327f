// Promise-returning entry points over the engine's operations: what src/main (or a worker's
// message handler) calls.

import { checkParameterLimit } from '../codec/protocol/index.js';
import type { PgConnection } from './connection.js';
import { ExtendedQuery, type ExtendedQueryRequest, type QueryOutcome, type RowMode, type RowSink } from './operations/extended-query.js';
import { SimpleQuery } from './operations/simple-query.js';
import { CloseTarget, PortalFetch } from './operations/portal.js';
import type { StatementDescription } from './statement.js';
import type { Operation } from './operations/operation.js';

export function runQuery(connection: PgConnection, request: ExtendedQueryRequest): Promise<QueryOutcome> {
  try {
    // Refused before anything is written: the connection never sees the call.
    for (const params of request.paramSets) checkParameterLimit(params.length);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return new Promise((resolve, reject) => connection.submit(new ExtendedQuery(request, resolve, reject)));
}

/** An operation submitted, with the promise of its end: what a caller needs to give it up later. */
export interface Submitted<T> {
  operation: Operation;
  done: Promise<T>;
}

/** Submit the operation `make` builds, keeping hold of it (see giveUpInline). */
export function submit<T>(connection: PgConnection, make: (resolve: (value: T) => void, reject: (error: Error) => void) => Operation): Submitted<T> {
  let operation!: Operation;
  const done = new Promise<T>((resolve, reject) => {
    operation = make(resolve, reject);
  });
  connection.submit(operation);
  return { operation, done };
}

export function runSimpleQuery(connection: PgConnection, sql: string): Promise<string> {
  return new Promise((resolve, reject) => connection.submit(new SimpleQuery(sql, resolve, reject)));
}

/** Simple queries sent in one write, each run as the server receives it: resolves each with its tag. */
export function runSimpleQueries(connection: PgConnection, sqls: readonly string[]): Promise<string>[] {
  return connection.together(() => sqls.map((sql) => runSimpleQuery(connection, sql)));
}

export function fetchFromPortal(connection: PgConnection, portal: string, statement: StatementDescription, maxRows: number, rowMode: RowMode, sink?: RowSink): Promise<QueryOutcome> {
  return new Promise((resolve, reject) => connection.submit(new PortalFetch(portal, statement, maxRows, rowMode, resolve, reject, sink)));
}

export function closeOnServer(connection: PgConnection, kind: 'P' | 'S', name: string): Promise<void> {
  return new Promise((resolve, reject) => connection.submit(new CloseTarget(kind, name, resolve, reject)));
}
