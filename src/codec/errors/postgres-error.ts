// The error the server reports (an ErrorResponse), with every field PostgreSQL can send.

import { PgloomError } from './client-errors.js';

/** The fields of an ErrorResponse or NoticeResponse, named as in the protocol documentation. */
export interface PostgresErrorFields {
  severity: string;
  /** Severity in English whatever lc_messages says (PostgreSQL 9.6+). */
  severityNonLocalized?: string;
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  /** 1-based character position in the query text. */
  position?: number;
  internalPosition?: number;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  file?: string;
  line?: number;
  routine?: string;
}

/** An error raised by the server; subclasses (generated from SQLSTATE) let callers catch by kind. */
export class PostgresError extends PgloomError implements PostgresErrorFields {
  override name = 'PostgresError';
  severity: string;
  code: string;
  // `declare`: no property until the constructor copies one the server sent, so that inspecting
  // the error shows no empty fields.
  declare severityNonLocalized?: string;
  declare detail?: string;
  declare hint?: string;
  declare position?: number;
  declare internalPosition?: number;
  declare internalQuery?: string;
  declare where?: string;
  declare schema?: string;
  declare table?: string;
  declare column?: string;
  declare dataType?: string;
  declare constraint?: string;
  declare file?: string;
  declare line?: number;
  declare routine?: string;
  /** executemany: the 0-based index of the parameter row whose execution failed (set when the batch has several rows). */
  declare rowIndex?: number;

  constructor(fields: PostgresErrorFields) {
    super(fields.message);
    this.severity = fields.severity;
    this.code = fields.code;
    // Copy only what the server sent, so that inspecting the error shows no empty fields.
    for (const key of optionalFieldNames) {
      const value = fields[key];
      if (value !== undefined) (this as Record<string, unknown>)[key] = value;
    }
  }

  /** As psql prints it: the first line, then DETAIL and HINT when the server sent them. */
  override toString(): string {
    let text = `${this.name}: ${this.message}`;
    if (this.detail !== undefined) text += `\nDETAIL:  ${this.detail}`;
    if (this.hint !== undefined) text += `\nHINT:  ${this.hint}`;
    return text;
  }

  /** Every field, as a plain object (what crosses a thread boundary). */
  toFields(): PostgresErrorFields {
    const fields: PostgresErrorFields = { severity: this.severity, code: this.code, message: this.message };
    for (const key of optionalFieldNames) {
      const value = this[key];
      if (value !== undefined) (fields as unknown as Record<string, unknown>)[key] = value;
    }
    return fields;
  }
}

const optionalFieldNames = [
  'severityNonLocalized', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'where',
  'schema', 'table', 'column', 'dataType', 'constraint', 'file', 'line', 'routine',
] as const satisfies readonly (keyof PostgresErrorFields)[];
