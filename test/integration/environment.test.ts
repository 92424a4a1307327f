// libpq's environment variables and password file, against the real server.

import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, PostgresError } from '../../src/main/index.js';
import { fixtureRoles } from '../../scripts/local-postgres.js';
import { fixture } from '../support/server.js';

const server = fixture();
const describeFixture = server ? describe : describe.skip;

/** A pgpass field: ':' and '\' are escaped with a backslash. */
const pgpassField = (value: string | number) => String(value).replace(/[\\:]/g, (c) => `\\${c}`);

describeFixture('libpq environment and ~/.pgpass', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'pgloom-env-'));
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  const sessionFacts = async () => {
    const db = await connect();
    try {
      return await db.fetchrow<{ user: string; app: string; db: string; ssl: boolean }>(
        "select current_user as user, current_setting('application_name') as app, current_database() as db, (select ssl from pg_stat_ssl where pid = pg_backend_pid()) as ssl",
      );
    } finally {
      await db.close();
    }
  };

  it('connect() with no arguments takes PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGAPPNAME and PGSSLMODE', async () => {
    vi.stubEnv('PGHOST', server!.host);
    vi.stubEnv('PGPORT', String(server!.port));
    vi.stubEnv('PGUSER', fixtureRoles.scram.user);
    vi.stubEnv('PGPASSWORD', fixtureRoles.scram.password);
    vi.stubEnv('PGDATABASE', server!.database);
    vi.stubEnv('PGAPPNAME', 'pgloom-env-test');
    vi.stubEnv('PGSSLMODE', 'require');
    expect(await sessionFacts()).toEqual({ user: fixtureRoles.scram.user, app: 'pgloom-env-test', db: server!.database, ssl: true });
    vi.stubEnv('PGSSLMODE', 'disable');
    expect((await sessionFacts())!.ssl).toBe(false);
  });

  it('PGHOST may name the Unix socket directory', async () => {
    vi.stubEnv('PGHOST', server!.socketDir);
    vi.stubEnv('PGPORT', String(server!.port));
    vi.stubEnv('PGUSER', fixtureRoles.trust.user);
    vi.stubEnv('PGDATABASE', server!.database);
    vi.stubEnv('PGPASSWORD', '');
    expect((await sessionFacts())!.user).toBe(fixtureRoles.trust.user);
  });

  it('finds the password in the passfile by host, port, database and user, with escapes', async () => {
    const passfile = join(scratch, 'pgpass');
    const role = fixtureRoles.scram;
    writeFileSync(passfile, [
      '# comment line',
      `${server!.host}:${server!.port}:${server!.database}:someone_else:not-this-one`,
      `${server!.host}:${server!.port}:*:${role.user}:${pgpassField(role.password)}`,
      `*:*:*:*:wrong-fallback`,
    ].join('\n'));
    chmodSync(passfile, 0o600);
    vi.stubEnv('PGHOST', server!.host);
    vi.stubEnv('PGPORT', String(server!.port));
    vi.stubEnv('PGUSER', role.user);
    vi.stubEnv('PGDATABASE', server!.database);
    vi.stubEnv('PGSSLMODE', 'disable');
    vi.stubEnv('PGPASSFILE', passfile);
    expect((await sessionFacts())!.user).toBe(role.user);

    // A password containing the separator and the escape character still matches.
    const tricky = 'a:b\\c';
    const admin = await connect({ host: server!.host, port: server!.port, database: server!.database, user: fixtureRoles.superuser.user, password: fixtureRoles.superuser.password, sslmode: 'disable' });
    try {
      await admin.execute(`create role pgloom_pgpass_tricky login password '${tricky.replace(/'/g, "''")}'`);
    } catch (error) {
      // A previous run on the same cluster may have left the role.
      if (!(error instanceof PostgresError && error.code === '42710')) throw error;
    } finally {
      await admin.close();
    }
    writeFileSync(passfile, `*:*:*:pgloom_pgpass_tricky:${pgpassField(tricky)}\n`);
    vi.stubEnv('PGUSER', 'pgloom_pgpass_tricky');
    expect((await sessionFacts())!.user).toBe('pgloom_pgpass_tricky');
  });

  it('ignores a passfile that others can read, as libpq does', async () => {
    const passfile = join(scratch, 'pgpass-open');
    writeFileSync(passfile, `*:*:*:${fixtureRoles.scram.user}:${pgpassField(fixtureRoles.scram.password)}\n`);
    chmodSync(passfile, 0o644);
    vi.stubEnv('PGHOST', server!.host);
    vi.stubEnv('PGPORT', String(server!.port));
    vi.stubEnv('PGUSER', fixtureRoles.scram.user);
    vi.stubEnv('PGDATABASE', server!.database);
    vi.stubEnv('PGSSLMODE', 'disable');
    vi.stubEnv('PGPASSFILE', passfile);
    vi.stubEnv('PGPASSWORD', '');
    await expect(connect()).rejects.toThrow(/password/i);
  });
});
