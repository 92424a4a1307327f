// A scripted fake PostgreSQL server on 127.0.0.1, for what a real server will not do: corrupt
// frames, protocol violations, silence, a socket dropped at a chosen step. It answers SSLRequest
// with 'N' and the startup with AuthenticationOk, ParameterStatus, BackendKeyData and
// ReadyForQuery; after that each exchange (the client's messages up to a Sync, or one Query) goes
// to the test's script, which answers with backend messages (standardReply gives the normal ones).

import { createServer, type Server, type Socket } from 'node:net';
import {
  authenticationOk, backendKeyData, bindComplete, closeComplete, commandComplete, noData, parameterDescription,
  parameterStatus, parseComplete, readyForQuery, rowDescription, type FakeColumn,
} from './backend-messages.js';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

export interface FrontendMessage {
  /** The type byte as a character: 'P' Parse, 'B' Bind, 'E' Execute, 'S' Sync, 'Q' Query … */
  type: string;
  body: Buffer;
}

export interface Exchange {
  /** The client's messages up to and including a Sync (or a single Query). */
  messages: FrontendMessage[];
  /** The SQL of its Parse or Query, if it has one. */
  sql: string | undefined;
  /** Whether it executes a portal (a Bind/Execute exchange) rather than only describing. */
  executes: boolean;
  /** This exchange's number on its connection (0: the first after startup). */
  index: number;
}

export interface FakeConnection {
  /** This connection's number on the server (0: the first accepted; cancel requests count too). */
  readonly index: number;
  send(...messages: Uint8Array[]): void;
  /** Cut the socket (RST-like: no goodbye). */
  drop(): void;
  readonly closed: boolean;
}

export type Script = (exchange: Exchange, connection: FakeConnection) => void;
/** Answers a startup: `normal` are the messages a healthy server sends (ending in ReadyForQuery). */
export type StartupScript = (connection: FakeConnection, normal: Uint8Array[]) => void;

