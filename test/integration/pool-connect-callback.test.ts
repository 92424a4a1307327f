// The pool's connect callback (asyncpg's `connect`): called on the main thread before each new
// connection, its options merged over the pool's — the way to hand workers a fresh password.

import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/main/index.js';
import { rejectionOf, shutDown } from '../support/deadlines.js';
import { testDsn } from '../support/server.js';

describe("the pool's connect callback", () => {
  it('supplies the password and settings of each new connection, asked once per connection', async () => {
    const url = new URL(testDsn());
    const password = decodeURIComponent(url.password);
    url.password = '';
    let calls = 0;
    const pool = createPool(url.toString(), {
      workers: 1,
      connectionsPerWorker: 2,
      // The workers' connections only: the main-thread ones have a test of their own (pool-main-thread).
      mainThreadConnections: 0,
      connect: async () => ({ password, applicationName: `pgloom_cb_${++calls}` }),
    });
    try {
      expect(await pool.fetchval('show application_name')).toBe('pgloom_cb_1');
      expect(await pool.fetchval('show application_name')).toBe('pgloom_cb_1');
      expect(calls).toBe(1);
      await pool.expireConnections();
      expect(await pool.fetchval('show application_name')).toBe('pgloom_cb_2');
    } finally {
      await shutDown(pool);
    }
  });

  it("a callback that fails fails the call that needed a connection, and the pool recovers", async () => {
    let fail = true;
    const pool = createPool(testDsn(), {
      workers: 1,
      connectionsPerWorker: 1,
      connect: () => {
        if (fail) throw new Error('token service down');
        return { applicationName: 'pgloom_cb_recovered' };
      },
    });
    try {
      const error = await rejectionOf(pool.fetchval('select 1'));
      expect((error as Error).message).toContain('token service down');
      fail = false;
      expect(await pool.fetchval('show application_name')).toBe('pgloom_cb_recovered');
    } finally {
      await shutDown(pool);
    }
  });

  it('options a worker cannot use are refused, naming the option', async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, connect: () => ({ password: (() => 'x') as unknown as string }) });
    try {
      const error = await rejectionOf(pool.fetchval('select 1'));
      expect((error as Error).message).toMatch(/returned a function as password/);
    } finally {
      await shutDown(pool);
    }
  });
});
