// Several hosts, as libpq 16: tried in order or at random, the session checked against
// target_session_attrs, and one error naming every host passed over.

import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, ConfigError, ConnectionError, createPool, type Connection } from '../../src/main/index.js';
import { dsnTarget, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { rejectionOf, shutDown } from '../support/deadlines.js';
import { testDsn } from '../support/server.js';

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The test DSN with its host list replaced by `hosts` (host:port pairs). */
function dsnWithHosts(hosts: string[], params: Record<string, string> = {}): string {
  const url = new URL(testDsn());
  const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  const query = new Map(new URLSearchParams(url.search));
  for (const [key, value] of Object.entries(params)) query.set(key, value);
  // libpq URIs decode %20, not '+': encode each part by hand.
  const search = [...query].map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
  return `postgresql://${auth}${hosts.join(',')}${url.pathname}?${search}`;
}

describe('several hosts', () => {
  const server = dsnTarget(testDsn());
  const direct = `${server.host}:${server.port}`;
  let proxyA: FaultProxy;
  let proxyB: FaultProxy;

  beforeAll(async () => {
    proxyA = await startFaultProxy(server);
    proxyB = await startFaultProxy(server);
  });

  afterAll(async () => {
    await proxyA?.close();
    await proxyB?.close();
  });

  it('skips a host that cannot be reached and connects to the next', async () => {
    const dead = `127.0.0.1:${await closedPort()}`;
    const db = await connect(dsnWithHosts([dead, direct]));
    try {
      expect(await db.fetchval('select 1')).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('when no host can be reached, the error names every host and why', async () => {
    const dead = [`127.0.0.1:${await closedPort()}`, `127.0.0.1:${await closedPort()}`];
    const error = await rejectionOf(connect(dsnWithHosts(dead)));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(new RegExp(`any of 2 hosts: ${dead[0]}: .+; ${dead[1]}: `));
  });

  it('target_session_attrs picks the session by what the server says of it', async () => {
    const readOnly = { options: '-c default_transaction_read_only=on' };
    const open = async (attrs: string, extra: Record<string, string> = {}): Promise<Connection> => connect(dsnWithHosts([direct], { target_session_attrs: attrs, ...extra }));
    for (const attrs of ['any', 'read-write', 'primary', 'prefer-standby']) {
      const db = await open(attrs);
      expect(await db.fetchval('select pg_is_in_recovery()'), attrs).toBe(false);
      await db.close();
    }
    const ro = await open('read-only', readOnly);
    expect(await ro.fetchval('show transaction_read_only')).toBe('on');
    await ro.close();
    const notRw = await rejectionOf(open('read-write', readOnly));
    expect(notRw).toBeInstanceOf(ConnectionError);
    expect((notRw as Error).message).toMatch(/target_session_attrs=read-write: .*the session is read-only/);
    const notStandby = await rejectionOf(open('standby'));
    expect((notStandby as Error).message).toMatch(/target_session_attrs=standby: .*not a standby/);
    expect(await rejectionOf(open('read-only'))).toBeInstanceOf(ConnectionError);
    // The option form, and the pool.
    const viaOption = await connect(testDsn(), { targetSessionAttrs: 'read-write' });
    await viaOption.close();
    const pool = createPool(testDsn(), { workers: 1, connectionsPerWorker: 1, targetSessionAttrs: 'standby' });
    try {
      expect((await rejectionOf(pool.fetchval('select 1')) as Error).message).toMatch(/not a standby/);
    } finally {
      await shutDown(pool);
    }
    expect(await rejectionOf(connect(testDsn(), { targetSessionAttrs: 'master' as 'primary' }))).toBeInstanceOf(ConfigError);
  });

  it('a read-only session is passed over for the next host with read-write', async () => {
    // Both hosts reach one server; read-only-ness comes from the options, so both are refused.
    const error = await rejectionOf(connect(dsnWithHosts([`127.0.0.1:${proxyA.port}`, direct], { target_session_attrs: 'read-write', options: '-c default_transaction_read_only=on' })));
    expect((error as Error).message).toMatch(new RegExp(`any of 2 hosts with target_session_attrs=read-write: 127.0.0.1:${proxyA.port}: the session is read-only; ${direct.replace(/\./g, '\\.')}: the session is read-only`));
  });

  it('load_balance_hosts=random spreads connections over the hosts; disable always takes the first', async () => {
    const hosts = [`127.0.0.1:${proxyA.port}`, `127.0.0.1:${proxyB.port}`];
    const count = async (params: Record<string, string>): Promise<[number, number]> => {
      const [a, b] = [proxyA.accepted, proxyB.accepted];
      const connections = await Promise.all(Array.from({ length: 24 }, () => connect(dsnWithHosts(hosts, params))));
      await Promise.all(connections.map((c) => c.close()));
      return [proxyA.accepted - a, proxyB.accepted - b];
    };
    const [inOrderA, inOrderB] = await count({ load_balance_hosts: 'disable' });
    expect([inOrderA, inOrderB]).toEqual([24, 0]);
    const [randomA, randomB] = await count({ load_balance_hosts: 'random' });
    expect(randomA + randomB).toBe(24);
    expect(randomA).toBeGreaterThan(0);
    expect(randomB).toBeGreaterThan(0);
  });
});
