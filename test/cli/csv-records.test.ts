// The CSV reader of the import's binary path: records read the same however the file is cut into
// chunks, NULL (an unquoted empty field) stays apart from "" (a quoted one), and every shape it does
// not read exactly is left to the server's parser (CsvNeedsServer) rather than guessed.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvNeedsServer, CsvRecordReader, ESCAPED, QUOTED, type CsvRecord } from '../../src/cli/import/csv-records.js';

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A field's value as written: null for NULL, else its text with each doubled quote made one. */
function fieldValue(record: CsvRecord, i: number): string | null {
  const { bytes, starts, ends, flags } = record;
  if (flags[i] === 0 && starts[i] === ends[i]) return null;
  const raw = text.decode(bytes.subarray(starts[i], ends[i]));
  return (flags[i] & ESCAPED) !== 0 ? raw.replace(/""/g, '"') : raw;
}

/** Every record of `chunks`, read as the import reads them (the first line is the header). */
function readAll(chunks: Uint8Array[], fields: number): (string | null)[][] {
  const reader = new CsvRecordReader(fields);
  const records: (string | null)[][] = [];
  const collect = (record: CsvRecord) => records.push(Array.from({ length: fields }, (_, i) => fieldValue(record, i)));
  for (const chunk of chunks) reader.read(chunk, false, collect);
  reader.read(new Uint8Array(0), true, collect);
  return records;
}

function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [0, ...at.filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

/** CSV as PostgreSQL writes it: quoted when needed (or asked), quotes doubled; NULL unquoted empty. */
function csvLine(values: (string | null)[], quoteAll: boolean): string {
  return values.map((value) => {
    if (value === null) return '';
    return quoteAll || value === '' || /[",\r\n]/.test(value) || value.startsWith('\\.') ? `"${value.replace(/"/g, '""')}"` : value;
  }).join(',');
}

describe('CsvRecordReader', () => {
  it('reads quoted fields, doubled quotes, line breaks inside quotes, NULL apart from ""', () => {
    const file = utf8.encode('a,b,c\n1,"x, ""y""",\n"",plain,"line\nbreak"\n"é日🎉",,"\r\n"');
    expect(readAll([file], 3)).toEqual([
      ['1', 'x, "y"', null],
      ['', 'plain', 'line\nbreak'],
      ['é日🎉', null, '\r\n'],
    ]);
  });

  it('reads CRLF files, with or without a final line ending', () => {
    expect(readAll([utf8.encode('a,b\r\n1,2\r\n3,4\r\n')], 2)).toEqual([['1', '2'], ['3', '4']]);
    expect(readAll([utf8.encode('a,b\r\n1,2\r\n3,4')], 2)).toEqual([['1', '2'], ['3', '4']]);
  });

  it('reads the same records whatever the chunk boundaries (every two-cut split of a file)', () => {
    const file = utf8.encode('h1,h2\r\n"a""b",\r\n,""\r\n"x\r\ny",z\r\n日本,"🎉"\r\n');
    const whole = readAll([file], 2);
    expect(whole).toEqual([['a"b', null], [null, ''], ['x\r\ny', 'z'], ['日本', '🎉']]);
    for (let first = 1; first < file.length; first++) {
      for (let second = first; second < file.length; second++) expect(readAll(cut(file, [first, second]), 2)).toEqual(whole);
    }
  });

  it('reads back any records written as CSV, in any chunks (property)', () => {
    const value = fc.option(fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ',', '"', '\n', '\r', 'é', '🎉', '\\', '.'), maxLength: 12 }), { nil: null });
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5 }).chain((fields) => fc.record({
        fields: fc.constant(fields),
        rows: fc.array(fc.array(value, { minLength: fields, maxLength: fields }), { maxLength: 20 }),
        crlf: fc.boolean(),
        quoteAll: fc.boolean(),
        finalNewline: fc.boolean(),
        cuts: fc.array(fc.nat(2000), { maxLength: 6 }),
      })),
      ({ fields, rows, crlf, quoteAll, finalNewline, cuts }) => {
        // A lone NULL field would make an empty line, which is one NULL only for one-column tables.
        const written = rows.map((row) => (fields === 1 && row[0] === null ? [''] : row));
        const newline = crlf ? '\r\n' : '\n';
        const header = Array.from({ length: fields }, (_, i) => `c${i}`).join(',');
        const body = written.map((row) => csvLine(row, quoteAll)).join(newline);
        const file = utf8.encode(header + newline + body + (finalNewline && rows.length > 0 ? newline : ''));
        expect(readAll(cut(file, cuts), fields)).toEqual(written);
      },
    ), { numRuns: 300 });
  });

  it('marks quoted fields, and the ones with doubled quotes', () => {
    const reader = new CsvRecordReader(3);
    const flags: number[][] = [];
    reader.read(utf8.encode('a,b,c\n"q","""",u\n'), true, (record) => flags.push(Array.from(record.flags)));
    expect(flags).toEqual([[QUOTED, QUOTED | ESCAPED, 0]]);
  });

  it('leaves a record of over 1 MB to the server (each chunk would copy and scan it again)', () => {
    const reader = new CsvRecordReader(1);
    reader.read(utf8.encode('a\n"'), false, () => undefined);
    const chunk = new Uint8Array(256 * 1024).fill(0x61);
    let chunks = 0;
    expect(() => {
      for (; chunks < 100; chunks++) reader.read(chunk, false, () => undefined);
    }).toThrow('a record of over 1 MB');
    // The fourth chunk takes the record past 1 MB.
    expect(chunks).toBe(3);
  });

  it.each([
    ['a quote inside an unquoted field', 'a,b\nx"y,1\n'],
    ['text after a closing quote', 'a,b\n"x"y,1\n'],
    ['a carriage return without a line feed', 'a,b\n1,2\r3,4\n'],
    ['lines end both in LF and in CRLF', 'a,b\n1,2\r\n3,4\n'],
    ['a record has 1 fields, not 2', 'a,b\n1\n'],
    ['a record has more than 2 fields', 'a,b\n1,2,3\n'],
    ['a line starts with \\.', 'a,b\n\\.\n1,2\n'],
    ['the file ends inside a quoted field', 'a,b\n1,"open\n'],
  ])('leaves to the server: %s', (reason, file) => {
    const read = () => {
      const reader = new CsvRecordReader(2);
      reader.read(utf8.encode(file), false, () => undefined);
      reader.read(new Uint8Array(0), true, () => undefined);
    };
    expect(read).toThrow(CsvNeedsServer);
    expect(read).toThrow(reason);
  });
});
