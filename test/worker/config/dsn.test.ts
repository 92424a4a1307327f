import { describe, expect, it } from 'vitest';
import { parseDsn, redactDsn } from '../../../src/worker/config/dsn.js';
import { ConfigError } from '../../../src/codec/errors/client-errors.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseDsn (URI)', () => {
  it('reads user, password, host, port and database', () => {
    expect(parseDsn('postgres://alice:s3cret@db.example.com:6543/app').params).toEqual({
      user: 'alice', password: 's3cret', host: 'db.example.com', port: '6543', dbname: 'app',
    });
    expect(parseDsn('postgresql://localhost').params).toEqual({ host: 'localhost' });
    expect(parseDsn('postgresql://').params).toEqual({});
  });

  it('percent-decodes user info and database', () => {
    const { params } = parseDsn('postgres://us%40er:p%3Aa%2Fss%40w@host/my%20db');
    expect(params).toMatchObject({ user: 'us@er', password: 'p:a/ss@w', dbname: 'my db' });
  });

  it('reads IPv6 literals', () => {
    expect(parseDsn('postgres://[::1]:5433/db').params).toMatchObject({ host: '::1', port: '5433' });
    expect(parseDsn('postgres://[fe80::1]/db').params).toEqual({ host: 'fe80::1', dbname: 'db' });
  });

  it('reads several hosts with their ports', () => {
    expect(parseDsn('postgres://h1:5432,h2:5433/db').params).toMatchObject({ host: 'h1,h2', port: '5432,5433' });
    expect(parseDsn('postgres://h1,[::1]:5433/db').params).toMatchObject({ host: 'h1,::1', port: ',5433' });
  });

  it('reads socket directories from the query or an encoded host', () => {
    expect(parseDsn('postgresql:///db?host=/var/run/postgresql').params).toEqual({ dbname: 'db', host: '/var/run/postgresql' });
    expect(parseDsn('postgresql://%2Fvar%2Frun%2Fpostgresql/db').params).toEqual({ host: '/var/run/postgresql', dbname: 'db' });
  });

  it('reads query parameters, letting them override the URI', () => {
    const { params, serverSettings } = parseDsn(
      'postgres://u@h/db?port=7000&sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem&channel_binding=require'
      + '&application_name=my%20app&connect_timeout=10&require_auth=scram-sha-256&options=-c%20geqo%3Doff'
      + '&user=other&search_path=app,public&keepalives=1&target_session_attrs=any');
    expect(params).toEqual({
      user: 'other', host: 'h', dbname: 'db', port: '7000', sslmode: 'verify-full', sslrootcert: '/tmp/ca.pem',
      channel_binding: 'require', application_name: 'my app', connect_timeout: '10', require_auth: 'scram-sha-256',
      options: '-c geqo=off', target_session_attrs: 'any', keepalives: '1',
    });
    expect(serverSettings).toEqual({ search_path: 'app,public' });
    expect(parseDsn('postgres://h?ssl=true').params.sslmode).toBe('require');
  });

  it('refuses unsupported libpq parameters', () => {
    expect(() => parseDsn('postgres://h?gssencmode=require')).toThrow(/gssencmode/);
    expect(() => parseDsn('postgres://h?service=x')).toThrow(ConfigError);
  });

  it('names the bad part without echoing the password', () => {
    const bad = errorOf(() => parseDsn('postgres://bob:hunter2@h:5432/db%zz'));
    expect(bad.message).toContain('database name "db%zz"');
    expect(bad.message).toContain('postgres://bob:***@h:5432/db%zz');
    expect(bad.message).not.toContain('hunter2');
    const badPassword = errorOf(() => parseDsn('postgres://bob:hunt%zzer2@h/db'));
    expect(badPassword.message).not.toContain('hunt');
    expect(errorOf(() => parseDsn('postgres://u:pw@[::1/db')).message).toMatch(/IPv6/);
    expect(errorOf(() => parseDsn('postgres://h/db?password=topsecret&x')).message).not.toContain('topsecret');
    expect(errorOf(() => parseDsn('mysql://u:topsecret@h/db')).message).not.toContain('topsecret');
  });
});

describe('parseDsn (keyword/value)', () => {
  it('reads plain, quoted and escaped values', () => {
    const { params, serverSettings } = parseDsn("host=localhost port = 5432 dbname=x user='a b' password='it\\'s' sslkey=C:\\\\k search_path=s");
    expect(params).toEqual({ host: 'localhost', port: '5432', dbname: 'x', user: 'a b', password: "it's", sslkey: 'C:\\k' });
    expect(serverSettings).toEqual({ search_path: 's' });
    expect(parseDsn("dbname=''").params).toEqual({ dbname: '' });
    expect(parseDsn('').params).toEqual({});
  });

  it('reports syntax errors without the password', () => {
    const unterminated = errorOf(() => parseDsn("host=h password='secret dbname=x"));
    expect(unterminated.message).toMatch(/unterminated quoted value for password/);
    expect(unterminated.message).not.toContain('secret');
    const missing = errorOf(() => parseDsn('host=h password=top secret dbname=x'));
    expect(missing.message).toMatch(/missing '='/);
    expect(missing.message).not.toContain('secret');
  });
});

describe('redactDsn', () => {
  it('hides passwords in every form', () => {
    expect(redactDsn('postgres://u:pw@h/db')).toBe('postgres://u:***@h/db');
    expect(redactDsn('postgres://u@h/db?password=pw&sslmode=require')).toBe('postgres://u@h/db?password=***&sslmode=require');
    expect(redactDsn("host=h password='p w' user=u")).toBe('host=h password=*** user=u');
    expect(redactDsn('host=h password=pw')).toBe('host=h password=***');
    expect(redactDsn('postgres://h:5432/db')).toBe('postgres://h:5432/db');
  });
});
