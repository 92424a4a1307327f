// Backend (server → client) messages for the scripted fake server and the fuzz corpus, framed with
// pgloom's own BufferWriter length slots. pgloom writes only frontend messages, so this small set
// is written here, from the protocol's "Message Formats" page.

import { BufferWriter } from '../../src/codec/buffer/writer.js';

/** A complete message: type byte, int32 length (itself included), then the body `build` writes. */
export function backendMessage(type: string, build: (out: BufferWriter) => void = () => undefined): Uint8Array {
  const out = new BufferWriter(64);
  out.u8(type.charCodeAt(0));
  const slot = out.beginLength();
  build(out);
  out.endLength(slot);
  return out.toBytes();
}

/** A message whose length word is `declared` whatever the body is: for framing violations. */
export function withDeclaredLength(message: Uint8Array, declared: number): Uint8Array {
  const copy = message.slice();
  new DataView(copy.buffer).setInt32(1, declared);
  return copy;
}

export const authenticationOk = () => backendMessage('R', (out) => out.i32(0));
export const authenticationCleartextPassword = () => backendMessage('R', (out) => out.i32(3));
export const parameterStatus = (name: string, value: string) => backendMessage('S', (out) => out.cstring(name).cstring(value));
export const backendKeyData = (processId: number, secretKey: number) => backendMessage('K', (out) => out.i32(processId).i32(secretKey));
export const readyForQuery = (status: 'I' | 'T' | 'E' = 'I') => backendMessage('Z', (out) => out.u8(status.charCodeAt(0)));
export const parseComplete = () => backendMessage('1');
export const bindComplete = () => backendMessage('2');
export const closeComplete = () => backendMessage('3');
export const noData = () => backendMessage('n');
export const emptyQueryResponse = () => backendMessage('I');
export const commandComplete = (tag: string) => backendMessage('C', (out) => out.cstring(tag));
export const parameterDescription = (typeOids: readonly number[]) => backendMessage('t', (out) => {
  out.i16(typeOids.length);
  for (const oid of typeOids) out.u32(oid);
});

export interface FakeColumn {
  name: string;
  typeOid: number;
}

export const rowDescription = (columns: readonly FakeColumn[]) => backendMessage('T', (out) => {
  out.i16(columns.length);
  for (const column of columns) out.cstring(column.name).u32(0).i16(0).u32(column.typeOid).i16(-1).i32(-1).i16(0);
});

/** A field: its bytes, null (length -1), or an explicit length word with the bytes that follow it. */
export type FakeField = Uint8Array | number[] | null | { length: number; bytes?: number[] };

export function dataRow(fields: readonly FakeField[], options: { count?: number; trailing?: number[] } = {}): Uint8Array {
  return backendMessage('D', (out) => {
    out.i16(options.count ?? fields.length);
    for (const field of fields) {
      if (field === null) out.i32(-1);
      else if (field instanceof Uint8Array || Array.isArray(field)) out.i32(field.length).raw(Uint8Array.from(field));
      else out.i32(field.length).raw(Uint8Array.from(field.bytes ?? []));
    }
    for (const byte of options.trailing ?? []) out.u8(byte);
  });
}

export const int4Field = (value: number) => {
  const out = new BufferWriter(4);
  out.i32(value);
  return out.toBytes();
};

export interface FakeErrorFields {
  severity?: 'ERROR' | 'FATAL' | 'PANIC';
  code: string;
  message: string;
}

export const errorResponse = (fields: FakeErrorFields) => backendMessage('E', (out) => {
  const severity = fields.severity ?? 'ERROR';
  out.u8(0x53).cstring(severity).u8(0x56).cstring(severity).u8(0x43).cstring(fields.code).u8(0x4d).cstring(fields.message).u8(0);
});
