import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConnectionPlan, type ResolveDefaults } from '../../../src/worker/config/resolve.js';
import type { ConnectionOptions } from '../../../src/worker/config/connection-options.js';
import { ConfigError } from '../../../src/codec/errors/client-errors.js';

const home = mkdtempSync(join(tmpdir(), 'pgloom-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const defaults: ResolveDefaults = { defaultHost: () => 'localhost', osUser: () => 'osuser' };
const resolve = (options: ConnectionOptions, env: NodeJS.ProcessEnv = {}) => resolveConnectionPlan(options, env, home, defaults);

describe('resolveConnectionPlan', () => {
  it('applies libpq defaults', () => {
    const plan = resolve({});
    expect(plan.targets).toEqual([{ host: 'localhost', port: 5432 }]);
    expect(plan.user).toBe('osuser');
    expect(plan.sslMode).toBe('prefer');
    expect(plan.channelBinding).toBe('prefer');
    expect(plan.connectTimeoutMs).toBeUndefined();
    expect(plan.allowedMethods).toBeUndefined();
    expect(plan.startupParameters).toEqual({ user: 'osuser', database: 'osuser', client_encoding: 'UTF8', DateStyle: 'ISO, MDY' });
  });

  it('uses the socket directory or localhost by default', () => {
    const plan = resolveConnectionPlan({ user: 'u' }, {}, home);
    expect(['localhost', '/var/run/postgresql']).toContain(plan.targets[0].host);
  });

  it('prefers options over the DSN over the environment', () => {
    const env = { PGHOST: 'envhost', PGPORT: '1111', PGUSER: 'envuser', PGDATABASE: 'envdb', PGAPPNAME: 'envapp', PGSSLMODE: 'disable' };
    expect(resolve({}, env)).toMatchObject({ targets: [{ host: 'envhost', port: 1111 }], user: 'envuser', sslMode: 'disable' });
    const withDsn = resolve({ dsn: 'postgres://dsnuser@dsnhost/dsndb?sslmode=allow' }, env);
    expect(withDsn).toMatchObject({ targets: [{ host: 'dsnhost', port: 1111 }], user: 'dsnuser', sslMode: 'allow' });
    expect(withDsn.startupParameters).toMatchObject({ database: 'dsndb', application_name: 'envapp' });
    const explicit = resolve({ dsn: 'postgres://dsnuser@dsnhost/dsndb', host: 'opthost', port: 2222, user: 'optuser', database: 'optdb', sslmode: 'require' }, env);
    expect(explicit).toMatchObject({ targets: [{ host: 'opthost', port: 2222 }], user: 'optuser', sslMode: 'require' });
    expect(explicit.startupParameters.database).toBe('optdb');
  });

  it('builds socket targets', () => {
    expect(resolve({ host: '/tmp/pg', port: 5433 }).targets).toEqual([{ host: '/tmp/pg', port: 5433, socketPath: '/tmp/pg/.s.PGSQL.5433' }]);
    expect(resolve({ dsn: 'postgresql:///db?host=/run/pg/' }).targets[0].socketPath).toBe('/run/pg/.s.PGSQL.5432');
  });

  it('pairs several hosts with one port or one port each', () => {
    expect(resolve({ host: ['a', 'b'], port: 6000 }).targets).toEqual([{ host: 'a', port: 6000 }, { host: 'b', port: 6000 }]);
    expect(resolve({ dsn: 'postgres://a:1,b:2,c/db' }).targets).toEqual([{ host: 'a', port: 1 }, { host: 'b', port: 2 }, { host: 'c', port: 5432 }]);
    expect(resolve({}, { PGHOST: 'a,b', PGPORT: '1,2' }).targets).toEqual([{ host: 'a', port: 1 }, { host: 'b', port: 2 }]);
    expect(() => resolve({ host: ['a', 'b', 'c'], port: [1, 2] })).toThrow(/3 hosts but 2 ports/);
    expect(() => resolve({ port: 70000 })).toThrow(ConfigError);
    expect(() => resolve({}, { PGPORT: 'abc' })).toThrow(/invalid port "abc" in PGPORT/);
  });

  it('validates sslmode and channel binding', () => {
    expect(() => resolve({ sslmode: 'strict' as never })).toThrow(/disable, allow, prefer, require, verify-ca, verify-full/);
    expect(() => resolve({ channelBinding: 'maybe' as never })).toThrow(ConfigError);
    expect(() => resolve({ sslmode: 'disable', channelBinding: 'require' })).toThrow(/needs TLS/);
  });

  it('converts connect_timeout like libpq', () => {
    expect(resolve({ connectTimeout: 10 }).connectTimeoutMs).toBe(10_000);
    expect(resolve({ connectTimeout: 1 }).connectTimeoutMs).toBe(2_000);
    expect(resolve({ connectTimeout: 0 }).connectTimeoutMs).toBeUndefined();
    expect(resolve({}, { PGCONNECT_TIMEOUT: '5' }).connectTimeoutMs).toBe(5_000);
    expect(resolve({ dsn: 'connect_timeout=3' }, { PGCONNECT_TIMEOUT: '5' }).connectTimeoutMs).toBe(3_000);
    expect(() => resolve({}, { PGCONNECT_TIMEOUT: 'soon' })).toThrow(/PGCONNECT_TIMEOUT/);
  });

  it('reads require_auth from options, DSN or environment', () => {
    expect(resolve({ requireAuth: 'md5' }).allowedMethods).toEqual(['md5']);
    expect(resolve({}, { PGREQUIREAUTH: '!password' }).allowedMethods).not.toContain('password');
    expect(resolve({ dsn: 'require_auth=none' }).allowedMethods).toEqual(['trust']);
  });

  it('builds the startup parameters', () => {
    const plan = resolve({
      dsn: 'postgres://u@h/db?application_name=app&search_path=s1&options=-c%20geqo%3Doff',
      serverSettings: { search_path: 's2', statement_timeout: '5s' },
    });
    expect(plan.startupParameters).toEqual({
      user: 'u', database: 'db', client_encoding: 'UTF8', DateStyle: 'ISO, MDY', application_name: 'app',
      options: '-c geqo=off', search_path: 's2', statement_timeout: '5s',
    });
    expect(resolve({}, { PGOPTIONS: '-c x=1' }).startupParameters.options).toBe('-c x=1');
    expect(resolve({ dsn: 'fallback_application_name=fb' }).startupParameters.application_name).toBe('fb');
    expect(() => resolve({ serverSettings: { client_encoding: 'LATIN1' } })).toThrow(ConfigError);
    expect(() => resolve({ dsn: 'postgres://h/db?user=a&database=b' })).toThrow(/database/);
  });
});

describe('password resolution', () => {
  const target = { host: 'h', port: 5432 };

  it('prefers the option, then the DSN, then PGPASSWORD', async () => {
    expect(await resolve({ password: 'opt', dsn: 'postgres://u:dsn@h' }, { PGPASSWORD: 'env' }).password(target)).toBe('opt');
    expect(await resolve({ dsn: 'postgres://u:dsn@h' }, { PGPASSWORD: 'env' }).password(target)).toBe('dsn');
    expect(await resolve({}, { PGPASSWORD: 'env' }).password(target)).toBe('env');
  });

  it('calls a password function for every connection', async () => {
    let calls = 0;
    const plan = resolve({ password: async () => `token${++calls}` });
    expect(await plan.password(target)).toBe('token1');
    expect(await plan.password(target)).toBe('token2');
  });

  it('falls back to the password file, per target', async () => {
    const file = join(home, 'custom-pgpass');
    writeFileSync(file, 'a:5432:db:u:pa\nb:5433:db:u:pb\nlocalhost:5432:db:u:psock\n');
    chmodSync(file, 0o600);
    const plan = resolve({ dsn: `postgres://u@a,b:5433/db?passfile=${encodeURIComponent(file)}` });
    expect(await plan.password(plan.targets[0])).toBe('pa');
    expect(await plan.password(plan.targets[1])).toBe('pb');
    const viaEnv = resolve({ host: '/var/run/postgresql', user: 'u', database: 'db' }, { PGPASSFILE: file });
    expect(await viaEnv.password(viaEnv.targets[0])).toBe('psock');
  });

  it('reads ~/.pgpass by default', async () => {
    const file = join(home, '.pgpass');
    writeFileSync(file, '*:*:*:u:fromhome\n');
    chmodSync(file, 0o600);
    expect(await resolve({ user: 'u' }).password(target)).toBe('fromhome');
    rmSync(file);
    expect(await resolve({ user: 'u' }).password(target)).toBeUndefined();
  });

  it('keeps the password out of the plan\'s printable form', () => {
    const plan = resolve({ password: 'topsecret' });
    expect(JSON.stringify(plan)).not.toContain('topsecret');
  });
});

describe('TLS options', () => {
  const certs = join(home, 'certs');
  mkdirSync(certs, { recursive: true });
  const ca = join(certs, 'ca.pem');
  writeFileSync(ca, 'CA-PEM');
  writeFileSync(join(certs, 'client.crt'), 'CERT-PEM');
  writeFileSync(join(certs, 'client.key'), 'KEY-PEM');

  it('disables verification for require/prefer/allow without a CA', () => {
    for (const sslmode of ['require', 'prefer', 'allow'] as const) {
      const plan = resolve({ host: 'db.example.com', sslmode });
      expect(plan.sslMode).toBe(sslmode);
      expect(plan.tls).toEqual({ rejectUnauthorized: false });
    }
    expect(resolve({ sslmode: 'disable' }).tls).toEqual({});
  });

  it('verifies chain and host name for verify-full', () => {
    const plan = resolve({ host: 'db.example.com', sslmode: 'verify-full', sslrootcert: ca });
    expect(plan.tls.rejectUnauthorized).toBe(true);
    expect(String(plan.tls.ca)).toBe('CA-PEM');
    expect(plan.tls.checkServerIdentity).toBeUndefined();
  });

  it('verifies only the chain for verify-ca', () => {
    const plan = resolve({ host: 'db.example.com', sslmode: 'verify-ca', sslrootcert: ca });
    expect(plan.tls.rejectUnauthorized).toBe(true);
    expect(plan.tls.checkServerIdentity?.('other.example.com', {} as never)).toBeUndefined();
  });

  it('treats require with a root certificate as verify-ca, as libpq does', () => {
    const plan = resolve({ sslmode: 'require', sslrootcert: ca });
    expect(plan.sslMode).toBe('verify-ca');
    expect(plan.tls.rejectUnauthorized).toBe(true);
  });

  it('needs a root certificate to verify', () => {
    expect(() => resolve({ sslmode: 'verify-full' })).toThrow(/sslmode=verify-full needs a root certificate: set sslrootcert/);
  });

  it('finds ~/.postgresql/root.crt and the default client certificate', () => {
    const dir = join(home, '.postgresql');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'root.crt'), 'HOME-CA');
    writeFileSync(join(dir, 'postgresql.crt'), 'HOME-CERT');
    writeFileSync(join(dir, 'postgresql.key'), 'HOME-KEY');
    try {
      const plan = resolve({ sslmode: 'verify-full' });
      expect(String(plan.tls.ca)).toBe('HOME-CA');
      expect(String(plan.tls.cert)).toBe('HOME-CERT');
      expect(String(plan.tls.key)).toBe('HOME-KEY');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('uses the system CAs for sslrootcert=system', () => {
    const plan = resolve({ host: 'db.example.com', sslrootcert: 'system' });
    expect(plan.sslMode).toBe('verify-full');
    expect(plan.tls.ca).toBeUndefined();
    expect(plan.tls.rejectUnauthorized).toBe(true);
    expect(() => resolve({ sslrootcert: 'system', sslmode: 'require' })).toThrow(/verify-full/);
  });

  it('reads client certificates and names missing files', () => {
    const plan = resolve({ sslcert: join(certs, 'client.crt'), sslkey: join(certs, 'client.key'), sslpassword: 'keypass' });
    expect(String(plan.tls.cert)).toBe('CERT-PEM');
    expect(String(plan.tls.key)).toBe('KEY-PEM');
    expect(plan.tls.passphrase).toBe('keypass');
    const missing = join(certs, 'nope.pem');
    expect(() => resolve({ sslmode: 'verify-full', sslrootcert: missing })).toThrow(new RegExp(`sslrootcert file "${missing}"`));
    expect(() => resolve({ sslcert: missing })).toThrow(/sslcert/);
  });
});
