// A server restarted under a running pool and under a connect() Connection, on a cluster of the
// test's own (scripts/local-postgres.ts): calls in flight at the restart end with a typed error
// within a bound (the server's 57P01/57P02 or a ConnectionError), no call hangs, and once the
// server is back the pool serves correct answers on new connections, stats() shows nothing stuck,
// and close() ends.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ConnectionError, createPool, OperatorInterventionError, WorkerCrashedError, type Pool } from '../../src/main/index.js';
import { startCluster, type RunningCluster } from '../../scripts/local-postgres.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';

/** A call in flight when the server goes down must end within this. */
const BOUND_MS = 5000;
/** The server back, the pool must serve again within this. */
const BACK_MS = 15_000;

/** What a call may end with when its server goes away: the server's shutdown (57P01/57P02/57P03) or a lost connection. */
function isRestartError(error: unknown): boolean {
  if (error instanceof WorkerCrashedError) return false;
  return error instanceof ConnectionError || (error instanceof OperatorInterventionError && /^57P0[123]$/.test(error.code));
}

describe('a server restart', () => {
  let cluster: RunningCluster;

  beforeAll(async () => {
    // A small cluster of this file's own: restarting the run's shared server would fail other files.
    cluster = await startCluster(process.env.PGLOOM_TEST_SERVER === 'debian' ? 'debian' : 'embedded', ['shared_buffers = 32MB', 'max_connections = 40']);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  /** A running server answers (the restart is over). */
  const serverAnswers = () => waitFor(async () => {
    const db = await connect(cluster.dsn).catch(() => undefined);
    if (db === undefined) return undefined;
    await db.close();
    return true;
  }, BACK_MS, 'the server to accept connections');

  describe.each(['fast', 'immediate'] as const)('%s shutdown', (mode) => {
    it('under a running pool: calls in flight end typed within the bound; the pool serves again on new connections', async () => {
      const pool: Pool = createPool(cluster.dsn, { workers: 2, connectionsPerWorker: 3, cancelGracePeriod: 500 });
      let running = true;
      const unexpected: unknown[] = [];
      let answered = 0;
      let failed = 0;
      try {
        const pidsBefore = new Set(await within(Promise.all([0, 1, 2, 3, 4, 5].map(() => pool.fetchval<number>('select pg_backend_pid() from pg_sleep(0.05)'))), BACK_MS, 'warming the pool'));
        // A steady stream of callers, each checking its own answer, until the test stops them.
        const callers = Array.from({ length: 8 }, async (_, caller) => {
          for (let i = 0; running; i++) {
            const outcome = await within(pool.fetchval<number>('select $1::int4 * 2 from pg_sleep(0.01)', [caller * 1_000_000 + i]).catch((error: unknown) => error), BOUND_MS, `caller ${caller}, call ${i}`);
            if (outcome === (caller * 1_000_000 + i) * 2) answered++;
            else if (isRestartError(outcome)) failed++;
            else unexpected.push(outcome);
            // While the server is down, calls fail at once: yield so the loop does not spin.
            if (typeof outcome !== 'number') await new Promise((resolve) => setTimeout(resolve, 20));
          }
        });
        // Long calls certainly in flight at the shutdown, on a pinned connection too.
        const pinned = await within(pool.acquire(), BOUND_MS, 'pool.acquire()');
        const sleeping = [pool.fetchval('select pg_sleep(30)'), pinned.fetchval('select pg_sleep(30)')].map((call) => rejectionOf(call));
        await waitFor(async () => (answered > 20 ? true : undefined), BOUND_MS, 'callers answered before the restart');

        const down = Date.now();
        await within(cluster.shutDown(mode), BOUND_MS, `${mode} shutdown`);
        for (const [i, error] of (await within(Promise.all(sleeping), BOUND_MS, 'the calls in flight at the shutdown')).entries()) {
          expect(isRestartError(error), `sleeping call ${i}: ${String(error)}`).toBe(true);
        }
        expect(Date.now() - down).toBeLessThan(BOUND_MS);
        const pinnedAfter = await within(rejectionOf(pinned.fetchval('select 1')), BOUND_MS, 'the pinned connection after the shutdown');
        expect(isRestartError(pinnedAfter), String(pinnedAfter)).toBe(true);
        await within(pinned.release(), BOUND_MS, 'release() of the pinned connection').catch(() => undefined);
        const failedWhileDown = failed;
        await waitFor(async () => (failed > failedWhileDown ? true : undefined), BOUND_MS, 'callers failing typed while the server is down');

        await within(cluster.start(), BACK_MS, 'the restart');
        const answeredBack = answered;
        await waitFor(async () => (answered > answeredBack + 20 ? true : undefined), BACK_MS, 'callers answered by the pool after the restart');
        running = false;
        await within(Promise.all(callers), BOUND_MS, 'the callers to finish');
        expect(unexpected, 'every call answered correctly or failed typed').toEqual([]);

        // New connections: none of the backends from before the restart.
        const pidsAfter = await within(Promise.all([0, 1, 2, 3, 4, 5].map(() => pool.fetchval<number>('select pg_backend_pid() from pg_sleep(0.02)'))), BOUND_MS, 'the pool after the restart');
        for (const pid of pidsAfter) expect(pidsBefore.has(pid!), `backend ${pid} is from before the restart`).toBe(false);
        expect(await within(pool.fetch('select n from generate_series(1, 3) n'), BOUND_MS, 'a fetch after the restart')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
        await waitFor(async () => {
          const { connections, queued } = await pool.stats();
          return connections.busy === 0 && connections.pinned === 0 && connections.streaming === 0 && connections.broken === 0 && queued === 0 ? true : undefined;
        }, BOUND_MS, 'stats(): no busy, pinned, streaming or broken connection and nothing queued');
        await within(pool.close(), BOUND_MS, 'pool.close()');
      } finally {
        running = false;
        await shutDown(pool);
        await serverAnswers().catch(() => cluster.start());
      }
    });

    it('under a connect() Connection: the call in flight ends typed; a new connect() works once the server is back', async () => {
      const db = await connect(cluster.dsn);
      try {
        const sleeping = rejectionOf(db.fetchval('select pg_sleep(30)'));
        // The statement has reached the server before the shutdown.
        const watcher = await connect(cluster.dsn);
        await waitFor(async () => ((await watcher.fetchval<number>("select count(*)::int4 from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'")) === 1 ? true : undefined), BOUND_MS, 'pg_sleep running');
        await watcher.close();
        await within(cluster.shutDown(mode), BOUND_MS, `${mode} shutdown`);
        const error = await within(sleeping, BOUND_MS, 'the call in flight at the shutdown');
        expect(isRestartError(error), String(error)).toBe(true);
        await waitFor(async () => (db.closed ? true : undefined), BOUND_MS, 'the connection to close');
        expect(await within(rejectionOf(db.fetchval('select 1')), BOUND_MS, 'a call on the closed connection')).toBeInstanceOf(ConnectionError);
        expect(await within(rejectionOf(connect(cluster.dsn)), BOUND_MS, 'connect() while the server is down')).toBeInstanceOf(ConnectionError);
        await within(cluster.start(), BACK_MS, 'the restart');
        await serverAnswers();
        const again = await connect(cluster.dsn);
        expect(await again.fetchval('select 20 + 22')).toBe(42);
        await again.close();
      } finally {
        db.terminate();
        await serverAnswers().catch(() => cluster.start());
      }
    });
  });
});
