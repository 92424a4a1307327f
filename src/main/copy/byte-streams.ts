// copyToTable's sources and copyFromTable's outputs, as the COPY operations take them: a source
// becomes chunks of bytes (small pieces gathered, strings as UTF-8), an output a function that
// returns a promise while the destination is busy (a Writable's backpressure).

import { once } from 'node:events';
import { InterfaceError } from '../../codec/errors/client-errors.js';
import type { CopySource, CopyOutput } from './copy-options.js';
import type { CopyInput, CopySink } from './copy-target.js';

/** Pieces smaller than this are gathered before they become one CopyData message. */
const GATHER_BYTES = 64 * 1024;

const utf8 = new TextEncoder();

function toBytes(piece: unknown): Uint8Array {
  if (piece instanceof Uint8Array) return piece;
  if (typeof piece === 'string') return utf8.encode(piece);
  throw new InterfaceError(`a COPY source gave a ${piece === null ? 'null' : typeof piece} piece: give Uint8Array, Buffer or string pieces`);
}

async function* gathered(pieces: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<Uint8Array> {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  for await (const piece of pieces) {
    const bytes = toBytes(piece);
    if (bytes.length >= GATHER_BYTES && heldBytes === 0) {
      yield bytes;
      continue;
    }
    held.push(bytes);
    heldBytes += bytes.length;
    if (heldBytes >= GATHER_BYTES) {
      yield joined(held, heldBytes);
      held = [];
      heldBytes = 0;
    }
  }
  if (heldBytes > 0) yield joined(held, heldBytes);
}

function joined(pieces: Uint8Array[], total: number): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    bytes.set(piece, at);
    at += piece.length;
  }
  return bytes;
}

/** A copyToTable source as the COPY takes it; a string is a file path. */
export function copyInput(source: CopySource): CopyInput {
  if (typeof source === 'string') {
    if (source.length === 0) throw new InterfaceError('source is an empty string: give a file path, a Readable, bytes or an iterable of chunks');
    return { kind: 'file', path: source };
  }
  if (source instanceof Uint8Array) return { kind: 'chunks', chunks: [source][Symbol.iterator]() };
  if (source !== null && typeof source === 'object' && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
    return { kind: 'chunks', chunks: gathered(source as AsyncIterable<unknown>) };
  }
  throw new InterfaceError(`source must be a file path, a Readable, a Uint8Array or an (async) iterable of Uint8Array or string, got ${source === null ? 'null' : typeof source}`);
}

/** A copyFromTable / copyFromQuery output as the COPY takes it; a string is a file path. */
export function copySink(output: CopyOutput): CopySink {
  if (typeof output === 'string') {
    if (output.length === 0) throw new InterfaceError('output is an empty string: give a file path, a Writable or a function');
    return { kind: 'file', path: output };
  }
  if (typeof output === 'function') return { kind: 'consumer', consume: output };
  if (output !== null && typeof output === 'object' && typeof (output as NodeJS.WritableStream).write === 'function') {
    const writable = output as NodeJS.WritableStream;
    return {
      kind: 'consumer',
      consume: async (chunk) => {
        if (!writable.write(chunk)) await once(writable as unknown as NodeJS.EventEmitter, 'drain');
      },
    };
  }
  throw new InterfaceError(`output must be a file path, a Writable or a function taking each chunk, got ${output === null ? 'null' : typeof output}`);
}
