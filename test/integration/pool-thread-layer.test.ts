// The pool's thread layer, as DESIGN.md's "Concurrency model" states it: a call made inside a
// session never waits on that session's connection, bad parameters and options are clean errors,
// the objects are safe to log, failures to open a connection are the server's errors, and fetch
// builds its rows without holding the event loop. Every call that could hang is raced against a
// deadline (cancellation: pool-faults.test.ts).

import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  connect, createPool, DivisionByZeroError, InterfaceError, InvalidPasswordError, ParameterError, PostgresError, QueryAbortedError,
  type Pool, type PooledConnection, type ConnectionStates,
} from '../../src/main/index.js';
import { rejectionOf, shutDown, within } from '../support/deadlines.js';
import { connectToTestServer, fixture, testDsn } from '../support/server.js';

/** Call `fn` (which may throw synchronously) under a deadline; what it rejected with. */
function failureOf(fn: () => Promise<unknown>, ms: number, what: string): Promise<unknown> {
  return rejectionOf(within(Promise.resolve().then(fn), ms, what));
}

const countFields = ['open', 'idle', 'busy', 'pinned', 'streaming', 'opening', 'broken'] as const;

describe('no self-deadlock', () => {
  it('a pool call made inside withConnection on a 2×1 pool gets the other connection (20 fresh pools)', async () => {
    for (let round = 1; round <= 20; round++) {
      const pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 1 });
      try {
        const value = await within(pool.withConnection(async (c) => {
          await c.fetchval('select 1');
          return pool.fetchval('select 2');
        }), 3000, `pool ${round}: withConnection(fn calling pool.fetchval)`);
        expect(value).toBe(2);
      } finally {
        await shutDown(pool);
      }
    }
  });

  it('a pool.fetchval runs while a pool.stream is iterated on a 2×1 pool (8 fresh pools)', async () => {
    for (let round = 1; round <= 8; round++) {
      const pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 1 });
      try {
        const batches = pool.stream('select i from generate_series(1, 1000000) as i', [], { highWaterMark: 1 })[Symbol.asyncIterator]();
        try {
          const first = await within(batches.next(), 5000, `pool ${round}: the stream's first batch`);
          expect(first.done).toBe(false);
          expect(await within(pool.fetchval('select 2'), 3000, `pool ${round}: pool.fetchval while a stream holds a connection`)).toBe(2);
        } finally {
          await within(Promise.resolve(batches.return?.()), 3000, 'leaving the stream').catch(() => undefined);
        }
      } finally {
        await shutDown(pool);
      }
    }
  });
});

describe('connections opened ahead of demand', () => {
  it('calls made at once while minConnections are still opening take those connections over (10 fresh pools)', async () => {
    for (let round = 1; round <= 10; round++) {
      const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2, minConnections: 2 });
      try {
        const values = await within(Promise.all([pool.fetchval('select 1'), pool.fetchval('select 2'), pool.fetchval('select 3')]), 5000, `pool ${round}`);
        expect(values).toEqual([1, 2, 3]);
        expect((await pool.stats()).connections.open).toBeLessThanOrEqual(2);
      } finally {
        await shutDown(pool);
      }
    }
  });
});

