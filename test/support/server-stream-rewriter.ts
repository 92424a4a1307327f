// The fault proxy's view of one connection's server→client bytes: it follows the backend message
// framing (type byte, int32 length) of the real stream, so that a rewrite can target one message —
// "the first DataRow after the RowDescription naming column x" — and corrupt its type byte, its
// length word or one byte of its body, or cut the connection part-way through it.

/** How the targeted message is corrupted. */
export type RewriteChange =
  /** Add `by` to the message's length word (the bytes themselves are unchanged). */
  | { kind: 'length'; by: number }
  /** Replace the message's type byte. */
  | { kind: 'type'; to: string }
  /** Set the body byte at offset `at` (0: the first byte after the length word). */
  | { kind: 'byte'; at: number; value: number }
  /** Forward only the first `at` bytes of the message (its 5-byte header included), then close both sides. */
  | { kind: 'cut'; at: number };

export interface Rewrite {
  /** The rewrite looks only at a connection's messages from the first one whose body contains this text. */
  marker: string;
  /** Type of the message to corrupt: 'D' DataRow, 'T' RowDescription, 'C' CommandComplete, 'Z'… */
  type: string;
  /** Which message of that type, counted from the marker's own message (0: the first). */
  nth?: number;
  change: RewriteChange;
}

/** A rewrite the proxy holds until it fires once, on whichever connection reaches it first. */
export interface ArmedRewrite extends Rewrite {
  fired: boolean;
}

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;

/** Does the client's first message (at least 8 bytes) ask for TLS or GSS encryption (answered by one raw byte)? */
export function asksForEncryption(head: Buffer): boolean {
  const code = head.readInt32BE(4);
  return head.readInt32BE(0) === 8 && (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE);
}

export class ServerStreamRewriter {
  private pending: Buffer = Buffer.alloc(0);
  /** Set while the stream is encrypted (then it is forwarded as it is, never parsed). */
  private raw = false;
  /** One raw byte (the answer to an SSLRequest or GSSENCRequest) comes before the first message. */
  private awaitingEncryptionAnswer: boolean;
  /** Per armed rewrite whose marker this connection has passed: messages of its type seen since. */
  private readonly counts = new Map<ArmedRewrite, number>();

  constructor(
    private readonly rewrites: () => Iterable<ArmedRewrite>,
    /** Bytes to send to the client now. */
    private readonly deliver: (bytes: Buffer) => void,
    /** Close the connection after `bytes` (a cut). */
    private readonly cut: (bytes: Buffer) => void,
    private readonly onFired: (rewrite: ArmedRewrite) => void,
    encryptionAsked: boolean,
  ) {
    this.awaitingEncryptionAnswer = encryptionAsked;
  }

  push(chunk: Buffer): void {
    if (this.raw) return this.deliver(chunk);
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.awaitingEncryptionAnswer && this.pending.length > 0) {
      this.awaitingEncryptionAnswer = false;
      const answer = this.pending.subarray(0, 1);
      this.pending = this.pending.subarray(1);
      this.deliver(answer);
      // 'S' or 'G': what follows is a TLS/GSS stream the proxy cannot read.
      if (answer[0] !== 0x4e) {
        this.raw = true;
        if (this.pending.length > 0) this.deliver(this.pending);
        this.pending = Buffer.alloc(0);
        return;
      }
    }
    // Whole messages are forwarded one by one, each possibly rewritten.
    while (this.pending.length >= 5) {
      const total = 1 + this.pending.readInt32BE(1);
      if (total < 5 || this.pending.length < total) break;
      const message = this.pending.subarray(0, total);
      this.pending = this.pending.subarray(total);
      if (!this.forward(message)) return;
    }
  }

  /** Forward one whole message, rewritten if an armed rewrite targets it; false once the connection is cut. */
  private forward(message: Buffer): boolean {
    const type = String.fromCharCode(message[0]);
    for (const rewrite of this.rewrites()) {
      if (rewrite.fired) continue;
      if (!this.counts.has(rewrite)) {
        if (!message.includes(rewrite.marker, 5)) continue;
        this.counts.set(rewrite, 0);
      }
      if (type !== rewrite.type) continue;
      const seen = this.counts.get(rewrite)!;
      this.counts.set(rewrite, seen + 1);
      if (seen !== (rewrite.nth ?? 0)) continue;
      rewrite.fired = true;
      this.onFired(rewrite);
      return this.apply(rewrite.change, message);
    }
    this.deliver(message);
    return true;
  }

  private apply(change: RewriteChange, message: Buffer): boolean {
    const copy = Buffer.from(message);
    switch (change.kind) {
      case 'length':
        copy.writeInt32BE(copy.readInt32BE(1) + change.by, 1);
        break;
      case 'type':
        copy[0] = change.to.charCodeAt(0);
        break;
      case 'byte':
        if (5 + change.at >= copy.length) throw new Error(`the rewrite's byte offset ${change.at} is past the ${copy.length - 5}-byte body`);
        copy[5 + change.at] = change.value;
        break;
      case 'cut':
        this.pending = Buffer.alloc(0);
        this.cut(copy.subarray(0, change.at));
        return false;
    }
    this.deliver(copy);
    return true;
  }
}
