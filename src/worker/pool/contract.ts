// The contract between the main thread and the pool's workers, imported by both sides: every
// message that crosses the thread boundary, the parameter tags, how errors travel, and the
// errors of a call the caller gave up on or whose worker died. Everything sent is plain,
// structured-clone data.
//
// Two ports per worker. The data port carries calls (one-shot queries, streams, type lookups,
// pinned sessions and their calls), their cancels, credits and replies, many to a message, in
// order — so a cancel can never overtake its call. The control port is comlink's: the typed RPC
// of what is not a call — a session's NOTIFY handler, closing the worker's connections (see
// WorkerControl). Session calls left comlink for the data port: measured, a comlink round trip
// cost ~100 µs more than a data-port call (a UUID, a listener per call, a message per call).

import type { MessagePort } from 'node:worker_threads';
import type { BatchData } from '../../codec/batch/layout.js';
import type { PostgresErrorFields } from '../../codec/errors/postgres-error.js';
import { QueryAbortedError, QueryTimeoutError, WorkerCrashedError } from '../../codec/errors/client-errors.js';
import type { TypeOptions } from '../../codec/types/codec.js';
import type { WireTypeSettings } from '../../codec/types/introspected/catalog.js';
import type { TypeDescription } from '../../codec/types/introspected/description.js';
import type { SerializedError } from '../../codec/errors/transport.js';
import type { ConnectionOptions } from '../config/connection-options.js';
import { arrayLowerBounds, withArrayLowerBounds } from '../../codec/types/containers/index.js';
import { JsonText } from '../../codec/types/json.js';
import { PreEncoded } from '../../codec/types/introspected/pre-encoded.js';

export type { SerializedError, WireTypeSettings };
export { serializeError, deserializeError } from '../../codec/errors/transport.js';

// ---------------------------------------------------------------------------------------------
// Start-up

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
  /** After a cancel, how long a call may take to end before its connection is destroyed (ms). */
  cancelGracePeriod: number;
  statementCacheSize: number;
  maxCachedStatementLifetime: number;
  maxCacheableStatementSize: number;
  types: TypeOptions;
  batchRows: number;
  batchBytes: number;
  /** SQL run once on each new connection. */
  init?: string;
  /** SQL run each time a connection is taken for a pinned session. */
  setup?: string;
  /** SQL run when a pinned session gives its connection back; undefined = the default reset, '' = none. */
  reset?: string;
  /** The nice value this worker thread gives itself (Linux). */
  nice: number;
  /** The pool has a connect callback: ask the main thread for options before opening each connection. */
  connectArgsFromMain?: boolean;
}

/** The one piscina task each worker runs for its whole life: serve these two ports. */
export interface ServeTask {
  data: MessagePort;
  control: MessagePort;
}

// ---------------------------------------------------------------------------------------------
// Results

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

/**
 * A small result's DataRows as the server sent them (each row's fields, without the message
 * header): one short copy instead of a batch of typed arrays per column, which would cost more to
 * allocate, transfer and wrap than the rows themselves. On the wire the bytes are a latin1 string
 * (cloned as a flat copy, and no ArrayBuffer to allocate on either side); the main thread's
 * WorkerLink turns them back into bytes before anyone reads the reply.
 */
export interface RowBytes {
  bytes: Uint8Array;
  /** Row i spans bytes[ends[i-1] ?? 0, ends[i]). */
  ends: number[];
}

export interface WireRowBytes {
  latin1: string;
  ends: number[];
}

/**
 * A result's columns, by shape: each worker numbers the shapes of its statements' results and
 * sends a shape's columns with the first event to leave that carries it, then its number alone.
 * Both sides forget the oldest shape past SHAPES_REMEMBERED, in the order the announcements left
 * (the order the main thread reads them), so they always agree on what is known.
 */
export interface Shaped {
  shape?: number;
  /** Present with the shape's first use (or when shapes are not used); filled in by WorkerLink. */
  columns: ColumnInfo[];
}

export const SHAPES_REMEMBERED = 512;

export interface QuerySuccess extends Shaped {
  ok: true;
  command: string;
  rowCount: number | null;
  batches: BatchData[];
  /** Set instead of batches for a small result, as the worker sends it (see RowBytes). */
  wireRows?: WireRowBytes;
  /** The same, as the main thread reads it (WorkerLink converts wireRows). */
  rows?: RowBytes;
  notices: PostgresErrorFields[];
  /** A session's prepare: the parameter types' OIDs the server inferred. */
  parameterTypes?: number[];
}

