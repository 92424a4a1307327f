// COPY on a connection this thread runs itself (connect()): the engine's operations directly,
// files read and written here.

import type { PgConnection } from '../../worker/connection.js';
import { runCopyIn } from '../../worker/operations/copy-in.js';
import { runCopyOut } from '../../worker/operations/copy-out.js';
import { fileChunks, fileConsumer } from '../../worker/operations/copy-files.js';
import { runQuery, runSimpleQuery } from '../../worker/requests.js';
import { CallGuard, checkGuardOptions, type GuardOptions } from '../threads/call-guard.js';
import type { CopyInput, CopySink, CopyTarget } from './copy-target.js';
import { copyGivenUp } from '../../worker/pool/contract.js';

function startGuard(options: GuardOptions): CallGuard {
  checkGuardOptions(options);
  const guard = new CallGuard(options);
  guard.checkNotAborted('the COPY was aborted before it started');
  return guard;
}

/** `cancelGracePeriod`: how long a COPY given up too late to stop may take before its connection is closed. */
export function inlineCopyTarget(engine: PgConnection, cancelGracePeriod: number): CopyTarget {
  const query: CopyTarget['query'] = async (sql, params) => {
    const outcome = await runQuery(engine, { sql, paramSets: [params], rowMode: 'array' });
    return { rows: outcome.rows as unknown[][], columns: outcome.statement.columns.map((c) => ({ name: c.name, typeOid: c.typeOid })) };
  };
  return {
    catalog: engine.types,
    query,
    session: (fn) => fn({ query, execute: (sql) => runSimpleQuery(engine, sql) }),
    async copyIn(sql: string, input: CopyInput, options: GuardOptions) {
      const guard = startGuard(options);
      const chunks = input.kind === 'file' ? fileChunks(input.path) : input.chunks;
      const { done, operation } = runCopyIn(engine, sql, chunks);
      guard.watch((reason) => operation.giveUp(copyGivenUp(reason, 'in', guard.timeout), cancelGracePeriod));
      try {
        return await done;
      } finally {
        guard.dispose();
      }
    },
    async copyOut(sql: string, sink: CopySink, options: GuardOptions) {
      const guard = startGuard(options);
      const file = sink.kind === 'file' ? fileConsumer(sink.path) : undefined;
      const consume = file?.consume ?? (sink as Extract<CopySink, { kind: 'consumer' }>).consume;
      const { done, operation } = runCopyOut(engine, sql, consume);
      guard.watch((reason) => operation.giveUp(copyGivenUp(reason, 'out', guard.timeout), true));
      try {
        const tag = await done;
        await file?.finish();
        return tag;
      } catch (error) {
        file?.abandon();
        throw error;
      } finally {
        guard.dispose();
      }
    },
  };
}
