// pool.stream(), large results through the pool, and worker faults.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { createPool, QueryAbortedError, WorkerCrashedError, type Connection, type Pool } from '../../src/main/index.js';
import { BatchBuilder, buffersOf, layoutFor } from '../../src/codec/batch/index.js';
import * as oids from '../../src/codec/types/oids.js';
import { connectToTestServer, testDsn } from '../support/server.js';

describe('pool.stream and large results', () => {
  let pool: Pool;
  let direct: Connection;
  beforeAll(async () => {
    pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 2 });
    direct = await connectToTestServer();
  });
  afterAll(async () => {
    await pool?.close();
    await direct?.close();
  });

  it('1M rows through pool.query equal the same rows through connect()', async () => {
    const sql = "select i, i::int8 * 7 as big, 'r' || i as label, i * 0.25::float8 as half from generate_series(1, 1000000) as i";
    const [result, rows] = await Promise.all([pool.query(sql), direct.fetch<{ i: number; big: bigint; label: string; half: number }>(sql, [], { rowMode: 'object' })]);
    expect(result.numRows).toBe(1_000_000);
    expect(result.batches.length).toBeGreaterThan(1);
    const ids = result.column('i') as Int32Array;
    const bigs = result.column('big') as BigInt64Array;
    const halves = result.column('half') as Float64Array;
    const labels = result.column('label') as string[];
    let mismatches = 0;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (ids[r] !== row.i || bigs[r] !== row.big || halves[r] !== row.half || labels[r] !== row.label) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(result.rows[999_999]).toEqual(rows[999_999]);
  });

  it('fetch builds rows from batches sent ahead of the reply, in order, equal to connect()', async () => {
    const sql = "select i, case when i % 5 = 0 then null else 'v' || i end as label, i::int8 * 11 as big from generate_series(1, 150000) as i";
    const [pooled, inline] = await Promise.all([pool.fetch(sql), direct.fetch(sql)]);
    expect(pooled).toHaveLength(150_000);
    expect(pooled).toEqual(inline);
    expect(await pool.fetch(sql, [], { rowMode: 'array' })).toEqual(await direct.fetch(sql, [], { rowMode: 'array' }));
  });

  it('streams batches in order and ends with every row', async () => {
    let next = 1;
    let batches = 0;
    for await (const batch of pool.stream('select i from generate_series(1, 200000) as i')) {
      const ids = batch.column('i') as Int32Array;
      for (let r = 0; r < batch.numRows; r++) if (ids[r] !== next++) throw new Error(`row ${r} is ${ids[r]}`);
      batches++;
    }
    expect(next).toBe(200_001);
    expect(batches).toBeGreaterThan(1);
  });

  it('a consumer that stops early cancels the query; the pool stays usable', async () => {
    let seen = 0;
    // Past row 150 000 each row takes 10 ms: only a cancel ends this query in reasonable time.
    const sql = 'select i, pg_sleep(case when i > 150000 then 0.01 else 0 end) as slow_tail from generate_series(1, 300000) as i';
    const started = Date.now();
    for await (const batch of pool.stream(sql, [], { highWaterMark: 1 })) {
      seen += batch.numRows;
      if (seen > 100_000) break;
    }
    for (let active = 1n; active > 0n;) {
      active = (await direct.fetchval<bigint>("select count(*) from pg_stat_activity where query like '%slow_tail%' and state = 'active' and pid <> pg_backend_pid()"))!;
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await pool.fetchval('select 40 + 2')).toBe(42);
  });

  it('an aborted stream rejects its iteration with QueryAbortedError', async () => {
    const controller = new AbortController();
    const iterate = async () => {
      for await (const batch of pool.stream('select i from generate_series(1, 3000000) as i', [], { signal: controller.signal, highWaterMark: 1 })) {
        if (batch.numRows > 0) controller.abort();
      }
    };
    await expect(iterate()).rejects.toThrow(QueryAbortedError);
    expect(await pool.fetchval('select 1')).toBe(1);
  });

  it('hands every batch buffer over: after the transfer the sender\'s views are detached', async () => {
    const builder = new BatchBuilder([layoutFor(oids.INT4, true), layoutFor(oids.TEXT, true)]);
    const sample = await direct.fetch<{ i: number }>('select 1 as i');
    expect(sample).toHaveLength(1);
    const row = new Uint8Array([0, 2, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0, 1, 65]);
    builder.addRow(row, new DataView(row.buffer), 0, row.length);
    const batch = builder.finish();
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<unknown>((resolve) => port2.once('message', resolve));
    port1.postMessage(batch, buffersOf(batch));
    await received;
    for (const column of batch.columns) {
      for (const part of [column.values, column.offsets, column.data]) if (part) expect(part.byteLength).toBe(0);
    }
    port1.close();
    port2.close();
  });
});

describe('pool faults', () => {
  it('a worker that dies fails its in-flight queries with WorkerCrashedError; the pool goes on', async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
    try {
      expect(await pool.fetchval('select 1')).toBe(1);
      const running = pool.fetch('select pg_sleep(30)').catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Kill the worker thread from outside, as a native crash or an OOM would.
      const threads = pool.internals.threads.threads;
      await threads[0].terminate();
      expect(await running).toBeInstanceOf(WorkerCrashedError);
      expect(await pool.fetchval('select 2')).toBe(2);
    } finally {
      await pool.close();
    }
  });
});

describe('stream memory', () => {
  it('streams 10M rows (~350 MB of data) with peak RSS under 256 MB', async () => {
    const { execFileSync } = await import('node:child_process');
    const { fileURLToPath, pathToFileURL } = await import('node:url');
    const child = fileURLToPath(new URL('../support/stream-rss-child.mjs', import.meta.url));
    const index = pathToFileURL(fileURLToPath(new URL('../../dist/src/main/index.js', import.meta.url))).href;
    const report = JSON.parse(execFileSync(process.execPath, [child, index, testDsn(), '10000000'], { encoding: 'utf8', timeout: 120_000 })) as { seen: number; peakRssMb: number; ms: number };
    expect(report.seen).toBe(10_000_000);
    expect(report.peakRssMb).toBeLessThan(256);
  }, 130_000);
});
