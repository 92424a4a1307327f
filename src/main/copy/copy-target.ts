// What the COPY methods need from the object they are called on (Connection, Pool,
// PooledConnection): a query for introspection, the type catalog of this thread, and the two
// directions of COPY, inline (connect()) or through a pool worker.

import type { TypeCatalog } from '../../codec/types/introspected/catalog.js';
import type { GuardOptions } from '../threads/call-guard.js';

/** Bytes for COPY FROM STDIN: chunks made on this thread, or a file the engine's thread reads itself. */
export type CopyInput =
  /** `owned`: every chunk owns its whole buffer, which may be transferred to a worker without a copy. */
  | { kind: 'chunks'; chunks: AsyncIterator<Uint8Array> | Iterator<Uint8Array>; owned?: boolean }
  | { kind: 'file'; path: string };

/** Where COPY TO STDOUT's bytes go: a function on this thread, or a file the engine's thread writes itself. */
export type CopySink =
  | { kind: 'consumer'; consume: (chunk: Uint8Array) => void | Promise<void> }
  | { kind: 'file'; path: string };

export interface ColumnType {
  name: string;
  typeOid: number;
}

/** Calls that run on one and the same connection (copyFromQuery's parameters). */
export interface CopySession {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[][]; columns: ColumnType[] }>;
  /** The simple protocol: no parameters. */
  execute(sql: string): Promise<unknown>;
}

export interface CopyTarget {
  /** Run `fn` with calls pinned to one connection. */
  session<T>(fn: (session: CopySession) => Promise<T>): Promise<T>;
  /** This thread's codecs (a pool's main-thread catalog learns types from its results). */
  readonly catalog: TypeCatalog;
  /** Run a query; its rows as arrays and its columns' types. */
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[][]; columns: ColumnType[] }>;
  copyIn(sql: string, input: CopyInput, guard: GuardOptions): Promise<string>;
  copyOut(sql: string, sink: CopySink, guard: GuardOptions): Promise<string>;
}
