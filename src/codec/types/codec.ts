// The contract between the engine and the per-type binary codecs.

import type { BufferWriter } from '../buffer/writer.js';

export interface TypeCodec<T = unknown> {
  readonly oid: number;
  /** PostgreSQL type name, e.g. 'int8', 'timestamptz'. */
  readonly name: string;
  /**
   * Decode one binary field. `view` is a DataView over the same bytes with the SAME indexing as
   * `bytes` (view.getInt32(i) reads bytes[i..i+3]).
   */
  decode(bytes: Uint8Array, view: DataView, start: number, length: number): T;
  /**
   * Append the binary form of `value` (WITHOUT the 4-byte length prefix — the caller writes it).
   * Throws ParameterError for a value of the wrong JS type or out of the type's range.
   */
  encode(value: unknown, out: BufferWriter): void;
  /**
   * 'text' for a codec that reads and writes PostgreSQL's TEXT format (a custom text codec): its
   * column is requested, and its parameter sent, as text. Absent means binary.
   */
  readonly format?: 'text';
  /**
   * Text-format codecs: the conversion between a value and its text itself, so that arrays of
   * the type can be exchanged as array literals whose elements go through it.
   */
  readonly text?: TextForm<T>;
  /** A user's codec: batch readers must pass every value through decode, fixed-width columns too. */
  readonly custom?: boolean;
  /**
   * The decoded value is exactly the text PostgreSQL prints (numeric as a string): result columns
   * are requested as text and read as plain text, which costs the server no more and lets a batch
   * decode a whole column in one call. Parameters still travel in binary.
   */
  readonly textResults?: true;
}

/** A value ⇄ its PostgreSQL text (what a text-format codec does without the bytes around it). */
export interface TextForm<T = unknown> {
  parse(text: string): T;
  /** Throws ParameterError for a value it cannot write. */
  format(value: unknown): string;
}

/** How decoded values are represented in JS. See docs/types.md. */
export interface TypeOptions {
  /** Default 'bigint'; 'number' throws DecodeError for a value outside the safe integer range. */
  int8?: 'bigint' | 'number' | 'string';
  /** Default 'string' (exact); 'number' may round. */
  numeric?: 'string' | 'number';
  /** Default 'string' ('YYYY-MM-DD', 'YYYY-MM-DD BC', 'infinity', '-infinity'). */
  date?: 'string' | 'Date';
  /** timestamp and timestamptz; default 'Date' (millisecond precision). */
  timestamp?: 'Date' | 'bigint' | 'string';
  /** time and timetz; default 'string'. */
  time?: 'string' | 'bigint';
  /** Default 'object' ({ months, days, microseconds }). */
  interval?: 'object' | 'string';
  /** json and jsonb; default 'parse'. */
  json?: 'parse' | 'string';
  /** Default 'Uint8Array'. */
  bytea?: 'Uint8Array' | 'Buffer';
  /** hstore (an extension type, found by introspection); default 'object' (a plain object). */
  hstore?: 'object' | 'Map';
}

export const defaultTypeOptions: Required<TypeOptions> = Object.freeze({
  int8: 'bigint',
  numeric: 'string',
  date: 'string',
  timestamp: 'Date',
  time: 'string',
  interval: 'object',
  json: 'parse',
  bytea: 'Uint8Array',
  hstore: 'object',
});
