// The tls-server-end-point channel binding (RFC 5929 §4.1): a hash of the server's certificate,
// so a man-in-the-middle that terminates TLS with another certificate cannot relay SCRAM.

import { createHash } from 'node:crypto';
import { AuthenticationError } from '../../codec/errors/client-errors.js';

interface Element {
  tag: number;
  /** Offset of the content. */
  start: number;
  /** Offset just past the content. */
  end: number;
}

function malformed(): AuthenticationError {
  return new AuthenticationError('cannot compute the channel binding: the server certificate is not valid DER');
}

/** Read one DER TLV at `offset`, staying within `limit`. */
function readElement(der: Uint8Array, offset: number, limit: number): Element {
  if (offset + 2 > limit) throw malformed();
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // Certificates are far below 2^32 bytes; longer or indefinite lengths are not DER we accept.
    if (count === 0 || count > 4 || start + count > limit) throw malformed();
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i];
    start += count;
  }
  const end = start + length;
  if (end > limit) throw malformed();
  return { tag, start, end };
}

const SEQUENCE = 0x30;
const OID = 0x06;

function decodeOid(der: Uint8Array, element: Element): string {
  if (element.tag !== OID || element.end === element.start) throw malformed();
  const first = der[element.start];
  const arcs = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let value = 0;
  for (let i = element.start + 1; i < element.end; i++) {
    value = value * 128 + (der[i] & 0x7f);
    if (!(der[i] & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** Signature algorithm OIDs to the hash they use (RFC 3279, 4055, 5758). */
const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5', // md5WithRSAEncryption
  '1.2.840.113549.1.1.5': 'sha1', // sha1WithRSAEncryption
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.15': 'sha512-224',
  '1.2.840.113549.1.1.16': 'sha512-256',
  '1.2.840.10045.4.1': 'sha1', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.10040.4.3': 'sha1', // dsa-with-sha1
  '2.16.840.1.101.3.4.3.1': 'sha224', // dsa-with-sha224
  '2.16.840.1.101.3.4.3.2': 'sha256', // dsa-with-sha256
};

/** Hash algorithm OIDs, for RSASSA-PSS parameters. */
const HASHES: Record<string, string> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.5': 'sha512-224',
  '2.16.840.1.101.3.4.2.6': 'sha512-256',
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';
const NO_HASH: Record<string, string> = { '1.3.101.112': 'Ed25519', '1.3.101.113': 'Ed448' };

/** RSASSA-PSS-params: hashAlgorithm is [0] EXPLICIT AlgorithmIdentifier, DEFAULT sha1. */
function pssHash(der: Uint8Array, params: Element | undefined): string {
  if (!params || params.tag !== SEQUENCE || params.start === params.end) return 'sha1';
  const first = readElement(der, params.start, params.end);
  if (first.tag !== 0xa0) return 'sha1';
  const algorithm = readElement(der, first.start, first.end);
  if (algorithm.tag !== SEQUENCE) throw malformed();
  const oid = decodeOid(der, readElement(der, algorithm.start, algorithm.end));
  const hash = HASHES[oid];
  if (!hash) throw new AuthenticationError(`cannot compute the channel binding: the server certificate's RSASSA-PSS signature uses an unknown hash (${oid})`);
  return hash;
}

/** The hash RFC 5929 prescribes for this certificate's signature algorithm. */
export function endPointHashAlgorithm(certificateDer: Uint8Array): string {
  const der = certificateDer;
  const certificate = readElement(der, 0, der.length);
  if (certificate.tag !== SEQUENCE) throw malformed();
  const tbs = readElement(der, certificate.start, certificate.end);
  const algorithm = readElement(der, tbs.end, certificate.end);
  if (tbs.tag !== SEQUENCE || algorithm.tag !== SEQUENCE) throw malformed();
  const oidElement = readElement(der, algorithm.start, algorithm.end);
  const oid = decodeOid(der, oidElement);
  const params = oidElement.end < algorithm.end ? readElement(der, oidElement.end, algorithm.end) : undefined;
  let hash: string | undefined;
  if (oid === RSASSA_PSS) hash = pssHash(der, params);
  else hash = SIGNATURE_HASHES[oid];
  if (!hash) {
    const name = NO_HASH[oid] ? `${NO_HASH[oid]} (which defines no hash)` : `an unknown signature algorithm (${oid})`;
    throw new AuthenticationError(`channel binding is not possible with this server certificate: it is signed with ${name}; use channelBinding 'prefer' or 'disable', or another certificate`);
  }
  // RFC 5929 §4.1: MD5 and SHA-1 are upgraded to SHA-256.
  return hash === 'md5' || hash === 'sha1' ? 'sha256' : hash;
}

/** The tls-server-end-point channel binding data for a DER-encoded server certificate. */
export function tlsServerEndPointHash(certificateDer: Uint8Array): Uint8Array {
  const algorithm = endPointHashAlgorithm(certificateDer);
  return new Uint8Array(createHash(algorithm).update(certificateDer).digest());
}