export interface FakeServer {
  readonly port: number;
  /** A DSN for this server (no TLS negotiation problem: SSLRequest is answered 'N'). */
  readonly dsn: string;
  /** The script for exchanges; tests may replace it between calls. */
  script: Script;
  startup: StartupScript;
  /** The answer to SSLRequest: 'N' (default); 'S' to accept TLS and then never answer the handshake; 'none': silence. */
  sslAnswer: 'N' | 'S' | 'none';
  /** Called with each chunk's size as the client's bytes arrive after startup (before any exchange completes). */
  onBytes: ((connection: FakeConnection, received: number) => void) | undefined;
  /** Connections that sent a StartupMessage. */
  readonly sessions: number;
  /** CancelRequests received (each is answered by closing its connection, as PostgreSQL does). */
  readonly cancelRequests: number;
  /** Connections currently open (the cancel ones included until they close). */
  readonly open: number;
  /** Sessions whose socket has closed so far. */
  readonly sessionsClosed: number;
  /** Resolves once `count` sessions in all have closed (the client gave them up); rejects after `timeoutMs`. */
  whenSessionClosed(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface FakeResult {
  columns: readonly FakeColumn[];
  /** The statement's parameter types (ParameterDescription); default none. */
  paramOids?: readonly number[];
  /** Complete DataRow messages (see dataRow in backend-messages.ts), sent for an Execute. */
  rows?: readonly Uint8Array[];
  tag?: string;
}

/** The replies a healthy server gives to `exchange` for a statement whose result is `result`. */
export function standardReply(exchange: Exchange, result: FakeResult = { columns: [] }): Uint8Array[] {
  const replies: Uint8Array[] = [];
  for (const message of exchange.messages) {
    switch (message.type) {
      case 'P': replies.push(parseComplete()); break;
      case 'B': replies.push(bindComplete()); break;
      case 'C': replies.push(closeComplete()); break;
      case 'D':
        if (message.body[0] === 0x53) replies.push(parameterDescription(result.paramOids ?? []));
        replies.push(result.columns.length > 0 ? rowDescription(result.columns) : noData());
        break;
      case 'E': {
        const rows = result.rows ?? [];
        replies.push(...rows, commandComplete(result.tag ?? `SELECT ${rows.length}`));
        break;
      }
      case 'Q': replies.push(commandComplete(result.tag ?? 'SELECT 0'), readyForQuery()); break;
      case 'S': replies.push(readyForQuery()); break;
      default: break;
    }
  }
  return replies;
}

export function normalStartup(index: number): Uint8Array[] {
  return [
    authenticationOk(),
    parameterStatus('server_version', '18.0'),
    parameterStatus('server_encoding', 'UTF8'),
    parameterStatus('client_encoding', 'UTF8'),
    parameterStatus('DateStyle', 'ISO, MDY'),
    parameterStatus('integer_datetimes', 'on'),
    parameterStatus('TimeZone', 'UTC'),
    parameterStatus('standard_conforming_strings', 'on'),
    backendKeyData(4000 + index, 0x5eed + index),
    readyForQuery(),
  ];
}

export async function startFakeServer(script: Script = (exchange, connection) => connection.send(...standardReply(exchange))): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let sessions = 0;
  let cancels = 0;
  let sessionsClosed = 0;
  const closeWaiters: { count: number; resolve: () => void }[] = [];

  const state = {
    script,
    startup: ((connection, normal) => connection.send(...normal)) as StartupScript,
    sslAnswer: 'N' as 'N' | 'S' | 'none',
    onBytes: undefined as FakeServer['onBytes'],
  };

  const server: Server = createServer((socket) => {
    const index = accepted++;
    sockets.add(socket);
    socket.setNoDelay(true);
    let started = false;
    let pending = Buffer.alloc(0);
    let batch: FrontendMessage[] = [];
    let exchanges = 0;
    /** Prepared statement name → SQL, so that an exchange that only binds knows its SQL. */
    const statements = new Map<string, string>();
    const connection: FakeConnection = {
      index,
      send: (...messages) => {
        if (socket.destroyed) return;
        // As PostgreSQL does: a server blocked writing reads nothing more until the client reads.
        if (!socket.write(Buffer.concat(messages))) {
          socket.pause();
          socket.once('drain', () => socket.resume());
        }
      },
      drop: () => socket.resetAndDestroy(),
      get closed() {
        return socket.destroyed;
      },
    };
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      if (!started) return;
      sessionsClosed++;
      for (const waiter of closeWaiters.filter((w) => sessionsClosed >= w.count)) {
        closeWaiters.splice(closeWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
    /** Chunks of a large message, joined once it is complete (joining per chunk is quadratic). */
    let parts: Buffer[] = [];
    let partsLength = 0;
    let waitingFor = 0;
    socket.on('data', (chunk: Buffer) => {
      if (started) state.onBytes?.(connection, chunk.length);
      parts.push(chunk);
      partsLength += chunk.length;
      if (pending.length + partsLength < waitingFor) return;
      pending = Buffer.concat([pending, ...parts]);
      parts = [];
      partsLength = 0;
      waitingFor = 0;
      for (;;) {
        if (!started) {
          // Startup-phase packets have no type byte: int32 length, int32 code.
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          const code = pending.readInt32BE(4);
          pending = pending.subarray(length);
          if (code === SSL_REQUEST && state.sslAnswer !== 'N') {
            // 'S': TLS accepted, then the ClientHello goes unanswered (a handshake that never finishes).
            if (state.sslAnswer === 'S') socket.write('S');
            socket.removeAllListeners('data');
            return;
          }
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write('N');
            continue;
          }
          if (code === CANCEL_REQUEST) {
            cancels++;
            socket.end();
            return;
          }
          started = true;
          sessions++;
          state.startup(connection, normalStartup(index));
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) {
          waitingFor = 1 + length;
          return;
        }
        const message = { type: String.fromCharCode(pending[0]), body: pending.subarray(5, 1 + length) };
        pending = pending.subarray(1 + length);
        if (message.type === 'X') {
          socket.end();
          return;
        }
        batch.push(message);
        if (message.type === 'S' || message.type === 'Q') {
          const messages = batch;
          batch = [];
          for (const parse of messages.filter((m) => m.type === 'P')) statements.set(cstringAt(parse.body, 0), sqlOf(parse));
          const withSql = messages.find((m) => m.type === 'P' || m.type === 'Q');
          const bind = messages.find((m) => m.type === 'B');
          const sql = withSql !== undefined ? sqlOf(withSql) : bind === undefined ? undefined : statements.get(cstringAt(bind.body, bind.body.indexOf(0) + 1));
          state.script({ messages, sql, executes: messages.some((m) => m.type === 'E'), index: exchanges++ }, connection);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    dsn: `postgres://fake@127.0.0.1:${port}/fake`,
    get script() {
      return state.script;
    },
    set script(next: Script) {
      state.script = next;
    },
    get startup() {
      return state.startup;
    },
    set startup(next: StartupScript) {
      state.startup = next;
    },
    get sslAnswer() {
      return state.sslAnswer;
    },
    set sslAnswer(next: 'N' | 'S' | 'none') {
      state.sslAnswer = next;
    },
    get onBytes() {
      return state.onBytes;
    },
    set onBytes(next: FakeServer['onBytes']) {
      state.onBytes = next;
    },
    get sessions() {
      return sessions;
    },
    get sessionsClosed() {
      return sessionsClosed;
    },
    get cancelRequests() {
      return cancels;
    },
    get open() {
      return sockets.size;
    },
    whenSessionClosed(count, timeoutMs) {
      if (sessionsClosed >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake server: ${sessionsClosed} of ${count} sessions closed after ${timeoutMs} ms`)), timeoutMs);
        closeWaiters.push({ count, resolve: () => {
          clearTimeout(timer);
          resolve();
        } });
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function cstringAt(body: Buffer, at: number): string {
  return body.subarray(at, body.indexOf(0, at)).toString('utf8');
}

/** The SQL text of a Parse (after the statement name) or a Query. */
function sqlOf(message: FrontendMessage): string {
  return message.type === 'Q' ? cstringAt(message.body, 0) : cstringAt(message.body, message.body.indexOf(0) + 1);
}
