// Splits the backend byte stream into messages, whatever the chunk boundaries: a message may
// arrive across many socket chunks, and a chunk may hold many messages (or part of a header).

import { ProtocolError } from '../errors/client-errors.js';

/** PostgreSQL never sends a message this large (its own limit is 1 GB); anything bigger is corruption. */
export const maxBackendMessageLength = 0x40000000;

/**
 * Receives each complete message: `bytes[start, end)` is its payload (after the 5-byte header).
 * The bytes are only valid during the call; copy anything kept.
 */
export type MessageHandler = (type: number, bytes: Uint8Array, start: number, end: number) => void;

const headerLength = 5;
/** The first buffer of a split message: most are small. */
const minimumBuffer = 64 * 1024;
/**
 * A carry-over buffer up to this size is kept for the next split message: a large result splits a
 * message at nearly every socket read, and each fresh buffer was an allocation V8 counts as external
 * memory, whose churn sets off its full collections. Larger ones are dropped, not held by an idle
 * connection.
 */
const reusedBuffer = 256 * 1024;

export class MessageFramer {
  /** Bytes of an incomplete message carried over from earlier chunks. */
  private pending: Uint8Array | undefined;
  private pendingLength = 0;

  constructor(
    private readonly onMessage: MessageHandler,
    private readonly maxLength = maxBackendMessageLength,
  ) {}

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.pendingLength;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    if (this.pendingLength > 0) {
      pos = this.completePending(chunk);
      if (pos < 0) return;
    }
    const total = chunk.length;
    while (total - pos >= headerLength) {
      const next = pos + 1 + this.readLength(chunk, pos);
      if (next > total) break;
      this.onMessage(chunk[pos], chunk, pos + headerLength, next);
      pos = next;
    }
    if (pos < total) {
      this.pendingLength = 0;
      this.append(chunk.subarray(pos));
    }
  }

  private readLength(bytes: Uint8Array, pos: number): number {
    const length = ((bytes[pos + 1] << 24) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 8) | bytes[pos + 4]) >>> 0;
    if (length < 4) throw new ProtocolError(`backend message '${printable(bytes[pos])}' declares length ${length}, below the minimum of 4: the stream is corrupt or not PostgreSQL`);
    if (length > this.maxLength) {
      throw new ProtocolError(`backend message '${printable(bytes[pos])}' declares ${length} bytes, over the ${this.maxLength}-byte limit: the stream is corrupt or not PostgreSQL`);
    }
    return length;
  }

  /**
   * Feed the start of `chunk` into the carried-over partial message. Returns -1 while it is
   * still incomplete; otherwise delivers it and returns the position in `chunk` after it.
   */
  private completePending(chunk: Uint8Array): number {
    let pos = 0;
    if (this.pendingLength < headerLength) {
      pos = Math.min(headerLength - this.pendingLength, chunk.length);
      this.append(chunk.subarray(0, pos));
      if (this.pendingLength < headerLength) return -1;
    }
    const needed = 1 + this.readLength(this.pending!, 0);
    const take = Math.min(needed - this.pendingLength, chunk.length - pos);
    this.append(chunk.subarray(pos, pos + take));
    pos += take;
    if (this.pendingLength < needed) return -1;
    const message = this.pending!;
    if (message.length > reusedBuffer) this.pending = undefined;
    this.pendingLength = 0;
    // The handler must copy what it keeps (see MessageHandler), so the buffer may take the next message.
    this.onMessage(message[0], message, headerLength, needed);
    return pos;
  }

  private append(data: Uint8Array): void {
    const needed = this.pendingLength + data.length;
    if (!this.pending || this.pending.length < needed) {
      // Grow by doubling as bytes arrive, capped at the declared length: a 5-byte header must not
      // reserve its declared size (up to 1 GB) before the bytes exist; a large message is copied
      // O(log n) times.
      let size = Math.max(needed, this.pending ? this.pending.length * 2 : headerLength);
      if (needed >= headerLength) {
        const header = this.pendingLength >= headerLength ? this.pending! : concatHeader(this.pending, this.pendingLength, data);
        size = Math.min(Math.max(size, minimumBuffer), Math.max(needed, 1 + this.readLength(header, 0)));
      }
      const grown = new Uint8Array(size);
      if (this.pending) grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(data, this.pendingLength);
    this.pendingLength += data.length;
  }

  /** Bytes reserved for the incomplete message (its buffer's size), for tests of the growth rule. */
  get reserved(): number {
    return this.pending?.length ?? 0;
  }
}

function concatHeader(pending: Uint8Array | undefined, pendingLength: number, data: Uint8Array): Uint8Array {
  const header = new Uint8Array(headerLength);
  if (pending) header.set(pending.subarray(0, pendingLength));
  header.set(data.subarray(0, headerLength - pendingLength), pendingLength);
  return header;
}

function printable(type: number): string {
  return type >= 0x20 && type < 0x7f ? String.fromCharCode(type) : `0x${type.toString(16)}`;
}
