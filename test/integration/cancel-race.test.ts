// The timeout/abort race, 500 rounds on every kind of connection (connect(), the pool's one-shot
// calls, a pinned connection): a call that sleeps a random few ms is given up by a timeout or an
// AbortSignal firing at a random moment — before it is sent, while it runs, or just as it ends —
// and the next call must return its own answer: never the given-up call's reply, never cancelled
// by the given-up call's CancelRequest.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, QueryAbortedError, QueryCanceledError, QueryTimeoutError, type CallOptions, type Connection, type Pool, type PooledConnection } from '../../src/main/index.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';
import { connectToTestServer, testDsn } from '../support/server.js';

const ROUNDS = 500;

interface Calls {
  /** Returns `answer` after sleeping `seconds` on the server. */
  sleepThen(seconds: number, answer: number, options: CallOptions): Promise<number | null>;
  /** Returns `answer` at once. */
  answer(value: number): Promise<number | null>;
}

async function race(calls: Calls): Promise<void> {
  const outcomes = { finished: 0, timedOut: 0, aborted: 0 };
  for (let i = 0; i < ROUNDS; i++) {
    const seconds = Math.random() * 0.008;
    const after = 1 + Math.floor(Math.random() * 8);
    const byAbort = i % 2 === 1;
    const what = `round ${i}: pg_sleep(${seconds.toFixed(4)}) given up by ${byAbort ? 'an abort' : 'a timeout'} after ${after} ms`;
    const controller = new AbortController();
    // The abort's moment is the race itself: a timer, not a wait for state.
    const timer = byAbort ? setTimeout(() => controller.abort(), after) : undefined;
    const outcome = await within(calls.sleepThen(seconds, i, byAbort ? { signal: controller.signal } : { timeout: after }).catch((error: unknown) => error), 3000, what);
    clearTimeout(timer);
    if (outcome === i) outcomes.finished++;
    else if (outcome instanceof QueryCanceledError) expect.fail(`${what}: cancelled by the server (${outcome.code}) before it was given up: an earlier cancel landed on it`);
    else if (byAbort && outcome instanceof QueryAbortedError && !(outcome instanceof QueryTimeoutError)) outcomes.aborted++;
    else if (!byAbort && outcome instanceof QueryTimeoutError) outcomes.timedOut++;
    else expect.fail(`${what}: ended with ${String(outcome)}, not its answer ${i} or its own give-up error`);
    const next = await within(calls.answer(ROUNDS + i).catch((error: unknown) => error), 3000, `${what}, then the next call`);
    if (next !== ROUNDS + i) expect.fail(`${what}: the next call returned ${String(next)}, not its own answer ${ROUNDS + i}`);
  }
  // Every path was taken: calls that finished, timed out and were aborted.
  expect(outcomes.finished, JSON.stringify(outcomes)).toBeGreaterThan(0);
  expect(outcomes.timedOut, JSON.stringify(outcomes)).toBeGreaterThan(0);
  expect(outcomes.aborted, JSON.stringify(outcomes)).toBeGreaterThan(0);
}

describe(`the timeout/abort race (${ROUNDS} rounds): each next call returns its own answer`, () => {
  let pool: Pool;

  beforeAll(async () => {
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    expect(await within(pool.fetchval('select 1'), 10_000, 'starting the pool')).toBe(1);
  });
  afterAll(async () => {
    await shutDown(pool);
  });

  it('on a connect() Connection', async () => {
    const db: Connection = await connectToTestServer();
    try {
      await race({
        sleepThen: (seconds, answer, options) => db.fetchval<number>('select $2::int4 from pg_sleep($1)', [seconds, answer], 0, options),
        answer: (value) => db.fetchval<number>('select $1::int4', [value]),
      });
    } finally {
      db.terminate();
    }
  });

  it('on the pool\'s one-shot calls (one connection, so each next call runs where the given-up one ran)', async () => {
    await race({
      sleepThen: (seconds, answer, options) => pool.fetchval<number>('select $2::int4 from pg_sleep($1)', [seconds, answer], 0, options),
      answer: (value) => pool.fetchval<number>('select $1::int4', [value]),
    });
  });

  it('a pinned connection: a timeout and an abort each end the statement on the server (pg_stat_activity), the backend kept', async () => {
    const watcher = await connectToTestServer();
    const pinned: PooledConnection = await within(pool.acquire(), 5000, 'pool.acquire()');
    try {
      for (const byAbort of [false, true]) {
        const tag = `cancel_race_${process.pid}_${byAbort ? 'abort' : 'timeout'}`;
        const controller = new AbortController();
        const running = rejectionOf(pinned.fetch(`select pg_sleep(30), '${tag}'`, [], byAbort ? { signal: controller.signal } : { timeout: 1000 }));
        const activeWithTag = async () => (await watcher.fetchval<number>("select count(*)::int4 from pg_stat_activity where pid = $1 and state = 'active' and query like $2", [pinned.processId, `%${tag}%`])) ?? 0;
        await waitFor(async () => ((await activeWithTag()) === 1 ? true : undefined), 5000, `${tag}: the statement running on the server`);
        controller.abort();
        expect(await within(running, 5000, tag)).toBeInstanceOf(byAbort ? QueryAbortedError : QueryTimeoutError);
        // The cancel reached the server: the backend stops running it, and stays (no new connection).
        await waitFor(async () => ((await activeWithTag()) === 0 ? true : undefined), 5000, `${tag}: the statement to end on the server`);
        expect(await watcher.fetchval('select state from pg_stat_activity where pid = $1', [pinned.processId]), tag).toBe('idle');
        expect(await within(pinned.fetchval<number>('select pg_backend_pid()'), 3000, `${tag}: the next call`)).toBe(pinned.processId);
      }
    } finally {
      await within(pinned.release(), 3000, 'release()').catch(() => undefined);
      await watcher.close();
    }
  });

  it('on a pinned connection', async () => {
    const pinned: PooledConnection = await within(pool.acquire(), 5000, 'pool.acquire()');
    try {
      await race({
        sleepThen: (seconds, answer, options) => pinned.fetchval<number>('select $2::int4 from pg_sleep($1)', [seconds, answer], 0, options),
        answer: (value) => pinned.fetchval<number>('select $1::int4', [value]),
      });
    } finally {
      await within(pinned.release(), 3000, 'release()').catch(() => undefined);
    }
  });
});