export interface CallFailure {
  ok: false;
  error: SerializedError;
}

export type QueryReply = QuerySuccess | CallFailure;

/** What a pinned session's worker side reports about its connection after each call. */
export interface SessionState {
  processId: number;
  transactionStatus: 'idle' | 'transaction' | 'failed';
  /** The server's settings; sent only when they changed since the session's last reply. */
  parameters?: [string, string][];
}

export type SessionReply = (QuerySuccess & { suspended: boolean; session: SessionState }) | (CallFailure & { session?: SessionState });

export type TypeLookupReply = { ok: true; oid: number; types: TypeDescription[] } | CallFailure;

/** A session's release: done (its connection is free again), or why not. */
export type ReleaseReply = { ok: true; released: true } | CallFailure;

// ---------------------------------------------------------------------------------------------
// The data port, main → worker

/** 'cancel': the session's cancel() — the call then fails with the server's own error (57014). */
export type GiveUpReason = 'abort' | 'timeout' | 'cancel';

export interface QueryCall {
  type: 'query';
  id: number;
  sql: string;
  /** One parameter array per execution; several for executemany. */
  paramSets: unknown[][];
  /** 'batches' returns rows; 'none' only the command tag (execute, executemany). */
  results: 'batches' | 'none';
  /** Simple query protocol (no parameters; several statements allowed; the last tag is returned). */
  simple?: boolean;
  /** Send each full batch as soon as it is built, so the caller can start on it. */
  early?: boolean;
  /** Smaller batches than the pool's (pool.fetch builds rows from each in a slice of its own). */
  batchRows?: number;
  batchBytes?: number;
  /** The main thread's type settings (custom codecs' formats, aliases, schema epoch); absent when none. */
  types?: WireTypeSettings;
}

export interface StreamCall {
  type: 'stream';
  id: number;
  sql: string;
  params: unknown[];
  /** Batches the worker may send ahead of the consumer's credits. */
  highWaterMark: number;
  types?: WireTypeSettings;
}

/** Find a type by name (pool.setTypeCodec & co.): its OID and description. */
export interface TypeLookupCall {
  type: 'lookup-type';
  id: number;
  typeName: string;
  schema?: string;
  types?: WireTypeSettings;
}

/** Pin a connection for a session; its calls then name it by this call's id. */
export interface OpenSessionCall {
  type: 'open-session';
  id: number;
  /** BEGIN … to run once the connection is set up (pool.transaction): one round trip fewer. */
  begin?: string;
}

/** What a pinned session is asked to do. */
export type SessionOperation =
  | { kind: 'query'; request: SessionQuery }
  /** The next rows of a cursor's portal. */
  | { kind: 'fetch-portal'; portal: string; maxRows: number }
  | { kind: 'close-portal'; portal: string }
  /** Prepare a named statement for the session's later calls (SessionQuery.statement). */
  | { kind: 'prepare'; sql: string; name: string; types?: WireTypeSettings }
  | { kind: 'close-statement'; name: string }
  /** Reset the session and free its connection (`discard`: close it instead: the main thread's reset failed). */
  | { kind: 'release'; discard: boolean };

/** One call on a pinned session; cancels name it by its own id. */
export interface SessionCall {
  type: 'session';
  id: number;
  session: number;
  operation: SessionOperation;
}

/**
 * COPY … FROM STDIN on a worker's connection (one-shot, or on the pinned `session`). The bytes
 * follow as 'copy-data' requests (their buffers transferred), a few at a time as the worker grants
 * 'copy-credit', then 'copy-done' — or 'copy-fail' when the main thread's source failed; or the
 * worker reads `file` itself and nothing follows. The reply ends it (for a session: a SessionReply).
 */
export interface CopyInCall {
  type: 'copy-in';
  id: number;
  sql: string;
  file?: string;
  session?: number;
}

/**
 * COPY … TO STDOUT on a worker's connection: its bytes come back as 'copy-chunk' events (buffers
 * transferred), at most `highWaterMark` ahead of the main thread's 'copy-credit'; or the worker
 * writes `file` itself. The reply ends it.
 */
export interface CopyOutCall {
  type: 'copy-out';
  id: number;
  sql: string;
  highWaterMark: number;
  file?: string;
  session?: number;
}

export type Call = QueryCall | StreamCall | TypeLookupCall | OpenSessionCall | SessionCall | CopyInCall | CopyOutCall;

