// Until pgloom has COPY methods of its own, a COPY … FROM STDIN or TO STDOUT that reaches the
// server through a query method (fetch, execute, query, …) is refused at once, and the connection
// is brought back to ReadyForQuery so that it stays usable. The COPY operations will take these
// messages instead; this file is the one place that turns them away.

import { InterfaceError } from '../../codec/errors/client-errors.js';
import { BackendMessage } from '../../codec/protocol/message-types.js';
import { writeCopyFail, writeSync } from '../../codec/protocol/index.js';
import type { PgConnection } from '../connection.js';
import type { Operation } from './operation.js';

// A statement that begins with COPY, after blanks and comments (COPY is never nested).
const COPY_STATEMENT = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*copy\b/i;
// Several statements in one simple query: COPY may be any of them.
const COPY_WORD = /\bcopy\b/i;

/**
 * Whether the one statement `sql` may be a COPY. Such a statement is not pipelined behind: in
 * COPY FROM STDIN the server would read the next query's messages as COPY data.
 */
export function mayBeCopyStatement(sql: string): boolean {
  return COPY_STATEMENT.test(sql);
}

/** As mayBeCopyStatement, for a simple query that may hold several statements. */
export function mayContainCopy(sql: string): boolean {
  return COPY_WORD.test(sql);
}

function copyInRefused(): InterfaceError {
  return new InterfaceError('COPY … FROM STDIN needs a data source, which this query method cannot give: use the COPY methods (copyRecordsToTable or copyToTable). The COPY was cancelled and nothing was copied; the connection stays usable');
}

function copyOutRefused(): InterfaceError {
  return new InterfaceError('COPY … TO STDOUT sends its rows as COPY data, which this query method does not read: use copyFromQuery (or a SELECT). The data was discarded; the connection stays usable');
}

/**
 * Take a COPY message arriving for `operation`: refuse COPY FROM STDIN with CopyFail, read and
 * discard what COPY TO STDOUT sends. `resync`: the COPY came from the extended protocol, whose
 * Sync the server ignored in COPY mode, so another Sync must follow CopyFail to get ReadyForQuery.
 * Returns false for any other message.
 */
export function refuseCopy(type: number, connection: PgConnection, operation: Operation, resync: boolean): boolean {
  switch (type) {
    case BackendMessage.CopyInResponse: {
      const error = copyInRefused();
      operation.error ??= error;
      if (!connection.isLastActive(operation)) {
        // Queries written after this one reached the server in COPY mode and were read as data:
        // their fate is unknown, so the connection cannot be trusted any more.
        connection.destroy(new InterfaceError(`${error.message.split('. ')[0]}; queries pipelined behind it were lost, so the connection was closed: open a new one`));
        return true;
      }
      writeCopyFail(connection.out, 'COPY FROM STDIN is not supported by this pgloom query method: use the COPY methods');
      if (resync) writeSync(connection.out);
      connection.flush();
      return true;
    }
    case BackendMessage.CopyOutResponse:
      operation.error ??= copyOutRefused();
      return true;
    case BackendMessage.CopyData:
    case BackendMessage.CopyDone:
      return true;
    default:
      return false;
  }
}
