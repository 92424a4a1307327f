// A query through the simple protocol (one Query message, any number of statements, no
// parameters): used for transaction control and for execute() without parameters.

import { BackendMessage } from '../../codec/protocol/message-types.js';
import { parseCommandComplete, parseErrorFields, writeQuery } from '../../codec/protocol/index.js';
import { postgresErrorFrom } from '../../codec/errors/index.js';
import { ProtocolError } from '../../codec/errors/client-errors.js';
import type { PgConnection } from '../connection.js';
import { Operation, Progress } from './operation.js';
import { mayContainCopy, refuseCopy } from './refuse-copy.js';

export class SimpleQuery extends Operation {
  private command = '';
  private connection: PgConnection | undefined;

  constructor(
    private readonly sql: string,
    private readonly resolve: (commandTag: string) => void,
    private readonly reject: (error: Error) => void,
  ) {
    super();
  }

  start(connection: PgConnection): boolean {
    this.connection = connection;
    writeQuery(connection.out, this.sql);
    // Nothing is pipelined behind a COPY (see refuse-copy.ts).
    return mayContainCopy(this.sql);
  }

  onMessage(type: number, bytes: Uint8Array, _view: DataView, start: number, end: number): void {
    switch (type) {
      case BackendMessage.CommandComplete:
        this.command = parseCommandComplete(bytes, start, end).tag;
        return;
      case BackendMessage.ErrorResponse:
        this.noteError(postgresErrorFrom(parseErrorFields(bytes, start, end)));
        return;
      case BackendMessage.RowDescription:
      case BackendMessage.DataRow:
      case BackendMessage.EmptyQueryResponse:
        return;
      default:
        if (refuseCopy(type, this.connection!, this, false)) return;
        throw new ProtocolError(`unexpected message '${String.fromCharCode(type)}' during a simple query`);
    }
  }

  onReady(): Progress {
    if (this.error) this.reject(this.error);
    else this.resolve(this.command);
    return Progress.Done;
  }

  fail(error: Error): void {
    this.reject(error);
  }
}
