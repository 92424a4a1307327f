// Randomised interleavings of the pool's calls on small pools: one-shot calls with timeouts and
// aborts, sessions that call the pool from inside, transactions that fail, pinned connections with
// prepared statements, streams broken off or aborted, large columnar results, cursors, bad
// parameters. Each caller checks every answer is its own; at the end nothing is held and the pool
// still serves. The choices come from a seeded generator (the seed is in the test's name), the
// timing from the machine. This is how the result-shape bug of pool-faults.test.ts was found.

import { describe, expect, it } from 'vitest';
import {
  createPool, DivisionByZeroError, ParameterError, QueryAbortedError, QueryTimeoutError, type Pool, type PoolOptions, type Queryable,
} from '../../src/main/index.js';
import { shutDown, waitFor, within } from '../support/deadlines.js';
import { chaosSeed, seededPicker } from '../support/seeded.js';
import { testDsn } from '../support/server.js';

const SECONDS = 4;
const CALLERS = 12;

class Chaos {
  readonly wrong: string[] = [];
  readonly counts = new Map<string, number>();
  private next = 0;

  constructor(private readonly pool: Pool, private readonly pick: (n: number) => number) {}

  count(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  check(ok: boolean, what: string): void {
    if (!ok && this.wrong.length < 20) this.wrong.push(what);
  }

  /** A timeout, an abort that fires soon, or neither. */
  private giveUpOptions(): { timeout?: number; signal?: AbortSignal } {
    switch (this.pick(4)) {
      case 0:
        return { timeout: 1 + this.pick(15) };
      case 1: {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), this.pick(10));
        return { signal: controller.signal };
      }
      default:
        return {};
    }
  }

  /** `n` back from `on`, or a timeout's or an abort's error when one was set. */
  private async echo(on: Queryable, n: number, kind: string, options = this.giveUpOptions()): Promise<void> {
    const sql = `select $1::int4 as v, pg_sleep(${(this.pick(4) * 0.005).toFixed(3)})`;
    try {
      const value = await on.fetchval(sql, [n], 0, options);
      this.check(value === n, `${kind}: got ${String(value)} for ${n}`);
      this.count(kind);
    } catch (error) {
      const givenUp = error instanceof QueryTimeoutError || error instanceof QueryAbortedError;
      if (!givenUp || (options.timeout === undefined && options.signal === undefined)) throw error;
      this.count(`${kind} given up`);
    }
  }

  async step(): Promise<void> {
    const pool = this.pool;
    const id = ++this.next;
    switch (this.pick(13)) {
      case 0:
      case 1:
        return this.echo(pool, id, 'one-shot');
      case 2: {
        // A call from inside a session (with a timeout: sessions of every caller may pin every connection).
        const sessionOptions = this.pick(3) === 0 ? { timeout: 5 + this.pick(40) } : {};
        try {
          await pool.withConnection(async (connection) => {
            await this.echo(connection, id, 'session');
            await this.echo(pool, -id, 'nested', { timeout: 300 });
            await this.echo(connection, id + 1, 'session again');
          }, sessionOptions);
        } catch (error) {
          if (!(error instanceof QueryTimeoutError || error instanceof QueryAbortedError)) throw error;
          this.count('session given up');
        }
        return;
      }
      case 3: {
        const fails = this.pick(3) === 0;
        try {
          const untouched = await pool.transaction(async (tx) => {
            await this.echo(tx, id, 'transaction', {});
            await this.echo(pool, -id, 'nested in a transaction', { timeout: 300 });
            if (fails) await tx.fetchval('select 1/0');
            return tx.fetchval('select txid_current_if_assigned() is null');
          });
          this.check(!fails && untouched === true, `transaction: ${String(untouched)} (meant to fail: ${fails})`);
        } catch (error) {
          this.check(fails && error instanceof DivisionByZeroError, `transaction: ${String(error)}`);
        }
        this.count('transaction');
        return;
      }
      case 4: {
        const pinned = await pool.acquire();
        try {
          for (let k = 0; k < 3; k++) await this.echo(pinned, id * 10 + k, 'pinned');
          const statement = await pinned.prepare('select $1::int4 + 1 as v');
          this.check((await statement.fetchval([id])) === id + 1, 'prepared statement');
        } finally {
          await pinned.release();
        }
        return;
      }
      case 5: {
        let rows = 0;
        for await (const batch of pool.stream('select i from generate_series(1, $1::int4) i', [300_000])) {
          rows += batch.numRows;
          if (this.pick(2) === 0) break;
        }
        this.check(rows > 0, 'a stream broken off gave no rows');
        this.count('stream broken off');
        return;
      }
      case 6: {
        const controller = new AbortController();
        let rows = 0;
        try {
          for await (const batch of pool.stream('select i from generate_series(1, $1::int4) i', [300_000], { signal: controller.signal })) {
            rows += batch.numRows;
            if (this.pick(2) === 0) controller.abort();
          }
          this.check(rows === 300_000, `a stream not aborted gave ${rows} rows`);
        } catch (error) {
          this.check(error instanceof QueryAbortedError, `an aborted stream: ${String(error)}`);
        }
        this.count('stream aborted');
        return;
      }
      case 7: {
        try {
          await pool.fetchval('select 1/0');
          this.check(false, 'select 1/0 succeeded');
        } catch (error) {
          this.check(error instanceof DivisionByZeroError, `select 1/0: ${String(error)}`);
        }
        this.count('server error');
        return;
      }
      case 8: {
        const rows = 20_000 + this.pick(20_000);
        try {
          const result = await pool.query('select i, repeat(\'x\', 50) as s from generate_series(1, $1::int4) i', [rows], this.giveUpOptions());
          const ids = result.column('i') as ArrayLike<number>;
          this.check(result.numRows === rows && ids[rows - 1] === rows, `columns of ${rows} rows: ${result.numRows}`);
          this.count('columns');
        } catch (error) {
          if (!(error instanceof QueryTimeoutError || error instanceof QueryAbortedError)) throw error;
          this.count('columns given up');
        }
        return;
      }
      case 9: {
        await pool.transaction(async (tx) => {
          const cursor = await tx.cursor<{ i: number }>('select i from generate_series(1, 1000) i');
          const first = await cursor.fetch(10);
          const next = await cursor.fetch(5);
          this.check(first[0]?.i === 1 && next[0]?.i === 11, 'cursor rows');
        });
        this.count('cursor');
        return;
      }
      case 10: {
        try {
          await pool.fetchval('select $1::int4', [() => 1]);
          this.check(false, 'a function as a parameter was accepted');
        } catch (error) {
          this.check(error instanceof ParameterError, `a function as a parameter: ${String(error)}`);
        }
        this.count('bad parameter');
        return;
      }
      case 11: {
        await pool.executemany('select $1::int4', [[1], [2], [3]]);
        this.count('executemany');
        return;
      }
      default: {
        const count = 500 + this.pick(3000);
        const rows = await pool.fetch<{ i: number; t: string }>('select i, i::text as t from generate_series(1, $1::int4) i', [count]);
        this.check(rows.length === count && rows[count - 1]?.t === String(count), `fetch of ${count} rows`);
        this.count('fetch');
      }
    }
  }
}

