// ndjson import: each line parsed, its values fitted to the target column's type (the forms
// `pgloom export` writes: bytea as \x hex, NaN/Infinity floats as strings), loaded by binary COPY
// (copyRecordsToTable) in streamed chunks.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { JsonText } from '../../main/index.js';
import { copiedRows, type CopySession, type FileColumn, type FileSource, type LoadProgress } from './file-source.js';
import type { TableRef, TargetColumn } from './target-table.js';

/** Lines --create looks at to choose the column types. */
const SAMPLE_LINES = 1000;

/**
 * Top-level integers beyond 2^53 quoted, so that JSON.parse keeps every digit (int8 and numeric
 * columns take decimal strings); bare NaN and ±Infinity (which DuckDB and Python write, though
 * JSON has no such words) quoted, for float columns. Strings are matched first, so nothing inside
 * them is touched; nested values keep JSON.parse's numbers.
 */
export function quoteBigIntegers(line: string): string {
  let depth = 0;
  return line.replace(/"(?:[^"\\]|\\.)*"|[{}[\]]|-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) => {
    const first = token[0];
    if (first === '{' || first === '[') depth++;
    else if (first === '}' || first === ']') depth--;
    else if (token === 'NaN' || token.endsWith('Infinity')) return `"${token}"`;
    else if (first !== '"' && depth === 1 && token.length > 15 && /^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) return `"${token}"`;
    return token;
  });
}

function parseLine(line: string, lineNumber: number, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(quoteBigIntegers(line));
  } catch (error) {
    throw new Error(`${path}:${lineNumber}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}:${lineNumber}: each line must be a JSON object, one row`);
  return value as Record<string, unknown>;
}

/** The SQL type of one sampled value. */
function kindOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int8' : 'float8';
  if (typeof value === 'string') return /^-?\d{16,}$/.test(value) ? 'numeric' : 'text';
  return 'jsonb';
}

/** One type for every value a column showed: numbers widen, anything else mixed becomes text (or jsonb with objects). */
function merge(seen: Set<string>): string {
  if (seen.size === 0) return 'text';
  if (seen.size === 1) return [...seen][0];
  if ([...seen].every((kind) => kind === 'int8' || kind === 'float8')) return 'float8';
  if ([...seen].every((kind) => kind === 'int8' || kind === 'numeric')) return 'numeric';
  return seen.has('jsonb') ? 'jsonb' : 'text';
}

function hexBytes(text: string): Uint8Array {
  if (!/^\\x(?:[0-9a-fA-F]{2})*$/.test(text)) throw new Error(`a bytea value must be \\x followed by hex digit pairs, got ${JSON.stringify(text.slice(0, 40))}`);
  return Buffer.from(text.slice(2), 'hex');
}

/** A parsed JSON value as the target type's encoder takes it. */
function fitter(typeName: string): (value: unknown) => unknown {
  switch (typeName) {
    case 'bytea': return (value) => (typeof value === 'string' ? hexBytes(value) : value);
    case 'float4': case 'float8': return (value) => (typeof value === 'string' ? Number(value) : value);
    case 'text': case 'varchar': case 'bpchar': case 'name': return (value) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : typeof value === 'string' ? value : String(value));
    case 'numeric': case 'int8': return (value) => (typeof value === 'number' ? String(value) : value);
    // The CLI's pool sends json strings verbatim (json: 'string'): each value goes as its JSON text.
    case 'json': case 'jsonb': return (value) => new JsonText(JSON.stringify(value));
    default: return (value) => value;
  }
}

export class NdjsonSource implements FileSource {
  total: FileSource['total'];

  private constructor(private readonly path: string, size: number) {
    this.total = { amount: size, unit: 'bytes' };
  }

  static async open(path: string): Promise<NdjsonSource> {
    return new NdjsonSource(path, (await stat(path)).size);
  }

  private async *lines(onBytes?: (bytes: number) => void): AsyncGenerator<{ line: string; number: number }> {
    const stream = createReadStream(this.path, { encoding: 'utf8' });
    let bytes = 0;
    if (onBytes) stream.on('data', (chunk) => onBytes((bytes += Buffer.byteLength(chunk as string))));
    let number = 0;
    try {
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
        number++;
        if (line.trim() !== '') yield { line, number };
      }
    } finally {
      stream.destroy();
    }
  }

  /** The keys of the first lines, in first-seen order, typed from their values (docs/cli.md). */
  async columns(): Promise<FileColumn[]> {
    const kinds = new Map<string, Set<string>>();
    let sampled = 0;
    for await (const { line, number } of this.lines()) {
      for (const [key, value] of Object.entries(parseLine(line, number, this.path))) {
        const seen = kinds.get(key) ?? new Set<string>();
        const kind = kindOf(value);
        if (kind !== undefined) seen.add(kind);
        kinds.set(key, seen);
      }
      if (++sampled >= SAMPLE_LINES) break;
    }
    if (kinds.size === 0) throw new Error(`${this.path} has no rows: --create needs at least one line to know the columns`);
    return [...kinds].map(([name, seen]) => ({ name, sqlType: merge(seen) }));
  }

  async load(db: CopySession, table: TableRef, targets: readonly TargetColumn[], progress: LoadProgress): Promise<number> {
    const fits = targets.map((target) => fitter(target.typeName));
    const names = targets.map((target) => target.name);
    const known = new Set(names);
    const path = this.path;
    const lines = this.lines((bytes) => progress(0, bytes));
    async function* records(): AsyncGenerator<unknown[]> {
      for await (const { line, number } of lines) {
        const object = parseLine(line, number, path);
        for (const key of Object.keys(object)) {
          if (!known.has(key)) throw new Error(`${path}:${number}: key ${JSON.stringify(key)} is not among the columns loaded, which are taken from the keys of the first ${SAMPLE_LINES} lines (${names.join(', ')})`);
        }
        const record = new Array<unknown>(names.length);
        for (let i = 0; i < names.length; i++) {
          const value = object[names[i]];
          try {
            record[i] = value === null || value === undefined ? null : fits[i](value);
          } catch (error) {
            throw new Error(`${path}:${number}: column ${JSON.stringify(names[i])}: ${(error as Error).message}`);
          }
        }
        yield record;
      }
    }
    const tag = await db.copyRecordsToTable(table.table, { records: records(), columns: names, schemaName: table.schema });
    return copiedRows(tag);
  }
}
