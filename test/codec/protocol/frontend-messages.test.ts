import { describe, it, expect } from 'vitest';
import { BufferWriter } from '../../../src/codec/buffer/writer.js';
import {
  beginBind, beginParam, endBind, endParam, writeCancelRequest, writeClose, writeCopyData, writeCopyDone, writeCopyFail,
  writeDescribe, writeExecute, writeFlush, writeGSSENCRequest, writeNullParam, writeParse, writePassword, writeQuery,
  writeSASLInitialResponse, writeSASLResponse, writeSSLRequest, writeStartup, writeSync, writeTerminate,
} from '../../../src/codec/protocol/index.js';
import { ParameterError } from '../../../src/codec/errors/client-errors.js';

function bytesOf(write: (out: BufferWriter) => void): number[] {
  const out = new BufferWriter(4);
  write(out);
  return Array.from(out.written());
}

const int32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const int16 = (n: number) => [(n >>> 8) & 255, n & 255];
const cstr = (s: string) => [...Buffer.from(s, 'utf8'), 0];
const typed = (type: string, payload: number[]) => [type.charCodeAt(0), ...int32(payload.length + 4), ...payload];

describe('frontend messages, byte for byte as the protocol documentation lays them out', () => {
  it('StartupMessage: length, version 3.0, name/value pairs, terminator', () => {
    const payload = [...int32(196608), ...cstr('user'), ...cstr('bob'), ...cstr('database'), ...cstr('dé'), 0];
    expect(bytesOf((out) => writeStartup(out, { user: 'bob', database: 'dé' }))).toEqual([...int32(payload.length + 4), ...payload]);
  });

  it('refuses a startup parameter with NUL', () => {
    expect(() => bytesOf((out) => writeStartup(out, { user: 'a\0b' }))).toThrow(ParameterError);
  });

  it('SSLRequest, GSSENCRequest and CancelRequest', () => {
    expect(bytesOf(writeSSLRequest)).toEqual([...int32(8), ...int32(80877103)]);
    expect(bytesOf(writeGSSENCRequest)).toEqual([...int32(8), ...int32(80877104)]);
    expect(bytesOf((out) => writeCancelRequest(out, 4242, Uint8Array.of(1, 2, 3, 4)))).toEqual([...int32(16), ...int32(80877102), ...int32(4242), 1, 2, 3, 4]);
  });

  it('PasswordMessage and the SASL responses', () => {
    expect(bytesOf((out) => writePassword(out, 'md5abc'))).toEqual(typed('p', cstr('md5abc')));
    expect(bytesOf((out) => writeSASLInitialResponse(out, 'SCRAM-SHA-256', Uint8Array.of(9, 8)))).toEqual(typed('p', [...cstr('SCRAM-SHA-256'), ...int32(2), 9, 8]));
    expect(bytesOf((out) => writeSASLInitialResponse(out, 'X', undefined))).toEqual(typed('p', [...cstr('X'), 255, 255, 255, 255]));
    expect(bytesOf((out) => writeSASLResponse(out, Uint8Array.of(1, 2, 3)))).toEqual(typed('p', [1, 2, 3]));
  });

  it('Query, and a query text with NUL refused before anything is written', () => {
    expect(bytesOf((out) => writeQuery(out, 'select 1'))).toEqual(typed('Q', cstr('select 1')));
    const out = new BufferWriter();
    expect(() => writeQuery(out, 'select 1\0; drop table x')).toThrow(ParameterError);
    expect(out.length).toBe(0);
  });

  it('Parse with parameter type OIDs (unsigned)', () => {
    expect(bytesOf((out) => writeParse(out, 's1', 'select $1', [23, 4294967295]))).toEqual(
      typed('P', [...cstr('s1'), ...cstr('select $1'), ...int16(2), ...int32(23), 255, 255, 255, 255]),
    );
  });

  it('Bind: format codes compressed, NULL as -1, values with their lengths', () => {
    const written = bytesOf((out) => {
      const slot = beginBind(out, '', 'stmt', [1, 1], 2);
      writeNullParam(out);
      const param = beginParam(out);
      out.i32(7);
      endParam(out, param);
      endBind(out, slot, [1, 1, 1]);
    });
    expect(written).toEqual(typed('B', [...cstr(''), ...cstr('stmt'), ...int16(1), ...int16(1), ...int16(2), 255, 255, 255, 255, ...int32(4), ...int32(7), ...int16(1), ...int16(1)]));
  });

  it('Bind: all-text formats as zero codes, mixed formats listed one by one', () => {
    const written = bytesOf((out) => {
      const slot = beginBind(out, 'p', '', [0, 1], 0);
      endBind(out, slot, [0, 0]);
    });
    expect(written).toEqual(typed('B', [...cstr('p'), ...cstr(''), ...int16(2), ...int16(0), ...int16(1), ...int16(0), ...int16(0)]));
  });

  it('refuses more than 65535 parameters', () => {
    expect(() => bytesOf((out) => beginBind(out, '', '', [], 70000))).toThrow(/70,000 parameters given, but a PostgreSQL statement takes at most 65,535/);
  });

  it('Describe, Execute, Close, Sync, Flush, Terminate', () => {
    expect(bytesOf((out) => writeDescribe(out, 'S', 'a'))).toEqual(typed('D', [0x53, ...cstr('a')]));
    expect(bytesOf((out) => writeExecute(out, 'c1', 50))).toEqual(typed('E', [...cstr('c1'), ...int32(50)]));
    expect(bytesOf((out) => writeClose(out, 'P', 'c1'))).toEqual(typed('C', [0x50, ...cstr('c1')]));
    expect(bytesOf(writeSync)).toEqual(typed('S', []));
    expect(bytesOf(writeFlush)).toEqual(typed('H', []));
    expect(bytesOf(writeTerminate)).toEqual(typed('X', []));
  });

  it('CopyData, CopyDone, CopyFail', () => {
    expect(bytesOf((out) => writeCopyData(out, Uint8Array.of(1, 2)))).toEqual(typed('d', [1, 2]));
    expect(bytesOf(writeCopyDone)).toEqual(typed('c', []));
    expect(bytesOf((out) => writeCopyFail(out, 'stop'))).toEqual(typed('f', cstr('stop')));
  });
});
