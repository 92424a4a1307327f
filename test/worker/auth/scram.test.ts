import { describe, expect, it } from 'vitest';
import { ScramClient, chooseSaslMechanism } from '../../../src/worker/auth/scram.js';
import { AuthenticationError, ProtocolError } from '../../../src/codec/errors/client-errors.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

// RFC 7677 §3 (values exactly as in the RFC text).
const CLIENT_NONCE = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

describe('ScramClient', () => {
  it('reproduces the RFC 7677 test vector', () => {
    const client = new ScramClient('pencil', undefined, CLIENT_NONCE, false, 'user');
    expect(client.mechanism).toBe('SCRAM-SHA-256');
    expect(text(client.clientFirstMessage())).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(text(client.handleServerFirst(bytes(SERVER_FIRST)))).toBe(CLIENT_FINAL);
    expect(() => client.verifyServerFinal(bytes(SERVER_FINAL))).not.toThrow();
  });

  it('sends an empty user name by default, as PostgreSQL expects', () => {
    const client = new ScramClient('pencil', null, CLIENT_NONCE);
    expect(text(client.clientFirstMessage())).toBe('n,,n=,r=rOprNGfwEbeRWgbNEkqO');
  });

  it('generates a random nonce of 18 bytes in base64', () => {
    const first = text(new ScramClient('x', undefined).clientFirstMessage());
    expect(first).toMatch(/^n,,n=,r=[A-Za-z0-9+/]{24}$/);
    expect(first).not.toBe(text(new ScramClient('x', undefined).clientFirstMessage()));
  });

  it('rejects a wrong server signature', () => {
    const client = new ScramClient('pencil', undefined, CLIENT_NONCE, false, 'user');
    client.handleServerFirst(bytes(SERVER_FIRST));
    expect(() => client.verifyServerFinal(bytes('v=7rriTRBi23WpRR/wtup+mMhK1rAFfrjEY85cOa7fPwU='))).toThrow(AuthenticationError);
  });

  it('rejects a signature computed for another password', () => {
    const client = new ScramClient('pencil2', undefined, CLIENT_NONCE, false, 'user');
    client.handleServerFirst(bytes(SERVER_FIRST));
    expect(() => client.verifyServerFinal(bytes(SERVER_FINAL))).toThrow(/signature is wrong/);
  });

  it('reports server errors from server-final', () => {
    const client = new ScramClient('pencil', undefined, CLIENT_NONCE);
    client.handleServerFirst(bytes(SERVER_FIRST));
    expect(() => client.verifyServerFinal(bytes('e=invalid-proof'))).toThrow(/invalid-proof/);
  });

  it('validates server-first', () => {
    const attempt = (message: string) => () => new ScramClient('secret-pw', undefined, CLIENT_NONCE).handleServerFirst(bytes(message));
    expect(attempt('r=other%abc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toThrow(AuthenticationError);
    expect(attempt(`r=${CLIENT_NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`)).toThrow(AuthenticationError);
    expect(attempt(`r=${CLIENT_NONCE}x,s=not base64!,i=4096`)).toThrow(ProtocolError);
    expect(attempt(`r=${CLIENT_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0`)).toThrow(ProtocolError);
    expect(attempt(`r=${CLIENT_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1.5`)).toThrow(ProtocolError);
    expect(attempt(`r=${CLIENT_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==`)).toThrow(ProtocolError);
    expect(attempt(`m=ext,r=${CLIENT_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1`)).toThrow(AuthenticationError);
    expect(() => new ScramClient('pw', undefined, CLIENT_NONCE).handleServerFirst(bytes(`r=${CLIENT_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1`))).not.toThrow();
  });

  it('never puts the password in an error', () => {
    const client = new ScramClient('hunter2-secret', undefined, CLIENT_NONCE);
    try {
      client.handleServerFirst(bytes('r=bad,s=x,i=1'));
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });

  it('builds gs2 headers for channel binding', () => {
    const data = new Uint8Array([1, 2, 3, 4]);
    const plus = new ScramClient('pencil', { type: 'tls-server-end-point', data }, CLIENT_NONCE, true);
    expect(plus.mechanism).toBe('SCRAM-SHA-256-PLUS');
    expect(text(plus.clientFirstMessage())).toBe(`p=tls-server-end-point,,n=,r=${CLIENT_NONCE}`);
    const final = text(plus.handleServerFirst(bytes(SERVER_FIRST)));
    const c = /^c=([^,]+),/.exec(final)![1];
    expect(Buffer.from(c, 'base64')).toEqual(Buffer.concat([Buffer.from('p=tls-server-end-point,,'), Buffer.from(data)]));

    const y = new ScramClient('pencil', undefined, CLIENT_NONCE, true);
    expect(text(y.clientFirstMessage())).toBe(`y,,n=,r=${CLIENT_NONCE}`);
    expect(text(y.handleServerFirst(bytes(SERVER_FIRST)))).toMatch(/^c=eSws,/);
  });
});

describe('chooseSaslMechanism', () => {
  const both = ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'];
  it('prefers PLUS over TLS unless disabled', () => {
    expect(chooseSaslMechanism(both, true, 'prefer')).toEqual({ mechanism: 'SCRAM-SHA-256-PLUS', useBinding: true });
    expect(chooseSaslMechanism(both, true, 'require').useBinding).toBe(true);
    expect(chooseSaslMechanism(both, true, 'disable')).toEqual({ mechanism: 'SCRAM-SHA-256', useBinding: false });
    expect(chooseSaslMechanism(both, false, 'prefer')).toEqual({ mechanism: 'SCRAM-SHA-256', useBinding: false });
  });
  it('fails when binding is required but impossible', () => {
    expect(() => chooseSaslMechanism(both, false, 'require')).toThrow(/does not use TLS/);
    expect(() => chooseSaslMechanism(['SCRAM-SHA-256'], true, 'require')).toThrow(/does not offer/);
  });
  it('fails without SCRAM-SHA-256', () => {
    expect(() => chooseSaslMechanism(['FOO'], true, 'prefer')).toThrow(AuthenticationError);
    expect(() => chooseSaslMechanism(['SCRAM-SHA-256-PLUS'], false, 'prefer')).toThrow(AuthenticationError);
  });
});
