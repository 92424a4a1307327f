// Cancellation through the pool: a cancel reaches only its own call; behind a faulty network
// (test/support/fault-proxy.ts) a call given up while its connection is still opening never reaches
// the server, and a connection whose cancel is lost, or whose server stalls, is destroyed after
// cancelGracePeriod and replaced.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, createPool, QueryAbortedError, QueryCanceledError, QueryTimeoutError, type Connection, type Pool, type PoolOptions } from '../../src/main/index.js';
import { dsnTarget, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

describe('the pool behind a faulty network', () => {
  const dsn = new URL(testDsn());
  /** In every statement a test leaves sleeping on the server, so that afterAll can end them. */
  const markerPrefix = `pgloom_faults_${process.pid}`;
  let proxy: FaultProxy;
  let direct: Connection;

  /** A pool that reaches the server through the proxy. */
  function proxiedPool(options: PoolOptions): Pool {
    return createPool({
      host: '127.0.0.1', port: proxy.port, user: decodeURIComponent(dsn.username), database: decodeURIComponent(dsn.pathname.slice(1)),
      password: decodeURIComponent(dsn.password), sslmode: 'disable', ...options,
    });
  }

  /** pids of the backends running a statement that contains `marker`. */
  async function backendsRunning(marker: string): Promise<number[]> {
    const rows = await direct.fetch<{ pid: number }>("select pid from pg_stat_activity where state = 'active' and query like $1 and pid <> pg_backend_pid()", [`%${marker}%`]);
    return rows.map((row) => row.pid);
  }

  async function terminateBackends(marker: string): Promise<void> {
    await direct.execute('select pg_terminate_backend(pid) from pg_stat_activity where query like $1 and pid <> pg_backend_pid()', [`%${marker}%`]);
  }

  beforeAll(async () => {
    proxy = await startFaultProxy(dsnTarget(testDsn()));
    direct = await connectToTestServer();
  });
  beforeEach(() => {
    proxy.connectDelay = 0;
    proxy.dropCancelRequests = false;
    proxy.releaseCancelRequests();
    proxy.resume();
  });
  afterAll(async () => {
    if (direct !== undefined) {
      await terminateBackends(markerPrefix);
      await direct.close();
    }
    await proxy?.close();
  });

  // 'fresh': the first call of a new pool (its worker and connection both starting);
  // 'warm': a started worker opening a new connection (one query per connection).
  for (const start of ['fresh', 'warm'] as const) {
    for (const how of ['timeout', 'abort'] as const) {
      it(`${how === 'timeout' ? 'a timeout' : 'an abort'} while a ${start} pool opens the connection rejects the call; the statement never reaches the server`, async () => {
        const table = uniqueTable('pool_opening');
        await direct.execute(`create table ${table} (id int)`);
        const pool = proxiedPool({ workers: 1, connectionsPerWorker: 1, maxQueriesPerConnection: start === 'warm' ? 1 : 0 });
        try {
          if (start === 'warm') expect(await within(pool.fetchval('select 1'), 5000, 'warming the pool')).toBe(1);
          const acceptedBefore = proxy.accepted;
          proxy.connectDelay = 400;
          const controller = new AbortController();
          const insert = pool.execute(`insert into ${table} values (1)`, [], how === 'timeout' ? { timeout: 100 } : { signal: controller.signal });
          insert.catch(() => undefined);
          if (how === 'abort') {
            await proxy.whenAccepted(acceptedBefore + 1, 3000);
            controller.abort();
          }
          const error = await rejectionOf(within(insert, 3000, `the insert (${how} while opening)`));
          if (start === 'warm') expect(proxy.accepted, 'the pool had started opening a connection').toBeGreaterThan(acceptedBefore);
          expect(error).toBeInstanceOf(how === 'timeout' ? QueryTimeoutError : QueryAbortedError);
          proxy.connectDelay = 0;
          expect(await within(pool.fetchval(`select count(*)::int from ${table}`), 5000, 'the count through the pool')).toBe(0);
          expect(await within(pool.fetchval('select 40 + 2'), 5000, 'the pool afterwards')).toBe(42);
        } finally {
          proxy.connectDelay = 0;
          await shutDown(pool);
        }
        // Nothing of the pool is left that could still send the insert.
        try {
          expect(await direct.fetchval(`select count(*)::int from ${table}`)).toBe(0);
        } finally {
          await direct.execute(`drop table if exists ${table}`);
        }
      });
    }
  }

  it('with cancel requests lost, two timed-out connections are destroyed after cancelGracePeriod and replaced', async () => {
    const marker = `${markerPrefix}_lost_cancel`;
    // The workers' connections: sessions would otherwise pin the main thread's.
    const pool = proxiedPool({ workers: 1, connectionsPerWorker: 2, cancelGracePeriod: 300, mainThreadConnections: 0 });
    try {
      // Open both connections first, so that both timeouts fire while pg_sleep runs.
      const sessions = await within(Promise.all([pool.acquire(), pool.acquire()]), 5000, 'opening two connections');
      for (const session of sessions) await within(session.release(), 3000, 'release()');
      proxy.dropCancelRequests = true;
      const sleep = `select pg_sleep(30) /* ${marker} */`;
      const errors = await within(Promise.all([0, 1].map(() => rejectionOf(pool.fetchval(sleep, [], 0, { timeout: 100 })))), 3000, 'two pg_sleep(30) with timeout 100');
      for (const error of errors) expect(error).toBeInstanceOf(QueryTimeoutError);
      const stuck = await waitFor(async () => {
        const pids = await backendsRunning(marker);
        return pids.length === 2 ? pids : undefined;
      }, 3000, 'both pg_sleep(30) running on the server');
      await waitFor(async () => (proxy.cancelRequestsDropped > 0 ? true : undefined), 2000, 'a cancel request reached the proxy (and was dropped)');
      const row = await within(pool.fetchrow<{ one: number; pid: number }>('select 1 as one, pg_backend_pid() as pid'), 5000, 'select 1 after both connections were stuck');
      expect(row?.one).toBe(1);
      expect(stuck).not.toContain(row?.pid);
      await waitFor(async () => ((await pool.stats()).connections.broken === 0 ? true : undefined), 3000, 'stats().connections.broken back to 0');
    } finally {
      proxy.dropCancelRequests = false;
      await shutDown(pool);
      await terminateBackends(marker);
    }
  });

  it('a reply held back until its cancel lands does not put the result shapes the worker and this thread know out of step', async () => {
    const marker = `${markerPrefix}_held_reply`;
    // One worker, two connections, a statement cache larger than the 600 statements below.
    const pool = proxiedPool({ workers: 1, connectionsPerWorker: 2, mainThreadConnections: 0, statementCacheSize: 1000, cancelGracePeriod: 20_000 });
    try {
      const opened = await within(Promise.all([pool.acquire(), pool.acquire()]), 5000, 'opening two connections');
      for (const session of opened) await within(session.release(), 3000, 'release()');
      // The CancelRequest travels on a new connection: the proxy holds it until released below.
      const heldBefore = proxy.cancelRequestsHeld;
      proxy.holdCancelRequests = true;
      const held = pool.fetchval(`select 1 as a, pg_sleep(0.3) /* ${marker} */`, [], 0, { timeout: 50 });
      expect(await rejectionOf(within(held, 3000, 'the timed-out call'))).toBeInstanceOf(QueryTimeoutError);
      // The statement ends on the server before the cancel lands; the worker's reply to it (the
      // first to carry its shape) waits for the cancel, since the call counts as ended only then.
      await waitFor(async () => ((await backendsRunning(marker)).length === 0 ? true : undefined), 3000, 'the statement given up to end on the server');
      // Meanwhile 600 new statements on the other connection: more shapes than both sides remember.
      const statements = Array.from({ length: 600 }, (_, i) => `select ${i}::int4 as n, pg_backend_pid() as pid /* ${marker} ${i} */`);
      const pids = new Set<number>();
      for (const [i, sql] of statements.entries()) {
        const row = await within(pool.fetchrow<{ n: number; pid: number }>(sql), 5000, `statement ${i}`);
        expect(row?.n).toBe(i);
        pids.add(row!.pid);
      }
      expect(pids.size, 'the 600 statements ran on one connection').toBe(1);
      expect(proxy.cancelRequestsHeld, 'the cancel was held all along').toBe(heldBefore + 1);
      proxy.releaseCancelRequests();
      // Both connections pinned at once: the held reply has left. The one the statements ran on
      // now runs them again, newest first, each known to both sides by its shape's number alone.
      const sessions = await within(Promise.all([pool.acquire(), pool.acquire()]), 10_000, 'pinning both connections');
      try {
        const [other] = [...pids];
        const backends = await Promise.all(sessions.map((session) => session.fetchval<number>('select pg_backend_pid()')));
        const session = sessions[backends.indexOf(other!)]!;
        for (let i = statements.length - 1; i >= 0; i--) {
          expect(await within(session.fetchrow(statements[i]!), 5000, `statement ${i} again`)).toEqual({ n: i, pid: other });
        }
      } finally {
        for (const session of sessions) await within(session.release(), 3000, 'release()');
      }
    } finally {
      proxy.releaseCancelRequests();
      await shutDown(pool);
    }
  }, 60_000);

  // The caller hears of a timeout at once, before the cancel's fate is known: a write that finished
  // before its cancel arrived is kept, so the error must not say that it was cancelled.
  for (const via of ['a pool worker', 'connect()'] as const) {
    it(`a timed-out insert that finishes before its cancel lands (${via}): the error does not claim it was cancelled, and the row is kept`, async () => {
      const marker = `${markerPrefix}_finished_first`;
      const table = uniqueTable('finished_first');
      await direct.execute(`create table ${table} (id int4)`);
      const target = { host: '127.0.0.1', port: proxy.port, user: decodeURIComponent(dsn.username), database: decodeURIComponent(dsn.pathname.slice(1)), password: decodeURIComponent(dsn.password), sslmode: 'disable' as const };
      const pool = via === 'a pool worker' ? proxiedPool({ workers: 1, connectionsPerWorker: 1, mainThreadConnections: 0, cancelGracePeriod: 10_000 }) : undefined;
      const db = via === 'connect()' ? await connect({ ...target, cancelGracePeriod: 10_000 }) : undefined;
      const on = (pool ?? db)!;
      try {
        expect(await within(on.fetchval('select 1'), 5000, 'opening the connection')).toBe(1);
        const heldBefore = proxy.cancelRequestsHeld;
        proxy.holdCancelRequests = true;
        const insert = on.execute(`insert into ${table} select 1 from pg_sleep(0.3) /* ${marker} */`, [], { timeout: 50 });
        const error = await rejectionOf(within(insert, 3000, 'the timed-out insert'));
        expect(error).toBeInstanceOf(QueryTimeoutError);
        expect((error as Error).message).toMatch(/a cancel was sent to the server.*one that finished first keeps its effects/);
        expect((error as Error).message).not.toMatch(/was cancelled/);
        await waitFor(async () => ((await direct.fetchval(`select count(*)::int4 from ${table}`)) === 1 ? true : undefined), 5000, 'the insert committed');
        expect(proxy.cancelRequestsHeld, 'the cancel was held all along').toBe(heldBefore + 1);
        proxy.releaseCancelRequests();
        expect(await within(on.fetchval('select 42'), 10_000, 'the next call')).toBe(42);
      } finally {
        proxy.releaseCancelRequests();
        await shutDown(pool);
        await db?.close();
        await direct.execute(`drop table if exists ${table}`);
      }
    });
  }

  it('a connection whose server bytes stall is destroyed after cancelGracePeriod and replaced', async () => {
    const marker = `${markerPrefix}_stall`;
    const pool = proxiedPool({ workers: 1, connectionsPerWorker: 1, cancelGracePeriod: 300 });
    try {
      expect(await within(pool.fetchval('select 1'), 5000, 'warming the pool')).toBe(1);
      const running = rejectionOf(pool.fetchval(`select pg_sleep(30) /* ${marker} */`, [], 0, { timeout: 1500 }));
      const [stuckPid] = await waitFor(async () => {
        const pids = await backendsRunning(marker);
        return pids.length === 1 ? pids : undefined;
      }, 3000, 'pg_sleep(30) running on the server');
      // The pool's connection stops hearing the server; connections opened from now on do not.
      proxy.stall();
      expect(await within(running, 4000, 'pg_sleep(30) with timeout 1500 on a stalled connection')).toBeInstanceOf(QueryTimeoutError);
      const row = await within(pool.fetchrow<{ one: number; pid: number }>('select 1 as one, pg_backend_pid() as pid'), 5000, 'select 1 after the stall');
      expect(row?.one).toBe(1);
      expect(row?.pid).not.toBe(stuckPid);
      await waitFor(async () => ((await pool.stats()).connections.broken === 0 ? true : undefined), 3000, 'stats().connections.broken back to 0');
    } finally {
      proxy.resume();
      await shutDown(pool);
      await terminateBackends(marker);
    }
  });
});

describe('a cancel reaches only its own call', () => {
  /** ~200 calls that may time out, each followed by a call that must not be cancelled. */
  async function timeoutsThenCalls(sleepCall: (seconds: number, timeout: number) => Promise<unknown>, nextCall: () => Promise<unknown>): Promise<void> {
    let timedOut = 0;
    let finished = 0;
    for (let i = 0; i < 200; i++) {
      const seconds = Math.random() * 0.02;
      const timeout = 1 + Math.floor(Math.random() * 20);
      const what = `iteration ${i}: pg_sleep(${seconds.toFixed(4)}) with timeout ${timeout} ms`;
      const outcome = await within(sleepCall(seconds, timeout).then(() => 'finished', (error: unknown) => error), 3000, what);
      if (outcome === 'finished') finished++;
      else if (outcome instanceof QueryCanceledError) expect.fail(`${what}: cancelled by the server (${outcome.code}) before its own timeout: an earlier cancel landed on it`);
      else {
        expect(outcome, what).toBeInstanceOf(QueryTimeoutError);
        timedOut++;
      }
      const next = await within(nextCall().catch((error: unknown) => error), 3000, `${what}, then select 1`);
      if (next instanceof QueryCanceledError) expect.fail(`${what}: the next call was cancelled (${next.code}: ${next.message})`);
      expect(next, `${what}, then select 1`).toBe(1);
    }
    // Both paths were taken: some calls timed out, some finished.
    expect(timedOut).toBeGreaterThan(0);
    expect(finished).toBeGreaterThan(0);
  }

  it('on a pinned connection (acquire), a timed-out call never cancels a later call (200 rounds)', async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    try {
      const session = await within(pool.acquire(), 5000, 'pool.acquire()');
      try {
        await timeoutsThenCalls(
          (seconds, timeout) => session.fetchval('select pg_sleep($1)', [seconds], 0, { timeout }),
          () => session.fetchval('select 1'),
        );
      } finally {
        await within(session.release(), 3000, 'release()').catch(() => undefined);
      }
    } finally {
      await shutDown(pool);
    }
  });

  it('on a 1×1 pool, a timed-out one-shot call never cancels the next one (200 rounds)', async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    try {
      await timeoutsThenCalls(
        (seconds, timeout) => pool.fetchval('select pg_sleep($1)', [seconds], 0, { timeout }),
        () => pool.fetchval('select 1'),
      );
    } finally {
      await shutDown(pool);
    }
  });
});
