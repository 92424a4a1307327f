import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/codec/errors/client-errors.js';
import { resolveConnectionPlan } from '../../../src/worker/config/resolve.js';

const home = mkdtempSync(join(tmpdir(), 'pgloom-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const planOf = (dsn: string) => resolveConnectionPlan({ dsn }, {}, home, { defaultHost: () => 'localhost', osUser: () => 'u' });

describe('TCP keep-alive from the DSN (libpq keepalives*)', () => {
  it('is on by default with the OS idle time, as in libpq', () => {
    expect(planOf('postgres://h/db').keepAlive).toEqual({ enabled: true, idleMs: 0 });
  });

  it('keepalives=0 turns it off; keepalives_idle sets the idle seconds', () => {
    expect(planOf('postgres://h/db?keepalives=0').keepAlive).toEqual({ enabled: false, idleMs: 0 });
    expect(planOf('postgres://h/db?keepalives=1&keepalives_idle=30').keepAlive).toEqual({ enabled: true, idleMs: 30_000 });
    expect(planOf('host=h keepalives_idle=5').keepAlive).toEqual({ enabled: true, idleMs: 5000 });
  });

  it('accepts keepalives_interval, keepalives_count and tcp_user_timeout, which Node cannot set', () => {
    expect(planOf('postgres://h/db?keepalives_interval=10&keepalives_count=3&tcp_user_timeout=9000').keepAlive).toEqual({ enabled: true, idleMs: 0 });
  });

  it('refuses a value that is not a whole number, naming the parameter', () => {
    for (const [key, value] of [['keepalives', 'yes'], ['keepalives_idle', '-1'], ['keepalives_count', '2.5'], ['tcp_user_timeout', 'soon']]) {
      expect(() => planOf(`postgres://h/db?${key}=${value}`), key).toThrow(ConfigError);
      expect(() => planOf(`postgres://h/db?${key}=${value}`), key).toThrow(new RegExp(`invalid ${key}`));
    }
  });
});
