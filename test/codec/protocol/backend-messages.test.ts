import { describe, it, expect } from 'vitest';
import {
  BackendMessage, checkBodiless, parseAuthentication, parseBackendKeyData, parseCommandComplete, parseCopyResponse, parseErrorFields, parseNegotiateProtocolVersion,
  parseNotificationResponse, parseParameterDescription, parseParameterStatus, parseReadyForQuery, parseRowDescription,
} from '../../../src/codec/protocol/index.js';
import { ProtocolError } from '../../../src/codec/errors/client-errors.js';

const int32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const int16 = (n: number) => [(n >>> 8) & 255, n & 255];
const cstr = (s: string) => [...Buffer.from(s, 'utf8'), 0];

/** Parse a payload placed at an offset inside a larger buffer, as the framer delivers it. */
function at<T>(parse: (bytes: Uint8Array, start: number, end: number) => T, payload: number[]): T {
  const bytes = Uint8Array.from([7, 7, 7, ...payload, 7, 7]);
  return parse(bytes, 3, 3 + payload.length);
}

describe('backend message parsers', () => {
  it('Authentication requests', () => {
    expect(at(parseAuthentication, int32(0))).toEqual({ kind: 'Ok' });
    expect(at(parseAuthentication, int32(3))).toEqual({ kind: 'CleartextPassword' });
    expect(at(parseAuthentication, [...int32(5), 1, 2, 3, 4])).toEqual({ kind: 'MD5Password', salt: Uint8Array.of(1, 2, 3, 4) });
    expect(at(parseAuthentication, [...int32(10), ...cstr('SCRAM-SHA-256-PLUS'), ...cstr('SCRAM-SHA-256'), 0])).toEqual({ kind: 'SASL', mechanisms: ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'] });
    expect(at(parseAuthentication, [...int32(11), 65, 66])).toEqual({ kind: 'SASLContinue', data: Uint8Array.of(65, 66) });
    expect(at(parseAuthentication, [...int32(12), 67])).toEqual({ kind: 'SASLFinal', data: Uint8Array.of(67) });
    expect(at(parseAuthentication, int32(7))).toEqual({ kind: 'GSS' });
    expect(() => at(parseAuthentication, int32(99))).toThrow(ProtocolError);
    expect(() => at(parseAuthentication, [...int32(5), 1, 2])).toThrow(ProtocolError);
  });

  it('BackendKeyData with 4-byte and longer (protocol 3.2) keys', () => {
    expect(at(parseBackendKeyData, [...int32(99), 1, 2, 3, 4])).toEqual({ processId: 99, secretKey: Uint8Array.of(1, 2, 3, 4) });
    expect(at(parseBackendKeyData, [...int32(99), ...Array(32).fill(5)]).secretKey).toHaveLength(32);
  });

  it('ParameterStatus, ReadyForQuery, NotificationResponse, NegotiateProtocolVersion', () => {
    expect(at(parseParameterStatus, [...cstr('TimeZone'), ...cstr('Europe/Zürich')])).toEqual({ name: 'TimeZone', value: 'Europe/Zürich' });
    expect(at(parseReadyForQuery, [0x45])).toBe(0x45);
    expect(at(parseNotificationResponse, [...int32(12), ...cstr('chan'), ...cstr('hi')])).toEqual({ processId: 12, channel: 'chan', payload: 'hi' });
    expect(at(parseNegotiateProtocolVersion, [...int32(0), ...int32(1), ...cstr('_pq_.x')])).toEqual({ newestMinorVersion: 0, unrecognizedOptions: ['_pq_.x'] });
  });

  it('RowDescription with unsigned OIDs and a Unicode name', () => {
    const field = (name: string, table: number, attr: number, type: number, size: number, mod: number) => [...cstr(name), ...int32(table), ...int16(attr), ...int32(type), ...int16(size), ...int32(mod), ...int16(0)];
    const columns = at(parseRowDescription, [...int16(2), ...field('id', 16384, 1, 23, 4, -1), ...field('名前', 0, 0, 4294967295, -1, 68)]);
    expect(columns).toEqual([
      { name: 'id', tableOid: 16384, columnAttr: 1, typeOid: 23, typeSize: 4, typeModifier: -1 },
      { name: '名前', tableOid: 0, columnAttr: 0, typeOid: 4294967295, typeSize: -1, typeModifier: 68 },
    ]);
    expect(() => at(parseRowDescription, [...int16(1), ...cstr('id')])).toThrow(ProtocolError);
  });

  it('ParameterDescription', () => {
    expect(at(parseParameterDescription, [...int16(2), ...int32(23), ...int32(25)])).toEqual([23, 25]);
  });

  it('CommandComplete tags and row counts', () => {
    expect(at(parseCommandComplete, cstr('INSERT 0 5'))).toEqual({ tag: 'INSERT 0 5', command: 'INSERT', rowCount: 5 });
    expect(at(parseCommandComplete, cstr('SELECT 0'))).toEqual({ tag: 'SELECT 0', command: 'SELECT', rowCount: 0 });
    expect(at(parseCommandComplete, cstr('CREATE TABLE'))).toEqual({ tag: 'CREATE TABLE', command: 'CREATE TABLE', rowCount: null });
    expect(at(parseCommandComplete, cstr('COPY 1000000'))).toMatchObject({ command: 'COPY', rowCount: 1000000 });
  });

  it('CommandComplete repeated (executemany: one per row) is parsed once, yet a tag differing in one byte is read anew', () => {
    const first = at(parseCommandComplete, cstr('INSERT 0 1'));
    const again = at(parseCommandComplete, cstr('INSERT 0 1'));
    expect(again).toBe(first);
    expect(Object.isFrozen(again)).toBe(true);
    expect(at(parseCommandComplete, cstr('INSERT 0 2'))).toEqual({ tag: 'INSERT 0 2', command: 'INSERT', rowCount: 2 });
    expect(at(parseCommandComplete, cstr('UPDATE 2'))).toEqual({ tag: 'UPDATE 2', command: 'UPDATE', rowCount: 2 });
    // Longer than the remembered bytes: parsed each time, and still right.
    const long = `CREATE TABLE ${'x'.repeat(80)}`;
    for (let i = 0; i < 2; i++) expect(at(parseCommandComplete, cstr(long))).toEqual({ tag: long, command: long, rowCount: null });
    expect(at(parseCommandComplete, cstr('INSERT 0 2'))).toEqual({ tag: 'INSERT 0 2', command: 'INSERT', rowCount: 2 });
  });

  it('CopyInResponse', () => {
    expect(at(parseCopyResponse, [1, ...int16(2), ...int16(1), ...int16(1)])).toEqual({ format: 1, columnFormats: [1, 1] });
  });

  it('ErrorResponse with every field', () => {
    const field = (code: string, value: string) => [code.charCodeAt(0), ...cstr(value)];
    const fields = at(parseErrorFields, [
      ...field('S', 'ERREUR'), ...field('V', 'ERROR'), ...field('C', '23505'), ...field('M', 'duplicate key'), ...field('D', 'Key (id)=(1) exists.'),
      ...field('H', 'hint'), ...field('P', '12'), ...field('p', '3'), ...field('q', 'select'), ...field('W', 'where'), ...field('s', 'public'),
      ...field('t', 'users'), ...field('c', 'id'), ...field('d', 'int4'), ...field('n', 'users_pkey'), ...field('F', 'nbtinsert.c'),
      ...field('L', '666'), ...field('R', '_bt_check_unique'), ...field('Z', 'unknown field, skipped'), 0,
    ]);
    expect(fields).toEqual({
      severity: 'ERREUR', severityNonLocalized: 'ERROR', code: '23505', message: 'duplicate key', detail: 'Key (id)=(1) exists.', hint: 'hint',
      position: 12, internalPosition: 3, internalQuery: 'select', where: 'where', schema: 'public', table: 'users', column: 'id', dataType: 'int4',
      constraint: 'users_pkey', file: 'nbtinsert.c', line: 666, routine: '_bt_check_unique',
    });
    expect(() => at(parseErrorFields, [0x4d, 65, 66])).toThrow(ProtocolError);
  });

  it('refuses bytes after a message\'s contents (its length word is wrong) as a ProtocolError (found by a corrupting proxy: a CommandComplete 2 bytes too long left the call hanging)', () => {
    expect(() => at(parseCommandComplete, [...cstr('SELECT 1'), 0x5a, 0])).toThrow(/CommandComplete message has 2 byte\(s\) after its contents/);
    expect(() => at(parseParameterStatus, [...cstr('a'), ...cstr('b'), 1])).toThrow(ProtocolError);
    expect(() => at(parseNotificationResponse, [...int32(12), ...cstr('chan'), ...cstr('hi'), 0])).toThrow(ProtocolError);
    expect(() => at(parseRowDescription, [...int16(0), 0, 0])).toThrow(ProtocolError);
    expect(() => at(parseParameterDescription, [...int16(1), ...int32(23), 0])).toThrow(ProtocolError);
    expect(() => at(parseCopyResponse, [1, ...int16(0), 9])).toThrow(ProtocolError);
    expect(() => at(parseAuthentication, [...int32(0), 0])).toThrow(ProtocolError);
    expect(() => at(parseErrorFields, [0x4d, ...cstr('m'), 0, 0x5a])).toThrow(/ErrorResponse message has 1 byte\(s\) after its fields/);
    expect(() => at(parseErrorFields, [0x4d, ...cstr('m')])).toThrow(/no terminating zero byte/);
    // Unsupported methods carry data of their own (GSS tokens): refused by name later, not as corrupt.
    expect(at(parseAuthentication, [...int32(8), 1, 2, 3])).toEqual({ kind: 'GSSContinue' });
  });

  it('refuses a body on a message that carries none (found by a corrupting proxy: a BindComplete 3 bytes too long left the call hanging)', () => {
    for (const type of [BackendMessage.ParseComplete, BackendMessage.BindComplete, BackendMessage.CloseComplete, BackendMessage.NoData, BackendMessage.PortalSuspended, BackendMessage.EmptyQueryResponse, BackendMessage.CopyDone]) {
      expect(() => checkBodiless(type, 5, 5), String.fromCharCode(type)).not.toThrow();
      expect(() => checkBodiless(type, 5, 8), String.fromCharCode(type)).toThrow(ProtocolError);
    }
    expect(() => checkBodiless(BackendMessage.BindComplete, 0, 3)).toThrow(/'2' message has 3 byte\(s\) but carries none/);
    expect(() => checkBodiless(BackendMessage.DataRow, 5, 8)).not.toThrow();
  });

  it('refuses a RowDescription with a negative column count as a ProtocolError (found by fuzzing: was a RangeError)', () => {
    expect(() => parseRowDescription(Uint8Array.of(0x80, 0x00), 0, 2)).toThrow(ProtocolError);
    expect(() => parseRowDescription(Uint8Array.of(0xff, 0xff), 0, 2)).toThrow(/declares -1 columns/);
  });
});