export type DataRequest =
  | Call
  /** The caller gave up: cancel this call on the server, if it still runs; it is never retried. */
  | { type: 'cancel'; id: number; reason: GiveUpReason }
  /** A stream's consumer took batches: the worker may send this many more. */
  | { type: 'credit'; id: number; batches: number }
  /** A stream's consumer left early: cancel, drain, send nothing more but the end. */
  | { type: 'stop-stream'; id: number }
  /** COPY FROM: the next chunk of the COPY data (its buffer transferred). */
  | { type: 'copy-data'; id: number; chunk: Uint8Array }
  /** COPY FROM: the data is complete: send CopyDone. */
  | { type: 'copy-done'; id: number }
  /** COPY FROM: the main thread's source failed: send CopyFail with this reason (the server keeps nothing). */
  | { type: 'copy-fail'; id: number; reason: string }
  /** COPY TO: the main thread consumed this many chunks: the worker may send as many more. */
  | { type: 'copy-credit'; id: number; chunks: number };

// ---------------------------------------------------------------------------------------------
// The data port, worker → main

/** The worker's connections, as it counts them: sent whenever they change. */
export interface ConnectionCounts {
  /** Open and usable (idle or in use). */
  open: number;
  /** Open and not in use. */
  idle: number;
  /** Being opened (startup, authentication, init). */
  opening: number;
  /** Lost or given up on, still held by the call or session that had it. */
  broken: number;
}

export type DataEvent =
  /** A call ended and its connection is free again (for a session: the session is open). */
  | { type: 'reply'; id: number; reply: QueryReply | SessionReply | TypeLookupReply | ReleaseReply }
  /** A full batch of a query that asked for early batches, or of a stream. */
  | ({ type: 'batch'; id: number; batch: BatchData } & Shaped)
  /** A stream's end (its connection is free again): the command tag and notices. */
  | ({ type: 'stream-end'; id: number; command: string; rowCount: number | null; notices: PostgresErrorFields[] } & Shaped)
  | { type: 'counts'; counts: ConnectionCounts }
  /** COPY TO: the next chunk of the COPY data (its buffer transferred). */
  | { type: 'copy-chunk'; id: number; chunk: Uint8Array }
  /** COPY FROM: the worker wrote this many chunks to the server: the main thread may send as many more. */
  | { type: 'copy-credit'; id: number; chunks: number };

/** One post on the data port: many requests or events at once, in order. */
export interface DataMessage<T> {
  items: T[];
}

// ---------------------------------------------------------------------------------------------
// The control port (comlink), main → worker

export interface SessionQuery {
  sql: string;
  paramSets: unknown[][];
  results: 'batches' | 'none';
  simple?: boolean;
  /** Run the session's statement prepared under this name (its sql is the statement's). */
  statement?: string;
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

/** The worker's control API, called with comlink: what is not a call on a connection. */
export interface WorkerControl {
  /** Deliver the session's NOTIFYs to `onNotification` (a comlink proxy on the main thread). */
  setNotificationHandler(session: number, onNotification: ((notification: SessionNotification) => void) | undefined): Promise<void>;
  /** Close every idle connection with Terminate (the pool is closing). */
  closeAll(): Promise<void>;
  /** Replace every connection: idle ones now, busy ones when given back (pool.expireConnections). */
  expireConnections(): Promise<void>;
  /** Open new connections with these options (pool.setConnectArgs). */
  setConnection(connection: ConnectionOptions): Promise<void>;
  /** The pool's connect callback (a comlink proxy on the main thread), asked before each new connection. */
  setConnectArgsProvider(provider: () => Promise<ConnectionOptions>): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Errors of calls the caller gave up on, and of dead workers

export function giveUpError(reason: GiveUpReason, detail: string): QueryAbortedError {
  return reason === 'timeout' ? new QueryTimeoutError(`the query ${detail}`) : new QueryAbortedError(`the query ${detail}`);
}

/** The error of a call given up before it was sent to the server: it did not run. */
export function notSentError(reason: GiveUpReason): QueryAbortedError {
  return giveUpError(reason, 'was given up before it was sent to the server; it did not run');
}

/**
 * What the caller sees, at once, when it gives up on a call already sent to the server. The cancel
 * races the statement's end: one that finished first (its reply already on its way) keeps its
 * effects, and the caller must not be told otherwise (a retried write would run twice).
 */
export function cancelledError(reason: GiveUpReason, timeoutMs?: number): QueryAbortedError {
  const outcome = 'a cancel was sent to the server, which stops the statement unless it had already finished: one that finished first keeps its effects (a write outside a transaction is committed)';
  if (reason === 'timeout') return new QueryTimeoutError(`the query ran past its timeout${timeoutMs === undefined ? '' : ` of ${timeoutMs} ms`}; ${outcome}`);
  return new QueryAbortedError(reason === 'cancel' ? 'the query was cancelled by cancel()' : `the query was aborted by its AbortSignal; ${outcome}`);
}

/**
 * What the caller of a COPY sees when it gave up: a COPY FROM ended with CopyFail (the table keeps
 * nothing); a COPY TO sent a cancel, and the output has what arrived before the give-up.
 */
export function copyGivenUp(reason: GiveUpReason, direction: 'in' | 'out', timeoutMs?: number): QueryAbortedError {
  const outcome = direction === 'in' ? 'the COPY was ended with CopyFail and the table keeps nothing of it' : 'a cancel was sent to the server; the output keeps the rows delivered before the give-up';
  return reason === 'timeout'
    ? new QueryTimeoutError(`the COPY ran past its timeout${timeoutMs === undefined ? '' : ` of ${timeoutMs} ms`}: ${outcome}`)
    : new QueryAbortedError(`the COPY was aborted by its AbortSignal: ${outcome}`);
}

/** The error of a call whose worker thread died under it. */
export function workerCrashed(cause: unknown): WorkerCrashedError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new WorkerCrashedError(`the worker thread running this call stopped (${why}); the pool replaced it, but whether the query ran is unknown`);
}

// ---------------------------------------------------------------------------------------------
// Parameter tags. Structured clone keeps Dates, bigints and typed arrays but drops class identity
// and symbol-keyed properties. What the encoders rely on of those — JsonText, PreEncoded bytes,
// and the lower bounds tagged on an array — is tagged on the way out and rebuilt on the way in.

const JSON_TEXT_TAG = '$pgloom:JsonText';
const PRE_ENCODED_TAG = '$pgloom:PreEncoded';
const BOUNDED_ARRAY_TAG = '$pgloom:BoundedArray';

interface TaggedJsonText {
  [JSON_TEXT_TAG]: string;
}

interface TaggedBoundedArray {
  [BOUNDED_ARRAY_TAG]: unknown[];
  lowerBounds: number[];
}

function tagged(value: unknown, tag: string): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, tag);
}

