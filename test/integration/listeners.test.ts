// asyncpg's listeners on every connection and through the pool (NOTIFY, notices, the
// connection's end), and the pool's connection management (expireConnections, setConnectArgs)
// and a pooled connection's prepare / cancel / terminate / closed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect, createPool, ConfigError, ConnectionError, InterfaceError, QueryCanceledError,
  type Connection, type Pool, type PooledConnection, type SessionNotification,
} from '../../src/main/index.js';
import type { PostgresErrorFields } from '../../src/main/index.js';
import { rejectionOf, shutDown, waitFor, within } from '../support/deadlines.js';
import { connectToTestServer, testDsn } from '../support/server.js';

describe('listeners, and the pool managing its connections', () => {
  let watcher: Connection;
  let pool: Pool;

  beforeAll(async () => {
    watcher = await connectToTestServer();
    pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 3 });
  });

  afterAll(async () => {
    await watcher?.close();
    if (pool !== undefined) await shutDown(pool);
  });

  it('addListener gets each NOTIFY with the connection, until removeListener; on connect() and pooled connections', async () => {
    const inline = await connectToTestServer();
    const pinned = await pool.acquire();
    try {
      for (const [name, db] of [['connect()', inline], ['pool.acquire()', pinned]] as const) {
        const channel = `pgloom listeners ${name} ${process.pid}`;
        let from: unknown;
        const notifications: SessionNotification[] = [];
        await db.addListener(channel, (notification, connection) => {
          from = connection;
          notifications.push(notification);
        });
        expect(db.listeningChannels, name).toBe(1);
        await watcher.execute('select pg_notify($1, $2), pg_notify($1, $3)', [channel, 'one', 'two']);
        await waitFor(async () => (notifications.length >= 2 ? true : undefined), 5000, `${name}: the notifications`);
        expect(notifications.map((n) => n.payload), name).toEqual(['one', 'two']);
        expect(notifications[0].channel, name).toBe(channel);
        expect(from, name).toBe(db);
        await db.removeListener(channel);
        expect(db.listeningChannels, name).toBe(0);
        expect(await db.fetchval('select count(*)::int4 from pg_listening_channels()'), name).toBe(0);
      }
    } finally {
      await pinned.release();
      await inline.close();
    }
  });

  it('addLogListener gets the notices of connect() connections, pooled connections and the pool', async () => {
    const inline = await connectToTestServer();
    const pinned = await pool.acquire();
    const raise = "do $$ begin raise notice 'pgloom notice %', 42; end $$";
    try {
      for (const [name, db] of [['connect()', inline], ['pool.acquire()', pinned], ['pool', pool]] as const) {
        const notices: PostgresErrorFields[] = [];
        const listener = (notice: PostgresErrorFields) => notices.push(notice);
        db.addLogListener(listener);
        await db.execute(raise);
        db.removeLogListener(listener);
        await db.execute(raise);
        expect(notices.map((n) => n.message), name).toEqual(['pgloom notice 42']);
        expect(notices[0].severity, name).toBe('NOTICE');
      }
    } finally {
      await pinned.release();
      await inline.close();
    }
  });

  it('addTerminationListener hears a close, and a connection the server ended (with its error)', async () => {
    const closedByUs = await connectToTestServer();
    const ended = new Promise<Error | undefined>((resolve) => closedByUs.addTerminationListener((_c, error) => resolve(error)));
    await closedByUs.close();
    expect(await within(ended, 5000, 'the termination listener')).toBeUndefined();

    const killed = await connectToTestServer();
    const lost = new Promise<Error | undefined>((resolve) => killed.addTerminationListener((_c, error) => resolve(error)));
    await watcher.execute('select pg_terminate_backend($1)', [killed.processId]);
    expect(await within(lost, 5000, 'the termination listener')).toBeInstanceOf(ConnectionError);
    expect(killed.closed).toBe(true);
  });

  it('expireConnections replaces every connection; setConnectArgs changes how new ones connect', async () => {
    const pids = async () => new Set(await Promise.all([1, 2, 3].map(() => pool.withConnection((c) => Promise.resolve(c.processId)))));
    const before = await pids();
    await pool.expireConnections();
    const after = await pids();
    for (const pid of after) expect(before.has(pid)).toBe(false);

    // A connection open before setConnectArgs keeps how it connected.
    const open = await pool.acquire();
    await pool.setConnectArgs(testDsn(), { applicationName: 'pgloom_new_args' });
    expect(await open.fetchval('show application_name')).not.toBe('pgloom_new_args');
    await open.release();
    await pool.expireConnections();
    expect(await pool.fetchval('show application_name')).toBe('pgloom_new_args');
    await pool.setConnectArgs(testDsn());
    await pool.expireConnections();
    expect(await pool.fetchval('show application_name')).not.toBe('pgloom_new_args');

    expect(await rejectionOf(pool.setConnectArgs(testDsn(), { workers: 3 }))).toBeInstanceOf(ConfigError);
    expect(await rejectionOf(pool.setConnectArgs('postgresql://x/?sslmode=sometimes'))).toBeInstanceOf(ConfigError);
  });

  it('a pooled connection can be cancelled, terminated, and says when it is closed', async () => {
    const pinned = await pool.acquire();
    const running = rejectionOf(pinned.fetch('select pg_sleep(30)'));
    await waitFor(async () => (await watcher.fetchval("select 1 from pg_stat_activity where pid = $1 and state = 'active'", [pinned.processId])) ?? undefined, 5000, 'the statement to start');
    await pinned.cancel();
    expect(await within(running, 5000, 'the cancelled call')).toBeInstanceOf(QueryCanceledError);
    expect(await pinned.fetchval('select 3')).toBe(3);
    expect(pinned.closed).toBe(false);
    const pid = pinned.processId;
    await pinned.terminate();
    expect(pinned.closed).toBe(true);
    expect(await rejectionOf(pinned.fetchval('select 1'))).toBeInstanceOf(InterfaceError);
    // Terminated, not reset and reused: its backend goes away.
    await waitFor(async () => ((await watcher.fetchval('select count(*)::int4 from pg_stat_activity where pid = $1', [pid])) === 0 ? true : undefined), 5000, 'the backend to end');
  });

  it('connect({ worker: true }) has prepare, cancel, terminate and closed', async () => {
    const db = await connect(testDsn(), { worker: true });
    const statement = await db.prepare('select $1::int4 + 1 as n');
    expect(await statement.fetchval([41])).toBe(42);
    expect(db.closed).toBe(false);
    await db.terminate();
    expect(db.closed).toBe(true);
  });
});
