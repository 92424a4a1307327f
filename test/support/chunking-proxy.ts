// A TCP proxy in front of the real server that re-cuts the server's byte stream into tiny pieces,
// each sent on its own event-loop turn, so that the client sees message boundaries — even the
// 5-byte headers — split across socket reads.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface ChunkingProxy {
  port: number;
  /** How many separate writes the client received. */
  readonly piecesSent: number;
  close(): Promise<void>;
}

export async function startChunkingProxy(target: { host: string; port: number }, pieceSize: () => number): Promise<ChunkingProxy> {
  let piecesSent = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect(target);
    sockets.add(client).add(upstream);
    const queue: Buffer[] = [];
    let pumping = false;
    const pump = async () => {
      pumping = true;
      while (queue.length > 0) {
        const chunk = queue.shift()!;
        for (let at = 0; at < chunk.length && !client.destroyed;) {
          const size = Math.max(1, Math.min(pieceSize(), chunk.length - at));
          client.write(chunk.subarray(at, at + size));
          piecesSent++;
          at += size;
          await nextTurn();
        }
      }
      pumping = false;
    };
    upstream.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      if (!pumping) void pump();
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', () => {
      // Let queued bytes reach the client before closing its side.
      const drainThenEnd = () => (pumping || queue.length > 0 ? setTimeout(drainThenEnd, 5) : end());
      drainThenEnd();
    }).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
  return {
    port: address.port,
    get piecesSent() {
      return piecesSent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
