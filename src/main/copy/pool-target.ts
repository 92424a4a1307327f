// The CopyTarget of a Pool and of a PooledConnection: COPY placed like a one-shot call, or run on
// the pinned connection's session.

import type { Result } from '../result.js';
import type { Pool } from '../pool.js';
import type { PooledConnection } from '../pooled-connection.js';
import type { PoolCore, SessionLease } from '../threads/pool-core.js';
import { checkGuardOptions, CallGuard, type GuardOptions } from '../threads/call-guard.js';
import type { QuerySuccess } from '../../worker/pool/contract.js';
import type { TypeCatalog } from '../../codec/types/introspected/catalog.js';
import type { CopyTarget } from './copy-target.js';
import { workerCopyTarget, type WorkerCopyHost } from './worker-target.js';

type Query = (sql: string, params: unknown[], options: { rowMode: 'array' }) => Promise<Result<unknown>>;

function queryOf(query: Query): WorkerCopyHost['query'] {
  return async (sql, params) => {
    const result = await query(sql, params, { rowMode: 'array' });
    return { rows: result.rows as unknown[][], columns: result.columns.map((c) => ({ name: c.name, typeOid: c.typeOid })) };
  };
}

function sessionOf(connection: Pool | PooledConnection) {
  return { query: queryOf((sql, params, options) => connection.query(sql, params, options)), execute: (sql: string) => connection.execute(sql) };
}

export function poolCopyTarget(pool: Pool, core: PoolCore): CopyTarget {
  return workerCopyTarget({
    catalog: core.typeState.catalog,
    query: queryOf((sql, params, options) => pool.query(sql, params, options)),
    session: (fn) => pool.withConnection((connection) => fn(sessionOf(connection))),
    nextId: () => core.nextId(),
    startGuard: (options) => {
      checkGuardOptions(options);
      return core.startGuard(options);
    },
    open: async (guard) => {
      const placement = await core.place('busy', guard);
      return { link: placement.link, ended: () => core.queue.give(placement) };
    },
    track: (running) => void core.track(running),
    onReply: (reply) => {
      if (reply.ok && core.options.onNotice) for (const notice of (reply as QuerySuccess).notices) core.options.onNotice(notice);
    },
  });
}

export interface SessionCopyHooks {
  lease: SessionLease;
  catalog: TypeCatalog;
  connection: PooledConnection;
  nextCallId(): number;
  /** Throws when the pinned connection was released or lost. */
  checkUsable(): void;
  onReply: WorkerCopyHost['onReply'];
}

export function sessionCopyTarget(hooks: SessionCopyHooks): CopyTarget {
  return workerCopyTarget({
    catalog: hooks.catalog,
    query: sessionOf(hooks.connection).query,
    session: (fn) => fn(sessionOf(hooks.connection)),
    nextId: () => hooks.nextCallId(),
    startGuard: (options: GuardOptions) => {
      checkGuardOptions(options);
      hooks.checkUsable();
      const guard = new CallGuard(options);
      guard.checkNotAborted('the COPY was aborted before it started');
      return guard;
    },
    open: async () => ({ link: hooks.lease.placement.link, session: hooks.lease.id, ended: () => undefined }),
    onReply: hooks.onReply,
  });
}
