// Splits CSV bytes into records and fields without making strings, for the binary COPY path of a
// CSV import. It reads only the plain shape of CSV (comma, double quotes around a whole field,
// one line ending throughout); anything else — a quote inside an unquoted field, a bare CR, mixed
// line endings, a short or long record, a `\.` line — throws CsvNeedsServer, and the import hands
// the file to the server's own CSV parser, which gives the server's answer for it.

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** The longest record carried from chunk to chunk. */
const MAX_CARRIED_BYTES = 1024 * 1024;

/** The bytes that end an unquoted field, or should not be in one (a quote): one load per byte. */
const ENDS_UNQUOTED = new Uint8Array(256);
for (const byte of [COMMA, LF, CR, QUOTE]) ENDS_UNQUOTED[byte] = 1;

/** The file has something this reader leaves to the server's CSV parser. */
export class CsvNeedsServer extends Error {
  constructor(reason: string) {
    super(`left to the server's CSV parser: ${reason}`);
    this.name = 'CsvNeedsServer';
  }
}

/** Flags of a field. */
export const QUOTED = 1;
/** A quoted field with doubled quotes ("") inside, each standing for one quote. */
export const ESCAPED = 2;

/** One record's fields, as ranges of `bytes`; reused from record to record. */
export interface CsvRecord {
  bytes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  flags: Uint8Array;
}

export class CsvRecordReader {
  readonly #record: CsvRecord;
  readonly #fieldCount: number;
  /** The start of an incomplete last record of the previous chunk. */
  #carry: Uint8Array | undefined;
  /** 0 until the first record ends, then 1 for LF or 2 for CRLF. */
  #lineEnding = 0;
  #headerSkipped = false;

  constructor(fieldCount: number) {
    this.#fieldCount = fieldCount;
    this.#record = { bytes: new Uint8Array(0), starts: new Int32Array(fieldCount), ends: new Int32Array(fieldCount), flags: new Uint8Array(fieldCount) };
  }

  /**
   * Calls `onRecord` for every complete record of `chunk` (after what was carried over), the
   * header line excepted; `last` says no chunk follows, so a final record needs no line ending.
   * Returns the records read.
   */
  read(input: Uint8Array, last: boolean, onRecord: (record: CsvRecord) => void): number {
    // One kind of array throughout (a file's Buffers as plain Uint8Arrays, like the joined records):
    // the hot loops then see one map and stay optimised.
    const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    let records = 0;
    let at = 0;
    const carry = this.#carry;
    if (carry !== undefined) {
      // The record begun in the previous chunk is finished from the head of this one: only that
      // record is copied, not the whole chunk.
      this.#carry = undefined;
      for (let head = Math.min(chunk.length, 4096); ; head = Math.min(chunk.length, head * 4)) {
        const joined = concat(carry, chunk.subarray(0, head));
        const whole = head === chunk.length;
        const end = this.#readRecord(joined, 0, last && whole);
        if (end >= 0) {
          records += this.#deliver(joined, onRecord);
          at = end - carry.length;
          break;
        }
        if (whole) {
          // Each chunk copies and rescans the record begun so far: past a bound, that costs more
          // than the server's parser would.
          if (joined.length > MAX_CARRIED_BYTES) throw new CsvNeedsServer(`a record of over ${MAX_CARRIED_BYTES >> 20} MB`);
          this.#carry = joined;
          return records;
        }
      }
    }
    while (at < chunk.length) {
      const end = this.#readRecord(chunk, at, last);
      if (end < 0) {
        this.#carry = chunk.subarray(at);
        break;
      }
      at = end;
      records += this.#deliver(chunk, onRecord);
    }
    if (last && this.#carry !== undefined) throw new CsvNeedsServer('the file ends inside a record');
    return records;
  }

  /** Hands the record just read to `onRecord`, unless it is the header line; returns the records handed. */
  #deliver(bytes: Uint8Array, onRecord: (record: CsvRecord) => void): number {
    if (!this.#headerSkipped) {
      this.#headerSkipped = true;
      return 0;
    }
    this.#record.bytes = bytes;
    onRecord(this.#record);
    return 1;
  }

  /** Reads one record at `at` into the shared record; returns the offset after its line ending, or -1 when the chunk ends first. */
  #readRecord(bytes: Uint8Array, at: number, last: boolean): number {
    const { starts, ends, flags } = this.#record;
    const length = bytes.length;
    if (bytes[at] === BACKSLASH && bytes[at + 1] === DOT) throw new CsvNeedsServer('a line starts with \\.');
    let field = 0;
    for (;;) {
      if (field === this.#fieldCount) throw new CsvNeedsServer(`a record has more than ${this.#fieldCount} fields`);
      let flag = 0;
      let start = at;
      let end: number;
      if (bytes[at] === QUOTE) {
        flag = QUOTED;
        start = ++at;
        for (;;) {
          while (at < length && bytes[at] !== QUOTE) at++;
          if (at >= length) return last ? notComplete() : -1;
          // A closing quote, or the first of a doubled one: the next byte tells, once it has come.
          if (at + 1 >= length && !last) return -1;
          if (bytes[at + 1] === QUOTE) {
            flag |= ESCAPED;
            at += 2;
            continue;
          }
          end = at++;
          break;
        }
      } else {
        while (at < length && ENDS_UNQUOTED[bytes[at]] === 0) at++;
        if (bytes[at] === QUOTE) throw new CsvNeedsServer('a quote inside an unquoted field');
        end = at;
      }
      starts[field] = start;
      ends[field] = end;
      flags[field] = flag;
      field++;
      if (at >= length) {
        if (!last) return -1;
        return this.#endRecord(field, at);
      }
      const next = bytes[at];
      if (next === COMMA) {
        at++;
        continue;
      }
      if (next === LF) return this.#endRecord(field, this.#lineEnd(1, at + 1));
      if (next === CR) {
        if (at + 1 >= length && !last) return -1;
        if (bytes[at + 1] !== LF) throw new CsvNeedsServer('a carriage return without a line feed');
        return this.#endRecord(field, this.#lineEnd(2, at + 2));
      }
      throw new CsvNeedsServer('text after a closing quote');
    }
  }

  #lineEnd(kind: number, after: number): number {
    if (this.#lineEnding === 0) this.#lineEnding = kind;
    else if (this.#lineEnding !== kind) throw new CsvNeedsServer('lines end both in LF and in CRLF');
    return after;
  }

  #endRecord(fields: number, after: number): number {
    if (fields !== this.#fieldCount) throw new CsvNeedsServer(`a record has ${fields} fields, not ${this.#fieldCount}`);
    return after;
  }
}

function notComplete(): never {
  throw new CsvNeedsServer('the file ends inside a quoted field');
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}
