// SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677), client side, as PostgreSQL speaks it.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, ProtocolError } from '../../codec/errors/client-errors.js';
import { saslprepPassword } from './saslprep.js';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-256-PLUS';

export interface ChannelBinding {
  type: 'tls-server-end-point';
  data: Uint8Array;
}

export interface SaslChoice {
  mechanism: ScramMechanism;
  /** True when the exchange must carry the TLS channel binding (the PLUS mechanism). */
  useBinding: boolean;
}

/** Pick the mechanism among those the server offers, following libpq's channel_binding rules. */
export function chooseSaslMechanism(
  mechanisms: readonly string[],
  tlsAvailable: boolean,
  channelBinding: 'disable' | 'prefer' | 'require',
): SaslChoice {
  const plusOffered = mechanisms.includes('SCRAM-SHA-256-PLUS');
  if (plusOffered && tlsAvailable && channelBinding !== 'disable') return { mechanism: 'SCRAM-SHA-256-PLUS', useBinding: true };
  if (channelBinding === 'require') {
    const why = tlsAvailable ? 'the server does not offer SCRAM-SHA-256-PLUS' : 'the connection does not use TLS';
    throw new AuthenticationError(`channel_binding=require, but ${why}: connect with TLS to a server that supports channel binding, or relax channelBinding`);
  }
  if (!mechanisms.includes('SCRAM-SHA-256')) {
    throw new AuthenticationError(`the server offers no SASL mechanism pgloom supports (offered: ${mechanisms.join(', ') || 'none'}; supported: SCRAM-SHA-256, SCRAM-SHA-256-PLUS)`);
  }
  return { mechanism: 'SCRAM-SHA-256', useBinding: false };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RFC 5802 'printable': %x21-2B / %x2D-7E (no comma). */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;

function hmac(key: Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 5802 saslname: '=' and ',' are escaped. */
function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function decodeMessage(data: Uint8Array, what: string): string {
  try {
    return decoder.decode(data);
  } catch {
    throw new ProtocolError(`the SCRAM ${what} message is not valid UTF-8`);
  }
}

/** Split "a=1,b=2" into attributes, keeping their order. */
function attributes(message: string, what: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const part of message.split(',')) {
    if (part.length < 2 || part[1] !== '=') throw new ProtocolError(`malformed SCRAM ${what} message: bad attribute`);
    if (!result.has(part[0])) result.set(part[0], part.slice(2));
  }
  return result;
}

export class ScramClient {
  readonly mechanism: ScramMechanism;
  private readonly nonce: string;
  private readonly gs2Header: string;
  private readonly clientFirstBare: string;
  private password: string | undefined;
  private expectedServerSignature: Buffer | undefined;
  private done = false;

  constructor(
    password: string,
    private readonly binding: ChannelBinding | null | undefined,
    nonce?: string,
    tlsAvailable = false,
    /** PostgreSQL takes the user from the startup message and ignores this one. */
    user = '',
  ) {
    this.password = saslprepPassword(password);
    this.nonce = nonce ?? randomBytes(18).toString('base64');
    if (!NONCE.test(this.nonce)) throw new AuthenticationError('the SCRAM client nonce must be printable ASCII without commas');
    this.mechanism = binding ? 'SCRAM-SHA-256-PLUS' : 'SCRAM-SHA-256';
    // 'y' tells the server we could bind but it did not offer to, which it detects as a downgrade.
    this.gs2Header = binding ? `p=${binding.type},,` : tlsAvailable ? 'y,,' : 'n,,';
    this.clientFirstBare = `n=${saslName(user)},r=${this.nonce}`;
  }

  clientFirstMessage(): Uint8Array {
    return encoder.encode(this.gs2Header + this.clientFirstBare);
  }

  /** Take the server-first message and answer with client-final (carrying our proof). */
  handleServerFirst(data: Uint8Array): Uint8Array {
    const password = this.password;
    if (password === undefined) throw new ProtocolError('unexpected second SCRAM server-first message');
    this.password = undefined;
    const serverFirst = decodeMessage(data, 'server-first');
    const attrs = attributes(serverFirst, 'server-first');
    if (attrs.has('m')) throw new AuthenticationError('the server requires a SCRAM extension pgloom does not support');
    const serverNonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterationText = attrs.get('i');
    if (serverNonce === undefined || salt === undefined || iterationText === undefined) {
      throw new ProtocolError('malformed SCRAM server-first message: it needs r=, s= and i=');
    }
    // The server must extend our nonce; one that does not is replaying or not following SCRAM.
    if (!serverNonce.startsWith(this.nonce) || serverNonce.length === this.nonce.length || !NONCE.test(serverNonce)) {
      throw new AuthenticationError('the server\'s SCRAM nonce does not extend the client nonce: refusing to authenticate');
    }
    if (!salt || !BASE64.test(salt)) throw new ProtocolError('malformed SCRAM server-first message: the salt is not base64');
    if (!/^[1-9][0-9]*$/.test(iterationText) || !Number.isSafeInteger(Number(iterationText))) {
      throw new ProtocolError('malformed SCRAM server-first message: the iteration count is not a positive integer');
    }
    const iterations = Number(iterationText);

    const saltedPassword = pbkdf2Sync(password, Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
    const clientKey = hmac(saltedPassword, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const header = encoder.encode(this.gs2Header);
    const channelData = this.binding ? Buffer.concat([header, this.binding.data]) : Buffer.from(header);
    const withoutProof = `c=${channelData.toString('base64')},r=${serverNonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientSignature = hmac(storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i] ^ clientSignature[i];
    this.expectedServerSignature = hmac(hmac(saltedPassword, 'Server Key'), authMessage);
    return encoder.encode(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** Check the server's proof that it knows the password; throws when it does not. */
  verifyServerFinal(data: Uint8Array): void {
    const expected = this.expectedServerSignature;
    if (!expected || this.done) throw new ProtocolError('unexpected SCRAM server-final message');
    this.done = true;
    const attrs = attributes(decodeMessage(data, 'server-final'), 'server-final');
    const error = attrs.get('e');
    if (error !== undefined) throw new AuthenticationError(`SCRAM authentication failed: the server reports "${error}"`);
    const verifier = attrs.get('v');
    if (verifier === undefined || !BASE64.test(verifier)) throw new ProtocolError('malformed SCRAM server-final message: no server signature');
    const actual = Buffer.from(verifier, 'base64');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new AuthenticationError('the server\'s SCRAM signature is wrong: it does not know the password, so it may not be the server you meant to reach');
    }
  }
}
