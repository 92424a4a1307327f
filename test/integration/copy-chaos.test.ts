// COPY under randomised give-ups, on small pools: six callers load numbered batches with
// copyRecordsToTable, copyToTable (an async source) and copyRecordsToTable inside transactions
// that sometimes roll back, and read the table with copyFromTable, with aborts and timeouts at
// random moments. What each call said must be what the table holds: a batch whose call resolved
// is there whole, one whose call was given up (or rolled back) is not there at all. The choices
// come from a seeded generator (the seed is in the test's name), the timing from the machine.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, QueryAbortedError, type Connection, type Pool, type PoolOptions } from '../../src/main/index.js';
import { shutDown, within } from '../support/deadlines.js';
import { chaosSeed, seededPicker } from '../support/seeded.js';
import { connectToTestServer, testDsn, uniqueTable } from '../support/server.js';

const SECONDS = 4;
const CALLERS = 6;

const ROLLED_BACK = new Error('roll this transaction back');

describe(`${CALLERS} callers loading and reading with COPY for ${SECONDS} s, given up at random`, () => {
  let direct: Connection;
  beforeAll(async () => {
    direct = await connectToTestServer();
  });
  afterAll(async () => {
    await direct?.close();
  });

  const pools: [string, PoolOptions, number][] = [
    ['1 worker × 2 connections and 1 on the main thread', { workers: 1, connectionsPerWorker: 2, mainThreadConnections: 1 }, 11],
    ['2 workers × 1 connection, none on the main thread', { workers: 2, connectionsPerWorker: 1, mainThreadConnections: 0 }, 13],
  ];
  for (const [name, options, ownSeed] of pools) {
    const seed = chaosSeed(ownSeed);
    it(`on a pool of ${name} (seed ${seed}): every batch is in the table whole or not at all, as its call said`, async () => {
      const table = uniqueTable('copy_chaos');
      await direct.execute(`create unlogged table ${table} (batch int4, k int4, label text)`);
      const pool: Pool = createPool(testDsn(), { ...options, cancelGracePeriod: 2000 });
      const pick = seededPicker(seed);
      /** Rows each batch's call said are in the table: n when it resolved, 0 when given up or rolled back. */
      const said = new Map<number, number>();
      const wrong: string[] = [];
      let lastBatch = 0;
      let givenUp = 0;
      let loaded = 0;
      const giveUpOptions = (): { signal?: AbortSignal; timeout?: number } => {
        if (pick(3) === 0) {
          const controller = new AbortController();
          setTimeout(() => controller.abort(), pick(30));
          return { signal: controller.signal };
        }
        return pick(4) === 0 ? { timeout: 1 + pick(30) } : {};
      };
      const step = async (): Promise<void> => {
        const batch = ++lastBatch;
        const rows = 1 + pick(20_000);
        const options = giveUpOptions();
        try {
          switch (pick(4)) {
            case 0:
              await pool.copyRecordsToTable(table, { records: Array.from({ length: rows }, (_, k) => [batch, k, `r${k}`]), ...options });
              break;
            case 1: {
              const source = async function* () {
                for (let k = 0; k < rows; k += 1000) {
                  let text = '';
                  for (let j = k; j < Math.min(rows, k + 1000); j++) text += `${batch}\t${j}\tt${j}\n`;
                  yield text;
                }
              };
              await pool.copyToTable(table, { source: source(), ...options });
              break;
            }
            case 2: {
              let bytes = 0;
              await pool.copyFromTable(table, { output: async (chunk) => void (bytes += chunk.length), ...options });
              said.set(batch, 0);
              return;
            }
            default:
              await pool.transaction(async (tx) => {
                await tx.copyRecordsToTable(table, { records: Array.from({ length: rows }, (_, k) => [batch, k, 'tx']) });
                if (pick(3) === 0) throw ROLLED_BACK;
              });
          }
          said.set(batch, rows);
          loaded++;
        } catch (error) {
          if (error === ROLLED_BACK || error instanceof QueryAbortedError) {
            said.set(batch, 0);
            givenUp++;
          } else if (wrong.length < 20) {
            wrong.push(`batch ${batch}: ${String(error)}`);
          }
        }
      };
      try {
        const deadline = Date.now() + SECONDS * 1000;
        const callers = Array.from({ length: CALLERS }, async () => {
          while (Date.now() < deadline) await step();
        });
        await within(Promise.all(callers), SECONDS * 1000 + 30_000, 'the callers');
        expect(wrong).toEqual([]);
        expect(loaded, 'COPYs that loaded their batch').toBeGreaterThan(0);
        expect(givenUp, 'COPYs given up or rolled back').toBeGreaterThan(0);
        const found = new Map((await direct.fetch<{ batch: number; n: number; distinct: number }>(
          `select batch, count(*)::int4 as n, count(distinct k)::int4 as distinct from ${table} group by batch`,
        )).map((row) => [row.batch, row]));
        for (const [batch, rows] of said) {
          const row = found.get(batch);
          expect({ batch, rows: row?.n ?? 0, distinct: row?.distinct ?? 0 }).toEqual({ batch, rows, distinct: rows });
        }
        for (const batch of found.keys()) expect(said.has(batch), `batch ${batch} in the table was never loaded`).toBe(true);
        expect(await within(pool.fetchval('select 40 + 2'), 5000, 'a call afterwards')).toBe(42);
      } finally {
        await shutDown(pool);
        await direct.execute(`drop table if exists ${table}`);
      }
    }, 60_000);
  }
});
