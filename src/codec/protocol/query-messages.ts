// Frontend messages of the simple and extended query protocols.

import type { BufferWriter } from '../buffer/writer.js';
import { ParameterError } from '../errors/client-errors.js';
import { checkParameterLimit } from './parameter-limit.js';

const Message = {
  Query: 0x51, // Q
  Parse: 0x50, // P
  Bind: 0x42, // B
  Describe: 0x44, // D
  Execute: 0x45, // E
  Sync: 0x53, // S
  Flush: 0x48, // H
  Close: 0x43, // C
  Terminate: 0x58, // X
} as const;

/** The server's limit for one message (MaxAllocSize): larger ones are rejected after being sent. */
export const maxFrontendMessageLength = 0x3fffffff;

/** 'S' a prepared statement, 'P' a portal. */
export type DescribeTarget = 'S' | 'P';

function checkText(what: string, text: string): void {
  // The protocol's strings end at NUL: the server would see a truncated text and misread the rest.
  if (text.includes('\0')) throw new ParameterError(`${what} contains a NUL character (\\0), which PostgreSQL cannot receive: remove it, or pass the data as a bytea parameter`);
}

export function writeQuery(out: BufferWriter, sql: string): void {
  checkText('the query text', sql);
  out.u8(Message.Query);
  const slot = out.beginLength();
  out.cstring(sql);
  out.endLength(slot);
}

/** Parse; `paramOids` may be shorter than the parameter count (0 lets the server infer a type). */
export function writeParse(out: BufferWriter, name: string, sql: string, paramOids: readonly number[]): void {
  checkText('the query text', sql);
  out.u8(Message.Parse);
  const slot = out.beginLength();
  out.cstring(name).cstring(sql).i16(paramOids.length);
  for (const oid of paramOids) out.u32(oid);
  out.endLength(slot);
}

/** Format codes, compressed as the protocol allows: none = all text, one = applies to all. */
function writeFormats(out: BufferWriter, formats: readonly number[]): void {
  const first = formats[0] ?? 0;
  if (formats.every((format) => format === first)) {
    if (first === 0) out.i16(0);
    else out.i16(1).i16(first);
    return;
  }
  out.i16(formats.length);
  for (const format of formats) out.i16(format);
}

/**
 * Start a Bind: the caller then writes `paramCount` values (each with writeNullParam, or
 * beginParam…endParam around the encoded bytes) and finishes with endBind. Returns the slot
 * to pass to endBind.
 */
export function beginBind(out: BufferWriter, portal: string, statement: string, paramFormats: readonly number[], paramCount: number): number {
  checkParameterLimit(paramCount);
  out.u8(Message.Bind);
  const slot = out.beginLength();
  out.cstring(portal).cstring(statement);
  writeFormats(out, paramFormats);
  out.u16(paramCount);
  return slot;
}

export function writeNullParam(out: BufferWriter): void {
  out.i32(-1);
}

/** Reserve the value's length; returns the slot for endParam. */
export function beginParam(out: BufferWriter): number {
  return out.beginLength();
}

export function endParam(out: BufferWriter, slot: number): void {
  // A parameter's length excludes its own 4 bytes, unlike a message length.
  out.view.setInt32(slot, out.length - slot - 4);
}

export function endBind(out: BufferWriter, slot: number, resultFormats: readonly number[]): void {
  writeFormats(out, resultFormats);
  const length = out.length - slot;
  if (length > maxFrontendMessageLength) {
    throw new ParameterError(`the parameters take ${length} bytes, but PostgreSQL accepts at most 1 GB per message: send less data per query (e.g. several executemany rows, or COPY)`);
  }
  out.endLength(slot);
}

export function writeDescribe(out: BufferWriter, target: DescribeTarget, name: string): void {
  out.u8(Message.Describe);
  const slot = out.beginLength();
  out.u8(target.charCodeAt(0)).cstring(name);
  out.endLength(slot);
}

/** Execute a portal; `maxRows` 0 fetches all rows, otherwise the portal suspends after that many. */
export function writeExecute(out: BufferWriter, portal: string, maxRows: number): void {
  out.u8(Message.Execute);
  const slot = out.beginLength();
  out.cstring(portal).i32(maxRows);
  out.endLength(slot);
}

export function writeClose(out: BufferWriter, target: DescribeTarget, name: string): void {
  out.u8(Message.Close);
  const slot = out.beginLength();
  out.u8(target.charCodeAt(0)).cstring(name);
  out.endLength(slot);
}

export function writeSync(out: BufferWriter): void {
  out.u8(Message.Sync).i32(4);
}

export function writeFlush(out: BufferWriter): void {
  out.u8(Message.Flush).i32(4);
}

export function writeTerminate(out: BufferWriter): void {
  out.u8(Message.Terminate).i32(4);
}
