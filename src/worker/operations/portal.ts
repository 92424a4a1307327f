// Cursor steps on an open named portal: fetch the next rows, or close it.

import { BackendMessage } from '../../codec/protocol/message-types.js';
import { parseCommandComplete, parseErrorFields, writeClose, writeExecute, writeSync } from '../../codec/protocol/index.js';
import { postgresErrorFrom } from '../../codec/errors/index.js';
import { ProtocolError } from '../../codec/errors/client-errors.js';
import type { PgConnection } from '../connection.js';
import { decodeRowArray, decodeRowObject } from '../row-decoder.js';
import { ResultMemory } from '../result-memory.js';
import type { StatementDescription } from '../statement.js';
import type { QueryOutcome, RowMode, RowSink } from './extended-query.js';
import { Operation, Progress } from './operation.js';

export class PortalFetch extends Operation {
  private rows: unknown[] = [];
  /** Where this result's bytea values are copied (see ResultMemory). */
  private readonly memory = new ResultMemory();
  private suspended = false;
  private command = '';
  private rowCount: number | null = null;

  constructor(
    private readonly portal: string,
    private readonly statement: StatementDescription,
    private readonly maxRows: number,
    private readonly rowMode: RowMode,
    private readonly resolve: (outcome: QueryOutcome) => void,
    private readonly reject: (error: Error) => void,
    private readonly sink?: RowSink,
  ) {
    super();
  }

  start(connection: PgConnection): boolean {
    writeExecute(connection.out, this.portal, this.maxRows);
    writeSync(connection.out);
    return false;
  }

  onMessage(type: number, bytes: Uint8Array, view: DataView, start: number, end: number): void {
    switch (type) {
      case BackendMessage.DataRow:
        if (this.error) return;
        if (this.rowMode === 'none') return this.sink?.row(this.statement, bytes, view, start, end);
        if (this.rows.length === 0) this.memory.expect(this.statement.valueBytesHint);
        this.rows.push(this.rowMode === 'array'
          ? decodeRowArray(this.statement, this.memory, bytes, view, start, end)
          : decodeRowObject(this.statement, this.memory, bytes, view, start, end));
        return;
      case BackendMessage.PortalSuspended:
        this.suspended = true;
        return;
      case BackendMessage.CommandComplete: {
        const complete = parseCommandComplete(bytes, start, end);
        this.command = complete.tag;
        this.rowCount = complete.rowCount;
        return;
      }
      case BackendMessage.ErrorResponse:
        this.noteError(postgresErrorFrom(parseErrorFields(bytes, start, end)));
        return;
      default:
        throw new ProtocolError(`unexpected message '${String.fromCharCode(type)}' while fetching from a cursor`);
    }
  }

  onReady(): Progress {
    if (this.error) {
      this.reject(this.error);
      return Progress.Done;
    }
    const copied = this.memory.finish();
    if (this.rows.length > 0) this.statement.valueBytesHint = copied;
    this.resolve({ command: this.command, rowCount: this.rowCount, rows: this.rows, statement: this.statement, suspended: this.suspended });
    return Progress.Done;
  }

  fail(error: Error): void {
    this.reject(error);
  }
}

/** Close a portal or a statement on the server. */
export class CloseTarget extends Operation {
  constructor(
    private readonly kind: 'P' | 'S',
    private readonly name: string,
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {
    super();
  }

  start(connection: PgConnection): boolean {
    writeClose(connection.out, this.kind, this.name);
    writeSync(connection.out);
    return false;
  }

  onMessage(type: number, bytes: Uint8Array, _view: DataView, start: number, end: number): void {
    if (type === BackendMessage.ErrorResponse) this.noteError(postgresErrorFrom(parseErrorFields(bytes, start, end)));
    else if (type !== BackendMessage.CloseComplete) throw new ProtocolError(`unexpected message '${String.fromCharCode(type)}' while closing`);
  }

  onReady(): Progress {
    if (this.error) this.reject(this.error);
    else this.resolve();
    return Progress.Done;
  }

  fail(error: Error): void {
    this.reject(error);
  }
}
