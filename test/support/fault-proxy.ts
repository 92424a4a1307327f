// A TCP proxy on 127.0.0.1 in front of the real test server that injects network faults:
// - connectDelay: a new client connection's bytes are held this many ms before anything is
//   forwarded (set at runtime; each connection uses the value current when it was accepted);
// - stall(): server→client bytes of the connections open at that moment stop being forwarded
//   (they are held; resume() lets them through); connections accepted later forward normally;
// - dropCancelRequests: a new connection whose first message is a CancelRequest is closed
//   without reaching the server, as if the server ignored the cancel.

import { createServer, connect, type Server, type Socket } from 'node:net';

/** CancelRequest: int32 length 16, int32 code 80877102, int32 pid, int32 key. */
const CANCEL_REQUEST_LENGTH = 16;
const CANCEL_REQUEST_CODE = 80877102;

export interface FaultProxy {
  readonly port: number;
  /** Client connections accepted so far (cancel requests included). */
  readonly accepted: number;
  /** Connections closed because their first message was a CancelRequest and dropping was on. */
  readonly cancelRequestsDropped: number;
  /** Connections that reached the server and are still open. */
  readonly open: number;
  /** ms to hold each newly accepted connection's bytes before forwarding them (default 0). */
  connectDelay: number;
  /** Close new connections that start with a CancelRequest instead of forwarding them. */
  dropCancelRequests: boolean;
  /** Stop forwarding server→client bytes on every connection open now. */
  stall(): void;
  /** Forward again on stalled connections, held bytes first. */
  resume(): void;
  /** Resolves once `count` connections were accepted in all; rejects after `timeoutMs`. */
  whenAccepted(count: number, timeoutMs: number): Promise<void>;
  /** Destroy every socket and stop listening. */
  close(): Promise<void>;
}

/** host and port of the server a DSN names. */
export function dsnTarget(dsn: string): { host: string; port: number } {
  const url = new URL(dsn);
  return { host: url.hostname || '127.0.0.1', port: Number(url.port || 5432) };
}

interface Link {
  client: Socket;
  upstream: Socket | undefined;
  stalled: boolean;
  /** Server bytes held while stalled. */
  held: Buffer[];
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const links = new Set<Link>();
  let accepted = 0;
  let dropped = 0;
  let open = 0;
  const waiters: { count: number; resolve: () => void }[] = [];

  const settings = { connectDelay: 0, dropCancelRequests: false };

  const onAccepted = () => {
    accepted++;
    for (const waiter of [...waiters]) {
      if (accepted >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const server: Server = createServer((client) => {
    onAccepted();
    client.setNoDelay(true);
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    const link: Link = { client, upstream: undefined, stalled: false, held: [] };
    links.add(link);
    const early: Buffer[] = [];
    let earlyBytes = 0;
    let delayOver = settings.connectDelay <= 0;
    let decided = false;

    const end = () => {
      client.destroy();
      link.upstream?.destroy();
      if (links.delete(link) && link.upstream !== undefined) open--;
    };
    client.on('close', end).on('error', end);

    const forward = () => {
      const upstream = connect(target);
      upstream.setNoDelay(true);
      sockets.add(upstream);
      upstream.once('close', () => sockets.delete(upstream));
      link.upstream = upstream;
      open++;
      upstream.on('data', (chunk: Buffer) => {
        if (link.stalled) link.held.push(chunk);
        else client.write(chunk);
      });
      upstream.on('close', end).on('error', end);
      for (const chunk of early) upstream.write(chunk);
      early.length = 0;
    };

    // Decide once the delay is over and the first message's header (8 bytes) is here.
    const decide = () => {
      if (decided || !delayOver || earlyBytes < 8 || client.destroyed) return;
      decided = true;
      const head = Buffer.concat(early);
      const isCancel = head.readInt32BE(0) === CANCEL_REQUEST_LENGTH && head.readInt32BE(4) === CANCEL_REQUEST_CODE;
      if (isCancel && settings.dropCancelRequests) {
        dropped++;
        end();
        return;
      }
      forward();
    };

    client.on('data', (chunk: Buffer) => {
      if (link.upstream !== undefined) {
        link.upstream.write(chunk);
        return;
      }
      early.push(chunk);
      earlyBytes += chunk.length;
      decide();
    });

    if (!delayOver) {
      const timer = setTimeout(() => {
        delayOver = true;
        decide();
      }, settings.connectDelay);
      client.once('close', () => clearTimeout(timer));
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fault proxy has no TCP port');

  return {
    port: address.port,
    get accepted() {
      return accepted;
    },
    get cancelRequestsDropped() {
      return dropped;
    },
    get open() {
      return open;
    },
    get connectDelay() {
      return settings.connectDelay;
    },
    set connectDelay(ms: number) {
      settings.connectDelay = ms;
    },
    get dropCancelRequests() {
      return settings.dropCancelRequests;
    },
    set dropCancelRequests(on: boolean) {
      settings.dropCancelRequests = on;
    },
    stall() {
      for (const link of links) link.stalled = true;
    },
    resume() {
      for (const link of links) {
        link.stalled = false;
        for (const chunk of link.held.splice(0)) link.client.write(chunk);
      }
    },
    whenAccepted(count: number, timeoutMs: number) {
      if (accepted >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`the fault proxy accepted ${accepted} connection(s), not ${count}, within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