/** Only arrays holding something to tag are copied; plain ones cross as they are. */
function needsPacking(value: unknown): boolean {
  return value instanceof JsonText || (Array.isArray(value) && (arrayLowerBounds(value) !== undefined || value.some(needsPacking)));
}

interface TaggedPreEncoded {
  [PRE_ENCODED_TAG]: Uint8Array;
  format: 0 | 1;
}

function pack(value: unknown): unknown {
  if (value instanceof JsonText) return { [JSON_TEXT_TAG]: value.text } satisfies TaggedJsonText;
  if (value instanceof PreEncoded) return { [PRE_ENCODED_TAG]: value.bytes, format: value.format } satisfies TaggedPreEncoded;
  if (!Array.isArray(value) || !needsPacking(value)) return value;
  const elements = value.map(pack);
  const bounds = arrayLowerBounds(value);
  return bounds === undefined ? elements : ({ [BOUNDED_ARRAY_TAG]: elements, lowerBounds: [...bounds] } satisfies TaggedBoundedArray);
}

function unpack(value: unknown): unknown {
  if (tagged(value, JSON_TEXT_TAG)) return new JsonText((value as TaggedJsonText)[JSON_TEXT_TAG]);
  if (tagged(value, PRE_ENCODED_TAG)) return new PreEncoded((value as TaggedPreEncoded)[PRE_ENCODED_TAG], (value as TaggedPreEncoded).format);
  if (tagged(value, BOUNDED_ARRAY_TAG)) {
    const bounded = value as TaggedBoundedArray;
    return withArrayLowerBounds(bounded[BOUNDED_ARRAY_TAG].map(unpack), bounded.lowerBounds);
  }
  if (Array.isArray(value) && value.some((v) => Array.isArray(v) || tagged(v, JSON_TEXT_TAG) || tagged(v, BOUNDED_ARRAY_TAG))) return value.map(unpack);
  return value;
}

/** Main thread: make one parameter array safe to clone. */
export function packParams(params: readonly unknown[]): unknown[] {
  // Scalars (the common case) need nothing: the array crosses as it is.
  for (const value of params) if (typeof value === 'object' && value !== null) return params.map(pack);
  return params as unknown[];
}

/** Worker: restore what packParams tagged. */
export function unpackParams(params: readonly unknown[]): unknown[] {
  for (const value of params) if (typeof value === 'object' && value !== null) return params.map(unpack);
  return params as unknown[];
}
