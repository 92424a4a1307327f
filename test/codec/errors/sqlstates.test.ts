import { describe, expect, it } from 'vitest';
import * as errors from '../../../src/codec/errors/index.js';
import {
  errorClassBySqlstate, FeatureNotSupportedError, InternalServerError, PostgresError, PostgresSyntaxError,
  postgresErrorFrom, SyntaxErrorError, UniqueViolationError,
} from '../../../src/codec/errors/index.js';
import { deserializeError, serializeError } from '../../../src/codec/errors/transport.js';

describe('generated SQLSTATE classes', () => {
  it('no class name ends in ErrorError, and each is named as it is exported', () => {
    for (const [code, ErrorClass] of errorClassBySqlstate) {
      const instance = new ErrorClass({ severity: 'ERROR', code, message: 'm' });
      expect(instance.name).not.toMatch(/ErrorError$/);
      expect(instance.name).toMatch(/Error$/);
      expect((errors as Record<string, unknown>)[instance.name]).toBe(ErrorClass);
    }
  });

  it("asyncpg's names where the plain one would shadow a JavaScript global", () => {
    expect(postgresErrorFrom({ severity: 'ERROR', code: '42601', message: 'syntax error at end of input' })).toBeInstanceOf(PostgresSyntaxError);
    expect(postgresErrorFrom({ severity: 'ERROR', code: 'XX000', message: 'x' })).toBeInstanceOf(InternalServerError);
    expect(new PostgresSyntaxError({ severity: 'ERROR', code: '42601', message: 'x' })).not.toBeInstanceOf(SyntaxError);
  });

  it('the old names still work, as deprecated aliases of the same classes', () => {
    expect(SyntaxErrorError).toBe(PostgresSyntaxError);
    const old = errors as Record<string, unknown>;
    expect(old.InternalErrorError).toBe(InternalServerError);
    expect(old.ArraySubscriptErrorError).toBe(errors.ArraySubscriptError);
    expect(old.PlpgsqlErrorError).toBe(errors.PlpgsqlError);
    expect(old.FdwFunctionSequenceErrorError).toBe(errors.FdwFunctionSequenceError);
  });
});

describe('String(e) of a PostgresError', () => {
  const fields = { severity: 'ERROR', code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"' };

  it('prints DETAIL and HINT lines as psql does', () => {
    const error = postgresErrorFrom({ ...fields, detail: 'Key (id)=(1) already exists.', hint: 'Pick another id.' });
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(String(error)).toBe('UniqueViolationError: duplicate key value violates unique constraint "t_pkey"\nDETAIL:  Key (id)=(1) already exists.\nHINT:  Pick another id.');
  });

  it('prints only the lines the server sent', () => {
    expect(String(postgresErrorFrom(fields))).toBe('UniqueViolationError: duplicate key value violates unique constraint "t_pkey"');
    expect(String(new PostgresError({ ...fields, hint: 'h' }))).toBe('PostgresError: duplicate key value violates unique constraint "t_pkey"\nHINT:  h');
  });

  it('is the same after crossing a thread boundary, InvalidCachedStatementError included', () => {
    const error = postgresErrorFrom({ ...fields, detail: 'd' });
    expect(String(deserializeError(serializeError(error)))).toBe(String(error));
    const stale = errors.InvalidCachedStatementError.from(new FeatureNotSupportedError({ severity: 'ERROR', code: '0A000', message: 'cached plan must not change result type' }), true);
    const back = deserializeError(serializeError(stale));
    expect(back).toBeInstanceOf(errors.InvalidCachedStatementError);
    expect(String(back)).toBe(String(stale));
    expect(String(back)).toMatch(/^InvalidCachedStatementError: cached plan must not change result type: .*\nHINT:  pgloom evicted the statement/);
  });
});
