import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { connect, AuthenticationError, ConfigError, PostgresError, type ConnectOptions } from '../../src/main/index.js';
import { fixtureRoles } from '../../scripts/local-postgres.js';
import { fixture } from '../support/server.js';

// These need the cluster this run started (roles per auth method, TLS); skipped against PGLOOM_TEST_DSN.
const server = fixture();
const describeFixture = server ? describe : describe.skip;

function options(extra: ConnectOptions): ConnectOptions {
  return { host: server!.host, port: server!.port, database: server!.database, sslmode: 'disable', ...extra };
}

async function whoAmI(extra: ConnectOptions): Promise<string> {
  const db = await connect(options(extra));
  try {
    return (await db.fetchval<string>('select current_user'))!;
  } finally {
    await db.close();
  }
}

describeFixture('authentication methods', () => {
  it('trust', async () => {
    expect(await whoAmI({ user: fixtureRoles.trust.user })).toBe(fixtureRoles.trust.user);
  });

  it('cleartext password', async () => {
    expect(await whoAmI({ user: fixtureRoles.cleartext.user, password: fixtureRoles.cleartext.password })).toBe(fixtureRoles.cleartext.user);
  });

  it('md5', async () => {
    expect(await whoAmI({ user: fixtureRoles.md5.user, password: fixtureRoles.md5.password })).toBe(fixtureRoles.md5.user);
  });

  it('SCRAM-SHA-256 with a non-ASCII password (SASLprep)', async () => {
    expect(await whoAmI({ user: fixtureRoles.scram.user, password: fixtureRoles.scram.password })).toBe(fixtureRoles.scram.user);
  });

  it('SCRAM-SHA-256-PLUS with channel binding over TLS', async () => {
    expect(await whoAmI({ user: fixtureRoles.scram.user, password: fixtureRoles.scram.password, sslmode: 'require', channelBinding: 'require' })).toBe(fixtureRoles.scram.user);
  });

  it('channel_binding=require refuses a connection without TLS', async () => {
    await expect(whoAmI({ user: fixtureRoles.scram.user, password: fixtureRoles.scram.password, sslmode: 'disable', channelBinding: 'require' })).rejects.toThrow(ConfigError);
  });

  it('channel_binding=require refuses md5', async () => {
    // Over TLS, so that only the server's choice of md5 stands in the way.
    await expect(whoAmI({ user: fixtureRoles.md5.user, password: fixtureRoles.md5.password, sslmode: 'require', channelBinding: 'require' })).rejects.toThrow(AuthenticationError);
  });

  it('a wrong password is the server\'s InvalidPasswordError and never shows the password', async () => {
    for (const role of [fixtureRoles.scram, fixtureRoles.md5, fixtureRoles.cleartext]) {
      const error = await whoAmI({ user: role.user, password: 'wrong-secret-xyz' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PostgresError);
      expect((error as PostgresError).code).toBe('28P01');
      expect(String(error)).not.toContain('wrong-secret-xyz');
      expect(JSON.stringify(error)).not.toContain('wrong-secret-xyz');
    }
  });

  it('a missing password is a clear client error', async () => {
    const error = await whoAmI({ user: fixtureRoles.scram.user, password: undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/requires a password.*PGPASSWORD/);
  });

  it('a password from a function (e.g. a short-lived token) is used', async () => {
    expect(await whoAmI({ user: fixtureRoles.scram.user, password: async () => fixtureRoles.scram.password })).toBe(fixtureRoles.scram.user);
  });

  it('connects over the Unix socket', async () => {
    const db = await connect({ host: server!.socketDir, port: server!.port, database: server!.database, user: fixtureRoles.trust.user });
    try {
      expect(await db.fetchval('select inet_server_addr()')).toBeNull();
    } finally {
      await db.close();
    }
  });

  it('client certificate authentication', async () => {
    const certs = server!.certDir;
    expect(await whoAmI({
      user: fixtureRoles.cert.user, sslmode: 'verify-full',
      sslrootcert: join(certs, 'ca.crt'), sslcert: join(certs, 'client.crt'), sslkey: join(certs, 'client.key'), host: 'localhost',
    })).toBe(fixtureRoles.cert.user);
  });
});

describeFixture('sslmode', () => {
  const su = fixtureRoles.superuser;
  const sslInUse = async (extra: ConnectOptions) => {
    const db = await connect(options({ user: su.user, password: su.password, ...extra }));
    try {
      return await db.fetchval<boolean>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
    } finally {
      await db.close();
    }
  };

  it('disable uses no TLS; prefer and require do', async () => {
    expect(await sslInUse({ sslmode: 'disable' })).toBe(false);
    expect(await sslInUse({ sslmode: 'prefer' })).toBe(true);
    expect(await sslInUse({ sslmode: 'require' })).toBe(true);
  });

  it('verify-ca accepts the server signed by the given CA', async () => {
    expect(await sslInUse({ sslmode: 'verify-ca', sslrootcert: join(server!.certDir, 'ca.crt') })).toBe(true);
  });

  it('verify-full checks the host name', async () => {
    const ca = join(server!.certDir, 'ca.crt');
    expect(await sslInUse({ sslmode: 'verify-full', sslrootcert: ca, host: 'localhost' })).toBe(true);
    // The certificate names localhost and 127.0.0.1, not 127.0.0.2 (which still reaches the server).
    await expect(sslInUse({ sslmode: 'verify-full', sslrootcert: ca, host: '127.0.0.2' })).rejects.toThrow(/TLS|certificate|host/i);
  });

  it('verify-ca rejects a server whose certificate another CA signed', async () => {
    // The client certificate is not a CA for the server's: verification must fail.
    await expect(sslInUse({ sslmode: 'verify-ca', sslrootcert: join(server!.certDir, 'client.crt') })).rejects.toThrow(/TLS|certificate/i);
  });
});
