// Opens the byte stream to one server: TCP or a Unix socket, then (per sslmode) the SSLRequest
// handshake and the TLS upgrade.

import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { BufferWriter } from '../codec/buffer/writer.js';
import { writeSSLRequest } from '../codec/protocol/index.js';
import { ConnectionError } from '../codec/errors/client-errors.js';
import type { KeepAlive } from './config/keepalive.js';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface TransportTarget {
  host: string;
  port: number;
  /** Set for Unix-domain sockets: the socket file path. */
  socketPath?: string;
}

export interface OpenedTransport {
  socket: Socket;
  /** The server's certificate (DER) when TLS is in use: channel binding hashes it. */
  peerCertificate?: Uint8Array;
}

function describe(target: TransportTarget): string {
  return target.socketPath ? `Unix socket ${target.socketPath}` : `${target.host}:${target.port}`;
}

/** libpq's default: keep-alive on, the OS's idle time. */
const defaultKeepAlive: KeepAlive = { enabled: true, idleMs: 0 };

/**
 * Every socket of this thread reads into one buffer (net's `onread`). Without it Node allocates
 * 64 KB per read and then copies what arrived into a buffer of its own size: on a 100 KB result
 * that copy, the allocations and the garbage they leave cost more than the decoding. One buffer
 * serves all sockets because a read is handed on synchronously and the framer copies what it
 * keeps (see MessageHandler). 64 KB, as Node's own: reads of 256 KB took a 100 KB bytea result
 * in one syscall (~6 % faster), but made a 1M-row columnar fetch ~15 % slower, the server
 * waiting on a full socket while the worker framed a large read.
 */
const READ_BUFFER_BYTES = 64 * 1024;
let sharedReadBuffer: Buffer | undefined;

function openRaw(target: TransportTarget, deadline: number, keepAlive: KeepAlive): Promise<Socket> {
  return new Promise((resolve, reject) => {
    sharedReadBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES);
    // Handed on as the 'data' event that the engine (and the SSL request before it) listens to.
    const callback = (length: number, buffer: Uint8Array): boolean => {
      socket.emit('data', (buffer as Buffer).subarray(0, length));
      return true;
    };
    const onread = { buffer: sharedReadBuffer, callback };
    const socket = target.socketPath ? netConnect({ path: target.socketPath, onread }) : netConnect({ host: target.host, port: target.port, onread });
    // setTimeout treats delays beyond 2^31-1 ms (and Infinity: no connectTimeout) as 1 ms.
    const timer = Number.isFinite(deadline)
      ? setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError(`timed out connecting to ${describe(target)}: check that the server is running there, or raise connectTimeout`));
      }, Math.min(0x7fffffff, Math.max(0, deadline - Date.now())))
      : undefined;
    socket.once('connect', () => {
      clearTimeout(timer);
      // So that a peer that died, or a route that silently dropped, is noticed (not on a Unix socket, as libpq).
      if (!target.socketPath) socket.setKeepAlive(keepAlive.enabled, keepAlive.idleMs);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ConnectionError(`could not connect to ${describe(target)}: ${error.code ?? error.message}; check host and port, and that the server accepts connections`, { cause: error }));
    });
  });
}

/** Send SSLRequest and read the server's one-byte answer: true for 'S'. */
function requestTls(socket: Socket, target: TransportTarget): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      cleanup();
      // Bytes after the answer were sent before the TLS handshake, so nothing authenticates them
      // (CVE-2021-23222): refuse rather than read them as if they came through TLS.
      if (chunk.length > 1) return reject(new ConnectionError(`${describe(target)} sent unencrypted data after its SSL answer: refusing a possible man-in-the-middle`));
      const answer = chunk[0];
      if (answer === 0x53) resolve(true);
      else if (answer === 0x4e || answer === 0x45) resolve(false);
      else reject(new ConnectionError(`${describe(target)} answered the SSL request with an unexpected byte ${answer}: is it a PostgreSQL server?`));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ConnectionError(`connection to ${describe(target)} failed during the SSL request: ${error.message}`, { cause: error }));
    };
    const onClose = () => {
      cleanup();
      reject(new ConnectionError(`${describe(target)} closed the connection during the SSL request`));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    const w = new BufferWriter(8);
    writeSSLRequest(w);
    socket.write(w.toBytes());
  });
}

function upgrade(socket: Socket, target: TransportTarget, options: ConnectionOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    // Per target: the name verify-full checks (Node would otherwise check 'localhost'), and SNI,
    // which RFC 6066 forbids for IP literals.
    const servername = isIP(target.host) === 0 ? target.host : undefined;
    const secure = tlsConnect({ ...options, socket, host: target.host, servername });
    secure.once('secureConnect', () => {
      secure.removeAllListeners('error');
      resolve(secure);
    });
    secure.once('error', (error: Error) => {
      secure.destroy();
      reject(new ConnectionError(`TLS handshake with ${describe(target)} failed: ${error.message}; check sslmode and the CA/certificate settings`, { cause: error }));
    });
  });
}

export async function openTransport(target: TransportTarget, sslMode: SslMode, tlsOptions: ConnectionOptions, deadline: number, tryTls: boolean, keepAlive = defaultKeepAlive): Promise<OpenedTransport> {
  const socket = await openRaw(target, deadline, keepAlive);
  // libpq never negotiates TLS over a Unix socket: the kernel already guarantees who is on the other end.
  if (!tryTls || target.socketPath || sslMode === 'disable') return { socket };
  let accepted: boolean;
  try {
    accepted = await beforeDeadline(requestTls(socket, target), deadline, socket, () => new ConnectionError(`timed out waiting for ${describe(target)} to answer the SSL request: check that a PostgreSQL server listens there, or raise connectTimeout`));
  } catch (error) {
    socket.destroy();
    throw error;
  }
  if (!accepted) {
    if (sslMode === 'require' || sslMode === 'verify-ca' || sslMode === 'verify-full') {
      socket.destroy();
      throw new ConnectionError(`${describe(target)} does not support SSL but sslmode=${sslMode} requires it: enable ssl on the server or lower sslmode`);
    }
    return { socket };
  }
  const secure = await beforeDeadline(upgrade(socket, target, tlsOptions), deadline, socket, () => new ConnectionError(`timed out during the TLS handshake with ${describe(target)}: the server accepted TLS but did not complete the handshake; check the server, or raise connectTimeout`));
  const certificate = secure.getPeerX509Certificate();
  return { socket: secure, peerCertificate: certificate ? new Uint8Array(certificate.raw) : undefined };
}

/** `step` of the connection attempt, given up (its socket destroyed) at the connect deadline. */
function beforeDeadline<T>(step: Promise<T>, deadline: number, socket: Socket, onTimeout: () => Error): Promise<T> {
  if (!Number.isFinite(deadline)) return step;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      socket.destroy();
      reject(onTimeout());
    }, Math.min(0x7fffffff, Math.max(0, deadline - Date.now())));
  });
  return Promise.race([step, timeout]).finally(() => clearTimeout(timer));
}