describe('parameters that cannot be cloned', () => {
  const uncloneable: [string, unknown, string][] = [
    ['a function', () => 1, 'int4'],
    ['a Symbol', Symbol('not a value'), 'text'],
    ['an object holding a function', { a: 1, f: () => 1 }, 'jsonb'],
  ];

  function expectParameterError(error: unknown, parameter: number, what: string): void {
    expect(error, what).toBeInstanceOf(ParameterError);
    expect((error as Error).message, what).toMatch(new RegExp(`\\$${parameter}(?!\\d)`));
  }

  /** Errors nobody handled (uncaught exceptions, unhandled rejections) until stop(). */
  function watchUnhandled(): { errors: unknown[]; stop(): void } {
    const errors: unknown[] = [];
    const record = (error: unknown) => errors.push(error);
    process.on('unhandledRejection', record).on('uncaughtException', record);
    return { errors, stop: () => process.off('unhandledRejection', record).off('uncaughtException', record) };
  }

  it('reject with ParameterError naming the parameter on every call; the pool and the process carry on', async () => {
    const unhandled = watchUnhandled();
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
    try {
      for (const [label, value, type] of uncloneable) {
        const calls: [string, number, () => Promise<unknown>][] = [
          ['pool.query', 1, () => pool.query(`select $1::${type}`, [value])],
          ['pool.fetch', 2, () => pool.fetch(`select $1::int4, $2::${type}`, [1, value])],
          ['pool.fetchval', 1, () => pool.fetchval(`select $1::${type}`, [value])],
          ['pool.execute', 2, () => pool.execute(`select $1::int4, $2::${type}`, [1, value])],
          ['pool.executemany', 1, () => pool.executemany(`select $1::${type}`, [[null], [value]])],
          ['pool.stream', 1, async () => {
            for await (const batch of pool.stream(`select $1::${type}`, [value])) expect.fail(`a batch came: ${batch.numRows} rows`);
          }],
        ];
        for (const [name, parameter, call] of calls) {
          const what = `${name} with ${label} as $${parameter}`;
          expectParameterError(await failureOf(call, 3000, what), parameter, what);
        }
      }
      const session = await within(pool.acquire(), 5000, 'pool.acquire()');
      try {
        for (const [label, value, type] of uncloneable) {
          const what = `PooledConnection.fetch with ${label} as $2`;
          expectParameterError(await failureOf(() => session.fetch(`select $1::int4, $2::${type}`, [1, value]), 3000, what), 2, what);
          expect(await within(session.fetchval('select 1'), 3000, `the pinned connection after ${what}`)).toBe(1);
        }
      } finally {
        await within(session.release(), 3000, 'release()').catch(() => undefined);
      }
      expect(await within(pool.fetchval('select 42'), 3000, 'the pool afterwards')).toBe(42);
    } finally {
      unhandled.stop();
      // Reported even when the test failed earlier (e.g. a call that hung).
      expect.soft(unhandled.errors, 'errors nobody handled').toEqual([]);
      await shutDown(pool);
    }
  });

  it('valid calls made in the same tick settle normally', async () => {
    const unhandled = watchUnhandled();
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
    try {
      const settled = await within(Promise.allSettled([
        pool.fetchval('select 1'),
        pool.fetchval('select $1::int4', [() => 1]),
        pool.fetchval('select 3'),
        pool.fetchval('select $1::text', [Symbol('x')]),
        pool.fetchval('select $1::int4 + 1', [4]),
      ]), 5000, 'five calls in one tick, two with bad parameters');
      expect(settled[0]).toEqual({ status: 'fulfilled', value: 1 });
      expect(settled[2]).toEqual({ status: 'fulfilled', value: 3 });
      expect(settled[4]).toEqual({ status: 'fulfilled', value: 5 });
      for (const index of [1, 3]) {
        expect(settled[index].status).toBe('rejected');
        expect((settled[index] as PromiseRejectedResult).reason).toBeInstanceOf(ParameterError);
      }
      expect(await within(pool.fetchval('select 42'), 3000, 'the pool afterwards')).toBe(42);
    } finally {
      unhandled.stop();
      // Reported even when the test failed earlier (e.g. a call that hung).
      expect.soft(unhandled.errors, 'errors nobody handled').toEqual([]);
      await shutDown(pool);
    }
  });
});

