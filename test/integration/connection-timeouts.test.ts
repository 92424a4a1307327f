// connect() connections: every call takes { signal, timeout }, commandTimeout is their default,
// a call given up is cancelled on the server without touching any other call, and a server that
// ignores the cancel (or a stalled network) cannot leave a call pending: after the grace period the
// connection is closed with a ConnectionError.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ConfigError, ConnectionError, QueryAbortedError, QueryTimeoutError, type Connection } from '../../src/main/index.js';
import { dsnTarget, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { rejectionOf, waitFor, within } from '../support/deadlines.js';
import { connectToTestServer, testDsn } from '../support/server.js';

describe('timeouts and aborts on connect() connections', () => {
  let watcher: Connection;
  let proxy: FaultProxy;
  const marker = `pgloom_timeouts_${process.pid}`;

  beforeAll(async () => {
    watcher = await connectToTestServer();
    proxy = await startFaultProxy(dsnTarget(testDsn()));
  });

  afterAll(async () => {
    await watcher?.execute(`select pg_terminate_backend(pid) from pg_stat_activity where query like '%${marker}%' and pid <> pg_backend_pid()`).catch(() => undefined);
    await watcher?.close();
    await proxy?.close();
  });

  /** The state of backend `pid` once it no longer runs the statement marked `tag`. */
  async function waitUntilNotRunning(pid: number, tag: string): Promise<void> {
    await waitFor(async () => {
      const query = await watcher.fetchval<string>("select query from pg_stat_activity where pid = $1 and state = 'active'", [pid]);
      return query === null || !query.includes(tag) ? true : undefined;
    }, 5000, `backend ${pid} still runs ${tag}`);
  }

  it('commandTimeout is every call\'s default; the statement is cancelled on the server and the connection stays usable', async () => {
    const db = await connectToTestServer({ commandTimeout: 150 });
    try {
      const tag = `${marker}_command_timeout`;
      const started = Date.now();
      const error = await within(rejectionOf(db.fetch(`select pg_sleep(30), '${tag}'`)), 10_000, 'the timed-out call');
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect((error as Error).message).toMatch(/timeout of 150 ms; a cancel was sent to the server/);
      expect(Date.now() - started).toBeLessThan(5000);
      await waitUntilNotRunning(db.processId, tag);
      // The call's own timeout wins over the default.
      expect(await db.fetchval('select pg_sleep(0.3)::text || $1', ['done'], 0, { timeout: 5000 })).toBe('done');
      expect(await db.fetchval('select 1')).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('an AbortSignal gives up a call at once; a signal aborted before the call sends nothing', async () => {
    const db = await connectToTestServer();
    try {
      const tag = `${marker}_abort`;
      const controller = new AbortController();
      const pending = rejectionOf(db.fetch(`select pg_sleep(30), '${tag}'`, [], { signal: controller.signal }));
      await waitFor(async () => (await watcher.fetchval("select 1 from pg_stat_activity where pid = $1 and query like $2 and state = 'active'", [db.processId, `%${tag}%`])) ?? undefined, 5000, 'the statement to start');
      controller.abort();
      expect(await within(pending, 5000, 'the aborted call')).toBeInstanceOf(QueryAbortedError);
      await waitUntilNotRunning(db.processId, tag);
      const aborted = AbortSignal.abort();
      const error = await rejectionOf(db.execute(`create temp table ${marker}_never (x int)`, [], { signal: aborted }));
      expect(error).toBeInstanceOf(QueryAbortedError);
      expect(await db.fetchval('select to_regclass($1) is null', [`pg_temp.${marker}_never`])).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('a cancel never reaches a later call: 300 calls with 1–30 ms timeouts, each followed by an untimed one', async () => {
    const db = await connectToTestServer();
    try {
      let timedOut = 0;
      for (let i = 0; i < 300; i++) {
        const timeout = 1 + (i % 30);
        const outcome = await db.fetchval('select pg_sleep($1)', [(i % 7) / 1000], 0, { timeout }).then(() => 'ok', (error: unknown) => error);
        if (outcome !== 'ok') {
          expect(outcome).toBeInstanceOf(QueryTimeoutError);
          timedOut++;
        }
        // Were a cancel to land here, this call would fail with 57014.
        expect(await db.fetchval('select $1::int4', [i])).toBe(i);
      }
      expect(timedOut).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });

  it('calls pipelined behind a timed-out one wait for its cancel to land, then run', async () => {
    const db = await connectToTestServer();
    try {
      const slow = rejectionOf(db.fetch('select pg_sleep(30)', [], { timeout: 100 }));
      // Written after the slow call's timeout fired: held until its cancel has landed.
      const later = new Promise<number[]>((resolve, reject) => setTimeout(() => {
        Promise.all([1, 2, 3].map((n) => db.fetchval<number>('select $1::int4', [n]))).then((values) => resolve(values.map(Number)), reject);
      }, 150));
      expect(await within(slow, 5000, 'the timed-out call')).toBeInstanceOf(QueryTimeoutError);
      expect(await within(later, 5000, 'the calls after it')).toEqual([1, 2, 3]);
    } finally {
      await db.close();
    }
  });

  it('a server that ignores the cancel cannot leave a call pending: the connection closes after cancelGracePeriod', async () => {
    const url = new URL(testDsn());
    url.host = `127.0.0.1:${proxy.port}`;
    proxy.dropCancelRequests = true;
    const db = await connect(url.toString(), { cancelGracePeriod: 300 });
    const closed = new Promise<Error | undefined>((resolve) => db.addTerminationListener((_connection, error) => resolve(error)));
    try {
      const tag = `${marker}_ignored`;
      const error = await within(rejectionOf(db.fetch(`select pg_sleep(30), '${tag}'`, [], { timeout: 100 })), 5000, 'the timed-out call');
      expect(error).toBeInstanceOf(QueryTimeoutError);
      const lost = await within(closed, 5000, 'the connection to close after the grace period');
      expect(lost).toBeInstanceOf(ConnectionError);
      expect(lost!.message).toMatch(/grace period \(300 ms\)/);
      expect(db.closed).toBe(true);
      expect(await rejectionOf(db.fetchval('select 1'))).toBeInstanceOf(ConnectionError);
    } finally {
      proxy.dropCancelRequests = false;
      db.terminate();
    }
  });

  it('a stalled network cannot leave a call pending either', async () => {
    const url = new URL(testDsn());
    url.host = `127.0.0.1:${proxy.port}`;
    const db = await connect(url.toString(), { commandTimeout: 200, cancelGracePeriod: 300 });
    try {
      proxy.stall();
      const error = await within(rejectionOf(db.fetchval('select 1')), 5000, 'the call on a stalled network');
      expect(error).toBeInstanceOf(QueryTimeoutError);
      await waitFor(async () => (db.closed ? true : undefined), 5000, 'the connection to close');
    } finally {
      proxy.resume();
      db.terminate();
    }
  });

  it('commandTimeout and cancelGracePeriod must be positive numbers of ms', async () => {
    expect(await rejectionOf(connect(testDsn(), { commandTimeout: 0 }))).toBeInstanceOf(ConfigError);
    expect(await rejectionOf(connect(testDsn(), { cancelGracePeriod: -5 }))).toBeInstanceOf(ConfigError);
  });
});
