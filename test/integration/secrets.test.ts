// No password, wherever it came from (DSN, options, PGPASSWORD, a .pgpass line), shows in any
// error message, stack, cause, util.inspect, JSON.stringify or toString of the objects a user
// holds: Pool, Connection, PooledConnection, Result, and the errors of a failed authentication or
// a bad DSN.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, createPool, type ConnectOptions } from '../../src/main/index.js';
import { fixtureRoles } from '../../scripts/local-postgres.js';
import { shutDown } from '../support/deadlines.js';
import { fixture } from '../support/server.js';

const server = fixture();
const dir = mkdtempSync(join(tmpdir(), 'pgloom-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every way `value` (and its causes) can be turned into text. */
function renderings(value: unknown): string[] {
  const texts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = value;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    texts.push(String(current), inspect(current, { depth: 8, showHidden: true, getters: true }));
    try {
      texts.push(JSON.stringify(current) ?? '');
    } catch (error) {
      texts.push(String(error));
    }
    if (current instanceof Error) {
      texts.push(current.message, current.stack ?? '');
      current = current.cause;
    } else current = undefined;
  }
  return texts;
}

function expectNoSecret(value: unknown, secret: string, what: string): void {
  for (const text of renderings(value)) expect(text.includes(secret), `${what} shows the password in: ${text.slice(0, 300)}`).toBe(false);
  // The encodings a DSN would carry it in, too.
  for (const text of renderings(value)) expect(text.includes(encodeURIComponent(secret)), `${what} shows the encoded password`).toBe(false);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => {
    throw new Error('expected a failure');
  }, (error: unknown) => error);
}

it('the check finds a password however deep in an error it hides (so the tests below can fail)', () => {
  const hidden = new Error('connecting failed', { cause: new Error('auth', { cause: { dsn: 'postgres://u:Hidden-1@h/db' } }) });
  expect(() => expectNoSecret(hidden, 'Hidden-1', 'a planted error')).toThrow(/shows the password/);
  const inStack = new Error('plain');
  inStack.stack = 'at connect (password=Hidden-2)';
  expect(() => expectNoSecret(inStack, 'Hidden-2', 'a planted stack')).toThrow(/shows the password/);
});

describe.skipIf(server === undefined)('secrets (needs the fixture cluster this run starts, absent with PGLOOM_TEST_DSN)', () => {
  const base = (): ConnectOptions => ({ host: server!.host, port: server!.port, database: server!.database, sslmode: 'disable' });
  const dsnFor = (user: string, password: string) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${server!.host}:${server!.port}/${server!.database}?sslmode=disable`;
  const wrong = 'WrongSecret-7f3a9c';

  it('a wrong password in the DSN, the options, PGPASSWORD or a .pgpass line shows in no error', async () => {
    for (const role of [fixtureRoles.scram, fixtureRoles.md5, fixtureRoles.cleartext]) {
      expectNoSecret(await failure(connect({ dsn: dsnFor(role.user, wrong) })), wrong, `DSN (${role.user})`);
      expectNoSecret(await failure(connect({ ...base(), user: role.user, password: wrong })), wrong, `options (${role.user})`);
      const passfile = join(dir, `pgpass-${role.user}`);
      writeFileSync(passfile, `${server!.host}:${server!.port}:*:${role.user}:${wrong}\n`);
      chmodSync(passfile, 0o600);
      expectNoSecret(await failure(connect({ ...base(), user: role.user, passfile })), wrong, `.pgpass (${role.user})`);
      const saved = process.env.PGPASSWORD;
      process.env.PGPASSWORD = wrong;
      try {
        expectNoSecret(await failure(connect({ ...base(), user: role.user })), wrong, `PGPASSWORD (${role.user})`);
      } finally {
        if (saved === undefined) delete process.env.PGPASSWORD;
        else process.env.PGPASSWORD = saved;
      }
    }
  });

  it('a wrong password shows in no error of the pool either', async () => {
    const pool = createPool({ dsn: dsnFor(fixtureRoles.md5.user, wrong), workers: 1 });
    try {
      expectNoSecret(await failure(pool.fetchval('select 1')), wrong, 'the pool\'s call');
      expectNoSecret(pool, wrong, 'the pool');
    } finally {
      await shutDown(pool);
    }
  });

  it('a bad DSN carrying a password shows it in no error', async () => {
    const secret = 'DsnSecret-91b2';
    for (const dsn of [
      `postgres://u:${secret}@127.0.0.1:notaport/db`,
      `postgres://u:${secret}@127.0.0.1:5432/db?sslmode=bogus`,
      `postgres://u:${secret}@[::1/db`,
      `postgres://u:${secret}@127.0.0.1:5432/db?target_session_attrs=bogus`,
    ]) {
      expectNoSecret(await failure(connect({ dsn })), secret, dsn.replace(secret, '***'));
      expectNoSecret(await failure(Promise.resolve().then(() => createPool({ dsn }))), secret, `pool ${dsn.replace(secret, '***')}`);
    }
  });

  it('Connection, Result, Pool and PooledConnection show no password', async () => {
    const role = fixtureRoles.md5;
    const db = await connect({ dsn: dsnFor(role.user, role.password) });
    try {
      expectNoSecret(db, role.password, 'Connection');
      expectNoSecret(await db.query('select 1 as one'), role.password, 'Result');
      expectNoSecret(await failure(db.fetch('select * from no_such_table_xyz')), role.password, 'a query error');
    } finally {
      await db.close();
    }
    const withOptions = await connect({ ...base(), user: role.user, password: role.password });
    expectNoSecret(withOptions, role.password, 'Connection (password in options)');
    await withOptions.close();
    const pool = createPool({ dsn: dsnFor(role.user, role.password), workers: 1 });
    try {
      expect(await pool.fetchval('select 1')).toBe(1);
      expectNoSecret(pool, role.password, 'Pool');
      expectNoSecret(await pool.query('select 1 as one'), role.password, 'pool Result');
      const pinned = await pool.acquire();
      try {
        expectNoSecret(pinned, role.password, 'PooledConnection');
      } finally {
        await pinned.release();
      }
    } finally {
      await shutDown(pool);
    }
  });
});