describe('safe to log', () => {
  const password = decodeURIComponent(new URL(testDsn()).password);

  it.skipIf(password === '')('inspect, String and JSON.stringify of pools, connections, results and errors never throw nor show the password', async () => {
    const problems: string[] = [];
    const check = (label: string, value: unknown) => {
      const renderings: [string, (x: unknown) => string | undefined][] = [
        ['util.inspect', (x) => inspect(x)],
        ['util.inspect (depth: Infinity)', (x) => inspect(x, { depth: Infinity })],
        ['String', (x) => String(x)],
        ['JSON.stringify', (x) => JSON.stringify(x)],
      ];
      for (const [how, render] of renderings) {
        try {
          const text = render(value) ?? '';
          if (text.includes(password) || text.includes(encodeURIComponent(password))) problems.push(`${how}(${label}) shows the password`);
        } catch (error) {
          problems.push(`${how}(${label}) threw ${String((error as Error).message).split('\n')[0]}`);
        }
      }
    };
    // Rendering must not start anything either (e.g. a property read through an RPC proxy).
    const unhandled = (error: unknown) => problems.push(`an unhandled error while rendering: ${String((error as Error)?.message ?? error)}`);
    process.on('unhandledRejection', unhandled).on('uncaughtException', unhandled);
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
    const direct = await connectToTestServer();
    try {
      const session = await within(pool.acquire(), 5000, 'pool.acquire()');
      try {
        check('Pool', pool);
        check('PooledConnection', session);
        check('Connection', direct);
        check('Result', await within(pool.query('select 1 as one'), 3000, 'pool.query'));
        check('error of pool.fetchval', await failureOf(() => pool.fetchval('select 1/0'), 3000, 'pool.fetchval(select 1/0)'));
        check('error of PooledConnection.fetch', await failureOf(() => session.fetch('select 1/0'), 3000, 'session.fetch(select 1/0)'));
        check('error of Connection.fetch', await failureOf(() => direct.fetch('select 1/0'), 3000, 'direct.fetch(select 1/0)'));
        const badMode = new URL(testDsn());
        badMode.searchParams.set('sslmode', 'bogus');
        check('error of connect() with a bad sslmode', await failureOf(() => connect(badMode.toString()), 3000, 'connect(bad sslmode)'));
        check('error of createPool() with a bad sslmode', await failureOf(async () => createPool(badMode.toString()), 3000, 'createPool(bad sslmode)'));
        // A round trip on each, so that whatever the renderings set off has come back.
        expect(await within(session.fetchval('select 1'), 3000, 'the pinned connection after rendering')).toBe(1);
        expect(await within(pool.fetchval('select 1'), 3000, 'the pool after rendering')).toBe(1);
      } finally {
        process.off('unhandledRejection', unhandled).off('uncaughtException', unhandled);
        await within(session.release(), 3000, 'release()').catch(() => undefined);
      }
    } finally {
      await direct.close();
      await shutDown(pool);
    }
    expect(problems).toEqual([]);
  });
});

describe("failures to open a connection are the server's errors", () => {
  const expectServerError = (error: unknown, code: string, what: string) => {
    expect(error, what).toBeInstanceOf(PostgresError);
    expect((error as PostgresError).code, what).toBe(code);
  };

  it.skipIf(!fixture())('a wrong password: InvalidPasswordError (28P01) from acquire, transaction, fetchval and connect({ worker: true })', async () => {
    const url = new URL(testDsn());
    url.password = 'wrong-password-4711';
    const wrongDsn = url.toString();
    // Sessions on a main-thread connection (the default), then on a worker's.
    for (const mainThreadConnections of [1, 0]) {
    const pool = createPool(wrongDsn, { workers: 1, connectionsPerWorker: 1, mainThreadConnections });
    let ranTransaction = false;
    try {
      const calls: [string, () => Promise<unknown>][] = [
        ['pool.acquire()', () => pool.acquire()],
        ['pool.transaction(fn)', () => pool.transaction(async () => { ranTransaction = true; })],
        ['pool.fetchval()', () => pool.fetchval('select 1')],
      ];
      for (const [what, call] of calls) {
        const error = await failureOf(call, 5000, `${what}, mainThreadConnections: ${mainThreadConnections}`);
        expectServerError(error, '28P01', what);
        expect(error, what).toBeInstanceOf(InvalidPasswordError);
        expect(String(error)).not.toContain('wrong-password-4711');
      }
      expect(ranTransaction).toBe(false);
    } finally {
      await shutDown(pool);
    }
    }
    const error = await failureOf(() => connect(wrongDsn, { worker: true }), 5000, 'connect({ worker: true })');
    expectServerError(error, '28P01', 'connect({ worker: true })');
  });

  it("init 'select 1/0' fails fetchval and acquire with DivisionByZeroError (22012); so does setup SQL for acquire", async () => {
    const withInit = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, init: 'select 1/0' });
    try {
      for (const [what, call] of [['pool.fetchval() with init', () => withInit.fetchval('select 1')], ['pool.acquire() with init', () => withInit.acquire()]] as const) {
        const error = await failureOf(call, 5000, what);
        expectServerError(error, '22012', what);
        expect(error, what).toBeInstanceOf(DivisionByZeroError);
      }
    } finally {
      await shutDown(withInit);
    }
    const withSetup = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, setup: 'select 1/0' });
    try {
      const error = await failureOf(() => withSetup.acquire(), 5000, 'pool.acquire() with setup');
      expectServerError(error, '22012', 'pool.acquire() with setup');
    } finally {
      await shutDown(withSetup);
    }
  });
});

