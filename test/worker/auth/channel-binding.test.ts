import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { endPointHashAlgorithm, tlsServerEndPointHash } from '../../../src/worker/auth/channel-binding.js';
import { AuthenticationError } from '../../../src/codec/errors/client-errors.js';

const dir = mkdtempSync(join(tmpdir(), 'pgloom-cb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Make a self-signed certificate with openssl and return its DER bytes. */
function certificate(name: string, keyArgs: string[], digest?: string, extra: string[] = []): Uint8Array {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', `/CN=${name}`, ...(digest ? [`-${digest}`] : []), ...extra], { stdio: 'ignore' });
  return new Uint8Array(new X509Certificate(readFileSync(crt)).raw);
}

const sha = (alg: string, der: Uint8Array) => new Uint8Array(createHash(alg).update(der).digest());

describe('tlsServerEndPointHash', () => {
  it('uses the signature hash of an RSA certificate', () => {
    const der = certificate('rsa384', ['-newkey', 'rsa:2048'], 'sha384');
    expect(endPointHashAlgorithm(der)).toBe('sha384');
    expect(tlsServerEndPointHash(der)).toEqual(sha('sha384', der));
  });

  it('uses the signature hash of an ECDSA certificate', () => {
    const der = certificate('ec512', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'sha512');
    expect(endPointHashAlgorithm(der)).toBe('sha512');
    expect(tlsServerEndPointHash(der)).toEqual(sha('sha512', der));
  });

  it('upgrades SHA-1 to SHA-256', () => {
    const der = certificate('rsa1', ['-newkey', 'rsa:2048'], 'sha1');
    expect(tlsServerEndPointHash(der)).toEqual(sha('sha256', der));
  });

  it('takes the hash of an RSASSA-PSS certificate from its parameters', () => {
    const der = certificate('pss', ['-newkey', 'rsa:2048'], 'sha384', ['-sigopt', 'rsa_padding_mode:pss']);
    expect(endPointHashAlgorithm(der)).toBe('sha384');
    expect(tlsServerEndPointHash(der)).toEqual(sha('sha384', der));
  });

  it('refuses Ed25519 certificates', () => {
    const der = certificate('ed', ['-newkey', 'ed25519']);
    expect(() => tlsServerEndPointHash(der)).toThrow(AuthenticationError);
    expect(() => tlsServerEndPointHash(der)).toThrow(/channel binding is not possible/);
  });

  it('refuses malformed DER', () => {
    expect(() => tlsServerEndPointHash(new Uint8Array([0x30, 0x82, 0xff]))).toThrow(AuthenticationError);
    expect(() => tlsServerEndPointHash(new Uint8Array([]))).toThrow(AuthenticationError);
  });
});
