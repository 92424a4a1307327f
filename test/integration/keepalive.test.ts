// TCP keep-alive reaches the socket: connect() (against the fake server) asks the OS for it as
// the DSN's keepalives and keepalives_idle say (Node sets only those two; see keepalive.ts).

import { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/main/index.js';
import { startFakeServer, type FakeServer } from '../support/fake-server.js';

describe('TCP keep-alive', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await server?.close();
  });

  async function keepAliveCalls(query: string): Promise<unknown[][]> {
    const spy = vi.spyOn(Socket.prototype, 'setKeepAlive');
    const db = await connect({ dsn: `${server.dsn}?sslmode=disable${query}` });
    await db.close();
    return spy.mock.calls;
  }

  it('is turned on by default', async () => {
    expect(await keepAliveCalls('')).toContainEqual([true, 0]);
  });

  it('follows keepalives_idle (seconds)', async () => {
    expect(await keepAliveCalls('&keepalives_idle=7')).toContainEqual([true, 7000]);
  });

  it('is turned off by keepalives=0', async () => {
    const calls = await keepAliveCalls('&keepalives=0');
    expect(calls).toContainEqual([false, 0]);
    expect(calls.some(([enabled]) => enabled === true)).toBe(false);
  });
});
