// Opening one connection inline on this thread (the engine connect() wraps): used by connect()
// and by the pool's main-thread connections.

import { ConfigError } from '../codec/errors/client-errors.js';
import { resolveConnectionPlan } from '../worker/config/index.js';
import { openConnection } from '../worker/open-connection.js';
import type { ConnectOptions } from './connect.js';
import { Connection } from './connection.js';

const defaultStatementCacheSize = 100;
const defaultCancelGracePeriod = 2_000;

function checkEngineOptions(options: ConnectOptions): void {
  for (const name of ['maxCachedStatementLifetime', 'maxCacheableStatementSize'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new ConfigError(`${name} must be a non-negative integer (0: no limit), got ${String(value)}`);
  }
  const size = options.statementCacheSize;
  if (size !== undefined && (!Number.isInteger(size) || size < 0)) {
    throw new ConfigError(`statementCacheSize must be a non-negative integer (0 disables the cache), got ${String(size)}`);
  }
  for (const name of ['commandTimeout', 'cancelGracePeriod'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
      throw new ConfigError(`${name} must be a positive number of ms, got ${String(value)}`);
    }
  }
  if (options.rowMode !== undefined && options.rowMode !== 'object' && options.rowMode !== 'array') {
    throw new ConfigError(`rowMode must be 'object' or 'array', got ${String(options.rowMode)}`);
  }
}

/** Open `options` (already merged with the DSN) on this thread; the options are checked first. */
export async function connectInline(merged: ConnectOptions): Promise<Connection> {
  checkEngineOptions(merged);
  const plan = resolveConnectionPlan(merged);
  const engine = await openConnection(plan, {
    statementCacheSize: merged.statementCacheSize ?? defaultStatementCacheSize,
    maxCachedStatementLifetime: merged.maxCachedStatementLifetime,
    maxCacheableStatementSize: merged.maxCacheableStatementSize,
    types: merged.types ?? {},
    onNotice: merged.onNotice,
    onNotification: merged.onNotification,
  });
  return new Connection(engine, {
    rowMode: merged.rowMode ?? 'object',
    commandTimeout: merged.commandTimeout,
    cancelGracePeriod: merged.cancelGracePeriod ?? defaultCancelGracePeriod,
    directInt64: (merged.types?.int8 ?? 'bigint') === 'bigint',
  });
}
