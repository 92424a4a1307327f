// The pool a command uses: the CLI reaches PostgreSQL only through pgloom's public API.

import { createPool, type Pool, type PoolOptions } from '../main/index.js';

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