describe('result shapes and session state', () => {
  it('columns cross once per statement and stay right past the 512 shapes both threads remember', async () => {
    // One worker, one connection keeping every statement prepared: 600 statements make 600
    // shapes, and the first ones come back with the same shape after both sides forgot it.
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, statementCacheSize: 1000 });
    try {
      const sqlOf = (i: number) => `select $1::int4 + ${i} as c${i}, 'x' || ${i} as t${i}`;
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 600; i += round === 0 ? 1 : 7) {
          const row = await pool.fetchrow<Record<string, unknown>>(sqlOf(i), [round]);
          expect(row).toEqual({ [`c${i}`]: i + round, [`t${i}`]: `x${i}` });
        }
      }
      // The same statement again and again: one shape, columns sent once, rows still right.
      const rows = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.fetchval(sqlOf(3), [i])));
      expect(rows).toEqual(Array.from({ length: 50 }, (_, i) => i + 3));
    } finally {
      await shutDown(pool);
    }
  });

  it("a pinned connection's parameters follow SET, though the worker sends them only when they change", async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    try {
      const connection = await pool.acquire();
      const before = connection.parameters.get('application_name');
      await connection.execute("SET application_name = 'shape-test'");
      expect(connection.parameters.get('application_name')).toBe('shape-test');
      await connection.fetchval('select 1');
      expect(connection.parameters.get('application_name')).toBe('shape-test');
      expect(connection.parameters.get('server_version')).toBeTruthy();
      await connection.release();
      const next = await pool.acquire();
      expect(next.parameters.get('application_name')).toBe(before);
      await next.release();
    } finally {
      await shutDown(pool);
    }
  });
});

