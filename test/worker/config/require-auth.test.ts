import { describe, expect, it } from 'vitest';
import { parseRequireAuth } from '../../../src/worker/config/require-auth.js';
import { ConfigError } from '../../../src/codec/errors/client-errors.js';

describe('parseRequireAuth', () => {
  it('allows everything when unset', () => {
    expect(parseRequireAuth(undefined)).toBeUndefined();
    expect(parseRequireAuth('')).toBeUndefined();
  });

  it('maps libpq names to methods', () => {
    expect(parseRequireAuth('scram-sha-256')).toEqual(['scram-sha-256', 'scram-sha-256-plus']);
    expect(parseRequireAuth('md5, password')).toEqual(['password', 'md5']);
    expect(parseRequireAuth('none')).toEqual(['trust']);
  });

  it('negates', () => {
    expect(parseRequireAuth('!password')).toEqual(['trust', 'md5', 'scram-sha-256', 'scram-sha-256-plus']);
    expect(parseRequireAuth('!none,!md5')).toEqual(['password', 'scram-sha-256', 'scram-sha-256-plus']);
  });

  it('rejects bad lists', () => {
    expect(() => parseRequireAuth('md5,!password')).toThrow(/mixes/);
    expect(() => parseRequireAuth('kerberos')).toThrow(ConfigError);
    expect(() => parseRequireAuth('md5,md5')).toThrow(/twice/);
  });
});
