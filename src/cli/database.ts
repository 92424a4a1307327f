// Which server a command talks to (--dsn, else DATABASE_URL, else the PG* variables), and the pool
// it uses: the CLI reaches PostgreSQL only through pgloom's public API.

import { createPool, type Pool, type PoolOptions } from '../main/index.js';

/** --dsn wins, then DATABASE_URL; undefined lets pgloom read PGHOST, PGUSER, PGPASSWORD… itself. */
export function chooseDsn(option: string | undefined): string | undefined {
  if (option !== undefined && option !== '') return option;
  const fromEnvironment = process.env.DATABASE_URL;
  return fromEnvironment === undefined || fromEnvironment === '' ? undefined : fromEnvironment;
}

/**
 * The CLI's pool: one worker (a command runs one stream or one COPY at a time; a second thread
 * would only add start-up time), text forms of the types that the output formats write as text
 * (json, timestamps out of the µs range, dates, intervals).
 */
export function openPool(dsn: string | undefined, extra: PoolOptions = {}): Pool {
  const options: PoolOptions = {
    workers: 1,
    connectionsPerWorker: 2,
    types: { json: 'string', timestamp: 'string', date: 'string', interval: 'string', time: 'string' },
    ...extra,
  };
  return dsn === undefined ? createPool(options) : createPool(dsn, options);
}
