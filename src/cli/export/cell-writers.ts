// Per column of a batch, a function from a row to that cell's text: for CSV (PostgreSQL's input
// syntax, null for NULL) and for ndjson (a JSON token). Picked once per column and batch, so the
// per-row loop does no type dispatch.

import { Layout, type ColumnData, type RecordBatch } from '../../main/index.js';
import { byteaHex, float4Text, float8Text, isoTimestamp, pgText } from './text-forms.js';

export type CellText = (row: number) => string | null;
export type CellJson = (row: number) => string;

/** A row's presence in a column (Arrow bit order; no bitmap means no NULLs). */
export function presence(column: ColumnData): (row: number) => boolean {
  const validity = column.validity;
  if (validity === undefined || validity === null || column.nullCount === 0) return () => true;
  return (row) => (validity[row >> 3] & (1 << (row & 7))) !== 0;
}

const JSON_TYPES = new Set(['json', 'jsonb']);

/** The text PostgreSQL would accept back for each cell; null for NULL. */
export function csvCells(batch: RecordBatch<unknown>, index: number): CellText {
  const column = batch.data.columns[index];
  const present = presence(column);
  const typeName = batch.schema[index].typeName;
  switch (column.layout) {
    case Layout.Int16:
    case Layout.Int32:
    case Layout.Uint32:
    case Layout.Int64: {
      const values = column.values as ArrayLike<number | bigint>;
      return (row) => (present(row) ? String(values[row]) : null);
    }
    case Layout.Float64: {
      const values = column.values as Float64Array;
      return (row) => (present(row) ? float8Text(values[row]) : null);
    }
    case Layout.Float32: {
      const values = column.values as Float32Array;
      return (row) => (present(row) ? float4Text(values[row]) : null);
    }
    case Layout.Bool: {
      const values = column.values as Uint8Array;
      return (row) => (present(row) ? (values[row] !== 0 ? 'true' : 'false') : null);
    }
    case Layout.Timestamp64: {
      const values = column.values as BigInt64Array;
      const withZone = typeName === 'timestamptz';
      return (row) => (present(row) ? (isoTimestamp(values[row], withZone) ?? pgText(batch.value(index, row))) : null);
    }
    case Layout.Date32:
    case Layout.Time64:
      return (row) => (present(row) ? pgText(batch.value(index, row)) : null);
    default: {
      const values = batch.column(index) as unknown[];
      return (row) => {
        const value = values[row];
        return value === null || value === undefined ? null : pgText(value);
      };
    }
  }
}

/** JSON inside nested values: bigint as a decimal string, bytea as hex text. */
function nestedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? byteaHex(v) : v));
}

/**
 * Each cell as a JSON token: numbers as numbers (int8 with all its digits), non-finite floats and
 * numeric as strings, json/jsonb as the JSON itself, timestamps as ISO strings with µs.
 */
export function ndjsonCells(batch: RecordBatch<unknown>, index: number): CellJson {
  const column = batch.data.columns[index];
  const present = presence(column);
  const typeName = batch.schema[index].typeName ?? '';
  if (column.layout === Layout.Int16 || column.layout === Layout.Int32 || column.layout === Layout.Uint32 || column.layout === Layout.Int64) {
    const values = column.values as ArrayLike<number | bigint>;
    return (row) => (present(row) ? String(values[row]) : 'null');
  }
  if (column.layout === Layout.Float32 || column.layout === Layout.Float64) {
    const values = column.values as ArrayLike<number>;
    const format = column.layout === Layout.Float32 ? float4Text : float8Text;
    return (row) => {
      if (!present(row)) return 'null';
      const value = values[row];
      return Number.isFinite(value) ? format(value) : `"${String(value)}"`;
    };
  }
  if (column.layout === Layout.Bool) {
    const values = column.values as Uint8Array;
    return (row) => (present(row) ? (values[row] !== 0 ? 'true' : 'false') : 'null');
  }
  if (JSON_TYPES.has(typeName) && column.layout === Layout.Variable) {
    const values = batch.column(index) as (string | null)[];
    // Raw line breaks in JSON text can only be whitespace between tokens: a space keeps one line.
    return (row) => (values[row] === null ? 'null' : values[row]!.replace(/[\r\n]+/g, ' '));
  }
  const text = csvCells(batch, index);
  if (column.layout !== Layout.Variable || typeName === 'numeric' || typeName === 'bytea') return (row) => {
    const value = text(row);
    return value === null ? 'null' : JSON.stringify(value);
  };
  const values = batch.column(index) as unknown[];
  return (row) => {
    const value = values[row];
    if (value === null || value === undefined) return 'null';
    return typeof value === 'string' ? JSON.stringify(value) : nestedJson(value);
  };
}