const pools: [string, PoolOptions, number][] = [
  ['1 worker × 1 connection and 1 on the main thread', { workers: 1, connectionsPerWorker: 1, mainThreadConnections: 1 }, 3],
  ['2 workers × 1 connection, none on the main thread', { workers: 2, connectionsPerWorker: 1, mainThreadConnections: 0 }, 5],
  ['2 workers × 2 connections and 1 on the main thread', { workers: 2, connectionsPerWorker: 2, mainThreadConnections: 1 }, 7],
];

describe(`${CALLERS} callers mixing every kind of call for ${SECONDS} s`, () => {
  for (const [name, options, ownSeed] of pools) {
    const seed = chaosSeed(ownSeed);
    it(`on a pool of ${name} (seed ${seed}): every call settles with its own answer, nothing stays held`, async () => {
      const pool = createPool(testDsn(), { ...options, cancelGracePeriod: 500 });
      try {
        const chaos = new Chaos(pool, seededPicker(seed));
        const deadline = Date.now() + SECONDS * 1000;
        const callers = Array.from({ length: CALLERS }, async (_, caller) => {
          while (Date.now() < deadline) {
            try {
              await chaos.step();
            } catch (error) {
              chaos.check(false, `caller ${caller}: ${String(error)}`);
            }
          }
        });
        await within(Promise.all(callers), SECONDS * 1000 + 30_000, 'the callers');
        expect(chaos.wrong).toEqual([]);
        for (const kind of ['one-shot', 'session', 'transaction', 'pinned', 'stream broken off', 'stream aborted', 'columns', 'fetch']) {
          // Some runs give up every call of a kind: it was still made and checked.
          const made = (chaos.counts.get(kind) ?? 0) + (chaos.counts.get(`${kind} given up`) ?? 0);
          expect(made, `calls of kind ${kind}`).toBeGreaterThan(0);
        }
        // Released sessions free their place once reset: wait for it, bounded.
        const connections = await waitFor(async () => {
          const { connections } = await pool.stats();
          return connections.busy === 0 && connections.pinned === 0 && connections.streaming === 0 ? connections : undefined;
        }, 5000, 'every connection free');
        expect(connections.broken).toBe(0);
        expect(await within(pool.fetchval('select 40 + 2'), 2000, 'a call afterwards')).toBe(42);
      } finally {
        await shutDown(pool);
      }
    }, 60_000);
  }
});