describe('misuse and lifecycle', () => {
  it('listen() on a released PooledConnection rejects with InterfaceError', async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    try {
      const session = await within(pool.acquire(), 5000, 'pool.acquire()');
      await within(session.release(), 3000, 'release()');
      const error = await failureOf(() => session.listen('released_channel', () => undefined), 2000, 'listen() on a released connection');
      expect(error).toBeInstanceOf(InterfaceError);
    } finally {
      await shutDown(pool);
    }
  });

  it('an invalid signal option rejects with InterfaceError on pool.query, pool.fetchval, pool.acquire and PooledConnection.fetch', async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
    try {
      const session = await within(pool.acquire(), 5000, 'pool.acquire()');
      try {
        for (const [label, signal] of [["'x'", 'x'], ['{}', {}]] as const) {
          const options = { signal: signal as unknown as AbortSignal };
          const calls: [string, () => Promise<unknown>][] = [
            ['pool.query', () => pool.query('select 1', [], options)],
            ['pool.fetchval', () => pool.fetchval('select 1', [], 0, options)],
            ['pool.acquire', () => pool.acquire(options)],
            ['PooledConnection.fetch', () => session.fetch('select 1', [], options)],
          ];
          for (const [name, call] of calls) {
            const what = `${name} with signal ${label}`;
            expect(await failureOf(call, 2000, what), what).toBeInstanceOf(InterfaceError);
          }
        }
        expect(await within(session.fetchval('select 1'), 3000, 'the pinned connection afterwards')).toBe(1);
      } finally {
        await within(session.release(), 3000, 'release()').catch(() => undefined);
      }
    } finally {
      await shutDown(pool);
    }
  });

  it('an abort right after withConnection() on an idle pool rejects with QueryAbortedError; fn never runs', async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    try {
      expect(await within(pool.fetchval('select 1'), 5000, 'warming the pool')).toBe(1);
      let ran = false;
      const controller = new AbortController();
      const pending = pool.withConnection(async () => {
        ran = true;
        return 'ran';
      }, { signal: controller.signal });
      controller.abort();
      expect(await rejectionOf(within(pending, 2000, 'withConnection aborted at once'))).toBeInstanceOf(QueryAbortedError);
      expect(ran).toBe(false);
      expect(await within(pool.fetchval('select 2'), 3000, 'the pool afterwards')).toBe(2);
    } finally {
      await shutDown(pool);
    }
  });

  it('close() right after createPool resolves within 2 s', async () => {
    const pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 1 });
    try {
      await within(pool.close(), 2000, 'pool.close() while the workers start');
    } catch (error) {
      await within(pool.terminate(), 1000, 'pool.terminate()').catch(() => undefined);
      throw error;
    }
  });

  it('stats() of a fresh pool resolves without a round trip', async () => {
    const pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 1 });
    try {
      let done = false;
      void pool.stats().then(() => {
        done = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(done).toBe(true);
    } finally {
      await shutDown(pool);
    }
  });

  it('stats() counts per worker and in total: a pinned session, then a stream being iterated', async () => {
    // The workers' connections only: a session would otherwise pin one of the main thread's.
    const pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 2, mainThreadConnections: 0 });
    const expectShape = (stats: { connections: ConnectionStates; perWorker: ConnectionStates[] }, what: string) => {
      expect(Array.isArray(stats.perWorker), `${what}: perWorker is an array`).toBe(true);
      expect(stats.perWorker, what).toHaveLength(2);
      for (const field of countFields) {
        expect(Number.isInteger(stats.connections?.[field]), `${what}: connections.${field} is a count`).toBe(true);
        expect(stats.perWorker.reduce((sum, worker) => sum + worker[field], 0), `${what}: perWorker ${field} adds up to the total`).toBe(stats.connections[field]);
      }
    };
    try {
      const session: PooledConnection = await within(pool.acquire(), 5000, 'pool.acquire()');
      try {
        const pinned = await within(pool.stats(), 2000, 'stats() with a session pinned');
        expectShape(pinned, 'with a session pinned');
        expect(pinned.connections.pinned).toBe(1);
        expect(pinned.connections.streaming).toBe(0);
      } finally {
        await within(session.release(), 3000, 'release()').catch(() => undefined);
      }
      const batches = pool.stream('select i from generate_series(1, 1000000) as i', [], { highWaterMark: 1 })[Symbol.asyncIterator]();
      try {
        expect((await within(batches.next(), 5000, "the stream's first batch")).done).toBe(false);
        const streaming = await within(pool.stats(), 2000, 'stats() while a stream is iterated');
        expectShape(streaming, 'while a stream is iterated');
        expect(streaming.connections.streaming).toBe(1);
        expect(streaming.connections.pinned).toBe(0);
      } finally {
        await within(Promise.resolve(batches.return?.()), 3000, 'leaving the stream').catch(() => undefined);
      }
    } finally {
      await shutDown(pool);
    }
  });
});

describe('rows without freezing', () => {
  it('pool.fetch of 400K rows lets other callbacks run while it builds them: no gap near building them in one go', async () => {
    const count = 400_000;
    const sql = `select i as id, (i * 1.5)::float8 as x, 'name-' || i as name, timestamptz '2020-01-01' + i * interval '1 second' as ts
      from generate_series(1, ${count}) as i`;
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, mainThreadConnections: 0 });
    try {
      // What building every row at once holds the loop for, here and now: the same rows from columns.
      const columnar = await within(pool.query(sql), 20_000, 'pool.query of the rows as columns');
      const started = performance.now();
      const expectedLast = columnar.rows[count - 1];
      const inOneGo = performance.now() - started;

      // A chain of callbacks that notes the longest time between two of its turns, until the turn
      // after the fetch settled (which also measures any work done just before it settled).
      let longestGap = 0;
      let last = performance.now();
      let fetching = true;
      const chainEnded = new Promise<void>((resolve) => {
        const tick = () => {
          const now = performance.now();
          longestGap = Math.max(longestGap, now - last);
          last = now;
          if (fetching) setImmediate(tick);
          else resolve();
        };
        setImmediate(tick);
      });
      const rows = await within(pool.fetch(sql), 20_000, 'pool.fetch of the rows');
      fetching = false;
      await chainEnded;

      expect(rows).toHaveLength(count);
      expect(rows[count - 1]).toEqual(expectedLast);
      expect(longestGap, `the longest gap (${longestGap.toFixed(1)} ms) against ${inOneGo.toFixed(1)} ms in one go`).toBeLessThan(inOneGo / 2);
    } finally {
      await shutDown(pool);
    }
  });
});
