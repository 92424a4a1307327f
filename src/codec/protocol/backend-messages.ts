// Parsers for the payloads of backend messages. Each takes `bytes[start, end)`, the payload
// after the 5-byte header, as delivered by MessageFramer, and copies what it keeps.

import { BinaryReader } from '../buffer/reader.js';
import { ProtocolError } from '../errors/client-errors.js';
import { BackendMessage } from './message-types.js';

function finish(reader: BinaryReader, message: string): void {
  if (!reader.ok) throw new ProtocolError(`${message} message is malformed (shorter than its contents declare, or not UTF-8): the stream is corrupt`);
  // Bytes left over mean the length word disagrees with the contents (libpq: "message contents do not agree with length").
  if (reader.remaining !== 0) throw new ProtocolError(`${message} message has ${reader.remaining} byte(s) after its contents: its length word is wrong, the stream is corrupt`);
}

/** Messages that carry nothing but their type: a body means the length word is wrong. */
const bodilessMessages = new Set<number>([
  BackendMessage.ParseComplete, BackendMessage.BindComplete, BackendMessage.CloseComplete, BackendMessage.NoData,
  BackendMessage.PortalSuspended, BackendMessage.EmptyQueryResponse, BackendMessage.CopyDone,
]);

/**
 * Refuse a body on a message that has none (a BindComplete whose length word says 7 swallows the
 * next message's first bytes, and the stream then waits forever for a length read from the middle
 * of a row).
 */
export function checkBodiless(type: number, start: number, end: number): void {
  if (end !== start && bodilessMessages.has(type)) {
    throw new ProtocolError(`a '${String.fromCharCode(type)}' message has ${end - start} byte(s) but carries none: its length word is wrong, the stream is corrupt`);
  }
}

// ---------------------------------------------------------------------------------------------
// Authentication

export type AuthenticationRequest =
  | { kind: 'Ok' }
  | { kind: 'CleartextPassword' }
  | { kind: 'MD5Password'; salt: Uint8Array }
  | { kind: 'SASL'; mechanisms: string[] }
  | { kind: 'SASLContinue'; data: Uint8Array }
  | { kind: 'SASLFinal'; data: Uint8Array }
  | { kind: 'KerberosV5' | 'GSS' | 'GSSContinue' | 'SSPI' | 'SCMCredential' };

const unsupportedAuthentication: Record<number, 'KerberosV5' | 'GSS' | 'GSSContinue' | 'SSPI' | 'SCMCredential'> = {
  2: 'KerberosV5',
  6: 'SCMCredential',
  7: 'GSS',
  8: 'GSSContinue',
  9: 'SSPI',
};

export function parseAuthentication(bytes: Uint8Array, start: number, end: number): AuthenticationRequest {
  const reader = new BinaryReader(bytes, start, end);
  const code = reader.i32();
  let request: AuthenticationRequest;
  switch (code) {
    case 0:
      request = { kind: 'Ok' };
      break;
    case 3:
      request = { kind: 'CleartextPassword' };
      break;
    case 5:
      request = { kind: 'MD5Password', salt: reader.copy(4) };
      break;
    case 10: {
      const mechanisms: string[] = [];
      for (let name = reader.cstring(); reader.ok && name !== ''; name = reader.cstring()) mechanisms.push(name);
      request = { kind: 'SASL', mechanisms };
      break;
    }
    case 11:
      request = { kind: 'SASLContinue', data: reader.copy(reader.remaining) };
      break;
    case 12:
      request = { kind: 'SASLFinal', data: reader.copy(reader.remaining) };
      break;
    default: {
      const kind = unsupportedAuthentication[code];
      if (!kind) throw new ProtocolError(`the server asked for an unknown authentication method (code ${code})`);
      // Their data (GSS tokens) is never read: the method is refused by name.
      reader.slice(reader.remaining);
      request = { kind };
    }
  }
  finish(reader, 'Authentication');
  return request;
}

// ---------------------------------------------------------------------------------------------
// Session state

export interface BackendKeyData {
  processId: number;
  /** 4 bytes in protocol 3.0; up to 256 in 3.2. */
  secretKey: Uint8Array;
}

export function parseBackendKeyData(bytes: Uint8Array, start: number, end: number): BackendKeyData {
  const reader = new BinaryReader(bytes, start, end);
  const processId = reader.i32();
  const secretKey = reader.copy(reader.remaining);
  finish(reader, 'BackendKeyData');
  return { processId, secretKey };
}

export function parseParameterStatus(bytes: Uint8Array, start: number, end: number): { name: string; value: string } {
  const reader = new BinaryReader(bytes, start, end);
  const name = reader.cstring();
  const value = reader.cstring();
  finish(reader, 'ParameterStatus');
  return { name, value };
}

/** The transaction status byte: 'I' idle, 'T' in a transaction, 'E' in a failed transaction. */
export function parseReadyForQuery(bytes: Uint8Array, start: number, end: number): number {
  if (end - start !== 1) throw new ProtocolError('ReadyForQuery message is malformed: the stream is corrupt');
  return bytes[start];
}

export interface NegotiateProtocolVersion {
  newestMinorVersion: number;
  unrecognizedOptions: string[];
}

