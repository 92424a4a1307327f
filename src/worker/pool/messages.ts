// The contract between the main thread and the pool's workers: every message shape that crosses
// the thread boundary, imported by both sides. Everything here is plain, structured-clone data.

import type { MessagePort } from 'node:worker_threads';
import type { BatchData } from '../../codec/batch/layout.js';
import type { SerializedError } from '../../codec/errors/transport.js';
import type { PostgresErrorFields } from '../../codec/errors/postgres-error.js';
import type { TypeOptions } from '../../codec/types/codec.js';
import type { WireTypeSettings } from '../../codec/types/introspected/catalog.js';
import type { TypeDescription } from '../../codec/types/introspected/description.js';
import type { ConnectionOptions } from '../config/connection-options.js';

/** Given to every worker at start (piscina workerData). */
export interface WorkerConfig {
  /** Connection options without functions (a password function cannot cross threads). */
  connection: ConnectionOptions;
  connectionsPerWorker: number;
  /** Close a connection after this many queries (0 = never). */
  maxQueriesPerConnection: number;
  /** Connections this worker opens at start. */
  minConnections: number;
  /** Close a connection idle this long, in ms (0 = never). */
  maxInactiveConnectionLifetime: number;
  statementCacheSize: number;
  types: TypeOptions;
  batchRows: number;
  batchBytes: number;
  /** SQL run once on each new connection. */
  init?: string;
  /** SQL run each time a connection is taken for a pinned session. */
  setup?: string;
  /** SQL run when a pinned session gives its connection back; undefined = the default reset, '' = none. */
  reset?: string;
  /** BroadcastChannel name on which the main thread asks for cancellations. */
  controlChannel: string;
  /** The nice value this worker thread gives itself (Linux). */
  nice: number;
}

export interface ColumnInfo {
  name: string;
  typeOid: number;
  /** 1 = binary, 0 = text (types without a binary codec). */
  format: number;
  tableOid: number;
  columnAttr: number;
  typeModifier: number;
  /**
   * For a type found by introspection: its description and those of the types it is made of, so
   * the main thread builds the same codec. Absent for built-in types.
   */
  types?: TypeDescription[];
}

export interface QueryTask {
  kind: 'query';
  id: number;
  sql: string;
  /** One parameter array per execution; several for executemany. */
  paramSets: unknown[][];
  /** 'batches' returns rows; 'none' only the command tag (execute, executemany). */
  results: 'batches' | 'none';
  /** Simple query protocol (no parameters; several statements allowed; the last tag is returned). */
  simple?: boolean;
  /** Send each full batch as soon as it is built (direct channel), so the caller can start on it. */
  early?: boolean;
  /** The main thread's type settings (custom codecs' formats, aliases, schema epoch); absent when none. */
  types?: WireTypeSettings;
}

export interface StreamTask {
  kind: 'stream';
  id: number;
  sql: string;
  params: unknown[];
  /** Batches go out on this port; the main thread answers with credits. */
  port: MessagePort;
  /** Batches the worker may send ahead of the consumer. */
  highWaterMark: number;
  types?: WireTypeSettings;
}

export interface SessionTask {
  kind: 'session';
  id: number;
  /** The pinned session's own channel (comlink). */
  port: MessagePort;
}

/** Find a type by name (pool.setTypeCodec & co.): its OID and description. */
export interface TypeLookupTask {
  kind: 'lookup-type';
  id: number;
  typeName: string;
  schema?: string;
  types?: WireTypeSettings;
}

export type TypeLookupReply = { ok: true; oid: number; types: TypeDescription[] } | TaskFailure;

/**
 * Gives a worker its direct channel: one-shot queries then go main ⇄ worker on this port, many to
 * a message, without a piscina task each. A long task; it ends when the port closes.
 */
export interface AttachTask {
  kind: 'attach';
  port: MessagePort;
}

/** How an attach task ended: 'duplicate' when its worker already had a channel (try again). */
export type AttachOutcome = 'closed' | 'duplicate';

export type WorkerTask = QueryTask | StreamTask | SessionTask | TypeLookupTask | AttachTask;

/** Main → worker on a direct channel. */
export interface DirectRequest {
  tasks: QueryTask[];
}

/** Worker → main on a direct channel: 'ready' once attached, then replies, several to a message. */
export type DirectMessage =
  | { type: 'ready' }
  | { type: 'batch'; id: number; columns: ColumnInfo[]; batch: BatchData }
  | { type: 'replies'; replies: { id: number; reply: QueryReply }[] };

export interface QuerySuccess {
  ok: true;
  command: string;
  rowCount: number | null;
  columns: ColumnInfo[];
  batches: BatchData[];
  notices: PostgresErrorFields[];
}

export interface TaskFailure {
  ok: false;
  error: SerializedError;
}

export type QueryReply = QuerySuccess | TaskFailure;

/** Worker → main on a stream's port. */
export type StreamMessage =
  | { type: 'columns'; columns: ColumnInfo[] }
  | { type: 'batch'; batch: BatchData }
  | { type: 'end'; command: string; rowCount: number | null; notices: PostgresErrorFields[] }
  | { type: 'error'; error: SerializedError };

/** Main → worker on a stream's port. */
export type StreamControl = { type: 'credit'; batches: number } | { type: 'cancel' };

/**
 * On the control BroadcastChannel. Main → workers: cancel a task; close every connection (the
 * pool is closing). Worker → main: 'closed' once its connections are closed.
 */
export type ControlMessage =
  | { type: 'cancel'; taskId: number; reason: 'abort' | 'timeout' }
  | { type: 'close' }
  | { type: 'closed' }
  /** Main → workers: report your connections; each answers with 'connections'. */
  | { type: 'count-connections'; requestId: number }
  | { type: 'connections'; requestId: number; open: number; idle: number };

/** What a pinned session's worker side answers about its connection. */
export interface SessionState {
  processId: number;
  transactionStatus: 'idle' | 'transaction' | 'failed';
  parameters: [string, string][];
}

export type SessionReply = (QuerySuccess & { suspended: boolean; session: SessionState }) | (TaskFailure & { session?: SessionState });

export interface SessionQuery {
  sql: string;
  paramSets: unknown[][];
  results: 'batches' | 'none';
  simple?: boolean;
  /** Run into this named portal, stopping after maxRows (cursors). */
  portal?: string;
  maxRows?: number;
  types?: WireTypeSettings;
}

export interface SessionNotification {
  processId: number;
  channel: string;
  payload: string;
}

/**
 * The worker side of a pinned session, called over the session's MessagePort with comlink.
 * Every method resolves with plain data; errors come back as SerializedError, never thrown.
 */
export interface SessionApi {
  /** Take a connection (and run `setup`); the session's other calls need it. */
  open(): Promise<SessionReply>;
  query(request: SessionQuery): Promise<SessionReply>;
  /** The next rows of a cursor's portal. */
  fetchPortal(portal: string, maxRows: number): Promise<SessionReply>;
  closePortal(portal: string): Promise<SessionReply>;
  /** Send a CancelRequest for whatever runs now. */
  cancel(): Promise<void>;
  /** Deliver NOTIFYs to `onNotification` (a comlink proxy on the main thread). */
  setNotificationHandler(onNotification: ((notification: SessionNotification) => void) | undefined): Promise<void>;
  /** Reset the session and give the connection back to the worker's slots. */
  /** `discard`: close the connection instead (a reset callback on the main thread failed). */
  release(discard?: boolean): Promise<void>;
}
