// Frontend messages of the startup phase: the untyped packets (Startup, SSLRequest,
// GSSENCRequest, CancelRequest) and the typed 'p' password/SASL responses.

import type { BufferWriter } from '../buffer/writer.js';
import { ParameterError } from '../errors/client-errors.js';
import { RequestCode } from './message-types.js';

const PasswordMessage = 0x70; // p

/** StartupMessage (protocol 3.0) with its parameters: user, database, options, GUCs… */
export function writeStartup(out: BufferWriter, parameters: Readonly<Record<string, string>>): void {
  const slot = out.beginLength();
  out.i32(RequestCode.protocol3);
  for (const [name, value] of Object.entries(parameters)) {
    // A NUL would end the string early and shift every later parameter.
    if (name.includes('\0') || value.includes('\0')) throw new ParameterError(`startup parameter "${name.replace(/\0/g, '\\0')}" contains a NUL character, which the protocol cannot carry`);
    out.cstring(name).cstring(value);
  }
  out.u8(0);
  out.endLength(slot);
}

export function writeSSLRequest(out: BufferWriter): void {
  out.i32(8).i32(RequestCode.sslRequest);
}

/** Asks for GSSAPI encryption; pgloom sends it only to learn that the server refuses it. */
export function writeGSSENCRequest(out: BufferWriter): void {
  out.i32(8).i32(RequestCode.gssEncRequest);
}

/** CancelRequest, sent on a new connection. The key is 4 bytes in protocol 3.0, up to 256 in 3.2. */
export function writeCancelRequest(out: BufferWriter, processId: number, secretKey: Uint8Array): void {
  out.i32(12 + secretKey.length).i32(RequestCode.cancelRequest).i32(processId).raw(secretKey);
}

/** PasswordMessage: the cleartext password, or the 'md5…' hash. */
export function writePassword(out: BufferWriter, password: string): void {
  if (password.includes('\0')) throw new ParameterError('the password contains a NUL character, which the protocol cannot carry');
  out.u8(PasswordMessage);
  const slot = out.beginLength();
  out.cstring(password);
  out.endLength(slot);
}

export function writeSASLInitialResponse(out: BufferWriter, mechanism: string, data: Uint8Array | undefined): void {
  out.u8(PasswordMessage);
  const slot = out.beginLength();
  out.cstring(mechanism);
  if (data === undefined) out.i32(-1);
  else out.i32(data.length).raw(data);
  out.endLength(slot);
}

export function writeSASLResponse(out: BufferWriter, data: Uint8Array): void {
  out.u8(PasswordMessage);
  const slot = out.beginLength();
  out.raw(data);
  out.endLength(slot);
}