export function parseNegotiateProtocolVersion(bytes: Uint8Array, start: number, end: number): NegotiateProtocolVersion {
  const reader = new BinaryReader(bytes, start, end);
  const newestMinorVersion = reader.i32();
  const count = reader.i32();
  const unrecognizedOptions: string[] = [];
  for (let i = 0; i < count && reader.ok; i++) unrecognizedOptions.push(reader.cstring());
  finish(reader, 'NegotiateProtocolVersion');
  return { newestMinorVersion, unrecognizedOptions };
}

export interface Notification {
  processId: number;
  channel: string;
  payload: string;
}

export function parseNotificationResponse(bytes: Uint8Array, start: number, end: number): Notification {
  const reader = new BinaryReader(bytes, start, end);
  const processId = reader.i32();
  const channel = reader.cstring();
  const payload = reader.cstring();
  finish(reader, 'NotificationResponse');
  return { processId, channel, payload };
}

// ---------------------------------------------------------------------------------------------
// Query results

/** One result column, as RowDescription describes it. */
export interface ColumnDescription {
  name: string;
  /** The table's OID if the column comes straight from one, else 0. */
  tableOid: number;
  /** The column's attribute number in that table, else 0. */
  columnAttr: number;
  typeOid: number;
  /** pg_type.typlen: negative for variable width. */
  typeSize: number;
  /** pg_attribute.atttypmod, e.g. varchar length + 4; -1 when none. */
  typeModifier: number;
}

export function parseRowDescription(bytes: Uint8Array, start: number, end: number): ColumnDescription[] {
  const reader = new BinaryReader(bytes, start, end);
  const count = reader.i16();
  if (count < 0) throw new ProtocolError(`RowDescription declares ${count} columns: the stream is corrupt`);
  const columns: ColumnDescription[] = [];
  for (let i = 0; i < count && reader.ok; i++) {
    const name = reader.cstring();
    const tableOid = reader.u32();
    const columnAttr = reader.i16();
    const typeOid = reader.u32();
    const typeSize = reader.i16();
    const typeModifier = reader.i32();
    reader.i16(); // format code: always 0 in a statement Describe, and we track our own
    columns.push({ name, tableOid, columnAttr, typeOid, typeSize, typeModifier });
  }
  finish(reader, 'RowDescription');
  return columns;
}

export function parseParameterDescription(bytes: Uint8Array, start: number, end: number): number[] {
  const reader = new BinaryReader(bytes, start, end);
  const declared = reader.u16();
  // The count is 16 bits: a statement with 65,536 or more parameters wraps it (65,536 reads as 0),
  // but the server still sends every OID, so the length tells the true count.
  const sent = (end - start - 2) / 4;
  const count = sent > declared && Number.isInteger(sent) && sent % 65536 === declared ? sent : declared;
  const oids: number[] = new Array(count);
  for (let i = 0; i < count; i++) oids[i] = reader.u32();
  finish(reader, 'ParameterDescription');
  return oids;
}

export interface CommandComplete {
  /** The whole tag, e.g. 'INSERT 0 5'. */
  tag: string;
  /** The tag without its counts, e.g. 'INSERT', 'CREATE TABLE'. */
  command: string;
  /** Rows affected or returned, for commands that report it; otherwise null. */
  rowCount: number | null;
}

const tagsWithRowCount = new Set(['INSERT', 'SELECT', 'UPDATE', 'DELETE', 'MERGE', 'FETCH', 'MOVE', 'COPY']);

/**
 * The last CommandComplete parsed, by its bytes: executemany gets one per row ('INSERT 0 1' a
 * thousand times), and parsing each anew (a reader, a decoded string, a regular expression) was the
 * largest part of reading its replies. The result is frozen: it is shared.
 */
const lastTag = { bytes: new Uint8Array(64), length: -1, parsed: undefined as CommandComplete | undefined };

export function parseCommandComplete(bytes: Uint8Array, start: number, end: number): CommandComplete {
  const length = end - start;
  if (length === lastTag.length && sameBytes(bytes, start, lastTag.bytes, length)) return lastTag.parsed!;
  const parsed = Object.freeze(parseCommandCompleteAnew(bytes, start, end));
  if (length <= lastTag.bytes.length) {
    lastTag.bytes.set(bytes.subarray(start, end));
    lastTag.length = length;
    lastTag.parsed = parsed;
  }
  return parsed;
}

function sameBytes(bytes: Uint8Array, start: number, other: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[start + i] !== other[i]) return false;
  return true;
}

function parseCommandCompleteAnew(bytes: Uint8Array, start: number, end: number): CommandComplete {
  const reader = new BinaryReader(bytes, start, end);
  const tag = reader.cstring();
  finish(reader, 'CommandComplete');
  const match = /^(.*?)((?: \d+)+)$/.exec(tag);
  if (!match || !tagsWithRowCount.has(match[1])) return { tag, command: tag, rowCount: null };
  const counts = match[2].trim().split(' ');
  return { tag, command: match[1], rowCount: Number(counts[counts.length - 1]) };
}

export interface CopyResponse {
  /** 0 text, 1 binary. */
  format: number;
  columnFormats: number[];
}

/** CopyInResponse, CopyOutResponse and CopyBothResponse share this layout. */
export function parseCopyResponse(bytes: Uint8Array, start: number, end: number): CopyResponse {
  const reader = new BinaryReader(bytes, start, end);
  const format = reader.u8();
  const count = reader.i16();
  const columnFormats: number[] = [];
  for (let i = 0; i < count && reader.ok; i++) columnFormats.push(reader.i16());
  finish(reader, 'CopyResponse');
  return { format, columnFormats };
}
