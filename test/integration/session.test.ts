import { describe, it, expect } from 'vitest';
import { connect, ConnectionError, InterfaceError, QueryCanceledError, type PostgresErrorFields } from '../../src/main/index.js';
import { connectToTestServer, testDsn, waitUntilBackendActive, withConnection } from '../support/server.js';

describe('session state from the server', () => {
  it('surfaces notices through onNotice with their fields', async () => {
    const notices: PostgresErrorFields[] = [];
    await withConnection(async (db) => {
      await db.execute(`do $$ begin raise notice 'hello %', 42 using hint = 'a hint'; end $$`);
      await db.fetchval(`select 1`);
    }, { onNotice: (notice) => notices.push(notice) });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ severity: 'NOTICE', code: '00000', message: 'hello 42', hint: 'a hint' });
  });

  it('reports ParameterStatus at startup and after SET', async () => {
    await withConnection(async (db) => {
      expect(db.serverVersion).toMatch(/^\d+/);
      expect(db.parameters.get('client_encoding')).toBe('UTF8');
      expect(db.parameters.get('integer_datetimes')).toBe('on');
      await db.execute(`set application_name = 'pgloom-param-test'`);
      expect(db.parameters.get('application_name')).toBe('pgloom-param-test');
    });
  });

  it('keeps the backend process id and sends application_name', async () => {
    await withConnection(async (db) => {
      expect(await db.fetchval('select pg_backend_pid()')).toBe(db.processId);
      expect(await db.fetchval('select current_setting($1)', ['application_name'])).toBe('pgloom-app');
    }, { applicationName: 'pgloom-app' });
  });

  it('a query on a closed connection is a clear InterfaceError', async () => {
    const db = await connectToTestServer();
    await db.close();
    await expect(db.fetch('select 1')).rejects.toThrow(InterfaceError);
  });

  it('close() lets queued queries finish first', async () => {
    const db = await connectToTestServer();
    const pending = db.fetchval('select pg_sleep(0.05)::text || $1::text', ['done']);
    await db.close();
    expect(await pending).toBe('done');
  });

  it('a backend killed mid-query rejects with ConnectionError', async () => {
    const victim = await connectToTestServer();
    const killer = await connectToTestServer();
    try {
      const running = victim.fetch('select pg_sleep(30)').catch((e: unknown) => e);
      // Wait until the victim's query is really running before terminating its backend.
      await waitUntilBackendActive(killer, victim.processId);
      await killer.fetchval('select pg_terminate_backend($1)', [victim.processId]);
      const error = await running;
      expect(error).toBeInstanceOf(Error);
      expect(victim.closed).toBe(true);
      await expect(victim.fetch('select 1')).rejects.toThrow(ConnectionError);
    } finally {
      victim.terminate();
      await killer.close();
    }
  });

  it('cancel() stops the running statement with QueryCanceledError and the connection goes on', async () => {
    for (const sslmode of ['disable', 'prefer'] as const) {
      const db = await connectToTestServer({ sslmode });
      const watcher = await connectToTestServer();
      try {
        const running = db.fetch('select pg_sleep(30)').catch((e: unknown) => e);
        await waitUntilBackendActive(watcher, db.processId);
        const started = Date.now();
        await db.cancel();
        const error = await running;
        expect(error, sslmode).toBeInstanceOf(QueryCanceledError);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(await db.fetchval('select 41 + 1')).toBe(42);
      } finally {
        await db.close();
        await watcher.close();
      }
    }
  });

  it('accepts a DSN string and one of connection options', async () => {
    const db = await connect(testDsn());
    expect(await db.fetchval('select 1')).toBe(1);
    await db.close();
  });
});
