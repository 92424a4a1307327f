// A TCP proxy on 127.0.0.1 in front of the real test server that injects network faults:
// - connectDelay: a new client connection's bytes are held this many ms before anything is
//   forwarded (set at runtime; each connection uses the value current when it was accepted);
// - stall(): server→client bytes of the connections open at that moment stop being forwarded
//   (they are held; resume() lets them through); connections accepted later forward normally;
// - dropCancelRequests: a new connection whose first message is a CancelRequest is closed
//   without reaching the server, as if the server ignored the cancel;
// - holdCancelRequests: such a connection is kept open, its request unsent, until
//   releaseCancelRequests() (a cancel slow to arrive: its sender waits for the server to close);
// - cutAfterBytes: a new connection is closed once that many server→client bytes have been forwarded;
// - rewriteOnce(): corrupt one server message (its type byte, its length word or a body byte) or cut
//   the connection part-way through it (test/support/server-stream-rewriter.ts).

import { createServer, connect, type Server, type Socket } from 'node:net';
import { asksForEncryption, ServerStreamRewriter, type ArmedRewrite, type Rewrite } from './server-stream-rewriter.js';

export type { Rewrite, RewriteChange } from './server-stream-rewriter.js';

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
  /** Keep new connections that start with a CancelRequest open and unforwarded until releaseCancelRequests(). */
  holdCancelRequests: boolean;
  /** CancelRequests held so far (released ones included). */
  readonly cancelRequestsHeld: number;
  /** Forward the held CancelRequests, and hold no more. */
  releaseCancelRequests(): void;
  /** Close each connection accepted from now on once it has forwarded this many server→client bytes (undefined: never). */
  cutAfterBytes: number | undefined;
  /** Corrupt the first server message `rewrite` targets, on whichever connection reaches it first. */
  rewriteOnce(rewrite: Rewrite): void;
  /** Rewrites that have fired so far. */
  readonly rewritesFired: number;
  /** Connections cut (by cutAfterBytes or a 'cut' rewrite). */
  readonly cuts: number;
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
  /** Set once the proxy cuts the connection: the client gets its last bytes, then an end. */
  cut: boolean;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const links = new Set<Link>();
  let accepted = 0;
  let dropped = 0;
  let open = 0;
  const waiters: { count: number; resolve: () => void }[] = [];

  const settings: { connectDelay: number; dropCancelRequests: boolean; holdCancelRequests: boolean; cutAfterBytes: number | undefined } = { connectDelay: 0, dropCancelRequests: false, holdCancelRequests: false, cutAfterBytes: undefined };
  /** Held CancelRequests, each forwarded when called. */
  const heldCancels: (() => void)[] = [];
  let held = 0;
  const armed: ArmedRewrite[] = [];
  let fired = 0;
  let cuts = 0;

  const onAccepted = () => {
    accepted++;
    for (const waiter of [...waiters]) {
      if (accepted >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  // Half-open allowed, so that a held CancelRequest's sender (which ends its side at once) does not
  // see the connection close; every other connection is ended back as Node would by default.
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    onAccepted();
    client.setNoDelay(true);
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    const link: Link = { client, upstream: undefined, stalled: false, held: [], cut: false };
    links.add(link);
    const early: Buffer[] = [];
    let earlyBytes = 0;
    let delayOver = settings.connectDelay <= 0;
    let decided = false;
    let holding = false;
    client.on('end', () => {
      if (!holding) client.end();
    });

    const end = () => {
      // A cut client socket is ended (its last bytes still flushing), not destroyed.
      if (!link.cut) client.destroy();
      link.upstream?.destroy();
      if (links.delete(link) && link.upstream !== undefined) open--;
    };
    client.on('close', end).on('error', end);

    const cutAfterBytes = settings.cutAfterBytes;
    let forwarded = 0;
    const cut = (last: Buffer) => {
      if (link.cut) return;
      link.cut = true;
      cuts++;
      client.end(last);
      end();
    };
    const deliver = (bytes: Buffer) => {
      if (link.cut) return;
      if (cutAfterBytes !== undefined && forwarded + bytes.length >= cutAfterBytes) {
        cut(bytes.subarray(0, cutAfterBytes - forwarded));
        return;
      }
      forwarded += bytes.length;
      if (link.stalled) link.held.push(bytes);
      else client.write(bytes);
    };

    const forward = (encryptionAsked: boolean) => {
      const upstream = connect(target);
      upstream.setNoDelay(true);
      sockets.add(upstream);
      upstream.once('close', () => sockets.delete(upstream));
      link.upstream = upstream;
      open++;
      const rewriter = new ServerStreamRewriter(() => armed, deliver, cut, (rewrite) => {
        fired++;
        armed.splice(armed.indexOf(rewrite), 1);
      }, encryptionAsked);
      upstream.on('data', (chunk: Buffer) => rewriter.push(chunk));
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
      if (isCancel && settings.holdCancelRequests) {
        holding = true;
        held++;
        heldCancels.push(() => {
          if (client.destroyed) return;
          forward(false);
          // The server closes after reading the request; its close ends the client's side too.
          link.upstream!.end();
        });
        return;
      }
      forward(asksForEncryption(head));
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
    get holdCancelRequests() {
      return settings.holdCancelRequests;
    },
    set holdCancelRequests(on: boolean) {
      settings.holdCancelRequests = on;
    },
    get cancelRequestsHeld() {
      return held;
    },
    releaseCancelRequests() {
      settings.holdCancelRequests = false;
      for (const release of heldCancels.splice(0)) release();
    },
    get cutAfterBytes() {
      return settings.cutAfterBytes;
    },
    set cutAfterBytes(bytes: number | undefined) {
      settings.cutAfterBytes = bytes;
    },
    rewriteOnce(rewrite: Rewrite) {
      armed.push({ ...rewrite, fired: false });
    },
    get rewritesFired() {
      return fired;
    },
    get cuts() {
      return cuts;
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
