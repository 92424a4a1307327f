// Pool options that shape connection lifetimes, and closing.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, createPool, InterfaceError, PoolTimeoutError, type Connection } from '../../src/main/index.js';
import { connectToTestServer, testDsn } from '../support/server.js';
import { within } from '../support/deadlines.js';

async function backendsNamed(watcher: Connection, appName: string): Promise<number> {
  return Number(await watcher.fetchval<bigint>('select count(*) from pg_stat_activity where application_name = $1', [appName]));
}

async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('pool lifecycle', () => {
  it('rejects bad options at createPool', () => {
    expect(() => createPool(testDsn(), { workers: 0 })).toThrow(ConfigError);
    expect(() => createPool(testDsn(), { connectionsPerWorker: 1.5 })).toThrow(ConfigError);
    expect(() => createPool(testDsn(), { workers: 1, connectionsPerWorker: 2, minConnections: 3 })).toThrow(/minConnections/);
    expect(() => createPool(testDsn(), { sslmode: 'bogus' as never })).toThrow(ConfigError);
    for (const workerNice of [-1, 20, 2.5]) expect(() => createPool(testDsn(), { workerNice })).toThrow(ConfigError);
  });

  it.runIf(process.platform === 'linux')('workers take their nice value (workerNice) on their own threads, not the main thread', async () => {
    // /proc/<pid>/task/<tid>/stat: the nice value is the 19th field, the 17th after the ')' that ends the name.
    const niceOf = (statPath: string) => Number(readFileSync(statPath, 'utf8').split(')').at(-1)!.trim().split(' ')[16]);
    const threadsAt = (nice: number) => readdirSync('/proc/self/task').filter((tid) => niceOf(`/proc/self/task/${tid}/stat`) === nice).length;
    const mainNice = niceOf('/proc/thread-self/stat');
    const before = threadsAt(13);
    const pool = createPool(testDsn(), { workers: 2, connectionsPerWorker: 1, workerNice: 13 });
    try {
      // Both workers are up once two queries hold a connection each at the same time.
      await Promise.all([pool.fetchval('select pg_sleep(0.2)'), pool.fetchval('select pg_sleep(0.2)')]);
      expect(threadsAt(13) - before).toBe(2);
      expect(niceOf('/proc/thread-self/stat')).toBe(mainNice);
    } finally {
      await pool.close();
    }
  });

  it('opens minConnections at start and closes connections idle past maxInactiveConnectionLifetime', async () => {
    const app = `pgloom-min-${process.pid}`;
    const watcher = await connectToTestServer();
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 3, minConnections: 2, maxInactiveConnectionLifetime: 300, applicationName: app });
    try {
      await eventually(async () => (await backendsNamed(watcher, app)) === 2);
      await eventually(async () => (await backendsNamed(watcher, app)) === 0);
      expect(await pool.fetchval('select 1')).toBe(1);
    } finally {
      await pool.close();
      await watcher.close();
    }
  });

  it('replaces a connection after maxQueriesPerConnection queries', async () => {
    // The workers' connections only: the main-thread ones have a test of their own (pool-main-thread).
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, maxQueriesPerConnection: 3, mainThreadConnections: 0 });
    try {
      const pids: number[] = [];
      for (let i = 0; i < 7; i++) pids.push((await pool.fetchval<number>('select pg_backend_pid()'))!);
      expect(new Set(pids.slice(0, 3)).size).toBe(1);
      expect(pids[3]).not.toBe(pids[0]);
      expect(new Set(pids).size).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('acquireTimeout fails a call that waits too long for a free connection, touching nothing', async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, acquireTimeout: 100 });
    try {
      const busy = pool.fetch('select pg_sleep(0.5)');
      await expect(pool.fetchval('select 1')).rejects.toThrow(PoolTimeoutError);
      await busy;
      expect(await pool.fetchval('select 2')).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('close() lets running queries finish, then refuses new ones; terminate() does not wait', async () => {
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2 });
    const running = pool.fetchval<string>("select pg_sleep(0.3)::text || 'done'");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.close();
    expect(await running).toBe('done');
    await expect(pool.fetch('select 1')).rejects.toThrow(InterfaceError);

    const other = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1 });
    const cut = other.fetch('select pg_sleep(30)').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await other.terminate();
    expect(await cut).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  for (const mainThreadConnections of [0, 1]) {
    it(`close() releases the pool's own listening connection rather than waiting out its timeout (mainThreadConnections: ${mainThreadConnections})`, async () => {
      const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 2, mainThreadConnections });
      const heard: string[] = [];
      await pool.listen('pgloom_close_listening', (notification) => void heard.push(notification.payload));
      await pool.execute("select pg_notify('pgloom_close_listening', 'before close')");
      await eventually(async () => heard.length === 1);
      // Its timeout (30 s by default) is this test's bound: a close that waited for the listener hangs here.
      await within(pool.close(), 10_000, 'pool.close() with a listener');
      expect(heard).toEqual(['before close']);
      expect(pool.isClosing()).toBe(true);
    });
  }
});
