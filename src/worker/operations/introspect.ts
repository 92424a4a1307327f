// Introspect types on their own (setTypeCodec needs a type's description before any query uses
// it); queries introspect inline instead, see ExtendedQuery.

import { BackendMessage } from '../../codec/protocol/message-types.js';
import { parseErrorFields } from '../../codec/protocol/index.js';
import { postgresErrorFrom } from '../../codec/errors/index.js';
import { ProtocolError } from '../../codec/errors/client-errors.js';
import type { TypeDescription } from '../../codec/types/introspected/description.js';
import type { PgConnection } from '../connection.js';
import { parseTypeRow, writeIntrospection } from '../introspection.js';
import { Operation, Progress } from './operation.js';

/** One message of the introspection query's response: rows go to `found`, an error to `onError`. */
export function readIntrospectionMessage(
  type: number, bytes: Uint8Array, view: DataView, start: number, end: number,
  found: TypeDescription[], onError: (error: Error) => void,
): void {
  switch (type) {
    case BackendMessage.DataRow:
      found.push(parseTypeRow(bytes, view, start, end));
      return;
    case BackendMessage.ErrorResponse:
      onError(postgresErrorFrom(parseErrorFields(bytes, start, end)));
      return;
    case BackendMessage.ParseComplete:
    case BackendMessage.BindComplete:
    case BackendMessage.CommandComplete:
      return;
    default:
      throw new ProtocolError(`unexpected message '${String.fromCharCode(type)}' during type introspection`);
  }
}

export class Introspect extends Operation {
  private readonly found: TypeDescription[] = [];

  constructor(
    private readonly typeOids: readonly number[],
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {
    super();
  }

  start(connection: PgConnection): boolean {
    writeIntrospection(connection.out, this.typeOids, connection.serverVersion);
    return false;
  }

  onMessage(type: number, bytes: Uint8Array, view: DataView, start: number, end: number): void {
    readIntrospectionMessage(type, bytes, view, start, end, this.found, (error) => this.noteError(error));
  }

  onReady(connection: PgConnection): Progress {
    if (this.error) this.reject(this.error);
    else {
      connection.types.add(this.found, this.typeOids);
      this.resolve();
    }
    return Progress.Done;
  }

  fail(error: Error): void {
    this.reject(error);
  }
}
