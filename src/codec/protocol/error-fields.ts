// ErrorResponse and NoticeResponse: a list of (field code, text) pairs.

import type { PostgresErrorFields } from '../errors/postgres-error.js';
import { ProtocolError } from '../errors/client-errors.js';

// Lenient: a message in an unexpected encoding must still surface, not become a decode failure.
// ignoreBOM: a leading U+FEFF is part of the text, not a byte-order mark to drop.
const text = new TextDecoder('utf-8', { ignoreBOM: true });

type TextField = Exclude<keyof PostgresErrorFields, 'position' | 'internalPosition' | 'line'>;

const textFields: Record<number, TextField> = {
  0x53: 'severity', // S
  0x56: 'severityNonLocalized', // V
  0x43: 'code', // C
  0x4d: 'message', // M
  0x44: 'detail', // D
  0x48: 'hint', // H
  0x71: 'internalQuery', // q
  0x57: 'where', // W
  0x73: 'schema', // s
  0x74: 'table', // t
  0x63: 'column', // c
  0x64: 'dataType', // d
  0x6e: 'constraint', // n
  0x46: 'file', // F
  0x52: 'routine', // R
};

const numberFields: Record<number, 'position' | 'internalPosition' | 'line'> = {
  0x50: 'position', // P
  0x70: 'internalPosition', // p
  0x4c: 'line', // L
};

export function parseErrorFields(bytes: Uint8Array, start: number, end: number): PostgresErrorFields {
  const fields: PostgresErrorFields = { severity: '', code: '', message: '' };
  let pos = start;
  while (pos < end && bytes[pos] !== 0) {
    const code = bytes[pos++];
    const nul = bytes.indexOf(0, pos);
    if (nul < 0 || nul >= end) throw new ProtocolError('ErrorResponse message is malformed: a field is not terminated');
    const value = text.decode(bytes.subarray(pos, nul));
    pos = nul + 1;
    const textField = textFields[code];
    if (textField) fields[textField] = value;
    else {
      const numberField = numberFields[code];
      // Unknown field codes are skipped: the protocol says more may be added.
      if (numberField) fields[numberField] = Number(value);
    }
  }
  // The fields end with one zero byte, which ends the message (libpq: "message contents do not agree with length").
  if (pos !== end - 1) throw new ProtocolError(`ErrorResponse message ${pos >= end ? 'has no terminating zero byte' : `has ${end - pos - 1} byte(s) after its fields`}: its length word is wrong, the stream is corrupt`);
  fields.severity ||= fields.severityNonLocalized ?? 'ERROR';
  return fields;
}
