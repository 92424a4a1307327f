// Query cancellation: PostgreSQL takes it on a new connection that sends only a CancelRequest with
// the backend's process id and secret key, and closes without answering.

import type { ConnectionOptions } from 'node:tls';
import { BufferWriter } from '../codec/buffer/writer.js';
import { writeCancelRequest } from '../codec/protocol/index.js';
import { ConnectionError } from '../codec/errors/client-errors.js';
import type { PgConnection } from './connection.js';
import { openTransport, type SslMode, type TransportTarget } from './transport.js';

/** Where and how a connection was opened, so that a cancel request reaches the same server. */
export interface CancelRoute {
  target: TransportTarget;
  sslMode: SslMode;
  /** Whether the session itself runs over TLS: the cancel request does too (as libpq 17). */
  useTls: boolean;
  tls: ConnectionOptions;
  connectTimeoutMs: number | undefined;
}

/** `limitMs`: give up (and drop the side connection) after this long, whatever connectTimeout says. */
export async function sendCancelRequest(route: CancelRoute, processId: number, secretKey: Uint8Array, limitMs?: number): Promise<void> {
  const connectDeadline = route.connectTimeoutMs ? Date.now() + route.connectTimeoutMs : Infinity;
  const deadline = limitMs === undefined ? connectDeadline : Math.min(connectDeadline, Date.now() + limitMs);
  const { socket } = await openTransport(route.target, route.sslMode, route.tls, deadline, route.useTls);
  const out = new BufferWriter(16 + secretKey.length);
  writeCancelRequest(out, processId, secretKey);
  await new Promise<void>((resolve, reject) => {
    const timer = Number.isFinite(deadline)
      ? setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError('the server did not take the cancel request in time'));
      }, Math.max(0, deadline - Date.now()))
      : undefined;
    // The server closes once it has read the request; waiting for that means it has been delivered.
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (error: Error) => reject(new ConnectionError(`sending the cancel request failed: ${error.message}`, { cause: error })));
    socket.on('data', () => undefined);
    socket.end(out.toBytes());
  });
}

/**
 * Ask the server to cancel what `connection` runs now; undefined when it cannot be asked (the
 * connection is lost, or was never fully opened).
 */
export function cancelRunningQuery(connection: PgConnection, limitMs?: number): Promise<void> | undefined {
  if (connection.cancelRoute === undefined || connection.broken) return undefined;
  return sendCancelRequest(connection.cancelRoute, connection.processId, connection.secretKey, limitMs);
}