/** A call on a connection whose earlier call still runs there: the cancel must wait for it. */
interface Pipelined {
  processId: number;
  fetchval<T>(sql: string, params: readonly unknown[], column: number, options?: CallOptions): Promise<T | null>;
}

describe('a call given up behind an earlier call on its connection never cancels that call', () => {
  /**
   * `prepared`: the given-up call's statement is cached, so it is written whole behind the earlier
   * call and must be cancelled once that call has ended; else it is still being prepared when it
   * is given up, and must stop there, its statement never run.
   */
  async function giveUpBehind(db: Pipelined, byAbort: boolean, prepared: boolean): Promise<void> {
    const watcher = await connectToTestServer();
    try {
      const tag = `cancel_behind_${process.pid}_${byAbort ? 'abort' : 'timeout'}_${prepared ? 'prepared' : 'new'}`;
      const sql = `select pg_sleep($1::float8), '${tag}'`;
      if (prepared) await db.fetchval(sql, [0], 0);
      const controller = new AbortController();
      // The earlier call: long enough that the later one is given up while the server still runs it.
      const earlier = db.fetchval<number>('select $1::int4 from pg_sleep(0.4)', [7], 0).catch((error: unknown) => error);
      const later = rejectionOf(db.fetchval(sql, [30], 0, byAbort ? { signal: controller.signal } : { timeout: 100 }));
      if (byAbort) setTimeout(() => controller.abort(), 100);
      expect(await within(later, 5000, 'the given-up call')).toBeInstanceOf(byAbort ? QueryAbortedError : QueryTimeoutError);
      // Before the fix, its CancelRequest reached the server while it still ran the earlier call.
      expect(await within(earlier, 5000, 'the earlier call')).toBe(7);
      // Once the earlier call has ended, the given-up one is cancelled on the server in turn, or never ran.
      await waitFor(async () => ((await watcher.fetchval<number>("select count(*)::int4 from pg_stat_activity where pid = $1 and state = 'active' and query like $2", [db.processId, `%${tag}%`])) === 0 ? true : undefined), 5000, `${tag}: the given-up statement to end on the server`);
      expect(await within(db.fetchval<number>('select pg_backend_pid()', [], 0), 3000, 'the next call')).toBe(db.processId);
    } finally {
      await watcher.close();
    }
  }

  async function everyWay(db: Pipelined): Promise<void> {
    for (const prepared of [true, false]) {
      for (const byAbort of [false, true]) await giveUpBehind(db, byAbort, prepared);
    }
  }

  it('on a connect() Connection, by a timeout and by an abort, its statement prepared or new', async () => {
    const db = await connectToTestServer();
    try {
      await everyWay(db);
    } finally {
      db.terminate();
    }
  });

  for (const mainThreadConnections of [1, 0]) {
    it(`on a pinned connection ${mainThreadConnections === 0 ? 'in a worker' : 'on the main thread'}, by a timeout and by an abort, its statement prepared or new`, async () => {
      const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, mainThreadConnections });
      try {
        const pinned = await within(pool.acquire(), 10_000, 'pool.acquire()');
        expect((await pool.stats()).mainThread.pinned).toBe(mainThreadConnections);
        await everyWay(pinned);
        await within(pinned.release(), 3000, 'release()');
      } finally {
        await shutDown(pool);
      }
    });
  }
});
